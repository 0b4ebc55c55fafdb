//! An appeal as a row: which columns, how an `Appeal` becomes bind values and back, and the
//! joined SELECT that resolves names and placement for an `AppealRecord`.

use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use suqiu_core::access::Placement;
use suqiu_core::appeal::{
    Appeal, Appellant, Channel, Kind, Resolution, Satisfaction, Status, Urgency,
};
use suqiu_core::lifecycle::{Event, EventBody};
use suqiu_core::measures::AppealFacts;
use suqiu_core::Id;

use crate::appeals::AppealRecord;
use crate::dialect;
use crate::error::{Result, StoreError};
use crate::sql::{
    get, get_code, get_flag, get_json, get_opt_code, get_opt_time, get_time, ms, stored, to_json,
    Arg,
};

/// Columns that change as the appeal moves through its lifecycle (what `act` updates).
pub(crate) const MUTABLE: &[&str] = &[
    "status",
    "handling_org_unit_id",
    "handling_path",
    "assignee_user_id",
    "assignee_team_id",
    "department_id",
    "responded_at",
    "accepted_at",
    "resolved_at",
    "closed_at",
    "resolve_by",
    "extension",
    "handoffs",
    "resolution",
    "feedback_at",
    "satisfaction",
    "solved",
    "follow_up_attempts",
    "reopen_count",
    "merged_into",
    "version",
    "due_at",
    "live",
    "suspended_at",
    "pending_from",
    // Sorted by staff (归类/改类) and marked as spam (无效): both after intake.
    "category",
    "spam_at",
];

/// Everything stored about an appeal except its id, as (column, value) pairs.
pub(crate) fn values(
    a: &Appeal,
    org_path: &str,
    handling_path: &str,
    tokens: &str,
) -> Result<Vec<(&'static str, Arg)>> {
    let (appellant_type, person_id, name, phone, email) = match &a.appellant {
        Appellant::Person { person_id } => ("person", Some(*person_id), None, None, None),
        Appellant::Named { name, phone, email } => (
            "named",
            None,
            Some(name.clone()),
            phone.clone(),
            email.clone(),
        ),
        Appellant::Anonymous => ("anonymous", None, None, None, None),
    };
    let facts = AppealFacts::from(a);
    Ok(vec![
        ("tracking_code", a.tracking_code.as_str().into()),
        ("status", a.status.code().into()),
        ("org_unit_id", a.org_unit_id.into()),
        ("org_path", org_path.into()),
        ("received_by_org_unit_id", a.received_by_org_unit_id.into()),
        ("handling_org_unit_id", a.handling_org_unit_id.into()),
        ("handling_path", handling_path.into()),
        ("assignee_user_id", a.assignee_user_id.into()),
        ("assignee_team_id", a.assignee_team_id.into()),
        ("department_id", a.department_id.into()),
        ("category", a.category.as_str().into()),
        ("kind", a.kind.code().into()),
        ("urgency", a.urgency.code().into()),
        ("channel", a.channel.code().into()),
        ("title", a.title.clone().into()),
        ("content", a.content.as_str().into()),
        ("location", a.location.clone().into()),
        ("appellant_type", appellant_type.into()),
        ("appellant_person_id", person_id.into()),
        ("appellant_name", name.into()),
        ("appellant_phone", phone.into()),
        ("appellant_email", email.into()),
        ("public_consent", a.public_consent.into()),
        ("created_at", ms(a.created_at).into()),
        ("responded_at", a.responded_at.map(ms).into()),
        ("accepted_at", a.accepted_at.map(ms).into()),
        ("resolved_at", a.resolved_at.map(ms).into()),
        ("closed_at", a.closed_at.map(ms).into()),
        ("respond_by", ms(a.respond_by).into()),
        ("resolve_by", a.resolve_by.map(ms).into()),
        ("extension", to_json(&a.extension)?.into()),
        ("handoffs", to_json(&a.handoffs)?.into()),
        ("resolution", a.resolution.map(|r| r.code()).into()),
        ("feedback_at", a.feedback_at.map(ms).into()),
        ("satisfaction", a.satisfaction.map(|s| s.code()).into()),
        ("solved", a.solved.map(i64::from).into()),
        ("follow_up_attempts", i64::from(a.follow_up_attempts).into()),
        ("reopen_count", i64::from(a.reopen_count).into()),
        ("merged_into", a.merged_into.into()),
        ("version", a.version.into()),
        ("due_at", a.current_deadline().map(ms).into()),
        ("live", facts.is_live().into()),
        ("suspended_at", a.suspended_at.map(ms).into()),
        ("spam_at", a.spam_at.map(ms).into()),
        ("pending_from", facts.pending_from().map(ms).into()),
        ("search_tokens", tokens.into()),
    ])
}

