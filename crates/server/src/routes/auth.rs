//! Sign in, who am I, sign out.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};
use suqiu_core::access::{ActionKind, Capability};
use utoipa::ToSchema;

use std::net::IpAddr;

use suqiu_store::users::User;

use crate::auth::{clear_cookie, new_token, request_token, session_cookie, token_hash, AuthActor};
use crate::dto::time;
use crate::extract::ApiJson;
use crate::problem::{ApiResult, Problem, Problems};
use crate::routes::org::UserOut;
use crate::state::AppState;
use crate::throttle::ClientIp;
use crate::SESSION_HOURS;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginIn {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    /// The bearer token (also set as the `suqiu_session` cookie).
    pub token: String,
    pub user: UserOut,
    pub expires_at: String,
}

/// Who is signed in, and what the role may do (for the UI).
#[derive(Debug, Serialize, ToSchema)]
pub struct WhoAmI {
    pub user: UserOut,
    pub org_unit_name: Option<String>,
    /// `intake`, `manage_people`, `manage_users`, `see_personal_data`, `read_metrics`,
    /// `configure`.
    pub capabilities: Vec<String>,
    /// The lifecycle actions the role may take somewhere (the relation is checked per appeal).
    pub actions: Vec<String>,
    /// Unread notices, for the header's badge.
    pub unread_notifications: i64,
}

/// Longest username looked up at all (longer ones cannot exist).
const MAX_USERNAME: usize = 64;

fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// Checks a username and password for the API and the sign-in page alike: the locks
/// first (per username, per client address: 429 with `Retry-After`), then the password on
/// the bounded hashing pool (503 with `Retry-After` when it is saturated; an unknown
/// username costs the same dummy hash), a failure counted (401), a success forgetting the
/// username's failures.
pub(crate) async fn authenticate(
    state: &AppState,
    username: &str,
    password: String,
    client: Option<IpAddr>,
) -> ApiResult<User> {
    let username = username.trim();
    let now = state.now();
    let throttle = &state.login_throttle;
    if let Some(locked) = throttle.locked(&state.store, username, client, now).await? {
        return Err(locked.problem(&crate::throttle::SIGN_IN));
    }
    let found = if username.is_empty() || username.len() > MAX_USERNAME {
        None
    } else {
        state.store.user_for_login(username).await?
    };
    let (user, phc) = match found {
        Some((user, phc)) => (Some(user), Some(phc)),
        None => (None, None),
    };
    let verified = state.hashing.verify(password, phc).await?;
    match (verified, user) {
        (true, Some(user)) => {
            throttle.succeeded(&state.store, username).await?;
            Ok(user)
        }
        _ => {
            throttle.failed(&state.store, username, client, now).await?;
            Err(Problem::unauthorized("用户名或密码错误"))
        }
    }
}

/// Sign in with username and password.
///
/// Wrong username and wrong password get the same 401, and take the same time (the
/// password is checked against a dummy hash when the user is unknown). Five failures in a
/// row lock the username for 15 minutes, and 100 failures from one client address lock
/// that address for every username (429, `Retry-After`), here and on the sign-in page.
/// Password checks run a few at a time; beyond a short queue sign-in answers 503 with
/// `Retry-After` at once.
#[utoipa::path(post, path = "/api/v1/session", tag = "auth",
    request_body = LoginIn,
    responses(
        (status = 200, description = "Signed in; also sets the `suqiu_session` cookie", body = SessionOut),
        (status = 401, description = "Wrong username or password", body = Problem, content_type = "application/problem+json"),
        Problems::<422>,
        (status = 429, description = "Too many failures for this username or from this address: locked for a while (`Retry-After`, seconds)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many sign-ins at once (`Retry-After`, seconds)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<LoginIn>,
) -> ApiResult<Response> {
    let user = authenticate(&state, &body.username, body.password, client).await?;
    let token = new_token();
    let expires_at = state.now() + TimeDelta::hours(SESSION_HOURS);
    state
        .store
        .create_session(&token_hash(&token), user.id, expires_at)
        .await?;
    tracing::debug!(user_id = user.id, "signed in");
    let cookie = session_cookie(&token, state.secure_cookies);
    let out = SessionOut {
        token,
        user: UserOut::from(&user),
        expires_at: time(expires_at),
    };
    Ok(with_cookie(Json(out).into_response(), &cookie))
}

/// The signed-in user and what the role may do.
#[utoipa::path(get, path = "/api/v1/session", tag = "auth",
    responses(
        (status = 200, body = WhoAmI),
        Problems::<401>,
    ))]
pub async fn who_am_i(State(state): State<AppState>, actor: AuthActor) -> ApiResult<Json<WhoAmI>> {
    let user = state
        .store
        .user(actor.user_id)
        .await?
        .ok_or_else(Problem::not_signed_in)?;
    let org_unit_name = state
        .store
        .org_unit(user.org_unit_id)
        .await?
        .map(|u| u.name);
    let caps = [
        (Capability::Intake, "intake"),
        (Capability::ManagePeople, "manage_people"),
        (Capability::ManageUsers, "manage_users"),
        (Capability::SeePersonalData, "see_personal_data"),
        (Capability::ReadMetrics, "read_metrics"),
        (Capability::Configure, "configure"),
        (Capability::ManageCare, "manage_care"),
        (Capability::LogVisit, "log_visit"),
        (Capability::SeeCareDetails, "see_care_details"),
    ];
    Ok(Json(WhoAmI {
        user: UserOut::from(&user),
        org_unit_name,
        capabilities: caps
            .iter()
            .filter(|(c, _)| actor.may(*c))
            .map(|(_, n)| n.to_string())
            .collect(),
        actions: ActionKind::ALL
            .iter()
            .filter(|a| actor.may(Capability::Act(**a)))
            .map(|a| a.code().to_string())
            .collect(),
        unread_notifications: state.store.unread_notifications(actor.user_id).await?,
    }))
}

/// Sign out: the session is deleted and the cookie cleared.
#[utoipa::path(delete, path = "/api/v1/session", tag = "auth",
    responses(
        (status = 204, description = "Signed out"),
        Problems::<401>,
    ))]
pub async fn sign_out(
    State(state): State<AppState>,
    _actor: AuthActor,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let token = request_token(&headers).ok_or_else(Problem::not_signed_in)?;
    state.store.delete_session(&token_hash(&token)).await?;
    Ok(with_cookie(
        StatusCode::NO_CONTENT.into_response(),
        &clear_cookie(state.secure_cookies),
    ))
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new().routes(routes!(who_am_i, sign_in, sign_out))
}
