//! The project config file, `bucketguard.toml` or `.bucketguard.toml`:
//! parsing and validation only, no I/O (finding the file is
//! [`crate::project`]'s job).
//!
//! ```toml
//! select = ["S3-1", "S3-401"]     # rule selectors; default: all rules
//! ignore = ["versioning-disabled"]
//! exclude = ["cdk.out", "build/**", "*.generated.yaml"]
//! max-file-size = 4194304        # bytes; larger files are skipped (`check`)
//!
//! [severity]
//! S3-4 = "info"
//! S3-111 = "warning"
//! ```
//!
//! Every error names the file, the 1-based line and the key, and unknown
//! keys are errors, so a typo never silently changes what is checked.

use crate::rules::Severity;
use crate::settings::{self, Settings};
use crate::text::LineIndex;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::ops::Range;
use std::path::Path;
use thiserror::Error;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Config file names, in order of preference within one folder.
pub const FILE_NAMES: [&str; 2] = ["bucketguard.toml", ".bucketguard.toml"];

const KEYS: &str = "`select`, `ignore`, `exclude`, `severity`, `max-file-size`";

/// Files larger than this many bytes are not read by `check` unless the
/// config's `max-file-size` says otherwise (the language server has the
/// same default in its `maxFileSize` option).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// A config file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// The file is not valid TOML.
    #[error("{file}:{line}: invalid TOML: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    /// A key is unknown or its value is wrong.
    #[error("{file}:{line}: `{key}`: {message}")]
    Invalid {
        file: String,
        line: usize,
        key: String,
        message: String,
    },
}

/// A parsed config file.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `select`, `ignore` and `severity`.
    pub settings: Settings,
    /// The `exclude` globs as written, relative to the config's folder.
    pub exclude: Vec<String>,
    exclude_set: GlobSet,
    /// `max-file-size`: the largest file `check` reads, in bytes.
    pub max_file_size: Option<u64>,
}

impl Config {
    /// True when `relative` (a path relative to the config's folder, file or
    /// folder) matches an `exclude` glob.
    ///
    /// A glob matches the path itself or any folder above it; a glob without
    /// a `/` matches at any depth, like a `.gitignore` line; `*` does not
    /// cross `/`, `**` does.
    pub fn is_excluded(&self, relative: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        self.exclude_set.is_match(relative)
    }
}

/// Parse the text of a config file. `file` is the name used in errors.
pub fn parse(file: &str, text: &str) -> Result<Config, ConfigError> {
    let index = LineIndex::new(text);
    let line = |span: Range<usize>| index.line_of(span.start) + 1;
    let root = DeTable::parse(text).map_err(|e| ConfigError::Syntax {
        file: file.to_string(),
        line: e.span().map(&line).unwrap_or(1),
        message: e.message().trim().to_string(),
    })?;
    let invalid = |key: &str, span: Range<usize>, message: String| ConfigError::Invalid {
        file: file.to_string(),
        line: line(span),
        key: key.to_string(),
        message,
    };

    let mut config = Config::default();
    for (key, value) in root.get_ref().iter() {
        let name: &str = key.get_ref();
        match name {
            "select" => {
                let sel = strings(name, value, &invalid)?;
                for s in &sel {
                    check_selector(name, s, &invalid)?;
                }
                config.settings.select = Some(sel.into_iter().map(|s| s.into_inner()).collect());
            }
            "ignore" => {
                let sel = strings(name, value, &invalid)?;
                for s in &sel {
                    check_selector(name, s, &invalid)?;
                }
                config.settings.ignore = sel.into_iter().map(|s| s.into_inner()).collect();
            }
            "exclude" => {
                let globs = strings(name, value, &invalid)?;
                let mut builder = GlobSetBuilder::new();
                for g in &globs {
                    for pattern in expand_exclude(g.get_ref()) {
                        let glob = GlobBuilder::new(&pattern)
                            .literal_separator(true)
                            .build()
                            .map_err(|e| {
                                invalid(name, g.span(), format!("invalid glob: {}", e.kind()))
                            })?;
                        builder.add(glob);
                    }
                }
                config.exclude_set = builder
                    .build()
                    .map_err(|e| invalid(name, value.span(), format!("invalid glob: {e}")))?;
                config.exclude = globs.into_iter().map(|g| g.into_inner()).collect();
            }
            "max-file-size" => {
                let n = match value.get_ref() {
                    DeValue::Integer(i) => u64::from_str_radix(i.as_str(), i.radix()).ok(),
                    _ => None,
                };
                match n {
                    Some(n) if n > 0 => config.max_file_size = Some(n),
                    _ => {
                        return Err(invalid(
                            name,
                            value.span(),
                            "expected a positive number of bytes".into(),
                        ))
                    }
                }
            }
            "severity" => {
                let DeValue::Table(table) = value.get_ref() else {
                    return Err(invalid(
                        name,
                        value.span(),
                        format!(
                            "expected a table of rule selectors to \"error\", \"warning\" or \"info\", found {}",
                            value.get_ref().type_str()
                        ),
                    ));
                };
                for (sel, level) in table.iter() {
                    let sel_name: &str = sel.get_ref();
                    let full = format!("severity.{sel_name}");
                    if !selector_ok(sel_name) {
                        return Err(invalid(&full, sel.span(), "unknown rule selector".into()));
                    }
                    let sev = level
                        .get_ref()
                        .as_str()
                        .and_then(Severity::parse)
                        .ok_or_else(|| {
                            invalid(
                                &full,
                                level.span(),
                                "expected \"error\", \"warning\" or \"info\"".into(),
                            )
                        })?;
                    config.settings.severity.insert(sel_name.to_string(), sev);
                }
            }
            _ => {
                return Err(invalid(
                    name,
                    key.span(),
                    format!("unknown key; expected one of {KEYS}"),
                ))
            }
        }
    }
    Ok(config)
}

