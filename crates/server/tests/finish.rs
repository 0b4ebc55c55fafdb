//! The details that make the web pages feel finished, on SQLite and on PostgreSQL: status
//! badges by meaning, the settings split into pages whose forms keep what was typed, an
//! English UI with no Chinese left outside people's data, the favicon, and the tracking
//! address the receipt prints.

mod common;

use std::collections::{BTreeSet, VecDeque};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::TimeDelta;
use common::browser::{hidden_value, location, Browser};
use common::{Backend, Resp, TestApp, PASSWORD};
use serde_json::{json, Value};
use suqiu_core::access::Role;
use suqiu_core::org::OrgKind;
use suqiu_core::person::{CareTag, Person};
use suqiu_core::Id;
use suqiu_store::users::NewUser;

on_both_backends!(
    status_badges_have_one_colour_per_meaning,
    settings_pages_are_reachable_by_administrators_only,
    settings_forms_keep_what_was_typed_and_say_when_saved,
    categories_have_english_names_that_english_pages_use,
    english_pages_have_no_chinese_outside_peoples_data,
    the_change_log_is_worded_in_the_readers_language,
    the_favicon_is_served_and_linked,
    the_receipt_prints_the_public_tracking_address,
);

/// A district whose data is all in Latin letters: on its English pages any Chinese
/// character is a label nobody translated.
struct Latin {
    district: Id,
    station: Id,
    person: Id,
    /// An aid grant to the person (its voucher is a page).
    grant: Id,
    /// Appeals by the state they were left in: registered, in progress, awaiting
    /// feedback, closed, rejected.
    appeals: Vec<(&'static str, Id, String)>,
}

const LATIN_USERS: [&str; 6] = [
    "rv_admin",
    "rv_auditor",
    "rv_street",
    "rv_station",
    "rv_liaison",
    "rv_volunteer",
];

async fn latin_district(t: &TestApp) -> Latin {
    let s = &t.store;
    let unit = |parent: Option<Id>, kind: OrgKind, code: &'static str, name: &'static str| async move {
        s.create_org_unit(parent, kind, code, name)
            .await
            .unwrap_or_else(|e| panic!("create {code}: {e}"))
            .id
    };
    let district = unit(None, OrgKind::District, "990000", "Riverside District").await;
    let street = unit(
        Some(district),
        OrgKind::Street,
        "990001",
        "Northgate Street",
    )
    .await;
    let station = unit(Some(street), OrgKind::Community, "990001001", "Elm Court").await;
    unit(Some(station), OrgKind::Grid, "990001001001", "Grid One").await;
    let dept = s
        .create_department("rv-housing", "Housing Office", street)
        .await
        .expect("department")
        .id;
    let team = s
        .create_team(station, "Helping Hands")
        .await
        .expect("team")
        .id;
    latin_users(t, (district, street, station), dept).await;
    let person = s
        .create_person(&Person {
            id: 0,
            name: "Wang Fang".into(),
            gender: None,
            birth_date: None,
            phone: Some("13700001111".into()),
            id_number: None,
            org_unit_id: station,
            address: Some("Flat 3, 12 Elm Court".into()),
            tags: vec![CareTag::LivingAlone],
            party: None,
        })
        .await
        .expect("person")
        .id;
    let appeals = appeals_in_every_state(t, station, team).await;
    let grant = care_records(t, station, person).await;
    Latin {
        grant,
        district,
        station,
        person,
        appeals,
    }
}

/// Something on each care register: the fund (a donation and a grant), the supermarket
/// (stock in and a hand-out), a micro-wish and a visit. Returns the grant's id.
async fn care_records(t: &TestApp, station: Id, person: Id) -> Id {
    let token = t.token("rv_station").await;
    let post = |path: &'static str, body: Value| {
        let token = token.clone();
        async move { t.post(path, &token, body).await }
    };
    post(
        "/api/v1/fund/entries",
        json!({"org_unit_id": station, "kind": "donation", "amount_cents": 500_000, "note": "Bakery gift"}),
    )
    .await
    .ok(201);
    let grant = post(
        "/api/v1/fund/entries",
        json!({"org_unit_id": station, "kind": "grant", "amount_cents": 20_000, "person_id": person, "note": "Winter help"}),
    )
    .await;
    let grant = grant.ok(201)["id"].as_i64().expect("grant id");
    let item = post(
        "/api/v1/supermarket/items",
        json!({"org_unit_id": station, "name": "Rice", "unit": "bag"}),
    )
    .await;
    let item = item.ok(201)["id"].as_i64().expect("item id");
    post(
        "/api/v1/supermarket/movements",
        json!({"item_id": item, "quantity": 10, "note": "Gift"}),
    )
    .await
    .ok(201);
    post(
        "/api/v1/supermarket/movements",
        json!({"item_id": item, "quantity": -2, "person_id": person, "note": "Festival"}),
    )
    .await
    .ok(201);
    post(
        "/api/v1/wishes",
        json!({"person_id": person, "wish": "A radio"}),
    )
    .await
    .ok(201);
    post(
        "/api/v1/visits",
        json!({"person_id": person, "note": "All well"}),
    )
    .await
    .ok(201);
    grant
}

