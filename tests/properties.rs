//! Property tests (proptest): positions round-trip between encodings, and
//! analysis is deterministic, also when the settings' selectors come in
//! another order. Incremental edits of the server's documents are checked
//! against full-text edits in `server/src/lsp/document_props.rs`.

mod common;

use bucketguard::analysis;
use bucketguard::rules;
use bucketguard::settings::Settings;
use bucketguard::text::{Encoding, LineIndex};
use proptest::prelude::*;
use std::sync::OnceLock;

/// Text made of pieces that stress the conversions: ASCII, 2-, 3- and
/// 4-byte characters, every line end, tabs.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("a"),
        Just("key: "),
        Just("é"),
        Just("日本"),
        Just("😀"),
        Just("\u{feff}"),
        Just("\n"),
        Just("\r\n"),
        Just("\r"),
        Just("\t"),
        Just(" "),
        Just("\0"),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// Lines of thousands of bytes (a minified template), mixed widths, with
/// an occasional line break.
fn long_line() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        500 => Just("{\"Key\":\"abc\"},"),
        50 => Just("é"),
        50 => Just("日本"),
        50 => Just("😀"),
        1 => Just("\n"),
        1 => Just("\r\n"),
    ];
    proptest::collection::vec(piece, 0..800).prop_map(|v| v.concat())
}

const ENCODINGS: [Encoding; 3] = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every character boundary (except between the CR and LF of a CRLF,
    /// which is not a position) survives offset → position → offset in
    /// every encoding, and the three encodings name the same place.
    #[test]
    fn positions_round_trip_between_encodings(t in text()) {
        let idx = LineIndex::new(&t);
        let b = t.as_bytes();
        for o in (0..=t.len()).filter(|&o| t.is_char_boundary(o)) {
            if o > 0 && b[o - 1] == b'\r' && b.get(o) == Some(&b'\n') {
                continue;
            }
            let mut lines = Vec::new();
            for enc in ENCODINGS {
                let p = idx.position(&t, o, enc);
                prop_assert_eq!(idx.offset(&t, p, enc), o, "{:?} at {}", enc, o);
                lines.push(p.line);
                // Through another encoding and back.
                for other in ENCODINGS {
                    let q = idx.position(&t, idx.offset(&t, p, enc), other);
                    prop_assert_eq!(idx.offset(&t, q, other), o);
                }
            }
            prop_assert!(lines.windows(2).all(|w| w[0] == w[1]));
        }
    }

    /// Columns on long lines (counted from checkpoints, not from the line
    /// start) equal a plain count of the line's characters.
    #[test]
    fn columns_on_long_lines(t in long_line(), probes in proptest::collection::vec(0usize..8000, 1..20)) {
        let idx = LineIndex::new(&t);
        for o in probes {
            let o = (0..=o.min(t.len())).rev().find(|&o| t.is_char_boundary(o)).unwrap_or(0);
            if t[..o].ends_with('\r') && t[o..].starts_with('\n') {
                continue; // between the CR and LF of a CRLF: not a position
            }
            let start = t[..o].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let seg = &t[start..o];
            let want16 = seg.chars().map(char::len_utf16).sum::<usize>() as u32;
            let want32 = seg.chars().count() as u32;
            prop_assert_eq!(idx.position(&t, o, Encoding::Utf16).col, want16);
            prop_assert_eq!(idx.position(&t, o, Encoding::Utf32).col, want32);
            prop_assert_eq!(idx.position(&t, o, Encoding::Utf8).col, seg.len() as u32);
        }
    }

    /// Offsets inside a character or past the end clamp, never panic.
    #[test]
    fn positions_clamp(t in text(), o in 0usize..400, line in 0u32..80, col in 0u32..80) {
        let idx = LineIndex::new(&t);
        for enc in ENCODINGS {
            let p = idx.position(&t, o, enc);
            let back = idx.offset(&t, p, enc);
            prop_assert!(back <= t.len() && t.is_char_boundary(back));
            let off = idx.offset(&t, bucketguard::text::LineCol { line, col }, enc);
            prop_assert!(off <= t.len() && t.is_char_boundary(off));
        }
    }
}

/// The fixtures' texts (CloudFormation and Terraform), read once.
fn fixtures() -> &'static Vec<(String, String)> {
    static F: OnceLock<Vec<(String, String)>> = OnceLock::new();
    F.get_or_init(|| {
        let root = common::repo_root().join("fixtures");
        common::files_under(&root, &["yaml", "yml", "json", "tf"])
            .into_iter()
            .filter_map(|p| {
                let t = std::fs::read_to_string(&p).ok()?;
                Some((p.to_string_lossy().into_owned(), t))
            })
            .collect()
    })
}

fn selectors() -> Vec<String> {
    let mut v: Vec<String> = rules::all().iter().map(|r| r.id.to_string()).collect();
    v.extend(["S3-1", "S3-2", "S3-5"].map(String::from));
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The same input gives the same output, and the order of `select`,
    /// `ignore` and `severity` entries does not matter.
    #[test]
    fn analysis_is_deterministic_across_runs_and_settings_order(
        file in 0usize..10_000,
        cut in 0.5f64..=1.0,
        select in proptest::sample::subsequence(selectors(), 0..20),
        ignore in proptest::sample::subsequence(selectors(), 0..6),
        sev in proptest::sample::subsequence(selectors(), 0..6),
        seed in any::<u64>(),
    ) {
        let fx = fixtures();
        prop_assume!(!fx.is_empty());
        let (name, text) = &fx[file % fx.len()];
        let mut end = ((text.len() as f64) * cut) as usize;
        while !text.is_char_boundary(end) { end -= 1; }
        let text = &text[..end];
        let settings = |order: &dyn Fn(&mut Vec<String>)| {
            let mut s = Settings::default();
            let mut sel = select.clone();
            order(&mut sel);
            s.select = (!sel.is_empty()).then_some(sel);
            let mut ign = ignore.clone();
            order(&mut ign);
            s.ignore = ign;
            for (i, k) in sev.iter().enumerate() {
                let level = [rules::Severity::Info, rules::Severity::Warning, rules::Severity::Error][i % 3];
                s.severity.insert(k.clone(), level);
            }
            s
        };
        let a = settings(&|_| {});
        let b = settings(&|v: &mut Vec<String>| {
            let mut rng = seed | 1;
            // Fisher–Yates with a xorshift: a reproducible other order.
            for i in (1..v.len()).rev() {
                rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
                v.swap(i, (rng % (i as u64 + 1)) as usize);
            }
        });
        let first = analysis::analyze(name, text, &a).diagnostics;
        let again = analysis::analyze(name, text, &a).diagnostics;
        prop_assert_eq!(&first, &again);
        let reordered = analysis::analyze(name, text, &b).diagnostics;
        prop_assert_eq!(&first, &reordered);
    }
}
