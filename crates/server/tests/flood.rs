//! Hostile traffic cannot exhaust the server, and passwords and sessions (issue 12 §2, §4):
//! password hashing stays within its permits and sheds the rest; no flood of junk failures
//! unlocks a locked username or tracking code; one client address is refused for every key
//! after its limit; locks live in the database (shared by two servers, kept over a
//! restart); 200 keep-alive readers get no errors; the password rule; a password change and
//! an administrator end every other session at once. On SQLite and PostgreSQL.

mod common;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use common::browser::Browser;
use common::{Backend, Resp, TestApp, PASSWORD};
use serde_json::{json, Value};
use suqiu_server::auth::Hashing;
use suqiu_server::throttle::CLIENT_FAILURES;
use suqiu_server::{router, AppState};
use suqiu_store::changes::ChangeKind;
use suqiu_store::Store;
use suqiu_testkit::http::send;
use tokio::task::JoinSet;

on_both_backends!(
    hashing_stays_within_its_permits_and_sheds_the_rest,
    junk_failures_do_not_unlock_a_locked_username,
    junk_lookups_do_not_unlock_a_tracking_code,
    a_client_address_is_refused_for_every_key_after_its_limit,
    locks_are_shared_by_two_servers_and_kept_over_a_restart,
    keep_alive_readers_get_no_errors_with_the_limits_on,
    the_password_rule_applies_to_new_accounts,
    the_district_sets_the_minimum_length,
    a_password_change_ends_every_other_session_at_once,
    an_administrator_signs_a_user_out_everywhere,
    the_password_page_and_the_sign_out_button,
);

/// More junk failures than the old in-memory table held (10,000) before it was cleared.
const JUNK: usize = 10_050;

fn json_request(path: &str, body: Value, client: Option<IpAddr>) -> Request<Body> {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("a valid request");
    if let Some(ip) = client {
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(ip, 40_000)));
    }
    req
}

async fn sign_in_from(app: &Router, username: &str, password: &str, ip: Option<IpAddr>) -> Resp {
    let body = json!({"username": username, "password": password});
    send(app, json_request("/api/v1/session", body, ip)).await
}

fn ip(s: &str) -> Option<IpAddr> {
    Some(s.parse().expect("an address"))
}

#[track_caller]
fn assert_locked(res: &Resp) {
    let p = res.problem(429);
    assert!(
        p["detail"].as_str().unwrap_or("").contains("分钟后再试"),
        "{p}"
    );
    let secs: i64 = res
        .headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=15 * 60).contains(&secs), "{secs}");
}

async fn hashing_stays_within_its_permits_and_sheds_the_rest(b: Backend) {
    let t = TestApp::new(b).await;
    let mut state = t.state.clone();
    state.hashing = Arc::new(Hashing::new(2, 4));
    let app = router(state.clone());
    let mut set = JoinSet::new();
    for i in 0..200 {
        let app = app.clone();
        set.spawn(async move {
            // Unknown usernames (the dummy hash) and the right password alike.
            let (user, pw) = if i % 2 == 0 {
                (format!("nobody-{i}"), "not-the-password")
            } else {
                ("station11".to_string(), PASSWORD)
            };
            sign_in_from(&app, &user, pw, None).await
        });
    }
    let all = tokio::time::timeout(Duration::from_secs(120), set.join_all())
        .await
        .expect("every sign-in is answered: excess ones are shed, not left waiting");
    let mut shed = 0;
    for res in &all {
        match res.status.as_u16() {
            200 | 401 => {}
            503 => {
                shed += 1;
                let p = res.problem(503);
                assert_eq!(p["type"], "urn:suqiu:problem:busy");
                assert!(p["detail"].as_str().unwrap_or("").contains("服务器正忙"));
                assert!(res.headers.contains_key(header::RETRY_AFTER));
            }
            other => panic!("unexpected {other}: {}", res.text()),
        }
    }
    let stats = state.hashing.stats();
    assert!(stats.max_in_flight() >= 1);
    assert!(
        stats.max_in_flight() <= 2,
        "{} hashes at once with 2 permits",
        stats.max_in_flight()
    );
    assert!(
        shed > 0,
        "200 sign-ins at once against 2 permits + 4 waiting"
    );
    assert_eq!(stats.shed(), shed);
    assert!(all.iter().any(|r| r.status == StatusCode::OK));
    t.finish().await;
}

