//! Site-wide search: one record per section of every policy and free page,
//! written at build time as a script (`search/index.js`) that the search page
//! loads, so that search works on any static host and from disk; and the A to
//! Z list of every section heading and glossary term that the search page
//! shows to a reader without JavaScript.

use serde::Serialize;

use crate::audiences::AudienceSet;
use crate::markdown::{Body, Prose};
use crate::site::Site;

/// The search page.
pub const PAGE_PATH: &str = "search/index.html";

/// The records, beside the search page.
pub const INDEX_PATH: &str = "search/index.js";

/// The global the records file assigns to.
const GLOBAL: &str = "policywebSearch";

/// One searchable section.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    /// The policy's id, for its audience views; absent on free pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<&'a str>,
    /// The policy's (or page's) title.
    pub title: &'a str,
    /// The policy's category, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<&'a str>,
    /// The section's heading as plain text (the title for the text before the first heading).
    pub heading: &'a str,
    /// The section's address relative to the site's root, anchor included.
    pub url: String,
    /// The section's anchor, empty for the text before the first heading.
    pub anchor: &'a str,
    /// The ids of the audiences the section applies to.
    pub audiences: Vec<&'a str>,
    /// The section's own text, without markup.
    pub text: String,
}

/// What the records file holds besides the records.
#[derive(Serialize)]
struct Index<'a> {
    /// The audiences, in the site's order: `{id, label}`.
    audiences: Vec<Named<'a>>,
    /// Every category a policy has, by name.
    categories: Vec<&'a str>,
    /// The glossary's `[abbreviation, term]` pairs, so that either finds the other.
    abbreviations: Vec<[&'a str; 2]>,
    /// The records; a record's id is its place in this list.
    records: Vec<Record<'a>>,
}

#[derive(Serialize)]
struct Named<'a> {
    id: &'a str,
    label: &'a str,
}

/// Every record of the site: for each policy its text before the first
/// heading (with its summary) and each section, then each free page's.
pub fn records(site: &Site) -> Vec<Record<'_>> {
    let config = &site.config;
    let ids = |set: AudienceSet| -> Vec<&str> {
        set.indices()
            .map(|a| config.audiences[a].id.as_str())
            .collect()
    };
    let mut records = Vec::new();
    for policy in &site.policies {
        let s = &policy.source;
        let body = policy.body();
        let mut texts = if s.search_text.is_empty() {
            section_texts(body)
        } else {
            s.search_text.clone()
        };
        texts.resize(body.sections.len() + 1, String::new());
        let intro = texts.remove(0);
        let url = format!("policies/{}/index.html", s.id);
        let summary = s.summary.as_deref().unwrap_or_default();
        records.push(Record {
            policy: Some(&s.id),
            title: &s.title,
            category: s.category.as_deref(),
            heading: &s.title,
            url: url.clone(),
            anchor: "",
            audiences: ids(s.audiences),
            text: join(summary, &intro),
        });
        for ((section, text), set) in body.sections.iter().zip(texts).zip(&s.section_audiences) {
            records.push(Record {
                policy: Some(&s.id),
                title: &s.title,
                category: s.category.as_deref(),
                heading: &section.title_text,
                url: format!("{url}#{}", section.anchor),
                anchor: &section.anchor,
                audiences: ids(*set),
                text,
            });
        }
    }
    let everyone = ids(AudienceSet::all(config.audiences.len()));
    for page in &site.pages {
        let mut texts = section_texts(&page.body);
        let intro = texts.remove(0);
        let url = format!("{}/index.html", page.id);
        let summary = page.summary.as_deref().unwrap_or_default();
        records.push(Record {
            policy: None,
            title: &page.title,
            category: None,
            heading: &page.title,
            url: url.clone(),
            anchor: "",
            audiences: everyone.clone(),
            text: join(summary, &intro),
        });
        for (section, text) in page.body.sections.iter().zip(texts) {
            records.push(Record {
                policy: None,
                title: &page.title,
                category: None,
                heading: &section.title_text,
                url: format!("{url}#{}", section.anchor),
                anchor: &section.anchor,
                audiences: everyone.clone(),
                text,
            });
        }
    }
    records
}

/// `a` and `b` joined by a space, either may be empty.
fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a} {b}"),
    }
}

