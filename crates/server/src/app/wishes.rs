//! The micro-wishes' use cases (微心愿): record a wish, move it (claim, release, fulfil,
//! confirm, cancel), read one with its history, list them, the board of what still needs
//! someone, and the workbook.
//!
//! Capabilities are checked here (`ManageCare` to record and export; `ReadCare` or
//! `LogVisit` to read); scope by the store's queries; the state machine, who may move a
//! wish, what a new wish and a fulfilment note must say by `suqiu_core::wishes`. The store
//! writes a decided move only if the wish is still as it was read (two claims: one wins).

use std::collections::HashMap;

use suqiu_core::access::{deed, Actor, Capability};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::validate::mask_name;
use suqiu_core::wishes::{check_new, check_note, decide, Refusal, WishCommand, WishStatus, Wisher};
use suqiu_core::Id;
use suqiu_store::wishes::{NewWish, Wish, WishFilter, WishMove};
use suqiu_store::Page;

use super::{require, AppError, AppResult};
use crate::scope::filter_node_in_scope;
use crate::state::AppState;

/// Wishes the board shows per status.
const PER_STATUS: i64 = 100;
/// Most wishes one workbook holds.
pub(crate) const EXPORT_MAX: i64 = 10_000;

/// Who `actor` is to the wish rules.
pub(crate) fn wisher(actor: &Actor) -> Wisher {
    Wisher {
        user_id: actor.user_id,
        serves: actor.may(Capability::LogVisit),
        keeps_register: actor.may(Capability::ManageCare),
    }
}

/// The wisher's name as `actor` may see it: in full for those who read the registers,
/// masked (周**) for everyone else.
pub(crate) fn wisher_name(actor: &Actor, name: &str) -> String {
    if actor.may(Capability::ReadCare) {
        name.to_string()
    } else {
        mask_name(name)
    }
}

/// May `actor` read wishes at all: those who read the registers, and those who claim.
fn may_read(actor: &Actor) -> bool {
    actor.may(Capability::ReadCare) || actor.may(Capability::LogVisit)
}

/// Records a wish for a person on the register. Every error of the wish's own fields is
/// said at once; the store checks the person is in the actor's scope.
pub(crate) async fn record(state: &AppState, actor: &Actor, new: NewWish) -> AppResult<Wish> {
    require(actor, Capability::ManageCare, &deed::POST_WISHES)?;
    let today = shanghai_date(state.now());
    let wish = check_new(&new.wish, new.estimated_cents, new.deadline, today)
        .map_err(AppError::Invalid)?;
    let new = NewWish { wish, ..new };
    let w = state.store.record_wish(actor, &new, state.now()).await?;
    // Ids only: who wishes for what is personal.
    tracing::info!(wish_id = w.id, user_id = actor.user_id, "wish recorded");
    Ok(w)
}

/// Applies `cmd` to wish `id` as `actor`. 404 when the wish is not visible, 403 when the
/// role or relation does not allow it, 409 when its status does not (also when another
/// user acted first), 422 for a fulfilment that does not say how.
pub(crate) async fn command(
    state: &AppState,
    actor: &Actor,
    id: Id,
    cmd: WishCommand,
    note: Option<String>,
) -> AppResult<Wish> {
    if !may_read(actor) {
        return Err(AppError::NotFound);
    }
    let current = state
        .store
        .wish(actor, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = current.state();
    let to = decide(from, cmd, wisher(actor)).map_err(|r| match r {
        Refusal::NotAllowed(reason) => AppError::Forbidden(reason),
        Refusal::WrongStatus(reason) => AppError::Conflict(reason),
    })?;
    let note = check_note(cmd, note.as_deref()).map_err(|e| AppError::Invalid(vec![e]))?;
    let moved = state
        .store
        .move_wish(actor, id, from, to, note.as_deref(), state.now())
        .await?;
    tracing::info!(wish_id = id, user_id = actor.user_id, command = %cmd, "wish moved");
    Ok(moved)
}

/// A page of the wishes the actor may see, under `filter`'s node (in scope, else 404).
pub(crate) async fn list(
    state: &AppState,
    actor: &Actor,
    filter: WishFilter,
) -> AppResult<Page<Wish>> {
    if !may_read(actor) {
        return Err(AppError::Forbidden(actor.may_not(&deed::READ_WISHES)));
    }
    filter_node_in_scope(state, actor, filter.org_unit_id).await?;
    Ok(state.store.wishes(actor, &filter).await?)
}

/// One wish the actor may see, with every move so far (oldest first).
pub(crate) async fn one(
    state: &AppState,
    actor: &Actor,
    id: Id,
) -> AppResult<(Wish, Vec<WishMove>)> {
    if !may_read(actor) {
        return Err(AppError::NotFound);
    }
    let w = state
        .store
        .wish(actor, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut histories = state.store.wish_histories(&[w.id]).await?;
    let history = histories.remove(&w.id).unwrap_or_default();
    Ok((w, history))
}

/// What still needs someone: the open, claimed and fulfilled wishes the actor may see (a
/// page of each), with their histories.
pub(crate) struct Board {
    pub sections: Vec<(WishStatus, Page<Wish>)>,
    pub histories: HashMap<Id, Vec<WishMove>>,
}

pub(crate) async fn board(state: &AppState, actor: &Actor) -> AppResult<Board> {
    if !may_read(actor) {
        return Err(AppError::Forbidden(actor.may_not(&deed::READ_WISHES)));
    }
    let mut sections = Vec::new();
    for status in [WishStatus::Open, WishStatus::Claimed, WishStatus::Fulfilled] {
        let filter = WishFilter {
            org_unit_id: None,
            status: Some(status),
            page: 1,
            per_page: PER_STATUS,
        };
        sections.push((status, state.store.wishes(actor, &filter).await?));
    }
    let ids: Vec<Id> = sections
        .iter()
        .flat_map(|(_, p)| p.items.iter().map(|w| w.id))
        .collect();
    let histories = state.store.wish_histories(&ids).await?;
    Ok(Board {
        sections,
        histories,
    })
}

/// Every wish in the actor's scope for the workbook, newest first (those who keep the
/// register: the names in full). `None` when there are more than [`EXPORT_MAX`].
pub(crate) async fn export(state: &AppState, actor: &Actor) -> AppResult<Option<Vec<Wish>>> {
    require(actor, Capability::ManageCare, &deed::EXPORT_WISHES)?;
    let filter = WishFilter {
        org_unit_id: None,
        status: None,
        page: 1,
        per_page: EXPORT_MAX,
    };
    let found = state.store.wishes(actor, &filter).await?;
    Ok((found.total <= EXPORT_MAX).then_some(found.items))
}
