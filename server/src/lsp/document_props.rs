//! Property test: incremental changes applied to a [`Document`] (in every
//! position encoding, one per notification or several in one batch) give
//! the same text as the same edits applied to the full text.

use super::*;
use crate::text::{Encoding, LineIndex};
use proptest::prelude::*;

fn piece() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("a"),
        Just("bc "),
        Just("é"),
        Just("日"),
        Just("😀"),
        Just("\n"),
        Just("\r"),
        Just("\r\n"),
        Just("\t"),
    ]
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
}

/// An edit as fractions of the current text, so it applies to any text.
fn edit() -> impl Strategy<Value = (f64, f64, String)> {
    (0.0f64..=1.0, 0.0f64..=0.3, text())
}

fn boundary(t: &str, mut o: usize) -> usize {
    o = o.min(t.len());
    while !t.is_char_boundary(o) {
        o -= 1;
    }
    o
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn incremental_edits_match_full_text_edits(
        initial in text(),
        edits in proptest::collection::vec(edit(), 1..12),
        enc in prop_oneof![Just(Encoding::Utf8), Just(Encoding::Utf16), Just(Encoding::Utf32)],
        batch in any::<bool>(),
    ) {
        let mut doc = Document::new(&initial, 1, "yaml");
        let mut full = initial.clone();
        let mut pending = Vec::new();
        let mut version = 1;
        for (at, len, insert) in edits {
            let a = boundary(&full, (full.len() as f64 * at) as usize);
            let b = boundary(&full, a + (full.len() as f64 * len) as usize);
            // Never split a CRLF: between its CR and LF is not a position.
            let fix = |o: usize| if o > 0 && full.as_bytes()[o - 1] == b'\r' && full.as_bytes().get(o) == Some(&b'\n') { o - 1 } else { o };
            let (a, b) = (fix(a), fix(b).max(fix(a)));
            let idx = LineIndex::new(&full);
            let change = Change {
                range: Some((idx.position(&full, a, enc), idx.position(&full, b, enc))),
                text: insert.clone(),
            };
            full.replace_range(a..b, &insert);
            if batch {
                pending.push(change);
            } else {
                version += 1;
                prop_assert!(doc.apply_changes(version, &[change], enc).is_ok());
                prop_assert_eq!(doc.text(), full.clone());
            }
        }
        if batch {
            prop_assert!(doc.apply_changes(version + 1, &pending, enc).is_ok());
        }
        prop_assert_eq!(doc.text(), full);
    }
}
