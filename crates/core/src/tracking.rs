//! The appellant's own view of an appeal (查询办理进度): found by tracking code and the last
//! four digits of the phone they left, it tells where the appeal stands in plain words —
//! never a note, a reason or a name, which can hold other people's details.

use chrono::{DateTime, Utc};

use crate::appeal::{Appeal, Appellant, Status};
use crate::lifecycle::EventBody;

/// Whether `digits` are the last four digits of the appellant's phone (`phone`: theirs as
/// stored, or their registered person's). No phone, no self-service: they ask the station.
pub fn may_track(phone: Option<&str>, digits: &str) -> bool {
    let digits = digits.trim();
    let Some(phone) = phone else { return false };
    let phone: String = phone.chars().filter(char::is_ascii_digit).collect();
    digits.len() == 4
        && digits.chars().all(|c| c.is_ascii_digit())
        && phone.len() >= 4
        && phone.ends_with(digits)
}

/// The phone an appeal's appellant left at intake (a registered person's is the caller's
/// to supply).
pub fn phone_at_intake(appeal: &Appeal) -> Option<&str> {
    match &appeal.appellant {
        Appellant::Named { phone, .. } => phone.as_deref(),
        _ => None,
    }
}

/// One step as the appellant reads it; `None` for what is internal (a progress note, a
/// return between desks, a supervision note, a request not yet decided).
pub fn public_step(body: &EventBody) -> Option<&'static str> {
    Some(match body {
        EventBody::Registered { .. } => "已登记",
        EventBody::Accept { .. } => "已受理",
        EventBody::Assign { .. } => "已安排专人办理",
        EventBody::Refer { .. } => "已转有关部门办理",
        EventBody::Escalate { .. } => "已报上级协调办理",
        EventBody::ExtendApprove { approve: true, .. } => "办理期限已延长",
        EventBody::Resolve { .. } => "已办结",
        EventBody::Feedback { .. } => "已答复",
        EventBody::FollowUp { closes: true, .. } => "已回访",
        EventBody::Reopen { .. } => "重新办理",
        EventBody::Reject { .. } => "不予受理（可到受理站点了解原因）",
        EventBody::Merge { .. } => "已与相同诉求合并办理",
        EventBody::Unmerge { .. } => "改为单独办理",
        EventBody::ResolveWithLead { .. } => "已与相同诉求一并办结",
        EventBody::Suspend { .. } => "等待您补充情况，暂停计时",
        EventBody::Resume { .. } => "恢复办理",
        EventBody::Overdue { .. } => "已超过办理时限，正在督促",
        EventBody::MarkSpam { .. } => SPAM_ZH,
        EventBody::UnmarkSpam { .. } => "经复核恢复办理",
        // Sorting is the station's own bookkeeping.
        EventBody::Classify { .. }
        | EventBody::Progress { .. }
        | EventBody::Return { .. }
        | EventBody::Extend { .. }
        | EventBody::ExtendApprove { .. }
        | EventBody::FollowUp { .. }
        | EventBody::Supervise { .. } => return None,
    })
}

/// What the appellant reads of an appeal marked as spam, as its step and as where it stands:
/// honest that nobody will handle it, without the reason (which can quote the text back).
pub const SPAM_ZH: &str = "不予受理（无效信息）";

/// What the appellant sees: the status and the public steps, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicView {
    pub tracking_code: String,
    pub status: Status,
    pub received_at: DateTime<Utc>,
    /// The deadline to answer or resolve that is running now, if any.
    pub deadline: Option<DateTime<Utc>>,
    /// Marked as spam: the page says [`SPAM_ZH`] where the status would be.
    pub spam: bool,
    pub steps: Vec<(DateTime<Utc>, &'static str)>,
}

impl PublicView {
    pub fn new<'e>(
        appeal: &Appeal,
        events: impl IntoIterator<Item = (DateTime<Utc>, &'e EventBody)>,
    ) -> PublicView {
        PublicView {
            tracking_code: appeal.tracking_code.clone(),
            status: appeal.status,
            received_at: appeal.created_at,
            deadline: appeal
                .current_deadline()
                .filter(|_| appeal.status.is_open()),
            spam: appeal.spam_at.is_some(),
            steps: events
                .into_iter()
                .filter_map(|(at, body)| public_step(body).map(|s| (at, s)))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appeal::{Resolution, Satisfaction};

    #[test]
    fn the_last_four_digits_open_it_and_nothing_else_does() {
        assert!(may_track(Some("13912345678"), "5678"));
        assert!(may_track(Some("021-57812345"), " 2345 "));
        for wrong in ["1234", "678", "05678", "56７8", "abcd", ""] {
            assert!(!may_track(Some("13912345678"), wrong), "{wrong:?}");
        }
        assert!(!may_track(None, "5678"), "no phone, no self-service");
        assert!(!may_track(Some("123"), "0123"));
    }

    #[test]
    fn notes_reasons_and_internal_steps_stay_inside() {
        let progress = EventBody::Progress {
            note: "已联系王阿姨 13912345678".into(),
        };
        assert_eq!(public_step(&progress), None);
        let supervise = EventBody::Supervise {
            note: "请尽快".into(),
        };
        assert_eq!(public_step(&supervise), None);
        let resolve = EventBody::Resolve {
            resolution: Resolution::Solved,
            note: "物业已修复".into(),
        };
        assert_eq!(public_step(&resolve), Some("已办结"));
        let attempt = EventBody::FollowUp {
            satisfaction: Satisfaction::Unreachable,
            solved: None,
            note: None,
            attempt: 1,
            closes: false,
        };
        assert_eq!(public_step(&attempt), None, "a missed call is not a step");
    }
}
