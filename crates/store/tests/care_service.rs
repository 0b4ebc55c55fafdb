//! In-service members' service on both backends when writers meet: the store decides by
//! `suqiu_core::service` in its transaction, and the schema's `UNIQUE` constraints refuse,
//! in the rule's own words, what two writers deciding at the same moment both found new.
//! Hours logged at once all count, and a registration's total is their sum.

mod support;

use chrono::NaiveDate;
use support::*;
use suqiu_core::error::FieldError;
use suqiu_core::person::{PartyCategory, PartyProfile, Person};
use suqiu_store::service::{NewHours, NewRegistration};
use suqiu_store::StoreError;

fn member(name: &str, unit: &suqiu_core::org::OrgUnit) -> Person {
    Person {
        party: Some(PartyProfile {
            category: PartyCategory::InService,
            joined_on: None,
            branch: None,
        }),
        ..person(name, unit, "13700002222", vec![])
    }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

/// The field and code of a refusal.
#[track_caller]
fn conflict_on<T: std::fmt::Debug>(r: Result<T, StoreError>) -> (String, &'static str) {
    match r {
        Err(StoreError::Conflict(FieldError { field, code, .. })) => (field, code),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn writers_at_once_keep_the_register_whole(db: Db) {
    let s = &db.store;
    let w = world(s).await;
    let now = at(20, 10);
    // Two posts of one name at once: one is added, the other refused on `name`.
    let (a, b) = tokio::join!(
        s.create_service_post(&w.station, w.c1.id, "文明引导", now),
        s.create_service_post(&w.station, w.c1.id, "文明引导", now),
    );
    let (post, lost) = match (a, b) {
        (Ok(p), other) | (other, Ok(p)) => (p, other),
        (a, b) => panic!("neither post was added: {a:?} {b:?}"),
    };
    assert_eq!(conflict_on(lost), ("name".into(), "post_name_taken"));
    let zhou = s.create_person(&member("周建国", &w.c1)).await.unwrap();
    let new = NewRegistration {
        person_id: zhou.id,
        org_unit_id: w.c1.id,
        registered_on: day(2),
        post_ids: vec![post.id],
    };
    // The same member registered twice at once: once, the other refused on `person_id`.
    let (a, b) = tokio::join!(
        s.register_for_service(&w.station, &new, now),
        s.register_for_service(&w.station, &new, now),
    );
    let (reg, lost) = match (a, b) {
        (Ok(r), other) | (other, Ok(r)) => (r, other),
        (a, b) => panic!("neither registration was made: {a:?} {b:?}"),
    };
    assert_eq!(
        conflict_on(lost),
        ("person_id".into(), "already_registered")
    );
    assert_eq!(reg.posts.len(), 1);
    assert_eq!(reg.total_tenths, 0);
    // Twenty entries at once, 0.1 h to 2 h: every one counts.
    let entries: Vec<NewHours> = (1..=20)
        .map(|i| NewHours {
            registration_id: reg.id,
            post_id: post.id,
            served_on: day(2 + (i % 18) as u32),
            hours_tenths: i,
            note: String::new(),
        })
        .collect();
    let mut tasks = Vec::new();
    for h in entries.clone() {
        let (store, actor) = (s.clone(), w.station.clone());
        let log = async move { store.log_service_hours(&actor, &h, day(20), now).await };
        tasks.push(tokio::spawn(log));
    }
    for t in tasks {
        t.await.unwrap().expect("logged");
    }
    let regs = s.service_registrations(&w.station, w.c1.id).await.unwrap();
    let total: i64 = entries.iter().map(|h| h.hours_tenths).sum();
    assert_eq!(regs[0].total_tenths, total);
    let month = s
        .service_summary(&w.station, w.c1.id, day(1), day(31))
        .await
        .unwrap();
    assert_eq!(month.total_tenths, total);
    assert_eq!(month.members[0].entries, 20);
}

conformance!(writers_at_once_keep_the_register_whole);
