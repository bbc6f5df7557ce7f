//! S3-203 policy-negated-allow: an `Allow` statement uses `NotPrincipal` or `NotAction`.
use super::policy_util::{effect_when, policy_label};
use super::*;
use crate::model::Model;
pub static RULE: Rule = Rule {
    id: "S3-203",
    name: "policy-negated-allow",
    group: "Bucket and access point policies",
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "An `Allow` statement uses `NotPrincipal` or `NotAction`.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Flags an `Allow` statement of a bucket or access point policy that says who
or what it does *not* cover (`NotPrincipal`, `NotAction`) instead of who or
what it does.

## Why is this bad?
An allow with `NotPrincipal` grants access to every principal except the
ones listed, anonymous callers included. An allow with `NotAction` grants
every action except the ones listed, including actions AWS adds later. Both
grant far more than they appear to, and reviewers easily read them the wrong
way round.

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
            NotPrincipal:
              AWS: arn:aws:iam::111122223333:role/app
            Action: s3:GetObject
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
              "NotPrincipal": {
                "AWS": "arn:aws:iam::111122223333:role/app"
              },
              "Action": "s3:GetObject",
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
        Effect       = "Allow"
        NotPrincipal = {
          AWS = "arn:aws:iam::111122223333:role/app"
        }
        Action       = "s3:GetObject"
        Resource     = "${aws_s3_bucket.reports.arn}/*"
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
            Action: s3:GetObject
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
              "Action": "s3:GetObject",
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
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.reports.arn}/*"
      }
    ]
  })
}
```

## Fix safety
None. Rewrite the statement with `Principal` and `Action` listing what is
allowed. `NotPrincipal` and `NotAction` remain useful in `Deny` statements,
which this rule does not flag.

## References
- [IAM JSON policy elements: NotPrincipal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html)
- [IAM JSON policy elements: NotAction](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html)
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
            let when = item.when.and_all(&effect_when).describe();
            if let Some(span) = stmt.has_not_principal {
                sink.report(
                    span,
                    &policy.res.id,
                    format!(
                        "{label} allows through NotPrincipal, which grants access to everyone except the principals listed, anonymous callers included; list the principals to allow under Principal instead{when}"
                    ),
                );
            }
            if let Some(span) = stmt.has_not_action {
                sink.report(
                    span,
                    &policy.res.id,
                    format!(
                        "{label} allows through NotAction, which grants every action except the ones listed, including actions added to S3 later; list the actions to allow under Action instead{when}"
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Model, Target};
    use crate::rules::model_builders::*;

    #[test]
    fn not_principal_and_not_action_in_allow_fire() {
        let np = span();
        let na = span();
        let s = stmt("Allow")
            .with(|s| {
                s.has_not_principal = Some(np);
                s.has_not_action = Some(na);
                s.actions = None;
            })
            .build();
        let d = stmt("Deny")
            .with(|s| s.has_not_principal = Some(span()))
            .build();
        let m = Model {
            policies: vec![policy("P", Target::Unknown, vec![s, d])],
            ..Model::default()
        };
        let f = run(&RULE, &m);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].span, np);
        assert!(f[0].message.contains("NotPrincipal"));
        assert_eq!(f[1].span, na);
        assert!(f[1].message.contains("NotAction"));
    }
}
