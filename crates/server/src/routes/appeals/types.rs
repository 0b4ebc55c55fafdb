//! The appeal's JSON shapes: the intake's body, the appeal as shown (its appellant, its
//! timeline's events) and the lifecycle's actions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use suqiu_core::access::ActionKind;
use suqiu_core::appeal::{actor_without_account, Appellant, Channel, Kind, Urgency};
use suqiu_core::lifecycle::{EventBody, IntakeDraft, Matter, NewAppellantDraft};
use suqiu_core::validate::{mask_email, mask_phone};
use suqiu_core::Id;
use suqiu_store::appeals::{AppealRecord, StoredEvent};
use utoipa::ToSchema;

use crate::dto::{time, RefOut};

fn opt_time(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(time)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppellantIn {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    /// Told the tracking code by e-mail on acceptance and resolution, when the district has
    /// e-mail on.
    #[serde(default)]
    pub email: Option<String>,
}

/// A new appeal. Exactly one of `appellant_id`, `appellant`, `anonymous: true`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealIn {
    #[serde(default)]
    pub appellant_id: Option<Id>,
    #[serde(default)]
    pub appellant: Option<AppellantIn>,
    #[serde(default)]
    pub anonymous: Option<bool>,
    pub org_unit_id: Id,
    /// `walk_in|home_visit|phone|online|api|referral|letter`
    #[schema(value_type = String, example = "walk_in")]
    pub channel: Channel,
    /// `help|complaint|report|inquiry|suggestion|praise`
    #[schema(value_type = String, example = "help")]
    pub kind: Kind,
    /// A taxonomy code (`GET /api/v1/categories`).
    pub category: String,
    /// `normal|urgent`, default `normal`.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "normal")]
    pub urgency: Option<Urgency>,
    #[serde(default)]
    pub title: Option<String>,
    pub content: String,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub public_consent: bool,
}

impl From<AppellantIn> for NewAppellantDraft {
    fn from(a: AppellantIn) -> NewAppellantDraft {
        NewAppellantDraft {
            name: a.name,
            phone: a.phone,
            email: a.email,
        }
    }
}

