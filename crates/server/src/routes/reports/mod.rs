//! The monthly scoreboard and the month-end report (JSON, or an Excel workbook).

use std::collections::{BTreeMap, HashMap};
use suqiu_core::msg;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use suqiu_core::access::Capability;
use suqiu_core::appeal::{Channel, Kind};
use suqiu_core::category::Category;
use suqiu_core::error::FieldError;
use suqiu_core::measures::{score, Counts};
use suqiu_core::org::{in_subtree, OrgKind, OrgUnit};
use suqiu_core::ranking::{rank_changes, standings};
use suqiu_core::report::{top, Month, REPEATED_LISTED, TOP_CATEGORIES};
use suqiu_core::Id;

use crate::app::require;
use crate::auth::AuthActor;
use crate::dto::time;
use crate::extract::Params;
use crate::problem::{ApiResult, Problem, Problems};
use crate::report_xlsx;
use crate::routes::metrics::MeasuresOut;
use crate::routes::query::{JsonOrWorkbook, MonthlyQuery};
use crate::scope::node_in_scope;
use crate::state::AppState;
use suqiu_core::access::deed;
use suqiu_store::appeals::AppealRecord;

mod types;

pub use types::{CountOut, MonthlyReportOut, NodeOverdueOut, OverdueOut, RankOut, RepeatedOut};

fn require_metrics(actor: &AuthActor) -> Result<(), Problem> {
    Ok(require(
        actor,
        Capability::ReadMetrics,
        &deed::READ_REPORTS,
    )?)
}

/// The month's counts of each node (ids), in one pass over the roll-ups (see
/// `Store::counts_of`).
async fn month_counts(
    state: &AppState,
    nodes: &[OrgUnit],
    month: Month,
) -> ApiResult<HashMap<Id, Counts>> {
    Ok(state
        .store
        .counts_of(nodes, month.first_day(), month.last_day(), state.now())
        .await?)
}

/// The scoreboard of one level (streets or communities) in the caller's scope for a month:
/// score per DOMAIN.md with the district's weights; rank among the *judged* nodes of the level
/// (those whose sample — the month's appeals whose response came due or was given — reaches
/// the district's `min_sample`, default 5), `rank` null for the others; judged rows first, by
/// rank; the change since last month between judged ranks only (positive: moved up).
#[utoipa::path(get, path = "/api/v1/ranking", tag = "reports",
    params(
        ("level" = String, Query, description = "street|community"),
        ("month" = Option<String>, Query, description = "YYYY-MM; default this month"),
    ),
    responses(
        (status = 200, body = Vec<RankOut>),
        Problems::<403, 422>,
    ))]
