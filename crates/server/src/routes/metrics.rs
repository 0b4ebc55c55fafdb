//! Measures of a node and its children over a period (DOMAIN.md, Measures).

use axum::extract::State;
use axum::Json;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use suqiu_core::access::{Actor, Capability};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::error::FieldError;
use suqiu_core::measures::score;
use suqiu_core::measures::{Counts, Rates};
use suqiu_core::msg;
use suqiu_core::org::OrgUnit;
use suqiu_core::ranking::standings;
use suqiu_core::Id;
use utoipa::ToSchema;

use crate::app::require;
use crate::auth::AuthActor;
use crate::extract::Params;
use crate::problem::{ApiResult, Problem, Problems};
use crate::scope::node_in_scope;
use crate::state::AppState;
use suqiu_core::access::deed;

/// The counts and rates of one node over a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasuresOut {
    pub received: u64,
    pub accepted: u64,
    pub resolved: u64,
    pub closed: u64,
    /// 本期登记超期未办: appeals received in the period that are open and past their current
    /// deadline now.
    pub overdue_open: u64,
    /// 已超期: open appeals of the subtree past their current deadline now, whenever
    /// received (what the dashboard and the list's `overdue=true` count).
    pub overdue_now: u64,
    pub response_rate: Option<f64>,
    pub on_time_rate: Option<f64>,
    pub resolution_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
    pub reopen_rate: Option<f64>,
    /// The denominators and numerators behind the rates (DOMAIN.md, Measures).
    pub response_due: u64,
    pub responded_on_time: u64,
    pub resolve_due: u64,
    pub resolved_on_time: u64,
    pub followed_up: u64,
    pub solved: u64,
    pub satisfied: u64,
    pub reopened: u64,
    pub ever_closed: u64,
    /// 100 × the weighted mean of the response, resolution and satisfaction rates.
    pub score: Option<f64>,
}

impl MeasuresOut {
    /// The period's counts and rates, and the subtree's `overdue_now` (a count over every
    /// appeal, so the caller reads it apart).
    pub fn new(c: &Counts, r: &Rates, score: Option<f64>, overdue_now: u64) -> MeasuresOut {
        MeasuresOut {
            received: c.received,
            accepted: c.accepted,
            resolved: c.resolved,
            closed: c.closed,
            overdue_open: c.overdue_open,
            overdue_now,
            response_rate: r.response_rate,
            on_time_rate: r.on_time_rate,
            resolution_rate: r.resolution_rate,
            satisfaction_rate: r.satisfaction_rate,
            reopen_rate: r.reopen_rate,
            response_due: c.response_due,
            responded_on_time: c.responded_on_time,
            resolve_due: c.resolve_due,
            resolved_on_time: c.resolved_on_time,
            followed_up: c.followed_up,
            solved: c.solved,
            satisfied: c.satisfied,
            reopened: c.reopened,
            ever_closed: c.ever_closed,
            score,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MetricsChildOut {
    pub org_unit_id: Id,
    pub name: String,
    #[serde(flatten)]
    pub measures: MeasuresOut,
    /// Rank among the judged siblings by score ("1224"); null when not judged.
    pub rank: Option<u32>,
    /// The sample reached the district's minimum (`min_sample` of the score weights).
    pub judged: bool,
    /// The appeals of the period whose response came due or was given (`response_due`).
    pub sample: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MetricsOut {
    pub org_unit_id: Id,
    pub name: String,
    /// `YYYY-MM-DD`, inclusive, Asia/Shanghai.
    pub from: String,
    pub to: String,
    #[serde(flatten)]
    pub measures: MeasuresOut,
    pub children: Vec<MetricsChildOut>,
}

/// Longest period one request may cover (days).
const MAX_PERIOD_DAYS: i64 = 3 * 366;

/// Counts, rates and score of a node's subtree for appeals received `from..=to` (Shanghai
/// days; default this month up to today), and of each child with its rank among the judged
/// siblings (`judged`, `sample`: see `/api/v1/ranking`). `overdue_now` (已超期) counts every
/// open appeal past its deadline now, whatever the period; `overdue_open` only the period's.
#[utoipa::path(get, path = "/api/v1/metrics", tag = "metrics",
    params(
        ("org_unit" = Option<i64>, Query, description = "default: the caller's node"),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD; default the first of this month"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, inclusive; default today"),
    ),
    responses(
        (status = 200, body = MetricsOut),
        Problems::<403, 404, 422>,
    ))]
pub async fn metrics(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<MetricsOut>> {
    // The role is checked before the parameters, as before the statistics page shared this.
    require_metrics(&actor)?;
    let mut errors = Vec::new();
    let org_unit_id = params.id("org_unit", &mut errors);
    let from = params.date("from", &mut errors);
    let to = params.date("to", &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    Ok(Json(
        node_measures(&state, &actor, org_unit_id, from, to).await?,
    ))
}

fn require_metrics(actor: &Actor) -> ApiResult<()> {
    Ok(require(
        actor,
        Capability::ReadMetrics,
        &deed::READ_METRICS,
    )?)
}

/// The measures of a node (default the actor's) and its children for `from..=to`
/// (default this month up to today): shared by the JSON API and the statistics page.
pub(crate) async fn node_measures(
    state: &AppState,
    actor: &Actor,
    org_unit_id: Option<Id>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<MetricsOut> {
    require_metrics(actor)?;
    let now = state.now();
    let today = shanghai_date(now);
    let mut errors = Vec::new();
    let from = from.unwrap_or_else(|| today.with_day(1).unwrap_or(today));
    let to = to.unwrap_or(today);
    if from > to {
        errors.push(FieldError::new("from", &suqiu_core::error::FROM_AFTER_TO));
    } else if (to - from).num_days() > MAX_PERIOD_DAYS {
        errors.push(FieldError::new(
            "to",
            &msg!(
                "period_too_long",
                "统计区间最长 3 年",
                "A period is at most 3 years"
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let unit = node_in_scope(state, actor, org_unit_id).await?;
    let counts = state.store.counts(unit.id, from, to, now).await?;
    let weights = state.weights();
    let rates = counts.total.rates();
    let total_score = score(&rates, &weights);
    // 已超期 is over every appeal, whatever the period: one read for the node and its children.
    let child_nodes: Vec<OrgUnit> = counts.children.iter().map(|(c, _)| c.clone()).collect();
    let overdue_now = state.store.overdue_now_of(&child_nodes, now).await?;
    let total_overdue_now = state
        .store
        .overdue_now_of(std::slice::from_ref(&unit), now)
        .await?;
    let child_counts: Vec<_> = counts.children.iter().map(|(_, c)| *c).collect();
    let children = counts
        .children
        .iter()
        .zip(standings(&child_counts, &weights))
        .map(|((child, c), s)| MetricsChildOut {
            org_unit_id: child.id,
            name: child.name.clone(),
            measures: MeasuresOut::new(
                c,
                &c.rates(),
                s.score,
                overdue_now.get(&child.id).copied().unwrap_or(0),
            ),
            rank: s.rank,
            judged: s.judged,
            sample: s.sample,
        })
        .collect();
    Ok(MetricsOut {
        org_unit_id: unit.id,
        name: unit.name.clone(),
        from: from.to_string(),
        to: to.to_string(),
        measures: MeasuresOut::new(
            &counts.total,
            &rates,
            total_score,
            total_overdue_now.get(&unit.id).copied().unwrap_or(0),
        ),
        children,
    })
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new().routes(routes!(metrics))
}
