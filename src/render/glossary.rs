//! What the glossary page shows: every term in alphabetical order, grouped by
//! first letter, each with its anchor, abbreviation, definition and where the
//! policies say more.

use serde::Serialize;

use crate::data::{Glossary, Term, TermLink};
use crate::markdown::LinkTarget;

use super::body::PageLinks;
use super::context::LinkView;

/// One term on the glossary page.
#[derive(Debug, Serialize)]
pub struct TermView<'a> {
    /// The full term.
    pub term: &'a str,
    /// Its abbreviation.
    pub abbr: Option<&'a str>,
    /// What it means.
    pub definition: &'a str,
    /// Its id on the page (what auto-links point to).
    pub anchor: &'a str,
    /// Where to read more.
    pub link: Option<LinkView>,
}

/// The terms that start with one letter.
#[derive(Debug, Serialize)]
pub struct LetterView<'a> {
    /// The letter as shown ("D", or "0–9").
    pub letter: String,
    /// The id of its heading.
    pub anchor: String,
    /// Its terms, in order.
    pub terms: Vec<TermView<'a>>,
}

/// The glossary's terms grouped by first letter, links relative to the page `links` describes.
pub fn letters<'a>(glossary: &'a Glossary, links: &PageLinks) -> Vec<LetterView<'a>> {
    let mut letters: Vec<LetterView> = Vec::new();
    for term in &glossary.terms {
        let letter = letter(&term.term);
        if letters.last().is_none_or(|l| l.letter != letter) {
            letters.push(LetterView {
                anchor: format!("pw-letter-{}", crate::markdown::slugify(&letter)),
                letter,
                terms: Vec::new(),
            });
        }
        if let Some(group) = letters.last_mut() {
            group.terms.push(TermView {
                term: &term.term,
                abbr: term.abbr.as_deref(),
                definition: &term.definition,
                anchor: &term.anchor,
                link: link(term, links),
            });
        }
    }
    letters
}

/// The heading a term is listed under: its first letter, capitalised, or "0–9".
pub(crate) fn letter(term: &str) -> String {
    match term.chars().find(|c| c.is_alphanumeric()) {
        Some(c) if c.is_alphabetic() => c.to_uppercase().collect(),
        _ => "0–9".to_string(),
    }
}

/// Where `term`'s entry sends readers, as a link from this page.
fn link(term: &Term, links: &PageLinks) -> Option<LinkView> {
    let site = links.site;
    let with_section =
        |title: &str, body: &crate::markdown::Body, anchor: &Option<String>| match anchor
            .as_ref()
            .and_then(|a| body.sections.iter().find(|s| &s.anchor == a))
        {
            Some(section) => format!("{title}: {}", section.title_text),
            None => title.to_string(),
        };
    Some(match term.link.as_ref()? {
        TermLink::Internal(LinkTarget::Policy { id, anchor }) => {
            let policy = site.policy(id)?;
            LinkView {
                title: with_section(&policy.source.title, policy.body(), anchor),
                url: links.policy(id, anchor.as_deref()),
                external: false,
            }
        }
        TermLink::Internal(LinkTarget::Page { id, anchor }) => {
            let page = site.page(id)?;
            let fragment = anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default();
            LinkView {
                title: with_section(&page.title, &page.body, anchor),
                url: format!("{}{id}/index.html{fragment}", links.root),
                external: false,
            }
        }
        TermLink::External(url) => LinkView {
            title: url
                .split_once("://")
                .map_or(url.as_str(), |(_, rest)| rest)
                .trim_end_matches('/')
                .to_string(),
            url: url.clone(),
            external: true,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_of_terms() {
        let cases = [
            ("Designated Safeguarding Lead", "D"),
            ("early help", "E"),
            ("\"Óran\"", "Ó"),
            ("1:1 support", "0–9"),
        ];
        for (term, expected) in cases {
            assert_eq!(letter(term), expected, "{term}");
        }
    }
}
