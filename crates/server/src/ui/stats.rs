//! 统计: a node (the user's, or one below it) and its children — received, response,
//! on-time, resolution and satisfaction rates, score and rank — for a month or a range, from
//! the same function as `GET /api/v1/metrics`; a bar chart of the children's scores, a
//! line chart of the last twelve months' volume, and the breakdown by category.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use chrono::{Datelike, Months, NaiveDate};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::error::{FieldError, DATE_SHAPE};
use suqiu_core::report::Month;

use suqiu_core::figures::{self, Figure};

use super::charts::{bar_chart, line_chart, BarChart, LineChart, WIDTH};
use super::figures::{legend, rank_text, term, Term};
use super::i18n::Lang;
use super::view::{percent, Chrome};
use super::{fail, render, PageResult, Session, UiError};
use crate::extract::Params;
use crate::routes::metrics::node_measures;
use crate::routes::metrics::{MetricsChildOut, MetricsOut};
use crate::state::AppState;
use suqiu_store::dims::Dimension;

struct ChildRow {
    id: i64,
    name: String,
    received: u64,
    sample: u64,
    response: String,
    on_time: String,
    resolution: String,
    satisfaction: String,
    score: String,
    /// The rank, or 样本不足（N件）.
    rank: String,
    overdue_now: u64,
}

struct Kpi {
    term: Term,
    value: String,
    /// The list of exactly the appeals counted, for a count that is one.
    href: Option<String>,
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
    /// The children table's column heads, in order after 排名 and 单位.
    heads: Vec<Term>,
    children: Vec<ChildRow>,
    scores: BarChart,
    volume: LineChart,
    categories: Vec<(String, i64, String)>,
    width: f64,
    error: String,
    legend: Vec<Term>,
}

pub(crate) fn score_text(s: Option<f64>) -> String {
    s.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())
}

/// The figures of the page, in the order of the legend.
const FIGURES: [Figure; 10] = [
    figures::RECEIVED,
    figures::SAMPLE,
    figures::RESPONSE_RATE,
    figures::ON_TIME_RATE,
    figures::RESOLUTION_RATE,
    figures::SATISFACTION_RATE,
    figures::SCORE,
    figures::RANK,
    figures::OVERDUE_OPEN,
    figures::OVERDUE_NOW,
];

fn kpis(lang: Lang, m: &MetricsOut) -> Vec<Kpi> {
    let me = &m.measures;
    let kpi = |f: &Figure, value: String, href: Option<String>| Kpi {
        term: term(lang, f),
        value,
        href,
    };
    // The two overdue counts open the list of exactly their appeals: the period's ones by
    // the days received, the other whenever received.
    let overdue = format!(
        "/appeals?org_unit={}&overdue=true&sort=deadline",
        m.org_unit_id
    );
    vec![
        kpi(&figures::RECEIVED, me.received.to_string(), None),
        kpi(&figures::RESPONSE_RATE, percent(me.response_rate), None),
        kpi(&figures::ON_TIME_RATE, percent(me.on_time_rate), None),
        kpi(&figures::RESOLUTION_RATE, percent(me.resolution_rate), None),
        kpi(
            &figures::SATISFACTION_RATE,
            percent(me.satisfaction_rate),
            None,
        ),
        kpi(&figures::SCORE, score_text(me.score), None),
        kpi(
            &figures::OVERDUE_OPEN,
            me.overdue_open.to_string(),
            Some(format!("{overdue}&from={}&to={}", m.from, m.to)),
        ),
        kpi(
            &figures::OVERDUE_NOW,
            me.overdue_now.to_string(),
            Some(overdue),
        ),
    ]
}

fn child_row(lang: Lang, c: &MetricsChildOut) -> ChildRow {
    let m = &c.measures;
    ChildRow {
        id: c.org_unit_id,
        name: c.name.clone(),
        received: m.received,
        sample: c.sample,
        response: percent(m.response_rate),
        on_time: percent(m.on_time_rate),
        resolution: percent(m.resolution_rate),
        satisfaction: percent(m.satisfaction_rate),
        score: score_text(m.score),
        rank: rank_text(lang, c.rank, c.sample),
        overdue_now: m.overdue_now,
    }
}

/// First and last day of a `YYYY-MM` month.
fn month_range(month: &str) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    let last = first.checked_add_months(Months::new(1))?.pred_opt()?;
    Some((first, last))
}

/// The children table's column heads after 排名 and 单位: the page's figures but the rank
/// (the first column) and the overdue count of the period, which the table leaves out.
fn heads(lang: Lang) -> Vec<Term> {
    let left_out = [figures::RANK.code, figures::OVERDUE_OPEN.code];
    FIGURES
        .iter()
        .filter(|f| !left_out.contains(&f.code))
        .map(|f| term(lang, f))
        .collect()
}

