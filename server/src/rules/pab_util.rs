//! The check shared by the public access block flag rules (S3-102..105).
//!
//! - Buckets: a flag absent from an existing block, or set to anything but
//!   `true`, is reported. When the model has an account-level block (TF),
//!   that block covers every bucket and its flags are checked instead.
//! - Access points: AWS turns all four flags on by default, so only a flag
//!   explicitly set to something other than `true` is reported (and not when
//!   the account-level block already turns that flag on).

use super::value_util::bad_values;
use super::Sink;
use crate::fix::{Applicability, FixIntent, NewValue};
use crate::model::{Field, Model, PabFlag, PublicAccessBlock, Val, When};

/// How a flag is named in messages.
pub fn flag_label(flag: PabFlag) -> &'static str {
    match flag {
        PabFlag::BlockPublicAcls => "block public ACLs",
        PabFlag::IgnorePublicAcls => "ignore public ACLs",
        PabFlag::BlockPublicPolicy => "block public policy",
        PabFlag::RestrictPublicBuckets => "restrict public buckets",
    }
}

/// What stays possible while the flag is off.
pub fn flag_risk(flag: PabFlag) -> &'static str {
    match flag {
        PabFlag::BlockPublicAcls => "new ACLs that make data public are accepted",
        PabFlag::IgnorePublicAcls => {
            "public ACLs already on the bucket and its objects still grant access"
        }
        PabFlag::BlockPublicPolicy => "a policy that opens the bucket to everyone can be attached",
        PabFlag::RestrictPublicBuckets => "a public bucket policy still lets anyone in",
    }
}

fn is_not_true(s: &str) -> bool {
    !s.trim().eq_ignore_ascii_case("true")
}

/// True when the account-level block turns `flag` on in every case.
fn account_flag_on(model: &Model, flag: PabFlag) -> bool {
    let Some(block) = &model.account_public_access_block else {
        return false;
    };
    let f: &Field<Val> = &block.flags[flag.index()];
    f.absent_when().is_none() && f.values().all(|(v, _)| v.bool() == Some(true))
}

fn fix_title(flag: PabFlag) -> String {
    format!("Turn on {}", flag_label(flag))
}

pub fn check_flag(model: &Model, sink: &mut Sink, flag: PabFlag) {
    let label = flag_label(flag);
    let risk = flag_risk(flag);
    let title = fix_title(flag);

    if let Some(block) = &model.account_public_access_block {
        check_account(block, sink, flag);
    } else {
        for bucket in &model.buckets {
            let id = &bucket.res.id;
            for (block, bw) in bucket.public_access_block.values() {
                let field = &block.flags[flag.index()];
                if let Some(w) = field.absent_when() {
                    let when = bw.and_all(&w);
                    sink.report(
                        block.span,
                        id,
                        format!(
                            "the public access block of bucket `{id}` does not turn on {label}, so {risk}; set it to true{}",
                            when.describe()
                        ),
                    )
                    .with_fix(&title, Applicability::Safe, FixIntent::EnablePabFlag {
                        resource: id.clone(),
                        flag,
                    });
                }
                for bad in bad_values(field, bw, is_not_true) {
                    let f = sink.report(
                        bad.span,
                        id,
                        format!(
                            "bucket `{id}` sets {label} to {}{} in its public access block, so {risk}; set it to true{}",
                            bad.list(),
                            bad.via(),
                            bad.when.describe()
                        ),
                    );
                    if bad.literal() {
                        f.with_fix(
                            &title,
                            Applicability::Safe,
                            FixIntent::EnablePabFlag {
                                resource: id.clone(),
                                flag,
                            },
                        );
                    }
                }
            }
        }
    }

    if account_flag_on(model, flag) {
        return;
    }
    for ap in &model.access_points {
        let id = &ap.res.id;
        for (block, bw) in ap.public_access_block.values() {
            let field = &block.flags[flag.index()];
            for bad in bad_values(field, bw, is_not_true) {
                let f = sink.report(
                    bad.span,
                    id,
                    format!(
                        "access point `{id}` sets {label} to {}{}, so {risk} through it; set it to true or leave it out (it is on by default){}",
                        bad.list(),
                        bad.via(),
                        bad.when.describe()
                    ),
                );
                if bad.literal() {
                    f.with_fix(
                        &title,
                        Applicability::Safe,
                        FixIntent::EnablePabFlag {
                            resource: id.clone(),
                            flag,
                        },
                    );
                }
            }
        }
    }
}

