//! Search that finds any fragment people type (issue 16 §3).
//!
//! A text is normalised ([`normalise`]: NFKC, so full-width ５号楼 and Ａ座 are 5号楼 and a座,
//! then lowercase) and cut into *pieces*, the runs of letters and digits between spaces and
//! punctuation. A piece is a row of *units*: runs of Chinese characters, and words of any
//! other letters or digits (5, 12, a, wifi, 302b). The index holds, in text order, one token
//! per position ([`grams`]):
//!
//! - a word as it is (a number is found whole: 5号楼 is not a fragment of 15号楼);
//! - for a run of Chinese c₁…cₙ: its first character alone (the run's start is marked), then
//!   one token per character, the bigram cᵢcᵢ₊₁, and the last character alone (its end is
//!   marked); a run of one character is one token;
//! - between pieces, [`GAP`], which no query contains, so a fragment never spans punctuation.
//!
//! A query piece is the phrase of the same tokens ([`Query::parse`]): 管破 is the bigram 管破,
//! 水管破 the phrase 水管 管破, 5号楼 the phrase 5 号 号楼, 402室 the phrase 402 室 (a run after
//! a word starts there, so its first character is a token: no prefix to expand — a prefix
//! 室* read the posting list of every bigram 室内, 室外, … and took 0.14 s at 1M appeals).
//! Both full-text engines match a phrase
//! on consecutive positions, so a phrase matches exactly where the piece is a substring of the
//! normalised text (with whole words at its ends): no candidates to verify afterwards.
//! Pieces of one query must all be found (AND).
//!
//! A lone Chinese character as a whole piece (楼) keeps what search did before fragments: it
//! finds the appeals where jieba cut it as a word of its own, and the appeals where it starts
//! or ends a run of Chinese (beside punctuation, a number or a Latin word). Matching it anywhere would
//! find most appeals for 楼 or 区 and read the whole index to do it.

use unicode_normalization::UnicodeNormalization;

/// The token between pieces and before the whole-word section: a letter (so both SQLite's
/// `unicode61` and PostgreSQL's parser keep it and count its position) that [`normalise`]d
/// text never yields as a token — [`pieces`] treats it as punctuation.
pub const GAP: &str = "ǂ";
const GAP_CHAR: char = 'ǂ';

/// NFKC (full-width letters and digits become ASCII, compatibility ideographs become the
/// unified ones), then lowercase: what index and query both see.
pub fn normalise(text: &str) -> String {
    text.nfkc().flat_map(char::to_lowercase).collect()
}

/// A Chinese character (CJK unified ideographs, their extensions and compatibility block, 〇):
/// searched by bigrams. Every other letter or digit belongs to a word searched whole.
pub fn is_han(c: char) -> bool {
    matches!(
        u32::from(c),
        0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF
    )
}

/// A unit of a piece.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Unit {
    Han(Vec<char>),
    Word(String),
}

/// The pieces of a normalised text, each a row of units.
fn pieces(text: &str) -> Vec<Vec<Unit>> {
    let mut out: Vec<Vec<Unit>> = Vec::new();
    let mut piece: Vec<Unit> = Vec::new();
    for c in text.chars() {
        if !c.is_alphanumeric() || c == GAP_CHAR {
            if !piece.is_empty() {
                out.push(std::mem::take(&mut piece));
            }
            continue;
        }
        match (piece.last_mut(), is_han(c)) {
            (Some(Unit::Han(run)), true) => run.push(c),
            (Some(Unit::Word(word)), false) => word.push(c),
            (_, true) => piece.push(Unit::Han(vec![c])),
            (_, false) => piece.push(Unit::Word(c.to_string())),
        }
    }
    if !piece.is_empty() {
        out.push(piece);
    }
    out
}

/// The tokens of a run of Chinese: its first character alone when `first`, its bigrams, its
/// last character alone when `last` (a run of one character is one token either way).
fn run_tokens(run: &[char], first: bool, last: bool, out: &mut Vec<String>) {
    if first {
        out.extend(run.first().map(char::to_string));
    }
    out.extend(run.windows(2).map(|w| w.iter().collect::<String>()));
    if last && !(first && run.len() == 1) {
        out.extend(run.last().map(char::to_string));
    }
}

/// The positional tokens of a text for the fragment index (see the module's documentation),
/// space-joined: words whole, each Chinese character's bigram (the run's first and last
/// alone), and [`GAP`] between pieces.
pub fn grams(text: &str) -> String {
    let mut tokens = Vec::new();
    for (i, piece) in pieces(&normalise(text)).iter().enumerate() {
        if i > 0 {
            tokens.push(GAP.to_string());
        }
        for unit in piece {
            match unit {
                Unit::Word(w) => tokens.push(w.clone()),
                Unit::Han(run) => run_tokens(run, true, true, &mut tokens),
            }
        }
    }
    tokens.join(" ")
}

/// One piece of a query: tokens to find at consecutive positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    pub tokens: Vec<String>,
}

