//! `--format github`: GitHub Actions workflow commands, one annotation per
//! problem. Columns are counted in characters.

use super::report::FileReport;
use crate::rules::Severity;
use crate::text::Encoding;

/// Escape a workflow command's message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow command's property value.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Write one annotation per problem to `w`, as they come.
pub fn write(w: &mut dyn std::io::Write, files: &[FileReport]) -> std::io::Result<()> {
    for f in files {
        for d in &f.diagnostics {
            let (start, end) = f.range(d.span, Encoding::Utf32);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            writeln!(
                w,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&f.display.replace('\\', "/")),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(&d.code),
                escape_data(&d.message)
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_property("a,b:c"), "a%2Cb%3Ac");
    }
}
