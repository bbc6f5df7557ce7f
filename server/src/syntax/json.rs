//! JSON front end: a hand-written RFC 8259 parser that builds the shared
//! [`Node`] tree with exact byte spans.
//!
//! The parser works on bytes but only ever splits the text at ASCII
//! characters, so every span lies on char boundaries. It uses an explicit
//! stack instead of recursion, so deeply nested input cannot overflow the
//! call stack; nesting deeper than [`MAX_DEPTH`] is reported as an error.
//!
//! Parsing stops at the first error. The tree built so far is kept: open
//! containers are closed (their span ends after their last complete child)
//! and completed entries and items are included.

use super::{Document, Entry, Format, Node, NodeKind, ScalarStyle, SyntaxError};
use crate::text::Span;

/// The deepest nesting of objects and arrays accepted.
pub const MAX_DEPTH: usize = 128;

/// Parse `text` as JSON. Never fails and never panics: malformed input
/// yields a partial tree plus exactly one [`SyntaxError`].
pub fn parse(text: &str) -> Document {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        stack: Vec::new(),
        root: None,
    };
    let error = parser.run().err();
    if error.is_some() {
        parser.close_open_containers();
    }
    Document {
        format: Format::Json,
        root: parser.root,
        errors: error.into_iter().collect(),
        comments: Vec::new(),
    }
}

/// An object or array whose closing bracket has not been seen yet.
enum Frame {
    Array {
        start: usize,
        /// End of the last complete content (initially just after `[`).
        end: usize,
        items: Vec<Node>,
    },
    Object {
        start: usize,
        /// End of the last complete content (initially just after `{`).
        end: usize,
        entries: Vec<Entry>,
        /// The key whose value is being parsed.
        key: Option<(String, Span)>,
    },
}

impl Frame {
    fn is_array(&self) -> bool {
        matches!(self, Frame::Array { .. })
    }

    /// Add a finished value: an array item, or the value of the pending key.
    fn push(&mut self, value: Node) {
        match self {
            Frame::Array { end, items, .. } => {
                *end = value.span.end;
                items.push(value);
            }
            Frame::Object {
                end, entries, key, ..
            } => {
                if let Some((key, key_span)) = key.take() {
                    *end = value.span.end;
                    entries.push(Entry {
                        key,
                        key_span,
                        value,
                    });
                }
            }
        }
    }

    /// Turn the frame into a node ending at `close` (just after the closing
    /// bracket) or, for an unclosed container, after its last content.
    fn into_node(self, close: Option<usize>) -> Node {
        let (start, end, kind) = match self {
            Frame::Array { start, end, items } => {
                (start, end, NodeKind::Sequence { items, flow: true })
            }
            Frame::Object {
                start,
                end,
                entries,
                ..
            } => (
                start,
                end,
                NodeKind::Mapping {
                    entries,
                    flow: true,
                },
            ),
        };
        node(kind, Span::new(start, close.unwrap_or(end)))
    }
}

fn node(kind: NodeKind, span: Span) -> Node {
    Node {
        kind,
        span,
        tag: None,
        from_alias: false,
    }
}

fn scalar(value: String, style: ScalarStyle, span: Span) -> Node {
    node(NodeKind::Scalar { value, style }, span)
}

fn error(span: Span, message: impl Into<String>) -> SyntaxError {
    SyntaxError {
        span,
        message: message.into(),
    }
}

/// What starting a value produced.
enum Step {
    /// A complete value (a scalar or an empty container).
    Value(Node),
    /// A container was opened; its first value comes next.
    Opened,
}

