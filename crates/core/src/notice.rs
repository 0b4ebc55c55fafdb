//! In-app notices (通知): who hears about what happened to an appeal, and in what words.
//!
//! Pure: the store turns an [`Audience`] into user rows (it knows who works where) and writes
//! the notices in the same transaction as the events that caused them. Notices name the
//! appeal by its tracking code and category, never by the appellant: they are shown in lists
//! and may be forwarded, so they carry no personal data.

use chrono::{DateTime, Utc};

use crate::access::Actor;
use crate::appeal::{Appeal, Deadline, Handoff};
use crate::display;
use crate::lifecycle::{AppellantAnswer, Event, EventBody};
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
        ReferralResolved = "referral_resolved" / "转办已办结",
        ExtensionRequested = "extension_requested" / "延期申请",
        ExtensionApproved = "extension_approved" / "延期获批",
        ExtensionDenied = "extension_denied" / "延期未获批",
        AppellantAnswered = "appellant_answered" / "群众评价",
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
    /// Desk staff of the handling unit only: the unit that referred the appeal to a
    /// department and stays responsible for it (首接负责), hearing what the department did.
    HandlingUnit,
    /// One user.
    User(Id),
}

/// One notice before it is addressed: written in Chinese and in English when it is
/// created (what a person typed — a note, a reason — stays as typed in both), so each
/// reader sees it in the language of their pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub audience: Audience,
    pub title: String,
    pub body: String,
    pub title_en: String,
    pub body_en: String,
}

/// A notice's body in both languages: (中文, English).
type Body = (String, String);

fn notice(kind: NoticeKind, audience: Audience, appeal: &Appeal, (zh, en): Body) -> Notice {
    Notice {
        kind,
        audience,
        title: format!("{}：诉求 {}", kind.label_zh(), appeal.tracking_code),
        body: zh,
        title_en: format!("{}: appeal {}", kind.label_en(), appeal.tracking_code),
        body_en: en,
    }
}

/// The handling unit hears the appellant's own answer to the follow-up; one who says it is
/// not solved asks for it to be taken up again (the station may reopen it).
pub fn for_appellant_answer(after: &Appeal, answer: &AppellantAnswer) -> Notice {
    let comment = answer.comment.as_deref().map(str::trim).unwrap_or("");
    let (mut zh, mut en) = (
        format!(
            "群众在网上评价：{}，{}",
            answer.solved.label_zh(),
            answer.satisfaction.label_zh()
        ),
        format!(
            "The appellant answered online: {}, {}",
            answer.solved.label_en(),
            answer.satisfaction.label_en()
        ),
    );
    if !comment.is_empty() {
        zh.push_str(&format!("。留言：{comment}"));
        en.push_str(&format!(". Comment: {comment}"));
    }
    if answer.asks_to_reopen() {
        zh.push_str("。群众反映问题未解决，请核实后重办。");
        en.push_str(". They say it is not solved: check and reopen it.");
    }
    notice(
        NoticeKind::AppellantAnswered,
        Audience::HandlingUnit,
        after,
        (zh, en),
    )
}

fn resolution_en(r: crate::appeal::Resolution) -> &'static str {
    use crate::appeal::Resolution;
    match r {
        Resolution::Solved => "solved",
        Resolution::PartlySolved => "partly solved",
        Resolution::Explained => "explained",
    }
}

/// Notices for events taken by people (the action path). `after` is the appeal once the
/// events are applied; `before` is needed for who asked for an extension and whether the
/// appeal was referred; `actor` is who took them.
pub fn for_events(actor: &Actor, before: &Appeal, after: &Appeal, events: &[Event]) -> Vec<Notice> {
    let mut out = Vec::new();
    for e in events {
        if let Some(n) = referral_outcome(actor, before, after, &e.body) {
            out.push(n);
            continue;
        }
        match &e.body {
            EventBody::Supervise { note } => out.push(notice(
                NoticeKind::Supervised,
                Audience::Handlers,
                after,
                (format!("上级督办：{note}"), format!("Supervised from above: {note}")),
            )),
            EventBody::Return { note, .. } => out.push(notice(
                NoticeKind::Returned,
                Audience::Handlers,
                after,
                (
                    format!("诉求已退回，理由：{note}"),
                    format!("The appeal was returned. Reason: {note}"),
                ),
            )),
            EventBody::Escalate { note, .. } => out.push(notice(
                NoticeKind::Escalated,
                Audience::Handlers,
                after,
                (
                    format!("诉求已上报至本单位：{note}"),
                    format!("The appeal was escalated to your unit: {note}"),
                ),
            )),
            EventBody::Extend { days, reason } => out.push(notice(
                NoticeKind::ExtensionRequested,
                Audience::LevelAbove,
                after,
                (
                    format!("申请延期 {days} 个工作日，理由：{reason}，请审批"),
                    format!("An extension of {days} working days is requested ({reason}); please decide."),
                ),
            )),
            EventBody::ExtendApprove {
                approve,
                reason,
                resolve_by,
            } => {
                if let Some(n) = extension_decided(before, after, *approve, reason, *resolve_by) {
                    out.push(n);
                }
            }
            _ => {}
        }
    }
    out
}

