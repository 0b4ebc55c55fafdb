//! Posting and deciding fund entries: the store loads, locks, applies and writes; the rules
//! are `suqiu_core::fund::decide`'s.
//!
//! Why the store calls `decide` itself (rather than receiving events decided by its caller):
//! a decision reads balances, and a balance is only true while its row is locked. So each
//! write opens its transaction, locks the balance rows it touches (in id order, so two
//! opposite transfers wait for each other instead of deadlocking), loads the rest of the
//! state under that lock, asks `decide`, and writes the applied state in the same
//! transaction. On PostgreSQL the lock is `SELECT … FOR UPDATE` (a concurrent writer waits,
//! then reads the committed balance); on SQLite every write goes through the one writer
//! connection, so transactions never overlap. Twenty grants at once against a fund that
//! pays ten: ten post, ten are refused, the balance is zero. The schema's `CHECK
//! (balance_cents >= 0)` and `UNIQUE (reverses)` remain as a last line should this ever
//! be wrong.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use suqiu_core::access::Actor;
use suqiu_core::error::FieldError;
use suqiu_core::fund::{
    apply, decide, Account, ApprovalThresholds, Command, Context, EntryKind, EntryStatus, Event,
    Line, NewEntry, State, Target,
};
use suqiu_core::msg;
use suqiu_core::org::{in_subtree, OrgKind, OrgUnit};
use suqiu_core::Id;

use super::{entry_by_id, Entry};
use crate::error::{Result, StoreError, ORG_UNIT_OUT_OF_SCOPE};
use crate::sql::{get, get_code, invalid, is_unique_violation, ms, Args};
use crate::{scope, Store};

