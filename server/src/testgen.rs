//! Generators of large, realistic templates for benchmarks and stress tests.

use std::fmt::Write;

/// A CloudFormation YAML template with `buckets` buckets (about 21 lines
/// each): a mix of hardened and careless buckets, bucket policies,
/// conditions, parameters, CJK descriptions and emoji tags.
pub fn cfn_yaml(buckets: usize) -> String {
    let mut s = String::with_capacity(buckets * 800);
    s.push_str("AWSTemplateFormatVersion: \"2010-09-09\"\nDescription: generated benchmark template — 性能テスト 🪣\n");
    s.push_str("Parameters:\n  Env:\n    Type: String\n    Default: prod\n    AllowedValues: [prod, dev]\n");
    s.push_str("  LogAcl:\n    Type: String\n    Default: LogDeliveryWrite\n");
    s.push_str("Conditions:\n  IsProd: !Equals [!Ref Env, prod]\n");
    s.push_str("Resources:\n");
    for i in 0..buckets {
        let careless = i % 5 == 0;
        let _ = writeln!(s, "  Bucket{i}:");
        s.push_str("    Type: AWS::S3::Bucket\n");
        s.push_str("    Properties:\n");
        let _ = writeln!(s, "      BucketName: !Sub \"app-{i}-${{AWS::AccountId}}\"");
        if careless {
            s.push_str("      AccessControl: PublicRead\n");
            s.push_str("      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: [\"*\"]\n            AllowedMethods: [GET, PUT]\n");
        } else {
            s.push_str("      PublicAccessBlockConfiguration: {BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}\n");
            s.push_str("      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: aws:kms\n              KMSMasterKeyID: alias/app\n");
        }
        s.push_str(
            "      VersioningConfiguration:\n        Status: !If [IsProd, Enabled, Suspended]\n",
        );
        let _ = writeln!(
            s,
            "      Tags:\n        - Key: owner # 担当者\n          Value: team-{i} 🚀"
        );
        let _ = writeln!(s, "  Bucket{i}Policy:");
        s.push_str("    Type: AWS::S3::BucketPolicy\n    Properties:\n");
        let _ = writeln!(s, "      Bucket: !Ref Bucket{i}");
        let _ = writeln!(
            s,
            "      PolicyDocument: {{Statement: [{{Effect: Deny, Principal: \"*\", Action: \"s3:*\", Resource: [!Sub \"${{Bucket{i}.Arn}}/*\"], Condition: {{Bool: {{aws:SecureTransport: \"false\"}}}}}}]}}"
        );
    }
    s
}

/// A small template with one bucket and a handful of findings.
pub fn cfn_small(i: usize) -> String {
    format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Bucket{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n      VersioningConfiguration:\n        Status: Enabled\n"
    )
}

