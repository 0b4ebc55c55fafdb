//! The fund's rules as decide → events → apply, the shape of the appeal lifecycle
//! (`crate::lifecycle`): every rule about what may be posted, approved, rejected, reversed
//! or transferred is here, once, and testable without IO.
//!
//! `decide` is a pure function of the ledger's state (its balance and its neighbours', the
//! entry a command names, the facts about a grant's recipient), the command and who acts;
//! it refuses with a reason or returns the events. `apply` folds an event into the state.
//! The store loads the state inside its write transaction with the balance rows locked,
//! asks `decide`, applies the events and writes them: two writers can never both decide on
//! the same balance.

pub use crate::error::Refusal;
use crate::error::{FieldError, Msg, Reason, TOO_LONG};
use crate::msg;
use crate::org::OrgKind;
use crate::Id;

use super::{
    adjacent, approval_level, check_amount, delta, keeps_ledger, level_label, level_suffices, yuan,
    ApprovalThresholds, EntryKind, EntryStatus, MAX_NOTE_CHARS,
};

/// A new entry as the caller asks for it. Which fields a kind needs is [`check`]'s to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub org_unit_id: Id,
    pub kind: EntryKind,
    /// Required except for a reversal, whose amount is the reversed entry's.
    pub amount_cents: Option<i64>,
    /// The person a grant goes to (required for a grant).
    pub person_id: Option<Id>,
    pub appeal_id: Option<Id>,
    /// The entry a reversal reverses (required for a reversal).
    pub reverses: Option<Id>,
    /// Where a transfer sends the money: the ledger's parent or one of its children.
    pub to_org_unit_id: Option<Id>,
    pub note: String,
}

/// A ledger's node and balance, as a decision needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub org_unit_id: Id,
    pub name: String,
    pub kind: OrgKind,
    pub parent_id: Option<Id>,
    pub balance_cents: i64,
}

/// The entry a command names (the one to reverse, approve or reject).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub org_unit_id: Id,
    pub kind: EntryKind,
    pub status: EntryStatus,
    pub delta_cents: i64,
    pub approval_level: OrgKind,
    pub already_reversed: bool,
}

/// Everything a decision reads: loaded by the store under the balance rows' lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The ledger the command is about.
    pub account: Account,
    /// A transfer's receiving ledger (in the actor's subtree), when one was named.
    pub counterpart: Option<Account>,
    /// The entry a reversal, approval or rejection names, when it exists.
    pub target: Option<Target>,
    /// When a person is named: whether they are on the ledger's register (in its subtree
    /// and the actor's scope).
    pub recipient_on_register: Option<bool>,
}

/// Who acts, beyond the role (the role's capabilities are the application layer's check).
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// The level of the node the actor works at.
    pub actor_level: OrgKind,
}

/// What a keeper of the fund asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// A donation, grant, transfer or reversal, under the approval thresholds in force (a
    /// waiting grant keeps the level it was filed with).
    Post {
        entry: NewEntry,
        thresholds: ApprovalThresholds,
    },
    /// Approve the waiting grant named by the state's target.
    Approve,
    /// Reject it, saying why.
    Reject { reason: String },
}

/// One new line of a ledger, as it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub org_unit_id: Id,
    pub kind: EntryKind,
    pub status: EntryStatus,
    pub amount_cents: i64,
    pub delta_cents: i64,
    pub approval_level: OrgKind,
    pub person_id: Option<Id>,
    pub appeal_id: Option<Id>,
    pub reverses: Option<Id>,
    pub counterpart_org_unit_id: Option<Id>,
    pub note: String,
}

/// What happened to the ledgers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A line was recorded: posted (its delta moved the balance) or waiting for approval.
    Recorded(Line),
    /// Money moved to an adjacent ledger: two lines that name each other.
    Transferred { out: Line, incoming: Line },
    /// The target grant was approved and posted now.
    Approved { delta_cents: i64 },
    /// The target grant was rejected; no money moved.
    Rejected { reason: String },
}

const APPROVED_ABOVE: Msg = msg!(
    "approved_above",
    "该笔发放须由{level}审批",
    "This grant is for the {level} level to approve",
);

