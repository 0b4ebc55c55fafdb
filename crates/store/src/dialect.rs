//! The few places SQLite and PostgreSQL differ: full-text search, row locks, id reservation.
//! Everything else (placeholders `$N`, `INSERT … ON CONFLICT … DO UPDATE`, `RETURNING`,
//! `CAST(SUM(x) AS BIGINT)`) is written once in portable SQL.

use sqlx::AnyConnection;

use crate::db::Backend;
use crate::error::Result;
use crate::sql::{get, Args};

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

/// A WHERE condition on appeals aliased `a` matching the full-text query `q`, or `None`
/// when `q` has no searchable token (nothing can match).
pub(crate) fn search_condition(backend: Backend, q: &str, args: &mut Args) -> Option<String> {
    let tokens = suqiu_text::Segmenter::shared().query_tokens(q);
    match backend {
        Backend::Sqlite => {
            let query = suqiu_text::fts5_query(&tokens)?;
            Some(format!(
                "a.id IN (SELECT rowid FROM appeal_fts WHERE appeal_fts MATCH {})",
                args.push(query)
            ))
        }
        Backend::Postgres => {
            let text = suqiu_text::tsquery_text(&tokens)?;
            Some(format!(
                "a.search_tsv @@ plainto_tsquery('simple', {})",
                args.push(text)
            ))
        }
    }
}

/// The row-lock suffix for the action path's `SELECT` of the appeal (alias `a`). On SQLite
/// the single writer already serializes writes.
pub(crate) fn lock_appeal(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR UPDATE OF a",
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
            rows.iter().map(|r| get::<i64>(r, "id")).collect()
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

/// Refreshes the planner's statistics after a bulk load.
pub(crate) fn analyze(backend: Backend) -> &'static [&'static str] {
    match backend {
        Backend::Sqlite => &["ANALYZE"],
        Backend::Postgres => &[
            "ANALYZE appeals",
            "ANALYZE appeal_events",
            "ANALYZE appeal_daily",
        ],
    }
}
