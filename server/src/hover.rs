//! Hover guidance: what is under a byte offset of a template (an S3
//! resource type, or a property of an S3 resource) and the Markdown to show
//! for it. Rule text comes from [`crate::docs::rule_markdown_in`], the
//! renderer behind `bucketguard rule`, with the examples in the file's own
//! format. Pure: `(kind, text, offset)` in, Markdown out.

use crate::analysis::FileKind;
use crate::docs;
use crate::rules::{self, Rule};
use crate::syntax::{self, hcl, Format, Node};
use crate::text::Span;

/// Guidance for the text at `span`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guidance {
    pub span: Span,
    pub markdown: String,
}

/// The account-level practices no template can express, in the project's
/// words; shown when hovering `AWS::S3::Bucket`.
pub const ACCOUNT_CHECKLIST: &str = "\
### Account-level checklist
Some S3 protections live outside any template. Check them for the account:
- **Block Public Access for the account**, not only per bucket.
- **Inventory audits**: review S3 Inventory reports for unencrypted or unexpected objects.
- **CloudTrail data events** for S3, so object-level reads and writes are recorded.
- **Amazon Macie** to discover sensitive data in buckets.
- **Trusted Advisor** open-access checks, and act on their warnings.
- **Roles instead of long-term access keys** for people and workloads.
- **VPC endpoints** for S3, with endpoint policies, for traffic from your VPCs.
";

/// Keys that every resource has or that say nothing about S3 security.
const GENERIC_KEYS: &[&str] = &["Type", "Properties", "Metadata", "Condition", "DependsOn"];

/// The rules whose documentation mentions `key` as a property (in
/// backticks, or as a key in an example).
pub fn rules_for_key(key: &str) -> Vec<&'static Rule> {
    if GENERIC_KEYS.contains(&key) || key.is_empty() {
        return Vec::new();
    }
    let ticked = format!("`{key}`");
    let yaml_key = format!("{key}:");
    let json_key = format!("\"{key}\":");
    rules::all()
        .iter()
        .copied()
        .filter(|r| {
            r.doc.contains(&ticked)
                || r.doc.lines().any(|l| {
                    let l = l.trim_start().trim_start_matches("- ");
                    l.starts_with(&yaml_key) || l.starts_with(&json_key)
                })
        })
        .collect()
}

/// The rules whose documentation mentions resource type `ty`.
pub fn rules_for_type(ty: &str) -> Vec<&'static Rule> {
    rules::all()
        .iter()
        .copied()
        .filter(|r| r.doc.contains(ty))
        .collect()
}

fn rule_list(rules: &[&Rule]) -> String {
    let mut out = String::new();
    for r in rules {
        out.push_str(&format!(
            "- [{}]({}) `{}`: {}\n",
            r.id,
            docs::rule_url(r),
            r.name,
            r.summary
        ));
    }
    out
}

/// Markdown for hovering an S3 resource type.
pub fn type_markdown(ty: &str) -> String {
    let mut out = format!("## `{ty}`\n\n");
    let related = rules_for_type(ty);
    if !related.is_empty() {
        out.push_str("bucketguard checks:\n\n");
        out.push_str(&rule_list(&related));
    }
    if ty == "AWS::S3::Bucket" || ty == "aws_s3_bucket" {
        out.push('\n');
        out.push_str(ACCOUNT_CHECKLIST);
    }
    out
}

/// Markdown for hovering property `key`: the documentation of every rule
/// that looks at it, with examples in `format`.
pub fn key_markdown(key: &str, related: &[&Rule], format: Format) -> String {
    let mut out = format!("`{key}` is checked by {}.\n", ids(related));
    for r in related {
        out.push_str("\n---\n\n");
        out.push_str(&docs::rule_markdown_in(r, Some(format)));
    }
    out
}

fn ids(rules: &[&Rule]) -> String {
    rules.iter().map(|r| r.id).collect::<Vec<_>>().join(", ")
}

/// Guidance for byte `offset` of `text`, if it is on an S3 resource type or
/// on a property (key or value) of an S3 resource that a rule looks at.
pub fn guidance(kind: FileKind, text: &str, offset: usize) -> Option<Guidance> {
    let doc = syntax::parse(text, kind.format());
    let resources = doc.root.as_ref()?.get("Resources")?;
    let hit = |s: Span| s.start <= offset && offset <= s.end;
    for res in resources.entries() {
        if !hit(res.value.full_span()) {
            continue;
        }
        let ty_node = res.value.get("Type")?;
        let ty = ty_node.as_str()?;
        if !ty.starts_with("AWS::S3::") {
            return None;
        }
        if hit(ty_node.span) {
            return Some(Guidance {
                span: ty_node.span,
                markdown: type_markdown(ty),
            });
        }
        return property(res.value.get("Properties")?, offset, kind.format());
    }
    None
}

