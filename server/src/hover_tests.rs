use super::*;

const T: &str = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: logs\n      AccessControl: PublicRead\n  Q:\n    Type: AWS::SQS::Queue\n";

fn at(needle: &str) -> usize {
    T.find(needle).unwrap() + 1
}

#[test]
fn bucket_type_shows_the_rules_and_the_account_checklist() {
    let g = guidance(FileKind::Yaml, T, at("AWS::S3::Bucket")).unwrap();
    assert_eq!(&T[g.span.start..g.span.end], "AWS::S3::Bucket");
    assert!(g.markdown.contains("Account-level checklist"));
    assert!(g.markdown.contains("S3-111"));
}

#[test]
fn a_property_key_or_value_shows_its_rules_docs() {
    let rule = rules::find("S3-111").unwrap();
    for needle in ["AccessControl", "PublicRead"] {
        let g = guidance(FileKind::Yaml, T, at(needle)).unwrap();
        assert_eq!(&T[g.span.start..g.span.end], needle);
        let yaml = docs::rule_markdown_in(rule, Some(Format::Yaml));
        assert!(g.markdown.contains(&yaml), "{needle}");
        assert!(g.markdown.contains("```yaml"), "{needle}");
        assert!(!g.markdown.contains("```json"), "{needle}");
        assert!(g
            .markdown
            .starts_with("`AccessControl` is checked by S3-111."));
    }
}

#[test]
fn nothing_for_other_resources_and_unchecked_keys() {
    assert_eq!(guidance(FileKind::Yaml, T, at("AWS::SQS")), None);
    assert_eq!(guidance(FileKind::Yaml, T, at("BucketName")), None);
    assert_eq!(guidance(FileKind::Yaml, T, 0), None);
    assert_eq!(guidance(FileKind::Json, "{", 0), None);
}

#[test]
fn json_templates_too() {
    let t = r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"VersioningConfiguration": {"Status": "Suspended"}}}}}"#;
    let g = guidance(
        FileKind::Json,
        t,
        t.find("VersioningConfiguration").unwrap() + 2,
    )
    .unwrap();
    assert!(g.markdown.contains("S3-501"), "{}", g.markdown);
    assert!(g.markdown.contains("```json"), "{}", g.markdown);
    assert!(!g.markdown.contains("```yaml"), "{}", g.markdown);
}
