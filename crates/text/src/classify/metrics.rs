//! How good the predictions on a labelled set are: accuracy, macro-F1 (each label counts the
//! same, however rare), top-3 accuracy, and precision / recall / F1 per label.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// One label's scores. `n` is how many texts truly have it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LabelScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub n: usize,
}

/// The scores of a labelled set, as `suqiu text eval` prints them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    pub n: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub top3_accuracy: f64,
    pub ms_per_text: f64,
    pub per_label: BTreeMap<String, LabelScores>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Scores `ranked[i]` (labels best first) against `gold[i]`. Macro-F1 averages over every
/// label that is true or predicted somewhere (scikit-learn's convention): a label the model
/// invents costs as much as one it never finds.
pub fn report(gold: &[&str], ranked: &[Vec<&str>], ms_per_text: f64) -> Report {
    let labels: BTreeSet<&str> = gold
        .iter()
        .copied()
        .chain(ranked.iter().filter_map(|r| r.first().copied()))
        .collect();
    let mut per_label = BTreeMap::new();
    for label in &labels {
        let truly = gold.iter().filter(|g| *g == label).count();
        let predicted = ranked.iter().filter(|r| r.first() == Some(label)).count();
        let hits = gold
            .iter()
            .zip(ranked)
            .filter(|(g, r)| *g == label && r.first() == Some(label))
            .count();
        let (precision, recall) = (ratio(hits, predicted), ratio(hits, truly));
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        let scores = LabelScores {
            precision,
            recall,
            f1,
            n: truly,
        };
        per_label.insert(label.to_string(), scores);
    }
    let n = gold.len();
    let top = |k: usize| {
        let hits = gold
            .iter()
            .zip(ranked)
            .filter(|(g, r)| r.iter().take(k).any(|l| l == *g))
            .count();
        ratio(hits, n)
    };
    Report {
        n,
        accuracy: top(1),
        macro_f1: per_label.values().map(|s| s.f1).sum::<f64>() / per_label.len().max(1) as f64,
        top3_accuracy: top(3),
        ms_per_text,
        per_label,
    }
}

/// Mean and sample standard deviation.
pub fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n.max(1.0);
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_by_hand() {
        let gold = ["a", "a", "b", "c"];
        let ranked = vec![
            vec!["a", "b", "c"],
            vec!["b", "a", "c"],
            vec!["b", "c", "a"],
            vec!["a", "b", "d"],
        ];
        let r = report(&gold, &ranked, 0.5);
        assert_eq!(r.n, 4);
        assert!((r.accuracy - 0.5).abs() < 1e-12);
        assert!(
            (r.top3_accuracy - 0.75).abs() < 1e-12,
            "c is 4th for the last"
        );
        let a = &r.per_label["a"];
        assert!((a.precision - 0.5).abs() < 1e-12 && (a.recall - 0.5).abs() < 1e-12);
        let b = &r.per_label["b"];
        assert!((b.precision - 0.5).abs() < 1e-12 && (b.recall - 1.0).abs() < 1e-12);
        assert_eq!(r.per_label["c"].f1, 0.0);
        // (0.5 + 2/3 + 0) / 3
        assert!((r.macro_f1 - (0.5 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        assert!(
            !r.per_label.contains_key("d"),
            "only true or top labels count"
        );
    }

    #[test]
    fn mean_and_sd() {
        let (m, sd) = mean_sd(&[1.0, 2.0, 3.0]);
        assert!((m - 2.0).abs() < 1e-12 && (sd - 1.0).abs() < 1e-12);
        assert_eq!(mean_sd(&[4.0]), (4.0, 0.0));
    }
}
