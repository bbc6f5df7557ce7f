//! Terraform front end: a module (every `.tf` / `.tf.json` file of one
//! folder, plus its `terraform.tfvars` / `*.auto.tfvars`) becomes the same
//! format-neutral [`Model`] the CloudFormation layer builds.
//!
//! **Module address space.** Each file of a module gets a base offset: file
//! `i` occupies `[base_i, base_i + len_i + 1)` of one virtual text, and every
//! span of the model is in that space, so references between files need no
//! file ids. [`Module::locate`] maps a module span back to `(file, local span)`;
//! the analysis layer does so for every finding (and, later, fix edit).
//!
//! Both AWS provider styles are read: v3 settings inline on `aws_s3_bucket`
//! and the v4+ `aws_s3_bucket_*` resources, linked to their bucket through
//! `bucket = aws_s3_bucket.NAME.id` (`.bucket`, `.arn`, an instance such as
//! `[0]`, `each.value.id` under `for_each = aws_s3_bucket.NAME`) or the same
//! literal name. A settings resource whose bucket cannot be resolved may be
//! attached to any bucket: it silences "missing" findings and creates none.

mod eval;
mod policy;
mod registry;

use crate::cfn::credentials;
use crate::model::*;
use crate::suppress::{Scope, Suppression};
use crate::syntax::hcl::{self, Block, Body, Expr, ExprKind, Op};
use crate::syntax::{Comment, SyntaxError};
use crate::text::Span;
use eval::V;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use policy::val_of;

pub use eval::V as Value;

/// How a file takes part in a module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `.tf`
    Hcl,
    /// `.tf.json`
    Json,
    /// `terraform.tfvars`, `*.auto.tfvars` (values for variables)
    Vars,
}

impl Role {
    /// The role of a file by name; `None` for files that are not part of a module.
    pub fn of(path: &str) -> Option<Role> {
        let name = base_name(path).to_ascii_lowercase();
        if name.ends_with(".tf.json") {
            Some(Role::Json)
        } else if name.ends_with(".tf") {
            Some(Role::Hcl)
        } else if name == "terraform.tfvars" || name.ends_with(".auto.tfvars") {
            Some(Role::Vars)
        } else {
            None
        }
    }
}

/// One parsed file of a module, spans in module space.
#[derive(Debug, Clone)]
pub struct ModuleFile {
    pub path: String,
    pub role: Role,
    pub base: usize,
    pub len: usize,
    pub file: hcl::File,
}

/// A module's files and its S3 model.
#[derive(Debug, Clone)]
pub struct Module {
    pub files: Vec<ModuleFile>,
    pub model: Model,
}

impl Module {
    /// Parse and evaluate the files of one module (`(path, text)`; files that
    /// are not Terraform are skipped).
    pub fn build(files: &[(&str, &str)]) -> Module {
        Module::build_cached(files, None)
    }

    /// [`Module::build`], taking the files whose text has not changed
    /// since the last build from `cache` instead of parsing them again.
    pub fn build_cached(files: &[(&str, &str)], cache: Option<&ParseCache>) -> Module {
        let parsed = parse_module_cached(files, cache);
        let texts: Vec<&str> = files
            .iter()
            .filter(|(p, _)| Role::of(p).is_some())
            .map(|(_, t)| *t)
            .collect();
        let model = build(&parsed, &texts);
        Module {
            files: parsed,
            model,
        }
    }

    /// The file holding module offset `at`, and its index.
    pub fn file_at(&self, at: usize) -> Option<usize> {
        self.files
            .iter()
            .position(|f| f.base <= at && at <= f.base + f.len)
    }
    /// `(file index, local span)` of a module span.
    pub fn locate(&self, span: Span) -> Option<(usize, Span)> {
        let i = self.file_at(span.start)?;
        let f = &self.files[i];
        let end = span.end.clamp(span.start, f.base + f.len);
        Some((i, Span::new(span.start - f.base, end - f.base)))
    }
}

fn shift(s: &mut Span, by: usize) {
    s.start += by;
    s.end += by;
}

fn shift_expr(e: &mut Expr, by: usize) {
    shift(&mut e.span, by);
    match &mut e.kind {
        ExprKind::Template(parts) => shift_parts(parts, by),
        ExprKind::Heredoc { parts, body } => {
            shift(body, by);
            shift_parts(parts, by);
        }
        ExprKind::Array(items) => items.iter_mut().for_each(|i| shift_expr(i, by)),
        ExprKind::Object(entries) => {
            for en in entries {
                shift(&mut en.key_span, by);
                shift_expr(&mut en.value, by);
            }
        }
        ExprKind::Traversal { ops, .. } => {
            for op in ops {
                match op {
                    Op::Attr(_, s) => shift(s, by),
                    Op::Index(x) => shift_expr(x, by),
                    Op::Splat => {}
                }
            }
        }
        ExprKind::Call { args, .. } => args.iter_mut().for_each(|a| shift_expr(a, by)),
        ExprKind::Conditional(c) => c.iter_mut().for_each(|x| shift_expr(x, by)),
        ExprKind::Paren(x) => shift_expr(x, by),
        _ => {}
    }
}

fn shift_parts(parts: &mut [hcl::Part], by: usize) {
    for p in parts {
        if let hcl::Part::Interp(x) = p {
            shift_expr(x, by);
        }
    }
}

fn shift_body(b: &mut Body, by: usize) {
    for a in &mut b.attrs {
        shift(&mut a.key_span, by);
        shift(&mut a.span, by);
        shift_expr(&mut a.value, by);
    }
    for bl in &mut b.blocks {
        shift(&mut bl.ident_span, by);
        shift(&mut bl.header_span, by);
        shift(&mut bl.span, by);
        for (_, s) in &mut bl.labels {
            shift(s, by);
        }
        if let Some(j) = &mut bl.json_value {
            shift_expr(j, by);
        }
        shift_body(&mut bl.body, by);
    }
}

