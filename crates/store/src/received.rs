//! Received-count deltas of a roll-up table (`dims`, `places`): counts accumulated in memory
//! under the table's key, then added to the table in one upsert.

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use crate::dialect;
use crate::error::Result;
use crate::sql::Arg;
use crate::Backend;

/// A roll-up key whose parts, in the table's column order, are bind values.
pub(crate) trait KeyArgs {
    fn key_args(self) -> Vec<Arg>;
}

impl<A, B, C, D> KeyArgs for (A, B, C, D)
where
    A: Into<Arg>,
    B: Into<Arg>,
    C: Into<Arg>,
    D: Into<Arg>,
{
    fn key_args(self) -> Vec<Arg> {
        vec![self.0.into(), self.1.into(), self.2.into(), self.3.into()]
    }
}

/// Counts by key. A `BTreeMap`, so the upsert writes rows in key order: concurrent
/// PostgreSQL writers then lock roll-up rows in the same order and cannot deadlock.
#[derive(Debug)]
pub(crate) struct Counts<K>(BTreeMap<K, i64>);

impl<K> Default for Counts<K> {
    fn default() -> Self {
        Counts(BTreeMap::new())
    }
}

impl<K: Ord + KeyArgs> Counts<K> {
    /// Adds `n` to `key`'s count.
    pub(crate) fn bump(&mut self, key: K, n: i64) {
        *self.0.entry(key).or_default() += n;
    }

    /// Adds another set of counts (e.g. one job's into its batch's).
    pub(crate) fn merge(&mut self, other: Counts<K>) {
        for (key, n) in other.0 {
            self.bump(key, n);
        }
    }

    /// Adds the counts to `table`'s `received`: `columns` name the key's parts, then `extra`'s
    /// values (the same for every row, e.g. the shard) in that order.
    pub(crate) async fn upsert(
        self,
        backend: Backend,
        conn: &mut AnyConnection,
        (table, columns): (&str, &[&str]),
        extra: &[Arg],
    ) -> Result<()> {
        let rows = self.0.into_iter().map(|(key, n)| {
            let mut args = key.key_args();
            args.extend_from_slice(extra);
            (args, n)
        });
        dialect::add_received(backend, conn, table, columns, rows).await
    }

    /// The counts, in key order.
    pub(crate) fn into_inner(self) -> BTreeMap<K, i64> {
        self.0
    }
}
