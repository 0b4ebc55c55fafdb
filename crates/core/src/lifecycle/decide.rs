//! `decide`: what a command does to an appeal. The checks every command shares come first
//! (the state allows it, the role may, the actor is in position); then one function per
//! command checks its own fields and computes what the event records.

use chrono::{DateTime, TimeDelta, Utc};

use super::{
    allowed_in_state, in_position, Command, Context, Event, EventBody, Refusal, MAX_EXTENSION_DAYS,
    MAX_FOLLOW_UP_ATTEMPTS, MAX_NOTE_CHARS,
};
use crate::access::{ActionKind, Capability};
use crate::appeal::{Appeal, Extension, Satisfaction};
use crate::error::{FieldError, Msg, Reason, CONTENT_TOO_LONG};
use crate::msg;
use crate::policy::{deadline, Limit, TimeLimitPolicy};
use crate::Id;

/// Decides what a command does to an appeal: the events, or why not.
pub fn decide(
    appeal: &Appeal,
    command: &Command,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    may_act(appeal, command.kind(), ctx)?;
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
        } => assign(*user_id, *team_id, note)?,
        Command::Refer {
            department_id,
            note,
        } => refer(appeal, *department_id, note)?,
        Command::Escalate { note } => escalate(appeal, ctx, note)?,
        Command::Return { note } => EventBody::Return {
            note: required("note", note, &RETURN_NOTE_EMPTY)?,
            undone: appeal
                .handoffs
                .last()
                .cloned()
                .expect("allowed_in_state checked handoffs"),
        },
        Command::Progress { note } => EventBody::Progress {
            note: required("note", note, &PROGRESS_NOTE_EMPTY)?,
        },
        Command::Extend { days, reason } => extend(ctx, *days, reason)?,
        Command::ExtendApprove { approve, reason } => {
            extend_approve(appeal, ctx, *approve, reason)?
        }
        Command::Resolve { resolution, note } => EventBody::Resolve {
            resolution: *resolution,
            note: required("note", note, &RESOLVE_NOTE_EMPTY)?,
        },
        Command::Feedback { channel, note } => EventBody::Feedback {
            channel: *channel,
            note: required("note", note, &FEEDBACK_NOTE_EMPTY)?,
        },
        // The one command that can record two events: a dissatisfied follow-up that reopens.
        Command::FollowUp {
            satisfaction,
            solved,
            note,
            reopen,
        } => {
            let note = optional("note", note)?;
            return follow_up(appeal, ctx, *satisfaction, *solved, note, *reopen)
                .map(|bodies| bodies.into_iter().map(event).collect());
        }
        Command::Reopen { note } => EventBody::Reopen {
            note: required("note", note, &REOPEN_NOTE_EMPTY)?,
            resolve_by: reopened_resolve_by(appeal, ctx),
        },
        Command::Reject { reason } => EventBody::Reject {
            reason: required("reason", reason, &REJECT_REASON_EMPTY)?,
        },
        Command::Merge { into_appeal_id } => merge(appeal, *into_appeal_id)?,
        Command::Supervise { note } => EventBody::Supervise {
            note: required("note", note, &SUPERVISE_NOTE_EMPTY)?,
        },
        Command::Suspend { reason } => EventBody::Suspend {
            reason: required("reason", reason, &SUSPEND_REASON_EMPTY)?,
        },
        Command::Resume { note } => resume(appeal, ctx, note)?,
        Command::Classify { category, note } => classify(appeal, category, note)?,
        Command::MarkSpam { reason } => spam(true, reason)?,
        Command::UnmarkSpam { note } => spam(false, note)?,
    };
    Ok(vec![event(body)])
}

/// The checks every command passes first: the state allows the action, the actor's role
/// may take it, and the actor stands where the action is taken from.
fn may_act(appeal: &Appeal, action: ActionKind, ctx: &Context<'_>) -> Result<(), Refusal> {
    let allowed = allowed_in_state(appeal);
    if !allowed.contains(&action) {
        return Err(Refusal::NotAllowed {
            action,
            status: appeal.status,
            allowed,
        });
    }
    if !ctx.actor.may(Capability::Act(action)) {
        return Err(Refusal::Forbidden(ctx.actor.may_not_act(action)));
    }
    if !in_position(action, appeal, ctx.relation(appeal)) {
        return Err(Refusal::Forbidden(position_refusal(action)));
    }
    Ok(())
}

