//! Issue 15: staff sort an appeal's category (归类/改类) and mark spam (无效), on SQLite and
//! PostgreSQL, as users see it: the action API and its problems, the detail page's forms
//! without JS, the list and the dashboard, the month's report, the public board, Open311 and
//! the appellant's /track — and `suqiu check`'s roll-up verification after each.

mod common;

use common::browser::Browser;
use common::{Backend, TestApp};
use serde_json::{json, Value};
use suqiu_testkit::pages::location;

on_both_backends!(
    a_residents_appeal_is_sorted_and_its_counts_move_with_it,
    sorting_names_a_leaf_and_keeps_the_deadlines,
    a_spam_appeal_leaves_every_count_and_the_public_and_comes_back,
    who_marks_and_who_undoes,
);

const LIGHTS: &str = "public_facilities.street_lights";
const PLACE: &str = "荣乐东路路口";

/// A resident's appeal through the public door (unsorted), at the same place each time.
async fn public_appeal(t: &TestApp, phone: &str) -> (i64, String) {
    let res = t
        .post_anonymous(
            "/api/v1/public/appeals",
            json!({
                "org_unit_id": t.fx.c11, "kind": "complaint",
                "content": "路口的路灯坏了一个星期，晚上很黑。", "location": PLACE,
                "name": "李先生", "phone": phone, "public_consent": true,
            }),
        )
        .await;
    let code = res.ok(201)["tracking_code"]
        .as_str()
        .expect("a code")
        .to_string();
    let token = t.token("station11").await;
    let list = t.get("/api/v1/appeals?category=unsorted", &token).await;
    let id = list.ok(200)["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["tracking_code"] == code.as_str())
        .and_then(|a| a["id"].as_i64())
        .expect("in the 待分类 list");
    (id, code)
}

/// The roll-ups agree with the appeals (what `suqiu check` reports).
async fn rollups_agree(t: &TestApp) {
    let problems = t.store.verify_rollups().await.expect("verify");
    assert!(problems.is_empty(), "{problems:?}");
}

/// The month-end report of C11 for November (the fixture's clock month).
async fn report(t: &TestApp) -> Value {
    let admin = t.token("admin").await;
    let url = format!(
        "/api/v1/reports/monthly?org_unit={}&month=2026-11",
        t.fx.c11
    );
    t.get(&url, &admin).await.ok(200).clone()
}

/// The count of `code` in a report's list `key` (0 when absent).
fn count_of(report: &Value, key: &str, code: &str) -> i64 {
    report[key]
        .as_array()
        .expect("a list")
        .iter()
        .find(|c| c["code"] == code || c["category"] == code)
        .map_or(0, |c| c["count"].as_i64().expect("a count"))
}

/// The number on the dashboard tile `key`.
async fn tile(web: &mut Browser<'_>, key: &str) -> i64 {
    let home = web.get("/").await.text();
    let rest = home
        .split(&format!("data-testid=\"{key}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no tile {key}"));
    let count = rest
        .split("<span class=\"count\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("a count");
    count.trim().parse().expect("a number")
}

/// Three residents report one broken light: 待分类 on the dashboard; the station sorts each
/// on its page (the form posted without JS); the month's report moves them from 待分类 to
/// 路灯, the repeated problem moves with them, and the roll-ups stay true.
async fn a_residents_appeal_is_sorted_and_its_counts_move_with_it(b: Backend) {
    let t = TestApp::new(b).await;
    let mut ids = Vec::new();
    for phone in ["13700001111", "13700002222", "13700003333"] {
        ids.push(public_appeal(&t, phone).await.0);
    }
    let mut web = Browser::sign_in(&t, "station11").await;
    assert_eq!(tile(&mut web, "home.unsorted").await, 3);
    let before = report(&t).await;
    assert_eq!(count_of(&before, "by_category", "unsorted"), 3);
    assert_eq!(count_of(&before, "repeated", "unsorted"), 3);
    // The page offers 归类 first and open, with the leaves to choose from.
    let page = web.get(&format!("/appeals/{}", ids[0])).await.text();
    let first = page
        .split("<details class=\"action\"")
        .nth(1)
        .expect("forms");
    assert!(
        first.starts_with(" data-action=\"classify\" open"),
        "{first}"
    );
    assert!(first.contains("<summary>归类</summary>"), "{first}");
    assert!(first.contains(&format!("value=\"{LIGHTS}\"")), "{first}");
    assert!(
        !first.contains("value=\"public_facilities\""),
        "a heading is no choice"
    );
    for id in &ids {
        let res = web
            .post(
                &format!("/appeals/{id}/act"),
                &[
                    ("action", "classify"),
                    ("category", LIGHTS),
                    ("note", "路灯问题"),
                ],
            )
            .await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.text());
        assert_eq!(location(&res), format!("/appeals/{id}"));
    }
    // Sorted: the page says 改类 now, the timeline says from what to what and why.
    let page = web.get(&format!("/appeals/{}", ids[0])).await.text();
    assert!(page.contains("<summary>改类</summary>"), "{page}");
    assert!(page.contains("待分类 → 公共设施 · 路灯"), "{page}");
    assert_eq!(tile(&mut web, "home.unsorted").await, 0);
    let after = report(&t).await;
    assert_eq!(count_of(&after, "by_category", "unsorted"), 0);
    assert_eq!(count_of(&after, "by_category", "public_facilities"), 3);
    assert_eq!(count_of(&after, "repeated", "unsorted"), 0);
    assert_eq!(count_of(&after, "repeated", LIGHTS), 3);
    assert_eq!(
        after["received"], before["received"],
        "sorting adds nothing"
    );
    rollups_agree(&t).await;
    // The API's timeline records it as the classifier will read it.
    let admin = t.token("admin").await;
    let detail = t.get(&format!("/api/v1/appeals/{}", ids[0]), &admin).await;
    let events = detail.ok(200)["events"].as_array().expect("events").clone();
    let sorted = events.last().expect("an event");
    assert_eq!(sorted["type"], "classify");
    assert_eq!(sorted["type_label"], "改类");
    assert_eq!(
        sorted["data"],
        json!({"from": "unsorted", "to": LIGHTS, "note": "路灯问题"})
    );
    assert_eq!(sorted["actor"]["id"], t.fx.user("station11"));
    t.finish().await;
}

/// Only a leaf, never 待分类 or the one it has; each refusal a 422 naming `category`, on the
/// API and beside the page's field with what was typed kept. The deadlines stay.
async fn sorting_names_a_leaf_and_keeps_the_deadlines(b: Backend) {
    let t = TestApp::new(b).await;
    let (id, _) = public_appeal(&t, "13700001111").await;
    let token = t.token("station11").await;
    let path = format!("/api/v1/appeals/{id}");
    let was = t.get(&path, &token).await.ok(200).clone();
    for category in ["public_facilities", "unsorted", "no_such_thing", ""] {
        let res = t
            .act(
                "station11",
                id,
                json!({"action": "classify", "category": category}),
            )
            .await;
        res.field_error("category");
    }
    let res = t.act("station11", id, json!({"action": "classify"})).await;
    res.field_error("category");
    assert!(res.json["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("类别")));
    let now = t
        .act_ok(
            "station11",
            id,
            json!({"action": "classify", "category": LIGHTS, "note": "路灯"}),
        )
        .await;
    assert_eq!(now["category"], LIGHTS);
    assert_eq!(now["category_name"], "路灯");
    for deadline in ["respond_by", "resolve_by"] {
        assert_eq!(now[deadline], was[deadline], "{deadline} stays");
    }
    t.act(
        "station11",
        id,
        json!({"action": "classify", "category": LIGHTS}),
    )
    .await
    .field_error("category");
    // The page: the refusal beside the field, the note as typed.
    let mut web = Browser::sign_in(&t, "station11").await;
    let res = web
        .post(
            &format!("/appeals/{id}/act"),
            &[
                ("action", "classify"),
                ("category", "public_facilities"),
                ("note", "先归到大类"),
            ],
        )
        .await;
    assert_eq!(res.status.as_u16(), 422);
    let html = res.text();
    assert!(
        html.contains("id=\"err-classify-category\" data-field=\"category\""),
        "{html}"
    );
    assert!(html.contains("不是具体类别"), "{html}");
    assert!(html.contains(">先归到大类</textarea>"), "{html}");
    rollups_agree(&t).await;
    t.finish().await;
}

/// The figures of C11 this month as the metrics API gives them.
async fn metrics(t: &TestApp) -> Value {
    let admin = t.token("admin").await;
    let q = format!(
        "/api/v1/metrics?org_unit={}&from=2026-11-01&to=2026-11-30",
        t.fx.c11
    );
    t.get(&q, &admin).await.ok(200).clone()
}

/// How many appeals C11's public board (its JSON) shows.
async fn board(t: &TestApp) -> usize {
    let url = "/api/v1/public/board?code=310117001001";
    let res = t.call(axum::http::Method::GET, url, None, None).await;
    res.ok(200)["appeals"].as_array().expect("appeals").len()
}

/// A consented appeal marked as spam leaves the measures, the default list, the board and
/// Open311; it stays in the list's 无效 filter with its badge; its appellant reads 不予受理
/// （无效信息）. Unmarked, everything is as it was.
async fn a_spam_appeal_leaves_every_count_and_the_public_and_comes_back(b: Backend) {
    let t = TestApp::new(b).await;
    let (id, code) = public_appeal(&t, "13700001111").await;
    let before = metrics(&t).await;
    assert_eq!(before["received"], 1);
    assert_eq!(board(&t).await, 1);
    // Marked on the page, without JS: the reason is required, and said beside its field.
    let mut web = Browser::sign_in(&t, "station11").await;
    let act = format!("/appeals/{id}/act");
    let res = web
        .post(&act, &[("action", "mark_spam"), ("reason", " ")])
        .await;
    assert_eq!(res.status.as_u16(), 422);
    assert!(
        res.text().contains("data-field=\"reason\""),
        "{}",
        res.text()
    );
    let res = web
        .post(&act, &[("action", "mark_spam"), ("reason", "广告信息")])
        .await;
    assert_eq!(res.status.as_u16(), 303, "{}", res.text());
    let page = web.get(&format!("/appeals/{id}")).await.text();
    assert!(page.contains("<dt>标为无效于</dt>"), "{page}");
    assert!(
        page.contains("data-testid=\"status\">无效</span>"),
        "{page}"
    );
    assert!(page.contains("广告信息"), "the reason on the timeline");
    // Out of every measure and the dashboard's queue; in the 无效 tile and filter.
    let after = metrics(&t).await;
    for figure in ["received", "response_due", "overdue_open"] {
        assert_eq!(after[figure], 0, "{figure}: {after}");
    }
    assert_eq!(tile(&mut web, "home.registered").await, 0);
    assert_eq!(tile(&mut web, "home.unsorted").await, 0);
    assert_eq!(tile(&mut web, "home.spam").await, 1);
    let token = t.token("station11").await;
    let listed = t.get("/api/v1/appeals", &token).await;
    assert_eq!(listed.ok(200)["total"], 0, "the worklist leaves it out");
    let spam = t.get("/api/v1/appeals?spam=true", &token).await;
    assert_eq!(spam.ok(200)["total"], 1);
    assert!(spam.json["items"][0]["spam_at"].is_string());
    assert_eq!(
        spam.json["items"][0]["allowed_actions"],
        json!(["unmark_spam"])
    );
    let list_page = web.get("/appeals?spam=true").await.text();
    assert!(list_page.contains(">无效</span>"), "{list_page}");
    // A text search looks through it too.
    let found = t.get("/api/v1/appeals?q=路灯", &token).await;
    assert_eq!(found.ok(200)["total"], 1);
    // Not public: the board, Open311.
    assert_eq!(board(&t).await, 0);
    let open311 = t
        .call(
            axum::http::Method::GET,
            &format!("/open311/v2/requests/{code}.json"),
            None,
            None,
        )
        .await;
    assert_eq!(open311.status.as_u16(), 404, "{}", open311.text());
    // The appellant reads it plainly, and may not rate it.
    let tracked = t
        .post_anonymous(
            "/api/v1/track",
            json!({"tracking_code": code, "phone_last4": "1111"}),
        )
        .await;
    let tracked = tracked.ok(200).clone();
    assert_eq!(tracked["status"], "invalid");
    assert_eq!(tracked["status_label"], "不予受理（无效信息）");
    assert_eq!(tracked["deadline"], Value::Null);
    assert!(tracked["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .any(|s| s["what"] == "不予受理（无效信息）"));
    rollups_agree(&t).await;
    // Unmarked: counted, listed and public again, as before.
    t.act_ok(
        "street1",
        id,
        json!({"action": "unmark_spam", "note": "复核后为有效诉求"}),
    )
    .await;
    assert_eq!(metrics(&t).await, before);
    assert_eq!(board(&t).await, 1);
    assert_eq!(tile(&mut web, "home.unsorted").await, 1);
    assert_eq!(t.get("/api/v1/appeals", &token).await.ok(200)["total"], 1);
    rollups_agree(&t).await;
    t.finish().await;
}

/// The station marks; liaisons and volunteers may not; a closed appeal is not marked; only
/// the undo is open while marked; the undo is the station's or a level above's; nothing is
/// merged into a spam appeal.
async fn who_marks_and_who_undoes(b: Backend) {
    let t = TestApp::new(b).await;
    let a = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let id = a["id"].as_i64().expect("id");
    let spam = json!({"action": "mark_spam", "reason": "重复骚扰"});
    t.act_ok("station11", id, json!({"action": "accept"})).await;
    t.act_ok(
        "station11",
        id,
        json!({"action": "refer", "department_id": t.fx.dept, "note": "请房管所处理"}),
    )
    .await;
    t.act("liaison", id, spam.clone()).await.problem(403);
    t.act("station12", id, spam.clone()).await.problem(404);
    let marked = t.act_ok("station11", id, spam.clone()).await;
    assert_eq!(
        marked["status"], "in_progress",
        "the status stays underneath"
    );
    assert_eq!(marked["overdue"], false);
    let refused = t
        .act("station11", id, json!({"action": "progress", "note": "x"}))
        .await;
    let p = refused.problem(409);
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("unmark_spam")),
        "{p}"
    );
    t.act("station11", id, spam.clone()).await.problem(409);
    t.act(
        "station11",
        id,
        json!({"action": "unmark_spam", "note": " "}),
    )
    .await
    .field_error("note");
    // Another appeal cannot be merged into it.
    let other = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let other = other["id"].as_i64().expect("id");
    t.act(
        "station11",
        other,
        json!({"action": "merge", "into_appeal_id": id}),
    )
    .await
    .field_error("into_appeal_id");
    let back = t
        .act_ok(
            "station11",
            id,
            json!({"action": "unmark_spam", "note": "误标"}),
        )
        .await;
    assert_eq!(back["spam_at"], Value::Null);
    assert_eq!(back["department"]["id"], t.fx.dept, "it is where it stood");
    // Resolved and marked: its appellant is asked nothing (no rating to give, on the page or
    // the API), and reads it plainly.
    t.act_ok(
        "station11",
        id,
        json!({"action": "resolve", "resolution": "solved", "note": "已修复"}),
    )
    .await;
    t.act_ok("station11", id, spam.clone()).await;
    let code = a["tracking_code"].as_str().expect("code");
    let answer = json!({"tracking_code": code, "phone_last4": "5678", "solved": "solved",
                        "satisfaction": "satisfied"});
    t.post_anonymous("/api/v1/track/answer", answer.clone())
        .await
        .problem(409);
    let mut resident = Browser::new(&t);
    resident.get("/track").await;
    let html = resident
        .post("/track", &[("code", code), ("digits", "5678")])
        .await
        .text();
    assert!(
        html.contains("data-testid=\"track-status\">不予受理（无效信息）</span>"),
        "{html}"
    );
    assert!(!html.contains("answer-form"), "{html}");
    t.act_ok(
        "station11",
        id,
        json!({"action": "unmark_spam", "note": "误标"}),
    )
    .await;
    // A closed appeal was handled: it is not marked.
    for action in [
        json!({"action": "feedback", "channel": "phone", "note": "已告知"}),
        json!({"action": "follow_up", "satisfaction": "satisfied", "solved": true}),
    ] {
        t.act_ok("station11", id, action).await;
    }
    t.act("station11", id, spam).await.problem(409);
    rollups_agree(&t).await;
    t.finish().await;
}
