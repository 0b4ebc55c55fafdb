//! `/admin/users`: the accounts in the administrator's subtree, the form that adds one
//! (through the API's checks), and signing a user out everywhere.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use suqiu_core::access::{Capability, Role};
use suqiu_core::accounts::admin_rank;
use suqiu_core::org::{in_subtree, OrgUnit};

use suqiu_store::changes::ChangeKind;

use super::{again, done, record, require_admin};
use crate::routes::org::NewUserIn;

use crate::routes::account::sign_out_everywhere;
use crate::routes::org::add_user as add_user_api;
use crate::state::AppState;
use crate::ui::view::{Choice, Chrome, FieldErrors};
use crate::ui::{fail, render, PageId, PageResult, PostForm, Session, UiError};

struct UserRow {
    id: i64,
    username: String,
    name: String,
    role: &'static str,
    unit: String,
    department: String,
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

/// The fields the form shows an error beside; others are said above the form.
const FIELDS: [&str; 6] = [
    "username",
    "password",
    "display_name",
    "role",
    "org_unit_id",
    "department_id",
];

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    c: Chrome,
    /// The users at the administrator's own node (named ""), then those under each node
    /// below it, by that node (folded on the page: a district has hundreds of users).
    groups: Vec<(String, Vec<UserRow>)>,
    may_manage_users: bool,
    form: UserDraft,
    errors: FieldErrors,
    roles: Vec<Choice>,
    nodes: Vec<Choice>,
    department_choices: Vec<Choice>,
}

impl UsersPage {
    /// Errors of fields the form has no place for (a conflict, say).
    fn other_errors(&self) -> Vec<String> {
        self.errors.other(&FIELDS)
    }
}

async fn users_page(
    state: &AppState,
    s: &Session,
    form: UserDraft,
    errors: FieldErrors,
) -> Result<UsersPage, UiError> {
    let lang = s.lang;
    let actor = &s.actor;
    let units = state.store.org_units().await?;
    let names: HashMap<i64, String> = units.iter().map(|u| (u.id, u.name.clone())).collect();
    let in_scope = |unit: i64| {
        units
            .iter()
            .any(|u| u.id == unit && in_subtree(&actor.org_path, &u.path))
    };
    let departments: Vec<_> = state
        .store
        .departments()
        .await?
        .into_iter()
        .filter(|d| in_scope(d.org_unit_id))
        .collect();
    let dept_names: HashMap<i64, String> =
        departments.iter().map(|d| (d.id, d.name.clone())).collect();
    let users = state
        .store
        .users_in_scope(actor)
        .await?
        .into_iter()
        .map(|u| {
            (
                u.org_unit_id,
                UserRow {
                    id: u.id,
                    username: u.username,
                    name: u.display_name,
                    role: lang.label(u.role.code(), u.role.label_zh()),
                    unit: names.get(&u.org_unit_id).cloned().unwrap_or_default(),
                    department: u
                        .department_id
                        .and_then(|d| dept_names.get(&d).cloned())
                        .unwrap_or_default(),
                },
            )
        })
        .collect();
    let groups = by_branch(&units, &actor.org_path, users);
    // An administrator gives no role above their own.
    let roles = Role::ALL
        .iter()
        .filter(|r| admin_rank(**r) <= admin_rank(actor.role))
        .map(|r| Choice::new(r.code(), lang.label(r.code(), r.label_zh()), &form.role))
        .collect();
    let nodes = crate::ui::appeals::node_choices(state, actor, &form.org_unit_id).await?;
    let department_choices = departments
        .iter()
        .map(|d| Choice::new(d.id.to_string(), d.name.clone(), &form.department_id))
        .collect();
    Ok(UsersPage {
        c: s.chrome("admin_users"),
        groups,
        may_manage_users: s.may(Capability::ManageUsers),
        form,
        errors,
        roles,
        nodes,
        department_choices,
    })
}

/// `users` (each with its node) grouped: those at the node at `root` first (named ""), then
/// those under each of its children, in the tree's order; empty groups left out.
fn by_branch(
    units: &[OrgUnit],
    root: &str,
    users: Vec<(i64, UserRow)>,
) -> Vec<(String, Vec<UserRow>)> {
    let depth = root.matches('/').count();
    let mut branches: Vec<&OrgUnit> = units
        .iter()
        .filter(|u| in_subtree(root, &u.path) && u.path.matches('/').count() == depth + 1)
        .collect();
    branches.sort_by(|a, b| a.path.cmp(&b.path));
    let mut groups: Vec<(String, Vec<UserRow>)> = std::iter::once(String::new())
        .chain(branches.iter().map(|b| b.name.clone()))
        .map(|name| (name, Vec::new()))
        .collect();
    let paths: HashMap<i64, &str> = units.iter().map(|u| (u.id, u.path.as_str())).collect();
    for (unit, row) in users {
        let path = paths.get(&unit).copied().unwrap_or("");
        let at = branches
            .iter()
            .position(|b| in_subtree(&b.path, path))
            .map_or(0, |i| i + 1);
        groups[at].1.push(row);
    }
    groups.retain(|(_, rows)| !rows.is_empty());
    groups
}

/// `GET /admin/users`.
pub(crate) async fn page(State(state): State<AppState>, s: Session) -> PageResult {
    require_admin(&s)?;
    let page = users_page(&state, &s, UserDraft::default(), FieldErrors::new(s.lang))
        .await
        .map_err(fail(s.lang))?;
    render(s.lang, &page)
}

/// `POST /admin/users`: adds an account through the API's own checks, and records who
/// added it.
pub(crate) async fn add_user(State(state): State<AppState>, post: PostForm) -> PageResult {
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
    let mut errors = FieldErrors::new(lang);
    let role = Role::parse(draft.role.trim());
    if role.is_none() {
        errors.push_text("role", lang.t("admin.err_role"));
    }
    let org_unit_id = draft.org_unit_id.trim().parse::<i64>().ok();
    if org_unit_id.is_none() {
        errors.push_text("org_unit_id", lang.t("admin.err_node"));
    }
    let department_id = match f.id("department_id") {
        Ok(d) => d,
        Err(field) => {
            errors.push_text(&field, lang.t("admin.err_department"));
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
        match add_user_api(&state, &s.actor, body).await {
            Ok(user) => {
                let params = [
                    ("username", user.username.clone()),
                    ("role", user.role.code().to_string()),
                ];
                record(&state, &s, "users", ChangeKind::UserAdded, &params)
                    .await
                    .map_err(fail(lang))?;
                return Ok(done(
                    &state,
                    "/admin/users",
                    "flash.admin_user",
                    &user.username,
                ));
            }
            Err(p) if matches!(p.status, 409 | 422) => errors = FieldErrors::from_problem(&p, lang),
            Err(p) => return Err(UiError::from(p).page(lang)),
        }
    }
    let page = users_page(&state, &s, draft, errors)
        .await
        .map_err(fail(lang))?;
    again(&s, &page)
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
    Ok(done(&state, "/admin/users", "flash.admin_signed_out", ""))
}
