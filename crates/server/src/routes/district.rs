//! District settings of supervision: the deadline watch's rules, the outbound channels and
//! the score weights. Read by anyone signed in (the secret masked), changed by district
//! administrators, in effect from the next watch run, delivery run or ranking.

use axum::extract::State;
use axum::Json;
use suqiu_core::measures::ScoreWeights;
use suqiu_core::outbound::OutboundConfig;
use suqiu_core::watch::WatchRules;
use suqiu_store::settings;

use crate::auth::AuthActor;
use crate::extract::ApiJson;
use crate::jobs;
use crate::problem::{ApiResult, Problem, Problems};
use crate::routes::config::require_configure;
use crate::state::{write, AppState};

/// Shown instead of the webhook's secret.
const MASK: &str = "********";

/// The deadline watch's rules: `{"remind_within_hours","escalate_after_working_days"}`.
#[utoipa::path(get, path = "/api/v1/watch-rules", tag = "configuration",
    responses((status = 200, body = Object)))]
pub async fn get_watch_rules(
    State(state): State<AppState>,
    _actor: AuthActor,
) -> ApiResult<Json<WatchRules>> {
    Ok(Json(jobs::watch::rules(&state).await?))
}

/// Replaces the watch's rules (district administrators).
#[utoipa::path(put, path = "/api/v1/watch-rules", tag = "configuration",
    request_body(content = Object, description = "`{\"remind_within_hours\":12,\"escalate_after_working_days\":2}`"),
    responses(
        (status = 200, body = Object),
        Problems::<403, 422>,
    ))]
pub async fn put_watch_rules(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(rules): ApiJson<WatchRules>,
) -> ApiResult<Json<WatchRules>> {
    require_configure(&actor)?;
    rules.validate().map_err(|e| Problem::invalid(vec![e]))?;
    let json = serde_json::to_string(&rules).map_err(|_| Problem::internal())?;
    state
        .store
        .put_setting(settings::WATCH_RULES, &json)
        .await?;
    Ok(Json(rules))
}

fn masked(mut cfg: OutboundConfig) -> OutboundConfig {
    if let Some(w) = cfg.webhook.as_mut() {
        w.secret = MASK.to_string();
    }
    cfg
}

/// The outbound channels (off when both are null); the webhook secret is masked.
#[utoipa::path(get, path = "/api/v1/outbound", tag = "configuration",
    responses((status = 200, body = Object), Problems::<403>))]
pub async fn get_outbound(
    State(state): State<AppState>,
    actor: AuthActor,
) -> ApiResult<Json<OutboundConfig>> {
    require_configure(&actor)?;
    Ok(Json(masked(jobs::outbound::config(&state).await?)))
}

/// Replaces the outbound channels (district administrators). A webhook secret of
/// `********` keeps the stored one.
#[utoipa::path(put, path = "/api/v1/outbound", tag = "configuration",
    request_body(content = Object, description = "`{\"email\":{\"host\",\"port\",\"from\",\"to\":[…]}|null,\"webhook\":{\"url\",\"secret\",\"ca_cert?\"}|null}`"),
    responses(
        (status = 200, body = Object),
        Problems::<403, 422>,
    ))]
pub async fn put_outbound(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(mut cfg): ApiJson<OutboundConfig>,
) -> ApiResult<Json<OutboundConfig>> {
    require_configure(&actor)?;
    let _guard = state.config_lock.lock().await;
    if let Some(w) = cfg.webhook.as_mut().filter(|w| w.secret == MASK) {
        let stored = jobs::outbound::config(&state).await?;
        match stored.webhook {
            Some(old) => w.secret = old.secret,
            None => {
                return Err(Problem::field(
                    "webhook.secret",
                    &suqiu_core::msg!(
                        "webhook_secret_empty",
                        "请填写签名密钥",
                        "Enter the signing secret"
                    ),
                ));
            }
        }
    }
    cfg.validate().map_err(|e| Problem::invalid(vec![e]))?;
    let json = serde_json::to_string(&cfg).map_err(|_| Problem::internal())?;
    state.store.put_setting(settings::OUTBOUND, &json).await?;
    Ok(Json(masked(cfg)))
}

/// The score weights of the ranking and its minimum sample:
/// `{"response","resolution","satisfaction","min_sample"}`.
#[utoipa::path(get, path = "/api/v1/score-weights", tag = "configuration",
    responses((status = 200, body = Object)))]
pub async fn get_score_weights(
    State(state): State<AppState>,
    _actor: AuthActor,
) -> ApiResult<Json<ScoreWeights>> {
    Ok(Json(state.weights()))
}

/// Replaces the score weights (district administrators); only their proportions matter.
/// `min_sample` (default 5 when omitted) is the smallest sample a unit is ranked on.
#[utoipa::path(put, path = "/api/v1/score-weights", tag = "configuration",
    request_body(content = Object, description = "`{\"response\":30,\"resolution\":35,\"satisfaction\":35,\"min_sample\":5}`"),
    responses(
        (status = 200, body = Object),
        Problems::<403, 422>,
    ))]
pub async fn put_score_weights(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(weights): ApiJson<ScoreWeights>,
) -> ApiResult<Json<ScoreWeights>> {
    save_score_weights(&state, &actor, weights).await.map(Json)
}

/// Checks and stores the score weights, in effect for the next ranking (the API's and the
/// scoring page's one way to change them).
pub(crate) async fn save_score_weights(
    state: &AppState,
    actor: &suqiu_core::access::Actor,
    weights: ScoreWeights,
) -> ApiResult<ScoreWeights> {
    require_configure(actor)?;
    weights.validate().map_err(|e| Problem::invalid(vec![e]))?;
    let json = serde_json::to_string(&weights).map_err(|_| Problem::internal())?;
    let _guard = state.config_lock.lock().await;
    state
        .store
        .put_setting(settings::SCORE_WEIGHTS, &json)
        .await?;
    *write(&state.weights) = weights;
    Ok(weights)
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(get_watch_rules, put_watch_rules))
        .routes(routes!(get_outbound, put_outbound))
        .routes(routes!(get_score_weights, put_score_weights))
}
