//! # suqiu-server
//!
//! The JSON API of Suqiu over axum: sign-in sessions, the actor of every request, scoped
//! reads and the lifecycle's actions through the store, problem+json errors, and the
//! operations endpoints (`/healthz`, `/metrics`, `/api/openapi.json`); and the web
//! application ([`ui`]): server-rendered pages that share the API's handler functions.
//!
//! The crate's public surface is small:
//! - [`AppState`] (store, calendar, time limits, score weights, [`Clock`], `secure_cookies`) and
//!   [`AppState::load`], which reads the district configuration from the store;
//! - [`router`], every endpoint and page with its middleware (limits, tracing, request ids,
//!   metrics);
//! - [`hash_password`], for the CLI's `suqiu user add`; [`add_open311_key`] and
//!   [`revoke_open311_key`], for `suqiu open311 key …`.
//!
//! Rules about appeals live in `suqiu-core`; what an actor may see is decided by the store's
//! actor-scoped methods. Handlers translate between HTTP and those two, nothing more.

mod app;
pub mod auth;
mod care_xlsx;
pub mod dto;
pub mod jobs;
pub mod openapi;
mod photos;
pub mod problem;
mod read_audit;
mod report_xlsx;
mod roster_xlsx;
pub mod routes;
mod scope;
pub mod state;
mod submissions;
pub mod throttle;
pub mod ui;
mod upload;
mod xlsx;

mod extract;

pub use app::open311::keys::{add_key as add_open311_key, revoke_key_named as revoke_open311_key};
pub use auth::{hash_password, verify_password, AuthActor};
pub use problem::Problem;
pub use routes::router;
pub use state::{AppState, Clock};

/// Largest request body accepted (1 MiB); larger bodies get a 413 problem.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Largest roster file an import takes (5 MB: a 5,000-row roster is a few hundred KB).
pub const MAX_ROSTER_BYTES: usize = 5 * 1024 * 1024;

/// Largest body of a roster upload: the file plus a multipart form's framing. A file
/// between the two limits is refused with a message about the file, not the request.
pub const MAX_UPLOAD_BODY_BYTES: usize = 6 * 1024 * 1024;

/// Largest body of a public appeal with photos (`/p/new`, `POST /api/v1/public/appeals`):
/// three photos of 8 MB (`suqiu_core::photo`) and the form's fields, with a multipart
/// form's framing.
pub const MAX_PUBLIC_BODY_BYTES: usize =
    suqiu_core::photo::MAX_PHOTOS * suqiu_core::photo::MAX_BYTES + 2 * 1024 * 1024;

/// The body limit of a request to `path`: uploads of rosters and public appeals with photos
/// may be larger than the rest.
pub(crate) fn body_limit(path: &str) -> usize {
    match path {
        "/api/v1/people/import" | "/people/import" => MAX_UPLOAD_BODY_BYTES,
        "/api/v1/public/appeals" | "/p/new" => MAX_PUBLIC_BODY_BYTES,
        _ => MAX_BODY_BYTES,
    }
}

/// How long a sign-in session lasts.
pub const SESSION_HOURS: i64 = 12;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "suqiu_session";
