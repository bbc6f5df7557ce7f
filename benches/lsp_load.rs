//! The language server under load (a bench binary: `cargo bench --bench
//! lsp_load`), on the document set of `tests/lsp_load.rs`: 200 documents
//! open (small and medium CloudFormation templates in YAML and JSON,
//! Terraform modules of three files, YAML that is not a template).
//!
//! * `open_200`: all 200 opened at once, until each is published.
//! * `burst_to_publish`: rounds of bursts, a dozen documents edited
//!   together, one edit each every 10 ms, six edits per document (and one
//!   more repairing the syntax where the last one broke it); the
//!   latency of each document from its last edit of the burst to the
//!   `publishDiagnostics` of that version (p50, p95, max), and the
//!   throughput (edits sent, analyses published per second of the rounds).
//! * `settings_change_to_all_published`: a settings change re-analysing
//!   all 200, until each is re-published (throughput of a full re-analysis).
//! * the server's resident memory (`VmRSS`) idle, with 200 open, at its
//!   peak (sampled at every read), and after closing all of them (0.5 s
//!   after, and 5.5 s after: the server hands freed memory back once idle
//!   for 2–4 s).
//!
//! Figures are recorded in `docs/performance.md` ("Under load").

#[path = "../tests/common/load_docs.rs"]
mod load_docs;
#[path = "../tests/common/lsp_client.rs"]
mod lsp_client;

use load_docs::{documents, XorShift};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

type Server = lsp_client::Client<Value>;

const WAIT: Duration = Duration::from_secs(120);
const ROUNDS: usize = 40;
const DOCS_PER_ROUND: usize = 12;
const EDITS_PER_ROUND: usize = 6;
const TICK: Duration = Duration::from_millis(10);

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mib(kib: Option<u64>) -> f64 {
    kib.map_or(f64::NAN, |k| k as f64 / 1024.0)
}

/// Received publishes: the arrival time of each `(uri, version)` first
/// published, and of the close (version `None`).
#[derive(Default)]
struct Arrivals {
    at: HashMap<(String, Option<i64>), Instant>,
    /// The last publish of each URI.
    last: HashMap<String, Instant>,
    count: usize,
    /// The highest `VmRSS` seen (KiB), sampled at every pump.
    peak: u64,
}

impl Arrivals {
    /// Note every message received so far (waiting up to `wait` for one);
    /// counts publishes, notes the first arrival of each version.
    fn pump(&mut self, s: &mut Server, wait: Duration) {
        let mut next = s.rx.recv_timeout(wait).ok();
        while let Some(m) = next {
            if m["method"] == "textDocument/publishDiagnostics" {
                let uri = m["params"]["uri"].as_str().unwrap_or_default().to_string();
                let version = m["params"]["version"].as_i64();
                self.count += 1;
                let now = Instant::now();
                self.last.insert(uri.clone(), now);
                self.at.entry((uri, version)).or_insert(now);
            }
            next = s.rx.try_recv().ok();
        }
        self.peak = self.peak.max(s.status_kib("VmRSS").unwrap_or(0));
    }

    /// Wait until every `(uri, version)` of `want` was published.
    fn wait_all(&mut self, s: &mut Server, want: &[(String, Option<i64>)]) {
        let deadline = Instant::now() + WAIT;
        while !want.iter().all(|k| self.at.contains_key(k)) {
            assert!(
                Instant::now() < deadline,
                "the server did not publish in time"
            );
            self.pump(s, Duration::from_millis(20));
        }
    }
}

fn summary(times: &mut [Duration]) -> String {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    format!(
        "p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({} samples)",
        ms(at(0.5)),
        ms(at(0.95)),
        ms(times[times.len() - 1]),
        times.len()
    )
}

