//! The service register's rules (`decide.rs`) by example, and by property: random posts,
//! registrations and hours against one community, each decided and applied the way the
//! store does. Whatever the sequence: every registration's total is the sum of the hours
//! logged on it, a member registers there once, and hours lie on a chosen post between the
//! registration and today.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;

use super::*;
use crate::error::FieldError;
use crate::org::OrgKind;
use crate::person::PartyCategory;
use crate::Id;

const SITE: Id = 10;
const NAMES: [&str; 5] = ["楼道长", "文明引导", "助老服务", "环境整治", " 楼道长 "];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 20).unwrap()
}

fn ctx() -> Context {
    Context { today: today() }
}

fn site(kind: OrgKind) -> State {
    State {
        site: Site {
            org_unit_id: SITE,
            name: "佛字桥".into(),
            kind,
        },
        posts: vec![
            Post {
                id: 1,
                name: "楼道长".into(),
            },
            Post {
                id: 2,
                name: "助老服务".into(),
            },
        ],
        registrations: Vec::new(),
        member: None,
    }
}

/// Person `id`'s party category: 1–4 in service, 5 registered here, 6 no party member.
fn member(id: Id) -> Member {
    let party = match id {
        1..=4 => Some(PartyCategory::InService),
        5 => Some(PartyCategory::Registered),
        _ => None,
    };
    Member {
        person_id: id,
        party,
    }
}

fn registration(person_id: Id, post_ids: Vec<Id>, day: u32) -> NewRegistration {
    NewRegistration {
        person_id,
        org_unit_id: SITE,
        registered_on: NaiveDate::from_ymd_opt(2026, 3, day).unwrap(),
        post_ids,
    }
}

fn refused_on(r: Result<Event, Refusal>) -> (&'static str, String) {
    match r {
        Err(Refusal::Invalid(FieldError { field, .. })) => ("invalid", field),
        Err(Refusal::Conflict(FieldError { field, .. })) => ("conflict", field),
        Err(Refusal::Forbidden(r)) => ("forbidden", r.code.to_string()),
        Ok(e) => panic!("expected a refusal, got {e:?}"),
    }
}

#[test]
fn a_post_is_named_once_per_community() {
    let s = site(OrgKind::Community);
    let add = |name: &str| Command::AddPost { name: name.into() };
    assert_eq!(
        decide(&s, &add(" 环境整治 "), &ctx()),
        Ok(Event::PostAdded {
            name: "环境整治".into()
        })
    );
    assert_eq!(
        refused_on(decide(&s, &add("楼道长 "), &ctx())),
        ("conflict", "name".into())
    );
    assert_eq!(
        refused_on(decide(&s, &add(" "), &ctx())),
        ("invalid", "name".into())
    );
    let grid = site(OrgKind::Grid);
    assert_eq!(
        refused_on(decide(&grid, &add("文明引导"), &ctx())),
        ("invalid", "org_unit_id".into())
    );
}

#[test]
fn only_in_service_members_register_once_on_posts_of_the_site() {
    let mut s = site(OrgKind::Community);
    let register = |s: &State, person, posts, day| {
        let mut s = s.clone();
        s.member = Some(member(person));
        decide(
            &s,
            &Command::Register(registration(person, posts, day)),
            &ctx(),
        )
    };
    let event = register(&s, 1, vec![2, 1, 2], 2).unwrap();
    assert_eq!(
        event,
        Event::Registered {
            person_id: 1,
            registered_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            post_ids: vec![1, 2],
        }
    );
    apply(&mut s, &event, 100);
    let refusals = [
        (register(&s, 1, vec![1], 2), ("conflict", "person_id")),
        (register(&s, 5, vec![1], 2), ("invalid", "person_id")),
        (register(&s, 6, vec![1], 2), ("invalid", "person_id")),
        (register(&s, 2, vec![], 2), ("invalid", "post_ids")),
        (register(&s, 2, vec![1, 3], 2), ("invalid", "post_ids")),
        (register(&s, 2, vec![1], 21), ("invalid", "registered_on")),
        (
            register(&site(OrgKind::Street), 2, vec![1], 2),
            ("invalid", "org_unit_id"),
        ),
    ];
    for (got, (kind, field)) in refusals {
        assert_eq!(refused_on(got), (kind, field.to_string()));
    }
    // The facts about another person do not stand for this one.
    let mut other = s.clone();
    other.member = Some(member(2));
    let cmd = Command::Register(registration(5, vec![1], 2));
    assert_eq!(
        refused_on(decide(&other, &cmd, &ctx())),
        ("invalid", "person_id".into())
    );
}

#[test]
fn hours_go_on_a_chosen_post_between_registration_and_today() {
    let mut s = site(OrgKind::Community);
    s.member = Some(member(1));
    let reg = decide(&s, &Command::Register(registration(1, vec![1], 5)), &ctx()).unwrap();
    apply(&mut s, &reg, 7);
    let log = |post_id, day: u32, hours_tenths, note: &str| {
        Command::LogHours(NewHours {
            registration_id: 7,
            post_id,
            served_on: NaiveDate::from_ymd_opt(2026, 3, day).unwrap(),
            hours_tenths,
            note: note.into(),
        })
    };
    let event = decide(&s, &log(1, 5, 15, " 打扫楼道 "), &ctx()).unwrap();
    let Event::HoursLogged(h) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(h.note, "打扫楼道");
    apply(&mut s, &event, 1);
    assert_eq!(s.registrations[0].total_tenths, 15);
    let refusals = [
        (log(2, 6, 10, ""), "post_id"),
        (log(1, 4, 10, ""), "served_on"),
        (log(1, 21, 10, ""), "served_on"),
        (log(1, 6, 0, ""), "hours"),
        (log(1, 6, 241, ""), "hours"),
        (log(1, 6, 10, &"字".repeat(501)), "note"),
    ];
    for (cmd, field) in refusals {
        assert_eq!(
            refused_on(decide(&s, &cmd, &ctx())),
            ("invalid", field.into())
        );
    }
    let elsewhere = Command::LogHours(NewHours {
        registration_id: 8,
        ..match log(1, 6, 10, "") {
            Command::LogHours(h) => h,
            _ => unreachable!(),
        }
    });
    assert_eq!(
        refused_on(decide(&s, &elsewhere, &ctx())),
        ("invalid", "registration_id".into())
    );
}

