//! S3-604 cors-exposes-any-header: a CORS rule exposes every response header.
use super::cors_util::{each_value, is_wildcard};
use super::*;
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-604",
    name: "cors-exposes-any-header",
    group: "CORS",
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "A CORS rule exposes any response header (`*`) to scripts.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports `*` among the exposed headers of a bucket's CORS rule.

## Why is this bad?
Exposed headers are the response headers that scripts of another origin may
read. S3 responses carry headers such as `x-amz-version-id`,
`x-amz-server-side-encryption-aws-kms-key-id` and user metadata
(`x-amz-meta-*`), which can reveal internal details. Expose only what your
pages need, for example `ETag`.

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
            ExposedHeaders:
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
              "ExposedHeaders": [
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
    expose_headers  = ["*"]
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
            ExposedHeaders:
              - ETag
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
              "ExposedHeaders": [
                "ETag"
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
    expose_headers  = ["ETag"]
  }
}
```

## Fix safety
There is no quick fix: only you know which headers your pages read.

## References
- [CORS configuration elements](https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    each_value(
        model,
        |r| &r.exposed,
        |bucket, _, val, when| {
            if !is_wildcard(val) {
                return false;
            }
            sink.report(
            val.span,
            &bucket.res.id,
            format!(
                "a CORS rule of bucket `{}` exposes every response header to scripts of other origins{}{}; list only the headers your pages read",
                bucket.res.id,
                val.describe_via(),
                when.describe()
            ),
        );
            true
        },
    );
}
