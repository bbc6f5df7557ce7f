//! Calls of the registry module `terraform-aws-modules/s3-bucket/aws`
//! (`module "x" { source = "terraform-aws-modules/s3-bucket/aws" ... }`),
//! read as one bucket of the calling module.
//!
//! The module creates an `aws_s3_bucket` and one settings resource per
//! input that is set; its inputs map onto the model as the resources they
//! create would. What the module does on its own, without an input, depends
//! on its version: the defaults of the public access block flags and of
//! `object_ownership` are known for the 3.x line (flags `false`,
//! `"ObjectWriter"`, and a public access block is always created), and
//! taken as unknown for any other or unreadable version constraint, so
//! they never produce a finding there. Inputs that do not exist, nested
//! blocks (not valid in a module call) and values that cannot be evaluated
//! stay unknown. `policy` is attached only when `attach_policy` is `true`,
//! as the module does; `attach_deny_insecure_transport_policy = true` adds
//! the module's `Deny` of requests without TLS to the same policy.

use super::eval::V;
use super::policy::val_of;
use super::{
    always, assume_unknown, unknown_encryption, unknown_lifecycle, unknown_logging, unknown_val,
    Env, Setting,
};
use crate::model::*;
use crate::syntax::hcl::{Block, Expr, ExprKind, Op};
use crate::text::Span;

/// The registry address, without the optional `registry.terraform.io/` host.
const REGISTRY_SOURCE: &str = "terraform-aws-modules/s3-bucket/aws";
/// The module's repository, for `git::` and `github.com/` sources.
const GIT_REPO: &str = "github.com/terraform-aws-modules/terraform-aws-s3-bucket";

/// The id a module-call bucket gets in the model (`module.NAME`).
pub fn bucket_id(name: &str) -> String {
    format!("module.{name}")
}

/// The major version a call pins: `version = "3.7.0"`, `"= 3.7.0"`,
/// `"~> 3.7"`, or `?ref=v3.7.0` in a git source. `None` for ranges and
/// anything else.
fn pinned_major(s: &str) -> Option<u64> {
    let s = s.trim();
    let s = s
        .strip_prefix("~>")
        .or_else(|| s.strip_prefix('='))
        .unwrap_or(s)
        .trim();
    let s = s.strip_prefix('v').unwrap_or(s);
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    s.split('.').next()?.parse().ok()
}

/// A module call of the S3 bucket module: its pinned major version when known.
pub struct Call<'a> {
    pub name: &'a str,
    pub block: &'a Block,
    major: Option<u64>,
}

/// Is `b` (a `module "NAME"` block) a call of the S3 bucket module?
pub fn call<'a>(env: &Env, b: &'a Block) -> Option<Call<'a>> {
    let [(name, _)] = b.labels.as_slice() else {
        return None;
    };
    let source = env.eval(b.body.attr("source")?);
    let source = source.str()?.trim();
    let registry = source
        .strip_prefix("registry.terraform.io/")
        .unwrap_or(source);
    let major = if registry == REGISTRY_SOURCE {
        b.body
            .attr("version")
            .and_then(|e| env.eval(e).str().and_then(pinned_major))
    } else {
        let s = source.strip_prefix("git::").unwrap_or(source);
        let s = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("ssh://git@"))
            .unwrap_or(s);
        let (path, query) = s.split_once('?').unwrap_or((s, ""));
        let path = path.strip_suffix(".git").unwrap_or(path);
        if path != GIT_REPO {
            return None;
        }
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix("ref="))
            .and_then(pinned_major)
    };
    Some(Call {
        name: name.as_str(),
        block: b,
        major,
    })
}

/// The entry `key` of an object expression, when written literally.
fn entry<'e>(e: &'e Expr, key: &str) -> Option<&'e Expr> {
    match &e.kind {
        ExprKind::Object(entries) => entries
            .iter()
            .rev()
            .find(|en| en.key.as_deref() == Some(key))
            .map(|en| &en.value),
        ExprKind::Paren(x) => entry(x, key),
        _ => None,
    }
}

