//! In-service party members (在职党员报到): a community's service posts, members'
//! registrations to serve it, the hours they log, and who served how much over a period.
//! This file reads; `write.rs` adds posts, registrations and hours by the rules of
//! `suqiu_core::service`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sqlx::any::AnyRow;
use suqiu_core::access::Actor;
use suqiu_core::org::{in_subtree, OrgUnit};
pub use suqiu_core::service::{NewHours, NewRegistration};
use suqiu_core::Id;

use crate::care::node_path;
use crate::error::{Result, StoreError};
use crate::fund::Named;
use crate::sql::{date_text, get, get_opt_date, Args};
use crate::{scope, Store};

mod write;

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
                .push(Named::from_row(&r, "id", "name")?);
        }
        rows.iter()
            .map(|r| {
                let id: Id = get(r, "id")?;
                Ok(Registration {
                    id,
                    person: Named::from_row(r, "person_id", "person_name")?,
                    org_unit_id: get(r, "org_unit_id")?,
                    org_unit_name: get(r, "org_unit_name")?,
                    registered_on: day(r, "registered_on")?,
                    posts: posts.remove(&id).unwrap_or_default(),
                    total_tenths: get(r, "total_tenths")?,
                })
            })
            .collect()
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
        person: Named::from_row(r, "person_id", "person_name")?,
        org_unit_name: get(r, "org_unit_name")?,
        tenths: get(r, "tenths")?,
        entries: get(r, "entries")?,
    })
}

fn post_hours_from(r: &AnyRow) -> Result<PostHours> {
    Ok(PostHours {
        post: Named::from_row(r, "id", "name")?,
        org_unit_name: get(r, "org_unit_name")?,
        tenths: get(r, "tenths")?,
        members: get(r, "members")?,
    })
}
