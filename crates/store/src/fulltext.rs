//! The full-text index's rows, and PostgreSQL's newest-first searches read window by window.
//!
//! Both backends keep an appeal's search tokens in a table of their own, one row per appeal
//! keyed by its id: SQLite's FTS5 `appeal_fts` (tokens, scope), PostgreSQL's `appeal_search`
//! (a tsvector of the tokens and [`marks`]; migration 0039).
//!
//! FTS5 hands out a query's matches newest first and stops at the page. PostgreSQL's GIN
//! index cannot: it yields every match, in no order, and a phrase (管老化 is `管老 <-> 老化`)
//! must be checked on each candidate's stored tsvector. At a million appeals 独居老人 has
//! 60,000 matches and took 0.85 s. So a newest-first search on PostgreSQL asks for the matches
//! in the newest *blocks* of appeal ids first ([`BLOCK_BITS`]: each row's tsvector holds the
//! mark of its block, and one GIN scan intersects the query with a few blocks' marks), then
//! in as many older blocks as the density seen so far says the rest of the page and count
//! need, and finally, when matches are rare, in everything older at once
//! ([`newest_matches`]). The cost follows the page and the count, not the district's size.
//! A list's other conditions (status, dates…) are checked on each window's matches
//! ([`Within`]); then the cost also follows how many matches they keep.

use sqlx::AnyPool;
use suqiu_core::Id;
use suqiu_text::search::{Query, GAP};

use crate::error::Result;
use crate::sql::{get, Args};

/// Appeal ids come in blocks of 2^14 = 16,384: one block mark per row (`ǂb<id >> 14>ǂ`).
pub(crate) const BLOCK_BITS: u32 = 14;

/// The blocks the first window reads: the newest two (the newest alone may have just begun).
const FIRST_WINDOW: i64 = 2;

/// A window of more blocks than this reads everything older at once instead: GIN checks
/// each candidate of the query's words against every block mark of the window, so a wide
/// window costs more than the rare matches it would spare (a station's 独居老人 over 21
/// blocks: 45 ms in the index alone; everything older at once: 11 ms).
const MAX_WINDOW: i64 = 8;

/// The marks `appeal_search.tsv` holds after an appeal's tokens: [`GAP`], then `ǂs<id>ǂ` for
/// each id of `scope` (its node's ancestors, space-separated, as `dialect::search_scope`
/// gives them), then its block's `ǂb<n>ǂ`. Migration 0039 builds the same in SQL.
pub(crate) fn marks(id: Id, scope: &str) -> String {
    let scope: Vec<String> = scope
        .split_whitespace()
        .map(|s| format!("{GAP}s{s}{GAP}"))
        .collect();
    format!("{GAP} {} {GAP}b{}{GAP}", scope.join(" "), id >> BLOCK_BITS)
}

/// The text `appeal_search.tsv` is made of (`to_tsvector('simple', …)`).
pub(crate) fn indexed_text(id: Id, tokens: &str, scope: &str) -> String {
    format!("{tokens} {}", marks(id, scope))
}

/// The tsquery text of `q` within every subtree of `subtrees` (their scope marks ANDed), or
/// `None` when `q` has nothing to search for.
pub(crate) fn tsquery(q: &str, subtrees: &[Id]) -> Option<String> {
    let words = Query::parse(q)?.tsquery();
    let scopes: String = subtrees
        .iter()
        .map(|id| format!(" & '{GAP}s{id}{GAP}'"))
        .collect();
    Some(format!("{words}{scopes}"))
}

/// The list's other conditions on the appeals (alias `a`: status, category, dates, the
/// actor's scope…) with their arguments, checked on each window's matches.
pub(crate) struct Within {
    pub(crate) conds: String,
    pub(crate) args: Args,
}

