//! 关爱名册: the care register of a station (filterable by tag), who is due or overdue a
//! visit, the month's coverage, the station's visit rules; the visit log form (走访登记)
//! with its one-step appeal. The register and the period's visits as Excel workbooks are
//! in [`export`]. Every write and read goes through `app::care`.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use suqiu_core::access::Capability;
use suqiu_core::appeal::{Kind, Urgency};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::care::{Cadence, CareLevel, DueStatus, VisitRule};
use suqiu_core::error::FieldError;
use suqiu_core::lifecycle::Matter;
use suqiu_core::person::CareTag;
use suqiu_core::Id;
use suqiu_store::care::RegisterFilter;
use suqiu_store::visits::DueFor;

use super::appeals::{category_groups, CategoryGroup};
use super::i18n::{self, Lang};
use super::posted::{render_with, Posted, WHOLE_FORM};
use super::view::{percent, person_label, vocabulary_choices, when, Choice, Chrome, FieldErrors};
use super::{asked, fail, saved, Flash, FormData, PageResult, PostForm, Session, UiError};
use crate::app::care::visits::{self as visits, RaiseInput, VisitInput};
use crate::app::care::{self as uc, teams};
use crate::extract::Params;
use crate::problem::Problem;
use crate::state::AppState;

mod export;

pub(crate) use export::{export_register, export_visits};

/// People per page of the register, and due visits the page lists (a page stays light on a
/// slow line even for a whole street or district).
const REGISTER_PAGE: i64 = 50;
const DUE_SHOWN: usize = 50;

/// One person on the register, as the page shows them.
struct RegisterRow {
    id: Id,
    name: String,
    address: String,
    tags: String,
    level: String,
    last_visit: String,
    next: String,
    overdue: bool,
}

/// One person due a visit.
struct DueRow {
    id: Id,
    name: String,
    address: String,
    rule: String,
    due_on: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "care.html")]
struct CarePage {
    c: Chrome,
    tags: Vec<Choice>,
    rows: Vec<RegisterRow>,
    total: i64,
    page: i64,
    pages: i64,
    due: Vec<DueRow>,
    /// Due or overdue people past the ones shown.
    due_more: usize,
    /// Whose due list: everyone, mine, or a team's.
    due_choices: Vec<Choice>,
    /// The station's visit rules (form for those who keep the register).
    rules: Vec<RuleRow>,
    holiday_rules: Vec<String>,
    may_manage: bool,
    /// The rules form as typed when saving it was refused.
    posted: Posted,
    on_time: String,
    visited: String,
    people_counted: i64,
    overdue: i64,
    from: String,
    to: String,
    may_visit: bool,
    /// The tag filter's code, for the export link.
    current_tag: String,
}

/// Tags as `app::care` shows them to the reader, in the page's language.
fn tag_labels(s: &Session, tags: &[CareTag]) -> String {
    tags.iter()
        .map(|t| s.lang.label(t.code(), t.label_zh()))
        .collect::<Vec<_>>()
        .join("、")
}

/// `GET /care?tag=`: the station's register, due visits and this month's coverage.
pub(crate) async fn page(State(state): State<AppState>, s: Session, params: Params) -> PageResult {
    care_page(&state, &s, &params, Posted::none()).await
}

/// The rows of the register as the page shows them.
fn register_rows(s: &Session, items: &[suqiu_store::care::CareEntry]) -> Vec<RegisterRow> {
    let lang = s.lang;
    let day = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.to_string())
            .unwrap_or_else(|| lang.t("care.never").into())
    };
    items
        .iter()
        .map(|e| RegisterRow {
            id: e.person_id,
            name: e.name.clone(),
            address: e.address.clone().unwrap_or_default(),
            tags: tag_labels(s, &e.tags),
            level: e
                .level
                .map(|l| lang.label(l.code(), l.label_zh()).to_string())
                .unwrap_or_default(),
            last_visit: e
                .last_visit
                .map(when)
                .unwrap_or_else(|| lang.t("care.never").into()),
            next: e
                .next
                .map(|n| {
                    format!(
                        "{} · {}",
                        lang.label(n.status.code(), n.status.label_zh()),
                        day(n.due_on)
                    )
                })
                .unwrap_or_default(),
            overdue: e.next.is_some_and(|n| n.status == DueStatus::Overdue),
        })
        .collect()
}