fn invalid(field: &str, msg: &Msg) -> Refusal {
    Refusal::Invalid(FieldError::new(field, msg))
}

/// To one person or one team, never both or neither.
fn assign(
    user_id: Option<Id>,
    team_id: Option<Id>,
    note: &Option<String>,
) -> Result<EventBody, Refusal> {
    if user_id.is_some() == team_id.is_some() {
        return Err(invalid("user_id", &ASSIGNEE_ONE_OF));
    }
    Ok(EventBody::Assign {
        user_id,
        team_id,
        note: optional("note", note)?,
    })
}

fn refer(appeal: &Appeal, department_id: Id, note: &str) -> Result<EventBody, Refusal> {
    if appeal.department_id == Some(department_id) {
        return Err(invalid("department_id", &ALREADY_REFERRED_THERE));
    }
    Ok(EventBody::Refer {
        department_id,
        note: required("note", note, &REFER_NOTE_EMPTY)?,
    })
}

/// Up to the handling unit's parent; the top of the tree has none.
fn escalate(appeal: &Appeal, ctx: &Context<'_>, note: &str) -> Result<EventBody, Refusal> {
    let Some((parent_id, _)) = &ctx.place.handling_parent else {
        return Err(invalid("action", &ESCALATE_AT_TOP));
    };
    Ok(EventBody::Escalate {
        from_org_unit_id: appeal.handling_org_unit_id,
        to_org_unit_id: *parent_id,
        note: required("note", note, &ESCALATE_NOTE_EMPTY)?,
    })
}

/// A request for more time, which the level above the handling unit decides.
fn extend(ctx: &Context<'_>, days: u32, reason: &str) -> Result<EventBody, Refusal> {
    if ctx.place.handling_parent.is_none() {
        return Err(invalid("action", &EXTENSION_NO_PARENT));
    }
    if days == 0 || days > MAX_EXTENSION_DAYS {
        let error = FieldError::new("days", &EXTENSION_DAYS_RANGE);
        return Err(Refusal::Invalid(error.with("max", MAX_EXTENSION_DAYS)));
    }
    Ok(EventBody::Extend {
        days,
        reason: required("reason", reason, &EXTENSION_REASON_EMPTY)?,
    })
}

/// The superior's answer to a pending extension; approving moves the resolve deadline.
fn extend_approve(
    appeal: &Appeal,
    ctx: &Context<'_>,
    approve: bool,
    reason: &Option<String>,
) -> Result<EventBody, Refusal> {
    let Extension::Requested { days, .. } = appeal.extension else {
        unreachable!("allowed_in_state checked the pending request")
    };
    let reason = optional("reason", reason)?;
    if !approve && reason.is_none() {
        return Err(invalid("reason", &EXTENSION_REFUSAL_REASON));
    }
    let resolve_by = approve
        .then(|| {
            appeal
                .resolve_by
                .map(|by| ctx.calendar.add_working_days(by, days))
        })
        .flatten();
    Ok(EventBody::ExtendApprove {
        approve,
        reason,
        resolve_by,
    })
}

fn merge(appeal: &Appeal, into_appeal_id: Id) -> Result<EventBody, Refusal> {
    if into_appeal_id == appeal.id {
        return Err(invalid("into_appeal_id", &MERGE_INTO_ITSELF));
    }
    Ok(EventBody::Merge { into_appeal_id })
}

/// Into another category, recorded with the one it leaves. The deadlines stay: they are the
/// time limits promised at intake (by kind and urgency, and by the category the appeal had
/// then when a district sets limits per category, `TimeLimitPolicy::limits`); sorting is no
/// way to win or lose time — more time is an extension, approved one level up. What is
/// computed afresh later (a reopen's new resolve limit, whether a resumed clock counts
/// hours or working days) follows the category the appeal has then, as it follows its kind.
fn classify(appeal: &Appeal, category: &str, note: &Option<String>) -> Result<EventBody, Refusal> {
    let to = category.trim();
    if to.is_empty() {
        return Err(invalid("category", &CLASSIFY_CATEGORY_PICK));
    }
    if to == appeal.category {
        return Err(invalid("category", &CLASSIFY_SAME_CATEGORY));
    }
    Ok(EventBody::Classify {
        from: appeal.category.clone(),
        to: to.to_string(),
        note: optional("note", note)?,
    })
}

