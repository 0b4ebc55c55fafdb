//! Micro-wishes (微心愿) over HTTP: the station records a wish; party members (volunteer
//! accounts) and staff claim it — two claims at once, one wins, the other gets 409 — and
//! fulfil it; the station confirms, releases or cancels.
//!
//! The role and scope are checked by `app::wishes`, the rules by `suqiu_core::wishes`
//! (403 for who, 409 for when, 422 for what), the subtree and the race by the store. A
//! reader who may not read the care registers (a volunteer) sees the wisher's name masked
//! (周**) and never a phone or ID.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use suqiu_core::access::Actor;
use suqiu_core::wishes::{WishCommand, WishStatus};
use suqiu_core::Id;
use suqiu_store::wishes::{NewWish, Wish, WishFilter, WishMove};
use utoipa::ToSchema;

use crate::app::wishes::{self as app, wisher_name};
use crate::auth::AuthActor;
use crate::dto::{time, RefOut};
use crate::extract::{ApiJson, IdPath, Params};
use crate::problem::{ApiResult, Problem, Problems};
use crate::state::AppState;

/// A new wish for a person on the register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WishIn {
    pub person_id: Id,
    /// What they wish for (at most 200 characters).
    pub wish: String,
    /// Estimated value in cents (at most ¥10,000).
    pub estimated_cents: Option<i64>,
    /// The day they hope for (YYYY-MM-DD), not before today.
    #[schema(value_type = Option<String>, example = "2026-12-31")]
    pub deadline: Option<NaiveDate>,
}

/// How a wish was fulfilled.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FulfilIn {
    pub note: String,
}

/// One wish.
#[derive(Debug, Serialize, ToSchema)]
pub struct WishOut {
    pub id: Id,
    /// The wisher: the full name for those who keep or read the register, masked (周**)
    /// for everyone else.
    pub person: RefOut,
    pub org_unit_id: Id,
    pub org_unit_name: String,
    pub wish: String,
    pub estimated_cents: Option<i64>,
    #[schema(value_type = Option<String>)]
    pub deadline: Option<NaiveDate>,
    /// `open|claimed|fulfilled|confirmed|cancelled`
    pub status: String,
    pub status_label: String,
    pub created_by: RefOut,
    pub created_at: String,
    pub claimed_by: Option<RefOut>,
    pub claimed_at: Option<String>,
    pub fulfilled_at: Option<String>,
    pub fulfil_note: Option<String>,
    pub closed_by: Option<RefOut>,
    pub closed_at: Option<String>,
    /// Every move, oldest first (in `GET /api/v1/wishes/{id}` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<WishMoveOut>>,
}

/// One move in a wish's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct WishMoveOut {
    pub at: String,
    /// Who made it.
    pub actor: RefOut,
    /// The status it moved to (`open` when recorded or released).
    pub status: String,
    pub status_label: String,
    pub note: Option<String>,
}

impl WishMoveOut {
    pub fn new(m: &WishMove) -> WishMoveOut {
        WishMoveOut {
            at: time(m.at),
            actor: ref_of(&m.actor),
            status: m.status.code().into(),
            status_label: m.status.label_zh().into(),
            note: m.note.clone(),
        }
    }
}

fn ref_of(n: &suqiu_store::fund::Named) -> RefOut {
    RefOut {
        id: n.id,
        name: n.name.clone(),
    }
}

impl WishOut {
    pub fn new(actor: &Actor, w: &Wish) -> WishOut {
        WishOut {
            id: w.id,
            person: RefOut {
                id: w.person.id,
                name: wisher_name(actor, &w.person.name),
            },
            org_unit_id: w.org_unit_id,
            org_unit_name: w.org_unit_name.clone(),
            wish: w.wish.clone(),
            estimated_cents: w.estimated_cents,
            deadline: w.deadline,
            status: w.status.code().into(),
            status_label: w.status.label_zh().into(),
            created_by: ref_of(&w.created_by),
            created_at: time(w.created_at),
            claimed_by: w.claimed_by.as_ref().map(ref_of),
            claimed_at: w.claimed_at.map(time),
            fulfilled_at: w.fulfilled_at.map(time),
            fulfil_note: w.fulfil_note.clone(),
            closed_by: w.closed_by.as_ref().map(ref_of),
            closed_at: w.closed_at.map(time),
            history: None,
        }
    }
}

