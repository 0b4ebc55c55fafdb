//! The deadline watch and the notification centre over the API, on a fake clock, on SQLite
//! and on PostgreSQL: reminders once, overdue at the right minute across a weekend, automatic
//! escalation, suspended time excluded, two watchers on one database doing each thing once.

mod common;

use chrono::TimeDelta;
use common::{shanghai_time, Backend, TestApp};
use serde_json::{json, Value};
use suqiu_server::jobs::watch::run_once;
use suqiu_server::{AppState, Clock};
use suqiu_store::Store;

on_both_backends!(
    deadline_watch_on_a_fake_clock,
    suspended_appeals_are_not_watched,
    a_lease_hands_the_watch_to_one_server,
    notifications_over_http,
    district_settings_over_http,
);

/// Two servers share a database only on PostgreSQL (SQLite is one embedded server's file).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_watchers_on_one_postgres_do_each_thing_once() {
    two_watchers_do_each_thing_once(Backend::Postgres).await
}

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// The caller's notices of `kind` about `appeal`.
async fn notices(t: &TestApp, username: &str, kind: &str, appeal: i64) -> Vec<Value> {
    let token = t.token(username).await;
    let res = t.get("/api/v1/notifications?per_page=200", &token).await;
    res.ok(200)["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|n| n["kind"] == kind && n["appeal_id"] == appeal)
        .cloned()
        .collect()
}

async fn appeal(t: &TestApp, id: i64) -> Value {
    let token = t.token("admin").await;
    t.get(&format!("/api/v1/appeals/{id}"), &token)
        .await
        .ok(200)
        .clone()
}

fn event_types(a: &Value) -> Vec<String> {
    a["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Runs the watch at Shanghai time `y-m-d h:min`, returning how many things it did.
async fn watch_at(t: &TestApp, (y, m, d, h, min): (i32, u32, u32, u32, u32)) -> usize {
    let now = shanghai_time(y, m, d, h, min);
    t.clock.set(now);
    let report = run_once(&t.state, now).await.expect("the watch runs");
    assert_eq!(report.failed, 0, "{report:?}");
    report.steps
}

async fn deadline_watch_on_a_fake_clock(b: Backend) {
    let t = TestApp::new(b).await;
    // Friday 2026-11-27 15:00: a help appeal; respond by Monday 15:00.
    t.clock.set(shanghai_time(2026, 11, 27, 15, 0));
    let a = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let id = id_of(&a);
    assert_eq!(a["respond_by"], "2026-11-30T15:00:00+08:00");

    // Friday 16:00 is 23 working hours ahead; Saturday noon 15 (the weekend does not count).
    assert_eq!(watch_at(&t, (2026, 11, 27, 16, 0)).await, 0);
    assert_eq!(watch_at(&t, (2026, 11, 28, 12, 0)).await, 0);
    // Monday 03:00 is half a working day ahead: one reminder, to the station only.
    assert_eq!(watch_at(&t, (2026, 11, 30, 3, 0)).await, 1);
    assert_eq!(
        watch_at(&t, (2026, 11, 30, 4, 0)).await,
        0,
        "a reminder goes out once"
    );
    let reminders = notices(&t, "station11", "reminder", id).await;
    assert_eq!(reminders.len(), 1);
    assert!(reminders[0]["body"]
        .as_str()
        .is_some_and(|b| b.contains("2026-11-30 15:00")));
    assert!(notices(&t, "street1", "reminder", id).await.is_empty());
    // Not at the deadline itself; a minute after it, overdue: on the timeline by the system,
    // noticed to the station and to the street above it (not the district two levels up).
    assert_eq!(watch_at(&t, (2026, 11, 30, 15, 0)).await, 0);
    assert_eq!(watch_at(&t, (2026, 11, 30, 15, 1)).await, 1);
    assert_eq!(watch_at(&t, (2026, 11, 30, 15, 2)).await, 0);
    let a = appeal(&t, id).await;
    assert_eq!(a["overdue"], true);
    let overdue: Vec<&Value> = a["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"] == "overdue")
        .collect();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["actor"], json!({"id": 0, "name": "系统"}));
    assert_eq!(overdue[0]["data"]["deadline"], "respond");
    assert_eq!(notices(&t, "station11", "overdue", id).await.len(), 1);
    assert_eq!(notices(&t, "street1", "overdue", id).await.len(), 1);
    assert!(notices(&t, "admin", "overdue", id).await.is_empty());
    // Registered and overdue for weeks: flagged, never escalated (nobody accepted it).
    assert_eq!(watch_at(&t, (2026, 12, 20, 9, 0)).await, 0);

    // A second appeal, accepted: resolve by Tuesday 12-08 15:00 (7 working days).
    t.clock.set(shanghai_time(2026, 11, 27, 15, 0));
    let b2 = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let id2 = id_of(&b2);
    t.clock.set(shanghai_time(2026, 11, 27, 16, 0));
    let b2 = t
        .act_ok("station11", id2, json!({"action": "accept"}))
        .await;
    assert_eq!(b2["resolve_by"], "2026-12-08T15:00:00+08:00");
    // Overdue a minute after; two working days after that (Thursday 12-10 15:00) it is
    // raised to the street by the system, once.
    assert_eq!(watch_at(&t, (2026, 12, 8, 15, 1)).await, 1);
    assert_eq!(watch_at(&t, (2026, 12, 10, 15, 0)).await, 0);
    assert_eq!(watch_at(&t, (2026, 12, 10, 15, 1)).await, 1);
    assert_eq!(watch_at(&t, (2026, 12, 14, 9, 0)).await, 0);
    let b2 = appeal(&t, id2).await;
    assert_eq!(b2["handling_org_unit_id"], t.fx.s1);
    let types = event_types(&b2);
    assert!(
        types.ends_with(&["overdue".to_string(), "escalate".to_string()]),
        "{types:?}"
    );
    let escalate = b2["events"].as_array().expect("events").last().cloned();
    let escalate = escalate.expect("an escalate event");
    assert_eq!(escalate["actor"]["name"], "系统");
    assert!(escalate["data"]["note"]
        .as_str()
        .is_some_and(|n| n.contains("2 个工作日")));
    assert_eq!(notices(&t, "street1", "escalated", id2).await.len(), 1);
    // Roll-ups still agree with the appeals after the system's events.
    assert_eq!(
        t.store.verify_rollups().await.expect("verify"),
        Vec::<String>::new()
    );
    t.finish().await;
}

async fn suspended_appeals_are_not_watched(b: Backend) {
    let t = TestApp::new(b).await;
    t.clock.set(shanghai_time(2026, 11, 27, 15, 0));
    let a = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let id = id_of(&a);
    t.clock.set(shanghai_time(2026, 11, 27, 16, 0));
    t.act_ok("station11", id, json!({"action": "accept"})).await;
    // Suspended Wednesday 12-02 10:00 (resolve_by was Tuesday 12-08 15:00) …
    t.clock.set(shanghai_time(2026, 12, 2, 10, 0));
    let s = t
        .act_ok(
            "station11",
            id,
            json!({"action": "suspend", "reason": "诉求人外出，待其回沪后上门核实"}),
        )
        .await;
    assert_eq!(s["suspended_at"], "2026-12-02T10:00:00+08:00");
    // Accepted and suspended: the station can only resume it (or sort it, or mark it as spam).
    assert_eq!(
        s["allowed_actions"],
        json!(["resume", "classify", "mark_spam"])
    );
    // … nothing is watched while the clock stands, long past the old deadline …
    assert_eq!(watch_at(&t, (2026, 12, 15, 9, 0)).await, 0);
    let token = t.token("station11").await;
    let overdue = t.get("/api/v1/appeals?overdue=true", &token).await;
    assert_eq!(overdue.ok(200)["total"], 0);
    // … and resumed Friday 12-18 10:00: 12 working days stood (12-02 10:00 → 12-18 10:00),
    // so resolve_by moves 12 working days, from Tuesday 12-08 15:00 to Thursday 12-24 15:00.
    t.clock.set(shanghai_time(2026, 12, 18, 10, 0));
    let r = t
        .act_ok(
            "station11",
            id,
            json!({"action": "resume", "note": "诉求人已回沪"}),
        )
        .await;
    assert_eq!(r["suspended_at"], Value::Null);
    assert_eq!(r["resolve_by"], "2026-12-24T15:00:00+08:00");
    assert_eq!(r["overdue"], false);
    let a = appeal(&t, id).await;
    let types = event_types(&a);
    assert!(
        types.ends_with(&["suspend".to_string(), "resume".to_string()]),
        "{types:?}"
    );
    let resume = a["events"].as_array().and_then(|e| e.last()).cloned();
    assert_eq!(
        resume.expect("resume")["data"]["paused_seconds"],
        12 * 24 * 3600
    );
    assert_eq!(watch_at(&t, (2026, 12, 18, 10, 1)).await, 0);
    assert_eq!(
        t.store.verify_rollups().await.expect("verify"),
        Vec::<String>::new()
    );
    t.finish().await;
}

async fn two_watchers_do_each_thing_once(b: Backend) {
    let t = TestApp::new(b).await;
    let mut ids = Vec::new();
    for _ in 0..6 {
        let a = t
            .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
            .await;
        ids.push(id_of(&a));
    }
    // A second server on the same database, with its own store and state.
    let other = Store::open(&t.url).await.expect("a second store");
    let now = shanghai_time(2026, 11, 25, 10, 1);
    let other = AppState::load(other, Clock::fixed(now))
        .await
        .expect("a second state");
    t.clock.set(now);
    let (x, y) = tokio::join!(run_once(&t.state, now), run_once(&other, now));
    let done = x.expect("watch one").steps + y.expect("watch two").steps;
    assert_eq!(
        done,
        ids.len(),
        "one overdue record per appeal between the two"
    );
    for id in &ids {
        let a = appeal(&t, *id).await;
        let n = event_types(&a).iter().filter(|t| *t == "overdue").count();
        assert_eq!(n, 1, "appeal {id}");
        assert_eq!(notices(&t, "station11", "overdue", *id).await.len(), 1);
        assert_eq!(notices(&t, "street1", "overdue", *id).await.len(), 1);
    }
    drop(other);
    t.finish().await;
}

async fn a_lease_hands_the_watch_to_one_server(b: Backend) {
    let t = TestApp::new(b).await;
    let now = t.clock.now();
    let five = TimeDelta::minutes(5);
    let lease = |holder: &'static str, at| {
        let store = t.store.clone();
        async move {
            store
                .take_lease("deadline_watch", holder, at, five)
                .await
                .expect("lease")
        }
    };
    assert!(lease("one", now).await);
    assert!(!lease("two", now).await, "held by one");
    assert!(
        lease("one", now + TimeDelta::minutes(4)).await,
        "one renews"
    );
    assert!(
        !lease("two", now + TimeDelta::minutes(8)).await,
        "renewed until 9 minutes"
    );
    assert!(
        lease("two", now + TimeDelta::minutes(10)).await,
        "lapsed: two takes over"
    );
    assert!(!lease("one", now + TimeDelta::minutes(11)).await);
    t.finish().await;
}

