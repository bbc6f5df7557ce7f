//! Lowering fix intents to edits of a CloudFormation document.
//!
//! Each [`FixIntent`] is first lowered to a few generic tree operations
//! ([`Op`]) in CloudFormation terms (`Resources.<id>.Properties...`): make a
//! path of keys hold a value, replace a scalar, append to a list, add a
//! resource. [`edit::render_ops`] then writes them as YAML (block or flow)
//! or JSON text in the file's own style.
//!
//! Rendering refuses (returns `None`) rather than guess: a file with syntax
//! errors, a target written through an alias, properties that are an
//! intrinsic function (`!If`, `!FindInMap`), a repeated key, or a place to
//! insert that cannot be told for sure.

use super::edit::{self, is_plain_mapping, set, Mode, Op};
use super::{Edit, FixIntent, Ins, InsText, NewValue};
use crate::cfn::Template;
use crate::model::PabFlag;
use crate::syntax::{Document, Node};
use crate::text::Span;
use foldhash::{HashMap, HashMapExt};

/// Placeholder defaults the user is expected to replace.
pub const KMS_KEY_PLACEHOLDER: &str = "alias/s3-bucket-key";
pub const LOG_BUCKET_PLACEHOLDER: &str = "access-logs-bucket";
pub const ORIGIN_PLACEHOLDER: &str = "https://example.com";
pub const VPC_PLACEHOLDER: &str = "vpc-0123456789abcdef0";

/// Renders fix intents for one document. Everything that depends only on
/// the document (its style, the text copied by aliases, the resource
/// index) is worked out once here, so rendering the fixes of thousands of
/// findings stays cheap.
pub struct Renderer<'a> {
    text: &'a str,
    doc: &'a Document,
    tpl: Option<Tpl<'a>>,
    ctx: edit::Context,
}

impl<'a> Renderer<'a> {
    pub fn new(text: &'a str, doc: &'a Document) -> Renderer<'a> {
        Renderer {
            text,
            doc,
            // A file with syntax errors gets no fixes.
            tpl: doc
                .root
                .as_ref()
                .filter(|_| doc.errors.is_empty())
                .map(Tpl::new),
            ctx: edit::Context::new(text, doc),
        }
    }

    /// Render `intent` as text edits. `None` when the fix cannot be
    /// rendered safely here, or when there is nothing to change.
    pub fn render(&self, intent: &FixIntent) -> Option<Vec<Edit>> {
        let tpl = self.tpl.as_ref()?;
        let mut ops = Vec::new();
        lower(tpl, intent, &mut ops)?;
        if ops.is_empty() {
            return None;
        }
        edit::render_ops(self.text, self.doc, &self.ctx, &ops)
    }
}

/// Render `intent` as text edits on `doc` (whose text is `text`): a
/// one-off [`Renderer`].
pub fn render(
    text: &str,
    doc: &Document,
    _template: &Template,
    intent: &FixIntent,
) -> Option<Vec<Edit>> {
    Renderer::new(text, doc).render(intent)
}

