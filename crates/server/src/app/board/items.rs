//! 党务公开 items: published on a node's board by its own staff, listed for the staff with
//! their record, withdrawn (by the node or a node above). The rules — who publishes where,
//! who withdraws, what an item must say — are `suqiu_core::board`'s; the node is resolved in
//! the actor's scope (404 outside it), the item read in it.

use suqiu_core::access::{deed, Actor, Capability};
use suqiu_core::board::{check_item, may_publish_item, may_withdraw_item, BoardItem, ItemDraft};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::org::OrgUnit;
use suqiu_core::Id;
use suqiu_store::board::Item;
use suqiu_store::Page;

use crate::app::{require, AppError, AppResult};
use crate::scope::node_in_scope;
use crate::state::AppState;

/// The items of `org_unit_id`'s subtree (default: the actor's), withdrawn ones included,
/// newest first: the staff's list.
pub(crate) async fn list(
    state: &AppState,
    actor: &Actor,
    org_unit_id: Option<Id>,
    (page, per_page): (i64, i64),
) -> AppResult<(OrgUnit, Page<Item>)> {
    require(actor, Capability::Publish, &deed::PUBLISH)?;
    let node = node_in_scope(state, actor, org_unit_id).await?;
    let items = state
        .store
        .board_items(&node.path, false, page, per_page)
        .await?;
    Ok((node, items))
}

/// Publishes an item on the board of `org_unit_id` (default: the actor's node).
pub(crate) async fn publish(
    state: &AppState,
    actor: &Actor,
    org_unit_id: Option<Id>,
    draft: ItemDraft,
) -> AppResult<Item> {
    require(actor, Capability::Publish, &deed::PUBLISH)?;
    let node = node_in_scope(state, actor, org_unit_id).await?;
    may_publish_item(actor, &node)?;
    let today = shanghai_date(state.now());
    let item = check_item(&draft, today).map_err(AppError::Invalid)?;
    let saved = state
        .store
        .create_board_item(&node, &item, actor.user_id, state.now())
        .await?;
    tracing::info!(
        item_id = saved.id,
        user_id = actor.user_id,
        "board item published"
    );
    Ok(saved)
}

/// Withdraws item `id`: it leaves the board and the feed, its record stays.
pub(crate) async fn withdraw(state: &AppState, actor: &Actor, id: Id) -> AppResult<Item> {
    require(actor, Capability::Publish, &deed::PUBLISH)?;
    let item = state
        .store
        .board_item(actor, id)
        .await?
        .ok_or(AppError::NotFound)?;
    may_withdraw_item(actor, &item.org_path, item.withdrawn.is_some())?;
    let saved = state
        .store
        .withdraw_board_item(id, actor.user_id, state.now())
        .await?;
    tracing::info!(
        item_id = id,
        user_id = actor.user_id,
        "board item withdrawn"
    );
    Ok(saved)
}

/// The newest `n` items shown on `node`'s board, as the public reads them.
pub(crate) async fn shown(state: &AppState, node: &OrgUnit, n: i64) -> AppResult<Vec<BoardItem>> {
    let page = state.store.board_items(&node.path, true, 1, n).await?;
    Ok(page
        .items
        .iter()
        .map(|i| BoardItem::new(i.id, i.org_unit_id, &i.item, i.published.at))
        .collect())
}