/// Marked as spam with why (`mark`), or the mark undone with why: the text is required.
fn spam(mark: bool, why: &str) -> Result<EventBody, Refusal> {
    Ok(if mark {
        EventBody::MarkSpam {
            reason: required("reason", why, &SPAM_REASON_EMPTY)?,
        }
    } else {
        EventBody::UnmarkSpam {
            note: required("note", why, &UNMARK_SPAM_NOTE_EMPTY)?,
        }
    })
}

/// The clock runs again: the resolve deadline moves by the time it stood.
fn resume(appeal: &Appeal, ctx: &Context<'_>, note: &Option<String>) -> Result<EventBody, Refusal> {
    let since = appeal
        .suspended_at
        .expect("allowed_in_state checked the suspension");
    let paused = paused_time(appeal, ctx, since);
    Ok(EventBody::Resume {
        note: optional("note", note)?,
        paused_seconds: paused.num_seconds(),
        resolve_by: appeal
            .resolve_by
            .map(|by| move_deadline(appeal, ctx, by, paused)),
    })
}

const HIGHER_LEVEL_ONLY: Msg = msg!(
    "higher_level_only",
    "「{action}」须由承办单位的上级执行",
    "“{action}” is for a level above the handling unit",
);
const LAST_TAKER_RETURNS: Msg = msg!(
    "last_taker_returns",
    "只有最近一次接手的人员或部门可以退回",
    "Only the person or department that last took the appeal can return it",
);
const HANDLER_ONLY: Msg = msg!(
    "handler_only",
    "只有承办单位（或被分派、转办的对象）可以执行「{action}」",
    "Only the handling unit (or whoever it was assigned or referred to) can take “{action}”",
);

const HANDLER_OR_ABOVE: Msg = msg!(
    "handler_or_above",
    "「{action}」须由承办单位或其上级执行",
    "“{action}” is for the handling unit or a level above it",
);

/// Why the actor does not stand where `action` is taken from.
fn position_refusal(action: ActionKind) -> Reason {
    use ActionKind as A;
    let msg = match action {
        A::Supervise | A::ExtendApprove => &HIGHER_LEVEL_ONLY,
        A::Return => &LAST_TAKER_RETURNS,
        A::UnmarkSpam => &HANDLER_OR_ABOVE,
        _ => &HANDLER_ONLY,
    };
    Reason::new(msg).with_words("action", action.label_zh(), action.label_en())
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
        return Err(invalid("solved", &FEEDBACK_SOLVED_NEEDED));
    }
    if reopen && satisfaction != Satisfaction::Dissatisfied {
        return Err(invalid("reopen", &REOPEN_ONLY_UNSATISFIED));
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

/// `value` trimmed, or `missing` when there is none.
fn required(field: &str, value: &str, missing: &Msg) -> Result<String, Refusal> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Refusal::Invalid(FieldError::new(field, missing)));
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
        let error = FieldError::new(field, &CONTENT_TOO_LONG);
        return Err(Refusal::Invalid(error.with("n", n).with("max", max)));
    }
    Ok(())
}

