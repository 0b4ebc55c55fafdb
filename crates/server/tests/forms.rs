//! Forms outside the appeals and /admin never lose what was typed: a form posted with
//! several mistakes comes back with every value and choice as typed, each message beside
//! its field (and all of them in the summary), the refusal's status and nothing saved; the
//! same form posted right answers 303 and the next page says so once (the flash) with a
//! link to where to go next.

mod common;

use axum::http::StatusCode;
use common::browser::{location, market, Browser};
use common::{Backend, Resp, TestApp};
use serde_json::Value;

/// The page came back to be corrected: `status`, the summary, and each `(field id,
/// message)` beside its field (`aria-invalid`, described by the message).
#[track_caller]
fn refused(res: &Resp, status: StatusCode, errors: &[(&str, &str)]) -> String {
    let html = res.text();
    assert_eq!(res.status, status, "{html}");
    assert!(
        html.contains("data-testid=\"form-errors\""),
        "summary: {html}"
    );
    for (id, message) in errors {
        let beside = format!("<p class=\"error\" id=\"err-{id}\">");
        let at = html
            .find(&beside)
            .unwrap_or_else(|| panic!("no error beside {id}: {html}"));
        assert!(
            html[at..]
                .split("</p>")
                .next()
                .unwrap_or("")
                .contains(message),
            "{id} should say {message}: {html}"
        );
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "the field {id} is on the page"
        );
        assert!(
            html.contains(&format!("aria-describedby=\"err-{id}\"")),
            "{id} is described by its error"
        );
        assert!(
            html.contains(&format!("href=\"#{id}\"")),
            "the summary links to {id}"
        );
    }
    html
}

/// The input `id` shows `value` as typed.
#[track_caller]
fn kept(html: &str, id: &str, value: &str) {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no field {id}"));
    let tag = &html[at..at + html[at..].find('>').expect("tag end")];
    assert!(
        tag.contains(&format!("value=\"{value}\"")),
        "{id} should keep {value:?}: {tag}"
    );
}

/// The select `id` has `value` chosen.
#[track_caller]
fn chosen(html: &str, id: &str, value: &str) {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no select {id}"));
    let select = &html[at..at + html[at..].find("</select>").expect("select end")];
    assert!(
        select.contains(&format!("value=\"{value}\" selected")),
        "{id} should keep {value}: {select}"
    );
    assert_eq!(select.matches(" selected").count(), 1, "{select}");
}

/// A 303 to `to`, whose page shows `message` once with a link to `next`.
async fn flashed(b: &mut Browser<'_>, res: &Resp, to: &str, message: &str, next: Option<&str>) {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert_eq!(location(res), to);
    let to = to.split('#').next().unwrap_or(to);
    let html = b.get(to).await.text();
    let at = html
        .find("data-testid=\"flash\"")
        .unwrap_or_else(|| panic!("no flash on {to}: {html}"));
    let flash = &html[at..at + html[at..].find("</div>").expect("flash end")];
    assert!(flash.contains(message), "{flash}");
    if let Some(next) = next {
        assert!(flash.contains(&format!("href=\"{next}\"")), "{flash}");
    }
    let again = b.get(to).await.text();
    assert!(!again.contains("data-testid=\"flash\""), "shown once");
}

