//! Lists of appeals: the filter as SQL, a total capped at [`COUNT_CAP`], and the page
//! query that reads as few rows as the page needs.

use chrono::{DateTime, Utc};
use suqiu_core::access::Actor;
use suqiu_core::appeal::{Kind, Status, Urgency};
use suqiu_core::org::OrgUnit;
use suqiu_core::Id;

use super::{AppealRecord, AppealSort};
use crate::appeal_row::{record_from, select_record_from};
use crate::error::Result;
use crate::lookups::Snapshot;
use crate::sql::{get, now_bounds, paging, Args};
use crate::{dialect, scope, Page, Store};

/// Filters of `GET /api/v1/appeals`; all optional and combined with AND.
#[derive(Debug, Clone, Default)]
pub struct AppealFilter {
    pub status: Option<Status>,
    /// Subtree of this node (the node the appeal concerns).
    pub org_unit_id: Option<Id>,
    /// A first-level code matches its second-level codes too.
    pub category: Option<String>,
    pub kind: Option<Kind>,
    pub urgency: Option<Urgency>,
    /// Open and past the current deadline (`true`), or not (`false`).
    pub overdue: Option<bool>,
    pub assignee_user_id: Option<Id>,
    pub department_id: Option<Id>,
    /// Only appeals with an extension request waiting for a decision (the level above's queue).
    pub extension_pending: bool,
    /// Full text: every piece a fragment of title, content or location (`suqiu_text::search`).
    pub q: Option<String>,
    /// Received at or after / before.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Open with the current deadline before this instant (the worklist's 即将超期 is
    /// `overdue: Some(false)` with this set to a working day from now).
    pub due_before: Option<DateTime<Utc>>,
    /// Feedback (反馈) given (`true`) or not yet (`false`): the worklist's 待回访 / 待反馈.
    pub feedback_given: Option<bool>,
    /// Raised by this registered person (a person's page lists their appeals).
    pub appellant_person_id: Option<Id>,
    /// Marked as spam (无效): only those (`true`), none of them (`false`). Unset, a list leaves
    /// them out — a worklist is what waits for work — but a search looks through them too
    /// (the receptionist looking up what a caller sent before finds it, badge and all).
    pub spam: Option<bool>,
    /// In a standing problem (属于问题: `true`), or in none (`false`).
    pub in_problem: Option<bool>,
    pub sort: AppealSort,
    pub page: i64,
    pub per_page: i64,
}

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
        let mut ranked = self.fetch_page(query.clone(), COUNT_CAP, 0).await?;
        let segmenter = suqiu_text::Segmenter::shared();
        let hits = |rec: &AppealRecord| {
            let a = &rec.appeal;
            let text = dialect::search_text(a.title.as_deref(), &a.content, a.location.as_deref());
            std::cmp::Reverse(segmenter.whole_word_hits(q, &text))
        };
        ranked.sort_by_cached_key(hits);
        let window = ranked.len() as i64;
        let mut items: Vec<AppealRecord> = (ranked.into_iter())
            .skip(usize::try_from(skip).unwrap_or(usize::MAX))
            .take(usize::try_from(take).unwrap_or(0))
            .collect();
        let missing = take - items.len() as i64;
        if window == COUNT_CAP && missing > 0 {
            let offset = skip.max(COUNT_CAP);
            items.extend(self.fetch_page(query, missing, offset).await?);
        }
        Ok(items)
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
        // A search filtered by nothing but subtrees is one FTS5 MATCH on SQLite (its `scope`
        // column holds each row's ancestors): a separate search index counts and pages it alone.
        if let (true, Some(q), true, true) = (
            dialect::separate_search_index(self.backend),
            q,
            filter.is_search_only(),
            subtree_scope,
        ) {
            return Ok(dialect::fts_match(q, &subtrees, &mut a).map(|m| ListQuery {
                args: a,
                source: Source::FullText(m),
                branches: Vec::new(),
                sort: AppealSort::Newest,
                rank: filter.rank_by(),
            }));
        }

        // The arguments are numbered in the order they are pushed: conditions first, the
        // branches last.
        let lookups = self.lookups().await?;
        let mut conds = Vec::new();
        conds.extend(self.appeal_scope(actor, &mut a).await?);
        if let Some(unit) = node.as_ref().filter(|u| !lookups.is_whole_tree(&u.path)) {
            conds.push(scope::in_subtree("a.org_path", &unit.path, &mut a));
        }
        filter.field_conditions(now, &mut a, &mut conds)?;
        if let Some(q) = q {
            match dialect::search_condition(self.backend, q, &subtrees, &mut a) {
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
        let branches = within.map_or_else(Vec::new, |w| branches(&lookups, w, &mut a));
        Ok(Some(ListQuery {
            args: a,
            source: Source::Appeals(if conds.is_empty() {
                "1 = 1".into()
            } else {
                conds.join(" AND ")
            }),
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

impl AppealFilter {
    /// The search text to rank the list by, when the relevance order is asked for.
    fn rank_by(&self) -> Option<String> {
        let q = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())?;
        (self.sort == AppealSort::Relevance).then(|| q.to_string())
    }

    /// Nothing filtered but the text and the subtree, in the newest-first order (the
    /// relevance order reads the newest matches too).
    fn is_search_only(&self) -> bool {
        self.status.is_none()
            && self.category.as_deref().is_none_or(|c| c.trim().is_empty())
            && self.kind.is_none()
            && self.urgency.is_none()
            && self.overdue.is_none()
            && self.assignee_user_id.is_none()
            && self.department_id.is_none()
            && !self.extension_pending
            && self.from.is_none()
            && self.to.is_none()
            && self.due_before.is_none()
            && self.feedback_given.is_none()
            && self.appellant_person_id.is_none()
            && self.spam.is_none()
            && self.in_problem.is_none()
            && matches!(self.sort, AppealSort::Newest | AppealSort::Relevance)
    }

    /// The conditions on the appeal's own fields: status, category, kind, urgency, whether
    /// overdue, who has it, a pending extension.
    fn field_conditions(
        &self,
        now: DateTime<Utc>,
        a: &mut Args,
        conds: &mut Vec<String>,
    ) -> Result<()> {
        if let Some(s) = self.status {
            conds.push(format!("a.status = {}", a.push(s.code())));
        }
        if let Some(c) = self
            .category
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let c = a.push(c);
            conds.push(format!("(a.category = {c} OR a.category IN (SELECT code FROM categories WHERE parent_code = {c}))"));
        }
        if let Some(k) = self.kind {
            conds.push(format!("a.kind = {}", a.push(k.code())));
        }
        if let Some(in_problem) = self.in_problem {
            let not = if in_problem { "" } else { "NOT " };
            conds.push(format!(
                "{not}EXISTS (SELECT 1 FROM problem_appeals pa WHERE pa.appeal_id = a.id)"
            ));
        }
        if let Some(u) = self.urgency {
            conds.push(format!("a.urgency = {}", a.push(u.code())));
        }
        if let Some(overdue) = self.overdue {
            // due_at is NULL unless open, so `due_at < now` is "open and overdue".
            let (_, ceil) = now_bounds(now);
            let ceil = a.push(ceil);
            conds.push(if overdue {
                format!("a.due_at IS NOT NULL AND a.due_at < {ceil}")
            } else {
                format!("(a.due_at IS NULL OR a.due_at >= {ceil})")
            });
        }
        if let Some(u) = self.assignee_user_id {
            conds.push(format!("a.assignee_user_id = {}", a.push(u)));
        }
        if let Some(d) = self.department_id {
            conds.push(format!("a.department_id = {}", a.push(d)));
        }
        if self.extension_pending {
            // `extension` is core's Extension as JSON, its tag first: a pending request is
            // the one document that starts so (see `extension_pending_prefix`).
            conds.push(format!(
                "a.extension LIKE {}",
                a.push(format!("{}%", extension_pending_prefix()?))
            ));
        }
        Ok(())
    }

    /// The condition on being marked as spam (see [`AppealFilter::spam`]; `searching`: there
    /// is a text to find). A list by running deadline needs none to leave spam out (a spam
    /// appeal has no `due_at`): it stays within the deadline index.
    fn spam_condition(&self, searching: bool) -> Option<&'static str> {
        let by_deadline = self.overdue == Some(true) || self.due_before.is_some();
        match self.spam.or((!searching).then_some(false)) {
            Some(true) => Some("a.spam_at IS NOT NULL"),
            Some(false) if !by_deadline => Some("a.spam_at IS NULL"),
            _ => None,
        }
    }

    /// The conditions on when it came in and is due, whose it is, and whether feedback
    /// was given.
    fn time_and_person_conditions(&self, a: &mut Args, conds: &mut Vec<String>) {
        if let Some(from) = self.from {
            // created_at >= from ⇔ created_at >= ceil_ms(from) for stored milliseconds.
            conds.push(format!("a.created_at >= {}", a.push(now_bounds(from).1)));
        }
        if let Some(to) = self.to {
            conds.push(format!("a.created_at < {}", a.push(now_bounds(to).1)));
        }
        if let Some(before) = self.due_before {
            conds.push(format!("a.due_at < {}", a.push(now_bounds(before).1)));
        }
        if let Some(p) = self.appellant_person_id {
            conds.push(format!("a.appellant_person_id = {}", a.push(p)));
        }
        if let Some(given) = self.feedback_given {
            conds.push(if given {
                "a.feedback_at IS NOT NULL".to_string()
            } else {
                "a.feedback_at IS NULL".to_string()
            });
        }
    }
}

/// How a pending extension request's stored JSON begins (`{"state":"requested",`), derived
/// from core's type so the filter follows any change to it.
fn extension_pending_prefix() -> Result<String> {
    let json = crate::sql::to_json(&suqiu_core::appeal::Extension::Requested {
        days: 0,
        reason: String::new(),
        requested_by: 0,
    })?;
    Ok(json
        .split(',')
        .next()
        .map(|head| format!("{head},"))
        .unwrap_or(json))
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
    /// The filter, with the subtree's nodes named one by one when they are few: each is an
    /// equality the indexes can follow with a second column (`created_at` for today's
    /// appeals of a station), where a range over the subtree's paths cannot.
    fn filter(&self, w: &str) -> String {
        if self.branches.is_empty() {
            w.to_string()
        } else {
            format!("{w} AND a.org_path IN ({})", self.branches.join(", "))
        }
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
        let depth = offset + limit;
        let (limit, offset) = (self.args.push(limit), self.args.push(offset));
        if let (Source::Appeals(w), false) = (&self.source, self.sort == AppealSort::Newest) {
            let order = self.sort.order_by();
            let ids = format!(
                "SELECT a.id FROM appeals a WHERE {} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
                self.filter(w)
            );
            return with_names(&ids, order);
        }
        let ids = match &self.source {
            Source::Appeals(w) if !self.branches.is_empty() => {
                let depth = self.args.push(depth);
                let parts: Vec<String> = self
                    .branches
                    .iter()
                    .enumerate()
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
                "SELECT a.id FROM appeals a WHERE {w} ORDER BY a.id DESC LIMIT {limit} OFFSET {offset}"
            ),
            Source::FullText(m) => format!(
                "SELECT rowid AS id FROM appeal_fts WHERE appeal_fts MATCH {m} ORDER BY rowid DESC LIMIT {limit} OFFSET {offset}"
            ),
        };
        with_names(&ids, "a.id DESC")
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
