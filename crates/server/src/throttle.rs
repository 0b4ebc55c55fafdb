//! Slowing down guessing: failures are counted per key (a username at sign-in, a tracking
//! code at the appellant's lookup), and after [`FREE_ATTEMPTS`] the key is locked for
//! [`LOCK_MINUTES`] from the last failure — for the pages and the API alike, so neither is a
//! way around the other.
//!
//! In memory: a restart forgets the counts, which is acceptable for slowing guessing down
//! (a lock that survived restarts would need the database on every failed attempt). While
//! locked the password is not even checked, so guessing gains nothing.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, TimeDelta, Utc};

/// Failures allowed before a username is locked.
pub const FREE_ATTEMPTS: u32 = 5;
/// How long a lock lasts, counted from the last failure.
pub const LOCK_MINUTES: i64 = 15;
/// Usernames remembered at most; older entries are dropped first when full.
const MAX_TRACKED: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: DateTime<Utc>,
}

/// Failed sign-ins per username.
#[derive(Debug, Default)]
pub struct FailureThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

impl FailureThrottle {
    fn key(username: &str) -> String {
        username.trim().to_lowercase()
    }

    /// How long `username` stays locked at `now`, if it is.
    pub fn locked_for(&self, username: &str, now: DateTime<Utc>) -> Option<TimeDelta> {
        let map = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let f = map.get(&Self::key(username))?;
        let until = f.last + TimeDelta::minutes(LOCK_MINUTES);
        (f.count >= FREE_ATTEMPTS && now < until).then(|| until - now)
    }

    pub fn failed(&self, username: &str, now: DateTime<Utc>) {
        let mut map = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= MAX_TRACKED {
            let cutoff = now - TimeDelta::minutes(LOCK_MINUTES);
            map.retain(|_, f| f.last > cutoff);
            if map.len() >= MAX_TRACKED {
                map.clear();
            }
        }
        let f = map.entry(Self::key(username)).or_insert(Failures {
            count: 0,
            last: now,
        });
        // A failure long after the last one starts a new count.
        if now - f.last > TimeDelta::minutes(LOCK_MINUTES) {
            f.count = 0;
        }
        f.count += 1;
        f.last = now;
    }

    pub fn succeeded(&self, username: &str) {
        self.failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&Self::key(username));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_username_locks_after_repeated_failures_and_unlocks_later() {
        let t = FailureThrottle::default();
        let now = DateTime::parse_from_rfc3339("2026-11-24T02:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        for _ in 0..FREE_ATTEMPTS - 1 {
            t.failed("FZQ", now);
        }
        assert_eq!(t.locked_for("fzq", now), None, "not yet");
        t.failed("fzq ", now);
        let left = t.locked_for("fzq", now).expect("locked");
        assert_eq!(left, TimeDelta::minutes(LOCK_MINUTES));
        assert_eq!(t.locked_for("other", now), None, "per username");
        let later = now + TimeDelta::minutes(LOCK_MINUTES) + TimeDelta::seconds(1);
        assert_eq!(t.locked_for("fzq", later), None);
        t.failed("fzq", later);
        assert_eq!(t.locked_for("fzq", later), None, "a new count");
        t.succeeded("fzq");
        assert!(t.failures.lock().expect("lock").is_empty());
    }
}
