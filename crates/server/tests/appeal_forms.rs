//! The appeals' forms over HTTP, on SQLite and on PostgreSQL: intake and every action form
//! keep what was typed and show each error beside its field, all at once; a save says so
//! once (the flash); merges name appeals by tracking code; the 转办 list is grouped and
//! limited to what the handler may refer to; a new appellant goes on the register once (also
//! under concurrent intakes); the referring unit hears what the department did.

mod common;

use axum::http::StatusCode;
use common::browser::{location, Browser};
use common::{Backend, TestApp};
use serde_json::{json, Value};
use suqiu_core::Id;

on_both_backends!(
    intake_errors_all_at_once_and_the_flash_after_saving,
    refused_action_forms_come_back_open_and_record_nothing,
    each_action_form_saves_with_a_flash_shown_once,
    merge_names_the_other_appeal_by_its_code,
    the_referral_list_is_grouped_and_limited_per_role,
    a_new_appellant_goes_on_the_register_once,
    concurrent_intakes_of_one_new_appellant_make_one_person,
    the_referring_unit_hears_of_the_departments_resolve_and_return,
    track_and_list_filters_keep_values_and_mark_fields,
);

/// The timeline's length as the API reports it.
async fn events(t: &TestApp, id: Id) -> usize {
    let token = t.token("admin").await;
    let res = t.get(&format!("/api/v1/appeals/{id}"), &token).await;
    res.ok(200)["events"].as_array().expect("events").len()
}

fn id_of(v: &Value) -> Id {
    v["id"].as_i64().expect("an id")
}

/// The `<details>` element of one action form, as the page has it.
fn form_of<'h>(html: &'h str, action: &str) -> &'h str {
    let start = html
        .find(&format!("data-action=\"{action}\""))
        .unwrap_or_else(|| panic!("no {action} form in {html}"));
    let end = html[start..]
        .find("</details>")
        .map(|e| start + e)
        .expect("end of the form");
    &html[start..end]
}

/// The flash a page shows ("" when none).
fn flash(html: &str) -> String {
    html.split("data-testid=\"flash\">")
        .nth(1)
        .and_then(|s| s.split("</div>").next())
        .unwrap_or("")
        .to_string()
}

/// An accepted appeal of C11 (registered through the API by station11).
async fn accepted(t: &TestApp) -> Id {
    let a = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let id = id_of(&a);
    t.act_ok("station11", id, json!({"action": "accept"})).await;
    id
}

async fn intake_errors_all_at_once_and_the_flash_after_saving(b: Backend) {
    let t = TestApp::new(b).await;
    let mut fzq = Browser::sign_in(&t, "station11").await;
    let c11 = t.fx.c11.to_string();
    let before = t.appeal_count().await;
    // Name missing, phone malformed, no kind, no category, no content: five faults.
    let wrong = [
        ("mode", "named"),
        ("appellant.name", ""),
        ("appellant.phone", "1391234"),
        ("org_unit_id", c11.as_str()),
        ("channel", "walk_in"),
        ("kind", ""),
        ("category", ""),
        ("urgency", "urgent"),
        ("location", "5号楼东侧"),
        ("title", "路灯不亮"),
        ("content", "  "),
    ];
    let res = fzq.post("/appeals/new", &wrong).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    for id in [
        "err-name",
        "err-phone",
        "err-kind",
        "err-category",
        "err-content",
    ] {
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "{id} missing: {html}"
        );
    }
    assert!(html.contains("请填写诉求人姓名"));
    assert!(html.contains("请选择诉求类型") && html.contains("请选择诉求分类"));
    assert!(
        !html.contains("GET /api/v1/categories") && !html.contains("缺少必填字段"),
        "plain words"
    );
    // Every value typed is still there.
    assert!(html.contains("value=\"1391234\""));
    assert!(html.contains("value=\"5号楼东侧\"") && html.contains("value=\"路灯不亮\""));
    assert!(
        html.contains("value=\"urgent\" checked"),
        "the urgency chosen"
    );
    assert_eq!(t.appeal_count().await, before, "nothing saved");

    // Saved: the receipt says so once, with where to go next.
    let right = [
        ("mode", "anonymous"),
        ("org_unit_id", c11.as_str()),
        ("channel", "walk_in"),
        ("kind", "help"),
        ("category", "public_facilities.water_pipes"),
        ("urgency", "normal"),
        ("content", "5号楼东侧路灯不亮"),
    ];
    let res = fzq.post("/appeals/new", &right).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let receipt = location(&res);
    assert!(receipt.ends_with("/receipt"), "{receipt}");
    let html = fzq.get(&receipt).await.text();
    let shown = flash(&html);
    assert!(shown.contains("已登记 SQ"), "{html}");
    assert!(shown.contains("href=\"/appeals/new\"") && shown.contains("继续登记"));
    assert!(html.contains("data-print"), "the receipt prints");
    assert!(
        flash(&fzq.get(&receipt).await.text()).is_empty(),
        "shown once"
    );
    t.finish().await;
}

