//! `--format sarif`: SARIF 2.1.0 with one run. Every rule is listed in
//! `tool.driver.rules` (plus `syntax-error` and `stale-suppression`), so a
//! result's `ruleIndex` is always valid. Columns are UTF-16 code units,
//! SARIF's default `columnKind`.

use super::report::FileReport;
use crate::analysis::{STALE_SUPPRESSION, SYNTAX_ERROR};
use crate::docs;
use crate::rules::{self, Rule, Severity};
use crate::text::{Encoding, Span};
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
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

/// The index of `code` in `tool.driver.rules`.
fn index_of(code: &str) -> Option<usize> {
    let all = rules::all();
    match code {
        SYNTAX_ERROR => Some(all.len()),
        STALE_SUPPRESSION => Some(all.len() + 1),
        _ => all.iter().position(|r| r.id == code),
    }
}

/// One result, built as a small JSON value and written at once.
fn result(f: &FileReport, d: &crate::analysis::Diagnostic) -> Value {
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
    result
}

/// Every result of every file, serialised one at a time: a report can
/// hold hundreds of thousands, and a tree of them all took gigabytes.
struct Results<'a>(&'a [FileReport]);

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for f in self.0 {
            for d in &f.diagnostics {
                seq.serialize_element(&result(f, d))?;
            }
        }
        seq.end()
    }
}

// The log's outer objects, with their keys in alphabetical order (the
// order a `serde_json::Value` object has).
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    artifacts: Value,
    column_kind: &'static str,
    invocations: Value,
    results: Results<'a>,
    tool: Value,
}

/// Write the log to `w`. `successful` is false when some file could not
/// be read or written.
pub fn write(
    w: &mut dyn std::io::Write,
    files: &[FileReport],
    successful: bool,
) -> std::io::Result<()> {
    let mut descriptors: Vec<Value> = rules::all().iter().map(|r| rule_descriptor(r)).collect();
    descriptors.extend(notification_descriptors());
    let artifacts: Vec<Value> = files
        .iter()
        .map(|f| json!({ "location": { "uri": f.uri } }))
        .collect();
    let log = Log {
        schema: SCHEMA,
        runs: [Run {
            artifacts: json!(artifacts),
            column_kind: "utf16CodeUnits",
            invocations: json!([{ "executionSuccessful": successful }]),
            results: Results(files),
            tool: json!({
                "driver": {
                    "name": "bucketguard",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": docs::PROJECT_URL,
                    "rules": descriptors,
                }
            }),
        }],
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut *w, &log)?;
    w.write_all(b"\n")
}
