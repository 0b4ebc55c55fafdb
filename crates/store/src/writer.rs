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
//! On PostgreSQL the same jobs simply run in their own transaction on the pool: the server
//! already groups concurrent commits into one WAL flush.

use std::future::Future;
use std::pin::Pin;

use sqlx::Acquire;
use sqlx::{AnyConnection, AnyPool};
use tokio::sync::{mpsc, oneshot};

use crate::error::{Result, StoreError};

/// Most jobs in one transaction: enough to amortize the fsync, small enough to keep each
/// batch's latency (and the work redone by a rare batch failure) short.
pub(crate) const MAX_BATCH: usize = 256;

pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a job produced: a value, and whether its writes are to be kept. A refused action
/// returns its refusal with `keep: false`, so nothing it might have written survives.
pub(crate) struct Done<T> {
    pub value: T,
    pub keep: bool,
}

impl<T> Done<T> {
    pub(crate) fn keep(value: T) -> Done<T> {
        Done { value, keep: true }
    }
    pub(crate) fn discard(value: T) -> Done<T> {
        Done { value, keep: false }
    }
}

/// Answers a job once the fate of its batch is known (`Some(error)` when the commit failed).
type Finish = Box<dyn FnOnce(Option<&str>) + Send>;

/// A type-erased job for the writer task.
pub(crate) type Job =
    Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, (bool, Finish)> + Send>;

/// The SQLite writer task's handle.
pub(crate) type Queue = mpsc::Sender<Job>;

/// Starts the writer task on `pool` (SQLite: the single writer connection).
pub(crate) fn spawn(pool: AnyPool) -> Queue {
    let (tx, mut rx) = mpsc::channel::<Job>(4 * MAX_BATCH);
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
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
    let outcome: std::result::Result<(), sqlx::Error> = async {
        let mut conn = pool.acquire().await?;
        let mut tx = conn.begin().await?;
        for job in jobs {
            let mut savepoint = tx.begin().await?;
            let (keep, finish) = job(&mut savepoint).await;
            // Push before the savepoint ends so the job is answered even if that fails.
            finishers.push(finish);
            if keep {
                savepoint.commit().await?;
            } else {
                savepoint.rollback().await?;
            }
        }
        tx.commit().await
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
pub(crate) async fn run<T, F>(queue: Option<&Queue>, pool: &AnyPool, job: F) -> Result<T>
where
    T: Send + 'static,
    F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<Done<T>>> + Send + 'static,
{
    let Some(queue) = queue else {
        let mut tx = pool.begin().await?;
        let done = job(&mut tx).await?;
        if done.keep {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        return Ok(done.value);
    };
    let (reply, answer) = oneshot::channel::<Result<T>>();
    let erased: Job = Box::new(move |conn: &mut AnyConnection| {
        Box::pin(async move {
            let result = job(conn).await;
            let keep = matches!(&result, Ok(d) if d.keep);
            let finish: Finish = Box::new(move |commit_error: Option<&str>| {
                let answer = match (result, commit_error) {
                    (Err(e), _) => Err(e),
                    (Ok(done), Some(e)) if done.keep => Err(batch_failed(e)),
                    (Ok(done), _) => Ok(done.value),
                };
                let _ = reply.send(answer);
            });
            (keep, finish)
        })
    });
    queue
        .send(erased)
        .await
        .map_err(|_| batch_failed("the writer task has stopped"))?;
    answer
        .await
        .map_err(|_| batch_failed("the write was not run"))?
}

fn batch_failed(e: &str) -> StoreError {
    StoreError::Database(sqlx::Error::Protocol(format!("group commit failed: {e}")))
}
