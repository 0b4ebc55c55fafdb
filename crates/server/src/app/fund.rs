//! The aid fund's use cases (助困基金): post an entry, approve or reject a waiting grant,
//! read an entry, the waiting grants, a ledger (a page, or all of it for the workbook), the
//! public totals, a grant's voucher, and the approval thresholds.
//!
//! Capabilities are checked here (`ManageCare` to post, `ApproveFund` to decide, `ReadCare`
//! to read, `Configure` for the thresholds); scope by the store's queries; every rule of the
//! ledger by `suqiu_core::fund`, which the store applies under its lock.

use suqiu_core::access::{deed, Actor, Capability};
use suqiu_core::error::{FieldError, Msg, Reason};
use suqiu_core::fund::{
    adjacent, check, keeps_ledger, level_suffices, monthly_totals, ApprovalThresholds, MonthTotals,
    NewEntry,
};
use suqiu_core::msg;
use suqiu_core::org::{in_subtree, OrgUnit};
use suqiu_core::validate::{mask_id_number, mask_phone};
use suqiu_core::Id;
use suqiu_store::changes::ChangeKind;
use suqiu_store::fund::{Entry, Ledger};
use suqiu_store::settings;

use super::{require, AppError, AppResult};
use crate::scope::node_in_scope;
use crate::state::AppState;

/// Most entries one ledger export holds.
const MAX_EXPORT: usize = 10_000;
const LEDGER_TOO_LONG: Msg = msg!(
    "ledger_too_long",
    "台账超过 {max} 条，请联系管理员导出",
    "The ledger has more than {max} entries: ask the administrator to export it",
);

/// What a grant's appeal that cannot be found (or is outside the caller's scope) says.
pub(crate) const NO_SUCH_APPEAL: Msg = Msg::new(
    "appeal_code_unknown",
    "没有这个追踪码的诉求，或不在您的管辖范围内",
    "No appeal has this tracking code, or it is outside your scope",
);

/// A new entry as either face takes it: the appeal by id in `entry`, or by its tracking
/// code as people type it.
#[derive(Debug)]
pub(crate) struct EntryInput {
    pub entry: NewEntry,
    pub appeal_code: Option<String>,
}

/// Approve, or reject with a reason.
pub(crate) enum Decision {
    Approve,
    Reject(String),
}

/// The district's approval thresholds (the built-in defaults until an administrator sets them).
pub(crate) async fn thresholds(state: &AppState) -> AppResult<ApprovalThresholds> {
    match state.store.setting(settings::FUND_APPROVAL).await? {
        None => Ok(ApprovalThresholds::default()),
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            tracing::error!(error = %e, "stored fund approval thresholds do not parse");
            AppError::Internal
        }),
    }
}

/// Replaces the approval thresholds (district administrators), recorded as a config change.
pub(crate) async fn set_thresholds(
    state: &AppState,
    actor: &Actor,
    t: ApprovalThresholds,
) -> AppResult<ApprovalThresholds> {
    require(actor, Capability::Configure, &deed::CONFIGURE)?;
    t.validate().map_err(|e| AppError::Invalid(vec![e]))?;
    let json = serde_json::to_string(&t).map_err(|_| AppError::Internal)?;
    let _guard = state.config_lock.lock().await;
    let change = (ChangeKind::FundApproval, &[("json", json.clone())][..]);
    super::save_setting(state, actor, (settings::FUND_APPROVAL, &json), change).await?;
    Ok(t)
}

/// The appeal of a tracking code as people type it (any case, spaces around), unscoped:
/// the store checks the scope when the entry is posted.
pub(crate) async fn appeal_by_code(state: &AppState, code: &str) -> AppResult<Option<Id>> {
    Ok(state
        .store
        .appeal_id_by_tracking_code(&code.trim().to_uppercase())
        .await?)
}

