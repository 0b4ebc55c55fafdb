//! Appeals received per (org unit, Shanghai month, place, category): the month-end report's
//! repeated problems (the same place and category at least [`REPEAT_THRESHOLD`] times) read
//! only the groups that reached the threshold, through an index on the count, instead of
//! grouping every appeal of the month (a busy station's month is tens of thousands).
//!
//! A place is named by the node where the appeal was raised and its own words: "3号楼" in
//! two communities is two buildings, so unlike the other roll-ups a row counts its node's
//! own appeals, not its subtree's (a district's report lists each community's repeated
//! places). One row per intake, then; intake and bulk load write it, and so does the action
//! path when staff sort an appeal into another category (归类/改类: its count moves to the new
//! category's row) or mark it as spam (it leaves; unmarked, it comes back) — see
//! `Deltas::move_received`. The place never changes after intake. The place is stored as core's `place_of` names
//! it (trimmed); appeals without a place are not counted. Rows are not sharded like the
//! daily roll-ups: the threshold read needs one row per group, and two concurrent intakes
//! only meet on a row when they name the same place and category at the same node.

use std::collections::BTreeMap;

use sqlx::AnyConnection;
use suqiu_core::appeal::Appeal;
use suqiu_core::calendar::shanghai_date;
use suqiu_core::report::{place_of, Month, REPEAT_THRESHOLD};
use suqiu_core::Id;

use crate::dims::{day_of_number, disagreements, sql_day};
use crate::error::{Result, StoreError};
use crate::received::Counts;
use crate::sql::{get, Args};
use crate::{Backend, Store};

/// (org unit, month as `YYYY-MM`, trimmed place, category).
type Key = (Id, String, String, String);

/// Received-count deltas by [`Key`].
pub(crate) type PlaceDeltas = Counts<Key>;

/// The roll-up table and its key columns.
const TABLE: (&str, &[&str]) = (
    "appeal_month_places",
    &["org_unit_id", "month", "place", "category"],
);

/// The repeated problems listed, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatedPlaces {
    pub listed: Vec<RepeatedPlace>,
    pub total: i64,
}

/// One repeated problem: a place at a node, a category, and how many appeals named them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatedPlace {
    pub org_unit_id: Id,
    pub org_unit_name: String,
    pub place: String,
    pub category: String,
    pub appeals: i64,
}

impl PlaceDeltas {
    /// Counts `n` appeals raised at node `org_unit_id` in `month` about `category` at
    /// `place`; nothing when the place is blank.
    fn add_values(&mut self, org_unit_id: Id, month: Month, place: &str, category: &str, n: i64) {
        if let Some(place) = place_of(place) {
            let key = (
                org_unit_id,
                month.to_string(),
                place.to_string(),
                category.to_string(),
            );
            self.bump(key, n);
        }
    }

    /// Counts `n` times (1 in, −1 out) one appeal as it is; nothing for a spam appeal.
    pub(crate) fn add(&mut self, appeal: &Appeal, n: i64) {
        if appeal.spam_at.is_some() {
            return;
        }
        if let Some(place) = &appeal.location {
            self.add_values(
                appeal.org_unit_id,
                Month::containing(shanghai_date(appeal.created_at)),
                place,
                &appeal.category,
                n,
            );
        }
    }

    /// Upserts in key order (concurrent PostgreSQL writers lock rows in the same order).
    pub(crate) async fn write(self, backend: Backend, conn: &mut AnyConnection) -> Result<()> {
        self.upsert(backend, conn, TABLE, &[]).await
    }
}

