//! Harness of the conformance suite: a fresh database per test on each backend, a small
//! organization with one user per role, and helpers that drive appeals through core's real
//! lifecycle (`register`, `decide`) with the built-in calendar and default time limits.

#![allow(dead_code)]

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use chrono::{DateTime, TimeZone, Utc};
use suqiu_core::access::{Actor, Role};
use suqiu_core::appeal::{Appeal, Appellant, Channel, Kind, Urgency};
use suqiu_core::calendar::WorkCalendar;
use suqiu_core::lifecycle::{decide, register, Command, Context, Intake, Refusal};
use suqiu_core::org::{Department, OrgKind, OrgUnit};
use suqiu_core::person::{CareTag, Person};
use suqiu_core::policy::TimeLimitPolicy;
use suqiu_core::Id;
use suqiu_store::appeals::AppealRecord;
use suqiu_store::users::NewUser;
use suqiu_store::{Backend, Store, StoreError};
use suqiu_testkit::db::FreshDb;

pub fn calendar() -> &'static WorkCalendar {
    static CAL: OnceLock<WorkCalendar> = OnceLock::new();
    CAL.get_or_init(WorkCalendar::builtin)
}

pub fn policy() -> &'static TimeLimitPolicy {
    static POLICY: OnceLock<TimeLimitPolicy> = OnceLock::new();
    POLICY.get_or_init(TimeLimitPolicy::default)
}

/// A database for one test.
pub struct Db {
    pub store: Store,
    pub url: String,
    pub backend: Backend,
}

async fn fresh(backend: Backend) -> (Db, FreshDb) {
    let fresh = FreshDb::create(backend, "test").await;
    let url = fresh.url.clone();
    let store = Store::open(&url)
        .await
        .unwrap_or_else(|e| panic!("cannot open the store at {url}: {e}"));
    (
        Db {
            store,
            url,
            backend,
        },
        fresh,
    )
}

/// Runs one test body on a fresh database of `backend`, then removes the database (also
/// when the body panics, whose panic is then re-raised).
pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (db, fresh) = fresh(backend).await;
    let result = tokio::spawn(test(db)).await;
    fresh.remove().await;
    if let Err(e) = result {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("test task failed: {e}");
    }
}

/// Declares each listed `async fn name(db: Db)` as a test on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::support::run(suqiu_store::Backend::Sqlite, super::$name).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::support::run(suqiu_store::Backend::Postgres, super::$name).await
                }
            )*
        }
    };
}

