//! What every area's JSON shapes share: times as the API writes them, the PATCH convention
//! for `null`, a page of a list and a small reference. Each area's own request and response
//! types live with its routes (`routes::<area>`), beside the handlers that take and give
//! them.
//!
//! Output times are RFC 3339 in Asia/Shanghai (`2026-11-28T09:30:00+08:00`). Vocabulary
//! values go out as their codes, each with a Chinese `*_label` beside it. Phone and ID
//! numbers are masked on the way out unless the reader's role may see them.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use suqiu_core::calendar::shanghai;
use suqiu_core::Id;
use utoipa::ToSchema;

/// RFC 3339 in Asia/Shanghai, to the second.
pub fn time(t: DateTime<Utc>) -> String {
    t.with_timezone(&shanghai())
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// The instant of a [`time`] string: for the pages and workbooks built from the API's shapes,
/// which must show it as people read times (`suqiu_core::display`), never as it is.
pub fn parse_time(rfc3339: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// For PATCH: distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
pub fn double_option<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

/// A page of a list (API.md's list convention).
#[derive(Debug, Serialize, ToSchema)]
pub struct PageOut<T> {
    pub items: Vec<T>,
    /// Matching rows. Appeal lists count exactly up to 1,000; beyond that `total` is
    /// 1,000 and `total_exact` is false ("1,000+").
    pub total: i64,
    pub total_exact: bool,
    pub page: i64,
    pub per_page: i64,
}

/// A small reference: `{"id","name"}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RefOut {
    pub id: Id,
    pub name: String,
}
