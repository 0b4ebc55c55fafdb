//! The harness of the API tests: a fresh database per test (an SQLite temp file, or a new
//! uniquely named PostgreSQL database), a small district built through the store's API, and
//! helpers that drive the router with `oneshot` (no sockets).
//!
//! ```text
//! 松江区 district                      admin (district_admin), auditor
//! ├── 岳阳街道 street S1               street1 (street_staff), liaison (房管所, dept on S1)
//! │   ├── 佛字桥居民区 community C11    station11, volunteer; team 助老服务队
//! │   │   └── 一网格 grid G111
//! │   └── 黄渡浜居民区 community C12    station12
//! └── 永丰街道 street S2
//!     ├── 仓桥居民区 community C21      station21
//!     └── 玉树居民区 community C22
//! ```
#![allow(dead_code)]

pub mod browser;

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};
use suqiu_core::access::Role;
use suqiu_core::calendar::shanghai;
use suqiu_core::org::OrgKind;
use suqiu_core::person::Person;
use suqiu_core::validate::id_check_char;
use suqiu_core::Id;
use suqiu_server::{hash_password, router, AppState, Clock};
use suqiu_store::users::NewUser;
use suqiu_store::Store;
use suqiu_testkit::db::FreshDb;
pub use suqiu_testkit::http::Resp;
pub use suqiu_testkit::Backend;

pub const PASSWORD: &str = "correct-horse-42";

/// Runs an async scenario once per backend as two `#[tokio::test]`s, `sqlite` and `postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::common::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::common::Backend::Postgres).await
                }
            }
        )+
    };
}

/// 2026-11-24 10:00 in Shanghai, a Tuesday and a working day.
pub fn t0() -> DateTime<Utc> {
    shanghai_time(2026, 11, 24, 10, 0)
}

pub fn shanghai_time(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    shanghai()
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("a valid Shanghai time")
        .with_timezone(&Utc)
}

/// The ids of the fixture district.
#[derive(Debug, Clone, Default)]
pub struct Fixture {
    pub district: Id,
    pub s1: Id,
    pub s2: Id,
    pub c11: Id,
    pub c12: Id,
    pub c21: Id,
    pub c22: Id,
    pub g111: Id,
    pub dept: Id,
    pub team: Id,
    pub person: Id,
    pub users: Vec<(String, Id)>,
}

impl Fixture {
    pub fn user(&self, username: &str) -> Id {
        self.users
            .iter()
            .find(|(u, _)| u == username)
            .map(|(_, id)| *id)
            .unwrap_or_else(|| panic!("no fixture user {username}"))
    }
}

/// The fixture person's phone and ID number (valid: check character computed).
pub const PERSON_PHONE: &str = "13812345678";
pub fn person_id_number() -> String {
    let body = "31011719500101123";
    format!("{body}{}", id_check_char(body).expect("17 digits"))
}

pub struct TestApp {
    pub app: Router,
    pub state: AppState,
    pub store: Store,
    pub clock: Clock,
    pub fx: Fixture,
    /// The database's URL, to open a second store on it (two servers, one database).
    pub url: String,
    db: FreshDb,
    /// Signed-in users: username, token, and the (test clock) time of sign-in.
    tokens: std::sync::Mutex<Vec<(String, String, DateTime<Utc>)>>,
}

fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password(PASSWORD))
}

impl TestApp {
    /// A fresh database with the fixture district, and a router over it; clock at [`t0`].
    pub async fn new(backend: Backend) -> TestApp {
        TestApp::open(backend, true).await
    }

    /// A fresh database with no district at all (the test builds its own; `fx` is empty).
    pub async fn empty(backend: Backend) -> TestApp {
        TestApp::open(backend, false).await
    }

