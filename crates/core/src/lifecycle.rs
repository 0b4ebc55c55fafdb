//! The closed loop (受理 → 办理 → 办结 → 反馈 → 回访) as decide → events → apply.
//!
//! `decide` is a pure function of the appeal, the command, who acts, and when; it either
//! refuses with a reason or returns the events that record what happened. `apply` folds an
//! event into the appeal. The store appends the events and saves the new state in one
//! transaction, so the timeline and the row can never disagree.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::access::{ActionKind, Actor, Capability, Holders, Placement, Relation};
use crate::appeal::{
    Appeal, Channel, Deadline, Extension, FeedbackChannel, Handoff, Kind, Resolution, Satisfaction,
    Status, Urgency,
};
use crate::calendar::WorkCalendar;
use crate::error::{FieldError, Msg, Reason};
use crate::msg;
use crate::policy::TimeLimitPolicy;
use crate::Id;

mod appellant;
mod apply;
mod decide;
mod draft;
mod intake;

pub use appellant::{appellant_answer, AppellantAnswer, SolvedAnswer, SEEN_ONLINE};
pub use apply::apply;
pub use decide::{
    bounded, decide, CLASSIFY_CATEGORY_PICK, SPAM_REASON_EMPTY, UNMARK_SPAM_NOTE_EMPTY,
};
pub use draft::{
    check_draft, handling_unit, text_errors, CheckedDraft, IntakeDraft, IntakeFacts, Matter,
    NewAppellantDraft, MAX_APPELLANT_NAME,
};
pub use intake::{register, register_public, Intake};

/// Longest note, reason or content a person types into one field.
pub const MAX_NOTE_CHARS: usize = 2_000;
pub const MAX_CONTENT_CHARS: usize = 10_000;
pub const MAX_TITLE_CHARS: usize = 100;
pub const MAX_LOCATION_CHARS: usize = 200;
/// Longest extension one request may ask for.
pub const MAX_EXTENSION_DAYS: u32 = 30;
/// Unreachable follow-up attempts after which the appeal closes as unreachable.
pub const MAX_FOLLOW_UP_ATTEMPTS: u32 = 3;

/// A lifecycle command, as posted to `/api/v1/appeals/{id}/actions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    Accept {
        note: Option<String>,
    },
    Assign {
        user_id: Option<Id>,
        team_id: Option<Id>,
        note: Option<String>,
    },
    Refer {
        department_id: Id,
        note: String,
    },
    Escalate {
        note: String,
    },
    Return {
        note: String,
    },
    Progress {
        note: String,
    },
    Extend {
        days: u32,
        reason: String,
    },
    ExtendApprove {
        approve: bool,
        reason: Option<String>,
    },
    Resolve {
        resolution: Resolution,
        note: String,
    },
    Feedback {
        channel: FeedbackChannel,
        note: String,
    },
    FollowUp {
        satisfaction: Satisfaction,
        solved: Option<bool>,
        note: Option<String>,
        /// When dissatisfied: send it back for handling again (重办) instead of closing.
        #[serde(default)]
        reopen: bool,
    },
    Reopen {
        note: String,
    },
    Reject {
        reason: String,
    },
    Merge {
        into_appeal_id: Id,
    },
    Supervise {
        note: String,
    },
    /// 挂起: the appellant is holding things up (away, documents missing); the clock stops.
    Suspend {
        reason: String,
    },
    /// 恢复计时: the clock runs again; the resolve deadline moves by the time it stood.
    Resume {
        note: Option<String>,
    },
    /// 归类 / 改类: sort the appeal into a leaf of the taxonomy (the app checks the code
    /// against the taxonomy with `category::check_sortable`). Deadlines stay as set at intake.
    Classify {
        category: String,
        note: Option<String>,
    },
    /// 标为无效: spam or junk; the appeal leaves every measure until unmarked.
    MarkSpam {
        reason: String,
    },
    /// 撤销无效: a mistaken mark undone; the appeal counts and runs again where it stood.
    UnmarkSpam {
        note: String,
    },
}

