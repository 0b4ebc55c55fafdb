//! The appeal (诉求): its vocabularies and its current state.
//!
//! The state is what you get by applying the appeal's events in order (see `lifecycle`);
//! the store keeps it as a row so lists and measures need no replay.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::vocabulary;
use crate::Id;

/// The actor of what the appellant does themselves, with no account: an appeal brought
/// through the public pages or another system, their own answer to the follow-up. Shown as
/// "群众（本人）"; no user has this id (the background jobs' is
/// [`crate::watch::SYSTEM_ACTOR_ID`], 0).
pub const APPELLANT_ACTOR_ID: Id = -1;

/// The name of an actor who is no user, in Chinese and in English: the system (the
/// deadline watch) or the appellant themselves. `None` for a user (their name is theirs).
pub fn actor_without_account(actor_id: Id) -> Option<(&'static str, &'static str)> {
    match actor_id {
        crate::watch::SYSTEM_ACTOR_ID => Some(("系统", "System")),
        APPELLANT_ACTOR_ID => Some(("群众（本人）", "The appellant")),
        _ => None,
    }
}

vocabulary!(
    /// Where an appeal is in the closed loop.
    Status {
        Registered = "registered" / "已登记",
        Accepted = "accepted" / "已受理",
        InProgress = "in_progress" / "办理中",
        Resolved = "resolved" / "已办结",
        Closed = "closed" / "已回访",
        Rejected = "rejected" / "不予受理",
        Merged = "merged" / "已合并",
    }
);

impl Status {
    /// Still waiting on the handler: counts toward the worklist and can become overdue.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Registered | Status::Accepted | Status::InProgress
        )
    }
    /// No further handling (closed, rejected or merged). `Closed` can still be reopened.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Closed | Status::Rejected | Status::Merged)
    }
}

vocabulary!(
    /// What the appellant wants, as on a 12345 line.
    Kind {
        Help = "help" / "求助",
        Complaint = "complaint" / "投诉",
        Report = "report" / "举报",
        Inquiry = "inquiry" / "咨询",
        Suggestion = "suggestion" / "建议",
        Praise = "praise" / "表扬",
    }
);

vocabulary!(
    /// How the appeal came in.
    Channel {
        WalkIn = "walk_in" / "接访",
        HomeVisit = "home_visit" / "走访",
        Phone = "phone" / "电话",
        Online = "online" / "网上",
        Api = "api" / "接口",
        Referral = "referral" / "上级转办",
        Letter = "letter" / "信件",
    }
);

vocabulary!(
    /// Urgent: danger to life or property, or no water, power, gas or heat.
    Urgency {
        Normal = "normal" / "一般",
        Urgent = "urgent" / "紧急",
    }
);

vocabulary!(
    /// The honest outcome recorded at `resolve`.
    Resolution {
        Solved = "solved" / "已解决",
        PartlySolved = "partly_solved" / "部分解决",
        Explained = "explained" / "解释说明",
    }
);

vocabulary!(
    /// The appellant's answer at follow-up (回访).
    Satisfaction {
        Satisfied = "satisfied" / "满意",
        BasicallySatisfied = "basically_satisfied" / "基本满意",
        Dissatisfied = "dissatisfied" / "不满意",
        Unreachable = "unreachable" / "无法联系",
    }
);

impl Satisfaction {
    /// Counts toward the satisfaction rate's numerator.
    pub fn is_satisfied(self) -> bool {
        matches!(
            self,
            Satisfaction::Satisfied | Satisfaction::BasicallySatisfied
        )
    }
}

vocabulary!(
    /// How feedback (反馈) reached the appellant.
    FeedbackChannel {
        Phone = "phone" / "电话",
        InPerson = "in_person" / "当面",
        Sms = "sms" / "短信",
        Letter = "letter" / "书面",
        Online = "online" / "网上",
    }
);

vocabulary!(
    /// The two time limits an appeal runs against.
    Deadline {
        Respond = "respond" / "响应时限",
        Resolve = "resolve" / "办结时限",
    }
);

/// Who raised the appeal. Exactly one form; the store resolves `Person` to a name for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Appellant {
    /// A person in the register.
    Person {
        person_id: Id,
    },
    /// Name and contact given at intake, not registered. A phone or an e-mail address lets
    /// the station tell them their tracking code when the appeal is accepted and resolved.
    Named {
        name: String,
        phone: Option<String>,
        /// Absent in appeals registered before e-mail was asked for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        email: Option<String>,
    },
    Anonymous,
}

/// One hand-over of an appeal, kept so that `return` (退回) sends it back to whoever sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Handoff {
    /// Assigned to a person or team; `previous_*` is who held it before.
    Assign {
        user_id: Option<Id>,
        team_id: Option<Id>,
        previous_user_id: Option<Id>,
        previous_team_id: Option<Id>,
    },
    /// Referred to a department; the referring unit stays responsible (首接负责).
    Refer {
        department_id: Id,
        previous_department_id: Option<Id>,
    },
    /// Raised to the parent unit.
    Escalate {
        from_org_unit_id: Id,
        to_org_unit_id: Id,
    },
}