    async fn open(backend: Backend, with_fixture: bool) -> TestApp {
        let db = FreshDb::create(backend, "api_test").await;
        let url = db.url.clone();
        let store = Store::open(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot open the store at {url}: {e}"));
        let fx = if with_fixture {
            build_fixture(&store).await
        } else {
            Fixture::default()
        };
        let clock = Clock::fixed(t0());
        let state = AppState::load(store.clone(), clock.clone())
            .await
            .expect("load the app state");
        let app = router(state.clone());
        TestApp {
            app,
            state,
            store,
            clock,
            fx,
            url,
            db,
            tokens: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Drops the test database (best effort).
    pub async fn finish(self) {
        let TestApp {
            store,
            db,
            app,
            state,
            ..
        } = self;
        drop(app);
        drop(state);
        drop(store);
        db.remove().await;
    }

    /// Sends a request through the router.
    pub async fn send(&self, req: Request<Body>) -> Resp {
        suqiu_testkit::http::send(&self.app, req).await
    }

    /// A JSON request with an optional bearer token.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(&v).expect("serialize"))
            }
            None => Body::empty(),
        };
        self.send(req.body(body).expect("a valid request")).await
    }

    /// A request with a raw body (for malformed JSON and the like).
    pub async fn call_raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(Body::from(body)).expect("a valid request"))
            .await
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// A POST without a session (the public endpoints).
    pub async fn post_anonymous(&self, path: &str, body: Value) -> Resp {
        self.call(Method::POST, path, None, Some(body)).await
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Resp {
        self.call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"username": username, "password": password})),
        )
        .await
    }

    /// A bearer token for a fixture user (signed in once, then reused while the session
    /// lasts on the test clock).
    pub async fn token(&self, username: &str) -> String {
        let now = self.clock.now();
        let fresh = |at: &DateTime<Utc>| now - *at < chrono::TimeDelta::hours(11) && now >= *at;
        if let Some(t) = self
            .tokens
            .lock()
            .expect("tokens")
            .iter()
            .find(|(u, _, at)| u == username && fresh(at))
            .map(|(_, t, _)| t.clone())
        {
            return t;
        }
        let res = self.sign_in(username, PASSWORD).await;
        let body = res.ok(200);
        let token = body["token"].as_str().expect("a token").to_string();
        let mut tokens = self.tokens.lock().expect("tokens");
        tokens.retain(|(u, _, _)| u != username);
        tokens.push((username.to_string(), token.clone(), now));
        token
    }

    /// Registers an appeal as `username` and returns its JSON.
    pub async fn create_appeal(&self, username: &str, body: Value) -> Value {
        let token = self.token(username).await;
        let res = self.post("/api/v1/appeals", &token, body).await;
        res.ok(201).clone()
    }

    /// A typical walk-in help appeal at `org_unit_id` from a named appellant.
    pub fn appeal_body(org_unit_id: Id) -> Value {
        json!({
            "appellant": {"name": "王阿姨", "phone": "13912345678"},
            "org_unit_id": org_unit_id,
            "channel": "walk_in",
            "kind": "help",
            "category": "public_facilities.water_pipes",
            "urgency": "normal",
            "title": "楼道水管漏水",
            "content": "3号楼2单元楼道水管漏水，已持续三天，请尽快处理。",
            "location": "3号楼2单元",
        })
    }

    /// Takes an action as `username`, returning the response.
    pub async fn act(&self, username: &str, appeal_id: Id, body: Value) -> Resp {
        let token = self.token(username).await;
        self.post(
            &format!("/api/v1/appeals/{appeal_id}/actions"),
            &token,
            body,
        )
        .await
    }

    /// Takes an action that must succeed; returns the appeal after it.
    pub async fn act_ok(&self, username: &str, appeal_id: Id, body: Value) -> Value {
        let res = self.act(username, appeal_id, body.clone()).await;
        assert_eq!(
            res.status,
            StatusCode::OK,
            "{username} {body}: {}",
            res.text()
        );
        res.json
    }

    /// How many appeals the district administrator sees (all of them).
    /// The appeal `pick` chooses among those registered in `username`'s queue, if any.
    #[allow(dead_code)] // used by the public door's tests only
    pub async fn in_queue(&self, username: &str, pick: impl Fn(&Value) -> bool) -> Option<Value> {
        let token = self.token(username).await;
        let list = self.get("/api/v1/appeals?status=registered", &token).await;
        let items = list.ok(200)["items"].as_array().expect("items").clone();
        items.into_iter().find(|a| pick(a))
    }

    pub async fn appeal_count(&self) -> i64 {
        let token = self.token("admin").await;
        let res = self.get("/api/v1/appeals?per_page=1", &token).await;
        res.ok(200)["total"].as_i64().expect("total")
    }

    pub async fn people_count(&self) -> i64 {
        let token = self.token("admin").await;
        let res = self.get("/api/v1/people?per_page=1", &token).await;
        res.ok(200)["total"].as_i64().expect("total")
    }
}

