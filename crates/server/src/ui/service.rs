//! 在职党员报到: who serves the user's communities and how much — the period's hours per
//! member and per post, the registrations, the posts — and the forms that add a post,
//! register a member and log hours. The same shared functions as the JSON API
//! (`routes::service`) make every decision.

use askama::Template;
use axum::extract::State;
use chrono::NaiveDate;
use suqiu_core::access::Capability;
use suqiu_core::calendar::shanghai_date;
use suqiu_core::org::{in_subtree, OrgKind};
use suqiu_core::person::PartyCategory;
use suqiu_core::service::{hours_text, SUGGESTED_POSTS};
use suqiu_core::Id;
use suqiu_store::people::PeopleFilter;

use super::page_node;
use super::view::{Choice, Chrome};
use super::{fail, render, see_other, FormData, PageResult, PostForm, Session, UiError};
use crate::extract::Params;
use crate::problem::Problem;
use crate::routes::service::{
    add_post_as, log_hours_as, period, register_as, this_month, HoursIn, PostIn, RegistrationIn,
};
use crate::state::AppState;

/// Most people offered in the registration form's list.
const PEOPLE_CHOICES: i64 = 500;

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
    members_choices: Vec<Choice>,
    post_choices: Vec<Choice>,
    registration_choices: Vec<Choice>,
    suggested: Vec<&'static str>,
    today: String,
    error: String,
}

async fn service_page(
    state: &AppState,
    s: &Session,
    org_unit_id: Id,
    (from, to): (NaiveDate, NaiveDate),
    error: String,
) -> Result<ServicePage, UiError> {
    if !s.may(Capability::ReadCare) {
        return Err(UiError::Forbidden(format!(
            "角色「{}」不能查看在职党员服务",
            s.actor.role.label_zh()
        )));
    }
    let summary = state
        .store
        .service_summary(&s.actor, org_unit_id, from, to)
        .await?;
    let regs = state
        .store
        .service_registrations(&s.actor, org_unit_id)
        .await?;
    let posts = state.store.service_posts(&s.actor, org_unit_id).await?;
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
    let members_choices = if may_manage {
        let filter = PeopleFilter {
            org_unit_id: Some(unit.id),
            page: 1,
            per_page: PEOPLE_CHOICES,
            ..PeopleFilter::default()
        };
        state
            .store
            .list_people(&s.actor, &filter)
            .await?
            .items
            .iter()
            .filter(|p| p.party.as_ref().map(|x| x.category) == Some(PartyCategory::InService))
            .map(|p| Choice::new(p.id.to_string(), p.name.clone(), ""))
            .collect()
    } else {
        Vec::new()
    };
    let today = shanghai_date(state.now());
    Ok(ServicePage {
        c: s.chrome("service"),
        org_unit_id: unit.id,
        unit_name: unit.name.clone(),
        from: from.to_string(),
        to: to.to_string(),
        total: hours_text(summary.total_tenths),
        members: summary
            .members
            .iter()
            .map(|m| Line {
                name: m.person.name.clone(),
                unit: m.org_unit_name.clone(),
                hours: hours_text(m.tenths),
                count: m.entries,
            })
            .collect(),
        posts_hours: summary
            .posts
            .iter()
            .map(|p| Line {
                name: p.post.name.clone(),
                unit: p.org_unit_name.clone(),
                hours: hours_text(p.tenths),
                count: p.members,
            })
            .collect(),
        registrations: regs
            .iter()
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
            .collect(),
        posts: posts
            .iter()
            .map(|p| format!("{} · {}", p.name, p.org_unit_name))
            .collect(),
        may_manage,
        communities,
        members_choices,
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
    })
}

/// The service page of `org_unit` (default: the user's node) for `from`–`to` (default: this
/// month).
pub(crate) async fn page(State(state): State<AppState>, s: Session, params: Params) -> PageResult {
    let lang = s.lang;
    let org_unit_id = page_node(&state, &s, &params).await?.id;
    let mut errors = Vec::new();
    let mut range = period(&params, shanghai_date(state.now()), &mut errors);
    let error = match errors.first() {
        Some(e) => {
            range = this_month(shanghai_date(state.now()));
            e.message.clone()
        }
        None => String::new(),
    };
    let p = service_page(&state, &s, org_unit_id, range, error)
        .await
        .map_err(fail(lang))?;
    render(lang, &p)
}

