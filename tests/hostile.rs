//! Hostile and odd input, generated here (no committed blobs), through the
//! engine the CLI uses (`analysis::analyze`), the one the server uses
//! (`analysis::analyze_as`), the real `bucketguard check` binary and the
//! real `bucketguard server` over stdio. Every case must end in bounded
//! time with a clear diagnostic, and the rest of the run must be intact.
//!
//! Scale: the nesting cases are 100,000 levels deep. The "tens of
//! megabytes" file (24 MB) goes through `check`, where `max-file-size`
//! stops it before it is read; single long lines are analysed at 2–4 MB,
//! enough to catch quadratic behaviour in a debug build within the CI budget.

mod common;
#[path = "common/lsp_client.rs"]
mod lsp_client;

use bucketguard::analysis::{self, Diagnostic, FileKind, SYNTAX_ERROR};
use bucketguard::settings::Settings;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const DEEP: usize = 100_000;
const CFN: &str = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n";
const TF: &str = "resource \"aws_s3_bucket\" \"b\" {\n  x = ";
/// Generous: catches a hang or an exponential blow-up, not slowness.
const BUDGET: Duration = Duration::from_secs(10);

/// Analyse `text` as `name` through the CLI's entry point and, for
/// CloudFormation, the server's (`analyze_as` with the detected kind); both
/// must agree, finish within [`BUDGET`], and give spans inside the text on
/// character boundaries.
fn both(name: &str, text: &str) -> Vec<Diagnostic> {
    let started = Instant::now();
    let a = analysis::analyze(name, text, &Settings::default()).diagnostics;
    assert!(
        started.elapsed() < BUDGET,
        "{name}: {:?}",
        started.elapsed()
    );
    if bucketguard::tf::Role::of(name).is_none() {
        if let Some(kind) = FileKind::detect(name, text) {
            let s = analysis::analyze_as(kind, text, &Settings::default()).diagnostics;
            assert_eq!(a, s, "{name}: CLI and server paths differ");
        }
    }
    for d in &a {
        assert!(
            d.span.start <= d.span.end && d.span.end <= text.len(),
            "{name}: {d:?}"
        );
        assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
    }
    assert!(
        a.iter().filter(|d| d.code == SYNTAX_ERROR).count() <= 1,
        "{name}: {a:?}"
    );
    a
}

fn syntax_error(name: &str, text: &str) -> Diagnostic {
    let d = both(name, text);
    assert_eq!(d.len(), 1, "{name}: {d:?}");
    assert_eq!(d[0].code, SYNTAX_ERROR, "{name}: {d:?}");
    d[0].clone()
}

fn codes(d: &[Diagnostic]) -> Vec<&str> {
    let mut c: Vec<&str> = d.iter().map(|d| d.code.as_str()).collect();
    c.sort_unstable();
    c
}

/// Nesting 100,000 levels deep in every front end: one syntax error naming
/// the nesting limit, no stack overflow (the test thread has the default
/// 2 MiB stack, smaller than the main thread's).
#[test]
fn nesting_100k_levels_deep_gives_one_nesting_error_in_every_front_end() {
    let n = DEEP;
    let cases: Vec<(&str, String)> = vec![
        (
            "block-seq.yaml",
            format!("{CFN}  B:\n    {}x\n", "- ".repeat(n)),
        ),
        (
            "flow-seq.yaml",
            format!("{CFN}  B: {}{}\n", "[".repeat(n), "]".repeat(n)),
        ),
        (
            "flow-map.yaml",
            format!("{CFN}  B: {}1{}\n", "{a: ".repeat(n), "}".repeat(n)),
        ),
        ("unclosed.yaml", format!("{CFN}  B: {}\n", "{a: ".repeat(n))),
        (
            "arrays.json",
            format!(
                "{{\"AWSTemplateFormatVersion\":\"x\",\"Resources\":{}{}}}",
                "[".repeat(n),
                "]".repeat(n)
            ),
        ),
        (
            "objects.json",
            format!(
                "{{\"AWSTemplateFormatVersion\":\"x\",\"Resources\":{}1{}}}",
                "{\"a\":".repeat(n),
                "}".repeat(n)
            ),
        ),
        (
            "tuples.tf",
            format!("{TF}{}{}\n}}\n", "[".repeat(n), "]".repeat(n)),
        ),
        (
            "parens.tf",
            format!("{TF}{}1{}\n}}\n", "(".repeat(n), ")".repeat(n)),
        ),
        (
            "objects.tf",
            format!("{TF}{}1{}\n}}\n", "{a = ".repeat(n), "}".repeat(n)),
        ),
        ("operators.tf", format!("{TF}{}1\n}}\n", "1 + ".repeat(n))),
        ("unary.tf", format!("{TF}{}true\n}}\n", "!".repeat(n))),
        (
            "conditionals.tf",
            format!("{TF}{}1\n}}\n", "true ? 1 : ".repeat(n)),
        ),
        (
            "calls.tf",
            format!("{TF}{}1{}\n}}\n", "f(".repeat(n), ")".repeat(n)),
        ),
        (
            "templates.tf",
            format!("{TF}\"{}{}\"\n}}\n", "${\"".repeat(n), "\"}".repeat(n)),
        ),
        (
            "blocks.tf",
            format!(
                "resource \"aws_s3_bucket\" \"b\" {{\n{}{}}}\n",
                "b {\n".repeat(n),
                "}\n".repeat(n)
            ),
        ),
        (
            "objects.tf.json",
            format!("{{\"resource\":{}1{}}}", "{\"a\":".repeat(n), "}".repeat(n)),
        ),
    ];
    for (name, text) in &cases {
        let d = syntax_error(name, text);
        let m = d.message.to_lowercase();
        assert!(
            m.contains("nest") || m.contains("chained") || m.contains("depth"),
            "{name}: {}",
            d.message
        );
    }
}

