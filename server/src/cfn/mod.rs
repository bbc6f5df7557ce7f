//! CloudFormation front end: template detection, parameters, conditions,
//! intrinsic functions, and the S3 [`Model`].
//!
//! Works on the format-neutral syntax tree, so YAML and JSON templates are
//! read by the same code. Short-form YAML tags (`!Ref X`) and long forms
//! (`{"Ref": "X"}`) are the same call here. Values are evaluated only as far
//! as they can be known: a parameter's `Default` (and `AllowedValues` as
//! further candidates), both branches of `Fn::If`, `AWS::NoValue`, `Fn::Sub`
//! and `Fn::Join` of known parts. Everything else is unknown.

pub mod credentials;

use crate::model::*;
use crate::suppress::{Scope, Suppression};
use crate::syntax::{Document, Node, NodeKind};
use crate::text::Span;
use foldhash::{HashMap, HashMapExt};
use std::cell::RefCell;

/// A CloudFormation template's S3 model plus what the fix renderer and
/// suppressions need.
#[derive(Debug, Clone)]
pub struct Template {
    pub model: Model,
    /// Per-resource `Metadata: {bucketguard: {ignore: [...]}}` lists.
    pub suppressions: Vec<Suppression>,
}

/// A cheap textual guess, for files that do not parse.
pub fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || text.contains("AWS::Serverless")
        || text.contains("AWS::S3::")
        || (text.contains("Resources") && text.contains("AWS::"))
}

/// Is `root` a CloudFormation template?
pub fn is_template(root: &Node) -> bool {
    if !root.is_mapping() {
        return false;
    }
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    if let Some(t) = root.get("Transform") {
        let sam = |n: &Node| n.as_str().is_some_and(|s| s.starts_with("AWS::"));
        if sam(t) || t.items().iter().any(sam) {
            return true;
        }
    }
    match root.get("Resources") {
        Some(res) if res.is_mapping() && !res.entries().is_empty() => {
            res.entries().iter().any(|e| {
                e.value
                    .get("Type")
                    .and_then(Node::as_str)
                    .is_some_and(|t| t.contains("::") && !t.starts_with("::"))
            })
        }
        _ => false,
    }
}

/// The intrinsic functions, however written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Ref,
    If,
    Sub,
    Join,
    GetAtt,
    Other,
}

/// If `node` is an intrinsic function call, its function and argument node.
/// For a short-form tag the argument is the node itself (its tag is ignored).
fn call(node: &Node) -> Option<(Func, &Node)> {
    if let Some((tag, _)) = node.tag.as_deref() {
        let name = tag.trim_start_matches('!');
        let f = match name {
            "Ref" => Func::Ref,
            "If" => Func::If,
            "Sub" => Func::Sub,
            "Join" => Func::Join,
            "GetAtt" => Func::GetAtt,
            _ => Func::Other,
        };
        return Some((f, node));
    }
    let entries = node.entries();
    if entries.len() != 1 {
        return None;
    }
    let e = &entries[0];
    let f = match e.key.as_str() {
        "Ref" => Func::Ref,
        "Fn::If" => Func::If,
        "Fn::Sub" => Func::Sub,
        "Fn::Join" => Func::Join,
        "Fn::GetAtt" => Func::GetAtt,
        "Condition" => Func::Other,
        k if k.starts_with("Fn::") => Func::Other,
        _ => return None,
    };
    Some((f, &e.value))
}

/// The scalar text of a node that is a plain value (not a call).
fn plain_str(node: &Node) -> Option<&str> {
    if node.tag.is_some() {
        return None;
    }
    node.as_str()
}

/// What [`Ctx::branches`] yields: one branch without allocating, or the
/// expansion of an `Fn::If`.
enum Branches<'a> {
    One(Option<(When, Option<&'a Node>)>),
    Many(std::vec::IntoIter<(When, Option<&'a Node>)>),
}

impl<'a> Iterator for Branches<'a> {
    type Item = (When, Option<&'a Node>);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Branches::One(b) => b.take(),
            Branches::Many(it) => it.next(),
        }
    }
}

/// The result of looking a key up in a node that should be a mapping.
enum Lookup<'a> {
    Absent,
    /// The parent is not a readable mapping (a call, a scalar...).
    Unknown(Span),
    Found(Span, &'a Node),
}

fn lookup<'a>(node: &'a Node, key: &str) -> Lookup<'a> {
    if call(node).is_some() || !node.is_mapping() {
        return Lookup::Unknown(node.full_span());
    }
    match node.entry(key) {
        Some(e) => Lookup::Found(e.key_span, &e.value),
        None => Lookup::Absent,
    }
}

struct Param<'a> {
    default: Option<&'a Node>,
    allowed: Vec<&'a Node>,
}

