//! Visits (走访): the visit log, the one-step appeal from a visit, and who is due a visit.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use suqiu_core::access::Actor;
use suqiu_core::appeal::Appeal;
use suqiu_core::calendar::shanghai_date;
use suqiu_core::care::visit::{self, Visited};
use suqiu_core::care::{due_order, CareLevel, DueStatus, NextVisit};
use suqiu_core::lifecycle::Event;
use suqiu_core::person::CareTag;
use suqiu_core::Id;

use crate::appeal_row::NewAppeal;
use crate::appeals::insert_new;
use crate::care::{care_tags, in_node, RuleBook, LAST_VISIT};
use crate::error::{Result, StoreError, PERSON_UNKNOWN};
use crate::people::parse_tags;
use crate::sql::{get, get_opt_code, get_time, invalid, ms, paging, stored, Args};
use crate::writer::{Done, Undo};
use crate::{scope, Page, Store};

pub use suqiu_core::care::visit::{NewVisit, MAX_NOTE_CHARS};

/// One logged visit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Visit {
    pub id: Id,
    pub person_id: Id,
    pub person_name: String,
    pub visited_at: DateTime<Utc>,
    pub visitor_user_id: Id,
    pub visitor_name: String,
    pub note: String,
    pub follow_up: Option<String>,
    /// The appeal raised on the spot, with its tracking code.
    pub appeal_id: Option<Id>,
    pub appeal_tracking_code: Option<String>,
}

/// Filters of the visit log; all combined with AND.
#[derive(Debug, Clone, Default)]
pub struct VisitFilter {
    pub person_id: Option<Id>,
    /// The visited people's subtree.
    pub org_unit_id: Option<Id>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub page: i64,
    pub per_page: i64,
}

/// Whose due visits to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DueFor {
    /// Everyone in the node's subtree (that the reader may see).
    #[default]
    Everyone,
    /// The people a worker looks after (pairings and team blocks).
    Worker(Id),
    /// The households in a team's blocks.
    Team(Id),
}

/// A person due or overdue for a visit, and the rule that makes them so.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DueVisit {
    pub person_id: Id,
    pub name: String,
    pub org_unit_id: Id,
    pub address: Option<String>,
    pub tags: Vec<CareTag>,
    pub level: Option<CareLevel>,
    pub last_visit: Option<NaiveDate>,
    pub next: NextVisit,
}

const VISIT_SELECT: &str = "SELECT v.id, v.person_id, p.name AS person_name, v.visited_at, \
     v.visitor_user_id, COALESCE(u.display_name, '') AS visitor_name, v.note, v.follow_up, \
     v.appeal_id, ap.tracking_code AS appeal_tracking_code \
     FROM visits v JOIN people p ON p.id = v.person_id \
     LEFT JOIN users u ON u.id = v.visitor_user_id \
     LEFT JOIN appeals ap ON ap.id = v.appeal_id";

fn visit_from(row: &AnyRow) -> Result<Visit> {
    Ok(Visit {
        id: get(row, "id")?,
        person_id: get(row, "person_id")?,
        person_name: get(row, "person_name")?,
        visited_at: get_time(row, "visited_at")?,
        visitor_user_id: get(row, "visitor_user_id")?,
        visitor_name: get(row, "visitor_name")?,
        note: get(row, "note")?,
        follow_up: get(row, "follow_up")?,
        appeal_id: get(row, "appeal_id")?,
        appeal_tracking_code: get(row, "appeal_tracking_code")?,
    })
}

