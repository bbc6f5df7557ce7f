//! The document set of the language server load test and benchmark
//! (`tests/lsp_load.rs`, `benches/lsp_load.rs`, which include it with
//! `#[path]`): 200 documents of every kind an editor opens in an
//! infrastructure repository, and a deterministic script of incremental
//! edits on them.
//!
//! Every document carries the marker `zq` in a name: edits insert or
//! delete (multi-byte) characters right after it, which moves a finding on
//! the same line, toggle a value that adds or removes a finding, add or
//! remove a line at the top, which moves every finding, or break the
//! syntax with a `{` at the start, which the document's next edit removes.
#![allow(dead_code)]

use super::lsp_client::position;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Multi-byte (and one ASCII) insertions.
pub const POOL: &[&str] = &["é", "😀", "名", "a", "ß", "𝄞"];

/// A flow-style properties line: the edited name comes first, then the
/// toggled ACL, then an open CORS rule whose finding is always there, so
/// every insertion in the name moves a finding.
pub fn slot_yaml(i: usize, acl: &str) -> String {
    format!(
        "Properties: {{BucketName: \"zq名前-{i}\", AccessControl: {acl}, CorsConfiguration: {{CorsRules: [{{AllowedOrigins: [\"*\"], AllowedMethods: [GET]}}]}}}}"
    )
}

pub fn slot_json(i: usize, acl: &str) -> String {
    format!(
        "\"Properties\": {{\"BucketName\": \"zq名前-{i}\", \"AccessControl\": \"{acl}\", \"CorsConfiguration\": {{\"CorsRules\": [{{\"AllowedOrigins\": [\"*\"], \"AllowedMethods\": [\"GET\"]}}]}}}}"
    )
}

pub fn small_yaml(i: usize) -> String {
    format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nDescription: 小さい 😀 {i}\nResources:\n  Data{i}:\n    Type: AWS::S3::Bucket\n    {}\n",
        slot_yaml(i, "PublicRead")
    )
}

pub fn small_json(i: usize) -> String {
    format!(
        "{{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Description\": \"小さい 😀 {i}\",\n  \"Resources\": {{\n    \"Data{i}\": {{\n      \"Type\": \"AWS::S3::Bucket\",\n      {}\n    }}\n  }}\n}}\n",
        slot_json(i, "PublicRead")
    )
}

/// The generated 20-bucket template (about 430 lines, 200 findings) with
/// the edited bucket at the end.
pub fn medium_yaml(i: usize) -> String {
    format!(
        "{}  Edited:\n    Type: AWS::S3::Bucket\n    {}\n",
        bucketguard::testgen::cfn_yaml(20),
        slot_yaml(i, "Private")
    )
}

pub fn medium_json(i: usize) -> String {
    let mut s =
        String::from("{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {\n");
    for b in 0..40 {
        let acl = if b % 3 == 0 { "PublicRead" } else { "Private" };
        s.push_str(&format!(
            "    \"B{b}\": {{\"Type\": \"AWS::S3::Bucket\", \"Properties\": {{\"BucketName\": \"データ-{b}\", \"AccessControl\": \"{acl}\"}}}},\n"
        ));
    }
    s.push_str(&format!(
        "    \"Edited\": {{\n      \"Type\": \"AWS::S3::Bucket\",\n      {}\n    }}\n  }}\n}}\n",
        slot_json(i, "Private")
    ));
    s
}

/// Not a template until its type is toggled to `AWS::S3::Bucket`.
pub fn almost_template(i: usize) -> String {
    format!(
        "# 設定 😀 {i}\nResources:\n  Thing{i}:\n    Type: Custom::Thing\n    {}\n",
        slot_yaml(i, "PublicRead")
    )
}

/// A Kubernetes manifest: never a template, whatever the edits.
pub fn manifest(i: usize) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: \"zq名前-{i}\", labels: {{app: web}}}}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers: [{{name: web, image: \"nginx:1.27\"}}]\n"
    )
}

