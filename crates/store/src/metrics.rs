//! Measures per node and period, fast at millions of appeals.
//!
//! Each appeal's "settled" contribution (everything that does not depend on the clock) is
//! kept in a daily roll-up per (org unit, day received), updated by delta in the same
//! transaction as the appeal; the clock-dependent part (open appeals past a deadline) is
//! computed live over the few open appeals. `verify_rollups` recomputes from the appeals.
//!
//! A roll-up row holds the totals of the node's whole SUBTREE (each appeal adds to the row of
//! every ancestor of its node): a period for a node and its children then reads
//! `(1 + children) × days` rows, whatever the size of the tree below — a district over a
//! year is a few thousand rows. Writes pay with one multi-row upsert of tree-depth (≤ 4) rows.
//!
//! The split between settled and live is core's `AppealFacts::settled` / `pending`.

use std::collections::{BTreeMap, HashMap};
use suqiu_core::error::FieldError;
use suqiu_core::msg;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use suqiu_core::appeal::{Appeal, Satisfaction, Status};
use suqiu_core::calendar::{shanghai, shanghai_date};
use suqiu_core::measures::{AppealFacts, Counts};
use suqiu_core::org::OrgUnit;
use suqiu_core::Id;

use crate::dialect;
use crate::dims::DimDeltas;
use crate::error::{Result, StoreError};
use crate::places::PlaceDeltas;
use crate::sql::{
    date_text, get, get_code, get_opt_code, get_opt_time, get_time, ms, now_bounds, Arg, Args,
};
use crate::{Backend, Store};

mod verify;

/// Counts for a node's whole subtree and for each of its children.
#[derive(Debug, Clone)]
pub struct NodeCounts {
    pub total: Counts,
    pub children: Vec<(OrgUnit, Counts)>,
}

/// The roll-up columns, in [`Rollup`] order; each is a `Counts` field (settled part).
pub(crate) const ROLLUP_COLUMNS: [&str; 13] = [
    "received",
    "accepted",
    "resolved",
    "closed",
    "responded",
    "responded_on_time",
    "resolve_settled",
    "resolved_on_time",
    "followed_up",
    "solved",
    "satisfied",
    "reopened",
    "ever_closed",
];

/// One roll-up row's values (signed: deltas can be negative, e.g. a reopen un-resolves).
pub(crate) type Rollup = [i64; 13];

fn rollup_of(c: &Counts) -> Rollup {
    [
        c.received,
        c.accepted,
        c.resolved,
        c.closed,
        c.response_due,
        c.responded_on_time,
        c.resolve_due,
        c.resolved_on_time,
        c.followed_up,
        c.solved,
        c.satisfied,
        c.reopened,
        c.ever_closed,
    ]
    .map(|v| v as i64)
}

fn counts_of(r: &Rollup) -> Result<Counts> {
    if r.iter().any(|v| *v < 0) {
        return Err(StoreError::Corrupt(format!("negative roll-up {r:?}")));
    }
    let v = r.map(|x| x as u64);
    Ok(Counts {
        received: v[0],
        accepted: v[1],
        resolved: v[2],
        closed: v[3],
        response_due: v[4],
        responded_on_time: v[5],
        resolve_due: v[6],
        resolved_on_time: v[7],
        followed_up: v[8],
        solved: v[9],
        satisfied: v[10],
        reopened: v[11],
        ever_closed: v[12],
        overdue_open: 0,
    })
}

/// The settled roll-up contribution of one appeal.
pub(crate) fn contribution(f: &AppealFacts) -> Rollup {
    rollup_of(&f.settled())
}

/// The ids on a materialized path, root first (`/1/4/27/` → 1, 4, 27).
pub(crate) fn ancestors(path: &str) -> Result<Vec<Id>> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| StoreError::Corrupt(format!("bad org path {path:?}")))
        })
        .collect()
}

/// How many rows each (org unit, day) roll-up is spread over on PostgreSQL. Every intake of a
/// day adds to the rows of the same ancestors (the street, the district); in one row those
/// updates would queue on its lock, commit after commit. A transaction writes to one shard at
/// random, readers sum the shards (they already sum days). SQLite's single writer uses shard 0.
pub(crate) const ROLLUP_SHARDS: i64 = 8;

/// Roll-up deltas keyed by (org unit, Shanghai day), accumulated before one upsert, with the
/// received counts of the appeals registered by kind, category and channel (see `dims`) and
/// by month, place and category (see `places`).
#[derive(Debug, Default)]
pub(crate) struct Deltas {
    days: BTreeMap<(Id, String), Rollup>,
    dims: DimDeltas,
    places: PlaceDeltas,
}

