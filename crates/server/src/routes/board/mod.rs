//! The public board (公开栏) over HTTP: an appeal's public reply — written, reviewed
//! (published) by staff of the handling unit or above, withdrawn — and 党务公开 items, which
//! a node's own staff publish and the node or one above withdraws. The board itself, read by
//! anyone, is [`public`].
//!
//! The use cases are `app::board`'s; the rules `suqiu_core::board`'s (403 for who, 409 for
//! when, 422 for what); an appeal, node or item outside the caller's scope is 404.

pub mod public;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use suqiu_core::board::{ItemCategory, ItemDraft, PublicReply, ReplyCommand, Stamp};
use suqiu_core::Id;
use suqiu_store::board::Item;
use utoipa::ToSchema;

use crate::app::board::{items, reply};
use crate::auth::AuthActor;
use crate::dto::{time, RefOut};
use crate::extract::{ApiJson, IdPath, Params};
use crate::problem::{ApiResult, Problem, Problems};
use crate::state::AppState;

/// The public reply's text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicReplyIn {
    /// What the public reads about the outcome (at most 1,000 characters; names, phones and
    /// house numbers are taken out before it shows).
    pub body: String,
}

/// Who did something, and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct StampOut {
    pub by: RefOut,
    pub at: String,
}

impl From<&Stamp> for StampOut {
    fn from(s: &Stamp) -> StampOut {
        StampOut {
            by: RefOut {
                id: s.by,
                name: s.name.clone(),
            },
            at: time(s.at),
        }
    }
}

/// An appeal's public reply with its record.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReplyOut {
    pub appeal_id: Id,
    pub body: String,
    /// `draft` (awaiting review) | `published` | `withdrawn`
    pub state: String,
    pub state_label: String,
    pub written: StampOut,
    pub published: Option<StampOut>,
    pub withdrawn: Option<StampOut>,
}

impl PublicReplyOut {
    fn new(appeal_id: Id, r: &PublicReply) -> PublicReplyOut {
        PublicReplyOut {
            appeal_id,
            body: r.body.clone(),
            state: r.state.code().into(),
            state_label: r.state.label_zh().into(),
            written: StampOut::from(&r.written),
            published: r.published.as_ref().map(StampOut::from),
            withdrawn: r.withdrawn.as_ref().map(StampOut::from),
        }
    }
}

async fn reply_step(
    state: AppState,
    actor: AuthActor,
    id: Id,
    cmd: ReplyCommand,
) -> ApiResult<Json<PublicReplyOut>> {
    let r = reply::command(&state, &actor, id, cmd).await?;
    Ok(Json(PublicReplyOut::new(id, &r)))
}

/// Writes the appeal's public reply, or rewrites it while unpublished; it waits for review.
/// Only for an appeal whose appellant consented to publication (409 otherwise).
#[utoipa::path(put, path = "/api/v1/appeals/{id}/public-reply", tag = "board",
    params(("id" = i64, Path)),
    request_body = PublicReplyIn,
    responses(
        (status = 200, body = PublicReplyOut),
        Problems::<403, 404, 409, 422>,
    ))]
pub async fn write_reply(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<PublicReplyIn>,
) -> ApiResult<Json<PublicReplyOut>> {
    reply_step(state, actor, id, ReplyCommand::Write(body.body)).await
}

/// The appeal's public reply (404 when none was written).
#[utoipa::path(get, path = "/api/v1/appeals/{id}/public-reply", tag = "board",
    params(("id" = i64, Path)),
    responses((status = 200, body = PublicReplyOut), Problems::<404>))]
pub async fn get_reply(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<PublicReplyOut>> {
    let r = reply::of(&state, &actor, id)
        .await?
        .reply
        .ok_or_else(Problem::not_found)?;
    Ok(Json(PublicReplyOut::new(id, &r)))
}

/// Reviews the written reply and publishes it on the board (staff of the handling unit or
/// above).
#[utoipa::path(post, path = "/api/v1/appeals/{id}/public-reply/publish", tag = "board",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = PublicReplyOut),
        Problems::<403, 404, 409>,
    ))]
pub async fn publish_reply(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<PublicReplyOut>> {
    reply_step(state, actor, id, ReplyCommand::Publish).await
}

/// Takes a published reply off the board (staff of the handling unit or above); rewritten,
/// it is reviewed again.
#[utoipa::path(post, path = "/api/v1/appeals/{id}/public-reply/withdraw", tag = "board",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = PublicReplyOut),
        Problems::<403, 404, 409>,
    ))]
