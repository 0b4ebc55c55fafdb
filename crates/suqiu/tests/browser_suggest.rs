//! Suggested categories at the desk in a real browser (headless Chromium, see `browser.rs`):
//! with a model trained on the demo district's own history, typing what the resident says
//! shows three chips beside the category picker; Alt+2 puts the second in the picker, and
//! the saved intake is recorded as "took the second" — the month's figures on the API say
//! so. The screenshot goes to `$CARGO_TARGET_TMPDIR/screenshots/suggest-chips.png`.

mod common;

use std::time::Duration;

use common::browser::{csp_violations, start_driver, Ui};
use common::{fresh_url, TestServer};
use fantoccini::key::Key;
use serde_json::{json, Value};
use suqiu_store::{Backend, Store};

/// The demo district with the history of `serve --demo` (the browser tests' 300 appeals
/// leave too few per category to train on).
async fn district_with_history() -> Store {
    let url = fresh_url(Backend::Sqlite, "browser_suggest").await;
    let store = Store::open(&url).await.expect("open store");
    suqiu::demo::load::load_demo(&store, 3_000, 2005, false)
        .await
        .expect("load the demo district");
    store
}

/// Retrains on the demo's history and waits for the run to end (it runs in the
/// background; the demo's 3,000 appeals take seconds), which must have trained a model.
async fn trained(server: &TestServer, admin: &str) -> Value {
    let (status, started) = server
        .post(admin, "/api/v1/suggestions/retrain", json!({}))
        .await;
    assert_eq!(status, 202, "{started}");
    for _ in 0..240 {
        let (_, state) = server.get(admin, "/api/v1/suggestions").await;
        if state["retraining"] == false && !state["last_run"].is_null() {
            assert_eq!(state["last_run"]["trained"], true, "{state}");
            return state;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("the retrain did not end in two minutes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_content_offers_three_chips_and_alt_2_takes_the_second() {
    let driver = start_driver();
    let server = TestServer::start(district_with_history().await).await;
    let (admin, _) = server.login("admin").await;
    let state = trained(&server, &admin).await;
    assert_eq!(state["months"], json!([]), "no intake yet: {state}");

    let ui = Ui::open(&driver, &server.base).await;
    ui.sign_in("fzq").await;
    ui.goto("/appeals/new").await;
    ui.click("input[name=mode][value=anonymous]").await;
    ui.select("#i-channel", "walk_in").await;
    ui.select("#i-kind", "help").await;
    ui.fill(
        "#i-content",
        "3号楼的电梯又坏了，老人上下楼很困难，已经停了三天",
    )
    .await;
    // The chips come from the server after a pause in typing.
    ui.find("[data-testid=suggest-chip]:nth-of-type(3)").await;
    let chips =
        ui.c.find_all(fantoccini::Locator::Css("[data-testid=suggest-chip]"));
    let chips = chips.await.expect("chips");
    assert_eq!(chips.len(), 3, "three suggestions");
    let mut codes = Vec::new();
    for chip in &chips {
        let code = chip.attr("data-category").await.expect("attr");
        codes.push(code.expect("each chip names its category"));
    }
    let first = chips[0].text().await.expect("text");
    assert!(
        first.contains("电梯"),
        "lifts first for a broken lift: {first}"
    );
    ui.shot("suggest-chips").await;

    // One key: Alt+2 puts the second suggestion in the picker, from the content box.
    let content = ui.find("#i-content").await;
    let alt_2 = format!("{}2{}", char::from(Key::Alt), char::from(Key::Alt));
    content.send_keys(&alt_2).await.expect("Alt+2");
    assert_eq!(
        ui.value("#i-category").await,
        codes[1],
        "the second chip taken"
    );
    assert!(
        !ui.value("#i-content").await.ends_with('2'),
        "the key did not type into the content"
    );
    ui.submit("#intake-form button[type=submit]").await;
    let code = ui.text("[data-testid=tracking-code]").await;
    assert!(code.starts_with("SQ"), "saved: {code}");
    assert!(csp_violations(&ui.c).await.is_empty(), "no inline script");

    // What was offered and what was taken is kept: this month, one intake, not the first.
    let (_, state) = server.get(&admin, "/api/v1/suggestions").await;
    let month = &state["months"][0];
    assert_eq!(month["suggested"], 1, "{state}");
    assert_eq!(month["top1_rate"], 0.0, "{state}");
    assert_eq!(month["top3_rate"], 1.0, "{state}");
}