impl Deltas {
    /// Adds `sign ×` an appeal's contribution to the rows of every ancestor of its node.
    pub(crate) fn add(
        &mut self,
        org_path: &str,
        created_at: DateTime<Utc>,
        delta: &Rollup,
    ) -> Result<()> {
        if delta.iter().all(|v| *v == 0) {
            return Ok(());
        }
        let day = date_text(shanghai_date(created_at));
        for id in ancestors(org_path)? {
            let row = self.days.entry((id, day.clone())).or_insert([0; 13]);
            for (r, d) in row.iter_mut().zip(delta) {
                *r += d;
            }
        }
        Ok(())
    }

    /// Counts a newly registered appeal by kind, category and channel, and by place.
    pub(crate) fn add_received(&mut self, org_path: &str, appeal: &Appeal) -> Result<()> {
        self.places.add(appeal, 1);
        self.dims.add(org_path, appeal, 1)
    }

    /// Moves an appeal's received counts by kind, category and channel and by place from
    /// what `before` counted to what `after` counts: sorting it into another category moves
    /// it between categories, marking it as spam takes it out (unmarking puts it back).
    pub(crate) fn move_received(
        &mut self,
        org_path: &str,
        before: &Appeal,
        after: &Appeal,
    ) -> Result<()> {
        let counted = |a: &Appeal| (a.category.clone(), a.spam_at.is_none());
        if counted(before) == counted(after) {
            return Ok(());
        }
        self.places.add(before, -1);
        self.places.add(after, 1);
        self.dims.add(org_path, before, -1)?;
        self.dims.add(org_path, after, 1)
    }

    /// Adds another set of deltas (e.g. one job's into its batch's).
    pub(crate) fn merge(&mut self, other: Deltas) {
        self.dims.merge(other.dims);
        self.places.merge(other.places);
        for (key, delta) in other.days {
            let row = self.days.entry(key).or_insert([0; 13]);
            for (r, d) in row.iter_mut().zip(delta) {
                *r += d;
            }
        }
    }

    /// Upserts the accumulated deltas into one shard (see [`ROLLUP_SHARDS`]), in key order, so
    /// concurrent writers on PostgreSQL lock roll-up rows in the same order and cannot deadlock.
    pub(crate) async fn write(self, backend: Backend, conn: &mut AnyConnection) -> Result<()> {
        let shard = crate::dialect::rollup_shard(backend);
        self.dims.write(backend, conn, shard).await?;
        self.places.write(backend, conn).await?;
        let rows: Vec<Vec<Arg>> = self
            .days
            .into_iter()
            .filter(|(_, v)| v.iter().any(|x| *x != 0))
            .map(|((id, day), v)| {
                let mut row = vec![Arg::from(id), Arg::from(day), Arg::from(shard)];
                row.extend(v.iter().map(|x| Arg::from(*x)));
                row
            })
            .collect();
        if rows.is_empty() {
            return Ok(());
        }
        let mut columns = vec!["org_unit_id", "day", "shard"];
        columns.extend(ROLLUP_COLUMNS);
        let sets: Vec<String> = ROLLUP_COLUMNS
            .iter()
            .map(|c| format!("{c} = appeal_daily.{c} + excluded.{c}"))
            .collect();
        let suffix = format!(
            "ON CONFLICT (org_unit_id, day, shard) DO UPDATE SET {}",
            sets.join(", ")
        );
        dialect::insert_rows(backend, conn, "appeal_daily", &columns, rows, &suffix).await
    }
}

/// The measure facts columns of `appeals` (alias `a`).
pub(crate) const FACT_COLUMNS: &str =
    "a.status, a.created_at, a.respond_by, a.responded_at, a.accepted_at, \
     a.resolve_by, a.resolved_at, a.satisfaction, a.solved, a.reopen_count, a.suspended_at, a.spam_at";

pub(crate) fn facts_from(row: &AnyRow) -> Result<AppealFacts> {
    Ok(AppealFacts {
        status: get_code(row, "status", Status::parse)?,
        created_at: get_time(row, "created_at")?,
        respond_by: get_time(row, "respond_by")?,
        responded_at: get_opt_time(row, "responded_at")?,
        accepted_at: get_opt_time(row, "accepted_at")?,
        resolve_by: get_opt_time(row, "resolve_by")?,
        resolved_at: get_opt_time(row, "resolved_at")?,
        satisfaction: get_opt_code(row, "satisfaction", Satisfaction::parse)?,
        solved: get::<Option<i64>>(row, "solved")?.map(|v| v != 0),
        reopen_count: u32::try_from(get::<i64>(row, "reopen_count")?)
            .map_err(|_| StoreError::Corrupt("column reopen_count: out of range".into()))?,
        suspended: get::<Option<i64>>(row, "suspended_at")?.is_some(),
        spam: get::<Option<i64>>(row, "spam_at")?.is_some(),
    })
}

