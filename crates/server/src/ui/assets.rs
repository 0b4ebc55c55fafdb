//! The one stylesheet, the one script and the icon, compiled into the binary (no CDN, no
//! fonts to fetch: the pages use the system's Chinese fonts).

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const CSS: &str = include_str!("../../assets/app.css");
/// The public door's own styles (`/p/…`), on top of `app.css`.
const PUBLIC_CSS: &str = include_str!("../../assets/public.css");
const JS: &str = include_str!("../../assets/app.js");
/// The public form's live suggestion of the community (`/p/new`).
const PUBLIC_JS: &str = include_str!("../../assets/public.js");
/// The icon: an SVG for browsers that take one, and the same drawing as an ICO
/// (`scripts/favicon-ico.py`) for `/favicon.ico`, which browsers and bookmarks ask for
/// whatever the page links.
const FAVICON_SVG: &str = include_str!("../../assets/favicon.svg");
const FAVICON_ICO: &[u8] = include_bytes!("../../assets/favicon.ico");

/// An hour: small enough that an upgrade shows soon, large enough for a slow line.
const CACHE: &str = "public, max-age=3600";

pub(crate) async fn serve(Path(file): Path<String>) -> Response {
    let (body, content_type) = match file.as_str() {
        "app.css" => (CSS.as_bytes(), "text/css; charset=utf-8"),
        "public.css" => (PUBLIC_CSS.as_bytes(), "text/css; charset=utf-8"),
        "app.js" => (JS.as_bytes(), "text/javascript; charset=utf-8"),
        "public.js" => (PUBLIC_JS.as_bytes(), "text/javascript; charset=utf-8"),
        "favicon.svg" => (FAVICON_SVG.as_bytes(), "image/svg+xml"),
        "favicon.ico" => (FAVICON_ICO, "image/x-icon"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, CACHE),
        ],
        body,
    )
        .into_response()
}

/// `GET /favicon.ico`: where browsers look without a `<link rel="icon">` (the track page
/// opened from a bookmark, a PDF viewer, the error pages of old tabs).
pub(crate) async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/x-icon"),
            (header::CACHE_CONTROL, CACHE),
        ],
        FAVICON_ICO,
    )
        .into_response()
}
