//! Splitting a body at its headings into sections with stable, unique anchors
//! and their audience tags, each section's HTML rendered once.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd, html};

use super::Item;
use super::footnotes;
use crate::diagnostics::Diagnostics;
use crate::markers;

/// An audience tag on a heading: `{audience=staff,governors}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudienceTag {
    /// The ids as written (`all` included).
    pub ids: Vec<String>,
    /// The file line of the heading.
    pub line: usize,
}

/// A heading and everything under it down to the next heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading level (2 for `##`), after shifting so that the top level is 2.
    pub level: u8,
    /// The section's anchor, unique within its page.
    pub anchor: String,
    /// The heading's inner HTML.
    pub title_html: String,
    /// The heading's plain text.
    pub title_text: String,
    /// The heading's file line.
    pub line: usize,
    /// The HTML between this heading and the next one.
    pub html: String,
    /// The audience tag written on the heading, if any.
    pub tag: Option<AudienceTag>,
    /// The enclosing section (the nearest earlier heading of a higher level).
    pub parent: Option<usize>,
    /// Labels of the footnotes this section's own text cites.
    pub footnotes: Vec<String>,
}

/// What [`split`] returns.
pub(super) struct Split {
    pub intro: String,
    pub sections: Vec<Section>,
    pub footnotes: footnotes::Numbering,
    pub prose: Vec<super::Prose>,
}

/// A heading's anchor from its text: lower case, words joined by hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut hyphen = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if hyphen && !slug.is_empty() {
                slug.push('-');
            }
            hyphen = false;
            slug.push(c);
        } else if c.is_whitespace() || c == '-' || c == '_' {
            hyphen = true;
        }
    }
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug
    }
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn valid_anchor(anchor: &str) -> bool {
    !anchor.is_empty()
        && !anchor.starts_with("pw-")
        && !anchor.starts_with("fn-")
        && anchor
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

struct Builder<'p, 'a> {
    path: &'p Path,
    intro: String,
    sections: Vec<Section>,
    explicit: Vec<Option<String>>,
    chunk: Vec<Event<'a>>,
    footnotes: footnotes::Numbering,
    /// The labels the last section cites, so each is listed once.
    section_cites: HashSet<String>,
    prose: Vec<super::Prose>,
    prose_text: Option<(usize, String)>,
}

impl<'a> Builder<'_, 'a> {
    fn flush(&mut self) {
        let target = match self.sections.last_mut() {
            Some(section) => &mut section.html,
            None => &mut self.intro,
        };
        let start = target.len();
        html::push_html(target, self.chunk.drain(..));
        // pulldown-cmark percent-encodes link markers in hrefs; decode them
        // here, once, rather than on every page that shows the section.
        if let Cow::Owned(decoded) = markers::decode(&target[start..]) {
            target.truncate(start);
            target.push_str(&decoded);
        }
    }

    fn footnote_reference(&mut self, name: &str, line: usize) -> Event<'static> {
        let html = self.footnotes.reference(name, line);
        if let Some(section) = self.sections.last_mut()
            && self.section_cites.insert(name.to_string())
        {
            section.footnotes.push(name.to_string());
        }
        Event::Html(html.into())
    }

    fn track_prose(&mut self, event: &Event<'_>, line: usize) {
        match event {
            Event::Start(Tag::Paragraph | Tag::Item | Tag::TableCell) => {
                self.end_prose();
                self.prose_text = Some((line, String::new()));
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => self.end_prose(),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = &mut self.prose_text {
                    text.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, text)) = &mut self.prose_text {
                    text.push(' ');
                }
            }
            _ => {}
        }
    }

    fn end_prose(&mut self) {
        if let Some((line, text)) = self.prose_text.take() {
            let text = text.trim();
            if !text.is_empty() {
                self.prose.push(super::Prose {
                    line,
                    text: text.to_string(),
                });
            }
        }
    }
}

