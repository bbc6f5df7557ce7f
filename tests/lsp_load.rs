//! The language server under load (issue 6, point 3), driven like an
//! editor over stdio: 200 open documents (small and medium CloudFormation
//! templates in YAML and JSON, Terraform modules of three files, YAML that
//! is not a template), bursts of incremental edits 10 ms apart on several
//! documents at once (multi-byte text; edits that add, remove and move
//! findings, in Terraform across files), and a settings change pulled with
//! `workspace/configuration` in the middle of a burst. Then:
//!
//! * every document's last `publishDiagnostics` is of the last version
//!   sent and equals a fresh analysis of the text the test holds under the
//!   final settings (each edit moves, adds or removes a finding, so a lost
//!   or misapplied edit shows here);
//! * no document ever gets an older version after a newer one, or a
//!   version never sent, or anything after its close;
//! * no change is refused (no warning);
//! * the analyses run on a bounded number of threads ([`MAX_THREADS`]);
//! * after every document is closed, the server's memory is back near its
//!   level before they were opened (see [`RSS_MARGIN_KIB`]).
//!
//! Edits also break the syntax now and then (the next edit repairs it), so
//! the carrying of the last good findings runs under load too. A second
//! test closes a document while its analysis runs and opens it again with
//! other text at version 1: the old analysis must not be published.
//!
//! The edit script is deterministic (a seeded generator); the timing of
//! the server's work is not, which is the point.

#[path = "common/load_docs.rs"]
mod load_docs;
#[path = "common/lsp_client.rs"]
mod lsp_client;

use bucketguard::analysis;
use bucketguard::rules::Severity;
use bucketguard::settings::Settings;
use bucketguard::text::{Encoding, LineIndex};
use load_docs::{documents, Doc, XorShift};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

type Client = lsp_client::Client<Value>;

/// The bound of every wait (a debug build analysing 200 documents on a
/// shared 2-core machine).
const WAIT: Duration = Duration::from_secs(60);

/// Burst rounds, documents edited together in a round, edits per document
/// per round (one every 10 ms).
const ROUNDS: usize = 16;
const DOCS_PER_ROUND: usize = 12;
const EDITS_PER_ROUND: usize = 6;
const TICK: Duration = Duration::from_millis(10);

/// The server's threads: the runtime's two workers, the blocking threads
/// of the analyses (one per core at most), stdin and stdout. Without a
/// bound it started a blocking thread per scheduled document: 317 threads
/// and over 500 MiB resident during these bursts.
const MAX_THREADS: u64 = 32;

/// How far above its level before the documents were opened (after a
/// warm-up and 5 s idle, see the test) the server's resident memory may
/// stay once they are all closed and it has been idle (it hands freed
/// memory back after 2–4 s idle, `lsp::release_memory`). During the bursts
/// the debug server peaks 60–80 MiB above that level; measured after
/// closing: 0–3 MiB above it (pages mimalloc keeps in the heaps of threads
/// still running, allocator noise). 8 MiB tells "returned" from "kept":
/// the release server, before it released memory when idle, kept its
/// peak (130–210 MiB, `cargo bench --bench lsp_load`). It does not detect
/// a small leak: the 200 documents are only 0.2 MB of text.
const RSS_MARGIN_KIB: u64 = 8 * 1024;

/// Rules and severities the mid-run settings change applies.
const IGNORED: &str = "S3-201";
const SEVERITY: (&str, &str) = ("S3-111", "warning");

/// What the test compares: code, severity, range (UTF-16) and message,
/// sorted.
fn normalize(diags: &[Value]) -> Vec<Value> {
    let mut v: Vec<Value> = diags
        .iter()
        .map(|d| json!({"code": d["code"], "severity": d["severity"], "range": d["range"], "message": d["message"]}))
        .collect();
    v.sort_by_key(|d| d.to_string());
    v
}

fn expected_of(text: &str, diags: &[analysis::Diagnostic]) -> Vec<Value> {
    let index = LineIndex::new(text);
    let pos = |o: usize| {
        let p = index.position(text, o, Encoding::Utf16);
        json!({"line": p.line, "character": p.col})
    };
    let v: Vec<Value> = diags
        .iter()
        .map(|d| {
            let severity = match d.severity {
                Severity::Error => 1,
                Severity::Warning => 2,
                Severity::Info => 3,
            };
            json!({
                "code": d.code,
                "severity": severity,
                "range": {"start": pos(d.span.start), "end": pos(d.span.end)},
                "message": d.message,
            })
        })
        .collect();
    normalize(&v)
}

