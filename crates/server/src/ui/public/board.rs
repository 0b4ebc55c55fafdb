//! 公开栏 (`/p/board`, `/p/board/{org code}`): a node's public board on a phone — the appeals
//! whose appellants consented, anonymized, with the station's reviewed public reply; the
//! node's measures this month and last; its aid fund's totals; its 党务公开 items; links up
//! and down the tree and to its Atom feed (`feed.rs`). Cacheable (`cache.rs`).
//!
//! What each appeal shows is core's `BoardAppeal` (redacted, shortened), named in the page's
//! language here; nothing else of an appeal reaches the page.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use suqiu_core::board::{BoardAppeal, BoardItem};
use suqiu_core::display::{date, time};
use suqiu_core::figures::{self, Figure};
use suqiu_core::fund::yuan;
use suqiu_core::org::OrgUnit;
use suqiu_core::Id;

use super::cache::cacheable;
use super::PublicChrome;
use crate::app::appeals::category_names;
use crate::app::board::{self as app, Board, MonthMeasures};
use crate::extract::Params;
use crate::state::AppState;
use crate::ui::badge::{plain_badge, StatusBadge};
use crate::ui::figures::term;
use crate::ui::i18n::Lang;
use crate::ui::stats::score_text;
use crate::ui::view::{deadline_at, percent};
use crate::ui::{Failed, UiError};

/// A node as a link to its board.
pub(super) struct NodeLink {
    pub code: String,
    pub name: String,
}

impl From<&OrgUnit> for NodeLink {
    fn from(u: &OrgUnit) -> NodeLink {
        NodeLink {
            code: u.code.clone(),
            name: u.name.clone(),
        }
    }
}

/// One appeal as the page (and the feed) says it, in the reader's language.
pub(super) struct AppealView {
    pub id: Id,
    pub received: String,
    pub kind: &'static str,
    pub category: String,
    pub community: String,
    pub badge: StatusBadge,
    /// "" once closed.
    pub deadline: String,
    pub title: String,
    pub excerpt: String,
    pub location: String,
    pub reply: String,
}

/// Names for what the board shows: the categories and the communities.
pub(super) struct Names<'a> {
    pub lang: Lang,
    pub categories: HashMap<String, String>,
    pub communities: &'a HashMap<Id, String>,
}

impl Names<'_> {
    pub(super) fn appeal(&self, a: &BoardAppeal, now: chrono::DateTime<chrono::Utc>) -> AppealView {
        let lang = self.lang;
        let overdue = a.deadline.is_some_and(|d| d < now);
        AppealView {
            id: a.id,
            received: time(a.received),
            kind: lang.label(a.kind.code(), a.kind.label_zh()),
            category: self
                .categories
                .get(&a.category)
                .cloned()
                .unwrap_or_default(),
            community: self
                .communities
                .get(&a.community_id)
                .cloned()
                .unwrap_or_default(),
            badge: plain_badge(lang, a.status, overdue),
            deadline: a.deadline.map(deadline_at).unwrap_or_default(),
            title: a.title.clone().unwrap_or_default(),
            excerpt: a.excerpt.clone(),
            location: a.location.clone().unwrap_or_default(),
            reply: a.reply.clone().unwrap_or_default(),
        }
    }
}

/// One figure's row: this month's and last month's value.
struct MeasureRow {
    code: &'static str,
    label: &'static str,
    note: &'static str,
    values: [String; 2],
}

struct FundRow {
    month: String,
    donations: String,
    grants: String,
    count: i64,
}

struct FundView {
    balance: String,
    rows: Vec<FundRow>,
}

/// A published item, in the reader's language.
pub(super) struct ItemView {
    pub id: Id,
    pub category: &'static str,
    pub title: String,
    pub body: String,
    pub date: String,
}

impl ItemView {
    pub(super) fn new(lang: Lang, i: &BoardItem) -> ItemView {
        ItemView {
            id: i.id,
            category: lang.label(i.category.code(), i.category.label_zh()),
            title: i.title.clone(),
            body: i.body.clone(),
            date: date(i.dated),
        }
    }
}

