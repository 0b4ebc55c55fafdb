//! 设置: one page per part of the configuration, so no page is a scroll through all of them
//! (the single page had grown past 20,000 pixels):
//!
//! | page               | what                                              | saved by            |
//! |--------------------|---------------------------------------------------|---------------------|
//! | `/admin`           | an overview: each part, its size, the change log  |                     |
//! | `/admin/org`       | the organization tree and the referral departments | `POST /admin/org-units`, `/admin/departments` |
//! | `/admin/org/{id}/places` | a community's place names (the gazetteer)  | `POST /admin/org/{id}/places` |
//! | `/admin/users`     | users and roles, signing a user out everywhere    | `POST /admin/users`, `/admin/users/{id}/sign-out` |
//! | `/admin/categories`| the taxonomy, with English names                  | `POST /admin/categories` |
//! | `/admin/limits`    | the time limits                                   | `POST /admin/time-limits` |
//! | `/admin/calendar`  | the working-day calendar                          | `POST /admin/calendar` |
//! | `/admin/security`  | the password rule                                 | `POST /admin/password-policy` |
//! | `/admin/station`   | the public address printed on receipts            | `POST /admin/station` |
//! | `/admin/suggest`   | the intake's suggestions: training, acceptance    | `POST /admin/suggest/retrain` |
//!
//! Viewing is for administrators (district and street); changing the configuration is for
//! the district (`Capability::Configure`), adding users for whoever manages users. Every
//! change goes through the same path as the JSON API where there is one, and is recorded.
//! A form that fails comes back with what was typed and the error beside the field; a save
//! redirects to its page, which says "…已保存" once (`ui::flash`).

mod calendar;
mod categories;
mod limits;
mod open311;
mod org;
mod places;
mod security;
mod station;
mod suggest;
mod users;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use suqiu_core::access::{Capability, Role};
use suqiu_core::org::OrgKind;
use suqiu_store::changes::{ChangeKind, ConfigChange};

use super::i18n::Lang;
use super::view::{when, Chrome};
use super::{fail, render, PageResult, Session, UiError};
use crate::state::AppState;
use suqiu_core::access::deed;

pub(crate) use station::track_url;

/// The settings pages and their forms.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(overview))
        .route("/admin/org", get(org::page))
        .route("/admin/org-units", post(org::add_org_unit))
        .route(
            "/admin/org/{id}/places",
            get(places::page).post(places::save),
        )
        .route("/admin/departments", post(org::add_department))
        .route("/admin/users", get(users::page).post(users::add_user))
        .route("/admin/users/{id}/sign-out", post(users::sign_out_user))
        .route(
            "/admin/categories",
            get(categories::page).post(categories::save),
        )
        .route("/admin/limits", get(limits::page))
        .route("/admin/time-limits", post(limits::save))
        .route("/admin/calendar", get(calendar::page).post(calendar::load))
        .route("/admin/security", get(security::page))
        .route("/admin/password-policy", post(security::save))
        .route("/admin/station", get(station::page).post(station::save))
        .route("/admin/open311", get(open311::page))
        .route("/admin/open311/keys", post(open311::create))
        .route("/admin/open311/keys/{id}/revoke", post(open311::revoke))
        .route("/admin/open311/keys/{id}/limit", post(open311::limit))
        .route("/admin/suggest", get(suggest::page))
        .route("/admin/suggest/retrain", post(suggest::retrain))
}

/// The settings pages, in the order of the overview and the tabs: (nav, path, title key,
/// what the page is for).
pub(crate) const PAGES: [(&str, &str, &str, &str); 7] = [
    ("admin_org", "/admin/org", "admin.org", "admin.org_about"),
    (
        "admin_users",
        "/admin/users",
        "admin.users",
        "admin.users_about",
    ),
    (
        "admin_categories",
        "/admin/categories",
        "admin.categories",
        "admin.categories_about",
    ),
    (
        "admin_limits",
        "/admin/limits",
        "admin.time_limits",
        "admin.limits_about",
    ),
    (
        "admin_calendar",
        "/admin/calendar",
        "admin.calendar",
        "admin.calendar_about",
    ),
    (
        "admin_security",
        "/admin/security",
        "admin.password_policy",
        "admin.security_about",
    ),
    (
        "admin_station",
        "/admin/station",
        "admin.station",
        "admin.station_about",
    ),
];

/// The settings pages only the district sees (after [`PAGES`]), in the same shape.
pub(crate) const DISTRICT_PAGES: [(&str, &str, &str, &str); 2] = [
    (
        "admin_open311",
        "/admin/open311",
        "admin.open311",
        "admin.open311_about",
    ),
    (
        "admin_suggest",
        "/admin/suggest",
        "admin.suggest",
        "admin.suggest_about",
    ),
];

