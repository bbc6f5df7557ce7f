//! Generic tree edits shared by the YAML and JSON renderers.
//!
//! A fix is first lowered (see [`super::cfn`]) to a few [`Op`]s on the
//! syntax tree: replace a scalar, insert entries into a mapping, append
//! items to a sequence. [`render_ops`] turns them into text edits in the
//! document's own style ([`Style`]): indentation step, line endings,
//! short-form or long-form intrinsics, flow or block collections.

use super::{json_edit, yaml_edit, Edit, Ins, InsText};
use crate::syntax::{Comment, Document, Format, Node, NodeKind};
use crate::text::Span;
use std::fmt::Write;

/// One tree operation.
#[derive(Debug, Clone)]
pub(crate) enum Op<'a> {
    /// Replace the value `node` (usually a scalar, keeping its quoting
    /// style) with the scalar-like `value`.
    Replace { node: &'a Node, value: Ins },
    /// Insert `entries` into the mapping `map`, after the entry with index
    /// `after` (or after the last entry).
    Insert {
        map: &'a Node,
        after: Option<usize>,
        entries: Vec<(InsText, Ins)>,
    },
    /// Append `items` to the sequence `seq`.
    Append { seq: &'a Node, items: Vec<Ins> },
}

/// How [`set`] treats a key that already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Make existing scalars equal to the wanted value and append wanted
    /// items to existing sequences.
    Ensure,
    /// Leave existing values alone; only add what is missing.
    AddMissing,
}

/// The text of an edit being written, with the tab stops to make its
/// snippet twin from. The snippet is built once, in [`Out::into_edit`],
/// and only when there is a tab stop.
#[derive(Debug, Clone, Default)]
pub(crate) struct Out {
    text: String,
    /// Tab stops: number and the byte range of the default text in `text`.
    stops: Vec<(u32, usize, usize)>,
}

impl Out {
    pub fn new() -> Out {
        Out {
            // Room for a typical fix without regrowing.
            text: String::with_capacity(256),
            stops: Vec::new(),
        }
    }
    /// `other`'s text and tab stops after this one's.
    pub fn append(&mut self, other: &Out) {
        let base = self.text.len();
        self.text.push_str(&other.text);
        self.stops
            .extend(other.stops.iter().map(|&(n, s, e)| (n, base + s, base + e)));
    }
    /// Literal text (escaped in the snippet).
    pub fn lit(&mut self, s: &str) {
        self.text.push_str(s);
    }
    /// A tab stop `n` whose default text is `s` (already escaped for the format).
    pub fn placeholder(&mut self, n: u32, s: &str) {
        let start = self.text.len();
        self.text.push_str(s);
        self.stops.push((n, start, self.text.len()));
    }
    pub fn spaces(&mut self, n: usize) {
        const SPACES: &str = "                                ";
        let mut left = n;
        while left > 0 {
            let chunk = SPACES.get(..left.min(SPACES.len())).unwrap_or(SPACES);
            self.text.push_str(chunk);
            left -= chunk.len();
        }
    }
    pub fn into_edit(self, span: Span) -> Edit {
        let snippet = (!self.stops.is_empty()).then(|| {
            let text = &self.text;
            let mut out = String::with_capacity(text.len() + 8 * self.stops.len());
            let mut pos = 0;
            for &(n, start, end) in &self.stops {
                push_snippet_escaped(&mut out, text.get(pos..start).unwrap_or(""));
                out.push_str("${");
                if n < 10 {
                    out.push(char::from(b'0' + n as u8));
                } else {
                    // Writing to a String cannot fail.
                    let _ = write!(out, "{n}");
                }
                out.push(':');
                push_snippet_escaped(&mut out, text.get(start..end).unwrap_or(""));
                out.push('}');
                pos = end;
            }
            push_snippet_escaped(&mut out, text.get(pos..).unwrap_or(""));
            out
        });
        Edit {
            span,
            snippet,
            text: self.text,
        }
    }
}

