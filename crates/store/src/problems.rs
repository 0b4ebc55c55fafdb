//! Problems (问题): the store's side of `suqiu_core::problem`. A command is decided and
//! written in one transaction: the problem rows and the appeals it touches are loaded and
//! locked, core decides, the problems' events and rows, the memberships and every appeal's
//! lifecycle event (merge, unmerge; through `appeals::commit_events`, so the roll-ups move
//! with them) are written together. When a lead is resolved or answered, `carry` brings its
//! members along inside the lead's own action (see `appeals::act_in`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use suqiu_core::access::{relation, Actor};
use suqiu_core::appeal::Status;
use suqiu_core::lifecycle::holders;
use suqiu_core::org::in_subtree;
use suqiu_core::problem::{Command, EventBody, Problem, ProblemStatus};
use suqiu_core::Id;

use crate::appeal_row::load;
use crate::appeals::AppealRecord;
use crate::error::{Result, StoreError};
use crate::sql::{get, get_flag, get_json, get_time, paging, Args};
use crate::writer::{Done, Undo};
use crate::{scope, Page, Store};

mod write;

pub(crate) use write::{carry, lock_led_problem};
use write::{decide_in, Writing};

/// A problem with what a reader needs around it.
#[derive(Debug, Clone)]
pub struct ProblemRecord {
    pub problem: Problem,
    pub org_unit_name: String,
    pub split_from: Option<Id>,
    pub created_at: DateTime<Utc>,
    /// Where it stands (its lead's place in the loop, or dissolved).
    pub status: ProblemStatus,
}

/// One row of a problem list.
#[derive(Debug, Clone)]
pub struct ProblemRow {
    pub id: Id,
    pub title: String,
    pub place: Option<String>,
    pub org_unit_id: Id,
    pub org_unit_name: String,
    pub lead_appeal_id: Id,
    pub lead_tracking_code: String,
    pub category: String,
    pub status: ProblemStatus,
    /// How many appeals it holds, the lead included.
    pub appeals: i64,
    pub created_at: DateTime<Utc>,
}

/// The filters of a problem list; all optional.
#[derive(Debug, Clone, Default)]
pub struct ProblemFilter {
    /// Unset: the open ones.
    pub status: Option<ProblemStatus>,
    /// Problems owned in this node's subtree.
    pub org_unit_id: Option<Id>,
    /// The lead's category (a first-level code matches its second level too).
    pub category: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

/// One entry of a problem's timeline.
#[derive(Debug, Clone)]
pub struct ProblemEvent {
    pub id: Id,
    pub at: DateTime<Utc>,
    pub actor_id: Id,
    pub actor_name: String,
    pub body: EventBody,
}

/// The problem an appeal is in (for badges and links).
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub problem_id: Id,
    pub title: String,
    pub lead: bool,
}

const SELECT_PROBLEM: &str = "SELECT p.id, p.title, p.place, p.org_path, p.lead_appeal_id, \
     p.dissolved, p.split_from, p.created_at, p.version, o.name AS org_name, l.status AS lead_status \
     FROM problems p JOIN org_units o ON o.id = p.org_unit_id JOIN appeals l ON l.id = p.lead_appeal_id";

impl Store {
    /// A problem in the actor's scope (its node in the actor's subtree, for the roles that
    /// see a subtree); `NotFound` when unknown or out of scope.
    pub async fn problem(&self, actor: &Actor, id: Id) -> Result<ProblemRecord> {
        let mut conn = self.pool.acquire().await?;
        let rec = load_problem(&mut conn, id, "")
            .await?
            .ok_or(StoreError::NotFound)?;
        if !sees(actor, &rec.problem) {
            return Err(StoreError::NotFound);
        }
        Ok(rec)
    }

