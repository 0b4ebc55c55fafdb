//! The public board's use cases (公开栏): the board of a node and its Atom feed, read by
//! anyone (`/p/board/…`, `GET /api/v1/public/board`); the public reply on an appeal
//! ([`reply`]); 党务公开 items ([`items`]).
//!
//! The rules are `suqiu_core::board`'s (which appeals may be public, what the board shows of
//! one, who writes, reviews and withdraws); the measures are the ranking's own (the store's
//! `counts_of` for the month, core's `score` with the district's weights), the fund's totals
//! the public ones of `app::fund::public`. Nothing here knows an actor: the board is public.

pub(crate) mod items;
pub(crate) mod reply;

use std::collections::HashMap;

use suqiu_core::board::{BoardAppeal, BoardItem, MAX_PAGE, PER_PAGE};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::fund::MonthTotals;
use suqiu_core::measures::{score, Counts, Rates};
use suqiu_core::org::{OrgKind, OrgUnit};
use suqiu_core::report::Month;
use suqiu_core::Id;
use suqiu_store::StoreError;

use super::{AppError, AppResult};
use crate::state::AppState;

/// Items a board shows (the newest).
const ITEMS_SHOWN: i64 = 10;
/// Entries of a feed: the newest appeals and the newest items, each.
pub(crate) const FEED_ENTRIES: i64 = 30;

/// One month of a node's measures, as the ranking computes them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MonthMeasures {
    pub month: Month,
    pub rates: Rates,
    pub score: Option<f64>,
}

/// The node's aid fund in public: its balance and this month's and last month's totals.
#[derive(Debug, Clone)]
pub(crate) struct PublicFund {
    pub balance_cents: i64,
    pub months: Vec<MonthTotals>,
}

/// A page of a board's appeals.
#[derive(Debug, Clone)]
pub(crate) struct AppealsPage {
    pub items: Vec<BoardAppeal>,
    pub page: i64,
    /// Another page follows.
    pub more: bool,
    /// How many the board holds (at most `COUNT_CAP`; `exact` false beyond).
    pub total: i64,
    pub exact: bool,
}

/// A node's board.
#[derive(Debug, Clone)]
pub(crate) struct Board {
    pub node: OrgUnit,
    /// The nodes above it, the district first.
    pub trail: Vec<OrgUnit>,
    /// The nodes below it (links down).
    pub children: Vec<OrgUnit>,
    pub appeals: AppealsPage,
    /// The names of the communities the page's appeals concern.
    pub communities: HashMap<Id, String>,
    /// This month and last.
    pub measures: [MonthMeasures; 2],
    /// None for a node that keeps no fund (a grid).
    pub fund: Option<PublicFund>,
    pub items: Vec<BoardItem>,
}

/// The tree as the board walks it: every node by id, in path order.
struct Tree {
    units: Vec<OrgUnit>,
    by_id: HashMap<Id, usize>,
}

impl Tree {
    async fn load(state: &AppState) -> AppResult<Tree> {
        let mut units = state.store.org_units().await?;
        units.sort_by(|a, b| a.path.cmp(&b.path));
        let by_id = units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        Ok(Tree { units, by_id })
    }

    fn get(&self, id: Id) -> Option<&OrgUnit> {
        self.by_id.get(&id).map(|i| &self.units[*i])
    }

    /// The node of `code`; no code: the district (the root).
    fn node(&self, code: Option<&str>) -> AppResult<OrgUnit> {
        let found = match code {
            Some(code) => self.units.iter().find(|u| u.code == code),
            None => self.units.iter().find(|u| u.parent_id.is_none()),
        };
        found.cloned().ok_or(AppError::NotFound)
    }

    /// The community an appeal of node `id` concerns: a grid's is its parent.
    fn community(&self, id: Id) -> Option<&OrgUnit> {
        let unit = self.get(id)?;
        match (unit.kind, unit.parent_id) {
            (OrgKind::Grid, Some(parent)) => self.get(parent),
            _ => Some(unit),
        }
    }

    fn trail(&self, node: &OrgUnit) -> Vec<OrgUnit> {
        let mut trail = Vec::new();
        let mut at = node.parent_id;
        while let Some(unit) = at.and_then(|id| self.get(id)) {
            trail.push(unit.clone());
            at = unit.parent_id;
        }
        trail.reverse();
        trail
    }

    fn children(&self, node: &OrgUnit) -> Vec<OrgUnit> {
        self.units
            .iter()
            .filter(|u| u.parent_id == Some(node.id))
            .cloned()
            .collect()
    }
}

