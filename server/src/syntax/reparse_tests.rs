use super::*;

/// A small deterministic generator (no dependency needed for this).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// `reparse` where it applies, else `None`; when it applies, the tree must
/// be the full parse's.
fn check(old: &str, new: &str) -> Option<Document> {
    let before = parse(old, Format::Yaml);
    let got = reparse(old, before, new)?;
    let want = parse(new, Format::Yaml);
    assert_eq!(
        got, want,
        "re-parse differs from a full parse\n--- old\n{old}\n--- new\n{new}"
    );
    Some(got)
}

const TEMPLATE: &str = "\
# A template
AWSTemplateFormatVersion: '2010-09-09'
Description: >
  Buckets.
Parameters:
  Name:
    Type: String
    Default: logs # default
Resources:
  # the first bucket
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Ref Name
      Tags:
        - Key: owner
          Value: 'ops 🎉'
  Data:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: Enabled}
      Notes: |
        keep

# trailing comment
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Data
      PolicyDocument:
        Statement:
        - Effect: Deny
          Principal: '*'
          Action: 's3:*'
Outputs:
  Arn:
    Value: !GetAtt Data.Arn
";

/// Typical edits take the fast path and give the full parse's tree.
#[test]
fn edits_inside_one_entry_are_reparsed() {
    let at = |s: &str| TEMPLATE.find(s).unwrap_or_default();
    let replace = |s: &str, with: &str| TEMPLATE.replacen(s, with, 1);
    let cases = [
        // a value inside a resource
        replace("Status: Enabled", "Status: Suspended"),
        // a property added to a resource
        replace(
            "      BucketName: !Ref Name\n",
            "      BucketName: !Ref Name\n      AccessControl: PublicRead\n",
        ),
        // a resource added after another
        replace("  Data:\n", "  New:\n    Type: AWS::S3::Bucket\n  Data:\n"),
        // a comment line added at the top, and one removed
        format!("#x\n{TEMPLATE}"),
        TEMPLATE.replacen("# A template\n", "", 1),
        // the last entry of the last section
        replace("Data.Arn", "Data.DomainName"),
        // a top-level scalar
        replace("Buckets.", "Some buckets."),
        // a comment inside a resource
        replace("# default", "# the default"),
        // CJK and emoji before and in the change
        replace("ops 🎉", "運用 🎉🎉"),
    ];
    for new in &cases {
        assert!(check(TEMPLATE, new).is_some(), "not re-parsed:\n{new}");
    }
    assert!(at("Status") > 0);
}

/// Edits that change the structure around the entry are parsed in full.
#[test]
fn structural_edits_are_not_reparsed() {
    let replace = |s: &str, with: &str| TEMPLATE.replacen(s, with, 1);
    let cases = [
        // a resource key moved out to the top level
        replace("  Data:\n", "Data:\n"),
        // the first key of a resource indented further
        replace("  Data:\n", "   Data:\n"),
        // a second document started inside a resource
        replace("      Notes: |\n", "---\n      Notes: |\n"),
        // an alias
        replace("Default: logs", "Default: &n logs\n    Other: *n"),
        // a syntax error
        replace("{Status: Enabled}", "{Status: Enabled"),
        // a directive
        format!("%YAML 1.2\n---\n{TEMPLATE}"),
    ];
    for new in &cases {
        assert!(check(TEMPLATE, new).is_none(), "re-parsed:\n{new}");
    }
    // A duplicate resource is still reported.
    let dup = replace("  Data:\n", "  Logs:\n    Type: AWS::S3::Bucket\n  Data:\n");
    if let Some(doc) = check(TEMPLATE, &dup) {
        assert_eq!(doc.errors.len(), 1);
    }
}

/// The texts edited at random: the template above, the generated one and
/// variants with CRLF line breaks and a BOM.
fn bases() -> Vec<String> {
    vec![
        TEMPLATE.to_string(),
        crate::testgen::cfn_yaml(3),
        TEMPLATE.replace('\n', "\r\n"),
        format!("\u{feff}{TEMPLATE}"),
        format!("---\n{TEMPLATE}"),
    ]
}

