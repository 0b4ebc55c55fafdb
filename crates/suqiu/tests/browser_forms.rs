//! Forms in a real browser (headless Chromium, see `browser.rs`): a refused form comes
//! back as it was typed with the error at its field, a person is picked by typing into the
//! picker's filter box, and a good save says so once. Screenshots of the forms go to
//! `$CARGO_TARGET_TMPDIR/screenshots/` (`forms-*.png`).

mod common;

use common::browser::{csp_violations, demo_store, start_driver, Ui};
use common::TestServer;

/// The first real choice of a select (after its blank "请选择").
async fn first_choice(ui: &Ui, select: &str) -> (String, String) {
    let option = ui.find(&format!("{select} option:nth-child(2)")).await;
    let value = option.attr("value").await.expect("value").expect("a value");
    let label = option.text().await.expect("label");
    (value, label)
}

/// A browser signed in as `fzq` against a server with the demo district. The driver and
/// the server live as long as the test holds them.
async fn signed_in() -> (common::browser::Driver, TestServer, Ui) {
    let driver = start_driver();
    let store = demo_store().await;
    let server = TestServer::start(store).await;
    let ui = Ui::open(&driver, &server.base).await;
    ui.sign_in("fzq").await;
    (driver, server, ui)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hand_out_keeps_its_direction_and_recipient_in_a_browser() {
    let (_driver, _server, ui) = signed_in().await;
    // 爱心超市: a hand-out without its quantity comes back as 发放, the recipient kept.
    ui.goto("/supermarket").await;
    let (item, _) = first_choice(&ui, "#move-item-id").await;
    ui.select("#move-item-id", &item).await;
    ui.click("input[name=direction][value=out]").await;
    let (person, label) = first_choice(&ui, "#move-person-id").await;
    // The picker's filter box: typing the person's label leaves one choice, chosen.
    ui.fill("#move-person-id-filter", &label).await;
    assert_eq!(ui.value("#move-person-id").await, person, "{label}");
    ui.fill("#move-note", "节日慰问").await;
    ui.submit("[data-testid=movement-form] button[type=submit]")
        .await;
    assert!(
        ui.text("#err-move-quantity").await.contains("请填写数量"),
        "the error is at the quantity"
    );
    assert!(ui
        .text("[data-testid=form-errors]")
        .await
        .contains("请填写数量"));
    let out = ui.find("input[name=direction][value=out]").await;
    assert!(out.is_selected().await.expect("radio"), "still 发放");
    assert_eq!(ui.value("#move-person-id").await, person, "recipient kept");
    assert_eq!(ui.value("#move-item-id").await, item, "item kept");
    assert_eq!(ui.value("#move-note").await, "节日慰问");
    ui.shot("forms-supermarket-error").await;

    // Saved right: the flash names the hand-out and links to the recipient, once.
    ui.fill("#move-quantity", "1").await;
    ui.submit("[data-testid=movement-form] button[type=submit]")
        .await;
    let flash = ui.text("[data-testid=flash]").await;
    assert!(flash.contains("已登记发放"), "{flash}");
    ui.find(&format!("[data-testid=flash] a[href='/people/{person}']"))
        .await;
    ui.shot("forms-supermarket-saved").await;
    ui.goto("/supermarket").await;
    assert!(!ui.source().await.contains("data-testid=\"flash\""));
    assert!(csp_violations(&ui.c).await.is_empty(), "no inline script");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wish_grant_and_person_forms_keep_what_was_typed_in_a_browser() {
    let (_driver, _server, ui) = signed_in().await;
    // 微心愿: no wish and a bad estimate, both named; the person and estimate kept.
    ui.goto("/wishes").await;
    let (wisher, _) = first_choice(&ui, "#wish-person-id").await;
    ui.select("#wish-person-id", &wisher).await;
    ui.fill("#wish-estimate", "五十元").await;
    ui.submit("[data-testid=wish-form] button[type=submit]")
        .await;
    assert!(ui.text("#err-wish-wish").await.contains("请填写心愿内容"));
    assert!(ui.text("#err-wish-estimate").await.contains("估价"));
    assert_eq!(ui.value("#wish-person-id").await, wisher);
    assert_eq!(ui.value("#wish-estimate").await, "五十元");
    ui.shot("forms-wish-error").await;

    // 助困发放: an amount in words and an unknown tracking code, both at their fields.
    ui.goto("/fund").await;
    let (recipient, _) = first_choice(&ui, "#grant-person-id").await;
    ui.select("#grant-person-id", &recipient).await;
    ui.fill("#grant-amount", "八十").await;
    ui.fill("#grant-appeal-code", "SQ-19990101-0001").await;
    ui.submit("[data-testid=grant-form] button[type=submit]")
        .await;
    assert!(ui.text("#err-grant-amount").await.contains("金额"));
    assert!(ui.text("#err-grant-note").await.contains("发放事由"));
    assert!(ui.text("#err-grant-appeal-code").await.contains("追踪码"));
    assert_eq!(ui.value("#grant-person-id").await, recipient);
    assert_eq!(ui.value("#grant-appeal-code").await, "SQ-19990101-0001");
    ui.shot("forms-fund-error").await;

    // 登记人员: the whole width for the form; a missing name at its field, the rest kept.
    ui.goto("/people/new").await;
    ui.shot("forms-people-new").await;
    ui.fill("#person-address", "佛字桥小区3号楼201室").await;
    ui.submit("[data-testid=person-form] button[type=submit]")
        .await;
    assert!(ui.text("#err-person-name").await.contains("姓名"));
    assert_eq!(ui.value("#person-address").await, "佛字桥小区3号楼201室");
    ui.shot("forms-people-new-error").await;
    let form = ui.find("[data-testid=person-form]").await;
    let (_, _, width, _) = form.rectangle().await.expect("form box");
    assert!(
        width > 700.0,
        "the new-person form uses the page: {width}px"
    );
    assert!(csp_violations(&ui.c).await.is_empty(), "no inline script");
}
