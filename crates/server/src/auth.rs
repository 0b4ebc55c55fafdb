//! Passwords (argon2), session tokens, and the actor of each request.
//!
//! A session token is 32 random bytes, base64url without padding; the store keeps only its
//! SHA-256 (hex), so a copy of the database does not hold live tokens. The token travels in
//! the `suqiu_session` cookie (HttpOnly, SameSite=Lax) or as `Authorization: Bearer`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use suqiu_core::access::Actor;

use crate::problem::Problem;
use crate::state::AppState;
use crate::{SESSION_COOKIE, SESSION_HOURS};
use suqiu_core::error::Reason;
use suqiu_core::msg;

/// argon2id memory per hash for new passwords, KiB (19 MiB, t = 2, p = 1: OWASP's first
/// choice). Memory for hashing is at most this times [`Hashing`]'s permits. Stored hashes
/// carry their own parameters and verify with them.
pub const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
/// argon2id passes for new passwords.
pub const ARGON2_ITERATIONS: u32 = 2;

fn argon2() -> Argon2<'static> {
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with argon2id ([`ARGON2_MEMORY_KIB`], [`ARGON2_ITERATIONS`]) and a
/// random salt, as a PHC string. This is what the store keeps; the CLI uses it for `suqiu
/// user add`. Slow on purpose (tens of milliseconds): the server calls it through
/// [`Hashing`], never on its async threads.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let hashed = SaltString::encode_b64(&salt).and_then(|salt| {
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    });
    match hashed {
        Ok(phc) => phc,
        Err(e) => {
            // Not reachable with these parameters; a hash nothing verifies is the safe failure.
            tracing::error!(error = %e, "password hashing failed");
            "!".to_string()
        }
    }
}

/// Whether `password` matches the PHC string `phc` (with the parameters the string
/// names). A malformed PHC string never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the username is unknown, so that an unknown user costs
/// the same time as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("suqiu-dummy-password-never-matches"))
}

type Job = Box<dyn FnOnce() + Send>;

/// Counts of the hashing pool, for `/metrics` and for the test that holds it to its bound.
#[derive(Debug, Default)]
pub struct HashingStats {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    shed: AtomicUsize,
}

impl HashingStats {
    /// Most hashes ever computed at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }

    /// Requests refused because the queue was full.
    pub fn shed(&self) -> usize {
        self.shed.load(Ordering::SeqCst)
    }
}

/// Password hashing with bounded memory: a few threads of our own (the permits, sized to
/// the cores) take jobs from a bounded queue; a job that finds the queue full is refused
/// at once ([`Problem::busy`]) instead of waiting. Why: every argon2 hash holds
/// [`ARGON2_MEMORY_KIB`] while it runs, and unknown usernames cost a (dummy) hash too, so
/// with tokio's 512 blocking threads a flood of sign-ins took the server to 17.9 GB. Here
/// memory for hashing is permits × 19 MiB whatever the traffic, and the same few threads
/// reuse their allocator arenas.
pub struct Hashing {
    jobs: SyncSender<Job>,
    permits: usize,
    stats: Arc<HashingStats>,
}

impl std::fmt::Debug for Hashing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hashing")
            .field("permits", &self.permits)
            .field("stats", &self.stats)
            .finish()
    }
}