/// Counts `JUNK` failures on distinct junk keys through the throttle, as junk sign-ins
/// would (the same call the sign-in makes after its dummy hash), 64 at a time.
async fn flood_login_throttle(state: &AppState) {
    let mut set = JoinSet::new();
    for chunk in (0..JUNK).collect::<Vec<_>>().chunks(JUNK / 64 + 1) {
        let state = state.clone();
        let chunk = chunk.to_vec();
        set.spawn(async move {
            for i in chunk {
                state
                    .login_throttle
                    .failed(&state.store, &format!("junk-{i}"), None, state.now())
                    .await
                    .expect("counted");
            }
        });
    }
    set.join_all().await;
}

async fn junk_failures_do_not_unlock_a_locked_username(b: Backend) {
    let t = TestApp::new(b).await;
    for _ in 0..5 {
        t.sign_in("station11", "not-the-password")
            .await
            .problem(401);
    }
    assert_locked(&t.sign_in("station11", PASSWORD).await);
    flood_login_throttle(&t.state).await;
    // Ten more junk sign-ins through the API itself, then the lock still holds.
    for i in 0..10 {
        t.sign_in(&format!("junk-api-{i}"), "x").await.problem(401);
    }
    assert_locked(&t.sign_in("station11", PASSWORD).await);
    t.sign_in("station12", PASSWORD).await.ok(200);
    // It ends when its 15 minutes are over, and not before.
    t.clock.advance(chrono::TimeDelta::minutes(14));
    assert_locked(&t.sign_in("station11", PASSWORD).await);
    t.clock.advance(chrono::TimeDelta::minutes(2));
    t.sign_in("station11", PASSWORD).await.ok(200);
    t.finish().await;
}

async fn track(app: &Router, code: &str, digits: &str, client: Option<IpAddr>) -> Resp {
    let body = json!({"tracking_code": code, "phone_last4": digits});
    send(app, json_request("/api/v1/track", body, client)).await
}

async fn junk_lookups_do_not_unlock_a_tracking_code(b: Backend) {
    let t = TestApp::new(b).await;
    let a = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let code = a["tracking_code"].as_str().expect("code").to_string();
    track(&t.app, &code, "5678", None).await.ok(200);
    for _ in 0..5 {
        track(&t.app, &code, "0000", None).await.problem(404);
    }
    assert_locked(&track(&t.app, &code, "5678", None).await);
    let mut set = JoinSet::new();
    for worker in 0..32 {
        let app = t.app.clone();
        set.spawn(async move {
            for i in (worker..JUNK).step_by(32) {
                let res = track(&app, &format!("SQJUNK{i:06}"), "0000", None).await;
                assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text());
            }
        });
    }
    set.join_all().await;
    assert_locked(&track(&t.app, &code, "5678", None).await);
    t.finish().await;
}

