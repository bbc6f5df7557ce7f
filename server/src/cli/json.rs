//! `--format json`: the stable schema documented in `docs/json-output.md`.
//! Lines are 1-based; columns are 1-based UTF-16 code units. Field order
//! follows the structs below.

use super::report::{FileReport, Pos, Summary};
use crate::fix::Applicability;
use crate::rules::{self, Severity};
use crate::text::{Encoding, Span};
use serde::Serialize;
use std::io::{self, Write};

/// Schema version; bumped only on incompatible changes.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    files: Vec<File<'a>>,
    diagnostics: Vec<Diag<'a>>,
    summary: &'a Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    problems: usize,
    fixed: usize,
}

#[derive(Serialize)]
struct Position {
    line: u32,
    column: u32,
}

impl From<Pos> for Position {
    fn from(p: Pos) -> Position {
        Position {
            line: p.line,
            column: p.column,
        }
    }
}

#[derive(Serialize)]
struct Diag<'a> {
    path: &'a str,
    code: &'a str,
    severity: Severity,
    message: &'a str,
    resource: Option<&'a str>,
    url: Option<String>,
    start: Position,
    end: Position,
    related: Vec<RelatedOut<'a>>,
    fix: Option<FixOut<'a>>,
}

#[derive(Serialize)]
struct RelatedOut<'a> {
    start: Position,
    end: Position,
    message: &'a str,
}

#[derive(Serialize)]
struct FixOut<'a> {
    title: &'a str,
    applicability: Applicability,
    edits: Vec<EditOut<'a>>,
}

#[derive(Serialize)]
struct EditOut<'a> {
    start: Position,
    end: Position,
    content: &'a str,
}

fn range(f: &FileReport, span: Span) -> (Position, Position) {
    let (s, e) = f.range(span, Encoding::Utf16);
    (s.into(), e.into())
}

/// Write the report to `w`, streamed: the 250-bucket template's 2 MB
/// report is never held in memory as one string.
pub fn write(w: &mut dyn Write, files: &[FileReport], summary: &Summary) -> io::Result<()> {
    let mut diagnostics = Vec::new();
    for f in files {
        for d in &f.diagnostics {
            let (start, end) = range(f, d.span);
            let fix = d.fix.as_ref().map(|fix| FixOut {
                title: &fix.title,
                applicability: fix.applicability,
                edits: fix
                    .edits
                    .iter()
                    .map(|e| {
                        let (start, end) = range(f, e.span);
                        EditOut {
                            start,
                            end,
                            content: &e.text,
                        }
                    })
                    .collect(),
            });
            let related = d
                .related
                .iter()
                .map(|r| {
                    let (start, end) = range(f, r.span);
                    RelatedOut {
                        start,
                        end,
                        message: &r.message,
                    }
                })
                .collect();
            diagnostics.push(Diag {
                path: &f.display,
                code: &d.code,
                severity: d.severity,
                message: &d.message,
                resource: d.resource.as_deref(),
                url: rules::find(&d.code).map(crate::docs::rule_url),
                start,
                end,
                related,
                fix,
            });
        }
    }
    let out = Output {
        version: VERSION,
        tool: Tool {
            name: "bucketguard",
            version: env!("CARGO_PKG_VERSION"),
        },
        files: files
            .iter()
            .map(|f| File {
                path: &f.display,
                problems: f.diagnostics.len(),
                fixed: f.fixed,
            })
            .collect(),
        diagnostics,
        summary,
    };
    serde_json::to_writer_pretty(&mut *w, &out)?;
    w.write_all(b"\n")
}
