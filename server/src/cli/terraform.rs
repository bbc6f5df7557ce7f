//! `check` on Terraform: every `.tf` / `.tf.json` file is analysed with the
//! other files of its folder (its module) and the folder's
//! `terraform.tfvars` / `*.auto.tfvars`, and only its own findings are
//! reported. Each folder's module is analysed once and shared by its files.

use crate::analysis::{self, Analysis};
use crate::settings::Settings;
use crate::tf::Role;
use std::collections::HashMap;
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

/// Analyse `path` (holding `text`) as part of its folder's module.
pub fn analyze_in_module(path: &Path, text: &str, settings: &Settings, max_size: u64) -> Analysis {
    let abs = crate::project::absolute(path);
    let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    let slot = match cache().lock() {
        Ok(mut c) => c.entry(dir.clone()).or_default().clone(),
        Err(_) => Arc::new(OnceLock::new()),
    };
    let result = slot.get_or_init(|| {
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
