//! The public door's API: an appeal a resident (or a resident's app) brings with no
//! account, as JSON or, with photos, as `multipart/form-data`. The same use case as the
//! `/p/new` page (`app::public::submit`).

use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use suqiu_core::appeal::{Channel, Kind};
use suqiu_core::public::PublicDraft;
use suqiu_core::Id;
use utoipa::ToSchema;

use crate::app::public::submit;
use crate::extract::{media_type, parse_json, ApiJson};
use crate::problem::{ApiResult, Problem, Problems};
use crate::state::AppState;
use crate::throttle::ClientIp;
use crate::upload::{self, SentPhotos};

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

/// The same appeal with photos, as `multipart/form-data`.
#[derive(ToSchema)]
#[schema(as = PublicAppealForm)]
pub struct PublicAppealFormDoc {
    /// The appeal: the JSON body as above (`PublicAppealIn`), as a text part.
    #[schema(value_type = PublicAppealIn)]
    pub appeal: String,
    /// Up to 3 photos, each its own `photo` part: JPEG or PNG, at most 8 MB each as sent.
    /// Kept re-encoded as JPEG of at most 1,600 px, without any metadata (EXIF, GPS).
    #[schema(value_type = Vec<String>, format = Binary)]
    pub photo: Vec<String>,
}

const APPEAL_PART: suqiu_core::error::Msg = suqiu_core::msg!(
    "appeal_part_missing",
    "multipart 表单须有 appeal 部分（诉求的 JSON）",
    "A multipart form needs an appeal part (the appeal as JSON)",
);

/// The appeal and its photos as sent: JSON alone, or a multipart form.
async fn read_appeal(req: Request, state: &AppState) -> ApiResult<(PublicAppealIn, SentPhotos)> {
    if media_type(req.headers()) != "multipart/form-data" {
        let ApiJson(body) = ApiJson::from_request(req, state).await?;
        return Ok((body, SentPhotos::none()));
    }
    let sent = upload::read(req, state).await?;
    let Some((_, json)) = sent.fields.iter().find(|(name, _)| name == "appeal") else {
        return Err(Problem::field("appeal", &APPEAL_PART));
    };
    Ok((parse_json(json.as_bytes())?, sent.photos))
}

/// Brings an appeal through the public door: it lands in the community's queue (channel
/// `online`). With photos, the body is `multipart/form-data`: an `appeal` part holding the
/// same JSON and up to three `photo` parts (JPEG or PNG, at most 8 MB each; the body at most
/// 26 MiB). 422 names every field at fault (`photos` for a photo that is no JPEG or PNG, or
/// one too many); 413 for a photo over 8 MB (field `photos`); 429 with `Retry-After` when
/// this network address (10 an hour) or this phone (5 a day) has brought too many. A 201
/// means the photos are stored with the appeal; a refusal stores nothing.
#[utoipa::path(post, path = "/api/v1/public/appeals", tag = "public",
    request_body(content(
        (PublicAppealIn = "application/json"),
        (PublicAppealFormDoc = "multipart/form-data"),
    )),
    responses(
        (status = 201, body = PublicReceiptOut),
        Problems::<413, 422>,
        (status = 429, description = "Too many from this address or phone (`Retry-After`, seconds)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    req: Request,
) -> ApiResult<(StatusCode, Json<PublicReceiptOut>)> {
    let (body, photos) = read_appeal(req, &state).await?;
    let appeal = submit(&state, client, body.into(), photos, Channel::Online).await?;
    Ok((
        StatusCode::CREATED,
        Json(PublicReceiptOut {
            tracking_code: appeal.tracking_code,
        }),
    ))
}

/// One photo the appellant sent with an appeal (a JPEG of at most 1,600 px, without
/// metadata), for whoever may read the appeal: 404 outside the caller's scope, as for the
/// appeal, and for a photo it does not have. Every read is recorded in the read audit
/// (photos may show people), whatever the role.
#[utoipa::path(get, path = "/api/v1/appeals/{id}/photos/{seq}", tag = "appeals",
    params(
        ("id" = i64, Path, description = "the appeal's id"),
        ("seq" = i64, Path, description = "the photo's place among the appeal's, from 1"),
    ),
    responses(
        (status = 200, description = "The photo", content_type = "image/jpeg", body = Vec<u8>),
        Problems::<401, 404>,
    ))]
pub async fn photo(
    State(state): State<AppState>,
    actor: crate::auth::AuthActor,
    axum::extract::Path((id, seq)): axum::extract::Path<(i64, i64)>,
) -> ApiResult<axum::response::Response> {
    let via = "GET /api/v1/appeals/{id}/photos/{seq}";
    let bytes = crate::app::public::photo(&state, &actor, (id, seq), via).await?;
    Ok(crate::photos::jpeg_response(bytes))
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    // The photos' body limit (`crate::MAX_PUBLIC_BODY_BYTES`), for this route alone.
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(create))
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::MAX_PUBLIC_BODY_BYTES,
        ))
        .routes(routes!(photo))
}
