//! Care (党内关爱): the care register, visits (走访) and the appeal raised on one, visit
//! rules, coverage, service teams (组团式服务) and pairings (结对).
//!
//! Reads go through the store's care scope (a volunteer sees the people assigned to it);
//! health and family details (the care note, health tags) only with `SeeCareDetails`,
//! phone numbers only with `SeePersonalData`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use suqiu_core::access::{Actor, Capability};
use suqiu_core::appeal::{Channel, Kind, Urgency};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::care::{is_sensitive, validate_rules, CareLevel, NextVisit, VisitRule};
use suqiu_core::error::FieldError;
use suqiu_core::person::CareTag;
use suqiu_core::validate::mask_phone;
use suqiu_core::Id;
use suqiu_store::care::{CareCoverage, CareEntry, RegisterFilter, RuleSet, TimelineEntry};
use suqiu_store::teams::{
    BlockOf, Contact, ContactMode, Pairing, Partner, TeamCoverage, TeamDetail,
};
use suqiu_store::visits::{DueFor, DueVisit, NewVisit, Visit, VisitFilter};
use utoipa::ToSchema;

use crate::app::appeals::{check_intake, store_intake};
use crate::app::require;
use crate::auth::AuthActor;
use crate::dto::{time, AppealIn, AppealOut, PageOut};
use crate::extract::{ApiJson, IdPath, Params};
use crate::problem::{ApiResult, Problem};
use crate::read_audit;
use crate::scope::{filter_node_in_scope, node_in_scope};
use crate::state::AppState;
use suqiu_core::access::deed;

// ---- what goes out ---------------------------------------------------------------------

/// Tags as the reader may see them: health and family tags only with `SeeCareDetails`.
pub(crate) fn visible_tags(actor: &Actor, tags: &[CareTag]) -> Vec<CareTag> {
    let details = actor.may(Capability::SeeCareDetails);
    tags.iter()
        .copied()
        .filter(|t| details || !is_sensitive(*t))
        .collect()
}

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

