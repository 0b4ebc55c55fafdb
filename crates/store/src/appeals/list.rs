//! Lists of appeals: the filter as SQL, a total capped at [`COUNT_CAP`], and the page
//! query that reads as few rows as the page needs.

use chrono::{DateTime, Utc};
use suqiu_core::access::Actor;
use suqiu_core::org::OrgUnit;
use suqiu_core::Id;

use super::{AppealFilter, AppealRecord, AppealSort};
use crate::appeal_row::{record_from, select_record_from};
use crate::error::Result;
use crate::lookups::Snapshot;
use crate::sql::{get, paging, Args};
use crate::{dialect, fulltext, scope, Page, Store};

impl Store {
    /// A page of appeals in the actor's scope, newest registration first (`id DESC`: ids are
    /// given in the order appeals are registered, so this is "newest first" without a sort
    /// over the whole match). Paging: `page` from 1, `per_page` 1–500 (default 50). An
    /// unknown `org_unit_id` or a query with no searchable word gives an empty page.
    ///
    /// The total is exact up to [`COUNT_CAP`]; beyond it the page says `total_exact: false`
    /// and `total` is the cap, so a count never reads more than the cap's worth of rows.
    pub async fn list_appeals(
        &self,
        actor: &Actor,
        filter: &AppealFilter,
        now: DateTime<Utc>,
    ) -> Result<Page<AppealRecord>> {
        let (page, per_page) = paging(filter.page, filter.per_page);
        match self.list_where(actor, filter, now).await? {
            Some(query) => self.run_list(query, page, per_page).await,
            None => Ok(Page::empty(page, per_page)),
        }
    }

    /// A page of the appeals the public board of `node` shows (`board::SHOWN`) in its
    /// subtree, newest registration first, as the worklists page theirs (see
    /// [`Store::list_appeals`]): the same count capped at [`COUNT_CAP`], the same page query.
    /// No actor: the board is public, and the caller shows only core's `BoardAppeal` of each.
    pub async fn public_appeals(
        &self,
        node: &OrgUnit,
        page: i64,
        per_page: i64,
    ) -> Result<Page<AppealRecord>> {
        let (page, per_page) = paging(page, per_page);
        let lookups = self.lookups().await?;
        let mut a = Args::default();
        let mut conds = vec![crate::board::SHOWN.to_string()];
        if !lookups.is_whole_tree(&node.path) {
            conds.push(scope::in_subtree("a.org_path", &node.path, &mut a));
        }
        let branches = branches(&lookups, &node.path, &mut a);
        let query = ListQuery {
            args: a,
            source: Source::Appeals(conds.join(" AND ")),
            branches,
            sort: AppealSort::Newest,
            rank: None,
        };
        self.run_list(query, page, per_page).await
    }

    /// Counts a list's rows (up to the cap) and reads its page.
    async fn run_list(
        &self,
        mut query: ListQuery,
        page: i64,
        per_page: i64,
    ) -> Result<Page<AppealRecord>> {
        let empty = Page::empty(page, per_page);
        let n: i64 = get(
            &query
                .args
                .query(&query.count_sql())
                .fetch_one(&self.pool)
                .await?,
            "n",
        )?;
        let (total, total_exact) = if n > COUNT_CAP {
            (COUNT_CAP, false)
        } else {
            (n, true)
        };
        if total_exact && (page - 1) * per_page >= total {
            return Ok(Page { total, ..empty });
        }
        let items = match query.rank.take() {
            Some(q) => self.ranked_page(query, &q, page, per_page).await?,
            None => {
                let offset = (page - 1) * per_page;
                self.fetch_page(query, per_page, offset).await?
            }
        };
        Ok(Page {
            items,
            total,
            total_exact,
            page,
            per_page,
        })
    }

