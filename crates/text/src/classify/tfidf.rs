//! TF-IDF over the hashed features: which ids the model knows (seen in at least `min_df`
//! training texts), their inverse document frequency, and the L2-normalised vector of a text.

use std::collections::HashMap;

use super::features::FeatureSettings;

/// A sparse vector: (dense feature index, value), sorted by index.
pub type Sparse = Vec<(u32, f32)>;

/// An idf in thousandths, as stored (an idf is at most `ln(1 + n) + 1`, 22 for a million
/// texts: a `u16` holds it).
pub(super) fn milli(idf: f32) -> u16 {
    (idf * 1000.0).round().clamp(0.0, f32::from(u16::MAX)) as u16
}

/// The idf of its stored thousandths. Training keeps idf in this form too, so that a model
/// read back from its bytes computes exactly what the trained one did.
pub(super) fn idf_from_milli(m: u16) -> f32 {
    f32::from(m) / 1000.0
}

/// The known feature ids, each with its dense index (its position) and idf.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// Hashed ids, ascending; the position is the dense index.
    ids: Vec<u32>,
    idf: Vec<f32>,
    index: HashMap<u32, u32>,
}

impl Vocabulary {
    /// Learns the ids seen in at least `min_df` of `docs` and scikit-learn's smooth idf,
    /// `ln((1 + n) / (1 + df)) + 1`.
    pub fn fit<'a>(docs: impl IntoIterator<Item = &'a Vec<(u32, f32)>>, min_df: u32) -> Self {
        let mut df: HashMap<u32, u32> = HashMap::new();
        let mut n = 0usize;
        for doc in docs {
            n += 1;
            for &(id, _) in doc {
                *df.entry(id).or_default() += 1;
            }
        }
        let mut ids: Vec<u32> = df
            .iter()
            .filter(|(_, &n)| n >= min_df.max(1))
            .map(|(&id, _)| id)
            .collect();
        ids.sort_unstable();
        let n = n as f32;
        let idf = ids
            .iter()
            .map(|id| idf_from_milli(milli(((1.0 + n) / (1.0 + df[id] as f32)).ln() + 1.0)))
            .collect();
        Vocabulary::new(ids, idf)
    }

    pub(super) fn new(ids: Vec<u32>, idf: Vec<f32>) -> Self {
        let mut v = Vocabulary {
            ids,
            idf,
            index: HashMap::new(),
        };
        v.reindex();
        v
    }

    fn reindex(&mut self) {
        self.index = self
            .ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i as u32))
            .collect();
    }

    pub(super) fn ids(&self) -> &[u32] {
        &self.ids
    }

    pub(super) fn idf(&self) -> &[f32] {
        &self.idf
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the stored parts agree (a model file could be damaged).
    pub fn is_consistent(&self) -> bool {
        self.ids.len() == self.idf.len() && self.ids.windows(2).all(|w| w[0] < w[1])
    }

    /// A text's tf·idf over the known ids, each namespace's part L2-normalised and weighted
    /// (`FeatureSettings::block_weights`), then the whole L2-normalised; ids the vocabulary
    /// does not know are left out (an unseen word is simply no evidence).
    pub fn transform(&self, features: &[(u32, f32)], settings: &FeatureSettings) -> Sparse {
        let mut v: Vec<(u32, f32, usize)> = features
            .iter()
            .filter_map(|(id, tf)| {
                let i = *self.index.get(id)?;
                Some((i, tf * self.idf[i as usize], settings.block(*id)))
            })
            .collect();
        v.sort_unstable_by_key(|&(i, ..)| i);
        let mut norms = [0f32; 4];
        v.iter().for_each(|&(_, x, b)| norms[b] += x * x);
        let scale = norms.map(|n| if n > 0.0 { 1.0 / n.sqrt() } else { 0.0 });
        let mut out: Sparse = v
            .into_iter()
            .map(|(i, x, b)| (i, x * scale[b] * settings.block_weights[b]))
            .collect();
        let norm = out.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            out.iter_mut().for_each(|(_, x)| *x /= norm);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_ids_are_dropped_and_vectors_are_unit() {
        let docs = vec![
            vec![(1, 1.0), (2, 2.0)],
            vec![(1, 1.0), (3, 1.0)],
            vec![(1, 3.0), (2, 1.0)],
        ];
        let v = Vocabulary::fit(&docs, 2);
        assert_eq!(v.len(), 2, "id 3 is in one text only");
        let s = crate::classify::Settings::baseline().features;
        let x = v.transform(&[(1, 1.0), (2, 1.0), (3, 5.0), (99, 1.0)], &s);
        assert_eq!(x.len(), 2);
        let norm: f32 = x.iter().map(|(_, a)| a * a).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        // id 1 is in every text: a lower idf than id 2 for the same tf.
        assert!(x[0].1 < x[1].1, "{x:?}");
        assert!(v.transform(&[(99, 1.0)], &s).is_empty());
    }
}
