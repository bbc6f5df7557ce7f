//! Data-driven fixture tests: `fixtures/cloudformation/<RULE>/*.{yaml,json}`.
//!
//! YAML fixtures carry their expectations inline, as comment lines of
//! carets under the flagged line:
//!
//! ```yaml
//!       AccessControl: PublicRead
//! #                    ^^^^^^^^^^ S3-111
//! ```
//!
//! JSON fixtures have a sidecar `<file>.expected` with one
//! `LINE:COL-ENDLINE:ENDCOL CODE` line per finding (1-based, UTF-16 columns).
//! In a folder named after a rule only that rule's findings are compared;
//! in any other folder, every diagnostic is. Each folder's findings with
//! messages are also kept as an insta snapshot.
//!
//! Every fix offered on a fixture is applied and checked: the result parses,
//! the finding is gone, no new finding appears (except the documented
//! follow-ups below), and the text outside the edits is unchanged.

mod common;

use bucketguard::analysis::{self, Diagnostic, SYNTAX_ERROR};
use bucketguard::fix::apply_edits;
use bucketguard::rules;
use bucketguard::settings::Settings;
use bucketguard::text::{Encoding, LineIndex};
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Fixing one rule may make another apply that could not before: adding
/// SSE-S3 encryption (S3-301) makes "not KMS" (S3-302) relevant, enabling
/// versioning (S3-501) makes "noncurrent versions unbounded" (S3-505)
/// relevant. These follow-ups are allowed to appear after a fix.
const FOLLOW_UPS: &[(&str, &str)] = &[("S3-301", "S3-302"), ("S3-501", "S3-505")];

/// A YAML marker line: `#`, spaces, carets, a code.
fn parse_marker(line: &str) -> Option<(usize, usize, String)> {
    let rest = line.strip_prefix('#')?;
    let spaces = rest.chars().take_while(|c| *c == ' ').count();
    let rest2 = &rest[spaces..];
    let carets = rest2.chars().take_while(|c| *c == '^').count();
    if carets == 0 {
        return None;
    }
    let code = rest2[carets..].trim();
    if code.is_empty() || code.contains(' ') {
        return None;
    }
    let start = 1 + spaces;
    Some((start, start + carets, code.to_string()))
}

/// Expected `(line, startcol, endcol, code)` (0-based, columns in characters) of a YAML fixture.
fn yaml_expectations(text: &str) -> Vec<(usize, usize, usize, String)> {
    let mut out = Vec::new();
    let mut last_code_line = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        match parse_marker(line) {
            Some((s, e, code)) => {
                let target = last_code_line
                    .unwrap_or_else(|| panic!("marker on line {} has no line above", i + 1));
                out.push((target, s, e, code));
            }
            None => last_code_line = Some(i),
        }
    }
    out.sort();
    out
}

/// The same shape for actual diagnostics: the part of the span on its first line.
fn yaml_actual(text: &str, diags: &[&Diagnostic]) -> Vec<(usize, usize, usize, String)> {
    let idx = LineIndex::new(text);
    let mut out: Vec<_> = diags
        .iter()
        .map(|d| {
            let s = idx.position(text, d.span.start, Encoding::Utf32);
            let e = idx.position(text, d.span.end, Encoding::Utf32);
            let end = if e.line == s.line {
                e.col as usize
            } else {
                let ls = idx.line_span(text, s.line as usize);
                text[ls.start..ls.end].chars().count()
            };
            (
                s.line as usize,
                s.col as usize,
                end.max(s.col as usize + 1),
                d.code.clone(),
            )
        })
        .collect();
    out.sort();
    out
}

fn json_expectations(path: &Path) -> Vec<String> {
    let text =
        sidecar(path).unwrap_or_else(|| panic!("missing the .expected file of {}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("select="))
        .map(str::to_string)
        .collect()
}

fn relevant<'a>(folder: &str, diags: &'a [Diagnostic]) -> Vec<&'a Diagnostic> {
    let rule_folder = rules::find(folder).is_some();
    diags
        .iter()
        .filter(|d| !rule_folder || d.code == folder || d.code == SYNTAX_ERROR)
        .collect()
}

