//! `register`: a new appeal and its first event, from what was taken in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{text_errors, Event, EventBody, Refusal};
use crate::access::{deed, Actor, Capability};
use crate::appeal::{
    Appeal, Appellant, Channel, Extension, Kind, Status, Urgency, APPELLANT_ACTOR_ID,
};
use crate::calendar::WorkCalendar;
use crate::policy::{deadline, TimeLimitPolicy};
use crate::Id;

/// A new appeal as taken in at the desk or over the API, already checked for references
/// (node, category, appellant) by the caller, which knows the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intake {
    pub appellant: Appellant,
    pub org_unit_id: Id,
    pub channel: Channel,
    pub kind: Kind,
    pub category: String,
    pub urgency: Urgency,
    pub title: Option<String>,
    pub content: String,
    pub location: Option<String>,
    pub public_consent: bool,
}

/// Registers an appeal: checks the text fields, computes the deadlines, and returns the new
/// appeal (with `id` 0, for the store to assign) and its `registered` event.
pub fn register(
    intake: Intake,
    tracking_code: String,
    handling_org_unit_id: Id,
    actor: &Actor,
    now: DateTime<Utc>,
    calendar: &WorkCalendar,
    policy: &TimeLimitPolicy,
) -> Result<(Appeal, Event), Refusal> {
    if !actor.may(Capability::Intake) {
        return Err(Refusal::Forbidden(actor.may_not(&deed::INTAKE)));
    }
    let receiver = Receiver {
        actor_id: actor.user_id,
        org_unit_id: actor.org_unit_id,
    };
    let clock = Clock {
        now,
        calendar,
        policy,
    };
    registered_by(intake, tracking_code, handling_org_unit_id, receiver, clock)
}

/// Registers an appeal the appellant brought themselves, with no one at a desk: through the
/// public pages (channel `online`) or another system (`api`, Open311). The unit that will
/// handle it is taken to have received it (首接负责 starts there), and the appellant is
/// the actor of its first event ([`APPELLANT_ACTOR_ID`]).
pub fn register_public(
    intake: Intake,
    tracking_code: String,
    handling_org_unit_id: Id,
    now: DateTime<Utc>,
    calendar: &WorkCalendar,
    policy: &TimeLimitPolicy,
) -> Result<(Appeal, Event), Refusal> {
    debug_assert!(
        matches!(intake.channel, Channel::Online | Channel::Api),
        "a public intake comes online or through an API"
    );
    let receiver = Receiver {
        actor_id: APPELLANT_ACTOR_ID,
        org_unit_id: handling_org_unit_id,
    };
    let clock = Clock {
        now,
        calendar,
        policy,
    };
    registered_by(intake, tracking_code, handling_org_unit_id, receiver, clock)
}

/// Who took an appeal in: the actor of its first event and the unit that received it.
struct Receiver {
    actor_id: Id,
    org_unit_id: Id,
}

/// The time of an intake and what its deadlines are counted by.
struct Clock<'a> {
    now: DateTime<Utc>,
    calendar: &'a WorkCalendar,
    policy: &'a TimeLimitPolicy,
}

fn registered_by(
    intake: Intake,
    tracking_code: String,
    handling_org_unit_id: Id,
    receiver: Receiver,
    Clock {
        now,
        calendar,
        policy,
    }: Clock<'_>,
) -> Result<(Appeal, Event), Refusal> {
    let (title, content, location) = checked_text(&intake)?;
    let limits = policy.limits(intake.kind, intake.urgency, &intake.category);
    let appeal = Appeal {
        id: 0,
        tracking_code,
        status: Status::Registered,
        org_unit_id: intake.org_unit_id,
        received_by_org_unit_id: receiver.org_unit_id,
        handling_org_unit_id,
        assignee_user_id: None,
        assignee_team_id: None,
        department_id: None,
        category: intake.category,
        kind: intake.kind,
        urgency: intake.urgency,
        channel: intake.channel,
        title,
        content,
        location,
        appellant: intake.appellant,
        public_consent: intake.public_consent,
        created_at: now,
        responded_at: None,
        accepted_at: None,
        resolved_at: None,
        closed_at: None,
        respond_by: deadline(calendar, now, limits.respond),
        resolve_by: limits.resolve.map(|l| deadline(calendar, now, l)),
        extension: Extension::None,
        handoffs: Vec::new(),
        resolution: None,
        feedback_at: None,
        satisfaction: None,
        solved: None,
        follow_up_attempts: 0,
        reopen_count: 0,
        merged_into: None,
        suspended_at: None,
        spam_at: None,
        version: 1,
    };
    let event = registered(&appeal, receiver.actor_id, now);
    Ok((appeal, event))
}

/// Title, content and location, trimmed, by the desk's one text rule ([`text_errors`]).
fn checked_text(intake: &Intake) -> Result<(Option<String>, String, Option<String>), Refusal> {
    let texts = [
        ("content", Some(intake.content.as_str())),
        ("title", intake.title.as_deref()),
        ("location", intake.location.as_deref()),
    ];
    if let Some(e) = text_errors(texts).into_iter().next() {
        return Err(Refusal::Invalid(e));
    }
    let content = intake.content.trim().to_string();
    Ok((trimmed(&intake.title), content, trimmed(&intake.location)))
}

/// The `registered` event of a new appeal: what it was registered as, and its deadlines.
fn registered(appeal: &Appeal, actor_id: Id, now: DateTime<Utc>) -> Event {
    Event {
        at: now,
        actor_id,
        body: EventBody::Registered {
            channel: appeal.channel,
            kind: appeal.kind,
            urgency: appeal.urgency,
            category: appeal.category.clone(),
            org_unit_id: appeal.org_unit_id,
            handling_org_unit_id: appeal.handling_org_unit_id,
            respond_by: appeal.respond_by,
            resolve_by: appeal.resolve_by,
        },
    }
}

fn trimmed(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}
