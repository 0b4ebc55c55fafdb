//! Field errors in the reader's language, on SQLite and on PostgreSQL: the API says each
//! error's code with its Chinese message (the contract), and a form refused on an English
//! page says beside its fields what to fix in English, on a Chinese page in Chinese.

mod common;

use axum::http::StatusCode;
use common::browser::{hidden_value, market, Browser};
use common::{Backend, TestApp};

on_both_backends!(
    a_refusal_says_a_code_and_chinese_words_per_field,
    forms_say_their_field_errors_in_the_pages_language,
    refusals_say_why_in_the_pages_language,
);

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3001}'..='\u{303f}' | '\u{ff01}'..='\u{ff60}')
}

async fn a_refusal_says_a_code_and_chinese_words_per_field(b: Backend) {
    let t = TestApp::new(b).await;
    let token = t.token("station11").await;
    let mut body = TestApp::appeal_body(t.fx.c11);
    body["appellant"]["phone"] = "1391234".into();
    body["category"] = "no_such_category".into();
    body["content"] = "  ".into();
    let res = t.post("/api/v1/appeals", &token, body).await;
    let p = res.problem(422);
    let errors = p["errors"].as_array().expect("errors");
    let codes: Vec<&str> = errors.iter().filter_map(|e| e["code"].as_str()).collect();
    assert_eq!(codes.len(), errors.len(), "every error has a code: {p}");
    for code in ["category_unknown", "content_empty"] {
        assert!(codes.contains(&code), "{code} missing: {p}");
    }
    for e in errors {
        let code = e["code"].as_str().unwrap_or_default();
        assert!(
            !code.is_empty() && code.bytes().all(|c| c.is_ascii_lowercase() || c == b'_'),
            "{code}"
        );
        let message = e["message"].as_str().expect("message");
        assert!(message.chars().any(is_cjk), "Chinese message: {e}");
        // The English is for pages only; the API says what its contract says.
        assert!(e.get("english").is_none(), "{e}");
    }
    assert!(errors.iter().any(|e| e["field"] == "appellant.phone"));
    t.finish().await;
}