pub async fn ranking(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<Vec<RankOut>>> {
    require_metrics(&actor)?;
    let mut errors = Vec::new();
    let level = level_param(&params, &mut errors);
    let month = crate::app::month(&state, params.str("month"))
        .map_err(|e| errors.push(e))
        .ok();
    let (Some(level), Some(month), true) = (level, month, errors.is_empty()) else {
        return Err(Problem::invalid(errors));
    };
    Ok(Json(
        ranking_of(&state, &actor.org_path, level, month).await?,
    ))
}

/// The nodes of `level` in the subtree at `scope_path`, by name.
async fn level_nodes(
    state: &AppState,
    scope_path: &str,
    level: OrgKind,
) -> ApiResult<Vec<OrgUnit>> {
    let mut nodes: Vec<OrgUnit> = state
        .store
        .org_units()
        .await?
        .into_iter()
        .filter(|u| u.kind == level && in_subtree(scope_path, &u.path))
        .collect();
    nodes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(nodes)
}

/// The scoreboard of `level` within `scope_path` for `month`: judged rows by rank, then the
/// unjudged, ties by name.
pub(crate) async fn ranking_of(
    state: &AppState,
    scope_path: &str,
    level: OrgKind,
    month: Month,
) -> ApiResult<Vec<RankOut>> {
    let nodes = level_nodes(state, scope_path, level).await?;
    let of = |counts: HashMap<Id, Counts>| -> Vec<Counts> {
        nodes
            .iter()
            .map(|n| counts.get(&n.id).copied().unwrap_or_default())
            .collect()
    };
    let this = of(month_counts(state, &nodes, month).await?);
    let last = of(month_counts(state, &nodes, month.previous()).await?);
    let units: Vec<(&OrgUnit, Counts)> = nodes.iter().zip(this).collect();
    rank_rows(state, &units, Some(&last)).await
}

/// The scoreboard rows of sibling `units` with their period's counts, in scoreboard order;
/// with last period's counts, the change of rank.
pub(crate) async fn rank_rows(
    state: &AppState,
    units: &[(&OrgUnit, Counts)],
    last: Option<&[Counts]>,
) -> ApiResult<Vec<RankOut>> {
    let weights = state.weights();
    let counts: Vec<Counts> = units.iter().map(|(_, c)| *c).collect();
    let this = standings(&counts, &weights);
    let changes = match last {
        Some(last) => rank_changes(&this, &standings(last, &weights)),
        None => vec![None; this.len()],
    };
    let nodes: Vec<OrgUnit> = units.iter().map(|(n, _)| (*n).clone()).collect();
    let overdue_now = state.store.overdue_now_of(&nodes, state.now()).await?;
    let mut out: Vec<RankOut> = units
        .iter()
        .zip(this)
        .zip(changes)
        .map(|(((n, c), s), change)| RankOut {
            org_unit_id: n.id,
            name: n.name.clone(),
            score: s.score,
            rank: s.rank,
            judged: s.judged,
            sample: s.sample,
            change,
            overdue_open: c.overdue_open,
            overdue_now: overdue_now.get(&n.id).copied().unwrap_or(0),
        })
        .collect();
    out.sort_by(|a, b| {
        (a.rank.is_none(), a.rank, &a.name).cmp(&(b.rank.is_none(), b.rank, &b.name))
    });
    Ok(out)
}

/// How far the worst-overdue list reads: the most overdue appeals of the scope, then grouped
/// by node (a node whose appeals are not among them has nothing as overdue as the others').
const WORST_OVERDUE_READ: i64 = 300;

/// The appeals longest past their deadline now, grouped by the node of `level` they belong
/// to (most overdue node first): at most `max_nodes` nodes, `per_node` appeals each.
pub(crate) async fn worst_overdue_of(
    state: &AppState,
    scope: &OrgUnit,
    level: OrgKind,
    per_node: usize,
    max_nodes: usize,
) -> ApiResult<Vec<NodeOverdueOut>> {
    let nodes = level_nodes(state, &scope.path, level).await?;
    let node_of = |path: &str| nodes.iter().position(|n| in_subtree(&n.path, path));
    // Chosen in the order read (most overdue first), before the records are read.
    let mut quota = Quota::new(per_node, max_nodes);
    let records = state
        .store
        .most_overdue(scope.id, state.now(), WORST_OVERDUE_READ, |path| {
            node_of(path).is_some_and(|node| quota.take(node))
        })
        .await?;
    let names = crate::app::appeals::category_names(state, false).await?;
    let mut out: Vec<NodeOverdueOut> = quota
        .taken
        .iter()
        .map(|(n, _)| NodeOverdueOut {
            org_unit_id: nodes[*n].id,
            name: nodes[*n].name.clone(),
            appeals: Vec::new(),
        })
        .collect();
    for r in &records {
        let Some(group) = node_of(&r.place.org_path)
            .and_then(|n| out.iter_mut().find(|g| g.org_unit_id == nodes[n].id))
        else {
            continue;
        };
        let category = names
            .get(&r.appeal.category)
            .cloned()
            .unwrap_or_else(|| r.appeal.category.clone());
        group.appeals.push(overdue_out(r, category));
    }
    Ok(out)
}

/// How many items a list takes per group and how many groups, in the order offered.
struct Quota {
    per_group: usize,
    max_groups: usize,
    /// (group, items taken), in the order the groups were first taken from.
    taken: Vec<(usize, usize)>,
}

impl Quota {
    fn new(per_group: usize, max_groups: usize) -> Quota {
        Quota {
            per_group,
            max_groups,
            taken: Vec::new(),
        }
    }

    /// Whether an item of `group` is taken (counting it if so).
    fn take(&mut self, group: usize) -> bool {
        match self.taken.iter().position(|(g, _)| *g == group) {
            Some(i) if self.taken[i].1 < self.per_group => {
                self.taken[i].1 += 1;
                true
            }
            Some(_) => false,
            None if self.taken.len() < self.max_groups => {
                self.taken.push((group, 1));
                true
            }
            None => false,
        }
    }
}

/// An overdue appeal as reports list it.
fn overdue_out(r: &AppealRecord, category_name: String) -> OverdueOut {
    OverdueOut {
        id: r.appeal.id,
        tracking_code: r.appeal.tracking_code.clone(),
        title: r.appeal.title.clone(),
        category_name,
        status: r.appeal.status.code().to_string(),
        handling_org_unit_name: r.handling_org_unit_name.clone(),
        deadline: r.appeal.current_deadline().map(time),
    }
}

/// The appeals longest past their deadline, by street or community: the scoreboard's
/// companion, so a month-end meeting talks about the cases behind the numbers.
#[utoipa::path(get, path = "/api/v1/reports/overdue", tag = "reports",
    params(
        ("level" = String, Query, description = "street|community"),
        ("org_unit" = Option<i64>, Query, description = "default: the caller's node"),
        ("per_node" = Option<i64>, Query, description = "appeals per node, 1–20; default 3"),
    ),
    responses(
        (status = 200, body = Vec<NodeOverdueOut>),
        Problems::<403, 404, 422>,
    ))]
