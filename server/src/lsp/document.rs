//! An open document: its text in a rope, its version and its language.
//! Changes are applied only through [`Document::apply_changes`], strictly in
//! order: a change whose version is not newer than the document's is refused.
//! Positions are converted with [`crate::text::LineIndex`] only.

use crate::text::{Encoding, LineCol, LineIndex};
use ropey::Rope;

/// One content change: a range (start, end) in the negotiated encoding, or
/// `None` for a replacement of the whole text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub range: Option<(LineCol, LineCol)>,
    pub text: String,
}

/// Why a batch of changes was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    #[error("version {got} is not newer than the document's version {current}")]
    Stale { current: i32, got: i32 },
}

#[derive(Debug, Clone)]
pub struct Document {
    rope: Rope,
    version: i32,
    language_id: String,
}

impl Document {
    pub fn new(text: &str, version: i32, language_id: &str) -> Document {
        Document {
            rope: Rope::from_str(text),
            version,
            language_id: language_id.to_string(),
        }
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    pub fn language_id(&self) -> &str {
        &self.language_id
    }

    /// The text. Cloning the rope is cheap and shares every chunk until
    /// one side changes: analyses take such a snapshot.
    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// The whole text, as one string.
    #[cfg(test)]
    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    /// Apply `changes` in order and move to `version`. Refuses (and changes
    /// nothing) when `version` is not newer than the current one.
    pub fn apply_changes(
        &mut self,
        version: i32,
        changes: &[Change],
        enc: Encoding,
    ) -> Result<(), ChangeError> {
        if version <= self.version {
            return Err(ChangeError::Stale {
                current: self.version,
                got: version,
            });
        }
        for change in changes {
            self.apply(change, enc);
        }
        self.version = version;
        Ok(())
    }

    fn apply(&mut self, change: &Change, enc: Encoding) {
        let Some((start, end)) = change.range else {
            self.rope = Rope::from_str(&change.text);
            return;
        };
        let a = self.offset(start, enc);
        let b = self.offset(end, enc);
        let (a, b) = (a.min(b), a.max(b));
        let ca = self.rope.byte_to_char(a);
        let cb = self.rope.byte_to_char(b);
        self.rope.remove(ca..cb);
        self.rope.insert(ca, &change.text);
    }

    /// The byte offset of `pos`, clamped like [`LineIndex::offset`]. Only
    /// the line holding the position is indexed: ropey (with `cr_lines`
    /// and without `unicode_lines`) breaks lines exactly where `LineIndex`
    /// does (LF, CRLF, CR).
    pub fn offset(&self, pos: LineCol, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_bytes();
        }
        let start = self.rope.line_to_byte(line);
        let line_text = self.rope.line(line).to_string();
        let index = LineIndex::new(&line_text);
        start
            + index.offset(
                &line_text,
                LineCol {
                    line: 0,
                    col: pos.col,
                },
                enc,
            )
    }
}

#[cfg(test)]
#[path = "document_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "document_props.rs"]
mod props;
