//! Bulk load of appeals for the demo generator and benchmarks: millions of rows in minutes.
//!
//! Why it differs from the normal path: ids are reserved up front so that thousands of rows
//! go in per multi-row INSERT (appeals, search index, events), roll-up deltas are summed in
//! memory and upserted once per transaction, and a transaction holds [`BATCH`] appeals so
//! commits (fsyncs) are rare. The rows are the same as the normal path writes.

use std::collections::{HashMap, HashSet};
use suqiu_core::error::FieldError;
use suqiu_core::msg;

use suqiu_core::appeal::Appeal;
use suqiu_core::lifecycle::Event;
use suqiu_core::measures::AppealFacts;
use suqiu_core::Id;

use crate::appeal_row::{event_values, normalize, normalize_event, values, EVENT_COLUMNS};
use crate::dialect::insert_rows;
use crate::error::{Result, StoreError, ORG_UNIT_MISSING, TRACKING_CODE_TAKEN};
use crate::metrics::{contribution, Deltas};
use crate::sql::{get, invalid, write_error, Arg};
use crate::{dialect, Store};

/// Appeals per transaction.
const BATCH: usize = 5_000;
/// Below this many appeals a load does not refresh the planner's statistics.
const ANALYZE_AFTER: usize = 10_000;

impl Store {
    /// Bulk load for the demo generator and benchmarks: appeals (their `id` is ignored)
    /// with their whole timelines, in large transactions, maintaining search tokens and
    /// roll-ups like the normal path. References are checked as in `create_appeal`
    /// (`Invalid` names the field); a failing batch rolls back, earlier batches stay.
    pub async fn insert_appeals_bulk(&self, appeals: &[(Appeal, Vec<Event>)]) -> Result<()> {
        let paths = self.org_paths().await?;
        let categories: HashSet<String> = sqlx::query("SELECT code FROM categories")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| get(r, "code"))
            .collect::<Result<_>>()?;
        for batch in appeals.chunks(BATCH) {
            self.insert_batch(batch, &paths, &categories).await?;
        }
        if appeals.len() >= ANALYZE_AFTER {
            self.analyze().await?;
        }
        Ok(())
    }

    /// Refreshes the query planner's statistics; loaders that call `insert_appeals_bulk`
    /// in many small slices call this once at the end.
    pub async fn analyze(&self) -> Result<()> {
        for statement in dialect::analyze(self.backend) {
            sqlx::query(statement).execute(self.writer.pool()?).await?;
        }
        Ok(())
    }

    async fn insert_batch(
        &self,
        batch: &[(Appeal, Vec<Event>)],
        paths: &HashMap<Id, String>,
        categories: &HashSet<String>,
    ) -> Result<()> {
        // Everything that needs no database first, outside the transaction.
        let mut prepared = Vec::with_capacity(batch.len());
        for (appeal, events) in batch {
            let mut appeal = appeal.clone();
            normalize(&mut appeal);
            let mut events = events.clone();
            events.iter_mut().for_each(normalize_event);
            let path = |id: Id, field: &str| {
                paths
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| invalid(field, &ORG_UNIT_MISSING))
            };
            let org_path = path(appeal.org_unit_id, "org_unit_id")?;
            let handling_path = path(appeal.handling_org_unit_id, "handling_org_unit_id")?;
            if !categories.contains(&appeal.category) {
                return Err(StoreError::Invalid(
                    FieldError::new(
                        "category",
                        &msg!(
                            "category_unknown_named",
                            "未知的诉求类别 {category}",
                            "Unknown appeal category {category}"
                        ),
                    )
                    .with("category", &appeal.category),
                ));
            }
            let tokens = dialect::index_tokens(
                appeal.title.as_deref(),
                &appeal.content,
                appeal.location.as_deref(),
            );
            prepared.push((appeal, events, org_path, handling_path, tokens));
        }

        let backend = self.backend;
        let mut tx = self.writer.begin().await?;
        let ids = dialect::reserve_ids(backend, &mut tx, "appeals", prepared.len()).await?;
        let mut appeal_rows = Vec::with_capacity(prepared.len());
        let mut event_rows = Vec::new();
        let mut fts_rows = Vec::new();
        let mut deltas = Deltas::default();
        let mut columns = vec!["id"];
        for ((appeal, events, org_path, handling_path, tokens), id) in prepared.iter().zip(&ids) {
            let vals = values(appeal, org_path, handling_path, tokens)?;
            if columns.len() == 1 {
                columns.extend(vals.iter().map(|(c, _)| *c));
            }
            let mut row = vec![Arg::from(*id)];
            row.extend(vals.into_iter().map(|(_, v)| v));
            appeal_rows.push(row);
            if dialect::separate_search_index(backend) {
                let scope = dialect::search_scope(org_path)?;
                fts_rows.push(vec![
                    Arg::from(*id),
                    Arg::from(tokens.as_str()),
                    Arg::from(scope),
                ]);
            }
            for e in events {
                event_rows.push(event_values(*id, e)?);
            }
            deltas.add(
                org_path,
                appeal.created_at,
                &contribution(&AppealFacts::from(appeal)),
            )?;
            deltas.add_received(org_path, appeal)?;
        }
        insert_rows(backend, &mut tx, "appeals", &columns, appeal_rows, "")
            .await
            .map_err(|e| match e {
                StoreError::Database(e) => write_error(e, "tracking_code", &TRACKING_CODE_TAKEN),
                other => other,
            })?;
        insert_rows(
            backend,
            &mut tx,
            "appeal_fts",
            &["rowid", "tokens", "scope"],
            fts_rows,
            "",
        )
        .await?;
        // Rows of one statement get increasing ids in VALUES order, so each appeal's events
        // keep their order.
        insert_rows(
            backend,
            &mut tx,
            "appeal_events",
            &EVENT_COLUMNS,
            event_rows,
            "",
        )
        .await?;
        deltas.write(backend, &mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
