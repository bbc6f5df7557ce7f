//! S3-201 policy-public-principal: a policy allows everyone, with no condition narrowing who can call.
use super::policy_util::{effect_when, is_public, policy_label};
use super::*;
use crate::model::{Item, Model, Val};
pub static RULE: Rule = Rule {
    id: "S3-201",
    name: "policy-public-principal",
    group: "Bucket and access point policies",
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A policy statement allows everyone (principal `*`) with no condition that narrows who can call.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Flags an `Allow` statement of a bucket or access point policy whose
principal is everyone (`"*"` or `{"AWS": "*"}`, alone or in a list) and that
has no condition limiting the callers, such as `aws:SourceVpce`,
`aws:SourceVpc`, `aws:PrincipalOrgID`, `aws:PrincipalAccount`,
`aws:SourceAccount`, `aws:SourceArn` or `aws:SourceIp`. Negated operators
(`StringNotEquals`...) and `...IfExists` operators do not count as limiting.

## Why is this bad?
Principal `*` means anyone: every AWS account and anonymous callers on the
internet. Whatever the statement allows, reading, listing, writing or
deleting, strangers can do it, and S3 bills you for their requests.

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
            Principal: "*"
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
              "Principal": "*",
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
        Principal = "*"
        Action    = "s3:GetObject"
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
            Principal: "*"
            Action: s3:GetObject
            Resource: !Sub "${Reports.Arn}/*"
            Condition:
              StringEquals:
                aws:SourceVpce: vpce-0123456789abcdef0
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
              "Principal": "*",
              "Action": "s3:GetObject",
              "Resource": {
                "Fn::Sub": "${Reports.Arn}/*"
              },
              "Condition": {
                "StringEquals": {
                  "aws:SourceVpce": "vpce-0123456789abcdef0"
                }
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
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.reports.arn}/*"
        Condition = {
          StringEquals = {
            "aws:SourceVpce" = "vpce-0123456789abcdef0"
          }
        }
      }
    ]
  })
}
```
Or name the principals that need access (an account, a role) instead of `*`.
To publish content on purpose, serve it through CloudFront with origin
access control and keep the bucket private.

## Fix safety
None. Only you know who should have access: name the accounts or roles
that need it, or keep `*` and add a condition that narrows the callers (your
VPC endpoint, your organization). If the content is public on purpose,
suppress the finding with a reason.

## References
- [Policies and permissions in Amazon S3](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-policy-language-overview.html)
- [The meaning of "public" for block public access](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status)
- [AWS global condition context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
"#;

/// "`s3:GetObject`", "`s3:GetObject` and `s3:PutObject`", "3 actions"...
pub(crate) fn describe_actions(actions: Option<&Vec<Item<Val>>>) -> String {
    let Some(actions) = actions else {
        return "act".to_string();
    };
    let names: Vec<String> = actions
        .iter()
        .filter_map(|a| a.value.str())
        .map(|s| format!("`{s}`"))
        .collect();
    match names.len() {
        0 => "act".to_string(),
        1 => format!("call {}", names[0]),
        2 => format!("call {} and {}", names[0], names[1]),
        n => format!("call {}, {} and {} more", names[0], names[1], n - 2),
    }
}

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
            if !is_public(stmt) {
                continue;
            }
            let Some(principal) = &stmt.principal else {
                continue;
            };
            let when = item.when.and_all(&effect_when);
            sink.report(
                principal.public_span.unwrap_or(principal.span),
                &policy.res.id,
                format!(
                    "{label} lets anyone (principal `*`) {} with no condition limiting the callers; name the accounts or roles that need access, or add a condition such as `aws:PrincipalOrgID` or `aws:SourceVpce`{}",
                    describe_actions(stmt.actions.as_ref()),
                    when.describe()
                ),
            );
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
    fn public_allow_fires_at_star() {
        let s = stmt("Allow").public_principal().build();
        let at = s.principal.as_ref().and_then(|p| p.public_span);
        let f = run(&RULE, &model_of(s));
        assert_eq!(f.len(), 1);
        assert_eq!(Some(f[0].span), at);
        assert!(
            f[0].message.starts_with("bucket policy `P` lets anyone"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("`s3:GetObject`"));
    }

    #[test]
    fn narrowed_deny_and_named_are_silent() {
        for s in [
            stmt("Allow")
                .public_principal()
                .condition("StringEquals", "aws:PrincipalOrgID", &["o-1"])
                .build(),
            stmt("Deny").public_principal().build(),
            stmt("Allow").named_principal().build(),
        ] {
            assert!(run(&RULE, &model_of(s)).is_empty());
        }
    }

    #[test]
    fn policy_without_document_is_silent() {
        let mut p = policy("P", Target::Unknown, vec![]);
        p.document = None;
        let m = Model {
            policies: vec![p],
            ..Model::default()
        };
        assert!(run(&RULE, &m).is_empty());
    }
}
