//! S3-205 policy-statement-invalid: a policy statement lacks an element AWS requires.
use super::policy_util::policy_label;
use super::value_util::bad_values;
use super::*;
use crate::model::Model;
pub static RULE: Rule = Rule {
    id: "S3-205",
    name: "policy-statement-invalid",
    group: "Bucket and access point policies",
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A policy statement lacks an element AWS requires or has an invalid effect.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Flags a statement of a bucket or access point policy that AWS would reject:
no `Effect`, an effect other than `Allow` or `Deny` (case matters), neither
`Action` nor `NotAction`, neither `Principal` nor `NotPrincipal` (resource
policies must say whom they apply to), or neither `Resource` nor
`NotResource`.

## Why is this bad?
S3 refuses the whole policy with a "malformed policy" error, so the
deployment fails, often late in a stack update that then rolls back. Worse,
a statement meant to deny something (such as plain HTTP access) never takes
effect while the mistake is there.

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
          - Principal:
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
None. Add the missing element with the value you mean; the rule cannot
guess it.

## References
- [IAM JSON policy element reference](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html)
- [Bucket policy examples](https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for policy in &model.policies {
        let Some(doc) = &policy.document else {
            continue;
        };
        let label = policy_label(policy);
        for item in &doc.statements {
            let stmt = &item.value;
            let mut missing: Vec<&str> = Vec::new();
            let mut when = item.when.clone();
            if let Some(w) = stmt.effect.absent_when() {
                missing.push("Effect");
                when = when.and_all(&w);
            }
            if stmt.actions.is_none() && stmt.has_not_action.is_none() {
                missing.push("Action (or NotAction)");
            }
            if stmt.principal.is_none() && stmt.has_not_principal.is_none() {
                missing.push("Principal (or NotPrincipal)");
            }
            if !stmt.has_resource && !stmt.has_not_resource {
                missing.push("Resource (or NotResource)");
            }
            if !missing.is_empty() {
                let list = match missing.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} and {last}", rest.join(", "))
                    }
                    _ => missing.join(""),
                };
                let them = if missing.len() == 1 {
                    "it is"
                } else {
                    "they are"
                };
                sink.report(
                    stmt.span,
                    &policy.res.id,
                    format!(
                        "a statement of {label} lacks {list}; AWS rejects the whole policy until {them} added{}",
                        when.describe()
                    ),
                );
            }
            for bad in bad_values(&stmt.effect, &item.when, |s| s != "Allow" && s != "Deny") {
                sink.report(
                    bad.span,
                    &policy.res.id,
                    format!(
                        "a statement of {label} has the effect {}{}; AWS accepts only `Allow` or `Deny`, spelled exactly so{}",
                        bad.list(),
                        bad.via(),
                        bad.when.describe()
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Field, Model, Target};
    use crate::rules::model_builders::*;

    fn run_one(s: crate::model::Statement) -> Vec<crate::rules::Finding> {
        let m = Model {
            policies: vec![policy("P", Target::Unknown, vec![s])],
            ..Model::default()
        };
        run(&RULE, &m)
    }

    #[test]
    fn complete_statement_is_silent() {
        assert!(run_one(stmt("Allow").named_principal().build()).is_empty());
    }

    #[test]
    fn missing_elements_are_listed_in_one_finding() {
        let s = stmt("Allow")
            .with(|s| {
                s.effect = Field::absent();
                s.actions = None;
                s.has_resource = false;
            })
            .build();
        let at = s.span;
        let f = run_one(s);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].span, at);
        assert!(
            f[0].message.contains(
                "lacks Effect, Action (or NotAction), Principal (or NotPrincipal) and Resource (or NotResource); AWS rejects the whole policy until they are added"
            ),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn bad_effect_fires_at_value() {
        let f = run_one(stmt("allow").named_principal().build());
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("`allow`"));
    }

    #[test]
    fn unknown_effect_is_silent() {
        let s = stmt("Allow")
            .named_principal()
            .with(|s| s.effect = Field::set(unknown()))
            .build();
        assert!(run_one(s).is_empty());
    }
}
