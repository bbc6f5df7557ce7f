//! What `check` found, in a form every output format reads.

use crate::analysis::Diagnostic;
use crate::fix::Applicability;
use crate::rules::Severity;
use crate::text::{Encoding, LineIndex, Span};
use std::io::Write;

/// One checked template and what remains in it.
#[derive(Debug)]
pub struct FileReport {
    /// The path to show: relative to the current folder when below it.
    pub display: String,
    /// The path as a URI reference: relative with `/` separators when below
    /// the current folder, else a `file://` URI; percent-encoded.
    pub uri: String,
    pub text: String,
    pub index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
    /// Problems fixed by `--fix`.
    pub fixed: usize,
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl FileReport {
    /// 1-based start and end of `span`, columns counted in `enc` units.
    pub fn range(&self, span: Span, enc: Encoding) -> (Pos, Pos) {
        let conv = |off: usize| {
            let p = self.index.position(&self.text, off, enc);
            Pos {
                line: p.line + 1,
                column: p.col + 1,
            }
        };
        (conv(span.start), conv(span.end))
    }
}

/// Totals over a run (serialized as the JSON output's `summary`).
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Templates checked (files that were not templates are not counted).
    pub files_checked: usize,
    pub files_with_problems: usize,
    pub problems: usize,
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
    /// Remaining problems with a safe fix.
    pub fixable: usize,
    /// Problems fixed by `--fix`.
    pub fixed: usize,
}

impl Summary {
    pub fn of(files: &[FileReport]) -> Summary {
        let mut s = Summary {
            files_checked: files.len(),
            ..Summary::default()
        };
        for f in files {
            s.fixed += f.fixed;
            if !f.diagnostics.is_empty() {
                s.files_with_problems += 1;
            }
            for d in &f.diagnostics {
                s.problems += 1;
                match d.severity {
                    Severity::Error => s.errors += 1,
                    Severity::Warning => s.warnings += 1,
                    Severity::Info => s.info += 1,
                }
                if is_safe_fix(d) {
                    s.fixable += 1;
                }
            }
        }
        s
    }
}

pub fn is_safe_fix(d: &Diagnostic) -> bool {
    d.fix
        .as_ref()
        .is_some_and(|f| f.applicability == Applicability::Safe && !f.edits.is_empty())
}

/// `1 problem`, `2 problems`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Write to stdout; a closed pipe (`| head`) is not an error.
pub fn print_stdout(s: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Write to stdout through a buffer with `write`; a closed pipe
/// (`| head`) is not an error.
pub fn write_stdout(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Percent-encode a path for use in a URI: unreserved characters and `/`
/// stay, everything else is encoded byte by byte.
pub fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_uris() {
        assert_eq!(uri_encode("a b/ü.yaml"), "a%20b/%C3%BC.yaml");
        assert_eq!(uri_encode("x-y_z~.json"), "x-y_z~.json");
    }
}
