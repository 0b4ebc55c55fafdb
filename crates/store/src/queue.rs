//! The worklist at a glance (工作台): how many appeals in the actor's scope wait at each
//! step of the closed loop.

use chrono::{DateTime, Utc};
use suqiu_core::access::Actor;
use suqiu_core::category::UNSORTED;

use crate::appeals::COUNT_CAP;
use crate::error::Result;
use crate::sql::{get, now_bounds, Args};
use crate::Store;

/// Counts of the actor's queue. Each is what the appeal list shows with the matching
/// filter (see the field docs), so a count and the list it opens always agree; like the
/// list's total, a count above `COUNT_CAP` means "more than the cap". Appeals marked as spam
/// wait for nobody: they are in no count but `spam` (as the list leaves them out unless asked).
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
    /// 待分类: category `unsorted` (residents' own appeals wait for the station to sort them).
    pub unsorted: i64,
    /// 无效: marked as spam (still visible to staff, with its own filter).
    pub spam: i64,
}

impl Store {
    /// The queue counts of the appeals `actor` may read, at `now`; "due soon" means the
    /// current deadline falls in `[now, soon)`.
    ///
    /// Each count stops at `COUNT_CAP + 1` like the lists' totals (a value above the cap
    /// reads "1,000+"), so a district's dashboard costs what a station's does. One statement
    /// of seven capped counts: statuses come from the `(status, org_path, id)` index,
    /// deadlines from the open-deadline index `(org_path, due_at)`; only the feedback split
    /// reads rows, the resolved ones.
    pub async fn queue_counts(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        soon: DateTime<Utc>,
    ) -> Result<QueueCounts> {
        let mut a = Args::default();
        let scope = self
            .appeal_scope(actor, &mut a)
            .await?
            .unwrap_or_else(|| "1 = 1".into());
        // The same millisecond rounding as the list's `overdue` filter, so counts and
        // lists agree at the boundary.
        let now_ms = a.push(now_bounds(now).1);
        let soon_ms = a.push(now_bounds(soon).1);
        let over = COUNT_CAP + 1;
        let count = |name: &str, cond: &str| {
            format!(
                "(SELECT COUNT(*) FROM (SELECT 1 FROM appeals a WHERE {scope} AND {cond} LIMIT {over}) c) AS {name}"
            )
        };
        // Marked as spam, an appeal waits at no step: the counts by status leave it out (as
        // the list does). Those by deadline need not say so: a spam appeal has no `due_at`,
        // and they stay within the deadline index.
        let step = |cond: &str| format!("{cond} AND a.spam_at IS NULL");
        let sql = format!(
            "SELECT {}, {}, {}, {}, {}, {}, {}, {}, {}",
            count("registered", &step("a.status = 'registered'")),
            count("accepted", &step("a.status = 'accepted'")),
            count("in_progress", &step("a.status = 'in_progress'")),
            count(
                "due_soon",
                &format!("a.due_at >= {now_ms} AND a.due_at < {soon_ms}")
            ),
            count(
                "overdue",
                &format!("a.due_at IS NOT NULL AND a.due_at < {now_ms}")
            ),
            count(
                "awaiting_feedback",
                &step("a.status = 'resolved' AND a.feedback_at IS NULL")
            ),
            count(
                "awaiting_follow_up",
                &step("a.status = 'resolved' AND a.feedback_at IS NOT NULL")
            ),
            // Literals, as migration 0030's partial indexes write them.
            count("unsorted", &step(&format!("a.category = '{UNSORTED}'"))),
            count("spam", "a.spam_at IS NOT NULL"),
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
            unsorted: get(&row, "unsorted")?,
            spam: get(&row, "spam")?,
        })
    }
}
