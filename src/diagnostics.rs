//! Errors and warnings about a site's content, each tied to a file and line.
//!
//! Every stage collects [`Diagnostic`]s instead of stopping at the first
//! problem, so that one run reports everything that is wrong, sorted by file
//! and line, compiler style: `policies/x.md:14: error: message`.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The content is wrong: nothing is published.
    Error,
    /// The content builds, but someone should look (an overdue review, stale data).
    Warning,
}

/// What a warning is about: a stable word printed in brackets at the end of
/// its line (`[overdue]`), which `[[accept]]` entries, `check --format json`
/// and scripts use. Listed in the README; never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Text that states a platform's minimum age differently from the age data.
    AgeClaim,
    /// A review date that has passed.
    Overdue,
    /// A policy with no review date and no `review_every`.
    NoReviewDate,
    /// A citation of law or guidance that has been replaced.
    StaleReference,
    /// Age data (or a reference list) not checked for too long, or dated in the future.
    StaleAgeData,
    /// A policy for pupils without a summary written for pupils.
    NoPupilSummary,
    /// A statutory duty no policy meets, or whose policy is overdue.
    MissingDuty,
    /// The built-in list of statutory duties is old.
    StaleDutyList,
    /// A link to a withdrawn policy.
    WithdrawnLink,
    /// `[[history]]` and the archive disagree.
    History,
    /// A file in the site folder that is not read (misnamed, a link, unreadable).
    UnreadFile,
    /// Raw HTML in content shown as text or tidied.
    Html,
    /// A link or image address that could run code, removed.
    UnsafeLink,
    /// An invisible control character written as a character reference, replaced.
    ControlCharacter,
    /// A footnote defined but never used.
    UnusedFootnote,
    /// Colours that fail WCAG contrast.
    Contrast,
    /// A date written as a month or term where a day is needed.
    VagueDate,
    /// An `[[accept]]` entry that matches no warning.
    UnusedAccept,
}

impl Kind {
    /// Every kind, in the order the README lists them.
    pub const ALL: [Kind; 18] = [
        Kind::AgeClaim,
        Kind::Overdue,
        Kind::NoReviewDate,
        Kind::StaleReference,
        Kind::StaleAgeData,
        Kind::NoPupilSummary,
        Kind::MissingDuty,
        Kind::StaleDutyList,
        Kind::WithdrawnLink,
        Kind::History,
        Kind::UnreadFile,
        Kind::Html,
        Kind::UnsafeLink,
        Kind::ControlCharacter,
        Kind::UnusedFootnote,
        Kind::Contrast,
        Kind::VagueDate,
        Kind::UnusedAccept,
    ];

    /// The stable word, as printed: `age-claim`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::AgeClaim => "age-claim",
            Kind::Overdue => "overdue",
            Kind::NoReviewDate => "no-review-date",
            Kind::StaleReference => "stale-reference",
            Kind::StaleAgeData => "stale-age-data",
            Kind::NoPupilSummary => "no-pupil-summary",
            Kind::MissingDuty => "missing-duty",
            Kind::StaleDutyList => "stale-duty-list",
            Kind::WithdrawnLink => "withdrawn-link",
            Kind::History => "history",
            Kind::UnreadFile => "unread-file",
            Kind::Html => "html",
            Kind::UnsafeLink => "unsafe-link",
            Kind::ControlCharacter => "control-character",
            Kind::UnusedFootnote => "unused-footnote",
            Kind::Contrast => "contrast",
            Kind::VagueDate => "vague-date",
            Kind::UnusedAccept => "unused-accept",
        }
    }

    /// The kind printed as `word`, if there is one.
    pub fn from_word(word: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == word)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the user should see it (relative to where they ran the command when possible).
    pub path: PathBuf,
    /// The 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in plain words.
    pub message: String,
    /// What a warning is about (errors have none).
    pub kind: Option<Kind>,
}

impl Diagnostic {
    /// An error at `path:line`.
    pub fn error(
        path: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            line,
            severity: Severity::Error,
            message: message.into(),
            kind: None,
        }
    }

    /// A warning of `kind` at `path:line`.
    pub fn warning(
        path: impl Into<PathBuf>,
        line: Option<usize>,
        kind: Kind,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            kind: Some(kind),
            ..Self::error(path, line, message)
        }
    }

    /// Whether this stops publishing.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {kind}: {}", self.message)?;
        if let Some(kind) = self.kind {
            write!(f, " [{kind}]")?;
        }
        Ok(())
    }
}

