//! S3-602 cors-any-header: a CORS rule accepts any request header.
use super::cors_util::{each_value, is_wildcard};
use super::*;
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-602",
    name: "cors-any-header",
    group: "CORS",
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "A CORS rule allows any request header (`*`).",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports `*` among the allowed headers of a bucket's CORS rule.

## Why is this bad?
The allowed headers say which headers a cross-origin page may send in its
requests. A wildcard lets pages send any header, including ones your
application never expects, which widens what a hostile page can try. Listing
the few headers the browser really sends keeps the rule honest.

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
            AllowedHeaders:
              - "*"
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
              ],
              "AllowedHeaders": [
                "*"
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
    allowed_headers = ["*"]
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
            AllowedHeaders:
              - Authorization
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
              ],
              "AllowedHeaders": [
                "Authorization"
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
    allowed_headers = ["Authorization"]
  }
}
```

## Fix safety
There is no quick fix: only you know which headers your pages send.

## References
- [CORS configuration elements](https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    each_value(
        model,
        |r| &r.headers,
        |bucket, _, val, when| {
            if !is_wildcard(val) {
                return false;
            }
            sink.report(
            val.span,
            &bucket.res.id,
            format!(
                "a CORS rule of bucket `{}` allows any request header{}{}; list the headers your pages actually send",
                bucket.res.id,
                val.describe_via(),
                when.describe()
            ),
        );
            true
        },
    );
}