impl Command {
    pub fn kind(&self) -> ActionKind {
        match self {
            Command::Accept { .. } => ActionKind::Accept,
            Command::Assign { .. } => ActionKind::Assign,
            Command::Refer { .. } => ActionKind::Refer,
            Command::Escalate { .. } => ActionKind::Escalate,
            Command::Return { .. } => ActionKind::Return,
            Command::Progress { .. } => ActionKind::Progress,
            Command::Extend { .. } => ActionKind::Extend,
            Command::ExtendApprove { .. } => ActionKind::ExtendApprove,
            Command::Resolve { .. } => ActionKind::Resolve,
            Command::Feedback { .. } => ActionKind::Feedback,
            Command::FollowUp { .. } => ActionKind::FollowUp,
            Command::Reopen { .. } => ActionKind::Reopen,
            Command::Reject { .. } => ActionKind::Reject,
            Command::Merge { .. } => ActionKind::Merge,
            Command::Supervise { .. } => ActionKind::Supervise,
            Command::Suspend { .. } => ActionKind::Suspend,
            Command::Resume { .. } => ActionKind::Resume,
            Command::Classify { .. } => ActionKind::Classify,
            Command::MarkSpam { .. } => ActionKind::MarkSpam,
            Command::UnmarkSpam { .. } => ActionKind::UnmarkSpam,
        }
    }
}

/// What happened, with everything needed to replay it (deadlines are computed once, here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum EventBody {
    Registered {
        channel: Channel,
        kind: Kind,
        urgency: Urgency,
        category: String,
        org_unit_id: Id,
        handling_org_unit_id: Id,
        respond_by: DateTime<Utc>,
        resolve_by: Option<DateTime<Utc>>,
    },
    Accept {
        note: Option<String>,
    },
    Assign {
        user_id: Option<Id>,
        team_id: Option<Id>,
        note: Option<String>,
    },
    Refer {
        department_id: Id,
        note: String,
    },
    Escalate {
        from_org_unit_id: Id,
        to_org_unit_id: Id,
        note: String,
    },
    Return {
        note: String,
        undone: Handoff,
    },
    Progress {
        note: String,
    },
    Extend {
        days: u32,
        reason: String,
    },
    ExtendApprove {
        approve: bool,
        reason: Option<String>,
        resolve_by: Option<DateTime<Utc>>,
    },
    Resolve {
        resolution: Resolution,
        note: String,
    },
    Feedback {
        channel: FeedbackChannel,
        note: String,
    },
    FollowUp {
        satisfaction: Satisfaction,
        solved: Option<bool>,
        note: Option<String>,
        attempt: u32,
        closes: bool,
    },
    Reopen {
        note: String,
        resolve_by: Option<DateTime<Utc>>,
    },
    Reject {
        reason: String,
    },
    Merge {
        into_appeal_id: Id,
    },
    /// Taken out of the problem whose lead it was merged into (`problem`): back to where it
    /// stood before the merge (accepted if it ever was, else registered).
    Unmerge {
        from_appeal_id: Id,
    },
    /// Resolved with the lead of its problem (`problem::carry`): the lead's resolution and
    /// note, against the lead's resolve deadline (`resolve_by`), so it counts on time or late
    /// as the lead does (`measures`).
    ResolveWithLead {
        lead_appeal_id: Id,
        resolution: Resolution,
        note: String,
        resolve_by: Option<DateTime<Utc>>,
    },
    Supervise {
        note: String,
    },
    Suspend {
        reason: String,
    },
    /// The clock ran again after `paused_seconds` of counted time (working time for a
    /// working-day limit, elapsed time for a clock-hour one); `resolve_by` is the moved deadline.
    Resume {
        note: Option<String>,
        paused_seconds: i64,
        resolve_by: Option<DateTime<Utc>>,
    },
    /// Recorded by the deadline watch (system actor) once per deadline that passed unmet.
    Overdue {
        deadline: Deadline,
        due: DateTime<Utc>,
    },
    /// The category changed from `from` to `to` (the classifier's training data: what staff
    /// sorted or corrected, with why).
    Classify {
        from: String,
        to: String,
        note: Option<String>,
    },
    MarkSpam {
        reason: String,
    },
    UnmarkSpam {
        note: String,
    },
}

