//! Errors shared by the domain modules.

use serde::Serialize;

/// A message a rule gives about a field: a stable code (snake_case) for programs, and its
/// words in Chinese and English for people. Defined as a `const` next to its rule, so
/// [`Msg::new`]'s checks run when the crate compiles: a message cannot lack a language,
/// have Chinese in its English, or name a `{parameter}` in one language only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Msg {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

impl Msg {
    pub const fn new(code: &'static str, zh: &'static str, en: &'static str) -> Msg {
        assert!(
            is_snake_case(code.as_bytes()),
            "a message code is snake_case"
        );
        assert!(
            !zh.is_empty() && !en.is_empty(),
            "a message has both languages"
        );
        assert!(
            !has_cjk(en.as_bytes()),
            "the English of a message has no Chinese"
        );
        assert!(
            same_parameters(zh.as_bytes(), en.as_bytes())
                && same_parameters(en.as_bytes(), zh.as_bytes()),
            "both languages of a message name the same parameters"
        );
        Msg { code, zh, en }
    }

    /// The words in English, or else in Chinese.
    pub fn text(&self, english: bool) -> &'static str {
        if english {
            self.en
        } else {
            self.zh
        }
    }
}

/// A [`Msg`] written where its rule is, checked when the crate compiles:
/// `FieldError::new("wish", &msg!("wish_empty", "请填写心愿内容", "Enter the wish"))`.
#[macro_export]
macro_rules! msg {
    ($code:literal, $zh:literal, $en:literal $(,)?) => {
        const { $crate::error::Msg::new($code, $zh, $en) }
    };
}

// Messages several rules give alike.
pub const BODY_NOT_OBJECT: Msg = Msg::new(
    "body_not_object",
    "请求体应为 JSON 对象",
    "The body is a JSON object",
);
pub const CONTENT_EMPTY: Msg = Msg::new(
    "content_empty",
    "请填写诉求内容",
    "Enter what the appeal is about",
);
pub const DATE_SHAPE: Msg = Msg::new(
    "date_shape",
    "日期格式应为 YYYY-MM-DD",
    "A date is written YYYY-MM-DD",
);
pub const FORMAT_JSON_OR_XLSX: Msg = Msg::new(
    "format_json_or_xlsx",
    "format 应为 json 或 xlsx",
    "format is json or xlsx",
);
pub const FROM_AFTER_TO: Msg = Msg::new(
    "from_after_to",
    "开始日期不能晚于结束日期",
    "The start date cannot be after the end date",
);
pub const NAME_EMPTY: Msg = Msg::new("name_empty", "请填写姓名", "Enter the name");
pub const ORG_UNIT_UNKNOWN: Msg = Msg::new("org_unit_unknown", "未知的组织节点", "Unknown unit");
pub const TO_BEFORE_FROM: Msg = Msg::new(
    "to_before_from",
    "结束日期不能早于开始日期",
    "The end date cannot be before the start date",
);

/// At most `{max}` characters, for the notes and names of many forms.
pub const TOO_LONG: Msg = Msg::new("too_long", "最多 {max} 个字", "At most {max} characters");
/// Text longer than its limit, saying both.
pub const CONTENT_TOO_LONG: Msg = Msg::new(
    "content_too_long",
    "内容过长：{n} 字，最多 {max} 字",
    "Too long: {n} characters, at most {max}",
);

const fn is_snake_case(code: &[u8]) -> bool {
    let mut i = 0;
    while i < code.len() {
        if !matches!(code[i], b'a'..=b'z' | b'0'..=b'9' | b'_') {
            return false;
        }
        i += 1;
    }
    !code.is_empty()
}

/// Whether UTF-8 `text` holds a CJK character or punctuation (U+3000–U+9FFF, whose lead
/// bytes are E3–E9) or a full-width form (U+FF01–U+FF60: EF BC xx, EF BD xx).
const fn has_cjk(text: &[u8]) -> bool {
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if matches!(b, 0xE3..=0xE9)
            || (b == 0xEF && i + 1 < text.len() && matches!(text[i + 1], 0xBC | 0xBD))
        {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether every `{name}` of `a` is also in `b`.
const fn same_parameters(a: &[u8], b: &[u8]) -> bool {
    let mut i = 0;
    while i < a.len() {
        if a[i] == b'{' {
            let mut end = i + 1;
            while end < a.len() && a[end] != b'}' {
                end += 1;
            }
            let (_, rest) = a.split_at(i);
            let (name, _) = rest.split_at(end + 1 - i);
            if !contains(b, name) {
                return false;
            }
            i = end;
        }
        i += 1;
    }
    true
}

const fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let mut start = 0;
    while start + needle.len() <= haystack.len() {
        let mut k = 0;
        while k < needle.len() && haystack[start + k] == needle[k] {
            k += 1;
        }
        if k == needle.len() {
            return true;
        }
        start += 1;
    }
    false
}

/// Why something was refused as a whole (a 403, a 409, a 503): a stable code for programs
/// and the words in both languages, parameters put in. The API says the Chinese; a page
/// says its own language ([`Reason::text`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

impl Reason {
    pub fn new(msg: &Msg) -> Reason {
        Reason {
            code: msg.code,
            zh: msg.zh.to_string(),
            en: msg.en.to_string(),
        }
    }

    /// Words from elsewhere in one language only (a page's own catalogue text, a file
    /// parser's report): both languages say them as they are.
    pub fn untranslated(code: &'static str, text: impl Into<String>) -> Reason {
        let text = text.into();
        Reason {
            code,
            en: text.clone(),
            zh: text,
        }
    }

    /// The reason with its `{name}` given (in both languages).
    pub fn with(mut self, name: &str, value: impl std::fmt::Display) -> Reason {
        let value = value.to_string();
        fill((&mut self.zh, &mut self.en), name, (&value, &value));
        self
    }

    /// The reason with its `{name}` given in words of each language (a label, a status).
    pub fn with_words(mut self, name: &str, zh: &str, en: &str) -> Reason {
        fill((&mut self.zh, &mut self.en), name, (zh, en));
        self
    }

    /// The words in English, or else in Chinese.
    pub fn text(&self, english: bool) -> &str {
        if english {
            &self.en
        } else {
            &self.zh
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.zh)
    }
}

/// Why a rule refused a command — the aid fund's, the supermarket's, the service
/// register's, care teams' and pairings': 422 (a field to fix), 409 (the state does not
/// allow it now) or 403 (not this actor's to do). The appeal lifecycle says more, in its own
/// `lifecycle::Refusal`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{}", .0.message)]
    Invalid(FieldError),
    #[error("{}", .0.message)]
    Conflict(FieldError),
    #[error("{0}")]
    Forbidden(Reason),
}

