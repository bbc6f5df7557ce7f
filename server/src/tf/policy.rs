//! Policy documents in Terraform: JSON strings, heredocs, `jsonencode({...})`
//! and `data "aws_iam_policy_document"` blocks, all read into the model's
//! [`PolicyDocument`]. Elements keep their spans when they are visible in
//! the file; inside a quoted JSON string every element points at the string.

use super::eval::{from_json, V};
use super::Env;
use crate::model::*;
use crate::syntax::hcl::{Block, Expr, ExprKind, Part};
use crate::syntax::json;
use crate::text::Span;

fn unknown_val(span: Span) -> Val {
    Val {
        lit: Lit::Unknown,
        span,
        via: None,
        literal: false,
    }
}

/// A scalar value as a model value.
pub fn val_of(v: &V) -> Option<Val> {
    match v {
        V::Null(_) => None,
        V::Str {
            s,
            span,
            literal,
            via,
        } => Some(Val {
            lit: Lit::Str(s.clone()),
            span: *span,
            via: via.clone(),
            literal: *literal,
        }),
        other => Some(unknown_val(other.span())),
    }
}

/// The values of a string-or-list value.
fn vals(v: &V) -> Vec<Item<Val>> {
    let items: Vec<&V> = match v {
        V::List(items, _) => items.iter().collect(),
        other => vec![other],
    };
    items
        .into_iter()
        .filter_map(val_of)
        .map(|value| Item {
            when: When::always(),
            value,
        })
        .collect()
}

impl Env<'_> {
    /// A JSON text held by `e` (a JSON string, a heredoc, `jsonencode(...)`,
    /// or a reference to one of those) as a value; `None` when unknown.
    pub fn json_value(&self, e: &Expr, depth: usize) -> Option<V> {
        if depth > 16 {
            return None;
        }
        match &e.kind {
            ExprKind::Heredoc { body, parts } => {
                if parts.iter().any(|p| matches!(p, Part::Directive)) {
                    return None;
                }
                // The source text is JSON when interpolations sit inside strings.
                let text = self.text_at(*body)?;
                let doc = json::parse(text);
                if !doc.errors.is_empty() {
                    return None;
                }
                let base = body.start;
                Some(from_json(
                    doc.root.as_ref()?,
                    &|s: Span| Span::new(s.start + base, s.end + base),
                    0,
                ))
            }
            ExprKind::Template(parts) => {
                if let [Part::Interp(x)] = parts.as_slice() {
                    return self.json_value(x, depth + 1);
                }
                let mut text = String::new();
                for p in parts {
                    match p {
                        Part::Lit(s) => text.push_str(s),
                        Part::Interp(_) => text.push_str("${?}"),
                        Part::Directive => return None,
                    }
                }
                json_text(&text, e.span)
            }
            ExprKind::Str(s) => json_text(s, e.span),
            ExprKind::Paren(x) => self.json_value(x, depth + 1),
            ExprKind::Traversal { root, ops }
                if ops.len() == 1 && (root == "var" || root == "local") =>
            {
                let Some(crate::syntax::hcl::Op::Attr(name, _)) = ops.first() else {
                    return None;
                };
                let target = if root == "var" {
                    self.var(name)
                } else {
                    self.locals.get(name.as_str()).copied()
                }?;
                self.json_value(target, depth + 1)
            }
            _ => match self.eval(e) {
                V::Json(inner, _) => Some(*inner),
                V::PolicyData(name, span) => Some(V::PolicyData(name, span)),
                V::Str { s, span, .. } => json_text(&s, span),
                _ => None,
            },
        }
    }

    /// The policy document held by `e`; `None` when it cannot be read.
    pub fn policy_document(&self, e: &Expr) -> Option<PolicyDocument> {
        let v = self.json_value(e, 0)?;
        self.document_of(&v, 0)
    }

    fn document_of(&self, v: &V, depth: usize) -> Option<PolicyDocument> {
        match v {
            V::PolicyData(name, _) => {
                let block = self.policy_data.get(name.as_str())?;
                self.data_document(block, depth + 1)
            }
            V::Obj(..) => {
                let stmts = v.get("Statement");
                let statements = match stmts {
                    None => Vec::new(),
                    Some(V::List(items, _)) => items.iter().map(statement).collect(),
                    Some(V::Null(_)) => Vec::new(),
                    Some(one) => vec![statement(one)],
                };
                Some(PolicyDocument {
                    span: v.span(),
                    statements: statements
                        .into_iter()
                        .map(|s| Item {
                            when: When::always(),
                            value: s,
                        })
                        .collect(),
                    statements_span: match stmts {
                        Some(V::List(_, s)) => Some(*s),
                        _ => None,
                    },
                })
            }
            _ => None,
        }
    }

    /// A `data "aws_iam_policy_document"` block.
    fn data_document(&self, block: &Block, depth: usize) -> Option<PolicyDocument> {
        if depth > 8 || block.body.blocks("dynamic").next().is_some() {
            return None;
        }
        let mut statements = Vec::new();
        for key in ["source_policy_documents", "override_policy_documents"] {
            if let Some(e) = block.body.attr(key) {
                let V::List(items, _) = self.eval(e) else {
                    return None;
                };
                for i in items {
                    let d = self.document_of(&i, depth + 1)?;
                    statements.extend(d.statements);
                }
            }
        }
        for s in block.body.blocks("statement") {
            statements.push(Item {
                when: When::always(),
                value: self.data_statement(s),
            });
        }
        Some(PolicyDocument {
            span: block.span,
            statements,
            statements_span: None,
        })
    }

    fn data_statement(&self, s: &Block) -> Statement {
        let b = &s.body;
        let list = |key: &str| b.attr(key).map(|e| vals(&self.eval(e)));
        let effect = match b.attr("effect") {
            Some(e) => match val_of(&self.eval(e)) {
                Some(v) => Field::set(v),
                None => Field::absent(),
            },
            // The data source's default.
            None => Field::set(Val {
                lit: Lit::Str("Allow".into()),
                span: s.header_span,
                via: None,
                literal: false,
            }),
        };
        let mut principal = None;
        for p in b.blocks("principals") {
            let ty = p.body.attr("type").map(|e| self.eval(e));
            let ids = p.body.attr("identifiers").map(|e| self.eval(e));
            let mut pr = Principal {
                span: p.span,
                is_public: false,
                public_span: None,
            };
            let ty_public = matches!(ty.as_ref().and_then(V::str), Some("*" | "AWS"));
            if ty_public {
                if let Some(ids) = &ids {
                    let items: Vec<&V> = match ids {
                        V::List(items, _) => items.iter().collect(),
                        other => vec![other],
                    };
                    if let Some(star) = items.iter().find(|i| i.str().map(str::trim) == Some("*")) {
                        pr.is_public = true;
                        pr.public_span = Some(star.span());
                    }
                }
            }
            if principal.as_ref().is_none_or(|x: &Principal| !x.is_public) {
                principal = Some(pr);
            }
        }
        let mut conditions = Vec::new();
        let mut condition_unknown = false;
        for c in b.blocks("condition") {
            let test = c.body.attr("test").map(|e| self.eval(e));
            let var = c.body.attr("variable").map(|e| self.eval(e));
            match (
                test.as_ref().and_then(V::str),
                var.as_ref().and_then(V::str),
            ) {
                (Some(t), Some(k)) => conditions.push(ConditionEntry {
                    operator: t.to_string(),
                    key: k.to_string(),
                    values: c
                        .body
                        .attr("values")
                        .map(|e| vals(&self.eval(e)).into_iter().map(|i| i.value).collect())
                        .unwrap_or_default(),
                }),
                _ => condition_unknown = true,
            }
        }
        if b.blocks("dynamic").next().is_some() {
            condition_unknown = true;
        }
        let resources = list("resources").unwrap_or_default();
        Statement {
            span: s.span,
            effect,
            principal,
            has_not_principal: b.block("not_principals").map(|x| x.ident_span),
            actions: list("actions"),
            has_not_action: b.attr_entry("not_actions").map(|a| a.key_span),
            has_resource: b.attr("resources").is_some(),
            has_not_resource: b.attr("not_resources").is_some(),
            conditions,
            condition_unknown,
            resources,
        }
    }
}

