//! Finding the links and ids of an HTML page: a small, forgiving scanner
//! that reads tags and their attributes and skips everything else.

use std::borrow::Cow;

use memchr::{memchr, memchr_iter, memmem};

/// Elements whose content is text, not markup.
const RAW_TEXT_ELEMENTS: [&[u8]; 4] = [b"script", b"style", b"textarea", b"title"];

/// The links and ids of one HTML page, each with its line, borrowed from the
/// page where no character reference had to be decoded.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scan<'h> {
    /// Every `id` (and `<a name>`), in order.
    pub ids: Vec<(Cow<'h, str>, usize)>,
    /// Which of `ids` came from `<a name>` (anchors that may repeat an id).
    pub names: Vec<bool>,
    /// Every URL in `href`, `src`, `poster`, `action` and `srcset`, in order.
    pub links: Vec<(Cow<'h, str>, usize)>,
}

/// What an attribute holds, for the scan.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Attribute {
    Id,
    Name,
    Url,
    Srcset,
    Other,
}

impl Attribute {
    fn of(name: &[u8]) -> Self {
        let is = |known: &[u8]| name.eq_ignore_ascii_case(known);
        match name.len() {
            2 if is(b"id") => Self::Id,
            3 if is(b"src") => Self::Url,
            4 if is(b"href") => Self::Url,
            4 if is(b"name") => Self::Name,
            6 if is(b"poster") || is(b"action") => Self::Url,
            6 if is(b"srcset") => Self::Srcset,
            _ => Self::Other,
        }
    }
}

/// Finds the links and ids of an HTML page. Comments, doctypes, closing tags
/// and the text of `<script>`, `<style>` and the like are skipped; malformed
/// markup never panics, it only yields fewer attributes.
pub fn scan(html: &str) -> Scan<'_> {
    let bytes = html.as_bytes();
    // Room for what a page of policyweb's typically holds (a link or id in
    // every 200 bytes or so), so that the lists do not grow one by one.
    let expected = html.len() / 200;
    let mut scan = Scan {
        ids: Vec::with_capacity(expected / 2),
        names: Vec::with_capacity(expected / 2),
        links: Vec::with_capacity(expected),
    };
    let mut lines = LineCounter::default();
    let mut i = 0;
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        let start = i + offset;
        let rest = &bytes[start..];
        match rest.get(1) {
            Some(b'!') if rest.starts_with(b"<!--") => {
                i = memmem::find(&rest[4..], b"-->").map_or(bytes.len(), |end| start + 4 + end + 3);
                continue;
            }
            Some(b'!' | b'?' | b'/') => {
                // Closing tags are short: a plain loop beats a call to memchr.
                i = rest
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(bytes.len(), |end| start + end + 1);
                continue;
            }
            _ => {}
        }
        let name_len = rest[1..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            i = start + 1;
            continue;
        }
        let element = &rest[1..=name_len];
        let is_anchor = element.eq_ignore_ascii_case(b"a");
        let end = attributes(
            html,
            start + 1 + name_len,
            |name, value, at| match Attribute::of(name) {
                Attribute::Id => {
                    scan.ids
                        .push((decode_entities(value), lines.line_at(bytes, at)));
                    scan.names.push(false);
                }
                Attribute::Name if is_anchor => {
                    scan.ids
                        .push((decode_entities(value), lines.line_at(bytes, at)));
                    scan.names.push(true);
                }
                Attribute::Url => {
                    scan.links
                        .push((decode_entities(value), lines.line_at(bytes, at)));
                }
                Attribute::Srcset => {
                    let line = lines.line_at(bytes, at);
                    let candidates = match decode_entities(value) {
                        Cow::Borrowed(value) => value
                            .split(',')
                            .filter_map(|c| c.split_whitespace().next())
                            .map(|url| (Cow::Borrowed(url), line))
                            .collect::<Vec<_>>(),
                        Cow::Owned(value) => value
                            .split(',')
                            .filter_map(|c| c.split_whitespace().next())
                            .map(|url| (Cow::Owned(url.to_string()), line))
                            .collect(),
                    };
                    scan.links.extend(candidates);
                }
                Attribute::Name | Attribute::Other => {}
            },
        );
        i = end;
        if RAW_TEXT_ELEMENTS
            .iter()
            .any(|raw| element.eq_ignore_ascii_case(raw))
        {
            i = closing_tag(bytes, end, element);
        }
    }
    scan
}