    /// The problem's timeline, oldest first. No scope check: read it with
    /// [`Store::problem`] first.
    pub async fn problem_events(&self, id: Id) -> Result<Vec<ProblemEvent>> {
        let rows = sqlx::query(
            "SELECT e.id, e.at, e.actor_id, COALESCE(u.display_name, '') AS actor_name, e.data \
             FROM problem_events e LEFT JOIN users u ON u.id = e.actor_id \
             WHERE e.problem_id = $1 ORDER BY e.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ProblemEvent {
                    id: get(r, "id")?,
                    at: get_time(r, "at")?,
                    actor_id: get(r, "actor_id")?,
                    actor_name: get(r, "actor_name")?,
                    body: get_json(r, "data")?,
                })
            })
            .collect()
    }

    /// The problems of these appeals (an appeal is in at most one standing problem).
    pub async fn memberships(&self, appeal_ids: &[Id]) -> Result<HashMap<Id, Membership>> {
        if appeal_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut a = Args::default();
        let list: Vec<String> = appeal_ids.iter().map(|id| a.push(*id)).collect();
        let sql = format!(
            "SELECT pa.appeal_id, p.id, p.title, p.lead_appeal_id FROM problem_appeals pa \
             JOIN problems p ON p.id = pa.problem_id WHERE pa.appeal_id IN ({})",
            list.join(", ")
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let appeal_id: Id = get(r, "appeal_id")?;
                let lead: Id = get(r, "lead_appeal_id")?;
                Ok((
                    appeal_id,
                    Membership {
                        problem_id: get(r, "id")?,
                        title: get(r, "title")?,
                        lead: lead == appeal_id,
                    },
                ))
            })
            .collect()
    }

    /// A page of problems in the actor's scope, newest first.
    pub async fn list_problems(
        &self,
        actor: &Actor,
        filter: &ProblemFilter,
    ) -> Result<Page<ProblemRow>> {
        let (page, per_page) = paging(filter.page, filter.per_page);
        if !scope::is_subtree_role(actor.role) {
            return Ok(Page::empty(page, per_page));
        }
        let mut a = Args::default();
        let mut conds = vec![scope::in_subtree("p.org_path", &actor.org_path, &mut a)];
        if let Some(id) = filter.org_unit_id {
            match self.org_unit(id).await? {
                Some(unit) => conds.push(scope::in_subtree("p.org_path", &unit.path, &mut a)),
                None => return Ok(Page::empty(page, per_page)),
            }
        }
        let status = filter.status.unwrap_or(ProblemStatus::Open);
        conds.push(status_condition(status, &mut a));
        if let Some(c) = filter
            .category
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let c = a.push(c);
            conds.push(format!(
                "(l.category = {c} OR l.category IN (SELECT code FROM categories WHERE parent_code = {c}))"
            ));
        }
        let from = "FROM problems p JOIN appeals l ON l.id = p.lead_appeal_id \
                    JOIN org_units o ON o.id = p.org_unit_id";
        let wher = conds.join(" AND ");
        let total: i64 = get(
            &a.query(&format!("SELECT COUNT(*) AS n {from} WHERE {wher}"))
                .fetch_one(&self.pool)
                .await?,
            "n",
        )?;
        let sql = format!(
            "SELECT p.id, p.title, p.place, p.org_unit_id, o.name AS org_name, p.lead_appeal_id, \
             l.tracking_code, l.category, l.status AS lead_status, p.dissolved, p.created_at, \
             (SELECT COUNT(*) FROM problem_appeals pa WHERE pa.problem_id = p.id) AS appeals \
             {from} WHERE {wher} ORDER BY p.id DESC LIMIT {per_page} OFFSET {}",
            (page - 1) * per_page
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        let items = rows.iter().map(list_row).collect::<Result<Vec<_>>>()?;
        Ok(Page::exact(items, total, page, per_page))
    }

    /// Decides `command` on problem `on` (`None`: a new problem) and writes everything it
    /// changes in one transaction; returns the id of the problem acted on (the new one for
    /// `create`). A refusal writes nothing.
    pub async fn act_on_problem(
        &self,
        actor: &Actor,
        on: Option<Id>,
        command: Command,
        now: DateTime<Utc>,
    ) -> Result<Id> {
        let actor = actor.clone();
        let backend = self.backend;
        self.run_job(Undo::Savepoint, move |conn| {
            Box::pin(async move {
                match decide_in(conn, backend, &actor, on, &command).await? {
                    Err(refusal) => Ok(Done::discard(Err(StoreError::from(refusal)))),
                    Ok((decision, known)) => {
                        let w = Writing {
                            actor: &actor,
                            backend,
                            now,
                        };
                        let (id, deferred) = w.write(conn, on, decision, known).await?;
                        Ok(Done::keep(Ok(id), deferred))
                    }
                }
            })
        })
        .await?
    }
}

