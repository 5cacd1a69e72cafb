//! Glossary auto-linking: the first use of each glossary term or abbreviation
//! in a section becomes a link to its entry on the glossary page, an
//! abbreviation wrapped in `<abbr title="the full term">`.
//!
//! Every term and abbreviation is compiled once into one Aho-Corasick
//! automaton, so each run of text is scanned once however many terms there
//! are. Candidates are kept only at word boundaries (abbreviations only in
//! their exact case, full terms in any case), and where they overlap the
//! longest wins, so "Deputy Designated Safeguarding Lead" is not read as
//! "Designated Safeguarding Lead". Text in headings, links, images, code and
//! footnote definitions, and inside inline `<a>`, `<abbr>`, `<code>` and the
//! like, is left alone.

use std::cmp::Reverse;
use std::collections::HashSet;

use aho_corasick::{AhoCorasick, MatchKind};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::escape_html;

use super::Item;
use crate::markers;

/// Inline HTML elements whose text is never marked up.
const SKIPPED_ELEMENTS: [&str; 9] = [
    "a", "abbr", "code", "dfn", "kbd", "pre", "samp", "script", "style",
];

/// One glossary entry, as the matcher needs it.
#[derive(Debug, Clone, Copy)]
pub struct TermSpec<'a> {
    /// The full term, matched in any case.
    pub term: &'a str,
    /// The abbreviation, matched in its exact case.
    pub abbr: Option<&'a str>,
    /// The entry's anchor on the glossary page.
    pub anchor: &'a str,
}

/// Every term of a glossary, compiled for finding them in text.
#[derive(Debug, Clone)]
pub struct TermMatcher {
    automaton: AhoCorasick,
    patterns: Vec<Pattern>,
    entries: Vec<Entry>,
}

/// What one pattern of the automaton stands for.
#[derive(Debug, Clone)]
struct Pattern {
    entry: usize,
    /// For an abbreviation, the exact text a match must have.
    exact: Option<Box<str>>,
}

/// The markup that opens a marked use of one entry.
#[derive(Debug, Clone)]
struct Entry {
    link: String,
    abbr: String,
}

/// One use of a term in a run of text (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Use {
    start: usize,
    end: usize,
    entry: usize,
    abbr: bool,
}

impl TermMatcher {
    /// Compiles `terms`; `None` when there is nothing to match.
    pub fn new<'a>(terms: impl IntoIterator<Item = TermSpec<'a>>) -> Option<Self> {
        let mut texts: Vec<&str> = Vec::new();
        let mut patterns = Vec::new();
        let mut entries = Vec::new();
        for (entry, spec) in terms.into_iter().enumerate() {
            let href = markers::root(&format!("glossary/index.html#{}", spec.anchor));
            let link = format!("<a class=\"glossary-term\" href=\"{href}\">");
            let mut title = String::new();
            let _ = escape_html(&mut title, spec.term.trim());
            entries.push(Entry {
                abbr: format!("{link}<abbr title=\"{title}\">"),
                link,
            });
            let term = spec.term.trim();
            if !term.is_empty() {
                texts.push(term);
                patterns.push(Pattern { entry, exact: None });
            }
            if let Some(abbr) = spec.abbr.map(str::trim).filter(|a| !a.is_empty()) {
                texts.push(abbr);
                patterns.push(Pattern {
                    entry,
                    exact: Some(abbr.into()),
                });
            }
        }
        if texts.is_empty() {
            return None;
        }
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&texts)
            .ok()?;
        Some(Self {
            automaton,
            patterns,
            entries,
        })
    }

    /// The uses of terms in `text`: whole words only, abbreviations in their
    /// exact case, and where uses overlap the leftmost, then longest, wins.
    fn find(&self, text: &str) -> Vec<Use> {
        let mut candidates: Vec<Use> = self
            .automaton
            .find_overlapping_iter(text)
            .filter_map(|m| {
                let pattern = &self.patterns[m.pattern().as_usize()];
                let (start, end) = (m.start(), m.end());
                let found = text.get(start..end)?;
                if pattern.exact.as_deref().is_some_and(|exact| exact != found)
                    || !whole_word(text, start, end)
                {
                    return None;
                }
                Some(Use {
                    start,
                    end,
                    entry: pattern.entry,
                    abbr: pattern.exact.is_some(),
                })
            })
            .collect();
        candidates.sort_by_key(|u| (u.start, Reverse(u.end), u.entry));
        let mut chosen: Vec<Use> = Vec::new();
        for candidate in candidates {
            if chosen.last().is_none_or(|last| candidate.start >= last.end) {
                chosen.push(candidate);
            }
        }
        chosen
    }

    fn open(&self, u: &Use) -> &str {
        let entry = &self.entries[u.entry];
        if u.abbr { &entry.abbr } else { &entry.link }
    }
}

