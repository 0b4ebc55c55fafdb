//! The worklist at a glance (工作台): how many appeals in the actor's scope wait at each
//! step of the closed loop. One query with conditional sums over the open and resolved
//! rows, so the home page costs one round trip whatever the size of the queue.

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
    pub async fn queue_counts(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        soon: DateTime<Utc>,
    ) -> Result<QueueCounts> {
        let mut a = Args::default();
        let scope = scope::appeals(actor, &mut a);
        // The same millisecond rounding as the list's `overdue` filter, so counts and
        // lists agree at the boundary.
        let now_ms = a.push(now_bounds(now).1);
        let soon_ms = a.push(now_bounds(soon).1);
        let sql = format!(
            "SELECT \
               COALESCE(SUM(CASE WHEN a.status = 'registered' THEN 1 ELSE 0 END), 0) AS registered, \
               COALESCE(SUM(CASE WHEN a.status = 'accepted' THEN 1 ELSE 0 END), 0) AS accepted, \
               COALESCE(SUM(CASE WHEN a.status = 'in_progress' THEN 1 ELSE 0 END), 0) AS in_progress, \
               COALESCE(SUM(CASE WHEN a.due_at >= {now_ms} AND a.due_at < {soon_ms} THEN 1 ELSE 0 END), 0) AS due_soon, \
               COALESCE(SUM(CASE WHEN a.due_at < {now_ms} THEN 1 ELSE 0 END), 0) AS overdue, \
               COALESCE(SUM(CASE WHEN a.status = 'resolved' AND a.feedback_at IS NULL THEN 1 ELSE 0 END), 0) AS awaiting_feedback, \
               COALESCE(SUM(CASE WHEN a.status = 'resolved' AND a.feedback_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS awaiting_follow_up \
             FROM appeals a \
             WHERE {scope} AND a.status IN ('registered', 'accepted', 'in_progress', 'resolved')"
        );
        let row = a.query(&sql).fetch_one(&self.pool).await?;
        Ok(QueueCounts {
            registered: get(&row, "registered")?,
            accepted: get(&row, "accepted")?,
            in_progress: get(&row, "in_progress")?,
            due_soon: get(&row, "due_soon")?,
            overdue: get(&row, "overdue")?,
            awaiting_feedback: get(&row, "awaiting_feedback")?,
            awaiting_follow_up: get(&row, "awaiting_follow_up")?,
        })
    }
}
