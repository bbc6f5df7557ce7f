use super::*;
use crate::fix::Edit;
use crate::rules::Related;

#[test]
fn a_finding_becomes_an_lsp_diagnostic_with_related_info_and_fix_data() {
    let text = "名前: x\nb: 😀PublicRead\n";
    let index = LineIndex::new(text);
    let start = text.find("PublicRead").unwrap();
    let span = Span::new(start, start + "PublicRead".len());
    let d = analysis::Diagnostic {
        code: "S3-111".into(),
        span,
        severity: Severity::Warning,
        message: "public".into(),
        resource: Some("Logs".into()),
        related: vec![Related {
            span: Span::new(0, "名前".len()),
            message: "the name".into(),
        }],
        fix: Some(Fix {
            title: "Make the ACL private".into(),
            applicability: Applicability::Safe,
            edits: vec![Edit {
                span,
                text: "Private".into(),
                snippet: None,
            }],
        }),
    };
    let uri = "file:///t.yaml";
    for (encoding, col) in [(Encoding::Utf16, 5), (Encoding::Utf8, 7)] {
        let pos = Positions {
            text,
            index: &index,
            encoding,
        };
        // What the client receives is the typed LSP diagnostic.
        let json = serde_json::to_value(diagnostic(&d, uri, 7, &pos)).unwrap();
        let l: lsp::Diagnostic = serde_json::from_value(json).unwrap();
        assert_eq!(l.range.start, lsp::Position::new(1, col));
        assert_eq!(l.range.end, lsp::Position::new(1, col + 10));
        assert_eq!(l.severity, Some(lsp::DiagnosticSeverity::WARNING));
        assert_eq!(l.source.as_deref(), Some(SOURCE));
        assert_eq!(l.code, Some(lsp::NumberOrString::String("S3-111".into())));
        let href = l.code_description.unwrap().href;
        assert!(
            href.as_str().ends_with("#s3-111-public-acl"),
            "{}",
            href.as_str()
        );
        let related = l.related_information.unwrap();
        assert_eq!(related[0].message, "the name");
        assert_eq!(related[0].location.uri.as_str(), uri);
        let name_end = if encoding == Encoding::Utf8 { 6 } else { 2 };
        assert_eq!(
            related[0].location.range.end,
            lsp::Position::new(0, name_end)
        );
        let data: DiagnosticData = serde_json::from_value(l.data.unwrap()).unwrap();
        assert_eq!(data.version, 7);
        assert_eq!(data.resource.as_deref(), Some("Logs"));
        let fix = data.fix.unwrap();
        assert_eq!(fix.applicability, "safe");
        assert_eq!(fix.title, "Make the ACL private");
    }
}

#[test]
fn the_publish_notification_is_one_json_rpc_message() {
    let text = "a: 1\n";
    let index = LineIndex::new(text);
    let pos = Positions {
        text,
        index: &index,
        encoding: Encoding::Utf16,
    };
    let d = analysis::Diagnostic {
        code: "S3-111".into(),
        span: Span::new(3, 4),
        severity: Severity::Error,
        message: "a \"quoted\" message\n".into(),
        resource: None,
        related: Vec::new(),
        fix: None,
    };
    let body = publish_body("file:///t.yaml", Some(3), &[d], &pos);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["method"], "textDocument/publishDiagnostics");
    assert_eq!(v["params"]["version"], 3);
    assert_eq!(
        v["params"]["diagnostics"][0]["message"],
        "a \"quoted\" message\n"
    );
    assert!(v["params"]["diagnostics"][0].get("data").is_none());
    let p: lsp::PublishDiagnosticsParams = serde_json::from_value(v["params"].clone()).unwrap();
    assert_eq!(p.diagnostics.len(), 1);
    let closed = publish_body("file:///t.yaml", None, &[], &pos);
    let v: serde_json::Value = serde_json::from_slice(&closed).unwrap();
    assert!(v["params"].get("version").is_none());
    assert_eq!(v["params"]["diagnostics"], serde_json::json!([]));
}

#[test]
fn syntax_errors_have_no_link_and_no_data() {
    let text = "a: [";
    let index = LineIndex::new(text);
    let pos = Positions {
        text,
        index: &index,
        encoding: Encoding::Utf16,
    };
    let d = analysis::Diagnostic {
        code: analysis::SYNTAX_ERROR.into(),
        span: Span::new(3, 4),
        severity: Severity::Error,
        message: "unclosed".into(),
        resource: None,
        related: Vec::new(),
        fix: None,
    };
    let json = serde_json::to_value(diagnostic(&d, "file:///t.yaml", 1, &pos)).unwrap();
    let l: lsp::Diagnostic = serde_json::from_value(json).unwrap();
    assert!(l.code_description.is_none());
    assert!(l.data.is_none());
    assert!(l.related_information.is_none());
    assert_eq!(l.severity, Some(lsp::DiagnosticSeverity::ERROR));
}

#[test]
fn capped_keeps_the_most_severe_in_source_order_and_says_how_many_were_left() {
    let d = |start: usize, severity: Severity| analysis::Diagnostic {
        code: "S3-111".into(),
        span: Span::new(start, start + 1),
        severity,
        message: "m".into(),
        resource: None,
        related: Vec::new(),
        fix: None,
    };
    let all = vec![
        d(0, Severity::Info),
        d(5, Severity::Error),
        d(9, Severity::Warning),
        d(12, Severity::Error),
        d(20, Severity::Info),
    ];
    assert!(matches!(capped(&all, 5), std::borrow::Cow::Borrowed(_)));
    let c = capped(&all, 3);
    let kept: Vec<(usize, Severity)> = c.iter().map(|d| (d.span.start, d.severity)).collect();
    assert_eq!(
        kept,
        vec![
            (5, Severity::Error),
            (9, Severity::Warning),
            (12, Severity::Error),
            (0, Severity::Info),
        ]
    );
    assert_eq!(c[3].code, TOO_MANY_FINDINGS);
    assert!(
        c[3].message.starts_with("showing 3 of 5 findings"),
        "{}",
        c[3].message
    );
}

/// The body published in parts (in two halves for a long list) is byte for
/// byte the one serialised in one piece, for lists short and long, with
/// and without a version.
#[test]
fn publish_parts_concatenate_to_the_body() {
    let text = "Resources:\n  Logs: \"運用 🎉\"\n";
    let index = LineIndex::new(text);
    let pos = Positions {
        text,
        index: &index,
        encoding: Encoding::Utf16,
    };
    let one = |i: usize| analysis::Diagnostic {
        code: if i % 2 == 0 { "S3-111" } else { "syntax-error" }.into(),
        span: Span::new(13, 17 + i % 3),
        severity: Severity::Warning,
        message: format!("message {i} with \"quotes\" and 🎉"),
        resource: (i % 3 == 0).then(|| "Logs".to_string()),
        related: Vec::new(),
        fix: None,
    };
    for n in [0, 1, 2, 255, 256, 257, 600] {
        let ds: Vec<_> = (0..n).map(one).collect();
        for version in [Some(4), None] {
            let parts = publish_parts("file:///t%20x.yaml", version, &ds, &pos);
            assert_eq!(parts.len(), if n >= 256 { 2 } else { 1 }, "{n}");
            assert_eq!(
                parts.concat(),
                publish_body("file:///t%20x.yaml", version, &ds, &pos),
                "{n} {version:?}"
            );
        }
    }
}
