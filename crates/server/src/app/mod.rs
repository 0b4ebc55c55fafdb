//! The application layer: one function per use case, between the two web faces and the
//! store. `routes::<area>` (the JSON API) and `ui::<area>` (the pages) parse a request,
//! call the use case and render its answer; they check no rule and no scope.
//!
//! A use case takes `(&AppState, &Actor, Input)` and returns `Result<Output, AppError>`:
//! it checks the role's capability once, through [`require`], resolves what the request
//! names inside the actor's scope, and hands the command to the store, which decides it by
//! the rules in `suqiu_core` under its transaction's lock. It takes the `AppState` rather
//! than the bare store because the clock (tests set it) and the configuration lock live
//! there.
//!
//! Every area is in this shape: the aid fund ([`fund`]), appeals ([`appeals`]), care
//! ([`care`]: visits, teams, pairings), the love supermarket ([`supermarket`]),
//! micro-wishes ([`wishes`]), in-service members' service ([`service`]), the roster
//! import ([`roster`]) and Open311 ([`open311`]). A new area copies it.

use axum::http::{header, HeaderMap};
use chrono::{Datelike, NaiveDate};
use suqiu_core::access::{Actor, Capability};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::error::{FieldError, Msg, Reason, TO_BEFORE_FROM};
use suqiu_core::report::Month;
use suqiu_store::changes::{ChangeKind, ConfigChange};
use suqiu_store::StoreError;

use crate::problem::Problem;
use crate::state::AppState;

pub(crate) mod appeals;
pub(crate) mod board;
pub(crate) mod care;
pub(crate) mod fund;
pub(crate) mod gazetteer;
pub(crate) mod open311;
pub(crate) mod problems;
pub(crate) mod public;
pub(crate) mod roster;
pub(crate) mod service;
pub(crate) mod suggest;
pub(crate) mod supermarket;
pub(crate) mod wishes;

/// The month a page or report is asked for (`YYYY-MM`), by default this month in Shanghai
/// (the supermarket's statement, the monthly reports).
pub(crate) fn month(state: &AppState, text: Option<&str>) -> Result<Month, FieldError> {
    Month::given_or_containing(text, shanghai_date(state.now()))
}

/// From the first of `today`'s month to `today`: the default period.
pub(crate) fn this_month(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (today.with_day(1).unwrap_or(today), today)
}

/// A period of days (Shanghai), both included, from the dates given: by default this month
/// up to `today`; one that ends before it starts is a fault of `to` (in `errors`).
pub(crate) fn period(
    (from, to): (Option<NaiveDate>, Option<NaiveDate>),
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> (NaiveDate, NaiveDate) {
    let (first, today) = this_month(today);
    let (from, to) = (from.unwrap_or(first), to.unwrap_or(today));
    if to < from {
        errors.push(FieldError::new("to", &TO_BEFORE_FROM));
    }
    (from, to)
}

/// Saves a district setting and records who changed it to what on the /admin change log
/// (`kind` and its parameters, worded when read). The caller holds the configuration lock,
/// so the record follows the writes in their order.
pub(crate) async fn save_setting(
    state: &AppState,
    actor: &Actor,
    (key, value): (&str, &str),
    (kind, params): (ChangeKind, &[(&str, String)]),
) -> Result<(), StoreError> {
    state.store.put_setting(key, value).await?;
    record_change(state, actor, key, (kind, params)).await
}

/// Records on the /admin change log who changed `subject` how (`kind` and its parameters,
/// worded when read). The caller holds the configuration lock, so the record follows the
/// writes in their order.
pub(crate) async fn record_change(
    state: &AppState,
    actor: &Actor,
    subject: &str,
    (kind, params): (ChangeKind, &[(&str, String)]),
) -> Result<(), StoreError> {
    let by = (actor.user_id, actor.name.as_str());
    let change = ConfigChange::new(state.now(), by, subject, kind, params);
    state.store.record_config_change(change).await
}

/// The address the request was made to, for when no public address is set: the `Host`
/// header if it looks like one (letters, digits, `.`, `-`, `:`, brackets), else the default
/// listening address.
fn request_base(secure: bool, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("127.0.0.1:8080");
    let scheme = if secure { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// The address residents and other systems reach Suqiu at: the one the district set
/// (`/admin/station`), or else the one this request came to (the receipt's tracking page,
/// Open311's discovery document).
pub(crate) async fn public_base(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<String, StoreError> {
    Ok(match state.store.public_base_url().await? {
        Some(url) if !url.is_empty() => url,
        _ => request_base(state.secure_cookies, headers),
    })
}

/// Why a use case did not happen. The API answers it as problem+json (`Problem::from`);
/// the pages show a correctable one on the form again, the rest as a status page.
#[derive(Debug)]
pub(crate) enum AppError {
    /// The role may not do this (403).
    Forbidden(Reason),
    /// Unknown, or outside the actor's scope: never told apart (404).
    NotFound,
    /// Fields to fix, every one at once (422).
    Invalid(Vec<FieldError>),
    /// The request is well formed but cannot be done as things stand (409, no field).
    Conflict(Reason),
    /// The store refused (the rules' 403/409/422) or failed (503, 500).
    Store(StoreError),
    /// A fault already logged; the user learns only that it failed (500).
    Internal,
    /// A refusal from a helper that answers in HTTP terms already (the node scope).
    Problem(Problem),
}

pub(crate) type AppResult<T> = Result<T, AppError>;

/// The one capability check: the actor's role may `cap`, or 403 saying what it may not do
/// (`what`: one of `suqiu_core::access::deed`).
pub(crate) fn require(actor: &Actor, cap: Capability, what: &Msg) -> AppResult<()> {
    if actor.may(cap) {
        Ok(())
    } else {
        Err(AppError::Forbidden(actor.may_not(what)))
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        AppError::Store(e)
    }
}

impl From<suqiu_core::error::Refusal> for AppError {
    /// A rule's refusal decided here rather than under the store's lock (the public board's):
    /// the same 422, 409 or 403 the store would give.
    fn from(r: suqiu_core::error::Refusal) -> AppError {
        AppError::Store(StoreError::from(r))
    }
}

impl From<suqiu_core::lifecycle::Refusal> for AppError {
    fn from(r: suqiu_core::lifecycle::Refusal) -> AppError {
        // A 409 of the lifecycle names the actions the status allows: the problem says them.
        AppError::Problem(Problem::from(r))
    }
}

impl From<Problem> for AppError {
    fn from(p: Problem) -> AppError {
        AppError::Problem(p)
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Problem {
        match e {
            AppError::Forbidden(message) => Problem::forbidden(message),
            AppError::NotFound => Problem::not_found(),
            AppError::Invalid(errors) => Problem::invalid(errors),
            AppError::Conflict(message) => Problem::conflict(message),
            AppError::Store(e) => Problem::from(e),
            AppError::Internal => Problem::internal(),
            AppError::Problem(p) => p,
        }
    }
}

impl From<AppError> for crate::ui::UiError {
    fn from(e: AppError) -> crate::ui::UiError {
        crate::ui::UiError::from(Problem::from(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_base_is_the_host_asked_for_if_it_looks_like_one() {
        let mut h = HeaderMap::new();
        assert_eq!(request_base(false, &h), "http://127.0.0.1:8080");
        h.insert(header::HOST, "desk.local:8080".parse().expect("host"));
        assert_eq!(request_base(true, &h), "https://desk.local:8080");
        h.insert(header::HOST, "evil\"x".parse().expect("host"));
        assert_eq!(request_base(false, &h), "http://127.0.0.1:8080");
    }
}
