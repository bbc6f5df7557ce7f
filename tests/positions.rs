//! Exact positions in UTF-16 (the LSP default) and UTF-8, with CJK text and
//! emoji before the flagged value, and with CRLF line ends.

mod common;

use bucketguard::text::{Encoding, LineCol, LineIndex};
use common::analyze;

const LINE: &str =
    "    Properties: {Tags: [{Key: \"😀日本\", Value: v}], AccessControl: PublicRead}";

fn template(eol: &str) -> String {
    [
        "AWSTemplateFormatVersion: \"2010-09-09\"",
        "Description: 日本語の説明 🪣 émoji",
        "Resources:",
        "  Bucket:",
        "    Type: AWS::S3::Bucket",
        LINE,
        "",
    ]
    .join(eol)
}

fn check(eol: &str) {
    let text = template(eol);
    let diags = analyze("t.yaml", &text);
    let d = diags
        .iter()
        .find(|d| d.code == "S3-111")
        .unwrap_or_else(|| panic!("S3-111 not found in {diags:?}"));
    assert_eq!(&text[d.span.start..d.span.end], "PublicRead");
    let idx = LineIndex::new(&text);
    // 64 characters precede the value: 65 UTF-16 units (the emoji is a
    // surrogate pair), 71 UTF-8 bytes (emoji 4, each kanji 3).
    assert_eq!(
        idx.position(&text, d.span.start, Encoding::Utf16),
        LineCol { line: 5, col: 65 }
    );
    assert_eq!(
        idx.position(&text, d.span.end, Encoding::Utf16),
        LineCol { line: 5, col: 75 }
    );
    assert_eq!(
        idx.position(&text, d.span.start, Encoding::Utf8),
        LineCol { line: 5, col: 71 }
    );
    assert_eq!(
        idx.position(&text, d.span.start, Encoding::Utf32),
        LineCol { line: 5, col: 64 }
    );
    // Round trip back to the byte offset in every encoding.
    for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
        let p = idx.position(&text, d.span.start, enc);
        assert_eq!(idx.offset(&text, p, enc), d.span.start);
    }
    // The missing-setting finding sits on the logical id, line 4.
    let missing = diags.iter().find(|d| d.code == "S3-101").expect("S3-101");
    assert_eq!(&text[missing.span.start..missing.span.end], "Bucket");
    assert_eq!(
        idx.position(&text, missing.span.start, Encoding::Utf16),
        LineCol { line: 3, col: 2 }
    );
}

#[test]
fn positions_with_lf() {
    check("\n");
}

#[test]
fn positions_with_crlf() {
    check("\r\n");
}

#[test]
fn positions_in_json_with_crlf_tabs_and_bom() {
    let text = "\u{feff}{\r\n\t\"AWSTemplateFormatVersion\": \"2010-09-09\",\r\n\t\"Resources\": {\r\n\t\t\"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"Tags\": [{\"Key\": \"😀\", \"Value\": \"日本\"}], \"AccessControl\": \"PublicRead\"}}\r\n\t}\r\n}\r\n";
    let diags = analyze("t.json", text);
    let d = diags.iter().find(|d| d.code == "S3-111").expect("S3-111");
    assert_eq!(&text[d.span.start..d.span.end], "\"PublicRead\"");
    let idx = LineIndex::new(text);
    let line = text.lines().nth(3).unwrap_or_default();
    let pre = &line[..line.find("\"PublicRead\"").unwrap_or(0)];
    let utf16: u32 = pre.encode_utf16().count() as u32;
    assert_eq!(
        idx.position(text, d.span.start, Encoding::Utf16),
        LineCol {
            line: 3,
            col: utf16
        }
    );
    assert_eq!(
        idx.position(text, d.span.start, Encoding::Utf8),
        LineCol {
            line: 3,
            col: pre.len() as u32
        }
    );
}
