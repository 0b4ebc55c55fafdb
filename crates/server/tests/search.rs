//! Issue 16 §3: search finds any fragment people type — two or more Chinese characters across
//! jieba's words (管破 in 水管破裂), a number or Latin word whole (5号楼, not 15号楼; wifi) —
//! on SQLite and PostgreSQL, through the API and the list page, within the searcher's scope;
//! agreeing with a plain substring scan on real messages; and appeals written before the
//! fragment index are found once the catch-up job has run.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::{Backend, TestApp};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use suqiu_core::Id;
use suqiu_testkit::pages::{location, Browser};
use suqiu_text::search::{is_han, normalise};
use suqiu_text::table::Table;

on_both_backends!(
    fragments_agree_with_a_substring_scan,
    a_receptionists_fragments,
    appeals_written_before_are_found_after_the_catch_up,
    relevance_puts_whole_words_first,
);

/// An appeal at `org` with this text, registered by `user`; its id.
async fn appeal(
    t: &TestApp,
    user: &str,
    org: Id,
    title: &str,
    content: &str,
    location: &str,
) -> Id {
    let mut body = TestApp::appeal_body(org);
    body["title"] = json!(title);
    body["content"] = json!(content);
    body["location"] = json!(location);
    t.create_appeal(user, body).await["id"]
        .as_i64()
        .expect("an id")
}

/// The tracking code of appeal `id`.
async fn code(t: &TestApp, id: Id) -> String {
    let token = t.token("admin").await;
    let a = t.get(&format!("/api/v1/appeals/{id}"), &token).await;
    a.ok(200)["tracking_code"]
        .as_str()
        .expect("a tracking code")
        .to_string()
}

/// The ids `user` finds with `q` (one page of up to 200).
async fn found(t: &TestApp, user: &str, q: &str) -> BTreeSet<Id> {
    let token = t.token(user).await;
    let query = serde_urlencoded::to_string([("q", q), ("per_page", "200")]).expect("query");
    let page = t.get(&format!("/api/v1/appeals?{query}"), &token).await;
    let page = page.ok(200);
    assert!(
        page["total"].as_i64().expect("total") < 200,
        "{q}: too many to compare"
    );
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| a["id"].as_i64().expect("id"))
        .collect()
}

/// The oracle: whether `fragment` (one piece: letters and digits only) is in the normalised
/// `text`, a number or Latin word at either end of it not glued to more letters or digits
/// in the text (5号楼 is not in 15号楼).
fn scan(text: &str, fragment: &str) -> bool {
    let text = normalise(text);
    let fragment = normalise(fragment);
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && !is_han(c));
    let (first, last) = (fragment.chars().next(), fragment.chars().last());
    text.match_indices(&fragment).any(|(at, _)| {
        let before = text[..at].chars().last();
        let after = text[at + fragment.len()..].chars().next();
        let glued_before = word(first) && word(before);
        let glued_after = word(last) && word(after);
        !glued_before && !glued_after
    })
}

/// Real messages (2020 泰迪杯, `../shared/data/tipdm2020/fj3_hot_4326.csv`): subject and
/// detail, the first `n` with a detail that fits an appeal.
fn real_messages(n: usize) -> Vec<(String, String)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/tipdm2020/fj3_hot_4326.csv");
    let table = Table::read(&path).unwrap_or_else(|e| {
        panic!("test data missing: {e}. This test needs /work/shared/data/tipdm2020/fj3_hot_4326.csv; it does not skip.")
    });
    let (s, d) = (
        table.column("留言主题").expect("subject"),
        table.column("留言详情").expect("detail"),
    );
    table
        .rows
        .iter()
        .map(|r| {
            (
                r.fields[s].trim().to_string(),
                r.fields[d].trim().to_string(),
            )
        })
        .filter(|(s, d)| !s.is_empty() && !d.is_empty() && d.chars().count() < 2_000)
        .filter(|(s, _)| s.chars().count() <= 50)
        .take(n)
        .collect()
}

