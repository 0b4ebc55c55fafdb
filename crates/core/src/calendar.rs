//! The working-day calendar (工作日历), as data.
//!
//! China's working days are not simply Monday to Friday: every year the State Council
//! General Office publishes the public holidays (法定节假日) and the weekend days that are
//! worked instead (调休上班). Suqiu keeps that arrangement as a JSON file per set of years
//! (`data/calendar/`), compiles the published years in, and lets an administrator load a
//! later year when its notice comes out ([`WorkCalendar::merge_json`]).
//!
//! File schema (the same one [`WorkCalendar::to_json`] writes):
//! ```json
//! {"about": "where the dates come from",
//!  "years": {"2026": {"holidays": {"春节": ["2026-02-15", "…"]},
//!                     "working_weekends": ["2026-02-14", "…"]}}}
//! ```
//!
//! All civil dates are in Asia/Shanghai, a fixed UTC+08:00 with no daylight saving
//! ([`shanghai`]). Instants are passed in and out as UTC.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc,
    Weekday,
};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// The compiled-in calendar file (2025 and 2026, from the official notices).
pub const BUILTIN_JSON: &str = include_str!("../../../data/calendar/cn-holidays-2025-2026.json");

/// Years a calendar file may list. Anything else is a typo.
const YEAR_RANGE: std::ops::RangeInclusive<i32> = 1949..=2199;

/// Asia/Shanghai: UTC+08:00 all year round (China has had no daylight saving since 1991).
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+08:00 is a valid offset")
}

/// The civil date in Shanghai of an instant.
pub fn shanghai_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&shanghai()).date_naive()
}

/// A Shanghai local date and time as a UTC instant (saturating at the ends of chrono's range).
fn shanghai_to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    shanghai()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

fn weekday_zh(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Why a calendar file was refused. Each message names the offending entry and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// Not JSON, or not the calendar schema (unknown or missing field, wrong type).
    #[error("the calendar file is not in the expected form ({0}); expected {{\"about\": \"…\", \"years\": {{\"2027\": {{\"holidays\": {{\"春节\": [\"2027-02-06\"]}}, \"working_weekends\": [\"2027-02-07\"]}}}}}}")]
    Format(String),
    /// `"years": {}`.
    #[error("the calendar file lists no years; add at least one year under \"years\"")]
    NoYears,
    /// A key under `years` that is not a plausible year.
    #[error("\"{0}\" under \"years\" is not a year; use four digits such as \"2027\"")]
    BadYear(String),
    /// A year with no holidays and no working weekends: almost certainly a mistake.
    #[error("{0} lists no holidays and no working weekends; fill in the official arrangement or remove the year")]
    EmptyYear(i32),
    /// A holiday with an empty name, or a name with no dates.
    #[error("{year}: holiday \"{name}\" needs a name and at least one date")]
    EmptyHoliday {
        /// The year it is listed under.
        year: i32,
        /// The name as written.
        name: String,
    },
    /// A date not written as `YYYY-MM-DD`, or no such day.
    #[error("{year}: \"{text}\" is not a date; write it as YYYY-MM-DD, e.g. \"{year}-10-01\"")]
    BadDate {
        /// The year it is listed under.
        year: i32,
        /// The text as written.
        text: String,
    },
    /// A date listed under another year.
    #[error("{date} is listed under {year}; move it to {actual}")]
    WrongYear {
        /// The year it is listed under.
        year: i32,
        /// The date.
        date: NaiveDate,
        /// The year the date belongs to.
        actual: i32,
    },
    /// The same date listed twice (twice in a list, or under two holidays).
    #[error("{date} is listed twice ({first} and {second}); keep one")]
    Duplicate {
        /// The date.
        date: NaiveDate,
        /// Where it appeared first.
        first: String,
        /// Where it appeared again.
        second: String,
    },
    /// A date that is both a holiday and a working weekend.
    #[error(
        "{date} is listed both as a holiday ({name}) and as a working weekend; it can only be one"
    )]
    HolidayAndWorkingWeekend {
        /// The date.
        date: NaiveDate,
        /// The holiday it is listed under.
        name: String,
    },
    /// A working weekend (调休上班) that is a weekday.
    #[error("{date} is listed as a working weekend (调休上班) but is a {weekday} ({weekday_zh}); only a Saturday or Sunday can be one")]
    NotAWeekend {
        /// The date.
        date: NaiveDate,
        /// Its weekday in English.
        weekday: Weekday,
        /// Its weekday in Chinese.
        weekday_zh: &'static str,
    },
}

impl CalendarError {
    /// The message to show the administrator who loaded the file.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

/// One year's official arrangement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct YearArrangement {
    /// Holiday dates and the holiday each belongs to.
    holidays: BTreeMap<NaiveDate, String>,
    /// Weekend days worked instead (调休上班).
    working_weekends: BTreeSet<NaiveDate>,
}

/// The working-day calendar: public holidays and adjusted working weekends for the years it
/// covers; plain Monday–Friday for the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    about: String,
    years: BTreeMap<i32, YearArrangement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    #[serde(default)]
    about: String,
    years: BTreeMap<String, YearIn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearIn {
    #[serde(default)]
    holidays: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    working_weekends: Vec<String>,
}

/// Strict `YYYY-MM-DD` (chrono alone would also take `2027-1-1`).
fn parse_date(year: i32, text: &str) -> Result<NaiveDate, CalendarError> {
    let bad = || CalendarError::BadDate {
        year,
        text: text.to_string(),
    };
    let b = text.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(bad());
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad())?;
    if date.year() != year {
        return Err(CalendarError::WrongYear {
            year,
            date,
            actual: date.year(),
        });
    }
    Ok(date)
}

