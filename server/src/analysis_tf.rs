//! Analysis of a Terraform module: every `.tf` / `.tf.json` file of one
//! folder (and its `terraform.tfvars` / `*.auto.tfvars`) analysed together,
//! with the findings handed back per file.
//!
//! The model is built in the module address space (see [`crate::tf`]);
//! each finding is mapped back to its file and local span here, and then
//! suppressed, or reported stale, exactly as for a single file.

use super::{stale, Analysis, Diagnostic, SYNTAX_ERROR};
use crate::fix::{self, Fix, FixSuggestion};
use crate::rules::{self, Finding, Related, Severity, Sink};
use crate::settings::Settings;
use crate::suppress::Suppression;
use crate::text::{LineIndex, Span};
use crate::tf::{self, Module, Role};

/// Analyse the files of one module, `(path, text)` each. Returns one
/// analysis per Terraform file given, in order (other files are skipped).
/// A file that does not parse gets one `syntax-error`; while any file of
/// the module does not parse, no file gets findings (a partial module
/// would produce false "missing" findings).
pub fn analyze_module<'p>(
    files: &[(&'p str, &str)],
    settings: &Settings,
) -> Vec<(&'p str, Analysis)> {
    let files: Vec<(&'p str, &str)> = files
        .iter()
        .copied()
        .filter(|(p, _)| Role::of(p).is_some())
        .collect();
    let module = Module::build(&files);
    let mut out: Vec<(&'p str, Analysis)> = files
        .iter()
        .map(|(p, _)| {
            (
                *p,
                Analysis {
                    is_template: true,
                    diagnostics: Vec::new(),
                },
            )
        })
        .collect();

    let mut broken = false;
    for (i, e) in tf::errors(&module.files) {
        broken = true;
        let base = module.files[i].base;
        if let Some((_, a)) = out.get_mut(i) {
            if a.diagnostics.is_empty() {
                a.diagnostics.push(Diagnostic {
                    code: SYNTAX_ERROR.to_string(),
                    span: Span::new(e.span.start - base, e.span.end - base),
                    severity: Severity::Error,
                    message: e.message.clone(),
                    resource: None,
                    related: Vec::new(),
                    fix: None,
                });
            }
        }
    }
    if broken {
        return out;
    }

    // Findings of every enabled rule, mapped to (file, local span).
    let mut per_file: Vec<Vec<Finding>> = vec![Vec::new(); files.len()];
    for rule in rules::all() {
        if !settings.is_enabled(rule) {
            continue;
        }
        let mut sink = Sink::new(rule);
        (rule.check)(&module.model, &mut sink);
        let configured = settings.severity_override(rule);
        for mut f in sink.findings {
            if let Some(sev) = configured {
                f.severity = sev;
            }
            let Some((i, span)) = module.locate(f.span) else {
                continue;
            };
            f.span = span;
            f.related = f
                .related
                .into_iter()
                .filter_map(|r| match module.locate(r.span) {
                    Some((j, s)) if j == i => Some(Related {
                        span: s,
                        message: r.message,
                    }),
                    _ => None,
                })
                .collect();
            if let Some(v) = per_file.get_mut(i) {
                v.push(f);
            }
        }
    }

    let renderer = fix::tf::Renderer::new(&module, files.iter().map(|(_, t)| *t).collect());
    for (i, findings) in per_file.into_iter().enumerate() {
        let (Some(mf), Some((_, text))) = (module.files.get(i), files.get(i)) else {
            continue;
        };
        let suppressions = if mf.role == Role::Hcl {
            let index = LineIndex::new(text);
            tf::suppressions(mf, text, &index)
        } else {
            Vec::new()
        };
        let render = |s: &FixSuggestion| {
            renderer.render(&s.intent, i).map(|edits| Fix {
                title: s.title.clone(),
                applicability: s.applicability,
                edits,
            })
        };
        let diagnostics = finish(text, findings, &suppressions, settings, &render);
        if let Some((_, a)) = out.get_mut(i) {
            a.diagnostics = diagnostics;
        }
    }
    out
}

/// Apply suppressions to a file's findings and report stale suppressions.
fn finish(
    text: &str,
    findings: Vec<Finding>,
    suppressions: &[Suppression],
    settings: &Settings,
    render: &dyn Fn(&FixSuggestion) -> Option<Fix>,
) -> Vec<Diagnostic> {
    let index = LineIndex::new(text);
    let mut used: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.ids.len().max(1)])
        .collect();
    let mut diagnostics = Vec::new();
    for f in findings {
        let mut suppressed = false;
        for (i, s) in suppressions.iter().enumerate() {
            if !s.covers(&index, f.rule, f.span, f.resource.as_deref()) {
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
        diagnostics.push(Diagnostic {
            code: f.rule.to_string(),
            span: f.span,
            severity: f.severity,
            message: f.message,
            resource: f.resource,
            related: f.related,
            fix: f.fix.as_ref().and_then(render),
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
