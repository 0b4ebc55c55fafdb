//! Slowing down guessing: failures are counted per key (a username at sign-in, a tracking
//! code at the appellant's lookup), and after [`FREE_ATTEMPTS`] the key is locked for
//! [`LOCK_MINUTES`] from the last failure — for the pages and the API alike, so neither is a
//! way around the other. While locked the password is not even checked.
//!
//! The counts per key live in the database (`Store::record_failure`): no volume of failures
//! for other keys can push a live lock out, a restart does not lift it, and servers sharing
//! a PostgreSQL database share it. Expired counts are purged now and then, never live ones.
//!
//! Per client address, in memory: an address with [`CLIENT_FAILURES`] failures in the
//! window is refused for every key until the window has passed, which bounds what one
//! address can write (and guess). IPv6 addresses count per /64, which is what one
//! subscriber gets. The table of addresses is bounded ([`MAX_CLIENTS`]): when full,
//! expired entries go first, then addresses under the limit; refused addresses stay.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, TimeDelta, Utc};
use suqiu_store::{Store, StoreError};

use crate::problem::Problem;
use crate::state::AppState;
use suqiu_core::error::Msg;
use suqiu_core::error::Reason;
use suqiu_core::msg;

/// Failures allowed before a key is locked.
pub const FREE_ATTEMPTS: i64 = 5;
/// How long a lock lasts, counted from the last failure.
pub const LOCK_MINUTES: i64 = 15;
/// Failures one client address may make within [`LOCK_MINUTES`], over all keys, before it is
/// refused for every key. A station's office shares one address; this leaves it room.
pub const CLIENT_FAILURES: u32 = 100;
/// Client addresses remembered at most.
const MAX_CLIENTS: usize = 100_000;
/// Every this many failures, expired counts are purged from the database.
const PURGE_EVERY: u64 = 1_000;

fn window() -> TimeDelta {
    TimeDelta::minutes(LOCK_MINUTES)
}

/// Why attempts are refused for now, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locked {
    /// Too many failures for this key (username, tracking code).
    Key(TimeDelta),
    /// Too many failures from this client address, whatever the key.
    Client(TimeDelta),
}

impl Locked {
    pub fn left(&self) -> TimeDelta {
        match self {
            Locked::Key(d) | Locked::Client(d) => *d,
        }
    }

    /// Whole minutes left, rounded up, for messages.
    pub fn minutes(&self) -> i64 {
        self.left().num_minutes() + 1
    }

    /// The 429 problem for it, with `Retry-After`; `what` names the attempt ([`SIGN_IN`],
    /// [`LOOKUP`]).
    pub fn problem(&self, what: &Msg) -> Problem {
        let reason = match self {
            Locked::Key(_) => Reason::new(&LOCKED_KEY),
            Locked::Client(_) => Reason::new(&LOCKED_CLIENT),
        };
        let title = if what.code == SIGN_IN.code {
            "登录失败次数过多"
        } else {
            "查询失败次数过多"
        };
        Problem::refused(
            StatusCode::TOO_MANY_REQUESTS,
            "urn:suqiu:problem:too-many-attempts",
            title,
            reason
                .with_words("what", what.zh, what.en)
                .with("minutes", self.minutes()),
        )
        .retry_after(self.left().num_seconds())
    }
}

/// The attempts a lock counts.
pub const SIGN_IN: Msg = msg!("sign_in", "登录", "sign-in");
pub const LOOKUP: Msg = msg!("lookup", "查询", "lookup");
const LOCKED_KEY: Msg = msg!(
    "locked",
    "{what}失败次数过多，请 {minutes} 分钟后再试",
    "Too many failed {what} attempts: try again in {minutes} minutes",
);
const LOCKED_CLIENT: Msg = msg!(
    "locked_client",
    "来自这个网络地址的{what}失败次数过多，请 {minutes} 分钟后再试",
    "Too many failed {what} attempts from this network address: try again in {minutes} minutes",
);

impl Locked {}

#[derive(Debug, Clone, Copy)]
struct ClientFailures {
    count: u32,
    last: DateTime<Utc>,
}

impl ClientFailures {
    fn expired(&self, now: DateTime<Utc>) -> bool {
        now - self.last > window()
    }
}

/// The failures of one kind of attempt (`scope`: `login` or `track`).
#[derive(Debug)]
pub struct FailureThrottle {
    scope: &'static str,
    clients: Mutex<HashMap<IpAddr, ClientFailures>>,
    failures_seen: AtomicU64,
}

impl FailureThrottle {
    pub fn new(scope: &'static str) -> FailureThrottle {
        FailureThrottle {
            scope,
            clients: Mutex::default(),
            failures_seen: AtomicU64::new(0),
        }
    }

    /// Usernames are counted case-insensitively and trimmed; codes as given.
    fn key(key: &str) -> String {
        key.trim().to_lowercase()
    }

