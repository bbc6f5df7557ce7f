//! Terraform fixes round-trip: every fix offered on small modules in both
//! provider styles (v3 inline, v4+ split resources) and in `.tf.json` is
//! applied, the module re-analysed, and checked: it parses, the finding is
//! gone, nothing new appears (but the known follow-ups), and the text
//! outside the edits is unchanged.

use bucketguard::analysis::{self, Diagnostic, SYNTAX_ERROR};
use bucketguard::fix::apply_edits;
use bucketguard::settings::Settings;
use std::collections::BTreeSet;

const FOLLOW_UPS: &[(&str, &str)] = &[("S3-301", "S3-302"), ("S3-501", "S3-505")];

const V4: &str = r#"terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

resource "aws_s3_bucket" "data" {
  bucket = "example-data"
}

resource "aws_s3_bucket_acl" "data" {
  bucket = aws_s3_bucket.data.id
  acl    = "public-read"
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket            = aws_s3_bucket.data.id
  block_public_acls = false
}
"#;

const V3: &str = r#"provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "logs" {
  bucket = "example-logs"
  acl    = "public-read"

  versioning {
    enabled = false
  }

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "AES256"
      }
    }
  }
}
"#;

const JSON: &str = r#"{
  "resource": {
    "aws_s3_bucket": {
      "data": {
        "bucket": "example-data",
        "acl": "public-read"
      }
    }
  }
}
"#;

type Key = (String, String, Option<String>, String);

fn key(file: &str, d: &Diagnostic) -> Key {
    (
        file.to_string(),
        d.code.clone(),
        d.resource.clone(),
        d.message.clone(),
    )
}

/// One fix offered in a module, applied and checked.
struct Applied {
    file: String,
    code: String,
    title: String,
    fixed: String,
    ok: bool,
}

/// Apply every fix of the module `files`, one at a time, and check each:
/// the module still parses, the finding is gone, nothing new appears (but
/// the follow-ups) and the text outside the edits is unchanged.
fn apply_all(files: &[(&str, &str)], errors: &mut Vec<String>) -> Vec<Applied> {
    let settings = Settings::default();
    let results = analysis::analyze_module(files, &settings);
    let before: BTreeSet<Key> = results
        .iter()
        .flat_map(|(n, a)| a.diagnostics.iter().map(|d| key(n, d)))
        .collect();
    let mut out = Vec::new();
    for (name, a) in &results {
        let Some((_, text)) = files.iter().find(|(n, _)| n == name) else {
            continue;
        };
        for d in &a.diagnostics {
            let Some(fix) = &d.fix else { continue };
            let (fixed, applied) = apply_edits(text, &fix.edits);
            let mut ok = true;
            if applied != fix.edits.len() {
                errors.push(format!("{name}: {} overlapping edits", d.code));
                continue;
            }
            let lo = fix.edits.iter().map(|e| e.span.start).min().unwrap_or(0);
            let hi = fix.edits.iter().map(|e| e.span.end).max().unwrap_or(0);
            let tail = text.len() - hi;
            if fixed[..lo] != text[..lo] || fixed[fixed.len() - tail..] != text[hi..] {
                errors.push(format!("{name}: {} changed text outside its edits", d.code));
                ok = false;
            }
            let changed: Vec<(&str, &str)> = files
                .iter()
                .map(|(n, t)| {
                    if n == name {
                        (*n, fixed.as_str())
                    } else {
                        (*n, *t)
                    }
                })
                .collect();
            let after = analysis::analyze_module(&changed, &settings);
            let after: Vec<Key> = after
                .iter()
                .flat_map(|(n, a)| a.diagnostics.iter().map(|x| key(n, x)))
                .collect();
            if after.iter().any(|k| k.1 == SYNTAX_ERROR) {
                errors.push(format!("{name}: {} breaks the syntax:\n{fixed}", d.code));
                ok = false;
            }
            if after.contains(&key(name, d)) {
                errors.push(format!("{name}: {} not removed:\n{fixed}", d.code));
                ok = false;
            }
            for k in &after {
                let allowed = FOLLOW_UPS.iter().any(|(f, n)| *f == d.code && *n == k.1);
                if !before.contains(k) && !allowed && k.1 != SYNTAX_ERROR {
                    errors.push(format!(
                        "{name}: {} introduced {} `{}`:\n{fixed}",
                        d.code, k.1, k.3
                    ));
                    ok = false;
                }
            }
            out.push(Applied {
                file: name.to_string(),
                code: d.code.clone(),
                title: fix.title.clone(),
                fixed,
                ok,
            });
        }
    }
    out
}

