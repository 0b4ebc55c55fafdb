//! Care's use cases (党内关爱): the care register and a person's care level, the visit
//! rules, who is due a visit, coverage and a person's care timeline; visits
//! ([`visits`]), service teams ([`teams`]) and pairings ([`pairings`]).
//!
//! Capabilities are checked here (`LogVisit` to visit and log contacts, `ManageCare` to
//! keep the register, the rules, the teams and the pairings); scope by the store's queries
//! and `crate::scope::node_in_scope`; what a role may see of a person (health tags, the
//! care note, the phone) by [`shown`]; every rule of a write by `suqiu_core::care`.

use chrono::NaiveDate;
use suqiu_core::access::{deed, Actor, Capability};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::care::{is_sensitive, validate_rules, CareLevel, VisitRule};
use suqiu_core::error::FieldError;
use suqiu_core::person::CareTag;
use suqiu_core::validate::mask_phone;
use suqiu_core::Id;
use suqiu_store::care::{CareCoverage, CareEntry, RegisterFilter, RuleSet, TimelineEntry};
use suqiu_store::visits::{DueFor, DueVisit};
use suqiu_store::Page;

use super::{require, AppError, AppResult};
use crate::scope::node_in_scope;
use crate::state::AppState;

pub(crate) mod pairings;
pub(crate) mod teams;
pub(crate) mod visits;

/// Tags as the reader may see them: health and family tags only with `SeeCareDetails`.
pub(crate) fn visible_tags(actor: &Actor, tags: &[CareTag]) -> Vec<CareTag> {
    let details = actor.may(Capability::SeeCareDetails);
    tags.iter()
        .copied()
        .filter(|t| details || !is_sensitive(*t))
        .collect()
}

/// A register entry as `actor` may see it: health and family tags and the care note only
/// with `SeeCareDetails`, the phone masked unless the role may see it.
fn shown(actor: &Actor, e: CareEntry) -> CareEntry {
    let reveal = actor.may(Capability::SeePersonalData);
    let details = actor.may(Capability::SeeCareDetails);
    CareEntry {
        tags: visible_tags(actor, &e.tags),
        phone: e.phone.map(|p| if reveal { p } else { mask_phone(&p) }),
        note: e.note.filter(|_| details),
        ..e
    }
}

/// Who is due a visit under a node, as of when.
pub(crate) struct DueList {
    pub org_unit_id: Id,
    pub as_of: NaiveDate,
    /// Most pressing first; tags as the reader may see them.
    pub items: Vec<DueVisit>,
}

/// The people due or overdue for a visit under `node` (default: the actor's), narrowed by
/// `due_for` (a volunteer always sees only its own people).
pub(crate) async fn due(
    state: &AppState,
    actor: &Actor,
    node: Option<Id>,
    due_for: DueFor,
) -> AppResult<DueList> {
    let node = node_in_scope(state, actor, node).await?.id;
    let now = state.now();
    let items = state
        .store
        .due_visits(actor, node, due_for, now)
        .await?
        .into_iter()
        .map(|d| DueVisit {
            tags: visible_tags(actor, &d.tags),
            ..d
        })
        .collect();
    Ok(DueList {
        org_unit_id: node,
        as_of: shanghai_date(now),
        items,
    })
}

/// A page of the care register under `filter`'s node, as the actor may see it. `audit`
/// names the read when the people shown go into the read audit (the API and the export).
pub(crate) async fn register(
    state: &AppState,
    actor: &Actor,
    filter: &RegisterFilter,
    audit: Option<&str>,
) -> AppResult<Page<CareEntry>> {
    node_in_scope(state, actor, Some(filter.org_unit_id)).await?;
    let found = state
        .store
        .care_register(actor, filter, state.now())
        .await?;
    if let Some(via) = audit {
        let shown = crate::read_audit::people(found.items.iter().map(|e| e.person_id));
        crate::read_audit::record(state, actor, shown, via).await?;
    }
    Ok(Page {
        items: found.items.into_iter().map(|e| shown(actor, e)).collect(),
        ..found
    })
}

/// Sets a person's care level and note (staff keeping the register; the note by
/// `suqiu_core::care::care_note`).
pub(crate) async fn set_profile(
    state: &AppState,
    actor: &Actor,
    person_id: Id,
    level: Option<CareLevel>,
    note: Option<&str>,
) -> AppResult<()> {
    require(actor, Capability::ManageCare, &deed::EDIT_CARE)?;
    Ok(state
        .store
        .set_care_profile(actor, person_id, level, note)
        .await?)
}

/// The visit rules in force at `node` (default: the actor's).
pub(crate) async fn rules(state: &AppState, actor: &Actor, node: Option<Id>) -> AppResult<RuleSet> {
    let node = node_in_scope(state, actor, node).await?.id;
    Ok(state.store.visit_rules(node).await?)
}

/// What is wrong with a rule set, every fault at once (`suqiu_core::care::validate_rules`):
/// for a form that says them beside what it could not read itself.
pub(crate) fn rule_faults(rules: &[VisitRule]) -> Vec<FieldError> {
    validate_rules(rules).err().unwrap_or_default()
}

/// Replaces the visit rules of `node` (default: the actor's), at the actor's node or below.
pub(crate) async fn set_rules(
    state: &AppState,
    actor: &Actor,
    node: Option<Id>,
    rules: &[VisitRule],
) -> AppResult<RuleSet> {
    require(actor, Capability::ManageCare, &deed::EDIT_VISIT_RULES)?;
    let node = node_in_scope(state, actor, node).await?.id;
    validate_rules(rules).map_err(AppError::Invalid)?;
    Ok(state
        .store
        .set_visit_rules(actor.user_id, node, rules)
        .await?)
}

/// Visit coverage under `node` (default: the actor's) over `from..=to`.
pub(crate) async fn coverage(
    state: &AppState,
    actor: &Actor,
    node: Option<Id>,
    (from, to): (NaiveDate, NaiveDate),
) -> AppResult<CareCoverage> {
    let node = node_in_scope(state, actor, node).await?.id;
    Ok(state
        .store
        .care_coverage(actor, node, from, to, state.now())
        .await?)
}

/// A person's care timeline, if the actor may see the person.
pub(crate) async fn timeline(
    state: &AppState,
    actor: &Actor,
    person_id: Id,
) -> AppResult<Vec<TimelineEntry>> {
    if state.store.person(actor, person_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(state.store.care_timeline(actor, person_id).await?)
}

/// The whole register under `filter`'s node for a workbook, read `chunk` rows at a time and
/// recorded in the read audit as `via`; `None` when it holds more than `max` people.
pub(crate) async fn whole_register(
    state: &AppState,
    actor: &Actor,
    mut filter: RegisterFilter,
    (chunk, max): (i64, usize),
    via: &str,
) -> AppResult<Option<Vec<CareEntry>>> {
    filter.page = 1;
    filter.per_page = chunk;
    let mut entries = Vec::new();
    loop {
        let found = register(state, actor, &filter, None).await?;
        if found.total > max as i64 {
            return Ok(None);
        }
        let last = found.items.len() < chunk as usize;
        entries.extend(found.items);
        if last {
            break;
        }
        filter.page += 1;
    }
    let shown = crate::read_audit::people(entries.iter().map(|e| e.person_id));
    crate::read_audit::record(state, actor, shown, via).await?;
    Ok(Some(entries))
}
