//! Open311 GeoReport v2 at `/open311/v2/` (docs/open311.md): every resource in JSON and XML
//! (`services.json`, `requests/{id}.xml`, …), errors in the spec's own format — a list of
//! `{code, description}` with the spec's status codes (400 a parameter missing or wrong, 403
//! no valid `api_key`, 404 an unknown jurisdiction, service, request or token) — and never
//! as problem+json. The API of another standard, so it stays out of the OpenAPI document.
//!
//! Thin: a resource's name and format from its path, the parameters from the query string
//! (and a POST's form body), the use case (`app::open311`), its answer as a document.

mod answer;
mod doc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use suqiu_core::error::{FieldError, Msg, Reason};
use suqiu_core::msg;
use suqiu_core::open311::{PostedRequest, Refusal};
use suqiu_core::validate::check_storable;

use crate::app::open311::{self as app, Failure, RequestsFilter};
use crate::state::AppState;
use doc::{Doc, Format, Node};

/// Largest form a client posts: a description of 10,000 Chinese characters is 90 KB
/// form-encoded (each of its three UTF-8 bytes as `%XX`), the rest is small.
pub const MAX_POST_BYTES: usize = 256 * 1024;

/// Marks a response whose error body is the spec's, not problem+json (see
/// `routes::ensure_problem`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpecErrors;

/// The resources, each in both formats; anything else under `/open311/v2/` is the spec's 404.
pub(crate) fn router() -> Router<AppState> {
    let mut r = Router::new();
    for ext in ["json", "xml"] {
        r = r
            .route(&format!("/discovery.{ext}"), get(discovery))
            .route(&format!("/services.{ext}"), get(services))
            .route(
                &format!("/requests.{ext}"),
                get(list)
                    .post(post)
                    .layer(DefaultBodyLimit::max(MAX_POST_BYTES)),
            );
    }
    r.route("/services/{file}", get(definition))
        .route("/requests/{file}", get(one))
        .route("/tokens/{token}", get(token))
        .fallback(unknown)
}

/// The resource a path names: the last segment's name before its format.
struct Target {
    name: String,
    format: Format,
}

impl<S: Send + Sync> FromRequestParts<S> for Target {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let last = match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(file)) => file,
            Err(_) => parts
                .uri
                .path()
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string(),
        };
        match Format::split(&last) {
            Some((name, format)) => Ok(Target {
                name: name.to_string(),
                format,
            }),
            None => Err(not_found(Format::Json)),
        }
    }
}

/// The parameters of a request: its query string's, then a POST's form body's before them.
#[derive(Debug, Default)]
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(text: &str) -> Result<Params, FieldError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(text)
            .map_err(|_| FieldError::new("body", &BODY_NOT_FORM))?;
        for (k, v) in &pairs {
            check_storable(&crate::extract::shown(k), k)?;
            check_storable(&crate::extract::shown(k), v)?;
        }
        Ok(Params(pairs))
    }

    /// The first value of `key`, trimmed, if not blank (the spec's optional arguments: blank
    /// is the same as absent).
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }

    fn text(&self, key: &str) -> Option<String> {
        self.get(key).map(str::to_string)
    }

    /// Every value of `key`, each split at its commas (the spec's lists).
    fn list(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// `attribute[code]=value` (and a list's `attribute[code][]=value`) as (code, value).
    fn attributes(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter_map(|(k, v)| {
                let inner = k.strip_prefix("attribute[")?;
                let code = inner
                    .strip_suffix("][]")
                    .or_else(|| inner.strip_suffix(']'))?;
                Some((code.to_string(), v.clone()))
            })
            .collect()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        let format = Format::split(parts.uri.path().rsplit('/').next().unwrap_or(""))
            .map_or(Format::Json, |(_, f)| f);
        Params::parse(parts.uri.query().unwrap_or(""))
            .map_err(|e| refused(format, Refusal::Invalid(vec![e])))
    }
}