/// Lower `intent` to tree operations on the template rooted at `root`.
fn lower<'a>(root: &'a Tpl<'a>, intent: &FixIntent, ops: &mut Vec<Op<'a>>) -> Option<()> {
    use FixIntent::*;
    match intent {
        AddPublicAccessBlock { resource } => {
            let flags = PabFlag::ALL
                .iter()
                .map(|f| (f.cfn_name().into(), Ins::Bool(true)))
                .collect();
            let pab = vec![("PublicAccessBlockConfiguration", Ins::Map(flags))];
            props(root, resource, pab, Mode::Ensure, ops)
        }
        EnablePabFlag { resource, flag } => {
            let pab = Ins::map(vec![(flag.cfn_name(), Ins::Bool(true))]);
            props(
                root,
                resource,
                vec![("PublicAccessBlockConfiguration", pab)],
                Mode::Ensure,
                ops,
            )
        }
        ReplaceValue { span, value } => {
            let node = find_node(root, *span, Node::is_scalar)?;
            if node.tag.is_some() {
                return None;
            }
            let value = match value {
                NewValue::PrivateAcl => Ins::str("Private"),
                NewValue::BucketOwnerEnforced => Ins::str("BucketOwnerEnforced"),
                NewValue::AwsKms => Ins::str("aws:kms"),
                NewValue::True => Ins::Bool(true),
                NewValue::OriginPlaceholder => Ins::placeholder(1, ORIGIN_PLACEHOLDER),
            };
            replace(node, value, ops)
        }
        EnforceBucketOwner { resource } => enforce_bucket_owner(root, resource, ops),
        AddTlsDeny { bucket, policy } => tls_deny(root, bucket, policy.as_deref(), ops),
        AddDefaultEncryption { resource } => {
            let rule = Ins::map(vec![(
                "ServerSideEncryptionByDefault",
                Ins::map(vec![("SSEAlgorithm", Ins::str("AES256"))]),
            )]);
            let enc = Ins::map(vec![(
                "ServerSideEncryptionConfiguration",
                Ins::Seq(vec![rule]),
            )]);
            props(
                root,
                resource,
                vec![("BucketEncryption", enc)],
                Mode::AddMissing,
                ops,
            )
        }
        SwitchToKms { algorithm } => {
            let (map, node) = find_entry_value(root, *algorithm)?;
            if !is_plain_mapping(map) || node.tag.is_some() || !node.is_scalar() {
                return None;
            }
            replace(node, Ins::str("aws:kms"), ops)?;
            set(map, vec![kms_key_entry()], Mode::AddMissing, ops)
        }
        AddKmsKeyId { algorithm } => {
            let (map, _) = find_entry_value(root, *algorithm)?;
            set(map, vec![kms_key_entry()], Mode::AddMissing, ops)
        }
        AddLogging { resource } => {
            let logging = Ins::map(vec![
                (
                    "DestinationBucketName",
                    Ins::placeholder(1, LOG_BUCKET_PLACEHOLDER),
                ),
                (
                    "LogFilePrefix",
                    Ins::Placeholder {
                        n: 2,
                        text: format!("{}/", resource.to_lowercase()).into(),
                    },
                ),
            ]);
            props(
                root,
                resource,
                vec![("LoggingConfiguration", logging)],
                Mode::AddMissing,
                ops,
            )
        }
        SetLoggingDestination { resource } => {
            let dest = Ins::placeholder(1, LOG_BUCKET_PLACEHOLDER);
            let logging = resource_node(root, resource)
                .and_then(|(_, _, r)| r.get("Properties"))
                .and_then(|p| p.get("LoggingConfiguration"));
            match logging.and_then(|l| l.get("DestinationBucketName")) {
                Some(node) if is_plain_mapping(logging?) => replace(node, dest, ops),
                _ => props(
                    root,
                    resource,
                    vec![(
                        "LoggingConfiguration",
                        Ins::map(vec![("DestinationBucketName", dest)]),
                    )],
                    Mode::Ensure,
                    ops,
                ),
            }
        }
        AddMetrics { resource } => {
            let metrics = Ins::Seq(vec![Ins::map(vec![("Id", Ins::str("EntireBucket"))])]);
            props(
                root,
                resource,
                vec![("MetricsConfigurations", metrics)],
                Mode::AddMissing,
                ops,
            )
        }
        EnableVersioning { resource } => {
            let v = Ins::map(vec![("Status", Ins::str("Enabled"))]);
            props(
                root,
                resource,
                vec![("VersioningConfiguration", v)],
                Mode::Ensure,
                ops,
            )
        }
        AddLifecycle { resource } => {
            let lc = Ins::map(vec![("Rules", Ins::Seq(vec![noncurrent_rule()]))]);
            props(
                root,
                resource,
                vec![("LifecycleConfiguration", lc)],
                Mode::AddMissing,
                ops,
            )
        }
        AddLifecycleRuleId { rule } => {
            let node = find_node(root, *rule, Node::is_mapping)?;
            set(
                node,
                vec![("Id".into(), Ins::placeholder(1, "lifecycle-rule"))],
                Mode::AddMissing,
                ops,
            )
        }
        AddNoncurrentExpiration { resource } => {
            let lc = Ins::map(vec![("Rules", Ins::Seq(vec![noncurrent_rule()]))]);
            props(
                root,
                resource,
                vec![("LifecycleConfiguration", lc)],
                Mode::Ensure,
                ops,
            )
        }
        AddObjectLockRetention { resource } => {
            let existing = resource_node(root, resource)
                .and_then(|(_, _, r)| r.get("Properties"))
                .and_then(|p| p.get("ObjectLockConfiguration"))
                .and_then(|o| o.get("Rule"))
                .and_then(|r| r.get("DefaultRetention"));
            let mut retention = vec![("Mode", Ins::placeholder(1, "GOVERNANCE"))];
            if existing.and_then(|d| d.get("Years")).is_none() {
                retention.push(("Days", Ins::placeholder(2, "30")));
            }
            let olc = Ins::map(vec![
                ("ObjectLockEnabled", Ins::str("Enabled")),
                (
                    "Rule",
                    Ins::map(vec![("DefaultRetention", Ins::map(retention))]),
                ),
            ]);
            props(
                root,
                resource,
                vec![("ObjectLockConfiguration", olc)],
                Mode::AddMissing,
                ops,
            )
        }
        RedirectHttps { redirect } => {
            let node = find_node(root, *redirect, Node::is_mapping)?;
            set(
                node,
                vec![("Protocol".into(), Ins::str("https"))],
                Mode::Ensure,
                ops,
            )
        }
        AddVpcConfiguration { resource } => {
            let vpc = Ins::map(vec![("VpcId", Ins::placeholder(1, VPC_PLACEHOLDER))]);
            props(
                root,
                resource,
                vec![("VpcConfiguration", vpc)],
                Mode::AddMissing,
                ops,
            )
        }
        AddTags { resource } => {
            let tag = Ins::map(vec![
                ("Key", Ins::placeholder(1, "Owner")),
                ("Value", Ins::placeholder(2, "team-name")),
            ]);
            props(
                root,
                resource,
                vec![("Tags", Ins::Seq(vec![tag]))],
                Mode::AddMissing,
                ops,
            )
        }
        SuppressForResource { resource, rule } => {
            let (_, _, res) = resource_node(root, resource)?;
            let ignore = Ins::map(vec![(
                "ignore",
                Ins::Seq(vec![Ins::Str(rule.clone().into())]),
            )]);
            let meta = Ins::map(vec![("bucketguard", ignore)]);
            set(res, vec![("Metadata".into(), meta)], Mode::Ensure, ops)
        }
        AddInventory { resource } => {
            let inv = Ins::map(vec![
                ("Id", Ins::placeholder(1, "weekly-inventory")),
                ("Enabled", Ins::Bool(true)),
                (
                    "Destination",
                    Ins::map(vec![
                        (
                            "BucketArn",
                            Ins::placeholder(2, "arn:aws:s3:::inventory-bucket"),
                        ),
                        ("Format", Ins::str("CSV")),
                    ]),
                ),
                ("IncludedObjectVersions", Ins::str("Current")),
                ("ScheduleFrequency", Ins::str("Weekly")),
            ]);
            props(
                root,
                resource,
                vec![("InventoryConfigurations", Ins::Seq(vec![inv]))],
                Mode::AddMissing,
                ops,
            )
        }
    }
}