/// Escape `$`, `}` and `\` for LSP snippet syntax.
#[cfg(test)]
pub(crate) fn escape_snippet(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_snippet_escaped(&mut out, s);
    out
}

/// Append `s` to `out`, escaped for an LSP snippet.
fn push_snippet_escaped(out: &mut String, s: &str) {
    // The three bytes are ASCII, so every position found is a character
    // boundary.
    let mut pos = 0;
    for i in memchr::memchr3_iter(b'$', b'}', b'\\', s.as_bytes()) {
        out.push_str(s.get(pos..i).unwrap_or(""));
        out.push('\\');
        pos = i;
    }
    out.push_str(s.get(pos..).unwrap_or(""));
}

/// The writing conventions of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Style {
    pub format: Format,
    /// The line break the file uses (`\n` or `\r\n`).
    pub nl: &'static str,
    /// YAML: spaces per nesting level.
    pub step: usize,
    /// YAML: how far a block sequence's `-` is indented from its key.
    pub seq_offset: usize,
    /// JSON: the indentation unit (spaces or a tab).
    pub unit: String,
    /// JSON: false for a single-line (minified) document.
    pub pretty: bool,
    /// YAML: write intrinsics as `!Ref X` rather than `Ref: X`.
    pub short_tags: bool,
    /// Facts about block mappings found while rendering, by the mapping's
    /// start: one fix per bucket may insert into the same large mapping
    /// (`Resources`), which must not be scanned again per fix.
    pub maps: MapMemo,
    /// Block entries already written, by column and content: fixes of many
    /// buckets insert the same settings at the same indentation.
    pub blocks: BlockMemo,
}

/// Per block mapping (by its start offset): the column of its keys when
/// they all share one (else `None`), and whether neighbouring entries are
/// separated by blank lines.
#[derive(Debug, Clone, Default)]
pub(crate) struct MapMemo(std::cell::RefCell<foldhash::HashMap<usize, (Option<usize>, bool)>>);

impl MapMemo {
    pub fn get_or(
        &self,
        start: usize,
        f: impl FnOnce() -> (Option<usize>, bool),
    ) -> (Option<usize>, bool) {
        if let Some(v) = self.0.borrow().get(&start) {
            return *v;
        }
        let v = f();
        self.0.borrow_mut().insert(start, v);
        v
    }
}

/// A memo is not part of a style's conventions.
impl PartialEq for MapMemo {
    fn eq(&self, _: &MapMemo) -> bool {
        true
    }
}
impl Eq for MapMemo {}

/// Entries to insert into a mapping.
type Entries = Vec<(InsText, Ins)>;

/// What [`BlockMemo`] keeps per hash: column, entries, their text.
type Written = Vec<(usize, Entries, Out)>;

/// Rendered runs of block entries, by a hash of their column and content;
/// each hash keeps the exact inputs, compared on a hit.
#[derive(Debug, Clone, Default)]
pub(crate) struct BlockMemo(
    std::cell::RefCell<foldhash::HashMap<u64, Written>>,
    foldhash::fast::FixedState,
);

impl BlockMemo {
    /// The text `f` writes for `entries` at column `c`, appended to `out`;
    /// `f` runs once per distinct (`c`, `entries`).
    pub fn get_or(
        &self,
        out: &mut Out,
        c: usize,
        entries: &[(InsText, Ins)],
        f: impl FnOnce(&mut Out),
    ) {
        use std::hash::BuildHasher;
        let h = self.1.hash_one((c, entries));
        if let Some(done) = self.0.borrow().get(&h).and_then(|v| {
            v.iter()
                .find(|(dc, de, _)| *dc == c && de.as_slice() == entries)
        }) {
            out.append(&done.2);
            return;
        }
        let mut body = Out::new();
        f(&mut body);
        out.append(&body);
        self.0
            .borrow_mut()
            .entry(h)
            .or_default()
            .push((c, entries.to_vec(), body));
    }
}