/// Apply every fix of the module `files`; the rules whose fix verified.
fn roundtrip(files: &[(&str, &str)], errors: &mut Vec<String>) -> BTreeSet<String> {
    apply_all(files, errors)
        .into_iter()
        .filter(|a| a.ok)
        .map(|a| a.code)
        .collect()
}

fn expect(layout: &str, verified: &BTreeSet<String>, rules: &[&str], errors: &mut Vec<String>) {
    for r in rules {
        if !verified.contains(*r) {
            errors.push(format!(
                "{layout}: no verified fix for {r} (verified: {verified:?})"
            ));
        }
    }
}

#[test]
fn terraform_fixes_roundtrip() {
    let mut errors = Vec::new();
    let v4 = roundtrip(&[("m/main.tf", V4)], &mut errors);
    expect(
        "v4",
        &v4,
        &[
            "S3-102", "S3-103", "S3-104", "S3-105", "S3-111", "S3-112", "S3-204", "S3-301",
            "S3-401", "S3-404", "S3-501", "S3-502", "S3-901", "S3-902",
        ],
        &mut errors,
    );
    let v3 = roundtrip(&[("m/main.tf", V3)], &mut errors);
    expect(
        "v3",
        &v3,
        &[
            "S3-101", "S3-111", "S3-112", "S3-302", "S3-401", "S3-404", "S3-502", "S3-901",
            "S3-902",
        ],
        &mut errors,
    );
    let crlf = V3.replace('\n', "\r\n");
    let v3crlf = roundtrip(&[("m/main.tf", &crlf)], &mut errors);
    expect("v3 crlf", &v3crlf, &["S3-111", "S3-401"], &mut errors);
    let json = roundtrip(&[("m/main.tf.json", JSON)], &mut errors);
    expect(
        "tf.json",
        &json,
        &["S3-101", "S3-111", "S3-112", "S3-301", "S3-404", "S3-501"],
        &mut errors,
    );
    assert!(errors.is_empty(), "{}", errors.join("\n\n"));
}

/// The text of a v4 fix: a new resource after the bucket, aligned like `terraform fmt`.
#[test]
fn v4_versioning_fix_adds_split_resource() {
    let files = [("m/main.tf", V4)];
    let results = analysis::analyze_module(&files, &Settings::default());
    let d = results[0]
        .1
        .diagnostics
        .iter()
        .find(|d| d.code == "S3-501")
        .and_then(|d| d.fix.as_ref())
        .map(|f| apply_edits(V4, &f.edits).0);
    let fixed = d.unwrap_or_default();
    assert!(
        fixed.contains(
            "resource \"aws_s3_bucket\" \"data\" {\n  bucket = \"example-data\"\n}\n\nresource \"aws_s3_bucket_versioning\" \"data\" {\n  bucket = aws_s3_bucket.data.id\n\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}\n"
        ),
        "{fixed}"
    );
}

/// Fixable rules whose fix does not apply to a `.tf.json` module, with the
/// reason (also given in the rule's "Fix safety" text).
const NO_JSON_FIX: &[(&str, &str)] = &[];

const BARE: &[&str] = &[
    "S3-101", "S3-112", "S3-204", "S3-301", "S3-401", "S3-404", "S3-501", "S3-502", "S3-901",
    "S3-902",
];
const V4_SETTINGS: &[&str] = &[
    "S3-102", "S3-103", "S3-104", "S3-105", "S3-111", "S3-112", "S3-302", "S3-402", "S3-501",
    "S3-504", "S3-508", "S3-601", "S3-702", "S3-801",
];
const V3_SETTINGS: &[&str] = &[
    "S3-111", "S3-302", "S3-402", "S3-501", "S3-504", "S3-508", "S3-601",
];

