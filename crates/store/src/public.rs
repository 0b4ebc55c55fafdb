//! Appeals residents bring themselves (the public door): stored as any other appeal, with
//! the point they marked on a map when they marked one, in the same transaction.

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
use crate::sql::get;
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

impl Store {
    /// Stores a public appeal (see `create_appeal`) and its map point, if any, together.
    pub async fn create_public_appeal(
        &self,
        appeal: &Appeal,
        event: &Event,
        point: Option<MapPoint>,
    ) -> Result<Appeal> {
        let Some(point) = point else {
            return self.create_appeal(appeal, event).await;
        };
        let new = NewAppeal::new(appeal.clone(), event.clone());
        self.run_job(Undo::Savepoint, move |conn| {
            Box::pin(async move {
                let (appeal, deferred) = insert_new(conn, new).await?;
                insert_point(conn, appeal.id, point).await?;
                Ok(Done::keep(appeal, deferred))
            })
        })
        .await
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
