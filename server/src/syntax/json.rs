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
        has_aliases: false,
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
#[path = "json_tests.rs"]
mod tests;
