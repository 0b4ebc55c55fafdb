//! Stratified k-fold cross-validation: each fold holds out about 1/k of every label, the
//! model trains on the rest, and the held-out predictions are scored.

use std::time::Instant;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::Serialize;

use super::metrics::{mean_sd, report, Report};
use super::model::{encode_labels, Settings};
use super::train::fit;
use crate::Segmenter;

/// The fold of each text: shuffled within each label (seeded), then dealt round-robin, so
/// every fold has nearly the same share of every label.
pub fn stratified_folds(y: &[usize], folds: usize, seed: u64) -> Vec<usize> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut fold_of = vec![0; y.len()];
    let classes = y.iter().copied().max().map_or(0, |m| m + 1);
    let mut next = 0;
    for k in 0..classes {
        let mut members: Vec<usize> = (0..y.len()).filter(|&i| y[i] == k).collect();
        members.shuffle(&mut rng);
        for i in members {
            fold_of[i] = next % folds.max(1);
            next += 1;
        }
    }
    fold_of
}

/// Each fold's scores and their mean ± sd.
#[derive(Debug, Clone, Serialize)]
pub struct CvReport {
    pub folds: Vec<Report>,
    /// `[mean, sd]` of accuracy, macro-F1 and top-3 accuracy over the folds.
    pub accuracy: [f64; 2],
    pub macro_f1: [f64; 2],
    pub top3_accuracy: [f64; 2],
    /// Mean seconds to train on k−1 folds.
    pub train_seconds: f64,
}

fn summary(xs: impl Iterator<Item = f64>) -> [f64; 2] {
    let v: Vec<f64> = xs.collect();
    let (m, sd) = mean_sd(&v);
    [m, sd]
}

/// `folds`-fold stratified cross-validation of `settings` on `examples` (text, label).
/// `background` (a taxonomy's examples) joins every fold's training and is never scored;
/// its labels that no example has are left out, as training leaves them out.
pub fn cross_validate(
    examples: &[(&str, &str)],
    background: &[(&str, &str)],
    settings: &Settings,
    folds: usize,
    seed: u64,
) -> CvReport {
    let (labels, y) = encode_labels(examples);
    let seg = Segmenter::shared();
    let feats: Vec<_> = examples
        .iter()
        .map(|(t, _)| settings.features.extract(seg, t))
        .collect();
    let known: Vec<_> = (background.iter())
        .filter_map(|(t, l)| {
            let k = labels.iter().position(|x| x == l)?;
            Some((settings.features.extract(seg, t), k))
        })
        .collect();
    let fold_of = stratified_folds(&y, folds, seed);
    let mut reports = Vec::new();
    let mut train_seconds = 0.0;
    for f in 0..folds {
        let train: Vec<usize> = (0..y.len()).filter(|&i| fold_of[i] != f).collect();
        let test: Vec<usize> = (0..y.len()).filter(|&i| fold_of[i] == f).collect();
        let started = Instant::now();
        let (tf, ty): (Vec<_>, Vec<usize>) = (train.iter().map(|&i| (feats[i].clone(), y[i])))
            .chain(known.iter().cloned())
            .unzip();
        let model = fit(&tf, &ty, labels.clone(), settings);
        train_seconds += started.elapsed().as_secs_f64() / folds as f64;
        let started = Instant::now();
        let ranked: Vec<Vec<&str>> = test
            .iter()
            .map(|&i| {
                let r = model.ranked(examples[i].0);
                r.into_iter().map(|(l, _)| l).collect()
            })
            .collect();
        let ms = started.elapsed().as_secs_f64() * 1000.0 / test.len().max(1) as f64;
        let gold: Vec<&str> = test.iter().map(|&i| examples[i].1).collect();
        reports.push(report(&gold, &ranked, ms));
    }
    CvReport {
        accuracy: summary(reports.iter().map(|r| r.accuracy)),
        macro_f1: summary(reports.iter().map(|r| r.macro_f1)),
        top3_accuracy: summary(reports.iter().map(|r| r.top3_accuracy)),
        folds: reports,
        train_seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stratified_and_seeded() {
        let y: Vec<usize> = (0..100).map(|i| usize::from(i % 4 == 0)).collect();
        let f = stratified_folds(&y, 5, 1);
        for fold in 0..5 {
            let ones = (0..100).filter(|&i| f[i] == fold && y[i] == 1).count();
            let all = (0..100).filter(|&i| f[i] == fold).count();
            assert_eq!((ones, all), (5, 20), "fold {fold}");
        }
        assert_eq!(f, stratified_folds(&y, 5, 1));
        assert_ne!(f, stratified_folds(&y, 5, 2));
    }
}
