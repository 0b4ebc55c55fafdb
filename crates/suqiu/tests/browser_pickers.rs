//! Person pickers on a large register, in a real browser (headless Chromium, see
//! `browser.rs`): with 2,500 more residents on the station's register the hand-out form
//! has a search field instead of a select of the first 500, and typing part of a name
//! finds person #2,000 and chooses them; the intake warns that a new appellant's phone is
//! already on the register and switches to that person in one click; the service
//! registration's member picker offers in-service party members only, as one types.
//! Screenshots go to
//! `$CARGO_TARGET_TMPDIR/screenshots/` (`pickers-*.png`).

mod common;

use common::browser::{csp_violations, demo_store, start_driver, Ui};
use common::TestServer;
use suqiu_core::person::{PartyCategory, PartyProfile, Person};
use suqiu_core::Id;
use suqiu_store::Store;

/// Residents added to 佛字桥居民区 (fzq's station).
const RESIDENTS: usize = 2_500;
/// The resident (测试居民1990) who is no party member: first of "居民199" but for that.
const NOT_A_MEMBER: usize = 1_990;

/// Adds [`RESIDENTS`] people to fzq's community: `测试居民0001`…, phone `1360000xxxx`,
/// in-service party members but [`NOT_A_MEMBER`]; returns the community and their ids in
/// order.
async fn large_register(store: &Store) -> (Id, Vec<Id>) {
    let units = store.org_units().await.expect("units");
    let fzq = units
        .iter()
        .find(|u| u.name == "佛字桥居民区")
        .expect("佛字桥居民区")
        .id;
    let people: Vec<Person> = (1..=RESIDENTS)
        .map(|i| Person {
            id: 0,
            name: format!("测试居民{i:04}"),
            gender: None,
            birth_date: None,
            phone: Some(format!("1360000{i:04}")),
            id_number: None,
            org_unit_id: fzq,
            address: Some(format!("佛字桥{}号楼{}室", i % 40 + 1, i % 6 + 101)),
            tags: vec![],
            party: (i != NOT_A_MEMBER).then_some(PartyProfile {
                category: PartyCategory::InService,
                joined_on: None,
                branch: None,
            }),
        })
        .collect();
    let ids = store.insert_people_bulk(&people).await.expect("residents");
    (fzq, ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn person_two_thousand_is_found_by_typing_and_the_intake_knows_a_phone() {
    let driver = start_driver();
    let store = demo_store().await;
    let (fzq, ids) = large_register(&store).await;
    let wanted = ids[1_999].to_string();
    let server = TestServer::start(store).await;
    let ui = Ui::open(&driver, &server.base).await;
    ui.sign_in("fzq").await;

    // The hand-out's recipient: a search field; typing part of the name offers #2,000.
    ui.goto("/supermarket").await;
    ui.click("input[name=direction][value=out]").await;
    ui.fill("#move-person-id", "居民2000").await;
    let option = ui.text("[data-testid=person-option]").await;
    assert!(
        option.starts_with("测试居民2000 · 136****2000 · 佛字桥"),
        "{option}"
    );
    ui.shot("pickers-search").await;
    ui.click("[data-testid=person-option]").await;
    assert_eq!(ui.value("input[type=hidden][name=person_id]").await, wanted);
    assert_eq!(ui.value("#move-person-id").await, option, "the label shown");
    // Refused for the quantity: the person stays chosen.
    ui.submit("[data-testid=movement-form] button[type=submit]")
        .await;
    assert!(ui.text("#err-move-quantity").await.contains("请填写数量"));
    assert_eq!(ui.value("input[type=hidden][name=person_id]").await, wanted);
    assert_eq!(ui.value("#move-person-id").await, option);
    assert!(csp_violations(&ui.c).await.is_empty(), "no inline script");

    // The intake: a new appellant with #2,000's phone is said to be on the register.
    ui.goto("/appeals/new").await;
    ui.click("input[name=mode][value=named]").await;
    ui.fill("#a-name", "王先生").await;
    ui.fill("#a-phone", "13600002000").await;
    let warning = ui.text("#phone-known:not([hidden]) p").await;
    assert!(
        warning.contains("该电话已登记") && warning.contains("测试居民2000"),
        "{warning}"
    );
    assert!(ui.text("#phone-known").await.contains("仍作为新居民登记"));
    ui.shot("pickers-phone-known").await;
    // One click: the intake is now for that person.
    ui.click(&format!("#phone-known input[value='{wanted}']"))
        .await;
    assert_eq!(ui.value("input[name=appellant_id]").await, wanted);
    let person = ui.find("input[name=mode][value=person]").await;
    assert!(person.is_selected().await.expect("radio"), "switched");
    assert!(ui.text("#person-chosen").await.contains("测试居民2000"));

    // A service registration: the member picker searches in-service party members only.
    ui.goto("/service").await;
    ui.fill("#registration-person-id", "居民199").await;
    let first = ui.text("[data-testid=person-option]").await;
    assert!(first.starts_with("测试居民1991 · "), "{first}");
    // A fresh page, so the option clicked next is #2,000's, not one left from above.
    ui.goto("/service").await;
    ui.fill("#registration-person-id", "居民2000").await;
    ui.click("[data-testid=person-option]").await;
    assert_eq!(
        ui.value("[data-testid=registration-form] input[type=hidden][name=person_id]")
            .await,
        wanted
    );
    ui.select("#registration-org-unit-id", &fzq.to_string())
        .await;
    ui.click("[data-testid=registration-form] input[name=post_ids]")
        .await;
    ui.submit("[data-testid=registration-form] button[type=submit]")
        .await;
    let flash = ui.text("[data-testid=flash]").await;
    assert!(flash.contains("测试居民2000"), "{flash}");
    ui.shot("pickers-service").await;
}
