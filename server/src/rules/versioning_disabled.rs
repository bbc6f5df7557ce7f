//! S3-501 versioning-disabled: a bucket does not keep object versions.
use super::*;
use crate::fix::{Applicability, FixIntent};
use crate::model::*;
use crate::text::Span;
use foldhash::{HashSet, HashSetExt};

pub static RULE: Rule = Rule {
    id: "S3-501",
    name: "versioning-disabled",
    group: "Data protection",
    severity: Severity::Warning,
    fix: FixAvailability::Safe,
    summary: "A bucket has no versioning, or versioning is not `Enabled`.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports a bucket whose versioning is not turned on: the setting is missing, has
no status, or its status is anything but `Enabled` (for example `Suspended`).

## Why is this bad?
Without versioning an overwrite or a delete is final. A buggy deploy, a
mistaken `rm --recursive` or ransomware that rewrites objects destroys the
data for good; with versioning the earlier versions can be restored.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Suspended
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
          "Status": "Suspended"
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
    status = "Suspended"
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
  bucket = aws_s3_bucket.data.id
  rule {
    id     = "expire-noncurrent"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 90
    }
  }
}
```

## Fix safety
The quick fix sets the status to `Enabled` (adding the versioning setting when
it is missing). It is safe to apply in bulk. When the status comes from a
parameter no fix is offered: change the parameter instead. Keeping versions
costs storage; pair it with a lifecycle rule that expires old versions.

## References
- [Retaining multiple versions of objects with S3 Versioning](https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html)
- [Security best practices for Amazon S3](https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html)
"#;

const FIX_TITLE: &str = "Enable versioning";

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let fix = || FixIntent::EnableVersioning {
            resource: bucket.res.id.clone(),
        };
        if let Some(when) = bucket.versioning.absent_when() {
            sink.report(
                bucket.res.id_span,
                &bucket.res.id,
                format!(
                    "bucket `{}` has no versioning{}; enable it so overwritten or deleted objects can be recovered",
                    bucket.res.id,
                    when.describe()
                ),
            )
            .with_fix(FIX_TITLE, Applicability::Safe, fix());
        }
        let mut seen: HashSet<Span> = HashSet::new();
        for (versioning, vw) in bucket.versioning.values() {
            if let Some(sw) = versioning.status.absent_when() {
                let when = vw.and_all(&sw);
                sink.report(
                    bucket.res.id_span,
                    &bucket.res.id,
                    format!(
                        "versioning of bucket `{}` has no status, so it stays off{}; set the status to `Enabled`",
                        bucket.res.id,
                        when.describe()
                    ),
                )
                .with_fix(FIX_TITLE, Applicability::Safe, fix());
            }
            for (status, sw) in versioning.status.values() {
                let Some(s) = status.str() else { continue };
                if s == "Enabled" || !seen.insert(status.span) {
                    continue;
                }
                let when = vw.and_all(sw);
                let finding = sink.report(
                    status.span,
                    &bucket.res.id,
                    format!(
                        "versioning of bucket `{}` is `{}`{}{}, so overwritten or deleted objects cannot be recovered; set it to `Enabled`",
                        bucket.res.id,
                        s,
                        status.describe_via(),
                        when.describe()
                    ),
                );
                if status.literal && status.via.is_none() {
                    finding.with_fix(FIX_TITLE, Applicability::Safe, fix());
                }
            }
        }
    }
}
