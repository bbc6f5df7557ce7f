//! The checks of the fuzz targets, shared by the targets (`fuzz/fuzz_targets`)
//! and by the regression test (`tests/fuzz_regressions.rs`), which both
//! include this file with `#[path]`. Each check takes the raw fuzz input and
//! panics on a bug; see `docs/fuzzing.md`.
//!
//! Text inputs are the fuzz bytes decoded lossily (invalid UTF-8 becomes
//! U+FFFD): the product only ever sees valid UTF-8 (`check` skips other
//! files, LSP text is a JSON string), and a lossy decoding turns every
//! input into one.

#![allow(dead_code)]

use bucketguard::analysis::{self, Analysis, Diagnostic, FileKind, Fixes, SYNTAX_ERROR};
use bucketguard::fix::{apply_edits, Edit};
use bucketguard::settings::Settings;
use bucketguard::syntax;
use bucketguard::text::Span;

/// The fuzz bytes as text.
pub fn text_of(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

// ----- front ends and analysis ------------------------------------------------

/// `yaml` target: a CloudFormation YAML file, analysed with every fix rendered.
pub fn yaml(data: &[u8]) {
    cfn(FileKind::Yaml, data);
}

/// `json` target: a CloudFormation JSON file, analysed with every fix rendered.
pub fn json(data: &[u8]) {
    cfn(FileKind::Json, data);
}

fn cfn(kind: FileKind, data: &[u8]) {
    let text = text_of(data);
    let settings = Settings::default();
    let full = analysis::analyze_as_with(kind, &text, &settings, Fixes::Edits);
    check_analysis(&text, &full, &format!("{kind:?}"));
    // What the server publishes: the same diagnostics, fixes only named.
    let titles = analysis::analyze_as_with(kind, &text, &settings, Fixes::Titles);
    same_diagnostics(&full, &titles);
}

/// `reparse` target: a YAML text and an edit of it (the first four bytes:
/// where, how many bytes to delete, which of
/// `testgen::YAML_EDIT_SNIPPETS` to insert). The parse
/// of the edited text that reuses the first text's tree (as the language
/// server does) must be the full parse of the edited text.
pub fn reparse(data: &[u8]) {
    use bucketguard::syntax::{self, reparse::Reusable, Format};
    let Some((head, rest)) = data.split_first_chunk::<4>() else {
        return;
    };
    let old = text_of(rest);
    let mut at = usize::from(u16::from_le_bytes([head[0], head[1]])) % (old.len() + 1);
    while !old.is_char_boundary(at) {
        at -= 1;
    }
    let mut to = (at + usize::from(head[2] % 16)).min(old.len());
    while !old.is_char_boundary(to) {
        to -= 1;
    }
    let snippets = bucketguard::testgen::YAML_EDIT_SNIPPETS;
    let snippet = snippets[usize::from(head[3]) % snippets.len()];
    let new = format!("{}{snippet}{}", &old[..at], &old[to..]);
    let previous = Reusable::new(old.clone(), syntax::parse(&old, Format::Yaml));
    let reused = syntax::reparse::parse_reusing(&new, Format::Yaml, Some(previous));
    assert_eq!(
        reused,
        syntax::parse(&new, Format::Yaml),
        "re-parse differs from a full parse\n--- old\n{old}\n--- new\n{new}"
    );
}

/// `hcl` target: a Terraform file (as `main.tf`, then as `main.tf.json`)
/// analysed as a module of its own, with every fix rendered.
pub fn hcl(data: &[u8]) {
    let text = text_of(data);
    let settings = Settings::default();
    for path in ["main.tf", "main.tf.json"] {
        let full = tf_analysis(path, &text, Fixes::Edits);
        check_analysis(&text, &full, path);
        same_diagnostics(&full, &tf_analysis(path, &text, Fixes::Titles));
        // The single-file entry point agrees with the module one.
        let single = analysis::analyze_with(path, &text, &settings, Fixes::Edits);
        same_diagnostics(&full, &single);
    }
}

fn tf_analysis(path: &str, text: &str, fixes: Fixes) -> Analysis {
    let mut out = analysis::analyze_module_with(&[(path, text)], &Settings::default(), fixes);
    assert_eq!(out.len(), 1, "one analysis per file of the module");
    out.pop().map(|(_, a)| a).unwrap_or_default()
}

/// Every span of `a` lies in `text`, on character boundaries; each fix's
/// edits are non-empty and do not overlap.
fn check_analysis(text: &str, a: &Analysis, what: &str) {
    for d in &a.diagnostics {
        check_span(text, d.span, &format!("{what}: {} diagnostic", d.code));
        for r in &d.related {
            check_span(text, r.span, &format!("{what}: {} related span", d.code));
        }
        if let Some(f) = &d.fix {
            let mut spans: Vec<Span> = f.edits.iter().map(|e| e.span).collect();
            for e in &f.edits {
                check_span(text, e.span, &format!("{what}: {} fix edit", d.code));
            }
            spans.sort_by_key(|s| (s.start, s.end));
            for w in spans.windows(2) {
                assert!(
                    w[0].end <= w[1].start,
                    "{what}: {} fix has overlapping edits {:?} and {:?}",
                    d.code,
                    w[0],
                    w[1]
                );
            }
        }
    }
}

fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what}: span {span:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} not on character boundaries"
    );
}

/// The same findings (code, span, message) in the same order.
fn same_diagnostics(a: &Analysis, b: &Analysis) {
    let key = |a: &Analysis| -> Vec<(String, Span, String)> {
        a.diagnostics
            .iter()
            .map(|d| (d.code.clone(), d.span, d.message.clone()))
            .collect()
    };
    assert_eq!(key(a), key(b), "two analyses of one text disagree");
}

