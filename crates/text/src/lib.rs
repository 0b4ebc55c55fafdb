//! # suqiu-text
//!
//! Chinese text for search, done once at write time (ARCHITECTURE.md, principle 4): the
//! store keeps an appeal's search tokens space-joined in a column, and the database's own
//! full-text index does the rest — SQLite FTS5 (`tokenize='unicode61'`) or PostgreSQL
//! `to_tsvector('simple', …)`. [`search`] says what the tokens are: positional tokens that
//! find any fragment of two or more Chinese characters and any whole number or Latin word,
//! then the single characters jieba cuts as words of their own. A query becomes phrases of
//! the same tokens ([`search::Query`]), so user input can never be read as FTS syntax.

use std::collections::HashSet;
use std::sync::OnceLock;

use jieba_rs::Jieba;

pub mod classify;
pub mod search;
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

    /// The tokens to store in the full-text column: the fragment index's positional tokens
    /// ([`search::grams`]), then [`search::GAP`] and the single Chinese characters that
    /// jieba's search mode cuts as words of their own (what a one-character query finds,
    /// as before fragments), each once.
    pub fn index_tokens(&self, text: &str) -> String {
        let grams = search::grams(text);
        let normal = search::normalise(text);
        let mut seen = HashSet::new();
        let singles: Vec<&str> = self
            .jieba
            .cut_for_search(&normal, true)
            .into_iter()
            .map(|t| t.word)
            .filter(|w| {
                let mut chars = w.chars();
                chars.next().is_some_and(search::is_han) && chars.next().is_none()
            })
            .filter(|w| seen.insert(*w))
            .collect();
        // A Chinese character makes `grams` non-empty, so the GAP always follows a token.
        if singles.is_empty() {
            grams
        } else {
            format!("{grams} {} {}", search::GAP, singles.join(" "))
        }
    }

    /// How many of the query's pieces (its runs of letters and digits) `text` holds as a
    /// whole word — a word of jieba's precise cut of the text, so 水管 is whole in 厨房水管破裂
    /// and only a fragment of 下水管道: the relevance order puts such appeals first (issue
    /// 16 §3). Jieba cuts each block of Chinese, letters and digits on its own, so only the
    /// blocks holding a piece are cut, and the answer is the whole text's.
    pub fn whole_word_hits(&self, query: &str, text: &str) -> usize {
        let text = search::normalise(text);
        let query = search::normalise(query);
        let mut pieces: Vec<&str> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect();
        pieces.sort_unstable();
        pieces.dedup();
        let blocks: Vec<&str> = text
            .split(|c: char| !is_jieba_block_char(c))
            .filter(|b| !b.is_empty())
            .collect();
        pieces
            .iter()
            .filter(|piece| {
                blocks.iter().any(|block| {
                    block.contains(**piece)
                        && self
                            .jieba
                            .cut(block, true)
                            .iter()
                            .any(|w| w.word == **piece)
                })
            })
            .count()
    }
}