/// Parse the files of one module. `files` are `(path, text)`; files that
/// are not Terraform are skipped.
pub fn parse_module(files: &[(&str, &str)]) -> Vec<ModuleFile> {
    parse_module_cached(files, None)
}

/// Parsed files kept between builds of one module (the language server
/// keeps one per open module): editing one file of a module re-parses
/// that file only. Keyed by path, checked by a hash and the length of the
/// text; holds the files of the last build.
#[derive(Debug, Default)]
pub struct ParseCache {
    files: std::sync::Mutex<HashMap<String, Parsed>>,
}

/// A cached parse: the text's hash and length, and the file.
type Parsed = (u64, usize, std::sync::Arc<hcl::File>);

impl ParseCache {
    fn parse(&self, path: &str, role: Role, text: &str) -> hcl::File {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut h);
        let key = (h.finish(), text.len());
        let files = self
            .files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((hash, len, file)) = files.get(path) {
            if (*hash, *len) == key {
                return hcl::File::clone(file);
            }
        }
        drop(files);
        let file = parse_file(role, text);
        let mut files = self
            .files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        files.insert(
            path.to_string(),
            (key.0, key.1, std::sync::Arc::new(file.clone())),
        );
        file
    }

    /// Forget every file but `paths`.
    fn retain(&self, paths: &HashSet<&str>) {
        self.files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .retain(|p, _| paths.contains(p.as_str()));
    }
}

fn parse_file(role: Role, text: &str) -> hcl::File {
    match role {
        Role::Json => hcl::parse_json(text),
        Role::Hcl | Role::Vars => hcl::parse(text),
    }
}

/// [`parse_module`], through `cache` when given.
pub fn parse_module_cached(files: &[(&str, &str)], cache: Option<&ParseCache>) -> Vec<ModuleFile> {
    let mut out = Vec::new();
    let mut base = 0;
    if let Some(c) = cache {
        c.retain(&files.iter().map(|(p, _)| *p).collect());
    }
    for (path, text) in files {
        let Some(role) = Role::of(path) else { continue };
        let mut file = match cache {
            Some(c) => c.parse(path, role, text),
            None => parse_file(role, text),
        };
        shift_body(&mut file.body, base);
        for e in &mut file.errors {
            shift(&mut e.span, base);
        }
        for c in &mut file.comments {
            shift(&mut c.span, base);
        }
        out.push(ModuleFile {
            path: path.to_string(),
            role,
            base,
            len: text.len(),
            file,
        });
        base += text.len() + 1;
    }
    out
}

/// What expressions refer to, across the module.
pub struct Env<'a> {
    vars: HashMap<&'a str, &'a Expr>,
    tfvars: HashMap<&'a str, &'a Expr>,
    locals: HashMap<&'a str, &'a Expr>,
    policy_data: HashMap<&'a str, &'a Block>,
    /// Names of the module calls of `terraform-aws-modules/s3-bucket/aws`.
    bucket_modules: HashSet<&'a str>,
    texts: Vec<(usize, &'a str)>,
}

impl<'a> Env<'a> {
    fn var(&self, name: &str) -> Option<&'a Expr> {
        self.tfvars
            .get(name)
            .or_else(|| self.vars.get(name))
            .copied()
    }
    fn text_at(&self, span: Span) -> Option<&'a str> {
        let (base, text) = self
            .texts
            .iter()
            .find(|(b, t)| *b <= span.start && span.end <= b + t.len())?;
        text.get(span.start - base..span.end - base)
    }
}

fn unknown_val(span: Span) -> Val {
    Val {
        lit: Lit::Unknown,
        span,
        via: None,
        literal: false,
    }
}

/// A resource block: `resource "TYPE" "NAME" { ... }`.
struct Resource<'a> {
    ty: &'a str,
    name: &'a str,
    block: &'a Block,
}

impl Resource<'_> {
    fn id(&self) -> String {
        format!("{}.{}", self.ty, self.name)
    }
    fn res(&self) -> Res {
        Res {
            id: self.id(),
            id_span: self.block.header_span,
            span: self.block.span,
            kind: self.ty.to_string(),
            kind_span: self
                .block
                .labels
                .first()
                .map_or(self.block.header_span, |l| l.1),
        }
    }
}

/// The settings of a bucket that a split resource can supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Setting {
    Pab,
    Acl,
    Ownership,
    Encryption,
    Logging,
    Versioning,
    Lifecycle,
    ObjectLock,
    Cors,
    Website,
    Metrics,
    Inventory,
}

impl<'a> Env<'a> {
    fn sval(&self, body: &Body, key: &str) -> Field<Val> {
        match body.attr(key) {
            None => Field::absent(),
            Some(e) => match val_of(&self.eval(e)) {
                Some(v) => Field::set(v),
                None => Field::absent(),
            },
        }
    }

    /// Items of a string-list attribute.
    fn vlist(&self, body: &Body, key: &str) -> Vec<Item<Val>> {
        let Some(e) = body.attr(key) else {
            return Vec::new();
        };
        let v = self.eval(e);
        let items: Vec<V> = match v {
            V::List(items, _) => items,
            V::Null(_) => Vec::new(),
            other => vec![other],
        };
        items
            .iter()
            .filter_map(val_of)
            .map(|value| Item {
                when: When::always(),
                value,
            })
            .collect()
    }

