//! Care (党内关爱) over HTTP, thin adapters over `app::care`: the care register and a
//! person's care level, visit rules, coverage and the care timeline here; visits (走访) and
//! the appeal raised on one in [`visits`], service teams (组团式服务) in [`teams`], pairings
//! (结对) in [`pairings`]. Each handler parses, calls the use case and renders; the request
//! and response types are this face's own.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use suqiu_core::access::Actor;
use suqiu_core::calendar::shanghai_date;
use suqiu_core::care::{CareLevel, NextVisit, VisitRule};
use suqiu_core::error::FieldError;
use suqiu_core::person::CareTag;
use suqiu_core::Id;
use suqiu_store::care::{CareCoverage, CareEntry, RegisterFilter, RuleSet, TimelineEntry};
use utoipa::ToSchema;

use crate::app::care as uc;
use crate::auth::AuthActor;
use crate::dto::{time, PageOut};
use crate::extract::{ApiJson, IdPath, Params};
use crate::problem::{ApiResult, Problem, Problems};
use crate::state::AppState;

pub(crate) mod pairings;
pub(crate) mod teams;
pub(crate) mod visits;

/// One person on the care register.
#[derive(Debug, Serialize, ToSchema)]
pub struct CareEntryOut {
    pub person_id: Id,
    pub name: String,
    pub org_unit_id: Id,
    pub address: Option<String>,
    /// Masked unless the role may see phone numbers.
    pub phone: Option<String>,
    pub birth_date: Option<NaiveDate>,
    #[schema(value_type = Vec<String>)]
    pub tags: Vec<CareTag>,
    #[schema(value_type = Option<String>)]
    pub level: Option<CareLevel>,
    /// Health and family details; only for roles that need them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub last_visit: Option<String>,
    /// `{"rule","due_on","status"}` or null when no visit rule applies.
    #[schema(value_type = Option<Object>)]
    pub next_visit: Option<NextVisit>,
}

impl From<CareEntry> for CareEntryOut {
    /// An entry as `app::care::register` shows it to its reader.
    fn from(e: CareEntry) -> CareEntryOut {
        CareEntryOut {
            person_id: e.person_id,
            name: e.name,
            org_unit_id: e.org_unit_id,
            address: e.address,
            phone: e.phone,
            birth_date: e.birth_date,
            tags: e.tags,
            level: e.level,
            note: e.note,
            last_visit: e.last_visit.map(time),
            next_visit: e.next,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesIn {
    #[schema(value_type = Vec<Object>)]
    pub rules: Vec<VisitRule>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CareProfileIn {
    /// `key|regular` or null.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub level: Option<CareLevel>,
    /// Health and family details.
    #[serde(default)]
    pub note: Option<String>,
}

/// The `org_unit` query parameter, when it is one.
fn node(params: &Params) -> ApiResult<Option<Id>> {
    let mut errors = Vec::new();
    let node = params.id("org_unit", &mut errors);
    if errors.is_empty() {
        Ok(node)
    } else {
        Err(Problem::invalid(errors))
    }
}

/// The visit rules in force at a node (its own, an ancestor's, or the defaults: `set_at`).
#[utoipa::path(get, path = "/api/v1/visit-rules", tag = "care",
    params(("org_unit" = Option<i64>, Query, description = "node id; default: the caller's node")),
    responses((status = 200, body = Object), Problems::<404>))]
pub async fn get_rules(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<RuleSet>> {
    let node = node(&params)?;
    Ok(Json(uc::rules(&state, &actor, node).await?))
}

/// Replaces a node's visit rules `{"rules":[…]}` (staff keeping the care register, at their
/// node or below).
#[utoipa::path(put, path = "/api/v1/visit-rules", tag = "care",
    params(("org_unit" = Option<i64>, Query, description = "node id; default: the caller's node")),
    request_body = RulesIn,
    responses(
        (status = 200, body = Object),
        Problems::<403, 422>,
    ))]
pub async fn put_rules(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
    ApiJson(body): ApiJson<RulesIn>,
) -> ApiResult<Json<RuleSet>> {
    let node = node(&params)?;
    Ok(Json(
        uc::set_rules(&state, &actor, node, &body.rules).await?,
    ))
}

/// The care register under a node: people with care tags or a care level, 重点关爱 first,
/// with their last and next visit; `tag` and `level` filter it.
#[utoipa::path(get, path = "/api/v1/care/register", tag = "care",
    params(
        ("org_unit" = Option<i64>, Query, description = "node id; default: the caller's node"),
        ("tag" = Option<String>, Query, description = "care tag code"),
        ("level" = Option<String>, Query, description = "key|regular"),
        ("page" = Option<i64>, Query),
        ("per_page" = Option<i64>, Query),
    ),
    responses((status = 200, body = PageOut<CareEntryOut>), Problems::<404, 422>))]
