//! What the `suqiu text …` tests share: running the binary, a scratch folder, RFC 4180
//! quoting, the refusal check, and the shared data folder.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const EXE: &str = env!("CARGO_BIN_EXE_suqiu");

pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn suqiu(dir: &Path, args: &[&str], stdin: &str) -> Ran {
    let mut child = Command::new(EXE)
        .args(args)
        .current_dir(dir)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn suqiu");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).expect("write stdin");
    drop(input);
    let out = child.wait_with_output().expect("wait");
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("suqiu-text-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// One CSV field, quoted as RFC 4180 says.
pub fn quoted(field: &str) -> String {
    format!("\"{}\"", field.replace('"', "\"\""))
}

/// Runs a command expected to refuse: exit 2, and the message says `needles`.
pub fn refused(dir: &Path, args: &[&str], needles: &[&str]) {
    let r = suqiu(dir, args, "");
    assert_eq!(r.code, 2, "{args:?}: {} {}", r.stdout, r.stderr);
    for n in needles {
        assert!(r.stderr.contains(n), "{args:?}: {n:?} not in {}", r.stderr);
    }
    assert!(
        r.stdout.is_empty() && !r.stderr.contains("panicked"),
        "{}",
        r.stderr
    );
}

/// The shared data folder: `SUQIU_SHARED_DATA`, else `<repo>/../shared/data`, else
/// `/work/shared/data`. Missing, the test fails: it never skips.
pub fn shared_data() -> PathBuf {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let candidates = [
        std::env::var_os("SUQIU_SHARED_DATA").map(PathBuf::from),
        Some(repo.join("../shared/data")),
        Some(PathBuf::from("/work/shared/data")),
    ];
    let found = candidates
        .iter()
        .flatten()
        .find(|d| d.join("tipdm2020").is_dir());
    found.cloned().unwrap_or_else(|| {
        panic!(
            "the shared data folder is missing: set SUQIU_SHARED_DATA to the folder holding \
             tipdm2020/ (tried {candidates:?}). This test needs it and does not skip."
        )
    })
}