/// The appeal's columns (alias `a`) as read back.
const COLUMNS: &str = "a.id, a.tracking_code, a.status, a.org_unit_id, a.org_path, a.received_by_org_unit_id, \
     a.handling_org_unit_id, a.handling_path, a.assignee_user_id, a.assignee_team_id, a.department_id, a.category, \
     a.kind, a.urgency, a.channel, a.title, a.content, a.location, a.appellant_type, a.appellant_person_id, \
     a.appellant_name, a.appellant_phone, a.appellant_email, a.public_consent, a.created_at, a.responded_at, a.accepted_at, \
     a.resolved_at, a.closed_at, a.respond_by, a.resolve_by, a.extension, a.handoffs, a.resolution, a.feedback_at, \
     a.satisfaction, a.solved, a.follow_up_attempts, a.reopen_count, a.merged_into, a.version, a.suspended_at, \
     a.spam_at";

/// The record's SELECT: the appeal (alias `a`) with names and the handling unit's parent.
/// LEFT JOINs throughout so the appeal stays the driving table (SQLite does not reorder them).
pub(crate) fn select_record() -> String {
    select_record_from("appeals a")
}

/// The record's SELECT over `source`, which must bind the appeals table as `a` — e.g. a
/// page of ids joined back to `appeals a`, so the planner resolves the names for those
/// rows only (PostgreSQL otherwise hash-joins the names onto the whole table first).
pub(crate) fn select_record_from(source: &str) -> String {
    format!(
        "SELECT {COLUMNS}, o.name AS org_unit_name, h.name AS handling_name, h.parent_id AS handling_parent_id, \
           hp.path AS handling_parent_path, p.name AS person_name, p.phone AS person_phone, \
           u.display_name AS assignee_name, t.name AS team_name, d.name AS department_name \
         FROM {source} \
         LEFT JOIN org_units o ON o.id = a.org_unit_id \
         LEFT JOIN org_units h ON h.id = a.handling_org_unit_id \
         LEFT JOIN org_units hp ON hp.id = h.parent_id \
         LEFT JOIN people p ON p.id = a.appellant_person_id \
         LEFT JOIN users u ON u.id = a.assignee_user_id \
         LEFT JOIN teams t ON t.id = a.assignee_team_id \
         LEFT JOIN departments d ON d.id = a.department_id"
    )
}

fn count(row: &AnyRow, col: &str) -> Result<u32> {
    u32::try_from(get::<i64>(row, col)?)
        .map_err(|_| StoreError::Corrupt(format!("column {col}: out of range")))
}