/// Calls `found(name, raw value, byte offset)` for each attribute of the tag
/// whose name ends at `i`; returns the offset just after the tag.
fn attributes<'h>(
    html: &'h str,
    mut i: usize,
    mut found: impl FnMut(&[u8], &'h str, usize),
) -> usize {
    let bytes = html.as_bytes();
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
        let name = &bytes[start..i];
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
                    let to = memchr(quote, &bytes[from..]).map_or(bytes.len(), |n| from + n);
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
        found(name, value, start);
    }
}

/// The offset of `</element` at or after `from` (or the end of `html`).
fn closing_tag(html: &[u8], from: usize, element: &[u8]) -> usize {
    let mut i = from;
    while let Some(offset) = memmem::find(&html[i..], b"</") {
        let at = i + offset;
        let name = html.get(at + 2..at + 2 + element.len());
        if name.is_some_and(|n| n.eq_ignore_ascii_case(element)) {
            return at;
        }
        i = at + 2;
    }
    html.len()
}

/// Decodes the character references a URL or id may hold.
pub fn decode_entities(value: &str) -> Cow<'_, str> {
    if memchr(b'&', value.as_bytes()).is_none() {
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
    fn line_at(&mut self, text: &[u8], offset: usize) -> usize {
        if offset >= self.offset {
            self.line += memchr_iter(b'\n', &text[self.offset..offset]).count();
            self.offset = offset;
        }
        self.line + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned<'a>(pairs: &'a [(Cow<'_, str>, usize)]) -> Vec<(&'a str, usize)> {
        pairs.iter().map(|(s, n)| (s.as_ref(), *n)).collect()
    }

    #[test]
    fn scans_ids_and_links_with_lines() {
        let html = "<!DOCTYPE html>\n<html><head><link rel=stylesheet href=\"theme/a.css\">\n\
                    <script>if (a<b) { x = '<a href=\"nope\">'; }</script>\n\
                    <!-- <a href=\"commented\"> -->\n<body>\n\
                    <a id='top-link' href='x.html?q=1&amp;b=2#frag' class=c>t</a>\n\
                    <img src=pic.png alt=\"a > b\" srcset=\"a.png 1x, b&amp;c.png 2x\">\n\
                    <A NAME=\"old\" HREF=\"#old\">old</A><p id=\"x\" / >< not a tag <a href=theme/a.css>again</a>\n\
                    <div id=\"unclosed";
        let s = scan(html);
        assert_eq!(
            owned(&s.ids),
            [("top-link", 6), ("old", 8), ("x", 8), ("unclosed", 9)]
        );
        assert_eq!(s.names, [false, true, false, false]);
        assert_eq!(
            owned(&s.links),
            [
                ("theme/a.css", 2),
                ("x.html?q=1&b=2#frag", 6),
                ("pic.png", 7),
                ("a.png", 7),
                ("b&c.png", 7),
                ("#old", 8),
                ("theme/a.css", 8),
            ]
        );
    }

    #[test]
    fn raw_text_ends_only_at_its_own_closing_tag() {
        let s = scan("<title>a <a href=x> </b></title><style>p{}</STYLE><a href=y>");
        assert_eq!(owned(&s.links), [("y", 1)]);
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
            "<a srcset=\" ,\">",
        ] {
            let _ = scan(html);
        }
    }

    #[test]
    fn scanning_random_markup_never_panics() {
        let pieces = [
            "<", ">", "=", "\"", "'", "a", " ", "/", "!", "-", "#", "&", ";", "é", "\n", "id",
            "href", "script", "</", "<!--", "-->", "srcset", ",", "name", "x", "..", "%", "%C3",
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
                let _ = super::super::resolve::resolve("a/b/index.html", link);
            }
        }
        assert!(scanned > 30_000, "{scanned}");
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
    }
}
