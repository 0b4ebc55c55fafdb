//! Time limits (办理时限): how long a station has to respond to an appeal and to resolve it.
//!
//! Defaults (DOMAIN.md, "Time limits"):
//!
//! | | respond | resolve |
//! |---|---|---|
//! | urgent, any kind | 2 clock hours | 24 clock hours |
//! | inquiry 咨询 | 1 working day | 2 working days |
//! | help 求助, suggestion 建议 | 1 working day | 7 working days |
//! | complaint 投诉, report 举报 | 1 working day | 15 working days |
//! | praise 表扬 | 1 working day | none |
//!
//! A district can override them per category code, optionally only for one kind and/or one
//! urgency (see [`TimeLimitPolicy::limits`] for which override wins). Deadlines are computed
//! from a start instant with [`deadline`] / [`deadlines`]: clock hours ignore the calendar,
//! working days follow the [`WorkCalendar`].

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::appeal::{Kind, Urgency};
use crate::calendar::WorkCalendar;

/// The longest clock-hour limit a policy may set (30 days).
pub const MAX_CLOCK_HOURS: u32 = 720;
/// The longest working-day limit a policy may set (about four and a half months).
pub const MAX_WORKING_DAYS: u32 = 90;

/// One time limit. On the wire: `{"clock_hours": 2}` or `{"working_days": 1}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// Elapsed hours, nights, weekends and holidays included (urgent appeals).
    ClockHours(u32),
    /// Working days on the calendar (see [`WorkCalendar::add_working_days`]).
    WorkingDays(u32),
}

impl Limit {
    fn amount(self) -> u32 {
        match self {
            Limit::ClockHours(n) | Limit::WorkingDays(n) => n,
        }
    }

    /// The largest allowed limit of the same unit.
    fn max_of_unit(self) -> Limit {
        match self {
            Limit::ClockHours(_) => Limit::ClockHours(MAX_CLOCK_HOURS),
            Limit::WorkingDays(_) => Limit::WorkingDays(MAX_WORKING_DAYS),
        }
    }
}

impl fmt::Display for Limit {
    /// `2 hours (2小时)`, `1 working day (1个工作日)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Limit::ClockHours(1) => write!(f, "1 hour (1小时)"),
            Limit::ClockHours(n) => write!(f, "{n} hours ({n}小时)"),
            Limit::WorkingDays(1) => write!(f, "1 working day (1个工作日)"),
            Limit::WorkingDays(n) => write!(f, "{n} working days ({n}个工作日)"),
        }
    }
}

/// The two limits of an appeal. `resolve: None` means there is nothing to resolve (praise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// To accept the appeal and contact the appellant.
    pub respond: Limit,
    /// To resolve it.
    #[serde(default)]
    pub resolve: Option<Limit>,
}

impl Limits {
    const fn new(respond: Limit, resolve: Option<Limit>) -> Limits {
        Limits { respond, resolve }
    }
}

/// The built-in limits for urgent appeals of any kind.
pub const URGENT_DEFAULT: Limits = Limits::new(Limit::ClockHours(2), Some(Limit::ClockHours(24)));

/// The built-in limits for a normal appeal of `kind`.
pub const fn default_limits(kind: Kind) -> Limits {
    let resolve = match kind {
        Kind::Inquiry => Some(Limit::WorkingDays(2)),
        Kind::Help | Kind::Suggestion => Some(Limit::WorkingDays(7)),
        Kind::Complaint | Kind::Report => Some(Limit::WorkingDays(15)),
        Kind::Praise => None,
    };
    Limits::new(Limit::WorkingDays(1), resolve)
}

/// A district's own limits for a category, optionally only for one kind and/or urgency.
///
/// `urgency: None` means "not specific to urgency", which in practice means normal appeals:
/// urgent appeals keep the urgent limits unless an override names `urgency: urgent`, so that
/// a category-wide change can never turn a 2-hour emergency into working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// A category code, first level (`public_facilities`, which also covers its second-level
    /// codes) or second level (`public_facilities.water`).
    pub category: String,
    /// Only for this kind; `None` for every kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    /// Only for this urgency; `None` for normal appeals (see above).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    /// The limits that replace the defaults.
    pub limits: Limits,
}

