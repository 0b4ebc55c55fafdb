//! Problems (问题): one problem seen in many appeals, handled once.
//!
//! Ten neighbours report the same burst pipe: staff group their appeals into one problem
//! (suggested by the near-duplicate finder, confirmed by a person). A problem has a title, a
//! place, the node that owns it (the lowest common node of its appeals' handling units), one
//! lead appeal (主件) and its members, and its own timeline. The lead goes through the closed
//! loop as usual and is the problem's handler (its handling unit, assignee, department);
//! every other appeal of the problem is merged into the lead when it joins (the lifecycle's
//! `Merge` event, status 已合并) and taken out again (`Unmerge`) when it leaves.
//!
//! Handling it once: when the lead is resolved, every member still merged into it is
//! resolved with it (`ResolveWithLead`: the same resolution, at the same instant, against the
//! lead's deadline — see `measures` for how that counts); when the lead's appellant is
//! answered (反馈), every member's appellant is answered the same way. Each member's
//! follow-up (回访) is its own and counts for its own appeal. [`carry`] is that rule.
//!
//! `decide(problem, command, facts) -> Decision | Refusal`, `apply(problem, event)`; pure.
//! The store loads the facts (the appeals a command names and the problem's own, locked),
//! decides, writes the problem's events and the appeals' lifecycle events in one
//! transaction. Property-tested in `problem/tests.rs`: an appeal is in at most one problem;
//! a problem never has fewer than two appeals unless dissolved; a move or a split keeps the
//! union; a refusal changes nothing.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::access::{ActionKind, Actor, Role};
use crate::appeal::{Appeal, Resolution, Status};
use crate::error::{FieldError, Msg, Refusal};
use crate::lifecycle::EventBody as AppealEvent;
use crate::msg;
use crate::org::in_subtree;
use crate::vocabulary;
use crate::Id;

#[cfg(test)]
mod tests;

/// Longest title of a problem (as an appeal's title).
pub const MAX_TITLE_CHARS: usize = crate::lifecycle::MAX_TITLE_CHARS;
/// Longest place of a problem (as an appeal's location).
pub const MAX_PLACE_CHARS: usize = crate::lifecycle::MAX_LOCATION_CHARS;
/// Fewest appeals a problem has while it stands: one appeal is no grouping.
pub const MIN_APPEALS: usize = 2;

vocabulary!(
    /// Where a problem stands: where its lead stands in the loop, or dissolved.
    ProblemStatus {
        Open = "open" / "办理中",
        Resolved = "resolved" / "已办结",
        Closed = "closed" / "已回访",
        Dissolved = "dissolved" / "已解散",
    }
);

impl ProblemStatus {
    /// The status of a problem whose lead is in `lead` (a lead never leaves the loop
    /// otherwise than resolved: [`lead_may`]).
    pub fn of(dissolved: bool, lead: Status) -> ProblemStatus {
        match (dissolved, lead) {
            (true, _) => ProblemStatus::Dissolved,
            (false, Status::Resolved) => ProblemStatus::Resolved,
            (false, s) if s.is_open() => ProblemStatus::Open,
            (false, _) => ProblemStatus::Closed,
        }
    }

    /// The lead statuses a problem of this status has (none for dissolved).
    pub fn lead_statuses(self) -> &'static [Status] {
        match self {
            ProblemStatus::Open => &[Status::Registered, Status::Accepted, Status::InProgress],
            ProblemStatus::Resolved => &[Status::Resolved],
            ProblemStatus::Closed => &[Status::Closed],
            ProblemStatus::Dissolved => &[],
        }
    }
}

/// Whether the lead of a standing problem may take a lifecycle action: not one that ends it
/// without an answer (不予受理, 合并, 标为无效) — its members would be left merged into an
/// appeal nobody handles. Dissolve or split the problem first.
pub fn lead_may(action: ActionKind) -> bool {
    !matches!(
        action,
        ActionKind::Reject | ActionKind::Merge | ActionKind::MarkSpam
    )
}

