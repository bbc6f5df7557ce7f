//! S3-601 cors-any-origin: a CORS rule lets every website call the bucket.
use super::cors_util::{each_value, is_wildcard};
use super::*;
use crate::fix::{Applicability, FixIntent, NewValue};
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-601",
    name: "cors-any-origin",
    group: "CORS",
    severity: Severity::Warning,
    fix: FixAvailability::NeedsInput,
    summary: "A CORS rule allows requests from any origin (`*`).",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports `*` among the allowed origins of a bucket's CORS rule. The finding is
an error when the same rule also allows `PUT`, `POST` or `DELETE`.

## Why is this bad?
CORS decides which websites may call the bucket from a visitor's browser. With
`*`, any page on the internet can script requests to it; combined with write
methods, a malicious page can upload or delete objects using the access of
whoever visits it.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Assets:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedOrigins:
              - "*"
            AllowedMethods:
              - GET
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Assets": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "CorsConfiguration": {
          "CorsRules": [
            {
              "AllowedOrigins": [
                "*"
              ],
              "AllowedMethods": [
                "GET"
              ]
            }
          ]
        }
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "assets" {
  bucket = "example-assets"
}

resource "aws_s3_bucket_cors_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id

  cors_rule {
    allowed_origins = ["*"]
    allowed_methods = ["GET"]
  }
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Assets:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedOrigins:
              - https://www.example.com
            AllowedMethods:
              - GET
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Assets": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "CorsConfiguration": {
          "CorsRules": [
            {
              "AllowedOrigins": [
                "https://www.example.com"
              ],
              "AllowedMethods": [
                "GET"
              ]
            }
          ]
        }
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "assets" {
  bucket = "example-assets"
}

resource "aws_s3_bucket_cors_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id

  cors_rule {
    allowed_origins = ["https://www.example.com"]
    allowed_methods = ["GET"]
  }
}
```

## Fix safety
The quick fix replaces the literal `*` with a placeholder origin you must fill
in with your site's address, so it needs input and is offered one finding at a
time. No fix is offered when the `*` comes from a parameter.

## References
- [Using cross-origin resource sharing (CORS)](https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html)
- [CORS configuration elements](https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html)
"#;

const WRITE_METHODS: [&str; 3] = ["PUT", "POST", "DELETE"];

fn check(model: &Model, sink: &mut Sink) {
    each_value(
        model,
        |r| &r.origins,
        |bucket, rule, val, when| {
            if !is_wildcard(val) {
                return false;
            }
            let writes: Vec<&str> = WRITE_METHODS
                .iter()
                .copied()
                .filter(|m| {
                    rule.methods
                        .iter()
                        .any(|i| i.value.str().is_some_and(|s| s.eq_ignore_ascii_case(m)))
                })
                .collect();
            let message = if writes.is_empty() {
                format!(
                "a CORS rule of bucket `{}` allows any origin{}{}, so every website can read from it in its visitors' browsers; list the origins that need access",
                bucket.res.id,
                val.describe_via(),
                when.describe()
            )
            } else {
                format!(
                "a CORS rule of bucket `{}` allows any origin to send {} requests{}{}, so any website can change objects through its visitors' browsers; list the origins that need access",
                bucket.res.id,
                writes.join("/"),
                val.describe_via(),
                when.describe()
            )
            };
            let finding = sink.report(val.span, &bucket.res.id, message);
            if !writes.is_empty() {
                finding.with_severity(Severity::Error);
            }
            if val.literal && val.via.is_none() {
                finding.with_fix(
                    "Replace `*` with an allowed origin",
                    Applicability::NeedsInput,
                    FixIntent::ReplaceValue {
                        span: val.span,
                        value: NewValue::OriginPlaceholder,
                    },
                );
            }
            true
        },
    );
}
