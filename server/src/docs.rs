//! Rule documentation, rendered once: the same Markdown feeds
//! `bucketguard rule ID`, SARIF help text, the generated `docs/rules.md`
//! and hover in the language server.

use crate::rules::{FixAvailability, Rule};
use crate::syntax::Format;
use std::fmt::Write as _;

/// The project's home page (SARIF `informationUri`).
pub const PROJECT_URL: &str = "https://github.com/bucketguard/bucketguard";

/// Where the generated rule reference lives, relative to the repository.
pub const RULES_DOC_PATH: &str = "docs/rules.md";

/// The link to a rule's section in the rule reference.
pub fn rule_url(rule: &Rule) -> String {
    format!("{PROJECT_URL}/blob/main/{RULES_DOC_PATH}#{}", anchor(rule))
}

/// The GitHub heading anchor of a rule's section (`s3-111-public-acl`).
pub fn anchor(rule: &Rule) -> String {
    format!("{}-{}", rule.id, rule.name)
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// A human description of a rule's fix availability.
pub fn fix_label(fix: FixAvailability) -> &'static str {
    match fix {
        FixAvailability::None => "none",
        FixAvailability::Safe => "safe (applied by `check --fix`)",
        FixAvailability::NeedsInput => "needs input (offered in the editor)",
        FixAvailability::Mixed => "safe or needs input, depending on the finding",
    }
}

/// The metadata line under a rule's heading.
pub fn metadata_line(rule: &Rule) -> String {
    format!(
        "Group: {} · Default severity: {} · Fix: {}",
        rule.group,
        rule.severity.as_str(),
        fix_label(rule.fix)
    )
}

/// A rule's documentation as Markdown: `# S3-111: public-acl`, the metadata
/// line, then the rule's own text, with its examples in every format.
pub fn rule_markdown(rule: &Rule) -> String {
    rule_markdown_in(rule, None)
}

/// [`rule_markdown`], with the examples of one format only when `format`
/// is given (a YAML file's hover shows the YAML examples): fenced blocks
/// tagged `yaml`, `json` or `hcl` in another format are left out.
pub fn rule_markdown_in(rule: &Rule, format: Option<Format>) -> String {
    let tag = format.map(|f| match f {
        Format::Yaml => "yaml",
        Format::Json => "json",
    });
    rule_markdown_tagged(rule, tag)
}

/// [`rule_markdown`] with the HCL examples only: for Terraform files.
pub fn rule_markdown_hcl(rule: &Rule) -> String {
    rule_markdown_tagged(rule, Some("hcl"))
}

/// [`rule_markdown`], keeping of the example blocks only those tagged
/// `tag` (`yaml`, `json` or `hcl`) when given.
fn rule_markdown_tagged(rule: &Rule, tag: Option<&str>) -> String {
    let mut out = format!("# {}: {}\n\n{}\n", rule.id, rule.name, metadata_line(rule));
    let doc = rule.doc.trim();
    if !doc.is_empty() {
        out.push('\n');
        match tag {
            None => out.push_str(doc),
            Some(t) => push_examples_in(&mut out, doc, t),
        }
        out.push('\n');
    }
    out
}

/// The fence tags of example formats.
const EXAMPLE_TAGS: &[&str] = &["yaml", "json", "hcl"];

/// Append `doc` without the fenced example blocks of other formats.
fn push_examples_in(out: &mut String, doc: &str, keep: &str) {
    let mut fence: Option<bool> = None;
    for line in doc.split_inclusive('\n') {
        let trimmed = line.trim();
        match fence {
            None if trimmed.starts_with("```") => {
                let tag = trimmed.trim_start_matches('`').trim();
                let kept = !EXAMPLE_TAGS.contains(&tag) || tag == keep;
                fence = Some(kept);
                if kept {
                    out.push_str(line);
                }
            }
            None => out.push_str(line),
            Some(kept) => {
                if kept {
                    out.push_str(line);
                }
                if trimmed.starts_with("```") {
                    fence = None;
                }
            }
        }
    }
}

/// The text of the section headed `title` in a rule's doc (any heading
/// level), without the heading; `None` when the doc has no such section.
pub fn section<'a>(doc: &'a str, title: &str) -> Option<&'a str> {
    let mut start = None;
    let mut in_fence = false;
    let mut pos = 0;
    for line in doc.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        } else if !in_fence && trimmed.starts_with('#') {
            let heading = trimmed.trim_start_matches('#').trim();
            if let Some(s) = start {
                return Some(doc[s..pos].trim());
            }
            if heading.eq_ignore_ascii_case(title) {
                start = Some(pos + line.len());
            }
        }
        pos += line.len();
    }
    start.map(|s| doc[s..].trim())
}

