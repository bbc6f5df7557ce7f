//! Re-parsing a YAML document after an edit by reading again only the part
//! of it that changed.
//!
//! A language server analyses a template on every keystroke, and reading
//! the YAML is most of that work. Most edits fall inside one resource (or
//! one parameter, output, …): one entry of a top-level section such as
//! `Resources`. Such an entry sits on whole lines, from the line of its key
//! to the line of the next key at its level, so the new text of those
//! lines can be parsed on its own and put in place of the entry, and every
//! span after it moved by the change in length.
//!
//! This is done only where the result is provably the tree a full parse
//! gives; everywhere else [`parse_reusing`] parses the whole text. The
//! conditions (all checked):
//!
//! * the previous version parsed without errors and without aliases;
//! * the text has no directives (`%YAML`, `%TAG`) and, before or after the
//!   edit, no explicit keys (`? key`);
//! * the top level and the section are block mappings whose keys start
//!   their lines, and the change lies within one entry's lines: between
//!   the start of its key's line and the start of the next key's line;
//! * the new lines parse on their own without errors or aliases, into a
//!   block mapping whose keys all sit at the column of the entry's key, the
//!   first on the first line; no other line is less indented than that
//!   column, unless it is blank or a comment (so the edit neither ends the
//!   section nor the document, and the entry before it still ends where
//!   it ended);
//! * or the change only adds or removes blank and comment lines before the
//!   first key of the document.
//!
//! What the YAML before and after those lines means does not depend on
//! them: the line after them starts with a key at the entry's column or
//! less, which closes whatever the lines opened, and the line before them
//! is unchanged and followed, as before, by a key at that column. Tests
//! compare the result with a full parse over many random edits
//! (`reparse_tests.rs`).

use super::{first_duplicate_key, parse, yaml, Comment, Document, Entry, Format, Node, NodeKind};
use crate::text::{line_start, Span};

/// A parsed document kept with its text, so that the next version of the
/// text can be parsed by re-reading only what changed.
#[derive(Debug)]
pub struct Reusable {
    text: String,
    doc: Document,
}

impl Reusable {
    pub fn new(text: String, doc: Document) -> Reusable {
        Reusable { text, doc }
    }

    /// The document, for an analysis of this text.
    pub fn doc(&self) -> &Document {
        &self.doc
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Parse `text` as [`parse`] does; for YAML, by re-reading only the
/// changed lines of `previous` where that gives the same tree (see the
/// module documentation).
pub fn parse_reusing(text: &str, format: Format, previous: Option<Reusable>) -> Document {
    if format == Format::Yaml {
        if let Some(prev) = previous {
            if prev.doc.format == Format::Yaml {
                if let Some(doc) = reparse(&prev.text, prev.doc, text) {
                    return doc;
                }
            }
        }
    }
    parse(text, format)
}

/// The tree of `new` from the tree `doc` of `old`, when that can be done
/// without a full parse.
fn reparse(old: &str, mut doc: Document, new: &str) -> Option<Document> {
    if !doc.errors.is_empty() || doc.has_aliases {
        return None;
    }
    if old == new {
        return Some(doc);
    }
    if old.starts_with('%') || old.contains("\n%") || old.contains("\r%") || explicit_key(old) {
        return None;
    }
    let change = Change::between(old, new);
    let root = doc.root.as_mut()?;
    let first_key = root.entries().first()?.key_span.start;
    if change.old_end <= line_start(old, first_key) {
        return header(old, doc, new, &change);
    }
    let (spliced, _) = splice_in(old, root, new, &change, old.len(), None, true)?;
    doc.comments = comments_after(std::mem::take(&mut doc.comments), &change, spliced);
    if let Some(e) = doc.root.as_ref().and_then(first_duplicate_key) {
        doc.errors.push(e);
    }
    Some(doc)
}

/// Where two texts differ: `old[start..old_end]` became
/// `new[start..new_end]`; both ends lie on character boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Change {
    start: usize,
    old_end: usize,
    new_end: usize,
}

impl Change {
    fn between(old: &str, new: &str) -> Change {
        let (a, b) = (old.as_bytes(), new.as_bytes());
        let mut start = common_prefix(a, b);
        // The prefix is the same in both texts, so a boundary in one is a
        // boundary in the other.
        while start > 0 && !old.is_char_boundary(start) {
            start -= 1;
        }
        let room = a.len().min(b.len()) - start;
        let mut suffix = common_suffix(a, b, room);
        while suffix > 0 && !old.is_char_boundary(a.len() - suffix) {
            suffix -= 1;
        }
        Change {
            start,
            old_end: a.len() - suffix,
            new_end: b.len() - suffix,
        }
    }

