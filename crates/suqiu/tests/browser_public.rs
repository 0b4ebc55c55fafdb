//! The public door as a resident meets it: on a phone 360 px wide, in headless Chromium,
//! every public page — the three doors, the form (empty, filled wrong, filled right), the
//! receipt, tracking, the appellant's own answer to the follow-up, and the boards of the
//! district and of a community — is checked by axe-core (no serious or critical
//! violation), scrolls only downwards (nothing wider than the screen), and weighs under
//! 100 kB with everything it loads (a slow phone's budget). On SQLite and on PostgreSQL.
//!
//! axe-core comes from the npm registry at the version `scripts/a11y/package-lock.json`
//! pins (`scripts/test` installs it); this test fails, never skips, without it.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::browser::{start_driver, Ui, DEMO_APPEALS};
use common::{fresh_url, Backend, TestServer};
use serde_json::{json, Value};

/// A common Android phone's viewport in CSS pixels.
const PHONE_WIDTH: u32 = 360;
const PHONE_HEIGHT: u32 = 740;
/// What one public page may weigh with its style sheets and scripts.
const PAGE_BUDGET: u64 = 100 * 1024;

fn axe_source() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts/a11y/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}): run `npm ci --prefix scripts/a11y` (scripts/test does)",
            path.display()
        )
    })
}

/// The serious and critical violations axe-core finds on the page, one line each.
const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then(r => done(r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)))
  .catch(e => done([`axe-core failed: ${e}`]));
"#;

/// Bytes the page and what it loaded came over the wire with (bodies as sent).
const PAGE_WEIGHT: &str = r#"
const nav = performance.getEntriesByType('navigation')[0];
return performance.getEntriesByType('resource')
  .reduce((sum, r) => sum + r.encodedBodySize, nav.encodedBodySize);
"#;

/// The page now open passes the three checks; a screenshot is left as `name`.
async fn check(ui: &Ui, axe: &str, name: &str) {
    ui.shot(&format!("public-{name}")).await;
    let widths =
        ui.c.execute(
            "return [document.documentElement.scrollWidth, window.innerWidth]",
            Vec::new(),
        )
        .await
        .expect("widths");
    let (content, screen) = (widths[0].as_u64().unwrap(), widths[1].as_u64().unwrap());
    assert_eq!(
        screen,
        u64::from(PHONE_WIDTH),
        "{name}: a phone-wide window"
    );
    assert!(
        content <= screen,
        "{name}: {content} px of content on a {screen} px screen scrolls sideways"
    );

    let weight = ui.c.execute(PAGE_WEIGHT, Vec::new()).await.expect("weight");
    let weight = weight.as_u64().expect("bytes");
    assert!(weight > 0, "{name}: the page was measured");
    assert!(
        weight < PAGE_BUDGET,
        "{name}: {weight} bytes is over the {PAGE_BUDGET}-byte budget"
    );

    ui.c.execute(axe, Vec::new()).await.expect("load axe-core");
    let found =
        ui.c.execute_async(RUN_AXE, Vec::new())
            .await
            .expect("run axe-core");
    let found: Vec<String> = serde_json::from_value(found).expect("violations");
    assert!(found.is_empty(), "{name}: {found:#?}");
}

/// The demo community whose station the test's staff account (`STATION`) works at.
const COMMUNITY: &str = "佛字桥居民区";
const STATION: &str = "fzq";

/// The value of the community named `name` in the form's list.
async fn community_value(ui: &Ui, name: &str) -> String {
    let v =
        ui.c.execute(
            "return [...document.querySelectorAll('select[name=org_unit_id] option')]\
               .find(o => o.textContent.includes(arguments[0])).value",
            vec![json!(name)],
        )
        .await
        .expect("the community in the list");
    v.as_str().expect("its value").to_string()
}