pub async fn withdraw_reply(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<PublicReplyOut>> {
    reply_step(state, actor, id, ReplyCommand::Withdraw).await
}

/// A new 党务公开 item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BoardItemIn {
    /// The node whose board it goes on (default: the caller's own): the caller works there.
    pub org_unit_id: Option<Id>,
    #[schema(value_type = Option<String>, example = "activity")]
    /// `organization|activity|funds|decision|other`
    pub category: Option<ItemCategory>,
    /// At most 100 characters.
    pub title: String,
    /// At most 5,000 characters.
    pub body: String,
    /// The day it concerns (YYYY-MM-DD); default today.
    #[schema(value_type = Option<String>, example = "2026-12-01")]
    pub date: Option<NaiveDate>,
}

/// A 党务公开 item with its record.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardItemOut {
    pub id: Id,
    pub org_unit_id: Id,
    pub org_unit_name: String,
    pub category: String,
    pub category_label: String,
    pub title: String,
    pub body: String,
    #[schema(value_type = String)]
    pub date: NaiveDate,
    pub published: StampOut,
    /// Set once withdrawn: it no longer shows on the board or in the feed.
    pub withdrawn: Option<StampOut>,
}

impl From<&Item> for BoardItemOut {
    fn from(i: &Item) -> BoardItemOut {
        BoardItemOut {
            id: i.id,
            org_unit_id: i.org_unit_id,
            org_unit_name: i.org_unit_name.clone(),
            category: i.item.category.code().into(),
            category_label: i.item.category.label_zh().into(),
            title: i.item.title.clone(),
            body: i.item.body.clone(),
            date: i.item.dated,
            published: StampOut::from(&i.published),
            withdrawn: i.withdrawn.as_ref().map(StampOut::from),
        }
    }
}

/// A page of items.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardItemListOut {
    pub items: Vec<BoardItemOut>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// The items published in the subtree of `org_unit` (default: the caller's node), withdrawn
/// ones included, newest first (staff who publish).
#[utoipa::path(get, path = "/api/v1/board/items", tag = "board",
    params(
        ("org_unit" = Option<i64>, Query),
        ("page" = Option<i64>, Query),
        ("per_page" = Option<i64>, Query),
    ),
    responses(
        (status = 200, body = BoardItemListOut),
        Problems::<403, 404, 422>,
    ))]
pub async fn list_items(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<BoardItemListOut>> {
    let mut errors = Vec::new();
    let org_unit_id = params.id("org_unit", &mut errors);
    let paging = params.paging(&mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let (_, p) = items::list(&state, &actor, org_unit_id, paging).await?;
    Ok(Json(BoardItemListOut {
        items: p.items.iter().map(BoardItemOut::from).collect(),
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }))
}

/// Publishes an item on a node's board: the node's own staff (a station on its community's,
/// a street on its own, the district on the district's); not on a grid.
#[utoipa::path(post, path = "/api/v1/board/items", tag = "board",
    request_body = BoardItemIn,
    responses(
        (status = 201, body = BoardItemOut),
        Problems::<403, 404, 422>,
    ))]
pub async fn publish_item(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<BoardItemIn>,
) -> ApiResult<(StatusCode, Json<BoardItemOut>)> {
    let draft = ItemDraft {
        title: body.title,
        body: body.body,
        category: body.category,
        dated: body.date,
    };
    let item = items::publish(&state, &actor, body.org_unit_id, draft).await?;
    Ok((StatusCode::CREATED, Json(BoardItemOut::from(&item))))
}

/// Withdraws an item (staff of its node or above): it leaves the board and the feed; the
/// record of who published and withdrew it stays.
#[utoipa::path(post, path = "/api/v1/board/items/{id}/withdraw", tag = "board",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = BoardItemOut),
        Problems::<403, 404, 409>,
    ))]
pub async fn withdraw_item(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<BoardItemOut>> {
    let item = items::withdraw(&state, &actor, id).await?;
    Ok(Json(BoardItemOut::from(&item)))
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(write_reply, get_reply))
        .routes(routes!(publish_reply))
        .routes(routes!(withdraw_reply))
        .routes(routes!(list_items, publish_item))
        .routes(routes!(withdraw_item))
        .routes(routes!(public::board))
}
