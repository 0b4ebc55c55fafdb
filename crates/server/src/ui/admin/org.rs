//! `/admin/org`: the organization tree and the referral departments, with the forms that add
//! a node and a department (the district's).

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use suqiu_core::org::{in_subtree, OrgKind, OrgUnit};

use suqiu_store::changes::ChangeKind;

use super::{again, done, record, require_admin, require_configure};

use crate::state::AppState;
use crate::ui::view::{Choice, Chrome, FieldErrors};
use crate::ui::{fail, render, FormData, PageResult, PostForm, Session, UiError};

/// One node of the organization tree, flattened with its depth (the template indents).
struct TreeNode {
    depth: usize,
    name: String,
    kind: &'static str,
    code: String,
    /// A community's id: its place names are edited at `/admin/org/{id}/places`.
    places_of: Option<i64>,
}

/// A tree as the page folds it: the root, then each of its children with the nodes under it.
type Tree = (TreeNode, Vec<(TreeNode, Vec<TreeNode>)>);

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

impl OrgDraft {
    fn from_form(f: &FormData) -> OrgDraft {
        OrgDraft {
            parent_id: f.raw("parent_id"),
            name: f.raw("name"),
            code: f.raw("code"),
            dept_unit_id: f.raw("dept_unit_id"),
            dept_name: f.raw("dept_name"),
            dept_code: f.raw("dept_code"),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_org.html")]
struct OrgPage {
    c: Chrome,
    /// The administrator's own node, then each node under it with its subtree (folded on
    /// the page: a district has hundreds of communities and grids).
    tree: Option<Tree>,
    /// Code, name, the unit it belongs to.
    departments: Vec<(String, String, String)>,
    may_configure: bool,
    form: OrgDraft,
    errors: FieldErrors,
    /// Nodes that may take a child, and the district and streets departments attach to.
    parents: Vec<Choice>,
    dept_units: Vec<Choice>,
}

impl OrgPage {
    /// The add-node form opens by itself when one of its fields is at fault.
    fn unit_form_open(&self) -> bool {
        ["parent_id", "name", "code"]
            .iter()
            .any(|f| !self.errors.get(f).is_empty())
    }

    fn department_form_open(&self) -> bool {
        ["dept_unit_id", "dept_name", "dept_code"]
            .iter()
            .any(|f| !self.errors.get(f).is_empty())
    }
}

/// The tree in path order as its root and the root's children, each with the nodes under
/// it (in order).
fn branches(nodes: Vec<TreeNode>) -> Option<Tree> {
    let mut nodes = nodes.into_iter();
    let root = nodes.next()?;
    let mut children: Vec<(TreeNode, Vec<TreeNode>)> = Vec::new();
    for n in nodes {
        match children.last_mut() {
            Some((_, under)) if n.depth > 1 => under.push(n),
            _ => children.push((n, Vec::new())),
        }
    }
    Some((root, children))
}

/// The nodes of the administrator's subtree, in path order.
fn my_units(units: &[OrgUnit], org_path: &str) -> Vec<OrgUnit> {
    let mut mine: Vec<OrgUnit> = units
        .iter()
        .filter(|u| in_subtree(org_path, &u.path))
        .cloned()
        .collect();
    mine.sort_by(|a, b| a.path.cmp(&b.path));
    mine
}

async fn org_page(
    state: &AppState,
    s: &Session,
    form: OrgDraft,
    errors: FieldErrors,
) -> Result<OrgPage, UiError> {
    let lang = s.lang;
    let units = state.store.org_units().await?;
    let mine = my_units(&units, &s.actor.org_path);
    let root_depth = s.actor.org_path.matches('/').count();
    let nodes: Vec<TreeNode> = mine
        .iter()
        .map(|u| TreeNode {
            // The stylesheet indents six levels (`.depth-0` … `.depth-6`; no inline styles
            // under the CSP); org trees are four deep.
            depth: u
                .path
                .matches('/')
                .count()
                .saturating_sub(root_depth)
                .min(6),
            name: u.name.clone(),
            kind: lang.label(u.kind.code(), u.kind.label_zh()),
            code: u.code.clone(),
            places_of: (u.kind == OrgKind::Community).then_some(u.id),
        })
        .collect();
    let tree = branches(nodes);
    let names: HashMap<i64, &str> = units.iter().map(|u| (u.id, u.name.as_str())).collect();
    let departments = state
        .store
        .departments()
        .await?
        .into_iter()
        .filter(|d| mine.iter().any(|u| u.id == d.org_unit_id))
        .map(|d| {
            let unit = names.get(&d.org_unit_id).copied().unwrap_or_default();
            (d.code, d.name, unit.to_string())
        })
        .collect();
    let parents = crate::ui::appeals::node_choices(state, &s.actor, &form.parent_id).await?;
    let dept_units = mine
        .iter()
        .filter(|u| matches!(u.kind, OrgKind::District | OrgKind::Street))
        .map(|u| Choice::new(u.id.to_string(), u.name.clone(), &form.dept_unit_id))
        .collect();
    Ok(OrgPage {
        c: s.chrome("admin_org"),
        tree,
        departments,
        may_configure: s.may(suqiu_core::access::Capability::Configure),
        form,
        errors,
        parents,
        dept_units,
    })
}

/// `GET /admin/org`.
pub(crate) async fn page(State(state): State<AppState>, s: Session) -> PageResult {
    require_admin(&s)?;
    let page = org_page(&state, &s, OrgDraft::default(), FieldErrors::new(s.lang))
        .await
        .map_err(fail(s.lang))?;
    render(s.lang, &page)
}

/// Longest name and code of a node or department.
const MAX_ORG_NAME: usize = 50;
const MAX_ORG_CODE: usize = 32;

/// A name and code as the organization forms accept them: both given, short, the code
/// letters, digits, `-` and `_` only.
fn check_name_code(
    s: &Session,
    name: &str,
    code: &str,
    fields: (&str, &str),
    errors: &mut FieldErrors,
) {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_ORG_NAME {
        let message = s.lang.t("admin.err_org_name");
        errors.push_text(fields.0, message.replace("{n}", &MAX_ORG_NAME.to_string()));
    }
    let code = code.trim();
    let code_ok = !code.is_empty()
        && code.len() <= MAX_ORG_CODE
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !code_ok {
        let message = s.lang.t("admin.err_org_code");
        errors.push_text(fields.1, message.replace("{n}", &MAX_ORG_CODE.to_string()));
    }
}

/// The page again with the organization forms' errors.
async fn org_again(
    state: &AppState,
    s: &Session,
    draft: OrgDraft,
    errors: FieldErrors,
) -> PageResult {
    let page = org_page(state, s, draft, errors)
        .await
        .map_err(fail(s.lang))?;
    again(s, &page)
}

/// The store's refusal of a node or department, beside the form's fields (`prefix`: the
/// form's names for the store's `code`/`name`), or the error page when it is not the form's.
async fn refused(
    state: &AppState,
    s: &Session,
    draft: OrgDraft,
    e: suqiu_store::StoreError,
    prefix: &str,
) -> PageResult {
    let mut p = crate::problem::Problem::from(e);
    for f in &mut p.errors {
        f.field = format!("{prefix}{}", f.field);
    }
    if matches!(p.status, 409 | 422) {
        org_again(state, s, draft, FieldErrors::from_problem(&p, s.lang)).await
    } else {
        Err(UiError::from(p).page(s.lang))
    }
}

/// Adds a node (street, community or grid) under one in the administrator's subtree; its
/// level follows from the parent's.
pub(crate) async fn add_org_unit(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    require_configure(&s)?;
    let draft = OrgDraft::from_form(&post.form);
    let mut errors = FieldErrors::new(s.lang);
    check_name_code(&s, &draft.name, &draft.code, ("name", "code"), &mut errors);
    let parent = match draft.parent_id.trim().parse::<i64>() {
        Ok(id) => state.store.org_unit(id).await.map_err(fail(s.lang))?,
        Err(_) => None,
    };
    let parent = parent.filter(|p| in_subtree(&s.actor.org_path, &p.path));
    let kind = parent.as_ref().and_then(|p| p.kind.child());
    let (Some(parent), Some(kind), false) = (parent, kind, errors.any()) else {
        if !errors.any() {
            errors.push_text("parent_id", s.lang.t("admin.err_parent"));
        }
        return org_again(&state, &s, draft, errors).await;
    };
    match state
        .store
        .create_org_unit(Some(parent.id), kind, draft.code.trim(), draft.name.trim())
        .await
    {
        Ok(unit) => {
            let params = [
                ("unit_kind", unit.kind.code().to_string()),
                ("name", unit.name.clone()),
                ("code", unit.code.clone()),
                ("parent", parent.name.clone()),
            ];
            record(&state, &s, "org_units", ChangeKind::UnitAdded, &params)
                .await
                .map_err(fail(s.lang))?;
            Ok(done(&state, "/admin/org", "flash.admin_unit", &unit.name))
        }
        Err(e) => refused(&state, &s, draft, e, "").await,
    }
}

/// Adds a referral department attached to the district or a street in the subtree.
pub(crate) async fn add_department(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    require_configure(&s)?;
    let draft = OrgDraft::from_form(&post.form);
    let mut errors = FieldErrors::new(s.lang);
    check_name_code(
        &s,
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
            errors.push_text("dept_unit_id", s.lang.t("admin.err_dept_unit"));
        }
        return org_again(&state, &s, draft, errors).await;
    };
    match state
        .store
        .create_department(draft.dept_code.trim(), draft.dept_name.trim(), unit.id)
        .await
    {
        Ok(d) => {
            let params = [
                ("name", d.name.clone()),
                ("code", d.code.clone()),
                ("unit", unit.name.clone()),
            ];
            record(
                &state,
                &s,
                "departments",
                ChangeKind::DepartmentAdded,
                &params,
            )
            .await
            .map_err(fail(s.lang))?;
            Ok(done(
                &state,
                "/admin/org",
                "flash.admin_department",
                &d.name,
            ))
        }
        // The store names the fields `code`/`name`; this form calls them dept_*.
        Err(e) => refused(&state, &s, draft, e, "dept_").await,
    }
}
