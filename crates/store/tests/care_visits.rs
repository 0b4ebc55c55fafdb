//! The care register, visits, teams and pairings: the same behaviour on SQLite and
//! PostgreSQL (see `support` for the harness and the small district every test starts with).

mod support;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use support::*;
use suqiu_core::access::Actor;
use suqiu_core::appeal::{Appellant, Channel, Kind, Urgency};
use suqiu_core::care::{Cadence, CareLevel, DueStatus, VisitRule};
use suqiu_core::lifecycle::{register, Intake};
use suqiu_core::org::OrgUnit;
use suqiu_core::person::{CareTag, Person};
use suqiu_core::Id;
use suqiu_store::appeals::AppealFilter;
use suqiu_store::care::{RegisterFilter, TimelineKind};
use suqiu_store::teams::{BlockOf, ContactMode, Partner};
use suqiu_store::visits::{DueFor, NewVisit, VisitFilter};
use suqiu_store::{Store, StoreError};

/// 10:00 in Shanghai on 2026-`month`-`day`.
fn on(month: u32, day: u32) -> DateTime<Utc> {
    suqiu_core::calendar::shanghai()
        .with_ymd_and_hms(2026, month, day, 10, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn date(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).unwrap()
}

async fn add(
    store: &Store,
    name: &str,
    unit: &OrgUnit,
    address: &str,
    tags: Vec<CareTag>,
) -> Person {
    let mut p = person(name, unit, "13800000000", tags);
    p.address = Some(address.into());
    store.create_person(&p).await.expect("create person")
}

async fn visit(store: &Store, by: &Actor, who: &Person, at: DateTime<Utc>) {
    store
        .create_visit(
            &NewVisit {
                person_id: who.id,
                visited_at: at,
                visitor_user_id: by.user_id,
                note: "身体尚好，家中整洁".into(),
                follow_up: None,
            },
            None,
        )
        .await
        .expect("visit");
}

/// 佛字桥居民区 (c1) made by hand. Over March 2026, under the default rules:
///
/// | who | tags | visits | on time | visited | overdue on 31 March |
/// |---|---|---|---|---|---|
/// | 王阿姨 (grid) | 独居老人 (7) | none | no: 1→31 March is 30 days | no | yes (never) |
/// | A | 独居老人 (7) | 27 Feb; 6, 13, 20, 27 Mar | yes | yes | no |
/// | B | 独居老人 (7) | 10, 28 Mar | no: 1→10 March is 9 days | yes | no |
/// | C | 困难党员 (30) | 20 Feb; 15 Mar | yes: 23 and 16 days | yes | no |
/// | D | 高龄 (90) | none | no: never seen, overdue from the start | no | yes (never) |
/// | G | 独居老人 (7) | 2 Mar | no: 2→31 March is 29 days | yes | yes (since 9 March) |
/// | E | 残疾 | — | not counted: no interval rule | | |
/// | F (c2) | 独居老人 | — | not counted: another station | | |
///
/// On time 2 of 6 ≈ 33.3 %; visited 4 of 6 ≈ 66.7 %; 3 overdue. (Someone on the register who
/// was never visited is overdue, so never on time: the due list and the coverage agree.)
struct Station {
    a: Person,
    b: Person,
    d: Person,
    g: Person,
}

async fn station(w: &World, store: &Store) -> Station {
    let s = &w.station;
    let a = add(store, "甲", &w.c1, "3号楼101室", vec![CareTag::LivingAlone]).await;
    let b = add(store, "乙", &w.c1, "3号楼102室", vec![CareTag::LivingAlone]).await;
    let c = add(store, "丙", &w.c1, "4号楼101室", vec![CareTag::NeedyMember]).await;
    let d = add(store, "丁", &w.c1, "4号楼102室", vec![CareTag::Aged80Plus]).await;
    let g = add(store, "庚", &w.c1, "5号楼101室", vec![CareTag::LivingAlone]).await;
    add(store, "戊", &w.c1, "5号楼102室", vec![CareTag::Disabled]).await;
    add(store, "己", &w.c2, "1号楼101室", vec![CareTag::LivingAlone]).await;
    for at in [on(2, 27), on(3, 6), on(3, 13), on(3, 20), on(3, 27)] {
        visit(store, s, &a, at).await;
    }
    for at in [on(3, 10), on(3, 28)] {
        visit(store, s, &b, at).await;
    }
    for at in [on(2, 20), on(3, 15)] {
        visit(store, s, &c, at).await;
    }
    visit(store, s, &g, on(3, 2)).await;
    Station { a, b, d, g }
}

async fn coverage_of_a_hand_made_station(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    station(&w, store).await;
    let cov = store
        .care_coverage(&w.station, w.c1.id, date(3, 1), date(3, 31), on(4, 10))
        .await
        .unwrap();
    assert_eq!((cov.on_time.total, cov.on_time.visited), (6, 2));
    assert!((cov.on_time.rate.unwrap() - 2.0 / 6.0).abs() < 1e-9);
    assert_eq!((cov.visited.total, cov.visited.visited), (6, 4));
    assert!((cov.visited.rate.unwrap() - 4.0 / 6.0).abs() < 1e-9);
    assert_eq!(cov.overdue, 3);

    // The street sees the same station; another station does not.
    let street = store
        .care_coverage(&w.street, w.c1.id, date(3, 1), date(3, 31), on(4, 10))
        .await
        .unwrap();
    assert_eq!(street.on_time, cov.on_time);
    assert!(matches!(
        store
            .care_coverage(&w.station2, w.c1.id, date(3, 1), date(3, 31), on(4, 10))
            .await,
        Err(StoreError::NotFound)
    ));
    // Nobody under an interval rule: a null rate, not 0.
    let empty = store
        .care_coverage(&w.admin, w.c3.id, date(3, 1), date(3, 31), on(4, 10))
        .await
        .unwrap();
    assert_eq!(empty.on_time.total, 1, "李大爷 (高龄) is there");
    let none = store
        .care_coverage(&w.street, w.c2.id, date(5, 1), date(5, 31), on(6, 10))
        .await
        .unwrap();
    assert_eq!(none.on_time.total, 1);
    assert_eq!(none.on_time.visited, 0, "己 was never visited in May");
}

async fn due_visits_per_station_worker_and_team(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let st = station(&w, store).await;
    store
        .set_care_profile(&w.station, st.g.id, Some(CareLevel::Key), Some("心脏不好"))
        .await
        .unwrap();
    let now = on(4, 1);
    let due = store
        .due_visits(&w.station, w.c1.id, DueFor::Everyone, now)
        .await
        .unwrap();
    let names: Vec<&str> = due.iter().map(|d| d.name.as_str()).collect();
    // Overdue all three: 重点关爱 first, then never visited (no date) before a date.
    assert_eq!(names, ["庚", "王阿姨", "丁"]);
    assert_eq!(due[2].person_id, st.d.id);
    assert!(due.iter().all(|d| d.next.status == DueStatus::Overdue));
    assert_eq!(due[0].next.due_on, Some(date(3, 9)));
    assert_eq!(due[0].last_visit, Some(date(3, 2)));
    assert_eq!(
        due[0].next.rule.cadence,
        Cadence::Every { days: 7 },
        "the rule that makes 庚 due"
    );
    // A day later 甲 (last visit 27 March, due 3 April) is due, not yet overdue.
    let due = store
        .due_visits(&w.station, w.c1.id, DueFor::Everyone, on(4, 2))
        .await
        .unwrap();
    let a = due.iter().find(|d| d.person_id == st.a.id).expect("甲 due");
    assert_eq!(a.next.status, DueStatus::Due);

    // A team owning the grid, with the volunteer; the volunteer is also paired with 乙.
    let team = store.create_team(w.c1.id, "助老服务队").await.unwrap();
    store
        .add_team_member(&team, Partner::User(w.volunteer.user_id))
        .await
        .unwrap();
    assert!(matches!(
        store
            .add_team_member(&team, Partner::User(w.volunteer.user_id))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .add_team_member(&team, Partner::User(w.station2.user_id))
            .await,
        Err(StoreError::Invalid(_))
    ));
    store
        .add_team_block(&team, &BlockOf::Node(w.grid1.id))
        .await
        .unwrap();
    assert!(matches!(
        store.add_team_block(&team, &BlockOf::Node(w.c1.id)).await,
        Err(StoreError::Invalid(_))
    ));
    let pairing = store
        .create_pairing(
            &w.station,
            st.b.id,
            Partner::User(w.volunteer.user_id),
            date(1, 5),
            None,
        )
        .await
        .unwrap();
    assert_eq!(pairing.partner_name, "volunteer姓名");

    let team_due = store
        .due_visits(&w.station, w.c1.id, DueFor::Team(team.id), now)
        .await
        .unwrap();
    assert_eq!(
        team_due.iter().map(|d| d.person_id).collect::<Vec<_>>(),
        [w.person1.id]
    );
    let mine: Vec<Id> = store
        .next_visits(&w.volunteer, w.c1.id, DueFor::Everyone, now)
        .await
        .unwrap()
        .iter()
        .map(|d| d.person_id)
        .collect();
    assert_eq!(mine, [w.person1.id, st.b.id]);
    let worker: Vec<Id> = store
        .next_visits(
            &w.station,
            w.c1.id,
            DueFor::Worker(w.volunteer.user_id),
            now,
        )
        .await
        .unwrap()
        .iter()
        .map(|d| d.person_id)
        .collect();
    assert_eq!(worker, mine, "a worker's list is what the worker sees");

    // The volunteer sees exactly the people assigned to it.
    assert!(store.person(&w.volunteer, st.b.id).await.unwrap().is_some());
    assert!(store.person(&w.volunteer, st.a.id).await.unwrap().is_none());
    let register = store
        .care_register(
            &w.volunteer,
            &RegisterFilter {
                org_unit_id: w.c1.id,
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(register.total, 2);
    // Staff see the whole register, 重点关爱 first; the tag filter narrows it.
    let register = store
        .care_register(
            &w.station,
            &RegisterFilter {
                org_unit_id: w.c1.id,
                tag: Some(CareTag::LivingAlone),
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
    let names: Vec<&str> = register.items.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["庚", "王阿姨", "甲", "乙"]);
    assert_eq!(register.items[0].note.as_deref(), Some("心脏不好"));
    assert!(matches!(
        store
            .due_visits(&w.station2, w.c1.id, DueFor::Everyone, now)
            .await,
        Err(StoreError::NotFound)
    ));
    // A liaison has no care register.
    assert!(store
        .next_visits(&w.liaison, w.street1.id, DueFor::Everyone, now)
        .await
        .unwrap()
        .is_empty());
}

async fn visit_rules_are_inherited_and_edited(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let defaults = store.visit_rules(w.c1.id).await.unwrap();
    assert_eq!(defaults.set_at, None);
    assert_eq!(defaults.rules, suqiu_core::care::default_rules());
    let rules = vec![VisitRule {
        tag: CareTag::Aged80Plus,
        cadence: Cadence::Every { days: 14 },
    }];
    store
        .set_visit_rules(w.street.user_id, w.street1.id, &rules)
        .await
        .unwrap();
    let inherited = store.visit_rules(w.c1.id).await.unwrap();
    assert_eq!(inherited.set_at, Some(w.street1.id));
    assert_eq!(inherited.rules, rules);
    assert_eq!(store.visit_rules(w.c3.id).await.unwrap().set_at, None);
    // Under the street's rule 李大爷's neighbour in c1 with 高龄 is due every 14 days; 王阿姨
    // (独居老人) has no rule there any more.
    let d = add(store, "丁", &w.c1, "4号楼", vec![CareTag::Aged80Plus]).await;
    visit(store, &w.station, &d, on(3, 1)).await;
    let due = store
        .due_visits(&w.station, w.c1.id, DueFor::Everyone, on(3, 20))
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].person_id, d.id);
    assert_eq!(due[0].next.due_on, Some(date(3, 15)));
}

fn raised(
    w: &World,
    who: &Person,
    category: &str,
) -> (suqiu_core::appeal::Appeal, suqiu_core::lifecycle::Event) {
    register(
        Intake {
            appellant: Appellant::Person { person_id: who.id },
            org_unit_id: who.org_unit_id,
            channel: Channel::HomeVisit,
            kind: Kind::Help,
            category: category.into(),
            urgency: Urgency::Normal,
            title: None,
            content: "卫生间水管漏水，老人行动不便".into(),
            location: None,
            public_consent: false,
        },
        tracking_code(),
        w.c1.id,
        &w.station,
        on(4, 1),
        calendar(),
        policy(),
    )
    .expect("register")
}

async fn a_visit_raises_an_appeal_atomically(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let who = &w.person1;
    let new = NewVisit {
        person_id: who.id,
        visited_at: on(4, 1),
        visitor_user_id: w.station.user_id,
        note: "卫生间水管漏水".into(),
        follow_up: Some("联系物业维修".into()),
    };
    // An unknown category: neither the visit nor the appeal is stored.
    let err = store
        .create_visit(&new, Some(raised(&w, who, "no.such.category")))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref e) if e.field == "category"),
        "{err:?}"
    );
    let log = store
        .list_visits(
            &w.station,
            &VisitFilter {
                person_id: Some(who.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(log.total, 0);
    // An empty note is refused before anything is written.
    let blank = NewVisit {
        note: "  ".into(),
        ..new.clone()
    };
    assert!(matches!(
        store.create_visit(&blank, None).await,
        Err(StoreError::Invalid(ref e)) if e.field == "note"
    ));

    let (v, appeal) = store
        .create_visit(&new, Some(raised(&w, who, "public_facilities.water_pipes")))
        .await
        .unwrap();
    let appeal = appeal.expect("appeal raised");
    assert_eq!(v.appeal_id, Some(appeal.id));
    assert_eq!(
        v.appeal_tracking_code.as_deref(),
        Some(appeal.tracking_code.as_str())
    );
    assert_eq!(v.follow_up.as_deref(), Some("联系物业维修"));
    assert_eq!(store.visit_of_appeal(appeal.id).await.unwrap(), Some(v.id));
    let rec = store.appeal(&w.station, appeal.id).await.unwrap();
    assert_eq!(rec.appeal.channel, Channel::HomeVisit);
    assert_eq!(store.events(appeal.id).await.unwrap().len(), 1);
    // In the station's queue.
    let queue = store
        .list_appeals(
            &w.station,
            &AppealFilter {
                status: Some(suqiu_core::appeal::Status::Registered),
                ..Default::default()
            },
            on(4, 1),
        )
        .await
        .unwrap();
    assert!(queue.items.iter().any(|r| r.appeal.id == appeal.id));
    // Visits are read in the care scope: not by another station.
    assert!(store.visit(&w.station, v.id).await.unwrap().is_some());
    assert!(store.visit(&w.station2, v.id).await.unwrap().is_none());
}

async fn teams_cover_households_and_pairings_log_contacts(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let team = store.create_team(w.c1.id, "第一服务团队").await.unwrap();
    store
        .add_team_block(&team, &BlockOf::Node(w.grid1.id))
        .await
        .unwrap();
    store
        .add_team_block(&team, &BlockOf::Address("佛字桥小区1号".into()))
        .await
        .unwrap();
    assert!(matches!(
        store.add_team_block(&team, &BlockOf::Address(" ".into())).await,
        Err(StoreError::Invalid(ref e)) if e.field == "address_prefix"
    ));
    // Households: 王阿姨's (grid), 1号101室 (two people), 1号202室; 2号 is outside the blocks.
    let h = add(store, "何", &w.c1, "佛字桥小区1号101室", vec![]).await;
    let i = add(store, "伊", &w.c1, "佛字桥小区1号101室", vec![]).await;
    add(store, "计", &w.c1, "佛字桥小区1号202室", vec![]).await;
    let out = add(store, "外", &w.c1, "佛字桥小区2号101室", vec![]).await;
    visit(store, &w.station, &i, on(3, 5)).await;
    visit(store, &w.station, &out, on(3, 6)).await;
    visit(store, &w.station, &h, on(2, 6)).await;
    let cov = store
        .team_coverage(team.id, date(3, 1), date(3, 31))
        .await
        .unwrap();
    assert_eq!((cov.households.total, cov.households.visited), (3, 1));
    let member = store
        .add_team_member(&team, Partner::Person(h.id))
        .await
        .unwrap();
    assert_eq!(member.name, "何");
    let teams = store.team_details(&w.station, w.c1.id).await.unwrap();
    assert_eq!(teams.len(), 1);
    assert_eq!(teams[0].blocks.len(), 2);
    assert_eq!(teams[0].members.len(), 1);
    assert!(store
        .team_details(&w.volunteer, w.c1.id)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .team_detail(&w.station2, team.id)
        .await
        .unwrap()
        .is_none());

    // 结对: a party member (a person) with 王阿姨, and the volunteer with 何.
    let p1 = store
        .create_pairing(
            &w.station,
            w.person1.id,
            Partner::Person(i.id),
            date(1, 1),
            Some("老党员结对"),
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_pairing(&w.station, w.person1.id, Partner::Person(w.person3.id), date(1, 1), None)
            .await,
        Err(StoreError::Invalid(ref e)) if e.field == "partner_person_id"
    ));
    // 何 has no care tag: a pairing is for someone on the care register, so only once a
    // care level puts him there.
    assert!(matches!(
        store
            .create_pairing(&w.station, h.id, Partner::User(w.volunteer.user_id), date(1, 1), None)
            .await,
        Err(StoreError::Invalid(ref e)) if e.field == "person_id" && e.code == "pairing_not_in_care"
    ));
    store
        .set_care_profile(&w.station, h.id, Some(CareLevel::Regular), None)
        .await
        .unwrap();
    let p2 = store
        .create_pairing(
            &w.station,
            h.id,
            Partner::User(w.volunteer.user_id),
            date(1, 1),
            None,
        )
        .await
        .unwrap();
    store
        .add_contact(
            &w.volunteer,
            p2.id,
            on(3, 3),
            ContactMode::Phone,
            "电话问候，一切安好",
        )
        .await
        .unwrap();
    // The volunteer logs only on its own pairing.
    assert!(matches!(
        store
            .add_contact(&w.volunteer, p1.id, on(3, 3), ContactMode::Home, "上门")
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .pairings(&w.volunteer, None, None)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .pairings(&w.station, Some(w.c1.id), None)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(store
        .pairings(&w.station2, None, None)
        .await
        .unwrap()
        .is_empty());
    let contacts = store.contacts(p2.id).await.unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].recorded_by, "volunteer姓名");
    let p2 = store.pairing(&w.station, p2.id).await.unwrap().unwrap();
    assert_eq!(p2.last_contact, Some(on(3, 3)));

    // 何's timeline: the visit of 6 Feb and the contact of 3 March, newest first.
    let timeline = store.care_timeline(&w.station, h.id).await.unwrap();
    let kinds: Vec<TimelineKind> = timeline.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [TimelineKind::PairingContact, TimelineKind::Visit]);
    assert_eq!(timeline[0].by.as_deref(), Some("volunteer姓名"));
    assert!(store
        .care_timeline(&w.station2, h.id)
        .await
        .unwrap()
        .is_empty());
}

