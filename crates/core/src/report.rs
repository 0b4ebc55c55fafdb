//! The month-end report and the monthly scoreboard (月度排名): months, the repeated problems'
//! places and the top categories, as pure rules over counts the store provides (who is ranked
//! and how: [`crate::ranking`]).

use chrono::{Datelike, Months, NaiveDate};

use crate::error::FieldError;
use crate::msg;

/// Appeals about the same place and category in one month from which it is a repeated problem.
pub const REPEAT_THRESHOLD: i64 = 3;
/// How many categories the report names as the month's top.
pub const TOP_CATEGORIES: usize = 5;
/// How many repeated problems the report lists, most frequent first (it also says how many
/// there are: a district's month can hold thousands).
pub const REPEATED_LISTED: i64 = 20;

/// A calendar month (Asia/Shanghai days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    first: NaiveDate,
}

impl Month {
    /// `YYYY-MM`, strictly.
    pub fn parse(text: &str) -> Result<Month, FieldError> {
        let bad = || {
            FieldError::new(
                "month",
                &msg!(
                    "month_shape",
                    "月份格式应为 YYYY-MM",
                    "A month is written YYYY-MM"
                ),
            )
        };
        let b = text.as_bytes();
        if b.len() != 7
            || b[4] != b'-'
            || !b
                .iter()
                .enumerate()
                .all(|(i, c)| i == 4 || c.is_ascii_digit())
        {
            return Err(bad());
        }
        let first =
            NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").map_err(|_| bad())?;
        Ok(Month { first })
    }

    /// The month a query names (`YYYY-MM`), or the one containing `today` when it names
    /// none: what every monthly page and report shows by default.
    pub fn given_or_containing(text: Option<&str>, today: NaiveDate) -> Result<Month, FieldError> {
        match text {
            None => Ok(Month::containing(today)),
            Some(text) => Month::parse(text),
        }
    }

    pub fn containing(day: NaiveDate) -> Month {
        Month {
            first: day.with_day(1).unwrap_or(day),
        }
    }

    pub fn first_day(&self) -> NaiveDate {
        self.first
    }

    /// The last day of the month.
    pub fn last_day(&self) -> NaiveDate {
        self.first
            .checked_add_months(Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(self.first)
    }

    pub fn previous(&self) -> Month {
        Month {
            first: self
                .first
                .checked_sub_months(Months::new(1))
                .unwrap_or(self.first),
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.first.format("%Y-%m"))
    }
}

/// The `n` largest counts, largest first, ties by code (so the report is stable).
pub fn top(counts: &[(String, i64)], n: usize) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = counts.iter().filter(|(_, c)| *c > 0).cloned().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

/// The place an appeal's location names for the repeated problems: trimmed, so " 3号楼 " and
/// "3号楼" are one place; none when blank (appeals without a place are not grouped).
pub fn place_of(location: &str) -> Option<&str> {
    Some(location.trim()).filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn no_month_named_is_this_month() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 17).unwrap();
        let this = Month::given_or_containing(None, today).unwrap();
        assert_eq!(this.to_string(), "2026-03");
        let named = Month::given_or_containing(Some("2025-11"), today).unwrap();
        assert_eq!(named.to_string(), "2025-11");
        let bad = Month::given_or_containing(Some("2025-1"), today).unwrap_err();
        assert_eq!(bad.field, "month");
    }

    #[test]
    fn months_parse_strictly_and_know_their_days() {
        let m = Month::parse("2026-02").unwrap();
        assert_eq!(m.first_day().to_string(), "2026-02-01");
        assert_eq!(m.last_day().to_string(), "2026-02-28");
        assert_eq!(m.previous().to_string(), "2026-01");
        assert_eq!(
            Month::parse("2026-01").unwrap().previous().to_string(),
            "2025-12"
        );
        for bad in ["2026-2", "2026-13", "26-02", "2026/02", "2026-02-01", ""] {
            assert_eq!(Month::parse(bad).unwrap_err().field, "month", "{bad}");
        }
    }

    #[test]
    fn places_are_compared_trimmed_and_blank_is_none() {
        assert_eq!(place_of(" 3号楼 "), Some("3号楼"));
        assert_eq!(place_of("3号楼"), place_of("\t3号楼\u{3000}"));
        assert_eq!(place_of(" \n "), None);
        assert_eq!(place_of(""), None);
    }

    proptest! {
        #[test]
        fn top_is_sorted_bounded_and_drawn_from_the_input(counts in proptest::collection::vec(("[a-e]{1,2}", 0i64..20), 0..12)) {
            let counts: Vec<(String, i64)> = counts;
            let t = top(&counts, TOP_CATEGORIES);
            prop_assert!(t.len() <= TOP_CATEGORIES);
            prop_assert!(t.windows(2).all(|w| w[0].1 >= w[1].1));
            for item in &t {
                prop_assert!(counts.contains(item));
            }
            // Nothing left out beats the last one in.
            if let Some(last) = t.last() {
                if t.len() == TOP_CATEGORIES {
                    prop_assert!(counts.iter().filter(|c| !t.contains(c)).all(|c| c.1 <= last.1));
                }
            }
        }
    }
}
