//! Scores that mean something: an SVM's decision values are margins, not probabilities. A
//! softmax with one fitted sharpness `β` (temperature scaling, Guo et al. 2017) turns them
//! into probabilities; `β` is fitted on decision values of texts the model did not train on
//! (the training set's own folds), so a score of 0.9 is right about nine times in ten.

/// `softmax(β · scores)`.
pub fn softmax(scores: &[f32], beta: f32) -> Vec<f32> {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f32> = scores.iter().map(|s| ((s - max) * beta).exp()).collect();
    let sum: f32 = e.iter().sum();
    e.into_iter().map(|x| x / sum).collect()
}

/// Mean negative log-likelihood of the true classes under `softmax(β · scores)`.
fn nll(scored: &[(Vec<f32>, usize)], beta: f64) -> f64 {
    scored
        .iter()
        .map(|(s, y)| {
            let max = s.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
            let z: f64 = s.iter().map(|&v| ((v as f64 - max) * beta).exp()).sum();
            -((s[*y] as f64 - max) * beta - z.ln())
        })
        .sum::<f64>()
        / scored.len().max(1) as f64
}

/// The `β` in [0.1, 500] that minimises the held-out log-loss. The loss is convex in `β`, so
/// a golden-section search over `ln β` finds it.
pub fn fit_beta(scored: &[(Vec<f32>, usize)]) -> f32 {
    if scored.is_empty() {
        return 1.0;
    }
    let (mut lo, mut hi) = (0.1f64.ln(), 500f64.ln());
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..60 {
        let a = hi - phi * (hi - lo);
        let b = lo + phi * (hi - lo);
        if nll(scored, a.exp()) < nll(scored, b.exp()) {
            hi = b;
        } else {
            lo = a;
        }
    }
    ((lo + hi) / 2.0).exp() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_sums_to_one_and_keeps_order() {
        let p = softmax(&[1.0, -0.5, 0.2], 3.0);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(p[0] > p[2] && p[2] > p[1]);
        assert!(softmax(&[1000.0, -1000.0], 10.0)
            .iter()
            .all(|x| x.is_finite()));
    }

    #[test]
    fn beta_follows_how_often_the_top_score_is_right() {
        // Always right: sharpen as far as allowed. Right 60 % of the time: stay soft.
        let right: Vec<_> = (0..50).map(|_| (vec![1.0, 0.0], 0)).collect();
        assert!(fit_beta(&right) > 100.0);
        let mixed: Vec<_> = (0..50)
            .map(|i| (vec![1.0, 0.0], usize::from(i % 5 >= 3)))
            .collect();
        let beta = fit_beta(&mixed);
        let p = softmax(&[1.0, 0.0], beta)[0];
        assert!((p - 0.6).abs() < 0.01, "{beta} {p}");
    }
}
