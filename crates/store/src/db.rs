//! Opening a store: backend from the URL, pools, pragmas, migrations.

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use sqlx::Executor;
use sqlx::Row;

use crate::dialect::{self, Backend};
use crate::disk::{DiskFloor, DiskStatus};
use crate::error::{Result, StoreError};
use crate::sql::{get, Args};
use crate::writer::{self, Queue, Writer};

/// The store. Cheap to clone (pools are shared).
#[derive(Clone)]
pub struct Store {
    pub(crate) backend: Backend,
    /// Reads (and, on PostgreSQL, writes).
    pub(crate) pool: AnyPool,
    /// On SQLite the single writer connection, so writers queue instead of failing busy;
    /// every write through it is admitted by the free-space floor first.
    pub(crate) writer: Writer,
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

/// How a server opens its store (see [`Store::open_with`]); the default is how the command
/// line's one-off commands do.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// PostgreSQL not reachable yet: wait for it (logging where, retrying with backoff)
    /// instead of failing.
    pub wait_for_database: bool,
    /// PostgreSQL: cancel any statement of the running store after this long (start-up's
    /// migrations, backfills and index builds are not bounded).
    pub statement_timeout: Option<Duration>,
}

impl Store {
    /// Opens (creating and migrating if needed) the database at `url`:
    /// `sqlite://path/to/file.db`, `sqlite::memory:` or `postgres://…`.
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_with(url, &OpenOptions::default()).await
    }

    /// [`Store::open`] with a server's options.
    pub async fn open_with(url: &str, options: &OpenOptions) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let (backend, opened) = dialect::open(url, options.wait_for_database).await?;
        let writer = Writer::new(backend, opened.writer.clone(), opened.disk);
        let queue = opened
            .group_commit
            .map(|discard| writer::spawn(opened.writer, backend, discard));
        let mut store = Store {
            backend,
            pool: opened.pool,
            writer,
            queue,
            lookups: Default::default(),
            sessions: Default::default(),
        };
        store.seed_categories().await?;
        store.backfill_dims().await?;
        store.backfill_places().await?;
        store.restore_deferred_indexes().await?;
        if let Some(timeout) = options.statement_timeout {
            if let Some(bounded) = dialect::bounded_pool(backend, url, timeout).await? {
                // Start-up is done: serve from a pool whose statements are bounded.
                store.pool.close().await;
                store.pool = bounded.clone();
                store.writer = Writer::new(backend, bounded, None);
            }
        }
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Refuse writes (503) while the database's directory has fewer than `bytes` free
    /// (SQLite in a file; no effect otherwise). 0: no floor.
    pub fn set_min_free_bytes(&self, bytes: u64) {
        if let Some(disk) = self.writer.disk() {
            disk.set_floor(bytes);
        }
    }

    /// Free space and the floor of the database's directory (SQLite in a file), read at
    /// most a second ago.
    pub fn disk_status(&self) -> Option<DiskStatus> {
        self.writer.disk().map(DiskFloor::status)
    }

    /// Runs the backend's integrity check (`PRAGMA integrity_check` and
    /// `PRAGMA foreign_key_check` on SQLite; on PostgreSQL, which checks its own pages, a
    /// round trip). Returns `["ok"]` when all is well, otherwise one line per problem.
    pub async fn integrity_check(&self) -> Result<Vec<String>> {
        let mut problems = dialect::integrity_problems(self.backend, &self.pool).await?;
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

    /// Fills the taxonomy with `default_taxonomy()` when it is empty (first start); gives a
    /// taxonomy made before it existed the category of unsorted appeals, last.
    async fn seed_categories(&self) -> Result<()> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, COALESCE(MAX(sort), 0) AS last, \
                    COUNT(CASE WHEN code = $1 THEN 1 END) AS unsorted FROM categories",
        )
        .bind(suqiu_core::category::UNSORTED)
        .fetch_one(self.writer.ungated())
        .await?;
        let (n, last) = (get::<i64>(&row, "n")?, get::<i64>(&row, "last")?);
        let seed = match (n, get::<i64>(&row, "unsorted")?) {
            (0, _) => suqiu_core::category::default_taxonomy(),
            (_, 0) => vec![suqiu_core::category::unsorted()],
            _ => return Ok(()),
        };
        let first_sort = if n == 0 { 0 } else { last + 1 };
        let mut tx = self.writer.begin().await?;
        for (sort, c) in (first_sort..).zip(seed) {
            let mut a = Args::default();
            let sql = format!(
                "INSERT INTO categories (code, name, name_en, parent_code, sort) VALUES ({}, {}, {}, {}, {})",
                a.push(c.code),
                a.push(c.name),
                a.push(c.name_en),
                a.push(c.parent_code),
                a.push(sort)
            );
            a.query(&sql).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// How long a request waits for a PostgreSQL connection (or for one to be made) before it
/// is answered 503: with the database gone, a request fails in this time instead of hanging.
const POSTGRES_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// The longest wait between attempts while waiting for PostgreSQL at start.
const POSTGRES_MAX_BACKOFF: Duration = Duration::from_secs(30);

/// What opening a database yields, whatever its backend.
pub(crate) struct Opened {
    /// Reads (and, without a group-commit writer, writes).
    pub pool: AnyPool,
    /// The pool writes go through.
    pub writer: AnyPool,
    /// The free-space floor of the database's directory, for a database in a file.
    pub disk: Option<Arc<DiskFloor>>,
    /// `Some(discard)`: writes go through a group-commit writer task on `writer`, which
    /// closes its connection after a failed batch when `discard` (see `writer::spawn`).
    pub group_commit: Option<bool>,
}

pub(crate) async fn open_postgres(url: &str, wait: bool) -> Result<Opened> {
    let mut backoff = Duration::from_secs(1);
    let pool = loop {
        match connect_postgres(url, None).await {
            Ok(pool) => break pool,
            Err(StoreError::Database(e)) if wait && not_up_yet(&e) => {
                tracing::warn!(database = %endpoint(url), error = %e, retry_in_s = backoff.as_secs(),
                    "waiting for PostgreSQL");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(POSTGRES_MAX_BACKOFF);
            }
            Err(StoreError::Database(e)) => {
                return Err(StoreError::Config(format!(
                    "cannot connect to {}: {e}",
                    redact(url)
                )))
            }
            Err(other) => return Err(other),
        }
    };
    sqlx::migrate!("./migrations/postgres").run(&pool).await?;
    Ok(Opened {
        pool: pool.clone(),
        writer: pool,
        disk: None,
        group_commit: None,
    })
}

/// A PostgreSQL pool. Connections are tested before use (a dead one, e.g. after the
/// database restarted, is dropped and replaced), a request waits at most
/// [`POSTGRES_ACQUIRE_TIMEOUT`] for one, and with `statement_timeout` PostgreSQL cancels any
/// statement that runs longer.
pub(crate) async fn connect_postgres(
    url: &str,
    statement_timeout: Option<Duration>,
) -> Result<AnyPool> {
    let pool = AnyPoolOptions::new()
        .max_connections(POSTGRES_CONNECTIONS)
        .acquire_timeout(POSTGRES_ACQUIRE_TIMEOUT)
        .test_before_acquire(true)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                // sqlx keeps statements prepared, and after five runs PostgreSQL may switch
                // to a generic plan that cannot see the arguments: a search for a rare word
                // then gets the plan of a common one (seconds instead of milliseconds).
                // Planning our queries costs well under a millisecond; always plan them for
                // their arguments.
                conn.execute("SET plan_cache_mode = force_custom_plan")
                    .await?;
                // JIT compiling pays off for long analytic scans, never for our short
                // queries — but it starts whenever the planner's cost estimate is high, and
                // an estimate is high whenever statistics are missing or off: the appeal
                // page's near-duplicate lookup (20 ms of work) spent 700 ms compiling at 1M
                // appeals.
                conn.execute("SET jit = off").await?;
                if let Some(t) = statement_timeout {
                    conn.execute(&*format!("SET statement_timeout = {}", t.as_millis()))
                        .await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await?;
    Ok(pool)
}

/// True for the errors of a PostgreSQL that is not up (yet): nothing listening, the
/// connection refused or timed out, the server starting up or shutting down.
fn not_up_yet(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("57P") || c.starts_with("08")),
        _ => false,
    }
}