/// What a grid's ledger field says (grids keep no ledger: their station does).
const NO_LEDGER: Msg = Msg::new(
    "grid_no_ledger",
    "网格不设基金账户，请记在所属站点",
    "A grid keeps no fund account; record it at its station",
);

/// Every error of an entry's own fields at once (amount, note, recipient, receiving
/// ledger): the forms show them together, before anything is looked up.
pub fn check(new: &NewEntry) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let note = new.note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        errors.push(too_long("note"));
    }
    match (new.kind, new.amount_cents) {
        (EntryKind::Reversal, None) => {}
        (_, Some(a)) => errors.extend(check_amount(a).err()),
        (_, None) => errors.push(FieldError::new(
            "amount_cents",
            &msg!("amount_empty", "请填写金额", "Enter the amount"),
        )),
    }
    match new.kind {
        EntryKind::Grant if new.person_id.is_none() => errors.push(FieldError::new(
            "person_id",
            &msg!(
                "grant_recipient_needed",
                "每笔助困发放须登记受助人",
                "Every grant needs its recipient"
            ),
        )),
        EntryKind::Transfer if new.to_org_unit_id.is_none() => errors.push(FieldError::new(
            "to_org_unit_id",
            &msg!(
                "transfer_target_needed",
                "请选择划入的账户",
                "Choose the account to transfer to"
            ),
        )),
        _ => {}
    }
    match new.kind {
        EntryKind::Grant if note.is_empty() => errors.push(FieldError::new(
            "note",
            &msg!(
                "grant_note_needed",
                "请写明发放事由",
                "Say what the grant is for"
            ),
        )),
        EntryKind::Reversal if note.is_empty() => errors.push(FieldError::new(
            "note",
            &msg!(
                "reversal_note_needed",
                "请写明冲正原因",
                "Say why the entry is reversed"
            ),
        )),
        _ => {}
    }
    errors
}

fn too_long(field: &str) -> FieldError {
    FieldError::new(field, &TOO_LONG).with("max", MAX_NOTE_CHARS)
}

/// Decides what a command does to the ledgers: the events, or why not.
pub fn decide(state: &State, command: &Command, ctx: &Context) -> Result<Vec<Event>, Refusal> {
    match command {
        Command::Post { entry, thresholds } => post(state, entry, thresholds, ctx),
        Command::Approve => {
            let target = decidable(state, ctx)?;
            pays(&state.account, target.delta_cents)?;
            Ok(vec![Event::Approved {
                delta_cents: target.delta_cents,
            }])
        }
        Command::Reject { reason } => {
            decidable(state, ctx)?;
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(Refusal::invalid(
                    "reason",
                    &msg!(
                        "rejection_reason_needed",
                        "请写明驳回理由",
                        "Give the reason for rejecting"
                    ),
                ));
            }
            if reason.chars().count() > MAX_NOTE_CHARS {
                return Err(Refusal::Invalid(too_long("reason")));
            }
            Ok(vec![Event::Rejected {
                reason: reason.to_string(),
            }])
        }
    }
}

/// The waiting grant an approval or rejection names, if this actor may decide it: it
/// waits still (else 409), and the actor works at (or above) the level it needs (403).
fn decidable(state: &State, ctx: &Context) -> Result<Target, Refusal> {
    let target = state.target.ok_or_else(|| {
        Refusal::Conflict(FieldError::new(
            "status",
            &msg!("grant_missing", "该笔发放不存在", "There is no such grant"),
        ))
    })?;
    if target.status != EntryStatus::Pending {
        let error = FieldError::new(
            "status",
            &msg!(
                "entry_not_pending",
                "该记录{status}，不在待审批状态",
                "This entry is {status}, not waiting for approval"
            ),
        );
        return Err(Refusal::Conflict(error.with_words(
            "status",
            target.status.label_zh(),
            target.status.label_en(),
        )));
    }
    if !level_suffices(ctx.actor_level, target.approval_level) {
        let level = target.approval_level;
        return Err(Refusal::Forbidden(Reason::new(&APPROVED_ABOVE).with_words(
            "level",
            level_label(level),
            level.label_en(),
        )));
    }
    Ok(target)
}