/// The rule selection of a fixture: all rules, unless its first line (YAML)
/// or its `.expected` sidecar (JSON) says `select=ID,ID,...` (YAML: after `# fixture: `).
fn settings_for(path: &Path, text: &str) -> Settings {
    let directive = if path.extension().and_then(|e| e.to_str()) == Some("json") {
        sidecar(path).and_then(|t| {
            t.lines()
                .find_map(|l| l.trim().strip_prefix("select=").map(str::to_string))
        })
    } else {
        text.lines()
            .next()
            .and_then(|l| l.strip_prefix("# fixture: select="))
            .map(str::to_string)
    };
    Settings {
        select: directive.map(|d| d.split(',').map(|s| s.trim().to_string()).collect()),
        ..Settings::default()
    }
}

fn sidecar(path: &Path) -> Option<String> {
    let exp = path.with_file_name(format!(
        "{}.expected",
        path.file_name()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
    ));
    std::fs::read_to_string(exp).ok()
}

/// Identity of a finding that survives edits elsewhere in the file.
fn key(d: &Diagnostic) -> (String, Option<String>, String) {
    (d.code.clone(), d.resource.clone(), d.message.clone())
}

/// Apply every fix of the relevant findings one at a time and check the result.
fn check_fixes(
    name: &str,
    text: &str,
    diags: &[Diagnostic],
    settings: &Settings,
    folder: &str,
    verified: &mut BTreeSet<(String, bool)>,
) -> Vec<String> {
    let mut errors = Vec::new();
    let is_json = name.ends_with(".json");
    for d in relevant(folder, diags) {
        let Some(fix) = &d.fix else { continue };
        let (fixed, applied) = apply_edits(text, &fix.edits);
        if applied != fix.edits.len() {
            errors.push(format!("{name}: fix for {} has overlapping edits", d.code));
            continue;
        }
        // Text outside the edited region is untouched.
        let lo = fix.edits.iter().map(|e| e.span.start).min().unwrap_or(0);
        let hi = fix.edits.iter().map(|e| e.span.end).max().unwrap_or(0);
        let tail = text.len() - hi;
        if fixed[..lo] != text[..lo] || fixed[fixed.len() - tail..] != text[hi..] {
            errors.push(format!(
                "{name}: fix for {} changed text outside its edits",
                d.code
            ));
        }
        let after = analysis::analyze(name, &fixed, settings).diagnostics;
        if after.iter().any(|a| a.code == SYNTAX_ERROR) {
            errors.push(format!(
                "{name}: fix for {} breaks the syntax:\n{fixed}",
                d.code
            ));
            continue;
        }
        let before: BTreeSet<_> = diags.iter().map(key).collect();
        if after.iter().any(|a| key(a) == key(d)) {
            errors.push(format!(
                "{name}: fix for {} did not remove the finding:\n{fixed}",
                d.code
            ));
        }
        for a in &after {
            let allowed = FOLLOW_UPS.iter().any(|(f, n)| *f == d.code && *n == a.code);
            if !before.contains(&key(a)) && !allowed {
                errors.push(format!(
                    "{name}: fix for {} introduced {} `{}`:\n{fixed}",
                    d.code, a.code, a.message
                ));
            }
        }
        verified.insert((d.code.clone(), is_json));
    }
    errors
}

