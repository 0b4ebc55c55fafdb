//! Problems (问题) over HTTP: the problems in scope, one with its appeals and timeline, a
//! new one grouped from appeals, and its actions (add, remove, move, split, rename,
//! dissolve). The role and the tracking codes are `app::problems`', the rules
//! `suqiu_core::problem`'s (422 naming the field, 409 when the problem's state does not
//! allow it, 404 outside the caller's scope). The lead is handled through the appeal's own
//! actions (`/api/v1/appeals/{id}/actions`); resolving it resolves the problem.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use suqiu_core::access::{Actor, Capability};
use suqiu_core::error::{FieldError, Msg};
use suqiu_core::msg;
use suqiu_core::problem::{Command, EventBody, ProblemStatus};
use suqiu_core::Id;
use suqiu_store::problems::{Membership, ProblemFilter, ProblemRow};
use utoipa::ToSchema;

use super::appeals::AppealOut;
use crate::app::appeals::{actions_for, category_names};
use crate::app::problems::{self as app, NewProblem, ProblemView};
use crate::app::{AppError, AppResult};
use crate::auth::AuthActor;
use crate::dto::{time, PageOut, RefOut};
use crate::extract::{ApiJson, IdPath, Params};
use crate::problem::{ApiResult, Problem, Problems};
use crate::read_audit;
use crate::state::AppState;

/// A new problem: its title and place, its lead and the appeals merged into it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemIn {
    /// At most 100 characters.
    pub title: String,
    /// Where (a building, a road; at most 200 characters).
    pub place: Option<String>,
    /// The appeal handled for all (主件): registered, accepted or in progress.
    pub lead_appeal_id: Id,
    /// The others (registered or accepted): at least one besides the lead.
    pub appeal_ids: Vec<Id>,
}

/// An action on a problem. `add`: `appeal_id` or `tracking_code`; `remove`: `appeal_id`;
/// `move`: `appeal_id`, `to_problem_id`; `split`: `appeal_ids` (the first leads the new
/// problem), `title`; `rename`: `title`; `dissolve`: `note?`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemActionIn {
    /// `add|remove|move|split|rename|dissolve`
    pub action: String,
    pub appeal_id: Option<Id>,
    /// Instead of `appeal_id` (add): the appeal's tracking code.
    pub tracking_code: Option<String>,
    pub to_problem_id: Option<Id>,
    pub appeal_ids: Option<Vec<Id>>,
    pub title: Option<String>,
    pub note: Option<String>,
}

/// The problem an appeal belongs to, as an appeal's JSON names it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemRefOut {
    pub id: Id,
    pub title: String,
    /// It is the problem's lead (主件).
    pub lead: bool,
}

impl From<&Membership> for ProblemRefOut {
    fn from(m: &Membership) -> ProblemRefOut {
        ProblemRefOut {
            id: m.problem_id,
            title: m.title.clone(),
            lead: m.lead,
        }
    }
}

/// One problem in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemRowOut {
    pub id: Id,
    pub title: String,
    pub place: Option<String>,
    pub org_unit: RefOut,
    /// `open|resolved|closed|dissolved`: where its lead stands, or dissolved.
    pub status: String,
    pub status_label: String,
    pub lead_appeal_id: Id,
    pub lead_tracking_code: String,
    /// The lead's category.
    pub category: String,
    /// How many appeals it holds, the lead included.
    pub appeals: i64,
    pub created_at: String,
}

impl From<&ProblemRow> for ProblemRowOut {
    fn from(r: &ProblemRow) -> ProblemRowOut {
        ProblemRowOut {
            id: r.id,
            title: r.title.clone(),
            place: r.place.clone(),
            org_unit: RefOut {
                id: r.org_unit_id,
                name: r.org_unit_name.clone(),
            },
            status: r.status.code().into(),
            status_label: r.status.label_zh().into(),
            lead_appeal_id: r.lead_appeal_id,
            lead_tracking_code: r.lead_tracking_code.clone(),
            category: r.category.clone(),
            appeals: r.appeals,
            created_at: time(r.created_at),
        }
    }
}

/// One entry of a problem's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemEventOut {
    pub id: Id,
    /// `created|appeal_added|appeal_removed|split_off|renamed|dissolved|handled|answered_back`
    #[serde(rename = "type")]
    pub type_: String,
    pub actor: RefOut,
    pub at: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// A problem, its appeals (the lead first; appellants masked unless the role may see
