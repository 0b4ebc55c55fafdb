//! When a message came, as exports write it: `2019/2/28 11:25:05` (the shared 问政 data),
//! ISO dates and times (`2019-02-28`, `2019-02-28 11:25`, `2019-02-28T11:25:05`, RFC 3339).

use chrono::{DateTime, NaiveDate, NaiveDateTime};

const DATE_TIMES: [&str; 6] = [
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
];
const DATES: [&str; 2] = ["%Y/%m/%d", "%Y-%m-%d"];

/// Seconds since the epoch (a time without a zone read as UTC: only differences matter
/// here); `None` when the text is none of the forms above.
pub fn parse_time(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.timestamp());
    }
    let fractionless = t.split('.').next().unwrap_or(t);
    for f in DATE_TIMES {
        if let Ok(d) = NaiveDateTime::parse_from_str(fractionless, f) {
            return Some(d.and_utc().timestamp());
        }
    }
    DATES.iter().find_map(|f| {
        let d = NaiveDate::parse_from_str(t, f).ok()?;
        Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
    })
}