/// `n` fragments of the texts: 2–6 characters from one run of letters and digits (so
/// crossing words, numbers and Latin), whole numbers with the character after them, the two
/// sides of a punctuation mark joined, and pairs of characters that may be in no text at all
/// (the last two for precision).
fn fragments(texts: &[String], n: usize, rng: &mut StdRng) -> Vec<String> {
    let mut out = BTreeSet::new();
    let alphabet: Vec<char> = texts
        .iter()
        .flat_map(|t| normalise(t).chars().collect::<Vec<_>>())
        .filter(|c| is_han(*c))
        .collect();
    while out.len() < n {
        let text: Vec<char> = normalise(&texts[rng.gen_range(0..texts.len())])
            .chars()
            .collect();
        let runs: Vec<&[char]> = text
            .split(|c| !c.is_alphanumeric())
            .filter(|r| r.len() >= 2)
            .collect();
        let Some(run) = runs.get(rng.gen_range(0..runs.len().max(1))) else {
            continue;
        };
        let fragment: String = match rng.gen_range(0..5) {
            0 => (0..2)
                .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                .collect(),
            // Both sides of a punctuation mark or space, without it: a fragment the text
            // does not hold there (水管破裂，楼道 → 破裂楼道).
            4 => match joined_across_a_gap(&text, rng) {
                Some(f) => f,
                None => continue,
            },
            1 => match run.iter().position(|c| c.is_ascii_digit()) {
                Some(at) => run[at..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .chain(run[at..].iter().find(|c| !c.is_ascii_digit()))
                    .collect(),
                None => continue,
            },
            _ => {
                let len = rng.gen_range(2..=6).min(run.len());
                let at = rng.gen_range(0..=run.len() - len);
                run[at..at + len].iter().collect()
            }
        };
        // A lone Chinese character is not a fragment (it is searched as a word).
        if fragment.chars().count() >= 2 {
            out.insert(fragment);
        }
    }
    out.into_iter().collect()
}

/// One to three characters before a punctuation mark or space of `text` and one to three
/// after it, joined without it; `None` when the text has no such mark.
fn joined_across_a_gap(text: &[char], rng: &mut StdRng) -> Option<String> {
    let gaps: Vec<usize> = (1..text.len().saturating_sub(1))
        .filter(|&i| {
            !text[i].is_alphanumeric()
                && text[i - 1].is_alphanumeric()
                && text[i + 1].is_alphanumeric()
        })
        .collect();
    let at = *gaps.get(rng.gen_range(0..gaps.len().max(1)))?;
    let (before, after) = (rng.gen_range(1..=3), rng.gen_range(1..=3));
    let mut left: Vec<char> = text[..at]
        .iter()
        .rev()
        .take_while(|c| c.is_alphanumeric())
        .take(before)
        .copied()
        .collect();
    left.reverse();
    let right = text[at + 1..]
        .iter()
        .take_while(|c| c.is_alphanumeric())
        .take(after);
    Some(left.into_iter().chain(right.copied()).collect())
}

async fn fragments_agree_with_a_substring_scan(backend: Backend) {
    let t = TestApp::new(backend).await;
    let mut rng = StdRng::seed_from_u64(16);
    let mut texts = Vec::new();
    let mut ids = Vec::new();
    for (i, (subject, detail)) in real_messages(120).into_iter().enumerate() {
        // Building numbers that are fragments of each other (5号楼, 15号楼), full-width too.
        let building = ["5号楼", "15号楼", "５号楼", "25号楼402室"][i % 4];
        let location = format!("云间新苑{building}");
        let (user, org) = if i % 3 == 0 {
            ("station21", t.fx.c21)
        } else {
            ("station11", t.fx.c11)
        };
        let mut body = TestApp::appeal_body(org);
        body["title"] = json!(subject.chars().take(40).collect::<String>());
        body["content"] = json!(detail);
        body["location"] = json!(location);
        // The text as stored (the answer), title, content and location: what search covers.
        let a = t.create_appeal(user, body).await;
        ids.push(a["id"].as_i64().expect("an id"));
        let field = |k: &str| a[k].as_str().unwrap_or_default().to_string();
        texts.push(format!(
            "{} {} {}",
            field("title"),
            field("content"),
            field("location")
        ));
    }
    let mut checked = 0;
    for fragment in fragments(&texts, 300, &mut rng) {
        let expected: BTreeSet<Id> = ids
            .iter()
            .zip(&texts)
            .filter(|(_, text)| scan(text, &fragment))
            .map(|(id, _)| *id)
            .collect();
        let got = found(&t, "admin", &fragment).await;
        assert_eq!(got, expected, "{fragment:?}: found ≠ substring scan");
        checked += usize::from(!expected.is_empty());
    }
    assert!(checked >= 120, "only {checked} fragments were in some text");
    t.finish().await;
}

async fn a_receptionists_fragments(backend: Backend) {
    let t = TestApp::new(backend).await;
    let (c11, c21) = (t.fx.c11, t.fx.c21);
    let pipe = appeal(
        &t,
        "station11",
        c11,
        "水管破裂",
        "15号楼水管破裂，楼道积水。",
        "佛字桥15号楼",
    )
    .await;
    let wifi = appeal(
        &t,
        "station11",
        c11,
        "信号差",
        "5号楼楼道WiFi信号很差。",
        "佛字桥5号楼",
    )
    .await;
    let other = appeal(
        &t,
        "station21",
        c21,
        "水管破裂",
        "5号楼水管破裂。",
        "仓桥5号楼",
    )
    .await;
    let one = |id: Id| BTreeSet::from([id]);
    // Across jieba's words; within the searcher's street only.
    assert_eq!(found(&t, "station11", "管破").await, one(pipe));
    assert_eq!(
        found(&t, "admin", "管破").await,
        BTreeSet::from([pipe, other])
    );
    // A number is whole: 5号楼 is not in 15号楼; full-width is the same as half-width.
    assert_eq!(found(&t, "station11", "5号楼").await, one(wifi));
    assert_eq!(found(&t, "station11", "５号楼").await, one(wifi));
    assert_eq!(found(&t, "station11", "15号").await, one(pipe));
    assert_eq!(found(&t, "station21", "5号楼").await, one(other));
    // A Latin word whole, in any case.
    assert_eq!(found(&t, "station11", "ＷＩＦＩ").await, one(wifi));
    assert!(found(&t, "station11", "wi").await.is_empty());
    // Every piece must be found; a fragment never spans punctuation.
    assert_eq!(found(&t, "station11", "楼道 管破").await, one(pipe));
    assert!(found(&t, "station11", "破裂楼道").await.is_empty());
    // The list page: what was typed, the appeal found, another street's not.
    let mut page = Browser::sign_in(&t, "station11").await;
    let res = page.post("/appeals", &[("q", "管破")]).await;
    let html = page.get(&location(&res)).await.text();
    assert!(
        html.contains(&code(&t, pipe).await),
        "the appeal with 管破 is listed"
    );
    assert!(!html.contains(&code(&t, wifi).await) && !html.contains(&code(&t, other).await));
    assert!(
        html.contains("value=\"管破\""),
        "the box keeps the fragment"
    );
    t.finish().await;
}

async fn appeals_written_before_are_found_after_the_catch_up(backend: Backend) {
    let t = TestApp::new(backend).await;
    let id = appeal(
        &t,
        "station11",
        t.fx.c11,
        "水管破裂",
        "15号楼水管破裂。",
        "佛字桥",
    )
    .await;
    // As an appeal written before migration 0036: its tokens are jieba's words only (what
    // search stored then), and the catch-up's mark is above it.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&t.url).await.expect("connect");
    let old = "水管 破裂 15 号 楼";
    if backend == Backend::Sqlite {
        let scope = format!("{} {} {}", t.fx.district, t.fx.s1, t.fx.c11);
        let now: String = sqlx::query_scalar("SELECT search_tokens FROM appeals WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .expect("tokens");
        for (command, tokens) in [("delete", now.as_str()), ("", old)] {
            let sql = if command.is_empty() {
                "INSERT INTO appeal_fts (rowid, tokens, scope) VALUES ($1, $2, $3)"
            } else {
                "INSERT INTO appeal_fts (appeal_fts, rowid, tokens, scope) VALUES ('delete', $1, $2, $3)"
            };
            sqlx::query(sql)
                .bind(id)
                .bind(tokens)
                .bind(&scope)
                .execute(&pool)
                .await
                .expect(sql);
        }
    }
    if backend == Backend::Postgres {
        let marks = format!(
            " ǂ ǂs{}ǂ ǂs{}ǂ ǂs{}ǂ ǂb0ǂ",
            t.fx.district, t.fx.s1, t.fx.c11
        );
        sqlx::query(
            "UPDATE appeal_search SET tsv = to_tsvector('simple', $1) WHERE appeal_id = $2",
        )
        .bind(format!("{old}{marks}"))
        .bind(id)
        .execute(&pool)
        .await
        .expect("old index row");
    }
    sqlx::query("UPDATE appeals SET search_tokens = $1 WHERE id = $2")
        .bind(old)
        .bind(id)
        .execute(&pool)
        .await
        .expect("old tokens");
    sqlx::query("UPDATE search_reindex SET below_id = $1")
        .bind(id + 1)
        .execute(&pool)
        .await
        .expect("the mark");
    pool.close().await;
    assert!(found(&t, "station11", "管破").await.is_empty(), "not yet");
    assert_eq!(
        found(&t, "station11", "水管").await,
        BTreeSet::from([id]),
        "by its old words"
    );
    assert_eq!(t.store.reindex_search().await.expect("catch-up"), 1);
    assert_eq!(found(&t, "station11", "管破").await, BTreeSet::from([id]));
    assert_eq!(
        t.store.reindex_search().await.expect("again"),
        0,
        "nothing left"
    );
    let problems = t.store.verify_records().await.expect("check");
    assert!(problems.is_empty(), "{problems:?}");
    t.finish().await;
}

/// The ids `user`'s list shows for the query `pairs`, in its order.
async fn listed(t: &TestApp, user: &str, pairs: &[(&str, &str)]) -> Vec<Id> {
    let token = t.token(user).await;
    let query = serde_urlencoded::to_string(pairs).expect("query");
    let page = t.get(&format!("/api/v1/appeals?{query}"), &token).await;
    (page.ok(200)["items"].as_array().expect("items").iter())
        .map(|a| a["id"].as_i64().expect("id"))
        .collect()
}

/// The ids of `q`'s matches in the order `sort`, `per_page` at a time, page `page`.
async fn ordered(t: &TestApp, q: &str, sort: &str, page: u32, per_page: u32) -> Vec<Id> {
    let (page, per_page) = (page.to_string(), per_page.to_string());
    let pairs = [
        ("q", q),
        ("sort", sort),
        ("page", &page),
        ("per_page", &per_page),
    ];
    listed(t, "admin", &pairs).await
}

/// `sort=relevance`: the appeals where each piece of the search is a whole word come first
/// (水管 in 厨房水管破裂, not in 下水管道), newest first among equals; paging follows that
/// order; the list page offers it; an unknown order is named.
async fn relevance_puts_whole_words_first(backend: Backend) {
    let t = TestApp::new(backend).await;
    let c11 = t.fx.c11;
    let whole_old = appeal(&t, "station11", c11, "水管破裂", "厨房水管破裂。", "").await;
    let fragment = appeal(&t, "station11", c11, "堵塞", "楼下下水管道堵塞。", "").await;
    let whole_new = appeal(&t, "station11", c11, "漏水", "卫生间水管漏水。", "").await;
    let fragment_new = appeal(&t, "station11", c11, "堵塞", "下水管道又堵了。", "").await;
    assert_eq!(
        ordered(&t, "水管", "newest", 1, 50).await,
        [fragment_new, whole_new, fragment, whole_old]
    );
    assert_eq!(ordered(&t, "水管", "newest", 2, 3).await, [whole_old]);
    let by_relevance = [whole_new, whole_old, fragment_new, fragment];
    assert_eq!(ordered(&t, "水管", "relevance", 1, 50).await, by_relevance);
    let mut paged = ordered(&t, "水管", "relevance", 1, 3).await;
    paged.extend(ordered(&t, "水管", "relevance", 2, 3).await);
    assert_eq!(paged, by_relevance);
    // With another filter too: only the accepted one; the rest in the relevance order.
    let token = t.token("station11").await;
    let accept = json!({"action": "accept"});
    let url = format!("/api/v1/appeals/{whole_old}/actions");
    t.post(&url, &token, accept).await.ok(200);
    let accepted = [("q", "水管"), ("status", "accepted")];
    assert_eq!(listed(&t, "station11", &accepted).await, [whole_old]);
    let registered = [
        ("q", "水管"),
        ("status", "registered"),
        ("sort", "relevance"),
    ];
    assert_eq!(
        listed(&t, "station11", &registered).await,
        [whole_new, fragment_new, fragment]
    );
    // A fragment that is no word anywhere leaves the newest first.
    assert_eq!(
        ordered(&t, "管道", "relevance", 1, 50).await,
        [fragment_new, fragment]
    );
    let token = t.token("admin").await;
    let bad = t
        .get("/api/v1/appeals?q=%E6%B0%B4%E7%AE%A1&sort=best", &token)
        .await;
    assert_eq!(bad.problem(422)["errors"][0]["field"], "sort");
    let mut page = Browser::sign_in(&t, "station11").await;
    let res = page
        .post("/appeals", &[("q", "水管"), ("sort", "relevance")])
        .await;
    let html = page.get(&location(&res)).await.text();
    let (first, second) = (code(&t, whole_new).await, code(&t, fragment_new).await);
    let (at_first, at_second) = (html.find(&first), html.find(&second));
    assert!(
        at_first.is_some() && at_second.is_some() && at_first < at_second,
        "the whole word is listed first"
    );
    assert!(
        html.contains("value=\"relevance\" selected"),
        "the order stays chosen"
    );
    t.finish().await;
}