/// them) and its timeline (oldest first).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemOut {
    pub id: Id,
    pub title: String,
    pub place: Option<String>,
    /// The node that owns it: the lowest common node of its appeals' handling units.
    pub org_unit: RefOut,
    /// `open|resolved|closed|dissolved`
    pub status: String,
    pub status_label: String,
    pub lead_appeal_id: Id,
    /// The problem it was split from.
    pub split_from: Option<Id>,
    pub created_at: String,
    pub appeals: Vec<AppealOut>,
    pub events: Vec<ProblemEventOut>,
}

/// The JSON of a problem as `actor` sees it; its unmasked reads recorded first.
async fn problem_out(state: &AppState, actor: &Actor, v: &ProblemView) -> ApiResult<ProblemOut> {
    read_audit::record(
        state,
        actor,
        read_audit::appeals(&v.appeals),
        "GET /api/v1/problems/{id}",
    )
    .await?;
    let now = state.now();
    let names = category_names(state, false).await?;
    let reveal = actor.may(Capability::SeePersonalData);
    let p = &v.record.problem;
    let appeals = v
        .appeals
        .iter()
        .map(|rec| {
            let allowed = actions_for(state, actor, rec, now);
            let mut out = AppealOut::new(
                rec,
                names.get(&rec.appeal.category).cloned(),
                &allowed,
                reveal,
                now,
                None,
            );
            out.problem = Some(ProblemRefOut {
                id: p.id,
                title: p.title.clone(),
                lead: rec.appeal.id == p.lead_appeal_id,
            });
            out
        })
        .collect();
    Ok(ProblemOut {
        id: p.id,
        title: p.title.clone(),
        place: p.place.clone(),
        org_unit: RefOut {
            id: p.org_unit_id(),
            name: v.record.org_unit_name.clone(),
        },
        status: v.record.status.code().into(),
        status_label: v.record.status.label_zh().into(),
        lead_appeal_id: p.lead_appeal_id,
        split_from: v.record.split_from,
        created_at: time(v.record.created_at),
        appeals,
        events: v
            .events
            .iter()
            .map(|e| ProblemEventOut {
                id: e.id,
                type_: e.body.type_name().into(),
                actor: RefOut {
                    id: e.actor_id,
                    name: e.actor_name.clone(),
                },
                at: time(e.at),
                data: event_data(&e.body),
            })
            .collect(),
    })
}

/// An event's fields (its `data`), without the type tag.
fn event_data(body: &EventBody) -> serde_json::Value {
    serde_json::to_value(body)
        .ok()
        .and_then(|v| v.get("data").cloned())
        .unwrap_or(serde_json::Value::Null)
}

/// The list's filters from query parameters (the web list reads the same).
pub(crate) fn list_filter(params: &Params) -> ApiResult<ProblemFilter> {
    let mut errors = Vec::new();
    let status = params.code(
        "status",
        ProblemStatus::parse,
        ProblemStatus::codes(),
        &mut errors,
    );
    let org_unit_id = params.id("org_unit", &mut errors);
    let (page, per_page) = params.paging(&mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    Ok(ProblemFilter {
        status,
        org_unit_id,
        category: params.str("category").map(str::to_string),
        page,
        per_page,
    })
}

/// Problems owned in the caller's scope, newest first; by default the open ones.
#[utoipa::path(get, path = "/api/v1/problems", tag = "problems",
    params(
        ("status" = Option<String>, Query, description = "open (default)|resolved|closed|dissolved"),
        ("org_unit" = Option<i64>, Query, description = "owned in the subtree of this node"),
        ("category" = Option<String>, Query, description = "the lead's category; a first-level code matches its second level too"),
        ("page" = Option<i64>, Query),
        ("per_page" = Option<i64>, Query),
    ),
    responses((status = 200, body = PageOut<ProblemRowOut>), Problems::<404, 422>))]
