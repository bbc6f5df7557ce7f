//! The rule catalog: one file per rule, one registry table.
//!
//! A rule reads the format-neutral [`Model`] and reports [`Finding`]s. Its
//! documentation (What it does / Why is this bad? / Example / Use instead /
//! Fix safety / References) lives next to its code and feeds `bucketguard
//! rule`, hover, SARIF help and `docs/rules.md`.

mod access_logging_disabled;
mod access_point_internet_origin;
mod access_point_invalid;
mod acls_enabled;
mod block_public_acls_off;
mod block_public_policy_off;
mod cloudtrail_s3_data_events_missing;
mod cors_any_header;
mod cors_any_origin;
mod cors_exposes_any_header;
mod cors_method_invalid;
mod cors_util;
mod encryption_not_configured;
mod encryption_not_kms;
mod hardcoded_credentials;
mod ignore_public_acls_off;
mod insecure_transport_allowed;
mod inventory_not_configured;
mod kms_key_not_specified;
mod kms_key_with_sse_s3;
mod lifecycle_not_configured;
mod lifecycle_rule_disabled;
mod lifecycle_rule_missing_id;
mod lifecycle_transition_invalid;
mod logging_to_self;
mod noncurrent_versions_unbounded;
mod notification_target_missing;
mod object_lock_misconfigured;
mod object_lock_without_retention;
mod policy_negated_allow;
mod policy_public_principal;
mod policy_statement_invalid;
mod policy_wildcard_action;
mod public_access_block_missing;
mod public_acl;
mod request_metrics_missing;
mod restrict_public_buckets_off;
mod sse_algorithm_invalid;
mod tags_missing;
mod versioning_disabled;
mod website_hosting_enabled;
mod website_redirect_not_https;

// Helpers shared by several rules.
#[cfg(test)]
mod model_builders;
mod pab_util;
mod policy_util;
mod value_util;

use crate::fix::{Applicability, FixIntent, FixSuggestion};
use crate::model::Model;
use crate::text::Span;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// What kind of fix a rule offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixAvailability {
    None,
    Safe,
    NeedsInput,
    /// Safe for some findings, needs input for others.
    Mixed,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Safe => "safe",
            FixAvailability::NeedsInput => "needs input",
            FixAvailability::Mixed => "safe or needs input",
        }
    }
}

/// A rule's identity, defaults and documentation.
#[derive(Debug)]
pub struct Rule {
    /// Stable id, e.g. `S3-111`.
    pub id: &'static str,
    /// Kebab-case name of the pattern flagged, e.g. `public-acl`.
    pub name: &'static str,
    /// Group heading in the catalog.
    pub group: &'static str,
    pub severity: Severity,
    pub fix: FixAvailability,
    /// One sentence: what is flagged.
    pub summary: &'static str,
    /// Markdown with the fixed sections; see [`crate::docs`].
    pub doc: &'static str,
    pub check: fn(&Model, &mut Sink),
}

/// A related location that matters for a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

/// One problem reported by a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub span: Span,
    pub message: String,
    pub severity: Severity,
    /// The resource the finding is about (for `Metadata` suppressions).
    pub resource: Option<String>,
    pub related: Vec<Related>,
    pub fix: Option<FixSuggestion>,
}

/// Collects the findings of one rule.
pub struct Sink<'r> {
    rule: &'r Rule,
    pub findings: Vec<Finding>,
}

impl<'r> Sink<'r> {
    pub fn new(rule: &'r Rule) -> Sink<'r> {
        Sink {
            rule,
            findings: Vec::new(),
        }
    }

    /// Report a finding at `span` about `resource`; returns it for further decoration.
    pub fn report(&mut self, span: Span, resource: &str, message: String) -> &mut Finding {
        self.findings.push(Finding {
            rule: self.rule.id,
            span,
            message,
            severity: self.rule.severity,
            resource: Some(resource.to_string()),
            related: Vec::new(),
            fix: None,
        });
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }
}

impl Finding {
    pub fn with_fix(
        &mut self,
        title: &str,
        applicability: Applicability,
        intent: FixIntent,
    ) -> &mut Self {
        self.fix = Some(FixSuggestion {
            title: title.to_string(),
            applicability,
            intent,
        });
        self
    }
    pub fn with_related(&mut self, span: Span, message: &str) -> &mut Self {
        self.related.push(Related {
            span,
            message: message.to_string(),
        });
        self
    }
    pub fn with_severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = severity;
        self
    }
}

/// Every rule, sorted by id.
pub fn all() -> &'static [&'static Rule] {
    ALL
}

/// Look a rule up by id (`S3-111`, case-insensitive) or name (`public-acl`).
pub fn find(key: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(key) || r.name == key)
}

static ALL: &[&Rule] = &[
    &public_access_block_missing::RULE,
    &block_public_acls_off::RULE,
    &ignore_public_acls_off::RULE,
    &block_public_policy_off::RULE,
    &restrict_public_buckets_off::RULE,
    &public_acl::RULE,
    &acls_enabled::RULE,
    &policy_public_principal::RULE,
    &policy_wildcard_action::RULE,
    &policy_negated_allow::RULE,
    &insecure_transport_allowed::RULE,
    &policy_statement_invalid::RULE,
    &encryption_not_configured::RULE,
    &encryption_not_kms::RULE,
    &kms_key_not_specified::RULE,
    &sse_algorithm_invalid::RULE,
    &kms_key_with_sse_s3::RULE,
    &access_logging_disabled::RULE,
    &logging_to_self::RULE,
    &cloudtrail_s3_data_events_missing::RULE,
    &request_metrics_missing::RULE,
    &versioning_disabled::RULE,
    &lifecycle_not_configured::RULE,
    &lifecycle_rule_disabled::RULE,
    &lifecycle_rule_missing_id::RULE,
    &noncurrent_versions_unbounded::RULE,
    &lifecycle_transition_invalid::RULE,
    &object_lock_misconfigured::RULE,
    &object_lock_without_retention::RULE,
    &cors_any_origin::RULE,
    &cors_any_header::RULE,
    &cors_method_invalid::RULE,
    &cors_exposes_any_header::RULE,
    &website_hosting_enabled::RULE,
    &website_redirect_not_https::RULE,
    &access_point_internet_origin::RULE,
    &access_point_invalid::RULE,
    &tags_missing::RULE,
    &inventory_not_configured::RULE,
    &notification_target_missing::RULE,
    &hardcoded_credentials::RULE,
];
