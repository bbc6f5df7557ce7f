//! S3-111 public-acl: a bucket grants access to everyone through a canned ACL or grant.
use super::value_util::{bad_values, BadAt};
use super::*;
use crate::fix::NewValue;
use crate::model::{Model, When};

pub static RULE: Rule = Rule {
    id: "S3-111",
    name: "public-acl",
    group: "Public access",
    severity: Severity::Error,
    fix: FixAvailability::Safe,
    summary: "A bucket grants access to everyone through a canned ACL or grant.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Flags a bucket whose ACL opens it to the public: the canned ACLs
`PublicRead`, `PublicReadWrite` and `AuthenticatedRead` (Terraform
`public-read`, `public-read-write`, `authenticated-read`), and grants to the
AllUsers or AuthenticatedUsers groups.

## Why is this bad?
AllUsers means anyone on the internet, without signing in.
AuthenticatedUsers is hardly better: it means anyone with any AWS account,
not just yours. A public-read bucket lets strangers list and download every
object; public-read-write also lets them upload, overwrite and run up your
bill.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Reports:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Reports": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "AccessControl": "PublicRead"
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "reports" {
  bucket = "example-reports"
}

resource "aws_s3_bucket_acl" "reports" {
  bucket = aws_s3_bucket.reports.id
  acl    = "public-read"
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Reports:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: Private
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Reports": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "AccessControl": "Private"
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "reports" {
  bucket = "example-reports"
}

resource "aws_s3_bucket_acl" "reports" {
  bucket = aws_s3_bucket.reports.id
  acl    = "private"
}
```
Better still, drop the ACL and set object ownership to bucket owner
enforced (see S3-112); to share content publicly, put a CloudFront
distribution with origin access control in front of a private bucket.

## Fix safety
Safe for a canned ACL written in the file: the fix sets it to `Private`
(`private`). Anyone who relied on anonymous access loses it, which is the
intent. No fix is offered when the value comes from a parameter or variable,
or for a grant to a public group: remove the grant, or decide which account
should get it instead.

## References
- [Access control list (ACL) overview: canned ACLs and Amazon S3 groups](https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html)
- [Blocking public access to your Amazon S3 storage](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html)
"#;

/// What a public canned ACL lets outsiders do, keyed by its normalised name.
fn canned_risk(acl: &str) -> Option<&'static str> {
    let norm: String = acl
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    match norm.as_str() {
        "publicread" => Some("anyone on the internet can list and read its objects"),
        "publicreadwrite" => {
            Some("anyone on the internet can list, read, upload and overwrite its objects")
        }
        "authenticatedread" => Some("anyone with any AWS account can list and read its objects"),
        _ => None,
    }
}

/// The public group a grantee URI names, if any.
fn public_group(uri: &str) -> Option<&'static str> {
    let u = uri.trim().trim_end_matches('/');
    if u.ends_with("acs.amazonaws.com/groups/global/AllUsers") {
        Some("AllUsers (anyone on the internet)")
    } else if u.ends_with("acs.amazonaws.com/groups/global/AuthenticatedUsers") {
        Some("AuthenticatedUsers (anyone with any AWS account)")
    } else {
        None
    }
}

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let id = &bucket.res.id;
        for bad in bad_values(&bucket.acl, &When::always(), |s| canned_risk(s).is_some()) {
            report_canned(sink, id, &bad);
        }
        for grant in &bucket.grants {
            for bad in bad_values(&grant.value.grantee_uri, &grant.when, |s| {
                public_group(s).is_some()
            }) {
                let group = bad
                    .first()
                    .str()
                    .and_then(public_group)
                    .unwrap_or("a public group");
                sink.report(
                    bad.span,
                    id,
                    format!(
                        "bucket `{id}` grants access to the group {group}{}; remove this grant or give it to a specific account{}",
                        bad.via(),
                        bad.when.describe()
                    ),
                );
            }
        }
    }
}

fn report_canned(sink: &mut Sink, id: &str, bad: &BadAt) {
    let risk = bad
        .first()
        .str()
        .and_then(canned_risk)
        .unwrap_or("it is public");
    let f = sink.report(
        bad.span,
        id,
        format!(
            "bucket `{id}` uses the public canned ACL {}{}, so {risk}; make it private{}",
            bad.list(),
            bad.via(),
            bad.when.describe()
        ),
    );
    if bad.literal() {
        f.with_fix(
            "Make the ACL private",
            Applicability::Safe,
            FixIntent::ReplaceValue {
                span: bad.span,
                value: NewValue::PrivateAcl,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Field, Grant, Item};
    use crate::rules::model_builders::*;

    #[test]
    fn public_canned_acls_fire_with_fix() {
        for acl in [
            "PublicRead",
            "PublicReadWrite",
            "AuthenticatedRead",
            "public-read",
        ] {
            let mut b = bucket("Reports");
            let v = lit(acl);
            let at = v.span;
            b.acl = Field::set(v);
            let f = run(&RULE, &model_with(vec![b]));
            assert_eq!(f.len(), 1, "{acl}");
            assert_eq!(f[0].span, at);
            assert!(
                f[0].message.contains(&format!("`{acl}`")),
                "{}",
                f[0].message
            );
            assert!(f[0].fix.is_some());
        }
    }

    #[test]
    fn private_and_unknown_are_silent() {
        let mut a = bucket("A");
        a.acl = Field::set(lit("Private"));
        let mut b = bucket("B");
        b.acl = Field::set(lit("LogDeliveryWrite"));
        let mut c = bucket("C");
        c.acl = Field::set(unknown());
        assert!(run(&RULE, &model_with(vec![a, b, c])).is_empty());
    }

    #[test]
    fn parameter_values_are_grouped_without_fix() {
        let mut b = bucket("Reports");
        b.acl = field_of(param("Acl", &["Private", "PublicRead", "PublicReadWrite"]));
        let f = run(&RULE, &model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message
                .contains("`PublicRead` or `PublicReadWrite` (from parameter `Acl`)"),
            "{}",
            f[0].message
        );
        assert!(f[0].fix.is_none());
    }

    #[test]
    fn conditional_acl_names_condition() {
        let mut b = bucket("Reports");
        b.acl = if_else("IsPublic", Some(lit("PublicRead")), Some(lit("Private")));
        let f = run(&RULE, &model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert!(f[0].message.ends_with("when condition `IsPublic` is true"));
    }

    #[test]
    fn public_group_grant_fires_without_fix() {
        let mut b = bucket("Reports");
        b.grants = vec![
            Item {
                when: crate::model::When::always(),
                value: Grant {
                    span: span(),
                    grantee_uri: Field::set(lit("http://acs.amazonaws.com/groups/global/AllUsers")),
                },
            },
            Item {
                when: crate::model::When::always(),
                value: Grant {
                    span: span(),
                    grantee_uri: Field::set(lit("http://acs.amazonaws.com/groups/s3/LogDelivery")),
                },
            },
        ];
        let f = run(&RULE, &model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("AllUsers"));
        assert!(f[0].fix.is_none());
    }
}