/// Refuses (409 on `amount_cents`) what would take `account` below zero.
fn pays(account: &Account, delta_cents: i64) -> Result<(), Refusal> {
    if account.balance_cents + delta_cents >= 0 {
        return Ok(());
    }
    Err(Refusal::Conflict(
        FieldError::new(
            "amount_cents",
            &msg!(
                "balance_short",
                "基金余额不足：需支出 {out}，当前余额 {balance}",
                "Not enough in the fund: {out} to pay out, {balance} in hand"
            ),
        )
        .with("out", yuan(-delta_cents))
        .with("balance", yuan(account.balance_cents)),
    ))
}

fn post(
    state: &State,
    new: &NewEntry,
    thresholds: &ApprovalThresholds,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    if let Some(e) = check(new).into_iter().next() {
        return Err(Refusal::Invalid(e));
    }
    let account = &state.account;
    if !keeps_ledger(account.kind) {
        return Err(Refusal::invalid("org_unit_id", &NO_LEDGER));
    }
    if state.recipient_on_register == Some(false) {
        let error = FieldError::new(
            "person_id",
            &msg!(
                "recipient_not_on_register",
                "未知的人员，或不在「{account}」的人员档案中",
                "Unknown person, or not on the register of {account}"
            ),
        );
        return Err(Refusal::Invalid(error.with("account", &account.name)));
    }
    let line = Line {
        org_unit_id: account.org_unit_id,
        kind: new.kind,
        status: EntryStatus::Posted,
        amount_cents: new.amount_cents.unwrap_or(0),
        delta_cents: 0,
        approval_level: account.kind,
        person_id: new.person_id,
        appeal_id: new.appeal_id,
        reverses: None,
        counterpart_org_unit_id: None,
        note: new.note.trim().to_string(),
    };
    match new.kind {
        EntryKind::Donation | EntryKind::Grant => {
            let level = approval_level(new.kind, line.amount_cents, account.kind, thresholds);
            let status = if level_suffices(ctx.actor_level, level) {
                EntryStatus::Posted
            } else {
                EntryStatus::Pending
            };
            let delta_cents = delta(new.kind, line.amount_cents);
            if status == EntryStatus::Posted {
                pays(account, delta_cents)?;
            }
            Ok(vec![Event::Recorded(Line {
                status,
                delta_cents,
                approval_level: level,
                ..line
            })])
        }
        EntryKind::Reversal => reverse(state, new, line),
        EntryKind::Transfer => transfer(state, line),
    }
}

/// A reversal posts the opposite of the entry it names, once, for exactly its amount.
fn reverse(state: &State, new: &NewEntry, line: Line) -> Result<Vec<Event>, Refusal> {
    let target = state.target.ok_or_else(|| {
        Refusal::invalid(
            "reverses",
            &msg!(
                "reversed_entry_missing",
                "要冲正的记录不存在",
                "There is no such entry to reverse"
            ),
        )
    })?;
    let delta_cents =
        reversal_delta(&target, state.account.org_unit_id).map_err(Refusal::Invalid)?;
    let amount_cents = delta_cents.abs();
    if new.amount_cents.is_some_and(|a| a != amount_cents) {
        let error = FieldError::new(
            "amount_cents",
            &msg!(
                "reversal_amount_differs",
                "冲正金额须与原记录一致（{amount}）",
                "A reversal is for the entry's own amount ({amount})"
            ),
        );
        return Err(Refusal::Invalid(error.with("amount", yuan(amount_cents))));
    }
    pays(&state.account, delta_cents)?;
    Ok(vec![Event::Recorded(Line {
        amount_cents,
        delta_cents,
        reverses: new.reverses,
        ..line
    })])
}

