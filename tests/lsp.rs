//! End-to-end tests of `bucketguard server`: the real binary driven over
//! stdio by a small JSON-RPC client, like an editor. Every wait is bounded.

use serde_json::{json, Value};
use std::process::Stdio;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);
const URI: &str = "file:///tmp/bucketguard-lsp-test/template.yaml";

/// `名前😀` before the flagged value on the same line makes UTF-8 and
/// UTF-16 columns differ.
const TEMPLATE: &str = "AWSTemplateFormatVersion: \"2010-09-09\"\n\
Description: 日本語 😀\n\
Resources:\n\
\x20 Logs:\n\
\x20   Type: AWS::S3::Bucket\n\
\x20   Properties: {BucketName: \"名前😀\", AccessControl: PublicRead}\n";

#[path = "common/lsp_client.rs"]
mod lsp_client;

/// The shared client with the tests' conveniences.
type Client = lsp_client::Client<Value>;
use lsp_client::position;

fn start() -> Client {
    lsp_client::Client::start(Stdio::inherit(), WAIT)
}

trait TestClient {
    fn initialize(&mut self, encodings: Value, options: Value) -> Value;
    fn open(&mut self, text: &str);
    fn open_at(&mut self, uri: &str, text: &str);
    fn change(&mut self, version: i64, range: &Value, text: &str);
}

impl TestClient for Client {
    fn initialize(&mut self, encodings: Value, options: Value) -> Value {
        self.initialize_with(
            json!({"general": {"positionEncodings": encodings}}),
            options,
        )
    }

    fn open(&mut self, text: &str) {
        self.open_at(URI, text);
    }

    fn open_at(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, version: i64, range: &Value, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": URI, "version": version},
                "contentChanges": [{"range": range, "text": text}],
            }),
        );
    }
}

fn offset(text: &str, pos: &Value, utf8: bool) -> usize {
    let line = pos["line"].as_u64().expect("line") as usize;
    let col = pos["character"].as_u64().expect("character") as usize;
    let start: usize = text.split('\n').take(line).map(|l| l.len() + 1).sum();
    let mut units = 0;
    for (i, ch) in text[start..].char_indices() {
        if units >= col || ch == '\n' {
            return start + i;
        }
        units += if utf8 { ch.len_utf8() } else { ch.len_utf16() };
    }
    text.len()
}

/// Apply LSP text edits (non-overlapping) to `text`.
fn apply(text: &str, edits: &[Value], utf8: bool) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"], utf8),
                offset(text, &e["range"]["end"], utf8),
                e["newText"].as_str().expect("newText").to_string(),
            )
        })
        .collect();
    spans.sort();
    let mut out = text.to_string();
    for (a, b, t) in spans.into_iter().rev() {
        out.replace_range(a..b, &t);
    }
    out
}

fn expected_range(text: &str, needle: &str, utf8: bool) -> Value {
    let start = text.find(needle).expect("needle");
    json!({"start": position(text, start, utf8), "end": position(text, start + needle.len(), utf8)})
}

