//! The intake suggestions' nightly retrain (issue 16 §1): in the quiet hour of the night
//! (`suqiu_core::suggest::RETRAIN_HOUR`, Shanghai) the classifier is trained again on the
//! deployment's history, in the background and one at a time (`app::suggest`); `/admin`'s
//! button does the same on demand. Every server also serves the newest model another one
//! trained on the same database.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use suqiu_core::suggest::retrain_due;
use suqiu_store::StoreError;

use super::Leased;
use crate::app::suggest;
use crate::state::AppState;

pub use crate::app::suggest::RetrainError;
pub use suqiu_store::suggest::LastRun;

/// How often the job looks: often enough to fall in the hour, and to pick up a model
/// another server trained.
pub const EVERY: Duration = Duration::from_secs(10 * 60);
/// One server retrains at a time; a crashed holder's lease lapses after an hour.
const JOB: Leased = Leased::new(
    "suggest_retrain",
    TimeDelta::hours(1),
    EVERY,
    "suggestions retrain",
);

/// One look as of `now`: a retrain if the night's is due, or the newest stored model cannot
/// be read by this build (`Some` with how it went; `None` when not due or one runs already).
pub async fn run_once(
    state: &AppState,
    now: DateTime<Utc>,
) -> Result<Option<LastRun>, RetrainError> {
    // The last run, whatever came of it: a district with too little history is looked at
    // once a night too, not at every tick of the hour.
    let last = state.store.last_training_run().await?.map(|r| r.at);
    let unreadable = suggest::newest_unreadable(state).await?;
    if !retrain_due(now, last, unreadable) {
        return Ok(None);
    }
    suggest::retrain_now(state, now).await.transpose()
}

/// Retrains now, awaited (`None` when a retrain runs already): what `/admin`'s button starts
/// in the background.
pub async fn retrain_now(state: &AppState) -> Option<Result<LastRun, RetrainError>> {
    suggest::retrain_now(state, state.now()).await
}

/// Whether a retrain is running now.
pub fn retraining(state: &AppState) -> bool {
    state.retraining.try_lock().is_err()
}

/// The newest stored model served (what a server does after another trained one).
pub async fn refresh(state: &AppState) -> Result<(), StoreError> {
    suggest::refresh(state).await
}

/// Starts the job: a look now, then one every [`EVERY`], under the lease; and beside it,
/// on every server whatever holds the lease, the newest stored model served.
pub fn spawn(state: AppState) -> [tokio::task::JoinHandle<()>; 2] {
    let retrain = JOB.spawn(state.clone(), |state, now| async move {
        match run_once(&state, now).await {
            Ok(Some(run)) => tracing::info!(
                trained = run.trained,
                texts = run.n_texts,
                labels = run.labels,
                "suggestions: nightly retrain"
            ),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "suggestions: nightly retrain failed"),
        }
    });
    let follow = tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = refresh(&state).await {
                tracing::warn!(error = %e, "suggestions: newest model not loaded");
            }
        }
    });
    [retrain, follow]
}
