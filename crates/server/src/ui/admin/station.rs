//! `/admin/station`: the station's public address, which the receipt prints before `/track`
//! so an appellant can look their appeal up from home (a district setting).
//!
//! Unset, the receipt prints the address the desk's browser used (`Host`), with `https`
//! when the server marks its cookies secure (it is then served over HTTPS). That is right
//! when residents reach the server at the same address as the desk; behind a proxy or on
//! an intranet address the district sets the public one here.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use suqiu_core::access::Capability;
use suqiu_store::settings::PUBLIC_BASE_URL;

use suqiu_store::changes::ChangeKind;

use super::{again, done, record, require_admin, require_configure};

use crate::app::public_base;
use crate::state::AppState;
use crate::ui::i18n::Lang;
use crate::ui::view::{Chrome, FieldErrors};
use crate::ui::{fail, render, PageResult, PostForm, Session, UiError};

/// The longest public address accepted.
const MAX_URL: usize = 200;

/// The address as the setting keeps it: `http(s)://host[:port][/path]`, no query, fragment,
/// space or trailing `/`; blank clears it. `Err` is the message for the field.
pub(crate) fn checked_base_url(lang: Lang, raw: &str) -> Result<String, &'static str> {
    let url = raw.trim().trim_end_matches('/');
    if url.is_empty() {
        return Ok(String::new());
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split('/').next().unwrap_or(""));
    let ok = url.len() <= MAX_URL
        && host.is_some_and(|h| !h.is_empty())
        && !url.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '"' | '<' | '>')
        });
    if ok {
        Ok(url.to_string())
    } else {
        Err(lang.t("admin.err_public_url"))
    }
}

/// The public address of the tracking page, as the receipt prints it.
pub(crate) async fn track_url(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<String, suqiu_store::StoreError> {
    Ok(format!("{}/track", public_base(state, headers).await?))
}

#[derive(Template)]
#[template(path = "admin_station.html")]
struct StationPage {
    c: Chrome,
    may_configure: bool,
    /// The address as set (or as typed when the save failed).
    url: String,
    /// What the receipt prints now.
    printed: String,
    errors: FieldErrors,
}

async fn station_page(
    state: &AppState,
    s: &Session,
    headers: &HeaderMap,
    typed: Option<String>,
    errors: FieldErrors,
) -> Result<StationPage, UiError> {
    let url = match typed {
        Some(t) => t,
        None => state.store.public_base_url().await?.unwrap_or_default(),
    };
    Ok(StationPage {
        c: s.chrome("admin_station"),
        may_configure: s.may(Capability::Configure),
        url,
        printed: track_url(state, headers).await?,
        errors,
    })
}

/// `GET /admin/station`.
pub(crate) async fn page(
    State(state): State<AppState>,
    s: Session,
    headers: HeaderMap,
) -> PageResult {
    require_admin(&s)?;
    let page = station_page(&state, &s, &headers, None, FieldErrors::new(s.lang))
        .await
        .map_err(fail(s.lang))?;

    render(s.lang, &page)
}

/// `POST /admin/station`: sets (or, blank, clears) the public address; recorded.
pub(crate) async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    require_configure(&s)?;
    let typed = post.form.raw("public_base_url");
    match checked_base_url(s.lang, &typed) {
        Ok(url) => {
            let json = serde_json::Value::String(url.clone()).to_string();
            state
                .store
                .put_setting(PUBLIC_BASE_URL, &json)
                .await
                .map_err(fail(s.lang))?;
            let (kind, params) = if url.is_empty() {
                (ChangeKind::PublicUrlCleared, vec![])
            } else {
                (ChangeKind::PublicUrlSet, vec![("url", url.clone())])
            };
            record(&state, &s, PUBLIC_BASE_URL, kind, &params)
                .await
                .map_err(fail(s.lang))?;
            Ok(done(&state, "/admin/station", "flash.admin_station", &url))
        }
        Err(message) => {
            let mut errors = FieldErrors::new(s.lang);
            errors.push_text("public_base_url", message);
            let page = station_page(&state, &s, &headers, Some(typed), errors)
                .await
                .map_err(fail(s.lang))?;
            again(&s, &page)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_addresses_are_checked_and_tidied() {
        let ok = |raw: &str| checked_base_url(Lang::Zh, raw);
        assert_eq!(
            ok(" https://suqiu.example.cn/ "),
            Ok("https://suqiu.example.cn".into())
        );
        assert_eq!(
            ok("http://10.0.0.5:8080/sq"),
            Ok("http://10.0.0.5:8080/sq".into())
        );
        assert_eq!(ok(""), Ok(String::new()), "blank clears it");
        for bad in [
            "suqiu.example.cn",
            "ftp://x",
            "https://",
            "https://a b",
            "https://x/?q=1",
            "https://x/#t",
        ] {
            assert!(ok(bad).is_err(), "{bad}");
        }
    }
}
