//! How many requests one client system's key may post: its own limit per clock hour
//! (default [`DEFAULT_PER_HOUR`], set per key by the district), counted by the public door's
//! mechanism (`SubmissionLimit`, kept per key and hour). A fixed hour rather than the door's
//! run of submissions: a system posting steadily below its limit must never be refused,
//! however long it keeps posting.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

use crate::error::{FieldError, Msg, Reason};
use crate::msg;
use crate::public::SubmissionLimit;
use crate::Id;

/// What a key may post in an hour unless the district says otherwise.
pub const DEFAULT_PER_HOUR: i64 = 120;
/// The most a key may be allowed (a request a second, with room).
pub const MAX_PER_HOUR: i64 = 10_000;

/// The limit of a key allowed `per_hour` posts an hour.
pub fn key_limit(per_hour: i64) -> SubmissionLimit {
    SubmissionLimit {
        scope: "open311_key",
        max: per_hour,
        window: TimeDelta::hours(1),
    }
}

/// The hour `now` falls in, as the key a key's posts are counted under (`{id}@{hour}`), and
/// when that hour ends.
pub fn hour_of(key_id: Id, now: DateTime<Utc>) -> (String, DateTime<Utc>) {
    let start = now.duration_trunc(TimeDelta::hours(1)).unwrap_or(now);
    (
        format!("{key_id}@{}", start.timestamp()),
        start + TimeDelta::hours(1),
    )
}

/// Whether a key that has posted `posted` requests this hour may post another at `now`;
/// `Err` is the spec's 429 with the seconds until the hour ends.
pub fn may_post(per_hour: i64, posted: i64, key_id: Id, now: DateTime<Utc>) -> Result<(), TooMany> {
    if posted < per_hour {
        return Ok(());
    }
    let (_, ends) = hour_of(key_id, now);
    let left = (ends - now).max(TimeDelta::seconds(1));
    Err(TooMany {
        reason: Reason::new(&KEY_USED_UP)
            .with("max", per_hour)
            .with("minutes", left.num_minutes() + 1),
        retry_after: left.num_seconds().max(1),
    })
}

/// A key's posts used up for this hour.
#[derive(Debug, Clone, PartialEq)]
pub struct TooMany {
    pub reason: Reason,
    /// Seconds until it may post again (`Retry-After`).
    pub retry_after: i64,
}

/// A limit as typed on the page or the command line: blank is the default; otherwise a whole
/// number from 1 to [`MAX_PER_HOUR`] (the field is `per_hour`).
pub fn per_hour_given(typed: &str) -> Result<i64, FieldError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(DEFAULT_PER_HOUR);
    }
    match typed.parse::<i64>() {
        Ok(n) if (1..=MAX_PER_HOUR).contains(&n) => Ok(n),
        _ => Err(FieldError::new("per_hour", &PER_HOUR_RANGE).with("max", MAX_PER_HOUR)),
    }
}

const KEY_USED_UP: Msg = msg!(
    "open311_key_used_up",
    "这个 api_key 本小时的提交已达上限（每小时 {max} 件），请 {minutes} 分钟后再试",
    "This api_key has posted its limit for this hour ({max} an hour): try again in {minutes} minutes",
);
const PER_HOUR_RANGE: Msg = msg!(
    "open311_per_hour_range",
    "每小时上限应为 1 到 {max} 之间的整数",
    "The hourly limit is a whole number from 1 to {max}",
);

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_key_posts_its_limit_each_clock_hour_and_waits_for_the_next() {
        let now = Utc.with_ymd_and_hms(2026, 11, 3, 9, 40, 0).unwrap();
        assert!(may_post(3, 2, 7, now).is_ok());
        let refused = may_post(3, 3, 7, now).expect_err("the fourth in the hour");
        assert_eq!(refused.retry_after, 20 * 60, "until 10:00");
        assert!(
            refused.reason.zh.contains("每小时 3 件"),
            "{}",
            refused.reason.zh
        );
        let (this, ends) = hour_of(7, now);
        let (next, _) = hour_of(7, ends);
        assert_ne!(this, next, "a new hour is a new count");
        assert_eq!(hour_of(7, ends - TimeDelta::seconds(1)).0, this);
        assert_ne!(hour_of(8, now).0, this, "each key its own count");
    }

    #[test]
    fn a_limit_as_typed() {
        assert_eq!(per_hour_given(""), Ok(DEFAULT_PER_HOUR));
        assert_eq!(per_hour_given(" 30 "), Ok(30));
        for bad in ["0", "-5", "abc", "10001", "1.5"] {
            assert_eq!(per_hour_given(bad).expect_err(bad).field, "per_hour");
        }
    }
}