#[test]
fn utf16_client_sees_finding_hovers_fixes_it_and_sees_it_gone() {
    let mut c = start();
    let init = c.initialize(json!(["utf-16"]), json!({"select": ["S3-111"]}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);

    c.open(TEMPLATE);
    let diags = c.diagnostics(1);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d["code"], "S3-111");
    assert_eq!(d["source"], "bucketguard");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["range"], expected_range(TEMPLATE, "PublicRead", false));
    assert_eq!(
        d["codeDescription"]["href"],
        "https://github.com/bucketguard/bucketguard/blob/main/docs/rules.md#s3-111-public-acl"
    );
    assert_eq!(d["data"]["fix"]["applicability"], "safe");
    assert_eq!(d["data"]["resource"], "Logs");

    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": d["range"]["start"]}),
    );
    let rule = bucketguard::rules::find("S3-111").expect("rule");
    // The rule's documentation, with the examples in the file's format.
    let yaml = bucketguard::docs::rule_markdown_in(rule, Some(bucketguard::syntax::Format::Yaml));
    assert_eq!(hover["contents"]["value"], yaml);
    assert!(yaml.contains("```yaml") && !yaml.contains("```json"));
    assert_eq!(hover["range"], d["range"]);
    let ty = expected_range(TEMPLATE, "AWS::S3::Bucket", false);
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": ty["start"]}),
    );
    assert_eq!(hover["range"], ty);
    assert!(
        hover["contents"]["value"]
            .as_str()
            .expect("markdown")
            .contains("Account-level checklist"),
        "{hover:#}"
    );

    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": URI},
            "range": d["range"],
            "context": {"diagnostics": [d], "only": ["quickfix"]},
        }),
    );
    let actions = actions.as_array().expect("actions");
    assert_eq!(actions.len(), 2, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], true);
    // The second action suppresses the rule for the resource.
    assert_eq!(actions[1]["title"], "Suppress S3-111 for resource `Logs`");
    assert_eq!(actions[1]["isPreferred"], false);
    let suppress = actions[1]["edit"]["changes"][URI]
        .as_array()
        .expect("edits")
        .clone();
    let suppressed = apply(TEMPLATE, &suppress, false);
    assert!(suppressed.contains("S3-111"), "{suppressed}");
    let edits = actions[0]["edit"]["changes"][URI]
        .as_array()
        .expect("edits")
        .clone();
    assert_eq!(edits.len(), 1);
    let fixed = apply(TEMPLATE, &edits, false);
    assert!(fixed.contains("AccessControl: Private}"), "{fixed}");

    c.change(
        2,
        &edits[0]["range"],
        edits[0]["newText"].as_str().expect("text"),
    );
    assert_eq!(c.diagnostics(2), Vec::<Value>::new());
    c.shutdown();
}

#[test]
fn utf8_client_gets_utf8_ranges_and_never_a_stale_version() {
    let mut c = start();
    let init = c.initialize(
        json!(["utf-16", "utf-8"]),
        json!({"bucketguard": {"select": ["S3-111"], "debounceMs": 1000}}),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");

    c.open(TEMPLATE);
    let diags = c.diagnostics(1);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(
        diags[0]["range"],
        expected_range(TEMPLATE, "PublicRead", true)
    );

    // Three quick edits inside the debounce: only the last is published.
    // Each inserts multi-byte characters into the bucket name, before the
    // finding on the same line.
    let mut text = TEMPLATE.to_string();
    let at = position(TEMPLATE, TEMPLATE.find("名前").expect("name"), true);
    let line5 = json!({"start": at, "end": at});
    for (version, ins) in [(2, "é"), (3, "😀"), (4, "漢")] {
        c.change(version, &line5, ins);
        text = apply(&text, &[json!({"range": line5, "newText": ins})], true);
    }
    // A repeated old version is refused, with a warning, and changes nothing.
    c.change(3, &line5, "XXXX");
    let refused = c.wait_for("a warning about the refused change", |m| {
        m["method"] == "window/logMessage"
    });
    assert!(
        refused["params"]["message"]
            .as_str()
            .expect("message")
            .contains("version 3 is not newer"),
        "{refused:#}"
    );
    let diags = c.diagnostics(4);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["range"], expected_range(&text, "PublicRead", true));

    // The fix-all source action, from the current version.
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": URI},
            "range": diags[0]["range"],
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        }),
    );
    let actions = actions.as_array().expect("actions");
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.bucketguard");
    let edits = actions[0]["edit"]["changes"][URI]
        .as_array()
        .expect("edits")
        .clone();
    let fixed = apply(&text, &edits, true);
    assert!(fixed.contains("AccessControl: Private}"), "{fixed}");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 5}, "contentChanges": [{"text": fixed}]}),
    );
    assert_eq!(c.diagnostics(5), Vec::<Value>::new());

    // Versions 2 and 3 were superseded and never published.
    let stale: Vec<&Value> = c
        .seen
        .iter()
        .filter(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && (m["params"]["version"] == 2 || m["params"]["version"] == 3)
        })
        .collect();
    assert!(stale.is_empty(), "{stale:#?}");

    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    );
    let closed = c.wait_for("diagnostics cleared on close", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"].is_null()
    });
    assert_eq!(closed["params"]["diagnostics"], json!([]));
    c.shutdown();
}

