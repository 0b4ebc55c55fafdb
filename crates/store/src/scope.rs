//! Read scope in SQL: the one place list queries learn what an actor may see.
//! It mirrors `suqiu_core::access::relation`; a conformance test checks they agree.
//!
//! Staff and auditors see the subtree of their node. A subtree is written as a range of
//! materialized paths, `path >= '/1/4/' AND path < '/1/40'` ('0' is the byte after '/'),
//! rather than `LIKE '/1/4/%'`: the same set (every path ends in '/'), but a plain B-tree
//! range on both backends (SQLite's LIKE optimization needs NOCASE indexes, PostgreSQL's
//! needs the C collation, which the path columns have anyway).

use suqiu_core::access::{Actor, Role};
use suqiu_core::Id;

use crate::lookups::Snapshot;
use crate::sql::Args;

/// The half-open range `[lo, hi)` of paths in the subtree rooted at `path`.
pub fn subtree_range(path: &str) -> (String, String) {
    let stem = path.strip_suffix('/').unwrap_or(path);
    (format!("{stem}/"), format!("{stem}0"))
}

/// `column` lies in the subtree of `path`.
pub(crate) fn in_subtree(column: &str, path: &str, args: &mut Args) -> String {
    let (lo, hi) = subtree_range(path);
    format!(
        "({column} >= {} AND {column} < {})",
        args.push(lo),
        args.push(hi)
    )
}

/// Above this many nodes a subtree is matched as a range of paths, not as their list.
const MAX_LISTED_PATHS: usize = 300;

/// `column` lies in the subtree of `path`, for a query that also bounds a time and reads an
/// index led by (path, time). A range of paths makes the index walk the subtree's whole
/// history and filter the period; the list of the subtree's paths lets it seek to the
/// period inside each node. The whole tree needs no condition at all. The list comes from
/// the snapshot (`lookups`): a node another process created in the last half-minute is
/// missed until the snapshot is renewed.
pub(crate) fn in_subtree_seekable(
    column: &str,
    path: &str,
    tree: &Snapshot,
    args: &mut Args,
) -> String {
    if tree.is_whole_tree(path) {
        return "1 = 1".into();
    }
    let paths = tree.subtree_paths(path);
    if paths.is_empty() || paths.len() > MAX_LISTED_PATHS {
        return in_subtree(column, path, args);
    }
    let list: Vec<String> = paths.into_iter().map(|p| args.push(p)).collect();
    format!("{column} IN ({})", list.join(", "))
}

/// Roles whose scope is the subtree of their node.
pub fn is_subtree_role(role: Role) -> bool {
    match role {
        Role::DistrictAdmin | Role::StreetStaff | Role::StationStaff | Role::Auditor => true,
        Role::DepartmentLiaison | Role::Volunteer => false,
    }
}

/// The appeals (alias `a`) the actor may read, as a WHERE condition.
pub(crate) fn appeals(actor: &Actor, args: &mut Args) -> String {
    match actor.role {
        Role::DepartmentLiaison => match actor.department_id {
            Some(d) => format!("a.department_id = {}", args.push(d)),
            None => "1 = 0".into(),
        },
        Role::Volunteer => format!("a.assignee_user_id = {}", args.push(actor.user_id)),
        Role::DistrictAdmin | Role::StreetStaff | Role::StationStaff | Role::Auditor => {
            in_subtree("a.org_path", &actor.org_path, args)
        }
    }
}

/// The people (alias `p`) the actor may read: those registered in its subtree; for a
/// volunteer the appellants of appeals assigned to it, for a liaison those of appeals
/// referred to its department (the least personal data needed to do the task).
pub(crate) fn people(actor: &Actor, args: &mut Args) -> String {
    match actor.role {
        Role::DepartmentLiaison => match actor.department_id {
            Some(d) => format!(
                "p.id IN (SELECT appellant_person_id FROM appeals WHERE department_id = {} AND appellant_person_id IS NOT NULL)",
                args.push(d)
            ),
            None => "1 = 0".into(),
        },
        Role::Volunteer => format!(
            "(p.id IN (SELECT appellant_person_id FROM appeals WHERE assignee_user_id = {} AND appellant_person_id IS NOT NULL) OR {})",
            args.push(actor.user_id),
            assigned_care(actor.user_id, args)
        ),
        Role::DistrictAdmin | Role::StreetStaff | Role::StationStaff | Role::Auditor => {
            in_subtree("p.org_path", &actor.org_path, args)
        }
    }
}

