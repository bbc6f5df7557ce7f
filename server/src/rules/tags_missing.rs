//! S3-901 tags-missing: a bucket has no tags.
use super::*;
use crate::fix::{Applicability, FixIntent};
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-901",
    name: "tags-missing",
    group: "Governance",
    severity: Severity::Info,
    fix: FixAvailability::NeedsInput,
    summary: "A bucket has no tags.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports a bucket without tags.

## Why is this bad?
Tags are how an organisation finds out what a bucket holds, who owns it and
how sensitive its data is. Untagged buckets are hard to assign in an audit or
an incident, escape cost reports, and cannot be targeted by tag-based access
control or backup plans.

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
      Tags:
        - Key: owner
          Value: data-platform
        - Key: classification
          Value: internal
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Data": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "Tags": [
          {
            "Key": "owner",
            "Value": "data-platform"
          },
          {
            "Key": "classification",
            "Value": "internal"
          }
        ]
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "data" {
  bucket = "example-data"

  tags = {
    owner          = "data-platform"
    classification = "internal"
  }
}
```

## Fix safety
The quick fix adds a tag with placeholder key and value for you to fill in, so
it needs input and is offered one finding at a time.

## References
- [Using cost allocation S3 bucket tags](https://docs.aws.amazon.com/AmazonS3/latest/userguide/CostAllocTagging.html)
- [Tagging best practices](https://docs.aws.amazon.com/whitepapers/latest/tagging-best-practices/tagging-best-practices.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let Some(when) = bucket.tags.absent_when() else {
            continue;
        };
        sink.report(
            bucket.res.id_span,
            &bucket.res.id,
            format!(
                "bucket `{}` has no tags{}; tag it with at least its owner and data classification",
                bucket.res.id,
                when.describe()
            ),
        )
        .with_fix(
            "Add tags (fill in key and value)",
            Applicability::NeedsInput,
            FixIntent::AddTags {
                resource: bucket.res.id.clone(),
            },
        );
    }
}
