//! Footnotes: definitions are lifted out of the flow and numbered by first
//! reference, so that every view of a policy shows the notes its sections cite.
//!
//! A note's own text may cite other notes (`[^a]: see also[^b]`), even in a
//! circle: those are numbered after the notes that cite them and listed
//! wherever their citer is. Every label has an anchor of its own, even when
//! two labels differ only in punctuation or spaces. Each step looks each
//! label up in a hash map, so the cost grows with the number of citations,
//! not with its square.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{Event, Tag, TagEnd, html};

use super::{Item, Section};
use crate::diagnostics::{Diagnostics, Kind};

/// One footnote, ready to list at the end of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Footnote {
    /// The label from the source (`[^label]`).
    pub name: String,
    /// Its number, in order of first reference.
    pub number: usize,
    /// The anchor it is listed under (`fn-label`, unique within the page).
    pub anchor: String,
    /// Its rendered text.
    pub html: String,
}

/// A footnote definition before numbering: its events, rendered once numbered.
pub(super) struct Definition<'a> {
    name: String,
    line: usize,
    events: Vec<Event<'a>>,
}

/// A label cited somewhere: its first citation's line and its anchor.
pub(super) struct Cited {
    name: String,
    line: usize,
    anchor: String,
}

/// Numbers and anchors labels in the order they are first cited.
#[derive(Default)]
pub(super) struct Numbering {
    cited: Vec<Cited>,
    by_label: HashMap<String, usize>,
    anchors: HashSet<String>,
    /// The next suffix to try for each anchor already taken.
    suffixes: HashMap<String, usize>,
}

impl Numbering {
    /// The number and anchor of `label`, numbering it if this is its first citation.
    pub fn cite(&mut self, label: &str, line: usize) -> (usize, &str) {
        let i = match self.by_label.get(label) {
            Some(&i) => i,
            None => {
                let anchor = self.new_anchor(label);
                self.cited.push(Cited {
                    name: label.to_string(),
                    line,
                    anchor,
                });
                self.by_label
                    .insert(label.to_string(), self.cited.len() - 1);
                self.cited.len() - 1
            }
        };
        (i + 1, &self.cited[i].anchor)
    }

    /// The HTML of a citation of `label`.
    pub fn reference(&mut self, label: &str, line: usize) -> String {
        let (number, anchor) = self.cite(label, line);
        format!(
            "<sup class=\"footnote-ref\"><a href=\"#{anchor}\" aria-label=\"Note {number}\">{number}</a></sup>"
        )
    }

    /// An anchor for `label` that no other label has: `fn-slug`, else `fn-slug-2`…
    fn new_anchor(&mut self, label: &str) -> String {
        let base = format!("fn-{}", super::slugify(label));
        let mut anchor = base.clone();
        while self.anchors.contains(&anchor) {
            let n = self.suffixes.entry(base.clone()).or_insert(2);
            anchor = format!("{base}-{n}");
            *n += 1;
        }
        self.anchors.insert(anchor.clone());
        anchor
    }
}

/// Removes footnote definitions from `events`, keeping each one's events.
pub(super) fn extract(events: Vec<Item<'_>>) -> (Vec<Item<'_>>, Vec<Definition<'_>>) {
    let mut out = Vec::with_capacity(events.len());
    let mut definitions = Vec::new();
    let mut current: Option<Definition> = None;
    for (event, line) in events {
        match (&mut current, event) {
            (None, Event::Start(Tag::FootnoteDefinition(name))) => {
                current = Some(Definition {
                    name: name.to_string(),
                    line,
                    events: Vec::new(),
                });
            }
            (Some(_), Event::End(TagEnd::FootnoteDefinition)) => {
                definitions.extend(current.take());
            }
            (Some(d), event) => d.events.push(event),
            (None, event) => out.push((event, line)),
        }
    }
    (out, definitions)
}