/// Brings an appeal through /p/new as a resident would, checking the form on the way
/// (empty and refused first); returns the tracking code.
async fn bring_an_appeal(ui: &Ui, axe: &str, phone: &str) -> String {
    ui.goto("/p/new").await;
    check(ui, axe, "new").await;

    // Sent empty (after a person's least fill time): refused, each field named.
    tokio::time::sleep(Duration::from_millis(3200)).await;
    ui.submit("[data-testid=public-submit]").await;
    assert!(
        ui.find("[aria-invalid=true]")
            .await
            .is_displayed()
            .await
            .unwrap(),
        "the refused form marks its fields"
    );
    check(ui, axe, "new-refused").await;

    let community = community_value(ui, COMMUNITY).await;
    ui.select("select[name=org_unit_id]", &community).await;
    ui.select("select[name=kind]", "help").await;
    ui.fill(
        "textarea[name=content]",
        "小区3号楼楼道灯坏了一周，晚上老人上下楼看不见",
    )
    .await;
    ui.fill("input[name=location]", "荣乐东路88弄3号楼").await;
    ui.fill("input[name=phone]", phone).await;
    ui.click("#public_consent").await;
    tokio::time::sleep(Duration::from_millis(3200)).await;
    ui.submit("[data-testid=public-submit]").await;
    let code = ui.text("[data-testid=tracking-code]").await;
    assert!(!code.trim().is_empty(), "the receipt gives a tracking code");
    check(ui, axe, "receipt").await;
    code.trim().to_string()
}

/// Takes the appeal with `code` to resolved as its community's station.
async fn resolve(server: &TestServer, code: &str) {
    let (token, _) = server.login(STATION).await;
    let (status, list) = server
        .get(&token, "/api/v1/appeals?status=registered&per_page=200")
        .await;
    assert_eq!(status, 200, "{list}");
    let id = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["tracking_code"] == code)
        .and_then(|a| a["id"].as_i64())
        .expect("the resident's appeal is in the queue");
    let path = format!("/api/v1/appeals/{id}/actions");
    for action in [
        json!({"action": "accept"}),
        json!({"action": "resolve", "resolution": "solved", "note": "已更换楼道灯"}),
    ] {
        let (status, body): (u16, Value) = server.post(&token, &path, action).await;
        assert_eq!(status, 200, "{body}");
    }
}

/// Opens the appeal on /track with its code and the phone's last four digits.
async fn track(ui: &Ui, code: &str, phone: &str) {
    ui.goto("/track").await;
    ui.fill("#code", code).await;
    ui.fill("#digits", &phone[phone.len() - 4..]).await;
    ui.submit("form[action='/track'] button[type=submit]").await;
}

/// The demo district on `backend`.
async fn demo_store(backend: Backend) -> suqiu_store::Store {
    let url = fresh_url(backend, "browser_public").await;
    let store = suqiu_store::Store::open(&url).await.expect("open store");
    suqiu::demo::load::load_demo(&store, DEMO_APPEALS, 2005, false)
        .await
        .expect("load the demo district");
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_pages_are_accessible_and_light_at_phone_width_on_sqlite() {
    public_pages_at_phone_width(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_pages_are_accessible_and_light_at_phone_width_on_postgres() {
    public_pages_at_phone_width(Backend::Postgres).await;
}

async fn public_pages_at_phone_width(backend: Backend) {
    let axe = axe_source();
    let driver = start_driver();
    let server = TestServer::start(demo_store(backend).await).await;
    let ui = Ui::open(&driver, &server.base).await;
    ui.c.set_window_size(PHONE_WIDTH, PHONE_HEIGHT)
        .await
        .expect("a phone-sized window");

    ui.goto("/p").await;
    check(&ui, &axe, "home").await;

    let phone = "13912345678";
    let code = bring_an_appeal(&ui, &axe, phone).await;
    track(&ui, &code, phone).await;
    check(&ui, &axe, "track").await;

    resolve(&server, &code).await;
    track(&ui, &code, phone).await;
    ui.find("input[name=solved]").await;
    check(&ui, &axe, "track-answer").await;
    ui.click("input[name=solved][value=solved]").await;
    ui.click("input[name=satisfaction][value=satisfied]").await;
    ui.submit("[data-testid=answer-form] button[type=submit]")
        .await;
    check(&ui, &axe, "track-answered").await;

    ui.goto("/p/board").await;
    check(&ui, &axe, "board-district").await;
    ui.submit(".board-down a").await;
    assert!(
        ui.path().await.starts_with("/p/board/"),
        "a lower board opened"
    );
    check(&ui, &axe, "board-street").await;
}
