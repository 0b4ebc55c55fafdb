//! `apply`: folds one event into the appeal's state. One function per change that takes
//! more than a line; the hand-overs (assign, refer, escalate) record what they replaced, so
//! `return` can put it back.

use chrono::{DateTime, Utc};

use super::{Event, EventBody};
use crate::appeal::{Appeal, Extension, Handoff, Resolution, Status};
use crate::Id;

/// Folds one event into the appeal. Total: every event produced by `decide` applies.
pub fn apply(appeal: &mut Appeal, event: &Event) {
    appeal.version += 1;
    let at = event.at;
    match &event.body {
        // Recorded on the timeline only. An overdue deadline the state already says
        // (`is_overdue`).
        EventBody::Registered { .. }
        | EventBody::Progress { .. }
        | EventBody::Supervise { .. }
        | EventBody::Overdue { .. } => {}
        EventBody::Accept { .. } => {
            appeal.status = Status::Accepted;
            appeal.accepted_at = Some(at);
            first_answer(appeal, at);
        }
        EventBody::Assign {
            user_id, team_id, ..
        } => assign(appeal, *user_id, *team_id),
        EventBody::Refer { department_id, .. } => refer(appeal, *department_id),
        EventBody::Escalate {
            from_org_unit_id,
            to_org_unit_id,
            ..
        } => escalate(appeal, *from_org_unit_id, *to_org_unit_id),
        EventBody::Return { undone, .. } => take_back(appeal, undone),
        EventBody::Feedback { .. } => appeal.feedback_at = Some(at),
        EventBody::Extend { days, reason } => {
            appeal.extension = Extension::Requested {
                days: *days,
                reason: reason.clone(),
                requested_by: event.actor_id,
            };
        }
        EventBody::ExtendApprove {
            approve,
            resolve_by,
            ..
        } => decide_extension(appeal, *approve, *resolve_by),
        EventBody::Resolve { resolution, .. } => resolve(appeal, *resolution, at),
        EventBody::FollowUp {
            satisfaction,
            solved,
            attempt,
            closes,
            ..
        } => {
            appeal.satisfaction = Some(*satisfaction);
            appeal.solved = *solved;
            appeal.follow_up_attempts = *attempt;
            if *closes {
                appeal.status = Status::Closed;
                appeal.closed_at = Some(at);
            }
        }
        EventBody::Reopen { resolve_by, .. } => reopen(appeal, *resolve_by),
        EventBody::Reject { .. } => {
            appeal.status = Status::Rejected;
            first_answer(appeal, at);
        }
        EventBody::Suspend { .. } => appeal.suspended_at = Some(at),
        EventBody::Resume { resolve_by, .. } => {
            appeal.suspended_at = None;
            appeal.resolve_by = *resolve_by;
        }
        EventBody::Classify { to, .. } => appeal.category = to.clone(),
        EventBody::MarkSpam { .. } => appeal.spam_at = Some(at),
        EventBody::UnmarkSpam { .. } => appeal.spam_at = None,
        EventBody::Merge { into_appeal_id } => merge(appeal, *into_appeal_id, at),
        EventBody::Unmerge { .. } => unmerge(appeal),
        EventBody::ResolveWithLead {
            resolution,
            resolve_by,
            ..
        } => {
            resolve(appeal, *resolution, at);
            appeal.resolve_by = *resolve_by;
        }
    }
}

fn merge(appeal: &mut Appeal, into_appeal_id: Id, at: DateTime<Utc>) {
    appeal.status = Status::Merged;
    appeal.merged_into = Some(into_appeal_id);
    // Taking it up with another appeal answers it, as accepting or rejecting would.
    first_answer(appeal, at);
    // As at resolve: a pending extension request lapses, nobody can decide it now.
    lapse_pending_extension(appeal);
}

/// Out of its problem's lead: back where it stood before the merge.
fn unmerge(appeal: &mut Appeal) {
    appeal.status = if appeal.accepted_at.is_some() {
        Status::Accepted
    } else {
        Status::Registered
    };
    appeal.merged_into = None;
}

