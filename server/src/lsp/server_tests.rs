use super::*;

#[test]
fn a_panic_becomes_a_request_error() {
    let r: Result<()> = guarded("test", || panic!("boom"));
    let e = r.unwrap_err();
    assert_eq!(e.code, tower_lsp_server::jsonrpc::ErrorCode::InternalError);
    assert!(e.message.contains("test"), "{}", e.message);
    assert_eq!(guarded("test", || 7).unwrap(), 7);
}

#[test]
fn utf8_is_chosen_only_when_offered() {
    let params = |encodings: Vec<lsp::PositionEncodingKind>| lsp::InitializeParams {
        capabilities: lsp::ClientCapabilities {
            general: Some(lsp::GeneralClientCapabilities {
                position_encodings: Some(encodings),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    use lsp::PositionEncodingKind as K;
    assert_eq!(negotiate(&params(vec![K::UTF16, K::UTF8])), Encoding::Utf8);
    assert_eq!(
        negotiate(&params(vec![K::UTF32, K::UTF16])),
        Encoding::Utf16
    );
    assert_eq!(
        negotiate(&lsp::InitializeParams::default()),
        Encoding::Utf16
    );
}

#[test]
fn wanted_kinds_match_by_prefix() {
    let fix_all = vec![lsp::CodeActionKind::SOURCE_FIX_ALL];
    assert!(wants(Some(&fix_all), &FIX_ALL));
    assert!(!wants(Some(&fix_all), &lsp::CodeActionKind::QUICKFIX));
    assert!(wants(None, &lsp::CodeActionKind::QUICKFIX));
    let source = vec![lsp::CodeActionKind::SOURCE];
    assert!(wants(Some(&source), &FIX_ALL));
}

#[test]
fn a_change_after_a_pause_is_analysed_at_once_a_burst_waits() {
    let t0 = Instant::now();
    let mut open = Open {
        doc: Document::new("a: 1\n", 1, "yaml"),
        last_good: None,
        generation: 1,
        settled: 1,
        last_change: t0,
    };
    let debounce = Duration::from_millis(10);
    let ms = |n| t0 + Duration::from_millis(n);
    // Idle and 20 ms after the opening: at once.
    assert_eq!(open.delay(ms(20), debounce), Duration::ZERO);
    open.generation = 2;
    // 3 ms later, while that analysis runs: a burst.
    assert_eq!(open.delay(ms(23), debounce), debounce);
    open.generation = 3;
    open.settled = 3;
    // Idle again, but only 5 ms after the last change: still a burst.
    assert_eq!(open.delay(ms(28), debounce), debounce);
    open.generation = 4;
    open.settled = 4;
    assert_eq!(open.delay(ms(60), debounce), Duration::ZERO);
    // debounceMs 0: never waits.
    open.generation = 5;
    assert_eq!(open.delay(ms(60), Duration::ZERO), Duration::ZERO);
}