fn main() {
    let dir = std::env::temp_dir().join(format!("bucketguard-bench-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create bench folder");
    std::fs::write(dir.join("bucketguard.toml"), "").expect("write config");
    let mut docs = documents(&dir);
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();

    let mut s = Server::start(Stdio::null(), WAIT);
    s.request_message(
        "initialize",
        json!({"capabilities": {}, "initializationOptions": {}}),
    );
    s.notify("initialized", json!({}));
    let mut arr = Arrivals::default();
    arr.pump(&mut s, Duration::from_millis(200));
    let idle = s.status_kib("VmRSS");

    // Open all 200 at once.
    let t = Instant::now();
    for d in &docs {
        s.notify("textDocument/didOpen", d.did_open());
    }
    let want: Vec<_> = docs.iter().map(|d| (d.uri.clone(), Some(1))).collect();
    arr.wait_all(&mut s, &want);
    let opened = t.elapsed();
    println!(
        "lsp_load open_200 ({} documents, {:.1} MB): all published in {:.0} ms ({:.0} documents/s)",
        docs.len(),
        bytes as f64 / 1e6,
        ms(opened),
        docs.len() as f64 / opened.as_secs_f64()
    );
    // Idle: the server hands freed memory back after 2–4 s idle.
    std::thread::sleep(Duration::from_secs(5));
    arr.pump(&mut s, Duration::from_millis(10));
    let open_rss = s.status_kib("VmRSS");

    // Bursts, each round waited for before the next.
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    let mut latencies = Vec::new();
    let (mut edits, mut busy) = (0, Duration::ZERO);
    let published_before = arr.count;
    for _ in 0..ROUNDS {
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < DOCS_PER_ROUND {
            let i = rng.below(docs.len());
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        let start = Instant::now();
        let mut last_sent: HashMap<usize, Instant> = HashMap::new();
        for _ in 0..EDITS_PER_ROUND {
            let t0 = Instant::now();
            for &i in &chosen {
                let change = docs[i].edit(&mut rng);
                s.notify("textDocument/didChange", change);
                last_sent.insert(i, Instant::now());
                edits += 1;
            }
            arr.pump(&mut s, TICK.saturating_sub(t0.elapsed()));
        }
        // The burst ends with every document parsing (while a file of a
        // Terraform module does not parse, the module's other files keep
        // what they show instead of publishing).
        for &i in &chosen {
            if docs[i].is_broken() {
                let change = docs[i].edit(&mut rng);
                s.notify("textDocument/didChange", change);
                last_sent.insert(i, Instant::now());
                edits += 1;
            }
        }
        let want: Vec<_> = chosen
            .iter()
            .map(|&i| (docs[i].uri.clone(), Some(docs[i].version)))
            .collect();
        arr.wait_all(&mut s, &want);
        busy += start.elapsed();
        for &i in &chosen {
            let key = (docs[i].uri.clone(), Some(docs[i].version));
            if let (Some(got), Some(sent)) = (arr.at.get(&key), last_sent.get(&i)) {
                latencies.push(got.saturating_duration_since(*sent));
            }
        }
        std::thread::sleep(Duration::from_millis(50));
        arr.pump(&mut s, Duration::from_millis(1));
    }
    println!(
        "lsp_load burst_to_publish ({ROUNDS} rounds of {DOCS_PER_ROUND} documents x {EDITS_PER_ROUND} edits 10 ms apart, 200 open; from each document's last edit): {}",
        summary(&mut latencies)
    );
    let published = arr.count - published_before;
    println!(
        "lsp_load burst_throughput: {edits} edits and {published} publishes in {:.2} s of rounds: {:.0} edits/s sent, {:.0} publishes/s",
        busy.as_secs_f64(),
        edits as f64 / busy.as_secs_f64(),
        published as f64 / busy.as_secs_f64()
    );

    // A settings change: every document re-analysed and re-published.
    let t = Instant::now();
    s.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"bucketguard": {"ignore": ["S3-201"], "severity": {"S3-111": "warning"}}}}),
    );
    let deadline = Instant::now() + WAIT;
    while !docs
        .iter()
        .all(|d| arr.last.get(&d.uri).is_some_and(|&at| at > t))
    {
        assert!(Instant::now() < deadline, "not re-published in time");
        arr.pump(&mut s, Duration::from_millis(20));
    }
    let all = t.elapsed();
    println!(
        "lsp_load settings_change_to_all_published: 200 documents in {:.0} ms ({:.0} documents/s)",
        ms(all),
        docs.len() as f64 / all.as_secs_f64()
    );

    // Close all: memory.
    std::thread::sleep(Duration::from_millis(300));
    arr.pump(&mut s, Duration::from_millis(10));
    for d in &docs {
        s.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": d.uri}}),
        );
    }
    let want: Vec<_> = docs.iter().map(|d| (d.uri.clone(), None)).collect();
    arr.wait_all(&mut s, &want);
    std::thread::sleep(Duration::from_millis(500));
    let closed = s.status_kib("VmRSS");
    // The server hands freed memory back once idle for 2–4 s.
    std::thread::sleep(Duration::from_secs(5));
    let later = s.status_kib("VmRSS");
    println!(
        "lsp_load memory: VmRSS idle {:.1} MiB, 200 open (idle 5 s) {:.1} MiB, peak {:.1} MiB, all closed {:.1} MiB after 0.5 s, {:.1} MiB after 5.5 s; {} threads",
        mib(idle),
        mib(open_rss),
        mib(Some(arr.peak)),
        mib(closed),
        mib(later),
        s.status_kib("Threads").unwrap_or(0)
    );
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}
