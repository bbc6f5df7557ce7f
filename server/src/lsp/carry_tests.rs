use super::*;
use crate::analysis::SYNTAX_ERROR;
use crate::rules::Severity;

fn diag(code: &str, start: usize, end: usize) -> Diagnostic {
    Diagnostic {
        code: code.to_string(),
        span: Span::new(start, end),
        severity: Severity::Error,
        message: "m".to_string(),
        resource: None,
        related: Vec::new(),
        fix: None,
    }
}

#[test]
fn findings_in_unchanged_text_are_kept_and_shifted() {
    let old = "aaaa BAD1 xx BAD2 end";
    let new = "aaaa BAD1 x{{x BAD2 end";
    let old_diags = vec![
        diag("S3-1", 5, 9),
        diag("S3-2", 10, 12),
        diag("S3-3", 13, 17),
    ];
    let current = vec![diag(SYNTAX_ERROR, 11, 12)];
    let got = with_last_good(&current, new, old, &old_diags);
    let spans: Vec<(&str, usize, usize)> = got
        .iter()
        .map(|d| (d.code.as_str(), d.span.start, d.span.end))
        .collect();
    // S3-2 covered edited text and is dropped; S3-3 moves by two bytes.
    assert_eq!(
        spans,
        vec![("S3-1", 5, 9), (SYNTAX_ERROR, 11, 12), ("S3-3", 15, 19)]
    );
    assert_eq!(&new[15..19], "BAD2");
    assert!(got[0].message.ends_with(CARRIED));
    assert_eq!(got[1].message, "m");
}

#[test]
fn nothing_is_carried_over_a_rewrite() {
    let got = with_last_good(
        &[diag(SYNTAX_ERROR, 0, 1)],
        "{",
        "abc",
        &[diag("S3-1", 0, 3)],
    );
    assert_eq!(got.len(), 1);
    assert!(has_syntax_error(&got));
}
