//! The public reply (公开答复): what the station tells the public about an appeal's outcome,
//! apart from what it told the appellant, and shown only after a review.
//!
//! ```text
//!   (none) ──write──▶ draft ──publish──▶ published ──withdraw──▶ withdrawn
//!                     ▲  └─write─┘                                  │
//!                     └──────────────────────write──────────────────┘
//! ```
//!
//! Who: anyone of a publishing role (`Capability::Publish`) who sees the appeal may write
//! (and rewrite while unpublished); staff of the unit handling it, or of a unit above,
//! review it — publish — and may withdraw it. A published reply is not edited in place: it is
//! withdrawn, rewritten and reviewed again. Only an appeal that may be public
//! (`board::may_be_public`) gets one. The pure [`decide`] gives the reply after the command;
//! the store writes it on the condition that nobody changed it since it was read.

use chrono::{DateTime, Utc};

use crate::access::{deed, Actor, Capability, Relation};
use crate::error::{FieldError, Msg, Reason, Refusal};
use crate::msg;
use crate::validate::required_text;
use crate::vocabulary;
use crate::Id;

/// A public reply, at most.
pub const MAX_REPLY_CHARS: usize = 1_000;

vocabulary!(
    /// Where a public reply stands.
    ReplyState {
        Draft = "draft" / "待审核",
        Published = "published" / "已发布",
        Withdrawn = "withdrawn" / "已撤回",
    }
);

vocabulary!(
    /// What is done to a public reply (the words of a refusal).
    ReplyStep {
        Write = "write" / "编写",
        Publish = "publish" / "审核发布",
        Withdraw = "withdraw" / "撤回",
    }
);

/// Who did something to the reply, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub by: Id,
    /// Their display name, for the staff's card (never shown to the public).
    pub name: String,
    pub at: DateTime<Utc>,
}

/// An appeal's public reply and its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicReply {
    pub body: String,
    pub state: ReplyState,
    /// The last writing.
    pub written: Stamp,
    /// The review that published it (kept after a withdrawal, cleared by a rewrite).
    pub published: Option<Stamp>,
    pub withdrawn: Option<Stamp>,
}

/// A command to the reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyCommand {
    Write(String),
    Publish,
    Withdraw,
}

impl ReplyCommand {
    pub fn step(&self) -> ReplyStep {
        match self {
            ReplyCommand::Write(_) => ReplyStep::Write,
            ReplyCommand::Publish => ReplyStep::Publish,
            ReplyCommand::Withdraw => ReplyStep::Withdraw,
        }
    }
}

/// Who acts and what the rules need to know about the appeal.
#[derive(Debug, Clone, Copy)]
pub struct ReplyContext<'a> {
    pub actor: &'a Actor,
    /// The actor's relation to the appeal (`access::relation`).
    pub relation: Relation,
    /// The appeal may be shown on the board (`board::may_be_public`).
    pub public: bool,
    pub now: DateTime<Utc>,
}

const NOT_PUBLIC: Msg = msg!(
    "reply_not_public",
    "诉求人未同意公开这件诉求，不能发布公开答复",
    "The appellant did not consent to showing this appeal: it takes no public reply",
);
const REVIEWER: Msg = msg!(
    "reply_reviewer",
    "公开答复须由承办单位或其上级的工作人员审核发布或撤回",
    "A public reply is reviewed (published or withdrawn) by staff of the handling unit or above",
);
const WRONG_STATE: Msg = msg!(
    "reply_wrong_state",
    "公开答复{state}，不能{step}",
    "The public reply is {state}: it cannot be given “{step}”",
);
const NOTHING_WRITTEN: Msg = msg!(
    "reply_nothing_written",
    "还没有编写公开答复",
    "No public reply has been written yet",
);
const REPLY_EMPTY: Msg = msg!("reply_empty", "请填写公开答复", "Enter the public reply",);

/// The reply's text: trimmed, storable, not empty, at most [`MAX_REPLY_CHARS`].
pub fn check_body(body: &str) -> Result<String, FieldError> {
    required_text("body", body, MAX_REPLY_CHARS, &REPLY_EMPTY)
}

/// May `actor` write a reply at all: a publishing role that sees the appeal.
pub fn may_write(actor: &Actor, relation: Relation) -> bool {
    actor.may(Capability::Publish) && relation.visible
}

/// May `actor` review (publish, withdraw): a writer at the handling unit or above it.
pub fn may_review(actor: &Actor, relation: Relation) -> bool {
    may_write(actor, relation) && (relation.at_handling_unit || relation.superior)
}

/// The reply after `cmd` on `current` (none written yet: `None`), or why not.
pub fn decide(
    current: Option<&PublicReply>,
    cmd: &ReplyCommand,
    ctx: &ReplyContext<'_>,
) -> Result<PublicReply, Refusal> {
    let actor = ctx.actor;
    if !may_write(actor, ctx.relation) {
        return Err(Refusal::Forbidden(actor.may_not(&deed::PUBLISH)));
    }
    let reviewing = !matches!(cmd, ReplyCommand::Write(_));
    if reviewing && !may_review(actor, ctx.relation) {
        return Err(Refusal::Forbidden(Reason::new(&REVIEWER)));
    }
    if !ctx.public && !matches!(cmd, ReplyCommand::Withdraw) {
        return Err(Refusal::Conflict(FieldError::new("state", &NOT_PUBLIC)));
    }
    let stamp = Stamp {
        by: actor.user_id,
        name: actor.name.clone(),
        at: ctx.now,
    };
    let state = current.map(|r| r.state);
    let wrong = |state: ReplyState| {
        Refusal::Conflict(
            FieldError::new("state", &WRONG_STATE)
                .with_words("state", state.label_zh(), state.label_en())
                .with_words("step", cmd.step().label_zh(), cmd.step().label_en()),
        )
    };
    match (cmd, current) {
        (ReplyCommand::Write(_), Some(r)) if r.state == ReplyState::Published => {
            Err(wrong(r.state))
        }
        (ReplyCommand::Write(body), _) => Ok(PublicReply {
            body: check_body(body).map_err(Refusal::Invalid)?,
            state: ReplyState::Draft,
            written: stamp,
            published: None,
            withdrawn: None,
        }),
        (_, None) => Err(Refusal::Conflict(FieldError::new(
            "state",
            &NOTHING_WRITTEN,
        ))),
        (ReplyCommand::Publish, Some(r)) if state == Some(ReplyState::Draft) => Ok(PublicReply {
            state: ReplyState::Published,
            published: Some(stamp),
            withdrawn: None,
            ..r.clone()
        }),
        (ReplyCommand::Withdraw, Some(r)) if state == Some(ReplyState::Published) => {
            Ok(PublicReply {
                state: ReplyState::Withdrawn,
                withdrawn: Some(stamp),
                ..r.clone()
            })
        }
        (_, Some(r)) => Err(wrong(r.state)),
    }
}
