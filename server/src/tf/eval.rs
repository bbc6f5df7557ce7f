//! Evaluating Terraform expressions as far as they can be known: literals,
//! string templates of known parts, `var.X` (tfvars, then the default),
//! `local.X`, `jsonencode`, `merge` and a few identity functions. Everything
//! else is [`V::Unknown`]; resource attributes are never guessed.

use super::Env;
use crate::syntax::hcl::{Expr, ExprKind, Op, Part};
use crate::syntax::{Node, NodeKind};
use crate::text::Span;

/// Deepest chain of `var`/`local` references followed.
const MAX_DEPTH: usize = 32;

/// A value, as far as it is known, with the span it was written at.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Str {
        s: String,
        span: Span,
        /// Written literally at `span` (a fix may replace it).
        literal: bool,
        /// "variable `x`", "local `y`".
        via: Option<String>,
    },
    Unknown(Span),
    Null(Span),
    List(Vec<V>, Span),
    Obj(Vec<(String, Span, V)>, Span),
    /// `jsonencode(x)`: a JSON string whose structure is `x`.
    Json(Box<V>, Span),
    /// `data.aws_iam_policy_document.NAME.json`.
    PolicyData(String, Span),
}

impl V {
    pub fn span(&self) -> Span {
        match self {
            V::Str { span, .. }
            | V::Unknown(span)
            | V::Null(span)
            | V::List(_, span)
            | V::Obj(_, span)
            | V::Json(_, span)
            | V::PolicyData(_, span) => *span,
        }
    }
    pub fn str(&self) -> Option<&str> {
        match self {
            V::Str { s, .. } => Some(s),
            _ => None,
        }
    }
    pub fn get(&self, key: &str) -> Option<&V> {
        match self {
            V::Obj(entries, _) => entries
                .iter()
                .rev()
                .find(|(k, _, _)| k == key)
                .map(|e| &e.2),
            _ => None,
        }
    }
    pub fn key_span(&self, key: &str) -> Option<Span> {
        match self {
            V::Obj(entries, _) => entries.iter().rev().find(|(k, _, _)| k == key).map(|e| e.1),
            _ => None,
        }
    }
    fn respan(self, span: Span, via: &str) -> V {
        match self {
            V::Str { s, .. } => V::Str {
                s,
                span,
                literal: false,
                via: Some(via.to_string()),
            },
            V::Unknown(_) => V::Unknown(span),
            V::Null(_) => V::Null(span),
            other => other,
        }
    }
}

