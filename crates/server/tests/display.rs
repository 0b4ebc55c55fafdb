//! Times as people read them, everywhere (issue 13): no page shows RFC 3339, every workbook
//! writes real Excel dates under Chinese headers, and a deadline at local midnight reads
//! `… 24:00` of its last day on the list, the detail, the receipt, the tracking page, the
//! notice and the export alike.

mod common;

use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader, Xlsx};
use common::browser::{location, Browser};
use common::{shanghai_time, Backend, Resp, TestApp};
use serde_json::{json, Value};
use suqiu_core::roster::excel_datetime;
use suqiu_server::jobs::watch::run_once;

on_both_backends!(
    no_page_shows_a_machine_time,
    every_workbook_writes_real_dates_under_chinese_headers,
    a_midnight_deadline_reads_the_same_everywhere,
);

/// The respond limit of an appeal taken in on Saturday 2026-11-28: one working day, counted
/// from Monday, so the end of Monday 11-30 (2026-12-01 00:00 in Shanghai).
const RESPOND_BY: &str = "2026-11-30 24:00";
/// The same instant as a clock time: what must never be shown for it.
const RESPOND_BY_AS_CLOCK: &str = "2026-12-01 00:00";

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// What the tests look at: one appeal, one person with dates, and a record of every care
/// register, made on Saturday 2026-11-28 and watched on Tuesday 12-01 09:00 (by then the
/// appeal is past its respond limit and its handlers have been told).
struct Scene {
    appeal: i64,
    code: String,
    person: i64,
    grant: i64,
}

/// Posts `body` (or nothing, for the actions that take none) as `user`; the answer's JSON.
async fn post_ok(t: &TestApp, user: &str, path: &str, body: impl Into<Option<Value>>) -> Value {
    let token = t.token(user).await;
    let res = t
        .call(axum::http::Method::POST, path, Some(&token), body.into())
        .await;
    assert!(
        res.status.is_success(),
        "{path}: {} {}",
        res.status,
        res.text()
    );
    res.json
}

async fn scene(t: &TestApp) -> Scene {
    let fx = t.fx.clone();
    t.clock.set(shanghai_time(2026, 11, 28, 10, 0));
    let appeal = t
        .create_appeal("station11", TestApp::appeal_body(fx.c11))
        .await;
    let person = id_of(
        &post_ok(
            t,
            "station11",
            "/api/v1/people",
            json!({
                "name": "韩老太", "org_unit_id": fx.c11, "birth_date": "1940-05-06",
                "phone": "13900002323", "address": "佛字桥小区1号101室", "tags": ["living_alone"],
                "party": {"category": "in_service", "joined_on": "1975-07-01"},
            }),
        )
        .await,
    );
    post_ok(
        t,
        "station11",
        "/api/v1/visits",
        json!({"person_id": person, "note": "身体尚可"}),
    )
    .await;
    let grant = care_records(t, person).await;
    t.clock.set(shanghai_time(2026, 12, 1, 9, 0));
    run_once(&t.state, t.clock.now())
        .await
        .expect("the watch runs");
    Scene {
        appeal: id_of(&appeal),
        code: appeal["tracking_code"].as_str().expect("code").to_string(),
        person,
        grant,
    }
}

/// A donation and an approved grant, goods in and out, a wish taken to the end, and an
/// in-service member's hours: a row with every date column of the care workbooks.
/// Returns the grant (it has a voucher).
async fn care_records(t: &TestApp, person: i64) -> i64 {
    let c11 = t.fx.c11;
    let entry = |kind: &str, cents: i64| json!({"org_unit_id": c11, "kind": kind, "amount_cents": cents, "person_id": person, "note": "测试"});
    let mut donation = entry("donation", 2_000_000);
    donation["person_id"] = Value::Null;
    post_ok(t, "station11", "/api/v1/fund/entries", donation).await;
    // ¥5,000 waits for the street, which approves it (审批时间).
    let grant = id_of(
        &post_ok(
            t,
            "station11",
            "/api/v1/fund/entries",
            entry("grant", 500_000),
        )
        .await,
    );
    let approve = format!("/api/v1/fund/entries/{grant}/approve");
    post_ok(t, "street1", &approve, None).await;
    let item = json!({"org_unit_id": c11, "name": "大米", "unit": "袋"});
    let item = id_of(&post_ok(t, "station11", "/api/v1/supermarket/items", item).await);
    for (quantity, who) in [(10, Value::Null), (-2, json!(person))] {
        let body = json!({"item_id": item, "quantity": quantity, "person_id": who, "note": ""});
        post_ok(t, "station11", "/api/v1/supermarket/movements", body).await;
    }
    let wish = json!({"person_id": person, "wish": "一台收音机", "estimated_cents": 15000, "deadline": "2026-12-20"});
    let wish = id_of(&post_ok(t, "station11", "/api/v1/wishes", wish).await);
    for (who, step, body) in [
        ("volunteer", "claim", None),
        ("volunteer", "fulfil", Some(json!({"note": "已送到"}))),
        ("station11", "confirm", None),
    ] {
        post_ok(t, who, &format!("/api/v1/wishes/{wish}/{step}"), body).await;
    }
    let post = json!({"org_unit_id": c11, "name": "楼道长"});
    let post = id_of(&post_ok(t, "station11", "/api/v1/service/posts", post).await);
    let reg = json!({"person_id": person, "org_unit_id": c11, "registered_on": "2026-11-02", "post_ids": [post]});
    let reg = id_of(&post_ok(t, "station11", "/api/v1/service/registrations", reg).await);
    let hours =
        json!({"registration_id": reg, "post_id": post, "served_on": "2026-11-20", "hours": 2});
    post_ok(t, "station11", "/api/v1/service/hours", hours).await;
    grant
}

