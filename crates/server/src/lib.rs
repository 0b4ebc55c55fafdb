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
//! - [`hash_password`], for the CLI's `suqiu user add`.
//!
//! Rules about appeals live in `suqiu-core`; what an actor may see is decided by the store's
//! actor-scoped methods. Handlers translate between HTTP and those two, nothing more.

pub mod auth;
mod care_xlsx;
pub mod dto;
pub mod jobs;
pub mod openapi;
pub mod problem;
mod report_xlsx;
pub mod routes;
pub mod state;
pub mod throttle;
pub mod ui;

mod extract;

pub use auth::{hash_password, verify_password, AuthActor};
pub use problem::Problem;
pub use routes::router;
pub use state::{AppState, Clock};

/// Largest request body accepted (1 MiB); larger bodies get a 413 problem.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How long a sign-in session lasts.
pub const SESSION_HOURS: i64 = 12;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "suqiu_session";