/// `GET discovery.{fmt}`: where the endpoint is, its formats, how to get a key.
async fn discovery(State(state): State<AppState>, target: Target, headers: HeaderMap) -> Response {
    let found = async {
        let base = crate::app::public_base(&state, &headers).await?;
        let changeset = app::changeset(&state).await?;
        Ok::<_, Failure>(answer::discovery(&base, changeset))
    };
    respond(target.format, found.await)
}

/// `GET services.{fmt}`.
async fn services(State(state): State<AppState>, target: Target, q: Params) -> Response {
    let found = app::service_list(&state, q.get("jurisdiction_id")).await;
    respond(target.format, found.map(|s| answer::services(&s)))
}

/// `GET services/{code}.{fmt}`.
async fn definition(State(state): State<AppState>, target: Target, q: Params) -> Response {
    let found = app::definition(&state, q.get("jurisdiction_id"), &target.name).await;
    respond(
        target.format,
        found.map(|(code, attrs)| answer::definition(&code, &attrs)),
    )
}

/// `GET requests.{fmt}`.
async fn list(State(state): State<AppState>, target: Target, q: Params) -> Response {
    let filter = RequestsFilter {
        ids: q.list("service_request_id"),
        service_codes: q.list("service_code"),
        start_date: q.text("start_date"),
        end_date: q.text("end_date"),
        statuses: q.list("status"),
    };
    let found = app::requests(&state, q.get("jurisdiction_id"), filter).await;
    respond(target.format, found.map(|r| answer::requests(&r)))
}

/// `GET requests/{id}.{fmt}`: a list of one, as the spec has it.
async fn one(State(state): State<AppState>, target: Target, q: Params) -> Response {
    let found = app::request(&state, q.get("jurisdiction_id"), &target.name).await;
    respond(
        target.format,
        found.map(|r| answer::requests(std::slice::from_ref(&r))),
    )
}

/// `GET tokens/{token}.{fmt}`.
async fn token(State(state): State<AppState>, target: Target, q: Params) -> Response {
    let found = app::token(&state, q.get("jurisdiction_id"), &target.name).await;
    respond(
        target.format,
        found.map(|id| answer::token(&id, &target.name)),
    )
}

/// `POST requests.{fmt}`: a form (`application/x-www-form-urlencoded`) with the `api_key`
/// in it or in the query string.
async fn post(
    State(state): State<AppState>,
    target: Target,
    query: Params,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let format = target.format;
    let form = match form(&headers, body) {
        Ok(form) => form,
        Err(fault) => return fault.respond(format),
    };
    // The body's value first, then the query string's.
    let p = Params(form.0.into_iter().chain(query.0).collect());
    let posted = PostedRequest {
        service_code: p.text("service_code"),
        lat: p.text("lat"),
        long: p.text("long"),
        address_string: p.text("address_string"),
        email: p.text("email"),
        first_name: p.text("first_name"),
        last_name: p.text("last_name"),
        phone: p.text("phone"),
        description: p.text("description"),
        media_url: p.text("media_url"),
        attributes: p.attributes(),
    };
    let stored =
        app::post_request(&state, p.get("api_key"), p.get("jurisdiction_id"), &posted).await;
    respond(format, stored.map(|id| answer::posted(&id)))
}

/// What is wrong with a POST's body.
enum BodyFault {
    /// Not a UTF-8 form, or a field no text may hold (400).
    Refused(Refusal),
    /// Over [`MAX_POST_BYTES`] (413).
    TooLarge,
}

impl BodyFault {
    fn not_form() -> BodyFault {
        BodyFault::Refused(Refusal::Invalid(vec![FieldError::new(
            "body",
            &BODY_NOT_FORM,
        )]))
    }

    fn respond(self, format: Format) -> Response {
        match self {
            BodyFault::Refused(r) => refused(format, r),
            BodyFault::TooLarge => {
                let said = Reason::new(&BODY_TOO_LARGE).with("kb", MAX_POST_BYTES / 1024);
                spec_errors(format, StatusCode::PAYLOAD_TOO_LARGE, &[said.zh])
            }
        }
    }
}

