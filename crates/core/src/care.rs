//! Care (党内关爱): care levels, visit rules by care tag, when a visit falls due, holiday
//! visit windows, and whether a person was visited on time over a period.
//!
//! A station keeps a register of people needing care (people with care tags, or with a care
//! level) and visits them proactively (走访). How often is a rule per tag, editable per
//! station ([`default_rules`] until a station edits them):
//!
//! - **every N days** from the last visit: 独居老人 weekly (7), 困难党员 monthly (30),
//!   高龄 quarterly (90);
//! - **before a holiday**: a visit within the N days before 春节 or 七一 (default 14),
//!   the traditional 节日慰问.
//!
//! Everything here works on Shanghai civil dates; the caller turns instants into dates.

use chrono::{Datelike, NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};

pub use crate::error::Refusal;
use crate::error::{FieldError, CONTENT_TOO_LONG};
use crate::msg;
use crate::person::CareTag;
use crate::vocabulary;

vocabulary!(
    /// How closely a station looks after someone on its care register. 重点 people come
    /// first in every list (due visits, the register); the visit rules themselves follow
    /// the care tags, which say *why* someone needs care.
    CareLevel {
        Key = "key" / "重点关爱",
        Regular = "regular" / "一般关爱",
    }
);

vocabulary!(
    /// Holidays with a customary visit (节日慰问) before them.
    Holiday {
        SpringFestival = "spring_festival" / "春节",
        PartyDay = "july_first" / "七一",
    }
);

/// 春节 (the first day of the lunar year) for 2020–2035, from the Hong Kong Observatory's
/// Gregorian–Lunar Calendar Conversion Table (www.hko.gov.hk/en/gts/time/conversion.htm),
/// which agrees with the Purple Mountain Observatory's 《中国天文年历》. The lunar calendar
/// has no simple formula; extend the table when the district needs later years (a
/// holiday rule simply does not fire in a year missing here).
const SPRING_FESTIVAL: [(i32, u32, u32); 16] = [
    (2020, 1, 25),
    (2021, 2, 12),
    (2022, 2, 1),
    (2023, 1, 22),
    (2024, 2, 10),
    (2025, 1, 29),
    (2026, 2, 17),
    (2027, 2, 6),
    (2028, 1, 26),
    (2029, 2, 13),
    (2030, 2, 3),
    (2031, 1, 23),
    (2032, 2, 11),
    (2033, 1, 31),
    (2034, 2, 19),
    (2035, 2, 8),
];

impl Holiday {
    /// The holiday's date in `year`, when known (春节 only for the years of the table).
    pub fn date(self, year: i32) -> Option<NaiveDate> {
        match self {
            Holiday::SpringFestival => SPRING_FESTIVAL
                .iter()
                .find(|(y, _, _)| *y == year)
                .and_then(|(y, m, d)| NaiveDate::from_ymd_opt(*y, *m, *d)),
            Holiday::PartyDay => NaiveDate::from_ymd_opt(year, 7, 1),
        }
    }

    /// The first occurrence on or after `day`.
    pub fn next_on_or_after(self, day: NaiveDate) -> Option<NaiveDate> {
        [day.year(), day.year() + 1]
            .into_iter()
            .filter_map(|y| self.date(y))
            .find(|d| *d >= day)
    }
}

/// Tags that tell of health or family means (残疾, 大病重病, 低保): with the care note, the
/// details shown only to roles that may see them (`Capability::SeeCareDetails`).
pub fn is_sensitive(tag: CareTag) -> bool {
    matches!(
        tag,
        CareTag::Disabled | CareTag::SeriousIllness | CareTag::SubsistenceAllowance
    )
}

/// How often a rule wants a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cadence {
    /// At most `days` days after the last visit.
    Every { days: u32 },
    /// Within the `days` days before the holiday (the holiday itself not included).
    BeforeHoliday { holiday: Holiday, days: u32 },
}

/// One visit rule: people with `tag` are visited at `cadence`.
/// JSON: `{"tag":"living_alone","kind":"every","days":7}` or
/// `{"tag":"needy_member","kind":"before_holiday","holiday":"spring_festival","days":14}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitRule {
    pub tag: CareTag,
    #[serde(flatten)]
    pub cadence: Cadence,
}

