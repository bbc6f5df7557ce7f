//! Tests of `text.rs`.

use super::*;

#[test]
fn positions_in_all_encodings() {
    let text = "a: 日本\r\nb: 😀x\rc\n";
    let idx = LineIndex::new(text);
    assert_eq!(idx.line_count(), 4);
    let x = text.find('x').unwrap();
    assert_eq!(
        idx.position(text, x, Encoding::Utf16),
        LineCol { line: 1, col: 5 }
    );
    assert_eq!(
        idx.position(text, x, Encoding::Utf8),
        LineCol { line: 1, col: 7 }
    );
    assert_eq!(
        idx.position(text, x, Encoding::Utf32),
        LineCol { line: 1, col: 4 }
    );
    for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
        let p = idx.position(text, x, enc);
        assert_eq!(idx.offset(text, p, enc), x);
    }
    let c = text.find('c').unwrap();
    assert_eq!(
        idx.position(text, c, Encoding::Utf16),
        LineCol { line: 2, col: 0 }
    );
}

#[test]
fn clamps_out_of_range() {
    let text = "ab\n😀";
    let idx = LineIndex::new(text);
    assert_eq!(
        idx.offset(text, LineCol { line: 9, col: 0 }, Encoding::Utf16),
        text.len()
    );
    assert_eq!(
        idx.offset(text, LineCol { line: 0, col: 99 }, Encoding::Utf16),
        2
    );
    // column inside the surrogate pair moves to the character start
    assert_eq!(
        idx.offset(text, LineCol { line: 1, col: 1 }, Encoding::Utf16),
        3
    );
    assert_eq!(
        idx.position(text, 999, Encoding::Utf16),
        LineCol { line: 1, col: 2 }
    );
    assert_eq!(
        idx.position(text, 4, Encoding::Utf16),
        LineCol { line: 1, col: 0 }
    );
}
