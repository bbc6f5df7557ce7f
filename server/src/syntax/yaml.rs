//! YAML front end: yaml-rust2 parser events turned into a [`Node`] tree with
//! exact byte spans.
//!
//! yaml-rust2 reports positions as (line, column in characters) markers, and
//! many of them point at the *next* token rather than the node itself. So
//! only the start marks that are known to be reliable are used (scalars,
//! flow collections, aliases); every end, and every start that the parser
//! does not give precisely (block collections, block scalar indicators,
//! empty values, tags), is found by scanning the source text around it.
//!
//! Guarantees: never panics, bounds alias expansion and nesting depth, only
//! the first YAML document is read, and every span lies on character
//! boundaries of the original text (a leading UTF-8 BOM is skipped but still
//! counted in the offsets).

use foldhash::{HashMap, HashMapExt};
use std::panic::{catch_unwind, AssertUnwindSafe};

use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, ScanError, TScalarStyle};

use super::{Comment, Document, Entry, Format, Node, NodeKind, ScalarStyle, SyntaxError};
use crate::text::{LineIndex, Span};

/// Collections may nest at most this deep; deeper ones become empty scalars.
pub const MAX_DEPTH: usize = 128;
/// Total number of nodes that alias expansion may create in one document.
pub const ALIAS_BUDGET: usize = 100_000;
/// Total number of nodes kept as copies of anchored nodes (for aliases).
const ANCHOR_STORE_BUDGET: usize = 1_000_000;

const ALIAS_LIMIT_MESSAGE: &str =
    "alias expansion limit reached; aliases past this point are not expanded";
const DEPTH_MESSAGE: &str = "nesting deeper than 128 levels";

/// Parse the first YAML document of `text`. Never fails: syntax errors are
/// reported in [`Document::errors`] next to the partial tree built so far.
pub fn parse(text: &str) -> Document {
    // yaml-rust2 takes a NUL character for the end of the input; so do we,
    // with an error (YAML does not allow it anyway).
    let nul = text.find('\0');
    let text = text.get(..nul.unwrap_or(text.len())).unwrap_or(text);
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let src = text.get(bom..).unwrap_or("");
    let mut b = Builder::new(text, bom);
    if let Some(at) = nul {
        b.errors.push(SyntaxError {
            span: Span::new(at, at + 1),
            message: "null character (U+0000) is not allowed".to_string(),
        });
    }
    let mut parser = Parser::new_from_str(src);
    loop {
        let next = catch_unwind(AssertUnwindSafe(|| parser.next_token()));
        match next {
            Ok(Ok((ev, mark))) => {
                let doc_end = ev == Event::DocumentEnd;
                if !b.on_event(ev, mark) {
                    if doc_end {
                        // Text after the document that cannot start another
                        // one is an error in this document.
                        let next = catch_unwind(AssertUnwindSafe(|| parser.next_token()));
                        if let Ok(Err(e)) = next {
                            b.on_scan_error(&e);
                        }
                    }
                    break;
                }
            }
            Ok(Err(e)) => {
                b.on_scan_error(&e);
                break;
            }
            Err(_) => {
                b.on_panic();
                break;
            }
        }
    }
    b.finish()
}

/// Converts yaml-rust2 markers (1-based line, 0-based column in characters)
/// to byte offsets. Remembers the last conversion so that a run of markers
/// along one long line costs linear time overall.
struct Locator<'a> {
    text: &'a str,
    lines: LineIndex,
    /// The text starts with a BOM that the parser did not see.
    bom: bool,
    ascii: bool,
    /// For a text that is not all ASCII: which lines are (there a column
    /// is a byte count).
    ascii_lines: Vec<bool>,
    /// (line, col, byte offset) of the last exact conversion.
    cache: Option<(usize, usize, usize)>,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str, bom: bool) -> Locator<'a> {
        let lines = LineIndex::new(text);
        let ascii = text.is_ascii();
        let ascii_lines = if ascii {
            Vec::new()
        } else {
            (0..lines.line_count())
                .map(|l| {
                    let span = lines.line_span(text, l);
                    text.as_bytes()
                        .get(span.start..span.end)
                        .is_some_and(<[u8]>::is_ascii)
                })
                .collect()
        };
        Locator {
            text,
            lines,
            bom,
            ascii,
            ascii_lines,
            cache: None,
        }
    }

    fn offset(&mut self, m: &Marker) -> usize {
        let line = m.line().saturating_sub(1);
        let mut col = m.col();
        if line == 0 && self.bom {
            col += 1;
        }
        if line >= self.lines.line_count() {
            return self.text.len();
        }
        let span = self.lines.line_span(self.text, line);
        if self.ascii || self.ascii_lines.get(line).copied().unwrap_or(false) {
            return span.start.saturating_add(col).min(span.end);
        }
        let (mut pos, mut rem) = match self.cache {
            Some((l, c, p)) if l == line && c <= col => (p, col - c),
            _ => (span.start, col),
        };
        while rem > 0 {
            match self.text.get(pos..span.end).and_then(|s| s.chars().next()) {
                Some(ch) => {
                    pos += ch.len_utf8();
                    rem -= 1;
                }
                None => break,
            }
        }
        if rem == 0 {
            self.cache = Some((line, col, pos));
        }
        pos
    }
}