/// `Status` codes of open appeals, as an SQL list (`'registered', …`), from core's rule.
pub(crate) fn open_status_list() -> String {
    status_list(Status::is_open)
}

/// The codes of the statuses `keep` selects, as an SQL list.
pub(crate) fn status_list(keep: fn(Status) -> bool) -> String {
    Status::ALL
        .iter()
        .filter(|s| keep(**s))
        .map(|s| format!("'{}'", s.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The UTC instant at which Shanghai day `d` begins, in milliseconds.
pub(crate) fn day_start(d: NaiveDate) -> Result<i64> {
    shanghai()
        .from_local_datetime(&d.and_time(NaiveTime::MIN))
        .single()
        .map(|t| ms(t.with_timezone(&Utc)))
        .ok_or_else(|| {
            StoreError::Invalid(FieldError::new(
                "from",
                &msg!(
                    "date_out_of_range",
                    "日期超出范围",
                    "The date is out of range"
                ),
            ))
        })
}

/// The longest path every one of `paths` lies under (`/1/4/27/`, `/1/4/30/` → `/1/4/`).
fn common_ancestor<'p>(paths: impl Iterator<Item = &'p str>) -> String {
    let mut common: Option<Vec<&str>> = None;
    for p in paths {
        let parts: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
        common = Some(match common {
            None => parts,
            Some(c) => c
                .iter()
                .zip(&parts)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| *a)
                .collect(),
        });
    }
    let parts = common.unwrap_or_default();
    if parts.is_empty() {
        "/".to_string()
    } else {
        format!("/{}/", parts.join("/"))
    }
}

/// The direct child of `node_path` on the way to `path` (`/1/` , `/1/4/27/` → `/1/4/`).
fn child_prefix<'p>(node_path: &str, path: &'p str) -> Option<&'p str> {
    let rest = path.strip_prefix(node_path)?;
    let end = rest.find('/')?;
    Some(&path[..node_path.len() + end + 1])
}