/// A fresh analysis of every document's text under `settings`, by URI.
fn fresh(docs: &[Doc], settings: &Settings) -> HashMap<String, Vec<Value>> {
    let mut out = HashMap::new();
    for d in docs.iter().filter(|d| d.module.is_none()) {
        let path = d.path.to_string_lossy();
        let a = analysis::analyze(&path, &d.text, settings);
        out.insert(d.uri.clone(), expected_of(&d.text, &a.diagnostics));
    }
    let modules: Vec<usize> = docs.iter().filter_map(|d| d.module).collect();
    for m in (0..=modules.iter().copied().max().unwrap_or(0)).filter(|m| modules.contains(m)) {
        let files: Vec<(String, &Doc)> = docs
            .iter()
            .filter(|d| d.module == Some(m))
            .map(|d| (d.path.to_string_lossy().into_owned(), d))
            .collect();
        let pairs: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, d)| (p.as_str(), d.text.as_str()))
            .collect();
        for (p, a) in analysis::analyze_module(&pairs, settings) {
            let Some((_, d)) = files.iter().find(|(q, _)| q == p) else {
                continue;
            };
            out.insert(d.uri.clone(), expected_of(&d.text, &a.diagnostics));
        }
    }
    out
}

/// Everything the test learns from the server's messages.
#[derive(Default)]
struct Seen {
    /// The last publish per URI: its version and diagnostics.
    last: HashMap<String, (Option<i64>, Vec<Value>)>,
    publishes: usize,
    /// Publishes of an older version after a newer one, of a version
    /// never sent, or after the close.
    violations: Vec<String>,
    /// `window/logMessage` and `window/showMessage` texts.
    warnings: Vec<String>,
    config_requests: usize,
}

struct Run {
    c: Client,
    seen: Seen,
    /// The `bucketguard` section the test answers `workspace/configuration` with.
    settings: Value,
}

impl Run {
    /// Handle every message received so far; `sent` is each URI's last
    /// version sent (`None` once closed).
    fn pump(&mut self, sent: &HashMap<String, Option<i64>>, wait: Duration) {
        let mut first = true;
        loop {
            let msg = if first {
                first = false;
                match self.c.rx.recv_timeout(wait) {
                    Ok(m) => m,
                    Err(_) => return,
                }
            } else {
                match self.c.rx.try_recv() {
                    Ok(m) => m,
                    Err(_) => return,
                }
            };
            self.handle(msg, sent);
        }
    }

    fn handle(&mut self, msg: Value, sent: &HashMap<String, Option<i64>>) {
        match msg["method"].as_str() {
            Some("textDocument/publishDiagnostics") => {
                let p = &msg["params"];
                let uri = p["uri"].as_str().unwrap_or_default().to_string();
                let version = p["version"].as_i64();
                let diags = p["diagnostics"].as_array().cloned().unwrap_or_default();
                self.seen.publishes += 1;
                let prev = self.seen.last.get(&uri).map(|(v, _)| *v);
                match (prev, version, sent.get(&uri)) {
                    (Some(None), _, _) => self
                        .seen
                        .violations
                        .push(format!("{uri}: published after its close")),
                    (Some(Some(old)), Some(v), _) if v < old => self
                        .seen
                        .violations
                        .push(format!("{uri}: version {v} published after {old}")),
                    (_, Some(v), Some(Some(last))) if v > *last => self
                        .seen
                        .violations
                        .push(format!("{uri}: version {v} never sent (last {last})")),
                    _ => {}
                }
                self.seen.last.insert(uri, (version, diags));
            }
            Some("workspace/configuration") => {
                self.seen.config_requests += 1;
                let n = msg["params"]["items"].as_array().map_or(1, Vec::len);
                let result: Vec<Value> = vec![self.settings.clone(); n];
                self.c
                    .send(&json!({"jsonrpc": "2.0", "id": msg["id"], "result": result}));
            }
            Some("window/logMessage") | Some("window/showMessage") => {
                let text = msg["params"]["message"].as_str().unwrap_or_default();
                self.seen.warnings.push(text.to_string());
            }
            Some(m) if msg.get("id").is_some() => {
                // Any other request from the server: answer, do not hang it.
                self.c
                    .send(&json!({"jsonrpc": "2.0", "id": msg["id"], "result": null}));
                self.seen.warnings.push(format!("unexpected request {m}"));
            }
            _ => {}
        }
    }

