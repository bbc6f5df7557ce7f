//! S3-903 notification-target-missing: an event notification has no target or an unencrypted one.
use super::*;
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-903",
    name: "notification-target-missing",
    group: "Governance",
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary:
        "An event notification has no target, or targets an unencrypted queue or topic of the file.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports a queue, topic or Lambda notification of a bucket that names no target,
and one that points at an SQS queue or SNS topic defined in the same file
without server-side encryption. A queue counts as encrypted unless its
SQS-managed encryption is explicitly turned off, because SQS encrypts new
queues by default.

## Why is this bad?
A notification without a target is rejected at deploy. Event messages carry
object keys, which often contain names, ids or other data; sent to an
unencrypted queue or topic they are stored in plain text outside the bucket's
own protection.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Events:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: false
  Data:
    Type: AWS::S3::Bucket
    Properties:
      NotificationConfiguration:
        QueueConfigurations:
          - Event: s3:ObjectCreated:*
            Queue: !GetAtt Events.Arn
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Events": {
      "Type": "AWS::SQS::Queue",
      "Properties": {
        "SqsManagedSseEnabled": false
      }
    },
    "Data": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "NotificationConfiguration": {
          "QueueConfigurations": [
            {
              "Event": "s3:ObjectCreated:*",
              "Queue": {
                "Fn::GetAtt": [
                  "Events",
                  "Arn"
                ]
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
resource "aws_s3_bucket" "data" {
  bucket = "example-data"
}

resource "aws_sqs_queue" "events" {
  name                    = "events"
  sqs_managed_sse_enabled = false
}

resource "aws_s3_bucket_notification" "data" {
  bucket = aws_s3_bucket.data.id

  queue {
    queue_arn = aws_sqs_queue.events.arn
    events    = ["s3:ObjectCreated:*"]
  }
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Events:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: alias/aws/sqs
  Data:
    Type: AWS::S3::Bucket
    Properties:
      NotificationConfiguration:
        QueueConfigurations:
          - Event: s3:ObjectCreated:*
            Queue: !GetAtt Events.Arn
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Events": {
      "Type": "AWS::SQS::Queue",
      "Properties": {
        "KmsMasterKeyId": "alias/aws/sqs"
      }
    },
    "Data": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "NotificationConfiguration": {
          "QueueConfigurations": [
            {
              "Event": "s3:ObjectCreated:*",
              "Queue": {
                "Fn::GetAtt": [
                  "Events",
                  "Arn"
                ]
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
resource "aws_s3_bucket" "data" {
  bucket = "example-data"
}

resource "aws_sqs_queue" "events" {
  name                    = "events"
  sqs_managed_sse_enabled = true
}

resource "aws_s3_bucket_notification" "data" {
  bucket = aws_s3_bucket.data.id

  queue {
    queue_arn = aws_sqs_queue.events.arn
    events    = ["s3:ObjectCreated:*"]
  }
}
```

## Fix safety
There is no quick fix: choose the target, or the key that encrypts the queue
or topic (a customer managed key also needs a key policy that lets S3 use it).

## References
- [Amazon S3 event notifications](https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html)
- [Encryption at rest in Amazon SQS](https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html)
"#;

fn kind_name(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::Queue => "queue",
        NotificationKind::Topic => "topic",
        NotificationKind::Lambda => "Lambda function",
    }
}

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        for item in &bucket.notifications {
            let n = &item.value;
            let kind = kind_name(n.kind);
            if let Some(tw) = n.target.absent_when() {
                sink.report(
                    n.span,
                    &bucket.res.id,
                    format!(
                        "a {} notification of bucket `{}` names no {}{}; AWS rejects it, so give the {} ARN",
                        kind,
                        bucket.res.id,
                        kind,
                        item.when.and_all(&tw).describe(),
                        kind
                    ),
                );
            }
            if n.kind == NotificationKind::Lambda {
                continue;
            }
            let Some(target_id) = &n.target_ref else {
                continue;
            };
            let Some(target) = model
                .messaging
                .iter()
                .find(|m| &m.res.id == target_id && m.encrypted == Some(false))
            else {
                continue;
            };
            let (span, when) = match n.target.values().next() {
                Some((v, w)) => (v.span, item.when.and_all(w)),
                None => (n.span, item.when.clone()),
            };
            let target_kind = match target.kind {
                TargetKind::Queue => "queue",
                TargetKind::Topic => "topic",
            };
            sink.report(
                span,
                &bucket.res.id,
                format!(
                    "bucket `{}` sends event notifications to {} `{}`, which is not encrypted{}; turn on server-side encryption for the {}",
                    bucket.res.id,
                    target_kind,
                    target.res.id,
                    when.describe(),
                    target_kind
                ),
            )
            .with_related(target.res.id_span, "the unencrypted target is defined here");
        }
    }
}