/// A memo is not part of a style's conventions.
impl PartialEq for BlockMemo {
    fn eq(&self, _: &BlockMemo) -> bool {
        true
    }
}
impl Eq for BlockMemo {}

const INTRINSIC_TAGS: &[&str] = &[
    "!Ref",
    "!GetAtt",
    "!Sub",
    "!If",
    "!Join",
    "!Select",
    "!Split",
    "!FindInMap",
    "!ImportValue",
    "!Base64",
    "!Cidr",
    "!GetAZs",
    "!Equals",
    "!And",
    "!Or",
    "!Not",
    "!Condition",
    "!Transform",
    "!ToJsonString",
    "!Length",
];

impl Style {
    /// One-line JSON, for values written in place.
    pub fn compact() -> Style {
        Style {
            format: Format::Json,
            nl: "\n",
            step: 2,
            seq_offset: 2,
            unit: "  ".to_string(),
            pretty: false,
            short_tags: false,
            maps: MapMemo::default(),
            blocks: BlockMemo::default(),
        }
    }

    pub fn detect(text: &str, doc: &Document) -> Style {
        let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut style = Style {
            format: doc.format,
            nl,
            step: 2,
            seq_offset: 2,
            unit: "  ".to_string(),
            pretty: true,
            short_tags: true,
            maps: MapMemo::default(),
            blocks: BlockMemo::default(),
        };
        let Some(root) = &doc.root else {
            return style;
        };
        let mut scan = Scan::default();
        scan_node(text, doc.format, root, &mut scan);
        if let Some(step) = scan.step {
            style.step = step;
        }
        style.seq_offset = scan.seq_offset.unwrap_or(style.step);
        if let Some(unit) = scan.unit {
            style.unit = unit;
        }
        style.pretty = !same_line(text, root.span.start, root.span.end);
        style.short_tags = scan.short_tags || !scan.long_calls;
        style
    }
}

#[derive(Default)]
struct Scan {
    step: Option<usize>,
    seq_offset: Option<usize>,
    unit: Option<String>,
    short_tags: bool,
    long_calls: bool,
}

impl Scan {
    /// True once nothing further in the tree can change the style found:
    /// YAML with its indentation step, sequence offset and a short-form
    /// intrinsic all seen (`short_tags` then wins over long-form calls).
    fn settled(&self, format: Format) -> bool {
        format == Format::Yaml
            && self.short_tags
            && self.step.is_some()
            && self.seq_offset.is_some()
    }
}

fn scan_node(text: &str, format: Format, node: &Node, scan: &mut Scan) {
    if node.from_alias || scan.settled(format) {
        return;
    }
    if let Some((tag, _)) = node.tag.as_deref() {
        if INTRINSIC_TAGS.contains(&tag.as_str()) {
            scan.short_tags = true;
        }
    }
    if let [e] = node.entries() {
        if e.key == "Ref" || e.key.starts_with("Fn::") {
            scan.long_calls = true;
        }
    }
    match &node.kind {
        NodeKind::Mapping { entries, flow } => {
            for e in entries {
                if format == Format::Yaml && !flow {
                    yaml_scan_entry(text, e.key_span.start, &e.value, scan);
                }
                if format == Format::Json && scan.unit.is_none() {
                    // Same line first: on a minified template every
                    // `leading_ws` would scan back to the file's start.
                    if let Some(first) = e.value.entries().first() {
                        if !same_line(text, e.key_span.start, first.key_span.start) {
                            let parent = leading_ws(text, e.key_span.start);
                            let child = leading_ws(text, first.key_span.start);
                            if child.len() > parent.len() && child.starts_with(parent) {
                                scan.unit = Some(child[parent.len()..].to_string());
                            }
                        }
                    }
                }
                scan_node(text, format, &e.value, scan);
            }
        }
        NodeKind::Sequence { items, .. } => {
            for i in items {
                scan_node(text, format, i, scan);
            }
        }
        NodeKind::Scalar { .. } => {}
    }
}

