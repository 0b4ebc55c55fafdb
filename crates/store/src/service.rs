//! In-service party members (在职党员报到): a community's service posts, members'
//! registrations to serve it, the hours they log, and who served how much over a period.

use std::collections::BTreeMap;
use suqiu_core::error::FieldError;
use suqiu_core::msg;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use suqiu_core::access::Actor;
use suqiu_core::org::{in_subtree, OrgKind, OrgUnit};
use suqiu_core::person::PartyCategory;
use suqiu_core::service::check_served_on;
use suqiu_core::Id;

use crate::care::node_path;
use crate::error::{Result, StoreError, ORG_UNIT_OUT_OF_SCOPE, PERSON_OUT_OF_SCOPE};
use crate::fund::Named;
use crate::sql::{date_text, get, get_opt_date, invalid, ms, write_error, Args};
use crate::{scope, Store};

/// A service post of a community (楼道长 …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: Id,
    pub org_unit_id: Id,
    pub org_unit_name: String,
    pub name: String,
}

/// A member's registration to serve a community, the posts chosen and the hours so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub id: Id,
    pub person: Named,
    pub org_unit_id: Id,
    pub org_unit_name: String,
    pub registered_on: NaiveDate,
    pub posts: Vec<Named>,
    /// All hours logged, in tenths.
    pub total_tenths: i64,
}

/// A new registration: an in-service party member, a community, the posts chosen there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRegistration {
    pub person_id: Id,
    pub org_unit_id: Id,
    pub registered_on: NaiveDate,
    pub post_ids: Vec<Id>,
}

/// Hours to log, already checked in shape (`suqiu_core::service::hours_tenths`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHours {
    pub registration_id: Id,
    pub post_id: Id,
    pub served_on: NaiveDate,
    pub hours_tenths: i64,
    pub note: String,
}

/// One logged entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursEntry {
    pub id: Id,
    pub registration_id: Id,
    pub person: Named,
    pub post: Named,
    pub served_on: NaiveDate,
    pub hours_tenths: i64,
    pub note: String,
}

/// A member's hours in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberHours {
    pub person: Named,
    pub org_unit_name: String,
    pub tenths: i64,
    pub entries: i64,
}

/// A post's hours in a period, and how many members served on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostHours {
    pub post: Named,
    pub org_unit_name: String,
    pub tenths: i64,
    pub members: i64,
}

/// Who served how much under a node over `[from, to]` (both days included).
#[derive(Debug, Clone)]
pub struct ServiceSummary {
    pub unit: OrgUnit,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total_tenths: i64,
    /// Most hours first.
    pub members: Vec<MemberHours>,
    pub posts: Vec<PostHours>,
}

fn post_from(row: &AnyRow) -> Result<Post> {
    Ok(Post {
        id: get(row, "id")?,
        org_unit_id: get(row, "org_unit_id")?,
        org_unit_name: get(row, "org_unit_name")?,
        name: get(row, "name")?,
    })
}

fn day(row: &AnyRow, col: &str) -> Result<NaiveDate> {
    get_opt_date(row, col)?.ok_or_else(|| StoreError::Corrupt(format!("{col} is empty")))
}

