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

const TF: &str = "resource \"aws_s3_bucket_public_access_block\" \"d\" {\n  bucket            = aws_s3_bucket.d.id\n  block_public_acls = false\n}\nresource \"aws_s3_bucket_versioning\" \"d\" {\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}\n";

#[test]
fn terraform_types_arguments_and_blocks_have_guidance_with_hcl_examples() {
    let at = |needle: &str| TF.find(needle).unwrap() + 1;
    let g = guidance_tf(TF, false, at("aws_s3_bucket_public_access_block")).unwrap();
    assert_eq!(
        &TF[g.span.start..g.span.end],
        "\"aws_s3_bucket_public_access_block\""
    );
    let g = guidance_tf(TF, false, at("block_public_acls")).unwrap();
    assert_eq!(&TF[g.span.start..g.span.end], "block_public_acls");
    assert!(g.markdown.contains("```hcl") && !g.markdown.contains("```yaml"));
    let g = guidance_tf(TF, false, at("versioning_configuration")).unwrap();
    assert!(g.markdown.contains("S3-501"), "{}", g.markdown);
    // `bucket` only links the resource: no guidance.
    assert!(guidance_tf(TF, false, at("bucket    ")).is_none());
    assert!(guidance_tf("resource {", false, 3).is_none());
}
