//! Recomputing the search tokens of appeals written before the fragment index or a change of its
//! tokens (migrations 0036 and 0038, `suqiu_text::search`): newest first, a batch at a time,
//! resumable. The mark `search_reindex.below_id` says which appeals still hold the old tokens
//! (ids below it); it moves down in the same transaction as each batch's tokens, so a run stopped
//! anywhere goes on where it was, and new appeals (ids at or above it) are written with the new
//! tokens. Until the mark reaches the bottom, old appeals are found by the words they were found
//! by before, and fragments may miss them.

use suqiu_core::Id;

use crate::dialect::{self, index_tokens, search_scope};
use crate::error::Result;
use crate::sql::get;
use crate::Store;

/// Appeals per batch: each is one short write transaction (on SQLite the single writer's),
/// so intakes between batches wait no longer than for a group commit.
const BATCH: i64 = 200;

/// An appeal whose tokens are recomputed.
struct Stale {
    id: Id,
    old: String,
    new: String,
    scope: String,
}

impl Store {
    /// Recomputes the search tokens of the next batch of appeals written before migration
    /// 0036 or 0038 (newest first); how many it did, 0 when none are left (or another run moved the
    /// mark meanwhile: that run goes on).
    pub async fn reindex_search_batch(&self) -> Result<usize> {
        let row = sqlx::query("SELECT below_id FROM search_reindex WHERE id = 1")
            .fetch_optional(self.writer.ungated())
            .await?;
        let below: Id = match row {
            Some(row) => get(&row, "below_id")?,
            None => return Ok(0),
        };
        if below <= 1 {
            return Ok(0);
        }
        let rows = sqlx::query(
            "SELECT id, title, content, location, org_path, search_tokens FROM appeals \
             WHERE id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(below)
        .bind(BATCH)
        .fetch_all(self.writer.ungated())
        .await?;
        // Segmenting is CPU work: done before the write transaction.
        let mut stale = Vec::with_capacity(rows.len());
        for row in &rows {
            let title: Option<String> = get(row, "title")?;
            let content: String = get(row, "content")?;
            let location: Option<String> = get(row, "location")?;
            let org_path: String = get(row, "org_path")?;
            stale.push(Stale {
                id: get(row, "id")?,
                old: get(row, "search_tokens")?,
                new: index_tokens(title.as_deref(), &content, location.as_deref()),
                scope: search_scope(&org_path)?,
            });
        }
        let next = stale.last().map_or(0, |s| s.id);
        let mut tx = self.writer.begin().await?;
        // Only from the mark this run read: a concurrent run (another replica) did the same
        // rows, and SQLite's contentless index must be told the exact tokens it holds.
        let moved =
            sqlx::query("UPDATE search_reindex SET below_id = $1 WHERE id = 1 AND below_id = $2")
                .bind(next)
                .bind(below)
                .execute(&mut *tx)
                .await?;
        if moved.rows_affected() == 0 {
            return Ok(0);
        }
        for s in &stale {
            let tokens = (s.old.as_str(), s.new.as_str());
            dialect::replace_search(self.backend, &mut tx, s.id, tokens, &s.scope).await?;
            sqlx::query("UPDATE appeals SET search_tokens = $1 WHERE id = $2")
                .bind(&s.new)
                .bind(s.id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(stale.len())
    }

    /// Recomputes every appeal written before migration 0036 or 0038 (see
    /// [`Store::reindex_search_batch`]); how many.
    pub async fn reindex_search(&self) -> Result<usize> {
        let mut done = 0;
        loop {
            match self.reindex_search_batch().await? {
                0 => return Ok(done),
                n => done += n,
            }
        }
    }
}
