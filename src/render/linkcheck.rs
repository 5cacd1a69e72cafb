//! The site-wide link check: every internal link and `#fragment` in the
//! output must lead somewhere, and no page may use an id twice.
//!
//! [`LinkCheck`] sits in front of the real [`Sink`]: as each page is written
//! it notes the page's links and ids (a small scan of the HTML, not a copy of
//! it), and once every file is written [`LinkCheck::finish`] checks them all.
//! This guards what the Markdown checks cannot see: templates, including a
//! school's own overrides, and hand-written relative URLs.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Sink;
use crate::site::Site;

/// Attributes that hold a URL to check.
const URL_ATTRIBUTES: [&str; 4] = ["href", "src", "poster", "action"];

/// Elements whose content is text, not markup.
const RAW_TEXT_ELEMENTS: [&str; 4] = ["script", "style", "textarea", "title"];

/// The links and ids of one HTML page, each with its line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scan {
    /// Every `id` (and `<a name>`), in order.
    pub ids: Vec<(String, usize)>,
    /// Every distinct URL in `href`, `src`, `poster`, `action` and `srcset`,
    /// in order of first use.
    pub links: Vec<(String, usize)>,
    /// Which `ids` came from `<a name>` (anchors that may repeat an id).
    names: Vec<bool>,
}

/// A sink that notes every file written through it, and the links and ids
/// of every HTML page, before passing the file on.
pub struct LinkCheck<'a> {
    inner: &'a dyn Sink,
    files: Mutex<Vec<(String, Option<PageRecord>)>>,
}

/// What the check keeps of one page: its ids, its links, and the ids it repeats.
struct PageRecord {
    ids: HashSet<String>,
    links: Vec<(String, usize)>,
    repeated: Vec<(String, usize, usize)>,
}

impl PageRecord {
    fn new(scan: Scan) -> Self {
        let repeated = duplicate_ids(&scan)
            .into_iter()
            .map(|(id, line, first)| (id.to_string(), line, first))
            .collect();
        Self {
            ids: scan.ids.into_iter().map(|(id, _)| id).collect(),
            links: scan.links,
            repeated,
        }
    }
}

impl<'a> LinkCheck<'a> {
    /// Checks what is written to `inner`.
    pub fn new(inner: &'a dyn Sink) -> Self {
        Self {
            inner,
            files: Mutex::new(Vec::new()),
        }
    }

    /// Checks every link of every page written, reporting each broken target
    /// once (with how many other pages share it) as an error at the first
    /// page and line that has it, naming the page's source file when known.
    pub fn finish(self, site: &Site) -> Diagnostics {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let known: HashSet<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
        let ids: HashMap<&str, &HashSet<String>> = files
            .iter()
            .filter_map(|(path, page)| Some((path.as_str(), &page.as_ref()?.ids)))
            .collect();
        let site_files = SiteFiles { known, ids };
        let mut problems: BTreeMap<String, Problem> = BTreeMap::new();
        for (page, record) in &files {
            let Some(record) = record else { continue };
            let mut note = |key: String, line: usize, message: String| {
                problems
                    .entry(key)
                    .and_modify(|p| p.others += 1)
                    .or_insert_with(|| Problem {
                        page: page.clone(),
                        line,
                        message,
                        others: 0,
                    });
            };
            for (id, line, first) in &record.repeated {
                let message =
                    format!("id \"{id}\" is used twice on this page (first on line {first})");
                note(format!("id\u{0}{id}"), *line, message);
            }
            for (href, line) in &record.links {
                if let Some(broken) = site_files.check(page, href) {
                    let message = format!("link \"{href}\" leads nowhere: {}", broken.reason);
                    note(
                        format!("link\u{0}{}\u{0}{}", broken.target, broken.reason),
                        *line,
                        message,
                    );
                }
            }
        }
        let mut diagnostics = Diagnostics::new();
        for problem in problems.into_values() {
            diagnostics.push(problem.diagnostic(site));
        }
        diagnostics
    }
}

impl Sink for LinkCheck<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let scan = path.ends_with(".html").then(|| {
            PageRecord::new(match std::str::from_utf8(bytes) {
                Ok(html) => scan(html),
                Err(_) => scan(&String::from_utf8_lossy(bytes)),
            })
        });
        self.inner.write(path, bytes)?;
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.push((path.to_string(), scan));
        Ok(())
    }
}

/// One problem, where it was first seen, and on how many other pages.
struct Problem {
    page: String,
    line: usize,
    message: String,
    others: usize,
}