/// The appeal an entry refers to: its id, or the appeal of its code (both must agree when
/// both are given). An unknown code is an error on `appeal_code`.
async fn appeal_of(
    state: &AppState,
    input: &EntryInput,
    errors: &mut Vec<FieldError>,
) -> AppResult<Option<Id>> {
    let given = input.entry.appeal_id;
    let Some(code) = input
        .appeal_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    else {
        return Ok(given);
    };
    let message = match appeal_by_code(state, code).await? {
        Some(id) if given.is_none_or(|given| given == id) => return Ok(Some(id)),
        Some(_) => &msg!(
            "appeal_code_differs",
            "追踪码与诉求编号指向不同的诉求",
            "The tracking code and the appeal number name different appeals"
        ),
        None => &NO_SUCH_APPEAL,
    };
    errors.push(FieldError::new("appeal_code", message));
    Ok(None)
}

/// Posts a donation, grant, transfer or reversal. Every error of the entry's own fields
/// and of its tracking code is said at once, before the store decides the rest.
pub(crate) async fn post_entry(
    state: &AppState,
    actor: &Actor,
    input: EntryInput,
) -> AppResult<Entry> {
    require(actor, Capability::ManageCare, &deed::KEEP_FUND)?;
    let mut errors = check(&input.entry);
    let appeal_id = appeal_of(state, &input, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let new = NewEntry {
        appeal_id,
        ..input.entry
    };
    let t = thresholds(state).await?;
    let entry = match state
        .store
        .post_fund_entry(actor, &new, &t, state.now())
        .await
    {
        Ok(entry) => entry,
        // The store checks the appeal's scope by id; the caller named it by code.
        Err(suqiu_store::StoreError::Invalid(e))
            if e.field == "appeal_id" && input.appeal_code.is_some() =>
        {
            let e = FieldError::new("appeal_code", &NO_SUCH_APPEAL);
            return Err(AppError::Invalid(vec![e]));
        }
        Err(e) => return Err(e.into()),
    };
    // Ids only: names and amounts of aid are personal.
    tracing::info!(
        entry_id = entry.id,
        user_id = actor.user_id,
        "fund entry recorded"
    );
    Ok(entry)
}

/// Approves or rejects a waiting grant (the rules say whether it waits and whether this
/// actor's level may decide it).
pub(crate) async fn decide(
    state: &AppState,
    actor: &Actor,
    id: Id,
    decision: Decision,
) -> AppResult<Entry> {
    require(actor, Capability::ApproveFund, &deed::APPROVE_FUND)?;
    let now = state.now();
    let decided = match decision {
        Decision::Approve => state.store.approve_fund_entry(actor, id, now).await?,
        Decision::Reject(reason) => {
            state
                .store
                .reject_fund_entry(actor, id, &reason, now)
                .await?
        }
    };
    tracing::info!(entry_id = id, user_id = actor.user_id, status = %decided.status, "fund entry decided");
    Ok(decided)
}

/// One entry of a ledger in the actor's scope.
pub(crate) async fn entry(state: &AppState, actor: &Actor, id: Id) -> AppResult<Entry> {
    require(actor, Capability::ReadCare, &deed::READ_FUND)?;
    state
        .store
        .fund_entry(actor, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The grants waiting in the actor's subtree, oldest first, each with whether this actor
/// may decide it (the role approves, and works at the level it needs).
pub(crate) async fn pending(state: &AppState, actor: &Actor) -> AppResult<Vec<(Entry, bool)>> {
    require(actor, Capability::ReadCare, &deed::READ_FUND)?;
    let level = state
        .store
        .org_unit(actor.org_unit_id)
        .await?
        .map(|u| u.kind)
        .ok_or(AppError::NotFound)?;
    let approves = actor.may(Capability::ApproveFund);
    Ok(state
        .store
        .pending_fund_entries(actor)
        .await?
        .into_iter()
        .map(|e| {
            let may = approves && level_suffices(level, e.approval_level);
            (e, may)
        })
        .collect())
}

/// A page of the ledger of `org_unit` (default: the actor's own node), newest first.
pub(crate) async fn ledger(
    state: &AppState,
    actor: &Actor,
    org_unit: Option<Id>,
    (page, per_page): (i64, i64),
) -> AppResult<Ledger> {
    require(actor, Capability::ReadCare, &deed::READ_FUND)?;
    let unit = node_in_scope(state, actor, org_unit).await?;
    Ok(state
        .store
        .fund_ledger(actor, unit.id, page, per_page)
        .await?)
}

/// The whole ledger of `org_unit`, oldest first, with its node and balance (the workbook).
pub(crate) async fn whole_ledger(
    state: &AppState,
    actor: &Actor,
    org_unit: Option<Id>,
) -> AppResult<(OrgUnit, i64, Vec<Entry>)> {
    const CHUNK: i64 = 500;
    let mut entries = Vec::new();
    let mut page = 1;
    loop {
        let l = ledger(state, actor, org_unit, (page, CHUNK)).await?;
        if l.entries.total as usize > MAX_EXPORT {
            return Err(AppError::Conflict(
                Reason::new(&LEDGER_TOO_LONG).with("max", MAX_EXPORT),
            ));
        }
        let done = l.entries.items.len() < CHUNK as usize;
        entries.extend(l.entries.items);
        if done {
            entries.reverse();
            return Ok((l.unit, l.balance_cents, entries));
        }
        page += 1;
    }
}

/// The ledgers the actor may open, and those a transfer from `unit` may go to (its parent
/// or a child, in the actor's subtree).
pub(crate) async fn ledgers(
    state: &AppState,
    actor: &Actor,
    unit: &OrgUnit,
) -> AppResult<(Vec<OrgUnit>, Vec<OrgUnit>)> {
    let open: Vec<OrgUnit> = state
        .store
        .org_units()
        .await?
        .into_iter()
        .filter(|u| keeps_ledger(u.kind) && in_subtree(&actor.org_path, &u.path))
        .collect();
    let to = open
        .iter()
        .filter(|u| adjacent((u.id, u.parent_id), (unit.id, unit.parent_id)))
        .cloned()
        .collect();
    Ok((open, to))
}

/// The public totals of a fund by month (党务公开): its node, balance and months; no names,
/// and no actor (it is public).
pub(crate) async fn public(
    state: &AppState,
    org_unit_id: Id,
) -> AppResult<(OrgUnit, i64, Vec<MonthTotals>)> {
    let (unit, balance, lines) = state.store.fund_public(org_unit_id).await?;
    Ok((unit, balance, monthly_totals(&lines)))
}

/// A posted grant's voucher: the entry and the recipient's numbers, masked unless the role
/// may see them (a shown person is recorded in the read audit).
pub(crate) struct Voucher {
    pub entry: Entry,
    pub phone: String,
    pub id_number: String,
}

pub(crate) async fn voucher(state: &AppState, actor: &Actor, id: Id) -> AppResult<Voucher> {
    // A voucher is a page of the ledger: to a role that may not read it, it does not exist.
    if !actor.may(Capability::ReadCare) {
        return Err(AppError::NotFound);
    }
    let entry = state
        .store
        .fund_entry(actor, id)
        .await?
        .filter(|e| e.kind == suqiu_core::fund::EntryKind::Grant)
        .filter(|e| e.status == suqiu_core::fund::EntryStatus::Posted)
        .ok_or(AppError::NotFound)?;
    let person = match &entry.person {
        Some(p) => state.store.person(actor, p.id).await?,
        None => None,
    };
    if let Some(p) = &person {
        let shown = crate::read_audit::people([p.id]);
        crate::read_audit::record(state, actor, shown, "page /fund/entries/{id}/voucher").await?;
    }
    let reveal = actor.may(Capability::SeePersonalData);
    let shown = |v: Option<&str>, mask: fn(&str) -> String| {
        v.map(|v| if reveal { v.to_string() } else { mask(v) })
            .unwrap_or_default()
    };
    Ok(Voucher {
        phone: shown(person.as_ref().and_then(|p| p.phone.as_deref()), mask_phone),
        id_number: shown(
            person.as_ref().and_then(|p| p.id_number.as_deref()),
            mask_id_number,
        ),
        entry,
    })
}
