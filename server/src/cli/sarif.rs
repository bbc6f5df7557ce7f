//! `--format sarif`: SARIF 2.1.0 with one run. Every rule is listed in
//! `tool.driver.rules` (plus `syntax-error` and `stale-suppression`), so a
//! result's `ruleIndex` is always valid. Columns are UTF-16 code units,
//! SARIF's default `columnKind`.

use super::report::FileReport;
use crate::analysis::{STALE_SUPPRESSION, SYNTAX_ERROR};
use crate::docs;
use crate::rules::{self, Rule, Severity};
use crate::text::{Encoding, Span};
use anyhow::Result;
use serde_json::{json, Value};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule_descriptor(rule: &Rule) -> Value {
    let markdown = docs::rule_markdown(rule);
    let full = docs::section(rule.doc, "What it does")
        .filter(|s| !s.is_empty())
        .unwrap_or(rule.summary);
    json!({
        "id": rule.id,
        "name": rule.name,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": full },
        "help": { "text": markdown, "markdown": markdown },
        "helpUri": docs::rule_url(rule),
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "tags": ["security", rule.group],
            "fix": rule.fix.as_str(),
        },
    })
}

/// The two diagnostics that are not rules, described as rules so results
/// can point at them.
fn notification_descriptors() -> [Value; 2] {
    [
        json!({
            "id": SYNTAX_ERROR,
            "name": SYNTAX_ERROR,
            "shortDescription": { "text": "The template does not parse." },
            "fullDescription": { "text": "The file looks like a CloudFormation template but is not valid YAML or JSON; no rule ran on it." },
            "help": { "text": "Fix the syntax error; the other findings appear once the file parses.", "markdown": "Fix the syntax error; the other findings appear once the file parses." },
            "defaultConfiguration": { "level": "error" },
            "properties": { "tags": ["syntax"] },
        }),
        json!({
            "id": STALE_SUPPRESSION,
            "name": STALE_SUPPRESSION,
            "shortDescription": { "text": "A suppression matches no finding." },
            "fullDescription": { "text": "A `bucketguard: ignore[...]` comment or a resource's `Metadata` ignore list names a rule that reports nothing there, or an id that is not a rule." },
            "help": { "text": "Remove the suppression, or correct the rule id.", "markdown": "Remove the suppression, or correct the rule id." },
            "defaultConfiguration": { "level": "note" },
            "properties": { "tags": ["suppression"] },
        }),
    ]
}

fn region(f: &FileReport, span: Span) -> Value {
    let (s, e) = f.range(span, Encoding::Utf16);
    json!({
        "startLine": s.line,
        "startColumn": s.column,
        "endLine": e.line,
        "endColumn": e.column,
    })
}

fn location(f: &FileReport, span: Span) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": f.uri },
            "region": region(f, span),
        }
    })
}

/// Render the log. `successful` is false when some file could not be read
/// or written.
pub fn render(files: &[FileReport], successful: bool) -> Result<String> {
    let all = rules::all();
    let mut descriptors: Vec<Value> = all.iter().map(|r| rule_descriptor(r)).collect();
    descriptors.extend(notification_descriptors());
    let index_of = |code: &str| -> Option<usize> {
        match code {
            SYNTAX_ERROR => Some(all.len()),
            STALE_SUPPRESSION => Some(all.len() + 1),
            _ => all.iter().position(|r| r.id == code),
        }
    };

    let mut results = Vec::new();
    for f in files {
        for d in &f.diagnostics {
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [location(f, d.span)],
            });
            if let Some(i) = index_of(&d.code) {
                result["ruleIndex"] = json!(i);
            }
            if !d.related.is_empty() {
                let related: Vec<Value> = d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let mut loc = location(f, r.span);
                        loc["id"] = json!(i);
                        loc["message"] = json!({ "text": r.message });
                        loc
                    })
                    .collect();
                result["relatedLocations"] = json!(related);
            }
            if let Some(fix) = &d.fix {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        json!({
                            "deletedRegion": region(f, e.span),
                            "insertedContent": { "text": e.text },
                        })
                    })
                    .collect();
                result["fixes"] = json!([{
                    "description": { "text": fix.title },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": f.uri },
                        "replacements": replacements,
                    }],
                }]);
            }
            if let Some(res) = &d.resource {
                result["properties"] = json!({ "resource": res });
            }
            results.push(result);
        }
    }

    let artifacts: Vec<Value> = files
        .iter()
        .map(|f| json!({ "location": { "uri": f.uri } }))
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "bucketguard",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": docs::PROJECT_URL,
                    "rules": descriptors,
                }
            },
            "invocations": [{ "executionSuccessful": successful }],
            "columnKind": "utf16CodeUnits",
            "artifacts": artifacts,
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log)?;
    s.push('\n');
    Ok(s)
}