impl Problem {
    fn diagnostic(&self, site: &Site) -> Diagnostic {
        let mut message = self.message.clone();
        if let Some(source) = source_of(site, &self.page) {
            message.push_str(&format!(" (this page is made from {}", source.display()));
            if source.extension().is_some_and(|e| e == "md") {
                message.push_str("; in Markdown, link with policy:ID, page:ID or #section");
            }
            message.push(')');
        }
        match self.others {
            0 => {}
            1 => message.push_str("; 1 other page has it too"),
            n => message.push_str(&format!("; {n} other pages have it too")),
        }
        Diagnostic::error(&self.page, Some(self.line), message)
    }
}

/// The file a page is made from: a policy, a free page or a data file.
fn source_of<'s>(site: &'s Site, page: &str) -> Option<&'s Path> {
    let parts: Vec<&str> = page.split('/').collect();
    match parts.as_slice() {
        ["policies", id, "index.html"] | ["for", _, id, "index.html"] => {
            site.policy(id).map(|p| p.source.path.as_path())
        }
        ["glossary", "index.html"] => site.data.glossary.as_ref().map(|g| g.path.as_path()),
        ["age-limits", "index.html"] => site.data.age_limits.as_ref().map(|a| a.path.as_path()),
        [id, "index.html"] => site.page(id).map(|p| p.path.as_path()),
        _ => None,
    }
}

/// Every file written, and the ids of each page.
struct SiteFiles<'f> {
    known: HashSet<&'f str>,
    ids: HashMap<&'f str, &'f HashSet<String>>,
}

/// Why a link is broken, and what it pointed at (to report each target once).
struct Broken {
    target: String,
    reason: String,
}

impl SiteFiles<'_> {
    /// What is wrong with the link `href` on `page`, if anything.
    fn check(&self, page: &str, href: &str) -> Option<Broken> {
        let (target, fragment) = match resolve(page, href) {
            Resolved::Unchecked => return None,
            Resolved::Outside => {
                return Some(Broken {
                    target: String::new(),
                    reason: "it climbs out of the site's folder".into(),
                });
            }
            Resolved::Internal { path, fragment } => (path, fragment),
        };
        let target = if self.known.contains(target.as_str()) {
            target
        } else {
            let index = format!("{target}/index.html");
            if !self.known.contains(index.as_str()) {
                return Some(Broken {
                    reason: format!("the site has no {target}"),
                    target,
                });
            }
            index
        };
        let fragment = fragment.filter(|f| !f.is_empty() && f != "top")?;
        if self
            .ids
            .get(target.as_str())
            .is_none_or(|ids| ids.contains(&fragment))
        {
            return None;
        }
        // A missing id on the page itself is one problem however many pages
        // share it (a template's), so its target leaves the page out.
        let (place, target) = if target == page {
            ("this page".to_string(), format!("#{fragment}"))
        } else {
            (target.clone(), format!("{target}#{fragment}"))
        };
        Some(Broken {
            reason: format!("{place} has no id \"{fragment}\""),
            target,
        })
    }
}

/// Where a link points, from the site's root.
#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    /// Another site, another scheme, a path from the server's root, or the page itself.
    Unchecked,
    /// Above the site's folder.
    Outside,
    /// A file of the site (`/`-separated, percent-decoded) and a fragment.
    Internal {
        path: String,
        fragment: Option<String>,
    },
}

/// Resolves `href` as written on `page` (a path like `policies/x/index.html`).
fn resolve(page: &str, href: &str) -> Resolved {
    let href = href.trim();
    if href.is_empty() || href.starts_with('/') || has_scheme(href) {
        return Resolved::Unchecked;
    }
    let (rest, fragment) = match href.split_once('#') {
        Some((rest, fragment)) => (rest, Some(percent_decode(fragment).into_owned())),
        None => (href, None),
    };
    let path = rest.split('?').next().unwrap_or_default();
    let mut parts: Vec<Cow<str>> = page.split('/').map(Cow::Borrowed).collect();
    parts.pop();
    if path.is_empty() {
        return Resolved::Internal {
            path: page.to_string(),
            fragment,
        };
    }
    let mut directory = false;
    for segment in path.split('/') {
        directory = matches!(segment, "" | "." | "..");
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Resolved::Outside;
                }
            }
            name => parts.push(percent_decode(name)),
        }
    }
    if directory {
        parts.push(Cow::Borrowed("index.html"));
    }
    Resolved::Internal {
        path: parts.join("/"),
        fragment,
    }
}

