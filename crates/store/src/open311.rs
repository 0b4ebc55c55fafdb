//! Open311 GeoReport v2 (`core::open311`): the API keys of the client systems, the appeals
//! posted through it (with the key and media they came with), and the reads of the appeals
//! it may show (migration 0027).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use suqiu_core::appeal::{Appeal, Channel, Status};
use suqiu_core::lifecycle::{Event, EventBody};
use suqiu_core::msg;
use suqiu_core::open311::MAX_REQUESTS;
use suqiu_core::public::MapPoint;
use suqiu_core::Id;

use crate::appeal_row::{record_from, NewAppeal};
use crate::appeals::{insert_new, with_names, AppealRecord};
use crate::error::{Result, StoreError};
use crate::public::insert_point;
use crate::sql::{get, get_code, get_json, get_opt_time, get_time, ms, write_error, Args};
use crate::writer::{Done, Undo};
use crate::Store;

/// The appeals (alias `a`) Open311 may show, the SQL twin of `core::open311::may_show`:
/// consented, or posted through Open311, and not marked as spam. The first part is written as
/// migration 0027's partial index says it, literals and all, so the planner uses that index.
pub const SHOWN: &str = "(a.public_consent = 1 OR a.channel = 'api') AND a.spam_at IS NULL";

/// A client system's key, as listed (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: Id,
    pub name: String,
    /// The channel the appeals it posts get.
    pub channel: Channel,
    /// Who made it (`None`: on the command line), and their name then.
    pub created_by: Option<Id>,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// How many requests it may post in an hour (`core::open311::key_limit`).
    pub per_hour: i64,
}

/// What an appeal posted through Open311 came with: its key, its media, its map point.
#[derive(Debug, Clone)]
pub struct ApiOrigin {
    pub api_key_id: Id,
    pub media_url: Option<String>,
    pub point: Option<MapPoint>,
}

/// What `GET requests` reads.
#[derive(Debug, Clone)]
pub enum RequestQuery {
    /// These tracking codes (at most [`MAX_REQUESTS`] are read): the spec's
    /// `service_request_id` list, which overrides every other filter.
    Codes(Vec<String>),
    /// Received in `from..=to`, newest first, of these categories and statuses (empty:
    /// any), at most [`MAX_REQUESTS`].
    Window {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        categories: Vec<String>,
        statuses: Vec<Status>,
    },
}

/// An appeal Open311 may show, with what it shows beside the appeal's own fields.
#[derive(Debug, Clone)]
pub struct ShownRequest {
    pub record: AppealRecord,
    pub media_url: Option<String>,
    /// Where it was marked on the map (the public door's and Open311's), if it was.
    pub point: Option<MapPoint>,
    /// Its timeline, oldest first.
    pub events: Vec<(DateTime<Utc>, EventBody)>,
}

const KEY_NAME_TAKEN: suqiu_core::error::Msg = msg!(
    "key_name_taken",
    "已有同名的有效密钥：请换一个名称，或先吊销那一个",
    "An active key has this name: choose another, or revoke that one first",
);
const KEY_REVOKED: suqiu_core::error::Msg = msg!(
    "key_revoked",
    "这个密钥已经吊销",
    "This key is already revoked",
);

const KEY_COLUMNS: &str = "k.id, k.name, k.channel, k.created_by, u.display_name AS created_by_name, \
     k.created_at, k.revoked_at, k.last_used_at, k.per_hour FROM api_keys k LEFT JOIN users u ON u.id = k.created_by";

fn key_from(row: &AnyRow) -> Result<ApiKey> {
    Ok(ApiKey {
        id: get(row, "id")?,
        name: get(row, "name")?,
        channel: get_code(row, "channel", Channel::parse)?,
        created_by: get(row, "created_by")?,
        created_by_name: get(row, "created_by_name")?,
        created_at: get_time(row, "created_at")?,
        revoked_at: get_opt_time(row, "revoked_at")?,
        last_used_at: get_opt_time(row, "last_used_at")?,
        per_hour: get(row, "per_hour")?,
    })
}