/// Why the lead of a problem cannot take an action ([`lead_may`]).
pub const LEAD_IS_BOUND: Msg = msg!(
    "problem_lead_bound",
    "这件诉求是问题的主件，不能单独不予受理、合并或标为无效；请先解散或拆分问题",
    "This appeal leads a problem: it cannot be rejected, merged or marked invalid on its own; dissolve or split the problem first"
);

/// A problem as its events leave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub id: Id,
    pub title: String,
    pub place: Option<String>,
    /// Path of the node that owns it: the lowest common node of its appeals' handling units.
    pub org_path: String,
    pub lead_appeal_id: Id,
    /// Every appeal of the problem, the lead included.
    pub appeal_ids: BTreeSet<Id>,
    pub dissolved: bool,
    /// Number of events applied (the store's optimistic check).
    pub version: i64,
}

impl Problem {
    /// The problem a `Created` event starts (`None` for any other event).
    pub fn created(id: Id, body: &EventBody) -> Option<Problem> {
        let EventBody::Created {
            title,
            place,
            org_path,
            lead_appeal_id,
            appeal_ids,
            ..
        } = body
        else {
            return None;
        };
        Some(Problem {
            id,
            title: title.clone(),
            place: place.clone(),
            org_path: org_path.clone(),
            lead_appeal_id: *lead_appeal_id,
            appeal_ids: appeal_ids.iter().copied().collect(),
            dissolved: false,
            version: 1,
        })
    }

    /// The id of the node that owns it.
    pub fn org_unit_id(&self) -> Id {
        node_of(&self.org_path)
    }

    /// The appeals merged into the lead.
    pub fn members(&self) -> impl Iterator<Item = Id> + '_ {
        let lead = self.lead_appeal_id;
        self.appeal_ids
            .iter()
            .copied()
            .filter(move |id| *id != lead)
    }
}

/// A command on problems, as `/api/v1/problems` and `/api/v1/problems/{id}/actions` take it
/// once the app has turned tracking codes into ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    /// 归并为一个问题: the lead and the appeals merged into it (the lead may be listed too).
    Create {
        title: String,
        place: Option<String>,
        lead_appeal_id: Id,
        appeal_ids: Vec<Id>,
    },
    Add {
        appeal_id: Id,
    },
    Remove {
        appeal_id: Id,
    },
    /// To another problem, which takes it in as a member.
    Move {
        appeal_id: Id,
        to_problem_id: Id,
    },
    /// Some members become a new problem, led by the first of them.
    Split {
        appeal_ids: Vec<Id>,
        title: String,
    },
    Rename {
        title: String,
    },
    /// Every member goes back to being an appeal of its own; the problem stays on record.
    Dissolve {
        note: Option<String>,
    },
}

impl Command {
    /// The command's code, as the API's `action` says it.
    pub fn code(&self) -> &'static str {
        match self {
            Command::Create { .. } => "create",
            Command::Add { .. } => "add",
            Command::Remove { .. } => "remove",
            Command::Move { .. } => "move",
            Command::Split { .. } => "split",
            Command::Rename { .. } => "rename",
            Command::Dissolve { .. } => "dissolve",
        }
    }

    /// The appeals the command names (the store loads and locks these, with the problem's).
    pub fn named_appeals(&self) -> Vec<Id> {
        match self {
            Command::Create {
                lead_appeal_id,
                appeal_ids,
                ..
            } => std::iter::once(*lead_appeal_id)
                .chain(appeal_ids.iter().copied())
                .collect(),
            Command::Add { appeal_id }
            | Command::Remove { appeal_id }
            | Command::Move { appeal_id, .. } => vec![*appeal_id],
            Command::Split { appeal_ids, .. } => appeal_ids.clone(),
            Command::Rename { .. } | Command::Dissolve { .. } => Vec::new(),
        }
    }
}

