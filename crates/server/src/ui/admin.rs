//! 设置: the organization tree, departments, users and roles, categories, time limits and
//! the working-day calendar. Viewing is for administrators (district and street); the time
//! limits are edited here by the district (the same save path as the JSON API, which also
//! records the change), and the record of changes is shown.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use serde_json::Value;
use suqiu_core::access::{Actor, Capability, Role};
use suqiu_core::appeal::Kind;
use suqiu_core::calendar::shanghai_date;
use suqiu_core::org::{in_subtree, OrgKind};
use suqiu_core::password::PasswordPolicy;
use suqiu_core::policy::{Limit, Limits, TimeLimitPolicy};
use suqiu_store::changes::ConfigChange;

use super::i18n::Lang;
use super::view::{when, Choice, Chrome, FieldErrors};
use super::{fail, render, see_other, FormData, PageId, PageResult, PostForm, Session, UiError};
use crate::dto::NewUserIn;
use crate::extract::Params;
use crate::routes::account::{
    save_password_policy as save_password_policy_api, sign_out_everywhere,
};
use crate::routes::config::{load_calendar, save_time_limits};
use crate::routes::org::add_user;
use crate::state::AppState;

/// One node of the organization tree, flattened with its depth (the template indents).
struct TreeNode {
    depth: usize,
    name: String,
    kind: &'static str,
    code: String,
}

struct UserRow {
    id: i64,
    username: String,
    name: String,
    role: &'static str,
    unit: String,
    department: String,
}

struct LimitRow {
    /// `urgent` or a kind code.
    key: String,
    label: &'static str,
    respond: String,
    respond_unit: &'static str,
    resolve: String,
    resolve_unit: &'static str,
}

struct HolidayRow {
    year: String,
    name: String,
    days: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    c: Chrome,
    tree: Vec<TreeNode>,
    departments: Vec<(String, String, String)>,
    users: Vec<UserRow>,
    categories: Vec<(String, Vec<String>)>,
    /// First-level categories (a new one goes under one of them) and every category (to
    /// rename), second level indented.
    category_parents: Vec<Choice>,
    category_all: Vec<Choice>,
    category_errors: FieldErrors,
    category_saved: bool,
    category_name: String,
    limits: Vec<LimitRow>,
    may_configure: bool,
    years: String,
    /// Years whose official arrangement should be loaded by now and is not (see
    /// `WorkCalendar::missing_years`), as shown.
    missing_years: String,
    holidays: Vec<HolidayRow>,
    workdays: Vec<(String, String)>,
    changes: Vec<(String, String, String, String)>,
    errors: FieldErrors,
    saved: bool,
    /// The new-user form (for roles that manage users).
    may_manage_users: bool,
    user_form: UserDraft,
    user_errors: FieldErrors,
    user_saved: bool,
    roles: Vec<Choice>,
    nodes: Vec<Choice>,
    department_choices: Vec<Choice>,
    org_form: OrgDraft,
    org_errors: FieldErrors,
    org_saved: bool,
    /// Nodes that may take a child (not grids), and the streets and district departments
    /// attach to.
    parents: Vec<Choice>,
    dept_units: Vec<Choice>,
    calendar_text: String,
    calendar_error: String,
    calendar_saved: bool,
    /// The password rule: the district's minimum, and its form's state.
    password_min: usize,
    policy_errors: FieldErrors,
    policy_saved: bool,
    /// A user was just signed out everywhere.
    signed_out: bool,
}

/// The new-user form as typed (kept when it fails; the password never is).
#[derive(Debug, Clone, Default)]
struct UserDraft {
    username: String,
    display_name: String,
    role: String,
    org_unit_id: String,
    department_id: String,
}

fn limit_parts(l: Option<Limit>) -> (String, &'static str) {
    match l {
        Some(Limit::WorkingDays(n)) => (n.to_string(), "working_days"),
        Some(Limit::ClockHours(n)) => (n.to_string(), "clock_hours"),
        None => (String::new(), "working_days"),
    }
}

