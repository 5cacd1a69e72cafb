//! Markdown to a typed body: an intro, sections with anchors and audience tags,
//! footnotes, and the cross-links and shortcodes found on the way.
//!
//! pulldown-cmark's events pass through small adapters, each in its own
//! module: [`html`] keeps only harmless raw HTML, [`code`] highlights code
//! blocks, `shortcodes` finds shortcode
//! paragraphs, `links` rewrites `policy:` and `page:` links, [`glossary`]
//! marks the first use of each glossary term in a section, `footnotes` lifts
//! footnote definitions out, and `sections` splits the rest at headings and
//! renders each section's HTML once, for every page that shows it.

pub mod code;
mod footnotes;
pub mod glossary;
pub mod html;
mod links;
mod sections;
mod shortcodes;

use std::path::Path;

use pulldown_cmark::{Event, Options, Parser};

use crate::diagnostics::{Diagnostics, LineIndex};

pub use footnotes::Footnote;
pub use glossary::TermMatcher;
pub use links::{AnchorLink, LinkTarget, PageLink, PolicyLink};
pub use sections::{AudienceTag, Section, slugify};
pub use shortcodes::ShortcodeCall;

/// An event with the 1-based file line it starts on.
pub(crate) type Item<'a> = (Event<'a>, usize);

/// A policy's or page's body, ready to be assembled into pages.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// HTML before the first heading.
    pub intro: String,
    /// The sections, in document order (a flat list; `parent` gives the nesting).
    pub sections: Vec<Section>,
    /// Footnote definitions, numbered in order of first reference.
    pub footnotes: Vec<Footnote>,
    /// `policy:` links, for validation and backlinks.
    pub links: Vec<PolicyLink>,
    /// `page:` links, for validation.
    pub page_links: Vec<PageLink>,
    /// `#anchor` links within the same document, for validation.
    pub anchor_links: Vec<AnchorLink>,
    /// Shortcode calls; their markers in the HTML are replaced once rendered.
    pub shortcodes: Vec<ShortcodeCall>,
    /// Plain text of each paragraph, list item and table cell, with its line.
    pub prose: Vec<Prose>,
    /// Whether any code block was highlighted.
    pub has_code: bool,
}

/// The plain text of one block of prose, for checks that read sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prose {
    /// The 1-based file line the block starts on.
    pub line: usize,
    /// Its text, without markup.
    pub text: String,
}

/// The Markdown extensions policyweb enables (DESIGN.md: tables, footnotes,
/// strikethrough, heading attributes).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// What a site's settings change in how its Markdown is read.
#[derive(Clone, Copy, Default)]
pub struct Settings<'a> {
    /// The glossary: the first use of each of its terms in every section is
    /// linked to its entry.
    pub glossary: Option<&'a TermMatcher>,
    /// Raw HTML tags kept beyond [`html::DEFAULT_ALLOWED`] (site.toml's `allow_html`).
    pub allow_html: &'a [String],
}

/// Parses `text`, which starts on line `first_line` of `path`, reporting
/// problems (with their file lines) into `diagnostics`.
pub fn parse(path: &Path, text: &str, first_line: usize, diagnostics: &mut Diagnostics) -> Body {
    parse_with(path, text, first_line, Settings::default(), diagnostics)
}

/// Like [`parse`], with the site's [`Settings`].
pub fn parse_with(
    path: &Path,
    text: &str,
    first_line: usize,
    settings: Settings,
    diagnostics: &mut Diagnostics,
) -> Body {
    let index = LineIndex::new(text);
    let events: Vec<Item> = Parser::new_ext(text, options())
        .into_offset_iter()
        .map(|(event, range)| (event, first_line - 1 + index.line(range.start)))
        .collect();
    let events = html::clean(events, settings.allow_html, path, diagnostics);
    let (events, has_code) = code::highlight_blocks(events);
    let (events, shortcodes) = shortcodes::extract(events, path, diagnostics);
    let (events, links) = links::rewrite(events, path, diagnostics);
    let events = match settings.glossary {
        Some(matcher) => glossary::mark(events, matcher),
        None => events,
    };
    let (events, definitions) = footnotes::extract(events);
    let mut split = sections::split(events, path, diagnostics);
    let footnotes = footnotes::number(
        definitions,
        split.footnotes,
        &mut split.sections,
        path,
        diagnostics,
    );
    Body {
        intro: split.intro,
        sections: split.sections,
        footnotes,
        links: links.policies,
        page_links: links.pages,
        anchor_links: links.anchors,
        shortcodes,
        prose: split.prose,
        has_code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> (Body, Vec<String>) {
        let mut d = Diagnostics::new();
        let body = parse(Path::new("p.md"), text, 1, &mut d);
        (body, d.sorted().iter().map(ToString::to_string).collect())
    }

    #[test]
    fn tables_strikethrough_and_footnotes_render() {
        let (b, errors) = body(
            "Intro with a note.[^a]\n\n## Rules\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n~~old~~\n\n[^a]: The note.\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert!(b.intro.contains("href=\"#fn-a\""), "{}", b.intro);
        let html = &b.sections[0].html;
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(
            !html.contains("The note"),
            "definitions are lifted out: {html}"
        );
        assert_eq!(b.footnotes.len(), 1);
        assert_eq!(b.footnotes[0].number, 1);
        assert!(b.footnotes[0].html.contains("The note."));
    }

    #[test]
    fn prose_keeps_lines() {
        let (b, _) = body("First para\nstill first.\n\n- item one\n- item two\n");
        let lines: Vec<(usize, &str)> = b.prose.iter().map(|p| (p.line, p.text.as_str())).collect();
        assert_eq!(
            lines,
            [
                (1, "First para still first."),
                (4, "item one"),
                (5, "item two")
            ]
        );
    }
}
