//! In-service party members' service (在职党员报到): add a post, register a member, log
//! hours; read the posts, the registrations and who served how much in a period, on the
//! page or as a workbook.
//!
//! Capabilities are checked here (`ManageCare` to keep the register, `ReadCare` to read
//! it); scope by the store's queries and `node_in_scope`; every rule of the register by
//! `suqiu_core::service`, which the store applies in its transaction.

use chrono::NaiveDate;
use suqiu_core::access::{deed, Actor, Capability};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::service::{check_post_name, check_registered_on, hours_entry, NewRegistration};
use suqiu_core::Id;
use suqiu_store::service::{HoursEntry, Post, Registration, ServiceSummary};

use super::{require, AppError, AppResult};
use crate::scope::node_in_scope;
use crate::state::AppState;

/// A registration as either face takes it: the date may be left out (today).
#[derive(Debug)]
pub(crate) struct RegistrationInput {
    pub person_id: Id,
    pub org_unit_id: Id,
    pub registered_on: Option<NaiveDate>,
    pub post_ids: Vec<Id>,
}

/// Hours as either face takes them: hours as typed (`2`, `1.5`).
#[derive(Debug)]
pub(crate) struct HoursInput {
    pub registration_id: Id,
    pub post_id: Id,
    pub served_on: NaiveDate,
    pub hours: f64,
    pub note: String,
}

/// What the service page and the workbook show of a node over a period.
pub(crate) struct Overview {
    pub summary: ServiceSummary,
    pub registrations: Vec<Registration>,
    pub posts: Vec<Post>,
}

/// Adds a post to a community's list.
pub(crate) async fn add_post(
    state: &AppState,
    actor: &Actor,
    org_unit_id: Id,
    name: &str,
) -> AppResult<Post> {
    require(actor, Capability::ManageCare, &deed::SET_POSTS)?;
    // Said before the community is looked up, as the form says it.
    check_post_name(name).map_err(|e| AppError::Invalid(vec![e]))?;
    Ok(state
        .store
        .create_service_post(actor, org_unit_id, name, state.now())
        .await?)
}

/// Registers an in-service party member to serve a community (the rules say who may, where
/// and on which posts).
pub(crate) async fn register(
    state: &AppState,
    actor: &Actor,
    input: RegistrationInput,
) -> AppResult<Registration> {
    require(actor, Capability::ManageCare, &deed::REGISTER_SERVICE)?;
    let today = shanghai_date(state.now());
    let registered_on = input.registered_on.unwrap_or(today);
    check_registered_on(registered_on, today).map_err(|e| AppError::Invalid(vec![e]))?;
    let new = NewRegistration {
        person_id: input.person_id,
        org_unit_id: input.org_unit_id,
        registered_on,
        post_ids: input.post_ids,
    };
    let r = state
        .store
        .register_for_service(actor, &new, state.now())
        .await?;
    tracing::info!(
        registration_id = r.id,
        user_id = actor.user_id,
        "service registration"
    );
    Ok(r)
}

/// Logs hours served: every error of the entry's own fields at once, then the rules of the
/// registration it goes on.
pub(crate) async fn log_hours(
    state: &AppState,
    actor: &Actor,
    input: HoursInput,
) -> AppResult<HoursEntry> {
    require(actor, Capability::ManageCare, &deed::LOG_HOURS)?;
    let ids = (input.registration_id, input.post_id);
    let new =
        hours_entry(ids, input.served_on, input.hours, &input.note).map_err(AppError::Invalid)?;
    let now = state.now();
    let h = state
        .store
        .log_service_hours(actor, &new, shanghai_date(now), now)
        .await?;
    tracing::info!(
        hours_id = h.id,
        user_id = actor.user_id,
        "service hours logged"
    );
    Ok(h)
}

/// The service posts of the communities under `org_unit` (default: the actor's node).
pub(crate) async fn posts(
    state: &AppState,
    actor: &Actor,
    org_unit: Option<Id>,
) -> AppResult<Vec<Post>> {
    require(actor, Capability::ReadCare, &deed::READ_SERVICE)?;
    let node = node_in_scope(state, actor, org_unit).await?;
    Ok(state.store.service_posts(actor, node.id).await?)
}

/// The registrations to communities under `org_unit` (default: the actor's node).
pub(crate) async fn registrations(
    state: &AppState,
    actor: &Actor,
    org_unit: Option<Id>,
) -> AppResult<Vec<Registration>> {
    require(actor, Capability::ReadCare, &deed::READ_SERVICE)?;
    let node = node_in_scope(state, actor, org_unit).await?;
    Ok(state.store.service_registrations(actor, node.id).await?)
}

/// Who served how much under `org_unit` (default: the actor's node) over `period`.
pub(crate) async fn summary(
    state: &AppState,
    actor: &Actor,
    org_unit: Option<Id>,
    (from, to): (NaiveDate, NaiveDate),
) -> AppResult<ServiceSummary> {
    require(actor, Capability::ReadCare, &deed::READ_SERVICE)?;
    let node = node_in_scope(state, actor, org_unit).await?;
    Ok(state
        .store
        .service_summary(actor, node.id, from, to)
        .await?)
}

/// The node's hours over `period`, its registrations and its posts: the service page.
pub(crate) async fn overview(
    state: &AppState,
    actor: &Actor,
    org_unit_id: Id,
    period: (NaiveDate, NaiveDate),
) -> AppResult<Overview> {
    require(actor, Capability::ReadCare, &deed::READ_SERVICE)?;
    read_overview(state, actor, org_unit_id, period).await
}

/// The same for the workbook, which only those who keep the register take away.
pub(crate) async fn export(
    state: &AppState,
    actor: &Actor,
    org_unit_id: Id,
    period: (NaiveDate, NaiveDate),
) -> AppResult<Overview> {
    require(actor, Capability::ManageCare, &deed::EXPORT_SERVICE)?;
    read_overview(state, actor, org_unit_id, period).await
}

async fn read_overview(
    state: &AppState,
    actor: &Actor,
    org_unit_id: Id,
    (from, to): (NaiveDate, NaiveDate),
) -> AppResult<Overview> {
    let store = &state.store;
    Ok(Overview {
        summary: store.service_summary(actor, org_unit_id, from, to).await?,
        registrations: store.service_registrations(actor, org_unit_id).await?,
        posts: store.service_posts(actor, org_unit_id).await?,
    })
}
