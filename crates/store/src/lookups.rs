//! The org tree and the taxonomy, kept in memory.
//!
//! Why: every intake checks its node and category, every list resolves its node filter and
//! every measure reads the node's children — one small query each, many times a second,
//! for data that changes a few times a year. A snapshot of both tables serves them.
//!
//! Staleness: this store drops the snapshot whenever it writes org units or categories; a
//! node looked up by id and missing from the snapshot is read from the database (another
//! process may have just created it); and the snapshot is reloaded after [`MAX_AGE`], so a
//! rename made by another process shows within that time.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use suqiu_core::category::Category;
use suqiu_core::org::OrgUnit;
use suqiu_core::Id;

/// How long a snapshot serves before it is read again.
pub(crate) const MAX_AGE: Duration = Duration::from_secs(30);

/// One consistent picture of the two tables.
#[derive(Debug)]
pub(crate) struct Snapshot {
    taken: Instant,
    /// Parents before children (path order).
    pub units: Vec<OrgUnit>,
    by_id: HashMap<Id, usize>,
    /// In the taxonomy's configured order.
    pub categories: Vec<Category>,
    by_code: HashMap<String, usize>,
}

impl Snapshot {
    pub(crate) fn new(units: Vec<OrgUnit>, categories: Vec<Category>) -> Snapshot {
        let by_id = units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        let by_code = categories
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        Snapshot {
            taken: Instant::now(),
            units,
            by_id,
            categories,
            by_code,
        }
    }

    pub(crate) fn unit(&self, id: Id) -> Option<&OrgUnit> {
        self.by_id.get(&id).map(|i| &self.units[*i])
    }

    pub(crate) fn category(&self, code: &str) -> Option<&Category> {
        self.by_code.get(code).map(|i| &self.categories[*i])
    }

    /// The subtree at `path` holds every node of the tree.
    pub(crate) fn is_whole_tree(&self, path: &str) -> bool {
        self.units
            .iter()
            .all(|u| suqiu_core::org::in_subtree(path, &u.path))
    }

    /// Every node in the subtree at `path` (itself included), in path order.
    pub(crate) fn subtree<'s: 'p, 'p>(
        &'s self,
        path: &'p str,
    ) -> impl Iterator<Item = &'s OrgUnit> + 'p {
        self.units
            .iter()
            .filter(move |u| suqiu_core::org::in_subtree(path, &u.path))
    }

    /// The paths of every node in the subtree at `path` (itself included), in path order.
    pub(crate) fn subtree_paths(&self, path: &str) -> Vec<&str> {
        self.subtree(path).map(|u| u.path.as_str()).collect()
    }

    /// The direct children of `id`, in id order.
    pub(crate) fn children(&self, id: Id) -> Vec<OrgUnit> {
        let mut out: Vec<OrgUnit> = self
            .units
            .iter()
            .filter(|u| u.parent_id == Some(id))
            .cloned()
            .collect();
        out.sort_by_key(|u| u.id);
        out
    }
}

/// The shared slot holding the current snapshot, if any.
#[derive(Debug, Default, Clone)]
pub(crate) struct Lookups(Arc<RwLock<Option<Arc<Snapshot>>>>);

impl Lookups {
    /// The current snapshot if it is young enough.
    pub(crate) fn fresh(&self) -> Option<Arc<Snapshot>> {
        let slot = self.0.read().unwrap_or_else(PoisonError::into_inner);
        slot.as_ref()
            .filter(|s| s.taken.elapsed() < MAX_AGE)
            .cloned()
    }

    pub(crate) fn put(&self, snapshot: Arc<Snapshot>) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = Some(snapshot);
    }

    /// Forget the snapshot: the next reader loads a new one.
    pub(crate) fn invalidate(&self) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = None;
    }
}
