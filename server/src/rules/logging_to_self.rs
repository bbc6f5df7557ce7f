//! S3-402 logging-to-self: a bucket writes its access logs into itself.
use super::*;
use crate::fix::{Applicability, FixIntent};
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-402",
    name: "logging-to-self",
    group: "Logging and monitoring",
    severity: Severity::Warning,
    fix: FixAvailability::NeedsInput,
    summary: "A bucket's server access logs are delivered into the same bucket.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports access logging whose destination is the logged bucket itself: either
the destination bucket is left out (CloudFormation then delivers the logs into
the same bucket) or it names the bucket.

## Why is this bad?
Every log delivery is itself a write to the bucket, which produces more log
records, so the logs grow without end and cost money. Logs kept beside the data
also share its permissions: whoever can tamper with the data can erase the
trail. Keep access logs in a separate, locked-down bucket.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      LoggingConfiguration:
        LogFilePrefix: logs/
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Data": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "LoggingConfiguration": {
          "LogFilePrefix": "logs/"
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
  target_bucket = aws_s3_bucket.data.id
  target_prefix = "logs/"
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
        LogFilePrefix: logs/
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
          "LogFilePrefix": "logs/"
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
  target_prefix = "logs/"
}
```

## Fix safety
The quick fix sets the destination to a placeholder that you must replace with
a dedicated log bucket, so it needs input and is offered one finding at a time.

## References
- [Logging requests with server access logging](https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html)
- [Enabling Amazon S3 server access logging](https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        for (logging, lw) in bucket.logging.values() {
            if let Some(dw) = logging.destination.absent_when() {
                let when = lw.and_all(&dw);
                sink.report(
                    bucket.res.id_span,
                    &bucket.res.id,
                    format!(
                        "bucket `{}` has access logging without a destination bucket, so the logs are written into the bucket itself{}; name a separate log bucket",
                        bucket.res.id,
                        when.describe()
                    ),
                )
                .with_fix(
                    "Set a separate log destination bucket",
                    Applicability::NeedsInput,
                    FixIntent::SetLoggingDestination {
                        resource: bucket.res.id.clone(),
                    },
                );
            }
            let to_self = logging
                .destination_target
                .as_ref()
                .is_some_and(|t| model.targets(t, bucket));
            if !to_self {
                continue;
            }
            if let Some((val, vw)) = logging.destination.values().next() {
                let when = lw.and_all(vw);
                sink.report(
                    val.span,
                    &bucket.res.id,
                    format!(
                        "bucket `{}` delivers its access logs into itself{}{}; name a separate log bucket",
                        bucket.res.id,
                        val.describe_via(),
                        when.describe()
                    ),
                )
                .with_fix(
                    "Set a separate log destination bucket",
                    Applicability::NeedsInput,
                    FixIntent::SetLoggingDestination {
                        resource: bucket.res.id.clone(),
                    },
                );
            }
        }
    }
}