pub async fn worst_overdue(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<Vec<NodeOverdueOut>>> {
    require_metrics(&actor)?;
    let mut errors = Vec::new();
    let level = level_param(&params, &mut errors);
    let org_unit_id = params.id("org_unit", &mut errors);
    let per_node = match params.str("per_node").map(str::parse::<usize>) {
        None => 3,
        Some(Ok(n)) if (1..=20).contains(&n) => n,
        Some(_) => {
            errors.push(FieldError::new(
                "per_node",
                &msg!(
                    "per_node_range",
                    "per_node 应为 1 到 20 的整数",
                    "per_node is a whole number from 1 to 20"
                ),
            ));
            3
        }
    };
    let (Some(level), true) = (level, errors.is_empty()) else {
        return Err(Problem::invalid(errors));
    };
    let scope = node_in_scope(&state, &actor, org_unit_id).await?;
    Ok(Json(
        worst_overdue_of(&state, &scope, level, per_node, usize::MAX).await?,
    ))
}

/// `level=street|community`.
pub(crate) fn level_param(params: &Params, errors: &mut Vec<FieldError>) -> Option<OrgKind> {
    match params.str("level") {
        Some("street") => Some(OrgKind::Street),
        Some("community") => Some(OrgKind::Community),
        _ => {
            errors.push(FieldError::new(
                "level",
                &msg!(
                    "level_street_or_community",
                    "level 应为 street 或 community",
                    "level is street or community"
                ),
            ));
            None
        }
    }
}

fn label_of<T: Copy>(
    code: &str,
    parse: fn(&str) -> Option<T>,
    label: fn(T) -> &'static str,
) -> String {
    parse(code).map(label).unwrap_or(code).to_string()
}

/// The month-end report of a node: counts by kind, category (first level) and channel; the
/// rates and score; the top five categories; repeated problems (the same place and category
/// three or more times); the appeals received in the month that are overdue now; the
/// children's ranking. `format=xlsx` gives the workbook (汇总, 排名, 台账, 超期).
#[utoipa::path(get, path = "/api/v1/reports/monthly", tag = "reports",
    params(MonthlyQuery),
    responses(
        JsonOrWorkbook::<MonthlyReportOut>,
        Problems::<403, 404, 422>,
    ))]
