//! Appeals residents bring themselves (the public door): stored as any other appeal, with
//! the point they marked on a map when they marked one, in the same transaction.

use suqiu_core::appeal::Appeal;
use suqiu_core::lifecycle::Event;
use suqiu_core::public::MapPoint;
use suqiu_core::Id;

use crate::appeal_row::prepared;
use crate::appeals::insert_new;
use crate::error::Result;
use crate::sql::get;
use crate::writer::{self, Done, Undo};
use crate::Store;

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
        let (appeal, event, tokens) = prepared(appeal, event);
        writer::run(
            self.queue.as_ref(),
            &self.writer,
            Undo::Savepoint,
            move |conn| {
                Box::pin(async move {
                    let (id, deferred) = insert_new(conn, &appeal, &event, &tokens).await?;
                    sqlx::query(
                        "INSERT INTO appeal_points (appeal_id, lat, lng) VALUES ($1, $2, $3)",
                    )
                    .bind(id)
                    .bind(point.lat)
                    .bind(point.lng)
                    .execute(&mut *conn)
                    .await?;
                    Ok(Done::keep(Appeal { id, ..appeal }, deferred))
                })
            },
        )
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