/// Splits `events` into the intro and sections, checking heading attributes.
pub(super) fn split<'a>(
    events: Vec<Item<'a>>,
    path: &Path,
    diagnostics: &mut Diagnostics,
) -> Split {
    let top_level = events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(level_number(*level)),
            _ => None,
        })
        .min()
        .unwrap_or(2);
    let shift = 2u8.saturating_sub(top_level);
    let mut b = Builder {
        path,
        intro: String::new(),
        sections: Vec::new(),
        explicit: Vec::new(),
        chunk: Vec::new(),
        footnotes: footnotes::Numbering::default(),
        section_cites: HashSet::new(),
        prose: Vec::new(),
        prose_text: None,
    };
    let mut events = events.into_iter();
    while let Some((event, line)) = events.next() {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes: _,
                attrs,
            }) => {
                b.end_prose();
                b.flush();
                let mut inner = Vec::new();
                let mut title_text = String::new();
                for (event, line) in events.by_ref() {
                    match event {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => {
                            title_text.push_str(&t);
                            inner.push(Event::Text(t));
                        }
                        Event::FootnoteReference(name) => {
                            inner.push(b.footnote_reference(&name, line));
                        }
                        other => inner.push(other),
                    }
                }
                let mut title_html = String::new();
                html::push_html(&mut title_html, inner.into_iter());
                let mut tag = None;
                for (key, value) in attrs {
                    if key.as_ref() == "audience" {
                        let ids: Vec<String> = value
                            .as_deref()
                            .unwrap_or("")
                            .split(',')
                            .map(|s| s.trim().to_string())
                            .filter(|s| !s.is_empty())
                            .collect();
                        if ids.is_empty() {
                            diagnostics.error(
                                path,
                                Some(line),
                                "audience= needs at least one audience, e.g. {audience=staff}",
                            );
                        }
                        tag = Some(AudienceTag { ids, line });
                    } else {
                        diagnostics.error(
                            b.path,
                            Some(line),
                            format!(
                                "unknown heading attribute \"{key}\"{}",
                                match crate::suggest::closest(&key, ["audience"]) {
                                    Some(_) => "; did you mean \"audience\"? write it like {#anchor audience=staff}".to_string(),
                                    None => " (only {#anchor audience=...} is understood)".to_string(),
                                }
                            ),
                        );
                    }
                }
                let explicit = id.map(|id| id.to_string());
                if let Some(anchor) = &explicit
                    && !valid_anchor(anchor)
                {
                    diagnostics.error(
                        path,
                        Some(line),
                        format!(
                            "anchor \"#{anchor}\" may hold only letters, digits, - and _, and may not start with pw- or fn-"
                        ),
                    );
                }
                let level = (level_number(level) + shift).min(6);
                let parent = b.sections.iter().rposition(|s| s.level < level);
                b.explicit.push(explicit);
                b.section_cites.clear();
                b.sections.push(Section {
                    level,
                    anchor: String::new(),
                    title_html: title_html.trim_end().to_string(),
                    title_text: title_text.trim().to_string(),
                    line,
                    html: String::new(),
                    tag,
                    parent,
                    footnotes: Vec::new(),
                });
            }
            Event::FootnoteReference(name) => {
                let event = b.footnote_reference(&name, line);
                b.chunk.push(event);
            }
            event => {
                b.track_prose(&event, line);
                b.chunk.push(event);
            }
        }
    }
    b.end_prose();
    b.flush();
    assign_anchors(&mut b.sections, &b.explicit, path, diagnostics);
    // The HTML is kept for the whole build: give back what growing it left spare.
    b.intro.shrink_to_fit();
    for section in &mut b.sections {
        section.html.shrink_to_fit();
    }
    Split {
        intro: b.intro,
        sections: b.sections,
        footnotes: b.footnotes,
        prose: b.prose,
    }
}

