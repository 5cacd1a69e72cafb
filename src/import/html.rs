//! Saved web pages (.html) into a [`Document`]: headings, paragraphs, list
//! items (with their nesting and `type`), tables, bold, italic and links
//! read from the tokens of html5ever's tokenizer (the HTML5 parser's own, so
//! tags, attributes and character references are read as a browser reads
//! them); scripts, styles, titles and comments are skipped.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, TagKind, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer,
    TokenizerOpts,
};

use super::doc::{Block, Document, Kind, Marker, Span, is_linkable, plain};

/// What the tokenizer saw, in order, with the line each starts on.
enum Piece {
    Tag {
        name: String,
        closing: bool,
        attrs: Vec<(String, String)>,
    },
    Text(String),
}

/// Collects the tokens of a page; the text of scripts, styles and titles is
/// read as raw text (as a browser reads it) and dropped.
#[derive(Default)]
struct Sink {
    pieces: RefCell<Vec<(usize, Piece)>>,
    skip: RefCell<Option<String>>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        let mut pieces = self.pieces.borrow_mut();
        match token {
            TagToken(tag) => {
                let name = tag.name.to_string();
                let closing = tag.kind == TagKind::EndTag;
                let mut skip = self.skip.borrow_mut();
                if let Some(open) = skip.as_ref() {
                    if closing && *open == name {
                        *skip = None;
                    }
                    return TokenSinkResult::Continue;
                }
                let raw = match name.as_str() {
                    "script" => Some(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
                    "title" | "textarea" => Some(RawKind::Rcdata),
                    _ => None,
                };
                if let (Some(kind), false) = (raw, closing) {
                    *skip = Some(name);
                    return TokenSinkResult::RawData(kind);
                }
                let attrs = tag
                    .attrs
                    .iter()
                    .map(|a| (a.name.local.to_string(), a.value.to_string()))
                    .collect();
                pieces.push((
                    line,
                    Piece::Tag {
                        name,
                        closing,
                        attrs,
                    },
                ));
            }
            CharacterTokens(text) if self.skip.borrow().is_none() => {
                pieces.push((line, Piece::Text(text.to_string())));
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Reads the text of a web page.
pub fn read(source: &str) -> Document {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(source));
    let tokenizer = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let pieces = tokenizer.sink.pieces.into_inner();
    let mut page = Page::default();
    for (line, piece) in pieces {
        match piece {
            Piece::Text(text) => page.text(&text, line),
            Piece::Tag {
                name,
                closing,
                attrs,
            } => {
                let attr = |key: &str| attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
                page.tag(&name, closing, &attr, line);
            }
        }
    }
    page.close_block();
    page.doc
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
}

impl Page {
    fn text(&mut self, text: &str, line: usize) {
        if text.is_empty() {
            return;
        }
        if self.block.is_none() && !self.in_cell {
            if text.trim().is_empty() || self.table.is_some() {
                return;
            }
            // Bare text inside the body is a paragraph of its own.
            self.block = Some((line, Kind::Paragraph));
        }
        let text = text.to_string();
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

    fn tag(
        &mut self,
        name: &str,
        closing: bool,
        attr: &dyn Fn(&str) -> Option<String>,
        line: usize,
    ) {
        match (name, closing) {
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
                let start = attr("start").and_then(|s| s.parse().ok()).unwrap_or(1);
                self.lists.push((true, attr("type"), start));
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
            ("a", false) => self.link = attr("href").filter(|u| is_linkable(u)),
            ("a", true) => self.link = None,
            ("img", _) => {
                let alt = attr("alt").filter(|a| !a.trim().is_empty());
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
    fn references_decode_and_raw_text_is_skipped() {
        let doc = read(
            "<p title=\"a > b\">a &lt;b&gt; &#8217; &#x2014; &nosuch; & c</p>\
             <style>p > a {}</style><title><b>x</b></title><p>end</p>",
        );
        let texts: Vec<String> = doc.blocks.iter().map(Block::text).collect();
        assert_eq!(texts, ["a <b> ’ — &nosuch; & c", "end"]);
    }
}
