//! Every place SQLite and PostgreSQL differ: opening, integrity checks, full-text search, row
//! and table locks, id reservation, bulk inserts, roll-up shards, index rebuilds. Everything
//! else (placeholders `$N`, `INSERT … ON CONFLICT … DO UPDATE`, `RETURNING`,
//! `CAST(SUM(x) AS BIGINT)`) is written once in portable SQL. Nothing outside this file
//! matches on [`Backend`] (`tests/one_dialect.rs` holds the crate to it): code elsewhere asks
//! one of these functions, whose name says what differs.

use std::time::Duration;

use rand::Rng;
use sqlx::{AnyConnection, AnyPool};
use suqiu_core::Id;
use suqiu_text::search::Query;

use crate::db::{self, Opened};
use crate::error::{Result, StoreError};
use crate::fulltext;
use crate::sql::{get, Arg, Args};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names: `sqlite:…`, or `postgres:`/`postgresql:`.
    pub fn from_url(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Config(format!(
                "unsupported database URL {:?}: use sqlite://path/to/file.db, sqlite::memory: or postgres://user@host/db",
                db::redact(url)
            )))
        }
    }
}

/// Opens and migrates the database at `url`, of the backend the URL names. `wait`:
/// PostgreSQL not reachable yet is waited for instead of failing (SQLite is a file, there
/// is nothing to wait for).
pub(crate) async fn open(url: &str, wait: bool) -> Result<(Backend, Opened)> {
    let backend = Backend::from_url(url)?;
    let opened = match backend {
        Backend::Sqlite => db::open_sqlite(url).await?,
        Backend::Postgres => db::open_postgres(url, wait).await?,
    };
    Ok((backend, opened))
}

/// A pool whose statements the database cancels after `timeout`, to serve from once start-up
/// is done; `None` on SQLite, which has no statement timeout (its one writer is bounded by
/// the group commit's batches instead).
pub(crate) async fn bounded_pool(
    backend: Backend,
    url: &str,
    timeout: Duration,
) -> Result<Option<AnyPool>> {
    match backend {
        Backend::Sqlite => Ok(None),
        Backend::Postgres => Ok(Some(db::connect_postgres(url, Some(timeout)).await?)),
    }
}

/// The problems the backend's own integrity check finds, one line each (empty when none):
/// `PRAGMA integrity_check` and `PRAGMA foreign_key_check` on SQLite; on PostgreSQL, which
/// checks its own pages and enforces references itself, a round trip.
pub(crate) async fn integrity_problems(backend: Backend, pool: &AnyPool) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    match backend {
        Backend::Sqlite => {
            for row in sqlx::query("PRAGMA integrity_check")
                .fetch_all(pool)
                .await?
            {
                let line: String = get(&row, "integrity_check")?;
                if line != "ok" {
                    problems.push(line);
                }
            }
            for row in sqlx::query("PRAGMA foreign_key_check")
                .fetch_all(pool)
                .await?
            {
                let table: String = get(&row, "table")?;
                let rowid: Option<i64> = get(&row, "rowid")?;
                let parent: String = get(&row, "parent")?;
                problems.push(format!("{table} row {rowid:?}: missing {parent} reference"));
            }
        }
        Backend::Postgres => {
            sqlx::query("SELECT 1").execute(pool).await?;
        }
    }
    Ok(problems)
}

