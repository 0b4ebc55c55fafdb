//! Operations: health, Prometheus metrics, the OpenAPI document.

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::problem::{Problem, Problems};
use crate::state::AppState;
use suqiu_core::error::Reason;

/// Latency buckets (seconds) of `http_request_duration_seconds`.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the Prometheus recorder once per process (routers are built many times in
/// tests). `None` when another recorder was installed first.
pub fn install_recorder() -> Option<&'static PrometheusHandle> {
    RECORDER
        .get_or_init(|| {
            let builder = PrometheusBuilder::new().set_buckets(BUCKETS).ok()?;
            match builder.install_recorder() {
                Ok(handle) => Some(handle),
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

/// How long `/healthz` waits for the database before it says it is not answering.
const HEALTH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// `200 ok` when the database answers a cheap query within [`HEALTH_TIMEOUT`] and the disk
/// is above its free-space floor; otherwise 503 with the reason.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "ok", body = String, content_type = "text/plain"),
              Problems::<503>))]
pub async fn healthz(State(state): State<AppState>) -> Response {
    let unavailable = |detail: String| {
        Problem::unavailable(Reason::untranslated("unhealthy", detail))
            .retry_after(crate::problem::STORAGE_RETRY_AFTER.into())
            .into_response()
    };
    match tokio::time::timeout(HEALTH_TIMEOUT, state.store.is_empty()).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => {
            tracing::error!(error = %e, "health check failed");
            return unavailable("数据库不可用".into());
        }
        Err(_) => {
            tracing::error!("health check: the database did not answer in time");
            return unavailable("数据库无响应".into());
        }
    }
    if let Some(disk) = state.store.disk_status().filter(|d| d.low) {
        return unavailable(format!(
            "服务器磁盘空间不足（剩余 {} MB，低于下限 {} MB），暂停保存",
            disk.free_bytes / MB,
            disk.floor_bytes / MB
        ));
    }
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok").into_response()
}

const MB: u64 = 1024 * 1024;

/// Prometheus text: `http_requests_total` and `http_request_duration_seconds` by method,
/// route template and status; on SQLite in a file also `suqiu_disk_free_bytes`,
/// `suqiu_disk_free_floor_bytes` and `suqiu_writes_refused_total` (writes refused below the
/// floor).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")))]
pub async fn prometheus(State(state): State<AppState>) -> Response {
    let body = match install_recorder() {
        Some(handle) => {
            if let Some(disk) = state.store.disk_status() {
                ::metrics::gauge!("suqiu_disk_free_bytes").set(disk.free_bytes as f64);
                ::metrics::gauge!("suqiu_disk_free_floor_bytes").set(disk.floor_bytes as f64);
                ::metrics::counter!("suqiu_writes_refused_total").absolute(disk.refused_writes);
            }
            handle.run_upkeep();
            handle.render()
        }
        None => String::new(),
    };
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    res
}

/// The OpenAPI 3.1 document of this API, generated from the code.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations",
    responses((status = 200, description = "OpenAPI 3.1", body = Object)))]
pub async fn openapi() -> Response {
    static DOC: OnceLock<String> = OnceLock::new();
    let doc = DOC.get_or_init(|| {
        super::api()
            .into_openapi()
            .to_json()
            .unwrap_or_else(|_| "{}".to_string())
    });
    let mut res = doc.clone().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(prometheus))
        .routes(routes!(openapi))
}