impl Store {
    /// The community `id` as the actor may serve it: in its subtree and a community (posts and
    /// registrations belong to a station); otherwise `Invalid` on `field`.
    async fn service_community(&self, actor: &Actor, id: Id, field: &str) -> Result<OrgUnit> {
        match self.org_unit(id).await? {
            Some(u) if in_subtree(&actor.org_path, &u.path) && u.kind == OrgKind::Community => {
                Ok(u)
            }
            Some(u) if in_subtree(&actor.org_path, &u.path) => Err(invalid(
                field,
                &msg!(
                    "service_needs_community",
                    "服务岗位和报到都属于居民区/村",
                    "Service posts and check-ins belong to a community or village"
                ),
            )),
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
        let unit = self
            .service_community(actor, org_unit_id, "org_unit_id")
            .await?;
        let row = sqlx::query(
            "INSERT INTO service_posts (org_unit_id, org_path, name, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(unit.id)
        .bind(unit.path.as_str())
        .bind(name)
        .bind(actor.user_id)
        .bind(ms(now))
        .fetch_one(self.writer.pool()?)
        .await
        .map_err(|e| {
            write_error(
                e,
                "name",
                &msg!(
                    "post_name_taken",
                    "本站已有同名岗位",
                    "This site already has a post of that name"
                ),
            )
        })?;
        Ok(Post {
            id: get(&row, "id")?,
            org_unit_id: unit.id,
            org_unit_name: unit.name,
            name: name.to_string(),
        })
    }

    /// The posts of the communities under node `org_unit_id` (`NotFound` outside scope).
    pub async fn service_posts(&self, actor: &Actor, org_unit_id: Id) -> Result<Vec<Post>> {
        let path = node_path(self, actor, org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut a = Args::default();
        let sql = format!(
            "SELECT s.id, s.org_unit_id, o.name AS org_unit_name, s.name FROM service_posts s \
             JOIN org_units o ON o.id = s.org_unit_id WHERE {} ORDER BY s.org_unit_id, s.id",
            scope::in_subtree("s.org_path", &path, &mut a)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(post_from).collect()
    }

    /// Registers an in-service party member (a person the actor may read whose party
    /// category is 在职报到) to serve a community on posts of that community; `Conflict` on
    /// `person_id` when already registered there.
    pub async fn register_for_service(
        &self,
        actor: &Actor,
        new: &NewRegistration,
        now: DateTime<Utc>,
    ) -> Result<Registration> {
        let unit = self
            .service_community(actor, new.org_unit_id, "org_unit_id")
            .await?;
        let person = self
            .person(actor, new.person_id)
            .await?
            .ok_or_else(|| invalid("person_id", &PERSON_OUT_OF_SCOPE))?;
        if person.party.as_ref().map(|p| p.category) != Some(PartyCategory::InService) {
            return Err(invalid(
                "person_id",
                &msg!(
                    "not_in_service_member",
                    "只有党员类别为「在职报到」的人员可以报到服务",
                    "Only party members checked in from their workplace can sign up to serve"
                ),
            ));
        }
        if new.post_ids.is_empty() {
            return Err(invalid(
                "post_ids",
                &msg!(
                    "post_ids_empty",
                    "请至少选择一个服务岗位",
                    "Choose at least one service post"
                ),
            ));
        }
        let mut tx = self.writer.begin().await?;
        for post_id in &new.post_ids {
            let found =
                sqlx::query("SELECT id FROM service_posts WHERE id = $1 AND org_unit_id = $2")
                    .bind(*post_id)
                    .bind(unit.id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if found.is_none() {
                return Err(StoreError::Invalid(
                    FieldError::new(
                        "post_ids",
                        &msg!(
                            "post_not_at_unit",
                            "「{unit}」没有这个服务岗位",
                            "\"{unit}\" has no such service post"
                        ),
                    )
                    .with("unit", &unit.name),
                ));
            }
        }
        let row = sqlx::query(
            "INSERT INTO service_registrations (person_id, org_unit_id, org_path, registered_on, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(person.id)
        .bind(unit.id)
        .bind(unit.path.as_str())
        .bind(date_text(new.registered_on))
        .bind(actor.user_id)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            write_error(
                e,
                "person_id",
                &msg!(
                    "already_registered",
                    "该党员已在本社区报到",
                    "This party member has already checked in here"
                ),
            )
        })?;
        let id: Id = get(&row, "id")?;
        let mut posts = new.post_ids.clone();
        posts.sort_unstable();
        posts.dedup();
        for post_id in posts {
            sqlx::query(
                "INSERT INTO service_registration_posts (registration_id, post_id) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(post_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        let mut all = self.service_registrations(actor, unit.id).await?;
        all.retain(|r| r.id == id);
        all.pop().ok_or(StoreError::NotFound)
    }

    /// The registrations to communities under node `org_unit_id`, by community and name.
    pub async fn service_registrations(
        &self,
        actor: &Actor,
        org_unit_id: Id,
    ) -> Result<Vec<Registration>> {
        let path = node_path(self, actor, org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut a = Args::default();
        let sql = format!(
            "SELECT r.id, r.person_id, p.name AS person_name, r.org_unit_id, \
             o.name AS org_unit_name, r.registered_on, \
             COALESCE((SELECT CAST(SUM(h.hours_tenths) AS BIGINT) FROM service_hours h \
                       WHERE h.registration_id = r.id), 0) AS total_tenths \
             FROM service_registrations r JOIN people p ON p.id = r.person_id \
             JOIN org_units o ON o.id = r.org_unit_id WHERE {} ORDER BY r.org_unit_id, p.name, r.id",
            scope::in_subtree("r.org_path", &path, &mut a)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        let mut a = Args::default();
        let sql = format!(
            "SELECT rp.registration_id, s.id, s.name FROM service_registration_posts rp \
             JOIN service_registrations r ON r.id = rp.registration_id \
             JOIN service_posts s ON s.id = rp.post_id WHERE {} ORDER BY s.id",
            scope::in_subtree("r.org_path", &path, &mut a)
        );
        let mut posts: BTreeMap<Id, Vec<Named>> = BTreeMap::new();
        for r in a.query(&sql).fetch_all(&self.pool).await? {
            posts
                .entry(get(&r, "registration_id")?)
                .or_default()
                .push(Named {
                    id: get(&r, "id")?,
                    name: get(&r, "name")?,
                });
        }
        rows.iter()
            .map(|r| {
                let id: Id = get(r, "id")?;
                Ok(Registration {
                    id,
                    person: Named {
                        id: get(r, "person_id")?,
                        name: get(r, "person_name")?,
                    },
                    org_unit_id: get(r, "org_unit_id")?,
                    org_unit_name: get(r, "org_unit_name")?,
                    registered_on: day(r, "registered_on")?,
                    posts: posts.remove(&id).unwrap_or_default(),
                    total_tenths: get(r, "total_tenths")?,
                })
            })
            .collect()
    }

    /// Logs hours on a registration in the actor's subtree, on one of the posts it chose,
    /// on a day between the registration and `today`.
    pub async fn log_service_hours(
        &self,
        actor: &Actor,
        new: &NewHours,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<HoursEntry> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT r.id, r.person_id, p.name AS person_name, r.registered_on, s.name AS post_name \
             FROM service_registrations r JOIN people p ON p.id = r.person_id \
             LEFT JOIN service_registration_posts rp ON rp.registration_id = r.id AND rp.post_id = {} \
             LEFT JOIN service_posts s ON s.id = rp.post_id \
             WHERE r.id = {} AND {}",
            a.push(new.post_id),
            a.push(new.registration_id),
            scope::in_subtree("r.org_path", &actor.org_path, &mut a)
        );
        let reg = a
            .query(&sql)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| {
                invalid(
                    "registration_id",
                    &msg!(
                        "registration_out_of_scope",
                        "未知的报到记录或不在管辖范围内",
                        "Unknown check-in, or outside your scope"
                    ),
                )
            })?;
        let post_name: Option<String> = get(&reg, "post_name")?;
        let post_name = post_name.ok_or_else(|| {
            invalid(
                "post_id",
                &msg!(
                    "post_not_chosen",
                    "请选择该党员报到时选定的岗位",
                    "Choose a post the member chose at check-in"
                ),
            )
        })?;
        check_served_on(new.served_on, day(&reg, "registered_on")?, today)
            .map_err(StoreError::Invalid)?;
        let row = sqlx::query(
            "INSERT INTO service_hours (registration_id, post_id, served_on, hours_tenths, note, \
             recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.registration_id)
        .bind(new.post_id)
        .bind(date_text(new.served_on))
        .bind(new.hours_tenths)
        .bind(new.note.as_str())
        .bind(actor.user_id)
        .bind(ms(now))
        .fetch_one(self.writer.pool()?)
        .await?;
        Ok(HoursEntry {
            id: get(&row, "id")?,
            registration_id: new.registration_id,
            person: Named {
                id: get(&reg, "person_id")?,
                name: get(&reg, "person_name")?,
            },
            post: Named {
                id: new.post_id,
                name: post_name,
            },
            served_on: new.served_on,
            hours_tenths: new.hours_tenths,
            note: new.note.clone(),
        })
    }

    /// Who served how much in the communities under `org_unit_id` from `from` to `to`
    /// (both included): per member and per post, most hours first.
    pub async fn service_summary(
        &self,
        actor: &Actor,
        org_unit_id: Id,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ServiceSummary> {
        let unit = match self.org_unit(org_unit_id).await? {
            Some(u) if in_subtree(&actor.org_path, &u.path) => u,
            _ => return Err(StoreError::NotFound),
        };
        let period = |a: &mut Args| {
            format!(
                "{} AND h.served_on >= {} AND h.served_on <= {}",
                scope::in_subtree("r.org_path", &unit.path, a),
                a.push(date_text(from)),
                a.push(date_text(to))
            )
        };
        let mut a = Args::default();
        let sql = format!(
            "SELECT r.person_id, p.name AS person_name, o.name AS org_unit_name, \
             CAST(SUM(h.hours_tenths) AS BIGINT) AS tenths, COUNT(*) AS entries \
             FROM service_hours h JOIN service_registrations r ON r.id = h.registration_id \
             JOIN people p ON p.id = r.person_id JOIN org_units o ON o.id = r.org_unit_id \
             WHERE {} GROUP BY r.person_id, p.name, o.name \
             ORDER BY tenths DESC, p.name",
            period(&mut a)
        );
        let members = a
            .query(&sql)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(member_hours_from)
            .collect::<Result<Vec<_>>>()?;
        let mut a = Args::default();
        let sql = format!(
            "SELECT s.id, s.name, o.name AS org_unit_name, \
             CAST(SUM(h.hours_tenths) AS BIGINT) AS tenths, \
             COUNT(DISTINCT r.person_id) AS members \
             FROM service_hours h JOIN service_registrations r ON r.id = h.registration_id \
             JOIN service_posts s ON s.id = h.post_id JOIN org_units o ON o.id = s.org_unit_id \
             WHERE {} GROUP BY s.id, s.name, o.name ORDER BY tenths DESC, s.id",
            period(&mut a)
        );
        let posts = a
            .query(&sql)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(post_hours_from)
            .collect::<Result<Vec<_>>>()?;
        Ok(ServiceSummary {
            total_tenths: members.iter().map(|m| m.tenths).sum(),
            unit,
            from,
            to,
            members,
            posts,
        })
    }
}

fn member_hours_from(r: &AnyRow) -> Result<MemberHours> {
    Ok(MemberHours {
        person: Named {
            id: get(r, "person_id")?,
            name: get(r, "person_name")?,
        },
        org_unit_name: get(r, "org_unit_name")?,
        tenths: get(r, "tenths")?,
        entries: get(r, "entries")?,
    })
}

fn post_hours_from(r: &AnyRow) -> Result<PostHours> {
    Ok(PostHours {
        post: Named {
            id: get(r, "id")?,
            name: get(r, "name")?,
        },
        org_unit_name: get(r, "org_unit_name")?,
        tenths: get(r, "tenths")?,
        members: get(r, "members")?,
    })
}
