//! In-service party members (在职党员报到) over HTTP, a thin adapter over `app::service`:
//! a community's service posts, members' registrations to serve it, hours served, and who
//! served how much in a period. Each handler parses, calls the use case and renders; the
//! request and response types are this face's own.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::Id;
use suqiu_store::service::{HoursEntry, Post, Registration, ServiceSummary};
use utoipa::ToSchema;

use crate::app::service::{self as uc, HoursInput, RegistrationInput};
use crate::auth::AuthActor;
use crate::dto::RefOut;
use crate::extract::{ApiJson, Params};
use crate::problem::{ApiResult, Problem, Problems};
use crate::state::AppState;

/// A new service post of a community.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostIn {
    pub org_unit_id: Id,
    /// 楼道长, 文明引导, 助老服务, 环境整治 …
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostOut {
    pub id: Id,
    pub org_unit_id: Id,
    pub org_unit_name: String,
    pub name: String,
}

impl PostOut {
    fn new(p: &Post) -> PostOut {
        PostOut {
            id: p.id,
            org_unit_id: p.org_unit_id,
            org_unit_name: p.org_unit_name.clone(),
            name: p.name.clone(),
        }
    }
}

/// An in-service party member registers (报到) to serve a community on some of its posts.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationIn {
    /// A person whose party category is `in_service`.
    pub person_id: Id,
    /// The community served.
    pub org_unit_id: Id,
    /// Default: today.
    #[schema(value_type = Option<String>, example = "2026-11-01")]
    pub registered_on: Option<NaiveDate>,
    /// Posts of that community.
    pub post_ids: Vec<Id>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationOut {
    pub id: Id,
    pub person: RefOut,
    pub org_unit_id: Id,
    pub org_unit_name: String,
    #[schema(value_type = String)]
    pub registered_on: NaiveDate,
    pub posts: Vec<RefOut>,
    /// All hours logged so far.
    pub total_hours: f64,
}

fn ref_of(n: &suqiu_store::fund::Named) -> RefOut {
    RefOut {
        id: n.id,
        name: n.name.clone(),
    }
}

/// Tenths of an hour as a JSON number (exact to the tenth).
fn hours(tenths: i64) -> f64 {
    tenths as f64 / 10.0
}

impl RegistrationOut {
    fn new(r: &Registration) -> RegistrationOut {
        RegistrationOut {
            id: r.id,
            person: ref_of(&r.person),
            org_unit_id: r.org_unit_id,
            org_unit_name: r.org_unit_name.clone(),
            registered_on: r.registered_on,
            posts: r.posts.iter().map(ref_of).collect(),
            total_hours: hours(r.total_tenths),
        }
    }
}

/// Hours served on one day on one post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursIn {
    pub registration_id: Id,
    /// One of the posts chosen at registration.
    pub post_id: Id,
    #[schema(value_type = String, example = "2026-11-20")]
    pub served_on: NaiveDate,
    /// More than 0, at most 24, at most one decimal.
    pub hours: f64,
    #[serde(default)]
    pub note: String,
}

fn registration_input(body: RegistrationIn) -> RegistrationInput {
    RegistrationInput {
        person_id: body.person_id,
        org_unit_id: body.org_unit_id,
        registered_on: body.registered_on,
        post_ids: body.post_ids,
    }
}

