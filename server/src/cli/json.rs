//! `--format json`: the stable schema documented in `docs/json-output.md`.
//! Lines are 1-based; columns are 1-based UTF-16 code units.

use super::report::{FileReport, Pos, Summary};
use crate::rules;
use crate::text::{Encoding, Span};
use anyhow::Result;
use serde_json::{json, Value};

/// Schema version; bumped only on incompatible changes.
pub const VERSION: u32 = 1;

fn pos(p: Pos) -> Value {
    json!({ "line": p.line, "column": p.column })
}

fn range(f: &FileReport, span: Span) -> (Value, Value) {
    let (s, e) = f.range(span, Encoding::Utf16);
    (pos(s), pos(e))
}

pub fn render(files: &[FileReport], summary: &Summary) -> Result<String> {
    let mut diagnostics = Vec::new();
    for f in files {
        for d in &f.diagnostics {
            let (start, end) = range(f, d.span);
            let fix = d.fix.as_ref().map(|fix| {
                let edits: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        let (start, end) = range(f, e.span);
                        json!({
                            "start": start,
                            "end": end,
                            "content": e.text,
                        })
                    })
                    .collect();
                json!({
                    "title": fix.title,
                    "applicability": fix.applicability,
                    "edits": edits,
                })
            });
            let related: Vec<Value> = d
                .related
                .iter()
                .map(|r| {
                    let (start, end) = range(f, r.span);
                    json!({ "start": start, "end": end, "message": r.message })
                })
                .collect();
            diagnostics.push(json!({
                "path": f.display,
                "code": d.code,
                "severity": d.severity,
                "message": d.message,
                "resource": d.resource,
                "url": rules::find(&d.code).map(crate::docs::rule_url),
                "start": start,
                "end": end,
                "related": related,
                "fix": fix,
            }));
        }
    }
    let files: Vec<Value> = files
        .iter()
        .map(|f| {
            json!({
                "path": f.display,
                "problems": f.diagnostics.len(),
                "fixed": f.fixed,
            })
        })
        .collect();
    let doc = json!({
        "version": VERSION,
        "tool": { "name": "bucketguard", "version": env!("CARGO_PKG_VERSION") },
        "files": files,
        "diagnostics": diagnostics,
        "summary": {
            "files_checked": summary.files_checked,
            "files_with_problems": summary.files_with_problems,
            "problems": summary.problems,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "info": summary.info,
            "fixable": summary.fixable,
            "fixed": summary.fixed,
        },
    });
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}
