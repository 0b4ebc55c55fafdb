//! The model as its users see it: deterministic training, bytes that round-trip, refusal
//! of other versions and damaged files, and no panic on any text.

use proptest::prelude::*;

use super::*;

/// A small taxonomy: each label's texts share its words, and every text has filler.
fn examples() -> Vec<(String, String)> {
    let topics = [
        ("城乡建设", ["小区路灯损坏", "楼道墙皮脱落", "道路施工围挡"]),
        ("环境保护", ["工厂排放废气", "河道污水发臭", "夜间施工噪音"]),
        (
            "教育文体",
            ["学校收费不合理", "幼儿园入学难", "体育馆不开放"],
        ),
    ];
    let fillers = ["请尽快处理", "希望领导重视", "多次反映无果", "谢谢"];
    let mut out = Vec::new();
    for (label, phrases) in topics {
        for (i, p) in phrases.iter().enumerate() {
            for (j, f) in fillers.iter().enumerate() {
                out.push((format!("A{i}区{p}，{f}{j}"), label.to_string()));
            }
        }
    }
    out
}

fn pairs(e: &[(String, String)]) -> Vec<(&str, &str)> {
    e.iter().map(|(t, l)| (t.as_str(), l.as_str())).collect()
}

fn model() -> Model {
    Model::train(&pairs(&examples()), &Settings::default()).unwrap()
}

#[test]
fn learns_and_ranks_three() {
    let m = model();
    assert_eq!(m.labels(), ["城乡建设", "教育文体", "环境保护"]);
    let p = m.classify("我们小区的路灯坏了好几天");
    assert_eq!(p.label, "城乡建设", "{p:?}");
    assert_eq!(p.top.len(), 3);
    assert_eq!(p.top[0], (p.label.clone(), p.score));
    assert!(p.top.windows(2).all(|w| w[0].1 >= w[1].1), "{p:?}");
    let sum: f32 = p.top.iter().map(|t| t.1).sum();
    assert!(
        (sum - 1.0).abs() < 1e-4,
        "three labels: the top is all of them"
    );
    assert_eq!(m.classify("河道里的污水很臭").label, "环境保护");
    assert_eq!(m.classify("孩子幼儿园入学").label, "教育文体");
}

/// The first line is the head (the title, as the server and `suqiu text` join it): a title's
/// word that the body also has counts more than a body's word alone.
#[test]
fn the_first_line_is_the_head() {
    let s = Settings::default().features;
    let seg = crate::Segmenter::shared();
    let titled = s.extract(seg, "路灯\n噪音");
    let spaced = s.extract(seg, "路灯 噪音");
    let head = |f: &[(u32, f32)]| f.iter().filter(|(id, _)| s.block(*id) >= 2).count();
    assert!(head(&titled) < head(&spaced), "噪音 is not in the head");
    assert_eq!(titled.len() - head(&titled), spaced.len() - head(&spaced));
}

#[test]
fn training_is_deterministic() {
    assert_eq!(model().to_bytes(), model().to_bytes());
}

#[test]
fn bytes_round_trip() {
    let m = model();
    let bytes = m.to_bytes();
    let back = Model::from_bytes(&bytes).unwrap();
    assert_eq!(back.to_bytes(), bytes);
    for (t, _) in examples() {
        assert_eq!(back.classify(&t), m.classify(&t));
    }
}

#[test]
fn other_versions_and_damage_are_refused() {
    let bytes = model().to_bytes();
    let mut other = bytes.clone();
    let next = FORMAT_VERSION + 1;
    other[8..10].copy_from_slice(&next.to_le_bytes());
    let e = Model::from_bytes(&other).unwrap_err();
    assert_eq!(e, ModelError::Version { found: next });
    assert!(e.to_string().contains("重新训练"), "{e}");
    assert_eq!(
        Model::from_bytes(b"a,b\n1,2\n").unwrap_err(),
        ModelError::NotAModel
    );
    assert_eq!(Model::from_bytes(b"").unwrap_err(), ModelError::NotAModel);
    let cut = &bytes[..bytes.len() / 2];
    assert!(matches!(
        Model::from_bytes(cut),
        Err(ModelError::Damaged(_))
    ));
}

#[test]
fn too_few_labels_is_an_error() {
    assert_eq!(
        Model::train(&[], &Settings::default()).unwrap_err(),
        TrainError::NoTexts
    );
    let one = [("水管破裂", "城建"), ("路灯坏了", "城建")];
    let e = Model::train(&one, &Settings::default()).unwrap_err();
    assert_eq!(e, TrainError::OneLabel("城建".into()));
}

#[test]
fn the_baseline_trains_too() {
    let m = Model::train(&pairs(&examples()), &Settings::baseline()).unwrap();
    assert_eq!(m.classify("楼道墙皮脱落").label, "城乡建设");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Any text — unknown words, emoji, control characters, nothing at all — gets three
    /// labels with probabilities, never a panic.
    #[test]
    fn any_text_is_classified(text in "\\PC{0,60}") {
        let m = MODEL.with(Clone::clone);
        let p = m.classify(&text);
        prop_assert_eq!(p.top.len(), 3);
        prop_assert!(p.top.iter().all(|(_, s)| s.is_finite() && (0.0..=1.0).contains(s)));
        prop_assert!(m.labels().contains(&p.label));
    }
}

thread_local! {
    static MODEL: Model = model();
}
