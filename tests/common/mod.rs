//! Helpers shared by the integration tests.
#![allow(dead_code)]

use bucketguard::analysis::{self, Diagnostic};
use bucketguard::settings::Settings;
use bucketguard::text::{Encoding, LineIndex, Span};
use std::path::{Path, PathBuf};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the repository, when present (CI has it; a user's clone does not).
pub fn shared_dir() -> Option<PathBuf> {
    let p = repo_root().join("..").join("shared");
    p.is_dir().then_some(p)
}

pub fn analyze(path: &str, text: &str) -> Vec<Diagnostic> {
    analysis::analyze(path, text, &Settings::default()).diagnostics
}

/// Every file under `dir` (recursively) with one of `exts`, sorted.
pub fn files_under(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if exts
                .iter()
                .any(|x| p.extension().and_then(|s| s.to_str()) == Some(*x))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// 1-based `line:col-endline:endcol` with columns in `enc` units, 1-based.
pub fn range_string(text: &str, idx: &LineIndex, span: Span, enc: Encoding) -> String {
    let s = idx.position(text, span.start, enc);
    let e = idx.position(text, span.end, enc);
    format!("{}:{}-{}:{}", s.line + 1, s.col + 1, e.line + 1, e.col + 1)
}
