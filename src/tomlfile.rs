//! Reading TOML (site.toml, front matter, data files) into typed structs, with
//! errors that carry the real file and line.

use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, LineIndex};

/// TOML text from a file, and the line of the file its first line is on.
pub struct TomlSource<'a> {
    /// The file, for messages.
    pub path: &'a Path,
    /// The TOML text.
    pub text: &'a str,
    /// The 1-based line of the file on which `text` starts (2 for front matter).
    pub first_line: usize,
    index: LineIndex,
}

impl<'a> TomlSource<'a> {
    /// Wraps `text`, which starts on line `first_line` of `path`.
    pub fn new(path: &'a Path, text: &'a str, first_line: usize) -> Self {
        Self {
            path,
            text,
            first_line,
            index: LineIndex::new(text),
        }
    }

    /// Deserializes the whole text, or explains (with file and line) why it cannot be.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        toml::from_str(self.text).map_err(|e| {
            let line = e.span().map(|s| self.line(&s));
            Diagnostic::error(self.path, line, tidy_message(e.message()))
        })
    }

    /// The file line of a span inside the text.
    pub fn line(&self, span: &Range<usize>) -> usize {
        // A span that ends a line points at its newline; report the line it ends.
        let start = span.start.min(self.text.len());
        self.first_line - 1 + self.index.line(start)
    }
}

/// Makes serde's and toml's wording read well on one line.
fn tidy_message(message: &str) -> String {
    let message = message.trim().replace('\n', " ");
    if message.contains("did not match any variant of untagged enum RelatedInput") {
        return "a related entry is a policy id (\"online-safety\") or \
                { title = \"...\", url = \"https://...\" }"
            .to_string();
    }
    if message.contains("did not match any variant of untagged enum DateInput") {
        return "a date must be text such as \"2026-10-01\", \"October 2026\" or \"Spring 2027\""
            .to_string();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Example {
        title: String,
        review: Option<String>,
    }

    #[test]
    fn unknown_field_reports_its_line_in_the_file() {
        let text = "title = \"A\"\nreveiw = \"Spring 2027\"\n";
        let source = TomlSource::new(Path::new("p.md"), text, 2);
        let err = source.parse::<Example>().unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(
            err.message.contains("unknown field `reveiw`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn syntax_error_reports_its_line() {
        let text = "title = \"A\"\n\nreview = \n";
        let source = TomlSource::new(Path::new("site.toml"), text, 1);
        let err = source.parse::<Example>().unwrap_err();
        assert_eq!(err.line, Some(3));
    }
}
