//! The format-neutral model of S3 resources.
//!
//! Front ends (CloudFormation today, Terraform later) fill a [`Model`]; rules
//! read only this. Every value keeps the span of the text it came from.
//! A setting that differs between the branches of a condition (`Fn::If`)
//! holds one alternative per branch, each labelled with the conditions
//! under which it applies; a value the front end cannot evaluate is
//! [`Lit::Unknown`], and rules never report an unknown value.

use crate::text::Span;
use foldhash::{HashMap, HashMapExt};

/// One decision of a condition: `name` evaluated to `holds`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cond {
    pub name: String,
    pub holds: bool,
}

/// A conjunction of condition decisions; empty means "always".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct When(pub Vec<Cond>);

impl When {
    pub fn always() -> When {
        When(Vec::new())
    }
    pub fn is_always(&self) -> bool {
        self.0.is_empty()
    }
    pub fn and(&self, cond: Cond) -> When {
        let mut v = self.0.clone();
        if !v.contains(&cond) {
            v.push(cond);
        }
        When(v)
    }
    pub fn and_all(&self, other: &When) -> When {
        let mut w = self.clone();
        for c in &other.0 {
            w = w.and(c.clone());
        }
        w
    }
    /// A message suffix such as " (when condition `IsProd` is true)", or "".
    pub fn describe(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let mut out = String::from(" (when ");
        for (i, c) in self.0.iter().enumerate() {
            if i > 0 {
                out.push_str(" and ");
            }
            out.push_str("condition `");
            out.push_str(&c.name);
            out.push_str("` is ");
            out.push_str(if c.holds { "true" } else { "false" });
        }
        out.push(')');
        out
    }
}

/// A literal value, as text (booleans and numbers too), or unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lit {
    Str(String),
    Unknown,
}

/// One possible value of a scalar setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Val {
    pub lit: Lit,
    /// Where the value is written (for a parameter reference: the reference).
    pub span: Span,
    /// Set when the value comes from elsewhere, e.g. "parameter `Acl`".
    pub via: Option<String>,
    /// True when the value is a literal written at `span`, so a fix may replace it.
    pub literal: bool,
}

impl Val {
    pub fn str(&self) -> Option<&str> {
        match &self.lit {
            Lit::Str(s) => Some(s),
            Lit::Unknown => None,
        }
    }
    /// `Some(b)` for a boolean written as `true`/`false` in any case, quoted or not.
    pub fn bool(&self) -> Option<bool> {
        let s = self.str()?;
        if s.eq_ignore_ascii_case("true") {
            Some(true)
        } else if s.eq_ignore_ascii_case("false") {
            Some(false)
        } else {
            None
        }
    }
    pub fn int(&self) -> Option<i64> {
        self.str()?.trim().parse().ok()
    }
    /// " (from parameter `X`)" or "".
    pub fn describe_via(&self) -> String {
        match &self.via {
            Some(v) => format!(" (from {v})"),
            None => String::new(),
        }
    }
}

/// One alternative of a setting: its value in the branches described by `when`,
/// or `None` when it is not set there (absent, or `AWS::NoValue`).
#[derive(Debug, Clone, PartialEq)]
pub struct Alt<T> {
    pub when: When,
    pub value: Option<T>,
}

/// A setting that may be absent, set, or differ by condition.
/// No alternatives at all means absent in every case.
#[derive(Debug, Clone, PartialEq)]
pub struct Field<T> {
    pub alts: Vec<Alt<T>>,
}

impl<T> Default for Field<T> {
    fn default() -> Self {
        Field { alts: Vec::new() }
    }
}

impl<T> Field<T> {
    pub fn absent() -> Field<T> {
        Field { alts: Vec::new() }
    }
    pub fn set(value: T) -> Field<T> {
        Field {
            alts: vec![Alt {
                when: When::always(),
                value: Some(value),
            }],
        }
    }
    /// When the setting is absent in some case: the conditions of the first
    /// such case (always, when there are no alternatives).
    pub fn absent_when(&self) -> Option<When> {
        if self.alts.is_empty() {
            return Some(When::always());
        }
        self.alts
            .iter()
            .find(|a| a.value.is_none())
            .map(|a| a.when.clone())
    }
    /// True when the setting is present in at least one case.
    pub fn is_present_somewhere(&self) -> bool {
        self.alts.iter().any(|a| a.value.is_some())
    }
    /// Every present value with its conditions.
    pub fn values(&self) -> impl Iterator<Item = (&T, &When)> {
        self.alts
            .iter()
            .filter_map(|a| a.value.as_ref().map(|v| (v, &a.when)))
    }
}

