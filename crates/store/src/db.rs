//! Opening a store: backend from the URL, pools, pragmas, migrations.

use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use sqlx::Executor;
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::sql::{get, Args};
use crate::writer::{self, Queue};

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
                redact(url)
            )))
        }
    }
}

/// The store. Cheap to clone (pools are shared).
#[derive(Clone)]
pub struct Store {
    pub(crate) backend: Backend,
    /// Reads (and, on PostgreSQL, writes).
    pub(crate) pool: AnyPool,
    /// On SQLite the single writer connection, so writers queue instead of failing busy.
    pub(crate) writer: AnyPool,
    /// On SQLite the group-commit writer task for intakes and actions (see `writer`).
    pub(crate) queue: Option<Queue>,
    /// The org tree and taxonomy in memory (see `lookups`).
    pub(crate) lookups: crate::lookups::Lookups,
    /// Recently checked sessions (see `session_cache`).
    pub(crate) sessions: crate::session_cache::SessionCache,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

/// The default database when none is given: an SQLite file under `./suqiu-data/`.
pub const DEFAULT_URL: &str = "sqlite://suqiu-data/suqiu.db";

/// Readers on SQLite (WAL lets them run beside the one writer).
const SQLITE_READERS: u32 = 4;
/// Connections on PostgreSQL, shared by reads and writes.
const POSTGRES_CONNECTIONS: u32 = 16;

/// Set on every SQLite connection. `busy_timeout` first: switching to WAL needs a lock
/// another connection may briefly hold. `synchronous=FULL` makes each commit durable before
/// we reply — do not weaken it; group commit is how writes stay fast. The cache and memory
/// map let list and measure queries at a million appeals read pages without a system call.
const SQLITE_PRAGMAS: &[&str] = &[
    "PRAGMA busy_timeout = 5000",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA cache_size = -32768",
    "PRAGMA mmap_size = 1073741824",
];

impl Store {
    /// Opens (creating and migrating if needed) the database at `url`:
    /// `sqlite://path/to/file.db`, `sqlite::memory:` or `postgres://…`.
    pub async fn open(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let store = match Backend::from_url(url)? {
            Backend::Sqlite => open_sqlite(url).await?,
            Backend::Postgres => open_postgres(url).await?,
        };
        store.seed_categories().await?;
        store.backfill_dims().await?;
        store.backfill_places().await?;
        store.restore_deferred_indexes().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs the backend's integrity check (`PRAGMA integrity_check` and
    /// `PRAGMA foreign_key_check` on SQLite; on PostgreSQL, which checks its own pages, a
    /// round trip). Returns `["ok"]` when all is well, otherwise one line per problem.
    pub async fn integrity_check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        match self.backend {
            Backend::Sqlite => {
                for row in sqlx::query("PRAGMA integrity_check")
                    .fetch_all(&self.pool)
                    .await?
                {
                    let line: String = get(&row, "integrity_check")?;
                    if line != "ok" {
                        problems.push(line);
                    }
                }
                for row in sqlx::query("PRAGMA foreign_key_check")
                    .fetch_all(&self.pool)
                    .await?
                {
                    let table: String = get(&row, "table")?;
                    let rowid: Option<i64> = get(&row, "rowid")?;
                    let parent: String = get(&row, "parent")?;
                    problems.push(format!("{table} row {rowid:?}: missing {parent} reference"));
                }
            }
            Backend::Postgres => {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
            }
        }
        if problems.is_empty() {
            problems.push("ok".into());
        }
        Ok(problems)
    }

    /// True when the database holds no org units yet (so `--demo` may fill it).
    pub async fn is_empty(&self) -> Result<bool> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM org_units")
            .fetch_one(&self.pool)
            .await?;
        Ok(get::<i64>(&row, "n")? == 0)
    }

    /// Fills the taxonomy with `default_taxonomy()` when it is empty (first start).
    async fn seed_categories(&self) -> Result<()> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM categories")
            .fetch_one(&self.writer)
            .await?;
        if get::<i64>(&row, "n")? > 0 {
            return Ok(());
        }
        let mut tx = self.writer.begin().await?;
        for (sort, c) in suqiu_core::category::default_taxonomy()
            .into_iter()
            .enumerate()
        {
            let mut a = Args::default();
            let sql = format!(
                "INSERT INTO categories (code, name, parent_code, sort) VALUES ({}, {}, {}, {})",
                a.push(c.code),
                a.push(c.name),
                a.push(c.parent_code),
                a.push(sort as i64)
            );
            a.query(&sql).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn open_postgres(url: &str) -> Result<Store> {
    let pool = AnyPoolOptions::new()
        .max_connections(POSTGRES_CONNECTIONS)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                // sqlx keeps statements prepared, and after five runs PostgreSQL may switch
                // to a generic plan that cannot see the arguments: a search for a rare word
                // then gets the plan of a common one (seconds instead of milliseconds).
                // Planning our queries costs well under a millisecond; always plan them for
                // their arguments.
                conn.execute("SET plan_cache_mode = force_custom_plan")
                    .await?;
                Ok(())
            })
        })
        .connect(url)
        .await
        .map_err(|e| StoreError::Config(format!("cannot connect to {}: {e}", redact(url))))?;
    sqlx::migrate!("./migrations/postgres").run(&pool).await?;
    Ok(Store {
        backend: Backend::Postgres,
        pool: pool.clone(),
        writer: pool,
        queue: None,
        lookups: Default::default(),
        sessions: Default::default(),
    })
}

