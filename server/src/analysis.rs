//! The analysis entry point shared by the CLI and the language server:
//! `(path, text, settings)` in, diagnostics with byte spans and rendered
//! fixes out. No I/O happens here.

use crate::cfn;
use crate::fix::{self, Fix, FixSuggestion};
use crate::model::Model;
use crate::rules::{self, Finding, Related, Severity, Sink};
use crate::settings::Settings;
use crate::suppress::{self, Suppression};
use crate::syntax::reparse::Reusable;
use crate::syntax::{self, Document, Format};
use crate::text::{LineIndex, Span};
use serde::Serialize;
use std::cell::OnceCell;

/// Diagnostic code of a file that does not parse.
pub const SYNTAX_ERROR: &str = "syntax-error";

/// True when `diagnostics` hold a `syntax-error`: the file (for Terraform,
/// its module) could not be analysed.
pub fn has_syntax_error(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.code == SYNTAX_ERROR)
}
/// Diagnostic code of a suppression that matches no finding.
pub const STALE_SUPPRESSION: &str = "stale-suppression";

/// What kind of file a path is, for analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// A YAML file that may be a CloudFormation template.
    Yaml,
    /// A JSON file that may be a CloudFormation template.
    Json,
}

impl FileKind {
    /// Decide from the file name (and, for `.template`, the first character).
    pub fn detect(path: &str, text: &str) -> Option<FileKind> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".tf.json") {
            return None;
        }
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Some(FileKind::Yaml)
        } else if lower.ends_with(".json") {
            Some(FileKind::Json)
        } else if lower.ends_with(".template") || lower.ends_with(".cfn") {
            let first = text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .chars()
                .next();
            if first == Some('{') {
                Some(FileKind::Json)
            } else {
                Some(FileKind::Yaml)
            }
        } else {
            None
        }
    }

    pub fn format(self) -> Format {
        match self {
            FileKind::Yaml => Format::Yaml,
            FileKind::Json => Format::Json,
        }
    }
}

/// A finding, syntax error or stale suppression, ready for any output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// A rule id (`S3-111`), `syntax-error` or `stale-suppression`.
    pub code: String,
    pub span: Span,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

/// The result of analysing one file.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// True when the file is a template this tool checks.
    pub is_template: bool,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// How much of each finding's fix an analysis prepares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fixes {
    /// Render every fix as text edits: what `check --fix` and a code
    /// action apply.
    #[default]
    Edits,
    /// Name each fix (title and applicability) and leave its `edits`
    /// empty: what a published diagnostic needs. Rendering is the largest
    /// cost after parsing on a file with many findings, so the language
    /// server renders a document's edits only when a code action asks.
    /// A titled fix may still fail to render (rarely: e.g. its target is
    /// inside a YAML alias); it then offers no edit.
    Titles,
}

impl Fixes {
    /// `s` as a fix without edits.
    fn titled(s: &FixSuggestion) -> Fix {
        Fix {
            title: s.title.clone(),
            applicability: s.applicability,
            edits: Vec::new(),
        }
    }
}

/// Analyse one file. `path` is used only to decide the format. A Terraform
/// file is analysed as a module of its own (see [`analyze_module`]).
pub fn analyze(path: &str, text: &str, settings: &Settings) -> Analysis {
    analyze_with(path, text, settings, Fixes::Edits)
}

/// [`analyze`], preparing fixes as far as `fixes` says.
pub fn analyze_with(path: &str, text: &str, settings: &Settings, fixes: Fixes) -> Analysis {
    if crate::tf::Role::of(path).is_some() {
        return analyze_module_with(&[(path, text)], settings, fixes)
            .into_iter()
            .next()
            .map(|(_, a)| a)
            .unwrap_or_default();
    }
    match FileKind::detect(path, text) {
        Some(kind) => analyze_as_with(kind, text, settings, fixes),
        None => Analysis::default(),
    }
}