/// What the department an appeal was referred to did with it, told to the unit that
/// referred it: the department resolved it, or sent it back. Only when the department
/// itself acted — the referring unit needs no notice of its own resolve.
fn referral_outcome(
    actor: &Actor,
    before: &Appeal,
    after: &Appeal,
    body: &EventBody,
) -> Option<Notice> {
    let by_department =
        actor.department_id.is_some() && actor.department_id == before.department_id;
    if !by_department {
        return None;
    }
    match body {
        EventBody::Resolve { resolution, note } => Some(notice(
            NoticeKind::ReferralResolved,
            Audience::HandlingUnit,
            after,
            (
                format!("转办部门已办结（{}）：{note}", resolution.label_zh()),
                format!(
                    "The department resolved it ({}): {note}",
                    resolution_en(*resolution)
                ),
            ),
        )),
        EventBody::Return {
            note,
            undone: Handoff::Refer { .. },
        } => Some(notice(
            NoticeKind::Returned,
            Audience::HandlingUnit,
            after,
            (
                format!("转办部门已退回，请重新安排办理。理由：{note}"),
                format!("The department sent it back; please arrange its handling again. Reason: {note}"),
            ),
        )),
        _ => None,
    }
}

/// The answer to an extension request, told to whoever asked for it.
fn extension_decided(
    before: &Appeal,
    after: &Appeal,
    approve: bool,
    reason: &Option<String>,
    resolve_by: Option<DateTime<Utc>>,
) -> Option<Notice> {
    let crate::appeal::Extension::Requested { requested_by, .. } = &before.extension else {
        return None;
    };
    let (kind, body) = if approve {
        (
            NoticeKind::ExtensionApproved,
            match resolve_by {
                Some(by) => (
                    format!("延期已批准，新的办结时限：{}", display::deadline(by)),
                    format!(
                        "Extension approved; the new resolve deadline is {}",
                        display::deadline(by)
                    ),
                ),
                None => ("延期已批准".to_string(), "Extension approved".to_string()),
            },
        )
    } else {
        let reason = reason.as_deref().unwrap_or("");
        (
            NoticeKind::ExtensionDenied,
            (
                format!("延期未获批准：{reason}"),
                format!("Extension not approved: {reason}"),
            ),
        )
    };
    Some(notice(kind, Audience::User(*requested_by), after, body))
}

