//! Roles, what each may do, and where: the one place that decides access.
//!
//! Two questions, always asked together: does the **role** permit this capability (the
//! role × capability matrix below, data that the tests walk exhaustively), and does the
//! actor stand in the right **relation** to the thing (inside its subtree; the handling unit;
//! the assignee; the department it was referred to; a higher level).

use serde::{Deserialize, Serialize};

use crate::error::{Msg, Reason};
use crate::msg;
use crate::org::{in_subtree, is_strict_ancestor};
use crate::vocabulary;
use crate::Id;

vocabulary!(
    /// The roles of API.md.
    Role {
        DistrictAdmin = "district_admin" / "区级管理员",
        StreetStaff = "street_staff" / "街道工作人员",
        StationStaff = "station_staff" / "站点工作人员",
        DepartmentLiaison = "department_liaison" / "部门联络员",
        Volunteer = "volunteer" / "志愿者",
        Auditor = "auditor" / "审计监督",
    }
);

vocabulary!(
    /// Every lifecycle action of API.md.
    ActionKind {
        Accept = "accept" / "受理",
        Assign = "assign" / "分派",
        Refer = "refer" / "转办",
        Escalate = "escalate" / "上报",
        Return = "return" / "退回",
        Progress = "progress" / "办理进展",
        Extend = "extend" / "延期申请",
        ExtendApprove = "extend_approve" / "延期审批",
        Resolve = "resolve" / "办结",
        Feedback = "feedback" / "反馈",
        FollowUp = "follow_up" / "回访",
        Reopen = "reopen" / "重办",
        Reject = "reject" / "不予受理",
        Merge = "merge" / "合并",
        Supervise = "supervise" / "督办",
        Suspend = "suspend" / "挂起",
        Resume = "resume" / "恢复计时",
        Classify = "classify" / "改类",
        MarkSpam = "mark_spam" / "标为无效",
        UnmarkSpam = "unmark_spam" / "撤销无效",
    }
);

/// Things a role may do outside the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// Register a new appeal (一门式受理).
    Intake,
    /// Take a lifecycle action (the relation is checked separately).
    Act(ActionKind),
    /// Create and edit people in the register.
    ManagePeople,
    /// Create user accounts inside one's own subtree.
    ManageUsers,
    /// See phone and ID numbers unmasked.
    SeePersonalData,
    /// Read measures and rankings.
    ReadMetrics,
    /// Change district configuration: calendar, time limits, categories.
    Configure,
    /// Read the care registers: the aid fund's ledgers and the love supermarket.
    ReadCare,
    /// Keep the care registers: care levels, visit rules, service teams, pairings; the
    /// fund's donations, grants, transfers and reversals; stock in and hand-outs.
    ManageCare,
    /// Approve or reject a grant waiting for one's level (the level is checked separately).
    ApproveFund,
    /// Serve people hands-on: log a visit (走访) or a pairing contact (a volunteer only for
    /// the people assigned to it); claim and fulfil a micro-wish (微心愿) in one's area.
    LogVisit,
    /// Read the health and family details of people in care (the care note, health tags).
    SeeCareDetails,
    /// Read the audit of reads: who was shown whose unmasked personal data.
    ReadAudit,
    /// Write for the public board (公开栏): an appeal's public reply and 党务公开 items
    /// (where, and who reviews, is `core::board`'s relation rule).
    Publish,
}

/// The role × capability matrix.
pub fn permits(role: Role, cap: Capability) -> bool {
    use ActionKind as A;
    use Role::*;
    match cap {
        Capability::Intake | Capability::ManagePeople => {
            matches!(role, DistrictAdmin | StreetStaff | StationStaff)
        }
        Capability::ManageUsers => matches!(role, DistrictAdmin | StreetStaff),
        // Those who contact appellants need their numbers; the district ranks, volunteers get
        // the least personal data needed, auditors read but do not call.
        Capability::SeePersonalData => {
            matches!(role, StreetStaff | StationStaff | DepartmentLiaison)
        }
        Capability::ReadMetrics => {
            matches!(role, DistrictAdmin | StreetStaff | StationStaff | Auditor)
        }
        Capability::Configure => role == DistrictAdmin,
        // Care: the stations keep the registers, the levels above approve larger aid,
        // auditors read; liaisons and volunteers work on appeals, not on the fund.
        Capability::ReadCare => {
            matches!(role, DistrictAdmin | StreetStaff | StationStaff | Auditor)
        }
        Capability::ManageCare => matches!(role, DistrictAdmin | StreetStaff | StationStaff),
        Capability::ApproveFund => matches!(role, DistrictAdmin | StreetStaff),
        // Visits are made by station and street staff and by the volunteers of a team or a
        // pairing; the district plans but does not visit, auditors read.
        Capability::LogVisit => matches!(role, StreetStaff | StationStaff | Volunteer),
        // Those who look after the person; volunteers see what they need to visit (tags
        // that say why, not diagnoses), the district and auditors see figures.
        Capability::SeeCareDetails => matches!(role, StreetStaff | StationStaff),
        // Oversight, not operations: the auditors and the district that answers for the data.
        Capability::ReadAudit => matches!(role, DistrictAdmin | Auditor),
        // What the public reads comes from the staff who answer for the work; liaisons and
        // volunteers report to them, auditors read.
        Capability::Publish => matches!(role, DistrictAdmin | StreetStaff | StationStaff),
        Capability::Act(action) => match role {
            DistrictAdmin | StreetStaff => true,
            StationStaff => !matches!(action, A::ExtendApprove | A::Supervise),
            DepartmentLiaison => matches!(action, A::Progress | A::Resolve | A::Return | A::Extend),
            Volunteer => matches!(action, A::Progress | A::Resolve | A::Return),
            Auditor => false,
        },
    }
}

