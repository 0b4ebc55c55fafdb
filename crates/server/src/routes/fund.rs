//! The aid fund (助困基金) over HTTP, a thin adapter over `app::fund`: post donations,
//! grants, transfers and reversals; approve or reject grants waiting for a higher level;
//! read a ledger (JSON or Excel); the public monthly totals (no names, no sign-in); the
//! district's approval thresholds. Each handler parses, calls the use case and renders;
//! the request and response types are this face's own.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use suqiu_core::error::FieldError;
use suqiu_core::fund::{
    level_label, ApprovalThresholds, EntryKind, EntryStatus, MonthTotals, NewEntry,
};
use suqiu_core::msg;
use suqiu_core::Id;
use suqiu_store::fund::Entry;
use utoipa::ToSchema;

use crate::app::fund::{self as uc, Decision, EntryInput};
use crate::auth::AuthActor;
use crate::care_xlsx;
use crate::dto::{time, RefOut};
use crate::extract::{ApiJson, IdPath, Params};
use crate::problem::{ApiResult, Problem, Problems};
use crate::routes::query::JsonOrWorkbook;
use crate::state::AppState;

/// A new ledger entry. `amount_cents` is always positive (the kind says which way the
/// money goes); a reversal's amount is the reversed entry's and may be left out.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FundEntryIn {
    pub org_unit_id: Id,
    /// `donation|grant|transfer|reversal`
    #[schema(value_type = String, example = "grant")]
    pub kind: EntryKind,
    pub amount_cents: Option<i64>,
    /// The recipient of a grant (required for grants), on the ledger's register.
    pub person_id: Option<Id>,
    /// The appeal the grant answers, by id…
    pub appeal_id: Option<Id>,
    /// …or by its tracking code (`SQ-20261204-0001`), as people refer to it; in the
    /// caller's scope either way.
    #[serde(default)]
    pub appeal_code: Option<String>,
    /// The entry a reversal corrects (required for reversals).
    pub reverses: Option<Id>,
    /// For a transfer: the ledger receiving the money (the parent or a child node).
    pub to_org_unit_id: Option<Id>,
    /// What it is for: required for grants and reversals.
    #[serde(default)]
    pub note: String,
}

/// Why a waiting grant is rejected.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectIn {
    pub reason: String,
}

/// One ledger entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundEntryOut {
    pub id: Id,
    pub org_unit_id: Id,
    pub org_unit_name: String,
    pub kind: String,
    pub kind_label: String,
    /// `posted|pending|rejected`
    pub status: String,
    pub status_label: String,
    pub amount_cents: i64,
    /// The signed effect on the balance (once posted).
    pub delta_cents: i64,
    /// The level that must approve it: `community|street|district`.
    pub approval_level: String,
    pub approval_level_label: String,
    pub person: Option<RefOut>,
    pub appeal_id: Option<Id>,
    pub appeal_tracking_code: Option<String>,
    pub reverses: Option<Id>,
    pub reversed_by: Option<Id>,
    pub counterpart: Option<RefOut>,
    pub counterpart_entry_id: Option<Id>,
    pub note: String,
    pub created_by: RefOut,
    pub created_at: String,
    pub decided_by: Option<RefOut>,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
    pub posted_at: Option<String>,
    /// In the list of waiting grants: whether the caller may decide it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub may_approve: Option<bool>,
}

fn ref_of(n: &suqiu_store::fund::Named) -> RefOut {
    RefOut {
        id: n.id,
        name: n.name.clone(),
    }
}

impl FundEntryOut {
    pub fn new(e: &Entry) -> FundEntryOut {
        FundEntryOut {
            id: e.id,
            org_unit_id: e.org_unit_id,
            org_unit_name: e.org_unit_name.clone(),
            kind: e.kind.code().into(),
            kind_label: e.kind.label_zh().into(),
            status: e.status.code().into(),
            status_label: e.status.label_zh().into(),
            amount_cents: e.amount_cents,
            delta_cents: e.delta_cents,
            approval_level: e.approval_level.code().into(),
            approval_level_label: level_label(e.approval_level).into(),
            person: e.person.as_ref().map(ref_of),
            appeal_id: e.appeal_id,
            appeal_tracking_code: e.appeal_tracking_code.clone(),
            reverses: e.reverses,
            reversed_by: e.reversed_by,
            counterpart: e.counterpart.as_ref().map(ref_of),
            counterpart_entry_id: e.counterpart_entry_id,
            note: e.note.clone(),
            created_by: ref_of(&e.created_by),
            created_at: time(e.created_at),
            decided_by: e.decided_by.as_ref().map(ref_of),
            decided_at: e.decided_at.map(time),
            decision_note: e.decision_note.clone(),
            posted_at: e.posted_at.map(time),
            may_approve: None,
        }
    }
}

