//! The pages' words in Chinese (the default) and English: one catalogue kept as data
//! (`assets/i18n/zh.toml` and `en.toml`, compiled in), one set of templates. The language is
//! a cookie (`suqiu_lang`), switched from the header.
//!
//! Data stays as entered (names of places, categories and people are Chinese); the closed
//! vocabularies (status, kind, …) have English labels here, keyed by their wire codes.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::http::{header, HeaderMap};
use suqiu_core::error::Reason;

pub const LANG_COOKIE: &str = "suqiu_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The `lang` attribute of the page.
    pub fn html(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language chosen by cookie; Chinese without one.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        for value in headers.get_all(header::COOKIE) {
            let Ok(s) = value.to_str() else { continue };
            for pair in s.split(';') {
                if let Some((k, v)) = pair.trim().split_once('=') {
                    if k.trim() == LANG_COOKIE {
                        if let Some(l) = Lang::parse(v.trim()) {
                            return l;
                        }
                    }
                }
            }
        }
        Lang::Zh
    }

    /// Of a pair of words given in both languages (core's labels and reasons), this
    /// language's.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The message `key`; the key itself when the catalogue lacks it (a test checks that
    /// every key the templates use is present).
    pub fn t(self, key: &str) -> &'static str {
        match message(key) {
            Some((zh, en)) => self.pick(zh, en),
            None => {
                tracing::warn!(key, "missing UI message");
                "?"
            }
        }
    }

    /// A holiday as the official arrangement names it (in Chinese, `data/calendar/`), in this
    /// language; a name not known here (a district's own file) stays as loaded. Names joined
    /// with `、` (国庆节、中秋节) are translated part by part.
    pub fn holiday(self, zh: &str) -> String {
        if self == Lang::Zh {
            return zh.to_string();
        }
        let parts: Vec<&str> = zh
            .split('、')
            .map(|part| english_holiday(part).unwrap_or(part))
            .collect();
        parts.join(" and ")
    }

    /// A step of the appellant's track page (`suqiu_core::tracking::public_step`, which
    /// words them in Chinese) in this language.
    pub fn track_step(self, zh: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => english_track_step(zh).unwrap_or(zh),
        }
    }

    /// A visit rule as the care pages state it (`VisitRule::label_zh` in Chinese).
    pub fn visit_rule(self, rule: &suqiu_core::care::VisitRule) -> String {
        use suqiu_core::care::Cadence;
        if self == Lang::Zh {
            return rule.label_zh();
        }
        let tag = self.label(rule.tag.code(), rule.tag.label_zh());
        match rule.cadence {
            Cadence::Every { days } => format!("{tag}: every {days} days"),
            Cadence::BeforeHoliday { holiday, days } => {
                let holiday = self.label(holiday.code(), holiday.label_zh());
                format!("{tag}: within {days} days before {holiday}")
            }
        }
    }

    /// The label of a vocabulary value: the Chinese label from core, or its English one.
    pub fn label(self, code: &str, zh: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => suqiu_core::labels::english(code).unwrap_or(zh),
        }
    }
}

/// A catalogue message as a refusal's reason, in both languages (its key is the code).
pub fn reason(key: &'static str) -> Reason {
    Reason {
        code: key,
        zh: Lang::Zh.t(key).to_string(),
        en: Lang::En.t(key).to_string(),
    }
}

/// An amount in English words, as an English voucher writes it beside the figures (the
/// Chinese one writes the capitals, 贰佰元整): "Two hundred yuan", "Twelve yuan and five fen".
pub fn amount_in_words(cents: i64) -> String {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    fn below_thousand(n: i64) -> String {
        let (h, rest) = (n / 100, n % 100);
        let tail = match rest {
            0 => String::new(),
            1..=19 => ONES[rest as usize].to_string(),
            _ if rest % 10 == 0 => TENS[(rest / 10) as usize].to_string(),
            _ => format!(
                "{}-{}",
                TENS[(rest / 10) as usize],
                ONES[(rest % 10) as usize]
            ),
        };
        match (h, tail.is_empty()) {
            (0, _) => tail,
            (_, true) => format!("{} hundred", ONES[h as usize]),
            (_, false) => format!("{} hundred {tail}", ONES[h as usize]),
        }
    }
    fn words(n: i64) -> String {
        if n == 0 {
            return "zero".into();
        }
        let mut parts = Vec::new();
        let mut rest = n;
        for (scale, name) in [
            (1_000_000_000, "billion"),
            (1_000_000, "million"),
            (1_000, "thousand"),
        ] {
            if rest >= scale {
                parts.push(format!("{} {name}", below_thousand(rest / scale)));
                rest %= scale;
            }
        }
        if rest > 0 {
            parts.push(below_thousand(rest));
        }
        parts.join(" ")
    }
    let cents = cents.max(0);
    let (yuan, fen) = (cents / 100, cents % 100);
    let mut out = format!("{} yuan", words(yuan));
    if fen > 0 {
        out.push_str(&format!(" and {} fen", words(fen)));
    }
    let mut chars = out.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => out,
    }
}

