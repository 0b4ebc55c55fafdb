//! The router: every endpoint, and the middleware around them.
//!
//! From the outside in: a request id (`x-request-id`, UUID v4, kept when the client sends
//! one) → one log line per request (method, path without the query, status, latency) → the
//! request id on the response → a problem+json for any error response that lacks one →
//! request counters and latency histograms per route template → a panic as a 500 problem →
//! the 1 MiB body limit (early, from `Content-Length`, and while reading). Around every
//! response the security headers ([`hardening::security_headers`]); before any handler the
//! JSON API's rule for writes made with the session cookie
//! ([`hardening::guard_cookie_writes`]).

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{header, HeaderName, HeaderValue, Response, StatusCode};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::problem::{self, Problem};
use crate::state::AppState;
use crate::MAX_BODY_BYTES;

pub mod account;
pub mod appeals;
pub mod audit;
pub mod auth;
pub mod board;
pub mod care;
pub mod config;
pub mod district;
pub mod gazetteer;
pub mod hardening;
pub mod metrics;
pub mod notifications;
pub(crate) mod open311;
pub mod ops;
pub mod org;
pub mod people;
pub mod problems;
pub mod query;
pub mod reports;
pub mod roster;
// Care and resources (党内关爱).
pub mod fund;
pub mod supermarket;
// The public door (no account): the appellant's lookup and their own appeals.
pub mod public;
pub mod tracking;
// Micro-wishes (微心愿) and in-service party members (在职党员报到).
pub mod service;
pub mod suggest;
pub mod wishes;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every GET endpoint, API and page, that takes a node (`org_unit`, written `{node}` here):
/// each resolves it through `scope::node_in_scope`, so another subtree's node is 404. The
/// test `node_parameters_are_checked_one_way` walks this list as a street and a station
/// user; an endpoint that takes a node belongs here.
pub const NODE_SCOPED: &[&str] = &[
    "/api/v1/appeals?org_unit={node}",
    "/api/v1/people?org_unit={node}",
    "/api/v1/teams?org_unit={node}",
    "/api/v1/metrics?org_unit={node}",
    "/api/v1/reports/monthly?org_unit={node}",
    "/api/v1/reports/overdue?level=community&org_unit={node}",
    "/api/v1/visit-rules?org_unit={node}",
    "/api/v1/visits?org_unit={node}",
    "/api/v1/visits/due?org_unit={node}",
    "/api/v1/care/register?org_unit={node}",
    "/api/v1/care/coverage?org_unit={node}",
    "/api/v1/pairings?org_unit={node}",
    "/api/v1/fund?org_unit={node}",
    "/api/v1/fund?format=xlsx&org_unit={node}",
    "/api/v1/supermarket/items?org_unit={node}",
    "/api/v1/supermarket/statement?org_unit={node}",
    "/api/v1/service/posts?org_unit={node}",
    "/api/v1/service/registrations?org_unit={node}",
    "/api/v1/service/summary?org_unit={node}",
    "/api/v1/wishes?org_unit={node}",
    "/api/v1/board/items?org_unit={node}",
    "/appeals?org_unit={node}",
    "/appeals.xlsx?org_unit={node}",
    "/people.xlsx?org_unit={node}",
    "/stats?org_unit={node}",
    "/reports?org_unit={node}",
    "/fund?org_unit={node}",
    "/supermarket?org_unit={node}",
    "/service?org_unit={node}",
    "/service.xlsx?org_unit={node}",
    "/care?org_unit={node}",
    "/care/register.xlsx?org_unit={node}",
    "/care/visits.xlsx?org_unit={node}",
    "/board/items?org_unit={node}",
];

