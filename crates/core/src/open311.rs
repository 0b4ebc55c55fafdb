//! Open311 GeoReport v2 (`/open311/v2/…`): what another system may send the station and
//! read back, as the spec (wiki.open311.org/GeoReport_v2) says it.
//!
//! The spec's model is a public request: what one resident reports, every client may read.
//! So Open311 shows only appeals that may be public — those whose appellant consented
//! ([`may_show`]), and those posted through Open311 itself — and only what the public board
//! shows of them: every text through [`crate::privacy::redact`] ([`RequestView::new`]).
//!
//! The rules here are pure: the server's `app::open311` looks up what a request names (the
//! service, the community, the key) and hands the facts in.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};

use crate::appeal::{Appeal, Channel, Kind, Status, Urgency};
use crate::category::Category;
use crate::error::{FieldError, Msg, Reason};
use crate::lifecycle::EventBody;
use crate::msg;
use crate::privacy::redact;
use crate::tracking::public_step;
use crate::validate::required_text;
use crate::vocabulary;

mod limit;
mod request;

pub use limit::{
    hour_of, key_limit, may_post, per_hour_given, TooMany, DEFAULT_PER_HOUR, MAX_PER_HOUR,
};

pub use request::{
    check_request, CheckedRequest, Location, PostedRequest, RequestFacts, ATTR_KIND, ATTR_ORG_UNIT,
    ATTR_URGENCY,
};

/// At most this many requests in one answer of `GET requests` (the spec's default limit).
pub const MAX_REQUESTS: usize = 1_000;
/// The span of `GET requests` when no dates are given, and the longest one asked for.
pub const WINDOW_DAYS: i64 = 90;
/// Longest `media_url` kept.
pub const MAX_MEDIA_URL: usize = 1_000;
/// Longest name of a client system's key.
pub const MAX_KEY_NAME: usize = 50;

/// Why an Open311 request was refused, by the spec's status codes.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// 400: parameters missing or not valid, each named by its parameter (`service_code`,
    /// `attribute[kind]`).
    Invalid(Vec<FieldError>),
    /// 403: no valid `api_key`.
    Forbidden(Reason),
    /// 404: an unknown jurisdiction, service, request or token.
    NotFound(Reason),
    /// 429: the key has posted its limit for this hour (`Retry-After`).
    TooMany(TooMany),
}

vocabulary!(
    /// A request's status as the spec has it: open (reported, being handled) or closed.
    OpenStatus {
        Open = "open" / "办理中",
        Closed = "closed" / "已办结",
    }
);

impl OpenStatus {
    /// Open while the station is still handling it (registered, accepted, in progress);
    /// closed once resolved, closed, rejected or merged.
    pub fn of(status: Status) -> OpenStatus {
        if status.is_open() {
            OpenStatus::Open
        } else {
            OpenStatus::Closed
        }
    }

    /// The appeal statuses this status stands for.
    pub fn statuses(self) -> Vec<Status> {
        Status::ALL
            .iter()
            .copied()
            .filter(|s| OpenStatus::of(*s) == self)
            .collect()
    }
}

/// Whether Open311 may show the appeal at all: its appellant consented to publication, or
/// it was posted through Open311 (the spec's model is a public request; the API docs say so
/// to the client systems) — and staff have not marked it as spam. The store's SQL twin is
/// `store::open311::SHOWN`.
pub fn may_show(appeal: &Appeal) -> bool {
    (appeal.public_consent || appeal.channel == Channel::Api) && appeal.spam_at.is_none()
}

const JURISDICTION_UNKNOWN: Msg = msg!(
    "jurisdiction_unknown",
    "没有这个 jurisdiction_id（{value}）：本系统只服务一个辖区，其代码为 {district}",
    "No jurisdiction_id {value}: this endpoint serves one jurisdiction, whose code is {district}",
);

/// The jurisdiction a request names is the district (its root's code), or none: one
/// jurisdiction is served, so an empty `jurisdiction_id` is accepted (the spec's optional
/// argument). Another is 404.
pub fn check_jurisdiction(given: Option<&str>, district_code: &str) -> Result<(), Refusal> {
    match given.map(str::trim).filter(|g| !g.is_empty()) {
        None => Ok(()),
        Some(g) if g == district_code => Ok(()),
        Some(g) => {
            let shown: String = g.chars().take(40).collect();
            Err(Refusal::NotFound(
                Reason::new(&JURISDICTION_UNKNOWN)
                    .with("value", shown)
                    .with("district", district_code),
            ))
        }
    }
}

const DATETIME_SHAPE: Msg = msg!(
    "datetime_shape",
    "时间格式应为 W3C/ISO 8601，如 2026-11-24T10:00:00+08:00 或 2026-11-24",
    "A time is written in W3C/ISO 8601, e.g. 2026-11-24T10:00:00+08:00 or 2026-11-24",
);
const WINDOW_TOO_LONG: Msg = msg!(
    "window_too_long",
    "start_date 与 end_date 相隔不能超过 {days} 天",
    "start_date and end_date may not span more than {days} days",
);

