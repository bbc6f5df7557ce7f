//! Which rules run and how severe they are: the effective configuration
//! after merging the config file, command-line flags and editor settings.

use crate::rules::{self, Rule, Severity};
use std::collections::BTreeMap;

/// A rule selector: a full id (`S3-111`), an id prefix (`S3-1`, `S3`),
/// a rule name (`public-acl`) or `ALL`.
pub fn selector_matches(selector: &str, rule: &Rule) -> bool {
    let s = selector.trim();
    s.eq_ignore_ascii_case("ALL")
        || rule.name == s
        || (s.len() >= 2 && rule.id.len() >= s.len() && rule.id[..s.len()].eq_ignore_ascii_case(s))
}

/// True when `selector` names at least one rule.
pub fn selector_is_valid(selector: &str) -> bool {
    rules::all().iter().any(|r| selector_matches(selector, r))
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Only these rules run (all when `None`).
    pub select: Option<Vec<String>>,
    /// These rules never run; wins over `select`.
    pub ignore: Vec<String>,
    /// Per-rule severity overrides, keyed by selector.
    pub severity: BTreeMap<String, Severity>,
}

impl Settings {
    pub fn is_enabled(&self, rule: &Rule) -> bool {
        let selected = match &self.select {
            Some(sel) => sel.iter().any(|s| selector_matches(s, rule)),
            None => true,
        };
        selected && !self.ignore.iter().any(|s| selector_matches(s, rule))
    }

    /// The severity of `rule`: the most specific matching override (longest
    /// selector), else the rule's default.
    pub fn severity_of(&self, rule: &Rule) -> Severity {
        self.severity_override(rule).unwrap_or(rule.severity)
    }

    /// The configured severity of `rule`, if any selector sets one (the
    /// longest matching selector wins).
    pub fn severity_override(&self, rule: &Rule) -> Option<Severity> {
        self.severity
            .iter()
            .filter(|(k, _)| selector_matches(k, rule))
            .max_by_key(|(k, _)| k.len())
            .map(|(_, v)| *v)
    }

    /// Layer `other` over `self`: its `select` replaces, its `ignore` and
    /// `severity` add to (and override) ours.
    pub fn merged_with(&self, other: &Settings) -> Settings {
        let mut out = self.clone();
        if other.select.is_some() {
            out.select = other.select.clone();
        }
        out.ignore.extend(other.ignore.iter().cloned());
        for (k, v) in &other.severity {
            out.severity.insert(k.clone(), *v);
        }
        out
    }
}
