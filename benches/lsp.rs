//! Language server benchmark (a bench binary: `cargo bench --bench lsp`).
//!
//! Drives the real `bucketguard server` over stdio like an editor:
//!
//! 1. `didChange → publishDiagnostics` latency on the generated 250-bucket
//!    (~5,300-line) template, with `debounceMs` 0 and with the default
//!    (a comment line added and removed at the top), and for a value typed
//!    inside a resource in the middle (`lsp_value_edit_to_publish`).
//! 2. The server's resident memory (`VmRSS`) with 100 such documents open.
//! 3. The same latency on a generated 250-bucket Terraform module
//!    (`lsp_tf_change_to_publish`): an edit of `main.tf`, and an edit of
//!    another open file of the module re-publishing `main.tf`.
//!
//! Prints min / p50 / p90 and MiB. Figures are recorded in
//! `docs/performance.md`.
//!
//! The client parses every message it receives, the diagnostics into the
//! typed LSP structs (as a Rust client would), in one pass: a `Value` tree
//! would make the client, not the server, the slowest part.

use bucketguard::testgen;
use serde::Deserialize;
use serde_json::{json, Value};
use std::process::Stdio;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(120);

/// Timed edits per debounce setting.
const EDITS: i64 = 60;

#[path = "../tests/common/lsp_client.rs"]
mod lsp_client;

use lsp_client::Message;

/// The shared client, every message parsed into [`Incoming`].
type Server = lsp_client::Client<Incoming>;

/// Any message from the server, parsed in one pass; the fields of
/// `publishDiagnostics` are typed.
#[derive(Deserialize)]
struct Incoming {
    id: Option<Value>,
    method: Option<String>,
    params: Option<Params>,
    result: Option<Value>,
    error: Option<Value>,
}

#[derive(Deserialize)]
struct Params {
    uri: Option<String>,
    version: Option<i64>,
    diagnostics: Option<Vec<tower_lsp_server::ls_types::Diagnostic>>,
}

impl Message for Incoming {
    fn id(&self) -> Option<&Value> {
        self.id.as_ref()
    }

    fn method(&self) -> Option<&str> {
        self.method.as_deref()
    }

    fn result(&self) -> Option<&Value> {
        self.result.as_ref()
    }

    fn error(&self) -> Option<&Value> {
        self.error.as_ref()
    }
}

/// Start the server, `initialize` it with `options` and send `initialized`.
fn start(options: Value) -> Server {
    let mut s = Server::start(Stdio::null(), WAIT);
    s.request_message(
        "initialize",
        json!({"capabilities": {}, "initializationOptions": options}),
    );
    s.notify("initialized", json!({}));
    s
}

/// Wait for the `publishDiagnostics` of `uri` at `version` (skipping
/// everything else); its number of diagnostics.
fn published(s: &mut Server, uri: &str, version: i64) -> usize {
    let m = s.skip_to("publishDiagnostics", |m| {
        m.method.as_deref() == Some("textDocument/publishDiagnostics")
            && m.params
                .as_ref()
                .is_some_and(|p| p.uri.as_deref() == Some(uri) && p.version == Some(version))
    });
    m.params.and_then(|p| p.diagnostics).map_or(0, |d| d.len())
}

fn open(s: &mut Server, uri: &str, language_id: &str, text: &str) {
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": language_id, "version": 1, "text": text}}),
    );
}

