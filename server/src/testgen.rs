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

#[cfg(test)]
mod tests {
    #[test]
    fn large_template_has_the_advertised_size() {
        let t = super::cfn_yaml(250);
        let lines = t.lines().count();
        assert!((4800..5600).contains(&lines), "{lines} lines");
    }
}