/// The texts of the page's error messages (`class="error"`), beside fields and above.
fn error_texts(html: &str) -> Vec<String> {
    html.split("class=\"error\"")
        .skip(1)
        .filter_map(|rest| {
            let body = rest.split_once('>')?.1;
            let text = body.split("</").next()?;
            Some(text.trim().to_string())
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// The texts of the summary above a form (`form-errors`): a refusal of a field the form
/// does not show (the store's `org_unit_id` for a team's grid) is said only there.
fn summary_texts(html: &str) -> Vec<String> {
    let Some((_, rest)) = html.split_once("data-testid=\"form-errors\"") else {
        return Vec::new();
    };
    let summary = rest.split("</div>").next().unwrap_or_default();
    summary
        .split("<li>")
        .skip(1)
        .map(|item| {
            let item = item.split("</li>").next().unwrap_or_default();
            // The text without the link around it, if any.
            let mut text = String::new();
            let mut in_tag = false;
            for c in item.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.trim().to_string()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Posts the intake, a supermarket hand-out (of `item` at `c11`), a block of `team` (its own
/// community, which the store refuses) and the time limits wrongly as the pages in `lang`
/// show them; returns every error message shown, by form.
async fn refused_forms(
    (station, admin): (&mut Browser<'_>, &mut Browser<'_>),
    (c11, item, team): (&str, &str, &str),
    lang: &str,
) -> Vec<(&'static str, Vec<String>)> {
    station.get(&format!("/lang/{lang}")).await;
    let mut shown = Vec::new();
    station.get("/appeals/new").await;
    let intake = [
        ("mode", "named"),
        ("appellant.name", ""),
        ("appellant.phone", "1391234"),
        ("org_unit_id", c11),
        ("channel", ""),
        ("kind", ""),
        ("category", ""),
        ("urgency", "normal"),
        ("content", "  "),
    ];
    let res = station.post("/appeals/new", &intake).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    shown.push(("intake", error_texts(&res.text())));
    station.get("/supermarket").await;
    let hand_out = [
        ("org_unit_id", c11),
        ("item_id", item),
        ("direction", "out"),
        ("quantity", "3x"),
        ("person_id", ""),
    ];
    let res = station.post("/supermarket/movements", &hand_out).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    shown.push(("supermarket", error_texts(&res.text())));
    station.get("/care/teams").await;
    let grid = [("part", "grid"), ("grid_id", c11)];
    let res = station.post(&format!("/care/teams/{team}"), &grid).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    let texts = [error_texts(&html), summary_texts(&html)].concat();
    shown.push(("team block", texts));
    admin.get(&format!("/lang/{lang}")).await;
    let limits = admin.get("/admin/limits").await.text();
    let unit = hidden_value(&limits, "help.resolve_unit").expect("a unit");
    let res = admin
        .post(
            "/admin/time-limits",
            &[
                ("help.resolve", "seven"),
                ("help.resolve_unit", unit.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    shown.push(("time limits", error_texts(&res.text())));
    shown
}

async fn forms_say_their_field_errors_in_the_pages_language(b: Backend) {
    let t = TestApp::new(b).await;
    let (mut station, c11, item) = market(&t).await;
    let mut admin = Browser::sign_in(&t, "admin").await;
    let team = t.fx.team.to_string();
    let browsers = (&mut station, &mut admin);
    for (form, texts) in refused_forms(browsers, (&c11, &item, &team), "en").await {
        assert!(!texts.is_empty(), "{form}: no error shown");
        let chinese: Vec<&String> = texts.iter().filter(|t| t.chars().any(is_cjk)).collect();
        assert!(
            chinese.is_empty(),
            "{form}: Chinese on an English page: {chinese:?}"
        );
    }
    let browsers = (&mut station, &mut admin);
    for (form, texts) in refused_forms(browsers, (&c11, &item, &team), "zh").await {
        assert!(!texts.is_empty(), "{form}: no error shown");
        assert!(
            texts.iter().all(|t| t.chars().any(is_cjk)),
            "{form}: not Chinese on a Chinese page: {texts:?}"
        );
    }
    t.finish().await;
}

/// A 409 (an action the appeal's status no longer allows: a stale form) and a 403 (a page
/// the role may not open) say their reason in the page's language, with the words of the
/// rule: the status and the action by their labels, the role by its name.
async fn refusals_say_why_in_the_pages_language(b: Backend) {
    let t = TestApp::new(b).await;
    let appeal = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let id = appeal["id"].as_i64().expect("id");
    t.act_ok("station11", id, serde_json::json!({"action": "accept"}))
        .await;
    let mut station = Browser::sign_in(&t, "station11").await;
    let mut volunteer = Browser::sign_in(&t, "volunteer").await;
    let said = [
        (
            "en",
            "An appeal that is Accepted cannot take “Accept”; it can take: ",
            "The role “Volunteer” may not see the love supermarket",
        ),
        (
            "zh",
            "当前状态「已受理」不能执行「受理」；可执行的操作：",
            "角色「志愿者」不能查看爱心超市",
        ),
    ];
    for (lang, conflict, forbidden) in said {
        station.get(&format!("/lang/{lang}")).await;
        station.get(&format!("/appeals/{id}")).await;
        let again = [("action", "accept"), ("note", "")];
        let res = station.post(&format!("/appeals/{id}/act"), &again).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{lang}");
        let html = res.text();
        assert!(html.contains(conflict), "{lang}: the 409 says {conflict:?}");
        volunteer.get(&format!("/lang/{lang}")).await;
        let res = volunteer.get("/supermarket").await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{lang}");
        assert!(
            res.text().contains(forbidden),
            "{lang}: the 403 says {forbidden:?}"
        );
    }
    // The English one lists what the status allows by label, not by code.
    station.get("/lang/en").await;
    let res = station
        .post(
            &format!("/appeals/{id}/act"),
            &[("action", "accept"), ("note", "")],
        )
        .await;
    let html = res.text();
    let (_, allowed) = html.split_once("it can take: ").expect("the list");
    let allowed = allowed.split('<').next().unwrap_or_default();
    assert!(
        allowed.contains("Assign") && !allowed.contains("assign") && !allowed.chars().any(is_cjk),
        "labels: {allowed}"
    );
    t.finish().await;
}
