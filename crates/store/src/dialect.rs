//! The few places SQLite and PostgreSQL differ: full-text search, row locks, id reservation.
//! Everything else (placeholders `$N`, `INSERT … ON CONFLICT … DO UPDATE`, `RETURNING`,
//! `CAST(SUM(x) AS BIGINT)`) is written once in portable SQL.

use sqlx::AnyConnection;
use suqiu_core::Id;

use crate::db::Backend;
use crate::error::Result;
use crate::sql::{get, Arg, Args};

/// The search tokens of an appeal's free text, computed once at write time.
pub(crate) fn index_tokens(title: Option<&str>, content: &str, location: Option<&str>) -> String {
    let text = format!(
        "{} {} {}",
        title.unwrap_or(""),
        content,
        location.unwrap_or("")
    );
    suqiu_text::Segmenter::shared().index_tokens(&text)
}

/// The `scope` column of an appeal's full-text row: its node's ancestors ('1 4 27').
pub(crate) fn search_scope(org_path: &str) -> Result<String> {
    let ids: Vec<String> = crate::metrics::ancestors(org_path)?
        .iter()
        .map(Id::to_string)
        .collect();
    Ok(ids.join(" "))
}

/// A WHERE condition on appeals aliased `a` matching the full-text query `q`, or `None`
/// when `q` has no searchable token (nothing can match).
///
/// `subtrees` are org unit ids the result must lie under (the actor's node, a node filter).
/// On SQLite they go into the MATCH itself (`scope : "27"`, see the migration), so the index
/// intersects the word's matches with the subtree; with none (a liaison's or volunteer's
/// scope, already small) each candidate row is checked with a rowid lookup instead of
/// collecting every match in the district. PostgreSQL combines its GIN and B-tree indexes
/// by itself.
pub(crate) fn search_condition(
    backend: Backend,
    q: &str,
    subtrees: &[Id],
    args: &mut Args,
) -> Option<String> {
    match backend {
        Backend::Sqlite => {
            let m = fts_match(q, subtrees, args)?;
            Some(if subtrees.is_empty() {
                format!(
                    "EXISTS (SELECT 1 FROM appeal_fts WHERE appeal_fts MATCH {m} AND appeal_fts.rowid = a.id)"
                )
            } else {
                format!("a.id IN (SELECT rowid FROM appeal_fts WHERE appeal_fts MATCH {m})")
            })
        }
        Backend::Postgres => {
            let tokens = suqiu_text::Segmenter::shared().query_tokens(q);
            let text = suqiu_text::tsquery_text(&tokens)?;
            Some(format!(
                "a.search_tsv @@ plainto_tsquery('simple', {})",
                args.push(text)
            ))
        }
    }
}

/// SQLite: the FTS5 MATCH expression for `q` within `subtrees`, pushed as an argument; its
/// placeholder, or `None` when `q` has no searchable token. A search that is nothing but
/// this MATCH can be counted and paged in the index alone (see `Store::list_appeals`).
pub(crate) fn fts_match(q: &str, subtrees: &[Id], args: &mut Args) -> Option<String> {
    let tokens = suqiu_text::Segmenter::shared().query_tokens(q);
    let words = suqiu_text::fts5_query(&tokens)?;
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
    let per_chunk = (max_binds(backend) / columns.len().max(1)).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Arg>> = rows.by_ref().take(per_chunk).collect();
        let mut args = Args::default();
        let mut values = Vec::with_capacity(chunk.len());
        for row in chunk {
            debug_assert_eq!(row.len(), columns.len());
            let placeholders: Vec<String> = row
                .into_iter()
                .map(|v| match backend {
                    Backend::Sqlite => {
                        args.0.push(v);
                        "?".to_string()
                    }
                    Backend::Postgres => args.push(v),
                })
                .collect();
            values.push(format!("({})", placeholders.join(", ")));
        }
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {} {suffix}",
            columns.join(", "),
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
        ],
    }
}
