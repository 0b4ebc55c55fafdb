//! The measures of a node (station, community, street, district) over a period.
//!
//! This module is the **reference implementation**: the store computes the same [`Counts`]
//! with SQL aggregates, and a test compares the two. Every count is therefore defined on the
//! fields of [`AppealFacts`] alone, as a predicate on one appeal; a set of appeals counts
//! the appeals for which the predicate holds. The set is "the appeals received in the period
//! in the node's subtree"; choosing it is the caller's job.
//!
//! Deadline comparisons use `now` as given (never the clock), with these boundaries:
//! - a response is *due* once `respond_by <= now` (the instant of the deadline counts as passed);
//! - a resolution is *due* and an appeal is *overdue* once the deadline `< now` (strictly
//!   after, as in [`Appeal::is_overdue`]);
//! - a response or resolution at exactly the deadline is *on time* (`<=`).
//!
//! Rates are ratios of counts; a rate whose denominator is zero is `None` (null), never 0 or 1.
//!
//! **Merged appeals and problems (问题).** Every appeal counts as received, merged or not. A
//! merge is the appeal's answer (`responded_at`: taken up with another appeal, as accepting
//! or rejecting it would be), so a merged appeal counts in the response rate like any other,
//! on time when merged by `respond_by` — before, one merged while registered stayed
//! unanswered and counted against the station forever. While merged it is not open: its
//! lead carries the clock, so only the lead can be overdue. A member of a problem that is
//! resolved with its lead (`problem::carry`, the `ResolveWithLead` event) is resolved at the
//! lead's instant against the lead's resolve deadline, so it counts resolved, and on time or
//! late exactly as the lead; its own follow-up counts for it in the resolution and
//! satisfaction rates. No predicate below knows of problems: the events leave the facts so.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::appeal::{Appeal, Satisfaction, Status};
use crate::error::FieldError;
use crate::msg;

/// What the measures need to know about one appeal: a projection of [`Appeal`]
/// (see the `From<&Appeal>` impl), so the store can select exactly these columns.
#[derive(Debug, Clone, PartialEq)]
pub struct AppealFacts {
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub respond_by: DateTime<Utc>,
    /// Accepted or rejected with reason, whichever came first: either answers the appellant.
    pub responded_at: Option<DateTime<Utc>>,
    /// When it was accepted (受理); `None` if it never was (still registered, rejected, or
    /// merged before acceptance).
    pub accepted_at: Option<DateTime<Utc>>,
    /// `None` when the kind has no resolve limit (praise).
    pub resolve_by: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub satisfaction: Option<Satisfaction>,
    pub solved: Option<bool>,
    pub reopen_count: u32,
    /// The clock is stopped (挂起): nothing of it is due or overdue until it resumes.
    pub suspended: bool,
    /// Marked as spam (无效诉求): the appeal is in no set a measure counts, not even 登记量 —
    /// junk that reached the door is not work the station was asked to do, and a unit must
    /// not be ranked down (or up) by it. Unmarked, it counts again exactly as before.
    pub spam: bool,
}

impl AppealFacts {
    /// The part of this appeal's [`Counts`] that does not depend on the clock: what roll-ups
    /// can keep. In it `response_due` counts "answered" (responded_at set) and `resolve_due`
    /// counts "resolved with a resolve_by"; `overdue_open` is always 0.
    ///
    /// Every predicate of [`Counts::add`] that mentions `now` is false at the beginning of
    /// time, so evaluating it then leaves exactly the settled part (and the two cannot drift).
    pub fn settled(&self) -> Counts {
        Counts::from_facts([self], DateTime::<Utc>::MIN_UTC)
    }

    /// The clock-dependent rest: `settled()` plus `pending(now)` is `Counts::add(self, now)`.
    /// Only `response_due`, `resolve_due` and `overdue_open` can be non-zero, and only for a
    /// [`AppealFacts::is_live`] appeal, so a store can compute this part over live appeals only.
    pub fn pending(&self, now: DateTime<Utc>) -> Counts {
        let all = Counts::from_facts([self], now);
        let settled = self.settled();
        Counts {
            response_due: all.response_due - settled.response_due,
            resolve_due: all.resolve_due - settled.resolve_due,
            overdue_open: all.overdue_open,
            ..Counts::default()
        }
    }