/// A character jieba keeps within one block when cutting (its default `re_han`: Chinese,
/// ASCII letters and digits, `+#&._%-`); any other character ends a block.
fn is_jieba_block_char(c: char) -> bool {
    search::is_han(c) || c.is_ascii_alphanumeric() || "+#&._%-".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use search::{Phrase, Query};
    use std::path::PathBuf;

    fn seg() -> &'static Segmenter {
        Segmenter::shared()
    }

    /// Whether `phrase` is at consecutive positions of the space-joined `tokens` (what FTS5
    /// and PostgreSQL's `<->` check).
    fn phrase_in(tokens: &str, phrase: &Phrase) -> bool {
        let tokens: Vec<&str> = tokens.split(' ').collect();
        let n = phrase.tokens.len();
        tokens
            .windows(n)
            .any(|w| w.iter().zip(&phrase.tokens).all(|(t, p)| t == p))
    }

    fn found(text: &str, q: &str) -> bool {
        let tokens = seg().index_tokens(text);
        Query::parse(q)
            .unwrap()
            .phrases
            .iter()
            .all(|p| phrase_in(&tokens, p))
    }

    #[test]
    fn fragments_across_words_are_found() {
        let text = "小区15号楼水管破裂，A座WiFi没信号";
        for q in [
            "管破",
            "水管破裂",
            "号楼水",
            "15号楼",
            "15号",
            "a座",
            "ＷＩＦＩ",
            "没信号",
        ] {
            assert!(found(text, q), "{q}");
        }
        for q in ["5号楼", "裂a", "破裂a座", "wi", "楼水管破裂a"] {
            assert!(!found(text, q), "{q}");
        }
    }

    #[test]
    fn single_characters_jieba_cut_alone_follow_the_gap() {
        let s = seg().index_tokens("3号楼的水管坏了");
        let (grams, singles) = s.split_once(&format!(" {} ", search::GAP)).unwrap();
        assert_eq!(grams, search::grams("3号楼的水管坏了"));
        let singles: Vec<&str> = singles.split(' ').collect();
        assert!(singles.contains(&"的"), "{s}");
        assert!(singles.iter().all(|w| w.chars().count() == 1), "{s}");
        assert!(found("3号楼的水管坏了", "的"));
        assert_eq!(seg().index_tokens("，。！ \n"), "");
        assert_eq!(seg().index_tokens("wifi 5"), "wifi ǂ 5");
    }

    #[test]
    fn shared_is_one_instance() {
        assert!(std::ptr::eq(Segmenter::shared(), Segmenter::shared()));
    }

    /// Real messages (2020 泰迪杯 public data, kept outside the crate): every fragment of two
    /// to six characters of a message's subject is a phrase of the index tokens of subject +
    /// detail.
    #[test]
    fn real_messages_are_found_by_any_fragment_of_their_subject() {
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
        assert!(messages.len() >= 400, "parsed {}", messages.len());
        let mut checked = 0;
        for r in messages.iter().step_by(messages.len() / 20).take(20) {
            let (s, d) = (&r[subject], &r[detail]);
            let tokens = seg().index_tokens(&format!("{s}\n{d}"));
            let chars: Vec<char> = search::normalise(s).chars().collect();
            // A number or Latin word cut by the fragment's edge is not one to find (5区 is
            // not in a5区: words are whole).
            let word =
                |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() && !search::is_han(*c));
            let cut = |at: usize| at > 0 && word(chars.get(at - 1)) && word(chars.get(at));
            for len in 2..=6 {
                for (at, w) in chars.windows(len).enumerate() {
                    if cut(at) || cut(at + len) {
                        continue;
                    }
                    let q: String = w.iter().collect();
                    let Some(query) = Query::parse(&q) else {
                        continue;
                    };
                    let single = query.phrases.iter().any(|p| {
                        p.tokens.len() == 1
                            && p.tokens[0].chars().all(search::is_han)
                            && p.tokens[0].chars().count() == 1
                    });
                    if single {
                        continue; // a lone character is not a fragment
                    }
                    for p in &query.phrases {
                        assert!(
                            phrase_in(&tokens, p),
                            "{q:?} of {s:?}: {p:?} not in the index"
                        );
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn whole_words_are_told_from_fragments() {
        let s = seg();
        assert_eq!(s.whole_word_hits("水管", "厨房水管破裂，请尽快维修"), 1);
        assert_eq!(s.whole_word_hits("水管", "楼下下水管道堵塞"), 0);
        assert_eq!(s.whole_word_hits("管破", "厨房水管破裂"), 0);
        assert_eq!(s.whole_word_hits("电梯 维修", "电梯坏了，请尽快维修"), 2);
        assert_eq!(s.whole_word_hits("电梯 电梯", "电梯坏了"), 1);
        assert_eq!(s.whole_word_hits("ＷＩＦＩ", "a座wifi没信号"), 1);
        assert_eq!(s.whole_word_hits("wi", "a座 wifi 没信号"), 0);
        assert_eq!(s.whole_word_hits("，", "电梯坏了"), 0);
        assert_eq!(s.whole_word_hits("电梯", ""), 0);
    }
}