/// The plain text before the first heading, then of each section, from the
/// body's prose blocks placed by their lines (one pass over the blocks).
pub fn section_texts(body: &Body) -> Vec<String> {
    let mut texts = vec![String::new(); body.sections.len() + 1];
    let starts: Vec<usize> = body.sections.iter().map(|s| s.line).collect();
    for Prose { line, text } in &body.prose {
        // After the last section starting at or before the block's line.
        let target = &mut texts[starts.partition_point(|start| start <= line)];
        if !target.is_empty() {
            target.push(' ');
        }
        target.push_str(text.trim());
    }
    texts
}

/// The records file: a script that assigns the site's audiences, categories,
/// abbreviations and records to `window.policywebSearch`. A script rather
/// than JSON fetched, so that it loads from disk (`file://`) too.
pub fn index_js(site: &Site) -> String {
    let mut categories: Vec<&str> = site
        .policies
        .iter()
        .filter_map(|p| p.source.category.as_deref())
        .collect();
    categories.sort_by_key(|c| c.to_lowercase());
    categories.dedup();
    let abbreviations = site
        .data
        .glossary
        .iter()
        .flat_map(|g| &g.terms)
        .filter_map(|t| Some([t.abbr.as_deref()?, t.term.as_str()]))
        .collect();
    let index = Index {
        audiences: site
            .config
            .audiences
            .iter()
            .map(|a| Named {
                id: &a.id,
                label: &a.label,
            })
            .collect(),
        categories,
        abbreviations,
        records: records(site),
    };
    // serde_json escapes quotes, backslashes and control characters; the two
    // line separators are escaped too, for older script parsers, and `<`, `>`
    // and `&` so that no source text reads as markup even outside a string.
    // Outside strings JSON has none of these characters.
    let json = serde_json::to_string(&index)
        .unwrap_or_else(|_| "{}".to_string())
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    format!("window.{GLOBAL} = {json};\n")
}

/// One entry of the A to Z list.
#[derive(Debug, Serialize)]
pub struct AzEntry<'a> {
    /// The heading or term.
    pub text: &'a str,
    /// Where it is: the policy's title, or "Glossary".
    pub place: &'a str,
    /// Its address from the search page.
    pub url: String,
}

/// The A to Z list's entries under one letter.
#[derive(Debug, Serialize)]
pub struct AzLetter<'a> {
    /// The letter as shown ("D", or "0–9").
    pub letter: String,
    /// The id of its heading.
    pub anchor: String,
    /// Its entries, alphabetically.
    pub entries: Vec<AzEntry<'a>>,
}

/// Every section heading of every policy and free page, and every glossary
/// term and abbreviation, alphabetically and grouped by first letter, with
/// links relative to the search page (whose root is `root`).
pub fn a_to_z<'a>(site: &'a Site, root: &str) -> Vec<AzLetter<'a>> {
    let mut entries: Vec<AzEntry<'a>> = Vec::new();
    for policy in &site.policies {
        for section in &policy.body().sections {
            entries.push(AzEntry {
                text: &section.title_text,
                place: &policy.source.title,
                url: format!(
                    "{root}policies/{}/index.html#{}",
                    policy.id(),
                    section.anchor
                ),
            });
        }
    }
    for page in &site.pages {
        for section in &page.body.sections {
            entries.push(AzEntry {
                text: &section.title_text,
                place: &page.title,
                url: format!("{root}{}/index.html#{}", page.id, section.anchor),
            });
        }
    }
    for term in site.data.glossary.iter().flat_map(|g| &g.terms) {
        let url = format!("{root}glossary/index.html#{}", term.anchor);
        if let Some(abbr) = &term.abbr {
            entries.push(AzEntry {
                text: abbr,
                place: "Glossary",
                url: url.clone(),
            });
        }
        entries.push(AzEntry {
            text: &term.term,
            place: "Glossary",
            url,
        });
    }
    // By letter first, so that each letter's entries are together even when
    // a heading starts with punctuation.
    let mut entries: Vec<(String, AzEntry)> = entries
        .into_iter()
        .map(|e| (super::glossary::letter(e.text), e))
        .collect();
    entries.sort_by_cached_key(|(letter, e)| {
        (
            letter.clone(),
            e.text.to_lowercase(),
            e.place.to_lowercase(),
        )
    });
    let mut letters: Vec<AzLetter> = Vec::new();
    for (letter, entry) in entries {
        if letters.last().is_none_or(|l| l.letter != letter) {
            letters.push(AzLetter {
                anchor: format!("pw-az-{}", crate::markdown::slugify(&letter)),
                letter,
                entries: Vec::new(),
            });
        }
        if let Some(group) = letters.last_mut() {
            group.entries.push(entry);
        }
    }
    letters
}