async fn a_client_address_is_refused_for_every_key_after_its_limit(b: Backend) {
    let t = TestApp::new(b).await;
    let a = ip("203.0.113.9");
    let other = ip("198.51.100.20");
    // Lookups: many codes from one address, none failing five times.
    for i in 0..CLIENT_FAILURES {
        let res = track(&t.app, &format!("SQGUESS{i:05}"), "0000", a).await;
        res.problem(404);
    }
    let res = track(&t.app, "SQGUESS-NEXT", "0000", a).await;
    assert_locked(&res);
    assert!(res.json["detail"]
        .as_str()
        .unwrap_or("")
        .contains("网络地址"));
    track(&t.app, "SQGUESS-NEXT", "0000", other)
        .await
        .problem(404);
    // Sign-ins: one address guessing many usernames is refused, even for a right password;
    // another address signs in.
    for i in 0..CLIENT_FAILURES {
        let res = sign_in_from(&t.app, &format!("guess{i}"), "x", a).await;
        res.problem(401);
    }
    assert_locked(&sign_in_from(&t.app, "station11", PASSWORD, a).await);
    sign_in_from(&t.app, "station11", PASSWORD, other)
        .await
        .ok(200);
    // IPv6: the whole /64 counts as one subscriber.
    let v6 = ip("2001:db8:5:6::1");
    for i in 0..CLIENT_FAILURES {
        let res = track(&t.app, &format!("SQV6{i:05}"), "0000", v6).await;
        res.problem(404);
    }
    assert_locked(&track(&t.app, "SQV6-NEXT", "0000", ip("2001:db8:5:6:ffff::2")).await);
    t.finish().await;
}

async fn second_server(t: &TestApp) -> (Store, Router) {
    let store = Store::open(&t.url).await.expect("open the same database");
    let state = AppState::load(store.clone(), t.clock.clone())
        .await
        .expect("state");
    (store, router(state))
}

async fn locks_are_shared_by_two_servers_and_kept_over_a_restart(b: Backend) {
    let t = TestApp::new(b).await;
    let (_store, other) = second_server(&t).await;
    for _ in 0..3 {
        t.sign_in("station11", "not-the-password")
            .await
            .problem(401);
    }
    for _ in 0..2 {
        sign_in_from(&other, "station11", "not-the-password", None)
            .await
            .problem(401);
    }
    // Five failures between the two servers lock the username on both.
    assert_locked(&sign_in_from(&other, "station11", PASSWORD, None).await);
    assert_locked(&t.sign_in("station11", PASSWORD).await);
    // A restarted server (a fresh state over the same database) keeps the lock.
    let (_again, restarted) = second_server(&t).await;
    assert_locked(&sign_in_from(&restarted, "station11", PASSWORD, None).await);
    // The failure is stored without the username in clear.
    let stored: Vec<String> = sqlx::query_scalar("SELECT key_hash FROM auth_failures")
        .fetch_all(&sqlx::AnyPool::connect(&t.url).await.expect("connect"))
        .await
        .unwrap_or_default();
    assert!(!stored.is_empty());
    assert!(stored
        .iter()
        .all(|k| k.len() == 64 && !k.contains("station11")));
    t.finish().await;
}

async fn keep_alive_readers_get_no_errors_with_the_limits_on(b: Backend) {
    let t = TestApp::new(b).await;
    let token = t.token("street1").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = t.app.clone();
    let server = tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    let mut set = JoinSet::new();
    for _ in 0..200 {
        let token = token.clone();
        set.spawn(async move {
            // One client each: its own keep-alive connection.
            let client = reqwest::Client::new();
            let mut errors = 0;
            for _ in 0..5 {
                let res = client
                    .get(format!("http://{addr}/api/v1/appeals?per_page=5"))
                    .bearer_auth(&token)
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                    }
                    _ => errors += 1,
                }
            }
            errors
        });
    }
    let errors: usize = set.join_all().await.into_iter().sum();
    assert_eq!(errors, 0, "200 keep-alive readers × 5 requests");
    server.abort();
    t.finish().await;
}