/// The account-level block: one finding for the whole module.
fn check_account(block: &PublicAccessBlock, sink: &mut Sink, flag: PabFlag) {
    const ACCOUNT: &str = "account";
    let label = flag_label(flag);
    let risk = flag_risk(flag);
    let field = &block.flags[flag.index()];
    if let Some(w) = field.absent_when() {
        sink.report(
            block.span,
            ACCOUNT,
            format!(
                "the account-level public access block does not turn on {label}, so {risk} on any bucket of the account; set it to true{}",
                w.describe()
            ),
        );
    }
    for bad in bad_values(field, &When::always(), is_not_true) {
        let f = sink.report(
            bad.span,
            ACCOUNT,
            format!(
                "the account-level public access block sets {label} to {}{}, so {risk} on any bucket of the account; set it to true{}",
                bad.list(),
                bad.via(),
                bad.when.describe()
            ),
        );
        if bad.literal() {
            f.with_fix(
                &fix_title(flag),
                Applicability::Safe,
                FixIntent::ReplaceValue {
                    span: bad.span,
                    value: NewValue::True,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Field, Model};
    use crate::rules::model_builders::*;
    use crate::rules::{Rule, Severity, Sink};

    static R: Rule = Rule {
        id: "T-1",
        name: "t",
        group: "t",
        severity: Severity::Warning,
        fix: crate::rules::FixAvailability::Safe,
        summary: "",
        doc: "",
        check: |m, s| check_flag(m, s, PabFlag::BlockPublicAcls),
    };

    fn run_on(model: &Model) -> Vec<crate::rules::Finding> {
        let mut sink = Sink::new(&R);
        (R.check)(model, &mut sink);
        sink.findings
    }

    #[test]
    fn absent_flag_in_bucket_block_fires_at_block() {
        let mut b = bucket("B");
        let block = pab([None, Some("true"), Some("true"), Some("true")]);
        let at = block.span;
        b.public_access_block = Field::set(block);
        let f = run_on(&model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].span, at);
        assert!(f[0].message.contains("bucket `B`"), "{}", f[0].message);
        assert!(f[0].fix.is_some());
    }

    #[test]
    fn false_flag_fires_at_value_with_fix() {
        let mut b = bucket("B");
        let block = pab([Some("false"), None, None, None]);
        let at = block.flags[0].alts[0].value.as_ref().map(|v| v.span);
        b.public_access_block = Field::set(block);
        let f = run_on(&model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert_eq!(Some(f[0].span), at);
        assert!(f[0].message.contains("`false`"), "{}", f[0].message);
        assert!(matches!(
            f[0].fix.as_ref().map(|x| &x.intent),
            Some(FixIntent::EnablePabFlag { .. })
        ));
    }

    #[test]
    fn parameter_false_fires_once_without_fix() {
        let mut b = bucket("B");
        let mut block = all_on();
        block.flags[0] = field_of(param("Block", &["true", "false"]));
        b.public_access_block = Field::set(block);
        let f = run_on(&model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("parameter `Block`"),
            "{}",
            f[0].message
        );
        assert!(f[0].fix.is_none());
    }

    #[test]
    fn unknown_and_true_are_silent() {
        let mut b = bucket("B");
        let mut block = all_on();
        block.flags[0] = Field::set(unknown());
        b.public_access_block = Field::set(block);
        let mut c = bucket("C");
        c.public_access_block = Field::set(pab([Some("TRUE"), None, None, None]));
        assert!(run_on(&model_with(vec![b, c])).is_empty());
    }

    #[test]
    fn no_block_is_not_this_rules_business() {
        assert!(run_on(&model_with(vec![bucket("B")])).is_empty());
    }

    #[test]
    fn conditional_flag_names_condition() {
        let mut b = bucket("B");
        let mut block = all_on();
        block.flags[0] = if_else("IsProd", Some(lit("true")), None);
        b.public_access_block = Field::set(block);
        let f = run_on(&model_with(vec![b]));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.ends_with("when condition `IsProd` is false"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn account_block_replaces_bucket_checks() {
        let mut b = bucket("B");
        b.public_access_block = Field::set(pab([Some("false"), None, None, None]));
        let mut m = model_with(vec![b]);
        m.account_public_access_block = Some(all_on());
        assert!(run_on(&m).is_empty());
        m.account_public_access_block = Some(pab([Some("false"), None, None, None]));
        let f = run_on(&m);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("account-level"), "{}", f[0].message);
    }

    #[test]
    fn access_points_fire_only_on_explicit_false() {
        let ap_absent = access_point("A1", Field::set(pab([None, None, None, None])));
        let ap_false = access_point("A2", Field::set(pab([Some("false"), None, None, None])));
        let ap_none = access_point("A3", Field::absent());
        let m = Model {
            access_points: vec![ap_absent, ap_false, ap_none],
            ..Model::default()
        };
        let f = run_on(&m);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("access point `A2`"),
            "{}",
            f[0].message
        );
    }
}
