//! Small builders of model values for the rules' unit tests.

use crate::model::*;
use crate::rules::{Finding, Rule, Sink};
use crate::text::Span;
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(1000);

/// A fresh span, distinct from every other one made here.
pub fn span() -> Span {
    let s = NEXT.fetch_add(10, Ordering::Relaxed);
    Span::new(s, s + 5)
}

pub fn lit(s: &str) -> Val {
    Val {
        lit: Lit::Str(s.to_string()),
        span: span(),
        via: None,
        literal: true,
    }
}

pub fn unknown() -> Val {
    Val {
        lit: Lit::Unknown,
        span: span(),
        via: None,
        literal: false,
    }
}

/// The values a parameter reference may take (default first), all at one span.
pub fn param(name: &str, values: &[&str]) -> Vec<Val> {
    let at = span();
    values
        .iter()
        .map(|v| Val {
            lit: Lit::Str(v.to_string()),
            span: at,
            via: Some(format!("parameter `{name}`")),
            literal: false,
        })
        .collect()
}

pub fn field_of(vals: Vec<Val>) -> Field<Val> {
    Field {
        alts: vals
            .into_iter()
            .map(|v| Alt {
                when: When::always(),
                value: Some(v),
            })
            .collect(),
    }
}

pub fn cond(name: &str, holds: bool) -> When {
    When(vec![Cond {
        name: name.to_string(),
        holds,
    }])
}

/// A field set to `value` when `name` holds and absent otherwise.
pub fn if_else<T>(name: &str, value: Option<T>, other: Option<T>) -> Field<T> {
    Field {
        alts: vec![
            Alt {
                when: cond(name, true),
                value,
            },
            Alt {
                when: cond(name, false),
                value: other,
            },
        ],
    }
}

pub fn res(id: &str, kind: &str) -> Res {
    Res {
        id: id.to_string(),
        id_span: span(),
        span: span(),
        kind: kind.to_string(),
        kind_span: span(),
    }
}

pub fn bucket(id: &str) -> Bucket {
    Bucket::new(res(id, "AWS::S3::Bucket"))
}

/// A public access block with the four flags given (None: absent).
pub fn pab(flags: [Option<&str>; 4]) -> PublicAccessBlock {
    PublicAccessBlock {
        span: span(),
        flags: flags.map(|f| match f {
            Some(v) => Field::set(lit(v)),
            None => Field::absent(),
        }),
    }
}

pub fn all_on() -> PublicAccessBlock {
    pab([Some("true"); 4])
}

pub fn access_point(id: &str, block: Field<PublicAccessBlock>) -> AccessPoint {
    AccessPoint {
        res: res(id, "AWS::S3::AccessPoint"),
        kind: AccessPointKind::Regional,
        bucket: Field::set(Target::Resource("Bucket".into())),
        bucket_span: Some(span()),
        name: Field::absent(),
        public_access_block: block,
        vpc_id: Field::absent(),
        vpc_unknown: false,
    }
}

pub fn sse(algorithm: Field<Val>, kms_key: Field<Val>) -> Encryption {
    Encryption {
        span: span(),
        rules: vec![Item {
            when: When::always(),
            value: SseRule {
                span: span(),
                algorithm,
                kms_key,
            },
        }],
    }
}

pub struct StmtBuilder(Statement);

pub fn stmt(effect: &str) -> StmtBuilder {
    StmtBuilder(Statement {
        span: span(),
        effect: Field::set(lit(effect)),
        principal: None,
        has_not_principal: None,
        actions: Some(vec![Item {
            when: When::always(),
            value: lit("s3:GetObject"),
        }]),
        has_not_action: None,
        has_resource: true,
        has_not_resource: false,
        conditions: Vec::new(),
        condition_unknown: false,
        resources: vec![Item {
            when: When::always(),
            value: lit("arn:aws:s3:::b/*"),
        }],
    })
}

impl StmtBuilder {
    pub fn public_principal(mut self) -> Self {
        self.0.principal = Some(Principal {
            span: span(),
            is_public: true,
            public_span: Some(span()),
        });
        self
    }
    pub fn named_principal(mut self) -> Self {
        self.0.principal = Some(Principal {
            span: span(),
            is_public: false,
            public_span: None,
        });
        self
    }
    pub fn action(mut self, a: &str) -> Self {
        self.0.actions = Some(vec![Item {
            when: When::always(),
            value: lit(a),
        }]);
        self
    }
    pub fn resource(mut self, r: &str) -> Self {
        self.0.resources = vec![Item {
            when: When::always(),
            value: lit(r),
        }];
        self
    }
    pub fn condition(mut self, op: &str, key: &str, values: &[&str]) -> Self {
        self.0.conditions.push(ConditionEntry {
            operator: op.to_string(),
            key: key.to_string(),
            values: values.iter().map(|v| lit(v)).collect(),
        });
        self
    }
    pub fn with(mut self, f: impl FnOnce(&mut Statement)) -> Self {
        f(&mut self.0);
        self
    }
    pub fn build(self) -> Statement {
        self.0
    }
}

pub fn policy(id: &str, bucket: Target, statements: Vec<Statement>) -> Policy {
    Policy {
        res: res(id, "AWS::S3::BucketPolicy"),
        kind: PolicyKind::Bucket,
        bucket,
        document: Some(PolicyDocument {
            span: span(),
            statements: statements
                .into_iter()
                .map(|s| Item {
                    when: When::always(),
                    value: s,
                })
                .collect(),
            statements_span: Some(span()),
        }),
    }
}

/// Run one rule on a model.
pub fn run(rule: &Rule, model: &Model) -> Vec<Finding> {
    let mut sink = Sink::new(rule);
    (rule.check)(model, &mut sink);
    sink.findings
}

pub fn model_with(buckets: Vec<Bucket>) -> Model {
    Model {
        buckets,
        ..Model::default()
    }
}