/// A ledger: its balance and a page of entries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerOut {
    pub org_unit_id: Id,
    pub name: String,
    pub balance_cents: i64,
    pub entries: Vec<FundEntryOut>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// One month of a ledger on the public board.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthTotalsOut {
    /// `YYYY-MM`
    pub month: String,
    pub donations_cents: i64,
    pub grants_cents: i64,
    /// How many grants were made (less those reversed).
    pub grants: i64,
    pub transfers_in_cents: i64,
    pub transfers_out_cents: i64,
}

impl From<&MonthTotals> for MonthTotalsOut {
    fn from(m: &MonthTotals) -> MonthTotalsOut {
        MonthTotalsOut {
            month: m.month.to_string(),
            donations_cents: m.donations_cents,
            grants_cents: m.grants_cents,
            grants: m.grants,
            transfers_in_cents: m.transfers_in_cents,
            transfers_out_cents: m.transfers_out_cents,
        }
    }
}

/// The public totals of a fund (党务公开): no names, no people, no notes.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicFundOut {
    pub org_unit_id: Id,
    pub name: String,
    pub balance_cents: i64,
    pub months: Vec<MonthTotalsOut>,
}

impl From<FundEntryIn> for EntryInput {
    fn from(body: FundEntryIn) -> EntryInput {
        EntryInput {
            entry: NewEntry {
                org_unit_id: body.org_unit_id,
                kind: body.kind,
                amount_cents: body.amount_cents,
                person_id: body.person_id,
                appeal_id: body.appeal_id,
                reverses: body.reverses,
                to_org_unit_id: body.to_org_unit_id,
                note: body.note,
            },
            appeal_code: body.appeal_code,
        }
    }
}

/// Records a donation, grant, transfer or reversal. 201 when posted; 202 when the grant's
/// amount needs a higher level's approval (it moves no money until approved); 409 when it
/// would overdraw the fund or reverse an entry twice.
#[utoipa::path(post, path = "/api/v1/fund/entries", tag = "care",
    request_body = FundEntryIn,
    responses(
        (status = 201, body = FundEntryOut, description = "posted"),
        (status = 202, body = FundEntryOut, description = "waiting for approval at a higher level"),
        Problems::<403, 422>,
        (status = 409, description = "would overdraw the fund, or already reversed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn post_entry(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<FundEntryIn>,
) -> ApiResult<(StatusCode, Json<FundEntryOut>)> {
    let entry = uc::post_entry(&state, &actor, body.into()).await?;
    let status = match entry.status {
        EntryStatus::Pending => StatusCode::ACCEPTED,
        _ => StatusCode::CREATED,
    };
    Ok((status, Json(FundEntryOut::new(&entry))))
}

/// One entry of a ledger in the caller's scope.
#[utoipa::path(get, path = "/api/v1/fund/entries/{id}", tag = "care",
    params(("id" = i64, Path)),
    responses((status = 200, body = FundEntryOut), Problems::<404>))]
pub async fn get_entry(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<FundEntryOut>> {
    let entry = uc::entry(&state, &actor, id).await?;
    Ok(Json(FundEntryOut::new(&entry)))
}

/// Approves a waiting grant (a user at the level it needs, whose subtree holds the ledger);
/// the balance is checked now: 409 when the fund cannot pay it.
#[utoipa::path(post, path = "/api/v1/fund/entries/{id}/approve", tag = "care",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = FundEntryOut),
        Problems::<403, 404, 409>,
    ))]
pub async fn approve(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<FundEntryOut>> {
    let entry = uc::decide(&state, &actor, id, Decision::Approve).await?;
    Ok(Json(FundEntryOut::new(&entry)))
}

/// Rejects a waiting grant with a reason; no money moves.
#[utoipa::path(post, path = "/api/v1/fund/entries/{id}/reject", tag = "care",
    params(("id" = i64, Path)),
    request_body = RejectIn,
    responses(
        (status = 200, body = FundEntryOut),
        Problems::<403, 404, 409, 422>,
    ))]
pub async fn reject(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<RejectIn>,
) -> ApiResult<Json<FundEntryOut>> {
    let entry = uc::decide(&state, &actor, id, Decision::Reject(body.reason)).await?;
    Ok(Json(FundEntryOut::new(&entry)))
}

/// Grants waiting for approval in the caller's subtree, oldest first, each saying whether
/// the caller may decide it.
#[utoipa::path(get, path = "/api/v1/fund/pending", tag = "care",
    responses((status = 200, body = Vec<FundEntryOut>), Problems::<403>))]
pub async fn pending(
    State(state): State<AppState>,
    actor: AuthActor,
) -> ApiResult<Json<Vec<FundEntryOut>>> {
    let waiting = uc::pending(&state, &actor).await?;
    let out = waiting
        .iter()
        .map(|(e, may)| FundEntryOut {
            may_approve: Some(*may),
            ..FundEntryOut::new(e)
        })
        .collect();
    Ok(Json(out))
}

