//! Finding and loading the config file that governs a path: the nearest
//! `bucketguard.toml` or `.bucketguard.toml` in the file's folder or any
//! folder above it. Shared by `check` and the language server, so the
//! editor and CI read the same settings.
//!
//! This module does file I/O; [`crate::config`] does the parsing.

use crate::config::{self, Config, ConfigError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use thiserror::Error;

/// A config file that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProjectError {
    #[error("cannot read {path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// A config file and where it lives.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// The config file.
    pub path: PathBuf,
    /// Its folder: `exclude` globs are relative to it.
    pub root: PathBuf,
    pub config: Config,
}

impl LoadedConfig {
    /// True when `path` (absolute, or relative to the current folder) is
    /// below this config's folder and matches one of its `exclude` globs.
    pub fn excludes(&self, path: &Path) -> bool {
        let abs = absolute(path);
        match abs.strip_prefix(&self.root) {
            Ok(rel) if !rel.as_os_str().is_empty() => self.config.is_excluded(rel),
            _ => false,
        }
    }
}

/// Read at most `max` bytes of `path`: `Ok(None)` when the file is larger
/// (checked before reading, and again while reading, for a file that grows).
/// Every read of a file to analyse goes through here.
pub fn read_limited(path: &Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > max {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// The regular files directly in `dir`, unsorted. Symlinks are left out,
/// never followed: they may point out of the folder being checked.
pub fn regular_files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.flatten()
        // `DirEntry::file_type` does not follow symlinks.
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect()
}

/// A UTF-8 file of at most `max` bytes, or `None`.
pub fn read_text_limited(path: &Path, max: u64) -> Option<String> {
    read_limited(path, max)
        .ok()
        .flatten()
        .and_then(|b| String::from_utf8(b).ok())
}

/// Read and parse one config file.
pub fn load(path: &Path) -> Result<LoadedConfig, ProjectError> {
    let text = std::fs::read_to_string(path).map_err(|e| ProjectError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let config = config::parse(&path.display().to_string(), &text)?;
    let abs = absolute(path);
    let root = abs
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/"));
    Ok(LoadedConfig {
        path: path.to_path_buf(),
        root,
        config,
    })
}

type Lookup = Result<Option<Arc<LoadedConfig>>, ProjectError>;

/// Config discovery with a cache keyed by folder. Cheap to share between
/// threads.
#[derive(Debug, Default)]
pub struct ConfigCache {
    by_dir: Mutex<HashMap<PathBuf, Lookup>>,
}

impl ConfigCache {
    pub fn new() -> ConfigCache {
        ConfigCache::default()
    }

    /// The config governing the file at `file`.
    pub fn for_file(&self, file: &Path) -> Lookup {
        let abs = absolute(file);
        match abs.parent() {
            Some(dir) => self.for_dir(dir),
            None => Ok(None),
        }
    }

    /// The config governing files in the folder `dir`: the nearest config
    /// file in `dir` or above; `bucketguard.toml` wins over
    /// `.bucketguard.toml` in the same folder.
    pub fn for_dir(&self, dir: &Path) -> Lookup {
        let dir = absolute(dir);
        let mut visited: Vec<PathBuf> = Vec::new();
        let mut found: Option<Lookup> = None;
        for d in dir.ancestors() {
            if let Some(hit) = self.cached(d) {
                found = Some(hit);
                break;
            }
            visited.push(d.to_path_buf());
            if let Some(file) = config::FILE_NAMES
                .iter()
                .map(|n| d.join(n))
                .find(|p| p.is_file())
            {
                found = Some(load(&file).map(|c| Some(Arc::new(c))));
                break;
            }
        }
        let result = found.unwrap_or(Ok(None));
        if let Ok(mut map) = self.by_dir.lock() {
            for d in visited {
                map.insert(d, result.clone());
            }
        }
        result
    }

    /// Forget everything, e.g. after a config file changed.
    pub fn clear(&self) {
        if let Ok(mut map) = self.by_dir.lock() {
            map.clear();
        }
    }

    fn cached(&self, dir: &Path) -> Option<Lookup> {
        self.by_dir.lock().ok()?.get(dir).cloned()
    }
}

/// `path` made absolute against the current folder, without resolving
/// symbolic links; `.` and `..` components are removed lexically.
pub fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
#[path = "project_tests.rs"]
mod tests;