impl Env<'_> {
    pub fn eval(&self, e: &Expr) -> V {
        self.eval_at(e, 0)
    }

    fn eval_at(&self, e: &Expr, depth: usize) -> V {
        let span = e.span;
        if depth > MAX_DEPTH {
            return V::Unknown(span);
        }
        let lit = |s: String| V::Str {
            s,
            span,
            literal: true,
            via: None,
        };
        match &e.kind {
            ExprKind::Null => V::Null(span),
            ExprKind::Bool(b) => lit(b.to_string()),
            ExprKind::Number(n) => lit(n.clone()),
            ExprKind::Str(s) => lit(s.clone()),
            ExprKind::Template(parts) | ExprKind::Heredoc { parts, .. } => {
                if let [Part::Interp(x)] = parts.as_slice() {
                    return self.eval_at(x, depth + 1).respan_keep(span);
                }
                let mut out = String::new();
                for p in parts {
                    match p {
                        Part::Lit(s) => out.push_str(s),
                        Part::Interp(x) => match self.eval_at(x, depth + 1) {
                            V::Str { s, .. } => out.push_str(&s),
                            _ => return V::Unknown(span),
                        },
                        Part::Directive => return V::Unknown(span),
                    }
                }
                V::Str {
                    s: out,
                    span,
                    literal: false,
                    via: None,
                }
            }
            ExprKind::Array(items) => V::List(
                items.iter().map(|i| self.eval_at(i, depth + 1)).collect(),
                span,
            ),
            ExprKind::Object(entries) => {
                let mut out = Vec::new();
                for en in entries {
                    let key = match &en.key {
                        Some(k) => k.clone(),
                        None => return V::Unknown(span),
                    };
                    out.push((key, en.key_span, self.eval_at(&en.value, depth + 1)));
                }
                V::Obj(out, span)
            }
            ExprKind::Paren(x) => self.eval_at(x, depth + 1),
            ExprKind::Conditional(c) => {
                let [cond, a, b] = c.as_ref();
                match self.eval_at(cond, depth + 1).str() {
                    Some("true") => self.eval_at(a, depth + 1),
                    Some("false") => self.eval_at(b, depth + 1),
                    _ => V::Unknown(span),
                }
            }
            ExprKind::Call { name, args } => self.call(name, args, span, depth),
            ExprKind::Traversal { root, ops } => self.traversal(root, ops, span, depth),
            ExprKind::Other => V::Unknown(span),
        }
    }

    fn call(&self, name: &str, args: &[Expr], span: Span, depth: usize) -> V {
        match (name, args) {
            ("jsonencode", [x]) => V::Json(Box::new(self.eval_at(x, depth + 1)), span),
            ("tolist" | "toset" | "tomap" | "tostring", [x]) => self.eval_at(x, depth + 1),
            ("lower" | "upper", [x]) => match self.eval_at(x, depth + 1) {
                V::Str { s, .. } => V::Str {
                    s: if name == "lower" {
                        s.to_lowercase()
                    } else {
                        s.to_uppercase()
                    },
                    span,
                    literal: false,
                    via: None,
                },
                _ => V::Unknown(span),
            },
            ("merge", _) => {
                let mut out: Vec<(String, Span, V)> = Vec::new();
                for a in args {
                    match self.eval_at(a, depth + 1) {
                        V::Obj(entries, _) => {
                            for (k, ks, v) in entries {
                                out.retain(|(x, _, _)| *x != k);
                                out.push((k, ks, v));
                            }
                        }
                        V::Null(_) => {}
                        _ => return V::Unknown(span),
                    }
                }
                V::Obj(out, span)
            }
            ("concat", _) => {
                let mut out = Vec::new();
                for a in args {
                    match self.eval_at(a, depth + 1) {
                        V::List(items, _) => out.extend(items),
                        _ => return V::Unknown(span),
                    }
                }
                V::List(out, span)
            }
            _ => V::Unknown(span),
        }
    }

    fn traversal(&self, root: &str, ops: &[Op], span: Span, depth: usize) -> V {
        let name = match ops.first() {
            Some(Op::Attr(n, _)) => n.as_str(),
            _ => return V::Unknown(span),
        };
        let base = match root {
            "var" => match self.var(name) {
                Some(x) => self
                    .eval_at(x, depth + 1)
                    .respan(span, &format!("variable `{name}`")),
                None => return V::Unknown(span),
            },
            "local" => match self.locals.get(name) {
                Some(x) => self
                    .eval_at(x, depth + 1)
                    .respan(span, &format!("local `{name}`")),
                None => return V::Unknown(span),
            },
            "data" => {
                // `data.aws_iam_policy_document.NAME[KEY]?.json`
                if name == "aws_iam_policy_document" {
                    let rest: Vec<&Op> = ops[1..]
                        .iter()
                        .filter(|o| !matches!(o, Op::Index(_)))
                        .collect();
                    if let [Op::Attr(doc, _), Op::Attr(attr, _)] = rest.as_slice() {
                        if attr == "json" && self.policy_data.contains_key(doc.as_str()) {
                            return V::PolicyData(doc.clone(), span);
                        }
                    }
                }
                return V::Unknown(span);
            }
            _ => return V::Unknown(span),
        };
        let mut v = base;
        for op in &ops[1..] {
            v = match op {
                Op::Attr(k, _) => match v.get(k) {
                    Some(x) => x.clone().respan_keep(span),
                    None => return V::Unknown(span),
                },
                Op::Index(i) => {
                    let key = self.eval_at(i, depth + 1);
                    let Some(k) = key.str() else {
                        return V::Unknown(span);
                    };
                    match &v {
                        V::List(items, _) => {
                            match k.parse::<usize>().ok().and_then(|n| items.get(n)) {
                                Some(x) => x.clone(),
                                None => return V::Unknown(span),
                            }
                        }
                        V::Obj(..) => match v.get(k) {
                            Some(x) => x.clone(),
                            None => return V::Unknown(span),
                        },
                        _ => return V::Unknown(span),
                    }
                }
                Op::Splat => return V::Unknown(span),
            };
        }
        v
    }
}

impl V {
    /// A scalar reached through a reference is reported at the reference.
    fn respan_keep(self, span: Span) -> V {
        match self {
            V::Str {
                s, literal, via, ..
            } if via.is_some() => V::Str {
                s,
                span,
                literal,
                via,
            },
            V::Unknown(_) => V::Unknown(span),
            other => other,
        }
    }
}

/// A JSON syntax tree as a value. `map` turns a node span into a module
/// span; strings holding interpolations (`${...}`) are unknown.
pub fn from_json(node: &Node, map: &dyn Fn(Span) -> Span, depth: usize) -> V {
    let span = map(node.span);
    if depth > MAX_DEPTH * 2 {
        return V::Unknown(span);
    }
    match &node.kind {
        NodeKind::Scalar { value, .. } => {
            if value.contains("${") {
                V::Unknown(span)
            } else if node.is_null() {
                V::Null(span)
            } else {
                V::Str {
                    s: value.clone(),
                    span,
                    literal: false,
                    via: None,
                }
            }
        }
        NodeKind::Sequence { items, .. } => V::List(
            items.iter().map(|i| from_json(i, map, depth + 1)).collect(),
            span,
        ),
        NodeKind::Mapping { entries, .. } => V::Obj(
            entries
                .iter()
                .map(|e| {
                    (
                        e.key.clone(),
                        map(e.key_span),
                        from_json(&e.value, map, depth + 1),
                    )
                })
                .collect(),
            span,
        ),
    }
}
