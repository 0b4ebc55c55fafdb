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
pub fn shanghai_to_utc(local: NaiveDateTime) -> DateTime<Utc> {
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
mod tests;