    /// Whether an attempt on `key` from `client` is refused at `now`, and for how long.
    pub async fn locked(
        &self,
        store: &Store,
        key: &str,
        client: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Option<Locked>, StoreError> {
        if let Some(left) = client.and_then(|ip| self.client_locked(ip, now)) {
            return Ok(Some(Locked::Client(left)));
        }
        let Some(f) = store.failures(self.scope, &Self::key(key)).await? else {
            return Ok(None);
        };
        let until = f.last + window();
        Ok((f.count >= FREE_ATTEMPTS && now < until).then(|| Locked::Key(until - now)))
    }

    /// Counts a failure of `key` from `client` at `now`.
    pub async fn failed(
        &self,
        store: &Store,
        key: &str,
        client: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if let Some(ip) = client {
            self.client_failed(ip, now);
        }
        store
            .record_failure(self.scope, &Self::key(key), now, window())
            .await?;
        if self.failures_seen.fetch_add(1, Ordering::Relaxed) % PURGE_EVERY == PURGE_EVERY - 1 {
            store.purge_failures(self.scope, now - window()).await?;
        }
        Ok(())
    }

    /// Forgets the failures of `key` (the right password, the right digits). The client's
    /// count stays: a success does not buy an address more guesses elsewhere.
    pub async fn succeeded(&self, store: &Store, key: &str) -> Result<(), StoreError> {
        store.clear_failures(self.scope, &Self::key(key)).await
    }

    fn client_locked(&self, ip: IpAddr, now: DateTime<Utc>) -> Option<TimeDelta> {
        let map = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        let f = map.get(&client_key(ip))?;
        let until = f.last + window();
        (f.count >= CLIENT_FAILURES && now < until).then(|| until - now)
    }

    fn client_failed(&self, ip: IpAddr, now: DateTime<Utc>) {
        let ip = client_key(ip);
        let mut map = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= MAX_CLIENTS && !map.contains_key(&ip) {
            map.retain(|_, f| !f.expired(now));
            if map.len() >= MAX_CLIENTS {
                map.retain(|_, f| f.count >= CLIENT_FAILURES);
            }
            if map.len() >= MAX_CLIENTS {
                // Full of refused addresses: this one is not counted (its key still is).
                return;
            }
        }
        let f = map.entry(ip).or_insert(ClientFailures {
            count: 0,
            last: now,
        });
        if f.expired(now) {
            f.count = 0;
        }
        f.count = f.count.saturating_add(1);
        f.last = now;
    }

    #[cfg(test)]
    fn clients_tracked(&self) -> usize {
        self.clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// The address counted for `ip`: IPv4 as it is (also when mapped into IPv6), IPv6 per /64.
pub(crate) fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The client address of a request: the peer of the connection (`ConnectInfo`, set by
/// `suqiu serve`), or — when the peer is the configured trusted reverse proxy
/// (`AppState::trusted_proxy`) — the last address in its `X-Forwarded-For`. None when the
/// router runs without connection info (tests through `oneshot`).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientIp(client_ip(
            peer,
            &parts.headers,
            state.trusted_proxy,
        )))
    }
}

fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, proxy: Option<IpAddr>) -> Option<IpAddr> {
    let peer = peer?;
    if proxy != Some(peer) {
        return Some(peer);
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .next_back();
    Some(forwarded.unwrap_or(peer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T02:00:00Z")
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn a_client_is_refused_after_its_limit_and_forgiven_after_the_window() {
        let t = FailureThrottle::new("login");
        let ip: IpAddr = "203.0.113.7".parse().expect("ip");
        for _ in 0..CLIENT_FAILURES - 1 {
            t.client_failed(ip, t0());
        }
        assert_eq!(t.client_locked(ip, t0()), None, "not yet");
        t.client_failed(ip, t0());
        assert_eq!(t.client_locked(ip, t0()), Some(window()));
        let other: IpAddr = "203.0.113.8".parse().expect("ip");
        assert_eq!(t.client_locked(other, t0()), None, "per address");
        let later = t0() + window() + TimeDelta::seconds(1);
        assert_eq!(t.client_locked(ip, later), None);
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().expect("ip");
        assert_eq!(client_key(a), client_key(b));
        let mapped: IpAddr = "::ffff:198.51.100.4".parse().expect("ip");
        assert_eq!(
            client_key(mapped),
            "198.51.100.4".parse::<IpAddr>().expect("ip")
        );
    }

    #[test]
    fn a_full_client_table_keeps_refused_addresses() {
        let t = FailureThrottle::new("login");
        let bad: IpAddr = "198.51.100.1".parse().expect("ip");
        for _ in 0..CLIENT_FAILURES {
            t.client_failed(bad, t0());
        }
        for i in 0..MAX_CLIENTS as u32 + 10 {
            t.client_failed(
                IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000u32 + i)),
                t0(),
            );
        }
        assert!(t.clients_tracked() <= MAX_CLIENTS);
        assert!(t.client_locked(bad, t0()).is_some(), "never flushed");
    }

    #[test]
    fn forwarded_for_only_from_the_trusted_proxy() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "1.2.3.4, 5.6.7.8".parse().expect("header"),
        );
        let proxy: IpAddr = "127.0.0.1".parse().expect("ip");
        let peer: IpAddr = "9.9.9.9".parse().expect("ip");
        assert_eq!(client_ip(Some(peer), &h, Some(proxy)), Some(peer));
        assert_eq!(
            client_ip(Some(proxy), &h, Some(proxy)),
            Some("5.6.7.8".parse().expect("ip")),
            "the address the proxy saw, not what the client claims"
        );
        assert_eq!(client_ip(Some(proxy), &h, None), Some(proxy));
        assert_eq!(client_ip(None, &h, Some(proxy)), None);
    }
}
