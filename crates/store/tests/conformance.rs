//! The conformance suite: the same behaviour on SQLite and PostgreSQL.
//!
//! Every test below runs twice (see `conformance!` at the end): on a fresh SQLite file in the
//! temp directory, and on a fresh PostgreSQL database created for it on the server at
//! `SUQIU_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`). When
//! PostgreSQL is unreachable the PostgreSQL tests fail, saying how to start it.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::{Rng, SeedableRng};
use sqlx::{Connection, Row};
use support::*;
use suqiu_core::access::{relation, Actor, Role};
use suqiu_core::appeal::{
    Appeal, Appellant, FeedbackChannel, Kind, Resolution, Satisfaction, Status, Urgency,
};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::category::default_taxonomy;
use suqiu_core::lifecycle::{apply, decide, holders, Command, Context, Event, EventBody, Refusal};
use suqiu_core::measures::{AppealFacts, Counts};
use suqiu_core::notice::NoticeKind;
use suqiu_core::org::{in_subtree, OrgKind, OrgUnit};
use suqiu_core::person::CareTag;
use suqiu_core::report::Month;
use suqiu_core::roster::Sheet;
use suqiu_core::Id;
use suqiu_store::appeals::{AppealFilter, AppealRecord, COUNT_CAP};
use suqiu_store::dims::Dimension;
use suqiu_store::people::PeopleFilter;
use suqiu_store::users::NewUser;
use suqiu_store::{Backend, Store, StoreError};

// ---- plumbing -------------------------------------------------------------------------

/// `$N` placeholders bind by number through sqlx's Any driver on both backends, in any order
/// and repeated — the store's SQL relies on it.
async fn placeholders_bind_by_number(db: Db) {
    let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    let row = sqlx::query(
        "SELECT CAST($2 AS TEXT) AS b, CAST($1 AS BIGINT) AS a, CAST($1 AS BIGINT) + 1 AS c",
    )
    .bind(7i64)
    .bind("二")
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(row.try_get::<i64, _>("a").unwrap(), 7);
    assert_eq!(row.try_get::<String, _>("b").unwrap(), "二");
    assert_eq!(row.try_get::<i64, _>("c").unwrap(), 8);
    let _ = conn.close().await;
}

async fn fresh_database_is_migrated_and_seeded(db: Db) {
    let store = &db.store;
    assert!(store.is_empty().await.unwrap());
    let categories = store.categories().await.unwrap();
    assert_eq!(categories, default_taxonomy(), "seeded in taxonomy order");
    assert_eq!(
        store.integrity_check().await.unwrap(),
        vec!["ok".to_string()]
    );
    // Opening again migrates nothing and seeds nothing twice.
    let again = Store::open(&db.url).await.unwrap();
    assert_eq!(again.categories().await.unwrap().len(), categories.len());
    assert_eq!(again.backend(), db.backend);
    // Settings.
    assert_eq!(store.setting("time_limits").await.unwrap(), None);
    store.put_setting("time_limits", "{\"a\":1}").await.unwrap();
    store.put_setting("time_limits", "{\"a\":2}").await.unwrap();
    assert_eq!(
        again.setting("time_limits").await.unwrap().as_deref(),
        Some("{\"a\":2}")
    );
}

// ---- organization, users, sessions -----------------------------------------------------

async fn org_tree_has_materialized_paths(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    assert!(!store.is_empty().await.unwrap());
    assert_eq!(w.district.path, format!("/{}/", w.district.id));
    assert_eq!(
        w.grid1.path,
        format!(
            "/{}/{}/{}/{}/",
            w.district.id, w.street1.id, w.c1.id, w.grid1.id
        )
    );
    assert_eq!(store.org_unit(w.grid1.id).await.unwrap().unwrap(), w.grid1);
    assert_eq!(
        store
            .org_unit_by_code("310117001001")
            .await
            .unwrap()
            .unwrap(),
        w.c1
    );
    assert_eq!(store.org_unit(999_999).await.unwrap(), None);
    // Parents before children.
    let all = store.org_units().await.unwrap();
    assert_eq!(all.len(), 7);
    for (i, u) in all.iter().enumerate() {
        if let Some(p) = u.parent_id {
            assert!(
                all[..i].iter().any(|x| x.id == p),
                "{} before its parent",
                u.name
            );
        }
    }
    // The kind must be the parent's child kind; codes are unique.
    let e = store
        .create_org_unit(Some(w.street1.id), OrgKind::Grid, "x1", "错层")
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref e) if e.field == "kind"),
        "{e:?}"
    );
    let e = store
        .create_org_unit(Some(999_999), OrgKind::Street, "x2", "无上级")
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref e) if e.field == "parent_id"),
        "{e:?}"
    );
    let e = store
        .create_org_unit(
            Some(w.street1.id),
            OrgKind::Community,
            "310117001001",
            "重号",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(ref e) if e.field == "code"),
        "{e:?}"
    );
    // Departments and teams.
    assert_eq!(
        store.departments().await.unwrap(),
        vec![w.dept.clone(), w.dept2.clone()]
    );
    assert_eq!(store.department(w.dept.id).await.unwrap().unwrap(), w.dept);
    let e = store
        .create_department("yueyang-fgs", "重号", w.street1.id)
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(ref e) if e.field == "code"),
        "{e:?}"
    );
    let e = store
        .create_department("new", "新部门", 999_999)
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref e) if e.field == "org_unit_id"),
        "{e:?}"
    );
    let team = store.create_team(w.c1.id, "第一服务团队").await.unwrap();
    assert_eq!(store.teams(w.c1.id).await.unwrap(), vec![team.clone()]);
    assert_eq!(store.team(team.id).await.unwrap().unwrap(), team);
    assert!(store.teams(w.c2.id).await.unwrap().is_empty());
    assert!(matches!(
        store.create_team(999_999, "x").await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        store.integrity_check().await.unwrap(),
        vec!["ok".to_string()]
    );
}

async fn users_and_sessions(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let new = |username: &'static str, org_unit_id: Id, department_id: Option<Id>| NewUser {
        username,
        password_hash: "$argon2id$hash",
        display_name: "新用户",
        role: Role::StationStaff,
        org_unit_id,
        department_id,
    };
    let e = store
        .create_user(new("fzq", w.c1.id, None))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(ref e) if e.field == "username"),
        "{e:?}"
    );
    let e = store
        .create_user(new("nobody", 999_999, None))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref e) if e.field == "org_unit_id"),
        "{e:?}"
    );
    let e = store
        .create_user(new("nobody", w.c1.id, Some(999_999)))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref e) if e.field == "department_id"),
        "{e:?}"
    );

    let (user, hash) = store.user_for_login("liaison").await.unwrap().unwrap();
    assert_eq!(user.role, Role::DepartmentLiaison);
    assert_eq!(user.department_id, Some(w.dept.id));
    assert!(hash.starts_with("$argon2id$"));
    assert_eq!(store.user_for_login("ghost").await.unwrap(), None);
    assert_eq!(store.user(user.id).await.unwrap().unwrap(), user);

    let now = at(10, 9);
    store
        .create_session("hash-1", w.station.user_id, now + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(
        store.session_actor("hash-1", now).await.unwrap().as_ref(),
        Some(&w.station)
    );
    assert_eq!(
        store
            .session_actor("hash-1", now + Duration::hours(1))
            .await
            .unwrap(),
        None,
        "expired at expires_at"
    );
    assert_eq!(store.session_actor("hash-2", now).await.unwrap(), None);
    store.delete_session("hash-1").await.unwrap();
    assert_eq!(store.session_actor("hash-1", now).await.unwrap(), None);

    // Scope: the street sees the users of its subtree, not the other street's.
    let names: BTreeSet<String> = store
        .users_in_scope(&w.street)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    let expected: BTreeSet<String> = ["yueyang", "fzq", "liaison", "volunteer", "auditor"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(names, expected);
    assert_eq!(store.users_in_scope(&w.admin).await.unwrap().len(), 7);
}

// ---- people -------------------------------------------------------------------------

async fn people_register_is_scoped(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let got = store
        .person(&w.station, w.person1.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got, w.person1);
    assert_eq!(
        store.person(&w.station, w.person3.id).await.unwrap(),
        None,
        "another street's person"
    );
    assert_eq!(
        store.person(&w.admin, w.person3.id).await.unwrap().unwrap(),
        w.person3
    );
    assert_eq!(
        store.person(&w.volunteer, w.person1.id).await.unwrap(),
        None,
        "not yet their task"
    );

    // Every field round-trips.
    let mut full = person(
        "赵书记",
        &w.c1,
        "13611112222",
        vec![CareTag::ElderlyMember, CareTag::NeedyMember],
    );
    full.gender = Some(suqiu_core::person::Gender::Male);
    full.birth_date = NaiveDate::from_ymd_opt(1950, 7, 1);
    full.id_number = Some("31011719500701001X".into());
    full.party = Some(suqiu_core::person::PartyProfile {
        category: suqiu_core::person::PartyCategory::Registered,
        joined_on: NaiveDate::from_ymd_opt(1975, 7, 1),
        branch: Some("第一党支部".into()),
    });
    let full = store.create_person(&full).await.unwrap();
    assert_eq!(
        store.person(&w.station, full.id).await.unwrap().unwrap(),
        full
    );
    let e = store
        .create_person(&person(
            "无处",
            &OrgUnit {
                id: 999_999,
                ..w.c1.clone()
            },
            "1",
            vec![],
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref e) if e.field == "org_unit_id"),
        "{e:?}"
    );

    // Update in scope; out of scope is NotFound.
    let mut changed = full.clone();
    changed.tags = vec![CareTag::LivingAlone];
    changed.address = Some("5号楼".into());
    changed.org_unit_id = w.grid1.id;
    assert_eq!(
        store.update_person(&w.station, &changed).await.unwrap(),
        changed
    );
    assert_eq!(
        store.person(&w.station, full.id).await.unwrap().unwrap(),
        changed
    );
    let e = store
        .update_person(&w.station2, &changed)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    let moved_away = suqiu_core::person::Person {
        org_unit_id: w.c3.id,
        ..changed.clone()
    };
    assert!(matches!(
        store.update_person(&w.station, &moved_away).await,
        Err(StoreError::Invalid(_))
    ));

    // Filters: q (name or phone digits), tag (now from people_tags), node, paging.
    let list = |f: PeopleFilter, a: Actor| async move { store.list_people(&a, &f).await.unwrap() };
    let all = list(PeopleFilter::default(), w.street.clone()).await;
    assert_eq!(
        (all.total, all.items.len(), all.page, all.per_page),
        (2, 2, 1, 50)
    );
    let by_name = list(
        PeopleFilter {
            q: Some("阿姨".into()),
            ..Default::default()
        },
        w.admin.clone(),
    )
    .await;
    assert_eq!(
        by_name.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![w.person1.id]
    );
    let by_phone = list(
        PeopleFilter {
            q: Some("0000".into()),
            ..Default::default()
        },
        w.admin.clone(),
    )
    .await;
    assert_eq!(
        by_phone.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![w.person3.id]
    );
    let wildcard = list(
        PeopleFilter {
            q: Some("%".into()),
            ..Default::default()
        },
        w.admin.clone(),
    )
    .await;
    assert_eq!(wildcard.total, 0, "LIKE wildcards are literal");
    let alone = list(
        PeopleFilter {
            tag: Some(CareTag::LivingAlone),
            ..Default::default()
        },
        w.admin.clone(),
    )
    .await;
    assert_eq!(
        alone.items.iter().map(|p| p.id).collect::<BTreeSet<_>>(),
        BTreeSet::from([w.person1.id, full.id])
    );
    let needy = list(
        PeopleFilter {
            tag: Some(CareTag::NeedyMember),
            ..Default::default()
        },
        w.admin.clone(),
    )
    .await;
    assert_eq!(needy.total, 0, "tags were replaced");
    let grid = list(
        PeopleFilter {
            org_unit_id: Some(w.grid1.id),
            ..Default::default()
        },
        w.station.clone(),
    )
    .await;
    assert_eq!(grid.total, 2);
    let other = list(
        PeopleFilter {
            org_unit_id: Some(w.c3.id),
            ..Default::default()
        },
        w.station.clone(),
    )
    .await;
    assert_eq!(other.total, 0, "a node outside the scope gives no rows");
    let paged = list(
        PeopleFilter {
            per_page: 2,
            page: 2,
            ..Default::default()
        },
        w.admin.clone(),
    )
    .await;
    assert_eq!((paged.total, paged.items.len()), (3, 1));

    // Bulk insert returns ids in order.
    let batch: Vec<_> = (0..120)
        .map(|i| {
            person(
                &format!("居民{i}"),
                &w.c2,
                &format!("1580000{i:04}"),
                vec![CareTag::Disabled],
            )
        })
        .collect();
    let ids = store.insert_people_bulk(&batch).await.unwrap();
    assert_eq!(ids.len(), 120);
    assert!(ids.windows(2).all(|p| p[0] < p[1]));
    let p = store.person(&w.admin, ids[7]).await.unwrap().unwrap();
    assert_eq!(p.name, "居民7");
    let disabled = list(
        PeopleFilter {
            tag: Some(CareTag::Disabled),
            ..Default::default()
        },
        w.admin.clone(),
    )
    .await;
    assert_eq!(disabled.total, 120);
    // A volunteer sees the appellant of a task assigned to it, and nobody else.
    let mut n = NewAppeal::at(&w.grid1);
    n.appellant = Appellant::Person {
        person_id: w.person1.id,
    };
    let a = intake(store, &n, &w.station, at(2, 9)).await;
    ok(
        store,
        &w.station,
        a.id,
        Command::Accept { note: None },
        at(2, 10),
    )
    .await;
    ok(
        store,
        &w.station,
        a.id,
        Command::Assign {
            user_id: Some(w.volunteer.user_id),
            team_id: None,
            note: None,
        },
        at(2, 11),
    )
    .await;
    assert_eq!(
        store
            .person(&w.volunteer, w.person1.id)
            .await
            .unwrap()
            .unwrap()
            .id,
        w.person1.id
    );
    let mine = list(PeopleFilter::default(), w.volunteer.clone()).await;
    assert_eq!(
        mine.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![w.person1.id]
    );
    assert_eq!(
        list(PeopleFilter::default(), w.liaison.clone()).await.total,
        0
    );
    assert_eq!(
        store.integrity_check().await.unwrap(),
        vec!["ok".to_string()]
    );
}