fn parse_year(key: &str, y: YearIn) -> Result<(i32, YearArrangement), CalendarError> {
    let year = key
        .parse::<i32>()
        .ok()
        .filter(|y| key.len() == 4 && YEAR_RANGE.contains(y))
        .ok_or_else(|| CalendarError::BadYear(key.to_string()))?;
    if y.holidays.is_empty() && y.working_weekends.is_empty() {
        return Err(CalendarError::EmptyYear(year));
    }
    let mut out = YearArrangement::default();
    for (name, dates) in &y.holidays {
        if name.trim().is_empty() || dates.is_empty() {
            return Err(CalendarError::EmptyHoliday {
                year,
                name: name.clone(),
            });
        }
        for text in dates {
            let date = parse_date(year, text)?;
            if let Some(first) = out.holidays.insert(date, name.clone()) {
                return Err(CalendarError::Duplicate {
                    date,
                    first: format!("holiday {first}"),
                    second: format!("holiday {name}"),
                });
            }
        }
    }
    for text in &y.working_weekends {
        let date = parse_date(year, text)?;
        if let Some(name) = out.holidays.get(&date) {
            return Err(CalendarError::HolidayAndWorkingWeekend {
                date,
                name: name.clone(),
            });
        }
        if !is_weekend(date) {
            return Err(CalendarError::NotAWeekend {
                date,
                weekday: date.weekday(),
                weekday_zh: weekday_zh(date.weekday()),
            });
        }
        if !out.working_weekends.insert(date) {
            return Err(CalendarError::Duplicate {
                date,
                first: "working_weekends".into(),
                second: "working_weekends".into(),
            });
        }
    }
    Ok((year, out))
}

fn parse_file(json: &str) -> Result<(String, BTreeMap<i32, YearArrangement>), CalendarError> {
    let file: FileIn =
        serde_json::from_str(json).map_err(|e| CalendarError::Format(e.to_string()))?;
    if file.years.is_empty() {
        return Err(CalendarError::NoYears);
    }
    let mut years = BTreeMap::new();
    for (key, y) in file.years {
        let (year, arrangement) = parse_year(&key, y)?;
        years.insert(year, arrangement);
    }
    Ok((file.about, years))
}

/// Serializes a map in the order given (serde_json's own `Map` would sort the keys).
struct Ordered<'a, V>(Vec<(&'a str, V)>);

impl<V: Serialize> Serialize for Ordered<'_, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct YearOut<'a> {
    holidays: Ordered<'a, Vec<NaiveDate>>,
    working_weekends: &'a BTreeSet<NaiveDate>,
}

#[derive(Serialize)]
struct FileOut<'a> {
    about: &'a str,
    years: BTreeMap<String, YearOut<'a>>,
}

impl WorkCalendar {
    /// The compiled-in calendar (2025 and 2026).
    pub fn builtin() -> WorkCalendar {
        WorkCalendar::from_json(BUILTIN_JSON).expect("the built-in calendar file is valid (tested)")
    }

    /// A calendar that covers no year: every Monday–Friday is a working day.
    pub fn weekdays_only() -> WorkCalendar {
        WorkCalendar {
            about: String::new(),
            years: BTreeMap::new(),
        }
    }

    /// Reads a calendar file, checking every entry (see [`CalendarError`]).
    pub fn from_json(json: &str) -> Result<WorkCalendar, CalendarError> {
        let (about, years) = parse_file(json)?;
        Ok(WorkCalendar { about, years })
    }

    /// Loads the years of another calendar file (e.g. 2027, once the State Council publishes
    /// it) into this one. Each year in the file replaces that year entirely; other years stay.
    /// Nothing changes if the file has any error. Returns the years loaded, ascending.
    pub fn merge_json(&mut self, json: &str) -> Result<Vec<i32>, CalendarError> {
        let (about, years) = parse_file(json)?;
        let loaded: Vec<i32> = years.keys().copied().collect();
        self.years.extend(years);
        let about = about.trim();
        if !about.is_empty() && !self.about.contains(about) {
            if !self.about.is_empty() {
                self.about.push('\n');
            }
            self.about.push_str(about);
        }
        Ok(loaded)
    }

    /// The calendar as a file in the same schema [`WorkCalendar::from_json`] reads (pretty,
    /// holidays in date order, dates ascending).
    pub fn to_json(&self) -> String {
        let years = self
            .years
            .iter()
            .map(|(year, a)| {
                let mut by_name: Vec<(&str, Vec<NaiveDate>)> = Vec::new();
                for (date, name) in &a.holidays {
                    match by_name.iter_mut().find(|(n, _)| *n == name.as_str()) {
                        Some((_, dates)) => dates.push(*date),
                        None => by_name.push((name.as_str(), vec![*date])),
                    }
                }
                let out = YearOut {
                    holidays: Ordered(by_name),
                    working_weekends: &a.working_weekends,
                };
                (year.to_string(), out)
            })
            .collect();
        let file = FileOut {
            about: &self.about,
            years,
        };
        serde_json::to_string_pretty(&file).expect("a calendar always serializes")
    }

    /// Where the dates come from (the `about` of the files loaded).
    pub fn about(&self) -> &str {
        &self.about
    }

    /// Whether the official arrangement for `year` is loaded. When it is not, working days
    /// fall back to plain Monday–Friday and the UI should say so.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The years covered, ascending.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// The years whose arrangement should be loaded by `today` and is not: this year, and
    /// from November (when the State Council publishes the next year's; deadlines set in
    /// December already run into January) next year too.
    pub fn missing_years(&self, today: NaiveDate) -> Vec<i32> {
        let mut needed = vec![today.year()];
        if today.month() >= 11 {
            needed.push(today.year() + 1);
        }
        needed.retain(|y| !self.covers(*y));
        needed
    }