    /// The earliest instant from which `pending(now)` can be non-zero: the first of the
    /// deadlines the clock can still pass (respond_by while unanswered; resolve_by and the
    /// current deadline while open). `None` when no clock can move it. Before this instant
    /// the appeal adds nothing to the live part of the measures, so a store need read only
    /// the appeals whose `pending_from` has come.
    pub fn pending_from(&self) -> Option<DateTime<Utc>> {
        if self.spam {
            return None;
        }
        let open = self.status.is_open();
        let unanswered = self.responded_at.is_none().then_some(self.respond_by);
        // A suspended appeal's resolve clock stands: nothing of it is pending until resumed.
        let unresolved = self
            .resolve_by
            .filter(|_| open && !self.suspended && self.resolved_at.is_none());
        let current = self.current_deadline().filter(|_| open);
        [unanswered, unresolved, current]
            .into_iter()
            .flatten()
            .min()
    }

    /// The appeal can still change a clock-dependent measure: it is open, or was never
    /// answered (a merged appeal never answered becomes "response due" when respond_by passes).
    pub fn is_live(&self) -> bool {
        !self.spam && (self.status.is_open() || self.responded_at.is_none())
    }

    /// The deadline the handler is working against: `respond_by` while registered,
    /// `resolve_by` while accepted or in progress, none otherwise, while suspended or
    /// while marked as spam.
    pub fn current_deadline(&self) -> Option<DateTime<Utc>> {
        if self.suspended || self.spam {
            return None;
        }
        match self.status {
            Status::Registered => Some(self.respond_by),
            Status::Accepted | Status::InProgress => self.resolve_by,
            _ => None,
        }
    }

    /// A follow-up reached the appellant: 满意, 基本满意 or 不满意 (not 无法联系, not none yet).
    pub fn followed_up(&self) -> bool {
        matches!(
            self.satisfaction,
            Some(
                Satisfaction::Satisfied
                    | Satisfaction::BasicallySatisfied
                    | Satisfaction::Dissatisfied
            )
        )
    }
}

impl From<&Appeal> for AppealFacts {
    fn from(a: &Appeal) -> Self {
        AppealFacts {
            status: a.status,
            created_at: a.created_at,
            respond_by: a.respond_by,
            responded_at: a.responded_at,
            accepted_at: a.accepted_at,
            resolve_by: a.resolve_by,
            resolved_at: a.resolved_at,
            satisfaction: a.satisfaction,
            solved: a.solved,
            reopen_count: a.reopen_count,
            suspended: a.suspended_at.is_some(),
            spam: a.spam_at.is_some(),
        }
    }
}