/// A form posted wrong: its fields, the fields that must be marked, a piece of HTML that
/// shows what was typed is kept.
type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str], &'a str);

async fn refused_action_forms_come_back_open_and_record_nothing(b: Backend) {
    let t = TestApp::new(b).await;
    let id = accepted(&t).await;
    let path = format!("/appeals/{id}");
    let act = format!("{path}/act");
    let before = events(&t, id).await;
    let mut fzq = Browser::sign_in(&t, "station11").await;
    fzq.get(&path).await;

    // 转办 with nothing: both errors, each at its field, the form open.
    let res = fzq.post(&act, &[("action", "refer")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    let form = form_of(&html, "refer");
    assert!(form.contains("open>"), "comes back open: {form}");
    assert!(form.contains("id=\"err-refer-department_id\"") && form.contains("请选择转办部门"));
    assert!(form.contains("id=\"err-refer-note\"") && form.contains("请填写转办说明"));
    assert!(
        !form_of(&html, "resolve").contains("open>"),
        "only the one that failed"
    );

    // What was typed stays: the department chosen, the note written.
    let dept = t.fx.dept.to_string();
    let res = fzq
        .post(&act, &[("action", "refer"), ("department_id", &dept)])
        .await;
    let html = res.text();
    let form = form_of(&html, "refer");
    assert!(
        form.contains(&format!("value=\"{dept}\" selected")),
        "{form}"
    );
    assert!(!form.contains("err-refer-department_id") && form.contains("err-refer-note"));

    // Extend, resolve, escalate, progress, suspend, assign: each with its faults at once.
    let cases: [Case; 6] = [
        (
            &[("action", "extend"), ("days", ""), ("reason", "")],
            &["days", "reason"],
            "",
        ),
        (
            &[("action", "extend"), ("days", "三"), ("reason", "等材料")],
            &["days"],
            ">等材料</textarea>",
        ),
        (
            &[("action", "resolve"), ("note", "")],
            &["resolution", "note"],
            "",
        ),
        (
            &[("action", "resolve"), ("resolution", "explained")],
            &["note"],
            "value=\"explained\" selected",
        ),
        (&[("action", "escalate")], &["note"], ""),
        (
            &[("action", "assign"), ("note", "请上门")],
            &["user_id"],
            ">请上门</textarea>",
        ),
    ];
    for (fields, errors, kept) in cases {
        let action = fields[0].1;
        let res = fzq.post(&act, fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{action}");
        let html = res.text();
        let form = form_of(&html, action);
        assert!(form.contains("open>"), "{action} comes back open");
        for e in errors {
            assert!(
                form.contains(&format!("id=\"err-{action}-{e}\"")),
                "{action}: no error at {e}: {form}"
            );
        }
        assert!(form.contains(kept), "{action} keeps {kept}: {form}");
    }
    assert_eq!(
        events(&t, id).await,
        before,
        "a refused form records nothing"
    );

    // The API lists every missing field too, each named in plain words.
    let res = t.act("station11", id, json!({"action": "refer"})).await;
    let problem = res.problem(422);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["department_id", "note"]);
    t.finish().await;
}

async fn each_action_form_saves_with_a_flash_shown_once(b: Backend) {
    let t = TestApp::new(b).await;
    let id = accepted(&t).await;
    let path = format!("/appeals/{id}");
    let act = format!("{path}/act");
    let mut fzq = Browser::sign_in(&t, "station11").await;
    fzq.get(&path).await;
    let dept = t.fx.dept.to_string();
    let res = fzq
        .post(
            &act,
            &[
                ("action", "refer"),
                ("department_id", &dept),
                ("note", "请房管所派人维修"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert_eq!(location(&res), path);
    let html = fzq.get(&path).await.text();
    let shown = flash(&html);
    assert!(
        shown.contains("已转办") && shown.contains("房管所"),
        "{shown}"
    );
    assert!(shown.contains("href=\"/appeals\""), "where next");
    assert!(flash(&fzq.get(&path).await.text()).is_empty(), "once");

    let mut liaison = Browser::sign_in(&t, "liaison").await;
    liaison.get(&path).await;
    let res = liaison
        .post(
            &act,
            &[
                ("action", "resolve"),
                ("resolution", "solved"),
                ("note", "已更换水管"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert!(flash(&liaison.get(&path).await.text()).contains("已办结"));
    let res = fzq
        .post(
            &act,
            &[
                ("action", "feedback"),
                ("channel", "phone"),
                ("note", "已电话告知"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(flash(&fzq.get(&path).await.text()).contains("已记录反馈"));
    // 回访 without the two answers: both marked, nothing recorded.
    let res = fzq.post(&act, &[("action", "follow_up")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(form_of(&res.text(), "follow_up").contains("err-follow_up-satisfaction"));
    let res = fzq
        .post(
            &act,
            &[
                ("action", "follow_up"),
                ("satisfaction", "satisfied"),
                ("solved", "true"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let html = fzq.get(&path).await.text();
    assert!(flash(&html).contains("已记录回访"));
    assert!(html.contains("data-testid=\"status\">已回访"), "closed");
    t.finish().await;
}

async fn merge_names_the_other_appeal_by_its_code(b: Backend) {
    let t = TestApp::new(b).await;
    let first = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let first_code = first["tracking_code"].as_str().expect("code").to_string();
    let second = id_of(
        &t.create_appeal("station11", TestApp::appeal_body(t.fx.c11))
            .await,
    );
    let path = format!("/appeals/{second}");
    let act = format!("{path}/act");
    let mut fzq = Browser::sign_in(&t, "station11").await;
    let html = fzq.get(&path).await.text();
    let form = form_of(&html, "merge");
    assert!(
        form.contains("name=\"into_tracking_code\"") && !form.contains("into_appeal_id"),
        "asks for a code, not an id: {form}"
    );
    assert!(
        form.contains(&first_code),
        "the similar appeal is offered: {form}"
    );
    // A code that is nobody's: the error at the field, the code typed kept.
    let res = fzq
        .post(
            &act,
            &[
                ("action", "merge"),
                ("into_tracking_code", "SQ261124-NOSUCHCODE"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    let form = form_of(&html, "merge");
    assert!(
        form.contains("id=\"err-merge-into_tracking_code\""),
        "{form}"
    );
    assert!(form.contains("value=\"SQ261124-NOSUCHCODE\""));
    // Blank: named too.
    let res = fzq.post(&act, &[("action", "merge")]).await;
    assert!(form_of(&res.text(), "merge").contains("请填写要合并到的诉求"));
    // Another station's appeal is as unknown as none.
    let other = t
        .create_appeal("station21", TestApp::appeal_body(t.fx.c21))
        .await;
    let res = fzq
        .post(
            &act,
            &[
                ("action", "merge"),
                (
                    "into_tracking_code",
                    other["tracking_code"].as_str().expect("c"),
                ),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The right code (typed in lower case) merges, and the page names it by code.
    let res = fzq
        .post(
            &act,
            &[
                ("action", "merge"),
                ("into_tracking_code", &first_code.to_lowercase()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let html = fzq.get(&path).await.text();
    assert!(flash(&html).contains(&first_code));
    assert!(html.contains("data-testid=\"status\">已合并"));
    assert!(
        html.contains(&format!("→ {first_code}")),
        "the timeline names the code"
    );
    assert!(
        !html.contains(&format!("#{}", id_of(&first))),
        "no internal number"
    );
    // The API takes the code as well.
    let third = id_of(
        &t.create_appeal("station11", TestApp::appeal_body(t.fx.c11))
            .await,
    );
    let merged = t
        .act_ok(
            "station11",
            third,
            json!({"action": "merge", "into_tracking_code": first_code}),
        )
        .await;
    assert_eq!(merged["status"], "merged");
    t.finish().await;
}

/// The department names of a refer form's `<select>`, in order, with their group labels.
fn referral_list(html: &str) -> Vec<String> {
    let form = form_of(html, "refer");
    let select = form
        .split("name=\"department_id\"")
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .expect("the department select");
    let mut out = Vec::new();
    for part in select.split('<').skip(1) {
        if let Some(rest) = part.strip_prefix("optgroup label=\"") {
            out.push(format!("[{}]", rest.split('"').next().unwrap_or("")));
        } else if let Some(rest) = part.strip_prefix("option value=\"") {
            let (value, label) = rest.split_once('>').unwrap_or(("", ""));
            if !value.starts_with('"') {
                out.push(label.to_string());
            }
        }
    }
    out
}

async fn the_referral_list_is_grouped_and_limited_per_role(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let yongfeng = t
        .store
        .create_department("cg-yf", "永丰街道城管中队", fx.s2)
        .await
        .expect("dept");
    let district = t
        .store
        .create_department("mz-qu", "区民政局", fx.district)
        .await
        .expect("dept");
    t.store
        .create_department("cg-yy", "岳阳街道城管中队", fx.s1)
        .await
        .expect("dept");

    let id = accepted(&t).await;
    let mut fzq = Browser::sign_in(&t, "station11").await;
    let html = fzq.get(&format!("/appeals/{id}")).await.text();
    assert_eq!(
        referral_list(&html),
        [
            "[岳阳街道]",
            "岳阳街道城管中队",
            "房管所",
            "[松江区]",
            "区民政局"
        ],
        "the street's first, then the district's; never another street's"
    );
    assert!(
        form_of(&html, "refer").contains("data-filters=\"refer-dept\""),
        "a filter box for the keyboard"
    );
    // The API holds the same line.
    let res = t
        .act(
            "station11",
            id,
            json!({"action": "refer", "department_id": yongfeng.id, "note": "转办"}),
        )
        .await;
    let p = res.problem(422);
    assert_eq!(p["errors"][0]["field"], "department_id");
    assert!(p["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("永丰街道城管中队")));
    t.act_ok(
        "station11",
        id,
        json!({"action": "refer", "department_id": district.id, "note": "请区民政局处理"}),
    )
    .await;

    // Station 21 (永丰街道) sees its own street's and the district's.
    let other = t
        .create_appeal("station21", TestApp::appeal_body(fx.c21))
        .await;
    t.act_ok("station21", id_of(&other), json!({"action": "accept"}))
        .await;
    let mut cq = Browser::sign_in(&t, "station21").await;
    let html = cq.get(&format!("/appeals/{}", id_of(&other))).await.text();
    assert_eq!(
        referral_list(&html),
        ["[永丰街道]", "永丰街道城管中队", "[松江区]", "区民政局"]
    );
    // The district's own appeal (escalated twice) may go only to district departments.
    let up = accepted(&t).await;
    t.act_ok(
        "station11",
        up,
        json!({"action": "escalate", "note": "跨社区"}),
    )
    .await;
    t.act_ok(
        "street1",
        up,
        json!({"action": "escalate", "note": "跨街道"}),
    )
    .await;
    let mut admin = Browser::sign_in(&t, "admin").await;
    let html = admin.get(&format!("/appeals/{up}")).await.text();
    assert_eq!(referral_list(&html), ["[松江区]", "区民政局"]);
    t.finish().await;
}

/// The people whose name or phone matches `q`, as the API lists them.
async fn people_matching(t: &TestApp, q: &str) -> Vec<Value> {
    let token = t.token("admin").await;
    let res = t.get(&format!("/api/v1/people?q={q}"), &token).await;
    res.ok(200)["items"].as_array().expect("items").clone()
}

fn new_appellant(name: &str, phone: &str, org_unit_id: Id) -> Value {
    let mut body = TestApp::appeal_body(org_unit_id);
    body["appellant"] = json!({"name": name, "phone": phone});
    body
}

async fn a_new_appellant_goes_on_the_register_once(b: Backend) {
    let t = TestApp::new(b).await;
    let c11 = t.fx.c11.to_string();
    let before = t.people_count().await;
    // Through the form…
    let mut fzq = Browser::sign_in(&t, "station11").await;
    fzq.get("/appeals/new").await;
    let res = fzq
        .post(
            "/appeals/new",
            &[
                ("mode", "named"),
                ("appellant.name", "蒋子轩"),
                ("appellant.phone", "137 0000 1111"),
                ("org_unit_id", c11.as_str()),
                ("channel", "walk_in"),
                ("kind", "help"),
                ("category", "public_facilities.water_pipes"),
                ("urgency", "normal"),
                ("content", "楼下路灯坏了"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let first_path = location(&res).trim_end_matches("/receipt").to_string();
    assert_eq!(t.people_count().await, before + 1, "on the register");
    // …and through the API, the same phone: the same person, no second one.
    let second = t
        .create_appeal(
            "station11",
            new_appellant("蒋子轩", "13700001111", t.fx.c11),
        )
        .await;
    assert_eq!(t.people_count().await, before + 1, "found, not added");
    let found = people_matching(&t, "13700001111").await;
    assert_eq!(found.len(), 1, "{found:?}");
    let person = id_of(&found[0]);
    assert_eq!(second["appellant"]["id"], json!(person));
    assert_eq!(second["appellant"]["name"], "蒋子轩", "as said at the desk");
    let first_id: Id = first_path
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("id");
    let token = t.token("station11").await;
    let first = t.get(&format!("/api/v1/appeals/{first_id}"), &token).await;
    assert_eq!(first.ok(200)["appellant"]["id"], json!(person));
    // The person's page lists both appeals.
    let page = fzq.get(&format!("/people/{person}")).await.text();
    for code in [
        first.json["tracking_code"].as_str().expect("code"),
        second["tracking_code"].as_str().expect("code"),
    ] {
        assert!(page.contains(code), "{code} on the person's page");
    }
    // Another 蒋子轩 with another phone is another person; the type-ahead tells them apart.
    t.create_appeal(
        "station11",
        new_appellant("蒋子轩", "13955556789", t.fx.c11),
    )
    .await;
    assert_eq!(t.people_count().await, before + 2);
    let res = fzq.post("/people/lookup", &[("q", "蒋子轩")]).await;
    let labels: Vec<&str> = res
        .json
        .as_array()
        .expect("suggestions")
        .iter()
        .filter_map(|s| s["label"].as_str())
        .collect();
    assert_eq!(labels.len(), 2, "{labels:?}");
    assert!(
        labels.iter().any(|l| l.contains("137****1111")),
        "{labels:?}"
    );
    assert!(
        labels.iter().any(|l| l.contains("139****6789")),
        "{labels:?}"
    );
    // A name without a phone identifies no one: nobody is added.
    let mut anon = TestApp::appeal_body(t.fx.c11);
    anon["appellant"] = json!({"name": "过路人"});
    let a = t.create_appeal("station11", anon).await;
    assert_eq!(a["appellant"]["id"], Value::Null);
    assert_eq!(t.people_count().await, before + 2);
    t.finish().await;
}

async fn concurrent_intakes_of_one_new_appellant_make_one_person(b: Backend) {
    let t = TestApp::new(b).await;
    let before = t.people_count().await;
    let token = t.token("station11").await;
    let body = new_appellant("钱同时", "13600002222", t.fx.c11);
    // Six at once, polled together: on PostgreSQL each on its own connection.
    let post = || t.post("/api/v1/appeals", &token, body.clone());
    let (a, b_, c, d, e, f) = tokio::join!(post(), post(), post(), post(), post(), post());
    let mut people = Vec::new();
    for res in [&a, &b_, &c, &d, &e, &f] {
        people.push(res.ok(201)["appellant"]["id"].clone());
    }
    assert_eq!(
        t.people_count().await,
        before + 1,
        "one person for six intakes"
    );
    assert!(
        people.iter().all(|p| *p == people[0] && p.is_i64()),
        "{people:?}"
    );
    t.finish().await;
}

/// The kinds and bodies of `username`'s notices about appeal `id`.
async fn notices(t: &TestApp, username: &str, id: Id) -> Vec<(String, String)> {
    let token = t.token(username).await;
    let res = t.get("/api/v1/notifications", &token).await;
    res.ok(200)["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|n| n["appeal_id"] == json!(id))
        .map(|n| {
            (
                n["kind"].as_str().unwrap_or("").to_string(),
                n["body"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

async fn the_referring_unit_hears_of_the_departments_resolve_and_return(b: Backend) {
    let t = TestApp::new(b).await;
    let id = accepted(&t).await;
    let refer = json!({"action": "refer", "department_id": t.fx.dept, "note": "请房管所处理"});
    t.act_ok("station11", id, refer.clone()).await;
    t.act_ok(
        "liaison",
        id,
        json!({"action": "return", "note": "不属本所职责"}),
    )
    .await;
    let heard = notices(&t, "station11", id).await;
    assert!(
        heard
            .iter()
            .any(|(k, body)| k == "returned" && body.contains("不属本所职责")),
        "{heard:?}"
    );
    t.act_ok("station11", id, refer).await;
    t.act_ok(
        "liaison",
        id,
        json!({"action": "resolve", "resolution": "solved", "note": "已修好"}),
    )
    .await;
    let heard = notices(&t, "station11", id).await;
    assert!(
        heard
            .iter()
            .any(|(k, body)| k == "referral_resolved" && body.contains("已修好")),
        "{heard:?}"
    );
    // Nobody else: not the department itself, not another station, not the street.
    for other in ["liaison", "station12", "street1"] {
        let heard = notices(&t, other, id).await;
        assert!(
            !heard.iter().any(|(k, _)| k == "referral_resolved"),
            "{other}: {heard:?}"
        );
    }
    // The notice centre shows it to the station.
    let mut fzq = Browser::sign_in(&t, "station11").await;
    let html = fzq.get("/notifications").await.text();
    assert!(html.contains("转办部门已办结"), "{html}");
    // …and in English to a reader of English pages: the notice was written in both.
    fzq.get("/lang/en").await;
    let html = fzq.get("/notifications").await.text();
    assert!(html.contains("Referral resolved: appeal"), "{html}");
    assert!(html.contains("The department resolved it"), "{html}");
    assert!(!html.contains("转办部门已办结"), "{html}");
    t.finish().await;
}

async fn track_and_list_filters_keep_values_and_mark_fields(b: Backend) {
    let t = TestApp::new(b).await;
    let mut visitor = Browser::new(&t);
    visitor.get("/track").await;
    let res = visitor
        .post("/track", &[("code", ""), ("digits", "12a")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    assert!(html.contains("id=\"err-code\"") && html.contains("id=\"err-digits\""));
    assert!(html.contains("value=\"12a\""), "the digits typed are kept");

    let mut fzq = Browser::sign_in(&t, "station11").await;
    let html = fzq
        .get("/appeals?from=2026-12-01&to=2026-11-01&q=%E6%B0%B4%E7%AE%A1")
        .await
        .text();
    assert!(html.contains("id=\"err-from\""), "{html}");
    assert!(html.contains("开始日期不能晚于结束日期"));
    assert!(html.contains("value=\"2026-12-01\"") && html.contains("value=\"水管\""));
    assert!(!html.contains("from："), "no raw field names");
    t.finish().await;
}
