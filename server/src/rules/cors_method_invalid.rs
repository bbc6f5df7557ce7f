//! S3-603 cors-method-invalid: a CORS rule lists a method S3 does not accept.
use super::cors_util::each_value;
use super::*;
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-603",
    name: "cors-method-invalid",
    group: "CORS",
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A CORS rule allows a method other than GET, PUT, HEAD, POST or DELETE.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports an allowed method of a CORS rule that is not one of `GET`, `PUT`,
`HEAD`, `POST` or `DELETE`, written in upper case.

## Why is this bad?
S3 accepts only those five methods in a CORS rule and rejects the whole
configuration otherwise, so the deploy fails. A wildcard such as `*` is not
accepted either: list the methods the browser needs.

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
              - https://www.example.com
            AllowedMethods:
              - GET
              - OPTIONS
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
                "GET",
                "OPTIONS"
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
    allowed_methods = ["GET", "OPTIONS"]
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
              - HEAD
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
                "GET",
                "HEAD"
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
    allowed_methods = ["GET", "HEAD"]
  }
}
```

## Fix safety
There is no quick fix; completion offers the accepted methods. Preflight
`OPTIONS` requests need no entry: S3 answers them from the rule itself.

## References
- [CORS configuration elements](https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html)
"#;

const METHODS: [&str; 5] = ["GET", "PUT", "HEAD", "POST", "DELETE"];

fn check(model: &Model, sink: &mut Sink) {
    each_value(
        model,
        |r| &r.methods,
        |bucket, _, val, when| {
            let Some(m) = val.str() else { return false };
            if METHODS.contains(&m) {
                return false;
            }
            let hint = if METHODS.contains(&m.to_ascii_uppercase().as_str()) {
                format!("write it in upper case: `{}`", m.to_ascii_uppercase())
            } else {
                format!("use one of {}", METHODS.join(", "))
            };
            sink.report(
                val.span,
                &bucket.res.id,
                format!(
                "a CORS rule of bucket `{}` allows method `{}`{}{}, which S3 does not accept; {}",
                bucket.res.id,
                m,
                val.describe_via(),
                when.describe(),
                hint
            ),
            );
            true
        },
    );
}
