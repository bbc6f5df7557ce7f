//! S3-506 lifecycle-transition-invalid: lifecycle transition or expiration values AWS rejects.
use super::*;
use crate::model::*;
use crate::text::Span;
use foldhash::{HashSet, HashSetExt};

pub static RULE: Rule = Rule {
    id: "S3-506",
    name: "lifecycle-transition-invalid",
    group: "Data protection",
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary:
        "A lifecycle rule has a storage class, transition day or expiration day that AWS rejects.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Checks the numbers and storage classes of lifecycle rules before deploy:
a transition to an unknown storage class, a transition to `STANDARD_IA` or
`ONEZONE_IA` earlier than day 30, an expiration day that is not later than
every transition day of the same rule, a negative transition day, and an
expiration after zero days or less.

## Why is this bad?
S3 refuses such a lifecycle configuration, so the stack update fails (and a
CloudFormation rollback may leave other changes half done), or, for a typo in
a storage class, the data never moves where the retention policy says.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      LifecycleConfiguration:
        Rules:
          - Id: archive
            Status: Enabled
            Transitions:
              - StorageClass: STANDARD_IA
                TransitionInDays: 7
            ExpirationInDays: 365
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Data": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "LifecycleConfiguration": {
          "Rules": [
            {
              "Id": "archive",
              "Status": "Enabled",
              "Transitions": [
                {
                  "StorageClass": "STANDARD_IA",
                  "TransitionInDays": 7
                }
              ],
              "ExpirationInDays": 365
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

resource "aws_s3_bucket_lifecycle_configuration" "data" {
  bucket = aws_s3_bucket.data.id

  rule {
    id     = "archive"
    status = "Enabled"
    filter {}

    transition {
      days          = 7
      storage_class = "STANDARD_IA"
    }

    expiration {
      days = 365
    }
  }
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      LifecycleConfiguration:
        Rules:
          - Id: archive
            Status: Enabled
            Transitions:
              - StorageClass: STANDARD_IA
                TransitionInDays: 30
            ExpirationInDays: 365
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Data": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "LifecycleConfiguration": {
          "Rules": [
            {
              "Id": "archive",
              "Status": "Enabled",
              "Transitions": [
                {
                  "StorageClass": "STANDARD_IA",
                  "TransitionInDays": 30
                }
              ],
              "ExpirationInDays": 365
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

resource "aws_s3_bucket_lifecycle_configuration" "data" {
  bucket = aws_s3_bucket.data.id

  rule {
    id     = "archive"
    status = "Enabled"
    filter {}

    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }

    expiration {
      days = 365
    }
  }
}
```

## Fix safety
There is no quick fix: the right storage class or number of days depends on
how the data is used.

## References
- [Transitioning objects using Amazon S3 Lifecycle](https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html)
- [Lifecycle configuration elements](https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html)
"#;

/// Storage classes a lifecycle transition may move objects to.
const STORAGE_CLASSES: [&str; 6] = [
    "GLACIER",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "DEEP_ARCHIVE",
    "GLACIER_IR",
];

/// Storage classes that only accept objects at least 30 days old.
const MIN_30_DAYS: [&str; 2] = ["STANDARD_IA", "ONEZONE_IA"];

fn rule_label(rule: &LifecycleRule) -> String {
    match rule.id.values().find_map(|(v, _)| v.str()) {
        Some(id) => format!("lifecycle rule `{id}`"),
        None => "a lifecycle rule".to_string(),
    }
}

struct Ctx<'a> {
    bucket: &'a str,
    label: String,
    seen: HashSet<Span>,
}

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let mut seen = HashSet::new();
        for (lifecycle, lw) in bucket.lifecycle.values() {
            for item in &lifecycle.rules {
                let rule = &item.value;
                let mut ctx = Ctx {
                    bucket: &bucket.res.id,
                    label: rule_label(rule),
                    seen: std::mem::take(&mut seen),
                };
                let base = lw.and_all(&item.when);
                check_transitions(&mut ctx, &rule.transitions, &base, false, sink);
                check_transitions(&mut ctx, &rule.noncurrent_transitions, &base, true, sink);
                check_expiration(&mut ctx, rule, &base, sink);
                seen = ctx.seen;
            }
        }
    }
}

fn check_transitions(
    ctx: &mut Ctx,
    transitions: &[Item<Transition>],
    base: &When,
    noncurrent: bool,
    sink: &mut Sink,
) {
    let what = if noncurrent {
        "noncurrent versions"
    } else {
        "objects"
    };
    for item in transitions {
        let t = &item.value;
        let tw = base.and_all(&item.when);
        let mut needs_30: Option<(String, When)> = None;
        for (class, cw) in t.storage_class.values() {
            let Some(c) = class.str() else { continue };
            if MIN_30_DAYS.contains(&c) && needs_30.is_none() {
                needs_30 = Some((c.to_string(), cw.clone()));
            }
            if STORAGE_CLASSES.contains(&c) || !ctx.seen.insert(class.span) {
                continue;
            }
            let when = tw.and_all(cw);
            sink.report(
                class.span,
                ctx.bucket,
                format!(
                    "{} of bucket `{}` moves {} to `{}`{}{}, which is not a storage class a lifecycle transition accepts; use one of {}",
                    ctx.label,
                    ctx.bucket,
                    what,
                    c,
                    class.describe_via(),
                    when.describe(),
                    STORAGE_CLASSES.join(", ")
                ),
            );
        }
        for (days, dw) in t.days.values() {
            let Some(d) = days.int() else { continue };
            let when = tw.and_all(dw);
            // Day 0 is accepted for transitions (objects move right away);
            // a negative count is not.
            let message = if d < 0 {
                format!(
                    "{} of bucket `{}` moves {} after {} days{}{}; the number of days cannot be negative",
                    ctx.label,
                    ctx.bucket,
                    what,
                    d,
                    days.describe_via(),
                    when.describe()
                )
            } else if let Some((class, cw)) = needs_30.as_ref().filter(|_| d < 30) {
                format!(
                    "{} of bucket `{}` moves {} to `{}` after {} days{}{}; AWS requires at least 30 days for this storage class",
                    ctx.label,
                    ctx.bucket,
                    what,
                    class,
                    d,
                    days.describe_via(),
                    when.and_all(cw).describe()
                )
            } else {
                continue;
            };
            if ctx.seen.insert(days.span) {
                sink.report(days.span, ctx.bucket, message);
            }
        }
    }
}

fn check_expiration(ctx: &mut Ctx, rule: &LifecycleRule, base: &When, sink: &mut Sink) {
    for (exp, ew) in rule.expiration_days.values() {
        let Some(e) = exp.int() else { continue };
        if ctx.seen.contains(&exp.span) {
            continue;
        }
        let when = base.and_all(ew);
        if e <= 0 {
            ctx.seen.insert(exp.span);
            sink.report(
                exp.span,
                ctx.bucket,
                format!(
                    "{} of bucket `{}` expires objects after {} days{}{}; the number of days must be 1 or more",
                    ctx.label,
                    ctx.bucket,
                    e,
                    exp.describe_via(),
                    when.describe()
                ),
            );
            continue;
        }
        let late = rule.transitions.iter().find_map(|item| {
            item.value.days.values().find_map(|(days, dw)| {
                days.int()
                    .filter(|d| *d >= e)
                    .map(|d| (d, days.span, item.when.and_all(dw)))
            })
        });
        let Some((d, span, tw)) = late else { continue };
        ctx.seen.insert(exp.span);
        sink.report(
            exp.span,
            ctx.bucket,
            format!(
                "{} of bucket `{}` expires objects after {} days{}{}, but a transition of the same rule only happens after {} days; expire them later than every transition, or drop the transition",
                ctx.label,
                ctx.bucket,
                e,
                exp.describe_via(),
                when.and_all(&tw).describe(),
                d
            ),
        )
        .with_related(span, "the transition day");
    }
}