impl Override {
    /// An override for every kind of normal appeal in `category` (and its subcategories).
    pub fn new(category: impl Into<String>, limits: Limits) -> Override {
        Override {
            category: category.into(),
            kind: None,
            urgency: None,
            limits,
        }
    }

    /// Restricts the override to one kind.
    pub fn for_kind(mut self, kind: Kind) -> Override {
        self.kind = Some(kind);
        self
    }

    /// Restricts the override to one urgency.
    pub fn for_urgency(mut self, urgency: Urgency) -> Override {
        self.urgency = Some(urgency);
        self
    }

    /// How specifically this override matches, or `None` if it does not apply. Larger is
    /// more specific: deeper category first, then a named urgency, then a named kind.
    fn specificity(
        &self,
        kind: Kind,
        urgency: Urgency,
        category: &str,
    ) -> Option<(usize, bool, bool)> {
        let category_matches = category == self.category
            || category
                .strip_prefix(self.category.as_str())
                .is_some_and(|rest| rest.starts_with('.'));
        let kind_matches = self.kind.is_none_or(|k| k == kind);
        let urgency_matches = self.urgency.unwrap_or(Urgency::Normal) == urgency;
        (category_matches && kind_matches && urgency_matches).then(|| {
            (
                self.category.split('.').count(),
                self.urgency.is_some(),
                self.kind.is_some(),
            )
        })
    }

    fn same_key(&self, other: &Override) -> bool {
        self.category == other.category && self.kind == other.kind && self.urgency == other.urgency
    }

    fn describe(&self) -> String {
        format!(
            "override for {} (kind {}, urgency {})",
            self.category,
            self.kind.map_or("any", Kind::code),
            self.urgency.map_or("normal", Urgency::code),
        )
    }
}

/// Why a policy was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// A limit of zero.
    #[error("{what}: a time limit of 0 is not allowed; use at least 1")]
    Zero {
        /// Which limit.
        what: String,
    },
    /// A limit above [`MAX_CLOCK_HOURS`] / [`MAX_WORKING_DAYS`].
    #[error("{what}: {limit} is longer than the maximum of {max}")]
    TooLong {
        /// Which limit.
        what: String,
        /// The limit given.
        limit: Limit,
        /// The maximum of its unit.
        max: Limit,
    },
    /// Respond later than resolve (same unit).
    #[error("{what}: the respond limit ({respond}) is longer than the resolve limit ({resolve})")]
    RespondAfterResolve {
        /// Which limits.
        what: String,
        /// The respond limit.
        respond: Limit,
        /// The resolve limit.
        resolve: Limit,
    },
    /// A kind without default limits.
    #[error("no default time limits for {} ({}); add a row for it under by_kind", .0.code(), .0.label_zh())]
    MissingKind(Kind),
    /// A category code that is not one.
    #[error("\"{0}\" is not a category code; use lowercase codes such as public_facilities or public_facilities.water")]
    BadCategory(String),
    /// Two overrides for the same category, kind and urgency.
    #[error("{0} is listed twice; keep one")]
    DuplicateOverride(String),
}

impl PolicyError {
    /// The message to show the administrator.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

/// `public_facilities`, `public_facilities.water`: lowercase ASCII words joined by dots.
fn is_category_code(code: &str) -> bool {
    !code.is_empty()
        && code.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
        })
}

fn check_limits(what: &str, limits: &Limits) -> Result<(), PolicyError> {
    let check = |which: &str, limit: Limit| {
        let what = format!("{what}, {which}");
        if limit.amount() == 0 {
            return Err(PolicyError::Zero { what });
        }
        let max = limit.max_of_unit();
        if limit.amount() > max.amount() {
            return Err(PolicyError::TooLong { what, limit, max });
        }
        Ok(())
    };
    check("respond", limits.respond)?;
    if let Some(resolve) = limits.resolve {
        check("resolve", resolve)?;
        let same_unit = matches!(
            (limits.respond, resolve),
            (Limit::ClockHours(_), Limit::ClockHours(_))
                | (Limit::WorkingDays(_), Limit::WorkingDays(_))
        );
        if same_unit && limits.respond.amount() > resolve.amount() {
            return Err(PolicyError::RespondAfterResolve {
                what: what.to_string(),
                respond: limits.respond,
                resolve,
            });
        }
    }
    Ok(())
}

