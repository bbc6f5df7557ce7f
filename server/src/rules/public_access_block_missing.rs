//! S3-101 public-access-block-missing: a bucket has no public access block.
use super::*;
use crate::model::Model;

pub static RULE: Rule = Rule {
    id: "S3-101",
    name: "public-access-block-missing",
    group: "Public access",
    severity: Severity::Warning,
    fix: FixAvailability::Safe,
    summary: "A bucket has no public access block.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Flags a bucket that has no public access block of its own and is not covered
by an account-level block. The public access block is the switch that stops
ACLs and bucket policies from making data public, whatever else they say.

## Why is this bad?
Without the block, one wrong ACL or one policy statement with principal `*`
is enough to expose every object of the bucket to the internet. The block is
a second line of defence that catches such mistakes, including ones made
later by hand in the console.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Reports:
    Type: AWS::S3::Bucket
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Reports": {
      "Type": "AWS::S3::Bucket"
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "reports" {
  bucket = "example-reports"
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
Safe: the fix adds a public access block with all four settings on (in
Terraform, a new `aws_s3_bucket_public_access_block` resource after the
bucket). If the bucket is meant to be public, for example a website, do not
apply it; suppress the finding with a reason instead.

## References
- [Blocking public access to your Amazon S3 storage](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html)
- [AWS::S3::Bucket PublicAccessBlockConfiguration](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-publicaccessblockconfiguration.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    // An account-level block covers every bucket of the module.
    if model.account_public_access_block.is_some() {
        return;
    }
    for bucket in &model.buckets {
        let Some(when) = bucket.public_access_block.absent_when() else {
            continue;
        };
        let id = &bucket.res.id;
        sink.report(
            bucket.res.id_span,
            id,
            format!(
                "bucket `{id}` has no public access block, so an ACL or policy can make it public; add one with all four settings on{}",
                when.describe()
            ),
        )
        .with_fix(
            "Add a public access block with all settings on",
            Applicability::Safe,
            FixIntent::AddPublicAccessBlock { resource: id.clone() },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;
    use crate::rules::model_builders::*;

    #[test]
    fn bucket_without_block_fires_at_id() {
        let b = bucket("Reports");
        let at = b.res.id_span;
        let f = run(&RULE, &model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].span, at);
        assert!(f[0].message.contains("bucket `Reports`"));
        assert!(f[0].fix.is_some());
    }

    #[test]
    fn bucket_with_block_is_silent() {
        let mut b = bucket("Reports");
        b.public_access_block = Field::set(pab([None, None, None, None]));
        assert!(run(&RULE, &model_with(vec![b])).is_empty());
    }

    #[test]
    fn conditional_block_names_condition() {
        let mut b = bucket("Reports");
        b.public_access_block = if_else("IsProd", Some(all_on()), None);
        let f = run(&RULE, &model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert!(f[0].message.ends_with("when condition `IsProd` is false"));
    }

    #[test]
    fn account_block_covers_buckets() {
        let mut m = model_with(vec![bucket("Reports")]);
        m.account_public_access_block = Some(all_on());
        assert!(run(&RULE, &m).is_empty());
    }

    #[test]
    fn access_point_without_block_is_silent() {
        let m = crate::model::Model {
            access_points: vec![access_point("Ap", Field::absent())],
            ..Default::default()
        };
        assert!(run(&RULE, &m).is_empty());
    }
}