    /// The documents whose last publish is not of their last version or
    /// differs from `want`.
    fn mismatches(&self, docs: &[Doc], want: &HashMap<String, Vec<Value>>) -> Vec<String> {
        docs.iter()
            .filter_map(|d| {
                let (version, diags) = match self.seen.last.get(&d.uri) {
                    Some(x) => x,
                    None => return Some(format!("{}: nothing published", d.uri)),
                };
                if *version != Some(d.version) {
                    return Some(format!(
                        "{}: last publish of version {version:?}, last sent {}",
                        d.uri, d.version
                    ));
                }
                let got = normalize(diags);
                let w = want.get(&d.uri).cloned().unwrap_or_default();
                (got != w).then(|| {
                    format!(
                        "{} (version {}): published {:#}\nbut a fresh analysis of\n{}\ngives {:#}",
                        d.uri,
                        d.version,
                        json!(got),
                        d.text,
                        json!(w)
                    )
                })
            })
            .collect()
    }

    fn rss_kib(&self) -> u64 {
        self.c.status_kib("VmRSS").expect("VmRSS of the server")
    }
}

fn sent_versions(docs: &[Doc]) -> HashMap<String, Option<i64>> {
    docs.iter()
        .map(|d| (d.uri.clone(), Some(d.version)))
        .collect()
}

fn settings_of(section: &Value) -> Settings {
    let mut s = Settings::default();
    if let Some(list) = section["ignore"].as_array() {
        s.ignore = list
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
    }
    if let Some(map) = section["severity"].as_object() {
        for (k, v) in map {
            let sev = v.as_str().and_then(Severity::parse).expect("severity");
            s.severity.insert(k.clone(), sev);
        }
    }
    s
}

