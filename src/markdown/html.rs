//! Raw HTML in Markdown: a few harmless tags are kept (with harmless
//! attributes), everything else is shown as text, with a warning naming the
//! file and line.
//!
//! Editors paste HTML from word processors and web pages; a `<script>`, an
//! `onclick` or an unclosed `<div>` must never reach a school's site. The
//! tags in [`DEFAULT_ALLOWED`] are kept; a site may allow more with
//! `allow_html = ["iframe"]` in site.toml. Every `<` that does not open a
//! kept tag is escaped, so the only markup that passes is what this module
//! writes itself. HTML comments are dropped. Kept tags are balanced: each is
//! closed by the end of the Markdown block (or section) it opened in.

use std::fmt::Write;
use std::path::Path;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::escape_html;

use super::Item;
use crate::diagnostics::{Diagnostics, Kind};
use crate::{markers, urls};

/// The tags kept by default: harmless inline formatting and disclosure widgets.
pub const DEFAULT_ALLOWED: [&str; 9] = [
    "abbr", "br", "details", "kbd", "mark", "small", "sub", "summary", "sup",
];

/// Tags that no `allow_html` can let through: content never runs code.
pub const NEVER_ALLOWED: [&str; 1] = ["script"];

/// Attributes kept on the default tags.
const SAFE_ATTRIBUTES: [&str; 4] = ["title", "lang", "dir", "class"];

/// Attributes never kept, even on a tag a site allows: styles, and a frame's
/// inline document (which would run in the site's own origin).
const UNSAFE_ATTRIBUTES: [&str; 2] = ["style", "srcdoc"];

/// Attributes that hold a URL (besides any `…:href`, and `srcset`'s list).
const URL_ATTRIBUTES: [&str; 17] = [
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "cite",
    "data",
    "background",
    "ping",
    "longdesc",
    "manifest",
    "icon",
    "codebase",
    "archive",
    "classid",
    "profile",
    "usemap",
];

/// Attributes that hold a list of image candidates, each starting with a URL.
const SRCSET_ATTRIBUTES: [&str; 2] = ["srcset", "imagesrcset"];

/// Why the URL (or URLs) in `attribute`'s decoded `value` may not be published, if so.
fn url_refusal(attribute: &str, value: &str) -> Option<urls::Refusal> {
    if SRCSET_ATTRIBUTES.contains(&attribute) {
        return urls::srcset_urls(value).find_map(|url| urls::check(url).err());
    }
    let holds_url = URL_ATTRIBUTES.contains(&attribute) || attribute.ends_with(":href");
    holds_url.then(|| urls::check(value).err()).flatten()
}

/// How deeply kept tags may nest; deeper ones are shown as text, which keeps
/// every step of the pass bounded whatever the input.
const MAX_OPEN: usize = 64;

/// Elements that have no end tag.
const VOID: [&str; 13] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// The error for a link address in front matter or data that [`urls::check`] refuses.
pub fn unsafe_url(url: &str, refusal: &urls::Refusal) -> String {
    format!(
        "\"{}\": {refusal}; give the https:// address",
        url.escape_debug()
    )
}

/// `text` (from a source) with what no page may hold replaced by U+FFFD:
/// control characters (see [`urls::is_forbidden_control`]), the characters
/// that open and close markers, and those characters percent-encoded (which
/// a link's address would otherwise carry into a marker). Returns the first
/// control character found, for the warning.
pub(crate) fn scrub(text: &str) -> Option<(String, Option<char>)> {
    let control = urls::first_forbidden_control(text);
    let percent = text.contains('%') && {
        let lower = text.to_ascii_lowercase();
        lower.contains("%ee%80%80") || lower.contains("%ee%80%81")
    };
    if control.is_none() && !percent && !text.contains([markers::OPEN, markers::CLOSE]) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let line_end = c == '\r' && chars.peek() == Some(&'\n');
        if (urls::is_forbidden_control(c) && !line_end) || c == markers::OPEN || c == markers::CLOSE
        {
            out.push('\u{FFFD}');
        } else {
            out.push(c);
        }
    }
    if percent {
        let lower = out.to_ascii_lowercase();
        let mut rebuilt = String::with_capacity(out.len());
        let mut at = 0;
        while let Some(found) = lower[at..].find("%ee%80%8") {
            let start = at + found;
            let tail = &lower[start + 8..];
            if tail.starts_with('0') || tail.starts_with('1') {
                rebuilt.push_str(&out[at..start]);
                rebuilt.push_str("%EF%BF%BD");
                at = start + 9;
            } else {
                rebuilt.push_str(&out[at..start + 8]);
                at = start + 8;
            }
        }
        rebuilt.push_str(&out[at..]);
        out = rebuilt;
    }
    Some((out, control))
}

