//! Reading TOML (site.toml, front matter, data files) into typed structs, with
//! errors that carry the real file and line.

use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;

use toml_edit::Formatted;
use toml_edit::visit::Visit;

use crate::diagnostics::{Diagnostic, LineIndex};
use crate::markers;
use crate::urls::{first_forbidden_control, is_forbidden_control};

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
        let value = toml::from_str(self.text).map_err(|e| {
            let span = e.span();
            let line = span.as_ref().map(|s| self.line(s));
            let at = span.map(|s| self.line_text(s.start)).unwrap_or_default();
            let message = plain_message(e.message(), at, |key| self.first_line_of_key(key));
            Diagnostic::error(self.path, line, message)
        })?;
        // A character no page may hold can only come from an escape (the
        // file itself is checked when it is read), so look only if there is one.
        if self.text.contains('\\')
            && let Ok(document) = toml_edit::Document::parse(self.text)
        {
            let mut finder = Forbidden(None);
            finder.visit_table(document.as_table());
            if let Some((span, c)) = finder.0 {
                return Err(Diagnostic::error(
                    self.path,
                    Some(self.line(&span)),
                    forbidden_message(c),
                ));
            }
        }
        Ok(value)
    }

    /// The text of the line of the text holding byte `offset`.
    fn line_text(&self, offset: usize) -> &str {
        let offset = offset.min(self.text.len());
        let start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let end = self.text[offset..]
            .find('\n')
            .map_or(self.text.len(), |i| offset + i);
        &self.text[start..end]
    }

    /// The file line on which `key = ...` is first written, if it is.
    fn first_line_of_key(&self, key: &str) -> Option<usize> {
        self.text
            .lines()
            .position(|l| assigned_key(l) == Some(key))
            .map(|i| self.first_line + i)
    }

    /// The file line of a span inside the text.
    pub fn line(&self, span: &Range<usize>) -> usize {
        // A span that ends a line points at its newline; report the line it ends.
        let start = span.start.min(self.text.len());
        self.first_line - 1 + self.index.line(start)
    }
}

/// Finds the first string value that holds a character no output may hold.
struct Forbidden(Option<(Range<usize>, char)>);

impl<'doc> Visit<'doc> for Forbidden {
    fn visit_string(&mut self, node: &'doc Formatted<String>) {
        let value = node.value();
        if self.0.is_none()
            && let Some(c) = first_forbidden_control(value).or_else(|| {
                value
                    .chars()
                    .find(|&c| c == markers::OPEN || c == markers::CLOSE)
            })
        {
            self.0 = Some((node.span().unwrap_or_default(), c));
        }
    }
}

fn forbidden_message(c: char) -> String {
    let code = u32::from(c);
    if is_forbidden_control(c) {
        format!(
            "an escape here stands for an invisible control character (U+{code:04X}), which no page, feed or calendar may hold; delete the escape (\\u{code:04X} or similar)"
        )
    } else {
        format!(
            "an escape here stands for the private-use character U+{code:04X}, which policyweb keeps for itself; delete the escape"
        )
    }
}

/// The key a line `key = value` assigns, if it is such a line.
fn assigned_key(line: &str) -> Option<&str> {
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.starts_with('[') && !key.starts_with('#')).then_some(key)
}

/// The value part of `key = value`, trimmed of quotes, for examples.
fn written_value(line: &str) -> &str {
    line.split_once('=').map_or("", |(_, v)| {
        v.trim().trim_matches(|c| c == '"' || c == '\'')
    })
}