/// Where `text` has an RFC 3339 date-time (`2026-11-28T09:30`), if anywhere.
fn machine_time(text: &str) -> Option<&str> {
    const SHAPE: &[u8] = b"0000-00-00T00:00";
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(SHAPE.len() - 1)).find_map(|i| {
        let fits = SHAPE.iter().zip(&bytes[i..]).all(|(s, b)| match s {
            b'0' => b.is_ascii_digit(),
            other => other == b,
        });
        fits.then(|| &text[i..(i + 40).min(text.len())])
    })
}

fn page_ok(path: &str, res: &Resp) -> String {
    assert_eq!(res.status.as_u16(), 200, "{path}: {}", res.text());
    let html = res.text();
    if let Some(at) = machine_time(&html) {
        panic!("{path} shows a machine time: {at}");
    }
    html
}

/// The import page of the template, uploaded through the form (it says until when it is kept).
async fn import_page(station: &mut Browser<'_>) -> String {
    let template = station.get("/people/import/template.xlsx").await.bytes;
    let boundary = "----suqiu-display";
    let csrf = station.csrf.clone();
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.xlsx\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend(template);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let ct = format!("multipart/form-data; boundary={boundary}");
    let res = station
        .send(axum::http::Method::POST, "/people/import", Some(&ct), body)
        .await;
    assert_eq!(res.status.as_u16(), 303, "{}", res.text());
    location(&res)
}

async fn no_page_shows_a_machine_time(b: Backend) {
    let t = TestApp::new(b).await;
    let s = scene(&t).await;
    let mut station = Browser::sign_in(&t, "station11").await;
    let import = import_page(&mut station).await;
    let station_pages = [
        "/".to_string(),
        "/appeals".into(),
        format!("/appeals/{}", s.appeal),
        format!("/appeals/{}/receipt", s.appeal),
        "/notifications".into(),
        "/care".into(),
        "/care/teams".into(),
        format!("/people/{}", s.person),
        "/fund".into(),
        format!("/fund/entries/{}/voucher", s.grant),
        "/supermarket".into(),
        "/wishes".into(),
        "/service".into(),
        import.clone(),
    ];
    for path in &station_pages {
        let html = page_ok(path, &station.get(path).await);
        if path == &import {
            assert!(
                html.contains("2026-12-01 "),
                "until when the upload is kept: {html}"
            );
        }
    }
    let mut admin = Browser::sign_in(&t, "admin").await;
    let month = format!("org_unit={}&month=2026-11", t.fx.s1);
    for path in [
        format!("/reports?{month}"),
        format!("/ranking?{month}"),
        "/stats".into(),
        "/audit/reads".into(),
    ] {
        page_ok(&path, &admin.get(&path).await);
    }
    t.finish().await;
}

/// A sheet to check: where its headers are (`None`: a sheet of labels and values) and its
/// date columns by header, each with whether the scene fills it.
struct SheetCheck {
    name: &'static str,
    headers: Option<usize>,
    dates: &'static [(&'static str, bool)],
}

const fn sheet(
    name: &'static str,
    headers: Option<usize>,
    dates: &'static [(&'static str, bool)],
) -> SheetCheck {
    SheetCheck {
        name,
        headers,
        dates,
    }
}