/// The warning for a control character that a character reference or an
/// escape put in a source.
pub(crate) fn control_warning(c: char) -> String {
    format!(
        "an invisible control character (U+{:04X}) written as a character reference or escape was replaced with \u{FFFD}; delete it",
        u32::from(c)
    )
}

/// One piece of a raw HTML fragment.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    /// Text (already HTML, so entities stay as they are).
    Text(&'a str),
    /// A start tag: name (lower case), attributes, whether it ends in `/>`.
    Start(String, Vec<(String, Option<&'a str>)>, bool),
    /// An end tag's name (lower case).
    End(String),
    /// A comment; `false` when it is never closed.
    Comment(bool),
    /// A `<` that starts no tag, or a tag too malformed to read.
    Stray(&'a str),
}

/// Splits raw HTML into pieces, each with its byte offset.
fn pieces(html: &str) -> Vec<(usize, Piece<'_>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < html.len() {
        let rest = &html[at..];
        let Some(lt) = rest.find('<') else {
            out.push((at, Piece::Text(rest)));
            break;
        };
        if lt > 0 {
            out.push((at, Piece::Text(&rest[..lt])));
            at += lt;
            continue;
        }
        let (piece, len) = tag(rest).unwrap_or((Piece::Stray(&rest[..1]), 1));
        out.push((at, piece));
        at += len;
    }
    out
}

/// Reads the tag or comment at the start of `text` (which starts with `<`).
fn tag(text: &str) -> Option<(Piece<'_>, usize)> {
    if let Some(body) = text.strip_prefix("<!--") {
        return Some(match body.find("-->") {
            Some(end) => (Piece::Comment(true), 4 + end + 3),
            None => (Piece::Comment(false), text.len()),
        });
    }
    let (closing, after) = match text.strip_prefix("</") {
        Some(after) => (true, after),
        None => (false, &text[1..]),
    };
    let name_len = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(after.len());
    let name = &after[..name_len];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let name = name.to_ascii_lowercase();
    let mut at = text.len() - after.len() + name_len;
    if closing {
        let close = text[at..].trim_start();
        at = text.len() - close.len();
        return close.starts_with('>').then(|| (Piece::End(name), at + 1));
    }
    let mut attributes = Vec::new();
    loop {
        let rest = text[at..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        at = text.len() - rest.len();
        if rest.starts_with('>') {
            return Some((Piece::Start(name, attributes, false), at + 1));
        }
        if rest.starts_with("/>") {
            return Some((Piece::Start(name, attributes, true), at + 2));
        }
        let name_len = rest
            .find(|c: char| c.is_ascii_whitespace() || matches!(c, '/' | '>' | '='))
            .unwrap_or(rest.len());
        if name_len == 0 || rest[..name_len].contains(['"', '\'', '<']) {
            return None;
        }
        let attribute = rest[..name_len].to_ascii_lowercase();
        at += name_len;
        let after = text[at..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        let Some(value) = after.strip_prefix('=') else {
            attributes.push((attribute, None));
            continue;
        };
        let value = value.trim_start_matches(|c: char| c.is_ascii_whitespace());
        let value_at = text.len() - value.len();
        let (found, len) = match value.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let end = value[1..].find(quote)?;
                (&value[1..1 + end], end + 2)
            }
            Some(_) => {
                let end = value
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(value.len());
                if value[..end].contains(['"', '\'', '<', '=', '`']) {
                    return None;
                }
                (&value[..end], end)
            }
            None => return None,
        };
        attributes.push((attribute, Some(found)));
        at = value_at + len;
    }
}

/// A kept tag that is open, and the Markdown nesting depth it opened at.
struct Open {
    name: String,
    depth: usize,
}

/// The pass's state over one body.
struct Cleaner<'p> {
    path: &'p Path,
    extra: &'p [String],
    open: Vec<Open>,
    depth: usize,
    /// The last tag warned about, so a line of `<td>`s gives one warning.
    warned: Option<(usize, String)>,
    diagnostics: &'p mut Diagnostics,
}

impl Cleaner<'_> {
    fn allowed(&self, name: &str) -> bool {
        !NEVER_ALLOWED.contains(&name)
            && (DEFAULT_ALLOWED.contains(&name) || self.extra.iter().any(|t| t == name))
    }

    /// `html` (starting on file line `line`) with only kept tags left as markup.
    fn clean(&mut self, html: &str, line: usize) -> String {
        let mut out = String::with_capacity(html.len());
        let (mut counted, mut newlines) = (0, 0);
        for (offset, piece) in pieces(html) {
            newlines += html[counted..offset].matches('\n').count();
            counted = offset;
            let line = line + newlines;
            match piece {
                Piece::Text(text) => {
                    let decoded = urls::decode_text(text);
                    match scrub(&decoded) {
                        Some((scrubbed, found)) => {
                            if let Some(c) = found {
                                self.diagnostics
                                    .warning(self.path, Some(line), Kind::ControlCharacter, control_warning(c));
                            }
                            let _ = escape_html(&mut out, &scrubbed);
                        }
                        None if text.contains('&') => {
                            let _ = escape_html(&mut out, &decoded);
                        }
                        None => out.push_str(text),
                    }
                }
                Piece::Comment(true) => {}
                Piece::Comment(false) => self.diagnostics.warning(
                    self.path,
                    Some(line), Kind::Html,
                    "an HTML comment (<!--) is never closed with -->, so everything after it is hidden",
                ),
                Piece::Stray(text) => {
                    let _ = escape_html(&mut out, text);
                }
                Piece::Start(name, attributes, _)
                    if self.allowed(&name)
                        && (self.open.len() < MAX_OPEN || VOID.contains(&name.as_str())) =>
                {
                    self.start_tag(&mut out, &name, attributes, line);
                }
                Piece::End(name) if self.allowed(&name) => self.end_tag(&mut out, &name, line),
                Piece::Start(name, ..) | Piece::End(name) => {
                    let len = tag(&html[offset..]).map_or(1, |(_, len)| len);
                    let text = &html[offset..offset + len];
                    let _ = escape_html(&mut out, text);
                    if !text.starts_with("</") && self.warned != Some((line, name.clone())) {
                        if self.allowed(&name) {
                            self.diagnostics.warning(
                                self.path,
                                Some(line), Kind::Html,
                                format!("<{name}> is shown as text: HTML tags may nest only {MAX_OPEN} deep"),
                            );
                        } else {
                            self.warn_shown_as_text(&name, line);
                        }
                        self.warned = Some((line, name));
                    }
                }
            }
        }
        out
    }

    fn warn_shown_as_text(&mut self, name: &str, line: usize) {
        let allowed: Vec<String> = DEFAULT_ALLOWED
            .iter()
            .map(|t| t.to_string())
            .chain(self.extra.iter().cloned())
            .map(|t| format!("<{t}>"))
            .collect();
        let hint = if NEVER_ALLOWED.contains(&name) {
            "policyweb never publishes scripts from content".to_string()
        } else {
            format!("add \"{name}\" to allow_html in site.toml to publish it")
        };
        self.diagnostics.warning(
            self.path,
            Some(line),
            Kind::Html,
            format!(
                "raw HTML <{name}> is shown as text (HTML allowed in content: {}); {hint}",
                allowed.join(", ")
            ),
        );
    }

    fn start_tag(
        &mut self,
        out: &mut String,
        name: &str,
        attributes: Vec<(String, Option<&str>)>,
        line: usize,
    ) {
        let default = DEFAULT_ALLOWED.contains(&name);
        let mut removed = Vec::new();
        let _ = write!(out, "<{name}");
        let mut control = None;
        for (attribute, value) in attributes {
            let value = value.map(urls::decode_attribute);
            let keep = if default {
                SAFE_ATTRIBUTES.contains(&attribute.as_str())
                    || (name == "details" && attribute == "open")
            } else {
                !(attribute.starts_with("on")
                    || UNSAFE_ATTRIBUTES.contains(&attribute.as_str())
                    || value
                        .as_deref()
                        .is_some_and(|v| url_refusal(&attribute, v).is_some()))
            };
            if !keep {
                removed.push(attribute);
                continue;
            }
            match value {
                Some(value) => {
                    let value = match scrub(&value) {
                        Some((scrubbed, found)) => {
                            control = control.or(found);
                            scrubbed
                        }
                        None => value,
                    };
                    let _ = write!(out, " {attribute}=\"");
                    let _ = escape_html(&mut *out, &value);
                    out.push('"');
                }
                None => {
                    let _ = write!(out, " {attribute}");
                }
            }
        }
        if let Some(c) = control {
            self.diagnostics.warning(
                self.path,
                Some(line),
                Kind::ControlCharacter,
                control_warning(c),
            );
        }
        out.push('>');
        if !removed.is_empty() {
            self.diagnostics.warning(
                self.path,
                Some(line), Kind::Html,
                format!(
                    "removed {} from <{name}>: content may not carry scripts, styles or script links",
                    removed.join(", ")
                ),
            );
        }
        if !VOID.contains(&name) {
            self.open.push(Open {
                name: name.to_string(),
                depth: self.depth,
            });
        }
    }

    fn end_tag(&mut self, out: &mut String, name: &str, line: usize) {
        if VOID.contains(&name) {
            return;
        }
        match self
            .open
            .iter()
            .rposition(|o| o.name == name && o.depth == self.depth)
        {
            Some(i) => self.close_from(out, i),
            None => self.diagnostics.warning(
                self.path,
                Some(line),
                Kind::Html,
                format!("removed a </{name}> that closes nothing opened before it in this block"),
            ),
        }
    }

    /// Closes every open tag from index `i` up.
    fn close_from(&mut self, out: &mut String, i: usize) {
        for open in self.open.drain(i..).rev() {
            let _ = write!(out, "</{}>", open.name);
        }
    }

    /// Closes the tags opened at `depth` or deeper; returns the HTML, if any.
    fn close_deeper(&mut self, depth: usize) -> Option<String> {
        let i = self.open.iter().position(|o| o.depth >= depth)?;
        let mut out = String::new();
        self.close_from(&mut out, i);
        Some(out)
    }
}