// ---- appeals: intake, actions, transactions ------------------------------------------

async fn intake_stores_the_appeal_and_its_event(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let now = at(2, 9) + Duration::nanoseconds(123_456_789);
    let (appeal, event) = registered(&NewAppeal::at(&w.grid1), &w.station, now);
    let stored = store.create_appeal(&appeal, &event).await.unwrap();
    assert!(stored.id > 0);
    assert_eq!(
        stored.created_at.timestamp_subsec_nanos(),
        123_000_000,
        "kept at millisecond precision"
    );
    let rec = store.appeal(&w.station, stored.id).await.unwrap();
    assert_eq!(rec.appeal, stored);
    assert_eq!(rec.appeal.version, 1);
    assert_eq!(rec.org_unit_name, "第一网格");
    assert_eq!(rec.handling_org_unit_name, "佛字桥居民区");
    assert_eq!(rec.place.org_path, w.grid1.path);
    assert_eq!(rec.place.handling_path, w.c1.path);
    assert_eq!(
        rec.place.handling_parent,
        Some((w.street1.id, w.street1.path.clone()))
    );
    assert_eq!(
        (
            rec.appellant_name.as_deref(),
            rec.appellant_phone.as_deref()
        ),
        (Some("张先生"), Some("13700000000"))
    );
    let events = store.events(stored.id).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor_id, w.station.user_id);
    assert_eq!(events[0].actor_name, "fzq姓名");
    assert!(matches!(events[0].body, EventBody::Registered { .. }));
    assert_eq!(
        store
            .appeal_id_by_tracking_code(&stored.tracking_code)
            .await
            .unwrap(),
        Some(stored.id)
    );
    assert_eq!(
        store.appeal_id_by_tracking_code("nope").await.unwrap(),
        None
    );

    // A registered person's name and phone come from the register; anonymous has none.
    let mut n = NewAppeal::at(&w.grid1);
    n.appellant = Appellant::Person {
        person_id: w.person1.id,
    };
    let a = intake(store, &n, &w.station, now).await;
    let rec = store.appeal(&w.station, a.id).await.unwrap();
    assert_eq!(
        (
            rec.appellant_name.as_deref(),
            rec.appellant_phone.as_deref()
        ),
        (Some("王阿姨"), Some("13812345678"))
    );
    n.appellant = Appellant::Anonymous;
    let a = intake(store, &n, &w.station, now).await;
    let rec = store.appeal(&w.station, a.id).await.unwrap();
    assert_eq!((rec.appellant_name, rec.appellant_phone), (None, None));

    // Unknown references are Invalid with the field; a duplicate code is a Conflict.
    let (mut bad, ev) = registered(&NewAppeal::at(&w.grid1), &w.station, now);
    bad.category = "no_such_category".into();
    let e = store.create_appeal(&bad, &ev).await.unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref e) if e.field == "category"),
        "{e:?}"
    );
    let (mut bad, ev) = registered(&NewAppeal::at(&w.grid1), &w.station, now);
    bad.appellant = Appellant::Person { person_id: 999_999 };
    let e = store.create_appeal(&bad, &ev).await.unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref e) if e.field == "appellant_id"),
        "{e:?}"
    );
    let (mut bad, ev) = registered(&NewAppeal::at(&w.grid1), &w.station, now);
    bad.org_unit_id = 999_999;
    let e = store.create_appeal(&bad, &ev).await.unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref e) if e.field == "org_unit_id"),
        "{e:?}"
    );
    let (mut dup, ev) = registered(&NewAppeal::at(&w.grid1), &w.station, now);
    dup.tracking_code = stored.tracking_code.clone();
    let e = store.create_appeal(&dup, &ev).await.unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(ref e) if e.field == "tracking_code"),
        "{e:?}"
    );
    // Failed intakes left nothing behind.
    let page = store
        .list_appeals(&w.admin, &AppealFilter::default(), now)
        .await
        .unwrap();
    assert_eq!(page.total, 3);
    assert!(store.verify_rollups().await.unwrap().is_empty());
}

async fn text_is_stored_verbatim(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let nasty = "'); DROP TABLE appeals; -- <script>alert(\"x\")</script> 50%_\\ \u{0}?";
    let nasty = nasty.replace('\u{0}', ""); // NUL is not text in PostgreSQL
    let mut n = NewAppeal::at(&w.c1);
    n.title = Some("<b>标题</b> & 'quote'".into());
    n.content = format!("水管 {nasty}");
    n.location = Some("$1 $2 ?1 :name @x".into());
    n.appellant = Appellant::Named {
        name: "O'Brien <i>".into(),
        phone: None,
        email: Some("obrien@example.com".into()),
    };
    let a = intake(store, &n, &w.station, at(2, 9)).await;
    let rec = store.appeal(&w.station, a.id).await.unwrap();
    assert_eq!(rec.appeal.title, n.title);
    assert_eq!(rec.appeal.content, n.content);
    assert_eq!(rec.appeal.location, n.location);
    assert_eq!(rec.appellant_name.as_deref(), Some("O'Brien <i>"));
    assert_eq!(
        rec.appeal.appellant, n.appellant,
        "the e-mail address is kept"
    );
    let r = ok(
        store,
        &w.station,
        a.id,
        Command::Accept {
            note: Some(nasty.clone()),
        },
        at(2, 10),
    )
    .await;
    assert_eq!(r.appeal.status, Status::Accepted);
    let events = store.events(a.id).await.unwrap();
    assert!(matches!(&events[1].body, EventBody::Accept { note: Some(t) } if *t == nasty));
    // Search input is never FTS or SQL syntax.
    for q in [
        "\"水管\" OR 1=1 --",
        "水管*",
        "NEAR(水管)",
        "'",
        "%",
        "appeal_fts MATCH",
    ] {
        let f = AppealFilter {
            q: Some(q.into()),
            ..Default::default()
        };
        store
            .list_appeals(&w.station, &f, at(2, 11))
            .await
            .unwrap_or_else(|e| panic!("q={q}: {e}"));
    }
    let mut p = person("<script>", &w.c1, "1'; --", vec![]);
    p.address = Some(nasty.clone());
    let p = store.create_person(&p).await.unwrap();
    assert_eq!(store.person(&w.station, p.id).await.unwrap().unwrap(), p);
    assert_eq!(
        store.integrity_check().await.unwrap(),
        vec!["ok".to_string()]
    );
}

