//! The aid fund's ledgers (助困基金): entries posted, waiting for approval or rejected; each
//! ledger's stored balance, kept in the same transaction as its entries.
//!
//! Why the balance never goes negative, also under concurrent grants: money leaves a
//! ledger only through one conditional `UPDATE fund_balances … WHERE balance_cents +
//! delta >= 0` inside the entry's write transaction. On PostgreSQL the UPDATE takes the
//! balance row's lock and re-checks its condition after a concurrent writer commits; on
//! SQLite every write goes through the one writer connection, so transactions never
//! overlap. A refused UPDATE rolls the whole entry back (409); nothing is half-written.

use chrono::{DateTime, TimeZone, Utc};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use suqiu_core::access::Actor;
use suqiu_core::calendar::{shanghai, shanghai_date};
use suqiu_core::fund::{
    approval_level, delta, keeps_ledger, level_suffices, reversal_delta, yuan, ApprovalThresholds,
    EntryKind, EntryStatus, PublicLine, ReversalTarget,
};
use suqiu_core::org::{in_subtree, OrgKind, OrgUnit};
use suqiu_core::report::Month;
use suqiu_core::Id;

use crate::error::{Result, StoreError};
use crate::sql::{
    get, get_code, get_opt_time, get_time, invalid, is_unique_violation, ms, paging, Args,
};
use crate::{scope, Page, Store};

/// A new entry as the caller asks for it (shapes already checked by the caller: a positive
/// amount within bounds, a note of bounded length).
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

/// Someone named on an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub id: Id,
    pub name: String,
}

/// One ledger entry with the names a reader needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: Id,
    pub org_unit_id: Id,
    pub org_unit_name: String,
    pub kind: EntryKind,
    pub status: EntryStatus,
    pub amount_cents: i64,
    /// The signed effect on the balance (once posted).
    pub delta_cents: i64,
    /// The level that had to approve it.
    pub approval_level: OrgKind,
    pub person: Option<Named>,
    pub appeal_id: Option<Id>,
    pub appeal_tracking_code: Option<String>,
    pub reverses: Option<Id>,
    /// The reversal that corrected this entry, if any.
    pub reversed_by: Option<Id>,
    pub counterpart: Option<Named>,
    pub counterpart_entry_id: Option<Id>,
    pub note: String,
    pub created_by: Named,
    pub created_at: DateTime<Utc>,
    pub decided_by: Option<Named>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
    pub posted_at: Option<DateTime<Utc>>,
}

/// A page of one ledger, newest entry first, with its balance.
#[derive(Debug, Clone)]
pub struct Ledger {
    pub unit: OrgUnit,
    pub balance_cents: i64,
    pub entries: Page<Entry>,
}

const ENTRY_SELECT: &str =
    "SELECT e.id, e.org_unit_id, o.name AS org_unit_name, e.kind, e.status, \
     e.amount_cents, e.delta_cents, e.approval_level, e.person_id, p.name AS person_name, \
     e.appeal_id, a.tracking_code, e.reverses, r.id AS reversed_by, \
     e.counterpart_org_unit_id, co.name AS counterpart_name, e.counterpart_entry_id, e.note, \
     e.created_by, cu.display_name AS created_by_name, e.created_at, \
     e.decided_by, du.display_name AS decided_by_name, e.decided_at, e.decision_note, e.posted_at \
     FROM fund_entries e \
     JOIN org_units o ON o.id = e.org_unit_id \
     JOIN users cu ON cu.id = e.created_by \
     LEFT JOIN people p ON p.id = e.person_id \
     LEFT JOIN appeals a ON a.id = e.appeal_id \
     LEFT JOIN fund_entries r ON r.reverses = e.id \
     LEFT JOIN org_units co ON co.id = e.counterpart_org_unit_id \
     LEFT JOIN users du ON du.id = e.decided_by";

