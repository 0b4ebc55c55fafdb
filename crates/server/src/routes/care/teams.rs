//! Service teams (组团式服务) over HTTP: create one, read it, add a member or a block of
//! households, its household coverage. Thin adapters over `app::care::teams`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use suqiu_core::calendar::shanghai_date;
use suqiu_core::care::team::{BlockOf, Partner};
use suqiu_core::error::Msg;
use suqiu_core::msg;
use suqiu_core::Id;
use suqiu_store::teams::{TeamCoverage, TeamDetail};
use utoipa::ToSchema;

use crate::app::care::teams::{self as uc, Addition};
use crate::auth::AuthActor;
use crate::extract::{ApiJson, IdPath, Params};
use crate::problem::{ApiResult, Problem, Problems};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamIn {
    pub org_unit_id: Id,
    pub name: String,
}

/// Exactly one of `user_id`, `person_id`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberIn {
    #[serde(default)]
    pub user_id: Option<Id>,
    #[serde(default)]
    pub person_id: Option<Id>,
}

/// Exactly one of `org_unit_id` (a grid or building group below the team's community) and
/// `address_prefix` (a building as the register writes it, e.g. 「佛字桥小区1号」).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockIn {
    #[serde(default)]
    pub org_unit_id: Option<Id>,
    #[serde(default)]
    pub address_prefix: Option<String>,
}

const UNIT_OR_ADDRESS: Msg = msg!(
    "unit_or_address",
    "请在 org_unit_id 和 address_prefix 中选择且只选择一项",
    "Give exactly one of org_unit_id and address_prefix"
);
const USER_OR_PERSON: Msg = msg!(
    "user_or_person",
    "请在 user_id 和 person_id 中选择且只选择一项",
    "Give exactly one of user_id and person_id"
);

/// Creates a service team at a node in the caller's subtree.
#[utoipa::path(post, path = "/api/v1/teams", tag = "care",
    request_body = TeamIn,
    responses(
        (status = 201, body = Object),
        Problems::<403, 422>,
    ))]
pub async fn create_team(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<TeamIn>,
) -> ApiResult<(StatusCode, Json<TeamDetail>)> {
    let detail = uc::create(&state, &actor, Some(body.org_unit_id), &body.name).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// One team with its members and blocks.
#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "care",
    params(("id" = i64, Path)),
    responses((status = 200, body = Object), Problems::<404>))]
pub async fn team(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<TeamDetail>> {
    Ok(Json(uc::get(&state, &actor, id).await?))
}

/// Adds a member `{"user_id"}` or `{"person_id"}` (a party member on the register).
#[utoipa::path(post, path = "/api/v1/teams/{id}/members", tag = "care",
    params(("id" = i64, Path)),
    request_body = MemberIn,
    responses(
        (status = 201, body = Object),
        Problems::<404, 409, 422>,
    ))]
pub async fn add_member(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<MemberIn>,
) -> ApiResult<(StatusCode, Json<TeamDetail>)> {
    let who = match (body.user_id, body.person_id) {
        (Some(u), None) => Partner::User(u),
        (None, Some(p)) => Partner::Person(p),
        _ => return Err(Problem::field("user_id", &USER_OR_PERSON)),
    };
    let detail = uc::add(&state, &actor, id, Addition::Member(who)).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// Adds a block `{"org_unit_id"}` (a grid below the team's community) or
/// `{"address_prefix"}` (a building on the register).
#[utoipa::path(post, path = "/api/v1/teams/{id}/blocks", tag = "care",
    params(("id" = i64, Path)),
    request_body = BlockIn,
    responses(
        (status = 201, body = Object),
        Problems::<404, 422>,
    ))]
pub async fn add_block(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<BlockIn>,
) -> ApiResult<(StatusCode, Json<TeamDetail>)> {
    let block = match (body.org_unit_id, body.address_prefix) {
        (Some(n), None) => BlockOf::Node(n),
        (None, Some(a)) => BlockOf::Address(a),
        _ => return Err(Problem::field("org_unit_id", &UNIT_OR_ADDRESS)),
    };
    let detail = uc::add(&state, &actor, id, Addition::Block(block)).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// Households in the team's blocks visited over `from`–`to` (default this month so far).
#[utoipa::path(get, path = "/api/v1/teams/{id}/coverage", tag = "care",
    params(("id" = i64, Path), ("from" = Option<String>, Query), ("to" = Option<String>, Query)),
    responses((status = 200, body = Object), Problems::<404>))]
pub async fn team_coverage(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    params: Params,
) -> ApiResult<Json<TeamCoverage>> {
    let mut errors = Vec::new();
    let dates = params.period(shanghai_date(state.now()), &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    Ok(Json(uc::coverage(&state, &actor, id, dates).await?))
}