// ----- fixes --------------------------------------------------------------------

/// A front end a fix can be rendered for.
#[derive(Debug, Clone, Copy)]
enum Front {
    Cfn(FileKind),
    Tf(&'static str),
}

impl Front {
    const ALL: [Front; 4] = [
        Front::Cfn(FileKind::Yaml),
        Front::Cfn(FileKind::Json),
        Front::Tf("main.tf"),
        Front::Tf("main.tf.json"),
    ];

    fn analyze(self, text: &str) -> Analysis {
        match self {
            Front::Cfn(kind) => {
                analysis::analyze_as_with(kind, text, &Settings::default(), Fixes::Edits)
            }
            Front::Tf(path) => tf_analysis(path, text, Fixes::Edits),
        }
    }

    /// The syntax errors of `text` in this format (the first one), looked
    /// up in the parser itself: an analysis hides them when the text no
    /// longer looks like a template.
    fn syntax_error(self, text: &str) -> Option<String> {
        match self {
            Front::Cfn(kind) => syntax::parse(text, kind.format())
                .errors
                .first()
                .map(|e| e.message.clone()),
            Front::Tf(path) => tf_analysis(path, text, Fixes::Titles)
                .diagnostics
                .into_iter()
                .find(|d| d.code == SYNTAX_ERROR)
                .map(|d| d.message),
        }
    }

    /// The edits that suppress `rule` for `resource`, as the server's
    /// "suppress" code action offers them.
    fn suppression(self, text: &str, d: &Diagnostic, resource: &str) -> Option<Vec<Edit>> {
        match self {
            Front::Cfn(kind) => analysis::suppression_edits(kind, text, resource, &d.code),
            Front::Tf("main.tf") => analysis::suppression_edits_tf(
                bucketguard::tf::Role::Hcl,
                text,
                resource,
                &d.code,
                Some(d.span),
            ),
            Front::Tf(_) => None,
        }
    }
}

/// How many diagnostics of `a` have this code and resource.
fn count(a: &Analysis, code: &str, resource: Option<&str>) -> usize {
    a.diagnostics
        .iter()
        .filter(|d| d.code == code && d.resource.as_deref() == resource)
        .count()
}

/// `fixes` target: in every format the input parses in, apply each rendered
/// fix alone, then all safe fixes together as one pass of `check --fix`,
/// then each suppression edit; the result must parse, and a fix must remove
/// a finding of its rule on its resource.
pub fn fixes(data: &[u8]) {
    let text = text_of(data);
    for front in Front::ALL {
        let a = front.analyze(&text);
        if a.diagnostics.iter().any(|d| d.code == SYNTAX_ERROR) {
            continue;
        }
        for d in &a.diagnostics {
            let Some(fix) = d.fix.as_ref().filter(|f| !f.edits.is_empty()) else {
                continue;
            };
            let fixed = apply_all(&text, &fix.edits, front, &d.code);
            let after = front.analyze(&fixed);
            assert!(
                count(&after, &d.code, d.resource.as_deref())
                    < count(&a, &d.code, d.resource.as_deref()),
                "{front:?}: the fix of {} ({:?}) left the finding in place\n--- fixed text:\n{fixed}",
                d.code,
                fix.title
            );
        }
        let (edits, n) = bucketguard::cli::safe_edits(&a.diagnostics);
        if n > 0 {
            apply_all(&text, &edits, front, "check --fix");
        }
        let mut seen = std::collections::HashSet::new();
        for d in &a.diagnostics {
            let Some(resource) = d.resource.as_deref() else {
                continue;
            };
            if !seen.insert((resource, d.code.as_str())) {
                continue;
            }
            if let Some(edits) = front.suppression(&text, d, resource) {
                let what = format!("suppression of {} for {resource}", d.code);
                let fixed = apply_all(&text, &edits, front, &what);
                let after = front.analyze(&fixed);
                // In CloudFormation the suppression covers the resource; in
                // Terraform the block holding the finding, and a module may
                // declare one address twice (Terraform refuses it, we report
                // each block), so only one of its findings need go.
                let (before, left) = (
                    count(&a, &d.code, Some(resource)),
                    count(&after, &d.code, Some(resource)),
                );
                let ok = match front {
                    Front::Cfn(_) => left == 0,
                    Front::Tf(_) => left < before,
                };
                assert!(ok, "{front:?}: {what} did not suppress it ({before} findings, {left} after)\n--- text:\n{fixed}");
            }
        }
    }
}

/// `text` with `edits` applied (every one of them), checked to parse.
fn apply_all(text: &str, edits: &[Edit], front: Front, what: &str) -> String {
    let (fixed, applied) = apply_edits(text, edits);
    assert_eq!(
        applied,
        edits.len(),
        "{front:?}: {what}: only {applied} of {} edits apply: {edits:?}",
        edits.len()
    );
    if let Some(e) = front.syntax_error(&fixed) {
        panic!("{front:?}: {what} breaks the syntax: {e}\n--- edits: {edits:?}\n--- fixed text:\n{fixed}");
    }
    fixed
}

/// True when `d` is a syntax error.
pub fn is_syntax_error(d: &Diagnostic) -> bool {
    d.code == SYNTAX_ERROR
}

// ----- the language server --------------------------------------------------------

#[path = "lsp_check.rs"]
mod lsp_check;
#[allow(unused_imports)]
pub use lsp_check::lsp;
