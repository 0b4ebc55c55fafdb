//! Measures per node and period, fast at millions of appeals.
//!
//! Each appeal's "settled" contribution (everything that does not depend on the clock) is
//! kept in a daily roll-up per (org unit, day received), updated by delta in the same
//! transaction as the appeal; the clock-dependent part (open appeals past a deadline) is
//! computed live over the few open appeals. `verify_rollups` recomputes from the appeals.

use chrono::{DateTime, NaiveDate, Utc};
use suqiu_core::measures::Counts;
use suqiu_core::org::OrgUnit;
use suqiu_core::Id;

use crate::error::Result;
use crate::Store;

/// Counts for a node's whole subtree and for each of its children.
#[derive(Debug, Clone)]
pub struct NodeCounts {
    pub total: Counts,
    pub children: Vec<(OrgUnit, Counts)>,
}

impl Store {
    /// Appeals received on days `from..=to` (Asia/Shanghai) in the subtree of `org_unit_id`.
    pub async fn counts(&self, org_unit_id: Id, from: NaiveDate, to: NaiveDate, now: DateTime<Utc>) -> Result<NodeCounts> {
        let _ = (org_unit_id, from, to, now);
        todo!()
    }

    /// Recomputes every roll-up row from the appeals and lists the rows that disagree
    /// (empty when all agree).
    pub async fn verify_rollups(&self) -> Result<Vec<String>> {
        todo!()
    }
}
