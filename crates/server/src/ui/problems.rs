//! 问题: the problems of the user's scope (filters by status, node and category, how many
//! appeals each holds), one problem with its appeals (names only: phones stay on each
//! appeal's page), its handler (the lead's) and timeline, and the forms that change it —
//! rename, add an appeal by its tracking code, remove, move to another problem, split,
//! dissolve; and the form that groups appeals (the appeal page's suggestion posts it).
//! Every decision is `app::problems`' (the same use cases as the JSON API); appeals are
//! named by tracking code, never by an internal number a person would have to type.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use suqiu_core::problem::{check_title, EventBody, ProblemStatus};
use suqiu_core::Id;
use suqiu_store::appeals::AppealRecord;
use suqiu_store::problems::{ProblemEvent, ProblemFilter};

use super::appeals::{appellant_name, category_groups, node_choices, summary, CategoryGroup};
use super::badge::{status_badge, StatusBadge, Tone};
use super::i18n::Lang;
use super::posted::{answer, Posted};
use super::view::{vocabulary_choices, when, Choice, Chrome, FieldErrors};
use super::{fail, render, Flash, FormData, PageId, PageResult, PostForm, Session, UiError};
use crate::app::problems::{self as app, NewProblem, ProblemView};
use crate::app::AppError;
use crate::extract::Params;
use crate::routes::problems::{command_of, list_filter, ProblemActionIn};
use crate::state::AppState;

mod card;

pub(crate) use card::{belongs, card, Belongs, ProblemCard};

/// One problem of the list.
struct ListRow {
    id: Id,
    title: String,
    place: String,
    unit: String,
    status: &'static str,
    status_label: &'static str,
    appeals: i64,
    lead_id: Id,
    lead_code: String,
    category: String,
    created: String,
}

#[derive(Template)]
#[template(path = "problems.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<ListRow>,
    total: i64,
    page: i64,
    has_next: bool,
    statuses: Vec<Choice>,
    nodes: Vec<Choice>,
    categories: Vec<CategoryGroup>,
    errors: FieldErrors,
    /// The query without `page`, for the paging links.
    query: String,
}

/// A problem's badge has its lead's colour (dissolved: grey, as a merged appeal).
fn status_class(s: ProblemStatus) -> &'static str {
    match s {
        ProblemStatus::Open => Tone::Progress,
        ProblemStatus::Resolved => Tone::Waiting,
        ProblemStatus::Closed => Tone::Done,
        ProblemStatus::Dissolved => Tone::Closed,
    }
    .class()
}

