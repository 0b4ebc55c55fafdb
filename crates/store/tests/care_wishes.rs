//! Micro-wishes and in-service members' service on both backends: two claims at once (one
//! wins), the states a wish goes through and who sees it, posts, registrations, hours and
//! the period's summary computed by hand.

mod support;

use chrono::NaiveDate;
use support::*;
use suqiu_core::access::{Actor, Capability};
use suqiu_core::error::FieldError;
use suqiu_core::person::{PartyCategory, PartyProfile, Person};
use suqiu_core::service::hours_tenths;
use suqiu_core::wishes::{decide, WishCommand, WishState, WishStatus, Wisher};
use suqiu_core::Id;
use suqiu_store::service::{NewHours, NewRegistration};
use suqiu_store::wishes::{NewWish, Wish, WishFilter};
use suqiu_store::{Store, StoreError};

fn wisher(a: &Actor) -> Wisher {
    Wisher {
        user_id: a.user_id,
        serves: a.may(Capability::LogVisit),
        keeps_register: a.may(Capability::ManageCare),
    }
}

async fn record(s: &Store, actor: &Actor, person_id: Id, text: &str) -> Wish {
    let new = NewWish {
        person_id,
        wish: text.into(),
        estimated_cents: Some(20_000),
        deadline: NaiveDate::from_ymd_opt(2026, 4, 1),
    };
    s.record_wish(actor, &new, at(2, 10))
        .await
        .expect("recorded")
}

/// Reads the wish as `actor` sees it, decides `cmd` and stores it, as the API does.
async fn command(
    s: &Store,
    actor: &Actor,
    id: Id,
    cmd: WishCommand,
    note: Option<&str>,
) -> Result<Wish, StoreError> {
    let current = s.wish(actor, id).await?.ok_or(StoreError::NotFound)?;
    let from = current.state();
    let to = decide(from, cmd, wisher(actor)).expect("allowed by the rules");
    s.move_wish(actor, id, from, to, note, at(3, 10)).await
}

#[track_caller]
fn conflict_on_status(r: Result<Wish, StoreError>) {
    match r {
        Err(StoreError::Conflict(FieldError { field, .. })) => assert_eq!(field, "status"),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

/// Two claimants at once, ten times over: each time exactly one wins and the other is
/// refused with a conflict; the winner is the one recorded.
async fn two_claims_at_once_one_wins(db: Db) {
    let s = &db.store;
    let w = world(s).await;
    for round in 0..10 {
        let wish = record(s, &w.station, w.person1.id, &format!("心愿{round}")).await;
        let open = wish.state();
        let mut tasks = Vec::new();
        for actor in [w.volunteer.clone(), w.station.clone()] {
            let store = s.clone();
            tasks.push(tokio::spawn(async move {
                let to = decide(open, WishCommand::Claim, wisher(&actor)).unwrap();
                let r = store
                    .move_wish(&actor, wish.id, open, to, None, at(3, 9))
                    .await;
                (actor.user_id, r)
            }));
        }
        let mut winners = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                (user, Ok(w)) => {
                    assert_eq!(w.claimed_by.as_ref().map(|n| n.id), Some(user));
                    winners.push(user);
                }
                (_, r) => conflict_on_status(r),
            }
        }
        assert_eq!(winners.len(), 1, "round {round}");
        let stored = s.wish(&w.station, wish.id).await.unwrap().unwrap();
        assert_eq!(stored.status, WishStatus::Claimed);
        assert_eq!(stored.claimed_by.map(|n| n.id), Some(winners[0]));
    }
}

