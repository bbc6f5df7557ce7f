//! Analysis of a Terraform module: every `.tf` / `.tf.json` file of one
//! folder (and its `terraform.tfvars` / `*.auto.tfvars`) analysed together,
//! with the findings handed back per file.
//!
//! The model is built in the module address space (see [`crate::tf`]);
//! each finding is mapped back to its file and local span here, and then
//! suppressed, or reported stale, exactly as for a single file.

use super::{finish, run_rules, Analysis, Diagnostic, Fixes, SYNTAX_ERROR};
use crate::fix::{self, Fix, FixSuggestion};
use crate::rules::{self, Finding, Related, Severity};
use crate::settings::Settings;
use crate::text::{LineIndex, Span};
use crate::tf::{self, Module, Role};
use std::cell::OnceCell;

/// Analyse the files of one module, `(path, text)` each. Returns one
/// analysis per Terraform file given, in order (other files are skipped).
/// A file that does not parse gets one `syntax-error`; while any file of
/// the module does not parse, no file gets findings (a partial module
/// would produce false "missing" findings).
pub fn analyze_module<'p>(
    files: &[(&'p str, &str)],
    settings: &Settings,
) -> Vec<(&'p str, Analysis)> {
    analyze_module_with(files, settings, Fixes::Edits)
}

/// [`analyze_module`], preparing fixes as far as `fixes` says.
pub fn analyze_module_with<'p>(
    files: &[(&'p str, &str)],
    settings: &Settings,
    fixes: Fixes,
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
    for mut f in run_rules(&module.model, settings) {
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

    let renderer = fix::tf::Renderer::new(&module, files.iter().map(|(_, t)| *t).collect());
    for (i, findings) in per_file.into_iter().enumerate() {
        let (Some(mf), Some((_, text))) = (module.files.get(i), files.get(i)) else {
            continue;
        };
        let index = OnceCell::new();
        let suppressions = if mf.role == Role::Hcl {
            tf::suppressions(mf, text, index.get_or_init(|| LineIndex::new(text)))
        } else {
            Vec::new()
        };
        let mut render = |s: &FixSuggestion| {
            if fixes == Fixes::Titles {
                return Some(Fixes::titled(s));
            }
            renderer.render(&s.intent, i).map(|edits| Fix {
                title: s.title.clone(),
                applicability: s.applicability,
                edits,
            })
        };
        let diagnostics = finish(findings, &suppressions, settings, &index, text, &mut render);
        if let Some((_, a)) = out.get_mut(i) {
            a.diagnostics = diagnostics;
        }
    }
    out
}
/// The edit that suppresses `rule` for Terraform resource `resource`
/// (`TYPE.NAME`) in a `.tf` file: a `# bucketguard: ignore[RULE]` line
/// above the resource header (a comment there covers the whole block), or
/// the id added to such a comment already on the line above. `at` is the
/// finding's span, when known: the comment then goes above the top-level
/// block that holds it, since a finding about a bucket may be reported on
/// another resource (its `aws_s3_bucket_acl`, say) and a comment covers
/// only its own block. `None` when the file does not parse or holds no
/// such block.
pub fn suppression_edits_tf(
    text: &str,
    resource: &str,
    rule: &str,
    at: Option<Span>,
) -> Option<Vec<crate::fix::Edit>> {
    let rule = rules::find(rule).filter(|r| r.id == rule)?;
    let file = crate::syntax::hcl::parse(text);
    if !file.errors.is_empty() {
        return None;
    }
    let (ty, name) = resource.split_once('.')?;
    let block = match at {
        Some(at) => file.body.blocks.iter().find(|b| b.span.contains_span(at)),
        None => file.body.blocks.iter().find(|b| {
            b.ident == "resource"
                && b.labels.len() == 2
                && b.labels.first().is_some_and(|l| l.0 == ty)
                && b.labels.get(1).is_some_and(|l| l.0 == name)
        }),
    }?;
    let start = block.header_span.start;
    let before = text.get(..start)?;
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent = text.get(line_start..start)?;
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    let edit = |at: usize, text: String| crate::fix::Edit {
        span: Span::empty(at),
        text,
        snippet: None,
    };
    // A suppression comment on the line above: add the id to it.
    if line_start > 0 {
        let upto = &before[..line_start];
        let prev_end = if upto.ends_with("\r\n") {
            line_start - 2
        } else {
            line_start - 1
        };
        let prev_start = before[..prev_end].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let prev = &before[prev_start..prev_end];
        let t = prev.trim_start();
        if t.starts_with('#') || t.starts_with("//") {
            if let Some(open) = prev
                .find("bucketguard:")
                .and_then(|k| prev[k..].find("ignore[").map(|i| k + i + "ignore[".len()))
            {
                if let Some(close) = prev[open..].find(']') {
                    let at = prev_start + open + close;
                    let sep = if close == 0 { "" } else { ", " };
                    return Some(vec![edit(at, format!("{sep}{}", rule.id))]);
                }
            }
        }
    }
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    Some(vec![edit(
        line_start,
        format!("{indent}# bucketguard: ignore[{}]{nl}", rule.id),
    )])
}
