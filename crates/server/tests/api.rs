//! The JSON API over HTTP (through the router, no sockets), on SQLite and on PostgreSQL.
//!
//! Every scenario runs twice, `…::sqlite` and `…::postgres`, each on a fresh database with
//! the fixture district of `common` (PostgreSQL must be reachable: see `SUQIU_TEST_PG_URL`).

mod common;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use chrono::TimeDelta;
use common::{person_id_number, shanghai_time, t0, Backend, TestApp, PASSWORD, PERSON_PHONE};
use serde_json::{json, Value};
use suqiu_core::validate::mask_id_number;

on_both_backends!(
    closed_loop_over_http,
    refusals_by_status_role_and_scope,
    scopes_of_every_role,
    personal_data_is_masked_by_role,
    bad_input_is_refused_and_writes_nothing,
    sessions,
    metrics_and_operations,
    calendar_and_time_limits,
    users_people_and_lookups,
);

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

fn ids(list: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(id_of)
        .collect();
    ids.sort();
    ids
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| {
            s.as_str()
                .unwrap_or_else(|| panic!("not a string: {s}"))
                .to_string()
        })
        .collect()
}

#[track_caller]
fn close(actual: &Value, expected: f64) {
    let a = actual
        .as_f64()
        .unwrap_or_else(|| panic!("expected {expected}, got {actual}"));
    assert!((a - expected).abs() < 1e-9, "expected {expected}, got {a}");
}

// -----------------------------------------------------------------------------------------
// 1. The closed loop