/// Whether `href` starts with a URL scheme (`https:`, `mailto:` ...).
fn has_scheme(href: &str) -> bool {
    let Some((scheme, _)) = href.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `%XX` escapes decoded (invalid UTF-8 is replaced, never a panic).
fn percent_decode(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// Each id used again on the page: (id, line, line of its first use).
fn duplicate_ids(scan: &Scan) -> Vec<(&str, usize, usize)> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut repeated = Vec::new();
    for ((id, line), &name) in scan.ids.iter().zip(&scan.names) {
        if name {
            continue;
        }
        if let Some(&at) = first.get(id.as_str()) {
            repeated.push((id.as_str(), *line, at));
        } else {
            first.insert(id, *line);
        }
    }
    repeated
}

/// Finds the links and ids of an HTML page. Comments, doctypes, closing tags
/// and the text of `<script>`, `<style>` and the like are skipped; malformed
/// markup never panics, it only yields fewer attributes.
pub fn scan(html: &str) -> Scan {
    let mut scan = Scan::default();
    let mut lines = LineCounter::default();
    let mut found = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        let start = i + offset;
        let rest = &html[start..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            i = start + 4 + comment.find("-->").map_or(comment.len(), |end| end + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") || rest.starts_with("</") {
            i = start + rest.find('>').map_or(rest.len(), |end| end + 1);
            continue;
        }
        let name_len = rest[1..]
            .bytes()
            .take_while(u8::is_ascii_alphanumeric)
            .count();
        if name_len == 0 {
            i = start + 1;
            continue;
        }
        let element = &rest[1..=name_len];
        let end = attributes(html, start + 1 + name_len, &mut found);
        for &(name, value, at) in &found {
            let is = |known: &str| name.eq_ignore_ascii_case(known);
            let anchor_name = is("name") && element.eq_ignore_ascii_case("a");
            if is("id") || anchor_name {
                let line = lines.line_at(html, at);
                scan.ids.push((decode_entities(value).into_owned(), line));
                scan.names.push(anchor_name);
            } else if is("srcset") {
                let line = lines.line_at(html, at);
                scan.links.extend(
                    decode_entities(value)
                        .split(',')
                        .filter_map(|candidate| candidate.split_whitespace().next())
                        .map(|url| (url.to_string(), line)),
                );
            } else if URL_ATTRIBUTES.iter().any(|known| is(known)) && seen.insert(value) {
                let line = lines.line_at(html, at);
                scan.links.push((decode_entities(value).into_owned(), line));
            }
        }
        i = end;
        if let Some(raw) = RAW_TEXT_ELEMENTS
            .iter()
            .find(|raw| element.eq_ignore_ascii_case(raw))
        {
            i = closing_tag(html, end, raw);
        }
    }
    scan
}

/// Collects into `found` the attributes of the tag whose name ends at `i`
/// (name, raw value, byte offset); returns the offset just after the tag.
fn attributes<'h>(
    html: &'h str,
    mut i: usize,
    found: &mut Vec<(&'h str, &'h str, usize)>,
) -> usize {
    let bytes = html.as_bytes();
    found.clear();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return bytes.len();
        }
        if bytes[i] == b'>' {
            return i + 1;
        }
        let start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        if i == start {
            // A stray `=`.
            i += 1;
            continue;
        }
        let name = &html[start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = "";
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let from = i + 1;
                    let to = html[from..]
                        .find(quote as char)
                        .map_or(bytes.len(), |n| from + n);
                    value = &html[from..to];
                    i = (to + 1).min(bytes.len());
                }
                _ => {
                    let from = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = &html[from..i];
                }
            }
        }
        found.push((name, value, start));
    }
}

/// The offset of `</element` at or after `from` (or the end of `html`).
fn closing_tag(html: &str, from: usize, element: &str) -> usize {
    let mut i = from;
    while let Some(offset) = html[i..].find("</") {
        let at = i + offset;
        let name = html.as_bytes().get(at + 2..at + 2 + element.len());
        if name.is_some_and(|n| n.eq_ignore_ascii_case(element.as_bytes())) {
            return at;
        }
        i = at + 2;
    }
    html.len()
}