fn yaml_scan_entry(text: &str, key_start: usize, value: &Node, scan: &mut Scan) {
    let key_col = col(text, key_start);
    match &value.kind {
        NodeKind::Mapping {
            entries,
            flow: false,
        } if scan.step.is_none() => {
            if let Some(first) = entries.first() {
                let c = col(text, first.key_span.start);
                if c > key_col && !same_line(text, key_start, first.key_span.start) {
                    scan.step = Some(c - key_col);
                }
            }
        }
        NodeKind::Sequence { flow: false, .. } if scan.seq_offset.is_none() => {
            if let Some(dash) = yaml_edit::dash_of(text, value) {
                let c = col(text, dash);
                if c >= key_col && !same_line(text, key_start, dash) {
                    scan.seq_offset = Some(c - key_col);
                }
            }
        }
        _ => {}
    }
}

// ----- positions ------------------------------------------------------------

pub(crate) use crate::text::line_start;

/// End of the line holding `pos` (before its line break).
pub(crate) fn line_end(text: &str, pos: usize) -> usize {
    let pos = pos.min(text.len());
    text.as_bytes()[pos..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(text.len(), |i| pos + i)
}

/// Column of `pos` in characters.
pub(crate) fn col(text: &str, pos: usize) -> usize {
    let start = line_start(text, pos);
    text.get(start..pos).map_or(0, |s| s.chars().count())
}

/// The whitespace that starts the line holding `pos`.
pub(crate) fn leading_ws(text: &str, pos: usize) -> &str {
    let start = line_start(text, pos);
    let rest = &text[start..];
    let n = rest
        .bytes()
        .position(|b| b != b' ' && b != b'\t')
        .unwrap_or(rest.len());
    &rest[..n]
}

/// True when no line break lies between `a` and `b`.
pub(crate) fn same_line(text: &str, a: usize, b: usize) -> bool {
    let (a, b) = (a.min(b).min(text.len()), a.max(b).min(text.len()));
    !text.as_bytes()[a..b]
        .iter()
        .any(|&c| c == b'\n' || c == b'\r')
}

/// Where an entry ends: the end of its value, or of its key for an empty value.
pub(crate) fn entry_end(e: &crate::syntax::Entry) -> usize {
    e.key_span.end.max(e.value.full_span().end)
}

// ----- tree checks ------------------------------------------------------------

/// Is `node` an intrinsic function call (short or long form)?
pub(crate) fn is_call(node: &Node) -> bool {
    if node.tag.is_some() {
        return true;
    }
    match node.entries() {
        [e] => e.key == "Ref" || e.key == "Condition" || e.key.starts_with("Fn::"),
        _ => false,
    }
}

/// A mapping the renderer may edit: not a call, not from an alias, no merge keys.
pub(crate) fn is_plain_mapping(node: &Node) -> bool {
    node.is_mapping()
        && !node.from_alias
        && !is_call(node)
        && !node.entries().iter().any(|e| e.key == "<<")
}

pub(crate) fn is_plain_sequence(node: &Node) -> bool {
    node.is_sequence() && !node.from_alias && node.tag.is_none()
}

/// Does the untagged scalar `node` already hold `value`?
fn scalar_matches(node: &Node, value: &Ins) -> bool {
    let Some(s) = node.as_str() else {
        return false;
    };
    match value {
        Ins::Str(v) => s == v.as_ref(),
        Ins::Bool(b) => s.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
        Ins::Int(i) => s.trim().parse::<i64>().ok() == Some(*i),
        _ => false,
    }
}

/// Make the mapping `map` hold `entries` (nested mappings are merged key by
/// key). Pushes the operations needed; `None` when that cannot be done
/// safely (a call or alias in the way, a repeated key, a non-mapping where a
/// mapping is needed).
pub(crate) fn set<'a>(
    map: &'a Node,
    entries: Vec<(InsText, Ins)>,
    mode: Mode,
    ops: &mut Vec<Op<'a>>,
) -> Option<()> {
    if !is_plain_mapping(map) {
        return None;
    }
    let mut missing = Vec::new();
    for (k, v) in entries {
        let mut same = map.entries().iter().filter(|e| e.key == k);
        let Some(e) = same.next() else {
            missing.push((k, v));
            continue;
        };
        if same.next().is_some() {
            return None;
        }
        let node = &e.value;
        match v {
            Ins::Map(sub) => {
                if mode == Mode::AddMissing && !node.is_mapping() {
                    continue;
                }
                set(node, sub, mode, ops)?;
            }
            Ins::Seq(items) => {
                if mode == Mode::AddMissing && !node.items().is_empty() {
                    continue;
                }
                if !is_plain_sequence(node) {
                    return None;
                }
                ops.push(Op::Append { seq: node, items });
            }
            scalar => {
                if mode == Mode::AddMissing || scalar_matches(node, &scalar) {
                    continue;
                }
                if node.from_alias || is_call(node) || !node.is_scalar() {
                    return None;
                }
                ops.push(Op::Replace {
                    node,
                    value: scalar,
                });
            }
        }
    }
    if !missing.is_empty() {
        ops.push(Op::Insert {
            map,
            after: None,
            entries: missing,
        });
    }
    Some(())
}

