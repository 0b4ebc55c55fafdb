//! The worklist at a glance (工作台): how many appeals in the actor's scope wait at each
//! step of the closed loop.

use chrono::{DateTime, Utc};
use suqiu_core::access::Actor;

use crate::error::Result;
use crate::sql::{get, now_bounds, Args};
use crate::{scope, Store};

/// Counts of the actor's queue. Each is what the appeal list shows with the matching
/// filter (see the field docs), so a count and the list it opens always agree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// 待受理: `status = registered`.
    pub registered: i64,
    /// 已受理: `status = accepted` (accepted, not yet handed on or worked on).
    pub accepted: i64,
    /// 办理中: `status = in_progress`.
    pub in_progress: i64,
    /// 即将超期: open, current deadline not yet passed but before `soon`.
    pub due_soon: i64,
    /// 已超期: open and past the current deadline.
    pub overdue: i64,
    /// 待反馈: `status = resolved` and no feedback yet.
    pub awaiting_feedback: i64,
    /// 待回访: `status = resolved` with feedback given.
    pub awaiting_follow_up: i64,
}

impl Store {
    /// The queue counts of the appeals `actor` may read, at `now`; "due soon" means the
    /// current deadline falls in `[now, soon)`.
    ///
    /// Three small queries rather than one pass over every open row: statuses come from the
    /// `(status, org_path, id)` index alone and deadlines from the open-deadline index
    /// `(org_path, due_at)` alone; only the feedback split reads rows, the resolved ones.
    /// (A partial index on resolved rows was tried: SQLite's planner keeps the status index.)
    pub async fn queue_counts(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        soon: DateTime<Utc>,
    ) -> Result<QueueCounts> {
        let mut counts = QueueCounts::default();

        let mut a = Args::default();
        let scope = scope::appeals(actor, &mut a);
        let sql = format!(
            "SELECT a.status AS status, COUNT(*) AS n FROM appeals a \
             WHERE {scope} AND a.status IN ('registered', 'accepted', 'in_progress', 'resolved') \
             GROUP BY a.status"
        );
        let mut resolved = 0;
        for row in a.query(&sql).fetch_all(&self.pool).await? {
            let status: String = get(&row, "status")?;
            let n: i64 = get(&row, "n")?;
            match status.as_str() {
                "registered" => counts.registered = n,
                "accepted" => counts.accepted = n,
                "in_progress" => counts.in_progress = n,
                _ => resolved = n,
            }
        }

        // The same millisecond rounding as the list's `overdue` filter, so counts and
        // lists agree at the boundary.
        let mut a = Args::default();
        let scope = scope::appeals(actor, &mut a);
        let now_ms = a.push(now_bounds(now).1);
        let soon_ms = a.push(now_bounds(soon).1);
        let sql = format!(
            "SELECT \
               COALESCE(SUM(CASE WHEN a.due_at < {now_ms} THEN 1 ELSE 0 END), 0) AS overdue, \
               COALESCE(SUM(CASE WHEN a.due_at >= {now_ms} THEN 1 ELSE 0 END), 0) AS due_soon \
             FROM appeals a WHERE {scope} AND a.due_at IS NOT NULL AND a.due_at < {soon_ms}"
        );
        let row = a.query(&sql).fetch_one(&self.pool).await?;
        counts.overdue = get(&row, "overdue")?;
        counts.due_soon = get(&row, "due_soon")?;

        let mut a = Args::default();
        let scope = scope::appeals(actor, &mut a);
        let sql = format!(
            "SELECT COUNT(*) AS n FROM appeals a \
             WHERE {scope} AND a.status = 'resolved' AND a.feedback_at IS NOT NULL"
        );
        let row = a.query(&sql).fetch_one(&self.pool).await?;
        counts.awaiting_follow_up = get(&row, "n")?;
        counts.awaiting_feedback = resolved - counts.awaiting_follow_up;
        Ok(counts)
    }
}