async fn closed_loop_over_http(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();

    // Intake at a grid: the community handles it.
    let a = t
        .create_appeal("station11", TestApp::appeal_body(fx.g111))
        .await;
    for field in [
        "id",
        "tracking_code",
        "status",
        "org_unit_id",
        "handling_org_unit_id",
        "assignee",
        "department",
        "category",
        "kind",
        "urgency",
        "channel",
        "title",
        "content",
        "location",
        "appellant",
        "created_at",
        "accepted_at",
        "resolved_at",
        "closed_at",
        "respond_by",
        "resolve_by",
        "overdue",
        "resolution",
        "satisfaction",
        "events",
        "status_label",
        "kind_label",
        "category_name",
        "extension",
        "solved",
        "reopen_count",
        "handling_org_unit_name",
        "org_unit_name",
        "allowed_actions",
    ] {
        assert!(a.get(field).is_some(), "the Appeal lacks {field}: {a}");
    }
    assert_eq!(a["status"], "registered");
    assert_eq!(a["status_label"], "已登记");
    assert_eq!(a["org_unit_id"], json!(fx.g111));
    assert_eq!(a["handling_org_unit_id"], json!(fx.c11));
    assert_eq!(a["handling_org_unit_name"], "佛字桥居民区");
    assert_eq!(a["category_name"], "水管");
    let code = a["tracking_code"].as_str().expect("code");
    assert!(code.starts_with("SQ261124-") && code.len() == 19, "{code}");
    assert_eq!(a["created_at"], "2026-11-24T10:00:00+08:00");
    // Help: respond in 1 working day, resolve in 7 (Tue 24 Nov → Thu 3 Dec).
    assert_eq!(a["respond_by"], "2026-11-25T10:00:00+08:00");
    assert_eq!(a["resolve_by"], "2026-12-03T10:00:00+08:00");
    assert_eq!(a["overdue"], false);
    assert_eq!(a["appellant"]["name"], "王阿姨");
    assert_eq!(a["appellant"]["phone"], "13912345678");
    assert!(strings(&a["allowed_actions"]).contains(&"accept".to_string()));
    assert_eq!(a["events"].as_array().map(Vec::len), Some(1));
    let id = id_of(&a);

    t.clock.advance(TimeDelta::hours(1));
    let a = t
        .act_ok(
            "station11",
            id,
            json!({"action": "accept", "note": "已受理"}),
        )
        .await;
    assert_eq!(a["status"], "accepted");
    assert_eq!(a["accepted_at"], "2026-11-24T11:00:00+08:00");

    let a = t
        .act_ok(
            "station11",
            id,
            json!({"action": "refer", "department_id": fx.dept, "note": "请房管所上门维修"}),
        )
        .await;
    assert_eq!(a["status"], "in_progress");
    assert_eq!(a["department"], json!({"id": fx.dept, "name": "房管所"}));

    // The liaison sees it now, and may resolve it.
    let liaison = t.token("liaison").await;
    let res = t.get(&format!("/api/v1/appeals/{id}"), &liaison).await;
    res.ok(200);
    let res = t
        .get(&format!("/api/v1/appeals/{id}/actions"), &liaison)
        .await;
    let actions: Vec<String> = res
        .ok(200)
        .as_array()
        .expect("list")
        .iter()
        .map(|a| a["action"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(actions.contains(&"resolve".to_string()), "{actions:?}");
    t.clock.advance(TimeDelta::hours(20));
    let a = t
        .act_ok(
            "liaison",
            id,
            json!({"action": "resolve", "resolution": "solved", "note": "已更换水管"}),
        )
        .await;
    assert_eq!(a["status"], "resolved");
    assert_eq!(a["resolution"], "solved");

    // Follow-up needs feedback first.
    let res = t
        .act(
            "station11",
            id,
            json!({"action": "follow_up", "satisfaction": "satisfied", "solved": true}),
        )
        .await;
    let p = res.problem(409);
    assert_eq!(
        strings(&p["allowed"]),
        vec!["feedback", "classify", "mark_spam"]
    );

    t.act_ok(
        "station11",
        id,
        json!({"action": "feedback", "channel": "phone", "note": "已电话告知王阿姨"}),
    )
    .await;
    t.clock.advance(TimeDelta::hours(2));
    let a = t
        .act_ok(
            "station11",
            id,
            json!({"action": "follow_up", "satisfaction": "satisfied", "solved": true, "note": "很满意"}),
        )
        .await;
    assert_eq!(a["status"], "closed");
    assert_eq!(a["satisfaction"], "satisfied");
    assert_eq!(a["solved"], true);
    assert!(a["closed_at"]
        .as_str()
        .is_some_and(|s| s.ends_with("+08:00")));

    let token = t.token("station11").await;
    let a = t
        .get(&format!("/api/v1/appeals/{id}"), &token)
        .await
        .ok(200)
        .clone();
    assert_eq!(strings(&a["allowed_actions"]), vec!["reopen"]);
    let events = a["events"].as_array().expect("events");
    let types: Vec<&str> = events
        .iter()
        .map(|e| e["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        types,
        [
            "registered",
            "accept",
            "refer",
            "resolve",
            "feedback",
            "follow_up"
        ]
    );
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["actor"]["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        ["站点一", "站点一", "站点一", "联络员", "站点一", "站点一"]
    );
    let event_ids: Vec<i64> = events.iter().map(id_of).collect();
    assert!(
        event_ids.windows(2).all(|w| w[0] < w[1]),
        "oldest first: {event_ids:?}"
    );
    let ats: Vec<&str> = events
        .iter()
        .map(|e| e["at"].as_str().unwrap_or(""))
        .collect();
    assert!(ats.windows(2).all(|w| w[0] <= w[1]), "{ats:?}");
    assert_eq!(events[2]["data"]["department_id"], json!(fx.dept));
    assert_eq!(events[1]["actor"]["id"], json!(fx.user("station11")));
    t.finish().await;
}

// -----------------------------------------------------------------------------------------
// 2. 409 / 403 / 404

async fn refusals_by_status_role_and_scope(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let a = t
        .create_appeal("station11", TestApp::appeal_body(fx.c11))
        .await;
    let id = id_of(&a);

    // Every action the registered status does not allow, by a role that may take them all.
    let not_in_registered = [
        json!({"action": "assign", "user_id": fx.user("volunteer")}),
        json!({"action": "refer", "department_id": fx.dept, "note": "转办"}),
        json!({"action": "escalate", "note": "上报街道"}),
        json!({"action": "return", "note": "退回"}),
        json!({"action": "progress", "note": "正在处理"}),
        json!({"action": "extend", "days": 3, "reason": "需要协调"}),
        json!({"action": "extend_approve", "approve": true}),
        json!({"action": "resolve", "resolution": "solved", "note": "已解决"}),
        json!({"action": "feedback", "channel": "phone", "note": "已告知"}),
        json!({"action": "follow_up", "satisfaction": "satisfied", "solved": true}),
        json!({"action": "reopen", "note": "重办"}),
    ];
    for body in &not_in_registered {
        let res = t.act("street1", id, body.clone()).await;
        let p = res.problem(409);
        assert_eq!(
            strings(&p["allowed"]),
            [
                "accept",
                "reject",
                "merge",
                "supervise",
                "classify",
                "mark_spam"
            ],
            "{body}"
        );
        let detail = p["detail"].as_str().unwrap_or("");
        assert!(
            detail.contains("accept") && detail.contains("已登记"),
            "{detail}"
        );
    }
    // Nothing happened.
    let token = t.token("station11").await;
    let now = t
        .get(&format!("/api/v1/appeals/{id}"), &token)
        .await
        .ok(200)
        .clone();
    assert_eq!(now["status"], "registered");
    assert_eq!(now["events"].as_array().map(Vec::len), Some(1));

    // Roles that may not.
    for (user, action) in [
        ("volunteer", json!({"action": "accept"})),
        ("auditor", json!({"action": "accept"})),
        ("liaison", json!({"action": "accept"})),
        ("station11", json!({"action": "supervise", "note": "督办"})),
    ] {
        t.act(user, id, action).await.problem(403);
    }
    // The street may accept in general, but only the handling unit accepts (core's relation).
    t.act("street1", id, json!({"action": "accept"}))
        .await
        .problem(403);

    // Out of scope, or unknown: 404, never 403.
    for user in ["station12", "station21"] {
        t.act(user, id, json!({"action": "accept"}))
            .await
            .problem(404);
        let token = t.token(user).await;
        t.get(&format!("/api/v1/appeals/{id}"), &token)
            .await
            .problem(404);
        t.get(&format!("/api/v1/appeals/{id}/actions"), &token)
            .await
            .problem(404);
    }
    t.act("station11", 999_999, json!({"action": "accept"}))
        .await
        .problem(404);
    t.get("/api/v1/appeals/abc", &token).await.problem(404);

    // Accepted: accept is refused with the new allowed list.
    t.act_ok("station11", id, json!({"action": "accept"})).await;
    let res = t.act("station11", id, json!({"action": "accept"})).await;
    let allowed = strings(&res.problem(409)["allowed"]);
    assert!(
        allowed.contains(&"resolve".to_string()) && !allowed.contains(&"accept".to_string()),
        "{allowed:?}"
    );
    // A field core refuses: 422 naming it.
    t.act(
        "station11",
        id,
        json!({"action": "extend", "days": 0, "reason": "协调"}),
    )
    .await
    .field_error("days");
    t.act(
        "station11",
        id,
        json!({"action": "refer", "department_id": fx.dept, "note": "  "}),
    )
    .await
    .field_error("note");
    // References checked before acting.
    t.act(
        "station11",
        id,
        json!({"action": "refer", "department_id": 999_999, "note": "转办"}),
    )
    .await
    .field_error("department_id");
    let outsider = fx.user("station21");
    t.act(
        "station11",
        id,
        json!({"action": "assign", "user_id": outsider}),
    )
    .await
    .field_error("user_id");
    t.act(
        "station11",
        id,
        json!({"action": "assign", "team_id": 999_999}),
    )
    .await
    .field_error("team_id");
    let a = t
        .act_ok(
            "station11",
            id,
            json!({"action": "assign", "team_id": fx.team}),
        )
        .await;
    assert_eq!(a["team"]["name"], "助老服务队");
    t.finish().await;
}

// -----------------------------------------------------------------------------------------
// 3. Scopes

async fn scopes_of_every_role(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let a = id_of(
        &t.create_appeal("station11", TestApp::appeal_body(fx.c11))
            .await,
    );
    let bb = id_of(
        &t.create_appeal("station12", TestApp::appeal_body(fx.c12))
            .await,
    );
    let c = id_of(
        &t.create_appeal("station21", TestApp::appeal_body(fx.c21))
            .await,
    );

    let list = |user: &'static str, query: &str| {
        let query = query.to_string();
        let t = &t;
        async move {
            let token = t.token(user).await;
            let res = t.get(&format!("/api/v1/appeals{query}"), &token).await;
            let v = res.ok(200).clone();
            assert_eq!(
                v["total"].as_i64(),
                Some(v["items"].as_array().map(Vec::len).unwrap_or(0) as i64)
            );
            ids(&v)
        }
    };
    let get = |user: &'static str, id: i64| {
        let t = &t;
        async move {
            let token = t.token(user).await;
            t.get(&format!("/api/v1/appeals/{id}"), &token).await.status
        }
    };

    assert_eq!(list("station11", "").await, vec![a]);
    assert_eq!(list("station12", "").await, vec![bb]);
    assert_eq!(list("station21", "").await, vec![c]);
    assert_eq!(
        get("station11", bb).await,
        StatusCode::NOT_FOUND,
        "a sibling community's appeal"
    );
    assert_eq!(get("station21", a).await, StatusCode::NOT_FOUND);
    // The street sees its communities, not the other street's.
    assert_eq!(list("street1", "").await, vec![a, bb]);
    assert_eq!(
        list("street1", &format!("?org_unit={}", fx.c12)).await,
        vec![bb]
    );
    assert_eq!(get("street1", c).await, StatusCode::NOT_FOUND);
    assert_eq!(list("admin", "").await, vec![a, bb, c]);
    // The auditor reads everything in scope and changes nothing.
    assert_eq!(list("auditor", "").await, vec![a, bb, c]);
    assert_eq!(get("auditor", a).await, StatusCode::OK);
    for body in [
        json!({"action": "accept"}),
        json!({"action": "reject", "reason": "不属于受理范围"}),
        json!({"action": "supervise", "note": "督办"}),
        json!({"action": "merge", "into_appeal_id": bb}),
    ] {
        t.act("auditor", a, body).await.problem(403);
    }
    let auditor = t.token("auditor").await;
    let res = t
        .get(&format!("/api/v1/appeals/{a}/actions"), &auditor)
        .await;
    assert_eq!(res.ok(200), &json!([]));

    // The liaison sees only what is referred to its department.
    assert_eq!(list("liaison", "").await, Vec::<i64>::new());
    assert_eq!(get("liaison", a).await, StatusCode::NOT_FOUND);
    t.act_ok("station11", a, json!({"action": "accept"})).await;
    t.act_ok(
        "station11",
        a,
        json!({"action": "refer", "department_id": fx.dept, "note": "转房管所"}),
    )
    .await;
    assert_eq!(list("liaison", "").await, vec![a]);
    assert_eq!(get("liaison", a).await, StatusCode::OK);
    assert_eq!(get("liaison", bb).await, StatusCode::NOT_FOUND);

    // The volunteer sees only what is assigned to it.
    assert_eq!(list("volunteer", "").await, Vec::<i64>::new());
    assert_eq!(get("volunteer", a).await, StatusCode::NOT_FOUND);
    t.act_ok(
        "station11",
        a,
        json!({"action": "assign", "user_id": fx.user("volunteer"), "note": "请上门查看"}),
    )
    .await;
    assert_eq!(list("volunteer", "").await, vec![a]);
    assert_eq!(list("volunteer", "?assignee=me").await, vec![a]);
    assert_eq!(get("volunteer", a).await, StatusCode::OK);
    assert_eq!(get("volunteer", bb).await, StatusCode::NOT_FOUND);
    t.act_ok(
        "volunteer",
        a,
        json!({"action": "progress", "note": "已上门查看"}),
    )
    .await;
    t.act(
        "volunteer",
        a,
        json!({"action": "escalate", "note": "上报"}),
    )
    .await
    .problem(403);
    t.finish().await;
}

// -----------------------------------------------------------------------------------------
// 4. Masking

async fn personal_data_is_masked_by_role(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let full_id = person_id_number();
    let masked_id = mask_id_number(&full_id);
    assert_ne!(masked_id, full_id);

    let person = |user: &'static str| {
        let t = &t;
        async move {
            let token = t.token(user).await;
            t.get(&format!("/api/v1/people/{}", t.fx.person), &token)
                .await
                .ok(200)
                .clone()
        }
    };
    for user in ["station11", "street1"] {
        let p = person(user).await;
        assert_eq!(p["phone"], PERSON_PHONE, "{user}");
        assert_eq!(p["id_number"], json!(full_id), "{user}");
    }
    for user in ["admin", "auditor"] {
        let p = person(user).await;
        assert_eq!(p["phone"], "138****5678", "{user}");
        assert_eq!(p["id_number"], json!(masked_id), "{user}");
        assert_eq!(p["masked"], true);
    }
    let admin = t.token("admin").await;
    let listed = t.get("/api/v1/people", &admin).await.ok(200).clone();
    let items = listed["items"].as_array().expect("items");
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|p| p["phone"].as_str().is_none_or(|s| s.contains('*'))),
        "{listed}"
    );

    // The appellant's phone on appeals.
    let mut body = TestApp::appeal_body(fx.c11);
    body.as_object_mut().expect("object").remove("appellant");
    body["appellant_id"] = json!(fx.person);
    let a = t.create_appeal("station11", body).await;
    assert_eq!(a["appellant"]["phone"], PERSON_PHONE);
    assert_eq!(a["appellant"]["name"], "李老伯");
    let id = id_of(&a);
    let named = id_of(
        &t.create_appeal("station11", TestApp::appeal_body(fx.c11))
            .await,
    );
    for user in ["admin", "auditor"] {
        let token = t.token(user).await;
        let a = t
            .get(&format!("/api/v1/appeals/{id}"), &token)
            .await
            .ok(200)
            .clone();
        assert_eq!(a["appellant"]["phone"], "138****5678", "{user}");
        let n = t
            .get(&format!("/api/v1/appeals/{named}"), &token)
            .await
            .ok(200)
            .clone();
        assert_eq!(n["appellant"]["phone"], "139****5678", "{user}");
        let l = t.get("/api/v1/appeals", &token).await.ok(200).clone();
        assert!(l["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|a| a["appellant"]["phone"]
                .as_str()
                .is_none_or(|s| s.contains('*'))));
    }
    let station = t.token("station11").await;
    let n = t
        .get(&format!("/api/v1/appeals/{named}"), &station)
        .await
        .ok(200)
        .clone();
    assert_eq!(n["appellant"]["phone"], "13912345678");

    // The volunteer, once assigned: masked everywhere.
    t.act_ok("station11", id, json!({"action": "accept"})).await;
    t.act_ok(
        "station11",
        id,
        json!({"action": "assign", "user_id": fx.user("volunteer")}),
    )
    .await;
    let vol = t.token("volunteer").await;
    let a = t
        .get(&format!("/api/v1/appeals/{id}"), &vol)
        .await
        .ok(200)
        .clone();
    assert_eq!(a["appellant"]["phone"], "138****5678");
    let p = t
        .get(&format!("/api/v1/people/{}", fx.person), &vol)
        .await
        .ok(200)
        .clone();
    assert_eq!(p["phone"], "138****5678");
    assert_eq!(p["id_number"], json!(masked_id));
    t.finish().await;
}