/// What happened to a problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum EventBody {
    Created {
        title: String,
        place: Option<String>,
        org_path: String,
        lead_appeal_id: Id,
        appeal_ids: Vec<Id>,
        /// The problem it was split from.
        split_from: Option<Id>,
    },
    AppealAdded {
        appeal_id: Id,
        /// The problem it was moved from.
        from_problem_id: Option<Id>,
        org_path: String,
    },
    AppealRemoved {
        appeal_id: Id,
        /// The problem it was moved to.
        to_problem_id: Option<Id>,
        org_path: String,
    },
    /// These members left to become a new problem (whose `Created` names this one).
    SplitOff {
        appeal_ids: Vec<Id>,
        org_path: String,
    },
    Renamed {
        from: String,
        to: String,
    },
    Dissolved {
        note: Option<String>,
    },
    /// The lead was resolved, and `appeals` members with it.
    Handled {
        resolution: Resolution,
        appeals: u32,
    },
    /// The lead's appellant was answered, and `appeals` members' the same way.
    AnsweredBack {
        appeals: u32,
    },
}

impl EventBody {
    /// The event's type name on the timeline.
    pub fn type_name(&self) -> &'static str {
        match self {
            EventBody::Created { .. } => "created",
            EventBody::AppealAdded { .. } => "appeal_added",
            EventBody::AppealRemoved { .. } => "appeal_removed",
            EventBody::SplitOff { .. } => "split_off",
            EventBody::Renamed { .. } => "renamed",
            EventBody::Dissolved { .. } => "dissolved",
            EventBody::Handled { .. } => "handled",
            EventBody::AnsweredBack { .. } => "answered_back",
        }
    }
}

/// Folds one event into the problem. Total: every event `decide` produces applies.
pub fn apply(problem: &mut Problem, body: &EventBody) {
    problem.version += 1;
    match body {
        EventBody::Created { .. } | EventBody::Handled { .. } | EventBody::AnsweredBack { .. } => {}
        EventBody::AppealAdded {
            appeal_id,
            org_path,
            ..
        } => {
            problem.appeal_ids.insert(*appeal_id);
            problem.org_path = org_path.clone();
        }
        EventBody::AppealRemoved {
            appeal_id,
            org_path,
            ..
        } => {
            problem.appeal_ids.remove(appeal_id);
            problem.org_path = org_path.clone();
        }
        EventBody::SplitOff {
            appeal_ids,
            org_path,
        } => {
            for id in appeal_ids {
                problem.appeal_ids.remove(id);
            }
            problem.org_path = org_path.clone();
        }
        EventBody::Renamed { to, .. } => problem.title = to.clone(),
        EventBody::Dissolved { .. } => problem.dissolved = true,
    }
}

/// What the rules need to know of one appeal a command touches.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub appeal_id: Id,
    pub status: Status,
    pub spam: bool,
    pub suspended: bool,
    /// Path of the unit handling it now.
    pub handling_path: String,
    /// The problem it is in now.
    pub problem_id: Option<Id>,
}

impl Candidate {
    /// The facts of a stored appeal (its handling path from the store's placement).
    pub fn of(appeal: &Appeal, handling_path: &str, problem_id: Option<Id>) -> Candidate {
        Candidate {
            appeal_id: appeal.id,
            status: appeal.status,
            spam: appeal.spam_at.is_some(),
            suspended: appeal.suspended_at.is_some(),
            handling_path: handling_path.to_string(),
            problem_id,
        }
    }

    /// It can be merged into a lead: what the lifecycle's `merge` allows (registered or
    /// accepted, the clock running, not marked as spam).
    fn may_join(&self) -> bool {
        matches!(self.status, Status::Registered | Status::Accepted)
            && !self.spam
            && !self.suspended
    }

    /// It can lead a problem: still being handled (not resolved, closed, rejected or merged).
    fn may_lead(&self) -> bool {
        self.status.is_open() && !self.spam
    }
}

/// Everything `decide` needs besides the problem and the command.
pub struct Facts<'a> {
    pub actor: &'a Actor,
    /// Every appeal of the problem acted on and every appeal the command names, by id; an
    /// appeal missing here is unknown or outside the actor's scope (never told apart).
    pub appeals: &'a BTreeMap<Id, Candidate>,
    /// A move's target problem (`None`: unknown or out of scope).
    pub target: Option<&'a Problem>,
}

/// What the appeals of a decision go through, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum AppealChange {
    /// Merged into the lead (`lifecycle::EventBody::Merge`).
    Join { appeal_id: Id, lead_appeal_id: Id },
    /// Out of the lead, back where it stood (`lifecycle::EventBody::Unmerge`).
    Leave { appeal_id: Id, lead_appeal_id: Id },
}