fn field(v: Option<&V>) -> Field<Val> {
    match v.and_then(val_of) {
        Some(x) => Field::set(x),
        None => Field::absent(),
    }
}

/// The items of a list value (a single value counts as a list of one).
fn items(v: Option<&V>) -> Vec<Item<Val>> {
    match v {
        None | Some(V::Null(_)) => Vec::new(),
        Some(V::List(xs, _)) => xs.iter().filter_map(val_of).map(always).collect(),
        Some(other) => val_of(other).map(always).into_iter().collect(),
    }
}

/// Is the value an empty (or null) object or list, as the module's
/// defaults `{}` and `[]` are?
fn is_empty(v: &V) -> bool {
    match v {
        V::Null(_) => true,
        V::Obj(e, _) => e.is_empty(),
        V::List(e, _) => e.is_empty(),
        _ => false,
    }
}

/// A boolean input: `Some(true)`/`Some(false)` when known, `None` when unknown;
/// `default` when the input is not written (or null).
fn flag(v: Option<&V>, default: Option<bool>) -> Option<bool> {
    match v {
        None | Some(V::Null(_)) => default,
        Some(V::Str { s, .. }) if s.eq_ignore_ascii_case("true") => Some(true),
        Some(V::Str { s, .. }) if s.eq_ignore_ascii_case("false") => Some(false),
        Some(_) => None,
    }
}

/// A value renamed (`true` -> `Enabled`), keeping where it is written.
fn renamed(v: &V, lit: &str) -> Val {
    Val {
        lit: Lit::Str(lit.to_string()),
        span: v.span(),
        via: match v {
            V::Str { via, .. } => via.clone(),
            _ => None,
        },
        literal: false,
    }
}

/// An `enabled = bool` / `status = "..."` pair as a status value, with
/// `on`/`off` as the names of the two states.
fn status(o: &V, on: &str, off: &str, fallback: Span) -> Field<Val> {
    if let Some(e) = o.get("enabled").filter(|v| !matches!(v, V::Null(_))) {
        return match flag(Some(e), None) {
            Some(true) => Field::set(renamed(e, on)),
            Some(false) => Field::set(renamed(e, off)),
            None => Field::set(unknown_val(e.span())),
        };
    }
    if let Some(s) = o.get("status").filter(|v| !matches!(v, V::Null(_))) {
        let lit = match s.str().map(str::to_ascii_lowercase).as_deref() {
            Some("true") => Some(on),
            Some("false") => Some(off),
            Some(x) if x.eq_ignore_ascii_case(on) => Some(on),
            Some(x) if x.eq_ignore_ascii_case(off) => Some(off),
            _ => None,
        };
        return match lit {
            Some(l) => Field::set(renamed(s, l)),
            None => Field::set(unknown_val(s.span())),
        };
    }
    Field::set(unknown_val(fallback))
}

