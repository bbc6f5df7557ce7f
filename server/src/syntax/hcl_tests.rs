use super::*;

fn slice(text: &str, s: Span) -> &str {
    &text[s.start..s.end]
}

#[test]
fn spans_of_blocks_attributes_and_expressions() {
    let text = "# top\nresource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"my-logs\" // c\n  versioning {\n    enabled = true\n  }\n  tags = { Name = \"x\" }\n}\n";
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let b = &f.body.blocks[0];
    assert_eq!(
        slice(text, b.header_span),
        "resource \"aws_s3_bucket\" \"logs\""
    );
    assert_eq!(b.labels[1].0, "logs");
    assert_eq!(slice(text, b.labels[1].1), "\"logs\"");
    let a = b.body.attr_entry("bucket").unwrap();
    assert_eq!(slice(text, a.key_span), "bucket");
    assert_eq!(slice(text, a.value.span), "\"my-logs\"");
    let v = b.body.block("versioning").unwrap();
    assert_eq!(slice(text, v.body.attr("enabled").unwrap().span), "true");
    assert!(slice(text, b.span).starts_with("resource"));
    assert!(slice(text, b.span).ends_with('}'));
    let comments: Vec<&str> = f.comments.iter().map(|c| slice(text, c.span)).collect();
    assert_eq!(comments, ["# top", "// c"]);
}

#[test]
fn traversals_templates_heredocs() {
    let text = "a = aws_s3_bucket.b[0].id\nb = \"${var.x}-y\"\nc = <<EOF\n{\"k\": \"# not a comment\"}\nEOF\nd = jsonencode({ A = 1 })\n";
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let a = f.body.attr("a").unwrap();
    match &a.kind {
        ExprKind::Traversal { root, ops } => {
            assert_eq!(root, "aws_s3_bucket");
            assert_eq!(ops.len(), 3);
        }
        k => panic!("{k:?}"),
    }
    assert_eq!(slice(text, a.span), "aws_s3_bucket.b[0].id");
    assert!(matches!(
        f.body.attr("b").unwrap().kind,
        ExprKind::Template(_)
    ));
    match &f.body.attr("c").unwrap().kind {
        ExprKind::Heredoc { body, .. } => {
            assert_eq!(slice(text, *body), "{\"k\": \"# not a comment\"}\n")
        }
        k => panic!("{k:?}"),
    }
    assert!(f.comments.is_empty());
    assert!(matches!(
        f.body.attr("d").unwrap().kind,
        ExprKind::Call { .. }
    ));
}

#[test]
fn syntax_error_at_the_position() {
    let text = "resource \"a\" \"b\" {\n  x = \n}\n";
    let f = parse(text);
    assert_eq!(f.errors.len(), 1);
    assert!(f.errors[0].span.start >= text.find("x =").unwrap());
    // Never panics on any truncation.
    for i in 0..text.len() {
        let _ = parse(&text[..i]);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!("a = {}1{}\n", "[".repeat(5000), "]".repeat(5000));
    assert_eq!(parse(&text).errors.len(), 1);
    let json = format!(
        "{{\"locals\": {{\"a\": {}1{}}}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let _ = parse_json(&json);
}

#[test]
fn json_files_lower_to_the_same_tree() {
    let text = r#"{
  "resource": {
    "aws_s3_bucket": {
      "logs": { "bucket": "my-logs", "versioning": { "enabled": true }, "tags": { "A": "b" } }
    },
    "aws_s3_bucket_versioning": {
      "v": { "bucket": "${aws_s3_bucket.logs.id}" }
    }
  }
}"#;
    let f = parse_json(text);
    assert!(f.errors.is_empty());
    let b = &f.body.blocks[0];
    assert_eq!(b.ident, "resource");
    assert_eq!(b.labels[0].0, "aws_s3_bucket");
    assert_eq!(slice(text, b.header_span), "\"logs\"");
    assert!(b.body.block("versioning").is_some());
    assert!(matches!(
        b.body.attr("tags").unwrap().kind,
        ExprKind::Object(_)
    ));
    let v = &f.body.blocks[1];
    let e = v.body.attr("bucket").unwrap();
    assert_eq!(slice(text, e.span), "aws_s3_bucket.logs.id");
}

#[test]
fn tf_json_duplicate_arguments_are_syntax_errors_but_repeated_blocks_are_not() {
    // A repeated scalar argument: Terraform's "Duplicate argument".
    let text = r#"{"resource": {"aws_s3_bucket": {"b": {
  "bucket": "one",
  "acl": "private",
  "acl": "public-read"
}}}}"#;
    let f = parse_json(text);
    assert_eq!(f.errors.len(), 1, "{:?}", f.errors);
    let second = text.rfind("\"acl\"").unwrap();
    assert_eq!(f.errors[0].span.start, second);
    assert_eq!(f.errors[0].message, "duplicate argument `acl`");
    assert!(f.body.blocks.is_empty());

    // Repeated keys holding objects are repeated blocks (allowed).
    let text = r#"{
  "resource": {"aws_s3_bucket": {"a": {"bucket": "a"}}},
  "resource": {"aws_s3_bucket": {"b": {"bucket": "b"}}}
}"#;
    let f = parse_json(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    assert_eq!(f.body.blocks.len(), 2);
    // And the `//` comment key may repeat.
    let f = parse_json(r#"{"//": "one", "//": "two"}"#);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
}
