//! S3-505 noncurrent-versions-unbounded: a versioned bucket never expires old versions.
use super::*;
use crate::fix::{Applicability, FixIntent};
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-505",
    name: "noncurrent-versions-unbounded",
    group: "Data protection",
    severity: Severity::Info,
    fix: FixAvailability::NeedsInput,
    summary: "A versioned bucket has no enabled lifecycle rule that expires noncurrent versions.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports a bucket whose versioning is `Enabled` when no enabled lifecycle rule
expires noncurrent (overwritten or deleted) object versions.

## Why is this bad?
With versioning, every overwrite and delete keeps the previous version. If
nothing ever removes them, storage grows without limit, and data that users
believe they deleted is still there, readable by anyone who can list versions.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Enabled
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Data": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "VersioningConfiguration": {
          "Status": "Enabled"
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

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Enabled
      LifecycleConfiguration:
        Rules:
          - Id: expire-old-versions
            Status: Enabled
            NoncurrentVersionExpiration:
              NoncurrentDays: 90
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Data": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "VersioningConfiguration": {
          "Status": "Enabled"
        },
        "LifecycleConfiguration": {
          "Rules": [
            {
              "Id": "expire-old-versions",
              "Status": "Enabled",
              "NoncurrentVersionExpiration": {
                "NoncurrentDays": 90
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
resource "aws_s3_bucket" "data" {
  bucket = "example-data"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "data" {
  bucket     = aws_s3_bucket.data.id
  depends_on = [aws_s3_bucket_versioning.data]

  rule {
    id     = "expire-old-versions"
    status = "Enabled"
    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 90
    }
  }
}
```

## Fix safety
The quick fix adds a lifecycle rule that expires noncurrent versions after a
number of days you choose, so it needs input. Choose a period long enough to
recover from mistakes.

## References
- [Retaining multiple versions of objects with S3 Versioning](https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html)
- [Lifecycle configuration elements](https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html)
"#;

/// A rule counts unless its status is known and not `Enabled`.
fn may_be_enabled(rule: &LifecycleRule) -> bool {
    !rule.status.is_present_somewhere()
        || rule
            .status
            .values()
            .any(|(v, _)| v.str().is_none_or(|s| s == "Enabled"))
}

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let enabled_when = bucket.versioning.values().find_map(|(v, vw)| {
            v.status
                .values()
                .find(|(s, _)| s.str() == Some("Enabled"))
                .map(|(_, sw)| vw.and_all(sw))
        });
        let Some(when) = enabled_when else { continue };
        let expires = bucket.lifecycle.values().any(|(l, _)| {
            l.rules
                .iter()
                .any(|r| r.value.expires_noncurrent && may_be_enabled(&r.value))
        });
        if expires {
            continue;
        }
        sink.report(
            bucket.res.id_span,
            &bucket.res.id,
            format!(
                "bucket `{}` is versioned but no enabled lifecycle rule expires noncurrent versions{}, so old versions pile up forever; add a rule that expires them",
                bucket.res.id,
                when.describe()
            ),
        )
        .with_fix(
            "Expire noncurrent versions (choose the days)",
            Applicability::NeedsInput,
            FixIntent::AddNoncurrentExpiration {
                resource: bucket.res.id.clone(),
            },
        );
    }
}
