//! 花名册导入 and the registers as Excel, over HTTP on SQLite and on PostgreSQL: a roster
//! built here with rust_xlsxwriter, its bad rows reported by row and field and nothing
//! imported; a clean roster imported whole; a corrected mapping; scope; files that are not
//! rosters; the web pages with their CSRF token in the multipart form; and the exports read
//! back with calamine, masked for a role that may not see personal data.

mod common;

use std::io::Cursor;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use calamine::{Reader, Xlsx};
use common::browser::{location, Browser};
use common::{person_id_number, Backend, Resp, TestApp, PERSON_PHONE};
use rust_xlsxwriter::Workbook;
use serde_json::{json, Value};
use suqiu_core::validate::id_check_char;

on_both_backends!(
    bad_rows_block_the_import_and_a_clean_roster_goes_in_whole,
    a_corrected_mapping_reads_non_standard_headers,
    a_station_imports_only_into_its_own_community,
    files_that_are_not_rosters_are_refused_clearly,
    the_web_pages_upload_check_and_commit,
    the_registers_export_masked_for_the_reader
);

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn id(body: &str) -> String {
    format!("{body}{}", id_check_char(body).expect("17 digits"))
}

/// An ID number with a wrong check character.
fn bad_check(body: &str) -> String {
    let good = id(body);
    let last = if good.ends_with('1') { '2' } else { '1' };
    format!("{body}{last}")
}

/// A workbook of one sheet: `rows[0]` is the header row.
fn workbook(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).expect("write");
            }
        }
    }
    book.save_to_buffer().expect("xlsx")
}

const HEADERS: [&str; 9] = [
    "姓名",
    "性别",
    "联系电话",
    "身份证号",
    "所属居民区",
    "人员类别",
    "党员类别",
    "入党时间",
    "所在支部",
];

fn multipart(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----suqiu-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roster.xlsx\"\r\nContent-Type: {XLSX}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(file);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(t: &TestApp, username: &str, file: &[u8]) -> Resp {
    let token = t.token(username).await;
    let (ct, body) = multipart(&[], file);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/people/import")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(body))
        .expect("request");
    t.send(req).await
}

async fn commit(t: &TestApp, username: &str, upload_token: &str, body: Value) -> Resp {
    let token = t.token(username).await;
    t.post(
        &format!("/api/v1/people/import/{upload_token}/commit"),
        &token,
        body,
    )
    .await
}