#[test]
fn cloudformation_fixtures() {
    let root = repo_root().join("fixtures").join("cloudformation");
    let files = files_under(&root, &["yaml", "yml", "json"]);
    assert!(
        !files.is_empty(),
        "no fixtures found under {}",
        root.display()
    );
    let mut errors = Vec::new();
    let mut snapshots: BTreeMap<String, String> = BTreeMap::new();
    let mut verified = BTreeSet::new();
    let mut covered: BTreeMap<String, (bool, bool)> = BTreeMap::new(); // folder -> (bad fires, good exists)
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let folder = rel.split('/').next().unwrap_or_default().to_string();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let settings = settings_for(path, &text);
        let diags = analysis::analyze(&rel, &text, &settings).diagnostics;
        let rel_diags = relevant(&folder, &diags);
        let file_name = rel.rsplit('/').next().unwrap_or_default();
        if rules::find(&folder).is_some() {
            let entry = covered.entry(folder.clone()).or_default();
            if file_name.starts_with("bad") && rel_diags.iter().any(|d| d.code == folder) {
                entry.0 = true;
            }
            if file_name.starts_with("good") {
                entry.1 = true;
            }
        }
        if rel.ends_with(".json") {
            let idx = LineIndex::new(&text);
            let mut actual: Vec<String> = rel_diags
                .iter()
                .map(|d| {
                    format!(
                        "{} {}",
                        range_string(&text, &idx, d.span, Encoding::Utf16),
                        d.code
                    )
                })
                .collect();
            actual.sort();
            let mut expected = json_expectations(path);
            expected.sort();
            if actual != expected {
                errors.push(format!(
                    "{rel}: expected\n  {}\nfound\n  {}",
                    expected.join("\n  "),
                    actual.join("\n  ")
                ));
            }
        } else {
            let expected = yaml_expectations(&text);
            let actual = yaml_actual(&text, &rel_diags);
            if actual != expected {
                let fmt = |v: &[(usize, usize, usize, String)]| {
                    v.iter()
                        .map(|(l, s, e, c)| format!("line {} cols {}..{} {}", l + 1, s, e, c))
                        .collect::<Vec<_>>()
                        .join("\n  ")
                };
                errors.push(format!(
                    "{rel}: expected\n  {}\nfound\n  {}",
                    fmt(&expected),
                    fmt(&actual)
                ));
            }
        }
        let idx = LineIndex::new(&text);
        let snap = snapshots.entry(folder.clone()).or_default();
        snap.push_str(&format!("--- {file_name}\n"));
        for d in &rel_diags {
            snap.push_str(&format!(
                "{} {} [{}] {}{}\n",
                range_string(&text, &idx, d.span, Encoding::Utf16),
                d.code,
                d.severity.as_str(),
                d.message,
                d.fix
                    .as_ref()
                    .map(|f| format!(" (fix: {})", f.title))
                    .unwrap_or_default()
            ));
        }
        errors.extend(check_fixes(
            &rel,
            &text,
            &diags,
            &settings,
            &folder,
            &mut verified,
        ));
    }

    // Every rule has a folder with a failing case that fires and a passing case.
    for rule in rules::all() {
        match covered.get(rule.id) {
            Some((true, true)) => {}
            Some((fires, good)) => errors.push(format!(
                "{}: fixtures incomplete (bad fires: {fires}, good exists: {good})",
                rule.id
            )),
            None => errors.push(format!("{}: no fixtures", rule.id)),
        }
        // Every fixable rule has a verified fix in YAML and in JSON.
        if rule.fix != rules::FixAvailability::None {
            for json in [false, true] {
                if !verified.contains(&(rule.id.to_string(), json)) {
                    errors.push(format!(
                        "{}: no verified fix in a {} fixture",
                        rule.id,
                        if json { "JSON" } else { "YAML" }
                    ));
                }
            }
        }
    }

    assert!(
        errors.is_empty(),
        "{} fixture problems:\n\n{}",
        errors.len(),
        errors.join("\n\n")
    );
    for (folder, snap) in &snapshots {
        insta::assert_snapshot!(folder.as_str(), snap);
    }
}

/// A Terraform marker line: `#`, spaces, carets, a rule id, and optionally a
/// fragment of the message. A marker written `#^^^` (no space) starts at
/// column 0: the `#` stands for the first caret, so findings on a
/// `resource "aws_s3_bucket" "NAME"` header at the start of a line can be
/// marked.
fn tf_marker(line: &str) -> Option<(usize, usize, String, String)> {
    let rest = line.strip_prefix('#')?;
    let spaces = rest.chars().take_while(|c| *c == ' ').count();
    let rest2 = &rest[spaces..];
    let carets = rest2.chars().take_while(|c| *c == '^').count();
    if carets == 0 {
        return None;
    }
    let tail = rest2[carets..].trim();
    let (code, fragment) = match tail.split_once(' ') {
        Some((c, f)) => (c.to_string(), f.trim().to_string()),
        None => (tail.to_string(), String::new()),
    };
    if !code.starts_with("S3-") && code != SYNTAX_ERROR && code != "stale-suppression" {
        return None;
    }
    let (start, end) = if spaces == 0 {
        (0, 1 + carets)
    } else {
        (1 + spaces, 1 + spaces + carets)
    };
    Some((start, end, code, fragment))
}

/// `(line, startcol, endcol, code)` and message fragments of an HCL fixture.
type TfExpect = (usize, usize, usize, String);

fn tf_expectations(text: &str) -> (Vec<TfExpect>, Vec<(TfExpect, String)>) {
    let mut out = Vec::new();
    let mut fragments = Vec::new();
    let mut last_code_line = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        match tf_marker(line) {
            Some((s, e, code, fragment)) => {
                let target = last_code_line
                    .unwrap_or_else(|| panic!("marker on line {} has no line above", i + 1));
                let key = (target, s, e, code);
                if !fragment.is_empty() {
                    fragments.push((key.clone(), fragment));
                }
                out.push(key);
            }
            None => last_code_line = Some(i),
        }
    }
    out.sort();
    (out, fragments)
}

