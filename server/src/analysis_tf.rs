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
/// would produce false "missing" findings). A declaration Terraform
/// refuses (a block with the wrong number of labels, an address an earlier
/// one already has: two `aws_s3_bucket.logs`) is reported the same way.
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
    analyze_module_cached(files, settings, fixes, None)
}

/// [`analyze_module_with`], re-using the parsed files of `cache` whose
/// text has not changed (see [`tf::ParseCache`]).
pub fn analyze_module_cached<'p>(
    files: &[(&'p str, &str)],
    settings: &Settings,
    fixes: Fixes,
    cache: Option<&tf::ParseCache>,
) -> Vec<(&'p str, Analysis)> {
    let files: Vec<(&'p str, &str)> = files
        .iter()
        .copied()
        .filter(|(p, _)| Role::of(p).is_some())
        .collect();
    let module = Module::build_cached(&files, cache);
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
    // Syntax errors, then declarations Terraform refuses (wrong labels, a
    // repeated address): in both cases Terraform would not plan the module.
    let declarations = tf::declaration_errors(&module.files);
    let errors = tf::errors(&module.files).chain(declarations.iter().map(|(i, e)| (*i, e)));
    for (i, e) in errors {
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
/// (`TYPE.NAME`) in a file of role `role`, rendered by [`fix::tf`]: in a
/// `.tf` file a `# bucketguard: ignore[RULE]` line above the header of the
/// block holding the finding (`at`, its span, when known; else resource
/// `resource`), since a comment there covers the whole block, or the id
/// added to such a comment already on the line above. A finding about a
/// bucket may be reported on another resource (its `aws_s3_bucket_acl`,
/// say). `None` when the file does not parse, holds no such block, or
/// cannot hold a suppression (`.tf.json` has no comments, tfvars no
/// resources).
pub fn suppression_edits_tf(
    role: Role,
    text: &str,
    resource: &str,
    rule: &str,
    at: Option<Span>,
) -> Option<Vec<fix::Edit>> {
    let rule = rules::find(rule).filter(|r| r.id == rule)?;
    let path = match role {
        Role::Hcl => "main.tf",
        Role::Json | Role::Vars => return None,
    };
    let module = Module::build(&[(path, text)]);
    fix::tf::Renderer::new(&module, vec![text]).render_suppression(0, resource, rule.id, at)
}