pub(crate) fn appeal_from(row: &AnyRow) -> Result<Appeal> {
    let appellant = match get::<String>(row, "appellant_type")?.as_str() {
        "person" => Appellant::Person {
            person_id: get::<Option<i64>>(row, "appellant_person_id")?
                .ok_or_else(|| StoreError::Corrupt("appellant person without id".into()))?,
        },
        "named" => Appellant::Named {
            name: get::<Option<String>>(row, "appellant_name")?.unwrap_or_default(),
            phone: get(row, "appellant_phone")?,
            email: get(row, "appellant_email")?,
        },
        "anonymous" => Appellant::Anonymous,
        other => {
            return Err(StoreError::Corrupt(format!(
                "column appellant_type: unknown {other:?}"
            )))
        }
    };
    Ok(Appeal {
        id: get(row, "id")?,
        tracking_code: get(row, "tracking_code")?,
        status: get_code(row, "status", Status::parse)?,
        org_unit_id: get(row, "org_unit_id")?,
        received_by_org_unit_id: get(row, "received_by_org_unit_id")?,
        handling_org_unit_id: get(row, "handling_org_unit_id")?,
        assignee_user_id: get(row, "assignee_user_id")?,
        assignee_team_id: get(row, "assignee_team_id")?,
        department_id: get(row, "department_id")?,
        category: get(row, "category")?,
        kind: get_code(row, "kind", Kind::parse)?,
        urgency: get_code(row, "urgency", Urgency::parse)?,
        channel: get_code(row, "channel", Channel::parse)?,
        title: get(row, "title")?,
        content: get(row, "content")?,
        location: get(row, "location")?,
        appellant,
        public_consent: get_flag(row, "public_consent")?,
        created_at: get_time(row, "created_at")?,
        responded_at: get_opt_time(row, "responded_at")?,
        accepted_at: get_opt_time(row, "accepted_at")?,
        resolved_at: get_opt_time(row, "resolved_at")?,
        closed_at: get_opt_time(row, "closed_at")?,
        respond_by: get_time(row, "respond_by")?,
        resolve_by: get_opt_time(row, "resolve_by")?,
        extension: get_json(row, "extension")?,
        handoffs: get_json(row, "handoffs")?,
        resolution: get_opt_code(row, "resolution", Resolution::parse)?,
        feedback_at: get_opt_time(row, "feedback_at")?,
        satisfaction: get_opt_code(row, "satisfaction", Satisfaction::parse)?,
        solved: get::<Option<i64>>(row, "solved")?.map(|v| v != 0),
        follow_up_attempts: count(row, "follow_up_attempts")?,
        reopen_count: count(row, "reopen_count")?,
        merged_into: get(row, "merged_into")?,
        suspended_at: get_opt_time(row, "suspended_at")?,
        spam_at: get_opt_time(row, "spam_at")?,
        version: get(row, "version")?,
    })
}

pub(crate) fn record_from(row: &AnyRow) -> Result<AppealRecord> {
    let appeal = appeal_from(row)?;
    let parent_id: Option<Id> = get(row, "handling_parent_id")?;
    let parent_path: Option<String> = get(row, "handling_parent_path")?;
    let (appellant_name, appellant_phone) = match &appeal.appellant {
        Appellant::Person { .. } => (get(row, "person_name")?, get(row, "person_phone")?),
        Appellant::Named { name, phone, .. } => (Some(name.clone()), phone.clone()),
        Appellant::Anonymous => (None, None),
    };
    Ok(AppealRecord {
        place: Placement {
            org_path: get(row, "org_path")?,
            handling_path: get(row, "handling_path")?,
            handling_parent: parent_id.zip(parent_path),
        },
        org_unit_name: get::<Option<String>>(row, "org_unit_name")?.unwrap_or_default(),
        handling_org_unit_name: get::<Option<String>>(row, "handling_name")?.unwrap_or_default(),
        appellant_name,
        appellant_phone,
        appellant_person_id: get(row, "appellant_person_id")?,
        assignee_name: get(row, "assignee_name")?,
        team_name: get(row, "team_name")?,
        department_name: get(row, "department_name")?,
        appeal,
    })
}

