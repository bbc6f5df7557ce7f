//! Conversions between the core's records (byte spans) and LSP types.
//! Every position goes through [`crate::text::LineIndex`] in the negotiated
//! [`Encoding`].

use crate::analysis;
use crate::docs;
use crate::fix::{Applicability, Fix};
use crate::rules::{self, Severity};
use crate::text::{Encoding, LineCol, LineIndex, Span};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::OnceLock;
use tower_lsp_server::ls_types as lsp;

/// The diagnostic `source`.
pub const SOURCE: &str = "bucketguard";

/// A text with its line index and the encoding positions are counted in.
pub struct Positions<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
    pub encoding: Encoding,
}

impl Positions<'_> {
    pub fn position(&self, offset: usize) -> lsp::Position {
        let lc = self.index.position(self.text, offset, self.encoding);
        lsp::Position::new(lc.line, lc.col)
    }

    pub fn range(&self, span: Span) -> lsp::Range {
        lsp::Range::new(self.position(span.start), self.position(span.end))
    }

    pub fn offset(&self, pos: lsp::Position) -> usize {
        self.index.offset(
            self.text,
            LineCol {
                line: pos.line,
                col: pos.character,
            },
            self.encoding,
        )
    }
}

/// Map an LSP position to the core's (line, column) pair.
pub fn line_col(pos: lsp::Position) -> LineCol {
    LineCol {
        line: pos.line,
        col: pos.character,
    }
}

/// The negotiated encoding as LSP names it.
pub fn encoding_kind(enc: Encoding) -> lsp::PositionEncodingKind {
    match enc {
        Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        Encoding::Utf32 => lsp::PositionEncodingKind::UTF32,
    }
}

/// What a diagnostic's `data` holds: the document version the diagnostic
/// was computed for, the resource it is about (for the suppression action)
/// and, when it has a fix, the fix's title and applicability. The edits are
/// not shipped with every diagnostic: a quick fix takes them from the
/// analysis of that version (kept for recently analysed documents, else
/// recomputed from the text), so they are exactly the edits the core
/// rendered, the ones `check --fix` applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosticData {
    pub version: i32,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub resource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fix: Option<FixData>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixData {
    pub title: String,
    /// `safe` or `needs-input`.
    pub applicability: String,
}

/// [`DiagnosticData`] borrowed from the analysis, for serialising.
#[derive(Debug, Serialize)]
struct DataOut<'a> {
    version: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixOut<'a>>,
}

#[derive(Debug, Serialize)]
struct FixOut<'a> {
    title: &'a str,
    applicability: &'static str,
}

pub fn applicability_str(a: Applicability) -> &'static str {
    match a {
        Applicability::Safe => "safe",
        Applicability::NeedsInput => "needs-input",
    }
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// The documentation link of rule `id`, built once per rule.
fn rule_href(id: &str) -> Option<&'static str> {
    static HREFS: OnceLock<HashMap<&'static str, String>> = OnceLock::new();
    HREFS
        .get_or_init(|| {
            rules::all()
                .iter()
                .filter(|r| lsp::Uri::from_str(&docs::rule_url(r)).is_ok())
                .map(|r| (r.id, docs::rule_url(r)))
                .collect()
        })
        .get(id)
        .map(String::as_str)
}

/// An LSP `Diagnostic`, borrowed from a core diagnostic and serialised
/// straight to JSON (the typed `lsp::Diagnostic` would copy every string).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticOut<'a> {
    pub range: lsp::Range,
    pub severity: lsp::DiagnosticSeverity,
    pub code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_description: Option<Href>,
    source: &'static str,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_information: Vec<RelatedOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<DataOut<'a>>,
}

#[derive(Debug, Serialize)]
struct Href {
    href: &'static str,
}

#[derive(Debug, Serialize)]
struct RelatedOut<'a> {
    location: LocationOut<'a>,
    message: &'a str,
}

#[derive(Debug, Serialize)]
struct LocationOut<'a> {
    uri: &'a str,
    range: lsp::Range,
}

/// One core diagnostic as an LSP diagnostic of document `uri` at `version`.
pub fn diagnostic<'a>(
    d: &'a analysis::Diagnostic,
    uri: &'a str,
    version: i32,
    pos: &Positions,
) -> DiagnosticOut<'a> {
    let href = rule_href(&d.code);
    let related = d
        .related
        .iter()
        .map(|r| RelatedOut {
            location: LocationOut {
                uri,
                range: pos.range(r.span),
            },
            message: &r.message,
        })
        .collect();
    let data = DataOut {
        version,
        resource: d.resource.as_deref().filter(|_| href.is_some()),
        fix: d.fix.as_ref().map(|f: &Fix| FixOut {
            title: &f.title,
            applicability: applicability_str(f.applicability),
        }),
    };
    DiagnosticOut {
        range: pos.range(d.span),
        severity: severity(d.severity),
        code: &d.code,
        code_description: href.map(|href| Href { href }),
        source: SOURCE,
        message: &d.message,
        related_information: related,
        data: (data.fix.is_some() || data.resource.is_some()).then_some(data),
    }
}

