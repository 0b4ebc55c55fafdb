//! The organization tree (district → street/town → community/village → grid) and departments.
//!
//! Every node carries a materialized path (`/1/4/27/`) so that "the subtree of a node" is a
//! prefix test here and an indexed `LIKE 'prefix%'` in the database.

use serde::{Deserialize, Serialize};

use crate::vocabulary;
use crate::Id;

vocabulary!(
    /// The level of a node. Towns (镇) are `street` level; villages (村) are `community` level.
    OrgKind {
        District = "district" / "区",
        Street = "street" / "街道/镇",
        Community = "community" / "居民区/村",
        Grid = "grid" / "网格",
    }
);

impl OrgKind {
    /// The kind a child of this node must have.
    pub fn child(self) -> Option<OrgKind> {
        match self {
            OrgKind::District => Some(OrgKind::Street),
            OrgKind::Street => Some(OrgKind::Community),
            OrgKind::Community => Some(OrgKind::Grid),
            OrgKind::Grid => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    pub id: Id,
    pub parent_id: Option<Id>,
    pub kind: OrgKind,
    pub code: String,
    pub name: String,
    /// Materialized path of ids from the root, e.g. `/1/4/27/`.
    pub path: String,
}

impl OrgUnit {
    /// The path of a child with id `child_id` under a node with path `parent_path`.
    pub fn child_path(parent_path: Option<&str>, child_id: Id) -> String {
        format!("{}{child_id}/", parent_path.unwrap_or("/"))
    }
}

/// True when `path` lies in the subtree rooted at `root_path` (the node itself included).
pub fn in_subtree(root_path: &str, path: &str) -> bool {
    path.starts_with(root_path)
}

/// True when `upper_path` is a strict ancestor of `path` ("a higher level").
pub fn is_strict_ancestor(upper_path: &str, path: &str) -> bool {
    path.len() > upper_path.len() && path.starts_with(upper_path)
}

/// A department (有关部门) that appeals can be referred to, attached to a street or the district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: Id,
    pub code: String,
    pub name: String,
    pub org_unit_id: Id,
}

/// The referral rule (转办): an appeal handled at `handling_path` may be referred to a
/// department attached at `department_path` when that node is the handling unit itself or a
/// level above it — its street's departments and the district's, never another street's
/// (whose liaisons could not even see the appeal's neighbourhood). The API refuses any other
/// department and the form offers only these.
pub fn may_refer(handling_path: &str, department_path: &str) -> bool {
    in_subtree(department_path, handling_path)
}

/// The order a referral list shows departments in: the nearest level first (the handling
/// unit's own, then its street's, then the district's), by name within a level. Sorts
/// `(department path, name)` keys; deeper paths are nearer.
pub fn referral_order(a: (&str, &str), b: (&str, &str)) -> std::cmp::Ordering {
    depth(b.0).cmp(&depth(a.0)).then_with(|| a.1.cmp(b.1))
}

/// How many levels below the root a path is (`/1/` is 1).
fn depth(path: &str) -> usize {
    path.matches('/').count().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_is_a_prefix_on_whole_segments() {
        assert!(in_subtree("/1/4/", "/1/4/27/"));
        assert!(in_subtree("/1/4/", "/1/4/"));
        // /1/4/ must not contain /1/41/: the trailing slash makes segments whole.
        assert!(!in_subtree("/1/4/", "/1/41/"));
        assert!(is_strict_ancestor("/1/", "/1/4/"));
        assert!(!is_strict_ancestor("/1/4/", "/1/4/"));
    }

    #[test]
    fn referral_goes_to_the_own_street_and_the_district_only() {
        let community = "/1/4/27/";
        assert!(may_refer(community, "/1/4/"), "its street's department");
        assert!(may_refer(community, "/1/"), "a district department");
        assert!(may_refer(community, community), "its own");
        assert!(!may_refer(community, "/1/5/"), "another street's");
        assert!(
            !may_refer(community, "/1/41/"),
            "a street whose id only shares digits"
        );
        assert!(
            !may_refer("/1/4/", "/1/4/27/"),
            "a street cannot use a community's"
        );
        let mut keys = vec![
            ("/1/", "区民政局"),
            ("/1/4/", "岳阳街道房管所"),
            ("/1/4/", "城管中队"),
        ];
        keys.sort_by(|a, b| referral_order(*a, *b));
        assert_eq!(
            keys,
            [
                ("/1/4/", "城管中队"),
                ("/1/4/", "岳阳街道房管所"),
                ("/1/", "区民政局")
            ]
        );
    }

    #[test]
    fn child_paths_extend_the_parent() {
        assert_eq!(OrgUnit::child_path(None, 1), "/1/");
        assert_eq!(OrgUnit::child_path(Some("/1/4/"), 27), "/1/4/27/");
    }
}