#[test]
fn two_hundred_documents_bursts_of_edits_and_a_settings_change() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("tempdir");
    // An empty config at the root: no config file above the temporary
    // folder can apply, so the editor settings are the whole settings.
    std::fs::write(dir.path().join("bucketguard.toml"), "").expect("write config");
    let mut docs = documents(dir.path());
    assert_eq!(docs.len(), 200);

    let c = Client::start(Stdio::inherit(), WAIT);
    let mut run = Run {
        c,
        seen: Seen::default(),
        settings: json!({}),
    };
    run.c.initialize_with(
        json!({
            "general": {"positionEncodings": ["utf-16"]},
            "workspace": {"configuration": true},
        }),
        json!({}),
    );
    let mut sent = sent_versions(&docs);
    // The settings pulled after `initialized`.
    let deadline = Instant::now() + WAIT;
    while run.seen.config_requests == 0 && Instant::now() < deadline {
        run.pump(&sent, Duration::from_millis(50));
    }
    assert_eq!(run.seen.config_requests, 1, "no workspace/configuration");
    // Warm up: a document of each kind opened, analysed and closed, so
    // the baseline is an idle server that has served documents (its
    // analysis code paged in, its runtime's threads started), not a cold
    // process.
    let warm: Vec<Doc> = documents(&dir.path().join("warm-up"))
        .into_iter()
        .filter(|d| {
            d.uri.ends_with("s0.yaml")
                || d.uri.ends_with("s0.json")
                || d.uri.ends_with("m0.yaml")
                || d.module == Some(0)
                || d.uri.ends_with("app0.yaml")
        })
        .collect();
    let mut warm_sent = sent_versions(&warm);
    for d in &warm {
        run.c.notify("textDocument/didOpen", d.did_open());
    }
    settle(
        &mut run,
        &warm,
        &fresh(&warm, &Settings::default()),
        &warm_sent,
        "the warm-up",
    );
    for d in &warm {
        run.c.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": d.uri}}),
        );
        warm_sent.insert(d.uri.clone(), None);
    }
    wait_cleared(&mut run, &warm, &warm_sent);
    // Idle long enough for the server to hand freed memory back (it does
    // after 2–4 s idle, `lsp::RELEASE_AFTER`).
    let idle = Instant::now() + Duration::from_secs(5);
    while Instant::now() < idle {
        run.pump(&sent, Duration::from_millis(100));
    }
    let rss_before = run.rss_kib();

    // Open everything at once.
    for d in &docs {
        run.c.notify("textDocument/didOpen", d.did_open());
    }
    let initial = fresh(&docs, &Settings::default());
    settle(&mut run, &docs, &initial, &sent, "opening");
    let rss_open = run.rss_kib();

    // Bursts: each round edits a dozen documents together, one edit each
    // every 10 ms; the settings change lands in the middle of a burst.
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    let mut edits = 0;
    let (mut peak_threads, mut peak_rss) = (0, 0);
    for round in 0..ROUNDS {
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < DOCS_PER_ROUND {
            let i = rng.below(docs.len());
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        for tick in 0..EDITS_PER_ROUND {
            let t0 = Instant::now();
            for &i in &chosen {
                let d = &mut docs[i];
                let change = d.edit(&mut rng);
                sent.insert(d.uri.clone(), Some(d.version));
                run.c.notify("textDocument/didChange", change);
                edits += 1;
            }
            if round == ROUNDS / 2 && tick == EDITS_PER_ROUND / 2 {
                // The client's settings change; the server pulls them.
                run.settings = json!({"ignore": [IGNORED], "severity": {SEVERITY.0: SEVERITY.1}});
                run.c.notify(
                    "workspace/didChangeConfiguration",
                    json!({"settings": null}),
                );
            }
            run.pump(&sent, TICK.saturating_sub(t0.elapsed()));
            peak_rss = peak_rss.max(run.rss_kib());
            peak_threads = peak_threads.max(run.c.status_kib("Threads").unwrap_or(0));
        }
        // Every third round overlaps the next; the others leave a pause in
        // which some of the burst's analyses are published.
        if round % 3 != 2 {
            run.pump(&sent, Duration::from_millis(40));
        }
    }
    // Repair what the last edits left broken.
    for d in docs.iter_mut().filter(|d| d.is_broken()) {
        let change = d.edit(&mut rng);
        sent.insert(d.uri.clone(), Some(d.version));
        run.c.notify("textDocument/didChange", change);
        edits += 1;
    }
    assert!(
        run.seen.config_requests >= 2,
        "the settings change was not pulled"
    );
    let final_settings = settings_of(&run.settings);
    let want = fresh(&docs, &final_settings);
    // The settings change shows in the results.
    assert!(want
        .values()
        .flatten()
        .any(|d| d["code"] == SEVERITY.0 && d["severity"] == 2));
    assert!(!want.values().flatten().any(|d| d["code"] == IGNORED));
    settle(&mut run, &docs, &want, &sent, "the bursts");
    let rss_edited = run.rss_kib();

    // Close everything: each document's diagnostics are cleared.
    for d in &docs {
        run.c.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": d.uri}}),
        );
        sent.insert(d.uri.clone(), None);
    }
    wait_cleared(&mut run, &docs, &sent);
    // The server hands freed memory back once idle for 2–4 s
    // (`lsp::RELEASE_AFTER`); poll for up to 6 s.
    let deadline = Instant::now() + Duration::from_secs(6);
    let mut rss_closed = run.rss_kib();
    while rss_closed > rss_before + RSS_MARGIN_KIB && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        rss_closed = run.rss_kib();
    }
    run.pump(&sent, Duration::from_millis(100));
    eprintln!(
        "lsp_load: {edits} edits, {} publishes, {} config requests, {:.1} s; VmRSS before opening {} KiB, 200 open {} KiB, peak during the bursts {peak_rss} KiB ({peak_threads} threads), after the edits {} KiB, all closed {} KiB",
        run.seen.publishes,
        run.seen.config_requests,
        started.elapsed().as_secs_f64(),
        rss_before,
        rss_open,
        rss_edited,
        rss_closed
    );
    assert!(run.seen.violations.is_empty(), "{:#?}", run.seen.violations);
    assert!(run.seen.warnings.is_empty(), "{:#?}", run.seen.warnings);
    assert!(
        peak_threads <= MAX_THREADS,
        "{peak_threads} threads during the bursts (peak VmRSS {peak_rss} KiB)"
    );
    assert!(
        rss_closed <= rss_before + RSS_MARGIN_KIB,
        "memory not returned: {rss_closed} KiB with every document closed, {rss_before} KiB before opening them ({rss_open} KiB with 200 open)"
    );
    run.c.shutdown();
}

