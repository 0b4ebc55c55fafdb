//! Passwords and sessions: a user's own password change (every other session ends), an
//! administrator signing a user out everywhere, and the district's password setting. The
//! password rule itself is `suqiu_core::password`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use suqiu_core::access::{Actor, Capability, Role};
use suqiu_core::error::FieldError;
use suqiu_core::msg;
use suqiu_core::org::in_subtree;
use suqiu_core::password::PasswordPolicy;
use suqiu_core::Id;
use suqiu_store::changes::{ChangeKind, ConfigChange};
use suqiu_store::settings;
use utoipa::ToSchema;

use crate::app::require;
use crate::app::save_setting;
use crate::auth::{request_token, token_hash, AuthActor};
use crate::extract::ApiJson;
use crate::problem::{ApiResult, Problem, Problems};
use crate::routes::config::require_configure;
use crate::state::AppState;
use crate::throttle::ClientIp;
use suqiu_core::access::deed;
use suqiu_core::error::Reason;

/// A password change: the current password, and the new one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeIn {
    pub current_password: String,
    pub new_password: String,
}

/// The district's password setting.
#[derive(Debug, Deserialize, serde::Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordPolicyOut {
    /// Fewest characters a new password may have (8–64).
    pub min_length: usize,
}

/// Checks `password` as the new password of `username` against the district's rule; the
/// error names `field`. Account creation, the CLI and password changes all come here.
pub(crate) async fn check_new_password(
    state: &AppState,
    field: &str,
    password: &str,
    username: &str,
) -> ApiResult<()> {
    let policy = state.store.password_policy().await?;
    policy
        .check(field, password, username, state.demo_mode)
        .map_err(|e| Problem::invalid(vec![e]))
}

/// Changes the signed-in user's password (the API and the page share it): the current
/// password checked like a sign-in (wrong ones count against the username's lock), the new
/// one against the district's rule, then every other session of the user ends.
pub(crate) async fn change_own_password(
    state: &AppState,
    actor: &Actor,
    token: &str,
    body: PasswordChangeIn,
    client: Option<std::net::IpAddr>,
) -> ApiResult<()> {
    let user = state
        .store
        .user(actor.user_id)
        .await?
        .ok_or_else(Problem::not_signed_in)?;
    let now = state.now();
    let throttle = &state.login_throttle;
    let store = &state.store;
    if let Some(locked) = throttle.locked(store, &user.username, client, now).await? {
        return Err(locked.problem(&crate::throttle::SIGN_IN));
    }
    if body.new_password == body.current_password {
        return Err(Problem::invalid(vec![FieldError::new(
            "new_password",
            &msg!(
                "password_unchanged",
                "新密码不能与当前密码相同",
                "The new password cannot be the current one"
            ),
        )]));
    }
    check_new_password(state, "new_password", &body.new_password, &user.username).await?;
    let phc = store.user_for_login(&user.username).await?.map(|(_, p)| p);
    if !state.hashing.verify(body.current_password, phc).await? {
        throttle.failed(store, &user.username, client, now).await?;
        return Err(Problem::invalid(vec![FieldError::new(
            "current_password",
            &msg!(
                "current_password_wrong",
                "当前密码不对",
                "The current password is wrong"
            ),
        )]));
    }
    let hash = state.hashing.hash(body.new_password).await?;
    let ended = store
        .set_password(user.id, &hash, Some(&token_hash(token)))
        .await?;
    tracing::info!(
        user_id = user.id,
        sessions_ended = ended,
        "password changed"
    );
    Ok(())
}