fn has_han(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A date written as text: a cell that starts like `2026-11-28`.
fn starts_with_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

fn check_sheet(book: &str, range: &Range<Data>, check: &SheetCheck) {
    let at = format!("{book} / {}", check.name);
    assert_eq!(range.start(), Some((0, 0)), "{at}: starts at A1");
    let rows: Vec<&[Data]> = range.rows().collect();
    for (r, row) in rows.iter().enumerate() {
        for cell in row.iter() {
            if let Data::String(s) = cell {
                assert!(
                    !starts_with_date(s) && machine_time(s).is_none(),
                    "{at} row {r}: a date as text: {s}"
                );
            }
        }
    }
    let Some(h) = check.headers else {
        assert!(has_han(&rows[0][0].to_string()), "{at}: a Chinese title");
        return;
    };
    let headers: Vec<String> = rows[h].iter().map(|c| c.to_string()).collect();
    assert!(
        headers.iter().all(|t| t.is_empty() || has_han(t)),
        "{at}: Chinese headers {headers:?}"
    );
    for (title, filled) in check.dates {
        let col = headers
            .iter()
            .position(|t| t == title)
            .unwrap_or_else(|| panic!("{at}: no column {title} in {headers:?}"));
        let cells: Vec<&Data> = rows[h + 1..]
            .iter()
            .filter_map(|r| r.get(col))
            .filter(|c| **c != Data::Empty)
            .collect();
        for c in &cells {
            assert!(
                matches!(c, Data::DateTime(_)),
                "{at} / {title}: {c:?} is not an Excel date"
            );
        }
        assert!(
            !*filled || !cells.is_empty(),
            "{at} / {title}: no value to check"
        );
    }
}

async fn check_book(browser: &mut Browser<'_>, path: &str, sheets: &[SheetCheck]) -> Vec<u8> {
    let res = browser.get(path).await;
    assert_eq!(res.status.as_u16(), 200, "{path}: {}", res.text());
    assert!(res.content_type().contains("spreadsheetml"), "{path}");
    let mut book = Xlsx::new(Cursor::new(res.bytes.clone())).expect("an xlsx");
    let names = book.sheet_names();
    let expected: Vec<&str> = sheets.iter().map(|s| s.name).collect();
    assert_eq!(names, expected, "{path}");
    for check in sheets {
        let range = book.worksheet_range(check.name).expect("a sheet");
        check_sheet(path, &range, check);
    }
    res.bytes
}

/// The workbooks a station's staff take, with what each sheet must hold.
fn station_books(c11: i64) -> Vec<(String, Vec<SheetCheck>)> {
    let appeal_dates: &[(&str, bool)] =
        &[("登记时间", true), ("响应时限", true), ("办结时限", true)];
    vec![
        (
            "/appeals.xlsx".into(),
            vec![sheet("诉求台账", Some(0), appeal_dates)],
        ),
        (
            "/people.xlsx".into(),
            vec![sheet(
                "人员档案",
                Some(0),
                &[("出生日期", true), ("入党时间", true)],
            )],
        ),
        (
            "/people/import/template.xlsx".into(),
            vec![
                sheet("花名册", Some(0), &[("出生日期", true), ("入党时间", true)]),
                sheet("填写说明", None, &[]),
            ],
        ),
        (
            "/care/register.xlsx".into(),
            vec![sheet(
                "关爱名册",
                Some(3),
                &[("出生日期", true), ("最近走访", true), ("下次走访", true)],
            )],
        ),
        (
            "/care/visits.xlsx?from=2026-11-01&to=2026-11-30".into(),
            vec![sheet("走访记录", Some(3), &[("走访时间", true)])],
        ),
        (
            "/wishes.xlsx".into(),
            vec![sheet(
                "微心愿",
                Some(3),
                &[
                    ("登记时间", true),
                    ("期望日期", true),
                    ("认领时间", true),
                    ("实现时间", true),
                    ("确认/取消时间", true),
                ],
            )],
        ),
        (
            "/service.xlsx?from=2026-11-01&to=2026-11-30".into(),
            vec![
                sheet("服务时长", Some(3), &[]),
                sheet("服务岗位", Some(0), &[]),
                sheet("报到名册", Some(0), &[("报到日期", true)]),
            ],
        ),
        (
            format!("/api/v1/fund?org_unit={c11}&format=xlsx"),
            vec![sheet(
                "基金台账",
                Some(3),
                &[("登记时间", true), ("审批时间", true)],
            )],
        ),
        (
            format!("/api/v1/supermarket/statement?org_unit={c11}&month=2026-11&format=xlsx"),
            vec![
                sheet("库存汇总", Some(3), &[]),
                sheet("出入库明细", Some(0), &[("时间", true)]),
            ],
        ),
    ]
}

async fn every_workbook_writes_real_dates_under_chinese_headers(b: Backend) {
    let t = TestApp::new(b).await;
    let s = scene(&t).await;
    let mut station = Browser::sign_in(&t, "station11").await;
    // A read of a full record, for the audit's workbook.
    station.get(&format!("/people/{}", s.person)).await;
    for (path, sheets) in &station_books(t.fx.c11) {
        check_book(&mut station, path, sheets).await;
    }
    let mut admin = Browser::sign_in(&t, "admin").await;
    let report = format!(
        "/api/v1/reports/monthly?org_unit={}&month=2026-11&format=xlsx",
        t.fx.s1
    );
    let ledger: &[(&str, bool)] = &[
        ("登记时间", true),
        ("响应时限", true),
        ("办结时限", true),
        ("办结时间", false),
    ];
    let sheets = [
        sheet("汇总", None, &[]),
        sheet("排名", Some(0), &[]),
        sheet("台账", Some(0), ledger),
        sheet("超期", Some(0), &[("时限", true)]),
    ];
    check_book(&mut admin, &report, &sheets).await;
    let reads = [sheet("查阅记录", Some(0), &[("查阅时间", true)])];
    check_book(&mut admin, "/audit/reads.xlsx", &reads).await;
    t.finish().await;
}

/// One part of an .xlsx file (a zip of XML).
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("no {name}"))
        .read_to_string(&mut text)
        .expect("xml");
    text
}

