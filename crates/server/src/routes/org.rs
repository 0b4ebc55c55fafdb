//! The organization: tree, departments, categories, teams, user accounts.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use suqiu_core::access::{deed, Actor, Role};
use suqiu_core::accounts::{check_account, AccountPlan, AccountRefusal};
use suqiu_core::error::{FieldError, Msg, Reason};
use suqiu_core::msg;
use suqiu_core::org::Department;
use suqiu_core::org::OrgUnit;
use suqiu_core::Id;
use suqiu_store::users::{NewUser, User};
use utoipa::ToSchema;

use crate::auth::AuthActor;
use crate::extract::{ApiJson, Params};
use crate::problem::{ApiResult, Problem, Problems};
use crate::scope::node_in_scope;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: Id,
    pub username: String,
    pub display_name: String,
    /// `district_admin|street_staff|station_staff|department_liaison|volunteer|auditor`
    pub role: String,
    pub role_label: String,
    pub org_unit_id: Id,
    pub department_id: Option<Id>,
}

impl From<&User> for UserOut {
    fn from(u: &User) -> UserOut {
        UserOut {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.code().to_string(),
            role_label: u.role.label_zh().to_string(),
            org_unit_id: u.org_unit_id,
            department_id: u.department_id,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserIn {
    /// `[a-z0-9_.-]{3,32}`
    pub username: String,
    /// At least 8 characters.
    pub password: String,
    pub display_name: String,
    #[schema(value_type = String, example = "station_staff")]
    pub role: Role,
    pub org_unit_id: Id,
    /// Required for `department_liaison`, not allowed otherwise.
    #[serde(default)]
    pub department_id: Option<Id>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgUnitOut {
    pub id: Id,
    pub parent_id: Option<Id>,
    /// `district|street|community|grid`
    pub kind: String,
    pub kind_label: String,
    pub code: String,
    pub name: String,
}

impl From<&OrgUnit> for OrgUnitOut {
    fn from(u: &OrgUnit) -> OrgUnitOut {
        OrgUnitOut {
            id: u.id,
            parent_id: u.parent_id,
            kind: u.kind.code().to_string(),
            kind_label: u.kind.label_zh().to_string(),
            code: u.code.clone(),
            name: u.name.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentOut {
    pub id: Id,
    pub code: String,
    pub name: String,
    pub org_unit_id: Id,
}

impl From<&Department> for DepartmentOut {
    fn from(d: &Department) -> DepartmentOut {
        DepartmentOut {
            id: d.id,
            code: d.code.clone(),
            name: d.name.clone(),
            org_unit_id: d.org_unit_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryOut {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamOut {
    pub id: Id,
    pub org_unit_id: Id,
    pub name: String,
}

const ROLE_ABOVE: Msg = msg!(
    "role_above_own",
    "不能创建高于本人角色的账号（「{role}」）",
    "You cannot create an account above your own role (“{role}”)",
);

/// The organization tree, parents before children. The tree itself is not personal data
/// and every role needs its names; what happens inside a node is scoped elsewhere.
#[utoipa::path(get, path = "/api/v1/org-units", tag = "organization",
    responses((status = 200, body = Vec<OrgUnitOut>), Problems::<401>))]
pub async fn org_units(
    State(state): State<AppState>,
    _actor: AuthActor,
) -> ApiResult<Json<Vec<OrgUnitOut>>> {
    let units = state.store.org_units().await?;
    Ok(Json(units.iter().map(OrgUnitOut::from).collect()))
}

/// Departments: the referral targets.
#[utoipa::path(get, path = "/api/v1/departments", tag = "organization",
    responses((status = 200, body = Vec<DepartmentOut>), Problems::<401>))]
pub async fn departments(
    State(state): State<AppState>,
    _actor: AuthActor,
) -> ApiResult<Json<Vec<DepartmentOut>>> {
    let deps = state.store.departments().await?;
    Ok(Json(deps.iter().map(DepartmentOut::from).collect()))
}

/// The two-level category taxonomy.
#[utoipa::path(get, path = "/api/v1/categories", tag = "organization",
    responses((status = 200, body = Vec<CategoryOut>), Problems::<401>))]
pub async fn categories(
    State(state): State<AppState>,
    _actor: AuthActor,
) -> ApiResult<Json<Vec<CategoryOut>>> {
    let cats = state.store.categories().await?;
    Ok(Json(
        cats.into_iter()
            .map(|c| CategoryOut {
                code: c.code,
                name: c.name,
                parent_code: c.parent_code,
            })
            .collect(),
    ))
}

/// The service teams of a node in the caller's subtree (`assign` targets); `org_unit`
/// defaults to the caller's node; another subtree's node is 404.
#[utoipa::path(get, path = "/api/v1/teams", tag = "organization",
    params(("org_unit" = Option<i64>, Query, description = "node id; default: the caller's node")),
    responses((status = 200, body = Vec<TeamOut>), Problems::<404, 422>))]
pub async fn teams(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<Vec<TeamOut>>> {
    let mut errors = Vec::new();
    let org_unit_id = params.id("org_unit", &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let unit = node_in_scope(&state, &actor, org_unit_id).await?;
    let teams = state.store.teams(unit.id).await?;
    Ok(Json(
        teams
            .into_iter()
            .map(|t| TeamOut {
                id: t.id,
                org_unit_id: t.org_unit_id,
                name: t.name,
            })
            .collect(),
    ))
}

/// The user accounts in the caller's subtree (staff and auditors).
#[utoipa::path(get, path = "/api/v1/users", tag = "organization",
    responses((status = 200, body = Vec<UserOut>), Problems::<403>))]
pub async fn list_users(
    State(state): State<AppState>,
    actor: AuthActor,
) -> ApiResult<Json<Vec<UserOut>>> {
    if matches!(actor.role, Role::Volunteer | Role::DepartmentLiaison) {
        return Err(Problem::forbidden(actor.may_not(&deed::LIST_USERS)));
    }
    let users = state.store.users_in_scope(&actor).await?;
    Ok(Json(users.iter().map(UserOut::from).collect()))
}

fn valid_username(u: &str) -> bool {
    (3..=32).contains(&u.len())
        && u.bytes().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'.' | b'-')
        })
}