/// Long attribute chains (`a.b.c…`, `a[0][0]…`) parse and are lowered
/// without recursion trouble; a deep but legal `.tf.json` value (beyond the
/// lowering depth, within the parser's) leaves the bucket analysed.
#[test]
fn long_traversals_and_deep_legal_json_values_are_analysed() {
    for chain in [".b", "[0]"] {
        let text = format!("{TF}a{}\n}}\n", chain.repeat(20_000));
        assert!(codes(&both("chain.tf", &text)).contains(&"S3-101"));
    }
    let text = format!(
        "{{\"resource\":{{\"aws_s3_bucket\":{{\"b\":{{\"x\":{}1{}}}}}}}}}",
        "[".repeat(120),
        "]".repeat(120)
    );
    assert!(codes(&both("deep.tf.json", &text)).contains(&"S3-101"));
}

/// Billion laughs, in sequences and mappings: expansion stops at the budget
/// with one error, quickly.
#[test]
fn yaml_alias_bombs_stop_at_the_expansion_budget() {
    for (open, close, item) in [("[", "]", "x"), ("{", "}", "k: x")] {
        let mut t = format!("{CFN}  B:\n    Type: AWS::S3::Bucket\n");
        t.push_str(&format!(
            "Metadata:\n  l0: &l0 {open}{}{close}\n",
            [item; 10].join(", ")
        ));
        for i in 1..15 {
            let refs: Vec<String> = (0..10)
                .map(|k| {
                    if open == "[" {
                        format!("*l{}", i - 1)
                    } else {
                        format!("k{k}: *l{}", i - 1)
                    }
                })
                .collect();
            t.push_str(&format!("  l{i}: &l{i} {open}{}{close}\n", refs.join(", ")));
        }
        t.push_str("  boom: *l14\n");
        let d = syntax_error("bomb.yaml", &t);
        assert!(d.message.contains("alias"), "{}", d.message);
    }
}

/// Single lines of megabytes: analysed, the bucket on them still found.
#[test]
fn single_lines_of_megabytes_are_analysed_linearly_mb_scale() {
    let long = "a".repeat(4 << 20);
    let yaml =
        format!("{CFN}  B:\n    Type: AWS::S3::Bucket\n    Properties: {{BucketName: {long}}}\n");
    assert!(codes(&both("line.yaml", &yaml)).contains(&"S3-101"));
    let json = format!(
        "{{\"AWSTemplateFormatVersion\":\"x\",\"Resources\":{{\"B\":{{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{{\"BucketName\":\"{long}\"}}}}}}}}"
    );
    assert!(codes(&both("line.json", &json)).contains(&"S3-101"));
    // hcl-edit is the slowest front end in a debug build: 1 MB.
    let tf = format!(
        "resource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"{}\"\n}}\n",
        &long[..1 << 20]
    );
    assert!(codes(&both("line.tf", &tf)).contains(&"S3-101"));
}