/// Wait until every document's last publish is of its last version and
/// equals `want`, then for a quiet moment, and check again (a stale
/// publish arriving late would show).
fn settle(
    run: &mut Run,
    docs: &[Doc],
    want: &HashMap<String, Vec<Value>>,
    sent: &HashMap<String, Option<i64>>,
    after: &str,
) {
    let deadline = Instant::now() + WAIT;
    loop {
        run.pump(sent, Duration::from_millis(100));
        let bad = run.mismatches(docs, want);
        if bad.is_empty() {
            break;
        }
        if Instant::now() > deadline {
            panic!(
                "after {after}, {} documents do not show their last version's fresh analysis; the first:\n{}",
                bad.len(),
                bad[0]
            );
        }
    }
    // Quiet: nothing more for 300 ms.
    let mut before = run.seen.publishes;
    loop {
        run.pump(sent, Duration::from_millis(300));
        if run.seen.publishes == before {
            break;
        }
        before = run.seen.publishes;
    }
    let bad = run.mismatches(docs, want);
    assert!(bad.is_empty(), "after {after}, a later publish: {}", bad[0]);
}

/// Wait until every document of `docs` got its close (an empty publish
/// without a version).
fn wait_cleared(run: &mut Run, docs: &[Doc], sent: &HashMap<String, Option<i64>>) {
    let deadline = Instant::now() + WAIT;
    loop {
        run.pump(sent, Duration::from_millis(50));
        let open = docs
            .iter()
            .filter(|d| {
                run.seen
                    .last
                    .get(&d.uri)
                    .is_none_or(|(v, diags)| v.is_some() || !diags.is_empty())
            })
            .count();
        if open == 0 {
            return;
        }
        assert!(Instant::now() < deadline, "{open} documents not cleared");
    }
}

/// A document closed while its analysis runs and opened again at version
/// 1 with other text (changed on disk in between) must show the new
/// text's findings: the old analysis, also "version 1", must not be
/// published over them.
#[test]
fn a_document_reopened_during_its_analysis_never_shows_the_old_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bucketguard.toml"), "").expect("write config");
    // The old text takes long to analyse; the new one is quick.
    let old = bucketguard::testgen::cfn_yaml(150);
    let new = load_docs::small_yaml(7);
    let mut c = Client::start(Stdio::inherit(), WAIT);
    c.initialize_with(json!({}), json!({}));
    let path = dir.path().join("t.yaml");
    let uri = format!("file://{}", path.display());
    let want = expected_of(
        &new,
        &analysis::analyze(&path.to_string_lossy(), &new, &Settings::default()).diagnostics,
    );
    let open = |c: &mut Client, text: &str| {
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    };
    for round in 0..5 {
        open(&mut c, &old);
        std::thread::sleep(Duration::from_millis(5 * round));
        c.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
        open(&mut c, &new);
        // Every analysis that was started has ended once the old text's
        // would have been published: wait for quiet.
        let mut last: Option<Value> = None;
        let deadline = Instant::now() + WAIT;
        loop {
            match c.rx.recv_timeout(Duration::from_millis(1500)) {
                Ok(m) if m["method"] == "textDocument/publishDiagnostics" => last = Some(m),
                Ok(_) => {}
                Err(_) => break,
            }
            assert!(Instant::now() < deadline, "never quiet");
        }
        let last = last.expect("a publish");
        assert_eq!(last["params"]["version"], 1);
        let got = normalize(
            last["params"]["diagnostics"]
                .as_array()
                .expect("diagnostics"),
        );
        assert_eq!(
            got.len(),
            want.len(),
            "round {round}: the old text's findings were published for the new text"
        );
        assert_eq!(got, want);
        c.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }
    c.shutdown();
}
