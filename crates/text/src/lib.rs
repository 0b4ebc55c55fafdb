//! # suqiu-text
//!
//! Chinese text for search, done once at write time (ARCHITECTURE.md, principle 4):
//! jieba segments a text into tokens, the store keeps them space-joined in a column, and the
//! database's own full-text index does the rest — SQLite FTS5 (`tokenize='unicode61'`) or
//! PostgreSQL `to_tsvector('simple', …)`. A query is segmented the same way and every token
//! quoted, so user input can never be read as FTS syntax.
//!
//! - [`Segmenter::index_tokens`]: search mode (`cut_for_search`), so that a long word is also
//!   findable by its parts (排水管 → 排水, 水管, 排水管).
//! - [`Segmenter::query_tokens`]: ordinary `cut`, so that a query means what it says
//!   (水管破裂 → 水管, 破裂); every query token is also an index token of the same text.
//!
//! Both lowercase, drop tokens without a letter or digit (punctuation, whitespace), and
//! deduplicate keeping first occurrence.

use std::collections::HashSet;
use std::sync::OnceLock;

use jieba_rs::Jieba;

pub mod classify;
pub mod similar;
pub mod table;

/// A jieba segmenter with its embedded dictionary. Building one costs ~140 ms: build it once,
/// or use [`Segmenter::shared`].
pub struct Segmenter {
    jieba: Jieba,
}

impl Default for Segmenter {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Segmenter")
    }
}

/// A token worth indexing: it has at least one letter or digit (in any script).
fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

/// Lowercases, drops non-words and duplicates (keeping first occurrence).
fn clean<'a>(tokens: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for token in tokens {
        let token = token.trim();
        if !is_word(token) {
            continue;
        }
        let token = token.to_lowercase();
        if seen.insert(token.clone()) {
            out.push(token);
        }
    }
    out
}

impl Segmenter {
    pub fn new() -> Self {
        Segmenter {
            jieba: Jieba::new(),
        }
    }

    /// One segmenter for the whole process, built on first use.
    pub fn shared() -> &'static Segmenter {
        static SHARED: OnceLock<Segmenter> = OnceLock::new();
        SHARED.get_or_init(Segmenter::new)
    }

    /// The tokens to store in the full-text column: search-mode segmentation (HMM on),
    /// lowercased, without punctuation or whitespace, deduplicated, space-joined.
    pub fn index_tokens(&self, text: &str) -> String {
        let tokens = self.jieba.cut_for_search(text, true);
        clean(tokens.iter().map(|t| t.word)).join(" ")
    }

    /// The tokens of a user's query: ordinary segmentation (HMM on), lowercased, without
    /// punctuation or whitespace, deduplicated, and without `"` so that each can be quoted
    /// for FTS5. Pass them to [`fts5_query`] or [`tsquery_text`].
    pub fn query_tokens(&self, q: &str) -> Vec<String> {
        let tokens = self.jieba.cut(q, true);
        let unquoted: Vec<String> = tokens.iter().map(|t| t.word.replace('"', "")).collect();
        clean(unquoted.iter().map(String::as_str))
    }
}

/// An FTS5 `MATCH` expression requiring every token: each token double-quoted (a string,
/// never an operator, column filter or prefix query), joined by spaces (implicit AND).
/// `None` when there is no token, i.e. nothing to search for.
pub fn fts5_query(tokens: &[String]) -> Option<String> {
    let quoted: Vec<String> = tokens
        .iter()
        .map(|t| t.replace('"', ""))
        .filter(|t| is_word(t))
        .map(|t| format!("\"{t}\""))
        .collect();
    (!quoted.is_empty()).then(|| quoted.join(" "))
}

