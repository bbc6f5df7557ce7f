//! Lowering fix intents to edits of a Terraform module.
//!
//! Each [`FixIntent`] is lowered to a few operations on the module's HCL
//! tree ([`TOp`]), in module space: replace a literal, make a block hold
//! some attributes and nested blocks, add a new resource after the bucket.
//! They are then written as HCL text (`.tf`, indentation and `=` alignment
//! of the file kept) or, for `.tf.json`, as JSON through [`super::edit`].
//!
//! The provider style decides where a missing setting goes: modules that
//! use the v4+ split resources (or constrain the AWS provider to ≥ 4) get a
//! new `aws_s3_bucket_*` resource after the bucket, referencing
//! `aws_s3_bucket.NAME.id`; v3-style modules get inline blocks. Settings
//! that have their own resource in every provider version (public access
//! block, ownership controls, metrics, inventory, bucket policy) always
//! become a new resource.
//!
//! Rendering refuses (`None`) rather than guess: a module with syntax
//! errors, a bucket with `count` / `for_each` (a new resource would need
//! the same), a target in another file than the finding, a value that is
//! not a literal, a one-line block with content.

use super::edit::{self, Op, Out};
use super::{Edit, FixIntent, Ins, NewValue};
use crate::model::{Model, PabFlag};
use crate::syntax::hcl::{Block, Body, Expr, ExprKind, Op as HOp};
use crate::syntax::{json, Document, Node};
use crate::text::Span;
use crate::tf::{Module, Role};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::borrow::Cow;
use std::cell::OnceCell;

use super::cfn::{
    KMS_KEY_PLACEHOLDER, LOG_BUCKET_PLACEHOLDER, ORIGIN_PLACEHOLDER, VPC_PLACEHOLDER,
};

