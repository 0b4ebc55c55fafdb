//! Who may log a visit to whom, and what a visit must say.

use chrono::TimeZone;

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 2, 0, 0).unwrap()
}

fn visit(note: &str) -> NewVisit {
    NewVisit {
        person_id: 7,
        visited_at: now(),
        visitor_user_id: 1,
        note: note.into(),
        follow_up: Some("  ".into()),
    }
}

const SEEN_ASSIGNED: Visited = Visited {
    seen: true,
    assigned: true,
};
const SEEN_ONLY: Visited = Visited {
    seen: true,
    assigned: false,
};
const UNSEEN: Visited = Visited {
    seen: false,
    assigned: false,
};

#[test]
fn a_volunteer_visits_only_the_people_assigned_to_it() {
    assert!(may_visit(Role::Volunteer, SEEN_ASSIGNED).is_ok());
    let e = may_visit(Role::Volunteer, SEEN_ONLY).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.code),
        ("person_id", "visit_not_assigned")
    );
    for role in [Role::StationStaff, Role::StreetStaff, Role::DistrictAdmin] {
        assert!(may_visit(role, SEEN_ONLY).is_ok(), "{role:?}");
        let e = may_visit(role, UNSEEN).unwrap_err();
        assert_eq!(e.code, "person_unknown", "never told apart from unknown");
    }
}

#[test]
fn a_visit_says_what_was_seen_and_is_not_in_the_future() {
    let stored = decide(&visit(" 身体尚好 "), Role::StationStaff, SEEN_ONLY, now()).unwrap();
    assert_eq!(stored.note, "身体尚好");
    assert_eq!(stored.follow_up, None, "an empty follow-up is none");
    let mut late = visit(" ");
    late.visited_at = now() + TimeDelta::minutes(CLOCK_SLACK_MINUTES + 1);
    let errors = decide(&late, Role::StationStaff, SEEN_ONLY, now()).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["visited_at", "note"], "every fault at once");
    late.visited_at = now() + TimeDelta::minutes(CLOCK_SLACK_MINUTES);
    late.note = "x".repeat(MAX_NOTE_CHARS + 1);
    let e = check(&late).unwrap_err();
    assert_eq!((e.field.as_str(), e.code), ("note", "content_too_long"));
    late.note = "x".into();
    late.follow_up = Some("y".repeat(MAX_NOTE_CHARS + 1));
    assert_eq!(check(&late).unwrap_err().field, "follow_up");
    let unknown = decide(&visit(" "), Role::StationStaff, UNSEEN, now()).unwrap_err();
    assert_eq!(unknown.len(), 1, "an unknown person is the only fault told");
}

#[test]
fn the_appeal_raised_on_a_visit_is_a_home_visit_of_the_person_visited() {
    assert_eq!(raised_channel(None), Ok(Channel::HomeVisit));
    assert_eq!(
        raised_channel(Some(Channel::HomeVisit)),
        Ok(Channel::HomeVisit)
    );
    assert_eq!(
        raised_channel(Some(Channel::Phone)).unwrap_err().field,
        "raise_appeal.channel"
    );
    assert_eq!(raised_appellant(None, false, 7), Some(7));
    assert_eq!(raised_appellant(Some(9), true, 7), Some(9));
    assert_eq!(
        raised_appellant(None, true, 7),
        None,
        "anonymous or named anew"
    );
}
