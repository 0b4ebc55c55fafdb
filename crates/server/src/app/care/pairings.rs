//! Pairings (结对): arrange one for a person in care, end it, log a contact, read them.
//!
//! The rules are `suqiu_core::care::pairing`'s: the store decides a new pairing by
//! `pairing::check_new` (someone on the care register, a partner of their community), a
//! contact and an end by `pairing::log_contact` and `pairing::end`; a contact's time by
//! `pairing::contact_time` here, against the state's clock.

use chrono::{DateTime, NaiveDate, Utc};
use suqiu_core::access::{deed, Actor, Capability};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::care::pairing::contact_time;
use suqiu_core::care::team::Partner;
use suqiu_core::Id;
use suqiu_store::teams::{Contact, ContactMode, Pairing};

use super::super::{require, AppError, AppResult};
use crate::scope::filter_node_in_scope;
use crate::state::AppState;

/// A new pairing as either face takes it.
pub(crate) struct PairingInput {
    pub person_id: Id,
    pub partner: Partner,
    /// Default today.
    pub started_on: Option<NaiveDate>,
    pub note: Option<String>,
}

/// A contact as either face takes it.
pub(crate) struct ContactInput {
    /// Default now.
    pub contacted_at: Option<DateTime<Utc>>,
    pub mode: ContactMode,
    pub note: String,
}

/// Pairs a partner with a person in care.
pub(crate) async fn create(
    state: &AppState,
    actor: &Actor,
    input: PairingInput,
) -> AppResult<Pairing> {
    require(actor, Capability::ManageCare, &deed::ARRANGE_PAIRINGS)?;
    let started = input
        .started_on
        .unwrap_or_else(|| shanghai_date(state.now()));
    Ok(state
        .store
        .create_pairing(
            actor,
            input.person_id,
            input.partner,
            started,
            input.note.as_deref(),
        )
        .await?)
}

/// Ends a pairing the actor may see on `on` (default today).
pub(crate) async fn end(
    state: &AppState,
    actor: &Actor,
    id: Id,
    on: Option<NaiveDate>,
) -> AppResult<Pairing> {
    require(actor, Capability::ManageCare, &deed::ARRANGE_PAIRINGS)?;
    let on = on.unwrap_or_else(|| shanghai_date(state.now()));
    Ok(state.store.end_pairing(actor, id, on).await?)
}

/// The pairings the actor may see (a volunteer: its own), under `node` and of `person`
/// when given.
pub(crate) async fn list(
    state: &AppState,
    actor: &Actor,
    node: Option<Id>,
    person: Option<Id>,
) -> AppResult<Vec<Pairing>> {
    filter_node_in_scope(state, actor, node).await?;
    Ok(state.store.pairings(actor, node, person).await?)
}

/// A pairing's contact log, newest first, if the actor may see the pairing.
pub(crate) async fn contacts(state: &AppState, actor: &Actor, id: Id) -> AppResult<Vec<Contact>> {
    if state.store.pairing(actor, id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(state.store.contacts(id).await?)
}

/// Logs a contact on an active pairing the actor may see (the partner or staff).
pub(crate) async fn log_contact(
    state: &AppState,
    actor: &Actor,
    id: Id,
    input: ContactInput,
) -> AppResult<Contact> {
    require(actor, Capability::LogVisit, &deed::LOG_CONTACT)?;
    let now = state.now();
    let at = input.contacted_at.unwrap_or(now);
    contact_time(at, now).map_err(|e| AppError::Invalid(vec![e]))?;
    Ok(state
        .store
        .add_contact(actor, id, at, input.mode, &input.note)
        .await?)
}
