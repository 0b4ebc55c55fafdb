//! Who is ranked, and how: the small-sample rule and competition ranking on exact scores.
//!
//! **The rule** (the one sentence the pages and the README repeat): a unit is ranked only when
//! at least the district's minimum number of its appeals came due for a response in the
//! period ([`sample`]); units below it are listed after the ranked ones as 样本不足 with their
//! count, and equal scores share a rank (1, 2, 2, 4).
//!
//! Small samples are not shrunk toward the district's rate: a unit with two appeals is not
//! "probably average", it is simply not yet judged, and saying so is easier to explain to the
//! unit than an adjusted score.

use std::cmp::Ordering;

use crate::measures::{score, Counts, ScoreWeights};

/// The district's minimum sample when it has not set one.
pub const DEFAULT_MIN_SAMPLE: u64 = 5;
/// The largest minimum a district may set (a month of a big street's appeals).
pub const MAX_MIN_SAMPLE: u64 = 10_000;

/// The sample a unit is judged on: the appeals received in the period whose response came
/// due (`respond_by` passed) or was given, i.e. [`Counts::response_due`].
///
/// Why this count: it is the denominator of the response rate, the broadest of the score's
/// three rates, so every appeal in it has already contributed to the score. `received` would
/// count appeals of which nothing is due yet (the very early-month case that lets a unit tie
/// at 100 with nothing done), and the follow-up count would leave almost every unit unjudged
/// until late in the month.
pub fn sample(c: &Counts) -> u64 {
    c.response_due
}

/// How a scoreboard shows a unit it does not rank: 样本不足 with the count.
pub fn unjudged_zh(sample: u64) -> String {
    format!("样本不足（{sample}件）")
}

/// [`unjudged_zh`] in English.
pub fn unjudged_en(sample: u64) -> String {
    format!("Too few to judge ({sample})")
}

/// A unit's place on a scoreboard.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// 100 × the weighted mean of the rates ([`score`]), for display.
    pub score: Option<f64>,
    /// [`sample`]
    pub sample: u64,
    /// Its sample reached the district's minimum and it has a score.
    pub judged: bool,
    /// Competition rank among the judged units; `None` when not judged.
    pub rank: Option<u32>,
}

impl Standing {
    /// The order of a scoreboard: judged units by rank, then the unjudged ones (callers break
    /// the remaining ties by name).
    pub fn order_key(&self) -> (bool, u32) {
        (self.rank.is_none(), self.rank.unwrap_or(u32::MAX))
    }
}

/// The standings of sibling units from their counts, under the district's weights and
/// minimum sample (`w.min_sample`). Parallel to `units`.
pub fn standings(units: &[Counts], w: &ScoreWeights) -> Vec<Standing> {
    let exact: Vec<Option<ExactScore>> = units
        .iter()
        .map(|c| {
            (sample(c) >= w.min_sample)
                .then(|| ExactScore::of(c, w))
                .flatten()
        })
        .collect();
    let ranks = competition_ranks(&exact);
    units
        .iter()
        .zip(ranks)
        .map(|(c, rank)| Standing {
            score: score(&c.rates(), w),
            sample: sample(c),
            judged: rank.is_some(),
            rank,
        })
        .collect()
}

/// Last period's rank minus this one's (positive: moved up), only between judged ranks.
pub fn rank_changes(this: &[Standing], last: &[Standing]) -> Vec<Option<i64>> {
    this.iter()
        .enumerate()
        .map(|(i, s)| match (s.rank, last.get(i).and_then(|l| l.rank)) {
            (Some(now), Some(before)) => Some(i64::from(before) - i64::from(now)),
            _ => None,
        })
        .collect()
}

