//! Web hardening (SECURITY.md §4), over HTTP on SQLite and on PostgreSQL: the security
//! headers of every kind of response; the JSON API refusing writes made with the session
//! cookie from another site or without JSON; control characters refused as a 422 naming the
//! field, the same on both backends; the language switch staying on the site; roster import
//! tokens kept out of the request log.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::browser::{location, Browser};
use common::{Backend, Resp, TestApp, PASSWORD};
use serde_json::{json, Value};

on_both_backends!(
    every_response_carries_the_security_headers,
    cookie_writes_to_the_api_need_json_from_this_site,
    control_characters_are_a_422_naming_the_field,
    the_language_switch_stays_on_the_site,
    import_tokens_are_not_logged,
);

/// The policy every response must carry, spelled out here so a loosening fails this test.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

#[track_caller]
fn assert_hardened(what: &str, res: &Resp, cache: &str) {
    let h = |name: &str| {
        res.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(h("content-security-policy"), CSP, "{what}");
    assert_eq!(h("x-frame-options"), "DENY", "{what}");
    assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(h("referrer-policy"), "same-origin", "{what}");
    assert_eq!(h("cache-control"), cache, "{what}");
}

async fn every_response_carries_the_security_headers(b: Backend) {
    let t = TestApp::new(b).await;
    let token = t.token("station11").await;
    let mut anon = Browser::new(&t);
    let login = anon.get("/login").await;
    assert_eq!(login.status, StatusCode::OK);
    assert_hardened("the sign-in page", &login, "no-store");
    let mut station = Browser::sign_in(&t, "station11").await;
    for path in ["/", "/appeals", "/appeals/new", "/people", "/care"] {
        let res = station.get(path).await;
        assert!(res.status.is_success(), "{path}: {}", res.status);
        assert_hardened(path, &res, "no-store");
    }
    let forbidden = station.get("/admin").await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_hardened("a page's 403", &forbidden, "no-store");
    let admin = Browser::sign_in(&t, "admin").await.get("/admin/org").await;
    assert_eq!(admin.status, StatusCode::OK);
    assert_hardened("/admin/org", &admin, "no-store");
    assert!(
        admin.text().contains("class=\"depth-1\""),
        "the tree indents by class"
    );
    let export = station.get("/appeals.xlsx").await;
    assert_eq!(export.status, StatusCode::OK);
    assert_hardened("an export", &export, "no-store");
    let missing_page = station.get("/appeals/999999").await;
    assert_eq!(missing_page.status, StatusCode::NOT_FOUND);
    assert_hardened("a page's 404", &missing_page, "no-store");
    let api = t.get("/api/v1/appeals", &token).await;
    api.ok(200);
    assert_hardened("the API", &api, "no-store");
    let unknown = t.get("/api/v1/no-such-thing", &token).await;
    unknown.problem(404);
    assert_hardened("an API 404", &unknown, "no-store");
    let anonymous = t.call(Method::GET, "/api/v1/appeals", None, None).await;
    anonymous.problem(401);
    assert_hardened("a 401", &anonymous, "no-store");
    let too_large = t
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/api/v1/appeals")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, "99999999")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    too_large.problem(413);
    assert_hardened("a layer's 413", &too_large, "no-store");
    let health = t.call(Method::GET, "/healthz", None, None).await;
    assert_hardened("/healthz", &health, "no-store");
    let script = anon.get("/assets/app.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert_hardened("the script", &script, "public, max-age=3600");
    let no_asset = anon.get("/assets/nope.js").await;
    assert_eq!(no_asset.status, StatusCode::NOT_FOUND);
    assert_hardened("a missing asset", &no_asset, "no-store");
    t.finish().await;
}

/// The templates hold no inline script, event handler, `javascript:` URL or style
/// attribute: what the policy above would block (and what would tempt loosening it).
#[test]
fn templates_have_no_inline_script_handler_or_style() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("templates") {
        let path = entry.expect("entry").path();
        let html = std::fs::read_to_string(&path)
            .expect("template")
            .to_lowercase();
        let name = path.display();
        seen += 1;
        for (i, _) in html.match_indices("<script") {
            let tag = &html[i..i + html[i..].find('>').expect("tag end")];
            assert!(tag.contains(" src="), "{name}: inline script {tag}");
        }
        assert!(!html.contains("<style"), "{name}: a <style> element");
        assert!(!html.contains("javascript:"), "{name}: a javascript: URL");
        for (i, _) in html.match_indices(" on") {
            let rest = &html[i + 3..];
            let word: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
            assert!(
                word.is_empty() || !rest[word.len()..].starts_with('='),
                "{name}: an inline handler on{word}="
            );
        }
        assert!(!html.contains(" style="), "{name}: a style attribute");
    }
    assert!(seen > 20, "read the templates ({seen})");
}

/// A cookie-authenticated request to the API: `headers` as given, nothing added.
async fn cookie_request(
    t: &TestApp,
    method: Method,
    path: &str,
    cookie: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Resp {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "desk.example:8080")
        .header(header::COOKIE, format!("suqiu_session={cookie}"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    t.send(req.body(Body::from(body)).expect("request")).await
}

async fn cookie_writes_to_the_api_need_json_from_this_site(b: Backend) {
    let t = TestApp::new(b).await;
    let cookie = t.token("station11").await;
    let before = t.appeal_count().await;
    let body = serde_json::to_vec(&TestApp::appeal_body(t.fx.c11)).expect("json");
    let post = |headers: &'static [(&'static str, &'static str)]| {
        cookie_request(
            &t,
            Method::POST,
            "/api/v1/appeals",
            &cookie,
            headers,
            body.clone(),
        )
    };
    // The reproduction: no content type, another site's Origin.
    let res = post(&[("origin", "http://evil.example")]).await;
    res.problem(415);
    assert!(res.json["detail"]
        .as_str()
        .unwrap_or("")
        .contains("application/json"));
    post(&[]).await.problem(415);
    post(&[
        ("content-type", "text/plain"),
        ("origin", "http://desk.example:8080"),
    ])
    .await
    .problem(415);
    let json_from = |origin: &'static str| -> &'static [(&'static str, &'static str)] {
        match origin {
            "evil" => &[
                ("content-type", "application/json"),
                ("origin", "http://evil.example"),
            ],
            "null" => &[("content-type", "application/json"), ("origin", "null")],
            "port" => &[
                ("content-type", "application/json"),
                ("origin", "http://desk.example:9090"),
            ],
            "evil-referer" => &[
                ("content-type", "application/json"),
                ("referer", "http://evil.example/x"),
            ],
            _ => &[("content-type", "application/json")],
        }
    };
    for origin in ["evil", "null", "port", "evil-referer", "none"] {
        let res = post(json_from(origin)).await;
        let p = res.problem(403);
        assert!(
            p["detail"].as_str().unwrap_or("").contains("跨站"),
            "{origin}: {p}"
        );
    }
    assert_eq!(t.appeal_count().await, before, "no refused write saved");

    // This site's own pages: Origin, or Referer when the browser sends no Origin.
    post(&[
        ("content-type", "application/json; charset=utf-8"),
        ("origin", "http://desk.example:8080"),
    ])
    .await
    .ok(201);
    post(&[
        ("content-type", "application/json"),
        ("referer", "http://desk.example:8080/appeals/new"),
    ])
    .await
    .ok(201);
    // Bearer clients are unaffected: no Origin, and even another site's.
    t.post("/api/v1/appeals", &cookie, TestApp::appeal_body(t.fx.c11))
        .await
        .ok(201);
    let bearer_foreign = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/appeals")
        .header(header::AUTHORIZATION, format!("Bearer {cookie}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, "http://evil.example")
        .body(Body::from(body.clone()))
        .expect("request");
    t.send(bearer_foreign).await.ok(201);
    assert_eq!(t.appeal_count().await, before + 4);

    // Reads with the cookie are as before; the roster upload takes its file.
    let read = cookie_request(&t, Method::GET, "/api/v1/appeals", &cookie, &[], vec![]).await;
    read.ok(200);
    let (ct, upload) = roster_upload(&t).await;
    let foreign = cookie_request(
        &t,
        Method::POST,
        "/api/v1/people/import",
        &cookie,
        &[("content-type", &ct), ("origin", "http://evil.example")],
        upload.clone(),
    )
    .await;
    foreign.problem(403);
    let own = cookie_request(
        &t,
        Method::POST,
        "/api/v1/people/import",
        &cookie,
        &[
            ("content-type", &ct),
            ("origin", "http://desk.example:8080"),
        ],
        upload,
    )
    .await;
    own.ok(200);

    // The web pages' forms post to page routes with their CSRF token, untouched by the rule.
    let mut station = Browser::sign_in(&t, "station11").await;
    let res = station.post("/people", &[("q", "王")]).await;
    assert!(res.status.is_success(), "{}", res.status);
    // Signing out with the cookie, from this site.
    cookie_request(
        &t,
        Method::DELETE,
        "/api/v1/session",
        &cookie,
        &[
            ("content-type", "application/json"),
            ("origin", "http://desk.example:8080"),
        ],
        vec![],
    )
    .await;
    t.finish().await;
}

/// The import template as a multipart upload (its example row is a valid roster).
async fn roster_upload(t: &TestApp) -> (String, Vec<u8>) {
    let mut station = Browser::sign_in(t, "station11").await;
    let file = station.get("/people/import/template.xlsx").await;
    assert_eq!(file.status, StatusCode::OK);
    multipart(&file.bytes)
}

fn multipart(file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----suqiu-hardening";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.xlsx\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend(file);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// `value` with a NUL (or another refused character) in the middle of its first string.
fn poisoned(text: &str, bad: char) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    chars.insert(1.min(chars.len()), bad);
    chars.into_iter().collect()
}

/// Sets the string at a dotted `path` of `body`.
fn set(body: &mut Value, path: &str, value: &str) {
    let mut at = body;
    for key in path.split('.') {
        at = &mut at[key];
    }
    *at = json!(value);
}

async fn control_characters_are_a_422_naming_the_field(b: Backend) {
    let t = TestApp::new(b).await;
    let station = t.token("station11").await;
    let admin = t.token("admin").await;
    let fx = t.fx.clone();
    let appeal = t
        .create_appeal("station11", TestApp::appeal_body(fx.c11))
        .await;
    let code = appeal["tracking_code"].as_str().expect("code").to_string();
    // Each input the attack reached: endpoint, caller, a body that succeeds as it is, the
    // field to poison, and the success status.
    let table: Vec<(&str, Option<&str>, Value, &str, u16)> = vec![
        (
            "/api/v1/session",
            None,
            json!({"username": "station11", "password": PASSWORD}),
            "username",
            200,
        ),
        (
            "/api/v1/track",
            None,
            json!({"tracking_code": code, "phone_last4": "5678"}),
            "tracking_code",
            200,
        ),
        (
            "/api/v1/appeals",
            Some(&station),
            TestApp::appeal_body(fx.c11),
            "content",
            201,
        ),
        (
            "/api/v1/appeals",
            Some(&station),
            TestApp::appeal_body(fx.c11),
            "appellant.name",
            201,
        ),
        (
            "/api/v1/people",
            Some(&station),
            json!({"name": "赵大爷", "org_unit_id": fx.c11}),
            "name",
            201,
        ),
        (
            "/api/v1/visits",
            Some(&station),
            json!({"person_id": fx.person, "note": "上门看望，身体尚好"}),
            "note",
            201,
        ),
        (
            "/api/v1/fund/entries",
            Some(&station),
            json!({"org_unit_id": fx.c11, "kind": "donation", "amount_cents": 10_000, "note": "爱心企业捐赠"}),
            "note",
            201,
        ),
        (
            "/api/v1/wishes",
            Some(&station),
            json!({"person_id": fx.person, "wish": "一台收音机", "estimated_cents": 15000, "deadline": "2026-12-20"}),
            "wish",
            201,
        ),
        (
            "/api/v1/teams",
            Some(&station),
            json!({"org_unit_id": fx.c11, "name": "第二服务团队"}),
            "name",
            201,
        ),
    ];
    for (path, token, body, field, ok) in &table {
        for bad in ['\u{0}', '\u{1b}', '\u{ffff}'] {
            let mut poison = body.clone();
            let mut at = &poison;
            for key in field.split('.') {
                at = &at[key];
            }
            let text = poisoned(at.as_str().expect("a string field"), bad);
            set(&mut poison, field, &text);
            let res = t.call(Method::POST, path, *token, Some(poison)).await;
            res.field_error(field);
            let msg = res.json["errors"][0]["message"].as_str().unwrap_or("");
            assert!(
                msg.contains(&format!("U+{:04X}", bad as u32)),
                "{path} {field}: {msg}"
            );
        }
        // The same body without the character goes through: the 422 was for it alone.
        let res = t.call(Method::POST, path, *token, Some(body.clone())).await;
        res.ok(*ok);
    }
    // Tabs and line breaks stay in free text.
    let mut body = TestApp::appeal_body(fx.c11);
    set(&mut body, "content", "第一段\n\t第二段\r\n第三段：水管漏水");
    let saved = t.post("/api/v1/appeals", &station, body).await;
    assert_eq!(
        saved.ok(201)["content"],
        "第一段\n\t第二段\r\n第三段：水管漏水"
    );
    // A NUL escaped in a nested array and in a key are named too.
    let res = t
        .call_raw(
            Method::POST,
            "/api/v1/people",
            Some(&station),
            br#"{"name":"X","org_unit_id":1,"tags":["living_alone","a\u0000"]}"#.to_vec(),
        )
        .await;
    res.field_error("tags[1]");
    // Searches: the query string.
    for path in ["/api/v1/appeals?q=%E6%BC%8F%00", "/api/v1/people?q=%00"] {
        t.get(path, &station).await.field_error("q");
    }
    // The calendar (a raw JSON body of its own).
    let res = t
        .call_raw(
            Method::PUT,
            "/api/v1/calendar",
            Some(&admin),
            br#"{"about":"x\u0000","years":{}}"#.to_vec(),
        )
        .await;
    res.field_error("about");
    // The web pages: a form post and the sign-in form, as a 422 page naming the field.
    let mut page = Browser::sign_in(&t, "station11").await;
    let res = page
        .post(
            "/wishes",
            &[
                ("person_id", &fx.person.to_string()),
                ("wish", "收音\u{0}机"),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        res.text()
    );
    assert!(res.text().contains("「wish」") && res.text().contains("U+0000"));
    let res = page.post("/people", &[("q", "王\u{0}")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut anon = Browser::new(&t);
    anon.get("/login").await;
    let res = anon
        .post(
            "/login",
            &[("username", "station\u{0}11"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("「username」"));
    // An import token is 32 hex digits; anything else is no upload (never a query).
    let res = t
        .call(
            Method::POST,
            "/api/v1/people/import/ab%00cd/preview",
            Some(&station),
            Some(json!({})),
        )
        .await;
    res.problem(404);
    assert_eq!(
        page.get("/people/import/x%00y").await.status,
        StatusCode::NOT_FOUND
    );
    // A roster whose cell holds a NUL is refused on `file`, naming the cell.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "姓名").expect("cell");
    sheet.write_string(0, 1, "联系电话").expect("cell");
    sheet.write_string(1, 0, "王\u{0}阿姨").expect("cell");
    sheet.write_string(1, 1, "13912345678").expect("cell");
    let file = book.save_to_buffer().expect("xlsx");
    let (ct, upload) = multipart(&file);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/people/import")
        .header(header::AUTHORIZATION, format!("Bearer {station}"))
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(upload))
        .expect("request");
    let res = t.send(req).await;
    res.field_error("file");
    assert!(res.text().contains("第 2 行第 1 列"), "{}", res.text());
    t.finish().await;
}

async fn the_language_switch_stays_on_the_site(b: Backend) {
    let t = TestApp::new(b).await;
    let back = |referer: &'static str, lang: &'static str| {
        let t = &t;
        async move {
            let req = Request::builder()
                .uri(format!("/lang/{lang}"))
                .header(header::REFERER, referer)
                .body(Body::empty())
                .expect("request");
            let res = t.send(req).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{referer}");
            location(&res)
        }
    };
    for lang in ["en", "zh"] {
        for (referer, expected) in [
            (
                "http://desk.example/appeals?status=registered",
                "/appeals?status=registered",
            ),
            ("//evil.com", "/"),
            ("http://desk.example//evil.com", "/"),
            ("/\\evil.com", "/"),
            ("http://desk.example/\\evil.com", "/"),
            ("http://desk.example/\t/evil.com", "/"),
            ("https://evil.com/x", "/x"),
            ("http://desk.example/%5Cevil", "/%5Cevil"),
            ("evil.com", "/"),
        ] {
            assert_eq!(back(referer, lang).await, expected, "{lang} {referer:?}");
        }
    }
    t.finish().await;
}

/// The request log of this test binary: one global subscriber writing into a buffer (a
/// subscriber per test loses events when tests run in parallel: tracing caches interest per
/// call site). Each test finds its own requests by their request ids.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured_log() -> Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Captured::default();
        let writer = log.clone();
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .init();
        log
    })
    .clone()
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log")).into_owned()
    }

    /// The lines of the request with id `id`.
    fn lines_of(&self, id: &str) -> String {
        let needle = format!("request_id={id} ");
        self.text()
            .lines()
            .filter(|l| l.contains(&needle))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

async fn import_tokens_are_not_logged(b: Backend) {
    let t = TestApp::new(b).await;
    let log = captured_log();
    let station = t.token("station11").await;
    let run = uuid::Uuid::new_v4().simple().to_string();
    let id = |step: &str| format!("{run}-{step}");
    let page = Browser::sign_in(&t, "station11").await;
    let cookie = page.cookie_header();
    let (ct, upload) = roster_upload(&t).await;
    let send = |method: Method, path: String, ct: &str, body: Vec<u8>, step: &str| {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("x-request-id", id(step))
            .header(header::CONTENT_TYPE, ct);
        req = if ["page", "search", "audit"].contains(&step) {
            req.header(header::COOKIE, cookie.clone())
        } else {
            req.header(header::AUTHORIZATION, format!("Bearer {station}"))
        };
        t.send(req.body(Body::from(body)).expect("request"))
    };
    let res = send(
        Method::POST,
        "/api/v1/people/import".into(),
        &ct,
        upload,
        "upload",
    )
    .await;
    let token = res.ok(200)["token"].as_str().expect("token").to_string();
    let preview = format!("/api/v1/people/import/{token}/preview");
    let json = "application/json";
    send(Method::POST, preview, json, b"{}".to_vec(), "preview")
        .await
        .ok(200);
    let res = send(
        Method::GET,
        format!("/people/import/{token}"),
        json,
        vec![],
        "page",
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    // A saved search's key travels in the query, which is never logged.
    let search = "/appeals?s=secret-saved-search-key&page=1".to_string();
    send(Method::GET, search, json, vec![], "search").await;
    // The audit's person filter is a GET form: typed without script, the name is in the
    // query (the same one place keeps it out of the log).
    let typed = "/audit/reads?person_id=&person_id_q=%E8%92%8B%E5%AD%90%E8%BD%A9%207788";
    send(Method::GET, typed.into(), json, vec![], "audit").await;
    for (step, path) in [
        ("upload", "path=/api/v1/people/import}"),
        ("preview", "path=/api/v1/people/import/{token}/preview}"),
        ("page", "path=/people/import/{token}}"),
        ("search", "path=/appeals}"),
        ("audit", "path=/audit/reads}"),
    ] {
        let lines = log.lines_of(&id(step));
        assert!(lines.contains(path), "{step} logged as {path}: {lines}");
    }
    let text = log.text();
    assert!(!text.contains(&token), "the token is in the log: {text}");
    assert!(!text.contains("secret-saved-search-key"), "{text}");
    for typed in ["蒋子轩", "%E8%92%8B", "person_id_q"] {
        assert!(!text.contains(typed), "{typed} is in the log: {text}");
    }
    t.finish().await;
}
