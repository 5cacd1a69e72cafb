//! References to law and guidance that has been replaced: a built-in, dated
//! and sourced list (`references.toml` beside this file), extended or
//! overridden by a site's own `data/references.toml` in the same format.
//! A policy that cites a superseded reference is a `[stale-reference]`
//! warning at its line, naming what replaced it.

use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use crate::dates::{self, DateInput, PolicyDate, TermDates};
use crate::diagnostics::{Diagnostics, Kind};
use crate::markdown::Prose;
use crate::tomlfile::TomlSource;
use crate::urls;

/// The built-in list, compiled in.
const BUILT_IN: &str = include_str!("references.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    checked: Option<Spanned<DateInput>>,
    #[serde(default)]
    reference: Vec<Spanned<RawReference>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReference {
    patterns: Vec<String>,
    replaced_by: String,
    since: Option<DateInput>,
    source: Spanned<String>,
}

/// One superseded reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The phrases that cite it (the first names the entry).
    pub patterns: Vec<String>,
    /// What replaced it, as a policy should now cite it.
    pub replaced_by: String,
    /// Since when, if known.
    pub since: Option<Date>,
    /// Where that is set out: an https address.
    pub source: String,
}

/// The list in force for a site: built in, then the site's own entries.
#[derive(Debug, Clone)]
pub struct References {
    /// Every entry.
    pub entries: Vec<Reference>,
    /// When the built-in list (or, if later, the site's) was last checked.
    pub checked: Date,
    /// The file the `checked` date comes from, and its line.
    pub checked_at: (PathBuf, usize),
    matcher: AhoCorasick,
    /// The entry of each of the matcher's patterns.
    owner: Vec<usize>,
}

/// One list's entries, and its `checked` date with that key's line.
type ParsedList = (Vec<Reference>, Option<(Date, usize)>);

/// Parses one list; problems go into `diagnostics`.
fn parse(path: &Path, text: &str, diagnostics: &mut Diagnostics) -> Option<ParsedList> {
    let toml = TomlSource::new(path, text, 1);
    let raw: RawList = toml.parse().map_err(|d| diagnostics.push(d)).ok()?;
    let terms = TermDates::default();
    let checked = raw.checked.and_then(|c| {
        let line = toml.line(&c.span());
        match PolicyDate::parse(&c.get_ref().text(), &terms) {
            Ok(d) => Some((d.date, line)),
            Err(e) => {
                diagnostics.error(path, Some(line), format!("checked: {e}"));
                None
            }
        }
    });
    let mut entries = Vec::new();
    for r in raw.reference {
        let line = toml.line(&r.span());
        let r = r.into_inner();
        let source_line = toml.line(&r.source.span());
        let source = r.source.into_inner();
        if !source.starts_with("https://") || !urls::is_safe(&source) {
            diagnostics.error(
                path,
                Some(source_line),
                format!("source must be a web address starting with https://, not \"{source}\""),
            );
            continue;
        }
        let patterns: Vec<String> = r
            .patterns
            .iter()
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect();
        if patterns.is_empty() {
            diagnostics.error(
                path,
                Some(line),
                "a reference needs patterns: the words that cite it, such as patterns = [\"Data Protection Act 1998\"]",
            );
            continue;
        }
        let since = match r.since.map(|s| PolicyDate::parse(&s.text(), &terms)) {
            Some(Ok(d)) => Some(d.date),
            Some(Err(e)) => {
                diagnostics.error(path, Some(line), format!("since: {e}"));
                continue;
            }
            None => None,
        };
        entries.push(Reference {
            patterns,
            replaced_by: r.replaced_by.trim().to_string(),
            since,
            source,
        });
    }
    Some((entries, checked))
}

