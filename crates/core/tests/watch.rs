//! The deadline watch's rules: reminders before a deadline, overdue strictly after it,
//! automatic escalation after the district's span of working days, nothing while suspended.

mod common;

use chrono::Duration;
use common::*;
use suqiu_core::access::ActionKind as A;
use suqiu_core::appeal::{Deadline, Kind, Urgency};
use suqiu_core::lifecycle::{Command, EventBody};
use suqiu_core::watch::{events_for, findings, Finding, WatchRules, SYSTEM_ACTOR_ID};

fn rules() -> WatchRules {
    WatchRules::default()
}

#[test]
fn the_default_is_half_a_working_day_and_two_days_to_escalate() {
    assert_eq!(rules().remind_within_hours, 12);
    assert_eq!(rules().escalate_after_working_days, 2);
    assert!(rules().validate().is_ok());
    let bad = WatchRules {
        escalate_after_working_days: 0,
        ..rules()
    };
    assert_eq!(
        bad.validate().unwrap_err().field,
        "escalate_after_working_days"
    );
}

#[test]
fn respond_reminder_then_overdue_at_the_minute_across_a_weekend() {
    // Registered Friday 2025-09-05 15:00: respond_by Monday 15:00.
    let case = Case::register(
        intake(Kind::Help, Urgency::Normal),
        COMMUNITY,
        sh("2025-09-05 15:00"),
    );
    let a = &case.appeal;
    let cal = &case.world.calendar;
    let due = sh("2025-09-08 15:00");
    assert_eq!(a.respond_by, due);
    // Friday 16:00 is 23 working hours before: nothing yet.
    assert!(findings(a, sh("2025-09-05 16:00"), cal, &rules()).is_empty());
    // Saturday noon: the weekend is no working time, Monday 00:00–15:00 is 15 h: nothing.
    assert!(findings(a, sh("2025-09-06 12:00"), cal, &rules()).is_empty());
    // Monday 03:00 is 12 working hours before: remind.
    let remind = Finding::Remind {
        deadline: Deadline::Respond,
        due,
    };
    assert_eq!(findings(a, sh("2025-09-08 03:00"), cal, &rules()), [remind]);
    // At the deadline itself: still a reminder, not overdue.
    assert_eq!(findings(a, due, cal, &rules()), [remind]);
    // A minute later: overdue, and never escalated while nobody accepted it.
    let later = due + Duration::minutes(1);
    assert_eq!(
        findings(a, later, cal, &rules()),
        [Finding::Overdue {
            deadline: Deadline::Respond,
            due
        }]
    );
    assert!(findings(a, due + Duration::days(30), cal, &rules())
        .iter()
        .all(|f| !matches!(f, Finding::Escalate { .. })));
}

#[test]
fn escalates_after_two_working_days_over_the_national_holiday() {
    // Inquiry registered Friday 2025-09-26 10:00: resolve within 2 working days. Saturday
    // 09-28 is a 调休 working day, so resolve_by is Monday 09-29 10:00.
    let mut case = Case::register(
        intake(Kind::Inquiry, Urgency::Normal),
        COMMUNITY,
        sh("2025-09-26 10:00"),
    );
    case.act(A::Accept);
    let due = case.appeal.resolve_by.unwrap();
    assert_eq!(local(due), "2025-09-29 10:00");
    let cal = case.world.calendar.clone();
    let at = |t| findings(&case.appeal, sh(t), &cal, &rules());
    assert_eq!(
        at("2025-09-30 10:00"),
        [Finding::Overdue {
            deadline: Deadline::Resolve,
            due
        }]
    );
    // 10-01..10-08 are holidays, so two working days past the deadline (09-30 and 10-09)
    // end Thursday 10-09 10:00. At it: not yet; a minute after: escalate.
    assert_eq!(at("2025-10-09 10:00").len(), 1);
    assert_eq!(
        at("2025-10-09 10:01"),
        [
            Finding::Overdue {
                deadline: Deadline::Resolve,
                due
            },
            Finding::Escalate { due }
        ]
    );
    let place = placement(&case.appeal);
    let now = sh("2025-10-09 10:01");
    let events = events_for(
        &Finding::Escalate { due },
        &case.appeal,
        &place,
        now,
        &rules(),
    );
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor_id, SYSTEM_ACTOR_ID);
    match &events[0].body {
        EventBody::Escalate {
            from_org_unit_id,
            to_org_unit_id,
            note,
        } => {
            assert_eq!((*from_org_unit_id, *to_org_unit_id), (COMMUNITY, STREET));
            assert!(note.contains("2 个工作日"), "{note}");
        }
        other => panic!("{other:?}"),
    }
    let overdue = events_for(
        &Finding::Overdue {
            deadline: Deadline::Resolve,
            due,
        },
        &case.appeal,
        &place,
        now,
        &rules(),
    );
    assert_eq!(
        overdue[0].body,
        EventBody::Overdue {
            deadline: Deadline::Resolve,
            due
        }
    );
    // At the top of the tree there is nowhere to raise it.
    let mut top = build(Stage::Accepted, DISTRICT);
    top.now = now;
    let top_place = placement(&top.appeal);
    assert!(events_for(
        &Finding::Escalate { due },
        &top.appeal,
        &top_place,
        now,
        &rules()
    )
    .is_empty());
}

#[test]
fn a_suspended_appeal_is_not_watched_and_resumes_with_its_deadline_moved() {
    let mut case = build(Stage::InProgress(Handed::Assign), COMMUNITY);
    let due = case.appeal.resolve_by.unwrap();
    case.act(A::Suspend);
    let cal = case.world.calendar.clone();
    assert!(findings(&case.appeal, due + Duration::days(20), &cal, &rules()).is_empty());
    case.now = due + Duration::days(20) - Duration::hours(1);
    case.must(Command::Resume { note: None }, &station());
    let moved = case.appeal.resolve_by.unwrap();
    assert!(
        moved > case.now,
        "the stood time was added back: {}",
        local(moved)
    );
    assert!(findings(&case.appeal, case.now, &cal, &rules())
        .iter()
        .all(|f| matches!(f, Finding::Remind { .. })));
}
