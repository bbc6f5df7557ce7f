//! Hostile and half-typed input: nothing panics, nothing hangs, and a
//! broken template gives exactly one `syntax-error` diagnostic.

mod common;

use bucketguard::analysis::SYNTAX_ERROR;
use common::{analyze, files_under, repo_root};

/// Char-boundary offsets to cut `text` at: all of them for short texts,
/// about 300 spread evenly for longer ones.
fn cut_points(text: &str) -> Vec<usize> {
    let all: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    if all.len() <= 300 {
        return all;
    }
    let step = all.len() / 300;
    all.into_iter().step_by(step.max(1)).collect()
}

#[test]
fn every_truncation_of_every_fixture_is_analysed_without_panic() {
    let root = repo_root().join("fixtures");
    let files = files_under(&root, &["yaml", "yml", "json"]);
    assert!(!files.is_empty());
    let mut prefixes = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read fixture");
        let name = f.to_string_lossy();
        for cut in cut_points(&text) {
            let diags = analyze(&name, &text[..cut]);
            // At most one syntax error per file, and spans stay inside the text.
            assert!(
                diags.iter().filter(|d| d.code == SYNTAX_ERROR).count() <= 1,
                "{name} cut at {cut}"
            );
            for d in &diags {
                assert!(
                    d.span.start <= d.span.end && d.span.end <= cut,
                    "{name} cut at {cut}: span {:?}",
                    d.span
                );
            }
            prefixes += 1;
        }
    }
    println!("analysed {prefixes} prefixes of {} fixtures", files.len());
}

#[test]
fn yaml_alias_bomb_is_bounded() {
    let mut t = String::from(
        "AWSTemplateFormatVersion: \"2010-09-09\"\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..12 {
        let p = i - 1;
        t.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    t.push_str("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: *a11\n");
    let started = std::time::Instant::now();
    let diags = analyze("bomb.yaml", &t);
    // Generous bound: this only catches an exponential blow-up, not slowness.
    assert!(
        started.elapsed().as_secs() < 10,
        "alias expansion is not bounded"
    );
    assert!(!diags.is_empty());
}

#[test]
fn deep_nesting_does_not_overflow() {
    for depth in [1_000usize, 100_000] {
        let yaml = format!(
            "AWSTemplateFormatVersion: x\nResources: {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let _ = analyze("deep.yaml", &yaml);
        let json = format!(
            "{{\"AWSTemplateFormatVersion\": \"x\", \"Resources\": {}{}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let _ = analyze("deep.json", &json);
        let unclosed = format!("{{\"Resources\": {}", "{\"a\":".repeat(depth));
        let _ = analyze("deep.json", &unclosed);
    }
}

#[test]
fn odd_input_is_handled() {
    let cases: &[&str] = &[
        "",
        "\u{feff}",
        "\u{feff}AWSTemplateFormatVersion: x\nResources: {}\n",
        "\0\0\0",
        "AWSTemplateFormatVersion: x\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: !If\n",
        "AWSTemplateFormatVersion: x\nResources:\n  B:\n    Type: [AWS::S3::Bucket]\n",
        "AWSTemplateFormatVersion: x\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration: !Ref\n",
        "AWSTemplateFormatVersion: x\nResources:\n  ? [a, b]\n  : Type: AWS::S3::Bucket\n",
        "AWSTemplateFormatVersion: x\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketEncryption: {ServerSideEncryptionConfiguration: !If [c]}}\n",
        "AWSTemplateFormatVersion: x\r\nResources:\r\n  😀:\r\n    Type: AWS::S3::Bucket\r\n",
        "AWSTemplateFormatVersion: x\nResources:\n\tB: 1\n",
    ];
    for c in cases {
        for name in ["t.yaml", "t.json", "t.template"] {
            let _ = analyze(name, c);
        }
    }
}

#[test]
fn broken_template_gives_one_syntax_error_at_the_exact_place() {
    let text = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: \"unterminated}\n";
    let d = analyze("t.yaml", text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, SYNTAX_ERROR);
    let json = "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\",}}}";
    let d = analyze("t.json", json);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, SYNTAX_ERROR);
    // The error points at the trailing comma or the brace after it.
    assert!(
        (json.find(",}").unwrap_or(0)..=json.find(",}").unwrap_or(0) + 1)
            .contains(&d[0].span.start),
        "{:?}",
        d[0]
    );
}

#[test]
fn non_templates_produce_nothing() {
    let k8s = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  annotations: {key: AKIAIOSFODNN7EXAMPLE}\n";
    assert!(analyze("pod.yaml", k8s).is_empty());
    let gha = "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps: [{run: echo}]\n";
    assert!(analyze("ci.yml", gha).is_empty());
    let pkg = "{\"name\": \"x\", \"version\": \"1.0.0\", \"scripts\": {\"test\": \"jest\"}}";
    assert!(analyze("package.json", pkg).is_empty());
    let broken_non_template = "key: [unclosed\n";
    assert!(analyze("x.yaml", broken_non_template).is_empty());
}
