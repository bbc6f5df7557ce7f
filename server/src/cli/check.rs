//! `bucketguard check`: find the files, load their configs, analyse them in
//! parallel, apply safe fixes when asked, and report.

use super::report::{self, FileReport, Summary};
use super::{github, json, sarif, text, OutputFormat, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::analysis::{self, Analysis, Diagnostic};
use crate::config;
use crate::fix::{self, Edit};
use crate::project::{self, ConfigCache, LoadedConfig, ProjectError};
use crate::settings::Settings;
use crate::text::LineIndex;
use anyhow::{bail, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Extensions of the files a folder walk considers.
const EXTENSIONS: [&str; 5] = ["yaml", "yml", "json", "template", "tf"];

/// Passes of `--fix` before giving up on reaching a fixed point.
const MAX_FIX_PASSES: usize = 10;

/// Show progress on stderr above this many files.
const PROGRESS_THRESHOLD: usize = 200;

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub format: OutputFormat,
    pub fix: bool,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub exit_zero: bool,
    pub config: Option<PathBuf>,
    pub quiet: bool,
    /// `--max-file-size`: wins over every config file's.
    pub max_file_size: Option<u64>,
}

/// Where each file's config comes from.
enum Configs {
    /// `--config PATH`: one config for everything.
    Explicit(Arc<LoadedConfig>),
    /// The nearest config file above each file.
    Discover(ConfigCache),
}

impl Configs {
    fn for_file(&self, path: &Path) -> Result<Option<Arc<LoadedConfig>>, ProjectError> {
        match self {
            Configs::Explicit(c) => Ok(Some(c.clone())),
            Configs::Discover(cache) => cache.for_file(path),
        }
    }

    fn for_dir(&self, dir: &Path) -> Result<Option<Arc<LoadedConfig>>, ProjectError> {
        match self {
            Configs::Explicit(c) => Ok(Some(c.clone())),
            Configs::Discover(cache) => cache.for_dir(dir),
        }
    }
}

/// A file to check.
struct Candidate {
    path: PathBuf,
    /// Named on the command line (not found by a walk).
    explicit: bool,
    settings: Settings,
    /// The config's `max-file-size`, or the default.
    max_file_size: u64,
}

/// What happened to one file.
enum Outcome {
    /// Not a template: nothing to report.
    NotTemplate,
    Checked(FileReport, Vec<String>),
    /// Skipped with a warning (a walked file that is not UTF-8).
    Skipped(String),
    Failed(String),
}

pub fn run(opts: Options) -> Result<u8> {
    let cli_select = parse_selectors("--select", &opts.select)?;
    let cli_ignore = parse_selectors("--ignore", &opts.ignore)?;
    let configs = Arc::new(match &opts.config {
        Some(path) => Configs::Explicit(Arc::new(project::load(path)?)),
        None => Configs::Discover(ConfigCache::new()),
    });
    let overrides = |base: Option<&LoadedConfig>| -> Settings {
        let mut s = base.map(|c| c.config.settings.clone()).unwrap_or_default();
        if !cli_select.is_empty() {
            s.select = Some(cli_select.clone());
            s.ignore.clear();
        }
        s.ignore.extend(cli_ignore.iter().cloned());
        s
    };

    // 1. Find the files and their configs.
    // Absolute path -> (path as found, named explicitly); a file both named
    // and found by a walk is checked once.
    let mut paths: BTreeMap<PathBuf, (PathBuf, bool)> = BTreeMap::new();
    let mut config_errors: BTreeSet<String> = BTreeSet::new();
    for root in &opts.paths {
        if root.is_file() {
            paths.insert(project::absolute(root), (root.clone(), true));
        } else if root.is_dir() {
            // The config governing a folder given on the command line must
            // load, even when no file below it is checked.
            if let Err(e) = configs.for_dir(root) {
                config_errors.insert(e.to_string());
            }
            walk(root, &configs, &mut paths);
        } else {
            bail!("{}: no such file or folder", root.display());
        }
    }
    let mut candidates = Vec::with_capacity(paths.len());
    for (path, explicit) in paths.into_values() {
        match configs.for_file(&path) {
            Ok(c) => candidates.push(Candidate {
                settings: overrides(c.as_deref()),
                max_file_size: opts
                    .max_file_size
                    .or_else(|| c.as_deref().and_then(|c| c.config.max_file_size))
                    .unwrap_or(config::DEFAULT_MAX_FILE_SIZE),
                path,
                explicit,
            }),
            Err(e) => {
                config_errors.insert(e.to_string());
            }
        }
    }
    if !config_errors.is_empty() {
        for e in &config_errors {
            eprintln!("error: {e}");
        }
        return Ok(EXIT_ERROR);
    }

    // 2. Analyse (and fix) in parallel.
    let progress = Progress::new(candidates.len());
    let cwd = project::absolute(Path::new("."));
    // With `--fix`, the Terraform files that may be written: a module is
    // fixed as a whole, but only in the files being checked.
    let tf_targets: BTreeSet<PathBuf> = candidates
        .iter()
        .filter(|c| opts.fix && bucketguard_tf_role(&c.path.to_string_lossy()))
        .map(|c| project::absolute(&c.path))
        .collect();
    let outcomes: Vec<Outcome> = candidates
        .par_iter()
        .map(|c| {
            let out = check_file(c, &cwd, opts.fix, &tf_targets);
            progress.tick();
            out
        })
        .collect();
    progress.finish();

    let mut files = Vec::new();
    let mut failed = false;
    let mut fix_notes = Vec::new();
    for o in outcomes {
        match o {
            Outcome::NotTemplate => {}
            Outcome::Checked(f, notes) => {
                fix_notes.extend(notes);
                files.push(f);
            }
            Outcome::Skipped(w) => eprintln!("warning: {w}"),
            Outcome::Failed(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    files.sort_by(|a, b| a.display.cmp(&b.display));
    let summary = Summary::of(&files);

    // 3. Report.
    if opts.fix && !opts.quiet {
        let mut lines = String::new();
        for note in fix_notes {
            lines.push_str(&format!("warning: {note}\n"));
        }
        for f in files.iter().filter(|f| f.fixed > 0) {
            lines.push_str(&format!(
                "Fixed {} in {}\n",
                report::plural(f.fixed, "problem", "problems"),
                f.display
            ));
        }
        if opts.format == OutputFormat::Text {
            report::print_stdout(&lines)?;
        } else {
            eprint!("{lines}");
        }
    }
    match opts.format {
        OutputFormat::Text => {
            let style = text::Style::detect();
            report::write_stdout(|w| text::write(w, &files, &summary, style, opts.quiet))?
        }
        OutputFormat::Json => report::write_stdout(|w| json::write(w, &files, &summary))?,
        OutputFormat::Sarif => report::write_stdout(|w| sarif::write(w, &files, !failed))?,
        OutputFormat::Github => report::write_stdout(|w| github::write(w, &files))?,
    }

    Ok(if failed {
        EXIT_ERROR
    } else if summary.problems > 0 && !opts.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

/// Split and check `--select`/`--ignore` values.
fn parse_selectors(flag: &str, values: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for v in values {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        if !config::selector_ok(v) {
            bail!("{flag}: unknown rule selector `{v}`; run `bucketguard rules` to list the rules");
        }
        out.push(v.to_string());
    }
    Ok(out)
}

fn has_candidate_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Walk a folder honouring `.gitignore` (inside a Git repository or not),
/// `.ignore` and the configs' `exclude` globs.
fn walk(root: &Path, configs: &Arc<Configs>, out: &mut BTreeMap<PathBuf, (PathBuf, bool)>) {
    let filter_configs = configs.clone();
    let walker = ignore::WalkBuilder::new(root)
        .require_git(false)
        // Never follow a symlink: it may lead out of the folder (or loop).
        // A symlinked file is reported as a symlink and skipped below.
        .follow_links(false)
        .filter_entry(move |entry| {
            if entry.depth() == 0 {
                return true;
            }
            let path = entry.path();
            let config = if entry.file_type().is_some_and(|t| t.is_dir()) {
                // A folder is excluded by the config that governs its parent.
                match path.parent() {
                    Some(p) => filter_configs.for_dir(p),
                    None => Ok(None),
                }
            } else {
                filter_configs.for_file(path)
            };
            // A broken config is reported when its files are checked.
            !matches!(config, Ok(Some(c)) if c.excludes(path))
        })
        .build();
    for entry in walker {
        match entry {
            Ok(e) => {
                if e.file_type().is_some_and(|t| t.is_file()) && has_candidate_extension(e.path()) {
                    let path = e.into_path();
                    out.entry(project::absolute(&path)).or_insert((path, false));
                }
            }
            Err(err) => eprintln!("warning: {err}"),
        }
    }
}

fn check_file(c: &Candidate, cwd: &Path, fix: bool, tf_targets: &BTreeSet<PathBuf>) -> Outcome {
    let bytes = match project::read_limited(&c.path, c.max_file_size) {
        Ok(Some(b)) => b,
        Ok(None) => {
            let size = std::fs::metadata(&c.path).map(|m| m.len()).unwrap_or(0);
            let msg = format!(
                "{}: not checked: {size} bytes, more than `max-file-size` ({})",
                c.path.display(),
                c.max_file_size
            );
            return if c.explicit {
                Outcome::Failed(msg)
            } else {
                Outcome::Skipped(msg)
            };
        }
        Err(e) => return Outcome::Failed(format!("cannot read {}: {e}", c.path.display())),
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) if c.explicit => {
            return Outcome::Failed(format!("{}: not valid UTF-8", c.path.display()));
        }
        Err(_) => {
            return Outcome::Skipped(format!("{}: not valid UTF-8, skipped", c.path.display()));
        }
    };
    let name = c.path.to_string_lossy();
    let terraform = bucketguard_tf_role(&name);
    let (text, analysis, fixed, notes) = if terraform && fix {
        // The file's module is fixed as a whole (once per folder).
        let f = super::terraform::fix_in_module(
            &c.path,
            &text,
            &c.settings,
            c.max_file_size,
            tf_targets,
            MAX_FIX_PASSES,
        );
        let notes = fix_notes(&c.path, f.broke_syntax);
        (f.text, f.analysis, f.fixed, notes)
    } else if terraform {
        // A Terraform file is analysed with its module.
        let a = super::terraform::analyze_in_module(&c.path, &text, &c.settings, c.max_file_size);
        (text, a, 0, Vec::new())
    } else if fix {
        let r = fix_until_stable(&name, text, &c.settings);
        let notes = fix_notes(&c.path, r.broke_syntax);
        (r.text, r.analysis, r.fixed, notes)
    } else {
        let a = analysis::analyze(&name, &text, &c.settings);
        (text, a, 0, Vec::new())
    };
    // The one file write of the product: the fixed file, by the job that
    // read it.
    if fixed > 0 {
        if let Err(e) = std::fs::write(&c.path, &text) {
            return Outcome::Failed(format!("cannot write {}: {e}", c.path.display()));
        }
    }
    if !analysis.is_template {
        return Outcome::NotTemplate;
    }
    let (display, uri) = display_and_uri(&c.path, cwd);
    Outcome::Checked(
        FileReport {
            display,
            uri,
            index: LineIndex::new(&text),
            text,
            diagnostics: analysis.diagnostics,
            fixed,
        },
        notes,
    )
}

fn bucketguard_tf_role(name: &str) -> bool {
    matches!(
        crate::tf::Role::of(name),
        Some(crate::tf::Role::Hcl | crate::tf::Role::Json)
    )
}

struct FixResult {
    text: String,
    analysis: Analysis,
    fixed: usize,
    broke_syntax: bool,
}

/// Apply safe fixes until none remain (or [`MAX_FIX_PASSES`]), re-analysing
/// after each pass. A pass that would introduce a syntax error is undone.
fn fix_until_stable(name: &str, mut text: String, settings: &Settings) -> FixResult {
    let mut analysis = analysis::analyze(name, &text, settings);
    let mut fixed = 0;
    let mut broke_syntax = false;
    for _ in 0..MAX_FIX_PASSES {
        let (edits, count) = safe_edits(&analysis.diagnostics);
        if count == 0 {
            break;
        }
        let (new_text, _) = fix::apply_edits(&text, &edits);
        if new_text == text {
            break;
        }
        let new_analysis = analysis::analyze(name, &new_text, settings);
        let had_error = analysis::has_syntax_error(&analysis.diagnostics);
        if !had_error && analysis::has_syntax_error(&new_analysis.diagnostics) {
            broke_syntax = true;
            break;
        }
        fixed += count;
        text = new_text;
        analysis = new_analysis;
    }
    FixResult {
        text,
        analysis,
        fixed,
        broke_syntax,
    }
}

/// The warnings of `check --fix` for `path`: one when its last fix pass
/// was undone because it broke the syntax.
fn fix_notes(path: &Path, broke_syntax: bool) -> Vec<String> {
    broke_syntax
        .then(|| {
            format!(
                "{}: a fix produced invalid syntax and was not applied; please report this",
                path.display()
            )
        })
        .into_iter()
        .collect()
}

/// The edits of the safe fixes that do not overlap an earlier one; whole
/// fixes are taken or left, never half of one. Returns the edits and the
/// number of fixes they make.
pub fn safe_edits(ds: &[Diagnostic]) -> (Vec<Edit>, usize) {
    let mut taken: Vec<Edit> = Vec::new();
    let mut count = 0;
    let mut fixes: Vec<&fix::Fix> = ds
        .iter()
        .filter(|d| report::is_safe_fix(d))
        .filter_map(|d| d.fix.as_ref())
        .collect();
    fixes.sort_by_key(|f| f.edits.iter().map(|e| e.span.start).min());
    // Start -> end of every taken edit. Taken edits never clash, so their
    // ends grow with their starts, and the one starting last before an
    // edit's end is the only one that can reach into it.
    let mut ends: BTreeMap<usize, usize> = BTreeMap::new();
    for f in fixes {
        // A fix whose own edits clash cannot be applied (none should).
        let self_clash = f.edits.iter().enumerate().any(|(i, a)| {
            f.edits[i + 1..].iter().any(|b| {
                (a.span.start < b.span.end && b.span.start < a.span.end)
                    || a.span.start == b.span.start
            })
        });
        let clashes = self_clash
            || f.edits.iter().any(|e| {
                ends.contains_key(&e.span.start)
                    || ends
                        .range(..e.span.end)
                        .next_back()
                        .is_some_and(|(_, &end)| end > e.span.start)
            });
        if clashes {
            continue;
        }
        for e in &f.edits {
            let end = ends.entry(e.span.start).or_insert(e.span.end);
            *end = (*end).max(e.span.end);
        }
        taken.extend(f.edits.iter().cloned());
        count += 1;
    }
    (taken, count)
}

fn display_and_uri(path: &Path, cwd: &Path) -> (String, String) {
    let abs = project::absolute(path);
    match abs.strip_prefix(cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => {
            let slashed: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            (
                rel.display().to_string(),
                report::uri_encode(&slashed.join("/")),
            )
        }
        _ => {
            let s = abs.to_string_lossy().replace('\\', "/");
            let s = if s.starts_with('/') {
                s
            } else {
                format!("/{s}")
            };
            (
                abs.display().to_string(),
                format!("file://{}", report::uri_encode(&s)),
            )
        }
    }
}

/// A "Checking n/N files" line on stderr, only when stderr is a terminal and
/// there are many files.
struct Progress {
    total: usize,
    done: AtomicUsize,
    enabled: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            done: AtomicUsize::new(0),
            enabled: total > PROGRESS_THRESHOLD && std::io::stderr().is_terminal(),
        }
    }
    fn tick(&self) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.enabled && (n % 50 == 0 || n == self.total) {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\rChecking {n}/{} files", self.total);
            let _ = err.flush();
        }
    }
    fn finish(&self) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::{Applicability, Fix};
    use crate::rules::Severity;
    use crate::text::Span;

    fn diag(edits: &[(usize, usize)], app: Applicability) -> Diagnostic {
        Diagnostic {
            code: "S3-000".into(),
            span: Span::new(0, 1),
            severity: Severity::Error,
            message: "m".into(),
            resource: None,
            related: Vec::new(),
            fix: Some(Fix {
                title: "t".into(),
                applicability: app,
                edits: edits
                    .iter()
                    .map(|&(s, e)| Edit {
                        span: Span::new(s, e),
                        text: "x".into(),
                        snippet: None,
                    })
                    .collect(),
            }),
        }
    }

    #[test]
    fn safe_edits_take_whole_non_overlapping_safe_fixes() {
        let ds = vec![
            diag(&[(0, 2), (10, 12)], Applicability::Safe),
            diag(&[(11, 13)], Applicability::Safe),
            diag(&[(20, 21)], Applicability::NeedsInput),
            diag(&[(30, 31)], Applicability::Safe),
        ];
        let (edits, n) = safe_edits(&ds);
        assert_eq!(n, 2);
        let spans: Vec<_> = edits.iter().map(|e| (e.span.start, e.span.end)).collect();
        assert_eq!(spans, vec![(0, 2), (10, 12), (30, 31)]);
    }

    /// The indexed clash check takes exactly the fixes the plain pairwise
    /// check takes, on many random sets of edits (empty ones included).
    #[test]
    fn safe_edits_match_the_pairwise_check() {
        fn overlaps(a: Span, b: Span) -> bool {
            (a.start < b.end && b.start < a.end) || a.start == b.start
        }
        fn plain(ds: &[Diagnostic]) -> Vec<(usize, usize)> {
            let mut fixes: Vec<&Fix> = ds.iter().filter_map(|d| d.fix.as_ref()).collect();
            fixes.sort_by_key(|f| f.edits.iter().map(|e| e.span.start).min());
            let mut taken: Vec<Span> = Vec::new();
            for f in fixes {
                let own = f
                    .edits
                    .iter()
                    .enumerate()
                    .any(|(i, a)| f.edits[i + 1..].iter().any(|b| overlaps(a.span, b.span)));
                if own
                    || f.edits
                        .iter()
                        .any(|e| taken.iter().any(|t| overlaps(e.span, *t)))
                {
                    continue;
                }
                taken.extend(f.edits.iter().map(|e| e.span));
            }
            taken.iter().map(|s| (s.start, s.end)).collect()
        }
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as usize
        };
        for _ in 0..2000 {
            let ds: Vec<Diagnostic> = (0..next(12))
                .map(|_| {
                    let edits: Vec<(usize, usize)> = (0..1 + next(3))
                        .map(|_| {
                            let s = next(40);
                            (s, s + next(4))
                        })
                        .collect();
                    diag(&edits, Applicability::Safe)
                })
                .collect();
            let (edits, _) = safe_edits(&ds);
            let got: Vec<_> = edits.iter().map(|e| (e.span.start, e.span.end)).collect();
            assert_eq!(got, plain(&ds));
        }
    }

    #[test]
    fn extensions() {
        assert!(has_candidate_extension(Path::new("a/b.YAML")));
        assert!(has_candidate_extension(Path::new("b.template")));
        assert!(has_candidate_extension(Path::new("b.tf")));
        assert!(has_candidate_extension(Path::new("b.tf.json")));
        assert!(!has_candidate_extension(Path::new("b.tfvars")));
        assert!(!has_candidate_extension(Path::new("yaml")));
    }
}
