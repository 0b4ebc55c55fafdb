//! Who may give whom which account: the one rule for creating or changing a user account.
//!
//! An account carries a role, a node and (for a liaison) a department, and each of them is
//! power: the node is what the account sees, the department is whose referrals it reads with
//! full phone numbers, the role is what it may do there. So a creator may hand out only what
//! it holds itself: a node in its own subtree, a department attached inside its subtree, and
//! a role no higher than its own in [`admin_rank`]. Without the department check a street
//! could mint a liaison for another street's department and read that street's appellants.

use crate::access::{Actor, Capability, Role};
use crate::org::in_subtree;

/// The order of roles for account administration (higher holds more): the district
/// administrator above everyone; the auditor, who oversees staff and reads the whole of its
/// scope, above street staff; a street above its stations; a station beside a liaison (each
/// sees one slice with full numbers); a volunteer lowest. A creator may give only roles at or
/// below its own, and only the roles that manage users create accounts at all.
pub fn admin_rank(role: Role) -> u8 {
    match role {
        Role::DistrictAdmin => 5,
        Role::Auditor => 4,
        Role::StreetStaff => 3,
        Role::StationStaff | Role::DepartmentLiaison => 2,
        Role::Volunteer => 1,
    }
}

/// An account as it would be after creation or a change, with the paths the rule needs.
#[derive(Debug, Clone, Copy)]
pub struct AccountPlan<'a> {
    pub role: Role,
    /// Materialized path of the account's node.
    pub node_path: &'a str,
    /// Path of the node the account's department is attached to, when it has one.
    pub department_path: Option<&'a str>,
}

/// Why an account may not be given. The server answers the first two with 403, the node
/// and department outside the creator's scope with 404 (as if unknown), a misfit with 422.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountRefusal {
    /// The creator's role does not manage accounts.
    MayNotManage,
    /// The role asked for is above the creator's.
    RoleAbove,
    /// The account's node lies outside the creator's subtree.
    NodeOutside,
    /// The department is attached outside the creator's subtree.
    DepartmentOutside,
    /// The department is not attached at the account's node or above it.
    DepartmentMisfit,
}

/// Checks that `actor` may create (or change an account into) `plan`. The checks run from the
/// least revealing answer to the most: a refused role says nothing about nodes.
pub fn check_account(actor: &Actor, plan: AccountPlan<'_>) -> Result<(), AccountRefusal> {
    if !actor.may(Capability::ManageUsers) {
        return Err(AccountRefusal::MayNotManage);
    }
    if admin_rank(plan.role) > admin_rank(actor.role) {
        return Err(AccountRefusal::RoleAbove);
    }
    if !in_subtree(&actor.org_path, plan.node_path) {
        return Err(AccountRefusal::NodeOutside);
    }
    if let Some(dept) = plan.department_path {
        if !in_subtree(&actor.org_path, dept) {
            return Err(AccountRefusal::DepartmentOutside);
        }
        // A liaison answers for its department from the department's node or a node below
        // it; a liaison placed elsewhere would carry one street's referrals into another.
        if !in_subtree(dept, plan.node_path) {
            return Err(AccountRefusal::DepartmentMisfit);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A small tree: district /1/, streets /1/2/ and /1/3/, communities /1/2/4/ and /1/3/5/,
    /// a grid /1/2/4/6/.
    const NODES: [&str; 6] = ["/1/", "/1/2/", "/1/3/", "/1/2/4/", "/1/3/5/", "/1/2/4/6/"];

    fn actor(role: Role, path: &str) -> Actor {
        Actor {
            user_id: 1,
            name: "创建者".into(),
            role,
            org_unit_id: 1,
            org_path: path.into(),
            department_id: None,
        }
    }

    /// The rule written out as a table, independently of `admin_rank`: which roles each
    /// creator may give.
    fn may_give(creator: Role, target: Role) -> bool {
        use Role::*;
        match creator {
            DistrictAdmin => true,
            StreetStaff => matches!(
                target,
                StreetStaff | StationStaff | DepartmentLiaison | Volunteer
            ),
            StationStaff | DepartmentLiaison | Volunteer | Auditor => false,
        }
    }

    /// True when `inner` equals `outer` or lies below it, by walking `inner`'s ancestors.
    fn under(outer: &str, inner: &str) -> bool {
        let mut p = inner.to_string();
        loop {
            if p == outer {
                return true;
            }
            let trimmed = p.trim_end_matches('/');
            match trimmed.rfind('/') {
                Some(i) if i > 0 => p = format!("{}/", &trimmed[..i]),
                _ => return false,
            }
        }
    }

    proptest! {
        /// Any creator role at any node × any target role × any node × any department
        /// (or none): allowed exactly when the role is given by the table, the node is in the
        /// creator's subtree, and the department is in the creator's subtree with the node at
        /// or below it.
        #[test]
        fn accounts_stay_inside_scope_and_rank(
            creator in 0..Role::ALL.len(),
            creator_node in 0..NODES.len(),
            target in 0..Role::ALL.len(),
            node in 0..NODES.len(),
            dept in proptest::option::of(0..NODES.len()),
        ) {
            let (creator, target) = (Role::ALL[creator], Role::ALL[target]);
            let who = actor(creator, NODES[creator_node]);
            let plan = AccountPlan {
                role: target,
                node_path: NODES[node],
                department_path: dept.map(|d| NODES[d]),
            };
            let expected = may_give(creator, target)
                && under(NODES[creator_node], NODES[node])
                && dept.is_none_or(|d| {
                    under(NODES[creator_node], NODES[d]) && under(NODES[d], NODES[node])
                });
            prop_assert_eq!(check_account(&who, plan).is_ok(), expected, "{:?} → {:?}", who, plan);
        }
    }

    #[test]
    fn a_street_cannot_mint_a_liaison_for_another_street() {
        let street = actor(Role::StreetStaff, "/1/2/");
        let foreign = AccountPlan {
            role: Role::DepartmentLiaison,
            node_path: "/1/2/",
            department_path: Some("/1/3/"),
        };
        assert_eq!(
            check_account(&street, foreign),
            Err(AccountRefusal::DepartmentOutside)
        );
        let own = AccountPlan {
            department_path: Some("/1/2/"),
            ..foreign
        };
        assert_eq!(check_account(&street, own), Ok(()));
        let district_dept = AccountPlan {
            department_path: Some("/1/"),
            ..foreign
        };
        assert_eq!(
            check_account(&street, district_dept),
            Err(AccountRefusal::DepartmentOutside)
        );
        for above in [Role::Auditor, Role::DistrictAdmin] {
            let plan = AccountPlan {
                role: above,
                node_path: "/1/2/",
                department_path: None,
            };
            assert_eq!(check_account(&street, plan), Err(AccountRefusal::RoleAbove));
        }
    }
}
