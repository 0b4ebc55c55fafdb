//! Problems' use cases (问题): list and read the problems in scope, group appeals into one,
//! change it (add, remove, move, split, rename, dissolve), and the groups the near-duplicate
//! finder suggests for an appeal. The rules are core's (`suqiu_core::problem`: who may
//! group what, the sizes, the states); the store decides them under its lock and carries a
//! lead's resolution to its members. Here: the role's capability once, and the tracking
//! codes people type turned into appeals in the actor's scope.

use chrono::TimeDelta;
use suqiu_core::access::{ActionKind, Actor, Capability};
use suqiu_core::appeal::Status;
use suqiu_core::error::{FieldError, Msg, Reason};
use suqiu_core::msg;
use suqiu_core::problem::{lead_may, Command, LEAD_IS_BOUND};
use suqiu_core::Id;
use suqiu_store::appeals::AppealRecord;
use suqiu_store::problems::{Membership, ProblemEvent, ProblemFilter, ProblemRecord, ProblemRow};
use suqiu_store::similar::NearDupQuery;
use suqiu_store::Page;

use super::{AppError, AppResult};
use crate::state::AppState;

/// How far back the suggested groups look (the intake warning's window).
pub(crate) const SUGGEST_DAYS: i64 = 30;

/// A problem with its appeals (as the actor may see them, the lead first) and its timeline.
pub(crate) struct ProblemView {
    pub(crate) record: ProblemRecord,
    pub(crate) appeals: Vec<AppealRecord>,
    pub(crate) events: Vec<ProblemEvent>,
}

/// The role may group appeals: those who may merge them (`merge` is where members go).
fn may_group(actor: &Actor) -> AppResult<()> {
    if actor.may(Capability::Act(ActionKind::Merge)) {
        Ok(())
    } else {
        Err(AppError::Forbidden(actor.may_not(&GROUP_APPEALS)))
    }
}

/// The problems in the actor's scope, with the list's filters.
pub(crate) async fn list(
    state: &AppState,
    actor: &Actor,
    filter: &ProblemFilter,
) -> AppResult<Page<ProblemRow>> {
    crate::scope::filter_node_in_scope(state, actor, filter.org_unit_id).await?;
    Ok(state.store.list_problems(actor, filter).await?)
}

/// One problem in scope (404 otherwise), its appeals and its timeline.
pub(crate) async fn show(state: &AppState, actor: &Actor, id: Id) -> AppResult<ProblemView> {
    let record = state.store.problem(actor, id).await?;
    let appeals = state.store.problem_appeals(actor, &record.problem).await?;
    let events = state.store.problem_events(id).await?;
    Ok(ProblemView {
        record,
        appeals,
        events,
    })
}

/// A new problem as a request says it: its title and place, its lead and the others.
pub(crate) struct NewProblem {
    pub(crate) title: String,
    pub(crate) place: Option<String>,
    pub(crate) lead_appeal_id: Id,
    pub(crate) appeal_ids: Vec<Id>,
}

/// Groups appeals into a new problem (归并为一个问题); returns it.
pub(crate) async fn create(
    state: &AppState,
    actor: &Actor,
    new: NewProblem,
) -> AppResult<ProblemView> {
    may_group(actor)?;
    let cmd = Command::Create {
        title: new.title,
        place: new.place,
        lead_appeal_id: new.lead_appeal_id,
        appeal_ids: new.appeal_ids,
    };
    let id = state
        .store
        .act_on_problem(actor, None, cmd, state.now())
        .await?;
    tracing::debug!(problem_id = id, "problem created");
    show(state, actor, id).await
}

/// Changes a problem in scope; returns it as it now stands.
pub(crate) async fn act(
    state: &AppState,
    actor: &Actor,
    id: Id,
    cmd: Command,
) -> AppResult<ProblemView> {
    may_group(actor)?;
    // Out of scope is the store's 404 before anything is decided; a `create` here is core's
    // 422 (a new problem is `create`'s).
    let code = cmd.code();
    state
        .store
        .act_on_problem(actor, Some(id), cmd, state.now())
        .await?;
    tracing::debug!(problem_id = id, action = code, "problem action");
    show(state, actor, id).await
}