async fn notifications_over_http(b: Backend) {
    let t = TestApp::new(b).await;
    let a = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let id = id_of(&a);
    t.act_ok("station11", id, json!({"action": "accept"})).await;
    // 督办 from the street reaches the station.
    t.act_ok(
        "street1",
        id,
        json!({"action": "supervise", "note": "请本周内办结"}),
    )
    .await;
    let station = t.token("station11").await;
    let unread = t.get("/api/v1/notifications?unread=true", &station).await;
    let unread = unread.ok(200).clone();
    assert_eq!(unread["total"], 1);
    let n = &unread["items"][0];
    assert_eq!(n["kind"], "supervised");
    assert_eq!(n["kind_label"], "督办");
    assert_eq!(n["read"], false);
    assert!(n["body"]
        .as_str()
        .is_some_and(|b| b.contains("请本周内办结")));
    assert!(
        !n.to_string().contains("王阿姨") && !n.to_string().contains("13912345678"),
        "no personal data in notices: {n}"
    );
    let count = t.get("/api/v1/notifications/unread-count", &station).await;
    assert_eq!(count.ok(200)["unread"], 1);
    let session = t.get("/api/v1/session", &station).await;
    assert_eq!(session.ok(200)["unread_notifications"], 1);
    // Someone else's notice does not exist for them; marking read is the recipient's.
    let nid = n["id"].as_i64().expect("id");
    let street = t.token("street1").await;
    let res = t
        .post(
            &format!("/api/v1/notifications/{nid}/read"),
            &street,
            json!({}),
        )
        .await;
    res.problem(404);
    let res = t
        .post(
            &format!("/api/v1/notifications/{nid}/read"),
            &station,
            json!({}),
        )
        .await;
    assert_eq!(res.status, 204);
    let count = t.get("/api/v1/notifications/unread-count", &station).await;
    assert_eq!(count.ok(200)["unread"], 0);
    let all = t.get("/api/v1/notifications", &station).await;
    assert_eq!(all.ok(200)["items"][0]["read"], true);
    // An extension request goes to the level above; its answer back to who asked.
    t.act_ok(
        "station11",
        id,
        json!({"action": "extend", "days": 3, "reason": "需协调物业"}),
    )
    .await;
    assert_eq!(
        notices(&t, "street1", "extension_requested", id)
            .await
            .len(),
        1
    );
    // … and waits in its queue until decided.
    let queue = t.get("/api/v1/appeals?extension=requested", &street).await;
    assert_eq!(queue.ok(200)["items"][0]["id"], id);
    assert_eq!(queue.ok(200)["total"], 1);
    t.get("/api/v1/appeals?extension=maybe", &street)
        .await
        .field_error("extension");
    t.act_ok(
        "street1",
        id,
        json!({"action": "extend_approve", "approve": false, "reason": "请按期办结"}),
    )
    .await;
    let queue = t.get("/api/v1/appeals?extension=requested", &street).await;
    assert_eq!(queue.ok(200)["total"], 0);
    let denied = notices(&t, "station11", "extension_denied", id).await;
    assert_eq!(denied.len(), 1);
    assert!(denied[0]["body"]
        .as_str()
        .is_some_and(|b| b.contains("请按期办结")));
    // Assigned and returned: the station hears it came back.
    t.act_ok(
        "station11",
        id,
        json!({"action": "assign", "user_id": t.fx.user("volunteer")}),
    )
    .await;
    t.act_ok(
        "volunteer",
        id,
        json!({"action": "return", "note": "无法上门"}),
    )
    .await;
    assert_eq!(notices(&t, "station11", "returned", id).await.len(), 1);
    let res = t.get("/api/v1/notifications?unread=maybe", &station).await;
    res.field_error("unread");
    t.finish().await;
}

