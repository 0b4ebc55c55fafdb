//! Earlier appeals about the same matter, for the intake form's warning: the same person
//! (registered, or the same phone) or the same place raised something in the same
//! first-level category recently. Never one marked as spam: it is no matter to join (and
//! nothing can be merged into it).

use chrono::{DateTime, Utc};
use suqiu_core::access::Actor;
use suqiu_core::appeal::Status;
use suqiu_core::Id;

use crate::error::Result;
use crate::sql::{get, get_code, get_time, ms, Args};
use crate::{scope, Store};

/// What the intake form knows when it asks.
#[derive(Debug, Clone, Default)]
pub struct SimilarQuery {
    pub person_id: Option<Id>,
    /// A normalized phone number (as `validate_phone` returns it).
    pub phone: Option<String>,
    /// The free-text place, compared exactly after trimming.
    pub location: Option<String>,
    /// Any category code; its first level is compared.
    pub category: String,
    /// Received at or after.
    pub since: DateTime<Utc>,
}

/// One earlier appeal, and why it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimilarAppeal {
    pub id: Id,
    pub tracking_code: String,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub title: Option<String>,
    pub content: String,
    /// The same appellant (person or phone), rather than only the same place.
    pub same_person: bool,
}

/// Most earlier appeals shown; the form only needs to say "there are some, look".
const LIMIT: i64 = 5;

impl Store {
    /// Appeals the actor may read, received since `q.since`, in the same first-level
    /// category as `q.category`, from the same person or phone or at the same place;
    /// newest first, at most five.
    pub async fn similar_recent(
        &self,
        actor: &Actor,
        q: &SimilarQuery,
    ) -> Result<Vec<SimilarAppeal>> {
        let person = q.person_id;
        let phone = q.phone.as_deref().map(str::trim).filter(|p| !p.is_empty());
        let location = q
            .location
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty());
        if person.is_none() && phone.is_none() && location.is_none() {
            return Ok(Vec::new());
        }
        let root = q.category.split('.').next().unwrap_or("").trim();
        let mut a = Args::default();
        let scope = scope::appeals(actor, &mut a);
        let mut who = Vec::new();
        if let Some(p) = person {
            who.push(format!("a.appellant_person_id = {}", a.push(p)));
        }
        if let Some(p) = phone {
            who.push(format!("a.appellant_phone = {}", a.push(p)));
        }
        let same_person = if who.is_empty() {
            "CAST(0 AS BIGINT)".to_string()
        } else {
            format!(
                "CAST(CASE WHEN {} THEN 1 ELSE 0 END AS BIGINT)",
                who.join(" OR ")
            )
        };
        let mut any = who.clone();
        if let Some(l) = location {
            any.push(format!("a.location = {}", a.push(l)));
        }
        let root_exact = a.push(root);
        let root_prefix = a.push(format!("{root}."));
        let since = a.push(ms(q.since));
        let limit = a.push(LIMIT);
        let sql = format!(
            "SELECT a.id, a.tracking_code, a.status, a.created_at, a.title, a.content, \
                    {same_person} AS same_person \
             FROM appeals a \
             WHERE {scope} AND a.created_at >= {since} AND a.spam_at IS NULL \
               AND (a.category = {root_exact} OR SUBSTR(a.category, 1, LENGTH({root_prefix})) = {root_prefix}) \
               AND ({}) \
             ORDER BY a.created_at DESC, a.id DESC LIMIT {limit}",
            any.join(" OR ")
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let same: i64 = get(r, "same_person")?;
                Ok(SimilarAppeal {
                    id: get(r, "id")?,
                    tracking_code: get(r, "tracking_code")?,
                    status: get_code(r, "status", Status::parse)?,
                    created_at: get_time(r, "created_at")?,
                    title: get(r, "title")?,
                    content: get(r, "content")?,
                    same_person: same != 0,
                })
            })
            .collect()
    }
}
