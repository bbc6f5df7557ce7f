//! Conversions between the core's records (byte spans) and LSP types.
//! Every position goes through [`crate::text::LineIndex`] in the negotiated
//! [`Encoding`].

use crate::analysis;
use crate::docs;
use crate::fix::{Applicability, Edit, Fix};
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
/// and its fix, with edits already converted to LSP ranges of that version.
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
    pub edits: Vec<EditData>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditData {
    pub range: lsp::Range,
    #[serde(rename = "newText")]
    pub new_text: String,
    /// The same edit with LSP snippet tab stops, for needs-input fixes.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub snippet: Option<String>,
}

pub fn applicability_str(a: Applicability) -> &'static str {
    match a {
        Applicability::Safe => "safe",
        Applicability::NeedsInput => "needs-input",
    }
}

pub fn fix_data(title: &str, applicability: &str, edits: &[Edit], pos: &Positions) -> FixData {
    FixData {
        title: title.to_string(),
        applicability: applicability.to_string(),
        edits: edits
            .iter()
            .map(|e| EditData {
                range: pos.range(e.span),
                new_text: e.text.clone(),
                snippet: e.snippet.clone(),
            })
            .collect(),
    }
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// The documentation link of rule `id`, parsed once per rule.
fn rule_uri(id: &str) -> Option<lsp::Uri> {
    static URIS: OnceLock<HashMap<&'static str, lsp::Uri>> = OnceLock::new();
    URIS.get_or_init(|| {
        rules::all()
            .iter()
            .filter_map(|r| Some((r.id, lsp::Uri::from_str(&docs::rule_url(r)).ok()?)))
            .collect()
    })
    .get(id)
    .cloned()
}

/// One core diagnostic as an LSP diagnostic of document `uri` at `version`.
pub fn diagnostic(
    d: &analysis::Diagnostic,
    uri: &lsp::Uri,
    version: i32,
    pos: &Positions,
) -> lsp::Diagnostic {
    let code_description = rule_uri(&d.code).map(|href| lsp::CodeDescription { href });
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|r| lsp::DiagnosticRelatedInformation {
            location: lsp::Location::new(uri.clone(), pos.range(r.span)),
            message: r.message.clone(),
        })
        .collect();
    let is_rule = rule_uri(&d.code).is_some();
    let data = DiagnosticData {
        version,
        resource: d.resource.clone().filter(|_| is_rule),
        fix: d
            .fix
            .as_ref()
            .map(|f: &Fix| fix_data(&f.title, applicability_str(f.applicability), &f.edits, pos)),
    };
    let data = (data.fix.is_some() || data.resource.is_some())
        .then(|| serde_json::to_value(data).ok())
        .flatten();
    lsp::Diagnostic {
        range: pos.range(d.span),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.clone())),
        code_description,
        source: Some(SOURCE.to_string()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data,
    }
}

#[cfg(test)]
#[path = "convert_tests.rs"]
mod tests;
