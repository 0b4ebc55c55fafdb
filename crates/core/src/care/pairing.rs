//! Pairings (结对): a person in care and the partner who looks in on them. A pairing is
//! made for someone on the care register, with a partner of their community; it is active
//! until it is ended, and contacts are logged on an active pairing only.
//!
//! [`check_new`] decides a new pairing from the facts the store found; [`decide`] and
//! [`apply`] are a pairing's life after that (log a contact, end it).

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{FieldError, Msg, CONTENT_TOO_LONG};
use crate::msg;
use crate::org::in_subtree;
use crate::Id;

use super::team::{Found, Partner};
use super::visit::{not_ahead, PERSON_UNKNOWN};
use super::Refusal;

/// Longest contact note.
pub const MAX_CONTACT_CHARS: usize = 2000;

/// The person a new pairing is for, as the store found them in the arranger's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paired {
    pub id: Id,
    /// The community they live in (or their node, above community level).
    pub community_path: String,
    /// On the care register: a care tag or a care level (`super::in_care`).
    pub in_care: bool,
}

/// A new pairing as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPairing {
    pub partner: Partner,
    pub started_on: NaiveDate,
    pub note: Option<String>,
}

/// Where a pairing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    Ended { on: NaiveDate },
}

/// A pairing as its rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pairing {
    pub started_on: NaiveDate,
    pub status: Status,
}

/// What a partner or the keeper asks of a pairing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// A contact, said in `note` (its time is checked by [`contact_time`]).
    LogContact { note: String },
    /// The pairing ends on `on`.
    End { on: NaiveDate },
}

/// What happened to the pairing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A contact, its note trimmed.
    ContactLogged {
        note: String,
    },
    Ended {
        on: NaiveDate,
    },
}

const NOT_IN_CARE: Msg = msg!(
    "pairing_not_in_care",
    "只能为关爱名册上的人员结对（有关爱标签或关爱等级）",
    "Pairings are for people on the care register (a care tag or a care level)"
);
const USER_UNKNOWN: Msg = msg!("user_unknown", "未知的用户", "Unknown user");
const NOT_IN_PERSON_COMMUNITY: Msg = msg!(
    "not_in_person_community",
    "不属于该人员所在的社区",
    "Not in the person's community"
);
const PAIR_WITH_SELF: Msg = msg!(
    "pair_with_self",
    "不能与本人结对",
    "A person cannot be paired with themselves"
);
const CONTACT_NOTE_EMPTY: Msg = msg!(
    "contact_note_empty",
    "请填写联系情况",
    "Enter how the contact went"
);
const CONTACT_IN_FUTURE: Msg = msg!(
    "contact_in_future",
    "联系时间不能晚于现在",
    "The contact time cannot be later than now"
);
const PAIRING_ENDED: Msg = msg!(
    "pairing_ended",
    "该结对已于 {on} 结束",
    "This pairing ended on {on}"
);
const END_BEFORE_START: Msg = msg!(
    "pairing_end_before_start",
    "结束日期不能早于结对日期 {start}",
    "The end cannot be before the pairing began on {start}"
);

/// The field a partner is named by.
fn partner_field(partner: Partner) -> &'static str {
    match partner {
        Partner::User(_) => "partner_user_id",
        Partner::Person(_) => "partner_person_id",
    }
}

/// Whether a new pairing may be made for `person` (`None`: unknown or outside the
/// arranger's scope) with the partner `found` where they work or live (`None`: unknown):
/// the person is on the care register; a partner user works at the person's community or
/// above it, a partner person lives in it and is not the person. The pairing as stored
/// (its note trimmed, an empty one none), or the first fault.
pub fn check_new(
    person: Option<&Paired>,
    new: &NewPairing,
    found: Option<&Found>,
) -> Result<NewPairing, FieldError> {
    let person = person.ok_or_else(|| FieldError::new("person_id", &PERSON_UNKNOWN))?;
    if !person.in_care {
        return Err(FieldError::new("person_id", &NOT_IN_CARE));
    }
    let field = partner_field(new.partner);
    if new.partner == Partner::Person(person.id) {
        return Err(FieldError::new(field, &PAIR_WITH_SELF));
    }
    let unknown = match new.partner {
        Partner::User(_) => &USER_UNKNOWN,
        Partner::Person(_) => &PERSON_UNKNOWN,
    };
    let found = found.ok_or_else(|| FieldError::new(field, unknown))?;
    let community = person.community_path.as_str();
    let fits = match new.partner {
        Partner::User(_) => {
            in_subtree(&found.path, community) || in_subtree(community, &found.path)
        }
        Partner::Person(_) => in_subtree(community, &found.path),
    };
    if !fits {
        return Err(FieldError::new(field, &NOT_IN_PERSON_COMMUNITY));
    }
    let note = new
        .note
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    Ok(NewPairing {
        note,
        ..new.clone()
    })
}

/// A contact is logged at a time not in the future (as of `now`, the caller's clock).
pub fn contact_time(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), FieldError> {
    if not_ahead(at, now) {
        Ok(())
    } else {
        Err(FieldError::new("contacted_at", &CONTACT_IN_FUTURE))
    }
}

/// A contact's note: said, and not too long.
fn contact_note(note: &str) -> Result<String, FieldError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(FieldError::new("note", &CONTACT_NOTE_EMPTY));
    }
    let n = note.chars().count();
    if n > MAX_CONTACT_CHARS {
        return Err(FieldError::new("note", &CONTENT_TOO_LONG)
            .with("n", n)
            .with("max", MAX_CONTACT_CHARS));
    }
    Ok(note.to_string())
}

/// A pairing still active, or the conflict of one that ended.
fn active(pairing: &Pairing) -> Result<(), Refusal> {
    match pairing.status {
        Status::Active => Ok(()),
        Status::Ended { on } => Err(Refusal::Conflict(
            FieldError::new("pairing", &PAIRING_ENDED).with("on", on),
        )),
    }
}

/// A contact logged on `pairing`: its note as stored, or why not.
pub fn log_contact(pairing: &Pairing, note: &str) -> Result<String, Refusal> {
    active(pairing)?;
    contact_note(note).map_err(Refusal::Invalid)
}

/// `pairing` ended on `on`: not before it began, and once.
pub fn end(pairing: &Pairing, on: NaiveDate) -> Result<NaiveDate, Refusal> {
    active(pairing)?;
    if on < pairing.started_on {
        return Err(Refusal::Invalid(
            FieldError::new("ended_on", &END_BEFORE_START).with("start", pairing.started_on),
        ));
    }
    Ok(on)
}

/// Decides a command on `pairing`: an ended pairing takes nothing more.
pub fn decide(pairing: &Pairing, command: &Command) -> Result<Event, Refusal> {
    match command {
        Command::LogContact { note } => {
            log_contact(pairing, note).map(|note| Event::ContactLogged { note })
        }
        Command::End { on } => end(pairing, *on).map(|on| Event::Ended { on }),
    }
}

/// The pairing after `event` (a contact changes nothing of its standing).
pub fn apply(pairing: &mut Pairing, event: &Event) {
    match event {
        Event::ContactLogged { .. } => {}
        Event::Ended { on } => pairing.status = Status::Ended { on: *on },
    }
}

#[cfg(test)]
#[path = "pairing_tests.rs"]
mod tests;
