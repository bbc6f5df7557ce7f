//! Helpers shared by the bucket policy rules (S3-201..205): who a statement
//! is open to, its effect, and how to name the policy in a message.

use crate::model::{ConditionEntry, Policy, PolicyKind, Statement, When};

/// Condition keys that limit who can make a request (compared case-insensitively).
pub const NARROWING_KEYS: &[&str] = &[
    "aws:SourceVpce",
    "aws:SourceVpc",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceIp",
    "aws:VpcSourceIp",
    "aws:userid",
    "aws:username",
];

/// How a policy is named in messages: "bucket policy `P`" or "the policy of
/// access point `AP`".
pub fn policy_label(policy: &Policy) -> String {
    match policy.kind {
        PolicyKind::Bucket => format!("bucket policy `{}`", policy.res.id),
        PolicyKind::AccessPoint => format!("the policy of access point `{}`", policy.res.id),
    }
}

/// Is `key` one of the [`NARROWING_KEYS`]?
pub fn is_narrowing_key(key: &str) -> bool {
    NARROWING_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// Does this condition entry restrict who can call? Negated operators
/// (`StringNotEquals`...), `...IfExists` operators and `Null` do not: a
/// request without the key, or from anywhere else, still gets in. A value
/// that admits everything (`*`, `0.0.0.0/0`, `::/0`) does not either.
/// Unknown values count as narrowing (unknown is not insecure).
pub fn entry_narrows(entry: &ConditionEntry) -> bool {
    if !is_narrowing_key(&entry.key) {
        return false;
    }
    let op = entry.operator.to_ascii_lowercase();
    if op.contains("not") || op.ends_with("ifexists") || op == "null" {
        return false;
    }
    let admits_all = |s: &str| matches!(s.trim(), "*" | "0.0.0.0/0" | "::/0");
    !entry.values.iter().any(|v| v.str().is_some_and(admits_all))
}

/// True when the statement has a condition narrowing who can call it, or a
/// condition the engine could not read.
pub fn has_narrowing_condition(stmt: &Statement) -> bool {
    stmt.condition_unknown || stmt.conditions.iter().any(entry_narrows)
}

/// True when the statement's principal is everyone and no condition narrows it.
pub fn is_public(stmt: &Statement) -> bool {
    stmt.principal.as_ref().is_some_and(|p| p.is_public) && !has_narrowing_condition(stmt)
}

/// The conditions under which the statement's effect is `effect` (`Allow` or
/// `Deny`, matched exactly as AWS does), or `None` when it never is.
pub fn effect_when(stmt: &Statement, effect: &str) -> Option<When> {
    stmt.effect
        .values()
        .find(|(v, _)| v.str() == Some(effect))
        .map(|(_, w)| w.clone())
}

/// Is the action `*` or `s3:*` (any case)?
pub fn is_wildcard_action(action: &str) -> bool {
    let a = action.trim();
    a == "*" || a.eq_ignore_ascii_case("s3:*")
}

/// Does the statement deny requests that are not made over TLS: a `Deny` for
/// every principal with `Bool` (or `BoolIfExists`) `aws:SecureTransport` =
/// `false`, on resources that include the objects (a resource ending in `*`,
/// or one the engine cannot read)?
pub fn is_tls_deny(stmt: &Statement) -> bool {
    if effect_when(stmt, "Deny").is_none() {
        return false;
    }
    if !stmt.principal.as_ref().is_some_and(|p| p.is_public) {
        return false;
    }
    let covers_objects = stmt.has_not_resource
        || stmt.resources.is_empty()
        || stmt
            .resources
            .iter()
            .any(|r| r.value.str().is_none_or(|s| s.trim_end().ends_with('*')));
    if !covers_objects {
        return false;
    }
    if stmt.condition_unknown {
        return true;
    }
    stmt.conditions.iter().any(|c| {
        let op = c.operator.to_ascii_lowercase();
        (op == "bool" || op == "boolifexists")
            && c.key.eq_ignore_ascii_case("aws:SecureTransport")
            && c.values
                .iter()
                .any(|v| v.str().is_none() || v.bool() == Some(false))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::model_builders::*;

    #[test]
    fn public_principal_without_condition_is_public() {
        let s = stmt("Allow").public_principal().build();
        assert!(is_public(&s));
    }

    #[test]
    fn narrowing_keys_are_case_insensitive() {
        let s = stmt("Allow")
            .public_principal()
            .condition("StringEquals", "AWS:sourcevpce", &["vpce-1"])
            .build();
        assert!(!is_public(&s));
    }

    #[test]
    fn negated_and_if_exists_operators_do_not_narrow() {
        for op in ["StringNotEquals", "StringEqualsIfExists", "NotIpAddress"] {
            let s = stmt("Allow")
                .public_principal()
                .condition(op, "aws:SourceIp", &["10.0.0.0/8"])
                .build();
            assert!(is_public(&s), "{op}");
        }
    }

    #[test]
    fn any_address_does_not_narrow() {
        let s = stmt("Allow")
            .public_principal()
            .condition("IpAddress", "aws:SourceIp", &["0.0.0.0/0"])
            .build();
        assert!(is_public(&s));
    }

    #[test]
    fn other_keys_do_not_narrow() {
        let s = stmt("Allow")
            .public_principal()
            .condition("StringEquals", "s3:prefix", &["home/"])
            .build();
        assert!(is_public(&s));
    }

    #[test]
    fn unknown_condition_narrows() {
        let mut s = stmt("Allow").public_principal().build();
        s.condition_unknown = true;
        assert!(!is_public(&s));
    }

    #[test]
    fn named_principal_is_not_public() {
        let s = stmt("Allow").named_principal().build();
        assert!(!is_public(&s));
    }

    #[test]
    fn wildcard_actions() {
        assert!(is_wildcard_action("*"));
        assert!(is_wildcard_action("S3:*"));
        assert!(!is_wildcard_action("s3:Get*"));
    }

    #[test]
    fn tls_deny_is_recognised() {
        let s = stmt("Deny")
            .public_principal()
            .resource("arn:aws:s3:::b/*")
            .condition("Bool", "aws:SecureTransport", &["false"])
            .build();
        assert!(is_tls_deny(&s));
        let allow = stmt("Allow")
            .public_principal()
            .resource("arn:aws:s3:::b/*")
            .condition("Bool", "aws:SecureTransport", &["false"])
            .build();
        assert!(!is_tls_deny(&allow));
        let wrong_value = stmt("Deny")
            .public_principal()
            .resource("arn:aws:s3:::b/*")
            .condition("Bool", "aws:SecureTransport", &["true"])
            .build();
        assert!(!is_tls_deny(&wrong_value));
        let bucket_only = stmt("Deny")
            .public_principal()
            .resource("arn:aws:s3:::b")
            .condition("Bool", "aws:SecureTransport", &["false"])
            .build();
        assert!(!is_tls_deny(&bucket_only));
    }
}
