//! Pairings (结对) over HTTP: list, arrange, end, and the contact log. Thin adapters over
//! `app::care::pairings`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use suqiu_core::care::team::Partner;
use suqiu_core::error::Msg;
use suqiu_core::msg;
use suqiu_core::Id;
use suqiu_store::teams::{Contact, ContactMode, Pairing};
use utoipa::ToSchema;

use crate::app::care::pairings::{self as uc, ContactInput, PairingInput};
use crate::auth::AuthActor;
use crate::extract::{ApiJson, IdPath, Params};
use crate::problem::{ApiResult, Problem, Problems};
use crate::state::AppState;

/// Exactly one of `partner_user_id`, `partner_person_id`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairingIn {
    /// Someone on the care register (a care tag or a care level).
    pub person_id: Id,
    #[serde(default)]
    pub partner_user_id: Option<Id>,
    #[serde(default)]
    pub partner_person_id: Option<Id>,
    /// Default today.
    #[serde(default)]
    pub started_on: Option<NaiveDate>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `{"ended_on?"}`: the day the pairing ended, default today.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairingEndIn {
    #[serde(default)]
    pub ended_on: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactIn {
    /// RFC 3339; default now.
    #[serde(default)]
    pub contacted_at: Option<DateTime<Utc>>,
    /// `home|phone|other`
    #[schema(value_type = String, example = "home")]
    pub mode: ContactMode,
    pub note: String,
}

const PARTNER_USER_OR_PERSON: Msg = msg!(
    "partner_user_or_person",
    "请在 partner_user_id 和 partner_person_id 中选择且只选择一项",
    "Give exactly one of partner_user_id and partner_person_id"
);

/// The pairings the caller may see (a volunteer: its own), by `org_unit` or `person_id`.
#[utoipa::path(get, path = "/api/v1/pairings", tag = "care",
    params(("org_unit" = Option<i64>, Query), ("person_id" = Option<i64>, Query)),
    responses((status = 200, body = Vec<Object>), Problems::<422>))]
pub async fn pairings(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<Vec<Pairing>>> {
    let mut errors = Vec::new();
    let node = params.id("org_unit", &mut errors);
    let person = params.id("person_id", &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    Ok(Json(uc::list(&state, &actor, node, person).await?))
}

/// Pairs a party member or volunteer with a person in care.
#[utoipa::path(post, path = "/api/v1/pairings", tag = "care",
    request_body = PairingIn,
    responses(
        (status = 201, body = Object),
        Problems::<403, 422>,
    ))]
pub async fn create_pairing(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<PairingIn>,
) -> ApiResult<(StatusCode, Json<Pairing>)> {
    let partner = match (body.partner_user_id, body.partner_person_id) {
        (Some(u), None) => Partner::User(u),
        (None, Some(p)) => Partner::Person(p),
        _ => return Err(Problem::field("partner_user_id", &PARTNER_USER_OR_PERSON)),
    };
    let input = PairingInput {
        person_id: body.person_id,
        partner,
        started_on: body.started_on,
        note: body.note,
    };
    Ok((
        StatusCode::CREATED,
        Json(uc::create(&state, &actor, input).await?),
    ))
}

/// Ends a pairing `{"ended_on?"}` (default today): it takes no more contacts, and its
/// person is no longer the partner's to visit.
#[utoipa::path(post, path = "/api/v1/pairings/{id}/end", tag = "care",
    params(("id" = i64, Path)),
    request_body = PairingEndIn,
    responses(
        (status = 200, body = Object),
        Problems::<403, 404, 409, 422>,
    ))]
pub async fn end_pairing(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<PairingEndIn>,
) -> ApiResult<Json<Pairing>> {
    Ok(Json(uc::end(&state, &actor, id, body.ended_on).await?))
}

/// A pairing's contact log, newest first.
#[utoipa::path(get, path = "/api/v1/pairings/{id}/contacts", tag = "care",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Object>), Problems::<404>))]
pub async fn contacts(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<Vec<Contact>>> {
    Ok(Json(uc::contacts(&state, &actor, id).await?))
}

/// Logs a contact on an active pairing `{"contacted_at?","mode","note"}` (the partner or staff).
#[utoipa::path(post, path = "/api/v1/pairings/{id}/contacts", tag = "care",
    params(("id" = i64, Path)),
    request_body = ContactIn,
    responses(
        (status = 201, body = Object),
        Problems::<403, 404, 409, 422>,
    ))]
pub async fn add_contact(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ContactIn>,
) -> ApiResult<(StatusCode, Json<Contact>)> {
    let input = ContactInput {
        contacted_at: body.contacted_at,
        mode: body.mode,
        note: body.note,
    };
    let contact = uc::log_contact(&state, &actor, id, input).await?;
    Ok((StatusCode::CREATED, Json(contact)))
}