fn kms_key_entry() -> (InsText, Ins) {
    (
        "KMSMasterKeyID".into(),
        Ins::placeholder(1, KMS_KEY_PLACEHOLDER),
    )
}

/// A lifecycle rule expiring noncurrent versions and stale uploads.
fn noncurrent_rule() -> Ins {
    Ins::map(vec![
        ("Id", Ins::placeholder(1, "expire-noncurrent-versions")),
        ("Status", Ins::str("Enabled")),
        (
            "NoncurrentVersionExpiration",
            Ins::map(vec![("NoncurrentDays", Ins::placeholder(2, "90"))]),
        ),
        (
            "AbortIncompleteMultipartUpload",
            Ins::map(vec![("DaysAfterInitiation", Ins::Int(7))]),
        ),
    ])
}

/// The statement denying requests that do not use TLS.
fn tls_statement(bucket: &str) -> Ins {
    Ins::map(vec![
        ("Sid", Ins::str("DenyInsecureTransport")),
        ("Effect", Ins::str("Deny")),
        ("Principal", Ins::str("*")),
        ("Action", Ins::str("s3:*")),
        (
            "Resource",
            Ins::Seq(vec![
                Ins::GetAtt(bucket.to_string(), "Arn".to_string()),
                Ins::Sub(format!("${{{bucket}.Arn}}/*")),
            ]),
        ),
        (
            "Condition",
            Ins::map(vec![(
                "Bool",
                Ins::map(vec![("aws:SecureTransport", Ins::str("false"))]),
            )]),
        ),
    ])
}

