//! Request extractors whose failures are problem+json: a JSON body that names the field at
//! fault, query parameters checked one by one, and numeric path ids.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use suqiu_core::error::{FieldError, Msg};
use suqiu_core::msg;
use suqiu_core::validate::check_storable;
use suqiu_core::Id;

use crate::problem::Problem;

/// A JSON body: malformed → 400; wrong type, missing or unknown field → 422 naming the
/// field (`appellant.phone`); over the body limit → 413.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let bytes = body_bytes(req, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// The media type of a request (its `Content-Type` without parameters), lower case; empty
/// when there is none or it is not text.
pub(crate) fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| ct.split(';').next())
        .map(|e| e.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The raw body, with the content type checked (JSON, or none given) and the size limit
/// applied (413).
pub async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, Problem> {
    if req.headers().contains_key(header::CONTENT_TYPE) {
        let essence = media_type(req.headers());
        if !(essence == "application/json" || essence.ends_with("+json")) {
            return Err(Problem::for_status(StatusCode::UNSUPPORTED_MEDIA_TYPE));
        }
    }
    Bytes::from_request(req, state).await.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::too_large()
        } else {
            Problem::bad_request("无法读取请求体")
        }
    })
}

/// Checks the syntax first (400), then that the body is an object (every body of this API
/// is), then deserializes with the path of the failing field (422).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    check_syntax(bytes)?;
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Problem::field("body", &suqiu_core::error::BODY_NOT_OBJECT));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        Problem::invalid(vec![field_error(&path, e.inner())])
    })
}

/// 400 unless `bytes` is well-formed JSON; 422 naming the field when a string in it holds a
/// character no text may ([`check_storable`]).
pub fn check_syntax(bytes: &[u8]) -> Result<(), Problem> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Problem::bad_request("请求体为空，应为 JSON"));
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).map_err(|e| {
        Problem::bad_request(format!(
            "请求体不是有效的 JSON（第 {} 行第 {} 列）",
            e.line(),
            e.column()
        ))
    })?;
    check_json_text(bytes)
}

/// Every string and key of a well-formed JSON body checked with [`check_storable`], the
/// field named by its path (`appellant.name`, `tags[1]`), as serde's errors name it. Raw
/// control bytes are already a syntax error, so only a body with a `\u` escape or the
/// UTF-8 of U+FFFE/U+FFFF is walked at all.
fn check_json_text(bytes: &[u8]) -> Result<(), Problem> {
    let suspect = bytes.windows(2).any(|w| w == b"\\u")
        || bytes
            .windows(3)
            .any(|w| w == [0xEF, 0xBF, 0xBE] || w == [0xEF, 0xBF, 0xBF]);
    if !suspect {
        return Ok(());
    }
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|_| Problem::bad_request("请求体不是有效的 JSON"))?;
    let mut errors = Vec::new();
    walk_text(&value, "", &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Problem::invalid(errors))
    }
}

/// A name as it may be echoed in an error: characters that cannot be stored shown as U+FFFD.
pub(crate) fn shown(name: &str) -> String {
    name.chars()
        .map(|c| {
            if suqiu_core::validate::storable_char(c) {
                c
            } else {
                '\u{fffd}'
            }
        })
        .collect()
}

fn walk_text(value: &serde_json::Value, path: &str, errors: &mut Vec<FieldError>) {
    use serde_json::Value;
    let field = |p: &str| {
        if p.is_empty() {
            "body".to_string()
        } else {
            p.to_string()
        }
    };
    match value {
        Value::String(s) => errors.extend(check_storable(&field(path), s).err()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_text(item, &format!("{path}[{i}]"), errors);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                // A key that cannot be stored is reported on the object holding it.
                errors.extend(check_storable(&field(path), key).err());
                let key = shown(key);
                let child = if path.is_empty() {
                    key
                } else {
                    format!("{path}.{key}")
                };
                walk_text(item, &child, errors);
            }
        }
        _ => {}
    }
}

/// serde's message without serde_json's " at line 1 column 5".
fn bare_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else if path == name || path.ends_with(&format!(".{name}")) {
        path.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// The text between the first pair of backticks.
fn quoted(msg: &str) -> Option<&str> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(&msg[start..start + len])
}

fn expected_zh(expected: &str) -> String {
    let e = expected.trim();
    let ints = [
        "i64", "i32", "u64", "u32", "u16", "u8", "i16", "i8", "usize", "integer",
    ];
    if ints.iter().any(|t| e.contains(t)) {
        "整数".into()
    } else if e.contains("f64") || e.contains("f32") {
        "数字".into()
    } else if e.contains("boolean") || e == "bool" {
        "布尔值（true 或 false）".into()
    } else if e.contains("string") || e.contains("str") {
        "字符串".into()
    } else if e.contains("sequence") || e.contains("Vec") {
        "数组".into()
    } else if e.contains("struct") || e.contains("map") {
        "对象".into()
    } else {
        e.to_string()
    }
}

