//! Small helpers the repositories share: run-time bind arguments with numbered placeholders,
//! row decoding that turns bad stored data into `Corrupt` (never a panic), time conversion
//! (epoch milliseconds), and error classification.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use sqlx::any::{Any, AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::Row;

use suqiu_core::error::{FieldError, Msg};
use suqiu_core::msg;

use crate::error::{Result, StoreError};

/// One bind value. Only the two types every backend agrees on through `Any`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Arg {
        Arg::Int(v)
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Arg {
        Arg::Int(Some(i64::from(v)))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(Some(v))
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(Some(v.to_string()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Arg {
        Arg::Text(v)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Arg {
        Arg::Text(v.map(str::to_string))
    }
}

/// Arguments of a query assembled at run time: `push` stores a value and returns its
/// placeholder (`$1`, `$2`, …) to splice into the SQL text. `$N` works on both backends
/// (sqlx-sqlite binds `$N` by number), so no placeholder translation is needed.
#[derive(Debug, Default, Clone)]
pub(crate) struct Args(pub(crate) Vec<Arg>);

impl Args {
    pub(crate) fn push(&mut self, a: impl Into<Arg>) -> String {
        self.0.push(a.into());
        format!("${}", self.0.len())
    }

    pub(crate) fn query<'q>(&'q self, sql: &'q str) -> Query<'q, Any, AnyArguments<'q>> {
        bind_all(sqlx::query(sql), &self.0)
    }
}

pub(crate) fn bind_all<'q>(
    mut q: Query<'q, Any, AnyArguments<'q>>,
    args: &'q [Arg],
) -> Query<'q, Any, AnyArguments<'q>> {
    for a in args {
        q = match a {
            Arg::Int(v) => q.bind(*v),
            Arg::Text(v) => q.bind(v.as_deref()),
        };
    }
    q
}

/// A column, or `Corrupt` naming it.
pub(crate) fn get<'r, T>(row: &'r AnyRow, col: &str) -> Result<T>
where
    T: sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    row.try_get(col)
        .map_err(|e| StoreError::Corrupt(format!("column {col}: {e}")))
}

/// Times are stored as epoch milliseconds (UTC) on both backends.
pub(crate) fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The instant truncated to what the database keeps, so that what the store computes from
/// an in-memory value (roll-up deltas) agrees with what it later reads back.
pub(crate) fn stored(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(3)
}

/// `(floor_ms(now), ceil_ms(now))`: the bounds that keep comparisons of stored
/// (millisecond) instants `x` with a finer `now` exact in SQL:
/// `x <= now ⇔ x <= floor` and `x < now ⇔ x < ceil`.
pub(crate) fn now_bounds(now: DateTime<Utc>) -> (i64, i64) {
    let floor = now.timestamp_millis();
    (floor, if stored(now) == now { floor } else { floor + 1 })
}

pub(crate) fn time_of(v: i64, col: &str) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(v)
        .ok_or_else(|| StoreError::Corrupt(format!("column {col}: time {v} out of range")))
}

pub(crate) fn get_time(row: &AnyRow, col: &str) -> Result<DateTime<Utc>> {
    time_of(get::<i64>(row, col)?, col)
}

pub(crate) fn get_opt_time(row: &AnyRow, col: &str) -> Result<Option<DateTime<Utc>>> {
    get::<Option<i64>>(row, col)?
        .map(|v| time_of(v, col))
        .transpose()
}

/// A vocabulary code (status, kind, role, …) parsed with the vocabulary's `parse`.
pub(crate) fn get_code<T>(row: &AnyRow, col: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    let s: String = get(row, col)?;
    parse(&s).ok_or_else(|| StoreError::Corrupt(format!("column {col}: unknown code {s:?}")))
}

pub(crate) fn get_opt_code<T>(
    row: &AnyRow,
    col: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>> {
    match get::<Option<String>>(row, col)? {
        None => Ok(None),
        Some(s) => parse(&s)
            .map(Some)
            .ok_or_else(|| StoreError::Corrupt(format!("column {col}: unknown code {s:?}"))),
    }
}

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn get_opt_date(row: &AnyRow, col: &str) -> Result<Option<NaiveDate>> {
    match get::<Option<String>>(row, col)? {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| StoreError::Corrupt(format!("column {col}: bad date {s:?}"))),
    }
}

/// A JSON document column.
pub(crate) fn get_json<T: serde::de::DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T> {
    let s: String = get(row, col)?;
    serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("column {col}: {e}")))
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("cannot encode JSON: {e}")))
}

/// `0`/`1` flags (no BOOLEAN columns: see the migrations).
pub(crate) fn get_flag(row: &AnyRow, col: &str) -> Result<bool> {
    Ok(get::<i64>(row, col)? != 0)
}

pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

pub(crate) fn is_foreign_key_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.kind() == sqlx::error::ErrorKind::ForeignKeyViolation)
}

/// Maps a failed write: a unique violation becomes `Conflict` on `field`, a foreign-key
/// violation `Invalid` with a generic message, anything else stays a database error.
pub(crate) fn write_error(e: sqlx::Error, field: &str, taken: &Msg) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Conflict(FieldError::new(field, taken))
    } else if is_foreign_key_violation(&e) {
        invalid(
            "reference",
            &msg!(
                "reference_unknown",
                "引用的记录不存在",
                "The record referred to does not exist"
            ),
        )
    } else {
        StoreError::Database(e)
    }
}

/// A refusal of `field` in the words of `msg`.
pub(crate) fn invalid(field: &str, msg: &Msg) -> StoreError {
    StoreError::Invalid(FieldError::new(field, msg))
}

/// Clamps list paging: pages start at 1; `per_page` defaults to 50 and is at most 500.
pub(crate) fn paging(page: i64, per_page: i64) -> (i64, i64) {
    let page = page.max(1);
    let per_page = if per_page < 1 { 50 } else { per_page.min(500) };
    (page, per_page)
}

/// `s` with LIKE's wildcards escaped (use with `ESCAPE '\'`).
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn now_bounds_make_comparisons_exact() {
        let aligned = Utc.timestamp_millis_opt(1_000).unwrap();
        assert_eq!(now_bounds(aligned), (1_000, 1_000));
        let between = aligned + chrono::Duration::microseconds(300);
        assert_eq!(now_bounds(between), (1_000, 1_001));
        // x = 1000: x < between holds, and 1000 < 1001.
        assert_eq!(stored(between), aligned);
    }

    #[test]
    fn paging_is_clamped() {
        assert_eq!(paging(0, 0), (1, 50));
        assert_eq!(paging(3, 10_000), (3, 500));
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