impl Store {
    /// The repeated problems of a node's subtree in `month` — places and categories with at
    /// least [`REPEAT_THRESHOLD`] appeals at one node: the `limit` most frequent (then by node,
    /// place and category), and how many there are. `NotFound` for an unknown node.
    pub async fn repeated_places(
        &self,
        org_unit_id: Id,
        month: Month,
        limit: i64,
    ) -> Result<RepeatedPlaces> {
        let node = self
            .org_unit(org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let tree = self.lookups().await?;
        // Each node of the subtree is a seek into `(org_unit_id, month, received)` that reads
        // only its groups at the threshold (a district is a few hundred seeks).
        let mut a = Args::default();
        let ids: Vec<String> = tree.subtree(&node.path).map(|u| a.push(u.id)).collect();
        let filter = format!(
            "org_unit_id IN ({}) AND month = {} AND received >= {}",
            ids.join(", "),
            a.push(month.to_string()),
            a.push(REPEAT_THRESHOLD),
        );
        let total: i64 = get(
            &a.query(&format!(
                "SELECT COUNT(*) AS n FROM appeal_month_places WHERE {filter}"
            ))
            .fetch_one(&self.pool)
            .await?,
            "n",
        )?;
        let sql = format!(
            "SELECT org_unit_id, place, category, received FROM appeal_month_places \
             WHERE {filter} ORDER BY received DESC, org_unit_id, place, category LIMIT {}",
            a.push(limit)
        );
        let listed = a
            .query(&sql)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                let org_unit_id: Id = get(r, "org_unit_id")?;
                Ok(RepeatedPlace {
                    org_unit_id,
                    org_unit_name: tree
                        .unit(org_unit_id)
                        .map(|u| u.name.clone())
                        .unwrap_or_default(),
                    place: get(r, "place")?,
                    category: get(r, "category")?,
                    appeals: get(r, "received")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(RepeatedPlaces { listed, total })
    }

    /// The roll-up as the appeals say it should be: of the appeals raised at the node with
    /// path `at`, or of all.
    async fn expected_places(conn: &mut AnyConnection, at: Option<&str>) -> Result<PlaceDeltas> {
        let mut expected = PlaceDeltas::default();
        // Grouped by day in SQL (portable; months are summed here), trimmed here.
        let day = sql_day("created_at");
        let mut a = Args::default();
        let node = match at {
            Some(path) => format!("AND org_path = {}", a.push(path)),
            None => String::new(),
        };
        let sql = format!(
            "SELECT org_unit_id, {day} AS d, location, category, COUNT(*) AS n FROM appeals \
             WHERE location IS NOT NULL AND spam_at IS NULL {node} GROUP BY org_unit_id, {day}, location, category"
        );
        let rows = a.query(&sql).fetch_all(&mut *conn).await?;
        for r in rows {
            expected.add_values(
                get(&r, "org_unit_id")?,
                Month::containing(day_of_number(get(&r, "d")?)?),
                &get::<String>(&r, "location")?,
                &get::<String>(&r, "category")?,
                get(&r, "n")?,
            );
        }
        Ok(expected)
    }

    /// Every (org unit, month, place, category) whose stored count disagrees with a
    /// recomputation from the appeals (empty when all agree).
    pub(crate) async fn verify_places(&self) -> Result<Vec<String>> {
        let expected = Self::expected_places(&mut *self.pool.acquire().await?, None)
            .await?
            .into_inner();
        let mut stored: BTreeMap<Key, i64> = BTreeMap::new();
        let rows = sqlx::query(
            "SELECT org_unit_id, month, place, category, received FROM appeal_month_places",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            stored.insert(
                (
                    get(&r, "org_unit_id")?,
                    get(&r, "month")?,
                    get(&r, "place")?,
                    get(&r, "category")?,
                ),
                get(&r, "received")?,
            );
        }
        Ok(disagreements(&expected, &stored, |key, s, e| {
            format!(
                "place roll-up of org unit {} in {} at {:?} for {}: stored {s}, expected {e}",
                key.0, key.1, key.2, key.3
            )
        }))
    }

    /// Fills the roll-up from the appeals when migration 0017 asked for it (a database whose
    /// appeals predate the table), as `backfill_dims` does for its own.
    pub(crate) async fn backfill_places(&self) -> Result<()> {
        let backend = self.backend;
        self.backfill_rollup(
            "appeal_month_places",
            "rollup_places_backfill",
            // Node by node: a district's every place of every month at once would be
            // gigabytes at ten million appeals.
            async |conn| {
                let paths: Vec<String> = sqlx::query("SELECT path FROM org_units ORDER BY path")
                    .fetch_all(&mut *conn)
                    .await?
                    .iter()
                    .map(|r| get(r, "path"))
                    .collect::<Result<_>>()?;
                for path in paths {
                    Self::expected_places(conn, Some(&path))
                        .await?
                        .write(backend, conn)
                        .await?;
                }
                Ok(())
            },
        )
        .await
    }
}
