//! S3-702 website-redirect-not-https: a website redirect does not send visitors to HTTPS.
use super::*;
use crate::fix::{Applicability, FixIntent};
use crate::model::*;
use crate::text::Span;
use foldhash::{HashSet, HashSetExt};

pub static RULE: Rule = Rule {
    id: "S3-702",
    name: "website-redirect-not-https",
    group: "Website hosting",
    severity: Severity::Warning,
    fix: FixAvailability::Safe,
    summary: "A website redirect uses `http` or leaves the protocol out.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports a website redirect (the redirect of all requests, or the redirect of a
routing rule) whose protocol is `http` or is not given.

## Why is this bad?
Without a protocol the redirect keeps the protocol of the original request,
which on the S3 website endpoint is plain HTTP. Visitors are then sent on over
an unencrypted connection, where the page and any cookies or tokens in the URL
can be read or changed.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Redirect:
    Type: AWS::S3::Bucket
    Properties:
      WebsiteConfiguration:
        RedirectAllRequestsTo:
          HostName: www.example.com
          Protocol: http
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Redirect": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "WebsiteConfiguration": {
          "RedirectAllRequestsTo": {
            "HostName": "www.example.com",
            "Protocol": "http"
          }
        }
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "redirect" {
  bucket = "example-redirect"
}

resource "aws_s3_bucket_website_configuration" "redirect" {
  bucket = aws_s3_bucket.redirect.id

  redirect_all_requests_to {
    host_name = "www.example.com"
    protocol  = "http"
  }
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Redirect:
    Type: AWS::S3::Bucket
    Properties:
      WebsiteConfiguration:
        RedirectAllRequestsTo:
          HostName: www.example.com
          Protocol: https
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Redirect": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "WebsiteConfiguration": {
          "RedirectAllRequestsTo": {
            "HostName": "www.example.com",
            "Protocol": "https"
          }
        }
      }
    }
  }
}
```
```hcl
resource "aws_s3_bucket" "redirect" {
  bucket = "example-redirect"
}

resource "aws_s3_bucket_website_configuration" "redirect" {
  bucket = aws_s3_bucket.redirect.id

  redirect_all_requests_to {
    host_name = "www.example.com"
    protocol  = "https"
  }
}
```

## Fix safety
The quick fix sets the protocol to `https`, adding it when it is missing. It
is safe to apply in bulk as long as the target host serves HTTPS, which any
public site should. No fix is offered when the protocol comes from a parameter.

## References
- [Configuring a webpage redirect](https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-to-page-redirect.html)
- [Setting up redirection rules](https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-to-page-redirect.html#advanced-conditional-redirects)
"#;

const FIX_TITLE: &str = "Redirect to HTTPS";

fn check(model: &Model, sink: &mut Sink) {
    for bucket in &model.buckets {
        let mut seen: HashSet<Span> = HashSet::new();
        for (website, ww) in bucket.website.values() {
            for (redirect, rw) in website.redirect_all.values() {
                check_redirect(
                    bucket,
                    redirect,
                    &ww.and_all(rw),
                    "redirects all requests",
                    &mut seen,
                    sink,
                );
            }
            for item in &website.routing_redirects {
                check_redirect(
                    bucket,
                    &item.value,
                    &ww.and_all(&item.when),
                    "has a routing rule that redirects",
                    &mut seen,
                    sink,
                );
            }
        }
    }
}

fn check_redirect(
    bucket: &Bucket,
    redirect: &Redirect,
    base: &When,
    what: &str,
    seen: &mut HashSet<Span>,
    sink: &mut Sink,
) {
    let fix = FixIntent::RedirectHttps {
        redirect: redirect.span,
    };
    if let Some(pw) = redirect.protocol.absent_when() {
        if seen.insert(redirect.span) {
            sink.report(
                redirect.span,
                &bucket.res.id,
                format!(
                    "website bucket `{}` {} without a protocol{}, so visitors stay on plain HTTP; set the protocol to `https`",
                    bucket.res.id,
                    what,
                    base.and_all(&pw).describe()
                ),
            )
            .with_fix(FIX_TITLE, Applicability::Safe, fix.clone());
        }
    }
    for (protocol, pw) in redirect.protocol.values() {
        let Some(p) = protocol.str() else { continue };
        if !p.eq_ignore_ascii_case("http") || !seen.insert(protocol.span) {
            continue;
        }
        let finding = sink.report(
            protocol.span,
            &bucket.res.id,
            format!(
                "website bucket `{}` {} over plain HTTP{}{}; set the protocol to `https`",
                bucket.res.id,
                what,
                protocol.describe_via(),
                base.and_all(pw).describe()
            ),
        );
        if protocol.literal && protocol.via.is_none() {
            finding.with_fix(FIX_TITLE, Applicability::Safe, fix.clone());
        }
    }
}