/// A minified template: thousands of buckets with findings and fixes on one
/// line. Every report format and `--fix` finish, the text report shows a
/// window of the line (not the whole line per finding), and the fixed file
/// parses and is still one line.
#[test]
fn minified_templates_with_thousands_of_findings_on_one_line() {
    let buckets: Vec<String> = (0..2000)
        .map(|i| {
            format!(
                "\"B{i}\":{{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{{\"AccessControl\":\"PublicRead\",\"Tags\":[{{\"Key\":\"k\",\"Value\":\"日本😀\"}}]}}}}"
            )
        })
        .collect();
    let text = format!(
        "{{\"AWSTemplateFormatVersion\":\"2010-09-09\",\"Resources\":{{{}}}}}",
        buckets.join(",")
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("min.json");
    std::fs::write(&path, &text).expect("write");
    let run = |args: &[&str]| {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_bucketguard"))
            .arg("check")
            .args(args)
            .arg(&path)
            .output()
            .expect("run check");
        assert!(started.elapsed() < Duration::from_secs(120), "{args:?}");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let report = String::from_utf8(run(&["--format", "text"])).expect("UTF-8");
    let longest = report.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest < 300, "a report line of {longest} characters");
    assert!(
        report.contains("1 | ...") && report.contains("..."),
        "no window"
    );
    let json: Value = serde_json::from_slice(&run(&["--format", "json"])).expect("JSON");
    let n = json["diagnostics"].as_array().map_or(0, Vec::len);
    assert!(n >= 2000 * 5, "{n} findings");
    let sarif: Value = serde_json::from_slice(&run(&["--format", "sarif"])).expect("SARIF");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map_or(0, Vec::len),
        n
    );
    assert_eq!(
        String::from_utf8_lossy(&run(&["--format", "github"]))
            .lines()
            .count(),
        n
    );
    let out = Command::new(env!("CARGO_BIN_EXE_bucketguard"))
        .args(["check", "--fix", "--quiet", "--exit-zero"])
        .arg(&path)
        .output()
        .expect("run check --fix");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fixed = std::fs::read_to_string(&path).expect("read fixed");
    assert_eq!(fixed.lines().count(), 1, "still one line");
    let after = analysis::analyze("min.json", &fixed, &Settings::default());
    assert!(!codes(&after.diagnostics).contains(&SYNTAX_ERROR));
    assert!(
        !codes(&after.diagnostics).contains(&"S3-111"),
        "the public ACLs were fixed"
    );
}

/// A small pseudo-random generator, so the garbage is the same every run.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn garbage(seed: u64, len: usize) -> Vec<u8> {
    let mut r = XorShift(seed);
    (0..len).map(|_| (r.next() >> 24) as u8).collect()
}

const BUCKET_YAML: &str = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n\tBucketName: x\n";

