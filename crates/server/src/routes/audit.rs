//! The audit of reads (`GET /api/v1/audit/reads`): who was shown whose unmasked personal
//! data, when, and through what. For auditors and district administrators.

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use suqiu_core::access::{Actor, Capability};
use suqiu_core::Id;
use suqiu_store::audit::ReadFilter;
use suqiu_store::care::day_start;
use utoipa::ToSchema;

use crate::app::require;
use crate::auth::AuthActor;
use crate::dto::{time, PageOut, RefOut};
use crate::extract::Params;
use crate::problem::{ApiResult, Problem, Problems};
use crate::state::AppState;
use suqiu_core::access::deed;

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

/// Recorded reads of unmasked personal data, newest first. `from`/`to` are days (Shanghai,
/// `to` inclusive); `person_id` and `appeal_id` select reads of that record.
#[utoipa::path(get, path = "/api/v1/audit/reads", tag = "audit",
    params(
        ("user_id" = Option<i64>, Query, description = "the reader"),
        ("person_id" = Option<i64>, Query, description = "reads of this person's record"),
        ("appeal_id" = Option<i64>, Query, description = "reads of this appeal"),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, inclusive"),
        ("page" = Option<i64>, Query),
        ("per_page" = Option<i64>, Query),
    ),
    responses(
        (status = 200, body = PageOut<ReadOut>),
        Problems::<403, 422>,
    ))]
pub async fn reads(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<PageOut<ReadOut>>> {
    require_audit(&actor)?;
    let filter = read_filter(&actor, &params)?;
    let found = state.store.reads(&filter).await?;
    Ok(Json(PageOut {
        items: found.items.iter().map(ReadOut::from).collect(),
        total: found.total,
        total_exact: found.total_exact,
        page: found.page,
        per_page: found.per_page,
    }))
}

/// 403 unless the role reads the audit (shared with the page and its export).
pub(crate) fn require_audit(actor: &Actor) -> ApiResult<()> {
    Ok(require(actor, Capability::ReadAudit, &deed::READ_AUDIT)?)
}

/// The filters from the query, each fault named (shared with the page and its export);
/// reads by users outside the viewer's subtree are never listed.
pub(crate) fn read_filter(actor: &Actor, params: &Params) -> ApiResult<ReadFilter> {
    let mut errors = Vec::new();
    let user_id = params.id("user_id", &mut errors);
    let person_id = params.id("person_id", &mut errors);
    let appeal_id = params.id("appeal_id", &mut errors);
    let from = params.date("from", &mut errors);
    let to = params.date("to", &mut errors);
    let (page, per_page) = params.paging(&mut errors);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            errors.push(suqiu_core::error::FieldError::new(
                "from",
                &suqiu_core::error::FROM_AFTER_TO,
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    Ok(ReadFilter {
        readers_under: actor.org_path.clone(),
        user_id,
        person_id,
        appeal_id,
        from: from.map(day_start),
        to: to.map(|d| day_start(d) + chrono::TimeDelta::days(1)),
        page,
        per_page,
    })
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new().routes(routes!(reads))
}
