//! `bucketguard rule ID` and `bucketguard rules`.

use super::report::print_stdout;
use super::{EXIT_ERROR, EXIT_OK};
use crate::{docs, rules};
use anyhow::Result;
use serde_json::json;
use std::fmt::Write as _;

/// Print one rule's documentation; exit 2 for an unknown id.
pub fn rule(key: &str) -> Result<u8> {
    let Some(rule) = rules::find(key.trim()) else {
        let mut msg = format!("error: `{key}` is not a bucketguard rule");
        let close: Vec<&str> = rules::all()
            .iter()
            .filter(|r| {
                let k = key.to_ascii_lowercase();
                r.name.contains(&k) || r.id.to_ascii_lowercase().starts_with(&k)
            })
            .map(|r| r.id)
            .take(5)
            .collect();
        if !close.is_empty() {
            let _ = write!(msg, "; did you mean {}?", close.join(", "));
        }
        eprintln!("{msg}\nRun `bucketguard rules` to list every rule.");
        return Ok(EXIT_ERROR);
    };
    print_stdout(&docs::rule_markdown(rule))?;
    Ok(EXIT_OK)
}

/// List every rule, as an aligned table or as JSON.
pub fn rules(as_json: bool) -> Result<u8> {
    let all = rules::all();
    let out = if as_json {
        let list: Vec<_> = all
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "name": r.name,
                    "group": r.group,
                    "severity": r.severity,
                    "fix": r.fix,
                    "summary": r.summary,
                    "url": docs::rule_url(r),
                })
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&list)?;
        s.push('\n');
        s
    } else {
        let header = ["ID", "NAME", "SEVERITY", "FIX"];
        let rows: Vec<[&str; 4]> = all
            .iter()
            .map(|r| [r.id, r.name, r.severity.as_str(), r.fix.as_str()])
            .collect();
        let mut widths = header.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.len());
            }
        }
        let mut s = String::new();
        for row in std::iter::once(&header).chain(&rows) {
            let line = format!(
                "{:w0$}  {:w1$}  {:w2$}  {}",
                row[0],
                row[1],
                row[2],
                row[3],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2]
            );
            s.push_str(line.trim_end());
            s.push('\n');
        }
        s
    };
    print_stdout(&out)?;
    Ok(EXIT_OK)
}
