//! 在职党员报到: who serves the user's communities and how much — the period's hours per
//! member and per post, the registrations, the posts — and the forms that add a post,
//! register a member and log hours. The same use cases as the JSON API (`app::service`)
//! make every decision: this module parses forms, calls them and renders.

use askama::Template;
use axum::extract::State;
use chrono::NaiveDate;
use suqiu_core::access::Capability;
use suqiu_core::calendar::shanghai_date;
use suqiu_core::error::Msg;
use suqiu_core::org::{in_subtree, OrgKind};
use suqiu_core::service::{check_post_name, hours_tenths, hours_text, SUGGESTED_POSTS};
use suqiu_core::Id;
use suqiu_store::people_search::Among;
use suqiu_store::service::{Registration, ServiceSummary};

use super::download;
use super::i18n::Lang;
use super::page_node;
use super::pick::{person_pick, read_picked, PersonPick};
use super::posted::{answer, Posted};
use super::view::{Choice, Chrome, FieldErrors};
use super::{asked, fail, render, Flash, FormData, PageResult, PostForm, Session, UiError};
use crate::app::service::{self as uc, HoursInput, RegistrationInput};
use crate::app::this_month;
use crate::extract::Params;
use crate::problem::Problem;
use crate::state::AppState;

struct Line {
    name: String,
    unit: String,
    hours: String,
    count: i64,
}