/// The board of the node of `code` (none: the district's) with page `page` of its appeals.
/// 404 for an unknown code or a page past [`MAX_PAGE`].
pub(crate) async fn board(state: &AppState, code: Option<&str>, page: i64) -> AppResult<Board> {
    if !(1..=MAX_PAGE).contains(&page) {
        return Err(AppError::NotFound);
    }
    let tree = Tree::load(state).await?;
    let node = tree.node(code)?;
    let (appeals, communities) = appeals(state, &tree, &node, page, PER_PAGE).await?;
    Ok(Board {
        trail: tree.trail(&node),
        children: tree.children(&node),
        appeals,
        communities,
        measures: measures(state, &node).await?,
        fund: fund(state, &node).await?,
        items: items::shown(state, &node, ITEMS_SHOWN).await?,
        node,
    })
}

/// What a node's feed holds: its newest public appeals and items.
pub(crate) struct Feed {
    pub node: OrgUnit,
    /// The root's code: the feed's entries are named in the district's namespace.
    pub district_code: String,
    pub appeals: Vec<BoardAppeal>,
    pub communities: HashMap<Id, String>,
    pub items: Vec<BoardItem>,
}

/// The feed of the node of `code`.
pub(crate) async fn feed(state: &AppState, code: &str) -> AppResult<Feed> {
    let tree = Tree::load(state).await?;
    let node = tree.node(Some(code))?;
    let (appeals, communities) = appeals(state, &tree, &node, 1, FEED_ENTRIES).await?;
    Ok(Feed {
        district_code: tree.node(None)?.code,
        items: items::shown(state, &node, FEED_ENTRIES).await?,
        appeals: appeals.items,
        communities,
        node,
    })
}

/// A page of the public appeals under `node`, each as the board shows it, with the names of
/// their communities.
async fn appeals(
    state: &AppState,
    tree: &Tree,
    node: &OrgUnit,
    page: i64,
    per_page: i64,
) -> AppResult<(AppealsPage, HashMap<Id, String>)> {
    let found = state.store.public_appeals(node, page, per_page).await?;
    let ids: Vec<Id> = found.items.iter().map(|r| r.appeal.id).collect();
    let replies = state.store.published_replies(&ids).await?;
    let mut communities = HashMap::new();
    let items = found
        .items
        .iter()
        .map(|r| {
            let a = &r.appeal;
            let community = tree.community(a.org_unit_id);
            let community_id = community.map_or(a.org_unit_id, |c| c.id);
            if let Some(c) = community {
                communities.insert(c.id, c.name.clone());
            }
            let name = r.appellant_name.as_deref();
            BoardAppeal::new(a, name, community_id, replies.get(&a.id))
        })
        .collect();
    let page = AppealsPage {
        items,
        page: found.page,
        more: (found.page * found.per_page < found.total || !found.total_exact)
            && found.page < MAX_PAGE,
        total: found.total,
        exact: found.total_exact,
    };
    Ok((page, communities))
}

/// This month's and last month's measures of `node`'s subtree, read as the ranking reads
/// them (`counts_of` over the month's days) and scored with the district's weights.
async fn measures(state: &AppState, node: &OrgUnit) -> AppResult<[MonthMeasures; 2]> {
    let now = state.now();
    let this = Month::containing(shanghai_date(now));
    let weights = state.weights();
    let mut out = [this, this.previous()].map(|month| MonthMeasures {
        month,
        rates: Rates::default(),
        score: None,
    });
    for m in &mut out {
        let nodes = std::slice::from_ref(node);
        let counts = state
            .store
            .counts_of(nodes, m.month.first_day(), m.month.last_day(), now)
            .await?;
        let c: Counts = counts.get(&node.id).copied().unwrap_or_default();
        m.rates = c.rates();
        m.score = score(&m.rates, &weights);
    }
    Ok(out)
}

/// The node's fund in public (`app::fund::public`): none for a node without a ledger.
async fn fund(state: &AppState, node: &OrgUnit) -> AppResult<Option<PublicFund>> {
    let (_, balance_cents, all) = match super::fund::public(state, node.id).await {
        Ok(found) => found,
        Err(AppError::Store(StoreError::NotFound)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let this = Month::containing(shanghai_date(state.now()));
    let months = [this, this.previous()]
        .into_iter()
        .map(|month| {
            all.iter()
                .find(|m| m.month == month)
                .copied()
                .unwrap_or(MonthTotals::nothing(month))
        })
        .collect();
    Ok(Some(PublicFund {
        balance_cents,
        months,
    }))
}