/// The period a filter asks for: `from`/`to` days, or a whole `month` (which wins), and
/// the first fault of them in the page's language.
struct Period {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    month: String,
    error: Option<FieldError>,
}

impl Period {
    fn of(params: &Params) -> Period {
        let mut error = None;
        let mut day = |k: &str| {
            let v = params.str(k)?;
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| error = Some(FieldError::new(k, &DATE_SHAPE)))
                .ok()
        };
        let (mut from, mut to) = (day("from"), day("to"));
        let month = params.str("month").unwrap_or("").to_string();
        if !month.is_empty() {
            match month_range(&month) {
                Some((f, t)) => (from, to) = (Some(f), Some(t)),
                None => error = Month::parse(&month).err(),
            }
        }
        Period {
            from,
            to,
            month,
            error,
        }
    }
}

pub(crate) async fn page(State(state): State<AppState>, s: Session, params: Params) -> PageResult {
    let lang = s.lang;
    let today = shanghai_date(state.now());
    let org_unit = match params.str("org_unit").map(str::parse::<i64>) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return Err(UiError::NotFound.page(lang)),
    };
    // One fault of the filter at a time, said in the page's language.
    let Period {
        from,
        to,
        month,
        mut error,
    } = Period::of(&params);
    let m = match node_measures(&state, &s.actor, org_unit, from, to).await {
        Ok(m) => m,
        Err(p) if p.status == 422 => {
            error = p.errors.first().map(|e| {
                FieldError::untranslated(e.field.clone(), "invalid", e.text(lang == Lang::En))
            });
            node_measures(&state, &s.actor, org_unit, None, None)
                .await
                .map_err(fail(lang))?
        }
        Err(p) => return Err(UiError::from(p).page(lang)),
    };
    // Judged children by rank, then the others, each group by name (as the scoreboard).
    let mut ranked: Vec<&MetricsChildOut> = m.children.iter().collect();
    ranked.sort_by(|a, b| {
        (a.rank.is_none(), a.rank, &a.name).cmp(&(b.rank.is_none(), b.rank, &b.name))
    });
    let children: Vec<ChildRow> = ranked.iter().map(|c| child_row(lang, c)).collect();
    let scores = bar_chart(
        &ranked
            .iter()
            .map(|c| (c.name.clone(), c.measures.score))
            .collect::<Vec<_>>(),
        100.0,
    );

    let end = NaiveDate::parse_from_str(&m.to, "%Y-%m-%d").unwrap_or(today);
    let from_day = NaiveDate::parse_from_str(&m.from, "%Y-%m-%d").unwrap_or(today);
    let volume = twelve_months(&state, m.org_unit_id, end)
        .await
        .map_err(fail(lang))?;
    let categories = category_shares(&state, lang, m.org_unit_id, (from_day, end))
        .await
        .map_err(fail(lang))?;

    render(
        lang,
        &StatsPage {
            c: s.chrome("stats"),
            name: m.name.clone(),
            org_unit_id: m.org_unit_id,
            month,
            from: m.from.clone(),
            to: m.to.clone(),
            kpis: kpis(lang, &m),
            heads: heads(lang),
            children,
            legend: legend(lang, &FIGURES),
            scores,
            volume: line_chart(&volume),
            categories,
            width: WIDTH,
            error: error.map_or_else(String::new, |e| {
                format!("{}: {}", e.field, e.text(lang == Lang::En))
            }),
        },
    )
}

/// Appeals received in each of the twelve months up to `end`, from the roll-up in one read.
async fn twelve_months(
    state: &AppState,
    org_unit_id: i64,
    end: NaiveDate,
) -> crate::app::AppResult<Vec<(String, i64)>> {
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
        .received_by_month(org_unit_id, first_month, last_day)
        .await?
        .into_iter()
        .collect();
    Ok((0..12)
        .filter_map(|k| first_month.checked_add_months(Months::new(k)))
        .map(|first| {
            let n = received
                .get(&first.format("%Y-%m").to_string())
                .copied()
                .unwrap_or(0);
            (first.format("%y-%m").to_string(), n)
        })
        .collect())
}

/// Appeals received in the period by first-level category: name, count and share, most
/// first.
async fn category_shares(
    state: &AppState,
    lang: Lang,
    org_unit_id: i64,
    (from, end): (NaiveDate, NaiveDate),
) -> crate::app::AppResult<Vec<(String, i64, String)>> {
    let counts = state
        .store
        .received_by(org_unit_id, Dimension::Category, from, end)
        .await?;
    let names = crate::app::appeals::category_names(state, lang == Lang::En).await?;
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
    Ok(categories)
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
