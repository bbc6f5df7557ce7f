//! `docs/rules.md` is generated from the rule registry. This test fails when
//! it is out of date; `UPDATE_DOCS=1 cargo test --test docs_sync` rewrites it.

use std::path::Path;

#[test]
fn rules_md_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(bucketguard::docs::RULES_DOC_PATH);
    let expected = bucketguard::docs::catalog_markdown(bucketguard::rules::all());
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| !v.is_empty() && v != "0") {
        std::fs::write(&path, &expected).unwrap();
        println!("rewrote {}", path.display());
        return;
    }
    let actual = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .replace("\r\n", "\n");
    assert!(
        actual == expected,
        "{} is out of date with the rule registry; run `UPDATE_DOCS=1 cargo test --test docs_sync` and commit the result",
        path.display()
    );
}