/// A page of wishes.
#[derive(Debug, Serialize, ToSchema)]
pub struct WishListOut {
    pub items: Vec<WishOut>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// The wishes the caller may see under `org_unit` (default: all of its scope), optionally of
/// one `status`; soonest deadline first. A volunteer sees the open and claimed ones of its
/// area and those it claimed, the wisher's name masked.
#[utoipa::path(get, path = "/api/v1/wishes", tag = "care",
    params(
        ("org_unit" = Option<i64>, Query),
        ("status" = Option<String>, Query, description = "open|claimed|fulfilled|confirmed|cancelled"),
        ("page" = Option<i64>, Query),
        ("per_page" = Option<i64>, Query),
    ),
    responses(
        (status = 200, body = WishListOut),
        Problems::<403, 404, 422>,
    ))]
pub async fn list(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<WishListOut>> {
    let mut errors = Vec::new();
    let org_unit_id = params.id("org_unit", &mut errors);
    let status = params.code(
        "status",
        WishStatus::parse,
        WishStatus::codes(),
        &mut errors,
    );
    let (page, per_page) = params.paging(&mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let filter = WishFilter {
        org_unit_id,
        status,
        page,
        per_page,
    };
    let p = app::list(&state, &actor, filter).await?;
    Ok(Json(WishListOut {
        items: p.items.iter().map(|w| WishOut::new(&actor, w)).collect(),
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }))
}

/// Records a wish for a person on the register (station, street and district staff).
#[utoipa::path(post, path = "/api/v1/wishes", tag = "care",
    request_body = WishIn,
    responses(
        (status = 201, body = WishOut),
        Problems::<403, 422>,
    ))]
pub async fn create(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<WishIn>,
) -> ApiResult<(StatusCode, Json<WishOut>)> {
    let new = NewWish {
        person_id: body.person_id,
        wish: body.wish,
        estimated_cents: body.estimated_cents,
        deadline: body.deadline,
    };
    let w = app::record(&state, &actor, new).await?;
    Ok((StatusCode::CREATED, Json(WishOut::new(&actor, &w))))
}

/// One wish in the caller's view.
#[utoipa::path(get, path = "/api/v1/wishes/{id}", tag = "care",
    params(("id" = i64, Path)),
    responses((status = 200, body = WishOut), Problems::<404>))]
pub async fn get_one(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<WishOut>> {
    let (w, history) = app::one(&state, &actor, id).await?;
    let mut out = WishOut::new(&actor, &w);
    out.history = Some(history.iter().map(WishMoveOut::new).collect());
    Ok(Json(out))
}

async fn respond(
    state: AppState,
    actor: &Actor,
    id: Id,
    cmd: WishCommand,
    note: Option<String>,
) -> ApiResult<Json<WishOut>> {
    let w = app::command(&state, actor, id, cmd, note).await?;
    Ok(Json(WishOut::new(actor, &w)))
}

/// Claims an open wish. Of two claims at once exactly one wins; the other gets 409.
#[utoipa::path(post, path = "/api/v1/wishes/{id}/claim", tag = "care",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = WishOut),
        Problems::<403, 404>,
        (status = 409, description = "not open (someone claimed it first)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn claim(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<WishOut>> {
    respond(state, &actor, id, WishCommand::Claim, None).await
}

/// Gives a claim back (the claimer, or the station for a claim left standing): open again.
#[utoipa::path(post, path = "/api/v1/wishes/{id}/release", tag = "care",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = WishOut),
        Problems::<403, 404, 409>,
    ))]
pub async fn release(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<WishOut>> {
    respond(state, &actor, id, WishCommand::Release, None).await
}

/// The claimer marks the wish fulfilled, saying how (`note`).
#[utoipa::path(post, path = "/api/v1/wishes/{id}/fulfil", tag = "care",
    params(("id" = i64, Path)),
    request_body = FulfilIn,
    responses(
        (status = 200, body = WishOut),
        Problems::<403, 404, 409, 422>,
    ))]
pub async fn fulfil(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<FulfilIn>,
) -> ApiResult<Json<WishOut>> {
    respond(state, &actor, id, WishCommand::Fulfil, Some(body.note)).await
}

/// The station confirms a fulfilled wish (closes it).
#[utoipa::path(post, path = "/api/v1/wishes/{id}/confirm", tag = "care",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = WishOut),
        Problems::<403, 404, 409>,
    ))]
pub async fn confirm(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<WishOut>> {
    respond(state, &actor, id, WishCommand::Confirm, None).await
}

/// The station cancels an open or claimed wish.
#[utoipa::path(post, path = "/api/v1/wishes/{id}/cancel", tag = "care",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = WishOut),
        Problems::<403, 404, 409>,
    ))]
pub async fn cancel(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<WishOut>> {
    respond(state, &actor, id, WishCommand::Cancel, None).await
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one))
        .routes(routes!(claim))
        .routes(routes!(release))
        .routes(routes!(fulfil))
        .routes(routes!(confirm))
        .routes(routes!(cancel))
}