#[test]
fn config_changes_republish_and_nonsense_gets_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("bucketguard.toml");
    std::fs::write(&config, "[severity]\nS3-111 = \"warning\"\n").expect("write config");
    let uri = format!("file://{}", dir.path().join("t.yaml").display());
    let mut c = start();
    c.initialize(json!(["utf-16"]), json!({"select": ["S3-111"]}));
    c.open_at(&uri, TEMPLATE);
    let severity_of = |c: &mut Client, what: &str, sev: i64| {
        let uri = uri.clone();
        c.wait_for(what, move |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri.as_str()
                && m["params"]["version"] == 1
                && m["params"]["diagnostics"][0]["severity"] == sev
        });
    };
    // The project's config file applies.
    severity_of(&mut c, "warning from the config file", 2);

    // The config file changes: open documents are re-published.
    std::fs::write(&config, "[severity]\nS3-111 = \"info\"\n").expect("write config");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("file://{}", config.display()), "type": 2}]}),
    );
    severity_of(&mut c, "info after the config file changed", 3);

    // Editor settings win over the config file.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"bucketguard": {"select": ["S3-111"], "severity": {"S3-111": "error"}}}}),
    );
    severity_of(&mut c, "error from the editor settings", 1);

    // At most `maxDiagnostics` findings are published, then one that says
    // how many were left out.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"bucketguard": {"select": ["S3"], "maxDiagnostics": 1}}}),
    );
    let capped = c.wait_for("the too-many-findings diagnostic", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"][1]["code"] == "too-many-findings"
    });
    let ds = capped["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(ds.len(), 2, "{capped}");
    // No finding is an error here (the config file lowers S3-111): the
    // first warning in the file is kept, not an earlier information.
    assert_eq!(ds[0]["severity"], 2, "the most severe is kept: {capped}");
    assert!(
        ds[1]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("showing 1 of ")),
        "{capped}"
    );

    // A document over `maxFileSize` gets one information diagnostic.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"bucketguard": {"maxFileSize": 10}}}),
    );
    let big = c.wait_for("the file-too-large diagnostic", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"][0]["code"] == "file-too-large"
    });
    assert_eq!(
        big["params"]["diagnostics"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(big["params"]["diagnostics"][0]["severity"], 3);

    // Nonsense gets answers, not a crash.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 999, "character": 999}}),
    );
    assert_eq!(hover, Value::Null);
    c.send(&json!({"jsonrpc": "2.0", "id": 99, "method": "bucketguard/nonsense", "params": {}}));
    let err = c.wait_for("an error for an unknown method", |m| m["id"] == 99);
    assert!(err.get("error").is_some(), "{err}");
    c.send_raw("{not json");
    let err = c.wait_for("an error for bad JSON", |m| {
        m["id"].is_null() && m.get("error").is_some()
    });
    assert_eq!(err["error"]["code"], -32700, "{err}");
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(hover, Value::Null);
    c.shutdown();
}

