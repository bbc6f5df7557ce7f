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

/// A source line longer than this many characters is shown as a window
/// around the marker (a minified template is one line of megabytes).
const MAX_SHOWN: usize = 120;
/// Characters shown before the marker in such a window.
const CONTEXT_BEFORE: usize = 40;

/// Render every problem and, unless `quiet`, the summary.
#[cfg(test)]
pub fn render(files: &[FileReport], summary: &Summary, style: Style, quiet: bool) -> String {
    let mut out = Vec::new();
    // Writing to a `Vec` cannot fail.
    let _ = write(&mut out, files, summary, style, quiet);
    String::from_utf8_lossy(&out).into_owned()
}

/// Write every problem and, unless `quiet`, the summary to `w`, one
/// problem at a time (a report can hold hundreds of thousands).
pub fn write(
    w: &mut dyn std::io::Write,
    files: &[FileReport],
    summary: &Summary,
    style: Style,
    quiet: bool,
) -> std::io::Result<()> {
    let mut block = String::new();
    for f in files {
        for d in &f.diagnostics {
            block.clear();
            render_one(&mut block, f, d, style);
            block.push('\n');
            w.write_all(block.as_bytes())?;
        }
    }
    if !quiet {
        w.write_all(summary_line(summary, style).as_bytes())?;
        w.write_all(b"\n")?;
    }
    Ok(())
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
    let line = f.index.line_span(&f.text, line0);
    let text = f.text.as_str();
    let boundary = |mut at: usize| {
        at = at.clamp(line.start, line.end);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    // The marker runs from the span's start to its end on the same line,
    // else to the end of the first line; at least one caret.
    let mark_start = boundary(d.span.start);
    let mark_end = if end.line == start.line {
        boundary(d.span.end).max(mark_start)
    } else {
        line.end
    };

    // The part of the line shown: all of it, or a window around the marker.
    let whole = &text[line.start..line.end];
    let (from, to) = if whole.chars().nth(MAX_SHOWN).is_none() {
        (line.start, line.end)
    } else {
        let before = &text[line.start..mark_start];
        let from = before
            .char_indices()
            .rev()
            .nth(CONTEXT_BEFORE.saturating_sub(1))
            .map_or(line.start, |(i, _)| line.start + i);
        let to = text[from..line.end]
            .char_indices()
            .nth(MAX_SHOWN)
            .map_or(line.end, |(i, _)| from + i);
        (from, to)
    };
    let cut_left = from > line.start;
    let cut_right = to < line.end;
    let width = |s: &str| -> usize {
        s.chars()
            .map(|c| if c == '\t' { TAB_WIDTH } else { 1 })
            .sum()
    };
    let ellipsis = "...";
    let pad = width(&text[from..mark_start]) + if cut_left { ellipsis.len() } else { 0 };
    let carets = width(&text[mark_start..mark_end.min(to).max(mark_start)]).max(1);
    let mut shown = String::new();
    if cut_left {
        shown.push_str(ellipsis);
    }
    shown.push_str(&text[from..to].replace('\t', &" ".repeat(TAB_WIDTH)));
    if cut_right {
        shown.push_str(ellipsis);
    }

    let number = start.line.to_string();
    let gutter = " ".repeat(number.len());
    let bar = style.paint("34", "|");
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
