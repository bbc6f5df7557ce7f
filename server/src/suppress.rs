//! Suppressions: `# bucketguard: ignore[S3-401] -- reason` comments and
//! per-resource ignore lists, and the stale-suppression check.

use crate::text::{LineIndex, Span};

/// One suppression written in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The rule ids it names; empty means every rule.
    pub ids: Vec<(String, Span)>,
    /// Where it is written (the comment, or the metadata list).
    pub span: Span,
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// A comment covering findings that start on `line` or `line + 1` (zero-based).
    Line(usize),
    /// A resource-level list covering findings about `resource`.
    Resource(String),
    /// A comment on a block header (HCL) covering findings inside the block.
    Block(Span),
}

const MARKER: &str = "bucketguard:";

/// True when some comment among `comments` mentions the suppression marker;
/// when none does, [`from_comments`] finds nothing.
pub fn any_marker(text: &str, comments: &[Span]) -> bool {
    comments.iter().any(|c| {
        text.get(c.start..c.end)
            .is_some_and(|body| body.contains(MARKER))
    })
}

/// In the comment `body` (`# ...`, `// ...`), when it is a suppression
/// with an id list as [`from_comments`] reads it, the offset of the list's
/// closing `]`: where one more id goes.
pub fn list_close(body: &str) -> Option<usize> {
    let lead = body
        .bytes()
        .take_while(|b| matches!(b, b'#' | b'/' | b' ' | b'\t'))
        .count();
    let after = body.get(lead..)?.strip_prefix(MARKER)?.trim_start();
    let tail = after.strip_prefix("ignore")?.strip_prefix('[')?;
    let close = tail.find(']')?;
    Some(body.len() - tail.len() + close)
}

/// Parse the suppression comments among `comments` (spans of `# ...`).
pub fn from_comments(text: &str, index: &LineIndex, comments: &[Span]) -> Vec<Suppression> {
    let mut out = Vec::new();
    for c in comments {
        let Some(body) = text.get(c.start..c.end) else {
            continue;
        };
        // Strip the comment leader (`#` or `//`) and spaces.
        let lead = body
            .bytes()
            .take_while(|b| matches!(b, b'#' | b'/' | b' ' | b'\t'))
            .count();
        let rest = &body[lead..];
        if !rest.starts_with(MARKER) {
            continue;
        }
        let after = &rest[MARKER.len()..];
        let skipped = after.len() - after.trim_start().len();
        let after = after.trim_start();
        if !after.starts_with("ignore") {
            continue;
        }
        let base = c.start + lead + MARKER.len() + skipped + "ignore".len();
        let tail = &after["ignore".len()..];
        let mut ids = Vec::new();
        if let Some(list) = tail.strip_prefix('[') {
            let Some(close) = list.find(']') else {
                continue;
            };
            let mut pos = base + 1;
            for part in list[..close].split(',') {
                let trimmed = part.trim();
                let lead_ws = part.len() - part.trim_start().len();
                if !trimmed.is_empty() {
                    let start = pos + lead_ws;
                    ids.push((trimmed.to_string(), Span::new(start, start + trimmed.len())));
                }
                pos += part.len() + 1;
            }
        } else if !(tail.is_empty() || tail.starts_with(' ') || tail.starts_with('\t')) {
            continue;
        }
        out.push(Suppression {
            ids,
            span: *c,
            scope: Scope::Line(index.line_of(c.start)),
        });
    }
    out
}

impl Suppression {
    /// Does this suppression cover a finding of `rule` at `span` about `resource`?
    pub fn covers(
        &self,
        index: &LineIndex,
        rule: &str,
        span: Span,
        resource: Option<&str>,
    ) -> bool {
        let in_scope = match &self.scope {
            Scope::Line(l) => {
                let fl = index.line_of(span.start);
                fl == *l || fl == *l + 1
            }
            Scope::Resource(r) => resource == Some(r.as_str()),
            Scope::Block(b) => b.contains_span(span),
        };
        in_scope
            && (self.ids.is_empty() || self.ids.iter().any(|(id, _)| id.eq_ignore_ascii_case(rule)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids_reason_and_spans() {
        let text = "a: 1 # bucketguard: ignore[S3-401, S3-402] -- logs go elsewhere\n# bucketguard: ignore\n# bucketguard: ignored\n";
        let idx = LineIndex::new(text);
        let comments: Vec<Span> = text
            .match_indices('#')
            .map(|(i, _)| Span::new(i, text[i..].find('\n').map_or(text.len(), |n| i + n)))
            .collect();
        let s = from_comments(text, &idx, &comments);
        assert_eq!(s.len(), 2);
        let ids: Vec<&str> = s[0]
            .ids
            .iter()
            .map(|(i, sp)| {
                assert_eq!(&text[sp.start..sp.end], i.as_str());
                i.as_str()
            })
            .collect();
        assert_eq!(ids, ["S3-401", "S3-402"]);
        assert!(s[1].ids.is_empty());
        assert_eq!(s[1].scope, Scope::Line(1));
        assert!(s[0].covers(&idx, "S3-402", Span::new(0, 1), None));
        assert!(!s[0].covers(&idx, "S3-101", Span::new(0, 1), None));
    }

    #[test]
    fn the_list_end_is_found_only_in_comments_read_as_suppressions() {
        for (body, close) in [
            ("# bucketguard: ignore[S3-101]", Some(28)),
            ("#bucketguard:ignore[S3-101, S3-501] -- why", Some(34)),
            ("// bucketguard: ignore[]", Some(23)),
            ("#Zbucketguard: ignore[S3-101]", None),
            ("# see bucketguard: ignore[S3-101]", None),
            ("# bucketguard: ignored[S3-101]", None),
            ("# bucketguard: ignore", None),
            ("# bucketguard: ignore[S3-101", None),
        ] {
            assert_eq!(list_close(body), close, "{body}");
            let text = format!("{body}\n");
            let parsed = from_comments(&text, &LineIndex::new(&text), &[Span::new(0, body.len())]);
            let has_list = parsed
                .first()
                .is_some_and(|p| text[p.span.start..p.span.end].contains('['));
            assert_eq!(close.is_some(), has_list, "{body}");
            if let Some(c) = close {
                assert_eq!(&body[c..c + 1], "]");
            }
        }
    }
}