/// Who is due a visit (the most pressing first, at most `DUE_SHOWN`, and how many more),
/// and the choices of whose list: everyone's (default), the user's own people (`for=me`:
/// pairings and team blocks), or one team's households (`for=team-ID`).
async fn due_section(
    state: &AppState,
    s: &Session,
    params: &Params,
    node: Id,
) -> Result<(Vec<DueRow>, usize, Vec<Choice>), super::Failed> {
    let lang = s.lang;
    let day = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.to_string())
            .unwrap_or_else(|| lang.t("care.never").into())
    };
    let due_for_param = params.str("for").unwrap_or("").to_string();
    let due_for = match due_for_param.as_str() {
        "me" => DueFor::Worker(s.actor.user_id),
        other => match other
            .strip_prefix("team-")
            .and_then(|t| t.parse::<Id>().ok())
        {
            Some(team) => DueFor::Team(team),
            None => DueFor::Everyone,
        },
    };
    let due = uc::due(state, &s.actor, Some(node), due_for)
        .await
        .map_err(fail(lang))?
        .items;
    let mut due_choices = vec![
        Choice::new("", lang.t("care.due_everyone"), &due_for_param),
        Choice::new("me", lang.t("care.due_mine"), &due_for_param),
    ];
    for t in teams::under(state, &s.actor, Some(node))
        .await
        .map_err(fail(lang))?
    {
        due_choices.push(Choice::new(
            format!("team-{}", t.team.id),
            t.team.name.clone(),
            &due_for_param,
        ));
    }
    // The most pressing first; a district-wide list would be thousands long (the API and the
    // register's pages have them all).
    let due_more = due.len().saturating_sub(DUE_SHOWN);
    let due = due
        .iter()
        .take(DUE_SHOWN)
        .map(|d| DueRow {
            id: d.person_id,
            name: d.name.clone(),
            address: d.address.clone().unwrap_or_default(),
            rule: lang.visit_rule(&d.next.rule),
            due_on: day(d.next.due_on),
            overdue: d.next.status == DueStatus::Overdue,
        })
        .collect();
    Ok((due, due_more, due_choices))
}

/// The care page; `posted` is the rules form when saving it was refused (422).
async fn care_page(state: &AppState, s: &Session, params: &Params, posted: Posted) -> PageResult {
    let lang = s.lang;
    let (mut filter, (from, to)) = care_asked(s, |errors| {
        (
            register_filter(s, params, errors),
            params.period(shanghai_date(state.now()), errors),
        )
    })?;
    filter.per_page = REGISTER_PAGE;
    let register = uc::register(state, &s.actor, &filter, None)
        .await
        .map_err(fail(lang))?;
    let (due, due_more, due_choices) = due_section(state, s, params, filter.org_unit_id).await?;
    let cov = uc::coverage(state, &s.actor, Some(filter.org_unit_id), (from, to))
        .await
        .map_err(fail(lang))?;
    let rows = register_rows(s, &register.items);
    let current_tag = filter.tag.map(|t| t.code()).unwrap_or("");
    let (rules, holiday_rules) = rule_rows(state, s).await.map_err(fail(lang))?;
    let status = posted.status();
    render_with(
        lang,
        &CarePage {
            c: s.chrome("care"),
            tags: vocabulary_choices(
                lang,
                CareTag::ALL,
                CareTag::code,
                CareTag::label_zh,
                current_tag,
            ),
            rows,
            total: register.total,
            page: register.page,
            pages: ((register.total + REGISTER_PAGE - 1) / REGISTER_PAGE).max(1),
            due,
            due_more,
            due_choices,
            rules,
            holiday_rules,
            may_manage: s.may(Capability::ManageCare),
            posted,
            on_time: percent(cov.on_time.rate),
            visited: percent(cov.visited.rate),
            people_counted: cov.on_time.total,
            overdue: cov.overdue,
            from: from.to_string(),
            to: to.to_string(),
            may_visit: s.may(Capability::LogVisit),
            current_tag: current_tag.to_string(),
        },
        status,
    )
}

#[derive(Template)]
#[template(path = "visit.html")]
struct VisitPage {
    c: Chrome,
    person_id: Id,
    person_name: String,
    may_raise: bool,
    kinds: Vec<Choice>,
    urgencies: Vec<Choice>,
    categories: Vec<CategoryGroup>,
    /// The form as typed when saving it was refused.
    posted: Posted,
}

