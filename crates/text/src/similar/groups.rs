//! A batch of texts cut into problems: every near-duplicate pair joined, each connected
//! component a group, its title that of its most central member.

use super::{score, NearDup, NearDupIndex, Rule};

/// One text of a batch.
#[derive(Debug, Clone, Default)]
pub struct Item {
    /// All its words (title and detail).
    pub text: String,
    /// Its location field, if the batch has one.
    pub location: String,
    /// Seconds since the epoch, when known.
    pub time: Option<i64>,
}

/// A problem: the indices of its texts in input order, and the one most like the others.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub members: Vec<usize>,
    pub central: usize,
}

/// Union-find with path halving.
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// The groups of two or more texts, largest first (ties: the one starting earlier first).
/// Two texts are joined when `rule` takes them for one problem and they are within `window`
/// seconds of each other (when both times and a window are known).
pub fn groups(items: &[Item], rule: Rule, window: Option<i64>) -> Vec<Group> {
    let nears: Vec<NearDup> = items
        .iter()
        .map(|i| NearDup::of(&i.text, &i.location))
        .collect();
    let mut index = NearDupIndex::new(rule);
    let mut parent: Vec<usize> = (0..items.len()).collect();
    for (i, (item, near)) in items.iter().zip(&nears).enumerate() {
        for m in index.query_near(near, item.time, window) {
            let (a, b) = (root(&mut parent, i), root(&mut parent, m.id as usize));
            parent[a.max(b)] = a.min(b);
        }
        index.insert_near(i as i64, near.clone(), item.time);
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    for i in 0..items.len() {
        let r = root(&mut parent, i);
        members[r].push(i);
    }
    let mut found: Vec<Group> = members
        .into_iter()
        .filter(|m| m.len() > 1)
        .map(|m| Group {
            central: central(&m, &nears),
            members: m,
        })
        .collect();
    found.sort_by_key(|g| (std::cmp::Reverse(g.members.len()), g.members[0]));
    found
}

/// The member most like all the others (highest total score; the earliest on a tie).
fn central(members: &[usize], nears: &[NearDup]) -> usize {
    let total = |i: usize| -> f32 {
        (members.iter())
            .filter(|&&j| j != i)
            .map(|&j| score(&nears[i].fingerprint, &nears[j].fingerprint))
            .sum()
    };
    let mut best = (members[0], f32::MIN);
    for &i in members {
        let t = total(i);
        if t > best.1 {
            best = (i, t);
        }
    }
    best.0
}

/// A text's first sentence (up to 。！？!?; or a line break), trimmed, at most 60 characters.
pub fn first_sentence(text: &str) -> String {
    let text = text.trim();
    let end = text
        .find(['。', '！', '？', '!', '?', '；', ';', '\n'])
        .unwrap_or(text.len());
    text[..end].trim().chars().take(60).collect()
}
