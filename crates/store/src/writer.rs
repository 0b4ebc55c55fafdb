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
//! On PostgreSQL the same jobs simply run in their own transaction on the pool (the server
//! already groups concurrent commits into one WAL flush), their deltas written last.

use std::future::Future;
use std::pin::Pin;

use sqlx::Acquire;
use sqlx::{AnyConnection, AnyPool};
use tokio::sync::{mpsc, oneshot};

use crate::appeal_row::{event_values, EVENT_COLUMNS};
use crate::db::Backend;
use crate::error::{Result, StoreError};
use crate::metrics::Deltas;
use suqiu_core::lifecycle::Event;
use suqiu_core::Id;

/// Writes a job leaves to the end of its transaction.
#[derive(Debug, Default)]
pub(crate) struct Deferred {
    pub deltas: Deltas,
    /// Full-text rows (appeal id, tokens, scope) for SQLite's `appeal_fts`.
    pub search: Vec<(Id, String, String)>,
    /// Timeline entries (appeal id, event) of new appeals.
    pub events: Vec<(Id, Event)>,
}

impl Deferred {
    fn merge(&mut self, other: Deferred) {
        self.deltas.merge(other.deltas);
        self.search.extend(other.search);
        self.events.extend(other.events);
    }

    async fn write(self, backend: Backend, conn: &mut AnyConnection) -> Result<()> {
        if !self.events.is_empty() {
            let rows = self
                .events
                .iter()
                .map(|(id, e)| event_values(*id, e))
                .collect::<Result<Vec<_>>>()?;
            crate::dialect::insert_rows(backend, conn, "appeal_events", &EVENT_COLUMNS, rows, "")
                .await?;
        }
        if backend == Backend::Sqlite && !self.search.is_empty() {
            let rows = self
                .search
                .into_iter()
                .map(|(id, tokens, scope)| vec![id.into(), tokens.into(), scope.into()])
                .collect();
            crate::dialect::insert_rows(
                backend,
                conn,
                "appeal_fts",
                &["rowid", "tokens", "scope"],
                rows,
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

/// Answers a job once the fate of its batch is known (`Some(error)` when the commit failed).
type Finish = Box<dyn FnOnce(Option<&str>) + Send>;

/// What the batch needs from a finished job.
type Ran = (bool, Deferred, Finish);

/// How a job's writes are undone when it fails or is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Undo {
    /// The job runs in its own SAVEPOINT, rolled back if it is not kept.
    Savepoint,
    /// The job writes with at most ONE statement (the rest deferred): a failing statement
    /// undoes itself, so it needs no savepoint — two round trips saved on the hot path.
    SingleStatement,
}

/// A job's work, type-erased: runs on the batch's connection and reports back.
type RunJob = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Ran> + Send>;

/// A job for the writer task.
pub(crate) struct Job {
    undo: Undo,
    run: RunJob,
}

/// The SQLite writer task's handle.
pub(crate) type Queue = mpsc::Sender<Job>;

/// Starts the writer task on `pool` (SQLite: the single writer connection).
pub(crate) fn spawn(pool: AnyPool) -> Queue {
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
            run_batch(&pool, batch).await;
        }
    });
    tx
}

async fn run_batch(pool: &AnyPool, jobs: Vec<Job>) {
    let mut finishers: Vec<Finish> = Vec::with_capacity(jobs.len());
    // Jobs not reached because the batch failed are dropped with their reply channel, which
    // their callers see as an error.
    let outcome: std::result::Result<(), StoreError> = async {
        let mut conn = pool.acquire().await?;
        let mut tx = conn.begin().await?;
        let mut deferred = Deferred::default();
        for job in jobs {
            if job.undo == Undo::SingleStatement {
                let (keep, job_deferred, finish) = (job.run)(&mut tx).await;
                finishers.push(finish);
                if keep {
                    deferred.merge(job_deferred);
                }
                continue;
            }
            let mut savepoint = tx.begin().await?;
            let (keep, job_deferred, finish) = (job.run)(&mut savepoint).await;
            // Kept before the savepoint ends, so the job is answered even if that fails.
            finishers.push(finish);
            if keep {
                savepoint.commit().await?;
                deferred.merge(job_deferred);
            } else {
                savepoint.rollback().await?;
            }
        }
        deferred.write(Backend::Sqlite, &mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    let error = outcome.err().map(|e| e.to_string());
    if let Some(e) = &error {
        tracing::error!(error = %e, jobs = finishers.len(), "group commit failed");
    }
    for finish in finishers {
        finish(error.as_deref());
    }
}

/// Runs `job` in a transaction: through the writer task when there is one (SQLite),
/// otherwise on `pool` directly (PostgreSQL). Returns once the transaction has committed.
pub(crate) async fn run<T, F>(
    queue: Option<&Queue>,
    pool: &AnyPool,
    undo: Undo,
    job: F,
) -> Result<T>
where
    T: Send + 'static,
    F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<Done<T>>> + Send + 'static,
{
    let Some(queue) = queue else {
        let mut tx = pool.begin().await?;
        let done = job(&mut tx).await?;
        if done.keep {
            done.deferred.write(Backend::Postgres, &mut tx).await?;
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        return Ok(done.value);
    };
    let (reply, answer) = oneshot::channel::<Result<T>>();
    let run: RunJob = Box::new(move |conn: &mut AnyConnection| {
        Box::pin(async move {
            let (keep, deferred, result) = match job(conn).await {
                Ok(done) => (done.keep, done.deferred, Ok((done.value, done.keep))),
                Err(e) => (false, Deferred::default(), Err(e)),
            };
            let finish: Finish = Box::new(move |commit_error: Option<&str>| {
                let answer = match (result, commit_error) {
                    (Err(e), _) => Err(e),
                    (Ok((_, true)), Some(e)) => Err(batch_failed(e)),
                    (Ok((value, _)), _) => Ok(value),
                };
                let _ = reply.send(answer);
            });
            (keep, deferred, finish)
        })
    });
    queue
        .send(Job { undo, run })
        .await
        .map_err(|_| batch_failed("the writer task has stopped"))?;
    answer
        .await
        .map_err(|_| batch_failed("the write was not run"))?
}

fn batch_failed(e: &str) -> StoreError {
    StoreError::Database(sqlx::Error::Protocol(format!("group commit failed: {e}")))
}
