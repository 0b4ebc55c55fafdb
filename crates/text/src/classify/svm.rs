//! One-vs-rest linear SVM (L2-regularised, squared hinge loss — scikit-learn's `LinearSVC`)
//! trained by dual coordinate descent with shrinking: liblinear's solver (Hsieh, Chang, Lin,
//! Keerthi, Sundararajan, "A dual coordinate descent method for large-scale linear SVM",
//! ICML 2008, algorithm 1 and §3.2). The bias is a constant feature of value 1, regularised
//! like the others, as liblinear does.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use super::tfidf::Sparse;

/// The solver's knobs.
#[derive(Debug, Clone, Copy)]
pub struct SvmSettings {
    /// The cost of a margin violation (larger: fit the training texts more closely).
    pub c: f64,
    /// Weigh each class inversely to its size, so a small class counts as much as a big one.
    pub balanced: bool,
    /// Stop when the projected gradient's spread is at most this.
    pub tolerance: f64,
    pub max_passes: usize,
    pub seed: u64,
}

/// The weights of a one-vs-rest linear model: `scores[k] = bias[k] + Σ x_i w[i][k]`.
#[derive(Debug, Clone)]
pub struct Linear {
    pub classes: usize,
    /// Every weight is a whole multiple of this (see [`Linear::quantise`]).
    pub scale: f32,
    /// Feature-major: the weights of feature `i` are `weights[i * classes .. (i + 1) * classes]`.
    pub weights: Vec<f32>,
    pub bias: Vec<f32>,
}

/// The largest quantised weight: weights are stored as `i16` multiples of `scale`.
pub const QUANT: f32 = 32_767.0;

impl Linear {
    /// Rounds every weight to a multiple of `max |w| / 32767`, so that the stored `i16`
    /// form (a third the size, see `format`) gives back exactly these weights. The rounding
    /// is at most 1.5e-5 of the largest weight: no decision changes.
    pub fn quantise(&mut self) {
        let max = self.weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        self.scale = if max > 0.0 { max / QUANT } else { 1.0 };
        let scale = self.scale;
        self.weights
            .iter_mut()
            .for_each(|w| *w = (*w / scale).round() * scale);
    }

    /// Adds `scale` times `other`'s weights and biases (a blend of linear models is linear).
    pub fn add(&mut self, other: &Linear, scale: f32) {
        (self.weights.iter_mut().zip(&other.weights)).for_each(|(w, o)| *w += scale * o);
        (self.bias.iter_mut().zip(&other.bias)).for_each(|(b, o)| *b += scale * o);
    }

    pub fn scores(&self, x: &Sparse) -> Vec<f32> {
        let k = self.classes;
        let mut s = self.bias.clone();
        for &(i, v) in x {
            let w = &self.weights[i as usize * k..(i as usize + 1) * k];
            s.iter_mut().zip(w).for_each(|(s, w)| *s += v * w);
        }
        s
    }
}

/// The cost of each text's violations: `c` times the text's own weight, times its class's
/// weight when balanced (`n / (classes · n_class)`, scikit-learn's "balanced", counting
/// weighted texts).
fn costs(y: &[usize], weight: &[f64], classes: usize, settings: &SvmSettings) -> Vec<f64> {
    let mut count = vec![0f64; classes];
    y.iter().zip(weight).for_each(|(&k, w)| count[k] += w);
    let total: f64 = count.iter().sum();
    y.iter()
        .zip(weight)
        .map(|(&k, w)| {
            if settings.balanced {
                settings.c * w * total / (classes as f64 * count[k])
            } else {
                settings.c * w
            }
        })
        .collect()
}

/// Trains one binary SVM per class (that class against the rest); `weight` scales each
/// text's cost.
pub fn train(
    x: &[Sparse],
    y: &[usize],
    weight: &[f64],
    classes: usize,
    features: usize,
    settings: &SvmSettings,
) -> Linear {
    let cost = costs(y, weight, classes, settings);
    let mut weights = vec![0f32; features * classes];
    let mut bias = vec![0f32; classes];
    for k in 0..classes {
        let sign: Vec<f64> = y.iter().map(|&c| if c == k { 1.0 } else { -1.0 }).collect();
        let seed = settings.seed.wrapping_add(k as u64);
        let (w, b) = binary(x, &sign, &cost, features, settings, seed);
        for (i, wi) in w.iter().enumerate() {
            weights[i * classes + k] = *wi as f32;
        }
        bias[k] = b as f32;
    }
    Linear {
        classes,
        scale: 1.0,
        weights,
        bias,
    }
}