/// Whether `text[start..end]` is not part of a longer word.
fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(word) && !after.is_some_and(word)
}

/// The depth of skipped inline elements after the inline HTML `html`.
fn element_depth(html: &str, depth: usize) -> usize {
    let Some(tag) = html.trim().strip_prefix('<') else {
        return depth;
    };
    let (closing, tag) = match tag.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, tag),
    };
    let name_end = tag
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(tag.len());
    let name = tag[..name_end].to_ascii_lowercase();
    if !SKIPPED_ELEMENTS.contains(&name.as_str()) || tag.trim_end().ends_with("/>") {
        depth
    } else if closing {
        depth.saturating_sub(1)
    } else {
        depth + 1
    }
}

/// Marks the first use of each term in every section (a heading starts a new one).
pub(super) fn mark<'a>(events: Vec<Item<'a>>, matcher: &TermMatcher) -> Vec<Item<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut run: Vec<Item<'a>> = Vec::new();
    let mut skipped = 0usize;
    let mut skipped_html = 0usize;
    let mut used: HashSet<usize> = HashSet::new();
    for (event, line) in events {
        if matches!(event, Event::Text(_) | Event::SoftBreak) && skipped == 0 && skipped_html == 0 {
            run.push((event, line));
            continue;
        }
        mark_run(&mut run, &mut out, matcher, &mut used);
        match &event {
            Event::Start(Tag::Heading { .. }) => {
                used.clear();
                skipped += 1;
            }
            Event::Start(
                Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::CodeBlock(_)
                | Tag::FootnoteDefinition(_)
                | Tag::MetadataBlock(_),
            ) => skipped += 1,
            Event::End(
                TagEnd::Heading(_)
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::CodeBlock
                | TagEnd::FootnoteDefinition
                | TagEnd::MetadataBlock(_),
            ) => skipped = skipped.saturating_sub(1),
            Event::InlineHtml(html) => skipped_html = element_depth(html, skipped_html),
            _ => {}
        }
        out.push((event, line));
    }
    mark_run(&mut run, &mut out, matcher, &mut used);
    out
}