/// The deadline's name: (中文, English).
fn deadline_words(deadline: Deadline) -> (&'static str, &'static str) {
    match deadline {
        Deadline::Respond => ("受理响应", "response"),
        Deadline::Resolve => ("办结", "resolve"),
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
            (
                format!(
                    "{}时限将于 {} 到期",
                    deadline_words(deadline).0,
                    display::deadline(due)
                ),
                format!(
                    "The {} deadline falls due at {}",
                    deadline_words(deadline).1,
                    display::deadline(due)
                ),
            ),
        )],
        Finding::Overdue { deadline, due } => {
            let body = (
                format!(
                    "已超过{}时限（{}）",
                    deadline_words(deadline).0,
                    display::deadline(due)
                ),
                format!(
                    "Past the {} deadline ({})",
                    deadline_words(deadline).1,
                    display::deadline(due)
                ),
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
            (
                format!(
                    "办结时限 {} 已过且久未办结，系统已自动上报至本单位",
                    display::deadline(due)
                ),
                format!(
                    "The resolve deadline {} passed long ago; the system escalated it to your unit",
                    display::deadline(due)
                ),
            ),
        )],
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::access::{Actor, Role};
    use crate::appeal::{Appellant, Channel, Kind, Resolution, Urgency};
    use crate::calendar::WorkCalendar;
    use crate::lifecycle::{register, Intake};
    use crate::policy::TimeLimitPolicy;

    const DEPT: Id = 9;

    fn actor(role: Role, department_id: Option<Id>) -> Actor {
        Actor {
            user_id: 1,
            name: "x".into(),
            role,
            org_unit_id: 3,
            org_path: "/1/2/3/".into(),
            department_id,
        }
    }

    /// An appeal of unit 3 referred to department 9.
    fn referred() -> Appeal {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 24, 2, 0, 0)
            .single()
            .expect("t");
        let intake = Intake {
            appellant: Appellant::Anonymous,
            org_unit_id: 3,
            channel: Channel::WalkIn,
            kind: Kind::Help,
            category: "livelihood".into(),
            urgency: Urgency::Normal,
            title: None,
            content: "漏水".into(),
            location: None,
            public_consent: false,
        };
        let (mut a, _) = register(
            intake,
            "SQ261124-ABCDEFGHJK".into(),
            3,
            &actor(Role::StationStaff, None),
            now,
            &WorkCalendar::weekdays_only(),
            &TimeLimitPolicy::default(),
        )
        .expect("registered");
        a.department_id = Some(DEPT);
        a.handoffs.push(Handoff::Refer {
            department_id: DEPT,
            previous_department_id: None,
        });
        a
    }

    fn event(body: EventBody) -> Event {
        Event {
            at: Utc::now(),
            actor_id: 1,
            body,
        }
    }

    #[test]
    fn the_referring_unit_hears_when_the_department_resolves_or_returns() {
        let before = referred();
        let liaison = actor(Role::DepartmentLiaison, Some(DEPT));
        let resolve = event(EventBody::Resolve {
            resolution: Resolution::Solved,
            note: "已上门修好".into(),
        });
        let n = for_events(&liaison, &before, &before, std::slice::from_ref(&resolve));
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].kind, NoticeKind::ReferralResolved);
        assert_eq!(n[0].audience, Audience::HandlingUnit);
        assert!(
            n[0].body.contains("已上门修好") && n[0].body.contains("已解决"),
            "{}",
            n[0].body
        );

        let back = event(EventBody::Return {
            note: "不属本部门职责".into(),
            undone: before.handoffs[0].clone(),
        });
        let n = for_events(&liaison, &before, &before, std::slice::from_ref(&back));
        assert_eq!(
            (n[0].kind, n[0].audience),
            (NoticeKind::Returned, Audience::HandlingUnit)
        );
        assert!(n[0].body.contains("不属本部门职责"));

        // The station resolving its own referred appeal tells no one (it did it itself), and
        // another department's liaison is not "the department".
        let station = actor(Role::StationStaff, None);
        assert!(for_events(&station, &before, &before, std::slice::from_ref(&resolve)).is_empty());
        let other = actor(Role::DepartmentLiaison, Some(DEPT + 1));
        assert!(for_events(&other, &before, &before, &[resolve]).is_empty());
        // A return of something not referred keeps reaching everyone working on it.
        let n = for_events(&station, &before, &before, &[back]);
        assert_eq!(n[0].audience, Audience::Handlers);
    }

    #[test]
    fn every_notice_reads_in_english_too_keeping_what_people_typed() {
        let before = referred();
        let liaison = actor(Role::DepartmentLiaison, Some(DEPT));
        let typed = "note-as-typed";
        let events = [
            EventBody::Resolve {
                resolution: Resolution::PartlySolved,
                note: typed.into(),
            },
            EventBody::Supervise { note: typed.into() },
        ];
        let mut notices = Vec::new();
        for body in events {
            notices.extend(for_events(&liaison, &before, &before, &[event(body)]));
        }
        let due = Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).unwrap();
        for finding in [
            Finding::Remind {
                deadline: Deadline::Resolve,
                due,
            },
            Finding::Overdue {
                deadline: Deadline::Respond,
                due,
            },
            Finding::Escalate { due },
        ] {
            notices.extend(for_finding(&finding, &before));
        }
        assert_eq!(notices.len(), 6);
        let cjk = |t: &str| {
            t.chars().any(|c| {
                ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c)
            })
        };
        for n in &notices {
            assert!(!cjk(&n.title_en) && !cjk(&n.body_en), "{n:?}");
            assert!(n.title_en.contains(&before.tracking_code), "{n:?}");
            assert!(cjk(&n.title) && cjk(&n.body), "the Chinese stays: {n:?}");
        }
        assert!(notices[0].body_en.contains(typed) && notices[0].body_en.contains("partly solved"));
        assert!(notices
            .iter()
            .any(|n| n.body_en.contains("2026-11-30 24:00")));
    }
}