/// A pairing is for someone in care; it is active until ended, once, and an ended pairing
/// takes no contact and no longer assigns its person to the partner.
async fn pairings_are_for_people_in_care_and_end_once(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let nobody = add(store, "无", &w.c1, "佛字桥小区9号", vec![]).await;
    let volunteer = Partner::User(w.volunteer.user_id);
    for who in [nobody.id, w.person3.id] {
        let refused = store
            .create_pairing(&w.station, who, volunteer, date(1, 1), None)
            .await;
        assert!(
            matches!(refused, Err(StoreError::Invalid(ref e)) if e.field == "person_id"),
            "{refused:?}"
        );
    }
    let alone = add(
        store,
        "独",
        &w.c1,
        "佛字桥小区9号",
        vec![CareTag::LivingAlone],
    )
    .await;
    let p = store
        .create_pairing(&w.station, alone.id, volunteer, date(2, 1), Some("  "))
        .await
        .unwrap();
    assert_eq!((p.note, p.ended_on), (None, None));
    let visited = store.visited(&w.volunteer, alone.id).await.unwrap();
    assert!(visited.seen && visited.assigned);
    assert!(matches!(
        store.end_pairing(&w.station, p.id, date(1, 31)).await,
        Err(StoreError::Invalid(ref e)) if e.field == "ended_on"
    ));
    let ended = store
        .end_pairing(&w.station, p.id, date(3, 1))
        .await
        .unwrap();
    assert_eq!(ended.ended_on, Some(date(3, 1)));
    assert!(matches!(
        store.end_pairing(&w.station, p.id, date(3, 2)).await,
        Err(StoreError::Conflict(_))
    ));
    let visited = store.visited(&w.volunteer, alone.id).await.unwrap();
    assert!(!visited.assigned, "an ended pairing assigns no one");
    assert!(matches!(
        store
            .add_contact(&w.station, p.id, on(3, 3), ContactMode::Phone, "电话")
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.end_pairing(&w.station2, p.id, date(3, 1)).await,
        Err(StoreError::NotFound)
    ));
}

conformance!(
    pairings_are_for_people_in_care_and_end_once,
    coverage_of_a_hand_made_station,
    due_visits_per_station_worker_and_team,
    visit_rules_are_inherited_and_edited,
    a_visit_raises_an_appeal_atomically,
    teams_cover_households_and_pairings_log_contacts,
);
