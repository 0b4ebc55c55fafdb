//! Appeals: intake, lists, one appeal with its timeline, and the lifecycle's actions.
//!
//! Reads go through the store's actor-scoped methods (out of scope is 404); every action
//! goes through `Store::act` with `suqiu_core::lifecycle::decide`, so the rules live in core
//! and the events and the new state are written in one transaction.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use serde_json::Value;
use suqiu_core::access::{Actor, Capability};
use suqiu_core::appeal::{Channel, Kind, Status, Urgency};
use suqiu_core::calendar::shanghai;
use suqiu_core::error::FieldError;
use suqiu_store::appeals::{AppealFilter, AppealRecord, AppealSort};

use crate::app::appeals::{act_on, actions_for, category_names, register_appeal};
use crate::app::problems::memberships;
use crate::auth::AuthActor;
use crate::dto::PageOut;
use crate::extract::{ApiJson, IdPath, Params};
use crate::problem::{ApiResult, Problem, Problems};
use crate::read_audit;
use crate::routes::problems::ProblemRefOut;
use crate::scope::filter_node_in_scope;
use crate::state::AppState;

mod command;
mod types;

pub(crate) use command::{parse_command, resolve_merge_code};
pub use types::{
    ActionBody, ActionCode, ActionOut, AppealIn, AppealOut, AppellantIn, AppellantOut, EventOut,
};

const MAX_QUERY: usize = 100;

/// The full Appeal JSON of one appeal, with its timeline.
async fn appeal_out(state: &AppState, actor: &Actor, rec: &AppealRecord) -> ApiResult<AppealOut> {
    let now = state.now();
    let events = state.store.events(rec.appeal.id).await?;
    let category = state.store.category(&rec.appeal.category).await?;
    let allowed = actions_for(state, actor, rec, now);
    let mut out = AppealOut::new(
        rec,
        category.map(|c| c.name),
        &allowed,
        actor.may(Capability::SeePersonalData),
        now,
        Some(&events),
    );
    if rec.appeal.channel == Channel::HomeVisit {
        out.visit_id = state.store.visit_of_appeal(rec.appeal.id).await?;
    }
    out.problem = memberships(state, &[rec])
        .await?
        .get(&rec.appeal.id)
        .map(ProblemRefOut::from);
    Ok(out)
}

/// Registers an appeal (一门式受理). Every field is checked and each fault named; the
/// handling unit is the node itself, or for a grid its community. The tracking code is
/// `SQ` + the Shanghai date (`YYMMDD`) + `-` + 10 characters from an alphabet without
/// 0/O/1/I/L (≈ 49 random bits), e.g. `SQ261128-7KQ4MX9T2H`.
#[utoipa::path(post, path = "/api/v1/appeals", tag = "appeals",
    request_body = AppealIn,
    responses(
        (status = 201, body = AppealOut),
        Problems::<400, 403, 413, 422>,
    ))]
pub async fn create(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<AppealIn>,
) -> ApiResult<(StatusCode, Json<AppealOut>)> {
    let rec = register_appeal(&state, &actor, body.into()).await?;
    Ok((
        StatusCode::CREATED,
        Json(appeal_out(&state, &actor, &rec).await?),
    ))
}

/// One appeal in the caller's scope, with its timeline (oldest first).
#[utoipa::path(get, path = "/api/v1/appeals/{id}", tag = "appeals",
    params(("id" = i64, Path)),
    responses((status = 200, body = AppealOut), Problems::<404>))]
