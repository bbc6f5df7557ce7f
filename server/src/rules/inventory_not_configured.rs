//! S3-902 inventory-not-configured: a bucket has no inventory report.
use super::*;
use crate::fix::{Applicability, FixIntent};
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-902",
    name: "inventory-not-configured",
    group: "Governance",
    severity: Severity::Info,
    fix: FixAvailability::NeedsInput,
    summary: "A bucket has no inventory configuration.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports a bucket without an inventory configuration.

## Why is this bad?
An inventory report lists every object with its encryption status,
replication state, object lock settings and more, on a schedule. Without it,
auditing a large bucket (are all objects encrypted? which ones are locked?)
means listing millions of objects by hand.

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
      InventoryConfigurations:
        - Id: weekly
          Enabled: true
          IncludedObjectVersions: Current
          ScheduleFrequency: Weekly
          OptionalFields:
            - EncryptionStatus
          Destination:
            BucketArn: arn:aws:s3:::example-inventory
            Format: CSV
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Data": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "InventoryConfigurations": [
          {
            "Id": "weekly",
            "Enabled": true,
            "IncludedObjectVersions": "Current",
            "ScheduleFrequency": "Weekly",
            "OptionalFields": [
              "EncryptionStatus"
            ],
            "Destination": {
              "BucketArn": "arn:aws:s3:::example-inventory",
              "Format": "CSV"
            }
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
}

resource "aws_s3_bucket_inventory" "data" {
  bucket                   = aws_s3_bucket.data.id
  name                     = "weekly"
  included_object_versions = "Current"
  optional_fields          = ["EncryptionStatus"]

  schedule {
    frequency = "Weekly"
  }

  destination {
    bucket {
      format     = "CSV"
      bucket_arn = "arn:aws:s3:::example-inventory"
    }
  }
}
```

## Fix safety
The quick fix adds an inventory configuration whose destination bucket is a
placeholder you must fill in, so it needs input.

## References
- [Cataloging and analyzing your data with S3 Inventory](https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let Some(when) = bucket.inventory.absent_when() else {
            continue;
        };
        sink.report(
            bucket.res.id_span,
            &bucket.res.id,
            format!(
                "bucket `{}` has no inventory report{}; add one so its objects' encryption and lock status can be audited",
                bucket.res.id,
                when.describe()
            ),
        )
        .with_fix(
            "Add an inventory report (choose the destination)",
            Applicability::NeedsInput,
            FixIntent::AddInventory {
                resource: bucket.res.id.clone(),
            },
        );
    }
}
