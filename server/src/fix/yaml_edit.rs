//! Rendering tree operations as YAML text edits, in block or flow style.
//!
//! New block content takes the indentation step the file already uses and
//! goes after the end of the line where the previous content ends, so a
//! trailing comment stays on its line. Replaced scalars keep their quoting
//! style; new strings are plain unless they need quotes.

use super::edit::{
    col, entry_end, flow_insert, is_int_text, line_end, line_start, same_line, Op, Out, Style,
};
use super::{Edit, Ins};
use crate::syntax::{Document, Node, NodeKind, ScalarStyle};
use crate::text::Span;
use std::borrow::Cow;

/// How to quote a scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    /// Plain when that reads back as the same string, else double quotes.
    Auto,
    Single,
    Double,
}

pub(crate) fn render(text: &str, doc: &Document, st: &Style, op: &Op<'_>) -> Option<Vec<Edit>> {
    match op {
        Op::Replace { node, value } => replace(st, node, value).map(|e| vec![e]),
        Op::Insert {
            map,
            after,
            entries,
        } => {
            if !map.is_mapping() {
                return None;
            }
            if is_flow(map) {
                flow_insert(
                    text,
                    st,
                    &doc.comments,
                    map,
                    *after,
                    entries.len(),
                    &|out, i, _| {
                        if let Some((k, v)) = entries.get(i) {
                            key(out, k);
                            out.lit(": ");
                            flow_value(out, st, v);
                        }
                    },
                )
            } else {
                block_insert(text, st, map, *after, entries).map(|e| vec![e])
            }
        }
        Op::Append { seq, items } => {
            if !seq.is_sequence() {
                return None;
            }
            if is_flow(seq) {
                flow_insert(
                    text,
                    st,
                    &doc.comments,
                    seq,
                    None,
                    items.len(),
                    &|out, i, _| {
                        if let Some(v) = items.get(i) {
                            flow_value(out, st, v);
                        }
                    },
                )
            } else {
                block_append(text, st, seq, items).map(|e| vec![e])
            }
        }
    }
}

fn is_flow(node: &Node) -> bool {
    matches!(
        node.kind,
        NodeKind::Mapping { flow: true, .. } | NodeKind::Sequence { flow: true, .. }
    )
}

/// Where new block lines go after content ending at `end`: the end of that
/// line (after any comment on it).
fn after_line(text: &str, end: usize) -> usize {
    let mut e = end.min(text.len());
    while e > 0 && matches!(text.as_bytes()[e - 1], b'\n' | b'\r') {
        e -= 1;
    }
    line_end(text, e)
}

/// The position of the `-` of the first item of a block sequence.
pub(crate) fn dash_of(text: &str, seq: &Node) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.get(seq.span.start) == Some(&b'-') {
        return Some(seq.span.start);
    }
    let first = seq.items().first()?.full_span().start;
    let before = text.get(..first)?.trim_end();
    before.ends_with('-').then(|| before.len() - 1)
}

/// True when some two neighbouring entries of the block mapping are
/// separated by a blank line.
fn blank_separated(text: &str, map: &Node) -> bool {
    map.entries().windows(2).any(|w| {
        let gap = text
            .get(entry_end(&w[0])..w[1].key_span.start)
            .unwrap_or("");
        let mut breaks = 0;
        for line in gap.split('\n').skip(1) {
            if line.trim().is_empty() {
                breaks += 1;
            }
        }
        breaks > 1
    })
}

