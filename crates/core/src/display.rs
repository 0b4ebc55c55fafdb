//! How times, dates and deadlines are written for people: the one rule every page, notice,
//! message, print-out and workbook follows (machine fields of the API and of webhooks stay
//! RFC 3339; this is for what a person reads).
//!
//! - a time is `2026-11-28 09:30`, Asia/Shanghai wall clock, to the minute;
//! - a date is `2026-11-28`;
//! - a deadline that falls on local midnight is the **end of the day before**,
//!   `2026-11-30 24:00` rather than `2026-12-01 00:00`: a limit of "N working days" ends
//!   when the Nth day ends, and a desk worker reads "12-01 00:00" as "on the 1st" — a day
//!   later than the truth for anyone who counts by dates. Other deadlines (clock-time limits
//!   of urgent appeals) are written as times.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::calendar::shanghai;

/// The layout of [`time`] (chrono format).
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M";
/// The layout of [`date`] (chrono format).
const DATE_FORMAT: &str = "%Y-%m-%d";

/// A deadline as people read it, before it is written out: the pieces a page and a
/// spreadsheet cell both need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalDeadline {
    /// At local midnight: the end (24:00) of this Shanghai date.
    EndOfDay(NaiveDate),
    /// Any other moment, as Shanghai wall-clock time.
    At(NaiveDateTime),
}

impl LocalDeadline {
    /// Which form of a deadline `t` takes in Shanghai.
    pub fn of(t: DateTime<Utc>) -> LocalDeadline {
        let local = t.with_timezone(&shanghai()).naive_local();
        if local.time() == NaiveTime::MIN {
            if let Some(day) = local.date().pred_opt() {
                return LocalDeadline::EndOfDay(day);
            }
        }
        LocalDeadline::At(local)
    }
}

impl std::fmt::Display for LocalDeadline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LocalDeadline::EndOfDay(day) => write!(f, "{} 24:00", day.format(DATE_FORMAT)),
            LocalDeadline::At(local) => write!(f, "{}", local.format(TIME_FORMAT)),
        }
    }
}

/// `2026-11-28 09:30`: an instant on Shanghai's wall clock, to the minute.
pub fn time(t: DateTime<Utc>) -> String {
    t.with_timezone(&shanghai()).format(TIME_FORMAT).to_string()
}

/// `2026-11-28`: a civil date.
pub fn date(d: NaiveDate) -> String {
    d.format(DATE_FORMAT).to_string()
}

/// A deadline: [`time`], except that local midnight is `24:00` of the day before.
pub fn deadline(t: DateTime<Utc>) -> String {
    LocalDeadline::of(t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn times_are_shanghai_wall_clock_to_the_minute() {
        // 01:30 UTC is 09:30 in Shanghai; seconds are not shown.
        assert_eq!(time(utc("2026-11-28T01:30:59Z")), "2026-11-28 09:30");
        // The UTC date is the day before the Shanghai date.
        assert_eq!(time(utc("2026-11-30T17:05:00Z")), "2026-12-01 01:05");
    }

    #[test]
    fn shanghai_has_no_daylight_saving() {
        // Mid-summer and mid-winter are both UTC+8: the same UTC hour, the same local hour.
        assert_eq!(time(utc("2026-07-15T04:00:00Z")), "2026-07-15 12:00");
        assert_eq!(time(utc("2026-01-15T04:00:00Z")), "2026-01-15 12:00");
        assert_eq!(deadline(utc("2026-07-15T16:00:00Z")), "2026-07-15 24:00");
        assert_eq!(deadline(utc("2026-01-15T16:00:00Z")), "2026-01-15 24:00");
    }

    #[test]
    fn a_midnight_deadline_is_the_end_of_the_day_before() {
        // 2026-12-02 00:00 in Shanghai.
        let t = utc("2026-12-01T16:00:00Z");
        assert_eq!(deadline(t), "2026-12-01 24:00");
        assert_eq!(
            LocalDeadline::of(t),
            LocalDeadline::EndOfDay(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
        );
        // As a plain time (when something happened) midnight stays midnight.
        assert_eq!(time(t), "2026-12-02 00:00");
    }

    #[test]
    fn other_deadlines_are_times() {
        assert_eq!(deadline(utc("2026-12-01T16:01:00Z")), "2026-12-02 00:01");
        assert_eq!(deadline(utc("2026-12-01T15:59:00Z")), "2026-12-01 23:59");
        assert_eq!(deadline(utc("2026-11-28T03:30:00Z")), "2026-11-28 11:30");
        // Seconds past midnight are not midnight.
        assert!(matches!(
            LocalDeadline::of(utc("2026-12-01T16:00:01Z")),
            LocalDeadline::At(_)
        ));
    }

    #[test]
    fn a_deadline_at_new_year_ends_the_old_year() {
        // 2027-01-01 00:00 in Shanghai is still 2026 in UTC and ends 2026-12-31.
        assert_eq!(deadline(utc("2026-12-31T16:00:00Z")), "2026-12-31 24:00");
        // 2026-03-01 00:00 ends February (28 days in 2026).
        assert_eq!(deadline(utc("2026-02-28T16:00:00Z")), "2026-02-28 24:00");
    }

    #[test]
    fn dates_are_year_month_day() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
        assert_eq!(date(d), "2026-03-07");
    }
}