impl Call<'_> {
    /// A default of the module, known for the 3.x line only.
    fn default_v3(&self) -> bool {
        self.major == Some(3)
    }

    /// Is the bucket created at all (`count = 0`, an empty `for_each`,
    /// `create_bucket`, `putin_khuylo`)? Unknown counts as created.
    pub fn creates_bucket(&self, env: &Env) -> bool {
        let body = &self.block.body;
        if body
            .attr("count")
            .is_some_and(|e| env.eval(e).str().is_some_and(|s| s.trim() == "0"))
            || body.attr("for_each").is_some_and(|e| {
                matches!(env.eval(e), V::Obj(ref x, _) if x.is_empty())
                    || matches!(env.eval(e), V::List(ref x, _) if x.is_empty())
            })
        {
            return false;
        }
        ["create_bucket", "putin_khuylo"].iter().all(|k| {
            let v = self.block.body.attr(k).map(|e| env.eval(e));
            flag(v.as_ref(), Some(true)) != Some(false)
        })
    }

    fn res(&self) -> Res {
        let b = self.block;
        Res {
            id: bucket_id(self.name),
            id_span: b.header_span,
            span: b.span,
            kind: "module".to_string(),
            kind_span: b.body.attr("source").map_or(b.header_span, |e| e.span),
        }
    }

    /// The bucket the call creates, and the policy it attaches (if any).
    pub fn bucket(&self, env: &Env) -> (Bucket, Option<Policy>) {
        let body = &self.block.body;
        let header = self.block.header_span;
        let input = |k: &str| body.attr(k).map(|e| env.eval(e));
        let key_span = |k: &str| body.attr_entry(k).map_or(header, |a| a.key_span);
        let mut bk = Bucket::new(self.res());

        bk.name = field(input("bucket").as_ref());
        if bk.name.alts.is_empty() {
            // Without `bucket` the name is generated (or from `bucket_prefix`).
            bk.name = Field::set(unknown_val(header));
        }
        bk.acl = match input("acl") {
            Some(V::Str { s, .. }) if s == "null" => Field::absent(),
            v => field(v.as_ref()),
        };
        if let Some(V::List(gs, _)) = input("grant") {
            for g in &gs {
                bk.grants.push(always(Grant {
                    span: g.span(),
                    grantee_uri: match g {
                        V::Obj(..) => field(g.get("uri")),
                        other => Field::set(unknown_val(other.span())),
                    },
                }));
            }
        }

        // Public access block: created unless `attach_public_policy = false`.
        let attach_pab = flag(input("attach_public_policy").as_ref(), Some(true));
        if attach_pab != Some(false) {
            let flags = PabFlag::ALL.map(|f| {
                let k = f.tf_name();
                match input(k) {
                    Some(v) if !matches!(v, V::Null(_)) => field(Some(&v)),
                    _ if self.default_v3() && attach_pab == Some(true) => Field::set(Val {
                        lit: Lit::Str("false".into()),
                        span: header,
                        via: Some(format!(
                            "the default of input `{k}` of module terraform-aws-modules/s3-bucket 3.x"
                        )),
                        literal: false,
                    }),
                    _ => Field::set(unknown_val(header)),
                }
            });
            bk.public_access_block = Field::set(PublicAccessBlock {
                span: header,
                flags,
            });
        }

        // Ownership controls: only with `control_object_ownership = true`.
        match flag(input("control_object_ownership").as_ref(), Some(false)) {
            Some(false) => {}
            known => {
                let value = match input("object_ownership") {
                    Some(v) if !matches!(v, V::Null(_)) && known.is_some() => val_of(&v),
                    _ if known.is_some() && self.default_v3() => Some(Val {
                        lit: Lit::Str("ObjectWriter".into()),
                        span: key_span("control_object_ownership"),
                        via: Some(
                            "the default of input `object_ownership` of module terraform-aws-modules/s3-bucket 3.x"
                                .into(),
                        ),
                        literal: false,
                    }),
                    _ => Some(unknown_val(key_span("control_object_ownership"))),
                };
                bk.ownership = Field::set(value.into_iter().map(always).collect());
            }
        }

        if let Some(v) = input("tags") {
            if !is_empty(&v) {
                bk.tags = Field::set(key_span("tags"));
            }
        }

        if let Some(v) = input("versioning").filter(|v| !is_empty(v)) {
            let span = key_span("versioning");
            bk.versioning = Field::set(Versioning {
                span,
                status: match &v {
                    V::Obj(..) => status(&v, "Enabled", "Suspended", span),
                    other => Field::set(unknown_val(other.span())),
                },
            });
        }

        if let Some(v) = input("logging").filter(|v| !is_empty(v)) {
            let span = key_span("logging");
            bk.logging = Field::set(match (&v, body.attr("logging")) {
                (V::Obj(..), Some(e)) if v.get("target_bucket").is_some() => Logging {
                    span,
                    destination: field(v.get("target_bucket")),
                    destination_target: Some(match entry(e, "target_bucket") {
                        Some(t) => env.target(t, None),
                        None => match v.get("target_bucket").and_then(V::str) {
                            Some(s) => Target::Name(s.to_string()),
                            None => Target::Unknown,
                        },
                    }),
                },
                _ => unknown_logging(span),
            });
        }

        if let Some(v) = input("server_side_encryption_configuration").filter(|v| !is_empty(v)) {
            let span = key_span("server_side_encryption_configuration");
            let rule = v.get("rule");
            let by_default = rule.and_then(|r| r.get("apply_server_side_encryption_by_default"));
            bk.encryption = Field::set(match (rule, by_default) {
                (Some(r @ V::Obj(..)), Some(d @ V::Obj(..))) => Encryption {
                    span,
                    rules: vec![always(SseRule {
                        span: r.span(),
                        algorithm: field(d.get("sse_algorithm")),
                        kms_key: field(d.get("kms_master_key_id")),
                    })],
                },
                _ => unknown_encryption(span),
            });
        }

        if let Some(v) = input("lifecycle_rule").filter(|v| !is_empty(v)) {
            let span = key_span("lifecycle_rule");
            bk.lifecycle = Field::set(match &v {
                V::List(rules, _) if rules.iter().all(|r| matches!(r, V::Obj(..))) => Lifecycle {
                    span,
                    rules: rules.iter().map(|r| always(lifecycle_rule(r))).collect(),
                },
                _ => unknown_lifecycle(span),
            });
        }

        if let Some(v) = input("cors_rule").filter(|v| !is_empty(v)) {
            let rules: Vec<&V> = match &v {
                V::List(rs, _) => rs.iter().collect(),
                one @ V::Obj(..) => vec![one],
                _ => Vec::new(),
            };
            let cors: Vec<Item<CorsRule>> = rules
                .into_iter()
                .map(|r| match r {
                    V::Obj(..) => always(CorsRule {
                        span: r.span(),
                        origins: items(r.get("allowed_origins")),
                        methods: items(r.get("allowed_methods")),
                        headers: items(r.get("allowed_headers")),
                        exposed: items(r.get("expose_headers")),
                    }),
                    other => {
                        let u = vec![always(unknown_val(other.span()))];
                        always(CorsRule {
                            span: other.span(),
                            origins: u.clone(),
                            methods: u.clone(),
                            headers: u.clone(),
                            exposed: u,
                        })
                    }
                })
                .collect();
            if !cors.is_empty() {
                bk.cors = Field::set(cors);
            }
        }

        if let Some(v) = input("website").filter(|v| !is_empty(v)) {
            bk.website = Field::set(website(&v, key_span("website")));
        }

        bk.object_lock_enabled = match input("object_lock_enabled") {
            Some(V::Str { s, .. }) if s == "false" => Field::absent(),
            v => field(v.as_ref()),
        };
        if let Some(v) = input("object_lock_configuration").filter(|v| !is_empty(v)) {
            let span = key_span("object_lock_configuration");
            let retention = match v.get("rule").and_then(|r| r.get("default_retention")) {
                Some(d @ V::Obj(..)) => Field::set(Retention {
                    span: d.span(),
                    mode: field(d.get("mode")),
                    days: field(d.get("days")),
                    years: field(d.get("years")),
                }),
                Some(other) => Field::set(Retention {
                    span: other.span(),
                    mode: Field::set(unknown_val(other.span())),
                    days: Field::set(unknown_val(other.span())),
                    years: Field::set(unknown_val(other.span())),
                }),
                None if matches!(v, V::Obj(..)) => Field::absent(),
                None => Field::set(Retention {
                    span,
                    mode: Field::set(unknown_val(span)),
                    days: Field::set(unknown_val(span)),
                    years: Field::set(unknown_val(span)),
                }),
            };
            bk.object_lock = Field::set(ObjectLock { span, retention });
        }

        if input("metric_configuration").is_some_and(|v| !is_empty(&v)) {
            bk.metrics = Field::set(key_span("metric_configuration"));
        }
        if input("inventory_configuration").is_some_and(|v| !is_empty(&v)) {
            bk.inventory = Field::set(key_span("inventory_configuration"));
        }

        // Nested blocks are not valid in a module call (Terraform rejects
        // them); what they would configure stays unknown: they silence the
        // "missing" findings they could satisfy and create none.
        for x in body.blocks.iter().filter(|x| x.json_value.is_none()) {
            let setting = match x.ident.as_str() {
                "logging" => Setting::Logging,
                "versioning" => Setting::Versioning,
                "server_side_encryption_configuration" => Setting::Encryption,
                "lifecycle_rule" => Setting::Lifecycle,
                "object_lock_configuration" => Setting::ObjectLock,
                "metric_configuration" => Setting::Metrics,
                "inventory_configuration" => Setting::Inventory,
                _ => continue,
            };
            assume_unknown(&mut bk, setting, x.span);
        }

        let policy = self.policy(env, &bk);
        (bk, policy)
    }

    /// The bucket policy the module attaches: `policy` when `attach_policy`
    /// is true, plus the module's TLS-only statement when
    /// `attach_deny_insecure_transport_policy` is true. Either one unknown
    /// makes the whole document unknown.
    fn policy(&self, env: &Env, bk: &Bucket) -> Option<Policy> {
        let body = &self.block.body;
        let input = |k: &str| body.attr(k).map(|e| env.eval(e));
        let attach = flag(input("attach_policy").as_ref(), Some(false));
        let deny_http = flag(
            input("attach_deny_insecure_transport_policy").as_ref(),
            Some(false),
        );
        if attach == Some(false) && deny_http == Some(false) {
            return None;
        }
        let mut document = match (attach, deny_http) {
            (None, _) | (_, None) => None,
            (Some(true), _) => match body.attr("policy") {
                Some(e) if !matches!(env.eval(e), V::Null(_)) => env.policy_document(e),
                _ => Some(PolicyDocument {
                    span: self.block.header_span,
                    statements: Vec::new(),
                    statements_span: None,
                }),
            },
            (Some(false), _) => Some(PolicyDocument {
                span: self.block.header_span,
                statements: Vec::new(),
                statements_span: None,
            }),
        };
        if deny_http == Some(true) {
            if let Some(d) = document.as_mut() {
                let span = body
                    .attr_entry("attach_deny_insecure_transport_policy")
                    .map_or(self.block.header_span, |a| a.span);
                d.statements.push(always(tls_deny(span)));
            }
        }
        Some(Policy {
            res: bk.res.clone(),
            kind: PolicyKind::Bucket,
            bucket: Target::Resource(bk.res.id.clone()),
            document,
        })
    }
}

