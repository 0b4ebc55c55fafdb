//! Background jobs of the server, started by `suqiu serve` (tests call their `run_once`
//! with a fake clock instead, so nothing runs behind a test's back).

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::state::AppState;

pub mod outbound;
pub mod reindex;
pub mod suggest;
pub mod watch;

/// A job that runs on one replica at a time.
struct Leased {
    /// The lease's name in the store.
    lease: &'static str,
    /// How long a run may hold it: another replica takes over after that.
    holds: TimeDelta,
    /// Between runs.
    every: Duration,
    /// What the logs call it.
    job: &'static str,
}

impl Leased {
    const fn new(
        lease: &'static str,
        holds: TimeDelta,
        every: Duration,
        job: &'static str,
    ) -> Leased {
        Leased {
            lease,
            holds,
            every,
            job,
        }
    }

    /// Runs `run` now and then every `every`, each time only if this replica holds the lease
    /// (a failed lease is logged and the next tick tries again).
    fn spawn<F, Fut>(self, state: AppState, run: F) -> tokio::task::JoinHandle<()>
    where
        F: Fn(AppState, DateTime<Utc>) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        let holder = uuid::Uuid::new_v4().to_string();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(self.every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let now = state.now();
                match state
                    .store
                    .take_lease(self.lease, &holder, now, self.holds)
                    .await
                {
                    Ok(true) => run(state.clone(), now).await,
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "{}: lease failed", self.job),
                }
            }
        })
    }
}
