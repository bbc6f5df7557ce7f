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
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;

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
        Renderer {
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
        if ops.is_empty() {
            return None;
        }
        let f = self.module.files.get(file)?;
        let text = *self.texts.get(file)?;
        // Every op must be in `file`.
        for op in &ops {
            let span = match op {
                TOp::Replace { expr, .. } => expr.span,
                TOp::Set { block, .. } | TOp::Append { block, .. } => block.span,
                TOp::NewResource { after, .. } => after.span,
            };
            if self.module.file_at(span.start) != Some(file) {
                return None;
            }
        }
        let edits = match f.role {
            Role::Hcl => {
                let st = self.styles.get(file)?.get_or_init(|| Style::detect(text));
                hcl_render(text, f.base, &ops, st)?
            }
            Role::Json => {
                let doc = self.json.get(file)?.as_ref()?;
                json_render(text, doc, f.base, &ops)?
            }
            Role::Vars => return None,
        };
        (!edits.is_empty()).then_some(edits)
    }

    fn model(&self) -> &Model {
        &self.module.model
    }

    /// The block written at `span` (a block, its header or its identifier), at any depth.
    fn block_at(&self, span: Span) -> Option<&'a Block> {
        let i = self.module.file_at(span.start)?;
        let mut body: &Body = &self.module.files.get(i)?.file.body;
        'descend: loop {
            for b in &body.blocks {
                if b.span == span || b.header_span == span || b.ident_span == span {
                    return Some(b);
                }
            }
            for b in &body.blocks {
                if b.span.contains_span(span) {
                    body = &b.body;
                    continue 'descend;
                }
            }
            return None;
        }
    }

    /// The block holding an attribute whose value is written at `span`, and that value.
    fn attr_value_at(&self, span: Span) -> Option<(&'a Block, &'a Expr)> {
        let i = self.module.file_at(span.start)?;
        let mut body: &Body = &self.module.files.get(i)?.file.body;
        let mut holder: Option<&Block> = None;
        'descend: loop {
            if let Some(h) = holder {
                for a in &h.body.attrs {
                    if a.value.span == span {
                        return Some((h, &a.value));
                    }
                }
            }
            for b in &body.blocks {
                if b.span.contains_span(span) {
                    holder = Some(b);
                    body = &b.body;
                    continue 'descend;
                }
            }
            return None;
        }
    }

    /// The literal expression written at `span` (in attributes, lists, objects).
    fn literal_at(&self, span: Span) -> Option<&'a Expr> {
        let i = self.module.file_at(span.start)?;
        let body: &Body = &self.module.files.get(i)?.file.body;
        let e = find_expr_in_body(body, span)?;
        matches!(
            e.kind,
            ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Number(_)
        )
        .then_some(e)
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
        let bucket = |id: &str| model.buckets.iter().find(|b| b.res.id == id);
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
                if policy.is_some() {
                    return None;
                }
                let (_, name) = self.bucket_for_new(id)?;
                let arn = format!("aws_s3_bucket.{name}.arn");
                let statement = Val::Obj(vec![
                    ("Sid".into(), s("DenyInsecureTransport")),
                    ("Effect".into(), s("Deny")),
                    ("Principal".into(), s("*")),
                    ("Action".into(), s("s3:*")),
                    (
                        "Resource".into(),
                        Val::List(vec![
                            Val::Expr(arn.clone()),
                            Val::Expr(format!("\"${{{arn}}}/*\"")),
                        ]),
                    ),
                    (
                        "Condition".into(),
                        Val::Obj(vec![(
                            "Bool".into(),
                            Val::Obj(vec![("aws:SecureTransport".into(), s("false"))]),
                        )]),
                    ),
                ]);
                let doc = Val::Obj(vec![
                    ("Version".into(), s("2012-10-17")),
                    ("Statement".into(), Val::List(vec![statement])),
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
            SuppressForResource { .. } => None,
        }
    }

    /// The one split resource of type `ty` whose `bucket` references bucket `id`.
    fn split_resource(&self, id: &str, ty: &str) -> Option<&'a Block> {
        let name = id.strip_prefix("aws_s3_bucket.")?;
        let mut found = None;
        for f in &self.module.files {
            for b in &f.file.body.blocks {
                if b.ident != "resource" || b.labels.first().map(|l| l.0.as_str()) != Some(ty) {
                    continue;
                }
                let refers = b.body.attr("bucket").is_some_and(|e| refers_to(e, name));
                if refers {
                    if found.is_some() {
                        return None;
                    }
                    found = Some(b);
                }
            }
        }
        found
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

/// Whether `e` is `aws_s3_bucket.NAME...` (or `"${aws_s3_bucket.NAME...}"`).
fn refers_to(e: &Expr, name: &str) -> bool {
    match &e.kind {
        ExprKind::Traversal { root, ops } => {
            root == "aws_s3_bucket" && matches!(ops.first(), Some(HOp::Attr(n, _)) if n == name)
        }
        ExprKind::Template(parts) if parts.len() == 1 => match &parts[0] {
            crate::syntax::hcl::Part::Interp(x) => refers_to(x, name),
            _ => false,
        },
        _ => false,
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
        }
    }
    Some(edits)
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
    // `=` column of the attributes just before the insertion point.
    let align = match last {
        Some((_, true)) => eq_column(text, base, &block.body),
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

/// The column of `=` shared by the run of single-line attributes that ends
/// the body (0 when they are not aligned, or the body does not end with one).
fn eq_column(text: &str, base: usize, body: &Body) -> usize {
    let mut attrs: Vec<_> = body.attrs.iter().collect();
    attrs.sort_by_key(|a| a.span.start);
    let mut cols = Vec::new();
    let mut prev_line: Option<usize> = None;
    for a in attrs.iter().rev() {
        let start = a.span.start - base;
        let end = a.span.end - base;
        if !edit::same_line(text, start, end) {
            break;
        }
        let line = text[..start.min(text.len())].matches('\n').count();
        if let Some(p) = prev_line {
            if p != line + 1 {
                break;
            }
        }
        prev_line = Some(line);
        let key_end = a.key_span.end - base;
        let Some(rel) = text
            .get(key_end..a.value.span.start - base)
            .and_then(|s| s.find('='))
        else {
            break;
        };
        cols.push(edit::col(text, key_end + rel));
    }
    match cols.first() {
        Some(c) if cols.len() > 1 && cols.iter().all(|x| x == c) => *c,
        _ => 0,
    }
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
                let width = run
                    .iter()
                    .map(|x| match x {
                        Item::Attr { key, .. } => key.len(),
                        Item::Block(..) => 0,
                    })
                    .max()
                    .unwrap_or(0)
                    .max(if first {
                        align.saturating_sub(indent.len() + 1)
                    } else {
                        0
                    });
                if !first {
                    out.lit(st.nl);
                }
                for x in &run {
                    if let Item::Attr { key, val, .. } = x {
                        out.lit(indent);
                        out.lit(key);
                        out.spaces(width - key.len());
                        out.lit(" = ");
                        write_val(out, val, indent, st);
                        out.lit(st.nl);
                    }
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
            let width = keys.iter().map(String::len).max().unwrap_or(0);
            for (k, (_, x)) in keys.iter().zip(entries) {
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
        Val::Expr(e) => Ins::Str(format!("${{{e}}}").into()),
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
        // A policy object in JSON would need a string template; not offered.
        Val::JsonEncode(_) => return None,
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
                    _ => return None,
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
