//! The love supermarket's use cases (爱心超市): the items and their stock, adding an item,
//! taking stock in and handing it out, the month's statement, and the nodes that keep a
//! supermarket.
//!
//! Capabilities are checked here (`ManageCare` to keep the shelves, `ReadCare` to read);
//! scope by `crate::scope::node_in_scope` and the store's queries; every rule of the
//! shelves by `suqiu_core::supermarket`, which the store applies under the item's lock.

use suqiu_core::access::{deed, Actor, Capability};
use suqiu_core::org::{in_subtree, OrgUnit};
use suqiu_core::report::Month;
use suqiu_core::supermarket::{check, check_item, keeps_supermarket, NewItem, NewMovement};
use suqiu_core::Id;
use suqiu_store::supermarket::{Item, Movement, Statement};

use super::{require, AppError, AppResult};
use crate::scope::node_in_scope;
use crate::state::AppState;

fn may_keep(actor: &Actor) -> AppResult<()> {
    require(actor, Capability::ManageCare, &deed::KEEP_SUPERMARKET)
}

fn may_read(actor: &Actor) -> AppResult<()> {
    require(actor, Capability::ReadCare, &deed::READ_SUPERMARKET)
}

/// The items of the supermarkets in the subtree of `org_unit` (default: the actor's
/// node), with their stock now.
pub(crate) async fn items(
    state: &AppState,
    actor: &Actor,
    org_unit: Option<Id>,
) -> AppResult<Vec<Item>> {
    may_read(actor)?;
    let unit = node_in_scope(state, actor, org_unit).await?;
    Ok(state.store.items(actor, unit.id).await?)
}

/// Adds an item to a station's shelves. Every error of its name and unit is said at once,
/// before the store decides the rest (the node, a name used once).
pub(crate) async fn add_item(state: &AppState, actor: &Actor, new: NewItem) -> AppResult<Item> {
    may_keep(actor)?;
    check_item(&new.name, &new.unit).map_err(AppError::Invalid)?;
    Ok(state
        .store
        .create_item(actor, new.org_unit_id, &new.name, &new.unit, state.now())
        .await?)
}

/// Takes stock in or hands it out. Every error of the movement's own fields is said at
/// once, before the store decides the rest (the recipient's register, enough in stock).
pub(crate) async fn move_stock(
    state: &AppState,
    actor: &Actor,
    m: NewMovement,
) -> AppResult<Movement> {
    may_keep(actor)?;
    let errors = check(&m);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let moved = state.store.move_stock(actor, &m, state.now()).await?;
    // Ids only: who received what is personal.
    tracing::info!(
        movement_id = moved.id,
        user_id = actor.user_id,
        "stock moved"
    );
    Ok(moved)
}

/// The month's statement of the supermarket of `org_unit` (default: the actor's node).
pub(crate) async fn statement(
    state: &AppState,
    actor: &Actor,
    org_unit: Option<Id>,
    month: Month,
) -> AppResult<Statement> {
    may_read(actor)?;
    let unit = node_in_scope(state, actor, org_unit).await?;
    Ok(state
        .store
        .supermarket_statement(actor, unit.id, month)
        .await?)
}

/// The nodes in the actor's subtree that keep a supermarket (the station picker).
pub(crate) async fn stations(state: &AppState, actor: &Actor) -> AppResult<Vec<OrgUnit>> {
    may_read(actor)?;
    Ok(state
        .store
        .org_units()
        .await?
        .into_iter()
        .filter(|u| keeps_supermarket(u.kind) && in_subtree(&actor.org_path, &u.path))
        .collect())
}