fn block_insert(
    text: &str,
    st: &Style,
    map: &Node,
    after: Option<usize>,
    entries: &[(super::InsText, Ins)],
) -> Option<Edit> {
    let es = map.entries();
    let (c, blank) = st.maps.get_or(map.span.start, || {
        // Each key must start its line (after indentation or a sequence
        // dash): a tag or anchor before a key (`!If Key:`) would put the
        // new entries at the wrong indentation.
        let starts_line = |at: usize| {
            text.get(line_start(text, at)..at)
                .is_some_and(|p| p.bytes().all(|b| matches!(b, b' ' | b'\t' | b'-')))
        };
        let c = es
            .first()
            .map(|first| col(text, first.key_span.start))
            .filter(|c| {
                es.iter()
                    .all(|e| col(text, e.key_span.start) == *c && starts_line(e.key_span.start))
            });
        (c, blank_separated(text, map))
    });
    let c = c?;
    let anchor = match after {
        Some(i) => es.get(i)?,
        None => es.last()?,
    };
    let pos = after_line(text, entry_end(anchor));
    let mut out = Out::new();
    if after.is_some() && blank {
        out.lit(st.nl);
    }
    st.blocks.get_or(&mut out, c, entries, |out| {
        for (k, v) in entries {
            newline(out, st, c);
            block_entry(out, st, k, v, c);
        }
    });
    Some(out.into_edit(Span::empty(pos)))
}

fn block_append(text: &str, st: &Style, seq: &Node, items: &[Ins]) -> Option<Edit> {
    let dash = dash_of(text, seq)?;
    let d = col(text, dash);
    let first = seq.items().first()?;
    let content = match first.entries().first() {
        Some(e) if first.tag.is_none() && same_line(text, dash, e.key_span.start) => {
            col(text, e.key_span.start)
        }
        _ => d + 2,
    };
    if content <= d {
        return None;
    }
    let last = seq.items().last()?;
    let pos = after_line(text, last.full_span().end.max(seq.span.end));
    let mut out = Out::new();
    for item in items {
        newline(&mut out, st, d);
        out.lit("-");
        out.spaces(content - d - 1);
        block_item(&mut out, st, item, content);
    }
    Some(out.into_edit(Span::empty(pos)))
}

fn replace(st: &Style, node: &Node, value: &Ins) -> Option<Edit> {
    let quote = match (&node.kind, &node.tag) {
        (NodeKind::Scalar { style, .. }, None) => match style {
            ScalarStyle::Plain => Quote::Auto,
            ScalarStyle::SingleQuoted => Quote::Single,
            ScalarStyle::DoubleQuoted => Quote::Double,
            _ => return None,
        },
        _ => Quote::Auto,
    };
    let mut out = Out::new();
    match value {
        Ins::Map(_) | Ins::Seq(_) => return None,
        Ins::Ref(_) | Ins::GetAtt(..) | Ins::Sub(_) => flow_value(&mut out, st, value),
        _ => scalar(&mut out, value, quote),
    }
    Some(out.into_edit(node.full_span()))
}

// ----- block style --------------------------------------------------------------

fn newline(out: &mut Out, st: &Style, indent: usize) {
    out.lit(st.nl);
    out.spaces(indent);
}

/// `key: value`, the key at column `c` (the cursor is already there).
fn block_entry(out: &mut Out, st: &Style, k: &str, v: &Ins, c: usize) {
    key(out, k);
    out.lit(":");
    block_value(out, st, v, c);
}

/// The value of an entry whose key is at column `c`, written after its `:`.
fn block_value(out: &mut Out, st: &Style, v: &Ins, c: usize) {
    match v {
        Ins::Map(es) if es.is_empty() => out.lit(" {}"),
        Ins::Map(es) => {
            for (k, v) in es {
                newline(out, st, c + st.step);
                block_entry(out, st, k, v, c + st.step);
            }
        }
        Ins::Seq(items) if items.is_empty() => out.lit(" []"),
        Ins::Seq(items) => {
            for item in items {
                newline(out, st, c + st.seq_offset);
                out.lit("- ");
                block_item(out, st, item, c + st.seq_offset + 2);
            }
        }
        Ins::Ref(_) | Ins::GetAtt(..) | Ins::Sub(_) if !st.short_tags => {
            newline(out, st, c + st.step);
            long_call(out, v);
        }
        _ => {
            out.lit(" ");
            flow_value(out, st, v);
        }
    }
}

/// A sequence item whose content starts at column `c` (after its `- `).
fn block_item(out: &mut Out, st: &Style, v: &Ins, c: usize) {
    match v {
        Ins::Map(es) if !es.is_empty() => {
            for (i, (k, v)) in es.iter().enumerate() {
                if i > 0 {
                    newline(out, st, c);
                }
                block_entry(out, st, k, v, c);
            }
        }
        Ins::Seq(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    newline(out, st, c);
                }
                out.lit("- ");
                block_item(out, st, item, c + 2);
            }
        }
        Ins::Ref(_) | Ins::GetAtt(..) | Ins::Sub(_) if !st.short_tags => long_call(out, v),
        _ => flow_value(out, st, v),
    }
}