#[test]
fn needs_input_fixes_are_snippets_only_for_clients_that_accept_them() {
    let text = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n";
    // LSP 3.18 `SnippetTextEdit`, rust-analyzer's extension, and neither
    // (plain text, also for a 3.18 client that does not announce it).
    let clients = [
        (
            "lsp",
            json!({"workspace": {"workspaceEdit": {"snippetEditSupport": true}}}),
        ),
        ("ra", json!({"experimental": {"snippetTextEdit": true}})),
        ("none", json!({"experimental": {"snippetTextEdit": false}})),
        (
            "none",
            json!({"workspace": {"workspaceEdit": {"snippetEditSupport": false}}}),
        ),
    ];
    for (form, capabilities) in clients {
        let mut c = start();
        c.initialize_with(capabilities, json!({"select": ["S3-401"]}));
        c.open(text);
        let diags = c.diagnostics(1);
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0]["data"]["fix"]["applicability"], "needs-input");
        let actions = c.request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": URI},
                "range": diags[0]["range"],
                "context": {"diagnostics": diags},
            }),
        );
        let action = &actions[0];
        assert_eq!(action["isPreferred"], false, "{action:#}");
        assert!(action.get("data").is_none(), "{action:#}");
        let expected = bucketguard::analysis::analyze(
            "t.yaml",
            text,
            &bucketguard::settings::Settings::default(),
        )
        .diagnostics
        .into_iter()
        .find(|d| d.code == "S3-401")
        .and_then(|d| d.fix)
        .expect("the core's fix");
        match form {
            "lsp" | "ra" => {
                let change = &action["edit"]["documentChanges"][0];
                assert_eq!(change["textDocument"]["version"], 1);
                let edit = &change["edits"][0];
                let snippet = if form == "lsp" {
                    assert_eq!(edit["snippet"]["kind"], "snippet", "{edit:#}");
                    assert!(edit.get("newText").is_none(), "{edit:#}");
                    &edit["snippet"]["value"]
                } else {
                    assert_eq!(edit["insertTextFormat"], 2);
                    &edit["newText"]
                };
                assert_eq!(
                    snippet.as_str(),
                    expected.edits[0].snippet.as_deref(),
                    "{edit:#}"
                );
                assert!(snippet.as_str().expect("text").contains("${1:"));
            }
            _ => {
                let edits = action["edit"]["changes"][URI]
                    .as_array()
                    .expect("edits")
                    .clone();
                let fixed = apply(text, &edits, false);
                assert!(
                    fixed.contains("DestinationBucketName: access-logs-bucket"),
                    "{fixed}"
                );
                assert!(!fixed.contains("${"), "{fixed}");
                assert_eq!(
                    fixed,
                    bucketguard::fix::apply_edits(text, &expected.edits).0
                );
            }
        }
        c.shutdown();
    }
}

/// A small deterministic generator, so the replay is reproducible.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn char_boundary(s: &str, rng: &mut XorShift) -> usize {
    let cuts: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
    cuts[rng.below(cuts.len())]
}

#[test]
fn random_incremental_edits_replayed_by_the_server_match_a_fresh_analysis() {
    // Two edited regions: a comment block at the top (multi-line edits) and
    // a quoted bucket name on the flagged line (edits move the finding's
    // columns). Everything else stays a valid template.
    const MID1: &str = "\nAWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Logs:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: \"";
    const MID2: &str = "\", AccessControl: PublicRead}\n";
    const POOL: &[&str] = &["a", "é", "😀", "名前", " ", "\n#", "zz"];
    let mut a = String::from(" notes 😀");
    let mut b = String::from("名前");
    let full = |a: &str, b: &str| format!("#{a}{MID1}{b}{MID2}");
    let mut c = start();
    c.initialize(json!(["utf-16"]), json!({"debounceMs": 30}));
    c.open(&full(&a, &b));
    c.diagnostics(1);

    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut version = 1;
    while version < 10_001 {
        let in_a = rng.below(2) == 0;
        let region = if in_a { &a } else { &b };
        let base = if in_a { 1 } else { 1 + a.len() + MID1.len() };
        let x = char_boundary(region, &mut rng);
        let (start, end, ins) = if rng.below(2) == 0 {
            let y = char_boundary(region, &mut rng);
            (x.min(y), x.max(y).min(x.min(y) + 8), "")
        } else {
            let ins = POOL[rng.below(POOL.len())];
            (x, x, ins)
        };
        if !region.is_char_boundary(end) || (!in_a && ins.contains('\n')) {
            continue;
        }
        let mut edited = region.clone();
        edited.replace_range(start..end, ins);
        if in_a && !edited.split('\n').skip(1).all(|l| l.starts_with('#')) {
            continue;
        }
        let text = full(&a, &b);
        let range = json!({
            "start": position(&text, base + start, false),
            "end": position(&text, base + end, false),
        });
        version += 1;
        c.change(version, &range, ins);
        if in_a {
            a = edited;
        } else {
            b = edited;
        }
    }
    let text = full(&a, &b);
    let got = c.diagnostics(version);
    let fresh = bucketguard::analysis::analyze(
        "template.yaml",
        &text,
        &bucketguard::settings::Settings::default(),
    );
    assert!(!fresh.diagnostics.is_empty());
    let index = bucketguard::text::LineIndex::new(&text);
    let enc = bucketguard::text::Encoding::Utf16;
    let want: Vec<Value> = fresh
        .diagnostics
        .iter()
        .map(|d| {
            let s = index.position(&text, d.span.start, enc);
            let e = index.position(&text, d.span.end, enc);
            json!({
                "code": d.code,
                "message": d.message,
                "range": {"start": {"line": s.line, "character": s.col}, "end": {"line": e.line, "character": e.col}},
            })
        })
        .collect();
    let got: Vec<Value> = got
        .iter()
        .map(|d| json!({"code": d["code"], "message": d["message"], "range": d["range"]}))
        .collect();
    assert_eq!(got, want);
    c.shutdown();
}