impl Store {
    /// Appeals received on days `from..=to` (Asia/Shanghai) in the subtree of `org_unit_id`.
    /// `NotFound` for an unknown node. `now` is compared at millisecond precision.
    pub async fn counts(
        &self,
        org_unit_id: Id,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<NodeCounts> {
        let node = self
            .org_unit(org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let children: Vec<OrgUnit> = self.org_children(node.id).await?;
        let mut total = Counts::default();
        let mut per_child = vec![Counts::default(); children.len()];
        if from > to {
            return Ok(NodeCounts {
                total,
                children: children.into_iter().zip(per_child).collect(),
            });
        }
        let index: HashMap<Id, usize> = children
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        let by_path: HashMap<&str, usize> = children
            .iter()
            .enumerate()
            .map(|(i, c)| (c.path.as_str(), i))
            .collect();
        let ids = std::iter::once(node.id).chain(children.iter().map(|c| c.id));
        for (id, c) in self.settled_counts(ids, from, to).await? {
            if id == node.id {
                total.merge(&c);
            } else if let Some(i) = index.get(&id) {
                per_child[*i].merge(&c);
            }
        }
        for (path, c) in self.live_counts(Some(&node.path), from, to, now).await? {
            total.merge(&c);
            if let Some(i) = child_prefix(&node.path, &path).and_then(|p| by_path.get(p)) {
                per_child[*i].merge(&c);
            }
        }
        Ok(NodeCounts {
            total,
            children: children.into_iter().zip(per_child).collect(),
        })
    }

    /// The settled counts of each of `ids` (subtree totals) on days `from..=to`, from the
    /// roll-up, by node id; nodes without rows are absent.
    async fn settled_counts(
        &self,
        ids: impl IntoIterator<Item = Id>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(Id, Counts)>> {
        let mut a = Args::default();
        let ids: Vec<String> = ids.into_iter().map(|id| a.push(id)).collect();
        let sums: Vec<String> = ROLLUP_COLUMNS
            .iter()
            .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
            .collect();
        let sql = format!(
            "SELECT org_unit_id, {} FROM appeal_daily WHERE org_unit_id IN ({}) AND day >= {} AND day <= {} GROUP BY org_unit_id",
            sums.join(", "),
            ids.join(", "),
            a.push(date_text(from)),
            a.push(date_text(to))
        );
        let mut counts = Vec::new();
        for row in a.query(&sql).fetch_all(&self.pool).await? {
            let mut r: Rollup = [0; 13];
            for (v, c) in r.iter_mut().zip(ROLLUP_COLUMNS) {
                *v = get::<Option<i64>>(&row, c)?.unwrap_or(0);
            }
            counts.push((get(&row, "org_unit_id")?, counts_of(&r)?));
        }
        Ok(counts)
    }

    /// The live counts of the subtree at `subtree` (`None`: the whole tree) on days
    /// `from..=to`, by org path.
    async fn live_counts(
        &self,
        subtree: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, Counts)>> {
        // Live part: open (or never answered) appeals of the subtree received in the period
        // whose first deadline has come (`pending_from`: before it nothing is pending), with
        // the same predicates as `pending`.
        let (floor, ceil) = now_bounds(now);
        let mut a = Args::default();
        let (floor, ceil) = (a.push(floor), a.push(ceil));
        let scope = match subtree {
            Some(path) => crate::scope::in_subtree("a.org_path", path, &mut a),
            None => "1 = 1".to_string(),
        };
        let start = a.push(day_start(from)?);
        let end = a.push(day_start(to.checked_add_days(Days::new(1)).unwrap_or(to))?);
        let open = open_status_list();
        let sql = format!(
            "SELECT a.org_path,
               CAST(SUM(CASE WHEN a.responded_at IS NULL AND a.respond_by <= {floor} THEN 1 ELSE 0 END) AS BIGINT) AS response_due,
               CAST(SUM(CASE WHEN a.status IN ({open}) AND a.resolve_by IS NOT NULL AND a.resolved_at IS NULL
                             AND a.suspended_at IS NULL AND a.resolve_by < {ceil} THEN 1 ELSE 0 END) AS BIGINT) AS resolve_due,
               CAST(SUM(CASE WHEN a.status IN ({open}) AND a.due_at < {ceil} THEN 1 ELSE 0 END) AS BIGINT) AS overdue_open
             FROM appeals a
             WHERE a.live = 1 AND a.pending_from <= {ceil} AND {scope}
               AND a.created_at >= {start} AND a.created_at < {end}
             GROUP BY a.org_path"
        );
        let mut counts = Vec::new();
        for row in a.query(&sql).fetch_all(&self.pool).await? {
            let c = Counts {
                response_due: get::<Option<i64>>(&row, "response_due")?.unwrap_or(0) as u64,
                resolve_due: get::<Option<i64>>(&row, "resolve_due")?.unwrap_or(0) as u64,
                overdue_open: get::<Option<i64>>(&row, "overdue_open")?.unwrap_or(0) as u64,
                ..Counts::default()
            };
            counts.push((get(&row, "org_path")?, c));
        }
        Ok(counts)
    }

    /// Appeals received per calendar month (`YYYY-MM`, Shanghai days) on days `from..=to`
    /// in the subtree of `org_unit_id`, from the roll-up alone: a year of a district's
    /// volume is one read of a few hundred rows. Months with none are absent.
    pub async fn received_by_month(
        &self,
        org_unit_id: Id,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, i64)>> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT SUBSTR(day, 1, 7) AS month, CAST(SUM(received) AS BIGINT) AS n \
             FROM appeal_daily WHERE org_unit_id = {} AND day >= {} AND day <= {} \
             GROUP BY SUBSTR(day, 1, 7) ORDER BY month",
            a.push(org_unit_id),
            a.push(date_text(from)),
            a.push(date_text(to))
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok((get(r, "month")?, get::<Option<i64>>(r, "n")?.unwrap_or(0))))
            .filter(|m| !matches!(m, Ok((_, 0))))
            .collect()
    }

    /// Counts for each of `nodes` (its whole subtree) over days `from..=to`, in two reads
    /// however many nodes there are: the roll-up rows of all of them at once, and the live
    /// appeals of the period grouped by node path, each credited to the node above it. This
    /// is the scoreboard's read (every community of the district, this month and last);
    /// `counts` per parent would be two reads per street. Nodes must not nest (one level).
    pub async fn counts_of(
        &self,
        nodes: &[OrgUnit],
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<HashMap<Id, Counts>> {
        let mut out: HashMap<Id, Counts> =
            nodes.iter().map(|n| (n.id, Counts::default())).collect();
        if nodes.is_empty() || from > to {
            return Ok(out);
        }
        for (id, c) in self
            .settled_counts(nodes.iter().map(|n| n.id), from, to)
            .await?
        {
            if let Some(total) = out.get_mut(&id) {
                total.merge(&c);
            }
        }
        // Live part, as in `counts`, over the smallest subtree holding every node.
        let common = common_ancestor(nodes.iter().map(|n| n.path.as_str()));
        let whole_tree = self.lookups().await?.is_whole_tree(&common);
        let subtree = (!whole_tree).then_some(common.as_str());
        for (path, c) in self.live_counts(subtree, from, to, now).await? {
            let Some(node) = ancestors(&path)?
                .into_iter()
                .find(|id| out.contains_key(id))
            else {
                continue;
            };
            if let Some(total) = out.get_mut(&node) {
                total.merge(&c);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
