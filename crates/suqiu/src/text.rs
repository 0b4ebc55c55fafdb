//! `suqiu text …`: the appeal-text classifier on labelled files — train a model, evaluate it,
//! classify lines from standard input, cross-validate. Thin over `suqiu_text::classify`;
//! every mistake in the input (a missing column, an empty label, a file that is not UTF-8,
//! a model of another version) is a `BadInput`: one message naming the line, exit code 2.

use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use serde_json::json;
use suqiu_text::classify::{cross_validate, report, Model, Settings};
use suqiu_text::similar::{self, first_sentence, Item, Rule};
use suqiu_text::table::Table;

use crate::backup::BadInput;

#[derive(Debug, Subcommand)]
pub enum TextCommand {
    /// Train a classifier on a labelled CSV (or .tsv) file and write the model file.
    Train {
        #[command(flatten)]
        input: Labelled,
        /// Where to write the model.
        #[arg(long)]
        model: PathBuf,
        /// Train the TF-IDF + LinearSVC baseline instead (for comparison).
        #[arg(long)]
        baseline: bool,
        #[command(flatten)]
        taxonomy: Taxonomy,
    },
    /// Score a model on a labelled file: prints one JSON object.
    Eval {
        #[arg(long)]
        model: PathBuf,
        #[command(flatten)]
        input: Labelled,
    },
    /// Classify each line of standard input: one JSON line each.
    Classify {
        #[arg(long)]
        model: PathBuf,
    },
    /// Stratified k-fold cross-validation on one or more labelled files: prints one JSON object.
    Cv(CvArgs),
    /// Group the texts of a file that describe one problem: one JSON line per group of two or
    /// more, `{"group","ids","title"}`, largest first.
    Groups(GroupsArgs),
}

#[derive(Debug, Args)]
pub struct GroupsArgs {
    /// UTF-8 CSV (RFC 4180) with a header row, or TSV when the name ends in `.tsv`.
    #[arg(long)]
    pub input: PathBuf,
    /// The text column(s), comma-separated; several are joined with a space, and the first
    /// is the title a group is shown by.
    #[arg(long, value_delimiter = ',', required = true)]
    pub text: Vec<String>,
    /// The column identifying each text.
    #[arg(long)]
    pub id: String,
    /// A column of times (2019/2/28 11:25:05, or ISO): only texts this close are grouped.
    #[arg(long)]
    pub time: Option<String>,
    /// With --time: how many days apart two texts of one problem may be.
    #[arg(long, default_value_t = 30)]
    pub window_days: u32,
    /// A location column (address), whose estates, roads and building count as the place.
    #[arg(long)]
    pub location: Option<String>,
}

/// A taxonomy whose terms teach the model beside the labelled texts.
#[derive(Debug, Args)]
pub struct Taxonomy {
    /// CSV (or .tsv) with a header: the first column a label, the others its terms from broad
    /// to narrow (e.g. 一级分类,二级分类,三级分类). Each row is one more training text for its
    /// label; labels no training text has are left out.
    #[arg(long = "taxonomy")]
    pub path: Option<PathBuf>,
}

impl Taxonomy {
    /// The taxonomy's examples, those of `labels` only.
    fn examples(&self, labels: &HashSet<&str>) -> Result<Vec<(String, String)>> {
        let Some(path) = &self.path else {
            return Ok(Vec::new());
        };
        let mut rows = Table::read(path).map_err(bad)?.taxonomy().map_err(bad)?;
        rows.retain(|(_, l)| labels.contains(l.as_str()));
        Ok(rows)
    }
}

/// A labelled file and its columns.
#[derive(Debug, Args)]
pub struct Labelled {
    /// UTF-8 CSV (RFC 4180) with a header row, or TSV when the name ends in `.tsv`.
    #[arg(long)]
    pub input: PathBuf,
    /// The text column(s), comma-separated; several are joined with a space.
    #[arg(long, value_delimiter = ',', required = true)]
    pub text: Vec<String>,
    /// The label column.
    #[arg(long)]
    pub label: String,
}