impl AppealChange {
    pub fn appeal_id(&self) -> Id {
        match self {
            AppealChange::Join { appeal_id, .. } | AppealChange::Leave { appeal_id, .. } => {
                *appeal_id
            }
        }
    }

    /// The lifecycle event it records on the appeal's own timeline.
    pub fn event(&self) -> AppealEvent {
        match self {
            AppealChange::Join { lead_appeal_id, .. } => AppealEvent::Merge {
                into_appeal_id: *lead_appeal_id,
            },
            AppealChange::Leave { lead_appeal_id, .. } => AppealEvent::Unmerge {
                from_appeal_id: *lead_appeal_id,
            },
        }
    }
}

/// Where a decision's events go.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Decision {
    /// The problem acted on (for `Create`, the new one).
    pub events: Vec<EventBody>,
    /// A move's target (`Some(id)`) or a split's new problem (`None`), and its events.
    pub other: Option<(Option<Id>, Vec<EventBody>)>,
    pub appeals: Vec<AppealChange>,
}

/// Decides `command` on `problem` (`None` only for `Create`).
pub fn decide(
    problem: Option<&Problem>,
    command: &Command,
    facts: &Facts<'_>,
) -> Result<Decision, Refusal> {
    let Some(problem) = problem else {
        return match command {
            Command::Create {
                title,
                place,
                lead_appeal_id,
                appeal_ids,
            } => create(facts, title, place, *lead_appeal_id, appeal_ids),
            _ => Err(Refusal::invalid("action", &NEEDS_A_PROBLEM)),
        };
    };
    if problem.dissolved {
        return Err(Refusal::Conflict(FieldError::new("action", &DISSOLVED)));
    }
    match command {
        Command::Create { .. } => Err(Refusal::invalid("action", &NEEDS_A_PROBLEM)),
        Command::Rename { title } => rename(problem, title),
        Command::Add { appeal_id } => {
            let lead = open_lead(problem, facts)?;
            add(problem, facts, *appeal_id, lead)
        }
        Command::Remove { appeal_id } => {
            open_lead(problem, facts)?;
            remove(problem, facts, *appeal_id)
        }
        Command::Move {
            appeal_id,
            to_problem_id,
        } => {
            open_lead(problem, facts)?;
            move_to(problem, facts, *appeal_id, *to_problem_id)
        }
        Command::Split { appeal_ids, title } => {
            open_lead(problem, facts)?;
            split(problem, facts, appeal_ids, title)
        }
        Command::Dissolve { note } => {
            open_lead(problem, facts)?;
            dissolve(problem, note)
        }
    }
}

/// The problem's appeals can change only while its lead is still being handled: once the
/// lead is resolved, its members were answered with it.
fn open_lead(problem: &Problem, facts: &Facts<'_>) -> Result<Id, Refusal> {
    let lead = problem.lead_appeal_id;
    match facts.appeals.get(&lead) {
        Some(c) if c.may_lead() => Ok(lead),
        _ => Err(Refusal::Conflict(FieldError::new("action", &HANDLED))),
    }
}

fn create(
    facts: &Facts<'_>,
    title: &str,
    place: &Option<String>,
    lead: Id,
    appeal_ids: &[Id],
) -> Result<Decision, Refusal> {
    let mut errors = Vec::new();
    let title = check_title(title, &mut errors);
    let place = check_place(place, &mut errors);
    let ids = distinct(lead, appeal_ids);
    let members: Vec<Id> = ids.iter().copied().filter(|id| *id != lead).collect();
    if ids.len() < MIN_APPEALS {
        errors.push(FieldError::new("appeal_ids", &TOO_FEW));
    }
    match fit(facts, lead, None) {
        Ok(c) if c.may_lead() => {}
        Ok(_) => errors.push(FieldError::new("lead_appeal_id", &LEAD_NOT_OPEN)),
        Err(e) => errors.push(e.at("lead_appeal_id")),
    }
    for id in &members {
        if let Err(e) = joinable(facts, *id, None) {
            errors.push(e.at("appeal_ids"));
        }
    }
    if let Some(first) = errors.into_iter().next() {
        return Err(Refusal::Invalid(first));
    }
    let org_path = lowest_common(ids.iter().map(|id| path_of(facts, *id)));
    let appeals = members
        .into_iter()
        .map(|id| AppealChange::Join {
            appeal_id: id,
            lead_appeal_id: lead,
        })
        .collect();
    Ok(Decision {
        events: vec![EventBody::Created {
            title,
            place,
            org_path,
            lead_appeal_id: lead,
            appeal_ids: ids,
            split_from: None,
        }],
        other: None,
        appeals,
    })
}

