//! Tests of `project.rs`.

use super::*;

#[test]
fn nearest_config_wins_and_is_cached() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("a/b/c")).unwrap();
    std::fs::write(root.join("bucketguard.toml"), "exclude = [\"x\"]\n").unwrap();
    std::fs::write(root.join("a/b/.bucketguard.toml"), "exclude = [\"y\"]\n").unwrap();
    let cache = ConfigCache::new();
    let c = cache.for_file(&root.join("a/b/c/t.yaml")).unwrap().unwrap();
    assert_eq!(c.config.exclude, vec!["y".to_string()]);
    assert_eq!(c.root, absolute(&root.join("a/b")));
    assert!(c.excludes(&root.join("a/b/c/y/t.yaml")));
    assert!(!c.excludes(&root.join("a/t.yaml")));
    let c = cache.for_file(&root.join("a/t.yaml")).unwrap().unwrap();
    assert_eq!(c.config.exclude, vec!["x".to_string()]);
    // cached: removing the file does not change the answer until cleared
    std::fs::remove_file(root.join("a/b/.bucketguard.toml")).unwrap();
    let c = cache.for_dir(&root.join("a/b/c")).unwrap().unwrap();
    assert_eq!(c.config.exclude, vec!["y".to_string()]);
    cache.clear();
    let c = cache.for_dir(&root.join("a/b/c")).unwrap().unwrap();
    assert_eq!(c.config.exclude, vec!["x".to_string()]);
}

#[test]
fn broken_config_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("bucketguard.toml"), "nope = 1\n").unwrap();
    let cache = ConfigCache::new();
    let e = cache.for_dir(tmp.path()).unwrap_err();
    assert!(e.to_string().contains(":1: `nope`: unknown key"), "{e}");
}

#[test]
fn absolute_is_lexical() {
    let p = absolute(Path::new("/a/./b/../c"));
    assert_eq!(p, PathBuf::from("/a/c"));
}
