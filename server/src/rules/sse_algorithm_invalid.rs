//! S3-304 sse-algorithm-invalid: the default encryption algorithm is not one S3 accepts.
use super::value_util::bad_values;
use super::*;
use crate::model::Model;

pub static RULE: Rule = Rule {
    id: "S3-304",
    name: "sse-algorithm-invalid",
    group: "Encryption at rest",
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "The default encryption algorithm is not `AES256`, `aws:kms` or `aws:kms:dsse`.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Flags a default encryption algorithm other than `AES256`, `aws:kms` and
`aws:kms:dsse`, the only values S3 accepts. Case matters: `aes256` or
`AWS:KMS` are rejected too.

## Why is this bad?
The deployment fails when S3 rejects the value, usually in the middle of a
stack update, which then rolls back. Until the value is fixed the bucket
keeps whatever encryption it had before, not the one the template intends.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Reports:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: AWS:KMS
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
                "SSEAlgorithm": "AWS:KMS",
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
      sse_algorithm     = "AWS:KMS"
      kms_master_key_id = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }
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

## Fix safety
None: the rule cannot tell which algorithm was meant. Completion in the
editor offers the three valid values.

## References
- [AWS::S3::Bucket ServerSideEncryptionByDefault](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-serversideencryptionbydefault.html)
- [Setting default server-side encryption behavior for Amazon S3 buckets](https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html)
"#;

const VALID: [&str; 3] = ["AES256", "aws:kms", "aws:kms:dsse"];

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let id = &bucket.res.id;
        for (enc, ew) in bucket.encryption.values() {
            for rule in &enc.rules {
                let when = ew.and_all(&rule.when);
                for bad in bad_values(&rule.value.algorithm, &when, |s| !VALID.contains(&s)) {
                    sink.report(
                        bad.span,
                        id,
                        format!(
                            "bucket `{id}` sets the encryption algorithm to {}{}, which S3 rejects; use `AES256`, `aws:kms` or `aws:kms:dsse` (case matters){}",
                            bad.list(),
                            bad.via(),
                            bad.when.describe()
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;
    use crate::rules::model_builders::*;

    #[test]
    fn invalid_algorithms_fire() {
        for alg in ["aes256", "AWS:KMS", "SSE-S3", ""] {
            let mut b = bucket("Reports");
            b.encryption = Field::set(sse(Field::set(lit(alg)), Field::absent()));
            let f = run(&RULE, &model_with(vec![b]));
            assert_eq!(f.len(), 1, "{alg}");
        }
    }

    #[test]
    fn valid_and_unknown_are_silent() {
        let mut buckets = Vec::new();
        for alg in ["AES256", "aws:kms", "aws:kms:dsse"] {
            let mut b = bucket(alg);
            b.encryption = Field::set(sse(Field::set(lit(alg)), Field::absent()));
            buckets.push(b);
        }
        let mut u = bucket("U");
        u.encryption = Field::set(sse(Field::set(unknown()), Field::absent()));
        buckets.push(u);
        assert!(run(&RULE, &model_with(buckets)).is_empty());
    }

    #[test]
    fn parameter_with_bad_allowed_value_fires_once() {
        let mut b = bucket("Reports");
        b.encryption = Field::set(sse(
            field_of(param("Alg", &["AES256", "aws:kms", "KMS"])),
            Field::absent(),
        ));
        let f = run(&RULE, &model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("`KMS` (from parameter `Alg`)"));
    }
}
