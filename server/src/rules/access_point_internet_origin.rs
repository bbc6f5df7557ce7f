//! S3-801 access-point-internet-origin: an access point accepts requests from the internet.
use super::*;
use crate::fix::{Applicability, FixIntent};
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-801",
    name: "access-point-internet-origin",
    group: "Access points",
    severity: Severity::Warning,
    fix: FixAvailability::NeedsInput,
    summary: "An access point has no VPC configuration, so it accepts requests from the internet.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports an access point without a VPC configuration (a VPC id). Multi-Region
access points are not checked: they cannot be tied to a VPC.

## Why is this bad?
An access point without a VPC configuration has an internet network origin:
anyone with credentials can reach it from anywhere, and a leaked key works
from any network. A VPC origin makes S3 refuse every request that does not
come through a VPC endpoint of that VPC.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
  Reports:
    Type: AWS::S3::AccessPoint
    Properties:
      Bucket: !Ref Data
      Name: reports
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Data": {
      "Type": "AWS::S3::Bucket"
    },
    "Reports": {
      "Type": "AWS::S3::AccessPoint",
      "Properties": {
        "Bucket": {
          "Ref": "Data"
        },
        "Name": "reports"
      }
    }
  }
}
```
```hcl
resource "aws_s3_access_point" "reports" {
  bucket = aws_s3_bucket.data.id
  name   = "reports"
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
  Reports:
    Type: AWS::S3::AccessPoint
    Properties:
      Bucket: !Ref Data
      Name: reports
      VpcConfiguration:
        VpcId: vpc-0123456789abcdef0
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Data": {
      "Type": "AWS::S3::Bucket"
    },
    "Reports": {
      "Type": "AWS::S3::AccessPoint",
      "Properties": {
        "Bucket": {
          "Ref": "Data"
        },
        "Name": "reports",
        "VpcConfiguration": {
          "VpcId": "vpc-0123456789abcdef0"
        }
      }
    }
  }
}
```
```hcl
resource "aws_s3_access_point" "reports" {
  bucket = aws_s3_bucket.data.id
  name   = "reports"

  vpc_configuration {
    vpc_id = "vpc-0123456789abcdef0"
  }
}
```

## Fix safety
The quick fix adds a VPC configuration with a placeholder VPC id, so it needs
input. Note that the network origin of an access point cannot be changed
later: the access point is replaced.

## References
- [Creating access points restricted to a virtual private cloud](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html)
- [Managing access to shared datasets with access points](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for ap in &model.access_points {
        if ap.kind != AccessPointKind::Regional || ap.vpc_unknown {
            continue;
        }
        let Some(when) = ap.vpc_id.absent_when() else {
            continue;
        };
        sink.report(
            ap.res.id_span,
            &ap.res.id,
            format!(
                "access point `{}` has no VPC configuration, so it accepts requests from the internet{}; restrict it to a VPC",
                ap.res.id,
                when.describe()
            ),
        )
        .with_fix(
            "Restrict the access point to a VPC (choose the VPC)",
            Applicability::NeedsInput,
            FixIntent::AddVpcConfiguration {
                resource: ap.res.id.clone(),
            },
        );
    }
}
