//! Checking the roll-ups against the appeals they sum.

use super::*;

impl Store {
    /// Recomputes every roll-up row from the appeals and lists the rows that disagree
    /// (empty when all agree). Also checks each appeal's denormalized `due_at`, `live` and `pending_from`.
    pub async fn verify_rollups(&self) -> Result<Vec<String>> {
        const CHUNK: i64 = 20_000;
        let mut problems = Vec::new();
        let mut expected = Deltas::default();
        let mut after = 0i64;
        loop {
            let rows = sqlx::query(&format!(
                "SELECT a.id, a.org_path, a.due_at, a.live, a.pending_from, {FACT_COLUMNS} FROM appeals a WHERE a.id > $1 ORDER BY a.id LIMIT $2"
            ))
            .bind(after)
            .bind(CHUNK)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = get(last, "id")?;
            for row in &rows {
                let id: Id = get(row, "id")?;
                let f = facts_from(row)?;
                let path: String = get(row, "org_path")?;
                expected.add(&path, f.created_at, &contribution(&f))?;
                let due = f.current_deadline().map(ms);
                if get::<Option<i64>>(row, "due_at")? != due {
                    problems.push(format!(
                        "appeal {id}: due_at disagrees with its state (expected {due:?})"
                    ));
                }
                if get::<Option<i64>>(row, "pending_from")? != f.pending_from().map(ms) {
                    problems.push(format!(
                        "appeal {id}: pending_from disagrees with its state"
                    ));
                }
                if (get::<i64>(row, "live")? != 0) != f.is_live() {
                    problems.push(format!("appeal {id}: live flag disagrees with its state"));
                }
            }
        }
        let mut stored: BTreeMap<(Id, String), Rollup> = BTreeMap::new();
        let sums: Vec<String> = ROLLUP_COLUMNS
            .iter()
            .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
            .collect();
        let rows = sqlx::query(&format!(
            "SELECT org_unit_id, day, {} FROM appeal_daily GROUP BY org_unit_id, day",
            sums.join(", ")
        ))
        .fetch_all(&self.pool)
        .await?;
        for row in rows {
            let mut r: Rollup = [0; 13];
            for (v, c) in r.iter_mut().zip(ROLLUP_COLUMNS) {
                *v = get(&row, c)?;
            }
            stored.insert((get(&row, "org_unit_id")?, get(&row, "day")?), r);
        }
        let expected = expected.days;
        let keys: std::collections::BTreeSet<&(Id, String)> =
            expected.keys().chain(stored.keys()).collect();
        for key in keys {
            let e = expected.get(key).copied().unwrap_or([0; 13]);
            let s = stored.get(key).copied().unwrap_or([0; 13]);
            if e != s {
                let diffs: Vec<String> = ROLLUP_COLUMNS
                    .iter()
                    .zip(e.iter().zip(s.iter()))
                    .filter(|(_, (e, s))| e != s)
                    .map(|(c, (e, s))| format!("{c}: stored {s}, expected {e}"))
                    .collect();
                problems.push(format!(
                    "roll-up of org unit {} on {}: {}",
                    key.0,
                    key.1,
                    diffs.join("; ")
                ));
            }
        }
        problems.extend(self.verify_dims().await?);
        problems.extend(self.verify_places().await?);
        Ok(problems)
    }
}
