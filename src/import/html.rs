//! Saved web pages (.html) into a [`Document`]: headings, paragraphs, list
//! items (with their nesting and `type`), tables, bold, italic and links
//! read from the tags; scripts, styles and comments are skipped, and
//! character references decoded as a browser does ([`crate::urls`]). Text outside
//! any block (a page that is one long `<pre>` or bare text) is read as
//! plain text, by [`super::text`].

use super::doc::{Block, Document, Kind, Marker, Span, is_linkable, plain};

/// Reads the text of a web page.
pub fn read(source: &str) -> Document {
    let mut page = Page::default();
    let mut rest = source;
    let mut line = 1usize;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            page.text(rest, line);
            break;
        };
        page.text(&rest[..lt], line);
        line += rest[..lt].matches('\n').count();
        let tag = &rest[lt..];
        let end = if let Some(body) = tag.strip_prefix("<!--") {
            body.find("-->").map_or(tag.len(), |e| 4 + e + 3)
        } else {
            tag.find('>').map_or(tag.len(), |e| e + 1)
        };
        let text = &tag[..end];
        line += text.matches('\n').count();
        rest = &tag[end..];
        if text.starts_with("<!") || text.starts_with("<?") {
            continue;
        }
        let (name, closing) = tag_name(text);
        if !closing && matches!(name.as_str(), "script" | "style" | "template" | "title") {
            // Skip to the matching close tag.
            let close = format!("</{name}");
            let at = find_ignore_case(rest, &close).unwrap_or(rest.len());
            line += rest[..at].matches('\n').count();
            rest = &rest[at..];
            continue;
        }
        page.tag(&name, closing, text, line);
    }
    page.close_block();
    if page.doc.blocks.is_empty() && page.loose.trim().chars().count() > 0 {
        return super::text::read(&page.loose, false);
    }
    page.doc
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack.to_ascii_lowercase().find(needle)
}

/// A tag's lower-case name and whether it closes.
fn tag_name(tag: &str) -> (String, bool) {
    let inner = tag.trim_start_matches('<');
    let closing = inner.starts_with('/');
    let name: String = inner
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    (name, closing)
}

/// An attribute's value in a tag, decoded.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name) {
        let start = from + at;
        from = start + name.len();
        let before_ok = lower[..start].ends_with(|c: char| c.is_ascii_whitespace());
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let offset = tag.len() - after.len() + 1;
        let value = tag[offset..].trim_start();
        let (value, _) = match value.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let body = &value[1..];
                (body.split(q).next().unwrap_or(""), ())
            }
            _ => (
                value
                    .split(|c: char| c.is_ascii_whitespace() || c == '>')
                    .next()
                    .unwrap_or(""),
                (),
            ),
        };
        return Some(crate::urls::decode_attribute(value));
    }
    None
}

/// `text` with its character references decoded as a browser decodes them.
fn decode(text: &str) -> String {
    crate::urls::decode_text(text)
}

#[derive(Debug, Default)]
struct Page {
    doc: Document,
    /// The block being read: its line and kind.
    block: Option<(usize, Kind)>,
    spans: Vec<Span>,
    bold: u32,
    italic: u32,
    link: Option<String>,
    /// Open lists, innermost last: ordered?, type, next number.
    lists: Vec<(bool, Option<String>, u32)>,
    /// An open table: rows of cells, and whether a cell is open.
    table: Option<(usize, Vec<Vec<Vec<Span>>>)>,
    in_cell: bool,
    /// Text seen outside any block.
    loose: String,
    in_body: bool,
}

impl Page {
    fn text(&mut self, raw: &str, _line: usize) {
        if raw.is_empty() {
            return;
        }
        let text = decode(raw);
        if self.block.is_none() && !self.in_cell {
            if text.trim().is_empty() {
                return;
            }
            if self.table.is_some() {
                return;
            }
            self.loose.push_str(&text);
            // Bare text inside the body is a paragraph of its own.
            self.block = Some((_line, Kind::Paragraph));
        }
        self.spans.push(Span {
            text,
            bold: self.bold > 0,
            italic: self.italic > 0,
            link: self.link.clone(),
            ..Span::default()
        });
    }

    fn close_block(&mut self) {
        let spans = std::mem::take(&mut self.spans);
        if self.in_cell {
            if let Some(cell) = self
                .table
                .as_mut()
                .and_then(|(_, rows)| rows.last_mut())
                .and_then(|row| row.last_mut())
            {
                if !cell.is_empty() {
                    cell.push(Span::plain(" "));
                }
                cell.extend(spans);
            }
            return;
        }
        if let Some((line, kind)) = self.block.take()
            && !plain(&spans).is_empty()
        {
            self.doc.blocks.push(Block { line, kind, spans });
        }
    }

    fn open(&mut self, line: usize, kind: Kind) {
        self.close_block();
        if !self.in_cell {
            self.block = Some((line, kind));
        }
    }

