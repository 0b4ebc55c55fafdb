//! Logging a visit (走访): what a visit must say, when it may have happened, who may log it
//! for whom, and the appeal raised on the spot.
//!
//! The application layer asks [`decide`] with the facts it read in the visitor's scope;
//! the store checks the visit's own fields again with [`check`] before it writes (a caller
//! of the store alone gets the same refusals).

use chrono::{DateTime, TimeDelta, Utc};

use crate::access::Role;
use crate::appeal::Channel;
use crate::error::{FieldError, Msg, CONTENT_TOO_LONG};
use crate::msg;
use crate::Id;

/// Longest visit note and follow-up.
pub const MAX_NOTE_CHARS: usize = 2000;

/// How far past the server's clock a visit or contact time may be: a phone's clock runs a
/// little fast, and a visit logged on the doorstep is "now".
pub const CLOCK_SLACK_MINUTES: i64 = 5;

/// A visit to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVisit {
    pub person_id: Id,
    pub visited_at: DateTime<Utc>,
    pub visitor_user_id: Id,
    /// What was seen (见闻).
    pub note: String,
    /// What is to be done next (后续跟进).
    pub follow_up: Option<String>,
}

/// What the visitor's scope says of the person visited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visited {
    /// The visitor may see the person at all (staff: their subtree; a volunteer: the
    /// people assigned to it and the appellants of its appeals).
    pub seen: bool,
    /// The person is assigned to the visitor for care: a pairing with it, or a block of a
    /// team it belongs to.
    pub assigned: bool,
}

pub const PERSON_UNKNOWN: Msg = msg!("person_unknown", "未知的人员", "Unknown person");
const NOT_ASSIGNED: Msg = msg!(
    "visit_not_assigned",
    "只能走访分配给您的人员（结对或所在团队负责的楼栋、网格）",
    "You visit only the people assigned to you (your pairings and your teams' blocks)"
);
const VISIT_IN_FUTURE: Msg = msg!(
    "visit_in_future",
    "走访时间不能晚于现在",
    "The visit time cannot be later than now"
);
const VISIT_NOTE_EMPTY: Msg = msg!(
    "visit_note_empty",
    "请填写走访情况",
    "Enter what the visit found"
);
const VISIT_APPEAL_CHANNEL: Msg = msg!(
    "visit_appeal_channel",
    "走访中登记的诉求渠道为 home_visit（走访）",
    "An appeal logged on a visit has the channel home_visit"
);

/// Who may log a visit to whom: staff anyone they see; a volunteer only the people
/// assigned to it. Someone the visitor does not see is unknown to it (never told apart).
pub fn may_visit(visitor: Role, person: Visited) -> Result<(), FieldError> {
    if !person.seen {
        return Err(FieldError::new("person_id", &PERSON_UNKNOWN));
    }
    if visitor == Role::Volunteer && !person.assigned {
        return Err(FieldError::new("person_id", &NOT_ASSIGNED));
    }
    Ok(())
}

/// A time a visit or contact was logged at is not in the future (beyond the clock's slack).
pub fn not_ahead(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    at <= now + TimeDelta::minutes(CLOCK_SLACK_MINUTES)
}

/// A visit's own fields: a note is required and neither text is too long. The first fault.
pub fn check(visit: &NewVisit) -> Result<(), FieldError> {
    if visit.note.trim().is_empty() {
        return Err(FieldError::new("note", &VISIT_NOTE_EMPTY));
    }
    for (field, text) in [
        ("note", Some(visit.note.as_str())),
        ("follow_up", visit.follow_up.as_deref()),
    ] {
        let n = text.map(|t| t.chars().count()).unwrap_or(0);
        if n > MAX_NOTE_CHARS {
            return Err(FieldError::new(field, &CONTENT_TOO_LONG)
                .with("n", n)
                .with("max", MAX_NOTE_CHARS));
        }
    }
    Ok(())
}

/// The visit as it is stored: texts trimmed, an empty follow-up none.
pub fn normalized(visit: &NewVisit) -> NewVisit {
    NewVisit {
        note: visit.note.trim().to_string(),
        follow_up: visit
            .follow_up
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        ..visit.clone()
    }
}

/// Whether `visitor` may log `visit` to a person it sees as `person`, as of `now`: who may
/// visit whom first (an unknown person is the only fault told), then every fault of the
/// visit's own fields at once. The visit as it is stored, or the faults.
pub fn decide(
    visit: &NewVisit,
    visitor: Role,
    person: Visited,
    now: DateTime<Utc>,
) -> Result<NewVisit, Vec<FieldError>> {
    may_visit(visitor, person).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    if !not_ahead(visit.visited_at, now) {
        errors.push(FieldError::new("visited_at", &VISIT_IN_FUTURE));
    }
    if let Err(e) = check(visit) {
        errors.push(e);
    }
    if errors.is_empty() {
        Ok(normalized(visit))
    } else {
        Err(errors)
    }
}

/// The channel of the appeal raised on a visit: always 走访; another given is a fault.
pub fn raised_channel(given: Option<Channel>) -> Result<Channel, FieldError> {
    match given {
        None | Some(Channel::HomeVisit) => Ok(Channel::HomeVisit),
        Some(_) => Err(FieldError::new(
            "raise_appeal.channel",
            &VISIT_APPEAL_CHANNEL,
        )),
    }
}

/// The appellant of the appeal raised on a visit: the person visited, unless the appeal
/// names someone (or no one: anonymous) itself.
pub fn raised_appellant(named: Option<Id>, names_someone: bool, visited: Id) -> Option<Id> {
    if names_someone {
        named
    } else {
        Some(visited)
    }
}

#[cfg(test)]
#[path = "visit_tests.rs"]
mod tests;
