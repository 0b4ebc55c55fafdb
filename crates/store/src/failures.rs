//! Counts of failed attempts per key (a username at sign-in, a tracking code at the
//! appellant's lookup), for the server's locks (`suqiu_server::throttle`). Kept in a table
//! so that a lock outlives any flood of other failures and every server on one database
//! sees it. Keys are stored as the SHA-256 of scope and key.

use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::sql::{get, get_time, ms};
use crate::Store;

/// Failures of one key: how many in the current run, and the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureCount {
    pub count: i64,
    pub last: DateTime<Utc>,
}

fn key_hash(scope: &str, key: &str) -> String {
    hex::encode(Sha256::digest(format!("{scope}\u{0}{key}").as_bytes()))
}

impl Store {
    /// The failures recorded for `key` in `scope`, if any.
    pub async fn failures(&self, scope: &str, key: &str) -> Result<Option<FailureCount>> {
        let row = sqlx::query(
            "SELECT count, last_at FROM auth_failures WHERE scope = $1 AND key_hash = $2",
        )
        .bind(scope)
        .bind(key_hash(scope, key))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(FailureCount {
                count: get(&r, "count")?,
                last: get_time(&r, "last_at")?,
            })
        })
        .transpose()
    }

    /// Counts one failure of `key` at `now`; a failure more than `window` after the last
    /// one starts a new count. One statement, so concurrent failures are all counted.
    pub async fn record_failure(
        &self,
        scope: &str,
        key: &str,
        now: DateTime<Utc>,
        window: TimeDelta,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO auth_failures (scope, key_hash, count, last_at) VALUES ($1, $2, 1, $3)
             ON CONFLICT (scope, key_hash) DO UPDATE SET
               count = CASE WHEN auth_failures.last_at < $4 THEN 1 ELSE auth_failures.count + 1 END,
               last_at = excluded.last_at",
        )
        .bind(scope)
        .bind(key_hash(scope, key))
        .bind(ms(now))
        .bind(ms(now - window))
        .execute(self.writer.pool()?)
        .await?;
        Ok(())
    }

    /// Forgets the failures of `key` (after a success).
    pub async fn clear_failures(&self, scope: &str, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM auth_failures WHERE scope = $1 AND key_hash = $2")
            .bind(scope)
            .bind(key_hash(scope, key))
            .execute(self.writer.ungated())
            .await?;
        Ok(())
    }

    /// Deletes the counts of `scope` whose last attempt is before `before` (they lock
    /// nothing any more); returns how many. Per scope: each kind of count has its own window.
    pub async fn purge_failures(&self, scope: &str, before: DateTime<Utc>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM auth_failures WHERE scope = $1 AND last_at < $2")
            .bind(scope)
            .bind(ms(before))
            .execute(self.writer.ungated())
            .await?;
        Ok(done.rows_affected())
    }
}