fn rename(problem: &Problem, title: &str) -> Result<Decision, Refusal> {
    let mut errors = Vec::new();
    let to = check_title(title, &mut errors);
    if let Some(e) = errors.into_iter().next() {
        return Err(Refusal::Invalid(e));
    }
    if to == problem.title {
        return Err(Refusal::invalid("title", &SAME_TITLE));
    }
    Ok(Decision {
        events: vec![EventBody::Renamed {
            from: problem.title.clone(),
            to,
        }],
        ..Decision::default()
    })
}

fn add(problem: &Problem, facts: &Facts<'_>, id: Id, lead: Id) -> Result<Decision, Refusal> {
    joinable(facts, id, None).map_err(|e| Refusal::Invalid(e.at("appeal_id")))?;
    let org_path = lowest_common(
        problem
            .appeal_ids
            .iter()
            .chain([&id])
            .map(|a| path_of(facts, *a)),
    );
    Ok(Decision {
        events: vec![EventBody::AppealAdded {
            appeal_id: id,
            from_problem_id: None,
            org_path,
        }],
        other: None,
        appeals: vec![AppealChange::Join {
            appeal_id: id,
            lead_appeal_id: lead,
        }],
    })
}

/// A member that may leave: in this problem, not its lead, still merged (not yet answered).
fn leaving(problem: &Problem, facts: &Facts<'_>, id: Id) -> Result<(), FieldError> {
    if !problem.appeal_ids.contains(&id) {
        return Err(FieldError::new("appeal_id", &NOT_A_MEMBER));
    }
    if id == problem.lead_appeal_id {
        return Err(FieldError::new("appeal_id", &LEAD_STAYS));
    }
    match facts.appeals.get(&id) {
        Some(c) if c.status == Status::Merged => Ok(()),
        _ => Err(FieldError::new("appeal_id", &NOT_A_MEMBER)),
    }
}

/// The problem's node once `gone` have left it.
fn path_without(problem: &Problem, facts: &Facts<'_>, gone: &[Id]) -> String {
    lowest_common(
        problem
            .appeal_ids
            .iter()
            .filter(|a| !gone.contains(a))
            .map(|a| path_of(facts, *a)),
    )
}

fn remove(problem: &Problem, facts: &Facts<'_>, id: Id) -> Result<Decision, Refusal> {
    leaving(problem, facts, id).map_err(Refusal::Invalid)?;
    if problem.appeal_ids.len() <= MIN_APPEALS {
        return Err(Refusal::Conflict(FieldError::new("appeal_id", &LAST_TWO)));
    }
    Ok(Decision {
        events: vec![EventBody::AppealRemoved {
            appeal_id: id,
            to_problem_id: None,
            org_path: path_without(problem, facts, &[id]),
        }],
        other: None,
        appeals: vec![AppealChange::Leave {
            appeal_id: id,
            lead_appeal_id: problem.lead_appeal_id,
        }],
    })
}

