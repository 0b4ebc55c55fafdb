//! The model as one blob: a magic tag, the format version, then the model in postcard
//! (serde's compact binary form, integers as varints). Feature ids are stored as gaps
//! between sorted ids, idf in thousandths and weights as `i16` multiples of one scale: most
//! fit in one or two bytes. A model of another version is refused with a message that says
//! to retrain, never misread.

use serde::{Deserialize, Serialize};

use super::features::FeatureSettings;
use super::model::Model;
use super::svm::Linear;
use super::tfidf::{idf_from_milli, milli, Vocabulary};

const MAGIC: &[u8; 8] = b"SUQIUTXT";

/// The version of the model format this build writes and reads. Raise it whenever the
/// stored parts or the meaning of a feature id change.
pub const FORMAT_VERSION: u16 = 2;

/// Why bytes are not a model this build can use.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ModelError {
    #[error("不是 Suqiu 文本分类模型文件")]
    NotAModel,
    #[error("模型格式版本为 {found}，本程序只能读取版本 {FORMAT_VERSION}：请用本程序重新训练（suqiu text train）")]
    Version { found: u16 },
    #[error("模型文件已损坏：{0}")]
    Damaged(String),
}

#[derive(Serialize, Deserialize)]
struct Stored {
    labels: Vec<String>,
    features: FeatureSettings,
    id_gaps: Vec<u32>,
    idf_milli: Vec<u16>,
    scale: f32,
    weights: Vec<i16>,
    bias: Vec<f32>,
    beta: f32,
}

impl Model {
    pub fn to_bytes(&self) -> Vec<u8> {
        let ids = self.vocabulary.ids();
        let scale = self.linear.scale;
        let stored = Stored {
            labels: self.labels.clone(),
            features: self.features.clone(),
            id_gaps: ids
                .iter()
                .scan(0, |prev, &id| Some(id - std::mem::replace(prev, id)))
                .collect(),
            idf_milli: self.vocabulary.idf().iter().map(|&x| milli(x)).collect(),
            scale,
            weights: (self.linear.weights.iter())
                .map(|w| (w / scale).round() as i16)
                .collect(),
            bias: self.linear.bias.clone(),
            beta: self.beta,
        };
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        // Serialising vectors, strings and numbers into a Vec cannot fail.
        out.extend_from_slice(&postcard::to_stdvec(&stored).unwrap_or_default());
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let rest = bytes.strip_prefix(MAGIC).ok_or(ModelError::NotAModel)?;
        let (version, body) = rest.split_at_checked(2).ok_or(ModelError::NotAModel)?;
        let found = u16::from_le_bytes([version[0], version[1]]);
        if found != FORMAT_VERSION {
            return Err(ModelError::Version { found });
        }
        let s: Stored =
            postcard::from_bytes(body).map_err(|e| ModelError::Damaged(e.to_string()))?;
        let mut ids = Vec::with_capacity(s.id_gaps.len());
        let mut id = 0u32;
        for gap in s.id_gaps {
            id = id
                .checked_add(gap)
                .ok_or_else(|| ModelError::Damaged("特征编号溢出".into()))?;
            ids.push(id);
        }
        let idf = s.idf_milli.into_iter().map(idf_from_milli).collect();
        let model = Model {
            linear: Linear {
                classes: s.labels.len(),
                scale: s.scale,
                weights: s.weights.iter().map(|&q| f32::from(q) * s.scale).collect(),
                bias: s.bias,
            },
            labels: s.labels,
            features: s.features,
            vocabulary: Vocabulary::new(ids, idf),
            beta: s.beta,
        };
        model.check().map_err(ModelError::Damaged)?;
        Ok(model)
    }
}