fn named(row: &AnyRow, id: &str, name: &str) -> Result<Option<Named>> {
    match get::<Option<Id>>(row, id)? {
        None => Ok(None),
        Some(id) => Ok(Some(Named {
            id,
            name: get::<Option<String>>(row, name)?.unwrap_or_default(),
        })),
    }
}

fn entry_from(row: &AnyRow) -> Result<Entry> {
    Ok(Entry {
        id: get(row, "id")?,
        org_unit_id: get(row, "org_unit_id")?,
        org_unit_name: get(row, "org_unit_name")?,
        kind: get_code(row, "kind", EntryKind::parse)?,
        status: get_code(row, "status", EntryStatus::parse)?,
        amount_cents: get(row, "amount_cents")?,
        delta_cents: get(row, "delta_cents")?,
        approval_level: get_code(row, "approval_level", OrgKind::parse)?,
        person: named(row, "person_id", "person_name")?,
        appeal_id: get(row, "appeal_id")?,
        appeal_tracking_code: get(row, "tracking_code")?,
        reverses: get(row, "reverses")?,
        reversed_by: get(row, "reversed_by")?,
        counterpart: named(row, "counterpart_org_unit_id", "counterpart_name")?,
        counterpart_entry_id: get(row, "counterpart_entry_id")?,
        note: get(row, "note")?,
        created_by: Named {
            id: get(row, "created_by")?,
            name: get(row, "created_by_name")?,
        },
        created_at: get_time(row, "created_at")?,
        decided_by: named(row, "decided_by", "decided_by_name")?,
        decided_at: get_opt_time(row, "decided_at")?,
        decision_note: get(row, "decision_note")?,
        posted_at: get_opt_time(row, "posted_at")?,
    })
}

/// The first instant of a month in Shanghai, and the first of the next (`[start, end)`).
pub(crate) fn month_bounds(month: Month) -> (i64, i64) {
    let start = |d: chrono::NaiveDate| {
        shanghai()
            .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .single()
            .map(|t| t.with_timezone(&Utc).timestamp_millis())
            .unwrap_or(i64::MAX)
    };
    let next = month
        .last_day()
        .succ_opt()
        .unwrap_or_else(|| month.last_day());
    (start(month.first_day()), start(next))
}