#[test]
fn a_syntax_error_is_published_with_the_last_good_findings() {
    let mut c = start();
    c.initialize(json!(["utf-16"]), json!({"select": ["S3-111"]}));
    c.open(TEMPLATE);
    assert_eq!(c.diagnostics(1).len(), 1);
    // An unclosed flow mapping on line 1 breaks the file.
    let at = json!({"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}});
    c.change(2, &at, "{");
    let broken = apply(TEMPLATE, &[json!({"range": at, "newText": "{"})], false);
    let diags = c.diagnostics(2);
    let mut codes: Vec<&str> = diags.iter().filter_map(|d| d["code"].as_str()).collect();
    codes.sort();
    assert_eq!(codes, vec!["S3-111", "syntax-error"], "{diags:#?}");
    let carried = diags
        .iter()
        .find(|d| d["code"] == "S3-111")
        .expect("carried finding");
    assert_eq!(
        carried["range"],
        expected_range(&broken, "PublicRead", false)
    );
    assert!(
        carried["message"]
            .as_str()
            .expect("message")
            .ends_with("(from the last version that parsed)"),
        "{carried:#}"
    );
    assert!(carried.get("data").is_none(), "{carried:#}");
    c.shutdown();
}

#[test]
fn settings_pulled_with_workspace_configuration_layer_over_init_options() {
    let mut c = start();
    c.initialize_with(
        json!({"workspace": {"configuration": true}}),
        json!({"select": ["S3-111"]}),
    );
    let req = c.wait_for("workspace/configuration", |m| {
        m["method"] == "workspace/configuration"
    });
    assert_eq!(req["params"]["items"][0]["section"], "bucketguard");
    c.send(
        &json!({"jsonrpc": "2.0", "id": req["id"], "result": [{"severity": {"S3-111": "warning"}}]}),
    );
    c.open(TEMPLATE);
    let msg = c.wait_for("a warning from the pulled settings", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"][0]["severity"] == 2
    });
    // `select` from the init options still applies.
    assert_eq!(
        msg["params"]["diagnostics"].as_array().map(Vec::len),
        Some(1)
    );
    c.shutdown();
}

#[test]
fn traces_follow_set_trace_and_warnings_reach_the_client() {
    let mut c = start();
    let result = c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": null,
            "capabilities": {},
            "trace": "verbose",
            "initializationOptions": {"select": ["S3-111"], "debounceMs": "soon"},
        }),
    );
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    c.notify("initialized", json!({}));
    let warning = c.wait_for("a warning about debounceMs", |m| {
        m["method"] == "window/logMessage"
    });
    assert_eq!(warning["params"]["type"], 2);
    assert!(
        warning["params"]["message"]
            .as_str()
            .expect("message")
            .contains("debounceMs"),
        "{warning:#}"
    );

    c.open(TEMPLATE);
    let trace = c.wait_for("a verbose trace", |m| m["method"] == "$/logTrace");
    assert!(
        trace["params"]["message"]
            .as_str()
            .expect("message")
            .contains("published 1 diagnostics"),
        "{trace:#}"
    );
    assert!(trace["params"]["verbose"].is_string(), "{trace:#}");

    c.notify("$/setTrace", json!({"value": "messages"}));
    let at = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    c.change(2, &at, "# note\n");
    let trace = c.wait_for("a trace without details", |m| {
        m["method"] == "$/logTrace"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.ends_with("version 2"))
    });
    assert!(trace["params"].get("verbose").is_none(), "{trace:#}");
    c.shutdown();
}

