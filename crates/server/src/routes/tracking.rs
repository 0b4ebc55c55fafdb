//! The appellant's lookup (查询办理进度): tracking code plus the last four digits of the phone
//! they left, no account. Wrong guesses lock the code for a while, so the four digits cannot
//! be tried through; a wrong code and wrong digits get the same answer.

use std::net::IpAddr;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use suqiu_core::tracking::{may_track, PublicView};
use utoipa::ToSchema;

use crate::dto::time;
use crate::extract::ApiJson;
use crate::problem::{ApiResult, Problem, Problems};
use crate::state::AppState;
use crate::throttle::{ClientIp, Locked};

/// Longest tracking code looked up at all.
const MAX_CODE: usize = 40;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackIn {
    pub tracking_code: String,
    /// The last four digits of the phone left at intake.
    pub phone_last4: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrackStepOut {
    pub at: String,
    pub what: String,
}

/// Where an appeal stands, for its appellant.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackOut {
    pub tracking_code: String,
    pub status: String,
    pub status_label: String,
    pub received_at: String,
    /// The deadline running now, while open.
    pub deadline: Option<String>,
    /// Oldest first, in plain words; no notes or names.
    pub steps: Vec<TrackStepOut>,
}

impl From<&PublicView> for TrackOut {
    fn from(v: &PublicView) -> TrackOut {
        TrackOut {
            tracking_code: v.tracking_code.clone(),
            status: v.status.code().to_string(),
            status_label: v.status.label_zh().to_string(),
            received_at: time(v.received_at),
            deadline: v.deadline.map(time),
            steps: v
                .steps
                .iter()
                .map(|(at, what)| TrackStepOut {
                    at: time(*at),
                    what: (*what).to_string(),
                })
                .collect(),
        }
    }
}

/// Why a lookup found nothing to show.
pub(crate) enum Refused {
    /// Wrong code or wrong digits (told apart to nobody).
    NoMatch,
    /// Too many wrong tries for this code, or from this address.
    Locked(Locked),
}

/// The lookup both faces share: the view, or why not. Counts a failure against the code.
pub(crate) async fn look_up(
    state: &AppState,
    code: &str,
    digits: &str,
    client: Option<IpAddr>,
) -> ApiResult<Result<PublicView, Refused>> {
    let code = code.trim().to_ascii_uppercase();
    let now = state.now();
    let throttle = &state.track_throttle;
    if let Some(locked) = throttle.locked(&state.store, &code, client, now).await? {
        return Ok(Err(Refused::Locked(locked)));
    }
    let found = if code.is_empty() || code.len() > MAX_CODE {
        None
    } else {
        state.store.appeal_for_appellant(&code).await?
    };
    match found {
        Some((record, events)) if may_track(record.appellant_phone.as_deref(), digits) => {
            throttle.succeeded(&state.store, &code).await?;
            Ok(Ok(PublicView::new(
                &record.appeal,
                events.iter().map(|e| (e.at, &e.body)),
            )))
        }
        _ => {
            throttle.failed(&state.store, &code, client, now).await?;
            Ok(Err(Refused::NoMatch))
        }
    }
}

/// Looks an appeal up for its appellant. 404 for a wrong code or wrong digits alike (and for
/// an appeal without a phone: ask the station); 429 after five wrong tries on one code, or
/// 100 wrong tries from one client address on any codes.
#[utoipa::path(post, path = "/api/v1/track", tag = "appeals",
    request_body = TrackIn,
    responses(
        (status = 200, body = TrackOut),
        Problems::<404>,
        (status = 429, description = "Too many wrong tries for this code or from this address (`Retry-After`, seconds)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn track(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<TrackIn>,
) -> ApiResult<Response> {
    match look_up(&state, &body.tracking_code, &body.phone_last4, client).await? {
        Ok(view) => Ok(Json(TrackOut::from(&view)).into_response()),
        Err(Refused::NoMatch) => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "urn:suqiu:problem:not-found",
            "查不到",
            "查询码或手机号后四位不对（未留手机号的诉求请到受理站点查询）",
        )),
        Err(Refused::Locked(locked)) => Err(locked.problem(&crate::throttle::LOOKUP)),
    }
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new().routes(routes!(track))
}
