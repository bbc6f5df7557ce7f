//! Tests of `cli/text.rs`.

use super::*;
use crate::fix::{Applicability, Edit, Fix};
use crate::text::{LineIndex, Span};

fn report(text: &str, span: Span, fix: Option<Fix>) -> FileReport {
    FileReport {
        display: "t.yaml".into(),
        uri: "t.yaml".into(),
        text: text.into(),
        index: LineIndex::new(text),
        diagnostics: vec![Diagnostic {
            code: "S3-111".into(),
            span,
            severity: Severity::Error,
            message: "public ACL".into(),
            resource: Some("Logs".into()),
            related: Vec::new(),
            fix,
        }],
        fixed: 0,
    }
}

#[test]
fn renders_marker_under_the_span_in_characters() {
    let text = "a: 1\nb:\n  \u{e9}\u{e9}: PublicRead\n";
    let start = text.find("PublicRead").unwrap();
    let fix = Fix {
        title: "Use `Private`".into(),
        applicability: Applicability::Safe,
        edits: vec![Edit {
            span: Span::new(start, start + 10),
            text: "Private".into(),
            snippet: None,
        }],
    };
    let f = report(text, Span::new(start, start + 10), Some(fix));
    let files = [f];
    let s = Summary::of(&files);
    let out = render(&files, &s, Style { color: false }, false);
    let expected = "\
t.yaml:3:7: S3-111 [error] public ACL
  |
3 |   \u{e9}\u{e9}: PublicRead
  |       ^^^^^^^^^^
  = help: Use `Private`

Found 1 problem (1 error, 0 warnings, 0 info) in 1 file; 1 fixable with --fix.
";
    assert_eq!(out, expected);
}

#[test]
fn empty_and_multi_line_spans_get_carets() {
    let text = "ab\ncd\n";
    let files = [report(text, Span::new(1, 4), None)];
    let out = render(&files, &Summary::of(&files), Style { color: false }, true);
    assert!(out.contains("1 | ab\n  |  ^\n"), "{out}");
    let files = [report(text, Span::empty(0), None)];
    let out = render(&files, &Summary::of(&files), Style { color: false }, true);
    assert!(out.contains("1 | ab\n  | ^\n"), "{out}");
    assert!(!out.contains("Found"));
}

#[test]
fn colours_only_when_asked() {
    let files = [report("ab\n", Span::new(0, 2), None)];
    let out = render(&files, &Summary::of(&files), Style { color: true }, false);
    assert!(out.contains("\x1b[1;31m[error]\x1b[0m"));
    let s = Summary::default();
    assert_eq!(
        summary_line(&s, Style { color: false }),
        "No problems found in 0 templates."
    );
}

#[test]
fn long_lines_are_shown_as_a_window_around_the_marker() {
    // A minified template: one line of thousands of characters, with
    // multi-byte characters before the flagged value.
    let filler = "{\"K\":\"日本😀\"},".repeat(400);
    let text = format!("{{\"A\":[{filler}\"PublicRead\",{filler}]}}\n");
    let start = text.find("PublicRead").unwrap();
    let files = [report(&text, Span::new(start, start + 10), None)];
    let out = render(&files, &Summary::of(&files), Style { color: false }, true);
    let lines: Vec<&str> = out.lines().collect();
    // `1 | ...` then the marker line: exactly under `PublicRead`.
    let shown = lines[2].strip_prefix("1 | ").unwrap();
    let marker = lines[3].strip_prefix("  | ").unwrap();
    assert!(
        shown.starts_with("...") && shown.ends_with("..."),
        "{shown}"
    );
    assert_eq!(shown.chars().count(), 120 + 6, "{shown}");
    let pad = marker.len() - marker.trim_start().len();
    let under: String = shown.chars().skip(pad).take(10).collect();
    assert_eq!(under, "PublicRead");
    assert_eq!(marker.trim_start(), "^".repeat(10));
}

#[test]
fn short_lines_are_shown_whole() {
    let text = format!("{}X{}\n", "a".repeat(100), "b".repeat(19));
    let at = text.find('X').unwrap();
    let files = [report(&text, Span::new(at, at + 1), None)];
    let out = render(&files, &Summary::of(&files), Style { color: false }, true);
    assert!(out.contains(&format!("1 | {}", text.trim_end())), "{out}");
}