/// The Latin district's users, one of each role (`LATIN_USERS`), at its district, street
/// and station.
async fn latin_users(t: &TestApp, (district, street, station): (Id, Id, Id), dept: Id) {
    let s = &t.store;
    let hash = suqiu_server::hash_password(PASSWORD);
    let accounts = [
        ("rv_admin", "Ada Admin", Role::DistrictAdmin, district, None),
        ("rv_auditor", "Otto Auditor", Role::Auditor, district, None),
        ("rv_street", "Sam Street", Role::StreetStaff, street, None),
        (
            "rv_station",
            "Stella Station",
            Role::StationStaff,
            station,
            None,
        ),
        (
            "rv_liaison",
            "Lee Liaison",
            Role::DepartmentLiaison,
            street,
            Some(dept),
        ),
        (
            "rv_volunteer",
            "Val Volunteer",
            Role::Volunteer,
            station,
            None,
        ),
    ];
    for (username, display_name, role, org_unit_id, department_id) in accounts {
        s.create_user(NewUser {
            username,
            password_hash: &hash,
            display_name,
            role,
            org_unit_id,
            department_id,
        })
        .await
        .unwrap_or_else(|e| panic!("create {username}: {e}"));
    }
}

/// A walk-in appeal at `station` from a named appellant, in Latin letters.
fn latin_appeal(station: Id, content: &str) -> Value {
    json!({
        "appellant": {"name": "Li Ming", "phone": "13900002222"},
        "org_unit_id": station,
        "channel": "walk_in",
        "kind": "help",
        "category": "public_facilities.water_pipes",
        "urgency": "normal",
        "title": content,
        "content": format!("{content}, please help."),
        "location": "Block 3",
    })
}

/// One appeal left in each state the badges tell apart: (state, id, tracking code).
async fn appeals_in_every_state(
    t: &TestApp,
    station: Id,
    team: Id,
) -> Vec<(&'static str, Id, String)> {
    let mut out = Vec::new();
    let steps: [(&str, &[Value]); 5] = [
        ("registered", &[]),
        (
            "in_progress",
            &[
                json!({"action": "accept"}),
                json!({"action": "assign", "team_id": team}),
                json!({"action": "progress", "note": "Plumber called"}),
            ],
        ),
        (
            "resolved",
            &[
                json!({"action": "accept"}),
                json!({"action": "resolve", "resolution": "solved", "note": "Pipe fixed"}),
            ],
        ),
        (
            "closed",
            &[
                json!({"action": "accept"}),
                json!({"action": "resolve", "resolution": "solved", "note": "Pipe fixed"}),
                json!({"action": "feedback", "channel": "phone", "note": "Told her"}),
                json!({"action": "follow_up", "satisfaction": "satisfied", "solved": true}),
            ],
        ),
        (
            "rejected",
            &[json!({"action": "reject", "reason": "Not ours"})],
        ),
    ];
    for (state, actions) in steps {
        let a = t
            .create_appeal(
                "rv_station",
                latin_appeal(station, &format!("Leaking pipe {state}")),
            )
            .await;
        let id = a["id"].as_i64().expect("id");
        for action in actions {
            t.act_ok("rv_station", id, action.clone()).await;
        }
        let code = a["tracking_code"].as_str().expect("code").to_string();
        out.push((state, id, code));
    }
    out
}

