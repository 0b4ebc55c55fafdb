//! The aid fund's ledgers (助困基金): entries posted, waiting for approval or rejected; each
//! ledger's stored balance, kept in the same transaction as its entries. This module reads;
//! `write` posts and decides entries by the rules of `suqiu_core::fund`.

use chrono::{DateTime, TimeZone, Utc};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use suqiu_core::access::Actor;
use suqiu_core::calendar::{shanghai, shanghai_date};
use suqiu_core::fund::{keeps_ledger, EntryKind, EntryStatus, PublicLine};
use suqiu_core::org::{in_subtree, OrgKind, OrgUnit};
use suqiu_core::report::Month;
use suqiu_core::Id;

use crate::error::{Result, StoreError};
use crate::sql::{get, get_code, get_opt_time, get_time, paging, Args};
use crate::{scope, Page, Store};

mod write;

/// The entry a caller asks for is core's (`suqiu_core::fund::NewEntry`): its rules check it.
pub use suqiu_core::fund::NewEntry;
pub(crate) use write::on_register;

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

impl Named {
    /// The person or user of columns `id` and `name`.
    pub(crate) fn from_row(row: &AnyRow, id: &str, name: &str) -> Result<Named> {
        Ok(Named {
            id: get(row, id)?,
            name: get(row, name)?,
        })
    }
}

/// The person or user of columns `id` and `name`, when `id` is set.
pub(crate) fn named(row: &AnyRow, id: &str, name: &str) -> Result<Option<Named>> {
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
        created_by: Named::from_row(row, "created_by", "created_by_name")?,
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

impl Store {
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
            entries: Page::exact(items, total, page, per_page),
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

pub(super) async fn entry_by_id(conn: &mut AnyConnection, id: Id) -> Result<Entry> {
    let row = sqlx::query(&format!("{ENTRY_SELECT} WHERE e.id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    entry_from(&row)
}
