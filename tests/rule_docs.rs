//! The rule registry and the rules' documentation are checked here:
//! ids unique and sorted, names kebab-case, every doc section present, and
//! every doc example executable (YAML, JSON and HCL, an HCL example being a
//! one-file Terraform module): the "Example" fires the rule, the "Use
//! instead" version does not, and the fix introduces no other finding.

mod common;

use bucketguard::rules::{self, Rule};
use common::analyze;
use std::collections::BTreeSet;

const SECTIONS: &[&str] = &[
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "Fix safety",
    "References",
];

/// The body of `## heading` in a rule doc.
fn section<'a>(doc: &'a str, heading: &str) -> Option<&'a str> {
    let marker = format!("## {heading}\n");
    let start = doc.find(&marker)? + marker.len();
    let rest = &doc[start..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
    Some(&rest[..end])
}

/// The fenced code blocks of a section with the given info string.
fn code_blocks<'a>(body: &'a str, lang: &str) -> Vec<&'a str> {
    let fence = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find(&fence) {
        let after = &rest[i + fence.len()..];
        let Some(end) = after.find("```") else { break };
        out.push(&after[..end]);
        rest = &after[end + 3..];
    }
    out
}

#[test]
fn registry_is_well_formed() {
    let all = rules::all();
    assert!(!all.is_empty());
    let ids: Vec<&str> = all.iter().map(|r| r.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "rule ids must be unique and sorted");
    let mut names = BTreeSet::new();
    for r in all {
        assert!(
            r.id.len() == 6
                && r.id.starts_with("S3-")
                && r.id[3..].chars().all(|c| c.is_ascii_digit()),
            "bad id {}",
            r.id
        );
        assert!(
            !r.name.is_empty()
                && r.name.split('-').all(|p| !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
            "{}: name `{}` is not kebab-case",
            r.id,
            r.name
        );
        assert!(names.insert(r.name), "duplicate name {}", r.name);
        assert!(
            !r.summary.is_empty() && r.summary.ends_with('.'),
            "{}: summary must be a sentence",
            r.id
        );
        for s in SECTIONS {
            assert!(
                section(r.doc, s).is_some(),
                "{}: doc lacks section `## {s}`",
                r.id
            );
        }
        for (sec, lang) in [
            ("Example", "yaml"),
            ("Example", "json"),
            ("Example", "hcl"),
            ("Use instead", "yaml"),
            ("Use instead", "json"),
            ("Use instead", "hcl"),
        ] {
            let body = section(r.doc, sec).unwrap_or_default();
            assert_eq!(
                code_blocks(body, lang).len(),
                1,
                "{}: `## {sec}` needs exactly one ```{lang} block",
                r.id
            );
        }
    }
}

/// The catalog in the spec lists exactly the rules the registry has.
#[test]
fn registry_matches_the_catalog() {
    let Some(shared) = common::shared_dir() else {
        println!("skipped: ../shared not found (the spec lives there)");
        return;
    };
    let spec =
        std::fs::read_to_string(shared.join("spec").join("blueprint.md")).expect("blueprint.md");
    let mut spec_rules = Vec::new();
    for line in spec.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() > 3 && cells[1].starts_with("S3-") {
            spec_rules.push((cells[1].to_string(), cells[2].to_string()));
        }
    }
    let ours: Vec<(String, String)> = rules::all()
        .iter()
        .map(|r| (r.id.to_string(), r.name.to_string()))
        .collect();
    assert_eq!(ours, spec_rules);
}

fn check_examples(r: &Rule) -> Vec<String> {
    let mut errors = Vec::new();
    for (lang, path) in [
        ("yaml", "example.yaml"),
        ("json", "example.json"),
        ("hcl", "example.tf"),
    ] {
        let bad = code_blocks(section(r.doc, "Example").unwrap_or_default(), lang);
        let good = code_blocks(section(r.doc, "Use instead").unwrap_or_default(), lang);
        let (Some(bad), Some(good)) = (bad.first(), good.first()) else {
            errors.push(format!("{}: no {lang} examples", r.id));
            continue;
        };
        let bad_d = analyze(path, bad);
        let good_d = analyze(path, good);
        if !bad_d.iter().any(|d| d.code == r.id) {
            errors.push(format!(
                "{}: {lang} Example does not fire the rule; it fires {:?}",
                r.id,
                codes(&bad_d)
            ));
        }
        if good_d.iter().any(|d| d.code == r.id) {
            errors.push(format!("{}: {lang} Use instead still fires the rule", r.id));
        }
        let bad_codes: BTreeSet<String> = codes(&bad_d);
        let extra: Vec<String> = codes(&good_d).difference(&bad_codes).cloned().collect();
        if !extra.is_empty() {
            errors.push(format!(
                "{}: {lang} Use instead fires {:?}, which the Example does not",
                r.id, extra
            ));
        }
    }
    errors
}

fn codes(d: &[bucketguard::analysis::Diagnostic]) -> BTreeSet<String> {
    d.iter().map(|d| d.code.clone()).collect()
}

#[test]
fn doc_examples_are_executable() {
    let errors: Vec<String> = rules::all()
        .iter()
        .flat_map(|r| check_examples(r))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
