//! S3-507 object-lock-misconfigured: object lock settings that AWS rejects or that have no effect.
use super::*;
use crate::model::*;
use crate::text::Span;
use foldhash::{HashSet, HashSetExt};

pub static RULE: Rule = Rule {
    id: "S3-507",
    name: "object-lock-misconfigured",
    group: "Data protection",
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "Object lock settings are inconsistent, so AWS rejects them or they do nothing.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports object lock settings that cannot work: an object lock configuration on
a bucket that does not turn object lock on; a default retention with both days
and years, or with neither; a retention mode other than `GOVERNANCE` or
`COMPLIANCE`; object lock on a bucket whose versioning is `Suspended`.

## Why is this bad?
S3 rejects these settings, so the deploy fails, or the bucket ends up without
the write-once protection the template seems to promise. Object lock only
protects object versions, so it needs versioning left on.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Records:
    Type: AWS::S3::Bucket
    Properties:
      ObjectLockConfiguration:
        ObjectLockEnabled: Enabled
        Rule:
          DefaultRetention:
            Mode: GOVERNANCE
            Days: 30
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Records": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "ObjectLockConfiguration": {
          "ObjectLockEnabled": "Enabled",
          "Rule": {
            "DefaultRetention": {
              "Mode": "GOVERNANCE",
              "Days": 30
            }
          }
        }
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "records" {
  bucket = "example-records"
}

resource "aws_s3_bucket_object_lock_configuration" "records" {
  bucket = aws_s3_bucket.records.id

  rule {
    default_retention {
      mode  = "GOVERNANCE"
      days  = 30
      years = 1
    }
  }
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Records:
    Type: AWS::S3::Bucket
    Properties:
      ObjectLockEnabled: true
      ObjectLockConfiguration:
        ObjectLockEnabled: Enabled
        Rule:
          DefaultRetention:
            Mode: GOVERNANCE
            Days: 30
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Records": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "ObjectLockEnabled": true,
        "ObjectLockConfiguration": {
          "ObjectLockEnabled": "Enabled",
          "Rule": {
            "DefaultRetention": {
              "Mode": "GOVERNANCE",
              "Days": 30
            }
          }
        }
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "records" {
  bucket              = "example-records"
  object_lock_enabled = true
}

resource "aws_s3_bucket_object_lock_configuration" "records" {
  bucket = aws_s3_bucket.records.id

  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = 30
    }
  }
}
```

## Fix safety
There is no quick fix: which retention period and mode apply is a compliance
decision, and object lock cannot be turned off again once a bucket has it.

## References
- [Locking objects with Object Lock](https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html)
- [Configuring S3 Object Lock](https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let id = &bucket.res.id;
        // An unknown or unusual value might turn object lock on.
        let maybe_on = bucket
            .object_lock_enabled
            .values()
            .any(|(v, _)| v.bool() != Some(false));
        let known_on = bucket
            .object_lock_enabled
            .values()
            .any(|(v, _)| v.bool() == Some(true));
        for (lock, ow) in bucket.object_lock.values() {
            if !maybe_on {
                sink.report(
                    lock.span,
                    id,
                    format!(
                        "bucket `{id}` has object lock settings but object lock is not turned on for the bucket{}; AWS rejects this, so turn object lock on for the bucket as well",
                        ow.describe()
                    ),
                );
            }
            for (ret, rw) in lock.retention.values() {
                check_retention(id, ret, &ow.and_all(rw), sink);
            }
        }
        if !(known_on || bucket.object_lock.is_present_somewhere()) {
            continue;
        }
        let mut seen: HashSet<Span> = HashSet::new();
        for (versioning, vw) in bucket.versioning.values() {
            for (status, sw) in versioning.status.values() {
                if status.str() != Some("Suspended") || !seen.insert(status.span) {
                    continue;
                }
                sink.report(
                    status.span,
                    id,
                    format!(
                        "bucket `{id}` uses object lock but its versioning is suspended{}{}; object lock protects object versions, so versioning must stay enabled",
                        status.describe_via(),
                        vw.and_all(sw).describe()
                    ),
                );
            }
        }
    }
}

fn check_retention(id: &str, ret: &Retention, when: &When, sink: &mut Sink) {
    let days = ret.days.is_present_somewhere();
    let years = ret.years.is_present_somewhere();
    if days && years {
        sink.report(
            ret.span,
            id,
            format!(
                "the default retention of bucket `{id}` sets both days and years{}; AWS accepts only one, so keep one of them",
                when.describe()
            ),
        );
    } else if !days && !years {
        sink.report(
            ret.span,
            id,
            format!(
                "the default retention of bucket `{id}` sets no period{}; give it a number of days or of years",
                when.describe()
            ),
        );
    }
    if let Some(mw) = ret.mode.absent_when() {
        sink.report(
            ret.span,
            id,
            format!(
                "the default retention of bucket `{id}` has no mode{}; set `GOVERNANCE` or `COMPLIANCE`",
                when.and_all(&mw).describe()
            ),
        );
    }
    let mut seen: HashSet<Span> = HashSet::new();
    for (mode, mw) in ret.mode.values() {
        let Some(m) = mode.str() else { continue };
        if m == "GOVERNANCE" || m == "COMPLIANCE" || !seen.insert(mode.span) {
            continue;
        }
        sink.report(
            mode.span,
            id,
            format!(
                "the default retention of bucket `{id}` has mode `{m}`{}{}; the mode must be `GOVERNANCE` or `COMPLIANCE`",
                mode.describe_via(),
                when.and_all(mw).describe()
            ),
        );
    }
}