/// Analyse `text` as a file of `kind`.
pub fn analyze_as(kind: FileKind, text: &str, settings: &Settings) -> Analysis {
    analyze_as_with(kind, text, settings, Fixes::Edits)
}

/// [`analyze_as`], preparing fixes as far as `fixes` says.
pub fn analyze_as_with(kind: FileKind, text: &str, settings: &Settings, fixes: Fixes) -> Analysis {
    let doc = syntax::parse(text, kind.format());
    analyze_parsed(text, &doc, settings, fixes)
}

/// [`analyze_as_with`] for a new version of a document: `previous`, what
/// the analysis of an earlier version returned, lets the parse re-read only
/// the lines that changed (see [`syntax::reparse`]). Also returns what to
/// pass for the next version (for YAML; a JSON parse is not reused).
pub fn analyze_as_reusing(
    kind: FileKind,
    text: &str,
    settings: &Settings,
    fixes: Fixes,
    previous: Option<Reusable>,
) -> (Analysis, Option<Reusable>) {
    let format = kind.format();
    let doc = syntax::reparse::parse_reusing(text, format, previous);
    let analysis = analyze_parsed(text, &doc, settings, fixes);
    let next = (format == Format::Yaml).then(|| Reusable::new(text.to_string(), doc));
    (analysis, next)
}

/// [`analyze_as_with`] on `doc`, the parse of `text` (as
/// [`syntax::parse`] or [`syntax::reparse::parse_reusing`] gives it).
pub fn analyze_parsed(text: &str, doc: &Document, settings: &Settings, fixes: Fixes) -> Analysis {
    let template = cfn::Template::build(text, doc);
    if let Some(err) = doc.errors.first() {
        // A broken file is ours only when it looks like a template.
        if template.is_none() && !cfn::looks_like_template(text) {
            return Analysis::default();
        }
        return Analysis {
            is_template: true,
            diagnostics: vec![Diagnostic {
                code: SYNTAX_ERROR.to_string(),
                span: err.span,
                severity: Severity::Error,
                message: err.message.clone(),
                resource: None,
                related: Vec::new(),
                fix: None,
            }],
        };
    }
    let Some(template) = template else {
        return Analysis::default();
    };
    // The line index is only needed to place suppressions: built on first use.
    let index = OnceCell::new();
    let line_index = || index.get_or_init(|| LineIndex::new(text));

    let findings = run_rules(&template.model, settings);

    let comment_spans: Vec<Span> = doc.comments.iter().map(|c| c.span).collect();
    let mut suppressions: Vec<Suppression> = if suppress::any_marker(text, &comment_spans) {
        suppress::from_comments(text, line_index(), &comment_spans)
    } else {
        Vec::new()
    };
    // The model is not needed past the rules: freed before the fixes are
    // rendered, it does not add to the analysis's peak memory.
    let cfn::Template {
        model,
        suppressions: in_metadata,
    } = template;
    drop(model);
    suppressions.extend(in_metadata);
    let mut renderer = None;
    let diagnostics = finish(
        findings,
        &suppressions,
        settings,
        &index,
        text,
        &mut |s: &FixSuggestion| {
            if fixes == Fixes::Titles {
                return Some(Fixes::titled(s));
            }
            let renderer = renderer.get_or_insert_with(|| fix::cfn::Renderer::new(text, doc));
            renderer.render(&s.intent).map(|edits| Fix {
                title: s.title.clone(),
                applicability: s.applicability,
                edits,
            })
        },
    );
    Analysis {
        is_template: true,
        diagnostics,
    }
}

/// The edits that suppress rule `rule` for `resource` through the
/// resource's `Metadata` (YAML and JSON alike); `None` when that cannot be
/// rendered safely (e.g. the file has syntax errors).
pub fn suppression_edits(
    kind: FileKind,
    text: &str,
    resource: &str,
    rule: &str,
) -> Option<Vec<fix::Edit>> {
    let rule = rules::find(rule).filter(|r| r.id == rule)?;
    let doc = syntax::parse(text, kind.format());
    fix::cfn::Renderer::new(text, &doc).render(&fix::FixIntent::SuppressForResource {
        resource: resource.to_string(),
        rule: rule.id.to_string(),
    })
}

