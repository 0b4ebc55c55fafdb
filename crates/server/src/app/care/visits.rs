//! Visits (走访): log one — with, when asked, the appeal raised on the spot, in one
//! transaction — and read the visit log.
//!
//! Who may visit whom and what a visit must say are `suqiu_core::care::visit`'s rules; the
//! appeal goes through the same checks as any intake (`app::appeals::check_intake`), with
//! the visit's defaults (`visit::raised_channel`, `visit::raised_appellant`).

use chrono::{DateTime, Utc};
use suqiu_core::access::{deed, Actor, Capability};
use suqiu_core::appeal::Channel;
use suqiu_core::care::visit::{self, NewVisit};
use suqiu_core::lifecycle::{IntakeDraft, Matter, NewAppellantDraft};
use suqiu_core::Id;
use suqiu_store::appeals::AppealRecord;
use suqiu_store::visits::{Visit, VisitFilter};
use suqiu_store::Page;

use super::super::{require, AppError, AppResult};
use crate::app::appeals::{check_intake, store_intake, TakenInBy};
use crate::problem::Problem;
use crate::scope::filter_node_in_scope;
use crate::state::AppState;

/// The appeal raised on a visit: an appeal's fields, of which the appellant (default: the
/// person visited), the node (default: the person's) and the channel (always 走访) may be
/// left out.
#[derive(Debug)]
pub(crate) struct RaiseInput {
    pub appellant_id: Option<Id>,
    pub appellant: Option<NewAppellantDraft>,
    pub anonymous: Option<bool>,
    pub org_unit_id: Option<Id>,
    pub channel: Option<Channel>,
    pub matter: Matter,
}

/// A visit as either face takes it.
#[derive(Debug)]
pub(crate) struct VisitInput {
    pub person_id: Id,
    /// Default now.
    pub visited_at: Option<DateTime<Utc>>,
    pub note: String,
    pub follow_up: Option<String>,
    pub raise: Option<RaiseInput>,
}

/// A logged visit and, when one was raised, its appeal as stored.
pub(crate) struct Logged {
    pub visit: Visit,
    pub appeal: Option<AppealRecord>,
}

/// A field error's name inside `raise_appeal`.
fn nested(mut p: Problem) -> Problem {
    for e in &mut p.errors {
        e.field = format!("raise_appeal.{}", e.field);
    }
    p
}

/// Logs a visit; with `raise`, the appeal raised on the spot is registered in the same
/// transaction (both or neither).
pub(crate) async fn log(state: &AppState, actor: &Actor, input: VisitInput) -> AppResult<Logged> {
    require(actor, Capability::LogVisit, &deed::LOG_VISIT)?;
    let now = state.now();
    let visited = state.store.visited(actor, input.person_id).await?;
    let asked = NewVisit {
        person_id: input.person_id,
        visited_at: input.visited_at.unwrap_or(now),
        visitor_user_id: actor.user_id,
        note: input.note,
        follow_up: input.follow_up,
    };
    let visit = visit::decide(&asked, actor.role, visited, now).map_err(AppError::Invalid)?;
    let Some(raise) = input.raise else {
        let (visit, _) = state.store.create_visit(&visit, None).await?;
        return Ok(Logged {
            visit,
            appeal: None,
        });
    };
    let channel = visit::raised_channel(raise.channel).map_err(|e| AppError::Invalid(vec![e]))?;
    // The person is seen (decided above): their node is the appeal's by default.
    let person = state
        .store
        .person(actor, visit.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let names_someone =
        raise.appellant_id.is_some() || raise.appellant.is_some() || raise.anonymous.is_some();
    let appeal = IntakeDraft {
        appellant_id: visit::raised_appellant(raise.appellant_id, names_someone, person.id),
        appellant: raise.appellant,
        anonymous: raise.anonymous == Some(true),
        org_unit_id: raise.org_unit_id.unwrap_or(person.org_unit_id),
        channel,
        matter: raise.matter,
    };
    let checked = check_intake(state, actor, appeal)
        .await
        .map_err(|e| nested(e.into()))?;
    let (visit, appeal) = store_intake(state, TakenInBy::Desk(actor), &checked, |appeal, event| {
        let (store, visit) = (state.store.clone(), visit.clone());
        async move { store.create_visit(&visit, Some((appeal, event))).await }
    })
    .await
    .map_err(|e| nested(e.into()))?;
    let appeal = match appeal {
        Some(appeal) => {
            tracing::debug!(
                appeal_id = appeal.id,
                visit_id = visit.id,
                "appeal raised on a visit"
            );
            Some(
                state
                    .store
                    .new_record(appeal, checked.person.as_ref())
                    .await?,
            )
        }
        None => None,
    };
    Ok(Logged { visit, appeal })
}

/// A page of the visit log of the people the actor may see (`filter`'s node, when given,
/// in its scope).
pub(crate) async fn list(
    state: &AppState,
    actor: &Actor,
    filter: &VisitFilter,
) -> AppResult<Page<Visit>> {
    filter_node_in_scope(state, actor, filter.org_unit_id).await?;
    Ok(state.store.list_visits(actor, filter).await?)
}