/// A Terraform module in the split (AWS provider v4+) style with `buckets`
/// buckets (about 46 lines each, some blocks on one line), as `(file name, text)`: the buckets in
/// `buckets.tf`, their access settings, encryption, versioning and
/// lifecycle in one file each, linked by references
/// (`bucket = aws_s3_bucket.bN.id`), with variables and locals. One bucket
/// in five is careless (public ACL, open CORS, suspended versioning, no
/// public access block, no encryption).
pub fn tf_split(buckets: usize) -> Vec<(String, String)> {
    let cap = buckets * 400;
    let mut main = String::with_capacity(cap);
    let mut access = String::with_capacity(cap);
    let mut encryption = String::with_capacity(cap);
    let mut versioning = String::with_capacity(cap);
    let mut lifecycle = String::with_capacity(cap);
    let mut vars = String::new();
    vars.push_str("variable \"env\" {\n  type    = string\n  default = \"prod\"\n}\n\n");
    vars.push_str("variable \"kms_key_arn\" {\n  type    = string\n  default = \"arn:aws:kms:eu-west-1:111122223333:key/app\"\n}\n\n");
    vars.push_str("locals {\n  tags = {\n    owner   = \"platform\" # 担当者\n    project = \"bench 🪣\"\n  }\n  log_bucket = \"central-access-logs\"\n}\n");
    for i in 0..buckets {
        let careless = i % 5 == 0;
        let _ = write!(
            main,
            "resource \"aws_s3_bucket\" \"b{i}\" {{\n  bucket = \"app-${{var.env}}-{i}\"\n  tags   = merge(local.tags, {{ index = \"{i}\" }})\n}}\n\n"
        );
        let _ = write!(
            main,
            "resource \"aws_s3_bucket_logging\" \"b{i}\" {{\n  bucket        = aws_s3_bucket.b{i}.id\n  target_bucket = local.log_bucket\n  target_prefix = \"b{i}/\"\n}}\n\n"
        );
        if careless {
            let _ = write!(
                access,
                "resource \"aws_s3_bucket_acl\" \"b{i}\" {{\n  bucket = aws_s3_bucket.b{i}.id\n  acl    = \"public-read\"\n}}\n\n"
            );
            let _ = write!(
                access,
                "resource \"aws_s3_bucket_cors_configuration\" \"b{i}\" {{\n  bucket = aws_s3_bucket.b{i}.id\n  cors_rule {{\n    allowed_methods = [\"GET\", \"PUT\"]\n    allowed_origins = [\"*\"]\n  }}\n}}\n\n"
            );
            let _ = write!(
                versioning,
                "resource \"aws_s3_bucket_versioning\" \"b{i}\" {{\n  bucket = aws_s3_bucket.b{i}.id\n  versioning_configuration {{ status = \"Suspended\" }}\n}}\n\n"
            );
        } else {
            let _ = write!(
                access,
                "resource \"aws_s3_bucket_public_access_block\" \"b{i}\" {{\n  bucket                  = aws_s3_bucket.b{i}.id\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}}\n\n"
            );
            let _ = write!(
                access,
                "resource \"aws_s3_bucket_ownership_controls\" \"b{i}\" {{\n  bucket = aws_s3_bucket.b{i}.id\n  rule {{ object_ownership = \"BucketOwnerEnforced\" }}\n}}\n\n"
            );
            let _ = write!(
                encryption,
                "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"b{i}\" {{\n  bucket = aws_s3_bucket.b{i}.id\n  rule {{\n    apply_server_side_encryption_by_default {{\n      sse_algorithm     = \"aws:kms\"\n      kms_master_key_id = var.kms_key_arn\n    }}\n  }}\n}}\n\n"
            );
            let _ = write!(
                versioning,
                "resource \"aws_s3_bucket_versioning\" \"b{i}\" {{\n  bucket = aws_s3_bucket.b{i}.id\n  versioning_configuration {{ status = \"Enabled\" }}\n}}\n\n"
            );
        }
        let _ = write!(
            lifecycle,
            "resource \"aws_s3_bucket_lifecycle_configuration\" \"b{i}\" {{\n  bucket = aws_s3_bucket.b{i}.id\n  rule {{\n    id     = \"expire-noncurrent\"\n    status = \"Enabled\"\n    noncurrent_version_expiration {{ noncurrent_days = 90 }}\n  }}\n}}\n\n"
        );
    }
    [
        ("main.tf", main),
        ("access.tf", access),
        ("encryption.tf", encryption),
        ("versioning.tf", versioning),
        ("lifecycle.tf", lifecycle),
        ("variables.tf", vars),
    ]
    .into_iter()
    .map(|(n, t)| (n.to_string(), t))
    .collect()
}

/// Text inserted by the random edits that test re-parsing after an edit
/// (`syntax::reparse`'s tests and the `reparse` fuzz target, whose stored
/// inputs name a snippet by its index: only append to this list). YAML
/// indicators, quotes, comments, document markers, explicit keys, anchors
/// and aliases, multi-byte characters, CRLF and whole entries.
pub const YAML_EDIT_SNIPPETS: &[&str] = &[
    "",
    "\n",
    " ",
    "  ",
    "x",
    ":",
    ": ",
    "- ",
    "#",
    " # c\n",
    "'",
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    "|",
    "|+\n",
    ">-\n",
    "&a ",
    "*a",
    "!Ref ",
    "---\n",
    "...\n",
    "é",
    "🎉",
    "\r\n",
    "\t",
    "? ",
    "%",
    "  K: v\n",
    "    P: 1\n",
    "  B:\n    Type: AWS::S3::Bucket\n",
    "\n\n",
    "運",
    "#x\n",
    "      - item\n",
];

#[cfg(test)]
mod tests {
    #[test]
    fn terraform_module_has_the_advertised_size() {
        let files = super::tf_split(250);
        let lines: usize = files.iter().map(|(_, t)| t.lines().count()).sum();
        assert!((10_500..12_500).contains(&lines), "{lines} lines");
        let pairs: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let out = crate::analysis::analyze_module(&pairs, &crate::settings::Settings::default());
        let findings: usize = out.iter().map(|(_, a)| a.diagnostics.len()).sum();
        assert!(findings > 0);
        assert!(out
            .iter()
            .all(|(_, a)| a.diagnostics.iter().all(|d| d.code != "syntax-error")));
    }

    #[test]
    fn large_template_has_the_advertised_size() {
        let t = super::cfn_yaml(250);
        let lines = t.lines().count();
        assert!((4800..5600).contains(&lines), "{lines} lines");
    }
}