/// Where a node sits in its parent, which decides the indicator before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    Key,
    Value,
    Item,
}

/// What lies between the previous token and a node's content.
#[derive(Debug, Clone, Copy)]
struct Scan {
    /// End of the indicator (`-`, `,`, `?`, `:`) before the node, if any.
    indicator_end: Option<usize>,
    /// The first tag token (`!...`) among the node properties.
    tag: Option<Span>,
    /// End of the last property token (tag or anchor).
    props_end: Option<usize>,
    /// The first character of the node content after the properties.
    content: usize,
}

/// The children of an open collection live in the builder's shared
/// buffers ([`Builder::entry_buf`], [`Builder::item_buf`]) from `base` on,
/// so each finished collection gets one allocation of its exact size
/// instead of a vector regrown child by child.
enum Children {
    Map {
        base: usize,
        key: Option<(String, Span)>,
    },
    Seq {
        base: usize,
    },
}

struct Frame {
    children: Children,
    /// Written with `[`/`{`.
    bracketed: bool,
    /// Flow style (bracketed, or an implicit `a: b` pair inside a flow sequence).
    flow: bool,
    /// Known start of the collection (block mappings: set by the first key).
    start: Option<usize>,
    /// End of the last token of this collection seen so far.
    cursor: usize,
    anchor: usize,
    tag: Option<Box<(String, Span)>>,
}

/// A copy of an anchored node, kept for aliases.
struct Stored {
    node: Node,
    count: usize,
    height: usize,
}

struct Builder<'a> {
    text: &'a str,
    bytes: &'a [u8],
    bom: usize,
    loc: Locator<'a>,
    stack: Vec<Frame>,
    /// Entries of the open mappings, innermost last (see [`Children`]).
    entry_buf: Vec<Entry>,
    /// Items of the open sequences, innermost last.
    item_buf: Vec<Node>,
    root: Option<Node>,
    root_done: bool,
    doc_started: bool,
    /// Where the first document ends (comments are collected before it).
    doc_end: Option<usize>,
    anchors: HashMap<usize, Option<Stored>>,
    alias_used: usize,
    store_used: usize,
    alias_error: bool,
    depth_error: bool,
    /// Depth of a subtree being skipped for the nesting limit (0: none).
    skip: usize,
    skip_at: usize,
    errors: Vec<SyntaxError>,
    /// Text of quoted and block scalars, where `#` is not a comment.
    no_comments: Vec<Span>,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

fn empty_scalar(span: Span) -> Node {
    Node {
        kind: NodeKind::Scalar {
            value: String::new(),
            style: ScalarStyle::Plain,
        },
        span,
        tag: None,
        from_alias: false,
    }
}

/// Node count and collection height (0 for a scalar) of a tree.
fn stats(node: &Node) -> (usize, usize) {
    match &node.kind {
        NodeKind::Scalar { .. } => (1, 0),
        NodeKind::Mapping { entries, .. } => entries.iter().fold((1, 1), |(c, h), e| {
            let (ec, eh) = stats(&e.value);
            (c + ec, h.max(eh + 1))
        }),
        NodeKind::Sequence { items, .. } => items.iter().fold((1, 1), |(c, h), i| {
            let (ic, ih) = stats(i);
            (c + ic, h.max(ih + 1))
        }),
    }
}

fn mark_from_alias(node: &mut Node) {
    node.from_alias = true;
    match &mut node.kind {
        NodeKind::Scalar { .. } => {}
        NodeKind::Mapping { entries, .. } => {
            for e in entries {
                mark_from_alias(&mut e.value);
            }
        }
        NodeKind::Sequence { items, .. } => {
            for i in items {
                mark_from_alias(i);
            }
        }
    }
}