/// A deserialization error as a field error in Chinese, the field taken from `path` (and,
/// for missing or unknown fields, from the message).
pub fn field_error(path: &str, e: &serde_json::Error) -> FieldError {
    let msg = bare_message(e);
    if let Some(rest) = msg.strip_prefix("missing field ") {
        let name = quoted(rest).unwrap_or(rest);
        let msg = msg!(
            "field_missing",
            "缺少必填字段「{name}」",
            "The field {name} is required"
        );
        return FieldError::new(join(path, name), &msg).with("name", name);
    }
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let name = quoted(rest).unwrap_or(rest);
        let msg = msg!(
            "field_unknown",
            "不支持的字段「{name}」",
            "There is no field {name}"
        );
        return FieldError::new(join(path, name), &msg).with("name", name);
    }
    let field = if path.is_empty() {
        "body".to_string()
    } else {
        path.to_string()
    };
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let value = quoted(rest).unwrap_or("");
        let options = rest
            .split_once("expected ")
            .map(|(_, o)| o.replace('`', "").replace("one of ", ""))
            .unwrap_or_default();
        return FieldError::new(field, &VALUE_UNKNOWN)
            .with("value", value)
            .with("options", options);
    }
    if msg.starts_with("invalid type") {
        let expected = msg.rsplit_once(", expected ").map(|(_, x)| x).unwrap_or("");
        let msg = msg!(
            "type_wrong",
            "类型错误：应为{expected}",
            "Wrong type: {expected} expected"
        );
        return FieldError::new(field, &msg).with_words(
            "expected",
            &expected_zh(expected),
            expected,
        );
    }
    if msg.starts_with("invalid value") || msg.starts_with("invalid length") {
        let invalid = msg!(
            "value_invalid",
            "取值无效（{detail}）",
            "Invalid value ({detail})"
        );
        return FieldError::new(field, &invalid).with("detail", msg);
    }
    if field.ends_with("date") || field.ends_with("_on") {
        return FieldError::new(field, &suqiu_core::error::DATE_SHAPE);
    }
    let shape = msg!(
        "shape_wrong",
        "格式不正确（{detail}）",
        "Wrong format ({detail})"
    );
    FieldError::new(field, &shape).with("detail", msg)
}

/// A value not among a list's codes.
const VALUE_UNKNOWN: Msg = Msg::new(
    "value_unknown",
    "无效的取值「{value}」，可选：{options}",
    "Invalid value {value}; one of: {options}",
);

/// Query parameters, read one by one so each bad value is a 422 naming the parameter.
pub struct Params(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let Query(m) = Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::bad_request("查询参数格式错误"))?;
        let mut errors: Vec<FieldError> = m
            .iter()
            .flat_map(|(k, v)| {
                let field = shown(k);
                [
                    check_storable(&field, k).err(),
                    check_storable(&field, v).err(),
                ]
            })
            .flatten()
            .collect();
        if errors.is_empty() {
            Ok(Params(m))
        } else {
            errors.sort_by(|a, b| a.field.cmp(&b.field));
            errors.dedup_by(|a, b| a.field == b.field);
            Err(Problem::invalid(errors))
        }
    }
}

/// Default and largest page sizes of lists.
pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 200;

impl Params {
    /// The trimmed value, `None` when absent or empty.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    pub fn id(&self, key: &str, errors: &mut Vec<FieldError>) -> Option<Id> {
        let v = self.str(key)?;
        match v.parse::<Id>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                let msg = msg!(
                    "id_shape",
                    "应为正整数编号，收到「{value}」",
                    "A number above 0 expected, not {value}"
                );
                errors.push(FieldError::new(key, &msg).with("value", short(v)));
                None
            }
        }
    }

    /// A value parsed with `parse` (a vocabulary's `parse`), or an error listing `codes`.
    pub fn code<T>(
        &self,
        key: &str,
        parse: fn(&str) -> Option<T>,
        codes: String,
        errors: &mut Vec<FieldError>,
    ) -> Option<T> {
        let v = self.str(key)?;
        match parse(v) {
            Some(t) => Some(t),
            None => {
                errors.push(
                    FieldError::new(key, &VALUE_UNKNOWN)
                        .with("value", short(v))
                        .with("options", codes.replace('|', ", ")),
                );
                None
            }
        }
    }

    pub fn bool(&self, key: &str, errors: &mut Vec<FieldError>) -> Option<bool> {
        match self.str(key)? {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            v => {
                let msg = msg!(
                    "bool_shape",
                    "应为 true 或 false，收到「{value}」",
                    "true or false expected, not {value}"
                );
                errors.push(FieldError::new(key, &msg).with("value", short(v)));
                None
            }
        }
    }

    pub fn date(&self, key: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
        let v = self.str(key)?;
        match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let msg = msg!(
                    "date_shape_given",
                    "日期格式应为 YYYY-MM-DD，收到「{value}」",
                    "A date is written YYYY-MM-DD, not {value}"
                );
                errors.push(FieldError::new(key, &msg).with("value", short(v)));
                None
            }
        }
    }

    /// `page` (≥ 1, default 1) and `per_page` (1–200, default 50).
    pub fn paging(&self, errors: &mut Vec<FieldError>) -> (i64, i64) {
        let mut number = |key: &str, default: i64, max: i64| match self.str(key) {
            None => default,
            Some(v) => match v.parse::<i64>() {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => {
                    let range = if max == i64::MAX {
                        "≥ 1".to_string()
                    } else {
                        format!("1–{max}")
                    };
                    let msg = msg!(
                        "whole_number_range",
                        "应为 {range} 的整数，收到「{value}」",
                        "A whole number {range} expected, not {value}"
                    );
                    let error = FieldError::new(key, &msg).with("range", &range);
                    errors.push(error.with("value", short(v)));
                    default
                }
            },
        };
        let page = number("page", 1, 1_000_000);
        let per_page = number("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE);
        (page, per_page)
    }

    /// `from` and `to` (YYYY-MM-DD, both included) as a period: by default this month up to
    /// `today` (`app::period`).
    pub fn period(&self, today: NaiveDate, errors: &mut Vec<FieldError>) -> (NaiveDate, NaiveDate) {
        let dates = (self.date("from", errors), self.date("to", errors));
        crate::app::period(dates, today, errors)
    }

    /// `format=json|xlsx` (default json): true for xlsx.
    pub fn xlsx_format(&self, errors: &mut Vec<FieldError>) -> bool {
        match self.str("format") {
            None | Some("json") => false,
            Some("xlsx") => true,
            Some(_) => {
                errors.push(FieldError::new(
                    "format",
                    &suqiu_core::error::FORMAT_JSON_OR_XLSX,
                ));
                false
            }
        }
    }
}

