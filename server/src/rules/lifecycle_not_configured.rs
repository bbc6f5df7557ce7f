//! S3-502 lifecycle-not-configured: a bucket has no lifecycle rules.
use super::*;
use crate::fix::{Applicability, FixIntent};
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-502",
    name: "lifecycle-not-configured",
    group: "Data protection",
    severity: Severity::Info,
    fix: FixAvailability::NeedsInput,
    summary: "A bucket has no lifecycle configuration.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports a bucket without a lifecycle configuration.

## Why is this bad?
Without lifecycle rules every object, old version and unfinished multipart
upload is kept forever. Data that is no longer needed keeps costing money and
stays exposed to any future leak; retention periods required by policy are not
enforced.

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
      LifecycleConfiguration:
        Rules:
          - Id: expire-old-data
            Status: Enabled
            ExpirationInDays: 365
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Data": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "LifecycleConfiguration": {
          "Rules": [
            {
              "Id": "expire-old-data",
              "Status": "Enabled",
              "ExpirationInDays": 365
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

resource "aws_s3_bucket_lifecycle_configuration" "data" {
  bucket = aws_s3_bucket.data.id

  rule {
    id     = "expire-old-data"
    status = "Enabled"
    filter {}

    expiration {
      days = 365
    }
  }
}
```

## Fix safety
The quick fix adds a lifecycle configuration with one rule whose retention is
a placeholder: only you know how long the data must be kept, so it needs input.

## References
- [Managing the lifecycle of objects](https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html)
- [Lifecycle configuration elements](https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        // A configuration that holds no readable rule may be unknown (an
        // import, a reference), so only a missing configuration is reported.
        let Some(when) = bucket.lifecycle.absent_when() else {
            continue;
        };
        sink.report(
            bucket.res.id_span,
            &bucket.res.id,
            format!(
                "bucket `{}` has no lifecycle configuration{}, so objects and old versions are kept forever; add a rule that expires or archives data",
                bucket.res.id,
                when.describe()
            ),
        )
        .with_fix(
            "Add a lifecycle rule (choose the retention)",
            Applicability::NeedsInput,
            FixIntent::AddLifecycle {
                resource: bucket.res.id.clone(),
            },
        );
    }
}