    /// A page of the relevance order: the newest [`COUNT_CAP`] matches, those holding more
    /// of `q`'s pieces as whole words first (a stable sort keeps newest first among equals);
    /// past them, the older matches newest first.
    async fn ranked_page(
        &self,
        query: ListQuery,
        q: &str,
        page: i64,
        per_page: i64,
    ) -> Result<Vec<AppealRecord>> {
        let (skip, take) = ((page - 1) * per_page, per_page);
        let ranked = self.ranked_ids(query.clone(), q).await?;
        let window = ranked.len() as i64;
        let on_page: Vec<Id> = (ranked.into_iter())
            .skip(usize::try_from(skip).unwrap_or(usize::MAX))
            .take(usize::try_from(take).unwrap_or(0))
            .collect();
        let sql = with_names(&ids_on_page(&on_page, take, 0), "a.id DESC");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        let mut items = rows.iter().map(record_from).collect::<Result<Vec<_>>>()?;
        items.sort_by_key(|r| on_page.iter().position(|id| *id == r.appeal.id));
        let missing = take - items.len() as i64;
        if window == COUNT_CAP && missing > 0 {
            let offset = skip.max(COUNT_CAP);
            items.extend(self.fetch_page(query, missing, offset).await?);
        }
        Ok(items)
    }

    /// The ids of the newest [`COUNT_CAP`] matches of a list, those holding more of `q`'s
    /// pieces as whole words first: only their texts are read to rank them.
    async fn ranked_ids(&self, mut query: ListQuery, q: &str) -> Result<Vec<Id>> {
        let (ids, _) = query.page_ids(COUNT_CAP, 0);
        let sql = format!(
            "SELECT a.id, a.title, a.content, a.location FROM ({ids}) page CROSS JOIN appeals a \
             WHERE a.id = page.id ORDER BY a.id DESC"
        );
        let rows = query.args.query(&sql).fetch_all(&self.pool).await?;
        let segmenter = suqiu_text::Segmenter::shared();
        let mut ranked = rows
            .iter()
            .map(|row| {
                let title: Option<String> = get(row, "title")?;
                let location: Option<String> = get(row, "location")?;
                let content: String = get(row, "content")?;
                let text = dialect::search_text(title.as_deref(), &content, location.as_deref());
                let hits = segmenter.whole_word_hits(q, &text);
                Ok((std::cmp::Reverse(hits), get::<Id>(row, "id")?))
            })
            .collect::<Result<Vec<_>>>()?;
        // Stable: newest first among equals.
        ranked.sort_by_key(|(hits, _)| *hits);
        Ok(ranked.into_iter().map(|(_, id)| id).collect())
    }