/// `main.tf` of a module: a hardened bucket whose versioning is missing
/// unless another file of the module enables it.
const TF_MAIN: &str = include_str!("../fixtures/terraform/S3-501/good_other_file/main.tf");
/// `versioning.tf` enabling it.
const TF_VERSIONING: &str =
    include_str!("../fixtures/terraform/S3-501/good_other_file/versioning.tf");

fn file_uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

fn open_tf(c: &mut Client, uri: &str, text: &str) {
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "terraform", "version": 1, "text": text}}),
    );
}

fn codes(msg: &Value) -> Vec<String> {
    msg["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect()
}

/// Wait for a publish for `uri` whose codes satisfy `pred`; earlier
/// publishes (of the module's previous states) are skipped.
fn wait_publish(c: &mut Client, what: &str, uri: &str, pred: impl Fn(&[String]) -> bool) -> Value {
    c.wait_for(what, |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && pred(&codes(m))
    })
}

#[test]
fn terraform_module_fix_in_one_file_clears_the_finding_in_another() {
    let dir = tempfile::tempdir().expect("tempdir");
    let main = dir.path().join("main.tf");
    let versioning = dir.path().join("versioning.tf");
    std::fs::write(&main, TF_MAIN).expect("write main.tf");
    std::fs::write(&versioning, "# versioning comes later\n").expect("write versioning.tf");
    let (main_uri, versioning_uri) = (file_uri(&main), file_uri(&versioning));

    let mut c = start();
    c.initialize(json!(["utf-16"]), json!({}));
    open_tf(&mut c, &main_uri, TF_MAIN);
    open_tf(&mut c, &versioning_uri, "# versioning comes later\n");
    let has_501 = |codes: &[String]| codes.iter().any(|c| c == "S3-501");
    let shown = wait_publish(&mut c, "S3-501 in main.tf", &main_uri, has_501);
    let d501 = shown["params"]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "S3-501")
        .cloned()
        .expect("S3-501");
    // On the resource header.
    assert_eq!(
        d501["range"],
        expected_range(TF_MAIN, "resource \"aws_s3_bucket\" \"data\"", false)
    );

    // Hover on the finding shows its rule with the HCL examples.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_uri}, "position": d501["range"]["start"]}),
    );
    let md = hover["contents"]["value"].as_str().expect("markdown");
    assert!(md.contains("S3-501") && md.contains("```hcl"), "{md}");
    assert!(!md.contains("```yaml"), "{md}");
    // Hover on a settings resource type and on an argument a rule reads.
    let at = |needle: &str| position(TF_MAIN, TF_MAIN.find(needle).expect("needle") + 2, false);
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_uri}, "position": at("aws_s3_bucket_public_access_block")}),
    );
    let md = hover["contents"]["value"].as_str().expect("markdown");
    assert!(md.contains("S3-1"), "{md}");
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_uri}, "position": at("block_public_acls")}),
    );
    let md = hover["contents"]["value"].as_str().expect("markdown");
    assert!(md.contains("`block_public_acls` is checked by"), "{md}");
    assert!(md.contains("```hcl"), "{md}");

    // "Suppress for this resource" puts a comment above the header.
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": main_uri},
            "range": d501["range"],
            "context": {"diagnostics": [d501]},
        }),
    );
    let suppress = actions
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Suppress S3-501"))
        })
        .cloned()
        .expect("suppress action");
    let edits = suppress["edit"]["changes"][main_uri.as_str()]
        .as_array()
        .expect("edits")
        .clone();
    let suppressed = apply(TF_MAIN, &edits, false);
    assert!(
        suppressed
            .starts_with("# bucketguard: ignore[S3-501]\nresource \"aws_s3_bucket\" \"data\""),
        "{suppressed}"
    );

    // Versioning is enabled in the other file (unsaved): main.tf's finding goes.
    // What was published before the change (main.tf may be published twice
    // with S3-501: on opening it and on opening versioning.tf) is dropped.
    c.drain();
    c.seen.clear();
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": versioning_uri, "version": 2},
            "contentChanges": [{"text": TF_VERSIONING}],
        }),
    );
    wait_publish(&mut c, "S3-501 gone from main.tf", &main_uri, |codes| {
        !codes.iter().any(|c| c == "S3-501")
    });
    // Nothing older is published after it: everything kept so far arrived
    // before it.
    let before = c.seen.len();
    c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_uri}, "position": {"line": 0, "character": 0}}),
    );
    std::thread::sleep(Duration::from_millis(200));
    c.drain();
    assert!(
        !c.seen[before..]
            .iter()
            .any(|m| m["params"]["uri"] == main_uri.as_str()
                && m["method"] == "textDocument/publishDiagnostics"
                && has_501(&codes(m))),
        "a stale publish followed: {:#?}",
        c.seen
    );

    // Undone in the editor: the finding is back.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": versioning_uri, "version": 3},
            "contentChanges": [{"text": "\n"}],
        }),
    );
    wait_publish(&mut c, "S3-501 back in main.tf", &main_uri, has_501);
    c.shutdown();
}

