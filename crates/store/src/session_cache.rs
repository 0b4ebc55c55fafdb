//! Recently checked sessions, kept in memory for a few seconds.
//!
//! Why: every request carries a session token, and looking it up is a query — on SQLite a
//! round trip to a reader thread — before the request can do its own work. A client making
//! many requests in a row (a desk working through its queue, an integration posting appeals)
//! would pay it every time. A session found live stays trusted for [`TTL`] at most.
//!
//! Revocation: signing out, a password change and an administrator's sign-out-everywhere
//! through this store forget the tokens at once on this server; a session deleted
//! by another process (PostgreSQL with several servers) stops working within [`TTL`]. The
//! session's own expiry is checked against the caller's clock on every use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use suqiu_core::access::Actor;

/// How long a looked-up session is trusted without asking the database again.
pub(crate) const TTL: Duration = Duration::from_secs(10);

/// Beyond this many cached sessions the cache starts afresh (bounded memory).
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Clone)]
struct Entry {
    actor: Actor,
    expires_at: DateTime<Utc>,
    checked: Instant,
}

/// Token hash → the actor of a live session.
#[derive(Debug, Default, Clone)]
pub(crate) struct SessionCache(Arc<Mutex<HashMap<String, Entry>>>);

/// What the cache knows about a token.
#[derive(Debug, PartialEq)]
pub(crate) enum Cached {
    Live(Actor),
    Expired,
    Unknown,
}

impl SessionCache {
    pub(crate) fn get(&self, token_hash: &str, now: DateTime<Utc>) -> Cached {
        let map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match map.get(token_hash) {
            Some(e) if e.checked.elapsed() >= TTL => Cached::Unknown,
            Some(e) if e.expires_at > now => Cached::Live(e.actor.clone()),
            Some(_) => Cached::Expired,
            None => Cached::Unknown,
        }
    }

    pub(crate) fn put(&self, token_hash: &str, actor: Actor, expires_at: DateTime<Utc>) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(
            token_hash.to_string(),
            Entry {
                actor,
                expires_at,
                checked: Instant::now(),
            },
        );
    }

    pub(crate) fn forget(&self, token_hash: &str) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(token_hash);
    }

    /// Forgets every cached session of `user_id` (its sessions were deleted).
    pub(crate) fn forget_user(&self, user_id: suqiu_core::Id) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, e| e.actor.user_id != user_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use suqiu_core::access::Role;

    #[test]
    fn live_until_expiry_and_forgotten_on_sign_out() {
        let cache = SessionCache::default();
        let actor = Actor {
            user_id: 7,
            name: "佛字桥".into(),
            role: Role::StationStaff,
            org_unit_id: 3,
            org_path: "/1/2/3/".into(),
            department_id: None,
        };
        let t = |h| Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0).unwrap();
        assert_eq!(cache.get("h", t(8)), Cached::Unknown);
        cache.put("h", actor.clone(), t(20));
        assert_eq!(cache.get("h", t(8)), Cached::Live(actor));
        assert_eq!(
            cache.get("h", t(20)),
            Cached::Expired,
            "expiry is exclusive"
        );
        cache.forget("h");
        assert_eq!(cache.get("h", t(8)), Cached::Unknown);
        cache.put("a", actor.clone(), t(20));
        cache.put("b", actor.clone(), t(20));
        cache.put(
            "c",
            Actor {
                user_id: 8,
                ..actor.clone()
            },
            t(20),
        );
        cache.forget_user(7);
        assert_eq!(cache.get("a", t(8)), Cached::Unknown);
        assert_eq!(cache.get("b", t(8)), Cached::Unknown);
        assert!(
            matches!(cache.get("c", t(8)), Cached::Live(_)),
            "other users stay"
        );
    }
}
