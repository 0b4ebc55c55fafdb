//! The finishing details in a real browser (headless Chromium over WebDriver, the demo
//! district): each settings page is short, status badges are told apart by colour as drawn,
//! a settings save says so, the page shows its icon, and the English pages read in English.
//! Screenshots go to `$CARGO_TARGET_TMPDIR/screenshots/` (`admin_*`, `badges`, `en_*`).

mod common;

use std::collections::BTreeMap;

use common::browser::{demo_store, start_driver, Ui};
use common::TestServer;
use serde_json::Value;

/// The tallest a settings page may be, in CSS pixels at 1280 wide: a few screens (the single
/// settings page was over 21,000).
const MAX_SETTINGS_HEIGHT: i64 = 8_000;

/// The page's height as laid out.
async fn height(ui: &Ui) -> i64 {
    ui.c.execute("return document.documentElement.scrollHeight", Vec::new())
        .await
        .expect("height")
        .as_i64()
        .expect("a number")
}

/// The background colour each status badge class is drawn in on this page.
async fn badge_colours(ui: &Ui) -> BTreeMap<String, String> {
    let script = "return Array.from(document.querySelectorAll('.badge[class*=st-]')).map(\
                e => [e.className, getComputedStyle(e).backgroundColor])";
    let pairs = ui.c.execute(script, Vec::new()).await.expect("badges");
    pairs
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let class = p[0].as_str()?.split(' ').find(|c| c.starts_with("st-"))?;
            Some((class.to_string(), p[1].as_str()?.to_string()))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_pages_badges_icon_and_english_as_drawn() {
    let driver = start_driver();
    let server = TestServer::start(demo_store().await).await;
    let ui = Ui::open(&driver, &server.base).await;
    ui.c.set_window_size(1280, 900).await.expect("resize");
    ui.sign_in("admin").await;

    // Each part of the settings on a page of its own, none of them endless.
    for (path, shot) in [
        ("/admin", "admin_overview"),
        ("/admin/org", "admin_org"),
        ("/admin/users", "admin_users"),
        ("/admin/categories", "admin_categories"),
        ("/admin/limits", "admin_limits"),
        ("/admin/calendar", "admin_calendar"),
        ("/admin/security", "admin_security"),
        ("/admin/station", "admin_station"),
    ] {
        ui.goto(path).await;
        ui.find("[data-testid=admin-tabs]").await;
        let h = height(&ui).await;
        assert!(h < MAX_SETTINGS_HEIGHT, "{path} is {h} px tall");
        ui.shot(shot).await;
    }
    // A save says so, on the page saved, once.
    ui.goto("/admin/station").await;
    ui.fill("#st-url", "https://suqiu.songjiang.gov.cn").await;
    ui.submit("form[action='/admin/station'] button[type=submit]")
        .await;
    let said = ui.text("[data-testid=flash]").await;
    assert!(said.contains("https://suqiu.songjiang.gov.cn"), "{said}");
    ui.shot("admin_saved").await;

    // The list's badges: one colour per meaning, as drawn.
    ui.goto("/appeals?per_page=200").await;
    let colours = badge_colours(&ui).await;
    assert!(
        colours.len() >= 4,
        "too few kinds of badge to compare: {colours:?}"
    );
    let distinct: std::collections::BTreeSet<&String> = colours.values().collect();
    assert_eq!(
        distinct.len(),
        colours.len(),
        "two meanings share a colour: {colours:?}"
    );
    ui.shot("badges").await;

    // The icon the page links is served (the tab shows it).
    let icon: Value =
        ui.c.execute(
            "return document.querySelector('link[rel=icon]').href",
            Vec::new(),
        )
        .await
        .expect("icon link");
    let icon = icon.as_str().expect("an address").to_string();
    let res = reqwest::get(&icon).await.expect("GET the icon");
    assert!(res.status().is_success(), "{icon}: {}", res.status());

    // In English: the settings and a receipt read in English.
    ui.goto("/lang/en").await;
    ui.goto("/admin/categories").await;
    ui.shot("en_admin_categories").await;
    ui.goto("/appeals").await;
    ui.click("table.list td.code a").await;
    let appeal = ui.path().await;
    ui.goto(&format!("{appeal}/receipt")).await;
    let line = ui.text("[data-testid=track-url]").await;
    assert!(
        line.starts_with("Track it online at: https://suqiu.songjiang.gov.cn/track"),
        "{line}"
    );
    ui.shot("en_receipt").await;
}
