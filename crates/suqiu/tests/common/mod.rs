//! Test support: fresh databases on both backends and an in-process server on a real socket.

#![allow(dead_code)] // each test binary uses a different part of this module

pub mod browser;
pub mod process;

use serde_json::{json, Value};
use suqiu_store::Store;
use suqiu_testkit::db::FreshDb;
pub use suqiu_testkit::Backend;

/// A fresh, empty database URL for `backend` (left behind for whoever looks at a failure).
/// PostgreSQL is required: if it does not answer, the test fails saying how to start it.
pub async fn fresh_url(backend: Backend, name: &str) -> String {
    FreshDb::create(backend, name).await.url
}

/// A running server on 127.0.0.1 (random port) over `store`, with the system clock.
pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    pub async fn start(store: Store) -> TestServer {
        TestServer::start_with(store, suqiu_server::Clock::system()).await
    }

    /// A server whose clock is `clock` (a test that needs the demo's deadlines passed).
    pub async fn start_with(store: Store, clock: suqiu_server::Clock) -> TestServer {
        let state = suqiu_server::AppState::load(store, clock)
            .await
            .expect("state");
        let app = suqiu_server::router(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        TestServer {
            base,
            client: reqwest::Client::new(),
            task,
        }
    }

    /// Signs in with the demo password; returns the token and the session's user object.
    pub async fn login(&self, username: &str) -> (String, Value) {
        let resp = self
            .client
            .post(format!("{}/api/v1/session", self.base))
            .json(&json!({"username": username, "password": "suqiu-demo"}))
            .send()
            .await
            .expect("login");
        assert_eq!(
            resp.status().as_u16(),
            200,
            "demo account {username} cannot sign in"
        );
        let v: Value = resp.json().await.expect("json");
        (
            v["token"].as_str().expect("token").to_string(),
            v["user"].clone(),
        )
    }

    pub async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let resp = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("get");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> (u16, Value) {
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("post");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}