/// An element of a list, present under `when`.
#[derive(Debug, Clone, PartialEq)]
pub struct Item<T> {
    pub when: When,
    pub value: T,
}

/// What a reference to a bucket (or other resource) points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A resource of the same file or module, by its id (CFN logical id,
    /// TF `aws_s3_bucket.NAME`).
    Resource(String),
    /// A literal bucket name.
    Name(String),
    /// Something the engine cannot evaluate.
    Unknown,
}

/// Identity of a resource in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Res {
    /// Logical id (CFN) or `TYPE.NAME` (TF).
    pub id: String,
    /// Where "missing setting" findings point: the logical id key or the resource header.
    pub id_span: Span,
    /// The whole resource.
    pub span: Span,
    /// The resource type as written (`AWS::S3::Bucket`, `aws_s3_bucket`).
    pub kind: String,
    /// The span of the resource type's value, for hover.
    pub kind_span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PabFlag {
    BlockPublicAcls,
    IgnorePublicAcls,
    BlockPublicPolicy,
    RestrictPublicBuckets,
}

impl PabFlag {
    pub const ALL: [PabFlag; 4] = [
        PabFlag::BlockPublicAcls,
        PabFlag::IgnorePublicAcls,
        PabFlag::BlockPublicPolicy,
        PabFlag::RestrictPublicBuckets,
    ];
    pub fn index(self) -> usize {
        self as usize
    }
    /// The CloudFormation property name.
    pub fn cfn_name(self) -> &'static str {
        match self {
            PabFlag::BlockPublicAcls => "BlockPublicAcls",
            PabFlag::IgnorePublicAcls => "IgnorePublicAcls",
            PabFlag::BlockPublicPolicy => "BlockPublicPolicy",
            PabFlag::RestrictPublicBuckets => "RestrictPublicBuckets",
        }
    }
    /// The Terraform argument name.
    pub fn tf_name(self) -> &'static str {
        match self {
            PabFlag::BlockPublicAcls => "block_public_acls",
            PabFlag::IgnorePublicAcls => "ignore_public_acls",
            PabFlag::BlockPublicPolicy => "block_public_policy",
            PabFlag::RestrictPublicBuckets => "restrict_public_buckets",
        }
    }
}

/// A public access block (bucket, access point or account level).
#[derive(Debug, Clone, PartialEq)]
pub struct PublicAccessBlock {
    /// The block (its key, or the settings resource header).
    pub span: Span,
    /// Indexed by [`PabFlag::index`].
    pub flags: [Field<Val>; 4],
}