#[test]
fn hours_as_typed_say_every_error_at_once() {
    let day = today();
    let ok = hours_entry((1, 2), day, 1.5, " 助老 ").unwrap();
    assert_eq!((ok.hours_tenths, ok.note.as_str()), (15, "助老"));
    let errors = hours_entry((1, 2), day, 0.0, &"字".repeat(501)).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["hours", "note"]);
}

/// One thing a keeper may ask, with indexes into what exists when it is asked.
#[derive(Debug, Clone)]
enum Step {
    AddPost(usize),
    /// A person (1–6), posts by index, the registration day (days before today; negative is
    /// in the future).
    Register(Id, Vec<usize>, i64),
    /// A registration by index, a post by index, days before today, tenths.
    Log(usize, usize, i64, i64),
}

fn step() -> impl Strategy<Value = Step> {
    // Weighted and ranged so that most runs register members and log hours on them, with
    // some of every kind of refusal among them.
    prop_oneof![
        1 => (0..NAMES.len()).prop_map(Step::AddPost),
        2 => (
            1..=6 as Id,
            proptest::collection::vec(0usize..3, 0..3),
            -1i64..30
        )
            .prop_map(|(p, posts, d)| Step::Register(p, posts, d)),
        5 => (0usize..4, 0usize..3, -1i64..20, -5i64..260)
            .prop_map(|(r, p, d, t)| Step::Log(r, p, d, t)),
    ]
}

/// The command a step asks for against `s`, with the person it names loaded.
fn command(s: &mut State, step: &Step) -> Command {
    let day = |d: i64| today() - Duration::days(d);
    // An index past the end names an id nobody has: refused like an unknown one.
    let post = |s: &State, i: usize| s.posts.get(i).map_or(99, |p| p.id);
    match step {
        Step::AddPost(i) => Command::AddPost {
            name: NAMES[*i].into(),
        },
        Step::Register(person, posts, d) => {
            s.member = Some(member(*person));
            Command::Register(NewRegistration {
                person_id: *person,
                org_unit_id: SITE,
                registered_on: day(*d),
                post_ids: posts.iter().map(|i| post(s, *i)).collect(),
            })
        }
        Step::Log(r, p, d, tenths) => Command::LogHours(NewHours {
            registration_id: s.registrations.get(*r).map_or(99, |r| r.id),
            post_id: post(s, *p),
            served_on: day(*d),
            hours_tenths: *tenths,
            note: String::new(),
        }),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_register_keeps_its_invariants(
        steps in proptest::collection::vec(step(), 10..60),
    ) {
        // The site starts with two posts (楼道长, 助老服务); more may be added.
        let mut s = site(OrgKind::Community);
        let mut logged: Vec<NewHours> = Vec::new();
        for (id, step) in (1..).zip(&steps) {
            let cmd = command(&mut s, step);
            let registered_before = match &cmd {
                Command::Register(r) => s.registrations.iter().any(|x| x.person_id == r.person_id),
                _ => false,
            };
            let decided = decide(&s, &cmd, &ctx());
            if registered_before {
                prop_assert!(decided.is_err(), "registered twice: {cmd:?}");
            }
            let Ok(event) = decided else { continue };
            if let Event::HoursLogged(h) = &event {
                let reg = s.registrations.iter().find(|r| r.id == h.registration_id);
                let reg = reg.expect("hours on a registration of the site");
                prop_assert!(reg.post_ids.contains(&h.post_id));
                prop_assert!(reg.registered_on <= h.served_on && h.served_on <= today());
                prop_assert!((1..=MAX_TENTHS).contains(&h.hours_tenths));
                logged.push(h.clone());
            }
            if let Event::Registered { person_id, .. } = &event {
                prop_assert_eq!(member(*person_id).party, Some(PartyCategory::InService));
            }
            apply(&mut s, &event, id);
            for r in &s.registrations {
                let sum: i64 = logged
                    .iter()
                    .filter(|h| h.registration_id == r.id)
                    .map(|h| h.hours_tenths)
                    .sum();
                prop_assert_eq!(r.total_tenths, sum);
            }
            let mut people: Vec<Id> = s.registrations.iter().map(|r| r.person_id).collect();
            people.sort_unstable();
            people.dedup();
            prop_assert_eq!(people.len(), s.registrations.len());
            let mut names: Vec<&str> = s.posts.iter().map(|p| p.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            prop_assert_eq!(names.len(), s.posts.len());
        }
        let total: i64 = s.registrations.iter().map(|r| r.total_tenths).sum();
        prop_assert_eq!(total, logged.iter().map(|h| h.hours_tenths).sum::<i64>());
    }
}
