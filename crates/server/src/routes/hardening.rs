//! Web hardening around every route: the security headers of each response, the JSON API's
//! rule for writes made with the session cookie, and the path as it may be logged.

use std::borrow::Cow;

use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::IntoResponse;

use crate::auth::request_token;
use crate::problem::Problem;
use suqiu_core::error::Reason;
use suqiu_core::msg;

/// The Content-Security-Policy of every response. The pages load one stylesheet and one
/// script from `/assets/`, have no inline script, handler or style attribute, and post their
/// forms to this site only; nothing may frame them.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Sets the security headers on every response, whatever produced it (a page, the API, an
/// error of a layer, an asset, `/healthz`). Everything is `no-store` — pages and exports hold
/// personal data, and a shared desk's browser must not keep them — but the static assets and
/// the public board (`/p/board…`, its pages and feeds): what it shows is anonymized and the
/// same for every reader, so its own `Cache-Control: public` stands ([`keeps_its_cache`]).
pub async fn security_headers(req: Request, next: Next) -> Response<Body> {
    let is_asset = req.uri().path().starts_with("/assets/");
    let is_board = is_public_board(req.uri().path());
    let mut res = next.run(req).await;
    let keep_cache = (is_asset && res.status().is_success()) || (is_board && keeps_its_cache(&res));
    let h = res.headers_mut();
    let set = |h: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    if !keep_cache {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    res
}

/// The public board's pages and feeds (`/p/board`, `/p/board/{code}`, `…/feed.atom`).
fn is_public_board(path: &str) -> bool {
    path == "/p/board" || path.starts_with("/p/board/")
}

/// A board response keeps the caching its handler chose only when it is the board as shown
/// (200, or 304 for a copy the reader has) and sets no cookie: a response that clears a
/// flash, or an error page, is nobody else's to keep.
fn keeps_its_cache(res: &Response<Body>) -> bool {
    matches!(res.status(), StatusCode::OK | StatusCode::NOT_MODIFIED)
        && res.headers().contains_key(header::CACHE_CONTROL)
        && !res.headers().contains_key(header::SET_COOKIE)
}

/// Refuses a write to the JSON API made with the session cookie unless it is JSON (the
/// roster upload: a file) and comes from this site's own pages. A page of another site can
/// make the browser send the cookie with a form or a `no-cors` fetch, but neither can set a
/// JSON content type without CORS, nor forge `Origin`. Bearer clients hold their token
/// themselves and are not affected.
pub async fn guard_cookie_writes(req: Request, next: Next) -> Response<Body> {
    match check_cookie_write(req.method(), req.uri(), req.headers()) {
        Ok(()) => next.run(req).await,
        Err(problem) => problem.into_response(),
    }
}

fn check_cookie_write(method: &Method, uri: &Uri, headers: &HeaderMap) -> Result<(), Problem> {
    let safe = matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    if safe || !uri.path().starts_with("/api/") || !cookie_authenticated(headers) {
        return Ok(());
    }
    let essence = crate::extract::media_type(headers);
    let json = essence == "application/json" || essence.ends_with("+json");
    let allowed = match uri.path() {
        "/api/v1/people/import" => matches!(
            essence.as_str(),
            "multipart/form-data" | crate::xlsx::CONTENT_TYPE | "application/octet-stream"
        ),
        // A public appeal with its photos.
        "/api/v1/public/appeals" => json || essence == "multipart/form-data",
        _ => json,
    };
    if !allowed {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "urn:suqiu:problem:unsupported-media-type",
            "不支持的内容类型",
            "以登录 Cookie 调用 API 的写操作须带 Content-Type: application/json（导入花名册：multipart/form-data）",
        ));
    }
    if !same_origin(uri, headers) {
        return Err(Problem::forbidden(Reason::new(&msg!(
            "cross_site",
            "拒绝跨站请求：以登录 Cookie 调用 API 的写操作须来自本站页面（Origin 或 Referer 与本站一致）",
            "Cross-site request refused: a write through the API with the sign-in cookie comes from this site's pages (Origin or Referer of this site)"
        ))));
    }
    Ok(())
}