fn hours_input(body: HoursIn) -> HoursInput {
    HoursInput {
        registration_id: body.registration_id,
        post_id: body.post_id,
        served_on: body.served_on,
        hours: body.hours,
        note: body.note,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HoursOut {
    pub id: Id,
    pub registration_id: Id,
    pub person: RefOut,
    pub post: RefOut,
    #[schema(value_type = String)]
    pub served_on: NaiveDate,
    pub hours: f64,
    pub note: String,
}

impl HoursOut {
    fn new(h: &HoursEntry) -> HoursOut {
        HoursOut {
            id: h.id,
            registration_id: h.registration_id,
            person: ref_of(&h.person),
            post: ref_of(&h.post),
            served_on: h.served_on,
            hours: hours(h.hours_tenths),
            note: h.note.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberHoursOut {
    pub person: RefOut,
    pub org_unit_name: String,
    pub hours: f64,
    pub entries: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostHoursOut {
    pub post: RefOut,
    pub org_unit_name: String,
    pub hours: f64,
    /// Members who served on it in the period.
    pub members: i64,
}

/// Who served how much in the period, most hours first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceSummaryOut {
    pub org_unit_id: Id,
    pub name: String,
    #[schema(value_type = String)]
    pub from: NaiveDate,
    #[schema(value_type = String)]
    pub to: NaiveDate,
    pub total_hours: f64,
    pub members: Vec<MemberHoursOut>,
    pub posts: Vec<PostHoursOut>,
}

impl ServiceSummaryOut {
    fn new(s: &ServiceSummary) -> ServiceSummaryOut {
        ServiceSummaryOut {
            org_unit_id: s.unit.id,
            name: s.unit.name.clone(),
            from: s.from,
            to: s.to,
            total_hours: hours(s.total_tenths),
            members: s
                .members
                .iter()
                .map(|m| MemberHoursOut {
                    person: ref_of(&m.person),
                    org_unit_name: m.org_unit_name.clone(),
                    hours: hours(m.tenths),
                    entries: m.entries,
                })
                .collect(),
            posts: s
                .posts
                .iter()
                .map(|p| PostHoursOut {
                    post: ref_of(&p.post),
                    org_unit_name: p.org_unit_name.clone(),
                    hours: hours(p.tenths),
                    members: p.members,
                })
                .collect(),
        }
    }
}

/// The service posts of the communities under `org_unit` (default: the caller's node).
#[utoipa::path(get, path = "/api/v1/service/posts", tag = "care",
    params(("org_unit" = Option<i64>, Query)),
    responses((status = 200, body = Vec<PostOut>), Problems::<403, 404>))]
pub async fn posts(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<Vec<PostOut>>> {
    let mut errors = Vec::new();
    let org_unit_id = params.id("org_unit", &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let posts = uc::posts(&state, &actor, org_unit_id).await?;
    Ok(Json(posts.iter().map(PostOut::new).collect()))
}

/// Adds a service post to a community in the caller's subtree; 409 for a name it has.
#[utoipa::path(post, path = "/api/v1/service/posts", tag = "care",
    request_body = PostIn,
    responses(
        (status = 201, body = PostOut),
        Problems::<403, 409, 422>,
    ))]
pub async fn create_post(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<PostIn>,
) -> ApiResult<(StatusCode, Json<PostOut>)> {
    let p = uc::add_post(&state, &actor, body.org_unit_id, &body.name).await?;
    Ok((StatusCode::CREATED, Json(PostOut::new(&p))))
}

/// The registrations to communities under `org_unit` (default: the caller's node).
#[utoipa::path(get, path = "/api/v1/service/registrations", tag = "care",
    params(("org_unit" = Option<i64>, Query)),
    responses((status = 200, body = Vec<RegistrationOut>), Problems::<403, 404>))]
pub async fn registrations(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<Vec<RegistrationOut>>> {
    let mut errors = Vec::new();
    let org_unit_id = params.id("org_unit", &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let regs = uc::registrations(&state, &actor, org_unit_id).await?;
    Ok(Json(regs.iter().map(RegistrationOut::new).collect()))
}

/// Registers an in-service party member to serve a community; 409 when already registered
/// there, 422 for a person who is not an in-service member or a post of another community.
#[utoipa::path(post, path = "/api/v1/service/registrations", tag = "care",
    request_body = RegistrationIn,
    responses(
        (status = 201, body = RegistrationOut),
        Problems::<403, 409, 422>,
    ))]
pub async fn register(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<RegistrationIn>,
) -> ApiResult<(StatusCode, Json<RegistrationOut>)> {
    let r = uc::register(&state, &actor, registration_input(body)).await?;
    Ok((StatusCode::CREATED, Json(RegistrationOut::new(&r))))
}

/// Logs hours served: more than 0 and at most 24 per entry, on a day between the
/// registration and today, on a post the member chose.
#[utoipa::path(post, path = "/api/v1/service/hours", tag = "care",
    request_body = HoursIn,
    responses(
        (status = 201, body = HoursOut),
        Problems::<403, 422>,
    ))]
pub async fn log_hours(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<HoursIn>,
) -> ApiResult<(StatusCode, Json<HoursOut>)> {
    let h = uc::log_hours(&state, &actor, hours_input(body)).await?;
    Ok((StatusCode::CREATED, Json(HoursOut::new(&h))))
}

/// Who served how much under `org_unit` (default: the caller's node) from `from` to `to`
/// (both included; default this month), per member and per post.
#[utoipa::path(get, path = "/api/v1/service/summary", tag = "care",
    params(
        ("org_unit" = Option<i64>, Query),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD, default the first of this month"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, default today"),
    ),
    responses(
        (status = 200, body = ServiceSummaryOut),
        Problems::<403, 404, 422>,
    ))]
pub async fn summary(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<ServiceSummaryOut>> {
    let mut errors = Vec::new();
    let org_unit_id = params.id("org_unit", &mut errors);
    let period = params.period(shanghai_date(state.now()), &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let s = uc::summary(&state, &actor, org_unit_id, period).await?;
    Ok(Json(ServiceSummaryOut::new(&s)))
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(posts, create_post))
        .routes(routes!(registrations, register))
        .routes(routes!(log_hours))
        .routes(routes!(summary))
}