/// The three files of Terraform module `m`: the bucket and its ACL, its
/// versioning (toggling it moves S3-501 in `main.tf`), its encryption.
/// A block comment before each resource header holds the edited text, so
/// insertions move the findings on the header.
pub fn tf_module(m: usize) -> [(&'static str, String); 3] {
    [
        (
            "main.tf",
            format!(
                "/* zq名前 */ resource \"aws_s3_bucket\" \"data\" {{\n  bucket = \"data-{m}\"\n  tags   = {{ owner = \"担当者 😀\" }}\n}}\n\n/* zq */ resource \"aws_s3_bucket_acl\" \"data\" {{\n  bucket = aws_s3_bucket.data.id\n  acl    = \"public-read\"\n}}\n"
            ),
        ),
        (
            "versioning.tf",
            "/* zq */ resource \"aws_s3_bucket_versioning\" \"data\" {\n  bucket = aws_s3_bucket.data.id\n  versioning_configuration { status = \"Suspended\" }\n}\n".to_string(),
        ),
        (
            "encryption.tf",
            "/* zq */ resource \"aws_s3_bucket_server_side_encryption_configuration\" \"data\" {\n  bucket = aws_s3_bucket.data.id\n  rule {\n    apply_server_side_encryption_by_default { sse_algorithm = \"AES256\" }\n  }\n}\n".to_string(),
        ),
    ]
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Yaml,
    Json,
    Hcl,
}

pub struct Doc {
    pub path: PathBuf,
    pub uri: String,
    pub kind: Kind,
    pub language_id: &'static str,
    /// The text as the client holds it: every edit sent is applied here.
    pub text: String,
    /// The last version sent.
    pub version: i64,
    /// The Terraform module (index) this file belongs to.
    pub module: Option<usize>,
    /// The two values a toggle edit swaps (searched after the marker).
    pub toggle: (&'static str, &'static str),
}

/// A small deterministic generator, so the edit script is reproducible.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

pub const MARKER: &str = "zq";
pub const YAML_TOP: &str = "# 注記 😀\n";
pub const HCL_TOP: &str = "# 注記 😀\n";

impl Doc {
    /// One edit of the text: `(start, end, new text)` in bytes.
    pub fn next_edit(&self, rng: &mut XorShift) -> (usize, usize, String) {
        let t = &self.text;
        // A broken document is repaired by its next edit.
        if self.is_broken() {
            return (0, 1, String::new());
        }
        let at = t.find(MARKER).expect("marker") + MARKER.len();
        match rng.below(5) {
            // Break the syntax: an unclosed `{` at the very start.
            4 => (0, 0, "{".to_string()),
            // Toggle the value that adds or removes a finding.
            0 => {
                let (a, b) = self.toggle;
                // After the marker (a medium template has other buckets
                // before it), else anywhere (a type above the marker).
                let base = if t[at..].contains(a) || t[at..].contains(b) {
                    at
                } else {
                    0
                };
                let rest = &t[base..];
                let (from, to) = match (rest.find(a), rest.find(b)) {
                    (Some(x), Some(y)) if y < x => (base + y, b.len()),
                    (Some(x), _) => (base + x, a.len()),
                    (None, Some(y)) => (base + y, b.len()),
                    (None, None) => panic!("no toggle in {t}"),
                };
                let new = if &t[from..from + to] == a { b } else { a };
                (from, from + to, new.to_string())
            }
            // Delete the character after the marker, if the name has one.
            1 => match t[at..].chars().next() {
                Some(c) if !matches!(c, '"' | ' ' | '-') => (at, at + c.len_utf8(), String::new()),
                _ => (at, at, POOL[rng.below(POOL.len())].to_string()),
            },
            // Insert a character after the marker.
            2 => (at, at, POOL[rng.below(POOL.len())].to_string()),
            // Add or remove a line at the top.
            _ => match self.kind {
                Kind::Json if t.starts_with("{\n\n") => (1, 2, String::new()),
                Kind::Json => (1, 1, "\n".to_string()),
                Kind::Yaml if t.starts_with(YAML_TOP) => (0, YAML_TOP.len(), String::new()),
                Kind::Yaml => (0, 0, YAML_TOP.to_string()),
                Kind::Hcl if t.starts_with(HCL_TOP) => (0, HCL_TOP.len(), String::new()),
                Kind::Hcl => (0, 0, HCL_TOP.to_string()),
            },
        }
    }

    /// The text does not parse: a `{` was put at its start (JSON has one
    /// of its own).
    pub fn is_broken(&self) -> bool {
        match self.kind {
            Kind::Json => self.text.starts_with("{{"),
            _ => self.text.starts_with('{'),
        }
    }

    /// The `didOpen` params of the document.
    pub fn did_open(&self) -> Value {
        json!({"textDocument": {"uri": self.uri, "languageId": self.language_id, "version": self.version, "text": self.text}})
    }

    /// Make the next edit of the script: apply it to the text, move to
    /// the next version, and return the `didChange` params (UTF-16
    /// positions).
    pub fn edit(&mut self, rng: &mut XorShift) -> Value {
        let (a, b, new) = self.next_edit(rng);
        let range = json!({
            "start": position(&self.text, a, false),
            "end": position(&self.text, b, false),
        });
        self.version += 1;
        self.text.replace_range(a..b, &new);
        json!({
            "textDocument": {"uri": self.uri, "version": self.version},
            "contentChanges": [{"range": range, "text": new}],
        })
    }
}

/// The documents, written to `root` (Terraform modules must be on disk:
/// the server reads a module's files that are not open).
pub fn documents(root: &Path) -> Vec<Doc> {
    let mut docs = Vec::new();
    let mut add = |name: String,
                   kind: Kind,
                   language_id: &'static str,
                   text: String,
                   module: Option<usize>,
                   toggle: (&'static str, &'static str)| {
        let path = root.join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create folder");
        }
        std::fs::write(&path, &text).expect("write document");
        docs.push(Doc {
            uri: format!("file://{}", path.display()),
            path,
            kind,
            language_id,
            text,
            version: 1,
            module,
            toggle,
        });
    };
    let acl = ("PublicRead", "Private");
    for i in 0..80 {
        add(
            format!("small/s{i}.yaml"),
            Kind::Yaml,
            "yaml",
            small_yaml(i),
            None,
            acl,
        );
    }
    for i in 0..45 {
        add(
            format!("small/s{i}.json"),
            Kind::Json,
            "json",
            small_json(i),
            None,
            acl,
        );
    }
    for i in 0..10 {
        add(
            format!("medium/m{i}.yaml"),
            Kind::Yaml,
            "yaml",
            medium_yaml(i),
            None,
            acl,
        );
    }
    for i in 0..5 {
        add(
            format!("medium/m{i}.json"),
            Kind::Json,
            "json",
            medium_json(i),
            None,
            acl,
        );
    }
    for m in 0..5 {
        for (name, text) in tf_module(m) {
            let toggle = match name {
                "main.tf" => ("\"public-read\"", "\"private\""),
                "versioning.tf" => ("\"Suspended\"", "\"Enabled\""),
                _ => ("\"AES256\"", "\"aws:kms\""),
            };
            add(
                format!("tf{m}/{name}"),
                Kind::Hcl,
                "terraform",
                text,
                Some(m),
                toggle,
            );
        }
    }
    for i in 0..25 {
        add(
            format!("other/app{i}.yaml"),
            Kind::Yaml,
            "yaml",
            almost_template(i),
            None,
            ("Custom::Thing", "AWS::S3::Bucket"),
        );
    }
    for i in 0..20 {
        add(
            format!("other/k8s{i}.yaml"),
            Kind::Yaml,
            "yaml",
            manifest(i),
            None,
            ("replicas: 1", "replicas: 3"),
        );
    }
    docs
}
