//! S3-503 lifecycle-rule-disabled: a lifecycle rule is switched off.
use super::*;
use crate::model::*;
use crate::text::Span;
use foldhash::{HashSet, HashSetExt};

pub static RULE: Rule = Rule {
    id: "S3-503",
    name: "lifecycle-rule-disabled",
    group: "Data protection",
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "A lifecycle rule's status is `Disabled`.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports a lifecycle rule whose status is `Disabled`.

## Why is this bad?
A disabled rule looks like a retention policy to anyone reading the template,
but S3 ignores it: nothing expires and nothing is archived. Either the rule was
switched off for a reason that should be written down, or it was forgotten.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      LifecycleConfiguration:
        Rules:
          - Id: expire-old-data
            Status: Disabled
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
              "Status": "Disabled",
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
    status = "Disabled"
    filter {}

    expiration {
      days = 365
    }
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
There is no quick fix: turning a rule on starts deleting or moving data, which
must be a deliberate decision. Enable the rule or delete it.

## References
- [Lifecycle configuration elements](https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html)
"#;

/// "lifecycle rule `X`" when the rule has a known id, else "a lifecycle rule".
fn rule_label(rule: &LifecycleRule) -> String {
    match rule.id.values().find_map(|(v, _)| v.str()) {
        Some(id) => format!("lifecycle rule `{id}`"),
        None => "a lifecycle rule".to_string(),
    }
}

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let mut seen: HashSet<Span> = HashSet::new();
        for (lifecycle, lw) in bucket.lifecycle.values() {
            for item in &lifecycle.rules {
                let rule = &item.value;
                for (status, sw) in rule.status.values() {
                    if status.str() != Some("Disabled") || !seen.insert(status.span) {
                        continue;
                    }
                    let when = lw.and_all(&item.when).and_all(sw);
                    sink.report(
                        status.span,
                        &bucket.res.id,
                        format!(
                            "{} of bucket `{}` is disabled{}{}, so S3 ignores it; enable it or remove it",
                            rule_label(rule),
                            bucket.res.id,
                            status.describe_via(),
                            when.describe()
                        ),
                    );
                }
            }
        }
    }
}