/// A warning the governors accepted on the record (`[[accept]]`), with their reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The warning as it would have been printed.
    pub warning: Diagnostic,
    /// Why it was accepted.
    pub reason: String,
}

/// A collection of diagnostics from one run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    accepted: Vec<Accepted>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds an error at `path:line`.
    pub fn error(&mut self, path: &Path, line: Option<usize>, message: impl Into<String>) {
        self.push(Diagnostic::error(path, line, message));
    }

    /// Adds a warning of `kind` at `path:line`.
    pub fn warning(
        &mut self,
        path: &Path,
        line: Option<usize>,
        kind: Kind,
        message: impl Into<String>,
    ) {
        self.push(Diagnostic::warning(path, line, kind, message));
    }

    /// Moves every diagnostic of `other` into this collection.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
        self.accepted.extend(other.accepted);
    }

    /// Moves each warning for which `reason_for` gives a reason out of the
    /// warnings, into the accepted list; errors are never accepted.
    pub fn accept(&mut self, mut reason_for: impl FnMut(&Diagnostic) -> Option<String>) {
        let mut kept = Vec::with_capacity(self.items.len());
        for d in std::mem::take(&mut self.items) {
            match (d.is_error(), reason_for(&d)) {
                (false, Some(reason)) => self.accepted.push(Accepted { warning: d, reason }),
                _ => kept.push(d),
            }
        }
        self.items = kept;
    }

    /// The accepted warnings, sorted by file and line.
    pub fn accepted(&self) -> Vec<Accepted> {
        let mut accepted = self.accepted.clone();
        accepted.sort_by(|a, b| {
            (&a.warning.path, a.warning.line, &a.warning.message).cmp(&(
                &b.warning.path,
                b.warning.line,
                &b.warning.message,
            ))
        });
        accepted.dedup();
        accepted
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// How many errors there are.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// How many warnings there are.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// Whether there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The diagnostics sorted by file, line, severity and message, without duplicates.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut items = self.items.clone();
        items.sort_by(|a, b| {
            (&a.path, a.line, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.severity, &b.message))
        });
        items.dedup();
        items
    }

    /// One line summing up the counts, e.g. "2 errors, 1 warning".
    pub fn summary(&self) -> String {
        fn plural(n: usize, word: &str) -> String {
            if n == 1 {
                format!("1 {word}")
            } else {
                format!("{n} {word}s")
            }
        }
        let accepted = match self.accepted().len() {
            0 => String::new(),
            n => format!(" ({n} accepted)"),
        };
        format!(
            "{}, {}{accepted}",
            plural(self.error_count(), "error"),
            plural(self.warning_count(), "warning")
        )
    }
}

/// Maps byte offsets in a text to 1-based line numbers.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_compiler_style() {
        let d = Diagnostic::error("policies/a.md", Some(14), "unknown audience \"parnets\"");
        assert_eq!(
            d.to_string(),
            "policies/a.md:14: error: unknown audience \"parnets\""
        );
        let w = Diagnostic::warning("site.toml", None, Kind::StaleAgeData, "stale");
        assert_eq!(w.to_string(), "site.toml: warning: stale [stale-age-data]");
    }

    #[test]
    fn sorts_by_file_then_line() {
        let mut all = Diagnostics::new();
        all.error(Path::new("b.md"), Some(1), "x");
        all.error(Path::new("a.md"), Some(9), "y");
        all.warning(Path::new("a.md"), Some(2), Kind::Html, "z");
        let lines: Vec<String> = all.sorted().iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "a.md:2: warning: z [html]",
                "a.md:9: error: y",
                "b.md:1: error: x"
            ]
        );
        assert_eq!(all.summary(), "2 errors, 1 warning");
    }

    #[test]
    fn line_index_counts_from_one() {
        let index = LineIndex::new("a\nbb\n\nc");
        assert_eq!(index.line(0), 1);
        assert_eq!(index.line(1), 1);
        assert_eq!(index.line(2), 2);
        assert_eq!(index.line(5), 3);
        assert_eq!(index.line(6), 4);
    }
}