/// The statement the module adds for `attach_deny_insecure_transport_policy`:
/// deny `s3:*` on the bucket and its objects to everyone when
/// `aws:SecureTransport` is false.
fn tls_deny(span: Span) -> Statement {
    let lit = |s: &str| Val {
        lit: Lit::Str(s.to_string()),
        span,
        via: Some("module input `attach_deny_insecure_transport_policy`".into()),
        literal: false,
    };
    Statement {
        span,
        effect: Field::set(lit("Deny")),
        principal: Some(Principal {
            span,
            is_public: true,
            public_span: Some(span),
        }),
        has_not_principal: None,
        actions: Some(vec![always(lit("s3:*"))]),
        has_not_action: None,
        has_resource: true,
        has_not_resource: false,
        conditions: vec![ConditionEntry {
            operator: "Bool".into(),
            key: "aws:SecureTransport".into(),
            values: vec![lit("false")],
        }],
        condition_unknown: false,
        resources: vec![
            always(lit("arn:aws:s3:::BUCKET")),
            always(lit("arn:aws:s3:::BUCKET/*")),
        ],
    }
}

fn lifecycle_rule(r: &V) -> LifecycleRule {
    let span = r.span();
    let transitions = |key: &str| -> Vec<Item<Transition>> {
        let list: Vec<&V> = match r.get(key) {
            None | Some(V::Null(_)) => Vec::new(),
            Some(V::List(xs, _)) => xs.iter().collect(),
            Some(one) => vec![one],
        };
        list.into_iter()
            .map(|t| {
                always(match t {
                    V::Obj(..) => Transition {
                        span: t.span(),
                        storage_class: field(t.get("storage_class")),
                        days: field(t.get("days").or_else(|| t.get("noncurrent_days"))),
                    },
                    other => Transition {
                        span: other.span(),
                        storage_class: Field::set(unknown_val(other.span())),
                        days: Field::set(unknown_val(other.span())),
                    },
                })
            })
            .collect()
    };
    let expiration_days = match r.get("expiration") {
        Some(e @ V::Obj(..)) => field(e.get("days")),
        None | Some(V::Null(_)) => Field::absent(),
        Some(other) => Field::set(unknown_val(other.span())),
    };
    LifecycleRule {
        span,
        id: field(r.get("id")),
        status: status(r, "Enabled", "Disabled", span),
        transitions: transitions("transition"),
        expiration_days,
        expires_noncurrent: r
            .get("noncurrent_version_expiration")
            .is_some_and(|v| !matches!(v, V::Null(_))),
        noncurrent_transitions: transitions("noncurrent_version_transition"),
    }
}