pub async fn monthly(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Response> {
    require_metrics(&actor)?;
    let MonthlyQuery {
        org_unit_id,
        month,
        xlsx,
    } = MonthlyQuery::parse(&state, &params)?;
    let unit = node_in_scope(&state, &actor, org_unit_id).await?;
    let report = monthly_of(&state, &unit, month).await?;
    let now = state.now();
    let (from, to) = (month.first_day(), month.last_day());
    if !xlsx {
        return Ok(Json(report).into_response());
    }
    let ledger = state.store.ledger(unit.id, from, to, None).await?;
    let categories = state.store.categories().await?;
    let names = names_by_code(&categories);
    crate::xlsx::api_download(
        report_xlsx::workbook(&report, &ledger, &names, now),
        "report",
        &format!("monthly-{}-{}.xlsx", unit.code, month),
    )
}

/// One repeated problem of the report, its category named.
fn repeated_out(
    r: suqiu_store::places::RepeatedPlace,
    named: &dyn Fn(&str) -> String,
) -> RepeatedOut {
    RepeatedOut {
        org_unit_id: r.org_unit_id,
        org_unit_name: r.org_unit_name,
        category_name: named(&r.category),
        location: r.place,
        category: r.category,
        count: r.appeals,
    }
}

/// Counts by category summed up to their first-level category (a second-level code counts
/// for its parent), by code.
fn by_first_level(categories: &[Category], by_category: &[(String, i64)]) -> Vec<(String, i64)> {
    let first_level = |code: &str| -> String {
        categories
            .iter()
            .find(|c| c.code == code)
            .and_then(|c| c.parent_code.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let mut by_first: BTreeMap<String, i64> = BTreeMap::new();
    for (code, n) in by_category {
        *by_first.entry(first_level(code)).or_default() += n;
    }
    by_first.into_iter().collect()
}

/// The taxonomy's names by code.
fn names_by_code(categories: &[Category]) -> HashMap<&str, &str> {
    categories
        .iter()
        .map(|c| (c.code.as_str(), c.name.as_str()))
        .collect()
}

/// The month-end report of `unit` (in the caller's scope: the caller checks).
pub(crate) async fn monthly_of(
    state: &AppState,
    unit: &OrgUnit,
    month: Month,
) -> ApiResult<MonthlyReportOut> {
    let now = state.now();
    let (from, to) = (month.first_day(), month.last_day());
    let counts = state.store.counts(unit.id, from, to, now).await?;
    let categories = state.store.categories().await?;
    let names = names_by_code(&categories);
    let named = |code: &str| names.get(code).copied().unwrap_or(code).to_string();
    let counted = counted_by(state, unit, month, &categories, &named).await?;
    let repeated = state
        .store
        .repeated_places(unit.id, month, REPEATED_LISTED)
        .await?;
    let children: Vec<(&OrgUnit, Counts)> = counts.children.iter().map(|(n, c)| (n, *c)).collect();
    let overdue = state.store.ledger(unit.id, from, to, Some(now)).await?;
    Ok(MonthlyReportOut {
        org_unit_id: unit.id,
        name: unit.name.clone(),
        month: month.to_string(),
        from: from.to_string(),
        to: to.to_string(),
        measures: unit_measures(state, unit, &counts.total).await?,
        by_kind: counted.by_kind,
        by_category: counted.by_category,
        by_channel: counted.by_channel,
        top_categories: counted.top_categories,
        repeated_total: repeated.total,
        repeated: repeated
            .listed
            .into_iter()
            .map(|r| repeated_out(r, &named))
            .collect(),
        overdue: overdue
            .iter()
            .map(|r| overdue_out(r, named(&r.appeal.category)))
            .collect(),
        children: rank_rows(state, &children, None).await?,
    })
}

/// The period's measures of `unit` from its `counts`, with its score and the appeals of its
/// subtree overdue now.
async fn unit_measures(
    state: &AppState,
    unit: &OrgUnit,
    counts: &Counts,
) -> ApiResult<MeasuresOut> {
    let rates = counts.rates();
    let overdue_now = state
        .store
        .overdue_now_of(std::slice::from_ref(unit), state.now())
        .await?;
    Ok(MeasuresOut::new(
        counts,
        &rates,
        score(&rates, &state.weights()),
        overdue_now.get(&unit.id).copied().unwrap_or(0),
    ))
}

/// The month's appeals of a node counted by kind, by first-level category and by channel,
/// and its most frequent categories.
struct CountedBy {
    by_kind: Vec<CountOut>,
    by_category: Vec<CountOut>,
    by_channel: Vec<CountOut>,
    top_categories: Vec<CountOut>,
}

/// The month's counts of `unit` by kind, category and channel, each code named.
async fn counted_by(
    state: &AppState,
    unit: &OrgUnit,
    month: Month,
    categories: &[Category],
    named: &(dyn Fn(&str) -> String + Sync),
) -> ApiResult<CountedBy> {
    let breakdown = state
        .store
        .breakdown(unit.id, month.first_day(), month.last_day())
        .await?;
    let by_category = by_first_level(categories, &breakdown.by_category);
    let counted = |counts: &[(String, i64)], name: &dyn Fn(&str) -> String| -> Vec<CountOut> {
        counts
            .iter()
            .map(|(code, n)| CountOut {
                code: code.clone(),
                name: name(code),
                count: *n,
            })
            .collect()
    };
    Ok(CountedBy {
        by_kind: counted(&breakdown.by_kind, &|code: &str| {
            label_of(code, Kind::parse, Kind::label_zh)
        }),
        by_category: counted(&by_category, named),
        by_channel: counted(&breakdown.by_channel, &|code: &str| {
            label_of(code, Channel::parse, Channel::label_zh)
        }),
        top_categories: counted(&top(&by_category, TOP_CATEGORIES), named),
    })
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(ranking))
        .routes(routes!(monthly))
        .routes(routes!(worst_overdue))
}

#[cfg(test)]
mod tests {
    use super::Quota;

    #[test]
    fn a_quota_takes_a_few_per_group_from_the_first_groups() {
        let mut q = Quota::new(2, 2);
        let taken: Vec<bool> = [7, 7, 3, 7, 9, 3, 3, 9]
            .iter()
            .map(|g| q.take(*g))
            .collect();
        assert_eq!(taken, [true, true, true, false, false, true, false, false]);
        assert_eq!(q.taken, [(7, 2), (3, 2)]);
    }
}