impl Refusal {
    /// `Invalid`: `field` says `msg`.
    pub fn invalid(field: &str, msg: &Msg) -> Refusal {
        Refusal::Invalid(FieldError::new(field, msg))
    }
}

/// Puts `{name}` into both languages of a message.
fn fill((zh, en): (&mut String, &mut String), name: &str, (zh_value, en_value): (&str, &str)) {
    let pattern = format!("{{{name}}}");
    *zh = zh.replace(&pattern, zh_value);
    *en = en.replace(&pattern, en_value);
}

/// One invalid input field: the [`Msg`]'s code and its words in both languages, with the
/// parameters put in.
///
/// `field` is the wire name of the field (`phone`, `id_number`, …) so a form can show the
/// message next to the right input. The API says `code` and the Chinese `message`; a page
/// says the words of its own language ([`FieldError::text`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
    #[serde(skip)]
    pub english: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, msg: &Msg) -> Self {
        FieldError {
            field: field.into(),
            code: msg.code,
            message: msg.zh.to_string(),
            english: msg.en.to_string(),
        }
    }

    /// An error whose words come from elsewhere in one language only (a page's own text,
    /// a parser's report): both languages say them as they are.
    pub fn untranslated(
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        let message = message.into();
        FieldError {
            field: field.into(),
            code,
            english: message.clone(),
            message,
        }
    }

    /// The message with its `{name}` given (in both languages).
    pub fn with(mut self, name: &str, value: impl std::fmt::Display) -> Self {
        let value = value.to_string();
        fill(
            (&mut self.message, &mut self.english),
            name,
            (&value, &value),
        );
        self
    }

    /// The message with its `{name}` given in words of each language (a label, a status).
    pub fn with_words(mut self, name: &str, zh: &str, en: &str) -> Self {
        fill((&mut self.message, &mut self.english), name, (zh, en));
        self
    }

    /// The words without the field, for a refusal of the whole request.
    pub fn reason(&self) -> Reason {
        Reason {
            code: self.code,
            zh: self.message.clone(),
            en: self.english.clone(),
        }
    }

    /// The same error about another field (a checked part of a bigger input).
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }

    /// The words in English, or else in Chinese.
    pub fn text(&self, english: bool) -> &str {
        if english {
            &self.english
        } else {
            &self.message
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_says_its_code_and_both_languages_with_parameters_given() {
        let e = FieldError::new("note", &TOO_LONG).with("max", 500);
        assert_eq!(e.code, "too_long");
        assert_eq!(e.text(false), "最多 500 个字");
        assert_eq!(e.text(true), "At most 500 characters");
        let json = serde_json::to_value(&e).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"field": "note", "code": "too_long", "message": "最多 500 个字"})
        );
        assert_eq!(e.at("reason").field, "reason");
    }

    #[test]
    fn a_reason_says_both_languages_with_words_of_each() {
        const M: Msg = msg!(
            "x_may_not",
            "角色「{role}」不能{what}",
            "A {role} may not {what}"
        );
        let r = Reason::new(&M)
            .with_words("role", "志愿者", "volunteer")
            .with_words("what", "导入人员", "import people");
        assert_eq!(r.code, "x_may_not");
        assert_eq!(r.text(false), "角色「志愿者」不能导入人员");
        assert_eq!(r.text(true), "A volunteer may not import people");
        assert_eq!(r.to_string(), r.zh);
        assert_eq!(Reason::untranslated("u", "无").text(true), "无");
    }

    #[test]
    fn the_checks_of_a_message_refuse_what_a_page_could_not_show() {
        assert!(is_snake_case(b"wish_too_long2"));
        assert!(!is_snake_case(b"Wish-too-long") && !is_snake_case(b""));
        assert!(has_cjk("请填写".as_bytes()) && has_cjk("a，b".as_bytes()));
        assert!(!has_cjk("Enter 1–5 days…".as_bytes()));
        assert!(same_parameters(b"{a} and {b}", b"{b}, {a}"));
        assert!(!same_parameters(b"{a} and {b}", b"{a}"));
    }
}