/// The server's resident memory.
fn rss_mib(s: &Server) -> f64 {
    s.status_kib("VmRSS")
        .map_or(f64::NAN, |kb| kb as f64 / 1024.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(times: &mut [Duration]) -> String {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    format!(
        "min {:.1} ms, p50 {:.1} ms, p90 {:.1} ms",
        ms(times[0]),
        ms(at(0.5)),
        ms(at(0.9))
    )
}

/// A one-line edit at the top of the file, alternately adding and removing
/// a comment line.
fn edit(uri: &str, version: i64) -> Value {
    let (range, text) = if version % 2 == 0 {
        (
            json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}),
            "#x\n",
        )
    } else {
        (
            json!({"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}),
            "",
        )
    };
    json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": [{"range": range, "text": text}]}})
}

/// A one-character edit of a value in the middle of the template (the
/// tag value `team-125`, alternately typing and deleting an `x` after it).
fn value_edit(uri: &str, version: i64, line: usize, character: usize) -> Value {
    let at = json!({"line": line, "character": character});
    let (range, text) = if version % 2 == 0 {
        (json!({"start": at, "end": at}), "x")
    } else {
        let end = json!({"line": line, "character": character + 1});
        (json!({"start": at, "end": end}), "")
    };
    json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": [{"range": range, "text": text}]}})
}

/// Back-to-back value edits inside one resource (`value_edit`), default
/// debounce: the server re-reads that resource's lines only.
fn value_latency(text: &str) {
    let needle = "team-125";
    let Some((line, col)) = text.lines().enumerate().find_map(|(i, l)| {
        l.find(needle)
            .map(|c| (i, l[..c + needle.len()].encode_utf16().count()))
    }) else {
        println!("lsp_value_edit_to_publish: `{needle}` not in the template");
        return;
    };
    let mut s = start(json!({}));
    let uri = "file:///tmp/bucketguard-bench/v.yaml";
    open(&mut s, uri, "yaml", text);
    let findings = published(&mut s, uri, 1);
    let mut times = Vec::new();
    for version in 2..EDITS + 2 {
        let t = Instant::now();
        s.send(&value_edit(uri, version, line, col));
        published(&mut s, uri, version);
        times.push(t.elapsed());
    }
    println!(
        "lsp_value_edit_to_publish (debounceMs default, {findings} findings, a value in resource 125 of 250): {}",
        summary(&mut times)
    );
}

/// Each edit is sent as soon as the previous version's diagnostics
/// arrived (back to back); then bursts of three edits sent together,
/// timed from the last edit of the burst (the debounce applies in full).
fn latency(text: &str, debounce: Option<u64>) {
    let options = match debounce {
        Some(ms) => json!({"debounceMs": ms}),
        None => json!({}),
    };
    let label = debounce.map_or("default".to_string(), |d| d.to_string());
    let mut s = start(options);
    let uri = "file:///tmp/bucketguard-bench/t.yaml";
    open(&mut s, uri, "yaml", text);
    let findings = published(&mut s, uri, 1);
    let mut version = 1;
    let mut times = Vec::new();
    for _ in 0..EDITS {
        version += 1;
        let t = Instant::now();
        s.send(&edit(uri, version));
        published(&mut s, uri, version);
        times.push(t.elapsed());
    }
    println!(
        "lsp_change_to_publish (debounceMs {label}, {findings} findings): {}",
        summary(&mut times)
    );
    let mut times = Vec::new();
    for _ in 0..EDITS / 3 {
        for _ in 0..2 {
            version += 1;
            s.send(&edit(uri, version));
        }
        version += 1;
        let t = Instant::now();
        s.send(&edit(uri, version));
        published(&mut s, uri, version);
        times.push(t.elapsed());
    }
    println!(
        "lsp_burst_to_publish (debounceMs {label}, 3 edits at once, from the last): {}",
        summary(&mut times)
    );
}

/// The generated 250-bucket Terraform module on disk, `main.tf` open: an
/// edit of `main.tf` → its publish (the whole module analysed, the other
/// files read from disk); then with `versioning.tf` open too, an edit of
/// `versioning.tf` → the re-publish of `main.tf`.
fn terraform_latency(debounce: Option<u64>) {
    let options = match debounce {
        Some(ms) => json!({"debounceMs": ms}),
        None => json!({}),
    };
    let label = debounce.map_or("default".to_string(), |d| d.to_string());
    let dir = std::env::temp_dir().join(format!("bucketguard-bench-tf-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create bench dir");
    let files = testgen::tf_split(250);
    for (name, text) in &files {
        std::fs::write(dir.join(name), text).expect("write module file");
    }
    let text_of = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    };
    let mut s = start(options);
    let main_uri = format!("file://{}", dir.join("main.tf").display());
    s.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": main_uri, "languageId": "terraform", "version": 1, "text": text_of("main.tf")}}}));
    let findings = published(&mut s, &main_uri, 1);
    let mut version = 1;
    let mut times = Vec::new();
    for _ in 0..EDITS {
        version += 1;
        let t = Instant::now();
        s.send(&edit(&main_uri, version));
        published(&mut s, &main_uri, version);
        times.push(t.elapsed());
    }
    println!(
        "lsp_tf_change_to_publish (debounceMs {label}, module of 250 buckets, {findings} findings in main.tf): {}",
        summary(&mut times)
    );

    // Edit the (open) versioning.tf, time main.tf's re-publish.
    let v_uri = format!("file://{}", dir.join("versioning.tf").display());
    s.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": v_uri, "languageId": "terraform", "version": 1, "text": text_of("versioning.tf")}}}));
    published(&mut s, &v_uri, 1);
    // Let main.tf's re-publish for the opening arrive.
    std::thread::sleep(Duration::from_millis(500));
    while s.rx.try_recv().is_ok() {}
    let mut v_version = 1;
    let mut times = Vec::new();
    for _ in 0..EDITS {
        v_version += 1;
        let t = Instant::now();
        s.send(&edit(&v_uri, v_version));
        // Both files are re-published, in either order.
        let (mut main_seen, mut v_seen) = (false, false);
        while !(main_seen && v_seen) {
            let m = s.skip_to("publishDiagnostics", |m| {
                m.method.as_deref() == Some("textDocument/publishDiagnostics")
            });
            let Some(p) = m.params else { continue };
            if p.uri.as_deref() == Some(main_uri.as_str()) && !main_seen {
                main_seen = true;
                times.push(t.elapsed());
            } else if p.uri.as_deref() == Some(v_uri.as_str()) && p.version == Some(v_version) {
                v_seen = true;
            }
        }
    }
    println!(
        "lsp_tf_other_file_to_publish (debounceMs {label}, edit versioning.tf, main.tf re-published): {}",
        summary(&mut times)
    );
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wanted = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    let text = testgen::cfn_yaml(250);

    if wanted("lsp_change_to_publish") {
        latency(&text, Some(0));
        latency(&text, None);
    }

    if wanted("lsp_value_edit_to_publish") {
        value_latency(&text);
    }

    if wanted("lsp_tf_change_to_publish") {
        terraform_latency(Some(0));
        terraform_latency(None);
    }

    if wanted("lsp_memory_100_documents") {
        let mut s = start(json!({}));
        let before = rss_mib(&s);
        for i in 0..100 {
            let uri = format!("file:///tmp/bucketguard-bench/t{i}.yaml");
            open(&mut s, &uri, "yaml", &text);
            published(&mut s, &uri, 1);
        }
        println!(
            "lsp_memory_100_documents: {:.0} MiB resident after opening 100 documents ({:.0} MiB before)",
            rss_mib(&s),
            before
        );
    }
}