/// The extension (延期) state: one request at a time, at most one approval per appeal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Extension {
    None,
    Requested {
        days: u32,
        reason: String,
        requested_by: Id,
    },
    Approved {
        days: u32,
    },
    Denied {
        days: u32,
    },
}

/// The current state of one appeal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Appeal {
    pub id: Id,
    pub tracking_code: String,
    pub status: Status,
    /// The node the appeal concerns (where it happened / where the appellant lives).
    pub org_unit_id: Id,
    /// The unit that first received it (首接), kept for the record.
    pub received_by_org_unit_id: Id,
    /// The unit currently responsible for handling it.
    pub handling_org_unit_id: Id,
    pub assignee_user_id: Option<Id>,
    pub assignee_team_id: Option<Id>,
    pub department_id: Option<Id>,
    pub category: String,
    pub kind: Kind,
    pub urgency: Urgency,
    pub channel: Channel,
    pub title: Option<String>,
    pub content: String,
    pub location: Option<String>,
    pub appellant: Appellant,
    pub public_consent: bool,
    pub created_at: DateTime<Utc>,
    /// When it was accepted — or rejected with reason: either answers the appellant.
    pub responded_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub respond_by: DateTime<Utc>,
    /// `None` when the kind has no resolve limit (praise).
    pub resolve_by: Option<DateTime<Utc>>,
    pub extension: Extension,
    pub handoffs: Vec<Handoff>,
    pub resolution: Option<Resolution>,
    pub feedback_at: Option<DateTime<Utc>>,
    pub satisfaction: Option<Satisfaction>,
    pub solved: Option<bool>,
    /// Unreachable follow-up attempts since the last resolve.
    pub follow_up_attempts: u32,
    pub reopen_count: u32,
    pub merged_into: Option<Id>,
    /// Set while the clock is stopped because the appellant is holding things up (挂起).
    pub suspended_at: Option<DateTime<Utc>>,
    /// Set while staff hold it for spam or junk (无效诉求): it keeps its status underneath
    /// (so undoing a mistaken mark puts it back where it was), takes no action but the undo,
    /// runs against no deadline, and leaves every measure (`measures::AppealFacts::spam`).
    pub spam_at: Option<DateTime<Utc>>,
    /// Number of events applied; the store uses it for optimistic concurrency.
    pub version: i64,
}

impl Appeal {
    /// The deadline the handler is working against now, if any.
    pub fn current_deadline(&self) -> Option<DateTime<Utc>> {
        self.running_deadline().map(|(_, due)| due)
    }

    /// Which deadline runs now and when it falls due. None when the appeal is not open,
    /// has nothing to resolve by, is suspended (the clock is stopped, nothing is due) or is
    /// marked as spam (nobody works on it).
    pub fn running_deadline(&self) -> Option<(Deadline, DateTime<Utc>)> {
        if self.suspended_at.is_some() || self.spam_at.is_some() {
            return None;
        }
        match self.status {
            Status::Registered => Some((Deadline::Respond, self.respond_by)),
            Status::Accepted | Status::InProgress => {
                self.resolve_by.map(|due| (Deadline::Resolve, due))
            }
            _ => None,
        }
    }

    /// Open and past its current deadline.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.current_deadline().is_some_and(|d| now > d)
    }
}

/// The alphabet of tracking codes: no 0/O, 1/I/L, so a code read over the phone is unambiguous.
const CODE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A public tracking code like `SQ261128-7KQ4MX9T2H`: the Shanghai date it was received and
/// 10 characters drawn from `entropy` (≈ 49 bits: unguessable, and the appellant must also
/// give the last four phone digits to track it).
pub fn tracking_code(created_at: DateTime<Utc>, entropy: [u8; 10]) -> String {
    let day = created_at
        .with_timezone(&crate::calendar::shanghai())
        .format("%y%m%d");
    let tail: String = entropy
        .iter()
        .map(|b| CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char)
        .collect();
    format!("SQ{day}-{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_codes_carry_the_shanghai_date_and_no_ambiguous_letters() {
        // 2026-11-27 20:00 UTC is 2026-11-28 04:00 in Shanghai.
        let at = DateTime::parse_from_rfc3339("2026-11-27T20:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let code = tracking_code(at, [0, 1, 2, 3, 4, 5, 6, 7, 8, 30]);
        assert_eq!(code, "SQ261128-23456789AZ");
        let code = tracking_code(at, [255; 10]);
        assert!(!code[9..].contains(['0', 'O', '1', 'I', 'L']), "{code}");
    }
}