fn website(v: &V, span: Span) -> Website {
    let V::Obj(..) = v else {
        return Website {
            span,
            redirect_all: Field::set(Redirect {
                span,
                protocol: Field::set(unknown_val(span)),
            }),
            routing_redirects: Vec::new(),
        };
    };
    let redirect = |x: &V| Redirect {
        span: x.span(),
        protocol: match x {
            V::Obj(..) => field(x.get("protocol")),
            V::Str { s, .. } => match s.split_once("://") {
                Some((p, _)) => Field::set(renamed(x, &p.to_ascii_lowercase())),
                None => Field::absent(),
            },
            other => Field::set(unknown_val(other.span())),
        },
    };
    let redirect_all = match v.get("redirect_all_requests_to") {
        None | Some(V::Null(_)) => Field::absent(),
        Some(x) => Field::set(redirect(x)),
    };
    let routing_redirects = match v.get("routing_rules") {
        None | Some(V::Null(_)) => Vec::new(),
        Some(V::List(rules, _)) => rules
            .iter()
            .map(|r| match r.get("redirect") {
                Some(x) => always(redirect(x)),
                None => always(Redirect {
                    span: r.span(),
                    protocol: Field::absent(),
                }),
            })
            .collect(),
        Some(other) => vec![always(Redirect {
            span: other.span(),
            protocol: Field::set(unknown_val(other.span())),
        })],
    };
    Website {
        span,
        redirect_all,
        routing_redirects,
    }
}

