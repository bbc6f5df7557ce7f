//! S3-403 cloudtrail-s3-data-events-missing: trails exist but none records S3 object-level activity.
use super::*;
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-403",
    name: "cloudtrail-s3-data-events-missing",
    group: "Logging and monitoring",
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "The file defines CloudTrail trails, but none of them records S3 data events.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Looks at the CloudTrail trails defined in the file. When there is at least one
trail and none of them selects S3 data events (object-level calls such as
`GetObject`, `PutObject` and `DeleteObject`), the first trail is reported once.

## Why is this bad?
By default a trail records only management events: who changed a bucket's
settings, not who read or deleted its objects. Without data events an
investigation cannot answer which objects were touched, by whom and from where.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      S3BucketName: example-trail-logs
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Trail": {
      "Type": "AWS::CloudTrail::Trail",
      "Properties": {
        "IsLogging": true,
        "S3BucketName": "example-trail-logs"
      }
    }
  }
}
```
```hcl
resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "example-trail-logs"
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      S3BucketName: example-trail-logs
      EventSelectors:
        - ReadWriteType: All
          IncludeManagementEvents: true
          DataResources:
            - Type: AWS::S3::Object
              Values:
                - arn:aws:s3
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Trail": {
      "Type": "AWS::CloudTrail::Trail",
      "Properties": {
        "IsLogging": true,
        "S3BucketName": "example-trail-logs",
        "EventSelectors": [
          {
            "ReadWriteType": "All",
            "IncludeManagementEvents": true,
            "DataResources": [
              {
                "Type": "AWS::S3::Object",
                "Values": [
                  "arn:aws:s3"
                ]
              }
            ]
          }
        ]
      }
    }
  }
}
```
```hcl
resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "example-trail-logs"

  event_selector {
    read_write_type           = "All"
    include_management_events = true

    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}
```

## Fix safety
There is no quick fix: which buckets to cover, and whether to record reads,
writes or both, is a cost and compliance decision.

## References
- [Logging data events with CloudTrail](https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html)
- [Logging Amazon S3 API calls using CloudTrail](https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    let Some(first) = model.trails.first() else {
        return;
    };
    // A trail whose selectors cannot be read might record data events.
    if model.trails.iter().any(|t| t.s3_data_events != Some(false)) {
        return;
    }
    let message = if model.trails.len() == 1 {
        format!(
            "trail `{}` records no S3 data events, so object reads, writes and deletions are not audited; add an event selector for S3 objects",
            first.res.id
        )
    } else {
        format!(
            "none of the {} trails in this file records S3 data events, so object reads, writes and deletions are not audited; add an event selector for S3 objects to one of them",
            model.trails.len()
        )
    };
    sink.report(first.res.id_span, &first.res.id, message);
}
