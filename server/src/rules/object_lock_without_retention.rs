//! S3-508 object-lock-without-retention: object lock is on but no default retention is set.
use super::*;
use crate::fix::{Applicability, FixIntent};
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-508",
    name: "object-lock-without-retention",
    group: "Data protection",
    severity: Severity::Info,
    fix: FixAvailability::NeedsInput,
    summary: "A bucket has object lock enabled but no default retention.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports a bucket that turns object lock on without a default retention rule.

## Why is this bad?
Object lock alone protects nothing: only object versions that carry a
retention period or a legal hold are locked. Without a default retention every
writer must remember to set one on each upload, and anything uploaded without
it can be deleted or overwritten as usual.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Records:
    Type: AWS::S3::Bucket
    Properties:
      ObjectLockEnabled: true
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Records": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "ObjectLockEnabled": true
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "records" {
  bucket              = "example-records"
  object_lock_enabled = true
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Records:
    Type: AWS::S3::Bucket
    Properties:
      ObjectLockEnabled: true
      ObjectLockConfiguration:
        ObjectLockEnabled: Enabled
        Rule:
          DefaultRetention:
            Mode: GOVERNANCE
            Days: 30
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Records": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "ObjectLockEnabled": true,
        "ObjectLockConfiguration": {
          "ObjectLockEnabled": "Enabled",
          "Rule": {
            "DefaultRetention": {
              "Mode": "GOVERNANCE",
              "Days": 30
            }
          }
        }
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "records" {
  bucket              = "example-records"
  object_lock_enabled = true
}

resource "aws_s3_bucket_object_lock_configuration" "records" {
  bucket = aws_s3_bucket.records.id

  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = 30
    }
  }
}
```

## Fix safety
The quick fix adds a default retention whose mode and period are placeholders:
the values are a compliance decision (a `COMPLIANCE` retention cannot be
shortened by anyone), so it needs input.

## References
- [Locking objects with Object Lock](https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html)
- [Configuring S3 Object Lock](https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let Some((_, when)) = bucket
            .object_lock_enabled
            .values()
            .find(|(v, _)| v.bool() == Some(true))
        else {
            continue;
        };
        let has_retention = bucket
            .object_lock
            .values()
            .any(|(l, _)| l.retention.is_present_somewhere());
        if has_retention {
            continue;
        }
        sink.report(
            bucket.res.id_span,
            &bucket.res.id,
            format!(
                "bucket `{}` has object lock enabled but no default retention{}, so objects are only locked if each upload asks for it; add a default retention",
                bucket.res.id,
                when.describe()
            ),
        )
        .with_fix(
            "Add a default retention (choose mode and period)",
            Applicability::NeedsInput,
            FixIntent::AddObjectLockRetention {
                resource: bucket.res.id.clone(),
            },
        );
    }
}
