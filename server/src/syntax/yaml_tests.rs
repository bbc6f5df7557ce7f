//! Tests of `syntax/yaml.rs`.

use super::*;

/// The source text of a span.
fn at(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

/// Parse, check there is no error and that every span is valid.
fn ok(text: &str) -> Node {
    let doc = parse(text);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    check_doc(text, &doc);
    doc.root.expect("a root node")
}

fn check_span(text: &str, span: Span) {
    assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
    assert!(text.is_char_boundary(span.start), "{span:?}");
    assert!(text.is_char_boundary(span.end), "{span:?}");
}

fn check_node(text: &str, node: &Node) {
    check_span(text, node.span);
    if let Some((_, t)) = node.tag.as_deref() {
        check_span(text, *t);
    }
    for e in node.entries() {
        check_span(text, e.key_span);
        check_node(text, &e.value);
    }
    for i in node.items() {
        check_node(text, i);
    }
}

/// Stricter checks for a document without errors.
fn check_shape(text: &str, node: &Node) {
    let src = at(text, node.span);
    if let Some((_, t)) = node.tag.as_deref() {
        assert!(
            at(text, *t).starts_with('!'),
            "tag {:?} in {text:?}",
            at(text, *t)
        );
    }
    match &node.kind {
        NodeKind::Scalar { value, style } => match style {
            ScalarStyle::Plain if !value.is_empty() => {
                let first = value.chars().next();
                let last = value.chars().last();
                assert_eq!(src.chars().next(), first, "{src:?} in {text:?}");
                assert_eq!(src.chars().last(), last, "{src:?} in {text:?}");
            }
            ScalarStyle::Plain => {
                // an alias that was not expanded keeps the alias span
                assert!(src.is_empty() || src.starts_with('*'), "{text:?}")
            }
            ScalarStyle::SingleQuoted => {
                assert!(src.len() >= 2 && src.starts_with('\'') && src.ends_with('\''));
            }
            ScalarStyle::DoubleQuoted => {
                assert!(src.len() >= 2 && src.starts_with('"') && src.ends_with('"'));
            }
            _ => assert!(src.starts_with(['|', '>']), "{src:?} in {text:?}"),
        },
        NodeKind::Mapping { entries, .. } => {
            // (flow mappings are not checked for a closing brace:
            // yaml-rust2 closes some odd ones at a comma, `[:{ k, v: w}]`)
            for e in entries {
                if !e.value.from_alias {
                    assert!(node.span.contains_span(e.value.full_span()), "{text:?}");
                }
                check_shape(text, &e.value);
            }
        }
        NodeKind::Sequence { items, flow } => {
            if *flow {
                assert!(
                    src.starts_with('[') && src.ends_with(']'),
                    "{src:?} in {text:?}"
                );
            } else {
                assert!(src.starts_with('-'), "{src:?} in {text:?}");
            }
            for i in items {
                if !i.from_alias {
                    assert!(node.span.contains_span(i.full_span()), "{text:?}");
                }
                check_shape(text, i);
            }
        }
    }
}

/// Spans where a `#` is text: quoted scalars and block scalar content.
fn text_spans(text: &str, node: &Node, out: &mut Vec<Span>) {
    if node.from_alias {
        return;
    }
    match &node.kind {
        NodeKind::Scalar { style, .. } => match style {
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => out.push(node.span),
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let src = at(text, node.span);
                if let Some(nl) = src.find(['\n', '\r']) {
                    out.push(Span::new(node.span.start + nl, node.span.end));
                }
            }
            _ => {}
        },
        _ => {
            for e in node.entries() {
                text_spans(text, &e.value, out);
            }
            for i in node.items() {
                text_spans(text, i, out);
            }
        }
    }
}