/// The page again with what went wrong, and the status of the refusal (422, 409, 403).
async fn refused(state: &AppState, s: &Session, p: Problem) -> PageResult {
    if !matches!(p.status, 403 | 409 | 422) {
        return Err(UiError::from(p).page(s.lang));
    }
    let mut message = p.detail.clone();
    if let Some(e) = p.errors.first() {
        message = e.message.clone();
    }
    let range = this_month(shanghai_date(state.now()));
    let page = service_page(state, s, s.actor.org_unit_id, range, message)
        .await
        .map_err(fail(s.lang))?;
    let mut res = render(s.lang, &page)?;
    *res.status_mut() = p.status();
    Ok(res)
}

fn required_id(form: &FormData, key: &str) -> Result<Id, Problem> {
    form.id(key)
        .map_err(|field| Problem::field(field, "请选择或填写有效的编号"))?
        .ok_or_else(|| Problem::field(key, "请选择"))
}

fn date_of(form: &FormData, key: &str) -> Result<Option<NaiveDate>, Problem> {
    form.get(key)
        .map(|v| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| Problem::field(key, "日期格式应为 YYYY-MM-DD"))
        })
        .transpose()
}

async fn done(state: &AppState, s: &Session, r: Result<(), Problem>) -> PageResult {
    match r {
        Ok(()) => Ok(see_other("/service")),
        Err(p) => refused(state, s, p).await,
    }
}

pub(crate) async fn add_post(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let r = async {
        let body = PostIn {
            org_unit_id: required_id(&post.form, "org_unit_id")?,
            name: post.form.get("name").unwrap_or("").to_string(),
        };
        add_post_as(&state, &s.actor, body).await.map(|_| ())
    }
    .await;
    done(&state, &s, r).await
}

pub(crate) async fn register(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let r = async {
        let post_ids = post
            .form
            .all("post_ids")
            .iter()
            .map(|v| {
                v.trim()
                    .parse::<Id>()
                    .map_err(|_| Problem::field("post_ids", "请选择服务岗位"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let body = RegistrationIn {
            person_id: required_id(&post.form, "person_id")?,
            org_unit_id: required_id(&post.form, "org_unit_id")?,
            registered_on: date_of(&post.form, "registered_on")?,
            post_ids,
        };
        register_as(&state, &s.actor, body).await.map(|_| ())
    }
    .await;
    done(&state, &s, r).await
}

pub(crate) async fn log_hours(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let r = async {
        let hours = post
            .form
            .get("hours")
            .and_then(|v| v.parse::<f64>().ok())
            .ok_or_else(|| Problem::field("hours", "请填写服务时长（小时）"))?;
        let body = HoursIn {
            registration_id: required_id(&post.form, "registration_id")?,
            post_id: required_id(&post.form, "post_id")?,
            served_on: date_of(&post.form, "served_on")?
                .ok_or_else(|| Problem::field("served_on", "请填写服务日期"))?,
            hours,
            note: post.form.get("note").unwrap_or("").to_string(),
        };
        log_hours_as(&state, &s.actor, body).await.map(|_| ())
    }
    .await;
    done(&state, &s, r).await
}

/// `GET /service.xlsx?org_unit=&from=&to=`: the period's hours by member and by post, and
/// the registrations (staff who keep the register).
pub(crate) async fn export(
    State(state): State<AppState>,
    s: Session,
    params: Params,
) -> PageResult {
    let lang = s.lang;
    if !s.may(Capability::ManageCare) {
        return Err(UiError::Forbidden(lang.t("care.forbidden").into()).page(lang));
    }
    let org_unit_id = page_node(&state, &s, &params).await?.id;
    let mut errors = Vec::new();
    let (from, to) = period(&params, shanghai_date(state.now()), &mut errors);
    if let Some(e) = errors.first() {
        return Err(UiError::BadRequest(e.message.clone()).page(lang));
    }
    let summary = state
        .store
        .service_summary(&s.actor, org_unit_id, from, to)
        .await
        .map_err(fail(lang))?;
    let regs = state
        .store
        .service_registrations(&s.actor, org_unit_id)
        .await
        .map_err(fail(lang))?;
    let bytes = crate::care_xlsx::service(&summary, &regs, state.now()).map_err(|e| {
        tracing::error!(error = %e, "service export failed");
        UiError::Internal.page(lang)
    })?;
    Ok(crate::xlsx::download(
        bytes,
        &format!("service-{from}-{to}.xlsx"),
    ))
}
