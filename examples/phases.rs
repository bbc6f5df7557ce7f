//! Times the phases of one analysis of the generated 250-bucket template.
//! `cargo run --release --example phases`
use bucketguard::*;
use std::time::{Duration, Instant};

fn best<T>(n: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// The same allocator as the `bucketguard` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let text = testgen::cfn_yaml(250);
    // `PROFILE=1`: one analysis and nothing else, for
    // `valgrind --tool=callgrind --toggle-collect='bucketguard::analysis::analyze'`.
    // `PROFILE=titles`: the same analysis as the server publishes it
    // (fixes named only).
    // `PROFILE=titles-edit` / `titles-value`: as the server analyses the
    // template after a comment line is added at the top / a value changed
    // in one resource, reusing the previous parse; collect
    // `--toggle-collect='phases::after_yaml_edit'`.
    // `PROFILE=tf`: the same for the generated 250-bucket Terraform module.
    // `PROFILE=tf-titles`: that module analysed as the server publishes it
    // (fixes named only). `PROFILE=tf-edit`: as the server does after an
    // edit of `main.tf`, with the other files' parses cached; collect
    // `--toggle-collect='phases::after_edit'`.
    let profile = std::env::var("PROFILE").unwrap_or_default();
    if profile == "tf-edit" {
        let mut files = testgen::tf_split(250);
        let cache = tf::ParseCache::default();
        analyze_cached(&files, &cache);
        if let Some((_, main)) = files.iter_mut().find(|(p, _)| p == "main.tf") {
            *main = main.replacen("app-", "app2-", 1);
        }
        println!("{} diagnostics", after_edit(&files, &cache));
        return;
    }
    if profile == "tf" || profile == "tf-titles" {
        let files = testgen::tf_split(250);
        let pairs: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let fixes = if profile == "tf" {
            analysis::Fixes::Edits
        } else {
            analysis::Fixes::Titles
        };
        let a = analysis::analyze_module_with(&pairs, &settings::Settings::default(), fixes);
        println!("{} files", a.len());
        return;
    }
    if profile == "titles-edit" || profile == "titles-value" {
        // As the server analyses a YAML document after an edit: the
        // previous version's parse reused. Collect
        // `--toggle-collect='phases::after_yaml_edit'`.
        let kind = analysis::FileKind::Yaml;
        let settings = settings::Settings::default();
        let fixes = analysis::Fixes::Titles;
        let (_, previous) = analysis::analyze_as_reusing(kind, &text, &settings, fixes, None);
        let edited = if profile == "titles-edit" {
            format!("#x\n{text}")
        } else {
            text.replacen("team-125 ", "team-125x ", 1)
        };
        println!("{} diagnostics", after_yaml_edit(&edited, previous));
        return;
    }
    if profile == "titles" {
        // As the server publishes it: fixes named, not rendered.
        let a = analysis::analyze_with(
            "x.yaml",
            &text,
            &settings::Settings::default(),
            analysis::Fixes::Titles,
        );
        println!("{} diagnostics", a.diagnostics.len());
        return;
    }
    if std::env::var_os("PROFILE").is_some() {
        let a = analysis::analyze("x.yaml", &text, &settings::Settings::default());
        println!("{} diagnostics", a.diagnostics.len());
        return;
    }
    let n = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    println!(
        "yaml-rust2 events only: {:?}",
        best(n, || {
            let mut p = yaml_rust2::parser::Parser::new_from_str(&text);
            let mut count = 0usize;
            while let Ok((ev, _)) = p.next_token() {
                count += 1;
                if ev == yaml_rust2::parser::Event::StreamEnd {
                    break;
                }
            }
            count
        })
    );
    println!(
        "parse: {:?}",
        best(n, || syntax::parse(&text, syntax::Format::Yaml))
    );
    let doc = syntax::parse(&text, syntax::Format::Yaml);
    println!("model: {:?}", best(n, || cfn::Template::build(&text, &doc)));
    let Some(tpl) = cfn::Template::build(&text, &doc) else {
        return;
    };
    let run_rules = || {
        let mut out = Vec::new();
        for r in rules::all() {
            let mut sink = rules::Sink::new(r);
            (r.check)(&tpl.model, &mut sink);
            out.extend(sink.findings);
        }
        out
    };
    println!(
        "rules: {:?} ({} findings)",
        best(n, run_rules),
        run_rules().len()
    );
    let findings = run_rules();
    println!(
        "fixes: {:?}",
        best(n, || {
            let r = fix::cfn::Renderer::new(&text, &doc);
            findings
                .iter()
                .filter_map(|f| f.fix.as_ref())
                .filter_map(|f| r.render(&f.intent))
                .count()
        })
    );
    println!(
        "total: {:?}",
        best(n, || analysis::analyze(
            "x.yaml",
            &text,
            &settings::Settings::default()
        ))
    );
}

/// One YAML analysis after an edit, reusing the previous parse (the
/// function callgrind collects).
#[inline(never)]
fn after_yaml_edit(text: &str, previous: Option<syntax::reparse::Reusable>) -> usize {
    let (a, _) = analysis::analyze_as_reusing(
        analysis::FileKind::Yaml,
        text,
        &settings::Settings::default(),
        analysis::Fixes::Titles,
        previous,
    );
    a.diagnostics.len()
}

/// One module analysis after an edit, through the parse cache (the
/// function callgrind collects).
#[inline(never)]
fn after_edit(files: &[(String, String)], cache: &tf::ParseCache) -> usize {
    analyze_cached(files, cache)
}

/// A module analysis as the server publishes it, through `cache`; the
/// number of diagnostics.
fn analyze_cached(files: &[(String, String)], cache: &tf::ParseCache) -> usize {
    let pairs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    analysis::analyze_module_cached(
        &pairs,
        &settings::Settings::default(),
        analysis::Fixes::Titles,
        Some(cache),
    )
    .iter()
    .map(|(_, a)| a.diagnostics.len())
    .sum()
}
