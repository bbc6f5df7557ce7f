//! S3-404 request-metrics-missing: a bucket publishes no CloudWatch request metrics.
use super::*;
use crate::fix::{Applicability, FixIntent};
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-404",
    name: "request-metrics-missing",
    group: "Logging and monitoring",
    severity: Severity::Info,
    fix: FixAvailability::Safe,
    summary: "A bucket has no request metrics configuration.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports a bucket without a request metrics configuration, so CloudWatch gets
no per-minute request, error and latency metrics for it.

## Why is this bad?
Request metrics are what alarms are built on: a sudden burst of `GET`s, `4xx`
errors or deletes is often the first sign of leaked credentials or a
misbehaving client. Without them you learn about it from the bill.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Data": {
      "Type": "AWS::S3::Bucket"
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "data" {
  bucket = "example-data"
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      MetricsConfigurations:
        - Id: EntireBucket
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Data": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "MetricsConfigurations": [
          {
            "Id": "EntireBucket"
          }
        ]
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "data" {
  bucket = "example-data"
}

resource "aws_s3_bucket_metric" "data" {
  bucket = aws_s3_bucket.data.id
  name   = "EntireBucket"
}
```

## Fix safety
The quick fix adds a metrics configuration named `EntireBucket` with no filter,
which covers every object. It changes nothing else and is safe to apply in
bulk (request metrics are billed as CloudWatch custom metrics).

## References
- [Monitoring metrics with Amazon CloudWatch](https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudwatch-monitoring.html)
- [Creating a CloudWatch metrics configuration for all the objects in your bucket](https://docs.aws.amazon.com/AmazonS3/latest/userguide/configure-request-metrics-bucket.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let Some(when) = bucket.metrics.absent_when() else {
            continue;
        };
        sink.report(
            bucket.res.id_span,
            &bucket.res.id,
            format!(
                "bucket `{}` publishes no request metrics{}; add a metrics configuration for the entire bucket so unusual traffic can raise an alarm",
                bucket.res.id,
                when.describe()
            ),
        )
        .with_fix(
            "Add request metrics for the entire bucket",
            Applicability::Safe,
            FixIntent::AddMetrics {
                resource: bucket.res.id.clone(),
            },
        );
    }
}