#[derive(Debug, Args)]
pub struct CvArgs {
    /// Labelled files (repeat `--input`); their rows are pooled.
    #[arg(long, required = true)]
    pub input: Vec<PathBuf>,
    #[arg(long, value_delimiter = ',', required = true)]
    pub text: Vec<String>,
    /// The label column; comma-separated names: each file's first one it has.
    #[arg(long, value_delimiter = ',', required = true)]
    pub label: Vec<String>,
    /// A column identifying a text: a row whose id came before is left out.
    #[arg(long)]
    pub id: Option<String>,
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Cross-validate the TF-IDF + LinearSVC baseline instead.
    #[arg(long)]
    pub baseline: bool,
    /// Taxonomy terms added to every fold's training (never scored).
    #[command(flatten)]
    pub taxonomy: Taxonomy,
}

fn bad(e: impl std::fmt::Display) -> anyhow::Error {
    BadInput(e.to_string()).into()
}

fn settings(baseline: bool) -> Settings {
    if baseline {
        Settings::baseline()
    } else {
        Settings::default()
    }
}

fn read_labelled(input: &Labelled) -> Result<Vec<(String, String)>> {
    let table = Table::read(&input.input).map_err(bad)?;
    table.labelled(&input.text, &input.label).map_err(bad)
}

fn load(path: &Path) -> Result<Model> {
    let bytes =
        std::fs::read(path).map_err(|e| bad(format!("无法读取模型 {}：{e}", path.display())))?;
    Model::from_bytes(&bytes).map_err(|e| bad(format!("{}：{e}", path.display())))
}

pub fn run(command: TextCommand) -> Result<()> {
    match command {
        TextCommand::Train {
            input,
            model,
            baseline,
            taxonomy,
        } => train(&input, &model, baseline, &taxonomy),
        TextCommand::Eval { model, input } => eval(&model, &input),
        TextCommand::Classify { model } => classify(&model),
        TextCommand::Cv(args) => cv(&args),
        TextCommand::Groups(args) => groups(&args),
    }
}

/// The (text, label) pairs of `rows`.
fn pairs(rows: &[(String, String)]) -> Vec<(&str, &str)> {
    rows.iter().map(|(t, l)| (t.as_str(), l.as_str())).collect()
}

fn train(input: &Labelled, out: &Path, baseline: bool, taxonomy: &Taxonomy) -> Result<()> {
    let mut rows = read_labelled(input)?;
    let texts = rows.len();
    let terms = taxonomy.examples(&rows.iter().map(|(_, l)| l.as_str()).collect())?;
    rows.extend(terms);
    let examples = pairs(&rows);
    let started = Instant::now();
    let model = Model::train(&examples, &settings(baseline)).map_err(bad)?;
    let seconds = started.elapsed().as_secs_f64();
    let bytes = model.to_bytes();
    // Written beside and renamed: a model file is whole or not there.
    let tmp = out.with_extension("partial");
    std::fs::write(&tmp, &bytes).with_context(|| format!("无法写入 {}", tmp.display()))?;
    std::fs::rename(&tmp, out).with_context(|| format!("无法写入 {}", out.display()))?;
    println!(
        "已训练：{texts} 条文本{}，{} 个标签，{} 个特征；模型 {}（{:.0} KB），用时 {seconds:.1} 秒",
        match rows.len() - texts {
            0 => String::new(),
            n => format!("和 {n} 条分类词"),
        },
        model.labels().len(),
        model.feature_count(),
        out.display(),
        bytes.len() as f64 / 1024.0
    );
    Ok(())
}

fn eval(model: &Path, input: &Labelled) -> Result<()> {
    let model = load(model)?;
    let rows = read_labelled(input)?;
    // The first text would pay for loading jieba's dictionary (~140 ms), which is no
    // text's own time.
    model.ranked("");
    let started = Instant::now();
    let ranked: Vec<Vec<&str>> = rows
        .iter()
        .map(|(t, _)| model.ranked(t).into_iter().map(|(l, _)| l).collect())
        .collect();
    let ms = started.elapsed().as_secs_f64() * 1000.0 / rows.len().max(1) as f64;
    let gold: Vec<&str> = rows.iter().map(|(_, l)| l.as_str()).collect();
    println!("{}", serde_json::to_string(&report(&gold, &ranked, ms))?);
    Ok(())
}

