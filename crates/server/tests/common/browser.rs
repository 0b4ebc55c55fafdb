//! The page browser of the tests (`suqiu_testkit::pages`), browsing a [`TestApp`] as its
//! fixture users.

use axum::Router;
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