/// Who is acting: resolved from the session on every request and passed everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: Id,
    pub name: String,
    pub role: Role,
    pub org_unit_id: Id,
    /// Materialized path of the actor's node.
    pub org_path: String,
    /// For liaisons: the department they answer for.
    pub department_id: Option<Id>,
}

impl Actor {
    pub fn may(&self, cap: Capability) -> bool {
        permits(self.role, cap)
    }

    /// Why this actor's role may not do `what` (one of [`deed`]): "角色「志愿者」不能导入人员".
    pub fn may_not(&self, what: &Msg) -> Reason {
        Reason::new(&ROLE_MAY_NOT)
            .with_words("role", self.role.label_zh(), self.role.label_en())
            .with_words("what", what.zh, what.en)
    }

    /// Why this actor's role may not take a lifecycle `action`.
    pub fn may_not_act(&self, action: ActionKind) -> Reason {
        Reason::new(&ROLE_MAY_NOT_ACT)
            .with_words("role", self.role.label_zh(), self.role.label_en())
            .with_words("action", action.label_zh(), action.label_en())
    }
}

const ROLE_MAY_NOT: Msg = msg!(
    "role_may_not",
    "角色「{role}」不能{what}",
    "The role “{role}” may not {what}",
);
const ROLE_MAY_NOT_ACT: Msg = msg!(
    "role_may_not_act",
    "角色「{role}」不能执行「{action}」",
    "The role “{role}” may not take “{action}”",
);

/// What a role may be refused, as [`Actor::may_not`] words it (the code names the deed).
pub mod deed {
    use crate::error::Msg;
    use crate::msg;

