//! Terraform syntax: HCL2 (`.tf`, `.tfvars`) through `hcl-edit`, and
//! Terraform JSON (`.tf.json`) through our own JSON parser, both lowered to
//! one small tree ([`Body`], [`Block`], [`Attr`], [`Expr`]) where every block,
//! block header, label, attribute and expression keeps its exact byte span.
//!
//! The tree is what the Terraform layer (`tf`) evaluates, and what a fix
//! renderer for HCL can use to insert attributes, nested blocks or new
//! resources. Parsing never fails and never panics: a file that does not
//! parse yields an empty body and one syntax error at the parser's position.
//! `hcl-edit` limits nesting (64 levels) itself; the JSON parser has its own
//! limit, and lowering JSON stops at [`MAX_DEPTH`].

use super::{json, Comment, Node, NodeKind, ScalarStyle, SyntaxError};
use crate::text::Span;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{BlockLabel, Structure};
use hcl_edit::template::Element;
use hcl_edit::Span as _;

/// Deepest JSON nesting lowered into expressions; deeper values are unknown.
pub const MAX_DEPTH: usize = 64;

/// A parsed Terraform file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    pub body: Body,
    /// Empty for a file that parsed.
    pub errors: Vec<SyntaxError>,
    /// Every `#`, `//` and `/* */` comment (HCL only).
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Body {
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    pub key: String,
    pub key_span: Span,
    pub value: Expr,
    /// The whole `key = value`.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub ident: String,
    pub ident_span: Span,
    pub labels: Vec<(String, Span)>,
    /// From the identifier to the end of the last label (`resource "aws_s3_bucket" "logs"`);
    /// in JSON the key naming the block.
    pub header_span: Span,
    pub body: Body,
    /// The whole block.
    pub span: Span,
    /// In JSON an object is a block or an attribute depending on the schema:
    /// the same value as an expression, for readers that want an attribute.
    pub json_value: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    /// A number as written.
    Number(String),
    /// A string without interpolations (escapes resolved).
    Str(String),
    /// A string with interpolations or directives.
    Template(Vec<Part>),
    /// A heredoc; `body` is the source text between the opening line and the delimiter.
    Heredoc {
        parts: Vec<Part>,
        body: Span,
    },
    Array(Vec<Expr>),
    Object(Vec<ObjEntry>),
    /// `root.op.op...`, e.g. `aws_s3_bucket.logs[0].id`, `var.name`, `each.value`.
    Traversal {
        root: String,
        ops: Vec<Op>,
    },
    Call {
        name: String,
        args: Vec<Expr>,
    },
    Conditional(Box<[Expr; 3]>),
    Paren(Box<Expr>),
    /// Anything else (operators, `for` expressions, splats...).
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Lit(String),
    Interp(Expr),
    /// An `%{if}` / `%{for}` directive: its value cannot be known.
    Directive,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjEntry {
    /// The key as text; `None` for a computed key.
    pub key: Option<String>,
    pub key_span: Span,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Attr(String, Span),
    Index(Expr),
    Splat,
}

impl Body {
    /// The last attribute `key` (or, in JSON, an object-valued block of that name).
    pub fn attr(&self, key: &str) -> Option<&Expr> {
        if let Some(a) = self.attrs.iter().rev().find(|a| a.key == key) {
            return Some(&a.value);
        }
        self.blocks
            .iter()
            .rev()
            .find(|b| b.ident == key && b.labels.is_empty())
            .and_then(|b| b.json_value.as_ref())
    }
    pub fn attr_entry(&self, key: &str) -> Option<&Attr> {
        self.attrs.iter().rev().find(|a| a.key == key)
    }
    /// Every nested block `ident`, in order.
    pub fn blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }
    pub fn block(&self, ident: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.ident == ident)
    }
}

impl Expr {
    pub fn unknown(span: Span) -> Expr {
        Expr {
            kind: ExprKind::Other,
            span,
        }
    }
}