fn check_doc(text: &str, doc: &Document) {
    if let Some(r) = &doc.root {
        check_node(text, r);
        if doc.errors.is_empty() {
            check_shape(text, r);
            let mut spans = Vec::new();
            text_spans(text, r, &mut spans);
            for c in &doc.comments {
                assert!(
                    !spans.iter().any(|s| s.contains(c.span.start)),
                    "comment {:?} inside a scalar in {text:?}",
                    at(text, c.span)
                );
            }
        }
    }
    for e in &doc.errors {
        check_span(text, e.span);
    }
    for c in &doc.comments {
        check_span(text, c.span);
        assert!(at(text, c.span).starts_with('#'));
    }
    assert!(doc.comments.windows(2).all(|w| w[0].span < w[1].span));
}

fn val<'a>(node: &'a Node, path: &[&str]) -> &'a Node {
    let mut n = node;
    for k in path {
        n = match k.parse::<usize>() {
            Ok(i) => &n.items()[i],
            Err(_) => n.get(k).unwrap_or_else(|| panic!("no key {k}")),
        };
    }
    n
}

fn span_of(text: &str, node: &Node, path: &[&str]) -> String {
    at(text, val(node, path).span).to_string()
}

#[test]
fn plain_scalars_and_keys() {
    let t = "a: hello world # c\nb: x:y\nc: a#b\n\"k 1\": v\n'k2': w\nurl: http://x/y?z=1\n";
    let r = ok(t);
    assert_eq!(span_of(t, &r, &["a"]), "hello world");
    assert_eq!(val(&r, &["a"]).as_str(), Some("hello world"));
    assert_eq!(span_of(t, &r, &["b"]), "x:y");
    assert_eq!(span_of(t, &r, &["c"]), "a#b");
    assert_eq!(span_of(t, &r, &["url"]), "http://x/y?z=1");
    let keys: Vec<_> = r.entries().iter().map(|e| at(t, e.key_span)).collect();
    assert_eq!(keys, ["a", "b", "c", "\"k 1\"", "'k2'", "url"]);
    assert_eq!(r.entries()[3].key, "k 1");
    assert_eq!(r.entries()[4].key, "k2");
    assert_eq!(at(t, r.span), t.trim_end());
}

#[test]
fn multi_line_plain() {
    let t = "a: one\n  two\n\n  three\nb: x\n";
    let r = ok(t);
    assert_eq!(val(&r, &["a"]).as_str(), Some("one two\nthree"));
    assert_eq!(span_of(t, &r, &["a"]), "one\n  two\n\n  three");
    let t = "a: [one\n  two, three]\n";
    let r = ok(t);
    assert_eq!(span_of(t, &r, &["a", "0"]), "one\n  two");
    assert_eq!(span_of(t, &r, &["a", "1"]), "three");
    let t = "- one  \n  two # c\n- x";
    let r = ok(t);
    assert_eq!(span_of(t, &r, &["0"]), "one  \n  two");
}

#[test]
fn quoted_scalars() {
    let t = "q1: 'it''s'\nq2: \"x\\\"y # no\" # yes\nq3: 'multi\n  line'\nq4: \"a\\\n  b\"\n";
    let r = ok(t);
    assert_eq!(span_of(t, &r, &["q1"]), "'it''s'");
    assert_eq!(val(&r, &["q1"]).as_str(), Some("it's"));
    assert_eq!(span_of(t, &r, &["q2"]), "\"x\\\"y # no\"");
    assert_eq!(span_of(t, &r, &["q3"]), "'multi\n  line'");
    assert_eq!(span_of(t, &r, &["q4"]), "\"a\\\n  b\"");
    let p = parse(t);
    let c: Vec<_> = p.comments.iter().map(|c| at(t, c.span)).collect();
    assert_eq!(c, ["# yes"]);
}