/// Whether the request's session token is the cookie's (a Bearer token takes precedence,
/// as in [`request_token`]).
fn cookie_authenticated(headers: &HeaderMap) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .is_some_and(|t| !t.trim().is_empty());
    !bearer && request_token(headers).is_some()
}

/// Whether `Origin` (or, without one, `Referer`) names the host the request was sent to.
/// Neither, or `Origin: null`, is not same-origin.
fn same_origin(uri: &Uri, headers: &HeaderMap) -> bool {
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()));
    let (Some(source), Some(host)) = (source, host) else {
        return false;
    };
    let Some((scheme, rest)) = source.split_once("://") else {
        return false;
    };
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => "80",
        "https" => "443",
        _ => return false,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return false;
    }
    let normal = |a: &str| {
        let a = a.trim().to_ascii_lowercase();
        match a.rsplit_once(':') {
            Some((h, p)) if p == default_port || p.is_empty() => h.to_string(),
            _ => a,
        }
    };
    !authority.is_empty() && normal(authority) == normal(host)
}

/// The path of a request as it may be logged: a path segment the route names `{token}` (a
/// roster upload's key, as good as the upload itself for an hour) is written as `{token}`.
pub fn loggable_path(req: &Request<Body>) -> Cow<'_, str> {
    let path = req.uri().path();
    let Some(template) = req.extensions().get::<MatchedPath>() else {
        return Cow::Borrowed(path);
    };
    if !template.as_str().contains("{token}") {
        return Cow::Borrowed(path);
    }
    let redacted: Vec<&str> = path
        .split('/')
        .zip(template.as_str().split('/'))
        .map(|(seg, tpl)| if tpl == "{token}" { tpl } else { seg })
        .collect();
    Cow::Owned(redacted.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), v.parse().expect("header value"));
        }
        h
    }

    #[test]
    fn only_the_board_as_shown_is_kept() {
        assert!(is_public_board("/p/board") && is_public_board("/p/board/310117/feed.atom"));
        assert!(!is_public_board("/p/boardx") && !is_public_board("/p/new"));
        let response = |status: StatusCode, headers: &[(header::HeaderName, &str)]| {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = status;
            for (k, v) in headers {
                r.headers_mut().insert(k.clone(), v.parse().expect("value"));
            }
            r
        };
        let cc = (header::CACHE_CONTROL, "public, max-age=60");
        let only_cc = std::slice::from_ref(&cc);
        for (status, kept) in [
            (StatusCode::OK, true),
            (StatusCode::NOT_MODIFIED, true),
            (StatusCode::NOT_FOUND, false),
        ] {
            assert_eq!(
                keeps_its_cache(&response(status, only_cc)),
                kept,
                "{status}"
            );
        }
        assert!(!keeps_its_cache(&response(StatusCode::OK, &[])));
        let cookie = (header::SET_COOKIE, "suqiu_flash=; Max-Age=0");
        assert!(!keeps_its_cache(&response(StatusCode::OK, &[cc, cookie])));
    }

    #[test]
    fn same_origin_compares_host_and_port_only() {
        let uri: Uri = "/api/v1/appeals".parse().expect("uri");
        let same = |source: &str, host: &str| {
            same_origin(
                &uri,
                &headers(&[(header::ORIGIN, source), (header::HOST, host)]),
            )
        };
        assert!(same("http://desk.example:8080", "desk.example:8080"));
        assert!(same("https://Desk.Example", "desk.example"));
        assert!(same("https://desk.example:443", "desk.example"));
        assert!(same("http://desk.example", "desk.example:80"));
        assert!(same("http://[::1]:8080", "[::1]:8080"));
        assert!(!same("http://evil.example", "desk.example"));
        assert!(!same("http://desk.example.evil.example", "desk.example"));
        assert!(!same("http://desk.example:8081", "desk.example:8080"));
        assert!(!same("null", "desk.example"));
        assert!(!same("http://desk.example@evil.example", "desk.example"));
        assert!(!same("file://desk.example", "desk.example"));
        let referer_only = headers(&[
            (header::REFERER, "http://desk.example/appeals/new"),
            (header::HOST, "desk.example"),
        ]);
        assert!(same_origin(&uri, &referer_only));
        assert!(!same_origin(
            &uri,
            &headers(&[(header::HOST, "desk.example")])
        ));
    }
}
