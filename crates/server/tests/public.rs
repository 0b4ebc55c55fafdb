//! The public door (`/p/…`, `POST /api/v1/public/appeals`): a resident brings an appeal
//! with no account; it lands in the community's queue; abuse is held off (limits per
//! address and phone, a field no person fills, a form sent faster than anyone types); on
//! SQLite and PostgreSQL.

mod common;

use chrono::TimeDelta;
use common::browser::Browser;
use common::{Backend, TestApp};
use serde_json::{json, Value};

on_both_backends!(
    the_doors_open_without_an_account,
    a_resident_brings_an_appeal_over_the_api,
    a_public_appeal_names_every_fault,
    an_address_and_a_phone_are_held_to_their_limits,
    the_form_takes_a_residents_appeal_and_keeps_what_was_typed,
    the_form_turns_scripts_away,
    the_appellant_answers_the_follow_up_once,
    the_appellant_answers_on_the_tracking_page,
);

/// `/p` opens without a session, in the page's language, and leads to the three doors.
async fn the_doors_open_without_an_account(b: Backend) {
    let t = TestApp::new(b).await;
    let mut web = Browser::new(&t);
    let res = web.get("/p").await;
    assert_eq!(res.status.as_u16(), 200, "{}", res.text());
    let html = res.text();
    for (door, href) in [
        ("door-new", "/p/new"),
        ("door-track", "/track"),
        ("door-board", "/p/board"),
    ] {
        assert!(
            html.contains(&format!("href=\"{href}\" data-testid=\"{door}\"")),
            "{door} → {href} in {html}"
        );
    }
    assert!(html.contains("我要反映"), "{html}");
    // No inline script or style (the CSP forbids both).
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "{html}"
    );
    // Its own styles, which the desk's pages do not carry.
    assert!(html.contains("/assets/public.css"), "{html}");
    let css = web.get("/assets/public.css").await;
    assert_eq!(css.status.as_u16(), 200);
    assert!(css.text().contains(".door"), "the doors' styles");
    web.get("/lang/en").await;
    let html = web.get("/p").await.text();
    assert!(html.contains("Raise an appeal"), "{html}");
}

fn body(t: &TestApp) -> Value {
    json!({
        "org_unit_id": t.fx.c11,
        "kind": "complaint",
        "content": "小区门口的路灯坏了一个星期，晚上很黑。",
        "location": "荣乐东路",
        "lat": 31.03, "long": 121.22,
        "name": "李先生",
        "phone": "13700001111",
        "public_consent": true,
    })
}

/// The appeal lands in the station's queue as any other: channel online, unsorted, taken in
/// by the appellant themselves, trackable by its code and phone — and nobody is added to the
/// register.
async fn a_resident_brings_an_appeal_over_the_api(b: Backend) {
    let t = TestApp::new(b).await;
    let res = t.post_anonymous("/api/v1/public/appeals", body(&t)).await;
    let code = res.ok(201)["tracking_code"]
        .as_str()
        .expect("a code")
        .to_string();
    let token = t.token("station11").await;
    let mine = t
        .in_queue("station11", |a| a["tracking_code"] == code.as_str())
        .await
        .expect("in the station's queue");
    assert_eq!(mine["channel"], "online");
    assert_eq!(mine["category"], "unsorted");
    assert_eq!(mine["kind"], "complaint");
    let id = mine["id"].as_i64().expect("id");
    let detail = t.get(&format!("/api/v1/appeals/{id}"), &token).await;
    let detail = detail.ok(200);
    assert_eq!(detail["events"][0]["actor"]["name"], "群众（本人）");
    assert_eq!(detail["handling_org_unit_id"], t.fx.c11);
    // Tracked by the appellant with the code and the phone's last four digits.
    let tracked = t
        .post_anonymous(
            "/api/v1/track",
            json!({"tracking_code": code, "phone_last4": "1111"}),
        )
        .await;
    assert_eq!(tracked.ok(200)["status"], "registered");
    // A form anybody can post adds nobody to the register.
    let people = t.get("/api/v1/people?q=13700001111", &token).await;
    assert_eq!(people.ok(200)["total"], 0);
}