impl EventBody {
    /// The event's type name on the timeline (`registered`, or the action's code).
    pub fn type_name(&self) -> &'static str {
        match self {
            EventBody::Registered { .. } => "registered",
            EventBody::Accept { .. } => "accept",
            EventBody::Assign { .. } => "assign",
            EventBody::Refer { .. } => "refer",
            EventBody::Escalate { .. } => "escalate",
            EventBody::Return { .. } => "return",
            EventBody::Progress { .. } => "progress",
            EventBody::Extend { .. } => "extend",
            EventBody::ExtendApprove { .. } => "extend_approve",
            EventBody::Resolve { .. } => "resolve",
            EventBody::Feedback { .. } => "feedback",
            EventBody::FollowUp { .. } => "follow_up",
            EventBody::Reopen { .. } => "reopen",
            EventBody::Reject { .. } => "reject",
            EventBody::Merge { .. } => "merge",
            EventBody::Unmerge { .. } => "unmerge",
            EventBody::ResolveWithLead { .. } => "resolve_with_lead",
            EventBody::Supervise { .. } => "supervise",
            EventBody::Suspend { .. } => "suspend",
            EventBody::Resume { .. } => "resume",
            EventBody::Overdue { .. } => "overdue",
            EventBody::Classify { .. } => "classify",
            EventBody::MarkSpam { .. } => "mark_spam",
            EventBody::UnmarkSpam { .. } => "unmark_spam",
        }
    }
}

impl EventBody {
    /// The words (Chinese, English) of an event a problem records on its appeals, which is
    /// no lifecycle action's: taken out of a problem, resolved with the problem's lead.
    pub fn problem_label(&self) -> Option<(&'static str, &'static str)> {
        match self {
            EventBody::Unmerge { .. } => Some(("移出问题", "Taken out of the problem")),
            EventBody::ResolveWithLead { .. } => Some(("随主件办结", "Resolved with the lead")),
            _ => None,
        }
    }
}

/// One entry of the timeline: who, when, what (and why, inside the body).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub actor_id: Id,
    pub body: EventBody,
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// The appeal's status does not allow it (HTTP 409). `allowed` is what the status allows.
    #[error("{}", not_allowed(*status, *action, allowed).zh)]
    NotAllowed {
        action: ActionKind,
        status: Status,
        allowed: Vec<ActionKind>,
    },
    /// The actor's role or relation to the appeal does not allow it (HTTP 403).
    #[error("{0}")]
    Forbidden(Reason),
    /// A field is missing or wrong (HTTP 422).
    #[error("{0}")]
    Invalid(FieldError),
}

const NOT_ALLOWED: Msg = msg!(
    "action_not_allowed",
    "当前状态「{status}」不能执行「{action}」；可执行的操作：{allowed}",
    "An appeal that is {status} cannot take “{action}”; it can take: {allowed}",
);

/// Why `action` cannot be taken in `status`, naming what can (by code in Chinese, as the
/// API's `allowed` does; by label in English).
pub fn not_allowed(status: Status, action: ActionKind, allowed: &[ActionKind]) -> Reason {
    let list = |label: fn(ActionKind) -> &'static str, none: &str| {
        if allowed.is_empty() {
            return none.to_string();
        }
        allowed
            .iter()
            .map(|a| label(*a))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Reason::new(&NOT_ALLOWED)
        .with_words("status", status.label_zh(), status.label_en())
        .with_words("action", action.label_zh(), action.label_en())
        .with_words(
            "allowed",
            &list(ActionKind::code, "无"),
            &list(ActionKind::label_en, "none"),
        )
}

impl Refusal {
    /// The refusal in both languages, for a page in either.
    pub fn reason(&self) -> Reason {
        match self {
            Refusal::NotAllowed {
                action,
                status,
                allowed,
            } => not_allowed(*status, *action, allowed),
            Refusal::Forbidden(reason) => reason.clone(),
            Refusal::Invalid(e) => e.reason(),
        }
    }
}

/// Everything `decide` needs besides the appeal and the command.
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    pub actor: &'a Actor,
    pub place: &'a Placement,
    pub calendar: &'a WorkCalendar,
    pub policy: &'a TimeLimitPolicy,
}

impl Context<'_> {
    fn relation(&self, appeal: &Appeal) -> Relation {
        crate::access::relation(self.actor, self.place, holders(appeal))
    }
}

/// Decides `command` and folds what was decided into `appeal`, returning those events; on a
/// refusal `appeal` is unchanged. For appeals played forward in memory (the demo's
/// histories, the store's scale example); the store applies events itself as it writes them.
pub fn decide_and_apply(
    appeal: &mut Appeal,
    command: &Command,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let events = decide(appeal, command, ctx)?;
    for e in &events {
        apply(appeal, e);
    }
    Ok(events)
}

/// The facts about an appeal that decide who may see it.
pub fn holders(appeal: &Appeal) -> Holders {
    Holders {
        handling_org_unit_id: appeal.handling_org_unit_id,
        assignee_user_id: appeal.assignee_user_id,
        department_id: appeal.department_id,
    }
}

