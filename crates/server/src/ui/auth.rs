//! Sign in, sign out, and the language switch.
//!
//! Repeated failures lock a username for a while (in memory, per username: a restart
//! forgets, which is acceptable for slowing down guessing at a desk application). While
//! locked, the password is not even checked, so guessing gains nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use chrono::{DateTime, TimeDelta, Utc};
use rand::RngCore;

use super::i18n::{Lang, LANG_COOKIE};
use super::{local_path, same_token, see_other, FormData, PostForm, UiError};
use crate::auth::{
    clear_cookie, new_token, request_token, session_cookie, token_hash, verify_blocking,
};
use crate::state::AppState;
use crate::SESSION_HOURS;

/// Failures allowed before a username is locked.
pub(crate) const FREE_ATTEMPTS: u32 = 5;
/// How long a lock lasts, counted from the last failure.
pub(crate) const LOCK_MINUTES: i64 = 15;
/// Usernames remembered at most; older entries are dropped first when full.
const MAX_TRACKED: usize = 10_000;
/// Longest username looked up at all.
const MAX_USERNAME: usize = 64;

/// The cookie of the sign-in form's CSRF token (double submit: no session exists yet).
const LOGIN_CSRF_COOKIE: &str = "suqiu_login_csrf";

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: DateTime<Utc>,
}

/// Failed sign-ins per username.
#[derive(Debug, Default)]
pub(crate) struct LoginThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

impl LoginThrottle {
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

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    lang: Lang,
    csrf: String,
    username: String,
    error: String,
}

impl LoginPage {
    fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }
}

fn set_cookie(res: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|s| s.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The sign-in page, with a fresh form token in its cookie and field.
fn login_response(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    username: String,
    error: String,
) -> Response {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let csrf = hex::encode(bytes);
    let page = LoginPage {
        lang,
        csrf: csrf.clone(),
        username,
        error,
    };
    let mut res = match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => return UiError::from(e).into_page(lang),
    };
    let mut cookie = format!("{LOGIN_CSRF_COOKIE}={csrf}; HttpOnly; SameSite=Strict; Path=/login");
    if state.secure_cookies {
        cookie.push_str("; Secure");
    }
    set_cookie(&mut res, &cookie);
    res
}

pub(crate) async fn login_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    login_response(&state, lang, StatusCode::OK, String::new(), String::new())
}

pub(crate) async fn login(
    State(state): State<AppState>,
    Extension(throttle): Extension<Arc<LoginThrottle>>,
    headers: HeaderMap,
    form: FormData,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let username = form.get("username").unwrap_or("").to_string();
    let again = |status, error: &str| {
        login_response(&state, lang, status, username.clone(), error.to_string())
    };
    let expected = cookie_value(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    let given = form.get("_csrf").unwrap_or("");
    if expected.is_empty() || !same_token(given, &expected) {
        return again(StatusCode::FORBIDDEN, lang.t("login.expired"));
    }
    let now = state.now();
    if let Some(left) = throttle.locked_for(&username, now) {
        let minutes = left.num_minutes() + 1;
        let msg = format!(
            "{}（{minutes} {}）",
            lang.t("login.locked"),
            lang.t("login.minutes")
        );
        return again(StatusCode::TOO_MANY_REQUESTS, &msg);
    }
    let password = form.raw("password");
    let found = if username.is_empty() || username.len() > MAX_USERNAME {
        None
    } else {
        match state.store.user_for_login(&username).await {
            Ok(found) => found,
            Err(e) => return UiError::from(e).into_page(lang),
        }
    };
    let (user, phc) = match found {
        Some((user, phc)) => (Some(user), Some(phc)),
        None => (None, None),
    };
    let verified = verify_blocking(password, phc).await;
    let Some(user) = user.filter(|_| verified) else {
        throttle.failed(&username, now);
        return again(StatusCode::UNAUTHORIZED, lang.t("login.wrong"));
    };
    throttle.succeeded(&username);
    let token = new_token();
    let expires_at = now + TimeDelta::hours(SESSION_HOURS);
    if let Err(e) = state
        .store
        .create_session(&token_hash(&token), user.id, expires_at)
        .await
    {
        return UiError::from(e).into_page(lang);
    }
    let mut res = see_other("/");
    set_cookie(&mut res, &session_cookie(&token, state.secure_cookies));
    res
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    post: PostForm,
) -> Response {
    let lang = post.session.lang;
    // PostForm proved the session behind this cookie is live and the form is ours.
    if let Some(token) = request_token(&headers) {
        if let Err(e) = state.store.delete_session(&token_hash(&token)).await {
            return UiError::from(e).into_page(lang);
        }
    }
    let mut res = see_other("/login");
    set_cookie(&mut res, &clear_cookie(state.secure_cookies));
    res
}

/// Sets the language cookie and goes back to the page the link was on.
pub(crate) async fn switch_language(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::parse(&lang).unwrap_or_default();
    let back = local_path(&headers).unwrap_or_else(|| "/".into());
    let mut res = see_other(&back);
    let mut cookie = format!(
        "{LANG_COOKIE}={}; SameSite=Lax; Path=/; Max-Age=31536000",
        lang.code()
    );
    if state.secure_cookies {
        cookie.push_str("; Secure");
    }
    set_cookie(&mut res, &cookie);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_username_locks_after_repeated_failures_and_unlocks_later() {
        let t = LoginThrottle::default();
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