/// Makes sure the ledger of `org_unit_id` has a balance row (zero when new).
async fn open_balance(conn: &mut AnyConnection, org_unit_id: Id) -> Result<()> {
    sqlx::query(
        "INSERT INTO fund_balances (org_unit_id, balance_cents) VALUES ($1, 0) \
         ON CONFLICT (org_unit_id) DO NOTHING",
    )
    .bind(org_unit_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves the balance of `org_unit_id` by `delta_cents`, unless that would take it below
/// zero: then `Conflict` on `amount_cents` saying what is there. The one place money moves.
async fn move_balance(conn: &mut AnyConnection, org_unit_id: Id, delta_cents: i64) -> Result<()> {
    open_balance(conn, org_unit_id).await?;
    let done = sqlx::query(
        "UPDATE fund_balances SET balance_cents = balance_cents + $1 \
         WHERE org_unit_id = $2 AND balance_cents + $1 >= 0",
    )
    .bind(delta_cents)
    .bind(org_unit_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(());
    }
    let row = sqlx::query("SELECT balance_cents FROM fund_balances WHERE org_unit_id = $1")
        .bind(org_unit_id)
        .fetch_one(&mut *conn)
        .await?;
    let balance: i64 = get(&row, "balance_cents")?;
    Err(StoreError::Conflict {
        field: "amount_cents".into(),
        message: format!(
            "基金余额不足：需支出 {}，当前余额 {}",
            yuan(-delta_cents),
            yuan(balance)
        ),
    })
}

/// The ledger node `id` as the actor may use it: it exists, lies in the actor's subtree and
/// keeps a ledger; otherwise `Invalid` on `field`.
async fn ledger_unit(store: &Store, actor: &Actor, id: Id, field: &str) -> Result<OrgUnit> {
    match store.org_unit(id).await? {
        Some(u) if in_subtree(&actor.org_path, &u.path) && keeps_ledger(u.kind) => Ok(u),
        Some(u) if in_subtree(&actor.org_path, &u.path) => {
            Err(invalid(field, "网格不设基金账户，请记在所属站点"))
        }
        _ => Err(invalid(field, "未知的组织节点或不在管辖范围内")),
    }
}

/// Checks that a person exists in the actor's scope and is registered in the subtree of
/// `within` (a grant or hand-out goes to someone on that register).
pub(crate) async fn require_person(
    conn: &mut AnyConnection,
    actor: &Actor,
    person_id: Id,
    (within_path, within_name): (&str, &str),
) -> Result<()> {
    let mut a = Args::default();
    let sql = format!(
        "SELECT p.id FROM people p WHERE p.id = {} AND {} AND {}",
        a.push(person_id),
        scope::people(actor, &mut a),
        scope::in_subtree("p.org_path", within_path, &mut a)
    );
    if a.query(&sql).fetch_optional(&mut *conn).await?.is_none() {
        return Err(invalid(
            "person_id",
            format!("未知的人员，或不在「{within_name}」的人员档案中"),
        ));
    }
    Ok(())
}

async fn require_appeal(conn: &mut AnyConnection, actor: &Actor, appeal_id: Id) -> Result<()> {
    let mut a = Args::default();
    let sql = format!(
        "SELECT a.id FROM appeals a WHERE a.id = {} AND {}",
        a.push(appeal_id),
        scope::appeals(actor, &mut a)
    );
    if a.query(&sql).fetch_optional(&mut *conn).await?.is_none() {
        return Err(invalid("appeal_id", "未知的诉求或不在管辖范围内"));
    }
    Ok(())
}

/// The entry a reversal names, as the rule needs it.
async fn reversal_target(conn: &mut AnyConnection, id: Id) -> Result<ReversalTarget> {
    let row = sqlx::query(
        "SELECT e.org_unit_id, e.kind, e.status, e.delta_cents, \
         (SELECT COUNT(*) FROM fund_entries r WHERE r.reverses = e.id) AS reversals \
         FROM fund_entries e WHERE e.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| invalid("reverses", "要冲正的记录不存在"))?;
    Ok(ReversalTarget {
        org_unit_id: get(&row, "org_unit_id")?,
        kind: get_code(&row, "kind", EntryKind::parse)?,
        status: get_code(&row, "status", EntryStatus::parse)?,
        delta_cents: get(&row, "delta_cents")?,
        already_reversed: get::<i64>(&row, "reversals")? > 0,
    })
}

/// The stored columns of a new entry.
#[derive(Clone, Copy)]
struct Row<'a> {
    unit: &'a OrgUnit,
    kind: EntryKind,
    status: EntryStatus,
    amount_cents: i64,
    delta_cents: i64,
    approval_level: OrgKind,
    person_id: Option<Id>,
    appeal_id: Option<Id>,
    reverses: Option<Id>,
    counterpart_org_unit_id: Option<Id>,
    counterpart_entry_id: Option<Id>,
    note: &'a str,
}

async fn insert_entry(
    conn: &mut AnyConnection,
    actor: &Actor,
    r: Row<'_>,
    now: DateTime<Utc>,
) -> Result<Id> {
    let posted = r.status == EntryStatus::Posted;
    let now = ms(now);
    let mut a = Args::default();
    let values = [
        a.push(r.unit.id),
        a.push(r.unit.path.as_str()),
        a.push(r.kind.code()),
        a.push(r.status.code()),
        a.push(r.amount_cents),
        a.push(r.delta_cents),
        a.push(r.approval_level.code()),
        a.push(r.person_id),
        a.push(r.appeal_id),
        a.push(r.reverses),
        a.push(r.counterpart_org_unit_id),
        a.push(r.counterpart_entry_id),
        a.push(r.note),
        a.push(actor.user_id),
        a.push(now),
        // Posted at once: the poster was the approving level.
        a.push(posted.then_some(actor.user_id)),
        a.push(posted.then_some(now)),
        a.push(posted.then_some(now)),
    ];
    let sql = format!(
        "INSERT INTO fund_entries (org_unit_id, org_path, kind, status, amount_cents, delta_cents, \
         approval_level, person_id, appeal_id, reverses, counterpart_org_unit_id, \
         counterpart_entry_id, note, created_by, created_at, decided_by, decided_at, posted_at) \
         VALUES ({}) RETURNING id",
        values.join(", ")
    );
    let row = a.query(&sql).fetch_one(&mut *conn).await.map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Conflict {
                field: "reverses".into(),
                message: "该记录已冲正过".into(),
            }
        } else {
            StoreError::Database(e)
        }
    })?;
    get(&row, "id")
}

