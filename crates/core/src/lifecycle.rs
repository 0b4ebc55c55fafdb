//! The closed loop (受理 → 办理 → 办结 → 反馈 → 回访) as decide → events → apply.
//!
//! `decide` is a pure function of the appeal, the command, who acts, and when; it either
//! refuses with a reason or returns the events that record what happened. `apply` folds an
//! event into the appeal. The store appends the events and saves the new state in one
//! transaction, so the timeline and the row can never disagree.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::access::{ActionKind, Actor, Capability, Holders, Placement, Relation};
use crate::appeal::{
    Appeal, Appellant, Channel, Deadline, Extension, FeedbackChannel, Handoff, Kind, Resolution,
    Satisfaction, Status, Urgency,
};
use crate::calendar::WorkCalendar;
use crate::error::FieldError;
use crate::policy::{deadline, Limit, TimeLimitPolicy};
use crate::Id;

/// Longest note, reason or content a person types into one field.
pub const MAX_NOTE_CHARS: usize = 2_000;
pub const MAX_CONTENT_CHARS: usize = 10_000;
pub const MAX_TITLE_CHARS: usize = 100;
pub const MAX_LOCATION_CHARS: usize = 200;
/// Longest extension one request may ask for.
pub const MAX_EXTENSION_DAYS: u32 = 30;
/// Unreachable follow-up attempts after which the appeal closes as unreachable.
pub const MAX_FOLLOW_UP_ATTEMPTS: u32 = 3;

/// A lifecycle command, as posted to `/api/v1/appeals/{id}/actions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    Accept {
        note: Option<String>,
    },
    Assign {
        user_id: Option<Id>,
        team_id: Option<Id>,
        note: Option<String>,
    },
    Refer {
        department_id: Id,
        note: String,
    },
    Escalate {
        note: String,
    },
    Return {
        note: String,
    },
    Progress {
        note: String,
    },
    Extend {
        days: u32,
        reason: String,
    },
    ExtendApprove {
        approve: bool,
        reason: Option<String>,
    },
    Resolve {
        resolution: Resolution,
        note: String,
    },
    Feedback {
        channel: FeedbackChannel,
        note: String,
    },
    FollowUp {
        satisfaction: Satisfaction,
        solved: Option<bool>,
        note: Option<String>,
        /// When dissatisfied: send it back for handling again (重办) instead of closing.
        #[serde(default)]
        reopen: bool,
    },
    Reopen {
        note: String,
    },
    Reject {
        reason: String,
    },
    Merge {
        into_appeal_id: Id,
    },
    Supervise {
        note: String,
    },
    /// 挂起: the appellant is holding things up (away, documents missing); the clock stops.
    Suspend {
        reason: String,
    },
    /// 恢复计时: the clock runs again; the resolve deadline moves by the time it stood.
    Resume {
        note: Option<String>,
    },
}

impl Command {
    pub fn kind(&self) -> ActionKind {
        match self {
            Command::Accept { .. } => ActionKind::Accept,
            Command::Assign { .. } => ActionKind::Assign,
            Command::Refer { .. } => ActionKind::Refer,
            Command::Escalate { .. } => ActionKind::Escalate,
            Command::Return { .. } => ActionKind::Return,
            Command::Progress { .. } => ActionKind::Progress,
            Command::Extend { .. } => ActionKind::Extend,
            Command::ExtendApprove { .. } => ActionKind::ExtendApprove,
            Command::Resolve { .. } => ActionKind::Resolve,
            Command::Feedback { .. } => ActionKind::Feedback,
            Command::FollowUp { .. } => ActionKind::FollowUp,
            Command::Reopen { .. } => ActionKind::Reopen,
            Command::Reject { .. } => ActionKind::Reject,
            Command::Merge { .. } => ActionKind::Merge,
            Command::Supervise { .. } => ActionKind::Supervise,
            Command::Suspend { .. } => ActionKind::Suspend,
            Command::Resume { .. } => ActionKind::Resume,
        }
    }
}