/// Whether `s` holds Chinese characters (what an English page must not show outside
/// people's data).
pub fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{4e00}'..='\u{9fff}'))
}

/// The steps the track page shows, as `suqiu_core::tracking::public_step` words them.
fn english_track_step(zh: &str) -> Option<&'static str> {
    Some(match zh {
        "已登记" => "Registered",
        "已受理" => "Accepted",
        "已安排专人办理" => "Assigned to someone to handle",
        "已转有关部门办理" => "Referred to the department concerned",
        "已报上级协调办理" => "Raised to the level above to coordinate",
        "办理期限已延长" => "Time to handle it extended",
        "已办结" => "Resolved",
        "已答复" => "You have been answered",
        "已回访" => "Followed up with you",
        "重新办理" => "Being handled again",
        "不予受理（可到受理站点了解原因）" => {
            "Not accepted (ask the station for the reason)"
        }
        "已与相同诉求合并办理" => "Handled together with the same appeal",
        "等待您补充情况，暂停计时" => "Waiting for more from you; the clock is stopped",
        "恢复办理" => "Handling resumed",
        "已超过办理时限，正在督促" => "Past its time limit; being chased up",
        "不予受理（无效信息）" => "Not accepted (invalid)",
        "经复核恢复办理" => "Reviewed: handled again",
        _ => return None,
    })
}

/// The public holidays of the State Council's arrangements.
fn english_holiday(zh: &str) -> Option<&'static str> {
    Some(match zh {
        "元旦" => "New Year's Day",
        "春节" => "Spring Festival",
        "清明节" => "Qingming Festival",
        "劳动节" => "Labour Day",
        "端午节" => "Dragon Boat Festival",
        "中秋节" => "Mid-Autumn Festival",
        "国庆节" => "National Day",
        _ => return None,
    })
}

/// The catalogue: key → (中文, English).
fn message(key: &str) -> Option<(&'static str, &'static str)> {
    // The figures' labels and explanations live in core's one table (`figure.CODE`,
    // `figure.CODE.note`), so every page, the API and the workbook name a figure alike.
    if let Some(code) = key.strip_prefix("figure.") {
        let (code, note) = match code.strip_suffix(".note") {
            Some(code) => (code, true),
            None => (code, false),
        };
        let f = suqiu_core::figures::by_code(code)?;
        return Some(if note {
            (f.note_zh, f.note_en)
        } else {
            (f.zh, f.en)
        });
    }
    let catalogue = catalogue();
    Some((*catalogue.zh.get(key)?, *catalogue.en.get(key)?))
}

/// The catalogue's two files, one `key = "text"` a line (`#` comments and blank lines
/// between), compiled in so a running server cannot miss them.
const ZH: &str = include_str!("../../assets/i18n/zh.toml");
const EN: &str = include_str!("../../assets/i18n/en.toml");

struct Catalogue {
    zh: HashMap<&'static str, &'static str>,
    en: HashMap<&'static str, &'static str>,
}

/// The catalogue, read from its files on first use.
fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue {
        zh: parse_catalogue(ZH).unwrap_or_else(|e| panic!("assets/i18n/zh.toml: {e}")),
        en: parse_catalogue(EN).unwrap_or_else(|e| panic!("assets/i18n/en.toml: {e}")),
    })
}

