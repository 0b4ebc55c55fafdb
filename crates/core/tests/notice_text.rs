//! Notices write deadlines the way every page does (`display::deadline`): a working-day
//! limit that ends at local midnight reads `… 24:00` of its last day, never `00:00` of the
//! day after.

mod common;

use common::*;
use suqiu_core::appeal::{Deadline, Extension, Kind, Urgency};
use suqiu_core::display;
use suqiu_core::lifecycle::{Event, EventBody};
use suqiu_core::notice::{for_events, for_finding, Notice};
use suqiu_core::watch::Finding;

/// A help appeal taken in on Saturday 2025-09-06 (a station open at the weekend): its 7
/// working days count from Monday, so the limit is the end of Tuesday 2025-09-16, i.e.
/// 2025-09-17 00:00 in Shanghai.
fn case() -> Case {
    Case::register(
        intake(Kind::Help, Urgency::Normal),
        COMMUNITY,
        sh("2025-09-06 10:00"),
    )
}

fn assert_shows_end_of_day(notices: &[Notice]) {
    assert!(!notices.is_empty());
    for n in notices {
        assert!(
            n.body.contains("2025-09-16 24:00"),
            "{:?}: {}",
            n.kind,
            n.body
        );
        assert!(!n.body.contains("00:00"), "{}", n.body);
    }
}

#[test]
fn the_resolve_limit_of_a_help_appeal_ends_at_midnight() {
    let c = case();
    let due = c.appeal.resolve_by.expect("help has a resolve limit");
    assert_eq!(display::deadline(due), "2025-09-16 24:00");
    assert_eq!(display::time(due), "2025-09-17 00:00");
}

#[test]
fn watch_notices_write_a_midnight_deadline_as_24_00() {
    let c = case();
    let due = c.appeal.resolve_by.unwrap();
    let findings = [
        Finding::Remind {
            deadline: Deadline::Resolve,
            due,
        },
        Finding::Overdue {
            deadline: Deadline::Resolve,
            due,
        },
        Finding::Escalate { due },
    ];
    for f in &findings {
        assert_shows_end_of_day(&for_finding(f, &c.appeal));
    }
}

#[test]
fn an_approved_extension_states_the_new_limit_as_24_00() {
    let c = case();
    let mut before = c.appeal.clone();
    before.extension = Extension::Requested {
        days: 3,
        reason: "需要协调物业".into(),
        requested_by: station().user_id,
    };
    let event = Event {
        at: c.now,
        actor_id: street().user_id,
        body: EventBody::ExtendApprove {
            approve: true,
            reason: None,
            resolve_by: c.appeal.resolve_by,
        },
    };
    let notices = for_events(&before, &c.appeal, &[event]);
    assert_eq!(notices.len(), 1);
    assert_shows_end_of_day(&notices);
}

#[test]
fn a_clock_time_limit_is_written_as_a_time() {
    // An urgent appeal's 2-hour respond limit is a clock time, not a day's end.
    let c = Case::register(
        intake(Kind::Help, Urgency::Urgent),
        COMMUNITY,
        sh("2025-09-04 09:00"),
    );
    let notices = for_finding(
        &Finding::Remind {
            deadline: Deadline::Respond,
            due: c.appeal.respond_by,
        },
        &c.appeal,
    );
    assert!(
        notices[0].body.contains("2025-09-04 11:00"),
        "{}",
        notices[0].body
    );
}
