//! Suggestions at intake over the API (issue 16 §1): the categories and usual handler for a
//! text being typed (`POST /api/v1/appeals/suggest`), and for the district the classifier's
//! state and its retrain on demand (`GET /api/v1/suggestions`,
//! `POST /api/v1/suggestions/retrain`). The use cases are `app::suggest`'s.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use suqiu_core::Id;
use utoipa::ToSchema;

use crate::app::suggest::{self, Suggestion, Typed};
use crate::auth::AuthActor;
use crate::extract::ApiJson;
use crate::problem::{ApiResult, Problems};
use crate::state::AppState;

/// What the receptionist has typed so far, and the node the appeal concerns.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestIn {
    #[serde(default)]
    pub title: Option<String>,
    pub content: String,
    #[serde(default)]
    pub location: Option<String>,
    pub org_unit_id: Id,
}

/// A suggested category: its taxonomy code, its Chinese name, the model's probability.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestedOut {
    pub code: String,
    pub name: String,
    pub score: f32,
}

/// Who usually resolves appeals of the first category at this place, and in what share.
#[derive(Debug, Serialize, ToSchema)]
pub struct HandlerOut {
    /// `department|unit`
    pub kind: &'static str,
    pub id: Id,
    pub name: String,
    pub share: f64,
}

/// The suggestions: none, with the reason, until the district has history enough.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestOut {
    pub ready: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// At most three, best first.
    pub categories: Vec<SuggestedOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handler: Option<HandlerOut>,
    pub model_version: Option<i64>,
}

impl From<Suggestion> for SuggestOut {
    fn from(s: Suggestion) -> SuggestOut {
        SuggestOut {
            ready: s.ready(),
            reason: s.reason.map(|r| r.zh),
            categories: (s.categories.into_iter())
                .map(|c| SuggestedOut {
                    code: c.code,
                    name: c.name,
                    score: c.score,
                })
                .collect(),
            handler: s.handler.map(|h| HandlerOut {
                kind: h.handler.kind(),
                id: h.handler.id(),
                name: h.name,
                share: h.share,
            }),
            model_version: s.model_version,
        }
    }
}

/// The top three categories for a text being typed at intake, with their probabilities,
/// and the usual handler (department or unit) of the first at this place. With too little
/// history (`ready: false`) nothing is suggested and `reason` says so. The caller must be
/// one who may register an appeal at `org_unit_id` (403 otherwise).
#[utoipa::path(post, path = "/api/v1/appeals/suggest", tag = "appeals",
    request_body = SuggestIn,
    responses((status = 200, body = SuggestOut), Problems::<400, 403, 422>))]
pub async fn suggest_categories(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<SuggestIn>,
) -> ApiResult<Json<SuggestOut>> {
    let typed = Typed {
        title: body.title,
        content: body.content,
        location: body.location,
        org_unit_id: body.org_unit_id,
    };
    let found = suggest::suggest(&state, &actor, &typed, false).await?;
    Ok(Json(found.into()))
}

/// A trained model kept by the server (the first serves).
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelOut {
    pub version: i64,
    pub trained_at: DateTime<Utc>,
    pub n_texts: i64,
    pub labels: usize,
    /// On the texts held out of its training: accuracy, macro-F1, top-3 accuracy.
    pub accuracy: f64,
    pub macro_f1: f64,
    pub top3_accuracy: f64,
}

/// Suggestions of one month: intakes offered one, and how many took the first or one of
/// the three (rates null with no intake).
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthOut {
    /// `YYYY-MM`, Shanghai.
    pub month: String,
    pub suggested: u64,
    pub top1_rate: Option<f64>,
    pub top3_rate: Option<f64>,
}

/// The last training run: when, whether it trained, on how much.
#[derive(Debug, Serialize, ToSchema)]
pub struct LastRunOut {
    pub at: DateTime<Utc>,
    pub trained: bool,
    pub n_labelled: usize,
    pub n_texts: usize,
    pub labels: usize,
}

/// The suggestions' state.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionsOut {
    pub retraining: bool,
    pub last_run: Option<LastRunOut>,
    pub models: Vec<ModelOut>,
    pub months: Vec<MonthOut>,
}

/// The classifier behind the intake's suggestions: whether a retrain runs, the last run,
/// the models kept (held-out figures), and the acceptance of suggestions per month (the
/// district's).
#[utoipa::path(get, path = "/api/v1/suggestions", tag = "district",
    responses((status = 200, body = SuggestionsOut), Problems::<403>))]
pub async fn suggestions(
    State(state): State<AppState>,
    actor: AuthActor,
) -> ApiResult<Json<SuggestionsOut>> {
    let s = suggest::status(&state, &actor).await?;
    Ok(Json(SuggestionsOut {
        retraining: s.running,
        last_run: s.last_run.map(|r| LastRunOut {
            at: r.at,
            trained: r.trained,
            n_labelled: r.n_labelled,
            n_texts: r.n_texts,
            labels: r.labels,
        }),
        models: (s.models.into_iter())
            .map(|m| ModelOut {
                version: m.version,
                trained_at: m.trained_at,
                n_texts: m.n_texts,
                labels: m.labels,
                accuracy: m.metrics.accuracy,
                macro_f1: m.metrics.macro_f1,
                top3_accuracy: m.metrics.top3_accuracy,
            })
            .collect(),
        months: (s.months.into_iter())
            .map(|m| MonthOut {
                top1_rate: m.top1_rate(),
                top3_rate: m.top3_rate(),
                month: m.month,
                suggested: m.suggested,
            })
            .collect(),
    }))
}

/// Whether the retrain asked for started (false: one runs already).
#[derive(Debug, Serialize, ToSchema)]
pub struct RetrainOut {
    pub started: bool,
}

/// Retrains the classifier now, in the background (202; the district's). One at a time:
/// `started: false` when one runs already.
#[utoipa::path(post, path = "/api/v1/suggestions/retrain", tag = "district",
    responses((status = 202, body = RetrainOut), Problems::<403>))]
pub async fn retrain(
    State(state): State<AppState>,
    actor: AuthActor,
) -> ApiResult<(StatusCode, Json<RetrainOut>)> {
    let started = suggest::start_retrain(&state, &actor)?;
    Ok((StatusCode::ACCEPTED, Json(RetrainOut { started })))
}

pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(suggest_categories))
        .routes(routes!(suggestions))
        .routes(routes!(retrain))
}
