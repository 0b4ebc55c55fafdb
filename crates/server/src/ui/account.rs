//! 修改密码: the signed-in user's own password, reached from the name in the header. The
//! same change as the API's (`routes::account`): every other session of the user ends.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use suqiu_core::msg;

use super::i18n::Lang;
use super::view::{Chrome, FieldErrors};
use super::{fail, render, saved, Flash, PageResult, PostForm, Session, UiError};
use crate::auth::request_token;
use crate::routes::account::{change_own_password, PasswordChangeIn};
use crate::state::AppState;
use crate::throttle::ClientIp;

#[derive(Template)]
#[template(path = "account.html")]
struct PasswordPage {
    c: Chrome,
    min_length: usize,
    errors: FieldErrors,
    /// A refusal that is not about one field (locked, busy).
    error: String,
}

async fn password_page(
    state: &AppState,
    s: &Session,
    errors: FieldErrors,
    error: String,
) -> Result<PasswordPage, UiError> {
    Ok(PasswordPage {
        c: s.chrome("account"),
        min_length: state.store.password_policy().await?.min_length,
        errors,
        error,
    })
}

/// `GET /account/password`.
pub(crate) async fn page(State(state): State<AppState>, s: Session) -> PageResult {
    let page = password_page(&state, &s, FieldErrors::new(s.lang), String::new())
        .await
        .map_err(fail(s.lang))?;
    render(s.lang, &page)
}

/// `POST /account/password`: `current_password`, `new_password`, `repeat_password`.
pub(crate) async fn change(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    let f = post.form;
    let mut errors = FieldErrors::new(lang);
    let mut error = String::new();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let body = PasswordChangeIn {
        current_password: f.raw("current_password"),
        new_password: f.raw("new_password"),
    };
    if body.new_password != f.raw("repeat_password") {
        errors.push(
            "repeat_password",
            &msg!(
                "password_repeat_differs",
                "两次输入的新密码不一样",
                "The two new passwords differ"
            ),
        );
    } else {
        // PostForm proved the session behind this cookie is live and the form is ours.
        let token = request_token(&headers).unwrap_or_default();
        match change_own_password(&state, &s.actor, &token, body, client).await {
            Ok(()) => {
                let flash = Flash::new("flash.password_changed").next("/", "nav.home");
                return Ok(saved(&state, "/account/password", flash));
            }
            Err(p) if p.status == 422 => errors = FieldErrors::from_problem(&p, lang),
            Err(p) if matches!(p.status, 429 | 503) => {
                status = p.status();
                error = p.says(lang == Lang::En);
            }
            Err(p) => return Err(UiError::from(p).page(lang)),
        }
    }
    let page = password_page(&state, &s, errors, error)
        .await
        .map_err(fail(lang))?;
    let mut res = render(lang, &page)?;
    *res.status_mut() = status;
    Ok(res)
}