/// The time limits of a district: defaults per kind, the urgent limits, and overrides by
/// category. Serialized as `{"urgent": …, "by_kind": {"help": …}, "overrides": […]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeLimitPolicy {
    /// Limits for urgent appeals of every kind, unless an override names `urgency: urgent`.
    pub urgent: Limits,
    /// Limits for normal appeals, per kind.
    pub by_kind: BTreeMap<Kind, Limits>,
    /// Category overrides. Set them with [`TimeLimitPolicy::add_override`].
    #[serde(default)]
    pub overrides: Vec<Override>,
}

impl Default for TimeLimitPolicy {
    /// The limits of DOMAIN.md, with no overrides.
    fn default() -> TimeLimitPolicy {
        TimeLimitPolicy {
            urgent: URGENT_DEFAULT,
            by_kind: Kind::ALL.iter().map(|&k| (k, default_limits(k))).collect(),
            overrides: Vec::new(),
        }
    }
}

impl TimeLimitPolicy {
    /// The limits for an appeal.
    ///
    /// Among the overrides that apply (its category is `category` or a parent of it; its
    /// kind, if any, is `kind`; its urgency is `urgency`, where no urgency means normal), the
    /// most specific wins: the deeper category first (`public_facilities.water` over
    /// `public_facilities`), then one naming the urgency, then one naming the kind; between
    /// equals, the later one. With none, urgent appeals get `urgent`, others `by_kind`
    /// (falling back to the built-in default for a kind missing there).
    pub fn limits(&self, kind: Kind, urgency: Urgency, category: &str) -> Limits {
        let best = self
            .overrides
            .iter()
            .filter_map(|o| o.specificity(kind, urgency, category).map(|s| (s, o)))
            .max_by_key(|(s, _)| *s);
        match best {
            Some((_, o)) => o.limits,
            None if urgency == Urgency::Urgent => self.urgent,
            None => self
                .by_kind
                .get(&kind)
                .copied()
                .unwrap_or(default_limits(kind)),
        }
    }

    /// Adds an override, replacing one for the same category, kind and urgency. Refuses a bad
    /// category code or bad limits, leaving the policy unchanged.
    pub fn add_override(&mut self, o: Override) -> Result<(), PolicyError> {
        if !is_category_code(&o.category) {
            return Err(PolicyError::BadCategory(o.category));
        }
        check_limits(&o.describe(), &o.limits)?;
        match self.overrides.iter_mut().find(|x| x.same_key(&o)) {
            Some(existing) => *existing = o,
            None => self.overrides.push(o),
        }
        Ok(())
    }

    /// Removes the override for exactly this category, kind and urgency; `true` if there was one.
    pub fn remove_override(
        &mut self,
        category: &str,
        kind: Option<Kind>,
        urgency: Option<Urgency>,
    ) -> bool {
        let before = self.overrides.len();
        self.overrides
            .retain(|o| !(o.category == category && o.kind == kind && o.urgency == urgency));
        self.overrides.len() != before
    }

    /// Checks a policy (e.g. one loaded from configuration): every kind has defaults, no
    /// limit is zero or above [`MAX_CLOCK_HOURS`] / [`MAX_WORKING_DAYS`], respond is not
    /// longer than resolve, category codes are codes, and no override is listed twice.
    pub fn validate(&self) -> Result<(), PolicyError> {
        check_limits("urgent (紧急)", &self.urgent)?;
        for &kind in Kind::ALL {
            let limits = self
                .by_kind
                .get(&kind)
                .ok_or(PolicyError::MissingKind(kind))?;
            check_limits(&format!("{} ({})", kind.code(), kind.label_zh()), limits)?;
        }
        for (i, o) in self.overrides.iter().enumerate() {
            if !is_category_code(&o.category) {
                return Err(PolicyError::BadCategory(o.category.clone()));
            }
            check_limits(&o.describe(), &o.limits)?;
            if self.overrides[..i].iter().any(|x| x.same_key(o)) {
                return Err(PolicyError::DuplicateOverride(o.describe()));
            }
        }
        Ok(())
    }
}