/// What happened, with everything needed to replay it (deadlines are computed once, here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum EventBody {
    Registered {
        channel: Channel,
        kind: Kind,
        urgency: Urgency,
        category: String,
        org_unit_id: Id,
        handling_org_unit_id: Id,
        respond_by: DateTime<Utc>,
        resolve_by: Option<DateTime<Utc>>,
    },
    Accept {
        note: Option<String>,
    },
    Assign {
        user_id: Option<Id>,
        team_id: Option<Id>,
        note: Option<String>,
    },
    Refer {
        department_id: Id,
        note: String,
    },
    Escalate {
        from_org_unit_id: Id,
        to_org_unit_id: Id,
        note: String,
    },
    Return {
        note: String,
        undone: Handoff,
    },
    Progress {
        note: String,
    },
    Extend {
        days: u32,
        reason: String,
    },
    ExtendApprove {
        approve: bool,
        reason: Option<String>,
        resolve_by: Option<DateTime<Utc>>,
    },
    Resolve {
        resolution: Resolution,
        note: String,
    },
    Feedback {
        channel: FeedbackChannel,
        note: String,
    },
    FollowUp {
        satisfaction: Satisfaction,
        solved: Option<bool>,
        note: Option<String>,
        attempt: u32,
        closes: bool,
    },
    Reopen {
        note: String,
        resolve_by: Option<DateTime<Utc>>,
    },
    Reject {
        reason: String,
    },
    Merge {
        into_appeal_id: Id,
    },
    Supervise {
        note: String,
    },
    Suspend {
        reason: String,
    },
    /// The clock ran again after `paused_seconds` of counted time (working time for a
    /// working-day limit, elapsed time for a clock-hour one); `resolve_by` is the moved deadline.
    Resume {
        note: Option<String>,
        paused_seconds: i64,
        resolve_by: Option<DateTime<Utc>>,
    },
    /// Recorded by the deadline watch (system actor) once per deadline that passed unmet.
    Overdue {
        deadline: Deadline,
        due: DateTime<Utc>,
    },
}

impl EventBody {
    /// The event's type name on the timeline (`registered`, or the action's code).
    pub fn type_name(&self) -> &'static str {
        match self {
            EventBody::Registered { .. } => "registered",
            EventBody::Accept { .. } => "accept",
            EventBody::Assign { .. } => "assign",
            EventBody::Refer { .. } => "refer",
            EventBody::Escalate { .. } => "escalate",
            EventBody::Return { .. } => "return",
            EventBody::Progress { .. } => "progress",
            EventBody::Extend { .. } => "extend",
            EventBody::ExtendApprove { .. } => "extend_approve",
            EventBody::Resolve { .. } => "resolve",
            EventBody::Feedback { .. } => "feedback",
            EventBody::FollowUp { .. } => "follow_up",
            EventBody::Reopen { .. } => "reopen",
            EventBody::Reject { .. } => "reject",
            EventBody::Merge { .. } => "merge",
            EventBody::Supervise { .. } => "supervise",
            EventBody::Suspend { .. } => "suspend",
            EventBody::Resume { .. } => "resume",
            EventBody::Overdue { .. } => "overdue",
        }
    }
}

/// One entry of the timeline: who, when, what (and why, inside the body).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub actor_id: Id,
    pub body: EventBody,
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// The appeal's status does not allow it (HTTP 409). `allowed` is what the status allows.
    #[error("当前状态「{}」不能执行「{}」；可执行的操作：{}", status.label_zh(), action.label_zh(), list(allowed))]
    NotAllowed {
        action: ActionKind,
        status: Status,
        allowed: Vec<ActionKind>,
    },
    /// The actor's role or relation to the appeal does not allow it (HTTP 403).
    #[error("{0}")]
    Forbidden(String),
    /// A field is missing or wrong (HTTP 422).
    #[error("{0}")]
    Invalid(FieldError),
}

fn list(actions: &[ActionKind]) -> String {
    if actions.is_empty() {
        return "无".into();
    }
    actions
        .iter()
        .map(|a| a.code())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Everything `decide` needs besides the appeal and the command.
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    pub actor: &'a Actor,
    pub place: &'a Placement,
    pub calendar: &'a WorkCalendar,
    pub policy: &'a TimeLimitPolicy,
}

impl Context<'_> {
    fn relation(&self, appeal: &Appeal) -> Relation {
        crate::access::relation(self.actor, self.place, holders(appeal))
    }
}