impl VisitRule {
    /// What the rule says, in Chinese: 「独居老人 每7天」, 「困难党员 春节前14天内」.
    pub fn label_zh(&self) -> String {
        match self.cadence {
            Cadence::Every { days } => format!("{} 每{}天", self.tag.label_zh(), days),
            Cadence::BeforeHoliday { holiday, days } => {
                format!(
                    "{} {}前{}天内",
                    self.tag.label_zh(),
                    holiday.label_zh(),
                    days
                )
            }
        }
    }
}

/// Default days of a holiday visit window.
pub const HOLIDAY_WINDOW_DAYS: u32 = 14;
/// Longest interval a rule may set (a year and a day).
pub const MAX_INTERVAL_DAYS: u32 = 366;
/// Longest holiday window.
pub const MAX_HOLIDAY_WINDOW_DAYS: u32 = 60;

/// The rules a station starts with: DOMAIN.md's plan (独居老人 weekly, 困难党员 monthly,
/// 高龄 quarterly) and the customary holiday visits — before 春节 to those living in
/// hardship or alone, before 七一 to old and needy party members.
pub fn default_rules() -> Vec<VisitRule> {
    let every = |tag, days| VisitRule {
        tag,
        cadence: Cadence::Every { days },
    };
    let before = |tag, holiday| VisitRule {
        tag,
        cadence: Cadence::BeforeHoliday {
            holiday,
            days: HOLIDAY_WINDOW_DAYS,
        },
    };
    use CareTag::*;
    use Holiday::*;
    vec![
        every(LivingAlone, 7),
        every(NeedyMember, 30),
        every(Aged80Plus, 90),
        before(LivingAlone, SpringFestival),
        before(ChildlessElderly, SpringFestival),
        before(Aged80Plus, SpringFestival),
        before(NeedyMember, SpringFestival),
        before(NeedyResident, SpringFestival),
        before(ElderlyMember, PartyDay),
        before(NeedyMember, PartyDay),
    ]
}

