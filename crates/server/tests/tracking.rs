//! The appellant's lookup (查询办理进度) over the API and as a page, without an account: the
//! code and the phone's last four digits show the status and plain steps, nothing written
//! by staff; wrong tries lock the code; on SQLite and PostgreSQL.

mod common;

use common::browser::Browser;
use common::{Backend, TestApp};
use serde_json::{json, Value};

on_both_backends!(the_appellant_tracks_an_appeal, the_tracking_page);

async fn track(t: &TestApp, code: &str, digits: &str) -> common::Resp {
    t.post_anonymous(
        "/api/v1/track",
        json!({"tracking_code": code, "phone_last4": digits}),
    )
    .await
}

async fn the_appellant_tracks_an_appeal(b: Backend) {
    let t = TestApp::new(b).await;
    let a = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let id = a["id"].as_i64().expect("id");
    let code = a["tracking_code"].as_str().expect("code").to_string();
    t.act_ok("station11", id, json!({"action": "accept"})).await;
    t.act_ok(
        "station11",
        id,
        json!({"action": "refer", "department_id": t.fx.dept,
               "note": "内部：已联系物业经理张某 13800001111"}),
    )
    .await;
    t.act_ok(
        "street1",
        id,
        json!({"action": "supervise", "note": "请本周办结"}),
    )
    .await;
    t.act_ok(
        "liaison",
        id,
        json!({"action": "resolve", "resolution": "solved", "note": "已更换水管"}),
    )
    .await;

    let res = track(&t, &code.to_lowercase(), "5678").await;
    let view = res.ok(200).clone();
    assert_eq!(view["tracking_code"], code.as_str());
    assert_eq!(view["status"], "resolved");
    assert_eq!(view["status_label"], "已办结");
    let steps: Vec<&str> = view["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["what"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(steps, ["已登记", "已受理", "已转有关部门办理", "已办结"]);
    let text = view.to_string();
    for secret in [
        "张某",
        "13800001111",
        "请本周办结",
        "已更换水管",
        "王阿姨",
        "13912345678",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    // Wrong digits and an unknown code get the same answer; five wrong tries lock the code,
    // even for the right digits, and not other codes.
    let wrong = track(&t, &code, "1234").await;
    let unknown = track(&t, "SQ000000-NOSUCHCODE", "5678").await;
    assert_eq!(wrong.problem(404)["detail"], unknown.problem(404)["detail"]);
    for _ in 0..4 {
        track(&t, &code, "0000").await.problem(404);
    }
    let locked = track(&t, &code, "5678").await;
    locked.problem(429);
    assert!(locked.headers.contains_key("retry-after"));
    let other = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let other_code = other["tracking_code"].as_str().expect("code");
    assert_eq!(
        track(&t, other_code, "5678").await.ok(200)["status"],
        "registered"
    );
    // An appeal without a phone cannot be tracked by anyone.
    let mut anonymous = TestApp::appeal_body(t.fx.c11);
    anonymous
        .as_object_mut()
        .expect("object")
        .remove("appellant");
    anonymous["anonymous"] = Value::Bool(true);
    let anon = t.create_appeal("station11", anonymous).await;
    let anon_code = anon["tracking_code"].as_str().expect("code");
    track(&t, anon_code, "0000").await.problem(404);
    t.finish().await;
}

async fn the_tracking_page(b: Backend) {
    let t = TestApp::new(b).await;
    let a = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let code = a["tracking_code"].as_str().expect("code").to_string();
    let mut visitor = Browser::new(&t);
    let form = visitor.get("/track").await;
    assert_eq!(form.status, 200, "no account needed");
    assert!(form.text().contains("查询办理进度"));
    // Without the form's token: refused.
    let res = visitor
        .post_form("/track", &[("code", &code), ("digits", "5678")], false)
        .await;
    assert_eq!(res.status, 403);
    let res = visitor
        .post("/track", &[("code", &code), ("digits", "5678")])
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let html = res.text();
    assert!(
        html.contains("data-testid=\"track-status\">已登记<"),
        "{html}"
    );
    assert!(!html.contains("王阿姨") && !html.contains("13912345678"));
    let res = visitor
        .post("/track", &[("code", &code), ("digits", "9999")])
        .await;
    assert_eq!(res.status, 404);
    assert!(res.text().contains("查询码或手机号后四位不对"));
    t.finish().await;
}
