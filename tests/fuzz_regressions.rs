//! Every input the fuzz targets (`fuzz/`, see docs/fuzzing.md) found a bug
//! with, and a few hand-picked tricky ones, run through the same checks as
//! their target: `tests/fuzz_regressions/<target>/*`. The checks are the
//! fuzz crate's own (`fuzz/checks.rs`), so this needs neither cargo-fuzz
//! nor nightly.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::PathBuf;

/// The stored inputs of `target`, sorted by name.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fuzz_regressions")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let data = std::fs::read(e.path()).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, data)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no stored inputs for {target}");
    out
}

/// Run `check` on every stored input of `target`, naming the one that fails.
fn run(target: &str, check: fn(&[u8])) {
    for (name, data) in inputs(target) {
        let result = std::panic::catch_unwind(|| check(&data));
        assert!(
            result.is_ok(),
            "{target}/{name} fails its check (see above)"
        );
    }
}

#[test]
fn yaml() {
    run("yaml", checks::yaml);
}

#[test]
fn json() {
    run("json", checks::json);
}

#[test]
fn hcl() {
    run("hcl", checks::hcl);
}

#[test]
fn fixes() {
    run("fixes", checks::fixes);
}

/// The server's inputs run several times: what they found depended on
/// timing (see docs/fuzzing.md).
#[test]
fn lsp() {
    for _ in 0..10 {
        run("lsp", checks::lsp);
    }
}

#[test]
fn reparse() {
    run("reparse", checks::reparse);
}