// -----------------------------------------------------------------------------------------
// 5. Bad input

async fn bad_input_is_refused_and_writes_nothing(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let token = t.token("station11").await;
    let appeals_before = t.appeal_count().await;
    let people_before = t.people_count().await;

    let post = |body: Value| {
        let t = &t;
        let token = token.clone();
        async move { t.post("/api/v1/appeals", &token, body).await }
    };
    let with = |key: &str, value: Value| {
        let mut body = TestApp::appeal_body(fx.c11);
        body[key] = value;
        body
    };

    // Malformed JSON, and an empty body: 400.
    t.call_raw(
        Method::POST,
        "/api/v1/appeals",
        Some(&token),
        br#"{"org_unit_id": 1,"#.to_vec(),
    )
    .await
    .problem(400);
    t.call_raw(Method::POST, "/api/v1/appeals", Some(&token), Vec::new())
        .await
        .problem(400);
    // Wrong types, missing and unknown fields: 422 naming the field.
    post(with("org_unit_id", json!("abc")))
        .await
        .field_error("org_unit_id");
    post(with("kind", json!("wish"))).await.field_error("kind");
    post(with("public_consent", json!("yes")))
        .await
        .field_error("public_consent");
    let mut missing = TestApp::appeal_body(fx.c11);
    missing.as_object_mut().expect("object").remove("content");
    post(missing).await.field_error("content");
    post(with("colour", json!("red")))
        .await
        .field_error("colour");
    post(json!([1, 2, 3])).await.problem(422);
    // Values checked against the database.
    post(with("category", json!("no_such.category")))
        .await
        .field_error("category");
    post(with("org_unit_id", json!(999_999)))
        .await
        .field_error("org_unit_id");
    post(with("org_unit_id", json!(fx.c21)))
        .await
        .field_error("org_unit_id");
    post(with(
        "appellant",
        json!({"name": "王阿姨", "phone": "12345"}),
    ))
    .await
    .field_error("appellant.phone");
    post(with(
        "appellant",
        json!({"name": "王阿姨", "email": "wang at example"}),
    ))
    .await
    .field_error("appellant.email");
    post(with("appellant_id", json!(fx.person)))
        .await
        .field_error("appellant");
    post(with("content", json!("   ")))
        .await
        .field_error("content");
    post(with("content", json!("a".repeat(100_000))))
        .await
        .field_error("content");

    // People: bad ID number (checksum), bad phone, unknown tag, unknown node.
    let mut bad_id = person_id_number();
    let last = bad_id.pop().expect("a check character");
    bad_id.push(if last == '0' { '1' } else { '0' });
    let person = |extra: Value| {
        let mut p = json!({"name": "张三", "org_unit_id": fx.c11});
        for (k, v) in extra.as_object().expect("object") {
            p[k] = v.clone();
        }
        p
    };
    for (body, field) in [
        (person(json!({"id_number": bad_id})), "id_number"),
        (person(json!({"phone": "010-1234"})), "phone"),
        (person(json!({"tags": ["living_alone", "rich"]})), "tags"),
        (person(json!({"org_unit_id": fx.c21})), "org_unit_id"),
        (person(json!({"birth_date": "1950-13-01"})), "birth_date"),
        (
            person(json!({"party": {"category": "member"}})),
            "party.category",
        ),
    ] {
        let res = t.post("/api/v1/people", &token, body).await;
        res.field_error(field);
        if field == "tags" {
            assert!(
                res.json["errors"].to_string().contains("rich"),
                "{}",
                res.json
            );
        }
    }

    // 10 MB: 413 at once, announced or not.
    let mut huge = br#"{"content":""#.to_vec();
    huge.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    huge.extend(br#""}"#);
    let started = Instant::now();
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/appeals")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, huge.len())
        .body(Body::from(huge.clone()))
        .expect("request");
    t.send(req).await.problem(413);
    t.call_raw(Method::POST, "/api/v1/appeals", Some(&token), huge)
        .await
        .problem(413);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "413 took {:?}",
        started.elapsed()
    );

    assert_eq!(
        t.appeal_count().await,
        appeals_before,
        "a refused appeal was written"
    );
    assert_eq!(
        t.people_count().await,
        people_before,
        "a refused person was written"
    );

    // SQL and HTML are text: stored and returned verbatim.
    let nasty = "'); DROP TABLE appeals;-- <script>alert(1)</script> & \"quotes\"";
    let created = t
        .create_appeal("station11", with("content", json!(nasty)))
        .await;
    assert_eq!(created["content"], nasty);
    let id = id_of(&created);
    let again = t
        .get(&format!("/api/v1/appeals/{id}"), &token)
        .await
        .ok(200)
        .clone();
    assert_eq!(again["content"], nasty);
    t.get(
        "/api/v1/appeals?q=%27%29%3B%20DROP%20TABLE%20appeals%3B--",
        &token,
    )
    .await
    .ok(200);
    assert_eq!(t.appeal_count().await, appeals_before + 1);

    // Action bodies.
    let act = |body: Value| t.act("station11", id, body);
    act(json!({"action": "fly"})).await.field_error("action");
    act(json!({"note": "no action"}))
        .await
        .field_error("action");
    act(json!({"action": "refer", "department_id": fx.dept}))
        .await
        .field_error("note");
    act(json!({"action": "extend", "days": "three", "reason": "协调"}))
        .await
        .field_error("days");
    act(json!({"action": "accept", "shout": true}))
        .await
        .field_error("shout");
    act(json!({"action": "resolve", "resolution": "magic", "note": "好"}))
        .await
        .field_error("resolution");
    t.call_raw(
        Method::POST,
        &format!("/api/v1/appeals/{id}/actions"),
        Some(&token),
        b"{oops".to_vec(),
    )
    .await
    .problem(400);

    // Query parameters.
    for (query, field) in [
        ("per_page=500", "per_page"),
        ("page=0", "page"),
        ("status=lost", "status"),
        ("from=2026-13-01", "from"),
        ("assignee=someone", "assignee"),
        ("overdue=maybe", "overdue"),
        ("org_unit=x", "org_unit"),
    ] {
        t.get(&format!("/api/v1/appeals?{query}"), &token)
            .await
            .field_error(field);
    }
    let events = t
        .get(&format!("/api/v1/appeals/{id}"), &token)
        .await
        .ok(200)["events"]
        .clone();
    assert_eq!(
        events.as_array().map(Vec::len),
        Some(1),
        "a refused action was written"
    );
    t.finish().await;
}

