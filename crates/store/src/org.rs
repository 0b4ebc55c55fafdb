//! Organization tree, departments, categories (the taxonomy) and teams.

use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use std::sync::Arc;
use suqiu_core::error::FieldError;
use suqiu_core::msg;

use suqiu_core::category::Category;
use suqiu_core::org::{Department, OrgKind, OrgUnit};
use suqiu_core::Id;

use crate::error::{Result, StoreError, CODE_EMPTY, CODE_TAKEN, ORG_NAME_EMPTY, ORG_UNIT_MISSING};
use crate::lookups::Snapshot;
use crate::sql::{get, get_code, invalid, write_error, Args};
use crate::Store;

/// A service team (组团式服务) appeals can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Team {
    pub id: Id,
    pub org_unit_id: Id,
    pub name: String,
}

const ORG_COLUMNS: &str = "id, parent_id, kind, code, name, path";

pub(crate) fn org_unit_from(row: &AnyRow) -> Result<OrgUnit> {
    Ok(OrgUnit {
        id: get(row, "id")?,
        parent_id: get(row, "parent_id")?,
        kind: get_code(row, "kind", OrgKind::parse)?,
        code: get(row, "code")?,
        name: get(row, "name")?,
        path: get(row, "path")?,
    })
}

fn department_from(row: &AnyRow) -> Result<Department> {
    Ok(Department {
        id: get(row, "id")?,
        code: get(row, "code")?,
        name: get(row, "name")?,
        org_unit_id: get(row, "org_unit_id")?,
    })
}

fn team_from(row: &AnyRow) -> Result<Team> {
    Ok(Team {
        id: get(row, "id")?,
        org_unit_id: get(row, "org_unit_id")?,
        name: get(row, "name")?,
    })
}