/// Creates a user account inside the caller's subtree (district and street administrators).
/// A node, or a liaison's department, outside the subtree is 404, as if unknown; a role above
/// the caller's is 403 (`suqiu_core::accounts`).
#[utoipa::path(post, path = "/api/v1/users", tag = "organization",
    request_body = NewUserIn,
    responses(
        (status = 201, body = UserOut),
        Problems::<403, 422>,
        (status = 404, description = "org unit unknown or outside the caller's subtree", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "username taken", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_user(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<NewUserIn>,
) -> ApiResult<(StatusCode, Json<UserOut>)> {
    let user = add_user(&state, &actor, body).await?;
    Ok((StatusCode::CREATED, Json(UserOut::from(&user))))
}

/// Checks the role, node and department of an account against the creator (the one rule,
/// `suqiu_core::accounts`) and returns the account's node. An unknown node is outside every
/// subtree, so it answers 404 like a node of another street; an unknown department is left
/// to the field checks (422).
async fn account_scope(state: &AppState, actor: &Actor, body: &NewUserIn) -> ApiResult<OrgUnit> {
    let unit = state.store.org_unit(body.org_unit_id).await?;
    let department_path = match body.department_id {
        Some(id) => match state.store.department(id).await? {
            Some(d) => state.store.org_unit(d.org_unit_id).await?.map(|u| u.path),
            None => None,
        },
        None => None,
    };
    let plan = AccountPlan {
        role: body.role,
        node_path: unit.as_ref().map_or("", |u| u.path.as_str()),
        department_path: department_path.as_deref(),
    };
    match check_account(actor, plan) {
        Ok(()) => unit.ok_or_else(Problem::not_found),
        Err(AccountRefusal::MayNotManage) => {
            Err(Problem::forbidden(actor.may_not(&deed::CREATE_USERS)))
        }
        Err(AccountRefusal::RoleAbove) => Err(Problem::forbidden(
            Reason::new(&ROLE_ABOVE).with_words("role", body.role.label_zh(), body.role.label_en()),
        )),
        Err(AccountRefusal::NodeOutside | AccountRefusal::DepartmentOutside) => {
            Err(Problem::not_found())
        }
        Err(AccountRefusal::DepartmentMisfit) => Err(Problem::invalid(vec![FieldError::new(
            "department_id",
            &LIAISON_OUTSIDE_DEPARTMENT,
        )])),
    }
}

/// Account creation shared by the JSON API and the settings page: role, scope and every
/// field checked, the password hashed off the async threads.
pub(crate) async fn add_user(state: &AppState, actor: &Actor, body: NewUserIn) -> ApiResult<User> {
    let unit = account_scope(state, actor, &body).await?;
    let mut errors = Vec::new();
    let username = body.username.trim();
    if !valid_username(username) {
        errors.push(FieldError::new("username", &USERNAME_SHAPE));
    }
    // The district's password rule (suqiu_core::password), as for every password set.
    let policy = state.store.password_policy().await?;
    if let Err(e) = policy.check("password", &body.password, username, state.demo_mode) {
        errors.push(e);
    }
    let display_name = body.display_name.trim();
    if display_name.is_empty() {
        errors.push(FieldError::new(
            "display_name",
            &suqiu_core::error::NAME_EMPTY,
        ));
    } else if display_name.chars().count() > 50 {
        errors.push(FieldError::new("display_name", &DISPLAY_NAME_TOO_LONG));
    }
    match (body.role, body.department_id) {
        (Role::DepartmentLiaison, None) => {
            errors.push(FieldError::new("department_id", &LIAISON_DEPARTMENT_NEEDED));
        }
        (Role::DepartmentLiaison, Some(id)) => {
            if state.store.department(id).await?.is_none() {
                errors.push(FieldError::new("department_id", &DEPARTMENT_UNKNOWN));
            }
        }
        (_, Some(_)) => errors.push(FieldError::new(
            "department_id",
            &DEPARTMENT_ONLY_FOR_LIAISON,
        )),
        (_, None) => {}
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let password_hash = state.hashing.hash(body.password).await?;
    let user = state
        .store
        .create_user(NewUser {
            username,
            password_hash: &password_hash,
            display_name,
            role: body.role,
            org_unit_id: unit.id,
            department_id: body.department_id,
        })
        .await
        .map_err(|e| match e {
            suqiu_store::StoreError::Conflict(e) if e.field == "username" => {
                Problem::conflict_on(e)
            }
            other => Problem::from(other),
        })?;
    Ok(user)
}

// The messages of this module's rules (a code, the Chinese and the English).
const DEPARTMENT_ONLY_FOR_LIAISON: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "department_only_for_liaison",
    "只有部门联络员需要指定部门",
    "Only a department liaison has a department",
);
const DEPARTMENT_UNKNOWN: suqiu_core::error::Msg =
    suqiu_core::error::Msg::new("department_unknown", "未知的部门", "Unknown department");
const DISPLAY_NAME_TOO_LONG: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "display_name_too_long",
    "姓名最多 50 个字",
    "A name has at most 50 characters",
);
const LIAISON_DEPARTMENT_NEEDED: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "liaison_department_needed",
    "部门联络员须指定所属部门",
    "A department liaison needs a department",
);
const LIAISON_OUTSIDE_DEPARTMENT: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "liaison_outside_department",
    "部门联络员须在所属部门的组织或其下级",
    "A department liaison belongs to the department's unit or below it",
);
const USERNAME_SHAPE: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "username_shape",
    "用户名应为 3–32 位小写字母、数字或 _ . -",
    "A username is 3–32 lower-case letters, digits or _ . -",
);

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(org_units))
        .routes(routes!(departments))
        .routes(routes!(categories))
        .routes(routes!(teams, crate::routes::care::teams::create_team))
}
