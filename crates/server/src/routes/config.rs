//! District configuration: the working-day calendar and the time limits.
//!
//! The calendar in use is the built-in one (the years compiled in) with the years an
//! administrator loaded laid over it; the store keeps only the loaded years (setting
//! `calendar`), so a later release's built-in years are not shadowed by an old copy.
//! Changes take effect at once for every deadline computed afterwards.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use suqiu_core::access::{Actor, Capability};
use suqiu_core::calendar::WorkCalendar;
use suqiu_core::error::FieldError;
use suqiu_core::msg;
use suqiu_core::policy::TimeLimitPolicy;
use suqiu_store::changes::ChangeKind;
use suqiu_store::settings;
use utoipa::ToSchema;

use crate::app::require;
use crate::app::save_setting;
use crate::auth::AuthActor;
use crate::extract::{check_syntax, ApiJson};
use crate::problem::{ApiResult, Problem, Problems};
use crate::state::{write, AppState};
use suqiu_core::access::deed;

/// The working-day calendar: the file (same schema as `data/calendar/*.json`) and a summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarOut {
    /// The years covered by official arrangements; other years count Monday–Friday.
    pub years: Vec<i32>,
    /// Years loaded by this request (PUT only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loaded: Option<Vec<i32>>,
    pub about: String,
    /// The whole calendar in the file schema: `{"about","years":{"2027":{"holidays":{…},"working_weekends":[…]}}}`.
    #[schema(value_type = Object)]
    pub calendar: Value,
}

pub(crate) fn require_configure(actor: &Actor) -> ApiResult<()> {
    Ok(require(actor, Capability::Configure, &deed::CONFIGURE)?)
}

fn calendar_out(cal: &WorkCalendar, loaded: Option<Vec<i32>>) -> CalendarOut {
    CalendarOut {
        years: cal.years(),
        loaded,
        about: cal.about().to_string(),
        calendar: serde_json::from_str(&cal.to_json()).unwrap_or(Value::Null),
    }
}

/// The working-day calendar in use, in the file schema of `data/calendar/*.json`.
#[utoipa::path(get, path = "/api/v1/calendar", tag = "configuration",
    responses((status = 200, body = CalendarOut), Problems::<401>))]
pub async fn get_calendar(
    State(state): State<AppState>,
    _actor: AuthActor,
) -> ApiResult<Json<CalendarOut>> {
    let out = calendar_out(&state.calendar(), None);
    Ok(Json(out))
}