/// An intrinsic in long form as one mapping entry (`Ref: X`).
fn long_call(out: &mut Out, v: &Ins) {
    match v {
        Ins::Ref(x) => {
            out.lit("Ref: ");
            str_scalar(out, x, None, false, Quote::Auto);
        }
        Ins::GetAtt(x, a) => {
            out.lit("Fn::GetAtt: [");
            str_scalar(out, x, None, false, Quote::Auto);
            out.lit(", ");
            str_scalar(out, a, None, false, Quote::Auto);
            out.lit("]");
        }
        Ins::Sub(s) => {
            out.lit("Fn::Sub: ");
            str_scalar(out, s, None, false, Quote::Auto);
        }
        _ => {}
    }
}

// ----- flow style ---------------------------------------------------------------

/// A value written on one line (flow collections, scalars, short-form tags).
fn flow_value(out: &mut Out, st: &Style, v: &Ins) {
    match v {
        Ins::Map(es) => {
            out.lit("{");
            for (i, (k, v)) in es.iter().enumerate() {
                if i > 0 {
                    out.lit(", ");
                }
                key(out, k);
                out.lit(": ");
                flow_value(out, st, v);
            }
            out.lit("}");
        }
        Ins::Seq(items) => {
            out.lit("[");
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.lit(", ");
                }
                flow_value(out, st, v);
            }
            out.lit("]");
        }
        Ins::Ref(x) if st.short_tags => {
            out.lit("!Ref ");
            str_scalar(out, x, None, false, Quote::Auto);
        }
        Ins::GetAtt(x, a) if st.short_tags => {
            out.lit("!GetAtt ");
            str_scalar(out, &format!("{x}.{a}"), None, false, Quote::Auto);
        }
        Ins::Sub(s) if st.short_tags => {
            out.lit("!Sub ");
            str_scalar(out, s, None, false, Quote::Auto);
        }
        Ins::Ref(_) | Ins::GetAtt(..) | Ins::Sub(_) => {
            out.lit("{");
            long_call(out, v);
            out.lit("}");
        }
        _ => scalar(out, v, Quote::Auto),
    }
}

// ----- scalars --------------------------------------------------------------------

fn key(out: &mut Out, k: &str) {
    if plain_ok(k) {
        out.lit(k);
    } else {
        out.lit(&double_quoted(k));
    }
}

fn scalar(out: &mut Out, v: &Ins, quote: Quote) {
    let (text, ph, verbatim): (Cow<'_, str>, _, _) = match v {
        Ins::Str(s) => (Cow::Borrowed(s), None, false),
        Ins::Bool(b) => (Cow::Borrowed(if *b { "true" } else { "false" }), None, true),
        Ins::Int(i) => (Cow::Owned(i.to_string()), None, true),
        Ins::Placeholder { n, text } => (Cow::Borrowed(text), Some(*n), is_int_text(text)),
        _ => return,
    };
    str_scalar(out, &text, ph, verbatim, quote);
}

/// A string scalar, optionally as placeholder `ph`; `verbatim` text is
/// written plain without checks.
fn str_scalar(out: &mut Out, text: &str, ph: Option<u32>, verbatim: bool, quote: Quote) {
    let quote = match quote {
        Quote::Single if text.chars().any(char::is_control) => Quote::Double,
        Quote::Auto if !verbatim && !plain_ok(text) => Quote::Double,
        q => q,
    };
    let (open, body, close): (_, Cow<'_, str>, _) = match quote {
        Quote::Auto => ("", Cow::Borrowed(text), ""),
        Quote::Single => ("'", Cow::Owned(text.replace('\'', "''")), "'"),
        Quote::Double => {
            let q = double_quoted(text);
            let body = q[1..q.len() - 1].to_string();
            ("\"", Cow::Owned(body), "\"")
        }
    };
    out.lit(open);
    match ph {
        Some(n) => out.placeholder(n, &body),
        None => out.lit(&body),
    }
    out.lit(close);
}

