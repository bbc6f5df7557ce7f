//! S3-104 block-public-policy-off: a public access block does not turn on block public policy.
use super::pab_util::check_flag;
use super::*;
use crate::model::{Model, PabFlag};

pub static RULE: Rule = Rule {
    id: "S3-104",
    name: "block-public-policy-off",
    group: "Public access",
    severity: Severity::Warning,
    fix: FixAvailability::Safe,
    summary: "A public access block does not turn on block public policy.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Flags a public access block (of a bucket, an access point, or the whole
account) whose block public policy setting is missing or not `true`. For
access points only an explicit `false` is flagged, because AWS turns the
setting on by default there.

## Why is this bad?
With the setting off, S3 accepts a bucket policy that grants access to
everyone. A policy statement with principal `*` and no narrowing condition,
written by mistake or by a compromised deployment role, then opens the
bucket to the internet.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Reports:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        IgnorePublicAcls: true
        BlockPublicPolicy: false
        RestrictPublicBuckets: true
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Reports": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "PublicAccessBlockConfiguration": {
          "BlockPublicAcls": true,
          "IgnorePublicAcls": true,
          "BlockPublicPolicy": false,
          "RestrictPublicBuckets": true
        }
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "reports" {
  bucket = "example-reports"
}

resource "aws_s3_bucket_public_access_block" "reports" {
  bucket                  = aws_s3_bucket.reports.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = false
  restrict_public_buckets = true
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Reports:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        IgnorePublicAcls: true
        BlockPublicPolicy: true
        RestrictPublicBuckets: true
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Reports": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "PublicAccessBlockConfiguration": {
          "BlockPublicAcls": true,
          "IgnorePublicAcls": true,
          "BlockPublicPolicy": true,
          "RestrictPublicBuckets": true
        }
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "reports" {
  bucket = "example-reports"
}

resource "aws_s3_bucket_public_access_block" "reports" {
  bucket                  = aws_s3_bucket.reports.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}
```

## Fix safety
Safe: the fix sets the value to `true`, or adds the setting when it is
missing. No fix is offered when the value comes from a parameter or variable.
Deploying a policy that grants public access starts failing, which is
intended.

## References
- [Blocking public access to your Amazon S3 storage](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html)
- [Configuring block public access settings for your access points](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-bpa-settings.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    check_flag(model, sink, PabFlag::BlockPublicPolicy);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;
    use crate::rules::model_builders::*;

    #[test]
    fn only_this_flag_is_checked() {
        let mut flags = [Some("true"); 4];
        flags[PabFlag::BlockPublicPolicy.index()] = Some("false");
        let mut b = bucket("Reports");
        b.public_access_block = Field::set(pab(flags));
        let mut ok = bucket("Other");
        let mut others = [Some("false"); 4];
        others[PabFlag::BlockPublicPolicy.index()] = Some("true");
        ok.public_access_block = Field::set(pab(others));
        let f = run(&RULE, &model_with(vec![b, ok]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].resource.as_deref(), Some("Reports"));
    }
}