async fn district_settings_over_http(b: Backend) {
    let t = TestApp::new(b).await;
    let admin = t.token("admin").await;
    let station = t.token("station11").await;
    let put = |token: String, path: &'static str, body: Value| {
        let t = &t;
        async move {
            t.call(axum::http::Method::PUT, path, Some(&token), Some(body))
                .await
        }
    };
    let rules = json!({"remind_within_hours": 4, "escalate_after_working_days": 1});
    put(station.clone(), "/api/v1/watch-rules", rules.clone())
        .await
        .problem(403);
    put(
        admin.clone(),
        "/api/v1/watch-rules",
        json!({"remind_within_hours": 4, "escalate_after_working_days": 0}),
    )
    .await
    .field_error("escalate_after_working_days");
    assert_eq!(
        put(admin.clone(), "/api/v1/watch-rules", rules.clone())
            .await
            .ok(200),
        &rules
    );
    assert_eq!(t.get("/api/v1/watch-rules", &station).await.ok(200), &rules);
    // In effect at the next run: respond_by Wednesday 10:00 is reminded 4 working hours ahead.
    let a = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    assert_eq!(a["respond_by"], "2026-11-25T10:00:00+08:00");
    assert_eq!(watch_at(&t, (2026, 11, 25, 5, 0)).await, 0);
    assert_eq!(watch_at(&t, (2026, 11, 25, 6, 0)).await, 1);
    // Back to when the sessions above were opened.
    t.clock.set(common::t0());

    // Outbound: checked, the secret never shown, `********` keeps it.
    put(
        admin.clone(),
        "/api/v1/outbound",
        json!({"webhook": {"url": "http://127.0.0.1:9/hook", "secret": "short"}}),
    )
    .await
    .field_error("webhook.secret");
    let hook =
        json!({"webhook": {"url": "http://127.0.0.1:9/hook", "secret": "0123456789abcdef-secret"}});
    let shown = put(admin.clone(), "/api/v1/outbound", hook).await;
    assert_eq!(shown.ok(200)["webhook"]["secret"], "********");
    let again = json!({"webhook": {"url": "http://127.0.0.1:9/other", "secret": "********"}});
    put(admin.clone(), "/api/v1/outbound", again).await.ok(200);
    let stored = t
        .store
        .setting(suqiu_store::settings::OUTBOUND)
        .await
        .expect("setting")
        .expect("stored");
    assert!(stored.contains("0123456789abcdef-secret") && stored.contains("/other"));
    assert_eq!(
        t.get("/api/v1/outbound", &admin).await.ok(200)["webhook"]["secret"],
        "********"
    );
    t.get("/api/v1/outbound", &station).await.problem(403);

    // Score weights: all zero is refused; a change is in effect for the next ranking.
    put(
        admin.clone(),
        "/api/v1/score-weights",
        json!({"response": 0, "resolution": 0, "satisfaction": 0}),
    )
    .await
    .field_error("weights");
    let w = json!({"response": 1.0, "resolution": 0.0, "satisfaction": 0.0, "min_sample": 3});
    put(admin.clone(), "/api/v1/score-weights", w.clone())
        .await
        .ok(200);
    assert_eq!(t.get("/api/v1/score-weights", &station).await.ok(200), &w);
    t.finish().await;
}