// ----- rendering ----------------------------------------------------------------

/// Spans of the text that alias nodes were copied from.
fn alias_spans(node: &Node, out: &mut Vec<Span>) {
    if node.from_alias {
        out.push(node.full_span());
        return;
    }
    for e in node.entries() {
        alias_spans(&e.value, out);
    }
    for i in node.items() {
        alias_spans(i, out);
    }
}

/// Would an edit at `e` change the aliased text `a`?
fn touches(a: Span, e: Span) -> bool {
    if e.is_empty() {
        a.start < e.start && e.start < a.end
    } else {
        a.start < e.end && e.start < a.end
    }
}

/// What rendering needs to know about a document, worked out once.
pub(crate) struct Context {
    pub style: Style,
    /// Spans of the text that alias nodes were copied from.
    pub aliased: Vec<Span>,
    pub ok: bool,
}

impl Context {
    pub fn new(text: &str, doc: &Document) -> Context {
        let mut aliased = Vec::new();
        if let Some(root) = doc.root.as_ref().filter(|_| doc.has_aliases) {
            alias_spans(root, &mut aliased);
        }
        Context {
            style: Style::detect(text, doc),
            aliased,
            ok: doc.errors.is_empty() && doc.root.is_some(),
        }
    }
}

/// Render `ops` as edits. `None` when one of them cannot be written safely.
pub(crate) fn render_ops(
    text: &str,
    doc: &Document,
    ctx: &Context,
    ops: &[Op<'_>],
) -> Option<Vec<Edit>> {
    if !ctx.ok {
        return None;
    }
    let style = &ctx.style;
    let aliased = &ctx.aliased;
    let mut edits = Vec::new();
    for op in ops {
        let target = match op {
            Op::Replace { node, .. } => node,
            Op::Insert { map, .. } => map,
            Op::Append { seq, .. } => seq,
        };
        if target.from_alias || aliased.iter().any(|a| a.contains_span(target.full_span())) {
            return None;
        }
        let mut new = match style.format {
            Format::Yaml => yaml_edit::render(text, doc, style, op)?,
            Format::Json => json_edit::render(text, style, op)?,
        };
        if new
            .iter()
            .any(|e| aliased.iter().any(|a| touches(*a, e.span)))
        {
            return None;
        }
        edits.append(&mut new);
    }
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    for pair in edits.windows(2) {
        if pair[1].span.start < pair[0].span.end {
            return None;
        }
    }
    for e in &edits {
        if e.span.end > text.len()
            || !text.is_char_boundary(e.span.start)
            || !text.is_char_boundary(e.span.end)
        {
            return None;
        }
    }
    Some(edits)
}

/// A member of a flow collection (or JSON object/array): where it starts and ends.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Member {
    pub start: usize,
    pub end: usize,
}