/// Folders under `root` that directly hold Terraform files: one module each.
fn tf_modules(root: &Path) -> Vec<std::path::PathBuf> {
    let mut dirs: BTreeSet<std::path::PathBuf> = BTreeSet::new();
    for f in files_under(root, &["tf", "json"]) {
        if let Some(d) = f.parent() {
            dirs.insert(d.to_path_buf());
        }
    }
    dirs.into_iter().collect()
}

/// `fixtures/terraform/<RULE>/<case>/`: each case folder is a module, its
/// `.tf` files carry caret markers, its `.tf.json` files (and `.tf` files
/// whose findings sit inside heredocs) an `.expected` sidecar. Cases named `bad*` must fire the rule, `good*` must exist; in
/// a folder not named after a rule every diagnostic is compared.
#[test]
fn terraform_fixtures() {
    let root = repo_root().join("fixtures").join("terraform");
    let modules = tf_modules(&root);
    assert!(
        !modules.is_empty(),
        "no Terraform fixtures under {}",
        root.display()
    );
    let mut errors = Vec::new();
    let mut covered: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    let mut tf_verified: BTreeSet<(String, bool)> = BTreeSet::new();
    for dir in &modules {
        let rel = dir
            .strip_prefix(&root)
            .unwrap_or(dir)
            .to_string_lossy()
            .replace('\\', "/");
        let folder = rel.split('/').next().unwrap_or_default().to_string();
        let case = rel.rsplit('/').next().unwrap_or_default().to_string();
        let mut files: Vec<(String, String)> = Vec::new();
        let Ok(rd) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            if name.ends_with(".tf") || name.ends_with(".tf.json") || name.ends_with(".tfvars") {
                let text =
                    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{rel}/{name}: {e}"));
                files.push((format!("{rel}/{name}"), text));
            }
        }
        files.sort();
        let first = files
            .iter()
            .find(|(n, _)| n.ends_with(".tf"))
            .map(|(_, t)| t.as_str());
        let settings = Settings {
            select: first
                .and_then(|t| t.lines().next())
                .and_then(|l| l.strip_prefix("# fixture: select="))
                .map(|d| d.split(',').map(|s| s.trim().to_string()).collect()),
            ..Settings::default()
        };
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let results = analysis::analyze_module(&refs, &settings);
        errors.extend(check_tf_fixes(
            &files,
            &results,
            &settings,
            &folder,
            &mut tf_verified,
        ));
        let mut fired = false;
        for (name, a) in &results {
            let Some((_, text)) = files.iter().find(|(n, _)| n == name) else {
                continue;
            };
            let rel_diags = relevant(&folder, &a.diagnostics);
            fired |= rel_diags.iter().any(|d| d.code == folder);
            let fixture_path = repo_root().join("fixtures").join("terraform").join(name);
            // A `.tf` file whose findings sit inside a heredoc (where a
            // marker line would change the heredoc) uses a sidecar too.
            if name.ends_with(".tf.json") || sidecar(&fixture_path).is_some() {
                let idx = LineIndex::new(text);
                let mut actual: Vec<String> = rel_diags
                    .iter()
                    .map(|d| {
                        format!(
                            "{} {}",
                            range_string(text, &idx, d.span, Encoding::Utf16),
                            d.code
                        )
                    })
                    .collect();
                actual.sort();
                let mut expected = json_expectations(Path::new(
                    &repo_root().join("fixtures").join("terraform").join(name),
                ));
                expected.sort();
                if actual != expected {
                    errors.push(format!(
                        "{name}: expected\n  {}\nfound\n  {}",
                        expected.join("\n  "),
                        actual.join("\n  ")
                    ));
                }
            } else if name.ends_with(".tf") {
                let (expected, fragments) = tf_expectations(text);
                let actual = yaml_actual(text, &rel_diags);
                if actual != expected {
                    let fmt = |v: &[(usize, usize, usize, String)]| {
                        v.iter()
                            .map(|(l, s, e, c)| format!("line {} cols {}..{} {}", l + 1, s, e, c))
                            .collect::<Vec<_>>()
                            .join("\n  ")
                    };
                    errors.push(format!(
                        "{name}: expected\n  {}\nfound\n  {}",
                        fmt(&expected),
                        fmt(&actual)
                    ));
                }
                // Message fragments must appear in a finding at that place.
                let idx = LineIndex::new(text);
                for ((line, s, _, code), fragment) in fragments {
                    let ok = rel_diags.iter().any(|d| {
                        let p = idx.position(text, d.span.start, Encoding::Utf32);
                        p.line as usize == line
                            && p.col as usize == s
                            && d.code == code
                            && d.message.contains(&fragment)
                    });
                    if !ok {
                        errors.push(format!(
                            "{name}:{}: no {code} finding whose message contains `{fragment}`",
                            line + 1
                        ));
                    }
                }
            }
        }
        if rules::find(&folder).is_some() {
            let entry = covered.entry(folder.clone()).or_default();
            if case.starts_with("bad") && fired {
                entry.0 = true;
            }
            if case.starts_with("good") {
                entry.1 = true;
            }
        }
    }
    for rule in rules::all() {
        // Every fixable rule has a verified fix in a `.tf` fixture.
        if rule.fix != rules::FixAvailability::None
            && !tf_verified.contains(&(rule.id.to_string(), false))
        {
            errors.push(format!("{}: no verified fix in a .tf fixture", rule.id));
        }
        match covered.get(rule.id) {
            Some((true, true)) => {}
            Some((fires, good)) => errors.push(format!(
                "{}: Terraform fixtures incomplete (bad fires: {fires}, good exists: {good})",
                rule.id
            )),
            None => errors.push(format!("{}: no Terraform fixtures", rule.id)),
        }
    }
    assert!(
        errors.is_empty(),
        "{} Terraform fixture problems:\n\n{}",
        errors.len(),
        errors.join("\n\n")
    );
}