/// The appeal a typed tracking code names, in the actor's scope (`app::appeals`'
/// lookup); an empty one is a 422 on `field` too.
pub(crate) async fn appeal_by_code(
    state: &AppState,
    actor: &Actor,
    field: &str,
    code: &str,
) -> AppResult<Id> {
    if code.trim().is_empty() {
        return Err(AppError::Invalid(vec![FieldError::new(field, &CODE_EMPTY)]));
    }
    super::appeals::appeal_by_code(state, actor, field, code).await
}

/// The lifecycle action a problem's lead may not take on its own (`problem::lead_may`):
/// 409 naming the problem's rule. Called by `appeals::act_on` before it decides.
pub(crate) async fn check_lead_action(
    state: &AppState,
    appeal_id: Id,
    action: ActionKind,
) -> AppResult<()> {
    if lead_may(action) || state.store.problem_led_by(appeal_id).await?.is_none() {
        return Ok(());
    }
    Err(AppError::Conflict(Reason::new(&LEAD_IS_BOUND)))
}

/// The problem of each appeal shown (badges, links, the API's `problem`).
pub(crate) async fn memberships(
    state: &AppState,
    appeals: &[&AppealRecord],
) -> AppResult<std::collections::HashMap<Id, Membership>> {
    let ids: Vec<Id> = appeals.iter().map(|r| r.appeal.id).collect();
    Ok(state.store.memberships(&ids).await?)
}

/// What the appeal page suggests (可能是同一问题的诉求): the open appeals of the last
/// [`SUGGEST_DAYS`] days in the actor's scope that read as the same problem (the
/// near-duplicate finder: text and place), and whether grouping them is open to the actor.
pub(crate) struct Suggestion {
    pub(crate) appeals: Vec<Suggested>,
    /// The appeal's own problem, when it is in one (the suggestion is then to add to it).
    pub(crate) problem: Option<Membership>,
}

pub(crate) struct Suggested {
    pub(crate) tracking_code: String,
    pub(crate) status: Status,
    pub(crate) title: Option<String>,
    pub(crate) content: String,
    /// The problem it is in already (it cannot be grouped again).
    pub(crate) problem: Option<Membership>,
}

/// The suggested group for `rec` (empty when the actor may not group, or nothing is alike).
pub(crate) async fn suggestions(
    state: &AppState,
    actor: &Actor,
    rec: &AppealRecord,
) -> AppResult<Suggestion> {
    let a = &rec.appeal;
    let own = state.store.memberships(&[a.id]).await?.remove(&a.id);
    let open = matches!(
        a.status,
        Status::Registered | Status::Accepted | Status::InProgress
    );
    if may_group(actor).is_err() || !open || a.spam_at.is_some() {
        return Ok(Suggestion {
            appeals: Vec::new(),
            problem: own,
        });
    }
    let q = NearDupQuery {
        title: a.title.clone(),
        content: a.content.clone(),
        location: a.location.clone(),
        since: state.now() - TimeDelta::days(SUGGEST_DAYS),
    };
    let found: Vec<_> = state
        .store
        .near_duplicates(actor, &q)
        .await?
        .into_iter()
        .map(|d| d.appeal)
        .filter(|s| {
            s.id != a.id
                && matches!(
                    s.status,
                    Status::Registered | Status::Accepted | Status::InProgress
                )
        })
        .collect();
    let ids: Vec<Id> = found.iter().map(|s| s.id).collect();
    let mut of = state.store.memberships(&ids).await?;
    let appeals = found
        .into_iter()
        .map(|s| Suggested {
            problem: of.remove(&s.id),
            title: s.title,
            content: s.content,
            tracking_code: s.tracking_code,
            status: s.status,
        })
        .collect();
    Ok(Suggestion {
        appeals,
        problem: own,
    })
}

// The messages of this module's rules (a code, the Chinese and the English).
const GROUP_APPEALS: Msg = msg!("group_appeals", "归并诉求", "group appeals into problems");
const CODE_EMPTY: Msg = msg!(
    "problem_code_empty",
    "请填写诉求的查询码",
    "Enter the appeal's tracking code"
);