fn limit_row(lang: Lang, key: &str, label: &'static str, l: &Limits) -> LimitRow {
    let (respond, respond_unit) = limit_parts(Some(l.respond));
    let (resolve, resolve_unit) = limit_parts(l.resolve);
    LimitRow {
        key: key.to_string(),
        label: lang.label(key, label),
        respond,
        respond_unit,
        resolve,
        resolve_unit,
    }
}

fn limit_rows(lang: Lang, p: &TimeLimitPolicy) -> Vec<LimitRow> {
    let mut rows = vec![limit_row(
        lang,
        "urgent",
        suqiu_core::appeal::Urgency::Urgent.label_zh(),
        &p.urgent,
    )];
    for k in Kind::ALL {
        let limits = p
            .by_kind
            .get(k)
            .copied()
            .unwrap_or(suqiu_core::policy::default_limits(*k));
        rows.push(limit_row(lang, k.code(), k.label_zh(), &limits));
    }
    rows
}

fn require_admin(s: &Session) -> Result<(), UiError> {
    if s.may(Capability::Configure) || s.may(Capability::ManageUsers) {
        Ok(())
    } else {
        Err(UiError::Forbidden(format!(
            "角色「{}」不能查看系统设置",
            s.actor.role.label_zh()
        )))
    }
}

/// What a settings page shows besides the data: the state of its forms.
#[derive(Default)]
struct Forms {
    errors: FieldErrors,
    saved: bool,
    user_form: UserDraft,
    user_errors: FieldErrors,
    user_saved: bool,
    /// The organization forms (a node, a department): their input and errors.
    org_form: OrgDraft,
    org_errors: FieldErrors,
    org_saved: bool,
    /// The calendar form: the file as pasted (kept when it fails) and its error.
    calendar_text: String,
    calendar_error: String,
    calendar_saved: bool,
    /// The category forms: the name typed and its errors.
    category_name: String,
    category_errors: FieldErrors,
    category_saved: bool,
    policy_errors: FieldErrors,
    policy_saved: bool,
    signed_out: bool,
}

/// The new-node / new-department forms as typed.
#[derive(Debug, Clone, Default)]
struct OrgDraft {
    parent_id: String,
    name: String,
    code: String,
    dept_unit_id: String,
    dept_name: String,
    dept_code: String,
}

