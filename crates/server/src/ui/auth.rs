//! Sign in, sign out, and the language switch. Repeated failures lock a username for a
//! while (`crate::throttle`, shared with the API's sign-in).

use askama::Template;
use std::net::IpAddr;

use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::TimeDelta;
use rand::RngCore;

use super::i18n::{Lang, LANG_COOKIE};
use super::{local_path, same_token, see_other, FormData, PostForm, UiError};
use crate::auth::{clear_cookie, new_token, request_token, session_cookie, token_hash};
use crate::problem::Problem;
use crate::routes::auth::authenticate;
use crate::state::AppState;
use crate::throttle::ClientIp;
use crate::SESSION_HOURS;

/// The cookie of the sign-in form's CSRF token (double submit: no session exists yet).
const LOGIN_CSRF_COOKIE: &str = "suqiu_login_csrf";

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

pub(crate) fn set_cookie(res: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
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
    let (csrf, cookie) = double_submit_token(state, LOGIN_CSRF_COOKIE, "/login");
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
    set_cookie(&mut res, &cookie);
    res
}

/// A form token for a page without a session (double submit): a fresh random token and the
/// `Set-Cookie` value holding it, scoped to `path`. The form sends the token back as `_csrf`;
/// [`SignedOutPost::fresh`] compares the two.
pub(crate) fn double_submit_token(state: &AppState, cookie: &str, path: &str) -> (String, String) {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let mut set = format!("{cookie}={token}; HttpOnly; SameSite=Strict; Path={path}");
    if state.secure_cookies {
        set.push_str("; Secure");
    }
    (token, set)
}

/// A form posted without a session (signing in, the appellant's lookup, the public door):
/// who sent it (for the throttles), the page's language, and its double-submit check.
pub(crate) struct SignedOutPost {
    pub client: Option<IpAddr>,
    pub headers: HeaderMap,
    pub lang: Lang,
    pub form: FormData,
}

impl SignedOutPost {
    /// Whether the form's `_csrf` matches the token in cookie `cookie`.
    pub fn fresh(&self, cookie: &str) -> bool {
        let expected = cookie_value(&self.headers, cookie).unwrap_or_default();
        let given = self.form.get("_csrf").unwrap_or("");
        !expected.is_empty() && same_token(given, &expected)
    }
}

impl FromRequest<AppState> for SignedOutPost {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let Ok(ClientIp(client)) = ClientIp::from_request_parts(&mut parts, state).await;
        let headers = parts.headers.clone();
        let req = Request::from_parts(parts, body);
        let form = FormData::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(SignedOutPost {
            client,
            lang: Lang::from_headers(&headers),
            headers,
            form,
        })
    }
}

pub(crate) async fn login_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    login_response(&state, lang, StatusCode::OK, String::new(), String::new())
}

/// The sign-in page again after a refusal, with the message for its reason.
fn login_refused(state: &AppState, lang: Lang, username: String, p: &Problem) -> Response {
    let status = p.status();
    let error = match status.as_u16() {
        401 => lang.t("login.wrong").to_string(),
        429 => {
            let minutes = p.retry_after.map_or(60, |s| s.get()).div_ceil(60);
            format!(
                "{}（{minutes} {}）",
                lang.t("login.locked"),
                lang.t("login.minutes")
            )
        }
        503 => lang.t("login.busy").to_string(),
        _ => return UiError::from(p.clone()).into_page(lang),
    };
    let mut res = login_response(state, lang, status, username, error);
    if let Some(secs) = p.retry_after {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs.get()));
    }
    res
}

pub(crate) async fn login(State(state): State<AppState>, post: SignedOutPost) -> Response {
    let lang = post.lang;
    let username = post.form.get("username").unwrap_or("").to_string();
    let again = |status, error: &str| {
        login_response(&state, lang, status, username.clone(), error.to_string())
    };
    if !post.fresh(LOGIN_CSRF_COOKIE) {
        return again(StatusCode::FORBIDDEN, lang.t("login.expired"));
    }
    let password = post.form.raw("password");
    let user = match authenticate(&state, &username, password, post.client).await {
        Ok(user) => user,
        Err(p) => return login_refused(&state, lang, username.clone(), &p),
    };
    let now = state.now();
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