/// A value to write, in Terraform terms.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Str(Cow<'static, str>),
    Bool(bool),
    Int(i64),
    /// An expression written as is (`aws_s3_bucket.logs.id`); in JSON `"${...}"`.
    Expr(String),
    /// A string placeholder (tab stop `n`).
    Ph(u32, Cow<'static, str>),
    /// A number placeholder.
    PhNum(u32, &'static str),
    List(Vec<Val>),
    /// An object (`{ k = v }`); keys that are not identifiers are quoted.
    Obj(Vec<(Cow<'static, str>, Val)>),
    /// `jsonencode(<object>)`.
    JsonEncode(Box<Val>),
}

fn s(v: &'static str) -> Val {
    Val::Str(Cow::Borrowed(v))
}

/// An attribute or a nested block.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    /// `force`: replace an existing literal that differs.
    Attr {
        key: &'static str,
        val: Val,
        force: bool,
    },
    Block(&'static str, Vec<Item>),
}

fn attr(key: &'static str, val: Val) -> Item {
    Item::Attr {
        key,
        val,
        force: true,
    }
}

fn add(key: &'static str, val: Val) -> Item {
    Item::Attr {
        key,
        val,
        force: false,
    }
}

/// One operation, spans and blocks in module space.
#[derive(Debug)]
enum TOp<'a> {
    /// Replace the literal expression `expr`.
    Replace { expr: &'a Expr, val: Val },
    /// Make `block` hold `items`.
    Set { block: &'a Block, items: Vec<Item> },
    /// Add the nested block `item` to `block` even when one exists.
    Append { block: &'a Block, item: Item },
    /// Add `resource "ty" "name"` after `after`.
    NewResource {
        after: &'a Block,
        ty: &'static str,
        name: String,
        items: Vec<Item>,
    },
    /// Add `val` as the last element of the HCL list `list`.
    AppendElement { list: &'a Expr, val: Val },
    /// Suppress `rule` for the top-level `block`: a comment above its header.
    Suppress { block: &'a Block, rule: String },
}

/// Renders fix intents for the files of one module.
pub struct Renderer<'a> {
    module: &'a Module,
    texts: Vec<&'a str>,
    /// Parsed `.tf.json` documents by file index.
    json: Vec<Option<Document>>,
    split: bool,
    broken: bool,
    /// The module's `resource` blocks by (type, name); more than one block
    /// under a key means a duplicate, which no fix touches.
    resources: HashMap<(&'a str, &'a str), Vec<&'a Block>>,
    /// Each HCL file's layout, detected on first use.
    styles: Vec<OnceCell<Style>>,
    /// The model's buckets by id (the first of a duplicated id).
    buckets: HashMap<&'a str, &'a crate::model::Bucket>,
    /// Top-level `resource` blocks by (type, name of the `aws_s3_bucket`
    /// their `bucket` argument refers to).
    splits: HashMap<(&'a str, &'a str), Vec<&'a Block>>,
    /// Resource types with a block whose `bucket` is not a reference the
    /// renderer follows (a literal name, say) but the model may link to a
    /// bucket: no new resource of such a type is added (it could be a
    /// second one for the same bucket).
    unfollowed: HashSet<&'a str>,
    /// Per file: its top-level blocks are in source order (so the one
    /// holding a span is found by binary search).
    sorted: Vec<bool>,
}

impl<'a> Renderer<'a> {
    /// `texts` are the texts of `module.files`, in order.
    pub fn new(module: &'a Module, texts: Vec<&'a str>) -> Renderer<'a> {
        let json = module
            .files
            .iter()
            .zip(&texts)
            .map(|(f, t)| (f.role == Role::Json).then(|| json::parse(t)))
            .collect();
        let broken = module.files.iter().any(|f| !f.file.errors.is_empty())
            || texts.len() != module.files.len();
        let mut resources: HashMap<(&'a str, &'a str), Vec<&'a Block>> = HashMap::new();
        for f in &module.files {
            for b in &f.file.body.blocks {
                if let ([ty, name], "resource") = (b.labels.as_slice(), b.ident.as_str()) {
                    resources
                        .entry((ty.0.as_str(), name.0.as_str()))
                        .or_default()
                        .push(b);
                }
            }
        }
        let mut splits: HashMap<(&'a str, &'a str), Vec<&'a Block>> = HashMap::new();
        let mut unfollowed: HashSet<&'a str> = HashSet::new();
        let names = BucketNames::of(&module.model);
        for f in &module.files {
            for b in &f.file.body.blocks {
                if let ([ty, _], "resource") = (b.labels.as_slice(), b.ident.as_str()) {
                    let Some(target) = b.body.attr("bucket") else {
                        continue;
                    };
                    match referred_bucket(target).or_else(|| each_bucket(&b.body, target)) {
                        Some(name) => splits.entry((ty.0.as_str(), name)).or_default().push(b),
                        // A literal name (or ARN) that names no bucket of the
                        // module configures a bucket elsewhere.
                        None if names.elsewhere(target) => {}
                        None => {
                            unfollowed.insert(ty.0.as_str());
                        }
                    }
                }
            }
        }
        let mut buckets: HashMap<&'a str, &'a crate::model::Bucket> = HashMap::new();
        for b in &module.model.buckets {
            buckets.entry(b.res.id.as_str()).or_insert(b);
        }
        let sorted = module
            .files
            .iter()
            .map(|f| {
                f.file
                    .body
                    .blocks
                    .windows(2)
                    .all(|w| w[0].span.end <= w[1].span.start)
            })
            .collect();
        Renderer {
            buckets,
            splits,
            unfollowed,
            sorted,
            split: split_style(module),
            styles: module.files.iter().map(|_| OnceCell::new()).collect(),
            module,
            texts,
            json,
            broken,
            resources,
        }
    }

    /// Render `intent` as edits of file `file` (local spans). `None` when
    /// the fix cannot be rendered safely there, or changes nothing.
    pub fn render(&self, intent: &FixIntent, file: usize) -> Option<Vec<Edit>> {
        if self.broken {
            return None;
        }
        let mut ops = Vec::new();
        self.lower(intent, &mut ops)?;
        self.render_ops(&ops, file)
    }

    /// The edit suppressing `rule` with a comment above the top-level
    /// block of file `file` that holds `at` (module span) when given (a
    /// finding about a bucket may be reported on another resource, its
    /// `aws_s3_bucket_acl` say, and a comment covers only its own block),
    /// else above resource `resource`.
    pub fn render_suppression(
        &self,
        file: usize,
        resource: &str,
        rule: &str,
        at: Option<Span>,
    ) -> Option<Vec<Edit>> {
        if self.broken {
            return None;
        }
        let block = match at {
            Some(at) => self
                .top_blocks(at)?
                .iter()
                .find(|b| b.span.contains_span(at))?,
            None => self.resource(resource)?,
        };
        let ops = [TOp::Suppress {
            block,
            rule: rule.to_string(),
        }];
        self.render_ops(&ops, file)
    }

    fn render_ops(&self, ops: &[TOp<'a>], file: usize) -> Option<Vec<Edit>> {
        if ops.is_empty() {
            return None;
        }
        let f = self.module.files.get(file)?;
        let text = *self.texts.get(file)?;
        // Every op must be in `file`.
        for op in ops {
            let span = match op {
                TOp::Replace { expr, .. } | TOp::AppendElement { list: expr, .. } => expr.span,
                TOp::Set { block, .. }
                | TOp::Append { block, .. }
                | TOp::Suppress { block, .. } => block.span,
                TOp::NewResource { after, .. } => after.span,
            };
            if self.module.file_at(span.start) != Some(file) {
                return None;
            }
        }
        let edits = match f.role {
            Role::Hcl => {
                let st = self.styles.get(file)?.get_or_init(|| Style::detect(text));
                hcl_render(text, f.base, ops, st)?
            }
            Role::Json => {
                let doc = self.json.get(file)?.as_ref()?;
                json_render(text, doc, f.base, ops)?
            }
            Role::Vars => return None,
        };
        (!edits.is_empty()).then_some(edits)
    }

    fn model(&self) -> &Model {
        &self.module.model
    }

    /// The top-level blocks of the file holding `span`, narrowed to the
    /// one block holding `span` where the file's blocks are in source
    /// order (a lookup per fix must not scan every block of a large file).
    fn top_blocks(&self, span: Span) -> Option<&'a [Block]> {
        let i = self.module.file_at(span.start)?;
        let blocks: &'a [Block] = &self.module.files.get(i)?.file.body.blocks;
        if !self.sorted.get(i).copied().unwrap_or(false) {
            return Some(blocks);
        }
        let k = blocks.partition_point(|b| b.span.start <= span.start);
        match k.checked_sub(1).and_then(|k| blocks.get(k..=k)) {
            Some(one) if one.iter().all(|b| b.span.contains_span(span)) => Some(one),
            _ => Some(blocks),
        }
    }

    /// The block written at `span` (a block, its header or its identifier), at any depth.
    fn block_at(&self, span: Span) -> Option<&'a Block> {
        let narrowed = self.top_blocks(span)?;
        let i = self.module.file_at(span.start)?;
        let all: &'a [Block] = &self.module.files.get(i)?.file.body.blocks;
        // The narrowed level first; the whole file when that finds nothing
        // (a `.tf.json` identifier span lies outside its blocks).
        block_in(narrowed, span).or_else(|| block_in(all, span))
    }

    /// The block holding an attribute whose value is written at `span`, and that value.
    fn attr_value_at(&self, span: Span) -> Option<(&'a Block, &'a Expr)> {
        let mut blocks: &'a [Block] = self.top_blocks(span)?;
        let mut holder: Option<&'a Block> = None;
        'descend: loop {
            if let Some(h) = holder {
                for a in &h.body.attrs {
                    if a.value.span == span {
                        return Some((h, &a.value));
                    }
                }
            }
            for b in blocks {
                if b.span.contains_span(span) {
                    holder = Some(b);
                    blocks = &b.body.blocks;
                    continue 'descend;
                }
            }
            return None;
        }
    }

    /// The literal expression written at `span` (in attributes, lists, objects).
    fn literal_at(&self, span: Span) -> Option<&'a Expr> {
        let e = self.expr_at(span)?;
        matches!(
            e.kind,
            ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Number(_)
        )
        .then_some(e)
    }

    /// The expression written at `span` (in attributes, lists, objects, calls).
    fn expr_at(&self, span: Span) -> Option<&'a Expr> {
        let i = self.module.file_at(span.start)?;
        let body: &'a Body = &self.module.files.get(i)?.file.body;
        for a in &body.attrs {
            if a.span.contains_span(span) {
                if let Some(e) = find_expr(&a.value, span) {
                    return Some(e);
                }
            }
        }
        for b in self.top_blocks(span)? {
            if b.span.contains_span(span) {
                if let Some(e) = find_expr_in_body(&b.body, span) {
                    return Some(e);
                }
            }
        }
        None
    }

    /// `resource "TYPE" "NAME"` for id `TYPE.NAME`.
    fn resource(&self, id: &str) -> Option<&'a Block> {
        let (ty, name) = id.split_once('.')?;
        match self.resources.get(&(ty, name))?.as_slice() {
            [b] => Some(*b),
            _ => None,
        }
    }

    fn resource_exists(&self, ty: &str, name: &str) -> bool {
        self.resources.contains_key(&(ty, name))
    }

    /// The bucket block of `id`, fit to be referenced by a new resource.
    fn bucket_for_new(&self, id: &str) -> Option<(&'a Block, &'a str)> {
        let b = self.resource(id)?;
        if b.labels.first().map(|l| l.0.as_str()) != Some("aws_s3_bucket") {
            return None;
        }
        if b.body.attr("count").is_some() || b.body.attr("for_each").is_some() {
            return None;
        }
        let name = b.labels.get(1)?.0.as_str();
        // A name Terraform refuses (a label may hold any string) would make
        // `aws_s3_bucket.NAME.id` a syntax error (found by fuzzing).
        if !is_ident(name) {
            return None;
        }
        Some((b, name))
    }

    /// A new resource of type `ty` after bucket `id`, named after it.
    fn new_resource(
        &self,
        id: &str,
        ty: &'static str,
        items: Vec<Item>,
        ops: &mut Vec<TOp<'a>>,
    ) -> Option<()> {
        if self.unfollowed.contains(ty) {
            return None;
        }
        let (after, name) = self.bucket_for_new(id)?;
        let mut unique = name.to_string();
        let mut n = 2;
        while self.resource_exists(ty, &unique) {
            unique = format!("{name}_{n}");
            n += 1;
        }
        let mut all = vec![attr(
            "bucket",
            Val::Expr(format!("aws_s3_bucket.{name}.id")),
        )];
        all.extend(items);
        ops.push(TOp::NewResource {
            after,
            ty,
            name: unique,
            items: all,
        });
        Some(())
    }

    /// Make bucket `id` hold `items` inline.
    fn inline(&self, id: &str, items: Vec<Item>, ops: &mut Vec<TOp<'a>>) -> Option<()> {
        let block = self.resource(id)?;
        ops.push(TOp::Set { block, items });
        Some(())
    }

    fn lower(&self, intent: &FixIntent, ops: &mut Vec<TOp<'a>>) -> Option<()> {
        use FixIntent::*;
        let model = self.model();
        let bucket = |id: &str| self.buckets.get(id).copied();
        match intent {
            AddPublicAccessBlock { resource } => {
                let items = PabFlag::ALL
                    .iter()
                    .map(|f| attr(f.tf_name(), Val::Bool(true)))
                    .collect();
                self.new_resource(resource, "aws_s3_bucket_public_access_block", items, ops)
            }
            EnablePabFlag { resource, flag } => {
                let item = attr(flag.tf_name(), Val::Bool(true));
                if let Some(b) = bucket(resource) {
                    let mut any = false;
                    for (pab, _) in b.public_access_block.values() {
                        let block = self.block_at(pab.span)?;
                        ops.push(TOp::Set {
                            block,
                            items: vec![item.clone()],
                        });
                        any = true;
                    }
                    return any.then_some(());
                }
                let ap = model.access_points.iter().find(|a| &a.res.id == resource)?;
                let block = self.resource(&ap.res.id)?;
                let pab = block.body.block("public_access_block_configuration")?;
                ops.push(TOp::Set {
                    block: pab,
                    items: vec![item],
                });
                Some(())
            }
            ReplaceValue { span, value } => {
                let expr = self.literal_at(*span)?;
                let val = match value {
                    NewValue::PrivateAcl => s("private"),
                    NewValue::BucketOwnerEnforced => s("BucketOwnerEnforced"),
                    NewValue::AwsKms => s("aws:kms"),
                    NewValue::True => Val::Bool(true),
                    NewValue::OriginPlaceholder => Val::Ph(1, ORIGIN_PLACEHOLDER.into()),
                };
                ops.push(TOp::Replace { expr, val });
                Some(())
            }
            EnforceBucketOwner { resource } => {
                let rule = Item::Block(
                    "rule",
                    vec![attr("object_ownership", s("BucketOwnerEnforced"))],
                );
                if let Some(existing) =
                    self.split_resource(resource, "aws_s3_bucket_ownership_controls")
                {
                    if existing.body.blocks("rule").count() > 1
                        || existing.body.block("dynamic").is_some()
                    {
                        return None;
                    }
                    ops.push(TOp::Set {
                        block: existing,
                        items: vec![rule],
                    });
                    return Some(());
                }
                self.new_resource(
                    resource,
                    "aws_s3_bucket_ownership_controls",
                    vec![rule],
                    ops,
                )
            }
            AddTlsDeny { bucket: id, policy } => {
                let (_, name) = self.bucket_for_new(id)?;
                let arn = format!("aws_s3_bucket.{name}.arn");
                // A policy written on the bucket itself (v3 `policy`) cannot
                // reference the bucket's `arn` (a cycle): its literal name is used.
                let resources = if policy.as_deref() == Some(id.as_str()) {
                    let b = bucket(id)?;
                    let (v, _) = b.name.values().next()?;
                    let n = match (&v.lit, b.name.values().count()) {
                        (crate::model::Lit::Str(n), 1) if v.literal => n.clone(),
                        _ => return None,
                    };
                    vec![
                        Val::Str(format!("arn:aws:s3:::{n}").into()),
                        Val::Str(format!("arn:aws:s3:::{n}/*").into()),
                    ]
                } else {
                    vec![
                        Val::Expr(arn.clone()),
                        Val::Expr(format!("\"${{{arn}}}/*\"")),
                    ]
                };
                if let Some(pid) = policy {
                    let doc = model.policies.iter().find(|p| &p.res.id == pid)?;
                    let doc = doc.document.as_ref()?;
                    return match doc.statements_span {
                        // The statements are an HCL list (`jsonencode({...})`
                        // in a `.tf` file; a heredoc or JSON string is not edited).
                        Some(span) => {
                            let list = self.expr_at(span)?;
                            if !matches!(list.kind, ExprKind::Array(_)) {
                                return None;
                            }
                            ops.push(TOp::AppendElement {
                                list,
                                val: tls_deny_object(resources),
                            });
                            Some(())
                        }
                        // A `data "aws_iam_policy_document"`: a `statement` block.
                        None => {
                            let block = self.block_at(doc.span)?;
                            let is_doc = block.ident == "data"
                                && block.labels.first().map(|l| l.0.as_str())
                                    == Some("aws_iam_policy_document");
                            if !is_doc || block.body.block("dynamic").is_some() {
                                return None;
                            }
                            ops.push(TOp::Append {
                                block,
                                item: tls_deny_block(resources),
                            });
                            Some(())
                        }
                    };
                }
                let doc = Val::Obj(vec![
                    ("Version".into(), s("2012-10-17")),
                    (
                        "Statement".into(),
                        Val::List(vec![tls_deny_object(resources)]),
                    ),
                ]);
                self.new_resource(
                    id,
                    "aws_s3_bucket_policy",
                    vec![attr("policy", Val::JsonEncode(Box::new(doc)))],
                    ops,
                )
            }
            AddDefaultEncryption { resource } => {
                let rule = Item::Block(
                    "rule",
                    vec![Item::Block(
                        "apply_server_side_encryption_by_default",
                        vec![attr("sse_algorithm", s("AES256"))],
                    )],
                );
                if self.split {
                    self.new_resource(
                        resource,
                        "aws_s3_bucket_server_side_encryption_configuration",
                        vec![rule],
                        ops,
                    )
                } else {
                    self.inline(
                        resource,
                        vec![Item::Block(
                            "server_side_encryption_configuration",
                            vec![rule],
                        )],
                        ops,
                    )
                }
            }
            SwitchToKms { algorithm } => {
                let (block, expr) = self.attr_value_at(*algorithm)?;
                if !matches!(expr.kind, ExprKind::Str(_)) {
                    return None;
                }
                ops.push(TOp::Replace {
                    expr,
                    val: s("aws:kms"),
                });
                ops.push(TOp::Set {
                    block,
                    items: vec![add(
                        "kms_master_key_id",
                        Val::Ph(1, KMS_KEY_PLACEHOLDER.into()),
                    )],
                });
                Some(())
            }
            AddKmsKeyId { algorithm } => {
                let (block, _) = self.attr_value_at(*algorithm)?;
                ops.push(TOp::Set {
                    block,
                    items: vec![add(
                        "kms_master_key_id",
                        Val::Ph(1, KMS_KEY_PLACEHOLDER.into()),
                    )],
                });
                Some(())
            }
            AddLogging { resource } => {
                let name = resource.rsplit('.').next().unwrap_or(resource);
                let items = vec![
                    attr("target_bucket", Val::Ph(1, LOG_BUCKET_PLACEHOLDER.into())),
                    attr("target_prefix", Val::Ph(2, format!("{name}/").into())),
                ];
                if self.split {
                    self.new_resource(resource, "aws_s3_bucket_logging", items, ops)
                } else {
                    self.inline(resource, vec![Item::Block("logging", items)], ops)
                }
            }
            SetLoggingDestination { resource } => {
                let b = bucket(resource)?;
                let (logging, _) = b.logging.values().next()?;
                let block = self.block_at(logging.span)?;
                if block.ident == "dynamic" {
                    return None;
                }
                ops.push(TOp::Set {
                    block,
                    items: vec![attr(
                        "target_bucket",
                        Val::Ph(1, LOG_BUCKET_PLACEHOLDER.into()),
                    )],
                });
                Some(())
            }
            AddMetrics { resource } => self.new_resource(
                resource,
                "aws_s3_bucket_metric",
                vec![attr("name", s("EntireBucket"))],
                ops,
            ),
            EnableVersioning { resource } => {
                let b = bucket(resource)?;
                if let Some((v, _)) = b.versioning.values().next() {
                    let block = self.block_at(v.span)?;
                    let items = match block.ident.as_str() {
                        "versioning" => vec![attr("enabled", Val::Bool(true))],
                        "resource" if block.body.block("dynamic").is_none() => {
                            vec![Item::Block(
                                "versioning_configuration",
                                vec![attr("status", s("Enabled"))],
                            )]
                        }
                        _ => return None,
                    };
                    ops.push(TOp::Set { block, items });
                    return Some(());
                }
                if self.split {
                    self.new_resource(
                        resource,
                        "aws_s3_bucket_versioning",
                        vec![Item::Block(
                            "versioning_configuration",
                            vec![attr("status", s("Enabled"))],
                        )],
                        ops,
                    )
                } else {
                    self.inline(
                        resource,
                        vec![Item::Block(
                            "versioning",
                            vec![attr("enabled", Val::Bool(true))],
                        )],
                        ops,
                    )
                }
            }
            AddLifecycle { resource } => self.add_noncurrent_rule(resource, false, ops),
            AddNoncurrentExpiration { resource } => self.add_noncurrent_rule(resource, true, ops),
            AddLifecycleRuleId { rule } => {
                let block = self.block_at(*rule)?;
                if block.ident != "rule" && block.ident != "lifecycle_rule" {
                    return None;
                }
                ops.push(TOp::Set {
                    block,
                    items: vec![add("id", Val::Ph(1, "lifecycle-rule".into()))],
                });
                Some(())
            }
            AddObjectLockRetention { resource } => {
                let retention = |years: bool| {
                    let mut r = vec![add("mode", Val::Ph(1, "GOVERNANCE".into()))];
                    if !years {
                        r.push(add("days", Val::PhNum(2, "30")));
                    }
                    Item::Block("rule", vec![Item::Block("default_retention", r)])
                };
                let existing_years = |b: &Block| {
                    b.body
                        .block("rule")
                        .and_then(|r| r.body.block("default_retention"))
                        .is_some_and(|d| d.body.attr("years").is_some())
                };
                if let Some(existing) =
                    self.split_resource(resource, "aws_s3_bucket_object_lock_configuration")
                {
                    let years = existing_years(existing);
                    ops.push(TOp::Set {
                        block: existing,
                        items: vec![retention(years)],
                    });
                    return Some(());
                }
                let block = self.resource(resource)?;
                if let Some(olc) = block.body.block("object_lock_configuration") {
                    let years = existing_years(olc);
                    ops.push(TOp::Set {
                        block: olc,
                        items: vec![retention(years)],
                    });
                    return Some(());
                }
                if self.split {
                    self.new_resource(
                        resource,
                        "aws_s3_bucket_object_lock_configuration",
                        vec![retention(false)],
                        ops,
                    )
                } else {
                    self.inline(
                        resource,
                        vec![Item::Block(
                            "object_lock_configuration",
                            vec![attr("object_lock_enabled", s("Enabled")), retention(false)],
                        )],
                        ops,
                    )
                }
            }
            RedirectHttps { redirect } => {
                // v3 `redirect_all_requests_to = "host"` or `"http://host"`:
                // the literal URL gets the `https://` scheme.
                if let Some(expr) = self.literal_at(*redirect) {
                    let ExprKind::Str(url) = &expr.kind else {
                        return None;
                    };
                    let host = match url.split_once("://") {
                        Some((scheme, host)) if scheme.eq_ignore_ascii_case("http") => host,
                        Some(_) => return None,
                        None => url.as_str(),
                    };
                    ops.push(TOp::Replace {
                        expr,
                        val: Val::Str(format!("https://{host}").into()),
                    });
                    return Some(());
                }
                let block = self.block_at(*redirect)?;
                if !matches!(
                    block.ident.as_str(),
                    "redirect_all_requests_to" | "redirect"
                ) {
                    return None;
                }
                ops.push(TOp::Set {
                    block,
                    items: vec![attr("protocol", s("https"))],
                });
                Some(())
            }
            AddVpcConfiguration { resource } => {
                let block = self.resource(resource)?;
                ops.push(TOp::Set {
                    block,
                    items: vec![Item::Block(
                        "vpc_configuration",
                        vec![add("vpc_id", Val::Ph(1, VPC_PLACEHOLDER.into()))],
                    )],
                });
                Some(())
            }
            AddTags { resource } => {
                let block = self.resource(resource)?;
                if block.body.attr("tags").is_some() {
                    return None;
                }
                ops.push(TOp::Set {
                    block,
                    items: vec![add(
                        "tags",
                        Val::Obj(vec![("Owner".into(), Val::Ph(1, "team-name".into()))]),
                    )],
                });
                Some(())
            }
            AddInventory { resource } => self.new_resource(
                resource,
                "aws_s3_bucket_inventory",
                vec![
                    attr("name", Val::Ph(1, "weekly-inventory".into())),
                    attr("included_object_versions", s("Current")),
                    Item::Block("schedule", vec![attr("frequency", s("Weekly"))]),
                    Item::Block(
                        "destination",
                        vec![Item::Block(
                            "bucket",
                            vec![
                                attr("format", s("CSV")),
                                attr(
                                    "bucket_arn",
                                    Val::Ph(2, "arn:aws:s3:::inventory-bucket".into()),
                                ),
                            ],
                        )],
                    ),
                ],
                ops,
            ),
            SuppressForResource { resource, rule } => {
                let block = self.resource(resource)?;
                ops.push(TOp::Suppress {
                    block,
                    rule: rule.clone(),
                });
                Some(())
            }
        }
    }

    /// The one split resource of type `ty` whose `bucket` references bucket `id`.
    fn split_resource(&self, id: &str, ty: &str) -> Option<&'a Block> {
        let name = id.strip_prefix("aws_s3_bucket.")?;
        match self.splits.get(&(ty, name))?.as_slice() {
            [b] => Some(*b),
            _ => None,
        }
    }

    /// A lifecycle rule expiring noncurrent versions: into an existing
    /// lifecycle configuration when `existing`, else a new one.
    fn add_noncurrent_rule(&self, id: &str, existing: bool, ops: &mut Vec<TOp<'a>>) -> Option<()> {
        let v4_rule = Item::Block(
            "rule",
            vec![
                attr("id", Val::Ph(1, "expire-noncurrent-versions".into())),
                attr("status", s("Enabled")),
                Item::Block("filter", vec![]),
                Item::Block(
                    "noncurrent_version_expiration",
                    vec![attr("noncurrent_days", Val::PhNum(2, "90"))],
                ),
                Item::Block(
                    "abort_incomplete_multipart_upload",
                    vec![attr("days_after_initiation", Val::Int(7))],
                ),
            ],
        );
        let v3_rule = Item::Block(
            "lifecycle_rule",
            vec![
                attr("id", Val::Ph(1, "expire-noncurrent-versions".into())),
                attr("enabled", Val::Bool(true)),
                attr("abort_incomplete_multipart_upload_days", Val::Int(7)),
                Item::Block(
                    "noncurrent_version_expiration",
                    vec![attr("days", Val::PhNum(2, "90"))],
                ),
            ],
        );
        if existing {
            if let Some(lc) = self.split_resource(id, "aws_s3_bucket_lifecycle_configuration") {
                ops.push(TOp::Append {
                    block: lc,
                    item: v4_rule,
                });
                return Some(());
            }
            let block = self.resource(id)?;
            if block.body.block("lifecycle_rule").is_some() {
                ops.push(TOp::Append {
                    block,
                    item: v3_rule,
                });
                return Some(());
            }
        }
        if self.split {
            self.new_resource(
                id,
                "aws_s3_bucket_lifecycle_configuration",
                vec![v4_rule],
                ops,
            )
        } else {
            self.inline(id, vec![v3_rule], ops)
        }
    }
}

