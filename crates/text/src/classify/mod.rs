//! A classifier of appeal texts: what category a resident's message belongs to.
//!
//! A linear model over hashed jieba words and character n-grams (TF-IDF, sublinear tf,
//! L2-normalised): a linear SVM trained here by dual coordinate descent, blended with
//! complement naive Bayes — no Python, no download, no network. It learns any taxonomy from (text, label) pairs in memory, so the server can
//! retrain it from a deployment's own history and keep the model's bytes in a row.
//!
//! - [`Model::train`] on `&[(text, label)]` with [`Settings`] (deterministic for a seed);
//! - [`Model::classify`] a text → [`Prediction`]: the best label, its calibrated probability,
//!   and the top 3;
//! - [`Model::to_bytes`] / [`Model::from_bytes`]: one versioned blob.
//!
//! [`cross_validate`] measures it (stratified k-fold); [`Report`] is what `suqiu text eval`
//! prints.

mod calibrate;
mod cv;
mod features;
mod format;
mod metrics;
mod model;
mod nb;
mod svm;
mod tfidf;
mod train;

pub use cv::{cross_validate, stratified_folds, CvReport};
pub use features::FeatureSettings;
pub use format::{ModelError, FORMAT_VERSION};
pub use metrics::{mean_sd, report, LabelScores, Report};
pub use model::{Model, Prediction, Settings, TrainError};

#[cfg(test)]
mod tests;
