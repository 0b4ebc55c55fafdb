//! `suqiu text` as an analyst uses it: train on a labelled CSV, evaluate, classify lines from
//! standard input, cross-validate; every bad input is one message naming the line or column
//! and exit code 2. Then the real thing: trained on the shared 问政 messages, scored on the
//! ones it did not see.

use std::collections::HashSet;

mod text_common;
use text_common::{quoted, refused, shared_data, suqiu, workdir};

use serde_json::Value;
use suqiu_text::table::Table;

/// A small labelled file with the awkward parts of real exports: a BOM, CRLF, quoted commas
/// and newlines, quotes inside quotes, a blank line.
fn synthetic_csv() -> String {
    let topics = [
        (
            "城乡建设",
            ["小区路灯损坏", "楼道墙皮脱落", "道路施工围挡占道"],
        ),
        (
            "环境保护",
            ["工厂排放废气", "河道污水发臭", "夜间施工噪音扰民"],
        ),
        (
            "教育文体",
            ["学校乱收费", "幼儿园入学难", "体育馆不对外开放"],
        ),
    ];
    let details = [
        "请尽快处理，谢谢",
        "已多次反映，\r\n至今无果",
        "希望“领导”重视, \"尽快\"解决",
    ];
    let mut csv = String::from("\u{feff}编号,主题,详情,类别\r\n");
    let mut id = 0;
    for (label, titles) in topics {
        for title in titles {
            for (j, detail) in details.iter().enumerate() {
                id += 1;
                let row = [id.to_string(), format!("A{j}区{title}"), detail.to_string()];
                let fields: Vec<String> = row.iter().map(|f| quoted(f)).collect();
                csv.push_str(&format!("{},{label}\r\n", fields.join(",")));
            }
        }
        csv.push_str("\r\n");
    }
    csv
}

