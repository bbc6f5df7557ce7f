//! Syntax trees with exact byte spans for the data formats CloudFormation is
//! written in (YAML and JSON).
//!
//! Both front ends produce the same [`Node`] tree. YAML short-form tags such
//! as `!Ref X` are kept as [`Node::tag`]; the CloudFormation layer reads them
//! as their `Fn::` long forms. Parsing never fails: a front end always
//! returns a [`Document`], possibly partial, plus its syntax errors.

pub mod hcl;
pub mod json;
pub mod reparse;
pub mod yaml;

use crate::text::Span;

/// Which concrete syntax a document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

/// How a scalar was written. Fix renderers use it to keep the user's style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
    /// A JSON string (`"..."`).
    JsonString,
    /// A JSON number, `true`, `false` or `null`.
    JsonLiteral,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    /// The node's text: for a scalar its token (quotes included, tag and
    /// anchor excluded); for a collection from its first to its last
    /// character (`{`..`}` for flow/JSON, first key..end of last value for
    /// block style).
    pub span: Span,
    /// A YAML tag such as `!Ref` (the text including `!`) and its span.
    /// Boxed: few nodes have one, and a smaller node is cheaper to build,
    /// move and drop.
    pub tag: Option<Box<(String, Span)>>,
    /// True for a node copied from an anchor by an alias (`*a`): its spans
    /// point at the anchored text, so fixes must not edit it.
    pub from_alias: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar { value: String, style: ScalarStyle },
    Mapping { entries: Vec<Entry>, flow: bool },
    Sequence { items: Vec<Node>, flow: bool },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key as text (a non-scalar YAML key is rendered as its source text).
    pub key: String,
    /// The key token, quotes included.
    pub key_span: Span,
    pub value: Node,
}

/// A comment (`# ...`), span from `#` to the end of the line (line break excluded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where the problem is; an empty span marks a point.
    pub span: Span,
    /// Lower-case, no trailing period, e.g. "expected ',' or '}' after an object entry".
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub format: Format,
    /// The root node; `None` for an empty document or one that failed before any node.
    pub root: Option<Node>,
    /// Syntax errors; empty for a well-formed document.
    pub errors: Vec<SyntaxError>,
    /// Every comment, in source order (always empty for JSON).
    pub comments: Vec<Comment>,
    /// True when some node was copied from an anchor by an alias (YAML),
    /// so edits must look out for aliased text.
    pub has_aliases: bool,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }
    pub fn entries(&self) -> &[Entry] {
        match &self.kind {
            NodeKind::Mapping { entries, .. } => entries,
            _ => &[],
        }
    }
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            NodeKind::Sequence { items, .. } => items,
            _ => &[],
        }
    }
    pub fn is_mapping(&self) -> bool {
        matches!(self.kind, NodeKind::Mapping { .. })
    }
    pub fn is_sequence(&self) -> bool {
        matches!(self.kind, NodeKind::Sequence { .. })
    }
    pub fn is_scalar(&self) -> bool {
        matches!(self.kind, NodeKind::Scalar { .. })
    }
    /// The entry with key `key` (the last one if the key repeats, as YAML loaders do).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries().iter().rev().find(|e| e.key == key)
    }
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }
    /// True for a YAML null (`~`, `null`, empty) or JSON `null`, untagged.
    pub fn is_null(&self) -> bool {
        match &self.kind {
            NodeKind::Scalar { value, style } => {
                self.tag.is_none()
                    && matches!(style, ScalarStyle::Plain | ScalarStyle::JsonLiteral)
                    && matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }
    /// Span from the tag (if any) to the end of the node.
    pub fn full_span(&self) -> Span {
        match self.tag.as_deref() {
            Some((_, t)) => t.cover(self.span),
            None => self.span,
        }
    }
}

/// Parse `text` as the given format.
/// Parse a CloudFormation file. A key repeated in one mapping is a syntax
/// error (CloudFormation rejects such a template, and analysing both
/// entries would report a duplicated resource twice).
pub fn parse(text: &str, format: Format) -> Document {
    let mut doc = match format {
        Format::Yaml => yaml::parse(text),
        Format::Json => json::parse(text),
    };
    if doc.errors.is_empty() {
        if let Some(e) = doc.root.as_ref().and_then(first_duplicate_key) {
            doc.errors.push(e);
        }
    }
    doc
}

/// The first entry of `entries` whose key (other than `<<`) an earlier
/// entry has. Most mappings are small: those are compared pairwise,
/// without hashing every key.
fn repeated(entries: &[Entry]) -> Option<&Entry> {
    if entries.len() <= 16 {
        return entries.iter().enumerate().skip(1).find_map(|(i, e)| {
            (e.key != "<<" && entries[..i].iter().any(|p| p.key == e.key)).then_some(e)
        });
    }
    let mut seen = <foldhash::HashSet<_> as foldhash::HashSetExt>::with_capacity(entries.len());
    entries
        .iter()
        .find(|e| e.key != "<<" && !seen.insert(e.key.as_str()))
}

/// The first repeated key (in document order of the repetition) of any
/// mapping under `root`, found without recursion. The YAML merge key `<<`
/// and copies made by aliases are left alone.
pub fn first_duplicate_key(root: &Node) -> Option<SyntaxError> {
    let mut found: Option<(Span, &str)> = None;
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.from_alias {
            continue;
        }
        match &node.kind {
            NodeKind::Mapping { entries, .. } => {
                if let Some(e) = repeated(entries) {
                    if found.is_none_or(|(at, _)| e.key_span.start < at.start) {
                        found = Some((e.key_span, e.key.as_str()));
                    }
                }
                stack.extend(entries.iter().map(|e| &e.value));
            }
            NodeKind::Sequence { items, .. } => stack.extend(items.iter()),
            NodeKind::Scalar { .. } => {}
        }
    }
    found.map(|(span, key)| SyntaxError {
        span,
        message: format!("duplicate key `{key}`"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small mappings (compared pairwise) and large ones (hashed) report
    /// the same first repetition; `<<` may repeat.
    #[test]
    fn duplicate_keys_in_small_and_large_mappings() {
        for n in [3, 16, 17, 40] {
            let mut keys: Vec<String> = (0..n).map(|i| format!("k{i}: 1")).collect();
            keys.insert(1, "<<: {}".into());
            keys.insert(2, "<<: {}".into());
            let clean = keys.join("\n");
            assert!(
                parse(&clean, Format::Yaml).errors.is_empty(),
                "{n}: {clean}"
            );
            keys.push(format!("k{}: 2", n - 1));
            keys.push("k0: 3".into());
            let text = keys.join("\n");
            let doc = parse(&text, Format::Yaml);
            let last = text.rfind("k0").unwrap_or_default();
            let dup = text.rfind(&format!("k{}: 2", n - 1)).unwrap_or_default();
            assert_eq!(doc.errors.len(), 1, "{n}");
            // The repetition that comes first in the document.
            assert_eq!(doc.errors[0].span.start, dup.min(last), "{n}");
        }
    }
}