    /// `limit` rows of a list from `offset` in its order, with their names.
    async fn fetch_page(
        &self,
        mut query: ListQuery,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AppealRecord>> {
        let sql = query.page_sql(limit, offset);
        let rows = query.args.query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(record_from).collect()
    }

    /// Whether a search is read window by window with the list's other conditions checked on
    /// each window's matches (see `fulltext`): on PostgreSQL, newest first, in a subtree — a
    /// liaison's or volunteer's few appeals are each checked instead (`search_condition`).
    fn windowed(&self, filter: &AppealFilter, subtree_scope: bool) -> bool {
        !dialect::search_index_pages(self.backend)
            && filter.sort.in_sql() == AppealSort::Newest
            && subtree_scope
    }

    /// A newest-first search for `q` within `subtrees` (and `within`'s other conditions):
    /// with none, the search index's alone.
    async fn search_list(
        &self,
        q: &str,
        subtrees: &[Id],
        filter: &AppealFilter,
        within: Option<fulltext::Within>,
    ) -> Result<Option<ListQuery>> {
        let mut a = Args::default();
        let source = if within.is_none() && dialect::search_index_pages(self.backend) {
            dialect::fts_match(q, subtrees, &mut a).map(Source::FullText)
        } else {
            self.newest_matches(q, subtrees, filter, within).await?
        };
        Ok(source.map(|source| ListQuery {
            args: a,
            source,
            branches: Vec::new(),
            sort: AppealSort::Newest,
            rank: filter.rank_by(),
        }))
    }

    /// PostgreSQL: the matches of a newest-first search (with `within`, the list's other
    /// conditions), as many as its count and page need, found newest first
    /// (`fulltext::newest_matches`) and named by id for the count and page queries.
    async fn newest_matches(
        &self,
        q: &str,
        subtrees: &[Id],
        filter: &AppealFilter,
        within: Option<fulltext::Within>,
    ) -> Result<Option<Source>> {
        let Some(tsquery) = fulltext::tsquery(q, subtrees) else {
            return Ok(None);
        };
        let (page, per_page) = paging(filter.page, filter.per_page);
        let want = (COUNT_CAP + 1).max(page * per_page);
        let want = usize::try_from(want).unwrap_or(usize::MAX);
        let ids = fulltext::newest_matches(&self.pool, &tsquery, within.as_ref(), want).await?;
        Ok(Some(Source::Ids(ids)))
    }

    /// The database's plan for the count and page queries of `list_appeals` (`EXPLAIN QUERY
    /// PLAN` / `EXPLAIN`), one line per step: for benchmarks and checking that indexes are used.
    pub async fn explain_list_appeals(
        &self,
        actor: &Actor,
        filter: &AppealFilter,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        let (page, per_page) = paging(filter.page, filter.per_page);
        let Some(mut query) = self.list_where(actor, filter, now).await? else {
            return Ok(vec!["(empty: no query runs)".into()]);
        };
        let count_sql = query.count_sql();
        let page_sql = query.page_sql(per_page, (page - 1) * per_page);
        let mut lines = Vec::new();
        for (label, sql) in [("count", count_sql), ("page", page_sql)] {
            lines.push(format!("-- {label}"));
            lines.extend(dialect::explain(self.backend, &self.pool, &query.args, &sql).await?);
        }
        Ok(lines)
    }

    /// The WHERE clause of a list (appeals alias `a`) and its arguments; `None` when nothing
    /// can match (unknown node, no searchable word).
    async fn list_where(
        &self,
        actor: &Actor,
        filter: &AppealFilter,
        now: DateTime<Utc>,
    ) -> Result<Option<ListQuery>> {
        let mut a = Args::default();
        let q = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        // Subtrees the rows must lie under, for the full-text index (see `search_condition`).
        let mut subtrees = Vec::new();
        let subtree_scope = scope::is_subtree_role(actor.role);
        if subtree_scope {
            subtrees.push(actor.org_unit_id);
        }
        let node = match filter.org_unit_id {
            None => None,
            Some(id) => match self.org_unit(id).await? {
                Some(unit) => {
                    subtrees.push(unit.id);
                    Some(unit)
                }
                None => return Ok(None),
            },
        };
        let lookups = self.lookups().await?;
        // The whole tree holds every row: no use to the index.
        subtrees.retain(|id| (lookups.unit(*id)).is_none_or(|u| !lookups.is_whole_tree(&u.path)));
        // A search filtered by nothing but subtrees is the search index's alone: its rows
        // hold each appeal's ancestors (see `fulltext`).
        if let (Some(q), true, true) = (q, filter.is_search_only(), subtree_scope) {
            return self.search_list(q, &subtrees, filter, None).await;
        }

        // The arguments are numbered in the order they are pushed: conditions first, the
        // branches last.
        let mut conds = Vec::new();
        conds.extend(self.appeal_scope(actor, &mut a).await?);
        if let Some(unit) = node.as_ref().filter(|u| !lookups.is_whole_tree(&u.path)) {
            conds.push(scope::in_subtree("a.org_path", &unit.path, &mut a));
        }
        filter.field_conditions(now, &mut a, &mut conds)?;
        let windowed = q.filter(|_| self.windowed(filter, subtree_scope));
        if let Some(q) = q.filter(|_| windowed.is_none()) {
            let small_scope = !subtree_scope;
            match dialect::search_condition(self.backend, q, &subtrees, small_scope, &mut a) {
                Some(c) => conds.push(c),
                None => return Ok(None),
            }
        }
        filter.time_and_person_conditions(&mut a, &mut conds);
        conds.extend(filter.spam_condition(q.is_some()).map(str::to_string));
        // The subtree the rows lie in; when it has few nodes, page each node's newest rows
        // from its index and merge (see `ListQuery::page_sql`).
        let within = match (&node, subtree_scope) {
            (Some(unit), _) => Some(unit.path.as_str()),
            (None, true) => Some(actor.org_path.as_str()),
            (None, false) => None,
        };
        let conds = all_of(&conds);
        if let Some(q) = windowed {
            let within = fulltext::Within { conds, args: a };
            return self.search_list(q, &subtrees, filter, Some(within)).await;
        }
        let branches = within.map_or_else(Vec::new, |w| branches(&lookups, w, &mut a));
        Ok(Some(ListQuery {
            args: a,
            source: Source::Appeals(conds),
            branches,
            sort: filter.sort.in_sql(),
            rank: filter.rank_by(),
        }))
    }
}

/// The placeholders of the paths of the nodes of the subtree `within`, pushed to `a`, when
/// there are at most [`MAX_BRANCHES`] of them; none otherwise.
fn branches(lookups: &Snapshot, within: &str, a: &mut Args) -> Vec<String> {
    let nodes = lookups.subtree_paths(within);
    if nodes.len() > MAX_BRANCHES {
        return Vec::new();
    }
    nodes.into_iter().map(|p| a.push(p)).collect()
}

/// Totals of appeal lists are exact up to this many rows (see [`Store::list_appeals`]):
/// "1,000+" is as useful on a list as the exact number, and a count costs a visit per row
/// on PostgreSQL wherever the index cannot answer alone (full text; rows changed since the
/// last vacuum). Exact totals per node are the measures' job.
pub const COUNT_CAP: i64 = 1_000;

/// Where a list's rows come from.
#[derive(Clone)]
enum Source {
    /// A WHERE condition on `appeals a`.
    Appeals(String),
    /// SQLite: one FTS5 MATCH (placeholder) that is the whole filter.
    FullText(String),
    /// PostgreSQL: the matches of a search-only list, newest first, as many as its count
    /// and page need (`fulltext::newest_matches`).
    Ids(Vec<Id>),
}

/// Subtrees of at most this many nodes are paged node by node (see `ListQuery::page_sql`).
const MAX_BRANCHES: usize = 48;

/// A list's filter as SQL, with its arguments.
#[derive(Clone)]
struct ListQuery {
    args: Args,
    source: Source,
    /// Placeholders of the org paths of a small subtree the rows lie in: one branch of the
    /// page query each, and equality ranges for the count (`org_path IN (…)`).
    branches: Vec<String>,
    /// Any order but newest-first reads the filter's rows in that order (no branches).
    sort: AppealSort,
    /// The search text of the relevance order, which reranks the newest matches.
    rank: Option<String>,
}

impl ListQuery {
    /// The filter, with the subtree's nodes named one by one (see [`filtered`]).
    fn filter(&self, w: &str) -> String {
        filtered(w, &self.branches)
    }

