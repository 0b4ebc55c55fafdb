//! 统计: a node (the user's, or one below it) and its children — received, response,
//! on-time, resolution and satisfaction rates, score and rank — for a month or a range, from
//! the same function as `GET /api/v1/metrics`; a bar chart of the children's scores, a
//! line chart of the last twelve months' volume, and the breakdown by category.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use chrono::{Datelike, Months, NaiveDate};
use suqiu_core::calendar::shanghai_date;

use super::appeals::category_names;
use super::charts::{bar_chart, line_chart, BarChart, LineChart, WIDTH};
use super::view::{percent, Chrome};
use super::{fail, render, PageResult, Session, UiError};
use crate::dto::MeasuresOut;
use crate::extract::Params;
use crate::routes::metrics::node_measures;
use crate::state::AppState;
use suqiu_store::dims::Dimension;

struct ChildRow {
    id: i64,
    name: String,
    received: u64,
    response: String,
    on_time: String,
    resolution: String,
    satisfaction: String,
    score: String,
    rank: String,
}

struct Kpi {
    key: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    c: Chrome,
    name: String,
    org_unit_id: i64,
    month: String,
    from: String,
    to: String,
    kpis: Vec<Kpi>,
    children: Vec<ChildRow>,
    scores: BarChart,
    volume: LineChart,
    categories: Vec<(String, i64, String)>,
    width: f64,
    error: String,
}

pub(crate) fn score_text(s: Option<f64>) -> String {
    s.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())
}

fn kpis(m: &MeasuresOut) -> Vec<Kpi> {
    vec![
        Kpi {
            key: "stats.received",
            value: m.received.to_string(),
        },
        Kpi {
            key: "stats.response_rate",
            value: percent(m.response_rate),
        },
        Kpi {
            key: "stats.on_time_rate",
            value: percent(m.on_time_rate),
        },
        Kpi {
            key: "stats.resolution_rate",
            value: percent(m.resolution_rate),
        },
        Kpi {
            key: "stats.satisfaction_rate",
            value: percent(m.satisfaction_rate),
        },
        Kpi {
            key: "stats.score",
            value: score_text(m.score),
        },
        Kpi {
            key: "stats.overdue_open",
            value: m.overdue_open.to_string(),
        },
    ]
}

/// First and last day of a `YYYY-MM` month.
fn month_range(month: &str) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    let last = first.checked_add_months(Months::new(1))?.pred_opt()?;
    Some((first, last))
}

pub(crate) async fn page(State(state): State<AppState>, s: Session, params: Params) -> PageResult {
    let lang = s.lang;
    let today = shanghai_date(state.now());
    let mut error = String::new();
    let org_unit = match params.str("org_unit").map(str::parse::<i64>) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return Err(UiError::NotFound.page(lang)),
    };
    let parse_day = |k: &str, error: &mut String| {
        params
            .str(k)
            .and_then(|v| match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    *error = format!("{k}: 日期格式应为 YYYY-MM-DD");
                    None
                }
            })
    };
    let mut from = parse_day("from", &mut error);
    let mut to = parse_day("to", &mut error);
    let month = params.str("month").unwrap_or("").to_string();
    if !month.is_empty() {
        match month_range(&month) {
            Some((f, t)) => {
                from = Some(f);
                to = Some(t);
            }
            None => error = "month: 月份格式应为 YYYY-MM".into(),
        }
    }
    let m = match node_measures(&state, &s.actor, org_unit, from, to).await {
        Ok(m) => m,
        Err(p) if p.status == 422 => {
            error = p.detail.clone();
            node_measures(&state, &s.actor, org_unit, None, None)
                .await
                .map_err(fail(lang))?
        }
        Err(p) => return Err(UiError::from(p).page(lang)),
    };
    let mut children: Vec<ChildRow> = m
        .children
        .iter()
        .map(|c| ChildRow {
            id: c.org_unit_id,
            name: c.name.clone(),
            received: c.measures.received,
            response: percent(c.measures.response_rate),
            on_time: percent(c.measures.on_time_rate),
            resolution: percent(c.measures.resolution_rate),
            satisfaction: percent(c.measures.satisfaction_rate),
            score: score_text(c.measures.score),
            rank: c.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into()),
        })
        .collect();
    let mut ranked: Vec<_> = m.children.iter().collect();
    ranked.sort_by_key(|c| (c.rank.is_none(), c.rank));
    children.sort_by_key(|c| {
        ranked
            .iter()
            .position(|r| r.org_unit_id == c.id)
            .unwrap_or(usize::MAX)
    });
    let scores = bar_chart(
        &ranked
            .iter()
            .map(|c| (c.name.clone(), c.measures.score))
            .collect::<Vec<_>>(),
        100.0,
    );

    // The twelve months up to the period's end, from the same roll-up in one read.
    let end = NaiveDate::parse_from_str(&m.to, "%Y-%m-%d").unwrap_or(today);
    let last_month = end.with_day(1).unwrap_or(end);
    let first_month = last_month
        .checked_sub_months(Months::new(11))
        .unwrap_or(last_month);
    let last_day = last_month
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(last_month);
    let received: BTreeMap<String, i64> = state
        .store
        .received_by_month(m.org_unit_id, first_month, last_day)
        .await
        .map_err(fail(lang))?
        .into_iter()
        .collect();
    let volume: Vec<(String, i64)> = (0..12)
        .filter_map(|k| first_month.checked_add_months(Months::new(k)))
        .map(|first| {
            let n = received
                .get(&first.format("%Y-%m").to_string())
                .copied()
                .unwrap_or(0);
            (first.format("%y-%m").to_string(), n)
        })
        .collect();

    // By first-level category, in the period.
    let from_day = NaiveDate::parse_from_str(&m.from, "%Y-%m-%d").unwrap_or(today);
    let counts = state
        .store
        .received_by(m.org_unit_id, Dimension::Category, from_day, end)
        .await
        .map_err(fail(lang))?;
    let names = category_names(&state, lang).await.map_err(fail(lang))?;
    let mut by_root: BTreeMap<String, i64> = BTreeMap::new();
    for (code, n) in counts {
        let root = code.split('.').next().unwrap_or(&code).to_string();
        *by_root.entry(root).or_default() += n;
    }
    let total: i64 = by_root.values().sum();
    let mut categories: Vec<(String, i64, String)> = by_root
        .into_iter()
        .map(|(code, n)| {
            let share = if total > 0 {
                format!("{:.1}%", n as f64 * 100.0 / total as f64)
            } else {
                "—".into()
            };
            (names.get(&code).cloned().unwrap_or(code), n, share)
        })
        .collect();
    categories.sort_by_key(|c| std::cmp::Reverse(c.1));

    render(
        lang,
        &StatsPage {
            c: s.chrome("stats"),
            name: m.name.clone(),
            org_unit_id: m.org_unit_id,
            month,
            from: m.from.clone(),
            to: m.to.clone(),
            kpis: kpis(&m.measures),
            children,
            scores,
            volume: line_chart(&volume),
            categories,
            width: WIDTH,
            error,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_run_from_the_first_to_the_last_day() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(
            month_range("2026-02"),
            Some((d("2026-02-01"), d("2026-02-28")))
        );
        assert_eq!(
            month_range("2026-12"),
            Some((d("2026-12-01"), d("2026-12-31")))
        );
        assert_eq!(month_range("2026-13"), None);
        assert_eq!(month_range("soon"), None);
    }
}
