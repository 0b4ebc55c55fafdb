//! The write path for intakes and actions, with group commit on SQLite.
//!
//! Why: every write must be durable before its reply (`synchronous=FULL`), and on SQLite each
//! commit costs an fsync, which caps a one-transaction-per-request writer at a few hundred
//! writes per second. So on SQLite one task owns the writing: it takes every job waiting
//! in the queue (up to [`MAX_BATCH`]), runs each inside its own SAVEPOINT of ONE transaction
//! (a failing or refused job rolls back only its savepoint), commits once, and only then
//! answers each job. Nothing is answered before the commit, so nothing is acknowledged that
//! could be lost.
//!
//! Jobs hand back what can wait until the end of the transaction ([`Deferred`]: roll-up
//! deltas, full-text rows) instead of writing it: the batch gathers it from the jobs it keeps
//! and writes it once before the commit. One statement instead of one per job (every
//! statement is a round trip to SQLite's worker thread), and FTS5 rows written outside the
//! savepoints (FTS5 flushes its pending terms at every savepoint).
//!
//! A batch that fails (its commit, a savepoint, the deferred writes, or a job whose error may
//! have cost SQLite the whole transaction: a full disk, an I/O error) fails EVERY job in it,
//! also those whose own work went well and those not reached, and is rolled back whole. The
//! writer controls the transaction with plain SQL rather than sqlx's nesting counter (which
//! loses step with SQLite when SQLite rolls a transaction back on its own, after which
//! "commits" only released savepoints and nothing was saved), and after a failure it closes
//! its connection: the next batch starts on a fresh one, so the writer commits again as soon
//! as the cause is gone.
//!
//! On PostgreSQL the same jobs simply run in their own transaction on the pool (the server
//! already groups concurrent commits into one WAL flush), their deltas written last.
//!
//! Every write — these jobs and the store's other writes through [`Writer`] — is first
//! admitted by the free-space floor (see `disk`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Executor};
use tokio::sync::{mpsc, oneshot};

use crate::appeal_row::{event_values, EVENT_COLUMNS};
use crate::dialect::{self, Backend};
use crate::disk::DiskFloor;
use crate::error::{Result, StoreError};
use crate::metrics::Deltas;
use suqiu_core::error::{Msg, Reason};
use suqiu_core::lifecycle::Event;
use suqiu_core::msg;
use suqiu_core::Id;

/// Writes a job leaves to the end of its transaction.
#[derive(Debug, Default)]
pub(crate) struct Deferred {
    pub deltas: Deltas,
    /// Full-text rows (appeal id, tokens, scope) for the search index (`dialect::insert_search`).
    pub search: Vec<(Id, String, String)>,
    /// Timeline entries (appeal id, event) of new appeals.
    pub events: Vec<(Id, Event)>,
    /// Near-duplicate key rows of new appeals (`crate::similar::neardup_rows`).
    pub neardup: Vec<Vec<crate::sql::Arg>>,
    /// What desk intakes were offered (`crate::suggest::offered_row`).
    pub offered: Vec<Vec<crate::sql::Arg>>,
}

impl Deferred {
    pub(crate) fn merge(&mut self, other: Deferred) {
        self.deltas.merge(other.deltas);
        self.search.extend(other.search);
        self.events.extend(other.events);
        self.neardup.extend(other.neardup);
        self.offered.extend(other.offered);
    }

    async fn write(self, backend: Backend, conn: &mut AnyConnection) -> Result<()> {
        if !self.events.is_empty() {
            let rows = self
                .events
                .iter()
                .map(|(id, e)| event_values(*id, e))
                .collect::<Result<Vec<_>>>()?;
            dialect::insert_rows(backend, conn, "appeal_events", &EVENT_COLUMNS, rows, "").await?;
        }
        dialect::insert_search(backend, conn, self.search).await?;
        crate::similar::insert_neardup(backend, conn, self.neardup).await?;
        if !self.offered.is_empty() {
            let columns = crate::suggest::OFFERED_COLUMNS;
            dialect::insert_rows(
                backend,
                conn,
                "category_suggestions",
                &columns,
                self.offered,
                "",
            )
            .await?;
        }
        // Roll-ups last: their rows are the ones concurrent writers share.
        self.deltas.write(backend, conn).await
    }
}

