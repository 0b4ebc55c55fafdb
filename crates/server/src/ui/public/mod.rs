//! The public door (`/p/…`): what a resident opens on a phone, with no account — bring an
//! appeal, follow it, read the station's public board. Pages are as plain as the desk's
//! (server-rendered, no script needed, strict CSP), laid out for a 360 px screen first; they
//! show nothing personal (every text the public reads passes `suqiu_core::privacy`).
//!
//! Every public page renders inside `public_base.html` with a [`PublicChrome`].

mod board;
mod cache;
mod feed;
mod fill;
mod new;

use askama::Template;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::Router;

use super::i18n::Lang;
use super::{render, PageResult};
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

/// The public pages' routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/p", get(home))
        // The form carries up to three photos (`crate::MAX_PUBLIC_BODY_BYTES`).
        .route(
            "/p/new",
            get(new::form)
                .post(new::submit)
                .layer(DefaultBodyLimit::max(crate::MAX_PUBLIC_BODY_BYTES)),
        )
        // 公开栏: the district's, any node's, and its Atom feed.
        .route("/p/board", get(board::district))
        .route("/p/board/{code}", get(board::node))
        .route("/p/board/{code}/feed.atom", get(feed::feed))
}

#[derive(Template)]
#[template(path = "public_home.html")]
struct HomePage {
    p: PublicChrome,
}

/// `GET /p`: the three doors.
async fn home(headers: HeaderMap) -> PageResult {
    let p = PublicChrome::new(&headers, "home");
    render(p.lang, &HomePage { p })
}