impl Store {
    /// The org tree and taxonomy snapshot (see `lookups`), loaded when missing or old.
    pub(crate) async fn lookups(&self) -> Result<Arc<Snapshot>> {
        if let Some(s) = self.lookups.fresh() {
            return Ok(s);
        }
        let units = sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM org_units ORDER BY path"
        ))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(org_unit_from)
        .collect::<Result<Vec<_>>>()?;
        let categories = sqlx::query(
            "SELECT code, name, name_en, parent_code FROM categories ORDER BY sort, code",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Category {
                code: get(r, "code")?,
                name: get(r, "name")?,
                name_en: get(r, "name_en")?,
                parent_code: get(r, "parent_code")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let snapshot = Arc::new(Snapshot::new(units, categories));
        self.lookups.put(snapshot.clone());
        Ok(snapshot)
    }

    /// All org units, parents before children (a parent's path is a prefix of, so sorts
    /// before, its children's).
    pub async fn org_units(&self) -> Result<Vec<OrgUnit>> {
        Ok(self.lookups().await?.units.clone())
    }

    /// One org unit. A node missing from the in-memory tree is looked up in the database
    /// (another process may have created it) and, if found, the tree is reloaded.
    pub async fn org_unit(&self, id: Id) -> Result<Option<OrgUnit>> {
        if let Some(unit) = self.lookups().await?.unit(id) {
            return Ok(Some(unit.clone()));
        }
        let unit = stored_org_unit(&self.pool, id).await?;
        if unit.is_some() {
            self.lookups.invalidate();
        }
        Ok(unit)
    }

    /// The direct children of a node, in id order.
    pub async fn org_children(&self, id: Id) -> Result<Vec<OrgUnit>> {
        Ok(self.lookups().await?.children(id))
    }

    pub async fn org_unit_by_code(&self, code: &str) -> Result<Option<OrgUnit>> {
        let row = sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM org_units WHERE code = $1"
        ))
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(org_unit_from).transpose()
    }

    /// Creates a node under `parent_id`; the kind must be the parent's child kind
    /// (`Invalid` otherwise), the code unique (`Conflict`). A root may be of any kind.
    pub async fn create_org_unit(
        &self,
        parent_id: Option<Id>,
        kind: OrgKind,
        code: &str,
        name: &str,
    ) -> Result<OrgUnit> {
        let (code, name) = code_and_name(code, name)?;
        let mut tx = self.writer.begin().await?;
        let parent = match parent_id {
            None => None,
            Some(pid) => Some(parent_of_kind(&mut tx, pid, kind).await?),
        };
        let unit = insert_org_unit(&mut tx, parent.as_ref(), kind, code, name).await?;
        tx.commit().await?;
        self.lookups.invalidate();
        Ok(unit)
    }

    pub async fn departments(&self) -> Result<Vec<Department>> {
        let rows = sqlx::query("SELECT id, code, name, org_unit_id FROM departments ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(department_from).collect()
    }

    pub async fn department(&self, id: Id) -> Result<Option<Department>> {
        let row = sqlx::query("SELECT id, code, name, org_unit_id FROM departments WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(department_from).transpose()
    }

    /// `Invalid{field:"org_unit_id"}` for an unknown node, `Conflict{field:"code"}` when taken.
    pub async fn create_department(
        &self,
        code: &str,
        name: &str,
        org_unit_id: Id,
    ) -> Result<Department> {
        let (code, name) = code_and_name(code, name)?;
        let mut tx = self.writer.begin().await?;
        require_org_unit(&mut tx, org_unit_id).await?;
        let row = sqlx::query(
            "INSERT INTO departments (code, name, org_unit_id) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(code)
        .bind(name)
        .bind(org_unit_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| write_error(e, "code", &CODE_TAKEN))?;
        let id = get(&row, "id")?;
        tx.commit().await?;
        Ok(Department {
            id,
            code: code.into(),
            name: name.into(),
            org_unit_id,
        })
    }

    /// The taxonomy, in its configured order; seeded with `default_taxonomy()` on first open.
    pub async fn categories(&self) -> Result<Vec<Category>> {
        Ok(self.lookups().await?.categories.clone())
    }

    /// One category of the taxonomy by code.
    pub async fn category(&self, code: &str) -> Result<Option<Category>> {
        Ok(self.lookups().await?.category(code).cloned())
    }

    pub async fn teams(&self, org_unit_id: Id) -> Result<Vec<Team>> {
        let rows = sqlx::query(
            "SELECT id, org_unit_id, name FROM teams WHERE org_unit_id = $1 ORDER BY id",
        )
        .bind(org_unit_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(team_from).collect()
    }

    pub async fn team(&self, id: Id) -> Result<Option<Team>> {
        let row = sqlx::query("SELECT id, org_unit_id, name FROM teams WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(team_from).transpose()
    }

    /// `Invalid{field:"org_unit_id"}` for an unknown node.
    pub async fn create_team(&self, org_unit_id: Id, name: &str) -> Result<Team> {
        let name = name.trim();
        if name.is_empty() {
            return Err(invalid("name", &ORG_NAME_EMPTY));
        }
        let mut tx = self.writer.begin().await?;
        require_org_unit(&mut tx, org_unit_id).await?;
        let row = sqlx::query("INSERT INTO teams (org_unit_id, name) VALUES ($1, $2) RETURNING id")
            .bind(org_unit_id)
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
        let id = get(&row, "id")?;
        tx.commit().await?;
        Ok(Team {
            id,
            org_unit_id,
            name: name.into(),
        })
    }
}

/// A new node's or department's code and name, trimmed; `Invalid` names the empty one.
fn code_and_name<'a>(code: &'a str, name: &'a str) -> Result<(&'a str, &'a str)> {
    let (code, name) = (code.trim(), name.trim());
    if code.is_empty() {
        return Err(invalid("code", &CODE_EMPTY));
    }
    if name.is_empty() {
        return Err(invalid("name", &ORG_NAME_EMPTY));
    }
    Ok((code, name))
}

/// Org unit `id` as the database has it now (the snapshot may be older).
async fn stored_org_unit<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: Id,
) -> Result<Option<OrgUnit>> {
    let row = sqlx::query(&format!(
        "SELECT {ORG_COLUMNS} FROM org_units WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?;
    row.as_ref().map(org_unit_from).transpose()
}

/// The parent a new node of `kind` goes under: `Invalid{field:"parent_id"}` when it does not
/// exist, `Invalid{field:"kind"}` when `kind` is not the parent's child kind.
async fn parent_of_kind(conn: &mut AnyConnection, parent_id: Id, kind: OrgKind) -> Result<OrgUnit> {
    let parent = stored_org_unit(&mut *conn, parent_id)
        .await?
        .ok_or_else(|| {
            invalid(
                "parent_id",
                &msg!(
                    "parent_unknown",
                    "上级组织不存在",
                    "The parent unit does not exist"
                ),
            )
        })?;
    if parent.kind.child() == Some(kind) {
        return Ok(parent);
    }
    let (expected_zh, expected_en) = parent
        .kind
        .child()
        .map_or(("（不能再有下级）", "(none allowed)"), |k| {
            (k.label_zh(), k.code())
        });
    let error = FieldError::new(
        "kind",
        &msg!(
            "kind_under_parent",
            "「{parent}」的下级应为{expected}，不能是{kind}",
            "Below \"{parent}\" comes {expected}, not {kind}"
        ),
    );
    Err(StoreError::Invalid(
        error
            .with("parent", &parent.name)
            .with_words("expected", expected_zh, expected_en)
            .with_words("kind", kind.label_zh(), kind.code()),
    ))
}

/// Inserts a node under `parent` (checked) and sets its path, which needs its id: two
/// statements, in the caller's transaction. `Conflict{field:"code"}` when the code is taken.
async fn insert_org_unit(
    conn: &mut AnyConnection,
    parent: Option<&OrgUnit>,
    kind: OrgKind,
    code: &str,
    name: &str,
) -> Result<OrgUnit> {
    let parent_id = parent.map(|p| p.id);
    let row = sqlx::query("INSERT INTO org_units (parent_id, kind, code, name, path) VALUES ($1, $2, $3, $4, '') RETURNING id")
        .bind(parent_id)
        .bind(kind.code())
        .bind(code)
        .bind(name)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| write_error(e, "code", &CODE_TAKEN))?;
    let id: Id = get(&row, "id")?;
    let path = OrgUnit::child_path(parent.map(|p| p.path.as_str()), id);
    sqlx::query("UPDATE org_units SET path = $1 WHERE id = $2")
        .bind(&path)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(OrgUnit {
        id,
        parent_id,
        kind,
        code: code.into(),
        name: name.into(),
        path,
    })
}

/// The path of org unit `id`, or `Invalid{field:"org_unit_id"}`.
pub(crate) async fn require_org_unit(conn: &mut AnyConnection, id: Id) -> Result<String> {
    org_path(conn, id)
        .await?
        .ok_or_else(|| invalid("org_unit_id", &ORG_UNIT_MISSING))
}

pub(crate) async fn org_path(conn: &mut AnyConnection, id: Id) -> Result<Option<String>> {
    let mut a = Args::default();
    let sql = format!("SELECT path FROM org_units WHERE id = {}", a.push(id));
    let row = a.query(&sql).fetch_optional(conn).await?;
    row.as_ref().map(|r| get::<String>(r, "path")).transpose()
}