/// Every endpoint of the JSON API and the operations endpoints, each area's `router()`, with
/// the OpenAPI document they make from the handlers' `#[utoipa::path]` (served by
/// `ops::openapi`). An endpoint is declared once, where its handler is.
pub(crate) fn api() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa::OpenApi;
    utoipa_axum::router::OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .merge(auth::router())
        .merge(account::router())
        .merge(org::router())
        .merge(gazetteer::router())
        .merge(people::router())
        .merge(roster::router())
        .merge(appeals::router())
        .merge(suggest::router())
        .merge(problems::router())
        .merge(metrics::router())
        .merge(audit::router())
        .merge(reports::router())
        .merge(tracking::router())
        .merge(public::router())
        .merge(board::router())
        .merge(notifications::router())
        .merge(config::router())
        .merge(district::router())
        .merge(fund::router())
        .merge(supermarket::router())
        .merge(care::router())
        .merge(wishes::router())
        .merge(service::router())
        .merge(ops::router())
}

/// Every endpoint of the JSON API and the operations endpoints, with their middleware.
pub fn router(state: AppState) -> Router {
    ops::install_recorder();
    crate::auth::warm_up_in_background();
    let (api, _) = api().split_for_parts();
    let routes = Router::new()
        .merge(api)
        .merge(crate::ui::router())
        // Open311 GeoReport v2: another standard's API, documented by its spec
        // (docs/open311.md), not in the OpenAPI document.
        .nest("/open311/v2", open311::router())
        .fallback(|| async { Problem::not_found() })
        .method_not_allowed_fallback(|| async {
            Problem::for_status(StatusCode::METHOD_NOT_ALLOWED)
        })
        .with_state(state);

    let outer = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(make_span)
                .on_request(())
                .on_response(on_response)
                .on_body_chunk(())
                .on_eos(())
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(middleware::from_fn(hardening::security_headers))
        .layer(middleware::from_fn(ensure_problem))
        .layer(middleware::from_fn(record_metrics))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn(reject_large_bodies))
        .layer(middleware::from_fn(hardening::guard_cookie_writes))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    routes.layer(outer)
}

/// The span of one request: method, path (never the query: it can carry names or phone
/// numbers; a roster upload's token in the path is written `{token}`) and request id.
/// Nothing else about the request is logged.
fn make_span(req: &Request<Body>) -> Span {
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %req.method(),
        path = %hardening::loggable_path(req),
    )
}

fn on_response(res: &Response<Body>, latency: Duration, _span: &Span) {
    tracing::info!(
        status = res.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "request"
    );
}

/// Any error response without a problem body (axum's own 405, a layer's 413 or 408…)
/// becomes a problem+json with the same status. The web pages' HTML error pages stay HTML,
/// and Open311's errors in its spec's format.
async fn ensure_problem(req: Request, next: Next) -> Response<Body> {
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error())
        || res.extensions().get::<open311::SpecErrors>().is_some()
    {
        return res;
    }
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with(problem::CONTENT_TYPE));
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if is_problem || is_html {
        return res;
    }
    let mut out = Problem::for_status(status).into_response();
    // Keep the headers a client may need (Allow on 405, WWW-Authenticate, request id).
    for name in [header::ALLOW, header::WWW_AUTHENTICATE, header::SET_COOKIE] {
        if let Some(v) = res.headers().get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

/// A panic is a bug; the client still gets a problem+json 500.
fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    let msg = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(non-string panic)");
    tracing::error!(panic = %msg, "handler panicked");
    Problem::internal().into_response()
}

/// `http_requests_total` and `http_request_duration_seconds` by method, route template and
/// status.
async fn record_metrics(req: Request, next: Next) -> Response<Body> {
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = req.method().as_str().to_string();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    ::metrics::counter!("http_requests_total", &labels).increment(1);
    ::metrics::histogram!("http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    res
}

/// A body announced larger than its route's limit ([`crate::body_limit`]) is refused
/// before a byte of it is read.
async fn reject_large_bodies(req: Request, next: Next) -> Response<Body> {
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let limit = crate::body_limit(req.uri().path());
    if announced.is_some_and(|n| n > limit as u64) {
        let mut res = Problem::too_large_for(limit).into_response();
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return res;
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_a_problem_500() {
        let res = panic_response(Box::new("boom"));
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let ct = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        assert_eq!(ct, Some(problem::CONTENT_TYPE));
    }
}
