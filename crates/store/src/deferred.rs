//! Secondary indexes set aside during a bulk load of millions of appeals.
//!
//! Maintaining a dozen B-trees (and PostgreSQL's search index) row by row is most of a bulk
//! load's cost once the tables outgrow memory; building each index once at the end, from
//! sorted input, is several times faster. The definitions are read from the database itself
//! (so they are exactly what the migrations made) and kept in `settings` before anything is
//! dropped: if the load dies half-way, the next [`Store::open`] builds them again.
//! Unique indexes and primary keys stay, so the load's integrity checks stay too.

use crate::error::{Result, StoreError};
use crate::sql::get;
use crate::{dialect, Store};

/// The settings key holding the set-aside definitions, as a JSON list of statements.
const KEY: &str = "deferred_indexes";

/// The tables a bulk load fills.
const TABLES: &str = "('appeals', 'appeal_events', 'appeal_neardup_keys', 'appeal_search')";

impl Store {
    /// Drops the non-unique indexes of the appeals and their events, keeping their
    /// definitions for [`Store::restore_deferred_indexes`]. Only for a bulk load.
    pub async fn defer_indexes(&self) -> Result<()> {
        let sql = dialect::deferrable_indexes(self.backend, TABLES);
        let mut tx = self.writer.begin().await?;
        let mut definitions = Vec::new();
        let mut names = Vec::new();
        for row in sqlx::query(&sql).fetch_all(&mut *tx).await? {
            names.push(get::<String>(&row, "name")?);
            definitions.push(if_not_exists(&get::<String>(&row, "sql")?)?);
        }
        if definitions.is_empty() {
            return Ok(());
        }
        let kept = serde_json::to_string(&definitions)
            .map_err(|e| StoreError::Corrupt(format!("index definitions: {e}")))?;
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(KEY)
        .bind(kept)
        .execute(&mut *tx)
        .await?;
        for name in names {
            sqlx::query(&format!("DROP INDEX IF EXISTS {name}"))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Builds the indexes [`Store::defer_indexes`] set aside, if any, and refreshes the
    /// planner's statistics. Called after a bulk load and whenever a store opens.
    pub async fn restore_deferred_indexes(&self) -> Result<()> {
        let Some(kept) = self.setting(KEY).await? else {
            return Ok(());
        };
        let definitions: Vec<String> = serde_json::from_str(&kept)
            .map_err(|e| StoreError::Corrupt(format!("setting {KEY}: {e}")))?;
        let mut conn = self.writer.acquire().await?;
        let (before, after) = dialect::index_build_settings(self.backend);
        let statements = before.iter().copied().map(str::to_string);
        let statements = statements
            .chain(definitions)
            .chain(after.iter().copied().map(str::to_string));
        for statement in statements {
            sqlx::query(&statement).execute(&mut *conn).await?;
        }
        drop(conn);
        sqlx::query("DELETE FROM settings WHERE key = $1")
            .bind(KEY)
            .execute(self.writer.pool()?)
            .await?;
        self.analyze().await
    }
}

/// `CREATE INDEX name …` as `CREATE INDEX IF NOT EXISTS name …`, so a rebuild interrupted
/// half-way can run again.
fn if_not_exists(definition: &str) -> Result<String> {
    const PREFIX: &str = "CREATE INDEX ";
    match definition.get(..PREFIX.len()) {
        Some(p) if p.eq_ignore_ascii_case(PREFIX) => Ok(format!(
            "CREATE INDEX IF NOT EXISTS {}",
            &definition[PREFIX.len()..]
        )),
        _ => Err(StoreError::Corrupt(format!(
            "unexpected index definition: {definition}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_are_made_rerunnable() {
        assert_eq!(
            if_not_exists("CREATE INDEX a ON appeals USING btree (x)").unwrap(),
            "CREATE INDEX IF NOT EXISTS a ON appeals USING btree (x)"
        );
        assert_eq!(
            if_not_exists("create index b ON t (y)").unwrap(),
            "CREATE INDEX IF NOT EXISTS b ON t (y)"
        );
        assert!(if_not_exists("CREATE UNIQUE INDEX c ON t (z)").is_err());
    }
}