/// PostgreSQL: the identity sequences behind the largest id in their table, one line each
/// (pg_restore sets them; a hand-made copy may not, and the next insert then collides).
/// SQLite takes the next id from the table itself: nothing can lag.
pub(crate) async fn sequence_problems(backend: Backend, pool: &AnyPool) -> Result<Vec<String>> {
    if backend == Backend::Sqlite {
        return Ok(Vec::new());
    }
    let tables = sqlx::query(
        "SELECT table_name::text AS t FROM information_schema.columns \
         WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES' \
         ORDER BY table_name",
    )
    .fetch_all(pool)
    .await?;
    let mut problems = Vec::new();
    for row in tables {
        let table: String = get(&row, "t")?;
        let row = sqlx::query(&format!(
            "SELECT pg_sequence_last_value(pg_get_serial_sequence('\"{table}\"', 'id')) AS last, \
             (SELECT MAX(id) FROM \"{table}\") AS max_id"
        ))
        .fetch_one(pool)
        .await?;
        let last: Option<i64> = get(&row, "last")?;
        let max: Option<i64> = get(&row, "max_id")?;
        if let Some(max) = max.filter(|m| *m > last.unwrap_or(0)) {
            problems.push(format!(
                "id sequence of {table} is behind its rows (at {}, largest id {max}): the next insert would collide",
                last.map_or("unused".to_string(), |l| l.to_string())
            ));
        }
    }
    Ok(problems)
}

/// Adds the full-text rows (appeal id, tokens, scope) of new appeals to the search index:
/// SQLite's FTS5 `appeal_fts`, PostgreSQL's `appeal_search` (tokens and marks as a tsvector,
/// see `fulltext`).
pub(crate) async fn insert_search(
    backend: Backend,
    conn: &mut AnyConnection,
    rows: Vec<(Id, String, String)>,
) -> Result<()> {
    match backend {
        Backend::Sqlite => {
            let rows = (rows.into_iter())
                .map(|(id, tokens, scope)| vec![id.into(), tokens.into(), scope.into()])
                .collect();
            let columns = ["rowid", "tokens", "scope"];
            insert_rows(backend, conn, "appeal_fts", &columns, rows, "").await
        }
        Backend::Postgres => {
            let rows = (rows.into_iter())
                .map(|(id, tokens, scope)| {
                    vec![
                        id.into(),
                        fulltext::indexed_text(id, &tokens, &scope).into(),
                    ]
                })
                .collect();
            let columns = [("appeal_id", "{}"), ("tsv", "to_tsvector('simple', {})")];
            let suffix = "ON CONFLICT (appeal_id) DO UPDATE SET tsv = excluded.tsv";
            insert_rows_as(backend, conn, "appeal_search", &columns, rows, suffix).await
        }
    }
}

/// Replaces appeal `id`'s full-text row: it held `old` (SQLite's contentless FTS5 forgets a
/// row only by being told what it holds), it now holds `new`.
pub(crate) async fn replace_search(
    backend: Backend,
    conn: &mut AnyConnection,
    id: Id,
    (old, new): (&str, &str),
    scope: &str,
) -> Result<()> {
    if backend == Backend::Sqlite {
        sqlx::query(
            "INSERT INTO appeal_fts (appeal_fts, rowid, tokens, scope) VALUES ('delete', $1, $2, $3)",
        )
        .bind(id)
        .bind(old)
        .bind(scope)
        .execute(&mut *conn)
        .await?;
    }
    insert_search(
        backend,
        conn,
        vec![(id, new.to_string(), scope.to_string())],
    )
    .await
}

/// Whether the search index hands out a query's matches newest first and stops at the page
/// (SQLite's FTS5), so a search-only list is counted and paged in it; otherwise (PostgreSQL's
/// GIN) the list reads the matches window by window first (`fulltext::newest_matches`).
pub(crate) fn search_index_pages(backend: Backend) -> bool {
    backend == Backend::Sqlite
}

/// The search index's table and the column holding the appeal's id.
pub(crate) fn search_table(backend: Backend) -> (&'static str, &'static str) {
    match backend {
        Backend::Sqlite => ("appeal_fts", "rowid"),
        Backend::Postgres => ("appeal_search", "appeal_id"),
    }
}

/// The roll-up shard a transaction adds its counts to (see `metrics::ROLLUP_SHARDS`). On
/// PostgreSQL concurrent writers spread over the shards so they do not queue for one row; on
/// SQLite the single writer has nobody to avoid: one shard keeps the tables small.
pub(crate) fn rollup_shard(backend: Backend) -> i64 {
    match backend {
        Backend::Sqlite => 0,
        Backend::Postgres => rand::thread_rng().gen_range(0..crate::metrics::ROLLUP_SHARDS),
    }
}