impl Hashing {
    /// `permits` hashing threads and room for `queue` waiting jobs beyond them.
    pub fn new(permits: usize, queue: usize) -> Hashing {
        let permits = permits.max(1);
        let (jobs, rx) = sync_channel::<Job>(queue);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..permits {
            let rx = Arc::clone(&rx);
            let spawned = std::thread::Builder::new()
                .name(format!("suqiu-hash-{i}"))
                .spawn(move || work(&rx));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a hashing thread");
            }
        }
        Hashing {
            jobs,
            permits,
            stats: Arc::default(),
        }
    }

    /// As many permits as cores (at most 4, at least 1) and a queue of 16 per permit:
    /// about a second of waiting at most before a sign-in is refused as busy.
    pub fn for_this_machine() -> Hashing {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let permits = cores.clamp(1, 4);
        Hashing::new(permits, 16 * permits)
    }

    pub fn permits(&self) -> usize {
        self.permits
    }

    pub fn stats(&self) -> &HashingStats {
        &self.stats
    }

    /// Queues `f` for a hashing thread, or refuses at once when the queue is full.
    fn submit<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<tokio::sync::oneshot::Receiver<T>, Problem> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let stats = Arc::clone(&self.stats);
        let job: Job = Box::new(move || {
            let now = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
            let out = catch_unwind(AssertUnwindSafe(f));
            stats.in_flight.fetch_sub(1, Ordering::SeqCst);
            if let Ok(out) = out {
                let _ = tx.send(out);
            }
        });
        match self.jobs.try_send(job) {
            Ok(()) => Ok(rx),
            Err(TrySendError::Full(_)) => {
                self.stats.shed.fetch_add(1, Ordering::SeqCst);
                ::metrics::counter!("suqiu_password_hash_shed_total").increment(1);
                Err(Problem::busy())
            }
            Err(TrySendError::Disconnected(_)) => Err(Problem::internal()),
        }
    }

    /// Runs `f` on a hashing thread, or refuses at once when the queue is full.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Problem> {
        self.submit(f)?.await.map_err(|_| Problem::internal())
    }

    /// Verifies on a hashing thread; `phc` `None` checks against the dummy hash and fails
    /// (the same cost, through the same bound). Busy → 503 problem.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool, Problem> {
        self.run(move || match phc {
            Some(phc) => verify_password(&password, &phc),
            None => {
                let _ = verify_password(&password, dummy_hash());
                false
            }
        })
        .await
    }

    /// Hashes a new password on a hashing thread. Busy → 503 problem.
    pub async fn hash(&self, password: String) -> Result<String, Problem> {
        self.run(move || hash_password(&password)).await
    }
}

