//! Literal AWS credentials anywhere in a file's text.

use crate::model::Credential;
use crate::text::Span;

fn is_key_char(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

fn is_secret_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'/' || b == b'+'
}

/// Access key ids (`AKIA`/`ASIA` + 16 upper-case letters or digits) and
/// 40-character secret keys within three lines of one.
pub fn scan(text: &str) -> Vec<Credential> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut key_lines = Vec::new();
    let mut i = 0;
    while i + 20 <= bytes.len() {
        // Jump to the next `A` (a fast byte search; `i` stays on a
        // character boundary: it only moves past `A`s and ASCII keys).
        let Some(k) = text.get(i..).and_then(|t| t.find('A')) else {
            break;
        };
        i += k;
        if i + 20 > bytes.len() {
            break;
        }
        let prefix = &bytes[i..i + 4];
        if (prefix == b"AKIA" || prefix == b"ASIA")
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
            && bytes[i + 4..i + 20].iter().all(|b| is_key_char(*b))
            && bytes.get(i + 20).is_none_or(|b| !b.is_ascii_alphanumeric())
        {
            out.push(Credential {
                span: Span::new(i, i + 20),
                what: "an AWS access key id".to_string(),
            });
            key_lines.push(line_of(bytes, i));
            i += 20;
            continue;
        }
        i += 1;
    }
    if key_lines.is_empty() {
        return out;
    }
    // Secret keys: 40 characters of base64 alphabet, with a lower-case
    // letter and a digit or upper-case letter, near an access key id.
    let mut j = 0;
    while j + 40 <= bytes.len() {
        if (j == 0 || !is_secret_char(bytes[j - 1])) && is_secret_char(bytes[j]) {
            let mut end = j;
            while end < bytes.len() && is_secret_char(bytes[end]) {
                end += 1;
            }
            let tok = &bytes[j..end];
            if tok.len() == 40
                && tok.iter().any(u8::is_ascii_lowercase)
                && tok
                    .iter()
                    .any(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                && !tok.iter().all(u8::is_ascii_alphabetic)
            {
                let line = line_of(bytes, j);
                if key_lines.iter().any(|k| k.abs_diff(line) <= 3) {
                    out.push(Credential {
                        span: Span::new(j, end),
                        what: "an AWS secret access key".to_string(),
                    });
                }
            }
            j = end.max(j + 1);
            continue;
        }
        j += 1;
    }
    out.sort_by_key(|c| c.span);
    out
}

fn line_of(bytes: &[u8], at: usize) -> usize {
    bytes[..at].iter().filter(|b| **b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_key_and_nearby_secret() {
        let text = "k: AKIAIOSFODNN7EXAMPLE\ns: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nother: AKIAIOSFODNN7EXAMPLEX\n";
        let found = scan(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            &text[found[0].span.start..found[0].span.end],
            "AKIAIOSFODNN7EXAMPLE"
        );
        assert!(found[1].what.contains("secret"));
    }

    #[test]
    fn lone_secret_like_string_is_not_reported() {
        assert!(scan("s: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n").is_empty());
    }
}