async fn the_password_rule_applies_to_new_accounts(b: Backend) {
    let t = TestApp::new(b).await;
    let admin = t.token("admin").await;
    let new_user = |username: &str, password: &str| {
        json!({"username": username, "password": password, "display_name": "新同事",
               "role": "station_staff", "org_unit_id": t.fx.c11})
    };
    for weak in [
        "woaini1314",
        "88888888",
        "qq123456",
        "19861010",
        "suqiu-demo",
        "short",
    ] {
        let res = t
            .post("/api/v1/users", &admin, new_user("newcomer", weak))
            .await;
        res.field_error("password");
        let msg = res.json["errors"][0]["message"].as_str().unwrap_or("");
        assert!(
            msg.contains("密码") || msg.contains("演示"),
            "{weak}: {msg}"
        );
    }
    t.post(
        "/api/v1/users",
        &admin,
        new_user("newcomer", "青浦的梧桐-2026"),
    )
    .await
    .ok(201);
    // In demo mode the demo password is allowed.
    let mut state = t.state.clone();
    state.demo_mode = true;
    let demo = router(state);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/users")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .body(Body::from(new_user("demo-user", "suqiu-demo").to_string()))
        .expect("request");
    send(&demo, req).await.ok(201);
    t.finish().await;
}

async fn the_district_sets_the_minimum_length(b: Backend) {
    let t = TestApp::new(b).await;
    let admin = t.token("admin").await;
    let street = t.token("street1").await;
    let path = "/api/v1/settings/password-policy";
    assert_eq!(t.get(path, &street).await.ok(200)["min_length"], 8);
    let put = |token: String, body: Value| {
        let t = &t;
        async move { t.call(Method::PUT, path, Some(&token), Some(body)).await }
    };
    put(street.clone(), json!({"min_length": 12}))
        .await
        .problem(403);
    put(admin.clone(), json!({"min_length": 7}))
        .await
        .field_error("min_length");
    put(admin.clone(), json!({"min_length": 65}))
        .await
        .field_error("min_length");
    put(admin.clone(), json!({"min_length": 12})).await.ok(200);
    assert_eq!(t.get(path, &street).await.ok(200)["min_length"], 12);
    let body = json!({"username": "newcomer", "password": "梧桐-2026-秋", "display_name": "新同事",
                      "role": "station_staff", "org_unit_id": t.fx.c11});
    let res = t.post("/api/v1/users", &admin, body).await;
    res.field_error("password");
    assert!(res.text().contains("至少 12"), "{}", res.text());
    let changes = t.store.config_changes().await.expect("changes");
    assert!(changes.iter().any(|c| c.subject == "password_policy"));
    t.finish().await;
}

async fn change_password(t: &TestApp, token: &str, current: &str, new: &str) -> Resp {
    t.post(
        "/api/v1/session/password",
        token,
        json!({"current_password": current, "new_password": new}),
    )
    .await
}

fn token_of(res: &Resp) -> String {
    res.ok(200)["token"].as_str().expect("a token").to_string()
}

async fn a_password_change_ends_every_other_session_at_once(b: Backend) {
    let t = TestApp::new(b).await;
    let here = token_of(&t.sign_in("station11", PASSWORD).await);
    let there = token_of(&t.sign_in("station11", PASSWORD).await);
    let elsewhere = token_of(&t.sign_in("station12", PASSWORD).await);
    // Both sessions in use (and so in this server's session cache).
    t.get("/api/v1/session", &here).await.ok(200);
    t.get("/api/v1/session", &there).await.ok(200);
    change_password(&t, &here, "wrong-password", "新的-密码-2026")
        .await
        .field_error("current_password");
    change_password(&t, &here, PASSWORD, "woaini1314")
        .await
        .field_error("new_password");
    change_password(&t, &here, PASSWORD, PASSWORD)
        .await
        .field_error("new_password");
    let res = change_password(&t, &here, PASSWORD, "新的-密码-2026").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    t.get("/api/v1/session", &there).await.problem(401);
    t.get("/api/v1/session", &here).await.ok(200);
    t.get("/api/v1/session", &elsewhere).await.ok(200);
    t.sign_in("station11", PASSWORD).await.problem(401);
    t.sign_in("station11", "新的-密码-2026").await.ok(200);
    // Without a session: 401.
    t.call(
        Method::POST,
        "/api/v1/session/password",
        None,
        Some(json!({"current_password": "a", "new_password": "b"})),
    )
    .await
    .problem(401);
    t.finish().await;
}

