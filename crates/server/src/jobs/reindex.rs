//! The search index's catch-up after a change of its tokens (migrations 0036 and 0038): appeals
//! written before it hold the old search tokens, and this job recomputes them (newest first, a
//! batch per transaction, see `Store::reindex_search_batch`) at start-up, and looks again every
//! ten minutes — one read of a one-row table once everything is done.

use std::time::Duration;

use chrono::TimeDelta;

use super::Leased;
use crate::state::AppState;

/// Between looks.
pub const EVERY: Duration = Duration::from_secs(600);
/// One replica at a time (the lease `search_reindex`); batches are safe to overlap anyway
/// (each moves the mark only from where it read it), so a lapsed lease costs only work.
const JOB: Leased = Leased::new(
    "search_reindex",
    TimeDelta::minutes(30),
    EVERY,
    "search reindex",
);

/// Starts the catch-up: a run now, then one every [`EVERY`], each under the lease. An error
/// is logged and the next run goes on from where this one stopped.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    JOB.spawn(state, |state, _now| async move {
        match state.store.reindex_search().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                appeals = n,
                "search reindex: old appeals searchable by fragments"
            ),
            Err(e) => tracing::warn!(error = %e, "search reindex failed"),
        }
    })
}
