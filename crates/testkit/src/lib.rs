//! Suqiu's test kit, shared by the test suites of the store, the server and the binary (a
//! dev-dependency only, never published):
//!
//! - [`db`]: a fresh database per test, an SQLite file or a new PostgreSQL database;
//! - [`http`]: one response of the router, read, with the project's assertions on it;
//! - [`pages`]: a browser's view of the web pages without a browser (cookies, form tokens);
//! - [`chromium`]: headless Chromium through chromedriver, for the browser tests.
//!
//! Each crate's `tests/common` (or `tests/support`) re-exports what its tests use, beside
//! the fixtures that are its own.

pub mod chromium;
pub mod db;
pub mod http;
pub mod pages;

pub use suqiu_store::Backend;

/// An ephemeral port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind an ephemeral port")
        .local_addr()
        .expect("addr")
        .port()
}