// -----------------------------------------------------------------------------------------
// 6. Sessions

async fn sessions(b: Backend) {
    let t = TestApp::new(b).await;

    let wrong = t.sign_in("station11", "not-the-password").await;
    let unknown = t.sign_in("nobody", "not-the-password").await;
    let d1 = wrong.problem(401)["detail"].clone();
    let d2 = unknown.problem(401)["detail"].clone();
    assert_eq!(
        d1, d2,
        "wrong username and wrong password must look the same"
    );
    t.call(
        Method::POST,
        "/api/v1/session",
        None,
        Some(json!({"username": "station11"})),
    )
    .await
    .field_error("password");

    t.call(Method::GET, "/api/v1/appeals", None, None)
        .await
        .problem(401);
    t.call(Method::GET, "/api/v1/session", Some("bogus-token"), None)
        .await
        .problem(401);

    let res = t.sign_in("station11", PASSWORD).await;
    let body = res.ok(200).clone();
    let token = body["token"].as_str().expect("token").to_string();
    assert_eq!(body["user"]["username"], "station11");
    assert_eq!(body["user"]["role"], "station_staff");
    assert_eq!(body["user"]["org_unit_id"], json!(t.fx.c11));
    for key in ["id", "username", "display_name", "role", "org_unit_id"] {
        assert!(body["user"].get(key).is_some(), "user lacks {key}");
    }
    let cookie = res
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("a cookie")
        .to_string();
    assert!(
        cookie.starts_with(&format!("suqiu_session={token}")),
        "{cookie}"
    );
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");

    // Bearer and cookie both work.
    let me = t
        .call(Method::GET, "/api/v1/session", Some(&token), None)
        .await;
    assert_eq!(me.ok(200)["user"]["username"], "station11");
    let via_cookie = |token: String| {
        let t = &t;
        async move {
            let req = Request::builder()
                .uri("/api/v1/session")
                .header(header::COOKIE, format!("theme=dark; suqiu_session={token}"))
                .body(Body::empty())
                .expect("request");
            t.send(req).await
        }
    };
    assert_eq!(
        via_cookie(token.clone()).await.ok(200)["user"]["username"],
        "station11"
    );

    // Sign-out ends the session for both.
    let out = t
        .call(Method::DELETE, "/api/v1/session", Some(&token), None)
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let cleared = out
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    t.call(Method::GET, "/api/v1/session", Some(&token), None)
        .await
        .problem(401);
    via_cookie(token).await.problem(401);

    // Sessions expire after 12 hours.
    let fresh = t.sign_in("station11", PASSWORD).await.ok(200)["token"]
        .as_str()
        .expect("token")
        .to_string();
    t.call(Method::GET, "/api/v1/session", Some(&fresh), None)
        .await
        .ok(200);
    t.clock.advance(TimeDelta::hours(13));
    t.call(Method::GET, "/api/v1/session", Some(&fresh), None)
        .await
        .problem(401);
    t.finish().await;
}