/// A user's search text as phrases that must all be found; see the module's documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub phrases: Vec<Phrase>,
}

impl Query {
    /// The query of `q`, `None` when it has no letter or digit (nothing to search for).
    pub fn parse(q: &str) -> Option<Query> {
        let mut phrases: Vec<Phrase> = Vec::new();
        for piece in pieces(&normalise(q)) {
            let phrase = phrase(&piece);
            if !phrases.contains(&phrase) {
                phrases.push(phrase);
            }
        }
        (!phrases.is_empty()).then_some(Query { phrases })
    }

    /// The FTS5 expression (inside a column filter's parentheses): each phrase a quoted
    /// string, all ANDed. Tokens hold nothing but letters and digits, so user input is never
    /// FTS syntax.
    pub fn fts5(&self) -> String {
        let parts: Vec<String> = self
            .phrases
            .iter()
            .map(|p| format!("\"{}\"", p.tokens.join(" ")))
            .collect();
        parts.join(" ")
    }

    /// The text for PostgreSQL's `to_tsquery('simple', …)`: each phrase its quoted tokens
    /// joined by `<->`, the phrases joined by `&`.
    pub fn tsquery(&self) -> String {
        let parts: Vec<String> = self
            .phrases
            .iter()
            .map(|p| {
                let words: Vec<String> = p.tokens.iter().map(|t| format!("'{t}'")).collect();
                format!("({})", words.join(" <-> "))
            })
            .collect();
        parts.join(" & ")
    }
}

/// The phrase of one query piece: a word whole; a run of Chinese as its bigrams, with its
/// first character alone when a word precedes it (the text's run must start there) and its
/// last alone when a word follows (the text's run must end there).
fn phrase(piece: &[Unit]) -> Phrase {
    if let [Unit::Han(run)] = piece {
        if run.len() == 1 {
            return Phrase {
                tokens: vec![run[0].to_string()],
            };
        }
    }
    let mut tokens = Vec::new();
    for (i, unit) in piece.iter().enumerate() {
        match unit {
            Unit::Word(w) => tokens.push(w.clone()),
            Unit::Han(run) => run_tokens(run, i > 0, i + 1 < piece.len(), &mut tokens),
        }
    }
    Phrase { tokens }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(q: &str) -> Vec<Vec<String>> {
        Query::parse(q)
            .unwrap()
            .phrases
            .into_iter()
            .map(|p| p.tokens)
            .collect()
    }

    #[test]
    fn grams_keep_positions_and_gaps() {
        assert_eq!(grams("水管破裂"), "水 水管 管破 破裂 裂");
        assert_eq!(grams("５号楼 ＷiFi"), "5 号 号楼 楼 ǂ wifi");
        assert_eq!(grams("A座12栋，302室"), "a 座 12 栋 ǂ 302 室");
        assert_eq!(grams("，。 "), "");
        // The gap letter typed in a text is punctuation, never a token.
        assert_eq!(grams("水ǂ管"), "水 ǂ 管");
    }

    #[test]
    fn queries_are_phrases_of_the_same_tokens() {
        assert_eq!(phrases("管破"), [["管破"]]);
        assert_eq!(phrases("水管破"), [["水管", "管破"]]);
        assert_eq!(phrases("5号楼"), [["5", "号", "号楼"]]);
        // A run after a word starts there: its first character is a token, not a prefix.
        assert_eq!(phrases("402室"), [["402", "室"]]);
        assert_eq!(phrases("号楼3"), [["号楼", "楼", "3"]]);
        assert_eq!(phrases("座3"), [["座", "3"]]);
        assert_eq!(phrases("a座12"), [["a", "座", "12"]]);
        assert_eq!(phrases("楼"), [["楼"]]);
        assert_eq!(phrases("ＷＩＦＩ"), [["wifi"]]);
        assert_eq!(phrases("水管 破裂，水管"), [["水管"], ["破裂"]]);
        assert_eq!(Query::parse("，。！ ǂ"), None);
    }

    #[test]
    fn query_text_is_never_syntax() {
        let q =
            Query::parse(r#"水管" OR 破裂* NEAR(a b) title:电梯 -停车 ^x 'a' <-> b:*"#).unwrap();
        let fts = q.fts5();
        let ts = q.tsquery();
        for p in &q.phrases {
            for t in &p.tokens {
                assert!(t.chars().all(char::is_alphanumeric), "{t:?}");
            }
        }
        assert!(fts.starts_with("\"水管\" \"or\""), "{fts}");
        assert_eq!(fts.matches('"').count(), 2 * q.phrases.len(), "{fts}");
        assert!(ts.starts_with("('水管') & ('or')"), "{ts}");
        let q = Query::parse("5号 楼").unwrap();
        assert_eq!(q.fts5(), "\"5 号\" \"楼\"");
        assert_eq!(q.tsquery(), "('5' <-> '号') & ('楼')");
    }
}