/// Holds `table` in lock `mode` (`EXCLUSIVE`, `SHARE ROW EXCLUSIVE`, …) until the
/// transaction on `conn` ends, keeping concurrent writers of it off. On SQLite the single
/// writer already serializes writes: nothing to do.
pub(crate) async fn lock_table(
    backend: Backend,
    conn: &mut AnyConnection,
    table: &str,
    mode: &str,
) -> Result<()> {
    if backend == Backend::Postgres {
        sqlx::query(&format!("LOCK TABLE {table} IN {mode} MODE"))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Holds a lock named `key` until the transaction on `conn` ends: one transaction with the
/// same key at a time, without locking any row (PostgreSQL's advisory lock). On SQLite the
/// single writer already serializes writes.
pub(crate) async fn lock_key(backend: Backend, conn: &mut AnyConnection, key: &str) -> Result<()> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(key)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// A query listing, as `name` and `sql`, the definitions of the indexes of `tables` (an SQL
/// list, `('a', 'b')`) that a bulk load may drop and build again: neither unique nor primary
/// keys, so the load's integrity checks stay.
pub(crate) fn deferrable_indexes(backend: Backend, tables: &str) -> String {
    match backend {
        Backend::Sqlite => format!(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' \
             AND tbl_name IN {tables} AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' \
             ORDER BY name"
        ),
        Backend::Postgres => format!(
            "SELECT i.relname::text AS name, pg_get_indexdef(i.oid) AS sql FROM pg_index x \
             JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
             WHERE t.relname IN {tables} AND pg_table_is_visible(t.oid) \
             AND NOT x.indisunique AND NOT x.indisprimary ORDER BY i.relname::text"
        ),
    }
}

/// The session settings to run before building indexes, and those that undo them after.
/// PostgreSQL sorts in memory rather than in temporary files: minutes saved at 10M rows.
pub(crate) fn index_build_settings(
    backend: Backend,
) -> (&'static [&'static str], &'static [&'static str]) {
    match backend {
        Backend::Sqlite => (&[], &[]),
        Backend::Postgres => (
            &["SET maintenance_work_mem = '1GB'"],
            &["RESET maintenance_work_mem"],
        ),
    }
}

/// The search tokens of an appeal's free text, computed once at write time.
pub(crate) fn index_tokens(title: Option<&str>, content: &str, location: Option<&str>) -> String {
    suqiu_text::Segmenter::shared().index_tokens(&search_text(title, content, location))
}

/// An appeal's searched text: its title, content and location, apart.
pub(crate) fn search_text(title: Option<&str>, content: &str, location: Option<&str>) -> String {
    format!(
        "{} {} {}",
        title.unwrap_or(""),
        content,
        location.unwrap_or("")
    )
}

/// The `scope` column of an appeal's full-text row: its node's ancestors ('1 4 27').
pub(crate) fn search_scope(org_path: &str) -> Result<String> {
    let ids: Vec<String> = crate::metrics::ancestors(org_path)?
        .iter()
        .map(Id::to_string)
        .collect();
    Ok(ids.join(" "))
}

/// A WHERE condition on appeals aliased `a` matching the full-text query `q` (every piece of
/// it as a fragment, see `suqiu_text::search`), or `None` when `q` has no letter or digit
/// (nothing can match).
///
/// `subtrees` are org unit ids the result must lie under (the actor's node, a node filter;
/// the whole tree left out): they go into the index's query itself (SQLite's `scope : "27"`,
/// PostgreSQL's `ǂs27ǂ` mark, see `fulltext`), so the index intersects the word's matches
/// with the subtree. In a `small_scope` (a liaison's or volunteer's appeals) each candidate
/// row is checked with a lookup by id instead of collecting every match in the district.
pub(crate) fn search_condition(
    backend: Backend,
    q: &str,
    subtrees: &[Id],
    small_scope: bool,
    args: &mut Args,
) -> Option<String> {
    let (matches, id) = match backend {
        Backend::Sqlite => (
            format!("appeal_fts MATCH {}", fts_match(q, subtrees, args)?),
            "appeal_fts.rowid",
        ),
        Backend::Postgres => (
            format!(
                "appeal_search.tsv @@ to_tsquery('simple', {})",
                args.push(fulltext::tsquery(q, subtrees)?)
            ),
            "appeal_search.appeal_id",
        ),
    };
    let (table, _) = search_table(backend);
    Some(if small_scope {
        format!("EXISTS (SELECT 1 FROM {table} WHERE {matches} AND {id} = a.id)")
    } else {
        format!("a.id IN (SELECT {id} FROM {table} WHERE {matches})")
    })
}

