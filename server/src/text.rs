//! Byte spans, line indexes and position encodings.
//!
//! The core speaks byte offsets only. This is the one module that converts
//! between byte offsets and (line, column) pairs in UTF-8, UTF-16 or UTF-32
//! code units. Only LF, CRLF and CR end a line. Every conversion clamps
//! out-of-range input instead of failing.

use serde::Serialize;

/// A half-open byte range `start..end` into a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    pub const fn empty(at: usize) -> Span {
        Span { start: at, end: at }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    pub fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }
    pub fn contains_span(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// The unit in which a column is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

/// A zero-based line and a zero-based column in some [`Encoding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line starts of a text, for offset <-> position conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of every line; the first is always 0.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        if !text.contains('\r') {
            // The common case, with fast byte searches.
            starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
            return LineIndex {
                starts,
                len: text.len(),
            };
        }
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where line `line` (zero-based) starts; clamped to the end.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// The zero-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.starts.binary_search(&offset) {
            Ok(l) => l,
            Err(l) => l.saturating_sub(1),
        }
    }

    /// Byte range of line `line` without its line break.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.line_start(line);
        let mut end = self.line_start(line + 1);
        let b = text.as_bytes();
        while end > start && matches!(b.get(end - 1), Some(b'\n') | Some(b'\r')) {
            end -= 1;
        }
        Span::new(start, end)
    }

    /// Convert a byte offset to a position. Offsets inside a character are
    /// moved back to the character's start; offsets past the end clamp.
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> LineCol {
        let mut offset = offset.min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let seg = text.get(start..offset).unwrap_or("");
        let col = match enc {
            // ASCII (checked a word at a time): every encoding counts bytes.
            // Many findings on one long line must not count characters each.
            _ if seg.is_ascii() => seg.len(),
            Encoding::Utf8 => seg.len(),
            Encoding::Utf16 => seg.chars().map(char::len_utf16).sum(),
            Encoding::Utf32 => seg.chars().count(),
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// Convert a position to a byte offset. A line past the end clamps to the
    /// end of the text; a column past the end of its line clamps to the line
    /// end; a column inside a character moves to the character's start.
    pub fn offset(&self, text: &str, pos: LineCol, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let span = self.line_span(text, line);
        let seg = text.get(span.start..span.end).unwrap_or("");
        let want = pos.col as usize;
        let mut units = 0usize;
        for (i, ch) in seg.char_indices() {
            let w = match enc {
                Encoding::Utf8 => ch.len_utf8(),
                Encoding::Utf16 => ch.len_utf16(),
                Encoding::Utf32 => 1,
            };
            if units + w > want {
                return span.start + i;
            }
            units += w;
            if units == want {
                return span.start + i + ch.len_utf8();
            }
        }
        span.end
    }
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
