//! In-service party members (在职党员报到): members who work elsewhere register to serve a
//! community on posts the station defines (楼道长, 文明引导, 助老服务, 环境整治 …) and log
//! the hours they serve. Hours are kept in tenths, so sums are exact.
//!
//! The shape of a post's name, of hours and of a service day are checked here; what a
//! command does to a community's register (add a post, register a member, log hours) is
//! `decide` → event → `apply`, in `decide.rs`.

use chrono::NaiveDate;

use crate::error::{FieldError, Msg};
use crate::msg;
use crate::Id;

mod decide;
#[cfg(test)]
mod decide_tests;

pub use decide::{
    apply, check_hours, check_registered_on, decide, Command, Context, Event, Member, NewHours,
    NewRegistration, Post, Refusal, Registration, Site, State, ALREADY_REGISTERED, POST_NAME_TAKEN,
    REGISTRATION_UNKNOWN,
};

/// Longest post name, note on an hours entry.
pub const MAX_POST_CHARS: usize = 30;
pub const MAX_NOTE_CHARS: usize = 500;
/// One entry covers at most a day.
pub const MAX_TENTHS: i64 = 240;

/// The posts a station starts from, offered on the service page.
pub const SUGGESTED_POSTS: [&str; 4] = ["楼道长", "文明引导", "助老服务", "环境整治"];

/// Hours as typed (a JSON number: `2`, `1.5`) in tenths of an hour: positive, at most 24,
/// at most one decimal (6 minutes).
pub fn hours_tenths(hours: f64) -> Result<i64, FieldError> {
    let bad = |m: &Msg| Err(FieldError::new("hours", m));
    if !hours.is_finite() || hours <= 0.0 {
        return bad(&msg!(
            "hours_not_positive",
            "服务时长应大于 0 小时",
            "Hours must be more than 0"
        ));
    }
    if hours > 24.0 {
        return bad(&msg!(
            "hours_too_many",
            "单次服务时长不能超过 24 小时",
            "One service is at most 24 hours"
        ));
    }
    let tenths = (hours * 10.0).round();
    if (hours * 10.0 - tenths).abs() > 1e-6 {
        return bad(&msg!(
            "hours_precision",
            "服务时长最多一位小数（如 1.5）",
            "Hours have at most one decimal (e.g. 1.5)"
        ));
    }
    Ok(tenths as i64)
}

/// An hours entry as typed (hours a JSON number or a form's field): every error of its own
/// fields at once, or the entry to decide.
pub fn hours_entry(
    (registration_id, post_id): (Id, Id),
    served_on: NaiveDate,
    hours: f64,
    note: &str,
) -> Result<NewHours, Vec<FieldError>> {
    let mut errors = Vec::new();
    let hours_tenths = hours_tenths(hours).map_err(|e| errors.push(e)).unwrap_or(1);
    let new = NewHours {
        registration_id,
        post_id,
        served_on,
        hours_tenths,
        note: note.trim().to_string(),
    };
    errors.extend(check_hours(&new));
    if errors.is_empty() {
        Ok(new)
    } else {
        Err(errors)
    }
}

/// Tenths of an hour as shown: `2`, `1.5`.
pub fn hours_text(tenths: i64) -> String {
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, (tenths % 10).abs())
    }
}

/// Checks the day of an hours entry: served on or after the registration, not in the future.
pub fn check_served_on(
    served_on: NaiveDate,
    registered_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), FieldError> {
    if served_on > today {
        return Err(FieldError::new(
            "served_on",
            &msg!(
                "served_on_future",
                "服务日期不能晚于今天",
                "The service date cannot be after today"
            ),
        ));
    }
    if served_on < registered_on {
        return Err(FieldError::new(
            "served_on",
            &msg!(
                "served_before_registered",
                "服务日期不能早于报到日期",
                "The service date cannot be before the registration date"
            ),
        ));
    }
    Ok(())
}

/// A post's name as typed, trimmed.
pub fn check_post_name(name: &str) -> Result<String, FieldError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(FieldError::new(
            "name",
            &msg!("post_name_empty", "请填写岗位名称", "Enter the post name"),
        ));
    }
    if name.chars().count() > MAX_POST_CHARS {
        return Err(FieldError::new(
            "name",
            &msg!(
                "post_name_too_long",
                "岗位名称最多 {max} 个字",
                "A post name has at most {max} characters"
            ),
        )
        .with("max", MAX_POST_CHARS));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_positive_at_most_a_day_in_tenths() {
        assert_eq!(hours_tenths(2.0), Ok(20));
        assert_eq!(hours_tenths(1.5), Ok(15));
        assert_eq!(hours_tenths(0.1), Ok(1));
        assert_eq!(hours_tenths(24.0), Ok(240));
        for bad in [0.0, -1.0, 24.1, 1.25, f64::NAN, f64::INFINITY] {
            assert_eq!(hours_tenths(bad).unwrap_err().field, "hours", "{bad}");
        }
        assert_eq!(hours_text(20), "2");
        assert_eq!(hours_text(75), "7.5");
    }

    #[test]
    fn served_days_lie_between_registration_and_today() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
        assert!(check_served_on(d(5), d(1), d(10)).is_ok());
        assert!(check_served_on(d(11), d(1), d(10)).is_err());
        assert!(check_served_on(d(1), d(2), d(10)).is_err());
        assert_eq!(check_post_name(" 楼道长 "), Ok("楼道长".to_string()));
        assert!(check_post_name(" ").is_err());
    }
}