/// A transfer moves money between a ledger and its parent or child only (station ↔
/// street ↔ district), as two lines; never more than the sending ledger holds.
fn transfer(state: &State, line: Line) -> Result<Vec<Event>, Refusal> {
    let from = &state.account;
    let to = state.counterpart.as_ref().ok_or_else(|| {
        Refusal::invalid(
            "to_org_unit_id",
            &msg!(
                "transfer_target_needed",
                "请选择划入的账户",
                "Choose the account to transfer to"
            ),
        )
    })?;
    if !keeps_ledger(to.kind) {
        return Err(Refusal::invalid("to_org_unit_id", &NO_LEDGER));
    }
    if !adjacent(
        (from.org_unit_id, from.parent_id),
        (to.org_unit_id, to.parent_id),
    ) {
        return Err(Refusal::invalid(
            "to_org_unit_id",
            &msg!(
                "transfer_levels",
                "资金只能在站点与所属街道、街道与区之间划拨",
                "Funds move only between a station and its street, or a street and the district"
            ),
        ));
    }
    pays(from, -line.amount_cents)?;
    let out = Line {
        delta_cents: -line.amount_cents,
        person_id: None,
        appeal_id: None,
        counterpart_org_unit_id: Some(to.org_unit_id),
        ..line
    };
    let incoming = Line {
        org_unit_id: to.org_unit_id,
        delta_cents: line.amount_cents,
        approval_level: to.kind,
        counterpart_org_unit_id: Some(from.org_unit_id),
        ..out.clone()
    };
    Ok(vec![Event::Transferred { out, incoming }])
}

/// The delta of a reversal of `target` on the ledger of `org_unit_id`, or why it may not be
/// made: it must name a posted entry of the same ledger, not yet reversed, that is neither
/// a reversal (correct the correction with a new entry) nor one leg of a transfer (a
/// transfer is corrected by a transfer back, so both ledgers stay in step).
pub fn reversal_delta(target: &Target, org_unit_id: Id) -> Result<i64, FieldError> {
    let refuse = |m: &Msg| Err(FieldError::new("reverses", m));
    if target.org_unit_id != org_unit_id {
        return refuse(&msg!(
            "reversal_other_ledger",
            "只能冲正本账户的记录",
            "Only entries of this account can be reversed"
        ));
    }
    match target.status {
        EntryStatus::Posted => {}
        EntryStatus::Pending => {
            return refuse(&msg!(
                "reversal_pending",
                "待审批的发放请驳回，不需冲正",
                "Reject a pending grant instead of reversing it"
            ))
        }
        EntryStatus::Rejected => {
            return refuse(&msg!(
                "reversal_rejected",
                "已驳回的记录没有入账，不需冲正",
                "A rejected entry was never posted; nothing to reverse"
            ))
        }
    }
    match target.kind {
        EntryKind::Reversal => {
            return refuse(&msg!(
                "reversal_of_reversal",
                "冲正记录不能再冲正，请另行登记",
                "A reversal cannot be reversed; record a new entry"
            ))
        }
        EntryKind::Transfer => {
            return refuse(&msg!(
                "reversal_of_transfer",
                "资金划拨请以反向划拨更正",
                "Correct a transfer with a transfer back"
            ))
        }
        EntryKind::Donation | EntryKind::Grant => {}
    }
    if target.already_reversed {
        return refuse(&msg!(
            "already_reversed",
            "该记录已冲正过",
            "This entry has already been reversed"
        ));
    }
    Ok(-target.delta_cents)
}

/// Folds an event into the state: balances move by what was posted, the target records
/// its reversal or decision.
pub fn apply(state: &mut State, event: &Event) {
    match event {
        Event::Recorded(line) => {
            if line.status == EntryStatus::Posted {
                credit(state, line.org_unit_id, line.delta_cents);
            }
            if let (Some(_), Some(target)) = (line.reverses, state.target.as_mut()) {
                target.already_reversed = true;
            }
        }
        Event::Transferred { out, incoming } => {
            credit(state, out.org_unit_id, out.delta_cents);
            credit(state, incoming.org_unit_id, incoming.delta_cents);
        }
        Event::Approved { delta_cents } => {
            state.account.balance_cents += delta_cents;
            if let Some(t) = state.target.as_mut() {
                t.status = EntryStatus::Posted;
            }
        }
        Event::Rejected { .. } => {
            if let Some(t) = state.target.as_mut() {
                t.status = EntryStatus::Rejected;
            }
        }
    }
}

fn credit(state: &mut State, org_unit_id: Id, delta_cents: i64) {
    let account = std::iter::once(&mut state.account)
        .chain(state.counterpart.as_mut())
        .find(|a| a.org_unit_id == org_unit_id);
    if let Some(a) = account {
        a.balance_cents += delta_cents;
    }
}