    /// What a `bucket` argument designates. `each` is the `for_each` of the
    /// resource holding it.
    fn target(&self, e: &Expr, each: Option<&Expr>) -> Target {
        match &e.kind {
            ExprKind::Traversal { root, ops } if root == "module" => {
                match registry::output_target(root, ops, |n| self.bucket_modules.contains(n)) {
                    Some(id) => Target::Resource(id),
                    None => Target::Unknown,
                }
            }
            ExprKind::Traversal { root, ops } if root == "aws_s3_bucket" => match ops.first() {
                Some(Op::Attr(name, _)) => Target::Resource(format!("aws_s3_bucket.{name}")),
                _ => Target::Unknown,
            },
            ExprKind::Traversal { root, ops } if root == "each" => {
                let is_value_or_key =
                    matches!(ops.first(), Some(Op::Attr(k, _)) if k == "value" || k == "key");
                match (is_value_or_key, each) {
                    (true, Some(fe)) => match &fe.kind {
                        ExprKind::Traversal { root, ops }
                            if root == "aws_s3_bucket" && ops.len() == 1 =>
                        {
                            self.target(fe, None)
                        }
                        _ => Target::Unknown,
                    },
                    _ => Target::Unknown,
                }
            }
            ExprKind::Template(parts) if parts.len() == 1 => match &parts[0] {
                hcl::Part::Interp(x) => self.target(x, each),
                _ => Target::Unknown,
            },
            ExprKind::Paren(x) => self.target(x, each),
            _ => match self.eval(e) {
                V::Str { s, .. } if !s.is_empty() => {
                    // An ARN names the bucket too.
                    let name = s.strip_prefix("arn:aws:s3:::").unwrap_or(&s);
                    Target::Name(name.to_string())
                }
                _ => Target::Unknown,
            },
        }
    }

    /// The resource (`TYPE.NAME`) an expression such as `aws_sqs_queue.q.arn` names.
    fn referenced_resource(&self, e: &Expr) -> Option<String> {
        match &e.kind {
            ExprKind::Traversal { root, ops } => match ops.first() {
                Some(Op::Attr(name, _)) if root.starts_with("aws_") => {
                    Some(format!("{root}.{name}"))
                }
                _ => None,
            },
            ExprKind::Template(parts) if parts.len() == 1 => match &parts[0] {
                hcl::Part::Interp(x) => self.referenced_resource(x),
                _ => None,
            },
            _ => None,
        }
    }

    fn pab(&self, span: Span, body: &Body) -> PublicAccessBlock {
        PublicAccessBlock {
            span,
            flags: PabFlag::ALL.map(|f| self.sval(body, f.tf_name())),
        }
    }

    fn sse_rules(&self, body: &Body) -> Vec<Item<SseRule>> {
        let mut out = Vec::new();
        for r in body.blocks("rule") {
            let rule = match r.body.block("apply_server_side_encryption_by_default") {
                Some(d) => SseRule {
                    span: d.span,
                    algorithm: self.sval(&d.body, "sse_algorithm"),
                    kms_key: self.sval(&d.body, "kms_master_key_id"),
                },
                None => SseRule {
                    span: r.span,
                    algorithm: Field::absent(),
                    kms_key: Field::absent(),
                },
            };
            out.push(always(rule));
        }
        if body.blocks("dynamic").next().is_some() {
            out.push(always(SseRule {
                span: body_span(body),
                algorithm: Field::set(unknown_val(body_span(body))),
                kms_key: Field::set(unknown_val(body_span(body))),
            }));
        }
        out
    }

    fn transition(&self, t: &Block, days_key: &str) -> Transition {
        Transition {
            span: t.span,
            storage_class: self.sval(&t.body, "storage_class"),
            days: self.sval(&t.body, days_key),
        }
    }

    /// A lifecycle rule, v4 (`status`) or v3 (`enabled`).
    fn lifecycle_rule(&self, r: &Block, v3: bool) -> LifecycleRule {
        let b = &r.body;
        let status = if v3 {
            match b.attr("enabled") {
                None => Field::absent(),
                Some(e) => match self.eval(e) {
                    V::Str { s, span, via, .. } => Field::set(Val {
                        lit: Lit::Str(if s == "true" { "Enabled" } else { "Disabled" }.to_string()),
                        span,
                        via,
                        literal: false,
                    }),
                    V::Null(_) => Field::absent(),
                    other => Field::set(unknown_val(other.span())),
                },
            }
        } else {
            self.sval(b, "status")
        };
        let (nc_exp, nc_days) = if v3 {
            ("noncurrent_version_expiration", "days")
        } else {
            ("noncurrent_version_expiration", "noncurrent_days")
        };
        let dynamic = b.blocks("dynamic").next().is_some();
        LifecycleRule {
            span: r.span,
            id: self.sval(b, "id"),
            status,
            transitions: b
                .blocks("transition")
                .map(|t| always(self.transition(t, "days")))
                .collect(),
            expiration_days: b
                .block("expiration")
                .map_or(Field::absent(), |x| self.sval(&x.body, "days")),
            expires_noncurrent: dynamic || b.block(nc_exp).is_some(),
            noncurrent_transitions: b
                .blocks("noncurrent_version_transition")
                .map(|t| always(self.transition(t, nc_days)))
                .collect(),
        }
    }

    fn cors_rules(&self, body: &Body) -> Vec<Item<CorsRule>> {
        let mut out: Vec<Item<CorsRule>> = body
            .blocks("cors_rule")
            .map(|r| {
                always(CorsRule {
                    span: r.span,
                    origins: self.vlist(&r.body, "allowed_origins"),
                    methods: self.vlist(&r.body, "allowed_methods"),
                    headers: self.vlist(&r.body, "allowed_headers"),
                    exposed: self.vlist(&r.body, "expose_headers"),
                })
            })
            .collect();
        if out.is_empty() && body.blocks("dynamic").next().is_some() {
            let s = body_span(body);
            let u = vec![always(unknown_val(s))];
            out.push(always(CorsRule {
                span: s,
                origins: u.clone(),
                methods: u.clone(),
                headers: u.clone(),
                exposed: u,
            }));
        }
        out
    }

    fn retention(&self, lock_rule: Option<&Block>) -> Field<Retention> {
        match lock_rule.and_then(|r| r.body.block("default_retention")) {
            Some(d) => Field::set(Retention {
                span: d.span,
                mode: self.sval(&d.body, "mode"),
                days: self.sval(&d.body, "days"),
                years: self.sval(&d.body, "years"),
            }),
            None => Field::absent(),
        }
    }

