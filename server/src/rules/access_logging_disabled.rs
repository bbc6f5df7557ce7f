//! S3-401 access-logging-disabled: a bucket does not record server access logs.
use super::*;
use crate::fix::{Applicability, FixIntent};
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-401",
    name: "access-logging-disabled",
    group: "Logging and monitoring",
    severity: Severity::Warning,
    fix: FixAvailability::NeedsInput,
    summary: "A bucket does not record server access logs.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports a bucket that has no server access logging. Buckets that receive the
access logs of another bucket in the same file, and buckets whose ACL is the
log delivery ACL, are left alone: they are log buckets themselves.

## Why is this bad?
Without access logs there is no record of who read, wrote or deleted which
object. After a leak or an unexpected deletion you cannot tell what happened,
and you cannot notice unusual access patterns early.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Data": {
      "Type": "AWS::S3::Bucket"
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "data" {
  bucket = "example-data"
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      LoggingConfiguration:
        DestinationBucketName: example-access-logs
        LogFilePrefix: data/
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Data": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "LoggingConfiguration": {
          "DestinationBucketName": "example-access-logs",
          "LogFilePrefix": "data/"
        }
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "data" {
  bucket = "example-data"
}

resource "aws_s3_bucket_logging" "data" {
  bucket        = aws_s3_bucket.data.id
  target_bucket = "example-access-logs"
  target_prefix = "data/"
}
```

## Fix safety
The quick fix adds logging settings with a placeholder for the destination
bucket; you must fill in a bucket that is set up to receive logs, so it is
offered one finding at a time.

## References
- [Logging requests with server access logging](https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html)
- [Security best practices for Amazon S3](https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html)
"#;

/// True when the bucket's ACL lets the log delivery group write to it.
fn is_log_delivery_acl(bucket: &Bucket) -> bool {
    bucket.acl.values().any(|(v, _)| {
        v.str().is_some_and(|s| {
            s.eq_ignore_ascii_case("LogDeliveryWrite")
                || s.eq_ignore_ascii_case("log-delivery-write")
        })
    })
}

fn check(model: &Model, sink: &mut Sink) {
    let log_destinations = model.log_destinations();
    for bucket in &model.buckets {
        if log_destinations.contains(bucket) || is_log_delivery_acl(bucket) {
            continue;
        }
        let Some(when) = bucket.logging.absent_when() else {
            continue;
        };
        sink.report(
            bucket.res.id_span,
            &bucket.res.id,
            format!(
                "bucket `{}` does not record server access logs{}; send its access logs to a separate log bucket",
                bucket.res.id,
                when.describe()
            ),
        )
        .with_fix(
            "Add access logging (choose the log bucket)",
            Applicability::NeedsInput,
            FixIntent::AddLogging {
                resource: bucket.res.id.clone(),
            },
        );
    }
}