/// The ledger of a station, street or the district (`org_unit`, default the caller's node):
/// `{"balance_cents","entries":[…]}`, newest first; `format=xlsx` gives the whole ledger as
/// a workbook (基金台账).
#[utoipa::path(get, path = "/api/v1/fund", tag = "care",
    params(
        ("org_unit" = Option<i64>, Query, description = "default: the caller's node"),
        ("page" = Option<i64>, Query),
        ("per_page" = Option<i64>, Query, description = "1–200, default 50"),
        ("format" = Option<String>, Query, description = "json (default) or xlsx"),
    ),
    responses(
        JsonOrWorkbook::<LedgerOut>,
        Problems::<403, 404, 422>,
    ))]
pub async fn ledger(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Response> {
    let mut errors = Vec::new();
    let org_unit_id = params.id("org_unit", &mut errors);
    let (page, per_page) = params.paging(&mut errors);
    let xlsx = params.xlsx_format(&mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    if xlsx {
        return ledger_workbook(&state, &actor, org_unit_id).await;
    }
    let l = uc::ledger(&state, &actor, org_unit_id, (page, per_page)).await?;
    Ok(Json(LedgerOut {
        org_unit_id: l.unit.id,
        name: l.unit.name,
        balance_cents: l.balance_cents,
        entries: l.entries.items.iter().map(FundEntryOut::new).collect(),
        total: l.entries.total,
        page: l.entries.page,
        per_page: l.entries.per_page,
    })
    .into_response())
}

/// The whole ledger, oldest first, as a workbook.
async fn ledger_workbook(
    state: &AppState,
    actor: &suqiu_core::access::Actor,
    org_unit: Option<Id>,
) -> ApiResult<Response> {
    let (unit, balance, entries) = uc::whole_ledger(state, actor, org_unit).await?;
    crate::xlsx::api_download(
        care_xlsx::fund_ledger(&unit.name, balance, &entries, state.now()),
        "fund ledger",
        &format!("fund-{}.xlsx", unit.code),
    )
}

/// The public totals of a fund by month (党务公开): donations in, aid out and how many
/// grants, transfers; never a name. No sign-in needed: this is what the public board shows.
#[utoipa::path(get, path = "/api/v1/fund/public", tag = "care",
    params(("org_unit" = i64, Query)),
    responses(
        (status = 200, body = PublicFundOut),
        Problems::<404, 422>,
    ),
    security(()))]
pub async fn public(
    State(state): State<AppState>,
    params: Params,
) -> ApiResult<Json<PublicFundOut>> {
    let mut errors = Vec::new();
    let org_unit_id = params.id("org_unit", &mut errors);
    let Some(org_unit_id) = org_unit_id.filter(|_| errors.is_empty()) else {
        if errors.is_empty() {
            errors.push(FieldError::new(
                "org_unit",
                &msg!("org_unit_needed", "请指明组织节点", "Name the unit"),
            ));
        }
        return Err(Problem::invalid(errors));
    };
    let (unit, balance_cents, months) = uc::public(&state, org_unit_id).await?;
    Ok(Json(PublicFundOut {
        org_unit_id: unit.id,
        name: unit.name,
        balance_cents,
        months: months.iter().map(MonthTotalsOut::from).collect(),
    }))
}

/// The approval thresholds: `{"station_max_cents","street_max_cents"}` (defaults ¥1,000 and
/// ¥10,000; above the street's, the district approves).
#[utoipa::path(get, path = "/api/v1/settings/fund-approval", tag = "configuration",
    responses((status = 200, body = Object)))]
pub async fn get_approval(
    State(state): State<AppState>,
    _actor: AuthActor,
) -> ApiResult<Json<ApprovalThresholds>> {
    Ok(Json(uc::thresholds(&state).await?))
}

/// Replaces the approval thresholds (district administrators); in effect for entries
/// posted afterwards (a waiting grant keeps the level it was filed with).
#[utoipa::path(put, path = "/api/v1/settings/fund-approval", tag = "configuration",
    request_body(content = Object, description = "`{\"station_max_cents\":100000,\"street_max_cents\":1000000}`"),
    responses(
        (status = 200, body = Object),
        Problems::<403, 422>,
    ))]
pub async fn put_approval(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(t): ApiJson<ApprovalThresholds>,
) -> ApiResult<Json<ApprovalThresholds>> {
    Ok(Json(uc::set_thresholds(&state, &actor, t).await?))
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(ledger))
        .routes(routes!(public))
        .routes(routes!(pending))
        .routes(routes!(post_entry))
        .routes(routes!(get_entry))
        .routes(routes!(approve))
        .routes(routes!(reject))
        .routes(routes!(get_approval, put_approval))
}