fn move_to(problem: &Problem, facts: &Facts<'_>, id: Id, to: Id) -> Result<Decision, Refusal> {
    leaving(problem, facts, id).map_err(Refusal::Invalid)?;
    let target = facts
        .target
        .filter(|t| t.id == to && t.id != problem.id && !t.dissolved)
        .ok_or_else(|| Refusal::invalid("to_problem_id", &TARGET_UNFIT))?;
    if !facts
        .appeals
        .get(&target.lead_appeal_id)
        .is_some_and(Candidate::may_lead)
        || !in_subtree(&facts.actor.org_path, &target.org_path)
    {
        return Err(Refusal::invalid("to_problem_id", &TARGET_UNFIT));
    }
    if problem.appeal_ids.len() <= MIN_APPEALS {
        return Err(Refusal::Conflict(FieldError::new("appeal_id", &LAST_TWO)));
    }
    let there = lowest_common(
        target
            .appeal_ids
            .iter()
            .chain([&id])
            .map(|a| path_of(facts, *a)),
    );
    Ok(Decision {
        events: vec![EventBody::AppealRemoved {
            appeal_id: id,
            to_problem_id: Some(to),
            org_path: path_without(problem, facts, &[id]),
        }],
        other: Some((
            Some(to),
            vec![EventBody::AppealAdded {
                appeal_id: id,
                from_problem_id: Some(problem.id),
                org_path: there,
            }],
        )),
        appeals: vec![
            AppealChange::Leave {
                appeal_id: id,
                lead_appeal_id: problem.lead_appeal_id,
            },
            AppealChange::Join {
                appeal_id: id,
                lead_appeal_id: target.lead_appeal_id,
            },
        ],
    })
}

fn split(
    problem: &Problem,
    facts: &Facts<'_>,
    ids: &[Id],
    title: &str,
) -> Result<Decision, Refusal> {
    let mut errors = Vec::new();
    let title = check_title(title, &mut errors);
    let ids: Vec<Id> = ids
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for id in &ids {
        if let Err(e) = leaving(problem, facts, *id) {
            errors.push(e.at("appeal_ids"));
        }
    }
    if ids.len() < MIN_APPEALS || problem.appeal_ids.len() < ids.len() + MIN_APPEALS {
        errors.push(FieldError::new("appeal_ids", &SPLIT_SIZES));
    }
    if let Some(e) = errors.into_iter().next() {
        return Err(Refusal::Invalid(e));
    }
    let new_lead = ids[0];
    let old_lead = problem.lead_appeal_id;
    let mut appeals: Vec<AppealChange> = ids
        .iter()
        .map(|id| AppealChange::Leave {
            appeal_id: *id,
            lead_appeal_id: old_lead,
        })
        .collect();
    appeals.extend(ids[1..].iter().map(|id| AppealChange::Join {
        appeal_id: *id,
        lead_appeal_id: new_lead,
    }));
    Ok(Decision {
        events: vec![EventBody::SplitOff {
            appeal_ids: ids.clone(),
            org_path: path_without(problem, facts, &ids),
        }],
        other: Some((
            None,
            vec![EventBody::Created {
                title,
                place: problem.place.clone(),
                org_path: lowest_common(ids.iter().map(|a| path_of(facts, *a))),
                lead_appeal_id: new_lead,
                appeal_ids: ids.clone(),
                split_from: Some(problem.id),
            }],
        )),
        appeals,
    })
}

fn dissolve(problem: &Problem, note: &Option<String>) -> Result<Decision, Refusal> {
    let note = match note.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => {
            crate::lifecycle::bounded("note", n, crate::lifecycle::MAX_NOTE_CHARS)
                .map_err(|r| Refusal::Invalid(field_of(r)))?;
            Some(n.to_string())
        }
    };
    Ok(Decision {
        events: vec![EventBody::Dissolved { note }],
        other: None,
        appeals: problem
            .members()
            .map(|id| AppealChange::Leave {
                appeal_id: id,
                lead_appeal_id: problem.lead_appeal_id,
            })
            .collect(),
    })
}

/// The field error inside a lifecycle refusal of a text's length.
fn field_of(r: crate::lifecycle::Refusal) -> FieldError {
    match r {
        crate::lifecycle::Refusal::Invalid(e) => e,
        other => FieldError::untranslated("note", "invalid", other.to_string()),
    }
}

