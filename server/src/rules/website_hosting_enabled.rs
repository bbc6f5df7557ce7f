//! S3-701 website-hosting-enabled: a bucket serves a static website over plain HTTP.
use super::*;
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-701",
    name: "website-hosting-enabled",
    group: "Website hosting",
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "A bucket has static website hosting turned on.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports a bucket with a website configuration.

## Why is this bad?
The S3 website endpoint speaks only plain HTTP, so pages and files travel
unencrypted and can be read or altered on the way. It also requires the
objects to be publicly readable. Serving the bucket through CloudFront with an
origin access control gives HTTPS and keeps the bucket private.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      WebsiteConfiguration:
        IndexDocument: index.html
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Site": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "WebsiteConfiguration": {
          "IndexDocument": "index.html"
        }
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "site" {
  bucket = "example-site"
}

resource "aws_s3_bucket_website_configuration" "site" {
  bucket = aws_s3_bucket.site.id

  index_document {
    suffix = "index.html"
  }
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Site:
    Type: AWS::S3::Bucket
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Site": {
      "Type": "AWS::S3::Bucket"
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "site" {
  bucket = "example-site"
}

# Serve the bucket through a CloudFront distribution with an origin
# access control instead of the website endpoint.
```

## Fix safety
There is no quick fix: moving a site behind CloudFront is a design change. If
the website endpoint is intended, suppress the finding with a reason.

## References
- [Hosting a static website using Amazon S3](https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteHosting.html)
- [Restricting access to an Amazon S3 origin](https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        for (website, when) in bucket.website.values() {
            sink.report(
                website.span,
                &bucket.res.id,
                format!(
                    "bucket `{}` is set up as a static website{}; the website endpoint serves content over plain HTTP only, so put a CloudFront distribution in front of the bucket for HTTPS",
                    bucket.res.id,
                    when.describe()
                ),
            );
        }
    }
}