async fn admin_page(state: &AppState, s: &Session, forms: Forms) -> Result<AdminPage, UiError> {
    require_admin(s)?;
    let lang = s.lang;
    let actor: &Actor = &s.actor;
    let units = state.store.org_units().await?;
    let root_depth = actor.org_path.matches('/').count();
    let mut mine: Vec<_> = units
        .iter()
        .filter(|u| in_subtree(&actor.org_path, &u.path))
        .collect();
    mine.sort_by(|a, b| a.path.cmp(&b.path));
    let names: HashMap<i64, String> = units.iter().map(|u| (u.id, u.name.clone())).collect();
    let tree = mine
        .iter()
        .map(|u| TreeNode {
            depth: u.path.matches('/').count().saturating_sub(root_depth),
            name: u.name.clone(),
            kind: lang.label(u.kind.code(), u.kind.label_zh()),
            code: u.code.clone(),
        })
        .collect();
    let in_scope: HashMap<i64, bool> = units
        .iter()
        .map(|u| (u.id, in_subtree(&actor.org_path, &u.path)))
        .collect();
    let all_departments = state.store.departments().await?;
    let dept_names: HashMap<i64, String> = all_departments
        .iter()
        .map(|d| (d.id, d.name.clone()))
        .collect();
    let departments = all_departments
        .iter()
        .filter(|d| in_scope.get(&d.org_unit_id).copied().unwrap_or(false))
        .map(|d| {
            (
                d.code.clone(),
                d.name.clone(),
                names.get(&d.org_unit_id).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let users = state
        .store
        .users_in_scope(actor)
        .await?
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            username: u.username,
            name: u.display_name,
            role: lang.label(u.role.code(), u.role.label_zh()),
            unit: names.get(&u.org_unit_id).cloned().unwrap_or_default(),
            department: u
                .department_id
                .and_then(|d| dept_names.get(&d).cloned())
                .unwrap_or_default(),
        })
        .collect();
    let cats = state.store.categories().await?;
    let categories = cats
        .iter()
        .filter(|c| c.parent_code.is_none())
        .map(|c| {
            let children = cats
                .iter()
                .filter(|x| x.parent_code.as_deref() == Some(c.code.as_str()))
                .map(|x| x.name.clone())
                .collect();
            (c.name.clone(), children)
        })
        .collect();
    let category_parents = cats
        .iter()
        .filter(|c| c.parent_code.is_none())
        .map(|c| Choice::new(c.code.clone(), c.name.clone(), ""))
        .collect();
    let mut category_all = Vec::with_capacity(cats.len());
    for first in cats.iter().filter(|c| c.parent_code.is_none()) {
        category_all.push(Choice::new(first.code.clone(), first.name.clone(), ""));
        for c in cats
            .iter()
            .filter(|x| x.parent_code.as_deref() == Some(first.code.as_str()))
        {
            category_all.push(Choice::new(
                c.code.clone(),
                format!("\u{3000}{}", c.name),
                "",
            ));
        }
    }
    let limits = limit_rows(lang, &state.policy());
    let calendar: Value = serde_json::from_str(&state.calendar().to_json()).unwrap_or(Value::Null);
    let mut holidays = Vec::new();
    let mut workdays = Vec::new();
    let mut years = Vec::new();
    if let Some(map) = calendar.get("years").and_then(Value::as_object) {
        for (year, arrangement) in map {
            years.push(year.clone());
            if let Some(h) = arrangement.get("holidays").and_then(Value::as_object) {
                for (name, days) in h {
                    let days: Vec<&str> = days
                        .as_array()
                        .map(|d| d.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    let span = match (days.first(), days.last()) {
                        (Some(a), Some(b)) if a != b => format!("{a} — {b}（{}）", days.len()),
                        (Some(a), _) => a.to_string(),
                        _ => String::new(),
                    };
                    holidays.push(HolidayRow {
                        year: year.clone(),
                        name: name.clone(),
                        days: span,
                    });
                }
            }
            if let Some(w) = arrangement
                .get("working_weekends")
                .and_then(Value::as_array)
            {
                let list: Vec<&str> = w.iter().filter_map(Value::as_str).collect();
                workdays.push((year.clone(), list.join("、")));
            }
        }
    }
    let changes = state
        .store
        .config_changes()
        .await?
        .into_iter()
        .take(20)
        .map(|c| {
            let mut detail: String = c.detail.chars().take(160).collect();
            if c.detail.chars().count() > 160 {
                detail.push('…');
            }
            (when(c.at), c.user_name, c.subject, detail)
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .filter(|r| **r != Role::DistrictAdmin || actor.role == Role::DistrictAdmin)
        .map(|r| {
            Choice::new(
                r.code(),
                lang.label(r.code(), r.label_zh()),
                &forms.user_form.role,
            )
        })
        .collect();
    let nodes = super::appeals::node_choices(state, actor, &forms.user_form.org_unit_id).await?;
    let parents = super::appeals::node_choices(state, actor, &forms.org_form.parent_id).await?;
    let dept_units = mine
        .iter()
        .filter(|u| matches!(u.kind, OrgKind::District | OrgKind::Street))
        .map(|u| {
            Choice::new(
                u.id.to_string(),
                u.name.clone(),
                &forms.org_form.dept_unit_id,
            )
        })
        .collect();
    let department_choices = all_departments
        .iter()
        .filter(|d| in_scope.get(&d.org_unit_id).copied().unwrap_or(false))
        .map(|d| {
            Choice::new(
                d.id.to_string(),
                d.name.clone(),
                &forms.user_form.department_id,
            )
        })
        .collect();
    let password_min = state.store.password_policy().await?.min_length;
    Ok(AdminPage {
        c: s.chrome("admin"),
        tree,
        departments,
        users,
        categories,
        category_parents,
        category_all,
        category_errors: forms.category_errors,
        category_saved: forms.category_saved,
        category_name: forms.category_name,
        limits,
        may_configure: s.may(Capability::Configure),
        years: years.join("、"),
        missing_years: state
            .calendar()
            .missing_years(shanghai_date(state.now()))
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        holidays,
        workdays,
        changes,
        errors: forms.errors,
        saved: forms.saved,
        may_manage_users: s.may(Capability::ManageUsers),
        user_form: forms.user_form,
        user_errors: forms.user_errors,
        user_saved: forms.user_saved,
        roles,
        nodes,
        department_choices,
        org_form: forms.org_form,
        org_errors: forms.org_errors,
        org_saved: forms.org_saved,
        parents,
        dept_units,
        calendar_text: forms.calendar_text,
        calendar_error: forms.calendar_error,
        calendar_saved: forms.calendar_saved,
        password_min,
        policy_errors: forms.policy_errors,
        policy_saved: forms.policy_saved,
        signed_out: forms.signed_out,
    })
}

pub(crate) async fn page(State(state): State<AppState>, s: Session, params: Params) -> PageResult {
    let forms = Forms {
        saved: params.str("saved") == Some("limits"),
        user_saved: params.str("saved") == Some("user"),
        org_saved: params.str("saved") == Some("org"),
        calendar_saved: params.str("saved") == Some("calendar"),
        category_saved: params.str("saved") == Some("category"),
        policy_saved: params.str("saved") == Some("password"),
        signed_out: params.str("saved") == Some("signout"),
        ..Forms::default()
    };
    let page = admin_page(&state, &s, forms).await.map_err(fail(s.lang))?;
    render(s.lang, &page)
}

/// The policy with the form's amounts (units as they were; a blank resolve means none).
fn policy_from_form(
    current: &TimeLimitPolicy,
    f: &FormData,
    errors: &mut FieldErrors,
) -> TimeLimitPolicy {
    let mut policy = current.clone();
    let read = |field: String, unit: &str, errors: &mut FieldErrors| -> Option<Option<Limit>> {
        match f.get(&field) {
            None => Some(None),
            Some(v) => match v.parse::<u32>() {
                Ok(n) => Some(Some(if unit == "clock_hours" {
                    Limit::ClockHours(n)
                } else {
                    Limit::WorkingDays(n)
                })),
                Err(_) => {
                    errors.push(&field, "应为正整数");
                    None
                }
            },
        }
    };
    for key in std::iter::once("urgent").chain(Kind::ALL.iter().map(|k| k.code())) {
        let unit = |part: &str| {
            f.get(&format!("{key}.{part}_unit"))
                .unwrap_or("working_days")
                .to_string()
        };
        let respond = read(format!("{key}.respond"), &unit("respond"), errors);
        let resolve = read(format!("{key}.resolve"), &unit("resolve"), errors);
        let (Some(Some(respond)), Some(resolve)) = (respond, resolve) else {
            if f.get(&format!("{key}.respond")).is_none() {
                errors.push(&format!("{key}.respond"), "请填写响应时限");
            }
            continue;
        };
        let limits = Limits { respond, resolve };
        if key == "urgent" {
            policy.urgent = limits;
        } else if let Some(kind) = Kind::parse(key) {
            policy.by_kind.insert(kind, limits);
        }
    }
    policy
}

pub(crate) async fn save_limits(State(state): State<AppState>, post: PostForm) -> PageResult {
    let state = &state;
    let s = post.session;
    let lang = s.lang;
    let mut errors = FieldErrors::default();
    let current = state.policy().clone();
    let policy = policy_from_form(&current, &post.form, &mut errors);
    if !errors.any() {
        match save_time_limits(state, &s.actor, policy).await {
            Ok(()) => return Ok(see_other("/admin?saved=limits#limits")),
            Err(p) if p.status == 422 => errors = FieldErrors::from_problem(&p),
            Err(p) => return Err(UiError::from(p).page(lang)),
        }
    }
    let forms = Forms {
        errors,
        ..Forms::default()
    };
    let page = admin_page(state, &s, forms).await.map_err(fail(lang))?;
    let mut res = render(lang, &page)?;
    *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

/// Adds an account through the API's own checks, and records who added it.
pub(crate) async fn add_user_form(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    let f = post.form;
    let draft = UserDraft {
        username: f.raw("username"),
        display_name: f.raw("display_name"),
        role: f.raw("role"),
        org_unit_id: f.raw("org_unit_id"),
        department_id: f.raw("department_id"),
    };
    let mut errors = FieldErrors::default();
    let role = Role::parse(draft.role.trim());
    if role.is_none() {
        errors.push("role", "请选择角色");
    }
    let org_unit_id = draft.org_unit_id.trim().parse::<i64>().ok();
    if org_unit_id.is_none() {
        errors.push("org_unit_id", "请选择所属节点");
    }
    let department_id = match f.id("department_id") {
        Ok(d) => d,
        Err(field) => {
            errors.push(&field, "未知的部门");
            None
        }
    };
    if let (Some(role), Some(org_unit_id), false) = (role, org_unit_id, errors.any()) {
        let body = NewUserIn {
            username: draft.username.clone(),
            password: f.raw("password"),
            display_name: draft.display_name.clone(),
            role,
            org_unit_id,
            // Only a liaison has a department; a choice left on the form for another role
            // is not an error of the person filling it in.
            department_id: department_id.filter(|_| role == Role::DepartmentLiaison),
        };
        match add_user(&state, &s.actor, body).await {
            Ok(user) => {
                let change = ConfigChange {
                    at: state.now(),
                    user_id: s.actor.user_id,
                    user_name: s.actor.name.clone(),
                    subject: "users".into(),
                    detail: format!("新增用户 {}（{}）", user.username, user.role.label_zh()),
                };
                let _guard = state.config_lock.lock().await;
                state
                    .store
                    .record_config_change(change)
                    .await
                    .map_err(fail(lang))?;
                return Ok(see_other("/admin?saved=user#users"));
            }
            Err(p) if matches!(p.status, 409 | 422) => errors = FieldErrors::from_problem(&p),
            Err(p) => return Err(UiError::from(p).page(lang)),
        }
    }
    let forms = Forms {
        user_form: draft,
        user_errors: errors,
        ..Forms::default()
    };
    let page = admin_page(&state, &s, forms).await.map_err(fail(lang))?;
    let mut res = render(lang, &page)?;
    *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

/// Signs a user out everywhere (the API's check and record, `routes::account`).
pub(crate) async fn sign_out_user(
    State(state): State<AppState>,
    PageId(id): PageId,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    sign_out_everywhere(&state, &s.actor, id)
        .await
        .map_err(|p| UiError::from(p).page(s.lang))?;
    Ok(see_other("/admin?saved=signout#users"))
}

/// Saves the district's password minimum (district administrators).
pub(crate) async fn save_password_policy(
    State(state): State<AppState>,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    let errors = match post.form.raw("min_length").trim().parse::<usize>() {
        Err(_) => {
            let mut e = FieldErrors::default();
            e.push("min_length", "应为 8–64 之间的整数");
            e
        }
        Ok(min_length) => {
            let policy = PasswordPolicy { min_length };
            match save_password_policy_api(&state, &s.actor, policy).await {
                Ok(()) => return Ok(see_other("/admin?saved=password#passwords")),
                Err(p) if p.status == 422 => FieldErrors::from_problem(&p),
                Err(p) => return Err(UiError::from(p).page(lang)),
            }
        }
    };
    let forms = Forms {
        policy_errors: errors,
        ..Forms::default()
    };
    let page = admin_page(&state, &s, forms).await.map_err(fail(lang))?;
    let mut res = render(lang, &page)?;
    *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

/// Longest name and code of a node or department.
const MAX_ORG_NAME: usize = 50;
const MAX_ORG_CODE: usize = 32;

/// A name and code as the organization forms accept them: both given, short, the code
/// letters, digits, `-` and `_` only.
fn check_name_code(name: &str, code: &str, fields: (&str, &str), errors: &mut FieldErrors) {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_ORG_NAME {
        errors.push(fields.0, format!("请填写名称（最多 {MAX_ORG_NAME} 个字）"));
    }
    let code = code.trim();
    let code_ok = !code.is_empty()
        && code.len() <= MAX_ORG_CODE
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !code_ok {
        errors.push(
            fields.1,
            format!("编码应为 1–{MAX_ORG_CODE} 位字母、数字、- 或 _"),
        );
    }
}

/// Records a change made on this page (under the configuration lock, as every change).
async fn record(
    state: &AppState,
    s: &Session,
    subject: &str,
    detail: String,
) -> Result<(), UiError> {
    let change = ConfigChange {
        at: state.now(),
        user_id: s.actor.user_id,
        user_name: s.actor.name.clone(),
        subject: subject.into(),
        detail,
    };
    let _guard = state.config_lock.lock().await;
    Ok(state.store.record_config_change(change).await?)
}

/// The page again with the organization forms' errors.
async fn org_again(
    state: &AppState,
    s: &Session,
    draft: OrgDraft,
    errors: FieldErrors,
) -> PageResult {
    let forms = Forms {
        org_form: draft,
        org_errors: errors,
        ..Forms::default()
    };
    let page = admin_page(state, s, forms).await.map_err(fail(s.lang))?;
    let mut res = render(s.lang, &page)?;
    *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

fn org_draft(f: &FormData) -> OrgDraft {
    OrgDraft {
        parent_id: f.raw("parent_id"),
        name: f.raw("name"),
        code: f.raw("code"),
        dept_unit_id: f.raw("dept_unit_id"),
        dept_name: f.raw("dept_name"),
        dept_code: f.raw("dept_code"),
    }
}

fn require_configure(s: &Session) -> Result<(), super::Failed> {
    if s.may(Capability::Configure) {
        Ok(())
    } else {
        Err(UiError::Forbidden(format!(
            "角色「{}」不能修改组织架构",
            s.actor.role.label_zh()
        ))
        .page(s.lang))
    }
}

/// Adds a node (street, community or grid) under one in the administrator's subtree; its
/// level follows from the parent's.
pub(crate) async fn add_org_unit(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    require_configure(&s)?;
    let draft = org_draft(&post.form);
    let mut errors = FieldErrors::default();
    check_name_code(&draft.name, &draft.code, ("name", "code"), &mut errors);
    let parent = match draft.parent_id.trim().parse::<i64>() {
        Ok(id) => state.store.org_unit(id).await.map_err(fail(s.lang))?,
        Err(_) => None,
    };
    let parent = parent.filter(|p| in_subtree(&s.actor.org_path, &p.path));
    let kind = parent.as_ref().and_then(|p| p.kind.child());
    let (Some(parent), Some(kind), false) = (parent, kind, errors.any()) else {
        if !errors.any() {
            errors.push("parent_id", "请选择上级（网格下不能再设下级）");
        }
        return org_again(&state, &s, draft, errors).await;
    };
    match state
        .store
        .create_org_unit(Some(parent.id), kind, &draft.code, &draft.name)
        .await
    {
        Ok(unit) => {
            let detail = format!(
                "新增{} {}（{}，上级 {}）",
                unit.kind.label_zh(),
                unit.name,
                unit.code,
                parent.name
            );
            record(&state, &s, "org_units", detail)
                .await
                .map_err(fail(s.lang))?;
            Ok(see_other("/admin?saved=org#org"))
        }
        Err(e) => {
            let p = crate::problem::Problem::from(e);
            if matches!(p.status, 409 | 422) {
                org_again(&state, &s, draft, FieldErrors::from_problem(&p)).await
            } else {
                Err(UiError::from(p).page(s.lang))
            }
        }
    }
}

/// Adds a referral department attached to the district or a street in the subtree.
pub(crate) async fn add_department(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    require_configure(&s)?;
    let draft = org_draft(&post.form);
    let mut errors = FieldErrors::default();
    check_name_code(
        &draft.dept_name,
        &draft.dept_code,
        ("dept_name", "dept_code"),
        &mut errors,
    );
    let unit = match draft.dept_unit_id.trim().parse::<i64>() {
        Ok(id) => state.store.org_unit(id).await.map_err(fail(s.lang))?,
        Err(_) => None,
    };
    let unit = unit.filter(|u| {
        in_subtree(&s.actor.org_path, &u.path)
            && matches!(u.kind, OrgKind::District | OrgKind::Street)
    });
    let (Some(unit), false) = (unit, errors.any()) else {
        if !errors.any() {
            errors.push("dept_unit_id", "请选择所属的区或街道");
        }
        return org_again(&state, &s, draft, errors).await;
    };
    match state
        .store
        .create_department(draft.dept_code.trim(), draft.dept_name.trim(), unit.id)
        .await
    {
        Ok(d) => {
            let detail = format!("新增部门 {}（{}，属 {}）", d.name, d.code, unit.name);
            record(&state, &s, "departments", detail)
                .await
                .map_err(fail(s.lang))?;
            Ok(see_other("/admin?saved=org#departments"))
        }
        Err(e) => {
            let mut p = crate::problem::Problem::from(e);
            // The store names the fields `code`/`name`; this form calls them dept_*.
            for f in &mut p.errors {
                f.field = format!("dept_{}", f.field);
            }
            if matches!(p.status, 409 | 422) {
                org_again(&state, &s, draft, FieldErrors::from_problem(&p)).await
            } else {
                Err(UiError::from(p).page(s.lang))
            }
        }
    }
}

/// Loads a year's official arrangement (the JSON of `data/calendar/`), pasted into the
/// form, through the API's own path (checked, saved, recorded).
pub(crate) async fn load_calendar_form(
    State(state): State<AppState>,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let text = post.form.raw("calendar");
    match load_calendar(&state, &s.actor, &text).await {
        Ok(_) => Ok(see_other("/admin?saved=calendar#calendar")),
        Err(p) if matches!(p.status, 400 | 422) => {
            let error = p
                .errors
                .first()
                .map(|e| e.message.clone())
                .unwrap_or(p.detail);
            let forms = Forms {
                calendar_text: text,
                calendar_error: error,
                ..Forms::default()
            };
            let page = admin_page(&state, &s, forms).await.map_err(fail(s.lang))?;
            let mut res = render(s.lang, &page)?;
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(p) => Err(UiError::from(p).page(s.lang)),
    }
}

/// `POST /admin/categories`: a second-level category under a first-level one
/// (`parent_code`, `name`), or a category renamed (`code`, `name`). District administrators;
/// recorded like every settings change.
pub(crate) async fn save_category(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    require_configure(&s)?;
    let name = post.form.raw("name");
    let outcome = match (post.form.get("code"), post.form.get("parent_code")) {
        (Some(code), _) => state
            .store
            .rename_category(code, &name)
            .await
            .map(|old| format!("分类「{old}」（{code}）改名为「{}」", name.trim())),
        (None, Some(parent)) => state
            .store
            .add_category(parent, &name)
            .await
            .map(|c| format!("新增分类「{}」（{}，属 {parent}）", c.name, c.code)),
        (None, None) => Err(suqiu_store::StoreError::Invalid {
            field: "parent_code".into(),
            message: "请选择一级分类".into(),
        }),
    };
    match outcome {
        Ok(detail) => {
            record(&state, &s, "categories", detail)
                .await
                .map_err(fail(s.lang))?;
            Ok(see_other("/admin?saved=category#categories"))
        }
        Err(e) => {
            let p = crate::problem::Problem::from(e);
            if !matches!(p.status, 404 | 409 | 422) {
                return Err(UiError::from(p).page(s.lang));
            }
            let forms = Forms {
                category_name: name,
                category_errors: FieldErrors::from_problem(&p),
                ..Forms::default()
            };
            let page = admin_page(&state, &s, forms).await.map_err(fail(s.lang))?;
            render(s.lang, &page).map(|r| {
                let mut r = r;
                *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
                r
            })
        }
    }
}