/// Whether a tag's events nest others as a block (a paragraph, list item,
/// table cell…), as opposed to inline markup or a raw HTML block.
fn is_container(tag: &Tag<'_>) -> bool {
    !matches!(
        tag,
        Tag::HtmlBlock
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_container_end(tag: &TagEnd) -> bool {
    !matches!(
        tag,
        TagEnd::HtmlBlock
            | TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Cleans every raw HTML event of `events`, keeping the tags in
/// [`DEFAULT_ALLOWED`] and `extra`, and drops images with script or data URLs.
pub(super) fn clean<'a>(
    events: Vec<Item<'a>>,
    extra: &[String],
    path: &Path,
    diagnostics: &mut Diagnostics,
) -> Vec<Item<'a>> {
    let mut c = Cleaner {
        path,
        extra,
        open: Vec::new(),
        depth: 0,
        warned: None,
        diagnostics,
    };
    let mut last_line = 1;
    let mut out: Vec<Item<'a>> = Vec::with_capacity(events.len());
    let mut events = events.into_iter().peekable();
    while let Some((event, line)) = events.next() {
        last_line = line;
        let event = scrub_event(event, path, line, c.diagnostics);
        match event {
            Event::Start(Tag::HtmlBlock) => {
                let mut block = String::new();
                while let Some((Event::Html(more), _)) = events.peek() {
                    block.push_str(more);
                    events.next();
                }
                let cleaned = c.clean(&block, line);
                if cleaned.trim().is_empty() {
                    events.next_if(|(e, _)| matches!(e, Event::End(TagEnd::HtmlBlock)));
                } else {
                    out.push((Event::Start(Tag::HtmlBlock), line));
                    out.push((Event::Html(cleaned.into()), line));
                }
            }
            Event::Html(html) => {
                out.push((Event::Html(c.clean(&html, line).into()), line));
            }
            Event::InlineHtml(html) => {
                out.push((Event::InlineHtml(c.clean(&html, line).into()), line));
            }
            Event::Start(tag) => {
                if matches!(tag, Tag::Heading { .. })
                    && let Some(closes) = c.close_deeper(0)
                {
                    out.push((Event::Html(closes.into()), line));
                }
                if is_container(&tag) {
                    c.depth += 1;
                }
                out.push((
                    Event::Start(safe_image(tag, path, line, c.diagnostics)),
                    line,
                ));
            }
            Event::End(end) => {
                if is_container_end(&end) {
                    if let Some(closes) = c.close_deeper(c.depth) {
                        out.push((Event::InlineHtml(closes.into()), line));
                    }
                    c.depth = c.depth.saturating_sub(1);
                }
                out.push((Event::End(end), line));
            }
            other => out.push((other, line)),
        }
    }
    if let Some(closes) = c.close_deeper(0) {
        out.push((Event::Html(closes.into()), last_line));
    }
    out
}

/// `event` with every string from the source passed through [`scrub`], and
/// a warning for the first control character found.
fn scrub_event<'a>(event: Event<'a>, path: &Path, line: usize, d: &mut Diagnostics) -> Event<'a> {
    let mut control = None;
    let mut s = |text: CowStr<'a>| match scrub(&text) {
        Some((scrubbed, found)) => {
            control = control.or(found);
            CowStr::from(scrubbed)
        }
        None => text,
    };
    let event = match event {
        Event::Text(t) => Event::Text(s(t)),
        Event::Code(t) => Event::Code(s(t)),
        Event::FootnoteReference(t) => Event::FootnoteReference(s(t)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: s(dest_url),
            title: s(title),
            id: s(id),
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: s(dest_url),
            title: s(title),
            id: s(id),
        }),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level,
            id: id.map(&mut s),
            classes: classes.into_iter().map(&mut s).collect(),
            attrs: attrs
                .into_iter()
                .map(|(k, v)| (s(k), v.map(&mut s)))
                .collect(),
        }),
        Event::Start(Tag::FootnoteDefinition(label)) => {
            Event::Start(Tag::FootnoteDefinition(s(label)))
        }
        Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(info))) => Event::Start(
            Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(s(info))),
        ),
        other => other,
    };
    if let Some(c) = control {
        d.warning(path, Some(line), Kind::ControlCharacter, control_warning(c));
    }
    event
}