/// Gives every section an anchor: its `{#id}` if it has one, else a slug of
/// its title made unique with `-2`, `-3`.
fn assign_anchors(
    sections: &mut [Section],
    explicit: &[Option<String>],
    path: &Path,
    diagnostics: &mut Diagnostics,
) {
    let mut taken: HashMap<String, usize> = HashMap::new();
    for (section, anchor) in sections.iter().zip(explicit) {
        if let Some(anchor) = anchor {
            if let Some(first) = taken.get(anchor) {
                diagnostics.error(
                    path,
                    Some(section.line),
                    format!("anchor \"#{anchor}\" is used twice (first on line {first})"),
                );
            } else {
                taken.insert(anchor.clone(), section.line);
            }
        }
    }
    for (section, anchor) in sections.iter_mut().zip(explicit) {
        section.anchor = match anchor {
            Some(anchor) => anchor.clone(),
            None => {
                let mut base = slugify(&section.title_text);
                if base.starts_with("pw-") || base.starts_with("fn-") {
                    // Those prefixes belong to the templates and footnotes.
                    base.insert_str(0, "s-");
                }
                let mut candidate = base.clone();
                let mut n = 2;
                while taken.contains_key(&candidate) {
                    candidate = format!("{base}-{n}");
                    n += 1;
                }
                taken.insert(candidate.clone(), section.line);
                candidate
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::parse;

    fn sections(text: &str) -> (Vec<Section>, Vec<String>) {
        let mut d = Diagnostics::new();
        let body = parse(Path::new("p.md"), text, 1, &mut d);
        (
            body.sections,
            d.sorted().iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn slugs() {
        let cases = [
            ("What pupils should do", "what-pupils-should-do"),
            ("  Roles & responsibilities ", "roles-responsibilities"),
            ("UK GDPR: your rights", "uk-gdpr-your-rights"),
            ("Año académico", "año-académico"),
            ("???", "section"),
            ("snake_case name", "snake-case-name"),
        ];
        for (text, slug) in cases {
            assert_eq!(slugify(text), slug, "{text}");
        }
    }

    #[test]
    fn anchors_are_unique_and_explicit_ones_win() {
        let (s, errors) =
            sections("## Reporting\n\n## Reporting\n\n## Other {#reporting}\n\n### Reporting\n");
        assert!(errors.is_empty(), "{errors:?}");
        let anchors: Vec<&str> = s.iter().map(|s| s.anchor.as_str()).collect();
        assert_eq!(
            anchors,
            ["reporting-2", "reporting-3", "reporting", "reporting-4"]
        );
    }

    #[test]
    fn nesting_tags_and_lines() {
        let (s, errors) = sections(
            "Intro.\n\n## Staff {audience=staff,governors}\n\ntext\n\n### Detail\n\n## All\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].line, 3);
        assert_eq!(
            s[0].tag,
            Some(AudienceTag {
                ids: vec!["staff".into(), "governors".into()],
                line: 3
            })
        );
        assert_eq!(s[0].title_text, "Staff");
        assert_eq!(s[1].parent, Some(0));
        assert_eq!(s[1].level, 3);
        assert_eq!(s[2].parent, None);
        assert!(s[0].html.contains("<p>text</p>"));
    }

    #[test]
    fn level_one_headings_are_shifted_to_two() {
        let (s, _) = sections("# Top\n\n## Sub\n");
        assert_eq!((s[0].level, s[1].level), (2, 3));
    }

    #[test]
    fn bad_attributes_and_duplicate_anchors_are_errors() {
        let (_, errors) = sections(
            "## A {#x}\n\n## B {#x}\n\n## C {audiance=staff}\n\n## D {audience=}\n\n## E {#pw-main}\n",
        );
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(
            errors[0].starts_with("p.md:3: error: anchor \"#x\" is used twice (first on line 1)")
        );
        assert!(errors[1].starts_with("p.md:5: error: unknown heading attribute \"audiance\""));
        assert!(errors[2].starts_with("p.md:7: error: audience= needs"));
        assert!(errors[3].starts_with("p.md:9: error: anchor \"#pw-main\""));
    }
}