/// A value echoed in a message, cut short (queries can be long).
fn short(v: &str) -> String {
    let mut s: String = v.chars().take(40).collect();
    if v.chars().count() > 40 {
        s.push('…');
    }
    s
}

/// A numeric id in the path; anything else is 404 (no such thing).
pub struct IdPath(pub Id);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::not_found())?;
        raw.parse::<Id>()
            .map(IdPath)
            .map_err(|_| Problem::not_found())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::appeals::AppealIn;
    use crate::routes::people::PersonIn;

    fn err_of<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> Problem {
        parse_json::<T>(json.as_bytes()).expect_err("must fail")
    }

    fn fields(p: &Problem) -> Vec<&str> {
        p.errors.iter().map(|e| e.field.as_str()).collect()
    }

    const BASE: &str =
        r#""org_unit_id":1,"channel":"walk_in","kind":"help","category":"x","anonymous":true"#;

    #[test]
    fn syntax_errors_are_400_and_data_errors_name_the_field() {
        assert_eq!(err_of::<AppealIn>(r#"{"org_unit_id": 1,"#).status, 400);
        assert_eq!(err_of::<AppealIn>("  ").status, 400);
        let p = err_of::<AppealIn>(&format!(r#"{{{BASE},"content":"x","org_unit_id":"abc"}}"#));
        // Duplicate keys aside, a wrong type names the field.
        assert_eq!(p.status, 422);
        let p = err_of::<AppealIn>(
            r#"{"org_unit_id":"abc","channel":"walk_in","kind":"help","category":"x","content":"x"}"#,
        );
        assert_eq!(fields(&p), ["org_unit_id"]);
        assert!(
            p.errors[0].message.contains("整数"),
            "{}",
            p.errors[0].message
        );
        let p = err_of::<AppealIn>(&format!("{{{BASE}}}"));
        assert_eq!(fields(&p), ["content"]);
        assert_eq!(p.errors[0].message, "缺少必填字段「content」");
        let p = err_of::<AppealIn>(&format!(r#"{{{BASE},"content":"x","colour":1}}"#));
        assert_eq!(fields(&p), ["colour"]);
        let p = err_of::<AppealIn>(
            r#"{"org_unit_id":1,"channel":"walk_in","kind":"wish","category":"x","content":"x"}"#,
        );
        assert_eq!(fields(&p), ["kind"]);
        assert!(p.errors[0].message.contains("wish") && p.errors[0].message.contains("help"));
        let p = err_of::<AppealIn>(
            r#"{"org_unit_id":1,"channel":"walk_in","kind":"help","category":"x","content":"x","appellant":{"name":"王","phone":5}}"#,
        );
        assert_eq!(fields(&p), ["appellant.phone"]);
        let p = err_of::<AppealIn>(
            r#"{"org_unit_id":1,"channel":"walk_in","kind":"help","category":"x","content":"x","appellant":{"phone":"1"}}"#,
        );
        assert_eq!(fields(&p), ["appellant.name"]);
        let p = err_of::<AppealIn>("[1,2]");
        assert_eq!((p.status, fields(&p)), (422, vec!["body"]));
        let p = err_of::<PersonIn>(r#"{"name":"张","org_unit_id":1,"birth_date":"1950-13-01"}"#);
        assert_eq!(fields(&p), ["birth_date"]);
        let p =
            err_of::<PersonIn>(r#"{"name":"张","org_unit_id":1,"party":{"category":"member"}}"#);
        assert_eq!(fields(&p), ["party.category"]);
        let p = err_of::<PersonIn>(r#"{"name":"张","org_unit_id":1,"tags":["a",3]}"#);
        assert_eq!(fields(&p), ["tags[1]"]);
    }
}
