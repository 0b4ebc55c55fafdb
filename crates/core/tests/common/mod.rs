//! A small district for lifecycle tests, and helpers that drive appeals through
//! `register` → `decide` → `apply` as the store does.
//!
//! ```text
//! 1 district /1/
//! └── 2 street /1/2/                 departments 50, 51 attached here
//!     ├── 3 community /1/2/3/        the handling station
//!     │   └── 5 grid /1/2/3/5/
//!     └── 4 community /1/2/4/        a sibling station
//! ```
#![allow(dead_code)]

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use suqiu_core::access::{ActionKind, Actor, Placement, Role};
use suqiu_core::appeal::{
    Appeal, Appellant, Channel, FeedbackChannel, Handoff, Kind, Resolution, Satisfaction, Urgency,
};
use suqiu_core::calendar::{shanghai, shanghai_to_utc, WorkCalendar};
use suqiu_core::lifecycle::{
    available_actions, decide, register, Command, Context, Event, Intake, Refusal,
};
use suqiu_core::policy::TimeLimitPolicy;
use suqiu_core::Id;

pub const DISTRICT: Id = 1;
pub const STREET: Id = 2;
pub const COMMUNITY: Id = 3;
pub const SIBLING: Id = 4;
pub const GRID: Id = 5;

pub const DEPT: Id = 50;
pub const DEPT2: Id = 51;
pub const VOLUNTEER: Id = 200;
pub const OTHER_VOLUNTEER: Id = 201;
pub const TEAM: Id = 300;

/// The id the store would give the appeal under test, and another appeal to merge into.
pub const APPEAL_ID: Id = 42;
pub const OTHER_APPEAL: Id = 43;

pub fn path(unit: Id) -> String {
    match unit {
        DISTRICT => "/1/",
        STREET => "/1/2/",
        COMMUNITY => "/1/2/3/",
        SIBLING => "/1/2/4/",
        GRID => "/1/2/3/5/",
        _ => panic!("no org unit {unit}"),
    }
    .to_string()
}

pub fn parent(unit: Id) -> Option<Id> {
    match unit {
        DISTRICT => None,
        STREET => Some(DISTRICT),
        COMMUNITY | SIBLING => Some(STREET),
        GRID => Some(COMMUNITY),
        _ => panic!("no org unit {unit}"),
    }
}

/// Where the appeal sits, as the store computes it from the tree before calling `decide`.
pub fn placement(appeal: &Appeal) -> Placement {
    let handling = appeal.handling_org_unit_id;
    Placement {
        org_path: path(appeal.org_unit_id),
        handling_path: path(handling),
        handling_parent: parent(handling).map(|p| (p, path(p))),
    }
}

pub fn actor(user_id: Id, role: Role, unit: Id, department_id: Option<Id>) -> Actor {
    Actor {
        user_id,
        name: format!("{}{user_id}", role.label_zh()),
        role,
        org_unit_id: unit,
        org_path: path(unit),
        department_id,
    }
}

pub fn station() -> Actor {
    actor(101, Role::StationStaff, COMMUNITY, None)
}
pub fn sibling_station() -> Actor {
    actor(102, Role::StationStaff, SIBLING, None)
}
pub fn street() -> Actor {
    actor(103, Role::StreetStaff, STREET, None)
}
pub fn district_admin() -> Actor {
    actor(104, Role::DistrictAdmin, DISTRICT, None)
}
pub fn liaison() -> Actor {
    actor(105, Role::DepartmentLiaison, STREET, Some(DEPT))
}
pub fn liaison2() -> Actor {
    actor(106, Role::DepartmentLiaison, STREET, Some(DEPT2))
}
pub fn volunteer() -> Actor {
    actor(VOLUNTEER, Role::Volunteer, COMMUNITY, None)
}
pub fn other_volunteer() -> Actor {
    actor(OTHER_VOLUNTEER, Role::Volunteer, COMMUNITY, None)
}
pub fn auditor() -> Actor {
    actor(108, Role::Auditor, DISTRICT, None)
}