/// `s` in double quotes, escaped.
pub(crate) fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let code = c as u32;
                if code <= 0xff {
                    out.push_str(&format!("\\x{code:02X}"));
                } else {
                    out.push_str(&format!("\\u{code:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A character that keeps a string from being written plain anywhere in it.
fn not_plain_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            ',' | '['
                | ']'
                | '{'
                | '}'
                | '#'
                | '*'
                | '&'
                | '!'
                | '|'
                | '>'
                | '\''
                | '"'
                | '%'
                | '@'
                | '`'
                | '\\'
        )
}

/// [`not_plain_char`] for each ASCII byte.
static NOT_PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = b < 0x20
            || b == 0x7f
            || matches!(
                b as u8,
                b',' | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b'#'
                    | b'*'
                    | b'&'
                    | b'!'
                    | b'|'
                    | b'>'
                    | b'\''
                    | b'"'
                    | b'%'
                    | b'@'
                    | b'`'
                    | b'\\'
            );
        b += 1;
    }
    t
};

/// Words a plain scalar must not be (any case): YAML 1.1 booleans and nulls.
const RESERVED: [&str; 10] = [
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
];

/// True when every byte is an ASCII letter or digit.
fn all_ascii_alnum(b: &[u8]) -> bool {
    b.iter().all(|&c| ALNUM[usize::from(c)])
}

/// [`u8::is_ascii_alphanumeric`] for each byte.
static ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// True when `s` written plain reads back as the same string, in block and
/// flow context alike (conservative).
pub(crate) fn plain_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return false;
    };
    // The common case (property names, enum values): only ASCII letters
    // and digits, where just the reserved words (at most five letters) and
    // a leading digit matter.
    if all_ascii_alnum(b) {
        return !first.is_ascii_digit()
            && (b.len() > 5 || !RESERVED.iter().any(|r| s.eq_ignore_ascii_case(r)));
    }
    if s.is_ascii() {
        plain_ok_ascii(b)
    } else {
        plain_ok_general(s)
    }
}

/// [`plain_ok`] for ASCII text, in one pass over the bytes.
fn plain_ok_ascii(b: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    // Every ASCII space but ' ' is a control character, which NOT_PLAIN
    // refuses anywhere; the other indicators that must not start a plain
    // scalar are in NOT_PLAIN too.
    if first == b' ' || last == b' ' || last == b':' || matches!(first, b'-' | b'?' | b':') {
        return false;
    }
    let mut prev = 0u8;
    for &c in b {
        if NOT_PLAIN[usize::from(c)] || (c == b' ' && prev == b':') {
            return false;
        }
        prev = c;
    }
    let starts = |p: &[u8]| b.len() >= p.len() && b[..p.len()].eq_ignore_ascii_case(p);
    if (b.len() <= 5
        && RESERVED
            .iter()
            .any(|r| b.eq_ignore_ascii_case(r.as_bytes())))
        || starts(b".inf")
        || starts(b".nan")
    {
        return false;
    }
    let digit = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_digit());
    !(digit(0) || (matches!(first, b'+' | b'-' | b'.') && digit(1)))
}