// The messages of this module's rules (a code, the Chinese and the English).
const ALREADY_REFERRED_THERE: crate::error::Msg = crate::error::Msg::new(
    "already_referred_there",
    "该诉求已转办至此部门",
    "The appeal is already referred to this department",
);
const ASSIGNEE_ONE_OF: crate::error::Msg = crate::error::Msg::new(
    "assignee_one_of",
    "请选择分派对象：一位人员或一个服务团队（二者选一）",
    "Choose whom to assign: one person or one service team (one of the two)",
);
const ESCALATE_AT_TOP: crate::error::Msg = crate::error::Msg::new(
    "escalate_at_top",
    "已在最高层级，无法再上报",
    "Already at the top level; there is nowhere to escalate",
);
const ESCALATE_NOTE_EMPTY: crate::error::Msg = crate::error::Msg::new(
    "escalate_note_empty",
    "请填写上报理由",
    "Enter the reason to escalate",
);
const EXTENSION_DAYS_RANGE: crate::error::Msg = crate::error::Msg::new(
    "extension_days_range",
    "延期天数应为 1–{max} 个工作日",
    "An extension is 1–{max} working days",
);
const EXTENSION_NO_PARENT: crate::error::Msg = crate::error::Msg::new(
    "extension_no_parent",
    "承办单位已是最高层级，没有上级可以审批延期",
    "The handling unit is at the top level; no parent can approve an extension",
);
const EXTENSION_REASON_EMPTY: crate::error::Msg = crate::error::Msg::new(
    "extension_reason_empty",
    "请填写延期理由",
    "Enter the reason for the extension",
);
const EXTENSION_REFUSAL_REASON: crate::error::Msg = crate::error::Msg::new(
    "extension_refusal_reason",
    "不同意延期时请填写理由",
    "Give a reason when refusing an extension",
);
const FEEDBACK_NOTE_EMPTY: crate::error::Msg = crate::error::Msg::new(
    "feedback_note_empty",
    "请填写反馈内容",
    "Enter the feedback",
);
const FEEDBACK_SOLVED_NEEDED: crate::error::Msg = crate::error::Msg::new(
    "feedback_solved_needed",
    "请填写群众是否认为问题已解决",
    "Say whether the appellant considers the problem solved",
);
const MERGE_INTO_ITSELF: crate::error::Msg = crate::error::Msg::new(
    "merge_into_itself",
    "不能合并到自身",
    "An appeal cannot be merged into itself",
);
const PROGRESS_NOTE_EMPTY: crate::error::Msg = crate::error::Msg::new(
    "progress_note_empty",
    "请填写办理进展",
    "Enter the progress",
);
const REFER_NOTE_EMPTY: crate::error::Msg = crate::error::Msg::new(
    "refer_note_empty",
    "请填写转办说明",
    "Enter the referral note",
);
const REJECT_REASON_EMPTY: crate::error::Msg = crate::error::Msg::new(
    "reject_reason_empty",
    "请填写不予受理的理由",
    "Enter the reason for not accepting",
);
const REOPEN_NOTE_EMPTY: crate::error::Msg = crate::error::Msg::new(
    "reopen_note_empty",
    "请填写重办理由",
    "Enter the reason to reopen",
);
const REOPEN_ONLY_UNSATISFIED: crate::error::Msg = crate::error::Msg::new(
    "reopen_only_unsatisfied",
    "只有不满意时才能重办",
    "Only an unsatisfied appeal can be reopened",
);
const RESOLVE_NOTE_EMPTY: crate::error::Msg = crate::error::Msg::new(
    "resolve_note_empty",
    "请填写办结情况",
    "Enter how it was resolved",
);
const RETURN_NOTE_EMPTY: crate::error::Msg = crate::error::Msg::new(
    "return_note_empty",
    "请填写退回理由",
    "Enter the reason to return",
);
const SUPERVISE_NOTE_EMPTY: crate::error::Msg = crate::error::Msg::new(
    "supervise_note_empty",
    "请填写督办意见",
    "Enter the supervision note",
);
const SUSPEND_REASON_EMPTY: crate::error::Msg = crate::error::Msg::new(
    "suspend_reason_empty",
    "请填写挂起理由（诉求人方面的原因）",
    "Enter the reason to suspend (on the appellant's side)",
);
/// Said when a command leaves its field out (the API's parser says the same).
pub const CLASSIFY_CATEGORY_PICK: Msg = msg!(
    "classify_category_pick",
    "请选择诉求类别",
    "Choose the category",
);
const CLASSIFY_SAME_CATEGORY: Msg = msg!(
    "classify_same_category",
    "诉求已在这个类别，请选择另一个类别",
    "The appeal is in this category already; choose another",
);
pub const SPAM_REASON_EMPTY: Msg = msg!(
    "spam_reason_empty",
    "请填写标为无效的理由",
    "Enter why the appeal is invalid",
);
pub const UNMARK_SPAM_NOTE_EMPTY: Msg = msg!(
    "unmark_spam_note_empty",
    "请填写撤销无效标记的理由",
    "Enter why the invalid mark is undone",
);
