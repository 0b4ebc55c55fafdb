//! Pairings (结对): a person on the care register and the partner who looks in on them,
//! with the log of their contacts.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use suqiu_core::access::Actor;
use suqiu_core::error::{FieldError, CONTENT_TOO_LONG};
use suqiu_core::msg;
use suqiu_core::org::{in_subtree, OrgKind};
use suqiu_core::Id;

use super::{ContactMode, Partner, MAX_CONTACT_CHARS};
use crate::error::{Result, StoreError, NOT_IN_PERSON_COMMUNITY, PERSON_UNKNOWN};
use crate::sql::{date_text, get, get_code, get_time, invalid, ms, stored, Args};
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
     pr.partner_person_id, COALESCE(u.display_name, pp.name, '') AS partner_name, pr.started_on, pr.note, \
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
    })
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Store {
    /// Pairs `partner` with person `person_id` (whom the actor may see, checked by the
    /// caller). A partner user must work at the person's community or above it; a partner
    /// person must be registered in the same community. `Invalid` naming the field otherwise.
    pub async fn create_pairing(
        &self,
        actor: &Actor,
        person_id: Id,
        partner: Partner,
        started_on: NaiveDate,
        note: Option<&str>,
    ) -> Result<Pairing> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT p.org_path FROM people p WHERE p.id = {} AND {}",
            a.push(person_id),
            scope::people(actor, &mut a)
        );
        let row = a
            .query(&sql)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| invalid("person_id", &PERSON_UNKNOWN))?;
        let person_path: String = get(&row, "org_path")?;
        let tree = self.lookups().await?;
        // The person's community (or the node itself above community level).
        let community = tree
            .units
            .iter()
            .filter(|u| u.kind == OrgKind::Community && in_subtree(&u.path, &person_path))
            .map(|u| u.path.clone())
            .next()
            .unwrap_or(person_path.clone());
        let (user_id, partner_person_id) = match partner {
            Partner::User(id) => {
                let row = sqlx::query(
                    "SELECT o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| invalid("partner_user_id", &msg!("user_unknown", "未知的用户", "Unknown user")))?;
                let path: String = get(&row, "path")?;
                if !(in_subtree(&path, &community) || in_subtree(&community, &path)) {
                    return Err(invalid("partner_user_id", &NOT_IN_PERSON_COMMUNITY));
                }
                (Some(id), None)
            }
            Partner::Person(id) => {
                if id == person_id {
                    return Err(invalid(
                        "partner_person_id",
                        &msg!(
                            "pair_with_self",
                            "不能与本人结对",
                            "A person cannot be paired with themselves"
                        ),
                    ));
                }
                let row = sqlx::query("SELECT org_path FROM people WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or_else(|| invalid("partner_person_id", &PERSON_UNKNOWN))?;
                let path: String = get(&row, "org_path")?;
                if !in_subtree(&community, &path) {
                    return Err(invalid("partner_person_id", &NOT_IN_PERSON_COMMUNITY));
                }
                (None, Some(id))
            }
        };
        let row = sqlx::query(
            "INSERT INTO pairings (person_id, org_path, partner_user_id, partner_person_id, started_on, note, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(person_id)
        .bind(&person_path)
        .bind(user_id)
        .bind(partner_person_id)
        .bind(date_text(started_on))
        .bind(non_empty(note))
        .bind(actor.user_id)
        .bind(ms(Utc::now()))
        .fetch_one(self.writer.pool()?)
        .await?;
        let id: Id = get(&row, "id")?;
        self.pairing(actor, id).await?.ok_or(StoreError::NotFound)
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

    /// Logs a contact on a pairing the actor may see (a volunteer: its own). `NotFound`
    /// otherwise; `Invalid{field:"note"}` for an empty or overlong note.
    pub async fn add_contact(
        &self,
        actor: &Actor,
        pairing_id: Id,
        contacted_at: DateTime<Utc>,
        mode: ContactMode,
        note: &str,
    ) -> Result<Contact> {
        let note = note.trim();
        if note.is_empty() {
            return Err(invalid(
                "note",
                &msg!(
                    "contact_note_empty",
                    "请填写联系情况",
                    "Enter how the contact went"
                ),
            ));
        }
        let n = note.chars().count();
        if n > MAX_CONTACT_CHARS {
            return Err(StoreError::Invalid(
                FieldError::new("note", &CONTENT_TOO_LONG)
                    .with("n", n)
                    .with("max", MAX_CONTACT_CHARS),
            ));
        }
        if self.pairing(actor, pairing_id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let contacted_at = stored(contacted_at);
        let row = sqlx::query(
            "INSERT INTO pairing_contacts (pairing_id, contacted_at, mode, note, recorded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(pairing_id)
        .bind(ms(contacted_at))
        .bind(mode.code())
        .bind(note)
        .bind(actor.user_id)
        .bind(ms(Utc::now()))
        .fetch_one(self.writer.pool()?)
        .await?;
        Ok(Contact {
            id: get(&row, "id")?,
            pairing_id,
            contacted_at,
            mode,
            note: note.to_string(),
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
