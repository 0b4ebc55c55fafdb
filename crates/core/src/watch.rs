//! The deadline watch's rules (督办提醒): which deadlines call for a reminder, which have
//! passed, and when an overdue appeal is raised one level by the system.
//!
//! Pure like the lifecycle: the server's background job asks [`findings`] about each appeal
//! with a deadline near or past, and the store records each finding at most once (keyed by
//! [`Finding::mark`] and the deadline it is about), so a moved deadline is watched afresh.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::access::Placement;
use crate::appeal::{Appeal, Deadline, Status};
use crate::calendar::WorkCalendar;
use crate::error::FieldError;
use crate::lifecycle::{Event, EventBody};
use crate::msg;
use crate::Id;

/// The actor id of events the system records (no user has id 0).
pub const SYSTEM_ACTOR_ID: Id = 0;

/// Most working days a district may let an overdue appeal sit before it is raised.
pub const MAX_ESCALATE_AFTER_DAYS: u32 = 30;

/// The district's watch settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatchRules {
    /// Remind the handler this many working hours before a deadline. Working days count
    /// whole (see [`WorkCalendar::add_working_days`]), so half a working day is 12 hours.
    pub remind_within_hours: u32,
    /// Raise an appeal one level once its resolve deadline is this many working days past.
    pub escalate_after_working_days: u32,
}

impl Default for WatchRules {
    fn default() -> Self {
        WatchRules {
            remind_within_hours: 12,
            escalate_after_working_days: 2,
        }
    }
}

impl WatchRules {
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.remind_within_hours == 0 || self.remind_within_hours > 24 * 5 {
            return Err(FieldError::new(
                "remind_within_hours",
                &msg!(
                    "remind_range",
                    "提醒提前量应为 1–120 个工作小时",
                    "The reminder comes 1–120 working hours ahead"
                ),
            ));
        }
        if self.escalate_after_working_days == 0
            || self.escalate_after_working_days > MAX_ESCALATE_AFTER_DAYS
        {
            return Err(FieldError::new(
                "escalate_after_working_days",
                &msg!(
                    "escalate_after_range",
                    "自动上报的超期天数应为 1–{max} 个工作日",
                    "Automatic escalation comes 1–{max} working days overdue",
                ),
            )
            .with("max", MAX_ESCALATE_AFTER_DAYS));
        }
        Ok(())
    }

    /// The latest deadline that calls for a reminder at `now`.
    pub fn remind_horizon(&self, cal: &WorkCalendar, now: DateTime<Utc>) -> DateTime<Utc> {
        cal.add_working_time(now, TimeDelta::hours(i64::from(self.remind_within_hours)))
    }
}

/// Something the watch must do about one appeal's running deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    /// The deadline falls due within the reminder window: remind the handler.
    Remind {
        deadline: Deadline,
        due: DateTime<Utc>,
    },
    /// The deadline has passed: an `overdue` event, a notice to the handler and the level above.
    Overdue {
        deadline: Deadline,
        due: DateTime<Utc>,
    },
    /// The resolve deadline is past by more than the district's span: raise it one level.
    Escalate { due: DateTime<Utc> },
}

impl Finding {
    /// The key under which the store remembers it did this (with the appeal and `due`).
    pub fn mark(&self) -> &'static str {
        match self {
            Finding::Remind {
                deadline: Deadline::Respond,
                ..
            } => "remind_respond",
            Finding::Remind {
                deadline: Deadline::Resolve,
                ..
            } => "remind_resolve",
            Finding::Overdue {
                deadline: Deadline::Respond,
                ..
            } => "overdue_respond",
            Finding::Overdue {
                deadline: Deadline::Resolve,
                ..
            } => "overdue_resolve",
            Finding::Escalate { .. } => "escalate",
        }
    }

    pub fn due(&self) -> DateTime<Utc> {
        match *self {
            Finding::Remind { due, .. }
            | Finding::Overdue { due, .. }
            | Finding::Escalate { due } => due,
        }
    }
}

/// What the watch must do about `appeal` at `now` (before de-duplication). A suspended
/// appeal has no running deadline and so gets nothing; overdue means strictly after the
/// deadline, as in [`Appeal::is_overdue`].
pub fn findings(
    appeal: &Appeal,
    now: DateTime<Utc>,
    cal: &WorkCalendar,
    rules: &WatchRules,
) -> Vec<Finding> {
    let Some((deadline, due)) = appeal.running_deadline() else {
        return Vec::new();
    };
    if now <= due {
        return if due <= rules.remind_horizon(cal, now) {
            vec![Finding::Remind { deadline, due }]
        } else {
            Vec::new()
        };
    }
    let mut out = vec![Finding::Overdue { deadline, due }];
    // Only a handled appeal can be escalated (API.md: accepted/in_progress); a registered one
    // that nobody accepted stays with its unit, flagged and noticed above.
    let handled = matches!(appeal.status, Status::Accepted | Status::InProgress);
    let span_passed = now > cal.add_working_days(due, rules.escalate_after_working_days);
    if deadline == Deadline::Resolve && handled && span_passed {
        out.push(Finding::Escalate { due });
    }
    out
}

/// The events that record a finding on the timeline, by the system. A reminder is a notice
/// only (no event); an escalation at the top of the tree has nowhere to go (none).
pub fn events_for(
    finding: &Finding,
    appeal: &Appeal,
    place: &Placement,
    now: DateTime<Utc>,
    rules: &WatchRules,
) -> Vec<Event> {
    let event = |body| Event {
        at: now,
        actor_id: SYSTEM_ACTOR_ID,
        body,
    };
    match *finding {
        Finding::Remind { .. } => Vec::new(),
        Finding::Overdue { deadline, due } => vec![event(EventBody::Overdue { deadline, due })],
        Finding::Escalate { .. } => match &place.handling_parent {
            Some((parent, _)) => vec![event(EventBody::Escalate {
                from_org_unit_id: appeal.handling_org_unit_id,
                to_org_unit_id: *parent,
                note: format!(
                    "超过办结时限 {} 个工作日仍未办结，系统自动上报",
                    rules.escalate_after_working_days
                ),
            })],
            None => Vec::new(),
        },
    }
}