#[test]
fn terraform_files_changing_on_disk_re_analyse_the_open_module() {
    let dir = tempfile::tempdir().expect("tempdir");
    let main = dir.path().join("main.tf");
    let versioning = dir.path().join("versioning.tf");
    std::fs::write(&main, TF_MAIN).expect("write main.tf");
    let main_uri = file_uri(&main);

    let mut c = start();
    c.initialize_with(
        json!({
            "general": {"positionEncodings": ["utf-16"]},
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
        }),
        json!({}),
    );
    // The server asks to watch the Terraform files.
    let reg = c.wait_for("client/registerCapability", |m| {
        m["method"] == "client/registerCapability"
    });
    let globs: Vec<String> = reg["params"]["registrations"][0]["registerOptions"]["watchers"]
        .as_array()
        .expect("watchers")
        .iter()
        .filter_map(|w| w["globPattern"].as_str().map(str::to_string))
        .collect();
    for g in ["**/*.tf", "**/*.tf.json", "**/*.tfvars"] {
        assert!(globs.iter().any(|x| x == g), "{globs:?}");
    }
    c.send(&json!({"jsonrpc": "2.0", "id": reg["id"], "result": null}));

    open_tf(&mut c, &main_uri, TF_MAIN);
    let has_501 = |codes: &[String]| codes.iter().any(|c| c == "S3-501");
    wait_publish(&mut c, "S3-501 in main.tf", &main_uri, has_501);

    // versioning.tf is created on disk (not open in the editor).
    std::fs::write(&versioning, TF_VERSIONING).expect("write versioning.tf");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&versioning), "type": 1}]}),
    );
    wait_publish(
        &mut c,
        "S3-501 gone after the file was created",
        &main_uri,
        |codes| !codes.iter().any(|c| c == "S3-501"),
    );

    // ... and deleted again.
    std::fs::remove_file(&versioning).expect("remove versioning.tf");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&versioning), "type": 3}]}),
    );
    wait_publish(
        &mut c,
        "S3-501 back after the file was deleted",
        &main_uri,
        has_501,
    );
    c.shutdown();
}
