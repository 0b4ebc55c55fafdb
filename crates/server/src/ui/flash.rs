//! The message a page shows once after a successful save ("已保存……", and where to go
//! next). A form posts, the handler saves and answers 303 (so a reload cannot post twice);
//! the message crosses that redirect in a short-lived cookie, the next HTML page shows it in
//! the layout and the same response clears the cookie.
//!
//! The cookie holds a catalogue key, a short detail (a tracking code, a name) and an
//! optional local link — never personal data beyond what the page itself shows, and nothing
//! the server trusts: a forged cookie can only make the user's own page say something from
//! the catalogue.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::auth::{cookie_value, set_cookie};
use super::i18n::Lang;
use super::see_other;
use crate::state::AppState;

pub(crate) const FLASH_COOKIE: &str = "suqiu_flash";

/// Longest detail kept (the cookie stays far below the 4 kB browsers keep).
const MAX_DETAIL: usize = 200;

/// What a page says after a save.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Flash {
    /// The catalogue key of the message (`flash.*` in `i18n.rs`).
    #[serde(rename = "k")]
    pub key: String,
    /// Shown after the message, as is (escaped): the tracking code, the item's name.
    #[serde(rename = "d", default)]
    pub detail: String,
    /// Where to go next: a local path…
    #[serde(rename = "h", default)]
    pub next_href: String,
    /// …and the catalogue key of its label.
    #[serde(rename = "l", default)]
    pub next_label: String,
}

impl Flash {
    pub fn new(key: &str) -> Flash {
        Flash {
            key: key.to_string(),
            ..Flash::default()
        }
    }

    /// With a detail shown after the message (cut to a sane length).
    pub fn detail(mut self, detail: impl Into<String>) -> Flash {
        self.detail = detail.into().chars().take(MAX_DETAIL).collect();
        self
    }

    /// With a link to where the user will most likely go next.
    pub fn next(mut self, href: &str, label_key: &str) -> Flash {
        self.next_href = href.to_string();
        self.next_label = label_key.to_string();
        self
    }

    /// The message in `lang`, with its detail.
    pub fn text(&self, lang: Lang) -> String {
        let message = lang.t(&self.key);
        if self.detail.is_empty() {
            message.to_string()
        } else {
            format!("{message} {}", self.detail)
        }
    }

    /// The link's target when it is a path on this site (a forged cookie cannot send the
    /// user elsewhere), else none.
    pub fn next_link(&self) -> Option<&str> {
        let b = self.next_href.as_bytes();
        let local = b.first() == Some(&b'/')
            && !matches!(b.get(1), Some(b'/' | b'\\'))
            && !self.next_href.chars().any(char::is_control);
        (local && !self.next_label.is_empty()).then_some(self.next_href.as_str())
    }

    /// The flash a request carries, if any (an unreadable cookie is none).
    pub fn from_headers(headers: &HeaderMap) -> Option<Flash> {
        let raw = cookie_value(headers, FLASH_COOKIE)?;
        serde_urlencoded::from_str::<Flash>(&raw)
            .ok()
            .filter(|f| !f.key.is_empty())
    }
}

/// The 303 after a successful save, carrying `flash` to the page at `to`.
pub(crate) fn saved(state: &AppState, to: &str, flash: Flash) -> Response {
    let mut res = see_other(to);
    // URL-encoding leaves only characters a cookie value may hold (no `;`, `,`, space, quote).
    if let Ok(value) = serde_urlencoded::to_string(&flash) {
        let mut cookie =
            format!("{FLASH_COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=60");
        if state.secure_cookies {
            cookie.push_str("; Secure");
        }
        set_cookie(&mut res, &cookie);
    }
    res
}

/// Clears the flash once a page has shown it: an HTML page answered to a request that carried
/// one. A redirect (to sign in, say) keeps it for the page after.
pub(crate) async fn clear_when_shown(req: Request, next: Next) -> Response {
    let carried = Flash::from_headers(req.headers()).is_some();
    let mut res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if carried && html && !res.status().is_redirection() {
        res.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_static("suqiu_flash=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flash_survives_its_cookie_and_links_only_locally() {
        let f = Flash::new("flash.saved")
            .detail("SQ-20261204-0001; x=1, \"y\"")
            .next("/appeals?status=registered", "nav.appeals");
        let encoded = serde_urlencoded::to_string(&f).expect("encode");
        assert!(!encoded.contains([';', ',', ' ', '"']), "{encoded}");
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            format!("a=b; {FLASH_COOKIE}={encoded}").parse().expect("h"),
        );
        let back = Flash::from_headers(&h).expect("read back");
        assert_eq!(back, f);
        assert_eq!(back.next_link(), Some("/appeals?status=registered"));
        for evil in ["//evil.com", "/\\evil.com", "https://evil.com", "/\tx"] {
            assert_eq!(f.clone().next(evil, "nav.appeals").next_link(), None);
        }
        assert_eq!(
            Flash::new("flash.saved")
                .detail("x".repeat(500))
                .detail
                .len(),
            MAX_DETAIL
        );
        h.insert(header::COOKIE, "suqiu_flash=%%%".parse().expect("h"));
        assert_eq!(Flash::from_headers(&h), None);
    }
}
