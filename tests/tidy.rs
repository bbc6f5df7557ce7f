//! House rules that the compiler does not check.

mod common;

use common::{files_under, repo_root};

/// Modules of the pure core: no I/O, no protocol, no CLI.
const CORE: &[&str] = &[
    "text.rs",
    "syntax",
    "cfn",
    "model.rs",
    "rules",
    "fix",
    "settings.rs",
    "config.rs",
    "suppress.rs",
    "analysis.rs",
    "docs.rs",
    "hover.rs",
];

const FORBIDDEN_IN_CORE: &[&str] = &[
    "std::fs",
    "std::net",
    "std::process",
    "std::env",
    "tokio",
    "tower_lsp",
    "lsp_types",
    "crate::cli",
    "crate::project",
    "clap",
    "rayon",
    "ignore::",
];

/// The non-test part of a source file: everything before `#[cfg(test)]`.
fn non_test(src: &str) -> &str {
    src.find("#[cfg(test)]").map_or(src, |i| &src[..i])
}

#[test]
fn the_core_does_no_io() {
    let src = repo_root().join("server").join("src");
    let mut errors = Vec::new();
    for f in files_under(&src, &["rs"]) {
        let rel = f
            .strip_prefix(&src)
            .unwrap_or(&f)
            .to_string_lossy()
            .replace('\\', "/");
        // Unit-test files (`*_tests.rs`) may read files and the environment.
        if rel.ends_with("_tests.rs")
            || !CORE
                .iter()
                .any(|c| rel == *c || rel.starts_with(&format!("{}/", c.trim_end_matches(".rs"))))
        {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for (i, line) in non_test(&text).lines().enumerate() {
            let l = line.trim();
            for bad in FORBIDDEN_IN_CORE {
                if (l.starts_with("use ")
                    || l.contains(&format!("{bad}::"))
                    || l.contains(&format!("{bad}(")))
                    && l.contains(bad)
                {
                    errors.push(format!("{rel}:{}: `{bad}` in the core: {l}", i + 1));
                }
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// Only `lsp` knows the protocol and its runtime.
#[test]
fn only_the_lsp_module_uses_the_protocol_crates() {
    let src = repo_root().join("server").join("src");
    let mut errors = Vec::new();
    for f in files_under(&src, &["rs"]) {
        let rel = f
            .strip_prefix(&src)
            .unwrap_or(&f)
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("lsp/") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            for bad in [
                "tokio",
                "tower_lsp_server",
                "tower_service",
                "ls_types",
                "ropey",
            ] {
                if line.contains(&format!("{bad}::")) {
                    errors.push(format!("{rel}:{}: {}", i + 1, line.trim()));
                }
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn no_unwrap_or_expect_outside_tests() {
    let src = repo_root().join("server").join("src");
    let mut errors = Vec::new();
    for f in files_under(&src, &["rs"]) {
        let rel = f
            .strip_prefix(&src)
            .unwrap_or(&f)
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with("_tests.rs") || rel.ends_with("/tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for (i, line) in non_test(&text).lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            if line.contains(".unwrap()") || line.contains(".expect(") {
                errors.push(format!("{rel}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(
        errors.is_empty(),
        "unwrap/expect in product code:\n{}",
        errors.join("\n")
    );
}

#[test]
fn no_ignored_or_should_panic_tests() {
    let mut errors = Vec::new();
    for dir in ["server", "tests"] {
        for f in files_under(&repo_root().join(dir), &["rs"]) {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            if text.contains(concat!("#[", "ignore"))
                || text.contains(concat!("#[", "should_panic"))
            {
                errors.push(f.display().to_string());
            }
        }
    }
    assert!(errors.is_empty(), "{errors:?}");
}
