//! Benchmarks (a bench binary: `cargo bench --bench analyze`).
//!
//! 1. Full analysis of a generated 250-bucket (~5,300-line) template, on
//!    one thread: parse, model, every rule, suppressions, fix rendering.
//! 2. `bucketguard check` (the release binary) over 1,000 small templates.
//! 3. Full analysis of a generated 250-bucket Terraform module in the split
//!    (v4+) style (~11,500 lines in six files): `analyze_module`.
//!
//! Prints min / p50 / p90 per measurement. Figures are recorded in
//! `docs/performance.md`.

use bucketguard::analysis::{analyze_module, analyze_with, Fixes};
use bucketguard::settings::Settings;
use bucketguard::testgen;
use std::time::{Duration, Instant};

/// The same allocator as the `bucketguard` binary, so the figures are the product's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn stats(mut v: Vec<Duration>) -> (Duration, Duration, Duration) {
    v.sort();
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (v[0], at(0.5), at(0.9))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument may follow.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wanted = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));

    // The same template, analysed as `check --fix` does (every fix
    // rendered as edits) and as the language server publishes it (fixes
    // named, their edits rendered when a code action asks).
    for (name, fixes) in [
        ("analyze_250_buckets", Fixes::Edits),
        ("analyze_250_buckets_fix_titles", Fixes::Titles),
    ] {
        if !wanted(name)
            || (filter.as_deref() == Some("analyze_250_buckets") && fixes != Fixes::Edits)
        {
            continue;
        }
        let text = testgen::cfn_yaml(250);
        let settings = Settings::default();
        let lines = text.lines().count();
        let mut findings = 0;
        for _ in 0..5 {
            findings = analyze_with("bench.yaml", &text, &settings, fixes)
                .diagnostics
                .len();
        }
        let mut times = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(5);
        while times.len() < 30 || (Instant::now() < deadline && times.len() < 500) {
            let t = Instant::now();
            let a = analyze_with("bench.yaml", &text, &settings, fixes);
            times.push(t.elapsed());
            std::hint::black_box(a);
        }
        let (min, p50, p90) = stats(times);
        println!(
            "{name}: {lines} lines, {} bytes, {findings} findings: min {:.2} ms, p50 {:.2} ms, p90 {:.2} ms",
            text.len(),
            ms(min),
            ms(p50),
            ms(p90)
        );
    }

    if wanted("analyze_tf_module_250") {
        let files = testgen::tf_split(250);
        let pairs: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let settings = Settings::default();
        let lines: usize = files.iter().map(|(_, t)| t.lines().count()).sum();
        let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
        let mut findings = 0;
        for _ in 0..5 {
            findings = analyze_module(&pairs, &settings)
                .iter()
                .map(|(_, a)| a.diagnostics.len())
                .sum();
        }
        let mut times = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(5);
        while times.len() < 30 || (Instant::now() < deadline && times.len() < 500) {
            let t = Instant::now();
            let a = analyze_module(&pairs, &settings);
            times.push(t.elapsed());
            std::hint::black_box(a);
        }
        let (min, p50, p90) = stats(times);
        println!(
            "analyze_tf_module_250: {} files, {lines} lines, {bytes} bytes, {findings} findings: min {:.2} ms, p50 {:.2} ms, p90 {:.2} ms",
            files.len(),
            ms(min),
            ms(p50),
            ms(p90)
        );
    }

    if wanted("check_1000_files") {
        let dir = std::env::temp_dir().join(format!("bucketguard-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for i in 0..1000 {
            let sub = dir.join(format!("d{}", i % 20));
            std::fs::create_dir_all(&sub).expect("create bench dir");
            std::fs::write(sub.join(format!("t{i}.yaml")), testgen::cfn_small(i))
                .expect("write template");
        }
        let exe = env!("CARGO_BIN_EXE_bucketguard");
        let mut times = Vec::new();
        for _ in 0..7 {
            let t = Instant::now();
            let out = std::process::Command::new(exe)
                .args(["check", "--format", "json", "--exit-zero"])
                .arg(&dir)
                .output()
                .expect("run bucketguard");
            times.push(t.elapsed());
            assert!(
                out.status.success(),
                "check failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let (min, p50, p90) = stats(times);
        println!(
            "check_1000_files: min {:.0} ms, p50 {:.0} ms, p90 {:.0} ms",
            ms(min),
            ms(p50),
            ms(p90)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
