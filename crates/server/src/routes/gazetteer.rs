//! The gazetteer over the API: a community's place names (`GET/PUT /api/v1/org/{id}/places`,
//! for whoever edits the organization), and the address a resident typed matched to its
//! community (`GET /api/v1/public/places/match`, public). The use cases are
//! `app::gazetteer`'s.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use suqiu_core::Id;
use utoipa::ToSchema;

use crate::app::gazetteer::{self, Offered};
use crate::auth::AuthActor;
use crate::extract::{ApiJson, IdPath, Params};
use crate::problem::{ApiResult, Problem, Problems};
use crate::state::AppState;
use crate::throttle::ClientIp;

/// A community's place names.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlacesOut {
    pub org_unit_id: Id,
    pub code: String,
    pub name: String,
    /// Estates, roads and landmarks, by name.
    pub names: Vec<String>,
}

/// A community's place names, replacing those it had.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlacesIn {
    /// Each 2–50 characters, at most 500; trimmed, blanks dropped, each kept once.
    pub names: Vec<String>,
}

fn places_out((unit, names): (suqiu_core::org::OrgUnit, Vec<String>)) -> PlacesOut {
    PlacesOut {
        org_unit_id: unit.id,
        code: unit.code,
        name: unit.name,
        names,
    }
}

/// A community's place names (its estates, roads, landmarks): for the district's
/// administrators, as the organization is edited. A node outside the caller's subtree is
/// 404; a node that is no community, 422.
#[utoipa::path(get, path = "/api/v1/org/{id}/places", tag = "organization",
    params(("id" = i64, Path, description = "the community's id")),
    responses((status = 200, body = PlacesOut), Problems::<403, 404, 422>))]
pub async fn get_places(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<PlacesOut>> {
    let found = gazetteer::places(&state, &actor, id).await?;
    Ok(Json(places_out(found)))
}

/// Replaces a community's place names with those given (the list as a whole: to add one,
/// send the list with it). Every fault at once: `names`, with the line (1-based) in the
/// message. Recorded on the /admin change log.
#[utoipa::path(put, path = "/api/v1/org/{id}/places", tag = "organization",
    params(("id" = i64, Path, description = "the community's id")),
    request_body = PlacesIn,
    responses((status = 200, body = PlacesOut), Problems::<403, 404, 422>))]
pub async fn put_places(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<PlacesIn>,
) -> ApiResult<Json<PlacesOut>> {
    let saved = gazetteer::set_places(&state, &actor, id, &body.names).await?;
    Ok(Json(places_out(saved)))
}

/// A community an address points to.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceMatchOut {
    pub org_unit_id: Id,
    pub code: String,
    pub name: String,
    /// The street (街道/镇) it belongs to.
    pub street: String,
    /// The known place name found in the address.
    pub matched: String,
}

impl From<&Offered> for PlaceMatchOut {
    fn from(o: &Offered) -> PlaceMatchOut {
        PlaceMatchOut {
            org_unit_id: o.unit.id,
            code: o.unit.code.clone(),
            name: o.unit.name.clone(),
            street: o.street.clone(),
            matched: o.matched.clone(),
        }
    }
}

/// The communities an address points to, by the district's known estates and roads: one
/// item when one community is the clear match, several (best first) when the address fits
/// them alike (a road through several), none when no known name is in it. Public (no
/// account); 429 with `Retry-After` past 120 lookups from one network address in a run
/// (the run ends after 10 quiet minutes). `q`: at most 200 characters are read.
#[utoipa::path(get, path = "/api/v1/public/places/match", tag = "public",
    params(("q" = String, Query, description = "the address as typed, e.g. 谷水苑3号楼")),
    responses(
        (status = 200, body = Vec<PlaceMatchOut>),
        (status = 429, description = "Too many lookups from this address (`Retry-After`, seconds)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn match_places(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    params: Params,
) -> ApiResult<Json<Vec<PlaceMatchOut>>> {
    let q = params.str("q").unwrap_or_default();
    let found = gazetteer::lookup(&state, client, q).await?;
    Ok(Json(
        found.offered().iter().map(PlaceMatchOut::from).collect(),
    ))
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(get_places, put_places))
        .routes(routes!(match_places))
}