#[path = "analysis_tf.rs"]
mod terraform;
pub use terraform::{
    analyze_module, analyze_module_cached, analyze_module_with, suppression_edits_tf,
};

/// The findings of every enabled rule on `model`, with configured severities.
pub(crate) fn run_rules(model: &Model, settings: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in rules::all() {
        if !settings.is_enabled(rule) {
            continue;
        }
        let mut sink = Sink::new(rule);
        (rule.check)(model, &mut sink);
        // A configured severity wins over the rule's own choice, including
        // the escalations some rules make per finding (S3-202, S3-601).
        let configured = settings.severity_override(rule);
        for mut f in sink.findings {
            if let Some(sev) = configured {
                f.severity = sev;
            }
            findings.push(f);
        }
    }
    findings
}

/// One file's diagnostics from its `findings`: drop the suppressed ones,
/// render the fixes of the rest with `render`, report stale suppressions,
/// and sort by position. `index` is `text`'s line index, built on first use.
pub(crate) fn finish(
    findings: Vec<Finding>,
    suppressions: &[Suppression],
    settings: &Settings,
    index: &OnceCell<LineIndex>,
    text: &str,
    render: &mut dyn FnMut(&FixSuggestion) -> Option<Fix>,
) -> Vec<Diagnostic> {
    let line_index = || index.get_or_init(|| LineIndex::new(text));
    // used[i][j]: id j of suppression i matched a finding; for an id-less
    // suppression, slot 0 records any match.
    let mut used: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.ids.len().max(1)])
        .collect();
    let mut diagnostics = Vec::new();
    for f in findings {
        let mut suppressed = false;
        for (i, s) in suppressions.iter().enumerate() {
            if !s.covers(line_index(), f.rule, f.span, f.resource.as_deref()) {
                continue;
            }
            suppressed = true;
            if s.ids.is_empty() {
                used[i][0] = true;
            }
            for (j, (id, _)) in s.ids.iter().enumerate() {
                if id.eq_ignore_ascii_case(f.rule) {
                    used[i][j] = true;
                }
            }
        }
        if suppressed {
            continue;
        }
        let fix = f.fix.as_ref().and_then(&mut *render);
        diagnostics.push(Diagnostic {
            code: f.rule.to_string(),
            span: f.span,
            severity: f.severity,
            message: f.message,
            resource: f.resource,
            related: f.related,
            fix,
        });
    }
    for (s, used) in suppressions.iter().zip(&used) {
        if s.ids.is_empty() {
            if !used[0] {
                diagnostics.push(stale(
                    s.span,
                    "this suppression matches no finding; remove it".into(),
                ));
            }
            continue;
        }
        for ((id, span), used) in s.ids.iter().zip(used) {
            if *used {
                continue;
            }
            match rules::find(id) {
                None => {
                    diagnostics.push(stale(*span, format!("`{id}` is not a bucketguard rule id")))
                }
                // A disabled rule cannot match; its suppression is not stale.
                Some(rule) if !settings.is_enabled(rule) => {}
                Some(_) => diagnostics.push(stale(
                    *span,
                    format!("suppression of {id} matches no finding; remove it"),
                )),
            }
        }
    }
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.code).cmp(&(b.span.start, b.span.end, &b.code))
    });
    diagnostics
}

fn stale(span: Span, message: String) -> Diagnostic {
    Diagnostic {
        code: STALE_SUPPRESSION.to_string(),
        span,
        severity: Severity::Info,
        message,
        resource: None,
        related: Vec::new(),
        fix: None,
    }
}

#[cfg(test)]
#[path = "analysis_tests.rs"]
mod tests;