#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    pub span: Span,
    pub grantee_uri: Field<Val>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SseRule {
    pub span: Span,
    pub algorithm: Field<Val>,
    pub kms_key: Field<Val>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Encryption {
    pub span: Span,
    pub rules: Vec<Item<SseRule>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Logging {
    pub span: Span,
    /// The destination bucket as written.
    pub destination: Field<Val>,
    /// What the destination refers to.
    pub destination_target: Option<Target>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Versioning {
    pub span: Span,
    pub status: Field<Val>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub span: Span,
    pub storage_class: Field<Val>,
    pub days: Field<Val>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LifecycleRule {
    pub span: Span,
    pub id: Field<Val>,
    pub status: Field<Val>,
    pub transitions: Vec<Item<Transition>>,
    pub expiration_days: Field<Val>,
    /// True when the rule expires noncurrent versions (an unknown value counts as true).
    pub expires_noncurrent: bool,
    pub noncurrent_transitions: Vec<Item<Transition>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lifecycle {
    pub span: Span,
    pub rules: Vec<Item<LifecycleRule>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectLock {
    pub span: Span,
    /// The default retention (`Rule.DefaultRetention`), if any.
    pub retention: Field<Retention>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Retention {
    pub span: Span,
    pub mode: Field<Val>,
    pub days: Field<Val>,
    pub years: Field<Val>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CorsRule {
    pub span: Span,
    pub origins: Vec<Item<Val>>,
    pub methods: Vec<Item<Val>>,
    pub headers: Vec<Item<Val>>,
    pub exposed: Vec<Item<Val>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    /// The redirect mapping (where a missing protocol is reported).
    pub span: Span,
    pub protocol: Field<Val>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Website {
    pub span: Span,
    pub redirect_all: Field<Redirect>,
    pub routing_redirects: Vec<Item<Redirect>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    Queue,
    Topic,
    Lambda,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub span: Span,
    pub kind: NotificationKind,
    pub target: Field<Val>,
    /// The queue or topic this refers to, when it is a resource of the file.
    pub target_ref: Option<String>,
}

/// An S3 bucket with everything that configures it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    pub res: Res,
    pub name: Field<Val>,
    pub public_access_block: Field<PublicAccessBlock>,
    pub acl: Field<Val>,
    pub grants: Vec<Item<Grant>>,
    /// Object ownership values (`BucketOwnerEnforced`, ...); absent when no ownership controls.
    pub ownership: Field<Vec<Item<Val>>>,
    pub encryption: Field<Encryption>,
    pub logging: Field<Logging>,
    pub metrics: Field<Span>,
    pub versioning: Field<Versioning>,
    pub lifecycle: Field<Lifecycle>,
    pub object_lock_enabled: Field<Val>,
    pub object_lock: Field<ObjectLock>,
    pub cors: Field<Vec<Item<CorsRule>>>,
    pub website: Field<Website>,
    pub tags: Field<Span>,
    pub inventory: Field<Span>,
    pub notifications: Vec<Item<Notification>>,
}

impl Bucket {
    pub fn new(res: Res) -> Bucket {
        Bucket {
            res,
            name: Field::absent(),
            public_access_block: Field::absent(),
            acl: Field::absent(),
            grants: Vec::new(),
            ownership: Field::absent(),
            encryption: Field::absent(),
            logging: Field::absent(),
            metrics: Field::absent(),
            versioning: Field::absent(),
            lifecycle: Field::absent(),
            object_lock_enabled: Field::absent(),
            object_lock: Field::absent(),
            cors: Field::absent(),
            website: Field::absent(),
            tags: Field::absent(),
            inventory: Field::absent(),
            notifications: Vec::new(),
        }
    }
}

/// A principal as written in a statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub span: Span,
    /// True when the principal is everyone (`"*"` or `{"AWS": "*"}`, alone or in a list).
    pub is_public: bool,
    /// The span of the `*` that makes it public.
    pub public_span: Option<Span>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub span: Span,
    pub effect: Field<Val>,
    pub principal: Option<Principal>,
    pub has_not_principal: Option<Span>,
    pub actions: Option<Vec<Item<Val>>>,
    pub has_not_action: Option<Span>,
    pub has_resource: bool,
    pub has_not_resource: bool,
    /// Condition operator -> key -> values, keys as written (case kept).
    pub conditions: Vec<ConditionEntry>,
    /// True when the statement's `Condition` could not be read (treated as narrowing).
    pub condition_unknown: bool,
    /// Resource strings as written.
    pub resources: Vec<Item<Val>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConditionEntry {
    pub operator: String,
    pub key: String,
    pub values: Vec<Val>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    pub span: Span,
    pub statements: Vec<Item<Statement>>,
    /// The statement list node, where a fix appends (None when not a visible list).
    pub statements_span: Option<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    Bucket,
    AccessPoint,
}

/// A bucket policy (or the inline policy of an access point or bucket).
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub res: Res,
    pub kind: PolicyKind,
    pub bucket: Target,
    /// `None` when the document cannot be read (a reference, an import...).
    pub document: Option<PolicyDocument>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessPointKind {
    Regional,
    MultiRegion,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccessPoint {
    pub res: Res,
    pub kind: AccessPointKind,
    pub bucket: Field<Target>,
    pub bucket_span: Option<Span>,
    pub name: Field<Val>,
    pub public_access_block: Field<PublicAccessBlock>,
    pub vpc_id: Field<Val>,
    /// True when the access point has a VPC configuration written in a form
    /// the engine cannot read (counts as configured).
    pub vpc_unknown: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trail {
    pub res: Res,
    /// Some(true) when it records S3 data events, None when that cannot be known.
    pub s3_data_events: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Queue,
    Topic,
}

/// An SQS queue or SNS topic defined in the same file or module.
#[derive(Debug, Clone, PartialEq)]
pub struct MessagingTarget {
    pub res: Res,
    pub kind: TargetKind,
    /// Some(false) when known to be unencrypted.
    pub encrypted: Option<bool>,
}

/// A literal credential found in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Credential {
    pub span: Span,
    pub what: String,
}

/// Everything the rules look at for one file (or module).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Model {
    pub buckets: Vec<Bucket>,
    pub policies: Vec<Policy>,
    pub access_points: Vec<AccessPoint>,
    pub trails: Vec<Trail>,
    pub messaging: Vec<MessagingTarget>,
    pub credentials: Vec<Credential>,
    /// An account-level public access block (TF) covering every bucket.
    pub account_public_access_block: Option<PublicAccessBlock>,
}

impl Model {
    /// Does `target` designate `bucket`? `Unknown` designates nothing.
    pub fn targets(&self, target: &Target, bucket: &Bucket) -> bool {
        match target {
            Target::Resource(id) => *id == bucket.res.id,
            Target::Name(n) => bucket
                .name
                .values()
                .any(|(v, _)| v.str() == Some(n.as_str())),
            Target::Unknown => false,
        }
    }

    /// Bucket policies indexed by their target, for [`PolicyIndex::of`]
    /// (the bucket policies attached to a bucket), built in linear time.
    pub fn policy_index(&self) -> PolicyIndex<'_> {
        let mut index = PolicyIndex {
            policies: &self.policies,
            by_id: HashMap::new(),
            by_name: HashMap::new(),
        };
        for (i, p) in self.policies.iter().enumerate() {
            if p.kind != PolicyKind::Bucket {
                continue;
            }
            let (map, key) = match &p.bucket {
                Target::Resource(id) => (&mut index.by_id, id),
                Target::Name(n) => (&mut index.by_name, n),
                Target::Unknown => continue,
            };
            map.entry(key.as_str()).or_default().push(i);
        }
        index
    }

    /// True when some bucket policy's target cannot be resolved: it may be
    /// attached to any bucket, so it silences "missing" findings it could satisfy.
    pub fn has_unresolved_policy(&self) -> bool {
        self.policies
            .iter()
            .any(|p| p.kind == PolicyKind::Bucket && p.bucket == Target::Unknown)
    }

    /// Every bucket's access log destination, indexed for
    /// [`LogDestinations::contains`] (does another bucket send its access
    /// logs to this one?), built in linear time.
    pub fn log_destinations(&self) -> LogDestinations<'_> {
        let mut d = LogDestinations::default();
        for b in &self.buckets {
            for (l, _) in b.logging.values() {
                let (map, key) = match &l.destination_target {
                    Some(Target::Resource(id)) => (&mut d.by_id, id),
                    Some(Target::Name(n)) => (&mut d.by_name, n),
                    Some(Target::Unknown) | None => continue,
                };
                map.entry(key).or_default().push(b.res.id.as_str());
            }
        }
        d
    }

    pub fn bucket(&self, id: &str) -> Option<&Bucket> {
        self.buckets.iter().find(|b| b.res.id == id)
    }
}

/// The buckets that receive access logs, with the buckets sending them
/// (see [`Model::log_destinations`]).
#[derive(Debug, Default)]
pub struct LogDestinations<'a> {
    /// Destination resource id -> ids of the buckets logging to it.
    by_id: HashMap<&'a str, Vec<&'a str>>,
    /// Destination bucket name -> ids of the buckets logging to it.
    by_name: HashMap<&'a str, Vec<&'a str>>,
}

impl LogDestinations<'_> {
    /// True when another bucket sends its access logs to `bucket`.
    pub fn contains(&self, bucket: &Bucket) -> bool {
        let id = bucket.res.id.as_str();
        let other =
            |sources: Option<&Vec<&str>>| sources.is_some_and(|s| s.iter().any(|src| *src != id));
        other(self.by_id.get(id))
            || bucket
                .name
                .values()
                .any(|(v, _)| v.str().is_some_and(|n| other(self.by_name.get(n))))
    }
}

/// Bucket policies by target (see [`Model::policy_index`]).
#[derive(Debug)]
pub struct PolicyIndex<'a> {
    policies: &'a [Policy],
    /// Target resource id -> positions in `policies`.
    by_id: HashMap<&'a str, Vec<usize>>,
    /// Target bucket name -> positions in `policies`.
    by_name: HashMap<&'a str, Vec<usize>>,
}

impl<'a> PolicyIndex<'a> {
    /// Bucket policies attached to `bucket`, in model order.
    pub fn of(&self, bucket: &Bucket) -> Vec<&'a Policy> {
        let mut at: Vec<usize> = self
            .by_id
            .get(bucket.res.id.as_str())
            .into_iter()
            .flatten()
            .copied()
            .collect();
        for (v, _) in bucket.name.values() {
            if let Some(found) = v.str().and_then(|n| self.by_name.get(n)) {
                at.extend(found);
            }
        }
        at.sort_unstable();
        at.dedup();
        at.into_iter()
            .filter_map(|i| self.policies.get(i))
            .collect()
    }
}
