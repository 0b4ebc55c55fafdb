//! Appeals received per (org unit, day) by kind, category and channel: the roll-up behind the
//! statistics page's category breakdown and the month-end report's counts, so a district's
//! month or year reads a few thousand rows instead of every appeal.
//!
//! Like `appeal_daily` (see `metrics`), a row holds its node's whole subtree: an intake adds
//! 1 to the row of every ancestor of its node, for each of the three dimensions. Kind and
//! channel never change after intake; the category does when staff sort the appeal (归类/改类),
//! and an appeal marked as spam counts in no dimension: the action path moves the counts then
//! (`Deltas::move_received`), in the action's transaction. `verify` recomputes from the
//! appeals (those not marked as spam); `backfill` fills the table once for a database that had
//! appeals before it existed.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sqlx::AnyConnection;
use suqiu_core::appeal::Appeal;
use suqiu_core::calendar::shanghai_date;
use suqiu_core::Id;

use crate::dialect;
use crate::error::{Result, StoreError};
use crate::metrics::ancestors;
use crate::received::Counts;
use crate::sql::{date_text, get, Arg, Args};
use crate::{Backend, Store};

/// A dimension of the roll-up: the column of `appeals` it counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dimension {
    Kind,
    Category,
    Channel,
}

impl Dimension {
    pub const ALL: [Dimension; 3] = [Dimension::Kind, Dimension::Category, Dimension::Channel];

    /// The `appeals` column, which is also the `dim` value stored.
    pub fn column(self) -> &'static str {
        match self {
            Dimension::Kind => "kind",
            Dimension::Category => "category",
            Dimension::Channel => "channel",
        }
    }
}

/// Milliseconds in a day, and Asia/Shanghai's offset (UTC+8 all year: China keeps no summer
/// time), so SQL can bucket `created_at` into Shanghai days as `shanghai_date` does.
const DAY_MS: i64 = 86_400_000;
const SHANGHAI_OFFSET_MS: i64 = 8 * 3_600_000;
/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const UNIX_EPOCH_CE_DAYS: i32 = 719_163;

/// SQL for the Shanghai day number of an epoch-milliseconds `column` (read back with
/// [`day_of_number`]): portable integer arithmetic, so a grouping by day runs in SQL.
pub(crate) fn sql_day(column: &str) -> String {
    format!("({column} + {SHANGHAI_OFFSET_MS}) / {DAY_MS}")
}

/// The Shanghai day of an SQL day number (see [`sql_day`]).
pub(crate) fn day_of_number(n: i64) -> Result<NaiveDate> {
    i32::try_from(n)
        .ok()
        .and_then(|n| NaiveDate::from_num_days_from_ce_opt(UNIX_EPOCH_CE_DAYS + n))
        .ok_or_else(|| StoreError::Corrupt(format!("day number {n} out of range")))
}

type Key = (Id, String, Dimension, String);

/// Received-count deltas keyed by (org unit, Shanghai day, dimension, value).
pub(crate) type DimDeltas = Counts<Key>;

/// The roll-up table and its key columns, the shard last.
const TABLE: (&str, &[&str]) = (
    "appeal_daily_dims",
    &["org_unit_id", "day", "dim", "value", "shard"],
);

impl From<Dimension> for Arg {
    fn from(dim: Dimension) -> Arg {
        Arg::from(dim.column())
    }
}

impl DimDeltas {
    /// Counts `n` appeals raised at `org_path` on `created_at` with these values, in the rows
    /// of every ancestor.
    fn add_values(
        &mut self,
        org_path: &str,
        day: NaiveDate,
        values: [(Dimension, &str); 3],
        n: i64,
    ) -> Result<()> {
        let day = date_text(day);
        for id in ancestors(org_path)? {
            for (dim, value) in values {
                self.bump((id, day.clone(), dim, value.to_string()), n);
            }
        }
        Ok(())
    }

    /// Counts `n` times (1 in, −1 out) one appeal as it is; nothing for a spam appeal.
    pub(crate) fn add(&mut self, org_path: &str, appeal: &Appeal, n: i64) -> Result<()> {
        if appeal.spam_at.is_some() {
            return Ok(());
        }
        self.add_values(
            org_path,
            shanghai_date(appeal.created_at),
            [
                (Dimension::Kind, appeal.kind.code()),
                (Dimension::Category, &appeal.category),
                (Dimension::Channel, appeal.channel.code()),
            ],
            n,
        )
    }

    /// Upserts into `shard` (the caller's, as for `appeal_daily`), in key order.
    pub(crate) async fn write(
        self,
        backend: Backend,
        conn: &mut AnyConnection,
        shard: i64,
    ) -> Result<()> {
        self.upsert(backend, conn, TABLE, &[Arg::from(shard)]).await
    }
}