#[test]
fn block_scalars() {
    let t = "l: |-\n  x\n   y\n\n  z\n\n\nf: >+2\n   p\n\ne: |\nd: 1\nk: | # keep\n  text # in\n\n";
    let r = ok(t);
    assert_eq!(span_of(t, &r, &["l"]), "|-\n  x\n   y\n\n  z");
    assert_eq!(val(&r, &["l"]).as_str(), Some("x\n y\n\nz"));
    assert_eq!(span_of(t, &r, &["f"]), ">+2\n   p");
    let f = val(&r, &["f"]);
    assert!(matches!(
        f.kind,
        NodeKind::Scalar {
            style: ScalarStyle::Folded,
            ..
        }
    ));
    assert_eq!(span_of(t, &r, &["e"]), "|");
    assert_eq!(val(&r, &["e"]).as_str(), Some(""));
    assert_eq!(span_of(t, &r, &["d"]), "1");
    assert_eq!(span_of(t, &r, &["k"]), "| # keep\n  text # in");
    let c: Vec<_> = parse(t).comments.iter().map(|c| at(t, c.span)).collect();
    assert_eq!(c, ["# keep"]);
    // at the end of the text, without a line break
    let t = "a: >\n  folded\n  text";
    let r = ok(t);
    assert_eq!(span_of(t, &r, &["a"]), ">\n  folded\n  text");
    let t = "a: |";
    let r = ok(t);
    assert_eq!(span_of(t, &r, &["a"]), "|");
    // leading blank lines, sequence items
    let t = "- |\n\n  x\n- >1\n  y\n z\n- q";
    let r = ok(t);
    assert_eq!(span_of(t, &r, &["0"]), "|\n\n  x");
    assert_eq!(span_of(t, &r, &["1"]), ">1\n  y\n z");
    assert_eq!(span_of(t, &r, &["2"]), "q");
}

#[test]
fn empty_values() {
    let t = "a:\nb: \nc:   # comment\nd: 1\ns:\n- \n-\n- x\n-   # c\nfl: {k, m: , n: o}\ne:";
    let r = ok(t);
    let pos = |n: &Node| {
        assert!(n.span.is_empty());
        assert_eq!(n.as_str(), Some(""));
        n.span.start
    };
    assert_eq!(pos(val(&r, &["a"])), t.find("a:").unwrap() + 2);
    assert_eq!(pos(val(&r, &["b"])), t.find("b:").unwrap() + 2);
    assert_eq!(pos(val(&r, &["c"])), t.find("c:").unwrap() + 2);
    let s = t.find("s:\n").unwrap() + 3;
    assert_eq!(pos(val(&r, &["s", "0"])), s + 2);
    assert_eq!(pos(val(&r, &["s", "1"])), s + 4);
    assert_eq!(pos(val(&r, &["s", "3"])), s + 11);
    assert_eq!(span_of(t, &r, &["s"]), "- \n-\n- x\n- ");
    assert_eq!(pos(val(&r, &["fl", "k"])), t.find("{k").unwrap() + 2);
    assert_eq!(pos(val(&r, &["fl", "m"])), t.find("m:").unwrap() + 2);
    assert_eq!(pos(val(&r, &["e"])), t.len());
    // an empty value with a tag sits after the tag
    let t = "a: !!str\nb: !Foo # c\nc: 1";
    let r = ok(t);
    assert_eq!(pos(val(&r, &["a"])), 8);
    assert_eq!(
        val(&r, &["a"]).tag.as_deref().map(|(_, s)| at(t, *s)),
        Some("!!str")
    );
    assert_eq!(
        val(&r, &["b"]).tag.as_deref().map(|(_, s)| at(t, *s)),
        Some("!Foo")
    );
}