fn tag_name(tag: &Tag) -> String {
    let mut name = String::with_capacity(tag.handle.len() + tag.suffix.len());
    name.push_str(&tag.handle);
    name.push_str(&tag.suffix);
    name
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, bom: usize) -> Builder<'a> {
        Builder {
            text,
            bytes: text.as_bytes(),
            bom,
            loc: Locator::new(text, bom > 0),
            stack: Vec::new(),
            entry_buf: Vec::new(),
            item_buf: Vec::new(),
            root: None,
            root_done: false,
            doc_started: false,
            doc_end: None,
            anchors: HashMap::new(),
            alias_used: 0,
            store_used: 0,
            alias_error: false,
            depth_error: false,
            skip: 0,
            skip_at: 0,
            errors: Vec::new(),
            no_comments: Vec::new(),
        }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    /// Returns false when no more events are wanted.
    fn on_event(&mut self, ev: Event, mark: Marker) -> bool {
        match ev {
            Event::Nothing | Event::StreamStart => true,
            Event::DocumentStart => {
                let first = !self.doc_started;
                self.doc_started = true;
                first
            }
            Event::DocumentEnd => {
                self.doc_end = Some(self.loc.offset(&mark));
                false
            }
            Event::StreamEnd => false,
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(value, style, anchor, tag, mark);
                true
            }
            Event::SequenceStart(anchor, tag) => {
                self.start(false, anchor, tag, mark);
                true
            }
            Event::MappingStart(anchor, tag) => {
                self.start(true, anchor, tag, mark);
                true
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.end(mark);
                true
            }
            Event::Alias(id) => {
                self.alias(id, mark);
                true
            }
        }
    }

    fn on_scan_error(&mut self, e: &ScanError) {
        let at = self.loc.offset(e.marker());
        let message = e.info().trim().trim_end_matches('.').to_lowercase();
        // yaml-rust2 gives up at 255 nested flow levels; our own, lower
        // nesting limit has usually been reported then. Its scanner can run
        // ahead of the events, though: then report our limit, in our words.
        if message == "recursion limit exceeded" {
            self.depth_exceeded(at);
        } else {
            self.errors.push(SyntaxError {
                span: Span::empty(at),
                message,
            });
        }
        self.close_all();
    }

    fn on_panic(&mut self) {
        let at = self.stack.last().map_or(self.bom, |f| f.cursor);
        self.errors.push(SyntaxError {
            span: Span::empty(at),
            message: "internal error in the yaml parser".to_string(),
        });
        self.close_all();
    }

    /// Close every open collection (after an error), keeping what was built.
    fn close_all(&mut self) {
        if self.skip > 0 {
            self.skip = 0;
            let at = self.skip_at;
            self.attach(empty_scalar(Span::empty(at)), Span::empty(at), 0);
        }
        while let Some(frame) = self.stack.pop() {
            let end = frame.cursor;
            self.finish_frame(frame, end);
        }
    }

    fn finish(mut self) -> Document {
        self.close_all();
        let root = self.root.take().filter(|n| {
            let empty = matches!(
                &n.kind,
                NodeKind::Scalar { value, style: ScalarStyle::Plain } if value.is_empty()
            );
            !(empty && n.tag.is_none())
        });
        let comments = self.comments();
        let mut errors = std::mem::take(&mut self.errors);
        errors.sort_by_key(|e| e.span.start);
        Document {
            format: Format::Yaml,
            root,
            errors,
            comments,
            has_aliases: self.alias_used > 0,
        }
    }

    // ----- context and scanning -------------------------------------------

    /// Role of the next node, whether its parent is flow style, whether it
    /// is in flow context, and the end of the previous token.
    fn context(&self) -> (Role, bool, usize) {
        match self.stack.last() {
            None => (Role::Root, false, self.bom),
            Some(f) => {
                let role = match &f.children {
                    Children::Map { key: None, .. } => Role::Key,
                    Children::Map { .. } => Role::Value,
                    Children::Seq { .. } => Role::Item,
                };
                (role, f.flow, f.cursor)
            }
        }
    }

    fn at_line_start(&self, at: usize) -> bool {
        at <= self.bom || matches!(self.byte(at.wrapping_sub(1)), Some(b'\n' | b'\r'))
    }

    /// Skip whitespace, line breaks and comments.
    fn skip_trivia(&self, mut p: usize) -> usize {
        loop {
            match self.byte(p) {
                Some(c) if is_space(c) => p += 1,
                Some(b'#') => {
                    while let Some(c) = self.byte(p) {
                        if c == b'\n' || c == b'\r' {
                            break;
                        }
                        p += 1;
                    }
                }
                _ => return p,
            }
        }
    }

    fn line_end(&self, mut p: usize) -> usize {
        while let Some(c) = self.byte(p) {
            if c == b'\n' || c == b'\r' {
                break;
            }
            p += 1;
        }
        p
    }

    /// End of a token (tag, anchor, alias) starting at `p`. Anchor names
    /// never contain flow indicators; tags do not in flow context.
    fn token_end(&self, mut p: usize, in_flow: bool) -> usize {
        let stop_flow = in_flow || self.byte(p) != Some(b'!');
        p += 1;
        while let Some(c) = self.byte(p) {
            if is_space(c) || (stop_flow && is_flow_indicator(c)) {
                break;
            }
            p += 1;
        }
        p
    }

    /// Scan from `lower` (the end of the previous token) over trivia, the
    /// indicator that introduces a node in `role`, and node properties.
    fn scan(&self, lower: usize, role: Role, parent_flow: bool) -> Scan {
        let mut p = self.skip_trivia(lower);
        let mut indicator_end = None;
        if role == Role::Root {
            // Directives and document markers.
            while self.at_line_start(p) {
                if self.byte(p) == Some(b'%') {
                    p = self.line_end(p);
                } else if matches!(self.bytes.get(p..p + 3), Some(b"---" | b"..."))
                    && self.byte(p + 3).is_none_or(is_space)
                {
                    p += 3;
                } else {
                    break;
                }
                indicator_end = Some(p);
                p = self.skip_trivia(p);
            }
        }
        match role {
            Role::Root => {}
            Role::Item => {
                let ind = if parent_flow { b',' } else { b'-' };
                if self.byte(p) == Some(ind) {
                    p += 1;
                    indicator_end = Some(p);
                }
            }
            Role::Key => {
                if parent_flow && self.byte(p) == Some(b',') {
                    p += 1;
                    indicator_end = Some(p);
                    p = self.skip_trivia(p);
                }
                if self.byte(p) == Some(b'?') && self.byte(p + 1).is_none_or(is_space) {
                    p += 1;
                    indicator_end = Some(p);
                }
            }
            Role::Value => {
                if self.byte(p) == Some(b':') {
                    p += 1;
                    indicator_end = Some(p);
                }
            }
        }
        let mut tag = None;
        let mut props_end = None;
        let content = loop {
            let q = self.skip_trivia(p);
            match self.byte(q) {
                Some(c @ (b'!' | b'&')) => {
                    let e = self.token_end(q, parent_flow);
                    if c == b'!' && tag.is_none() {
                        tag = Some(Span::new(q, e));
                    }
                    props_end = Some(e);
                    p = e;
                }
                _ => break q,
            }
        };
        Scan {
            indicator_end,
            tag,
            props_end,
            content,
        }
    }

    /// Where an empty plain scalar goes: after its properties, else after
    /// the `:` (or `- `), else right after the previous token.
    fn empty_position(
        &self,
        scan: &Scan,
        role: Role,
        parent_flow: bool,
        lower: usize,
        has_props: bool,
    ) -> usize {
        if has_props {
            if let Some(e) = scan.props_end {
                return e;
            }
        }
        match scan.indicator_end {
            Some(e) => {
                if role == Role::Item && !parent_flow && self.byte(e) == Some(b' ') {
                    e + 1
                } else {
                    e
                }
            }
            None => match role {
                Role::Value => lower,
                _ => scan.content,
            },
        }
    }

    /// The tag token on the same line before `start` (skipping anchors).
    fn tag_before(&self, start: usize, lower: usize) -> Option<Span> {
        let mut p = start;
        for _ in 0..4 {
            while p > lower && self.byte(p - 1).is_some_and(is_blank) {
                p -= 1;
            }
            let e = p;
            while p > lower
                && self
                    .byte(p - 1)
                    .is_some_and(|c| !is_space(c) && !matches!(c, b'[' | b'{' | b','))
            {
                p -= 1;
            }
            if p == e {
                return None;
            }
            match self.byte(p) {
                Some(b'!') => return Some(Span::new(p, e)),
                Some(b'&') => continue,
                _ => return None,
            }
        }
        None
    }

    /// End of one line of a plain scalar starting at `from`, trailing
    /// blanks trimmed, and whether the scalar may continue on the next line.
    fn plain_line_end(&self, from: usize, in_flow: bool) -> (usize, bool) {
        let mut i = from;
        let mut more = true;
        while let Some(c) = self.byte(i) {
            let stop = match c {
                b'\n' | b'\r' => break,
                b'#' => i == from || self.byte(i - 1).is_some_and(is_blank),
                b':' => match self.byte(i + 1) {
                    None => true,
                    Some(n) => is_space(n) || (in_flow && is_flow_indicator(n)),
                },
                c if in_flow && is_flow_indicator(c) => true,
                _ => false,
            };
            if stop {
                more = false;
                break;
            }
            i += 1;
        }
        let mut e = i;
        while e > from && self.byte(e - 1).is_some_and(is_blank) {
            e -= 1;
        }
        (e, more)
    }

    /// End of a plain scalar starting at `start` whose folded value is `value`.
    fn plain_end(&self, start: usize, value: &str, in_flow: bool) -> usize {
        self.match_value(start, value)
            .unwrap_or_else(|| self.plain_end_by_length(start, value, in_flow))
    }

    /// Walk the source from `start` along `value`, where line folding may
    /// have replaced runs of source whitespace and line breaks. Returns the
    /// end of the last matched character, or `None` on a mismatch.
    fn match_value(&self, start: usize, value: &str) -> Option<usize> {
        let src = self.text.get(start..)?;
        // Most scalars are written exactly as their value.
        if src.as_bytes().starts_with(value.as_bytes()) {
            return Some(start + value.len());
        }
        let mut it = src.char_indices().peekable();
        let mut prev = ' ';
        for c in value.chars() {
            loop {
                let (_, s) = it.next()?;
                if s == c {
                    prev = s;
                    break;
                }
                if s == '#' && matches!(prev, ' ' | '\t' | '\n' | '\r') {
                    // yaml-rust2 lets a comment line sit inside a plain scalar
                    while it.next_if(|&(_, x)| x != '\n' && x != '\r').is_some() {}
                } else if !matches!(s, ' ' | '\t' | '\n' | '\r') {
                    return None;
                }
                prev = s;
            }
        }
        Some(start + it.peek().map_or(src.len(), |&(i, _)| i))
    }

    /// Fallback for [`Self::plain_end`]: consume source lines until the
    /// folded length reaches the value's length.
    fn plain_end_by_length(&self, start: usize, value: &str, in_flow: bool) -> usize {
        let target = value.chars().count();
        // The first character of a plain scalar is never a comment start.
        let (mut end, mut more) = match self.byte(start) {
            Some(b'#') => {
                let (e, m) = self.plain_line_end(start + 1, in_flow);
                (e.max(start + 1), m)
            }
            _ => self.plain_line_end(start, in_flow),
        };
        let mut count = self.text.get(start..end).map_or(0, |s| s.chars().count());
        while count < target && more {
            let mut p = end;
            let mut breaks = 0usize;
            loop {
                while self.byte(p).is_some_and(is_blank) {
                    p += 1;
                }
                match self.byte(p) {
                    Some(b'\r') => {
                        p += 1;
                        if self.byte(p) == Some(b'\n') {
                            p += 1;
                        }
                        breaks += 1;
                    }
                    Some(b'\n') => {
                        p += 1;
                        breaks += 1;
                    }
                    _ => break,
                }
            }
            if breaks == 0 || p >= self.bytes.len() {
                break;
            }
            let (e, m) = self.plain_line_end(p, in_flow);
            if e == p {
                break;
            }
            count += if breaks == 1 { 1 } else { breaks - 1 };
            count += self.text.get(p..e).map_or(0, |s| s.chars().count());
            end = e;
            more = m;
        }
        end
    }

    /// End of a quoted scalar whose opening quote is at `start`.
    fn quoted_end(&self, start: usize, single: bool) -> usize {
        let mut i = start + 1;
        while let Some(c) = self.byte(i) {
            if single {
                if c == b'\'' {
                    if self.byte(i + 1) == Some(b'\'') {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
            } else if c == b'\\' {
                i += 2;
                continue;
            } else if c == b'"' {
                return i + 1;
            }
            i += 1;
        }
        self.bytes.len()
    }

    /// Span of a block scalar from its indicator at `ind` to the end of its
    /// last non-empty content line, and the span of the content lines.
    fn block_span(
        &self,
        ind: usize,
        mark_off: usize,
        indent: usize,
        value: &str,
    ) -> (Span, Option<Span>) {
        let mut h = ind + 1;
        while matches!(self.byte(h), Some(b'-' | b'+' | b'0'..=b'9')) {
            h += 1;
        }
        if value.bytes().all(|c| c == b'\n') || mark_off <= h {
            return (Span::new(ind, h), None);
        }
        let lines = &self.loc.lines;
        let first = lines.line_of(mark_off);
        let mut end = None;
        let mut line = first;
        while line < lines.line_count() {
            let sp = lines.line_span(self.text, line);
            let seg = self.bytes.get(sp.start..sp.end).unwrap_or(&[]);
            if !seg.iter().all(|&c| is_blank(c)) {
                let spaces = seg.iter().take_while(|&&c| c == b' ').count();
                let marker = spaces == 0
                    && (seg.starts_with(b"---") || seg.starts_with(b"..."))
                    && seg.get(3).is_none_or(|&c| is_blank(c));
                if spaces < indent || marker {
                    break;
                }
                end = Some(sp.end);
            }
            line += 1;
        }
        match end {
            Some(e) if e > h => {
                let content = Span::new(lines.line_start(first), e);
                (Span::new(ind, e), Some(content))
            }
            _ => (Span::new(ind, h), None),
        }
    }

    // ----- events ----------------------------------------------------------

    fn depth_exceeded(&mut self, at: usize) {
        if !self.depth_error {
            self.depth_error = true;
            self.errors.push(SyntaxError {
                span: Span::empty(at),
                message: DEPTH_MESSAGE.to_string(),
            });
        }
    }

    fn alias_limit(&mut self, at: Span) {
        if !self.alias_error {
            self.alias_error = true;
            self.errors.push(SyntaxError {
                span: at,
                message: ALIAS_LIMIT_MESSAGE.to_string(),
            });
        }
    }

    fn scalar(
        &mut self,
        value: String,
        style: TScalarStyle,
        anchor: usize,
        tag: Option<Tag>,
        mark: Marker,
    ) {
        let mark_off = self.loc.offset(&mark);
        if self.skip > 0 {
            // Inside a subtree dropped for depth: only note where `#` is text.
            match style {
                TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
                    let single = style == TScalarStyle::SingleQuoted;
                    let end = self.quoted_end(mark_off, single);
                    self.no_comments.push(Span::new(mark_off, end));
                }
                TScalarStyle::Literal | TScalarStyle::Folded => {
                    let line = self.loc.lines.line_of(mark_off);
                    let start = self.loc.lines.line_start(line);
                    let (_, content) = self.block_span(start, mark_off, mark.col(), &value);
                    if let Some(c) = content {
                        self.no_comments.push(c);
                    }
                }
                TScalarStyle::Plain => {}
            }
            return;
        }
        let (role, parent_flow, lower) = self.context();
        let in_flow = parent_flow;
        let scan = self.scan(lower, role, parent_flow);
        let has_props = anchor > 0 || tag.is_some();
        let mut from_scan = false;
        let (style, span) = match style {
            TScalarStyle::Plain => {
                if value.is_empty() {
                    from_scan = true;
                    let at = self.empty_position(&scan, role, parent_flow, lower, has_props);
                    (ScalarStyle::Plain, Span::empty(at))
                } else {
                    let end = self.plain_end(mark_off, &value, in_flow);
                    (ScalarStyle::Plain, Span::new(mark_off, end.max(mark_off)))
                }
            }
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
                let single = style == TScalarStyle::SingleQuoted;
                let span = Span::new(mark_off, self.quoted_end(mark_off, single));
                self.no_comments.push(span);
                let style = if single {
                    ScalarStyle::SingleQuoted
                } else {
                    ScalarStyle::DoubleQuoted
                };
                (style, span)
            }
            TScalarStyle::Literal | TScalarStyle::Folded => {
                let ind = if matches!(self.byte(scan.content), Some(b'|' | b'>'))
                    && scan.content <= mark_off
                {
                    scan.content
                } else {
                    let lo = lower.min(mark_off);
                    self.bytes
                        .get(lo..mark_off)
                        .and_then(|s| s.iter().rposition(|&c| c == b'|' || c == b'>'))
                        .map_or(mark_off, |i| lo + i)
                };
                let (span, content) = self.block_span(ind, mark_off, mark.col(), &value);
                if let Some(c) = content {
                    self.no_comments.push(c);
                }
                let style = if style == TScalarStyle::Literal {
                    ScalarStyle::Literal
                } else {
                    ScalarStyle::Folded
                };
                (style, span)
            }
        };
        let tag = tag.map(|t| {
            let found = if from_scan {
                scan.tag
            } else {
                self.tag_before(span.start, lower).or(scan.tag)
            };
            Box::new((tag_name(&t), found.unwrap_or(Span::empty(span.start))))
        });
        let node = Node {
            kind: NodeKind::Scalar { value, style },
            span,
            tag,
            from_alias: false,
        };
        self.attach(node, span, anchor);
    }

    fn start(&mut self, is_map: bool, anchor: usize, tag: Option<Tag>, mark: Marker) {
        let mark_off = self.loc.offset(&mark);
        if self.skip > 0 {
            self.skip += 1;
            return;
        }
        if is_map {
            self.reinterpret_implicit_pair(mark_off);
        }
        let (role, parent_flow, lower) = self.context();
        let scan = self.scan(lower, role, parent_flow);
        if self.stack.len() >= MAX_DEPTH {
            let at = scan.content;
            self.depth_exceeded(at);
            self.skip = 1;
            self.skip_at = at;
            return;
        }
        let has_props = anchor > 0 || tag.is_some();
        let after_props = if has_props {
            scan.props_end.or(scan.indicator_end).unwrap_or(lower)
        } else {
            scan.indicator_end.unwrap_or(lower)
        };
        let (bracketed, start) = if is_map {
            if self.byte(mark_off) == Some(b'{') && mark_off == scan.content {
                (true, Some(mark_off))
            } else {
                (false, None)
            }
        } else if self.byte(scan.content) == Some(b'[') {
            (true, Some(scan.content))
        } else if parent_flow && self.byte(mark_off) == Some(b'[') {
            (true, Some(mark_off))
        } else {
            (false, Some(scan.content))
        };
        let cursor = match start {
            Some(s) if bracketed => s + 1,
            Some(s) => s,
            None => after_props,
        };
        let tag = tag.map(|t| {
            let found = match start {
                Some(s) if bracketed => self.tag_before(s, lower).or(scan.tag),
                _ => scan.tag,
            };
            let at = start.unwrap_or(scan.content);
            Box::new((tag_name(&t), found.unwrap_or(Span::empty(at))))
        });
        let children = if is_map {
            Children::Map {
                base: self.entry_buf.len(),
                key: None,
            }
        } else {
            Children::Seq {
                base: self.item_buf.len(),
            }
        };
        self.stack.push(Frame {
            children,
            bracketed,
            flow: bracketed || parent_flow,
            start,
            cursor,
            anchor,
            tag,
        });
    }

    /// In `[{a}: b]` both the implicit `{a}: b` pair and its key `{a}` start
    /// at the `{`. The first was taken for a `{...}` mapping; now that a
    /// second mapping starts at the same place, make it the implicit pair.
    fn reinterpret_implicit_pair(&mut self, mark_off: usize) {
        let n = self.stack.len();
        let in_flow_seq = n >= 2
            && self
                .stack
                .get(n - 2)
                .is_some_and(|f| f.flow && matches!(f.children, Children::Seq { .. }));
        if !in_flow_seq {
            return;
        }
        let buffered = self.entry_buf.len();
        if let Some(top) = self.stack.last_mut() {
            let fresh = matches!(
                &top.children,
                Children::Map { base, key: None } if *base == buffered
            );
            if fresh && top.bracketed && top.start == Some(mark_off) {
                top.bracketed = false;
                top.start = None;
                top.cursor = mark_off;
            }
        }
    }

    fn end(&mut self, mark: Marker) {
        let mark_off = self.loc.offset(&mark);
        if self.skip > 0 {
            self.skip -= 1;
            if self.skip == 0 {
                let at = self.skip_at;
                let end = match self.byte(mark_off) {
                    Some(b']' | b'}') if mark_off >= at => mark_off + 1,
                    _ => at,
                };
                self.attach(empty_scalar(Span::empty(at)), Span::new(at, end), 0);
            }
            return;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let end = if frame.bracketed {
            let close = match frame.children {
                Children::Map { .. } => b'}',
                Children::Seq { .. } => b']',
            };
            // The mark is at the closing bracket, or at a trailing comma
            // before it.
            let mut p = mark_off.max(frame.cursor);
            let mut end = frame.cursor;
            for _ in 0..3 {
                p = self.skip_trivia(p);
                match self.byte(p) {
                    Some(c) if c == close => {
                        end = p + 1;
                        break;
                    }
                    Some(b',') => p += 1,
                    _ => break,
                }
            }
            end
        } else {
            frame.cursor
        };
        self.finish_frame(frame, end);
    }

    fn finish_frame(&mut self, frame: Frame, end: usize) {
        let start = frame.start.unwrap_or(frame.cursor);
        let span = Span::new(start, end.max(start));
        let kind = match frame.children {
            Children::Map { base, .. } => NodeKind::Mapping {
                entries: self
                    .entry_buf
                    .drain(base.min(self.entry_buf.len())..)
                    .collect(),
                flow: frame.flow,
            },
            Children::Seq { base } => NodeKind::Sequence {
                items: self
                    .item_buf
                    .drain(base.min(self.item_buf.len())..)
                    .collect(),
                flow: frame.flow,
            },
        };
        let node = Node {
            kind,
            span,
            tag: frame.tag,
            from_alias: false,
        };
        self.attach(node, span, frame.anchor);
    }

    fn alias(&mut self, id: usize, mark: Marker) {
        let at = self.loc.offset(&mark);
        if self.skip > 0 {
            return;
        }
        let in_flow = self.stack.last().is_some_and(|f| f.flow);
        let span = Span::new(
            at,
            self.token_end(at, in_flow).min(self.bytes.len()).max(at),
        );
        let depth = self.stack.len();
        let node = match self.anchors.get(&id) {
            None => empty_scalar(span),
            Some(None) => {
                self.alias_limit(span);
                empty_scalar(span)
            }
            Some(Some(stored)) => {
                if depth + stored.height > MAX_DEPTH {
                    self.depth_exceeded(at);
                    empty_scalar(span)
                } else if self.alias_used + stored.count > ALIAS_BUDGET {
                    self.alias_limit(span);
                    empty_scalar(span)
                } else {
                    self.alias_used += stored.count;
                    stored.node.clone()
                }
            }
        };
        self.attach(node, span, 0);
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        let (count, height) = stats(node);
        // A copy that no alias could expand any more is not worth keeping.
        let too_big = count > ALIAS_BUDGET.saturating_sub(self.alias_used);
        if too_big || self.store_used + count > ANCHOR_STORE_BUDGET {
            self.anchors.insert(anchor, None);
            return;
        }
        self.store_used += count;
        let mut copy = node.clone();
        mark_from_alias(&mut copy);
        self.anchors.insert(
            anchor,
            Some(Stored {
                node: copy,
                count,
                height,
            }),
        );
    }

    /// Add a finished node to the open collection (or make it the root).
    /// `text` is where the node is written here (for an alias, the `*a`).
    fn attach(&mut self, node: Node, text: Span, anchor: usize) {
        if anchor > 0 {
            self.remember(anchor, &node);
        }
        let Some(frame) = self.stack.last_mut() else {
            if !self.root_done {
                self.root = Some(node);
                self.root_done = true;
            }
            return;
        };
        if frame.start.is_none() {
            frame.start = Some(text.start);
        }
        frame.cursor = frame.cursor.max(text.end);
        match &mut frame.children {
            Children::Map { key, .. } => match key.take() {
                None => {
                    let k = match node.kind {
                        NodeKind::Scalar { value, .. } => value,
                        _ => self
                            .text
                            .get(text.start..text.end)
                            .unwrap_or("")
                            .to_string(),
                    };
                    *key = Some((k, text));
                }
                Some((key, key_span)) => self.entry_buf.push(Entry {
                    key,
                    key_span,
                    value: node,
                }),
            },
            Children::Seq { .. } => self.item_buf.push(node),
        }
    }

    // ----- comments ----------------------------------------------------------

    fn comments(&mut self) -> Vec<Comment> {
        let limit = self
            .doc_end
            .unwrap_or(self.bytes.len())
            .min(self.bytes.len());
        let mut skip = std::mem::take(&mut self.no_comments);
        skip.sort_unstable();
        let mut out = Vec::new();
        let mut j = 0;
        let mut i = self.bom;
        while i < limit {
            let Some(k) = self
                .bytes
                .get(i..limit)
                .and_then(|s| s.iter().position(|&c| c == b'#'))
            else {
                break;
            };
            let p = i + k;
            let starts = p <= self.bom || self.byte(p - 1).is_some_and(is_space);
            while skip.get(j).is_some_and(|s| s.end <= p) {
                j += 1;
            }
            let inside = skip.get(j).is_some_and(|s| s.start <= p);
            if starts && !inside {
                let e = self.line_end(p);
                out.push(Comment {
                    span: Span::new(p, e),
                });
                i = e;
            } else {
                i = p + 1;
            }
        }
        out
    }
}

#[cfg(test)]
#[path = "yaml_tests.rs"]
mod tests;
