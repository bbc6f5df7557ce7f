//! Editor settings: `initializationOptions` (`select`, `ignore`,
//! `severity`, `debounceMs`, `maxFileSize`, `maxDiagnostics`), either at the top level or under a
//! `bucketguard` key.

use crate::rules::Severity;
use crate::settings::{self, Settings};
use serde_json::Value;
use std::time::Duration;

/// The debounce of a burst of changes (see `server::Open::delay`): a
/// change to an idle document after a pause is analysed at once.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(10);

/// Documents larger than this many bytes are not analysed by default.
pub const DEFAULT_MAX_FILE_SIZE: usize = 4 * 1024 * 1024;

/// At most this many findings of one document are published by default
/// (see `convert::capped`): a 4 MiB file can hold 600,000 findings, about
/// 300 MB of JSON, more than any editor can take.
pub const DEFAULT_MAX_DIAGNOSTICS: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Layered over the project's config file.
    pub settings: Settings,
    pub debounce: Duration,
    /// Larger documents get one information diagnostic instead of findings.
    pub max_file_size: usize,
    /// Findings published per document, the most severe first.
    pub max_diagnostics: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            settings: Settings::default(),
            debounce: DEFAULT_DEBOUNCE,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_diagnostics: DEFAULT_MAX_DIAGNOSTICS,
        }
    }
}

/// Read options; problems (unknown selectors, bad values) are returned as
/// warnings and the offending entries skipped.
pub fn parse(value: Option<&Value>) -> (Options, Vec<String>) {
    let mut out = Options::default();
    let mut warnings = Vec::new();
    let Some(value) = value else {
        return (out, warnings);
    };
    let value = value.get("bucketguard").unwrap_or(value);
    let selectors = |key: &str, warnings: &mut Vec<String>| -> Option<Vec<String>> {
        let list = value.get(key)?;
        let Some(items) = list.as_array() else {
            warnings.push(format!("`{key}` must be a list of rule selectors"));
            return None;
        };
        let mut v = Vec::new();
        for item in items {
            match item.as_str() {
                Some(s) if settings::selector_is_valid(s) => v.push(s.to_string()),
                _ => warnings.push(format!("`{key}`: `{item}` is not a rule selector")),
            }
        }
        Some(v)
    };
    out.settings.select = selectors("select", &mut warnings);
    out.settings.ignore = selectors("ignore", &mut warnings).unwrap_or_default();
    if let Some(sev) = value.get("severity") {
        match sev.as_object() {
            Some(map) => {
                for (k, v) in map {
                    match (
                        v.as_str().and_then(Severity::parse),
                        settings::selector_is_valid(k),
                    ) {
                        (Some(s), true) => {
                            out.settings.severity.insert(k.clone(), s);
                        }
                        _ => warnings.push(format!("`severity`: bad entry `{k}` = {v}")),
                    }
                }
            }
            None => warnings.push("`severity` must map selectors to severities".into()),
        }
    }
    if let Some(ms) = value.get("debounceMs") {
        match ms.as_u64() {
            Some(ms) if ms <= 10_000 => out.debounce = Duration::from_millis(ms),
            _ => warnings.push(format!("`debounceMs`: `{ms}` is not 0..=10000")),
        }
    }
    if let Some(n) = value.get("maxFileSize") {
        match n.as_u64().and_then(|n| usize::try_from(n).ok()) {
            Some(n) => out.max_file_size = n,
            None => warnings.push(format!("`maxFileSize`: `{n}` is not a byte count")),
        }
    }
    if let Some(n) = value.get("maxDiagnostics") {
        match n.as_u64().and_then(|n| usize::try_from(n).ok()) {
            Some(n) if n > 0 => out.max_diagnostics = n,
            _ => warnings.push(format!("`maxDiagnostics`: `{n}` is not a positive count")),
        }
    }
    (out, warnings)
}

#[cfg(test)]
#[path = "options_tests.rs"]
mod tests;
