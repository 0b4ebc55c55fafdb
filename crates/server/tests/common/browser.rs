//! The page browser of the tests (`suqiu_testkit::pages`), browsing a [`TestApp`] as its
//! fixture users.

use axum::http::StatusCode;
use axum::Router;
use serde_json::Value;
use suqiu_testkit::pages::Site;
#[allow(unused_imports)] // each test binary uses a different part of this module
pub use suqiu_testkit::pages::{hidden_value, location, Browser};

use super::{TestApp, PASSWORD};

impl Site for TestApp {
    fn router(&self) -> &Router {
        &self.app
    }

    fn password(&self) -> &str {
        PASSWORD
    }
}

/// A station signed in at the supermarket with one item (大米, 袋): the browser, the
/// station's id and the item's.
#[allow(dead_code)] // used by the supermarket and picker tests only
pub async fn market(t: &TestApp) -> (Browser<'_>, String, String) {
    let c11 = t.fx.c11.to_string();
    let mut b = Browser::sign_in(t, "station11").await;
    b.get("/supermarket").await;
    let item = [
        ("org_unit_id", c11.as_str()),
        ("name", "大米"),
        ("unit", "袋"),
    ];
    let res = b.post("/supermarket/items", &item).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let token = t.token("station11").await;
    let items: Value = t
        .get("/api/v1/supermarket/items", &token)
        .await
        .ok(200)
        .clone();
    let item = items["items"][0]["id"].as_i64().expect("item").to_string();
    (b, c11, item)
}