impl From<AppealIn> for IntakeDraft {
    fn from(body: AppealIn) -> IntakeDraft {
        IntakeDraft {
            appellant_id: body.appellant_id,
            appellant: body.appellant.map(NewAppellantDraft::from),
            anonymous: body.anonymous == Some(true),
            org_unit_id: body.org_unit_id,
            channel: body.channel,
            matter: Matter {
                kind: body.kind,
                category: body.category,
                urgency: body.urgency,
                title: body.title,
                content: body.content,
                location: body.location,
                public_consent: body.public_consent,
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppellantOut {
    /// `person` (registered), `named`, `anonymous`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The person's id on the register: the registered appellant's, or for `named` the
    /// person a new appellant with a phone was found on or added to the register as.
    pub id: Option<Id>,
    pub name: Option<String>,
    /// Masked unless the role may see personal data.
    pub phone: Option<String>,
    /// Masked like the phone; only for appellants who are not in the register.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    pub id: Id,
    #[serde(rename = "type")]
    pub type_: String,
    pub type_label: String,
    pub actor: RefOut,
    pub at: String,
    #[schema(value_type = Object)]
    pub data: Value,
}

impl From<&StoredEvent> for EventOut {
    fn from(e: &StoredEvent) -> EventOut {
        let type_ = e.body.type_name();
        let type_label = match (&e.body, ActionKind::parse(type_), e.body.problem_label()) {
            (EventBody::Registered { .. }, _, _) => "登记".to_string(),
            (EventBody::Overdue { deadline, .. }, _, _) => {
                format!("超期（{}）", deadline.label_zh())
            }
            (_, Some(a), _) => a.label_zh().to_string(),
            (_, None, Some((zh, _))) => zh.to_string(),
            (_, None, None) => type_.to_string(),
        };
        let data = serde_json::to_value(&e.body)
            .ok()
            .and_then(|mut v| v.get_mut("data").map(Value::take))
            .unwrap_or(Value::Object(Default::default()));
        EventOut {
            id: e.id,
            type_: type_.to_string(),
            type_label,
            actor: RefOut {
                id: e.actor_id,
                // The deadline watch and the appellant act with no account.
                name: match actor_without_account(e.actor_id) {
                    Some((zh, _)) => zh.to_string(),
                    None => e.actor_name.clone(),
                },
            },
            at: time(e.at),
            data,
        }
    }
}

/// An appeal as API.md shows it, with labels and the caller's available actions.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppealOut {
    pub id: Id,
    pub tracking_code: String,
    /// `registered|accepted|in_progress|resolved|closed|rejected|merged`
    pub status: String,
    pub status_label: String,
    pub org_unit_id: Id,
    pub org_unit_name: String,
    pub handling_org_unit_id: Id,
    pub handling_org_unit_name: String,
    /// The user it is assigned to.
    pub assignee: Option<RefOut>,
    /// The team it is assigned to.
    pub team: Option<RefOut>,
    /// The department it is referred to.
    pub department: Option<RefOut>,
    pub category: String,
    pub category_name: Option<String>,
    pub kind: String,
    pub kind_label: String,
    pub urgency: String,
    pub urgency_label: String,
    pub channel: String,
    pub channel_label: String,
    pub title: Option<String>,
    pub content: String,
    pub location: Option<String>,
    pub appellant: AppellantOut,
    pub public_consent: bool,
    pub created_at: String,
    pub accepted_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub respond_by: String,
    pub resolve_by: Option<String>,
    /// Since when the clock stands (挂起), while suspended.
    pub suspended_at: Option<String>,
    /// Since when it is marked as spam (无效): it counts in no measure while set, and its
    /// `status` is where it stood when marked (and stands again if unmarked).
    pub spam_at: Option<String>,
    pub overdue: bool,
    /// `solved|partly_solved|explained`
    pub resolution: Option<String>,
    /// `satisfied|basically_satisfied|dissatisfied|unreachable`
    pub satisfaction: Option<String>,
    pub solved: Option<bool>,
    /// `{"state":"none"}`, `{"state":"requested","days","reason","requested_by"}`, …
    #[schema(value_type = Object)]
    pub extension: Value,
    pub reopen_count: u32,
    pub merged_into: Option<Id>,
    /// The actions the caller may take now.
    pub allowed_actions: Vec<String>,
    /// The timeline, oldest first (single-appeal responses only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<EventOut>>,
    /// The visit (走访) it was raised on, when it was (single-appeal responses only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visit_id: Option<Id>,
    /// The problem (问题) it belongs to, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<crate::routes::problems::ProblemRefOut>,
}

impl AppellantOut {
    /// The appellant as the reader may see them: phone and e-mail masked unless `reveal`.
    fn of(rec: &AppealRecord, reveal: bool) -> AppellantOut {
        let mask = |p: &Option<String>| {
            p.as_deref()
                .map(|v| if reveal { v.to_string() } else { mask_phone(v) })
        };
        match &rec.appeal.appellant {
            Appellant::Person { person_id } => AppellantOut {
                type_: "person".into(),
                id: Some(*person_id),
                name: rec.appellant_name.clone(),
                phone: mask(&rec.appellant_phone),
                email: None,
            },
            Appellant::Named { name, phone, email } => AppellantOut {
                type_: "named".into(),
                id: rec.appellant_person_id,
                name: rec.appellant_name.clone().or_else(|| Some(name.clone())),
                phone: mask(&rec.appellant_phone.clone().or_else(|| phone.clone())),
                email: email
                    .as_deref()
                    .map(|e| if reveal { e.to_string() } else { mask_email(e) }),
            },
            Appellant::Anonymous => AppellantOut {
                type_: "anonymous".into(),
                id: None,
                name: None,
                phone: None,
                email: None,
            },
        }
    }
}

impl AppealOut {
    pub fn new(
        rec: &AppealRecord,
        category_name: Option<String>,
        allowed: &[ActionKind],
        reveal: bool,
        now: DateTime<Utc>,
        events: Option<&[StoredEvent]>,
    ) -> AppealOut {
        let a = &rec.appeal;
        let appellant = AppellantOut::of(rec, reveal);
        let named = |id: Option<Id>, name: &Option<String>| {
            id.map(|id| RefOut {
                id,
                name: name.clone().unwrap_or_default(),
            })
        };
        AppealOut {
            id: a.id,
            tracking_code: a.tracking_code.clone(),
            status: a.status.code().into(),
            status_label: a.status.label_zh().into(),
            org_unit_id: a.org_unit_id,
            org_unit_name: rec.org_unit_name.clone(),
            handling_org_unit_id: a.handling_org_unit_id,
            handling_org_unit_name: rec.handling_org_unit_name.clone(),
            assignee: named(a.assignee_user_id, &rec.assignee_name),
            team: named(a.assignee_team_id, &rec.team_name),
            department: named(a.department_id, &rec.department_name),
            category: a.category.clone(),
            category_name,
            kind: a.kind.code().into(),
            kind_label: a.kind.label_zh().into(),
            urgency: a.urgency.code().into(),
            urgency_label: a.urgency.label_zh().into(),
            channel: a.channel.code().into(),
            channel_label: a.channel.label_zh().into(),
            title: a.title.clone(),
            content: a.content.clone(),
            location: a.location.clone(),
            appellant,
            public_consent: a.public_consent,
            created_at: time(a.created_at),
            accepted_at: opt_time(a.accepted_at),
            resolved_at: opt_time(a.resolved_at),
            closed_at: opt_time(a.closed_at),
            respond_by: time(a.respond_by),
            resolve_by: opt_time(a.resolve_by),
            suspended_at: opt_time(a.suspended_at),
            spam_at: opt_time(a.spam_at),
            overdue: a.is_overdue(now),
            resolution: a.resolution.map(|r| r.code().into()),
            satisfaction: a.satisfaction.map(|s| s.code().into()),
            solved: a.solved,
            extension: serde_json::to_value(&a.extension).unwrap_or(Value::Null),
            reopen_count: a.reopen_count,
            merged_into: a.merged_into,
            allowed_actions: allowed.iter().map(|x| x.code().to_string()).collect(),
            events: events.map(|evs| evs.iter().map(EventOut::from).collect()),
            visit_id: None,
            problem: None,
        }
    }
}

/// One action the caller may take now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionOut {
    pub action: String,
    pub label: String,
}

/// The lifecycle actions, for the OpenAPI document.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionCode {
    Accept,
    Assign,
    Refer,
    Escalate,
    Return,
    Progress,
    Extend,
    ExtendApprove,
    Resolve,
    Feedback,
    FollowUp,
    Reopen,
    Reject,
    Merge,
    Supervise,
    Suspend,
    Resume,
    /// 归类/改类: `category` (a leaf of the taxonomy, not `unsorted`), `note` optional.
    Classify,
    /// 标为无效 (spam): `reason`. The appeal leaves every measure, the board and Open311.
    MarkSpam,
    /// 撤销无效: `note`. By the handling unit or a level above it.
    UnmarkSpam,
}

/// The body of `POST /api/v1/appeals/{id}/actions`: `action` and the fields that action
/// takes (see API.md's table). Unknown fields are refused.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ActionBody {
    pub action: ActionCode,
    /// accept, assign, follow_up, resume, classify (optional); refer, escalate, return,
    /// progress, resolve, feedback, reopen, supervise, unmark_spam (required).
    pub note: Option<String>,
    /// classify: the category code to sort it into (a leaf, not `unsorted`; 422 naming
    /// `category` otherwise, or when it is the one it has)
    pub category: Option<String>,
    /// assign: a user whose node lies in the handling unit's subtree …
    pub user_id: Option<Id>,
    /// … or a team of the handling unit.
    pub team_id: Option<Id>,
    /// refer
    pub department_id: Option<Id>,
    /// extend: working days, 1–30
    pub days: Option<u32>,
    /// extend, reject, suspend, mark_spam (required); extend_approve (required when not
    /// approving)
    pub reason: Option<String>,
    /// extend_approve
    pub approve: Option<bool>,
    /// resolve: `solved|partly_solved|explained`
    pub resolution: Option<String>,
    /// feedback: `phone|in_person|sms|letter|online`
    pub channel: Option<String>,
    /// follow_up: `satisfied|basically_satisfied|dissatisfied|unreachable`
    pub satisfaction: Option<String>,
    /// follow_up: did the appellant say it was solved (required unless unreachable)
    pub solved: Option<bool>,
    /// follow_up: when dissatisfied, reopen (重办) instead of closing
    pub reopen: Option<bool>,
    /// merge: the appeal to merge into, by id…
    pub into_appeal_id: Option<Id>,
    /// …or by its tracking code (looked up in the caller's scope), as people know it
    pub into_tracking_code: Option<String>,
}