/// Renders the cited definitions in the order of `numbering` (which grows
/// as notes cite other notes); adds a note cited by a note to the sections
/// that list its citer; reports citations of undefined notes, second
/// definitions and definitions nothing cites.
pub(super) fn number(
    definitions: Vec<Definition<'_>>,
    mut numbering: Numbering,
    sections: &mut [Section],
    path: &Path,
    diagnostics: &mut Diagnostics,
) -> Vec<Footnote> {
    let mut by_name: HashMap<String, Definition> = HashMap::with_capacity(definitions.len());
    let mut unused = Vec::new();
    for d in definitions {
        if by_name.contains_key(&d.name) {
            diagnostics.warning(
                path,
                Some(d.line),
                Kind::UnusedFootnote,
                format!(
                    "footnote [^{}] is defined twice; the first definition is used, delete this one",
                    d.name
                ),
            );
        } else {
            unused.push((d.name.clone(), d.line));
            by_name.insert(d.name.clone(), d);
        }
    }
    // Which sections list each label, to add the notes a note cites to them.
    let mut listed_by: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, section) in sections.iter().enumerate() {
        for name in &section.footnotes {
            listed_by.entry(name.clone()).or_default().push(i);
        }
    }
    let mut notes = Vec::new();
    let mut next = 0;
    while next < numbering.cited.len() {
        let (name, line) = (
            numbering.cited[next].name.clone(),
            numbering.cited[next].line,
        );
        next += 1;
        let Some(d) = by_name.remove(&name) else {
            diagnostics.error(
                path,
                Some(line),
                format!("footnote [^{name}] has no definition ([^{name}]: text)"),
            );
            continue;
        };
        let citers = listed_by.get(&name).cloned().unwrap_or_default();
        let mut events = Vec::with_capacity(d.events.len());
        for event in d.events {
            match event {
                Event::FootnoteReference(label) => {
                    let label = label.to_string();
                    events.push(Event::InlineHtml(
                        numbering.reference(&label, d.line).into(),
                    ));
                    let lists = listed_by.entry(label.clone()).or_default();
                    for &s in &citers {
                        if !lists.contains(&s) {
                            lists.push(s);
                            sections[s].footnotes.push(label.clone());
                        }
                    }
                }
                other => events.push(other),
            }
        }
        let mut text = String::new();
        html::push_html(&mut text, events.into_iter());
        let cited = &numbering.cited[next - 1];
        notes.push(Footnote {
            name: d.name,
            number: next,
            anchor: cited.anchor.clone(),
            html: text,
        });
    }
    for (name, line) in unused {
        if !numbering.by_label.contains_key(&name) {
            diagnostics.warning(
                path,
                Some(line),
                Kind::UnusedFootnote,
                format!("footnote [^{name}] is defined but never referenced"),
            );
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::diagnostics::Diagnostics;
    use crate::markdown::{Body, parse};

    fn body(text: &str) -> (Body, Vec<String>) {
        let mut d = Diagnostics::new();
        let body = parse(Path::new("p.md"), text, 1, &mut d);
        (body, d.sorted().iter().map(ToString::to_string).collect())
    }

    fn anchors(b: &Body) -> Vec<(&str, usize, &str)> {
        b.footnotes
            .iter()
            .map(|n| (n.name.as_str(), n.number, n.anchor.as_str()))
            .collect()
    }

    #[test]
    fn labels_that_differ_only_in_punctuation_get_distinct_anchors() {
        let (b, errors) =
            body("A[^a.b] B[^a-b] C[^a b] D[^a.b]\n\n[^a.b]: One.\n[^a-b]: Two.\n[^a b]: Three.\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            anchors(&b),
            [
                ("a.b", 1, "fn-ab"),
                ("a-b", 2, "fn-a-b"),
                ("a b", 3, "fn-a-b-2")
            ]
        );
        for anchor in ["fn-ab", "fn-a-b", "fn-a-b-2"] {
            assert!(
                b.intro.contains(&format!("href=\"#{anchor}\"")),
                "{}",
                b.intro
            );
        }
    }

    #[test]
    fn a_note_may_cite_another_even_in_a_circle() {
        let (b, errors) = body(
            "Intro.\n\n## One\n\nClaim.[^a]\n\n## Two\n\nOther.\n\n[^a]: See also[^b].\n[^b]: And back to[^a].\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(anchors(&b), [("a", 1, "fn-a"), ("b", 2, "fn-b")]);
        assert!(
            b.footnotes[0].html.contains("href=\"#fn-b\""),
            "{:?}",
            b.footnotes
        );
        assert!(
            b.footnotes[1].html.contains("href=\"#fn-a\""),
            "{:?}",
            b.footnotes
        );
        assert_eq!(
            b.sections[0].footnotes,
            ["a", "b"],
            "b is listed where a is"
        );
        assert!(b.sections[1].footnotes.is_empty());
    }

    #[test]
    fn duplicate_undefined_and_unused_notes_are_reported_without_markup() {
        let (b, errors) =
            body("A[^x] B[^y].\n\n[^x]: First.\n[^x]: Second.\n[^z]: Unused, citing[^w].\n");
        assert_eq!(anchors(&b), [("x", 1, "fn-x")]);
        assert!(b.footnotes[0].html.contains("First."));
        let text = errors.join("\n");
        assert!(
            text.contains("p.md:4: warning: footnote [^x] is defined twice"),
            "{text}"
        );
        assert!(
            text.contains("p.md:5: warning: footnote [^z] is defined but never referenced"),
            "{text}"
        );
        assert!(!b.intro.contains("footnote-reference"), "{}", b.intro);
    }

    #[test]
    fn many_notes_in_one_section_are_numbered_in_order() {
        let n = 2000;
        let mut text = String::from("## Notes\n\n");
        for i in 0..n {
            text.push_str(&format!("C[^n{i}][^n{i}]\n\n[^n{i}]: N{i}.\n\n"));
        }
        let (b, errors) = body(&text);
        assert!(errors.is_empty(), "{:?}", &errors[..3.min(errors.len())]);
        assert_eq!(b.footnotes.len(), n);
        assert_eq!(b.sections[0].footnotes.len(), n);
        assert_eq!(b.footnotes[n - 1].number, n);
    }
}