/// The facts about an appeal that decide who may see it.
pub fn holders(appeal: &Appeal) -> Holders {
    Holders {
        handling_org_unit_id: appeal.handling_org_unit_id,
        assignee_user_id: appeal.assignee_user_id,
        department_id: appeal.department_id,
    }
}

/// The actions the appeal's state allows, whoever asks.
pub fn allowed_in_state(appeal: &Appeal) -> Vec<ActionKind> {
    use ActionKind as A;
    let extension_open = matches!(appeal.extension, Extension::None | Extension::Denied { .. })
        && appeal.resolve_by.is_some();
    let extension_pending = matches!(appeal.extension, Extension::Requested { .. });
    let mut allowed = Vec::new();
    let mut push = |cond: bool, a: ActionKind| {
        if cond {
            allowed.push(a)
        }
    };
    match appeal.status {
        Status::Registered => {
            push(true, A::Accept);
            push(true, A::Reject);
            push(true, A::Merge);
            push(true, A::Supervise);
        }
        Status::Accepted | Status::InProgress if appeal.suspended_at.is_some() => {
            // While the clock stands, the handler can record progress and resume; a superior
            // can still decide a pending extension or supervise. Handing it on or closing it
            // waits for `resume`, so the stopped clock is always accounted for.
            push(appeal.status == Status::InProgress, A::Progress);
            push(extension_pending, A::ExtendApprove);
            push(true, A::Supervise);
            push(true, A::Resume);
        }
        Status::Accepted | Status::InProgress => {
            let in_progress = appeal.status == Status::InProgress;
            push(true, A::Assign);
            push(true, A::Refer);
            push(true, A::Escalate);
            push(in_progress && !appeal.handoffs.is_empty(), A::Return);
            push(in_progress, A::Progress);
            push(extension_open, A::Extend);
            push(extension_pending, A::ExtendApprove);
            push(true, A::Resolve);
            push(!in_progress, A::Merge);
            push(true, A::Supervise);
            // Only a running resolve clock can be stopped (praise has none).
            push(appeal.resolve_by.is_some(), A::Suspend);
        }
        Status::Resolved => {
            push(true, A::Feedback);
            push(appeal.feedback_at.is_some(), A::FollowUp);
        }
        Status::Closed => push(true, A::Reopen),
        Status::Rejected | Status::Merged => {}
    }
    allowed
}

/// The actions this actor may take on this appeal now — what a UI offers.
pub fn available_actions(appeal: &Appeal, ctx: &Context<'_>) -> Vec<ActionKind> {
    let rel = ctx.relation(appeal);
    allowed_in_state(appeal)
        .into_iter()
        .filter(|a| ctx.actor.may(Capability::Act(*a)) && in_position(*a, appeal, rel))
        // At the top of the tree there is no level to escalate to: `decide` refuses it.
        // Escalating, and asking for an extension, both need a level above the handling unit.
        .filter(|a| {
            !matches!(a, ActionKind::Escalate | ActionKind::Extend)
                || ctx.place.handling_parent.is_some()
        })
        .collect()
}

/// Whether the actor's relation to the appeal lets it take this action.
fn in_position(action: ActionKind, appeal: &Appeal, rel: Relation) -> bool {
    use ActionKind as A;
    match action {
        A::Supervise | A::ExtendApprove => rel.superior,
        // Whoever received the last hand-over sends it back.
        A::Return => match appeal.handoffs.last() {
            Some(Handoff::Refer { .. }) => rel.department,
            Some(Handoff::Assign { .. }) => rel.assignee || rel.at_handling_unit,
            Some(Handoff::Escalate { .. }) => rel.at_handling_unit,
            None => false,
        },
        // Those working on it: the unit, or the person or department it was handed to.
        A::Progress | A::Resolve | A::Extend => {
            rel.at_handling_unit || rel.assignee || rel.department
        }
        _ => rel.at_handling_unit,
    }
}

fn required(field: &str, value: &str, what: &str) -> Result<String, Refusal> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Refusal::Invalid(FieldError::new(
            field,
            format!("请填写{what}"),
        )));
    }
    bounded(field, v, MAX_NOTE_CHARS)?;
    Ok(v.to_string())
}