#[derive(Template)]
#[template(path = "public_board.html")]
struct BoardPage {
    p: PublicChrome,
    node: NodeLink,
    trail: Vec<NodeLink>,
    children: Vec<NodeLink>,
    appeals: Vec<AppealView>,
    /// How many the board holds ("1000+" beyond the count's cap).
    total: String,
    page: i64,
    /// The links to the newer and the older page.
    prev: Option<String>,
    next: Option<String>,
    months: [String; 2],
    measures: Vec<MeasureRow>,
    fund: Option<FundView>,
    items: Vec<ItemView>,
}

/// The figures the board shows, in its legend's order.
const FIGURES: [Figure; 4] = [
    figures::RESPONSE_RATE,
    figures::ON_TIME_RATE,
    figures::RESOLUTION_RATE,
    figures::SATISFACTION_RATE,
];

fn measure_rows(lang: Lang, m: &[MonthMeasures; 2]) -> Vec<MeasureRow> {
    let row = |f: &Figure, values: [String; 2]| {
        let t = term(lang, f);
        MeasureRow {
            code: t.code,
            label: t.label,
            note: t.note,
            values,
        }
    };
    let mut rows: Vec<MeasureRow> = FIGURES
        .iter()
        .map(|f| row(f, m.map(|m| percent(f.rate(&m.rates)))))
        .collect();
    rows.push(row(&figures::SCORE, m.map(|m| score_text(m.score))));
    rows
}

fn fund_view(b: &Board) -> Option<FundView> {
    b.fund.as_ref().map(|f| FundView {
        balance: yuan(f.balance_cents),
        rows: f
            .months
            .iter()
            .map(|m| FundRow {
                month: m.month.to_string(),
                donations: yuan(m.donations_cents),
                grants: yuan(m.grants_cents),
                count: m.grants,
            })
            .collect(),
    })
}

async fn page_of(state: &AppState, p: PublicChrome, b: Board) -> Result<BoardPage, UiError> {
    let lang = p.lang;
    let names = Names {
        lang,
        categories: category_names(state, lang == Lang::En).await?,
        communities: &b.communities,
    };
    let now = state.now();
    let a = &b.appeals;
    let total = if a.exact {
        a.total.to_string()
    } else {
        format!("{}+", a.total)
    };
    Ok(BoardPage {
        node: NodeLink::from(&b.node),
        trail: b.trail.iter().map(NodeLink::from).collect(),
        children: b.children.iter().map(NodeLink::from).collect(),
        appeals: a.items.iter().map(|x| names.appeal(x, now)).collect(),
        total,
        page: a.page,
        prev: (a.page > 1).then(|| page_href(&b.node.code, a.page - 1)),
        next: a.more.then(|| page_href(&b.node.code, a.page + 1)),
        months: b.measures.map(|m| m.month.to_string()),
        measures: measure_rows(lang, &b.measures),
        fund: fund_view(&b),
        items: b.items.iter().map(|i| ItemView::new(lang, i)).collect(),
        p,
    })
}

/// The address of a board's page `page` (the first has none).
fn page_href(code: &str, page: i64) -> String {
    match page {
        1 => format!("/p/board/{code}"),
        n => format!("/p/board/{code}?page={n}"),
    }
}

/// The page number asked for: a malformed one is the first page's address gone wrong (404).
fn page_param(params: &Params) -> Result<i64, UiError> {
    match params.str("page") {
        None => Ok(1),
        Some(p) => p.parse().map_err(|_| UiError::NotFound),
    }
}

async fn show(
    state: &AppState,
    headers: &HeaderMap,
    code: Option<&str>,
    params: &Params,
) -> Result<Response, Failed> {
    let p = PublicChrome::new(headers, "board");
    let lang = p.lang;
    let fail = |e: UiError| e.page(lang);
    let page = page_param(params).map_err(fail)?;
    let b = app::board(state, code, page)
        .await
        .map_err(|e| fail(UiError::from(e)))?;
    let html = page_of(state, p, b)
        .await
        .map_err(fail)?
        .render()
        .map_err(|e| fail(UiError::from(e)))?;
    Ok(cacheable(headers, "text/html; charset=utf-8", html))
}

/// `GET /p/board`: the district's board.
pub(super) async fn district(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, Failed> {
    show(&state, &headers, None, &params).await
}

/// `GET /p/board/{code}`: the board of any node.
pub(super) async fn node(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, Failed> {
    show(&state, &headers, Some(&code), &params).await
}
