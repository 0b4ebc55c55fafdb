//! Bulk load of appeals for the demo generator and benchmarks: millions of rows in minutes.
//!
//! Why it differs from the normal path: ids are reserved up front so that thousands of rows
//! go in per multi-row INSERT (appeals, search index, events), roll-up deltas are summed in
//! memory and upserted once per transaction, and a transaction holds [`BATCH`] appeals so
//! commits (fsyncs) are rare. The rows are the same as the normal path writes.

use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};
use suqiu_core::error::FieldError;
use suqiu_core::msg;

use suqiu_core::appeal::Appeal;
use suqiu_core::lifecycle::Event;
use suqiu_core::measures::AppealFacts;
use suqiu_core::Id;

use crate::appeal_row::{
    event_values, normalize, normalize_event, search_tokens, values, EVENT_COLUMNS,
};
use crate::dialect::insert_rows;
use crate::error::{Result, StoreError, ORG_UNIT_MISSING, TRACKING_CODE_TAKEN};
use crate::metrics::{contribution, Deltas};
use crate::sql::{get, invalid, write_error, Arg};
use crate::{dialect, Backend, Store};

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
        let prepared = batch
            .iter()
            .map(|(appeal, events)| prepare(appeal, events, paths, categories))
            .collect::<Result<Vec<_>>>()?;
        let backend = self.backend;
        let mut tx = self.writer.begin().await?;
        let ids = dialect::reserve_ids(backend, &mut tx, "appeals", prepared.len()).await?;
        let rows = BatchRows::of(&prepared, &ids)?;
        rows.insert(backend, &mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// One appeal of a batch, ready to write: normalized, its units' paths resolved, its search
/// tokens segmented.
struct Prepared {
    appeal: Appeal,
    events: Vec<Event>,
    org_path: String,
    handling_path: String,
    tokens: String,
    neardup: Vec<i64>,
}

/// Checks an appeal's references against the org tree and the categories in memory (as
/// `create_appeal` does against the database) and does its CPU work.
fn prepare(
    appeal: &Appeal,
    events: &[Event],
    paths: &HashMap<Id, String>,
    categories: &HashSet<String>,
) -> Result<Prepared> {
    let mut appeal = appeal.clone();
    normalize(&mut appeal);
    let mut events = events.to_vec();
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
    let tokens = search_tokens(&appeal);
    let neardup = crate::similar::neardup_keys(&appeal);
    Ok(Prepared {
        appeal,
        events,
        org_path,
        handling_path,
        tokens,
        neardup,
    })
}

/// A batch's rows for its three multi-row INSERTs, and its roll-up deltas summed in memory.
struct BatchRows {
    columns: Vec<&'static str>,
    appeals: Vec<Vec<Arg>>,
    search: Vec<(Id, String, String)>,
    events: Vec<Vec<Arg>>,
    neardup: Vec<Vec<Arg>>,
    deltas: Deltas,
}

impl BatchRows {
    /// The rows of `prepared`, the appeals taking the reserved `ids` in order.
    fn of(prepared: &[Prepared], ids: &[i64]) -> Result<BatchRows> {
        let mut rows = BatchRows {
            columns: vec!["id"],
            appeals: Vec::with_capacity(prepared.len()),
            search: Vec::new(),
            events: Vec::new(),
            neardup: Vec::new(),
            deltas: Deltas::default(),
        };
        for (p, id) in prepared.iter().zip(ids) {
            let vals = values(&p.appeal, &p.org_path, &p.handling_path, &p.tokens)?;
            if rows.columns.len() == 1 {
                rows.columns.extend(vals.iter().map(|(c, _)| *c));
            }
            let mut row = vec![Arg::from(*id)];
            row.extend(vals.into_iter().map(|(_, v)| v));
            rows.appeals.push(row);
            let scope = dialect::search_scope(&p.org_path)?;
            (rows.search).push((*id, p.tokens.clone(), scope));
            for e in &p.events {
                rows.events.push(event_values(*id, e)?);
            }
            (rows.neardup).extend(crate::similar::neardup_rows(*id, &p.appeal, &p.neardup));
            rows.deltas.add(
                &p.org_path,
                p.appeal.created_at,
                &contribution(&AppealFacts::from(&p.appeal)),
            )?;
            rows.deltas.add_received(&p.org_path, &p.appeal)?;
        }
        Ok(rows)
    }

    /// Writes the rows and upserts the deltas, inside the batch's transaction.
    async fn insert(self, backend: Backend, conn: &mut AnyConnection) -> Result<()> {
        insert_rows(backend, conn, "appeals", &self.columns, self.appeals, "")
            .await
            .map_err(|e| match e {
                StoreError::Database(e) => write_error(e, "tracking_code", &TRACKING_CODE_TAKEN),
                other => other,
            })?;
        dialect::insert_search(backend, conn, self.search).await?;
        // Rows of one statement get increasing ids in VALUES order, so each appeal's events
        // keep their order.
        insert_rows(
            backend,
            conn,
            "appeal_events",
            &EVENT_COLUMNS,
            self.events,
            "",
        )
        .await?;
        crate::similar::insert_neardup(backend, conn, self.neardup).await?;
        self.deltas.write(backend, conn).await
    }
}
