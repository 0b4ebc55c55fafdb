//! The public board (公开栏): what a node shows the public of its work — the appeals whose
//! appellants consented, anonymized, with the public reply the station wrote about each
//! (`reply`), and the 党务公开 items its staff publish. DOMAIN.md, "Openness and privacy".
//!
//! Every text the board (and its feed) shows passes through [`crate::privacy::redact`]: an
//! appeal's title, content, location and public reply with the appellant's name; an item's
//! title and body too (a station's own words can still quote a resident). What an appeal
//! shows is [`BoardAppeal`], and nothing else of it: no names, phones, ID numbers, rooms,
//! staff or notes.

pub mod reply;

use chrono::{DateTime, NaiveDate, Utc};

use crate::access::{deed, Actor, Capability};
use crate::appeal::{Appeal, Kind, Status};
use crate::error::{FieldError, Msg, Reason, Refusal};
use crate::msg;
use crate::org::{in_subtree, OrgKind, OrgUnit};
use crate::privacy::redact;
use crate::validate::required_text;
use crate::vocabulary;
use crate::Id;

pub use reply::{PublicReply, ReplyCommand, ReplyContext, ReplyState, Stamp};

/// Appeals on one page of a board.
pub const PER_PAGE: i64 = 20;
/// The deepest page a board offers (older appeals are in the station's records, not here).
pub const MAX_PAGE: i64 = 500;
/// How much of an appeal's content and title the board shows.
pub const EXCERPT_CHARS: usize = 120;
/// An item's title and body, at most.
pub const MAX_ITEM_TITLE: usize = 100;
pub const MAX_ITEM_BODY: usize = 5_000;

vocabulary!(
    /// What a 党务公开 item is about.
    ItemCategory {
        Organization = "organization" / "组织建设",
        Activity = "activity" / "活动",
        Funds = "funds" / "经费",
        Decision = "decision" / "决定",
        Other = "other" / "其他",
    }
);

/// Whether an appeal may be shown on the public board at all: its appellant consented to
/// publication (anonymized), and staff have not marked it as spam (junk is no work of the
/// station's to show). The store's SQL twin is `store::board::SHOWN`. Only these get a
/// public reply.
pub fn may_be_public(appeal: &Appeal) -> bool {
    appeal.public_consent && appeal.spam_at.is_none()
}

/// Which nodes publish 党务公开 items: the district, streets and communities. A grid's
/// station is its community's.
pub fn keeps_board(kind: OrgKind) -> bool {
    kind != OrgKind::Grid
}

/// `text` cut to `max` characters, with an ellipsis when cut. Cut after redaction, so no
/// half of a number is ever left to read.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max).collect();
    cut.push('…');
    cut
}

/// One appeal as the public board shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardAppeal {
    /// Internal id: anchors and the feed's entry ids, never shown as text.
    pub id: Id,
    pub received: DateTime<Utc>,
    pub kind: Kind,
    /// The category's code (the reader's language names it).
    pub category: String,
    /// The community it concerns (a grid's appeal: its community).
    pub community_id: Id,
    pub status: Status,
    /// The deadline running now, while open.
    pub deadline: Option<DateTime<Utc>>,
    pub title: Option<String>,
    pub excerpt: String,
    pub location: Option<String>,
    /// The station's published public reply.
    pub reply: Option<String>,
    /// The last time any of this changed (for the feed).
    pub updated: DateTime<Utc>,
}

impl BoardAppeal {
    /// The board's view of `appeal` (one that [`may_be_public`]), whose appellant is called
    /// `appellant_name` (if named), concerning `community_id`, with its public reply.
    pub fn new(
        appeal: &Appeal,
        appellant_name: Option<&str>,
        community_id: Id,
        reply: Option<&PublicReply>,
    ) -> BoardAppeal {
        let names: Vec<&str> = appellant_name.into_iter().collect();
        let public = |t: &str| shorten(&redact(t, &names), EXCERPT_CHARS);
        let reply = reply.filter(|r| r.state == ReplyState::Published);
        let updated = [
            Some(appeal.created_at),
            appeal.responded_at,
            appeal.accepted_at,
            appeal.resolved_at,
            appeal.closed_at,
            appeal.feedback_at,
            reply.and_then(|r| r.published.as_ref().map(|s| s.at)),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(appeal.created_at);
        BoardAppeal {
            id: appeal.id,
            received: appeal.created_at,
            kind: appeal.kind,
            category: appeal.category.clone(),
            community_id,
            status: appeal.status,
            deadline: appeal.current_deadline(),
            title: appeal.title.as_deref().map(public),
            excerpt: public(&appeal.content),
            location: appeal.location.as_deref().map(public),
            reply: reply.map(|r| redact(&r.body, &names)),
            updated,
        }
    }
}

/// A 党务公开 item as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemDraft {
    pub title: String,
    pub body: String,
    pub category: Option<ItemCategory>,
    /// The day it concerns (held, decided); default today.
    pub dated: Option<NaiveDate>,
}