    /// How far text after the change moved.
    fn delta(&self) -> isize {
        self.new_end as isize - self.old_end as isize
    }

    /// `offset` (after the change, in the old text) in the new text.
    fn moved(&self, offset: usize) -> usize {
        offset.saturating_add_signed(self.delta())
    }
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 64;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + CHUNK <= n && a.get(i..i + CHUNK) == b.get(i..i + CHUNK) {
        i += CHUNK;
    }
    while i < n && a.get(i) == b.get(i) {
        i += 1;
    }
    i
}

/// The length of the common suffix of `a` and `b`, at most `room`.
fn common_suffix(a: &[u8], b: &[u8], room: usize) -> usize {
    const CHUNK: usize = 64;
    let (la, lb) = (a.len(), b.len());
    let mut i = 0;
    while i + CHUNK <= room && a.get(la - i - CHUNK..la - i) == b.get(lb - i - CHUNK..lb - i) {
        i += CHUNK;
    }
    while i < room && a.get(la - i - 1) == b.get(lb - i - 1) {
        i += 1;
    }
    i
}

fn is_break(c: u8) -> bool {
    c == b'\n' || c == b'\r'
}

/// The column of a key that starts its line (only spaces before it).
fn key_column(text: &str, key: usize) -> Option<usize> {
    let ls = line_start(text, key);
    let before = text.as_bytes().get(ls..key)?;
    before.iter().all(|&c| c == b' ').then_some(key - ls)
}

/// Whether `text` may hold an explicit key (`? key`): the key's text then
/// does not start the entry's line. Any `?` followed by a space or a line
/// break counts, even inside a scalar (parsing in full is never wrong).
fn explicit_key(text: &str) -> bool {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(k) = b
        .get(from..)
        .and_then(|r| r.iter().position(|&c| c == b'?'))
    {
        let next = b.get(from + k + 1).copied();
        if next.is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r')) {
            return true;
        }
        from += k + 1;
    }
    false
}

/// The lines of `text` with their start offsets (line breaks excluded).
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let rest = text.get(at..)?;
        let len = rest.bytes().position(is_break).unwrap_or(rest.len());
        let line = (at, rest.get(..len)?);
        at += len;
        // `\r\n` is one break.
        if text.as_bytes().get(at) == Some(&b'\r') {
            at += 1;
        }
        if text.as_bytes().get(at) == Some(&b'\n') {
            at += 1;
        }
        Some(line)
    })
}

/// A line with nothing but spaces, or a comment after them.
fn is_trivia(line: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t']);
    t.is_empty() || t.starts_with('#')
}

/// Only blank and comment lines before the first key changed: the tree
/// moves as a whole.
fn header(old: &str, mut doc: Document, new: &str, change: &Change) -> Option<Document> {
    let bom = |t: &str| t.starts_with('\u{feff}');
    if bom(old) != bom(new) {
        return None;
    }
    let skip = if bom(old) { '\u{feff}'.len_utf8() } else { 0 };
    let root = doc.root.as_ref()?;
    let old_end = line_start(old, root.entries().first()?.key_span.start);
    let new_end = change.moved(old_end);
    if new_end > 0
        && !new
            .as_bytes()
            .get(new_end - 1)
            .copied()
            .is_some_and(is_break)
    {
        return None;
    }
    let markers = |h: &str| {
        let mut n = 0;
        for (_, line) in lines(h) {
            if is_trivia(line) {
                continue;
            }
            let rest = line.strip_prefix("---")?;
            if !is_trivia(rest) || (!rest.is_empty() && !rest.starts_with([' ', '\t'])) {
                return None;
            }
            n += 1;
        }
        Some(n)
    };
    let (old_head, new_head) = (old.get(skip..old_end)?, new.get(skip..new_end)?);
    let n = markers(old_head)?;
    if markers(new_head)? != n || n > 1 {
        return None;
    }
    let mut comments: Vec<Comment> = Vec::new();
    for (at, line) in lines(new_head) {
        let mut prev_space = true;
        for (i, c) in line.char_indices() {
            if c == '#' && prev_space {
                comments.push(Comment {
                    span: Span::new(skip + at + i, skip + at + line.len()),
                });
                break;
            }
            prev_space = c == ' ' || c == '\t';
        }
    }
    let delta = change.delta();
    if let Some(root) = doc.root.as_mut() {
        shift_node(root, delta);
    }
    comments.extend(
        doc.comments
            .into_iter()
            .filter(|c| c.span.start >= old_end)
            .map(|c| Comment {
                span: shift(c.span, delta),
            }),
    );
    doc.comments = comments;
    Some(doc)
}

