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

/// Apply every fix of the module `files`; the rules whose fix verified.
fn roundtrip(files: &[(&str, &str)], errors: &mut Vec<String>) -> BTreeSet<String> {
    let settings = Settings::default();
    let results = analysis::analyze_module(files, &settings);
    let before: BTreeSet<Key> = results
        .iter()
        .flat_map(|(n, a)| a.diagnostics.iter().map(|d| key(n, d)))
        .collect();
    let mut verified = BTreeSet::new();
    for (name, a) in &results {
        let Some((_, text)) = files.iter().find(|(n, _)| n == name) else {
            continue;
        };
        for d in &a.diagnostics {
            let Some(fix) = &d.fix else { continue };
            let (fixed, applied) = apply_edits(text, &fix.edits);
            if applied != fix.edits.len() {
                errors.push(format!("{name}: {} overlapping edits", d.code));
                continue;
            }
            let lo = fix.edits.iter().map(|e| e.span.start).min().unwrap_or(0);
            let hi = fix.edits.iter().map(|e| e.span.end).max().unwrap_or(0);
            let tail = text.len() - hi;
            if fixed[..lo] != text[..lo] || fixed[fixed.len() - tail..] != text[hi..] {
                errors.push(format!("{name}: {} changed text outside its edits", d.code));
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
                continue;
            }
            let me = key(name, d);
            let mut ok = true;
            if after.contains(&me) {
                errors.push(format!("{name}: {} not removed:\n{fixed}", d.code));
                ok = false;
            }
            for k in &after {
                let allowed = FOLLOW_UPS.iter().any(|(f, n)| *f == d.code && *n == k.1);
                if !before.contains(k) && !allowed {
                    errors.push(format!(
                        "{name}: {} introduced {} `{}`:\n{fixed}",
                        d.code, k.1, k.3
                    ));
                    ok = false;
                }
            }
            if ok {
                verified.insert(d.code.clone());
            }
        }
    }
    verified
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
