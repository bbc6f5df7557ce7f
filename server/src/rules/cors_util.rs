//! Walking the values of CORS rules, shared by S3-601..S3-604.

use crate::model::{Bucket, CorsRule, Item, Model, Val, When};
use crate::text::Span;
use foldhash::{HashSet, HashSetExt};

/// Call `f(bucket, rule, value, when)` for every value of the list `pick`
/// selects in every CORS rule of every bucket, where `when` joins the
/// conditions of the configuration, the rule and the value. `f` returns
/// whether it reported the value; a reported value (by span) is not offered
/// again, since a parameter's candidates share one span.
pub(super) fn each_value<'m>(
    model: &'m Model,
    pick: fn(&CorsRule) -> &[Item<Val>],
    mut f: impl FnMut(&'m Bucket, &'m CorsRule, &'m Val, When) -> bool,
) {
    for bucket in &model.buckets {
        let mut reported: HashSet<Span> = HashSet::new();
        for (rules, cw) in bucket.cors.values() {
            for rule in rules {
                for item in pick(&rule.value) {
                    if reported.contains(&item.value.span) {
                        continue;
                    }
                    let when = cw.and_all(&rule.when).and_all(&item.when);
                    if f(bucket, &rule.value, &item.value, when) {
                        reported.insert(item.value.span);
                    }
                }
            }
        }
    }
}

/// True for a value written as `*`.
pub(super) fn is_wildcard(val: &Val) -> bool {
    val.str().map(str::trim) == Some("*")
}