fn optional(field: &str, value: &Option<String>) -> Result<Option<String>, Refusal> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => {
            bounded(field, v, MAX_NOTE_CHARS)?;
            Ok(Some(v.to_string()))
        }
    }
}

/// Rejects text longer than `max` characters with a message saying the limit.
pub fn bounded(field: &str, value: &str, max: usize) -> Result<(), Refusal> {
    let n = value.chars().count();
    if n > max {
        return Err(Refusal::Invalid(FieldError::new(
            field,
            format!("内容过长：{n} 字，最多 {max} 字"),
        )));
    }
    Ok(())
}

/// Decides what a command does to an appeal: the events, or why not.
pub fn decide(
    appeal: &Appeal,
    command: &Command,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let action = command.kind();
    let allowed = allowed_in_state(appeal);
    if !allowed.contains(&action) {
        return Err(Refusal::NotAllowed {
            action,
            status: appeal.status,
            allowed,
        });
    }
    if !ctx.actor.may(Capability::Act(action)) {
        return Err(Refusal::Forbidden(format!(
            "角色「{}」不能执行「{}」",
            ctx.actor.role.label_zh(),
            action.label_zh()
        )));
    }
    if !in_position(action, appeal, ctx.relation(appeal)) {
        return Err(Refusal::Forbidden(position_message(action)));
    }
    let event = |body| Event {
        at: ctx.now,
        actor_id: ctx.actor.user_id,
        body,
    };
    let body = match command {
        Command::Accept { note } => EventBody::Accept {
            note: optional("note", note)?,
        },
        Command::Assign {
            user_id,
            team_id,
            note,
        } => {
            if user_id.is_some() == team_id.is_some() {
                return Err(Refusal::Invalid(FieldError::new(
                    "user_id",
                    "请选择分派对象：一位人员或一个服务团队（二者选一）",
                )));
            }
            EventBody::Assign {
                user_id: *user_id,
                team_id: *team_id,
                note: optional("note", note)?,
            }
        }
        Command::Refer {
            department_id,
            note,
        } => {
            if appeal.department_id == Some(*department_id) {
                return Err(Refusal::Invalid(FieldError::new(
                    "department_id",
                    "该诉求已转办至此部门",
                )));
            }
            EventBody::Refer {
                department_id: *department_id,
                note: required("note", note, "转办说明")?,
            }
        }
        Command::Escalate { note } => {
            let Some((parent_id, _)) = &ctx.place.handling_parent else {
                return Err(Refusal::Invalid(FieldError::new(
                    "action",
                    "已在最高层级，无法再上报",
                )));
            };
            EventBody::Escalate {
                from_org_unit_id: appeal.handling_org_unit_id,
                to_org_unit_id: *parent_id,
                note: required("note", note, "上报理由")?,
            }
        }
        Command::Return { note } => EventBody::Return {
            note: required("note", note, "退回理由")?,
            undone: appeal
                .handoffs
                .last()
                .cloned()
                .expect("allowed_in_state checked handoffs"),
        },
        Command::Progress { note } => EventBody::Progress {
            note: required("note", note, "办理进展")?,
        },
        Command::Extend { days, reason } => {
            if ctx.place.handling_parent.is_none() {
                return Err(Refusal::Invalid(FieldError::new(
                    "action",
                    "承办单位已是最高层级，没有上级可以审批延期",
                )));
            }
            if *days == 0 || *days > MAX_EXTENSION_DAYS {
                return Err(Refusal::Invalid(FieldError::new(
                    "days",
                    format!("延期天数应为 1–{MAX_EXTENSION_DAYS} 个工作日"),
                )));
            }
            EventBody::Extend {
                days: *days,
                reason: required("reason", reason, "延期理由")?,
            }
        }
        Command::ExtendApprove { approve, reason } => {
            let Extension::Requested { days, .. } = appeal.extension else {
                unreachable!("allowed_in_state checked the pending request")
            };
            let reason = optional("reason", reason)?;
            if !approve && reason.is_none() {
                return Err(Refusal::Invalid(FieldError::new(
                    "reason",
                    "不同意延期时请填写理由",
                )));
            }
            let resolve_by = approve
                .then(|| {
                    appeal
                        .resolve_by
                        .map(|by| ctx.calendar.add_working_days(by, days))
                })
                .flatten();
            EventBody::ExtendApprove {
                approve: *approve,
                reason,
                resolve_by,
            }
        }
        Command::Resolve { resolution, note } => EventBody::Resolve {
            resolution: *resolution,
            note: required("note", note, "办结情况")?,
        },
        Command::Feedback { channel, note } => EventBody::Feedback {
            channel: *channel,
            note: required("note", note, "反馈内容")?,
        },
        Command::FollowUp {
            satisfaction,
            solved,
            note,
            reopen,
        } => {
            return follow_up(
                appeal,
                ctx,
                *satisfaction,
                *solved,
                optional("note", note)?,
                *reopen,
            )
            .map(|bodies| bodies.into_iter().map(event).collect());
        }
        Command::Reopen { note } => EventBody::Reopen {
            note: required("note", note, "重办理由")?,
            resolve_by: reopened_resolve_by(appeal, ctx),
        },
        Command::Reject { reason } => EventBody::Reject {
            reason: required("reason", reason, "不予受理的理由")?,
        },
        Command::Merge { into_appeal_id } => {
            if *into_appeal_id == appeal.id {
                return Err(Refusal::Invalid(FieldError::new(
                    "into_appeal_id",
                    "不能合并到自身",
                )));
            }
            EventBody::Merge {
                into_appeal_id: *into_appeal_id,
            }
        }
        Command::Supervise { note } => EventBody::Supervise {
            note: required("note", note, "督办意见")?,
        },
        Command::Suspend { reason } => EventBody::Suspend {
            reason: required("reason", reason, "挂起理由（诉求人方面的原因）")?,
        },
        Command::Resume { note } => {
            let since = appeal
                .suspended_at
                .expect("allowed_in_state checked the suspension");
            let paused = paused_time(appeal, ctx, since);
            EventBody::Resume {
                note: optional("note", note)?,
                paused_seconds: paused.num_seconds(),
                resolve_by: appeal
                    .resolve_by
                    .map(|by| move_deadline(appeal, ctx, by, paused)),
            }
        }
    };
    Ok(vec![event(body)])
}

