//! Tests of `config.rs`.

use super::*;

fn err(text: &str) -> String {
    match parse("bucketguard.toml", text) {
        Ok(_) => panic!("expected an error for {text:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn empty_config_is_default() {
    let c = parse("bucketguard.toml", "").unwrap();
    assert_eq!(c.settings, Settings::default());
    assert!(c.exclude.is_empty());
    assert!(!c.is_excluded(Path::new("a.yaml")));
}

#[test]
fn all_selector_is_always_valid() {
    let c = parse(
        "bucketguard.toml",
        "select = [\"ALL\"]\n[severity]\nALL = \"info\"\n",
    )
    .unwrap();
    assert_eq!(c.settings.select, Some(vec!["ALL".to_string()]));
    assert_eq!(c.settings.severity.get("ALL"), Some(&Severity::Info));
}

#[test]
fn errors_name_key_and_line() {
    assert_eq!(
        err("# c\n\n[severity]\nS3-999 = \"error\"\n"),
        "bucketguard.toml:4: `severity.S3-999`: unknown rule selector"
    );
    assert_eq!(
        err("exclude = []\nselect = \"S3-1\"\n"),
        "bucketguard.toml:2: `select`: expected an array of strings, found string"
    );
    assert_eq!(
        err("select = [\n  \"ALL\",\n  3,\n]\n"),
        "bucketguard.toml:3: `select`: expected an array of strings, found an array holding integer"
    );
    assert_eq!(
        err("\nignore = [\"S3-999\"]\n"),
        "bucketguard.toml:2: `ignore`: unknown rule selector `S3-999`"
    );
    assert_eq!(
        err("[severity]\nALL = \"fatal\"\n"),
        "bucketguard.toml:2: `severity.ALL`: expected \"error\", \"warning\" or \"info\""
    );
    assert_eq!(
        err("severity = 1\n"),
        "bucketguard.toml:1: `severity`: expected a table of rule selectors to \"error\", \"warning\" or \"info\", found integer"
    );
    assert_eq!(
        err("exclude = [\"a\"]\nselects = []\n"),
        "bucketguard.toml:2: `selects`: unknown key; expected one of `select`, `ignore`, `exclude`, `severity`, `max-file-size`"
    );
    assert_eq!(
        err("max-file-size = 0\n"),
        "bucketguard.toml:1: `max-file-size`: expected a positive number of bytes"
    );
    assert_eq!(
        err("max-file-size = \"4MB\"\n"),
        "bucketguard.toml:1: `max-file-size`: expected a positive number of bytes"
    );
    assert_eq!(
        parse("x.toml", "max-file-size = 0x100\n").map(|c| c.max_file_size),
        Ok(Some(256))
    );
    assert_eq!(
        err("exclude = [\"a[\"]\n"),
        "bucketguard.toml:1: `exclude`: invalid glob: unclosed character class; missing ']'"
    );
}

#[test]
fn syntax_errors_have_a_line() {
    let e = err("select = []\nignore = [\n");
    assert!(e.starts_with("bucketguard.toml:"), "{e}");
    assert!(e.contains("invalid TOML"), "{e}");
    let e = err("a = 1\nb = = 2\n");
    assert!(e.starts_with("bucketguard.toml:2: invalid TOML"), "{e}");
}

#[test]
fn exclude_globs() {
    let c = parse(
        "bucketguard.toml",
        "exclude = [\"cdk.out\", \"build/**\", \"*.gen.yaml\", \"/top.yaml\", \"sub/x/\"]\n",
    )
    .unwrap();
    for yes in [
        "cdk.out/a.json",
        "deep/cdk.out/x/a.json",
        "build/a.yaml",
        "build",
        "a.gen.yaml",
        "d/a.gen.yaml",
        "top.yaml",
        "sub/x/a.yaml",
    ] {
        assert!(c.is_excluded(Path::new(yes)), "{yes}");
    }
    for no in [
        "a.yaml",
        "x/build/a.yaml",
        "d/top.yaml",
        "other/sub/x/a.yaml",
        "cdk.outer/a.json",
    ] {
        assert!(!c.is_excluded(Path::new(no)), "{no}");
    }
}