/// The appeal as far as the actor may group it: known in scope, handled at or below the
/// actor's node (a staff role's), and in no other problem than `allowed`.
fn fit<'a>(facts: &Facts<'a>, id: Id, allowed: Option<Id>) -> Result<&'a Candidate, FieldError> {
    let c = facts
        .appeals
        .get(&id)
        .ok_or_else(|| FieldError::new("appeal_id", &UNKNOWN).with("id", id))?;
    let staff = matches!(
        facts.actor.role,
        Role::DistrictAdmin | Role::StreetStaff | Role::StationStaff
    );
    if !staff || !in_subtree(&facts.actor.org_path, &c.handling_path) {
        return Err(FieldError::new("appeal_id", &NOT_YOURS).with("id", id));
    }
    if c.problem_id.is_some() && c.problem_id != allowed {
        return Err(FieldError::new("appeal_id", &IN_ANOTHER).with("id", id));
    }
    Ok(c)
}

/// [`fit`], and in a state the lifecycle's `merge` takes.
fn joinable(facts: &Facts<'_>, id: Id, allowed: Option<Id>) -> Result<(), FieldError> {
    let c = fit(facts, id, allowed)?;
    if c.may_join() {
        Ok(())
    } else {
        Err(FieldError::new("appeal_id", &CANNOT_JOIN)
            .with("id", id)
            .with_words("status", c.status.label_zh(), c.status.label_en()))
    }
}

fn path_of(facts: &Facts<'_>, id: Id) -> String {
    facts
        .appeals
        .get(&id)
        .map(|c| c.handling_path.clone())
        .unwrap_or_default()
}

/// The lead first, then the others in the order given, each once.
fn distinct(lead: Id, ids: &[Id]) -> Vec<Id> {
    let mut seen = BTreeSet::new();
    std::iter::once(lead)
        .chain(ids.iter().copied())
        .filter(|id| seen.insert(*id))
        .collect()
}

/// A problem's title: trimmed, required, at most [`MAX_TITLE_CHARS`] (its fault pushed to
/// `errors`; a form checks it with the rest of its fields).
pub fn check_title(title: &str, errors: &mut Vec<FieldError>) -> String {
    let t = title.trim();
    if t.is_empty() {
        errors.push(FieldError::new("title", &TITLE_EMPTY));
    } else if t.chars().count() > MAX_TITLE_CHARS {
        errors.push(FieldError::new("title", &TOO_LONG).with("max", MAX_TITLE_CHARS));
    }
    t.to_string()
}

fn check_place(place: &Option<String>, errors: &mut Vec<FieldError>) -> Option<String> {
    let p = place.as_deref().map(str::trim).filter(|p| !p.is_empty())?;
    if p.chars().count() > MAX_PLACE_CHARS {
        errors.push(FieldError::new("place", &TOO_LONG).with("max", MAX_PLACE_CHARS));
    }
    Some(p.to_string())
}

