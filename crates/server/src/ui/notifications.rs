//! 通知: the user's notices (reminders, overdue, supervision, returns, extensions), newest
//! first, each opening its appeal; marked read one by one or all at once. The header's badge
//! counts the unread ones.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::i18n::Lang;
use super::view::{when, Chrome};
use super::{fail, render, see_other, PageId, PageResult, PostForm, Session};
use crate::extract::Params;
use crate::state::AppState;
use suqiu_store::notifications::Notification;

/// Notices per page.
const PER_PAGE: i64 = 30;

/// The header's badge counts no further than this ("99+").
pub(crate) const BADGE_CAP: i64 = 100;

/// One notice as the centre lists it.
struct Item {
    id: i64,
    kind: &'static str,
    appeal_id: Option<i64>,
    title: String,
    body: String,
    at: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct CentrePage {
    c: Chrome,
    items: Vec<Item>,
    unread_only: bool,
    total: i64,
    page: i64,
    pages: i64,
}

/// A notice's title and body in `lang`: the English written with it, or the Chinese for a
/// notice written before notices had both.
pub(crate) fn in_language(lang: Lang, n: &Notification) -> (&str, &str) {
    match lang {
        Lang::En if !n.title_en.is_empty() => (&n.title_en, &n.body_en),
        _ => (&n.title, &n.body),
    }
}

/// `GET /notifications[?unread=1][&page=N]`.
pub(crate) async fn page(
    State(state): State<AppState>,
    session: Session,
    params: Params,
) -> PageResult {
    let lang = session.lang;
    let unread_only = params
        .str("unread")
        .is_some_and(|v| v == "1" || v == "true");
    let page = params
        .str("page")
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1)
        .max(1);
    let found = state
        .store
        .notifications(session.user.id, unread_only, page, PER_PAGE)
        .await
        .map_err(fail(lang))?;
    let items = found
        .items
        .iter()
        .map(|n| Item {
            id: n.id,
            kind: match lang {
                Lang::Zh => n.kind.label_zh(),
                Lang::En => n.kind.label_en(),
            },
            appeal_id: n.appeal_id,
            title: in_language(lang, n).0.to_string(),
            body: in_language(lang, n).1.to_string(),
            at: when(n.created_at),
            unread: n.read_at.is_none(),
        })
        .collect();
    render(
        lang,
        &CentrePage {
            c: session.chrome("notifications"),
            items,
            unread_only,
            total: found.total,
            page: found.page,
            pages: ((found.total + PER_PAGE - 1) / PER_PAGE).max(1),
        },
    )
}

/// `POST /notifications/{id}/read`: marks one read and goes where the form says (`next`:
/// the appeal, when the user opened it from here; else back to the centre).
pub(crate) async fn mark_read(
    State(state): State<AppState>,
    PageId(id): PageId,
    PostForm { session, form }: PostForm,
) -> Result<Response, super::Failed> {
    state
        .store
        .mark_notification_read(session.user.id, id, state.now())
        .await
        .map_err(fail(session.lang))?;
    Ok(see_other(&next_of(form.get("next"))))
}

/// `POST /notifications/read-all`.
pub(crate) async fn mark_all_read(
    State(state): State<AppState>,
    PostForm { session, .. }: PostForm,
) -> Result<Response, super::Failed> {
    state
        .store
        .mark_all_notifications_read(session.user.id, state.now())
        .await
        .map_err(fail(session.lang))?;
    Ok(see_other("/notifications"))
}

/// Where to go after marking read: an appeal's page or the centre, nothing else (the field
/// comes from the browser and must not send the user off the site).
fn next_of(next: Option<&str>) -> String {
    match next.and_then(|n| n.strip_prefix("/appeals/")) {
        Some(id) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => {
            format!("/appeals/{id}")
        }
        _ => "/notifications".to_string(),
    }
}

/// The header's badge: empty when nothing is unread, "99+" past the cap.
pub(crate) fn badge(unread: i64) -> String {
    match unread {
        n if n <= 0 => String::new(),
        n if n >= BADGE_CAP => format!("{}+", BADGE_CAP - 1),
        n => n.to_string(),
    }
}

impl CentrePage {
    fn t(&self, key: &str) -> &'static str {
        self.c.t(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_the_site() {
        assert_eq!(next_of(Some("/appeals/42")), "/appeals/42");
        assert_eq!(next_of(Some("/appeals/42/../../x")), "/notifications");
        assert_eq!(next_of(Some("https://evil.example/")), "/notifications");
        assert_eq!(next_of(Some("/appeals/")), "/notifications");
        assert_eq!(next_of(None), "/notifications");
    }

    #[test]
    fn badge_caps() {
        assert_eq!(badge(0), "");
        assert_eq!(badge(7), "7");
        assert_eq!(badge(BADGE_CAP), "99+");
    }
}