type DiagKey = (String, Option<String>, String);

/// Apply every fix offered in a Terraform module, one at a time, to its
/// file, re-analyse the module and check the result: it parses, the
/// finding is gone, nothing new appears in any file (but the follow-ups),
/// and the text outside the edits is untouched.
fn check_tf_fixes(
    files: &[(String, String)],
    results: &[(&str, bucketguard::analysis::Analysis)],
    settings: &Settings,
    folder: &str,
    verified: &mut BTreeSet<(String, bool)>,
) -> Vec<String> {
    let mut errors = Vec::new();
    let before: BTreeSet<(String, DiagKey)> = results
        .iter()
        .flat_map(|(n, a)| a.diagnostics.iter().map(move |d| (n.to_string(), key(d))))
        .collect();
    for (name, a) in results {
        let Some((_, text)) = files.iter().find(|(n, _)| n == name) else {
            continue;
        };
        for d in relevant(folder, &a.diagnostics) {
            let Some(fix) = &d.fix else { continue };
            let (fixed, applied) = apply_edits(text, &fix.edits);
            if applied != fix.edits.len() {
                errors.push(format!("{name}: fix for {} has overlapping edits", d.code));
                continue;
            }
            let lo = fix.edits.iter().map(|e| e.span.start).min().unwrap_or(0);
            let hi = fix.edits.iter().map(|e| e.span.end).max().unwrap_or(0);
            let tail = text.len() - hi;
            if fixed[..lo] != text[..lo] || fixed[fixed.len() - tail..] != text[hi..] {
                errors.push(format!(
                    "{name}: fix for {} changed text outside its edits",
                    d.code
                ));
            }
            let changed: Vec<(&str, &str)> = files
                .iter()
                .map(|(n, t)| {
                    if n == name {
                        (n.as_str(), fixed.as_str())
                    } else {
                        (n.as_str(), t.as_str())
                    }
                })
                .collect();
            let after = analysis::analyze_module(&changed, settings);
            if after
                .iter()
                .any(|(_, a)| a.diagnostics.iter().any(|x| x.code == SYNTAX_ERROR))
            {
                errors.push(format!(
                    "{name}: fix for {} breaks the syntax:\n{fixed}",
                    d.code
                ));
                continue;
            }
            let gone = !after
                .iter()
                .any(|(n, a)| n == name && a.diagnostics.iter().any(|x| key(x) == key(d)));
            if !gone {
                errors.push(format!(
                    "{name}: fix for {} did not remove the finding:\n{fixed}",
                    d.code
                ));
            }
            for (n, a) in &after {
                for x in &a.diagnostics {
                    let allowed = FOLLOW_UPS
                        .iter()
                        .any(|(f, nx)| *f == d.code && *nx == x.code);
                    if !before.contains(&(n.to_string(), key(x))) && !allowed {
                        errors.push(format!(
                            "{name}: fix for {} introduced {} `{}` in {n}:\n{fixed}",
                            d.code, x.code, x.message
                        ));
                    }
                }
            }
            if gone {
                verified.insert((d.code.clone(), name.ends_with(".json")));
            }
        }
    }
    errors
}