/// A time as the spec writes it (W3C's profile of ISO 8601): with seconds or without, with
/// `Z` or an offset; a bare date is the start of that day in Shanghai. A `+` of the offset
/// that a client left unescaped in a query string arrives as a space, and is read as `+`.
pub fn parse_datetime(field: &str, text: &str) -> Result<DateTime<Utc>, FieldError> {
    let text = text.trim();
    let repaired = match text.rsplit_once(' ') {
        Some((time, offset)) if offset.len() == 5 && offset.contains(':') => {
            format!("{time}+{offset}")
        }
        _ => text.to_string(),
    };
    let with_seconds = |t: &str| {
        DateTime::parse_from_rfc3339(t)
            .or_else(|_| DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M%#z"))
            .ok()
    };
    if let Some(t) = with_seconds(&repaired) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t: NaiveDateTime| t.and_local_timezone(crate::calendar::shanghai()).single())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| FieldError::new(field, &DATETIME_SHAPE))
}

/// The span `GET requests` reads, both ends included: the last [`WINDOW_DAYS`] days when
/// no date is given, [`WINDOW_DAYS`] from the one given, the two given when they span at
/// most that.
pub fn window(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), FieldError> {
    let span = TimeDelta::days(WINDOW_DAYS);
    match (start, end) {
        (None, None) => Ok((now - span, now)),
        (Some(s), None) => Ok((s, s + span)),
        (None, Some(e)) => Ok((e - span, e)),
        (Some(s), Some(e)) if e < s => {
            Err(FieldError::new("end_date", &crate::error::TO_BEFORE_FROM))
        }
        (Some(s), Some(e)) if e - s > span => {
            Err(FieldError::new("end_date", &WINDOW_TOO_LONG).with("days", WINDOW_DAYS))
        }
        (Some(s), Some(e)) => Ok((s, e)),
    }
}

const STATUS_CHOICE: Msg = msg!(
    "status_choice",
    "status 应为 open 或 closed（可用逗号分隔多个）",
    "status is open or closed (several separated by commas)",
);

/// The appeal statuses a `status` filter asks for (each value `open` or `closed`); every
/// status when none is given.
pub fn status_filter<'v>(
    values: impl IntoIterator<Item = &'v str>,
) -> Result<Vec<Status>, FieldError> {
    let mut statuses = Vec::new();
    for v in values {
        let open = OpenStatus::parse(v.trim().to_ascii_lowercase().as_str())
            .ok_or_else(|| FieldError::new("status", &STATUS_CHOICE))?;
        statuses.extend(open.statuses());
    }
    statuses.sort();
    statuses.dedup();
    Ok(statuses)
}

/// The explanation of a request's status the spec calls `status_notes`: the appellant's
/// own words for its last public step (`tracking::public_step`), never a note or a name.
pub fn status_notes<'e>(events: impl IntoIterator<Item = &'e EventBody>) -> Option<&'static str> {
    events.into_iter().filter_map(public_step).last()
}

/// A service (the spec's request type): one category of the taxonomy a request is filed
/// under, with the first-level category it belongs to as its group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub code: String,
    pub name: String,
    pub description: String,
    /// The spec's comma-separated keywords: the names in both languages and the group's.
    pub keywords: String,
    pub group: String,
}

/// The services: every category that has no second level under it (a second-level one, or
/// a first-level one standing alone), in the taxonomy's order; its group is the first-level
/// name. Every service asks for the community and takes a kind and an urgency, so each has
/// a definition (`metadata` true, see [`attributes`]).
pub fn services(categories: &[Category]) -> Vec<Service> {
    let parent_of = |c: &Category| {
        c.parent_code
            .as_deref()
            .and_then(|p| categories.iter().find(|x| x.code == p))
    };
    categories
        .iter()
        .filter(|c| crate::category::is_leaf(categories, &c.code))
        .map(|c| {
            let group = parent_of(c).unwrap_or(c);
            let mut keywords = vec![c.name.as_str()];
            keywords.extend(c.name_en.as_deref());
            if group.code != c.code {
                keywords.push(&group.name);
                keywords.extend(group.name_en.as_deref());
            }
            Service {
                code: c.code.clone(),
                name: c.name.clone(),
                description: match &c.name_en {
                    Some(en) if group.code != c.code => {
                        format!("{}／{}（{en}）", group.name, c.name)
                    }
                    Some(en) => format!("{}（{en}）", c.name),
                    None if group.code != c.code => format!("{}／{}", group.name, c.name),
                    None => c.name.clone(),
                },
                keywords: keywords.join(", "),
                group: group.name.clone(),
            }
        })
        .collect()
}