/// Stores a checked visit (with the appeal raised on it); `Invalid{field:"person_id"}` for
/// an unknown person.
async fn insert_visit(
    conn: &mut AnyConnection,
    visit: &NewVisit,
    appeal_id: Option<Id>,
) -> Result<Visit> {
    let mut a = Args::default();
    let sql = format!(
        "INSERT INTO visits (person_id, org_path, visited_at, visitor_user_id, note, follow_up, appeal_id, created_at) \
         SELECT p.id, p.org_path, {}, {}, {}, {}, {}, {} FROM people p WHERE p.id = {} \
         RETURNING id",
        a.push(ms(visit.visited_at)),
        a.push(visit.visitor_user_id),
        a.push(visit.note.as_str()),
        a.push(visit.follow_up.clone()),
        a.push(appeal_id),
        a.push(ms(Utc::now())),
        a.push(visit.person_id),
    );
    let Some(row) = a.query(&sql).fetch_optional(&mut *conn).await? else {
        return Err(invalid("person_id", &PERSON_UNKNOWN));
    };
    let id: Id = get(&row, "id")?;
    let row = sqlx::query(&format!("{VISIT_SELECT} WHERE v.id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    visit_from(&row)
}

impl Store {
    /// Logs a visit and, when given, the appeal raised on the spot, in ONE transaction: both
    /// are stored or neither (the appeal goes through the same insert as any intake, with its
    /// event, search tokens and roll-ups). Returns the visit and the stored appeal.
    ///
    /// `Invalid{field:"person_id"}` for an unknown person; the appeal's own references are
    /// checked as in `create_appeal` (`Conflict{field:"tracking_code"}` on a duplicate code).
    pub async fn create_visit(
        &self,
        visit: &NewVisit,
        raised: Option<(Appeal, Event)>,
    ) -> Result<(Visit, Option<Appeal>)> {
        visit::check(visit).map_err(StoreError::Invalid)?;
        let visit = NewVisit {
            visited_at: stored(visit.visited_at),
            ..visit::normalized(visit)
        };
        let raised = raised.map(|(appeal, event)| NewAppeal::new(appeal, event, None));
        self.run_job(Undo::Savepoint, move |conn| {
            Box::pin(async move {
                let (appeal, deferred) = match raised {
                    Some(new) => {
                        let (appeal, deferred) = insert_new(conn, new).await?;
                        (Some(appeal), deferred)
                    }
                    None => (None, Default::default()),
                };
                let visit = insert_visit(conn, &visit, appeal.as_ref().map(|x| x.id)).await?;
                Ok(Done::keep((visit, appeal), deferred))
            })
        })
        .await
    }

    /// What the actor's scope says of person `person_id` as someone to visit: whether it
    /// sees them, and whether they are assigned to it for care (a pairing still active, or
    /// a block of one of its teams).
    pub async fn visited(&self, actor: &Actor, person_id: Id) -> Result<Visited> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT CASE WHEN {} THEN 1 ELSE 0 END AS assigned FROM people p WHERE p.id = {} AND {}",
            scope::assigned_care(actor.user_id, &mut a),
            a.push(person_id),
            scope::people(actor, &mut a)
        );
        let row = a.query(&sql).fetch_optional(&self.pool).await?;
        Ok(Visited {
            seen: row.is_some(),
            assigned: match row {
                Some(r) => get::<i64>(&r, "assigned")? == 1,
                None => false,
            },
        })
    }

    /// One visit, if its person is on the actor's care register.
    pub async fn visit(&self, actor: &Actor, id: Id) -> Result<Option<Visit>> {
        let mut a = Args::default();
        let sql = format!(
            "{VISIT_SELECT} WHERE v.id = {} AND {}",
            a.push(id),
            scope::care_people(actor, &mut a)
        );
        let row = a.query(&sql).fetch_optional(&self.pool).await?;
        row.as_ref().map(visit_from).transpose()
    }

    /// The visit log of the people the actor may see, newest visit first. An unknown or
    /// out-of-scope node gives an empty page.
    pub async fn list_visits(&self, actor: &Actor, filter: &VisitFilter) -> Result<Page<Visit>> {
        let (page, per_page) = paging(filter.page, filter.per_page);
        let mut a = Args::default();
        let mut conds = vec![scope::care_people(actor, &mut a)];
        if let Some(node) = filter.org_unit_id {
            match in_node(self, actor, node, &mut a).await? {
                Some(c) => conds.push(c),
                None => return Ok(Page::empty(page, per_page)),
            }
        }
        if let Some(p) = filter.person_id {
            conds.push(format!("v.person_id = {}", a.push(p)));
        }
        if let Some(from) = filter.from {
            conds.push(format!("v.visited_at >= {}", a.push(ms(from))));
        }
        if let Some(to) = filter.to {
            conds.push(format!("v.visited_at < {}", a.push(ms(to))));
        }
        let cond = conds.join(" AND ");
        let count_sql = format!(
            "SELECT COUNT(*) AS n FROM visits v JOIN people p ON p.id = v.person_id WHERE {cond}"
        );
        let total: i64 = get(&a.query(&count_sql).fetch_one(&self.pool).await?, "n")?;
        let sql = format!(
            "{VISIT_SELECT} WHERE {cond} ORDER BY v.visited_at DESC, v.id DESC LIMIT {} OFFSET {}",
            a.push(per_page),
            a.push((page - 1) * per_page)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        Ok(Page::exact(
            rows.iter().map(visit_from).collect::<Result<_>>()?,
            total,
            page,
            per_page,
        ))
    }

    /// The visit whose appeal is `appeal_id` (the appeal's page links back to it). No scope
    /// check: read the appeal with `Store::appeal` first.
    pub async fn visit_of_appeal(&self, appeal_id: Id) -> Result<Option<Id>> {
        let row = sqlx::query("SELECT id FROM visits WHERE appeal_id = $1")
            .bind(appeal_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|r| get(r, "id")).transpose()
    }

    /// Every person on the care register under `org_unit_id` (that the actor may see, and
    /// `due_for` narrows to) with where they stand with their next visit, as of `now`.
    /// One query: each person with their last visit (the `visits (person_id, visited_at)`
    /// index answers each MAX), then the rules in memory. `NotFound` for an unknown or
    /// out-of-scope node.
    pub async fn next_visits(
        &self,
        actor: &Actor,
        org_unit_id: Id,
        due_for: DueFor,
        now: DateTime<Utc>,
    ) -> Result<Vec<DueVisit>> {
        let mut a = Args::default();
        let node = in_node(self, actor, org_unit_id, &mut a)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut conds = vec![node, scope::care_people(actor, &mut a), care_tags()];
        match due_for {
            DueFor::Everyone => {}
            DueFor::Worker(user) => conds.push(scope::assigned_care(user, &mut a)),
            DueFor::Team(team) => conds.push(scope::in_team_blocks(&a.push(team))),
        }
        let sql = format!(
            "SELECT p.id, p.name, p.org_unit_id, p.org_path, p.address, p.tags, cp.level, \
             {LAST_VISIT} FROM people p LEFT JOIN care_profiles cp ON cp.person_id = p.id \
             WHERE {} ORDER BY p.id",
            conds.join(" AND ")
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        let book = RuleBook::load(self).await?;
        let today = shanghai_date(now);
        let mut out = Vec::new();
        for row in &rows {
            let tags = parse_tags(row)?;
            let (last_visit, Some(next)) = book.visit_standing(row, &tags, today)? else {
                continue;
            };
            out.push(DueVisit {
                person_id: get(row, "id")?,
                name: get(row, "name")?,
                org_unit_id: get(row, "org_unit_id")?,
                address: get(row, "address")?,
                tags,
                level: get_opt_code(row, "level", CareLevel::parse)?,
                last_visit: last_visit.map(shanghai_date),
                next,
            });
        }
        out.sort_by_key(|d| (due_order(&d.next, d.level), d.person_id));
        Ok(out)
    }

    /// The people due or overdue for a visit (the upcoming ones left out), most pressing
    /// first (`suqiu_core::care::due_order`).
    pub async fn due_visits(
        &self,
        actor: &Actor,
        org_unit_id: Id,
        due_for: DueFor,
        now: DateTime<Utc>,
    ) -> Result<Vec<DueVisit>> {
        let mut all = self.next_visits(actor, org_unit_id, due_for, now).await?;
        all.retain(|d| d.next.status != DueStatus::Upcoming);
        Ok(all)
    }

    /// Last visit date per person among `person_ids` (for pages that show a few people).
    pub async fn last_visits(&self, person_ids: &[Id]) -> Result<HashMap<Id, DateTime<Utc>>> {
        if person_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut a = Args::default();
        let ids: Vec<String> = person_ids.iter().map(|id| a.push(*id)).collect();
        let sql = format!(
            "SELECT person_id, MAX(visited_at) AS last FROM visits WHERE person_id IN ({}) GROUP BY person_id",
            ids.join(", ")
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok((get(r, "person_id")?, get_time(r, "last")?)))
            .collect()
    }
}