/// An item's fields, checked: trimmed texts, a category, the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedItem {
    pub title: String,
    pub body: String,
    pub category: ItemCategory,
    pub dated: NaiveDate,
}

const ITEM_TITLE_EMPTY: Msg = msg!("item_title_empty", "请填写标题", "Enter the title");
const ITEM_BODY_EMPTY: Msg = msg!("item_body_empty", "请填写正文", "Enter the text");
const ITEM_CATEGORY_NEEDED: Msg = msg!(
    "item_category_needed",
    "请选择公开类别",
    "Choose what the item is about"
);

/// An item's fields, every fault at once.
pub fn check_item(draft: &ItemDraft, today: NaiveDate) -> Result<CheckedItem, Vec<FieldError>> {
    let title = required_text("title", &draft.title, MAX_ITEM_TITLE, &ITEM_TITLE_EMPTY);
    let body = required_text("body", &draft.body, MAX_ITEM_BODY, &ITEM_BODY_EMPTY);
    let category = draft
        .category
        .ok_or_else(|| FieldError::new("category", &ITEM_CATEGORY_NEEDED));
    match (title, body, category) {
        (Ok(title), Ok(body), Ok(category)) => Ok(CheckedItem {
            title,
            body,
            category,
            dated: draft.dated.unwrap_or(today),
        }),
        (title, body, category) => Err([title.err(), body.err(), category.err()]
            .into_iter()
            .flatten()
            .collect()),
    }
}

const ITEM_OWN_NODE: Msg = msg!(
    "item_own_node",
    "党务公开内容由本级发布：请以「{node}」的工作人员账号发布",
    "Items are published by the node's own staff: publish as staff of {node}",
);
const ITEM_NO_GRID: Msg = msg!(
    "item_no_grid",
    "网格不单设公开栏，请在所属居民区发布",
    "A grid has no board of its own: publish on its community's",
);
const ITEM_WITHDRAWN: Msg = msg!(
    "item_withdrawn",
    "该条党务公开已撤回",
    "This item has already been withdrawn",
);
const ITEM_NOT_BELOW: Msg = msg!(
    "item_not_below",
    "只能撤回本级或下级发布的党务公开",
    "Only items of your node or below can be withdrawn",
);

fn publisher(actor: &Actor) -> Result<(), Refusal> {
    if actor.may(Capability::Publish) {
        Ok(())
    } else {
        Err(Refusal::Forbidden(actor.may_not(&deed::PUBLISH)))
    }
}

/// Whether `actor` may publish an item on `node`'s board: staff of that very node (the
/// station for a community, the street for a street, the district), and not on a grid.
pub fn may_publish_item(actor: &Actor, node: &OrgUnit) -> Result<(), Refusal> {
    publisher(actor)?;
    if !keeps_board(node.kind) {
        return Err(Refusal::invalid("org_unit_id", &ITEM_NO_GRID));
    }
    if actor.org_unit_id != node.id {
        return Err(Refusal::Forbidden(
            Reason::new(&ITEM_OWN_NODE).with("node", &node.name),
        ));
    }
    Ok(())
}

/// Whether `actor` may withdraw an item published at the node at `node_path`, withdrawn
/// already or not: staff of that node or above (a street may take down a station's item),
/// once.
pub fn may_withdraw_item(actor: &Actor, node_path: &str, withdrawn: bool) -> Result<(), Refusal> {
    publisher(actor)?;
    if !in_subtree(&actor.org_path, node_path) {
        return Err(Refusal::Forbidden(Reason::new(&ITEM_NOT_BELOW)));
    }
    if withdrawn {
        return Err(Refusal::Conflict(FieldError::new("id", &ITEM_WITHDRAWN)));
    }
    Ok(())
}

/// A published item as the public reads it: its texts redacted (no appellant to name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardItem {
    pub id: Id,
    pub org_unit_id: Id,
    pub category: ItemCategory,
    pub title: String,
    pub body: String,
    pub dated: NaiveDate,
    pub published_at: DateTime<Utc>,
}

impl BoardItem {
    pub fn new(
        id: Id,
        org_unit_id: Id,
        item: &CheckedItem,
        published_at: DateTime<Utc>,
    ) -> BoardItem {
        BoardItem {
            id,
            org_unit_id,
            category: item.category,
            title: redact(&item.title, &[]),
            body: redact(&item.body, &[]),
            dated: item.dated,
            published_at,
        }
    }
}

#[cfg(test)]
mod tests;