async fn visit_page(
    state: &AppState,
    s: &Session,
    person_id: Id,
    posted: Posted,
    status: StatusCode,
) -> PageResult {
    let lang = s.lang;
    let person = state
        .store
        .person(&s.actor, person_id)
        .await
        .map_err(fail(lang))?
        .ok_or_else(|| UiError::NotFound.page(lang))?;
    let category = posted.form("visit").value("raise_appeal.category");
    let page = VisitPage {
        c: s.chrome("care"),
        person_id: person.id,
        person_name: person_label(&person),
        may_raise: s.may(Capability::Intake),
        kinds: vocabulary_choices(lang, Kind::ALL, Kind::code, Kind::label_zh, ""),
        urgencies: vocabulary_choices(lang, Urgency::ALL, Urgency::code, Urgency::label_zh, ""),
        categories: category_groups(state, lang, &category)
            .await
            .map_err(fail(lang))?,
        posted,
    };
    render_with(lang, &page, status)
}

/// `GET /visits/new?person=ID`: the visit log form.
pub(crate) async fn form(State(state): State<AppState>, s: Session, params: Params) -> PageResult {
    let lang = s.lang;
    forbid_unless(&s, s.may(Capability::LogVisit))?;
    let mut errors = Vec::new();
    let Some(person) = params.id("person", &mut errors) else {
        return Err(UiError::NotFound.page(lang));
    };
    visit_page(&state, &s, person, Posted::none(), StatusCode::OK).await
}

/// The visit form as a visit (with its appeal, when asked), the form's own errors at once.
fn visit_of(
    f: &FormData,
    person_id: Id,
    lang: super::i18n::Lang,
) -> Result<VisitInput, FieldErrors> {
    let mut errors = FieldErrors::new(lang);
    let raise_appeal = if f.checked("raise") {
        let kind = f.get("raise_appeal.kind").and_then(Kind::parse);
        if kind.is_none() {
            errors.push_text("raise_appeal.kind", lang.t("care.pick_kind"));
        }
        kind.map(|kind| RaiseInput {
            appellant_id: None,
            appellant: None,
            anonymous: None,
            org_unit_id: None,
            channel: None,
            matter: Matter {
                kind,
                category: f.get("raise_appeal.category").unwrap_or("").to_string(),
                urgency: f.get("raise_appeal.urgency").and_then(Urgency::parse),
                title: None,
                content: f.raw("raise_appeal.content"),
                location: None,
                public_consent: false,
            },
        })
    } else {
        None
    };
    if errors.any() {
        return Err(errors);
    }
    Ok(VisitInput {
        person_id,
        visited_at: None,
        note: f.raw("note"),
        follow_up: Some(f.raw("follow_up")),
        raise: raise_appeal,
    })
}

/// `POST /visits/new`: logs the visit (and raises the appeal, when asked) through the same
/// use case as `POST /api/v1/visits`; then the appeal's page, or back to the person.
pub(crate) async fn submit(
    State(state): State<AppState>,
    PostForm {
        session: s,
        form: f,
    }: PostForm,
) -> PageResult {
    let lang = s.lang;
    let person_id = match f.id("person_id") {
        Ok(Some(id)) => id,
        _ => return Err(UiError::NotFound.page(lang)),
    };
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let body = match visit_of(&f, person_id, lang) {
        Ok(body) => body,
        Err(errors) => {
            let posted = Posted::refused("visit", f, errors);
            return visit_page(&state, &s, person_id, posted, unprocessable).await;
        }
    };
    match visits::log(&state, &s.actor, body)
        .await
        .map_err(Problem::from)
    {
        Ok(logged) => Ok(match logged.visit.appeal_id {
            Some(id) => {
                let flash = Flash::new("flash.visit_appeal").next("/care", "nav.care_register");
                saved(&state, &format!("/appeals/{id}"), flash)
            }
            None => {
                let flash = Flash::new("flash.visit_logged")
                    .next(&format!("/people/{person_id}"), "flash.to_visited");
                saved(&state, "/care", flash)
            }
        }),
        Err(p) if p.status == 422 => {
            let posted = Posted::refused("visit", f, FieldErrors::of_problem(&p, &[], lang));
            visit_page(&state, &s, person_id, posted, unprocessable).await
        }
        Err(p) => Err(UiError::from(p).page(lang)),
    }
}

/// The care pages' guard: a role that has none of their work sees a status page saying so.
pub(super) fn forbid_unless(s: &Session, allowed: bool) -> Result<(), super::Failed> {
    if allowed {
        Ok(())
    } else {
        Err(UiError::Forbidden(i18n::reason("care.forbidden")).page(s.lang))
    }
}

/// What a page of the care register asks of its query ([`asked`]), for those who may read
/// the register: those who visit, keep it, or measure it.
pub(super) fn care_asked<T>(
    s: &Session,
    read: impl FnOnce(&mut Vec<FieldError>) -> T,
) -> Result<T, super::Failed> {
    let may = s.may(Capability::LogVisit)
        || s.may(Capability::ManageCare)
        || s.may(Capability::ReadMetrics);
    forbid_unless(s, may)?;
    asked(s.lang, read)
}

