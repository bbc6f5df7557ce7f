//! S3-504 lifecycle-rule-missing-id: a lifecycle rule has no id.
use super::*;
use crate::fix::{Applicability, FixIntent};
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-504",
    name: "lifecycle-rule-missing-id",
    group: "Data protection",
    severity: Severity::Info,
    fix: FixAvailability::NeedsInput,
    summary: "A lifecycle rule has no id.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports a lifecycle rule that has no id.

## Why is this bad?
S3 then makes up a random id for the rule. Console views, API output and
change reviews show that meaningless name, so it is hard to tell which rule
deletes what, and to audit retention against policy.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      LifecycleConfiguration:
        Rules:
          - Status: Enabled
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

  lifecycle_rule {
    enabled = true

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
          - Id: expire-after-a-year
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
              "Id": "expire-after-a-year",
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

  lifecycle_rule {
    id      = "expire-after-a-year"
    enabled = true

    expiration {
      days = 365
    }
  }
}
```

## Fix safety
The quick fix adds an id with a placeholder name for you to choose, so it
needs input and is offered one finding at a time.

## References
- [Lifecycle configuration elements](https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        for (lifecycle, lw) in bucket.lifecycle.values() {
            for item in &lifecycle.rules {
                let rule = &item.value;
                let Some(iw) = rule.id.absent_when() else {
                    continue;
                };
                let when = lw.and_all(&item.when).and_all(&iw);
                sink.report(
                    rule.span,
                    &bucket.res.id,
                    format!(
                        "a lifecycle rule of bucket `{}` has no id{}; give it a name that says what it does",
                        bucket.res.id,
                        when.describe()
                    ),
                )
                .with_fix(
                    "Add a rule id",
                    Applicability::NeedsInput,
                    FixIntent::AddLifecycleRuleId { rule: rule.span },
                );
            }
        }
    }
}