fn char_boundary(s: &str, rng: &mut Rng) -> usize {
    let mut at = rng.below(s.len() + 1);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Random edits, each applied to the previous result: wherever the fast
/// path is taken, the tree equals a full parse; and it is taken often.
/// `REPARSE_SEED=N` runs another sequence (for longer searches by hand).
#[test]
fn random_edits_match_a_full_parse() {
    let seed = std::env::var("REPARSE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x2545_f491_4f6c_dd1d);
    let mut rng = Rng(seed);
    let (mut fast, mut total) = (0, 0);
    for base in bases() {
        let mut text = base.clone();
        let mut doc = parse(&text, Format::Yaml);
        for step in 0..1500 {
            if step % 20 == 0 {
                text = base.clone();
                doc = parse(&text, Format::Yaml);
            }
            let from = if rng.below(2) == 0 {
                // Often at a line start.
                let at = char_boundary(&text, &mut rng);
                line_start(&text, at)
            } else {
                char_boundary(&text, &mut rng)
            };
            let mut to = from;
            if rng.below(3) == 0 {
                to = (from + rng.below(12)).min(text.len());
                while !text.is_char_boundary(to) {
                    to -= 1;
                }
            }
            let snippets = crate::testgen::YAML_EDIT_SNIPPETS;
            let snippet = snippets[rng.below(snippets.len())];
            let mut new = String::with_capacity(text.len() + snippet.len());
            new.push_str(&text[..from]);
            new.push_str(snippet);
            new.push_str(&text[to..]);
            let want = parse(&new, Format::Yaml);
            total += 1;
            let keep = doc.clone();
            let next = match reparse(&text, doc, &new) {
                Some(got) => {
                    fast += 1;
                    assert_eq!(
                        got, want,
                        "re-parse differs from a full parse\n--- old\n{text}\n--- new\n{new}"
                    );
                    got
                }
                None => want,
            };
            // Edits that break the text are taken back, so that the next
            // ones start from a text that parses.
            if !next.errors.is_empty() {
                doc = keep;
                continue;
            }
            text = new;
            doc = next;
        }
    }
    // About a quarter of the edits keep the text parsing and stay inside
    // one entry (the snippets often break the text); a change of this test
    // that stops exercising the fast path fails here.
    assert!(fast * 5 > total, "fast path taken {fast} of {total} times");
}

/// The change between two texts lies on character boundaries and is the
/// smallest one.
#[test]
fn change_between_texts() {
    let c = Change::between("aéb", "aèb");
    assert_eq!((c.start, c.old_end, c.new_end), (1, 3, 3));
    let c = Change::between("abc", "abXc");
    assert_eq!((c.start, c.old_end, c.new_end), (2, 2, 3));
    let c = Change::between("aaaa", "aa");
    assert_eq!((c.start, c.old_end, c.new_end), (2, 4, 2));
    let long_a = "x".repeat(300);
    let long_b = format!("{}y{}", "x".repeat(150), "x".repeat(150));
    let c = Change::between(&long_a, &long_b);
    assert_eq!(c.new_end - c.start, 1);
    assert_eq!(c.old_end, c.start);
}

/// `parse_reusing` gives the full parse's tree with or without a previous
/// version, for YAML and JSON.
#[test]
fn parse_reusing_equals_parse() {
    let new = TEMPLATE.replacen("Enabled", "Suspended", 1);
    let prev = Reusable::new(TEMPLATE.to_string(), parse(TEMPLATE, Format::Yaml));
    assert_eq!(
        parse_reusing(&new, Format::Yaml, Some(prev)),
        parse(&new, Format::Yaml)
    );
    assert_eq!(
        parse_reusing(&new, Format::Yaml, None),
        parse(&new, Format::Yaml)
    );
    let json = r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}"#;
    let prev = Reusable::new(json.to_string(), parse(json, Format::Json));
    assert_eq!(
        parse_reusing(json, Format::Json, Some(prev)),
        parse(json, Format::Json)
    );
}