/// Competition ranking ("1224"), highest first: a rank is one more than the number of
/// strictly greater keys. `None` keys are not ranked.
pub fn competition_ranks<K: Ord>(keys: &[Option<K>]) -> Vec<Option<u32>> {
    let mut sorted: Vec<&K> = keys.iter().flatten().collect();
    sorted.sort_by(|a, b| b.cmp(a));
    keys.iter()
        .map(|k| {
            k.as_ref().map(|k| {
                let higher = sorted.partition_point(|y| *y > k);
                u32::try_from(higher + 1).unwrap_or(u32::MAX)
            })
        })
        .collect()
}

/// A score as an exact fraction (score / 100 = `num / den`), so that two mathematically
/// equal scores compare equal whatever order floating point would have added them in.
///
/// The weights are taken as integers with the largest at 1,000,000 (only their proportions
/// matter, and no district sets them to seven significant digits); a positive weight never
/// rounds to zero.
#[derive(Debug, Clone, Copy)]
pub struct ExactScore {
    num: u128,
    den: u128,
}

/// The scale of the largest weight in [`ExactScore`].
const WEIGHT_SCALE: f64 = 1_000_000.0;

impl ExactScore {
    /// `None` exactly when [`score`] is `None` for a validated `w`: no weighted rate is due.
    pub fn of(c: &Counts, w: &ScoreWeights) -> Option<ExactScore> {
        let max = w.response.max(w.resolution).max(w.satisfaction);
        if !(max > 0.0 && max.is_finite()) {
            return None;
        }
        let q = |x: f64| -> u128 {
            if x > 0.0 {
                ((x / max * WEIGHT_SCALE).round() as u128).max(1)
            } else {
                0
            }
        };
        let terms = [
            (q(w.response), c.responded_on_time, c.response_due),
            (q(w.resolution), c.solved, c.followed_up),
            (q(w.satisfaction), c.satisfied, c.followed_up),
        ];
        let present = || terms.iter().filter(|(w, _, d)| *w > 0 && *d > 0);
        let weight: u128 = present().map(|(w, _, _)| w).sum();
        if weight == 0 {
            return None;
        }
        // Over the least common multiple of the denominators: num/den = Σ w·n/d / Σ w.
        let exact = || -> Option<ExactScore> {
            let l = present().try_fold(1u128, |l, (_, _, d)| lcm(l, u128::from(*d)))?;
            let num = present().try_fold(0u128, |acc, (w, n, d)| {
                acc.checked_add(
                    w.checked_mul(u128::from(*n))?
                        .checked_mul(l / u128::from(*d))?,
                )
            })?;
            Some(ExactScore {
                num,
                den: l.checked_mul(weight)?,
            })
        };
        // Counts beyond ~2^32 could overflow; then the float score is as good as it gets.
        exact().or_else(|| {
            let s = score(&c.rates(), w)?;
            Some(ExactScore {
                num: (s * 1e12).round() as u128,
                den: 100_000_000_000_000,
            })
        })
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn lcm(a: u128, b: u128) -> Option<u128> {
    (a / gcd(a, b)).checked_mul(b)
}

/// `a/b` against `c/d` (`b`, `d` > 0) by continued fractions: exact, and no product can
/// overflow.
fn cmp_fractions(mut a: u128, mut b: u128, mut c: u128, mut d: u128) -> Ordering {
    let mut flipped = false;
    loop {
        let (qa, ra, qc, rc) = (a / b, a % b, c / d, c % d);
        let order = match (qa.cmp(&qc), ra == 0, rc == 0) {
            (Ordering::Equal, true, true) => return Ordering::Equal,
            (Ordering::Equal, true, false) => Ordering::Less,
            (Ordering::Equal, false, true) => Ordering::Greater,
            (Ordering::Equal, false, false) => {
                // ra/b against rc/d is d/rc against b/ra, reversed.
                (a, b, c, d) = (b, ra, d, rc);
                flipped = !flipped;
                continue;
            }
            (o, _, _) => o,
        };
        return if flipped { order.reverse() } else { order };
    }
}

impl Ord for ExactScore {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_fractions(self.num, self.den, other.num, other.den)
    }
}

impl PartialOrd for ExactScore {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ExactScore {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ExactScore {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Counts with `due` responses due of which `on_time` on time, and `fu` follow-ups of which
    /// `solved` solved and `sat` satisfied.
    fn counts(on_time: u64, due: u64, solved: u64, sat: u64, fu: u64) -> Counts {
        Counts {
            received: due,
            response_due: due,
            responded_on_time: on_time,
            followed_up: fu,
            solved,
            satisfied: sat,
            ..Counts::default()
        }
    }

