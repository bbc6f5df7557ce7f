//! S3-904 hardcoded-credentials: AWS credentials are written into the file.
use super::*;
use crate::model::*;

pub static RULE: Rule = Rule {
    id: "S3-904",
    name: "hardcoded-credentials",
    group: "Governance",
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "An AWS access key id or secret key is written in the file.",
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it does
Reports AWS access key ids (`AKIA...` or `ASIA...` followed by 16 upper-case
letters or digits) and secret keys next to them anywhere in the file, and
Terraform `provider "aws"` blocks that set `access_key` or `secret_key` to a
literal.

## Why is this bad?
Templates end up in repositories, CI logs, artifact stores and chat messages.
A key written there can be copied by anyone who sees the file, long after it
was meant to be rotated, and gives full use of whatever the key's owner may do,
from anywhere.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Uploader:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/uploader
      Code:
        ZipFile: print("hello")
      Environment:
        Variables:
          AWS_ACCESS_KEY_ID: AKIAZ7QW3EXAMPLE0000
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Uploader": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Runtime": "python3.12",
        "Handler": "index.handler",
        "Role": "arn:aws:iam::123456789012:role/uploader",
        "Code": {
          "ZipFile": "print(\"hello\")"
        },
        "Environment": {
          "Variables": {
            "AWS_ACCESS_KEY_ID": "AKIAZ7QW3EXAMPLE0000"
          }
        }
      }
    }
  }
}
```
```hcl
provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAZ7QW3EXAMPLE0000"
  secret_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCD"
}
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Uploader:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/uploader
      Code:
        ZipFile: print("hello")
```
```json
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Uploader": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Runtime": "python3.12",
        "Handler": "index.handler",
        "Role": "arn:aws:iam::123456789012:role/uploader",
        "Code": {
          "ZipFile": "print(\"hello\")"
        }
      }
    }
  }
}
```
```hcl
provider "aws" {
  region = "eu-west-1"
  # Credentials come from the environment, a profile or an instance role.
}
```

## Fix safety
There is no quick fix. Remove the key from the file, deactivate and rotate it
(it must be treated as leaked, including in version history), and give the
code an IAM role instead.

## References
- [Security best practices in IAM](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html)
- [Managing access keys for IAM users](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html)
"#;

fn check(model: &Model, sink: &mut Sink) {
    for credential in &model.credentials {
        let finding = sink.report(
            credential.span,
            "",
            format!(
                "{} is written in the file; remove it, deactivate the key, and use an IAM role or a secrets store instead",
                credential.what
            ),
        );
        finding.resource = None;
    }
}