/// Moves one run of text (text and soft breaks) to `out`, marking the first
/// use of each term not yet `used` in this section.
fn mark_run<'a>(
    run: &mut Vec<Item<'a>>,
    out: &mut Vec<Item<'a>>,
    matcher: &TermMatcher,
    used: &mut HashSet<usize>,
) {
    if run.is_empty() {
        return;
    }
    let mut text = String::new();
    let mut starts = Vec::with_capacity(run.len());
    for (event, _) in run.iter() {
        starts.push(text.len());
        match event {
            Event::Text(t) => text.push_str(t),
            _ => text.push(' '),
        }
    }
    let uses: Vec<Use> = matcher
        .find(&text)
        .into_iter()
        .filter(|u| used.insert(u.entry))
        .collect();
    if uses.is_empty() {
        out.append(run);
        return;
    }
    // Each use opens and closes a tag; the uses do not overlap, so the
    // positions only go up.
    let mut tags = uses
        .iter()
        .flat_map(|u| {
            let close = if u.abbr { "</abbr></a>" } else { "</a>" };
            [(u.start, matcher.open(u)), (u.end, close)]
        })
        .peekable();
    let html = |tag: &str| Event::InlineHtml(CowStr::from(tag.to_string()));
    for ((event, line), start) in run.drain(..).zip(starts) {
        match event {
            Event::Text(t) => {
                let end = start + t.len();
                if tags.peek().is_none_or(|&(at, _)| at >= end) {
                    out.push((Event::Text(t), line));
                    continue;
                }
                let mut pos = start;
                while let Some(&(at, tag)) = tags.peek()
                    && at < end
                {
                    if at > pos {
                        out.push((Event::Text(text[pos..at].to_string().into()), line));
                        pos = at;
                    }
                    out.push((html(tag), line));
                    tags.next();
                }
                if pos < end {
                    out.push((Event::Text(text[pos..end].to_string().into()), line));
                }
            }
            other => {
                while let Some(&(at, tag)) = tags.peek()
                    && at <= start
                {
                    out.push((html(tag), line));
                    tags.next();
                }
                out.push((other, line));
            }
        }
    }
    let line = out.last().map_or(1, |(_, line)| *line);
    out.extend(tags.map(|(_, tag)| (html(tag), line)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Parser, html};

    fn matcher(terms: &[(&str, Option<&str>)]) -> TermMatcher {
        let anchors: Vec<String> = terms
            .iter()
            .map(|(t, _)| crate::markdown::slugify(t))
            .collect();
        TermMatcher::new(
            terms
                .iter()
                .zip(&anchors)
                .map(|((term, abbr), anchor)| TermSpec {
                    term,
                    abbr: *abbr,
                    anchor,
                }),
        )
        .unwrap()
    }

    /// The HTML of `markdown` with `matcher`'s terms marked, markers shown as `@path`.
    fn marked(markdown: &str, matcher: &TermMatcher) -> String {
        let events: Vec<Item> = Parser::new_ext(markdown, crate::markdown::options())
            .map(|e| (e, 1))
            .collect();
        let mut out = String::new();
        html::push_html(&mut out, mark(events, matcher).into_iter().map(|(e, _)| e));
        markers::resolve(&out, |m| match m {
            markers::Marker::Root(path) => format!("@{path}"),
            _ => String::new(),
        })
        .into_owned()
    }

    fn safeguarding() -> TermMatcher {
        matcher(&[
            ("Designated Safeguarding Lead", Some("DSL")),
            ("Deputy Designated Safeguarding Lead", Some("DDSL")),
            ("Special educational needs and disabilities", Some("SEND")),
            ("UK General Data Protection Regulation", Some("UK GDPR")),
            ("Early help", None),
        ])
    }

    const DSL: &str = "<a class=\"glossary-term\" href=\"@glossary/index.html#designated-safeguarding-lead\"><abbr title=\"Designated Safeguarding Lead\">DSL</abbr></a>";

    #[test]
    fn marks_first_use_of_each_term_per_section() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "abbreviation, once per section",
                "Tell the DSL. The DSL decides.\n\n## Next\n\nAsk the DSL.\n",
                "<p>Tell the {DSL}. The DSL decides.</p>\n<h2>Next</h2>\n<p>Ask the {DSL}.</p>\n",
            ),
            (
                "full term in any case; abbreviation only in its own case",
                "Offer early help. We send letters; SEND pupils.\n",
                "<p>Offer <a class=\"glossary-term\" href=\"@glossary/index.html#early-help\">early help</a>. We send letters; <a class=\"glossary-term\" href=\"@glossary/index.html#special-educational-needs-and-disabilities\"><abbr title=\"Special educational needs and disabilities\">SEND</abbr></a> pupils.</p>\n",
            ),
            (
                "whole words only",
                "DSLs and XDSL and DSL_x are not uses.\n",
                "<p>DSLs and XDSL and DSL_x are not uses.</p>\n",
            ),
            (
                "longest match wins",
                "The deputy designated safeguarding lead helps.\n",
                "<p>The <a class=\"glossary-term\" href=\"@glossary/index.html#deputy-designated-safeguarding-lead\">deputy designated safeguarding lead</a> helps.</p>\n",
            ),
            (
                "a term across a line break",
                "Ask the Designated\nSafeguarding Lead.\n",
                "<p>Ask the <a class=\"glossary-term\" href=\"@glossary/index.html#designated-safeguarding-lead\">Designated\nSafeguarding Lead</a>.</p>\n",
            ),
            (
                "term and abbreviation are one entry",
                "The Designated Safeguarding Lead (DSL) decides.\n",
                "<p>The <a class=\"glossary-term\" href=\"@glossary/index.html#designated-safeguarding-lead\">Designated Safeguarding Lead</a> (DSL) decides.</p>\n",
            ),
            (
                "not in headings, links, code or existing abbr",
                "## The DSL\n\n[the DSL](https://example.org) `DSL` <abbr title=\"x\">DSL</abbr>\n\n```\nDSL\n```\n",
                "<h2>The DSL</h2>\n<p><a href=\"https://example.org\">the DSL</a> <code>DSL</code> <abbr title=\"x\">DSL</abbr></p>\n<pre><code>DSL\n</code></pre>\n",
            ),
            (
                "after a skipped element, text is marked again",
                "<abbr title=\"x\">SEND</abbr> and the DSL.\n",
                "<p><abbr title=\"x\">SEND</abbr> and the {DSL}.</p>\n",
            ),
            (
                "text split by entities and emphasis",
                "Q&amp;A with the *DSL* and UK GDPR.\n",
                "<p>Q&amp;A with the <em>{DSL}</em> and <a class=\"glossary-term\" href=\"@glossary/index.html#uk-general-data-protection-regulation\"><abbr title=\"UK General Data Protection Regulation\">UK GDPR</abbr></a>.</p>\n",
            ),
        ];
        let m = safeguarding();
        for (name, markdown, expected) in cases {
            let expected = expected.replace("{DSL}", DSL);
            assert_eq!(marked(markdown, &m), expected, "{name}");
        }
    }

    #[test]
    fn text_is_kept_for_prose_checks() {
        let m = safeguarding();
        let events: Vec<Item> = Parser::new("Tell the DSL now.").map(|e| (e, 3)).collect();
        let text: String = mark(events, &m)
            .into_iter()
            .filter_map(|(e, line)| {
                assert_eq!(line, 3);
                match e {
                    Event::Text(t) => Some(t.to_string()),
                    _ => None,
                }
            })
            .collect();
        assert_eq!(text, "Tell the DSL now.");
    }

    #[test]
    fn titles_are_escaped_and_empty_glossaries_match_nothing() {
        let m = matcher(&[("Tom \"&\" Jerry", Some("T&J"))]);
        let html = marked("T&amp;J", &m);
        assert!(
            html.contains("<abbr title=\"Tom &quot;&amp;&quot; Jerry\">T&amp;J</abbr>"),
            "{html}"
        );
        assert!(TermMatcher::new(std::iter::empty()).is_none());
    }

    #[test]
    fn many_terms_in_one_pass() {
        let terms: Vec<(String, String)> = (0..3000)
            .map(|i| (format!("Term number {i}"), format!("TN{i}")))
            .collect();
        let specs: Vec<(&str, Option<&str>)> = terms
            .iter()
            .map(|(t, a)| (t.as_str(), Some(a.as_str())))
            .collect();
        let m = matcher(&specs);
        let text = "See TN2999 and term number 12, then TN12 again.";
        let html = marked(text, &m);
        assert!(html.contains("#term-number-2999\"><abbr"), "{html}");
        assert!(html.contains(">term number 12</a>"), "{html}");
        assert!(html.contains("then TN12 again"), "{html}");
    }

    #[test]
    fn random_markdown_keeps_its_text_and_never_panics() {
        let pieces = [
            "DSL",
            "dsl",
            "UK GDPR",
            "Designated",
            " Safeguarding",
            " Lead",
            "Deputy ",
            " ",
            "\n",
            "\n\n",
            "## ",
            "*",
            "`",
            "[",
            "](policy:x)",
            ")",
            "<abbr>",
            "</abbr>",
            "<a>",
            "</a>",
            "é",
            "-",
            "_",
            "s",
            "&amp;",
            "[^n]",
            "[^n]: ",
            "> ",
            "- ",
            "|",
            "EARLY HELP",
        ];
        let m = safeguarding();
        let mut state = 0x9e37_79b9_u32;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as usize
        };
        let mut marked_any = false;
        for _ in 0..1500 {
            let text: String = (0..next() % 30)
                .map(|_| pieces[next() % pieces.len()])
                .collect();
            let path = std::path::Path::new("r.md");
            let mut d = crate::diagnostics::Diagnostics::new();
            let plain = crate::markdown::parse(path, &text, 1, &mut d);
            let glossed = crate::markdown::parse_with(
                path,
                &text,
                1,
                crate::markdown::Settings {
                    glossary: Some(&m),
                    ..Default::default()
                },
                &mut d,
            );
            assert_eq!(plain.prose, glossed.prose, "{text:?}");
            let titles = |b: &crate::markdown::Body| -> Vec<String> {
                b.sections.iter().map(|s| s.title_html.clone()).collect()
            };
            assert_eq!(titles(&plain), titles(&glossed), "{text:?}");
            marked_any |= glossed.intro.contains("glossary-term");
        }
        assert!(marked_any);
    }

    #[test]
    fn element_depths() {
        let cases = [
            ("<abbr title=\"x\">", 0, 1),
            ("</abbr>", 1, 0),
            ("</a>", 0, 0),
            ("<A HREF=\"x\">", 0, 1),
            ("<span>", 0, 0),
            ("<br/>", 0, 0),
            ("<code/>", 0, 0),
            ("not a tag", 2, 2),
        ];
        for (html, before, after) in cases {
            assert_eq!(element_depth(html, before), after, "{html}");
        }
    }
}
