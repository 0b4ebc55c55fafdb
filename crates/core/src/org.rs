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
    fn child_paths_extend_the_parent() {
        assert_eq!(OrgUnit::child_path(None, 1), "/1/");
        assert_eq!(OrgUnit::child_path(Some("/1/4/"), 27), "/1/4/27/");
    }
}
