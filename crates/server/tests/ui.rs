//! The web pages over HTTP (through the router, no sockets), on SQLite and on PostgreSQL:
//! signing in, the CSRF check, escaping, the list's filters and Excel export, masking, and
//! that an appeal's page offers only the actions its reader may take.

mod common;

use std::io::Cursor;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use calamine::{Reader, Xlsx};
use chrono::TimeDelta;
use common::browser::{hidden_value, location, Browser};
use common::{Backend, Resp, TestApp, PASSWORD, PERSON_PHONE};
use serde_json::json;
use suqiu_core::validate::mask_phone;

on_both_backends!(
    sign_in_out_and_lock_out,
    forms_without_the_csrf_token_are_refused,
    appeal_text_is_escaped,
    intake_form_registers_and_prints_a_receipt,
    intake_errors_are_shown_beside_the_fields,
    list_filters_and_export_agree,
    only_allowed_actions_are_offered_and_work,
    personal_data_is_masked_by_role,
    dashboard_counts_open_their_lists,
    pages_of_every_role_render,
    settings_change_and_are_recorded,
    the_register_pages_and_filters_by_tag,
    the_export_holds_every_row_past_the_count_cap,
    the_notice_centre_counts_opens_and_marks_read,
    categories_are_added_and_renamed_and_recorded,
    the_volume_chart_counts_each_month,
);

fn is_html(res: &Resp) -> bool {
    res.content_type().starts_with("text/html")
}

async fn sign_in_out_and_lock_out(b: Backend) {
    let t = TestApp::new(b).await;
    // Without a session every page sends the browser to the sign-in page.
    let mut anon = Browser::new(&t);
    let res = anon.get("/appeals").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login");
    let login = anon.get("/login").await;
    assert!(is_html(&login));
    let html = login.text();
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("<label for=\"username\">"));

    let wrong = anon
        .post("/login", &[("username", "station11"), ("password", "nope")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.text().contains("用户名或密码错误"),
        "{}",
        wrong.text()
    );
    assert!(
        wrong.text().contains("value=\"station11\""),
        "the username is kept"
    );

    let mut fzq = Browser::sign_in(&t, "station11").await;
    let home = fzq.get("/").await;
    assert!(home.text().contains("佛字桥居民区"), "node in the header");
    let session = fzq
        .cookies
        .iter()
        .find(|(k, _)| k == "suqiu_session")
        .map(|(_, v)| v.clone())
        .expect("a session cookie");
    assert!(!session.is_empty());

    // Sign out ends the session: the same cookie no longer opens a page.
    let out = fzq.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let mut stale = Browser::new(&t);
    stale.cookies.push(("suqiu_session".into(), session));
    assert_eq!(stale.get("/").await.status, StatusCode::SEE_OTHER);

    // Five wrong passwords lock the username, even for the right password, for a while.
    let mut guesser = Browser::new(&t);
    guesser.get("/login").await;
    for _ in 0..5 {
        let r = guesser
            .post("/login", &[("username", "street1"), ("password", "guess")])
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let locked = guesser
        .post("/login", &[("username", "street1"), ("password", PASSWORD)])
        .await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.text().contains("登录失败次数过多"));
    // The API's sign-in shares the lock: it is no way around the page's.
    let api = t.sign_in("street1", PASSWORD).await;
    api.problem(429);
    assert!(api.headers.get(header::RETRY_AFTER).is_some());
    // Another username is not affected; after the lock the right password works.
    Browser::sign_in(&t, "station12").await;
    t.clock.advance(TimeDelta::minutes(16));
    Browser::sign_in(&t, "street1").await;
    t.finish().await;
}

