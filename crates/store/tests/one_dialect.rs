//! Every difference between SQLite and PostgreSQL lives in `crates/store/src/dialect.rs`:
//! no other source file of the workspace matches on `Backend::`. Tests may choose a backend,
//! so unit-test modules (everything from a file's `#[cfg(test)]` on) and the test kit
//! (`crates/testkit`, which makes a database of either kind) are not read.

use std::path::{Path, PathBuf};

const DIALECT: &str = "crates/store/src/dialect.rs";
/// Test code, whose crate is only ever a dev-dependency.
const TEST_KIT: &str = "testkit";

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `file:line: text` for each line of `source` before its tests that names a backend.
fn backend_branches(file: &str, source: &str) -> Vec<String> {
    source
        .lines()
        .take_while(|line| line.trim() != "#[cfg(test)]")
        .enumerate()
        .filter(|(_, line)| line.contains("Backend::"))
        .map(|(i, line)| format!("{file}:{}: {}", i + 1, line.trim()))
        .collect()
}

#[test]
fn only_the_dialect_matches_on_the_backend() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for krate in std::fs::read_dir(root.join("crates")).expect("the crates directory") {
        let krate = krate.expect("a crate").path();
        let src = krate.join("src");
        if src.is_dir() && !krate.ends_with(TEST_KIT) {
            rust_files(&src, &mut files);
        }
    }
    assert!(
        files.iter().any(|f| f.ends_with(DIALECT)),
        "the walk reached {DIALECT}"
    );
    let mut found = Vec::new();
    for path in &files {
        let file = path.strip_prefix(&root).unwrap_or(path).to_string_lossy();
        if file == DIALECT {
            continue;
        }
        let source = std::fs::read_to_string(path).expect("a source file");
        found.extend(backend_branches(&file, &source));
    }
    assert!(
        found.is_empty(),
        "backend differences outside {DIALECT} (name the difference there instead):\n{}",
        found.join("\n")
    );
}

#[test]
fn a_backend_branch_is_found_and_test_modules_are_not_read() {
    let source = "fn a() {\n    if b == Backend::Sqlite {}\n}\n#[cfg(test)]\nmod tests {\n    Backend::Postgres;\n}\n";
    assert_eq!(
        backend_branches("x.rs", source),
        vec!["x.rs:2: if b == Backend::Sqlite {}".to_string()]
    );
}