/// Members of a mapping or sequence node.
pub(crate) fn member_count(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Mapping { entries, .. } => entries.len(),
        NodeKind::Sequence { items, .. } => items.len(),
        NodeKind::Scalar { .. } => 0,
    }
}

/// Member `i` of a collection (without building the list: a fix per
/// resource inserts into one mapping of tens of thousands).
pub(crate) fn member(node: &Node, i: usize) -> Option<Member> {
    match &node.kind {
        NodeKind::Mapping { entries, .. } => entries.get(i).map(|e| Member {
            start: e.key_span.start,
            end: entry_end(e),
        }),
        NodeKind::Sequence { items, .. } => items.get(i).map(|i| Member {
            start: i.full_span().start,
            end: i.full_span().end,
        }),
        NodeKind::Scalar { .. } => None,
    }
}

/// Insert `count` new members into the bracketed collection `coll` (a YAML
/// flow collection or a JSON object/array), after member `after` (or the
/// last). `render(out, i, indent)` writes new member `i`; `indent` is the
/// line's indentation when members are written one per line, `None` when
/// they share a line.
pub(crate) fn flow_insert(
    text: &str,
    st: &Style,
    comments: &[Comment],
    coll: &Node,
    after: Option<usize>,
    count: usize,
    render: &dyn Fn(&mut Out, usize, Option<&str>),
) -> Option<Vec<Edit>> {
    let open = coll.span.start;
    let close = coll.span.end.checked_sub(1)?;
    let (o, c) = if coll.is_mapping() {
        ("{", "}")
    } else {
        ("[", "]")
    };
    if text.get(open..open + 1) != Some(o) || text.get(close..close + 1) != Some(c) {
        return None;
    }
    let len = member_count(coll);
    let one_level = match st.format {
        Format::Json => st.unit.clone(),
        Format::Yaml => " ".repeat(st.step),
    };
    if len == 0 {
        if comments.iter().any(|cm| coll.span.contains_span(cm.span)) {
            return None;
        }
        let mut out = Out::new();
        out.lit(o);
        if st.format == Format::Json && st.pretty {
            let base = leading_ws(text, open).to_string();
            let inner = format!("{base}{one_level}");
            for i in 0..count {
                if i > 0 {
                    out.lit(",");
                }
                out.lit(st.nl);
                out.lit(&inner);
                render(&mut out, i, Some(&inner));
            }
            out.lit(st.nl);
            out.lit(&base);
        } else {
            for i in 0..count {
                if i > 0 {
                    out.lit(", ");
                }
                render(&mut out, i, None);
            }
        }
        out.lit(c);
        return Some(vec![out.into_edit(coll.span)]);
    }
    let idx = after.unwrap_or(len - 1);
    let anchor = member(coll, idx)?;
    let next = member(coll, idx + 1).map_or(close, |m| m.start);
    if next < anchor.end || anchor.end > close {
        return None;
    }
    let mut out = Out::new();
    if same_line(text, anchor.end, next) {
        for i in 0..count {
            out.lit(", ");
            render(&mut out, i, None);
        }
        return Some(vec![out.into_edit(Span::empty(anchor.end))]);
    }
    let indent = if same_line(text, open, anchor.start) {
        format!("{}{one_level}", leading_ws(text, open))
    } else if st.format == Format::Json {
        leading_ws(text, anchor.start).to_string()
    } else {
        " ".repeat(col(text, anchor.start))
    };
    let eol = line_end(text, anchor.end);
    let commented = comments
        .iter()
        .any(|cm| cm.span.start >= anchor.end && cm.span.start < eol);
    if !commented {
        for i in 0..count {
            out.lit(",");
            out.lit(st.nl);
            out.lit(&indent);
            render(&mut out, i, Some(&indent));
        }
        return Some(vec![out.into_edit(Span::empty(anchor.end))]);
    }
    // A comment follows the anchor on its line: keep it there.
    let has_comma = text[anchor.end..]
        .trim_start_matches([' ', '\t'])
        .starts_with(',');
    let mut edits = Vec::new();
    if !has_comma {
        let mut comma = Out::new();
        comma.lit(",");
        edits.push(comma.into_edit(Span::empty(anchor.end)));
    }
    for i in 0..count {
        if i > 0 {
            out.lit(",");
        }
        out.lit(st.nl);
        out.lit(&indent);
        render(&mut out, i, Some(&indent));
    }
    if has_comma {
        out.lit(",");
    }
    edits.push(out.into_edit(Span::empty(eol)));
    Some(edits)
}

