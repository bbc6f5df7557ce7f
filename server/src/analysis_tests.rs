use super::*;
use crate::tf::Role;

fn settings() -> Settings {
    Settings {
        select: Some(vec!["S3-111".to_string()]),
        ..Settings::default()
    }
}

#[test]
fn suppression_edits_silence_the_finding_in_yaml_and_json() {
    let yaml = "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n";
    let json = r#"{
  "Resources": {
    "Logs": {
      "Type": "AWS::S3::Bucket",
      "Properties": {"AccessControl": "PublicRead"},
      "Metadata": {"bucketguard": {"ignore": ["S3-101"]}}
    }
  }
}
"#;
    for (path, text) in [("t.yaml", yaml), ("t.json", json)] {
        let kind = FileKind::detect(path, text).unwrap();
        let before = analyze(path, text, &settings());
        assert_eq!(before.diagnostics.len(), 1, "{path}");
        let d = &before.diagnostics[0];
        let edits = suppression_edits(kind, text, d.resource.as_deref().unwrap(), &d.code).unwrap();
        let edits = &edits;
        let (after_text, n) = fix::apply_edits(text, edits);
        assert_eq!(n, edits.len());
        assert!(after_text.contains("S3-111"), "{after_text}");
        let after = analyze(path, &after_text, &settings());
        assert!(
            after.diagnostics.is_empty(),
            "{path}: {after_text}\n{:?}",
            after.diagnostics
        );
    }
}

#[test]
fn configured_severity_overrides_per_finding_escalation() {
    // S3-601 escalates to error when the rule allows writes; a configured
    // severity, even the rule's default, wins over that.
    let text = "AWSTemplateFormatVersion: x\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: [\"*\"]\n            AllowedMethods: [PUT]\n";
    let select = Some(vec!["S3-601".to_string()]);
    let plain = Settings {
        select: select.clone(),
        ..Settings::default()
    };
    let d = analyze("t.yaml", text, &plain).diagnostics;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].severity, Severity::Error);
    let configured = Settings {
        select,
        severity: [("S3-601".to_string(), Severity::Warning)]
            .into_iter()
            .collect(),
        ..Settings::default()
    };
    let d = analyze("t.yaml", text, &configured).diagnostics;
    assert_eq!(d[0].severity, Severity::Warning);
}

/// `Fixes::Titles` gives the same diagnostics as `Fixes::Edits`, with the
/// same fix titles, only without the edits (templates and modules alike).
/// It may name a fix that would not render (here: a value inside `!If`),
/// never the other way round.
#[test]
fn titles_only_analysis_matches_the_full_one_without_edits() {
    let tf = "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n  acl    = \"public-read\"\n}\n";
    let cfn = crate::testgen::cfn_yaml(5);
    for (path, text) in [("t.yaml", cfn.as_str()), ("main.tf", tf)] {
        let full = analyze_with(path, text, &Settings::default(), Fixes::Edits);
        let titled = analyze_with(path, text, &Settings::default(), Fixes::Titles);
        assert_eq!(full.diagnostics.len(), titled.diagnostics.len(), "{path}");
        assert!(full.diagnostics.iter().any(|d| d.fix.is_some()), "{path}");
        for (f, t) in full.diagnostics.iter().zip(&titled.diagnostics) {
            assert_eq!(
                (&f.code, f.span, &f.message, f.severity),
                (&t.code, t.span, &t.message, t.severity)
            );
            if let Some(ff) = &f.fix {
                assert!(!ff.edits.is_empty(), "{path}: {}", f.message);
                let tf = t.fix.as_ref().expect("a rendered fix is also titled");
                assert_eq!((&ff.title, ff.applicability), (&tf.title, tf.applicability));
            }
            assert!(t.fix.as_ref().is_none_or(|f| f.edits.is_empty()));
        }
    }
}