#[test]
fn flow_collections() {
    let t = "a: [1, {b: c}, [d], e: f]\ng: { h: [i , j] , k: 'l' }\n";
    let r = ok(t);
    let a = val(&r, &["a"]);
    assert!(matches!(a.kind, NodeKind::Sequence { flow: true, .. }));
    assert_eq!(at(t, a.span), "[1, {b: c}, [d], e: f]");
    assert_eq!(span_of(t, &r, &["a", "1"]), "{b: c}");
    assert_eq!(span_of(t, &r, &["a", "1", "b"]), "c");
    assert_eq!(span_of(t, &r, &["a", "2"]), "[d]");
    assert_eq!(span_of(t, &r, &["a", "3"]), "e: f");
    assert_eq!(span_of(t, &r, &["g"]), "{ h: [i , j] , k: 'l' }");
    assert_eq!(span_of(t, &r, &["g", "h"]), "[i , j]");
    assert_eq!(span_of(t, &r, &["g", "h", "0"]), "i");
    assert_eq!(span_of(t, &r, &["g", "k"]), "'l'");
    let ks = val(&r, &["g"]).entries()[1].key_span;
    assert_eq!(at(t, ks), "k");
}

#[test]
fn block_collections() {
    let t = "a:\n  b: 1\n  c:\n    - x\n    - y: z\n      w: v\n  d:\n  - 1\n  - 2   # c\ne: 2\n";
    let r = ok(t);
    let a = val(&r, &["a"]);
    assert!(matches!(a.kind, NodeKind::Mapping { flow: false, .. }));
    assert_eq!(
        at(t, a.span),
        "b: 1\n  c:\n    - x\n    - y: z\n      w: v\n  d:\n  - 1\n  - 2"
    );
    assert_eq!(span_of(t, &r, &["a", "c"]), "- x\n    - y: z\n      w: v");
    assert_eq!(span_of(t, &r, &["a", "c", "1"]), "y: z\n      w: v");
    assert_eq!(span_of(t, &r, &["a", "d"]), "- 1\n  - 2");
    assert_eq!(at(t, r.span), t.trim_end());
    let t = "- - a\n  - b\n- c: d\n";
    let r = ok(t);
    assert_eq!(at(t, r.span), "- - a\n  - b\n- c: d");
    assert_eq!(span_of(t, &r, &["0"]), "- a\n  - b");
    assert_eq!(span_of(t, &r, &["1"]), "c: d");
}

fn tag_of<'a>(t: &'a str, n: &Node) -> (String, &'a str) {
    let (name, span) = *n.tag.clone().expect("a tag");
    (name, at(t, span))
}

#[test]
fn short_form_tags() {
    let t = "z: !Ref Foo\ny: !Sub 'x-${AWS::Region}'\nw: !If [Cond, a, !Ref AWS::NoValue]\nv: !GetAtt A.Arn\nu: !Sub |\n  text ${X}\nt:\n  - !Ref X\n  - !Join\n    - ''\n    - [a, b]\nr: !Foo\n  a: 1\np: &an !Ref Bar\nq: !Select [0, !GetAZs '']\n";
    let r = ok(t);
    let z = val(&r, &["z"]);
    assert_eq!(tag_of(t, z), ("!Ref".to_string(), "!Ref"));
    assert_eq!(at(t, z.span), "Foo");
    assert_eq!(at(t, z.full_span()), "!Ref Foo");
    assert_eq!(tag_of(t, val(&r, &["y"])).1, "!Sub");
    assert_eq!(span_of(t, &r, &["y"]), "'x-${AWS::Region}'");
    let w = val(&r, &["w"]);
    assert_eq!(tag_of(t, w), ("!If".to_string(), "!If"));
    assert_eq!(at(t, w.span), "[Cond, a, !Ref AWS::NoValue]");
    assert_eq!(tag_of(t, &w.items()[2]).1, "!Ref");
    assert_eq!(at(t, w.items()[2].span), "AWS::NoValue");
    assert_eq!(span_of(t, &r, &["v"]), "A.Arn");
    assert_eq!(tag_of(t, val(&r, &["v"])).0, "!GetAtt");
    let u = val(&r, &["u"]);
    assert_eq!(tag_of(t, u).1, "!Sub");
    assert_eq!(at(t, u.span), "|\n  text ${X}");
    assert_eq!(at(t, u.full_span()), "!Sub |\n  text ${X}");
    assert_eq!(tag_of(t, val(&r, &["t", "0"])).1, "!Ref");
    let j = val(&r, &["t", "1"]);
    assert_eq!(tag_of(t, j).1, "!Join");
    assert_eq!(at(t, j.span), "- ''\n    - [a, b]");
    let m = val(&r, &["r"]);
    assert_eq!(tag_of(t, m).1, "!Foo");
    assert_eq!(at(t, m.span), "a: 1");
    assert_eq!(tag_of(t, val(&r, &["p"])).1, "!Ref");
    assert_eq!(span_of(t, &r, &["p"]), "Bar");
    let q = val(&r, &["q"]);
    assert_eq!(tag_of(t, &q.items()[1]).1, "!GetAZs");
    assert_eq!(at(t, q.items()[1].span), "''");
}

