//! The human-readable report: one block per problem with the source line
//! and a `^^^` marker, then a summary.

use super::report::{self, FileReport, Summary};
use crate::analysis::Diagnostic;
use crate::rules::Severity;
use crate::text::Encoding;
use std::fmt::Write as _;
use std::io::IsTerminal;

/// Colours on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    /// Colour only when stdout is a terminal and `NO_COLOR` is unset or empty.
    pub fn detect() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: !no_color && std::io::stdout().is_terminal(),
        }
    }

    fn paint(self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

fn severity_color(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;36",
    }
}

const TAB_WIDTH: usize = 4;

/// Render every problem and, unless `quiet`, the summary.
pub fn render(files: &[FileReport], summary: &Summary, style: Style, quiet: bool) -> String {
    let mut out = String::new();
    for f in files {
        for d in &f.diagnostics {
            render_one(&mut out, f, d, style);
            out.push('\n');
        }
    }
    if !quiet {
        out.push_str(&summary_line(summary, style));
        out.push('\n');
    }
    out
}

fn render_one(out: &mut String, f: &FileReport, d: &Diagnostic, style: Style) {
    // Columns in characters.
    let (start, end) = f.range(d.span, Encoding::Utf32);
    let sev = d.severity.as_str();
    let _ = writeln!(
        out,
        "{}:{}:{}: {} {} {}",
        style.paint("1", &f.display),
        start.line,
        start.column,
        style.paint("1", &d.code),
        style.paint(severity_color(d.severity), &format!("[{sev}]")),
        d.message
    );

    let line0 = (start.line - 1) as usize;
    let span = f.index.line_span(&f.text, line0);
    let source = f.text.get(span.start..span.end).unwrap_or("");
    let number = start.line.to_string();
    let gutter = " ".repeat(number.len());
    let bar = style.paint("34", "|");

    // The marker runs from the start column to the end column on the same
    // line, else to the end of the first line; at least one caret.
    let chars: Vec<char> = source.chars().collect();
    let first = (start.column as usize - 1).min(chars.len());
    let last = if end.line == start.line {
        (end.column as usize - 1).min(chars.len())
    } else {
        chars.len()
    };
    let width = |cs: &[char]| -> usize {
        cs.iter()
            .map(|c| if *c == '\t' { TAB_WIDTH } else { 1 })
            .sum()
    };
    let pad = width(&chars[..first]);
    let carets = width(&chars[first..last.max(first)]).max(1);
    let shown: String = source.replace('\t', &" ".repeat(TAB_WIDTH));

    let _ = writeln!(out, "{gutter} {bar}");
    let _ = writeln!(out, "{} {bar} {}", style.paint("34", &number), shown);
    let _ = writeln!(
        out,
        "{gutter} {bar} {}{}",
        " ".repeat(pad),
        style.paint(severity_color(d.severity), &"^".repeat(carets))
    );
    if let Some(fix) = &d.fix {
        let label = if report::is_safe_fix(d) {
            "help"
        } else {
            "help (needs input)"
        };
        let _ = writeln!(
            out,
            "{gutter} {} {}: {}",
            style.paint("34", "="),
            style.paint("1;32", label),
            fix.title
        );
    }
}

/// "Found 12 problems (3 errors, 7 warnings, 2 info) in 4 files; 5 fixable with --fix".
pub fn summary_line(s: &Summary, style: Style) -> String {
    if s.problems == 0 {
        let checked = report::plural(s.files_checked, "template", "templates");
        return style.paint("1;32", &format!("No problems found in {checked}."));
    }
    let mut line = format!(
        "Found {} ({}, {}, {} info) in {}",
        report::plural(s.problems, "problem", "problems"),
        report::plural(s.errors, "error", "errors"),
        report::plural(s.warnings, "warning", "warnings"),
        s.info,
        report::plural(s.files_with_problems, "file", "files"),
    );
    if s.fixable > 0 {
        let _ = write!(line, "; {} fixable with --fix", s.fixable);
    }
    line.push('.');
    style.paint("1", &line)
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
