//! The aid fund (助困基金): what a ledger entry is, which level must approve a grant, when a
//! reversal is valid, the public monthly totals, and amounts in Chinese capitals (大写) for
//! the grant voucher. Pure rules; the store applies them inside its write transaction.
//! What a command does to a ledger (post, approve, reject) is `decide` → events → `apply`,
//! in `decide.rs`.
//!
//! A ledger belongs to a node of level district, street or community (the station). Money
//! is integer cents. Entries are never edited: a mistake is corrected by a reversal, which
//! posts the opposite amount once.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::org::OrgKind;
use crate::report::Month;
use crate::vocabulary;

mod decide;
#[cfg(test)]
mod decide_tests;

pub use decide::{
    apply, check, decide, reversal_delta, Account, Command, Context, Event, Line, NewEntry,
    Refusal, State, Target,
};

vocabulary!(
    /// What an entry does to a ledger.
    EntryKind {
        Donation = "donation" / "捐赠收入",
        Grant = "grant" / "助困发放",
        Transfer = "transfer" / "资金划拨",
        Reversal = "reversal" / "冲正",
    }
);

vocabulary!(
    /// Where an entry stands. Only posted entries move money.
    EntryStatus {
        Posted = "posted" / "已入账",
        Pending = "pending" / "待审批",
        Rejected = "rejected" / "已驳回",
    }
);

/// The largest single amount (¥100,000,000): far above any aid, and keeps the capitals
/// below 亿亿.
pub const MAX_AMOUNT_CENTS: i64 = 10_000_000_000;

/// Longest note on an entry, and longest rejection reason.
pub const MAX_NOTE_CHARS: usize = 500;

/// How large a grant each level may approve (the district approves above the street's
/// limit). Configurable per district (`PUT /api/v1/settings/fund-approval`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalThresholds {
    /// A station (community) approves grants up to this many cents (default ¥1,000).
    pub station_max_cents: i64,
    /// A street approves grants up to this many cents (default ¥10,000).
    pub street_max_cents: i64,
}

impl Default for ApprovalThresholds {
    fn default() -> Self {
        ApprovalThresholds {
            station_max_cents: 100_000,
            street_max_cents: 1_000_000,
        }
    }
}

impl ApprovalThresholds {
    pub fn validate(&self) -> Result<(), FieldError> {
        if !(0..=MAX_AMOUNT_CENTS).contains(&self.station_max_cents) {
            return Err(FieldError::new(
                "station_max_cents",
                &crate::msg!(
                    "station_limit_range",
                    "站点审批限额应为 0 至 1 亿元（以分计）",
                    "The station approval limit is 0 to 100 million yuan (in fen)"
                ),
            ));
        }
        if !(self.station_max_cents..=MAX_AMOUNT_CENTS).contains(&self.street_max_cents) {
            return Err(FieldError::new(
                "street_max_cents",
                &crate::msg!("street_limit_range", "街道审批限额不能低于站点限额，也不能超过 1 亿元", "The street approval limit is at least the station limit and at most 100 million yuan"),
            ));
        }
        Ok(())
    }
}

/// Higher levels have lower ranks (the district is 0).
fn rank(kind: OrgKind) -> u8 {
    match kind {
        OrgKind::District => 0,
        OrgKind::Street => 1,
        OrgKind::Community => 2,
        OrgKind::Grid => 3,
    }
}

/// The approving level as a voucher names it (a community's level is its station).
pub fn level_label(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::District => "区级",
        OrgKind::Street => "街道/镇",
        OrgKind::Community | OrgKind::Grid => "站点（居民区/村）",
    }
}

/// Whether a node of this kind keeps a fund ledger (grids do not: their station does).
pub fn keeps_ledger(kind: OrgKind) -> bool {
    kind != OrgKind::Grid
}