// -----------------------------------------------------------------------------------------
// 7. Metrics and operations

async fn metrics_and_operations(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let a1 = id_of(
        &t.create_appeal("station11", TestApp::appeal_body(fx.c11))
            .await,
    );
    let a2 = id_of(
        &t.create_appeal("station11", TestApp::appeal_body(fx.c11))
            .await,
    );
    let _a3 = id_of(
        &t.create_appeal("station11", TestApp::appeal_body(fx.c11))
            .await,
    );
    let _b1 = id_of(
        &t.create_appeal("station12", TestApp::appeal_body(fx.c12))
            .await,
    );
    t.clock.advance(TimeDelta::hours(1));
    for (id, resolution, satisfaction, solved) in [
        (a1, "solved", "satisfied", true),
        (a2, "partly_solved", "dissatisfied", false),
    ] {
        t.act_ok("station11", id, json!({"action": "accept"})).await;
        t.act_ok(
            "station11",
            id,
            json!({"action": "resolve", "resolution": resolution, "note": "办结"}),
        )
        .await;
        t.act_ok(
            "station11",
            id,
            json!({"action": "feedback", "channel": "phone", "note": "已告知"}),
        )
        .await;
        let closed = t
            .act_ok(
                "station11",
                id,
                json!({"action": "follow_up", "satisfaction": satisfaction, "solved": solved}),
            )
            .await;
        assert_eq!(closed["status"], "closed");
    }
    // Two days later, the two untouched appeals are past their response deadline.
    t.clock.set(t0() + TimeDelta::days(2));

    // Hand-checked: 4 received (3 in C11, 1 in C12); 2 responded on time of 4 due;
    // 2 resolved on time of 2 due; of 2 follow-ups 1 solved, 1 satisfied; none reopened.
    let street = t.token("street1").await;
    let m = t
        .get(
            &format!(
                "/api/v1/metrics?org_unit={}&from=2026-11-01&to=2026-11-30",
                fx.s1
            ),
            &street,
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(m["org_unit_id"], json!(fx.s1));
    assert_eq!(m["from"], "2026-11-01");
    assert_eq!(m["to"], "2026-11-30");
    assert_eq!(m["received"], 4);
    assert_eq!(m["accepted"], 2);
    assert_eq!(m["resolved"], 2);
    assert_eq!(m["closed"], 2);
    assert_eq!(m["overdue_open"], 2);
    close(&m["response_rate"], 0.5);
    close(&m["on_time_rate"], 1.0);
    close(&m["resolution_rate"], 0.5);
    close(&m["satisfaction_rate"], 0.5);
    close(&m["reopen_rate"], 0.0);
    let children = m["children"].as_array().expect("children");
    assert_eq!(children.len(), 2);
    let child = |id: i64| {
        children
            .iter()
            .find(|c| c["org_unit_id"] == json!(id))
            .expect("child")
            .clone()
    };
    let c11 = child(fx.c11);
    assert_eq!(c11["name"], "佛字桥居民区");
    assert_eq!(c11["received"], 3);
    assert_eq!(c11["overdue_open"], 1);
    close(&c11["response_rate"], 2.0 / 3.0);
    close(&c11["resolution_rate"], 0.5);
    close(&c11["satisfaction_rate"], 0.5);
    // 100 × (30·2/3 + 35·0.5 + 35·0.5) / 100 = 55.
    close(&c11["score"], 55.0);
    // Three responses due: below the district's default minimum of five, so not ranked.
    assert_eq!(
        (&c11["rank"], &c11["judged"], &c11["sample"]),
        (&Value::Null, &json!(false), &json!(3))
    );
    let c12 = child(fx.c12);
    assert_eq!(c12["received"], 1);
    close(&c12["response_rate"], 0.0);
    assert_eq!(
        c12["resolution_rate"],
        Value::Null,
        "nothing due is null, not 0"
    );
    assert_eq!(c12["satisfaction_rate"], Value::Null);
    assert_eq!(c12["on_time_rate"], Value::Null);
    close(&c12["score"], 0.0);
    assert_eq!((&c12["rank"], &c12["sample"]), (&Value::Null, &json!(1)));

    // Defaults: the caller's node, this month up to today.
    let station = t.token("station11").await;
    let m = t.get("/api/v1/metrics", &station).await.ok(200).clone();
    assert_eq!(m["org_unit_id"], json!(fx.c11));
    assert_eq!(m["from"], "2026-11-01");
    assert_eq!(m["to"], "2026-11-26");
    assert_eq!(m["received"], 3);
    // Out of scope 404, roles without metrics 403, bad dates 422.
    let other = t.token("station21").await;
    t.get(&format!("/api/v1/metrics?org_unit={}", fx.s1), &other)
        .await
        .problem(404);
    let vol = t.token("volunteer").await;
    t.get("/api/v1/metrics", &vol).await.problem(403);
    t.get("/api/v1/metrics?from=November", &station)
        .await
        .field_error("from");
    t.get("/api/v1/metrics?from=2026-11-20&to=2026-11-01", &station)
        .await
        .field_error("from");

    // Operations.
    let health = t.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.text(), "ok");
    let prom = t.call(Method::GET, "/metrics", None, None).await;
    assert_eq!(prom.status, StatusCode::OK);
    let text = prom.text();
    assert!(text.contains("http_requests_total"), "{text}");
    assert!(
        text.contains(r#"route="/api/v1/appeals/{id}/actions""#),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket"),
        "{text}"
    );

    let doc = t.call(Method::GET, "/api/openapi.json", None, None).await;
    let doc = doc.ok(200).clone();
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    for path in [
        "/api/v1/session",
        "/api/v1/org-units",
        "/api/v1/departments",
        "/api/v1/categories",
        "/api/v1/users",
        "/api/v1/people",
        "/api/v1/people/{id}",
        "/api/v1/appeals",
        "/api/v1/appeals/{id}",
        "/api/v1/appeals/{id}/actions",
        "/api/v1/metrics",
        "/healthz",
        "/metrics",
        "/api/openapi.json",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "openapi.json lacks {path}"
        );
    }
    assert!(doc["paths"]["/api/v1/session"].get("delete").is_some());
    assert!(doc["paths"]["/api/v1/people/{id}"].get("patch").is_some());

    // Request ids, unknown routes and methods.
    let req = Request::builder()
        .uri("/healthz")
        .header("x-request-id", "test-123")
        .body(Body::empty())
        .expect("request");
    let res = t.send(req).await;
    assert_eq!(
        res.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("test-123")
    );
    let res = t.call(Method::GET, "/healthz", None, None).await;
    let generated = res
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert_eq!(generated.len(), 36, "a UUID: {generated}");
    t.get("/api/v1/nothing-here", &station).await.problem(404);
    t.call(Method::PUT, "/api/v1/appeals", Some(&station), None)
        .await
        .problem(405);
    t.finish().await;
}

