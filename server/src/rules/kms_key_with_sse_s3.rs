//! S3-305 kms-key-with-sse-s3: a KMS key id is given while the algorithm is SSE-S3, so the key is ignored.
use super::value_util::bad_values;
use super::*;
use crate::fix::NewValue;
use crate::model::Model;

pub static RULE: Rule = Rule {
    id: "S3-305",
    name: "kms-key-with-sse-s3",
    group: "Encryption at rest",
    severity: Severity::Warning,
    fix: FixAvailability::Safe,
    summary: "A KMS key id is given while the algorithm is `AES256`, so the key is ignored.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Flags default encryption that names a KMS key but sets the algorithm to
`AES256` (SSE-S3). S3 only uses the key with `aws:kms` or `aws:kms:dsse`.

## Why is this bad?
The template reads as if objects were protected by your KMS key, with its
key policy and CloudTrail records, but they are not: S3 ignores the key and
uses SSE-S3. Reviews and audits that trust the template get it wrong.

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
              SSEAlgorithm: AES256
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
                "SSEAlgorithm": "AES256",
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
      sse_algorithm     = "AES256"
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
Safe: the fix changes the algorithm to `aws:kms`, so the key that is
already written is used. Readers and writers of the bucket then need
permission on that key; check its key policy before applying. No fix is
offered when the algorithm comes from a parameter or variable. If SSE-S3 was
the intent, delete the key id instead.

## References
- [Using server-side encryption with AWS KMS keys (SSE-KMS)](https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html)
- [AWS::S3::Bucket ServerSideEncryptionByDefault](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-serversideencryptionbydefault.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let id = &bucket.res.id;
        for (enc, ew) in bucket.encryption.values() {
            for rule in &enc.rules {
                let sse = &rule.value;
                let Some((key, key_when)) = sse.kms_key.values().next() else {
                    continue;
                };
                let when = ew.and_all(&rule.when).and_all(key_when);
                for bad in bad_values(&sse.algorithm, &when, |s| s == "AES256") {
                    let f = sink.report(
                        bad.span,
                        id,
                        format!(
                            "bucket `{id}` names a KMS key but sets the algorithm to `AES256`{}, so S3 ignores the key and uses SSE-S3; set the algorithm to `aws:kms` (or drop the key){}",
                            bad.via(),
                            bad.when.describe()
                        ),
                    );
                    f.with_related(key.span, "the KMS key that is ignored");
                    if bad.literal() {
                        f.with_fix(
                            "Set the algorithm to aws:kms",
                            Applicability::Safe,
                            FixIntent::ReplaceValue {
                                span: bad.span,
                                value: NewValue::AwsKms,
                            },
                        );
                    }
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
    fn key_with_aes256_fires_with_fix() {
        let mut b = bucket("Reports");
        let alg = lit("AES256");
        let at = alg.span;
        b.encryption = Field::set(sse(Field::set(alg), Field::set(unknown())));
        let f = run(&RULE, &model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].span, at);
        assert_eq!(f[0].related.len(), 1);
        assert!(matches!(
            f[0].fix.as_ref().map(|x| &x.intent),
            Some(FixIntent::ReplaceValue {
                value: NewValue::AwsKms,
                ..
            })
        ));
    }

    #[test]
    fn kms_with_key_and_aes256_without_key_are_silent() {
        let mut a = bucket("A");
        a.encryption = Field::set(sse(Field::set(lit("aws:kms")), Field::set(lit("k"))));
        let mut b = bucket("B");
        b.encryption = Field::set(sse(Field::set(lit("AES256")), Field::absent()));
        assert!(run(&RULE, &model_with(vec![a, b])).is_empty());
    }
}