/// One catalogue file as key → text. The texts need no escapes (none holds a `"` or a
/// backslash), so a line is taken as written and anything else is refused, never guessed.
fn parse_catalogue(file: &'static str) -> Result<HashMap<&'static str, &'static str>, String> {
    let mut out = HashMap::new();
    for (n, line) in file.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let entry = line.split_once(" = ").and_then(|(key, text)| {
            let text = text.strip_prefix('"')?.strip_suffix('"')?;
            (!text.contains(['"', '\\'])).then_some((key.trim(), text))
        });
        let Some((key, text)) = entry else {
            return Err(format!("line {}: not `key = \"text\"`: {line}", n + 1));
        };
        if !key.split('.').all(bare_key_part) {
            return Err(format!("line {}: {key:?} is not a bare TOML key", n + 1));
        }
        if out.insert(key, text).is_some() {
            return Err(format!("line {}: {key} twice", n + 1));
        }
    }
    // The files are TOML to every other tool (editors, translators' checkers): a key that is
    // also a table (`a.b` beside `a.b.c`) is valid to the line reader above but not to TOML.
    if let Some(key) = out.keys().find(|key| {
        let mut dots = key.match_indices('.');
        dots.any(|(i, _)| out.contains_key(&key[..i]))
    }) {
        return Err(format!(
            "{key}: a key above it is a text, so TOML cannot make it a table"
        ));
    }
    Ok(out)
}

