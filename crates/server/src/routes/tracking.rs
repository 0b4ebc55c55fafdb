//! The appellant's lookup (查询办理进度): tracking code plus the last four digits of the phone
//! they left, no account. Wrong guesses lock the code for a while, so the four digits cannot
//! be tried through; a wrong code and wrong digits get the same answer.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use suqiu_core::lifecycle::AppellantAnswer;
use suqiu_core::tracking::PublicView;
use utoipa::ToSchema;

use crate::app::public::{answer as answer_follow_up, track as find_own, Refused};
use crate::dto::time;
use crate::extract::ApiJson;
use crate::problem::{ApiResult, Problem, Problems};
use crate::state::AppState;
use crate::throttle::ClientIp;

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
    /// The appeal's status code, or `invalid` when staff marked it as spam (无效): then
    /// `status_label` says 不予受理（无效信息） and nothing more will happen to it.
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
            status: if v.spam { "invalid" } else { v.status.code() }.to_string(),
            status_label: if v.spam {
                suqiu_core::tracking::SPAM_ZH
            } else {
                v.status.label_zh()
            }
            .to_string(),
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
    match find_own(&state, &body.tracking_code, &body.phone_last4, client).await? {
        Ok(view) => Ok(Json(TrackOut::from(&view)).into_response()),
        Err(refused) => Err(refusal(refused)),
    }
}

/// The problem for a lookup that found nothing to show.
fn refusal(refused: Refused) -> Problem {
    match refused {
        Refused::NoMatch => Problem::new(
            StatusCode::NOT_FOUND,
            "urn:suqiu:problem:not-found",
            "查不到",
            "查询码或手机号后四位不对（未留手机号的诉求请到受理站点查询）",
        ),
        Refused::Locked(locked) => locked.problem(&crate::throttle::LOOKUP),
    }
}

/// The appellant's own answer to the follow-up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerIn {
    pub tracking_code: String,
    pub phone_last4: String,
    /// `solved`, `partly` or `not_solved` (this asks the station to take it up again).
    pub solved: Option<String>,
    /// `satisfied`, `basically_satisfied` or `dissatisfied`.
    pub satisfaction: Option<String>,
    pub comment: Option<String>,
}

/// The appellant answers the follow-up themselves (群众评价) once the appeal is resolved: it
/// counts in the measures exactly as the station's phone follow-up would, and closes the
/// appeal (once). 409 unless resolved; 404 and 429 as for the lookup.
#[utoipa::path(post, path = "/api/v1/track/answer", tag = "appeals",
    request_body = AnswerIn,
    responses(
        (status = 200, body = TrackOut),
        Problems::<404, 409, 422>,
        (status = 429, description = "Too many wrong tries for this code or from this address (`Retry-After`, seconds)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn answer(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<AnswerIn>,
) -> ApiResult<Response> {
    let given = AppellantAnswer::from_codes(
        body.solved.as_deref(),
        body.satisfaction.as_deref(),
        body.comment,
    )
    .map_err(Problem::invalid)?;
    let code = &body.tracking_code;
    match answer_follow_up(&state, code, &body.phone_last4, client, given).await? {
        Ok(view) => Ok(Json(TrackOut::from(&view)).into_response()),
        Err(refused) => Err(refusal(refused)),
    }
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(track))
        .routes(routes!(answer))
}