fn dot(w: &[f64], b: f64, x: &Sparse) -> f64 {
    b + x
        .iter()
        .map(|&(i, v)| w[i as usize] * f64::from(v))
        .sum::<f64>()
}

/// The dual problem of the squared hinge loss: `min ½αᵀ(Q + D)α − Σα`, `α ≥ 0`, with
/// `D_ii = 1 / (2 C_i)`; `w = Σ α_i y_i x_i`.
fn binary(
    x: &[Sparse],
    y: &[f64],
    cost: &[f64],
    features: usize,
    settings: &SvmSettings,
    seed: u64,
) -> (Vec<f64>, f64) {
    let n = x.len();
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut w, mut b) = (vec![0f64; features], 0f64);
    let mut alpha = vec![0f64; n];
    let diag: Vec<f64> = cost.iter().map(|c| 0.5 / c).collect();
    let qd: Vec<f64> = (0..n)
        .map(|i| diag[i] + 1.0 + x[i].iter().map(|(_, v)| f64::from(v * v)).sum::<f64>())
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    let mut active = n;
    // No upper bound on α for the squared hinge: only the lower bound shrinks.
    let mut pg_max_old = f64::INFINITY;
    for _ in 0..settings.max_passes {
        let (mut pg_max, mut pg_min) = (f64::NEG_INFINITY, f64::INFINITY);
        order[..active].shuffle(&mut rng);
        let mut s = 0;
        while s < active {
            let i = order[s];
            let g = y[i] * dot(&w, b, &x[i]) - 1.0 + alpha[i] * diag[i];
            let pg = if alpha[i] == 0.0 {
                // At the bound and pushing outward: shrink it out of the active set.
                if g > pg_max_old {
                    active -= 1;
                    order.swap(s, active);
                    continue;
                }
                g.min(0.0)
            } else {
                g
            };
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (alpha[i] - g / qd[i]).max(0.0);
                let d = (alpha[i] - old) * y[i];
                for &(j, v) in &x[i] {
                    w[j as usize] += d * f64::from(v);
                }
                b += d;
            }
            s += 1;
        }
        if pg_max - pg_min <= settings.tolerance {
            if active == n {
                break;
            }
            // Converged on the shrunk set: check once more on all of it.
            active = n;
            pg_max_old = f64::INFINITY;
            continue;
        }
        pg_max_old = if pg_max <= 0.0 { f64::INFINITY } else { pg_max };
    }
    (w, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> SvmSettings {
        SvmSettings {
            c: 1.0,
            balanced: true,
            tolerance: 0.01,
            max_passes: 1000,
            seed: 7,
        }
    }

    /// Three classes, each marked by its own feature (plus a shared noise feature).
    fn toy() -> (Vec<Sparse>, Vec<usize>) {
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..30usize {
            let k = i % 3;
            x.push(vec![(k as u32, 0.8), (3, 0.6)]);
            y.push(k);
        }
        (x, y)
    }

    #[test]
    fn separable_classes_are_learned() {
        let (x, y) = toy();
        let m = train(&x, &y, &[1.0; 30], 3, 4, &settings());
        for (xi, &yi) in x.iter().zip(&y) {
            let s = m.scores(xi);
            let best = (0..3).max_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap();
            assert_eq!(best, yi, "{s:?}");
            assert!(s[yi] > 0.0);
        }
    }

    #[test]
    fn same_seed_same_weights() {
        let (x, y) = toy();
        let a = train(&x, &y, &[1.0; 30], 3, 4, &settings());
        let b = train(&x, &y, &[1.0; 30], 3, 4, &settings());
        assert_eq!(a.weights, b.weights);
        assert_eq!(a.bias, b.bias);
    }

    #[test]
    fn balanced_costs_favour_the_small_class() {
        let y = [0, 0, 0, 1];
        let c = costs(&y, &[1.0; 4], 2, &settings());
        assert!((c[3] - 2.0).abs() < 1e-12 && (c[0] - 2.0 / 3.0).abs() < 1e-12);
    }
}