type PResult<T> = Result<T, SyntaxError>;

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    stack: Vec<Frame>,
    root: Option<Node>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Byte length of the character starting at `at` (0 at the end).
    fn char_len_at(&self, at: usize) -> usize {
        self.text
            .get(at..)
            .and_then(|s| s.chars().next())
            .map_or(0, char::len_utf8)
    }

    /// The text of `span`, or "" if it is not a valid range.
    fn slice(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or("")
    }

    /// An error for the character at the current position, which is not
    /// `what` was expected; at the end of the text a zero-length span.
    fn expected(&self, what: &str) -> SyntaxError {
        if self.pos >= self.bytes.len() {
            error(
                Span::empty(self.bytes.len()),
                format!("unexpected end of file: expected {what}"),
            )
        } else {
            let len = self.char_len_at(self.pos).max(1);
            error(
                Span::new(self.pos, self.pos + len),
                format!("expected {what}"),
            )
        }
    }

    fn run(&mut self) -> PResult<()> {
        if self.text.starts_with('\u{FEFF}') {
            self.pos = '\u{FEFF}'.len_utf8();
        }
        self.skip_ws();
        if self.pos >= self.bytes.len() {
            return Ok(());
        }
        'value: loop {
            let mut value = match self.value_start()? {
                Step::Value(v) => v,
                Step::Opened => continue 'value,
            };
            // Attach the finished value and handle what follows it; every
            // closing bracket finishes another value.
            loop {
                let Some(top) = self.stack.last_mut() else {
                    self.root = Some(value);
                    self.skip_ws();
                    if self.pos < self.bytes.len() {
                        let len = self.char_len_at(self.pos).max(1);
                        return Err(error(
                            Span::new(self.pos, self.pos + len),
                            "unexpected characters after the document",
                        ));
                    }
                    return Ok(());
                };
                top.push(value);
                let is_array = top.is_array();
                let close = if is_array { b']' } else { b'}' };
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        let comma = self.pos;
                        self.pos += 1;
                        self.skip_ws();
                        if self.peek() == Some(close) {
                            return Err(error(
                                Span::new(comma, comma + 1),
                                format!("trailing comma before '{}'", close as char),
                            ));
                        }
                        if !is_array {
                            self.member_key(false)?;
                        }
                        continue 'value;
                    }
                    Some(c) if c == close => {
                        self.pos += 1;
                        let Some(frame) = self.stack.pop() else {
                            return Ok(());
                        };
                        value = frame.into_node(Some(self.pos));
                    }
                    _ => {
                        return Err(self.expected(if is_array {
                            "',' or ']' after an array item"
                        } else {
                            "',' or '}' after an object member"
                        }))
                    }
                }
            }
        }
    }

    /// Start a value at the current position (whitespace already skipped).
    fn value_start(&mut self) -> PResult<Step> {
        match self.peek() {
            Some(open @ (b'{' | b'[')) => {
                let start = self.pos;
                if self.stack.len() >= MAX_DEPTH {
                    return Err(error(
                        Span::new(start, start + 1),
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                    ));
                }
                self.pos += 1;
                self.skip_ws();
                let is_array = open == b'[';
                self.stack.push(if is_array {
                    Frame::Array {
                        start,
                        end: start + 1,
                        items: Vec::new(),
                    }
                } else {
                    Frame::Object {
                        start,
                        end: start + 1,
                        entries: Vec::new(),
                        key: None,
                    }
                });
                let close = if is_array { b']' } else { b'}' };
                if self.peek() == Some(close) {
                    self.pos += 1;
                    return Ok(match self.stack.pop() {
                        Some(frame) => Step::Value(frame.into_node(Some(self.pos))),
                        None => Step::Opened,
                    });
                }
                if !is_array {
                    self.member_key(true)?;
                }
                Ok(Step::Opened)
            }
            Some(b'"') => {
                let (value, span) = self.string()?;
                Ok(Step::Value(scalar(value, ScalarStyle::JsonString, span)))
            }
            Some(b'-' | b'0'..=b'9') => self.number().map(Step::Value),
            Some(c) if c.is_ascii_alphabetic() => self.literal().map(Step::Value),
            _ => Err(self.expected("a value")),
        }
    }

    /// Parse an object key and its `:`, leaving the position at the value.
    /// `first` is true right after `{` (where `}` would also be allowed).
    fn member_key(&mut self, first: bool) -> PResult<()> {
        if self.peek() != Some(b'"') {
            return Err(self.expected(if first {
                "a double-quoted key or '}'"
            } else {
                "a double-quoted key"
            }));
        }
        let key = self.string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.expected("':' after an object key"));
        }
        self.pos += 1;
        self.skip_ws();
        if let Some(Frame::Object { key: pending, .. }) = self.stack.last_mut() {
            *pending = Some(key);
        }
        Ok(())
    }

    /// `true`, `false` or `null`; any other word is an error.
    fn literal(&mut self) -> PResult<Node> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' {
                self.pos += 1;
            } else {
                break;
            }
        }
        let span = Span::new(start, self.pos);
        let word = self.slice(start, self.pos);
        match word {
            "true" | "false" | "null" => {
                Ok(scalar(word.to_string(), ScalarStyle::JsonLiteral, span))
            }
            _ => {
                // The word is ASCII, so any cut is a char boundary.
                let shown = match word.get(..40) {
                    Some(head) => format!("{head}..."),
                    None => word.to_string(),
                };
                Err(error(span, format!("invalid literal '{shown}'")))
            }
        }
    }

    fn skip_digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    /// A number per RFC 8259:
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> PResult<Node> {
        let start = self.pos;
        let mut after = "the start of a number";
        if self.peek() == Some(b'-') {
            self.pos += 1;
            after = "'-'";
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    self.skip_digits();
                    return Err(error(
                        Span::new(start, self.pos),
                        "leading zeros are not allowed in numbers",
                    ));
                }
            }
            Some(b'1'..=b'9') => self.skip_digits(),
            _ => return Err(self.expected(&format!("a digit after {after}"))),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.expected("a digit after '.'"));
            }
            self.skip_digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.expected("a digit in the exponent"));
            }
            self.skip_digits();
        }
        let span = Span::new(start, self.pos);
        Ok(scalar(
            self.slice(start, self.pos).to_string(),
            ScalarStyle::JsonLiteral,
            span,
        ))
    }

    /// A string starting at the current `"`: its decoded value and its span
    /// (quotes included).
    fn string(&mut self) -> PResult<(String, Span)> {
        let start = self.pos;
        let unterminated = || error(Span::new(start, start + 1), "unterminated string");
        self.pos += 1;
        let mut out = String::new();
        let mut chunk = self.pos;
        loop {
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            match self.peek() {
                None => return Err(unterminated()),
                Some(b'"') => {
                    out.push_str(self.slice(chunk, self.pos));
                    self.pos += 1;
                    return Ok((out, Span::new(start, self.pos)));
                }
                Some(b'\\') => {
                    out.push_str(self.slice(chunk, self.pos));
                    self.escape(&mut out, start)?;
                    chunk = self.pos;
                }
                Some(_) => {
                    return Err(error(
                        Span::new(self.pos, self.pos + 1),
                        "control character in string",
                    ))
                }
            }
        }
    }

    /// Decode the escape sequence at the current `\` into `out`.
    /// `quote` is where the string starts (for "unterminated string").
    fn escape(&mut self, out: &mut String, quote: usize) -> PResult<()> {
        let backslash = self.pos;
        let Some(c) = self.bytes.get(backslash + 1).copied() else {
            return Err(error(Span::new(quote, quote + 1), "unterminated string"));
        };
        let simple = match c {
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            self.pos += 2;
            return Ok(());
        }
        if c != b'u' {
            let len = self.char_len_at(backslash + 1).max(1);
            let shown: String = self
                .slice(backslash + 1, backslash + 1 + len)
                .escape_debug()
                .collect();
            return Err(error(
                Span::new(backslash, backslash + 1 + len),
                format!("invalid escape sequence '\\{shown}'"),
            ));
        }
        let unit = self.hex4(backslash + 2, backslash, quote)?;
        self.pos = backslash + 6;
        match unit {
            0xD800..=0xDBFF => {
                // A high surrogate needs a `\uDC00`-`\uDFFF` right after it;
                // otherwise it is lone and the next escape is left alone.
                let next = self.pos;
                let low = if self.bytes.get(next) == Some(&b'\\')
                    && self.bytes.get(next + 1) == Some(&b'u')
                {
                    self.hex4(next + 2, next, quote)
                        .ok()
                        .filter(|u| (0xDC00..=0xDFFF).contains(u))
                } else {
                    None
                };
                match low {
                    Some(low) => {
                        let cp = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                        self.pos = next + 6;
                    }
                    None => out.push('\u{FFFD}'),
                }
            }
            _ => out.push(char::from_u32(unit).unwrap_or('\u{FFFD}')),
        }
        Ok(())
    }

    /// Four hex digits at `at`, part of the `\u` escape at `backslash`.
    fn hex4(&self, at: usize, backslash: usize, quote: usize) -> PResult<u32> {
        let mut unit = 0u32;
        for i in 0..4 {
            let digit = match self.bytes.get(at + i) {
                None => return Err(error(Span::new(quote, quote + 1), "unterminated string")),
                Some(&c) => (c as char).to_digit(16),
            };
            match digit {
                Some(d) => unit = unit * 16 + d,
                None => {
                    return Err(error(
                        Span::new(backslash, at + i),
                        "invalid unicode escape: expected 4 hex digits after '\\u'",
                    ))
                }
            }
        }
        Ok(unit)
    }
}

