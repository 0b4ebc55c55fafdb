//! Organization tree, departments, categories (the taxonomy) and teams.

use suqiu_core::category::Category;
use suqiu_core::org::{Department, OrgKind, OrgUnit};
use suqiu_core::Id;

use crate::error::Result;
use crate::Store;

/// A service team (组团式服务) appeals can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Team {
    pub id: Id,
    pub org_unit_id: Id,
    pub name: String,
}

impl Store {
    /// All org units, parents before children.
    pub async fn org_units(&self) -> Result<Vec<OrgUnit>> {
        todo!()
    }
    pub async fn org_unit(&self, id: Id) -> Result<Option<OrgUnit>> {
        let _ = id;
        todo!()
    }
    pub async fn org_unit_by_code(&self, code: &str) -> Result<Option<OrgUnit>> {
        let _ = code;
        todo!()
    }
    /// Creates a node under `parent_id`; the kind must be the parent's child kind
    /// (`Invalid` otherwise), the code unique (`Conflict`).
    pub async fn create_org_unit(&self, parent_id: Option<Id>, kind: OrgKind, code: &str, name: &str) -> Result<OrgUnit> {
        let _ = (parent_id, kind, code, name);
        todo!()
    }
    pub async fn departments(&self) -> Result<Vec<Department>> {
        todo!()
    }
    pub async fn department(&self, id: Id) -> Result<Option<Department>> {
        let _ = id;
        todo!()
    }
    pub async fn create_department(&self, code: &str, name: &str, org_unit_id: Id) -> Result<Department> {
        let _ = (code, name, org_unit_id);
        todo!()
    }
    /// The taxonomy; seeded with `default_taxonomy()` by the first migration run.
    pub async fn categories(&self) -> Result<Vec<Category>> {
        todo!()
    }
    pub async fn teams(&self, org_unit_id: Id) -> Result<Vec<Team>> {
        let _ = org_unit_id;
        todo!()
    }
    pub async fn team(&self, id: Id) -> Result<Option<Team>> {
        let _ = id;
        todo!()
    }
    pub async fn create_team(&self, org_unit_id: Id, name: &str) -> Result<Team> {
        let _ = (org_unit_id, name);
        todo!()
    }
}