/// `host:port` of a database URL, for logs (never the user or password).
fn endpoint(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    if host.contains(':') && !host.ends_with(']') {
        host.to_string()
    } else {
        format!("{host}:5432")
    }
}

pub(crate) async fn open_sqlite(url: &str) -> Result<Opened> {
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
    let opened = match target {
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
            Opened {
                pool: pool.clone(),
                writer: pool,
                disk: None,
                group_commit: Some(false),
            }
        }
        SqliteTarget::File(url, dir) => {
            let writer = options()
                .max_connections(1)
                .after_release(|conn, _meta| Box::pin(fit_for_reuse(conn)))
                .connect(&url)
                .await?;
            sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
            analyze_new_indexes(&writer).await?;
            let pool = options()
                .max_connections(SQLITE_READERS)
                .connect(&url)
                .await?;
            Opened {
                pool,
                writer,
                disk: Some(Arc::new(DiskFloor::new(dir))),
                group_commit: Some(true),
            }
        }
    };
    Ok(opened)
}

/// Whether the writer connection may go back to the pool: not while sqlx still counts a
/// transaction on it. That happens when SQLite rolled a transaction back on its own (a full
/// disk, an I/O error) and sqlx's own rollback then failed: sqlx's count and SQLite's state
/// are out of step, the next `begin()` would only open a savepoint and its "commit" would
/// release it and save nothing. Such a connection is closed; the pool opens a fresh one.
async fn fit_for_reuse(conn: &mut sqlx::AnyConnection) -> std::result::Result<bool, sqlx::Error> {
    use sqlx::Connection;
    // A round trip first: rollbacks queued by dropped transactions run before it.
    conn.ping().await?;
    if conn.is_in_transaction() {
        tracing::warn!("closing the SQLite writer connection: left inside a failed transaction");
        return Ok(false);
    }
    Ok(true)
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
    /// The URL for sqlx, and the file's directory.
    File(String, std::path::PathBuf),
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
        let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(dir) = dir {
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
        let dir = dir.map_or_else(|| ".".into(), std::path::Path::to_path_buf);
        Ok(SqliteTarget::File(format!("sqlite://{path}?{query}"), dir))
    }
}

