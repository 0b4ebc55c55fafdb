//! Pairings (结对): a person on the care register and the partner who looks in on them,
//! with the log of their contacts.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use suqiu_core::access::Actor;
use suqiu_core::care::pairing::{self, check_new, end, log_contact, NewPairing, Paired, Status};
use suqiu_core::care::team::Found;
use suqiu_core::care::{in_care, CareLevel};
use suqiu_core::org::{in_subtree, OrgKind};
use suqiu_core::Id;

use super::{ContactMode, Partner};
use crate::error::{Result, StoreError};
use crate::people::parse_tags;
use crate::sql::{
    date_text, get, get_code, get_opt_code, get_opt_date, get_time, ms, stored, Args,
};
use crate::{scope, Store};

/// A pairing (结对).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Pairing {
    pub id: Id,
    pub person_id: Id,
    pub person_name: String,
    pub partner_user_id: Option<Id>,
    pub partner_person_id: Option<Id>,
    pub partner_name: String,
    pub started_on: NaiveDate,
    pub note: Option<String>,
    pub last_contact: Option<DateTime<Utc>>,
    /// The day it ended; `None` while it is active.
    pub ended_on: Option<NaiveDate>,
}

/// One entry of a pairing's contact log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Contact {
    pub id: Id,
    pub pairing_id: Id,
    pub contacted_at: DateTime<Utc>,
    pub mode: ContactMode,
    pub note: String,
    pub recorded_by: String,
}

const PAIRING_SELECT: &str = "SELECT pr.id, pr.person_id, p.name AS person_name, pr.partner_user_id, \
     pr.partner_person_id, COALESCE(u.display_name, pp.name, '') AS partner_name, pr.started_on, pr.note, pr.ended_on, \
     (SELECT MAX(c.contacted_at) FROM pairing_contacts c WHERE c.pairing_id = pr.id) AS last_contact \
     FROM pairings pr JOIN people p ON p.id = pr.person_id \
     LEFT JOIN users u ON u.id = pr.partner_user_id LEFT JOIN people pp ON pp.id = pr.partner_person_id";

fn pairing_from(row: &AnyRow) -> Result<Pairing> {
    let started: String = get(row, "started_on")?;
    let last: Option<i64> = get(row, "last_contact")?;
    Ok(Pairing {
        id: get(row, "id")?,
        person_id: get(row, "person_id")?,
        person_name: get(row, "person_name")?,
        partner_user_id: get(row, "partner_user_id")?,
        partner_person_id: get(row, "partner_person_id")?,
        partner_name: get(row, "partner_name")?,
        started_on: started
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("column started_on: {started:?}")))?,
        note: get(row, "note")?,
        last_contact: last
            .map(|t| crate::sql::time_of(t, "last_contact"))
            .transpose()?,
        ended_on: get_opt_date(row, "ended_on")?,
    })
}

/// Where a partner user works and a partner person is registered.
const USER_PATH: &str =
    "SELECT o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = $1";
const PERSON_PATH: &str = "SELECT org_path AS path FROM people WHERE id = $1";