    /// Routing rules written as a JSON string (`routing_rules`).
    fn json_routing_rules(&self, e: &Expr) -> Vec<Item<Redirect>> {
        let Some(V::List(rules, _)) = self.json_value(e, 0) else {
            return vec![always(Redirect {
                span: e.span,
                protocol: Field::set(unknown_val(e.span)),
            })];
        };
        rules
            .iter()
            .filter_map(|r| r.get("Redirect"))
            .map(|r| {
                always(Redirect {
                    span: r.span(),
                    protocol: match r.get("Protocol").and_then(val_of) {
                        Some(v) => Field::set(v),
                        None => Field::absent(),
                    },
                })
            })
            .collect()
    }

    fn website_v4(&self, span: Span, b: &Body) -> Website {
        let mut routing: Vec<Item<Redirect>> = b
            .blocks("routing_rule")
            .filter_map(|r| r.body.block("redirect"))
            .map(|x| {
                always(Redirect {
                    span: x.span,
                    protocol: self.sval(&x.body, "protocol"),
                })
            })
            .collect();
        if let Some(e) = b.attr("routing_rules") {
            routing.extend(self.json_routing_rules(e));
        }
        Website {
            span,
            redirect_all: match b.block("redirect_all_requests_to") {
                Some(x) => Field::set(Redirect {
                    span: x.span,
                    protocol: self.sval(&x.body, "protocol"),
                }),
                None => Field::absent(),
            },
            routing_redirects: routing,
        }
    }

    fn website_v3(&self, w: &Block) -> Website {
        let b = &w.body;
        let redirect_all = match b.attr("redirect_all_requests_to") {
            None => Field::absent(),
            Some(e) => {
                let protocol = match self.eval(e) {
                    // A literal URL may be rewritten by the fix (to `https://`).
                    V::Str {
                        s,
                        span,
                        via,
                        literal,
                    } => {
                        let p = s.split_once("://").map(|(p, _)| p.to_ascii_lowercase());
                        match p {
                            Some(p) => Field::set(Val {
                                lit: Lit::Str(p),
                                span,
                                via,
                                literal,
                            }),
                            None => Field::absent(),
                        }
                    }
                    V::Null(_) => Field::absent(),
                    other => Field::set(unknown_val(other.span())),
                };
                Field::set(Redirect {
                    span: e.span,
                    protocol,
                })
            }
        };
        Website {
            span: w.ident_span,
            redirect_all,
            routing_redirects: b
                .attr("routing_rules")
                .map(|e| self.json_routing_rules(e))
                .unwrap_or_default(),
        }
    }

    /// The bucket and everything written inline on it (provider v3 style and v4 attributes).
    fn bucket(&self, r: &Resource) -> Bucket {
        let mut bk = Bucket::new(r.res());
        let b = &r.block.body;
        bk.name = self.sval(b, "bucket");
        if bk.name.alts.is_empty() && b.attr("bucket_prefix").is_some() {
            bk.name = Field::set(unknown_val(r.block.header_span));
        }
        bk.acl = self.sval(b, "acl");
        for g in b.blocks("grant") {
            bk.grants.push(always(Grant {
                span: g.span,
                grantee_uri: self.sval(&g.body, "uri"),
            }));
        }
        if let Some(e) = b.attr("tags") {
            let present = match self.eval(e) {
                V::Null(_) => false,
                V::Obj(entries, _) => !entries.is_empty(),
                _ => true,
            };
            if present {
                bk.tags = Field::set(b.attr_entry("tags").map_or(e.span, |a| a.key_span));
            }
        }
        if let Some(v) = b.block("versioning") {
            let status = match v.body.attr("enabled") {
                None => Field::absent(),
                Some(e) => match self.eval(e) {
                    // A literal `enabled = false` may be replaced by the
                    // fix (it sets `enabled = true`).
                    V::Str {
                        s,
                        span,
                        via,
                        literal,
                    } => Field::set(Val {
                        lit: Lit::Str(
                            if s == "true" { "Enabled" } else { "Suspended" }.to_string(),
                        ),
                        span,
                        via,
                        literal,
                    }),
                    V::Null(_) => Field::absent(),
                    other => Field::set(unknown_val(other.span())),
                },
            };
            bk.versioning = Field::set(Versioning {
                span: v.ident_span,
                status,
            });
        }
        if let Some(l) = b.block("logging") {
            bk.logging = Field::set(self.logging(l.ident_span, &l.body, None));
        }
        if let Some(s) = b.block("server_side_encryption_configuration") {
            bk.encryption = Field::set(Encryption {
                span: s.ident_span,
                rules: self.sse_rules(&s.body),
            });
        }
        let rules: Vec<Item<LifecycleRule>> = b
            .blocks("lifecycle_rule")
            .map(|r| always(self.lifecycle_rule(r, true)))
            .collect();
        if let Some(first) = b.block("lifecycle_rule") {
            bk.lifecycle = Field::set(Lifecycle {
                span: first.ident_span,
                rules,
            });
        }
        let cors = self.cors_rules(b);
        if !cors.is_empty() {
            bk.cors = Field::set(cors);
        }
        if let Some(w) = b.block("website") {
            bk.website = Field::set(self.website_v3(w));
        }
        bk.object_lock_enabled = self.sval(b, "object_lock_enabled");
        if let Some(o) = b.block("object_lock_configuration") {
            if let Some(e) = o.body.attr("object_lock_enabled") {
                if let Some(v) = val_of(&self.eval(e)) {
                    let on = match v.str() {
                        Some("Enabled") => Lit::Str("true".into()),
                        Some(_) => Lit::Str("false".into()),
                        None => Lit::Unknown,
                    };
                    bk.object_lock_enabled.alts.push(Alt {
                        when: When::always(),
                        value: Some(Val { lit: on, ..v }),
                    });
                }
            }
            if o.body.block("rule").is_some() {
                bk.object_lock = Field::set(ObjectLock {
                    span: o.ident_span,
                    retention: self.retention(o.body.block("rule")),
                });
            }
        }
        if b.blocks("dynamic").next().is_some() {
            // Inline blocks written with `dynamic`: treat them as configured, unknown.
            for d in b.blocks("dynamic") {
                let Some((name, _)) = d.labels.first() else {
                    continue;
                };
                let s = d.span;
                match name.as_str() {
                    "versioning" => {
                        bk.versioning = Field::set(Versioning {
                            span: s,
                            status: Field::set(unknown_val(s)),
                        })
                    }
                    "logging" => bk.logging = Field::set(unknown_logging(s)),
                    "server_side_encryption_configuration" => {
                        bk.encryption = Field::set(unknown_encryption(s))
                    }
                    "lifecycle_rule" => bk.lifecycle = Field::set(unknown_lifecycle(s)),
                    "website" => {
                        bk.website = Field::set(Website {
                            span: s,
                            redirect_all: Field::absent(),
                            routing_redirects: Vec::new(),
                        })
                    }
                    _ => {}
                }
            }
        }
        bk
    }