/// `module.NAME.s3_bucket_id` (or `_arn`, `[KEY]` included) where `NAME` is
/// a call of the bucket module: the id of its bucket.
pub fn output_target(
    root: &str,
    ops: &[Op],
    is_bucket_module: impl Fn(&str) -> bool,
) -> Option<String> {
    if root != "module" {
        return None;
    }
    let mut it = ops.iter();
    let Some(Op::Attr(name, _)) = it.next() else {
        return None;
    };
    let rest: Vec<&Op> = it.filter(|o| !matches!(o, Op::Index(_))).collect();
    match rest.as_slice() {
        [Op::Attr(out, _)]
            if (out == "s3_bucket_id" || out == "s3_bucket_arn") && is_bucket_module(name) =>
        {
            Some(bucket_id(name))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::pinned_major;

    #[test]
    fn pinned_versions() {
        assert_eq!(pinned_major("3.7.0"), Some(3));
        assert_eq!(pinned_major("= 3.7.0"), Some(3));
        assert_eq!(pinned_major("~> 3.0"), Some(3));
        assert_eq!(pinned_major("v4.1.2"), Some(4));
        assert_eq!(pinned_major(">= 3.0"), None);
        assert_eq!(pinned_major(">= 3.0, < 4.0"), None);
        assert_eq!(pinned_major(""), None);
        assert_eq!(pinned_major("main"), None);
    }
}