/// `tag`, with an image's script or data URL removed.
fn safe_image<'a>(tag: Tag<'a>, path: &Path, line: usize, d: &mut Diagnostics) -> Tag<'a> {
    match tag {
        Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        } if !urls::is_safe(&dest_url) => {
            d.warning(
                path,
                Some(line), Kind::UnsafeLink,
                "an image with a script or data: address was removed (put the image in the site's theme/ folder)",
            );
            Tag::Image {
                link_type,
                dest_url: CowStr::Borrowed(""),
                title,
                id,
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::options;
    use pulldown_cmark::{Parser, html};

    /// Renders `text` with the pass, returning the HTML and the diagnostics.
    fn render(text: &str, extra: &[&str]) -> (String, Vec<String>) {
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        let mut d = Diagnostics::new();
        let index = crate::diagnostics::LineIndex::new(text);
        let events: Vec<Item> = Parser::new_ext(text, options())
            .into_offset_iter()
            .map(|(e, r)| (e, index.line(r.start)))
            .collect();
        let events = clean(events, &extra, Path::new("p.md"), &mut d);
        let mut out = String::new();
        html::push_html(&mut out, events.into_iter().map(|(e, _)| e));
        (out, d.sorted().iter().map(ToString::to_string).collect())
    }

    #[test]
    fn pieces_of_raw_html() {
        use Piece::*;
        let p = pieces("a<b>c</B ><!-- x --><br/>< 5<i x=\"1\" y='2' z=3 w>");
        assert_eq!(
            p.into_iter().map(|(_, p)| p).collect::<Vec<_>>(),
            [
                Text("a"),
                Start("b".into(), vec![], false),
                Text("c"),
                End("b".into()),
                Comment(true),
                Start("br".into(), vec![], true),
                Stray("<"),
                Text(" 5"),
                Start(
                    "i".into(),
                    vec![
                        ("x".into(), Some("1")),
                        ("y".into(), Some("2")),
                        ("z".into(), Some("3")),
                        ("w".into(), None)
                    ],
                    false
                ),
            ]
        );
        for malformed in [
            "<a x=\"1>",
            "<a \"x\">",
            "<a x=a\"b>",
            "<1>",
            "</a x>",
            "<a",
        ] {
            assert!(tag(malformed).is_none(), "{malformed}");
        }
    }

    #[test]
    fn harmless_tags_stay_and_the_rest_is_text() {
        let cases = [
            (
                "H<sub>2</sub>O and x<sup>2</sup>, <kbd>Ctrl</kbd>, <mark>this</mark>, <small>s</small>",
                "<p>H<sub>2</sub>O and x<sup>2</sup>, <kbd>Ctrl</kbd>, <mark>this</mark>, <small>s</small></p>\n",
            ),
            ("line<br>next<br/>last", "<p>line<br>next<br>last</p>\n"),
            (
                "<abbr title=\"Designated Safeguarding Lead\">DSL</abbr>",
                "<p><abbr title=\"Designated Safeguarding Lead\">DSL</abbr></p>\n",
            ),
            (
                "Hi <script>alert(1)</script> there",
                "<p>Hi &lt;script&gt;alert(1)&lt;/script&gt; there</p>\n",
            ),
            (
                "<script>\nalert(\"x\")\n</script>\n",
                "&lt;script&gt;\nalert(\"x\")\n&lt;/script&gt;\n",
            ),
            (
                "<div onclick=\"steal()\">\n<img src=x onerror=alert(1)>\n</div>\n",
                "&lt;div onclick=&quot;steal()&quot;&gt;\n&lt;img src=x onerror=alert(1)&gt;\n&lt;/div&gt;\n",
            ),
            ("a <!-- note to self --> b", "<p>a  b</p>\n"),
            ("<!--\nhidden\nnote\n-->\n\nshown\n", "<p>shown</p>\n"),
        ];
        for (text, expected) in cases {
            let (html, _) = render(text, &[]);
            assert_eq!(html, expected, "{text}");
        }
    }

    #[test]
    fn attributes_are_filtered_and_escaped() {
        let (html, warnings) = render(
            "<abbr title='a \"b\" & c &amp; d' onclick=\"x()\" style=\"color:red\" id=\"pw-main\" class=\"k\">A</abbr>\n",
            &[],
        );
        assert_eq!(
            html,
            "<p><abbr title=\"a &quot;b&quot; &amp; c &amp; d\" class=\"k\">A</abbr></p>\n"
        );
        assert_eq!(
            warnings,
            [
                "p.md:1: warning: removed onclick, style, id from <abbr>: content may not carry scripts, styles or script links [html]"
            ]
        );
        let (html, _) = render(
            "<details open><summary>More</summary>\n\nText.\n\n</details>\n",
            &[],
        );
        assert_eq!(
            html,
            "<details open><summary>More</summary>\n<p>Text.</p>\n</details>\n"
        );
    }

    #[test]
    fn a_site_may_allow_more_but_never_scripts() {
        let text = "<iframe src=\"https://forms.example/x\" title=\"Form\" onload=\"x()\" srcdoc=\"<script>\"></iframe>\n\n\
                    <iframe src=\"javascript:alert(1)\"></iframe>\n\n<script src=\"https://evil.example/x.js\"></script>\n";
        let (html, warnings) = render(text, &["iframe", "script"]);
        assert_eq!(
            html,
            "<iframe src=\"https://forms.example/x\" title=\"Form\"></iframe>\n\
             <iframe></iframe>\n\
             &lt;script src=&quot;https://evil.example/x.js&quot;&gt;&lt;/script&gt;\n"
        );
        assert_eq!(warnings.len(), 3, "{warnings:#?}");
        assert!(warnings[0].starts_with("p.md:1: warning: removed onload, srcdoc from <iframe>"));
        assert!(warnings[1].starts_with("p.md:3: warning: removed src from <iframe>"));
        assert!(warnings[2].contains("p.md:5: warning: raw HTML <script> is shown as text"));
        assert!(warnings[2].ends_with("policyweb never publishes scripts from content [html]"));
    }

    #[test]
    fn warnings_name_the_line_of_each_tag() {
        let (_, warnings) = render(
            "Intro.\n\n<div>\n<p>\n<span>x</span>\n</div>\n\nAnd <font color=red>old</font>.\n",
            &[],
        );
        let lines: Vec<&str> = warnings
            .iter()
            .map(|w| w.split(": warning").next().unwrap())
            .collect();
        assert_eq!(lines, ["p.md:3", "p.md:4", "p.md:5", "p.md:8"]);
        assert!(warnings[0].contains(
            "raw HTML <div> is shown as text (HTML allowed in content: <abbr>, <br>, <details>, <kbd>, <mark>, <small>, <sub>, <summary>, <sup>); add \"div\" to allow_html in site.toml to publish it"
        ));
    }

    #[test]
    fn kept_tags_are_balanced_within_their_block() {
        let cases = [
            (
                "<mark>open\n\nnext para",
                "<p><mark>open</mark></p>\n<p>next para</p>\n",
            ),
            ("stray </sup> end", "<p>stray  end</p>\n"),
            (
                "<details>\n\n## Heading\n",
                "<details>\n</details>\n<h2>Heading</h2>\n",
            ),
            (
                "- <sub>a\n- b</sub>",
                "<ul>\n<li><sub>a</sub></li>\n<li>b</li>\n</ul>\n",
            ),
            (
                "<small><mark>x</small>",
                "<p><small><mark>x</mark></small></p>\n",
            ),
            (
                "<details>\nnever closed\n",
                "<details>\nnever closed\n</details>",
            ),
        ];
        for (text, expected) in cases {
            let (html, _) = render(text, &[]);
            assert_eq!(html, expected, "{text}");
        }
        let (_, warnings) = render("stray </sup> end", &[]);
        assert_eq!(
            warnings,
            [
                "p.md:1: warning: removed a </sup> that closes nothing opened before it in this block [html]"
            ]
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let (html, warnings) = render(&"<mark>".repeat(70), &[]);
        assert_eq!(html.matches("<mark>").count(), MAX_OPEN);
        assert_eq!(html.matches("</mark>").count(), MAX_OPEN);
        assert_eq!(html.matches("&lt;mark&gt;").count(), 70 - MAX_OPEN);
        assert_eq!(
            warnings,
            ["p.md:1: warning: <mark> is shown as text: HTML tags may nest only 64 deep [html]"]
        );
    }

    #[test]
    fn an_unclosed_comment_is_reported() {
        let (html, warnings) = render("Visible.\n\n<!-- oops\n\nhidden\n", &[]);
        assert_eq!(html, "<p>Visible.</p>\n");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with("p.md:3: warning: an HTML comment (<!--) is never closed"));
    }

    #[test]
    fn references_cannot_hide_a_script_address() {
        let (html, _) = render(
            "<iframe src=\"&#106;ava&#x09;script&colon;alert(1)\" title=\"t\"></iframe>\n",
            &["iframe"],
        );
        assert_eq!(html, "<iframe title=\"t\"></iframe>\n");
    }

    #[test]
    fn script_images_are_removed() {
        let (html, warnings) = render(
            "![x](javascript:alert(1)) ![y](data:image/png;base64,AA)",
            &[],
        );
        assert_eq!(
            html,
            "<p><img src=\"\" alt=\"x\" /> <img src=\"\" alt=\"y\" /></p>\n"
        );
        assert_eq!(
            warnings.len(),
            1,
            "the same warning on one line is shown once"
        );
    }
}
