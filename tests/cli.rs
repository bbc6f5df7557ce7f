//! End-to-end tests of the `bucketguard` binary against temporary folders.
//!
//! Tests marked "needs the CloudFormation front end and rules S3-101/S3-111"
//! expect real findings on [`TEMPLATE`]: S3-111 `public-acl` on `PublicRead`
//! (line 6, with a safe fix to `Private`) and S3-101 on `Logs` (line 3).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
"#;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_bucketguard"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run bucketguard");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn json_of(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\n{}", r.stdout, r.stderr))
}

fn diagnostics(v: &Value) -> Vec<Value> {
    v["diagnostics"].as_array().cloned().unwrap_or_default()
}

fn codes(v: &Value) -> Vec<String> {
    diagnostics(v)
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

fn find<'a>(ds: &'a [Value], code: &str) -> &'a Value {
    ds.iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {ds:#?}"))
}

// ---------------------------------------------------------------- basics

#[test]
fn help_and_version_exit_zero() {
    let d = tmp();
    let r = run_in(d.path(), &["--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("check"));
    let r = run_in(d.path(), &["--version"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn usage_errors_exit_two() {
    let d = tmp();
    for args in [
        &["check", "--bogus"][..],
        &["check", "--format", "xml"],
        &["frobnicate"],
        &[],
    ] {
        let r = run_in(d.path(), args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}");
    }
    let r = run_in(d.path(), &["check", "missing.yaml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("missing.yaml: no such file or folder"),
        "{}",
        r.stderr
    );
    let r = run_in(d.path(), &["check", "--select", "S3-999"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--select: unknown rule selector `S3-999`"),
        "{}",
        r.stderr
    );
}

#[test]
fn non_templates_yield_nothing() {
    let d = tmp();
    write(d.path(), "values.yaml", "name: web\nreplicas: 3\n");
    write(
        d.path(),
        "package.json",
        "{\"name\": \"x\", \"version\": \"1.0.0\"}\n",
    );
    write(d.path(), "notes.template", "Hello {{ name }}\n");
    write(d.path(), "broken.yml", "a: [\n");
    for format in ["text", "json", "sarif", "github"] {
        let r = run_in(d.path(), &["check", "--format", format]);
        assert_eq!(r.code, 0, "{format}: {}{}", r.stdout, r.stderr);
        match format {
            "json" => {
                let v = json_of(&r);
                assert_eq!(v["files"], Value::Array(vec![]));
                assert_eq!(v["diagnostics"], Value::Array(vec![]));
                assert_eq!(v["summary"]["problems"], 0);
            }
            "github" => assert_eq!(r.stdout, ""),
            "text" => assert!(r.stdout.contains("No problems found")),
            _ => {}
        }
    }
}

#[test]
fn non_utf8_files_are_skipped_when_walked_and_errors_when_named() {
    let d = tmp();
    std::fs::write(d.path().join("latin1.yaml"), b"name: caf\xe9\n").unwrap();
    let r = run_in(d.path(), &["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("latin1.yaml: not valid UTF-8, skipped"),
        "{}",
        r.stderr
    );
    let r = run_in(d.path(), &["check", "latin1.yaml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("latin1.yaml: not valid UTF-8"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------- config

#[test]
fn config_errors_exit_two_naming_key_and_line() {
    let d = tmp();
    write(d.path(), "t.yaml", TEMPLATE);
    let cases = [
        (
            "# rules\n\n[severity]\nS3-999 = \"error\"\n",
            "bucketguard.toml:4: `severity.S3-999`: unknown rule selector",
        ),
        (
            "exclude = []\nselect = \"S3-111\"\n",
            "bucketguard.toml:2: `select`: expected an array of strings",
        ),
        (
            "\n\nfrobs = 1\n",
            "bucketguard.toml:3: `frobs`: unknown key",
        ),
        ("select = [\n", "bucketguard.toml:"),
    ];
    for (config, expected) in cases {
        write(d.path(), "bucketguard.toml", config);
        let r = run_in(d.path(), &["check"]);
        assert_eq!(r.code, 2, "{config}");
        assert!(r.stderr.contains(expected), "{config}: {}", r.stderr);
    }
}

#[test]
fn nearest_config_is_used_and_explicit_config_overrides() {
    let d = tmp();
    write(d.path(), "bucketguard.toml", "nope = true\n");
    write(d.path(), "sub/.bucketguard.toml", "exclude = []\n");
    write(d.path(), "sub/values.yaml", "a: 1\n");
    // The broken config at the top does not govern sub/.
    let r = run_in(&d.path().join("sub"), &["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_in(d.path(), &["check", "sub"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_in(d.path(), &["check"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("bucketguard.toml:1: `nope`: unknown key"),
        "{}",
        r.stderr
    );
    // --config replaces discovery.
    write(d.path(), "ok.toml", "exclude = [\"x\"]\n");
    let r = run_in(d.path(), &["check", "--config", "ok.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_in(d.path(), &["check", "--config", "absent.toml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("absent.toml"), "{}", r.stderr);
}

// ---------------------------------------------------------------- rules

#[test]
fn rules_lists_every_rule() {
    let d = tmp();
    let all = bucketguard::rules::all();
    let r = run_in(d.path(), &["rules"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("ID"), "{}", r.stdout);
    assert_eq!(r.stdout.lines().count(), all.len() + 1);
    for rule in all {
        assert!(r.stdout.contains(rule.id) && r.stdout.contains(rule.name));
    }
    let r = run_in(d.path(), &["rules", "--format", "json"]);
    assert_eq!(r.code, 0);
    let v = json_of(&r);
    let list = v.as_array().expect("an array");
    assert_eq!(list.len(), all.len());
    for (item, rule) in list.iter().zip(all) {
        assert_eq!(item["id"], rule.id);
        assert_eq!(item["name"], rule.name);
        assert_eq!(item["severity"], rule.severity.as_str());
        assert!(item["fix"].is_string() && item["summary"].is_string());
    }
}

#[test]
fn rule_prints_the_rendered_doc() {
    let d = tmp();
    for rule in bucketguard::rules::all() {
        for key in [rule.id, rule.name] {
            let r = run_in(d.path(), &["rule", key]);
            assert_eq!(r.code, 0);
            assert_eq!(r.stdout, bucketguard::docs::rule_markdown(rule));
            assert!(r
                .stdout
                .starts_with(&format!("# {}: {}\n", rule.id, rule.name)));
        }
    }
    let r = run_in(d.path(), &["rule", "S3-999"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`S3-999` is not a bucketguard rule"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("bucketguard rules"));
}

// ---------------------------------------------------------------- SARIF

/// Validate SARIF output against the OASIS schema from `../shared`, which a
/// user's clone does not have: then the test says so and passes.
fn validate_sarif(log: &Value) -> bool {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-2.1.0.json");
    let Ok(text) = std::fs::read_to_string(&schema_path) else {
        println!("skipped: ../shared not found");
        return false;
    };
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    // The validator is not vacuous.
    assert!(!validator.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{}]})));
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
    true
}

fn check_sarif_shape(log: &Value) {
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().map(Vec::len), Some(1));
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "bucketguard");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"].is_string());
    let rules = driver["rules"].as_array().expect("rules");
    let all = bucketguard::rules::all();
    assert_eq!(rules.len(), all.len() + 2);
    for (desc, rule) in rules.iter().zip(all) {
        assert_eq!(desc["id"], rule.id);
        assert_eq!(desc["name"], rule.name);
        assert_eq!(desc["shortDescription"]["text"], rule.summary);
        assert_eq!(
            desc["help"]["markdown"],
            bucketguard::docs::rule_markdown(rule).as_str()
        );
        assert!(desc["helpUri"].is_string());
        assert!(desc["fullDescription"]["text"].is_string());
    }
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert!(ids.contains(&"syntax-error") && ids.contains(&"stale-suppression"));
    for result in run["results"].as_array().expect("results") {
        let i = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[i]["id"], result["ruleId"]);
    }
}

#[test]
fn sarif_without_findings_validates() {
    let d = tmp();
    write(d.path(), "values.yaml", "a: 1\n");
    let r = run_in(d.path(), &["check", "--format", "sarif"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let log = json_of(&r);
    check_sarif_shape(&log);
    validate_sarif(&log);
}

// ------------------------------------- needs the CloudFormation front end and rules S3-101/S3-111

#[test]
fn text_output_shows_findings_markers_and_summary() {
    let d = tmp();
    write(d.path(), "t.yaml", TEMPLATE);
    let r = run_in(d.path(), &["check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("t.yaml:6:22: S3-111 [error] "),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("t.yaml:3:3: S3-101 "), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("6 |       AccessControl: PublicRead\n  |                      ^^^^^^^^^^\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("= help: "), "{}", r.stdout);
    assert!(r.stdout.contains("Found "), "{}", r.stdout);
    assert!(r.stdout.contains("fixable with --fix"), "{}", r.stdout);
    assert!(!r.stdout.contains('\x1b'), "no colours when not a terminal");
    // --exit-zero and --quiet
    let r = run_in(d.path(), &["check", "--exit-zero", "--quiet"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("S3-111") && !r.stdout.contains("Found "));
}

#[test]
fn json_output_has_the_documented_fields() {
    let d = tmp();
    write(d.path(), "t.yaml", TEMPLATE);
    let r = run_in(d.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v = json_of(&r);
    assert_eq!(v["version"], 1);
    assert_eq!(v["files"][0]["path"], "t.yaml");
    let ds = diagnostics(&v);
    let d111 = find(&ds, "S3-111");
    assert_eq!(d111["path"], "t.yaml");
    assert_eq!(d111["severity"], "error");
    assert_eq!(d111["resource"], "Logs");
    assert!(d111["message"].is_string());
    assert_eq!(d111["start"], serde_json::json!({"line": 6, "column": 22}));
    assert_eq!(d111["end"], serde_json::json!({"line": 6, "column": 32}));
    assert_eq!(d111["fix"]["applicability"], "safe");
    assert!(d111["fix"]["title"].is_string());
    let edit = &d111["fix"]["edits"][0];
    assert!(edit["start"]["line"].is_u64() && edit["content"].is_string());
    assert_eq!(find(&ds, "S3-101")["start"]["line"], 3);
    let s = &v["summary"];
    assert_eq!(s["problems"].as_u64(), Some(ds.len() as u64));
    assert_eq!(s["files_checked"], 1);
    assert_eq!(s["files_with_problems"], 1);
    for k in ["errors", "warnings", "info", "fixable", "fixed"] {
        assert!(s[k].is_u64(), "summary.{k}");
    }
}

#[test]
fn columns_are_utf16_in_json_and_characters_in_text() {
    let d = tmp();
    let line = "    Properties: {\"\u{1F600}\u{65E5}\": 1, AccessControl: PublicRead}";
    let text = TEMPLATE.replace(
        "    Properties:\n      AccessControl: PublicRead\n",
        &format!("{line}\n"),
    );
    write(d.path(), "t.yaml", &text);
    let prefix = &line[..line.find("PublicRead").unwrap()];
    let utf16 = prefix.encode_utf16().count() as u64 + 1;
    let chars = prefix.chars().count() + 1;
    let v = json_of(&run_in(d.path(), &["check", "--format", "json"]));
    let ds = diagnostics(&v);
    assert_eq!(find(&ds, "S3-111")["start"]["line"], 5);
    assert_eq!(find(&ds, "S3-111")["start"]["column"], utf16);
    let r = run_in(d.path(), &["check"]);
    assert!(
        r.stdout.contains(&format!("t.yaml:5:{chars}: S3-111")),
        "{}",
        r.stdout
    );
    let r = run_in(d.path(), &["check", "--format", "github"]);
    assert!(
        r.stdout.contains(&format!("line=5,col={chars},")),
        "{}",
        r.stdout
    );
}

#[test]
fn sarif_with_findings_validates() {
    let d = tmp();
    write(d.path(), "sub dir/t.yaml", TEMPLATE);
    let r = run_in(d.path(), &["check", "--format", "sarif"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let log = json_of(&r);
    check_sarif_shape(&log);
    let results = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .clone();
    let r111 = results
        .iter()
        .find(|r| r["ruleId"] == "S3-111")
        .expect("an S3-111 result");
    assert_eq!(r111["level"], "error");
    let loc = &r111["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "sub%20dir/t.yaml");
    assert_eq!(loc["region"]["startLine"], 6);
    assert_eq!(loc["region"]["startColumn"], 22);
    assert_eq!(loc["region"]["endLine"], 6);
    assert_eq!(loc["region"]["endColumn"], 32);
    validate_sarif(&log);
}

#[test]
fn sarif_reports_syntax_errors_and_stale_suppressions() {
    let d = tmp();
    write(
        d.path(),
        "broken.json",
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\",\n \"Resources\": {\"Logs\": \n",
    );
    write(
        d.path(),
        "stale.json",
        r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Logs": {
      "Type": "AWS::S3::Bucket",
      "Metadata": { "bucketguard": { "ignore": ["S3-999"] } }
    }
  }
}
"#,
    );
    let r = run_in(d.path(), &["check", "--format", "sarif"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let log = json_of(&r);
    check_sarif_shape(&log);
    let ids: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect();
    assert!(ids.contains(&"syntax-error"), "{ids:?}");
    assert!(ids.contains(&"stale-suppression"), "{ids:?}");
    validate_sarif(&log);
}

#[test]
fn github_annotations() {
    let d = tmp();
    write(d.path(), "t.yaml", TEMPLATE);
    let r = run_in(d.path(), &["check", "--format", "github"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.lines().any(|l| l.starts_with(
            "::error file=t.yaml,line=6,col=22,endLine=6,endColumn=32,title=S3-111::"
        )),
        "{}",
        r.stdout
    );
    assert!(r.stdout.lines().all(|l| l.starts_with("::error ")
        || l.starts_with("::warning ")
        || l.starts_with("::notice ")));
}

#[test]
fn fix_applies_only_safe_fixes() {
    let d = tmp();
    let path = write(d.path(), "t.yaml", TEMPLATE);
    let before = json_of(&run_in(d.path(), &["check", "--format", "json"]));
    let r = run_in(d.path(), &["check", "--fix"]);
    let after_text = std::fs::read_to_string(&path).unwrap();
    assert!(
        after_text.contains("AccessControl: Private"),
        "{after_text}"
    );
    assert!(!after_text.contains("PublicRead"));
    assert!(r.stdout.contains("Fixed "), "{}", r.stdout);
    assert!(r.stdout.contains(" in t.yaml"), "{}", r.stdout);
    assert!(!r.stdout.contains("S3-111"), "{}", r.stdout);

    let after = json_of(&run_in(d.path(), &["check", "--format", "json"]));
    // Nothing safe is left, and findings whose only fix needs input remain.
    for d in diagnostics(&after) {
        assert_ne!(d["fix"]["applicability"], "safe", "{d:#}");
    }
    let after_codes = codes(&after);
    for d in diagnostics(&before) {
        if d["fix"]["applicability"] == "needs-input" {
            let code = d["code"].as_str().unwrap_or("");
            assert!(after_codes.iter().any(|c| c == code), "{code} vanished");
        }
    }
    // A second run has nothing to fix.
    let r = run_in(d.path(), &["check", "--fix"]);
    assert!(!r.stdout.contains("Fixed "), "{}", r.stdout);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), after_text);
}

const TF_MAIN: &str = "# storage for the \u{1F30D} site\nresource \"aws_s3_bucket\" \"data\" {\n  bucket = \"example-data\"\n  acl    = \"public-read\"\n}\n";
const TF_PAB: &str = "resource \"aws_s3_bucket_public_access_block\" \"data\" {\n  bucket                  = aws_s3_bucket.data.id\n  block_public_acls       = false # on purpose, for now\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}\n";

#[test]
fn fix_on_a_terraform_module_fixes_the_files_being_checked() {
    let d = tmp();
    let main = write(d.path(), "main.tf", TF_MAIN);
    let pab = write(d.path(), "pab.tf", TF_PAB);
    let before = json_of(&run_in(d.path(), &["check", "--format", "json"]));
    assert!(codes(&before).iter().any(|c| c == "S3-102"), "{before:#}");

    // Only main.tf named: pab.tf is read as part of the module, not written.
    let r = run_in(d.path(), &["check", "--fix", "main.tf"]);
    assert!(r.stdout.contains("in main.tf"), "{}", r.stdout);
    assert_eq!(std::fs::read_to_string(&pab).unwrap(), TF_PAB);
    let fixed_main = std::fs::read_to_string(&main).unwrap();
    assert!(
        fixed_main.starts_with("# storage for the \u{1F30D} site\n"),
        "{fixed_main}"
    );
    assert!(!fixed_main.contains("public-read"), "{fixed_main}");

    // The whole folder: pab.tf's safe fix is applied too, its comment kept.
    let r = run_in(d.path(), &["check", "--fix"]);
    assert!(
        r.stdout.contains("Fixed 1 problem in pab.tf"),
        "{}",
        r.stdout
    );
    let fixed_pab = std::fs::read_to_string(&pab).unwrap();
    assert_eq!(
        fixed_pab,
        TF_PAB.replace(
            "block_public_acls       = false",
            "block_public_acls       = true"
        )
    );
    let after = json_of(&run_in(d.path(), &["check", "--format", "json"]));
    for d in diagnostics(&after) {
        assert_ne!(d["code"], "syntax-error", "{d:#}");
        assert_ne!(d["fix"]["applicability"], "safe", "{d:#}");
    }
    // Needs-input findings stay for the user.
    for d in diagnostics(&before) {
        if d["fix"]["applicability"] == "needs-input" {
            let code = d["code"].as_str().unwrap_or("");
            assert!(codes(&after).iter().any(|c| c == code), "{code} vanished");
        }
    }
    // Nothing left to fix.
    let r = run_in(d.path(), &["check", "--fix"]);
    assert!(!r.stdout.contains("Fixed "), "{}", r.stdout);
    assert_eq!(std::fs::read_to_string(&main).unwrap(), fixed_main);
}

#[test]
fn gitignore_and_exclude_are_honoured_but_explicit_files_are_checked() {
    let d = tmp();
    write(d.path(), ".gitignore", "ignored/\n");
    write(
        d.path(),
        "bucketguard.toml",
        "exclude = [\"generated\", \"*.skip.yaml\"]\n",
    );
    write(d.path(), "b.yaml", TEMPLATE);
    write(d.path(), "a/c.json.yml", TEMPLATE);
    write(d.path(), "ignored/t.yaml", TEMPLATE);
    write(d.path(), "generated/t.yaml", TEMPLATE);
    write(d.path(), "deep/x.skip.yaml", TEMPLATE);
    write(d.path(), "t.template", TEMPLATE);
    let r = run_in(d.path(), &["check", "--format", "json"]);
    let v = json_of(&r);
    let paths: Vec<&str> = v["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    let sep = std::path::MAIN_SEPARATOR;
    assert_eq!(
        paths,
        vec![
            format!("a{sep}c.json.yml"),
            "b.yaml".into(),
            "t.template".into()
        ]
    );
    // Explicit files are always checked.
    let r = run_in(
        d.path(),
        &[
            "check",
            "--format",
            "json",
            "ignored/t.yaml",
            "generated/t.yaml",
        ],
    );
    let v = json_of(&r);
    assert_eq!(v["files"].as_array().map(Vec::len), Some(2));
}

#[test]
fn config_and_cli_select_ignore_and_severity() {
    let d = tmp();
    write(d.path(), "t.yaml", TEMPLATE);
    write(
        d.path(),
        "bucketguard.toml",
        "[severity]\nS3-111 = \"warning\"\n",
    );
    let v = json_of(&run_in(d.path(), &["check", "--format", "json"]));
    assert_eq!(find(&diagnostics(&v), "S3-111")["severity"], "warning");

    write(d.path(), "bucketguard.toml", "ignore = [\"public-acl\"]\n");
    let v = json_of(&run_in(d.path(), &["check", "--format", "json"]));
    assert!(!codes(&v).contains(&"S3-111".to_string()));
    assert!(codes(&v).contains(&"S3-101".to_string()));

    // --select replaces the config's selection.
    let v = json_of(&run_in(
        d.path(),
        &["check", "--format", "json", "--select", "S3-111"],
    ));
    assert_eq!(codes(&v), vec!["S3-111".to_string()]);
    let v = json_of(&run_in(
        d.path(),
        &["check", "--format", "json", "--ignore", "S3-101,S3-111"],
    ));
    assert!(!codes(&v).iter().any(|c| c == "S3-101" || c == "S3-111"));
}

#[test]
fn many_files_are_reported_in_sorted_order() {
    let d = tmp();
    for i in (0..30).rev() {
        write(d.path(), &format!("t{i:02}.yaml"), TEMPLATE);
    }
    let v = json_of(&run_in(d.path(), &["check", "--format", "json"]));
    let paths: Vec<String> = diagnostics(&v)
        .iter()
        .map(|d| d["path"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(!paths.is_empty());
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert_eq!(v["summary"]["files_checked"], 30);
}

/// Clients such as vscode-languageclient add `--stdio`; the server accepts
/// it (stdio is its only transport) and serves as without it.
#[test]
fn server_accepts_the_stdio_flag() {
    use std::io::{Read, Write};
    use std::process::Stdio;
    use std::time::Duration;
    let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
    let mut child = Command::new(env!("CARGO_BIN_EXE_bucketguard"))
        .args(["server", "--stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            if tx
                .send(String::from_utf8_lossy(&seen).into_owned())
                .is_err()
            {
                break;
            }
        }
    });
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;
    stdin.write_all(frame(init).as_bytes()).expect("write");
    stdin.flush().expect("flush");
    let mut answered = String::new();
    while !answered.contains("\"capabilities\"") {
        answered = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("an answer to initialize within 10 s");
    }
    for body in [
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#,
        r#"{"jsonrpc":"2.0","method":"exit"}"#,
    ] {
        stdin.write_all(frame(body).as_bytes()).expect("write");
    }
    drop(stdin);
    let status = child.wait().expect("wait");
    assert!(status.success(), "exit status {status:?}");
}