fn classify(model: &Path) -> Result<()> {
    let model = load(model)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (i, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.map_err(|e| bad(format!("标准输入第 {} 行无法读取：{e}", i + 1)))?;
        let p = model.classify(line.trim_end_matches('\r'));
        serde_json::to_writer(&mut out, &p)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// The rows of every file, the first row of each id only.
fn pooled(args: &CvArgs) -> Result<Vec<(String, String)>> {
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    for path in &args.input {
        let table = Table::read(path).map_err(bad)?;
        let label = (args.label.iter())
            .find(|l| table.header.contains(l))
            .unwrap_or(&args.label[0]);
        let labelled = table.labelled(&args.text, label).map_err(bad)?;
        let ids = match &args.id {
            Some(col) => Some(table.column(col).map_err(bad)?),
            None => None,
        };
        for (row, r) in table.rows.iter().zip(labelled) {
            if ids.is_none_or(|c| seen.insert(row.fields[c].clone())) {
                rows.push(r);
            }
        }
    }
    Ok(rows)
}

fn cv(args: &CvArgs) -> Result<()> {
    if args.folds < 2 {
        return Err(bad("--folds 至少为 2"));
    }
    let rows = pooled(args)?;
    let terms = (args.taxonomy).examples(&rows.iter().map(|(_, l)| l.as_str()).collect())?;
    let examples = pairs(&rows);
    let background = pairs(&terms);
    let r = cross_validate(
        &examples,
        &background,
        &settings(args.baseline),
        args.folds,
        args.seed,
    );
    let ms = r.folds.iter().map(|f| f.ms_per_text).sum::<f64>() / r.folds.len() as f64;
    let out = json!({
        "n": examples.len(),
        "taxonomy_terms": background.len(),
        "folds": args.folds,
        "seed": args.seed,
        "model": if args.baseline { "baseline" } else { "default" },
        "accuracy": r.accuracy,
        "macro_f1": r.macro_f1,
        "top3_accuracy": r.top3_accuracy,
        "train_seconds": r.train_seconds,
        "ms_per_text": ms,
    });
    println!("{out}");
    Ok(())
}

fn groups(args: &GroupsArgs) -> Result<()> {
    let table = Table::read(&args.input).map_err(bad)?;
    let texts = table.texts(&args.text).map_err(bad)?;
    let ids = table.values(&args.id).map_err(bad)?;
    let times = match &args.time {
        Some(col) => Some(table.times(col).map_err(bad)?),
        None => None,
    };
    let locations = match &args.location {
        Some(col) => Some(table.column(col).map_err(bad)?),
        None => None,
    };
    let title_col = table.column(&args.text[0]).map_err(bad)?;
    let items: Vec<Item> = (texts.into_iter().enumerate())
        .map(|(i, text)| Item {
            text,
            location: locations.map_or_else(String::new, |c| table.rows[i].fields[c].clone()),
            time: times.as_ref().map(|t| t[i]),
        })
        .collect();
    let started = Instant::now();
    let window = times
        .is_some()
        .then_some(i64::from(args.window_days) * 86_400);
    let found = similar::groups(&items, Rule::default(), window);
    let seconds = started.elapsed().as_secs_f64();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (n, g) in found.iter().enumerate() {
        let title = first_sentence(&table.rows[g.central].fields[title_col]);
        let ids: Vec<&str> = g.members.iter().map(|&i| ids[i].as_str()).collect();
        let line = json!({"group": n + 1, "ids": ids, "title": title});
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    let grouped: usize = found.iter().map(|g| g.members.len()).sum();
    eprintln!(
        "已分组：{} 条文本，{} 组（共 {grouped} 条），用时 {seconds:.2} 秒",
        items.len(),
        found.len()
    );
    Ok(())
}