/// The roles that see a subtree see the problems owned in it.
fn sees(actor: &Actor, p: &Problem) -> bool {
    scope::is_subtree_role(actor.role) && in_subtree(&actor.org_path, &p.org_path)
}

fn status_condition(status: ProblemStatus, a: &mut Args) -> String {
    if status == ProblemStatus::Dissolved {
        return "p.dissolved = 1".into();
    }
    let codes: Vec<String> = status
        .lead_statuses()
        .iter()
        .map(|s| a.push(s.code()))
        .collect();
    format!("p.dissolved = 0 AND l.status IN ({})", codes.join(", "))
}

fn lead_status(r: &sqlx::any::AnyRow, dissolved: bool) -> Result<ProblemStatus> {
    let code: String = get(r, "lead_status")?;
    let lead = Status::parse(&code)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown status {code}")))?;
    Ok(ProblemStatus::of(dissolved, lead))
}

fn list_row(r: &sqlx::any::AnyRow) -> Result<ProblemRow> {
    let dissolved = get_flag(r, "dissolved")?;
    Ok(ProblemRow {
        id: get(r, "id")?,
        title: get(r, "title")?,
        place: get(r, "place")?,
        org_unit_id: get(r, "org_unit_id")?,
        org_unit_name: get(r, "org_name")?,
        lead_appeal_id: get(r, "lead_appeal_id")?,
        lead_tracking_code: get(r, "tracking_code")?,
        category: get(r, "category")?,
        status: lead_status(r, dissolved)?,
        appeals: get(r, "appeals")?,
        created_at: get_time(r, "created_at")?,
    })
}

/// Loads a problem and its appeals on `conn`; `lock` locks its row (PostgreSQL).
async fn load_problem(
    conn: &mut AnyConnection,
    id: Id,
    lock: &str,
) -> Result<Option<ProblemRecord>> {
    let sql = format!("{SELECT_PROBLEM} WHERE p.id = $1{lock}");
    let Some(r) = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let ids = sqlx::query("SELECT appeal_id FROM problem_appeals WHERE problem_id = $1")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| get::<Id>(row, "appeal_id"))
        .collect::<Result<_>>()?;
    let dissolved = get_flag(&r, "dissolved")?;
    Ok(Some(ProblemRecord {
        problem: Problem {
            id,
            title: get(&r, "title")?,
            place: get(&r, "place")?,
            org_path: get(&r, "org_path")?,
            lead_appeal_id: get(&r, "lead_appeal_id")?,
            appeal_ids: ids,
            dissolved,
            version: get(&r, "version")?,
        },
        org_unit_name: get(&r, "org_name")?,
        split_from: get(&r, "split_from")?,
        created_at: get_time(&r, "created_at")?,
        status: lead_status(&r, dissolved)?,
    }))
}

impl Store {
    /// The standing problem an appeal leads, if any (the app refuses the actions a lead may
    /// not take on its own: `problem::lead_may`).
    pub async fn problem_led_by(&self, appeal_id: Id) -> Result<Option<Id>> {
        let row =
            sqlx::query("SELECT id FROM problems WHERE lead_appeal_id = $1 AND dissolved = 0")
                .bind(appeal_id)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(|r| get(r, "id")).transpose()
    }

    /// The appeals of a problem as the actor may see them, the lead first.
    pub async fn problem_appeals(&self, actor: &Actor, p: &Problem) -> Result<Vec<AppealRecord>> {
        let mut conn = self.pool.acquire().await?;
        let mut out = Vec::new();
        let ids = std::iter::once(p.lead_appeal_id).chain(p.members());
        for id in ids {
            if let Some(rec) = load(&mut conn, id, "").await? {
                if relation(actor, &rec.place, holders(&rec.appeal)).visible {
                    out.push(rec);
                }
            }
        }
        Ok(out)
    }
}