/// The cases and the rules whose fixes are snapshotted in each (the
/// others are checked, not snapshotted: they repeat another case's).
const CASES: &[(&str, &[&str])] = &[
    ("json_v3_bare", BARE),
    ("json_v3_settings", V3_SETTINGS),
    ("json_v3_website", &["S3-702"]),
    ("json_v4_bare", BARE),
    ("json_v4_kms", &["S3-303", "S3-305"]),
    ("json_v4_noncurrent", &["S3-505"]),
    ("json_v4_policy_data", &["S3-204"]),
    ("json_v4_settings", V4_SETTINGS),
    ("v3_bare", BARE),
    ("v3_policy", &["S3-204"]),
    ("v3_settings", V3_SETTINGS),
    ("v3_website", &["S3-702"]),
    ("v4_bare", BARE),
    ("v4_for_each", &["S3-112"]),
    ("v4_kms", &["S3-303", "S3-305"]),
    ("v4_noncurrent", &["S3-505"]),
    ("v4_policy", &["S3-204"]),
    ("v4_policy_data", &["S3-204"]),
    ("v4_settings", V4_SETTINGS),
];

/// `fixtures/terraform-fixes/<case>/`: each folder is a module. Every fix
/// offered in it is applied and checked as above, and the file after the
/// fix is snapshotted (`<case>__<rule>`) for the rules [`CASES`] names.
/// Every fixable rule must have a verified fix in a `.tf` case and in a
/// `.tf.json` case.
#[test]
fn terraform_fix_cases() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("terraform-fixes");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    assert!(!dirs.is_empty(), "no cases under {}", root.display());
    let mut errors = Vec::new();
    let mut verified: BTreeSet<(String, bool)> = BTreeSet::new();
    let mut snapshots: Vec<(String, String)> = Vec::new();
    for dir in &dirs {
        let case = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.flatten()
                    .filter_map(|e| {
                        let name = e.file_name().to_str()?.to_string();
                        let text = std::fs::read_to_string(e.path()).ok()?;
                        Some((format!("{case}/{name}"), text))
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let applied = apply_all(&refs, &mut errors);
        if applied.is_empty() {
            errors.push(format!("{case}: no fix offered"));
        }
        let offered: Vec<String> = applied
            .iter()
            .map(|a| format!("{}{}", a.code, if a.ok { "" } else { "(failed)" }))
            .collect();
        println!("{case}: {}", offered.join(" "));
        let Some((_, snap_rules)) = CASES.iter().find(|(c, _)| *c == case) else {
            errors.push(format!("{case}: not listed in CASES"));
            continue;
        };
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for a in applied {
            if a.ok {
                verified.insert((a.code.clone(), a.file.ends_with(".tf.json")));
            }
            if !snap_rules.contains(&a.code.as_str()) {
                continue;
            }
            let mut name = format!("{case}__{}", a.code);
            let mut n = 2;
            while !seen.insert(name.clone()) {
                name = format!("{case}__{}_{n}", a.code);
                n += 1;
            }
            snapshots.push((name, format!("{}: {}\n\n{}", a.file, a.title, a.fixed)));
        }
        for r in *snap_rules {
            if !seen.contains(&format!("{case}__{r}")) {
                errors.push(format!("{case}: no fix for {r} to snapshot"));
            }
        }
    }
    // The coverage table, printed for the record.
    let mut table = String::from("rule    .tf  .tf.json\n");
    for rule in bucketguard::rules::all() {
        if rule.fix == bucketguard::rules::FixAvailability::None {
            continue;
        }
        let tf = verified.contains(&(rule.id.to_string(), false));
        let json = verified.contains(&(rule.id.to_string(), true));
        let mark = |b: bool| if b { "yes" } else { "no " };
        table.push_str(&format!("{}  {}  {}\n", rule.id, mark(tf), mark(json)));
        if !tf {
            errors.push(format!("{}: no verified fix in a .tf case", rule.id));
        }
        let exempt = NO_JSON_FIX.iter().any(|(r, _)| *r == rule.id);
        if json == exempt {
            errors.push(format!(
                "{}: verified fix in a .tf.json case: {json}, listed in NO_JSON_FIX: {exempt}",
                rule.id
            ));
        }
    }
    println!("{table}");
    assert!(errors.is_empty(), "{}", errors.join("\n\n"));
    for (name, snap) in snapshots {
        insta::assert_snapshot!(name, snap);
    }
}