/// The text a scalar-like value stands for (placeholder: its default).
pub(crate) fn scalar_text(v: &Ins) -> Option<String> {
    match v {
        Ins::Str(s) => Some(s.to_string()),
        Ins::Bool(b) => Some(b.to_string()),
        Ins::Int(i) => Some(i.to_string()),
        Ins::Placeholder { text, .. } => Some(text.to_string()),
        _ => None,
    }
}

/// True when a placeholder's default text is a whole number, written unquoted.
pub(crate) fn is_int_text(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.len() < 19 && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_escapes() {
        assert_eq!(escape_snippet(r"${a}\b"), r"\${a\}\\b");
        let mut out = Out::new();
        out.lit("x: ");
        out.placeholder(1, "a}b");
        let e = out.into_edit(Span::empty(0));
        assert_eq!(e.text, "x: a}b");
        assert_eq!(e.snippet.as_deref(), Some(r"x: ${1:a\}b}"));
        let mut plain = Out::new();
        plain.lit("$x");
        assert_eq!(plain.into_edit(Span::empty(0)).snippet, None);
    }

    #[test]
    fn a_remembered_block_is_written_as_a_fresh_one() {
        let memo = BlockMemo::default();
        let entries: Entries = vec![
            ("A".into(), Ins::placeholder(1, "x$")),
            ("B".into(), Ins::Bool(true)),
        ];
        let write = |out: &mut Out| {
            out.lit("\n  A: ");
            out.placeholder(1, "x$");
            out.lit("\n  B: true");
        };
        let mut fresh = Out::new();
        fresh.lit("\n");
        write(&mut fresh);
        let fresh = fresh.into_edit(Span::empty(0));
        let mut runs = 0;
        for prefix in ["", "\n"] {
            let mut out = Out::new();
            out.lit(prefix);
            memo.get_or(&mut out, 2, &entries, |o| {
                runs += 1;
                write(o)
            });
            if prefix == "\n" {
                assert_eq!(out.into_edit(Span::empty(0)), fresh);
            }
        }
        assert_eq!(runs, 1, "written once, then remembered");
        // Another column or other content is written anew.
        let mut out = Out::new();
        memo.get_or(&mut out, 4, &entries, |o| o.lit("other"));
        assert_eq!(out.into_edit(Span::empty(0)).text, "other");
        let mut out = Out::new();
        memo.get_or(&mut out, 2, &entries[..1], |o| o.lit("first"));
        assert_eq!(out.into_edit(Span::empty(0)).text, "first");
    }

    #[test]
    fn positions() {
        let t = "ab\r\n  cd # x\nef";
        assert_eq!(line_start(t, 7), 4);
        assert_eq!(line_end(t, 7), 12);
        assert_eq!(col(t, 6), 2);
        assert_eq!(leading_ws(t, 7), "  ");
        assert!(same_line(t, 4, 12));
        assert!(!same_line(t, 1, 5));
        assert_eq!(line_end(t, 14), 15);
    }

    #[test]
    fn int_text() {
        assert!(is_int_text("90"));
        assert!(!is_int_text("9a"));
        assert!(!is_int_text(""));
    }
}