/// SQLite: the FTS5 MATCH expression for `q` within `subtrees`, pushed as an argument; its
/// placeholder, or `None` when `q` has no searchable token. A search that is nothing but
/// this MATCH can be counted and paged in the index alone (see `Store::list_appeals`).
pub(crate) fn fts_match(q: &str, subtrees: &[Id], args: &mut Args) -> Option<String> {
    let words = Query::parse(q)?.fts5();
    let scopes: String = subtrees
        .iter()
        .map(|id| format!(" AND scope : \"{id}\""))
        .collect();
    Some(args.push(format!("tokens : ({words}){scopes}")))
}

/// The row-lock suffix for the action path's `SELECT` of the appeal (alias `a`). On SQLite
/// the single writer already serializes writes.
pub(crate) fn lock_appeal(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR UPDATE OF a",
    }
}

/// The row-lock suffix of a `SELECT` that must hold its rows until the transaction ends
/// (the fund's balance rows). On SQLite the single writer already serializes writes.
pub(crate) fn for_update(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR UPDATE",
    }
}

/// The row lock of a problem read with its joins (`FOR UPDATE OF p`: only the problem's
/// row is locked, the org unit and the lead appeal joined to it are only read).
pub(crate) fn lock_problem(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR UPDATE OF p",
    }
}

/// Reserves `n` consecutive-or-not fresh ids of `table` (bulk loads assign ids themselves so
/// they can insert many rows per statement and still know each row's id).
pub(crate) async fn reserve_ids(
    backend: Backend,
    conn: &mut AnyConnection,
    table: &str,
    n: usize,
) -> Result<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    match backend {
        // Only the writer writes, and it is inside this transaction: max(id) is stable.
        Backend::Sqlite => {
            let row = sqlx::query(&format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}"))
                .fetch_one(conn)
                .await?;
            let max: i64 = get(&row, "m")?;
            Ok((1..=n as i64).map(|i| max + i).collect())
        }
        // The identity's sequence hands out ids no concurrent insert will take.
        Backend::Postgres => {
            let rows = sqlx::query(&format!(
                "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id FROM generate_series(1, $1)"
            ))
            .bind(n as i64)
            .fetch_all(conn)
            .await?;
            // Ascending, so rows given in time order get ids in time order (lists are in
            // id order).
            let mut ids = rows
                .iter()
                .map(|r| get::<i64>(r, "id"))
                .collect::<Result<Vec<_>>>()?;
            ids.sort_unstable();
            Ok(ids)
        }
    }
}

/// The plan of `sql` (with `args`), one line per step.
pub(crate) async fn explain(
    backend: Backend,
    pool: &sqlx::AnyPool,
    args: &Args,
    sql: &str,
) -> Result<Vec<String>> {
    match backend {
        Backend::Sqlite => {
            let sql = format!("EXPLAIN QUERY PLAN {sql}");
            let rows = args.query(&sql).fetch_all(pool).await?;
            rows.iter()
                .map(|r| {
                    Ok(format!(
                        "{} {} {}",
                        get::<i64>(r, "id")?,
                        get::<i64>(r, "parent")?,
                        get::<String>(r, "detail")?
                    ))
                })
                .collect()
        }
        Backend::Postgres => {
            let sql = format!("EXPLAIN {sql}");
            let rows = args.query(&sql).fetch_all(pool).await?;
            rows.iter()
                .map(|r| get::<String>(r, "QUERY PLAN"))
                .collect()
        }
    }
}