/// `GET /problems`: the list with its filters (the API's parameters, read alike).
pub(crate) async fn list(State(state): State<AppState>, s: Session, params: Params) -> PageResult {
    let lang = s.lang;
    let value = |k: &str| params.str(k).unwrap_or("").to_string();
    let (filter, errors) = match list_filter(&params) {
        Ok(f) => (f, FieldErrors::new(lang)),
        Err(p) => (
            ProblemFilter::default(),
            FieldErrors::from_problem(&p, lang),
        ),
    };
    let found = app::list(&state, &s.actor, &filter)
        .await
        .map_err(fail(lang))?;
    let names = crate::app::appeals::category_names(&state, lang == Lang::En)
        .await
        .map_err(fail(lang))?;
    let rows = found
        .items
        .iter()
        .map(|r| ListRow {
            id: r.id,
            title: r.title.clone(),
            place: r.place.clone().unwrap_or_default(),
            unit: r.org_unit_name.clone(),
            status: status_class(r.status),
            status_label: lang.label(r.status.code(), r.status.label_zh()),
            appeals: r.appeals,
            lead_id: r.lead_appeal_id,
            lead_code: r.lead_tracking_code.clone(),
            category: super::appeals::category_label(&names, &r.category),
            created: when(r.created_at),
        })
        .collect();
    let mut pairs: Vec<(&str, String)> = ["status", "org_unit", "category"]
        .into_iter()
        .map(|k| (k, value(k)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    pairs.sort();
    let status = value("status");
    let page = ListPage {
        c: s.chrome("problems"),
        rows,
        total: found.total,
        page: found.page,
        has_next: found.page * found.per_page < found.total,
        statuses: vocabulary_choices(
            lang,
            ProblemStatus::ALL,
            ProblemStatus::code,
            ProblemStatus::label_zh,
            if status.is_empty() { "open" } else { &status },
        ),
        nodes: node_choices(&state, &s.actor, &value("org_unit"))
            .await
            .map_err(fail(lang))?,
        categories: category_groups(&state, lang, &value("category"))
            .await
            .map_err(fail(lang))?,
        errors,
        query: serde_urlencoded::to_string(pairs).unwrap_or_default(),
    };
    render(lang, &page)
}

/// One appeal of a problem as its page shows it.
struct AppealRow {
    id: Id,
    code: String,
    summary: String,
    badge: StatusBadge,
    appellant: String,
    lead: bool,
    /// Still merged into the lead: it may be taken out, moved or split off.
    movable: bool,
}

/// One entry of a problem's timeline.
struct Entry {
    what: &'static str,
    who: String,
    at: String,
    details: String,
}

#[derive(Template)]
#[template(path = "problem.html")]
struct ProblemPage {
    c: Chrome,
    id: Id,
    title: String,
    place: String,
    unit: String,
    status: &'static str,
    status_label: &'static str,
    lead_id: Id,
    lead_code: String,
    /// The lead's handling unit, and who has it (assignee, team, department).
    handler: String,
    appeals: Vec<AppealRow>,
    timeline: Vec<Entry>,
    /// The forms: the user may group, and the problem can still change.
    may_change: bool,
    /// Other open problems an appeal may move to.
    targets: Vec<Choice>,
    posted: Posted,
}

/// Who handles the lead (and so the problem).
fn handler(lead: Option<&AppealRecord>) -> String {
    let Some(r) = lead else {
        return String::new();
    };
    let mut parts = vec![r.handling_org_unit_name.clone()];
    parts.extend(r.assignee_name.clone());
    parts.extend(r.team_name.clone());
    parts.extend(r.department_name.clone());
    parts.join(" · ")
}

async fn problem_page(
    state: &AppState,
    s: &Session,
    id: Id,
    posted: Posted,
) -> Result<ProblemPage, UiError> {
    let lang = s.lang;
    let now = state.now();
    let v: ProblemView = app::show(state, &s.actor, id).await?;
    let p = &v.record.problem;
    let lead = v.appeals.iter().find(|r| r.appeal.id == p.lead_appeal_id);
    let codes = appeal_codes(state, s, &v).await?;
    let may_change = v.record.status == ProblemStatus::Open
        && s.may(suqiu_core::access::Capability::Act(
            suqiu_core::access::ActionKind::Merge,
        ));
    let targets = if may_change {
        move_targets(state, s, id).await?
    } else {
        Vec::new()
    };
    Ok(ProblemPage {
        c: s.chrome("problems"),
        id,
        title: p.title.clone(),
        place: p.place.clone().unwrap_or_default(),
        unit: v.record.org_unit_name.clone(),
        status: status_class(v.record.status),
        status_label: lang.label(v.record.status.code(), v.record.status.label_zh()),
        lead_id: p.lead_appeal_id,
        lead_code: lead
            .map(|r| r.appeal.tracking_code.clone())
            .unwrap_or_default(),
        handler: handler(lead),
        appeals: v
            .appeals
            .iter()
            .map(|r| AppealRow {
                id: r.appeal.id,
                code: r.appeal.tracking_code.clone(),
                summary: summary(r.appeal.title.as_deref(), &r.appeal.content),
                badge: status_badge(lang, &r.appeal, now),
                appellant: appellant_name(lang, r),
                lead: r.appeal.id == p.lead_appeal_id,
                movable: r.appeal.id != p.lead_appeal_id
                    && r.appeal.status == suqiu_core::appeal::Status::Merged,
            })
            .collect(),
        timeline: v.events.iter().map(|e| entry(lang, e, &codes)).collect(),
        may_change,
        targets,
        posted,
    })
}

/// The tracking codes of every appeal the timeline names that the reader may see.
async fn appeal_codes(
    state: &AppState,
    s: &Session,
    v: &ProblemView,
) -> Result<HashMap<Id, String>, UiError> {
    let mut codes: HashMap<Id, String> = v
        .appeals
        .iter()
        .map(|r| (r.appeal.id, r.appeal.tracking_code.clone()))
        .collect();
    for e in &v.events {
        for id in named(&e.body) {
            if codes.contains_key(&id) {
                continue;
            }
            match state.store.appeal(&s.actor, id).await {
                Ok(r) => {
                    codes.insert(id, r.appeal.tracking_code);
                }
                Err(suqiu_store::StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(codes)
}

/// The appeals an event names.
fn named(body: &EventBody) -> Vec<Id> {
    match body {
        EventBody::Created { appeal_ids, .. } | EventBody::SplitOff { appeal_ids, .. } => {
            appeal_ids.clone()
        }
        EventBody::AppealAdded { appeal_id, .. } | EventBody::AppealRemoved { appeal_id, .. } => {
            vec![*appeal_id]
        }
        _ => Vec::new(),
    }
}

fn entry(lang: Lang, e: &ProblemEvent, codes: &HashMap<Id, String>) -> Entry {
    let code = |id: &Id| {
        codes
            .get(id)
            .cloned()
            .unwrap_or_else(|| lang.t("detail.other_appeal").to_string())
    };
    let list = |ids: &[Id]| {
        ids.iter()
            .map(code)
            .collect::<Vec<_>>()
            .join(lang.t("list.sep"))
    };
    let details = match &e.body {
        EventBody::Created {
            title, appeal_ids, ..
        } => format!("{title}{}{}", lang.t("punct.colon"), list(appeal_ids)),
        EventBody::AppealAdded { appeal_id, .. } | EventBody::AppealRemoved { appeal_id, .. } => {
            code(appeal_id)
        }
        EventBody::SplitOff { appeal_ids, .. } => list(appeal_ids),
        EventBody::Renamed { from, to } => format!("{from} → {to}"),
        EventBody::Dissolved { note } => note.clone().unwrap_or_default(),
        EventBody::Handled {
            resolution,
            appeals,
        } => format!(
            "{} · {}{appeals}",
            lang.label(resolution.code(), resolution.label_zh()),
            lang.t("problem.carried")
        ),
        EventBody::AnsweredBack { appeals } => format!("{}{appeals}", lang.t("problem.carried")),
    };
    Entry {
        what: lang.t(&format!("problem.ev_{}", e.body.type_name())),
        who: e.actor_name.clone(),
        at: when(e.at),
        details,
    }
}

/// The other open problems in the user's scope (where a member may move).
async fn move_targets(state: &AppState, s: &Session, id: Id) -> Result<Vec<Choice>, UiError> {
    let filter = ProblemFilter {
        per_page: 200,
        ..ProblemFilter::default()
    };
    let found = app::list(state, &s.actor, &filter).await?;
    Ok(found
        .items
        .iter()
        .filter(|r| r.id != id)
        .map(|r| {
            let (open, close) = (s.lang.t("punct.lparen"), s.lang.t("punct.rparen"));
            let label = format!("{}{open}{}{close}", r.title, r.lead_tracking_code);
            Choice::new(r.id.to_string(), label, "")
        })
        .collect())
}

/// `GET /problems/{id}`.
pub(crate) async fn page(
    State(state): State<AppState>,
    s: Session,
    PageId(id): PageId,
) -> PageResult {
    let p = problem_page(&state, &s, id, Posted::none())
        .await
        .map_err(fail(s.lang))?;
    render(s.lang, &p)
}

/// `POST /problems/{id}/act`: one of the page's forms (`action` and its fields, as the
/// API's body names them).
pub(crate) async fn act(
    State(state): State<AppState>,
    PageId(id): PageId,
    PostForm {
        session: s,
        form: f,
    }: PostForm,
) -> PageResult {
    let lang = s.lang;
    let number = |k: &str| f.get(k).and_then(|v| v.trim().parse::<Id>().ok());
    let action = f.get("action").unwrap_or("").to_string();
    let body = ProblemActionIn {
        action: action.clone(),
        appeal_id: number("appeal_id"),
        tracking_code: f.get("tracking_code").map(str::to_string),
        to_problem_id: number("to_problem_id"),
        appeal_ids: (action == "split").then(|| {
            f.all("appeal_ids")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect()
        }),
        title: f.get("title").map(str::to_string),
        note: f.get("note").map(str::to_string),
    };
    let cmd = checked(lang, command_of(&state, &s.actor, body).await).map_err(fail(lang))?;
    // A row's form is named by its appeal, so its errors show on that row only.
    let form = match (action.as_str(), number("appeal_id")) {
        ("remove" | "move", Some(appeal)) => format!("{action}-{appeal}"),
        _ => action.clone(),
    };
    let save = async |cmd| app::act(&state, &s.actor, id, cmd).await;
    let done = |_: ProblemView| {
        (
            format!("/problems/{id}"),
            Flash::new(&format!("flash.problem_{action}")),
        )
    };
    let again = async |posted| problem_page(&state, &s, id, posted).await;
    answer(
        (&state, lang),
        (form, f.clone(), &[]),
        (cmd, save),
        done,
        again,
    )
    .await
}

/// A command, or the fields to fix; any other failure is the error page's.
fn checked<T>(lang: Lang, r: Result<T, AppError>) -> Result<Result<T, FieldErrors>, AppError> {
    match r {
        Ok(cmd) => Ok(Ok(cmd)),
        Err(AppError::Invalid(errors)) => {
            let mut fe = FieldErrors::new(lang);
            errors.iter().for_each(|e| fe.push_error(e));
            Ok(Err(fe))
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "problem_new.html")]
struct NewPage {
    c: Chrome,
    posted: Posted,
    /// A fresh form's values (the appeal it starts from).
    title: String,
    place: String,
    lead_code: String,
    codes: String,
}

/// The form's field names for the API's.
const RENAMES: &[(&str, &str)] = &[("lead_appeal_id", "lead_code"), ("appeal_ids", "codes")];

/// `GET /problems/new?appeal=ID`: the grouping form, filled from the appeal (its title,
/// place and code as the lead).
pub(crate) async fn new_form(
    State(state): State<AppState>,
    s: Session,
    params: Params,
) -> PageResult {
    let lang = s.lang;
    let mut page = NewPage {
        c: s.chrome("problems"),
        posted: Posted::none(),
        title: String::new(),
        place: String::new(),
        lead_code: String::new(),
        codes: String::new(),
    };
    if let Some(id) = params.str("appeal").and_then(|v| v.parse::<Id>().ok()) {
        let rec = state.store.appeal(&s.actor, id).await.map_err(fail(lang))?;
        let a = &rec.appeal;
        page.title = summary(a.title.as_deref(), &a.content);
        page.place = a.location.clone().unwrap_or_default();
        page.lead_code = a.tracking_code.clone();
    }
    render(lang, &page)
}

/// The typed codes (several `codes` fields, or one per line) as appeals in scope; each
/// one not found named on its field.
async fn grouping(
    state: &AppState,
    s: &Session,
    f: &FormData,
) -> Result<Result<NewProblem, FieldErrors>, AppError> {
    let mut errors = FieldErrors::new(s.lang);
    let lead = match app::appeal_by_code(
        state,
        &s.actor,
        "lead_code",
        f.get("lead_code").unwrap_or(""),
    )
    .await
    {
        Ok(id) => Some(id),
        Err(AppError::Invalid(e)) => {
            e.iter().for_each(|e| errors.push_error(e));
            None
        }
        Err(e) => return Err(e),
    };
    let typed: Vec<String> = f
        .all("codes")
        .iter()
        .flat_map(|v| {
            v.lines()
                .map(str::trim)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|c| !c.is_empty())
        .collect();
    let mut ids = Vec::new();
    for code in typed {
        match app::appeal_by_code(state, &s.actor, "codes", &code).await {
            Ok(id) => ids.push(id),
            Err(AppError::Invalid(e)) if errors.get("codes").is_empty() => {
                e.iter().for_each(|e| errors.push_error(e));
            }
            Err(AppError::Invalid(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let title = f.get("title").unwrap_or("").to_string();
    let mut faults = Vec::new();
    check_title(&title, &mut faults);
    faults.iter().for_each(|e| errors.push_error(e));
    Ok(match lead {
        Some(lead_appeal_id) if !errors.any() => Ok(NewProblem {
            title,
            place: f.get("place").map(str::to_string),
            lead_appeal_id,
            appeal_ids: ids,
        }),
        _ => Err(errors),
    })
}

/// `POST /problems`: group the appeals the form names (归并为一个问题).
pub(crate) async fn create(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let f = post.form;
    let lang = s.lang;
    let cmd = grouping(&state, &s, &f).await.map_err(fail(lang))?;
    let save = async |cmd| app::create(&state, &s.actor, cmd).await;
    let done = |v: ProblemView| {
        let p = &v.record.problem;
        (
            format!("/problems/{}", p.id),
            Flash::new("flash.problem_create").detail(p.title.clone()),
        )
    };
    // The codes as typed, one a line (from the appeal page's boxes or this page's field).
    let typed = f.all("codes").join("\n");
    let again = async |posted| -> Result<NewPage, UiError> {
        Ok(NewPage {
            c: s.chrome("problems"),
            posted,
            title: String::new(),
            place: String::new(),
            lead_code: String::new(),
            codes: typed,
        })
    };
    answer(
        (&state, lang),
        ("problem".to_string(), f.clone(), RENAMES),
        (cmd, save),
        done,
        again,
    )
    .await
}

#[cfg(test)]
mod tests;