/// The appeal's first answer (受理, 不予受理, 合并) is its response; a later one (accepted
/// after it left a problem) does not move it.
fn first_answer(appeal: &mut Appeal, at: DateTime<Utc>) {
    appeal.responded_at.get_or_insert(at);
}

fn assign(appeal: &mut Appeal, user_id: Option<Id>, team_id: Option<Id>) {
    appeal.handoffs.push(Handoff::Assign {
        user_id,
        team_id,
        previous_user_id: appeal.assignee_user_id,
        previous_team_id: appeal.assignee_team_id,
    });
    appeal.assignee_user_id = user_id;
    appeal.assignee_team_id = team_id;
    appeal.status = Status::InProgress;
}

fn refer(appeal: &mut Appeal, department_id: Id) {
    appeal.handoffs.push(Handoff::Refer {
        department_id,
        previous_department_id: appeal.department_id,
    });
    appeal.department_id = Some(department_id);
    appeal.status = Status::InProgress;
}

fn escalate(appeal: &mut Appeal, from_org_unit_id: Id, to_org_unit_id: Id) {
    appeal.handoffs.push(Handoff::Escalate {
        from_org_unit_id,
        to_org_unit_id,
    });
    appeal.handling_org_unit_id = to_org_unit_id;
    appeal.status = Status::InProgress;
}

/// Undoes the last hand-over; with none left, the appeal is back where it was accepted.
fn take_back(appeal: &mut Appeal, undone: &Handoff) {
    appeal.handoffs.pop();
    match undone {
        Handoff::Assign {
            previous_user_id,
            previous_team_id,
            ..
        } => {
            appeal.assignee_user_id = *previous_user_id;
            appeal.assignee_team_id = *previous_team_id;
        }
        Handoff::Refer {
            previous_department_id,
            ..
        } => appeal.department_id = *previous_department_id,
        Handoff::Escalate {
            from_org_unit_id, ..
        } => appeal.handling_org_unit_id = *from_org_unit_id,
    }
    if appeal.handoffs.is_empty() {
        appeal.status = Status::Accepted;
    }
}

fn decide_extension(appeal: &mut Appeal, approve: bool, resolve_by: Option<DateTime<Utc>>) {
    let days = match appeal.extension {
        Extension::Requested { days, .. } => days,
        _ => 0,
    };
    if approve {
        appeal.extension = Extension::Approved { days };
        appeal.resolve_by = resolve_by;
    } else {
        appeal.extension = Extension::Denied { days };
    }
}

fn resolve(appeal: &mut Appeal, resolution: Resolution, at: DateTime<Utc>) {
    appeal.status = Status::Resolved;
    appeal.resolution = Some(resolution);
    appeal.resolved_at = Some(at);
    if appeal.accepted_at.is_none() {
        appeal.accepted_at = Some(at);
    }
    forget_follow_up(appeal);
    // A request still pending lapses: it was for the deadline just met, and nobody can
    // decide it while resolved (approving it after a reopen would move the new deadline).
    lapse_pending_extension(appeal);
}

fn reopen(appeal: &mut Appeal, resolve_by: Option<DateTime<Utc>>) {
    appeal.status = Status::InProgress;
    appeal.reopen_count += 1;
    appeal.resolve_by = resolve_by;
    appeal.resolution = None;
    appeal.resolved_at = None;
    appeal.closed_at = None;
    forget_follow_up(appeal);
}

/// A fresh resolution starts its feedback and follow-up from nothing.
fn forget_follow_up(appeal: &mut Appeal) {
    appeal.feedback_at = None;
    appeal.satisfaction = None;
    appeal.solved = None;
    appeal.follow_up_attempts = 0;
}

fn lapse_pending_extension(appeal: &mut Appeal) {
    if let Extension::Requested { .. } = appeal.extension {
        appeal.extension = Extension::None;
    }
}
