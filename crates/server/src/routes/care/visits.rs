//! Visits (走访) over HTTP: who is due a visit, log one (with the appeal raised on the
//! spot), the visit log. Thin adapters over `app::care` and `app::care::visits`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use suqiu_core::access::{Actor, Capability};
use suqiu_core::appeal::{Channel, Kind, Urgency};
use suqiu_core::care::{CareLevel, VisitRule};
use suqiu_core::error::{FieldError, Msg};
use suqiu_core::lifecycle::{Matter, NewAppellantDraft};
use suqiu_core::msg;
use suqiu_core::person::CareTag;
use suqiu_core::Id;
use suqiu_store::visits::{DueFor, DueVisit, Visit, VisitFilter};
use utoipa::ToSchema;

use crate::app::care::visits::{self as uc, Logged, RaiseInput, VisitInput};
use crate::auth::AuthActor;
use crate::dto::{time, PageOut};
use crate::extract::{ApiJson, Params};
use crate::problem::{ApiResult, Problem, Problems};
use crate::routes::appeals::{AppealOut, AppellantIn};
use crate::state::AppState;

/// A person due (or not yet due) a visit, with the rule that makes them so.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueVisitOut {
    pub person_id: Id,
    pub name: String,
    pub org_unit_id: Id,
    pub address: Option<String>,
    #[schema(value_type = Vec<String>)]
    pub tags: Vec<CareTag>,
    /// `key|regular` (重点关爱/一般关爱) or null.
    #[schema(value_type = Option<String>)]
    pub level: Option<CareLevel>,
    pub last_visit: Option<NaiveDate>,
    /// The last day the rule is met on; null when never visited.
    pub due_on: Option<NaiveDate>,
    /// `overdue|due|upcoming`
    pub status: String,
    /// `{"tag","kind":"every","days"}` or `{"tag","kind":"before_holiday","holiday","days"}`.
    #[schema(value_type = Object)]
    pub rule: VisitRule,
    /// The rule in words: 「独居老人 每7天」.
    pub rule_label: String,
}

impl From<DueVisit> for DueVisitOut {
    /// A due visit as `app::care::due` shows it to its reader.
    fn from(d: DueVisit) -> DueVisitOut {
        DueVisitOut {
            person_id: d.person_id,
            name: d.name,
            org_unit_id: d.org_unit_id,
            address: d.address,
            tags: d.tags,
            level: d.level,
            last_visit: d.last_visit,
            due_on: d.next.due_on,
            status: d.next.status.code().into(),
            rule: d.next.rule,
            rule_label: d.next.rule.label_zh(),
        }
    }
}

/// `{"org_unit_id","as_of","items":[…]}`
#[derive(Debug, Serialize, ToSchema)]
pub struct DueListOut {
    pub org_unit_id: Id,
    pub as_of: NaiveDate,
    pub items: Vec<DueVisitOut>,
}

/// A logged visit; on creation also the appeal raised on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitOut {
    pub id: Id,
    pub person_id: Id,
    pub person_name: String,
    pub visited_at: String,
    pub visitor_user_id: Id,
    pub visitor_name: String,
    pub note: String,
    pub follow_up: Option<String>,
    pub appeal_id: Option<Id>,
    pub appeal_tracking_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appeal: Option<Box<AppealOut>>,
}

impl From<&Visit> for VisitOut {
    fn from(v: &Visit) -> VisitOut {
        VisitOut {
            id: v.id,
            person_id: v.person_id,
            person_name: v.person_name.clone(),
            visited_at: time(v.visited_at),
            visitor_user_id: v.visitor_user_id,
            visitor_name: v.visitor_name.clone(),
            note: v.note.clone(),
            follow_up: v.follow_up.clone(),
            appeal_id: v.appeal_id,
            appeal_tracking_code: v.appeal_tracking_code.clone(),
            appeal: None,
        }
    }
}

/// The appeal raised on a visit: the fields of `POST /api/v1/appeals`, of which the
/// appellant (default: the person visited), the node (default: the person's) and the
/// channel (always `home_visit`, 走访) may be left out.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RaiseAppealIn {
    #[serde(default)]
    pub appellant_id: Option<Id>,
    #[serde(default)]
    pub appellant: Option<AppellantIn>,
    #[serde(default)]
    pub anonymous: Option<bool>,
    #[serde(default)]
    pub org_unit_id: Option<Id>,
    /// Only `home_visit` (走访) is accepted.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "home_visit")]
    pub channel: Option<Channel>,
    #[schema(value_type = String, example = "help")]
    pub kind: Kind,
    pub category: String,
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

impl From<RaiseAppealIn> for RaiseInput {
    fn from(r: RaiseAppealIn) -> RaiseInput {
        RaiseInput {
            appellant_id: r.appellant_id,
            appellant: r.appellant.map(NewAppellantDraft::from),
            anonymous: r.anonymous,
            org_unit_id: r.org_unit_id,
            channel: r.channel,
            matter: Matter {
                kind: r.kind,
                category: r.category,
                urgency: r.urgency,
                title: r.title,
                content: r.content,
                location: r.location,
                public_consent: r.public_consent,
            },
        }
    }
}

/// `{"person_id","visited_at","note","follow_up?","raise_appeal?":{…}}`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitIn {
    pub person_id: Id,
    /// RFC 3339; default now. Not in the future.
    #[serde(default)]
    pub visited_at: Option<DateTime<Utc>>,
    /// What was seen.
    pub note: String,
    /// What is to be done next.
    #[serde(default)]
    pub follow_up: Option<String>,
    #[serde(default)]
    pub raise_appeal: Option<RaiseAppealIn>,
}

