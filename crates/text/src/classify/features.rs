//! What the classifier sees of a text: jieba words and character n-grams, each hashed into
//! one space of feature ids, with the text's head (its first line — the title, as the server
//! and `suqiu text` join a title to its body — or else its first characters) counted again in
//! a namespace of its own, so that a title's words weigh more than the same words deep in the
//! body.

use serde::{Deserialize, Serialize};

use crate::Segmenter;

/// How a text becomes features. Stored in the model: classifying uses exactly what training
/// used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSettings {
    /// Word n-grams up to this length (1: words only, 2: also adjacent word pairs).
    pub word_ngrams: u8,
    /// jieba's search mode: a long word also gives its parts (排水管 → 排水, 水管, 排水管),
    /// so 水管 in a new text meets 排水管 in the training texts.
    pub search_words: bool,
    /// The shortest word kept, in characters (scikit-learn's default token pattern keeps two
    /// or more: the baseline uses 2).
    pub min_word_chars: u8,
    /// Character n-grams from `char_min` to `char_max` characters (0: none), inside runs of
    /// letters and digits (punctuation breaks a run).
    pub char_min: u8,
    pub char_max: u8,
    /// The first this many characters are also counted in the head namespace (0: no head).
    pub head_chars: u16,
    /// The head ends at the text's first line break, when it has one within `head_chars`
    /// characters: a title joined to its body by a line break is the head, all of it and only it.
    pub head_line: bool,
    /// `1 + ln(tf)` instead of the raw count.
    pub sublinear_tf: bool,
    /// Bits of each namespace's hashed space: an id is the namespace in the high bits and
    /// `bits` bits of hash below, so its namespace can be read off the id.
    pub hash_bits: u8,
    /// The weight of each namespace's part of the vector (words, characters, head words,
    /// head characters): each part is L2-normalised on its own and then weighted, so that
    /// the hundreds of character n-grams of a text do not drown its few dozen words.
    pub block_weights: [f32; 4],
}

/// Namespaces keep a word and the same characters as an n-gram (or in the head) apart.
#[derive(Clone, Copy, PartialEq)]
enum Space {
    Word = 1,
    Char = 2,
    HeadWord = 3,
    HeadChar = 4,
}

/// FNV-1a, 64 bits: stable across platforms and versions, so a saved model's ids mean the
/// same forever (std's hasher makes no such promise).
struct Fnv(u64);

impl Fnv {
    fn new(space: Space) -> Self {
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
        h.byte(space as u8);
        h
    }
    fn byte(&mut self, b: u8) {
        self.0 ^= u64::from(b);
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }
    fn str(&mut self, s: &str) {
        s.bytes().for_each(|b| self.byte(b));
    }
    fn char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.str(c.encode_utf8(&mut buf));
    }
}

/// Lowercase, full-width ASCII (ＡＢＣ１２３，) as half-width: the same word typed either way is
/// one feature.
pub fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

impl FeatureSettings {
    /// The hashed feature ids of a text with their term weights (tf or `1 + ln tf`), sorted
    /// by id, each id once.
    pub fn extract(&self, segmenter: &Segmenter, text: &str) -> Vec<(u32, f32)> {
        let text = normalise(text);
        let mut ids = Vec::with_capacity(text.len());
        self.words(segmenter, &text, Space::Word, &mut ids);
        self.chars(&text, Space::Char, &mut ids);
        if self.head_chars > 0 {
            let head: String = (text.chars().take(usize::from(self.head_chars)))
                .take_while(|&c| !(self.head_line && c == '\n'))
                .collect();
            self.words(segmenter, &head, Space::HeadWord, &mut ids);
            self.chars(&head, Space::HeadChar, &mut ids);
        }
        self.counted(ids)
    }

    fn bits(&self) -> u32 {
        u32::from(self.hash_bits.clamp(8, 26))
    }

    /// The namespace in the high bits, the hash's high bits (FNV mixes those best) below.
    fn id(&self, space: Space, hash: Fnv) -> u32 {
        let bits = self.bits();
        ((space as u32 - 1) << bits) | (hash.0 >> (64 - bits)) as u32
    }

    /// The namespace (block) of a feature id: 0 words, 1 characters, 2 head words, 3 head
    /// characters.
    pub fn block(&self, id: u32) -> usize {
        ((id >> self.bits()) as usize).min(3)
    }

