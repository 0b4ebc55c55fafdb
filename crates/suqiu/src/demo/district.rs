//! The demo district definition: 松江区 with its 6 streets and 11 towns, their communities
//! (居民区/村) and grids, the departments appeals are referred to, and the demo accounts.
//!
//! The data lives in `data/demo/district.json` and is embedded in the binary. Org units are
//! listed parents-first, so they can be inserted in order. Passwords are not part of the
//! data: whoever creates the accounts sets them.

use serde::{Deserialize, Serialize};
use suqiu_core::access::Role;
use suqiu_core::org::OrgKind;

/// The embedded JSON, as shipped.
pub const DISTRICT_JSON: &str = include_str!("../../../../data/demo/district.json");

/// The whole demo district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoDistrict {
    /// The organization tree, parents before children.
    pub org_units: Vec<DemoOrgUnit>,
    /// Referral targets, each attached to a street or the district.
    pub departments: Vec<DemoDepartment>,
    /// Demo sign-in accounts (password set by code).
    pub accounts: Vec<DemoAccount>,
}

/// A node of the organization tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoOrgUnit {
    /// Stable unique code, e.g. `310117001001` (佛字桥居民区) or `310117001001G1` (a grid).
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    /// `None` only for the root (松江区).
    pub parent_code: Option<String>,
}

/// A department (有关部门) appeals can be referred to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoDepartment {
    /// Stable unique code, e.g. `yueyang-fgs` (岳阳街道房管所).
    pub code: String,
    pub name: String,
    /// The org unit (a street or the district) it is attached to.
    pub org_code: String,
}

/// A demo account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    /// Role code as in API.md (`district_admin`, `station_staff`, …); see
    /// [`DemoAccount::parsed_role`].
    pub role: String,
    /// The org unit whose subtree the account sees.
    pub org_code: String,
    /// For `department_liaison`: the department it answers for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_code: Option<String>,
}

/// Parses the embedded demo district.
///
/// Panics only if the shipped JSON is malformed, which the tests rule out.
pub fn demo_district() -> DemoDistrict {
    serde_json::from_str(DISTRICT_JSON).expect("data/demo/district.json is valid")
}

impl DemoAccount {
    /// The role, parsed (`None` only for a code outside API.md's six).
    pub fn parsed_role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }
}

impl DemoDistrict {
    /// The org unit with this code.
    pub fn org_unit(&self, code: &str) -> Option<&DemoOrgUnit> {
        self.org_units.iter().find(|u| u.code == code)
    }

    /// The first org unit with this name (names are unique except for grids).
    pub fn org_unit_by_name(&self, name: &str) -> Option<&DemoOrgUnit> {
        self.org_units.iter().find(|u| u.name == name)
    }

    /// The direct children of the node with code `parent_code`, in listed order.
    pub fn children<'a>(&'a self, parent_code: &'a str) -> impl Iterator<Item = &'a DemoOrgUnit> {
        self.org_units
            .iter()
            .filter(move |u| u.parent_code.as_deref() == Some(parent_code))
    }

    /// All org units of one kind, in listed order.
    pub fn of_kind(&self, kind: OrgKind) -> impl Iterator<Item = &DemoOrgUnit> {
        self.org_units.iter().filter(move |u| u.kind == kind)
    }

    /// The department with this code.
    pub fn department(&self, code: &str) -> Option<&DemoDepartment> {
        self.departments.iter().find(|d| d.code == code)
    }