impl References {
    /// The built-in list with the entries of `root/data/references.toml`, if
    /// the site has one (an entry whose first pattern is a built-in one's
    /// replaces it).
    pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> Option<References> {
        let built_in = Path::new("(built-in) references.toml");
        let (mut entries, checked) = parse(built_in, BUILT_IN, diagnostics)?;
        let (mut checked, mut checked_at) = match checked {
            Some((date, line)) => (date, (built_in.to_path_buf(), line)),
            None => (Date::MIN, (built_in.to_path_buf(), 1)),
        };
        let path = root.join("data").join("references.toml");
        if path.is_file() {
            let text = match crate::source::read(&path) {
                Ok(text) => text,
                Err(d) => {
                    diagnostics.push(d);
                    return None;
                }
            };
            let (own, own_checked) = parse(&path, &text, diagnostics)?;
            for entry in own {
                let first = entry.patterns[0].to_lowercase();
                entries.retain(|e| e.patterns[0].to_lowercase() != first);
                entries.push(entry);
            }
            if let Some((date, line)) = own_checked
                && date > checked
            {
                checked = date;
                checked_at = (path, line);
            }
        }
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            for p in &e.patterns {
                patterns.push(p.clone());
                owner.push(i);
            }
        }
        let matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("a list of plain phrases always builds");
        Some(References {
            entries,
            checked,
            checked_at,
            matcher,
            owner,
        })
    }

    /// Warns when, on `today`, the list is older than `max_months` months.
    pub fn check_dates(&self, today: Date, max_months: i64, diagnostics: &mut Diagnostics) {
        let fresh_until = self
            .checked
            .checked_add(max_months.months())
            .unwrap_or(Date::MAX);
        if today > fresh_until {
            diagnostics.warning(
                &self.checked_at.0,
                Some(self.checked_at.1),
                Kind::StaleReference,
                format!(
                    "the list of replaced law and guidance was last checked on {}, more than \
                     {max_months} months ago (age_data_max_age_months in site.toml): a newer \
                     policyweb may have a newer list, or check your data/references.toml",
                    dates::long(self.checked)
                ),
            );
        }
    }

    /// A `[stale-reference]` warning for each citation of a replaced
    /// reference in `prose`, at the line of its block. One pass per block.
    pub fn check_prose(&self, path: &Path, prose: &[Prose], diagnostics: &mut Diagnostics) {
        for block in prose {
            let text = block.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let bytes = text.as_bytes();
            let mut seen = Vec::new();
            for m in self.matcher.find_iter(&text) {
                let before = m.start().checked_sub(1).map(|i| bytes[i]);
                let after = bytes.get(m.end()).copied();
                if before.is_some_and(|b| b.is_ascii_alphanumeric())
                    || after.is_some_and(|b| b.is_ascii_alphanumeric())
                {
                    continue;
                }
                let entry = self.owner[m.pattern().as_usize()];
                if seen.contains(&entry) {
                    continue;
                }
                seen.push(entry);
                let e = &self.entries[entry];
                let since = e
                    .since
                    .map(|d| format!(" since {}", dates::long(d)))
                    .unwrap_or_default();
                diagnostics.warning(
                    path,
                    Some(block.line),
                    Kind::StaleReference,
                    format!(
                        "this cites \"{}\", which has been replaced{since} by {}: cite that \
                         instead ({})",
                        &text[m.start()..m.end()],
                        e.replaced_by,
                        e.source
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prose(line: usize, text: &str) -> Prose {
        Prose {
            line,
            text: text.to_string(),
        }
    }

    #[test]
    fn the_built_in_list_reads_and_every_source_is_https() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = Diagnostics::new();
        let refs = References::load(dir.path(), &mut d).expect("the built-in list reads");
        assert!(d.is_empty(), "{:?}", d.sorted());
        assert!(refs.entries.len() >= 6);
        assert!(
            refs.entries
                .iter()
                .all(|e| e.source.starts_with("https://"))
        );
        assert_eq!(refs.checked, jiff::civil::date(2026, 12, 3));
    }

    #[test]
    fn citations_are_found_whole_across_line_breaks_and_case() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = Diagnostics::new();
        let refs = References::load(dir.path(), &mut d).unwrap();
        let blocks = [
            prose(4, "We follow the Data Protection\nAct 1998 and KCSIE 2023."),
            prose(
                9,
                "The Data Protection Act 2018 applies. Sextingly is not a word.",
            ),
            prose(
                12,
                "Staff read working together to safeguard children 2018.",
            ),
        ];
        refs.check_prose(Path::new("p.md"), &blocks, &mut d);
        let lines: Vec<String> = d.sorted().iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(lines[0].starts_with(
            "p.md:4: warning: this cites \"Data Protection Act 1998\", which has been replaced \
             since 25 May 2018 by the Data Protection Act 2018 and the UK GDPR: cite that instead"
        ));
        assert!(lines[0].ends_with("[stale-reference]"));
        assert!(lines[1].contains("\"KCSIE 2023\""));
        assert!(lines[2].starts_with(
            "p.md:12: warning: this cites \"working together to safeguard children 2018\""
        ));
    }

    #[test]
    fn a_site_list_adds_and_overrides() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::write(
            dir.path().join("data/references.toml"),
            "checked = \"2027-01-10\"\n[[reference]]\npatterns = [\"sexting\"]\nreplaced_by = \"our own words\"\nsource = \"https://school.example/words\"\n\
             [[reference]]\npatterns = [\"Local Safeguarding Children Board\", \"LSCB\"]\nreplaced_by = \"the local safeguarding partners\"\nsource = \"https://www.gov.uk/x\"\n",
        )
        .unwrap();
        let mut d = Diagnostics::new();
        let refs = References::load(dir.path(), &mut d).unwrap();
        assert!(d.is_empty(), "{:?}", d.sorted());
        assert_eq!(refs.checked, jiff::civil::date(2027, 1, 10));
        refs.check_prose(
            Path::new("p.md"),
            &[prose(3, "Report sexting to the LSCB.")],
            &mut d,
        );
        let lines: Vec<String> = d.sorted().iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 2, "{lines:#?}");
        assert!(
            lines
                .iter()
                .any(|l| l.contains("replaced by our own words"))
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("the local safeguarding partners"))
        );
    }
}
