//! The draft source: front matter from what was detected (each value with a
//! comment saying where it came from and how sure), then the body as
//! Markdown with audience tags and `<!-- check: -->` notes for the editor.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use aho_corasick::{AhoCorasick, MatchKind};

use super::detect::{Confidence, Detected, Found, Tag};
use super::doc::{Document, Kind, Marker, Span, escape, inline};

/// The whole draft file for `doc`, as policyweb reads it.
pub fn render(doc: &Document, found: &Detected, source_name: &str) -> String {
    let mut out = front_matter(found, source_name);
    out.push('\n');
    out.push_str(&body(doc, found));
    out
}

fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// A TOML comment that cannot end the line early or start a new one.
fn comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn front_matter(found: &Detected, source_name: &str) -> String {
    let mut out = String::from("+++\n");
    let _ = writeln!(
        out,
        "# Imported from {} by policyweb import: check every value below.",
        comment(source_name)
    );
    let title = found.title.as_ref().map(|(t, _)| t);
    let title_text = title.map_or("Untitled policy", |t| t.value.as_str());
    let key = |out: &mut String, name: &str, value: &str, f: Option<&Found>| {
        let _ = write!(out, "{name} = {}", quoted(value));
        if let Some(f) = f {
            let _ = write!(
                out,
                "  # line {}: \"{}\" ({})",
                f.line,
                comment(&f.from),
                f.confidence.word()
            );
        }
        out.push('\n');
    };
    key(&mut out, "title", title_text, title);
    out.push_str("status = \"draft\"\n");
    if let Some(f) = &found.summary {
        key(&mut out, "summary", &f.value, Some(f));
    }
    if !found.audiences.is_empty() {
        let list: Vec<String> = found.audiences.iter().map(|a| quoted(a)).collect();
        let _ = writeln!(
            out,
            "audiences = [{}]  # the audiences its text names",
            list.join(", ")
        );
    }
    for (name, f) in [
        ("owner", &found.owner),
        ("approved_by", &found.approved_by),
        ("approved", &found.approved),
    ] {
        if let Some(f) = f {
            key(&mut out, name, &f.value, Some(f));
        }
    }
    match (&found.review, &found.review_every) {
        (Some(f), _) => key(&mut out, "review", &f.value, Some(f)),
        (None, Some(f)) if found.approved.is_some() => {
            key(&mut out, "review_every", &f.value, Some(f))
        }
        (None, Some(f)) => {
            let _ = writeln!(
                out,
                "# review_every = {}  # line {}: add approved = \"...\" first ({})",
                quoted(&f.value),
                f.line,
                f.confidence.word()
            );
        }
        (None, None) => {}
    }
    if let Some(f) = &found.statutory {
        key(&mut out, "statutory", &f.value, Some(f));
    }
    let related: BTreeSet<&str> = found
        .references
        .iter()
        .filter_map(|r| r.policy.as_deref())
        .collect();
    if !related.is_empty() {
        let list: Vec<String> = related.iter().map(|id| quoted(id)).collect();
        let _ = writeln!(out, "related = [{}]", list.join(", "));
    }
    out.push_str("+++\n");
    out
}

