//! S3-204 insecure-transport-allowed: no policy of a bucket denies requests made without TLS.
use super::policy_util::is_tls_deny;
use super::*;
use crate::model::Model;
pub static RULE: Rule = Rule {
    id: "S3-204",
    name: "insecure-transport-allowed",
    group: "Bucket and access point policies",
    severity: Severity::Warning,
    fix: FixAvailability::Safe,
    summary: "No policy of a bucket denies requests made without TLS.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Flags a bucket when none of its bucket policies has a `Deny` statement for
all principals, covering its objects, with the condition `Bool`
`aws:SecureTransport` = `false`. It stays silent when a policy of the file
cannot be read or cannot be matched to its bucket, since that policy may
hold the statement.

## Why is this bad?
S3 answers plain HTTP requests unless a policy refuses them. Data and
signed request headers then cross the network unencrypted, where anyone on
the path can read or alter them. Requiring TLS in the bucket policy makes
every client, including misconfigured ones, use HTTPS.

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
  ReportsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Reports
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: DenyInsecureTransport
            Effect: Deny
            Principal: "*"
            Action: s3:*
            Resource:
              - !GetAtt Reports.Arn
              - !Sub "${Reports.Arn}/*"
            Condition:
              Bool:
                aws:SecureTransport: "false"
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
              "Sid": "DenyInsecureTransport",
              "Effect": "Deny",
              "Principal": "*",
              "Action": "s3:*",
              "Resource": [
                {
                  "Fn::GetAtt": [
                    "Reports",
                    "Arn"
                  ]
                },
                {
                  "Fn::Sub": "${Reports.Arn}/*"
                }
              ],
              "Condition": {
                "Bool": {
                  "aws:SecureTransport": "false"
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
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.reports.arn, "${aws_s3_bucket.reports.arn}/*"]
        Condition = {
          Bool = {
            "aws:SecureTransport" = "false"
          }
        }
      }
    ]
  })
}
```

## Fix safety
Safe: the fix adds the `Deny` statement to the bucket's existing policy, or
a new bucket policy holding only that statement when there is none. Clients
that still use plain HTTP start getting "access denied"; every current AWS
SDK and the CLI use HTTPS by default. In Terraform the new policy is an
`aws_s3_bucket_policy` with `jsonencode({...})` (in `.tf.json`, inside a
`"${...}"` string template); an existing policy gets the statement when it is
written with `jsonencode({...})` in a `.tf` file or as a
`data "aws_iam_policy_document"` (a new `statement` block). A policy written
as a heredoc or a JSON string (which is how `.tf.json` files write any other
policy) gets no fix, as the text inside a string is not edited: add the
statement by hand.

## References
- [Enforce encryption of data in transit (security best practices for Amazon S3)](https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html)
- [AWS global condition context keys: aws:SecureTransport](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport)
"#;

fn check(model: &Model, sink: &mut Sink) {
    // A policy whose bucket cannot be resolved may be the one that denies
    // plain HTTP for any bucket: stay silent.
    if model.has_unresolved_policy() {
        return;
    }
    let policy_index = model.policy_index();
    for bucket in &model.buckets {
        let id = &bucket.res.id;
        let policies = policy_index.of(bucket);
        // An unreadable document may hold the statement.
        if policies.iter().any(|p| p.document.is_none()) {
            continue;
        }
        let denies = policies.iter().any(|p| {
            p.document
                .as_ref()
                .is_some_and(|d| d.statements.iter().any(|s| is_tls_deny(&s.value)))
        });
        if denies {
            continue;
        }
        let first = policies.first().map(|p| p.res.id.clone());
        let (message, title) = match &first {
            Some(p) => (
                format!(
                    "bucket `{id}` accepts requests over plain HTTP: its bucket policy `{p}` does not deny requests where `aws:SecureTransport` is false; add a statement that denies them"
                ),
                "Add a statement denying requests without TLS",
            ),
            None => (
                format!(
                    "bucket `{id}` accepts requests over plain HTTP: it has no bucket policy denying requests where `aws:SecureTransport` is false; add one"
                ),
                "Add a bucket policy denying requests without TLS",
            ),
        };
        let finding = sink.report(bucket.res.id_span, id, message);
        if let Some(p) = policies.first() {
            finding.with_related(
                p.res.id_span,
                "this bucket policy should deny requests without TLS",
            );
        }
        finding.with_fix(
            title,
            Applicability::Safe,
            FixIntent::AddTlsDeny {
                bucket: id.clone(),
                policy: first,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Target;
    use crate::rules::model_builders::*;

    fn tls_deny() -> crate::model::Statement {
        stmt("Deny")
            .public_principal()
            .action("s3:*")
            .condition("Bool", "aws:SecureTransport", &["false"])
            .build()
    }

    #[test]
    fn bucket_without_policy_fires_with_new_policy_fix() {
        let b = bucket("Reports");
        let at = b.res.id_span;
        let f = run(&RULE, &model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].span, at);
        assert_eq!(
            f[0].fix.as_ref().map(|x| &x.intent),
            Some(&FixIntent::AddTlsDeny {
                bucket: "Reports".into(),
                policy: None
            })
        );
    }

    #[test]
    fn policy_without_deny_fires_with_policy_id() {
        let mut m = model_with(vec![bucket("Reports")]);
        m.policies.push(policy(
            "ReportsPolicy",
            Target::Resource("Reports".into()),
            vec![stmt("Allow").named_principal().build()],
        ));
        let f = run(&RULE, &m);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("bucket policy `ReportsPolicy`"));
        assert_eq!(
            f[0].fix.as_ref().map(|x| &x.intent),
            Some(&FixIntent::AddTlsDeny {
                bucket: "Reports".into(),
                policy: Some("ReportsPolicy".into())
            })
        );
    }

    #[test]
    fn tls_deny_silences() {
        let mut m = model_with(vec![bucket("Reports")]);
        m.policies.push(policy(
            "ReportsPolicy",
            Target::Resource("Reports".into()),
            vec![tls_deny()],
        ));
        assert!(run(&RULE, &m).is_empty());
    }

    #[test]
    fn policy_of_another_bucket_does_not_count() {
        let mut m = model_with(vec![bucket("Reports"), bucket("Other")]);
        m.policies.push(policy(
            "OtherPolicy",
            Target::Resource("Other".into()),
            vec![tls_deny()],
        ));
        let f = run(&RULE, &m);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].resource.as_deref(), Some("Reports"));
    }

    #[test]
    fn unresolved_or_unreadable_policy_silences() {
        let mut m = model_with(vec![bucket("Reports")]);
        m.policies.push(policy("P", Target::Unknown, vec![]));
        assert!(run(&RULE, &m).is_empty());
        let mut m = model_with(vec![bucket("Reports")]);
        let mut p = policy("P", Target::Resource("Reports".into()), vec![]);
        p.document = None;
        m.policies.push(p);
        assert!(run(&RULE, &m).is_empty());
    }
}