/// The statement denying requests without TLS to `resources`, as a policy object.
fn tls_deny_object(resources: Vec<Val>) -> Val {
    Val::Obj(vec![
        ("Sid".into(), s("DenyInsecureTransport")),
        ("Effect".into(), s("Deny")),
        ("Principal".into(), s("*")),
        ("Action".into(), s("s3:*")),
        ("Resource".into(), Val::List(resources)),
        (
            "Condition".into(),
            Val::Obj(vec![(
                "Bool".into(),
                Val::Obj(vec![("aws:SecureTransport".into(), s("false"))]),
            )]),
        ),
    ])
}

/// The same statement as a `statement` block of `data "aws_iam_policy_document"`.
fn tls_deny_block(resources: Vec<Val>) -> Item {
    Item::Block(
        "statement",
        vec![
            attr("sid", s("DenyInsecureTransport")),
            attr("effect", s("Deny")),
            attr("actions", Val::List(vec![s("s3:*")])),
            attr("resources", Val::List(resources)),
            Item::Block(
                "principals",
                vec![
                    attr("type", s("*")),
                    attr("identifiers", Val::List(vec![s("*")])),
                ],
            ),
            Item::Block(
                "condition",
                vec![
                    attr("test", s("Bool")),
                    attr("variable", s("aws:SecureTransport")),
                    attr("values", Val::List(vec![s("false")])),
                ],
            ),
        ],
    )
}