/// Change your own password. Every other session of yours ends at once (this one stays).
/// A wrong current password counts as a failed sign-in.
#[utoipa::path(post, path = "/api/v1/session/password", tag = "auth",
    request_body = PasswordChangeIn,
    responses(
        (status = 204, description = "Changed; every other session ended"),
        Problems::<401, 429, 503>,
        (status = 422, description = "`current_password` wrong, or `new_password` against the rule", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    actor: AuthActor,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasswordChangeIn>,
) -> ApiResult<StatusCode> {
    let token = request_token(&headers).ok_or_else(Problem::not_signed_in)?;
    change_own_password(&state, &actor, &token, body, client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of user `id` (the API and the settings page share it): for roles
/// that manage users, within their subtree; only a district administrator signs out another
/// district administrator. Recorded among the configuration changes.
pub(crate) async fn sign_out_everywhere(state: &AppState, actor: &Actor, id: Id) -> ApiResult<u64> {
    require(actor, Capability::ManageUsers, &deed::SIGN_OUT_USERS)?;
    let user = state.store.user(id).await?.ok_or_else(Problem::not_found)?;
    let unit = state.store.org_unit(user.org_unit_id).await?;
    if !unit.is_some_and(|u| in_subtree(&actor.org_path, &u.path)) {
        return Err(Problem::not_found());
    }
    if user.role == Role::DistrictAdmin && actor.role != Role::DistrictAdmin {
        return Err(Problem::forbidden(Reason::new(&msg!(
            "district_admin_signs_out_admins",
            "只有区级管理员可以让区级管理员下线",
            "Only a district administrator can sign out a district administrator"
        ))));
    }
    let ended = state.store.delete_user_sessions(user.id).await?;
    let change = ConfigChange::new(
        state.now(),
        (actor.user_id, &actor.name),
        "users",
        ChangeKind::SessionsEnded,
        &[
            ("username", user.username.clone()),
            ("sessions", ended.to_string()),
        ],
    );
    let _guard = state.config_lock.lock().await;
    state.store.record_config_change(change).await?;
    Ok(ended)
}

/// Sign a user out everywhere: every session of the user ends at once on this server
/// (within seconds on others sharing the database). For district and street administrators,
/// within their subtree.
#[utoipa::path(post, path = "/api/v1/users/{id}/sign-out", tag = "organization",
    params(("id" = i64, Path, description = "user id")),
    responses(
        (status = 204, description = "Every session of the user ended"),
        Problems::<403>,
        (status = 404, description = "user unknown or outside the caller's subtree", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sign_out_user(
    State(state): State<AppState>,
    actor: AuthActor,
    Path(id): Path<Id>,
) -> ApiResult<StatusCode> {
    sign_out_everywhere(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The district's password setting (any signed-in user: forms show the minimum).
#[utoipa::path(get, path = "/api/v1/settings/password-policy", tag = "configuration",
    responses(
        (status = 200, body = PasswordPolicyOut),
        Problems::<401>,
    ))]
pub async fn get_password_policy(
    State(state): State<AppState>,
    _actor: AuthActor,
) -> ApiResult<Json<PasswordPolicyOut>> {
    let p = state.store.password_policy().await?;
    Ok(Json(PasswordPolicyOut {
        min_length: p.min_length,
    }))
}

/// Saves the district's password setting (district administrators; the API and the
/// settings page share it) and records the change. Applies to passwords set from now on.
pub(crate) async fn save_password_policy(
    state: &AppState,
    actor: &Actor,
    policy: PasswordPolicy,
) -> ApiResult<()> {
    require_configure(actor)?;
    policy.validate().map_err(|e| Problem::invalid(vec![e]))?;
    let json = serde_json::to_string(&policy).map_err(|_| Problem::internal())?;
    let _guard = state.config_lock.lock().await;
    let change = (
        ChangeKind::PasswordPolicy,
        &[("min_length", policy.min_length.to_string())][..],
    );
    save_setting(state, actor, (settings::PASSWORD_POLICY, &json), change).await?;
    Ok(())
}

/// Replaces the district's password setting (district administrators); for passwords set
/// from now on.
#[utoipa::path(put, path = "/api/v1/settings/password-policy", tag = "configuration",
    request_body = PasswordPolicyOut,
    responses(
        (status = 200, body = PasswordPolicyOut),
        Problems::<403, 422>,
    ))]
pub async fn put_password_policy(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<PasswordPolicyOut>,
) -> ApiResult<Json<PasswordPolicyOut>> {
    let policy = PasswordPolicy {
        min_length: body.min_length,
    };
    save_password_policy(&state, &actor, policy).await?;
    Ok(Json(body))
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(change_password))
        .routes(routes!(get_password_policy, put_password_policy))
        .routes(routes!(sign_out_user))
}