fn position_message(action: ActionKind) -> String {
    use ActionKind as A;
    match action {
        A::Supervise | A::ExtendApprove => {
            format!("「{}」须由承办单位的上级执行", action.label_zh())
        }
        A::Return => "只有最近一次接手的人员或部门可以退回".into(),
        _ => format!(
            "只有承办单位（或被分派、转办的对象）可以执行「{}」",
            action.label_zh()
        ),
    }
}

fn follow_up(
    appeal: &Appeal,
    ctx: &Context<'_>,
    satisfaction: Satisfaction,
    solved: Option<bool>,
    note: Option<String>,
    reopen: bool,
) -> Result<Vec<EventBody>, Refusal> {
    let reached = satisfaction != Satisfaction::Unreachable;
    if reached && solved.is_none() {
        return Err(Refusal::Invalid(FieldError::new(
            "solved",
            "请填写群众是否认为问题已解决",
        )));
    }
    if reopen && satisfaction != Satisfaction::Dissatisfied {
        return Err(Refusal::Invalid(FieldError::new(
            "reopen",
            "只有不满意时才能重办",
        )));
    }
    let attempt = appeal.follow_up_attempts + 1;
    let closes = if reached {
        !reopen
    } else {
        attempt >= MAX_FOLLOW_UP_ATTEMPTS
    };
    let mut bodies = vec![EventBody::FollowUp {
        satisfaction,
        solved: if reached { solved } else { None },
        note,
        attempt,
        closes,
    }];
    if reopen {
        bodies.push(EventBody::Reopen {
            note: "回访不满意，重新办理".into(),
            resolve_by: reopened_resolve_by(appeal, ctx),
        });
    }
    Ok(bodies)
}

/// Whether the appeal's resolve limit is counted in clock hours (urgent) rather than working days.
fn clock_hours(appeal: &Appeal, policy: &TimeLimitPolicy) -> bool {
    matches!(
        policy
            .limits(appeal.kind, appeal.urgency, &appeal.category)
            .resolve,
        Some(Limit::ClockHours(_))
    )
}