    /// Whether `date` (a Shanghai civil date) is a working day: a listed holiday is not, a
    /// listed working weekend (调休上班) is, any other day is if it is Monday–Friday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if let Some(year) = self.years.get(&date.year()) {
            if year.holidays.contains_key(&date) {
                return false;
            }
            if year.working_weekends.contains(&date) {
                return true;
            }
        }
        !is_weekend(date)
    }

    /// The holiday `date` belongs to, e.g. `Some("春节")`.
    pub fn holiday_name(&self, date: NaiveDate) -> Option<&str> {
        self.years
            .get(&date.year())
            .and_then(|y| y.holidays.get(&date))
            .map(String::as_str)
    }

    /// The first working day strictly after `date` (`None` past the end of chrono's range).
    pub fn next_working_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        let mut d = date.succ_opt()?;
        while !self.is_working_day(d) {
            d = d.succ_opt()?;
        }
        Some(d)
    }

    /// The deadline `n` working days after `start`, counted on Shanghai civil dates.
    ///
    /// - `n == 0` returns `start`.
    /// - If `start` falls on a working day, the deadline is the same local clock time on the
    ///   n-th following working day (Friday 15:00 + 1 → Monday 15:00).
    /// - If `start` falls on a non-working day (weekend or holiday), counting starts at 00:00
    ///   of the next working day, and the deadline is 24:00 (00:00 of the day after) of the
    ///   n-th working day counted from and including that day (Saturday + 1 → end of Monday,
    ///   i.e. Tuesday 00:00).
    ///
    /// Years the calendar does not cover count Monday–Friday. Saturates at the end of chrono's
    /// range rather than panicking.
    pub fn add_working_days(&self, start: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        if n == 0 {
            return start;
        }
        let local = start.with_timezone(&shanghai()).naive_local();
        let (mut day, time, steps) = if self.is_working_day(local.date()) {
            (local.date(), Some(local.time()), n)
        } else {
            // The first working day counts as day 1; advance n − 1 more.
            match self.next_working_day(local.date()) {
                Some(d) => (d, None, n - 1),
                None => return DateTime::<Utc>::MAX_UTC,
            }
        };
        for _ in 0..steps {
            match self.next_working_day(day) {
                Some(d) => day = d,
                None => return DateTime::<Utc>::MAX_UTC,
            }
        }
        match time {
            Some(t) => shanghai_to_utc(day.and_time(t)),
            None => match day.succ_opt() {
                Some(next) => shanghai_to_utc(next.and_time(NaiveTime::MIN)),
                None => DateTime::<Utc>::MAX_UTC,
            },
        }
    }
}

