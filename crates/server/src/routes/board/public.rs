//! The public board as JSON (`GET /api/v1/public/board`), no sign-in: what `/p/board/…`
//! shows, for apps and other sites. The same use case (`app::board::board`) and the same
//! anonymized view of each appeal (`suqiu_core::board::BoardAppeal`).

use std::collections::HashMap;

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use suqiu_core::board::{BoardAppeal, BoardItem};
use suqiu_core::org::OrgUnit;
use utoipa::ToSchema;

use crate::app::appeals::category_names;
use crate::app::board::{self as app, MonthMeasures};
use crate::dto::time;
use crate::extract::Params;
use crate::problem::{ApiResult, Problem, Problems};
use crate::routes::fund::MonthTotalsOut;
use crate::state::AppState;

/// A node of the tree, as the board links it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardNodeOut {
    /// Its board: `/p/board/{code}`.
    pub code: String,
    pub name: String,
    /// `district|street|community|grid`
    pub kind: String,
}

impl From<&OrgUnit> for BoardNodeOut {
    fn from(u: &OrgUnit) -> BoardNodeOut {
        BoardNodeOut {
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind.code().into(),
        }
    }
}

/// One appeal as the public board shows it: no names, phones, ID numbers, rooms or staff.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardAppealOut {
    pub received_at: String,
    pub kind: String,
    pub kind_label: String,
    pub category: String,
    pub category_name: String,
    pub community: String,
    pub status: String,
    pub status_label: String,
    /// The deadline running now, while open.
    pub deadline: Option<String>,
    /// Shortened, with what points to a person taken out; so are `excerpt` and `location`.
    pub title: Option<String>,
    pub excerpt: String,
    pub location: Option<String>,
    /// The station's reviewed public reply.
    pub reply: Option<String>,
}

/// A month's measures of the node, as the ranking computes them.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardMeasuresOut {
    /// `YYYY-MM`
    pub month: String,
    pub response_rate: Option<f64>,
    pub on_time_rate: Option<f64>,
    pub resolution_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
    pub score: Option<f64>,
}

impl From<&MonthMeasures> for BoardMeasuresOut {
    fn from(m: &MonthMeasures) -> BoardMeasuresOut {
        BoardMeasuresOut {
            month: m.month.to_string(),
            response_rate: m.rates.response_rate,
            on_time_rate: m.rates.on_time_rate,
            resolution_rate: m.rates.resolution_rate,
            satisfaction_rate: m.rates.satisfaction_rate,
            score: m.score,
        }
    }
}

/// The node's aid fund in public: no names.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardFundOut {
    pub balance_cents: i64,
    /// This month, then last.
    pub months: Vec<MonthTotalsOut>,
}

/// A published 党务公开 item.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicItemOut {
    pub category: String,
    pub category_label: String,
    pub title: String,
    pub body: String,
    /// `YYYY-MM-DD`
    pub date: String,
    pub published_at: String,
}

impl From<&BoardItem> for PublicItemOut {
    fn from(i: &BoardItem) -> PublicItemOut {
        PublicItemOut {
            category: i.category.code().into(),
            category_label: i.category.label_zh().into(),
            title: i.title.clone(),
            body: i.body.clone(),
            date: i.dated.to_string(),
            published_at: time(i.published_at),
        }
    }
}

/// A node's public board.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardOut {
    pub node: BoardNodeOut,
    /// The nodes above, the district first.
    pub trail: Vec<BoardNodeOut>,
    pub children: Vec<BoardNodeOut>,
    /// The appeals whose appellants consented, newest first, 20 a page.
    pub appeals: Vec<BoardAppealOut>,
    pub page: i64,
    /// Another page follows.
    pub more: bool,
    /// This month, then last.
    pub measures: Vec<BoardMeasuresOut>,
    /// None for a node without a fund (a grid).
    pub fund: Option<BoardFundOut>,
    pub items: Vec<PublicItemOut>,
}

fn appeal_out(
    a: &BoardAppeal,
    communities: &HashMap<i64, String>,
    categories: &HashMap<String, String>,
) -> BoardAppealOut {
    BoardAppealOut {
        received_at: time(a.received),
        kind: a.kind.code().into(),
        kind_label: a.kind.label_zh().into(),
        category: a.category.clone(),
        category_name: categories.get(&a.category).cloned().unwrap_or_default(),
        community: communities
            .get(&a.community_id)
            .cloned()
            .unwrap_or_default(),
        status: a.status.code().into(),
        status_label: a.status.label_zh().into(),
        deadline: a.deadline.map(time),
        title: a.title.clone(),
        excerpt: a.excerpt.clone(),
        location: a.location.clone(),
        reply: a.reply.clone(),
    }
}

/// The public board of the node of `code` (default: the district): the appeals whose
/// appellants consented, anonymized; the node's measures this month and last; its aid fund's
/// totals; its 党务公开 items. No sign-in; nothing personal.
#[utoipa::path(get, path = "/api/v1/public/board", tag = "public",
    params(
        ("code" = Option<String>, Query, description = "a node's code; default the district"),
        ("page" = Option<i64>, Query, description = "of the appeals, 20 a page (at most 500)"),
    ),
    responses(
        (status = 200, body = BoardOut),
        Problems::<404, 422>,
    ),
    security(()))]
pub async fn board(State(state): State<AppState>, params: Params) -> ApiResult<Json<BoardOut>> {
    let mut errors = Vec::new();
    let (page, _) = params.paging(&mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let b = app::board(&state, params.str("code"), page).await?;
    let categories = category_names(&state, false).await?;
    Ok(Json(BoardOut {
        node: BoardNodeOut::from(&b.node),
        trail: b.trail.iter().map(BoardNodeOut::from).collect(),
        children: b.children.iter().map(BoardNodeOut::from).collect(),
        appeals: b
            .appeals
            .items
            .iter()
            .map(|a| appeal_out(a, &b.communities, &categories))
            .collect(),
        page: b.appeals.page,
        more: b.appeals.more,
        measures: b.measures.iter().map(BoardMeasuresOut::from).collect(),
        fund: b.fund.as_ref().map(|f| BoardFundOut {
            balance_cents: f.balance_cents,
            months: f.months.iter().map(MonthTotalsOut::from).collect(),
        }),
        items: b.items.iter().map(PublicItemOut::from).collect(),
    }))
}
