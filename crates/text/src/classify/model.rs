//! The model: settings, training from (text, label) pairs, classifying a text.

use std::collections::BTreeSet;

use serde::Serialize;

use super::calibrate::softmax;
use super::features::FeatureSettings;
use super::svm::{Linear, SvmSettings};
use super::tfidf::{Sparse, Vocabulary};
use super::train::fit;
use crate::Segmenter;

/// How to train. [`Settings::default`] is the tuned classifier; [`Settings::baseline`] is
/// what a data analyst would try first (TF-IDF of word uni- and bigrams + `LinearSVC`).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub features: FeatureSettings,
    /// A feature seen in fewer training texts than this is dropped (it can only memorise).
    pub min_df: u32,
    /// The SVM's cost of a margin violation.
    pub c: f64,
    /// Weigh classes inversely to their size.
    pub balanced: bool,
    /// Folds of the training set whose held-out scores calibrate the probabilities
    /// (0 or 1: no calibration, softmax of the raw margins).
    pub calibration_folds: usize,
    pub seed: u64,
    /// The weight of complement naive Bayes' calibrated scores beside the SVM's (weight 1);
    /// 0: the SVM alone.
    pub nb_weight: f32,
    /// Complement naive Bayes' additive smoothing.
    pub nb_alpha: f64,
}

impl Default for Settings {
    /// Chosen by 5-fold cross-validation on the development file (fj2_fullrows of the shared
    /// 问政 messages) only; BENCHMARKS.md, "Text classifier", has the numbers and what else was
    /// tried.
    fn default() -> Self {
        Settings {
            features: FeatureSettings {
                word_ngrams: 1,
                search_words: true,
                min_word_chars: 1,
                char_min: 1,
                char_max: 2,
                head_chars: 32,
                head_line: true,
                sublinear_tf: true,
                hash_bits: 20,
                block_weights: [1.0, 1.0, 0.7, 0.7],
            },
            min_df: 2,
            c: 1.0,
            balanced: true,
            calibration_folds: 3,
            seed: 2020,
            nb_weight: 0.5,
            nb_alpha: 0.1,
        }
    }
}

impl Settings {
    /// scikit-learn's `TfidfVectorizer(ngram_range=(1, 2))` over jieba words (its token
    /// pattern keeps words of two or more characters; raw tf, smooth idf, L2) and
    /// `LinearSVC()` (C = 1, squared hinge, no class weights).
    pub fn baseline() -> Self {
        Settings {
            features: FeatureSettings {
                word_ngrams: 2,
                search_words: false,
                min_word_chars: 2,
                char_min: 0,
                char_max: 0,
                head_chars: 0,
                head_line: false,
                sublinear_tf: false,
                hash_bits: 20,
                block_weights: [1.0; 4],
            },
            min_df: 1,
            c: 1.0,
            balanced: false,
            calibration_folds: 0,
            seed: 2020,
            nb_weight: 0.0,
            nb_alpha: 0.1,
        }
    }

    pub(super) fn svm(&self) -> SvmSettings {
        SvmSettings {
            c: self.c,
            balanced: self.balanced,
            tolerance: 0.01,
            max_passes: 1000,
            seed: self.seed,
        }
    }
}

/// Why a model could not be trained.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TrainError {
    #[error("没有可训练的文本")]
    NoTexts,
    #[error("至少需要两个不同的标签，只有「{0}」")]
    OneLabel(String),
}

/// A text's category: the best label, its probability, and the best three with theirs.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Prediction {
    pub label: String,
    pub score: f32,
    pub top: Vec<(String, f32)>,
}

/// A trained classifier.
#[derive(Debug, Clone)]
pub struct Model {
    pub(super) labels: Vec<String>,
    pub(super) features: FeatureSettings,
    pub(super) vocabulary: Vocabulary,
    pub(super) linear: Linear,
    /// The softmax's sharpness (see `calibrate`).
    pub(super) beta: f32,
}

impl Model {
    /// Learns the labels of `examples` (text, label). Deterministic: the same examples and
    /// settings give the same model.
    pub fn train(examples: &[(&str, &str)], settings: &Settings) -> Result<Model, TrainError> {
        let (labels, y) = encode_labels(examples);
        match labels.len() {
            0 => return Err(TrainError::NoTexts),
            1 => return Err(TrainError::OneLabel(labels[0].clone())),
            _ => {}
        }
        let seg = Segmenter::shared();
        let feats: Vec<_> = examples
            .iter()
            .map(|(t, _)| settings.features.extract(seg, t))
            .collect();
        Ok(fit(&feats, &y, labels, settings))
    }

    /// Whether the parts of a loaded model fit together (a damaged file is refused, not
    /// allowed to panic at the first text).
    pub(super) fn check(&self) -> Result<(), String> {
        let k = self.labels.len();
        let l = &self.linear;
        if k < 2 || l.classes != k || l.bias.len() != k {
            return Err("标签数与权重不符".into());
        }
        if !self.vocabulary.is_consistent() || l.weights.len() != self.vocabulary.len() * k {
            return Err("特征表与权重不符".into());
        }
        if !self.beta.is_finite() || self.beta <= 0.0 {
            return Err("校准参数无效".into());
        }
        Ok(())
    }

    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The known features' count (the model's size grows with it).
    pub fn feature_count(&self) -> usize {
        self.vocabulary.len()
    }

    /// Every label with its probability, best first.
    pub fn ranked(&self, text: &str) -> Vec<(&str, f32)> {
        let feats = self.features.extract(Segmenter::shared(), text);
        let x = self.vocabulary.transform(&feats, &self.features);
        self.ranked_vector(&x)
    }

    pub(super) fn ranked_vector(&self, x: &Sparse) -> Vec<(&str, f32)> {
        let scores = self.linear.scores(x);
        let p = softmax(&scores, self.beta);
        let mut ranked: Vec<(&str, f32)> = self.labels.iter().map(String::as_str).zip(p).collect();
        // Ties (an empty text) fall back to label order: stable and deterministic.
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        ranked
    }

    /// The category of a text. Words the model never saw are no evidence; a text of none
    /// but those gets the labels' prior order.
    pub fn classify(&self, text: &str) -> Prediction {
        let ranked = self.ranked(text);
        let top: Vec<(String, f32)> = ranked
            .iter()
            .take(3)
            .map(|(l, p)| (l.to_string(), *p))
            .collect();
        Prediction {
            label: top[0].0.clone(),
            score: top[0].1,
            top,
        }
    }
}

/// The distinct labels, sorted, and each example's index into them.
pub(super) fn encode_labels(examples: &[(&str, &str)]) -> (Vec<String>, Vec<usize>) {
    let labels: Vec<String> = examples
        .iter()
        .map(|(_, l)| l.to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let y = examples
        .iter()
        .map(|(_, l)| labels.binary_search_by(|x| x.as_str().cmp(l)).unwrap_or(0))
        .collect();
    (labels, y)
}
