//! S3-802 access-point-invalid: an access point has no bucket or an invalid name.
use super::*;
use crate::model::*;
use crate::text::Span;
use foldhash::{HashSet, HashSetExt};

pub static RULE: Rule = Rule {
    id: "S3-802",
    name: "access-point-invalid",
    group: "Access points",
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "An access point names no bucket, or its name breaks the naming rules.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports an access point that does not say which bucket it serves, and an
access point name that AWS refuses: names are 3 to 50 characters of lowercase
letters, digits and hyphens, and start with a letter or a digit. A missing
name is fine (AWS generates one); names computed at deploy time are not
checked.

## Why is this bad?
AWS rejects such an access point, so the deploy fails and everything depending
on it (policies, applications expecting the alias) is left out.

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
      Name: Reports_Team
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
        "Name": "Reports_Team",
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
  name   = "Reports_Team"

  vpc_configuration {
    vpc_id = "vpc-0123456789abcdef0"
  }
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
      Name: reports-team
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
        "Name": "reports-team",
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
  name   = "reports-team"

  vpc_configuration {
    vpc_id = "vpc-0123456789abcdef0"
  }
}
```

## Fix safety
There is no quick fix: choose a valid name (renaming replaces the access
point) or add the bucket.

## References
- [Access points naming rules](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-restrictions-limitations-naming-rules.html)
- [Creating an access point](https://docs.aws.amazon.com/AmazonS3/latest/userguide/creating-access-points.html)
"#;

/// Why `name` is not a valid access point name, or `None` when it is.
pub(crate) fn name_problem(name: &str) -> Option<String> {
    let len = name.chars().count();
    if len < 3 {
        return Some(format!("is {len} characters long; it needs at least 3"));
    }
    if len > 50 {
        return Some(format!("is {len} characters long; it may have at most 50"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        let what = if c.is_ascii_uppercase() {
            "an upper-case letter".to_string()
        } else {
            format!("`{c}`")
        };
        return Some(format!(
            "contains {what}; only lowercase letters, digits and hyphens are allowed"
        ));
    }
    if name.starts_with('-') {
        return Some("starts with a hyphen; it must start with a letter or a digit".to_string());
    }
    None
}

fn check(model: &Model, sink: &mut Sink) {
    for ap in &model.access_points {
        if ap.kind == AccessPointKind::Regional {
            if let Some(when) = ap.bucket.absent_when() {
                sink.report(
                    ap.res.id_span,
                    &ap.res.id,
                    format!(
                        "access point `{}` names no bucket{}; AWS rejects it, so set the bucket it serves",
                        ap.res.id,
                        when.describe()
                    ),
                );
            }
        }
        let mut seen: HashSet<Span> = HashSet::new();
        for (name, when) in ap.name.values() {
            let Some(n) = name.str() else { continue };
            let Some(problem) = name_problem(n) else {
                continue;
            };
            if !seen.insert(name.span) {
                continue;
            }
            sink.report(
                name.span,
                &ap.res.id,
                format!(
                    "access point `{}` has an invalid name `{}`{}{}: it {}",
                    ap.res.id,
                    n,
                    name.describe_via(),
                    when.describe(),
                    problem
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::name_problem;

    #[test]
    fn valid_names_pass() {
        for n in ["abc", "reports-team", "0data", "a1-b2", &"a".repeat(50)] {
            assert_eq!(name_problem(n), None, "{n}");
        }
    }

    #[test]
    fn invalid_names_are_explained() {
        assert!(name_problem("ab").is_some_and(|p| p.contains("at least 3")));
        assert!(name_problem(&"a".repeat(51)).is_some_and(|p| p.contains("at most 50")));
        assert!(name_problem("Reports").is_some_and(|p| p.contains("upper-case")));
        assert!(name_problem("a_b_c").is_some_and(|p| p.contains("`_`")));
        assert!(name_problem("-abc").is_some_and(|p| p.contains("hyphen")));
    }
}
