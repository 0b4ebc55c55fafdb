//! The public form in a real browser at a phone's width (headless Chromium, see
//! `browser.rs`): typing an address offers the community the demo's gazetteer names for it,
//! and a tap chooses it — the live suggestion of `assets/public.js`, under the strict CSP.
//! The screenshot goes to `$CARGO_TARGET_TMPDIR/screenshots/address-suggestion.png`.

mod common;

use common::browser::{csp_violations, demo_store, start_driver, Ui};
use common::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_the_address_offers_its_community_on_a_phone() {
    let driver = start_driver();
    let store = demo_store().await;
    let fzq = store
        .org_unit_by_code("310117001001")
        .await
        .expect("read")
        .expect("佛字桥居民区");
    let server = TestServer::start(store).await;
    let ui = Ui::open(&driver, &server.base).await;
    ui.c.set_window_size(360, 740)
        .await
        .expect("a phone's width");
    ui.goto("/p/new").await;
    assert_eq!(
        ui.value("select[name=org_unit_id]").await,
        "",
        "none chosen yet"
    );
    ui.fill("input[name=location]", "佛字桥小区3号楼").await;
    // The suggestion: one community, offered as a button beside the address.
    let offer = ui.find("[data-testid=found] button").await;
    let label = offer.text().await.expect("label");
    assert!(label.contains("佛字桥居民区"), "{label}");
    ui.shot("address-suggestion").await;
    offer.click().await.expect("tap");
    assert_eq!(
        ui.value("select[name=org_unit_id]").await,
        fzq.id.to_string()
    );
    assert!(ui.text("[data-testid=found]").await.contains("已选择"));
    assert!(csp_violations(&ui.c).await.is_empty(), "no inline script");
}
