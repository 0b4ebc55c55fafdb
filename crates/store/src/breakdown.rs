//! Appeals received in a period by category, for the statistics page's breakdown.

use chrono::{DateTime, Utc};
use suqiu_core::Id;

use crate::error::{Result, StoreError};
use crate::sql::{get, ms, Args};
use crate::{scope, Store};

impl Store {
    /// `(category code, appeals)` for appeals received in `[from, to)` in the subtree of
    /// `org_unit_id`, most first. `NotFound` for an unknown node.
    pub async fn category_counts(
        &self,
        org_unit_id: Id,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(String, i64)>> {
        let node = self
            .org_unit(org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut a = Args::default();
        let subtree = scope::in_subtree("a.org_path", &node.path, &mut a);
        let from = a.push(ms(from));
        let to = a.push(ms(to));
        let sql = format!(
            "SELECT a.category AS category, COUNT(*) AS n FROM appeals a \
             WHERE {subtree} AND a.created_at >= {from} AND a.created_at < {to} \
             GROUP BY a.category ORDER BY n DESC, a.category"
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok((get(r, "category")?, get(r, "n")?)))
            .collect()
    }
}