/// Everyone in the district who might try something.
pub fn everyone() -> Vec<Actor> {
    vec![
        station(),
        sibling_station(),
        street(),
        district_admin(),
        liaison(),
        liaison2(),
        volunteer(),
        other_volunteer(),
        auditor(),
    ]
}

/// Staff working at `unit`, with the role of its level.
pub fn staff_at(unit: Id) -> Actor {
    match unit {
        DISTRICT => district_admin(),
        STREET => street(),
        COMMUNITY => station(),
        SIBLING => sibling_station(),
        _ => panic!("no staff at {unit}"),
    }
}

pub fn liaison_of(department: Id) -> Actor {
    match department {
        DEPT => liaison(),
        DEPT2 => liaison2(),
        _ => panic!("no liaison for {department}"),
    }
}

/// Who is in position to take `action` on the appeal now: the superior of the handling unit
/// for 督办 and 延期审批, whoever received the last hand-over for 退回, and otherwise staff at
/// the handling unit.
pub fn in_position(appeal: &Appeal, action: ActionKind) -> Actor {
    let handling = appeal.handling_org_unit_id;
    match action {
        ActionKind::Supervise | ActionKind::ExtendApprove => {
            staff_at(parent(handling).expect("the handling unit has a superior"))
        }
        ActionKind::Return => match appeal.handoffs.last() {
            Some(Handoff::Refer { department_id, .. }) => liaison_of(*department_id),
            Some(Handoff::Assign {
                user_id: Some(VOLUNTEER),
                ..
            }) => volunteer(),
            Some(Handoff::Assign {
                user_id: Some(OTHER_VOLUNTEER),
                ..
            }) => other_volunteer(),
            _ => staff_at(handling),
        },
        _ => staff_at(handling),
    }
}

pub const NOTE: &str = "已电话联系诉求人";

/// A valid command for `action` on this appeal (valid fields; the state may still refuse it).
pub fn sample_command(appeal: &Appeal, action: ActionKind) -> Command {
    let note = || NOTE.to_string();
    match action {
        ActionKind::Accept => Command::Accept { note: Some(note()) },
        ActionKind::Assign => Command::Assign {
            user_id: Some(VOLUNTEER),
            team_id: None,
            note: Some(note()),
        },
        ActionKind::Refer => Command::Refer {
            department_id: if appeal.department_id == Some(DEPT) {
                DEPT2
            } else {
                DEPT
            },
            note: note(),
        },
        ActionKind::Escalate => Command::Escalate { note: note() },
        ActionKind::Return => Command::Return { note: note() },
        ActionKind::Progress => Command::Progress { note: note() },
        ActionKind::Extend => Command::Extend {
            days: 5,
            reason: note(),
        },
        ActionKind::ExtendApprove => Command::ExtendApprove {
            approve: true,
            reason: None,
        },
        ActionKind::Resolve => Command::Resolve {
            resolution: Resolution::Solved,
            note: note(),
        },
        ActionKind::Feedback => Command::Feedback {
            channel: FeedbackChannel::Phone,
            note: note(),
        },
        ActionKind::FollowUp => Command::FollowUp {
            satisfaction: Satisfaction::Satisfied,
            solved: Some(true),
            note: None,
            reopen: false,
        },
        ActionKind::Reopen => Command::Reopen { note: note() },
        ActionKind::Reject => Command::Reject { reason: note() },
        ActionKind::Merge => Command::Merge {
            into_appeal_id: OTHER_APPEAL,
        },
        ActionKind::Supervise => Command::Supervise { note: note() },
        ActionKind::Suspend => Command::Suspend { reason: note() },
        ActionKind::Resume => Command::Resume { note: Some(note()) },
        ActionKind::Classify => Command::Classify {
            category: sorted_into(appeal).into(),
            note: Some(note()),
        },
        ActionKind::MarkSpam => Command::MarkSpam { reason: note() },
        ActionKind::UnmarkSpam => Command::UnmarkSpam { note: note() },
    }
}