/// Loads official holiday arrangements (district administrators): a JSON file in the schema
/// of `data/calendar/*.json`, e.g. the 2027 notice. Each year in the file replaces that year;
/// other years stay. Saved before the reply and in effect at once.
#[utoipa::path(put, path = "/api/v1/calendar", tag = "configuration",
    request_body(content = Object, description = "`{\"about\":\"…\",\"years\":{\"2027\":{\"holidays\":{\"元旦\":[\"2027-01-01\"]},\"working_weekends\":[…]}}}`"),
    responses(
        (status = 200, body = CalendarOut),
        Problems::<400, 403>,
        (status = 422, description = "not a valid calendar; the message says what to fix", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_calendar(
    State(state): State<AppState>,
    actor: AuthActor,
    body: Bytes,
) -> ApiResult<Json<CalendarOut>> {
    // The role first, as always: a caller who may not load calendars learns nothing more.
    require_configure(&actor)?;
    check_syntax(&body)?;
    let json = std::str::from_utf8(&body)
        .map_err(|_| Problem::bad_request("请求体应为 UTF-8 编码的 JSON"))?;
    let (live, loaded) = load_calendar(&state, &actor, json).await?;
    Ok(Json(calendar_out(&live, Some(loaded))))
}

/// Lays a calendar file over the stored years, saves it, puts it in effect and records who
/// did: shared by the JSON API and the settings page. Returns the calendar now in use and
/// the years the file held.
pub(crate) async fn load_calendar(
    state: &AppState,
    actor: &Actor,
    json: &str,
) -> ApiResult<(WorkCalendar, Vec<i32>)> {
    require_configure(actor)?;
    let invalid = |e: suqiu_core::calendar::CalendarError| {
        let msg = msg!(
            "calendar_invalid",
            "日历文件有误：{detail}",
            "The calendar file is wrong: {detail}"
        );
        Problem::invalid(vec![
            FieldError::new("calendar", &msg).with("detail", e.message())
        ])
    };
    // Check the file on its own first, so nothing is saved when it has an error.
    WorkCalendar::from_json(json).map_err(invalid)?;

    let _guard = state.config_lock.lock().await;
    let mut overlay = WorkCalendar::weekdays_only();
    if let Some(stored) = state.store.setting(settings::CALENDAR).await? {
        overlay.merge_json(&stored).map_err(|e| {
            tracing::error!(error = %e, "stored calendar overlay does not parse");
            Problem::internal()
        })?;
    }
    let loaded = overlay.merge_json(json).map_err(invalid)?;
    let years = loaded
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let mut live = WorkCalendar::builtin();
    live.merge_json(&overlay.to_json()).map_err(invalid)?;
    let change = (ChangeKind::CalendarLoaded, &[("years", years)][..]);
    save_setting(
        state,
        actor,
        (settings::CALENDAR, &overlay.to_json()),
        change,
    )
    .await?;
    *write(&state.calendar) = live.clone();
    tracing::debug!(user_id = actor.user_id, "calendar updated");
    Ok((live, loaded))
}

/// The time limits in use: `{"urgent", "by_kind", "overrides"}`.
#[utoipa::path(get, path = "/api/v1/time-limits", tag = "configuration",
    responses((status = 200, description = "`{\"urgent\":{\"respond\":{\"clock_hours\":2},\"resolve\":{\"clock_hours\":24}},\"by_kind\":{…},\"overrides\":[…]}`", body = Object)))]
pub async fn get_time_limits(
    State(state): State<AppState>,
    _actor: AuthActor,
) -> ApiResult<Json<TimeLimitPolicy>> {
    let policy = state.policy().clone();
    Ok(Json(policy))
}

/// Replaces the time limits (district administrators); validated, saved, in effect at once
/// for appeals registered (and deadlines computed) afterwards.
#[utoipa::path(put, path = "/api/v1/time-limits", tag = "configuration",
    request_body(content = Object, description = "the same shape GET returns"),
    responses(
        (status = 200, body = Object),
        Problems::<403, 422>,
    ))]
pub async fn put_time_limits(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(policy): ApiJson<TimeLimitPolicy>,
) -> ApiResult<(StatusCode, Json<TimeLimitPolicy>)> {
    save_time_limits(&state, &actor, policy.clone()).await?;
    Ok((StatusCode::OK, Json(policy)))
}

/// Validates, saves and applies new time limits, and records who changed them: shared by
/// the JSON API and the settings page.
pub(crate) async fn save_time_limits(
    state: &AppState,
    actor: &Actor,
    policy: TimeLimitPolicy,
) -> ApiResult<()> {
    require_configure(actor)?;
    policy.validate().map_err(|e| {
        let msg = msg!(
            "time_limits_invalid",
            "时限配置有误：{detail}",
            "The time limits are wrong: {detail}"
        );
        let error = FieldError::new("time_limits", &msg).with("detail", e.message());
        Problem::invalid(vec![error])
    })?;
    let json = serde_json::to_string(&policy).map_err(|_| Problem::internal())?;
    let _guard = state.config_lock.lock().await;
    let change = (ChangeKind::TimeLimits, &[("json", json.clone())][..]);
    save_setting(state, actor, (settings::TIME_LIMITS, &json), change).await?;
    *write(&state.policy) = policy;
    tracing::debug!(user_id = actor.user_id, "time limits updated");
    Ok(())
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(get_calendar, put_calendar))
        .routes(routes!(get_time_limits, put_time_limits))
}
