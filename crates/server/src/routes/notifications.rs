//! The caller's notices (通知): list, unread count, mark read.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use suqiu_core::Id;
use utoipa::ToSchema;

use crate::auth::AuthActor;
use crate::dto::{time, PageOut};
use crate::extract::{IdPath, Params};
use crate::problem::{ApiResult, Problem, Problems};
use crate::state::AppState;

/// One notice of the caller's notification centre.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: Id,
    /// `reminder|overdue|escalated|supervised|returned|extension_requested|extension_approved|extension_denied|referral_resolved`
    pub kind: String,
    pub kind_label: String,
    pub appeal_id: Option<Id>,
    pub title: String,
    pub body: String,
    pub created_at: String,
    pub read: bool,
}

/// The caller's unread notices.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadOut {
    pub unread: i64,
}

/// The caller's notices, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    params(
        ("unread" = Option<bool>, Query, description = "only unread notices"),
        ("page" = Option<i64>, Query),
        ("per_page" = Option<i64>, Query),
    ),
    responses(
        (status = 200, body = PageOut<NotificationOut>),
        Problems::<401, 422>,
    ))]
pub async fn list(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<PageOut<NotificationOut>>> {
    let mut errors = Vec::new();
    let unread = params.bool("unread", &mut errors).unwrap_or(false);
    let (page, per_page) = params.paging(&mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let found = state
        .store
        .notifications(actor.user_id, unread, page, per_page)
        .await?;
    Ok(Json(PageOut {
        items: found
            .items
            .iter()
            .map(|n| NotificationOut {
                id: n.id,
                kind: n.kind.code().to_string(),
                kind_label: n.kind.label_zh().to_string(),
                appeal_id: n.appeal_id,
                title: n.title.clone(),
                body: n.body.clone(),
                created_at: time(n.created_at),
                read: n.read_at.is_some(),
            })
            .collect(),
        total: found.total,
        total_exact: found.total_exact,
        page: found.page,
        per_page: found.per_page,
    }))
}

/// How many of the caller's notices are unread (for the header's badge).
#[utoipa::path(get, path = "/api/v1/notifications/unread-count", tag = "notifications",
    responses(
        (status = 200, body = UnreadOut),
        Problems::<401>,
    ))]
pub async fn unread_count(
    State(state): State<AppState>,
    actor: AuthActor,
) -> ApiResult<Json<UnreadOut>> {
    Ok(Json(UnreadOut {
        unread: state.store.unread_notifications(actor.user_id).await?,
    }))
}

/// Marks one of the caller's notices read. Someone else's notice is 404.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications",
    params(("id" = i64, Path)),
    responses(
        (status = 204, description = "Marked read"),
        Problems::<401, 404>,
    ))]
pub async fn mark_read(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state
        .store
        .mark_notification_read(actor.user_id, id, state.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(unread_count))
        .routes(routes!(mark_read))
}
