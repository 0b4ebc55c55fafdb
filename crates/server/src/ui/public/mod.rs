//! The public door (`/p/…`): what a resident opens on a phone, with no account — bring an
//! appeal, follow it, read the station's public board. Pages are as plain as the desk's
//! (server-rendered, no script needed, strict CSP), laid out for a 360 px screen first; they
//! show nothing personal (every text the public reads passes `suqiu_core::privacy`).
//!
//! Every public page renders inside `public_base.html` with a [`PublicChrome`].

use askama::Template;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::i18n::Lang;
use super::UiError;
use crate::state::AppState;

/// What every public page's frame needs: the language and which door is open.
pub(crate) struct PublicChrome {
    pub(crate) lang: Lang,
    /// `home`, `new`, `track` or `board`: the door marked as the current page.
    pub(crate) nav: &'static str,
}

impl PublicChrome {
    pub(crate) fn new(headers: &HeaderMap, nav: &'static str) -> PublicChrome {
        PublicChrome {
            lang: Lang::from_headers(headers),
            nav,
        }
    }

    pub(crate) fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }
}

/// Renders a public page, or the error page in its language.
pub(crate) fn render(lang: Lang, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => UiError::from(e).into_page(lang),
    }
}

/// The public pages' routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/p", get(home))
}

#[derive(Template)]
#[template(path = "public_home.html")]
struct HomePage {
    p: PublicChrome,
}

/// `GET /p`: the three doors.
async fn home(headers: HeaderMap) -> Response {
    let p = PublicChrome::new(&headers, "home");
    let lang = p.lang;
    render(lang, &HomePage { p })
}