/// How spans of a parsed fragment map into the file.
#[derive(Clone, Copy)]
enum Map {
    /// Add this offset.
    Offset(usize),
    /// Every span becomes this one (text with escapes: positions inside differ).
    Fixed(Span),
}

impl Map {
    fn span(self, r: Option<std::ops::Range<usize>>, fallback: Span) -> Span {
        match (self, r) {
            (Map::Offset(o), Some(r)) => Span::new(r.start + o, r.end + o),
            (Map::Offset(_), None) => fallback,
            (Map::Fixed(s), _) => s,
        }
    }
}

/// Parse an HCL file (`.tf`, `.tfvars`). A leading byte order mark is
/// skipped (hcl-edit rejects it; spans stay offsets into `text`).
pub fn parse(text: &str) -> File {
    let comments = scan_comments(text);
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    match hcl_edit::parser::parse_body(text.get(bom..).unwrap_or_default()) {
        Ok(body) => File {
            body: lower_body(&body, Map::Offset(bom), Span::empty(bom)),
            errors: Vec::new(),
            comments,
        },
        Err(e) => {
            let at = (e.location().offset() + bom).min(text.len());
            let mut at_char = at;
            while at_char > 0 && !text.is_char_boundary(at_char) {
                at_char -= 1;
            }
            let end = text
                .get(at_char..)
                .and_then(|t| t.chars().next())
                .map_or(at_char, |c| at_char + c.len_utf8());
            File {
                body: Body::default(),
                errors: vec![SyntaxError {
                    span: Span::new(at_char, end),
                    message: e.message().to_string(),
                }],
                comments,
            }
        }
    }
}

fn lower_body(body: &hcl_edit::structure::Body, map: Map, fallback: Span) -> Body {
    let mut out = Body::default();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let span = map.span(a.span(), fallback);
                let key_span = map.span(a.key.span(), span);
                out.attrs.push(Attr {
                    key: a.key.as_str().to_string(),
                    key_span,
                    value: lower_expr(&a.value, map, span),
                    span,
                });
            }
            Structure::Block(b) => {
                let span = map.span(b.span(), fallback);
                let ident_span = map.span(b.ident.span(), span);
                let labels: Vec<(String, Span)> = b
                    .labels
                    .iter()
                    .map(|l| {
                        let text = match l {
                            BlockLabel::Ident(i) => i.as_str().to_string(),
                            BlockLabel::String(s) => s.value().to_string(),
                        };
                        (text, map.span(l.span(), span))
                    })
                    .collect();
                let header_end = labels.last().map_or(ident_span.end, |(_, s)| s.end);
                out.blocks.push(Block {
                    ident: b.ident.as_str().to_string(),
                    ident_span,
                    header_span: Span::new(ident_span.start, header_end.max(ident_span.start)),
                    labels,
                    body: lower_body(&b.body, map, span),
                    span,
                    json_value: None,
                });
            }
        }
    }
    out
}

fn lower_parts(t: &hcl_edit::template::Template, map: Map, fallback: Span) -> Vec<Part> {
    t.iter()
        .map(|e| match e {
            Element::Literal(l) => Part::Lit(l.value().to_string()),
            Element::Interpolation(i) => Part::Interp(lower_expr(&i.expr, map, fallback)),
            Element::Directive(_) => Part::Directive,
        })
        .collect()
}

