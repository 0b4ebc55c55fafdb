//! Adding posts, registering members and logging hours: the store loads the community's
//! register as far as the command reads it, inside its write transaction, asks
//! `suqiu_core::service::decide`, writes the event and folds it in (`apply`) for the
//! answer. Scope is the store's: a community, person or registration outside the actor's
//! subtree is refused before anything is decided. The rules are core's.
//!
//! Two writers deciding at the same moment (PostgreSQL) could both find a name or a member
//! new; the schema's `UNIQUE (org_unit_id, name)` and `UNIQUE (person_id, org_unit_id)`
//! then refuse the second, in the rule's own words. On SQLite the one writer connection
//! keeps transactions from overlapping.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use suqiu_core::access::Actor;
use suqiu_core::calendar::shanghai_date;
use suqiu_core::org::{in_subtree, OrgUnit};
use suqiu_core::service::{
    apply, decide, Command, Context, Event, Member, NewHours, NewRegistration,
    Registration as Enrolment, Site, State, ALREADY_REGISTERED, POST_NAME_TAKEN,
    REGISTRATION_UNKNOWN,
};
use suqiu_core::Id;

use super::{day, HoursEntry, Post, Registration};
use crate::error::{Result, StoreError, ORG_UNIT_OUT_OF_SCOPE, PERSON_OUT_OF_SCOPE};
use crate::fund::Named;
use crate::org::org_unit_from;
use crate::sql::{date_text, get, invalid, ms, write_error, Args};
use crate::{scope, Store};

/// A registration as loaded for a decision, with what the answer names.
struct Loaded {
    registration: Enrolment,
    person: Named,
    org_unit_id: Id,
}

impl Store {
    /// The node `id` if it lies in the actor's subtree; otherwise `Invalid` on `field`.
    /// (Whether it is a community is core's rule.)
    async fn service_site(&self, actor: &Actor, id: Id, field: &str) -> Result<OrgUnit> {
        match self.org_unit(id).await? {
            Some(u) if in_subtree(&actor.org_path, &u.path) => Ok(u),
            _ => Err(invalid(field, &ORG_UNIT_OUT_OF_SCOPE)),
        }
    }