/// Add one `#` to every Markdown heading outside fenced code blocks.
pub fn demote_headings(md: &str) -> String {
    let mut out = String::with_capacity(md.len() + 64);
    let mut in_fence = false;
    for line in md.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        } else if !in_fence && line.starts_with('#') {
            out.push('#');
        }
        out.push_str(line);
    }
    out
}

/// The whole rule reference, `docs/rules.md`: a table of every rule, then
/// each rule's documentation.
pub fn catalog_markdown(rules: &[&Rule]) -> String {
    let mut out = String::new();
    out.push_str("# Rules\n\n");
    out.push_str(
        "<!-- Generated from the rule registry by `UPDATE_DOCS=1 cargo test --test docs_sync`; do not edit. -->\n\n",
    );
    if rules.is_empty() {
        out.push_str("No rules yet.\n");
        return out;
    }
    out.push_str("| Id | Name | Group | Severity | Fix | What it flags |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for r in rules {
        let _ = writeln!(
            out,
            "| [{}](#{}) | `{}` | {} | {} | {} | {} |",
            r.id,
            anchor(r),
            r.name,
            r.group,
            r.severity.as_str(),
            r.fix.as_str(),
            r.summary.replace('|', "\\|")
        );
    }
    for r in rules {
        out.push('\n');
        out.push_str(&demote_headings(&rule_markdown(r)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;
    use crate::rules::{Severity, Sink};

    fn noop(_: &Model, _: &mut Sink) {}

    static RULE: Rule = Rule {
        id: "S3-111",
        name: "public-acl",
        group: "Public access",
        severity: Severity::Error,
        fix: FixAvailability::Safe,
        summary: "a bucket grants public access | via ACL",
        doc: "## What it does\nFlags public ACLs.\n\n## Example\n```yaml\n# a comment\nAccessControl: PublicRead\n```\n## Fix safety\nSafe.\n",
        check: noop,
    };

    #[test]
    fn renders_heading_metadata_and_doc() {
        let md = rule_markdown(&RULE);
        assert!(md.starts_with(
            "# S3-111: public-acl\n\nGroup: Public access · Default severity: error · Fix: safe"
        ));
        assert!(md.contains("## What it does\nFlags public ACLs."));
    }

    #[test]
    fn examples_in_one_format() {
        let rule = Rule {
            doc: "## Example\n```yaml\na: 1\n```\n```json\n{\"a\": 1}\n```\n```hcl\na = 1\n```\n```\nplain\n```\n",
            ..RULE
        };
        let all = rule_markdown(&rule);
        assert_eq!(rule_markdown_in(&rule, None), all);
        let yaml = rule_markdown_in(&rule, Some(Format::Yaml));
        assert!(
            yaml.contains("```yaml\na: 1\n```\n```\nplain\n```"),
            "{yaml}"
        );
        assert!(!yaml.contains("json") && !yaml.contains("hcl"), "{yaml}");
        let json = rule_markdown_in(&rule, Some(Format::Json));
        assert!(
            json.contains("## Example\n```json\n{\"a\": 1}\n```\n```\nplain"),
            "{json}"
        );
        assert!(!json.contains("yaml") && !json.contains("hcl"), "{json}");
        let cut = all.find("## Example");
        assert!(cut.is_some_and(|c| json.starts_with(&all[..c])));
    }

    #[test]
    fn finds_sections_outside_fences() {
        assert_eq!(
            section(RULE.doc, "What it does"),
            Some("Flags public ACLs.")
        );
        assert_eq!(section(RULE.doc, "fix safety"), Some("Safe."));
        assert_eq!(section(RULE.doc, "a comment"), None);
        assert_eq!(section(RULE.doc, "References"), None);
    }

    #[test]
    fn catalog_demotes_headings_but_not_yaml_comments() {
        let md = catalog_markdown(&[&RULE]);
        assert!(md.contains("\n## S3-111: public-acl\n"));
        assert!(md.contains("\n### What it does\n"));
        assert!(md.contains("\n# a comment\n"));
        assert!(md.contains("| [S3-111](#s3-111-public-acl) | `public-acl` |"));
        assert!(md.contains("public access \\| via ACL"));
        assert_eq!(anchor(&RULE), "s3-111-public-acl");
    }
}
