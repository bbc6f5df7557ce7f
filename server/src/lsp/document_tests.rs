use super::*;

fn lc(line: u32, col: u32) -> LineCol {
    LineCol { line, col }
}

fn change(a: LineCol, b: LineCol, text: &str) -> Change {
    Change {
        range: Some((a, b)),
        text: text.to_string(),
    }
}

#[test]
fn incremental_changes_after_multibyte_text() {
    let mut d = Document::new("名前: 😀x\nb: 1\r\nc: 2", 1, "yaml");
    // UTF-16: 名 前 : space 😀(2) → x at column 6.
    d.apply_changes(2, &[change(lc(0, 6), lc(0, 7), "yz")], Encoding::Utf16)
        .unwrap();
    assert_eq!(d.text(), "名前: 😀yz\nb: 1\r\nc: 2");
    // UTF-8: 名(3) 前(3) :(1) space(1) 😀(4) = 12.
    d.apply_changes(3, &[change(lc(0, 12), lc(0, 14), "")], Encoding::Utf8)
        .unwrap();
    assert_eq!(d.text(), "名前: 😀\nb: 1\r\nc: 2");
    // Across a CRLF line end.
    d.apply_changes(4, &[change(lc(1, 3), lc(2, 0), "9\n")], Encoding::Utf16)
        .unwrap();
    assert_eq!(d.text(), "名前: 😀\nb: 9\nc: 2");
}

#[test]
fn stale_versions_are_refused() {
    let mut d = Document::new("a", 5, "yaml");
    let err = d.apply_changes(5, &[change(lc(0, 0), lc(0, 0), "x")], Encoding::Utf16);
    assert_eq!(err, Err(ChangeError::Stale { current: 5, got: 5 }));
    assert_eq!(d.text(), "a");
    assert_eq!(d.version(), 5);
}

#[test]
fn positions_past_the_end_clamp() {
    let mut d = Document::new("ab\ncd", 1, "yaml");
    d.apply_changes(2, &[change(lc(0, 99), lc(9, 9), "!")], Encoding::Utf16)
        .unwrap();
    assert_eq!(d.text(), "ab!");
    // Reversed ranges are normalised; a column inside a surrogate pair
    // moves to the character's start.
    let mut d = Document::new("😀z", 1, "yaml");
    d.apply_changes(2, &[change(lc(0, 2), lc(0, 1), "")], Encoding::Utf16)
        .unwrap();
    assert_eq!(d.text(), "z");
}

#[test]
fn full_replacement() {
    let mut d = Document::new("old", 1, "json");
    d.apply_changes(
        2,
        &[Change {
            range: None,
            text: "new".into(),
        }],
        Encoding::Utf8,
    )
    .unwrap();
    assert_eq!(d.text(), "new");
    assert_eq!(d.language_id(), "json");
}