impl WorkCalendar {
    /// How much of `[from, to)` falls on working days (the whole 24 hours of each working day
    /// count, as in [`WorkCalendar::add_working_days`]; weekends and holidays do not). Zero when
    /// `to <= from`. This is the time a suspension (挂起) stops the clock for.
    pub fn working_time_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        let mut total = TimeDelta::zero();
        if to <= from {
            return total;
        }
        let mut at = from;
        while at < to {
            let day = shanghai_date(at);
            let next = match day.succ_opt() {
                Some(n) => shanghai_to_utc(n.and_time(NaiveTime::MIN)),
                None => DateTime::<Utc>::MAX_UTC,
            };
            let end = next.min(to);
            if self.is_working_day(day) {
                total += end - at;
            }
            if next <= at {
                break; // the end of chrono's range
            }
            at = end;
        }
        total
    }

    /// The instant `span` of working time after `start`: the inverse of
    /// [`WorkCalendar::working_time_between`]. Time on weekends and holidays is skipped, so a
    /// deadline moved by a suspension's working time lands where the clock would have stopped.
    /// `span` of whole days agrees with [`WorkCalendar::add_working_days`]. Saturates at the end
    /// of chrono's range.
    pub fn add_working_time(&self, start: DateTime<Utc>, span: TimeDelta) -> DateTime<Utc> {
        let mut left = span;
        let mut at = start;
        if left <= TimeDelta::zero() {
            return start;
        }
        loop {
            let day = shanghai_date(at);
            let Some(next_day) = day.succ_opt() else {
                return DateTime::<Utc>::MAX_UTC;
            };
            let next = shanghai_to_utc(next_day.and_time(NaiveTime::MIN));
            if self.is_working_day(day) {
                let rest = next - at;
                if left <= rest {
                    return at + left;
                }
                left -= rest;
            }
            at = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A Shanghai local time "YYYY-MM-DD HH:MM" as a UTC instant.
    fn sh(s: &str) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        shanghai()
            .from_local_datetime(&naive)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::builtin()
    }

    fn add(start: &str, n: u32) -> DateTime<Utc> {
        cal().add_working_days(sh(start), n)
    }

    fn err(json: &str) -> CalendarError {
        WorkCalendar::from_json(json).unwrap_err()
    }

    // ---- time zone -----------------------------------------------------------------

    #[test]
    fn shanghai_is_utc_plus_8() {
        assert_eq!(shanghai().local_minus_utc(), 8 * 3600);
        // 2025-03-07 16:30 UTC is 2025-03-08 00:30 in Shanghai.
        let t = Utc.with_ymd_and_hms(2025, 3, 7, 16, 30, 0).unwrap();
        assert_eq!(shanghai_date(t), d("2025-03-08"));
        assert_eq!(sh("2025-03-08 00:30"), t);
    }

    // ---- the built-in data ---------------------------------------------------------

    #[test]
    fn builtin_covers_2025_and_2026() {
        let c = cal();
        assert_eq!(c.years(), vec![2025, 2026]);
        assert!(c.covers(2025) && c.covers(2026));
        assert!(!c.covers(2024) && !c.covers(2027));
        assert!(c.about().contains("国办发明电"));
    }

    #[test]
    fn holiday_names() {
        let c = cal();
        assert_eq!(c.holiday_name(d("2025-01-28")), Some("春节")); // 除夕, Tuesday
        assert_eq!(c.holiday_name(d("2025-10-06")), Some("国庆节、中秋节"));
        assert_eq!(c.holiday_name(d("2026-02-23")), Some("春节")); // last day, Monday
        assert_eq!(c.holiday_name(d("2026-09-25")), Some("中秋节"));
        assert_eq!(c.holiday_name(d("2026-10-07")), Some("国庆节"));
        assert_eq!(c.holiday_name(d("2026-10-08")), None); // Thursday after 国庆
        assert_eq!(c.holiday_name(d("2025-10-11")), None); // working Saturday
        assert_eq!(c.holiday_name(d("2024-10-01")), None); // 2024 not covered
    }

    #[test]
    fn is_working_day_rules() {
        let c = cal();
        assert!(c.is_working_day(d("2025-03-03"))); // Monday
        assert!(!c.is_working_day(d("2025-03-08"))); // Saturday
        assert!(!c.is_working_day(d("2025-03-09"))); // Sunday
        assert!(!c.is_working_day(d("2025-10-01"))); // Wednesday, 国庆
        assert!(!c.is_working_day(d("2025-10-08"))); // Wednesday, last day of 国庆/中秋
        assert!(c.is_working_day(d("2025-10-09"))); // Thursday
        assert!(c.is_working_day(d("2025-09-28"))); // Sunday, 调休上班
        assert!(c.is_working_day(d("2025-10-11"))); // Saturday, 调休上班
        assert!(c.is_working_day(d("2026-01-04"))); // Sunday, 调休上班
        assert!(!c.is_working_day(d("2026-01-02"))); // Friday, 元旦
        assert!(c.is_working_day(d("2026-02-14"))); // Saturday, 调休上班
        assert!(c.is_working_day(d("2026-02-28"))); // Saturday, 调休上班
                                                    // 2027 is not covered: plain weekdays, even on 1 January.
        assert!(c.is_working_day(d("2027-01-01"))); // Friday
        assert!(!c.is_working_day(d("2027-01-02"))); // Saturday
    }

    /// Weekdays in a year by arithmetic, not by walking the days: 52 whole weeks hold
    /// 260 weekdays; the 1 or 2 days left over are the weekdays of 1 January (and 2 January
    /// in a leap year), because the last days of the year repeat them.
    fn weekdays_in_year(year: i32) -> i64 {
        let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        let len = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
            366
        } else {
            365
        };
        let leftover = (0..(len - 364))
            .filter(|i| (jan1.weekday().num_days_from_monday() as i64 + i) % 7 < 5)
            .count() as i64;
        260 + leftover
    }

    /// Counts a year's working days from the raw JSON (not through `WorkCalendar`):
    /// weekdays − holidays on weekdays + working weekends.
    fn official_count(year: i32) -> i64 {
        let v: serde_json::Value = serde_json::from_str(BUILTIN_JSON).unwrap();
        let y = &v["years"][year.to_string()];
        let weekday_holidays = y["holidays"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|l| l.as_array().unwrap())
            .map(|s| d(s.as_str().unwrap()))
            .filter(|x| x.weekday().num_days_from_monday() < 5)
            .count() as i64;
        let working_weekends = y["working_weekends"].as_array().unwrap().len() as i64;
        weekdays_in_year(year) - weekday_holidays + working_weekends
    }

    fn walked_count(c: &WorkCalendar, year: i32) -> i64 {
        d(&format!("{year}-01-01"))
            .iter_days()
            .take_while(|x| x.year() == year)
            .filter(|x| c.is_working_day(*x))
            .count() as i64
    }

    #[test]
    fn working_days_per_year_match_the_official_totals() {
        let c = cal();
        // 2025: 1 January is a Wednesday, so 365 = 52 weeks + one Wednesday: 261 weekdays.
        // Holidays on weekdays: 元旦 1 (Wed 01-01); 春节 6 (Tue 01-28 – Fri 01-31, Mon 02-03,
        // Tue 02-04); 清明 1 (Fri 04-04); 劳动节 3 (Thu 05-01, Fri 05-02, Mon 05-05); 端午 1
        // (Mon 06-02); 国庆/中秋 6 (Wed 10-01 – Fri 10-03, Mon 10-06 – Wed 10-08) = 18.
        // Working weekends: 01-26 Sun, 02-08 Sat, 04-27 Sun, 09-28 Sun, 10-11 Sat = 5.
        // 261 − 18 + 5 = 248. (Check: 365 − 104 weekend days − 13 statutory holidays = 248.)
        // NB: the often-quoted "250 working days" is the figure before the 2024-11 reform,
        // which raised the statutory holidays from 11 to 13 days (除夕, 5月2日): 365−104−11.
        assert_eq!(weekdays_in_year(2025), 261);
        assert_eq!(official_count(2025), 248);
        assert_eq!(walked_count(&c, 2025), 248);

        // 2026: 1 January is a Thursday: 261 weekdays.
        // Holidays on weekdays: 元旦 2 (Thu 01-01, Fri 01-02; Sat 01-03 is a weekend);
        // 春节 6 (Mon 02-16 – Fri 02-20, Mon 02-23; 02-15, 02-21, 02-22 are weekends);
        // 清明 1 (Mon 04-06); 劳动节 3 (Fri 05-01, Mon 05-04, Tue 05-05); 端午 1 (Fri 06-19);
        // 中秋 1 (Fri 09-25); 国庆 5 (Thu 10-01, Fri 10-02, Mon 10-05 – Wed 10-07) = 19.
        // Working weekends: 01-04 Sun, 02-14 Sat, 02-28 Sat, 05-09 Sat, 09-20 Sun, 10-10 Sat = 6.
        // 261 − 19 + 6 = 248. (Check: 365 − 104 − 13 = 248.)
        assert_eq!(weekdays_in_year(2026), 261);
        assert_eq!(official_count(2026), 248);
        assert_eq!(walked_count(&c, 2026), 248);

        // Every single day agrees with the rule applied to the raw lists.
        let v: serde_json::Value = serde_json::from_str(BUILTIN_JSON).unwrap();
        for year in [2025, 2026] {
            let y = &v["years"][year.to_string()];
            let listed = |key: &str| -> Vec<String> {
                match &y[key] {
                    serde_json::Value::Object(m) => m
                        .values()
                        .flat_map(|l| l.as_array().unwrap().iter())
                        .map(|s| s.as_str().unwrap().to_string())
                        .collect(),
                    serde_json::Value::Array(a) => {
                        a.iter().map(|s| s.as_str().unwrap().to_string()).collect()
                    }
                    _ => unreachable!(),
                }
            };
            let hol = listed("holidays");
            let ww = listed("working_weekends");
            for day in d(&format!("{year}-01-01"))
                .iter_days()
                .take_while(|x| x.year() == year)
            {
                let s = day.to_string();
                let expected = if hol.contains(&s) {
                    false
                } else if ww.contains(&s) {
                    true
                } else {
                    day.weekday().num_days_from_monday() < 5
                };
                assert_eq!(c.is_working_day(day), expected, "{s}");
            }
        }
    }

    #[test]
    fn weekdays_in_year_arithmetic() {
        assert_eq!(weekdays_in_year(2027), 261); // starts Friday
        assert_eq!(weekdays_in_year(2028), 260); // leap, starts Saturday: Sat+Sun left over
        assert_eq!(weekdays_in_year(2022), 260); // starts Saturday
        assert_eq!(weekdays_in_year(2023), 260); // starts Sunday; leftover Sunday
        assert_eq!(weekdays_in_year(2024), 262); // leap, starts Monday: Mon+Tue left over
        for year in 2020..2032 {
            let walked = d(&format!("{year}-01-01"))
                .iter_days()
                .take_while(|x| x.year() == year)
                .filter(|x| x.weekday().num_days_from_monday() < 5)
                .count() as i64;
            assert_eq!(weekdays_in_year(year), walked, "{year}");
        }
    }

    // ---- add_working_days ----------------------------------------------------------

    #[test]
    fn zero_days_is_start() {
        assert_eq!(add("2025-03-03 10:00", 0), sh("2025-03-03 10:00"));
        assert_eq!(add("2025-03-08 10:00", 0), sh("2025-03-08 10:00")); // Saturday
        assert_eq!(add("2025-10-03 10:00", 0), sh("2025-10-03 10:00")); // 国庆
    }

    #[test]
    fn ordinary_monday_to_tuesday() {
        // 2025-03-03 is a Monday.
        assert_eq!(add("2025-03-03 10:00", 1), sh("2025-03-04 10:00"));
        assert_eq!(add("2025-03-03 10:00", 4), sh("2025-03-07 10:00")); // Friday
        assert_eq!(add("2025-03-03 10:00", 5), sh("2025-03-10 10:00")); // next Monday
    }

    #[test]
    fn friday_plus_one_is_monday_same_time() {
        // 2025-03-07 Friday 15:00 → Monday 2025-03-10 15:00.
        assert_eq!(add("2025-03-07 15:00", 1), sh("2025-03-10 15:00"));
        // Friday + 2 → Tuesday 2025-03-11.
        assert_eq!(add("2025-03-07 15:00", 2), sh("2025-03-11 15:00"));
    }

    #[test]
    fn saturday_intake_ends_with_monday() {
        // 2025-03-08 Saturday → counting starts Monday 03-10 → deadline 24:00 Monday
        // = Tuesday 2025-03-11 00:00.
        assert_eq!(add("2025-03-08 10:00", 1), sh("2025-03-11 00:00"));
        // Sunday 2025-03-09 23:59 + 2 → Monday, Tuesday → Wednesday 2025-03-12 00:00.
        assert_eq!(add("2025-03-09 23:59", 2), sh("2025-03-12 00:00"));
    }

    #[test]
    fn local_date_not_utc_date_decides() {
        // 2025-03-07 15:59 UTC = Friday 23:59 in Shanghai → Monday 23:59 Shanghai.
        let fri = Utc.with_ymd_and_hms(2025, 3, 7, 15, 59, 0).unwrap();
        assert_eq!(
            cal().add_working_days(fri, 1),
            Utc.with_ymd_and_hms(2025, 3, 10, 15, 59, 0).unwrap()
        );
        // 2025-03-07 17:00 UTC (a Friday in UTC) = Saturday 01:00 in Shanghai → end of
        // Monday 03-10 = 2025-03-11 00:00 Shanghai = 2025-03-10 16:00 UTC.
        let sat = Utc.with_ymd_and_hms(2025, 3, 7, 17, 0, 0).unwrap();
        assert_eq!(
            cal().add_working_days(sat, 1),
            Utc.with_ymd_and_hms(2025, 3, 10, 16, 0, 0).unwrap()
        );
    }

    #[test]
    fn across_2025_national_day_and_mid_autumn() {
        // 2025-09-26 Friday 16:00 + 1 → Sunday 09-28, a 调休 working day.
        assert_eq!(add("2025-09-26 16:00", 1), sh("2025-09-28 16:00"));
        // 2025-09-30 Tuesday 09:00: 10-01 … 10-08 are holidays.
        assert_eq!(add("2025-09-30 09:00", 1), sh("2025-10-09 09:00")); // Thursday
        assert_eq!(add("2025-09-30 09:00", 2), sh("2025-10-10 09:00")); // Friday
        assert_eq!(add("2025-09-30 09:00", 3), sh("2025-10-11 09:00")); // Saturday, 调休
        assert_eq!(add("2025-09-30 09:00", 4), sh("2025-10-13 09:00")); // Monday
                                                                        // Intake on holiday 10-03: count from Thursday 10-09; + 1 → end of 10-09.
        assert_eq!(add("2025-10-03 11:00", 1), sh("2025-10-10 00:00"));
        // + 3 → 10-09, 10-10, 10-11 (Saturday worked) → 2025-10-12 00:00.
        assert_eq!(add("2025-10-03 11:00", 3), sh("2025-10-12 00:00"));
        // 2025-09-25 Thursday 10:00 + 15 (complaint): 09-26, 09-28, 09-29, 09-30, 10-09,
        // 10-10, 10-11, 10-13, 10-14, 10-15, 10-16, 10-17, 10-20, 10-21, 10-22.
        assert_eq!(add("2025-09-25 10:00", 15), sh("2025-10-22 10:00"));
    }

    #[test]
    fn working_weekend_counts_and_intake_on_one() {
        // Saturday 2025-09-27 intake: the next working day is Sunday 09-28 (调休), so + 1
        // ends at 24:00 on 09-28 = 2025-09-29 00:00.
        assert_eq!(add("2025-09-27 14:00", 1), sh("2025-09-29 00:00"));
        // Intake on the working Sunday 2025-09-28 10:00 is a working-day intake: + 1 →
        // Monday 09-29 10:00.
        assert_eq!(add("2025-09-28 10:00", 1), sh("2025-09-29 10:00"));
        // Intake on working Sunday 2025-01-26 09:30: + 1 → Monday 01-27; + 2 → 01-28 … 02-04
        // are 春节, so Wednesday 2025-02-05.
        assert_eq!(add("2025-01-26 09:30", 1), sh("2025-01-27 09:30"));
        assert_eq!(add("2025-01-26 09:30", 2), sh("2025-02-05 09:30"));
        // + 5 → 01-27, 02-05, 02-06, 02-07, 02-08 (Saturday worked).
        assert_eq!(add("2025-01-26 09:30", 5), sh("2025-02-08 09:30"));
        // Working Sunday 2026-01-04 (after 元旦 01-01 … 01-03): Thursday 2025-12-31 17:00 + 1
        // → Sunday 2026-01-04 17:00.
        assert_eq!(add("2025-12-31 17:00", 1), sh("2026-01-04 17:00"));
    }

    #[test]
    fn across_2026_spring_festival() {
        // 春节 2026: 02-15 (Sun) … 02-23 (Mon); 02-14 (Sat) and 02-28 (Sat) are worked.
        // Friday 2026-02-13 10:00 + 1 → Saturday 02-14 10:00.
        assert_eq!(add("2026-02-13 10:00", 1), sh("2026-02-14 10:00"));
        // + 2 → Tuesday 02-24.
        assert_eq!(add("2026-02-13 10:00", 2), sh("2026-02-24 10:00"));
        // Intake on the working Saturday 02-14 11:00 + 1 → Tuesday 02-24 11:00.
        assert_eq!(add("2026-02-14 11:00", 1), sh("2026-02-24 11:00"));
        // Intake during the holiday, Wednesday 02-18, + 7: 02-24, 02-25, 02-26, 02-27,
        // 02-28 (Sat, worked), 03-02 (Mon), 03-03 (Tue) → 24:00 of 03-03 = 2026-03-04 00:00.
        assert_eq!(add("2026-02-18 08:00", 7), sh("2026-03-04 00:00"));
        // Friday 02-27 15:00 + 1 → Saturday 02-28 15:00 (worked), + 2 → Monday 03-02.
        assert_eq!(add("2026-02-27 15:00", 1), sh("2026-02-28 15:00"));
        assert_eq!(add("2026-02-27 15:00", 2), sh("2026-03-02 15:00"));
    }

    const MADE_UP_2027: &str = r#"{
        "about": "made up for a test, not the official 2027 arrangement",
        "years": {"2027": {
            "holidays": {"元旦": ["2027-01-01", "2027-01-02"]},
            "working_weekends": ["2027-01-03"]
        }}
    }"#;

    #[test]
    fn the_years_to_load_are_this_one_and_from_november_the_next() {
        let c = WorkCalendar::builtin();
        let covered = c.years();
        assert!(covered.contains(&2026) && !covered.contains(&2027));
        assert_eq!(c.missing_years(d("2026-10-31")), Vec::<i32>::new());
        assert_eq!(c.missing_years(d("2026-11-01")), [2027]);
        assert_eq!(c.missing_years(d("2027-03-01")), [2027]);
        assert_eq!(c.missing_years(d("2027-12-01")), [2027, 2028]);
    }

    #[test]
    fn uncovered_year_falls_back_to_weekdays_and_merge_changes_it() {
        let mut c = cal();
        // Thursday 2026-12-31 10:00. 2027 not covered: 2027-01-01 (Friday) is a working day.
        assert_eq!(
            c.add_working_days(sh("2026-12-31 10:00"), 1),
            sh("2027-01-01 10:00")
        );
        assert_eq!(
            c.add_working_days(sh("2026-12-31 10:00"), 2),
            sh("2027-01-04 10:00")
        );
        assert!(!c.covers(2027));

        assert_eq!(c.merge_json(MADE_UP_2027), Ok(vec![2027]));
        assert_eq!(c.years(), vec![2025, 2026, 2027]);
        assert!(c.about().contains("made up"));
        assert_eq!(c.holiday_name(d("2027-01-01")), Some("元旦"));
        // Now 01-01 and 01-02 are holidays and Sunday 01-03 is worked.
        assert_eq!(
            c.add_working_days(sh("2026-12-31 10:00"), 1),
            sh("2027-01-03 10:00")
        );
        assert_eq!(
            c.add_working_days(sh("2026-12-31 10:00"), 2),
            sh("2027-01-04 10:00")
        );
        assert_eq!(
            c.add_working_days(sh("2027-01-01 10:00"), 1),
            sh("2027-01-04 00:00")
        );
        // 2025 and 2026 untouched.
        assert_eq!(walked_count(&c, 2026), 248);
    }

    #[test]
    fn merge_replaces_a_whole_year() {
        let mut c = cal();
        let replacement = r#"{"years": {"2026": {"holidays": {"元旦": ["2026-01-01"]}}}}"#;
        assert_eq!(c.merge_json(replacement), Ok(vec![2026]));
        assert_eq!(c.holiday_name(d("2026-02-16")), None); // 春节 gone with the old 2026
        assert!(c.is_working_day(d("2026-02-16"))); // Monday
        assert!(!c.is_working_day(d("2026-02-14"))); // Saturday, no longer worked
        assert_eq!(c.holiday_name(d("2025-01-28")), Some("春节")); // 2025 untouched
    }

    #[test]
    fn merge_with_an_error_changes_nothing() {
        let mut c = cal();
        let before = c.clone();
        let bad = r#"{"years": {"2027": {"holidays": {"元旦": ["2027-01-01"]}},
                                "2028": {"working_weekends": ["2028-01-03"]}}}"#; // Monday
        assert!(matches!(
            c.merge_json(bad),
            Err(CalendarError::NotAWeekend { .. })
        ));
        assert_eq!(c, before);
    }

    #[test]
    fn weekdays_only_calendar() {
        let c = WorkCalendar::weekdays_only();
        assert!(c.years().is_empty());
        assert!(c.is_working_day(d("2025-10-01")));
        assert_eq!(
            c.add_working_days(sh("2025-09-30 09:00"), 1),
            sh("2025-10-01 09:00")
        );
    }

    #[test]
    fn saturates_instead_of_panicking() {
        let c = WorkCalendar::weekdays_only();
        assert_eq!(
            c.add_working_days(DateTime::<Utc>::MAX_UTC - chrono::TimeDelta::days(3), 10),
            DateTime::<Utc>::MAX_UTC
        );
    }

    // ---- JSON ----------------------------------------------------------------------

    #[test]
    fn to_json_round_trips() {
        let c = cal();
        let json = c.to_json();
        assert_eq!(WorkCalendar::from_json(&json).unwrap(), c);
        // Same document as the data file, key order aside.
        let a: serde_json::Value = serde_json::from_str(&json).unwrap();
        let b: serde_json::Value = serde_json::from_str(BUILTIN_JSON).unwrap();
        assert_eq!(a, b);
        // Holidays come out in date order, not in code-point order of their names.
        let p_new_year = json.find("\"元旦\"").unwrap();
        let p_spring = json.find("\"春节\"").unwrap();
        let p_national = json.find("\"国庆节、中秋节\"").unwrap();
        assert!(p_new_year < p_spring && p_spring < p_national);

        let mut merged = c.clone();
        merged.merge_json(MADE_UP_2027).unwrap();
        assert_eq!(WorkCalendar::from_json(&merged.to_json()).unwrap(), merged);
    }

    #[test]
    fn error_format() {
        for bad in [
            "",
            "not json",
            "[]",
            r#"{"about": "x"}"#,
            r#"{"years": {"2027": "2027-01-01"}}"#,
        ] {
            assert!(matches!(err(bad), CalendarError::Format(_)), "{bad}");
        }
        // A typo in a field name is caught, not silently ignored.
        let e = err(r#"{"years": {"2027": {"holiday": {"元旦": ["2027-01-01"]}}}}"#);
        assert!(
            matches!(e, CalendarError::Format(ref m) if m.contains("holiday")),
            "{e}"
        );
    }

    #[test]
    fn error_no_years_and_empty_year() {
        assert_eq!(err(r#"{"years": {}}"#), CalendarError::NoYears);
        assert_eq!(
            err(r#"{"years": {"2027": {}}}"#),
            CalendarError::EmptyYear(2027)
        );
        assert_eq!(
            err(r#"{"years": {"2027": {"holidays": {}, "working_weekends": []}}}"#),
            CalendarError::EmptyYear(2027)
        );
        assert_eq!(
            err(r#"{"years": {"2027": {"holidays": {"春节": []}}}}"#),
            CalendarError::EmptyHoliday {
                year: 2027,
                name: "春节".into()
            }
        );
        assert_eq!(
            err(r#"{"years": {"2027": {"holidays": {" ": ["2027-01-01"]}}}}"#),
            CalendarError::EmptyHoliday {
                year: 2027,
                name: " ".into()
            }
        );
    }

    #[test]
    fn error_bad_year() {
        for key in ["27", "year2027", "20270", "1800", "-202"] {
            let json =
                format!(r#"{{"years": {{"{key}": {{"holidays": {{"元旦": ["2027-01-01"]}}}}}}}}"#);
            assert_eq!(err(&json), CalendarError::BadYear(key.into()), "{key}");
        }
    }

    #[test]
    fn error_bad_date() {
        for text in [
            "2027-1-1",
            "2027/01/01",
            "2027-02-30",
            "2027-13-01",
            "20270101",
            " 2027-01-01",
            "二〇二七年一月一日",
        ] {
            let json =
                format!(r#"{{"years": {{"2027": {{"holidays": {{"元旦": ["{text}"]}}}}}}}}"#);
            assert_eq!(
                err(&json),
                CalendarError::BadDate {
                    year: 2027,
                    text: text.into()
                },
                "{text}"
            );
            let json = format!(r#"{{"years": {{"2027": {{"working_weekends": ["{text}"]}}}}}}"#);
            assert!(
                matches!(err(&json), CalendarError::BadDate { .. }),
                "{text}"
            );
        }
        let e = err(r#"{"years": {"2027": {"holidays": {"元旦": ["2027-1-1"]}}}}"#);
        assert_eq!(
            e.message(),
            "2027: \"2027-1-1\" is not a date; write it as YYYY-MM-DD, e.g. \"2027-10-01\""
        );
    }

    #[test]
    fn error_date_outside_its_year() {
        let e = err(r#"{"years": {"2027": {"holidays": {"元旦": ["2026-12-31", "2027-01-01"]}}}}"#);
        assert_eq!(
            e,
            CalendarError::WrongYear {
                year: 2027,
                date: d("2026-12-31"),
                actual: 2026
            }
        );
        assert_eq!(
            e.message(),
            "2026-12-31 is listed under 2027; move it to 2026"
        );
        let e = err(r#"{"years": {"2027": {"working_weekends": ["2028-01-01"]}}}"#);
        assert!(matches!(e, CalendarError::WrongYear { actual: 2028, .. }));
    }

    #[test]
    fn error_holiday_and_working_weekend() {
        // 2027-10-03 is a Sunday.
        let e = err(
            r#"{"years": {"2027": {"holidays": {"国庆节": ["2027-10-01", "2027-10-03"]},
                                   "working_weekends": ["2027-10-03"]}}}"#,
        );
        assert_eq!(
            e,
            CalendarError::HolidayAndWorkingWeekend {
                date: d("2027-10-03"),
                name: "国庆节".into()
            }
        );
        assert_eq!(
            e.message(),
            "2027-10-03 is listed both as a holiday (国庆节) and as a working weekend; it can only be one"
        );
    }

    #[test]
    fn error_working_weekend_on_a_weekday() {
        // 2027-10-08 is a Friday.
        let e = err(r#"{"years": {"2027": {"working_weekends": ["2027-10-08"]}}}"#);
        assert_eq!(
            e,
            CalendarError::NotAWeekend {
                date: d("2027-10-08"),
                weekday: Weekday::Fri,
                weekday_zh: "星期五"
            }
        );
        assert!(e.message().contains("is a Fri (星期五)"), "{e}");
        // Saturday 2027-10-09 and Sunday 2027-10-10 are fine.
        let ok = r#"{"years": {"2027": {"working_weekends": ["2027-10-09", "2027-10-10"]}}}"#;
        assert!(WorkCalendar::from_json(ok).is_ok());
    }

    #[test]
    fn error_duplicates() {
        let e = err(
            r#"{"years": {"2027": {"holidays": {"中秋节": ["2027-09-15"], "国庆节": ["2027-09-15"]}}}}"#,
        );
        assert!(
            matches!(e, CalendarError::Duplicate { date, .. } if date == d("2027-09-15")),
            "{e}"
        );
        let e = err(r#"{"years": {"2027": {"holidays": {"元旦": ["2027-01-01", "2027-01-01"]}}}}"#);
        assert!(matches!(e, CalendarError::Duplicate { .. }), "{e}");
        let e = err(r#"{"years": {"2027": {"working_weekends": ["2027-01-02", "2027-01-02"]}}}"#);
        assert!(matches!(e, CalendarError::Duplicate { .. }), "{e}");
    }

    #[test]
    fn working_weekends_alone_are_a_valid_year() {
        let c =
            WorkCalendar::from_json(r#"{"years": {"2027": {"working_weekends": ["2027-01-02"]}}}"#)
                .unwrap();
        assert!(c.covers(2027));
        assert!(c.is_working_day(d("2027-01-02")));
        assert_eq!(c.about(), "");
    }

    // ---- properties ----------------------------------------------------------------

    /// Instants from 2024-06 to 2027-06: before, inside and after the covered years.
    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        let from = Utc
            .with_ymd_and_hms(2024, 6, 1, 0, 0, 0)
            .unwrap()
            .timestamp();
        let to = Utc
            .with_ymd_and_hms(2027, 6, 1, 0, 0, 0)
            .unwrap()
            .timestamp();
        (from..to).prop_map(|s| DateTime::<Utc>::from_timestamp(s, 0).unwrap())
    }

    #[test]
    fn working_time_skips_weekends_and_holidays() {
        let c = cal();
        let h = TimeDelta::hours;
        // Friday 2025-09-05 15:00 to Monday 10:00: 9 hours of Friday, 10 of Monday.
        assert_eq!(
            c.working_time_between(sh("2025-09-05 15:00"), sh("2025-09-08 10:00")),
            h(19)
        );
        assert_eq!(
            c.add_working_time(sh("2025-09-05 15:00"), h(19)),
            sh("2025-09-08 10:00")
        );
        // 国庆 2025: Tuesday 09-30 12:00 to Thursday 10-09 12:00: 12 h of 09-30, then 10-01..08
        // are holidays, 12 h of 10-09.
        assert_eq!(
            c.working_time_between(sh("2025-09-30 12:00"), sh("2025-10-09 12:00")),
            h(24)
        );
        // The working Saturday 2025-10-11 (调休) counts.
        assert_eq!(
            c.working_time_between(sh("2025-10-11 00:00"), sh("2025-10-12 00:00")),
            h(24)
        );
        // A weekend alone is no working time; reversed or empty spans are zero.
        assert_eq!(
            c.working_time_between(sh("2025-09-06 08:00"), sh("2025-09-07 20:00")),
            h(0)
        );
        assert_eq!(
            c.working_time_between(sh("2025-09-08 10:00"), sh("2025-09-05 15:00")),
            h(0)
        );
        assert_eq!(
            c.add_working_time(sh("2025-09-06 08:00"), h(0)),
            sh("2025-09-06 08:00")
        );
        // From a Saturday, counting starts on Monday.
        assert_eq!(
            c.add_working_time(sh("2025-09-06 08:00"), h(1)),
            sh("2025-09-08 01:00")
        );
    }

    proptest! {
        #[test]
        fn add_working_time_inverts_working_time_between(
            start in instant(),
            minutes in 0i64..(40 * 24 * 60),
        ) {
            let c = cal();
            let span = TimeDelta::minutes(minutes);
            let end = c.add_working_time(start, span);
            prop_assert!(end >= start);
            prop_assert_eq!(c.working_time_between(start, end), span);
        }

        #[test]
        fn whole_days_of_working_time_are_working_days(start in instant(), n in 0u32..40) {
            let c = cal();
            prop_assert_eq!(
                c.add_working_time(start, TimeDelta::days(i64::from(n))),
                c.add_working_days(start, n)
            );
        }
    }

    proptest! {
        #[test]
        fn add_working_days_is_monotonic_and_lands_on_a_working_day(
            start in instant(),
            n in 0u32..40,
        ) {
            let c = cal();
            let a = c.add_working_days(start, n);
            let b = c.add_working_days(start, n + 1);
            prop_assert!(a < b, "{start} + {n} = {a}, + {} = {b}", n + 1);
            prop_assert!(a >= start);

            let local_start = start.with_timezone(&shanghai()).naive_local();
            let local = b.with_timezone(&shanghai()).naive_local();
            if c.is_working_day(local_start.date()) {
                // Same clock time, on a working day.
                prop_assert!(c.is_working_day(local.date()));
                prop_assert_eq!(local.time(), local_start.time());
            } else {
                // 00:00 just after a working day.
                prop_assert_eq!(local.time(), NaiveTime::MIN);
                prop_assert!(c.is_working_day(local.date().pred_opt().unwrap()));
            }
            // n + 1 working days: exactly n + 1 working days lie in (start day, end], counted
            // on dates after the start date for a working-day start; from the first working
            // day for a non-working start.
            let end_day = if local.time() == NaiveTime::MIN && !c.is_working_day(local_start.date()) {
                local.date().pred_opt().unwrap()
            } else {
                local.date()
            };
            let counted = local_start
                .date()
                .iter_days()
                .skip(1)
                .take_while(|x| *x <= end_day)
                .filter(|x| c.is_working_day(*x))
                .count();
            prop_assert_eq!(counted as u32, n + 1);
        }
    }
}