/// The text for PostgreSQL's `plainto_tsquery('simple', $1)`, which ANDs the words and
/// treats operators as plain text: the tokens space-joined. `None` when there is no token.
pub fn tsquery_text(tokens: &[String]) -> Option<String> {
    let words: Vec<&str> = tokens
        .iter()
        .map(String::as_str)
        .filter(|t| is_word(t))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn seg() -> &'static Segmenter {
        Segmenter::shared()
    }

    fn index(text: &str) -> Vec<String> {
        seg()
            .index_tokens(text)
            .split(' ')
            .map(String::from)
            .collect()
    }

    #[test]
    fn index_finds_words_and_their_parts() {
        let t = index("小区3号楼水管破裂");
        assert!(t.contains(&"水管".to_string()), "{t:?}");
        assert!(t.contains(&"破裂".to_string()), "{t:?}");
        let t = index("排水管堵了");
        assert!(t.contains(&"水管".to_string()), "{t:?}");
        assert!(t.contains(&"排水管".to_string()), "{t:?}");
    }

    #[test]
    fn index_drops_punctuation_and_duplicates() {
        let s = seg().index_tokens("水管，水管！！ 水管……\n“漏水”");
        let t: Vec<&str> = s.split(' ').collect();
        assert_eq!(t.iter().filter(|x| **x == "水管").count(), 1, "{s}");
        assert!(t.iter().all(|x| is_word(x)), "{s}");
        assert!(
            !s.contains("  ") && !s.starts_with(' ') && !s.ends_with(' '),
            "{s:?}"
        );
        assert_eq!(seg().index_tokens("，。！ \n"), "");
        assert_eq!(seg().index_tokens(""), "");
    }

    #[test]
    fn query_tokens_are_plain_words() {
        assert_eq!(seg().query_tokens("水管"), ["水管"]);
        assert_eq!(seg().query_tokens("水管破裂"), ["水管", "破裂"]);
        assert_eq!(seg().query_tokens("水管 水管，"), ["水管"]);
        assert!(seg().query_tokens("  ，。").is_empty());
    }

    #[test]
    fn latin_and_digits_are_lowercased() {
        let t = index("WiFi信号差，3号楼ABC");
        assert!(t.contains(&"wifi".to_string()), "{t:?}");
        assert!(t.contains(&"abc".to_string()), "{t:?}");
        assert!(t.contains(&"3".to_string()), "{t:?}");
        assert!(t.iter().all(|x| *x == x.to_lowercase()));
        let q = seg().query_tokens("WIFI 3号楼");
        assert!(q.contains(&"wifi".to_string()), "{q:?}");
        assert!(q.iter().all(|x| *x == x.to_lowercase()));
    }

    #[test]
    fn fts5_query_is_safe() {
        let q = seg().query_tokens(r#"水管" OR 破裂* NEAR(a b) title:电梯 -停车 ^x"#);
        assert!(q.iter().all(|t| !t.contains('"')), "{q:?}");
        let m = fts5_query(&q).unwrap();
        // Every token is a quoted string; outside quotes there are only single spaces.
        let mut outside = String::new();
        for (i, part) in m.split('"').enumerate() {
            if i % 2 == 0 {
                outside.push_str(part);
            } else {
                assert!(!part.is_empty());
            }
        }
        assert!(outside.chars().all(|c| c == ' '), "{m}");
        assert_eq!(m.matches('"').count(), 2 * q.len(), "{m}");
        assert!(m.contains("\"水管\"") && m.contains("\"or\""), "{m}");
        assert!(!m.contains("\"*\""), "{m}");

        assert_eq!(fts5_query(&[]), None);
        assert_eq!(fts5_query(&["\"".to_string(), "*".to_string()]), None);
        assert_eq!(fts5_query(&["a\"b".to_string()]).as_deref(), Some("\"ab\""));
        assert_eq!(
            fts5_query(&["水管".into(), "破裂".into()]).as_deref(),
            Some("\"水管\" \"破裂\"")
        );
    }

    #[test]
    fn tsquery_text_joins() {
        assert_eq!(
            tsquery_text(&["水管".into(), "破裂".into()]).as_deref(),
            Some("水管 破裂")
        );
        assert_eq!(tsquery_text(&[]), None);
        assert_eq!(tsquery_text(&seg().query_tokens("！！")), None);
    }

    #[test]
    fn shared_is_one_instance() {
        assert!(std::ptr::eq(Segmenter::shared(), Segmenter::shared()));
    }

    /// Real messages (2020 泰迪杯 public data, kept outside the crate): every query token of a
    /// message's subject is an index token of subject + detail, so searching by the subject's
    /// words finds the message.
    #[test]
    fn real_messages_are_found_by_their_subject() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/tipdm2020/fj2_sample_495.csv");
        let table = crate::table::Table::read(&path).unwrap_or_else(|e| {
            panic!(
                "test data missing or unreadable: {e}. This test needs the 2020 泰迪杯 sample \
                 messages at /work/shared/data/tipdm2020/fj2_sample_495.csv; it does not skip."
            )
        });
        let (subject, detail) = (
            table.column("留言主题").unwrap(),
            table.column("留言详情").unwrap(),
        );
        let messages: Vec<&Vec<String>> = table.rows.iter().map(|r| &r.fields).collect();
        assert!(
            messages.len() >= 400,
            "expected ~495 rows, parsed {}",
            messages.len()
        );

        let step = messages.len() / 20;
        let mut checked = 0;
        for r in messages.iter().step_by(step).take(20) {
            let (s, d) = (&r[subject], &r[detail]);
            let indexed: HashSet<String> = index(&format!("{s}\n{d}")).into_iter().collect();
            let q = seg().query_tokens(s);
            assert!(!q.is_empty(), "no query tokens for {s}");
            for t in &q {
                assert!(
                    indexed.contains(t),
                    "query token {t:?} of {s:?} not indexed"
                );
            }
            assert!(fts5_query(&q).is_some());
            checked += 1;
        }
        assert_eq!(checked, 20);
    }
}
