//! The public door's API: an appeal a resident (or a resident's app) brings with no
//! account. The same use case as the `/p/new` page (`app::public::submit`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use suqiu_core::appeal::{Channel, Kind};
use suqiu_core::public::PublicDraft;
use suqiu_core::Id;
use utoipa::ToSchema;

use crate::app::public::submit;
use crate::extract::ApiJson;
use crate::problem::{ApiResult, Problem, Problems};
use crate::state::AppState;
use crate::throttle::ClientIp;

/// A resident's appeal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicAppealIn {
    /// The community (or grid) it concerns: `GET /api/v1/org-units`, kind `community`.
    pub org_unit_id: Option<Id>,
    #[schema(value_type = Option<String>, example = "complaint")]
    pub kind: Option<Kind>,
    /// A category code; left out, the station sorts it (`unsorted`).
    pub category: Option<String>,
    pub content: String,
    pub location: Option<String>,
    /// Where it is on a map (WGS 84), both or neither.
    pub lat: Option<f64>,
    pub long: Option<f64>,
    /// Optional; a phone lets the appellant track it (`/track`) and be called back.
    pub name: Option<String>,
    pub phone: Option<String>,
    /// May it be shown, anonymized, on the public board.
    #[serde(default)]
    pub public_consent: bool,
}

impl From<PublicAppealIn> for PublicDraft {
    fn from(b: PublicAppealIn) -> PublicDraft {
        PublicDraft {
            org_unit_id: b.org_unit_id,
            kind: b.kind,
            category: b.category,
            content: b.content,
            location: b.location,
            name: b.name,
            phone: b.phone,
            public_consent: b.public_consent,
            lat: b.lat,
            lng: b.long,
        }
    }
}

/// What the resident keeps: the code to track it with (and the last four digits of the
/// phone they left).
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReceiptOut {
    pub tracking_code: String,
}

/// Brings an appeal through the public door: it lands in the community's queue (channel
/// `online`). 422 names every field at fault; 429 with `Retry-After` when this network
/// address (10 an hour) or this phone (5 a day) has brought too many.
#[utoipa::path(post, path = "/api/v1/public/appeals", tag = "public",
    request_body = PublicAppealIn,
    responses(
        (status = 201, body = PublicReceiptOut),
        Problems::<422>,
        (status = 429, description = "Too many from this address or phone (`Retry-After`, seconds)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<PublicAppealIn>,
) -> ApiResult<(StatusCode, Json<PublicReceiptOut>)> {
    let appeal = submit(&state, client, body.into(), Channel::Online).await?;
    Ok((
        StatusCode::CREATED,
        Json(PublicReceiptOut {
            tracking_code: appeal.tracking_code,
        }),
    ))
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new().routes(routes!(create))
}