fn body(doc: &Document, found: &Detected) -> String {
    let skip = found.title.as_ref().and_then(|(_, i)| *i);
    let sections: HashMap<usize, &Tag> = found.sections.iter().map(|t| (t.block, t)).collect();
    let blocks: HashMap<usize, &Tag> = found.blocks.iter().map(|t| (t.block, t)).collect();
    let links = links(found);
    let defined: BTreeSet<&str> = doc.footnotes.iter().map(|(l, _)| l.as_str()).collect();
    let mut out = String::new();
    // Open list items: (level, indent of their content).
    let mut items: Vec<(u8, usize)> = Vec::new();
    let mut last_was_item = false;
    for (i, block) in doc.blocks.iter().enumerate() {
        if Some(i) == skip {
            continue;
        }
        let spans = linked(&block.spans, &links, &defined);
        if let Kind::Item { level, marker } = &block.kind {
            while items.last().is_some_and(|(l, _)| l >= level) {
                items.pop();
            }
            let indent = items.last().map_or(0, |(_, w)| *w);
            let pad = " ".repeat(indent);
            let text = inline(&spans, false);
            let (lead, separate) = match marker {
                Marker::Bullet => ("- ".to_string(), false),
                Marker::Number(n, c) => (format!("{n}{c} "), false),
                Marker::Label(label) => (format!("{} ", escape(label, true)), true),
            };
            if !last_was_item || separate || !out.ends_with("\n") || out.is_empty() {
                out.push('\n');
            }
            if separate {
                // A label Markdown has no list for ("a)", "(ii)"): a paragraph
                // of its own, inside the item it belongs to.
                let _ = writeln!(out, "{pad}{lead}{text}");
                items.push((*level, indent));
                last_was_item = false;
            } else {
                let _ = writeln!(out, "{pad}{lead}{text}");
                items.push((*level, indent + lead.len()));
                last_was_item = true;
            }
            continue;
        }
        items.clear();
        last_was_item = false;
        out.push('\n');
        match &block.kind {
            // Lines above the title (the school's name) are not sections.
            Kind::Heading(_) if skip.is_some_and(|t| i < t) => {
                let _ = writeln!(out, "{}", inline(&spans, true));
            }
            Kind::Heading(level) => {
                let level = (*level).clamp(2, 6);
                let hashes = "#".repeat(usize::from(level));
                let text = inline(&spans, false);
                match sections.get(&i) {
                    Some(tag) => {
                        if tag.confidence < Confidence::High {
                            let _ = writeln!(
                                out,
                                "<!-- check: is this section only for {}? -->",
                                tag.audiences.join(" and ")
                            );
                        }
                        let _ = writeln!(
                            out,
                            "{hashes} {text} {{audience={}}}",
                            tag.audiences.join(",")
                        );
                    }
                    None => {
                        let _ = writeln!(out, "{hashes} {text}");
                    }
                }
            }
            Kind::Paragraph => {
                let text = inline(&spans, true);
                match blocks.get(&i) {
                    Some(tag) => {
                        let _ = writeln!(
                            out,
                            "<!-- check: is this paragraph only for {}? -->\n::: {{audience={}}}\n{text}\n:::",
                            tag.audiences.join(" and "),
                            tag.audiences.join(",")
                        );
                    }
                    None => {
                        let _ = writeln!(out, "{text}");
                    }
                }
            }
            Kind::Table(rows) => table(&mut out, rows, &links, &defined),
            Kind::Item { .. } => {}
        }
    }
    if !doc.footnotes.is_empty() {
        out.push('\n');
        for (label, spans) in &doc.footnotes {
            let spans = linked(spans, &links, &BTreeSet::new());
            let _ = writeln!(out, "[^{label}]: {}", inline(&spans, false));
        }
    }
    out
}

/// The names of the site's policies the text names, and their ids.
type Links<'a> = Option<(AhoCorasick, Vec<&'a str>)>;

fn links(found: &Detected) -> Links<'_> {
    let (names, ids): (Vec<&str>, Vec<&str>) = found
        .references
        .iter()
        .filter_map(|r| Some((r.title.as_str(), r.policy.as_deref()?)))
        .unzip();
    if names.is_empty() {
        return None;
    }
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&names)
        .ok()?;
    Some((automaton, ids))
}

fn table(out: &mut String, rows: &[Vec<Vec<Span>>], links: &Links, defined: &BTreeSet<&str>) {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    for (r, row) in rows.iter().enumerate() {
        out.push('|');
        for c in 0..width {
            let cell = row.get(c).map_or_else(String::new, |spans| {
                inline(&linked(spans, links, defined), false)
            });
            let _ = write!(out, " {} |", if cell.is_empty() { " " } else { &cell });
        }
        out.push('\n');
        if r == 0 {
            out.push('|');
            out.push_str(&" --- |".repeat(width));
            out.push('\n');
        }
    }
}

/// The spans with each named policy of the site linked, and footnote
/// references without a footnote left out. One automaton finds every name
/// in a single pass, however many the text names.
fn linked(spans: &[Span], links: &Links, defined: &BTreeSet<&str>) -> Vec<Span> {
    let mut out = Vec::with_capacity(spans.len());
    for span in spans {
        if let Some(label) = &span.footnote {
            if defined.contains(label.as_str()) {
                out.push(span.clone());
            }
            continue;
        }
        let Some((automaton, ids)) = links.as_ref().filter(|_| span.link.is_none()) else {
            out.push(span.clone());
            continue;
        };
        let mut at = 0;
        for found in automaton.find_iter(&span.text) {
            out.push(Span {
                text: span.text[at..found.start()].to_string(),
                ..span.clone()
            });
            out.push(Span {
                text: span.text[found.range()].to_string(),
                policy: Some(ids[found.pattern().as_usize()].to_string()),
                ..span.clone()
            });
            at = found.end();
        }
        out.push(Span {
            text: span.text[at..].to_string(),
            ..span.clone()
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::doc::Block;

    #[test]
    fn nested_lists_keep_their_markers() {
        let item = |level, marker, text: &str| Block::plain(1, Kind::Item { level, marker }, text);
        let doc = Document {
            blocks: vec![
                item(0, Marker::Number(1, '.'), "First"),
                item(1, Marker::Label("a)".into()), "lettered"),
                item(1, Marker::Bullet, "bullet"),
                item(0, Marker::Number(2, '.'), "Second"),
            ],
            ..Document::default()
        };
        let md = body(&doc, &Detected::default());
        assert_eq!(
            md,
            "\n1. First\n\n   a) lettered\n\n   - bullet\n2. Second\n"
        );
    }
}