impl Store {
    /// Posts an entry to a ledger in the actor's subtree, or files it as waiting for the
    /// level its amount needs under `thresholds`. Returns the entry (see its `status`). The
    /// caller has checked the role may keep the fund.
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
        // The tree is read through the pool (and its cache), before the transaction.
        let unit = self
            .unit_in_scope(actor, new.org_unit_id, "org_unit_id")
            .await?;
        let to = match (new.kind, new.to_org_unit_id) {
            (EntryKind::Transfer, Some(to)) => {
                Some(self.unit_in_scope(actor, to, "to_org_unit_id").await?)
            }
            _ => None,
        };
        let ctx = self.context(actor).await?;
        let mut tx = self.writer.begin().await?;
        let units: Vec<&OrgUnit> = std::iter::once(&unit).chain(&to).collect();
        let mut balances = self.lock_balances(&mut tx, &units).await?.into_iter();
        let recipient_on_register = match new.person_id {
            Some(p) => Some(on_register(&mut tx, actor, p, &unit.path).await?),
            None => None,
        };
        if let Some(appeal_id) = new.appeal_id {
            require_appeal(&mut tx, actor, appeal_id).await?;
        }
        let target = match (new.kind, new.reverses) {
            (EntryKind::Reversal, Some(id)) => target(&mut tx, id).await?,
            _ => None,
        };
        let mut state = State {
            account: account(&unit, balances.next().unwrap_or(0)),
            counterpart: to
                .as_ref()
                .map(|u| account(u, balances.next().unwrap_or(0))),
            target,
            recipient_on_register,
        };
        let command = Command::Post {
            entry: new.clone(),
            thresholds: *thresholds,
        };
        let events = decide(&state, &command, &ctx)?;
        let mut written = Written {
            conn: &mut tx,
            actor,
            units: &units,
            now,
        };
        let mut id = None;
        for e in &events {
            apply(&mut state, e);
            id = id.or(written.event(e).await?);
        }
        save_balances(&mut tx, &state).await?;
        let id = id.ok_or_else(|| StoreError::Corrupt("a posting recorded no line".into()))?;
        let entry = entry_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Approves a waiting grant: it posts now, if the ledger can pay it (else `Conflict` on
    /// `amount_cents`, and it keeps waiting). `Conflict` on `status` when it was decided
    /// already; `Forbidden` unless the actor works at the level it needs. The caller has
    /// checked the role may approve.
    pub async fn approve_fund_entry(
        &self,
        actor: &Actor,
        id: Id,
        now: DateTime<Utc>,
    ) -> Result<Entry> {
        self.decide_fund_entry(actor, id, Command::Approve, now)
            .await
    }

    /// Rejects a waiting grant with the reason; no money moves. Same conditions as approval.
    pub async fn reject_fund_entry(
        &self,
        actor: &Actor,
        id: Id,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Entry> {
        let reason = reason.to_string();
        self.decide_fund_entry(actor, id, Command::Reject { reason }, now)
            .await
    }

    async fn decide_fund_entry(
        &self,
        actor: &Actor,
        id: Id,
        command: Command,
        now: DateTime<Utc>,
    ) -> Result<Entry> {
        let entry = self
            .fund_entry(actor, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let unit = self
            .org_unit(entry.org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let ctx = self.context(actor).await?;
        let mut tx = self.writer.begin().await?;
        let balances = self.lock_balances(&mut tx, &[&unit]).await?;
        // Read again under the lock: someone may have decided it meanwhile.
        let mut state = State {
            account: account(&unit, balances.first().copied().unwrap_or(0)),
            counterpart: None,
            target: target(&mut tx, id).await?,
            recipient_on_register: None,
        };
        let events = decide(&state, &command, &ctx)?;
        for e in &events {
            apply(&mut state, e);
            let (status, reason) = match e {
                Event::Approved { .. } => (EntryStatus::Posted, None),
                Event::Rejected { reason } => (EntryStatus::Rejected, Some(reason.as_str())),
                other => return Err(StoreError::Corrupt(format!("not a decision: {other:?}"))),
            };
            mark_decided(&mut tx, actor, id, status, reason, now).await?;
        }
        save_balances(&mut tx, &state).await?;
        let entry = entry_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// The node `id` if it lies in the actor's subtree; otherwise `Invalid` on `field`.
    async fn unit_in_scope(&self, actor: &Actor, id: Id, field: &str) -> Result<OrgUnit> {
        match self.org_unit(id).await? {
            Some(u) if in_subtree(&actor.org_path, &u.path) => Ok(u),
            _ => Err(invalid(field, &ORG_UNIT_OUT_OF_SCOPE)),
        }
    }

    /// Who acts, as the rules need it: the level of the actor's node.
    async fn context(&self, actor: &Actor) -> Result<Context> {
        let actor_level: OrgKind = self
            .org_unit(actor.org_unit_id)
            .await?
            .map(|u| u.kind)
            .ok_or(StoreError::NotFound)?;
        Ok(Context { actor_level })
    }

    /// Opens (at zero) and locks the balance rows of `units`, in id order; their balances
    /// in the order of `units`.
    async fn lock_balances(
        &self,
        conn: &mut AnyConnection,
        units: &[&OrgUnit],
    ) -> Result<Vec<i64>> {
        let mut ids: Vec<Id> = units.iter().map(|u| u.id).collect();
        ids.sort_unstable();
        let lock = crate::dialect::for_update(self.backend);
        let mut locked = Vec::new();
        for id in ids {
            sqlx::query(
                "INSERT INTO fund_balances (org_unit_id, balance_cents) VALUES ($1, 0) \
                 ON CONFLICT (org_unit_id) DO NOTHING",
            )
            .bind(id)
            .execute(&mut *conn)
            .await?;
            let row = sqlx::query(&format!(
                "SELECT balance_cents FROM fund_balances WHERE org_unit_id = $1{lock}"
            ))
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
            locked.push((id, get::<i64>(&row, "balance_cents")?));
        }
        Ok(units
            .iter()
            .map(|u| locked.iter().find(|(id, _)| *id == u.id).map_or(0, |l| l.1))
            .collect())
    }
}

fn account(unit: &OrgUnit, balance_cents: i64) -> Account {
    Account {
        org_unit_id: unit.id,
        name: unit.name.clone(),
        kind: unit.kind,
        parent_id: unit.parent_id,
        balance_cents,
    }
}

/// Writes the balances the events left (the rows are locked since the state was loaded).
async fn save_balances(conn: &mut AnyConnection, state: &State) -> Result<()> {
    for a in std::iter::once(&state.account).chain(&state.counterpart) {
        sqlx::query("UPDATE fund_balances SET balance_cents = $1 WHERE org_unit_id = $2")
            .bind(a.balance_cents)
            .bind(a.org_unit_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Whether a person is in the actor's scope and registered in the subtree of `within`
/// (a grant's recipient; a supermarket's too).
pub(crate) async fn on_register(
    conn: &mut AnyConnection,
    actor: &Actor,
    person_id: Id,
    within_path: &str,
) -> Result<bool> {
    let mut a = Args::default();
    let sql = format!(
        "SELECT p.id FROM people p WHERE p.id = {} AND {} AND {}",
        a.push(person_id),
        scope::people(actor, &mut a),
        scope::in_subtree("p.org_path", within_path, &mut a)
    );
    Ok(a.query(&sql).fetch_optional(&mut *conn).await?.is_some())
}

/// The appeal a grant answers must be in the actor's scope (else `Invalid`, as unknown).
async fn require_appeal(conn: &mut AnyConnection, actor: &Actor, appeal_id: Id) -> Result<()> {
    let mut a = Args::default();
    let sql = format!(
        "SELECT a.id FROM appeals a WHERE a.id = {} AND {}",
        a.push(appeal_id),
        scope::appeals(actor, &mut a)
    );
    if a.query(&sql).fetch_optional(&mut *conn).await?.is_none() {
        return Err(invalid(
            "appeal_id",
            &msg!(
                "appeal_out_of_scope",
                "未知的诉求或不在管辖范围内",
                "Unknown appeal, or outside your scope"
            ),
        ));
    }
    Ok(())
}

/// The entry a command names, as the rules need it (None when there is no such entry).
async fn target(conn: &mut AnyConnection, id: Id) -> Result<Option<Target>> {
    let row = sqlx::query(
        "SELECT e.org_unit_id, e.kind, e.status, e.delta_cents, e.approval_level, \
         (SELECT COUNT(*) FROM fund_entries r WHERE r.reverses = e.id) AS reversals \
         FROM fund_entries e WHERE e.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Target {
        org_unit_id: get(&row, "org_unit_id")?,
        kind: get_code(&row, "kind", EntryKind::parse)?,
        status: get_code(&row, "status", EntryStatus::parse)?,
        delta_cents: get(&row, "delta_cents")?,
        approval_level: get_code(&row, "approval_level", OrgKind::parse)?,
        already_reversed: get::<i64>(&row, "reversals")? > 0,
    }))
}

/// Where a posting's events are written.
struct Written<'c, 'a> {
    conn: &'c mut AnyConnection,
    actor: &'a Actor,
    /// The ledgers' nodes (their paths are stored with each line, for scope).
    units: &'a [&'a OrgUnit],
    now: DateTime<Utc>,
}

impl Written<'_, '_> {
    /// Writes one event of a posting; the id of the line the caller asked for.
    async fn event(&mut self, e: &Event) -> Result<Option<Id>> {
        match e {
            Event::Recorded(line) => Ok(Some(self.insert(line, None).await?)),
            Event::Transferred { out, incoming } => {
                let out_id = self.insert(out, None).await?;
                let in_id = self.insert(incoming, Some(out_id)).await?;
                sqlx::query("UPDATE fund_entries SET counterpart_entry_id = $1 WHERE id = $2")
                    .bind(in_id)
                    .bind(out_id)
                    .execute(&mut *self.conn)
                    .await?;
                Ok(Some(out_id))
            }
            other => Err(StoreError::Corrupt(format!("not a posting: {other:?}"))),
        }
    }

    async fn insert(&mut self, line: &Line, counterpart_entry_id: Option<Id>) -> Result<Id> {
        let path = self
            .units
            .iter()
            .find(|u| u.id == line.org_unit_id)
            .map(|u| u.path.as_str())
            .ok_or_else(|| StoreError::Corrupt("a line on a ledger not loaded".into()))?;
        let posted = line.status == EntryStatus::Posted;
        let now = ms(self.now);
        let actor = self.actor.user_id;
        let mut a = Args::default();
        let values = [
            a.push(line.org_unit_id),
            a.push(path),
            a.push(line.kind.code()),
            a.push(line.status.code()),
            a.push(line.amount_cents),
            a.push(line.delta_cents),
            a.push(line.approval_level.code()),
            a.push(line.person_id),
            a.push(line.appeal_id),
            a.push(line.reverses),
            a.push(line.counterpart_org_unit_id),
            a.push(counterpart_entry_id),
            a.push(line.note.as_str()),
            a.push(actor),
            a.push(now),
            // Posted at once: the poster was the approving level.
            a.push(posted.then_some(actor)),
            a.push(posted.then_some(now)),
            a.push(posted.then_some(now)),
        ];
        let sql = format!(
            "INSERT INTO fund_entries (org_unit_id, org_path, kind, status, amount_cents, \
             delta_cents, approval_level, person_id, appeal_id, reverses, \
             counterpart_org_unit_id, counterpart_entry_id, note, created_by, created_at, \
             decided_by, decided_at, posted_at) VALUES ({}) RETURNING id",
            values.join(", ")
        );
        let row = a
            .query(&sql)
            .fetch_one(&mut *self.conn)
            .await
            .map_err(|e| {
                // The schema's last line (see the module's note): reported as the rule would.
                if is_unique_violation(&e) {
                    StoreError::Conflict(FieldError::new(
                        "reverses",
                        &msg!(
                            "already_reversed",
                            "该记录已冲正过",
                            "This entry has already been reversed"
                        ),
                    ))
                } else {
                    StoreError::Database(e)
                }
            })?;
        get(&row, "id")
    }
}

/// Records the decision on a waiting entry (the rules checked it waits).
async fn mark_decided(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Id,
    to: EntryStatus,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let now = ms(now);
    let posted_at = (to == EntryStatus::Posted).then_some(now);
    sqlx::query(
        "UPDATE fund_entries SET status = $1, decided_by = $2, decided_at = $3, \
         decision_note = $4, posted_at = $5 WHERE id = $6",
    )
    .bind(to.code())
    .bind(actor.user_id)
    .bind(now)
    .bind(reason)
    .bind(posted_at)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
