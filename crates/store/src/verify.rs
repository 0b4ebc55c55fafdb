//! Record checks for `suqiu check` beyond integrity, roll-ups and balances: the links a lost
//! or partial copy of a database (a `cp` of a live SQLite file, an interrupted restore) breaks
//! without breaking a page — every appeal's timeline starts with its `registered` event, the
//! search index covers exactly the appeals, fund entries agree with their kind and their
//! transfer partner, and PostgreSQL's id sequences are ahead of the ids in use (a restore
//! that leaves one behind fails the next insert). References between tables are checked
//! by `integrity_check` (SQLite's `foreign_key_check`; PostgreSQL enforces them itself).

use crate::db::Store;
use crate::dialect;
use crate::error::Result;
use crate::sql::get;

/// Offending ids shown per problem (the line also gives how many there are).
const SHOWN: usize = 10;

/// Each check: what is wrong, and a query selecting the offending rows' ids as `id`.
const CHECKS: &[(&str, &str)] = &[
    (
        "appeals without their `registered` event (timeline lost)",
        "SELECT a.id FROM appeals a WHERE NOT EXISTS \
         (SELECT 1 FROM appeal_events e WHERE e.appeal_id = a.id AND e.type = 'registered')",
    ),
    (
        "fund entries whose signed amount is not plus or minus their amount",
        "SELECT id FROM fund_entries \
         WHERE delta_cents <> amount_cents AND delta_cents <> -amount_cents",
    ),
    (
        "fund entries whose posting time disagrees with their status",
        "SELECT id FROM fund_entries WHERE (status = 'posted' AND posted_at IS NULL) \
         OR (status <> 'posted' AND posted_at IS NOT NULL)",
    ),
    (
        "fund entries whose reversal link disagrees with their kind",
        "SELECT id FROM fund_entries WHERE (kind = 'reversal' AND reverses IS NULL) \
         OR (kind <> 'reversal' AND reverses IS NOT NULL)",
    ),
    (
        "transfers whose other leg is missing or does not mirror them",
        "SELECT e.id FROM fund_entries e LEFT JOIN fund_entries c ON c.id = e.counterpart_entry_id \
         WHERE e.kind = 'transfer' AND (c.id IS NULL OR c.counterpart_entry_id IS NULL \
         OR c.counterpart_entry_id <> e.id OR c.delta_cents <> -e.delta_cents \
         OR c.org_unit_id <> e.counterpart_org_unit_id)",
    ),
];

/// The search index (`dialect::search_table`: one row per appeal, keyed by the appeal's id)
/// against the appeals, its table and id column in the placeholders `{t}` and `{id}`.
const SEARCH_INDEX_CHECKS: &[(&str, &str)] = &[
    (
        "appeals missing from the search index",
        "SELECT a.id FROM appeals a WHERE NOT EXISTS \
         (SELECT 1 FROM {t} f WHERE f.{id} = a.id)",
    ),
    (
        "search index rows for appeals that do not exist",
        "SELECT f.{id} AS id FROM {t} f WHERE NOT EXISTS \
         (SELECT 1 FROM appeals a WHERE a.id = f.{id})",
    ),
];

/// The tables whose row counts `suqiu check` reports (to compare a copy with its source).
pub const COUNTED: &[&str] = &[
    "appeals",
    "appeal_events",
    "people",
    "fund_entries",
    "supermarket_movements",
    "users",
];

impl Store {
    /// Broken links between records, one line per kind of problem (empty when all hold).
    pub async fn verify_records(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let (table, id) = dialect::search_table(self.backend);
        let index_checks = SEARCH_INDEX_CHECKS
            .iter()
            .map(|(what, sql)| (*what, sql.replace("{t}", table).replace("{id}", id)));
        let checks =
            (CHECKS.iter().map(|(what, sql)| (*what, sql.to_string()))).chain(index_checks);
        for (what, sql) in checks {
            if let Some(line) = self.offenders(what, &sql).await? {
                problems.push(line);
            }
        }
        problems.extend(dialect::sequence_problems(self.backend, &self.pool).await?);
        Ok(problems)
    }

    /// Row counts of the `COUNTED` tables, in that order.
    pub async fn record_counts(&self) -> Result<Vec<(&'static str, i64)>> {
        let mut counts = Vec::with_capacity(COUNTED.len());
        for table in COUNTED {
            let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
                .fetch_one(&self.pool)
                .await?;
            counts.push((*table, get(&row, "n")?));
        }
        Ok(counts)
    }

    /// `None` when `sql` selects nothing, else a line naming how many and the first ids.
    async fn offenders(&self, what: &str, sql: &str) -> Result<Option<String>> {
        let rows = sqlx::query(&format!("{sql} ORDER BY 1 LIMIT {SHOWN}"))
            .fetch_all(&self.pool)
            .await?;
        if rows.is_empty() {
            return Ok(None);
        }
        let ids = rows
            .iter()
            .map(|r| get::<i64>(r, "id").map(|id| id.to_string()))
            .collect::<Result<Vec<_>>>()?;
        let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM ({sql}) offenders"))
            .fetch_one(&self.pool)
            .await?;
        let n: i64 = get(&row, "n")?;
        let more = if n as usize > ids.len() { ", …" } else { "" };
        Ok(Some(format!("{what}: {n} (ids {}{more})", ids.join(", "))))
    }
}
