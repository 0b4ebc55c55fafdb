//! The district's gazetteer (`suqiu_core::gazetteer`): the place names of each community,
//! replaced whole when an administrator saves a community's list (one transaction: a
//! reader sees the old list or the new, never half of each).

use chrono::{DateTime, Utc};
use suqiu_core::gazetteer::Place;
use suqiu_core::Id;

use crate::error::Result;
use crate::sql::{get, ms};
use crate::writer::Deferred;
use crate::writer::{Done, Undo};
use crate::Store;

impl Store {
    /// Every name of the gazetteer, by community and name.
    pub async fn places(&self) -> Result<Vec<Place>> {
        let rows =
            sqlx::query("SELECT org_unit_id, name FROM org_places ORDER BY org_unit_id, name")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(Place {
                    org_unit_id: get(r, "org_unit_id")?,
                    name: get(r, "name")?,
                })
            })
            .collect()
    }

    /// The names of one community, in the order of the gazetteer (by name).
    pub async fn places_of(&self, org_unit_id: Id) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT name FROM org_places WHERE org_unit_id = $1 ORDER BY name")
            .bind(org_unit_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| get(r, "name")).collect()
    }

    /// Replaces the names of a community with `names` (checked by
    /// `core::gazetteer::check_names`: trimmed, each once), in one transaction. A name kept
    /// keeps its row and the time it was first added.
    pub async fn set_places(
        &self,
        org_unit_id: Id,
        names: Vec<String>,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        self.run_job(Undo::Savepoint, move |conn| {
            Box::pin(async move {
                let rows = sqlx::query("SELECT name FROM org_places WHERE org_unit_id = $1")
                    .bind(org_unit_id)
                    .fetch_all(&mut *conn)
                    .await?;
                let before: Vec<String> = rows.iter().map(|r| get(r, "name")).collect::<Result<_>>()?;
                for gone in before.iter().filter(|n| !names.contains(n)) {
                    sqlx::query("DELETE FROM org_places WHERE org_unit_id = $1 AND name = $2")
                        .bind(org_unit_id)
                        .bind(gone)
                        .execute(&mut *conn)
                        .await?;
                }
                for new in names.iter().filter(|n| !before.contains(n)) {
                    sqlx::query(
                        "INSERT INTO org_places (org_unit_id, name, created_at) VALUES ($1, $2, $3)",
                    )
                    .bind(org_unit_id)
                    .bind(new)
                    .bind(ms(now))
                    .execute(&mut *conn)
                    .await?;
                }
                let mut kept = names;
                kept.sort();
                Ok(Done::keep(kept, Deferred::default()))
            })
        })
        .await
    }
}
