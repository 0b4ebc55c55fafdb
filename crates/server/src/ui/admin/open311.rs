//! `/admin/open311`: the keys of the systems that post appeals through Open311 (the
//! district's): a new key shown once, when it is made; the list with when each was made and
//! last used; revoking one, after saying so on its form. Through `app::open311::keys`, which
//! checks the role and records each change.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use suqiu_core::open311::{DEFAULT_PER_HOUR, MAX_KEY_NAME};
use suqiu_store::open311::ApiKey;

use super::{again, done, require_admin};
use crate::app::open311::keys;
use crate::app::public_base;
use crate::state::AppState;
use crate::ui::i18n::Lang;
use crate::ui::view::{when, Chrome, FieldErrors};
use crate::ui::{fail, render, PageId, PageResult, PostForm, Session, UiError};

/// One key as listed.
struct KeyRow {
    id: i64,
    name: String,
    created: String,
    /// Who made it, or "the command line".
    by: String,
    last_used: String,
    /// When it was revoked ("" while active).
    revoked: String,
    /// Posts allowed an hour.
    per_hour: i64,
}

impl KeyRow {
    fn new(lang: Lang, k: &ApiKey) -> KeyRow {
        KeyRow {
            id: k.id,
            name: k.name.clone(),
            created: when(k.created_at),
            by: k
                .created_by_name
                .clone()
                .unwrap_or_else(|| lang.t("admin.key_cli").to_string()),
            last_used: k
                .last_used_at
                .map_or_else(|| lang.t("admin.key_never").to_string(), when),
            revoked: k.revoked_at.map(when).unwrap_or_default(),
            per_hour: k.per_hour,
        }
    }
}

#[derive(Template)]
#[template(path = "admin_open311.html")]
struct KeysPage {
    c: Chrome,
    /// Where the other systems find the endpoint.
    discovery: String,
    keys: Vec<KeyRow>,
    /// The key just made, shown this once: (system, key).
    new_key: Option<(String, String)>,
    /// The name and hourly limit as typed when making a key failed.
    name: String,
    per_hour: String,
    default_per_hour: i64,
    max_name: usize,
    errors: FieldErrors,
    /// The key whose revocation was not confirmed.
    unconfirmed: Option<i64>,
    /// The key whose new limit was refused (its form open again, with the error).
    limit_failed: Option<i64>,
}

impl KeysPage {
    /// Whether the key `id`'s revocation is the one not confirmed (its form open again).
    fn unconfirmed_is(&self, id: &i64) -> bool {
        self.unconfirmed == Some(*id)
    }

    /// Whether the key `id`'s new limit is the one refused.
    fn limit_failed_is(&self, id: &i64) -> bool {
        self.limit_failed == Some(*id)
    }
}

async fn keys_page(
    state: &AppState,
    s: &Session,
    headers: &HeaderMap,
    errors: FieldErrors,
) -> Result<KeysPage, UiError> {
    let keys = keys::list(state, &s.actor).await?;
    Ok(KeysPage {
        c: s.chrome("admin_open311"),
        discovery: format!(
            "{}/open311/v2/discovery.json",
            public_base(state, headers).await?
        ),
        keys: keys.iter().map(|k| KeyRow::new(s.lang, k)).collect(),
        new_key: None,
        name: String::new(),
        per_hour: String::new(),
        default_per_hour: DEFAULT_PER_HOUR,
        max_name: MAX_KEY_NAME,
        errors,
        unconfirmed: None,
        limit_failed: None,
    })
}

/// The page again after a refused form: its errors, and what `edit` puts back (what was
/// typed, which key's form is open).
async fn refused(
    state: &AppState,
    s: &Session,
    headers: &HeaderMap,
    errors: FieldErrors,
    edit: impl FnOnce(&mut KeysPage),
) -> PageResult {
    let mut page = keys_page(state, s, headers, errors)
        .await
        .map_err(fail(s.lang))?;
    edit(&mut page);
    again(s, &page)
}

/// `GET /admin/open311`.
pub(crate) async fn page(
    State(state): State<AppState>,
    s: Session,
    headers: HeaderMap,
) -> PageResult {
    require_admin(&s)?;
    let page = keys_page(&state, &s, &headers, FieldErrors::new(s.lang))
        .await
        .map_err(fail(s.lang))?;
    render(s.lang, &page)
}

/// `POST /admin/open311/keys`: makes a key and shows it, this once, on the page it answers
/// with (no redirect: the key is never stored to be shown again).
pub(crate) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    let typed = post.form.raw("name");
    let per_hour = post.form.raw("per_hour");
    match keys::create(&state, &s.actor, (&typed, &per_hour)).await {
        Ok((key, kept)) => {
            let mut page = keys_page(&state, &s, &headers, FieldErrors::new(lang))
                .await
                .map_err(fail(lang))?;
            page.new_key = Some((kept.name, key));
            render(lang, &page)
        }
        Err(e) => {
            let problem = crate::problem::Problem::from(e);
            if !matches!(problem.status, 409 | 422) {
                return Err(UiError::from(problem).page(lang));
            }
            let errors = FieldErrors::from_problem(&problem, lang);
            refused(&state, &s, &headers, errors, |page| {
                page.name = typed;
                page.per_hour = per_hour;
            })
            .await
        }
    }
}

/// `POST /admin/open311/keys/{id}/revoke`: revokes the key once its form says so (the
/// `confirm` box); recorded.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    PageId(id): PageId,
    headers: HeaderMap,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    if !post.form.checked("confirm") {
        let mut errors = FieldErrors::new(lang);
        errors.push_text("confirm", lang.t("admin.err_revoke_confirm"));
        return refused(&state, &s, &headers, errors, |page| {
            page.unconfirmed = Some(id)
        })
        .await;
    }
    let key = keys::revoke(&state, &s.actor, id)
        .await
        .map_err(|e| UiError::from(e).page(lang))?;
    Ok(done(
        &state,
        "/admin/open311",
        "flash.admin_key_revoked",
        &key.name,
    ))
}

/// `POST /admin/open311/keys/{id}/limit`: sets how many requests the key may post in an hour;
/// recorded. A refused number comes back beside its key's form.
pub(crate) async fn limit(
    State(state): State<AppState>,
    PageId(id): PageId,
    headers: HeaderMap,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    match keys::set_limit(&state, &s.actor, id, &post.form.raw("per_hour")).await {
        Ok(key) => Ok(done(
            &state,
            "/admin/open311",
            "flash.admin_key_limit",
            &key.name,
        )),
        Err(e) => {
            let problem = crate::problem::Problem::from(e);
            if problem.status != 422 {
                return Err(UiError::from(problem).page(lang));
            }
            let errors = FieldErrors::from_problem(&problem, lang);
            refused(&state, &s, &headers, errors, |page| {
                page.limit_failed = Some(id)
            })
            .await
        }
    }
}
