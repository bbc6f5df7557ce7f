//! `check` on Terraform: every `.tf` / `.tf.json` file is analysed with the
//! other files of its folder (its module) and the folder's
//! `terraform.tfvars` / `*.auto.tfvars`, and only its own findings are
//! reported. Each folder's module is analysed once and shared by its files.
//! With `--fix`, each folder's module is fixed once, as a whole: fixes in
//! one file can clear findings in another.

use crate::analysis::{self, Analysis};
use crate::settings::Settings;
use crate::tf::Role;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

type ModuleResult = Vec<(PathBuf, Analysis)>;

fn cache() -> &'static Mutex<HashMap<PathBuf, Arc<OnceLock<ModuleResult>>>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<OnceLock<ModuleResult>>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The module files of `dir` (sorted), with `path`'s text replaced by `text`.
/// Only regular files are read: a symlink is never followed (it may point
/// out of the folder being checked), and files over `max_size` are left out.
fn module_files(dir: &Path, path: &Path, text: &str, max_size: u64) -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = Vec::new();
    for p in crate::project::regular_files_in(dir) {
        if Role::of(&p.to_string_lossy()).is_none() || same_file(&p, path) {
            continue;
        }
        if let Some(t) = crate::project::read_text_limited(&p, max_size) {
            out.push((p, t));
        }
    }
    out.push((path.to_path_buf(), text.to_string()));
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || (a.file_name() == b.file_name()
            && crate::project::absolute(a) == crate::project::absolute(b))
}

/// `path` made absolute, and its folder (the module's).
fn file_and_folder(path: &Path) -> (PathBuf, PathBuf) {
    let abs = crate::project::absolute(path);
    let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    (abs, dir)
}

/// The slot of folder `dir` in `cache`: the first file of the folder to
/// ask fills it, the others wait for it and share it. A poisoned cache
/// only loses the sharing.
fn slot<T>(cache: &Mutex<HashMap<PathBuf, Arc<OnceLock<T>>>>, dir: &Path) -> Arc<OnceLock<T>> {
    match cache.lock() {
        Ok(mut c) => c.entry(dir.to_path_buf()).or_default().clone(),
        Err(_) => Arc::new(OnceLock::new()),
    }
}

/// Analyse `path` (holding `text`) as part of its folder's module.
pub fn analyze_in_module(path: &Path, text: &str, settings: &Settings, max_size: u64) -> Analysis {
    let (abs, dir) = file_and_folder(path);
    let cell = slot(cache(), &dir);
    let result = cell.get_or_init(|| {
        let files = module_files(&dir, &abs, text, max_size);
        let refs: Vec<(String, &str)> = files
            .iter()
            .map(|(p, t)| (p.to_string_lossy().to_string(), t.as_str()))
            .collect();
        let pairs: Vec<(&str, &str)> = refs.iter().map(|(p, t)| (p.as_str(), *t)).collect();
        analysis::analyze_module(&pairs, settings)
            .into_iter()
            .map(|(p, a)| (PathBuf::from(p), a))
            .collect()
    });
    result
        .iter()
        .find(|(p, _)| same_file(p, &abs))
        .map(|(_, a)| a.clone())
        .unwrap_or_default()
}

/// What `check --fix` did to one file of a module.
#[derive(Debug, Clone, Default)]
pub struct FixedFile {
    /// The text after the fixes (for the caller to write when `fixed > 0`).
    pub text: String,
    /// The analysis of that text, in its module.
    pub analysis: Analysis,
    /// How many fixes were applied.
    pub fixed: usize,
    /// A fix pass was left undone because it broke the syntax.
    pub broke_syntax: bool,
}

type FixResult = Vec<(PathBuf, FixedFile)>;

fn fix_cache() -> &'static Mutex<HashMap<PathBuf, Arc<OnceLock<FixResult>>>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<OnceLock<FixResult>>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// `check --fix` for `path` (holding `text`): its folder's module is fixed
/// once, for every file of it in `targets` (absolute paths; the other
/// files are read, never written). Safe fixes are applied pass by pass,
/// the module analysed again after each, until none is left or
/// `max_passes`; a pass after which some file no longer parses is undone.
/// Returns what happened to `path`; the caller writes it (each file is
/// written by the job that read it).
pub fn fix_in_module(
    path: &Path,
    text: &str,
    settings: &Settings,
    max_size: u64,
    targets: &BTreeSet<PathBuf>,
    max_passes: usize,
) -> FixedFile {
    let (abs, dir) = file_and_folder(path);
    let cell = slot(fix_cache(), &dir);
    let result = cell.get_or_init(|| {
        let files = module_files(&dir, &abs, text, max_size);
        fix_module(files, settings, targets, max_passes)
    });
    result
        .iter()
        .find(|(p, _)| same_file(p, &abs))
        .map(|(_, f)| f.clone())
        .unwrap_or_default()
}

fn fix_module(
    files: Vec<(PathBuf, String)>,
    settings: &Settings,
    targets: &BTreeSet<PathBuf>,
    max_passes: usize,
) -> FixResult {
    let names: Vec<String> = files
        .iter()
        .map(|(p, _)| p.to_string_lossy().to_string())
        .collect();
    let writable: Vec<bool> = files
        .iter()
        .map(|(p, _)| targets.iter().any(|t| same_file(p, t)))
        .collect();
    let mut texts: Vec<String> = files.into_iter().map(|(_, t)| t).collect();
    let analyse = |texts: &[String]| -> Vec<Analysis> {
        let pairs: Vec<(&str, &str)> = names
            .iter()
            .zip(texts)
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let by_path = analysis::analyze_module(&pairs, settings);
        // One analysis per file, in order (files that are not Terraform
        // have none).
        names
            .iter()
            .map(|n| {
                by_path
                    .iter()
                    .find(|(p, _)| p == n)
                    .map(|(_, a)| a.clone())
                    .unwrap_or_default()
            })
            .collect()
    };
    let mut analyses = analyse(&texts);
    let mut fixed = vec![0usize; texts.len()];
    let mut broke_syntax = vec![false; texts.len()];
    for _ in 0..max_passes {
        let mut next = texts.clone();
        let mut counts = vec![0usize; texts.len()];
        for (i, a) in analyses.iter().enumerate() {
            if !writable.get(i).copied().unwrap_or(false) {
                continue;
            }
            let (edits, count) = super::check::safe_edits(&a.diagnostics);
            if count == 0 {
                continue;
            }
            let (new_text, _) = crate::fix::apply_edits(&texts[i], &edits);
            if new_text != texts[i] {
                next[i] = new_text;
                counts[i] = count;
            }
        }
        if counts.iter().all(|&c| c == 0) {
            break;
        }
        let new_analyses = analyse(&next);
        let broke: Vec<usize> = (0..texts.len())
            .filter(|&i| {
                analysis::has_syntax_error(&new_analyses[i].diagnostics)
                    && !analysis::has_syntax_error(&analyses[i].diagnostics)
            })
            .collect();
        if !broke.is_empty() {
            for (i, c) in counts.iter().enumerate() {
                broke_syntax[i] = *c > 0;
            }
            break;
        }
        for (i, c) in counts.iter().enumerate() {
            fixed[i] += c;
        }
        texts = next;
        analyses = new_analyses;
    }
    names
        .into_iter()
        .zip(texts)
        .zip(analyses)
        .enumerate()
        .map(|(i, ((name, text), analysis))| {
            (
                PathBuf::from(name),
                FixedFile {
                    text,
                    analysis,
                    fixed: fixed[i],
                    broke_syntax: broke_syntax[i],
                },
            )
        })
        .collect()
}