async fn a_wish_goes_through_its_states(db: Db) {
    let s = &db.store;
    let w = world(s).await;
    let wish = record(s, &w.station, w.person1.id, "一台收音机").await;
    assert_eq!(wish.status, WishStatus::Open);
    assert_eq!(wish.person.name, "王阿姨");
    assert_eq!(wish.org_unit_id, w.grid1.id, "the person's node");
    // Who sees it: the station, street and auditor above it, the volunteer of its area
    // while it is open or claimed; not another street's station, not a liaison.
    for a in [&w.station, &w.street, &w.admin, &w.auditor, &w.volunteer] {
        assert!(s.wish(a, wish.id).await.unwrap().is_some(), "{:?}", a.role);
    }
    for a in [&w.station2, &w.liaison] {
        assert!(s.wish(a, wish.id).await.unwrap().is_none(), "{:?}", a.role);
    }
    // Claimed by the station's staff: the volunteer sees it taken.
    command(s, &w.station, wish.id, WishCommand::Claim, None)
        .await
        .unwrap();
    let taken = s.wish(&w.volunteer, wish.id).await.unwrap().unwrap();
    assert_eq!(taken.status, WishStatus::Claimed);
    // Released, claimed by the volunteer, fulfilled with a note, confirmed.
    let released = command(s, &w.station, wish.id, WishCommand::Release, None)
        .await
        .unwrap();
    assert_eq!(released.state(), WishState::OPEN);
    assert!(released.claimed_at.is_none());
    command(s, &w.volunteer, wish.id, WishCommand::Claim, None)
        .await
        .unwrap();
    let fulfilled = command(
        s,
        &w.volunteer,
        wish.id,
        WishCommand::Fulfil,
        Some("已送到家中"),
    )
    .await
    .unwrap();
    assert_eq!(fulfilled.status, WishStatus::Fulfilled);
    assert_eq!(fulfilled.fulfil_note.as_deref(), Some("已送到家中"));
    assert!(
        s.wish(&w.volunteer, wish.id).await.unwrap().is_some(),
        "its claimer still sees it"
    );
    let confirmed = command(s, &w.station, wish.id, WishCommand::Confirm, None)
        .await
        .unwrap();
    assert_eq!(confirmed.status, WishStatus::Confirmed);
    assert_eq!(confirmed.closed_by.map(|n| n.id), Some(w.station.user_id));
    assert_eq!(
        confirmed.claimed_by.map(|n| n.id),
        Some(w.volunteer.user_id)
    );
    // A stale decision (made from a state that is gone) changes nothing.
    let stale = s
        .move_wish(
            &w.station,
            wish.id,
            WishState::OPEN,
            WishState {
                status: WishStatus::Cancelled,
                claimed_by: None,
            },
            None,
            at(4, 9),
        )
        .await;
    conflict_on_status(stale);
    // Cancelled from open; lists by status and node.
    let other = record(s, &w.station, w.person1.id, "理发上门").await;
    let cancelled = command(s, &w.station, other.id, WishCommand::Cancel, None)
        .await
        .unwrap();
    assert_eq!(cancelled.status, WishStatus::Cancelled);
    assert!(
        s.wish(&w.volunteer, other.id).await.unwrap().is_none(),
        "a cancelled wish is no volunteer's business"
    );
    let list = |status| WishFilter {
        org_unit_id: Some(w.c1.id),
        status: Some(status),
        page: 1,
        per_page: 50,
    };
    let done = s
        .wishes(&w.street, &list(WishStatus::Confirmed))
        .await
        .unwrap();
    assert_eq!(
        done.items.iter().map(|w| w.id).collect::<Vec<_>>(),
        [wish.id]
    );
    assert_eq!(
        s.wishes(&w.station, &list(WishStatus::Cancelled))
            .await
            .unwrap()
            .total,
        1
    );
    assert!(matches!(
        s.wishes(&w.station2, &list(WishStatus::Open)).await,
        Err(StoreError::NotFound)
    ));
    // A person outside the actor's scope cannot be given a wish.
    let refused = s
        .record_wish(
            &w.station,
            &NewWish {
                person_id: w.person3.id,
                wish: "x".into(),
                estimated_cents: None,
                deadline: None,
            },
            at(2, 10),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(FieldError { field, .. })) if field == "person_id")
    );
}

