use super::*;
use serde_json::json;

#[test]
fn reads_top_level_and_nested_options() {
    let v = json!({"select": ["S3-1"], "ignore": ["S3-111"], "severity": {"S3-111": "info"}, "debounceMs": 5, "maxFileSize": 100, "maxDiagnostics": 7});
    let (o, w) = parse(Some(&v));
    assert_eq!(o.max_file_size, 100);
    assert_eq!(o.max_diagnostics, 7);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(o.settings.select, Some(vec!["S3-1".to_string()]));
    assert_eq!(o.settings.ignore, vec!["S3-111".to_string()]);
    assert_eq!(o.settings.severity.get("S3-111"), Some(&Severity::Info));
    assert_eq!(o.debounce, Duration::from_millis(5));
    let (o2, _) = parse(Some(&json!({ "bucketguard": v })));
    assert_eq!(o, o2);
}

#[test]
fn bad_entries_are_skipped_with_warnings() {
    let v =
        json!({"select": ["nope", "S3-111"], "severity": {"S3-111": "fatal"}, "debounceMs": "x"});
    let (o, w) = parse(Some(&v));
    assert_eq!(o.settings.select, Some(vec!["S3-111".to_string()]));
    assert!(o.settings.severity.is_empty());
    assert_eq!(o.debounce, DEFAULT_DEBOUNCE);
    assert_eq!(w.len(), 3, "{w:?}");
    assert_eq!(parse(None).0, Options::default());
}