    /// Adds a post to a community's list; `Conflict` on `name` when it has one of that name.
    pub async fn create_service_post(
        &self,
        actor: &Actor,
        org_unit_id: Id,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Post> {
        let unit = self.service_site(actor, org_unit_id, "org_unit_id").await?;
        let mut tx = self.writer.begin().await?;
        let mut state = State {
            site: site(&unit),
            posts: posts_of(&mut tx, unit.id).await?,
            registrations: Vec::new(),
            member: None,
        };
        let command = Command::AddPost { name: name.into() };
        let event = decide(&state, &command, &context(now))?;
        let id = write(&mut tx, actor, &unit, &event, now).await?;
        apply(&mut state, &event, id);
        tx.commit().await?;
        let post = state.posts.pop().ok_or(StoreError::NotFound)?;
        Ok(Post {
            id: post.id,
            org_unit_id: unit.id,
            org_unit_name: unit.name,
            name: post.name,
        })
    }

    /// Registers an in-service party member (a person the actor may read) to serve a
    /// community on posts of that community; `Conflict` on `person_id` when already
    /// registered there. The rules are `suqiu_core::service::decide`'s.
    pub async fn register_for_service(
        &self,
        actor: &Actor,
        new: &NewRegistration,
        now: DateTime<Utc>,
    ) -> Result<Registration> {
        let unit = self
            .service_site(actor, new.org_unit_id, "org_unit_id")
            .await?;
        let person = self
            .person(actor, new.person_id)
            .await?
            .ok_or_else(|| invalid("person_id", &PERSON_OUT_OF_SCOPE))?;
        let mut tx = self.writer.begin().await?;
        let mut a = Args::default();
        let filter = format!(
            "r.org_unit_id = {} AND r.person_id = {}",
            a.push(unit.id),
            a.push(person.id)
        );
        let registrations = registrations_in(&mut tx, &filter, a).await?;
        let mut state = State {
            site: site(&unit),
            posts: posts_of(&mut tx, unit.id).await?,
            registrations: registrations.into_iter().map(|l| l.registration).collect(),
            member: Some(Member {
                person_id: person.id,
                party: person.party.as_ref().map(|p| p.category),
            }),
        };
        let command = Command::Register(new.clone());
        let event = decide(&state, &command, &context(now))?;
        let id = write(&mut tx, actor, &unit, &event, now).await?;
        apply(&mut state, &event, id);
        tx.commit().await?;
        let r = state.registrations.pop().ok_or(StoreError::NotFound)?;
        Ok(Registration {
            id: r.id,
            person: Named {
                id: person.id,
                name: person.name,
            },
            org_unit_id: unit.id,
            org_unit_name: unit.name,
            registered_on: r.registered_on,
            posts: state
                .posts
                .iter()
                .filter(|p| r.post_ids.contains(&p.id))
                .map(|p| Named {
                    id: p.id,
                    name: p.name.clone(),
                })
                .collect(),
            total_tenths: r.total_tenths,
        })
    }

    /// Logs hours on a registration in the actor's subtree, on one of the posts it chose,
    /// on a day between the registration and `today`.
    pub async fn log_service_hours(
        &self,
        actor: &Actor,
        new: &NewHours,
        today: chrono::NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<HoursEntry> {
        let mut tx = self.writer.begin().await?;
        let mut a = Args::default();
        let filter = format!(
            "r.id = {} AND {}",
            a.push(new.registration_id),
            scope::in_subtree("r.org_path", &actor.org_path, &mut a)
        );
        let loaded = registrations_in(&mut tx, &filter, a)
            .await?
            .pop()
            .ok_or_else(|| invalid("registration_id", &REGISTRATION_UNKNOWN))?;
        // Read in the transaction, like the rest of the state the decision reads.
        let unit = sqlx::query(
            "SELECT id, parent_id, kind, code, name, path FROM org_units WHERE id = $1",
        )
        .bind(loaded.org_unit_id)
        .fetch_one(&mut *tx)
        .await?;
        let unit = org_unit_from(&unit)?;
        let state = State {
            site: site(&unit),
            posts: posts_of(&mut tx, unit.id).await?,
            registrations: vec![loaded.registration],
            member: None,
        };
        let command = Command::LogHours(new.clone());
        let event = decide(&state, &command, &Context { today })?;
        let id = write(&mut tx, actor, &unit, &event, now).await?;
        tx.commit().await?;
        let Event::HoursLogged(h) = event else {
            return Err(StoreError::Corrupt("hours decided as another event".into()));
        };
        let post = state.posts.into_iter().find(|p| p.id == h.post_id);
        Ok(HoursEntry {
            id,
            registration_id: h.registration_id,
            person: loaded.person,
            post: Named {
                id: h.post_id,
                name: post.map(|p| p.name).unwrap_or_default(),
            },
            served_on: h.served_on,
            hours_tenths: h.hours_tenths,
            note: h.note,
        })
    }
}

fn site(unit: &OrgUnit) -> Site {
    Site {
        org_unit_id: unit.id,
        name: unit.name.clone(),
        kind: unit.kind,
    }
}

/// Today where the register is kept: the day a registration may not be after.
fn context(now: DateTime<Utc>) -> Context {
    Context {
        today: shanghai_date(now),
    }
}

/// The posts of community `org_unit_id`.
async fn posts_of(
    conn: &mut AnyConnection,
    org_unit_id: Id,
) -> Result<Vec<suqiu_core::service::Post>> {
    let rows = sqlx::query("SELECT id, name FROM service_posts WHERE org_unit_id = $1 ORDER BY id")
        .bind(org_unit_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(suqiu_core::service::Post {
                id: get(r, "id")?,
                name: get(r, "name")?,
            })
        })
        .collect()
}

/// The registrations `filter` (a condition on `r`, bound by `a`) selects, with the posts
/// they chose and their hours so far.
async fn registrations_in(conn: &mut AnyConnection, filter: &str, a: Args) -> Result<Vec<Loaded>> {
    let sql = format!(
        "SELECT r.id, r.person_id, p.name AS person_name, r.org_unit_id, r.registered_on, \
         COALESCE((SELECT CAST(SUM(h.hours_tenths) AS BIGINT) FROM service_hours h \
                   WHERE h.registration_id = r.id), 0) AS total_tenths \
         FROM service_registrations r JOIN people p ON p.id = r.person_id WHERE {filter} \
         ORDER BY r.id"
    );
    let rows = a.query(&sql).fetch_all(&mut *conn).await?;
    let mut loaded = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: Id = get(r, "id")?;
        let chosen = sqlx::query(
            "SELECT post_id FROM service_registration_posts WHERE registration_id = $1 \
             ORDER BY post_id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        loaded.push(Loaded {
            registration: Enrolment {
                id,
                person_id: get(r, "person_id")?,
                registered_on: day(r, "registered_on")?,
                post_ids: chosen
                    .iter()
                    .map(|c| get(c, "post_id"))
                    .collect::<Result<_>>()?,
                total_tenths: get(r, "total_tenths")?,
            },
            person: Named::from_row(r, "person_id", "person_name")?,
            org_unit_id: get(r, "org_unit_id")?,
        });
    }
    Ok(loaded)
}

/// Writes `event` for community `unit`; the id of the new row.
async fn write(
    conn: &mut AnyConnection,
    actor: &Actor,
    unit: &OrgUnit,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<Id> {
    let row =
        match event {
            Event::PostAdded { name } => sqlx::query(
                "INSERT INTO service_posts (org_unit_id, org_path, name, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(unit.id)
            .bind(unit.path.as_str())
            .bind(name.as_str())
            .bind(actor.user_id)
            .bind(ms(now))
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| write_error(e, "name", &POST_NAME_TAKEN))?,
            Event::Registered {
                person_id,
                registered_on,
                post_ids,
            } => {
                let row = sqlx::query(
                    "INSERT INTO service_registrations (person_id, org_unit_id, org_path, \
                 registered_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 RETURNING id",
                )
                .bind(*person_id)
                .bind(unit.id)
                .bind(unit.path.as_str())
                .bind(date_text(*registered_on))
                .bind(actor.user_id)
                .bind(ms(now))
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| write_error(e, "person_id", &ALREADY_REGISTERED))?;
                let id: Id = get(&row, "id")?;
                for post_id in post_ids {
                    sqlx::query(
                        "INSERT INTO service_registration_posts (registration_id, post_id) \
                     VALUES ($1, $2)",
                    )
                    .bind(id)
                    .bind(*post_id)
                    .execute(&mut *conn)
                    .await?;
                }
                return Ok(id);
            }
            Event::HoursLogged(h) => sqlx::query(
                "INSERT INTO service_hours (registration_id, post_id, served_on, hours_tenths, \
             note, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(h.registration_id)
            .bind(h.post_id)
            .bind(date_text(h.served_on))
            .bind(h.hours_tenths)
            .bind(h.note.as_str())
            .bind(actor.user_id)
            .bind(ms(now))
            .fetch_one(&mut *conn)
            .await?,
        };
    get(&row, "id")
}