/// Every appeal the district holds, as the district's admin counts them.
async fn total(t: &TestApp) -> Value {
    let token = t.token("admin").await;
    let all = t.get("/api/v1/appeals", &token).await;
    all.ok(200)["total"].clone()
}

async fn a_public_appeal_names_every_fault(b: Backend) {
    let t = TestApp::new(b).await;
    let before = total(&t).await;
    let res = t
        .post_anonymous(
            "/api/v1/public/appeals",
            json!({"org_unit_id": t.fx.s1, "content": " ", "lat": 91.0, "long": 121.0,
                   "phone": "123"}),
        )
        .await;
    let p = res.problem(422);
    let mut fields: Vec<&str> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["appellant.phone", "content", "kind", "lat", "org_unit_id"]
    );
    // A street is not where a resident lives: the message says to choose the community.
    let unit = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "org_unit_id")
        .unwrap();
    assert!(unit["message"].as_str().unwrap().contains("社区"), "{unit}");
    assert_eq!(total(&t).await, before, "nothing stored");
}

/// Five a day from one phone, ten in an hour from one address; refused with 429,
/// `Retry-After` and a Chinese message; open again when the window has passed.
async fn an_address_and_a_phone_are_held_to_their_limits(b: Backend) {
    let t = TestApp::new(b).await;
    for _ in 0..5 {
        let res = t.post_anonymous("/api/v1/public/appeals", body(&t)).await;
        res.ok(201);
    }
    let res = t.post_anonymous("/api/v1/public/appeals", body(&t)).await;
    let p = res.problem(429).clone();
    assert!(p["detail"].as_str().unwrap().contains("手机号"), "{p}");
    let retry: i64 = res.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 23 * 3600 && retry <= 24 * 3600, "{retry}");
    // Other phones (and none) from the same address, up to ten in all.
    for i in 0..5 {
        let mut other = body(&t);
        other["phone"] = json!(format!("1370000200{i}"));
        t.post_anonymous("/api/v1/public/appeals", other)
            .await
            .ok(201);
    }
    let mut anonymous = body(&t);
    anonymous["phone"] = Value::Null;
    let res = t
        .post_anonymous("/api/v1/public/appeals", anonymous.clone())
        .await;
    let p = res.problem(429);
    assert!(p["detail"].as_str().unwrap().contains("网络"), "{p}");
    // An hour of quiet opens the address again (the phone stays closed for the day).
    t.clock.advance(TimeDelta::minutes(61));
    t.post_anonymous("/api/v1/public/appeals", anonymous)
        .await
        .ok(201);
    t.post_anonymous("/api/v1/public/appeals", body(&t))
        .await
        .problem(429);
}

/// The page, as a resident uses it: a form sent at once is refused with its values kept; a
/// field left out is named beside it; a complete one gives the tracking code.
async fn the_form_takes_a_residents_appeal_and_keeps_what_was_typed(b: Backend) {
    let t = TestApp::new(b).await;
    let mut web = Browser::new(&t);
    let page = web.get("/p/new").await;
    assert_eq!(page.status.as_u16(), 200);
    let html = page.text();
    assert!(
        html.contains("佛字桥") || html.contains("<optgroup"),
        "{html}"
    );
    let stamp = common::browser::hidden_value(&html, "_t").expect("a stamp");
    let c11 = t.fx.c11.to_string();
    let mut fields = vec![
        ("_t", stamp.as_str()),
        ("org_unit_id", c11.as_str()),
        ("content", "楼道里堆满了杂物，消防通道被堵"),
        ("location", "梅家浜小区5号楼"),
        ("phone", "13700003333"),
        ("website", ""),
    ];
    // Sent at once: no person types that fast.
    let res = web.post("/p/new", &fields).await;
    assert_eq!(res.status.as_u16(), 422);
    assert!(res.text().contains("太快"), "{}", res.text());
    assert!(
        res.text().contains("楼道里堆满了杂物"),
        "the content is kept"
    );
    // A minute later, without the kind: named beside its field, the rest kept.
    t.clock.advance(TimeDelta::minutes(1));
    let stamp = common::browser::hidden_value(&res.text(), "_t").expect("a new stamp");
    fields[0].1 = stamp.as_str();
    let res = web.post("/p/new", &fields).await;
    assert_eq!(res.status.as_u16(), 422);
    let html = res.text();
    assert!(
        html.contains("id=\"err-appeal-kind\"") || html.contains("求助、投诉"),
        "{html}"
    );
    assert!(html.contains("梅家浜小区5号楼"), "{html}");
    t.clock.advance(TimeDelta::minutes(1));
    let stamp = common::browser::hidden_value(&html, "_t").expect("a new stamp");
    fields[0].1 = stamp.as_str();
    fields.push(("kind", "report"));
    let res = web.post("/p/new", &fields).await;
    assert_eq!(res.status.as_u16(), 200, "{}", res.text());
    let html = res.text();
    assert!(html.contains("data-testid=\"public-receipt\""), "{html}");
    assert!(
        html.contains("后四位"),
        "a phone was left: it can be tracked"
    );
    let found = t
        .in_queue("station11", |a| {
            a["content"] == "楼道里堆满了杂物，消防通道被堵" && a["kind"] == "report"
        })
        .await;
    assert!(found.is_some(), "the appeal is in the station's queue");
}

