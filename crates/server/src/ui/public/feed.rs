//! A board's Atom feed (RFC 4287) at `/p/board/{org code}/feed.atom`: the node's newest public
//! appeals and published 党务公开 items, newest change first, each entry's id stable
//! (`urn:suqiu:{district}:appeal:{id}`, `…:item:{id}`: the same appeal is the same entry in
//! its community's, its street's and the district's feeds). The texts are the board's —
//! redacted by core — written as plain text. Cacheable like the pages (`cache.rs`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, SecondsFormat, Utc};

use super::board::{AppealView, ItemView, Names};
use super::cache::cacheable;
use crate::app::appeals::category_names;
use crate::app::board as app;
use crate::state::AppState;
use crate::ui::i18n::Lang;
use crate::ui::{Failed, UiError};

/// One entry of the feed.
struct Entry {
    id: String,
    title: String,
    updated: String,
    published: String,
    /// The anchor on the board's page.
    anchor: String,
    /// `appeal` or `item`, and what the reader calls it.
    term: &'static str,
    label: &'static str,
    content: String,
    /// For the order of the feed.
    at: DateTime<Utc>,
}

#[derive(Template)]
#[template(path = "board_feed.xml", escape = "html")]
struct FeedDoc {
    lang: Lang,
    id: String,
    code: String,
    title: String,
    author: String,
    updated: String,
    entries: Vec<Entry>,
}

impl FeedDoc {
    fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An appeal's entry: its status, when it came in, where, what, and the reply.
fn appeal_entry(lang: Lang, urn: &str, v: AppealView, at: (DateTime<Utc>, DateTime<Utc>)) -> Entry {
    let mut lines = vec![
        format!("{} · {} · {}", v.badge.label, v.kind, v.category),
        format!(
            "{}{}{}",
            lang.t("board.received"),
            lang.t("punct.colon"),
            v.received
        ),
    ];
    if !v.community.is_empty() || !v.location.is_empty() {
        lines.push(format!("{} {}", v.community, v.location).trim().to_string());
    }
    lines.push(v.excerpt.clone());
    if !v.reply.is_empty() {
        let said = lang.t("board.reply");
        lines.push(format!("{said}{}{}", lang.t("punct.colon"), v.reply));
    }
    let title = if v.title.is_empty() {
        format!("{} · {} · {}", v.kind, v.category, v.community)
    } else {
        v.title
    };
    Entry {
        id: format!("{urn}:appeal:{}", v.id),
        title,
        updated: rfc3339(at.1),
        published: rfc3339(at.0),
        anchor: format!("a{}", v.id),
        term: "appeal",
        label: lang.t("board.appeals"),
        content: lines.join("\n"),
        at: at.1,
    }
}

fn item_entry(lang: Lang, urn: &str, v: ItemView, at: DateTime<Utc>) -> Entry {
    Entry {
        id: format!("{urn}:item:{}", v.id),
        title: format!("{}{}{}", v.category, lang.t("punct.colon"), v.title),
        updated: rfc3339(at),
        published: rfc3339(at),
        anchor: format!("i{}", v.id),
        term: "item",
        label: lang.t("board.items"),
        content: format!("{}\n{}", v.date, v.body),
        at,
    }
}

/// `GET /p/board/{code}/feed.atom`.
pub(super) async fn feed(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Failed> {
    let lang = Lang::from_headers(&headers);
    let fail = |e: UiError| e.page(lang);
    let f = app::feed(&state, &code)
        .await
        .map_err(|e| fail(UiError::from(e)))?;
    let names = Names {
        lang,
        categories: category_names(&state, lang == Lang::En)
            .await
            .map_err(|e| fail(UiError::from(e)))?,
        communities: &f.communities,
    };
    let urn = format!("urn:suqiu:{}", f.district_code);
    let now = state.now();
    let mut entries: Vec<Entry> = f
        .appeals
        .iter()
        .map(|a| appeal_entry(lang, &urn, names.appeal(a, now), (a.received, a.updated)))
        .chain(
            f.items
                .iter()
                .map(|i| item_entry(lang, &urn, ItemView::new(lang, i), i.published_at)),
        )
        .collect();
    entries.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.id.cmp(&b.id)));
    // With nothing in it, the feed was last updated when nothing was: the epoch, so its
    // bytes (and ETag) stay put.
    let updated = entries.first().map_or(DateTime::UNIX_EPOCH, |e| e.at);
    let doc = FeedDoc {
        lang,
        id: format!("{urn}:board:{}", f.node.code),
        code: f.node.code.clone(),
        title: format!("{} · {}", f.node.name, lang.t("public.board")),
        author: f.node.name.clone(),
        updated: rfc3339(updated),
        entries,
    };
    let xml = doc.render().map_err(|e| fail(UiError::from(e)))?;
    Ok(cacheable(
        &headers,
        "application/atom+xml; charset=utf-8",
        xml,
    ))
}