/// The settings pages `may_configure` (the district) or not sees, in their order.
pub(crate) fn pages(
    may_configure: bool,
) -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str, &'static str)> {
    let district: &'static [_] = if may_configure { &DISTRICT_PAGES } else { &[] };
    PAGES.iter().chain(district)
}

/// Settings are for administrators: the district's and the streets'.
fn require_admin(s: &Session) -> Result<(), super::Failed> {
    if s.may(Capability::Configure) || s.may(Capability::ManageUsers) {
        Ok(())
    } else {
        Err(UiError::Forbidden(s.actor.may_not(&deed::READ_SETTINGS)).page(s.lang))
    }
}

/// Changing the configuration is the district's.
fn require_configure(s: &Session) -> Result<(), super::Failed> {
    crate::app::require(&s.actor, Capability::Configure, &deed::CONFIGURE)
        .map_err(|e| UiError::from(e).page(s.lang))
}

/// Records a change made on a settings page (under the configuration lock, as every change).
async fn record(
    state: &AppState,
    s: &Session,
    subject: &str,
    kind: ChangeKind,
    params: &[(&str, String)],
) -> Result<(), UiError> {
    let change = ConfigChange::new(
        state.now(),
        (s.actor.user_id, &s.actor.name),
        subject,
        kind,
        params,
    );
    let _guard = state.config_lock.lock().await;
    Ok(state.store.record_config_change(change).await?)
}

/// The redirect after a save: back to the page `to`, which says `key` (a `flash.admin_*`
/// message, with `detail` after it) once, through the layout's flash message.
fn done(state: &AppState, to: &str, key: &str, detail: &str) -> axum::response::Response {
    super::saved(state, to, super::Flash::new(key).detail(detail))
}

/// A page rendered again after its form failed: 422, with what was typed kept.
fn again<T: Template>(s: &Session, page: &T) -> PageResult {
    let mut res = render(s.lang, page)?;
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

/// A change in `lang`: its kind's words (`change.<kind>`) with its parameters put in, a
/// vocabulary code (a role, a kind of unit) by its label; an entry saved before kinds as
/// it was written.
fn change_words(lang: Lang, c: &ConfigChange) -> String {
    let Some(kind) = c.kind else {
        return c.detail.clone();
    };
    let label = |name: &str, value: &str| -> Option<&'static str> {
        match name {
            "role" => Role::parse(value).map(|r| lang.label(r.code(), r.label_zh())),
            "unit_kind" => OrgKind::parse(value).map(|k| lang.label(k.code(), k.label_zh())),
            _ => None,
        }
    };
    let mut words = lang.t(&format!("change.{}", kind.code())).to_string();
    for (name, value) in &c.params {
        let value = label(name, value).unwrap_or(value);
        words = words.replace(&format!("{{{name}}}"), value);
    }
    words
}

/// One part of the settings on the overview.
struct Part {
    href: &'static str,
    title: &'static str,
    about: &'static str,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct OverviewPage {
    c: Chrome,
    parts: Vec<Part>,
    /// The latest changes: when, who, what, detail.
    changes: Vec<(String, String, String, String)>,
}

/// How many changes the overview lists, and how much of each.
const CHANGES: usize = 20;
const CHANGE_CHARS: usize = 160;

/// `GET /admin`: the parts of the settings, and the latest changes.
async fn overview(State(state): State<AppState>, s: Session) -> PageResult {
    require_admin(&s)?;
    let lang = s.lang;
    let changes = state
        .store
        .config_changes()
        .await
        .map_err(fail(lang))?
        .into_iter()
        .take(CHANGES)
        .map(|c| {
            let words = change_words(lang, &c);
            let mut detail: String = words.chars().take(CHANGE_CHARS).collect();
            if words.chars().count() > CHANGE_CHARS {
                detail.push('…');
            }
            (when(c.at), c.user_name, c.subject, detail)
        })
        .collect();
    // The scoring rule is the statistics section's page; the district sets it there.
    static SCORING: (&str, &str, &str, &str) =
        ("", "/ranking/rule", "scoring.title", "admin.scoring_about");
    let parts = pages(s.may(Capability::Configure))
        .chain(std::iter::once(&SCORING))
        .map(|(_, href, title, about)| Part {
            href,
            title: lang.t(title),
            about: lang.t(about),
        })
        .collect();
    render(
        lang,
        &OverviewPage {
            c: s.chrome("admin"),
            parts,
            changes,
        },
    )
}
