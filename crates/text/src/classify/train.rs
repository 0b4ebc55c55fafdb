//! Training on texts already turned into features: the vocabulary, the SVM, and the
//! calibration of its scores.

use super::calibrate::fit_beta;
use super::cv::stratified_folds;
use super::model::{Model, Settings};
use super::svm::{self, Linear};
use super::tfidf::{Sparse, Vocabulary};

/// Trains a model on texts' features (`feats`) and their labels' indices (`y`).
pub(super) fn fit(
    feats: &[Vec<(u32, f32)>],
    y: &[usize],
    labels: Vec<String>,
    settings: &Settings,
) -> Model {
    let vocabulary = Vocabulary::fit(feats, settings.min_df);
    let x: Vec<Sparse> = feats
        .iter()
        .map(|f| vocabulary.transform(f, &settings.features))
        .collect();
    let (k, n) = (labels.len(), vocabulary.len());
    let weight = vec![1.0; x.len()];
    let mut linear = svm::train(&x, y, &weight, k, n, &settings.svm());
    linear.quantise();
    let beta = calibration(&x, y, k, n, settings);
    Model {
        labels,
        features: settings.features.clone(),
        vocabulary,
        linear,
        beta,
    }
}

/// The softmax sharpness fitted on held-out margins: the training texts in folds, each
/// scored by a model trained on the other folds (the vocabulary is the whole set's: idf
/// needs no labels).
fn calibration(x: &[Sparse], y: &[usize], k: usize, n: usize, s: &Settings) -> f32 {
    let folds = s.calibration_folds;
    if folds < 2 || x.len() < 2 * folds {
        return 1.0;
    }
    let fold_of = stratified_folds(y, folds, s.seed);
    let mut held_out = Vec::with_capacity(x.len());
    for f in 0..folds {
        let keep: Vec<usize> = (0..x.len()).filter(|&i| fold_of[i] != f).collect();
        let tx: Vec<Sparse> = keep.iter().map(|&i| x[i].clone()).collect();
        let ty: Vec<usize> = keep.iter().map(|&i| y[i]).collect();
        let m: Linear = svm::train(&tx, &ty, &vec![1.0; tx.len()], k, n, &s.svm());
        for i in (0..x.len()).filter(|&i| fold_of[i] == f) {
            held_out.push((m.scores(&x[i]), y[i]));
        }
    }
    fit_beta(&held_out)
}