async fn build_fixture(store: &Store) -> Fixture {
    let unit = |parent: Option<Id>, kind: OrgKind, code: &'static str, name: &'static str| {
        let store = store.clone();
        async move {
            store
                .create_org_unit(parent, kind, code, name)
                .await
                .unwrap_or_else(|e| panic!("create org unit {code}: {e}"))
                .id
        }
    };
    let district = unit(None, OrgKind::District, "310117", "松江区").await;
    let s1 = unit(Some(district), OrgKind::Street, "310117001", "岳阳街道").await;
    let s2 = unit(Some(district), OrgKind::Street, "310117002", "永丰街道").await;
    let c11 = unit(Some(s1), OrgKind::Community, "310117001001", "佛字桥居民区").await;
    let c12 = unit(Some(s1), OrgKind::Community, "310117001002", "黄渡浜居民区").await;
    let c21 = unit(Some(s2), OrgKind::Community, "310117002001", "仓桥居民区").await;
    let c22 = unit(Some(s2), OrgKind::Community, "310117002002", "玉树居民区").await;
    let g111 = unit(Some(c11), OrgKind::Grid, "310117001001001", "一网格").await;
    let dept = store
        .create_department("fgs-yy", "房管所", s1)
        .await
        .expect("create department")
        .id;
    let team = store
        .create_team(c11, "助老服务队")
        .await
        .expect("create team")
        .id;

    let hash = password_hash();
    let accounts: [(&str, &str, Role, Id, Option<Id>); 8] = [
        ("admin", "区管理员", Role::DistrictAdmin, district, None),
        ("auditor", "审计员", Role::Auditor, district, None),
        ("street1", "街道干部", Role::StreetStaff, s1, None),
        ("station11", "站点一", Role::StationStaff, c11, None),
        ("station12", "站点二", Role::StationStaff, c12, None),
        ("station21", "站点三", Role::StationStaff, c21, None),
        ("liaison", "联络员", Role::DepartmentLiaison, s1, Some(dept)),
        ("volunteer", "志愿者", Role::Volunteer, c11, None),
    ];
    let mut users = Vec::new();
    for (username, display_name, role, org_unit_id, department_id) in accounts {
        let user = store
            .create_user(NewUser {
                username,
                password_hash: hash,
                display_name,
                role,
                org_unit_id,
                department_id,
            })
            .await
            .unwrap_or_else(|e| panic!("create user {username}: {e}"));
        users.push((username.to_string(), user.id));
    }
    let person = store
        .create_person(&Person {
            id: 0,
            name: "李老伯".into(),
            gender: None,
            birth_date: None,
            phone: Some(PERSON_PHONE.into()),
            id_number: Some(person_id_number()),
            org_unit_id: c11,
            address: Some("3号楼201室".into()),
            tags: vec![],
            party: None,
        })
        .await
        .expect("create person")
        .id;
    Fixture {
        district,
        s1,
        s2,
        c11,
        c12,
        c21,
        c22,
        g111,
        dept,
        team,
        person,
        users,
    }
}