/// JSON text written in a string: every element points at the string.
fn json_text(text: &str, span: Span) -> Option<V> {
    let doc = json::parse(text);
    if !doc.errors.is_empty() {
        return None;
    }
    Some(from_json(doc.root.as_ref()?, &|_| span, 0))
}

fn statement(v: &V) -> Statement {
    let span = v.span();
    if !matches!(v, V::Obj(..)) {
        // A statement we cannot see into.
        return Statement {
            span,
            effect: Field::set(unknown_val(span)),
            principal: Some(Principal {
                span,
                is_public: false,
                public_span: None,
            }),
            has_not_principal: None,
            actions: Some(vec![Item {
                when: When::always(),
                value: unknown_val(span),
            }]),
            has_not_action: None,
            has_resource: true,
            has_not_resource: false,
            conditions: Vec::new(),
            condition_unknown: true,
            resources: Vec::new(),
        };
    }
    let principal = v.get("Principal").map(|p| {
        let mut out = Principal {
            span: p.span(),
            is_public: false,
            public_span: None,
        };
        let star = |x: &V| x.str().map(str::trim) == Some("*");
        if star(p) {
            out.is_public = true;
            out.public_span = Some(p.span());
        } else if let Some(aws) = p.get("AWS") {
            if star(aws) {
                out.is_public = true;
                out.public_span = Some(aws.span());
            } else if let V::List(items, _) = aws {
                if let Some(i) = items.iter().find(|i| star(i)) {
                    out.is_public = true;
                    out.public_span = Some(i.span());
                }
            }
        }
        out
    });
    let mut conditions = Vec::new();
    let mut condition_unknown = false;
    match v.get("Condition") {
        None | Some(V::Null(_)) => {}
        Some(V::Obj(ops, _)) => {
            for (op, _, keys) in ops {
                let V::Obj(keys, _) = keys else {
                    condition_unknown = true;
                    continue;
                };
                for (k, _, values) in keys {
                    conditions.push(ConditionEntry {
                        operator: op.clone(),
                        key: k.clone(),
                        values: vals(values).into_iter().map(|i| i.value).collect(),
                    });
                }
            }
        }
        Some(_) => condition_unknown = true,
    }
    Statement {
        span,
        effect: match v.get("Effect").and_then(val_of) {
            Some(e) => Field::set(e),
            None => Field::absent(),
        },
        principal,
        has_not_principal: v.get("NotPrincipal").and(v.key_span("NotPrincipal")),
        actions: v.get("Action").map(vals),
        has_not_action: v.get("NotAction").and(v.key_span("NotAction")),
        has_resource: v.get("Resource").is_some(),
        has_not_resource: v.get("NotResource").is_some(),
        conditions,
        condition_unknown,
        resources: v.get("Resource").map(vals).unwrap_or_default(),
    }
}
