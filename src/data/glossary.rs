//! `data/glossary.toml`: the terms a school's policies use (DSL, LADO,
//! UK GDPR ...), each with a definition and optionally an abbreviation and a
//! link to where the policies say more.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::Diagnostics;
use crate::markdown::glossary::TermSpec;
use crate::markdown::{LinkTarget, TermMatcher, slugify};
use crate::tomlfile::TomlSource;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGlossary {
    autolink: Option<bool>,
    #[serde(default)]
    term: Vec<Spanned<RawTerm>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    term: Option<String>,
    abbr: Option<Spanned<String>>,
    definition: Option<String>,
    link: Option<Spanned<String>>,
}

/// Where a term's entry sends readers for more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermLink {
    /// A policy or page of this site (checked when the site is assembled).
    Internal(LinkTarget),
    /// A web address elsewhere.
    External(String),
}

/// One glossary entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The full term, e.g. "Designated Safeguarding Lead".
    pub term: String,
    /// Its abbreviation, e.g. "DSL".
    pub abbr: Option<String>,
    /// What it means.
    pub definition: String,
    /// Where to read more.
    pub link: Option<TermLink>,
    /// The line of `link`.
    pub link_line: usize,
    /// Its anchor on the glossary page (a slug of the term).
    pub anchor: String,
    /// The file line of its `[[term]]`.
    pub line: usize,
}

/// The glossary of a site.
#[derive(Debug, Clone)]
pub struct Glossary {
    /// The file it came from.
    pub path: PathBuf,
    /// Whether the first use of each term in a section links to its entry.
    pub autolink: bool,
    /// The terms, in alphabetical order.
    pub terms: Vec<Term>,
    matcher: Option<TermMatcher>,
}

impl Glossary {
    /// The compiled terms for auto-linking; `None` when it is switched off.
    pub fn matcher(&self) -> Option<&TermMatcher> {
        self.matcher.as_ref()
    }
}