const WORKER_OR_TEAM: Msg = msg!(
    "worker_or_team",
    "worker 与 team 只能选一个",
    "Choose worker or team, not both"
);

/// Whose due list the query asks for: `worker=ID|me` or `team=ID`, not both.
fn due_for(actor: &Actor, params: &Params, errors: &mut Vec<FieldError>) -> DueFor {
    match (params.str("worker"), params.id("team", errors)) {
        (Some(_), Some(_)) => {
            errors.push(FieldError::new("team", &WORKER_OR_TEAM));
            DueFor::Everyone
        }
        (Some("me"), None) => DueFor::Worker(actor.user_id),
        (Some(_), None) => params
            .id("worker", errors)
            .map(DueFor::Worker)
            .unwrap_or_default(),
        (None, Some(team)) => DueFor::Team(team),
        (None, None) => DueFor::Everyone,
    }
}

/// People due or overdue for a visit under a node, most pressing first, each with the rule
/// that makes them due. `worker=ID|me` narrows to the people a worker looks after (pairings,
/// team blocks), `team=ID` to a team's blocks; a volunteer always sees only its own.
#[utoipa::path(get, path = "/api/v1/visits/due", tag = "care",
    params(
        ("org_unit" = Option<i64>, Query, description = "node id; default: the caller's node"),
        ("worker" = Option<String>, Query, description = "user id or `me`"),
        ("team" = Option<i64>, Query),
    ),
    responses((status = 200, body = DueListOut), Problems::<404, 422>))]
pub async fn due(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<DueListOut>> {
    let mut errors = Vec::new();
    let node = params.id("org_unit", &mut errors);
    let due_for = due_for(&actor, &params, &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let due = crate::app::care::due(&state, &actor, node, due_for).await?;
    Ok(Json(DueListOut {
        org_unit_id: due.org_unit_id,
        as_of: due.as_of,
        items: due.items.into_iter().map(DueVisitOut::from).collect(),
    }))
}

/// Logs a visit (走访). With `raise_appeal`, the appeal raised on the spot is registered in
/// the same transaction (both or neither), through the same checks as `POST /api/v1/appeals`,
/// with channel 走访 and, unless given, the person visited as appellant at their node.
#[utoipa::path(post, path = "/api/v1/visits", tag = "care",
    request_body = VisitIn,
    responses(
        (status = 201, body = VisitOut),
        Problems::<403, 422>,
    ))]
pub async fn create_visit(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<VisitIn>,
) -> ApiResult<(StatusCode, Json<VisitOut>)> {
    let input = VisitInput {
        person_id: body.person_id,
        visited_at: body.visited_at,
        note: body.note,
        follow_up: body.follow_up,
        raise: body.raise_appeal.map(RaiseInput::from),
    };
    let logged = uc::log(&state, &actor, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(visit_out(&state, &actor, logged).await?),
    ))
}

/// A logged visit with the appeal raised on it, as the appeal's own answer shows it.
async fn visit_out(state: &AppState, actor: &Actor, logged: Logged) -> ApiResult<VisitOut> {
    let mut out = VisitOut::from(&logged.visit);
    let Some(rec) = logged.appeal else {
        return Ok(out);
    };
    let now = state.now();
    let events = state.store.events(rec.appeal.id).await?;
    let category = state.store.category(&rec.appeal.category).await?;
    let allowed = crate::app::appeals::actions_for(state, actor, &rec, now);
    let mut a = AppealOut::new(
        &rec,
        category.map(|c| c.name),
        &allowed,
        actor.may(Capability::SeePersonalData),
        now,
        Some(&events),
    );
    a.visit_id = Some(logged.visit.id);
    out.appeal = Some(Box::new(a));
    Ok(out)
}

/// The visit log: `person_id`, `org_unit` (subtree), `from`/`to` (days, Shanghai), newest first.
#[utoipa::path(get, path = "/api/v1/visits", tag = "care",
    params(
        ("person_id" = Option<i64>, Query),
        ("org_unit" = Option<i64>, Query),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, inclusive"),
        ("page" = Option<i64>, Query),
        ("per_page" = Option<i64>, Query),
    ),
    responses((status = 200, body = PageOut<VisitOut>), Problems::<422>))]
pub async fn list_visits(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<PageOut<VisitOut>>> {
    let mut errors = Vec::new();
    let filter = visit_filter(&params, &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let found = uc::list(&state, &actor, &filter).await?;
    Ok(Json(PageOut {
        items: found.items.iter().map(VisitOut::from).collect(),
        total: found.total,
        total_exact: found.total_exact,
        page: found.page,
        per_page: found.per_page,
    }))
}

/// The visit log's filters from the query.
fn visit_filter(params: &Params, errors: &mut Vec<FieldError>) -> VisitFilter {
    let (page, per_page) = params.paging(errors);
    VisitFilter {
        person_id: params.id("person_id", errors),
        org_unit_id: params.id("org_unit", errors),
        from: params
            .date("from", errors)
            .map(suqiu_store::care::day_start),
        to: params
            .date("to", errors)
            .map(|d| suqiu_store::care::day_start(d) + chrono::TimeDelta::days(1)),
        page,
        per_page,
    }
}