/// Most jobs in one transaction: enough to amortize the fsync, small enough to keep each
/// batch's latency (and the work redone by a rare batch failure) short.
pub(crate) const MAX_BATCH: usize = 256;

pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a job produced: a value, whether its writes are to be kept (a refused action returns
/// its refusal with `keep: false`, so nothing it might have written survives), and the
/// deferred writes to make if kept.
pub(crate) struct Done<T> {
    pub value: T,
    pub keep: bool,
    pub deferred: Deferred,
}

impl<T> Done<T> {
    pub(crate) fn keep(value: T, deferred: Deferred) -> Done<T> {
        Done {
            value,
            keep: true,
            deferred,
        }
    }
    pub(crate) fn discard(value: T) -> Done<T> {
        Done {
            value,
            keep: false,
            deferred: Deferred::default(),
        }
    }
}

/// The pool writes go through: on SQLite the single writer connection, on PostgreSQL the
/// shared pool. Every write is first admitted by the free-space floor (when there is one), so
/// a write path cannot forget it: there is no other way to the pool but [`Writer::ungated`],
/// kept for reads and for writes that free space.
#[derive(Debug, Clone)]
pub(crate) struct Writer {
    backend: Backend,
    pool: AnyPool,
    disk: Option<Arc<DiskFloor>>,
}

impl Writer {
    pub(crate) fn new(backend: Backend, pool: AnyPool, disk: Option<Arc<DiskFloor>>) -> Writer {
        Writer {
            backend,
            pool,
            disk,
        }
    }

    /// Ok when a write may go ahead; `Unavailable` below the free-space floor.
    pub(crate) fn admit(&self) -> Result<()> {
        self.disk.as_ref().map_or(Ok(()), |d| d.admit())
    }

    /// The pool, for a write (see [`Writer::admit`]).
    pub(crate) fn pool(&self) -> Result<&AnyPool> {
        self.admit()?;
        Ok(&self.pool)
    }

    /// A transaction for a write (see [`Writer::admit`]).
    pub(crate) async fn begin(&self) -> Result<sqlx::Transaction<'static, Any>> {
        Ok(self.pool()?.begin().await?)
    }

    /// The connection, for a write (see [`Writer::admit`]).
    pub(crate) async fn acquire(&self) -> Result<PoolConnection<Any>> {
        Ok(self.pool()?.acquire().await?)
    }

    /// The pool without the floor: reads that must see the latest writes, and writes that
    /// free space or must not be refused (signing out).
    pub(crate) fn ungated(&self) -> &AnyPool {
        &self.pool
    }

    /// The same writer without the floor, for the audit rows of reads: reads go on below the
    /// floor and each must leave its (small) audit row; a disk that is really full still
    /// fails the row, and with it the read.
    pub(crate) fn without_floor(&self) -> Writer {
        Writer {
            backend: self.backend,
            pool: self.pool.clone(),
            disk: None,
        }
    }

    pub(crate) fn disk(&self) -> Option<&DiskFloor> {
        self.disk.as_deref()
    }
}

/// Answers a job once the fate of its batch is known (`Some(error)` when the batch failed).
type Finish = Box<dyn FnOnce(Option<&StoreError>) + Send>;

/// What the batch needs from a job it ran.
struct Ran {
    keep: bool,
    /// The job failed in a way that may have cost SQLite the whole transaction: the batch
    /// must fail, with this error.
    poison: Option<StoreError>,
    deferred: Deferred,
    finish: Finish,
}