/// Binary garbage, NUL bytes, a BOM, CRLF and lone CR, tabs, unterminated
/// strings and heredocs, duplicate keys: no panic, spans on character
/// boundaries, at most one syntax error, and the expected outcome.
#[test]
fn odd_bytes_line_ends_and_broken_tokens() {
    // Garbage (lossily decoded, as an editor would hand it over) in every format.
    for seed in 1..=20u64 {
        let text = String::from_utf8_lossy(&garbage(seed, 4096)).into_owned();
        for name in ["g.yaml", "g.json", "g.template", "g.tf", "g.tf.json"] {
            both(name, &text);
            both(name, &format!("{CFN}{text}"));
        }
    }
    // Line ends: LF, CRLF and lone CR give the same findings.
    let lf = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n";
    let want = codes(&both("lf.yaml", lf))
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    assert!(want.iter().any(|c| c == "S3-111"), "{want:?}");
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(codes(&both("crlf.yaml", &crlf)), want);
    let bom = format!("\u{feff}{lf}");
    assert_eq!(codes(&both("bom.yaml", &bom)), want);
    // A lone CR is a line break in YAML too.
    let cr = lf.replace('\n', "\r");
    both("cr.yaml", &cr);
    let tf = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n";
    let tf_want = codes(&both("lf.tf", tf))
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    assert!(!tf_want.is_empty());
    assert_eq!(codes(&both("crlf.tf", &tf.replace('\n', "\r\n"))), tf_want);
    assert_eq!(codes(&both("bom.tf", &format!("\u{feff}{tf}"))), tf_want);
    both("cr.tf", &tf.replace('\n', "\r"));
    assert_eq!(codes(&both("tabs.tf", &tf.replace("  ", "\t"))), tf_want);
    let json = "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}}";
    let json_want = codes(&both("t.json", json))
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    assert_eq!(
        codes(&both("bom.json", &format!("\u{feff}{json}"))),
        json_want
    );
    assert_eq!(
        codes(&both("tabs.json", &json.replace(' ', "\t"))),
        json_want
    );
    assert_eq!(
        codes(&both("crlf.json", &json.replace(", ", ",\r\n"))),
        json_want
    );
    // A tab in YAML indentation is a syntax error, reported once.
    syntax_error("tabs.yaml", BUCKET_YAML);
    // NUL bytes.
    both("nul.yaml", &format!("{CFN}\0\0  B: \0\n"));
    both("nul.json", &format!("{json}\0"));
    both("nul.tf", &format!("{tf}\0resource \0"));
    // Unterminated strings and heredocs.
    syntax_error(
        "open.yaml",
        &format!("{CFN}  B:\n    Type: \"AWS::S3::Bucket\n"),
    );
    syntax_error(
        "open.yaml",
        &format!("{CFN}  B:\n    Type: 'AWS::S3::Bucket\n"),
    );
    syntax_error(
        "open.json",
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"B",
    );
    syntax_error(
        "open.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\n}\n",
    );
    syntax_error(
        "heredoc.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = <<EOT\nx\n}\n",
    );
    syntax_error(
        "open.tf.json",
        "{\"resource\": {\"aws_s3_bucket\": {\"b\": {\"bucket\": \"x",
    );
    // Duplicate keys: one syntax error at the repeated key (CloudFormation
    // rejects them; HCL reports a redefined attribute).
    for (name, text) in [
        ("dup.yaml", format!("{CFN}  B:\n    Type: AWS::S3::Bucket\n  B:\n    Type: AWS::S3::Bucket\n")),
        ("dup.json", "{\"AWSTemplateFormatVersion\": \"x\", \"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}, \"B\": {\"Type\": \"AWS::S3::Bucket\"}}}".to_string()),
        ("dup.tf", "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n  bucket = \"y\"\n}\n".to_string()),
    ] {
        let d = syntax_error(name, &text);
        if name.ends_with(".tf") {
            assert!(d.message.contains("unique attribute"), "{d:?}");
        } else {
            assert_eq!(d.message, "duplicate key `B`");
            assert_eq!(d.span.start, if name.ends_with(".json") {
                text.rfind("\"B\"").unwrap_or(0)
            } else {
                text.rfind("  B:").map_or(0, |i| i + 2)
            });
        }
    }
}

