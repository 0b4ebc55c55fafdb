//! Training on texts already turned into features: the vocabulary, the learners (the SVM,
//! and complement naive Bayes blended with it), and the calibration of their scores.

use super::calibrate::fit_beta;
use super::cv::stratified_folds;
use super::model::{Model, Settings};
use super::nb;
use super::svm::{self, Linear};
use super::tfidf::{Sparse, Vocabulary};

/// A learner of linear weights over the TF-IDF vectors.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Learner {
    Svm,
    Nb,
}

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
    let members = learners(settings);
    let (scales, beta) = calibration(&x, y, k, n, settings, &members);
    let mut linear = Linear {
        classes: k,
        scale: 1.0,
        weights: vec![0.0; n * k],
        bias: vec![0.0; k],
    };
    for ((learner, _), scale) in members.iter().zip(scales) {
        linear.add(&train_one(*learner, &x, y, k, n, settings), scale);
    }
    linear.quantise();
    Model {
        labels,
        features: settings.features.clone(),
        vocabulary,
        linear,
        beta,
    }
}

/// The learners in the blend with their weights.
fn learners(s: &Settings) -> Vec<(Learner, f32)> {
    let mut out = vec![(Learner::Svm, 1.0)];
    if s.nb_weight > 0.0 {
        out.push((Learner::Nb, s.nb_weight));
    }
    out
}

fn train_one(
    learner: Learner,
    x: &[Sparse],
    y: &[usize],
    k: usize,
    n: usize,
    s: &Settings,
) -> Linear {
    match learner {
        Learner::Svm => svm::train(x, y, &vec![1.0; x.len()], k, n, &s.svm()),
        Learner::Nb => nb::train(x, y, k, n, s.nb_alpha),
    }
}

/// Each learner's scale in the blend — its weight times its own softmax sharpness, so that
/// learners whose scores differ in size are summed as calibrated log-probabilities (a sum of
/// linear models is one linear model: the blend costs nothing to classify) — and the blend's
/// sharpness. All are fitted on held-out scores: the training texts in folds, each scored by
/// models trained on the other folds (the vocabulary is the whole set's: idf needs no
/// labels). Without calibration folds, the weights as they are and a sharpness of 1.
fn calibration(
    x: &[Sparse],
    y: &[usize],
    k: usize,
    n: usize,
    s: &Settings,
    members: &[(Learner, f32)],
) -> (Vec<f32>, f32) {
    let folds = s.calibration_folds;
    if folds < 2 || x.len() < 2 * folds {
        return (members.iter().map(|m| m.1).collect(), 1.0);
    }
    let fold_of = stratified_folds(y, folds, s.seed);
    let mut held = vec![Vec::with_capacity(x.len()); members.len()];
    for f in 0..folds {
        let keep: Vec<usize> = (0..x.len()).filter(|&i| fold_of[i] != f).collect();
        let tx: Vec<Sparse> = keep.iter().map(|&i| x[i].clone()).collect();
        let ty: Vec<usize> = keep.iter().map(|&i| y[i]).collect();
        for (h, (learner, _)) in held.iter_mut().zip(members) {
            let model = train_one(*learner, &tx, &ty, k, n, s);
            for i in (0..x.len()).filter(|&i| fold_of[i] == f) {
                h.push((model.scores(&x[i]), y[i]));
            }
        }
    }
    let scales: Vec<f32> = (held.iter().zip(members))
        .map(|(h, (_, weight))| weight * fit_beta(h))
        .collect();
    (scales.clone(), fit_beta(&blend(&held, &scales)))
}

/// The held-out scores of the learners summed with their scales, text by text.
fn blend(held: &[Vec<(Vec<f32>, usize)>], scales: &[f32]) -> Vec<(Vec<f32>, usize)> {
    (0..held[0].len())
        .map(|i| {
            let mut z = vec![0f32; held[0][i].0.len()];
            for (h, scale) in held.iter().zip(scales) {
                z.iter_mut().zip(&h[i].0).for_each(|(z, v)| *z += scale * v);
            }
            (z, held[0][i].1)
        })
        .collect()
}