    fn w(min_sample: u64) -> ScoreWeights {
        ScoreWeights {
            min_sample,
            ..ScoreWeights::default()
        }
    }

    #[test]
    fn small_samples_are_listed_not_ranked() {
        // Early in the month: three units with one perfect appeal each, and one that handled
        // six and satisfied its appellants but answered one late.
        let units = [
            counts(1, 1, 0, 0, 0),
            counts(1, 1, 0, 0, 0),
            counts(5, 6, 1, 1, 1),
            counts(0, 0, 0, 0, 0),
        ];
        let s = standings(&units, &w(5));
        assert_eq!(
            s.iter()
                .map(|s| (s.judged, s.rank, s.sample))
                .collect::<Vec<_>>(),
            [
                (false, None, 1),
                (false, None, 1),
                (true, Some(1), 6),
                (false, None, 0)
            ]
        );
        // The unjudged still show their score.
        assert_eq!(s[0].score, Some(100.0));
        assert_eq!(s[3].score, None);
        // Exactly the minimum is enough; one less is not.
        let edge = standings(&[counts(5, 5, 0, 0, 0), counts(4, 4, 0, 0, 0)], &w(5));
        assert_eq!((edge[0].rank, edge[1].rank), (Some(1), None));
        // With no minimum, every unit with a score is ranked, and ties share the top.
        let all = standings(&units, &w(0));
        assert_eq!(
            all.iter().map(|s| s.rank).collect::<Vec<_>>(),
            [Some(1), Some(1), Some(3), None]
        );
    }

    #[test]
    fn a_judged_unit_without_any_weighted_rate_is_not_ranked() {
        // Only the response rate is due and its weight is zero: no score, no rank.
        let weights = ScoreWeights {
            response: 0.0,
            min_sample: 1,
            ..ScoreWeights::default()
        };
        let s = standings(&[counts(3, 3, 0, 0, 0)], &weights);
        assert_eq!((s[0].score, s[0].judged, s[0].rank), (None, false, None));
    }

    #[test]
    fn ranks_are_one_two_two_four() {
        let units = [
            counts(9, 10, 0, 0, 0),  // 90
            counts(10, 10, 0, 0, 0), // 100
            counts(9, 10, 0, 0, 0),  // 90
            counts(8, 10, 0, 0, 0),  // 80
        ];
        let ranks: Vec<_> = standings(&units, &w(5)).iter().map(|s| s.rank).collect();
        assert_eq!(ranks, [Some(2), Some(1), Some(2), Some(4)]);
        assert_eq!(
            competition_ranks(&[Some(3), None, Some(5), Some(5), Some(1)]),
            [Some(3), None, Some(1), Some(1), Some(4)]
        );
        assert_eq!(competition_ranks::<u8>(&[]), Vec::<Option<u32>>::new());
    }