/// The lowest common node of materialized paths (`/1/4/27/`): their longest common run of
/// whole segments. `/` when there is none in common or no path at all.
pub fn lowest_common(paths: impl IntoIterator<Item = String>) -> String {
    let mut common: Option<Vec<String>> = None;
    for p in paths {
        let segments: Vec<String> = p
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        common = Some(match common {
            None => segments,
            Some(c) => c
                .into_iter()
                .zip(segments)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    let segments = common.unwrap_or_default();
    if segments.is_empty() {
        "/".to_string()
    } else {
        format!("/{}/", segments.join("/"))
    }
}

/// The node a path ends at (0 for the empty path `/`).
pub fn node_of(path: &str) -> Id {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Handling it once: what a member of the lead's problem goes through when the lead takes
/// `event`. Resolved with the lead while merged into it (the same resolution and note, at
/// the same instant, against the lead's resolve deadline); answered back the same way once
/// resolved with it and not yet answered. Nothing else carries over: each follow-up is the
/// member's own.
pub fn carry(lead: &Appeal, event: &AppealEvent, member: &Appeal) -> Option<AppealEvent> {
    if member.merged_into != Some(lead.id) || member.spam_at.is_some() {
        return None;
    }
    match event {
        AppealEvent::Resolve { resolution, note } if member.status == Status::Merged => {
            Some(AppealEvent::ResolveWithLead {
                lead_appeal_id: lead.id,
                resolution: *resolution,
                note: note.clone(),
                resolve_by: lead.resolve_by,
            })
        }
        AppealEvent::Feedback { channel, note }
            if member.status == Status::Resolved && member.feedback_at.is_none() =>
        {
            Some(AppealEvent::Feedback {
                channel: *channel,
                note: note.clone(),
            })
        }
        _ => None,
    }
}

/// What the problem's own timeline records of what the lead and its members went through
/// (`carried` members took the carried event).
pub fn handled(event: &AppealEvent, carried: u32) -> Option<EventBody> {
    match event {
        AppealEvent::Resolve { resolution, .. } => Some(EventBody::Handled {
            resolution: *resolution,
            appeals: carried,
        }),
        AppealEvent::Feedback { .. } => Some(EventBody::AnsweredBack { appeals: carried }),
        _ => None,
    }
}

// The messages of this module's rules (a code, the Chinese and the English).
const NEEDS_A_PROBLEM: Msg = msg!(
    "problem_action_unknown",
    "这个操作不适用于问题",
    "This action does not apply to a problem"
);
const DISSOLVED: Msg = msg!(
    "problem_dissolved",
    "问题已解散，不能再操作",
    "The problem was dissolved; nothing more can be done with it"
);
const HANDLED: Msg = msg!(
    "problem_handled",
    "主件已办结，问题中的诉求已随之办结，不能再调整",
    "The lead appeal is resolved and its appeals with it; they can no longer be regrouped"
);
const TOO_FEW: Msg = msg!(
    "problem_too_few",
    "一个问题至少要有两件诉求",
    "A problem needs at least two appeals"
);
const LEAD_NOT_OPEN: Msg = msg!(
    "problem_lead_not_open",
    "主件必须是正在办理的诉求（未办结、未合并、未不予受理）",
    "The lead must be an appeal still being handled (not resolved, merged or rejected)"
);
const UNKNOWN: Msg = msg!(
    "problem_appeal_unknown",
    "找不到诉求 {id}（或不在您的范围内）",
    "Appeal {id} is not found (or outside your scope)"
);
const NOT_YOURS: Msg = msg!(
    "problem_appeal_not_yours",
    "诉求 {id} 不由您所在单位或下级单位承办，不能归并",
    "Appeal {id} is not handled by your unit or one below it, so you cannot group it"
);
const IN_ANOTHER: Msg = msg!(
    "problem_appeal_in_another",
    "诉求 {id} 已属于另一个问题，请先从那个问题移出",
    "Appeal {id} already belongs to another problem; remove it from there first"
);
const CANNOT_JOIN: Msg = msg!(
    "problem_appeal_cannot_join",
    "诉求 {id} 当前状态为「{status}」，只有已登记或已受理的诉求可以归并",
    "Appeal {id} is {status}; only a registered or accepted appeal can be grouped"
);
const NOT_A_MEMBER: Msg = msg!(
    "problem_not_a_member",
    "这件诉求不是本问题中待办的合并件",
    "This appeal is not a merged appeal of this problem"
);
const LEAD_STAYS: Msg = msg!(
    "problem_lead_stays",
    "主件不能移出；要换主件请拆分或解散问题",
    "The lead cannot leave; split or dissolve the problem instead"
);
const LAST_TWO: Msg = msg!(
    "problem_last_two",
    "问题只剩两件诉求，不能再移出；请解散问题",
    "The problem has only two appeals left; dissolve it instead"
);
const TARGET_UNFIT: Msg = msg!(
    "problem_target_unfit",
    "找不到要移入的问题，或它已解散、已办结或不在您的范围内",
    "The problem to move to is not found, dissolved, handled or outside your scope"
);
const SPLIT_SIZES: Msg = msg!(
    "problem_split_sizes",
    "拆分要选出至少两件合并件，并给原问题留下至少两件诉求",
    "A split takes at least two merged appeals and leaves at least two in the problem"
);
const SAME_TITLE: Msg = msg!(
    "problem_same_title",
    "新标题与原标题相同",
    "The new title is the same as the old one"
);
const TITLE_EMPTY: Msg = msg!("problem_title_empty", "请填写问题标题", "Enter a title");
const TOO_LONG: Msg = msg!(
    "problem_text_too_long",
    "不能超过 {max} 个字",
    "At most {max} characters"
);