    fn logging(&self, span: Span, b: &Body, each: Option<&Expr>) -> Logging {
        Logging {
            span,
            destination: self.sval(b, "target_bucket"),
            destination_target: b.attr("target_bucket").map(|e| self.target(e, each)),
        }
    }
}

fn body_span(b: &Body) -> Span {
    let spans = b
        .attrs
        .iter()
        .map(|a| a.span)
        .chain(b.blocks.iter().map(|x| x.span));
    spans.reduce(Span::cover).unwrap_or_default()
}

fn always<T>(value: T) -> Item<T> {
    Item {
        when: When::always(),
        value,
    }
}

fn unknown_logging(s: Span) -> Logging {
    Logging {
        span: s,
        destination: Field::set(unknown_val(s)),
        destination_target: Some(Target::Unknown),
    }
}

fn unknown_encryption(s: Span) -> Encryption {
    Encryption {
        span: s,
        rules: vec![always(SseRule {
            span: s,
            algorithm: Field::set(unknown_val(s)),
            kms_key: Field::set(unknown_val(s)),
        })],
    }
}

fn unknown_lifecycle(s: Span) -> Lifecycle {
    Lifecycle {
        span: s,
        rules: vec![always(LifecycleRule {
            span: s,
            id: Field::set(unknown_val(s)),
            status: Field::set(unknown_val(s)),
            transitions: Vec::new(),
            expiration_days: Field::absent(),
            expires_noncurrent: true,
            noncurrent_transitions: Vec::new(),
        })],
    }
}

/// Give `b` an unknown value for `setting` where it has none (a settings
/// resource with an unresolvable bucket may be its own).
fn assume_unknown(b: &mut Bucket, setting: Setting, s: Span) {
    let u = unknown_val(s);
    match setting {
        Setting::Pab if b.public_access_block.alts.is_empty() => {
            b.public_access_block = Field::set(PublicAccessBlock {
                span: s,
                flags: PabFlag::ALL.map(|_| Field::set(u.clone())),
            })
        }
        Setting::Acl => {}
        Setting::Ownership if b.ownership.alts.is_empty() => {
            b.ownership = Field::set(vec![always(u)])
        }
        Setting::Encryption if b.encryption.alts.is_empty() => {
            b.encryption = Field::set(unknown_encryption(s))
        }
        Setting::Logging if b.logging.alts.is_empty() => b.logging = Field::set(unknown_logging(s)),
        Setting::Versioning if b.versioning.alts.is_empty() => {
            b.versioning = Field::set(Versioning {
                span: s,
                status: Field::set(u),
            })
        }
        Setting::Lifecycle if b.lifecycle.alts.is_empty() => {
            b.lifecycle = Field::set(unknown_lifecycle(s))
        }
        Setting::ObjectLock if b.object_lock_enabled.alts.is_empty() => {
            b.object_lock_enabled = Field::set(u)
        }
        Setting::Metrics if b.metrics.alts.is_empty() => b.metrics = Field::set(s),
        Setting::Inventory if b.inventory.alts.is_empty() => b.inventory = Field::set(s),
        _ => {}
    }
}

