//! Reading back a loaded district: its nodes, who acts where, who can appeal where.

use std::collections::HashMap;

use anyhow::{Context as _, Result};
use suqiu_core::access::{Actor, Role};
use suqiu_core::org::{Department, OrgKind, OrgUnit};
use suqiu_core::Id;
use suqiu_store::Store;

use super::Loaded;
use crate::demo::simulate::{Cast, Node};

/// Reads back the loaded district: nodes, who acts where, who can appeal where.
pub(super) async fn existing(store: &Store) -> Result<Loaded> {
    let units = store.org_units().await?;
    let nodes: HashMap<Id, Node> = units
        .iter()
        .map(|u| {
            (
                u.id,
                Node {
                    path: u.path.clone(),
                    parent: u.parent_id,
                },
            )
        })
        .collect();
    let root = units
        .iter()
        .find(|u| u.parent_id.is_none())
        .context("the district has no root")?;
    let admin_actor = Actor {
        user_id: 0,
        name: String::new(),
        role: Role::DistrictAdmin,
        org_unit_id: root.id,
        org_path: root.path.clone(),
        department_id: None,
    };
    let staff = Staff {
        users: store.users_in_scope(&admin_actor).await?,
        nodes: &nodes,
    };
    let communities: Vec<OrgUnit> = units
        .iter()
        .filter(|u| u.kind == OrgKind::Community)
        .cloned()
        .collect();
    let fzq = communities
        .iter()
        .find(|c| c.code == "310117001001")
        .map(|c| c.id)
        .context("佛字桥居民区 missing")?;
    let departments = store.departments().await?;
    let casts = staff.casts(&communities, &departments, &units)?;
    let people = people_by_node(store, &admin_actor).await?;
    Ok(Loaded {
        nodes,
        communities,
        casts,
        people,
        fzq,
    })
}

/// The district's users, as the actors the simulation plays.
struct Staff<'a> {
    users: Vec<suqiu_store::users::User>,
    nodes: &'a HashMap<Id, Node>,
}

impl Staff<'_> {
    fn actor_of(&self, u: &suqiu_store::users::User) -> Actor {
        Actor {
            user_id: u.id,
            name: u.display_name.clone(),
            role: u.role,
            org_unit_id: u.org_unit_id,
            org_path: self
                .nodes
                .get(&u.org_unit_id)
                .map(|n| n.path.clone())
                .unwrap_or_default(),
            department_id: u.department_id,
        }
    }

    /// A user of `role` at `unit`: a named demo account before a generated staff account.
    fn staff_of(&self, unit: Id, role: Role) -> Option<Actor> {
        self.users
            .iter()
            .filter(|u| u.org_unit_id == unit && u.role == role)
            .min_by_key(|u| (u.username.starts_with('u'), u.id))
            .map(|u| self.actor_of(u))
    }

    /// Who acts on the appeals of each community: its station, its street, the liaisons
    /// of the street's and the district's departments, a volunteer if any. A community
    /// without station or street staff is left out.
    fn casts(
        &self,
        communities: &[OrgUnit],
        departments: &[Department],
        units: &[OrgUnit],
    ) -> Result<HashMap<Id, Cast>> {
        let by_id: HashMap<Id, &OrgUnit> = units.iter().map(|u| (u.id, u)).collect();
        let mut casts = HashMap::new();
        for c in communities {
            let street = c.parent_id.context("community without street")?;
            let (Some(station), Some(street_actor)) = (
                self.staff_of(c.id, Role::StationStaff),
                self.staff_of(street, Role::StreetStaff),
            ) else {
                continue;
            };
            let dept_liaisons = departments
                .iter()
                .filter(|d| {
                    d.org_unit_id == street
                        || by_id
                            .get(&d.org_unit_id)
                            .is_some_and(|u| u.parent_id.is_none())
                })
                .filter_map(|d| {
                    self.users
                        .iter()
                        .find(|u| u.department_id == Some(d.id))
                        .map(|u| (d.id, self.actor_of(u)))
                })
                .collect();
            let volunteer = self.staff_of(c.id, Role::Volunteer);
            casts.insert(
                c.id,
                Cast {
                    station,
                    street: street_actor,
                    departments: dept_liaisons,
                    volunteer,
                },
            );
        }
        Ok(casts)
    }
}

/// The people on the register, by the node they are registered at.
async fn people_by_node(store: &Store, admin: &Actor) -> Result<HashMap<Id, Vec<(Id, String)>>> {
    let mut people: HashMap<Id, Vec<(Id, String)>> = HashMap::new();
    let page = store
        .list_people(
            admin,
            &suqiu_store::people::PeopleFilter {
                page: 1,
                per_page: 1_000_000,
                ..Default::default()
            },
        )
        .await?;
    for p in page.items {
        people
            .entry(p.org_unit_id)
            .or_default()
            .push((p.id, p.name));
    }
    Ok(people)
}