/// How a job's writes are undone when it fails or is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Undo {
    /// The job runs in its own SAVEPOINT, rolled back if it is not kept.
    Savepoint,
    /// The job writes with at most ONE statement (the rest deferred): a failing statement
    /// undoes itself, so it needs no savepoint — two round trips saved on the hot path.
    SingleStatement,
}

/// A job's work with its reply channel, its result type erased.
trait Work: Send {
    /// Runs the job on the batch's connection.
    fn run<'c>(self: Box<Self>, conn: &'c mut AnyConnection) -> BoxFuture<'c, Ran>;
    /// Answers a job its batch did not reach.
    fn fail(self: Box<Self>, error: StoreError);
}

type JobFn<T> =
    Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<Done<T>>> + Send>;

struct Typed<T> {
    job: JobFn<T>,
    reply: oneshot::Sender<Result<T>>,
}

impl<T: Send + 'static> Work for Typed<T> {
    fn run<'c>(self: Box<Self>, conn: &'c mut AnyConnection) -> BoxFuture<'c, Ran> {
        Box::pin(async move {
            let Typed { job, reply } = *self;
            let (keep, poison, deferred, result) = match job(conn).await {
                Ok(done) => (done.keep, None, done.deferred, Ok((done.value, done.keep))),
                Err(e) => (
                    false,
                    poisons(&e).then(|| batch_error(&e)),
                    Deferred::default(),
                    Err(e),
                ),
            };
            let finish: Finish = Box::new(move |batch_failed: Option<&StoreError>| {
                let answer = match (result, batch_failed) {
                    (Err(e), _) => Err(e),
                    // Kept, but the batch did not commit: nothing of it was saved.
                    (Ok((_, true)), Some(e)) => Err(batch_error(e)),
                    (Ok((value, _)), _) => Ok(value),
                };
                let _ = reply.send(answer);
            });
            Ran {
                keep,
                poison,
                deferred,
                finish,
            }
        })
    }

    fn fail(self: Box<Self>, error: StoreError) {
        let _ = self.reply.send(Err(error));
    }
}

/// A job for the writer task.
pub(crate) struct Job {
    undo: Undo,
    work: Box<dyn Work>,
}

/// The SQLite writer task's handle.
pub(crate) type Queue = mpsc::Sender<Job>;

/// Starts the writer task on `pool` (SQLite: the single writer connection). `discard`: close
/// the connection after a failed batch (not for an in-memory database, which lives in it).
pub(crate) fn spawn(pool: AnyPool, backend: Backend, discard: bool) -> Queue {
    let (tx, mut rx) = mpsc::channel::<Job>(4 * MAX_BATCH);
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            // Clients answered by the last commit are about to send their next job: give
            // them a moment to reach the queue, so they share this batch's fsync rather
            // than the first of them paying one alone. (A yield, not a timer: an idle
            // writer adds no latency.)
            tokio::task::yield_now().await;
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            run_batch(&pool, backend, discard, batch).await;
        }
    });
    tx
}

/// Runs one batch in one transaction and answers every job: each its own answer when the
/// batch commits, the batch's error to every job that was to be kept when it does not.
async fn run_batch(pool: &AnyPool, backend: Backend, discard: bool, jobs: Vec<Job>) {
    let mut finishers: Vec<Finish> = Vec::with_capacity(jobs.len());
    let mut pending = jobs.into_iter();
    let outcome = match pool.acquire().await {
        Ok(mut conn) => {
            let outcome = run_jobs(&mut conn, backend, &mut pending, &mut finishers).await;
            if outcome.is_err() {
                abandon(conn, discard).await;
            }
            outcome
        }
        Err(e) => Err(e.into()),
    };
    let error = outcome.err();
    if let Some(e) = &error {
        tracing::error!(error = %e, jobs = finishers.len() + pending.len(),
            "group commit failed: every job of the batch fails, nothing of it is saved");
        for job in pending {
            job.work.fail(batch_error(e));
        }
    }
    for finish in finishers {
        finish(error.as_ref());
    }
}