async fn an_administrator_signs_a_user_out_everywhere(b: Backend) {
    let t = TestApp::new(b).await;
    let one = token_of(&t.sign_in("station11", PASSWORD).await);
    let two = token_of(&t.sign_in("station11", PASSWORD).await);
    t.get("/api/v1/session", &one).await.ok(200);
    let path = |user: &str| format!("/api/v1/users/{}/sign-out", t.fx.user(user));
    // A station's staff may not; a street may not reach another street's users.
    let station = t.token("station12").await;
    t.post(&path("station11"), &station, json!({}))
        .await
        .problem(403);
    let street = t.token("street1").await;
    t.post(&path("station21"), &street, json!({}))
        .await
        .problem(404);
    t.post(&path("admin"), &street, json!({}))
        .await
        .problem(404);
    let res = t.post(&path("station11"), &street, json!({})).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    t.get("/api/v1/session", &one).await.problem(401);
    t.get("/api/v1/session", &two).await.problem(401);
    t.sign_in("station11", PASSWORD).await.ok(200);
    let changes = t.store.config_changes().await.expect("changes");
    assert!(
        changes
            .iter()
            .any(|c| c.kind == Some(ChangeKind::SessionsEnded)
                && c.params.get("username").map(String::as_str) == Some("station11")),
        "{changes:?}"
    );
    t.finish().await;
}

async fn the_password_page_and_the_sign_out_button(b: Backend) {
    let t = TestApp::new(b).await;
    let mut other = Browser::sign_in(&t, "station11").await;
    let mut me = Browser::sign_in(&t, "station11").await;
    let home = me.get("/").await;
    assert!(home.text().contains("href=\"/account/password\""));
    let page = me.get("/account/password").await;
    assert_eq!(page.status, StatusCode::OK);
    let fields = [
        ("current_password", PASSWORD),
        ("new_password", "页面上-改的-密码"),
        ("repeat_password", "页面上-改的-密码"),
    ];
    let forged = me.post_form("/account/password", &fields, false).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let mismatch = me
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "页面上-改的-密码"),
                ("repeat_password", "别的"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    let common_pw = me
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "88888888"),
                ("repeat_password", "88888888"),
            ],
        )
        .await;
    assert_eq!(common_pw.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common_pw.text().contains("太常见"));
    let done = me.post("/account/password", &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    // The page the save leads to says so, once.
    let shown = me.get("/account/password").await.text();
    assert!(shown.contains("data-testid=\"flash\""), "{shown}");
    assert!(shown.contains("密码已修改"), "{shown}");
    let again = me.get("/account/password").await.text();
    assert!(!again.contains("data-testid=\"flash\""), "shown once");
    assert_eq!(
        other.get("/").await.status,
        StatusCode::SEE_OTHER,
        "the other browser is signed out"
    );
    // The administrator's button on the settings' user list.
    let mut admin = Browser::sign_in(&t, "admin").await;
    let list = admin.get("/admin/users").await;
    assert!(list.text().contains("sign-out-station12"));
    let mut victim = Browser::sign_in(&t, "station12").await;
    let path = format!("/admin/users/{}/sign-out", t.fx.user("station12"));
    let forged = admin.post_form(&path, &[], false).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(victim.get("/").await.status, StatusCode::OK);
    let res = admin.post(&path, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert_eq!(victim.get("/").await.status, StatusCode::SEE_OTHER);
    // The district minimum, from the settings page.
    let bad = admin
        .post("/admin/password-policy", &[("min_length", "6")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = admin
        .post("/admin/password-policy", &[("min_length", "10")])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    assert_eq!(
        t.store.password_policy().await.expect("policy").min_length,
        10
    );
    t.finish().await;
}