pub async fn get_one(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<AppealOut>> {
    let rec = state.store.appeal(&actor, id).await?;
    let out = appeal_out(&state, &actor, &rec).await?;
    read_audit::record(
        &state,
        &actor,
        read_audit::appeals([&rec]),
        "GET /api/v1/appeals/{id}",
    )
    .await?;
    Ok(Json(out))
}

/// The actions the caller may take on the appeal now.
#[utoipa::path(get, path = "/api/v1/appeals/{id}/actions", tag = "appeals",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ActionOut>), Problems::<404>))]
pub async fn available(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<Vec<ActionOut>>> {
    let rec = state.store.appeal(&actor, id).await?;
    let actions = actions_for(&state, &actor, &rec, state.now());
    Ok(Json(
        actions
            .into_iter()
            .map(|a| ActionOut {
                action: a.code().into(),
                label: a.label_zh().into(),
            })
            .collect(),
    ))
}

/// Start of a Shanghai civil day, as UTC.
fn day_start(d: NaiveDate) -> DateTime<Utc> {
    shanghai()
        .from_local_datetime(&d.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// `YYYY-MM-DD` (a Shanghai day) or an RFC 3339 instant.
fn instant(
    params: &Params,
    key: &str,
    end_of_day: bool,
    errors: &mut Vec<FieldError>,
) -> Option<DateTime<Utc>> {
    let v = params.str(key)?;
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        let d = if end_of_day {
            d.succ_opt().unwrap_or(d)
        } else {
            d
        };
        return Some(day_start(d));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Some(t.with_timezone(&Utc));
    }
    errors.push(FieldError::new(key, &DATE_OR_TIME_SHAPE));
    None
}

/// Appeals in the caller's scope, newest first, with API.md's filters.
#[utoipa::path(get, path = "/api/v1/appeals", tag = "appeals",
    params(
        ("status" = Option<String>, Query, description = "registered|accepted|in_progress|resolved|closed|rejected|merged"),
        ("org_unit" = Option<i64>, Query, description = "the subtree of this node"),
        ("category" = Option<String>, Query, description = "a first-level code matches its second level too"),
        ("kind" = Option<String>, Query),
        ("urgency" = Option<String>, Query),
        ("overdue" = Option<bool>, Query),
        ("in_problem" = Option<bool>, Query, description = "`true`: only appeals that belong to a problem (属于问题); `false`: none"),
        ("spam" = Option<bool>, Query, description = "`true`: only appeals marked as spam (无效); `false`: none. Left out, a list leaves them out and a search (`q`) includes them"),
        ("assignee" = Option<String>, Query, description = "`me` or a user id"),
        ("department" = Option<i64>, Query),
        ("extension" = Option<String>, Query, description = "`requested`: only appeals with an extension request awaiting a decision"),
        ("q" = Option<String>, Query, description = "search in title, content and location: any fragment of two or more Chinese characters (管破 finds 水管破裂), numbers and Latin words whole (5号楼 finds 5号楼, not 15号楼; wifi finds WiFi, not wifi6), full-width as half-width, any case; several pieces separated by spaces or punctuation must all be found; a lone Chinese character finds it where it stands as a word. At most 100 characters"),
        ("from" = Option<String>, Query, description = "received on or after (YYYY-MM-DD, Shanghai)"),
        ("to" = Option<String>, Query, description = "received on or before (YYYY-MM-DD, Shanghai)"),
        ("sort" = Option<String>, Query, description = "newest (default: newest received first)|oldest|deadline (nearest current deadline first)|relevance (with `q`: the appeals holding more of its pieces as whole words first — 水管 in 厨房水管破裂 before 下水管道 — newest first among equals, over the newest 1,000 matches)"),
        ("page" = Option<i64>, Query),
        ("per_page" = Option<i64>, Query, description = "1–200, default 50"),
    ),
    responses((status = 200, body = PageOut<AppealOut>), Problems::<422>))]
pub async fn list(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<PageOut<AppealOut>>> {
    let filter = list_filter(&actor, &params)?;
    filter_node_in_scope(&state, &actor, filter.org_unit_id).await?;
    let now = state.now();
    let found = state.store.list_appeals(&actor, &filter, now).await?;
    read_audit::record(
        &state,
        &actor,
        read_audit::appeals(&found.items),
        "GET /api/v1/appeals",
    )
    .await?;
    let names = category_names(&state, false).await?;
    let reveal = actor.may(Capability::SeePersonalData);
    let problems = memberships(&state, &found.items.iter().collect::<Vec<_>>()).await?;
    let items = found
        .items
        .iter()
        .map(|rec| {
            let allowed = actions_for(&state, &actor, rec, now);
            let mut out = AppealOut::new(
                rec,
                names.get(&rec.appeal.category).cloned(),
                &allowed,
                reveal,
                now,
                None,
            );
            out.problem = problems.get(&rec.appeal.id).map(ProblemRefOut::from);
            out
        })
        .collect();
    Ok(Json(PageOut {
        items,
        total: found.total,
        total_exact: found.total_exact,
        page: found.page,
        per_page: found.per_page,
    }))
}

/// The list's filters from query parameters (API.md's names), each bad value named; the
/// web list reads the same parameters so its filters and the API's cannot drift apart.
pub(crate) fn list_filter(actor: &Actor, params: &Params) -> ApiResult<AppealFilter> {
    let mut errors = Vec::new();
    let assignee_user_id = match params.str("assignee") {
        None => None,
        Some("me") => Some(actor.user_id),
        Some(_) => params.id("assignee", &mut errors),
    };
    let q = params.str("q").map(str::to_string);
    if q.as_ref().is_some_and(|q| q.chars().count() > MAX_QUERY) {
        errors.push(FieldError::new("q", &QUERY_TOO_LONG).with("max", MAX_QUERY));
    }
    let from = instant(params, "from", false, &mut errors);
    let to = instant(params, "to", true, &mut errors);
    if let (Some(f), Some(t)) = (from, to) {
        if f >= t {
            errors.push(FieldError::new("from", &suqiu_core::error::FROM_AFTER_TO));
        }
    }
    let (page, per_page) = params.paging(&mut errors);
    let extension_pending = match params.str("extension") {
        None => false,
        Some("requested") => true,
        Some(_) => {
            errors.push(FieldError::new("extension", &EXTENSION_REQUESTED_ONLY));
            false
        }
    };
    let filter = AppealFilter {
        status: params.code("status", Status::parse, Status::codes(), &mut errors),
        org_unit_id: params.id("org_unit", &mut errors),
        category: params.str("category").map(str::to_string),
        kind: params.code("kind", Kind::parse, Kind::codes(), &mut errors),
        urgency: params.code("urgency", Urgency::parse, Urgency::codes(), &mut errors),
        overdue: params.bool("overdue", &mut errors),
        spam: params.bool("spam", &mut errors),
        in_problem: params.bool("in_problem", &mut errors),
        sort: (params.code("sort", AppealSort::parse, AppealSort::codes(), &mut errors))
            .unwrap_or_default(),
        assignee_user_id,
        department_id: params.id("department", &mut errors),
        extension_pending,
        q,
        from,
        to,
        page,
        per_page,
        ..AppealFilter::default()
    };
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    Ok(filter)
}

/// Takes a lifecycle action (API.md's table). 409 when the status does not allow it (the
/// allowed actions in `detail` and `allowed`), 403 when the role or position does not, 422
/// for a bad field, 404 outside the caller's scope.
#[utoipa::path(post, path = "/api/v1/appeals/{id}/actions", tag = "appeals",
    params(("id" = i64, Path)),
    request_body = ActionBody,
    responses(
        (status = 200, description = "The appeal after the action", body = AppealOut),
        Problems::<403, 404, 409, 422>,
    ))]
pub async fn act(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(mut body): ApiJson<Value>,
) -> ApiResult<Json<AppealOut>> {
    resolve_merge_code(&state, &actor, &mut body).await?;
    let cmd = parse_command(body)?;
    let rec = act_on(&state, &actor, id, cmd).await?;
    Ok(Json(appeal_out(&state, &actor, &rec).await?))
}

// The messages of the list filter's rules (a code, the Chinese and the English).
const DATE_OR_TIME_SHAPE: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "date_or_time_shape",
    "日期格式应为 YYYY-MM-DD（或 RFC 3339 时间）",
    "A date is written YYYY-MM-DD (or an RFC 3339 time)",
);
const QUERY_TOO_LONG: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "query_too_long",
    "查询内容最多 {max} 个字",
    "A search has at most {max} characters",
);
const EXTENSION_REQUESTED_ONLY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "extension_requested_only",
    "extension 只能为 requested",
    "extension can only be requested",
);

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one))
        .routes(routes!(available, act))
}
