//! Earlier appeals about the same matter, for the intake form's warning: the same person
//! (registered, or the same phone) or the same place raised something in the same
//! first-level category recently; and the near-duplicate finder, which also finds the same
//! problem written differently by someone else (`suqiu_text::similar`, keys kept in
//! `appeal_neardup_keys`). Never one marked as spam: it is no matter to join (and nothing
//! can be merged into it).

use chrono::{DateTime, Utc};
use suqiu_core::access::Actor;
use suqiu_core::appeal::{Appeal, Status};
use suqiu_core::Id;

use crate::error::Result;
/// Why an appeal was taken for the same problem (re-exported for the pages that say so).
pub use suqiu_text::similar::Why;
use suqiu_text::similar::{NearDup, Rule};

use crate::dialect::{self, Backend};
use crate::sql::{get, get_code, get_time, ms, Arg, Args};
use crate::{scope, Store};
use sqlx::AnyConnection;

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

/// What the intake form has typed, for the near-duplicate finder.
#[derive(Debug, Clone)]
pub struct NearDupQuery {
    pub title: Option<String>,
    pub content: String,
    pub location: Option<String>,
    /// Received at or after.
    pub since: DateTime<Utc>,
}

/// An earlier appeal that reads as the same problem, how alike it is, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct NearDuplicate {
    pub appeal: SimilarAppeal,
    pub score: f32,
    pub why: Why,
}

/// The columns of `appeal_neardup_keys`, in the order [`neardup_rows`] gives them.
const NEARDUP_COLUMNS: [&str; 3] = ["key", "created_at", "appeal_id"];

/// Writes [`neardup_rows`] (of one intake or of a bulk batch), in the caller's transaction.
pub(crate) async fn insert_neardup(
    backend: Backend,
    conn: &mut AnyConnection,
    rows: Vec<Vec<Arg>>,
) -> Result<()> {
    dialect::insert_rows(
        backend,
        conn,
        "appeal_neardup_keys",
        &NEARDUP_COLUMNS,
        rows,
        "",
    )
    .await
}

/// Most candidates sharing a key that are read and scored, those sharing most keys first:
/// a bound on the work when many texts share a band or a place by chance.
const CANDIDATES: i64 = 200;

/// An appeal's words as compared: title and content together.
fn words(title: Option<&str>, content: &str) -> String {
    format!("{} {content}", title.unwrap_or(""))
}

/// The near-duplicate keys of an appeal (band keys of its words, and its places).
pub(crate) fn neardup_keys(a: &Appeal) -> Vec<i64> {
    let words = words(a.title.as_deref(), &a.content);
    NearDup::of(&words, a.location.as_deref().unwrap_or("")).keys()
}

/// The `appeal_neardup_keys` rows of appeal `id` with `keys`.
pub(crate) fn neardup_rows(id: Id, a: &Appeal, keys: &[i64]) -> Vec<Vec<Arg>> {
    let at = ms(a.created_at);
    keys.iter()
        .map(|&k| vec![Arg::from(k), Arg::from(at), Arg::from(id)])
        .collect()
}

impl Store {
    /// Appeals the actor may read, received since `q.since`, that read as the same problem
    /// as the text typed (`suqiu_text::similar`: very alike, or fairly alike at the same
    /// place), whoever raised them; most alike first, at most five. Only the appeals sharing
    /// a key with the text are read.
    pub async fn near_duplicates(
        &self,
        actor: &Actor,
        q: &NearDupQuery,
    ) -> Result<Vec<NearDuplicate>> {
        let location = q.location.as_deref().unwrap_or("");
        let near = NearDup::of(&words(q.title.as_deref(), &q.content), location);
        let keys = near.keys();
        if q.content.trim().is_empty() || keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut a = Args::default();
        let scope = scope::appeals(actor, &mut a);
        let keys: Vec<String> = keys.into_iter().map(|k| a.push(k)).collect();
        let since = a.push(ms(q.since));
        let limit = a.push(CANDIDATES);
        // The candidates sharing the most keys first (a near-duplicate shares many bands,
        // an unrelated text one by chance), so the cap drops chance ones, not true ones.
        let sql = format!(
            "SELECT a.id, a.tracking_code, a.status, a.created_at, a.title, a.content, a.location \
             FROM (SELECT k.appeal_id, COUNT(*) AS shared FROM appeal_neardup_keys k \
                   WHERE k.key IN ({}) AND k.created_at >= {since} GROUP BY k.appeal_id) c \
             JOIN appeals a ON a.id = c.appeal_id \
             WHERE {scope} AND a.spam_at IS NULL \
             ORDER BY c.shared DESC, a.created_at DESC, a.id DESC LIMIT {limit}",
            keys.join(", ")
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        let rule = Rule::default();
        let mut found = Vec::new();
        for r in &rows {
            let title: Option<String> = get(r, "title")?;
            let content: String = get(r, "content")?;
            let place: Option<String> = get(r, "location")?;
            let other = NearDup::unbanded(
                &words(title.as_deref(), &content),
                place.as_deref().unwrap_or(""),
            );
            let Some((score, why)) = near.judge(&other, &rule) else {
                continue;
            };
            let appeal = SimilarAppeal {
                id: get(r, "id")?,
                tracking_code: get(r, "tracking_code")?,
                status: get_code(r, "status", Status::parse)?,
                created_at: get_time(r, "created_at")?,
                title,
                content,
                same_person: false,
            };
            found.push(NearDuplicate { appeal, score, why });
        }
        found.sort_by(|x, y| (y.score.total_cmp(&x.score)).then(y.appeal.id.cmp(&x.appeal.id)));
        found.truncate(LIMIT as usize);
        Ok(found)
    }
}