/// The badge class of the appeal row linking to `/appeals/{id}` in a list page.
fn row_badge(html: &str, id: Id) -> String {
    let row = html
        .split("<tr")
        .find(|r| r.contains(&format!("href=\"/appeals/{id}\"")))
        .unwrap_or_else(|| panic!("no row for appeal {id} in {html}"));
    badge_class(row)
}

/// The `st-…` class of the first status badge in `html`.
fn badge_class(html: &str) -> String {
    let at = html.find("class=\"badge st-").expect("a status badge") + "class=\"badge ".len();
    html[at..].split('"').next().unwrap_or("").to_string()
}

async fn status_badges_have_one_colour_per_meaning(b: Backend) {
    let t = TestApp::empty(b).await;
    let latin = latin_district(&t).await;
    let mut station = Browser::sign_in(&t, "rv_station").await;
    let list = station.get("/appeals?per_page=50").await.text();
    let expected = [
        ("registered", "st-new"),
        ("in_progress", "st-progress"),
        ("resolved", "st-waiting"),
        ("closed", "st-done"),
        ("rejected", "st-closed"),
    ];
    for (state, class) in expected {
        let (_, id, _) = latin
            .appeals
            .iter()
            .find(|(s, _, _)| *s == state)
            .expect("appeal");
        assert_eq!(row_badge(&list, *id), class, "{state} in the list");
        let detail = station.get(&format!("/appeals/{id}")).await.text();
        assert_eq!(badge_class(&detail), class, "{state} on its page");
    }
    // The words say what the colour means: a resolved appeal is waiting for its feedback.
    let (_, resolved, _) = latin.appeals[2];
    let detail = station.get(&format!("/appeals/{resolved}")).await.text();
    assert!(
        detail.contains("已办结 · 待反馈"),
        "the badge names what is owed"
    );
    // The dashboard's rows and a person's history wear the same badges.
    let (_, registered, _) = latin.appeals[0];
    let home = station.get("/").await.text();
    assert_eq!(row_badge(&home, registered), "st-new", "on the dashboard");
    let mut body = latin_appeal(latin.station, "Broken lamp");
    body.as_object_mut().expect("object").remove("appellant");
    body["appellant_id"] = json!(latin.person);
    let theirs = t.create_appeal("rv_station", body).await;
    let theirs = theirs["id"].as_i64().expect("id");
    t.act_ok("rv_station", theirs, json!({"action": "accept"}))
        .await;
    let history = station
        .get(&format!("/people/{}", latin.person))
        .await
        .text();
    assert_eq!(
        row_badge(&history, theirs),
        "st-progress",
        "in the person's history"
    );
    // Past its deadline an open appeal is overdue whatever its status; a closed one is not.
    t.clock.advance(TimeDelta::days(30));
    let mut station = Browser::sign_in(&t, "rv_station").await;
    let list = station.get("/appeals?per_page=50").await.text();
    let (_, closed, _) = latin.appeals[3];
    assert_eq!(row_badge(&list, registered), "st-overdue");
    assert_eq!(row_badge(&list, closed), "st-done");
    t.finish().await;
}

/// The settings pages: (path, something each shows).
const SETTINGS: [(&str, &str); 8] = [
    ("/admin", "data-testid=\"admin-parts\""),
    ("/admin/org", "佛字桥居民区"),
    ("/admin/users", "station11"),
    ("/admin/categories", "生活帮困"),
    ("/admin/limits", "help.resolve"),
    ("/admin/calendar", "元旦"),
    ("/admin/security", "min_length"),
    ("/admin/station", "printed-track-url"),
];

/// The flash message a page shows ("" when none).
fn flash(html: &str) -> String {
    html.split("data-testid=\"flash\"><p>")
        .nth(1)
        .and_then(|f| f.split("</p>").next())
        .unwrap_or("")
        .to_string()
}