/// What [`splice_in`] replaced: the old lines `old` and the comments
/// found in their new text (already placed in the new text).
struct Spliced {
    old: Span,
    comments: Vec<Comment>,
}

/// Within `node`, a block mapping whose lines end at `end`, put the new
/// text of the changed entry in place: with `nested`, within that entry's
/// own value first (a section's entry), else the entry's lines. Keys of an
/// inner mapping must sit right of `outer` (the column of the key whose
/// value it is). Returns what was replaced and the mapping's new end.
fn splice_in(
    old: &str,
    node: &mut Node,
    new: &str,
    change: &Change,
    end: usize,
    outer: Option<usize>,
    nested: bool,
) -> Option<(Spliced, usize)> {
    if node.tag.is_some() || node.from_alias {
        return None;
    }
    let node_end = node.span.end;
    let NodeKind::Mapping {
        entries,
        flow: false,
    } = &mut node.kind
    else {
        return None;
    };
    let (i, region) = containing(old, entries, change, end)?;
    let last = i + 1 == entries.len();
    let column = key_column(old, entries.get(i)?.key_span.start)?;
    if outer.is_some_and(|c| column <= c) {
        return None;
    }
    let inner = if nested {
        entries.get_mut(i).and_then(|e| {
            splice_in(
                old,
                &mut e.value,
                new,
                change,
                region.end,
                Some(column),
                false,
            )
        })
    } else {
        None
    };
    let (spliced, value_end, count) = match inner {
        Some((spliced, end)) => (spliced, end, 1),
        None => {
            let (placed, spliced) = splice_entry(new, entries, i, region, column, change)?;
            (spliced, placed.last_value_end, placed.count)
        }
    };
    let delta = change.delta();
    for e in entries.iter_mut().skip(i + count) {
        shift_entry(e, delta);
    }
    node.span.end = if last {
        value_end
    } else {
        change.moved(node_end)
    };
    Some((spliced, node.span.end))
}

/// The entry of `entries` (a block mapping whose keys start their lines)
/// whose lines hold the whole change, with those lines: from its key's
/// line to the next key's line, or to `end` for the last entry.
fn containing(old: &str, entries: &[Entry], change: &Change, end: usize) -> Option<(usize, Span)> {
    let starts = |k: usize| entries.get(k).map(|e| line_start(old, e.key_span.start));
    // The last entry whose line starts at or before the change.
    let i = entries
        .partition_point(|e| line_start(old, e.key_span.start) <= change.start)
        .checked_sub(1)?;
    let from = starts(i)?;
    // The keys around the change start their lines at the mapping's column.
    let column = key_column(old, entries.first()?.key_span.start)?;
    if key_column(old, entries.get(i)?.key_span.start)? != column {
        return None;
    }
    let to = match starts(i + 1) {
        Some(next) => {
            if key_column(old, entries.get(i + 1)?.key_span.start)? != column {
                return None;
            }
            next
        }
        None => end,
    };
    // Strictly before the next key's line: text inserted right at its
    // start could belong to either entry. At the end of the text there is
    // no next line.
    let inside = change.old_end < to || (change.old_end == to && to == old.len());
    inside.then_some((i, Span::new(from, to)))
}

/// What a spliced entry's new text held.
struct Placed {
    /// How many entries replaced the one.
    count: usize,
    /// The end of the last new entry's value (in the new text).
    last_value_end: usize,
}