pub async fn register(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<PageOut<CareEntryOut>>> {
    let mut errors = Vec::new();
    let filter = register_filter(&actor, &params, &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let via = Some("GET /api/v1/care/register");
    let found = uc::register(&state, &actor, &filter, via).await?;
    Ok(Json(PageOut {
        items: found.items.into_iter().map(CareEntryOut::from).collect(),
        total: found.total,
        total_exact: found.total_exact,
        page: found.page,
        per_page: found.per_page,
    }))
}

/// The register's filters from the query (default node: the caller's).
fn register_filter(actor: &Actor, params: &Params, errors: &mut Vec<FieldError>) -> RegisterFilter {
    let (page, per_page) = params.paging(errors);
    RegisterFilter {
        org_unit_id: params.id("org_unit", errors).unwrap_or(actor.org_unit_id),
        tag: params.code("tag", CareTag::parse, CareTag::codes(), errors),
        level: params.code("level", CareLevel::parse, CareLevel::codes(), errors),
        page,
        per_page,
    }
}

/// Sets a person's care level and note `{"level","note"}` (null clears).
#[utoipa::path(put, path = "/api/v1/care/register/{id}", tag = "care",
    params(("id" = i64, Path, description = "person id")),
    request_body = CareProfileIn,
    responses(
        (status = 204),
        Problems::<403, 404, 422>,
    ))]
pub async fn put_profile(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<CareProfileIn>,
) -> ApiResult<StatusCode> {
    uc::set_profile(&state, &actor, id, body.level, body.note.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Visit coverage under a node over `from`–`to` (days, Shanghai; default this month so
/// far): people visited on time, people visited at all, people overdue at the end.
#[utoipa::path(get, path = "/api/v1/care/coverage", tag = "care",
    params(
        ("org_unit" = Option<i64>, Query, description = "node id; default: the caller's node"),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, inclusive"),
    ),
    responses((status = 200, body = Object), Problems::<404, 422>))]
pub async fn coverage(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<CareCoverage>> {
    let mut errors = Vec::new();
    let node = params.id("org_unit", &mut errors);
    let dates = params.period(shanghai_date(state.now()), &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    Ok(Json(uc::coverage(&state, &actor, node, dates).await?))
}

/// A person's care timeline: visits, pairing contacts and appeals, newest first.
#[utoipa::path(get, path = "/api/v1/people/{id}/care-timeline", tag = "care",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Object>), Problems::<404>))]
pub async fn timeline(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<Vec<TimelineEntry>>> {
    Ok(Json(uc::timeline(&state, &actor, id).await?))
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(visits::list_visits, visits::create_visit))
        .routes(routes!(visits::due))
        .routes(routes!(get_rules, put_rules))
        .routes(routes!(register))
        .routes(routes!(put_profile))
        .routes(routes!(coverage))
        .routes(routes!(teams::team))
        .routes(routes!(teams::add_member))
        .routes(routes!(teams::add_block))
        .routes(routes!(teams::team_coverage))
        .routes(routes!(pairings::pairings, pairings::create_pairing))
        .routes(routes!(pairings::end_pairing))
        .routes(routes!(pairings::contacts, pairings::add_contact))
        .routes(routes!(timeline))
}