/// True when `selector` is `ALL` or names at least one rule.
pub fn selector_ok(selector: &str) -> bool {
    selector.trim().eq_ignore_ascii_case("ALL") || settings::selector_is_valid(selector)
}

fn check_selector(
    key: &str,
    s: &Spanned<String>,
    invalid: &impl Fn(&str, Range<usize>, String) -> ConfigError,
) -> Result<(), ConfigError> {
    if selector_ok(s.get_ref()) {
        Ok(())
    } else {
        Err(invalid(
            key,
            s.span(),
            format!("unknown rule selector `{}`", s.get_ref()),
        ))
    }
}

fn strings(
    key: &str,
    value: &Spanned<DeValue<'_>>,
    invalid: &impl Fn(&str, Range<usize>, String) -> ConfigError,
) -> Result<Vec<Spanned<String>>, ConfigError> {
    let expected = |found: &str| format!("expected an array of strings, found {found}");
    let DeValue::Array(items) = value.get_ref() else {
        return Err(invalid(
            key,
            value.span(),
            expected(value.get_ref().type_str()),
        ));
    };
    items
        .iter()
        .map(|item| match item.get_ref() {
            DeValue::String(s) => Ok(Spanned::new(item.span(), s.to_string())),
            other => Err(invalid(
                key,
                item.span(),
                expected(&format!("an array holding {}", other.type_str())),
            )),
        })
        .collect()
}

/// The globs an `exclude` entry stands for: the path itself and everything
/// below it, at any depth when the entry has no `/` (a leading `/` anchors
/// it to the config's folder, a trailing one is dropped).
fn expand_exclude(glob: &str) -> Vec<String> {
    let g = glob.trim();
    let anchored = g.starts_with('/') || g.trim_end_matches('/').contains('/');
    let g = g.trim_start_matches("./").trim_start_matches('/');
    let g = g.trim_end_matches('/');
    if g.is_empty() {
        return Vec::new();
    }
    let mut out = vec![g.to_string(), format!("{g}/**")];
    // `build/**` also names the folder itself, so a walk can skip it whole.
    if let Some(dir) = g.strip_suffix("/**").filter(|d| !d.is_empty()) {
        out.push(dir.to_string());
    }
    if !anchored {
        out.push(format!("**/{g}"));
        out.push(format!("**/{g}/**"));
    }
    out
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