/// A hashing thread: one job at a time until the pool is dropped.
fn work(rx: &Mutex<Receiver<Job>>) {
    loop {
        let job = rx.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

impl Problem {
    /// 503 when password hashing is saturated: the request is refused, not queued.
    pub fn busy() -> Problem {
        Problem::refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "urn:suqiu:problem:busy",
            "服务器正忙",
            Reason::new(&msg!(
                "busy",
                "同时登录的人太多，服务器正忙，请过几秒再试",
                "Too many people are signing in at once: please try again in a few seconds"
            )),
        )
        .retry_after(BUSY_RETRY_SECONDS)
    }
}

/// The `Retry-After` of a refusal for load.
pub const BUSY_RETRY_SECONDS: i64 = 2;

/// Prepares the dummy hash ahead of the first sign-in (so the first unknown-user attempt is
/// not slower than the others). Cheap after the first call.
pub fn warm_up() {
    let _ = dummy_hash();
}

/// [`warm_up`] on a blocking thread when called inside a tokio runtime.
pub(crate) fn warm_up_in_background() {
    if let Ok(rt) = tokio::runtime::Handle::try_current() {
        rt.spawn_blocking(warm_up);
    }
}

/// A new random session token (32 bytes, base64url without padding).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 of a token, hex: the only form the store sees.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The session token of a request: `Authorization: Bearer …` first, else the cookie.
pub fn request_token(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let v = v.trim();
        if let Some(t) = v
            .strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
        {
            let t = t.trim();
            if !t.is_empty() {
                return Some(t.to_string());
            }
        }
    }
    for value in headers.get_all(header::COOKIE) {
        let Ok(s) = value.to_str() else { continue };
        for pair in s.split(';') {
            if let Some((name, value)) = pair.trim().split_once('=') {
                if name.trim() == SESSION_COOKIE && !value.trim().is_empty() {
                    return Some(value.trim().to_string());
                }
            }
        }
    }
    None
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let mut c = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}",
        SESSION_HOURS * 3600
    );
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The `Set-Cookie` value that ends it.
pub fn clear_cookie(secure: bool) -> String {
    let mut c = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The signed-in actor of a request, resolved from the session once per request (kept in
/// the request's extensions). No or an expired session → 401.
#[derive(Debug, Clone)]
pub struct AuthActor(pub Actor);

impl std::ops::Deref for AuthActor {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.0
    }
}

impl FromRequestParts<AppState> for AuthActor {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        if let Some(actor) = parts.extensions.get::<AuthActor>() {
            return Ok(actor.clone());
        }
        let token = request_token(&parts.headers).ok_or_else(Problem::not_signed_in)?;
        let actor = state
            .store
            .session_actor(&token_hash(&token), state.now())
            .await?
            .ok_or_else(Problem::not_signed_in)?;
        let actor = AuthActor(actor);
        parts.extensions.insert(actor.clone());
        Ok(actor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip_and_bad_hashes_never_match() {
        let phc = hash_password("correct horse");
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &phc));
        assert!(!verify_password("wrong horse", &phc));
        assert!(!verify_password("correct horse", "not a phc string"));
        assert_ne!(hash_password("correct horse"), phc, "salted");
    }

    #[test]
    fn hashes_with_other_parameters_still_verify() {
        let params = Params::new(8 * 1024, 1, 1, None).expect("params");
        let other = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let salt = SaltString::encode_b64(b"0123456789abcdef").expect("salt");
        let phc = other
            .hash_password(b"correct horse", &salt)
            .expect("hash")
            .to_string();
        assert!(phc.contains("m=8192,t=1,p=1"));
        assert!(verify_password("correct horse", &phc));
        assert!(!verify_password("wrong horse", &phc));
        assert!(hash_password("x").contains(&format!("m={ARGON2_MEMORY_KIB},t=2,p=1")));
    }

    #[tokio::test]
    async fn a_full_queue_is_refused_at_once() {
        let pool = Hashing::new(1, 1);
        let (hold_tx, hold_rx) = std::sync::mpsc::channel::<()>();
        let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
        // One job holds the only thread, one waits in the queue; the next is refused.
        let first = pool
            .submit(move || {
                let _ = started_tx.send(());
                hold_rx.recv().is_ok()
            })
            .expect("queued");
        started_rx.recv().expect("the first job runs");
        let queued = pool.submit(|| 2).expect("queued");
        let refused = pool.submit(|| 3).expect_err("full");
        assert_eq!(refused.status, 503);
        let secs = refused.retry_after.map(|s| i64::from(s.get()));
        assert_eq!(secs, Some(BUSY_RETRY_SECONDS));
        assert_eq!(pool.stats().shed(), 1);
        hold_tx.send(()).expect("release");
        assert!(first.await.expect("ran"));
        assert_eq!(queued.await.expect("ran"), 2);
        assert_eq!(pool.stats().max_in_flight(), 1);
    }

    #[test]
    fn tokens_from_bearer_or_cookie() {
        let token = new_token();
        assert_eq!(token.len(), 43);
        assert_eq!(token_hash(&token).len(), 64);
        let mut h = HeaderMap::new();
        assert_eq!(request_token(&h), None);
        h.insert(
            header::COOKIE,
            "a=b; suqiu_session=tok; c=d".parse().expect("header"),
        );
        assert_eq!(request_token(&h).as_deref(), Some("tok"));
        h.insert(
            header::AUTHORIZATION,
            "Bearer bear".parse().expect("header"),
        );
        assert_eq!(request_token(&h).as_deref(), Some("bear"));
        let c = session_cookie("tok", true);
        assert!(
            c.contains("HttpOnly")
                && c.contains("SameSite=Lax")
                && c.contains("Path=/")
                && c.contains("Secure")
        );
        assert!(!session_cookie("tok", false).contains("Secure"));
    }
}