/// The batch's transaction: jobs in turn (each in a savepoint unless it needs none), the
/// deferred writes of the jobs kept, the commit. Stops at the first failure that fails the
/// batch, leaving the jobs not reached in `jobs`.
async fn run_jobs(
    conn: &mut AnyConnection,
    backend: Backend,
    jobs: &mut std::vec::IntoIter<Job>,
    finishers: &mut Vec<Finish>,
) -> Result<()> {
    // IMMEDIATE: the write lock now, not at the first write (another process writing the
    // same file waits for it instead of failing half way).
    conn.execute("BEGIN IMMEDIATE").await?;
    let mut deferred = Deferred::default();
    for job in jobs.by_ref() {
        let savepoint = job.undo == Undo::Savepoint;
        if savepoint {
            conn.execute("SAVEPOINT job").await?;
        }
        let ran = job.work.run(conn).await;
        // Kept before anything else can fail, so the job is answered whatever happens.
        finishers.push(ran.finish);
        if let Some(poison) = ran.poison {
            return Err(poison);
        }
        if ran.keep {
            deferred.merge(ran.deferred);
        } else if savepoint {
            conn.execute("ROLLBACK TO job").await?;
        }
        if savepoint {
            conn.execute("RELEASE job").await?;
        }
    }
    deferred.write(backend, conn).await?;
    conn.execute("COMMIT").await?;
    Ok(())
}

/// After a failed batch: roll back whatever SQLite still holds of it and, unless the
/// database lives in this connection, close the connection so the next batch gets a fresh
/// one (no state of the failure can outlive it).
async fn abandon(mut conn: PoolConnection<Any>, discard: bool) {
    // Fails harmlessly ("no transaction is active") when SQLite rolled back on its own.
    let _ = conn.execute("ROLLBACK").await;
    if discard {
        if let Err(e) = conn.close().await {
            tracing::warn!(error = %e, "closing the writer connection after a failed batch");
        }
    }
}

/// True when a job's error may have rolled back SQLite's whole transaction (SQLite may do so
/// on a full disk, an I/O error, a busy or locked database, no memory) or left the
/// connection unusable: the batch cannot go on. Constraint violations and errors raised
/// before SQL undo at most their own statement.
fn poisons(e: &StoreError) -> bool {
    match e {
        StoreError::Unavailable(_) => true,
        StoreError::Database(sqlx::Error::Database(d)) => d
            .try_downcast_ref::<sqlx::sqlite::SqliteError>()
            .and_then(sqlx::error::DatabaseError::code)
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| matches!(c & 0xff, 5 | 6 | 7 | 10 | 11 | 13 | 26)),
        StoreError::Database(sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed) => true,
        _ => false,
    }
}

/// The error each job of a failed batch gets: 503 with the reason when the cause should
/// pass (a full disk), a fault otherwise.
fn batch_error(e: &StoreError) -> StoreError {
    match e.unavailable_reason() {
        Some(reason) => StoreError::Unavailable(reason),
        None => StoreError::Database(sqlx::Error::Protocol(format!("group commit failed: {e}"))),
    }
}