/// Loads one record on `conn`; `lock` takes the row lock of the action path.
pub(crate) async fn load(
    conn: &mut AnyConnection,
    id: Id,
    lock: &str,
) -> Result<Option<AppealRecord>> {
    let sql = format!("{} WHERE a.id = $1{lock}", select_record());
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(record_from).transpose()
}

/// A new appeal made ready for `appeals::insert_new`: it and its `registered` event
/// normalized (see [`normalize`]), its search tokens segmented. Segmenting is CPU work, so
/// callers make this before handing the job to the single writer.
pub(crate) struct NewAppeal {
    pub(crate) appeal: Appeal,
    pub(crate) event: Event,
    pub(crate) tokens: String,
    /// Its near-duplicate keys (see [`crate::similar::neardup_keys`]).
    pub(crate) neardup: Vec<i64>,
    /// What the intake's suggestions offered, stored with it.
    pub(crate) offered: Option<crate::suggest::Offered>,
}

impl NewAppeal {
    pub(crate) fn new(
        mut appeal: Appeal,
        mut event: Event,
        offered: Option<crate::suggest::Offered>,
    ) -> NewAppeal {
        normalize(&mut appeal);
        normalize_event(&mut event);
        let tokens = search_tokens(&appeal);
        let neardup = crate::similar::neardup_keys(&appeal);
        NewAppeal {
            appeal,
            event,
            tokens,
            neardup,
            offered,
        }
    }
}

/// The appeal's full-text tokens: its title, content and location.
pub(crate) fn search_tokens(a: &Appeal) -> String {
    dialect::index_tokens(a.title.as_deref(), &a.content, a.location.as_deref())
}

/// Truncates every instant of the appeal to what the database keeps (milliseconds), so the
/// state the store computes with is exactly the state it will read back.
pub(crate) fn normalize(a: &mut Appeal) {
    a.created_at = stored(a.created_at);
    a.respond_by = stored(a.respond_by);
    for t in [
        &mut a.responded_at,
        &mut a.accepted_at,
        &mut a.resolved_at,
        &mut a.closed_at,
        &mut a.resolve_by,
        &mut a.feedback_at,
        &mut a.suspended_at,
    ] {
        *t = t.map(stored);
    }
}

/// The same for an event, including the deadlines it carries, so replaying the stored
/// timeline gives the stored state.
pub(crate) fn normalize_event(e: &mut Event) {
    e.at = stored(e.at);
    match &mut e.body {
        EventBody::Registered {
            respond_by,
            resolve_by,
            ..
        } => {
            *respond_by = stored(*respond_by);
            *resolve_by = resolve_by.map(stored);
        }
        EventBody::ExtendApprove { resolve_by, .. }
        | EventBody::Reopen { resolve_by, .. }
        | EventBody::Resume { resolve_by, .. } => {
            *resolve_by = resolve_by.map(stored);
        }
        EventBody::Overdue { due, .. } => *due = stored(*due),
        _ => {}
    }
}

/// Appends one event to the timeline.
pub(crate) async fn insert_event(conn: &mut AnyConnection, appeal_id: Id, e: &Event) -> Result<()> {
    sqlx::query("INSERT INTO appeal_events (appeal_id, type, actor_id, at, data) VALUES ($1, $2, $3, $4, $5)")
        .bind(appeal_id)
        .bind(e.body.type_name())
        .bind(e.actor_id)
        .bind(ms(e.at))
        .bind(to_json(&e.body)?)
        .execute(conn)
        .await?;
    Ok(())
}

/// An event's stored columns (for bulk inserts), in `EVENT_COLUMNS` order.
pub(crate) const EVENT_COLUMNS: [&str; 5] = ["appeal_id", "type", "actor_id", "at", "data"];

pub(crate) fn event_values(appeal_id: Id, e: &Event) -> Result<Vec<Arg>> {
    Ok(vec![
        appeal_id.into(),
        e.body.type_name().into(),
        e.actor_id.into(),
        ms(e.at).into(),
        to_json(&e.body)?.into(),
    ])
}
