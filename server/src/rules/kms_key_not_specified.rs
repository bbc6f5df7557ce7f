//! S3-303 kms-key-not-specified: SSE-KMS is used without naming a key.
use super::value_util::bad_values;
use super::*;
use crate::model::Model;

pub static RULE: Rule = Rule {
    id: "S3-303",
    name: "kms-key-not-specified",
    group: "Encryption at rest",
    severity: Severity::Info,
    fix: FixAvailability::NeedsInput,
    summary: "SSE-KMS is chosen without a key id, so the AWS managed key is used.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Flags default encryption with `aws:kms` or `aws:kms:dsse` that does not name
a KMS key. S3 then uses the AWS managed key `aws/s3` of the account.

## Why is this bad?
The AWS managed key's policy cannot be changed: every principal of the
account that may use S3 may use the key, so it adds no second lock on the
data, and it cannot be shared with other accounts. A customer managed key
lets you decide in its key policy who may decrypt, rotate it on your
schedule, and disable it in an emergency.

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
              SSEAlgorithm: aws:kms
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
                "SSEAlgorithm": "aws:kms"
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
      sse_algorithm = "aws:kms"
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
Needs input: the fix adds a key id placeholder next to the algorithm; fill
it with the ARN of your key (or a reference to a key in the template).
Callers need permission on that key.

## References
- [Using server-side encryption with AWS KMS keys (SSE-KMS)](https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html)
- [AWS KMS keys: customer managed keys and AWS managed keys](https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-mgmt)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let id = &bucket.res.id;
        for (enc, ew) in bucket.encryption.values() {
            for rule in &enc.rules {
                let sse = &rule.value;
                let Some(key_absent) = sse.kms_key.absent_when() else {
                    continue;
                };
                let when = ew.and_all(&rule.when).and_all(&key_absent);
                for bad in bad_values(&sse.algorithm, &when, |s| {
                    s == "aws:kms" || s == "aws:kms:dsse"
                }) {
                    let f = sink.report(
                        bad.span,
                        id,
                        format!(
                            "bucket `{id}` uses {}{} without a KMS key id, so the AWS managed key `aws/s3` is used and its policy cannot restrict who decrypts; name a customer managed key{}",
                            bad.list(),
                            bad.via(),
                            bad.when.describe()
                        ),
                    );
                    // Only when the key is missing in every case, so the
                    // added key cannot clash with a conditional one.
                    if sse.kms_key.alts.is_empty() {
                        f.with_fix(
                            "Add a KMS key id",
                            Applicability::NeedsInput,
                            FixIntent::AddKmsKeyId {
                                algorithm: bad.span,
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
    fn kms_without_key_fires_at_algorithm() {
        let mut b = bucket("Reports");
        let alg = lit("aws:kms");
        let at = alg.span;
        b.encryption = Field::set(sse(Field::set(alg), Field::absent()));
        let f = run(&RULE, &model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].span, at);
        assert!(matches!(
            f[0].fix.as_ref().map(|x| &x.intent),
            Some(FixIntent::AddKmsKeyId { .. })
        ));
    }

    #[test]
    fn key_given_or_sse_s3_is_silent() {
        let mut a = bucket("A");
        a.encryption = Field::set(sse(Field::set(lit("aws:kms:dsse")), Field::set(unknown())));
        let mut b = bucket("B");
        b.encryption = Field::set(sse(Field::set(lit("AES256")), Field::absent()));
        assert!(run(&RULE, &model_with(vec![a, b])).is_empty());
    }

    #[test]
    fn conditional_key_names_condition_without_fix() {
        let mut b = bucket("Reports");
        b.encryption = Field::set(sse(
            Field::set(lit("aws:kms")),
            if_else("HasKey", Some(lit("arn:aws:kms:eu-west-1:1:key/x")), None),
        ));
        let f = run(&RULE, &model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert!(f[0].message.ends_with("when condition `HasKey` is false"));
        assert!(f[0].fix.is_none());
    }
}
