//! Service teams (组团式服务): create one, add a member or a block of households, read a
//! team, the teams under a node and a team's household coverage.
//!
//! A team's rules are `suqiu_core::care::team`'s: the store decides a member or a block
//! by `team::decide`; a new team's name and node by `team::check_new`, and a block by
//! address must name a building on the team's register (`team::on_register`), checked here
//! where the register's addresses are read in the keeper's scope.

use chrono::NaiveDate;
use suqiu_core::access::{deed, Actor, Capability};
use suqiu_core::care::team::{self, BlockOf, Partner};
use suqiu_core::Id;
use suqiu_store::org::Team;
use suqiu_store::teams::{TeamCoverage, TeamDetail};

use super::super::{require, AppError, AppResult};
use crate::state::AppState;

/// What joins a team: a member or a block of households.
pub(crate) enum Addition {
    Member(Partner),
    Block(BlockOf),
}

/// Creates a team `name` at `node` (default: the actor's), a node the actor works at or below.
pub(crate) async fn create(
    state: &AppState,
    actor: &Actor,
    node: Option<Id>,
    name: &str,
) -> AppResult<TeamDetail> {
    require(actor, Capability::ManageCare, &deed::CREATE_TEAMS)?;
    let node = node.unwrap_or(actor.org_unit_id);
    let unit = state.store.org_unit(node).await?;
    let name = team::check_new(
        name,
        &actor.org_path,
        unit.as_ref().map(|u| u.path.as_str()),
    )
    .map_err(AppError::Invalid)?;
    let team = state.store.create_team(node, &name).await?;
    get(state, actor, team.id).await
}

/// One team with its members and blocks, if the actor may see it.
pub(crate) async fn get(state: &AppState, actor: &Actor, id: Id) -> AppResult<TeamDetail> {
    state
        .store
        .team_detail(actor, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The teams the actor may see under `node` (default: the actor's).
pub(crate) async fn under(
    state: &AppState,
    actor: &Actor,
    node: Option<Id>,
) -> AppResult<Vec<TeamDetail>> {
    let node = node.unwrap_or(actor.org_unit_id);
    Ok(state.store.team_details(actor, node).await?)
}

/// Adds a member or a block to a team the actor may see and manage; the team as it is now.
pub(crate) async fn add(
    state: &AppState,
    actor: &Actor,
    id: Id,
    addition: Addition,
) -> AppResult<TeamDetail> {
    require(actor, Capability::ManageCare, &deed::MANAGE_TEAMS)?;
    let detail = get(state, actor, id).await?;
    match addition {
        Addition::Member(who) => {
            state.store.add_team_member(&detail.team, who).await?;
        }
        Addition::Block(block) => {
            if let BlockOf::Address(prefix) = &block {
                on_register(state, actor, &detail.team, prefix).await?;
            }
            state.store.add_team_block(&detail.team, &block).await?;
        }
    }
    get(state, actor, id).await
}

/// A block by address names a building on the register of the team's node.
async fn on_register(state: &AppState, actor: &Actor, team: &Team, prefix: &str) -> AppResult<()> {
    // The prefix's own shape first: an empty one is said as such, not as "matches nobody".
    let prefix = team::check_prefix(prefix).map_err(|e| AppError::Invalid(vec![e]))?;
    let addresses = state
        .store
        .register_addresses(actor, team.org_unit_id)
        .await?;
    team::on_register(&prefix, addresses.iter().map(String::as_str))
        .map_err(|e| AppError::Invalid(vec![e]))
}

/// Households in a team's blocks visited over `from..=to`, if the actor may see the team.
pub(crate) async fn coverage(
    state: &AppState,
    actor: &Actor,
    id: Id,
    (from, to): (NaiveDate, NaiveDate),
) -> AppResult<TeamCoverage> {
    get(state, actor, id).await?;
    Ok(state.store.team_coverage(id, from, to).await?)
}
