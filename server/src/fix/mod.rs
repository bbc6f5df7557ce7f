//! Fixes: what a rule wants changed (a format-neutral [`FixIntent`]) and the
//! text edits that do it, rendered per format.
//!
//! Rules produce intents; [`cfn`] lowers an intent to tree operations on a
//! CloudFormation document and renders them as YAML or JSON text edits.

pub mod cfn;
mod edit;
mod json_edit;
pub mod tf;
mod yaml_edit;

use crate::text::Span;
use serde::Serialize;
use std::borrow::Cow;

/// Text inside an [`Ins`]: almost always a literal of the renderer, so it
/// is borrowed for `'static` and only owned when computed.
pub type InsText = Cow<'static, str>;

/// How safe it is to apply a fix without looking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Changes nothing but the finding; may be applied in bulk.
    Safe,
    /// Inserts a placeholder the user must fill; offered one at a time.
    NeedsInput,
}

/// A value to insert, independent of the output format.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ins {
    Map(Vec<(InsText, Ins)>),
    Seq(Vec<Ins>),
    Str(InsText),
    Bool(bool),
    Int(i64),
    /// A reference to another resource of the file (CFN `!Ref X`).
    Ref(String),
    /// An attribute of another resource (CFN `!GetAtt X.Arn`).
    GetAtt(String, String),
    /// A string with `${...}` substitutions (CFN `!Sub`).
    Sub(String),
    /// A value the user must fill; `n` numbers the snippet tab stop.
    Placeholder {
        n: u32,
        text: InsText,
    },
}

impl Ins {
    pub fn map(entries: Vec<(&'static str, Ins)>) -> Ins {
        Ins::Map(
            entries
                .into_iter()
                .map(|(k, v)| (Cow::Borrowed(k), v))
                .collect(),
        )
    }
    pub fn str(s: &'static str) -> Ins {
        Ins::Str(Cow::Borrowed(s))
    }
    pub fn placeholder(n: u32, text: &'static str) -> Ins {
        Ins::Placeholder {
            n,
            text: Cow::Borrowed(text),
        }
    }
}

/// What a fix should achieve, in the model's terms. The renderer for the
/// file's format decides where and how to write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixIntent {
    /// Add a public access block with all four flags on to a bucket.
    AddPublicAccessBlock { resource: String },
    /// Turn one public access block flag on (bucket or access point), adding it if absent.
    EnablePabFlag {
        resource: String,
        flag: crate::model::PabFlag,
    },
    /// Replace the literal at `span` with a new value.
    ReplaceValue { span: Span, value: NewValue },
    /// Add object ownership `BucketOwnerEnforced`.
    EnforceBucketOwner { resource: String },
    /// Add a statement denying requests without TLS: to the bucket policy
    /// `policy` if given, else as a new bucket policy resource.
    AddTlsDeny {
        bucket: String,
        policy: Option<String>,
    },
    /// Add default encryption with SSE-S3 (`AES256`).
    AddDefaultEncryption { resource: String },
    /// Switch the SSE rule whose algorithm is at `algorithm` to `aws:kms`
    /// and add a key id placeholder next to it.
    SwitchToKms { algorithm: Span },
    /// Add a KMS key id placeholder to the SSE-by-default mapping holding the
    /// algorithm at `algorithm`.
    AddKmsKeyId { algorithm: Span },
    /// Add access logging with a destination placeholder.
    AddLogging { resource: String },
    /// Set a destination placeholder in the logging settings at `logging`.
    SetLoggingDestination { resource: String },
    /// Add a metrics configuration for the entire bucket.
    AddMetrics { resource: String },
    /// Set versioning to `Enabled` (adding the setting if absent).
    EnableVersioning { resource: String },
    /// Add a lifecycle configuration with one placeholder rule.
    AddLifecycle { resource: String },
    /// Add an id placeholder to the lifecycle rule at `rule`.
    AddLifecycleRuleId { rule: Span },
    /// Add a rule expiring noncurrent versions.
    AddNoncurrentExpiration { resource: String },
    /// Add a default retention to an object-lock-enabled bucket.
    AddObjectLockRetention { resource: String },
    /// Set the redirect at `redirect` to HTTPS (adding the protocol if absent).
    RedirectHttps { redirect: Span },
    /// Add a VPC configuration placeholder to an access point.
    AddVpcConfiguration { resource: String },
    /// Add a tag placeholder.
    AddTags { resource: String },
    /// Add an inventory configuration with placeholders.
    AddInventory { resource: String },
    /// Suppress `rule` for `resource`: add the id to the resource's
    /// `Metadata.bucketguard.ignore` (CloudFormation) or a
    /// `# bucketguard: ignore[...]` comment above its header (`.tf`).
    /// Offered by the editor, never applied by `check --fix`.
    SuppressForResource { resource: String, rule: String },
}

/// A replacement value with a meaning, so each format can spell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewValue {
    /// The private canned ACL (`Private` / `private`).
    PrivateAcl,
    /// Object ownership `BucketOwnerEnforced`.
    BucketOwnerEnforced,
    /// The SSE algorithm `aws:kms`.
    AwsKms,
    /// `true`.
    True,
    /// An origin the user must fill in.
    OriginPlaceholder,
}

/// A fix attached to a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixSuggestion {
    pub title: String,
    pub applicability: Applicability,
    pub intent: FixIntent,
}

/// One text replacement. `snippet` is the same edit with LSP snippet tab
/// stops, when it has placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: Span,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

/// A fix rendered for one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// Apply non-overlapping edits to `text`. Overlapping edits after the first
/// are skipped; the number applied is returned.
pub fn apply_edits(text: &str, edits: &[Edit]) -> (String, usize) {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 256);
    let mut pos = 0usize;
    let mut applied = 0;
    for e in sorted {
        if e.span.start < pos || e.span.end > text.len() || e.span.start > e.span.end {
            continue;
        }
        if !text.is_char_boundary(e.span.start) || !text.is_char_boundary(e.span.end) {
            continue;
        }
        out.push_str(&text[pos..e.span.start]);
        out.push_str(&e.text);
        pos = e.span.end;
        applied += 1;
    }
    out.push_str(&text[pos..]);
    (out, applied)
}
