//! Every endpoint is declared once, where its handler is (`#[utoipa::path]`, collected by its
//! area's `router()`): so every documented operation answers, and every documented handler
//! is in the document.

mod common;

use axum::http::{Method, StatusCode};
use common::{Backend, TestApp};

on_both_backends!(every_documented_operation_answers);

/// The documented operations: (method, path template).
fn operations(doc: &serde_json::Value) -> Vec<(Method, String)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
                ops.push((m, path.clone()));
            }
        }
    }
    ops
}

/// Without a session every operation answers as itself (signed-in ones 401, public ones
/// 200 or a complaint about the request): none is the router's 404 or 405 for a route it
/// does not have.
async fn every_documented_operation_answers(b: Backend) {
    let t = TestApp::new(b).await;
    let doc = t.call(Method::GET, "/api/openapi.json", None, None).await;
    let doc = doc.ok(200).clone();
    let ops = operations(&doc);
    assert!(ops.len() > 80, "the document lists the API: {}", ops.len());
    for (method, template) in ops {
        let path = template
            .split('/')
            .map(|seg| if seg.starts_with('{') { "1" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        let res = t.call(method.clone(), &path, None, None).await;
        assert!(
            res.status != StatusCode::NOT_FOUND && res.status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {template} answers {}: not routed",
            res.status
        );
    }
    t.finish().await;
}

/// Each `#[utoipa::path]` in the route files is one operation of the document, and the
/// router mounts nothing by hand: an endpoint cannot be routed without being documented, nor
/// documented without being routed.
#[tokio::test]
async fn every_declared_handler_is_in_the_document() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    let mut declared = 0;
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("routes dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                declared += text.matches("#[utoipa::path(").count();
            }
        }
    }
    let router = std::fs::read_to_string(root.join("mod.rs")).expect("routes/mod.rs");
    assert!(
        !router.contains(".route("),
        "routes/mod.rs mounts an endpoint by hand: declare it with #[utoipa::path] in its area"
    );
    let t = TestApp::new(Backend::Sqlite).await;
    let doc = t.call(Method::GET, "/api/openapi.json", None, None).await;
    let documented = operations(doc.ok(200)).len();
    assert_eq!(
        declared, documented,
        "declared handlers vs documented operations"
    );
    t.finish().await;
}