/// The register's filters from the query (default node: the user's).
pub(super) fn register_filter(
    s: &Session,
    params: &Params,
    errors: &mut Vec<FieldError>,
) -> RegisterFilter {
    let (page, per_page) = params.paging(errors);
    RegisterFilter {
        org_unit_id: params.id("org_unit", errors).unwrap_or(s.actor.org_unit_id),
        tag: params.code("tag", CareTag::parse, CareTag::codes(), errors),
        level: params.code("level", CareLevel::parse, CareLevel::codes(), errors),
        page,
        per_page,
    }
}

/// One tag's interval rule in the rules form: the tag, its label, the days ("" for none).
struct RuleRow {
    /// The form's field: `every.<tag>`.
    field: String,
    label: &'static str,
    days: String,
}

/// The station's interval rules by tag as the form shows them, and its holiday rules (kept
/// as they are by the form: they are set through the API).
async fn rule_rows(state: &AppState, s: &Session) -> Result<(Vec<RuleRow>, Vec<String>), UiError> {
    let set = uc::rules(state, &s.actor, None).await?;
    let rows = CareTag::ALL
        .iter()
        .map(|tag| RuleRow {
            field: format!("every.{}", tag.code()),
            label: s.lang.label(tag.code(), tag.label_zh()),
            days: set
                .rules
                .iter()
                .find_map(|r| match r.cadence {
                    Cadence::Every { days } if r.tag == *tag => Some(days.to_string()),
                    _ => None,
                })
                .unwrap_or_default(),
        })
        .collect();
    let holidays = set
        .rules
        .iter()
        .filter(|r| matches!(r.cadence, Cadence::BeforeHoliday { .. }))
        .map(|r| s.lang.visit_rule(r))
        .collect();
    Ok((rows, holidays))
}

/// `POST /care/rules`: the station's interval rules (`every.<tag>` = days, blank for none),
/// its holiday rules kept; checked by core's rules, recorded by the store. A day count that
/// is not one, or out of range, is said beside its tag and the form keeps what was typed.
pub(crate) async fn save_rules(
    State(state): State<AppState>,
    PostForm { session: s, form }: PostForm,
) -> PageResult {
    let lang = s.lang;
    let current = uc::rules(&state, &s.actor, None)
        .await
        .map_err(fail(lang))?;
    let mut rules: Vec<VisitRule> = current
        .rules
        .into_iter()
        .filter(|r| matches!(r.cadence, Cadence::BeforeHoliday { .. }))
        .collect();
    // The form's field of each rule (none for the kept holiday rules).
    let mut fields: Vec<Option<String>> = vec![None; rules.len()];
    // A rule's error names its tag first, with the page's colon.
    let about = |tag: &str, what: &str| match lang {
        Lang::Zh => format!("{tag}：{what}"),
        Lang::En => format!("{tag}: {what}"),
    };
    let mut errors = FieldErrors::new(lang);
    for tag in CareTag::ALL {
        let field = format!("every.{}", tag.code());
        let Some(text) = form.get(&field) else {
            continue;
        };
        match text.parse::<u32>() {
            Ok(days) => {
                rules.push(VisitRule {
                    tag: *tag,
                    cadence: Cadence::Every { days },
                });
                fields.push(Some(field));
            }
            Err(_) => errors.push_text(
                &field,
                about(
                    lang.label(tag.code(), tag.label_zh()),
                    lang.t("care.rules_days"),
                ),
            ),
        }
    }
    for e in uc::rule_faults(&rules) {
        // `rules[i].days` is the rule at `i`: its tag's field, or the whole form.
        let i = e.field.trim_start_matches("rules[").split(']').next();
        let rule = i.and_then(|i| i.parse::<usize>().ok());
        let field = rule.and_then(|i| fields.get(i).cloned().flatten());
        let tag = rule
            .and_then(|i| rules.get(i))
            .map(|r| lang.label(r.tag.code(), r.tag.label_zh()));
        let message = about(tag.unwrap_or_default(), e.text(lang == Lang::En));
        errors.push_text(field.as_deref().unwrap_or(WHOLE_FORM), message);
    }
    if errors.any() {
        let posted = Posted::refused("rules", form, errors);
        return care_page(&state, &s, &Params(Default::default()), posted).await;
    }
    uc::set_rules(&state, &s.actor, None, &rules)
        .await
        .map_err(fail(lang))?;
    let flash = Flash::new("flash.rules_saved").next("/care#due-h", "care.due");
    Ok(saved(&state, "/care#rules", flash))
}