#[test]
fn terraform_suppression_edit_adds_a_comment_above_the_header_or_extends_one() {
    let tf =
        "resource \"aws_s3_bucket\" \"data\" {\n  bucket = \"d\"\n  acl    = \"public-read\"\n}\n";
    let all = Settings::default();
    let before = analyze("main.tf", tf, &all);
    let code = before
        .diagnostics
        .iter()
        .find(|d| d.resource.as_deref() == Some("aws_s3_bucket.data"))
        .map(|d| d.code.clone())
        .unwrap();
    let edits = suppression_edits_tf(Role::Hcl, tf, "aws_s3_bucket.data", &code, None).unwrap();
    let (out, _) = crate::fix::apply_edits(tf, &edits);
    assert!(out.starts_with(&format!("# bucketguard: ignore[{code}]\nresource")));
    let after = analyze("main.tf", &out, &all);
    assert!(!after.diagnostics.iter().any(|d| d.code == code));
    assert!(!after
        .diagnostics
        .iter()
        .any(|d| d.code == STALE_SUPPRESSION));

    // A second rule goes into the same comment; CRLF is kept.
    let other = after
        .diagnostics
        .iter()
        .find(|d| d.resource.as_deref() == Some("aws_s3_bucket.data"))
        .map(|d| d.code.clone())
        .unwrap();
    let edits = suppression_edits_tf(Role::Hcl, &out, "aws_s3_bucket.data", &other, None).unwrap();
    let (out2, _) = crate::fix::apply_edits(&out, &edits);
    assert!(out2.starts_with(&format!("# bucketguard: ignore[{code}, {other}]\nresource")));
    let crlf = tf.replace('\n', "\r\n");
    let edits = suppression_edits_tf(Role::Hcl, &crlf, "aws_s3_bucket.data", &code, None).unwrap();
    assert!(edits[0].text.ends_with("\r\n"));

    // `.tf.json` cannot hold a suppression (no comments); tfvars hold no resources.
    let json =
        r#"{"resource": {"aws_s3_bucket": {"data": {"bucket": "d", "acl": "public-read"}}}}"#;
    assert!(suppression_edits_tf(Role::Json, json, "aws_s3_bucket.data", &code, None).is_none());
    assert!(suppression_edits_tf(Role::Vars, tf, "aws_s3_bucket.data", &code, None).is_none());

    // Unknown resource, unknown rule, broken file: nothing.
    assert!(suppression_edits_tf(Role::Hcl, tf, "aws_s3_bucket.other", &code, None).is_none());
    assert!(suppression_edits_tf(Role::Hcl, tf, "aws_s3_bucket.data", "S3-999", None).is_none());
    assert!(suppression_edits_tf(
        Role::Hcl,
        "resource \"aws_s3_bucket\" {",
        "aws_s3_bucket.data",
        &code,
        None
    )
    .is_none());
}

/// A module analysed through a parse cache, edit after edit (a file
/// changed, one removed, one added back), gives exactly what an analysis
/// without the cache gives.
#[test]
fn cached_module_analysis_matches_a_fresh_one_edit_after_edit() {
    let files = crate::testgen::tf_split(5);
    let mut texts: Vec<(String, String)> = files;
    let cache = crate::tf::ParseCache::default();
    let check = |texts: &[(String, String)], what: &str| {
        let pairs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let fresh = analyze_module_with(&pairs, &Settings::default(), Fixes::Edits);
        let cached =
            analyze_module_cached(&pairs, &Settings::default(), Fixes::Edits, Some(&cache));
        let diags = |r: &[(&str, Analysis)]| -> Vec<(String, Vec<Diagnostic>)> {
            r.iter()
                .map(|(p, a)| (p.to_string(), a.diagnostics.clone()))
                .collect()
        };
        assert_eq!(diags(&fresh), diags(&cached), "{what}");
        fresh
            .iter()
            .map(|(_, a)| a.diagnostics.len())
            .sum::<usize>()
    };
    let first = check(&texts, "first");
    assert!(first > 0);
    let again = check(&texts, "unchanged");
    assert_eq!(first, again);
    // An edit in one file that removes a finding in another.
    let access = texts.iter_mut().find(|(p, _)| p == "access.tf").unwrap();
    access.1 = access.1.replace("public-read", "private");
    let edited = check(&texts, "edited");
    assert!(edited < first, "{edited} < {first}");
    // A file removed, then added back with another text.
    let removed = texts.remove(0);
    check(&texts, "removed");
    texts.insert(0, (removed.0, removed.1.replace("bucket = ", "bucket  = ")));
    check(&texts, "re-added");
}

