//! The month-end report's queries: breakdowns of a node's appeals received in a period, the
//! ledger of the period, and what is overdue (the places that recur are in `places`).

use chrono::{DateTime, Days, NaiveDate, Utc};
use suqiu_core::Id;

use crate::appeal_row::{record_from, select_record};
use crate::appeals::AppealRecord;
use crate::dims::Dimension;
use crate::error::{Result, StoreError};
use crate::metrics::day_start;
use crate::sql::{get, now_bounds, Args};
use crate::{scope, Store};

/// Counts of a node's appeals received in a period, by a column's value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Breakdown {
    pub by_kind: Vec<(String, i64)>,
    /// By the category code as stored (first or second level).
    pub by_category: Vec<(String, i64)>,
    pub by_channel: Vec<(String, i64)>,
}

/// Most rows the ledger returns (an Excel sheet holds 1,048,576).
pub const LEDGER_CAP: i64 = 200_000;

impl Store {
    /// The `[start, end)` instants of Shanghai days `from..=to` and the node's path.
    async fn period(
        &self,
        org_unit_id: Id,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(String, i64, i64)> {
        let node = self
            .org_unit(org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let end = to.checked_add_days(Days::new(1)).unwrap_or(to);
        Ok((node.path, day_start(from)?, day_start(end)?))
    }

    /// Appeals received `from..=to` in the subtree of the node, counted by kind, category and
    /// channel (from the roll-up; see `dims`).
    pub async fn breakdown(
        &self,
        org_unit_id: Id,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Breakdown> {
        let mut out = Breakdown::default();
        // Counts from the roll-up (see `dims`); the report lists them by value.
        for (dim, into) in [
            (Dimension::Kind, &mut out.by_kind),
            (Dimension::Category, &mut out.by_category),
            (Dimension::Channel, &mut out.by_channel),
        ] {
            *into = self.received_by(org_unit_id, dim, from, to).await?;
            into.sort();
        }
        Ok(out)
    }

    /// Every appeal received `from..=to` in the node's subtree, in registration order (at most
    /// [`LEDGER_CAP`]), or only those open and past their deadline at `now` (`overdue_only`).
    /// Never one marked as spam: the ledger lists what the report counts.
    pub async fn ledger(
        &self,
        org_unit_id: Id,
        from: NaiveDate,
        to: NaiveDate,
        overdue_only: Option<DateTime<Utc>>,
    ) -> Result<Vec<AppealRecord>> {
        let (path, start, end) = self.period(org_unit_id, from, to).await?;
        let mut a = Args::default();
        let mut conds = vec![
            scope::in_subtree_seekable("a.org_path", &path, &*self.lookups().await?, &mut a),
            format!("a.created_at >= {}", a.push(start)),
            format!("a.created_at < {}", a.push(end)),
            "a.spam_at IS NULL".to_string(),
        ];
        if let Some(now) = overdue_only {
            // due_at is NULL unless open and not suspended: `< now` is "overdue now".
            conds.push(format!(
                "a.due_at IS NOT NULL AND a.due_at < {}",
                a.push(now_bounds(now).1)
            ));
        }
        let sql = format!(
            "{} WHERE {} ORDER BY a.id LIMIT {}",
            select_record(),
            conds.join(" AND "),
            a.push(LEDGER_CAP)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(record_from).collect()
    }

    /// The open appeals of the node's subtree that are longest past their deadline at `now`,
    /// most overdue first: of the `read` most overdue, those whose node path `keep` accepts
    /// (the scoreboard keeps a few per unit). Reads the deadline index from its oldest end and
    /// only the paths of those `read`; the full records only of the appeals kept.
    pub async fn most_overdue(
        &self,
        org_unit_id: Id,
        now: DateTime<Utc>,
        read: i64,
        mut keep: impl FnMut(&str) -> bool,
    ) -> Result<Vec<AppealRecord>> {
        let node = self
            .org_unit(org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut a = Args::default();
        let scope = if self.lookups().await?.is_whole_tree(&node.path) {
            "1 = 1".to_string()
        } else {
            scope::in_subtree("a.org_path", &node.path, &mut a)
        };
        // due_at is NULL unless open and not suspended: `< now` is "overdue now".
        let sql = format!(
            "SELECT a.id, a.org_path FROM appeals a \
             WHERE a.due_at IS NOT NULL AND a.due_at < {} AND {scope} \
             ORDER BY a.due_at, a.id LIMIT {}",
            a.push(now_bounds(now).1),
            a.push(read.clamp(1, 1_000))
        );
        let mut a_ids = Args::default();
        let mut ids = Vec::new();
        for r in a.query(&sql).fetch_all(&self.pool).await? {
            if keep(&get::<String>(&r, "org_path")?) {
                ids.push(a_ids.push(get::<Id>(&r, "id")?));
            }
        }
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "{} WHERE a.id IN ({}) ORDER BY a.due_at, a.id",
            select_record(),
            ids.join(", ")
        );
        let rows = a_ids.query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(record_from).collect()
    }
}
