//! Footnotes: definitions are lifted out of the flow and numbered by first
//! reference, so that every view of a policy shows the notes its sections cite.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{Event, Tag, TagEnd, html};

use super::Item;
use crate::diagnostics::{Diagnostics, Kind};

/// One footnote, ready to list at the end of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Footnote {
    /// The label from the source (`[^label]`).
    pub name: String,
    /// Its number, in order of first reference.
    pub number: usize,
    /// The anchor it is listed under (`fn-label`).
    pub anchor: String,
    /// Its rendered text.
    pub html: String,
}

/// A footnote definition before numbering.
pub(super) struct Definition {
    name: String,
    line: usize,
    html: String,
}

/// The anchor of footnote `name`.
pub(super) fn anchor(name: &str) -> String {
    format!("fn-{}", super::slugify(name))
}

/// Removes footnote definitions from `events`, rendering each.
pub(super) fn extract(events: Vec<Item<'_>>) -> (Vec<Item<'_>>, Vec<Definition>) {
    let mut out = Vec::with_capacity(events.len());
    let mut definitions = Vec::new();
    let mut current: Option<(String, usize, Vec<Event>)> = None;
    for (event, line) in events {
        match (&mut current, event) {
            (None, Event::Start(Tag::FootnoteDefinition(name))) => {
                current = Some((name.to_string(), line, Vec::new()));
            }
            (Some(_), Event::End(TagEnd::FootnoteDefinition)) => {
                if let Some((name, line, inner)) = current.take() {
                    let mut text = String::new();
                    html::push_html(&mut text, inner.into_iter());
                    definitions.push(Definition {
                        name,
                        line,
                        html: text,
                    });
                }
            }
            (Some((_, _, inner)), event) => inner.push(event),
            (None, event) => out.push((event, line)),
        }
    }
    (out, definitions)
}

/// Numbers definitions in the order their labels were first referenced;
/// warns about definitions nothing refers to, and references to nothing.
pub(super) fn number(
    definitions: Vec<Definition>,
    order: &[(String, usize)],
    path: &Path,
    diagnostics: &mut Diagnostics,
) -> Vec<Footnote> {
    let by_name: HashMap<&str, &Definition> =
        definitions.iter().map(|d| (d.name.as_str(), d)).collect();
    let cited: HashSet<&str> = order.iter().map(|(name, _)| name.as_str()).collect();
    let mut notes = Vec::new();
    for (name, line) in order {
        match by_name.get(name.as_str()) {
            Some(d) => notes.push(Footnote {
                name: d.name.clone(),
                number: notes.len() + 1,
                anchor: anchor(&d.name),
                html: d.html.clone(),
            }),
            None => diagnostics.error(
                path,
                Some(*line),
                format!("footnote [^{name}] has no definition ([^{name}]: text)"),
            ),
        }
    }
    for d in &definitions {
        if !cited.contains(d.name.as_str()) {
            diagnostics.warning(
                path,
                Some(d.line),
                Kind::UnusedFootnote,
                format!("footnote [^{}] is defined but never referenced", d.name),
            );
        }
    }
    notes
}
