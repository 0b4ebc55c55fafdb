//! The JSON shapes of the API (API.md), in and out, with their OpenAPI schemas.
//!
//! Output times are RFC 3339 in Asia/Shanghai (`2026-11-28T09:30:00+08:00`). Vocabulary
//! values go out as their codes, each with a Chinese `*_label` beside it. Phone and ID
//! numbers are masked on the way out unless the reader's role may see them.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use suqiu_core::access::{ActionKind, Role};
use suqiu_core::appeal::{actor_without_account, Appellant, Channel, Kind, Urgency};
use suqiu_core::calendar::shanghai;
use suqiu_core::lifecycle::EventBody;
use suqiu_core::measures::{Counts, Rates};
use suqiu_core::org::{Department, OrgUnit};
use suqiu_core::person::{Gender, PartyCategory, Person};
use suqiu_core::validate::{mask_email, mask_id_number, mask_phone};
use suqiu_core::Id;
use suqiu_store::appeals::{AppealRecord, StoredEvent};
use suqiu_store::users::User;
use utoipa::ToSchema;

/// RFC 3339 in Asia/Shanghai, to the second.
pub fn time(t: DateTime<Utc>) -> String {
    t.with_timezone(&shanghai())
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// The instant of a [`time`] string: for the pages and workbooks built from the API's shapes,
/// which must show it as people read times (`suqiu_core::display`), never as it is.
pub fn parse_time(rfc3339: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn opt_time(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(time)
}

/// For PATCH: distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
pub fn double_option<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

// ---------------------------------------------------------------------------------------
// Auth and users

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginIn {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: Id,
    pub username: String,
    pub display_name: String,
    /// `district_admin|street_staff|station_staff|department_liaison|volunteer|auditor`
    pub role: String,
    pub role_label: String,
    pub org_unit_id: Id,
    pub department_id: Option<Id>,
}

impl From<&User> for UserOut {
    fn from(u: &User) -> UserOut {
        UserOut {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.code().to_string(),
            role_label: u.role.label_zh().to_string(),
            org_unit_id: u.org_unit_id,
            department_id: u.department_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    /// The bearer token (also set as the `suqiu_session` cookie).
    pub token: String,
    pub user: UserOut,
    pub expires_at: String,
}

/// Who is signed in, and what the role may do (for the UI).
#[derive(Debug, Serialize, ToSchema)]
pub struct WhoAmI {
    pub user: UserOut,
    pub org_unit_name: Option<String>,
    /// `intake`, `manage_people`, `manage_users`, `see_personal_data`, `read_metrics`,
    /// `configure`.
    pub capabilities: Vec<String>,
    /// The lifecycle actions the role may take somewhere (the relation is checked per appeal).
    pub actions: Vec<String>,
    /// Unread notices, for the header's badge.
    pub unread_notifications: i64,
}

/// One notice of the caller's notification centre.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: Id,
    /// `reminder|overdue|escalated|supervised|returned|extension_requested|extension_approved|extension_denied|referral_resolved`
    pub kind: String,
    pub kind_label: String,
    pub appeal_id: Option<Id>,
    pub title: String,
    pub body: String,
    pub created_at: String,
    pub read: bool,
}

/// The caller's unread notices.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadOut {
    pub unread: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserIn {
    /// `[a-z0-9_.-]{3,32}`
    pub username: String,
    /// At least 8 characters.
    pub password: String,
    pub display_name: String,
    #[schema(value_type = String, example = "station_staff")]
    pub role: Role,
    pub org_unit_id: Id,
    /// Required for `department_liaison`, not allowed otherwise.
    #[serde(default)]
    pub department_id: Option<Id>,
}

// ---------------------------------------------------------------------------------------
// Organization

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgUnitOut {
    pub id: Id,
    pub parent_id: Option<Id>,
    /// `district|street|community|grid`
    pub kind: String,
    pub kind_label: String,
    pub code: String,
    pub name: String,
}

impl From<&OrgUnit> for OrgUnitOut {
    fn from(u: &OrgUnit) -> OrgUnitOut {
        OrgUnitOut {
            id: u.id,
            parent_id: u.parent_id,
            kind: u.kind.code().to_string(),
            kind_label: u.kind.label_zh().to_string(),
            code: u.code.clone(),
            name: u.name.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentOut {
    pub id: Id,
    pub code: String,
    pub name: String,
    pub org_unit_id: Id,
}

impl From<&Department> for DepartmentOut {
    fn from(d: &Department) -> DepartmentOut {
        DepartmentOut {
            id: d.id,
            code: d.code.clone(),
            name: d.name.clone(),
            org_unit_id: d.org_unit_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryOut {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamOut {
    pub id: Id,
    pub org_unit_id: Id,
    pub name: String,
}

// ---------------------------------------------------------------------------------------
// People

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyIn {
    /// `registered|in_service|new_org|floating`
    #[schema(value_type = String, example = "registered")]
    pub category: PartyCategory,
    #[serde(default)]
    pub joined_on: Option<NaiveDate>,
    #[serde(default)]
    pub branch: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonIn {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    /// 18 characters, checksum-validated.
    #[serde(default)]
    pub id_number: Option<String>,
    /// `male|female`; derived from the ID number when not given.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub gender: Option<Gender>,
    /// Derived from the ID number when not given.
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    pub org_unit_id: Id,
    #[serde(default)]
    pub address: Option<String>,
    /// Care tag codes (`elderly_member`, `living_alone`, …).
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub party: Option<PartyIn>,
}

/// A partial update: absent fields stay, `null` clears an optional field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub id_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub gender: Option<Option<Gender>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub birth_date: Option<Option<NaiveDate>>,
    #[serde(default)]
    pub org_unit_id: Option<Id>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<PartyIn>)]
    pub party: Option<Option<PartyIn>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyOut {
    pub category: String,
    pub category_label: String,
    pub joined_on: Option<String>,
    pub branch: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonOut {
    pub id: Id,
    pub name: String,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    /// Masked (`138****5678`) unless the role may see personal data.
    pub phone: Option<String>,
    /// Masked (`310117********123X`) unless the role may see personal data.
    pub id_number: Option<String>,
    pub org_unit_id: Id,
    pub address: Option<String>,
    pub tags: Vec<String>,
    pub tag_labels: Vec<String>,
    pub party: Option<PartyOut>,
    /// Whether phone and ID number are masked in this response.
    pub masked: bool,
    /// Who registered and last changed the record (single-person responses only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<RecordTrailOut>,
}

impl PersonOut {
    pub fn new(p: &Person, reveal: bool) -> PersonOut {
        PersonOut {
            id: p.id,
            name: p.name.clone(),
            gender: p.gender.map(|g| g.code().to_string()),
            birth_date: p.birth_date.map(|d| d.to_string()),
            phone: p
                .phone
                .as_deref()
                .map(|v| if reveal { v.to_string() } else { mask_phone(v) }),
            id_number: p.id_number.as_deref().map(|v| {
                if reveal {
                    v.to_string()
                } else {
                    mask_id_number(v)
                }
            }),
            org_unit_id: p.org_unit_id,
            address: p.address.clone(),
            tags: p.tags.iter().map(|t| t.code().to_string()).collect(),
            tag_labels: p.tags.iter().map(|t| t.label_zh().to_string()).collect(),
            party: p.party.as_ref().map(|party| PartyOut {
                category: party.category.code().to_string(),
                category_label: party.category.label_zh().to_string(),
                joined_on: party.joined_on.map(|d| d.to_string()),
                branch: party.branch.clone(),
            }),
            masked: !reveal,
            record: None,
        }
    }
}

/// A page of a list (API.md's list convention).
#[derive(Debug, Serialize, ToSchema)]
pub struct PageOut<T> {
    pub items: Vec<T>,
    /// Matching rows. Appeal lists count exactly up to 1,000; beyond that `total` is
    /// 1,000 and `total_exact` is false ("1,000+").
    pub total: i64,
    pub total_exact: bool,
    pub page: i64,
    pub per_page: i64,
}

// ---------------------------------------------------------------------------------------
// Appeals

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

impl From<AppealIn> for suqiu_core::lifecycle::IntakeDraft {
    fn from(body: AppealIn) -> Self {
        suqiu_core::lifecycle::IntakeDraft {
            appellant_id: body.appellant_id,
            appellant: body
                .appellant
                .map(|a| suqiu_core::lifecycle::NewAppellantDraft {
                    name: a.name,
                    phone: a.phone,
                    email: a.email,
                }),
            anonymous: body.anonymous == Some(true),
            org_unit_id: body.org_unit_id,
            channel: body.channel,
            kind: body.kind,
            category: body.category,
            urgency: body.urgency,
            title: body.title,
            content: body.content,
            location: body.location,
            public_consent: body.public_consent,
        }
    }
}

/// A small reference: `{"id","name"}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RefOut {
    pub id: Id,
    pub name: String,
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
        let type_label = match (&e.body, ActionKind::parse(type_)) {
            (EventBody::Registered { .. }, _) => "登记".to_string(),
            (EventBody::Overdue { deadline, .. }, _) => format!("超期（{}）", deadline.label_zh()),
            (_, Some(a)) => a.label_zh().to_string(),
            (_, None) => type_.to_string(),
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
}

/// The body of `POST /api/v1/appeals/{id}/actions`: `action` and the fields that action
/// takes (see API.md's table). Unknown fields are refused.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ActionBody {
    pub action: ActionCode,
    /// accept, assign, follow_up, resume (optional); refer, escalate, return, progress,
    /// resolve, feedback, reopen, supervise (required).
    pub note: Option<String>,
    /// assign: a user whose node lies in the handling unit's subtree …
    pub user_id: Option<Id>,
    /// … or a team of the handling unit.
    pub team_id: Option<Id>,
    /// refer
    pub department_id: Option<Id>,
    /// extend: working days, 1–30
    pub days: Option<u32>,
    /// extend, reject, suspend (required); extend_approve (required when not approving)
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

// ---------------------------------------------------------------------------------------
// Metrics

/// The counts and rates of one node over a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasuresOut {
    pub received: u64,
    pub accepted: u64,
    pub resolved: u64,
    pub closed: u64,
    /// 本期登记超期未办: appeals received in the period that are open and past their current
    /// deadline now.
    pub overdue_open: u64,
    /// 已超期: open appeals of the subtree past their current deadline now, whenever
    /// received (what the dashboard and the list's `overdue=true` count).
    pub overdue_now: u64,
    pub response_rate: Option<f64>,
    pub on_time_rate: Option<f64>,
    pub resolution_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
    pub reopen_rate: Option<f64>,
    /// The denominators and numerators behind the rates (DOMAIN.md, Measures).
    pub response_due: u64,
    pub responded_on_time: u64,
    pub resolve_due: u64,
    pub resolved_on_time: u64,
    pub followed_up: u64,
    pub solved: u64,
    pub satisfied: u64,
    pub reopened: u64,
    pub ever_closed: u64,
    /// 100 × the weighted mean of the response, resolution and satisfaction rates.
    pub score: Option<f64>,
}

impl MeasuresOut {
    /// The period's counts and rates, and the subtree's `overdue_now` (a count over every
    /// appeal, so the caller reads it apart).
    pub fn new(c: &Counts, r: &Rates, score: Option<f64>, overdue_now: u64) -> MeasuresOut {
        MeasuresOut {
            received: c.received,
            accepted: c.accepted,
            resolved: c.resolved,
            closed: c.closed,
            overdue_open: c.overdue_open,
            overdue_now,
            response_rate: r.response_rate,
            on_time_rate: r.on_time_rate,
            resolution_rate: r.resolution_rate,
            satisfaction_rate: r.satisfaction_rate,
            reopen_rate: r.reopen_rate,
            response_due: c.response_due,
            responded_on_time: c.responded_on_time,
            resolve_due: c.resolve_due,
            resolved_on_time: c.resolved_on_time,
            followed_up: c.followed_up,
            solved: c.solved,
            satisfied: c.satisfied,
            reopened: c.reopened,
            ever_closed: c.ever_closed,
            score,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MetricsChildOut {
    pub org_unit_id: Id,
    pub name: String,
    #[serde(flatten)]
    pub measures: MeasuresOut,
    /// Rank among the judged siblings by score ("1224"); null when not judged.
    pub rank: Option<u32>,
    /// The sample reached the district's minimum (`min_sample` of the score weights).
    pub judged: bool,
    /// The appeals of the period whose response came due or was given (`response_due`).
    pub sample: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MetricsOut {
    pub org_unit_id: Id,
    pub name: String,
    /// `YYYY-MM-DD`, inclusive, Asia/Shanghai.
    pub from: String,
    pub to: String,
    #[serde(flatten)]
    pub measures: MeasuresOut,
    pub children: Vec<MetricsChildOut>,
}

// ---------------------------------------------------------------------------------------
// Ranking and reports

/// One node on the monthly scoreboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankOut {
    pub org_unit_id: Id,
    pub name: String,
    /// 100 × the weighted mean of the response, resolution and satisfaction rates; null when
    /// nothing was due. Shown for unjudged units too, but not ranked.
    pub score: Option<f64>,
    /// "1224" ranking by score among the judged units; null when not judged.
    pub rank: Option<u32>,
    /// The sample reached the district's minimum (`min_sample` of the score weights, default
    /// 5) and there is a score: only judged units are ranked; they come first.
    pub judged: bool,
    /// The sample: the month's appeals whose response came due or was given.
    pub sample: u64,
    /// Last month's rank minus this month's (positive: moved up); null unless judged in both.
    pub change: Option<i64>,
    /// 本期登记超期未办: the month's appeals that are open and past their deadline now.
    pub overdue_open: u64,
    /// 已超期: the unit's open appeals past their deadline now, whenever received.
    pub overdue_now: u64,
}

/// A count under a code, with its Chinese name.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountOut {
    pub code: String,
    pub name: String,
    pub count: i64,
}

/// The same place and category three or more times in the month, at one node (the node where
/// the appeals were raised: a place's name means one place only within its node).
#[derive(Debug, Serialize, ToSchema)]
pub struct RepeatedOut {
    pub org_unit_id: Id,
    pub org_unit_name: String,
    pub location: String,
    pub category: String,
    pub category_name: String,
    pub count: i64,
}

/// An appeal of the month that is open and past its deadline now.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueOut {
    pub id: Id,
    pub tracking_code: String,
    pub title: Option<String>,
    pub category_name: String,
    pub status: String,
    pub handling_org_unit_name: String,
    /// The deadline it is past.
    pub deadline: Option<String>,
}

/// A node's appeals longest past their deadline.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeOverdueOut {
    pub org_unit_id: Id,
    pub name: String,
    /// Most overdue first.
    pub appeals: Vec<OverdueOut>,
}

/// The month-end report of a node.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthlyReportOut {
    pub org_unit_id: Id,
    pub name: String,
    /// `YYYY-MM`
    pub month: String,
    pub from: String,
    pub to: String,
    #[serde(flatten)]
    pub measures: MeasuresOut,
    pub by_kind: Vec<CountOut>,
    /// By first-level category.
    pub by_category: Vec<CountOut>,
    pub by_channel: Vec<CountOut>,
    pub top_categories: Vec<CountOut>,
    /// The most frequent repeated problems (at most 20), most first.
    pub repeated: Vec<RepeatedOut>,
    /// How many repeated problems the month has in all.
    pub repeated_total: i64,
    pub overdue: Vec<OverdueOut>,
    /// The children's scores and ranks for the month.
    pub children: Vec<RankOut>,
}

// ---------------------------------------------------------------------------------------
// Configuration

/// The working-day calendar: the file (same schema as `data/calendar/*.json`) and a summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarOut {
    /// The years covered by official arrangements; other years count Monday–Friday.
    pub years: Vec<i32>,
    /// Years loaded by this request (PUT only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loaded: Option<Vec<i32>>,
    pub about: String,
    /// The whole calendar in the file schema: `{"about","years":{"2027":{"holidays":{…},"working_weekends":[…]}}}`.
    #[schema(value_type = Object)]
    pub calendar: Value,
}

/// Who registered a person and who last changed it; `null` where it was not recorded
/// (records from before Suqiu kept this; shown as 未记录).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordTrailOut {
    pub created_at: String,
    pub created_by: Option<RefOut>,
    pub updated_at: String,
    pub updated_by: Option<RefOut>,
}

impl From<&suqiu_store::people::PersonTrail> for RecordTrailOut {
    fn from(t: &suqiu_store::people::PersonTrail) -> RecordTrailOut {
        let who = |w: &Option<(Id, String)>| {
            w.as_ref().map(|(id, name)| RefOut {
                id: *id,
                name: name.clone(),
            })
        };
        RecordTrailOut {
            created_at: time(t.created_at),
            created_by: who(&t.created_by),
            updated_at: time(t.updated_at),
            updated_by: who(&t.updated_by),
        }
    }
}

/// One recorded read of unmasked personal data (`GET /api/v1/audit/reads`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReadOut {
    pub user: RefOut,
    pub at: String,
    /// `person` or `appeal`.
    pub subject: String,
    pub subject_id: Id,
    /// The page, API or export that showed it, e.g. `GET /api/v1/people/{id}`.
    pub via: String,
}

impl From<&suqiu_store::audit::ReadEntry> for ReadOut {
    fn from(r: &suqiu_store::audit::ReadEntry) -> ReadOut {
        ReadOut {
            user: RefOut {
                id: r.user_id,
                name: r.user_name.clone(),
            },
            at: time(r.at),
            subject: r.subject.code().to_string(),
            subject_id: r.subject_id,
            via: r.via.clone(),
        }
    }
}