fn lower_expr(e: &Expression, map: Map, fallback: Span) -> Expr {
    let span = map.span(e.span(), fallback);
    let kind = match e {
        Expression::Null(_) => ExprKind::Null,
        Expression::Bool(b) => ExprKind::Bool(*b.value()),
        Expression::Number(n) => ExprKind::Number(n.value().to_string()),
        Expression::String(s) => ExprKind::Str(s.value().to_string()),
        Expression::Array(a) => {
            ExprKind::Array(a.iter().map(|x| lower_expr(x, map, span)).collect())
        }
        Expression::Object(o) => ExprKind::Object(
            o.iter()
                .map(|(k, v)| {
                    let key_span = map.span(k.span(), span);
                    let key = match k {
                        ObjectKey::Ident(i) => Some(i.as_str().to_string()),
                        ObjectKey::Expression(Expression::String(s)) => Some(s.value().to_string()),
                        ObjectKey::Expression(_) => None,
                    };
                    ObjEntry {
                        key,
                        key_span,
                        value: lower_expr(v.expr(), map, span),
                    }
                })
                .collect(),
        ),
        Expression::StringTemplate(t) => ExprKind::Template(lower_parts(t, map, span)),
        Expression::HeredocTemplate(h) => {
            let parts = lower_parts(&h.template, map, span);
            let body = match h.template.span() {
                Some(r) => map.span(Some(r), span),
                None => span,
            };
            ExprKind::Heredoc { parts, body }
        }
        Expression::Parenthesis(p) => ExprKind::Paren(Box::new(lower_expr(p.inner(), map, span))),
        Expression::Variable(v) => ExprKind::Traversal {
            root: v.as_str().to_string(),
            ops: Vec::new(),
        },
        Expression::Conditional(c) => ExprKind::Conditional(Box::new([
            lower_expr(&c.cond_expr, map, span),
            lower_expr(&c.true_expr, map, span),
            lower_expr(&c.false_expr, map, span),
        ])),
        Expression::FuncCall(f) => {
            let mut name = String::new();
            for ns in &f.name.namespace {
                name.push_str(ns.as_str());
                name.push_str("::");
            }
            name.push_str(f.name.name.as_str());
            ExprKind::Call {
                name,
                args: f.args.iter().map(|a| lower_expr(a, map, span)).collect(),
            }
        }
        Expression::Traversal(t) => {
            let base = lower_expr(&t.expr, map, span);
            let ops: Vec<Op> = t
                .operators
                .iter()
                .map(|op| match op.value() {
                    TraversalOperator::GetAttr(i) => {
                        Op::Attr(i.as_str().to_string(), map.span(op.span(), span))
                    }
                    TraversalOperator::Index(x) => Op::Index(lower_expr(x, map, span)),
                    TraversalOperator::LegacyIndex(n) => {
                        let s = map.span(op.span(), span);
                        Op::Index(Expr {
                            kind: ExprKind::Number(n.value().to_string()),
                            span: s,
                        })
                    }
                    TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => Op::Splat,
                })
                .collect();
            match base.kind {
                ExprKind::Traversal {
                    root,
                    ops: mut first,
                } => {
                    first.extend(ops);
                    ExprKind::Traversal { root, ops: first }
                }
                _ => ExprKind::Other,
            }
        }
        Expression::UnaryOp(_) | Expression::BinaryOp(_) | Expression::ForExpr(_) => {
            ExprKind::Other
        }
    };
    Expr { kind, span }
}

/// Parse the text of a JSON string in a `.tf.json` file as a template
/// (`"${aws_s3_bucket.logs.id}"`). `raw` is the string token with quotes.
fn json_string(value: &str, token: Span, raw: &str) -> Expr {
    if !value.contains("${") && !value.contains("%{") {
        return Expr {
            kind: ExprKind::Str(value.to_string()),
            span: token,
        };
    }
    // Positions inside the string are exact only when nothing was escaped.
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or("");
    let map = if inner == value {
        Map::Offset(token.start + 1)
    } else {
        Map::Fixed(token)
    };
    match hcl_edit::parser::parse_template(value) {
        Ok(t) => {
            let parts = lower_parts(&t, map, token);
            // `"${x}"` alone is the expression itself.
            if let [Part::Interp(x)] = parts.as_slice() {
                return x.clone();
            }
            Expr {
                kind: ExprKind::Template(parts),
                span: token,
            }
        }
        Err(_) => Expr::unknown(token),
    }
}