impl Store {
    /// Pairs `partner` with person `person_id` by `suqiu_core::care::pairing::check_new`:
    /// the person is on the care register in the actor's scope; a partner user works at the
    /// person's community or above it; a partner person is registered in that community.
    /// `Invalid` naming the field otherwise.
    pub async fn create_pairing(
        &self,
        actor: &Actor,
        person_id: Id,
        partner: Partner,
        started_on: NaiveDate,
        note: Option<&str>,
    ) -> Result<Pairing> {
        let paired = self.paired(actor, person_id).await?;
        let found = match partner {
            Partner::User(id) => self.found(id, USER_PATH).await?,
            Partner::Person(id) => self.found(id, PERSON_PATH).await?,
        };
        let asked = NewPairing {
            partner,
            started_on,
            note: note.map(str::to_string),
        };
        let new = check_new(paired.as_ref().map(|(p, _)| p), &asked, found.as_ref())
            .map_err(StoreError::Invalid)?;
        let (user_id, partner_person_id) = match new.partner {
            Partner::User(id) => (Some(id), None),
            Partner::Person(id) => (None, Some(id)),
        };
        let person_path = paired.map(|(_, path)| path).unwrap_or_default();
        let row = sqlx::query(
            "INSERT INTO pairings (person_id, org_path, partner_user_id, partner_person_id, started_on, note, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(person_id)
        .bind(&person_path)
        .bind(user_id)
        .bind(partner_person_id)
        .bind(date_text(new.started_on))
        .bind(new.note)
        .bind(actor.user_id)
        .bind(ms(Utc::now()))
        .fetch_one(self.writer.pool()?)
        .await?;
        let id: Id = get(&row, "id")?;
        self.pairing(actor, id).await?.ok_or(StoreError::NotFound)
    }

    /// The person a new pairing is for, if the actor may see them, with their path.
    async fn paired(&self, actor: &Actor, person_id: Id) -> Result<Option<(Paired, String)>> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT p.org_path, p.tags, cp.level FROM people p \
             LEFT JOIN care_profiles cp ON cp.person_id = p.id WHERE p.id = {} AND {}",
            a.push(person_id),
            scope::people(actor, &mut a)
        );
        let Some(row) = a.query(&sql).fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        let path: String = get(&row, "org_path")?;
        let tags = parse_tags(&row)?;
        let level = get_opt_code(&row, "level", CareLevel::parse)?;
        let tree = self.lookups().await?;
        // The person's community (or the node itself above community level).
        let community_path = tree
            .units
            .iter()
            .find(|u| u.kind == OrgKind::Community && in_subtree(&u.path, &path))
            .map(|u| u.path.clone())
            .unwrap_or(path.clone());
        let paired = Paired {
            id: person_id,
            community_path,
            in_care: in_care(&tags, level),
        };
        Ok(Some((paired, path)))
    }

    /// Where user or person `id` is (`sql`: [`USER_PATH`] or [`PERSON_PATH`]), if known.
    async fn found(&self, id: Id, sql: &str) -> Result<Option<Found>> {
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await?;
        row.map(|r| {
            Ok(Found {
                id,
                path: get(&r, "path")?,
            })
        })
        .transpose()
    }

    /// Ends a pairing the actor may see on `on`, by `suqiu_core::care::pairing::decide`:
    /// `NotFound` otherwise; `Conflict` when it has ended already, `Invalid{field:"ended_on"}`
    /// before it began.
    pub async fn end_pairing(&self, actor: &Actor, id: Id, on: NaiveDate) -> Result<Pairing> {
        let pairing = self.pairing_state(actor, id).await?;
        let on = end(&pairing, on)?;
        sqlx::query("UPDATE pairings SET ended_on = $1 WHERE id = $2 AND ended_on IS NULL")
            .bind(date_text(on))
            .bind(id)
            .execute(self.writer.pool()?)
            .await?;
        self.pairing(actor, id).await?.ok_or(StoreError::NotFound)
    }

    /// A pairing the actor may see, as core's rules see it.
    async fn pairing_state(&self, actor: &Actor, id: Id) -> Result<pairing::Pairing> {
        let read = self.pairing(actor, id).await?.ok_or(StoreError::NotFound)?;
        let status = match read.ended_on {
            Some(on) => Status::Ended { on },
            None => Status::Active,
        };
        Ok(pairing::Pairing {
            started_on: read.started_on,
            status,
        })
    }

    /// One pairing the actor may see.
    pub async fn pairing(&self, actor: &Actor, id: Id) -> Result<Option<Pairing>> {
        let mut a = Args::default();
        let sql = format!(
            "{PAIRING_SELECT} WHERE pr.id = {} AND {}",
            a.push(id),
            scope::pairings(actor, &mut a)
        );
        let row = a.query(&sql).fetch_optional(&self.pool).await?;
        row.as_ref().map(pairing_from).transpose()
    }

    /// The pairings the actor may see, under node `org_unit_id` when given and of person
    /// `person_id` when given, oldest first.
    pub async fn pairings(
        &self,
        actor: &Actor,
        org_unit_id: Option<Id>,
        person_id: Option<Id>,
    ) -> Result<Vec<Pairing>> {
        let mut a = Args::default();
        let mut conds = vec![scope::pairings(actor, &mut a)];
        if let Some(node) = org_unit_id {
            let Some(unit) = self.org_unit(node).await? else {
                return Ok(Vec::new());
            };
            conds.push(scope::in_subtree("pr.org_path", &unit.path, &mut a));
        }
        if let Some(p) = person_id {
            conds.push(format!("pr.person_id = {}", a.push(p)));
        }
        let sql = format!(
            "{PAIRING_SELECT} WHERE {} ORDER BY pr.id",
            conds.join(" AND ")
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(pairing_from).collect()
    }

    /// Logs a contact on an active pairing the actor may see (a volunteer: its own), by
    /// `suqiu_core::care::pairing::log_contact`. `NotFound` otherwise; `Invalid{field:"note"}` for
    /// an empty or overlong note; `Conflict` on an ended pairing. The time is the caller's
    /// to check (`pairing::contact_time`).
    pub async fn add_contact(
        &self,
        actor: &Actor,
        pairing_id: Id,
        contacted_at: DateTime<Utc>,
        mode: ContactMode,
        note: &str,
    ) -> Result<Contact> {
        let pairing = self.pairing_state(actor, pairing_id).await?;
        let note = log_contact(&pairing, note)?;
        let contacted_at = stored(contacted_at);
        let row = sqlx::query(
            "INSERT INTO pairing_contacts (pairing_id, contacted_at, mode, note, recorded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(pairing_id)
        .bind(ms(contacted_at))
        .bind(mode.code())
        .bind(note.as_str())
        .bind(actor.user_id)
        .bind(ms(Utc::now()))
        .fetch_one(self.writer.pool()?)
        .await?;
        Ok(Contact {
            id: get(&row, "id")?,
            pairing_id,
            contacted_at,
            mode,
            note,
            recorded_by: actor.name.clone(),
        })
    }

    /// A pairing's contact log, newest first. No scope check: read the pairing first.
    pub async fn contacts(&self, pairing_id: Id) -> Result<Vec<Contact>> {
        let rows = sqlx::query(
            "SELECT c.id, c.pairing_id, c.contacted_at, c.mode, c.note, COALESCE(u.display_name, '') AS recorded_by \
             FROM pairing_contacts c LEFT JOIN users u ON u.id = c.recorded_by \
             WHERE c.pairing_id = $1 ORDER BY c.contacted_at DESC, c.id DESC",
        )
        .bind(pairing_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Contact {
                    id: get(r, "id")?,
                    pairing_id: get(r, "pairing_id")?,
                    contacted_at: get_time(r, "contacted_at")?,
                    mode: get_code(r, "mode", ContactMode::parse)?,
                    note: get(r, "note")?,
                    recorded_by: get(r, "recorded_by")?,
                })
            })
            .collect()
    }
}