/// Counts over a set of appeals. Each field counts the appeals for which its predicate holds;
/// the predicates are written in terms of [`AppealFacts`] and `now`. An appeal marked as
/// spam (`AppealFacts::spam`) is in no set: every predicate is false for it.
///
/// Every numerator is a subset of its denominator by construction (even for inconsistent
/// facts), so every rate lies in `[0, 1]`.
#[derive(Default, Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Every appeal in the set.
    pub received: u64,
    /// `accepted_at IS NOT NULL`.
    pub accepted: u64,
    /// `resolved_at IS NOT NULL` (whatever happened after: closed, or reopened).
    pub resolved: u64,
    /// `status = closed`.
    pub closed: u64,
    /// Open (`registered`, `accepted`, `in_progress`), not suspended, and its current
    /// deadline is before `now`:
    /// `respond_by < now` when registered, `resolve_by < now` when accepted or in progress
    /// (an open appeal with no `resolve_by` is never overdue once accepted).
    pub overdue_open: u64,
    /// Response-rate denominator: `respond_by <= now OR responded_at IS NOT NULL`.
    pub response_due: u64,
    /// Response-rate numerator: `responded_at IS NOT NULL AND responded_at <= respond_by`.
    pub responded_on_time: u64,
    /// On-time-rate denominator: `resolve_by IS NOT NULL AND (resolved_at IS NOT NULL OR
    /// (status open AND not suspended AND resolve_by < now))`: a suspended appeal's clock
    /// stands, so it is not yet due. Rejected and merged appeals that were never
    /// resolved are not due.
    pub resolve_due: u64,
    /// On-time-rate numerator: `resolve_by IS NOT NULL AND resolved_at IS NOT NULL AND
    /// resolved_at <= resolve_by`.
    pub resolved_on_time: u64,
    /// The follow-up reached the appellant: `satisfaction IN (satisfied, basically_satisfied,
    /// dissatisfied)`. Denominator of the resolution and satisfaction rates.
    pub followed_up: u64,
    /// `followed_up AND solved = true`. Resolution-rate numerator.
    pub solved: u64,
    /// `satisfaction IN (satisfied, basically_satisfied)`. Satisfaction-rate numerator.
    pub satisfied: u64,
    /// `reopen_count > 0`. Reopen-rate numerator.
    pub reopened: u64,
    /// `status = closed OR reopen_count > 0`: closed now, or closed at some point and reopened.
    /// Reopen-rate denominator.
    pub ever_closed: u64,
}

/// The rates of [`Counts`]; each is `None` when its denominator is zero.
#[derive(Default, Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    /// 响应率 = `responded_on_time / response_due`.
    pub response_rate: Option<f64>,
    /// 按期办结率 = `resolved_on_time / resolve_due`.
    pub on_time_rate: Option<f64>,
    /// 解决率 = `solved / followed_up`.
    pub resolution_rate: Option<f64>,
    /// 满意率 = `satisfied / followed_up` (满意 + 基本满意).
    pub satisfaction_rate: Option<f64>,
    /// 重办率 = `reopened / ever_closed`.
    pub reopen_rate: Option<f64>,
}

fn ratio(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

impl Counts {
    /// Counts one appeal, as of `now`.
    pub fn add(&mut self, f: &AppealFacts, now: DateTime<Utc>) {
        if f.spam {
            return;
        }
        let open = f.status.is_open();
        let followed_up = f.followed_up();
        let c = |b: bool| u64::from(b);

        self.received += 1;
        self.accepted += c(f.accepted_at.is_some());
        self.resolved += c(f.resolved_at.is_some());
        self.closed += c(f.status == Status::Closed);
        self.overdue_open += c(open && f.current_deadline().is_some_and(|d| d < now));
        self.response_due += c(f.respond_by <= now || f.responded_at.is_some());
        self.responded_on_time += c(f.responded_at.is_some_and(|r| r <= f.respond_by));
        self.resolve_due += c(f
            .resolve_by
            .is_some_and(|by| f.resolved_at.is_some() || (open && !f.suspended && by < now)));
        self.resolved_on_time += c(matches!(
            (f.resolved_at, f.resolve_by),
            (Some(at), Some(by)) if at <= by
        ));
        self.followed_up += c(followed_up);
        self.solved += c(followed_up && f.solved == Some(true));
        self.satisfied += c(f.satisfaction.is_some_and(Satisfaction::is_satisfied));
        self.reopened += c(f.reopen_count > 0);
        self.ever_closed += c(f.status == Status::Closed || f.reopen_count > 0);
    }

    /// Adds another set's counts (the sets must be disjoint): a subtree is the merge of its
    /// children and itself.
    pub fn merge(&mut self, other: &Counts) {
        self.received += other.received;
        self.accepted += other.accepted;
        self.resolved += other.resolved;
        self.closed += other.closed;
        self.overdue_open += other.overdue_open;
        self.response_due += other.response_due;
        self.responded_on_time += other.responded_on_time;
        self.resolve_due += other.resolve_due;
        self.resolved_on_time += other.resolved_on_time;
        self.followed_up += other.followed_up;
        self.solved += other.solved;
        self.satisfied += other.satisfied;
        self.reopened += other.reopened;
        self.ever_closed += other.ever_closed;
    }

    /// Folds a set of appeals as of `now`.
    pub fn from_facts<'a>(
        facts: impl IntoIterator<Item = &'a AppealFacts>,
        now: DateTime<Utc>,
    ) -> Counts {
        let mut counts = Counts::default();
        for f in facts {
            counts.add(f, now);
        }
        counts
    }

    pub fn rates(&self) -> Rates {
        Rates {
            response_rate: ratio(self.responded_on_time, self.response_due),
            on_time_rate: ratio(self.resolved_on_time, self.resolve_due),
            resolution_rate: ratio(self.solved, self.followed_up),
            satisfaction_rate: ratio(self.satisfied, self.followed_up),
            reopen_rate: ratio(self.reopened, self.ever_closed),
        }
    }
}