#[test]
fn train_eval_classify_and_cv_on_a_small_file() {
    let dir = workdir("ok");
    std::fs::write(dir.join("train.csv"), synthetic_csv()).unwrap();
    let cols = [
        "--input",
        "train.csv",
        "--text",
        "主题,详情",
        "--label",
        "类别",
    ];
    let train = [&["text", "train"][..], &cols, &["--model", "m.bin"]].concat();
    let r = suqiu(&dir, &train, "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("27 条文本，3 个标签"), "{}", r.stdout);
    assert!(dir.join("m.bin").exists() && !dir.join("m.partial").exists());

    let r = suqiu(
        &dir,
        &[&["text", "eval", "--model", "m.bin"][..], &cols].concat(),
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(r.stdout.trim()).expect("one JSON object");
    assert_eq!(v["n"], 27);
    assert!(v["accuracy"].as_f64().unwrap() >= 0.9, "{v}");
    assert!(v["macro_f1"].as_f64().unwrap() >= 0.9, "{v}");
    assert_eq!(v["top3_accuracy"], 1.0, "three labels: always in the top 3");
    assert!(v["ms_per_text"].as_f64().unwrap() < 5.0, "{v}");
    let per = &v["per_label"]["环境保护"];
    assert_eq!(per["n"], 9, "{v}");
    assert!(per["precision"].is_f64() && per["recall"].is_f64() && per["f1"].is_f64());

    let r = suqiu(
        &dir,
        &["text", "classify", "--model", "m.bin"],
        "我们小区的路灯坏了\r\n河道里全是污水\n\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        3,
        "one line out per line in, the empty one too"
    );
    assert_eq!(lines[0]["label"], "城乡建设", "{}", r.stdout);
    assert_eq!(lines[1]["label"], "环境保护", "{}", r.stdout);
    for l in &lines {
        let top = l["top"].as_array().unwrap();
        assert_eq!(top.len(), 3);
        assert_eq!(top[0][0], l["label"]);
        assert_eq!(top[0][1], l["score"]);
    }

    let cv = ["text", "cv", "--input", "train.csv", "--text", "主题,详情"];
    let r = suqiu(
        &dir,
        &[&cv[..], &["--label", "分类,类别", "--folds", "3"]].concat(),
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(
        (v["n"].as_u64(), v["folds"].as_u64()),
        (Some(27), Some(3)),
        "{v}"
    );
    // Nine texts to learn from per fold and label: better than chance (1/3), no more.
    let [f1, sd] = [0, 1].map(|i| v["macro_f1"][i].as_f64().unwrap());
    assert!(f1 > 0.34 && f1 <= 1.0 && sd >= 0.0, "{v}");
    assert_eq!(v["top3_accuracy"][0], 1.0, "{v}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A taxonomy's terms teach what no training text says: 垃圾分类 is nowhere in the synthetic
/// file, and only the taxonomy puts it under 环境保护. Its labels that no text has are left
/// out, and a row without a label is refused by its line.
#[test]
fn a_taxonomy_teaches_its_terms() {
    let dir = workdir("taxonomy");
    std::fs::write(dir.join("train.csv"), synthetic_csv()).unwrap();
    let taxonomy = "一级分类,二级分类,三级分类\n\
                    环境保护,环境卫生,垃圾分类投放\n\
                    环境保护,环境卫生,垃圾分类收运\n\
                    城乡建设,市政设施,路灯照明\n\
                    纪检监察,违纪举报,公职人员违纪\n";
    std::fs::write(dir.join("tax.csv"), taxonomy).unwrap();
    let train = [
        "text",
        "train",
        "--input",
        "train.csv",
        "--text",
        "主题,详情",
        "--label",
        "类别",
    ];
    let text = "小区垃圾分类投放点一直没人管\n";
    let label_of = |model: &str, extra: &[&str]| {
        let args = [&train[..], &["--model", model], extra].concat();
        let r = suqiu(&dir, &args, "");
        assert_eq!(r.code, 0, "{}", r.stderr);
        let r = suqiu(&dir, &["text", "classify", "--model", model], text);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
        v["label"].as_str().unwrap().to_string()
    };
    assert_eq!(
        label_of("taught.bin", &["--taxonomy", "tax.csv"]),
        "环境保护"
    );
    let args = [&train[..], &["--model", "t.bin", "--taxonomy", "tax.csv"]].concat();
    let r = suqiu(&dir, &args, "");
    assert!(
        r.stdout.contains("27 条文本和 3 条分类词，3 个标签"),
        "纪检监察 has no text, so it is no label: {}",
        r.stdout
    );

    std::fs::write(
        dir.join("bad.csv"),
        "一级分类,三级分类\n环境保护,垃圾分类\n,路灯\n",
    )
    .unwrap();
    let args = [&train[..], &["--model", "x.bin", "--taxonomy", "bad.csv"]].concat();
    refused(&dir, &args, &["bad.csv", "第 3 行", "一级分类"]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_input_names_the_line_or_column_and_exits_2() {
    let dir = workdir("bad");
    let w = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    w("ok.csv", synthetic_csv().as_bytes());
    w(
        "nolabel.csv",
        "主题,类别\n水管破裂,城建\n路灯坏了,\n".as_bytes(),
    );
    w(
        "gbk.csv",
        b"\xe4\xb8\xbb\xe9\xa2\x98,label\nok,a\n\xd6\xd0\xce\xc4,b\n",
    );
    w(
        "ragged.tsv",
        "主题\t类别\n水管\t城建\n噪音\t环保\t多余\n".as_bytes(),
    );
    w("notmodel.bin", b"not a model");
    // (file, text columns, label column, what the message must say)
    let cases: [(&str, &str, &str, &[&str]); 6] = [
        (
            "ok.csv",
            "主题,正文",
            "类别",
            &["「正文」", "编号、主题、详情、类别"],
        ),
        ("ok.csv", "主题", "一级分类", &["「一级分类」"]),
        ("nolabel.csv", "主题", "类别", &["第 3 行", "标签"]),
        ("gbk.csv", "主题", "label", &["第 3 行", "UTF-8"]),
        ("ragged.tsv", "主题", "类别", &["第 3 行", "3 个字段"]),
        ("missing.csv", "主题", "类别", &["无法读取", "missing.csv"]),
    ];
    for (input, text, label, needles) in cases {
        let args = ["text", "train", "--input", input, "--text", text];
        refused(
            &dir,
            &[&args[..], &["--label", label, "--model", "out.bin"]].concat(),
            needles,
        );
    }
    assert!(!dir.join("out.bin").exists(), "no model from bad input");
    let eval = [
        "text",
        "eval",
        "--model",
        "notmodel.bin",
        "--input",
        "ok.csv",
    ];
    refused(
        &dir,
        &[&eval[..], &["--text", "主题", "--label", "类别"]].concat(),
        &["不是"],
    );
    refused(
        &dir,
        &["text", "classify", "--model", "none.bin"],
        &["无法读取模型"],
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Trained on fj2_fullrows, scored on the fj2_sample messages that are not in it (the two
/// files share 96 ids) with the fj1 taxonomy's terms: macro-F1 and top-3 clear their floors
/// (measured: 0.901 and 0.987; this split is harder than cross-validation's, see BENCHMARKS.md),
/// and the baseline (measured 0.789) stays well behind.
#[test]
fn real_messages_are_classified_well() {
    let data = shared_data().join("tipdm2020");
    let dir = workdir("real");
    let full = data.join("fj2_fullrows_1842.csv");
    let known: HashSet<String> = {
        let t = Table::read(&full).unwrap();
        let id = t.column("留言编号").unwrap();
        t.rows.iter().map(|r| r.fields[id].clone()).collect()
    };
    let sample = Table::read(&data.join("fj2_sample_495.csv")).unwrap();
    let id = sample.column("留言编号").unwrap();
    let mut csv = sample
        .header
        .iter()
        .map(|h| quoted(h))
        .collect::<Vec<_>>()
        .join(",")
        + "\n";
    let unseen: Vec<_> = sample
        .rows
        .iter()
        .filter(|r| !known.contains(&r.fields[id]))
        .collect();
    for row in &unseen {
        let fields: Vec<String> = row.fields.iter().map(|f| quoted(f)).collect();
        csv.push_str(&(fields.join(",") + "\n"));
    }
    assert!(unseen.len() > 350, "{} unseen messages", unseen.len());
    std::fs::write(dir.join("unseen.csv"), csv).unwrap();

    let full = full.to_str().unwrap();
    let text = "留言主题,留言详情";
    let mut f1 = Vec::new();
    let taxonomy = data.join("fj1_taxonomy.csv");
    let taxonomy = ["--taxonomy", taxonomy.to_str().unwrap()];
    for (model, extra) in [
        ("ours.bin", &taxonomy[..]),
        ("baseline.bin", &["--baseline"]),
    ] {
        let mut args = vec!["text", "train", "--input", full, "--text", text];
        args.extend(["--label", "一级标签", "--model", model]);
        args.extend(extra);
        let r = suqiu(&dir, &args, "");
        assert_eq!(r.code, 0, "{}", r.stderr);
        let args = [
            "text",
            "eval",
            "--model",
            model,
            "--input",
            "unseen.csv",
            "--text",
            text,
        ];
        let r = suqiu(&dir, &[&args[..], &["--label", "一级分类"]].concat(), "");
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
        eprintln!("{model}: {v}");
        assert_eq!(v["n"].as_u64(), Some(unseen.len() as u64));
        assert!(v["ms_per_text"].as_f64().unwrap() < 1.0, "{v}");
        f1.push((
            v["macro_f1"].as_f64().unwrap(),
            v["top3_accuracy"].as_f64().unwrap(),
        ));
    }
    let ((ours, top3), (baseline, _)) = (f1[0], f1[1]);
    assert!(ours >= 0.89, "macro-F1 {ours:.4} below the floor 0.89");
    assert!(top3 >= 0.98, "top-3 {top3:.4} below the floor 0.98");
    assert!(
        ours > baseline + 0.05,
        "ours {ours:.4} vs baseline {baseline:.4}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Stratified 5-fold cross-validation on both fj2 files, deduplicated by id (2,240 texts),
/// with the taxonomy's terms in every fold's training, as BENCHMARKS.md reports it: macro-F1
/// measured 0.8995, top-3 0.993 (seeded: the same every run).
#[test]
fn cross_validated_on_the_real_messages() {
    let data = shared_data().join("tipdm2020");
    let files = ["fj2_fullrows_1842.csv", "fj2_sample_495.csv"].map(|f| data.join(f));
    let [full, sample] = files.each_ref().map(|p| p.to_str().unwrap());
    let taxonomy = data.join("fj1_taxonomy.csv");
    let taxonomy = taxonomy.to_str().unwrap();
    let args = [
        "text",
        "cv",
        "--input",
        full,
        "--input",
        sample,
        "--text",
        "留言主题,留言详情",
    ];
    let more = [
        "--label",
        "一级标签,一级分类",
        "--id",
        "留言编号",
        "--folds",
        "5",
        "--taxonomy",
        taxonomy,
    ];
    let r = suqiu(&std::env::temp_dir(), &[&args[..], &more].concat(), "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    eprintln!("{v}");
    assert_eq!(
        v["n"], 2240,
        "1,842 + 495 rows, 96 ids in both, one twice: {v}"
    );
    let f1 = v["macro_f1"][0].as_f64().unwrap();
    let top3 = v["top3_accuracy"][0].as_f64().unwrap();
    assert!(
        f1 >= 0.89,
        "cross-validated macro-F1 {f1:.4} below the floor 0.89"
    );
    assert!(
        top3 >= 0.985,
        "cross-validated top-3 {top3:.4} below the floor 0.985"
    );
}
