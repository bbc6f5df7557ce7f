//! S3-301 encryption-not-configured: a bucket has no default encryption setting.
use super::*;
use crate::model::Model;

pub static RULE: Rule = Rule {
    id: "S3-301",
    name: "encryption-not-configured",
    group: "Encryption at rest",
    severity: Severity::Info,
    fix: FixAvailability::Safe,
    summary: "A bucket has no default encryption setting.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Flags a bucket without a default encryption setting. Since January 2023 S3
encrypts new objects with SSE-S3 even then, so this is about stating the
choice in the template, where reviewers and scanners can see it.

## Why is this bad?
An implicit default is easy to misread: reviewers cannot tell whether the
bucket should use a KMS key, audits have to query the live bucket, and a
later change of requirement (say, to SSE-KMS) has no line to edit. Writing
the setting down documents the decision.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Reports:
    Type: AWS::S3::Bucket
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Reports": {
      "Type": "AWS::S3::Bucket"
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "reports" {
  bucket = "example-reports"
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Reports:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
              KMSMasterKeyID: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Reports": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "BucketEncryption": {
          "ServerSideEncryptionConfiguration": [
            {
              "ServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms",
                "KMSMasterKeyID": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
              }
            }
          ]
        }
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "reports" {
  bucket = "example-reports"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "reports" {
  bucket = aws_s3_bucket.reports.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }
}
```
Writing `AES256` (SSE-S3) also satisfies this rule; S3-302 then suggests a KMS key.

## Fix safety
Safe: the fix adds default encryption with SSE-S3 (`AES256`), which is what
S3 already does for new objects, so behaviour does not change. Pick
`aws:kms` with your own key instead, as above, if you need key policies or
key usage in CloudTrail (see S3-302).

## References
- [Setting default server-side encryption behavior for Amazon S3 buckets](https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html)
- [Amazon S3 now automatically encrypts all new objects](https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let Some(when) = bucket.encryption.absent_when() else {
            continue;
        };
        let id = &bucket.res.id;
        sink.report(
            bucket.res.id_span,
            id,
            format!(
                "bucket `{id}` has no default encryption setting; S3 falls back to SSE-S3, but state the choice: add default encryption with `AES256`, or `aws:kms` and your own key{}",
                when.describe()
            ),
        )
        .with_fix(
            "Add default encryption (SSE-S3)",
            Applicability::Safe,
            FixIntent::AddDefaultEncryption {
                resource: id.clone(),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;
    use crate::rules::model_builders::*;

    #[test]
    fn missing_encryption_fires_at_id() {
        let b = bucket("Reports");
        let at = b.res.id_span;
        let f = run(&RULE, &model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].span, at);
        assert!(f[0].fix.is_some());
    }

    #[test]
    fn configured_encryption_is_silent() {
        let mut b = bucket("Reports");
        b.encryption = Field::set(sse(Field::set(lit("AES256")), Field::absent()));
        assert!(run(&RULE, &model_with(vec![b])).is_empty());
    }

    #[test]
    fn conditional_encryption_names_condition() {
        let mut b = bucket("Reports");
        b.encryption = if_else(
            "Encrypt",
            Some(sse(Field::set(lit("AES256")), Field::absent())),
            None,
        );
        let f = run(&RULE, &model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert!(f[0].message.ends_with("when condition `Encrypt` is false"));
    }
}
