//! Writing a problem's command (see the parent module): what it reads loaded and locked,
//! core's decision, and everything it changes written in the caller's transaction; and the
//! carry of a lead's resolution and answer to its members.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use suqiu_core::access::{relation, Actor};
use suqiu_core::appeal::Appeal;
use suqiu_core::lifecycle::{holders, Event};
use suqiu_core::problem::{
    self, apply, decide, node_of, Candidate, Command, Decision, EventBody, Facts, Problem,
};
use suqiu_core::Id;

use super::{load_problem, sees};
use crate::appeal_row::load;
use crate::appeals::commit_events;
use crate::error::{Result, StoreError};
use crate::sql::{get, ms, to_json};
use crate::writer::Deferred;
use crate::{dialect, Backend};

/// What a decision was made over: the problems and appeals loaded, locked.
pub(super) struct Known {
    problems: BTreeMap<Id, Problem>,
}

/// Loads what `command` on `on` reads, locked, and asks core.
pub(super) async fn decide_in(
    conn: &mut AnyConnection,
    backend: Backend,
    actor: &Actor,
    on: Option<Id>,
    command: &Command,
) -> Result<std::result::Result<(Decision, Known), suqiu_core::error::Refusal>> {
    let lock = dialect::lock_problem(backend);
    let mut problems = BTreeMap::new();
    let mut wanted: Vec<Id> = command.named_appeals();
    let targets = match command {
        Command::Move { to_problem_id, .. } => vec![*to_problem_id],
        _ => Vec::new(),
    };
    for id in on.iter().chain(&targets) {
        let found = load_problem(conn, *id, lock).await?;
        match found.filter(|r| sees(actor, &r.problem)) {
            Some(r) => {
                wanted.extend(r.problem.appeal_ids.iter().copied());
                wanted.push(r.problem.lead_appeal_id);
                problems.insert(*id, r.problem);
            }
            None if Some(*id) == on => return Err(StoreError::NotFound),
            None => {}
        }
    }
    let appeals = candidates(conn, backend, actor, wanted).await?;
    let facts = Facts {
        actor,
        appeals: &appeals,
        target: targets.first().and_then(|t| problems.get(t)),
    };
    let problem = on.and_then(|id| problems.get(&id));
    Ok(decide(problem, command, &facts).map(|d| (d, Known { problems })))
}

/// The facts of the appeals the actor may see among `ids`, their rows locked; the others
/// are left out (core says "unknown or outside your scope" of them).
async fn candidates(
    conn: &mut AnyConnection,
    backend: Backend,
    actor: &Actor,
    mut ids: Vec<Id>,
) -> Result<BTreeMap<Id, Candidate>> {
    ids.sort_unstable();
    ids.dedup();
    let mut out = BTreeMap::new();
    for id in ids {
        let Some(rec) = load(conn, id, dialect::lock_appeal(backend)).await? else {
            continue;
        };
        if !relation(actor, &rec.place, holders(&rec.appeal)).visible {
            continue;
        }
        let problem_id = sqlx::query("SELECT problem_id FROM problem_appeals WHERE appeal_id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| get::<Id>(&r, "problem_id"))
            .transpose()?;
        out.insert(
            id,
            Candidate::of(&rec.appeal, &rec.place.handling_path, problem_id),
        );
    }
    Ok(out)
}

/// Writes a decision.
pub(super) struct Writing<'a> {
    pub(super) actor: &'a Actor,
    pub(super) backend: Backend,
    pub(super) now: DateTime<Utc>,
}

