//! 已超期 per unit: the open appeals of each unit's subtree past their current deadline now,
//! whenever received (core's `figures::OVERDUE_NOW`). The dashboard's tile and the list's
//! `overdue=true` filter count the same appeals in a user's scope; this counts them per unit
//! for the scoreboard, the statistics and the report.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use suqiu_core::org::OrgUnit;
use suqiu_core::Id;

use crate::error::Result;
use crate::metrics::ancestors;
use crate::sql::{get, now_bounds, Args};
use crate::Store;

impl Store {
    /// For each of `nodes` (which must not nest), how many open appeals of its subtree are
    /// past their current deadline at `now`. One read of the open-deadline index, grouped by
    /// node path; each path is credited to the node above it.
    pub async fn overdue_now_of(
        &self,
        nodes: &[OrgUnit],
        now: DateTime<Utc>,
    ) -> Result<HashMap<Id, u64>> {
        let mut out: HashMap<Id, u64> = nodes.iter().map(|n| (n.id, 0)).collect();
        if nodes.is_empty() {
            return Ok(out);
        }
        let mut a = Args::default();
        let lookups = self.lookups().await?;
        let within: Vec<String> = nodes
            .iter()
            .filter(|n| !lookups.is_whole_tree(&n.path))
            .map(|n| crate::scope::in_subtree("a.org_path", &n.path, &mut a))
            .collect();
        // Any node covering the whole tree needs no condition at all.
        let scope = if within.len() < nodes.len() {
            "1 = 1".to_string()
        } else {
            format!("({})", within.join(" OR "))
        };
        // due_at is NULL unless open and not suspended, with the list's millisecond rounding
        // (see `queue_counts`), so these counts and the lists agree at the boundary.
        let sql = format!(
            "SELECT a.org_path, COUNT(*) AS n FROM appeals a \
             WHERE a.due_at IS NOT NULL AND a.due_at < {} AND {scope} GROUP BY a.org_path",
            a.push(now_bounds(now).1)
        );
        for row in a.query(&sql).fetch_all(&self.pool).await? {
            let path: String = get(&row, "org_path")?;
            let n = get::<i64>(&row, "n")?;
            if let Some(node) = ancestors(&path)?
                .into_iter()
                .find(|id| out.contains_key(id))
            {
                *out.entry(node).or_default() += u64::try_from(n).unwrap_or(0);
            }
        }
        Ok(out)
    }
}
