//! The deadline watch's storage: job leases, the appeals worth a look, and recording what the
//! watch found about one appeal exactly once (see `watch_marks` in migration 0004).

use chrono::{DateTime, TimeDelta, Utc};
use suqiu_core::appeal::Status;
use suqiu_core::lifecycle::Event;
use suqiu_core::watch::Finding;
use suqiu_core::Id;

use crate::appeal_row::load;
use crate::appeals::{commit_events, AppealRecord};
use crate::error::{Result, StoreError};
use crate::sql::{get, ms, now_bounds};
use crate::writer::{Deferred, Done, Undo};
use crate::{dialect, Store};

/// One thing the watch does about an appeal: the finding (its mark and deadline key it) and
/// the events that record it on the timeline (none for a reminder).
#[derive(Debug, Clone)]
pub struct WatchStep {
    pub finding: Finding,
    pub events: Vec<Event>,
}

/// How many candidates one query hands out; the scan pages on until none are left.
const CANDIDATE_PAGE: i64 = 500;

fn marks(kinds: &[&str]) -> String {
    kinds
        .iter()
        .map(|k| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Takes (or renews) the lease `name` for `holder` until `now + ttl`. False when another
    /// holder's lease is still running: that server does the work.
    pub async fn take_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: TimeDelta,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE job_leases.holder = excluded.holder OR job_leases.expires_at < $4",
        )
        .bind(name)
        .bind(holder)
        .bind(ms(now + ttl))
        .bind(ms(now))
        .execute(self.writer.pool()?)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Open appeals that may need the watch at `now`: a running deadline not after `horizon`
    /// (the reminder window) without a reminder yet, or passed without an overdue mark, or
    /// (when handled) passed before `escalate_before` without an escalation mark. A superset:
    /// core's `watch::findings` decides exactly. Ordered by deadline.
    pub async fn watch_candidates(
        &self,
        now: DateTime<Utc>,
        horizon: DateTime<Utc>,
        escalate_before: DateTime<Utc>,
    ) -> Result<Vec<Id>> {
        let (floor, ceil) = now_bounds(now);
        let handled = [Status::Accepted, Status::InProgress]
            .iter()
            .map(|s| format!("'{}'", s.code()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT a.id, a.due_at FROM appeals a \
             WHERE a.due_at IS NOT NULL AND a.due_at <= $1 \
               AND (a.due_at > $2 OR (a.due_at = $2 AND a.id > $3)) \
               AND ((a.due_at >= $4 AND NOT EXISTS (SELECT 1 FROM watch_marks m WHERE m.appeal_id = a.id \
                        AND m.due = a.due_at AND m.mark IN ({remind}))) \
                 OR (a.due_at < $5 AND NOT EXISTS (SELECT 1 FROM watch_marks m WHERE m.appeal_id = a.id \
                        AND m.due = a.due_at AND m.mark IN ({overdue}))) \
                 OR (a.due_at < $6 AND a.status IN ({handled}) AND NOT EXISTS (SELECT 1 FROM watch_marks m \
                        WHERE m.appeal_id = a.id AND m.due = a.due_at AND m.mark = 'escalate'))) \
             ORDER BY a.due_at, a.id LIMIT $7",
            remind = marks(&["remind_respond", "remind_resolve"]),
            overdue = marks(&["overdue_respond", "overdue_resolve"]),
        );
        let mut out = Vec::new();
        let (mut after_due, mut after_id) = (i64::MIN, 0);
        loop {
            let rows = sqlx::query(&sql)
                .bind(ms(horizon))
                .bind(after_due)
                .bind(after_id)
                .bind(floor)
                .bind(ceil)
                .bind(ms(escalate_before))
                .bind(CANDIDATE_PAGE)
                .fetch_all(&self.pool)
                .await?;
            let n = rows.len();
            for r in &rows {
                let id: Id = get(r, "id")?;
                out.push(id);
                after_id = id;
                after_due = get(r, "due_at")?;
            }
            if (n as i64) < CANDIDATE_PAGE {
                return Ok(out);
            }
        }
    }

    /// Runs the watch on one appeal, in one transaction with the appeal locked: `plan` (core's
    /// rules) says what is due; each step not done before (its mark is new) has its events
    /// appended and its notices written. Returns the steps done — 0 when another server got
    /// there first or nothing was due.
    pub async fn watch_appeal<F>(&self, id: Id, now: DateTime<Utc>, plan: F) -> Result<usize>
    where
        F: FnOnce(&AppealRecord) -> Vec<WatchStep> + Send + 'static,
    {
        let backend = self.backend;
        self.run_job(Undo::Savepoint,
            move |conn| {
                Box::pin(async move {
                    let Some(mut record) = load(conn, id, dialect::lock_appeal(backend)).await?
                    else {
                        return Ok(Done::discard(0));
                    };
                    let mut deferred = Deferred::default();
                    let mut done = 0;
                    for step in plan(&record) {
                        let inserted = sqlx::query(
                            "INSERT INTO watch_marks (appeal_id, mark, due, at) VALUES ($1, $2, $3, $4) \
                             ON CONFLICT (appeal_id, mark, due) DO NOTHING",
                        )
                        .bind(id)
                        .bind(step.finding.mark())
                        .bind(ms(step.finding.due()))
                        .bind(ms(now))
                        .execute(&mut *conn)
                        .await?;
                        if inserted.rows_affected() == 0 {
                            continue;
                        }
                        done += 1;
                        if !step.events.is_empty() {
                            let (_, d) = commit_events(conn, &record, step.events).await?;
                            deferred.deltas.merge(d.deltas);
                            record = load(conn, id, "").await?.ok_or(StoreError::NotFound)?;
                        }
                        let notices = suqiu_core::notice::for_finding(&step.finding, &record.appeal);
                        crate::notifications::insert(conn, &record, &notices, now).await?;
                    }
                    Ok(if done == 0 {
                        Done::discard(0)
                    } else {
                        Done::keep(done, deferred)
                    })
                })
            },
        )
        .await
    }
}