struct RegRow {
    name: String,
    unit: String,
    since: String,
    posts: String,
    hours: String,
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage {
    c: Chrome,
    org_unit_id: Id,
    unit_name: String,
    from: String,
    to: String,
    total: String,
    members: Vec<Line>,
    posts_hours: Vec<Line>,
    registrations: Vec<RegRow>,
    posts: Vec<String>,
    may_manage: bool,
    communities: Vec<Choice>,
    /// In-service party members to register (a search on a large register).
    to_register: PersonPick,
    post_choices: Vec<Choice>,
    registration_choices: Vec<Choice>,
    suggested: Vec<&'static str>,
    today: String,
    /// What the period filter could not read ("" when fine).
    error: String,
    /// The form that was refused, as typed, with what to fix.
    posted: Posted,
}

/// The period's hours by member.
fn member_lines(summary: &ServiceSummary) -> Vec<Line> {
    summary
        .members
        .iter()
        .map(|m| Line {
            name: m.person.name.clone(),
            unit: m.org_unit_name.clone(),
            hours: hours_text(m.tenths),
            count: m.entries,
        })
        .collect()
}

/// The period's hours by post.
fn post_lines(summary: &ServiceSummary) -> Vec<Line> {
    summary
        .posts
        .iter()
        .map(|p| Line {
            name: p.post.name.clone(),
            unit: p.org_unit_name.clone(),
            hours: hours_text(p.tenths),
            count: p.members,
        })
        .collect()
}

fn registration_rows(regs: &[Registration]) -> Vec<RegRow> {
    regs.iter()
        .map(|r| RegRow {
            name: r.person.name.clone(),
            unit: r.org_unit_name.clone(),
            since: r.registered_on.to_string(),
            posts: r
                .posts
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            hours: hours_text(r.total_tenths),
        })
        .collect()
}

async fn service_page(
    state: &AppState,
    s: &Session,
    org_unit_id: Id,
    (from, to): (NaiveDate, NaiveDate),
    (error, posted): (String, Posted),
) -> Result<ServicePage, UiError> {
    let uc::Overview {
        summary,
        registrations: regs,
        posts,
    } = uc::overview(state, &s.actor, org_unit_id, (from, to)).await?;
    let may_manage = s.may(Capability::ManageCare);
    let unit = &summary.unit;
    let communities = state
        .store
        .org_units()
        .await?
        .iter()
        .filter(|u| u.kind == OrgKind::Community && in_subtree(&unit.path, &u.path))
        .map(|u| Choice::new(u.id.to_string(), u.name.clone(), ""))
        .collect();
    let to_register = if may_manage {
        person_pick(state, &s.actor, (Some(unit.id), Among::InServiceParty)).await?
    } else {
        PersonPick::default()
    };
    let today = shanghai_date(state.now());
    Ok(ServicePage {
        c: s.chrome("service"),
        org_unit_id: unit.id,
        unit_name: unit.name.clone(),
        from: from.to_string(),
        to: to.to_string(),
        total: hours_text(summary.total_tenths),
        members: member_lines(&summary),
        posts_hours: post_lines(&summary),
        registrations: registration_rows(&regs),
        posts: posts
            .iter()
            .map(|p| format!("{} · {}", p.name, p.org_unit_name))
            .collect(),
        may_manage,
        communities,
        to_register,
        post_choices: posts
            .iter()
            .map(|p| {
                Choice::new(
                    p.id.to_string(),
                    format!("{} · {}", p.name, p.org_unit_name),
                    "",
                )
            })
            .collect(),
        registration_choices: regs
            .iter()
            .map(|r| {
                Choice::new(
                    r.id.to_string(),
                    format!("{} · {}", r.person.name, r.org_unit_name),
                    "",
                )
            })
            .collect(),
        suggested: SUGGESTED_POSTS.to_vec(),
        today: today.to_string(),
        error,
        posted,
    })
}

/// The service page of `org_unit` (default: the user's node) for `from`–`to` (default: this
/// month).
pub(crate) async fn page(State(state): State<AppState>, s: Session, params: Params) -> PageResult {
    let lang = s.lang;
    let org_unit_id = page_node(&state, &s, &params).await?.id;
    let mut errors = Vec::new();
    let mut range = params.period(shanghai_date(state.now()), &mut errors);
    let error = match errors.first() {
        Some(e) => {
            range = this_month(shanghai_date(state.now()));
            e.text(s.lang == Lang::En).to_string()
        }
        None => String::new(),
    };
    let p = service_page(&state, &s, org_unit_id, range, (error, Posted::none()))
        .await
        .map_err(fail(lang))?;
    render(lang, &p)
}

/// A chosen id, or `missing` beside the field.
fn chosen(form: &FormData, key: &str, missing: &Msg, errors: &mut FieldErrors) -> Option<Id> {
    let id = form.id(key).ok().flatten();
    if id.is_none() {
        errors.push(key, missing);
    }
    id
}

/// A date field (blank is none), or an error beside it.
fn date_of(form: &FormData, key: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    let v = form.get(key)?;
    let day = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok();
    if day.is_none() {
        errors.push(key, &DATE_EXAMPLE);
    }
    day
}

/// Saves what `save` makes of form `form` (every error of the form at once): back to the
/// page with the flash it says, or the page again as typed ([`answer`]).
async fn submit<B, T, R: Into<Problem>>(
    state: &AppState,
    s: &Session,
    (form, f): (&str, FormData),
    body: Result<B, FieldErrors>,
    save: impl AsyncFnOnce(B) -> Result<T, R>,
    flash: impl FnOnce(&T) -> Flash,
) -> PageResult {
    let done = |it: T| ("/service".to_string(), flash(&it));
    let again = async |posted| {
        let range = this_month(shanghai_date(state.now()));
        let unit = s.actor.org_unit_id;
        service_page(state, s, unit, range, (String::new(), posted)).await
    };
    let form = (form.to_string(), f, &[][..]);
    answer((state, s.lang), form, (body, save), done, again).await
}

fn post_of(f: &FormData, lang: Lang) -> Result<(Id, String), FieldErrors> {
    let mut errors = FieldErrors::new(lang);
    let org_unit_id = chosen(f, "org_unit_id", &COMMUNITY_PICK, &mut errors);
    let name = f.get("name").unwrap_or("").to_string();
    if let Err(e) = check_post_name(&name) {
        errors.push_error(&e);
    }
    match org_unit_id {
        Some(org_unit_id) if !errors.any() => Ok((org_unit_id, name)),
        _ => Err(errors),
    }
}

pub(crate) async fn add_post(State(state): State<AppState>, post: PostForm) -> PageResult {
    let (s, f) = (post.session, post.form);
    let body = post_of(&f, s.lang);
    let save = async |(unit, name): (Id, String)| uc::add_post(&state, &s.actor, unit, &name).await;
    let flash = |p: &suqiu_store::service::Post| {
        Flash::new("flash.post_added").detail(format!("{} · {}", p.name, p.org_unit_name))
    };
    submit(&state, &s, ("post", f.clone()), body, save, flash).await
}

fn registration_of(f: &FormData, lang: Lang) -> Result<RegistrationInput, FieldErrors> {
    let mut errors = FieldErrors::new(lang);
    let person_id = chosen(f, "person_id", &MEMBER_PICK, &mut errors);
    let org_unit_id = chosen(f, "org_unit_id", &REGISTRATION_COMMUNITY_PICK, &mut errors);
    let registered_on = date_of(f, "registered_on", &mut errors);
    let post_ids: Vec<Id> = f
        .all("post_ids")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    match (person_id, org_unit_id) {
        (Some(person_id), Some(org_unit_id)) if !errors.any() => Ok(RegistrationInput {
            person_id,
            org_unit_id,
            registered_on,
            post_ids,
        }),
        _ => Err(errors),
    }
}

pub(crate) async fn register(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    // A member typed without script: found among the in-service party members in scope.
    let from = (None, Among::InServiceParty);
    let (f, body) = read_picked(&state, &s.actor, (post.form, "person_id"), from, |f| {
        registration_of(f, s.lang)
    })
    .await
    .map_err(fail(s.lang))?;
    let save = async |b| uc::register(&state, &s.actor, b).await;
    let flash = |r: &suqiu_store::service::Registration| {
        Flash::new("flash.service_registered")
            .detail(format!("{} · {}", r.person.name, r.org_unit_name))
            .next(&format!("/people/{}", r.person.id), "flash.to_member")
    };
    submit(&state, &s, ("registration", f.clone()), body, save, flash).await
}

fn hours_of(f: &FormData, lang: Lang) -> Result<HoursInput, FieldErrors> {
    let mut errors = FieldErrors::new(lang);
    let registration_id = chosen(f, "registration_id", &REGISTRATION_PICK, &mut errors);
    let post_id = chosen(f, "post_id", &POST_PICK, &mut errors);
    let served_on = date_of(f, "served_on", &mut errors);
    if f.get("served_on").is_none() {
        errors.push("served_on", &SERVED_ON_EMPTY);
    }
    let hours = match f.get("hours").map(|v| v.parse::<f64>()) {
        None => {
            errors.push("hours", &HOURS_EMPTY);
            None
        }
        Some(Err(_)) => {
            errors.push("hours", &HOURS_SHAPE);
            None
        }
        // The range is core's rule (the API's too).
        Some(Ok(h)) => match hours_tenths(h) {
            Ok(_) => Some(h),
            Err(e) => {
                errors.push_error(&e);
                None
            }
        },
    };
    match (registration_id, post_id, served_on, hours) {
        (Some(registration_id), Some(post_id), Some(served_on), Some(hours)) if !errors.any() => {
            Ok(HoursInput {
                registration_id,
                post_id,
                served_on,
                hours,
                note: f.get("note").unwrap_or("").to_string(),
            })
        }
        _ => Err(errors),
    }
}

pub(crate) async fn log_hours(State(state): State<AppState>, post: PostForm) -> PageResult {
    let (s, f) = (post.session, post.form);
    let body = hours_of(&f, s.lang);
    let save = async |b| uc::log_hours(&state, &s.actor, b).await;
    let flash = |h: &suqiu_store::service::HoursEntry| {
        Flash::new("flash.hours_logged").detail(format!(
            "{} · {} · {}",
            h.person.name,
            h.post.name,
            hours_text(h.hours_tenths)
        ))
    };
    submit(&state, &s, ("hours", f.clone()), body, save, flash).await
}

/// `GET /service.xlsx?org_unit=&from=&to=`: the period's hours by member and by post, and
/// the registrations (staff who keep the register).
pub(crate) async fn export(
    State(state): State<AppState>,
    s: Session,
    params: Params,
) -> PageResult {
    let lang = s.lang;
    let org_unit_id = page_node(&state, &s, &params).await?.id;
    let (from, to) = asked(lang, |errors| {
        params.period(shanghai_date(state.now()), errors)
    })?;
    let o = uc::export(&state, &s.actor, org_unit_id, (from, to))
        .await
        .map_err(fail(lang))?;
    let built = crate::care_xlsx::service(&o.summary, &o.registrations, state.now());
    download::workbook(lang, "service", built, &format!("service-{from}-{to}.xlsx"))
}

// The messages of this module's rules (a code, the Chinese and the English).
const COMMUNITY_PICK: suqiu_core::error::Msg =
    suqiu_core::error::Msg::new("community_pick", "请选择社区", "Choose the community");
const DATE_EXAMPLE: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "date_example",
    "应为日期，如 2026-12-04",
    "A date, e.g. 2026-12-04",
);
const HOURS_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "hours_empty",
    "请填写服务时长（小时），如 2 或 1.5",
    "Enter the hours, e.g. 2 or 1.5",
);
const HOURS_SHAPE: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "hours_shape",
    "服务时长应为数字（小时），如 2 或 1.5",
    "Hours are a number, e.g. 2 or 1.5",
);
const MEMBER_PICK: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "member_pick",
    "请从列表中选择报到的党员",
    "Choose the party member from the list",
);
const POST_PICK: suqiu_core::error::Msg =
    suqiu_core::error::Msg::new("post_pick", "请选择服务岗位", "Choose the service post");
const REGISTRATION_COMMUNITY_PICK: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "registration_community_pick",
    "请选择报到的社区",
    "Choose the community to register at",
);
const REGISTRATION_PICK: suqiu_core::error::Msg =
    suqiu_core::error::Msg::new("registration_pick", "请选择党员", "Choose the party member");
const SERVED_ON_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "served_on_empty",
    "请填写服务日期",
    "Enter the service date",
);
