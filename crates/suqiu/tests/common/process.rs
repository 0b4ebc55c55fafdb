//! Driving the real `suqiu` binary: a free port, waiting for `/healthz`, signing in.
//! Shared by the tests that kill, starve or back up a running server.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
#[allow(unused_imports)] // each test binary uses a different part of this module
pub use suqiu_testkit::free_port;

/// Waits until the server at `base` answers `/healthz` with 2xx, at most `within`.
pub async fn wait_ready(base: &str, within: Duration) {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server at {base} did not become ready within {within:?}");
}

/// Signs in as the demo station worker `fzq`: (token, her station's id).
pub async fn login(client: &reqwest::Client, base: &str) -> (String, i64) {
    let resp: Value = client
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "fzq", "password": "suqiu-demo"}))
        .send()
        .await
        .expect("login request")
        .json()
        .await
        .expect("login body");
    let token = resp["token"].as_str().expect("token").to_string();
    let org = resp["user"]["org_unit_id"].as_i64().expect("org unit");
    (token, org)
}