#[test]
fn anchors_and_aliases() {
    let t = "x: &x\n  k: [v, w]\ny: *x\nz: [*x, 1]\ns: &s text\nu: *s\n";
    let r = ok(t);
    let x = val(&r, &["x"]);
    assert!(!x.from_alias);
    let y = val(&r, &["y"]);
    assert!(y.from_alias);
    assert_eq!(at(t, y.span), "k: [v, w]");
    assert!(val(&r, &["y", "k", "1"]).from_alias);
    assert_eq!(span_of(t, &r, &["y", "k", "1"]), "w");
    assert!(val(&r, &["z", "0"]).from_alias);
    assert!(!val(&r, &["z", "1"]).from_alias);
    assert_eq!(span_of(t, &r, &["z"]), "[*x, 1]");
    assert_eq!(val(&r, &["u"]).as_str(), Some("text"));
    assert_eq!(span_of(t, &r, &["u"]), "text");
    // a block collection ending in an alias ends at the alias
    let t = "a:\n  - &p 1\n  - *p\nb: 2";
    let r = ok(t);
    assert_eq!(span_of(t, &r, &["a"]), "- &p 1\n  - *p");
}

#[test]
fn alias_bomb_is_bounded() {
    let mut t = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        t.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    t.push_str("top: *a9\n");
    let start = std::time::Instant::now();
    let doc = parse(&t);
    let took = start.elapsed();
    check_doc(&t, &doc);
    eprintln!("alias bomb: {took:?}");
    assert!(took.as_millis() < 2000, "took {took:?}");
    let limit: Vec<_> = doc
        .errors
        .iter()
        .filter(|e| e.message == ALIAS_LIMIT_MESSAGE)
        .collect();
    assert_eq!(limit.len(), 1, "{:?}", doc.errors);
    assert_eq!(doc.errors.len(), 1);
    let root = doc.root.unwrap();
    let (count, _) = stats(&root);
    assert!(count < 3 * ALIAS_BUDGET, "{count}");
    // the error points at an alias
    assert!(at(&t, limit[0].span).starts_with("*a"));
}