async fn count(t: &TestApp, path: &str, key: &str) -> usize {
    let token = t.token("admin").await;
    let v: Value = t.get(path, &token).await.ok(200).clone();
    v[key].as_array().map_or(0, Vec::len)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supermarket_item_form_names_both_fields() {
    let t = TestApp::new(Backend::Sqlite).await;
    let c11 = t.fx.c11.to_string();
    let mut b = Browser::sign_in(&t, "station11").await;
    b.get("/supermarket").await;
    // The item form: both fields missing, named at once.
    let res = b
        .post(
            "/supermarket/items",
            &[("org_unit_id", &c11), ("name", " "), ("unit", "")],
        )
        .await;
    refused(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            ("item-name", "请填写物品名称"),
            ("item-unit", "请填写计量单位"),
        ],
    );
    let res = b
        .post(
            "/supermarket/items",
            &[("org_unit_id", &c11), ("name", "大米"), ("unit", "袋")],
        )
        .await;
    flashed(
        &mut b,
        &res,
        &format!("/supermarket?org_unit={c11}"),
        "已新增物品 大米（袋）",
        None,
    )
    .await;
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supermarket_hand_out_keeps_direction_recipient_and_item() {
    let t = TestApp::new(Backend::Sqlite).await;
    let person = t.fx.person.to_string();
    let (mut b, c11, item) = market(&t).await;
    let movements = format!("/api/v1/supermarket/statement?org_unit={c11}");
    let before = count(&t, &movements, "movements").await;
    // A hand-out with no quantity and no recipient: still 发放, item and note kept.
    let res = b
        .post(
            "/supermarket/movements",
            &[
                ("org_unit_id", &c11),
                ("item_id", &item),
                ("direction", "out"),
                ("quantity", ""),
                ("person_id", ""),
                ("note", "节日慰问"),
            ],
        )
        .await;
    let html = refused(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            ("move-quantity", "请填写数量"),
            ("move-person-id", "发放物品须登记领取人"),
        ],
    );
    assert!(
        html.contains("value=\"out\" checked"),
        "still a hand-out: {html}"
    );
    assert!(!html.contains("value=\"in\" checked"));
    chosen(&html, "move-item-id", &item);
    kept(&html, "move-note", "节日慰问");

    // A bad quantity with the recipient chosen: the recipient stays chosen.
    let res = b
        .post(
            "/supermarket/movements",
            &[
                ("org_unit_id", &c11),
                ("item_id", &item),
                ("direction", "out"),
                ("quantity", "两袋"),
                ("person_id", &person),
            ],
        )
        .await;
    let html = refused(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[("move-quantity", "数量应为正整数")],
    );
    chosen(&html, "move-person-id", &person);
    kept(&html, "move-quantity", "两袋");
    assert_eq!(
        count(&t, &movements, "movements").await,
        before,
        "nothing saved"
    );
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supermarket_stock_in_and_hand_out_say_so_once() {
    let t = TestApp::new(Backend::Sqlite).await;
    let person = t.fx.person.to_string();
    let (mut b, c11, item) = market(&t).await;
    // Stock in, then the hand-out right: the flash names it and links to the person.
    let stock_in = [
        ("org_unit_id", c11.as_str()),
        ("item_id", &item),
        ("direction", "in"),
        ("quantity", "10"),
    ];
    let res = b.post("/supermarket/movements", &stock_in).await;
    let back = format!("/supermarket?org_unit={c11}");
    flashed(&mut b, &res, &back, "已登记入库 大米 × 10 袋", None).await;
    let res = b
        .post(
            "/supermarket/movements",
            &[
                ("org_unit_id", &c11),
                ("item_id", &item),
                ("direction", "out"),
                ("quantity", "2"),
                ("person_id", &person),
            ],
        )
        .await;
    let to_person = format!("/people/{person}");
    flashed(
        &mut b,
        &res,
        &back,
        "已登记发放 大米 × 2 袋 · 李老伯",
        Some(&to_person),
    )
    .await;
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fund_grant_names_every_error_at_once() {
    let t = TestApp::new(Backend::Sqlite).await;
    let c11 = t.fx.c11.to_string();
    let mut b = Browser::sign_in(&t, "station11").await;
    b.get("/fund").await;
    let donation = [
        ("org_unit_id", c11.as_str()),
        ("kind", "donation"),
        ("amount", "1000"),
    ];
    let res = b.post("/fund/entries", &donation).await;
    flashed(
        &mut b,
        &res,
        &format!("/fund?org_unit={c11}"),
        "已登记捐赠 ¥1,000.00",
        None,
    )
    .await;
    let entries = format!("/api/v1/fund?org_unit={c11}");

    // No recipient, a bad amount, no purpose: all three at once, the code kept.
    let res = b
        .post(
            "/fund/entries",
            &[
                ("org_unit_id", &c11),
                ("kind", "grant"),
                ("person_id", ""),
                ("amount", "八十"),
                ("appeal_code", "SQ-19990101-0001"),
                ("note", ""),
            ],
        )
        .await;
    let html = refused(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            ("grant-person-id", "每笔助困发放须登记受助人"),
            ("grant-amount", "金额应为大于 0 的数字"),
            ("grant-note", "请写明发放事由"),
            ("grant-appeal-code", "没有这个追踪码的诉求"),
        ],
    );
    kept(&html, "grant-amount", "八十");
    kept(&html, "grant-appeal-code", "SQ-19990101-0001");
    assert!(
        !html.contains("appeal_id"),
        "no field asks for a database id"
    );
    // Only the grant form shows what was typed: the donation form is fresh.
    kept(&html, "donation-amount", "");
    let token = t.token("admin").await;
    let ledger: Value = t.get(&entries, &token).await.ok(200).clone();
    assert_eq!(ledger["total"], 1, "only the donation: {ledger}");
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fund_grant_takes_the_appeals_tracking_code() {
    let t = TestApp::new(Backend::Sqlite).await;
    let (c11, person) = (t.fx.c11.to_string(), t.fx.person.to_string());
    let appeal = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let code = appeal["tracking_code"].as_str().expect("code").to_string();
    let mut b = Browser::sign_in(&t, "station11").await;
    b.get("/fund").await;
    let donation = [
        ("org_unit_id", c11.as_str()),
        ("kind", "donation"),
        ("amount", "1000"),
    ];
    let res = b.post("/fund/entries", &donation).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let entries = format!("/api/v1/fund?org_unit={c11}");
    // An unknown tracking code is said beside its field; the recipient stays chosen.
    let grant = |appeal_code: &str| {
        vec![
            ("org_unit_id", c11.clone()),
            ("kind", "grant".to_string()),
            ("person_id", person.clone()),
            ("amount", "80".to_string()),
            ("appeal_code", appeal_code.to_string()),
            ("note", "临时困难补助".to_string()),
        ]
    };
    let pairs = grant("SQ-19990101-0001");
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = b.post("/fund/entries", &pairs).await;
    let html = refused(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[("grant-appeal-code", "没有这个追踪码的诉求")],
    );
    chosen(&html, "grant-person-id", &person);
    let token = t.token("admin").await;
    let ledger: Value = t.get(&entries, &token).await.ok(200).clone();
    assert_eq!(ledger["total"], 1, "only the donation: {ledger}");

    // Right: posted with the appeal, the flash links to the voucher.
    let pairs = grant(&code.to_lowercase());
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = b.post("/fund/entries", &pairs).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let ledger: Value = t.get(&entries, &token).await.ok(200).clone();
    let grant = &ledger["entries"][0];
    assert_eq!(grant["appeal_id"], appeal["id"], "{ledger}");
    let voucher = format!("/fund/entries/{}/voucher", grant["id"]);
    let html = b.get(&format!("/fund?org_unit={c11}")).await.text();
    assert!(html.contains("已发放助困金 ¥80.00 · 李老伯"), "{html}");
    assert!(html.contains(&format!("href=\"{voucher}\"")));
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wish_form_keeps_person_estimate_and_deadline() {
    let t = TestApp::new(Backend::Sqlite).await;
    let person = t.fx.person.to_string();
    let mut b = Browser::sign_in(&t, "station11").await;
    // 微心愿: no wish, a bad estimate and a deadline in the past, the person kept.
    b.get("/wishes").await;
    let wish = |text: &str, estimate: &str, deadline: &str| {
        vec![
            ("person_id", person.clone()),
            ("wish", text.to_string()),
            ("estimate", estimate.to_string()),
            ("deadline", deadline.to_string()),
        ]
    };
    let pairs = wish("", "五十", "2020-01-01");
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = b.post("/wishes", &pairs).await;
    let html = refused(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            ("wish-wish", "请填写心愿内容"),
            ("wish-estimate", "估价应为大于 0 的数字"),
            ("wish-deadline", "不能早于今天"),
        ],
    );
    chosen(&html, "wish-person-id", &person);
    kept(&html, "wish-estimate", "五十");
    kept(&html, "wish-deadline", "2020-01-01");
    let pairs = wish("一台收音机", "50", "");
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = b.post("/wishes", &pairs).await;
    let to_person = format!("/people/{person}");
    flashed(
        &mut b,
        &res,
        "/wishes",
        "已登记心愿 李老伯 · 一台收音机",
        Some(&to_person),
    )
    .await;
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_hours_form_keeps_date_note_and_hours() {
    let t = TestApp::new(Backend::Sqlite).await;
    let mut b = Browser::sign_in(&t, "station11").await;
    // 在职党员: hours with nothing chosen and no number, the date and note kept.
    b.get("/service").await;
    let res = b
        .post(
            "/service/hours",
            &[
                ("registration_id", ""),
                ("post_id", ""),
                ("served_on", "2026-11-20"),
                ("hours", "两小时"),
                ("note", "清扫楼道"),
            ],
        )
        .await;
    let html = refused(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            ("hours-registration-id", "请选择党员"),
            ("hours-post-id", "请选择服务岗位"),
            ("hours-hours", "服务时长应为数字"),
        ],
    );
    kept(&html, "hours-served-on", "2026-11-20");
    kept(&html, "hours-note", "清扫楼道");
    kept(&html, "hours-hours", "两小时");
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_post_and_registration_forms_keep_what_was_typed() {
    let t = TestApp::new(Backend::Sqlite).await;
    let c11 = t.fx.c11.to_string();
    let mut b = Browser::sign_in(&t, "station11").await;
    b.get("/service").await;
    // A post with no community and no name: both named at once.
    let res = b
        .post("/service/posts", &[("org_unit_id", ""), ("name", "  ")])
        .await;
    refused(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            ("post-org-unit-id", "请选择社区"),
            ("post-name", "请填写岗位名称"),
        ],
    );
    // A registration with nobody chosen and a date that is not one: the community kept.
    let res = b
        .post(
            "/service/registrations",
            &[
                ("person_id", ""),
                ("org_unit_id", &c11),
                ("registered_on", "下周一"),
            ],
        )
        .await;
    let html = refused(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            ("registration-person-id", "请从列表中选择报到的党员"),
            ("registration-registered-on", "应为日期"),
        ],
    );
    chosen(&html, "registration-org-unit-id", &c11);
    kept(&html, "registration-registered-on", "下周一");
    // The post posted right is saved and says so.
    let res = b
        .post(
            "/service/posts",
            &[("org_unit_id", &c11), ("name", "楼道清洁")],
        )
        .await;
    flashed(&mut b, &res, "/service", "楼道清洁", None).await;
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn person_form_keeps_address_tags_and_party() {
    let t = TestApp::new(Backend::Sqlite).await;
    let mut b = Browser::sign_in(&t, "station11").await;
    // 人员: no name and a bad phone; address, tags and party kept.
    let before = t.people_count().await;
    b.get("/people/new").await;
    let c11 = t.fx.c11.to_string();
    let res = b
        .post(
            "/people/new",
            &[
                ("name", ""),
                ("phone", "12345"),
                ("org_unit_id", &c11),
                ("address", "佛字桥小区3号楼201室"),
                ("tags", "living_alone"),
                ("tags", "disabled"),
                ("party.category", "floating"),
            ],
        )
        .await;
    let html = refused(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[("person-name", "姓名"), ("person-phone", "手机号")],
    );
    kept(&html, "person-address", "佛字桥小区3号楼201室");
    kept(&html, "person-phone", "12345");
    assert!(
        html.contains("value=\"living_alone\" checked")
            && html.contains("value=\"disabled\" checked")
    );
    chosen(&html, "person-party-category", "floating");
    assert_eq!(t.people_count().await, before, "nothing saved");
    let res = b
        .post(
            "/people/new",
            &[
                ("name", "蒋子轩"),
                ("org_unit_id", &c11),
                ("address", "佛字桥小区5号楼"),
            ],
        )
        .await;
    let to = location(&res);
    assert!(to.starts_with("/people/"), "{to}");
    let id = to.trim_start_matches("/people/").to_string();
    flashed(
        &mut b,
        &res,
        &to,
        "已登记人员 蒋子轩",
        Some(&format!("/visits/new?person={id}")),
    )
    .await;
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visit_form_keeps_notes_and_the_appeal_box() {
    let t = TestApp::new(Backend::Sqlite).await;
    let person = t.fx.person.to_string();
    let mut b = Browser::sign_in(&t, "station11").await;
    // 走访: an appeal asked for without its kind; the notes kept, the box still ticked.
    b.get(&format!("/visits/new?person={person}")).await;
    let res = b
        .post(
            "/visits/new",
            &[
                ("person_id", &person),
                ("note", "老人精神尚好"),
                ("follow_up", "三天后回访"),
                ("raise", "1"),
                ("raise_appeal.kind", ""),
                ("raise_appeal.content", "水管漏水"),
            ],
        )
        .await;
    let html = refused(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[("visit-raise-appeal-kind", "")],
    );
    assert!(html.contains(">老人精神尚好</textarea>") && html.contains(">水管漏水</textarea>"));
    assert!(html.contains("name=\"raise\" value=\"1\" id=\"visit-raise\" checked"));
    let res = b
        .post(
            "/visits/new",
            &[("person_id", &person), ("note", "老人精神尚好")],
        )
        .await;
    flashed(
        &mut b,
        &res,
        "/care",
        "已登记走访",
        Some(&format!("/people/{person}")),
    )
    .await;
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_filter_takes_a_tracking_code_and_a_person_by_name() {
    let t = TestApp::new(Backend::Sqlite).await;
    let appeal = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let code = appeal["tracking_code"].as_str().expect("code").to_string();
    let station = t.token("station11").await;
    t.get(&format!("/api/v1/appeals/{}", appeal["id"]), &station)
        .await
        .ok(200);
    let mut b = Browser::sign_in(&t, "auditor").await;

    // The appeal by its tracking code, as typed (any case): its reads, the code kept.
    let html = b
        .get(&format!("/audit/reads?appeal_code={}", code.to_lowercase()))
        .await
        .text();
    assert!(html.contains("GET /api/v1/appeals/{id}"), "{html}");
    kept(&html, "filter-appeal-code", &code.to_lowercase());
    assert!(!html.contains("inputmode=\"numeric\""), "no number to type");
    // The person is picked from the register, told apart by phone and address.
    assert!(html.contains("李老伯 · 138****5678"), "{html}");

    // An unknown code and a bad period: both beside their fields, nothing listed.
    let res = b
        .get("/audit/reads?appeal_code=SQ-19990101-0001&from=2026-13-01")
        .await;
    let html = refused(
        &res,
        StatusCode::OK,
        &[
            ("filter-appeal-code", "没有这个追踪码的诉求"),
            ("filter-from", ""),
        ],
    );
    kept(&html, "filter-from", "2026-13-01");
    assert!(html.contains("没有符合条件的查阅记录"));

    // From the appeal's page (by id): the field shows the code, not the number.
    let html = b
        .get(&format!("/audit/reads?appeal_id={}", appeal["id"]))
        .await
        .text();
    kept(&html, "filter-appeal-code", &code);
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teams_block_is_a_building_written_as_on_the_register() {
    let t = TestApp::new(Backend::Sqlite).await;
    let token = t.token("station11").await;
    let body = serde_json::json!({"name": "吴阿婆", "org_unit_id": t.fx.c11,
        "address": "佛字桥小区5号楼302室", "tags": ["living_alone"]});
    t.post("/api/v1/people", &token, body).await.ok(201);
    let team = t.fx.team;
    let mut b = Browser::sign_in(&t, "station11").await;
    let html = b.get("/care/teams").await.text();
    // The buildings offered are those the register's addresses name.
    assert!(
        html.contains("<option value=\"佛字桥小区5号楼\">"),
        "{html}"
    );
    assert!(
        html.contains("<option value=\"3号楼\">"),
        "李老伯's 3号楼201室"
    );

    // The member and grid forms posted with nothing chosen: said beside their own select.
    for (part, field) in [("member", "user-id"), ("grid", "grid-id")] {
        let res = b
            .post(&format!("/care/teams/{team}"), &[("part", part)])
            .await;
        refused(
            &res,
            StatusCode::UNPROCESSABLE_ENTITY,
            &[(&format!("{part}-{team}-{field}"), "请先选择要添加的项")],
        );
    }

    // A block no address starts with would hold nobody: refused beside the field, kept.
    let res = b
        .post(
            &format!("/care/teams/{team}"),
            &[("address_prefix", "5号楼")],
        )
        .await;
    let html = refused(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[(
            &format!("block-{team}-address-prefix"),
            "登记册中没有以此开头的地址",
        )],
    );
    kept(&html, &format!("block-{team}-address-prefix"), "5号楼");

    // As the register writes it: added, and the flash says so.
    let res = b
        .post(
            &format!("/care/teams/{team}"),
            &[("address_prefix", "佛字桥小区5号楼")],
        )
        .await;
    flashed(&mut b, &res, "/care/teams#teams", "已更新团队", None).await;
    let html = b.get("/care/teams").await.text();
    let teams = html.split("data-testid=\"teams\"").nth(1).expect("teams");
    assert!(teams.contains("佛字桥小区5号楼"));
    t.finish().await;
}

/// The API takes the appeal a grant answers by its tracking code too (README: API).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fund_api_takes_an_appeals_tracking_code() {
    let t = TestApp::new(Backend::Sqlite).await;
    let appeal = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let code = appeal["tracking_code"].as_str().expect("code");
    let token = t.token("station11").await;
    let donation = serde_json::json!({"org_unit_id": t.fx.c11, "kind": "donation",
        "amount_cents": 100_000});
    t.post("/api/v1/fund/entries", &token, donation)
        .await
        .ok(201);
    let grant = |code: &str, appeal_id: Option<i64>| {
        serde_json::json!({"org_unit_id": t.fx.c11, "kind": "grant", "amount_cents": 8000,
            "person_id": t.fx.person, "appeal_code": code, "appeal_id": appeal_id,
            "note": "临时困难补助"})
    };
    t.post(
        "/api/v1/fund/entries",
        &token,
        grant("SQ-19990101-0001", None),
    )
    .await
    .field_error("appeal_code");
    t.post("/api/v1/fund/entries", &token, grant(code, Some(999_999)))
        .await
        .field_error("appeal_code");
    let posted = t
        .post(
            "/api/v1/fund/entries",
            &token,
            grant(&code.to_lowercase(), None),
        )
        .await;
    assert_eq!(posted.ok(201)["appeal_id"], appeal["id"]);
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scoring_rule_form_keeps_what_was_typed_and_says_saved() {
    let t = TestApp::new(Backend::Sqlite).await;
    let mut b = Browser::sign_in(&t, "admin").await;
    b.get("/ranking/rule").await;
    let res = b
        .post(
            "/ranking/rule",
            &[
                ("response", "三十"),
                ("resolution", "35"),
                ("satisfaction", "35"),
                ("min_sample", "-2"),
            ],
        )
        .await;
    let html = res.text();
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    kept(&html, "w-response", "三十");
    kept(&html, "w-min", "-2");
    kept(&html, "w-resolution", "35");
    assert!(html.contains("请填写数字"), "{html}");
    assert!(html.contains("请填写不小于 0 的整数"), "{html}");
    let res = b
        .post(
            "/ranking/rule",
            &[
                ("response", "40"),
                ("resolution", "30"),
                ("satisfaction", "30"),
                ("min_sample", "3"),
            ],
        )
        .await;
    flashed(
        &mut b,
        &res,
        "/ranking/rule",
        "考核规则已保存",
        Some("/ranking"),
    )
    .await;
    let rule = b.get("/ranking/rule").await.text();
    kept(&rule, "w-min", "3");
    kept(&rule, "w-response", "40");
}