/// Build the S3 model of a parsed module, with the suppressions that cover
/// whole blocks.
pub fn build(files: &[ModuleFile], texts: &[&str]) -> Model {
    let mut env = Env {
        vars: HashMap::new(),
        tfvars: HashMap::new(),
        locals: HashMap::new(),
        policy_data: HashMap::new(),
        bucket_modules: HashSet::new(),
        texts: files.iter().zip(texts).map(|(f, t)| (f.base, *t)).collect(),
    };
    let mut resources: Vec<Resource> = Vec::new();
    let mut providers: Vec<&Block> = Vec::new();
    let mut module_calls: Vec<&Block> = Vec::new();
    for f in files {
        if f.role == Role::Vars {
            for a in &f.file.body.attrs {
                env.tfvars.insert(a.key.as_str(), &a.value);
            }
            continue;
        }
        for b in &f.file.body.blocks {
            match (b.ident.as_str(), b.labels.as_slice()) {
                ("variable", [(name, _)]) => {
                    if let Some(d) = b.body.attr("default") {
                        env.vars.insert(name.as_str(), d);
                    }
                }
                ("locals", []) => {
                    for a in &b.body.attrs {
                        env.locals.insert(a.key.as_str(), &a.value);
                    }
                    // JSON locals whose values are objects come out as blocks.
                    for x in &b.body.blocks {
                        if let Some(j) = &x.json_value {
                            env.locals.insert(x.ident.as_str(), j);
                        }
                    }
                }
                ("data", [(ty, _), (name, _)]) if ty == "aws_iam_policy_document" => {
                    env.policy_data.insert(name.as_str(), b);
                }
                ("resource", [(ty, _), (name, _)]) => {
                    resources.push(Resource { ty, name, block: b })
                }
                ("provider", [(name, _)]) if name == "aws" => providers.push(b),
                ("module", [_]) => module_calls.push(b),
                _ => {}
            }
        }
    }

    let calls: Vec<registry::Call> = module_calls
        .iter()
        .filter_map(|b| registry::call(&env, b))
        .filter(|c| c.creates_bucket(&env))
        .collect();
    for c in &calls {
        env.bucket_modules.insert(c.name);
    }

    let mut model = Model::default();

    for r in resources.iter().filter(|r| r.ty == "aws_s3_bucket") {
        model.buckets.push(env.bucket(r));
    }
    // Buckets created through the registry module.
    for c in &calls {
        let (bucket, policy) = c.bucket(&env);
        model.buckets.push(bucket);
        model.policies.extend(policy);
    }
    let mut unresolved: Vec<(Setting, Span)> = Vec::new();

    for r in &resources {
        let b = &r.block.body;
        let each = b.attr("for_each");
        let header = r.block.header_span;
        let target = b
            .attr("bucket")
            .map_or(Target::Unknown, |e| env.target(e, each));
        let setting = match r.ty {
            "aws_s3_bucket_public_access_block" => Some(Setting::Pab),
            "aws_s3_bucket_acl" => Some(Setting::Acl),
            "aws_s3_bucket_ownership_controls" => Some(Setting::Ownership),
            "aws_s3_bucket_server_side_encryption_configuration" => Some(Setting::Encryption),
            "aws_s3_bucket_logging" => Some(Setting::Logging),
            "aws_s3_bucket_versioning" => Some(Setting::Versioning),
            "aws_s3_bucket_lifecycle_configuration" => Some(Setting::Lifecycle),
            "aws_s3_bucket_object_lock_configuration" => Some(Setting::ObjectLock),
            "aws_s3_bucket_cors_configuration" => Some(Setting::Cors),
            "aws_s3_bucket_website_configuration" => Some(Setting::Website),
            "aws_s3_bucket_metric" => Some(Setting::Metrics),
            "aws_s3_bucket_inventory" => Some(Setting::Inventory),
            _ => None,
        };
        if let Some(setting) = setting {
            // The buckets this resource configures.
            let targets: Vec<usize> = match &target {
                Target::Unknown => {
                    unresolved.push((setting, header));
                    Vec::new()
                }
                t => model
                    .buckets
                    .iter()
                    .enumerate()
                    .filter(|(_, bk)| model.targets(t, bk))
                    .map(|(i, _)| i)
                    .collect(),
            };
            for i in targets {
                let Some(bk) = model.buckets.get_mut(i) else {
                    continue;
                };
                apply_setting(&env, bk, setting, r, each);
            }
            continue;
        }
        match r.ty {
            "aws_s3_bucket_policy" => {
                let document = b.attr("policy").and_then(|e| env.policy_document(e));
                model.policies.push(Policy {
                    res: r.res(),
                    kind: PolicyKind::Bucket,
                    bucket: target,
                    document,
                });
            }
            "aws_s3_bucket_notification" => {
                let targets: Vec<usize> = model
                    .buckets
                    .iter()
                    .enumerate()
                    .filter(|(_, bk)| model.targets(&target, bk))
                    .map(|(i, _)| i)
                    .collect();
                let mut notes = Vec::new();
                for (key, field, kind) in [
                    ("queue", "queue_arn", NotificationKind::Queue),
                    ("topic", "topic_arn", NotificationKind::Topic),
                    (
                        "lambda_function",
                        "lambda_function_arn",
                        NotificationKind::Lambda,
                    ),
                ] {
                    for n in b.blocks(key) {
                        notes.push(always(Notification {
                            span: n.span,
                            kind,
                            target: env.sval(&n.body, field),
                            target_ref: n.body.attr(field).and_then(|e| env.referenced_resource(e)),
                        }));
                    }
                }
                for i in targets {
                    if let Some(bk) = model.buckets.get_mut(i) {
                        bk.notifications.extend(notes.iter().cloned());
                    }
                }
            }
            "aws_s3_access_point" => {
                let ap = AccessPoint {
                    res: r.res(),
                    kind: AccessPointKind::Regional,
                    bucket: match b.attr("bucket") {
                        Some(_) => Field::set(target.clone()),
                        None => Field::absent(),
                    },
                    bucket_span: b.attr("bucket").map(|e| e.span),
                    name: env.sval(b, "name"),
                    public_access_block: match b.block("public_access_block_configuration") {
                        Some(p) => Field::set(env.pab(p.ident_span, &p.body)),
                        None => Field::absent(),
                    },
                    vpc_id: b
                        .block("vpc_configuration")
                        .map_or(Field::absent(), |v| env.sval(&v.body, "vpc_id")),
                    vpc_unknown: b
                        .blocks("dynamic")
                        .any(|d| d.labels.first().is_some_and(|l| l.0 == "vpc_configuration")),
                };
                if let Some(doc) = b.attr("policy").and_then(|e| env.policy_document(e)) {
                    model.policies.push(Policy {
                        res: r.res(),
                        kind: PolicyKind::AccessPoint,
                        bucket: target.clone(),
                        document: Some(doc),
                    });
                }
                model.access_points.push(ap);
            }
            "aws_s3control_access_point_policy" => {
                if let Some(doc) = b.attr("policy").and_then(|e| env.policy_document(e)) {
                    model.policies.push(Policy {
                        res: r.res(),
                        kind: PolicyKind::AccessPoint,
                        bucket: Target::Unknown,
                        document: Some(doc),
                    });
                }
            }
            "aws_s3_account_public_access_block" => {
                model.account_public_access_block = Some(env.pab(header, b));
            }
            "aws_cloudtrail" => model.trails.push(Trail {
                res: r.res(),
                s3_data_events: trail_data_events(&env, b),
            }),
            "aws_sqs_queue" | "aws_sns_topic" => {
                let kms = env.sval(b, "kms_master_key_id");
                let managed = env.sval(b, "sqs_managed_sse_enabled");
                let encrypted = kms.is_present_somewhere()
                    || managed.values().any(|(v, _)| v.bool() != Some(false));
                model.messaging.push(MessagingTarget {
                    res: r.res(),
                    kind: if r.ty == "aws_sqs_queue" {
                        TargetKind::Queue
                    } else {
                        TargetKind::Topic
                    },
                    encrypted: Some(encrypted),
                });
            }
            _ => {}
        }
    }

    // The inline policy of a v3 bucket.
    for r in resources.iter().filter(|r| r.ty == "aws_s3_bucket") {
        if let Some(e) = r.block.body.attr("policy") {
            if matches!(env.eval(e), V::Null(_)) {
                continue;
            }
            model.policies.push(Policy {
                res: r.res(),
                kind: PolicyKind::Bucket,
                bucket: Target::Resource(r.id()),
                document: env.policy_document(e),
            });
        }
    }

    if !unresolved.is_empty() {
        for bk in &mut model.buckets {
            for (setting, span) in &unresolved {
                assume_unknown(bk, *setting, *span);
            }
        }
    }

    // Provider-level default tags tag every bucket.
    let default_tags = providers.iter().find_map(|p| {
        p.body
            .block("default_tags")
            .filter(|d| d.body.attr("tags").is_some())
            .map(|d| d.ident_span)
    });
    if let Some(s) = default_tags {
        for bk in &mut model.buckets {
            if bk.tags.alts.is_empty() {
                bk.tags = Field::set(s);
            }
        }
    }

    // Literal credentials: anywhere in the text, and provider keys.
    for (f, text) in files.iter().zip(texts) {
        if f.role == Role::Vars {
            continue;
        }
        for mut c in credentials::scan(text) {
            shift(&mut c.span, f.base);
            model.credentials.push(c);
        }
    }
    for p in &providers {
        for (key, what) in [
            ("access_key", "a literal access key in provider `aws`"),
            ("secret_key", "a literal secret key in provider `aws`"),
        ] {
            if let Some(e) = p.body.attr(key) {
                if matches!(e.kind, ExprKind::Str(_)) {
                    let s = e.span;
                    if !model
                        .credentials
                        .iter()
                        .any(|c| c.span.start < s.end && s.start < c.span.end)
                    {
                        model.credentials.push(Credential {
                            span: s,
                            what: what.to_string(),
                        });
                    }
                }
            }
        }
    }
    model
}