#[test]
fn deep_nesting_does_not_crash() {
    let t = "[".repeat(100_000);
    let doc = parse(&t);
    check_doc(&t, &doc);
    assert!(!doc.errors.is_empty());
    let t = format!("{}x{}", "[".repeat(200), "]".repeat(200));
    let doc = parse(&t);
    check_doc(&t, &doc);
    assert_eq!(doc.errors.len(), 1, "{:?}", doc.errors);
    assert_eq!(doc.errors[0].message, DEPTH_MESSAGE);
    assert_eq!(doc.errors[0].span.start, MAX_DEPTH);
    assert_eq!(doc.root.unwrap().span, Span::new(0, t.len()));
    let t = format!("{}x", "- ".repeat(100_000));
    let doc = parse(&t);
    check_doc(&t, &doc);
    assert_eq!(doc.errors.len(), 1, "{:?}", doc.errors);
    assert_eq!(doc.errors[0].message, DEPTH_MESSAGE);
    let mut t = String::new();
    for i in 0..300 {
        t.push_str(&" ".repeat(i));
        t.push_str("a:\n");
    }
    let doc = parse(&t);
    check_doc(&t, &doc);
    assert_eq!(doc.errors.len(), 1, "{:?}", doc.errors);
    let t = "{a: ".repeat(100_000);
    let doc = parse(&t);
    check_doc(&t, &doc);
    assert!(!doc.errors.is_empty());
    // within the limit is fine
    let t = format!("{}x{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    ok(&t);
}

#[test]
fn unicode_before_values() {
    let t = "名前: 日本 😀 値 # c\nb: \"é # no\" # yes\n😀: [ä, ö]\nc: 'ü'\n";
    let r = ok(t);
    assert_eq!(span_of(t, &r, &["名前"]), "日本 😀 値");
    assert_eq!(at(t, r.entries()[0].key_span), "名前");
    assert_eq!(span_of(t, &r, &["b"]), "\"é # no\"");
    assert_eq!(span_of(t, &r, &["😀"]), "[ä, ö]");
    assert_eq!(span_of(t, &r, &["😀", "1"]), "ö");
    assert_eq!(span_of(t, &r, &["c"]), "'ü'");
    let c: Vec<_> = parse(t).comments.iter().map(|c| at(t, c.span)).collect();
    assert_eq!(c, ["# c", "# yes"]);
}

#[test]
fn crlf_line_ends() {
    let t = "a: x # c\r\nb: |\r\n  l1\r\n  l2\r\nc: 'q'\r\nd: one\r\n  two\r\ne:\r\n  - 1\r\n";
    let r = ok(t);
    assert_eq!(span_of(t, &r, &["a"]), "x");
    assert_eq!(span_of(t, &r, &["b"]), "|\r\n  l1\r\n  l2");
    assert_eq!(val(&r, &["b"]).as_str(), Some("l1\nl2\n"));
    assert_eq!(span_of(t, &r, &["c"]), "'q'");
    assert_eq!(span_of(t, &r, &["d"]), "one\r\n  two");
    assert_eq!(span_of(t, &r, &["e"]), "- 1");
    let c: Vec<_> = parse(t).comments.iter().map(|c| at(t, c.span)).collect();
    assert_eq!(c, ["# c"]);
}

#[test]
fn bom_is_skipped() {
    let t = "\u{feff}a: b # c\nd: [e]\n";
    let doc = parse(t);
    check_doc(t, &doc);
    assert!(doc.errors.is_empty());
    let r = doc.root.unwrap();
    assert_eq!(r.entries()[0].key, "a");
    assert_eq!(r.entries()[0].key_span, Span::new(3, 4));
    assert_eq!(span_of(t, &r, &["a"]), "b");
    assert_eq!(span_of(t, &r, &["d"]), "[e]");
    assert_eq!(at(t, doc.comments[0].span), "# c");
    let t = "\u{feff}# top\n- x";
    let doc = parse(t);
    assert_eq!(at(t, doc.comments[0].span), "# top");
    assert_eq!(at(t, doc.root.unwrap().span), "- x");
}

#[test]
fn comments() {
    let t =
        "# top\na: \"x # not\" # yes\nb: a#b\nc: |\n  # not\n  text\nd: 'it''s # no' #yes2\n# end";
    let doc = parse(t);
    check_doc(t, &doc);
    let c: Vec<_> = doc.comments.iter().map(|c| at(t, c.span)).collect();
    assert_eq!(c, ["# top", "# yes", "#yes2", "# end"]);
    // only the first document
    let t = "a: 1 # one\n---\nb: 2 # two\n";
    let doc = parse(t);
    let c: Vec<_> = doc.comments.iter().map(|c| at(t, c.span)).collect();
    assert_eq!(c, ["# one"]);
    assert_eq!(doc.root.unwrap().entries().len(), 1);
}

#[test]
fn empty_documents() {
    for t in [
        "",
        "# just a comment\n",
        "---\n",
        "--- # c\n...\n",
        "\u{feff}",
        "\n\n",
    ] {
        let doc = parse(t);
        check_doc(t, &doc);
        assert!(doc.root.is_none(), "{t:?}");
        assert!(doc.errors.is_empty(), "{t:?}: {:?}", doc.errors);
    }
    let t = "%YAML 1.2\n--- !Foo\n- a";
    let r = ok(t);
    assert_eq!(tag_of(t, &r).1, "!Foo");
    assert_eq!(at(t, r.span), "- a");
    let t = "--- |\n  root\n";
    let r = ok(t);
    assert_eq!(at(t, r.span), "|\n  root");
}

fn error(t: &str) -> (String, usize) {
    let doc = parse(t);
    check_doc(t, &doc);
    assert_eq!(doc.errors.len(), 1, "{:?}", doc.errors);
    (doc.errors[0].message.clone(), doc.errors[0].span.start)
}

#[test]
fn errors_at_exact_positions() {
    assert_eq!(
        error("a: b: c"),
        (
            "mapping values are not allowed in this context".to_string(),
            4
        )
    );
    let (m, p) = error("a:\n\tb: c\n");
    assert!(m.starts_with("tabs disallowed"), "{m}");
    assert_eq!(p, 4);
    let (m, p) = error("a: 1\nb: \"unclosed");
    assert!(m.contains("unexpected end of stream"), "{m}");
    // at the opening quote
    assert_eq!(p, 8);
    let t = "日本: 😀\nb: [c, d\ne: f";
    let (_, p) = error(t);
    assert_eq!(p, t.rfind(':').unwrap());
    // the partial tree is kept
    let t = "a: 1\nb: [x, y\nc: d";
    let doc = parse(t);
    let r = doc.root.unwrap();
    assert_eq!(r.get("a").and_then(Node::as_str), Some("1"));
    assert_eq!(span_of(t, &r, &["b", "0"]), "x");
    let (m, _) = error("a: *nope");
    assert!(m.contains("unknown anchor"), "{m}");
    let doc = parse("\u{feff}a: b: c");
    assert_eq!(doc.errors[0].span.start, 7);
}

const SAMPLES: &[&str] = &[
    "\u{feff}# t\nResources:\n  B:\n    Type: AWS::S3::Bucket # c\n    Properties:\n      BucketName: !Sub 'x-${AWS::Region}'\n      Tags: [{Key: k, Value: \"v # x\"}]\n",
    "a: |\r\n  日本\r\n\r\n  😀\r\nb: >-\r\n  x\r\nc: [1, !Ref D]\r\n",
    "- &a {x: 1}\n- *a\n- ? k\n  : v\n- \"esc \\\" \\u00e9\"\n- 'sq ''x'''\n- plain\n  multi\n",
    "k: \tv\nl: !If [C, !GetAtt A.Arn, !Ref 'AWS::NoValue']\nm:\n- a\n- b: c\n  d: |+\n    e\n\n",
    "%YAML 1.2\n--- !Foo\nx: [a, {b: c}, [d]]\n...\n--- y\n",
    "{a: [b, {c: d}], e: 'f', g: \"h\"}",
    "a: '日本\n  語'\nb: \"😀\n  é\"\nc: ~\nd:\ne: &x !Tag\nf: *x\n",
];

#[test]
fn every_prefix_parses_without_panic() {
    for sample in SAMPLES {
        for (i, _) in sample.char_indices().chain([(sample.len(), ' ')]) {
            let t = &sample[..i];
            let doc = parse(t);
            check_doc(t, &doc);
        }
    }
}

#[test]
fn samples_parse_cleanly() {
    for t in SAMPLES {
        let doc = parse(t);
        check_doc(t, &doc);
        assert!(doc.errors.is_empty(), "{t:?}: {:?}", doc.errors);
        assert!(doc.root.is_some());
    }
}

#[test]
fn odd_inputs_do_not_panic() {
    let odd = [
        "\0",
        "a: \0",
        "- \u{85}x",
        "[\u{2028}]",
        "? ? ? ?",
        ": : :",
        "&a &b c",
        "!a !b c",
        "*a",
        "a: *",
        "a: &",
        "a: !",
        "|",
        ">-9",
        "--- |\n",
        "[a, b]: c",
        "{[a]: b}",
        "a:\n  - b\n -c",
        "\t",
        "\r",
        "\r\r\n",
        "a:\r  b",
        "'",
        "\"\\",
        "#",
        "a #",
        "a:#",
        "- - - - -",
        "[[[[]]]]",
        "{{{{}}}}",
        ",",
        "]",
        "}",
        "...",
        "--- ...",
        "%",
        "%TAG ! x\n--- !y z",
        "a: 'x\n\nb'",
        "a: >\n\n\n",
        "a: |2\n b",
    ];
    for t in odd {
        for (i, _) in t.char_indices().chain([(t.len(), ' ')]) {
            let doc = parse(&t[..i]);
            check_doc(&t[..i], &doc);
        }
    }
}

#[test]
fn large_template_is_fast() {
    let mut t = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
    let mut i = 0;
    while t.lines().count() < 5000 {
        t.push_str(&format!(
            "  Bucket{i}:\n    Type: AWS::S3::Bucket # c\n    Properties:\n      BucketName: !Sub 'b-${{AWS::AccountId}}-{i}'\n      Tags:\n        - Key: k\n          Value: \"v\"\n      Policy: [a, {{b: c}}]\n      Text: |\n        line one\n        line two\n"
        ));
        i += 1;
    }
    let start = std::time::Instant::now();
    let doc = parse(&t);
    let took = start.elapsed();
    assert!(doc.errors.is_empty());
    eprintln!("{} lines: {took:?}", t.lines().count());
    assert!(took.as_millis() < 2000, "{took:?}");
    let r = doc.root.unwrap();
    assert_eq!(r.get("Resources").unwrap().entries().len(), i);
}

#[test]
fn long_single_line_is_linear() {
    let items: Vec<String> = (0..50_000).map(|i| format!("é{i}")).collect();
    let t = format!("a: [{}]", items.join(", "));
    let start = std::time::Instant::now();
    let r = ok(&t);
    assert!(start.elapsed().as_millis() < 3000);
    assert_eq!(span_of(&t, &r, &["a", "49999"]), "é49999");
}

#[test]
fn random_inputs_do_not_panic() {
    const PIECES: &[&str] = &[
        "a", "b", "日", "😀", " ", "  ", "\t", "\n", "\r\n", "\r", ":", ": ", "-", "- ", "?", ",",
        "[", "]", "{", "}", "#", " #", "'", "\"", "\\", "|", ">", "|-", ">+", "!", "!Ref ",
        "!!str ", "&a ", "*a", "&b ", "*b", "%", "---", "...", "\u{feff}", "~", "\n  ", "\n    ",
        "\n- ", "key: ", "\n  k: ", "1", "@", "`", "\0", "\u{85}",
    ];
    let runs: usize = std::env::var("YAML_FUZZ_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let mut seed: u64 = std::env::var("YAML_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut pick = |n: usize| (next() % n.max(1) as u64) as usize;
    for run in 0..runs {
        let mut t = String::new();
        if run % 2 == 0 {
            for _ in 0..pick(60) {
                t.push_str(PIECES[pick(PIECES.len())]);
            }
        } else {
            // a few random edits of a realistic document
            t.push_str(SAMPLES[pick(SAMPLES.len())]);
            for _ in 0..1 + pick(3) {
                let cuts: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
                let k = pick(cuts.len());
                let i = cuts[k];
                if pick(2) == 0 {
                    t.insert_str(i, PIECES[pick(PIECES.len())]);
                } else {
                    let j = cuts[(k + pick(5)).min(cuts.len() - 1)];
                    t.replace_range(i..j, "");
                }
            }
        }
        let doc = parse(&t);
        check_doc(&t, &doc);
        assert!(
            !doc.errors.iter().any(|e| e.message.starts_with("internal")),
            "{t:?}"
        );
    }
}