/// The deadline `limit` after `start`: clock hours are elapsed time (nights, weekends and
/// holidays count), working days follow [`WorkCalendar::add_working_days`].
pub fn deadline(cal: &WorkCalendar, start: DateTime<Utc>, limit: Limit) -> DateTime<Utc> {
    match limit {
        Limit::ClockHours(h) => start
            .checked_add_signed(TimeDelta::hours(i64::from(h)))
            .unwrap_or(DateTime::<Utc>::MAX_UTC),
        Limit::WorkingDays(n) => cal.add_working_days(start, n),
    }
}

/// `(respond_by, resolve_by)` for an appeal received at `start`; `resolve_by` is `None` when
/// there is no resolve limit (praise).
pub fn deadlines(
    policy: &TimeLimitPolicy,
    cal: &WorkCalendar,
    kind: Kind,
    urgency: Urgency,
    category: &str,
    start: DateTime<Utc>,
) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
    let limits = policy.limits(kind, urgency, category);
    (
        deadline(cal, start, limits.respond),
        limits.resolve.map(|l| deadline(cal, start, l)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::shanghai;
    use chrono::{NaiveDateTime, TimeZone};
    use Limit::{ClockHours as H, WorkingDays as W};

    /// A Shanghai local time "YYYY-MM-DD HH:MM" as a UTC instant.
    fn sh(s: &str) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        shanghai()
            .from_local_datetime(&naive)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn lim(respond: Limit, resolve: Option<Limit>) -> Limits {
        Limits { respond, resolve }
    }

    const CAT: &str = "public_facilities.water";

    #[test]
    fn default_rows() {
        let p = TimeLimitPolicy::default();
        let n = Urgency::Normal;
        assert_eq!(p.limits(Kind::Inquiry, n, CAT), lim(W(1), Some(W(2))));
        assert_eq!(p.limits(Kind::Help, n, CAT), lim(W(1), Some(W(7))));
        assert_eq!(p.limits(Kind::Suggestion, n, CAT), lim(W(1), Some(W(7))));
        assert_eq!(p.limits(Kind::Complaint, n, CAT), lim(W(1), Some(W(15))));
        assert_eq!(p.limits(Kind::Report, n, CAT), lim(W(1), Some(W(15))));
        assert_eq!(p.limits(Kind::Praise, n, CAT), lim(W(1), None));
        for &k in Kind::ALL {
            assert_eq!(
                p.limits(k, Urgency::Urgent, CAT),
                lim(H(2), Some(H(24))),
                "{k}"
            );
            assert_eq!(
                p.limits(k, Urgency::Urgent, ""),
                lim(H(2), Some(H(24))),
                "{k}"
            );
        }
        assert_eq!(p.by_kind.len(), Kind::ALL.len());
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn urgent_is_clock_time_over_a_weekend() {
        let p = TimeLimitPolicy::default();
        let cal = WorkCalendar::builtin();
        // Friday 2025-03-07 23:00 + 2 h = Saturday 2025-03-08 01:00; + 24 h = Saturday 23:00.
        let (respond, resolve) = deadlines(
            &p,
            &cal,
            Kind::Help,
            Urgency::Urgent,
            CAT,
            sh("2025-03-07 23:00"),
        );
        assert_eq!(respond, sh("2025-03-08 01:00"));
        assert_eq!(resolve, Some(sh("2025-03-08 23:00")));
        // During 国庆 2025-10-01 10:00: + 2 h and + 24 h, holidays notwithstanding.
        let (respond, resolve) = deadlines(
            &p,
            &cal,
            Kind::Complaint,
            Urgency::Urgent,
            CAT,
            sh("2025-10-01 10:00"),
        );
        assert_eq!(respond, sh("2025-10-01 12:00"));
        assert_eq!(resolve, Some(sh("2025-10-02 10:00")));
    }

    #[test]
    fn normal_deadlines_follow_the_calendar() {
        let p = TimeLimitPolicy::default();
        let cal = WorkCalendar::builtin();
        // Inquiry on Tuesday 2025-09-30 09:00; 10-01 … 10-08 are holidays.
        let (respond, resolve) = deadlines(
            &p,
            &cal,
            Kind::Inquiry,
            Urgency::Normal,
            CAT,
            sh("2025-09-30 09:00"),
        );
        assert_eq!(respond, sh("2025-10-09 09:00"));
        assert_eq!(resolve, Some(sh("2025-10-10 09:00")));
        // Complaint on Friday 2026-02-13 10:00: 15 working days are 02-14 (Sat, worked),
        // 02-24, 02-25, 02-26, 02-27, 02-28 (Sat, worked), 03-02, 03-03, 03-04, 03-05, 03-06,
        // 03-09, 03-10, 03-11, 03-12 (Thursday).
        let (respond, resolve) = deadlines(
            &p,
            &cal,
            Kind::Complaint,
            Urgency::Normal,
            CAT,
            sh("2026-02-13 10:00"),
        );
        assert_eq!(respond, sh("2026-02-14 10:00"));
        assert_eq!(resolve, Some(sh("2026-03-12 10:00")));
        // Help on Saturday 2025-03-08: respond by end of Monday, resolve by end of the 7th
        // working day, Tuesday 03-18 (03-10 … 03-14, 03-17, 03-18) → 2025-03-19 00:00.
        let (respond, resolve) = deadlines(
            &p,
            &cal,
            Kind::Help,
            Urgency::Normal,
            CAT,
            sh("2025-03-08 15:00"),
        );
        assert_eq!(respond, sh("2025-03-11 00:00"));
        assert_eq!(resolve, Some(sh("2025-03-19 00:00")));
        // Praise: nothing to resolve.
        let (respond, resolve) = deadlines(
            &p,
            &cal,
            Kind::Praise,
            Urgency::Normal,
            CAT,
            sh("2025-03-03 10:00"),
        );
        assert_eq!(respond, sh("2025-03-04 10:00"));
        assert_eq!(resolve, None);
    }

    #[test]
    fn deadline_units() {
        let cal = WorkCalendar::builtin();
        let start = sh("2025-03-07 15:00"); // Friday
        assert_eq!(deadline(&cal, start, H(72)), sh("2025-03-10 15:00"));
        assert_eq!(deadline(&cal, start, W(1)), sh("2025-03-10 15:00"));
        assert_eq!(deadline(&cal, start, H(24)), sh("2025-03-08 15:00"));
        assert_eq!(
            deadline(&cal, DateTime::<Utc>::MAX_UTC, H(1)),
            DateTime::<Utc>::MAX_UTC
        );
    }

    #[test]
    fn first_level_override_covers_second_level_codes() {
        let mut p = TimeLimitPolicy::default();
        p.add_override(Override::new("public_facilities", lim(W(1), Some(W(5)))))
            .unwrap();
        let n = Urgency::Normal;
        assert_eq!(
            p.limits(Kind::Complaint, n, "public_facilities"),
            lim(W(1), Some(W(5)))
        );
        assert_eq!(
            p.limits(Kind::Complaint, n, "public_facilities.water"),
            lim(W(1), Some(W(5)))
        );
        assert_eq!(
            p.limits(Kind::Praise, n, "public_facilities.water"),
            lim(W(1), Some(W(5)))
        );
        // Only at a dot: a code that merely starts with the same letters is another category.
        assert_eq!(
            p.limits(Kind::Complaint, n, "public_facilities_x"),
            lim(W(1), Some(W(15)))
        );
        assert_eq!(
            p.limits(Kind::Complaint, n, "public"),
            lim(W(1), Some(W(15)))
        );
        assert_eq!(
            p.limits(Kind::Complaint, n, "environment.noise"),
            lim(W(1), Some(W(15)))
        );
    }

    #[test]
    fn override_without_urgency_leaves_urgent_appeals_alone() {
        let mut p = TimeLimitPolicy::default();
        p.add_override(Override::new("public_facilities", lim(W(2), Some(W(10)))))
            .unwrap();
        assert_eq!(
            p.limits(Kind::Help, Urgency::Urgent, "public_facilities.water"),
            lim(H(2), Some(H(24)))
        );
        // Unless it names urgency = urgent.
        p.add_override(
            Override::new("public_facilities.water", lim(H(1), Some(H(12))))
                .for_urgency(Urgency::Urgent),
        )
        .unwrap();
        assert_eq!(
            p.limits(Kind::Help, Urgency::Urgent, "public_facilities.water"),
            lim(H(1), Some(H(12)))
        );
        // A normal water appeal still gets the first-level override.
        assert_eq!(
            p.limits(Kind::Help, Urgency::Normal, "public_facilities.water"),
            lim(W(2), Some(W(10)))
        );
    }

    #[test]
    fn most_specific_override_wins() {
        let mut p = TimeLimitPolicy::default();
        let top = lim(W(1), Some(W(10)));
        let top_complaint = lim(W(1), Some(W(12)));
        let water = lim(W(1), Some(W(5)));
        let water_complaint = lim(W(1), Some(W(3)));
        let water_normal = lim(W(1), Some(W(4)));
        let water_complaint_normal = lim(W(1), Some(W(6)));
        // Added least specific last, so order of insertion cannot be what decides.
        p.add_override(
            Override::new(CAT, water_complaint_normal)
                .for_kind(Kind::Complaint)
                .for_urgency(Urgency::Normal),
        )
        .unwrap();
        p.add_override(Override::new(CAT, water_complaint).for_kind(Kind::Complaint))
            .unwrap();
        p.add_override(Override::new(CAT, water_normal).for_urgency(Urgency::Normal))
            .unwrap();
        p.add_override(Override::new(CAT, water)).unwrap();
        p.add_override(Override::new("public_facilities", top_complaint).for_kind(Kind::Complaint))
            .unwrap();
        p.add_override(Override::new("public_facilities", top))
            .unwrap();
        let n = Urgency::Normal;

        // Second level, kind and urgency named: the most specific of all.
        assert_eq!(p.limits(Kind::Complaint, n, CAT), water_complaint_normal);
        // Urgency named beats kind named at the same category.
        assert_eq!(p.limits(Kind::Help, n, CAT), water_normal);
        p.remove_override(CAT, None, Some(Urgency::Normal));
        assert_eq!(p.limits(Kind::Help, n, CAT), water);
        p.remove_override(CAT, Some(Kind::Complaint), Some(Urgency::Normal));
        assert_eq!(p.limits(Kind::Complaint, n, CAT), water_complaint);
        // A deeper category beats a kind named on the parent.
        p.remove_override(CAT, Some(Kind::Complaint), None);
        assert_eq!(p.limits(Kind::Complaint, n, CAT), water);
        // Another second-level code falls to the first level.
        assert_eq!(
            p.limits(Kind::Complaint, n, "public_facilities.roads"),
            top_complaint
        );
        assert_eq!(p.limits(Kind::Help, n, "public_facilities.roads"), top);
        // Without the water override, the parent's kind-specific row applies.
        assert!(p.remove_override(CAT, None, None));
        assert!(!p.remove_override(CAT, None, None));
        assert_eq!(p.limits(Kind::Complaint, n, CAT), top_complaint);
        assert_eq!(p.limits(Kind::Inquiry, n, CAT), top);
    }

    #[test]
    fn add_override_replaces_the_same_key() {
        let mut p = TimeLimitPolicy::default();
        p.add_override(Override::new(CAT, lim(W(1), Some(W(5)))).for_kind(Kind::Help))
            .unwrap();
        p.add_override(Override::new(CAT, lim(W(1), Some(W(9)))).for_kind(Kind::Help))
            .unwrap();
        assert_eq!(p.overrides.len(), 1);
        assert_eq!(
            p.limits(Kind::Help, Urgency::Normal, CAT),
            lim(W(1), Some(W(9)))
        );
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn later_of_two_equal_overrides_wins() {
        // Only reachable by editing the list directly; validate() reports it.
        let mut p = TimeLimitPolicy::default();
        p.overrides.push(Override::new(CAT, lim(W(1), Some(W(5)))));
        p.overrides.push(Override::new(CAT, lim(W(1), Some(W(6)))));
        assert_eq!(
            p.limits(Kind::Help, Urgency::Normal, CAT),
            lim(W(1), Some(W(6)))
        );
        assert_eq!(
            p.validate(),
            Err(PolicyError::DuplicateOverride(
                "override for public_facilities.water (kind any, urgency normal)".into()
            ))
        );
    }

    #[test]
    fn limit_wire_format() {
        assert_eq!(
            serde_json::to_string(&H(2)).unwrap(),
            r#"{"clock_hours":2}"#
        );
        assert_eq!(
            serde_json::to_string(&W(1)).unwrap(),
            r#"{"working_days":1}"#
        );
        assert_eq!(
            serde_json::from_str::<Limit>(r#"{"working_days": 15}"#).unwrap(),
            W(15)
        );
        assert!(serde_json::from_str::<Limit>(r#"{"days": 15}"#).is_err());
        assert!(serde_json::from_str::<Limit>(r#"{"working_days": -1}"#).is_err());
        assert_eq!(
            serde_json::to_string(&lim(W(1), None)).unwrap(),
            r#"{"respond":{"working_days":1},"resolve":null}"#
        );
        assert_eq!(
            serde_json::from_str::<Limits>(r#"{"respond": {"working_days": 1}}"#).unwrap(),
            lim(W(1), None)
        );
    }

    #[test]
    fn policy_serde_round_trip() {
        let mut p = TimeLimitPolicy::default();
        p.add_override(Override::new("public_facilities", lim(W(1), Some(W(5)))))
            .unwrap();
        p.add_override(
            Override::new(CAT, lim(H(1), Some(H(12))))
                .for_kind(Kind::Help)
                .for_urgency(Urgency::Urgent),
        )
        .unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert!(
            json.contains(
                r#""by_kind":{"help":{"respond":{"working_days":1},"resolve":{"working_days":7}}"#
            ),
            "{json}"
        );
        assert!(
            json.contains(r#"{"category":"public_facilities","limits":"#),
            "{json}"
        );
        assert!(
            json.contains(r#""kind":"help","urgency":"urgent""#),
            "{json}"
        );
        let back: TimeLimitPolicy = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);

        // Written by hand, overrides optional.
        let hand = r#"{
            "urgent": {"respond": {"clock_hours": 2}, "resolve": {"clock_hours": 24}},
            "by_kind": {
                "help": {"respond": {"working_days": 1}, "resolve": {"working_days": 7}},
                "complaint": {"respond": {"working_days": 1}, "resolve": {"working_days": 15}},
                "report": {"respond": {"working_days": 1}, "resolve": {"working_days": 15}},
                "inquiry": {"respond": {"working_days": 1}, "resolve": {"working_days": 2}},
                "suggestion": {"respond": {"working_days": 1}, "resolve": {"working_days": 7}},
                "praise": {"respond": {"working_days": 1}}
            }
        }"#;
        assert_eq!(
            serde_json::from_str::<TimeLimitPolicy>(hand).unwrap(),
            TimeLimitPolicy::default()
        );
        // Typos are refused, not ignored.
        assert!(
            serde_json::from_str::<TimeLimitPolicy>(&hand.replace("by_kind", "by_kinds")).is_err()
        );
        assert!(
            serde_json::from_str::<TimeLimitPolicy>(&hand.replace("\"help\"", "\"halp\"")).is_err()
        );
    }

    #[test]
    fn validation_zero_and_too_long() {
        let p = TimeLimitPolicy {
            urgent: lim(H(0), Some(H(24))),
            ..TimeLimitPolicy::default()
        };
        assert_eq!(
            p.validate(),
            Err(PolicyError::Zero {
                what: "urgent (紧急), respond".into()
            })
        );

        let mut p = TimeLimitPolicy::default();
        p.by_kind.insert(Kind::Inquiry, lim(W(1), Some(W(0))));
        let e = p.validate().unwrap_err();
        assert_eq!(
            e,
            PolicyError::Zero {
                what: "inquiry (咨询), resolve".into()
            }
        );
        assert_eq!(
            e.message(),
            "inquiry (咨询), resolve: a time limit of 0 is not allowed; use at least 1"
        );

        let mut p = TimeLimitPolicy {
            urgent: lim(H(2), Some(H(721))),
            ..TimeLimitPolicy::default()
        };
        let e = p.validate().unwrap_err();
        assert_eq!(
            e,
            PolicyError::TooLong {
                what: "urgent (紧急), resolve".into(),
                limit: H(721),
                max: H(720)
            }
        );
        assert_eq!(
            e.message(),
            "urgent (紧急), resolve: 721 hours (721小时) is longer than the maximum of 720 hours (720小时)"
        );
        p.urgent = lim(H(2), Some(H(720)));
        assert_eq!(p.validate(), Ok(()));

        let mut p = TimeLimitPolicy::default();
        p.by_kind.insert(Kind::Complaint, lim(W(1), Some(W(91))));
        assert!(matches!(
            p.validate(),
            Err(PolicyError::TooLong { max: W(90), .. })
        ));
        p.by_kind.insert(Kind::Complaint, lim(W(1), Some(W(90))));
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn validation_respond_after_resolve() {
        let mut p = TimeLimitPolicy::default();
        p.by_kind.insert(Kind::Inquiry, lim(W(3), Some(W(2))));
        let e = p.validate().unwrap_err();
        assert_eq!(
            e.message(),
            "inquiry (咨询): the respond limit (3 working days (3个工作日)) is longer than the resolve limit (2 working days (2个工作日))"
        );
        // Different units are not compared: 48 hours to respond, 1 working day to resolve is
        // odd but not provably wrong.
        p.by_kind.insert(Kind::Inquiry, lim(H(48), Some(W(1))));
        assert_eq!(p.validate(), Ok(()));
        // Equal is fine.
        p.by_kind.insert(Kind::Inquiry, lim(W(2), Some(W(2))));
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn validation_missing_kind() {
        let mut p = TimeLimitPolicy::default();
        p.by_kind.remove(&Kind::Report);
        let e = p.validate().unwrap_err();
        assert_eq!(e, PolicyError::MissingKind(Kind::Report));
        assert_eq!(
            e.message(),
            "no default time limits for report (举报); add a row for it under by_kind"
        );
        // limits() still answers with the built-in default.
        assert_eq!(
            p.limits(Kind::Report, Urgency::Normal, CAT),
            lim(W(1), Some(W(15)))
        );
    }

    #[test]
    fn validation_overrides() {
        for bad in [
            "",
            "Public_facilities",
            "public facilities",
            "public_facilities.",
            ".water",
            "a..b",
            "公共设施",
        ] {
            let mut p = TimeLimitPolicy::default();
            assert_eq!(
                p.add_override(Override::new(bad, lim(W(1), Some(W(5))))),
                Err(PolicyError::BadCategory(bad.into())),
                "{bad:?}"
            );
            assert!(p.overrides.is_empty());
            p.overrides.push(Override::new(bad, lim(W(1), Some(W(5)))));
            assert_eq!(
                p.validate(),
                Err(PolicyError::BadCategory(bad.into())),
                "{bad:?}"
            );
        }
        let mut p = TimeLimitPolicy::default();
        let e = p
            .add_override(Override::new(CAT, lim(W(0), None)).for_kind(Kind::Praise))
            .unwrap_err();
        assert_eq!(
            e,
            PolicyError::Zero {
                what: "override for public_facilities.water (kind praise, urgency normal), respond"
                    .into()
            }
        );
        assert!(p.overrides.is_empty());
        p.overrides
            .push(Override::new(CAT, lim(H(800), None)).for_urgency(Urgency::Urgent));
        assert!(matches!(
            p.validate(),
            Err(PolicyError::TooLong { limit: H(800), .. })
        ));
    }
}