async fn forms_without_the_csrf_token_are_refused(b: Backend) {
    let t = TestApp::new(b).await;
    let mut fzq = Browser::sign_in(&t, "station11").await;
    let a = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let id = a["id"].as_i64().expect("id");
    let path = format!("/appeals/{id}/act");
    let res = fzq.post_form(&path, &[("action", "accept")], false).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(is_html(&res));
    assert!(res.text().contains("表单已失效"));
    let mut wrong = fzq.csrf.clone();
    wrong.replace_range(0..1, if wrong.starts_with('a') { "b" } else { "a" });
    let res = fzq
        .post_form(&path, &[("action", "accept"), ("_csrf", &wrong)], false)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Nothing happened to the appeal.
    let token = t.token("station11").await;
    let now = t.get(&format!("/api/v1/appeals/{id}"), &token).await;
    assert_eq!(now.json["status"], "registered");
    // With the token the same form works.
    let ok = fzq.post(&path, &[("action", "accept")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    let now = t.get(&format!("/api/v1/appeals/{id}"), &token).await;
    assert_eq!(now.json["status"], "accepted");
    // The sign-in form has its own token (no session yet): without it, no sign-in.
    let mut anon = Browser::new(&t);
    let res = anon
        .post_form(
            "/login",
            &[("username", "station11"), ("password", PASSWORD)],
            false,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(!anon.cookies.iter().any(|(k, _)| k == "suqiu_session"));
    // Sign-out is a form too.
    assert_eq!(
        fzq.post_form("/logout", &[], false).await.status,
        StatusCode::FORBIDDEN
    );
    t.finish().await;
}

async fn appeal_text_is_escaped(b: Backend) {
    let t = TestApp::new(b).await;
    let mut body = TestApp::appeal_body(t.fx.c11);
    body["content"] = json!("<script>alert(1)</script>");
    body["title"] = json!("<b>粗体</b>");
    body["appellant"]["name"] = json!("\"><img src=x onerror=alert(2)>");
    let a = t.create_appeal("station11", body).await;
    let id = a["id"].as_i64().expect("id");
    let mut fzq = Browser::sign_in(&t, "station11").await;
    for path in [
        format!("/appeals/{id}"),
        "/appeals".to_string(),
        "/".to_string(),
        format!("/appeals/{id}/receipt"),
    ] {
        let html = fzq.get(&path).await.text();
        assert!(!html.contains("<script>alert(1)</script>"), "{path}");
        assert!(!html.contains("<b>粗体</b>"), "{path}");
        assert!(!html.contains("<img src=x"), "{path}");
        if !path.ends_with("/receipt") {
            assert!(
                html.contains("&#60;b&#62;粗体&#60;/b&#62;"),
                "{path}: {html}"
            );
        }
    }
    let html = fzq.get(&format!("/appeals/{id}")).await.text();
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    t.finish().await;
}

async fn intake_form_registers_and_prints_a_receipt(b: Backend) {
    let t = TestApp::new(b).await;
    let mut fzq = Browser::sign_in(&t, "station11").await;
    let form = fzq.get("/appeals/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.text().contains("一网格"),
        "a station's own grids are places"
    );
    let mut admin = Browser::sign_in(&t, "admin").await;
    let district_form = admin.get("/appeals/new").await.text();
    assert!(district_form.contains("佛字桥居民区") && !district_form.contains("一网格"));
    let c11 = t.fx.c11.to_string();
    let fields = [
        ("mode", "named"),
        ("appellant.name", "李大爷"),
        ("appellant.phone", "13911112222"),
        ("appellant.email", "li.daye@example.com"),
        ("org_unit_id", c11.as_str()),
        ("channel", "walk_in"),
        ("kind", "help"),
        ("category", "public_facilities.water_pipes"),
        ("urgency", "normal"),
        ("location", "5号楼"),
        ("content", "5号楼地下室水管爆裂"),
    ];
    // The preview: deadlines before saving (help: 1 and 7 working days).
    let check = fzq.post("/appeals/new/check", &fields).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.text());
    assert_eq!(check.json["respond_by"], "2026-11-25 10:00");
    assert_eq!(check.json["resolve_by"], "2026-12-03 10:00");
    assert_eq!(check.json["similar"], json!([]));

    let saved = fzq.post("/appeals/new", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let receipt_path = location(&saved);
    assert!(receipt_path.ends_with("/receipt"), "{receipt_path}");
    let receipt = fzq.get(&receipt_path).await;
    let html = receipt.text();
    assert!(html.contains("诉求登记回执"));
    assert!(html.contains("5号楼地下室水管爆裂"));
    assert!(html.contains(&mask_phone("13911112222")), "masked on paper");
    assert!(!html.contains("13911112222"));
    let code = html
        .split("data-testid=\"tracking-code\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("a tracking code")
        .to_string();
    assert!(code.starts_with("SQ261124-"), "{code}");
    // The detail page gives the station the address left; a volunteer would see it masked.
    let detail = fzq
        .get(receipt_path.trim_end_matches("/receipt"))
        .await
        .text();
    assert!(detail.contains("li.daye@example.com"), "{detail}");
    // A second appeal by the same phone in the same category is flagged, with a link.
    let check = fzq.post("/appeals/new/check", &fields).await;
    let similar = check.json["similar"].as_array().expect("similar");
    assert_eq!(similar.len(), 1, "{}", check.json);
    assert_eq!(similar[0]["code"], json!(code));
    // The same place alone also counts; another category does not.
    let place_only = [
        ("mode", "anonymous"),
        ("kind", "help"),
        ("category", "public_facilities.lifts"),
        ("location", "5号楼"),
    ];
    let check = fzq.post("/appeals/new/check", &place_only).await;
    assert_eq!(check.json["similar"].as_array().map(Vec::len), Some(1));
    let other = [
        ("mode", "anonymous"),
        ("kind", "help"),
        ("category", "health.family_doctor"),
        ("location", "5号楼"),
    ];
    let check = fzq.post("/appeals/new/check", &other).await;
    assert_eq!(check.json["similar"], json!([]));
    // A registered person, chosen by the type-ahead (a POST: no phone in a URL).
    let found = fzq
        .post("/people/lookup", &[("q", &PERSON_PHONE[..7])])
        .await;
    let options = found.json.as_array().expect("suggestions");
    assert_eq!(options.len(), 1, "{}", found.json);
    let person_id = options[0]["id"].as_i64().expect("id").to_string();
    let label = options[0]["label"].as_str().expect("label");
    assert!(!label.contains(PERSON_PHONE), "masked in suggestions");
    let by_person = [
        ("mode", "person"),
        ("appellant_id", person_id.as_str()),
        ("org_unit_id", c11.as_str()),
        ("channel", "phone"),
        ("kind", "inquiry"),
        ("category", "health.family_doctor"),
        ("urgency", "normal"),
        ("content", "咨询家庭医生签约"),
    ];
    let saved = fzq.post("/appeals/new", &by_person).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    t.finish().await;
}

async fn intake_errors_are_shown_beside_the_fields(b: Backend) {
    let t = TestApp::new(b).await;
    let mut fzq = Browser::sign_in(&t, "station11").await;
    let c11 = t.fx.c11.to_string();
    let before = t.appeal_count().await;
    let res = fzq
        .post(
            "/appeals/new",
            &[
                ("mode", "named"),
                ("appellant.name", "赵女士"),
                ("appellant.phone", "12345"),
                ("org_unit_id", &c11),
                ("channel", "walk_in"),
                ("kind", "help"),
                ("category", "public_facilities.water_pipes"),
                ("content", "  "),
                ("location", "七号楼"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    assert!(
        html.contains("id=\"err-phone\""),
        "phone error beside the field"
    );
    assert!(
        html.contains("id=\"err-content\""),
        "content error beside it"
    );
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(html.contains("value=\"赵女士\""), "input kept");
    assert!(html.contains("value=\"七号楼\""), "input kept");
    assert_eq!(t.appeal_count().await, before, "nothing saved");
    // A role that may not register appeals gets no form.
    let mut volunteer = Browser::sign_in(&t, "volunteer").await;
    assert_eq!(
        volunteer.get("/appeals/new").await.status,
        StatusCode::FORBIDDEN
    );
    t.finish().await;
}

/// Reads the export back: the header row and the tracking codes.
fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut book = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx file");
    let sheet = book.sheet_names().first().cloned().expect("a sheet");
    let range = book.worksheet_range(&sheet).expect("the sheet");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

async fn list_filters_and_export_agree(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let mut codes = Vec::new();
    for (unit, kind, content) in [
        (fx.c11, "help", "佛字桥水管漏水"),
        (fx.c11, "complaint", "佛字桥夜间施工噪声"),
        (fx.c12, "help", "黄渡浜路灯不亮"),
    ] {
        let mut body = TestApp::appeal_body(unit);
        body["kind"] = json!(kind);
        body["content"] = json!(content);
        body["title"] = json!(content);
        let user = if unit == fx.c11 {
            "station11"
        } else {
            "station12"
        };
        let a = t.create_appeal(user, body).await;
        codes.push(a["tracking_code"].as_str().expect("code").to_string());
    }
    let mut street = Browser::sign_in(&t, "street1").await;
    let all = street.get("/appeals").await;
    assert!(all
        .text()
        .contains("data-testid=\"total\">共 <strong>3</strong>"));
    let path = format!("/appeals?kind=help&org_unit={}", fx.c11);
    let page = street.get(&path).await;
    let html = page.text();
    assert!(html.contains("<strong>1</strong>"), "{html}");
    assert!(html.contains(&codes[0]) && !html.contains(&codes[1]) && !html.contains(&codes[2]));
    // The export link carries the same filter, and the file holds exactly those rows.
    let export = street
        .get(&format!("/appeals.xlsx?kind=help&org_unit={}", fx.c11))
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export
        .content_type()
        .starts_with("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    let rows = xlsx_rows(&export.bytes);
    assert_eq!(rows[0][0], "查询码");
    assert!(rows[0].contains(&"诉求内容".to_string()));
    assert_eq!(rows.len(), 2, "header and one row: {rows:?}");
    assert_eq!(rows[1][0], codes[0]);
    // Full text (Chinese-aware), posted: the URL carries an opaque token, never the text.
    let res = street
        .post(
            "/appeals",
            &[("q", "水管"), ("kind", "help"), ("status", "")],
        )
        .await;
    assert_eq!(res.status, 303);
    let to = location(&res);
    assert!(to.starts_with("/appeals?") && to.contains("kind=help") && to.contains("s="));
    assert!(
        !to.contains("q=") && !to.contains("%E6%B0%B4") && !to.contains("status="),
        "{to}"
    );
    let html = street.get(&to).await.text();
    assert!(html.contains(&codes[0]) && !html.contains(&codes[1]) && !html.contains(&codes[2]));
    assert!(
        html.contains("value=\"水管\""),
        "the box shows what was searched"
    );
    // The same search again keeps its token (bookmarks stay put); the export follows it.
    let again = street
        .post("/appeals", &[("q", "水管"), ("kind", "help")])
        .await;
    assert_eq!(location(&again), to);
    let xlsx = street
        .get(&to.replacen("/appeals?", "/appeals.xlsx?", 1))
        .await;
    assert_eq!(xlsx_rows(&xlsx.bytes).len(), 2);
    // The token is the searcher's own: for anyone else it names nothing.
    let mut colleague = Browser::sign_in(&t, "admin").await;
    let html = colleague.get(&to).await.text();
    assert!(
        html.contains("这次搜索已失效") && !html.contains(&codes[0]),
        "{html}"
    );
    let oldest = street.get("/appeals?sort=oldest").await.text();
    let first = oldest.find(&codes[0]).expect("first code");
    let last = oldest.find(&codes[2]).expect("last code");
    assert!(first < last, "oldest first");
    let newest = street.get("/appeals").await.text();
    assert!(
        newest.find(&codes[2]) < newest.find(&codes[0]),
        "newest first"
    );
    let export = street.get("/appeals.xlsx").await;
    assert_eq!(xlsx_rows(&export.bytes).len(), 4);
    // A bad filter is said on the page, not a crash.
    let bad = street.get("/appeals?from=yesterday").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.text().contains("日期格式"));
    // Another street's staff do not see them, in the list or the file.
    let mut other = Browser::sign_in(&t, "station21").await;
    assert!(other
        .get("/appeals")
        .await
        .text()
        .contains("<strong>0</strong>"));
    assert_eq!(xlsx_rows(&other.get("/appeals.xlsx").await.bytes).len(), 1);
    t.finish().await;
}

/// The `data-action` attributes of a detail page: the action forms offered.
fn offered(html: &str) -> Vec<String> {
    html.split("data-action=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

async fn only_allowed_actions_are_offered_and_work(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let a = t
        .create_appeal("station11", TestApp::appeal_body(fx.c11))
        .await;
    let id = a["id"].as_i64().expect("id");
    let path = format!("/appeals/{id}");
    let mut fzq = Browser::sign_in(&t, "station11").await;
    let html = fzq.get(&path).await.text();
    assert_eq!(
        offered(&html),
        ["accept", "reject", "merge", "classify", "mark_spam"]
    );
    let mut street = Browser::sign_in(&t, "street1").await;
    assert_eq!(offered(&street.get(&path).await.text()), ["supervise"]);
    let mut auditor = Browser::sign_in(&t, "auditor").await;
    let html = auditor.get(&path).await.text();
    assert!(offered(&html).is_empty());
    assert!(html.contains("data-testid=\"no-actions\""));
    // Out of scope is "not found", as an HTML page.
    let mut other = Browser::sign_in(&t, "station21").await;
    let res = other.get(&path).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(is_html(&res) && res.text().contains("未找到"));
    let res = other.get("/appeals/not-a-number").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(is_html(&res), "an HTML page, not problem+json");

    // Through the forms: accept, refer to the department; the liaison resolves.
    let act = format!("{path}/act");
    let res = fzq.post(&act, &[("action", "accept")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let dept = fx.dept.to_string();
    // A refer without its note fails beside the refer form, nothing written.
    let res = fzq
        .post(&act, &[("action", "refer"), ("department_id", &dept)])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("id=\"err-refer\""), "{}", res.text());
    // What was typed stays in the form that failed.
    let res = fzq
        .post(&act, &[("action", "refer"), ("note", "先写好的转办说明")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains(">先写好的转办说明</textarea>"));
    let res = fzq
        .post(
            &act,
            &[
                ("action", "refer"),
                ("department_id", &dept),
                ("note", "请房管所处理"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mut liaison = Browser::sign_in(&t, "liaison").await;
    let html = liaison.get(&path).await.text();
    assert_eq!(offered(&html), ["return", "progress", "extend", "resolve"]);
    // An action the status does not allow is refused with the reason (409).
    let res = liaison
        .post(
            &act,
            &[("action", "feedback"), ("channel", "phone"), ("note", "x")],
        )
        .await;
    assert!(matches!(res.status.as_u16(), 403 | 409), "{}", res.status);
    assert!(
        res.text().contains("data-testid=\"action-error\""),
        "the reason is shown"
    );
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
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let html = fzq.get(&path).await.text();
    assert_eq!(offered(&html), ["feedback", "classify", "mark_spam"]);
    fzq.post(
        &act,
        &[
            ("action", "feedback"),
            ("channel", "phone"),
            ("note", "已电话告知"),
        ],
    )
    .await;
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
    assert!(html.contains("data-testid=\"status\">已回访"), "closed");
    for step in [
        "登记",
        "受理",
        "转办",
        "办结",
        "反馈",
        "回访",
        "请房管所处理",
        "已更换水管",
    ] {
        assert!(html.contains(step), "timeline lacks {step}");
    }
    assert_eq!(offered(&html), ["reopen"]);
    t.finish().await;
}

async fn personal_data_is_masked_by_role(b: Backend) {
    let t = TestApp::new(b).await;
    let person = t.fx.person;
    let masked = mask_phone(PERSON_PHONE);
    let mut fzq = Browser::sign_in(&t, "station11").await;
    let html = fzq.get(&format!("/people/{person}")).await.text();
    assert!(html.contains(PERSON_PHONE), "station staff call appellants");
    let mut admin = Browser::sign_in(&t, "admin").await;
    let html = admin.get(&format!("/people/{person}")).await.text();
    assert!(!html.contains(PERSON_PHONE), "the district sees it masked");
    assert!(html.contains(&masked));
    assert!(!html.contains("name=\"phone\""), "and cannot overwrite it");
    let mut auditor = Browser::sign_in(&t, "auditor").await;
    let html = auditor.get("/people").await.text();
    assert!(html.contains(&masked) && !html.contains(PERSON_PHONE));
    // Search by phone is a POST: the number never appears in a URL.
    let res = fzq.post("/people", &[("q", PERSON_PHONE)]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.text().contains(&format!("/people/{person}")));
    // An appeal by the person shows the phone per role too.
    let mut body = TestApp::appeal_body(t.fx.c11);
    body.as_object_mut().expect("object").remove("appellant");
    body["appellant_id"] = json!(person);
    let a = t.create_appeal("station11", body).await;
    let path = format!("/appeals/{}", a["id"]);
    assert!(fzq.get(&path).await.text().contains(PERSON_PHONE));
    let html = admin.get(&path).await.text();
    assert!(!html.contains(PERSON_PHONE) && html.contains(&masked));
    // Editing through the form keeps the stored numbers when the editor cannot see them.
    let res = admin
        .post(
            &format!("/people/{person}"),
            &[
                ("name", "王大妈"),
                ("org_unit_id", &t.fx.c11.to_string()),
                ("tags", "living_alone"),
                ("tags", "aged_80_plus"),
                ("party.category", "registered"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let token = t.token("station11").await;
    let p = t.get(&format!("/api/v1/people/{person}"), &token).await;
    assert_eq!(p.json["phone"], PERSON_PHONE);
    assert_eq!(p.json["name"], "王大妈");
    assert_eq!(p.json["tags"], json!(["living_alone", "aged_80_plus"]));
    t.finish().await;
}

async fn dashboard_counts_open_their_lists(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let a1 = t
        .create_appeal("station11", TestApp::appeal_body(fx.c11))
        .await;
    let a2 = t
        .create_appeal("station11", TestApp::appeal_body(fx.c11))
        .await;
    let id2 = a2["id"].as_i64().expect("id");
    t.act_ok("station11", id2, json!({"action": "accept"}))
        .await;
    let mut fzq = Browser::sign_in(&t, "station11").await;
    let count = |html: &str, key: &str| -> i64 {
        // The tile's other attributes (its figure's code) follow the test id.
        let marker = format!("data-testid=\"{key}\"");
        let rest = html.split(&marker).nth(1).expect("a tile");
        let rest = rest.split("<span class=\"count\">").nth(1).expect("count");
        rest.split('<').next().expect("n").parse().expect("number")
    };
    let html = fzq.get("/").await.text();
    assert_eq!(count(&html, "home.registered"), 1);
    assert_eq!(count(&html, "home.accepted"), 1);
    assert_eq!(count(&html, "home.overdue"), 0);
    assert!(html.contains(a1["tracking_code"].as_str().expect("code")));
    // A day later (a working day): the registered one is past its 1-day respond limit,
    // and counts and the list they open agree.
    t.clock.advance(TimeDelta::hours(25));
    let mut fzq = Browser::sign_in(&t, "station11").await;
    let html = fzq.get("/").await.text();
    assert_eq!(count(&html, "home.overdue"), 1);
    let list = fzq.get("/appeals?overdue=true&sort=deadline").await.text();
    assert!(list.contains("<strong>1</strong>"));
    assert!(list.contains(a1["tracking_code"].as_str().expect("code")));
    // The street supervises: the station's dashboard says so, with the note.
    let id1 = a1["id"].as_i64().expect("id");
    assert!(!html.contains("data-testid=\"notices\""));
    t.act_ok(
        "street1",
        id1,
        json!({"action": "supervise", "note": "请今天内联系群众"}),
    )
    .await;
    let html = fzq.get("/").await.text();
    let notices = html
        .split("data-testid=\"notices\"")
        .nth(1)
        .expect("a notices list");
    assert!(notices.contains("督办") && notices.contains("请今天内联系群众"));
    // Unread, it opens through a form that marks it read on the way to the appeal.
    let form = notices
        .split("action=\"/notifications/")
        .nth(1)
        .expect("an unread notice's form");
    let notice_id = form.split('/').next().expect("the notice id");
    let opened = fzq
        .post(
            &format!("/notifications/{notice_id}/read"),
            &[("next", &format!("/appeals/{id1}"))],
        )
        .await;
    assert_eq!(opened.status.as_u16(), 303);
    assert_eq!(location(&opened), format!("/appeals/{id1}"));
    let html = fzq.get("/").await.text();
    let notices = html
        .split("data-testid=\"notices\"")
        .nth(1)
        .expect("the notice stays, read");
    assert!(notices.contains(&format!("<a href=\"/appeals/{id1}\">")));
    assert!(!notices.contains("class=\"unread\"") && !notices.contains("notice-open"));
    // Not to the one who wrote it.
    let mut street = Browser::sign_in(&t, "street1").await;
    assert!(!street
        .get("/")
        .await
        .text()
        .contains("data-testid=\"notices\""));
    t.finish().await;
}

async fn pages_of_every_role_render(b: Backend) {
    let t = TestApp::new(b).await;
    t.create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    for user in [
        "admin",
        "street1",
        "station11",
        "liaison",
        "volunteer",
        "auditor",
    ] {
        let mut br = Browser::sign_in(&t, user).await;
        for path in [
            "/",
            "/appeals",
            "/people",
            "/stats",
            "/admin",
            "/appeals/new",
            "/notifications",
            "/reports",
            "/ranking?level=community",
        ] {
            let res = br.get(path).await;
            assert!(
                matches!(res.status.as_u16(), 200 | 403 | 404),
                "{user} {path}: {}",
                res.status
            );
            assert!(is_html(&res), "{user} {path}");
            let html = res.text();
            assert!(html.contains("<meta charset=\"utf-8\">"), "{user} {path}");
            assert!(html.len() < 200_000, "{user} {path}: {} bytes", html.len());
        }
        // The English switch: a cookie, the same pages.
        let res = br.get("/lang/en").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let html = br.get("/appeals").await.text();
        assert!(html.contains("lang=\"en\"") && html.contains("Appeals"));
        br.get("/lang/zh").await;
        assert!(br.get("/").await.text().contains("工作台"));
    }
    // Pages are gzipped for browsers that ask; the API answers as it always did.
    let gz = |path: &str| {
        Request::builder()
            .uri(path)
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .expect("request")
    };
    let css = t.send(gz("/assets/app.css")).await;
    assert_eq!(
        css.headers
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    assert!(css.bytes.len() < 5_000, "{} bytes gzipped", css.bytes.len());
    let api = t.send(gz("/healthz")).await;
    assert!(api.headers.get(header::CONTENT_ENCODING).is_none());
    t.finish().await;
}

async fn settings_change_and_are_recorded(b: Backend) {
    let t = TestApp::new(b).await;
    let mut admin = Browser::sign_in(&t, "admin").await;
    // Each part of the settings on its own page.
    for (path, part) in [
        ("/admin/org", "佛字桥居民区"),
        ("/admin/org", "房管所"),
        ("/admin/users", "station11"),
        ("/admin/categories", "生活帮困"),
        ("/admin/calendar", "元旦"),
    ] {
        let page = admin.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.text().contains(part), "{path} lacks {part}");
    }
    let html = admin.get("/admin/limits").await.text();
    // Time limits: help appeals now get 5 working days; the form keeps the other rows.
    let mut fields: Vec<(String, String)> = Vec::new();
    for key in [
        "urgent",
        "help",
        "complaint",
        "report",
        "inquiry",
        "suggestion",
        "praise",
    ] {
        for part in ["respond", "resolve"] {
            let name = format!("{key}.{part}");
            let value = hidden_value(&html, &name).unwrap_or_default();
            let unit = hidden_value(&html, &format!("{name}_unit")).expect("a unit");
            fields.push((name, value));
            fields.push((format!("{key}.{part}_unit"), unit));
        }
    }
    for (name, value) in fields.iter_mut() {
        if name == "help.resolve" {
            *value = "5".into();
        }
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = admin.post("/admin/time-limits", &pairs).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let token = t.token("admin").await;
    let limits = t.get("/api/v1/time-limits", &token).await;
    assert_eq!(
        limits.json["by_kind"]["help"]["resolve"],
        json!({"working_days": 5})
    );
    assert_eq!(
        limits.json["by_kind"]["complaint"]["resolve"],
        json!({"working_days": 15})
    );
    let html = admin.get("/admin").await.text();
    let log = html
        .split("data-testid=\"changes\"")
        .nth(1)
        .expect("a record");
    assert!(log.contains("区管理员") && log.contains("time_limits"));
    // A bad number is said beside the form, nothing saved.
    let mut bad = pairs.clone();
    bad.retain(|(k, _)| *k != "help.resolve");
    bad.push(("help.resolve", "七"));
    let res = admin.post("/admin/time-limits", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("help.resolve"));

    // A street adds an account in its subtree; the district's record says who did.
    let mut street = Browser::sign_in(&t, "street1").await;
    assert_eq!(street.get("/admin").await.status, StatusCode::OK);
    assert_eq!(street.get("/admin/users").await.status, StatusCode::OK);
    let c12 = t.fx.c12.to_string();
    let res = street
        .post(
            "/admin/users",
            &[
                ("username", "huangduban"),
                ("display_name", "黄渡浜接待员"),
                ("password", "short"),
                ("role", "station_staff"),
                ("org_unit_id", &c12),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("value=\"huangduban\""), "input kept");
    let res = street
        .post(
            "/admin/users",
            &[
                ("username", "huangduban"),
                ("display_name", "黄渡浜接待员"),
                ("password", "long-enough-1"),
                ("role", "station_staff"),
                ("org_unit_id", &c12),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let mut newcomer = Browser::new(&t);
    newcomer.get("/login").await;
    let res = newcomer
        .post(
            "/login",
            &[("username", "huangduban"), ("password", "long-enough-1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(admin
        .get("/admin")
        .await
        .text()
        .contains("新增用户 huangduban"));
    // The organization: a new community under a street, a new department; both recorded.
    let s1 = t.fx.s1.to_string();
    let res = admin
        .post(
            "/admin/org-units",
            &[
                ("parent_id", &s1),
                ("name", "新建居民区"),
                ("code", "310117001099"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let again = admin
        .post(
            "/admin/org-units",
            &[
                ("parent_id", &s1),
                ("name", "重复居民区"),
                ("code", "310117001099"),
            ],
        )
        .await;
    assert!(
        matches!(again.status.as_u16(), 409 | 422),
        "{}",
        again.status
    );
    assert!(again.text().contains("value=\"重复居民区\""), "input kept");
    let g111 = t.fx.g111.to_string();
    let under_grid = admin
        .post(
            "/admin/org-units",
            &[("parent_id", &g111), ("name", "楼组"), ("code", "x1")],
        )
        .await;
    assert_eq!(under_grid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = admin
        .post(
            "/admin/departments",
            &[
                ("dept_unit_id", &s1),
                ("dept_name", "岳阳街道城管中队"),
                ("dept_code", "yy-cg"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let html = admin.get("/admin/org").await.text();
    assert!(html.contains("新建居民区") && html.contains("岳阳街道城管中队"));
    let log = admin.get("/admin").await.text();
    assert!(log.contains("新建居民区（310117001099") && log.contains("新增部门 岳阳街道城管中队"));
    let html = admin.get("/admin/calendar").await.text();
    let units = t.get("/api/v1/org-units", &token).await;
    assert!(units.json.to_string().contains("新建居民区"));

    // In November (the test's clock) next year's arrangement is due: the page says it is
    // missing until it is loaded.
    let missing = html
        .split("data-testid=\"calendar-missing\">")
        .nth(1)
        .expect("a warning for 2027");
    assert!(missing
        .split("</p>")
        .next()
        .is_some_and(|w| w.contains("2027")));
    // A year's official arrangement, pasted; a broken file is refused and kept in the form.
    let bad = admin
        .post("/admin/calendar", &[("calendar", "{\"years\": 3}")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("id=\"cal-err\""));
    let file = r#"{"about":"2027年元旦","years":{"2027":{"holidays":{"元旦":["2027-01-01","2027-01-02","2027-01-03"]},"working_weekends":[]}}}"#;
    let res = admin.post("/admin/calendar", &[("calendar", file)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let calendar = t.get("/api/v1/calendar", &token).await;
    assert!(calendar.json["years"]
        .as_array()
        .is_some_and(|y| y.contains(&json!(2027))));
    let html = admin.get("/admin").await.text();
    assert!(html.contains("载入工作日历：2027 年"), "{html}");
    let html = admin.get("/admin/calendar").await.text();
    assert!(!html.contains("data-testid=\"calendar-missing\""));

    // The street cannot change district configuration; a station sees no settings.
    let res = street
        .post(
            "/admin/org-units",
            &[("parent_id", &s1), ("name", "街道自建"), ("code", "s-1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = street.post("/admin/time-limits", &pairs).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let mut fzq = Browser::sign_in(&t, "station11").await;
    assert_eq!(fzq.get("/admin").await.status, StatusCode::FORBIDDEN);
    t.finish().await;
}

async fn the_register_pages_and_filters_by_tag(b: Backend) {
    let t = TestApp::new(b).await;
    for i in 0..55 {
        let tags = if i % 5 == 0 {
            vec![suqiu_core::person::CareTag::LivingAlone]
        } else {
            vec![]
        };
        t.store
            .create_person(&suqiu_core::person::Person {
                id: 0,
                name: format!("居民{i:02}"),
                gender: None,
                birth_date: None,
                phone: None,
                id_number: None,
                org_unit_id: t.fx.c11,
                address: None,
                tags,
                party: None,
            })
            .await
            .expect("a person");
    }
    let mut fzq = Browser::sign_in(&t, "station11").await;
    let first = fzq.get("/people").await.text();
    assert!(first.contains("<strong>56</strong>"));
    assert!(first.contains("page=2\" rel=\"next\""), "a next page");
    let second = fzq.get("/people?tag=&page=2").await.text();
    assert_eq!(second.matches("<td><a href=\"/people/").count(), 6);
    let alone = fzq.get("/people?tag=living_alone").await.text();
    assert!(alone.contains("<strong>11</strong>"), "{alone}");
    t.finish().await;
}

/// Lists count exactly only up to the store's cap; the export still holds every row of the
/// filter (it reads pages until one comes back short).
async fn the_export_holds_every_row_past_the_count_cap(b: Backend) {
    use suqiu_core::appeal::{Appellant, Channel, Kind, Urgency};
    use suqiu_core::lifecycle::{register, Intake};
    let t = TestApp::new(b).await;
    let n = suqiu_store::appeals::COUNT_CAP as usize + 30;
    let actor = t
        .store
        .actor(t.fx.user("station11"))
        .await
        .expect("store")
        .expect("an actor");
    let now = t.clock.now();
    for i in 0..n {
        let intake = Intake {
            appellant: Appellant::Anonymous,
            org_unit_id: t.fx.c11,
            channel: Channel::Phone,
            kind: Kind::Inquiry,
            category: "health.family_doctor".into(),
            urgency: Urgency::Normal,
            title: None,
            content: format!("第{i}条咨询"),
            location: None,
            public_consent: false,
        };
        let (appeal, event) = {
            let calendar = t.state.calendar();
            let policy = t.state.policy();
            register(
                intake,
                format!("SQTEST{i:06}"),
                t.fx.c11,
                &actor,
                now,
                &calendar,
                &policy,
            )
            .expect("register")
        };
        t.store
            .create_appeal(&appeal, &event)
            .await
            .expect("store the appeal");
    }
    let mut fzq = Browser::sign_in(&t, "station11").await;
    let list = fzq.get("/appeals?kind=inquiry").await.text();
    assert!(list.contains(&format!(
        "<strong>{}+</strong>",
        suqiu_store::appeals::COUNT_CAP
    )));
    let export = fzq.get("/appeals.xlsx?kind=inquiry").await;
    assert_eq!(export.status, StatusCode::OK);
    let rows = xlsx_rows(&export.bytes);
    assert_eq!(rows.len(), n + 1, "every row and the header");
    let mut codes: Vec<&String> = rows.iter().skip(1).map(|r| &r[0]).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), n, "no row twice");
    t.finish().await;
}

/// The unread badge of a page's header, if any.
fn badge(html: &str) -> Option<String> {
    let rest = html.split("data-testid=\"unread-badge\"").nth(1)?;
    let rest = rest.split('>').nth(1)?;
    Some(rest.split('<').next()?.to_string())
}

async fn the_notice_centre_counts_opens_and_marks_read(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let a = t
            .create_appeal("station11", TestApp::appeal_body(fx.c11))
            .await;
        let id = a["id"].as_i64().expect("id");
        t.act_ok("station11", id, json!({"action": "accept"})).await;
        ids.push(id);
    }
    let mut fzq = Browser::sign_in(&t, "station11").await;
    assert_eq!(
        badge(&fzq.get("/").await.text()),
        None,
        "nothing unread yet"
    );
    for (id, note) in ids.iter().zip(["请今天内联系<b>群众</b>", "请本周办结"]) {
        t.act_ok("street1", *id, json!({"action": "supervise", "note": note}))
            .await;
    }
    // The badge is on every page; the centre lists both, the note escaped.
    assert_eq!(
        badge(&fzq.get("/appeals").await.text()).as_deref(),
        Some("2")
    );
    let html = fzq.get("/notifications").await.text();
    assert!(
        html.contains("请今天内联系") && !html.contains("<b>群众"),
        "{html}"
    );
    assert_eq!(html.matches("data-testid=\"mark-read\"").count(), 2);
    // Opening the first from the centre marks it read and lands on its appeal.
    let notices = t
        .get(
            "/api/v1/notifications?unread=true",
            &t.token("station11").await,
        )
        .await;
    let first = notices.ok(200)["items"][0]["id"].as_i64().expect("id");
    let res = fzq
        .post(
            &format!("/notifications/{first}/read"),
            &[("next", &format!("/appeals/{}", ids[1]))],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(location(&res), format!("/appeals/{}", ids[1]));
    let html = fzq.get("/notifications?unread=1").await.text();
    assert_eq!(badge(&html).as_deref(), Some("1"));
    assert_eq!(html.matches("data-testid=\"mark-read\"").count(), 1);
    // Someone else's notice is not theirs to mark.
    let mut street = Browser::sign_in(&t, "street1").await;
    street.get("/notifications").await;
    let res = street
        .post(&format!("/notifications/{first}/read"), &[])
        .await;
    assert_eq!(res.status, 404);
    // 全部标为已读 clears the badge; the notices stay, read.
    let res = fzq.post("/notifications/read-all", &[]).await;
    assert_eq!(location(&res), "/notifications");
    let html = fzq.get("/notifications").await.text();
    assert_eq!(badge(&html), None);
    assert_eq!(html.matches("class=\"unread\"").count(), 0);
    assert!(html.contains("请本周办结"));
    let html = fzq.get("/notifications?unread=1").await.text();
    assert!(!html.contains("notice-list") && html.contains("没有未读通知"));
    t.finish().await;
}

async fn categories_are_added_and_renamed_and_recorded(b: Backend) {
    let t = TestApp::new(b).await;
    let mut admin = Browser::sign_in(&t, "admin").await;
    admin.get("/admin").await;
    let res = admin
        .post(
            "/admin/categories",
            &[("parent_code", "public_facilities"), ("name", " 楼道堆物 ")],
        )
        .await;
    assert_eq!(location(&res), "/admin/categories");
    let token = t.token("station11").await;
    let cats = t.get("/api/v1/categories", &token).await;
    let added = cats
        .ok(200)
        .as_array()
        .expect("categories")
        .iter()
        .find(|c| c["name"] == "楼道堆物")
        .cloned()
        .expect("the new category");
    assert_eq!(added["code"], "public_facilities.c1");
    // Appeals may use it at once.
    let mut body = TestApp::appeal_body(t.fx.c11);
    body["category"] = json!("public_facilities.c1");
    t.create_appeal("station11", body).await;
    // The same name twice under one parent is refused beside the form, input kept.
    let again = admin
        .post(
            "/admin/categories",
            &[("parent_code", "public_facilities"), ("name", "楼道堆物")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().contains("「楼道堆物」已有"));
    // Renamed: the code stays, the name changes everywhere.
    let res = admin
        .post(
            "/admin/categories",
            &[("code", "public_facilities.c1"), ("name", "楼道堆物清理")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let html = admin.get("/admin/categories").await.text();
    assert!(html.contains("楼道堆物清理"));
    let html = admin.get("/admin").await.text();
    assert!(html.contains("新增分类「楼道堆物」") && html.contains("改名为「楼道堆物清理」"));
    // Only the district configures.
    let mut street = Browser::sign_in(&t, "street1").await;
    street.get("/admin").await;
    let res = street
        .post(
            "/admin/categories",
            &[("parent_code", "health"), ("name", "x")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    t.finish().await;
}

/// 统计's line chart: the appeals received in each of the twelve months up to the period,
/// months without any at zero.
async fn the_volume_chart_counts_each_month(b: Backend) {
    let t = TestApp::new(b).await;
    for _ in 0..2 {
        t.create_appeal("station11", TestApp::appeal_body(t.fx.c11))
            .await;
    }
    t.clock.advance(TimeDelta::days(35));
    t.create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let mut admin = Browser::sign_in(&t, "admin").await;
    let html = admin.get("/stats").await.text();
    for (month, n) in [("26-10", 0), ("26-11", 2), ("26-12", 1)] {
        assert!(
            html.contains(&format!("<title>{month}：{n}</title>")),
            "{month} should show {n}"
        );
    }
    assert_eq!(html.matches("<circle").count(), 12, "twelve months");
    t.finish().await;
}