/// Found by the `fixes` fuzz target: a finding about a bucket reported on
/// its `aws_s3_bucket_acl` is suppressed above the ACL resource, where the
/// comment covers it, not above the bucket.
#[test]
fn terraform_suppression_goes_above_the_block_holding_the_finding() {
    let tf = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\nresource \"aws_s3_bucket_acl\" \"a\" {\n  bucket = aws_s3_bucket.b.id\n  acl    = \"public-read\"\n}\n";
    let all = Settings::default();
    let before = analyze("main.tf", tf, &all);
    let d = before
        .diagnostics
        .iter()
        .find(|d| d.code == "S3-111")
        .unwrap();
    assert_eq!(d.resource.as_deref(), Some("aws_s3_bucket.b"));
    let edits =
        suppression_edits_tf(Role::Hcl, tf, "aws_s3_bucket.b", &d.code, Some(d.span)).unwrap();
    let (out, _) = crate::fix::apply_edits(tf, &edits);
    assert!(out.contains("}\n# bucketguard: ignore[S3-111]\nresource \"aws_s3_bucket_acl\""));
    let after = analyze("main.tf", &out, &all);
    assert!(!after.diagnostics.iter().any(|d| d.code == "S3-111"));
    assert!(!after
        .diagnostics
        .iter()
        .any(|d| d.code == STALE_SUPPRESSION));
}

/// Found by the `fixes` fuzz target: a bucket named with a label Terraform
/// refuses (`"da?ta"`) got a fix referencing `aws_s3_bucket.da?ta.id`, which
/// does not parse. Such a bucket gets no fix; a proper name does.
#[test]
fn terraform_fixes_need_a_bucket_name_that_is_an_identifier() {
    let fixed = |name: &str| {
        let tf = format!("resource \"aws_s3_bucket\" \"{name}\" {{\n  bucket = \"x\"\n}}\n");
        let a = analyze("main.tf", &tf, &Settings::default());
        let d = a.diagnostics.iter().find(|d| d.code == "S3-101").unwrap();
        d.fix
            .as_ref()
            .map(|f| crate::fix::apply_edits(&tf, &f.edits).0)
    };
    let good = fixed("data").unwrap();
    assert!(good.contains("aws_s3_bucket.data.id"), "{good}");
    assert_eq!(fixed("da?ta"), None);
}

#[test]
fn no_second_settings_resource_beside_one_linked_by_the_bucket_name() {
    // The model links `by_name` to the bucket through its literal name; the
    // fix cannot tell which block to complete, so it adds nothing (a second
    // ownership resource would leave the finding, and conflict with it).
    let by_name = "resource \"aws_s3_bucket\" \"data\" {\n  bucket = \"example-data\"\n}\n\nresource \"aws_s3_bucket_ownership_controls\" \"by_name\" {\n  bucket = \"example-data\"\n  rule {\n  }\n}\n";
    // The text after the S3-112 fix of the ownership resource's `bucket`
    // written as `bucket`, if there is a fix.
    let fixed = |bucket: &str| {
        let text = by_name.replace(
            "bucket = \"example-data\"\n  rule",
            &format!("bucket = {bucket}\n  rule"),
        );
        let a = analyze("main.tf", &text, &Settings::default());
        let d = a.diagnostics.iter().find(|d| d.code == "S3-112").unwrap();
        d.fix
            .as_ref()
            .map(|f| crate::fix::apply_edits(&text, &f.edits).0)
    };
    assert_eq!(fixed("\"example-data\""), None);
    // Linked by reference, the same resource is completed in place.
    let by_ref = fixed("aws_s3_bucket.data.id").unwrap();
    assert_eq!(
        by_ref.matches("aws_s3_bucket_ownership_controls").count(),
        1,
        "{by_ref}"
    );
    assert!(
        by_ref.contains("object_ownership = \"BucketOwnerEnforced\""),
        "{by_ref}"
    );
    // A literal name of a bucket outside the module links nothing here:
    // the bucket still gets its new ownership resource.
    let elsewhere = fixed("\"someone-elses\"").unwrap();
    assert!(
        elsewhere.contains("resource \"aws_s3_bucket_ownership_controls\" \"data\""),
        "{elsewhere}"
    );
}