/// Runs `job` in a transaction: through the writer task when there is one (SQLite),
/// otherwise on the pool directly (PostgreSQL). Returns once the transaction has committed.
/// Refused without running below the free-space floor.
pub(crate) async fn run<T, F>(
    queue: Option<&Queue>,
    writer: &Writer,
    undo: Undo,
    job: F,
) -> Result<T>
where
    T: Send + 'static,
    F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<Done<T>>> + Send + 'static,
{
    let Some(queue) = queue else {
        let mut tx = writer.begin().await?;
        let done = job(&mut tx).await?;
        if done.keep {
            done.deferred.write(writer.backend, &mut tx).await?;
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        return Ok(done.value);
    };
    writer.admit()?;
    let (reply, answer) = oneshot::channel::<Result<T>>();
    let work = Box::new(Typed {
        job: Box::new(job),
        reply,
    });
    queue
        .send(Job { undo, work })
        .await
        .map_err(|_| StoreError::Unavailable(Reason::new(&STOPPED)))?;
    answer
        .await
        .map_err(|_| StoreError::Unavailable(Reason::new(&STOPPED)))?
}

impl crate::Store {
    /// Runs `job` in a transaction on this store's writer: see [`run`].
    pub(crate) async fn run_job<T, F>(&self, undo: Undo, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<Done<T>>> + Send + 'static,
    {
        run(self.queue.as_ref(), &self.writer, undo, job).await
    }
}

/// Said when the writer task is gone.
const STOPPED: Msg = msg!(
    "writer_stopped",
    "服务器的写入任务已停止，本次操作未保存，请稍后再试",
    "The server's writer has stopped: nothing was saved. Please try again later",
);

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::any::AnyPoolOptions;

    async fn file_pool(name: &str) -> AnyPool {
        sqlx::any::install_default_drivers();
        let dir = std::env::temp_dir().join(format!("suqiu-writer-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let _ = std::fs::remove_file(dir.join("w.db"));
        let url = format!("sqlite://{}/w.db?mode=rwc", dir.display());
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .expect("open");
        pool.execute("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER NOT NULL, pad BLOB)")
            .await
            .expect("schema");
        pool
    }

    /// A job inserting `x` with 4 KB of padding (a new page, nearly).
    async fn insert(queue: &Queue, writer: &Writer, x: i64) -> Result<i64> {
        run(Some(queue), writer, Undo::SingleStatement, move |conn| {
            Box::pin(async move {
                sqlx::query("INSERT INTO t (x, pad) VALUES ($1, zeroblob(4000))")
                    .bind(x)
                    .execute(&mut *conn)
                    .await?;
                Ok(Done::keep(x, Deferred::default()))
            })
        })
        .await
    }

    async fn rows(pool: &AnyPool) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(pool)
            .await
            .expect("count")
    }

    /// SQLite's own error injection: `max_page_count` on the writer's one connection makes
    /// the batch run out of room half way (SQLITE_FULL, as on a full disk). Every job of the
    /// batch fails — also those that ran before the failure and were kept — nothing of it
    /// is saved, and the next batch, on a fresh connection, commits.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_batch_fails_every_job_and_the_writer_commits_again() {
        let pool = file_pool("full").await;
        let writer = Writer::new(Backend::Sqlite, pool.clone(), None);
        let queue = spawn(pool.clone(), Backend::Sqlite, true);
        let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&pool)
            .await
            .expect("page count");
        sqlx::query(&format!("PRAGMA max_page_count = {}", pages + 3))
            .execute(&pool)
            .await
            .expect("limit");
        // A first batch holds the writer while twenty jobs queue up behind it as one batch.
        let hold = {
            let (queue, writer) = (queue.clone(), writer.clone());
            tokio::spawn(async move {
                run(Some(&queue), &writer, Undo::SingleStatement, |_conn| {
                    Box::pin(async move {
                        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                        Ok(Done::keep((), Deferred::default()))
                    })
                })
                .await
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let jobs: Vec<_> = (0..20)
            .map(|x| {
                let (queue, writer) = (queue.clone(), writer.clone());
                tokio::spawn(async move { insert(&queue, &writer, x).await })
            })
            .collect();
        hold.await
            .expect("join")
            .expect("the holding batch commits");
        for job in jobs {
            let e = job
                .await
                .expect("join")
                .expect_err("every job of the full batch fails");
            assert!(
                e.unavailable_reason()
                    .is_some_and(|r| r.zh.contains("磁盘")),
                "a 503 saying the disk is full: {e}"
            );
        }
        assert_eq!(
            rows(&pool).await,
            0,
            "nothing of the failed batch was saved"
        );
        // The failed connection was closed; the fresh one has no page limit.
        for x in 0..20 {
            insert(&queue, &writer, x)
                .await
                .expect("the writer commits again");
        }
        assert_eq!(rows(&pool).await, 20);
    }
}
