//! The security posture of `docs/security.md`, where a test can hold it:
//! product code spawns no process and opens no socket, only `check --fix`
//! writes files, and every file read goes through `project`.
//! (That symlinks out of a scanned folder are not followed is tested in
//! `hostile.rs`.)

mod common;

use common::{files_under, repo_root};

/// The product part of every source file: test files left out, and
/// everything from `#[cfg(test)]` on; comment lines dropped.
fn product_sources() -> Vec<(String, String)> {
    let src = repo_root().join("server").join("src");
    files_under(&src, &["rs"])
        .into_iter()
        .filter_map(|f| {
            let rel = f
                .strip_prefix(&src)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            if rel.ends_with("_tests.rs")
                || rel.ends_with("/tests.rs")
                || rel.ends_with("_props.rs")
            {
                return None;
            }
            let text = std::fs::read_to_string(&f).ok()?;
            let text = text.find("#[cfg(test)]").map_or(&text[..], |i| &text[..i]);
            let code: Vec<&str> = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            Some((rel, code.join("\n")))
        })
        .collect()
}

fn offenders(needles: &[&str], allowed: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, code) in product_sources() {
        if allowed.contains(&rel.as_str()) {
            continue;
        }
        for n in needles {
            if code.contains(n) {
                out.push(format!("{rel}: {n}"));
            }
        }
    }
    out
}

#[test]
fn product_code_opens_no_socket_and_spawns_no_process() {
    let bad = offenders(
        &[
            "std::net",
            "TcpStream",
            "TcpListener",
            "UdpSocket",
            "tokio::net",
            "std::process::Command",
            "process::Command",
            "Command::new(",
            "tokio::process",
            "std::os::unix::process",
            "libc::exec",
            "UnixStream",
        ],
        &[],
    );
    assert!(
        bad.is_empty(),
        "networking or process spawning in product code:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_networking_crates_are_dependencies() {
    let manifest = std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap_or_default();
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|s| s.split("\n[").next())
        .unwrap_or_default();
    for krate in [
        "reqwest",
        "hyper",
        "ureq",
        "curl",
        "isahc",
        "surf",
        "attohttpc",
        "tokio-tungstenite",
    ] {
        assert!(
            !deps.lines().any(|l| l.trim_start().starts_with(krate)),
            "{krate}"
        );
    }
    assert!(!deps.contains("\"net\""), "tokio's `net` feature");
    assert!(!deps.contains("\"process\""), "tokio's `process` feature");
}

/// Only `check --fix` writes, and only to the file it read.
#[test]
fn only_check_writes_files() {
    let writes = [
        "fs::write",
        "File::create",
        "OpenOptions",
        "fs::rename",
        "fs::remove",
        "fs::create_dir",
        "fs::copy",
        "fs::set_permissions",
        "fs::hard_link",
        "symlink(",
    ];
    let bad = offenders(&writes, &["cli/check.rs"]);
    assert!(
        bad.is_empty(),
        "file writes outside `check --fix`:\n{}",
        bad.join("\n")
    );
    let check = product_sources()
        .into_iter()
        .find(|(r, _)| r == "cli/check.rs")
        .map(|(_, c)| c)
        .unwrap_or_default();
    assert_eq!(
        check.matches("fs::write(").count(),
        1,
        "one write, of the fixed file"
    );
    assert!(check.contains("std::fs::write(&c.path, &text)"));
}

/// File reads go through `project` (config files; `read_limited`, which
/// bounds the size; `regular_files_in`, which never follows a symlink):
/// the language server and the CLI read no file otherwise, and the server
/// writes none (its edits go to the client).
#[test]
fn file_reads_go_through_project() {
    let reads = [
        "fs::read(",
        "fs::read_to_string",
        "File::open",
        "fs::read_dir",
        "read_link",
        "canonicalize",
    ];
    let mut bad = offenders(&reads, &["project.rs"]);
    // `check` asks `is_file` of paths named on the command line (the user's
    // choice, followed) and of walk entries (which are never symlinks).
    bad.extend(offenders(&[".is_file()"], &["project.rs", "cli/check.rs"]));
    assert!(
        bad.is_empty(),
        "file reads outside `project`:\n{}",
        bad.join("\n")
    );
    for (rel, code) in product_sources() {
        if rel.starts_with("lsp/") {
            assert!(
                !code.contains("std::fs") && !code.contains("fs::"),
                "{rel} uses the file system directly"
            );
        }
    }
    let project = product_sources()
        .into_iter()
        .find(|(r, _)| r == "project.rs")
        .map(|(_, c)| c)
        .unwrap_or_default();
    assert!(!project.contains("fs::write") && !project.contains("File::create"));
    assert!(project.contains(".filter(|e| e.file_type().is_ok_and(|t| t.is_file()))"));
}