/// `bucketguard check` on a folder of hostile files: every other file is
/// still reported, each hostile one gets a clear message, nothing outside
/// the folder is read through a symlink, and the run ends in bounded time.
#[cfg(unix)]
#[test]
fn check_on_a_hostile_folder_reports_the_rest_and_never_leaves_it() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("scan");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::create_dir_all(outside.join("mod")).expect("mkdir");
    let write = |p: &Path, b: &[u8]| std::fs::write(p, b).expect("write");
    let bucket = |name: &str| format!("{CFN}  {name}:\n    Type: AWS::S3::Bucket\n");
    write(&dir.join("good.yaml"), bucket("Good").as_bytes());
    write(
        &dir.join("crlf.yaml"),
        bucket("Crlf").replace('\n', "\r\n").as_bytes(),
    );
    write(&dir.join("bom.json"), "\u{feff}{\"AWSTemplateFormatVersion\": \"x\", \"Resources\": {\"Bom\": {\"Type\": \"AWS::S3::Bucket\"}}}".as_bytes());
    write(
        &dir.join("deep.json"),
        format!(
            "{{\"AWSTemplateFormatVersion\":\"x\",\"Resources\":{}{}}}",
            "[".repeat(DEEP),
            "]".repeat(DEEP)
        )
        .as_bytes(),
    );
    write(
        &dir.join("deep.yaml"),
        format!("{CFN}  B: {}\n", "{a: ".repeat(DEEP)).as_bytes(),
    );
    write(
        &dir.join("deep.tf"),
        format!("{TF}{}{}\n}}\n", "[".repeat(DEEP), "]".repeat(DEEP)).as_bytes(),
    );
    let mut binary = b"AWSTemplateFormatVersion: x\n".to_vec();
    binary.extend(garbage(7, 1 << 16));
    write(&dir.join("binary.yaml"), &binary);
    write(&dir.join("nul.yaml"), format!("{CFN}\0\0").as_bytes());
    // 24 MB: stopped by `max-file-size` before it is read.
    let mut big = bucket("Big").into_bytes();
    big.resize(24 << 20, b'#');
    write(&dir.join("big.yaml"), &big);
    // Symlinks: out of the folder (file, folder, Terraform module file) and a loop.
    write(&outside.join("secret.yaml"), bucket("Outside").as_bytes());
    write(
        &outside.join("mod").join("x.yaml"),
        bucket("OutsideDir").as_bytes(),
    );
    write(
        &outside.join("ext.tf"),
        b"resource \"aws_s3_bucket\" \"outside\" {}\n",
    );
    symlink(outside.join("secret.yaml"), dir.join("link.yaml")).expect("symlink");
    symlink(outside.join("mod"), dir.join("linkdir")).expect("symlink");
    symlink(&dir, dir.join("loop")).expect("symlink");
    std::fs::create_dir_all(dir.join("tf")).expect("mkdir");
    write(
        &dir.join("tf").join("main.tf"),
        b"resource \"aws_s3_bucket\" \"inside\" {}\n",
    );
    symlink(outside.join("ext.tf"), dir.join("tf").join("ext.tf")).expect("symlink");
    // Unreadable (does not stop root).
    let locked = dir.join("locked.yaml");
    write(&locked, bucket("Locked").as_bytes());
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let root_reads_anyway = std::fs::read(&locked).is_ok();

    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_bucketguard"))
        .args(["check", "--format", "json"])
        .arg(&dir)
        .output()
        .expect("run check");
    let elapsed = started.elapsed();
    let _ = std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644));
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let diags = report["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let of = |file: &str| -> Vec<Value> {
        diags
            .iter()
            .filter(|d| d["path"].as_str().is_some_and(|p| p.ends_with(file)))
            .cloned()
            .collect()
    };
    let resources: Vec<&str> = diags
        .iter()
        .filter_map(|d| d["resource"].as_str())
        .collect();
    // The rest of the run is intact.
    for (file, res) in [
        ("good.yaml", "Good"),
        ("crlf.yaml", "Crlf"),
        ("bom.json", "Bom"),
    ] {
        assert!(
            of(file).iter().any(|d| d["resource"] == res),
            "{file}: {stderr}"
        );
    }
    assert!(
        resources.iter().any(|r| r.contains("inside")),
        "{resources:?}"
    );
    // Deep nesting: one syntax error each.
    for file in ["deep.json", "deep.yaml", "deep.tf"] {
        let d = of(file);
        assert_eq!(d.len(), 1, "{file}: {d:?}");
        assert_eq!(d[0]["code"], SYNTAX_ERROR);
    }
    // Never followed out of the folder, never looped.
    for r in ["Outside", "OutsideDir", "aws_s3_bucket.outside"] {
        assert!(!resources.contains(&r), "{r} read through a symlink");
    }
    assert!(!diags
        .iter()
        .any(|d| d["path"].as_str().is_some_and(|p| p.contains("loop"))));
    // Clear messages for what was not checked.
    assert!(
        stderr.contains("big.yaml: not checked") && stderr.contains("max-file-size"),
        "{stderr}"
    );
    assert!(stderr.contains("binary.yaml: not valid UTF-8"), "{stderr}");
    if root_reads_anyway {
        eprintln!(
            "running as root: chmod 000 does not stop reads, the unreadable case is not exercised"
        );
        assert!(of("locked.yaml").iter().any(|d| d["resource"] == "Locked"));
    } else {
        assert!(
            stderr.contains("cannot read") && stderr.contains("locked.yaml"),
            "{stderr}"
        );
        assert_eq!(out.status.code(), Some(2), "an unreadable file is an error");
    }

    // `max-file-size` is configurable: a small limit skips the small files too.
    write(&dir.join("bucketguard.toml"), b"max-file-size = 64\n");
    let out = Command::new(env!("CARGO_BIN_EXE_bucketguard"))
        .args(["check", "--format", "json"])
        .arg(dir.join("good.yaml"))
        .output()
        .expect("run check");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("good.yaml: not checked") && stderr.contains("(64)"),
        "{stderr}"
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a named file that is skipped is an error"
    );

    // `--max-file-size` wins over the config file's key, both ways.
    let out = Command::new(env!("CARGO_BIN_EXE_bucketguard"))
        .args(["check", "--format", "json", "--max-file-size", "1000000"])
        .arg(dir.join("good.yaml"))
        .output()
        .expect("run check");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("not checked"), "{stderr}");
    assert_ne!(out.status.code(), Some(2), "{stderr}");
    std::fs::remove_file(dir.join("bucketguard.toml")).expect("remove config");
    let out = Command::new(env!("CARGO_BIN_EXE_bucketguard"))
        .args(["check", "--format", "json", "--max-file-size", "10"])
        .arg(dir.join("good.yaml"))
        .output()
        .expect("run check");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("good.yaml: not checked") && stderr.contains("(10)"),
        "{stderr}"
    );
}