#[derive(Serialize)]
struct Notification<'a> {
    jsonrpc: &'static str,
    method: &'static str,
    params: PublishOut<'a>,
}

#[derive(Serialize)]
struct PublishOut<'a> {
    uri: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i32>,
    diagnostics: Vec<DiagnosticOut<'a>>,
}

/// The code of the information diagnostic that says findings were left out.
pub const TOO_MANY_FINDINGS: &str = "too-many-findings";

/// At most `cap` of `diagnostics` for publishing, the most severe first
/// (syntax errors are errors), in source order, and then one information
/// diagnostic at the start of the file saying how many were left out.
/// Borrowed as it is when it is within the cap.
pub fn capped(
    diagnostics: &[analysis::Diagnostic],
    cap: usize,
) -> std::borrow::Cow<'_, [analysis::Diagnostic]> {
    use std::borrow::Cow;
    if diagnostics.len() <= cap {
        return Cow::Borrowed(diagnostics);
    }
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    order.sort_by_key(|&i| (diagnostics[i].severity, diagnostics[i].span.start, i));
    order.truncate(cap);
    order.sort_unstable();
    let mut out: Vec<analysis::Diagnostic> =
        order.iter().map(|&i| diagnostics[i].clone()).collect();
    out.push(analysis::Diagnostic {
        code: TOO_MANY_FINDINGS.to_string(),
        span: Span::empty(0),
        severity: Severity::Info,
        message: format!(
            "showing {cap} of {} findings in this file, the most severe first; \
             `bucketguard check` lists them all, and the `maxDiagnostics` setting raises the limit",
            diagnostics.len()
        ),
        resource: None,
        related: Vec::new(),
        fix: None,
    });
    Cow::Owned(out)
}

/// The body of a `textDocument/publishDiagnostics` notification for
/// `diagnostics` of `uri` at `version`, serialised in one pass.
pub fn publish_body(
    uri: &str,
    version: Option<i32>,
    diagnostics: &[analysis::Diagnostic],
    pos: &Positions,
) -> Vec<u8> {
    let n = Notification {
        jsonrpc: "2.0",
        method: "textDocument/publishDiagnostics",
        params: PublishOut {
            uri,
            version,
            diagnostics: diagnostics
                .iter()
                .map(|d| diagnostic(d, uri, version.unwrap_or(0), pos))
                .collect(),
        },
    };
    // Serialising borrowed strings and numbers into a Vec cannot fail.
    serde_json::to_vec(&n).unwrap_or_default()
}

/// [`publish_body`] in parts whose concatenation is that body, written
/// straight into buffers sized up front: a large list is serialised in
/// two halves on two cores. The output thread writes the parts one after
/// the other (see [`super::stdio::Output::send_parts`]), so the body is
/// never copied or regrown.
pub fn publish_parts(
    uri: &str,
    version: Option<i32>,
    diagnostics: &[analysis::Diagnostic],
    pos: &Positions,
) -> Vec<Vec<u8>> {
    /// Below this many diagnostics one thread does it all.
    const SPLIT: usize = 256;
    let v = version.unwrap_or(0);
    let items = |ds: &[analysis::Diagnostic], out: &mut Vec<u8>, first: bool| {
        for (i, d) in ds.iter().enumerate() {
            if i > 0 || !first {
                out.push(b',');
            }
            // Serialising borrowed strings and numbers into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, &diagnostic(d, uri, v, pos));
        }
    };
    let room = |ds: &[analysis::Diagnostic]| {
        ds.iter()
            .map(|d| {
                // The fixed part of one diagnostic (range, code, link,
                // source, data) is under 400 bytes; escapes are rare.
                400 + d.message.len()
                    + d.fix.as_ref().map_or(0, |f| f.title.len())
                    + d.resource.as_ref().map_or(0, String::len)
                    + d.related
                        .iter()
                        .map(|r| 80 + uri.len() + r.message.len())
                        .sum::<usize>()
            })
            .sum::<usize>()
    };
    let mut head = Vec::new();
    head.extend_from_slice(
        br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#,
    );
    let _ = serde_json::to_writer(&mut head, uri);
    if let Some(v) = version {
        head.extend_from_slice(format!(r#","version":{v}"#).as_bytes());
    }
    head.extend_from_slice(br#","diagnostics":["#);
    const TAIL: &[u8] = b"]}}";
    let (a, b) = diagnostics.split_at(if diagnostics.len() >= SPLIT {
        diagnostics.len() / 2
    } else {
        diagnostics.len()
    });
    let first = |mut out: Vec<u8>| {
        out.reserve(room(a) + TAIL.len());
        items(a, &mut out, true);
        out
    };
    if b.is_empty() {
        let mut out = first(head);
        out.extend_from_slice(TAIL);
        return vec![out];
    }
    let second = || {
        let mut out = Vec::with_capacity(room(b) + TAIL.len());
        items(b, &mut out, a.is_empty());
        out.extend_from_slice(TAIL);
        out
    };
    let (x, y) = rayon::join(|| first(head), second);
    vec![x, y]
}

#[cfg(test)]
#[path = "convert_tests.rs"]
mod tests;