fn tls_deny<'a>(
    root: &'a Tpl<'a>,
    bucket: &str,
    policy: Option<&str>,
    ops: &mut Vec<Op<'a>>,
) -> Option<()> {
    let statement = tls_statement(bucket);
    if let Some(policy) = policy {
        let (_, _, res) = resource_node(root, policy)?;
        let doc = Ins::map(vec![("Statement", Ins::Seq(vec![statement]))]);
        let props = Ins::map(vec![("PolicyDocument", doc)]);
        return set(res, vec![("Properties".into(), props)], Mode::Ensure, ops);
    }
    let (resources, index, _) = resource_node(root, bucket)?;
    let id = unique_id(root, &format!("{bucket}TlsPolicy"));
    let resource = Ins::map(vec![
        ("Type", Ins::str("AWS::S3::BucketPolicy")),
        (
            "Properties",
            Ins::map(vec![
                ("Bucket", Ins::Ref(bucket.to_string())),
                (
                    "PolicyDocument",
                    Ins::map(vec![
                        ("Version", Ins::str("2012-10-17")),
                        ("Statement", Ins::Seq(vec![statement])),
                    ]),
                ),
            ]),
        ),
    ]);
    ops.push(Op::Insert {
        map: resources,
        after: Some(index),
        entries: vec![(id.into(), resource)],
    });
    Some(())
}

/// `base`, or `base2`, `base3`... whichever names no resource or parameter.
fn unique_id(root: &Tpl<'_>, base: &str) -> String {
    let taken = |id: &str| {
        ["Resources", "Parameters"].iter().any(|s| {
            root.get(s)
                .is_some_and(|m| m.entries().iter().any(|e| e.key == id))
        })
    };
    if !taken(base) {
        return base.to_string();
    }
    let mut n = 2;
    loop {
        let id = format!("{base}{n}");
        if !taken(&id) {
            return id;
        }
        n += 1;
    }
}

fn enforce_bucket_owner<'a>(
    root: &'a Tpl<'a>,
    resource: &str,
    ops: &mut Vec<Op<'a>>,
) -> Option<()> {
    let existing = resource_node(root, resource)
        .and_then(|(_, _, r)| r.get("Properties"))
        .and_then(|p| p.get("OwnershipControls"))
        .and_then(|o| o.get("Rules"))
        .and_then(|r| r.items().iter().find_map(|i| i.get("ObjectOwnership")));
    let value = Ins::str("BucketOwnerEnforced");
    if let Some(node) = existing {
        return replace(node, value, ops);
    }
    let rule = Ins::map(vec![("ObjectOwnership", value)]);
    let oc = Ins::map(vec![("Rules", Ins::Seq(vec![rule]))]);
    props(
        root,
        resource,
        vec![("OwnershipControls", oc)],
        Mode::Ensure,
        ops,
    )
}

/// Replace the scalar `node` with `value` unless it already holds it.
fn replace<'a>(node: &'a Node, value: Ins, ops: &mut Vec<Op<'a>>) -> Option<()> {
    if node.from_alias {
        return None;
    }
    if node.tag.is_none() && node.as_str() == edit::scalar_text(&value).as_deref() {
        return Some(());
    }
    ops.push(Op::Replace { node, value });
    Some(())
}

