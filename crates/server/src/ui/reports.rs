//! 报表: the month-end report of a node as a printable A4 page (the same numbers as the API's
//! JSON and workbook, which it links), and the monthly scoreboard of streets or communities
//! with the change since last month and the appeals longest overdue behind the numbers.

use askama::Template;
use axum::extract::State;
use suqiu_core::access::Capability;
use suqiu_core::calendar::shanghai_date;
use suqiu_core::org::OrgKind;
use suqiu_core::report::Month;

use suqiu_core::figures::{self, Figure};

use super::appeals::node_choices;
use super::figures::{legend, rank_text, rule, term, Term};
use super::i18n::{self, Lang};
use super::page_node;
use super::stats::score_text;
use super::view::{deadline_at, percent, when, Choice, Chrome};
use super::{fail, render, Failed, PageResult, Session, UiError};
use crate::extract::Params;
use crate::routes::reports::{monthly_of, ranking_of, worst_overdue_of};
use crate::routes::reports::{MonthlyReportOut, NodeOverdueOut, OverdueOut, RankOut};
use crate::state::AppState;

/// Appeals listed per node under the scoreboard, and how many nodes (the table above it
/// already gives every node's overdue count; the list names the worst cases).
const WORST_PER_NODE: usize = 3;
const WORST_NODES: usize = 10;

/// The month a report page asks for (`?month=`, this month when absent, with an error
/// message when malformed), for a user who may read the figures (else the 403 page).
fn month_asked(state: &AppState, s: &Session, params: &Params) -> Result<(Month, String), Failed> {
    if !s.may(Capability::ReadMetrics) {
        return Err(UiError::Forbidden(i18n::reason("reports.forbidden")).page(s.lang));
    }
    let this = Month::containing(shanghai_date(state.now()));
    Ok(match params.str("month") {
        None => (this, String::new()),
        Some(text) => match Month::parse(text) {
            Ok(m) => (m, String::new()),
            Err(e) => match s.lang {
                Lang::Zh => (this, format!("month：{}", e.message)),
                Lang::En => (this, format!("month: {}", e.english)),
            },
        },
    })
}

/// One row of a ranking table as shown.
struct RankRow {
    id: i64,
    name: String,
    /// The rank, or 样本不足（N件）.
    rank: String,
    judged: bool,
    sample: u64,
    score: String,
    /// "↑2", "↓1", "—", or "" when there is nothing to compare with.
    change: String,
    change_tone: &'static str,
    overdue_open: u64,
    overdue_now: u64,
}

fn rank_row(lang: Lang, r: &RankOut) -> RankRow {
    let (change, change_tone) = match r.change {
        Some(c) if c > 0 => (format!("↑{c}"), "up"),
        Some(c) if c < 0 => (format!("↓{}", -c), "down"),
        Some(_) => ("—".to_string(), ""),
        None => (String::new(), ""),
    };
    RankRow {
        id: r.org_unit_id,
        name: r.name.clone(),
        rank: rank_text(lang, r.rank, r.sample),
        judged: r.judged,
        sample: r.sample,
        score: score_text(r.score),
        change,
        change_tone,
        overdue_open: r.overdue_open,
        overdue_now: r.overdue_now,
    }
}

/// The figures the report shows, in the order of its legend: look-alike labels side by side.
const REPORT_FIGURES: [Figure; 15] = [
    figures::RECEIVED,
    figures::ACCEPTED,
    figures::RESOLVED,
    figures::CLOSED,
    figures::FOLLOWED_UP,
    figures::OVERDUE_OPEN,
    figures::OVERDUE_NOW,
    figures::RESPONSE_RATE,
    figures::ON_TIME_RATE,
    figures::RESOLUTION_RATE,
    figures::SATISFACTION_RATE,
    figures::SCORE,
    figures::SAMPLE,
    figures::RANK,
    figures::ACCEPTED_NOW,
];

/// The summary's counts: figure, value and the list of exactly those appeals when there is one.
fn summary(lang: Lang, r: &MonthlyReportOut) -> Vec<(Term, u64, Option<String>)> {
    let m = &r.measures;
    let overdue = format!(
        "/appeals?org_unit={}&overdue=true&sort=deadline",
        r.org_unit_id
    );
    let month = format!("&from={}&to={}", r.from, r.to);
    vec![
        (term(lang, &figures::RECEIVED), m.received, None),
        (term(lang, &figures::ACCEPTED), m.accepted, None),
        (term(lang, &figures::RESOLVED), m.resolved, None),
        (term(lang, &figures::CLOSED), m.closed, None),
        (term(lang, &figures::FOLLOWED_UP), m.followed_up, None),
        (term(lang, &figures::SAMPLE), m.response_due, None),
        (
            term(lang, &figures::OVERDUE_OPEN),
            m.overdue_open,
            Some(format!("{overdue}{month}")),
        ),
        (
            term(lang, &figures::OVERDUE_NOW),
            m.overdue_now,
            Some(overdue),
        ),
    ]
}

/// An overdue appeal as a row.
struct OverdueRow {
    id: i64,
    code: String,
    title: String,
    category: String,
    handling: String,
    deadline: String,
}

