//! The intake form's "same problem" warning finds the same problem written differently by
//! someone else (issue 16 §2): a neighbour's words at the same place, the same words sent
//! again — and not an unrelated problem, nor an appeal the station may not read. On SQLite
//! and on PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::browser::Browser;
use common::{Backend, TestApp};
use serde_json::{json, Value};

on_both_backends!(the_intake_warning_finds_the_same_problem_in_other_words);

const PIPE: &str = "荣乐东路88弄3号楼的水管破裂了，地下室全是水，请尽快派人维修";

/// What the form would send while a receptionist types: no appellant, another category than
/// the first appeal's (the old same-place rule needs the same one).
fn typed<'a>(content: &'a str, location: &'a str) -> [(&'a str, &'a str); 5] {
    [
        ("mode", "anonymous"),
        ("kind", "help"),
        ("category", "public_facilities.lifts"),
        ("location", location),
        ("content", content),
    ]
}

/// The warning's entries as (code, why).
fn warned(check: &Value) -> Vec<(String, String)> {
    let similar = check["similar"].as_array().expect("similar");
    similar
        .iter()
        .map(|s| {
            (
                s["code"].as_str().unwrap().into(),
                s["why"].as_str().unwrap().into(),
            )
        })
        .collect()
}

async fn the_intake_warning_finds_the_same_problem_in_other_words(b: Backend) {
    let t = TestApp::new(b).await;
    let mut fzq = Browser::sign_in(&t, "station11").await;
    let c11 = t.fx.c11.to_string();
    let first = [
        ("mode", "named"),
        ("appellant.name", "王阿姨"),
        ("appellant.phone", "13911113333"),
        ("org_unit_id", c11.as_str()),
        ("channel", "walk_in"),
        ("kind", "help"),
        ("category", "public_facilities.water_pipes"),
        ("urgency", "normal"),
        ("location", "荣乐东路88弄3号楼"),
        ("content", PIPE),
    ];
    let saved = fzq.post("/appeals/new", &first).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let token = t.token("admin").await;
    let newest = t.get("/api/v1/appeals?per_page=1", &token).await;
    let newest = newest.ok(200);
    let code = newest["items"][0]["tracking_code"]
        .as_str()
        .expect("code")
        .to_string();

    // A neighbour, other words, the same place (given in the location field only).
    let neighbour = typed("3号楼水管爆了，地下室全是水，请派人来修", "荣乐东路88弄");
    let check = fzq.post("/appeals/new/check", &neighbour).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.text());
    assert_eq!(
        warned(&check.json),
        [(code.clone(), "同一地点、内容相近，可能是同一问题".into())]
    );
    // The same words again, no place given.
    let again = fzq
        .post("/appeals/new/check", &typed(&format!("{PIPE}！"), ""))
        .await;
    assert_eq!(warned(&again.json), [(code.clone(), "内容相同".into())]);
    // Other words elsewhere, or another problem at the same place: nothing.
    let elsewhere = typed("3号楼水管爆了，地下室全是水，请派人来修", "");
    let check = fzq.post("/appeals/new/check", &elsewhere).await;
    assert_eq!(
        check.json["similar"],
        json!([]),
        "without the place, not alike enough"
    );
    let other = typed("小区门口的路灯坏了一个月，晚上很黑", "荣乐东路88弄");
    let check = fzq.post("/appeals/new/check", &other).await;
    assert_eq!(check.json["similar"], json!([]));
    // Another community's station may not read it, so is not told of it.
    let mut hdb = Browser::sign_in(&t, "station12").await;
    let check = hdb.post("/appeals/new/check", &typed(PIPE, "")).await;
    assert_eq!(check.json["similar"], json!([]));
    t.finish().await;
}
