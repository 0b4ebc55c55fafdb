//! The appeals' forms in a real browser (headless Chromium over WebDriver, the demo district):
//! an intake with errors keeps every value and marks each field; saving says so (the flash
//! on the receipt); a refused 转办 comes back open with its errors; the department is picked
//! by typing into the filter box (the app's script, under the strict CSP).
//!
//! Like `browser.rs`, these FAIL when Chromium or chromedriver is missing. Screenshots go to
//! `$CARGO_TARGET_TMPDIR/screenshots/appeals-*.png`.

mod common;

use common::browser::{csp_violations, demo_store, start_driver, Ui};
use common::TestServer;
use fantoccini::Locator;

/// How many of the page's fields are marked invalid.
async fn invalid_fields(ui: &Ui) -> usize {
    ui.c.find_all(Locator::Css("[aria-invalid=true]"))
        .await
        .expect("find")
        .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appeal_forms_keep_values_say_saved_and_pick_a_department_by_typing() {
    let driver = start_driver();
    let store = demo_store().await;
    let department = store
        .user_for_login("liaison")
        .await
        .expect("store")
        .expect("the demo liaison")
        .0
        .department_id
        .expect("a department")
        .to_string();
    let server = TestServer::start(store.clone()).await;
    let ui = Ui::open(&driver, &server.base).await;
    ui.sign_in("fzq").await;

    // An intake with four faults: all marked at once, everything typed still there.
    ui.goto("/appeals/new").await;
    ui.click("input[name=mode][value=named]").await;
    ui.fill("#a-phone", "139123").await;
    ui.fill("#i-location", "佛字桥5号楼东侧").await;
    ui.fill("#i-title", "路灯不亮").await;
    ui.submit("#intake-form button[type=submit]").await;
    for id in [
        "#err-name",
        "#err-phone",
        "#err-kind",
        "#err-category",
        "#err-content",
    ] {
        ui.find(id).await;
    }
    assert!(invalid_fields(&ui).await >= 5);
    assert_eq!(ui.value("#a-phone").await, "139123");
    assert_eq!(ui.value("#i-location").await, "佛字桥5号楼东侧");
    assert_eq!(ui.value("#i-title").await, "路灯不亮");
    ui.shot("appeals-intake-errors").await;

    // Corrected and saved: the receipt says so, with the way to the next intake.
    ui.fill("#a-name", "周阿婆").await;
    ui.fill("#a-phone", "13912340001").await;
    ui.select("#i-kind", "help").await;
    ui.select("#i-category", "public_facilities.water_pipes")
        .await;
    ui.fill("#i-content", "5号楼东侧路灯不亮，晚上老人出门不便。")
        .await;
    ui.submit("#intake-form button[type=submit]").await;
    let code = ui.text("[data-testid=tracking-code]").await;
    let flash = ui.text("[data-testid=flash]").await;
    assert!(flash.contains("已登记") && flash.contains(&code), "{flash}");
    assert!(flash.contains("继续登记"), "{flash}");
    ui.shot("appeals-receipt-flash").await;
    let appeal = ui.path().await.trim_end_matches("/receipt").to_string();

    // Accept; then a 转办 with nothing chosen comes back open with both errors.
    ui.goto(&appeal).await;
    ui.act("accept").await;
    assert!(ui.text("[data-testid=flash]").await.contains("已受理"));
    ui.open_action("refer").await;
    ui.fill("#refer-note", "请派人检修路灯").await;
    ui.submit("[data-testid=submit-refer]").await;
    ui.find("details[data-action=refer][open] #err-refer-department_id")
        .await;
    assert_eq!(ui.value("#refer-note").await, "请派人检修路灯");
    ui.shot("appeals-refer-error").await;

    // Typing filters the grouped list and picks the first match — the street's own before
    // the district's (区房管局 matches too); other streets' are not in the list at all.
    let visible = || async {
        let mut names = Vec::new();
        for o in
            ui.c.find_all(Locator::Css("#refer-dept option:not([value=''])"))
                .await
                .expect("options")
        {
            // The script hides what does not match with the `hidden` attribute.
            if o.attr("hidden").await.ok().flatten().is_none() {
                names.push(o.text().await.unwrap_or_default());
            }
        }
        names
    };
    assert!(
        !visible().await.iter().any(|n| n.starts_with("九亭镇")),
        "no other street's departments"
    );
    ui.fill("#refer-dept-q", "房管").await;
    assert_eq!(ui.value("#refer-dept").await, department);
    assert_eq!(visible().await, ["岳阳街道房管所", "区房管局"]);
    ui.shot("appeals-refer-typed").await;
    ui.submit("[data-testid=submit-refer]").await;
    let flash = ui.text("[data-testid=flash]").await;
    assert!(
        flash.contains("已转办") && flash.contains("房管所"),
        "{flash}"
    );
    ui.shot("appeals-referred").await;
    assert_eq!(csp_violations(&ui.c).await, Vec::<String>::new());
    let _ = ui.c.close().await;
}