/// Parse the new text of `entries[j]`'s lines `region` (old offsets) on
/// its own and put its entries in place of the old one.
fn splice_entry(
    new: &str,
    entries: &mut Vec<Entry>,
    j: usize,
    region: Span,
    column: usize,
    change: &Change,
) -> Option<(Placed, Spliced)> {
    let from = region.start;
    let to = change.moved(region.end);
    let text = new.get(from..to)?;
    if explicit_key(text) {
        return None;
    }
    // A less indented line would end the section (or, at the top level, a
    // marker the document); a less indented blank or comment line is
    // harmless.
    for (_, line) in lines(text) {
        if is_trivia(line) {
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        if indent < column {
            return None;
        }
        if column == 0 && (line.starts_with("---") || line.starts_with("...")) {
            return None;
        }
    }
    // Where lines follow in the new text, yaml-rust2 ends a block scalar
    // (its trailing line breaks) differently than at the end of the input:
    // a line with a key at the entry's column stands in for them.
    let at_end = to >= new.len();
    let part = if at_end {
        yaml::parse(text)
    } else {
        let mut with_next = String::with_capacity(text.len() + column + 2);
        with_next.push_str(text);
        with_next.extend(std::iter::repeat_n(' ', column));
        with_next.push_str("_:");
        yaml::parse(&with_next)
    };
    if !part.errors.is_empty() || part.has_aliases {
        return None;
    }
    let mut root = part.root?;
    if root.tag.is_some() || height(&root) + 2 >= yaml::MAX_DEPTH {
        return None;
    }
    let NodeKind::Mapping {
        entries: fresh,
        flow: false,
    } = &mut root.kind
    else {
        return None;
    };
    if !at_end {
        let next = fresh.pop()?;
        if next.key != "_" || next.key_span.start != text.len() + column {
            return None;
        }
    }
    if fresh.first()?.key_span.start != column {
        return None;
    }
    for e in fresh.iter() {
        if key_column(text, e.key_span.start)? != column {
            return None;
        }
    }
    let delta = from as isize;
    for e in fresh.iter_mut() {
        shift_entry(e, delta);
    }
    // A block mapping ends where the last of its keys and values ends.
    let last_value_end = fresh
        .iter()
        .map(|e| e.key_span.end.max(e.value.span.end))
        .max()?;
    let placed = Placed {
        count: fresh.len(),
        last_value_end,
    };
    let fresh = std::mem::take(fresh);
    entries.splice(j..=j, fresh);
    let comments = part
        .comments
        .into_iter()
        .map(|c| Comment {
            span: shift(c.span, delta),
        })
        .collect();
    Some((
        placed,
        Spliced {
            old: region,
            comments,
        },
    ))
}

/// The comments of the new text: those before the replaced lines as
/// they were, those of the new lines, those after moved.
fn comments_after(comments: Vec<Comment>, change: &Change, spliced: Spliced) -> Vec<Comment> {
    let delta = change.delta();
    let mut out = Vec::with_capacity(comments.len() + spliced.comments.len());
    let mut rest = comments.into_iter().peekable();
    while let Some(c) = rest.next_if(|c| c.span.start < spliced.old.start) {
        out.push(c);
    }
    out.extend(spliced.comments);
    out.extend(
        rest.filter(|c| c.span.start >= spliced.old.end)
            .map(|c| Comment {
                span: shift(c.span, delta),
            }),
    );
    out
}

fn shift(span: Span, delta: isize) -> Span {
    Span::new(
        span.start.saturating_add_signed(delta),
        span.end.saturating_add_signed(delta),
    )
}

fn shift_entry(e: &mut Entry, delta: isize) {
    e.key_span = shift(e.key_span, delta);
    shift_node(&mut e.value, delta);
}

fn shift_node(node: &mut Node, delta: isize) {
    node.span = shift(node.span, delta);
    if let Some(tag) = node.tag.as_deref_mut() {
        tag.1 = shift(tag.1, delta);
    }
    match &mut node.kind {
        NodeKind::Mapping { entries, .. } => {
            for e in entries {
                shift_entry(e, delta);
            }
        }
        NodeKind::Sequence { items, .. } => {
            for n in items {
                shift_node(n, delta);
            }
        }
        NodeKind::Scalar { .. } => {}
    }
}

/// How many levels of collections `node` holds (a scalar: 0).
fn height(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Mapping { entries, .. } => {
            1 + entries.iter().map(|e| height(&e.value)).max().unwrap_or(0)
        }
        NodeKind::Sequence { items, .. } => 1 + items.iter().map(height).max().unwrap_or(0),
        NodeKind::Scalar { .. } => 0,
    }
}

#[cfg(test)]
#[path = "reparse_tests.rs"]
mod tests;