/// A POST's form: its content type form-encoded (or not given), within [`MAX_POST_BYTES`].
fn form(headers: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Params, BodyFault> {
    let essence = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| ct.split(';').next())
        .map(|e| e.trim().to_ascii_lowercase());
    if essence.is_some_and(|e| e != "application/x-www-form-urlencoded") {
        return Err(BodyFault::not_form());
    }
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Err(BodyFault::TooLarge);
        }
        Err(_) => return Err(BodyFault::not_form()),
    };
    let text = std::str::from_utf8(&bytes).map_err(|_| BodyFault::not_form())?;
    Params::parse(text).map_err(|e| BodyFault::Refused(Refusal::Invalid(vec![e])))
}

const BODY_NOT_FORM: Msg = msg!(
    "body_not_form",
    "请求体应为 UTF-8 表单（application/x-www-form-urlencoded）",
    "The body is a UTF-8 form (application/x-www-form-urlencoded)",
);
const BODY_TOO_LARGE: Msg = msg!(
    "body_too_large",
    "请求体过大：最多 {kb} KB",
    "The body is too large: at most {kb} KB",
);

/// Any other path under `/open311/v2/`: the spec's 404, in the format its name asks for.
async fn unknown(uri: axum::http::Uri) -> Response {
    let format =
        Format::split(uri.path().rsplit('/').next().unwrap_or("")).map_or(Format::Json, |(_, f)| f);
    not_found(format)
}

fn not_found(format: Format) -> Response {
    spec_errors(
        format,
        StatusCode::NOT_FOUND,
        &["没有这个资源：请见 discovery.json 与 services.json".to_string()],
    )
}

/// A use case's answer: its document (200: a new request too, as the spec's examples and
/// its clients have it), or its refusal or failure as the spec's errors.
fn respond(format: Format, found: Result<Doc, Failure>) -> Response {
    match found {
        Ok(doc) => doc.respond(format, StatusCode::OK),
        Err(Failure::Refused(r)) => refused(format, r),
        Err(Failure::App(e)) => {
            let problem = crate::problem::Problem::from(e);
            // The spec's statuses: 403 and 404 as they are, any other refusal 400; a
            // failure of the server keeps its own (500, 503).
            let status = match problem.status {
                403 | 404 => problem.status(),
                s if s < 500 => StatusCode::BAD_REQUEST,
                _ => problem.status(),
            };
            let mut said: Vec<String> = problem
                .errors
                .iter()
                .map(|e| format!("{}：{}", e.field, e.message))
                .collect();
            if said.is_empty() {
                said.push(problem.detail.clone());
            }
            spec_errors(format, status, &said)
        }
    }
}

/// A refusal by the spec's rules as its errors: every fault of a 400 by its parameter.
fn refused(format: Format, refusal: Refusal) -> Response {
    match refusal {
        Refusal::Invalid(errors) => {
            let said: Vec<String> = errors
                .iter()
                .map(|e| format!("{}：{}", e.field, e.message))
                .collect();
            spec_errors(format, StatusCode::BAD_REQUEST, &said)
        }
        Refusal::Forbidden(r) => spec_errors(format, StatusCode::FORBIDDEN, &[r.zh]),
        Refusal::NotFound(r) => spec_errors(format, StatusCode::NOT_FOUND, &[r.zh]),
        Refusal::TooMany(t) => {
            let mut res = spec_errors(format, StatusCode::TOO_MANY_REQUESTS, &[t.reason.zh]);
            res.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(t.retry_after),
            );
            res
        }
    }
}

/// The spec's error list: each `{code, description}`, the code the HTTP status.
fn spec_errors(format: Format, status: StatusCode, descriptions: &[String]) -> Response {
    let errors = descriptions
        .iter()
        .map(|d| {
            Node::Record(vec![
                ("code", Node::Int(i64::from(status.as_u16()))),
                ("description", Node::text(d.clone())),
            ])
        })
        .collect();
    let mut res = Doc::new("errors", Node::List("error", errors)).respond(format, status);
    res.extensions_mut().insert(SpecErrors);
    res
}