async fn open_sqlite(url: &str) -> Result<Store> {
    let target = SqliteTarget::parse(url)?;
    let options = || {
        AnyPoolOptions::new().after_connect(|conn, _meta| {
            Box::pin(async move {
                for pragma in SQLITE_PRAGMAS {
                    conn.execute(*pragma).await?;
                }
                Ok(())
            })
        })
    };
    let store = match target {
        SqliteTarget::Memory(url) => {
            // Any opens each connection from the URL afresh, and an in-memory database lives
            // in its connection: so exactly one connection, never recycled, serves all.
            let pool = options()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect(&url)
                .await?;
            sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
            let queue = Some(writer::spawn(pool.clone()));
            Store {
                backend: Backend::Sqlite,
                pool: pool.clone(),
                writer: pool,
                queue,
                lookups: Default::default(),
                sessions: Default::default(),
            }
        }
        SqliteTarget::File(url) => {
            let writer = options().max_connections(1).connect(&url).await?;
            sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
            analyze_new_indexes(&writer).await?;
            let pool = options()
                .max_connections(SQLITE_READERS)
                .connect(&url)
                .await?;
            let queue = Some(writer::spawn(writer.clone()));
            Store {
                backend: Backend::Sqlite,
                pool,
                writer,
                queue,
                lookups: Default::default(),
                sessions: Default::default(),
            }
        }
    };
    Ok(store)
}

/// Gives statistics to indexes that have none in a database that keeps statistics (a
/// migration that rebuilds an index drops them, and without them SQLite's planner guesses:
/// a district's measures went from 2 ms to 190 ms on the wrong index). Nothing to do on a
/// database never analyzed (small; the bulk loader analyzes large ones) or when all have them.
async fn analyze_new_indexes(writer: &AnyPool) -> Result<()> {
    let analyzed: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'",
    )
    .fetch_one(writer)
    .await?
    .try_get("n")?;
    if analyzed == 0 {
        return Ok(());
    }
    let missing = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
         AND name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL)",
    )
    .fetch_all(writer)
    .await?;
    for row in missing {
        let name: String = row.try_get("name")?;
        tracing::info!(index = %name, "analyzing an index without statistics");
        sqlx::query(&format!("ANALYZE \"{}\"", name.replace('"', "\"\"")))
            .execute(writer)
            .await?;
    }
    Ok(())
}

/// Where an SQLite URL points, normalized for sqlx.
#[derive(Debug, PartialEq, Eq)]
enum SqliteTarget {
    Memory(String),
    File(String),
}

impl SqliteTarget {
    /// `sqlite::memory:` → in memory; `sqlite://dir/file.db` (relative), `sqlite:///abs.db` or
    /// `sqlite:dir/file.db` → that file, its directory created, `mode=rwc` unless a mode is given.
    fn parse(url: &str) -> Result<SqliteTarget> {
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, q),
            None => (rest, ""),
        };
        if path == ":memory:" || query.contains("mode=memory") {
            return Ok(SqliteTarget::Memory(url.to_string()));
        }
        if path.is_empty() {
            return Err(StoreError::Config(format!(
                "the SQLite URL {url:?} names no file; use e.g. {DEFAULT_URL}"
            )));
        }
        let file = std::path::Path::new(path);
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Config(format!(
                    "cannot create the data directory {}: {e}",
                    dir.display()
                ))
            })?;
        }
        let query = if query.contains("mode=") {
            query.to_string()
        } else if query.is_empty() {
            "mode=rwc".to_string()
        } else {
            format!("{query}&mode=rwc")
        };
        Ok(SqliteTarget::File(format!("sqlite://{path}?{query}")))
    }
}

/// The URL without its password, for messages and logs.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
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

    #[test]
    fn sqlite_urls_are_normalized() {
        let dir = std::env::temp_dir().join("suqiu-store-url-test");
        let url = format!("sqlite://{}/a.db", dir.display());
        assert_eq!(
            SqliteTarget::parse(&url).unwrap(),
            SqliteTarget::File(format!("sqlite://{}/a.db?mode=rwc", dir.display()))
        );
        assert!(dir.is_dir());
        assert!(matches!(
            SqliteTarget::parse("sqlite::memory:").unwrap(),
            SqliteTarget::Memory(_)
        ));
        assert!(SqliteTarget::parse("sqlite://").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
