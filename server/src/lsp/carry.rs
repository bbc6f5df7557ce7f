//! Keeping the last good findings beside a syntax error. A file that does
//! not parse gets one `syntax-error` diagnostic from the analysis; the
//! server adds the findings of the last version that parsed, but only
//! those lying in text that is byte-for-byte unchanged since (the common
//! prefix, or the common suffix, shifted), marked as such and without
//! their fixes or resource. Findings in or across edited text are
//! dropped: their position cannot be known honestly.

use crate::analysis::Diagnostic;
use crate::text::Span;

/// Appended to the message of a carried finding.
pub const CARRIED: &str = " (from the last version that parsed)";

pub use crate::analysis::has_syntax_error;

/// `current` (diagnostics of `new`, which has a syntax error) plus the
/// findings of `old_diags` (diagnostics of `old`, which parsed) that can
/// be placed in `new`, sorted by position.
pub fn with_last_good(
    current: &[Diagnostic],
    new: &str,
    old: &str,
    old_diags: &[Diagnostic],
) -> Vec<Diagnostic> {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let max_suffix = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    let old_suffix_start = a.len() - suffix;
    // Strict bounds: the byte after (or before) a kept span is unchanged
    // too, so an edit cannot have extended the flagged token.
    let map = |s: Span| -> Option<Span> {
        if s.end < prefix {
            Some(s)
        } else if s.start > old_suffix_start {
            let shift = |o: usize| o - old_suffix_start + (b.len() - suffix);
            Some(Span::new(shift(s.start), shift(s.end)))
        } else {
            None
        }
    };
    let mut out: Vec<Diagnostic> = current.to_vec();
    for d in old_diags {
        let Some(span) = map(d.span) else {
            continue;
        };
        let mut carried = d.clone();
        carried.span = span;
        carried.message.push_str(CARRIED);
        carried.fix = None;
        // No suppression action either: the text around it has changed.
        carried.resource = None;
        carried.related = d
            .related
            .iter()
            .filter_map(|r| {
                map(r.span).map(|span| crate::rules::Related {
                    span,
                    message: r.message.clone(),
                })
            })
            .collect();
        out.push(carried);
    }
    out.sort_by(|x, y| {
        (x.span.start, x.span.end, &x.code).cmp(&(y.span.start, y.span.end, &y.code))
    });
    out
}

#[cfg(test)]
#[path = "carry_tests.rs"]
mod tests;
