//! Tests of `syntax/json.rs`.

use super::*;

fn ok(text: &str) -> Node {
    let doc = parse(text);
    assert_eq!(doc.errors, vec![], "unexpected errors for {text:?}");
    assert_eq!(doc.format, Format::Json);
    assert!(doc.comments.is_empty());
    doc.root.expect("a root")
}

fn src(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

/// The single error of `text`: (its source text, its start, its message).
fn err(text: &str) -> (String, usize, String) {
    let doc = parse(text);
    assert_eq!(doc.errors.len(), 1, "expected one error for {text:?}");
    let e = &doc.errors[0];
    (
        src(text, e.span).to_string(),
        e.span.start,
        e.message.clone(),
    )
}

fn style(node: &Node) -> ScalarStyle {
    match &node.kind {
        NodeKind::Scalar { style, .. } => *style,
        _ => panic!("not a scalar"),
    }
}

/// Check every node's invariants: spans on char boundaries and nested.
fn check_tree(text: &str, node: &Node) {
    assert!(node.span.start <= node.span.end && node.span.end <= text.len());
    assert!(text.is_char_boundary(node.span.start));
    assert!(text.is_char_boundary(node.span.end));
    assert_eq!(node.tag, None);
    assert!(!node.from_alias);
    for item in node.items() {
        assert!(node.span.contains_span(item.span));
        check_tree(text, item);
    }
    for e in node.entries() {
        assert!(node.span.contains_span(e.key_span));
        assert!(node.span.contains_span(e.value.span));
        assert!(e.key_span.end <= e.value.span.start);
        check_tree(text, &e.value);
    }
}

#[test]
fn scalars_and_spans() {
    let text = r#"{"s": "hi", "n": -12.5e+3, "z": 0, "t": true, "f": false, "x": null}"#;
    let root = ok(text);
    assert!(root.is_mapping());
    assert_eq!(src(text, root.span), text);
    let keys: Vec<&str> = root.entries().iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["s", "n", "z", "t", "f", "x"]);
    for e in root.entries() {
        assert_eq!(src(text, e.key_span), format!("\"{}\"", e.key));
    }
    let s = root.get("s").unwrap();
    assert_eq!(src(text, s.span), "\"hi\"");
    assert_eq!(s.as_str(), Some("hi"));
    assert_eq!(style(s), ScalarStyle::JsonString);
    for (key, lit) in [
        ("n", "-12.5e+3"),
        ("z", "0"),
        ("t", "true"),
        ("f", "false"),
        ("x", "null"),
    ] {
        let v = root.get(key).unwrap();
        assert_eq!(src(text, v.span), lit);
        assert_eq!(v.as_str(), Some(lit));
        assert_eq!(style(v), ScalarStyle::JsonLiteral);
    }
    assert!(root.get("x").unwrap().is_null());
    check_tree(text, &root);
}

#[test]
fn top_level_scalars() {
    for text in [
        "42", "\"a\"", "true", "null", "-0", "1E5", "0.25e-7", " 7 \n",
    ] {
        let root = ok(text);
        assert_eq!(src(text, root.span), text.trim());
    }
}

#[test]
fn nested_containers() {
    let text = "{\"a\": [1, {\"b\": []}, {}], \"c\": {\"d\": [[ ]]}}";
    let root = ok(text);
    assert_eq!(root.span, Span::new(0, text.len()));
    let a = root.get("a").unwrap();
    assert_eq!(src(text, a.span), "[1, {\"b\": []}, {}]");
    assert!(matches!(a.kind, NodeKind::Sequence { flow: true, .. }));
    assert_eq!(a.items().len(), 3);
    assert_eq!(src(text, a.items()[0].span), "1");
    assert_eq!(src(text, a.items()[1].span), "{\"b\": []}");
    assert!(matches!(
        a.items()[1].kind,
        NodeKind::Mapping { flow: true, .. }
    ));
    assert_eq!(src(text, a.items()[1].get("b").unwrap().span), "[]");
    assert_eq!(src(text, a.items()[2].span), "{}");
    let d = root.get("c").unwrap().get("d").unwrap();
    assert_eq!(src(text, d.span), "[[ ]]");
    assert_eq!(src(text, d.items()[0].span), "[ ]");
    check_tree(text, &root);
}