/// The level that must approve an entry of `kind` and `amount_cents` on a ledger of level
/// `ledger`: a grant needs the level its amount calls for, and never less than the
/// ledger's own; donations, transfers and reversals need only the ledger's keeper.
pub fn approval_level(
    kind: EntryKind,
    amount_cents: i64,
    ledger: OrgKind,
    t: &ApprovalThresholds,
) -> OrgKind {
    if kind != EntryKind::Grant {
        return ledger;
    }
    let by_amount = if amount_cents <= t.station_max_cents {
        OrgKind::Community
    } else if amount_cents <= t.street_max_cents {
        OrgKind::Street
    } else {
        OrgKind::District
    };
    if rank(by_amount) < rank(ledger) {
        by_amount
    } else {
        ledger
    }
}

/// Whether money may move between two ledgers, each given as (node, parent): only between
/// a node and its parent (station ↔ street ↔ district).
pub fn adjacent(a: (crate::Id, Option<crate::Id>), b: (crate::Id, Option<crate::Id>)) -> bool {
    a.1 == Some(b.0) || b.1 == Some(a.0)
}

/// Whether a user working at a node of kind `actor` is at (or above) the `required` level.
/// Whether the ledger lies in the user's subtree is asked separately.
pub fn level_suffices(actor: OrgKind, required: OrgKind) -> bool {
    rank(actor) <= rank(required)
}

/// Checks an amount as typed (cents).
pub fn check_amount(amount_cents: i64) -> Result<(), FieldError> {
    if amount_cents <= 0 {
        return Err(FieldError::new(
            "amount_cents",
            &crate::msg!(
                "amount_not_positive",
                "金额应大于 0",
                "The amount must be more than 0"
            ),
        ));
    }
    if amount_cents > MAX_AMOUNT_CENTS {
        return Err(FieldError::new(
            "amount_cents",
            &crate::msg!(
                "amount_too_large",
                "单笔金额不能超过 1 亿元",
                "One entry is at most 100 million yuan"
            ),
        ));
    }
    Ok(())
}

/// The signed effect on the ledger's balance of a new entry (not a reversal or a
/// transfer's incoming leg).
pub fn delta(kind: EntryKind, amount_cents: i64) -> i64 {
    match kind {
        EntryKind::Donation => amount_cents,
        EntryKind::Grant | EntryKind::Transfer | EntryKind::Reversal => -amount_cents,
    }
}

/// One posted line of a ledger, as the public totals need it (no names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicLine {
    pub month: Month,
    pub kind: EntryKind,
    /// For a reversal: the kind of the entry it reverses.
    pub reversed_kind: Option<EntryKind>,
    pub amount_cents: i64,
    pub delta_cents: i64,
}

/// A month of a ledger as the public board shows it (党务公开): totals, never names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthTotals {
    pub month: Month,
    /// Donations received, less donations reversed.
    pub donations_cents: i64,
    /// Aid granted, less grants reversed.
    pub grants_cents: i64,
    /// Grants made, less grants reversed.
    pub grants: i64,
    pub transfers_in_cents: i64,
    pub transfers_out_cents: i64,
}

impl MonthTotals {
    /// A month in which nothing moved.
    pub fn nothing(month: Month) -> MonthTotals {
        MonthTotals {
            month,
            donations_cents: 0,
            grants_cents: 0,
            grants: 0,
            transfers_in_cents: 0,
            transfers_out_cents: 0,
        }
    }
}

/// The monthly totals of `lines`, oldest month first. A reversal counts against the kind
/// it reverses, in the month it was posted.
pub fn monthly_totals(lines: &[PublicLine]) -> Vec<MonthTotals> {
    let mut months: std::collections::BTreeMap<Month, MonthTotals> = Default::default();
    for l in lines {
        let m = months
            .entry(l.month)
            .or_insert_with(|| MonthTotals::nothing(l.month));
        match (l.kind, l.reversed_kind) {
            (EntryKind::Donation, _) => m.donations_cents += l.amount_cents,
            (EntryKind::Grant, _) => {
                m.grants_cents += l.amount_cents;
                m.grants += 1;
            }
            (EntryKind::Transfer, _) if l.delta_cents > 0 => m.transfers_in_cents += l.amount_cents,
            (EntryKind::Transfer, _) => m.transfers_out_cents += l.amount_cents,
            (EntryKind::Reversal, Some(EntryKind::Donation)) => m.donations_cents -= l.amount_cents,
            (EntryKind::Reversal, Some(EntryKind::Grant)) => {
                m.grants_cents -= l.amount_cents;
                m.grants -= 1;
            }
            // Transfers and reversals are never reversed (see `reversal_delta`).
            (EntryKind::Reversal, _) => {}
        }
    }
    months.into_values().collect()
}