pub async fn list(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<PageOut<ProblemRowOut>>> {
    let filter = list_filter(&params)?;
    let found = app::list(&state, &actor, &filter).await?;
    Ok(Json(PageOut {
        items: found.items.iter().map(ProblemRowOut::from).collect(),
        total: found.total,
        total_exact: found.total_exact,
        page: found.page,
        per_page: found.per_page,
    }))
}

/// Groups appeals into one problem (归并为一个问题): every appeal but the lead is merged
/// into the lead (status `merged`) and follows it through the loop. Each appeal must be
/// handled at or below the caller's node, in no other problem, and in a state `merge`
/// takes (the lead: still being handled).
#[utoipa::path(post, path = "/api/v1/problems", tag = "problems",
    request_body = ProblemIn,
    responses((status = 201, body = ProblemOut), Problems::<400, 403, 422>))]
pub async fn create(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<ProblemIn>,
) -> ApiResult<(StatusCode, Json<ProblemOut>)> {
    let new = NewProblem {
        title: body.title,
        place: body.place,
        lead_appeal_id: body.lead_appeal_id,
        appeal_ids: body.appeal_ids,
    };
    let v = app::create(&state, &actor, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(problem_out(&state, &actor, &v).await?),
    ))
}

/// One problem in the caller's scope, its appeals and its timeline.
#[utoipa::path(get, path = "/api/v1/problems/{id}", tag = "problems",
    params(("id" = i64, Path)),
    responses((status = 200, body = ProblemOut), Problems::<404>))]
pub async fn get_one(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<ProblemOut>> {
    let v = app::show(&state, &actor, id).await?;
    Ok(Json(problem_out(&state, &actor, &v).await?))
}

/// Changes a problem: `add`, `remove`, `move`, `split`, `rename`, `dissolve`. 409 when the
/// problem is dissolved or its lead already resolved (its appeals were answered with it).
#[utoipa::path(post, path = "/api/v1/problems/{id}/actions", tag = "problems",
    params(("id" = i64, Path)),
    request_body = ProblemActionIn,
    responses(
        (status = 200, description = "The problem after the action", body = ProblemOut),
        Problems::<403, 404, 409, 422>,
    ))]
pub async fn act(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ProblemActionIn>,
) -> ApiResult<Json<ProblemOut>> {
    let cmd = command_of(&state, &actor, body).await?;
    let v = app::act(&state, &actor, id, cmd).await?;
    Ok(Json(problem_out(&state, &actor, &v).await?))
}

/// The command an action body says (the pages' forms fill the same body): each missing
/// field named, a tracking code turned into its appeal in the caller's scope.
pub(crate) async fn command_of(
    state: &AppState,
    actor: &Actor,
    b: ProblemActionIn,
) -> AppResult<Command> {
    let missing = |field: &str| AppError::Invalid(vec![FieldError::new(field, &REQUIRED)]);
    let appeal = |id: Option<Id>| id.ok_or_else(|| missing("appeal_id"));
    Ok(match b.action.as_str() {
        "add" => Command::Add {
            appeal_id: match (b.appeal_id, b.tracking_code.as_deref()) {
                (Some(id), _) => id,
                (None, Some(code)) => {
                    app::appeal_by_code(state, actor, "tracking_code", code).await?
                }
                (None, None) => return Err(missing("tracking_code")),
            },
        },
        "remove" => Command::Remove {
            appeal_id: appeal(b.appeal_id)?,
        },
        "move" => Command::Move {
            appeal_id: appeal(b.appeal_id)?,
            to_problem_id: b.to_problem_id.ok_or_else(|| missing("to_problem_id"))?,
        },
        "split" => Command::Split {
            appeal_ids: b.appeal_ids.ok_or_else(|| missing("appeal_ids"))?,
            title: b.title.unwrap_or_default(),
        },
        "rename" => Command::Rename {
            title: b.title.unwrap_or_default(),
        },
        "dissolve" => Command::Dissolve { note: b.note },
        _ => {
            return Err(AppError::Invalid(vec![FieldError::new(
                "action",
                &ACTION_UNKNOWN,
            )]))
        }
    })
}

// The messages of this module's rules (a code, the Chinese and the English).
const REQUIRED: Msg = msg!("problem_field_required", "请填写此项", "This is required");
const ACTION_UNKNOWN: Msg = msg!(
    "problem_action_code",
    "action 应为 add、remove、move、split、rename 或 dissolve",
    "action is one of add, remove, move, split, rename, dissolve"
);

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one))
        .routes(routes!(act))
}