impl Store {
    /// Posts an entry to a ledger in the actor's subtree, or files it as waiting for the
    /// level its amount needs (a grant above what the actor's level approves). Returns the
    /// entry (see its `status`). The caller has checked the role may keep the fund.
    ///
    /// `Invalid` names the field at fault; `Conflict` (409) when it would overdraw the
    /// ledger or reverse an entry twice. Nothing is written unless all of it is.
    pub async fn post_fund_entry(
        &self,
        actor: &Actor,
        new: &NewEntry,
        thresholds: &ApprovalThresholds,
        now: DateTime<Utc>,
    ) -> Result<Entry> {
        let unit = ledger_unit(self, actor, new.org_unit_id, "org_unit_id").await?;
        let actor_kind = self
            .org_unit(actor.org_unit_id)
            .await?
            .map(|u| u.kind)
            .ok_or(StoreError::NotFound)?;
        let amount = |field: &str| new.amount_cents.ok_or_else(|| invalid(field, "请填写金额"));
        // Looked up before the transaction: the tree is read through the pool.
        let transfer_to = match (new.kind, new.to_org_unit_id) {
            (EntryKind::Transfer, Some(to)) => {
                Some(ledger_unit(self, actor, to, "to_org_unit_id").await?)
            }
            (EntryKind::Transfer, None) => {
                return Err(invalid("to_org_unit_id", "请选择划入的账户"))
            }
            _ => None,
        };
        let mut tx = self.writer.begin().await?;
        if let Some(person_id) = new.person_id {
            require_person(&mut tx, actor, person_id, (&unit.path, &unit.name)).await?;
        }
        if let Some(appeal_id) = new.appeal_id {
            require_appeal(&mut tx, actor, appeal_id).await?;
        }
        let id = match new.kind {
            EntryKind::Donation | EntryKind::Grant => {
                let amount_cents = amount("amount_cents")?;
                if new.kind == EntryKind::Grant && new.person_id.is_none() {
                    return Err(invalid("person_id", "每笔助困发放须登记受助人"));
                }
                let level = approval_level(new.kind, amount_cents, unit.kind, thresholds);
                let status = if level_suffices(actor_kind, level) {
                    EntryStatus::Posted
                } else {
                    EntryStatus::Pending
                };
                let delta_cents = delta(new.kind, amount_cents);
                if status == EntryStatus::Posted {
                    move_balance(&mut tx, unit.id, delta_cents).await?;
                }
                let row = Row {
                    unit: &unit,
                    kind: new.kind,
                    status,
                    amount_cents,
                    delta_cents,
                    approval_level: level,
                    person_id: new.person_id,
                    appeal_id: new.appeal_id,
                    reverses: None,
                    counterpart_org_unit_id: None,
                    counterpart_entry_id: None,
                    note: &new.note,
                };
                insert_entry(&mut tx, actor, row, now).await?
            }
            EntryKind::Reversal => {
                let target_id = new
                    .reverses
                    .ok_or_else(|| invalid("reverses", "请指明要冲正的记录"))?;
                let target = reversal_target(&mut tx, target_id).await?;
                let delta_cents =
                    reversal_delta(&target, unit.id).map_err(|e| StoreError::Invalid {
                        field: e.field,
                        message: e.message,
                    })?;
                let amount_cents = delta_cents.abs();
                if new.amount_cents.is_some_and(|a| a != amount_cents) {
                    return Err(invalid(
                        "amount_cents",
                        format!("冲正金额须与原记录一致（{}）", yuan(amount_cents)),
                    ));
                }
                move_balance(&mut tx, unit.id, delta_cents).await?;
                let row = Row {
                    unit: &unit,
                    kind: EntryKind::Reversal,
                    status: EntryStatus::Posted,
                    amount_cents,
                    delta_cents,
                    approval_level: unit.kind,
                    person_id: new.person_id,
                    appeal_id: new.appeal_id,
                    reverses: Some(target_id),
                    counterpart_org_unit_id: None,
                    counterpart_entry_id: None,
                    note: &new.note,
                };
                insert_entry(&mut tx, actor, row, now).await?
            }
            EntryKind::Transfer => {
                let amount_cents = amount("amount_cents")?;
                let to =
                    transfer_to.ok_or_else(|| invalid("to_org_unit_id", "请选择划入的账户"))?;
                let adjacent = to.parent_id == Some(unit.id) || unit.parent_id == Some(to.id);
                if !adjacent {
                    return Err(invalid(
                        "to_org_unit_id",
                        "资金只能在站点与所属街道、街道与区之间划拨",
                    ));
                }
                // Both balance rows locked in id order, so two opposite transfers wait for
                // each other instead of deadlocking.
                let (first, second) = (unit.id.min(to.id), unit.id.max(to.id));
                open_balance(&mut tx, first).await?;
                open_balance(&mut tx, second).await?;
                let lock = crate::dialect::for_update(self.backend);
                sqlx::query(&format!(
                    "SELECT org_unit_id FROM fund_balances WHERE org_unit_id IN ($1, $2) ORDER BY org_unit_id{lock}"
                ))
                .bind(first)
                .bind(second)
                .fetch_all(&mut *tx)
                .await?;
                move_balance(&mut tx, unit.id, -amount_cents).await?;
                move_balance(&mut tx, to.id, amount_cents).await?;
                let out = Row {
                    unit: &unit,
                    kind: EntryKind::Transfer,
                    status: EntryStatus::Posted,
                    amount_cents,
                    delta_cents: -amount_cents,
                    approval_level: unit.kind,
                    person_id: None,
                    appeal_id: None,
                    reverses: None,
                    counterpart_org_unit_id: Some(to.id),
                    counterpart_entry_id: None,
                    note: &new.note,
                };
                let out_id = insert_entry(&mut tx, actor, out, now).await?;
                let incoming = Row {
                    unit: &to,
                    delta_cents: amount_cents,
                    approval_level: to.kind,
                    counterpart_org_unit_id: Some(unit.id),
                    counterpart_entry_id: Some(out_id),
                    ..out
                };
                let in_id = insert_entry(&mut tx, actor, incoming, now).await?;
                sqlx::query("UPDATE fund_entries SET counterpart_entry_id = $1 WHERE id = $2")
                    .bind(in_id)
                    .bind(out_id)
                    .execute(&mut *tx)
                    .await?;
                out_id
            }
        };
        let entry = entry_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// One entry on a ledger in the actor's subtree.
    pub async fn fund_entry(&self, actor: &Actor, id: Id) -> Result<Option<Entry>> {
        let mut a = Args::default();
        let sql = format!(
            "{ENTRY_SELECT} WHERE e.id = {} AND {}",
            a.push(id),
            scope::in_subtree("e.org_path", &actor.org_path, &mut a)
        );
        let row = a.query(&sql).fetch_optional(&self.pool).await?;
        row.as_ref().map(entry_from).transpose()
    }

    /// Approves a waiting grant: it posts now, if the ledger can pay it (else `Conflict` on
    /// `amount_cents`, and it keeps waiting). `Conflict` on `status` when it was decided
    /// meanwhile. The caller has checked that the actor works at the entry's approval level
    /// (`suqiu_core::fund::level_suffices`) and may approve.
    pub async fn approve_fund_entry(
        &self,
        actor: &Actor,
        id: Id,
        now: DateTime<Utc>,
    ) -> Result<Entry> {
        let current = self
            .fund_entry(actor, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut tx = self.writer.begin().await?;
        decide(&mut tx, actor, id, EntryStatus::Posted, None, now).await?;
        move_balance(&mut tx, current.org_unit_id, current.delta_cents).await?;
        let entry = entry_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Rejects a waiting grant with the reason; no money moves. Same conditions as approval.
    pub async fn reject_fund_entry(
        &self,
        actor: &Actor,
        id: Id,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Entry> {
        self.fund_entry(actor, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut tx = self.writer.begin().await?;
        decide(&mut tx, actor, id, EntryStatus::Rejected, Some(reason), now).await?;
        let entry = entry_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// A page of the ledger of `org_unit_id` (in the actor's subtree), newest first.
    pub async fn fund_ledger(
        &self,
        actor: &Actor,
        org_unit_id: Id,
        page: i64,
        per_page: i64,
    ) -> Result<Ledger> {
        let unit = match self.org_unit(org_unit_id).await? {
            Some(u) if in_subtree(&actor.org_path, &u.path) && keeps_ledger(u.kind) => u,
            _ => return Err(StoreError::NotFound),
        };
        let (page, per_page) = paging(page, per_page);
        let balance_cents = self.fund_balance(unit.id).await?;
        let total: i64 = get(
            &sqlx::query("SELECT COUNT(*) AS n FROM fund_entries WHERE org_unit_id = $1")
                .bind(unit.id)
                .fetch_one(&self.pool)
                .await?,
            "n",
        )?;
        let rows = sqlx::query(&format!(
            "{ENTRY_SELECT} WHERE e.org_unit_id = $1 ORDER BY e.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(unit.id)
        .bind(per_page)
        .bind((page - 1) * per_page)
        .fetch_all(&self.pool)
        .await?;
        let items = rows.iter().map(entry_from).collect::<Result<Vec<_>>>()?;
        Ok(Ledger {
            unit,
            balance_cents,
            entries: Page {
                items,
                total,
                total_exact: true,
                page,
                per_page,
            },
        })
    }

    /// The stored balance of a ledger (0 before its first posting).
    pub async fn fund_balance(&self, org_unit_id: Id) -> Result<i64> {
        let row = sqlx::query("SELECT balance_cents FROM fund_balances WHERE org_unit_id = $1")
            .bind(org_unit_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => get(&r, "balance_cents")?,
            None => 0,
        })
    }

    /// Grants waiting for approval anywhere in the actor's subtree, oldest first.
    pub async fn pending_fund_entries(&self, actor: &Actor) -> Result<Vec<Entry>> {
        let mut a = Args::default();
        let sql = format!(
            "{ENTRY_SELECT} WHERE e.status = 'pending' AND {} ORDER BY e.id",
            scope::in_subtree("e.org_path", &actor.org_path, &mut a)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(entry_from).collect()
    }

    /// What the public board shows of a ledger (no actor: it is public, and carries no
    /// names): the node, its balance and its posted lines.
    pub async fn fund_public(&self, org_unit_id: Id) -> Result<(OrgUnit, i64, Vec<PublicLine>)> {
        let unit = match self.org_unit(org_unit_id).await? {
            Some(u) if keeps_ledger(u.kind) => u,
            _ => return Err(StoreError::NotFound),
        };
        let balance = self.fund_balance(unit.id).await?;
        let rows = sqlx::query(
            "SELECT e.kind, t.kind AS reversed_kind, e.amount_cents, e.delta_cents, e.posted_at \
             FROM fund_entries e LEFT JOIN fund_entries t ON t.id = e.reverses \
             WHERE e.org_unit_id = $1 AND e.status = 'posted' ORDER BY e.id",
        )
        .bind(unit.id)
        .fetch_all(&self.pool)
        .await?;
        let lines = rows
            .iter()
            .map(|r| {
                let posted = get_opt_time(r, "posted_at")?
                    .ok_or_else(|| StoreError::Corrupt("posted entry without posted_at".into()))?;
                let reversed_kind = match get::<Option<String>>(r, "reversed_kind")? {
                    None => None,
                    Some(k) => Some(EntryKind::parse(&k).ok_or_else(|| {
                        StoreError::Corrupt(format!("column kind: unknown code {k:?}"))
                    })?),
                };
                Ok(PublicLine {
                    month: Month::containing(shanghai_date(posted)),
                    kind: get_code(r, "kind", EntryKind::parse)?,
                    reversed_kind,
                    amount_cents: get(r, "amount_cents")?,
                    delta_cents: get(r, "delta_cents")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((unit, balance, lines))
    }

    /// Ledgers whose stored balance differs from the sum of their posted entries, and
    /// supermarket items whose stock differs from the sum of their movements: one line per
    /// problem (`suqiu check`; empty when all agree).
    pub async fn verify_care_registers(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let rows = sqlx::query(
            "SELECT u.id, COALESCE(b.balance_cents, 0) AS stored, \
             COALESCE((SELECT CAST(SUM(e.delta_cents) AS BIGINT) FROM fund_entries e \
                       WHERE e.org_unit_id = u.id AND e.status = 'posted'), 0) AS ledger \
             FROM org_units u LEFT JOIN fund_balances b ON b.org_unit_id = u.id \
             WHERE b.org_unit_id IS NOT NULL \
                OR EXISTS (SELECT 1 FROM fund_entries e WHERE e.org_unit_id = u.id)",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            let (id, stored, ledger): (Id, i64, i64) =
                (get(r, "id")?, get(r, "stored")?, get(r, "ledger")?);
            if stored != ledger {
                problems.push(format!(
                    "fund of org unit {id}: balance {stored} ≠ ledger sum {ledger}"
                ));
            }
        }
        let rows = sqlx::query(
            "SELECT i.id, i.stock, \
             COALESCE((SELECT CAST(SUM(m.quantity) AS BIGINT) FROM supermarket_movements m \
                       WHERE m.item_id = i.id), 0) AS moved \
             FROM supermarket_items i",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            let (id, stock, moved): (Id, i64, i64) =
                (get(r, "id")?, get(r, "stock")?, get(r, "moved")?);
            if stock != moved {
                problems.push(format!(
                    "supermarket item {id}: stock {stock} ≠ movements sum {moved}"
                ));
            }
        }
        Ok(problems)
    }
}

/// Marks a waiting entry decided, unless someone decided it first (`Conflict` on `status`).
async fn decide(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Id,
    to: EntryStatus,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let now = ms(now);
    let posted_at = (to == EntryStatus::Posted).then_some(now);
    let done = sqlx::query(
        "UPDATE fund_entries SET status = $1, decided_by = $2, decided_at = $3, \
         decision_note = $4, posted_at = $5 WHERE id = $6 AND status = 'pending'",
    )
    .bind(to.code())
    .bind(actor.user_id)
    .bind(now)
    .bind(reason)
    .bind(posted_at)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict {
            field: "status".into(),
            message: "该笔发放已审批或已驳回".into(),
        });
    }
    Ok(())
}

async fn entry_by_id(conn: &mut AnyConnection, id: Id) -> Result<Entry> {
    let row = sqlx::query(&format!("{ENTRY_SELECT} WHERE e.id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    entry_from(&row)
}