/// Up to `want` ids of the appeals matching `tsquery` (see [`tsquery`]) and `within`'s
/// conditions, newest first.
pub(crate) async fn newest_matches(
    pool: &AnyPool,
    tsquery: &str,
    within: Option<&Within>,
    want: usize,
) -> Result<Vec<Id>> {
    let row = sqlx::query("SELECT MAX(appeal_id) AS top FROM appeal_search")
        .fetch_one(pool)
        .await?;
    let Some(top) = get::<Option<Id>>(&row, "top")? else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    let mut next = top >> BLOCK_BITS; // the newest block not read yet
    let mut width = FIRST_WINDOW;
    let mut read = 0; // blocks read so far
    while found.len() < want && next >= 0 {
        // A wide window reads every older block at once, without their marks.
        let lo = (width <= MAX_WINDOW).then(|| (next - width + 1).max(0));
        let missing = want - found.len();
        let sql = window(tsquery, lo, next, missing, within);
        let rows = sql.args.query(&sql.text).fetch_all(pool).await?;
        for row in &rows {
            found.push(get(row, "appeal_id")?);
        }
        let lo = lo.unwrap_or(0);
        read += next - lo + 1;
        next = lo - 1;
        width = next_width(want - found.len(), found.len(), read, width);
    }
    Ok(found)
}

/// How many blocks the next window reads: enough for `missing` more matches at the density
/// seen so far (`found` in `read` blocks), rounded up — every match of a window is checked
/// and sorted, so a margin costs more than the rare extra window it saves; eight times the
/// last `width` when nothing was found yet.
fn next_width(missing: usize, found: usize, read: i64, width: i64) -> i64 {
    if found == 0 {
        return width.saturating_mul(8);
    }
    let missing = i64::try_from(missing).unwrap_or(i64::MAX);
    let found = i64::try_from(found).unwrap_or(i64::MAX);
    let needed = missing.saturating_mul(read);
    (needed / found + i64::from(needed % found != 0)).max(1)
}

/// A window's query.
struct WindowSql {
    text: String,
    args: Args,
}