/// A part of a bare TOML key: ASCII letters, digits, `_` and `-`, not empty.
fn bare_key_part(part: &str) -> bool {
    !part.is_empty()
        && part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files under `dir`, its subdirectories' too.
    fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).expect("read the directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                out.extend(files(&path));
            } else {
                out.push(path);
            }
        }
        out
    }

    /// A key beside a longer key under it is refused: TOML could not read such a file.
    #[test]
    fn a_key_that_is_also_a_table_is_refused() {
        let err = parse_catalogue("f.spam_only = \"只看无效\"\nf.spam_only.note = \"说明\"\n")
            .expect_err("a key and a table of the same name");
        assert!(err.contains("f.spam_only.note"), "{err}");
        assert!(parse_catalogue("f.spam_only = \"a\"\nf.spam_only_note = \"b\"\n").is_ok());
        let err = parse_catalogue("a b = \"c\"\n").expect_err("a key with a space");
        assert!(err.contains("line 1"), "{err}");
    }

    /// Every message key the templates and the UI code look up has both languages.
    #[test]
    fn every_key_used_is_in_the_catalogue() {
        let dirs = [
            concat!(env!("CARGO_MANIFEST_DIR"), "/templates"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/src/ui"),
        ];
        let mut checked = 0;
        for path in dirs.iter().flat_map(|d| files(std::path::Path::new(d))) {
            let text = std::fs::read_to_string(&path).expect("read a file");
            for part in text.split(".t(\"").skip(1) {
                let Some(end) = part.find('"') else { continue };
                let key = &part[..end];
                assert!(
                    message(key).is_some(),
                    "{}: key {key:?} is not in the catalogue",
                    path.display()
                );
                checked += 1;
            }
        }
        assert!(
            checked > 100,
            "found only {checked} keys: is the scan broken?"
        );
    }

    /// Chinese characters and CJK or full-width punctuation: what an English page must not
    /// show outside people's data (the browser-level test, `tests/finish.rs`, uses the same
    /// ranges).
    fn cjk(c: char) -> bool {
        matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3001}'..='\u{303f}' | '\u{ff01}'..='\u{ff60}')
    }

    /// Both files parse and hold the same keys, every text is there in both languages, and
    /// the English has no Chinese in it.
    #[test]
    fn every_message_has_both_languages_and_the_english_is_english() {
        let zh = parse_catalogue(ZH).expect("zh.toml");
        let en = parse_catalogue(EN).expect("en.toml");
        fn only<'a>(a: &HashMap<&'a str, &str>, b: &HashMap<&str, &str>) -> Vec<&'a str> {
            let mut keys: Vec<&str> = a.keys().filter(|k| !b.contains_key(*k)).copied().collect();
            keys.sort_unstable();
            keys
        }
        assert_eq!(only(&zh, &en), Vec::<&str>::new(), "keys without English");
        assert_eq!(only(&en, &zh), Vec::<&str>::new(), "keys without Chinese");
        for (key, en) in &en {
            let (zh_text, en_text) = message(key).unwrap_or_else(|| panic!("{key} is not found"));
            assert_eq!(en_text, *en);
            assert!(!zh_text.trim().is_empty(), "{key}: no Chinese");
            assert!(!en.trim().is_empty(), "{key}: no English");
            // The switch to Chinese is named in Chinese (marked `lang="zh-CN"` on the page).
            if *key != "nav.lang_other" {
                assert!(!en.chars().any(cjk), "{key}: Chinese in the English {en:?}");
            }
        }
        assert!(en.len() > 300, "found only {} entries", en.len());
    }

    /// The `{name}`s of a text, sorted.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut names: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name))
            .collect();
        names.sort_unstable();
        names
    }

    /// Every kind of change the log records has words in both languages, with the same
    /// parameters in each.
    #[test]
    fn every_change_kind_is_worded_in_both_languages() {
        for kind in suqiu_store::changes::ChangeKind::ALL {
            let key = format!("change.{}", kind.code());
            let (zh, en) = message(&key).unwrap_or_else(|| panic!("{key} is not in the catalogue"));
            assert_eq!(placeholders(zh), placeholders(en), "{key}");
        }
    }

    #[test]
    fn a_catalogue_line_it_cannot_read_is_refused() {
        assert_eq!(
            parse_catalogue("# words\n\na.b = \"x y\"\n").expect("ok")["a.b"],
            "x y"
        );
        assert!(parse_catalogue("a.b = x").is_err());
        assert!(parse_catalogue("a.b = \"say \\\"hi\\\"\"").is_err());
        assert!(parse_catalogue("a = \"1\"\na = \"2\"").is_err());
    }

    /// Every value of the closed vocabularies pages show has an English label (a missing
    /// one would show the Chinese label on an English page).
    #[test]
    fn every_vocabulary_shown_has_an_english_label() {
        use suqiu_core::access::{ActionKind, Role};
        use suqiu_core::appeal::*;
        use suqiu_core::board::{reply::ReplyStep, ItemCategory, ReplyState};
        use suqiu_core::care::{DueStatus, Holiday};
        use suqiu_core::fund::{EntryKind, EntryStatus};
        use suqiu_core::org::OrgKind;
        use suqiu_core::person::{CareTag, Gender, PartyCategory};
        use suqiu_core::wishes::{WishCommand, WishStatus};
        fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
            all.iter().map(|v| code(*v)).collect()
        }
        let all = [
            codes(Status::ALL, Status::code),
            codes(Kind::ALL, Kind::code),
            codes(Channel::ALL, Channel::code),
            codes(Urgency::ALL, Urgency::code),
            codes(Resolution::ALL, Resolution::code),
            codes(Satisfaction::ALL, Satisfaction::code),
            codes(FeedbackChannel::ALL, FeedbackChannel::code),
            codes(Deadline::ALL, Deadline::code),
            codes(Role::ALL, Role::code),
            codes(ActionKind::ALL, ActionKind::code),
            codes(OrgKind::ALL, OrgKind::code),
            codes(CareTag::ALL, CareTag::code),
            codes(PartyCategory::ALL, PartyCategory::code),
            codes(Gender::ALL, Gender::code),
            codes(DueStatus::ALL, DueStatus::code),
            codes(Holiday::ALL, Holiday::code),
            codes(EntryKind::ALL, EntryKind::code),
            codes(EntryStatus::ALL, EntryStatus::code),
            codes(WishStatus::ALL, WishStatus::code),
            codes(WishCommand::ALL, WishCommand::code),
            codes(ItemCategory::ALL, ItemCategory::code),
            codes(ReplyState::ALL, ReplyState::code),
            codes(ReplyStep::ALL, ReplyStep::code),
            codes(
                suqiu_core::problem::ProblemStatus::ALL,
                suqiu_core::problem::ProblemStatus::code,
            ),
        ];
        let missing: Vec<&str> = all
            .iter()
            .flatten()
            .copied()
            .filter(|code| suqiu_core::labels::english(code).is_none())
            .collect();
        assert!(missing.is_empty(), "no English label for {missing:?}");
    }

    #[test]
    fn amounts_are_written_in_english_words() {
        assert_eq!(amount_in_words(20_000), "Two hundred yuan");
        assert_eq!(amount_in_words(1_205), "Twelve yuan and five fen");
        assert_eq!(
            amount_in_words(123_456_789),
            "One million two hundred thirty-four thousand five hundred sixty-seven yuan and eighty-nine fen"
        );
        assert_eq!(amount_in_words(10_000_000_000), "One hundred million yuan");
        assert_eq!(amount_in_words(0), "Zero yuan");
    }

    #[test]
    fn cookie_chooses_the_language() {
        let mut h = HeaderMap::new();
        assert_eq!(Lang::from_headers(&h), Lang::Zh);
        h.insert(header::COOKIE, "a=1; suqiu_lang=en".parse().expect("h"));
        assert_eq!(Lang::from_headers(&h), Lang::En);
        assert_eq!(Lang::En.t("nav.home"), "Dashboard");
        assert_eq!(Lang::Zh.t("nav.home"), "工作台");
        assert_eq!(Lang::En.label("walk_in", "接访"), "Walk-in");
        assert_eq!(Lang::En.label("no_such_code", "某"), "某");
    }
}