impl Store {
    /// Keeps a new key of the system `name` (checked by `core::open311::check_key_name`) by
    /// its hash, allowed `per_hour` posts an hour; `Conflict` on `name` while another active
    /// key has that name.
    pub async fn add_api_key(
        &self,
        name: &str,
        key_hash: &str,
        per_hour: i64,
        created_by: Option<Id>,
        now: DateTime<Utc>,
    ) -> Result<ApiKey> {
        let row = sqlx::query(
            "INSERT INTO api_keys (name, channel, key_hash, created_by, created_at, per_hour) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(name)
        .bind(Channel::Api.code())
        .bind(key_hash)
        .bind(created_by)
        .bind(ms(now))
        .bind(per_hour)
        .fetch_one(self.writer.pool()?)
        .await
        .map_err(|e| write_error(e, "name", &KEY_NAME_TAKEN))?;
        let id: Id = get(&row, "id")?;
        self.api_key_where("k.id = $1", id.into())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Every key, the active ones first, newest first.
    pub async fn api_keys(&self) -> Result<Vec<ApiKey>> {
        let sql = format!(
            "SELECT {KEY_COLUMNS} ORDER BY CASE WHEN k.revoked_at IS NULL THEN 0 ELSE 1 END, k.id DESC"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(key_from).collect()
    }

    /// The active key with this hash, if any.
    pub async fn active_api_key(&self, key_hash: &str) -> Result<Option<ApiKey>> {
        self.api_key_where("k.key_hash = $1 AND k.revoked_at IS NULL", key_hash.into())
            .await
    }

    /// The active key of the system `name`, if any.
    pub async fn active_api_key_named(&self, name: &str) -> Result<Option<ApiKey>> {
        self.api_key_where("k.name = $1 AND k.revoked_at IS NULL", name.trim().into())
            .await
    }

    async fn api_key_where(
        &self,
        condition: &str,
        value: crate::sql::Arg,
    ) -> Result<Option<ApiKey>> {
        let sql = format!("SELECT {KEY_COLUMNS} WHERE {condition}");
        let args = Args(vec![value]);
        let row = args.query(&sql).fetch_optional(&self.pool).await?;
        row.as_ref().map(key_from).transpose()
    }

    /// Notes that the key was just used (its list shows when it was last).
    pub async fn api_key_used(&self, id: Id, now: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
            .bind(ms(now))
            .bind(id)
            .execute(self.writer.pool()?)
            .await?;
        Ok(())
    }

    /// Sets how many requests a key may post in an hour. `NotFound` for no such key.
    pub async fn set_api_key_limit(&self, id: Id, per_hour: i64) -> Result<ApiKey> {
        sqlx::query("UPDATE api_keys SET per_hour = $1 WHERE id = $2")
            .bind(per_hour)
            .bind(id)
            .execute(self.writer.pool()?)
            .await?;
        self.api_key_where("k.id = $1", id.into())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Revokes a key: it opens nothing from now on. `NotFound` for no such key, `Conflict`
    /// when it is revoked already.
    pub async fn revoke_api_key(&self, id: Id, now: DateTime<Utc>) -> Result<ApiKey> {
        let done =
            sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(ms(now))
                .bind(id)
                .execute(self.writer.pool()?)
                .await?;
        let key = self.api_key_where("k.id = $1", id.into()).await?;
        match (key, done.rows_affected()) {
            (None, _) => Err(StoreError::NotFound),
            (Some(_), 0) => Err(StoreError::Conflict(suqiu_core::error::FieldError::new(
                "id",
                &KEY_REVOKED,
            ))),
            (Some(key), _) => Ok(key),
        }
    }

    /// Stores an appeal posted through Open311 as [`Store::create_appeal`] does, with the key,
    /// media and map point it came with, in one transaction.
    pub async fn create_api_appeal(
        &self,
        appeal: &Appeal,
        event: &Event,
        origin: &ApiOrigin,
    ) -> Result<Appeal> {
        let new = NewAppeal::new(appeal.clone(), event.clone(), None);
        let origin = origin.clone();
        self.run_job(Undo::Savepoint, move |conn| {
            Box::pin(async move {
                let (appeal, deferred) = insert_new(conn, new).await?;
                sqlx::query(
                    "INSERT INTO open311_requests (appeal_id, api_key_id, media_url) VALUES ($1, $2, $3)",
                )
                .bind(appeal.id)
                .bind(origin.api_key_id)
                .bind(origin.media_url.as_deref())
                .execute(&mut *conn)
                .await?;
                if let Some(point) = origin.point {
                    insert_point(conn, appeal.id, point).await?;
                }
                Ok(Done::keep(appeal, deferred))
            })
        })
        .await
    }

    /// The appeals Open311 may show ([`SHOWN`]) that `query` asks for, newest first, with
    /// their media and timelines.
    pub async fn open311_requests(&self, query: &RequestQuery) -> Result<Vec<ShownRequest>> {
        let mut a = Args::default();
        let mut conds = vec![SHOWN.to_string()];
        match query {
            RequestQuery::Codes(codes) => {
                let codes: Vec<String> = codes
                    .iter()
                    .take(MAX_REQUESTS)
                    .map(|c| a.push(c.trim()))
                    .collect();
                if codes.is_empty() {
                    return Ok(Vec::new());
                }
                conds.push(format!("a.tracking_code IN ({})", codes.join(", ")));
            }
            RequestQuery::Window {
                from,
                to,
                categories,
                statuses,
            } => {
                conds.push(format!("a.created_at >= {}", a.push(ms(*from))));
                conds.push(format!("a.created_at <= {}", a.push(ms(*to))));
                if !categories.is_empty() {
                    let list: Vec<String> = categories.iter().map(|c| a.push(c.as_str())).collect();
                    conds.push(format!("a.category IN ({})", list.join(", ")));
                }
                if !statuses.is_empty() {
                    let list: Vec<String> = statuses.iter().map(|s| a.push(s.code())).collect();
                    conds.push(format!("a.status IN ({})", list.join(", ")));
                }
            }
        }
        let order = "a.created_at DESC, a.id DESC";
        let ids = format!(
            "SELECT a.id FROM appeals a WHERE {} ORDER BY {order} LIMIT {MAX_REQUESTS}",
            conds.join(" AND ")
        );
        let rows = a
            .query(&with_names(&ids, order))
            .fetch_all(&self.pool)
            .await?;
        let records = rows.iter().map(record_from).collect::<Result<Vec<_>>>()?;
        self.shown(records).await
    }

    /// The records with their media, map points and timelines, read for all of them at once.
    async fn shown(&self, records: Vec<AppealRecord>) -> Result<Vec<ShownRequest>> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let mut a = Args::default();
        let ids: Vec<String> = records.iter().map(|r| a.push(r.appeal.id)).collect();
        let ids = ids.join(", ");
        let media: HashMap<Id, Option<String>> = a
            .query(&format!(
                "SELECT appeal_id, media_url FROM open311_requests WHERE appeal_id IN ({ids})"
            ))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((get(r, "appeal_id")?, get(r, "media_url")?)))
            .collect::<Result<_>>()?;
        let points: HashMap<Id, MapPoint> = a
            .query(&format!(
                "SELECT appeal_id, lat, lng FROM appeal_points WHERE appeal_id IN ({ids})"
            ))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                let point = MapPoint {
                    lat: get(r, "lat")?,
                    lng: get(r, "lng")?,
                };
                Ok((get(r, "appeal_id")?, point))
            })
            .collect::<Result<_>>()?;
        let mut events: HashMap<Id, Vec<(DateTime<Utc>, EventBody)>> = HashMap::new();
        let rows = a
            .query(&format!(
                "SELECT appeal_id, at, data FROM appeal_events WHERE appeal_id IN ({ids}) ORDER BY appeal_id, id"
            ))
            .fetch_all(&self.pool)
            .await?;
        for r in &rows {
            let id: Id = get(r, "appeal_id")?;
            events
                .entry(id)
                .or_default()
                .push((get_time(r, "at")?, get_json(r, "data")?));
        }
        Ok(records
            .into_iter()
            .map(|record| ShownRequest {
                media_url: media.get(&record.appeal.id).cloned().flatten(),
                point: points.get(&record.appeal.id).copied(),
                events: events.remove(&record.appeal.id).unwrap_or_default(),
                record,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SQL twin says what core says: the consent flag as stored, the API's channel code.
    #[test]
    fn shown_is_cores_rule() {
        assert!(SHOWN.contains(&format!("a.channel = '{}'", Channel::Api.code())));
        assert!(SHOWN.contains("a.public_consent = 1"));
        assert!(SHOWN.contains("a.spam_at IS NULL"));
    }
}