/// Make `Resources.<resource>.Properties` hold `entries`.
fn props<'a>(
    root: &'a Tpl<'a>,
    resource: &str,
    entries: Vec<(&'static str, Ins)>,
    mode: Mode,
    ops: &mut Vec<Op<'a>>,
) -> Option<()> {
    let (_, _, res) = resource_node(root, resource)?;
    if let Some(p) = res.get("Properties") {
        // An intrinsic or a null where the properties should be.
        if !is_plain_mapping(p) {
            return None;
        }
    }
    let props = Ins::map(entries);
    set(res, vec![("Properties".into(), props)], mode, ops)
}

/// The template's root with its resources indexed by logical id.
pub(crate) struct Tpl<'a> {
    root: &'a Node,
    resources: Option<&'a Node>,
    /// Logical id -> position in `Resources`; `None` for a repeated id.
    by_id: HashMap<&'a str, Option<usize>>,
}

impl<'a> Tpl<'a> {
    fn new(root: &'a Node) -> Tpl<'a> {
        let resources = Some(root)
            .filter(|r| is_plain_mapping(r))
            .and_then(|r| single(r, "Resources"))
            .filter(|r| is_plain_mapping(r));
        let mut by_id: HashMap<&str, Option<usize>> = HashMap::new();
        for (i, e) in resources
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            by_id
                .entry(e.key.as_str())
                .and_modify(|v| *v = None)
                .or_insert(Some(i));
        }
        Tpl {
            root,
            resources,
            by_id,
        }
    }
}

impl std::ops::Deref for Tpl<'_> {
    type Target = Node;
    fn deref(&self) -> &Node {
        self.root
    }
}

/// The `Resources` mapping, the index of resource `id` in it, and its value.
fn resource_node<'a>(t: &'a Tpl<'a>, id: &str) -> Option<(&'a Node, usize, &'a Node)> {
    let resources = t.resources?;
    let index = (*t.by_id.get(id)?)?;
    let entry = resources.entries().get(index)?;
    is_plain_mapping(&entry.value).then_some((resources, index, &entry.value))
}

/// The value of `key` when it appears exactly once.
fn single<'a>(map: &'a Node, key: &str) -> Option<&'a Node> {
    let mut it = map.entries().iter().filter(|e| e.key == key);
    let e = it.next()?;
    it.next().is_none().then_some(&e.value)
}

/// The node written at `span` that satisfies `pred`, found by descending
/// only into nodes whose text contains `span`. Copies made by aliases carry
/// the anchor's spans and are skipped; text they copy is refused later.
fn find_node(root: &Node, span: Span, pred: fn(&Node) -> bool) -> Option<&Node> {
    let mut node = root;
    loop {
        if (node.span == span || node.full_span() == span) && pred(node) {
            return Some(node);
        }
        match child_containing(node, span) {
            Some(child) => node = child,
            None => return None,
        }
    }
}

/// The mapping holding the entry whose value is written at `span`, and that value.
fn find_entry_value(root: &Node, span: Span) -> Option<(&Node, &Node)> {
    let mut node = root;
    loop {
        // Only the child holding `span` can be written at it (children
        // that are not alias copies do not overlap).
        let child = child_containing(node, span)?;
        if node.is_mapping() && (child.span == span || child.full_span() == span) {
            return Some((node, child));
        }
        node = child;
    }
}

/// The child of `node` (not an alias copy) whose text holds `span`: by
/// binary search where the children are in source order, else by a scan.
/// A mapping may hold tens of thousands of resources, and one lookup per
/// fix must not scan them all.
fn child_containing(node: &Node, span: Span) -> Option<&Node> {
    let fits = |c: &Node| !c.from_alias && c.full_span().contains_span(span);
    let candidate = if node.is_mapping() {
        let es = node.entries();
        let k = es.partition_point(|e| e.key_span.start <= span.start);
        k.checked_sub(1).and_then(|k| es.get(k)).map(|e| &e.value)
    } else {
        let items = node.items();
        let k = items.partition_point(|c| c.full_span().start <= span.start);
        k.checked_sub(1).and_then(|k| items.get(k))
    };
    match candidate {
        Some(c) if fits(c) => Some(c),
        _ => children(node).find(|c| fits(c)),
    }
}

fn children(node: &Node) -> impl Iterator<Item = &Node> {
    node.entries()
        .iter()
        .map(|e| &e.value)
        .chain(node.items().iter())
}