/// Whether `e` is `aws_s3_bucket.NAME...` (or `"${aws_s3_bucket.NAME...}"`).
/// The NAME of `aws_s3_bucket.NAME...` that `e` refers to.
fn referred_bucket(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Traversal { root, ops } if root == "aws_s3_bucket" => match ops.first() {
            Some(HOp::Attr(n, _)) => Some(n.as_str()),
            _ => None,
        },
        ExprKind::Template(parts) if parts.len() == 1 => match &parts[0] {
            crate::syntax::hcl::Part::Interp(x) => referred_bucket(x),
            _ => None,
        },
        _ => None,
    }
}

/// The literal names of a model's buckets, when every bucket's name is
/// known as literals (`None` otherwise: a literal could name any of them).
struct BucketNames<'m>(Option<HashSet<&'m str>>);

impl<'m> BucketNames<'m> {
    fn of(model: &'m Model) -> BucketNames<'m> {
        let mut names = HashSet::new();
        for b in &model.buckets {
            if b.name.alts.is_empty() {
                return BucketNames(None);
            }
            for (v, _) in b.name.values() {
                match v.str() {
                    Some(n) if v.literal => {
                        names.insert(n);
                    }
                    _ => return BucketNames(None),
                }
            }
        }
        BucketNames(Some(names))
    }

    /// True when `target` is a literal string (a bucket name or its ARN)
    /// that names none of the buckets.
    fn elsewhere(&self, target: &Expr) -> bool {
        let (ExprKind::Str(s), Some(names)) = (&target.kind, &self.0) else {
            return false;
        };
        !names.contains(s.strip_prefix("arn:aws:s3:::").unwrap_or(s))
    }
}

/// The bucket `NAME` a settings resource's `bucket` names through
/// `each.value` / `each.key` under `for_each = aws_s3_bucket.NAME`, as the
/// model links it.
fn each_bucket<'b>(body: &'b Body, target: &Expr) -> Option<&'b str> {
    let ExprKind::Traversal { root, ops } = &target.kind else {
        return None;
    };
    if root != "each" || !matches!(ops.first(), Some(HOp::Attr(k, _)) if k == "value" || k == "key")
    {
        return None;
    }
    match &body.attr("for_each")?.kind {
        ExprKind::Traversal { root, ops } if root == "aws_s3_bucket" && ops.len() == 1 => {
            match ops.first() {
                Some(HOp::Attr(n, _)) => Some(n.as_str()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The first block of `blocks` (at any depth) written at `span`: the
/// block, its header or its identifier.
fn block_in(mut blocks: &[Block], span: Span) -> Option<&Block> {
    'descend: loop {
        for b in blocks {
            if b.span == span || b.header_span == span || b.ident_span == span {
                return Some(b);
            }
        }
        for b in blocks {
            if b.span.contains_span(span) {
                blocks = &b.body.blocks;
                continue 'descend;
            }
        }
        return None;
    }
}

fn find_expr_in_body(body: &Body, span: Span) -> Option<&Expr> {
    for a in &body.attrs {
        if a.span.contains_span(span) {
            if let Some(e) = find_expr(&a.value, span) {
                return Some(e);
            }
        }
    }
    for b in &body.blocks {
        if b.span.contains_span(span) {
            if let Some(e) = find_expr_in_body(&b.body, span) {
                return Some(e);
            }
        }
    }
    None
}

fn find_expr(e: &Expr, span: Span) -> Option<&Expr> {
    if e.span == span {
        return Some(e);
    }
    if !e.span.contains_span(span) {
        return None;
    }
    match &e.kind {
        ExprKind::Array(items) => items.iter().find_map(|i| find_expr(i, span)),
        ExprKind::Object(entries) => entries.iter().find_map(|en| find_expr(&en.value, span)),
        ExprKind::Paren(x) => find_expr(x, span),
        ExprKind::Call { args, .. } => args.iter().find_map(|a| find_expr(a, span)),
        _ => None,
    }
}

/// Whether the module is written for AWS provider v4+ (split resources).
fn split_style(module: &Module) -> bool {
    // An explicit provider constraint decides.
    for f in &module.files {
        for t in f.file.body.blocks("terraform") {
            for rp in t.body.blocks("required_providers") {
                let Some(aws) = rp.body.attr("aws") else {
                    continue;
                };
                let version = match &aws.kind {
                    ExprKind::Object(entries) => entries
                        .iter()
                        .find(|e| e.key.as_deref() == Some("version"))
                        .and_then(|e| match &e.value.kind {
                            ExprKind::Str(s) => Some(s.as_str()),
                            _ => None,
                        }),
                    ExprKind::Str(s) => Some(s.as_str()),
                    _ => None,
                };
                if let Some(major) = version.and_then(constraint_major) {
                    return major >= 4;
                }
            }
        }
    }
    const V4_ONLY: &[&str] = &[
        "aws_s3_bucket_acl",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_logging",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_object_lock_configuration",
        "aws_s3_bucket_cors_configuration",
        "aws_s3_bucket_website_configuration",
    ];
    const V3_INLINE: &[&str] = &[
        "versioning",
        "logging",
        "server_side_encryption_configuration",
        "lifecycle_rule",
        "website",
        "cors_rule",
        "object_lock_configuration",
        "grant",
    ];
    let resources = || {
        module.files.iter().flat_map(|f| {
            f.file
                .body
                .blocks
                .iter()
                .filter(|b| b.ident == "resource" && b.labels.len() == 2)
        })
    };
    if resources().any(|b| V4_ONLY.contains(&b.labels[0].0.as_str())) {
        return true;
    }
    let v3 = resources().any(|b| {
        b.labels[0].0 == "aws_s3_bucket"
            && (b
                .body
                .blocks
                .iter()
                .any(|x| V3_INLINE.contains(&x.ident.as_str()))
                || b.body.attr_entry("acl").is_some())
    });
    !v3
}

/// The major version a constraint such as `~> 4.0`, `>= 3.50, < 4` allows at least.
fn constraint_major(c: &str) -> Option<u32> {
    let first = c.split(',').next()?.trim();
    let digits: String = first
        .trim_start_matches(|ch: char| !ch.is_ascii_digit())
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

// ---------------------------------------------------------------- HCL text

/// The file's conventions: line end and indentation step.
struct Style {
    nl: &'static str,
    step: String,
}

impl Style {
    fn detect(text: &str) -> Style {
        let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
        // The first indented line after a line ending in `{`.
        let mut step = "  ".to_string();
        let mut prev_open = false;
        for line in text.lines() {
            if prev_open {
                let ws: String = line
                    .chars()
                    .take_while(|c| *c == ' ' || *c == '\t')
                    .collect();
                if !ws.is_empty() && line.trim() != "" {
                    step = ws;
                    break;
                }
            }
            let t = line.trim_end();
            prev_open = t.ends_with('{') && !t.starts_with(char::is_whitespace);
        }
        Style { nl, step }
    }
}

fn hcl_render(text: &str, base: usize, ops: &[TOp<'_>], st: &Style) -> Option<Vec<Edit>> {
    let local = |s: Span| Span::new(s.start - base, s.end - base);
    let mut edits = Vec::new();
    for op in ops {
        match op {
            TOp::Replace { expr, val } => {
                let mut out = Out::new();
                write_val(&mut out, val, "", st);
                edits.push(out.into_edit(local(expr.span)));
            }
            TOp::Set { block, items } => hcl_set(text, base, block, items, st, &mut edits)?,
            TOp::Append { block, item } => hcl_insert(
                text,
                base,
                block,
                std::slice::from_ref(item),
                st,
                &mut edits,
            )?,
            TOp::NewResource {
                after,
                ty,
                name,
                items,
            } => {
                let at = after.span.end - base;
                if text.as_bytes().get(at.checked_sub(1)?) != Some(&b'}') {
                    return None;
                }
                let indent = edit::leading_ws(text, at);
                let mut out = Out::new();
                out.lit(st.nl);
                out.lit(st.nl);
                out.lit(indent);
                out.lit(&format!("resource \"{ty}\" \"{name}\" {{"));
                out.lit(st.nl);
                let inner = format!("{indent}{}", st.step);
                write_items(&mut out, items, &inner, st, 0);
                out.lit(indent);
                out.lit("}");
                edits.push(out.into_edit(Span::new(at, at)));
            }
            TOp::Suppress { block, rule } => {
                edits.push(hcl_suppress(text, base, block, rule, st)?);
            }
            TOp::AppendElement { list, val } => {
                edits.push(hcl_append_element(text, base, list, val, st)?);
            }
        }
    }
    Some(edits)
}

/// `val` added after the last element of `list` (`[a, b]`, one element per
/// line, or `[{` ... `}]`), keeping a trailing comma style.
fn hcl_append_element(text: &str, base: usize, list: &Expr, val: &Val, st: &Style) -> Option<Edit> {
    let ExprKind::Array(items) = &list.kind else {
        return None;
    };
    let close = (list.span.end - base).checked_sub(1)?;
    if text.as_bytes().get(close) != Some(&b']') {
        return None;
    }
    let mut out = Out::new();
    let Some(last) = items.last() else {
        // `[]`: the element inside.
        let indent = edit::leading_ws(text, list.span.start - base);
        write_val(&mut out, val, indent, st);
        return Some(out.into_edit(Span::empty(close)));
    };
    let last_start = last.span.start - base;
    let last_end = last.span.end - base;
    let between = text.get(last_end..close)?;
    let trailing_comma = match between.trim() {
        "" => false,
        "," => true,
        _ => return None,
    };
    let own_line = text
        .get(edit::line_start(text, last_start)..last_start)?
        .trim()
        .is_empty();
    if own_line {
        // One element per line: a new line like the last one.
        let indent = edit::leading_ws(text, last_start);
        let at = if trailing_comma {
            last_end + between.find(',')? + 1
        } else {
            out.lit(",");
            last_end
        };
        out.lit(st.nl);
        out.lit(indent);
        write_val(&mut out, val, indent, st);
        if trailing_comma {
            out.lit(",");
        }
        return Some(out.into_edit(Span::empty(at)));
    }
    // `[{` ... `}]` or `[a, b]`: after the last element, on its line.
    if trailing_comma {
        return None;
    }
    out.lit(", ");
    write_val(&mut out, val, edit::leading_ws(text, last_end), st);
    Some(out.into_edit(Span::empty(last_end)))
}

/// A `# bucketguard: ignore[RULE]` line above `block`'s header (a comment
/// there covers the whole block), or `RULE` added to such a comment already
/// on the line above.
fn hcl_suppress(text: &str, base: usize, block: &Block, rule: &str, st: &Style) -> Option<Edit> {
    let start = block.header_span.start - base;
    let before = text.get(..start)?;
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent = text.get(line_start..start)?;
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    let edit = |at: usize, text: String| Edit {
        span: Span::empty(at),
        text,
        snippet: None,
    };
    if line_start > 0 {
        let prev_end = if before[..line_start].ends_with("\r\n") {
            line_start - 2
        } else {
            line_start - 1
        };
        let prev_start = before[..prev_end].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let prev = &before[prev_start..prev_end];
        let t = prev.trim_start();
        if t.starts_with('#') || t.starts_with("//") {
            // Only a comment the suppression parser reads as one gets the
            // id added to its list (`#Xbucketguard: ignore[...]` is not one).
            if let Some(close) = crate::suppress::list_close(t) {
                let at = prev_start + (prev.len() - t.len()) + close;
                let empty = t.get(..close).is_some_and(|s| s.trim_end().ends_with('['));
                let sep = if empty { "" } else { ", " };
                return Some(edit(at, format!("{sep}{rule}")));
            }
        }
    }
    Some(edit(
        line_start,
        format!("{indent}# bucketguard: ignore[{rule}]{}", st.nl),
    ))
}

/// Make `block` hold `items`: replace differing literals of forced
/// attributes, recurse into existing nested blocks, insert the rest.
fn hcl_set(
    text: &str,
    base: usize,
    block: &Block,
    items: &[Item],
    st: &Style,
    edits: &mut Vec<Edit>,
) -> Option<()> {
    let mut missing = Vec::new();
    for item in items {
        match item {
            Item::Attr { key, val, force } => match block.body.attr_entry(key) {
                Some(a) => {
                    if !force {
                        continue;
                    }
                    // A reference may only be replaced where the fix means
                    // to (the log destination pointing at the bucket itself).
                    let reference_ok = *key == "target_bucket"
                        && matches!(
                            a.value.kind,
                            ExprKind::Traversal { .. } | ExprKind::Template(_)
                        );
                    if !reference_ok
                        && !matches!(
                            a.value.kind,
                            ExprKind::Str(_)
                                | ExprKind::Bool(_)
                                | ExprKind::Number(_)
                                | ExprKind::Null
                        )
                    {
                        return None;
                    }
                    if same_value(&a.value, val) {
                        continue;
                    }
                    let mut out = Out::new();
                    write_val(&mut out, val, "", st);
                    let s = a.value.span;
                    edits.push(out.into_edit(Span::new(s.start - base, s.end - base)));
                }
                None => missing.push(item.clone()),
            },
            Item::Block(ident, inner) => {
                let mut existing = block.body.blocks(ident);
                match (existing.next(), existing.next()) {
                    (Some(b), None) => hcl_set(text, base, b, inner, st, edits)?,
                    (None, _) => missing.push(item.clone()),
                    _ => return None,
                }
            }
        }
    }
    if missing.is_empty() {
        return Some(());
    }
    hcl_insert(text, base, block, &missing, st, edits)
}

fn same_value(e: &Expr, v: &Val) -> bool {
    match (&e.kind, v) {
        (ExprKind::Str(a), Val::Str(b)) => a == b,
        (ExprKind::Bool(a), Val::Bool(b)) => a == b,
        (ExprKind::Number(a), Val::Int(b)) => a.parse::<i64>().ok() == Some(*b),
        _ => false,
    }
}

/// Insert `items` at the end of `block`'s body.
fn hcl_insert(
    text: &str,
    base: usize,
    block: &Block,
    items: &[Item],
    st: &Style,
    edits: &mut Vec<Edit>,
) -> Option<()> {
    let close = (block.span.end - base).checked_sub(1)?;
    if text.as_bytes().get(close) != Some(&b'}') {
        return None;
    }
    let open = header_open(text, base, block)?;
    let block_indent = edit::leading_ws(text, block.span.start - base);
    let line_start = edit::line_start(text, close);
    let closing_alone = text.get(line_start..close)?.trim().is_empty();
    // The last thing in the body, attributes and blocks alike.
    let last_attr = block.body.attrs.iter().map(|a| (a.span.end, true));
    let last_block = block.body.blocks.iter().map(|b| (b.span.end, false));
    let last = last_attr.chain(last_block).max_by_key(|(end, _)| *end);
    let first_start = block
        .body
        .attrs
        .iter()
        .map(|a| a.span.start)
        .chain(block.body.blocks.iter().map(|b| b.span.start))
        .min();
    let indent = match first_start {
        Some(s) if !edit::same_line(text, open, s - base) => {
            edit::leading_ws(text, s - base).to_string()
        }
        _ => format!("{block_indent}{}", st.step),
    };
    // `=` column of the attributes just before the insertion point; when
    // attributes follow them directly, all are aligned like `terraform fmt`.
    // (An attribute whose value spans lines ends such a run, as in `terraform fmt`.)
    let keys: Vec<&str> = items
        .iter()
        .map_while(|i| match i {
            Item::Attr { key, val, .. } if !multi_line(val) => Some(*key),
            _ => None,
        })
        .collect();
    let align = match last {
        Some((_, true)) if !keys.is_empty() => {
            realign(text, base, &block.body, &indent, &keys, edits)
        }
        _ => 0,
    };
    let mut out = Out::new();
    let at;
    if closing_alone && !text.get(open + 1..line_start)?.trim().is_empty() {
        // `{ ... \n }`: insert before the closing line.
        at = line_start;
        let blank_first = matches!(
            (last, items.first()),
            (Some((_, true)), Some(Item::Block(..))) | (Some((_, false)), _)
        );
        if blank_first {
            out.lit(st.nl);
        }
        write_items(&mut out, items, &indent, st, align);
    } else if text.get(open + 1..close)?.trim().is_empty() {
        // `{}` or `{\n}`: replace the inside.
        at = open + 1;
        out.lit(st.nl);
        write_items(&mut out, items, &indent, st, 0);
        out.lit(block_indent);
        edits.push(out.into_edit(Span::new(at, close)));
        return Some(());
    } else {
        return None;
    }
    edits.push(out.into_edit(Span::new(at, at)));
    Some(())
}

/// The offset (local) of the `{` opening `block`'s body.
fn header_open(text: &str, base: usize, block: &Block) -> Option<usize> {
    let from = block.header_span.end - base;
    let rel = text.get(from..block.span.end - base)?.find('{')?;
    Some(from + rel)
}

/// Whether `v` is written on more than one line.
fn multi_line(v: &Val) -> bool {
    match v {
        Val::Obj(_) | Val::JsonEncode(_) => true,
        Val::List(items) => items.iter().any(multi_line),
        _ => false,
    }
}

/// The `=` column for the run of single-line attributes that ends the body
/// followed by new attributes `keys` at `indent`, with edits (pushed to
/// `edits`) re-padding the run to it. When the run is not aligned (nor a
/// single attribute), nothing is re-padded and 0 is returned.
fn realign(
    text: &str,
    base: usize,
    body: &Body,
    indent: &str,
    keys: &[&str],
    edits: &mut Vec<Edit>,
) -> usize {
    let run = attr_run(text, base, body);
    let Some(first) = run.first() else {
        return 0;
    };
    if run.iter().any(|a| a.eq_col != first.eq_col) {
        return 0;
    }
    let indent_cols = indent.chars().count();
    let widest = run
        .iter()
        .map(|a| a.key_end_col)
        .chain(keys.iter().map(|k| indent_cols + k.chars().count()))
        .max()
        .unwrap_or(0);
    let eq_col = widest + 1;
    for a in &run {
        let want = eq_col - a.key_end_col;
        if a.eq - a.key_end != want {
            edits.push(Edit {
                span: Span::new(a.key_end, a.eq),
                text: " ".repeat(want),
                snippet: None,
            });
        }
    }
    eq_col
}

/// A single-line attribute of a run: where its key ends and its `=` is
/// (local offsets), and their columns.
struct RunAttr {
    key_end: usize,
    eq: usize,
    key_end_col: usize,
    eq_col: usize,
}

/// The run of single-line attributes on consecutive lines that ends the
/// body, last first. Empty when a gap before an `=` is not only spaces.
fn attr_run(text: &str, base: usize, body: &Body) -> Vec<RunAttr> {
    let mut out = Vec::new();
    let mut attrs: Vec<_> = body.attrs.iter().collect();
    attrs.sort_by_key(|a| a.span.start);
    // The start of the attribute after this one (it must be on the next line).
    let mut next_start: Option<usize> = None;
    for a in attrs.iter().rev() {
        let start = a.span.start - base;
        let end = a.span.end - base;
        if !edit::same_line(text, start, end) {
            break;
        }
        if let Some(next) = next_start {
            // Counted between the two attributes only: counting from the
            // start of the file made a fix per bucket quadratic in the file.
            let between = text.get(start..next).unwrap_or("");
            if between.matches('\n').count() != 1 {
                break;
            }
        }
        next_start = Some(start);
        let key_end = a.key_span.end - base;
        let Some(gap) = text.get(key_end..a.value.span.start - base) else {
            break;
        };
        let Some(rel) = gap.find('=') else {
            break;
        };
        if !gap[..rel].bytes().all(|b| b == b' ') {
            return Vec::new();
        }
        out.push(RunAttr {
            key_end,
            eq: key_end + rel,
            key_end_col: edit::col(text, key_end),
            eq_col: edit::col(text, key_end + rel),
        });
    }
    out
}

/// Write `items` one per line at `indent`, aligning the `=` of runs of
/// attributes (at least to column `align`).
fn write_items(out: &mut Out, items: &[Item], indent: &str, st: &Style, align: usize) {
    let mut i = 0;
    let mut first = true;
    while i < items.len() {
        match &items[i] {
            Item::Attr { .. } => {
                let run: Vec<&Item> = items[i..]
                    .iter()
                    .take_while(|x| matches!(x, Item::Attr { .. }))
                    .collect();
                if !first {
                    out.lit(st.nl);
                }
                // Single-line attributes in a row share their `=` column; one
                // whose value spans lines stands alone (`terraform fmt`).
                let attrs: Vec<(&str, &Val)> = run
                    .iter()
                    .filter_map(|x| match x {
                        Item::Attr { key, val, .. } => Some((*key, val)),
                        Item::Block(..) => None,
                    })
                    .collect();
                let mut j = 0;
                while let Some((_, v)) = attrs.get(j) {
                    let alone = multi_line(v);
                    let n = if alone {
                        1
                    } else {
                        attrs[j..]
                            .iter()
                            .take_while(|(_, v)| !multi_line(v))
                            .count()
                    };
                    let group = &attrs[j..j + n];
                    let mut width = group.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
                    if j == 0 && first && !alone {
                        width = width.max(align.saturating_sub(indent.len() + 1));
                    }
                    for (key, val) in group {
                        out.lit(indent);
                        out.lit(key);
                        out.spaces(width - key.len());
                        out.lit(" = ");
                        write_val(out, val, indent, st);
                        out.lit(st.nl);
                    }
                    j += n;
                }
                i += run.len();
            }
            Item::Block(ident, inner) => {
                if !first {
                    out.lit(st.nl);
                }
                out.lit(indent);
                out.lit(ident);
                if inner.is_empty() {
                    out.lit(" {}");
                    out.lit(st.nl);
                } else {
                    out.lit(" {");
                    out.lit(st.nl);
                    let deeper = format!("{indent}{}", st.step);
                    write_items(out, inner, &deeper, st, 0);
                    out.lit(indent);
                    out.lit("}");
                    out.lit(st.nl);
                }
                i += 1;
            }
        }
        first = false;
    }
}

fn is_ident(k: &str) -> bool {
    let mut chars = k.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn hcl_string(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Write `v` as HCL; multi-line objects indent from `indent`.
fn write_val(out: &mut Out, v: &Val, indent: &str, st: &Style) {
    match v {
        Val::Str(x) => out.lit(&hcl_string(x)),
        Val::Bool(b) => out.lit(if *b { "true" } else { "false" }),
        Val::Int(n) => out.lit(&n.to_string()),
        Val::Expr(e) => out.lit(e),
        Val::Ph(n, t) => {
            out.lit("\"");
            let quoted = hcl_string(t);
            out.placeholder(*n, quoted.get(1..quoted.len() - 1).unwrap_or(t));
            out.lit("\"");
        }
        Val::PhNum(n, t) => out.placeholder(*n, t),
        Val::List(items) => {
            out.lit("[");
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.lit(", ");
                }
                write_val(out, x, indent, st);
            }
            out.lit("]");
        }
        Val::Obj(entries) => {
            out.lit("{");
            out.lit(st.nl);
            let deeper = format!("{indent}{}", st.step);
            let keys: Vec<String> = entries
                .iter()
                .map(|(k, _)| {
                    if is_ident(k) {
                        k.to_string()
                    } else {
                        hcl_string(k)
                    }
                })
                .collect();
            // `=` aligned over runs of single-line values, as in `write_items`.
            let widths: Vec<usize> = {
                let mut w = vec![0; keys.len()];
                let mut j = 0;
                while j < keys.len() {
                    let n = if multi_line(&entries[j].1) {
                        1
                    } else {
                        entries[j..]
                            .iter()
                            .take_while(|(_, x)| !multi_line(x))
                            .count()
                    };
                    let width = keys[j..j + n].iter().map(String::len).max().unwrap_or(0);
                    w[j..j + n].fill(width);
                    j += n;
                }
                w
            };
            for ((k, (_, x)), width) in keys.iter().zip(entries).zip(widths) {
                out.lit(&deeper);
                out.lit(k);
                out.spaces(width - k.len());
                out.lit(" = ");
                write_val(out, x, &deeper, st);
                out.lit(st.nl);
            }
            out.lit(indent);
            out.lit("}");
        }
        Val::JsonEncode(x) => {
            out.lit("jsonencode(");
            write_val(out, x, indent, st);
            out.lit(")");
        }
    }
}

// ---------------------------------------------------------------- JSON

fn to_ins(v: &Val) -> Option<Ins> {
    Some(match v {
        Val::Str(x) => Ins::Str(x.clone()),
        Val::Bool(b) => Ins::Bool(*b),
        Val::Int(n) => Ins::Int(*n),
        // A quoted template (`"${x}/*"`) is already a JSON string's content.
        Val::Expr(e) => match e.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(inner) => Ins::Str(inner.to_string().into()),
            None => Ins::Str(format!("${{{e}}}").into()),
        },
        Val::Ph(n, t) => Ins::Placeholder {
            n: *n,
            text: t.clone(),
        },
        Val::PhNum(n, t) => Ins::Placeholder {
            n: *n,
            text: Cow::Borrowed(t),
        },
        Val::List(items) => Ins::Seq(items.iter().map(to_ins).collect::<Option<_>>()?),
        Val::Obj(entries) => Ins::Map(
            entries
                .iter()
                .map(|(k, x)| Some((k.clone(), to_ins(x)?)))
                .collect::<Option<_>>()?,
        ),
        // A policy in JSON: a string template calling `jsonencode` on the
        // object written in HCL on one line.
        Val::JsonEncode(x) => Ins::Str(format!("${{jsonencode({})}}", hcl_inline(x)?).into()),
    })
}

/// `v` as HCL on one line (inside a `.tf.json` string template). `None`
/// for placeholders, which cannot be snippet tab stops there.
fn hcl_inline(v: &Val) -> Option<String> {
    Some(match v {
        Val::Str(x) => hcl_string(x),
        Val::Bool(b) => b.to_string(),
        Val::Int(n) => n.to_string(),
        Val::Expr(e) => e.clone(),
        Val::Ph(..) | Val::PhNum(..) => return None,
        Val::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(hcl_inline)
                .collect::<Option<Vec<_>>>()?
                .join(", ")
        ),
        Val::Obj(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, x)| {
                    let k = if is_ident(k) {
                        k.to_string()
                    } else {
                        hcl_string(k)
                    };
                    Some(format!("{k} = {}", hcl_inline(x)?))
                })
                .collect::<Option<Vec<_>>>()?
                .join(", ")
        ),
        Val::JsonEncode(x) => format!("jsonencode({})", hcl_inline(x)?),
    })
}

fn items_ins(items: &[Item]) -> Option<Vec<(Cow<'static, str>, Ins)>> {
    items
        .iter()
        .map(|i| match i {
            Item::Attr { key, val, .. } => Some((Cow::Borrowed(*key), to_ins(val)?)),
            Item::Block(ident, inner) => Some((Cow::Borrowed(*ident), Ins::Map(items_ins(inner)?))),
        })
        .collect()
}

/// The JSON object a block's body is written as (local spans).
fn json_object(root: &Node, block_end: usize) -> Option<&Node> {
    let mut node = root;
    'descend: loop {
        if node.is_mapping() && node.span.end == block_end {
            return Some(node);
        }
        for child in node.entries().iter().map(|e| &e.value).chain(node.items()) {
            if child.span.start < block_end && block_end <= child.span.end {
                node = child;
                continue 'descend;
            }
        }
        return None;
    }
}