    /// Counts at most `COUNT_CAP + 1` matching rows (one more tells that the cap was passed).
    fn count_sql(&self) -> String {
        let over = COUNT_CAP + 1;
        match &self.source {
            Source::Appeals(w) => format!(
                "SELECT COUNT(*) AS n FROM (SELECT 1 FROM appeals a WHERE {} LIMIT {over}) capped",
                self.filter(w)
            ),
            Source::FullText(m) => format!(
                "SELECT COUNT(*) AS n FROM (SELECT rowid FROM appeal_fts WHERE appeal_fts MATCH {m} LIMIT {over}) capped"
            ),
            Source::Ids(ids) => format!("SELECT CAST({} AS BIGINT) AS n", ids.len()),
        }
    }

    /// The page query: the page's ids first, then the joined names for those rows only.
    /// Pushes the paging arguments: build it after running the count.
    ///
    /// Newest first is the id order, which every index ends with: `(org_path, id)` and
    /// `(status, org_path, id)` hand out one node's rows newest first. A subtree spans
    /// several nodes (a community and its grids), so an index range over it is not in id
    /// order and the database would sort every row of the station. Instead each node's
    /// newest `offset + limit` rows are taken from the index and merged: the cost follows
    /// the page, not the size of the station.
    fn page_sql(&mut self, limit: i64, offset: i64) -> String {
        let (ids, order) = self.page_ids(limit, offset);
        with_names(&ids, order)
    }

