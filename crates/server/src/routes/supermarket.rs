//! The love supermarket (爱心超市) over HTTP: items and their stock, stock movements (in as
//! donations, out to people on the register), and the monthly statement (JSON or Excel).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use suqiu_core::supermarket::{NewItem, NewMovement};
use suqiu_core::Id;
use suqiu_store::supermarket::{Item, Movement};
use utoipa::ToSchema;

use crate::app::supermarket as app;
use crate::auth::AuthActor;
use crate::care_xlsx;
use crate::dto::{time, PageOut, RefOut};
use crate::extract::{ApiJson, Params};
use crate::problem::{ApiResult, Problem, Problems};
use crate::routes::query::{JsonOrWorkbook, MonthlyQuery};
use crate::state::AppState;

/// A new item of a station's supermarket (stock starts at 0: bring it in with a movement).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemIn {
    pub org_unit_id: Id,
    pub name: String,
    /// Unit of measure: 件, 袋, 桶 …
    pub unit: String,
}

/// A stock movement: positive quantity brings stock in (a donation), negative hands it out
/// to `person_id` (required then).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MovementIn {
    pub item_id: Id,
    pub quantity: i64,
    pub person_id: Option<Id>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MovementOut {
    pub id: Id,
    pub item_id: Id,
    pub item_name: String,
    pub unit: String,
    pub quantity: i64,
    pub stock_after: i64,
    pub person: Option<RefOut>,
    pub note: String,
    pub created_by: RefOut,
    pub created_at: String,
}

impl MovementOut {
    fn new(m: &Movement) -> MovementOut {
        MovementOut {
            id: m.id,
            item_id: m.item_id,
            item_name: m.item_name.clone(),
            unit: m.unit.clone(),
            quantity: m.quantity,
            stock_after: m.stock_after,
            person: m.person.as_ref().map(|p| RefOut {
                id: p.id,
                name: p.name.clone(),
            }),
            note: m.note.clone(),
            created_by: RefOut {
                id: m.created_by.id,
                name: m.created_by.name.clone(),
            },
            created_at: time(m.created_at),
        }
    }
}

/// One item's month.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementLineOut {
    pub item: Item,
    pub opening: i64,
    pub stock_in: i64,
    pub handed_out: i64,
    pub closing: i64,
}

/// A supermarket's monthly statement (月度台账).
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementOut {
    pub org_unit_id: Id,
    pub name: String,
    /// `YYYY-MM`
    pub month: String,
    pub items: Vec<StatementLineOut>,
    pub movements: Vec<MovementOut>,
}

/// The items of the supermarkets in the subtree of `org_unit` (default the caller's node),
/// with their stock now.
#[utoipa::path(get, path = "/api/v1/supermarket/items", tag = "care",
    params(("org_unit" = Option<i64>, Query, description = "default: the caller's node")),
    responses((status = 200, body = PageOut<Item>), Problems::<403, 404>))]
pub async fn list_items(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<PageOut<Item>>> {
    let mut errors = Vec::new();
    let org_unit_id = params.id("org_unit", &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let items = app::items(&state, &actor, org_unit_id).await?;
    let total = items.len() as i64;
    Ok(Json(PageOut {
        items,
        total,
        total_exact: true,
        page: 1,
        per_page: total.max(1),
    }))
}

/// Adds an item to the supermarket of a station in the caller's subtree.
#[utoipa::path(post, path = "/api/v1/supermarket/items", tag = "care",
    request_body = ItemIn,
    responses(
        (status = 201, body = Item),
        Problems::<403, 422>,
        (status = 409, description = "the station already has an item of that name", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_item(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<ItemIn>,
) -> ApiResult<(StatusCode, Json<Item>)> {
    let new = NewItem {
        org_unit_id: body.org_unit_id,
        name: body.name,
        unit: body.unit,
    };
    let item = app::add_item(&state, &actor, new).await?;
    Ok((StatusCode::CREATED, Json(item)))
}

/// Stock in (positive quantity) or hand out (negative, to a person on the station's
/// register). 409 when the stock would go below zero.
#[utoipa::path(post, path = "/api/v1/supermarket/movements", tag = "care",
    request_body = MovementIn,
    responses(
        (status = 201, body = MovementOut),
        Problems::<403, 422>,
        (status = 409, description = "not enough in stock", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn post_movement(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<MovementIn>,
) -> ApiResult<(StatusCode, Json<MovementOut>)> {
    let m = NewMovement {
        item_id: body.item_id,
        quantity: body.quantity,
        person_id: body.person_id,
        note: body.note,
    };
    let m = app::move_stock(&state, &actor, m).await?;
    Ok((StatusCode::CREATED, Json(MovementOut::new(&m))))
}

/// The month's statement of a station's supermarket: each item's opening, in, out and
/// closing stock, and every movement; `format=xlsx` gives the workbook.
#[utoipa::path(get, path = "/api/v1/supermarket/statement", tag = "care",
    params(MonthlyQuery),
    responses(
        JsonOrWorkbook::<StatementOut>,
        Problems::<403, 404, 422>,
    ))]
pub async fn statement(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Response> {
    let MonthlyQuery {
        org_unit_id,
        month,
        xlsx,
    } = MonthlyQuery::parse(&state, &params)?;
    let st = app::statement(&state, &actor, org_unit_id, month).await?;
    if xlsx {
        return crate::xlsx::api_download(
            care_xlsx::supermarket_statement(&st, state.now()),
            "supermarket statement",
            &format!("supermarket-{}-{}.xlsx", st.unit.code, st.month),
        );
    }
    Ok(Json(StatementOut {
        org_unit_id: st.unit.id,
        name: st.unit.name.clone(),
        month: st.month.to_string(),
        items: st
            .items
            .iter()
            .map(|(i, m)| StatementLineOut {
                item: i.clone(),
                opening: m.opening,
                stock_in: m.stock_in,
                handed_out: m.handed_out,
                closing: m.closing(),
            })
            .collect(),
        movements: st.movements.iter().map(MovementOut::new).collect(),
    })
    .into_response())
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(list_items, create_item))
        .routes(routes!(post_movement))
        .routes(routes!(statement))
}