/// Decodes the character references a URL or id may hold.
fn decode_entities(value: &str) -> Cow<'_, str> {
    if !value.contains('&') {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name.strip_prefix('#').and_then(|n| {
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => n.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Turns byte offsets, asked for in increasing order, into 1-based lines.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: usize,
}

impl LineCounter {
    fn line_at(&mut self, text: &str, offset: usize) -> usize {
        if offset >= self.offset {
            let newlines = text.as_bytes()[self.offset..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.line += newlines;
            self.offset = offset;
        }
        self.line + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_ids_and_links_with_lines() {
        let html = "<!DOCTYPE html>\n<html><head><link rel=stylesheet href=\"theme/a.css\">\n\
                    <script>if (a<b) { x = '<a href=\"nope\">'; }</script>\n\
                    <!-- <a href=\"commented\"> -->\n<body>\n\
                    <a id='top-link' href='x.html?q=1&amp;b=2#frag' class=c>t</a>\n\
                    <img src=pic.png alt=\"a > b\" srcset=\"a.png 1x, b.png 2x\">\n\
                    <A NAME=\"old\" HREF=\"#old\">old</A><p id=\"x\" / >< not a tag <a href=theme/a.css>again</a>\n\
                    <div id=\"unclosed";
        let s = scan(html);
        assert_eq!(
            s.ids,
            [
                ("top-link".to_string(), 6),
                ("old".to_string(), 8),
                ("x".to_string(), 8),
                ("unclosed".to_string(), 9),
            ]
        );
        let links: Vec<(&str, usize)> = s.links.iter().map(|(l, n)| (l.as_str(), *n)).collect();
        assert_eq!(
            links,
            [
                ("theme/a.css", 2),
                ("x.html?q=1&b=2#frag", 6),
                ("pic.png", 7),
                ("a.png", 7),
                ("b.png", 7),
                ("#old", 8),
            ]
        );
    }

    #[test]
    fn scanning_odd_markup_never_panics() {
        for html in [
            "<",
            "<a",
            "<a href",
            "<a href=",
            "<a href=\"",
            "<!--",
            "<script>",
            "<a =x>",
            "<é>",
            "<a href=é>",
            "&",
            "<a href=\"&#xFFFFFFFF;&#;&\">",
            "<!",
            "</",
        ] {
            let _ = scan(html);
        }
    }

    #[test]
    fn scanning_random_markup_never_panics() {
        let pieces = [
            "<", ">", "=", "\"", "'", "a", " ", "/", "!", "-", "#", "&", ";", "é", "\n", "id",
            "href", "script", "</", "<!--", "-->", "srcset", ",", "name", "x",
        ];
        let mut state = 0x2545_f491_u32;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as usize
        };
        let mut scanned = 0;
        for _ in 0..3000 {
            let html: String = (0..next() % 40)
                .map(|_| pieces[next() % pieces.len()])
                .collect();
            scanned += html.len();
            let s = scan(&html);
            for (link, _) in &s.links {
                let _ = resolve("a/b/index.html", link);
            }
        }
        assert!(scanned > 30_000, "{scanned}");
    }

    #[test]
    fn resolves_relative_links() {
        let internal = |path: &str, fragment: Option<&str>| Resolved::Internal {
            path: path.into(),
            fragment: fragment.map(Into::into),
        };
        let page = "policies/x/index.html";
        let cases = [
            ("../../index.html", internal("index.html", None)),
            (
                "../y/index.html#a%20b",
                internal("policies/y/index.html", Some("a b")),
            ),
            ("#sec", internal(page, Some("sec"))),
            ("./", internal("policies/x/index.html", None)),
            ("../../", internal("index.html", None)),
            ("../../glossary/", internal("glossary/index.html", None)),
            (
                "../../theme/style.css?v=2",
                internal("theme/style.css", None),
            ),
            ("../../../up.html", Resolved::Outside),
            ("https://example.org/", Resolved::Unchecked),
            ("mailto:office@example.org", Resolved::Unchecked),
            ("//cdn.example.org/x.js", Resolved::Unchecked),
            ("/contact/", Resolved::Unchecked),
            ("", Resolved::Unchecked),
            ("a:b/c", Resolved::Unchecked),
            ("x/a:b", internal("policies/x/x/a:b", None)),
        ];
        for (href, expected) in cases {
            assert_eq!(resolve(page, href), expected, "{href}");
        }
    }

    #[test]
    fn decodes_references() {
        let cases = [
            ("a&amp;b", "a&b"),
            ("&lt;&gt;&quot;&apos;&#39;&#x2F;", "<>\"''/"),
            ("&nbsp;&", "&nbsp;&"),
            ("100%", "100%"),
        ];
        for (raw, decoded) in cases {
            assert_eq!(decode_entities(raw), decoded, "{raw}");
        }
        assert_eq!(percent_decode("a%C3%B1o%2"), "año%2");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn finds_repeated_ids() {
        let s = scan("<p id=a></p>\n<p id=b><a name=a></a></p>\n<p id=a></p>");
        assert_eq!(duplicate_ids(&s), [("a", 3, 1)]);
    }
}