    fn tag(&mut self, name: &str, closing: bool, text: &str, line: usize) {
        match (name, closing) {
            ("body", false) => self.in_body = true,
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) => {
                let level = name.as_bytes()[1] - b'0';
                self.open(line, Kind::Heading(level));
            }
            (
                "p" | "div" | "blockquote" | "pre" | "section" | "article" | "dd" | "dt"
                | "address",
                false,
            ) => self.open(line, Kind::Paragraph),
            (
                "p" | "div" | "blockquote" | "pre" | "section" | "article" | "dd" | "dt"
                | "address",
                true,
            )
            | ("h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li", true) => self.close_block(),
            ("br", _) => self.spans.push(Span::plain(" ")),
            ("ul", false) => {
                self.close_block();
                self.lists.push((false, None, 1));
            }
            ("ol", false) => {
                self.close_block();
                let start = attribute(text, "start")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(1);
                self.lists.push((true, attribute(text, "type"), start));
            }
            ("ul" | "ol", true) => {
                self.close_block();
                self.lists.pop();
            }
            ("li", false) => {
                let level = self.lists.len().saturating_sub(1).min(8) as u8;
                let marker = match self.lists.last_mut() {
                    Some((true, kind, next)) => {
                        let n = *next;
                        *next += 1;
                        match kind.as_deref() {
                            Some("a") => Marker::Label(format!("{})", letter(n))),
                            Some("A") => {
                                Marker::Label(format!("{}.", letter(n).to_ascii_uppercase()))
                            }
                            Some("i") => Marker::Label(format!("{})", roman(n))),
                            Some("I") => {
                                Marker::Label(format!("{}.", roman(n).to_ascii_uppercase()))
                            }
                            _ => Marker::Number(n, '.'),
                        }
                    }
                    _ => Marker::Bullet,
                };
                self.open(line, Kind::Item { level, marker });
            }
            ("b" | "strong", false) => self.bold += 1,
            ("b" | "strong", true) => self.bold = self.bold.saturating_sub(1),
            ("i" | "em", false) => self.italic += 1,
            ("i" | "em", true) => self.italic = self.italic.saturating_sub(1),
            ("a", false) => self.link = attribute(text, "href").filter(|u| is_linkable(u)),
            ("a", true) => self.link = None,
            ("img", _) => {
                let alt = attribute(text, "alt").filter(|a| !a.trim().is_empty());
                self.doc
                    .images
                    .push((line, alt.unwrap_or_else(|| "a picture".into())));
            }
            ("table", false) if self.table.is_none() => {
                self.close_block();
                self.table = Some((line, Vec::new()));
            }
            ("table", true) => {
                self.close_block();
                self.in_cell = false;
                if let Some((line, rows)) = self.table.take() {
                    let rows: Vec<_> = rows
                        .into_iter()
                        .filter(|r| r.iter().any(|c| !plain(c).is_empty()))
                        .collect();
                    if !rows.is_empty() {
                        self.doc.blocks.push(Block {
                            line,
                            kind: Kind::Table(rows),
                            spans: Vec::new(),
                        });
                    }
                }
            }
            ("tr", false) => {
                self.close_block();
                self.in_cell = false;
                if let Some((_, rows)) = &mut self.table {
                    rows.push(Vec::new());
                }
            }
            ("td" | "th", false) => {
                self.close_block();
                if let Some((_, rows)) = &mut self.table {
                    if rows.is_empty() {
                        rows.push(Vec::new());
                    }
                    if let Some(row) = rows.last_mut() {
                        row.push(Vec::new());
                    }
                    self.in_cell = true;
                }
            }
            ("td" | "th", true) => {
                self.close_block();
                self.in_cell = false;
            }
            _ => {}
        }
    }
}

fn letter(n: u32) -> String {
    let n = n.max(1) - 1;
    let c = (b'a' + (n % 26) as u8) as char;
    std::iter::repeat_n(c, (n / 26 + 1) as usize).collect()
}

fn roman(n: u32) -> String {
    super::docx::roman(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_blocks() {
        let doc = read(
            "<html><head><title>x</title><style>p{}</style></head><body>\
             <h1>Uniform Policy</h1><p>We <b>all</b> wear <a href=\"https://example.org\">blue</a> &amp; grey.</p>\
             <ol type=\"a\"><li>Shirts</li><li>Jumpers</li></ol>\
             <table><tr><th>Item</th><th>Cost</th></tr><tr><td>Tie</td><td>&pound;5</td></tr></table>\
             <script>alert(1)</script><img src=x alt=\"Logo\"></body></html>",
        );
        let kinds: Vec<&Kind> = doc.blocks.iter().map(|b| &b.kind).collect();
        assert_eq!(kinds[0], &Kind::Heading(1));
        assert_eq!(doc.blocks[1].text(), "We all wear blue & grey.");
        assert_eq!(
            kinds[2],
            &Kind::Item {
                level: 0,
                marker: Marker::Label("a)".into())
            }
        );
        assert_eq!(
            kinds[3],
            &Kind::Item {
                level: 0,
                marker: Marker::Label("b)".into())
            }
        );
        assert_eq!(doc.blocks[4].text(), "Item | Cost\nTie | £5");
        assert_eq!(doc.images, [(1, "Logo".to_string())]);
        assert!(!doc.blocks.iter().any(|b| b.text().contains("alert")));
    }

    #[test]
    fn references_decode() {
        assert_eq!(
            decode("a &lt;b&gt; &#8217; &#x2014; &nosuch; & c"),
            "a <b> ’ — &nosuch; & c"
        );
    }
}