const SERVICE_UNKNOWN: Msg = msg!(
    "service_unknown",
    "没有这个服务：{value}",
    "No such service: {value}",
);

/// The service of this code, or 404.
pub fn find_service<'s>(services: &'s [Service], code: &str) -> Result<&'s Service, Refusal> {
    let code = code.trim();
    services
        .iter()
        .find(|s| s.code == code)
        .ok_or_else(|| unknown_service(code))
}

fn unknown_service(code: &str) -> Refusal {
    let shown: String = code.chars().take(40).collect();
    Refusal::NotFound(Reason::new(&SERVICE_UNKNOWN).with("value", shown))
}

/// One attribute of a service definition: a question the client asks its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub code: &'static str,
    pub required: bool,
    /// 1 is asked first.
    pub order: u32,
    pub description: &'static str,
    /// The choices (`singlevaluelist`): key and name.
    pub values: Vec<(String, String)>,
}

/// The attributes of every service definition (all `singlevaluelist`): the community the
/// request concerns (its code, the list being `communities` as (code, name); optional, as an
/// `address_string` naming one community is enough — `gazetteer::match_address`), the
/// kind of appeal (诉求类型, default help) and the urgency (default normal).
pub fn attributes(communities: Vec<(String, String)>) -> Vec<Attribute> {
    let choices = |all: &[(&str, &str)]| {
        all.iter()
            .map(|(code, zh)| (code.to_string(), zh.to_string()))
            .collect::<Vec<_>>()
    };
    let kinds: Vec<(&str, &str)> = Kind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect();
    let urgencies: Vec<(&str, &str)> = Urgency::ALL
        .iter()
        .map(|u| (u.code(), u.label_zh()))
        .collect();
    vec![
        Attribute {
            code: ATTR_ORG_UNIT,
            required: false,
            order: 1,
            description: "诉求涉及的社区（居民区/村）代码；不填时按 address_string 中的小区、路名确定，不能确定唯一社区的须填写 (the community the request concerns, by its code; when left out, the estate or road in address_string names it, and it is required when that names no single community)",
            values: communities,
        },
        Attribute {
            code: ATTR_KIND,
            required: false,
            order: 2,
            description: "诉求类型，默认求助 (kind of appeal; help when not given)",
            values: choices(&kinds),
        },
        Attribute {
            code: ATTR_URGENCY,
            required: false,
            order: 3,
            description: "紧急程度，默认一般 (urgency; normal when not given)",
            values: choices(&urgencies),
        },
    ]
}

/// What the public may read of one appeal through Open311: its state and its texts with
/// everything that points to a person taken out (`privacy::redact`, with the appellant's
/// name), and no notes.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestView {
    /// The tracking code: public, unguessable, never the internal id.
    pub service_request_id: String,
    pub status: OpenStatus,
    pub status_notes: Option<&'static str>,
    pub service_code: String,
    pub description: String,
    pub requested: DateTime<Utc>,
    /// The last time anything happened to it (its last event).
    pub updated: DateTime<Utc>,
    /// When it is due to be resolved (`resolve_by`).
    pub expected: Option<DateTime<Utc>>,
    pub address: Option<String>,
}

impl RequestView {
    /// The view of `appeal`, whose appellant is called `appellant_name` (if named), with its
    /// timeline `events` (oldest first).
    pub fn new<'e>(
        appeal: &Appeal,
        appellant_name: Option<&str>,
        events: impl IntoIterator<Item = (DateTime<Utc>, &'e EventBody)>,
    ) -> RequestView {
        let names: Vec<&str> = appellant_name.into_iter().collect();
        let events: Vec<(DateTime<Utc>, &EventBody)> = events.into_iter().collect();
        RequestView {
            service_request_id: appeal.tracking_code.clone(),
            status: OpenStatus::of(appeal.status),
            status_notes: status_notes(events.iter().map(|(_, body)| *body)),
            service_code: appeal.category.clone(),
            description: redact(&appeal.content, &names),
            requested: appeal.created_at,
            updated: events.last().map_or(appeal.created_at, |(at, _)| *at),
            expected: appeal.resolve_by,
            address: appeal.location.as_deref().map(|l| redact(l, &names)),
        }
    }
}

const KEY_NAME_EMPTY: Msg = msg!(
    "key_name_empty",
    "请填写使用这个密钥的系统名称",
    "Enter the name of the system that will use this key",
);

/// The name of a client system's key: trimmed, 1 to [`MAX_KEY_NAME`] characters, storable.
/// (Another active key of the same name is the store's refusal: its unique index.)
pub fn check_key_name(name: &str) -> Result<String, FieldError> {
    required_text("name", name, MAX_KEY_NAME, &KEY_NAME_EMPTY)
}

#[cfg(test)]
mod tests;