fn json_node_at(root: &Node, span: Span) -> Option<&Node> {
    let mut node = root;
    'descend: loop {
        if node.span == span {
            return Some(node);
        }
        for child in node.entries().iter().map(|e| &e.value).chain(node.items()) {
            if child.span.contains_span(span) {
                node = child;
                continue 'descend;
            }
        }
        return None;
    }
}

fn json_render(text: &str, doc: &Document, base: usize, ops: &[TOp<'_>]) -> Option<Vec<Edit>> {
    let root = doc.root.as_ref()?;
    let local = |s: Span| Span::new(s.start - base, s.end - base);
    let mut jops: Vec<Op<'_>> = Vec::new();
    for op in ops {
        match op {
            // Terraform JSON has no comments: its `//` properties are
            // documentation, not read as suppressions.
            TOp::Suppress { .. } => return None,
            // A policy in `.tf.json` is a string: not edited inside.
            TOp::AppendElement { .. } => return None,
            TOp::Replace { expr, val } => {
                let node = json_node_at(root, local(expr.span))?;
                if !node.is_scalar() {
                    return None;
                }
                jops.push(Op::Replace {
                    node,
                    value: to_ins(val)?,
                });
            }
            TOp::Set { block, items } => {
                let obj = json_object(root, local(block.span).end)?;
                json_set(obj, items, &mut jops)?;
            }
            TOp::Append { block, item } => {
                let obj = json_object(root, local(block.span).end)?;
                let Item::Block(ident, inner) = item else {
                    return None;
                };
                let value = Ins::Map(items_ins(inner)?);
                match obj.get(ident) {
                    Some(seq) if seq.is_sequence() => jops.push(Op::Append {
                        seq,
                        items: vec![value],
                    }),
                    None => jops.push(Op::Insert {
                        map: obj,
                        after: None,
                        entries: vec![(Cow::Borrowed(*ident), Ins::Seq(vec![value]))],
                    }),
                    Some(_) => return None,
                }
            }
            TOp::NewResource {
                ty, name, items, ..
            } => {
                let resources = root.get("resource").filter(|r| r.is_mapping())?;
                let body = Ins::Map(items_ins(items)?);
                match resources.get(ty) {
                    Some(of_type) if of_type.is_mapping() => jops.push(Op::Insert {
                        map: of_type,
                        after: None,
                        entries: vec![(name.clone().into(), body)],
                    }),
                    Some(_) => return None,
                    None => jops.push(Op::Insert {
                        map: resources,
                        after: None,
                        entries: vec![(
                            Cow::Borrowed(*ty),
                            Ins::Map(vec![(name.clone().into(), body)]),
                        )],
                    }),
                }
            }
        }
    }
    let ctx = edit::Context::new(text, doc);
    edit::render_ops(text, doc, &ctx, &jops)
}

fn json_set<'n>(obj: &'n Node, items: &[Item], ops: &mut Vec<Op<'n>>) -> Option<()> {
    let mut missing = Vec::new();
    for item in items {
        match item {
            Item::Attr { key, val, force } => match obj.get(key) {
                Some(node) => {
                    if !force {
                        continue;
                    }
                    if !node.is_scalar() {
                        return None;
                    }
                    let ins = to_ins(val)?;
                    if node.as_str() == edit::scalar_text(&ins).as_deref() {
                        continue;
                    }
                    ops.push(Op::Replace { node, value: ins });
                }
                None => missing.push(item.clone()),
            },
            Item::Block(ident, inner) => match obj.get(ident) {
                Some(n) if n.is_mapping() => json_set(n, inner, ops)?,
                Some(n) if n.is_sequence() && n.items().len() == 1 => {
                    let only = n.items().first()?;
                    if !only.is_mapping() {
                        return None;
                    }
                    json_set(only, inner, ops)?
                }
                Some(_) => return None,
                None => missing.push(item.clone()),
            },
        }
    }
    if !missing.is_empty() {
        ops.push(Op::Insert {
            map: obj,
            after: None,
            entries: items_ins(&missing)?,
        });
    }
    Some(())
}