impl Store {
    /// `(value, appeals)` received on days `from..=to` in the subtree of `org_unit_id`, by
    /// `dim`, most first (then by value). `NotFound` for an unknown node.
    pub async fn received_by(
        &self,
        org_unit_id: Id,
        dim: Dimension,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, i64)>> {
        self.org_unit(org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut a = Args::default();
        let sql = format!(
            "SELECT value, CAST(SUM(received) AS BIGINT) AS n FROM appeal_daily_dims \
             WHERE org_unit_id = {} AND dim = {} AND day >= {} AND day <= {} \
             GROUP BY value HAVING SUM(received) <> 0 ORDER BY n DESC, value",
            a.push(org_unit_id),
            a.push(dim.column()),
            a.push(date_text(from)),
            a.push(date_text(to)),
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok((get(r, "value")?, get(r, "n")?)))
            .collect()
    }

    /// The roll-up as the appeals say it should be.
    async fn expected_dims(conn: &mut AnyConnection) -> Result<DimDeltas> {
        let mut expected = DimDeltas::default();
        // Grouped in SQL first (a million appeals are some ten thousand groups), ancestors
        // spread out here.
        let day = sql_day("created_at");
        let rows = sqlx::query(&format!(
            "SELECT org_path, {day} AS d, kind, category, channel, COUNT(*) AS n \
             FROM appeals WHERE spam_at IS NULL GROUP BY org_path, {day}, kind, category, channel"
        ))
        .fetch_all(&mut *conn)
        .await?;
        for r in rows {
            let (kind, category, channel): (String, String, String) =
                (get(&r, "kind")?, get(&r, "category")?, get(&r, "channel")?);
            expected.add_values(
                &get::<String>(&r, "org_path")?,
                day_of_number(get(&r, "d")?)?,
                [
                    (Dimension::Kind, &kind),
                    (Dimension::Category, &category),
                    (Dimension::Channel, &channel),
                ],
                get(&r, "n")?,
            )?;
        }
        Ok(expected)
    }

    /// Every (org unit, day, dimension, value) whose stored count disagrees with a
    /// recomputation from the appeals (empty when all agree).
    pub(crate) async fn verify_dims(&self) -> Result<Vec<String>> {
        let expected = Self::expected_dims(&mut *self.pool.acquire().await?)
            .await?
            .into_inner();
        let mut stored: BTreeMap<Key, i64> = BTreeMap::new();
        let rows = sqlx::query(
            "SELECT org_unit_id, day, dim, value, CAST(SUM(received) AS BIGINT) AS n \
             FROM appeal_daily_dims GROUP BY org_unit_id, day, dim, value",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            let dim: String = get(&r, "dim")?;
            let dim = Dimension::ALL
                .into_iter()
                .find(|d| d.column() == dim)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown roll-up dimension {dim:?}")))?;
            stored.insert(
                (
                    get(&r, "org_unit_id")?,
                    get(&r, "day")?,
                    dim,
                    get(&r, "value")?,
                ),
                get(&r, "n")?,
            );
        }
        Ok(disagreements(&expected, &stored, |key, s, e| {
            format!(
                "{} roll-up of org unit {} on {} for {:?}: stored {s}, expected {e}",
                key.2.column(),
                key.0,
                key.1,
                key.3
            )
        }))
    }

    /// Rebuilds the roll-up from the appeals when migration 0012 asked for it (a database
    /// whose appeals predate the table).
    pub(crate) async fn backfill_dims(&self) -> Result<()> {
        let backend = self.backend;
        self.backfill_rollup("appeal_daily_dims", "rollup_dims_backfill", async |conn| {
            Self::expected_dims(conn)
                .await?
                .write(backend, conn, 0)
                .await
        })
        .await
    }

    /// Replaces `table` by what `fill` writes, when a migration left `marker` in `settings`
    /// (a roll-up added to a database that already had appeals), and removes the marker.
    /// Under a table lock on PostgreSQL, so a second server starting at the same time, or
    /// intakes meanwhile, neither double nor lose a count: the table becomes what the
    /// committed appeals say, and later intakes add to it.
    pub(crate) async fn backfill_rollup(
        &self,
        table: &str,
        marker: &str,
        fill: impl AsyncFnOnce(&mut AnyConnection) -> Result<()>,
    ) -> Result<()> {
        let mut tx = self.writer.begin().await?;
        dialect::lock_table(self.backend, &mut tx, table, "EXCLUSIVE").await?;
        let mut a = Args::default();
        let sql = format!("DELETE FROM settings WHERE key = {}", a.push(marker));
        if a.query(&sql).execute(&mut *tx).await?.rows_affected() == 0 {
            return Ok(());
        }
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *tx)
            .await?;
        fill(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The keys on which a stored roll-up and its recomputation disagree, each described by
/// `describe(key, stored, expected)` (a missing row counts 0).
pub(crate) fn disagreements<K: Ord>(
    expected: &BTreeMap<K, i64>,
    stored: &BTreeMap<K, i64>,
    describe: impl Fn(&K, i64, i64) -> String,
) -> Vec<String> {
    let keys: std::collections::BTreeSet<&K> = expected.keys().chain(stored.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let e = expected.get(key).copied().unwrap_or(0);
            let s = stored.get(key).copied().unwrap_or(0);
            (e != s).then(|| describe(key, s, e))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, TimeZone, Utc};

    /// The day number SQL computes for an instant.
    fn day_number(t: DateTime<Utc>) -> i64 {
        (t.timestamp_millis() + SHANGHAI_OFFSET_MS).div_euclid(DAY_MS)
    }

    #[test]
    fn sql_day_buckets_are_shanghai_days() {
        for (y, m, d, h, min) in [
            (2026, 1, 1, 0, 0),
            (2025, 12, 31, 15, 59),
            (2025, 12, 31, 16, 0),
            (2026, 6, 30, 23, 59),
            (2024, 2, 29, 12, 0),
        ] {
            let t = Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap();
            assert_eq!(
                day_of_number(day_number(t)).unwrap(),
                shanghai_date(t),
                "{t}"
            );
        }
    }
}
