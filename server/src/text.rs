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
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the start of every line; the first is always 0.
    starts: Vec<usize>,
    len: usize,
    /// Character counts at every [`BLOCK`] bytes, built on the first
    /// column asked for on a long line (see [`Blocks`]).
    blocks: std::sync::OnceLock<Blocks>,
}

/// Two indexes are equal when they index the same lines; whether the
/// checkpoints were built yet does not matter.
impl PartialEq for LineIndex {
    fn eq(&self, other: &LineIndex) -> bool {
        self.starts == other.starts && self.len == other.len
    }
}

impl Eq for LineIndex {}

/// Bytes per checkpoint of [`Blocks`].
const BLOCK: usize = 256;

/// Checkpoints for counting characters on long lines in constant time: for
/// every multiple `k * BLOCK` of the block size, how many characters start
/// before that byte and how many of them take four bytes (two UTF-16 units).
/// A minified template is one line of megabytes; without these, every
/// finding on it would count characters from the line start.
#[derive(Debug, Clone, Default)]
struct Blocks {
    /// `(characters, four-byte characters)` starting before `k * BLOCK`.
    at: Vec<(usize, usize)>,
}

impl Blocks {
    fn new(text: &str) -> Blocks {
        let mut at = Vec::with_capacity(text.len() / BLOCK + 1);
        let (mut chars, mut wide) = (0, 0);
        for chunk in text.as_bytes().chunks(BLOCK) {
            at.push((chars, wide));
            let (c, w) = count(chunk);
            chars += c;
            wide += w;
        }
        at.push((chars, wide));
        Blocks { at }
    }

    /// `(characters, four-byte characters)` starting before byte `x`.
    fn before(&self, bytes: &[u8], x: usize) -> (usize, usize) {
        let k = x / BLOCK;
        let (c0, w0) = self.at.get(k).copied().unwrap_or_default();
        let (c, w) = count(bytes.get(k * BLOCK..x).unwrap_or_default());
        (c0 + c, w0 + w)
    }
}

/// Characters starting in `bytes` (bytes that are not UTF-8 continuation
/// bytes) and how many of those are four-byte characters.
fn count(bytes: &[u8]) -> (usize, usize) {
    let chars = bytes.iter().filter(|&&b| (b as i8) >= -0x40).count();
    let wide = bytes.iter().filter(|&&b| b >= 0xF0).count();
    (chars, wide)
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        if memchr::memchr(b'\r', bytes).is_none() {
            // The common case: one vectorised search for line feeds.
            starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        } else {
            for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                // A CR followed by LF ends its line at the LF.
                if bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) == Some(&b'\n') {
                    continue;
                }
                starts.push(i + 1);
            }
        }
        LineIndex {
            starts,
            len: text.len(),
            blocks: Default::default(),
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
            Encoding::Utf8 => seg.len(),
            // Many findings on one long line must not each count characters
            // from the line start: long segments use the checkpoints.
            _ if seg.len() > 4 * BLOCK => {
                let blocks = self.blocks.get_or_init(|| Blocks::new(text));
                let (c1, w1) = blocks.before(text.as_bytes(), offset);
                let (c0, w0) = blocks.before(text.as_bytes(), start);
                match enc {
                    Encoding::Utf16 => (c1 - c0) + (w1 - w0),
                    _ => c1 - c0,
                }
            }
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

/// Start of the line holding `pos`.
pub fn line_start(text: &str, pos: usize) -> usize {
    let pos = pos.min(text.len());
    // `str::rfind` with one byte searches a word at a time: this runs per
    // fix (and per edit, to re-parse), and a minified template is one line
    // of megabytes.
    if let Some(before) = text.get(..pos) {
        // The last LF, then a lone CR only after it: searching the whole
        // text for a CR that a file without CRs does not have cost more
        // than all the rest of fix rendering.
        let nl = before.rfind('\n').map_or(0, |i| i + 1);
        return before[nl..].rfind('\r').map_or(nl, |i| nl + i + 1);
    }
    text.as_bytes()[..pos]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