/// The URL without its password, for messages and logs.
pub(crate) fn redact(url: &str) -> String {
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
    fn sqlite_urls_are_normalized() {
        let dir = std::env::temp_dir().join("suqiu-store-url-test");
        let url = format!("sqlite://{}/a.db", dir.display());
        assert_eq!(
            SqliteTarget::parse(&url).unwrap(),
            SqliteTarget::File(
                format!("sqlite://{}/a.db?mode=rwc", dir.display()),
                dir.clone()
            )
        );
        assert!(dir.is_dir());
        assert!(matches!(
            SqliteTarget::parse("sqlite::memory:").unwrap(),
            SqliteTarget::Memory(_)
        ));
        assert!(SqliteTarget::parse("sqlite://").is_err());
    }

    #[test]
    fn endpoints_name_host_and_port_only() {
        assert_eq!(
            endpoint("postgres://u:secret@db.local:6432/suqiu"),
            "db.local:6432"
        );
        assert_eq!(
            endpoint("postgres://u@10.0.0.5/suqiu?sslmode=require"),
            "10.0.0.5:5432"
        );
        assert_eq!(endpoint("postgresql://[::1]:5433/x"), "[::1]:5433");
    }

    /// Every connection plans for its arguments and never JIT-compiles (see
    /// `connect_postgres`), whatever the server's defaults say.
    #[tokio::test]
    async fn postgres_sessions_plan_per_call_without_jit() {
        sqlx::any::install_default_drivers();
        let url = suqiu_testkit::db::pg_admin_url();
        let pool = connect_postgres(&url, None)
            .await
            .expect("PostgreSQL at SUQIU_TEST_PG_URL");
        for (setting, want) in [("jit", "off"), ("plan_cache_mode", "force_custom_plan")] {
            let got: String = sqlx::query_scalar(&format!("SELECT current_setting('{setting}')"))
                .fetch_one(&pool)
                .await
                .expect(setting);
            assert_eq!(got, want, "{setting}");
        }
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }

    /// The cause of the lost writes: when SQLite rolls a transaction back on its own (as it
    /// may on a full disk) sqlx still counts it open, its rollback fails, and from then on
    /// `begin()` opens a savepoint whose rollback leaves SQLite's transaction open, so every
    /// later "commit" only releases a savepoint. The writer connection is closed instead of
    /// reused, and what is committed after is saved.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_writer_connection_out_of_step_is_replaced() {
        let dir = std::env::temp_dir().join(format!("suqiu-db-step-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let url = format!("sqlite://{}/s.db", dir.display());
        let store = Store::open(&url).await.expect("open");
        let pool = store.writer.ungated();
        {
            let mut tx = pool.begin().await.expect("begin");
            // What SQLite does on its own after SQLITE_FULL.
            sqlx::query("ROLLBACK")
                .execute(&mut *tx)
                .await
                .expect("rollback");
        } // sqlx's rollback on drop fails: it still counts a transaction.
        let mut tx = pool.begin().await.expect("begin");
        sqlx::query("INSERT INTO settings (key, value) VALUES ('a', 'refused')")
            .execute(&mut *tx)
            .await
            .expect("insert");
        tx.rollback().await.expect("rollback");
        let mut tx = pool.begin().await.expect("begin");
        sqlx::query("INSERT INTO settings (key, value) VALUES ('b', 'kept')")
            .execute(&mut *tx)
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
        let readers = Store::open(&url).await.expect("open again");
        assert_eq!(
            readers.setting("b").await.expect("read").as_deref(),
            Some("kept"),
            "a commit after the failure is saved"
        );
        assert_eq!(readers.setting("a").await.expect("read"), None);
    }
}