fn json_expr(node: &Node, text: &str, depth: usize) -> Expr {
    let span = node.span;
    if depth > MAX_DEPTH {
        return Expr::unknown(span);
    }
    let kind = match &node.kind {
        NodeKind::Scalar { value, style } => match style {
            ScalarStyle::JsonLiteral => match value.as_str() {
                "true" => ExprKind::Bool(true),
                "false" => ExprKind::Bool(false),
                "null" => ExprKind::Null,
                n => ExprKind::Number(n.to_string()),
            },
            _ => return json_string(value, span, text.get(span.start..span.end).unwrap_or("")),
        },
        NodeKind::Sequence { items, .. } => ExprKind::Array(
            items
                .iter()
                .map(|i| json_expr(i, text, depth + 1))
                .collect(),
        ),
        NodeKind::Mapping { entries, .. } => ExprKind::Object(
            entries
                .iter()
                .filter(|e| e.key != "//")
                .map(|e| ObjEntry {
                    key: Some(e.key.clone()),
                    key_span: e.key_span,
                    value: json_expr(&e.value, text, depth + 1),
                })
                .collect(),
        ),
    };
    Expr { kind, span }
}

/// A JSON object as a block body: objects and lists of objects are nested
/// blocks (keeping their value for attribute readers), the rest attributes.
fn json_body(node: &Node, text: &str, depth: usize) -> Body {
    let mut body = Body::default();
    if depth > MAX_DEPTH {
        return body;
    }
    for e in node.entries() {
        if e.key == "//" {
            continue;
        }
        let v = &e.value;
        let as_block = |n: &Node| Block {
            ident: e.key.clone(),
            ident_span: e.key_span,
            labels: Vec::new(),
            header_span: e.key_span,
            body: json_body(n, text, depth + 1),
            span: e.key_span.cover(n.span),
            json_value: Some(json_expr(n, text, depth + 1)),
        };
        if v.is_mapping() {
            body.blocks.push(as_block(v));
        } else if v.is_sequence() && !v.items().is_empty() && v.items().iter().all(Node::is_mapping)
        {
            for i in v.items() {
                body.blocks.push(as_block(i));
            }
        } else {
            body.attrs.push(Attr {
                key: e.key.clone(),
                key_span: e.key_span,
                value: json_expr(v, text, depth + 1),
                span: e.key_span.cover(v.span),
            });
        }
    }
    body
}

/// The objects of a value that may be an object or a list of objects.
fn objects(n: &Node) -> Vec<&Node> {
    if n.is_mapping() {
        vec![n]
    } else {
        n.items().iter().filter(|i| i.is_mapping()).collect()
    }
}

/// Parse a Terraform JSON file (`.tf.json`).
pub fn parse_json(text: &str) -> File {
    let doc = json::parse(text);
    let mut file = File {
        body: Body::default(),
        errors: doc.errors.clone(),
        comments: Vec::new(),
    };
    if !file.errors.is_empty() {
        return file;
    }
    let Some(root) = doc.root.as_ref() else {
        return file;
    };
    if let Some(e) = first_duplicate_argument(root) {
        file.errors.push(e);
        return file;
    }
    for top in root.entries() {
        let kind = top.key.as_str();
        // Number of labels: resource/data have two, variable/provider/... one.
        let labels = match kind {
            "resource" | "data" => 2,
            "variable" | "output" | "module" | "provider" => 1,
            "locals" | "terraform" => 0,
            _ => continue,
        };
        for obj in objects(&top.value) {
            lower_json_blocks(&mut file.body, kind, top.key_span, obj, labels, &[], text);
        }
    }
    file
}

/// The first argument given twice in one object of a `.tf.json` file, as
/// Terraform reports it ("Duplicate argument"). Only keys whose values are
/// not objects (nor lists of objects) count: a repeated key holding an
/// object may be a second block of a block type, which the JSON syntax
/// allows, and which one it is depends on the provider's schema.
fn first_duplicate_argument(root: &Node) -> Option<SyntaxError> {
    let is_blockish = |n: &Node| {
        n.is_mapping()
            || (n.is_sequence() && !n.items().is_empty() && n.items().iter().all(Node::is_mapping))
    };
    let mut found: Option<(Span, &str)> = None;
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let mut seen = std::collections::HashSet::new();
        for e in node.entries() {
            if e.key != "//"
                && !is_blockish(&e.value)
                && !seen.insert(e.key.as_str())
                && found.is_none_or(|(at, _)| e.key_span.start < at.start)
            {
                found = Some((e.key_span, e.key.as_str()));
            }
        }
        stack.extend(node.entries().iter().map(|e| &e.value));
        stack.extend(node.items().iter());
    }
    found.map(|(span, key)| SyntaxError {
        span,
        message: format!("duplicate argument `{key}`"),
    })
}