    #[test]
    fn equal_scores_tie_despite_floating_noise() {
        // 1/3 and 2/6 responses, or 0.1 + 0.2 style sums: the same score computed two ways.
        // 30·(1/3) + 35·(2/3) + 35·(2/3) = 56.67 both ways, with different counts.
        let a = counts(1, 3, 2, 2, 3);
        let b = counts(4, 12, 4, 4, 6);
        let s = standings(&[a, b], &w(3));
        assert_eq!((s[0].rank, s[1].rank), (Some(1), Some(1)));
        // Weights 0.1/0.2/0.3 against 1/2/3: the same proportions, the same ties.
        let tenths = ScoreWeights {
            response: 0.1,
            resolution: 0.2,
            satisfaction: 0.3,
            min_sample: 1,
        };
        let whole = ScoreWeights {
            response: 1.0,
            resolution: 2.0,
            satisfaction: 3.0,
            min_sample: 1,
        };
        let c = counts(7, 10, 3, 9, 10);
        assert_eq!(ExactScore::of(&c, &tenths), ExactScore::of(&c, &whole));
        // A difference far below what floats keep apart is still a difference.
        let third = counts(1, 3, 0, 0, 0);
        let nearly = counts(333_333_333_333_333_334, 1_000_000_000_000_000_000, 0, 0, 0);
        let (a, b) = (standings(&[third], &w(1)), standings(&[nearly], &w(1)));
        assert!((a[0].score.unwrap_or(0.0) - b[0].score.unwrap_or(1.0)).abs() < 1e-12);
        assert!(ExactScore::of(&nearly, &w(1)) > ExactScore::of(&third, &w(1)));
    }

    #[test]
    fn fractions_compare_exactly() {
        assert_eq!(cmp_fractions(1, 3, 2, 6), Ordering::Equal);
        assert_eq!(cmp_fractions(1, 3, 1, 2), Ordering::Less);
        assert_eq!(cmp_fractions(7, 2, 10, 3), Ordering::Greater);
        assert_eq!(cmp_fractions(0, 5, 0, 9), Ordering::Equal);
        assert_eq!(
            cmp_fractions(u128::MAX, u128::MAX - 1, 1, 1),
            Ordering::Greater
        );
    }

    #[test]
    fn changes_compare_judged_ranks_only() {
        let judged = |rank| Standing {
            score: Some(50.0),
            sample: 9,
            judged: true,
            rank: Some(rank),
        };
        let unjudged = Standing {
            score: Some(100.0),
            sample: 1,
            judged: false,
            rank: None,
        };
        let this = [judged(1), judged(2), unjudged, judged(3)];
        let last = [judged(2), judged(1), judged(1), unjudged];
        assert_eq!(rank_changes(&this, &last), [Some(1), Some(-1), None, None]);
    }

    fn arb_counts() -> impl Strategy<Value = Counts> {
        (0u64..12, 0u64..12, 0u64..8, 0u64..8, 0u64..8).prop_map(|(a, b, c, d, e)| {
            let due = a.max(b);
            let fu = c.max(d).max(e);
            counts(a.min(b), due, c.min(fu), d.min(fu), fu)
        })
    }

    proptest! {
        #[test]
        fn rankings_are_competition_ranks_of_the_judged(
            units in proptest::collection::vec(arb_counts(), 0..12),
            min in 0u64..8,
        ) {
            let s = standings(&units, &w(min));
            for (st, c) in s.iter().zip(&units) {
                prop_assert_eq!(st.judged, st.rank.is_some());
                prop_assert_eq!(st.sample, c.response_due);
                if st.judged {
                    prop_assert!(st.sample >= min && st.score.is_some());
                }
                // A rank is one more than the number of judged units scoring strictly more.
                if let Some(r) = st.rank {
                    let me = ExactScore::of(c, &w(min));
                    let higher = s.iter().zip(&units)
                        .filter(|(o, oc)| o.judged && ExactScore::of(oc, &w(min)) > me)
                        .count();
                    prop_assert_eq!(r as usize, higher + 1);
                }
            }
            // Exact and float scores agree on order wherever floats tell them apart.
            for (x, cx) in s.iter().zip(&units) {
                for (y, cy) in s.iter().zip(&units) {
                    if let (Some(a), Some(b)) = (x.score, y.score) {
                        if a > b + 1e-9 {
                            prop_assert!(ExactScore::of(cx, &w(0)) > ExactScore::of(cy, &w(0)));
                        }
                    }
                }
            }
        }
    }
}