async fn lifecycle_paths(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let s = &w.station;
    // Accept → assign → resolve → feedback → follow-up: closed.
    let a = intake(store, &NewAppeal::at(&w.c1), s, at(2, 9)).await;
    ok(
        store,
        s,
        a.id,
        Command::Accept {
            note: Some(note("已受理")),
        },
        at(2, 10),
    )
    .await;
    let r = ok(
        store,
        s,
        a.id,
        Command::Assign {
            user_id: Some(w.volunteer.user_id),
            team_id: None,
            note: None,
        },
        at(2, 11),
    )
    .await;
    assert_eq!(r.appeal.status, Status::InProgress);
    assert_eq!(r.assignee_name.as_deref(), Some("volunteer姓名"));
    let r = ok(
        store,
        &w.volunteer,
        a.id,
        Command::Resolve {
            resolution: Resolution::Solved,
            note: note("已修好"),
        },
        at(3, 9),
    )
    .await;
    assert_eq!(r.appeal.status, Status::Resolved);
    ok(
        store,
        s,
        a.id,
        Command::Feedback {
            channel: FeedbackChannel::Phone,
            note: note("已电话告知"),
        },
        at(3, 10),
    )
    .await;
    let r = ok(
        store,
        s,
        a.id,
        Command::FollowUp {
            satisfaction: Satisfaction::Satisfied,
            solved: Some(true),
            note: None,
            reopen: false,
        },
        at(4, 10),
    )
    .await;
    assert_eq!(r.appeal.status, Status::Closed);
    assert_eq!(r.appeal.version, 6);
    assert_eq!(store.events(a.id).await.unwrap().len(), 6);

    // Reject.
    let b = intake(store, &NewAppeal::at(&w.c1), s, at(2, 9)).await;
    let r = ok(
        store,
        s,
        b.id,
        Command::Reject {
            reason: note("不属于受理范围"),
        },
        at(2, 10),
    )
    .await;
    assert_eq!(r.appeal.status, Status::Rejected);

    // A refusal writes nothing: state, version and timeline unchanged.
    let before = store.appeal(s, b.id).await.unwrap();
    let refused = act(store, s, b.id, Command::Accept { note: None }, at(2, 11))
        .await
        .unwrap();
    assert!(
        matches!(refused, Err(Refusal::NotAllowed { .. })),
        "{refused:?}"
    );
    assert_eq!(store.appeal(s, b.id).await.unwrap().appeal, before.appeal);
    assert_eq!(store.events(b.id).await.unwrap().len(), 2);

    // Refer to a department; the liaison returns it: back to accepted.
    let c = intake(store, &NewAppeal::at(&w.c1), s, at(2, 9)).await;
    ok(store, s, c.id, Command::Accept { note: None }, at(2, 10)).await;
    let r = ok(
        store,
        s,
        c.id,
        Command::Refer {
            department_id: w.dept.id,
            note: note("请房管所处理"),
        },
        at(2, 11),
    )
    .await;
    assert_eq!(r.department_name.as_deref(), Some("岳阳街道房管所"));
    let r = ok(
        store,
        &w.liaison,
        c.id,
        Command::Return {
            note: note("非本部门职责"),
        },
        at(2, 12),
    )
    .await;
    assert_eq!(
        (r.appeal.status, r.appeal.department_id),
        (Status::Accepted, None)
    );
    // An unknown department is Invalid and writes nothing.
    let e = act(
        store,
        s,
        c.id,
        Command::Refer {
            department_id: 999_999,
            note: note("x"),
        },
        at(2, 13),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref e) if e.field == "department_id"),
        "{e:?}"
    );
    assert_eq!(store.events(c.id).await.unwrap().len(), 4);
    let e = act(
        store,
        s,
        c.id,
        Command::Assign {
            user_id: Some(999_999),
            team_id: None,
            note: None,
        },
        at(2, 13),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref e) if e.field == "user_id"),
        "{e:?}"
    );

    // Escalate: the street handles it now, and its parent is the district.
    let r = ok(
        store,
        s,
        c.id,
        Command::Escalate {
            note: note("需要街道协调"),
        },
        at(2, 14),
    )
    .await;
    assert_eq!(r.appeal.handling_org_unit_id, w.street1.id);
    assert_eq!(r.place.handling_path, w.street1.path);
    assert_eq!(
        r.place.handling_parent,
        Some((w.district.id, w.district.path.clone()))
    );
    assert_eq!(r.handling_org_unit_name, "岳阳街道");
    // The district supervises (a higher level than the handling street).
    ok(
        store,
        &w.admin,
        c.id,
        Command::Supervise {
            note: note("请尽快办理"),
        },
        at(2, 15),
    )
    .await;
    let r = ok(
        store,
        &w.street,
        c.id,
        Command::Return {
            note: note("退回社区"),
        },
        at(2, 16),
    )
    .await;
    assert_eq!(r.appeal.handling_org_unit_id, w.c1.id);
    assert_eq!(r.place.handling_path, w.c1.path);

    // Merge: the target must exist, be visible, and not be merged or rejected.
    let d = intake(store, &NewAppeal::at(&w.c1), s, at(2, 9)).await;
    let other_street = intake(store, &NewAppeal::at(&w.c3), &w.station2, at(2, 9)).await;
    for (target, why) in [
        (999_999, "unknown"),
        (other_street.id, "out of scope"),
        (b.id, "rejected"),
    ] {
        let e = act(
            store,
            s,
            d.id,
            Command::Merge {
                into_appeal_id: target,
            },
            at(2, 10),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(e, StoreError::Invalid(ref e) if e.field == "into_appeal_id"),
            "{why}: {e:?}"
        );
    }
    let r = ok(
        store,
        s,
        d.id,
        Command::Merge {
            into_appeal_id: c.id,
        },
        at(2, 10),
    )
    .await;
    assert_eq!(
        (r.appeal.status, r.appeal.merged_into),
        (Status::Merged, Some(c.id))
    );
    let e = act(
        store,
        s,
        c.id,
        Command::Merge {
            into_appeal_id: d.id,
        },
        at(2, 11),
    )
    .await;
    assert!(
        matches!(e, Err(StoreError::Invalid(_)) | Ok(Err(_))),
        "{e:?}"
    );

    // Every appeal: the version counts the events, whose ids increase.
    for id in [a.id, b.id, c.id, d.id] {
        let rec = store.appeal(&w.admin, id).await.unwrap();
        let events = store.events(id).await.unwrap();
        assert_eq!(rec.appeal.version, events.len() as i64, "appeal {id}");
        assert!(events.windows(2).all(|p| p[0].id < p[1].id));
    }
    assert!(store.verify_rollups().await.unwrap().is_empty());
    assert_eq!(
        store.integrity_check().await.unwrap(),
        vec!["ok".to_string()]
    );
}

async fn concurrent_actions_on_one_appeal(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let a = intake(store, &NewAppeal::at(&w.c1), &w.station, at(2, 9)).await;
    ok(
        store,
        &w.station,
        a.id,
        Command::Accept { note: None },
        at(2, 10),
    )
    .await;
    ok(
        store,
        &w.station,
        a.id,
        Command::Assign {
            user_id: Some(w.volunteer.user_id),
            team_id: None,
            note: None,
        },
        at(2, 10),
    )
    .await;
    // Ten tasks at once: progress notes, and two resolves of which only the first can win
    // (after it, progress and resolve are no longer allowed).
    let mut tasks = Vec::new();
    for i in 0..10 {
        let store = store.clone();
        let actor = w.station.clone();
        let id = a.id;
        tasks.push(tokio::spawn(async move {
            let command = if i == 4 || i == 7 {
                Command::Resolve {
                    resolution: Resolution::Solved,
                    note: format!("办结 {i}"),
                }
            } else {
                Command::Progress {
                    note: format!("进展 {i}"),
                }
            };
            act(&store, &actor, id, command, at(2, 11)).await
        }));
    }
    let mut successes = 0;
    let mut resolves = 0;
    for t in tasks {
        match t
            .await
            .unwrap()
            .expect("no database error under contention")
        {
            Ok(rec) => {
                successes += 1;
                if rec.appeal.status == Status::Resolved {
                    resolves += 1;
                }
            }
            Err(Refusal::NotAllowed { .. }) => {}
            Err(other) => panic!("unexpected refusal {other}"),
        }
    }
    assert_eq!(resolves, 1, "exactly one resolve wins");
    let rec = store.appeal(&w.station, a.id).await.unwrap();
    let events = store.events(a.id).await.unwrap();
    assert_eq!(
        events.len(),
        3 + successes,
        "every success has its event, nothing else"
    );
    assert_eq!(rec.appeal.version, events.len() as i64);
    assert_eq!(rec.appeal.status, Status::Resolved);
    assert!(
        matches!(events.last().unwrap().body, EventBody::Resolve { .. }),
        "nothing after the resolve"
    );
    assert!(store.verify_rollups().await.unwrap().is_empty());

    // Many intakes at once (group commit on SQLite) all land, each with its event.
    let mut tasks = Vec::new();
    for i in 0..40 {
        let store = store.clone();
        let actor = w.station.clone();
        let unit = w.c1.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = NewAppeal::at(&unit);
            n.content = format!("并发登记 {i}");
            intake(&store, &n, &actor, at(3, 9)).await.id
        }));
    }
    let mut ids = BTreeSet::new();
    for t in tasks {
        ids.insert(t.await.unwrap());
    }
    assert_eq!(ids.len(), 40);
    for id in ids {
        assert_eq!(store.events(id).await.unwrap().len(), 1);
    }
    assert!(store.verify_rollups().await.unwrap().is_empty());
}

// ---- scope ---------------------------------------------------------------------------

async fn scope_agrees_with_core(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let now = at(3, 9);
    let in_grid = intake(store, &NewAppeal::at(&w.grid1), &w.station, at(2, 9)).await;
    let in_c2 = intake(store, &NewAppeal::at(&w.c2), &w.street, at(2, 9)).await;
    let in_c3 = intake(store, &NewAppeal::at(&w.c3), &w.station2, at(2, 9)).await;
    let referred = intake(store, &NewAppeal::at(&w.c1), &w.station, at(2, 9)).await;
    ok(
        store,
        &w.station,
        referred.id,
        Command::Accept { note: None },
        at(2, 10),
    )
    .await;
    ok(
        store,
        &w.station,
        referred.id,
        Command::Refer {
            department_id: w.dept.id,
            note: note("转房管所"),
        },
        at(2, 10),
    )
    .await;
    let assigned = intake(store, &NewAppeal::at(&w.c1), &w.station, at(2, 9)).await;
    ok(
        store,
        &w.station,
        assigned.id,
        Command::Accept { note: None },
        at(2, 10),
    )
    .await;
    ok(
        store,
        &w.station,
        assigned.id,
        Command::Assign {
            user_id: Some(w.volunteer.user_id),
            team_id: None,
            note: None,
        },
        at(2, 10),
    )
    .await;
    let ids = [in_grid.id, in_c2.id, in_c3.id, referred.id, assigned.id];

    // A station sees its subtree (the grid too); a sibling's appeal is NotFound, for reads
    // and for actions alike.
    assert!(store.appeal(&w.station, in_grid.id).await.is_ok());
    assert!(matches!(
        store.appeal(&w.station, in_c3.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.appeal(&w.station, 999_999).await,
        Err(StoreError::NotFound)
    ));
    let e = act(
        store,
        &w.station,
        in_c3.id,
        Command::Accept { note: None },
        now,
    )
    .await;
    assert!(matches!(e, Err(StoreError::NotFound)), "{e:?}");
    assert_eq!(store.events(in_c3.id).await.unwrap().len(), 1);

    // For every actor and appeal, the SQL scope of lists equals core's `relation().visible`.
    for actor in w.actors() {
        let listed: BTreeSet<Id> = store
            .list_appeals(actor, &AppealFilter::default(), now)
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|r| r.appeal.id)
            .collect();
        for id in ids {
            let rec = store.appeal(&w.admin, id).await.unwrap();
            let visible = relation(actor, &rec.place, holders(&rec.appeal)).visible;
            assert_eq!(
                listed.contains(&id),
                visible,
                "{:?} and appeal {id}",
                actor.role
            );
            assert_eq!(
                store.appeal(actor, id).await.is_ok(),
                visible,
                "{:?} reading appeal {id}",
                actor.role
            );
        }
    }
    let ids_of = |p: suqiu_store::Page<AppealRecord>| {
        p.items
            .into_iter()
            .map(|r| r.appeal.id)
            .collect::<BTreeSet<_>>()
    };
    let f = AppealFilter::default();
    assert_eq!(
        ids_of(store.list_appeals(&w.liaison, &f, now).await.unwrap()),
        BTreeSet::from([referred.id])
    );
    assert_eq!(
        ids_of(store.list_appeals(&w.volunteer, &f, now).await.unwrap()),
        BTreeSet::from([assigned.id])
    );
    assert_eq!(
        ids_of(store.list_appeals(&w.auditor, &f, now).await.unwrap()),
        BTreeSet::from([in_grid.id, in_c2.id, referred.id, assigned.id])
    );
    assert_eq!(
        ids_of(store.list_appeals(&w.station2, &f, now).await.unwrap()),
        BTreeSet::from([in_c3.id])
    );
    // A node filter never widens the scope.
    let wide = AppealFilter {
        org_unit_id: Some(w.district.id),
        ..Default::default()
    };
    assert_eq!(
        ids_of(store.list_appeals(&w.station2, &wide, now).await.unwrap()),
        BTreeSet::from([in_c3.id])
    );
}

