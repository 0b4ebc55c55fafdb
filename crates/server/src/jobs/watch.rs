//! The deadline watch (督办提醒): every minute, and once at start-up, remind handlers of
//! deadlines within the reminder window, record overdue appeals on their timeline with a
//! notice to the handler and the level above, and raise long-overdue appeals one level.
//!
//! Several servers may share one PostgreSQL: each run first takes a lease (so one server
//! works at a time), and the store records every finding under a unique key in the same
//! transaction as its events and notices, so each happens exactly once even if leases overlap.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use suqiu_core::watch::{events_for, findings, WatchRules};
use suqiu_store::watch::WatchStep;
use suqiu_store::{settings, StoreError};

use super::Leased;
use crate::state::AppState;

/// How often the watch runs.
pub const EVERY: Duration = Duration::from_secs(60);
/// The watch runs on one replica at a time: the lease `deadline_watch` outlives a run; a
/// crashed holder's lease lapses after five minutes.
const JOB: Leased = Leased::new(
    "deadline_watch",
    TimeDelta::minutes(5),
    EVERY,
    "deadline watch",
);

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WatchReport {
    /// Appeals looked at.
    pub examined: usize,
    /// Reminders, overdue records and escalations done (each exactly once).
    pub steps: usize,
    /// Appeals whose transaction failed; they are tried again on the next run.
    pub failed: usize,
}

/// The district's watch rules (setting `watch_rules`), or the defaults.
pub async fn rules(state: &AppState) -> Result<WatchRules, StoreError> {
    match state.store.setting(settings::WATCH_RULES).await? {
        None => Ok(WatchRules::default()),
        Some(json) => {
            let rules: WatchRules = serde_json::from_str(&json).map_err(|e| {
                StoreError::Corrupt(format!("setting {}: {e}", settings::WATCH_RULES))
            })?;
            rules.validate().map_err(|e| {
                StoreError::Corrupt(format!("setting {}: {e}", settings::WATCH_RULES))
            })?;
            Ok(rules)
        }
    }
}

/// One pass of the watch as of `now` (no lease: callers that may race take one first).
pub async fn run_once(state: &AppState, now: DateTime<Utc>) -> Result<WatchReport, StoreError> {
    let rules = rules(state).await?;
    let calendar = Arc::new(state.calendar().clone());
    let horizon = rules.remind_horizon(&calendar, now);
    // Calendar days never outnumber working days, so this bound lets through every appeal
    // the rule may escalate (core decides exactly).
    let escalate_before = now - TimeDelta::days(i64::from(rules.escalate_after_working_days));
    let ids = state
        .store
        .watch_candidates(now, horizon, escalate_before)
        .await?;
    let mut report = WatchReport {
        examined: ids.len(),
        ..WatchReport::default()
    };
    for id in ids {
        let calendar = Arc::clone(&calendar);
        let done = state
            .store
            .watch_appeal(id, now, move |record| {
                findings(&record.appeal, now, &calendar, &rules)
                    .into_iter()
                    .map(|finding| WatchStep {
                        events: events_for(&finding, &record.appeal, &record.place, now, &rules),
                        finding,
                    })
                    .collect()
            })
            .await;
        // One appeal that cannot be written must not stop the watch for all the others;
        // nothing of it was written, so the next run tries it again.
        match done {
            Ok(n) => report.steps += n,
            Err(e) => {
                report.failed += 1;
                tracing::warn!(appeal = id, error = %e, "deadline watch: appeal skipped");
            }
        }
    }
    Ok(report)
}

/// Starts the watch: a run now, then one every [`EVERY`], each under the lease. Errors are
/// logged (without appeal contents) and the next run tries again.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    JOB.spawn(state, |state, now| async move {
        match run_once(&state, now).await {
            Ok(r) if r.steps > 0 || r.failed > 0 => tracing::info!(
                examined = r.examined,
                steps = r.steps,
                failed = r.failed,
                "deadline watch"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "deadline watch failed"),
        }
    })
}