/// The actions the appeal's state allows, whoever asks.
pub fn allowed_in_state(appeal: &Appeal) -> Vec<ActionKind> {
    use ActionKind as A;
    // Marked as spam, it waits for nothing but the undo of a mistaken mark.
    if appeal.spam_at.is_some() {
        return vec![A::UnmarkSpam];
    }
    let extension_open = matches!(appeal.extension, Extension::None | Extension::Denied { .. })
        && appeal.resolve_by.is_some();
    let extension_pending = matches!(appeal.extension, Extension::Requested { .. });
    let mut allowed = Vec::new();
    let mut push = |cond: bool, a: ActionKind| {
        if cond {
            allowed.push(a)
        }
    };
    match appeal.status {
        Status::Registered => {
            push(true, A::Accept);
            push(true, A::Reject);
            push(true, A::Merge);
            push(true, A::Supervise);
        }
        Status::Accepted | Status::InProgress if appeal.suspended_at.is_some() => {
            // While the clock stands, the handler can record progress and resume; a superior
            // can still decide a pending extension or supervise. Handing it on or closing it
            // waits for `resume`, so the stopped clock is always accounted for.
            push(appeal.status == Status::InProgress, A::Progress);
            push(extension_pending, A::ExtendApprove);
            push(true, A::Supervise);
            push(true, A::Resume);
        }
        Status::Accepted | Status::InProgress => {
            let in_progress = appeal.status == Status::InProgress;
            push(true, A::Assign);
            push(true, A::Refer);
            push(true, A::Escalate);
            push(in_progress && !appeal.handoffs.is_empty(), A::Return);
            push(in_progress, A::Progress);
            push(extension_open, A::Extend);
            push(extension_pending, A::ExtendApprove);
            push(true, A::Resolve);
            push(!in_progress, A::Merge);
            push(true, A::Supervise);
            // Only a running resolve clock can be stopped (praise has none).
            push(appeal.resolve_by.is_some(), A::Suspend);
        }
        Status::Resolved => {
            push(true, A::Feedback);
            push(appeal.feedback_at.is_some(), A::FollowUp);
        }
        Status::Closed => push(true, A::Reopen),
        Status::Rejected | Status::Merged => {}
    }
    // Sorting is part of handling: while anything is still to be done with the appeal.
    push(
        matches!(
            appeal.status,
            Status::Registered | Status::Accepted | Status::InProgress | Status::Resolved
        ),
        A::Classify,
    );
    // A closed appeal was answered and followed up: whatever it was, it was handled.
    push(appeal.status != Status::Closed, A::MarkSpam);
    allowed
}

/// The actions this actor may take on this appeal now — what a UI offers.
pub fn available_actions(appeal: &Appeal, ctx: &Context<'_>) -> Vec<ActionKind> {
    let rel = ctx.relation(appeal);
    allowed_in_state(appeal)
        .into_iter()
        .filter(|a| ctx.actor.may(Capability::Act(*a)) && in_position(*a, appeal, rel))
        // At the top of the tree there is no level to escalate to: `decide` refuses it.
        // Escalating, and asking for an extension, both need a level above the handling unit.
        .filter(|a| {
            !matches!(a, ActionKind::Escalate | ActionKind::Extend)
                || ctx.place.handling_parent.is_some()
        })
        .collect()
}

/// Whether the actor's relation to the appeal lets it take this action.
fn in_position(action: ActionKind, appeal: &Appeal, rel: Relation) -> bool {
    use ActionKind as A;
    match action {
        A::Supervise | A::ExtendApprove => rel.superior,
        // Whoever received the last hand-over sends it back.
        A::Return => match appeal.handoffs.last() {
            Some(Handoff::Refer { .. }) => rel.department,
            Some(Handoff::Assign { .. }) => rel.assignee || rel.at_handling_unit,
            Some(Handoff::Escalate { .. }) => rel.at_handling_unit,
            None => false,
        },
        // Those working on it: the unit, or the person or department it was handed to.
        A::Progress | A::Resolve | A::Extend | A::Classify => {
            rel.at_handling_unit || rel.assignee || rel.department
        }
        // A mistaken mark is undone by the unit that made it, or by the level above, which
        // is also the check on a unit that would mark real appeals away from its measures.
        A::UnmarkSpam => rel.at_handling_unit || rel.superior,
        _ => rel.at_handling_unit,
    }
}