/// Most bind parameters per statement: SQLite allows 32766, PostgreSQL 65535.
pub(crate) fn max_binds(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 32_000,
        Backend::Postgres => 65_000,
    }
}

/// Inserts `rows` into `table` with multi-row `INSERT … VALUES (…), (…)` statements of at
/// most [`max_binds`] parameters each (`suffix` follows each statement, e.g. `ON CONFLICT …`).
/// Full chunks share one SQL text, so the prepared statement is reused.
///
/// On SQLite the placeholders are anonymous `?`: binding numbered ones costs a lookup that
/// is linear in the statement's parameter count (quadratic per statement), which at
/// thousands of parameters takes seconds. Here the values are bound strictly in order.
pub(crate) async fn insert_rows(
    backend: Backend,
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Arg>>,
    suffix: &str,
) -> Result<()> {
    let columns: Vec<(&str, &str)> = columns.iter().map(|c| (*c, "{}")).collect();
    insert_rows_as(backend, conn, table, &columns, rows, suffix).await
}

/// [`insert_rows`] with each column's value as an SQL expression of its placeholder `{}`
/// (`to_tsvector('simple', {})`).
pub(crate) async fn insert_rows_as(
    backend: Backend,
    conn: &mut AnyConnection,
    table: &str,
    columns: &[(&str, &str)],
    rows: Vec<Vec<Arg>>,
    suffix: &str,
) -> Result<()> {
    let per_chunk = (max_binds(backend) / columns.len().max(1)).max(1);
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Arg>> = rows.by_ref().take(per_chunk).collect();
        let mut args = Args::default();
        let mut values = Vec::with_capacity(chunk.len());
        for row in chunk {
            debug_assert_eq!(row.len(), columns.len());
            let placeholders: Vec<String> = (row.into_iter().zip(columns))
                .map(|(v, (_, expr))| {
                    let placeholder = match backend {
                        Backend::Sqlite => {
                            args.0.push(v);
                            "?".to_string()
                        }
                        Backend::Postgres => args.push(v),
                    };
                    expr.replace("{}", &placeholder)
                })
                .collect();
            values.push(format!("({})", placeholders.join(", ")));
        }
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {} {suffix}",
            names.join(", "),
            values.join(", ")
        );
        args.query(&sql).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Adds counts to a roll-up table: each row is `keys`' values then the count, inserted or
/// added to the `received` of the row with the same keys (rows with a zero count skipped).
pub(crate) async fn add_received(
    backend: Backend,
    conn: &mut AnyConnection,
    table: &str,
    keys: &[&str],
    rows: impl Iterator<Item = (Vec<Arg>, i64)>,
) -> Result<()> {
    let rows: Vec<Vec<Arg>> = rows
        .filter(|(_, n)| *n != 0)
        .map(|(mut row, n)| {
            row.push(Arg::from(n));
            row
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let mut columns = keys.to_vec();
    columns.push("received");
    let suffix = format!(
        "ON CONFLICT ({}) DO UPDATE SET received = {table}.received + excluded.received",
        keys.join(", ")
    );
    insert_rows(backend, conn, table, &columns, rows, &suffix).await
}

/// Refreshes the planner's statistics after a bulk load. On PostgreSQL also VACUUM: it
/// sets the visibility map, without which a count over an index still visits every row in
/// the table (autovacuum would get there, but later).
pub(crate) fn analyze(backend: Backend) -> &'static [&'static str] {
    match backend {
        Backend::Sqlite => &["ANALYZE"],
        Backend::Postgres => &[
            "VACUUM ANALYZE appeals",
            "VACUUM ANALYZE appeal_events",
            "VACUUM ANALYZE appeal_daily",
            "VACUUM ANALYZE appeal_neardup_keys",
            "VACUUM ANALYZE appeal_search",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_from_url() {
        assert_eq!(
            Backend::from_url("sqlite::memory:").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert!(matches!(
            Backend::from_url("mysql://x"),
            Err(StoreError::Config(_))
        ));
    }
}