/// Parses the glossary in `text`; `None` when it has errors.
pub fn parse(path: &Path, text: &str, diagnostics: &mut Diagnostics) -> Option<Glossary> {
    let toml = TomlSource::new(path, text, 1);
    let raw: RawGlossary = match toml.parse() {
        Ok(raw) => raw,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let errors_before = diagnostics.error_count();
    let mut terms: Vec<Term> = raw
        .term
        .into_iter()
        .filter_map(|row| {
            let line = toml.line(&row.span());
            term(path, &toml, row.into_inner(), line, diagnostics)
        })
        .collect();
    check_unique(path, &terms, diagnostics);
    if diagnostics.error_count() != errors_before {
        return None;
    }
    terms.sort_by(|a, b| (a.term.to_lowercase(), &a.term).cmp(&(b.term.to_lowercase(), &b.term)));
    let autolink = raw.autolink.unwrap_or(true);
    let matcher = autolink
        .then(|| {
            TermMatcher::new(terms.iter().map(|t| TermSpec {
                term: &t.term,
                abbr: t.abbr.as_deref(),
                anchor: &t.anchor,
            }))
        })
        .flatten();
    Some(Glossary {
        path: path.to_path_buf(),
        autolink,
        terms,
        matcher,
    })
}

/// One checked `[[term]]`, or `None` (with errors reported) when it is incomplete.
fn term(
    path: &Path,
    toml: &TomlSource,
    raw: RawTerm,
    line: usize,
    diagnostics: &mut Diagnostics,
) -> Option<Term> {
    let nonblank = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let Some(name) = nonblank(raw.term) else {
        diagnostics.error(path, Some(line), "a [[term]] needs term = \"...\"");
        return None;
    };
    let Some(definition) = nonblank(raw.definition) else {
        diagnostics.error(
            path,
            Some(line),
            format!("\"{name}\" needs a definition = \"...\""),
        );
        return None;
    };
    let abbr = match raw.abbr {
        Some(abbr) if abbr.get_ref().trim().is_empty() => {
            diagnostics.error(
                path,
                Some(toml.line(&abbr.span())),
                format!("the abbr of \"{name}\" is empty; remove it or fill it in"),
            );
            return None;
        }
        abbr => abbr.map(|a| a.into_inner().trim().to_string()),
    };
    let (link, link_line) = match raw.link {
        Some(link) => {
            let link_line = toml.line(&link.span());
            match term_link(link.get_ref()) {
                Ok(target) => (Some(target), link_line),
                Err(message) => {
                    diagnostics.error(path, Some(link_line), message);
                    return None;
                }
            }
        }
        None => (None, line),
    };
    Some(Term {
        anchor: slugify(&name),
        term: name,
        abbr,
        definition,
        link,
        link_line,
        line,
    })
}

/// Reads a term's `link`: `policy:ID#section`, `page:ID` or a web address.
fn term_link(link: &str) -> Result<TermLink, String> {
    let link = link.trim();
    if let Some(target) = LinkTarget::parse(link) {
        return target.map(TermLink::Internal);
    }
    let web = ["https://", "http://"]
        .iter()
        .any(|scheme| link.len() > scheme.len() && link.starts_with(scheme));
    if web && !link.contains(char::is_whitespace) {
        Ok(TermLink::External(link.to_string()))
    } else {
        Err(format!(
            "link \"{link}\" must be policy:ID, policy:ID#section, page:ID or a web address starting https://"
        ))
    }
}

/// Reports terms, abbreviations and anchors that are used twice.
fn check_unique(path: &Path, terms: &[Term], diagnostics: &mut Diagnostics) {
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut abbrs: HashMap<&str, usize> = HashMap::new();
    let mut anchors: HashMap<&str, &Term> = HashMap::new();
    for t in terms {
        if let Some(first) = names.insert(t.term.to_lowercase(), t.line) {
            diagnostics.error(
                path,
                Some(t.line),
                format!("\"{}\" is listed twice (first on line {first})", t.term),
            );
            continue;
        }
        if let Some(abbr) = &t.abbr
            && let Some(first) = abbrs.insert(abbr, t.line)
        {
            diagnostics.error(
                path,
                Some(t.line),
                format!("abbreviation \"{abbr}\" is used twice (first on line {first})"),
            );
        }
        if let Some(first) = anchors.insert(&t.anchor, t) {
            diagnostics.error(
                path,
                Some(t.line),
                format!(
                    "\"{}\" and \"{}\" (line {}) would share the glossary anchor #{}; reword one",
                    t.term, first.term, first.line, t.anchor
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Option<Glossary>, Vec<String>) {
        let mut d = Diagnostics::new();
        let glossary = parse(Path::new("glossary.toml"), text, &mut d);
        (
            glossary,
            d.sorted().iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn terms_are_sorted_and_links_read() {
        let (g, errors) = run(
            "[[term]]\nterm = \"Local Authority Designated Officer\"\nabbr = \"LADO\"\n\
             definition = \"At the council.\"\nlink = \"policy:child-protection#allegations\"\n\
             [[term]]\nterm = \"early help\"\ndefinition = \"Support.\"\nlink = \"page:about\"\n\
             [[term]]\nterm = \"Ofsted\"\ndefinition = \"Inspectors.\"\nlink = \"https://www.gov.uk/ofsted\"\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let g = g.unwrap();
        assert!(g.autolink && g.matcher().is_some());
        let names: Vec<&str> = g.terms.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(
            names,
            ["early help", "Local Authority Designated Officer", "Ofsted"]
        );
        assert_eq!(g.terms[1].anchor, "local-authority-designated-officer");
        assert_eq!(g.terms[1].line, 1);
        assert_eq!(g.terms[1].link_line, 5);
        assert_eq!(
            g.terms[1].link,
            Some(TermLink::Internal(LinkTarget::Policy {
                id: "child-protection".into(),
                anchor: Some("allegations".into())
            }))
        );
        assert_eq!(
            g.terms[0].link,
            Some(TermLink::Internal(LinkTarget::Page {
                id: "about".into(),
                anchor: None
            }))
        );
        assert_eq!(
            g.terms[2].link,
            Some(TermLink::External("https://www.gov.uk/ofsted".into()))
        );
    }

    #[test]
    fn autolink_can_be_switched_off() {
        let (g, errors) = run("autolink = false\n[[term]]\nterm = \"A\"\ndefinition = \"B\"\n");
        assert!(errors.is_empty(), "{errors:?}");
        let g = g.unwrap();
        assert!(!g.autolink);
        assert!(g.matcher().is_none());
    }

    #[test]
    fn each_bad_entry_is_an_error_with_its_line() {
        let (g, errors) = run("[[term]]\ndefinition = \"No term.\"\n\
             [[term]]\nterm = \"No definition\"\n\
             [[term]]\nterm = \"Designated Safeguarding Lead\"\nabbr = \"DSL\"\ndefinition = \"D\"\n\
             [[term]]\nterm = \"designated safeguarding lead\"\ndefinition = \"D\"\n\
             [[term]]\nterm = \"Other\"\nabbr = \"DSL\"\ndefinition = \"D\"\n\
             [[term]]\nterm = \"Bad link\"\ndefinition = \"D\"\nlink = \"child-protection\"\n\
             [[term]]\nterm = \"Empty anchor\"\ndefinition = \"D\"\nlink = \"policy:x#\"\n\
             [[term]]\nterm = \"Early-help\"\ndefinition = \"D\"\n\
             [[term]]\nterm = \"Early help\"\ndefinition = \"D\"\n\
             [[term]]\nterm = \"Blank\"\nabbr = \" \"\ndefinition = \"D\"\n");
        assert!(g.is_none());
        let expected = [
            "glossary.toml:1: error: a [[term]] needs term = \"...\"",
            "glossary.toml:3: error: \"No definition\" needs a definition = \"...\"",
            "glossary.toml:9: error: \"designated safeguarding lead\" is listed twice (first on line 5)",
            "glossary.toml:12: error: abbreviation \"DSL\" is used twice (first on line 5)",
            "glossary.toml:19: error: link \"child-protection\" must be policy:ID",
            "glossary.toml:23: error: \"policy:x#\" is not a policy link",
            "glossary.toml:27: error: \"Early help\" and \"Early-help\" (line 24) would share the glossary anchor #early-help",
            "glossary.toml:32: error: the abbr of \"Blank\" is empty",
        ];
        assert_eq!(errors.len(), expected.len(), "{errors:#?}");
        for (error, start) in errors.iter().zip(expected) {
            assert!(error.starts_with(start), "{error}\n  expected {start}");
        }
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_the_line() {
        let (_, errors) = run("[[term]]\nterm = \"A\"\ndefinition = \"B\"\ndefinitoin = \"C\"\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with(
                "glossary.toml:4: error: unknown key \"definitoin\"; did you mean \"definition\"?"
            ),
            "{errors:?}"
        );
        let (_, errors) = run("autolink = \"no\"\n");
        assert!(
            errors[0].starts_with("glossary.toml:1: error:"),
            "{errors:?}"
        );
    }
}
