//! `/admin/security`: the district's password rule (its minimum length), saved through the
//! API's own path (which checks and records it).

use askama::Template;
use axum::extract::State;
use suqiu_core::access::Capability;
use suqiu_core::password::PasswordPolicy;

use super::{again, done, require_admin};

use crate::routes::account::save_password_policy as save_password_policy_api;
use crate::state::AppState;
use crate::ui::view::{Chrome, FieldErrors};
use crate::ui::{fail, render, PageResult, PostForm, Session, UiError};

#[derive(Template)]
#[template(path = "admin_security.html")]
struct SecurityPage {
    c: Chrome,
    may_configure: bool,
    /// The minimum as saved, or as typed when the save failed.
    min_length: String,
    errors: FieldErrors,
}

async fn security_page(
    state: &AppState,
    s: &Session,
    typed: Option<String>,
    errors: FieldErrors,
) -> Result<SecurityPage, UiError> {
    let min_length = match typed {
        Some(t) => t,
        None => state.store.password_policy().await?.min_length.to_string(),
    };
    Ok(SecurityPage {
        c: s.chrome("admin_security"),
        may_configure: s.may(Capability::Configure),
        min_length,
        errors,
    })
}

/// `GET /admin/security`.
pub(crate) async fn page(State(state): State<AppState>, s: Session) -> PageResult {
    require_admin(&s)?;
    let page = security_page(&state, &s, None, FieldErrors::new(s.lang))
        .await
        .map_err(fail(s.lang))?;
    render(s.lang, &page)
}

/// `POST /admin/password-policy`: the district's password minimum.
pub(crate) async fn save(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    let typed = post.form.raw("min_length");
    let errors = match typed.trim().parse::<usize>() {
        Err(_) => {
            let mut e = FieldErrors::new(lang);
            e.push_text("min_length", lang.t("admin.err_min_length"));
            e
        }
        Ok(min_length) => {
            let policy = PasswordPolicy { min_length };
            match save_password_policy_api(&state, &s.actor, policy).await {
                Ok(()) => {
                    let shown = min_length.to_string();
                    return Ok(done(
                        &state,
                        "/admin/security",
                        "flash.admin_password",
                        &shown,
                    ));
                }
                Err(p) if p.status == 422 => FieldErrors::from_problem(&p, lang),
                Err(p) => return Err(UiError::from(p).page(lang)),
            }
        }
    };
    let page = security_page(&state, &s, Some(typed), errors)
        .await
        .map_err(fail(lang))?;
    again(&s, &page)
}