/// 2026-03-`day` `hour`:00 in Shanghai.
pub fn at(day: u32, hour: u32) -> DateTime<Utc> {
    suqiu_core::calendar::shanghai()
        .with_ymd_and_hms(2026, 3, day, hour, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// A small district: two streets, three communities (one with a grid), a department, and a
/// user for each role.
pub struct World {
    pub district: OrgUnit,
    pub street1: OrgUnit,
    pub street2: OrgUnit,
    /// 佛字桥居民区 (street 1), the station of `station`.
    pub c1: OrgUnit,
    pub grid1: OrgUnit,
    /// Another community of street 1.
    pub c2: OrgUnit,
    /// A community of street 2, the station of `station2`.
    pub c3: OrgUnit,
    pub dept: Department,
    pub dept2: Department,
    pub admin: Actor,
    pub street: Actor,
    pub station: Actor,
    pub station2: Actor,
    pub liaison: Actor,
    pub volunteer: Actor,
    pub auditor: Actor,
    pub person1: Person,
    pub person3: Person,
}

impl World {
    pub fn actors(&self) -> Vec<&Actor> {
        vec![
            &self.admin,
            &self.street,
            &self.station,
            &self.station2,
            &self.liaison,
            &self.volunteer,
            &self.auditor,
        ]
    }
}

pub async fn user(
    store: &Store,
    username: &str,
    role: Role,
    unit: &OrgUnit,
    department_id: Option<Id>,
) -> Actor {
    let u = store
        .create_user(NewUser {
            username,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            display_name: &format!("{username}姓名"),
            role,
            org_unit_id: unit.id,
            department_id,
        })
        .await
        .expect("create user");
    store.actor(u.id).await.unwrap().unwrap()
}

pub fn person(name: &str, unit: &OrgUnit, phone: &str, tags: Vec<CareTag>) -> Person {
    Person {
        id: 0,
        name: name.into(),
        gender: None,
        birth_date: None,
        phone: Some(phone.into()),
        id_number: None,
        org_unit_id: unit.id,
        address: Some("3号楼201室".into()),
        tags,
        party: None,
    }
}

pub async fn world(store: &Store) -> World {
    let district = store
        .create_org_unit(None, OrgKind::District, "310117", "松江区")
        .await
        .unwrap();
    let street1 = store
        .create_org_unit(Some(district.id), OrgKind::Street, "310117001", "岳阳街道")
        .await
        .unwrap();
    let street2 = store
        .create_org_unit(Some(district.id), OrgKind::Street, "310117002", "永丰街道")
        .await
        .unwrap();
    let c1 = store
        .create_org_unit(
            Some(street1.id),
            OrgKind::Community,
            "310117001001",
            "佛字桥居民区",
        )
        .await
        .unwrap();
    let grid1 = store
        .create_org_unit(Some(c1.id), OrgKind::Grid, "310117001001G1", "第一网格")
        .await
        .unwrap();
    let c2 = store
        .create_org_unit(
            Some(street1.id),
            OrgKind::Community,
            "310117001002",
            "通波居民区",
        )
        .await
        .unwrap();
    let c3 = store
        .create_org_unit(
            Some(street2.id),
            OrgKind::Community,
            "310117002001",
            "永丰村",
        )
        .await
        .unwrap();
    let dept = store
        .create_department("yueyang-fgs", "岳阳街道房管所", street1.id)
        .await
        .unwrap();
    let dept2 = store
        .create_department("district-cg", "区城管中队", district.id)
        .await
        .unwrap();
    let admin = user(store, "admin", Role::DistrictAdmin, &district, None).await;
    let street = user(store, "yueyang", Role::StreetStaff, &street1, None).await;
    let station = user(store, "fzq", Role::StationStaff, &c1, None).await;
    let station2 = user(store, "station2", Role::StationStaff, &c3, None).await;
    let liaison = user(
        store,
        "liaison",
        Role::DepartmentLiaison,
        &street1,
        Some(dept.id),
    )
    .await;
    let volunteer = user(store, "volunteer", Role::Volunteer, &c1, None).await;
    let auditor = user(store, "auditor", Role::Auditor, &street1, None).await;
    let person1 = store
        .create_person(&person(
            "王阿姨",
            &grid1,
            "13812345678",
            vec![CareTag::LivingAlone],
        ))
        .await
        .unwrap();
    let person3 = store
        .create_person(&person(
            "李大爷",
            &c3,
            "13900001111",
            vec![CareTag::Aged80Plus],
        ))
        .await
        .unwrap();
    World {
        district,
        street1,
        street2,
        c1,
        grid1,
        c2,
        c3,
        dept,
        dept2,
        admin,
        street,
        station,
        station2,
        liaison,
        volunteer,
        auditor,
        person1,
        person3,
    }
}

pub fn tracking_code() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!("SQ{:010}", N.fetch_add(1, Ordering::Relaxed))
}

/// What to register; `Default` is a walk-in help request about a pipe.
#[derive(Clone)]
pub struct NewAppeal {
    pub org_unit_id: Id,
    pub kind: Kind,
    pub urgency: Urgency,
    pub category: String,
    pub title: Option<String>,
    pub content: String,
    pub location: Option<String>,
    pub appellant: Appellant,
}

impl NewAppeal {
    pub fn at(unit: &OrgUnit) -> NewAppeal {
        NewAppeal {
            org_unit_id: unit.id,
            kind: Kind::Help,
            urgency: Urgency::Normal,
            category: "public_facilities.water_pipes".into(),
            title: Some("水管漏水".into()),
            content: "楼道里的水管一直在滴水".into(),
            location: Some("3号楼".into()),
            appellant: Appellant::Named {
                name: "张先生".into(),
                phone: Some("13700000000".into()),
                email: None,
            },
        }
    }
}

/// Registers an appeal through core (`register`) at `now` by `actor`, handled by the actor's
/// unit, and stores it.
pub fn registered(
    n: &NewAppeal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> (Appeal, suqiu_core::lifecycle::Event) {
    let intake = Intake {
        appellant: n.appellant.clone(),
        org_unit_id: n.org_unit_id,
        channel: Channel::WalkIn,
        kind: n.kind,
        category: n.category.clone(),
        urgency: n.urgency,
        title: n.title.clone(),
        content: n.content.clone(),
        location: n.location.clone(),
        public_consent: false,
    };
    register(
        intake,
        tracking_code(),
        actor.org_unit_id,
        actor,
        now,
        calendar(),
        policy(),
    )
    .expect("register")
}

pub async fn intake(store: &Store, n: &NewAppeal, actor: &Actor, now: DateTime<Utc>) -> Appeal {
    let (appeal, event) = registered(n, actor, now);
    store
        .create_appeal(&appeal, &event)
        .await
        .expect("create appeal")
}

/// Runs `command` through core's `decide` inside the store's action path.
pub async fn act(
    store: &Store,
    actor: &Actor,
    id: Id,
    command: Command,
    now: DateTime<Utc>,
) -> Result<Result<AppealRecord, Refusal>, StoreError> {
    let who = actor.clone();
    store
        .act(actor, id, move |rec| {
            let ctx = Context {
                now,
                actor: &who,
                place: &rec.place,
                calendar: calendar(),
                policy: policy(),
            };
            decide(&rec.appeal, &command, &ctx)
        })
        .await
}

/// `act` that must succeed.
pub async fn ok(
    store: &Store,
    actor: &Actor,
    id: Id,
    command: Command,
    now: DateTime<Utc>,
) -> AppealRecord {
    let label = format!("{command:?}");
    match act(store, actor, id, command, now).await {
        Ok(Ok(r)) => r,
        Ok(Err(refusal)) => panic!("{label} refused: {refusal}"),
        Err(e) => panic!("{label} failed: {e}"),
    }
}

pub fn note(s: &str) -> String {
    s.to_string()
}