/// How long the clock stood since `since`, counted as the limit counts: elapsed time for a
/// clock-hour limit, working time (weekends and holidays excluded) for a working-day one.
fn paused_time(appeal: &Appeal, ctx: &Context<'_>, since: DateTime<Utc>) -> TimeDelta {
    if clock_hours(appeal, ctx.policy) {
        (ctx.now - since).max(TimeDelta::zero())
    } else {
        ctx.calendar.working_time_between(since, ctx.now)
    }
}

/// `by` moved later by `paused`, counted the same way.
fn move_deadline(
    appeal: &Appeal,
    ctx: &Context<'_>,
    by: DateTime<Utc>,
    paused: TimeDelta,
) -> DateTime<Utc> {
    if clock_hours(appeal, ctx.policy) {
        by.checked_add_signed(paused)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    } else {
        ctx.calendar.add_working_time(by, paused)
    }
}

/// A reopened appeal gets a fresh resolve limit from now.
fn reopened_resolve_by(appeal: &Appeal, ctx: &Context<'_>) -> Option<DateTime<Utc>> {
    ctx.policy
        .limits(appeal.kind, appeal.urgency, &appeal.category)
        .resolve
        .map(|limit| deadline(ctx.calendar, ctx.now, limit))
}

/// Folds one event into the appeal. Total: every event produced by `decide` applies.
pub fn apply(appeal: &mut Appeal, event: &Event) {
    appeal.version += 1;
    match &event.body {
        EventBody::Registered { .. } => {}
        EventBody::Accept { .. } => {
            appeal.status = Status::Accepted;
            appeal.accepted_at = Some(event.at);
            appeal.responded_at = Some(event.at);
        }
        EventBody::Assign {
            user_id, team_id, ..
        } => {
            appeal.handoffs.push(Handoff::Assign {
                user_id: *user_id,
                team_id: *team_id,
                previous_user_id: appeal.assignee_user_id,
                previous_team_id: appeal.assignee_team_id,
            });
            appeal.assignee_user_id = *user_id;
            appeal.assignee_team_id = *team_id;
            appeal.status = Status::InProgress;
        }
        EventBody::Refer { department_id, .. } => {
            appeal.handoffs.push(Handoff::Refer {
                department_id: *department_id,
                previous_department_id: appeal.department_id,
            });
            appeal.department_id = Some(*department_id);
            appeal.status = Status::InProgress;
        }
        EventBody::Escalate {
            from_org_unit_id,
            to_org_unit_id,
            ..
        } => {
            appeal.handoffs.push(Handoff::Escalate {
                from_org_unit_id: *from_org_unit_id,
                to_org_unit_id: *to_org_unit_id,
            });
            appeal.handling_org_unit_id = *to_org_unit_id;
            appeal.status = Status::InProgress;
        }
        EventBody::Return { undone, .. } => {
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
        EventBody::Progress { .. } | EventBody::Supervise { .. } | EventBody::Feedback { .. } => {
            if let EventBody::Feedback { .. } = event.body {
                appeal.feedback_at = Some(event.at);
            }
        }
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
        } => {
            let days = match appeal.extension {
                Extension::Requested { days, .. } => days,
                _ => 0,
            };
            if *approve {
                appeal.extension = Extension::Approved { days };
                appeal.resolve_by = *resolve_by;
            } else {
                appeal.extension = Extension::Denied { days };
            }
        }
        EventBody::Resolve { resolution, .. } => {
            appeal.status = Status::Resolved;
            appeal.resolution = Some(*resolution);
            appeal.resolved_at = Some(event.at);
            if appeal.accepted_at.is_none() {
                appeal.accepted_at = Some(event.at);
            }
            appeal.feedback_at = None;
            appeal.satisfaction = None;
            appeal.solved = None;
            appeal.follow_up_attempts = 0;
            // A request still pending lapses: it was for the deadline just met, and nobody can
            // decide it while resolved (approving it after a reopen would move the new deadline).
            if let Extension::Requested { .. } = appeal.extension {
                appeal.extension = Extension::None;
            }
        }
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
                appeal.closed_at = Some(event.at);
            }
        }
        EventBody::Reopen { resolve_by, .. } => {
            appeal.status = Status::InProgress;
            appeal.reopen_count += 1;
            appeal.resolve_by = *resolve_by;
            appeal.resolution = None;
            appeal.resolved_at = None;
            appeal.closed_at = None;
            appeal.feedback_at = None;
            appeal.satisfaction = None;
            appeal.solved = None;
            appeal.follow_up_attempts = 0;
        }
        EventBody::Reject { .. } => {
            appeal.status = Status::Rejected;
            appeal.responded_at = Some(event.at);
        }
        EventBody::Suspend { .. } => appeal.suspended_at = Some(event.at),
        EventBody::Resume { resolve_by, .. } => {
            appeal.suspended_at = None;
            appeal.resolve_by = *resolve_by;
        }
        // The timeline records it; the state already says it (`is_overdue`).
        EventBody::Overdue { .. } => {}
        EventBody::Merge { into_appeal_id } => {
            appeal.status = Status::Merged;
            appeal.merged_into = Some(*into_appeal_id);
            // As at resolve: a pending extension request lapses, nobody can decide it now.
            if let Extension::Requested { .. } = appeal.extension {
                appeal.extension = Extension::None;
            }
        }
    }
}

