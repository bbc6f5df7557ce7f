//! Helpers for rules that look at scalar settings: grouping the values a
//! parameter may take, so one reference is reported once.

use crate::model::{Field, Val, When};
use crate::text::Span;

/// The bad values found at one place: a literal, or a parameter reference
/// whose default or allowed values include bad ones.
#[derive(Debug)]
pub struct BadAt<'a> {
    pub span: Span,
    pub when: When,
    /// Every bad value written (or reachable) at `span`, first one first.
    pub vals: Vec<&'a Val>,
}

impl BadAt<'_> {
    /// The first bad value (there is always one).
    pub fn first(&self) -> &Val {
        self.vals[0]
    }
    /// True when a fix may replace the text at `span`.
    pub fn literal(&self) -> bool {
        self.vals.iter().all(|v| v.literal)
    }
    /// The bad values as "`A`" or "`A` or `B`".
    pub fn list(&self) -> String {
        let mut names: Vec<String> = Vec::new();
        for v in &self.vals {
            let s = format!("`{}`", v.str().unwrap_or("?"));
            if !names.contains(&s) {
                names.push(s);
            }
        }
        names.join(" or ")
    }
    /// " (from parameter `X`)" or "".
    pub fn via(&self) -> String {
        self.first().describe_via()
    }
}

/// Group the known values of `field` for which `bad` holds by span.
/// Unknown values never count.
pub fn bad_values<'a>(
    field: &'a Field<Val>,
    outer: &When,
    bad: impl Fn(&str) -> bool,
) -> Vec<BadAt<'a>> {
    let mut out: Vec<BadAt<'a>> = Vec::new();
    for (val, when) in field.values() {
        let Some(s) = val.str() else { continue };
        if !bad(s) {
            continue;
        }
        let when = outer.and_all(when);
        if let Some(b) = out
            .iter_mut()
            .find(|b| b.span == val.span && b.when == when)
        {
            b.vals.push(val);
        } else {
            out.push(BadAt {
                span: val.span,
                when,
                vals: vec![val],
            });
        }
    }
    out
}

/// Like [`bad_values`] for a list of values.
pub fn bad_items<'a>(
    items: &'a [crate::model::Item<Val>],
    outer: &When,
    bad: impl Fn(&str) -> bool,
) -> Vec<BadAt<'a>> {
    let mut out: Vec<BadAt<'a>> = Vec::new();
    for item in items {
        let val = &item.value;
        let Some(s) = val.str() else { continue };
        if !bad(s) {
            continue;
        }
        let when = outer.and_all(&item.when);
        if let Some(b) = out
            .iter_mut()
            .find(|b| b.span == val.span && b.when == when)
        {
            b.vals.push(val);
        } else {
            out.push(BadAt {
                span: val.span,
                when,
                vals: vec![val],
            });
        }
    }
    out
}