/// The query of the newest `limit` matches of `tsquery` in the blocks `lo..=hi`, or in every
/// block up to `hi` when `lo` is `None` (a wide window, where the marks would only slow the
/// scan); with `within`, only those its conditions hold for.
///
/// `appeal_id + 0` keeps the planner from walking the primary key for the order or the
/// range — a walk that checks every row's tsvector and takes seconds when matches are rare:
/// the GIN index finds the window's matches and only those are sorted. With conditions,
/// the window's matches are found first (`MATERIALIZED`) and each appeal read by its id:
/// left free, the planner read every appeal of a status and checked its words (2.5 s).
fn window(
    tsquery: &str,
    lo: Option<i64>,
    hi: i64,
    limit: usize,
    within: Option<&Within>,
) -> WindowSql {
    let mut args = within.map(|w| w.args.clone()).unwrap_or_default();
    let matches = match lo {
        Some(lo) => {
            let blocks: Vec<String> = (lo..=hi).map(|b| format!("'{GAP}b{b}{GAP}'")).collect();
            let query = args.push(format!("({tsquery}) & ({})", blocks.join(" | ")));
            format!(
                "SELECT appeal_id FROM appeal_search WHERE tsv @@ to_tsquery('simple', {query})"
            )
        }
        None => format!(
            "SELECT appeal_id FROM appeal_search WHERE tsv @@ to_tsquery('simple', {}) \
             AND appeal_id + 0 < {}",
            args.push(tsquery),
            args.push((hi + 1) << BLOCK_BITS)
        ),
    };
    let limit = args.push(i64::try_from(limit).unwrap_or(i64::MAX));
    let text = match within {
        None => format!("{matches} ORDER BY appeal_id + 0 DESC LIMIT {limit}"),
        Some(w) => format!(
            "WITH m AS MATERIALIZED ({matches}) SELECT m.appeal_id FROM m \
             JOIN appeals a ON a.id = m.appeal_id WHERE {} \
             ORDER BY m.appeal_id + 0 DESC LIMIT {limit}",
            w.conds
        ),
    };
    WindowSql { text, args }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_name_the_ancestors_and_the_block() {
        assert_eq!(marks(16_384 * 3 + 5, "1 4 27"), "ǂ ǂs1ǂ ǂs4ǂ ǂs27ǂ ǂb3ǂ");
        assert_eq!(marks(1, ""), "ǂ  ǂb0ǂ");
        assert_eq!(indexed_text(7, "水管 管破", "1"), "水管 管破 ǂ ǂs1ǂ ǂb0ǂ");
    }

    #[test]
    fn a_query_is_within_each_subtree() {
        assert_eq!(
            tsquery("管破", &[1, 27]).unwrap(),
            "('管破') & 'ǂs1ǂ' & 'ǂs27ǂ'"
        );
        assert_eq!(tsquery("，", &[1]), None);
    }

    /// Migration 0039 fills `appeal_search` with the marks written in SQL: the same
    /// tsvector as the writer's for any appeal, whatever its block and node.
    #[tokio::test]
    async fn the_migration_marks_as_the_writer_does() {
        sqlx::any::install_default_drivers();
        let url = suqiu_testkit::db::pg_admin_url();
        let pool = crate::db::connect_postgres(&url, None)
            .await
            .expect("PostgreSQL at SUQIU_TEST_PG_URL");
        let migration = include_str!("../migrations/postgres/0039_search_table.sql");
        let start = migration.find("SELECT id, ").expect("the INSERT's SELECT") + 11;
        let end = migration.find("\nFROM appeals").expect("its FROM");
        let expr = &migration[start..end];
        for (id, tokens, path, scope) in [
            (40_000, "水管 管破 ǂ 5", "/1/4/27/", "1 4 27"),
            (1, "", "/1/", "1"),
            (16_384, "电梯", "/1/9/", "1 9"),
        ] {
            let sql = format!(
                "SELECT ({expr}) = to_tsvector('simple', $4) AS same, ({expr})::text AS got \
                 FROM (SELECT $1::bigint AS id, $2::text AS search_tokens, $3::text AS org_path) appeals"
            );
            let row = sqlx::query(&sql)
                .bind(id)
                .bind(tokens)
                .bind(path)
                .bind(indexed_text(id, tokens, scope))
                .fetch_one(&pool)
                .await
                .expect("the migration's expression");
            let got: String = get(&row, "got").expect("got");
            assert!(get::<bool>(&row, "same").expect("same"), "{id}: {got}");
        }
    }

    /// Whatever the spread of matches over the blocks — dense, rare, none, only in the
    /// oldest — and however many are wanted, the windows find the newest ones: the same as
    /// every match sorted newest first.
    #[tokio::test]
    async fn windows_find_the_newest_matches_in_any_spread() {
        use rand::{Rng, SeedableRng};
        let fresh =
            suqiu_testkit::db::FreshDb::create(suqiu_testkit::Backend::Postgres, "windows").await;
        let store = crate::Store::open(&fresh.url).await.expect("the store");
        let mut rng = rand::rngs::StdRng::seed_from_u64(16);
        // 4,000 appeals over 40 blocks; 水管 in one in 4, 电梯 in one in 200, 门禁 only in
        // the oldest two blocks, 花苑 nowhere.
        let mut rows = Vec::new();
        let mut ids: Vec<Id> = (0..4_000)
            .map(|_| rng.gen_range(1..40 << BLOCK_BITS))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for &id in &ids {
            let mut words = vec!["问题"];
            if rng.gen_ratio(1, 4) {
                words.push("水管");
            }
            if rng.gen_ratio(1, 200) {
                words.push("电梯");
            }
            if id < 2 << BLOCK_BITS && rng.gen_ratio(1, 10) {
                words.push("门禁");
            }
            rows.push((id, words.join(" "), "1 4".to_string()));
        }
        let mut conn = store.pool.acquire().await.expect("a connection");
        crate::dialect::insert_search(store.backend, &mut conn, rows.clone())
            .await
            .expect("the rows");
        drop(conn);
        for word in ["水管", "电梯", "门禁", "花苑"] {
            let every: Vec<Id> = (rows.iter().rev())
                .filter(|(_, tokens, _)| tokens.split(' ').any(|t| t == word))
                .map(|(id, _, _)| *id)
                .collect();
            for want in [1, 50, 1_001, 5_000] {
                let tsquery = tsquery(word, &[4]).expect("a query");
                let found = newest_matches(&store.pool, &tsquery, None, want)
                    .await
                    .expect("found");
                let expected: Vec<Id> = every.iter().take(want).copied().collect();
                assert_eq!(found, expected, "{word}, {want}");
            }
        }
        drop(store);
        fresh.remove().await;
    }

    #[test]
    fn windows_grow_with_what_is_missing() {
        // Nothing yet: eight times wider.
        assert_eq!(next_width(1001, 0, 2, 2), 16);
        // 100 found in 2 blocks, 901 missing: 901 × 2 / 100 = 18.02, so 19 blocks.
        assert_eq!(next_width(901, 100, 2, 2), 19);
        assert_eq!(next_width(900, 100, 2, 2), 18);
        // Dense: one block is enough.
        assert_eq!(next_width(1, 1000, 2, 2), 1);
    }
}