fn lower_json_blocks(
    out: &mut Body,
    ident: &str,
    ident_span: Span,
    node: &Node,
    labels_left: usize,
    labels: &[(String, Span)],
    text: &str,
) {
    if labels_left == 0 {
        let header_span = labels.last().map_or(ident_span, |(_, s)| *s);
        out.blocks.push(Block {
            ident: ident.to_string(),
            ident_span,
            labels: labels.to_vec(),
            header_span,
            body: json_body(node, text, 1),
            span: header_span.cover(node.span),
            json_value: Some(json_expr(node, text, 1)),
        });
        return;
    }
    for e in node.entries() {
        if e.key == "//" {
            continue;
        }
        let mut l = labels.to_vec();
        l.push((e.key.clone(), e.key_span));
        for obj in objects(&e.value) {
            lower_json_blocks(out, ident, ident_span, obj, labels_left - 1, &l, text);
        }
    }
}

/// Every comment of an HCL text: `#` and `//` to the end of the line,
/// `/* ... */`, outside strings and heredocs. The text is assumed to have
/// parsed; on broken text the result is a best effort.
pub fn scan_comments(text: &str) -> Vec<Comment> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Stack of open contexts: `true` = inside a string, `false` = inside `${`/`%{` braces.
    let mut stack: Vec<bool> = Vec::new();
    let line_end = |from: usize| {
        b[from..]
            .iter()
            .position(|c| *c == b'\n' || *c == b'\r')
            .map_or(b.len(), |p| from + p)
    };
    while i < b.len() {
        let c = b[i];
        let in_string = stack.last() == Some(&true);
        if in_string {
            match c {
                b'\\' => i += 2,
                b'"' => {
                    stack.pop();
                    i += 1;
                }
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    if b.get(i.wrapping_sub(1)) == Some(&c) {
                        i += 2; // `$${` is a literal
                    } else {
                        stack.push(false);
                        i += 2;
                    }
                }
                b'\n' => {
                    // An unterminated string: resync.
                    stack.pop();
                    i += 1;
                }
                _ => i += 1,
            }
            continue;
        }
        match c {
            b'"' => {
                stack.push(true);
                i += 1;
            }
            b'{' => {
                if !stack.is_empty() {
                    stack.push(false);
                }
                i += 1;
            }
            b'}' => {
                if stack.last() == Some(&false) {
                    stack.pop();
                }
                i += 1;
            }
            b'#' => {
                let e = line_end(i);
                out.push(Comment {
                    span: Span::new(i, e),
                });
                i = e;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let e = line_end(i);
                out.push(Comment {
                    span: Span::new(i, e),
                });
                i = e;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let e = text
                    .get(i + 2..)
                    .and_then(|t| t.find("*/"))
                    .map_or(b.len(), |p| i + 2 + p + 2);
                out.push(Comment {
                    span: Span::new(i, e),
                });
                i = e;
            }
            b'<' if b.get(i + 1) == Some(&b'<') && stack.is_empty() => {
                // A heredoc: skip to the line holding only the delimiter.
                let mut j = i + 2;
                if b.get(j) == Some(&b'-') {
                    j += 1;
                }
                let start = j;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                let delim = &text[start..j];
                if delim.is_empty() {
                    i = j;
                    continue;
                }
                let mut k = line_end(j);
                loop {
                    // Move to the next line.
                    while k < b.len() && (b[k] == b'\n' || b[k] == b'\r') {
                        k += 1;
                    }
                    if k >= b.len() {
                        break;
                    }
                    let e = line_end(k);
                    if text[k..e].trim() == delim {
                        k = e;
                        break;
                    }
                    k = e;
                }
                i = k;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
#[path = "hcl_tests.rs"]
mod tests;