/// Checks a rule set as a station edits it: sensible day counts, no rule twice. Fields are
/// named `rules[i].days` / `rules[i]`.
pub fn validate_rules(rules: &[VisitRule]) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let (days, max) = match r.cadence {
            Cadence::Every { days } => (days, MAX_INTERVAL_DAYS),
            Cadence::BeforeHoliday { days, .. } => (days, MAX_HOLIDAY_WINDOW_DAYS),
        };
        if days == 0 || days > max {
            errors.push(
                FieldError::new(
                    format!("rules[{i}].days"),
                    &msg!(
                        "rule_days_range",
                        "天数应在 1 到 {max} 之间",
                        "Days are 1 to {max}"
                    ),
                )
                .with("max", max),
            );
        }
        let same_kind = |o: &VisitRule| {
            o.tag == r.tag
                && match (o.cadence, r.cadence) {
                    (Cadence::Every { .. }, Cadence::Every { .. }) => true,
                    (
                        Cadence::BeforeHoliday { holiday: a, .. },
                        Cadence::BeforeHoliday { holiday: b, .. },
                    ) => a == b,
                    _ => false,
                }
        };
        if rules[..i].iter().any(same_kind) {
            errors.push(
                FieldError::new(
                    format!("rules[{i}]"),
                    &msg!(
                        "rule_twice",
                        "「{tag}」的规则重复了",
                        "The rule for {tag} is given twice"
                    ),
                )
                .with("tag", r.tag.code()),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

vocabulary!(
    /// Where a person stands with their next visit.
    DueStatus {
        Overdue = "overdue" / "已逾期",
        Due = "due" / "应走访",
        Upcoming = "upcoming" / "未到期",
    }
);

/// A person's next visit: the most pressing rule that applies to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NextVisit {
    pub rule: VisitRule,
    /// The last day the rule is met on; `None` when never visited under an interval rule
    /// (overdue from the start: someone in care has never been seen).
    pub due_on: Option<NaiveDate>,
    pub status: DueStatus,
}

/// How many days before an interval's end a visit becomes due: the last seventh of it
/// (1 day of a week, 4 of a month, 12 of a quarter), so a worker sees it in time to plan.
pub fn lead_days(interval_days: u32) -> u32 {
    interval_days / 7
}

fn add_days(d: NaiveDate, days: u32) -> NaiveDate {
    d.checked_add_signed(TimeDelta::days(i64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

fn sub_days(d: NaiveDate, days: u32) -> NaiveDate {
    d.checked_sub_signed(TimeDelta::days(i64::from(days)))
        .unwrap_or(NaiveDate::MIN)
}

/// Where one rule stands for a person last visited on `last_visit`, as of `today`; `None`
/// when the rule has nothing to say (a holiday beyond the table).
pub fn rule_status(
    rule: &VisitRule,
    last_visit: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NextVisit> {
    match rule.cadence {
        Cadence::Every { days } => {
            let Some(last) = last_visit else {
                return Some(NextVisit {
                    rule: *rule,
                    due_on: None,
                    status: DueStatus::Overdue,
                });
            };
            let due_on = add_days(last, days);
            let status = if today > due_on {
                DueStatus::Overdue
            } else if today >= sub_days(due_on, lead_days(days)) {
                DueStatus::Due
            } else {
                DueStatus::Upcoming
            };
            Some(NextVisit {
                rule: *rule,
                due_on: Some(due_on),
                status,
            })
        }
        Cadence::BeforeHoliday { holiday, days } => {
            // The next holiday whose window is not yet over (today before the holiday).
            let next = holiday.next_on_or_after(add_days(today, 1))?;
            let opens = sub_days(next, days);
            let visited_in_window = last_visit.is_some_and(|v| v >= opens && v < next);
            if visited_in_window {
                // This year's holiday visit is done; the next one is a year away.
                let after = holiday.next_on_or_after(add_days(next, 1))?;
                return Some(NextVisit {
                    rule: *rule,
                    due_on: Some(sub_days(after, 1)),
                    status: DueStatus::Upcoming,
                });
            }
            let status = if today >= opens {
                DueStatus::Due
            } else {
                DueStatus::Upcoming
            };
            Some(NextVisit {
                rule: *rule,
                due_on: Some(sub_days(next, 1)),
                status,
            })
        }
    }
}

/// Overdue before due before upcoming; within each, the earliest date first (never
/// visited first of all).
fn pressing_order(v: &NextVisit) -> (u8, Option<NaiveDate>) {
    let rank = match v.status {
        DueStatus::Overdue => 0,
        DueStatus::Due => 1,
        DueStatus::Upcoming => 2,
    };
    (rank, v.due_on)
}

/// The next visit of a person with `tags`, by the station's `rules`: the most pressing of
/// the rules for their tags; `None` when no rule applies to them.
pub fn next_visit(
    tags: &[CareTag],
    rules: &[VisitRule],
    last_visit: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NextVisit> {
    rules
        .iter()
        .filter(|r| tags.contains(&r.tag))
        .filter_map(|r| rule_status(r, last_visit, today))
        .min_by_key(pressing_order)
}

/// The strictest interval (fewest days) the rules set for someone with `tags`.
pub fn strictest_interval(tags: &[CareTag], rules: &[VisitRule]) -> Option<u32> {
    rules
        .iter()
        .filter(|r| tags.contains(&r.tag))
        .filter_map(|r| match r.cadence {
            Cadence::Every { days } => Some(days),
            Cadence::BeforeHoliday { .. } => None,
        })
        .min()
}

/// Whether someone with a visit every `interval_days` was visited on time over the period
/// `from..=to`: no stretch of the period went longer than the interval without a visit,
/// counting from the last visit before the period (`before`). Someone never visited before
/// the period was already overdue when it began (as the due list says: in care and never
/// seen), so only a visit on its first day keeps them on time. `visits` are the visit dates
/// inside the period, in any order. A period ending in the future should be cut at today by
/// the caller.
pub fn visited_on_time(
    interval_days: u32,
    before: Option<NaiveDate>,
    visits: &[NaiveDate],
    from: NaiveDate,
    to: NaiveDate,
) -> bool {
    let mut inside: Vec<NaiveDate> = visits
        .iter()
        .copied()
        .filter(|d| *d >= from && *d <= to)
        .collect();
    inside.sort_unstable();
    let overdue_at_start = from - chrono::Days::new(u64::from(interval_days));
    let mut cursor = before.filter(|b| *b < from).unwrap_or(overdue_at_start);
    for v in inside.into_iter().chain(std::iter::once(to)) {
        if (v - cursor).num_days() > i64::from(interval_days) {
            return false;
        }
        cursor = v;
    }
    true
}

/// A coverage figure: how many of `total` were visited (on time), and the rate, `None`
/// when there is no one to count (a rate with nothing in its denominator is null).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coverage {
    pub total: i64,
    pub visited: i64,
    pub rate: Option<f64>,
}

impl Coverage {
    pub fn new(total: i64, visited: i64) -> Coverage {
        Coverage {
            total,
            visited,
            rate: (total > 0).then(|| visited as f64 / total as f64),
        }
    }
}

/// What ends the building part of an address as the register writes it: 3号楼, 5栋, 2幢,
/// A座, 45号 (a house number on a lane: 123弄45号).
const BUILDING_MARKS: [&str; 5] = ["号楼", "栋", "幢", "座", "号"];

/// The building of an address, as written on the register: everything up to and including
/// the first number followed by a building mark (`佛字桥小区3号楼201室` → `佛字桥小区3号楼`;
/// `人民北路123弄45号` → `人民北路123弄45号`). A team's block of households is such a
/// prefix: it matches every address that starts with it, so the blocks a team is given are
/// picked from the buildings on the register rather than typed from memory (`3号楼` alone
/// would match no address). `None` when the address names no building.
pub fn building_of(address: &str) -> Option<String> {
    let address = address.trim();
    let mut after_digit = false;
    for (i, c) in address.char_indices() {
        if after_digit {
            if let Some(mark) = BUILDING_MARKS.iter().find(|m| address[i..].starts_with(*m)) {
                return Some(address[..i + mark.len()].to_string());
            }
        }
        after_digit = c.is_ascii_digit() || ('０'..='９').contains(&c) || c.is_ascii_uppercase();
    }
    None
}

/// The buildings of the register's addresses, each once, in order.
pub fn buildings<'a>(addresses: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut found: Vec<String> = addresses.into_iter().filter_map(building_of).collect();
    found.sort();
    found.dedup();
    found
}

/// Whether a block's address prefix matches at least one address on the register (as the
/// store matches it: the address starts with the prefix).
pub fn block_matches<'a>(prefix: &str, addresses: impl IntoIterator<Item = &'a str>) -> bool {
    let prefix = prefix.trim();
    !prefix.is_empty() && addresses.into_iter().any(|a| a.trim().starts_with(prefix))
}

/// The visit rules in force at the node of `path`: those of its nearest ancestor (or
/// itself) that set any (`set`: each node's path and own rules, in any order), with that
/// node's path; `None` when none did (the defaults apply). A street may set them for its
/// stations.
pub fn rules_in_force<'a>(
    path: &str,
    set: &'a [(String, Vec<VisitRule>)],
) -> Option<(&'a str, &'a [VisitRule])> {
    set.iter()
        .filter(|(p, _)| crate::org::in_subtree(p, path))
        .max_by_key(|(p, _)| p.len())
        .map(|(p, r)| (p.as_str(), r.as_slice()))
}

/// The order of a due list: overdue, then due, then upcoming; within each, 重点关爱 first,
/// then the earliest date (never visited first of all).
pub fn due_order(next: &NextVisit, level: Option<CareLevel>) -> (u8, bool, Option<NaiveDate>) {
    let (rank, due_on) = pressing_order(next);
    (rank, level != Some(CareLevel::Key), due_on)
}

/// The household a person belongs to, as a team's coverage counts them: the people of one
/// node sharing an address (as written, trimmed); someone without an address is one alone.
pub fn household(
    org_unit_id: crate::Id,
    address: Option<&str>,
    person_id: crate::Id,
) -> (crate::Id, String) {
    let address = address.map(str::trim).filter(|a| !a.is_empty());
    (
        org_unit_id,
        address.map_or_else(|| format!("#{person_id}"), str::to_string),
    )
}

/// Longest care note.
pub const MAX_CARE_NOTE_CHARS: usize = 1000;

/// Whether someone is on the care register: a care tag (why they need care), or a care
/// level set by hand.
pub fn in_care(tags: &[CareTag], level: Option<CareLevel>) -> bool {
    !tags.is_empty() || level.is_some()
}

/// A care note as it is kept (trimmed; an empty one is none), or why not.
pub fn care_note(note: Option<&str>) -> Result<Option<String>, FieldError> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    match note.map(|n| n.chars().count()) {
        Some(n) if n > MAX_CARE_NOTE_CHARS => Err(FieldError::new("note", &CONTENT_TOO_LONG)
            .with("n", n)
            .with("max", MAX_CARE_NOTE_CHARS)),
        _ => Ok(note.map(str::to_string)),
    }
}

pub mod pairing;
pub mod team;
pub mod visit;

#[cfg(test)]
mod tests;
