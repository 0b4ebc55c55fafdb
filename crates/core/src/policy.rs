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
mod tests;