    pub const INTAKE: Msg = msg!("intake", "登记诉求", "register appeals");
    pub const IMPORT_PEOPLE: Msg = msg!("import_people", "导入人员", "import people");
    pub const MANAGE_PEOPLE: Msg = msg!(
        "manage_people",
        "登记或修改人员信息",
        "register or edit people"
    );
    pub const LIST_USERS: Msg = msg!("list_users", "查看用户列表", "see the list of users");
    pub const CREATE_USERS: Msg = msg!("create_users", "创建用户", "create users");
    pub const READ_REPORTS: Msg = msg!(
        "read_reports",
        "查看考核排名和报表",
        "see rankings and reports"
    );
    pub const READ_SETTINGS: Msg = msg!("read_settings", "查看系统设置", "see the settings");
    pub const CONFIGURE: Msg = msg!("configure", "修改区级配置", "change district settings");
    pub const READ_AUDIT: Msg = msg!("read_audit", "查看查阅记录", "see the audit of reads");
    pub const READ_FUND: Msg = msg!("read_fund", "查看助困基金", "see the aid fund");
    pub const KEEP_FUND: Msg = msg!(
        "keep_fund",
        "登记助困基金收支",
        "record the aid fund's entries"
    );
    pub const APPROVE_FUND: Msg = msg!("approve_fund", "审批助困发放", "approve aid grants");
    pub const READ_SUPERMARKET: Msg = msg!(
        "read_supermarket",
        "查看爱心超市",
        "see the love supermarket"
    );
    pub const READ_WISHES: Msg = msg!("read_wishes", "查看微心愿", "see micro-wishes");
    pub const POST_WISHES: Msg = msg!("post_wishes", "登记微心愿", "post micro-wishes");
    pub const EXPORT_WISHES: Msg = msg!("export_wishes", "导出微心愿", "export micro-wishes");
    pub const READ_SERVICE: Msg = msg!(
        "read_service",
        "查看在职党员服务",
        "see in-service members' service"
    );
    pub const READ_CARE: Msg = msg!("read_care", "查看关爱对象", "see the people in care");
    pub const SIGN_OUT_USERS: Msg = msg!("sign_out_users", "让用户下线", "sign users out");
    pub const READ_METRICS: Msg = msg!("read_metrics", "查看考核指标", "see the measures");
    pub const KEEP_SUPERMARKET: Msg = msg!(
        "keep_supermarket",
        "登记爱心超市物品和出入库",
        "keep the love supermarket's goods and stock"
    );
    pub const SET_POSTS: Msg = msg!("set_posts", "设置服务岗位", "set up service posts");
    pub const REGISTER_SERVICE: Msg = msg!(
        "register_service",
        "登记在职党员报到",
        "register in-service members"
    );
    pub const LOG_HOURS: Msg = msg!("log_hours", "登记服务时长", "record service hours");
    pub const EXPORT_SERVICE: Msg = msg!(
        "export_service",
        "导出在职党员服务时长",
        "export in-service members' hours"
    );
    pub const LOG_VISIT: Msg = msg!("log_visit", "登记走访", "record visits");
    pub const EDIT_VISIT_RULES: Msg =
        msg!("edit_visit_rules", "修改走访规则", "change visit rules");
    pub const EDIT_CARE: Msg = msg!("edit_care", "修改关爱信息", "change care details");
    pub const CREATE_TEAMS: Msg = msg!("create_teams", "建立服务团队", "create service teams");
    pub const MANAGE_TEAMS: Msg = msg!("manage_teams", "管理服务团队", "manage service teams");
    pub const ARRANGE_PAIRINGS: Msg = msg!("arrange_pairings", "安排结对", "arrange pairings");
    pub const LOG_CONTACT: Msg = msg!("log_contact", "登记结对联系", "record pairing contacts");
    pub const PUBLISH: Msg = msg!("publish", "在公开栏发布内容", "publish on the public board");
}

/// Where an appeal sits in the tree, as the access rules need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// Path of the node the appeal concerns.
    pub org_path: String,
    /// Path of the unit handling it now.
    pub handling_path: String,
    /// The handling unit's parent (id, path), where `escalate` would send it.
    pub handling_parent: Option<(Id, String)>,
}

/// How an actor stands toward one appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Relation {
    /// May read it at all. Everything else implies this.
    pub visible: bool,
    /// Works at the unit handling it now.
    pub at_handling_unit: bool,
    /// It is assigned to this user.
    pub assignee: bool,
    /// It is referred to this user's department.
    pub department: bool,
    /// Works at a strictly higher level than the handling unit (督办, 延期审批).
    pub superior: bool,
}

/// Facts about an appeal that decide who may see it.
#[derive(Debug, Clone, Copy)]
pub struct Holders {
    pub handling_org_unit_id: Id,
    pub assignee_user_id: Option<Id>,
    pub department_id: Option<Id>,
}

