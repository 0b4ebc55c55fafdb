use super::*;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A Shanghai local time "YYYY-MM-DD HH:MM" as a UTC instant.
fn sh(s: &str) -> DateTime<Utc> {
    shanghai_to_utc(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
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
        let json = format!(r#"{{"years": {{"2027": {{"holidays": {{"元旦": ["{text}"]}}}}}}}}"#);
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
    let c = WorkCalendar::from_json(r#"{"years": {"2027": {"working_weekends": ["2027-01-02"]}}}"#)
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