    /// The account with this username.
    pub fn account(&self, username: &str) -> Option<&DemoAccount> {
        self.accounts.iter().find(|a| a.username == username)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn parses() {
        let d = demo_district();
        assert!(d.org_units.len() > 100);
        assert!(!d.departments.is_empty());
        assert!(!d.accounts.is_empty());
    }

    #[test]
    fn parents_exist_and_come_first_with_the_right_kind() {
        let d = demo_district();
        let mut seen: HashMap<&str, OrgKind> = HashMap::new();
        for (i, u) in d.org_units.iter().enumerate() {
            match &u.parent_code {
                None => {
                    assert_eq!(i, 0, "only the first unit is a root: {}", u.code);
                    assert_eq!(u.kind, OrgKind::District);
                }
                Some(p) => {
                    let parent_kind = seen
                        .get(p.as_str())
                        .unwrap_or_else(|| panic!("{}: parent {p} missing or later", u.code));
                    assert_eq!(parent_kind.child(), Some(u.kind), "{}", u.code);
                    assert!(u.code.starts_with(p.as_str()), "{} under {p}", u.code);
                }
            }
            seen.insert(&u.code, u.kind);
        }
        assert_eq!(d.org_units[0].code, "310117");
        assert_eq!(d.org_units[0].name, "松江区");
    }

    #[test]
    fn codes_are_unique() {
        let d = demo_district();
        let mut codes = HashSet::new();
        for u in &d.org_units {
            assert!(
                codes.insert(u.code.as_str()),
                "duplicate org code {}",
                u.code
            );
            assert!(!u.name.is_empty());
        }
        let mut deps = HashSet::new();
        for dep in &d.departments {
            assert!(
                deps.insert(dep.code.as_str()),
                "duplicate dept {}",
                dep.code
            );
        }
        let mut users = HashSet::new();
        for a in &d.accounts {
            assert!(
                users.insert(a.username.as_str()),
                "duplicate {}",
                a.username
            );
        }
        // Community names are unique too, so a station can be found by name.
        let mut names = HashSet::new();
        for u in d.of_kind(OrgKind::Community) {
            assert!(
                names.insert(u.name.as_str()),
                "duplicate community {}",
                u.name
            );
        }
    }

    #[test]
    fn six_streets_and_eleven_towns() {
        let d = demo_district();
        let streets: Vec<_> = d.children("310117").collect();
        assert_eq!(streets.len(), 17);
        assert!(streets.iter().all(|s| s.kind == OrgKind::Street));
        let jd = streets.iter().filter(|s| s.name.ends_with("街道")).count();
        let towns = streets.iter().filter(|s| s.name.ends_with('镇')).count();
        assert_eq!((jd, towns), (6, 11));
        for s in &streets {
            let n = d.children(&s.code).count();
            assert!((4..=8).contains(&n), "{} has {n} communities", s.name);
        }
    }

    #[test]
    fn fozi_qiao_is_under_yueyang() {
        let d = demo_district();
        let fzq = d.org_unit("310117001001").unwrap();
        assert_eq!(fzq.name, "佛字桥居民区");
        assert_eq!(fzq.kind, OrgKind::Community);
        assert_eq!(fzq.parent_code.as_deref(), Some("310117001"));
        assert_eq!(d.org_unit("310117001").unwrap().name, "岳阳街道");
        assert_eq!(d.org_unit_by_name("佛字桥居民区").unwrap().code, fzq.code);
    }

    #[test]
    fn every_community_has_at_least_two_grids() {
        let d = demo_district();
        for c in d.of_kind(OrgKind::Community) {
            let n = d
                .children(&c.code)
                .filter(|g| g.kind == OrgKind::Grid)
                .count();
            assert!((2..=4).contains(&n), "{} has {n} grids", c.name);
        }
    }

    #[test]
    fn departments_attach_to_streets_or_the_district() {
        let d = demo_district();
        for dep in &d.departments {
            let org = d
                .org_unit(&dep.org_code)
                .unwrap_or_else(|| panic!("{}: org {} missing", dep.code, dep.org_code));
            assert!(matches!(org.kind, OrgKind::District | OrgKind::Street));
        }
        // Every street has its four standard departments.
        for s in d.of_kind(OrgKind::Street) {
            let names: Vec<_> = d
                .departments
                .iter()
                .filter(|dep| dep.org_code == s.code)
                .map(|dep| dep.name.as_str())
                .collect();
            for suffix in ["房管所", "城管中队", "社区卫生服务中心", "派出所"] {
                assert!(
                    names.iter().any(|n| n.ends_with(suffix)),
                    "{} lacks {suffix}",
                    s.name
                );
            }
        }
        assert!(d.departments.iter().any(|dep| dep.name.contains("物业")));
        assert_eq!(d.department("yueyang-fgs").unwrap().name, "岳阳街道房管所");
    }

    #[test]
    fn accounts_point_at_existing_orgs_and_departments() {
        let d = demo_district();
        for a in &d.accounts {
            assert!(a.parsed_role().is_some(), "{}: role {}", a.username, a.role);
            assert!(d.org_unit(&a.org_code).is_some(), "{}: org", a.username);
            if let Some(dc) = &a.department_code {
                assert!(d.department(dc).is_some(), "{}: department", a.username);
            }
            assert_eq!(
                a.parsed_role() == Some(Role::DepartmentLiaison),
                a.department_code.is_some(),
                "{}",
                a.username
            );
        }
        let expect = [
            ("admin", Role::DistrictAdmin, "310117"),
            ("yueyang", Role::StreetStaff, "310117001"),
            ("fzq", Role::StationStaff, "310117001001"),
            ("liaison", Role::DepartmentLiaison, "310117001"),
            ("volunteer", Role::Volunteer, "310117001001"),
        ];
        for (u, role, org) in expect {
            let a = d.account(u).unwrap();
            assert_eq!(
                (a.parsed_role(), a.org_code.as_str()),
                (Some(role), org),
                "{u}"
            );
        }
        assert_eq!(d.account("admin").unwrap().display_name, "区委组织部管理员");
        assert_eq!(
            d.account("liaison").unwrap().department_code.as_deref(),
            Some("yueyang-fgs")
        );
        let s2 = d.account("station2").unwrap();
        assert_eq!(s2.parsed_role(), Some(Role::StationStaff));
        let c = d.org_unit(&s2.org_code).unwrap();
        assert_eq!(c.kind, OrgKind::Community);
        let street = d.org_unit(c.parent_code.as_deref().unwrap()).unwrap();
        assert_eq!(street.name, "永丰街道");
    }
}