// ---- lists ---------------------------------------------------------------------------

async fn list_filters(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let s = &w.station;
    let mut pipe = NewAppeal::at(&w.grid1);
    pipe.title = Some("小区3号楼水管破裂".into());
    pipe.content = "地下室进水了".into();
    pipe.location = None;
    let pipe = intake(store, &pipe, s, at(2, 9)).await; // stays registered: respond_by passes
    let mut noise = NewAppeal::at(&w.c1);
    noise.kind = Kind::Complaint;
    noise.category = "violations.noise".into();
    noise.title = Some("夜间装修噪声".into());
    noise.content = "楼上每天晚上十点以后还在装修".into();
    let noise = intake(store, &noise, s, at(3, 9)).await;
    ok(
        store,
        s,
        noise.id,
        Command::Accept { note: None },
        at(3, 10),
    )
    .await;
    let mut urgent = NewAppeal::at(&w.c2);
    urgent.urgency = Urgency::Urgent;
    urgent.category = "public_facilities".into();
    urgent.title = Some("停电".into());
    urgent.content = "停电了，老人在家".into();
    let urgent = intake(store, &urgent, &w.street, at(4, 9)).await;
    ok(
        store,
        &w.street,
        urgent.id,
        Command::Accept { note: None },
        at(4, 9),
    )
    .await;
    ok(
        store,
        &w.street,
        urgent.id,
        Command::Assign {
            user_id: Some(w.volunteer.user_id),
            team_id: None,
            note: None,
        },
        at(4, 9),
    )
    .await;
    let refer = intake(store, &NewAppeal::at(&w.c1), s, at(5, 9)).await;
    ok(store, s, refer.id, Command::Accept { note: None }, at(5, 9)).await;
    ok(
        store,
        s,
        refer.id,
        Command::Refer {
            department_id: w.dept.id,
            note: note("转办"),
        },
        at(5, 9),
    )
    .await;
    let done = intake(store, &NewAppeal::at(&w.c1), s, at(5, 10)).await;
    ok(store, s, done.id, Command::Accept { note: None }, at(5, 10)).await;
    ok(
        store,
        s,
        done.id,
        Command::Resolve {
            resolution: Resolution::Explained,
            note: note("已解释"),
        },
        at(5, 11),
    )
    .await;

    let now = at(6, 12);
    let street = &w.street;
    let ids = |f: AppealFilter| async move {
        store
            .list_appeals(street, &f, now)
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|r| r.appeal.id)
            .collect::<Vec<_>>()
    };
    // Newest first.
    assert_eq!(
        ids(AppealFilter::default()).await,
        vec![done.id, refer.id, urgent.id, noise.id, pipe.id]
    );
    assert_eq!(
        ids(AppealFilter {
            status: Some(Status::Registered),
            ..Default::default()
        })
        .await,
        vec![pipe.id]
    );
    assert_eq!(
        ids(AppealFilter {
            status: Some(Status::InProgress),
            ..Default::default()
        })
        .await,
        vec![refer.id, urgent.id]
    );
    // Overdue: the never-answered pipe (respond_by 03-03) and the urgent one (24 h).
    let overdue = ids(AppealFilter {
        overdue: Some(true),
        ..Default::default()
    })
    .await;
    assert_eq!(overdue, vec![urgent.id, pipe.id]);
    for id in &overdue {
        assert!(store
            .appeal(&w.admin, *id)
            .await
            .unwrap()
            .appeal
            .is_overdue(now));
    }
    assert_eq!(
        ids(AppealFilter {
            overdue: Some(false),
            ..Default::default()
        })
        .await,
        vec![done.id, refer.id, noise.id]
    );
    assert_eq!(
        ids(AppealFilter {
            org_unit_id: Some(w.grid1.id),
            ..Default::default()
        })
        .await,
        vec![pipe.id]
    );
    assert_eq!(
        ids(AppealFilter {
            org_unit_id: Some(w.c1.id),
            ..Default::default()
        })
        .await
        .len(),
        4
    );
    assert!(ids(AppealFilter {
        org_unit_id: Some(999_999),
        ..Default::default()
    })
    .await
    .is_empty());
    // A first-level category matches its second level; a second-level one only itself.
    assert_eq!(
        ids(AppealFilter {
            category: Some("public_facilities".into()),
            ..Default::default()
        })
        .await,
        vec![done.id, refer.id, urgent.id, pipe.id]
    );
    assert_eq!(
        ids(AppealFilter {
            category: Some("violations.noise".into()),
            ..Default::default()
        })
        .await,
        vec![noise.id]
    );
    assert_eq!(
        ids(AppealFilter {
            kind: Some(Kind::Complaint),
            ..Default::default()
        })
        .await,
        vec![noise.id]
    );
    assert_eq!(
        ids(AppealFilter {
            urgency: Some(Urgency::Urgent),
            ..Default::default()
        })
        .await,
        vec![urgent.id]
    );
    assert_eq!(
        ids(AppealFilter {
            assignee_user_id: Some(w.volunteer.user_id),
            ..Default::default()
        })
        .await,
        vec![urgent.id]
    );
    assert_eq!(
        ids(AppealFilter {
            department_id: Some(w.dept.id),
            ..Default::default()
        })
        .await,
        vec![refer.id]
    );
    // Full text, Chinese-aware: 水管 finds 小区3号楼水管破裂.
    assert_eq!(
        ids(AppealFilter {
            q: Some("水管".into()),
            ..Default::default()
        })
        .await[..],
        [done.id, refer.id, pipe.id][..]
    );
    assert_eq!(
        ids(AppealFilter {
            q: Some("水管破裂".into()),
            ..Default::default()
        })
        .await,
        vec![pipe.id]
    );
    assert_eq!(
        ids(AppealFilter {
            q: Some("装修".into()),
            ..Default::default()
        })
        .await,
        vec![noise.id]
    );
    assert!(ids(AppealFilter {
        q: Some("电梯".into()),
        ..Default::default()
    })
    .await
    .is_empty());
    assert!(ids(AppealFilter {
        q: Some("！？".into()),
        ..Default::default()
    })
    .await
    .is_empty());
    // Search within other scopes: a liaison's referrals, a volunteer's tasks, a grid.
    let search = |actor: &Actor, q: &str| {
        let (actor, q) = (actor.clone(), q.to_string());
        async move {
            let f = AppealFilter {
                q: Some(q),
                ..Default::default()
            };
            let page = store.list_appeals(&actor, &f, now).await.unwrap();
            page.items
                .into_iter()
                .map(|r| r.appeal.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search(&w.liaison, "水管").await, vec![refer.id]);
    assert!(search(&w.liaison, "停电").await.is_empty());
    assert_eq!(search(&w.volunteer, "停电").await, vec![urgent.id]);
    assert!(search(&w.volunteer, "水管").await.is_empty());
    assert_eq!(
        search(&w.station, "水管").await,
        vec![done.id, refer.id, pipe.id]
    );
    assert!(search(&w.station2, "水管").await.is_empty());
    let f = AppealFilter {
        q: Some("水管".into()),
        org_unit_id: Some(w.grid1.id),
        ..Default::default()
    };
    assert_eq!(ids(f).await, vec![pipe.id]);
    // Received from (inclusive) / to (exclusive).
    assert_eq!(
        ids(AppealFilter {
            from: Some(at(4, 9)),
            to: Some(at(5, 9)),
            ..Default::default()
        })
        .await,
        vec![urgent.id]
    );
    assert_eq!(
        ids(AppealFilter {
            from: Some(at(5, 9)),
            ..Default::default()
        })
        .await,
        vec![done.id, refer.id]
    );
    // Combined.
    let f = AppealFilter {
        q: Some("水管".into()),
        status: Some(Status::Registered),
        org_unit_id: Some(w.c1.id),
        ..Default::default()
    };
    assert_eq!(ids(f).await, vec![pipe.id]);
    // Paging: totals are the whole match, pages slice it.
    let page = |page: i64| AppealFilter {
        page,
        per_page: 2,
        ..Default::default()
    };
    let p1 = store.list_appeals(&w.street, &page(1), now).await.unwrap();
    let p3 = store.list_appeals(&w.street, &page(3), now).await.unwrap();
    let p4 = store.list_appeals(&w.street, &page(4), now).await.unwrap();
    assert_eq!(
        (p1.total, p1.items.len(), p1.page, p1.per_page),
        (5, 2, 1, 2)
    );
    assert_eq!((p3.total, p3.items.len()), (5, 1));
    assert_eq!(p3.items[0].appeal.id, pipe.id);
    assert_eq!((p4.total, p4.items.len()), (5, 0));
    let scoped = store
        .list_appeals(
            &w.station,
            &AppealFilter {
                per_page: 1,
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        (scoped.total, scoped.items.len()),
        (4, 1),
        "the station does not see 通波居民区"
    );
}

// ---- measures ------------------------------------------------------------------------

/// The reference: core's fold over the appeals of the subtree received in the period.
fn reference(
    all: &[Appeal],
    paths: &BTreeMap<Id, String>,
    root: &str,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Counts {
    let facts: Vec<AppealFacts> = all
        .iter()
        .filter(|a| in_subtree(root, &paths[&a.org_unit_id]))
        .filter(|a| (from..=to).contains(&shanghai_date(a.created_at)))
        .map(AppealFacts::from)
        .collect();
    Counts::from_facts(&facts, now)
}

async fn check_counts(
    store: &Store,
    admin: &Actor,
    now: DateTime<Utc>,
    from: NaiveDate,
    to: NaiveDate,
) {
    let mut all = Vec::new();
    for page in 1.. {
        let p = store
            .list_appeals(
                admin,
                &AppealFilter {
                    page,
                    per_page: 500,
                    ..Default::default()
                },
                now,
            )
            .await
            .unwrap();
        if p.items.is_empty() {
            break;
        }
        all.extend(p.items.into_iter().map(|r| r.appeal));
    }
    let units = store.org_units().await.unwrap();
    let paths: BTreeMap<Id, String> = units.iter().map(|u| (u.id, u.path.clone())).collect();
    // Every level at once (the scoreboard's read) agrees with the reference too.
    for kind in [OrgKind::Street, OrgKind::Community, OrgKind::Grid] {
        let level: Vec<OrgUnit> = units.iter().filter(|u| u.kind == kind).cloned().collect();
        let got = store.counts_of(&level, from, to, now).await.unwrap();
        assert_eq!(got.len(), level.len());
        for unit in &level {
            assert_eq!(
                got[&unit.id],
                reference(&all, &paths, &unit.path, from, to, now),
                "level {kind:?}: {} {from}..{to} at {now}",
                unit.name
            );
        }
    }
    for unit in &units {
        let got = store.counts(unit.id, from, to, now).await.unwrap();
        assert_eq!(
            got.total,
            reference(&all, &paths, &unit.path, from, to, now),
            "{} {from}..{to} at {now}",
            unit.name
        );
        // The volume chart's monthly read: each month as counted from the appeals.
        let mut by_month: BTreeMap<String, i64> = BTreeMap::new();
        for a in &all {
            let day = shanghai_date(a.created_at);
            if (from..=to).contains(&day) && in_subtree(&unit.path, &paths[&a.org_unit_id]) {
                *by_month.entry(day.format("%Y-%m").to_string()).or_default() += 1;
            }
        }
        assert_eq!(
            store.received_by_month(unit.id, from, to).await.unwrap(),
            by_month.into_iter().collect::<Vec<_>>(),
            "{} by month {from}..{to}",
            unit.name
        );
        let children: Vec<&OrgUnit> = units
            .iter()
            .filter(|u| u.parent_id == Some(unit.id))
            .collect();
        assert_eq!(got.children.len(), children.len());
        for (child, counts) in &got.children {
            assert_eq!(
                *counts,
                reference(&all, &paths, &child.path, from, to, now),
                "child {}",
                child.name
            );
        }
    }
    let problems = store.verify_rollups().await.unwrap();
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Picks a command that is plausible for the appeal's state (it may still be refused).
fn random_command(rng: &mut impl Rng, rec: &AppealRecord, merge_into: Id, w: &World) -> Command {
    match rec.appeal.status {
        Status::Registered => match rng.gen_range(0..10) {
            0 => Command::Reject {
                reason: note("不予受理"),
            },
            1 => Command::Merge {
                into_appeal_id: merge_into,
            },
            _ => Command::Accept { note: None },
        },
        Status::Accepted | Status::InProgress => match rng.gen_range(0..13) {
            0 => Command::Assign {
                user_id: Some(w.volunteer.user_id),
                team_id: None,
                note: None,
            },
            1 => Command::Refer {
                department_id: w.dept.id,
                note: note("转办"),
            },
            2 => Command::Escalate {
                note: note("上报")
            },
            3 => Command::Extend {
                days: 3,
                reason: note("需要更多时间"),
            },
            4 => Command::ExtendApprove {
                approve: rng.gen_bool(0.7),
                reason: Some(note("意见")),
            },
            5 => Command::Progress {
                note: note("进展")
            },
            6 => Command::Return {
                note: note("退回")
            },
            // The clock stops and runs again: suspended appeals must count as neither due nor
            // overdue in the store's live measures, as in core's reference.
            7 => Command::Suspend {
                reason: note("等待诉求人补充材料"),
            },
            8 => Command::Resume { note: None },
            _ => Command::Resolve {
                resolution: Resolution::Solved,
                note: note("办结"),
            },
        },
        Status::Resolved => match rng.gen_range(0..4) {
            0 => Command::Feedback {
                channel: FeedbackChannel::Phone,
                note: note("反馈"),
            },
            _ => {
                let sat = Satisfaction::ALL[rng.gen_range(0..Satisfaction::ALL.len())];
                let reopen = sat == Satisfaction::Dissatisfied && rng.gen_bool(0.5);
                Command::FollowUp {
                    satisfaction: sat,
                    solved: Some(rng.gen_bool(0.7)),
                    note: None,
                    reopen,
                }
            }
        },
        Status::Closed => Command::Reopen {
            note: note("重办")
        },
        Status::Rejected | Status::Merged => Command::Progress { note: note("x") },
    }
}

/// Who would take `command` on the appeal: the handling unit's staff, its superior for
/// approvals, the liaison or volunteer it was handed to.
fn actor_for(rng: &mut impl Rng, rec: &AppealRecord, command: &Command, w: &World) -> Actor {
    let handling = rec.appeal.handling_org_unit_id;
    let handler = if handling == w.district.id {
        &w.admin
    } else if handling == w.street1.id {
        &w.street
    } else if handling == w.c3.id {
        &w.station2
    } else {
        &w.station
    };
    let superior = if handling == w.street1.id || handling == w.street2.id {
        &w.admin
    } else {
        &w.street
    };
    let handed_to = match rec.appeal.handoffs.last() {
        Some(suqiu_core::appeal::Handoff::Refer { .. })
            if rec.appeal.department_id == Some(w.dept.id) =>
        {
            &w.liaison
        }
        Some(suqiu_core::appeal::Handoff::Assign { .. })
            if rec.appeal.assignee_user_id == Some(w.volunteer.user_id) =>
        {
            &w.volunteer
        }
        _ => handler,
    };
    match command {
        Command::ExtendApprove { .. } | Command::Supervise { .. } => superior.clone(),
        Command::Return { .. } | Command::Resolve { .. } | Command::Progress { .. }
            if rng.gen_bool(0.5) =>
        {
            handed_to.clone()
        }
        _ => handler.clone(),
    }
}

async fn rollups_match_the_reference(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(20_260_301);
    let units = [&w.c1, &w.grid1, &w.c2, &w.street1];
    let mut ids = Vec::new();
    for i in 0..48u32 {
        let mut n = NewAppeal::at(units[i as usize % units.len()]);
        n.kind = Kind::ALL[i as usize % Kind::ALL.len()];
        n.urgency = if i % 7 == 0 {
            Urgency::Urgent
        } else {
            Urgency::Normal
        };
        // Each unit's own staff takes it in (a station only sees its own subtree).
        let unit = units[i as usize % units.len()];
        let actor = if unit.id == w.c2.id || unit.id == w.street1.id {
            &w.street
        } else {
            &w.station
        };
        let created = at(2 + i % 9, 8 + i % 10) + Duration::minutes(i64::from(i) * 7);
        ids.push((intake(store, &n, actor, created).await.id, created));
    }
    // Station 2's appeals too (another street).
    for i in 0..6u32 {
        let created = at(3 + i, 10);
        ids.push((
            intake(store, &NewAppeal::at(&w.c3), &w.station2, created)
                .await
                .id,
            created,
        ));
    }
    // Merged before any answer: never responded, so it stays "live" for the response measure.
    ok(
        store,
        &w.station,
        ids[4].0,
        Command::Merge {
            into_appeal_id: ids[0].0,
        },
        ids[4].1 + Duration::hours(1),
    )
    .await;
    // A random walk of actions, each at a time after the appeal's last one.
    let mut clock: BTreeMap<Id, DateTime<Utc>> = ids.iter().copied().collect();
    let mut applied = 0;
    for step in 0..400 {
        let (id, _) = ids[rng.gen_range(0..ids.len() - 6)];
        let rec = store.appeal(&w.admin, id).await.unwrap();
        let merge_into = ids[rng.gen_range(0..ids.len() - 6)].0;
        let command = random_command(&mut rng, &rec, merge_into, &w);
        let actor = actor_for(&mut rng, &rec, &command, &w);
        let when = clock[&id] + Duration::minutes(rng.gen_range(10..3 * 24 * 60));
        clock.insert(id, when);
        match act(store, &actor, id, command, when).await {
            Ok(Ok(_)) => applied += 1,
            Ok(Err(_)) | Err(StoreError::Invalid(_)) => {}
            Err(e) => panic!("step {step}: {e}"),
        }
    }
    assert!(
        applied >= 150,
        "the walk should mostly move appeals on, applied {applied}"
    );
    // The walk reached every kind of state the measures distinguish.
    let mut seen = BTreeSet::new();
    let mut reopened = 0;
    let mut suspended = 0;
    for (id, _) in &ids {
        let a = store.appeal(&w.admin, *id).await.unwrap().appeal;
        seen.insert(a.status);
        reopened += usize::from(a.reopen_count > 0);
        suspended += usize::from(a.suspended_at.is_some());
    }
    eprintln!("applied {applied}, statuses {seen:?}, reopened {reopened}, suspended {suspended}");
    assert!(
        seen.len() >= 6 && reopened > 0 && suspended > 0,
        "statuses {seen:?}, reopened {reopened}, suspended {suspended}"
    );
    let period = |a: u32, b: u32| (at(a, 12).date_naive(), at(b, 12).date_naive());
    for now in [at(6, 12), at(12, 9), at(31, 23)] {
        for (from, to) in [period(1, 31), period(3, 5), period(4, 4)] {
            check_counts(store, &w.admin, now, from, to).await;
        }
    }
    // Counts for an unknown node are NotFound; an empty period is zero.
    assert!(matches!(
        store
            .counts(999_999, period(1, 2).0, period(1, 2).1, at(6, 12))
            .await,
        Err(StoreError::NotFound)
    ));
    let empty = store
        .counts(w.district.id, period(5, 5).1, period(4, 4).0, at(6, 12))
        .await
        .unwrap();
    assert_eq!(empty.total, Counts::default());
}

/// Builds an appeal with a realistic timeline in memory (core's register, decide, apply).
fn synthetic(rng: &mut impl Rng, w: &World, i: usize) -> (Appeal, Vec<Event>) {
    let units = [&w.c1, &w.grid1, &w.c2, &w.c3];
    let unit = units[i % units.len()];
    let actor = if unit.id == w.c3.id {
        &w.station2
    } else if unit.id == w.c2.id {
        &w.street
    } else {
        &w.station
    };
    let mut n = NewAppeal::at(unit);
    n.kind = Kind::ALL[rng.gen_range(0..Kind::ALL.len())];
    n.title = None;
    n.content = format!(
        "第{i}号诉求：{}",
        if matches!(i % 3, 0) {
            "小区水管破裂"
        } else {
            "路灯不亮"
        }
    );
    let created = at(1 + (i % 20) as u32, 8) + Duration::minutes(rng.gen_range(0..600));
    let (mut appeal, event) = registered(&n, actor, created);
    let mut events = vec![event];
    let mut now = created;
    let steps = rng.gen_range(0..8);
    for _ in 0..steps {
        now += Duration::minutes(rng.gen_range(30..5 * 24 * 60));
        let rec = AppealRecord {
            appeal: appeal.clone(),
            place: suqiu_core::access::Placement {
                org_path: unit.path.clone(),
                handling_path: actor_path(w, actor),
                handling_parent: None,
            },
            org_unit_name: String::new(),
            handling_org_unit_name: String::new(),
            appellant_name: None,
            appellant_phone: None,
            appellant_person_id: None,
            assignee_name: None,
            team_name: None,
            department_name: None,
        };
        let command = random_command(rng, &rec, 0, w);
        if matches!(
            command,
            Command::Merge { .. } | Command::Escalate { .. } | Command::ExtendApprove { .. }
        ) {
            continue;
        }
        let ctx = Context {
            now,
            actor,
            place: &rec.place,
            calendar: calendar(),
            policy: policy(),
        };
        if let Ok(new) = decide(&appeal, &command, &ctx) {
            for e in &new {
                apply(&mut appeal, e);
            }
            events.extend(new);
        }
    }
    (appeal, events)
}

fn actor_path(w: &World, actor: &Actor) -> String {
    if actor.user_id == w.station2.user_id {
        w.c3.path.clone()
    } else if actor.user_id == w.street.user_id {
        w.street1.path.clone()
    } else {
        w.c1.path.clone()
    }
}

async fn bulk_insert_keeps_rollups_and_search(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    // More than one bulk transaction's worth is not needed to check the rows; a few hundred
    // with whole timelines, plus a normal intake beside them.
    let batch: Vec<(Appeal, Vec<Event>)> = (0..600).map(|i| synthetic(&mut rng, &w, i)).collect();
    store.insert_appeals_bulk(&batch).await.unwrap();
    intake(store, &NewAppeal::at(&w.c1), &w.station, at(9, 9)).await;
    let page = store
        .list_appeals(&w.admin, &AppealFilter::default(), at(30, 9))
        .await
        .unwrap();
    assert_eq!(page.total, 601);
    // Stored state and timelines are what was given.
    for (given, events) in batch.iter().take(50) {
        let id = store
            .appeal_id_by_tracking_code(&given.tracking_code)
            .await
            .unwrap()
            .unwrap();
        let rec = store.appeal(&w.admin, id).await.unwrap();
        assert_eq!(
            rec.appeal,
            Appeal {
                id,
                ..given.clone()
            }
        );
        let stored = store.events(id).await.unwrap();
        assert_eq!(
            stored.iter().map(|e| e.body.clone()).collect::<Vec<_>>(),
            events.iter().map(|e| e.body.clone()).collect::<Vec<_>>()
        );
    }
    let pipes = store
        .list_appeals(
            &w.admin,
            &AppealFilter {
                q: Some("水管".into()),
                ..Default::default()
            },
            at(30, 9),
        )
        .await
        .unwrap();
    assert_eq!(pipes.total, 200 + 1);
    for now in [at(10, 12), at(31, 12)] {
        check_counts(
            store,
            &w.admin,
            now,
            at(1, 12).date_naive(),
            at(31, 12).date_naive(),
        )
        .await;
        check_counts(
            store,
            &w.admin,
            now,
            at(5, 12).date_naive(),
            at(9, 12).date_naive(),
        )
        .await;
    }
    // A bad reference is Invalid and the batch leaves nothing.
    let (mut bad, events) = synthetic(&mut rng, &w, 1);
    bad.category = "nope".into();
    let e = store
        .insert_appeals_bulk(&[(bad, events)])
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref e) if e.field == "category"),
        "{e:?}"
    );
    assert_eq!(
        store.integrity_check().await.unwrap(),
        vec!["ok".to_string()]
    );
}

// ---- the web application's queries ------------------------------------------------------

/// The worklist counts, the list's sort and worklist filters, earlier similar appeals,
/// category counts, notices and the configuration record: what the web pages read.
async fn worklist_and_web_queries(db: Db) {
    use suqiu_store::appeals::AppealSort;
    use suqiu_store::changes::ConfigChange;
    use suqiu_store::queue::QueueCounts;
    use suqiu_store::similar::SimilarQuery;

    let store = &db.store;
    let w = world(store).await;
    let s = &w.station;
    // a1 stays registered; a2 accepted; a3 (a registered person, health) resolved without
    // feedback; a4 resolved with feedback; a5 assigned to the volunteer.
    let a1 = intake(store, &NewAppeal::at(&w.c1), s, at(2, 9)).await;
    let a2 = intake(store, &NewAppeal::at(&w.c1), s, at(2, 10)).await;
    ok(store, s, a2.id, Command::Accept { note: None }, at(2, 10)).await;
    let mut health = NewAppeal::at(&w.c1);
    health.category = "health.family_doctor".into();
    health.appellant = Appellant::Person {
        person_id: w.person1.id,
    };
    let a3 = intake(store, &health, s, at(2, 11)).await;
    let a4 = intake(store, &NewAppeal::at(&w.c1), s, at(2, 12)).await;
    for a in [&a3, &a4] {
        ok(store, s, a.id, Command::Accept { note: None }, at(2, 12)).await;
        let resolve = Command::Resolve {
            resolution: Resolution::Solved,
            note: note("已解决"),
        };
        ok(store, s, a.id, resolve, at(2, 12)).await;
    }
    let feedback = Command::Feedback {
        channel: FeedbackChannel::Phone,
        note: note("已告知"),
    };
    ok(store, s, a4.id, feedback, at(2, 12)).await;
    let a5 = intake(store, &NewAppeal::at(&w.c1), s, at(2, 13)).await;
    ok(store, s, a5.id, Command::Accept { note: None }, at(2, 13)).await;
    let assign = Command::Assign {
        user_id: Some(w.volunteer.user_id),
        team_id: None,
        note: None,
    };
    ok(store, s, a5.id, assign, at(2, 13)).await;
    // a6 waits to be sorted; a7 is marked as spam: it waits for nobody.
    let mut unsorted = NewAppeal::at(&w.c1);
    unsorted.category = suqiu_core::category::UNSORTED.into();
    let a6 = intake(store, &unsorted, s, at(2, 13)).await;
    let a7 = intake(store, &NewAppeal::at(&w.c1), s, at(2, 9)).await;
    let spam = Command::MarkSpam {
        reason: note("广告"),
    };
    ok(store, s, a7.id, spam, at(2, 13)).await;

    // Queue: a1's respond limit (03-03 09:00) falls inside "a working day from now".
    let q = store.queue_counts(s, at(2, 14), at(3, 10)).await.unwrap();
    assert_eq!(
        q,
        QueueCounts {
            registered: 2,
            accepted: 1,
            in_progress: 1,
            due_soon: 1,
            overdue: 0,
            awaiting_feedback: 1,
            awaiting_follow_up: 1,
            unsorted: 1,
            spam: 1,
        }
    );
    let later = store.queue_counts(s, at(3, 10), at(4, 10)).await.unwrap();
    // a1 past its limit; a6's (03-03 13:00) within the day; the spam appeal in neither.
    assert_eq!((later.overdue, later.due_soon), (1, 1));
    let v = store
        .queue_counts(&w.volunteer, at(2, 14), at(3, 10))
        .await
        .unwrap();
    assert_eq!((v.registered, v.in_progress, v.due_soon), (0, 1, 0));
    let none = store
        .queue_counts(&w.station2, at(2, 14), at(3, 10))
        .await
        .unwrap();
    assert_eq!(none, QueueCounts::default());

    // The list's worklist filters agree with the counts, and sorting orders the page.
    let ids = |page: suqiu_store::Page<AppealRecord>| {
        page.items.iter().map(|r| r.appeal.id).collect::<Vec<_>>()
    };
    let list = |f: AppealFilter| async move { store.list_appeals(s, &f, at(2, 14)).await.unwrap() };
    let due_soon = list(AppealFilter {
        overdue: Some(false),
        due_before: Some(at(3, 10)),
        ..Default::default()
    })
    .await;
    assert_eq!(ids(due_soon), [a1.id]);
    let awaiting = |given| AppealFilter {
        status: Some(Status::Resolved),
        feedback_given: Some(given),
        ..Default::default()
    };
    assert_eq!(ids(list(awaiting(false)).await), [a3.id]);
    assert_eq!(ids(list(awaiting(true)).await), [a4.id]);
    let by_person = list(AppealFilter {
        appellant_person_id: Some(w.person1.id),
        ..Default::default()
    })
    .await;
    assert_eq!(ids(by_person), [a3.id]);
    let sorted = |sort| AppealFilter {
        sort,
        ..Default::default()
    };
    // The spam appeal is in no list but its own.
    assert_eq!(
        ids(list(sorted(AppealSort::Newest)).await),
        [a6.id, a5.id, a4.id, a3.id, a2.id, a1.id]
    );
    assert_eq!(
        ids(list(sorted(AppealSort::Oldest)).await),
        [a1.id, a2.id, a3.id, a4.id, a5.id, a6.id]
    );
    let by_deadline = ids(list(sorted(AppealSort::Deadline)).await);
    assert_eq!(
        by_deadline[..4],
        [a1.id, a6.id, a2.id, a5.id],
        "open, nearest first"
    );
    assert_eq!(
        by_deadline[4..],
        [a3.id, a4.id],
        "then those without a deadline"
    );
    let spam_only = list(AppealFilter {
        spam: Some(true),
        ..Default::default()
    })
    .await;
    assert_eq!(ids(spam_only), [a7.id]);
    assert!(store.verify_rollups().await.unwrap().is_empty());

    // Earlier appeals about the same matter: by phone (same person), by place alone, never
    // across first-level categories or out of scope.
    let since = at(1, 0);
    let similar = |q: SimilarQuery| async move { store.similar_recent(s, &q).await.unwrap() };
    let by_phone = similar(SimilarQuery {
        phone: Some("13700000000".into()),
        category: "public_facilities.lifts".into(),
        since,
        ..Default::default()
    })
    .await;
    assert_eq!(
        by_phone.iter().map(|a| a.id).collect::<Vec<_>>(),
        [a5.id, a4.id, a2.id, a1.id]
    );
    assert!(by_phone.iter().all(|a| a.same_person));
    let by_place = similar(SimilarQuery {
        location: Some(" 3号楼 ".into()),
        category: "public_facilities".into(),
        since,
        ..Default::default()
    })
    .await;
    assert_eq!(by_place.len(), 4);
    assert!(by_place.iter().all(|a| !a.same_person));
    let by_person = similar(SimilarQuery {
        person_id: Some(w.person1.id),
        category: "health".into(),
        since,
        ..Default::default()
    })
    .await;
    assert_eq!(by_person.iter().map(|a| a.id).collect::<Vec<_>>(), [a3.id]);
    let too_old = similar(SimilarQuery {
        phone: Some("13700000000".into()),
        category: "public_facilities".into(),
        since: at(2, 12),
        ..Default::default()
    })
    .await;
    assert_eq!(
        too_old.iter().map(|a| a.id).collect::<Vec<_>>(),
        [a5.id, a4.id]
    );
    let nothing_known = similar(SimilarQuery {
        category: "public_facilities".into(),
        since,
        ..Default::default()
    })
    .await;
    assert!(nothing_known.is_empty());
    let other_station = store
        .similar_recent(
            &w.station2,
            &SimilarQuery {
                phone: Some("13700000000".into()),
                category: "public_facilities".into(),
                since,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(other_station.is_empty());

    // Received by category, kind and channel, from the roll-up: a community, its street and
    // district (the rows hold subtrees), a day range, an empty subtree, an unknown node.
    let march = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    for node in [&w.c1, &w.street1, &w.district] {
        let counts = store
            .received_by(node.id, Dimension::Category, march(1), march(31))
            .await
            .unwrap();
        assert_eq!(
            counts,
            // The spam appeal in none; the unsorted one in its own.
            [
                ("public_facilities.water_pipes".to_string(), 4),
                ("health.family_doctor".to_string(), 1),
                ("unsorted".to_string(), 1)
            ],
            "{}",
            node.name
        );
    }
    let kinds = store
        .received_by(w.street1.id, Dimension::Kind, march(2), march(2))
        .await
        .unwrap();
    assert_eq!(kinds, [("help".to_string(), 6)]);
    let channels = store
        .received_by(w.c1.id, Dimension::Channel, march(1), march(31))
        .await
        .unwrap();
    assert_eq!(channels.iter().map(|c| c.1).sum::<i64>(), 6);
    assert!(store
        .received_by(w.c1.id, Dimension::Category, march(3), march(31))
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .received_by(w.c3.id, Dimension::Category, march(1), march(31))
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        store
            .received_by(999_999, Dimension::Category, march(1), march(31))
            .await,
        Err(StoreError::NotFound)
    ));

    // The dashboard's notices: the street's supervision note reaches the station's staff,
    // not its writer; only the kinds asked for, since the time asked for.
    let supervise = Command::Supervise {
        note: note("请尽快答复"),
    };
    ok(store, &w.street, a2.id, supervise, at(2, 15)).await;
    const KINDS: &[NoticeKind] = &[NoticeKind::Supervised, NoticeKind::Returned];
    let recent = |user: Id, kinds: &'static [NoticeKind], since| async move {
        store
            .recent_notifications(user, kinds, since, 10)
            .await
            .unwrap()
    };
    let notices = recent(s.user_id, KINDS, at(1, 0)).await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].appeal_id, Some(a2.id));
    assert_eq!(notices[0].kind, NoticeKind::Supervised);
    assert!(notices[0].body.contains("请尽快答复"));
    assert!(recent(w.street.user_id, KINDS, at(1, 0)).await.is_empty());
    assert!(recent(s.user_id, KINDS, at(3, 0)).await.is_empty(), "since");
    assert!(
        recent(s.user_id, &[NoticeKind::Returned], at(1, 0))
            .await
            .is_empty(),
        "kinds"
    );

    // The record of configuration changes, newest first.
    assert!(store.config_changes().await.unwrap().is_empty());
    for (i, subject) in ["time_limits", "calendar"].into_iter().enumerate() {
        store
            .record_config_change(ConfigChange {
                at: at(2 + i as u32, 9),
                user_id: w.admin.user_id,
                user_name: "区管理员".into(),
                subject: subject.into(),
                kind: None,
                params: Default::default(),
                detail: "改为…".into(),
            })
            .await
            .unwrap();
    }
    let changes = store.config_changes().await.unwrap();
    assert_eq!(
        changes
            .iter()
            .map(|c| c.subject.as_str())
            .collect::<Vec<_>>(),
        ["calendar", "time_limits"]
    );
}