/// (row, field) of every error of a response (an upload's `errors` or a problem's).
fn errors(v: &Value) -> Vec<(i64, String)> {
    v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap_or(-1),
                e["field"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

async fn bad_rows_block_the_import_and_a_clean_roster_goes_in_whole(b: Backend) {
    let t = TestApp::new(b).await;
    let good_id = id("31011719450312002");
    let other_id = id("31011719600520003");
    let checksum = bad_check("31011719500101123");
    let existing_id = person_id_number();
    let file = workbook(&[
        HEADERS.to_vec(),
        vec![
            "王秀英",
            "女",
            "13900001111",
            &good_id,
            "佛字桥居民区",
            "高龄、独居老人",
            "在册",
            "1972-07-01",
            "第一党支部",
        ],
        vec!["张三", "", "13900002222", &checksum, "", "", "", "", ""],
        vec!["李四", "", "1390000", "", "", "", "", "", ""],
        vec![
            "赵五",
            "",
            "13900003333",
            "",
            "不存在居民区",
            "",
            "",
            "",
            "",
        ],
        vec!["王秀英二", "", "13900004444", &good_id, "", "", "", "", ""],
        vec!["李老伯", "", PERSON_PHONE, "", "", "", "", "", ""],
        vec!["钱六", "", "13900005555", &existing_id, "", "", "", "", ""],
        vec![
            "孙七",
            "",
            "13900006666",
            &other_id,
            "",
            "困难党员",
            "在职报到",
            "1990.03",
            "",
        ],
    ]);
    let before = t.people_count().await;
    let res = upload(&t, "station11", &file).await;
    let out = res.ok(200).clone();
    assert_eq!(out["rows"], 8);
    assert_eq!(out["ready"], false);
    assert_eq!(out["mapping"]["name"], 0);
    assert_eq!(out["mapping"]["party.branch"], 8);
    let found = errors(&out);
    for want in [
        (3, "id_number"),
        (4, "phone"),
        (5, "org_unit"),
        (6, "id_number"),
        (7, "name"),
        (8, "id_number"),
    ] {
        assert!(
            found.contains(&(want.0, want.1.to_string())),
            "{want:?} missing from {found:?}"
        );
    }
    assert!(
        !found.iter().any(|(r, _)| *r == 2 || *r == 9),
        "good rows carry no error: {found:?}"
    );
    assert_eq!(out["preview"][0]["row"], 2);
    assert_eq!(out["preview"][0]["person"]["phone"], "13900001111");
    let token = out["token"].as_str().expect("token").to_string();

    // The commit is refused with every error and its row; nobody is imported.
    let res = commit(&t, "station11", &token, json!({})).await;
    let p = res.problem(422);
    assert_eq!(errors(p), found);
    assert!(p["errors"][0]["message"].as_str().is_some());
    assert_eq!(t.people_count().await, before);

    // The clean rows alone go in whole.
    let file = workbook(&[
        HEADERS.to_vec(),
        vec![
            "王秀英",
            "女",
            "13900001111",
            &good_id,
            "佛字桥居民区",
            "高龄、独居老人",
            "在册",
            "1972-07-01",
            "第一党支部",
        ],
        vec![
            "孙七",
            "",
            "13900006666",
            &other_id,
            "310117001001001",
            "困难党员",
            "在职报到",
            "1990.03",
            "",
        ],
        vec!["周八", "男", "021-57812345", "", "", "", "", "", ""],
    ]);
    let out = upload(&t, "station11", &file).await.ok(200).clone();
    assert_eq!(out["ready"], true, "{out}");
    let token = out["token"].as_str().expect("token").to_string();
    let res = commit(&t, "station11", &token, json!({})).await;
    let done = res.ok(201);
    assert_eq!(done["imported"], 3);
    assert_eq!(t.people_count().await, before + 3);
    // A second click imports nothing twice.
    commit(&t, "station11", &token, json!({}))
        .await
        .problem(404);
    assert_eq!(t.people_count().await, before + 3);

    let station = t.token("street1").await;
    let list = t
        .get("/api/v1/people?q=王秀英", &station)
        .await
        .ok(200)
        .clone();
    let p = &list["items"][0];
    assert_eq!(p["id_number"], good_id);
    assert_eq!(p["gender"], "female");
    assert_eq!(p["birth_date"], "1945-03-12");
    assert_eq!(p["org_unit_id"], t.fx.c11);
    assert_eq!(p["tags"], json!(["aged_80_plus", "living_alone"]));
    assert_eq!(p["party"]["category"], "registered");
    assert_eq!(p["party"]["joined_on"], "1972-07-01");
    assert_eq!(p["party"]["branch"], "第一党支部");
    let list = t
        .get("/api/v1/people?q=孙七", &station)
        .await
        .ok(200)
        .clone();
    let p = &list["items"][0];
    assert_eq!(p["org_unit_id"], t.fx.g111, "a node by its code");
    assert_eq!(p["party"]["category"], "in_service");
    assert_eq!(p["party"]["joined_on"], "1990-03-01");
    t.finish().await;
}

async fn a_corrected_mapping_reads_non_standard_headers(b: Backend) {
    let t = TestApp::new(b).await;
    let file = workbook(&[
        vec!["序号", "人", "号码", "情况"],
        vec!["1", "吴九", "13900007777", "独居老人"],
        vec!["2", "郑十", "13900008888", "低保"],
    ]);
    let out = upload(&t, "station11", &file).await.ok(200).clone();
    assert_eq!(out["ready"], false);
    assert_eq!(errors(&out), [(0, "mapping.name".to_string())]);
    assert_eq!(out["columns"][1]["header"], "人");
    assert_eq!(out["columns"][1]["letter"], "B");
    let token = out["token"].as_str().expect("token").to_string();
    let admin = t.token("station11").await;
    let mapping = json!({"mapping": {"name": 1, "phone": 2, "tags": 3}});
    let res = t
        .post(
            &format!("/api/v1/people/import/{token}/preview"),
            &admin,
            mapping.clone(),
        )
        .await;
    let out = res.ok(200);
    assert_eq!(out["ready"], true, "{out}");
    assert_eq!(out["columns"][3]["field"], "tags");
    assert_eq!(
        out["preview"][1]["person"]["tags"],
        json!(["subsistence_allowance"])
    );
    // A mapping naming a field that does not exist, or two fields on one column.
    t.post(
        &format!("/api/v1/people/import/{token}/preview"),
        &admin,
        json!({"mapping": {"name": 1, "colour": 2}}),
    )
    .await
    .field_error("mapping.colour");
    let res = commit(
        &t,
        "station11",
        &token,
        json!({"mapping": {"name": 1, "phone": 1}}),
    )
    .await;
    assert_eq!(res.problem(422)["errors"][0]["row"], 0);
    let before = t.people_count().await;
    commit(&t, "station11", &token, mapping).await.ok(201);
    assert_eq!(t.people_count().await, before + 2);
    t.finish().await;
}

async fn a_station_imports_only_into_its_own_community(b: Backend) {
    let t = TestApp::new(b).await;
    let file = workbook(&[
        vec!["姓名", "手机", "社区"],
        vec!["冯一", "13900009999", "仓桥居民区"],
        vec!["陈二", "13900009998", "310117002001"],
    ]);
    let out = upload(&t, "station11", &file).await.ok(200).clone();
    let found = errors(&out);
    assert_eq!(
        found,
        [(2, "org_unit".to_string()), (3, "org_unit".to_string())]
    );
    assert!(out["errors"][0]["message"]
        .as_str()
        .unwrap_or("")
        .contains("管辖范围"));
    let token = out["token"].as_str().expect("token").to_string();
    let before = t.people_count().await;
    commit(&t, "station11", &token, json!({}))
        .await
        .problem(422);
    // Another user cannot see or commit this upload.
    commit(&t, "station21", &token, json!({}))
        .await
        .problem(404);
    assert_eq!(t.people_count().await, before);
    // The station of that community may.
    let out = upload(&t, "station21", &file).await.ok(200).clone();
    assert_eq!(out["ready"], true, "{out}");
    t.finish().await;
}

async fn files_that_are_not_rosters_are_refused_clearly(b: Backend) {
    let t = TestApp::new(b).await;
    upload(&t, "station11", b"name,phone\nwang,138")
        .await
        .field_error("file");
    let res = upload(&t, "station11", &workbook(&[vec!["姓名"]])).await;
    res.field_error("file");
    // Over 5 MB (but within the request limit): the file is too large, and says so.
    let big = vec![0u8; 5 * 1024 * 1024 + 10];
    let res = upload(&t, "station11", &big).await;
    res.field_error("file");
    assert!(res.text().contains("5 MB"), "{}", res.text());
    // Over the request limit: 413 before reading.
    let huge = vec![0u8; 7 * 1024 * 1024];
    assert_eq!(
        upload(&t, "station11", &huge).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // More than 5,000 rows.
    let mut rows = vec![vec!["姓名".to_string()]];
    rows.extend((0..5001).map(|i| vec![format!("人{i}")]));
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let res = upload(&t, "station11", &workbook(&rows)).await;
    res.field_error("file");
    assert!(res.text().contains("5000"), "{}", res.text());
    // A small file that would unpack to 80 MB (a "zip bomb", or a workbook carrying
    // something else): refused before anything is unpacked.
    let res = upload(
        &t,
        "station11",
        &padded(&workbook(&[vec!["姓名"]]), 80 << 20),
    )
    .await;
    res.field_error("file");
    assert!(res.text().contains("64 MB"), "{}", res.text());
    // The raw body works too; a JSON body is not a roster.
    let token = t.token("station11").await;
    let file = workbook(&[vec!["姓名"], vec!["褚三"]]);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/people/import")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, XLSX)
        .body(Body::from(file.clone()))
        .expect("request");
    assert_eq!(t.send(req).await.ok(200)["ready"], true);
    t.call_raw(
        Method::POST,
        "/api/v1/people/import",
        Some(&token),
        b"{}".to_vec(),
    )
    .await
    .problem(415);
    // Roles that may not register people may not import them.
    upload(&t, "volunteer", &file).await.problem(403);
    upload(&t, "auditor", &file).await.problem(403);
    t.finish().await;
}

/// `xlsx` with one more part of `extra` zero bytes (deflated to a few hundred kB).
fn padded(xlsx: &[u8], extra: usize) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut from = zip::ZipArchive::new(Cursor::new(xlsx)).expect("a zip");
    let mut to = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..from.len() {
        let mut part = from.by_index(i).expect("a part");
        let mut data = Vec::new();
        part.read_to_end(&mut data).expect("read");
        let name = part.name().expect("a part name").to_string();
        to.start_file(name, options).expect("start");
        to.write_all(&data).expect("write");
    }
    to.start_file("xl/media/padding.bin", options)
        .expect("start");
    to.write_all(&vec![0u8; extra]).expect("write");
    let bytes = to.finish().expect("finish").into_inner();
    assert!(bytes.len() < 1 << 20, "the file itself is small");
    bytes
}

/// Every row of the first sheet as text.
fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut book = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx file");
    let sheet = book.sheet_names().first().cloned().expect("a sheet");
    let range = book.worksheet_range(&sheet).expect("the sheet");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

async fn the_web_pages_upload_check_and_commit(b: Backend) {
    let t = TestApp::new(b).await;
    let mut station = Browser::sign_in(&t, "station11").await;
    let html = station.get("/people").await.text();
    assert!(
        html.contains("href=\"/people/import\""),
        "the people page links the import"
    );
    let html = station.get("/people/import").await.text();
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert!(html.contains("/people/import/template.xlsx"));

    // The template: the expected headers and an example row that imports cleanly.
    let template = station.get("/people/import/template.xlsx").await;
    assert_eq!(template.status, StatusCode::OK);
    let rows = xlsx_rows(&template.bytes);
    assert_eq!(rows[0][0], "姓名");
    assert!(rows[0].contains(&"身份证号".to_string()) && rows[0].contains(&"所在支部".to_string()));
    assert_eq!(rows.len(), 2);

    // Without the form token nothing is kept.
    let file = workbook(&[
        vec!["姓名", "电话", "<script>x</script>门牌"],
        vec!["蒋四", "13900001212", "5号楼101室"],
        vec!["钱十一", "12345", ""],
    ]);
    let (ct, body) = multipart(&[("_csrf", "wrong")], &file);
    let res = station
        .send(Method::POST, "/people/import", Some(&ct), body)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let (ct, body) = multipart(&[("_csrf", &station.csrf.clone())], b"not a workbook");
    let res = station
        .send(Method::POST, "/people/import", Some(&ct), body)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("data-testid=\"file-error\""));

    let (ct, body) = multipart(&[("_csrf", &station.csrf.clone())], &file);
    let res = station
        .send(Method::POST, "/people/import", Some(&ct), body)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let page = location(&res);
    assert!(page.starts_with("/people/import/"));
    let html = station.get(&page).await.text();
    assert!(html.contains("data-testid=\"import-errors\""));
    assert!(
        html.contains("<td>3</td><td>电话</td>") || html.contains("<td>3</td><td>联系电话</td>"),
        "{html}"
    );
    assert!(html.contains("&#60;script&#62;"), "escaped");
    assert!(!html.contains("<script>x"));
    let before = t.people_count().await;
    let res = station
        .post(
            &page,
            &[
                ("col0", "name"),
                ("col1", "phone"),
                ("col2", "address"),
                ("action", "commit"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.people_count().await, before);
    // Skipping the phone column leaves a clean roster; two columns for one field do not.
    let res = station
        .post(
            &page,
            &[("col0", "name"), ("col1", "name"), ("action", "check")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = station
        .post(
            &page,
            &[
                ("col0", "name"),
                ("col1", ""),
                ("col2", "address"),
                ("action", "check"),
            ],
        )
        .await;
    assert!(
        res.text().contains("data-testid=\"import-ready\""),
        "{}",
        res.text()
    );
    let res = station
        .post(
            &page,
            &[
                ("col0", "name"),
                ("col1", ""),
                ("col2", "address"),
                ("action", "commit"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert_eq!(location(&res), "/people");
    let flash = station.get("/people").await.text();
    assert!(flash.contains("data-testid=\"flash\"") && flash.contains("导入完成，新增人员： 2"));
    assert_eq!(t.people_count().await, before + 2);
    // The upload is gone once committed.
    assert_eq!(station.get(&page).await.status, StatusCode::NOT_FOUND);
    // Those who may not register people get no import page.
    let mut volunteer = Browser::sign_in(&t, "volunteer").await;
    assert_eq!(
        volunteer.get("/people/import").await.status,
        StatusCode::FORBIDDEN
    );
    t.finish().await;
}

async fn the_registers_export_masked_for_the_reader(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let good_id = id("31011719400101002");
    let file = workbook(&[
        vec!["姓名", "联系电话", "身份证号", "人员类别"],
        vec!["韩老太", "13900002323", &good_id, "独居老人、低保"],
    ]);
    let out = upload(&t, "station11", &file).await.ok(200).clone();
    let token = out["token"].as_str().expect("token").to_string();
    let ids = commit(&t, "station11", &token, json!({}))
        .await
        .ok(201)
        .clone();
    let han = ids["ids"][0].as_i64().expect("id");
    let station = t.token("station11").await;
    t.post(
        "/api/v1/visits",
        &station,
        json!({"person_id": han, "note": "身体尚可，家中整洁"}),
    )
    .await
    .ok(201);

    // The station sees full numbers; the district administrator sees them masked, as on
    // the page.
    let mut s11 = Browser::sign_in(&t, "station11").await;
    let html = s11.get("/people").await.text();
    assert!(html.contains("/people.xlsx"));
    let res = s11.get("/people.xlsx").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.content_type().contains("spreadsheetml"));
    let rows = xlsx_rows(&res.bytes);
    assert_eq!(rows[0][0], "档案编号");
    assert_eq!(rows[0][1], "姓名");
    let han_row = rows
        .iter()
        .find(|r| r[1] == "韩老太")
        .expect("韩老太 exported");
    assert!(han_row.contains(&"13900002323".to_string()));
    assert!(han_row.contains(&good_id));
    assert!(han_row.contains(&"独居老人、低保".to_string()));
    assert!(rows.iter().any(|r| r[1] == "李老伯"));
    assert_eq!(rows.len(), 3, "header, 李老伯, 韩老太");

    let mut admin = Browser::sign_in(&t, "admin").await;
    let rows = xlsx_rows(&admin.get("/people.xlsx").await.bytes);
    let han_row = rows
        .iter()
        .find(|r| r[1] == "韩老太")
        .expect("韩老太 exported");
    assert!(han_row.contains(&"139****2323".to_string()), "{han_row:?}");
    assert!(!han_row.contains(&good_id));
    assert!(!rows.iter().flatten().any(|c| c.contains(PERSON_PHONE)));
    // The export of a filter holds only its rows.
    let rows = xlsx_rows(&admin.get("/people.xlsx?tag=living_alone").await.bytes);
    assert_eq!(rows.len(), 2);

    // The care register: tags, last visit; health tags only for those who need them.
    let html = s11.get("/care").await.text();
    assert!(html.contains("/care/register.xlsx") && html.contains("/care/visits.xlsx"));
    let rows = xlsx_rows(&s11.get("/care/register.xlsx").await.bytes);
    assert_eq!(rows[3][1], "姓名");
    let han_row = rows
        .iter()
        .find(|r| r.get(1).is_some_and(|n| n == "韩老太"))
        .expect("on the register");
    assert_eq!(han_row[3], "13900002323");
    assert_eq!(han_row[5], "独居老人、低保");
    assert!(!han_row[7].is_empty(), "the last visit");
    let res = admin
        .get(&format!("/care/register.xlsx?org_unit={}", fx.c11))
        .await;
    let rows = xlsx_rows(&res.bytes);
    let han_row = rows
        .iter()
        .find(|r| r.get(1).is_some_and(|n| n == "韩老太"))
        .expect("on the register");
    assert_eq!(han_row[3], "139****2323");
    assert_eq!(han_row[5], "独居老人", "低保 is a health and family detail");

    // The visit log of a period.
    let rows = xlsx_rows(
        &s11.get("/care/visits.xlsx?from=2026-11-01&to=2026-11-30")
            .await
            .bytes,
    );
    assert_eq!(rows[3][0], "走访时间");
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[4][1], "韩老太");
    assert_eq!(rows[4][4], "身体尚可，家中整洁");
    let rows = xlsx_rows(
        &s11.get("/care/visits.xlsx?from=2026-10-01&to=2026-10-31")
            .await
            .bytes,
    );
    assert_eq!(rows.len(), 4, "no visit in October");
    assert_eq!(
        s11.get("/care/visits.xlsx?from=2026-11-30&to=2026-11-01")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let mut volunteer = Browser::sign_in(&t, "volunteer").await;
    assert_eq!(
        volunteer.get("/people.xlsx").await.status,
        StatusCode::FORBIDDEN
    );
    t.finish().await;
}
