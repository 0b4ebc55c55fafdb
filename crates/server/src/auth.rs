//! Passwords (argon2), session tokens, and the actor of each request.
//!
//! A session token is 32 random bytes, base64url without padding; the store keeps only its
//! SHA-256 (hex), so a copy of the database does not hold live tokens. The token travels in
//! the `suqiu_session` cookie (HttpOnly, SameSite=Lax) or as `Authorization: Bearer`.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use suqiu_core::access::Actor;

use crate::problem::Problem;
use crate::state::AppState;
use crate::{SESSION_COOKIE, SESSION_HOURS};

/// Hashes a password with argon2id (default parameters) and a random salt, as a PHC string.
/// This is what the store keeps; the CLI uses it for `suqiu user add`. Slow on purpose (tens
/// of milliseconds): call it from blocking code, or through `spawn_blocking`.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let hashed = SaltString::encode_b64(&salt).and_then(|salt| {
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    });
    match hashed {
        Ok(phc) => phc,
        Err(e) => {
            // Not reachable with the default parameters; a hash nothing verifies is the safe failure.
            tracing::error!(error = %e, "password hashing failed");
            "!".to_string()
        }
    }
}

/// Whether `password` matches the PHC string `phc`. A malformed PHC string never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
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

/// Verifies in a blocking thread; `phc` `None` checks against the dummy hash and fails.
pub async fn verify_blocking(password: String, phc: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match phc {
        Some(phc) => verify_password(&password, &phc),
        None => {
            let _ = verify_password(&password, dummy_hash());
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// Hashes in a blocking thread.
pub async fn hash_blocking(password: String) -> Result<String, Problem> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| Problem::internal())
}

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