/// `bucketguard server` over stdio: garbage bytes on the wire are skipped,
/// hostile documents each get their
/// diagnostics (a nesting error, the alias budget, `file-too-large`)
/// within the wait, and a normal document opened after them is still
/// analysed.
#[test]
fn server_survives_hostile_documents_and_goes_on() {
    use std::io::{BufReader, Write};
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_bucketguard"))
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start server");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel::<Value>();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        while let Some(v) = lsp_client::read_message::<Value>(&mut r) {
            if tx.send(v).is_err() {
                return;
            }
        }
    });
    // Binary garbage and an endless header line first: skipped, not fatal.
    let mut junk = garbage(9, 1 << 16);
    junk.extend(std::iter::repeat_n(b'h', 1 << 20));
    junk.extend_from_slice(b"\r\n\r\n");
    stdin.write_all(&junk).expect("write junk");
    let mut send = |msg: Value| {
        let body = msg.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).expect("write");
        stdin.flush().expect("flush");
    };
    send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": null, "rootUri": null, "capabilities": {}}}));
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let mut bomb = format!("{CFN}  B:\n    Type: AWS::S3::Bucket\nMetadata:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..15 {
        bomb.push_str(&format!(
            "  l{i}: &l{i} [{}]\n",
            vec![format!("*l{}", i - 1); 10].join(", ")
        ));
    }
    let mut huge = format!("{CFN}  B:\n    Type: AWS::S3::Bucket\n");
    huge.push_str(&"#".repeat(5 << 20));
    let docs: Vec<(&str, String, &str)> = vec![
        (
            "deep.yaml",
            format!("{CFN}  B: {}{}\n", "[".repeat(DEEP), "]".repeat(DEEP)),
            "nesting",
        ),
        (
            "deep.json",
            format!(
                "{{\"AWSTemplateFormatVersion\":\"x\",\"Resources\":{}1{}}}",
                "{\"a\":".repeat(DEEP),
                "}".repeat(DEEP)
            ),
            "nesting",
        ),
        ("bomb.yaml", bomb, "alias"),
        ("huge.yaml", huge, "maxFileSize"),
        (
            "garbage.yaml",
            format!("{CFN}{}\0", String::from_utf8_lossy(&garbage(3, 1 << 14))),
            "",
        ),
        (
            "good.yaml",
            format!("{CFN}  Good:\n    Type: AWS::S3::Bucket\n"),
            "Good",
        ),
    ];
    for (name, text, _) in &docs {
        send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": format!("file:///tmp/bucketguard-hostile/{name}"), "languageId": "yaml", "version": 1, "text": text}}}),
        );
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut published: std::collections::HashMap<String, Vec<Value>> = Default::default();
    while published.len() < docs.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("timed out; got {:?}", published.keys()));
        if msg["method"] == "textDocument/publishDiagnostics" {
            let uri = msg["params"]["uri"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            published.insert(
                uri,
                msg["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
            );
        }
    }
    for (name, _, needle) in &docs {
        let d = &published[&format!("file:///tmp/bucketguard-hostile/{name}")];
        let all = serde_json::to_string(d).unwrap_or_default();
        assert!(all.contains(needle), "{name}: {all}");
    }
    send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}));
    send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let stop = Instant::now() + Duration::from_secs(10);
    while child.try_wait().ok().flatten().is_none() && Instant::now() < stop {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
}
