//! Headless Chromium for the browser tests (`suqiu_testkit::chromium`), its screenshots in
//! `$CARGO_TARGET_TMPDIR/screenshots/`, and the demo district the scenarios run in.

use std::path::PathBuf;

use suqiu_store::Store;
pub use suqiu_testkit::chromium::*;

use super::{fresh_url, Backend};

/// Demo appeals loaded besides those the scenarios register.
pub const DEMO_APPEALS: u64 = 300;

/// chromedriver on a free port, its sessions' screenshots in
/// `$CARGO_TARGET_TMPDIR/screenshots/` (a directory only test targets are told of).
pub fn start_driver() -> Driver {
    suqiu_testkit::chromium::start_driver(
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots"),
    )
}

pub async fn demo_store() -> Store {
    let url = fresh_url(Backend::Sqlite, "browser").await;
    let store = Store::open(&url).await.expect("open store");
    suqiu::demo::load::load_demo(&store, DEMO_APPEALS, 2005, false)
        .await
        .expect("load the demo district");
    store
}