    /// The page query's ids, and their order (see [`ListQuery::page_sql`]).
    fn page_ids(&mut self, limit: i64, offset: i64) -> (String, &'static str) {
        let depth = offset + limit;
        let (n, skip) = (limit, offset);
        let args = &mut self.args;
        let ids = match &self.source {
            Source::Ids(ids) => ids_on_page(ids, n, skip),
            Source::FullText(m) => format!(
                "SELECT rowid AS id FROM appeal_fts WHERE appeal_fts MATCH {m} ORDER BY rowid DESC LIMIT {} OFFSET {}",
                args.push(n),
                args.push(skip)
            ),
            Source::Appeals(w) if self.sort != AppealSort::Newest => {
                let order = self.sort.order_by();
                let ids = format!(
                    "SELECT a.id FROM appeals a WHERE {} ORDER BY {order} LIMIT {} OFFSET {}",
                    filtered(w, &self.branches),
                    args.push(n),
                    args.push(skip)
                );
                return (ids, order);
            }
            Source::Appeals(w) if !self.branches.is_empty() => {
                let (limit, offset, depth) = (args.push(n), args.push(skip), args.push(depth));
                let parts: Vec<String> = (self.branches.iter().enumerate())
                    .map(|(i, p)| {
                        format!(
                            "SELECT id FROM (SELECT a.id FROM appeals a WHERE {w} AND a.org_path = {p} \
                             ORDER BY a.id DESC LIMIT {depth}) b{i}"
                        )
                    })
                    .collect();
                format!(
                    "SELECT id FROM ({}) u ORDER BY id DESC LIMIT {limit} OFFSET {offset}",
                    parts.join(" UNION ALL ")
                )
            }
            Source::Appeals(w) => format!(
                "SELECT a.id FROM appeals a WHERE {w} ORDER BY a.id DESC LIMIT {} OFFSET {}",
                args.push(n),
                args.push(skip)
            ),
        };
        (ids, "a.id DESC")
    }
}

/// The filter `w`, with the subtree's nodes named one by one when they are few (`branches`):
/// each is an equality the indexes can follow with a second column (`created_at` for today's
/// appeals of a station), where a range over the subtree's paths cannot.
fn filtered(w: &str, branches: &[String]) -> String {
    if branches.is_empty() {
        w.to_string()
    } else {
        format!("{w} AND a.org_path IN ({})", branches.join(", "))
    }
}

/// The conditions ANDed (`1 = 1` when there are none).
fn all_of(conds: &[String]) -> String {
    if conds.is_empty() {
        "1 = 1".to_string()
    } else {
        conds.join(" AND ")
    }
}

/// The ids of `ids` from `offset`, at most `limit`, as a query of appeals (alias `a`). The
/// ids came from the database as integers: they are written into the SQL as they are.
fn ids_on_page(ids: &[Id], limit: i64, offset: i64) -> String {
    let skip = usize::try_from(offset).unwrap_or(usize::MAX);
    let take = usize::try_from(limit).unwrap_or(0);
    let page: Vec<String> = ids
        .iter()
        .skip(skip)
        .take(take)
        .map(Id::to_string)
        .collect();
    if page.is_empty() {
        "SELECT a.id FROM appeals a WHERE 1 = 0".to_string()
    } else {
        format!(
            "SELECT a.id FROM appeals a WHERE a.id IN ({})",
            page.join(", ")
        )
    }
}

/// A page's rows with their names, in `order`: the ids' subquery first, then each row by
/// its id. The CROSS JOIN keeps that order on SQLite (it never reorders a CROSS JOIN): left
/// free, SQLite 3.46 scanned every appeal in id order to spare sorting the fifty rows
/// (half a second at a million appeals).
pub(crate) fn with_names(ids: &str, order: &str) -> String {
    let source = format!("({ids}) page CROSS JOIN appeals a");
    format!(
        "{} WHERE a.id = page.id ORDER BY {order}",
        select_record_from(&source)
    )
}