fn apply_setting(env: &Env, bk: &mut Bucket, setting: Setting, r: &Resource, each: Option<&Expr>) {
    let b = &r.block.body;
    let header = r.block.header_span;
    match setting {
        Setting::Pab => push(&mut bk.public_access_block, env.pab(header, b)),
        Setting::Acl => {
            for (_, v) in env.sval(b, "acl").values().map(|(v, w)| (w, v.clone())) {
                push(&mut bk.acl, v);
            }
            for acp in b.blocks("access_control_policy") {
                for g in acp.body.blocks("grant") {
                    let uri = g
                        .body
                        .block("grantee")
                        .map_or(Field::absent(), |x| env.sval(&x.body, "uri"));
                    bk.grants.push(always(Grant {
                        span: g.span,
                        grantee_uri: uri,
                    }));
                }
            }
        }
        Setting::Ownership => {
            let mut items: Vec<Item<Val>> = b
                .blocks("rule")
                .flat_map(|x| {
                    env.sval(&x.body, "object_ownership")
                        .values()
                        .map(|(v, _)| always(v.clone()))
                        .collect::<Vec<_>>()
                })
                .collect();
            if b.blocks("dynamic").next().is_some() {
                items.push(always(unknown_val(header)));
            }
            push(&mut bk.ownership, items);
        }
        Setting::Encryption => push(
            &mut bk.encryption,
            Encryption {
                span: header,
                rules: env.sse_rules(b),
            },
        ),
        Setting::Logging => push(&mut bk.logging, env.logging(header, b, each)),
        Setting::Versioning => {
            let status = b
                .block("versioning_configuration")
                .map_or(Field::absent(), |v| env.sval(&v.body, "status"));
            let dynamic = b.blocks("dynamic").next().is_some();
            push(
                &mut bk.versioning,
                Versioning {
                    span: header,
                    status: if dynamic {
                        Field::set(unknown_val(header))
                    } else {
                        status
                    },
                },
            )
        }
        Setting::Lifecycle => {
            let mut rules: Vec<Item<LifecycleRule>> = b
                .blocks("rule")
                .map(|x| always(env.lifecycle_rule(x, false)))
                .collect();
            if b.blocks("dynamic").next().is_some() {
                rules.extend(unknown_lifecycle(header).rules);
            }
            push(
                &mut bk.lifecycle,
                Lifecycle {
                    span: header,
                    rules,
                },
            )
        }
        Setting::ObjectLock => push(
            &mut bk.object_lock,
            ObjectLock {
                span: header,
                retention: env.retention(b.block("rule")),
            },
        ),
        Setting::Cors => push(&mut bk.cors, env.cors_rules(b)),
        Setting::Website => push(&mut bk.website, env.website_v4(header, b)),
        Setting::Metrics => push(&mut bk.metrics, header),
        Setting::Inventory => push(&mut bk.inventory, header),
    }
}

fn push<T>(f: &mut Field<T>, v: T) {
    f.alts.push(Alt {
        when: When::always(),
        value: Some(v),
    });
}

fn trail_data_events(env: &Env, b: &Body) -> Option<bool> {
    if b.blocks("dynamic").next().is_some() {
        return None;
    }
    let mut found = Some(false);
    let mut note = |v: Option<bool>| match (found, v) {
        (Some(true), _) => {}
        (_, Some(true)) => found = Some(true),
        (_, None) => found = None,
        _ => {}
    };
    for sel in b.blocks("event_selector") {
        for dr in sel.body.blocks("data_resource") {
            match dr.body.attr("type").map(|e| env.eval(e)) {
                Some(V::Str { s, .. }) => note(Some(s == "AWS::S3::Object")),
                Some(_) => note(None),
                None => {}
            }
        }
    }
    for sel in b.blocks("advanced_event_selector") {
        for fs in sel.body.blocks("field_selector") {
            let field = fs.body.attr("field").map(|e| env.eval(e));
            if field.as_ref().and_then(V::str) == Some("resources.type") {
                match fs.body.attr("equals").map(|e| env.eval(e)) {
                    Some(V::List(items, _)) => {
                        if items.iter().any(|i| i.str() == Some("AWS::S3::Object")) {
                            note(Some(true));
                        } else if items.iter().any(|i| i.str().is_none()) {
                            note(None);
                        }
                    }
                    Some(_) => note(None),
                    None => {}
                }
            }
        }
    }
    found
}