/// Lists page newest registration first (id order) across the nodes of a subtree, and count
/// exactly up to the cap, then say the total is a lower bound; pages past the cap still work.
async fn long_lists_page_newest_first_with_capped_totals(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    // Enough that the station's share of one word passes the cap.
    let n = 7 * COUNT_CAP as usize + 60;
    let batch: Vec<(Appeal, Vec<Event>)> = (0..n).map(|i| synthetic(&mut rng, &w, i)).collect();
    for chunk in batch.chunks(2_000) {
        store.insert_appeals_bulk(chunk).await.unwrap();
    }
    let now = at(30, 9);
    let list = |actor: Actor, filter: AppealFilter| async move {
        store.list_appeals(&actor, &filter, now).await.unwrap()
    };
    // What a list reports for `expected` matching rows.
    let capped = |expected: usize| {
        (
            expected.min(COUNT_CAP as usize) as i64,
            expected <= COUNT_CAP as usize,
        )
    };
    let codes = |page: &suqiu_store::Page<AppealRecord>| -> Vec<String> {
        page.items
            .iter()
            .map(|r| r.appeal.tracking_code.clone())
            .collect()
    };
    // Bulk rows get ids in the order given: the newest are the last given.
    let newest = |keep: &dyn Fn(usize, &Appeal) -> bool, skip: usize, take: usize| -> Vec<String> {
        batch
            .iter()
            .enumerate()
            .rev()
            .filter(|(i, (a, _))| keep(*i, a))
            .skip(skip)
            .take(take)
            .map(|(_, (a, _))| a.tracking_code.clone())
            .collect()
    };

    let all = list(w.admin.clone(), AppealFilter::default()).await;
    assert_eq!((all.total, all.total_exact), (COUNT_CAP, false));
    assert_eq!(codes(&all), newest(&|_, _| true, 0, 50));
    // The last page of 50 is past the cap: the oldest ten.
    let last_page = n.div_ceil(50);
    let last = list(
        w.admin.clone(),
        AppealFilter {
            page: last_page as i64,
            per_page: 50,
            ..Default::default()
        },
    )
    .await;
    assert!(!last.total_exact);
    assert_eq!(
        codes(&last),
        newest(&|_, _| true, (last_page - 1) * 50, 50),
        "a page past the cap"
    );
    assert_eq!(last.items.len(), 10);

    // The station's subtree is 佛字桥 and its grid (i % 4 ∈ {0, 1}): two nodes merged.
    let station = |i: usize, _: &Appeal| i % 4 < 2;
    let p1 = list(w.station.clone(), AppealFilter::default()).await;
    assert_eq!((p1.total, p1.total_exact), capped(n / 2));
    assert_eq!(codes(&p1), newest(&station, 0, 50));
    let p3 = list(
        w.station.clone(),
        AppealFilter {
            page: 3,
            per_page: 40,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(codes(&p3), newest(&station, 80, 40));
    for status in [Status::Registered, Status::Closed, Status::InProgress] {
        let got = list(
            w.station.clone(),
            AppealFilter {
                status: Some(status),
                ..Default::default()
            },
        )
        .await;
        let keep = |i: usize, a: &Appeal| station(i, a) && a.status == status;
        assert_eq!(codes(&got), newest(&keep, 0, 50), "{status:?}");
        let expected = batch
            .iter()
            .enumerate()
            .filter(|(i, (a, _))| keep(*i, a))
            .count();
        assert_eq!((got.total, got.total_exact), capped(expected), "{status:?}");
    }
    // Search: the station's matches, newest first, counted in the index.
    let pipes = list(
        w.station.clone(),
        AppealFilter {
            q: Some("水管".into()),
            ..Default::default()
        },
    )
    .await;
    let keep = |i: usize, a: &Appeal| station(i, a) && a.content.contains("水管");
    assert_eq!(codes(&pipes), newest(&keep, 0, 50));
    let expected = batch
        .iter()
        .enumerate()
        .filter(|(i, (a, _))| keep(*i, a))
        .count() as i64;
    assert!(expected > COUNT_CAP, "the data passes the cap");
    assert_eq!((pipes.total, pipes.total_exact), (COUNT_CAP, false));
    // …and under it a search total is exact: the station's closed 水管 appeals.
    let recent = list(
        w.station.clone(),
        AppealFilter {
            q: Some("水管".into()),
            status: Some(Status::Closed),
            ..Default::default()
        },
    )
    .await;
    let keep = |i: usize, a: &Appeal| keep(i, a) && a.status == Status::Closed;
    let expected = batch
        .iter()
        .enumerate()
        .filter(|(i, (a, _))| keep(*i, a))
        .count() as i64;
    assert!(expected <= COUNT_CAP, "the data stays under the cap");
    assert_eq!(codes(&recent), newest(&keep, 0, 50));
    assert_eq!(
        (recent.total, recent.total_exact),
        capped(expected as usize)
    );
}

/// A database whose appeals predate the kind/category/channel roll-up (migration 0012 marks
/// it) gets the roll-up filled from them at the next start, once.
async fn received_by_rollup_is_backfilled_once(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    for hour in [9, 10, 11] {
        intake(store, &NewAppeal::at(&w.c1), &w.station, at(2, hour)).await;
    }
    let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    for sql in [
        "DELETE FROM appeal_daily_dims",
        "INSERT INTO settings (key, value) VALUES ('rollup_dims_backfill', 'pending')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    let _ = conn.close().await;
    assert!(
        !store.verify_rollups().await.unwrap().is_empty(),
        "the check sees the missing rows"
    );
    let march = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    let reopened = Store::open(&db.url).await.unwrap();
    assert_eq!(
        reopened.verify_rollups().await.unwrap(),
        Vec::<String>::new()
    );
    let by_kind = |s: Store| async move {
        s.received_by(w.district.id, Dimension::Kind, march(1), march(31))
            .await
            .unwrap()
    };
    assert_eq!(by_kind(reopened).await, [("help".to_string(), 3)]);
    // Opened again: nothing is added twice.
    let again = Store::open(&db.url).await.unwrap();
    assert_eq!(by_kind(again).await, [("help".to_string(), 3)]);
}

/// The month-end report's repeated problems come from the place roll-up: places compared
/// trimmed, each at the node where it was raised, by Shanghai month, blank places left out;
/// a database whose appeals predate the roll-up (migration 0017 marks it) is filled once.
async fn repeated_places_come_from_the_rollup(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let at_place = |unit: &OrgUnit, place: Option<&str>, category: &str| NewAppeal {
        location: place.map(str::to_string),
        category: category.to_string(),
        ..NewAppeal::at(unit)
    };
    let water = "public_facilities.water_pipes";
    let doctor = "health.family_doctor";
    for (place, hour) in [("3号楼", 9), (" 3号楼 ", 10), ("3号楼\u{3000}", 11)] {
        intake(
            store,
            &at_place(&w.c1, Some(place), water),
            &w.station,
            at(2, hour),
        )
        .await;
    }
    for hour in [12, 13] {
        intake(
            store,
            &at_place(&w.c1, Some("菜场"), doctor),
            &w.station,
            at(2, hour),
        )
        .await;
    }
    intake(
        store,
        &at_place(&w.c1, Some("菜场"), water),
        &w.station,
        at(3, 9),
    )
    .await;
    intake(
        store,
        &at_place(&w.c1, Some("  "), water),
        &w.station,
        at(3, 10),
    )
    .await;
    intake(store, &at_place(&w.c1, None, water), &w.station, at(3, 11)).await;
    for hour in [9, 10, 11] {
        intake(
            store,
            &at_place(&w.c3, Some("3号楼"), water),
            &w.station2,
            at(4, hour),
        )
        .await;
    }
    // 1 April 07:00 in Shanghai, still 31 March in UTC: an April appeal.
    intake(
        store,
        &at_place(&w.c1, Some("3号楼"), water),
        &w.station,
        at(31, 23) + Duration::hours(8),
    )
    .await;

    let march = Month::parse("2026-03").unwrap();
    let repeated = |unit: Id, month: Month| async move {
        let found = store.repeated_places(unit, month, 20).await.unwrap();
        assert_eq!(found.total, found.listed.len() as i64);
        found
            .listed
            .into_iter()
            .map(|r| (r.org_unit_name, r.place, r.category, r.appeals))
            .collect::<Vec<_>>()
    };
    let group = |unit: &OrgUnit| (unit.name.clone(), "3号楼".to_string(), water.to_string(), 3);
    assert_eq!(repeated(w.c1.id, march).await, [group(&w.c1)]);
    assert_eq!(repeated(w.street1.id, march).await, [group(&w.c1)]);
    assert_eq!(repeated(w.c3.id, march).await, [group(&w.c3)]);
    // Two communities' "3号楼" are two buildings: two groups of three, not one of six.
    assert_eq!(
        repeated(w.district.id, march).await,
        [group(&w.c1), group(&w.c3)]
    );
    assert!(repeated(w.c2.id, march).await.is_empty());
    assert!(
        repeated(w.c1.id, Month::parse("2026-04").unwrap())
            .await
            .is_empty(),
        "one in April"
    );
    // The most frequent first, as many as asked for, and how many there are in all.
    for hour in [12, 13, 14] {
        intake(
            store,
            &at_place(&w.c3, Some("3号楼"), water),
            &w.station2,
            at(5, hour),
        )
        .await;
    }
    let first = store
        .repeated_places(w.district.id, march, 1)
        .await
        .unwrap();
    assert_eq!(first.total, 2);
    assert_eq!(
        first
            .listed
            .iter()
            .map(|r| (r.org_unit_id, r.appeals))
            .collect::<Vec<_>>(),
        [(w.c3.id, 6)]
    );
    assert!(matches!(
        store.repeated_places(999_999, march, 20).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.verify_rollups().await.unwrap(), Vec::<String>::new());

    let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    for sql in [
        "DELETE FROM appeal_month_places",
        "INSERT INTO settings (key, value) VALUES ('rollup_places_backfill', 'pending')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    let _ = conn.close().await;
    assert!(
        !store.verify_rollups().await.unwrap().is_empty(),
        "the check sees the missing rows"
    );
    let reopened = Store::open(&db.url).await.unwrap();
    assert_eq!(
        reopened.verify_rollups().await.unwrap(),
        Vec::<String>::new()
    );
    let after = |s: Store| async move {
        let found = s.repeated_places(w.district.id, march, 20).await.unwrap();
        found
            .listed
            .iter()
            .map(|r| (r.org_unit_id, r.appeals))
            .collect::<Vec<_>>()
    };
    assert_eq!(after(reopened).await, [(w.c3.id, 6), (w.c1.id, 3)]);
    let again = Store::open(&db.url).await.unwrap();
    assert_eq!(after(again).await, [(w.c3.id, 6), (w.c1.id, 3)]);
}

/// A roster's commit checks the register again inside its transaction: a person registered
/// since the caller's check (another roster, committed first or at the same moment) fails
/// the commit with that row, writes nobody, and keeps the upload for a new preview.
async fn roster_commits_recheck_the_register(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let sheet = Sheet {
        headers: vec!["姓名".into()],
        rows: Vec::new(),
    };
    let user = w.station.user_id;
    let now = at(2, 9);
    let upload = || async { store.save_roster(user, &sheet, now).await.unwrap() };
    let count = || async {
        store
            .list_people(&w.admin, &PeopleFilter::default())
            .await
            .unwrap()
            .total
    };
    let before = count().await;
    let zhang = person("张三", &w.c1, "13900000001", vec![]);
    let li = person("李四", &w.c1, "13900000002", vec![]);

    let first = upload().await;
    store
        .commit_roster(user, &first, &[(2, zhang.clone())], now)
        .await
        .unwrap();
    assert_eq!(count().await, before + 1);
    // Checked before the first commit, committed after it: row 3 is on the register now.
    let second = upload().await;
    let late = store
        .commit_roster(user, &second, &[(2, li.clone()), (3, zhang.clone())], now)
        .await;
    let Err(StoreError::Rows(rows)) = late else {
        panic!("expected the rows refused, got {late:?}");
    };
    assert_eq!(
        rows.iter()
            .map(|r| (r.row, r.field.as_str()))
            .collect::<Vec<_>>(),
        [(3, "name")]
    );
    assert_eq!(
        count().await,
        before + 1,
        "nobody of that roster was written"
    );
    assert!(
        store.roster(user, &second, now).await.unwrap().is_some(),
        "the upload is kept for a new preview"
    );

    // Two rosters naming the same new person, committed at the same moment: one wins.
    // (Each user keeps one upload at a time, so the two belong to two users.)
    let wang = person("王五", &w.c1, "13900000003", vec![]);
    let (a, b) = (w.station.user_id, w.admin.user_id);
    let ta = store.save_roster(a, &sheet, now).await.unwrap();
    let tb = store.save_roster(b, &sheet, now).await.unwrap();
    let (rows_a, rows_b) = ([(2, wang.clone())], [(5, wang)]);
    let (ra, rb) = tokio::join!(
        store.commit_roster(a, &ta, &rows_a, now),
        store.commit_roster(b, &tb, &rows_b, now),
    );
    assert_eq!(
        [ra.is_ok(), rb.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{ra:?} {rb:?}"
    );
    assert!(matches!(ra, Ok(_) | Err(StoreError::Rows(_))));
    assert!(matches!(rb, Ok(_) | Err(StoreError::Rows(_))));
    assert_eq!(count().await, before + 2);
}

/// The indexes of the appeals, their events and near-duplicate keys, by name, with their
/// definitions.
async fn appeal_indexes(db: &Db) -> Vec<(String, String)> {
    let sql = match db.backend {
        Backend::Sqlite => {
            "SELECT name, COALESCE(sql, '') AS def FROM sqlite_master WHERE type = 'index' \
             AND tbl_name IN ('appeals', 'appeal_events', 'appeal_neardup_keys') ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT indexname::text AS name, indexdef AS def FROM pg_indexes \
             WHERE tablename IN ('appeals', 'appeal_events', 'appeal_neardup_keys') AND schemaname = current_schema() \
             ORDER BY indexname::text"
        }
    };
    let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    let rows = sqlx::query(sql).fetch_all(&mut conn).await.unwrap();
    let _ = conn.close().await;
    rows.iter()
        .map(|r| {
            let def: String = r.get("def");
            // SQLite keeps the statement as typed: compare without the rebuild's guard.
            (r.get("name"), def.replace("IF NOT EXISTS ", ""))
        })
        .collect()
}

/// A bulk load sets the secondary indexes aside and builds them again afterwards, exactly as
/// the migrations made them; a load that dies half-way gets them back at the next open.
async fn deferred_indexes_come_back(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let made = appeal_indexes(&db).await;
    assert!(made.len() > 8, "{made:?}");
    store.defer_indexes().await.unwrap();
    let during = appeal_indexes(&db).await;
    assert!(during.len() < made.len() - 8, "{during:?}");
    assert!(
        during.iter().all(|d| made.contains(d)),
        "unique indexes and keys stay"
    );
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let batch: Vec<(Appeal, Vec<Event>)> = (0..300).map(|i| synthetic(&mut rng, &w, i)).collect();
    store.insert_appeals_bulk(&batch).await.unwrap();
    store.restore_deferred_indexes().await.unwrap();
    assert_eq!(appeal_indexes(&db).await, made);
    assert_eq!(store.setting("deferred_indexes").await.unwrap(), None);
    let page = store
        .list_appeals(&w.admin, &AppealFilter::default(), at(30, 9))
        .await
        .unwrap();
    assert_eq!(page.total, 300);
    assert_eq!(store.verify_rollups().await.unwrap(), Vec::<String>::new());

    // The loader dies between the two: opening the database builds them.
    store.defer_indexes().await.unwrap();
    assert_eq!(appeal_indexes(&db).await, during);
    let reopened = Store::open(&db.url).await.unwrap();
    assert_eq!(appeal_indexes(&db).await, made);
    assert_eq!(reopened.setting("deferred_indexes").await.unwrap(), None);
    assert_eq!(
        reopened.integrity_check().await.unwrap(),
        vec!["ok".to_string()]
    );
}

conformance!(
    placeholders_bind_by_number,
    deferred_indexes_come_back,
    received_by_rollup_is_backfilled_once,
    repeated_places_come_from_the_rollup,
    roster_commits_recheck_the_register,
    worklist_and_web_queries,
    fresh_database_is_migrated_and_seeded,
    org_tree_has_materialized_paths,
    users_and_sessions,
    people_register_is_scoped,
    intake_stores_the_appeal_and_its_event,
    text_is_stored_verbatim,
    lifecycle_paths,
    concurrent_actions_on_one_appeal,
    scope_agrees_with_core,
    list_filters,
    rollups_match_the_reference,
    bulk_insert_keeps_rollups_and_search,
    long_lists_page_newest_first_with_capped_totals,
    watch_candidates_page_through_every_running_deadline,
);

/// The deadline watch's scan pages (500 at a time) through every appeal whose running
/// deadline falls before the horizon, in deadline order, and nothing else: no suspended, no
/// closed appeal, none due later.
async fn watch_candidates_page_through_every_running_deadline(db: Db) {
    let store = &db.store;
    let w = world(store).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let batch: Vec<(Appeal, Vec<Event>)> = (0..2_000).map(|i| synthetic(&mut rng, &w, i)).collect();
    store.insert_appeals_bulk(&batch).await.unwrap();
    let now = at(20, 12);
    let horizon = at(31, 0);
    let mut expected: Vec<(DateTime<Utc>, Id)> = Vec::new();
    for (given, _) in &batch {
        let id = store
            .appeal_id_by_tracking_code(&given.tracking_code)
            .await
            .unwrap()
            .unwrap();
        if let Some(due) = given.current_deadline().filter(|d| *d <= horizon) {
            expected.push((due, id));
        }
    }
    expected.sort();
    assert!(
        expected.len() > 500,
        "more than one page of candidates: {}",
        expected.len()
    );
    let got = store
        .watch_candidates(now, horizon, now - Duration::days(2))
        .await
        .unwrap();
    assert_eq!(got, expected.iter().map(|(_, id)| *id).collect::<Vec<_>>());
}

/// `sqlite::memory:` works end to end (one connection serves reads and the writer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_memory_sqlite_works() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    assert!(store.is_empty().await.unwrap());
    let w = world(&store).await;
    let a = intake(&store, &NewAppeal::at(&w.grid1), &w.station, at(2, 9)).await;
    ok(
        &store,
        &w.station,
        a.id,
        Command::Accept { note: None },
        at(2, 10),
    )
    .await;
    let page = store
        .list_appeals(
            &w.station,
            &AppealFilter {
                q: Some("水管".into()),
                ..Default::default()
            },
            at(3, 9),
        )
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    let c = store
        .counts(
            w.district.id,
            at(1, 9).date_naive(),
            at(5, 9).date_naive(),
            at(3, 9),
        )
        .await
        .unwrap();
    assert_eq!((c.total.received, c.total.accepted), (1, 1));
    assert!(store.verify_rollups().await.unwrap().is_empty());
    assert_eq!(
        store.integrity_check().await.unwrap(),
        vec!["ok".to_string()]
    );
}

/// A panicking decision fails its own action only; the writer goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_decision_does_not_stop_the_writer() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let w = world(&store).await;
    let a = intake(&store, &NewAppeal::at(&w.c1), &w.station, at(2, 9)).await;
    let e = store
        .act(&w.station, a.id, |_| panic!("a bug in the caller"))
        .await;
    assert!(e.is_err());
    ok(
        &store,
        &w.station,
        a.id,
        Command::Accept { note: None },
        at(2, 10),
    )
    .await;
    assert_eq!(store.events(a.id).await.unwrap().len(), 2);
}