/// The people (alias `p`) on the care register the actor may read: staff and auditors their
/// subtree; a volunteer the people assigned to it ([`assigned_care`]); a liaison none.
pub(crate) fn care_people(actor: &Actor, args: &mut Args) -> String {
    match actor.role {
        Role::DepartmentLiaison => "1 = 0".into(),
        Role::Volunteer => assigned_care(actor.user_id, args),
        Role::DistrictAdmin | Role::StreetStaff | Role::StationStaff | Role::Auditor => {
            in_subtree("p.org_path", &actor.org_path, args)
        }
    }
}

/// The people (alias `p`) a worker looks after: those paired with the user (结对) and the
/// households in the blocks of the teams the user belongs to.
pub(crate) fn assigned_care(user_id: Id, args: &mut Args) -> String {
    let user = args.push(user_id);
    format!(
        "(p.id IN (SELECT person_id FROM pairings WHERE partner_user_id = {user} AND ended_on IS NULL) OR {})",
        in_team_blocks(&format!(
            "SELECT team_id FROM team_members WHERE user_id = {user}"
        ))
    )
}

/// People (alias `p`) living in a block of the teams `teams` (an SQL list or subquery of
/// team ids) look after: a node's path range, narrowed to an address prefix when it has one.
pub(crate) fn in_team_blocks(teams: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM team_blocks b WHERE b.team_id IN ({teams}) \
         AND p.org_path >= b.path_lo AND p.org_path < b.path_hi \
         AND (b.address_like IS NULL OR p.address LIKE b.address_like ESCAPE '\\'))"
    )
}

/// The pairings (alias `pr`) the actor may read: staff and auditors by the paired person's
/// subtree, a volunteer its own, a liaison none.
pub(crate) fn pairings(actor: &Actor, args: &mut Args) -> String {
    match actor.role {
        Role::DepartmentLiaison => "1 = 0".into(),
        Role::Volunteer => format!("pr.partner_user_id = {}", args.push(actor.user_id)),
        Role::DistrictAdmin | Role::StreetStaff | Role::StationStaff | Role::Auditor => {
            in_subtree("pr.org_path", &actor.org_path, args)
        }
    }
}

/// The wishes (alias `w`) the actor may see: staff and auditors those of their subtree; a
/// volunteer, who may claim them, the open and claimed ones of its area (a claim that lost
/// a race then reads as taken, 409, not as gone) and those it claimed (the wisher's name is
/// masked on the way out); a liaison none.
pub(crate) fn wishes(actor: &Actor, args: &mut Args) -> String {
    match actor.role {
        Role::DepartmentLiaison => "1 = 0".into(),
        Role::Volunteer => format!(
            "({} AND (w.status IN ('open', 'claimed') OR w.claimed_by = {}))",
            in_subtree("w.org_path", &actor.org_path, args),
            args.push(actor.user_id)
        ),
        Role::DistrictAdmin | Role::StreetStaff | Role::StationStaff | Role::Auditor => {
            in_subtree("w.org_path", &actor.org_path, args)
        }
    }
}

/// The wishes (alias `w`) in the actor's area, whatever their status: where its commands
/// may reach. What it may *read* is [`wishes`]; the difference matters to a volunteer whose
/// claim loses a race: it must learn that it lost (409), not that the wish vanished (404).
pub(crate) fn wish_area(actor: &Actor, args: &mut Args) -> String {
    match actor.role {
        Role::DepartmentLiaison => "1 = 0".into(),
        _ => in_subtree("w.org_path", &actor.org_path, args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use suqiu_core::org::in_subtree as core_in_subtree;

    fn sql_in(root: &str, path: &str) -> bool {
        let (lo, hi) = subtree_range(root);
        path >= lo.as_str() && path < hi.as_str()
    }

    #[test]
    fn ranges_agree_with_core_prefix_rule() {
        let paths = [
            "/1/",
            "/1/4/",
            "/1/4/27/",
            "/1/40/",
            "/1/41/",
            "/1/3/",
            "/1/4/27/9/",
            "/2/",
            "/10/",
        ];
        for root in paths {
            for p in paths {
                assert_eq!(sql_in(root, p), core_in_subtree(root, p), "{root} ⊇ {p}");
            }
        }
    }
}