#[test]
fn multibyte_text_before_later_values() {
    let text = "{\"名前\": \"日本語😀\", \"k\": [\"é\", 3], \"😀\": true}";
    let root = ok(text);
    let e = &root.entries()[0];
    assert_eq!(e.key, "名前");
    assert_eq!(src(text, e.key_span), "\"名前\"");
    assert_eq!(e.value.as_str(), Some("日本語😀"));
    assert_eq!(src(text, e.value.span), "\"日本語😀\"");
    let k = root.get("k").unwrap();
    assert_eq!(src(text, k.span), "[\"é\", 3]");
    assert_eq!(src(text, k.items()[1].span), "3");
    let last = &root.entries()[2];
    assert_eq!(last.key, "😀");
    assert_eq!(src(text, last.key_span), "\"😀\"");
    assert_eq!(src(text, last.value.span), "true");
    check_tree(text, &root);
}

#[test]
fn escapes_are_decoded() {
    let text = r#"["a\"b\\c\/d\be\ff\ng\rh\ti", "\u0041\u00e9\u65E5", "\ud83d\ude00!", "\ud800", "\udc00x", "\ud800\u0041", "\ud800\n", "\u0000"]"#;
    let root = ok(text);
    let values: Vec<&str> = root.items().iter().map(|n| n.as_str().unwrap()).collect();
    assert_eq!(
        values,
        [
            "a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti",
            "Aé日",
            "😀!",
            "\u{FFFD}",
            "\u{FFFD}x",
            "\u{FFFD}A",
            "\u{FFFD}\n",
            "\0",
        ]
    );
    assert_eq!(src(text, root.items()[2].span), r#""\ud83d\ude00!""#);
    // Escaped keys are decoded too, and the key span keeps the escapes.
    let text = r#"{"a\u0062": 1, "a\tb": 2}"#;
    let root = ok(text);
    assert_eq!(root.entries()[0].key, "ab");
    assert_eq!(src(text, root.entries()[0].key_span), r#""a\u0062""#);
    assert_eq!(root.entries()[1].key, "a\tb");
}

#[test]
fn decoding_agrees_with_serde_json() {
    let text = r#"{"x": ["plain", "\"q\" \\ \/", "\u00fc\u4e2d\ud834\udd1e", "tab\there", "ü中𝄞"], "k\u00e9y": -0.0}"#;
    let root = ok(text);
    let reference: serde_json::Value = serde_json::from_str(text).unwrap();
    for (i, item) in root.get("x").unwrap().items().iter().enumerate() {
        assert_eq!(item.as_str(), reference["x"][i].as_str());
    }
    assert_eq!(root.entries()[1].key, "kéy");
}

#[test]
fn whitespace_tabs_crlf_and_bom() {
    let text = "\u{FEFF}\r\n{\t\"a\"\t:\r\n\t[ 1 ,\r\n 2 ]\r\n, \"b\":\"x\" }\r\n";
    let root = ok(text);
    assert_eq!(root.span.start, text.find('{').unwrap());
    assert_eq!(root.span.end, text.rfind('}').unwrap() + 1);
    let a = &root.entries()[0];
    assert_eq!(src(text, a.key_span), "\"a\"");
    assert_eq!(src(text, a.value.span), "[ 1 ,\r\n 2 ]");
    assert_eq!(src(text, a.value.items()[1].span), "2");
    assert_eq!(src(text, root.get("b").unwrap().span), "\"x\"");
    // A BOM alone, empty text and whitespace are empty documents.
    for text in ["", "\u{FEFF}", " \t\r\n ", "\u{FEFF}\n"] {
        let doc = parse(text);
        assert_eq!(doc.root, None);
        assert_eq!(doc.errors, vec![]);
    }
    // A BOM is only skipped at the very start.
    let (tok, at, msg) = err(" \u{FEFF}1");
    assert_eq!(
        (tok.as_str(), at, msg.as_str()),
        ("\u{FEFF}", 1, "expected a value")
    );
}

#[test]
fn duplicate_keys_are_kept_in_order() {
    let text = r#"{"a": 1, "b": 2, "a": 3}"#;
    let root = ok(text);
    let keys: Vec<&str> = root.entries().iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["a", "b", "a"]);
    assert_eq!(root.get("a").unwrap().as_str(), Some("3"));
}

#[test]
fn error_positions_and_messages() {
    let cases: &[(&str, &str, usize, &str)] = &[
        (
            r#"{"a": 1 "b": 2}"#,
            "\"",
            8,
            "expected ',' or '}' after an object member",
        ),
        ("[1 2]", "2", 3, "expected ',' or ']' after an array item"),
        (r#"{"a": "xyz"#, "\"", 6, "unterminated string"),
        (r#"["a\qb"]"#, "\\q", 3, "invalid escape sequence '\\q'"),
        (r#"["\é"]"#, "\\é", 2, "invalid escape sequence '\\é'"),
        (r#"{"a": 1,}"#, ",", 7, "trailing comma before '}'"),
        ("[1, 2 ,\n]", ",", 6, "trailing comma before ']'"),
        (
            r#"{"a": "#,
            "",
            6,
            "unexpected end of file: expected a value",
        ),
        ("[", "", 1, "unexpected end of file: expected a value"),
        ("{} x", "x", 3, "unexpected characters after the document"),
        ("1 2", "2", 2, "unexpected characters after the document"),
        ("[\"a\tb\"]", "\t", 3, "control character in string"),
        ("\"line\nbreak\"", "\n", 5, "control character in string"),
        ("{\"a\" 1}", "1", 5, "expected ':' after an object key"),
        ("{a: 1}", "a", 1, "expected a double-quoted key or '}'"),
        ("{\"a\": 1, 'b': 2}", "'", 9, "expected a double-quoted key"),
        ("[tru]", "tru", 1, "invalid literal 'tru'"),
        ("[True]", "True", 1, "invalid literal 'True'"),
        ("[,]", ",", 1, "expected a value"),
        ("[1,,2]", ",", 3, "expected a value"),
        ("[é]", "é", 1, "expected a value"),
        ("[01]", "01", 1, "leading zeros are not allowed in numbers"),
        ("[-x]", "x", 2, "expected a digit after '-'"),
        ("[1.]", "]", 3, "expected a digit after '.'"),
        ("[1e+]", "]", 4, "expected a digit in the exponent"),
        (
            "-",
            "",
            1,
            "unexpected end of file: expected a digit after '-'",
        ),
        ("[.5]", ".", 1, "expected a value"),
        ("[+1]", "+", 1, "expected a value"),
        (
            r#"["\u12g4"]"#,
            "\\u12",
            2,
            "invalid unicode escape: expected 4 hex digits after '\\u'",
        ),
        (r#"["\u12"#, "\"", 1, "unterminated string"),
        ("\"abc\\", "\"", 0, "unterminated string"),
        (
            "{\"a\": 1 // c\n}",
            "/",
            8,
            "expected ',' or '}' after an object member",
        ),
        (
            "{\"a\": [1",
            "",
            8,
            "unexpected end of file: expected ',' or ']' after an array item",
        ),
        (
            "{",
            "",
            1,
            "unexpected end of file: expected a double-quoted key or '}'",
        ),
    ];
    for &(text, token, at, message) in cases {
        let (tok, start, msg) = err(text);
        assert_eq!(
            (tok.as_str(), start, msg.as_str()),
            (token, at, message),
            "for {text:?}"
        );
        assert!(!msg.ends_with('.'));
    }
}

#[test]
fn partial_tree_is_kept_after_an_error() {
    let text = r#"{"a": 1, "b": [true, {"c": "d"}, x], "e": 2}"#;
    let doc = parse(text);
    assert_eq!(doc.errors.len(), 1);
    assert_eq!(doc.errors[0].message, "invalid literal 'x'");
    let root = doc.root.unwrap();
    check_tree(text, &root);
    assert_eq!(root.span.start, 0);
    assert_eq!(root.get("a").unwrap().as_str(), Some("1"));
    let b = root.get("b").unwrap();
    assert_eq!(b.items().len(), 2);
    assert_eq!(src(text, b.span), r#"[true, {"c": "d"}"#);
    assert_eq!(src(text, root.span), r#"{"a": 1, "b": [true, {"c": "d"}"#);
    assert!(root.get("e").is_none());

    // A key without its value is dropped; a scalar root that failed is None.
    let doc = parse(r#"{"a": 1, "b": "#);
    let root = doc.root.unwrap();
    assert_eq!(root.entries().len(), 1);
    assert_eq!(root.span, Span::new(0, 7));
    assert_eq!(parse("tru").root, None);
    // A complete root followed by junk is kept whole.
    let doc = parse("[1] ]");
    assert_eq!(doc.root.unwrap().span, Span::new(0, 3));
}

#[test]
fn nesting_limit() {
    let ok_text = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    let root = ok(&ok_text);
    assert_eq!(root.span, Span::new(0, ok_text.len()));
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    let (tok, at, msg) = err(&deep);
    assert_eq!((tok.as_str(), at), ("[", MAX_DEPTH));
    assert_eq!(msg, "nesting deeper than 128 levels");
    let mixed = "{\"a\":[".repeat(100) + "1";
    let doc = parse(&mixed);
    assert_eq!(doc.errors[0].message, "nesting deeper than 128 levels");
    check_tree(&mixed, doc.root.as_ref().unwrap());

    // A million open brackets stop at the limit without trouble.
    let huge = "[".repeat(1_000_000);
    let doc = parse(&huge);
    assert_eq!(doc.errors.len(), 1);
    assert_eq!(doc.errors[0].span, Span::new(MAX_DEPTH, MAX_DEPTH + 1));
    let mut depth = 0;
    let mut node = doc.root.as_ref();
    while let Some(n) = node {
        depth += 1;
        node = n.items().first();
    }
    assert_eq!(depth, MAX_DEPTH);
}

#[test]
fn every_prefix_parses_without_panic() {
    let docs = [
        "\u{FEFF}{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"Tags\": [{\"Key\": \"日本\", \"Value\": \"😀\\u00e9\\ud83d\\ude00\"}], \"N\": -1.5e-3, \"T\": true, \"F\": false, \"X\": null}}}}\r\n",
        "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", 0, 10.01E+2, [], {}, [[{}]]]",
        "\t{ \"a\" : [ 1 , 2 ] , \"é\" : { } }\n",
    ];
    for text in docs {
        ok(text);
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let prefix = &text[..i];
            let doc = parse(prefix);
            assert!(doc.errors.len() <= 1);
            for e in &doc.errors {
                assert!(e.span.start <= e.span.end && e.span.end <= prefix.len());
                assert!(prefix.is_char_boundary(e.span.start));
                assert!(prefix.is_char_boundary(e.span.end));
                assert!(!e.message.is_empty());
            }
            if let Some(root) = &doc.root {
                check_tree(prefix, root);
            }
            // Suffixes and single-byte corruptions must not panic either.
            let _ = parse(&text[i..]);
            let mut corrupt = text.to_string();
            corrupt.insert(i, '"');
            let _ = parse(&corrupt);
            corrupt.replace_range(i..i + 1, "\\");
            let _ = parse(&corrupt);
        }
    }
}
