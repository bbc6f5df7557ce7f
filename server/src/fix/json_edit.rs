//! Rendering tree operations as JSON text edits.
//!
//! New members follow the file's layout: one per line with the file's
//! indentation unit (spaces or tabs) and line breaks when the object or
//! array is written that way, on the same line otherwise. Intrinsic
//! functions are always written in long form, on one line
//! (`{"Ref": "X"}`).

use super::edit::{flow_insert, is_int_text, Op, Out, Style};
use super::{Edit, Ins};
use crate::syntax::{Node, NodeKind, ScalarStyle};

pub(crate) fn render(text: &str, st: &Style, op: &Op<'_>) -> Option<Vec<Edit>> {
    match op {
        Op::Replace { node, value } => replace(node, value).map(|e| vec![e]),
        Op::Insert {
            map,
            after,
            entries,
        } => {
            if !map.is_mapping() {
                return None;
            }
            flow_insert(
                text,
                st,
                &[],
                map,
                *after,
                entries.len(),
                &|out, i, indent| {
                    if let Some((k, v)) = entries.get(i) {
                        out.lit(&string(k));
                        out.lit(": ");
                        value(out, st, v, indent);
                    }
                },
            )
        }
        Op::Append { seq, items } => {
            if !seq.is_sequence() {
                return None;
            }
            flow_insert(text, st, &[], seq, None, items.len(), &|out, i, indent| {
                if let Some(v) = items.get(i) {
                    value(out, st, v, indent);
                }
            })
        }
    }
}

fn replace(node: &Node, v: &Ins) -> Option<Edit> {
    let literal_ok = match &node.kind {
        NodeKind::Scalar { style, .. } => *style == ScalarStyle::JsonLiteral,
        _ => true,
    };
    let mut out = Out::new();
    match v {
        Ins::Bool(_) | Ins::Int(_) if !literal_ok => {
            let s = super::edit::scalar_text(v)?;
            out.lit(&string(&s));
        }
        Ins::Placeholder { n, text } if !literal_ok || !is_int_text(text) => {
            placeholder_string(&mut out, *n, text);
        }
        Ins::Map(_) | Ins::Seq(_) => return None,
        _ => value(&mut out, &Style::compact(), v, None),
    }
    Some(out.into_edit(node.full_span()))
}

fn placeholder_string(out: &mut Out, n: u32, text: &str) {
    let s = string(text);
    out.lit("\"");
    out.placeholder(n, &s[1..s.len() - 1]);
    out.lit("\"");
}

/// Write `v`; `indent` is the indentation of the line it starts on when it
/// may span lines, `None` to keep it on one line.
fn value(out: &mut Out, st: &Style, v: &Ins, indent: Option<&str>) {
    match v {
        Ins::Map(es) if es.is_empty() => out.lit("{}"),
        Ins::Seq(items) if items.is_empty() => out.lit("[]"),
        Ins::Map(es) => {
            out.lit("{");
            for (i, (k, v)) in es.iter().enumerate() {
                let inner = separator(out, st, i, indent);
                out.lit(&string(k));
                out.lit(": ");
                value(out, st, v, inner.as_deref());
            }
            close(out, st, indent, "}");
        }
        Ins::Seq(items) => {
            out.lit("[");
            for (i, v) in items.iter().enumerate() {
                let inner = separator(out, st, i, indent);
                value(out, st, v, inner.as_deref());
            }
            close(out, st, indent, "]");
        }
        Ins::Ref(x) => {
            out.lit("{\"Ref\": ");
            out.lit(&string(x));
            out.lit("}");
        }
        Ins::GetAtt(x, a) => {
            out.lit("{\"Fn::GetAtt\": [");
            out.lit(&string(x));
            out.lit(", ");
            out.lit(&string(a));
            out.lit("]}");
        }
        Ins::Sub(s) => {
            out.lit("{\"Fn::Sub\": ");
            out.lit(&string(s));
            out.lit("}");
        }
        Ins::Str(s) => out.lit(&string(s)),
        Ins::Bool(b) => out.lit(if *b { "true" } else { "false" }),
        Ins::Int(i) => out.lit(&i.to_string()),
        Ins::Placeholder { n, text } => {
            if is_int_text(text) {
                out.placeholder(*n, text);
            } else {
                placeholder_string(out, *n, text);
            }
        }
    }
}

/// Before member `i` of a collection: a comma and a line break (or space).
/// Returns the member's indentation when one per line.
fn separator(out: &mut Out, st: &Style, i: usize, indent: Option<&str>) -> Option<String> {
    if i > 0 {
        out.lit(",");
    }
    match indent {
        Some(base) => {
            let inner = format!("{base}{}", st.unit);
            out.lit(st.nl);
            out.lit(&inner);
            Some(inner)
        }
        None => {
            if i > 0 {
                out.lit(" ");
            }
            None
        }
    }
}

fn close(out: &mut Out, st: &Style, indent: Option<&str>, bracket: &str) {
    if let Some(base) = indent {
        out.lit(st.nl);
        out.lit(base);
    }
    out.lit(bracket);
}

/// A JSON string literal.
pub(crate) fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Span;

    fn render_value(v: &Ins, indent: Option<&str>) -> (String, Option<String>) {
        let mut st = Style::compact();
        st.unit = "\t".into();
        let mut out = Out::new();
        value(&mut out, &st, v, indent);
        let e = out.into_edit(Span::empty(0));
        (e.text, e.snippet)
    }

    #[test]
    fn values() {
        let v = Ins::map(vec![
            ("A", Ins::Bool(true)),
            ("B", Ins::Seq(vec![Ins::GetAtt("X".into(), "Arn".into())])),
        ]);
        assert_eq!(
            render_value(&v, None).0,
            r#"{"A": true, "B": [{"Fn::GetAtt": ["X", "Arn"]}]}"#
        );
        assert_eq!(
            render_value(&v, Some("\t")).0,
            "{\n\t\t\"A\": true,\n\t\t\"B\": [\n\t\t\t{\"Fn::GetAtt\": [\"X\", \"Arn\"]}\n\t\t]\n\t}"
        );
        let p = Ins::map(vec![
            ("D", Ins::placeholder(1, "90")),
            ("S", Ins::placeholder(2, "a\"b")),
            ("T", Ins::Sub("${X}".into())),
        ]);
        let (text, snippet) = render_value(&p, None);
        assert_eq!(text, r#"{"D": 90, "S": "a\"b", "T": {"Fn::Sub": "${X}"}}"#);
        assert_eq!(
            snippet.as_deref(),
            Some(r#"{"D": ${1:90}, "S": "${2:a\\"b}", "T": {"Fn::Sub": "\${X\}"\}\}"#)
        );
    }

    #[test]
    fn strings() {
        assert_eq!(string("a\u{1}é"), "\"a\\u0001é\"");
    }
}
