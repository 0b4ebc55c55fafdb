//! Complement naive Bayes (Rennie, Shih, Teevan, Karger, "Tackling the poor assumptions of
//! naive Bayes text classifiers", ICML 2003) over the TF-IDF vectors: each class is scored by
//! how unlike the *other* classes' texts a text is, which is steadier than plain naive Bayes
//! when classes differ in size. Its scores are linear in the features, so it can be blended
//! into the SVM's weights.

use super::svm::Linear;
use super::tfidf::Sparse;

/// `w[j][c] = −ln θ̄_cj`, `θ̄_cj` the smoothed share of feature `j` in the texts not of class
/// `c`; each feature's weights are centred over the classes (a constant added to every
/// class's score changes no ranking, and smaller weights quantise better).
pub fn train(x: &[Sparse], y: &[usize], k: usize, n: usize, alpha: f64) -> Linear {
    let mut count = vec![0f64; n * k];
    for (xi, &yi) in x.iter().zip(y) {
        for &(j, v) in xi {
            count[j as usize * k + yi] += f64::from(v);
        }
    }
    let mut comp = vec![0f64; n * k];
    for j in 0..n {
        let row = &count[j * k..(j + 1) * k];
        let total: f64 = row.iter().sum();
        for c in 0..k {
            comp[j * k + c] = total - row[c] + alpha;
        }
    }
    let mut sums = vec![0f64; k];
    comp.chunks(k)
        .for_each(|row| sums.iter_mut().zip(row).for_each(|(s, v)| *s += v));
    let mut weights = vec![0f32; n * k];
    for j in 0..n {
        let w: Vec<f64> = (0..k).map(|c| -(comp[j * k + c] / sums[c]).ln()).collect();
        let mean = w.iter().sum::<f64>() / k as f64;
        for c in 0..k {
            weights[j * k + c] = (w[c] - mean) as f32;
        }
    }
    Linear {
        classes: k,
        scale: 1.0,
        weights,
        bias: vec![0.0; k],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_class_marked_by_a_feature_scores_highest_and_weights_are_centred() {
        // Feature k marks class k; feature 3 is everywhere.
        let x: Vec<Sparse> = (0..30u32).map(|i| vec![(i % 3, 0.8), (3, 0.6)]).collect();
        let y: Vec<usize> = (0..30).map(|i| i % 3).collect();
        let m = train(&x, &y, 3, 4, 0.1);
        for (xi, &yi) in x.iter().zip(&y) {
            let s = m.scores(xi);
            let best = (0..3).max_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap();
            assert_eq!(best, yi, "{s:?}");
        }
        for row in m.weights.chunks(3) {
            assert!(row.iter().sum::<f32>().abs() < 1e-4, "{row:?}");
        }
    }
}
