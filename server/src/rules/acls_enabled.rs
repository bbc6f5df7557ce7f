//! S3-112 acls-enabled: a bucket does not enforce bucket-owner object ownership, so ACLs still apply.
use super::value_util::bad_items;
use super::*;
use crate::fix::NewValue;
use crate::model::Model;

pub static RULE: Rule = Rule {
    id: "S3-112",
    name: "acls-enabled",
    group: "Public access",
    severity: Severity::Info,
    fix: FixAvailability::Safe,
    summary: "A bucket does not set object ownership to bucket owner enforced, so ACLs still decide access.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Flags a bucket whose object ownership is not bucket owner enforced: either
no ownership setting at all, or `ObjectWriter` / `BucketOwnerPreferred`.
Only bucket owner enforced turns ACLs off entirely.

## Why is this bad?
While ACLs are active, every object can carry its own ACL, set by whoever
uploaded it, and objects written by other accounts may belong to them rather
than to you. Access then depends on thousands of per-object settings no one
reviews. With ACLs off, the bucket policy and IAM alone decide who gets in,
and you own every object.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Reports:
    Type: AWS::S3::Bucket
    Properties:
      OwnershipControls:
        Rules:
          - ObjectOwnership: ObjectWriter
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Reports": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "OwnershipControls": {
          "Rules": [
            {
              "ObjectOwnership": "ObjectWriter"
            }
          ]
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

resource "aws_s3_bucket_ownership_controls" "reports" {
  bucket = aws_s3_bucket.reports.id
  rule {
    object_ownership = "ObjectWriter"
  }
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Reports:
    Type: AWS::S3::Bucket
    Properties:
      OwnershipControls:
        Rules:
          - ObjectOwnership: BucketOwnerEnforced
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Reports": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "OwnershipControls": {
          "Rules": [
            {
              "ObjectOwnership": "BucketOwnerEnforced"
            }
          ]
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

resource "aws_s3_bucket_ownership_controls" "reports" {
  bucket = aws_s3_bucket.reports.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}
```

## Fix safety
Safe: the fix adds the ownership setting, or replaces a value written in the
file with `BucketOwnerEnforced`. No fix is offered when the value comes from
a parameter or variable. After the change, requests that set an ACL other
than bucket-owner-full-control fail, and a bucket ACL other than private
(for example `LogDeliveryWrite` for the legacy log delivery) must go: grant
such access through the bucket policy instead.

## References
- [Controlling ownership of objects and disabling ACLs for your bucket](https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html)
- [AWS::S3::Bucket OwnershipControls](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-ownershipcontrols.html)
"#;

const ENFORCED: &str = "BucketOwnerEnforced";

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let id = &bucket.res.id;
        if let Some(when) = bucket.ownership.absent_when() {
            report_missing(sink, bucket.res.id_span, id, &when.describe());
        }
        for (rules, when) in bucket.ownership.values() {
            if rules.is_empty() {
                report_missing(sink, bucket.res.id_span, id, &when.describe());
                continue;
            }
            // Enforced in every case of some rule, or unknown: nothing to say.
            let enforced = rules.iter().any(|r| {
                r.when.is_always() && r.value.via.is_none() && r.value.str() == Some(ENFORCED)
            });
            let unknown = rules.iter().any(|r| r.value.str().is_none());
            if enforced || unknown {
                continue;
            }
            for bad in bad_items(rules, when, |s| s != ENFORCED) {
                let f = sink.report(
                    bad.span,
                    id,
                    format!(
                        "bucket `{id}` sets object ownership to {}{}, so ACLs still decide who can access its objects; use `{ENFORCED}` to turn ACLs off{}",
                        bad.list(),
                        bad.via(),
                        bad.when.describe()
                    ),
                );
                if bad.literal() {
                    f.with_fix(
                        "Set object ownership to BucketOwnerEnforced",
                        Applicability::Safe,
                        FixIntent::ReplaceValue {
                            span: bad.span,
                            value: NewValue::BucketOwnerEnforced,
                        },
                    );
                }
            }
        }
    }
}

fn report_missing(sink: &mut Sink, span: crate::text::Span, id: &str, when: &str) {
    sink.report(
        span,
        id,
        format!(
            "bucket `{id}` has no object ownership setting, so ACLs still decide who can access its objects; set object ownership to `{ENFORCED}`{when}"
        ),
    )
    .with_fix(
        "Set object ownership to BucketOwnerEnforced",
        Applicability::Safe,
        FixIntent::EnforceBucketOwner {
            resource: id.to_string(),
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Field, Item, Val, When};
    use crate::rules::model_builders::*;

    fn rules_of(vals: Vec<Val>) -> Field<Vec<Item<Val>>> {
        Field::set(
            vals.into_iter()
                .map(|v| Item {
                    when: When::always(),
                    value: v,
                })
                .collect(),
        )
    }

    #[test]
    fn missing_ownership_fires_at_id() {
        let b = bucket("Reports");
        let at = b.res.id_span;
        let f = run(&RULE, &model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].span, at);
        assert!(matches!(
            f[0].fix.as_ref().map(|x| &x.intent),
            Some(FixIntent::EnforceBucketOwner { .. })
        ));
    }

    #[test]
    fn object_writer_fires_at_value() {
        let mut b = bucket("Reports");
        let v = lit("ObjectWriter");
        let at = v.span;
        b.ownership = rules_of(vec![v]);
        let f = run(&RULE, &model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].span, at);
        assert!(matches!(
            f[0].fix.as_ref().map(|x| &x.intent),
            Some(FixIntent::ReplaceValue { .. })
        ));
    }

    #[test]
    fn enforced_and_unknown_are_silent() {
        let mut a = bucket("A");
        a.ownership = rules_of(vec![lit("BucketOwnerEnforced")]);
        let mut b = bucket("B");
        b.ownership = rules_of(vec![unknown()]);
        assert!(run(&RULE, &model_with(vec![a, b])).is_empty());
    }

    #[test]
    fn parameter_allowing_object_writer_fires_without_fix() {
        let mut b = bucket("Reports");
        b.ownership = rules_of(param("Own", &["BucketOwnerEnforced", "ObjectWriter"]));
        let f = run(&RULE, &model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert!(f[0]
            .message
            .contains("`ObjectWriter` (from parameter `Own`)"));
        assert!(f[0].fix.is_none());
    }
}
