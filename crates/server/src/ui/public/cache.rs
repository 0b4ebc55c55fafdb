//! The public board's caching: its pages and feeds are the same for everyone who reads them
//! in one language, so they may be kept (`Cache-Control: public, max-age=60`; the security
//! headers' middleware leaves that in place for `/p/board`, see
//! `routes::hardening::security_headers`) and revalidated with a strong `ETag`.
//!
//! The ETag is a hash of the bytes the reader gets: it changes exactly when what the page
//! shows changes. No stored counter could say that — the measures move with the clock too
//! (a deadline passing changes a rate with no event written) — and a page is rendered in a
//! few milliseconds, so the 304 spares the reader's line, which on a phone is what counts.
//! The language is chosen by a cookie, hence `Vary: Cookie`.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use sha2::{Digest, Sha256};

/// How long a reader (or a shared cache) may keep a board without asking again.
pub(crate) const CACHE_CONTROL: &str = "public, max-age=60";

/// The strong ETag of `body`.
fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

/// Whether `If-None-Match` names `tag` (or `*`).
fn matches(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t == tag)
}

/// `body` as a cacheable response of `content_type`; `304 Not Modified` when the reader's
/// copy is this one.
pub(crate) fn cacheable(
    headers: &HeaderMap,
    content_type: &'static str,
    body: String,
) -> Response<Body> {
    let tag = etag(body.as_bytes());
    let fresh = matches(headers, &tag);
    let mut res = if fresh {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let mut r = Response::new(Body::from(body));
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    h.insert(header::VARY, HeaderValue::from_static("Cookie"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_of_the_same_bytes_is_not_sent_again() {
        let tag = etag(b"<p>x</p>");
        assert_eq!(tag, etag(b"<p>x</p>"));
        assert_ne!(tag, etag(b"<p>y</p>"));
        assert!(tag.starts_with('"') && tag.ends_with('"') && !tag.starts_with("W/"));
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            format!("\"old\", {tag}").parse().expect("h"),
        );
        let res = cacheable(&h, "text/html; charset=utf-8", "<p>x</p>".into());
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(res.headers()[header::ETAG], tag.as_str());
        let res = cacheable(&h, "text/html; charset=utf-8", "<p>y</p>".into());
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CACHE_CONTROL], CACHE_CONTROL);
    }
}