/// The value of attribute `name` in the text of an XML element after its name.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let tag = format!(" {tag}");
    let from = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[from..].split('"').next().map(str::to_string)
}

/// The number format Excel applies to cell `reference` (`Q2`) of the first sheet.
fn number_format(bytes: &[u8], reference: &str) -> String {
    let sheet = part(bytes, "xl/worksheets/sheet1.xml");
    let cell = sheet
        .split("<c ")
        .find(|c| attribute(c, "r").as_deref() == Some(reference))
        .unwrap_or_else(|| panic!("no cell {reference}"));
    // A cell without a style has style 0.
    let style: usize = attribute(cell, "s").map_or(0, |s| s.parse().expect("a style index"));
    let styles = part(bytes, "xl/styles.xml");
    let xfs = styles.split("<cellXfs").nth(1).expect("cellXfs");
    let xf = xfs.split("<xf ").nth(style + 1).expect("the cell's style");
    let id = attribute(xf, "numFmtId").expect("a number format");
    styles
        .split("<numFmt ")
        .find(|f| attribute(f, "numFmtId").as_deref() == Some(id.as_str()))
        .and_then(|f| attribute(f, "formatCode"))
        .map(|code| code.replace("&quot;", "\""))
        .unwrap_or_else(|| format!("built-in {id}"))
}

async fn a_midnight_deadline_reads_the_same_everywhere(b: Backend) {
    let t = TestApp::new(b).await;
    let s = scene(&t).await;
    let mut station = Browser::sign_in(&t, "station11").await;
    for path in [
        "/appeals".to_string(),
        format!("/appeals/{}", s.appeal),
        format!("/appeals/{}/receipt", s.appeal),
        "/notifications".into(),
    ] {
        let html = page_ok(&path, &station.get(&path).await);
        assert!(
            html.contains(RESPOND_BY),
            "{path} shows the respond limit as {RESPOND_BY}"
        );
        assert!(
            !html.contains(RESPOND_BY_AS_CLOCK),
            "{path} shows {RESPOND_BY_AS_CLOCK}"
        );
    }
    // The notice itself, as the API (and the e-mail) carries it.
    let token = t.token("station11").await;
    let notices = t.get("/api/v1/notifications", &token).await;
    let overdue = notices.ok(200)["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|n| n["kind"] == "overdue")
        .unwrap_or_else(|| panic!("an overdue notice in {}", notices.json))
        .clone();
    assert_eq!(
        overdue["body"],
        format!("已超过受理响应时限（{RESPOND_BY}）")
    );
    // The appellant's tracking page.
    let mut public = Browser::new(&t);
    public.get("/track").await;
    let res = public
        .post("/track", &[("code", &s.code), ("digits", "5678")])
        .await;
    let html = page_ok("/track", &res);
    assert!(html.contains(RESPOND_BY), "the tracking page: {html}");
    // The export: the cell of 响应时限 (column Q) shows the same words, and holds a date of
    // that day (it sorts and filters as 11-30).
    let bytes = station.get("/appeals.xlsx").await.bytes;
    let mut book = Xlsx::new(Cursor::new(bytes.clone())).expect("an xlsx");
    let range = book.worksheet_range("诉求台账").expect("the sheet");
    assert_eq!(
        range.get_value((0, 16)),
        Some(&Data::String("响应时限".into()))
    );
    let Some(Data::DateTime(value)) = range.get_value((1, 16)) else {
        panic!("响应时限 is not a date: {:?}", range.get_value((1, 16)));
    };
    let value = excel_datetime(value.as_f64()).expect("a date");
    assert_eq!(value.to_string(), "2026-11-30 23:59:59");
    let format = number_format(&bytes, "Q2");
    assert_eq!(format, "yyyy-mm-dd\" 24:00\"");
    let shown = format!("{} 24:00", value.date());
    assert_eq!(shown, RESPOND_BY);
    t.finish().await;
}