// -----------------------------------------------------------------------------------------
// 8. Calendar and time limits

async fn calendar_and_time_limits(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    // Thursday 31 December 2026, 10:00: 2027 is not in the built-in calendar.
    t.clock.set(shanghai_time(2026, 12, 31, 10, 0));
    let inquiry = || {
        let mut body = TestApp::appeal_body(fx.c11);
        body["kind"] = json!("inquiry");
        body
    };
    let before = t.create_appeal("station11", inquiry()).await;
    assert_eq!(before["respond_by"], "2027-01-01T10:00:00+08:00");
    assert_eq!(before["resolve_by"], "2027-01-04T10:00:00+08:00");

    let file = json!({
        "about": "测试：2027年元旦放假安排",
        "years": {"2027": {"holidays": {"元旦": ["2027-01-01", "2027-01-02", "2027-01-03"]}, "working_weekends": []}}
    });
    for user in ["street1", "station11", "auditor"] {
        let token = t.token(user).await;
        t.call(
            Method::PUT,
            "/api/v1/calendar",
            Some(&token),
            Some(file.clone()),
        )
        .await
        .problem(403);
    }
    let admin = t.token("admin").await;
    // Invalid: a "working weekend" that is a Wednesday; malformed JSON.
    let bad = json!({"years": {"2027": {"holidays": {"元旦": ["2027-01-01"]}, "working_weekends": ["2027-01-06"]}}});
    let res = t
        .call(Method::PUT, "/api/v1/calendar", Some(&admin), Some(bad))
        .await;
    res.field_error("calendar");
    assert!(
        res.json["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("2027-01-06")),
        "{}",
        res.json
    );
    t.call_raw(
        Method::PUT,
        "/api/v1/calendar",
        Some(&admin),
        b"{\"years\":".to_vec(),
    )
    .await
    .problem(400);
    let station = t.token("station11").await;
    let cal = t.get("/api/v1/calendar", &station).await.ok(200).clone();
    assert!(!cal["years"]
        .as_array()
        .expect("years")
        .contains(&json!(2027)));

    let res = t
        .call(Method::PUT, "/api/v1/calendar", Some(&admin), Some(file))
        .await;
    let out = res.ok(200).clone();
    assert_eq!(out["loaded"], json!([2027]));
    assert!(out["years"]
        .as_array()
        .expect("years")
        .contains(&json!(2027)));
    assert!(out["years"]
        .as_array()
        .expect("years")
        .contains(&json!(2026)));

    // In effect at once: New Year's Day 2027 is now a holiday.
    let after = t.create_appeal("station11", inquiry()).await;
    assert_eq!(after["respond_by"], "2027-01-04T10:00:00+08:00");
    assert_eq!(after["resolve_by"], "2027-01-05T10:00:00+08:00");
    let cal = t.get("/api/v1/calendar", &station).await.ok(200).clone();
    assert!(cal["calendar"]["years"].get("2027").is_some(), "{cal}");
    // And saved: a restarted server has it.
    let reloaded = suqiu_server::AppState::load(t.store.clone(), t.clock.clone())
        .await
        .expect("reload");
    assert!(reloaded.calendar().covers(2027));
    assert!(reloaded.calendar().covers(2025), "the built-in years stay");

    // Time limits: read by all, changed by the district only, validated.
    let limits = t.get("/api/v1/time-limits", &station).await.ok(200).clone();
    assert_eq!(limits["urgent"]["respond"], json!({"clock_hours": 2}));
    assert_eq!(
        limits["by_kind"]["inquiry"]["resolve"],
        json!({"working_days": 2})
    );
    let mut changed = limits.clone();
    changed["by_kind"]["inquiry"]["resolve"] = json!({"working_days": 3});
    let street = t.token("street1").await;
    t.call(
        Method::PUT,
        "/api/v1/time-limits",
        Some(&street),
        Some(changed.clone()),
    )
    .await
    .problem(403);
    let mut zero = limits.clone();
    zero["by_kind"]["inquiry"]["respond"] = json!({"working_days": 0});
    t.call(Method::PUT, "/api/v1/time-limits", Some(&admin), Some(zero))
        .await
        .field_error("time_limits");
    let mut typo = limits.clone();
    typo["by_kind"]["inquiry"]["resolve"] = json!({"working_dayz": 3});
    t.call(Method::PUT, "/api/v1/time-limits", Some(&admin), Some(typo))
        .await
        .problem(422);
    t.call(
        Method::PUT,
        "/api/v1/time-limits",
        Some(&admin),
        Some(changed),
    )
    .await
    .ok(200);
    let third = t.create_appeal("station11", inquiry()).await;
    assert_eq!(third["resolve_by"], "2027-01-06T10:00:00+08:00");
    let reloaded = suqiu_server::AppState::load(t.store.clone(), t.clock.clone())
        .await
        .expect("reload");
    assert_eq!(
        reloaded.policy().by_kind[&suqiu_core::appeal::Kind::Inquiry].resolve,
        Some(suqiu_core::policy::Limit::WorkingDays(3))
    );
    t.finish().await;
}

// -----------------------------------------------------------------------------------------
// Users, people, lookups

async fn users_people_and_lookups(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let street = t.token("street1").await;
    let new_user = |username: &str, role: &str, org_unit_id: i64| json!({"username": username, "password": "long-enough-pw", "display_name": "新同事", "role": role, "org_unit_id": org_unit_id});

    let res = t
        .post(
            "/api/v1/users",
            &street,
            new_user("newstaff", "station_staff", fx.c12),
        )
        .await;
    let u = res.ok(201).clone();
    assert_eq!(u["username"], "newstaff");
    assert_eq!(u["org_unit_id"], json!(fx.c12));
    assert!(u.get("password").is_none() && u.get("password_hash").is_none());
    t.sign_in("newstaff", "long-enough-pw").await.ok(200);

    t.post(
        "/api/v1/users",
        &street,
        new_user("outside", "station_staff", fx.c21),
    )
    .await
    .problem(404);
    t.post(
        "/api/v1/users",
        &street,
        new_user("outside", "station_staff", 999_999),
    )
    .await
    .problem(404);
    t.post(
        "/api/v1/users",
        &street,
        new_user("boss", "district_admin", fx.c12),
    )
    .await
    .problem(403);
    let station = t.token("station11").await;
    t.post(
        "/api/v1/users",
        &station,
        new_user("helper", "volunteer", fx.c11),
    )
    .await
    .problem(403);
    let taken = t
        .post(
            "/api/v1/users",
            &street,
            new_user("station11", "station_staff", fx.c11),
        )
        .await;
    assert_eq!(taken.problem(409)["errors"][0]["field"], "username");
    t.post(
        "/api/v1/users",
        &street,
        new_user("A!", "station_staff", fx.c11),
    )
    .await
    .field_error("username");
    t.post(
        "/api/v1/users",
        &street,
        new_user("wizard", "wizard", fx.c11),
    )
    .await
    .field_error("role");
    let mut short = new_user("shorty", "station_staff", fx.c11);
    short["password"] = json!("short");
    t.post("/api/v1/users", &street, short)
        .await
        .field_error("password");
    t.post(
        "/api/v1/users",
        &street,
        new_user("liaison2", "department_liaison", fx.s1),
    )
    .await
    .field_error("department_id");
    let mut liaison = new_user("liaison2", "department_liaison", fx.s1);
    liaison["department_id"] = json!(fx.dept);
    assert_eq!(
        t.post("/api/v1/users", &street, liaison).await.ok(201)["department_id"],
        json!(fx.dept)
    );

    // Users in scope.
    let names = |v: &Value| -> Vec<String> {
        let mut n: Vec<String> = v
            .as_array()
            .expect("list")
            .iter()
            .map(|u| u["username"].as_str().unwrap_or("").to_string())
            .collect();
        n.sort();
        n
    };
    let listed = t.get("/api/v1/users", &street).await.ok(200).clone();
    assert_eq!(
        names(&listed),
        [
            "liaison",
            "liaison2",
            "newstaff",
            "station11",
            "station12",
            "street1",
            "volunteer"
        ]
    );
    let admin = t.token("admin").await;
    assert_eq!(
        t.get("/api/v1/users", &admin)
            .await
            .ok(200)
            .as_array()
            .map(Vec::len),
        Some(10)
    );
    let vol = t.token("volunteer").await;
    t.get("/api/v1/users", &vol).await.problem(403);

    // Lookups.
    let units = t.get("/api/v1/org-units", &station).await.ok(200).clone();
    assert_eq!(units.as_array().map(Vec::len), Some(8));
    let grid = units
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["id"] == json!(fx.g111))
        .expect("grid")
        .clone();
    assert_eq!(grid["kind"], "grid");
    assert_eq!(grid["parent_id"], json!(fx.c11));
    let deps = t.get("/api/v1/departments", &station).await.ok(200).clone();
    assert_eq!(
        deps,
        json!([{"id": fx.dept, "code": "fgs-yy", "name": "房管所", "org_unit_id": fx.s1}])
    );
    let cats = t.get("/api/v1/categories", &station).await.ok(200).clone();
    let water = cats
        .as_array()
        .expect("categories")
        .iter()
        .find(|c| c["code"] == "public_facilities.water_pipes")
        .expect("water pipes")
        .clone();
    assert_eq!(water["parent_code"], "public_facilities");
    let teams = t.get("/api/v1/teams", &station).await.ok(200).clone();
    assert_eq!(teams[0]["name"], "助老服务队");
    let me = t.get("/api/v1/session", &station).await.ok(200).clone();
    assert!(strings(&me["capabilities"]).contains(&"intake".to_string()));
    assert!(!strings(&me["capabilities"]).contains(&"configure".to_string()));

    // People: create with derivation, patch, list filters.
    let created = t
        .post(
            "/api/v1/people",
            &station,
            json!({"name": "赵阿婆", "id_number": person_id_number(), "phone": "021-57812345",
                   "org_unit_id": fx.g111, "tags": ["living_alone", "aged_80_plus"],
                   "party": {"category": "registered", "joined_on": "1975-07-01"}}),
        )
        .await
        .ok(201)
        .clone();
    assert_eq!(created["gender"], "male");
    assert_eq!(created["birth_date"], "1950-01-01");
    assert_eq!(created["phone"], "021-57812345");
    assert_eq!(created["tags"], json!(["living_alone", "aged_80_plus"]));
    assert_eq!(created["party"]["category"], "registered");
    let pid = id_of(&created);
    let patched = t
        .call(
            Method::PATCH,
            &format!("/api/v1/people/{pid}"),
            Some(&station),
            Some(json!({"address": "5号楼101室", "phone": null})),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(patched["address"], "5号楼101室");
    assert_eq!(patched["phone"], Value::Null);
    assert_eq!(patched["name"], "赵阿婆");
    t.call(
        Method::PATCH,
        &format!("/api/v1/people/{pid}"),
        Some(&station),
        Some(json!({"phone": "123"})),
    )
    .await
    .field_error("phone");
    t.call(
        Method::PATCH,
        &format!("/api/v1/people/{pid}"),
        Some(&vol),
        Some(json!({"address": "x"})),
    )
    .await
    .problem(403);
    let other = t.token("station21").await;
    t.call(
        Method::PATCH,
        &format!("/api/v1/people/{pid}"),
        Some(&other),
        Some(json!({"address": "x"})),
    )
    .await
    .problem(404);
    t.get(&format!("/api/v1/people/{pid}"), &other)
        .await
        .problem(404);
    let tagged = t
        .get("/api/v1/people?tag=living_alone", &station)
        .await
        .ok(200)
        .clone();
    assert_eq!(ids(&tagged), vec![pid]);
    t.get("/api/v1/people?tag=rich", &station)
        .await
        .field_error("tag");
    let mine = t.get("/api/v1/people", &station).await.ok(200).clone();
    assert_eq!(mine["total"], 2);
    assert_eq!(t.get("/api/v1/people", &other).await.ok(200)["total"], 0);

    // Available actions for the UI.
    let a = id_of(
        &t.create_appeal("station11", TestApp::appeal_body(fx.c11))
            .await,
    );
    let actions = t
        .get(&format!("/api/v1/appeals/{a}/actions"), &station)
        .await
        .ok(200)
        .clone();
    let codes: Vec<&str> = actions
        .as_array()
        .expect("list")
        .iter()
        .map(|x| x["action"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        codes,
        ["accept", "reject", "merge", "classify", "mark_spam"]
    );
    assert_eq!(actions[0]["label"], "受理");
    t.finish().await;
}