/// The suppression comments of one HCL file (`text` is the file's own
/// text; spans are local to it). A comment on a top-level block's header
/// line, or on the line above it, covers the whole block.
pub fn suppressions(
    f: &ModuleFile,
    text: &str,
    index: &crate::text::LineIndex,
) -> Vec<Suppression> {
    let local: Vec<Span> = f
        .file
        .comments
        .iter()
        .map(|c: &Comment| Span::new(c.span.start - f.base, c.span.end - f.base))
        .collect();
    if !crate::suppress::any_marker(text, &local) {
        return Vec::new();
    }
    let mut found = crate::suppress::from_comments(text, index, &local);
    for s in &mut found {
        let Scope::Line(line) = s.scope else { continue };
        for b in &f.file.body.blocks {
            let header_line = index.line_of(b.header_span.start - f.base);
            if header_line == line || header_line == line + 1 {
                s.scope = Scope::Block(Span::new(b.span.start - f.base, b.span.end - f.base));
                break;
            }
        }
    }
    found
}

/// The syntax errors of a module's files.
pub fn errors(files: &[ModuleFile]) -> impl Iterator<Item = (usize, &SyntaxError)> {
    files
        .iter()
        .enumerate()
        .flat_map(|(i, f)| f.file.errors.iter().map(move |e| (i, e)))
}

/// The last component of a path written with `/` or `\\`.
fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// True for Terraform's override files (`override.tf`, `*_override.tf`
/// and their `.tf.json` forms), whose blocks are merged into the blocks of
/// the same address instead of declaring them again.
pub fn is_override(path: &str) -> bool {
    let name = base_name(path).to_ascii_lowercase();
    let stem = name
        .strip_suffix(".tf.json")
        .or_else(|| name.strip_suffix(".tf"))
        .unwrap_or(&name);
    stem == "override" || stem.ends_with("_override")
}

/// A declaration: what it is, its address as a key, the address as
/// written, and where.
type Decl<'a> = (&'static str, (&'static str, &'a str, &'a str), String, Span);

/// The number of labels Terraform requires on a top-level block, for the
/// blocks that declare an address.
fn label_count(ident: &str) -> Option<usize> {
    match ident {
        "resource" | "data" => Some(2),
        "module" | "variable" | "output" => Some(1),
        "locals" => Some(0),
        _ => None,
    }
}

/// Declarations Terraform refuses, one error each: a block with the wrong
/// number of labels (`resource "aws_s3_bucket" {`, or a third label), and
/// an address an earlier declaration already has (a resource or data
/// source `TYPE.NAME`, a module call, a variable, an output, a local
/// value), on the repeat's header (a local value: its name), naming the
/// file of the first. Files are read in the order Terraform loads them (by
/// name); override files are left out of the repeats.
pub fn declaration_errors(files: &[ModuleFile]) -> Vec<(usize, SyntaxError)> {
    let mut out = Vec::new();
    for (i, f) in files.iter().enumerate() {
        if f.role == Role::Vars {
            continue;
        }
        for b in &f.file.body.blocks {
            let Some(want) = label_count(&b.ident) else {
                continue;
            };
            if b.labels.len() != want {
                let what = match want {
                    0 => "no labels".to_string(),
                    1 => "one label (its name)".to_string(),
                    _ => "two labels (type and name)".to_string(),
                };
                out.push((
                    i,
                    SyntaxError {
                        span: b.header_span,
                        message: format!(
                            "a `{}` block takes {what}, this one has {}",
                            b.ident,
                            b.labels.len()
                        ),
                    },
                ));
            }
        }
    }
    if out.is_empty() {
        out = repeated_addresses(files);
    }
    out
}

/// The repeated addresses of [`declaration_errors`].
fn repeated_addresses(files: &[ModuleFile]) -> Vec<(usize, SyntaxError)> {
    let mut order: Vec<usize> = (0..files.len())
        .filter(|&i| {
            files
                .get(i)
                .is_some_and(|f| f.role != Role::Vars && !is_override(&f.path))
        })
        .collect();
    order.sort_by(|&a, &b| files[a].path.cmp(&files[b].path));
    let mut first: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let mut out = Vec::new();
    for i in order {
        let f = &files[i];
        let mut decls: Vec<Decl> = Vec::new();
        for b in &f.file.body.blocks {
            let label = |n: usize| b.labels.get(n).map(|(l, _)| l.as_str());
            let h = b.header_span;
            match (b.ident.as_str(), label(0), label(1)) {
                ("resource", Some(t), Some(n)) => {
                    decls.push(("resource", ("resource", t, n), format!("{t}.{n}"), h))
                }
                ("data", Some(t), Some(n)) => {
                    decls.push(("data source", ("data", t, n), format!("data.{t}.{n}"), h))
                }
                ("module", Some(n), _) => {
                    decls.push(("module call", ("module", n, ""), format!("module.{n}"), h))
                }
                ("variable", Some(n), _) => {
                    decls.push(("variable", ("variable", n, ""), format!("var.{n}"), h))
                }
                ("output", Some(n), _) => {
                    decls.push(("output", ("output", n, ""), format!("output.{n}"), h))
                }
                ("locals", _, _) => {
                    for a in &b.body.attrs {
                        let key = ("local", a.key.as_str(), "");
                        decls.push(("local value", key, format!("local.{}", a.key), a.key_span));
                    }
                }
                _ => {}
            }
        }
        for (what, key, addr, span) in decls {
            match first.get(&key) {
                Some(&j) => {
                    let path = base_name(&files[j].path);
                    out.push((
                        i,
                        SyntaxError {
                            span,
                            message: format!(
                                "duplicate {what} `{addr}` (first declared in {path}); \
                                 Terraform refuses a module that declares it twice"
                            ),
                        },
                    ));
                }
                None => {
                    first.insert(key, i);
                }
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