fn overdue_row(o: &OverdueOut) -> OverdueRow {
    OverdueRow {
        id: o.id,
        code: o.tracking_code.clone(),
        title: o.title.clone().unwrap_or_default(),
        category: o.category_name.clone(),
        handling: o.handling_org_unit_name.clone(),
        deadline: o
            .deadline
            .as_deref()
            .and_then(crate::dto::parse_time)
            .map(deadline_at)
            .unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    c: Chrome,
    r: MonthlyReportOut,
    error: String,
    month: String,
    nodes: Vec<Choice>,
    generated: String,
    /// The counts of the summary (see [`summary`]).
    summary: Vec<(Term, u64, Option<String>)>,
    /// The four rates and the score, as shown.
    rates: Vec<(Term, String)>,
    legend: Vec<Term>,
    rule: String,
    children: Vec<RankRow>,
    overdue: Vec<OverdueRow>,
    /// When the month has more repeated problems than listed, how many.
    repeated_note: String,
}

/// `GET /reports[?org_unit=ID][&month=YYYY-MM]`: the month-end report, printable.
pub(crate) async fn monthly(
    State(state): State<AppState>,
    s: Session,
    params: Params,
) -> PageResult {
    let lang = s.lang;
    let (month, error) = month_asked(&state, &s, &params)?;
    let unit = page_node(&state, &s, &params).await?;
    let mut r = monthly_of(&state, &unit, month).await.map_err(fail(lang))?;
    in_language(&state, lang, &mut r)
        .await
        .map_err(fail(lang))?;
    let m = &r.measures;
    let rates = vec![
        (
            term(lang, &figures::RESPONSE_RATE),
            percent(m.response_rate),
        ),
        (term(lang, &figures::ON_TIME_RATE), percent(m.on_time_rate)),
        (
            term(lang, &figures::RESOLUTION_RATE),
            percent(m.resolution_rate),
        ),
        (
            term(lang, &figures::SATISFACTION_RATE),
            percent(m.satisfaction_rate),
        ),
        (term(lang, &figures::SCORE), score_text(m.score)),
    ];
    let listed = r.repeated.len();
    let repeated_note = match (r.repeated_total > listed as i64, lang) {
        (false, _) => String::new(),
        (true, Lang::Zh) => format!(
            "本月共 {} 处重复诉求，下表列出次数最多的 {listed} 处。",
            r.repeated_total
        ),
        (true, Lang::En) => format!(
            "{} repeated problems this month; the {listed} most frequent are listed.",
            r.repeated_total
        ),
    };
    let page = ReportPage {
        repeated_note,
        nodes: node_choices(&state, &s.actor, &unit.id.to_string())
            .await
            .map_err(fail(lang))?,
        c: s.chrome("reports"),
        error,
        month: month.to_string(),
        generated: when(state.now()),
        rates,
        summary: summary(lang, &r),
        legend: legend(lang, &REPORT_FIGURES),
        rule: rule(lang, state.weights().min_sample),
        children: r.children.iter().map(|x| rank_row(lang, x)).collect(),
        overdue: r.overdue.iter().map(overdue_row).collect(),
        r,
    };
    render(lang, &page)
}

/// A node and its worst overdue appeals, as shown.
struct WorstGroup {
    name: String,
    appeals: Vec<OverdueRow>,
}

#[derive(Template)]
#[template(path = "ranking.html")]
struct RankingPage {
    c: Chrome,
    level: &'static str,
    month: String,
    error: String,
    rows: Vec<RankRow>,
    worst: Vec<WorstGroup>,
    rule: String,
}

/// `GET /ranking[?level=street|community][&month=YYYY-MM]`: the scoreboard of the level in
/// the user's subtree, and the appeals longest overdue by node.
pub(crate) async fn ranking(
    State(state): State<AppState>,
    s: Session,
    params: Params,
) -> PageResult {
    let lang = s.lang;
    let (month, error) = month_asked(&state, &s, &params)?;
    let (level, level_code) = match params.str("level") {
        Some("community") => (OrgKind::Community, "community"),
        _ => (OrgKind::Street, "street"),
    };
    let rows = ranking_of(&state, &s.actor.org_path, level, month)
        .await
        .map_err(fail(lang))?;
    let scope = state
        .store
        .org_unit(s.actor.org_unit_id)
        .await
        .map_err(fail(lang))?
        .ok_or_else(|| UiError::NotFound.page(lang))?;
    let worst: Vec<NodeOverdueOut> =
        worst_overdue_of(&state, &scope, level, WORST_PER_NODE, WORST_NODES)
            .await
            .map_err(fail(lang))?;
    render(
        lang,
        &RankingPage {
            c: s.chrome("ranking"),
            level: level_code,
            month: month.to_string(),
            error,
            rows: rows.iter().map(|x| rank_row(lang, x)).collect(),
            rule: rule(lang, state.weights().min_sample),
            worst: worst
                .iter()
                .map(|g| WorstGroup {
                    name: g.name.clone(),
                    appeals: g.appeals.iter().map(overdue_row).collect(),
                })
                .collect(),
        },
    )
}

/// The report's vocabulary and category names in the page's language (the API's report
/// names them in Chinese).
async fn in_language(
    state: &AppState,
    lang: Lang,
    r: &mut MonthlyReportOut,
) -> crate::app::AppResult<()> {
    if lang == Lang::Zh {
        return Ok(());
    }
    let names = crate::app::appeals::category_names(state, lang == Lang::En).await?;
    for x in r.by_kind.iter_mut().chain(r.by_channel.iter_mut()) {
        let name = lang.label(&x.code, "");
        if !name.is_empty() {
            x.name = name.to_string();
        }
    }
    for x in r.by_category.iter_mut().chain(r.top_categories.iter_mut()) {
        if let Some(name) = names.get(&x.code) {
            x.name = name.clone();
        }
    }
    for x in &mut r.repeated {
        x.category_name = super::appeals::category_label(&names, &x.category);
    }
    Ok(())
}