/// A new appeal as taken in at the desk or over the API, already checked for references
/// (node, category, appellant) by the caller, which knows the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intake {
    pub appellant: Appellant,
    pub org_unit_id: Id,
    pub channel: Channel,
    pub kind: Kind,
    pub category: String,
    pub urgency: Urgency,
    pub title: Option<String>,
    pub content: String,
    pub location: Option<String>,
    pub public_consent: bool,
}

/// Registers an appeal: checks the text fields, computes the deadlines, and returns the new
/// appeal (with `id` 0, for the store to assign) and its `registered` event.
pub fn register(
    intake: Intake,
    tracking_code: String,
    handling_org_unit_id: Id,
    actor: &Actor,
    now: DateTime<Utc>,
    calendar: &WorkCalendar,
    policy: &TimeLimitPolicy,
) -> Result<(Appeal, Event), Refusal> {
    if !actor.may(Capability::Intake) {
        return Err(Refusal::Forbidden(format!(
            "角色「{}」不能登记诉求",
            actor.role.label_zh()
        )));
    }
    let content = intake.content.trim().to_string();
    if content.is_empty() {
        return Err(Refusal::Invalid(FieldError::new(
            "content",
            "请填写诉求内容",
        )));
    }
    bounded("content", &content, MAX_CONTENT_CHARS)?;
    let title = trimmed(intake.title);
    if let Some(t) = &title {
        bounded("title", t, MAX_TITLE_CHARS)?;
    }
    let location = trimmed(intake.location);
    if let Some(l) = &location {
        bounded("location", l, MAX_LOCATION_CHARS)?;
    }
    let limits = policy.limits(intake.kind, intake.urgency, &intake.category);
    let respond_by = deadline(calendar, now, limits.respond);
    let resolve_by = limits.resolve.map(|l| deadline(calendar, now, l));
    let appeal = Appeal {
        id: 0,
        tracking_code,
        status: Status::Registered,
        org_unit_id: intake.org_unit_id,
        received_by_org_unit_id: actor.org_unit_id,
        handling_org_unit_id,
        assignee_user_id: None,
        assignee_team_id: None,
        department_id: None,
        category: intake.category,
        kind: intake.kind,
        urgency: intake.urgency,
        channel: intake.channel,
        title,
        content,
        location,
        appellant: intake.appellant,
        public_consent: intake.public_consent,
        created_at: now,
        responded_at: None,
        accepted_at: None,
        resolved_at: None,
        closed_at: None,
        respond_by,
        resolve_by,
        extension: Extension::None,
        handoffs: Vec::new(),
        resolution: None,
        feedback_at: None,
        satisfaction: None,
        solved: None,
        follow_up_attempts: 0,
        reopen_count: 0,
        merged_into: None,
        suspended_at: None,
        version: 1,
    };
    let event = Event {
        at: now,
        actor_id: actor.user_id,
        body: EventBody::Registered {
            channel: appeal.channel,
            kind: appeal.kind,
            urgency: appeal.urgency,
            category: appeal.category.clone(),
            org_unit_id: appeal.org_unit_id,
            handling_org_unit_id,
            respond_by,
            resolve_by,
        },
    };
    Ok((appeal, event))
}

fn trimmed(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}