    fn words(&self, segmenter: &Segmenter, text: &str, space: Space, out: &mut Vec<u32>) {
        let tokens = if self.search_words {
            segmenter.jieba.cut_for_search(text, true)
        } else {
            segmenter.jieba.cut(text, true)
        };
        let words: Vec<&str> = tokens
            .into_iter()
            .map(|t| t.word.trim())
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .filter(|w| w.chars().count() >= usize::from(self.min_word_chars.max(1)))
            .collect();
        for n in 1..=usize::from(self.word_ngrams) {
            for gram in words.windows(n) {
                let mut h = Fnv::new(space);
                for (i, w) in gram.iter().enumerate() {
                    if i > 0 {
                        h.byte(b' ');
                    }
                    h.str(w);
                }
                out.push(self.id(space, h));
            }
        }
    }

    fn chars(&self, text: &str, space: Space, out: &mut Vec<u32>) {
        if self.char_max == 0 {
            return;
        }
        let (lo, hi) = (
            usize::from(self.char_min.max(1)),
            usize::from(self.char_max),
        );
        let mut run: Vec<char> = Vec::new();
        for c in text.chars().chain(std::iter::once(' ')) {
            if c.is_alphanumeric() {
                run.push(c);
                continue;
            }
            for n in lo..=hi.min(run.len()) {
                for gram in run.windows(n) {
                    let mut h = Fnv::new(space);
                    gram.iter().for_each(|&c| h.char(c));
                    out.push(self.id(space, h));
                }
            }
            run.clear();
        }
    }

    /// Counts of each id as term weights.
    fn counted(&self, mut ids: Vec<u32>) -> Vec<(u32, f32)> {
        ids.sort_unstable();
        let mut out: Vec<(u32, f32)> = Vec::new();
        for id in ids {
            match out.last_mut() {
                Some((last, n)) if *last == id => *n += 1.0,
                _ => out.push((id, 1.0)),
            }
        }
        if self.sublinear_tf {
            out.iter_mut().for_each(|(_, tf)| *tf = 1.0 + tf.ln());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> FeatureSettings {
        FeatureSettings {
            word_ngrams: 1,
            search_words: false,
            min_word_chars: 1,
            char_min: 1,
            char_max: 2,
            head_chars: 0,
            head_line: false,
            sublinear_tf: false,
            hash_bits: 20,
            block_weights: [1.0; 4],
        }
    }

    #[test]
    fn full_width_and_case_are_one_feature() {
        assert_eq!(normalise("ＡＢＣ１２３，WiFi"), "abc123,wifi");
        let s = settings();
        let seg = Segmenter::shared();
        assert_eq!(s.extract(seg, "ＷＩＦＩ信号"), s.extract(seg, "wifi信号"));
    }

    #[test]
    fn counts_are_sorted_and_merged() {
        let s = settings();
        let f = s.extract(Segmenter::shared(), "水水水");
        assert!(f.windows(2).all(|w| w[0].0 < w[1].0), "{f:?}");
        // 水 three times as a char, 水水 twice; the word(s) jieba makes of it besides.
        assert!(f.iter().any(|&(_, n)| n == 3.0), "{f:?}");
        assert!(f.iter().any(|&(_, n)| n == 2.0), "{f:?}");
        let sub = FeatureSettings {
            sublinear_tf: true,
            ..settings()
        };
        let g = sub.extract(Segmenter::shared(), "水水水");
        assert!(g.iter().any(|&(_, n)| (n - (1.0 + 3f32.ln())).abs() < 1e-6));
    }

    #[test]
    fn punctuation_breaks_char_runs_and_is_no_feature() {
        let s = FeatureSettings {
            char_min: 2,
            char_max: 2,
            word_ngrams: 0,
            ..settings()
        };
        let seg = Segmenter::shared();
        assert!(s.extract(seg, "，。！？  ").is_empty());
        // 水，管 has no bigram; 水管 has one.
        assert!(s.extract(seg, "水，管").is_empty());
        assert_eq!(s.extract(seg, "水管").len(), 1);
    }

    #[test]
    fn head_adds_features_of_its_own() {
        let seg = Segmenter::shared();
        let plain = settings().extract(seg, "水管破裂，请修");
        let headed = FeatureSettings {
            head_chars: 4,
            ..settings()
        }
        .extract(seg, "水管破裂，请修");
        assert!(headed.len() > plain.len());
        assert!(plain.iter().all(|p| headed.contains(p)));
        assert!(headed.iter().all(|&(id, _)| id < 4 << 20));
        let s = settings();
        assert!(headed.iter().any(|&(id, _)| s.block(id) == 3));
        assert!(plain.iter().all(|&(id, _)| s.block(id) < 2));
    }
}