impl Parser<'_> {
    /// After an error: close every open container into the root, attaching
    /// each to its parent (as the value of the parent's pending key).
    fn close_open_containers(&mut self) {
        let mut child: Option<Node> = None;
        while let Some(mut frame) = self.stack.pop() {
            if let Some(c) = child.take() {
                frame.push(c);
            }
            child = Some(frame.into_node(None));
        }
        if self.root.is_none() {
            self.root = child;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Node {
        let doc = parse(text);
        assert_eq!(doc.errors, vec![], "unexpected errors for {text:?}");
        assert_eq!(doc.format, Format::Json);
        assert!(doc.comments.is_empty());
        doc.root.expect("a root")
    }

    fn src(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    /// The single error of `text`: (its source text, its start, its message).
    fn err(text: &str) -> (String, usize, String) {
        let doc = parse(text);
        assert_eq!(doc.errors.len(), 1, "expected one error for {text:?}");
        let e = &doc.errors[0];
        (
            src(text, e.span).to_string(),
            e.span.start,
            e.message.clone(),
        )
    }

    fn style(node: &Node) -> ScalarStyle {
        match &node.kind {
            NodeKind::Scalar { style, .. } => *style,
            _ => panic!("not a scalar"),
        }
    }

    /// Check every node's invariants: spans on char boundaries and nested.
    fn check_tree(text: &str, node: &Node) {
        assert!(node.span.start <= node.span.end && node.span.end <= text.len());
        assert!(text.is_char_boundary(node.span.start));
        assert!(text.is_char_boundary(node.span.end));
        assert_eq!(node.tag, None);
        assert!(!node.from_alias);
        for item in node.items() {
            assert!(node.span.contains_span(item.span));
            check_tree(text, item);
        }
        for e in node.entries() {
            assert!(node.span.contains_span(e.key_span));
            assert!(node.span.contains_span(e.value.span));
            assert!(e.key_span.end <= e.value.span.start);
            check_tree(text, &e.value);
        }
    }

    #[test]
    fn scalars_and_spans() {
        let text = r#"{"s": "hi", "n": -12.5e+3, "z": 0, "t": true, "f": false, "x": null}"#;
        let root = ok(text);
        assert!(root.is_mapping());
        assert_eq!(src(text, root.span), text);
        let keys: Vec<&str> = root.entries().iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["s", "n", "z", "t", "f", "x"]);
        for e in root.entries() {
            assert_eq!(src(text, e.key_span), format!("\"{}\"", e.key));
        }
        let s = root.get("s").unwrap();
        assert_eq!(src(text, s.span), "\"hi\"");
        assert_eq!(s.as_str(), Some("hi"));
        assert_eq!(style(s), ScalarStyle::JsonString);
        for (key, lit) in [
            ("n", "-12.5e+3"),
            ("z", "0"),
            ("t", "true"),
            ("f", "false"),
            ("x", "null"),
        ] {
            let v = root.get(key).unwrap();
            assert_eq!(src(text, v.span), lit);
            assert_eq!(v.as_str(), Some(lit));
            assert_eq!(style(v), ScalarStyle::JsonLiteral);
        }
        assert!(root.get("x").unwrap().is_null());
        check_tree(text, &root);
    }

    #[test]
    fn top_level_scalars() {
        for text in [
            "42", "\"a\"", "true", "null", "-0", "1E5", "0.25e-7", " 7 \n",
        ] {
            let root = ok(text);
            assert_eq!(src(text, root.span), text.trim());
        }
    }

    #[test]
    fn nested_containers() {
        let text = "{\"a\": [1, {\"b\": []}, {}], \"c\": {\"d\": [[ ]]}}";
        let root = ok(text);
        assert_eq!(root.span, Span::new(0, text.len()));
        let a = root.get("a").unwrap();
        assert_eq!(src(text, a.span), "[1, {\"b\": []}, {}]");
        assert!(matches!(a.kind, NodeKind::Sequence { flow: true, .. }));
        assert_eq!(a.items().len(), 3);
        assert_eq!(src(text, a.items()[0].span), "1");
        assert_eq!(src(text, a.items()[1].span), "{\"b\": []}");
        assert!(matches!(
            a.items()[1].kind,
            NodeKind::Mapping { flow: true, .. }
        ));
        assert_eq!(src(text, a.items()[1].get("b").unwrap().span), "[]");
        assert_eq!(src(text, a.items()[2].span), "{}");
        let d = root.get("c").unwrap().get("d").unwrap();
        assert_eq!(src(text, d.span), "[[ ]]");
        assert_eq!(src(text, d.items()[0].span), "[ ]");
        check_tree(text, &root);
    }

    #[test]
    fn multibyte_text_before_later_values() {
        let text = "{\"名前\": \"日本語😀\", \"k\": [\"é\", 3], \"😀\": true}";
        let root = ok(text);
        let e = &root.entries()[0];
        assert_eq!(e.key, "名前");
        assert_eq!(src(text, e.key_span), "\"名前\"");
        assert_eq!(e.value.as_str(), Some("日本語😀"));
        assert_eq!(src(text, e.value.span), "\"日本語😀\"");
        let k = root.get("k").unwrap();
        assert_eq!(src(text, k.span), "[\"é\", 3]");
        assert_eq!(src(text, k.items()[1].span), "3");
        let last = &root.entries()[2];
        assert_eq!(last.key, "😀");
        assert_eq!(src(text, last.key_span), "\"😀\"");
        assert_eq!(src(text, last.value.span), "true");
        check_tree(text, &root);
    }

    #[test]
    fn escapes_are_decoded() {
        let text = r#"["a\"b\\c\/d\be\ff\ng\rh\ti", "\u0041\u00e9\u65E5", "\ud83d\ude00!", "\ud800", "\udc00x", "\ud800\u0041", "\ud800\n", "\u0000"]"#;
        let root = ok(text);
        let values: Vec<&str> = root.items().iter().map(|n| n.as_str().unwrap()).collect();
        assert_eq!(
            values,
            [
                "a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti",
                "Aé日",
                "😀!",
                "\u{FFFD}",
                "\u{FFFD}x",
                "\u{FFFD}A",
                "\u{FFFD}\n",
                "\0",
            ]
        );
        assert_eq!(src(text, root.items()[2].span), r#""\ud83d\ude00!""#);
        // Escaped keys are decoded too, and the key span keeps the escapes.
        let text = r#"{"a\u0062": 1, "a\tb": 2}"#;
        let root = ok(text);
        assert_eq!(root.entries()[0].key, "ab");
        assert_eq!(src(text, root.entries()[0].key_span), r#""a\u0062""#);
        assert_eq!(root.entries()[1].key, "a\tb");
    }

    #[test]
    fn decoding_agrees_with_serde_json() {
        let text = r#"{"x": ["plain", "\"q\" \\ \/", "\u00fc\u4e2d\ud834\udd1e", "tab\there", "ü中𝄞"], "k\u00e9y": -0.0}"#;
        let root = ok(text);
        let reference: serde_json::Value = serde_json::from_str(text).unwrap();
        for (i, item) in root.get("x").unwrap().items().iter().enumerate() {
            assert_eq!(item.as_str(), reference["x"][i].as_str());
        }
        assert_eq!(root.entries()[1].key, "kéy");
    }

    #[test]
    fn whitespace_tabs_crlf_and_bom() {
        let text = "\u{FEFF}\r\n{\t\"a\"\t:\r\n\t[ 1 ,\r\n 2 ]\r\n, \"b\":\"x\" }\r\n";
        let root = ok(text);
        assert_eq!(root.span.start, text.find('{').unwrap());
        assert_eq!(root.span.end, text.rfind('}').unwrap() + 1);
        let a = &root.entries()[0];
        assert_eq!(src(text, a.key_span), "\"a\"");
        assert_eq!(src(text, a.value.span), "[ 1 ,\r\n 2 ]");
        assert_eq!(src(text, a.value.items()[1].span), "2");
        assert_eq!(src(text, root.get("b").unwrap().span), "\"x\"");
        // A BOM alone, empty text and whitespace are empty documents.
        for text in ["", "\u{FEFF}", " \t\r\n ", "\u{FEFF}\n"] {
            let doc = parse(text);
            assert_eq!(doc.root, None);
            assert_eq!(doc.errors, vec![]);
        }
        // A BOM is only skipped at the very start.
        let (tok, at, msg) = err(" \u{FEFF}1");
        assert_eq!(
            (tok.as_str(), at, msg.as_str()),
            ("\u{FEFF}", 1, "expected a value")
        );
    }

    #[test]
    fn duplicate_keys_are_kept_in_order() {
        let text = r#"{"a": 1, "b": 2, "a": 3}"#;
        let root = ok(text);
        let keys: Vec<&str> = root.entries().iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "a"]);
        assert_eq!(root.get("a").unwrap().as_str(), Some("3"));
    }

    #[test]
    fn error_positions_and_messages() {
        let cases: &[(&str, &str, usize, &str)] = &[
            (
                r#"{"a": 1 "b": 2}"#,
                "\"",
                8,
                "expected ',' or '}' after an object member",
            ),
            ("[1 2]", "2", 3, "expected ',' or ']' after an array item"),
            (r#"{"a": "xyz"#, "\"", 6, "unterminated string"),
            (r#"["a\qb"]"#, "\\q", 3, "invalid escape sequence '\\q'"),
            (r#"["\é"]"#, "\\é", 2, "invalid escape sequence '\\é'"),
            (r#"{"a": 1,}"#, ",", 7, "trailing comma before '}'"),
            ("[1, 2 ,\n]", ",", 6, "trailing comma before ']'"),
            (
                r#"{"a": "#,
                "",
                6,
                "unexpected end of file: expected a value",
            ),
            ("[", "", 1, "unexpected end of file: expected a value"),
            ("{} x", "x", 3, "unexpected characters after the document"),
            ("1 2", "2", 2, "unexpected characters after the document"),
            ("[\"a\tb\"]", "\t", 3, "control character in string"),
            ("\"line\nbreak\"", "\n", 5, "control character in string"),
            ("{\"a\" 1}", "1", 5, "expected ':' after an object key"),
            ("{a: 1}", "a", 1, "expected a double-quoted key or '}'"),
            ("{\"a\": 1, 'b': 2}", "'", 9, "expected a double-quoted key"),
            ("[tru]", "tru", 1, "invalid literal 'tru'"),
            ("[True]", "True", 1, "invalid literal 'True'"),
            ("[,]", ",", 1, "expected a value"),
            ("[1,,2]", ",", 3, "expected a value"),
            ("[é]", "é", 1, "expected a value"),
            ("[01]", "01", 1, "leading zeros are not allowed in numbers"),
            ("[-x]", "x", 2, "expected a digit after '-'"),
            ("[1.]", "]", 3, "expected a digit after '.'"),
            ("[1e+]", "]", 4, "expected a digit in the exponent"),
            (
                "-",
                "",
                1,
                "unexpected end of file: expected a digit after '-'",
            ),
            ("[.5]", ".", 1, "expected a value"),
            ("[+1]", "+", 1, "expected a value"),
            (
                r#"["\u12g4"]"#,
                "\\u12",
                2,
                "invalid unicode escape: expected 4 hex digits after '\\u'",
            ),
            (r#"["\u12"#, "\"", 1, "unterminated string"),
            ("\"abc\\", "\"", 0, "unterminated string"),
            (
                "{\"a\": 1 // c\n}",
                "/",
                8,
                "expected ',' or '}' after an object member",
            ),
            (
                "{\"a\": [1",
                "",
                8,
                "unexpected end of file: expected ',' or ']' after an array item",
            ),
            (
                "{",
                "",
                1,
                "unexpected end of file: expected a double-quoted key or '}'",
            ),
        ];
        for &(text, token, at, message) in cases {
            let (tok, start, msg) = err(text);
            assert_eq!(
                (tok.as_str(), start, msg.as_str()),
                (token, at, message),
                "for {text:?}"
            );
            assert!(!msg.ends_with('.'));
        }
    }

    #[test]
    fn partial_tree_is_kept_after_an_error() {
        let text = r#"{"a": 1, "b": [true, {"c": "d"}, x], "e": 2}"#;
        let doc = parse(text);
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(doc.errors[0].message, "invalid literal 'x'");
        let root = doc.root.unwrap();
        check_tree(text, &root);
        assert_eq!(root.span.start, 0);
        assert_eq!(root.get("a").unwrap().as_str(), Some("1"));
        let b = root.get("b").unwrap();
        assert_eq!(b.items().len(), 2);
        assert_eq!(src(text, b.span), r#"[true, {"c": "d"}"#);
        assert_eq!(src(text, root.span), r#"{"a": 1, "b": [true, {"c": "d"}"#);
        assert!(root.get("e").is_none());

        // A key without its value is dropped; a scalar root that failed is None.
        let doc = parse(r#"{"a": 1, "b": "#);
        let root = doc.root.unwrap();
        assert_eq!(root.entries().len(), 1);
        assert_eq!(root.span, Span::new(0, 7));
        assert_eq!(parse("tru").root, None);
        // A complete root followed by junk is kept whole.
        let doc = parse("[1] ]");
        assert_eq!(doc.root.unwrap().span, Span::new(0, 3));
    }

    #[test]
    fn nesting_limit() {
        let ok_text = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let root = ok(&ok_text);
        assert_eq!(root.span, Span::new(0, ok_text.len()));
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let (tok, at, msg) = err(&deep);
        assert_eq!((tok.as_str(), at), ("[", MAX_DEPTH));
        assert_eq!(msg, "nesting deeper than 128 levels");
        let mixed = "{\"a\":[".repeat(100) + "1";
        let doc = parse(&mixed);
        assert_eq!(doc.errors[0].message, "nesting deeper than 128 levels");
        check_tree(&mixed, doc.root.as_ref().unwrap());

        // A million open brackets stop at the limit without trouble.
        let huge = "[".repeat(1_000_000);
        let doc = parse(&huge);
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(doc.errors[0].span, Span::new(MAX_DEPTH, MAX_DEPTH + 1));
        let mut depth = 0;
        let mut node = doc.root.as_ref();
        while let Some(n) = node {
            depth += 1;
            node = n.items().first();
        }
        assert_eq!(depth, MAX_DEPTH);
    }

    #[test]
    fn every_prefix_parses_without_panic() {
        let docs = [
            "\u{FEFF}{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"Tags\": [{\"Key\": \"日本\", \"Value\": \"😀\\u00e9\\ud83d\\ude00\"}], \"N\": -1.5e-3, \"T\": true, \"F\": false, \"X\": null}}}}\r\n",
            "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", 0, 10.01E+2, [], {}, [[{}]]]",
            "\t{ \"a\" : [ 1 , 2 ] , \"é\" : { } }\n",
        ];
        for text in docs {
            ok(text);
            for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let prefix = &text[..i];
                let doc = parse(prefix);
                assert!(doc.errors.len() <= 1);
                for e in &doc.errors {
                    assert!(e.span.start <= e.span.end && e.span.end <= prefix.len());
                    assert!(prefix.is_char_boundary(e.span.start));
                    assert!(prefix.is_char_boundary(e.span.end));
                    assert!(!e.message.is_empty());
                }
                if let Some(root) = &doc.root {
                    check_tree(prefix, root);
                }
                // Suffixes and single-byte corruptions must not panic either.
                let _ = parse(&text[i..]);
                let mut corrupt = text.to_string();
                corrupt.insert(i, '"');
                let _ = parse(&corrupt);
                corrupt.replace_range(i..i + 1, "\\");
                let _ = parse(&corrupt);
            }
        }
    }
}