/// `¥1,234.50`.
pub fn yuan(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    let whole = (c / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}¥{grouped}.{:02}", c % 100)
}

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/// An amount in Chinese capital numerals as vouchers and cheques write it:
/// 1005.00 → 壹仟零伍元整, 100050.30 → 壹拾万零伍拾元叁角整, 0.05 → 伍分.
pub fn capitals(cents: i64) -> String {
    let sign = if cents < 0 { "负" } else { "" };
    let c = cents.unsigned_abs();
    let (yuan, jiao, fen) = (c / 100, (c / 10) % 10, c % 10);
    if c == 0 {
        return "零元整".into();
    }
    let mut out = String::from(sign);
    if yuan > 0 {
        out.push_str(&integer_capitals(yuan));
        out.push('元');
    }
    match (jiao, fen) {
        (0, 0) => out.push('整'),
        (j, 0) => {
            out.push(DIGITS[j as usize]);
            out.push_str("角整");
        }
        (0, f) => {
            if yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[f as usize]);
            out.push('分');
        }
        (j, f) => {
            out.push(DIGITS[j as usize]);
            out.push('角');
            out.push(DIGITS[f as usize]);
            out.push('分');
        }
    }
    out
}

/// A positive whole number in capitals, in groups of four digits (万, 亿); a run of zeros
/// reads as one 零, and none at the end of a group or the number.
fn integer_capitals(n: u64) -> String {
    let digits: Vec<u8> = n.to_string().bytes().map(|b| b - b'0').collect();
    let len = digits.len();
    let mut out = String::new();
    let mut zero_pending = false;
    let mut group_has_digit = false;
    for (i, d) in digits.iter().enumerate() {
        let pos = len - 1 - i;
        if *d == 0 {
            zero_pending = true;
        } else {
            if zero_pending && !out.is_empty() {
                out.push('零');
            }
            zero_pending = false;
            group_has_digit = true;
            out.push(DIGITS[*d as usize]);
            out.push_str(["", "拾", "佰", "仟"][pos % 4]);
        }
        if pos.is_multiple_of(4) && pos > 0 {
            // A group that ends in zeros before its unit needs no 零 ("贰拾万叁仟"); an
            // empty group's zeros run on into the next ("壹亿零壹").
            if group_has_digit {
                out.push_str(["", "万", "亿", "万"][(pos / 4) % 4]);
                zero_pending = false;
            }
            group_has_digit = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_pick_the_approving_level() {
        let t = ApprovalThresholds::default();
        let grant = |cents, ledger| approval_level(EntryKind::Grant, cents, ledger, &t);
        assert_eq!(grant(100_000, OrgKind::Community), OrgKind::Community);
        assert_eq!(grant(100_001, OrgKind::Community), OrgKind::Street);
        assert_eq!(grant(500_000, OrgKind::Community), OrgKind::Street);
        assert_eq!(grant(1_000_000, OrgKind::Community), OrgKind::Street);
        assert_eq!(grant(2_000_000, OrgKind::Community), OrgKind::District);
        // A street's own small grant is still the street's to approve.
        assert_eq!(grant(50_000, OrgKind::Street), OrgKind::Street);
        assert_eq!(grant(50_000, OrgKind::District), OrgKind::District);
        // Money in and corrections need only the ledger's keeper.
        assert_eq!(
            approval_level(EntryKind::Donation, 9_000_000, OrgKind::Community, &t),
            OrgKind::Community
        );
        assert!(level_suffices(OrgKind::Street, OrgKind::Community));
        assert!(level_suffices(OrgKind::Street, OrgKind::Street));
        assert!(!level_suffices(OrgKind::Community, OrgKind::Street));
        assert!(!level_suffices(OrgKind::Street, OrgKind::District));
        assert!(level_suffices(OrgKind::District, OrgKind::District));
        assert!(!keeps_ledger(OrgKind::Grid));
    }

    #[test]
    fn configured_thresholds_are_checked() {
        let custom = ApprovalThresholds {
            station_max_cents: 50_000,
            street_max_cents: 200_000,
        };
        assert!(custom.validate().is_ok());
        assert_eq!(
            approval_level(EntryKind::Grant, 60_000, OrgKind::Community, &custom),
            OrgKind::Street
        );
        let inverted = ApprovalThresholds {
            station_max_cents: 300_000,
            street_max_cents: 200_000,
        };
        assert_eq!(inverted.validate().unwrap_err().field, "street_max_cents");
        let negative = ApprovalThresholds {
            station_max_cents: -1,
            ..custom
        };
        assert_eq!(negative.validate().unwrap_err().field, "station_max_cents");
    }

    #[test]
    fn amounts_and_deltas() {
        assert!(check_amount(0).is_err());
        assert!(check_amount(-5).is_err());
        assert!(check_amount(1).is_ok());
        assert!(check_amount(MAX_AMOUNT_CENTS + 1).is_err());
        assert_eq!(delta(EntryKind::Donation, 500), 500);
        assert_eq!(delta(EntryKind::Grant, 500), -500);
        assert_eq!(delta(EntryKind::Transfer, 500), -500);
    }

    #[test]
    fn monthly_totals_net_out_reversals_and_keep_no_names() {
        let nov = Month::parse("2026-11").unwrap();
        let dec = Month::parse("2026-12").unwrap();
        let line = |month, kind, reversed_kind, amount_cents, delta_cents| PublicLine {
            month,
            kind,
            reversed_kind,
            amount_cents,
            delta_cents,
        };
        let totals = monthly_totals(&[
            line(dec, EntryKind::Donation, None, 100_000, 100_000),
            line(nov, EntryKind::Donation, None, 500_000, 500_000),
            line(nov, EntryKind::Grant, None, 30_000, -30_000),
            line(nov, EntryKind::Grant, None, 20_000, -20_000),
            line(
                nov,
                EntryKind::Reversal,
                Some(EntryKind::Grant),
                20_000,
                20_000,
            ),
            line(nov, EntryKind::Transfer, None, 40_000, 40_000),
            line(dec, EntryKind::Transfer, None, 10_000, -10_000),
            line(
                dec,
                EntryKind::Reversal,
                Some(EntryKind::Donation),
                100_000,
                -100_000,
            ),
        ]);
        assert_eq!(totals.len(), 2);
        assert_eq!(totals[0].month, nov);
        assert_eq!(
            (
                totals[0].donations_cents,
                totals[0].grants_cents,
                totals[0].grants,
                totals[0].transfers_in_cents
            ),
            (500_000, 30_000, 1, 40_000)
        );
        assert_eq!(
            (totals[1].donations_cents, totals[1].transfers_out_cents),
            (0, 10_000)
        );
    }

    #[test]
    fn capitals_read_as_on_a_voucher() {
        for (cents, text) in [
            (0, "零元整"),
            (5, "伍分"),
            (50, "伍角整"),
            (105, "壹元零伍分"),
            (150, "壹元伍角整"),
            (155, "壹元伍角伍分"),
            (1_000, "壹拾元整"),
            (100_000, "壹仟元整"),
            (100_500, "壹仟零伍元整"),
            (123_456, "壹仟贰佰叁拾肆元伍角陆分"),
            (500_000, "伍仟元整"),
            (1_000_000, "壹万元整"),
            (1_005_000, "壹万零伍拾元整"),
            (10_005_030, "壹拾万零伍拾元叁角整"),
            (2_000_000_000, "贰仟万元整"),
            (10_000_000_100, "壹亿零壹元整"),
            (1_020_304_000, "壹仟零贰拾万叁仟零肆拾元整"),
        ] {
            assert_eq!(capitals(cents), text, "{cents}");
        }
        assert_eq!(yuan(123_456_789), "¥1,234,567.89");
        assert_eq!(yuan(5), "¥0.05");
        assert_eq!(yuan(-100_000), "-¥1,000.00");
    }
}
