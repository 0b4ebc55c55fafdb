//! The node a request names, checked the one way.
//!
//! Lists, exports and pages that take a node (`?org_unit=`) resolve it here: the node when
//! it lies in the actor's subtree, otherwise 404, exactly as for a node that does not exist
//! (so another street's node is neither shown nor confirmed to exist). The endpoints that do
//! are listed in `routes::NODE_SCOPED`, which a test walks as users of two streets.

use suqiu_core::access::Actor;
use suqiu_core::org::{in_subtree, OrgUnit};
use suqiu_core::Id;

use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

/// The node `id` (the actor's own node when `None`) if it lies in the actor's subtree;
/// 404 otherwise.
pub(crate) async fn node_in_scope(
    state: &AppState,
    actor: &Actor,
    id: Option<Id>,
) -> ApiResult<OrgUnit> {
    let id = id.unwrap_or(actor.org_unit_id);
    match state.store.org_unit(id).await? {
        Some(unit) if in_subtree(&actor.org_path, &unit.path) => Ok(unit),
        _ => Err(Problem::not_found()),
    }
}

/// A list's optional node filter: no filter is the actor's whole scope; a node outside it is
/// 404 as in [`node_in_scope`] (not an empty list, which would differ from the pages).
pub(crate) async fn filter_node_in_scope(
    state: &AppState,
    actor: &Actor,
    id: Option<Id>,
) -> ApiResult<()> {
    match id {
        Some(id) => node_in_scope(state, actor, Some(id)).await.map(drop),
        None => Ok(()),
    }
}