/// Caps on the alternatives one value may expand to.
const MAX_ALTS: usize = 64;
const MAX_DEPTH: usize = 16;

struct Ctx<'a> {
    params: HashMap<&'a str, Param<'a>>,
    resources: HashMap<&'a str, &'a str>,
}

impl<'a> Ctx<'a> {
    /// The branches a node stands for: `Fn::If` splits, `AWS::NoValue` is `None`.
    fn branches(&self, node: &'a Node, when: &When) -> Branches<'a> {
        match call(node) {
            Some((Func::If, _)) => {
                let mut out = Vec::new();
                self.branches_into(node, when, 0, &mut out);
                Branches::Many(out.into_iter())
            }
            // The common case, without a vector: what `branches_into` does
            // for anything but `Fn::If`.
            Some((Func::Ref, args)) if args.as_str() == Some("AWS::NoValue") => {
                Branches::One(Some((when.clone(), None)))
            }
            _ => Branches::One(Some((when.clone(), Some(node)))),
        }
    }

    fn branches_into(
        &self,
        node: &'a Node,
        when: &When,
        depth: usize,
        out: &mut Vec<(When, Option<&'a Node>)>,
    ) {
        if out.len() >= MAX_ALTS {
            return;
        }
        match call(node) {
            Some((Func::If, args)) if depth < MAX_DEPTH => {
                let items = args.items();
                if let [cond, a, b] = items {
                    if let Some(name) = plain_str(cond) {
                        let t = when.and(Cond {
                            name: name.to_string(),
                            holds: true,
                        });
                        let f = when.and(Cond {
                            name: name.to_string(),
                            holds: false,
                        });
                        self.branches_into(a, &t, depth + 1, out);
                        self.branches_into(b, &f, depth + 1, out);
                        return;
                    }
                }
                out.push((when.clone(), Some(node)));
            }
            Some((Func::Ref, args)) if args.as_str() == Some("AWS::NoValue") => {
                out.push((when.clone(), None))
            }
            _ => out.push((when.clone(), Some(node))),
        }
    }

    /// The possible values of a scalar node (not following `Fn::If`).
    fn vals(&self, node: &'a Node) -> Vec<Val> {
        match call(node) {
            // A plain value, the common case: no intermediate vector.
            None => vec![self.plain_val(node)],
            _ => self.call_vals(node),
        }
    }

    /// The value of a node that is not a call.
    fn plain_val(&self, node: &'a Node) -> Val {
        let span = node.full_span();
        match &node.kind {
            NodeKind::Scalar { value, .. } => Val {
                lit: Lit::Str(value.clone()),
                span,
                via: None,
                literal: true,
            },
            _ => unknown_val(span),
        }
    }

    /// [`Self::vals`], one value at a time.
    fn vals_each(&self, node: &'a Node, mut each: impl FnMut(Val)) {
        match call(node) {
            None => each(self.plain_val(node)),
            Some(_) => self.call_vals(node).into_iter().for_each(each),
        }
    }

    /// [`Self::vals`] of a call.
    fn call_vals(&self, node: &'a Node) -> Vec<Val> {
        let span = node.full_span();
        let unknown = || {
            vec![Val {
                lit: Lit::Unknown,
                span,
                via: None,
                literal: false,
            }]
        };
        match call(node) {
            None => vec![self.plain_val(node)],
            Some((Func::Ref, args)) => {
                let Some(name) = args.as_str() else {
                    return unknown();
                };
                let Some(p) = self.params.get(name) else {
                    return unknown();
                };
                let mut out = Vec::new();
                if let Some(d) = p.default.and_then(plain_str) {
                    out.push(Val {
                        lit: Lit::Str(d.to_string()),
                        span,
                        via: Some(format!("parameter `{name}`")),
                        literal: false,
                    });
                }
                for a in &p.allowed {
                    if let Some(s) = plain_str(a) {
                        if out.iter().any(|v| v.str() == Some(s)) {
                            continue;
                        }
                        out.push(Val {
                            lit: Lit::Str(s.to_string()),
                            span,
                            via: Some(format!("an allowed value of parameter `{name}`")),
                            literal: false,
                        });
                    }
                }
                if out.is_empty() {
                    unknown()
                } else {
                    out
                }
            }
            Some((f @ (Func::Sub | Func::Join), args)) => {
                let joined = if f == Func::Sub {
                    self.sub(args)
                } else {
                    self.join(args)
                };
                match joined {
                    Some(s) => vec![Val {
                        lit: Lit::Str(s),
                        span,
                        via: None,
                        literal: false,
                    }],
                    None => unknown(),
                }
            }
            _ => unknown(),
        }
    }

    /// One known string for a node, when it has exactly one candidate.
    fn known_str(&self, node: &'a Node) -> Option<String> {
        let vals = self.vals(node);
        match vals.first() {
            Some(v) => v.str().map(str::to_string),
            None => None,
        }
    }

    fn sub(&self, args: &'a Node) -> Option<String> {
        let template = args.as_str()?;
        let mut out = String::new();
        let mut rest = template;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            if let Some(stripped) = after.strip_prefix('!') {
                // `${!Literal}` writes `${Literal}`.
                out.push_str("${");
                rest = stripped;
                continue;
            }
            let end = after.find('}')?;
            let var = &after[..end];
            let p = self.params.get(var)?;
            out.push_str(plain_str(p.default?)?);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Some(out)
    }

    fn join(&self, args: &'a Node) -> Option<String> {
        let [sep, list] = args.items() else {
            return None;
        };
        let sep = plain_str(sep)?;
        let mut parts = Vec::new();
        for item in list.items() {
            parts.push(self.known_str(item)?);
        }
        if call(list).is_some() || !list.is_sequence() {
            return None;
        }
        Some(parts.join(sep))
    }

    /// What a bucket reference designates.
    fn target(&self, node: &'a Node) -> Target {
        match call(node) {
            None => match plain_str(node) {
                Some(s) if !s.is_empty() => Target::Name(s.to_string()),
                _ => Target::Unknown,
            },
            Some((Func::Ref, args)) => match args.as_str() {
                Some(name) if self.resources.contains_key(name) => {
                    Target::Resource(name.to_string())
                }
                Some(name) if self.params.contains_key(name) => {
                    match self.vals(node).first().and_then(Val::str) {
                        Some(s) => Target::Name(s.to_string()),
                        None => Target::Unknown,
                    }
                }
                // A reference to something not in this template.
                Some(name) if !name.starts_with("AWS::") => Target::Resource(name.to_string()),
                _ => Target::Unknown,
            },
            Some((Func::Sub, args)) => {
                let Some(s) = args.as_str() else {
                    return Target::Unknown;
                };
                if let Some(inner) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
                    if self.resources.contains_key(inner) {
                        return Target::Resource(inner.to_string());
                    }
                }
                match self.sub(args) {
                    Some(v) => Target::Name(v),
                    None => Target::Unknown,
                }
            }
            Some((Func::If, args)) => {
                // Known only when both branches agree.
                let [_, a, b] = args.items() else {
                    return Target::Unknown;
                };
                let (ta, tb) = (self.target(a), self.target(b));
                if ta == tb {
                    ta
                } else {
                    Target::Unknown
                }
            }
            _ => Target::Unknown,
        }
    }

    /// The resource a `Ref X` / `GetAtt X.Arn` names.
    fn referenced_resource(&self, node: &'a Node) -> Option<String> {
        match call(node) {
            Some((Func::Ref, args)) => args
                .as_str()
                .filter(|n| self.resources.contains_key(n))
                .map(str::to_string),
            Some((Func::GetAtt, args)) => {
                let name = match args.as_str() {
                    Some(s) => s.split('.').next().map(str::to_string),
                    None => args.items().first().and_then(plain_str).map(str::to_string),
                }?;
                self.resources.contains_key(name.as_str()).then_some(name)
            }
            _ => None,
        }
    }

    // ----- field builders -------------------------------------------------

    /// A scalar setting `key` of `parent`.
    fn sval(&self, parent: &'a Node, key: &str, when: &When) -> Field<Val> {
        match lookup(parent, key) {
            Lookup::Absent => Field::absent(),
            Lookup::Unknown(span) => Field::set(unknown_val(span)),
            Lookup::Found(_, node) => {
                let mut alts = Vec::new();
                for (w, n) in self.branches(node, when) {
                    match n {
                        None => alts.push(Alt {
                            when: w,
                            value: None,
                        }),
                        Some(n) => self.vals_each(n, |v| {
                            alts.push(Alt {
                                when: w.clone(),
                                value: Some(v),
                            })
                        }),
                    }
                }
                Field { alts }
            }
        }
    }

    /// A structured setting `key` of `parent`, built by `f(key_span, node, when)`.
    fn sfield<T>(
        &self,
        parent: &'a Node,
        key: &str,
        when: &When,
        f: impl Fn(Span, &'a Node, &When) -> T,
    ) -> Field<T> {
        match lookup(parent, key) {
            Lookup::Absent => Field::absent(),
            Lookup::Unknown(span) => Field::set(f(span, parent, when)),
            Lookup::Found(key_span, node) => Field {
                alts: self
                    .branches(node, when)
                    .map(|(w, n)| Alt {
                        value: n.map(|n| f(key_span, n, &w)),
                        when: w,
                    })
                    .collect(),
            },
        }
    }

    /// A list setting `key` of `parent`: every element present in some branch.
    fn list<T>(
        &self,
        parent: &'a Node,
        key: &str,
        when: &When,
        f: impl Fn(&'a Node, &When) -> T,
    ) -> Vec<Item<T>> {
        let mut out = Vec::new();
        let node = match lookup(parent, key) {
            Lookup::Absent => return out,
            Lookup::Unknown(_) => return out,
            Lookup::Found(_, n) => n,
        };
        for (w, n) in self.branches(node, when) {
            let Some(n) = n else { continue };
            if call(n).is_some() {
                // A list we cannot see into.
                out.push(Item {
                    value: f(n, &w),
                    when: w,
                });
                continue;
            }
            match &n.kind {
                NodeKind::Sequence { items, .. } => {
                    for item in items {
                        for (iw, i) in self.branches(item, &w) {
                            if let Some(i) = i {
                                out.push(Item {
                                    value: f(i, &iw),
                                    when: iw,
                                });
                            }
                        }
                    }
                }
                _ => out.push(Item {
                    value: f(n, &w),
                    when: w,
                }),
            }
        }
        out
    }

    /// A list of scalars.
    fn vlist(&self, parent: &'a Node, key: &str, when: &When) -> Vec<Item<Val>> {
        // `list` calls `f` once per element, in order, with the element's
        // conditions: collect the values there instead of nesting vectors.
        let out = RefCell::new(Vec::new());
        self.list(parent, key, when, |n, w| {
            self.vals_each(n, |v| {
                out.borrow_mut().push(Item {
                    when: w.clone(),
                    value: v,
                })
            })
        });
        out.into_inner()
    }

    /// Presence of `key` (any value but `AWS::NoValue`), as the key's span.
    fn presence(&self, parent: &'a Node, key: &str, when: &When) -> Field<Span> {
        self.sfield(parent, key, when, |span, _, _| span)
    }

    // ----- S3 structures ----------------------------------------------------

    fn public_access_block(&self, span: Span, node: &'a Node, when: &When) -> PublicAccessBlock {
        PublicAccessBlock {
            span,
            flags: PabFlag::ALL.map(|f| self.sval(node, f.cfn_name(), when)),
        }
    }

    fn bucket(&self, res: Res, props: Option<&'a Node>, when: &When) -> Bucket {
        let mut b = Bucket::new(res);
        let Some(p) = props else {
            return b;
        };
        if call(p).is_some() || !p.is_mapping() {
            // Properties we cannot read: assume everything is configured.
            let u = unknown_val(p.full_span());
            b.public_access_block = Field::set(PublicAccessBlock {
                span: p.full_span(),
                flags: PabFlag::ALL.map(|_| Field::set(u.clone())),
            });
            return unknown_bucket(b, p.full_span());
        }
        b.name = self.sval(p, "BucketName", when);
        b.public_access_block =
            self.sfield(p, "PublicAccessBlockConfiguration", when, |s, n, w| {
                self.public_access_block(s, n, w)
            });
        b.acl = self.sval(p, "AccessControl", when);
        b.ownership = self.sfield(p, "OwnershipControls", when, |_, n, w| {
            let rules = self.list(n, "Rules", w, |r, rw| self.sval(r, "ObjectOwnership", rw));
            let mut out = Vec::new();
            for item in rules {
                for (v, vw) in item.value.values() {
                    out.push(Item {
                        when: vw.clone(),
                        value: v.clone(),
                    });
                }
            }
            if call(n).is_some() {
                out.push(Item {
                    when: w.clone(),
                    value: unknown_val(n.full_span()),
                });
            }
            out
        });
        b.encryption = self.sfield(p, "BucketEncryption", when, |span, n, w| Encryption {
            span,
            rules: if call(n).is_some() {
                vec![Item {
                    when: w.clone(),
                    value: unknown_sse(n.full_span()),
                }]
            } else {
                self.list(
                    n,
                    "ServerSideEncryptionConfiguration",
                    w,
                    |r, rw| match lookup(r, "ServerSideEncryptionByDefault") {
                        Lookup::Found(_, d) => SseRule {
                            span: d.span,
                            algorithm: self.sval(d, "SSEAlgorithm", rw),
                            kms_key: self.sval(d, "KMSMasterKeyID", rw),
                        },
                        Lookup::Unknown(s) => unknown_sse(s),
                        Lookup::Absent => SseRule {
                            span: r.span,
                            algorithm: Field::absent(),
                            kms_key: Field::absent(),
                        },
                    },
                )
            },
        });
        b.logging = self.sfield(p, "LoggingConfiguration", when, |span, n, w| {
            let destination = self.sval(n, "DestinationBucketName", w);
            let destination_target = match lookup(n, "DestinationBucketName") {
                Lookup::Found(_, d) => Some(self.target(d)),
                Lookup::Unknown(_) => Some(Target::Unknown),
                Lookup::Absent => None,
            };
            Logging {
                span,
                destination,
                destination_target,
            }
        });
        b.metrics = self.presence(p, "MetricsConfigurations", when);
        b.versioning = self.sfield(p, "VersioningConfiguration", when, |span, n, w| {
            Versioning {
                span,
                status: self.sval(n, "Status", w),
            }
        });
        b.lifecycle = self.sfield(p, "LifecycleConfiguration", when, |span, n, w| Lifecycle {
            span,
            rules: self.list(n, "Rules", w, |r, rw| self.lifecycle_rule(r, rw)),
        });
        b.object_lock_enabled = self.sval(p, "ObjectLockEnabled", when);
        b.object_lock = self.sfield(p, "ObjectLockConfiguration", when, |span, n, w| {
            ObjectLock {
                span,
                retention: match lookup(n, "Rule") {
                    Lookup::Found(_, r) => {
                        self.sfield(r, "DefaultRetention", w, |rs, d, dw| Retention {
                            span: rs,
                            mode: self.sval(d, "Mode", dw),
                            days: self.sval(d, "Days", dw),
                            years: self.sval(d, "Years", dw),
                        })
                    }
                    Lookup::Unknown(s) => Field::set(Retention {
                        span: s,
                        mode: Field::set(unknown_val(s)),
                        days: Field::set(unknown_val(s)),
                        years: Field::absent(),
                    }),
                    Lookup::Absent => Field::absent(),
                },
            }
        });
        b.cors = self.sfield(p, "CorsConfiguration", when, |_, n, w| {
            self.list(n, "CorsRules", w, |r, rw| CorsRule {
                span: r.span,
                origins: self.vlist(r, "AllowedOrigins", rw),
                methods: self.vlist(r, "AllowedMethods", rw),
                headers: self.vlist(r, "AllowedHeaders", rw),
                exposed: self.vlist(r, "ExposedHeaders", rw),
            })
        });
        b.website = self.sfield(p, "WebsiteConfiguration", when, |span, n, w| Website {
            span,
            redirect_all: self.sfield(n, "RedirectAllRequestsTo", w, |_, r, rw| {
                self.redirect(r, rw)
            }),
            routing_redirects: self
                .list(n, "RoutingRules", w, |r, rw| {
                    self.sfield(r, "RedirectRule", rw, |_, x, xw| self.redirect(x, xw))
                })
                .into_iter()
                .flat_map(|item| {
                    item.value
                        .alts
                        .into_iter()
                        .filter_map(|a| {
                            a.value.map(|v| Item {
                                when: a.when,
                                value: v,
                            })
                        })
                        .collect::<Vec<_>>()
                })
                .collect(),
        });
        b.tags = self.presence(p, "Tags", when);
        b.inventory = self.presence(p, "InventoryConfigurations", when);
        if let Lookup::Found(_, n) = lookup(p, "NotificationConfiguration") {
            for (w, n) in self.branches(n, when) {
                let Some(n) = n else { continue };
                for (key, field, kind) in [
                    ("QueueConfigurations", "Queue", NotificationKind::Queue),
                    ("TopicConfigurations", "Topic", NotificationKind::Topic),
                    ("LambdaConfigurations", "Function", NotificationKind::Lambda),
                ] {
                    for item in self.list(n, key, &w, |c, cw| Notification {
                        span: c.span,
                        kind,
                        target: self.sval(c, field, cw),
                        target_ref: match lookup(c, field) {
                            Lookup::Found(_, t) => self.referenced_resource(t),
                            _ => None,
                        },
                    }) {
                        b.notifications.push(item);
                    }
                }
            }
        }
        b
    }

    fn lifecycle_rule(&self, r: &'a Node, w: &When) -> LifecycleRule {
        let transition = |t: &'a Node, tw: &When| Transition {
            span: t.span,
            storage_class: self.sval(t, "StorageClass", tw),
            days: self.sval(t, "TransitionInDays", tw),
        };
        let mut transitions = self.list(r, "Transitions", w, transition);
        if let Lookup::Found(_, t) = lookup(r, "Transition") {
            for (tw, t) in self.branches(t, w) {
                if let Some(t) = t {
                    transitions.push(Item {
                        value: transition(t, &tw),
                        when: tw,
                    });
                }
            }
        }
        let mut noncurrent_transitions =
            self.list(r, "NoncurrentVersionTransitions", w, transition);
        if let Lookup::Found(_, t) = lookup(r, "NoncurrentVersionTransition") {
            for (tw, t) in self.branches(t, w) {
                if let Some(t) = t {
                    noncurrent_transitions.push(Item {
                        value: transition(t, &tw),
                        when: tw,
                    });
                }
            }
        }
        let unreadable = call(r).is_some() || !r.is_mapping();
        LifecycleRule {
            span: r.span,
            id: self.sval(r, "Id", w),
            status: self.sval(r, "Status", w),
            transitions,
            expiration_days: self.sval(r, "ExpirationInDays", w),
            expires_noncurrent: unreadable
                || self
                    .presence(r, "NoncurrentVersionExpiration", w)
                    .is_present_somewhere()
                || self
                    .presence(r, "NoncurrentVersionExpirationInDays", w)
                    .is_present_somewhere(),
            noncurrent_transitions,
        }
    }

    fn redirect(&self, n: &'a Node, w: &When) -> Redirect {
        Redirect {
            span: n.span,
            protocol: self.sval(n, "Protocol", w),
        }
    }

    fn policy_document(&self, node: &'a Node, when: &When) -> Option<PolicyDocument> {
        if call(node).is_some() || !node.is_mapping() {
            return None;
        }
        let statements_span = match node.get("Statement") {
            Some(s) if s.is_sequence() && call(s).is_none() => Some(s.span),
            _ => None,
        };
        Some(PolicyDocument {
            span: node.span,
            statements: self.list(node, "Statement", when, |s, w| self.statement(s, w)),
            statements_span,
        })
    }

    fn statement(&self, s: &'a Node, w: &When) -> Statement {
        let unreadable = call(s).is_some() || !s.is_mapping();
        let principal = s.get("Principal").map(principal);
        let actions = match s.get("Action") {
            Some(_) => Some(self.vlist(s, "Action", w)),
            None if unreadable => Some(vec![Item {
                when: w.clone(),
                value: unknown_val(s.full_span()),
            }]),
            None => None,
        };
        let mut conditions = Vec::new();
        let mut condition_unknown = unreadable;
        if let Some(c) = s.get("Condition") {
            if call(c).is_some() || !c.is_mapping() {
                condition_unknown = true;
            }
            for op in c.entries() {
                if call(&op.value).is_some() || !op.value.is_mapping() {
                    condition_unknown = true;
                    continue;
                }
                for k in op.value.entries() {
                    let values = match &k.value.kind {
                        NodeKind::Sequence { items, .. } if call(&k.value).is_none() => {
                            items.iter().flat_map(|i| self.vals(i)).collect()
                        }
                        _ => self.vals(&k.value),
                    };
                    conditions.push(ConditionEntry {
                        operator: op.key.clone(),
                        key: k.key.clone(),
                        values,
                    });
                }
            }
        }
        Statement {
            span: s.span,
            effect: if unreadable {
                Field::set(unknown_val(s.full_span()))
            } else {
                self.sval(s, "Effect", w)
            },
            principal: principal.or_else(|| {
                unreadable.then(|| Principal {
                    span: s.full_span(),
                    is_public: false,
                    public_span: None,
                })
            }),
            has_not_principal: s.entry("NotPrincipal").map(|e| e.key_span),
            actions,
            has_not_action: s.entry("NotAction").map(|e| e.key_span),
            has_resource: unreadable || s.get("Resource").is_some(),
            has_not_resource: s.get("NotResource").is_some(),
            conditions,
            condition_unknown,
            resources: self.vlist(s, "Resource", w),
        }
    }

    fn access_point(
        &self,
        res: Res,
        props: Option<&'a Node>,
        kind: AccessPointKind,
        when: &When,
    ) -> AccessPoint {
        let mut ap = AccessPoint {
            res,
            kind,
            bucket: Field::absent(),
            bucket_span: None,
            name: Field::absent(),
            public_access_block: Field::absent(),
            vpc_id: Field::absent(),
            vpc_unknown: false,
        };
        let Some(p) = props else {
            return ap;
        };
        if call(p).is_some() || !p.is_mapping() {
            ap.bucket = Field::set(Target::Unknown);
            ap.vpc_unknown = true;
            return ap;
        }
        ap.name = self.sval(p, "Name", when);
        ap.public_access_block =
            self.sfield(p, "PublicAccessBlockConfiguration", when, |s, n, w| {
                self.public_access_block(s, n, w)
            });
        match kind {
            AccessPointKind::Regional => {
                if let Some(e) = p.entry("Bucket") {
                    ap.bucket_span = Some(e.value.full_span());
                }
                ap.bucket = self.sfield(p, "Bucket", when, |_, n, _| self.target(n));
                match lookup(p, "VpcConfiguration") {
                    Lookup::Found(_, v) => {
                        if call(v).is_some() || !v.is_mapping() {
                            ap.vpc_unknown = true;
                        }
                        ap.vpc_id = self.sval(v, "VpcId", when);
                    }
                    Lookup::Unknown(_) => ap.vpc_unknown = true,
                    Lookup::Absent => {}
                }
            }
            AccessPointKind::MultiRegion => {
                let regions = self.list(p, "Regions", when, |r, _| match lookup(r, "Bucket") {
                    Lookup::Found(_, b) => self.target(b),
                    _ => Target::Unknown,
                });
                if let Some(first) = regions.into_iter().next() {
                    ap.bucket = Field::set(first.value);
                }
            }
        }
        ap
    }

    fn trail(&self, res: Res, props: Option<&'a Node>) -> Trail {
        let Some(p) = props else {
            return Trail {
                res,
                s3_data_events: Some(false),
            };
        };
        if call(p).is_some() || !p.is_mapping() {
            return Trail {
                res,
                s3_data_events: None,
            };
        }
        let mut found = Some(false);
        let mut note = |v: Option<bool>| match (found, v) {
            (Some(true), _) => {}
            (_, Some(true)) => found = Some(true),
            (_, None) => found = None,
            _ => {}
        };
        if let Some(sel) = p.get("EventSelectors") {
            if call(sel).is_some() {
                note(None);
            }
            for s in sel.items() {
                if call(s).is_some() {
                    note(None);
                    continue;
                }
                let Some(drs) = s.get("DataResources") else {
                    continue;
                };
                if call(drs).is_some() {
                    note(None);
                }
                for dr in drs.items() {
                    match dr.get("Type").map(|t| (t, plain_str(t))) {
                        Some((_, Some("AWS::S3::Object"))) => note(Some(true)),
                        Some((_, None)) => note(None),
                        _ => {}
                    }
                }
            }
        }
        if let Some(sel) = p.get("AdvancedEventSelectors") {
            if call(sel).is_some() {
                note(None);
            }
            for s in sel.items() {
                let Some(fs) = s.get("FieldSelectors") else {
                    note(None);
                    continue;
                };
                for f in fs.items() {
                    if f.get("Field").and_then(plain_str) == Some("resources.type") {
                        let hit = f.get("Equals").map(|e| {
                            e.items()
                                .iter()
                                .any(|i| plain_str(i) == Some("AWS::S3::Object"))
                        });
                        note(if hit == Some(true) {
                            Some(true)
                        } else {
                            Some(false)
                        });
                    }
                }
            }
        }
        Trail {
            res,
            s3_data_events: found,
        }
    }

    fn messaging(&self, res: Res, kind: TargetKind, props: Option<&'a Node>) -> MessagingTarget {
        let encrypted = match props {
            None => Some(kind == TargetKind::Queue),
            Some(p) if call(p).is_some() || !p.is_mapping() => None,
            Some(p) => {
                let kms = self.sval(p, "KmsMasterKeyId", &When::always());
                let managed = self.sval(p, "SqsManagedSseEnabled", &When::always());
                if kms.is_present_somewhere()
                    || managed.values().any(|(v, _)| v.bool() != Some(false))
                {
                    Some(true)
                } else {
                    Some(false)
                }
            }
        };
        MessagingTarget {
            res,
            kind,
            encrypted,
        }
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

fn unknown_sse(span: Span) -> SseRule {
    SseRule {
        span,
        algorithm: Field::set(unknown_val(span)),
        kms_key: Field::set(unknown_val(span)),
    }
}

/// A bucket whose properties cannot be read: every setting present and unknown.
fn unknown_bucket(mut b: Bucket, span: Span) -> Bucket {
    let u = unknown_val(span);
    b.acl = Field::set(u.clone());
    b.ownership = Field::set(vec![Item {
        when: When::always(),
        value: u.clone(),
    }]);
    b.encryption = Field::set(Encryption {
        span,
        rules: vec![Item {
            when: When::always(),
            value: unknown_sse(span),
        }],
    });
    b.logging = Field::set(Logging {
        span,
        destination: Field::set(u.clone()),
        destination_target: Some(Target::Unknown),
    });
    b.metrics = Field::set(span);
    b.versioning = Field::set(Versioning {
        span,
        status: Field::set(u.clone()),
    });
    b.lifecycle = Field::set(Lifecycle {
        span,
        rules: Vec::new(),
    });
    b.tags = Field::set(span);
    b.inventory = Field::set(span);
    b
}

fn principal(p: &Node) -> Principal {
    let mut out = Principal {
        span: p.full_span(),
        is_public: false,
        public_span: None,
    };
    if call(p).is_some() {
        return out;
    }
    let star = |n: &Node| plain_str(n).is_some_and(|s| s.trim() == "*");
    if star(p) {
        out.is_public = true;
        out.public_span = Some(p.span);
        return out;
    }
    if let Some(aws) = p.get("AWS") {
        if star(aws) {
            out.is_public = true;
            out.public_span = Some(aws.span);
        } else if let Some(i) = aws.items().iter().find(|i| star(i)) {
            out.is_public = true;
            out.public_span = Some(i.span);
        }
    }
    out
}

impl Template {
    /// `None` when the document is not a CloudFormation template.
    pub fn build(text: &str, doc: &Document) -> Option<Template> {
        let root = doc.root.as_ref()?;
        if !is_template(root) {
            return None;
        }
        let mut ctx = Ctx {
            params: HashMap::new(),
            resources: HashMap::new(),
        };
        if let Some(params) = root.get("Parameters") {
            for e in params.entries() {
                ctx.params.insert(
                    e.key.as_str(),
                    Param {
                        default: e.value.get("Default"),
                        allowed: e
                            .value
                            .get("AllowedValues")
                            .map(|a| a.items().iter().collect())
                            .unwrap_or_default(),
                    },
                );
            }
        }
        let resources = root.get("Resources").map(Node::entries).unwrap_or(&[]);
        for e in resources {
            if let Some(t) = e.value.get("Type").and_then(plain_str) {
                ctx.resources.insert(e.key.as_str(), t);
            }
        }

        let mut model = Model::default();
        let mut suppressions = Vec::new();
        let always = When::always();
        for e in resources {
            let Some(type_node) = e.value.get("Type") else {
                continue;
            };
            let Some(kind) = plain_str(type_node) else {
                continue;
            };
            let res = Res {
                id: e.key.clone(),
                id_span: e.key_span,
                span: e.key_span.cover(e.value.span),
                kind: kind.to_string(),
                kind_span: type_node.span,
            };
            // `Properties:` with nothing after it is the same as no properties.
            let props = e.value.get("Properties").filter(|p| !p.is_null());
            if let Some(ignore) = e
                .value
                .get("Metadata")
                .and_then(|m| m.get("bucketguard"))
                .and_then(|b| b.get("ignore"))
            {
                let ids: Vec<(String, Span)> = match &ignore.kind {
                    NodeKind::Sequence { items, .. } => items
                        .iter()
                        .filter_map(|i| plain_str(i).map(|s| (s.to_string(), i.span)))
                        .collect(),
                    NodeKind::Scalar { value, .. } => vec![(value.clone(), ignore.span)],
                    _ => Vec::new(),
                };
                suppressions.push(Suppression {
                    ids,
                    span: ignore.span,
                    scope: Scope::Resource(e.key.clone()),
                });
            }
            match kind {
                "AWS::S3::Bucket" => model.buckets.push(ctx.bucket(res, props, &always)),
                "AWS::S3::BucketPolicy" => {
                    let bucket = props
                        .and_then(|p| p.get("Bucket"))
                        .map_or(Target::Unknown, |b| ctx.target(b));
                    let document = props
                        .and_then(|p| p.get("PolicyDocument"))
                        .and_then(|d| ctx.policy_document(d, &always));
                    model.policies.push(Policy {
                        res,
                        kind: PolicyKind::Bucket,
                        bucket,
                        document,
                    });
                }
                "AWS::S3::AccessPoint" | "AWS::S3::MultiRegionAccessPoint" => {
                    let ap_kind = if kind == "AWS::S3::AccessPoint" {
                        AccessPointKind::Regional
                    } else {
                        AccessPointKind::MultiRegion
                    };
                    let ap = ctx.access_point(res.clone(), props, ap_kind, &always);
                    if let Some(doc) = props
                        .and_then(|p| p.get("Policy"))
                        .and_then(|d| ctx.policy_document(d, &always))
                    {
                        let bucket = ap
                            .bucket
                            .values()
                            .next()
                            .map_or(Target::Unknown, |(t, _)| t.clone());
                        model.policies.push(Policy {
                            res,
                            kind: PolicyKind::AccessPoint,
                            bucket,
                            document: Some(doc),
                        });
                    }
                    model.access_points.push(ap);
                }
                "AWS::S3::AccessPointPolicy" | "AWS::S3::MultiRegionAccessPointPolicy" => {
                    let document = props
                        .and_then(|p| p.get("Policy"))
                        .and_then(|d| ctx.policy_document(d, &always));
                    model.policies.push(Policy {
                        res,
                        kind: PolicyKind::AccessPoint,
                        bucket: Target::Unknown,
                        document,
                    });
                }
                "AWS::CloudTrail::Trail" => model.trails.push(ctx.trail(res, props)),
                "AWS::SQS::Queue" => {
                    model
                        .messaging
                        .push(ctx.messaging(res, TargetKind::Queue, props))
                }
                "AWS::SNS::Topic" => {
                    model
                        .messaging
                        .push(ctx.messaging(res, TargetKind::Topic, props))
                }
                _ => {}
            }
        }
        model.credentials = credentials::scan(text);
        Some(Template {
            model,
            suppressions,
        })
    }
}