/// A category to sort the appeal into: another than the one it has.
pub fn sorted_into(appeal: &Appeal) -> &'static str {
    if appeal.category == "public_facilities.street_lights" {
        "public_facilities.roads"
    } else {
        "public_facilities.street_lights"
    }
}

/// A Shanghai local time "YYYY-MM-DD HH:MM" as a UTC instant.
pub fn sh(s: &str) -> DateTime<Utc> {
    shanghai_to_utc(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
}

/// A Shanghai local time of an instant, "YYYY-MM-DD HH:MM".
pub fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&shanghai())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub fn intake(kind: Kind, urgency: Urgency) -> Intake {
    Intake {
        appellant: Appellant::Named {
            name: "王阿姨".into(),
            phone: Some("13800001234".into()),
            email: None,
        },
        org_unit_id: GRID,
        channel: Channel::WalkIn,
        kind,
        category: "public_facilities".into(),
        urgency,
        title: Some("楼道灯不亮".into()),
        content: "3号楼2单元楼道灯坏了一个月，老人晚上上下楼不便。".into(),
        location: Some("3号楼2单元".into()),
        public_consent: false,
    }
}

/// The calendar and time limits every test uses: the built-in 2025–2026 calendar and the
/// default limits of DOMAIN.md.
pub struct World {
    pub calendar: WorkCalendar,
    pub policy: TimeLimitPolicy,
}

impl Default for World {
    fn default() -> World {
        World {
            calendar: WorkCalendar::builtin(),
            policy: TimeLimitPolicy::default(),
        }
    }
}

impl World {
    pub fn decide(
        &self,
        appeal: &Appeal,
        command: &Command,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, Refusal> {
        let place = placement(appeal);
        let ctx = Context {
            now,
            actor,
            place: &place,
            calendar: &self.calendar,
            policy: &self.policy,
        };
        decide(appeal, command, &ctx)
    }

    pub fn available(&self, appeal: &Appeal, actor: &Actor, now: DateTime<Utc>) -> Vec<ActionKind> {
        let place = placement(appeal);
        let ctx = Context {
            now,
            actor,
            place: &place,
            calendar: &self.calendar,
            policy: &self.policy,
        };
        available_actions(appeal, &ctx)
    }

    /// Registers an appeal handled by `handling`, taken in by staff there.
    pub fn register(
        &self,
        intake: Intake,
        handling: Id,
        now: DateTime<Utc>,
    ) -> Result<(Appeal, Event), Refusal> {
        register(
            intake,
            "TRK-TEST".into(),
            handling,
            &staff_at(handling),
            now,
            &self.calendar,
            &self.policy,
        )
    }
}

/// One appeal being driven through its lifecycle, with its timeline.
pub struct Case {
    pub world: World,
    /// The appeal as `register` returned it (with the store's id), for replay.
    pub registered: Appeal,
    pub appeal: Appeal,
    pub events: Vec<Event>,
    pub now: DateTime<Utc>,
}

impl Case {
    /// Registers a normal help appeal at Thursday 2025-09-04 09:00, handled by `handling`.
    pub fn new(handling: Id) -> Case {
        Case::register(
            intake(Kind::Help, Urgency::Normal),
            handling,
            sh("2025-09-04 09:00"),
        )
    }

    pub fn register(intake: Intake, handling: Id, now: DateTime<Utc>) -> Case {
        let world = World::default();
        let (mut appeal, event) = world.register(intake, handling, now).expect("valid intake");
        // `register` leaves the id at 0 for the store to assign; merge-into-itself needs one.
        appeal.id = APPEAL_ID;
        Case {
            world,
            registered: appeal.clone(),
            appeal,
            events: vec![event],
            now,
        }
    }

    /// The time of the next step: one hour on.
    pub fn next_time(&self) -> DateTime<Utc> {
        self.now + Duration::hours(1)
    }