/// The time-limit form's fields as the page fills them.
fn limit_fields(html: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
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
            let value = hidden_value(html, &name).unwrap_or_default();
            let unit = hidden_value(html, &format!("{name}_unit")).expect("a unit");
            fields.push((name.clone(), value));
            fields.push((format!("{name}_unit"), unit));
        }
    }
    fields
}

async fn settings_pages_are_reachable_by_administrators_only(b: Backend) {
    let t = TestApp::new(b).await;
    let mut admin = Browser::sign_in(&t, "admin").await;
    let overview = admin.get("/admin").await.text();
    for (path, shows) in SETTINGS {
        assert!(
            overview.contains(&format!("href=\"{path}\"")),
            "no link to {path}"
        );
        let res = admin.get(path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        let html = res.text();
        assert!(html.contains(shows), "{path} lacks {shows}");
        assert!(
            html.contains("data-testid=\"admin-tabs\""),
            "{path} has no tabs"
        );
        // One part per page: the longest (the organization) stays far below the old page.
        assert!(html.len() < 60_000, "{path}: {} bytes", html.len());
    }
    // A station sees no settings; a street sees them but changes none of the district's.
    let mut fzq = Browser::sign_in(&t, "station11").await;
    for (path, _) in SETTINGS {
        assert_eq!(fzq.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let mut street = Browser::sign_in(&t, "street1").await;
    assert_eq!(street.get("/admin/station").await.status, StatusCode::OK);
    let res = street
        .post("/admin/station", &[("public_base_url", "https://x.cn")])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    t.finish().await;
}

async fn settings_forms_keep_what_was_typed_and_say_when_saved(b: Backend) {
    let t = TestApp::new(b).await;
    let mut admin = Browser::sign_in(&t, "admin").await;
    // Time limits: a bad number is said beside its field, with what was typed kept.
    let limits = admin.get("/admin/limits").await.text();
    let mut fields = limit_fields(&limits);
    for (k, v) in fields.iter_mut() {
        if k == "help.resolve" {
            *v = "seven".into();
        }
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = admin.post("/admin/time-limits", &pairs).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    assert!(
        html.contains("data-testid=\"error-help.resolve\""),
        "error beside the field"
    );
    assert!(
        html.contains("name=\"help.resolve\" value=\"seven\""),
        "typed value kept"
    );
    // The password rule: kept and said beside the field; then saved.
    let res = admin
        .post("/admin/password-policy", &[("min_length", "6x")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("value=\"6x\"") && res.text().contains("id=\"pw-min-err\""));
    let res = admin
        .post("/admin/password-policy", &[("min_length", "10")])
        .await;
    assert_eq!(location(&res), "/admin/security");
    // The page says so once (the flash), with the new value in the form.
    let page = admin.get("/admin/security").await.text();
    assert!(page.contains("value=\"10\""));
    assert!(
        flash(&page).contains("密码规则已保存并记录，最少字符数： 10"),
        "{}",
        flash(&page)
    );
    assert!(
        flash(&admin.get("/admin/security").await.text()).is_empty(),
        "shown once"
    );
    // The public address: refused with the typed text kept, then saved.
    let res = admin
        .post("/admin/station", &[("public_base_url", "suqiu example")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("value=\"suqiu example\"") && res.text().contains("st-url-err"));
    // Users: the form keeps the username after an error.
    let c12 = t.fx.c12.to_string();
    let res = admin
        .post(
            "/admin/users",
            &[
                ("username", "newdesk"),
                ("display_name", "新接待员"),
                ("password", "x"),
                ("role", "station_staff"),
                ("org_unit_id", &c12),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("value=\"newdesk\""));
    t.finish().await;
}

async fn categories_have_english_names_that_english_pages_use(b: Backend) {
    let t = TestApp::new(b).await;
    let mut admin = Browser::sign_in(&t, "admin").await;
    // A category with its English name; the English pages use it.
    let res = admin
        .post(
            "/admin/categories",
            &[
                ("parent_code", "public_facilities"),
                ("name", "健身器材"),
                ("name_en", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let res = admin
        .post(
            "/admin/categories",
            &[
                ("parent_code", "public_facilities"),
                ("name", ""),
                ("name_en", "Benches"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    assert!(
        html.contains("value=\"Benches\""),
        "the English name typed is kept"
    );
    assert!(html.contains("aria-invalid=\"true\""), "the name is marked");
    let res = admin
        .post(
            "/admin/categories",
            &[
                ("code", "public_facilities.c1"),
                ("name", "健身器材"),
                ("name_en", "Fitness equipment"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/admin/categories");
    let page = admin.get("/admin/categories").await.text();
    assert!(
        flash(&page).contains("分类已保存并记录： 健身器材 / Fitness equipment"),
        "{}",
        flash(&page)
    );
    admin.get("/lang/en").await;
    let list = admin.get("/appeals").await.text();
    assert!(list.contains("Fitness equipment</option>") && list.contains("Water pipes</option>"));
    admin.get("/lang/zh").await;
    // The overview records the changes made on the pages.
    let overview = admin.get("/admin").await.text();
    assert!(overview.contains("健身器材") && overview.contains("Fitness equipment"));
    t.finish().await;
}

/// Chinese characters, and CJK and full-width punctuation (the ideographic space is a space,
/// not text).
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3001}'..='\u{303f}' | '\u{ff01}'..='\u{ff60}')
}

/// The text a reader sees or hears: text between tags, and the `title`, `aria-label`,
/// `placeholder` and `alt` attributes; scripts and styles left out, and an element marked
/// `lang="zh-CN"` (the switch to Chinese, named in Chinese on purpose).
fn visible_text(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    let mut skip_until: Option<&str> = None;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        if skip_until.is_none() && !text.trim().is_empty() {
            out.push(text.trim().to_string());
        }
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt..lt + gt + 1];
        rest = &rest[lt + gt + 1..];
        if let Some(end) = skip_until {
            if tag.starts_with(end) {
                skip_until = None;
            }
            continue;
        }
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name == "script" || name == "style" {
            skip_until = Some(if name == "script" {
                "</script"
            } else {
                "</style"
            });
            continue;
        }
        if tag.contains("lang=\"zh-CN\"") && name != "html" {
            skip_until = Some(match name.as_str() {
                "a" => "</a",
                "td" => "</td",
                "th" => "</th",
                "span" => "</span",
                other => panic!("lang=\"zh-CN\" on a <{other}>: teach the test where it ends"),
            });
            continue;
        }
        for attr in ["title=\"", "aria-label=\"", "placeholder=\"", "alt=\""] {
            if let Some(at) = tag.find(attr) {
                let value = tag[at + attr.len()..].split('"').next().unwrap_or("");
                out.push(value.to_string());
            }
        }
    }
    out
}

/// The local links of a page worth following: no downloads, sign-out, language switch or
/// assets, without their fragment.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|part| part.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .map(|h| h.split('#').next().unwrap_or("").to_string())
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .filter(|h| {
            !(h.contains(".xlsx")
                || h.starts_with("/lang/")
                || h.starts_with("/assets/")
                || h.starts_with("/logout")
                || h.starts_with("/favicon"))
        })
        .collect()
}

/// Pages crawled per user at most (the lists' filters multiply links).
const MAX_PAGES: usize = 120;

/// The Chinese found on `html` of `path`, as "path: text" lines.
fn chinese_on(who: &str, path: &str, html: &str) -> Vec<String> {
    visible_text(html)
        .into_iter()
        .filter(|t| t.chars().any(is_cjk))
        .map(|t| format!("{who} {path}: {:?}", t.chars().take(80).collect::<String>()))
        .collect()
}

/// A settings change is logged as what changed, not as a sentence: the log on /admin reads
/// in English on an English page and in Chinese on a Chinese one.
async fn the_change_log_is_worded_in_the_readers_language(b: Backend) {
    let t = TestApp::empty(b).await;
    latin_district(&t).await;
    let mut admin = Browser::sign_in(&t, "rv_admin").await;
    admin.get("/lang/en").await;
    let res = admin
        .post(
            "/admin/station",
            &[("public_base_url", "https://track.example.org")],
        )
        .await;
    assert_eq!(location(&res), "/admin/station");
    let res = admin
        .post("/admin/password-policy", &[("min_length", "10")])
        .await;
    assert_eq!(location(&res), "/admin/security");
    let log = |html: &str| {
        html.split("data-testid=\"changes\"")
            .nth(1)
            .and_then(|p| p.split("</table>").next())
            .expect("the change log")
            .to_string()
    };
    let english = log(&admin.get("/admin").await.text());
    assert_eq!(
        chinese_on("rv_admin", "/admin", &english),
        Vec::<String>::new()
    );
    assert!(
        english.contains("Public tracking address set to https://track.example.org")
            && english.contains("Passwords at least 10 characters"),
        "{english}"
    );
    admin.get("/lang/zh").await;
    let chinese = log(&admin.get("/admin").await.text());
    assert!(
        chinese.contains("公开查询地址设为 https://track.example.org")
            && chinese.contains("密码最少 10 个字符"),
        "{chinese}"
    );
    t.finish().await;
}

/// Follows every link from `/` (and the `extra` pages) as `br`, in English; returns the
/// pages seen and what was wrong: Chinese, and links that do not open.
async fn crawl(br: &mut Browser<'_>, who: &str, extra: &[String]) -> (usize, Vec<String>) {
    let mut queue: VecDeque<String> = VecDeque::from(vec!["/".to_string()]);
    queue.extend(extra.iter().cloned());
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    while let Some(path) = queue.pop_front() {
        if seen.len() >= MAX_PAGES || !seen.insert(path.clone()) {
            continue;
        }
        let res = br.get(&path).await;
        if res.status == StatusCode::SEE_OTHER || !res.content_type().starts_with("text/html") {
            continue;
        }
        // A link the pages offer opens (the `extra` pages include refusals on purpose).
        if !res.status.is_success() && !extra.contains(&path) {
            found.push(format!("{who} {path}: a link answered {}", res.status));
        }
        let html = res.text();
        found.extend(chinese_on(who, &path, &html));
        queue.extend(links(&html).into_iter().filter(|l| !seen.contains(l)));
    }
    (seen.len(), found)
}

async fn english_pages_have_no_chinese_outside_peoples_data(b: Backend) {
    // The Latin district alone: nothing in the database is Chinese but the taxonomy's
    // Chinese names (which the English pages must not show).
    let t = TestApp::empty(b).await;
    let latin = latin_district(&t).await;
    let (_, appeal, code) = latin.appeals[1].clone();
    // A problem of two (issue 16 §2): the registered appeal merged into the one in progress.
    let token = t.token("rv_station").await;
    let problem = t
        .post(
            "/api/v1/problems",
            &token,
            json!({"title": "Burst pipe", "lead_appeal_id": appeal, "appeal_ids": [latin.appeals[0].1]}),
        )
        .await;
    let problem = problem.ok(201)["id"].as_i64().expect("problem id");
    let extra: Vec<String> = vec![
        format!("/problems/{problem}"),
        format!("/appeals/{}", latin.appeals[0].1),
        format!("/appeals/{appeal}"),
        format!("/appeals/{appeal}/receipt"),
        format!("/people/{}", latin.person),
        format!("/fund/entries/{}/voucher", latin.grant),
        "/people/new".into(),
        format!("/visits/new?person={}", latin.person),
        format!("/appeals?org_unit={}", latin.station),
        format!("/stats?org_unit={}", latin.district),
        "/appeals/99999999".into(),
    ];
    let mut found = Vec::new();
    for who in LATIN_USERS {
        let mut br = Browser::sign_in(&t, who).await;
        br.get("/lang/en").await;
        let (pages, chinese) = crawl(&mut br, who, &extra).await;
        assert!(pages > 5, "{who}: only {pages} pages reached");
        found.extend(chinese);
        // The refusals and the stale-form page are in English too.
        let refused = br
            .post_form(
                &format!("/appeals/{appeal}/act"),
                &[("action", "accept")],
                false,
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        found.extend(chinese_on(who, "(no form token)", &refused.text()));
    }
    // The appellant's own pages: sign-in, the track form and its answer.
    let mut anon = Browser::new(&t);
    anon.get("/lang/en").await;
    for path in ["/login", "/track"] {
        found.extend(chinese_on("anonymous", path, &anon.get(path).await.text()));
    }
    let res = anon
        .post("/track", &[("code", &code), ("digits", "2222")])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    found.extend(chinese_on("anonymous", "/track (found)", &res.text()));
    // Each text once, with the first page it was found on.
    let mut texts = std::collections::BTreeMap::new();
    for line in &found {
        let (page, text) = line.split_once(": ").unwrap_or(("", line));
        texts
            .entry(text.to_string())
            .or_insert_with(|| page.to_string());
    }
    assert!(
        texts.is_empty(),
        "Chinese on English pages, or links that do not open ({}):\n{}",
        texts.len(),
        texts
            .iter()
            .map(|(text, page)| format!("{page}: {text}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    t.finish().await;
}

async fn the_favicon_is_served_and_linked(b: Backend) {
    let t = TestApp::new(b).await;
    let get = |path: &str| {
        Request::builder()
            .uri(path)
            .body(Body::empty())
            .expect("request")
    };
    let ico = t.send(get("/favicon.ico")).await;
    assert_eq!(ico.status, StatusCode::OK);
    assert_eq!(ico.content_type(), "image/x-icon");
    assert_eq!(&ico.bytes[..4], &[0, 0, 1, 0], "an ICO file");
    let svg = t.send(get("/assets/favicon.svg")).await;
    assert_eq!(svg.content_type(), "image/svg+xml");
    assert!(svg.text().starts_with("<svg"));
    // Every layout links it: the signed-in pages, sign-in, the track page, an error page.
    let mut admin = Browser::sign_in(&t, "admin").await;
    let mut anon = Browser::new(&t);
    let pages: [Resp; 4] = [
        admin.get("/").await,
        anon.get("/login").await,
        anon.get("/track").await,
        admin.get("/appeals/99999999").await,
    ];
    for page in pages {
        assert!(page
            .text()
            .contains("<link rel=\"icon\" href=\"/assets/favicon.svg\""));
    }
    t.finish().await;
}

/// The receipt of `id` as `br`'s session sees it, asked for at `host`.
async fn receipt_at(t: &TestApp, br: &Browser<'_>, id: Id, host: &str) -> String {
    let req = Request::builder()
        .uri(format!("/appeals/{id}/receipt"))
        .header(header::HOST, host)
        .header(header::COOKIE, br.cookie_header())
        .body(Body::empty())
        .expect("request");
    let res = t.send(req).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.text()
}

async fn the_receipt_prints_the_public_tracking_address(b: Backend) {
    let t = TestApp::new(b).await;
    let a = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let id = a["id"].as_i64().expect("id");
    let code = a["tracking_code"].as_str().expect("code");
    let fzq = Browser::sign_in(&t, "station11").await;
    // Unset: the address the desk reached the server at.
    let html = receipt_at(&t, &fzq, id, "desk.local:8080").await;
    let line = html
        .split("data-testid=\"track-url\"")
        .nth(1)
        .and_then(|p| p.split("</p>").next())
        .expect("the tracking line");
    assert!(
        line.contains("http://desk.local:8080/track") && line.contains(code),
        "{line}"
    );
    // Set by the district: the public address, whatever the desk used.
    let mut admin = Browser::sign_in(&t, "admin").await;
    let res = admin
        .post(
            "/admin/station",
            &[("public_base_url", " https://suqiu.songjiang.gov.cn/ ")],
        )
        .await;
    assert_eq!(location(&res), "/admin/station");
    let page = admin.get("/admin/station").await.text();
    assert!(page.contains("https://suqiu.songjiang.gov.cn/track"));
    let html = receipt_at(&t, &fzq, id, "10.0.0.7:8080").await;
    assert!(html.contains("https://suqiu.songjiang.gov.cn/track"));
    assert!(!html.contains("10.0.0.7"));
    t.finish().await;
}