/// The parser's message for a mistake on the line `at`, in plain words with
/// what to write instead; `first_line` finds where a key was first given.
fn plain_message(raw: &str, at: &str, first_line: impl Fn(&str) -> Option<usize>) -> String {
    let raw = raw.trim().replace('\n', " ");
    let key = assigned_key(at).unwrap_or("key");
    let value = written_value(at);
    let value = if value.is_empty() { "..." } else { value };
    if raw.contains("did not match any variant of untagged enum RelatedInput") {
        if at.contains("title") && !at.contains("url") {
            return "this related entry has a title but no url: write it like \
                    { title = \"NSPCC\", url = \"https://www.nspcc.org.uk/\" }"
                .to_string();
        }
        return "a related entry is a policy id (\"online-safety\") or \
                { title = \"...\", url = \"https://...\" }"
            .to_string();
    }
    if raw.contains("did not match any variant of untagged enum DateInput") {
        return "a date must be text such as \"2026-10-01\", \"October 2026\" or \"Spring 2027\""
            .to_string();
    }
    if raw.starts_with("string values must be quoted") || raw.starts_with("missing opening quote") {
        return format!("put the value in double quotes: {key} = \"{value}\"");
    }
    if raw.starts_with("invalid basic string") || raw.starts_with("invalid literal string") {
        return format!(
            "this text has no closing quote: end it on the same line, like {key} = \"{value}\""
        );
    }
    if raw.starts_with("duplicate key") {
        let first = first_line(key).map_or(String::new(), |l| format!(" (first on line {l})"));
        return format!("{key} is given twice{first}: keep one of them");
    }
    if raw.starts_with("key with no value") {
        return format!(
            "\"{}\" has no value: a setting is written like title = \"Behaviour Policy\"; \
             if this line belongs to the value above, put that value back on one line",
            at.trim()
        );
    }
    if raw.starts_with("unexpected key or value") {
        return format!(
            "a line holds one setting: put the whole value in one pair of double quotes \
             ({key} = \"...\"), and start the next setting on a new line"
        );
    }
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return match crate::suggest::closest(field, known.iter().copied()) {
            Some(near) => format!("unknown key \"{field}\"; did you mean \"{near}\"?"),
            None if known.is_empty() => format!("unknown key \"{field}\": remove it"),
            None => format!(
                "unknown key \"{field}\" (the keys here are: {})",
                known.join(", ")
            ),
        };
    }
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        if rest.ends_with("expected a string") {
            return format!("put the value in double quotes: {key} = \"{value}\"");
        }
        if rest.ends_with("expected a boolean") {
            return format!("{key} is true or false, without quotes: {key} = true");
        }
        return format!("{key} has the wrong kind of value: {rest}");
    }
    if let Some(field) = raw
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        return format!("{field} is missing: add a line {field} = \"...\"");
    }
    raw
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
        assert_eq!(
            err.message,
            "unknown key \"reveiw\"; did you mean \"review\"?"
        );
    }

    #[test]
    fn escapes_for_control_and_marker_characters_are_errors() {
        for (text, line, word) in [
            ("title = \"A\"\nreview = \"x\\u0001y\"\n", 3, "U+0001"),
            ("title = \"A\\rB\\r\\n\"\n", 2, "U+000D"),
            ("title = \"A\"\n[t]\nreview = [\"\\uE000\"]\n", 4, "U+E000"),
        ] {
            let source = TomlSource::new(Path::new("p.md"), text, 2);
            let err = source.parse::<toml::Table>().unwrap_err();
            assert_eq!(err.line, Some(line), "{text}");
            assert!(err.message.contains(word), "{}", err.message);
        }
        let source = TomlSource::new(Path::new("p.md"), "title = 'a\\u0001'\n", 2);
        assert!(
            source.parse::<toml::Table>().is_ok(),
            "a literal string has no escapes"
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

#[cfg(test)]
mod plain_words {
    use super::*;

    fn message_for(text: &str) -> String {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Front {
            title: String,
            summary: Option<String>,
            draft: Option<bool>,
        }
        let source = TomlSource::new(Path::new("p.md"), text, 2);
        source.parse::<Front>().unwrap_err().to_string()
    }

    #[test]
    fn toml_mistakes_read_as_plain_english_with_the_fix() {
        assert_eq!(
            message_for("title = Behaviour Policy\n"),
            "p.md:2: error: put the value in double quotes: title = \"Behaviour Policy\""
        );
        assert_eq!(
            message_for("title = Complaints Procedure\n"),
            "p.md:2: error: put the value in double quotes: title = \"Complaints Procedure\""
        );
        assert_eq!(
            message_for("title = \"Behaviour Policy\n"),
            "p.md:2: error: this text has no closing quote: end it on the same line, \
             like title = \"Behaviour Policy\""
        );
        assert_eq!(
            message_for("title = \"A\"\nsummary = \"x\"\ntitle = \"B\"\n"),
            "p.md:4: error: title is given twice (first on line 2): keep one of them"
        );
        assert_eq!(
            message_for("title = \"A\"\nsummary = \"x\" \"y\"\n"),
            "p.md:3: error: a line holds one setting: put the whole value in one pair of \
             double quotes (summary = \"...\"), and start the next setting on a new line"
        );
        assert_eq!(
            message_for("title = \"A\"\nsumary = \"x\"\n"),
            "p.md:3: error: unknown key \"sumary\"; did you mean \"summary\"?"
        );
        assert_eq!(
            message_for("title = \"A\"\ncolour = \"x\"\n"),
            "p.md:3: error: unknown key \"colour\" (the keys here are: title, summary, draft)"
        );
        assert_eq!(
            message_for("title = \"A\"\nsummary = 3\n"),
            "p.md:3: error: put the value in double quotes: summary = \"3\""
        );
        assert_eq!(
            message_for("title = \"A\"\ndraft = \"yes\"\n"),
            "p.md:3: error: draft is true or false, without quotes: draft = true"
        );
        assert_eq!(
            message_for("summary = \"x\"\n"),
            "p.md:2: error: title is missing: add a line title = \"...\""
        );
        for jargon in [
            "invalid basic string",
            "expected literal string",
            "invalid type",
        ] {
            for text in ["title = A B\n", "title = \"A\n", "title = 3\n"] {
                assert!(!message_for(text).contains(jargon), "{text}");
            }
        }
    }
}