/// [`plain_ok`] for any string.
fn plain_ok_general(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let reserved = RESERVED;
    if s.trim() != s
        || matches!(
            first,
            '-' | '?'
                | ':'
                | ','
                | '['
                | ']'
                | '{'
                | '}'
                | '#'
                | '&'
                | '*'
                | '!'
                | '|'
                | '>'
                | '\''
                | '"'
                | '%'
                | '@'
                | '`'
        )
    {
        return false;
    }
    let bad = if s.is_ascii() {
        s.bytes().any(|b| NOT_PLAIN[usize::from(b)])
    } else {
        s.chars().any(not_plain_char)
    };
    if bad {
        return false;
    }
    // (A byte search: `str::contains` sets up a substring searcher per call.)
    if s.as_bytes().windows(2).any(|w| w == b": ") || s.ends_with(':') {
        return false;
    }
    let starts =
        |p: &str| s.len() >= p.len() && s.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    if reserved.iter().any(|r| s.eq_ignore_ascii_case(r)) || starts(".inf") || starts(".nan") {
        return false;
    }
    let mut chars = s.chars();
    let c0 = chars.next();
    let c1 = chars.next();
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    !(digit(c0) || (matches!(c0, Some('+' | '-' | '.')) && digit(c1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars() {
        for ok in [
            "Private",
            "aws:kms",
            "https://example.com",
            "aws:SecureTransport",
            "Fn::GetAtt",
            "日本語",
            "a b",
        ] {
            assert!(plain_ok(ok), "{ok}");
        }
        for bad in [
            "*",
            "s3:*",
            "false",
            "Yes",
            "2012-10-17",
            "90",
            "${A.Arn}/*",
            "a: b",
            "a #b",
            "",
            " a",
            "-a",
            "a,b",
            "~",
            ".5",
        ] {
            assert!(!plain_ok(bad), "{bad}");
        }
    }

    #[test]
    fn the_ascii_path_agrees_with_the_general_one() {
        // Every string of up to three characters from an alphabet of the
        // characters that matter, and a few longer ones.
        let alphabet = [
            "a", "Y", "n", "1", " ", ":", "-", "?", ".", "+", "#", "*", "~", "!", "\t", "/",
        ];
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..3 {
            last = last
                .iter()
                .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        all.extend(
            [
                "aws:kms",
                "arn:aws:kms:eu-west-1:111122223333:key/x",
                "a: b",
                "a:b",
                "s3:*",
                ".inf",
                ".NaN",
                ".5",
                "-1",
                "+1",
                "null",
                "NULL",
                "~",
                "yes",
                "on",
                "Off",
                "${Bucket.Arn}/*",
                "a b",
                "https://example.com/x?y=1",
            ]
            .map(String::from),
        );
        for s in &all {
            let fast = if all_ascii_alnum(s.as_bytes()) {
                plain_ok(s)
            } else {
                plain_ok_ascii(s.as_bytes())
            };
            assert_eq!(fast, plain_ok_general(s), "{s:?}");
        }
    }

    #[test]
    fn the_letters_and_digits_path_agrees_with_the_general_one() {
        for b in 0..=255u8 {
            assert_eq!(all_ascii_alnum(&[b]), b.is_ascii_alphanumeric(), "{b}");
        }
        for s in [
            "a",
            "Y",
            "n",
            "No",
            "oN",
            "OFF",
            "True",
            "FALSE",
            "null",
            "Null1",
            "yes",
            "yesno",
            "0",
            "9a",
            "a9",
            "Enabled",
            "AES256",
            "BucketKeyEnabled",
            "z",
            "Z0",
            "`",
            "@",
            "[",
            "{",
            "/",
            ":",
        ] {
            assert!(
                all_ascii_alnum(s.as_bytes()) == s.bytes().all(|b| b.is_ascii_alphanumeric()),
                "{s}"
            );
            assert_eq!(plain_ok(s), plain_ok_general(s), "{s}");
        }
    }

    #[test]
    fn quoting() {
        let st = |v: &Ins, q: Quote| {
            let mut out = Out::new();
            scalar(&mut out, v, q);
            let e = out.into_edit(Span::empty(0));
            (e.text, e.snippet)
        };
        assert_eq!(st(&Ins::str("*"), Quote::Auto).0, "\"*\"");
        assert_eq!(st(&Ins::str("it's"), Quote::Single).0, "'it''s'");
        assert_eq!(st(&Ins::Bool(true), Quote::Double).0, "\"true\"");
        assert_eq!(st(&Ins::Bool(true), Quote::Auto).0, "true");
        assert_eq!(st(&Ins::str("a\"b\n"), Quote::Auto).0, "\"a\\\"b\\n\"");
        assert_eq!(
            st(&Ins::placeholder(2, "90"), Quote::Auto),
            ("90".into(), Some("${2:90}".into()))
        );
        assert_eq!(
            st(&Ins::placeholder(1, "a}b: c"), Quote::Auto),
            ("\"a}b: c\"".into(), Some("\"${1:a\\}b: c}\"".into()))
        );
    }
}
