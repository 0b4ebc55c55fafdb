//! In-app notices (通知): who hears about what happened to an appeal, and in what words.
//!
//! Pure: the store turns an [`Audience`] into user rows (it knows who works where) and writes
//! the notices in the same transaction as the events that caused them. Notices name the
//! appeal by its tracking code and category, never by the appellant: they are shown in lists
//! and may be forwarded, so they carry no personal data.

use crate::appeal::{Appeal, Deadline};
use crate::display;
use crate::lifecycle::{Event, EventBody};
use crate::vocabulary;
use crate::watch::Finding;
use crate::Id;

vocabulary!(
    /// What a notice is about.
    NoticeKind {
        Reminder = "reminder" / "时限提醒",
        Overdue = "overdue" / "超期",
        Escalated = "escalated" / "上报",
        Supervised = "supervised" / "督办",
        Returned = "returned" / "退回",
        ExtensionRequested = "extension_requested" / "延期申请",
        ExtensionApproved = "extension_approved" / "延期获批",
        ExtensionDenied = "extension_denied" / "延期未获批",
    }
);

/// Who should hear of it, resolved against the appeal's state after the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Everyone working on it: staff of the handling unit, the assignee, the referred
    /// department's liaisons.
    Handlers,
    /// Staff of the unit one level above the handling unit (督办, 延期审批).
    LevelAbove,
    /// One user.
    User(Id),
}

/// One notice before it is addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub audience: Audience,
    pub title: String,
    pub body: String,
}

fn notice(kind: NoticeKind, audience: Audience, appeal: &Appeal, body: String) -> Notice {
    Notice {
        kind,
        audience,
        title: format!("{}：诉求 {}", kind.label_zh(), appeal.tracking_code),
        body,
    }
}

/// Notices for events taken by people (the action path). `after` is the appeal once the
/// events are applied; `before` is needed for who asked for an extension.
pub fn for_events(before: &Appeal, after: &Appeal, events: &[Event]) -> Vec<Notice> {
    let mut out = Vec::new();
    for e in events {
        match &e.body {
            EventBody::Supervise { note } => out.push(notice(
                NoticeKind::Supervised,
                Audience::Handlers,
                after,
                format!("上级督办：{note}"),
            )),
            EventBody::Return { note, .. } => out.push(notice(
                NoticeKind::Returned,
                Audience::Handlers,
                after,
                format!("诉求已退回，理由：{note}"),
            )),
            EventBody::Escalate { note, .. } => out.push(notice(
                NoticeKind::Escalated,
                Audience::Handlers,
                after,
                format!("诉求已上报至本单位：{note}"),
            )),
            EventBody::Extend { days, reason } => out.push(notice(
                NoticeKind::ExtensionRequested,
                Audience::LevelAbove,
                after,
                format!("申请延期 {days} 个工作日，理由：{reason}，请审批"),
            )),
            EventBody::ExtendApprove {
                approve,
                reason,
                resolve_by,
            } => {
                let requested_by = match &before.extension {
                    crate::appeal::Extension::Requested { requested_by, .. } => *requested_by,
                    _ => continue,
                };
                let (kind, body) = if *approve {
                    (
                        NoticeKind::ExtensionApproved,
                        match resolve_by {
                            Some(by) => {
                                format!("延期已批准，新的办结时限：{}", display::deadline(*by))
                            }
                            None => "延期已批准".to_string(),
                        },
                    )
                } else {
                    (
                        NoticeKind::ExtensionDenied,
                        format!("延期未获批准：{}", reason.as_deref().unwrap_or("")),
                    )
                };
                out.push(notice(kind, Audience::User(requested_by), after, body));
            }
            _ => {}
        }
    }
    out
}

fn deadline_words(deadline: Deadline) -> &'static str {
    match deadline {
        Deadline::Respond => "受理响应",
        Deadline::Resolve => "办结",
    }
}

/// Notices for a finding of the deadline watch: a reminder to the handlers; overdue to the
/// handlers and the level above; an escalation to the unit that now holds it.
pub fn for_finding(finding: &Finding, after: &Appeal) -> Vec<Notice> {
    match *finding {
        Finding::Remind { deadline, due } => vec![notice(
            NoticeKind::Reminder,
            Audience::Handlers,
            after,
            format!(
                "{}时限将于 {} 到期",
                deadline_words(deadline),
                display::deadline(due)
            ),
        )],
        Finding::Overdue { deadline, due } => {
            let body = format!(
                "已超过{}时限（{}）",
                deadline_words(deadline),
                display::deadline(due)
            );
            vec![
                notice(NoticeKind::Overdue, Audience::Handlers, after, body.clone()),
                notice(NoticeKind::Overdue, Audience::LevelAbove, after, body),
            ]
        }
        Finding::Escalate { due } => vec![notice(
            NoticeKind::Escalated,
            Audience::Handlers,
            after,
            format!(
                "办结时限 {} 已过且久未办结，系统已自动上报至本单位",
                display::deadline(due)
            ),
        )],
    }
}
