//! The appellant's lookup (查询办理进度): tracking code plus the last four digits of the phone
//! they left, no account. Wrong guesses lock the code for a while, so the four digits cannot
//! be tried through; a wrong code and wrong digits get the same answer.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use suqiu_core::tracking::{may_track, PublicView};
use utoipa::ToSchema;

use crate::dto::time;
use crate::extract::ApiJson;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

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
    /// Too many wrong tries for this code: the minutes left.
    Locked(i64),
}

/// The lookup both faces share: the view, or why not. Counts a failure against the code.
pub(crate) async fn look_up(
    state: &AppState,
    code: &str,
    digits: &str,
) -> ApiResult<Result<PublicView, Refused>> {
    let code = code.trim().to_ascii_uppercase();
    let now = state.now();
    if let Some(left) = state.track_throttle.locked_for(&code, now) {
        return Ok(Err(Refused::Locked(left.num_minutes() + 1)));
    }
    let found = if code.is_empty() || code.len() > MAX_CODE {
        None
    } else {
        state.store.appeal_for_appellant(&code).await?
    };
    match found {
        Some((record, events)) if may_track(record.appellant_phone.as_deref(), digits) => {
            state.track_throttle.succeeded(&code);
            Ok(Ok(PublicView::new(
                &record.appeal,
                events.iter().map(|e| (e.at, &e.body)),
            )))
        }
        _ => {
            state.track_throttle.failed(&code, now);
            Ok(Err(Refused::NoMatch))
        }
    }
}

/// Looks an appeal up for its appellant. 404 for a wrong code or wrong digits alike (and for
/// an appeal without a phone: ask the station); 429 after five wrong tries on one code.
#[utoipa::path(post, path = "/api/v1/track", tag = "appeals",
    request_body = TrackIn,
    responses(
        (status = 200, body = TrackOut),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong tries for this code (`Retry-After`, seconds)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn track(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<TrackIn>,
) -> ApiResult<Response> {
    match look_up(&state, &body.tracking_code, &body.phone_last4).await? {
        Ok(view) => Ok(Json(TrackOut::from(&view)).into_response()),
        Err(Refused::NoMatch) => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "urn:suqiu:problem:not-found",
            "查不到",
            "查询码或手机号后四位不对（未留手机号的诉求请到受理站点查询）",
        )),
        Err(Refused::Locked(minutes)) => {
            let mut res = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "urn:suqiu:problem:too-many-attempts",
                "查询失败次数过多",
                format!("查询失败次数过多，请 {minutes} 分钟后再试"),
            )
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&(minutes * 60).to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(res)
        }
    }
}