impl Writing<'_> {
    pub(super) async fn write(
        &self,
        conn: &mut AnyConnection,
        on: Option<Id>,
        d: Decision,
        mut known: Known,
    ) -> Result<(Id, Deferred)> {
        let id = match on {
            Some(id) => {
                let p = known.problems.remove(&id).ok_or(StoreError::NotFound)?;
                self.update(conn, p, &d.events).await?;
                id
            }
            None => self.insert(conn, &d.events).await?,
        };
        match d.other {
            Some((Some(target), events)) => {
                let p = known.problems.remove(&target).ok_or(StoreError::NotFound)?;
                self.update(conn, p, &events).await?;
            }
            Some((None, events)) => {
                self.insert(conn, &events).await?;
            }
            None => {}
        }
        let mut deferred = Deferred::default();
        for change in &d.appeals {
            let event = Event {
                at: self.now,
                actor_id: self.actor.user_id,
                body: change.event(),
            };
            deferred.merge(self.appeal_event(conn, change.appeal_id(), event).await?);
        }
        Ok((id, deferred))
    }

    /// A lifecycle event on one appeal, through the appeals' own commit.
    async fn appeal_event(&self, conn: &mut AnyConnection, id: Id, e: Event) -> Result<Deferred> {
        let rec = load(conn, id, dialect::lock_appeal(self.backend))
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(commit_events(conn, &rec, vec![e]).await?.1)
    }

    /// A new problem from its `Created` event: the row, the event, the memberships.
    async fn insert(&self, conn: &mut AnyConnection, events: &[EventBody]) -> Result<Id> {
        let created = events
            .first()
            .ok_or_else(|| StoreError::Corrupt("a new problem starts created".into()))?;
        let EventBody::Created { split_from, .. } = created else {
            return Err(StoreError::Corrupt("a new problem starts created".into()));
        };
        let p = Problem::created(0, created)
            .ok_or_else(|| StoreError::Corrupt("a new problem starts created".into()))?;
        let row = sqlx::query(
            "INSERT INTO problems (title, place, org_unit_id, org_path, lead_appeal_id, dissolved, \
             split_from, created_by, created_at, version) \
             VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9) RETURNING id",
        )
        .bind(&p.title)
        .bind(&p.place)
        .bind(node_of(&p.org_path))
        .bind(&p.org_path)
        .bind(p.lead_appeal_id)
        .bind(*split_from)
        .bind(self.actor.user_id)
        .bind(ms(self.now))
        .bind(p.version)
        .fetch_one(&mut *conn)
        .await?;
        let id: Id = get(&row, "id")?;
        self.insert_event(conn, id, created).await?;
        for appeal in &p.appeal_ids {
            self.join(conn, id, *appeal).await?;
        }
        Ok(id)
    }

    /// An existing problem: its events applied and written, its row and memberships after.
    async fn update(
        &self,
        conn: &mut AnyConnection,
        mut p: Problem,
        events: &[EventBody],
    ) -> Result<()> {
        let before = p.appeal_ids.clone();
        let version = p.version;
        for e in events {
            apply(&mut p, e);
            self.insert_event(conn, p.id, e).await?;
        }
        let done = sqlx::query(
            "UPDATE problems SET title = $1, org_unit_id = $2, org_path = $3, dissolved = $4, \
             version = $5 WHERE id = $6 AND version = $7",
        )
        .bind(&p.title)
        .bind(node_of(&p.org_path))
        .bind(&p.org_path)
        .bind(i64::from(p.dissolved))
        .bind(p.version)
        .bind(p.id)
        .bind(version)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Corrupt(format!(
                "problem {} changed under its lock",
                p.id
            )));
        }
        let now: std::collections::BTreeSet<Id> = if p.dissolved {
            Default::default()
        } else {
            p.appeal_ids.clone()
        };
        for gone in before.difference(&now) {
            sqlx::query("DELETE FROM problem_appeals WHERE appeal_id = $1 AND problem_id = $2")
                .bind(*gone)
                .bind(p.id)
                .execute(&mut *conn)
                .await?;
        }
        for new in now.difference(&before) {
            self.join(conn, p.id, *new).await?;
        }
        Ok(())
    }

    async fn join(&self, conn: &mut AnyConnection, problem: Id, appeal: Id) -> Result<()> {
        sqlx::query("INSERT INTO problem_appeals (appeal_id, problem_id) VALUES ($1, $2)")
            .bind(appeal)
            .bind(problem)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn insert_event(&self, conn: &mut AnyConnection, id: Id, e: &EventBody) -> Result<()> {
        insert_problem_event(conn, id, self.actor.user_id, self.now, e).await
    }
}

async fn insert_problem_event(
    conn: &mut AnyConnection,
    id: Id,
    actor_id: Id,
    at: DateTime<Utc>,
    e: &EventBody,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO problem_events (problem_id, type, actor_id, at, data) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(e.type_name())
    .bind(actor_id)
    .bind(ms(at))
    .bind(to_json(e)?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Locks the standing problem `appeal` leads, if any, before the action on it locks the
/// appeal. A problem's commands lock the problem and then its appeals; the lead's
/// resolution then locks the members to carry it. Taken the other way round (the lead, then
/// a member a command already holds while it waits for the lead) the two deadlock, and
/// PostgreSQL aborts one of them. On SQLite the read is all: its single writer serializes.
pub(crate) async fn lock_led_problem(
    conn: &mut AnyConnection,
    backend: Backend,
    appeal: Id,
) -> Result<()> {
    let lock = dialect::for_update(backend);
    let sql = format!("SELECT id FROM problems WHERE lead_appeal_id = $1 AND dissolved = 0{lock}");
    sqlx::query(&sql)
        .bind(appeal)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(())
}

/// Handling it once (`problem::carry`): after the lead's `events` were committed (`lead`
/// is its new state), every member of the problem it leads takes what carries over, in the
/// same transaction, and hears of it as the lead's appellant does; the problem's timeline
/// records it. Nothing when the appeal leads no standing problem.
pub(crate) async fn carry(
    conn: &mut AnyConnection,
    backend: Backend,
    lead: &Appeal,
    events: &[Event],
) -> Result<Deferred> {
    let mut deferred = Deferred::default();
    if !events
        .iter()
        .any(|e| problem::handled(&e.body, 0).is_some())
    {
        return Ok(deferred);
    }
    let Some(row) =
        sqlx::query("SELECT id FROM problems WHERE lead_appeal_id = $1 AND dissolved = 0")
            .bind(lead.id)
            .fetch_optional(&mut *conn)
            .await?
    else {
        return Ok(deferred);
    };
    let problem_id: Id = get(&row, "id")?;
    let members: Vec<Id> = sqlx::query(
        "SELECT appeal_id FROM problem_appeals WHERE problem_id = $1 AND appeal_id <> $2 ORDER BY appeal_id",
    )
    .bind(problem_id)
    .bind(lead.id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| get::<Id>(r, "appeal_id"))
    .collect::<Result<_>>()?;
    for e in events {
        let Some(_) = problem::handled(&e.body, 0) else {
            continue;
        };
        let mut carried = 0u32;
        for id in &members {
            let Some(rec) = load(conn, *id, dialect::lock_appeal(backend)).await? else {
                continue;
            };
            let Some(body) = problem::carry(lead, &e.body, &rec.appeal) else {
                continue;
            };
            let event = Event {
                at: e.at,
                actor_id: e.actor_id,
                body,
            };
            let (_, more) = commit_events(conn, &rec, vec![event.clone()]).await?;
            deferred.merge(more);
            crate::outbound::tell_appellant(conn, &rec, std::slice::from_ref(&event)).await?;
            carried += 1;
        }
        if let Some(body) = problem::handled(&e.body, carried) {
            insert_problem_event(conn, problem_id, e.actor_id, e.at, &body).await?;
        }
    }
    Ok(deferred)
}
