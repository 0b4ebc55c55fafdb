//! Appeals residents bring themselves (the public door): stored as any other appeal, with
//! the point they marked on a map when they marked one and the photos they sent (as the
//! server re-encoded them), in the same transaction: an appeal answered 201 has its photos.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use suqiu_core::appeal::Appeal;
use suqiu_core::lifecycle::{appellant_answer, AppellantAnswer, Event, Refusal};
use suqiu_core::notice::for_appellant_answer;
use suqiu_core::public::MapPoint;
use suqiu_core::Id;

use crate::appeal_row::{load, NewAppeal};
use crate::appeals::{commit_events, insert_new, AppealRecord};
use crate::error::{Result, StoreError};
use crate::sql::{get, ms};
use crate::writer::{Done, Undo};
use crate::{dialect, Store};

/// Keeps the map point of a new appeal (in its transaction).
pub(crate) async fn insert_point(
    conn: &mut AnyConnection,
    appeal_id: Id,
    point: MapPoint,
) -> Result<()> {
    sqlx::query("INSERT INTO appeal_points (appeal_id, lat, lng) VALUES ($1, $2, $3)")
        .bind(appeal_id)
        .bind(point.lat)
        .bind(point.lng)
        .execute(conn)
        .await?;
    Ok(())
}

/// A photo as kept: a JPEG the server made, and its size in pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptPhoto {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// What a list of an appeal's photos says of each (the bytes are read one at a time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoInfo {
    /// Its place among the appeal's photos, from 1.
    pub seq: i64,
    pub width: i64,
    pub height: i64,
}

/// Keeps the photos of a new appeal (in its transaction), numbered from 1 in the order sent.
async fn insert_photos(
    conn: &mut AnyConnection,
    appeal_id: Id,
    photos: Vec<KeptPhoto>,
    now: DateTime<Utc>,
) -> Result<()> {
    for (seq, photo) in (1i64..).zip(photos) {
        sqlx::query(
            "INSERT INTO appeal_photos (appeal_id, seq, bytes, width, height, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(appeal_id)
        .bind(seq)
        .bind(photo.bytes)
        .bind(i64::from(photo.width))
        .bind(i64::from(photo.height))
        .bind(ms(now))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

impl Store {
    /// Stores a public appeal (see `create_appeal`), its map point and its photos, if any,
    /// together.
    pub async fn create_public_appeal(
        &self,
        appeal: &Appeal,
        event: &Event,
        point: Option<MapPoint>,
        photos: Vec<KeptPhoto>,
    ) -> Result<Appeal> {
        if point.is_none() && photos.is_empty() {
            return self.create_appeal(appeal, event).await;
        }
        let new = NewAppeal::new(appeal.clone(), event.clone(), None);
        let now = appeal.created_at;
        self.run_job(Undo::Savepoint, move |conn| {
            Box::pin(async move {
                let (appeal, deferred) = insert_new(conn, new).await?;
                if let Some(point) = point {
                    insert_point(conn, appeal.id, point).await?;
                }
                insert_photos(conn, appeal.id, photos, now).await?;
                Ok(Done::keep(appeal, deferred))
            })
        })
        .await
    }

    /// The photos of an appeal, in order, without their bytes. The caller has checked that
    /// its reader may read the appeal.
    pub async fn appeal_photos(&self, appeal_id: Id) -> Result<Vec<PhotoInfo>> {
        let rows = sqlx::query(
            "SELECT seq, width, height FROM appeal_photos WHERE appeal_id = $1 ORDER BY seq",
        )
        .bind(appeal_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PhotoInfo {
                    seq: get(r, "seq")?,
                    width: get(r, "width")?,
                    height: get(r, "height")?,
                })
            })
            .collect()
    }

    /// One photo of an appeal (a JPEG), if it has one at `seq`. The caller has checked that
    /// its reader may read the appeal.
    pub async fn appeal_photo(&self, appeal_id: Id, seq: i64) -> Result<Option<Vec<u8>>> {
        let row = sqlx::query("SELECT bytes FROM appeal_photos WHERE appeal_id = $1 AND seq = $2")
            .bind(appeal_id)
            .bind(seq)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| get(&r, "bytes")).transpose()
    }

    /// The appellant's own answer to the follow-up (`core::lifecycle::appellant_answer`), in
    /// one transaction: the appeal locked, the answer decided and applied, the events and
    /// roll-ups written, and the handling unit told. The caller has proved the appellant
    /// (tracking code and phone digits); no staff scope applies.
    pub async fn answer_as_appellant(
        &self,
        id: Id,
        answer: AppellantAnswer,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<AppealRecord, Refusal>> {
        let backend = self.backend();
        self.run_job(Undo::Savepoint, move |conn| {
            Box::pin(async move {
                let record = load(conn, id, dialect::lock_appeal(backend))
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let events = match appellant_answer(&record.appeal, &answer, now) {
                    Ok(events) => events,
                    Err(refusal) => return Ok(Done::discard(Err(refusal))),
                };
                let (after, deferred) = commit_events(conn, &record, events).await?;
                let record = load(conn, id, "").await?.ok_or(StoreError::NotFound)?;
                let notice = for_appellant_answer(&after, &answer);
                crate::notifications::insert(conn, &record, &[notice], now).await?;
                Ok(Done::keep(Ok(record), deferred))
            })
        })
        .await
    }

    /// The map point of an appeal, when its appellant marked one.
    pub async fn appeal_point(&self, appeal_id: Id) -> Result<Option<MapPoint>> {
        let row = sqlx::query("SELECT lat, lng FROM appeal_points WHERE appeal_id = $1")
            .bind(appeal_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(MapPoint {
                lat: get(&r, "lat")?,
                lng: get(&r, "lng")?,
            })
        })
        .transpose()
    }
}