impl DueVisitOut {
    fn new(actor: &Actor, d: &DueVisit) -> DueVisitOut {
        DueVisitOut {
            person_id: d.person_id,
            name: d.name.clone(),
            org_unit_id: d.org_unit_id,
            address: d.address.clone(),
            tags: visible_tags(actor, &d.tags),
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

/// One person on the care register.
#[derive(Debug, Serialize, ToSchema)]
pub struct CareEntryOut {
    pub person_id: Id,
    pub name: String,
    pub org_unit_id: Id,
    pub address: Option<String>,
    /// Masked unless the role may see phone numbers.
    pub phone: Option<String>,
    pub birth_date: Option<NaiveDate>,
    #[schema(value_type = Vec<String>)]
    pub tags: Vec<CareTag>,
    #[schema(value_type = Option<String>)]
    pub level: Option<CareLevel>,
    /// Health and family details; only for roles that need them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub last_visit: Option<String>,
    /// `{"rule","due_on","status"}` or null when no visit rule applies.
    #[schema(value_type = Option<Object>)]
    pub next_visit: Option<NextVisit>,
}

impl CareEntryOut {
    pub(crate) fn new(actor: &Actor, e: &CareEntry) -> CareEntryOut {
        let reveal = actor.may(Capability::SeePersonalData);
        CareEntryOut {
            person_id: e.person_id,
            name: e.name.clone(),
            org_unit_id: e.org_unit_id,
            address: e.address.clone(),
            phone: e
                .phone
                .as_deref()
                .map(|p| if reveal { p.to_string() } else { mask_phone(p) }),
            birth_date: e.birth_date,
            tags: visible_tags(actor, &e.tags),
            level: e.level,
            note: e
                .note
                .clone()
                .filter(|_| actor.may(Capability::SeeCareDetails)),
            last_visit: e.last_visit.map(time),
            next_visit: e.next,
        }
    }
}

// ---- what comes in ---------------------------------------------------------------------

/// The appeal raised on a visit: the fields of `POST /api/v1/appeals`, of which the
/// appellant (default: the person visited), the node (default: the person's) and the
/// channel (always `home_visit`, 走访) may be left out.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RaiseAppealIn {
    #[serde(default)]
    pub appellant_id: Option<Id>,
    #[serde(default)]
    pub appellant: Option<crate::dto::AppellantIn>,
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesIn {
    #[schema(value_type = Vec<Object>)]
    pub rules: Vec<VisitRule>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CareProfileIn {
    /// `key|regular` or null.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub level: Option<CareLevel>,
    /// Health and family details.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamIn {
    pub org_unit_id: Id,
    pub name: String,
}

/// Exactly one of `user_id`, `person_id`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberIn {
    #[serde(default)]
    pub user_id: Option<Id>,
    #[serde(default)]
    pub person_id: Option<Id>,
}

/// Exactly one of `org_unit_id` (a grid or building group below the team's community) and
/// `address_prefix` (e.g. 「佛字桥小区1号」).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockIn {
    #[serde(default)]
    pub org_unit_id: Option<Id>,
    #[serde(default)]
    pub address_prefix: Option<String>,
}

/// Exactly one of `partner_user_id`, `partner_person_id`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairingIn {
    pub person_id: Id,
    #[serde(default)]
    pub partner_user_id: Option<Id>,
    #[serde(default)]
    pub partner_person_id: Option<Id>,
    /// Default today.
    #[serde(default)]
    pub started_on: Option<NaiveDate>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactIn {
    /// RFC 3339; default now.
    #[serde(default)]
    pub contacted_at: Option<DateTime<Utc>>,
    /// `home|phone|other`
    #[schema(value_type = String, example = "home")]
    pub mode: ContactMode,
    pub note: String,
}

// ---- helpers ---------------------------------------------------------------------------

/// The `org_unit` query parameter (default: the caller's node; checked by `node_in_scope`).
fn org_unit(actor: &Actor, params: &Params, errors: &mut Vec<FieldError>) -> Id {
    params.id("org_unit", errors).unwrap_or(actor.org_unit_id)
}

/// A field error's name inside `raise_appeal`.
fn nested(mut p: Problem) -> Problem {
    for e in &mut p.errors {
        e.field = format!("raise_appeal.{}", e.field);
    }
    p
}

// ---- visits ----------------------------------------------------------------------------

/// People due or overdue for a visit under a node, most pressing first, each with the rule
/// that makes them due. `worker=ID|me` narrows to the people a worker looks after (pairings,
/// team blocks), `team=ID` to a team's blocks; a volunteer always sees only its own.
#[utoipa::path(get, path = "/api/v1/visits/due", tag = "care",
    params(
        ("org_unit" = Option<i64>, Query, description = "node id; default: the caller's node"),
        ("worker" = Option<String>, Query, description = "user id or `me`"),
        ("team" = Option<i64>, Query),
    ),
    responses((status = 200, body = DueListOut), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn due(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<DueListOut>> {
    let mut errors = Vec::new();
    let node = params.id("org_unit", &mut errors);
    let due_for = match (params.str("worker"), params.id("team", &mut errors)) {
        (Some(_), Some(_)) => {
            errors.push(FieldError::new("team", &WORKER_OR_TEAM));
            DueFor::Everyone
        }
        (Some("me"), None) => DueFor::Worker(actor.user_id),
        (Some(_), None) => params
            .id("worker", &mut errors)
            .map(DueFor::Worker)
            .unwrap_or_default(),
        (None, Some(team)) => DueFor::Team(team),
        (None, None) => DueFor::Everyone,
    };
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let node = node_in_scope(&state, &actor, node).await?.id;
    let now = state.now();
    let due = state.store.due_visits(&actor, node, due_for, now).await?;
    Ok(Json(DueListOut {
        org_unit_id: node,
        as_of: shanghai_date(now),
        items: due.iter().map(|d| DueVisitOut::new(&actor, d)).collect(),
    }))
}

/// Logs a visit (走访). With `raise_appeal`, the appeal raised on the spot is registered in
/// the same transaction (both or neither), through the same checks as `POST /api/v1/appeals`,
/// with channel 走访 and, unless given, the person visited as appellant at their node.
#[utoipa::path(post, path = "/api/v1/visits", tag = "care",
    request_body = VisitIn,
    responses(
        (status = 201, body = VisitOut),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_visit(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<VisitIn>,
) -> ApiResult<(StatusCode, Json<VisitOut>)> {
    let out = log_visit(&state, &actor, body).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// The visit path shared by the JSON API and the web form.
pub(crate) async fn log_visit(
    state: &AppState,
    actor: &Actor,
    body: VisitIn,
) -> ApiResult<VisitOut> {
    require(actor, Capability::LogVisit, &deed::LOG_VISIT)?;
    let now = state.now();
    let person = state.store.person(actor, body.person_id).await?;
    let Some(person) = person else {
        return Err(Problem::field("person_id", &PERSON_UNKNOWN));
    };
    let visited_at = body.visited_at.unwrap_or(now);
    if visited_at > now + chrono::TimeDelta::minutes(5) {
        return Err(Problem::field("visited_at", &VISIT_IN_FUTURE));
    }
    let visit = NewVisit {
        person_id: person.id,
        visited_at,
        visitor_user_id: actor.user_id,
        note: body.note,
        follow_up: body.follow_up,
    };
    let Some(raise) = body.raise_appeal else {
        let (v, _) = state.store.create_visit(&visit, None).await?;
        return Ok(VisitOut::from(&v));
    };
    if raise.channel.is_some_and(|c| c != Channel::HomeVisit) {
        return Err(Problem::field(
            "raise_appeal.channel",
            &VISIT_APPEAL_CHANNEL,
        ));
    }
    let named =
        raise.appellant_id.is_some() || raise.appellant.is_some() || raise.anonymous.is_some();
    let appeal = AppealIn {
        appellant_id: if named {
            raise.appellant_id
        } else {
            Some(person.id)
        },
        appellant: raise.appellant,
        anonymous: raise.anonymous,
        org_unit_id: raise.org_unit_id.unwrap_or(person.org_unit_id),
        channel: Channel::HomeVisit,
        kind: raise.kind,
        category: raise.category,
        urgency: raise.urgency,
        title: raise.title,
        content: raise.content,
        location: raise.location,
        public_consent: raise.public_consent,
    };
    let checked = check_intake(state, actor, appeal.into())
        .await
        .map_err(|e| nested(e.into()))?;
    let (v, appeal) = store_intake(state, actor, &checked, |appeal, event| {
        let (store, visit) = (state.store.clone(), visit.clone());
        async move { store.create_visit(&visit, Some((appeal, event))).await }
    })
    .await
    .map_err(|e| nested(e.into()))?;
    let mut out = VisitOut::from(&v);
    if let Some(appeal) = appeal {
        tracing::debug!(
            appeal_id = appeal.id,
            visit_id = v.id,
            "appeal raised on a visit"
        );
        let rec = state
            .store
            .new_record(appeal, checked.person.as_ref())
            .await?;
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
        a.visit_id = Some(v.id);
        out.appeal = Some(Box::new(a));
    }
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
    responses((status = 200, body = PageOut<VisitOut>), (status = 422, body = Problem, content_type = "application/problem+json")))]
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
    filter_node_in_scope(&state, &actor, filter.org_unit_id).await?;
    let found = state.store.list_visits(&actor, &filter).await?;
    Ok(Json(PageOut {
        items: found.items.iter().map(VisitOut::from).collect(),
        total: found.total,
        total_exact: found.total_exact,
        page: found.page,
        per_page: found.per_page,
    }))
}

/// The visit log's filters from the query (shared with the Excel export).
pub(crate) fn visit_filter(params: &Params, errors: &mut Vec<FieldError>) -> VisitFilter {
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

// ---- rules, register, coverage ---------------------------------------------------------

/// The visit rules in force at a node (its own, an ancestor's, or the defaults: `set_at`).
#[utoipa::path(get, path = "/api/v1/visit-rules", tag = "care",
    params(("org_unit" = Option<i64>, Query, description = "node id; default: the caller's node")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_rules(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<RuleSet>> {
    let mut errors = Vec::new();
    let node = params.id("org_unit", &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let node = node_in_scope(&state, &actor, node).await?.id;
    Ok(Json(state.store.visit_rules(node).await?))
}

/// Replaces a node's visit rules `{"rules":[…]}` (staff keeping the care register, at their
/// node or below).
#[utoipa::path(put, path = "/api/v1/visit-rules", tag = "care",
    params(("org_unit" = Option<i64>, Query, description = "node id; default: the caller's node")),
    request_body = RulesIn,
    responses(
        (status = 200, body = Object),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_rules(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
    ApiJson(body): ApiJson<RulesIn>,
) -> ApiResult<Json<RuleSet>> {
    require(&actor, Capability::ManageCare, &deed::EDIT_VISIT_RULES)?;
    let mut errors = Vec::new();
    let node = params.id("org_unit", &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let node = node_in_scope(&state, &actor, node).await?.id;
    validate_rules(&body.rules).map_err(Problem::invalid)?;
    Ok(Json(
        state
            .store
            .set_visit_rules(actor.user_id, node, &body.rules)
            .await?,
    ))
}

/// The care register under a node: people with care tags or a care level, 重点关爱 first,
/// with their last and next visit; `tag` and `level` filter it.
#[utoipa::path(get, path = "/api/v1/care/register", tag = "care",
    params(
        ("org_unit" = Option<i64>, Query, description = "node id; default: the caller's node"),
        ("tag" = Option<String>, Query, description = "care tag code"),
        ("level" = Option<String>, Query, description = "key|regular"),
        ("page" = Option<i64>, Query),
        ("per_page" = Option<i64>, Query),
    ),
    responses((status = 200, body = PageOut<CareEntryOut>), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn register(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<PageOut<CareEntryOut>>> {
    let mut errors = Vec::new();
    let filter = register_filter(&actor, &params, &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    node_in_scope(&state, &actor, Some(filter.org_unit_id)).await?;
    let found = state
        .store
        .care_register(&actor, &filter, state.now())
        .await?;
    let shown = read_audit::people(found.items.iter().map(|e| e.person_id));
    read_audit::record(&state, &actor, shown, "GET /api/v1/care/register").await?;
    Ok(Json(PageOut {
        items: found
            .items
            .iter()
            .map(|e| CareEntryOut::new(&actor, e))
            .collect(),
        total: found.total,
        total_exact: found.total_exact,
        page: found.page,
        per_page: found.per_page,
    }))
}

/// The register's filters from the query (shared with the web page and the export).
pub(crate) fn register_filter(
    actor: &Actor,
    params: &Params,
    errors: &mut Vec<FieldError>,
) -> RegisterFilter {
    let (page, per_page) = params.paging(errors);
    RegisterFilter {
        org_unit_id: org_unit(actor, params, errors),
        tag: params.code("tag", CareTag::parse, CareTag::codes(), errors),
        level: params.code("level", CareLevel::parse, CareLevel::codes(), errors),
        page,
        per_page,
    }
}

/// Sets a person's care level and note `{"level","note"}` (null clears).
#[utoipa::path(put, path = "/api/v1/care/register/{id}", tag = "care",
    params(("id" = i64, Path, description = "person id")),
    request_body = CareProfileIn,
    responses(
        (status = 204),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_profile(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<CareProfileIn>,
) -> ApiResult<StatusCode> {
    require(&actor, Capability::ManageCare, &deed::EDIT_CARE)?;
    state
        .store
        .set_care_profile(&actor, id, body.level, body.note.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Visit coverage under a node over `from`–`to` (days, Shanghai; default this month so
/// far): people visited on time, people visited at all, people overdue at the end.
#[utoipa::path(get, path = "/api/v1/care/coverage", tag = "care",
    params(
        ("org_unit" = Option<i64>, Query, description = "node id; default: the caller's node"),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, inclusive"),
    ),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn coverage(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<CareCoverage>> {
    let mut errors = Vec::new();
    let node = params.id("org_unit", &mut errors);
    let (from, to) = period(&state, &params, &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let node = node_in_scope(&state, &actor, node).await?.id;
    Ok(Json(
        state
            .store
            .care_coverage(&actor, node, from, to, state.now())
            .await?,
    ))
}

/// `from`/`to` (default: this month up to today); `to` before `from` is a fault of `to`.
pub(crate) fn period(
    state: &AppState,
    params: &Params,
    errors: &mut Vec<FieldError>,
) -> (NaiveDate, NaiveDate) {
    use chrono::Datelike;
    let today = shanghai_date(state.now());
    let from = params
        .date("from", errors)
        .unwrap_or_else(|| today.with_day(1).unwrap_or(today));
    let to = params.date("to", errors).unwrap_or(today);
    if to < from {
        errors.push(FieldError::new("to", &suqiu_core::error::TO_BEFORE_FROM));
    }
    (from, to)
}

// ---- teams -----------------------------------------------------------------------------

/// Creates a service team at a node in the caller's subtree.
#[utoipa::path(post, path = "/api/v1/teams", tag = "care",
    request_body = TeamIn,
    responses(
        (status = 201, body = Object),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_team(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<TeamIn>,
) -> ApiResult<(StatusCode, Json<TeamDetail>)> {
    require(&actor, Capability::ManageCare, &deed::CREATE_TEAMS)?;
    let unit = state.store.org_unit(body.org_unit_id).await?;
    if !unit.is_some_and(|u| suqiu_core::org::in_subtree(&actor.org_path, &u.path)) {
        return Err(Problem::field(
            "org_unit_id",
            &suqiu_core::error::ORG_UNIT_UNKNOWN,
        ));
    }
    let team = state
        .store
        .create_team(body.org_unit_id, &body.name)
        .await?;
    let detail = state
        .store
        .team_detail(&actor, team.id)
        .await?
        .ok_or_else(Problem::not_found)?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// One team with its members and blocks.
#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "care",
    params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn team(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<TeamDetail>> {
    Ok(Json(
        state
            .store
            .team_detail(&actor, id)
            .await?
            .ok_or_else(Problem::not_found)?,
    ))
}

async fn team_to_manage(state: &AppState, actor: &Actor, id: Id) -> ApiResult<TeamDetail> {
    require(actor, Capability::ManageCare, &deed::MANAGE_TEAMS)?;
    state
        .store
        .team_detail(actor, id)
        .await?
        .ok_or_else(Problem::not_found)
}

/// Adds a member `{"user_id"}` or `{"person_id"}` (a party member on the register).
#[utoipa::path(post, path = "/api/v1/teams/{id}/members", tag = "care",
    params(("id" = i64, Path)),
    request_body = MemberIn,
    responses(
        (status = 201, body = Object),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_member(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<MemberIn>,
) -> ApiResult<(StatusCode, Json<TeamDetail>)> {
    let detail = team_to_manage(&state, &actor, id).await?;
    let who = match (body.user_id, body.person_id) {
        (Some(u), None) => Partner::User(u),
        (None, Some(p)) => Partner::Person(p),
        _ => return Err(Problem::field("user_id", &USER_OR_PERSON)),
    };
    state.store.add_team_member(&detail.team, who).await?;
    Ok((
        StatusCode::CREATED,
        Json(team_to_manage(&state, &actor, id).await?),
    ))
}

/// Adds a block `{"org_unit_id"}` (a grid below the team's community) or
/// `{"address_prefix"}`.
#[utoipa::path(post, path = "/api/v1/teams/{id}/blocks", tag = "care",
    params(("id" = i64, Path)),
    request_body = BlockIn,
    responses(
        (status = 201, body = Object),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_block(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<BlockIn>,
) -> ApiResult<(StatusCode, Json<TeamDetail>)> {
    let detail = team_to_manage(&state, &actor, id).await?;
    let block = match (body.org_unit_id, body.address_prefix) {
        (Some(n), None) => BlockOf::Node(n),
        (None, Some(a)) => BlockOf::Address(a),
        _ => return Err(Problem::field("org_unit_id", &UNIT_OR_ADDRESS)),
    };
    state.store.add_team_block(&detail.team, &block).await?;
    Ok((
        StatusCode::CREATED,
        Json(team_to_manage(&state, &actor, id).await?),
    ))
}

/// Households in the team's blocks visited over `from`–`to` (default this month so far).
#[utoipa::path(get, path = "/api/v1/teams/{id}/coverage", tag = "care",
    params(("id" = i64, Path), ("from" = Option<String>, Query), ("to" = Option<String>, Query)),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn team_coverage(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    params: Params,
) -> ApiResult<Json<TeamCoverage>> {
    let mut errors = Vec::new();
    let (from, to) = period(&state, &params, &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    if state.store.team_detail(&actor, id).await?.is_none() {
        return Err(Problem::not_found());
    }
    Ok(Json(state.store.team_coverage(id, from, to).await?))
}

// ---- pairings --------------------------------------------------------------------------

/// The pairings the caller may see (a volunteer: its own), by `org_unit` or `person_id`.
#[utoipa::path(get, path = "/api/v1/pairings", tag = "care",
    params(("org_unit" = Option<i64>, Query), ("person_id" = Option<i64>, Query)),
    responses((status = 200, body = Vec<Object>), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn pairings(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<Vec<Pairing>>> {
    let mut errors = Vec::new();
    let node = params.id("org_unit", &mut errors);
    let person = params.id("person_id", &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    filter_node_in_scope(&state, &actor, node).await?;
    Ok(Json(state.store.pairings(&actor, node, person).await?))
}

/// Pairs a party member or volunteer with a person in care.
#[utoipa::path(post, path = "/api/v1/pairings", tag = "care",
    request_body = PairingIn,
    responses(
        (status = 201, body = Object),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_pairing(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<PairingIn>,
) -> ApiResult<(StatusCode, Json<Pairing>)> {
    require(&actor, Capability::ManageCare, &deed::ARRANGE_PAIRINGS)?;
    let partner = match (body.partner_user_id, body.partner_person_id) {
        (Some(u), None) => Partner::User(u),
        (None, Some(p)) => Partner::Person(p),
        _ => return Err(Problem::field("partner_user_id", &PARTNER_USER_OR_PERSON)),
    };
    let started = body
        .started_on
        .unwrap_or_else(|| shanghai_date(state.now()));
    let pairing = state
        .store
        .create_pairing(
            &actor,
            body.person_id,
            partner,
            started,
            body.note.as_deref(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(pairing)))
}

/// A pairing's contact log, newest first.
#[utoipa::path(get, path = "/api/v1/pairings/{id}/contacts", tag = "care",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Object>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn contacts(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<Vec<Contact>>> {
    if state.store.pairing(&actor, id).await?.is_none() {
        return Err(Problem::not_found());
    }
    Ok(Json(state.store.contacts(id).await?))
}

/// Logs a contact on a pairing `{"contacted_at?","mode","note"}` (the partner or staff).
#[utoipa::path(post, path = "/api/v1/pairings/{id}/contacts", tag = "care",
    params(("id" = i64, Path)),
    request_body = ContactIn,
    responses(
        (status = 201, body = Object),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_contact(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ContactIn>,
) -> ApiResult<(StatusCode, Json<Contact>)> {
    require(&actor, Capability::LogVisit, &deed::LOG_CONTACT)?;
    let now = state.now();
    let at = body.contacted_at.unwrap_or(now);
    if at > now + chrono::TimeDelta::minutes(5) {
        return Err(Problem::field("contacted_at", &CONTACT_IN_FUTURE));
    }
    let contact = state
        .store
        .add_contact(&actor, id, at, body.mode, &body.note)
        .await?;
    Ok((StatusCode::CREATED, Json(contact)))
}

/// A person's care timeline: visits, pairing contacts and appeals, newest first.
#[utoipa::path(get, path = "/api/v1/people/{id}/care-timeline", tag = "care",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Object>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn timeline(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<Vec<TimelineEntry>>> {
    if state.store.person(&actor, id).await?.is_none() {
        return Err(Problem::not_found());
    }
    Ok(Json(state.store.care_timeline(&actor, id).await?))
}

// The messages of this module's rules (a code, the Chinese and the English).
const CONTACT_IN_FUTURE: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "contact_in_future",
    "联系时间不能晚于现在",
    "The contact time cannot be later than now",
);
const PARTNER_USER_OR_PERSON: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "partner_user_or_person",
    "请在 partner_user_id 和 partner_person_id 中选择且只选择一项",
    "Give exactly one of partner_user_id and partner_person_id",
);
const PERSON_UNKNOWN: suqiu_core::error::Msg =
    suqiu_core::error::Msg::new("person_unknown", "未知的人员", "Unknown person");
const UNIT_OR_ADDRESS: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "unit_or_address",
    "请在 org_unit_id 和 address_prefix 中选择且只选择一项",
    "Give exactly one of org_unit_id and address_prefix",
);
const USER_OR_PERSON: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "user_or_person",
    "请在 user_id 和 person_id 中选择且只选择一项",
    "Give exactly one of user_id and person_id",
);
const VISIT_APPEAL_CHANNEL: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "visit_appeal_channel",
    "走访中登记的诉求渠道为 home_visit（走访）",
    "An appeal logged on a visit has the channel home_visit",
);
const VISIT_IN_FUTURE: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "visit_in_future",
    "走访时间不能晚于现在",
    "The visit time cannot be later than now",
);
const WORKER_OR_TEAM: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "worker_or_team",
    "worker 与 team 只能选一个",
    "Choose worker or team, not both",
);