/// A filled hidden field, a forged stamp and a missing form token are all refused, and
/// nothing is stored.
async fn the_form_turns_scripts_away(b: Backend) {
    let t = TestApp::new(b).await;
    let before = total(&t).await;
    let mut web = Browser::new(&t);
    let html = web.get("/p/new").await.text();
    let stamp = common::browser::hidden_value(&html, "_t").expect("a stamp");
    t.clock.advance(TimeDelta::minutes(2));
    let c11 = t.fx.c11.to_string();
    let good = [
        ("org_unit_id", c11.as_str()),
        ("kind", "help"),
        ("content", "需要帮助"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut f: Vec<(&str, &str)> = good.to_vec();
        f.extend_from_slice(extra);
        f
    };
    let mut filled = with(&[("website", "http://spam.example")]);
    filled.push(("_t", stamp.as_str()));
    let res = web.post("/p/new", &filled).await;
    assert_eq!(res.status.as_u16(), 422);
    assert!(res.text().contains("程序自动填写"), "{}", res.text());
    let forged = with(&[("_t", "1700000000000.00ff")]);
    let res = web.post("/p/new", &forged).await;
    assert_eq!(res.status.as_u16(), 422);
    assert!(
        res.text().contains("过期") || res.text().contains("程序"),
        "{}",
        res.text()
    );
    let mut no_token = with(&[]);
    no_token.push(("_t", stamp.as_str()));
    let res = web.post_form("/p/new", &no_token, false).await;
    assert_eq!(res.status.as_u16(), 403);
    assert_eq!(total(&t).await, before, "nothing stored");
}

/// A public appeal with a phone, accepted and resolved by the station; its code.
async fn resolved_public_appeal(t: &TestApp, phone: &str) -> (i64, String) {
    let mut b = body(t);
    b["phone"] = json!(phone);
    let code = t.post_anonymous("/api/v1/public/appeals", b).await.ok(201)["tracking_code"]
        .as_str()
        .unwrap()
        .to_string();
    let id = t
        .in_queue("station11", |a| a["tracking_code"] == code.as_str())
        .await
        .and_then(|a| a["id"].as_i64())
        .expect("in the queue");
    t.act_ok("station11", id, json!({"action": "accept"})).await;
    t.act_ok(
        "station11",
        id,
        json!({"action": "resolve", "resolution": "solved", "note": "已更换路灯"}),
    )
    .await;
    (id, code)
}

/// The measures of the appellant's community for the month of the test clock.
async fn closed_at_c11(t: &TestApp) -> i64 {
    let token = t.token("admin").await;
    let m = t
        .get(
            &format!(
                "/api/v1/metrics?org_unit={}&from=2026-11-01&to=2026-11-30",
                t.fx.c11
            ),
            &token,
        )
        .await;
    m.ok(200)["closed"].as_i64().expect("closed")
}

/// Over the API: the answer closes the appeal as a follow-up by the appellant, counts once
/// in the measures, tells the station; a second answer is refused.
async fn the_appellant_answers_the_follow_up_once(b: Backend) {
    let t = TestApp::new(b).await;
    let (id, code) = resolved_public_appeal(&t, "13700004444").await;
    let closed = closed_at_c11(&t).await;
    let answer = |digits: &str, satisfaction: Value| {
        json!({"tracking_code": code, "phone_last4": digits, "solved": "not_solved",
               "satisfaction": satisfaction, "comment": "路灯还是不亮"})
    };
    // Wrong digits: as for the lookup.
    t.post_anonymous(
        "/api/v1/track/answer",
        answer("0000", json!("dissatisfied")),
    )
    .await
    .problem(404);
    // Half an answer: the missing part named.
    let p = t
        .post_anonymous("/api/v1/track/answer", answer("4444", Value::Null))
        .await
        .problem(422)
        .clone();
    assert_eq!(p["errors"][0]["field"], "satisfaction", "{p}");
    let res = t
        .post_anonymous(
            "/api/v1/track/answer",
            answer("4444", json!("dissatisfied")),
        )
        .await;
    assert_eq!(res.ok(200)["status"], "closed");
    assert_eq!(closed_at_c11(&t).await, closed + 1, "counted once");
    let token = t.token("station11").await;
    let detail = t.get(&format!("/api/v1/appeals/{id}"), &token).await;
    let detail = detail.ok(200).clone();
    assert_eq!(detail["satisfaction"], "dissatisfied");
    let events = detail["events"].as_array().unwrap();
    let last = events.last().unwrap();
    assert_eq!(last["type"], "follow_up");
    assert_eq!(last["actor"]["name"], "群众（本人）");
    assert!(
        events.iter().any(|e| e["type"] == "feedback"),
        "answered back online first"
    );
    // The station hears it, with the request to take it up again.
    let notices = t.get("/api/v1/notifications", &token).await;
    let text = notices.ok(200).to_string();
    assert!(
        text.contains("群众在网上评价") && text.contains("重办"),
        "{text}"
    );
    // Once.
    let again = t
        .post_anonymous("/api/v1/track/answer", answer("4444", json!("satisfied")))
        .await;
    again.problem(409);
    assert_eq!(closed_at_c11(&t).await, closed + 1);
}

/// On the page: the answer form shows once the appeal is resolved; a missing choice is named
/// beside its field with the rest kept; the saved answer thanks and shows the appeal closed.
async fn the_appellant_answers_on_the_tracking_page(b: Backend) {
    let t = TestApp::new(b).await;
    let (_, code) = resolved_public_appeal(&t, "13700005555").await;
    let mut web = Browser::new(&t);
    web.get("/track").await;
    let res = web
        .post("/track", &[("code", code.as_str()), ("digits", "5555")])
        .await;
    let html = res.text();
    assert!(html.contains("data-testid=\"answer-form\""), "{html}");
    let res = web
        .post(
            "/track/answer",
            &[
                ("code", code.as_str()),
                ("digits", "5555"),
                ("solved", "solved"),
                ("comment", "谢谢社区"),
            ],
        )
        .await;
    assert_eq!(res.status.as_u16(), 422);
    let html = res.text();
    assert!(html.contains("id=\"err-satisfaction\""), "{html}");
    assert!(html.contains("谢谢社区"), "the comment is kept");
    let res = web
        .post(
            "/track/answer",
            &[
                ("code", code.as_str()),
                ("digits", "5555"),
                ("solved", "solved"),
                ("satisfaction", "satisfied"),
                ("comment", "谢谢社区"),
            ],
        )
        .await;
    assert_eq!(res.status.as_u16(), 200, "{}", res.text());
    let html = res.text();
    assert!(html.contains("data-testid=\"answer-thanks\""), "{html}");
    assert!(html.contains("已回访"), "{html}");
    assert!(
        !html.contains("data-testid=\"answer-form\""),
        "answered once"
    );
}
