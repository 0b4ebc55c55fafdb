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

use crate::access::{ActionKind, Actor};
use crate::appeal::{Appeal, Resolution, Status};
use crate::error::Msg;
use crate::lifecycle::EventBody as AppealEvent;
use crate::msg;
use crate::vocabulary;
use crate::Id;

mod decide;
#[cfg(test)]
mod tests;

pub use decide::{check_title, decide};

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
