//! One response of the router, body read, and the assertions the API tests make on it
//! (API.md: errors are problem+json with `type`, `title`, `status`, `detail`, `errors`).

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

/// One response, body read.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    pub json: Value,
}

/// Sends `req` through `app` (no sockets) and reads the answer whole.
pub async fn send(app: &Router, req: Request<Body>) -> Resp {
    let res = app
        .clone()
        .oneshot(req)
        .await
        .expect("the router never fails");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res
        .into_body()
        .collect()
        .await
        .expect("read the body")
        .to_bytes()
        .to_vec();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Resp {
        status,
        headers,
        bytes,
        json,
    }
}

impl Resp {
    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a problem+json with `status` and returns it.
    #[track_caller]
    pub fn problem(&self, status: u16) -> &Value {
        self.ok(status);
        assert!(
            self.content_type().starts_with("application/problem+json"),
            "not problem+json ({}): {}",
            self.content_type(),
            self.text()
        );
        for key in ["type", "title", "status", "detail", "errors"] {
            assert!(
                self.json.get(key).is_some(),
                "problem lacks {key}: {}",
                self.json
            );
        }
        assert_eq!(self.json["status"], json!(status));
        &self.json
    }

    /// Asserts a 422 whose `errors` name `field`.
    #[track_caller]
    pub fn field_error(&self, field: &str) {
        let p = self.problem(422);
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(
            fields.contains(&field),
            "expected an error on {field}, got {fields:?}: {p}"
        );
    }

    /// Asserts `status` (saying what came instead) and returns the body.
    #[track_caller]
    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "expected {status}, got {}: {}",
            self.status,
            self.text()
        );
        &self.json
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}
