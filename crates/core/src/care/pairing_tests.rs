//! A new pairing's rules, and a pairing's life by property: active until ended, ended once,
//! and nothing logged on it after.

use chrono::TimeZone;
use proptest::prelude::*;

use super::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 2, 0, 0).unwrap()
}

fn person(in_care: bool) -> Paired {
    Paired {
        id: 7,
        community_path: "/1/2/3/".into(),
        in_care,
    }
}

fn new(partner: Partner) -> NewPairing {
    NewPairing {
        partner,
        started_on: day(1),
        note: Some("  ".into()),
    }
}

fn at(path: &str) -> Option<Found> {
    Some(Found {
        id: 9,
        path: path.into(),
    })
}

fn fault(r: Result<NewPairing, FieldError>) -> (String, &'static str) {
    let e = r.unwrap_err();
    (e.field, e.code)
}

#[test]
fn a_pairing_is_for_someone_in_care() {
    let ok = check_new(
        Some(&person(true)),
        &new(Partner::User(9)),
        at("/1/2/").as_ref(),
    );
    assert_eq!(ok.unwrap().note, None, "an empty note is none");
    assert_eq!(
        fault(check_new(
            Some(&person(false)),
            &new(Partner::User(9)),
            at("/1/2/").as_ref()
        )),
        ("person_id".into(), "pairing_not_in_care")
    );
    assert_eq!(
        fault(check_new(
            None,
            &new(Partner::User(9)),
            at("/1/2/").as_ref()
        )),
        ("person_id".into(), "person_unknown")
    );
}

#[test]
fn the_partner_is_of_the_persons_community() {
    let p = person(true);
    let check = |partner, found: Option<Found>| check_new(Some(&p), &new(partner), found.as_ref());
    assert!(
        check(Partner::User(9), at("/1/2/3/4/")).is_ok(),
        "a grid's worker"
    );
    assert!(
        check(Partner::User(9), at("/1/")).is_ok(),
        "the district above"
    );
    assert_eq!(
        fault(check(Partner::User(9), at("/1/8/"))),
        ("partner_user_id".into(), "not_in_person_community")
    );
    assert_eq!(fault(check(Partner::User(9), None)).1, "user_unknown");
    assert!(check(Partner::Person(9), at("/1/2/3/4/")).is_ok());
    assert_eq!(
        fault(check(Partner::Person(9), at("/1/2/"))),
        ("partner_person_id".into(), "not_in_person_community")
    );
    assert_eq!(fault(check(Partner::Person(9), None)).1, "person_unknown");
    assert_eq!(
        fault(check(Partner::Person(7), at("/1/2/3/"))),
        ("partner_person_id".into(), "pair_with_self")
    );
}

#[test]
fn contacts_are_said_and_not_in_the_future() {
    let p = Pairing {
        started_on: day(1),
        status: Status::Active,
    };
    let log = |note: &str| Command::LogContact { note: note.into() };
    assert_eq!(
        decide(&p, &log(" 电话问候 ")),
        Ok(Event::ContactLogged {
            note: "电话问候".into()
        })
    );
    let refused = |c| match decide(&p, &c) {
        Err(Refusal::Invalid(e)) => (e.field, e.code),
        other => panic!("{other:?}"),
    };
    assert_eq!(refused(log(" ")), ("note".into(), "contact_note_empty"));
    let long = "字".repeat(MAX_CONTACT_CHARS + 1);
    assert_eq!(refused(log(&long)).1, "content_too_long");
    assert!(contact_time(now(), now()).is_ok());
    let later = now() + chrono::TimeDelta::hours(1);
    let e = contact_time(later, now()).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.code),
        ("contacted_at", "contact_in_future")
    );
    assert_eq!(
        refused(Command::End {
            on: day(1).pred_opt().unwrap()
        }),
        ("ended_on".into(), "pairing_end_before_start")
    );
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        "[ 问候]{0,3}".prop_map(|note| Command::LogContact { note }),
        (1u32..20).prop_map(|d| Command::End { on: day(d) }),
    ]
}

proptest! {
    #[test]
    fn active_until_ended_once_then_nothing(start in 1u32..10, commands in prop::collection::vec(command(), 0..30)) {
        let mut p = Pairing { started_on: day(start), status: Status::Active };
        let mut ended: Option<NaiveDate> = None;
        for c in &commands {
            let before = p;
            match decide(&p, c) {
                Ok(event) => {
                    prop_assert!(ended.is_none(), "nothing is decided on an ended pairing");
                    if let Event::Ended { on } = event {
                        prop_assert!(on >= p.started_on);
                        ended = Some(on);
                    }
                    apply(&mut p, &event);
                }
                Err(_) => prop_assert_eq!(p, before, "a refusal changes nothing"),
            }
        }
        match ended {
            Some(on) => prop_assert_eq!(p.status, Status::Ended { on }),
            None => prop_assert_eq!(p.status, Status::Active),
        }
    }
}