    /// Decides `command` at the next step's time without applying it.
    pub fn try_cmd(&self, command: &Command, actor: &Actor) -> Result<Vec<Event>, Refusal> {
        self.world
            .decide(&self.appeal, command, actor, self.next_time())
    }

    /// Decides at the next step's time and, if accepted, applies and records the events.
    pub fn step(&mut self, command: &Command, actor: &Actor) -> Result<Vec<Event>, Refusal> {
        let now = self.next_time();
        let events = self.world.decide(&self.appeal, command, actor, now)?;
        self.now = now;
        for e in &events {
            suqiu_core::lifecycle::apply(&mut self.appeal, e);
        }
        self.events.extend(events.iter().cloned());
        Ok(events)
    }

    /// Runs `command` by `actor`, which must be accepted.
    pub fn must(&mut self, command: Command, actor: &Actor) -> Vec<Event> {
        match self.step(&command, actor) {
            Ok(events) => events,
            Err(r) => panic!(
                "{command:?} by {} refused in {:?}: {r}",
                actor.name, self.appeal.status
            ),
        }
    }

    /// Runs the sample command for `action` by whoever is in position; must be accepted.
    pub fn act(&mut self, action: ActionKind) -> Vec<Event> {
        let command = sample_command(&self.appeal, action);
        let actor = in_position(&self.appeal, action);
        self.must(command, &actor)
    }
}

/// How an in-progress appeal was handed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handed {
    /// Assigned to the volunteer.
    Assign,
    /// Referred to department `DEPT`.
    Refer,
    /// Escalated to the parent unit.
    Escalate,
}

/// A point in the lifecycle to build an appeal at, by running real commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Registered,
    Accepted,
    InProgress(Handed),
    /// In progress, with an extension of 5 working days requested.
    ExtensionRequested(Handed),
    /// In progress, its clock suspended (挂起).
    Suspended(Handed),
    /// Resolved (after being assigned), no feedback yet.
    Resolved,
    /// Resolved and fed back: ready for follow-up.
    FedBack,
    Closed,
    Rejected,
    Merged,
    /// Registered, then marked as spam (无效).
    Spam,
}

/// Drives a fresh case to `stage`.
pub fn drive(case: &mut Case, stage: Stage) {
    use ActionKind as A;
    let handed = |case: &mut Case, h: Handed| match h {
        Handed::Assign => {
            case.act(A::Assign);
        }
        Handed::Refer => {
            let actor = in_position(&case.appeal, A::Refer);
            case.must(
                Command::Refer {
                    department_id: DEPT,
                    note: NOTE.into(),
                },
                &actor,
            );
        }
        Handed::Escalate => {
            case.act(A::Escalate);
        }
    };
    match stage {
        Stage::Registered => {}
        Stage::Accepted => {
            case.act(A::Accept);
        }
        Stage::InProgress(h) => {
            case.act(A::Accept);
            handed(case, h);
        }
        Stage::ExtensionRequested(h) => {
            case.act(A::Accept);
            handed(case, h);
            case.act(A::Extend);
        }
        Stage::Suspended(h) => {
            case.act(A::Accept);
            handed(case, h);
            case.act(A::Suspend);
        }
        Stage::Resolved | Stage::FedBack | Stage::Closed => {
            case.act(A::Accept);
            case.act(A::Assign);
            case.act(A::Resolve);
            if stage != Stage::Resolved {
                case.act(A::Feedback);
            }
            if stage == Stage::Closed {
                case.act(A::FollowUp);
            }
        }
        Stage::Rejected => {
            case.act(A::Reject);
        }
        Stage::Merged => {
            case.act(A::Merge);
        }
        Stage::Spam => {
            case.act(A::MarkSpam);
        }
    }
}

/// A normal help appeal handled by `handling`, driven to `stage`.
pub fn build(stage: Stage, handling: Id) -> Case {
    let mut case = Case::new(handling);
    drive(&mut case, stage);
    case
}
