//! S3-302 encryption-not-kms: a bucket encrypts by default with SSE-S3 rather than SSE-KMS.
use super::value_util::bad_values;
use super::*;
use crate::model::Model;

pub static RULE: Rule = Rule {
    id: "S3-302",
    name: "encryption-not-kms",
    group: "Encryption at rest",
    severity: Severity::Info,
    fix: FixAvailability::NeedsInput,
    summary: "A bucket encrypts by default with SSE-S3 (`AES256`) rather than a KMS key.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Flags a bucket whose default encryption algorithm is `AES256` (SSE-S3, keys
managed entirely by S3). Buckets that receive server access logs are left
alone: log delivery cannot write to a bucket encrypted with SSE-KMS.

## Why is this bad?
SSE-S3 protects against stolen disks, but anyone allowed to read an object
gets it decrypted. With SSE-KMS, reading also needs permission on the key,
so a key policy is a second lock that a too-broad bucket policy cannot open,
every use of the key is recorded in CloudTrail, and disabling the key cuts
off access at once.

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
                "SSEAlgorithm": "AES256"
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
      sse_algorithm = "AES256"
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
Needs input: the fix switches the algorithm to `aws:kms` and adds a key id
placeholder to fill with your key's ARN. Callers then need `kms:Decrypt`
(and `kms:GenerateDataKey` to write) on that key, and KMS requests are
billed; turn on the bucket key (`BucketKeyEnabled`) to cut their number.

## References
- [Using server-side encryption with AWS KMS keys (SSE-KMS)](https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html)
- [Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys](https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html)
- [Enabling Amazon S3 server access logging](https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html)
"#;

fn is_log_delivery_acl(s: &str) -> bool {
    let norm: String = s
        .chars()
        .filter(|c| *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    norm == "logdeliverywrite"
}

fn check(model: &Model, sink: &mut Sink) {
    let log_destinations = model.log_destinations();
    for bucket in &model.buckets {
        // Log delivery cannot write to SSE-KMS buckets.
        if log_destinations.contains(bucket)
            || bucket
                .acl
                .values()
                .any(|(v, _)| v.str().is_some_and(is_log_delivery_acl))
        {
            continue;
        }
        let id = &bucket.res.id;
        for (enc, ew) in bucket.encryption.values() {
            for rule in &enc.rules {
                let when = ew.and_all(&rule.when);
                for bad in bad_values(&rule.value.algorithm, &when, |s| s == "AES256") {
                    let f = sink.report(
                        bad.span,
                        id,
                        format!(
                            "bucket `{id}` encrypts by default with `AES256`{}, that is SSE-S3; consider `aws:kms` with a key you manage, so reading also needs permission on the key and every use is logged{}",
                            bad.via(),
                            bad.when.describe()
                        ),
                    );
                    if bad.literal() {
                        f.with_fix(
                            "Switch to SSE-KMS (aws:kms) with a key id",
                            Applicability::NeedsInput,
                            FixIntent::SwitchToKms {
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

    fn sse_s3_bucket(id: &str) -> crate::model::Bucket {
        let mut b = bucket(id);
        b.encryption = Field::set(sse(Field::set(lit("AES256")), Field::absent()));
        b
    }

    #[test]
    fn aes256_fires_with_needs_input_fix() {
        let f = run(&RULE, &model_with(vec![sse_s3_bucket("Reports")]));
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].fix.as_ref().map(|x| x.applicability),
            Some(Applicability::NeedsInput)
        );
    }

    #[test]
    fn log_destinations_are_exempt() {
        let mut logs = sse_s3_bucket("Logs");
        logs.acl = Field::set(lit("LogDeliveryWrite"));
        let mut app = sse_s3_bucket("App");
        app.encryption = Field::set(sse(Field::set(lit("aws:kms")), Field::absent()));
        app.logging = Field::set(crate::model::Logging {
            span: span(),
            destination: Field::set(lit("x")),
            destination_target: Some(crate::model::Target::Resource("Target".into())),
        });
        let target = sse_s3_bucket("Target");
        assert!(run(&RULE, &model_with(vec![logs, app, target])).is_empty());
    }

    #[test]
    fn kms_and_unknown_are_silent() {
        let mut a = bucket("A");
        a.encryption = Field::set(sse(Field::set(lit("aws:kms")), Field::absent()));
        let mut b = bucket("B");
        b.encryption = Field::set(sse(Field::set(unknown()), Field::absent()));
        assert!(run(&RULE, &model_with(vec![a, b])).is_empty());
    }
}
