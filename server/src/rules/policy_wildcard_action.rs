//! S3-202 policy-wildcard-action: a policy allows every action (`*` or `s3:*`).
use super::policy_util::{effect_when, is_public, is_wildcard_action, policy_label};
use super::value_util::bad_items;
use super::*;
use crate::model::Model;
pub static RULE: Rule = Rule {
    id: "S3-202",
    name: "policy-wildcard-action",
    group: "Bucket and access point policies",
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "A policy statement allows every action (`*` or `s3:*`).",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Flags an `Allow` statement of a bucket or access point policy whose actions
include `*` or `s3:*`. The finding is an error when the same statement is
also open to everyone (see S3-201), a warning otherwise.

## Why is this bad?
`s3:*` hands over every S3 operation on the resources named, including
deleting objects and versions, rewriting the bucket policy and turning off
encryption or logging. A principal that only needs to read or write data
should get exactly those actions, so a leaked credential or a bug in the
application can do no more than that.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Reports:
    Type: AWS::S3::Bucket
  ReportsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Reports
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::111122223333:role/app
            Action: s3:*
            Resource: !Sub "${Reports.Arn}/*"
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Reports": {
      "Type": "AWS::S3::Bucket"
    },
    "ReportsPolicy": {
      "Type": "AWS::S3::BucketPolicy",
      "Properties": {
        "Bucket": {
          "Ref": "Reports"
        },
        "PolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Effect": "Allow",
              "Principal": {
                "AWS": "arn:aws:iam::111122223333:role/app"
              },
              "Action": "s3:*",
              "Resource": {
                "Fn::Sub": "${Reports.Arn}/*"
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
resource "aws_s3_bucket" "reports" {
  bucket = "example-reports"
}

resource "aws_s3_bucket_policy" "reports" {
  bucket = aws_s3_bucket.reports.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = {
          AWS = "arn:aws:iam::111122223333:role/app"
        }
        Action    = "s3:*"
        Resource  = "${aws_s3_bucket.reports.arn}/*"
      }
    ]
  })
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Reports:
    Type: AWS::S3::Bucket
  ReportsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Reports
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::111122223333:role/app
            Action:
              - s3:GetObject
              - s3:PutObject
            Resource: !Sub "${Reports.Arn}/*"
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Reports": {
      "Type": "AWS::S3::Bucket"
    },
    "ReportsPolicy": {
      "Type": "AWS::S3::BucketPolicy",
      "Properties": {
        "Bucket": {
          "Ref": "Reports"
        },
        "PolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Effect": "Allow",
              "Principal": {
                "AWS": "arn:aws:iam::111122223333:role/app"
              },
              "Action": [
                "s3:GetObject",
                "s3:PutObject"
              ],
              "Resource": {
                "Fn::Sub": "${Reports.Arn}/*"
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
resource "aws_s3_bucket" "reports" {
  bucket = "example-reports"
}

resource "aws_s3_bucket_policy" "reports" {
  bucket = aws_s3_bucket.reports.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = {
          AWS = "arn:aws:iam::111122223333:role/app"
        }
        Action    = ["s3:GetObject", "s3:PutObject"]
        Resource  = "${aws_s3_bucket.reports.arn}/*"
      }
    ]
  })
}
```

## Fix safety
None. Which actions a caller needs depends on the application: list them
(`s3:GetObject`, `s3:PutObject`, `s3:ListBucket`...). CloudTrail data events
or IAM Access Analyzer policy generation show which ones are actually used.

## References
- [Amazon S3 actions](https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html)
- [Security best practices in IAM: apply least-privilege permissions](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for policy in &model.policies {
        let Some(doc) = &policy.document else {
            continue;
        };
        let label = policy_label(policy);
        for item in &doc.statements {
            let stmt = &item.value;
            let Some(effect_when) = effect_when(stmt, "Allow") else {
                continue;
            };
            let Some(actions) = &stmt.actions else {
                continue;
            };
            let public = is_public(stmt);
            let when = item.when.and_all(&effect_when);
            for bad in bad_items(actions, &when, is_wildcard_action) {
                let who = if public { " to everyone" } else { "" };
                let f = sink.report(
                    bad.span,
                    &policy.res.id,
                    format!(
                        "{label} allows every action ({}){who}; list only the actions the caller needs{}",
                        bad.list(),
                        bad.when.describe()
                    ),
                );
                if public {
                    f.with_severity(Severity::Error);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Model, Target};
    use crate::rules::model_builders::*;

    fn model_of(s: crate::model::Statement) -> Model {
        Model {
            policies: vec![policy("P", Target::Unknown, vec![s])],
            ..Model::default()
        }
    }

    #[test]
    fn wildcard_action_is_a_warning() {
        let f = run(
            &RULE,
            &model_of(stmt("Allow").named_principal().action("s3:*").build()),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(f[0].message.contains("(`s3:*`)"), "{}", f[0].message);
    }

    #[test]
    fn wildcard_action_for_everyone_is_an_error() {
        let f = run(
            &RULE,
            &model_of(stmt("Allow").public_principal().action("*").build()),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Error);
        assert!(f[0].message.contains("to everyone"));
    }

    #[test]
    fn deny_and_narrow_actions_are_silent() {
        assert!(run(
            &RULE,
            &model_of(stmt("Deny").public_principal().action("s3:*").build())
        )
        .is_empty());
        assert!(run(
            &RULE,
            &model_of(stmt("Allow").public_principal().action("s3:Get*").build())
        )
        .is_empty());
    }
}