/// The relation of `actor` to an appeal placed at `place` and held by `holders`.
///
/// Read scope: staff and auditors see the subtree of their node; a liaison sees only what is
/// referred to its department; a volunteer only what is assigned to it. The store's list
/// queries express the same rule in SQL (`store::scope`); a conformance test checks they agree.
pub fn relation(actor: &Actor, place: &Placement, holders: Holders) -> Relation {
    let assignee = holders.assignee_user_id == Some(actor.user_id);
    let department = actor.department_id.is_some() && holders.department_id == actor.department_id;
    let in_tree = in_subtree(&actor.org_path, &place.org_path);
    let visible = match actor.role {
        Role::DepartmentLiaison => department,
        Role::Volunteer => assignee,
        _ => in_tree,
    };
    if !visible {
        return Relation::default();
    }
    let staff = !matches!(
        actor.role,
        Role::DepartmentLiaison | Role::Volunteer | Role::Auditor
    );
    Relation {
        visible,
        at_handling_unit: staff && actor.org_unit_id == holders.handling_org_unit_id,
        assignee,
        department,
        superior: staff && is_strict_ancestor(&actor.org_path, &place.handling_path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auditor_changes_nothing() {
        for a in ActionKind::ALL {
            assert!(!permits(Role::Auditor, Capability::Act(*a)), "{a}");
        }
        assert!(!permits(Role::Auditor, Capability::Intake));
        assert!(!permits(Role::Auditor, Capability::ManagePeople));
        assert!(permits(Role::Auditor, Capability::ReadMetrics));
    }

    #[test]
    fn matrix_rows_are_as_documented() {
        let count = |r: Role| {
            ActionKind::ALL
                .iter()
                .filter(|a| permits(r, Capability::Act(**a)))
                .count()
        };
        assert_eq!(count(Role::DistrictAdmin), 20);
        assert_eq!(count(Role::StreetStaff), 20);
        // Everything but 督办 and 延期审批 (taken a level up); suspend and resume, sorting and
        // the spam mark and its undo included. Liaisons and volunteers sort nothing and mark
        // nothing: the station answers for what an appeal is.
        assert_eq!(count(Role::StationStaff), 18);
        assert_eq!(count(Role::DepartmentLiaison), 4);
        assert_eq!(count(Role::Volunteer), 3);
        assert_eq!(count(Role::Auditor), 0);
        assert!(!permits(
            Role::StationStaff,
            Capability::Act(ActionKind::Supervise)
        ));
        assert!(!permits(Role::Volunteer, Capability::SeePersonalData));
        assert!(permits(Role::StationStaff, Capability::SeePersonalData));
        assert!(!permits(Role::DistrictAdmin, Capability::SeePersonalData));
        assert!(permits(Role::DistrictAdmin, Capability::Configure));
        assert!(!permits(Role::StreetStaff, Capability::Configure));
        assert!(permits(Role::Volunteer, Capability::LogVisit));
        assert!(!permits(Role::Volunteer, Capability::ManageCare));
        assert!(!permits(Role::Volunteer, Capability::SeeCareDetails));
        assert!(!permits(Role::DepartmentLiaison, Capability::LogVisit));
        assert!(!permits(Role::Auditor, Capability::LogVisit));
        assert!(permits(Role::StationStaff, Capability::SeeCareDetails));
    }

    #[test]
    fn care_rows_are_as_documented() {
        let who = |cap| {
            Role::ALL
                .iter()
                .filter(|r| permits(**r, cap))
                .copied()
                .collect::<Vec<_>>()
        };
        use Role::*;
        assert_eq!(
            who(Capability::ReadCare),
            [DistrictAdmin, StreetStaff, StationStaff, Auditor]
        );
        assert_eq!(
            who(Capability::ManageCare),
            [DistrictAdmin, StreetStaff, StationStaff]
        );
        // A station posts what its own limit covers; approving above it is a level up.
        assert_eq!(who(Capability::ApproveFund), [DistrictAdmin, StreetStaff]);
        assert_eq!(who(Capability::ReadAudit), [DistrictAdmin, Auditor]);
        assert_eq!(
            who(Capability::Publish),
            [DistrictAdmin, StreetStaff, StationStaff]
        );
    }

    fn actor(role: Role, org_unit_id: Id, org_path: &str) -> Actor {
        Actor {
            user_id: 9,
            name: "测试".into(),
            role,
            org_unit_id,
            org_path: org_path.into(),
            department_id: (role == Role::DepartmentLiaison).then_some(5),
        }
    }

    #[test]
    fn relations_follow_the_tree() {
        let place = Placement {
            org_path: "/1/2/3/".into(),
            handling_path: "/1/2/3/".into(),
            handling_parent: Some((2, "/1/2/".into())),
        };
        let holders = Holders {
            handling_org_unit_id: 3,
            assignee_user_id: None,
            department_id: None,
        };
        let station = relation(&actor(Role::StationStaff, 3, "/1/2/3/"), &place, holders);
        assert!(station.visible && station.at_handling_unit && !station.superior);
        let street = relation(&actor(Role::StreetStaff, 2, "/1/2/"), &place, holders);
        assert!(street.visible && !street.at_handling_unit && street.superior);
        let other = relation(&actor(Role::StationStaff, 4, "/1/2/4/"), &place, holders);
        assert_eq!(other, Relation::default());
        let liaison = relation(&actor(Role::DepartmentLiaison, 2, "/1/2/"), &place, holders);
        assert!(
            !liaison.visible,
            "a liaison sees only referrals to its department"
        );
        let referred = Holders {
            department_id: Some(5),
            ..holders
        };
        let liaison = relation(
            &actor(Role::DepartmentLiaison, 2, "/1/2/"),
            &place,
            referred,
        );
        assert!(liaison.visible && liaison.department && !liaison.superior);
        let volunteer = relation(&actor(Role::Volunteer, 3, "/1/2/3/"), &place, holders);
        assert!(!volunteer.visible);
        let assigned = Holders {
            assignee_user_id: Some(9),
            ..holders
        };
        let volunteer = relation(&actor(Role::Volunteer, 3, "/1/2/3/"), &place, assigned);
        assert!(volunteer.visible && volunteer.assignee && !volunteer.at_handling_unit);
    }
}