/// The innermost property entry around `offset` that some rule mentions.
fn property(node: &Node, offset: usize, format: Format) -> Option<Guidance> {
    let hit = |s: Span| s.start <= offset && offset <= s.end;
    for item in node.items() {
        if hit(item.full_span()) {
            return property(item, offset, format);
        }
    }
    for e in node.entries() {
        let on_key = hit(e.key_span);
        if !on_key && !hit(e.value.full_span()) {
            continue;
        }
        if !on_key {
            if let Some(inner) = property(&e.value, offset, format) {
                return Some(inner);
            }
        }
        let related = rules_for_key(&e.key);
        if related.is_empty() {
            return None;
        }
        return Some(Guidance {
            span: if on_key { e.key_span } else { e.value.span },
            markdown: key_markdown(&e.key, &related, format),
        });
    }
    None
}

/// Terraform arguments that every resource has or that only link a
/// settings resource to its bucket.
const GENERIC_TF_KEYS: &[&str] = &[
    "bucket",
    "count",
    "for_each",
    "provider",
    "depends_on",
    "lifecycle",
];

/// The rules whose documentation mentions Terraform argument or block
/// `key` (in backticks, or written as `key = …` / `key {` in an example).
pub fn rules_for_tf_key(key: &str) -> Vec<&'static Rule> {
    if GENERIC_TF_KEYS.contains(&key) || key.is_empty() {
        return Vec::new();
    }
    let ticked = format!("`{key}`");
    rules::all()
        .iter()
        .copied()
        .filter(|r| {
            r.doc.contains(&ticked)
                || r.doc.lines().any(|l| {
                    l.trim_start()
                        .strip_prefix(key)
                        .map(str::trim_start)
                        .is_some_and(|rest| rest.starts_with('=') || rest.starts_with('{'))
                })
        })
        .collect()
}

/// Markdown for hovering Terraform argument or block `key`, with the HCL
/// examples of every rule that looks at it.
pub fn tf_key_markdown(key: &str, related: &[&Rule]) -> String {
    let mut out = format!("`{key}` is checked by {}.\n", ids(related));
    for r in related {
        out.push_str("\n---\n\n");
        out.push_str(&docs::rule_markdown_hcl(r));
    }
    out
}

/// Guidance for byte `offset` of a Terraform file (`.tf`, or `.tf.json`
/// when `json`): an S3 resource type (`aws_s3_…`) or an argument or block
/// of an S3 resource that a rule looks at.
pub fn guidance_tf(text: &str, json: bool, offset: usize) -> Option<Guidance> {
    let file = if json {
        hcl::parse_json(text)
    } else {
        hcl::parse(text)
    };
    let hit = |s: Span| s.start <= offset && offset <= s.end;
    let block = file.body.blocks.iter().find(|b| hit(b.span))?;
    if block.ident != "resource" {
        return None;
    }
    let (ty, ty_span) = block.labels.first()?;
    if !ty.starts_with("aws_s3_") {
        return None;
    }
    if hit(*ty_span) {
        return Some(Guidance {
            span: *ty_span,
            markdown: type_markdown(ty),
        });
    }
    tf_property(&block.body, offset)
}

/// The innermost argument or block around `offset` that some rule mentions.
fn tf_property(body: &hcl::Body, offset: usize) -> Option<Guidance> {
    let hit = |s: Span| s.start <= offset && offset <= s.end;
    for b in &body.blocks {
        if !hit(b.span) {
            continue;
        }
        if !hit(b.ident_span) {
            if let Some(inner) = tf_property(&b.body, offset) {
                return Some(inner);
            }
        }
        let related = rules_for_tf_key(&b.ident);
        if related.is_empty() {
            return None;
        }
        return Some(Guidance {
            span: b.ident_span,
            markdown: tf_key_markdown(&b.ident, &related),
        });
    }
    let a = body.attrs.iter().find(|a| hit(a.span))?;
    let related = rules_for_tf_key(&a.key);
    if related.is_empty() {
        return None;
    }
    let on_key = hit(a.key_span);
    Some(Guidance {
        span: if on_key { a.key_span } else { a.value.span },
        markdown: tf_key_markdown(&a.key, &related),
    })
}

#[cfg(test)]
#[path = "hover_tests.rs"]
mod tests;