/// The district's scoring rule: the weights of the score (only their proportions matter; the
/// default is 30/35/35) and the smallest sample a unit is ranked on (see
/// [`crate::ranking`]; default 5, and 5 when a stored document predates it).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreWeights {
    pub response: f64,
    pub resolution: f64,
    pub satisfaction: f64,
    #[serde(default = "default_min_sample")]
    pub min_sample: u64,
}

fn default_min_sample() -> u64 {
    crate::ranking::DEFAULT_MIN_SAMPLE
}

impl Default for ScoreWeights {
    fn default() -> Self {
        ScoreWeights {
            response: 30.0,
            resolution: 35.0,
            satisfaction: 35.0,
            min_sample: default_min_sample(),
        }
    }
}

impl ScoreWeights {
    /// Each weight finite and non-negative, and not all zero.
    pub fn validate(&self) -> Result<(), FieldError> {
        for (field, w) in [
            ("weights.response", self.response),
            ("weights.resolution", self.resolution),
            ("weights.satisfaction", self.satisfaction),
        ] {
            if !w.is_finite() {
                return Err(FieldError::new(
                    field,
                    &msg!(
                        "weight_not_number",
                        "权重必须是有效数字",
                        "A weight is a number"
                    ),
                ));
            }
            if w < 0.0 {
                return Err(FieldError::new(
                    field,
                    &msg!(
                        "weight_negative",
                        "权重不能为负数",
                        "A weight cannot be negative"
                    ),
                ));
            }
        }
        if self.response + self.resolution + self.satisfaction <= 0.0 {
            return Err(FieldError::new(
                "weights",
                &msg!(
                    "weights_all_zero",
                    "权重不能全部为0",
                    "The weights cannot all be 0"
                ),
            ));
        }
        if self.min_sample > crate::ranking::MAX_MIN_SAMPLE {
            return Err(FieldError::new(
                "min_sample",
                &msg!(
                    "min_sample_too_large",
                    "最低样本数不能超过 {max}",
                    "The minimum sample is at most {max}"
                ),
            )
            .with("max", crate::ranking::MAX_MIN_SAMPLE));
        }
        Ok(())
    }
}

/// 100 × the weighted mean of the response, resolution and satisfaction rates that are not
/// null; a null rate drops out and the others are re-weighted. `None` when all three are null
/// (or when the weights of the non-null ones sum to zero). Assumes `w` passed
/// [`ScoreWeights::validate`].
pub fn score(rates: &Rates, w: &ScoreWeights) -> Option<f64> {
    let mut sum = 0.0;
    let mut weight = 0.0;
    for (rate, w) in [
        (rates.response_rate, w.response),
        (rates.resolution_rate, w.resolution),
        (rates.satisfaction_rate, w.satisfaction),
    ] {
        if let Some(r) = rate {
            sum += w * r;
            weight += w;
        }
    }
    (weight > 0.0).then(|| 100.0 * sum / weight)
}

#[cfg(test)]
mod tests;