fn member(name: &str, unit: &suqiu_core::org::OrgUnit, category: PartyCategory) -> Person {
    Person {
        party: Some(PartyProfile {
            category,
            joined_on: None,
            branch: None,
        }),
        ..person(name, unit, "13700001111", vec![])
    }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

#[track_caller]
fn field_of<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(
            StoreError::Invalid(FieldError { field, .. })
            | StoreError::Conflict(FieldError { field, .. }),
        ) => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn service_hours_and_their_summary(db: Db) {
    let s = &db.store;
    let w = world(s).await;
    let now = at(20, 10);
    let today = day(20);
    let stairs = s
        .create_service_post(&w.station, w.c1.id, "楼道长", now)
        .await
        .unwrap();
    let elders = s
        .create_service_post(&w.station, w.c1.id, "助老服务", now)
        .await
        .unwrap();
    let tidy = s
        .create_service_post(&w.station, w.c1.id, "环境整治", now)
        .await
        .unwrap();
    assert_eq!(
        field_of(
            s.create_service_post(&w.station, w.c1.id, "楼道长", now)
                .await
        ),
        "name"
    );
    assert_eq!(
        field_of(
            s.create_service_post(&w.station, w.grid1.id, "x", now)
                .await
        ),
        "org_unit_id",
        "posts belong to a community"
    );
    assert_eq!(
        field_of(s.create_service_post(&w.station, w.c3.id, "x", now).await),
        "org_unit_id"
    );
    let zhou = s
        .create_person(&member("周建国", &w.c1, PartyCategory::InService))
        .await
        .unwrap();
    let wu = s
        .create_person(&member("吴敏", &w.c1, PartyCategory::InService))
        .await
        .unwrap();
    let registered = s
        .create_person(&member("陈老", &w.c1, PartyCategory::Registered))
        .await
        .unwrap();
    let reg = |person_id, post_ids: Vec<Id>| NewRegistration {
        person_id,
        org_unit_id: w.c1.id,
        registered_on: day(2),
        post_ids,
    };
    let r_zhou = s
        .register_for_service(&w.station, &reg(zhou.id, vec![stairs.id, elders.id]), now)
        .await
        .unwrap();
    assert_eq!(
        r_zhou
            .posts
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["楼道长", "助老服务"]
    );
    let r_wu = s
        .register_for_service(&w.station, &reg(wu.id, vec![elders.id, tidy.id]), now)
        .await
        .unwrap();
    assert_eq!(
        field_of(
            s.register_for_service(&w.station, &reg(zhou.id, vec![stairs.id]), now)
                .await
        ),
        "person_id",
        "once per community"
    );
    assert_eq!(
        field_of(
            s.register_for_service(&w.station, &reg(registered.id, vec![stairs.id]), now)
                .await
        ),
        "person_id",
        "only in-service members register"
    );
    assert_eq!(
        field_of(
            s.register_for_service(&w.station, &reg(wu.id, vec![]), now)
                .await
        ),
        "post_ids"
    );
    let log = |registration_id, post_id, d, hours: f64| NewHours {
        registration_id,
        post_id,
        served_on: day(d),
        hours_tenths: hours_tenths(hours).unwrap(),
        note: String::new(),
    };
    // 周建国: 2 + 1.5 (楼道长) + 3 (助老服务) in March; 吴敏: 2.5 (助老服务) + 4 (环境整治);
    // one entry of 周建国's on the 3rd, outside the period below.
    for h in [
        log(r_zhou.id, stairs.id, 5, 2.0),
        log(r_zhou.id, stairs.id, 12, 1.5),
        log(r_zhou.id, elders.id, 14, 3.0),
        log(r_zhou.id, elders.id, 3, 6.0),
        log(r_wu.id, elders.id, 14, 2.5),
        log(r_wu.id, tidy.id, 18, 4.0),
    ] {
        s.log_service_hours(&w.station, &h, today, now)
            .await
            .unwrap();
    }
    // Refused: a post the member did not choose, a day in the future or before the
    // registration, a registration outside scope.
    assert_eq!(
        field_of(
            s.log_service_hours(&w.station, &log(r_wu.id, stairs.id, 5, 1.0), today, now)
                .await
        ),
        "post_id"
    );
    assert_eq!(
        field_of(
            s.log_service_hours(&w.station, &log(r_wu.id, tidy.id, 21, 1.0), today, now)
                .await
        ),
        "served_on"
    );
    assert_eq!(
        field_of(
            s.log_service_hours(&w.station, &log(r_wu.id, tidy.id, 1, 1.0), today, now)
                .await
        ),
        "served_on"
    );
    assert_eq!(
        field_of(
            s.log_service_hours(&w.station2, &log(r_wu.id, tidy.id, 5, 1.0), today, now)
                .await
        ),
        "registration_id"
    );
    let sum = s
        .service_summary(&w.street, w.street1.id, day(4), day(20))
        .await
        .unwrap();
    // 周建国 2 + 1.5 + 3 = 6.5 h in 3 entries; 吴敏 2.5 + 4 = 6.5 h in 2; 13 h in all.
    assert_eq!(sum.total_tenths, 130);
    let members: Vec<(&str, i64, i64)> = sum
        .members
        .iter()
        .map(|m| (m.person.name.as_str(), m.tenths, m.entries))
        .collect();
    assert!(members.contains(&("周建国", 65, 3)), "{members:?}");
    assert!(members.contains(&("吴敏", 65, 2)), "{members:?}");
    assert_eq!(members.len(), 2);
    // 助老服务 3 + 2.5 = 5.5 h by two members; 环境整治 4 h; 楼道长 3.5 h.
    let posts: Vec<(&str, i64, i64)> = sum
        .posts
        .iter()
        .map(|p| (p.post.name.as_str(), p.tenths, p.members))
        .collect();
    assert_eq!(
        posts,
        [("助老服务", 55, 2), ("环境整治", 40, 1), ("楼道长", 35, 1)]
    );
    // The whole month counts 周建国's 6 hours on the 3rd too.
    let month = s
        .service_summary(&w.station, w.c1.id, day(1), day(31))
        .await
        .unwrap();
    assert_eq!(month.total_tenths, 190);
    assert_eq!(month.members[0].person.name, "周建国");
    assert_eq!(month.members[0].tenths, 125);
    let regs = s.service_registrations(&w.station, w.c1.id).await.unwrap();
    assert_eq!(regs.len(), 2);
    assert_eq!(regs.iter().map(|r| r.total_tenths).sum::<i64>(), 190);
    assert!(matches!(
        s.service_summary(&w.station2, w.c1.id, day(1), day(31))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(s
        .service_registrations(&w.station2, w.c3.id)
        .await
        .unwrap()
        .is_empty());
}

conformance!(
    two_claims_at_once_one_wins,
    a_wish_goes_through_its_states,
    service_hours_and_their_summary,
);
