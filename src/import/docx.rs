//! Word files (.docx): the zip's document, styles, numbering, relationships
//! and footnotes read with `zip` and `quick-xml`, into a [`Document`].
//!
//! Headings come from paragraph styles ("heading 1", "Title", or a style
//! with an outline level) and from short paragraphs that are bold
//! throughout; list items from each paragraph's numbering with the label
//! Word shows (`a)`, `iii.`, `2.1`); links from the relationships; pictures
//! are listed, not kept. A paragraph's number in the file is its "line".

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::doc::{Block, Document, Kind, Marker, Span, is_linkable, plain};

/// The most bytes any one part of the zip may unpack to (a "zip bomb" guard).
const MAX_PART: u64 = 64 * 1024 * 1024;

/// Reads a .docx file's bytes.
pub fn read(bytes: &[u8]) -> Result<Document, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        "this is not a Word .docx file (it is not a zip archive); save it again from \
         Word as \"Word Document (.docx)\""
            .to_string()
    })?;
    let document = part(&mut zip, "word/document.xml")?.ok_or_else(|| {
        "this zip has no word/document.xml, so it is not a Word document".to_string()
    })?;
    let styles = part(&mut zip, "word/styles.xml")?
        .map(|t| Styles::parse(&t))
        .unwrap_or_default();
    let numbering = part(&mut zip, "word/numbering.xml")?
        .map(|t| Numbering::parse(&t))
        .unwrap_or_default();
    let links = part(&mut zip, "word/_rels/document.xml.rels")?
        .map(|t| relationships(&t))
        .unwrap_or_default();
    let mut reader = Body::new(&styles, &numbering, &links);
    reader.read(&document, false)?;
    let mut doc = reader.finish();
    if let Some(text) = part(&mut zip, "word/footnotes.xml")? {
        doc.footnotes = footnotes(&text, &styles, &numbering, &links)?;
    }
    Ok(doc)
}

fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<String>, String> {
    let file = match zip.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(_) => {
            return Err(format!(
                "its part {name} cannot be read; the file may be damaged"
            ));
        }
    };
    let mut text = String::new();
    file.take(MAX_PART)
        .read_to_string(&mut text)
        .map_err(|_| format!("its part {name} cannot be read; the file may be damaged"))?;
    Ok(Some(text))
}

/// The value of the attribute whose local name is `name` (`w:val` → "val").
fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.decoded_and_normalized_value(XmlVersion::Implicit1_0, e.decoder())
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Whether a toggle property (`<w:b/>`, `<w:b w:val="false"/>`) is on.
fn toggle(e: &BytesStart) -> bool {
    !matches!(
        attr(e, b"val").as_deref(),
        Some("false" | "0" | "off" | "none")
    )
}

/// A style as styles.xml gives it: id, name, based on, outline level.
type RawStyle = (String, Option<String>, Option<String>, Option<u8>);

/// What each paragraph style means for the outline.
#[derive(Debug, Default)]
struct Styles {
    /// Style id → heading level (1 for Title, 2.. for heading 1..).
    levels: HashMap<String, u8>,
    /// Style ids of tables of contents.
    contents: Vec<String>,
}

impl Styles {
    fn parse(text: &str) -> Self {
        let mut reader = Reader::from_str(text);
        // Each style: id, name, the style it is based on, outline level.
        let mut raw: Vec<RawStyle> = Vec::new();
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                    b"style" => {
                        raw.push((attr(&e, b"styleId").unwrap_or_default(), None, None, None))
                    }
                    b"name" => {
                        if let Some(last) = raw.last_mut() {
                            last.1 = attr(&e, b"val");
                        }
                    }
                    b"basedOn" => {
                        if let Some(last) = raw.last_mut() {
                            last.2 = attr(&e, b"val");
                        }
                    }
                    b"outlineLvl" => {
                        if let Some(last) = raw.last_mut() {
                            last.3 = attr(&e, b"val").and_then(|v| v.parse().ok());
                        }
                    }
                    _ => {}
                },
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
        let mut styles = Styles::default();
        let own: HashMap<&str, Option<u8>> = raw
            .iter()
            .map(|(id, name, _, outline)| (id.as_str(), own_level(id, name.as_deref(), *outline)))
            .collect();
        let based: HashMap<&str, &str> = raw
            .iter()
            .filter_map(|(id, _, b, _)| Some((id.as_str(), b.as_deref()?)))
            .collect();
        for (id, name, _, _) in &raw {
            let lower = name.as_deref().unwrap_or(id).to_ascii_lowercase();
            if lower.starts_with("toc") {
                styles.contents.push(id.clone());
                continue;
            }
            // Follow basedOn a few steps: "My Heading" based on "Heading 2".
            let mut at = id.as_str();
            for _ in 0..8 {
                if let Some(level) = own.get(at).copied().flatten() {
                    styles.levels.insert(id.clone(), level);
                    break;
                }
                match based.get(at) {
                    Some(next) => at = next,
                    None => break,
                }
            }
        }
        styles
    }
}

/// The heading level a style gives by its own name or outline level.
fn own_level(id: &str, name: Option<&str>, outline: Option<u8>) -> Option<u8> {
    let name = name.unwrap_or(id).to_ascii_lowercase();
    if name == "title" {
        return Some(1);
    }
    if let Some(n) = name.strip_prefix("heading").map(str::trim)
        && let Ok(n) = n.parse::<u8>()
    {
        return Some((n + 1).min(6));
    }
    outline.filter(|&o| o < 9).map(|o| (o + 2).min(6))
}

/// One level of a list definition.
#[derive(Debug, Clone, Default)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

/// numbering.xml: which list each paragraph's number belongs to.
#[derive(Debug, Default)]
struct Numbering {
    /// numId → abstractNumId.
    nums: HashMap<String, String>,
    /// abstractNumId → levels 0..9.
    abstracts: HashMap<String, Vec<Level>>,
}

impl Numbering {
    fn parse(text: &str) -> Self {
        let mut reader = Reader::from_str(text);
        let mut numbering = Numbering::default();
        let mut abstract_id: Option<String> = None;
        let mut num_id: Option<String> = None;
        let mut level: Option<usize> = None;
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                    b"abstractNum" => {
                        let id = attr(&e, b"abstractNumId").unwrap_or_default();
                        numbering
                            .abstracts
                            .insert(id.clone(), vec![Level::default(); 9]);
                        abstract_id = Some(id);
                    }
                    b"num" => num_id = attr(&e, b"numId"),
                    b"abstractNumId" => {
                        if let (Some(num), Some(val)) = (&num_id, attr(&e, b"val")) {
                            numbering.nums.insert(num.clone(), val);
                        }
                    }
                    b"lvl" => level = attr(&e, b"ilvl").and_then(|v| v.parse().ok()),
                    name @ (b"numFmt" | b"lvlText" | b"start") => {
                        let slot = abstract_id
                            .as_ref()
                            .zip(level.filter(|&l| l < 9))
                            .and_then(|(a, l)| Some(&mut numbering.abstracts.get_mut(a)?[l]));
                        if let (Some(slot), Some(val)) = (slot, attr(&e, b"val")) {
                            match name {
                                b"numFmt" => slot.format = val,
                                b"lvlText" => slot.text = val,
                                _ => slot.start = val.parse().unwrap_or(1),
                            }
                        }
                    }
                    _ => {}
                },
                Ok(Event::End(e)) => match e.local_name().as_ref() {
                    b"abstractNum" => abstract_id = None,
                    b"num" => num_id = None,
                    b"lvl" => level = None,
                    _ => {}
                },
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
        numbering
    }

    fn levels(&self, num_id: &str) -> Option<(&str, &[Level])> {
        let abstract_id = self.nums.get(num_id)?;
        Some((abstract_id, self.abstracts.get(abstract_id)?))
    }
}

/// Relationship id → external address.
fn relationships(text: &str) -> HashMap<String, String> {
    let mut reader = Reader::from_str(text);
    let mut out = HashMap::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e))
                if e.local_name().as_ref() == b"Relationship" =>
            {
                if let (Some(id), Some(target)) = (attr(&e, b"Id"), attr(&e, b"Target")) {
                    out.insert(id, target);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// `n` written in a Word number format.
fn format_number(n: u32, format: &str) -> String {
    match format {
        "lowerLetter" => letters(n),
        "upperLetter" => letters(n).to_ascii_uppercase(),
        "lowerRoman" => roman(n),
        "upperRoman" => roman(n).to_ascii_uppercase(),
        _ => n.to_string(),
    }
}

/// a, b, … z, aa, bb (Word's lettering).
fn letters(n: u32) -> String {
    let n = n.max(1) - 1;
    let letter = (b'a' + (n % 26) as u8) as char;
    std::iter::repeat_n(letter, (n / 26 + 1) as usize).collect()
}

/// Lower-case Roman numerals.
pub(super) fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, digits) in TABLE {
        while n >= value && out.len() < 40 {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

/// The paragraph being read.
#[derive(Debug, Default)]
struct Paragraph {
    style: Option<String>,
    num: Option<String>,
    ilvl: u8,
    outline: Option<u8>,
    spans: Vec<Span>,
}

/// The state of reading document.xml (or footnotes.xml).
struct Body<'a> {
    styles: &'a Styles,
    numbering: &'a Numbering,
    links: &'a HashMap<String, String>,
    doc: Document,
    /// Paragraphs seen so far: the number a block reports as its line.
    paragraphs: usize,
    paragraph: Option<Paragraph>,
    /// Open tables, innermost last: rows of cells of paragraph texts.
    tables: Vec<(usize, Vec<Vec<Vec<Span>>>)>,
    bold: bool,
    italic: bool,
    link: Option<String>,
    in_text: bool,
    /// Inside a run's properties, deleted text or a field code: no text.
    skip: u32,
    in_run_props: bool,
    /// List counters by abstract list id.
    counters: HashMap<String, [u32; 9]>,
    /// Footnote mode: every paragraph is kept as a footnote paragraph.
    footnote: Option<String>,
    footnote_parts: Vec<(String, Vec<Span>)>,
    contents_skipped: usize,
}

impl<'a> Body<'a> {
    fn new(
        styles: &'a Styles,
        numbering: &'a Numbering,
        links: &'a HashMap<String, String>,
    ) -> Self {
        Body {
            styles,
            numbering,
            links,
            doc: Document::default(),
            paragraphs: 0,
            paragraph: None,
            tables: Vec::new(),
            bold: false,
            italic: false,
            link: None,
            in_text: false,
            skip: 0,
            in_run_props: false,
            counters: HashMap::new(),
            footnote: None,
            footnote_parts: Vec::new(),
            contents_skipped: 0,
        }
    }

    fn read(&mut self, text: &str, footnotes: bool) -> Result<(), String> {
        let mut reader = Reader::from_str(text);
        loop {
            let event = reader.read_event().map_err(|e| {
                format!(
                    "its XML is damaged near byte {} ({e}); open it in Word and save it again",
                    reader.buffer_position()
                )
            })?;
            match event {
                Event::Start(e) => self.start(&e, false, footnotes),
                Event::Empty(e) => self.start(&e, true, footnotes),
                Event::End(e) => self.end(e.local_name().as_ref()),
                Event::Text(t) if self.in_text && self.skip == 0 => {
                    if let Ok(t) = t.decode() {
                        self.push_text(&t);
                    }
                }
                Event::GeneralRef(r) if self.in_text && self.skip == 0 => {
                    let text = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => match r.decode().as_deref() {
                            Ok("amp") => "&".into(),
                            Ok("lt") => "<".into(),
                            Ok("gt") => ">".into(),
                            Ok("quot") => "\"".into(),
                            Ok("apos") => "'".into(),
                            _ => String::new(),
                        },
                    };
                    self.push_text(&text);
                }
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    fn push_text(&mut self, text: &str) {
        if let Some(p) = &mut self.paragraph {
            p.spans.push(Span {
                text: text.to_string(),
                bold: self.bold,
                italic: self.italic,
                link: self.link.clone(),
                footnote: None,
                policy: None,
            });
        }
    }

    fn start(&mut self, e: &BytesStart, empty: bool, footnotes: bool) {
        match e.local_name().as_ref() {
            b"footnote" if footnotes => {
                let id = attr(e, b"id").unwrap_or_default();
                let separator = attr(e, b"type").is_some_and(|t| t != "normal");
                self.footnote = (!separator).then_some(id);
            }
            b"p" => {
                self.paragraphs += 1;
                self.paragraph = Some(Paragraph::default());
                if empty {
                    self.end(b"p");
                }
            }
            b"pStyle" => {
                if let Some(p) = &mut self.paragraph {
                    p.style = attr(e, b"val");
                }
            }
            b"numId" => {
                if let Some(p) = &mut self.paragraph {
                    p.num = attr(e, b"val").filter(|v| v != "0");
                }
            }
            b"ilvl" => {
                if let Some(p) = &mut self.paragraph {
                    p.ilvl = attr(e, b"val")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0)
                        .min(8);
                }
            }
            b"outlineLvl" => {
                if let Some(p) = &mut self.paragraph {
                    p.outline = attr(e, b"val").and_then(|v| v.parse().ok());
                }
            }
            b"r" => {
                self.bold = false;
                self.italic = false;
            }
            b"rPr" if !empty => self.in_run_props = true,
            b"b" if self.in_run_props => self.bold = toggle(e),
            b"i" if self.in_run_props => self.italic = toggle(e),
            b"rStyle" if self.in_run_props => {
                let style = attr(e, b"val").unwrap_or_default().to_ascii_lowercase();
                if style.contains("strong") || style.contains("bold") {
                    self.bold = true;
                }
                if style.contains("emphasis") || style.contains("italic") {
                    self.italic = true;
                }
            }
            b"t" if !empty => self.in_text = true,
            b"delText" | b"instrText" if !empty => self.skip += 1,
            b"tab" | b"br" | b"cr" if !self.in_run_props => self.push_text(" "),
            b"noBreakHyphen" => self.push_text("-"),
            b"hyperlink" if !empty => {
                self.link = attr(e, b"id")
                    .and_then(|id| self.links.get(&id).cloned())
                    .filter(|url| is_linkable(url));
            }
            b"footnoteReference" => {
                if let (Some(p), Some(id)) = (&mut self.paragraph, attr(e, b"id")) {
                    p.spans.push(Span {
                        footnote: Some(id),
                        ..Span::default()
                    });
                }
            }
            b"docPr" => {
                let name = attr(e, b"descr")
                    .filter(|d| !d.trim().is_empty())
                    .or_else(|| attr(e, b"name"))
                    .unwrap_or_else(|| "a picture".into());
                self.doc.images.push((self.paragraphs.max(1), name));
            }
            b"imagedata" => self
                .doc
                .images
                .push((self.paragraphs.max(1), "a picture".into())),
            b"tbl" if !empty => self.tables.push((self.paragraphs + 1, Vec::new())),
            b"tr" if !empty => {
                if let Some((_, rows)) = self.tables.last_mut() {
                    rows.push(Vec::new());
                }
            }
            b"tc" if !empty => {
                if let Some(row) = self.tables.last_mut().and_then(|(_, r)| r.last_mut()) {
                    row.push(Vec::new());
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) {
        match name {
            b"p" => self.end_paragraph(),
            b"rPr" => self.in_run_props = false,
            b"t" => self.in_text = false,
            b"delText" | b"instrText" => self.skip = self.skip.saturating_sub(1),
            b"hyperlink" => self.link = None,
            b"tbl" => {
                if let Some((line, rows)) = self.tables.pop() {
                    let rows: Vec<Vec<Vec<Span>>> = rows
                        .into_iter()
                        .filter(|r| r.iter().any(|c| !plain(c).is_empty()))
                        .collect();
                    if let Some(cell) = self.cell() {
                        // A table inside a table: its text joins the cell.
                        for row in rows {
                            for c in row {
                                cell.push(Span::plain(" "));
                                cell.extend(c);
                            }
                        }
                    } else if !rows.is_empty() {
                        self.doc.blocks.push(Block {
                            line,
                            kind: Kind::Table(rows),
                            spans: Vec::new(),
                        });
                    }
                }
            }
            b"footnote" => {
                if let Some(id) = self.footnote.take() {
                    let spans = std::mem::take(&mut self.doc.blocks)
                        .into_iter()
                        .flat_map(|b| {
                            let mut s = b.spans;
                            s.push(Span::plain(" "));
                            s
                        })
                        .collect();
                    self.footnote_parts.push((id, spans));
                }
                self.doc.blocks.clear();
            }
            _ => {}
        }
    }

    fn cell(&mut self) -> Option<&mut Vec<Span>> {
        self.tables
            .last_mut()
            .and_then(|(_, rows)| rows.last_mut())
            .and_then(|row| row.last_mut())
    }

    fn end_paragraph(&mut self) {
        let Some(p) = self.paragraph.take() else {
            return;
        };
        let line = self.paragraphs;
        if let Some(cell) = self.cell() {
            if !cell.is_empty() {
                cell.push(Span::plain(" "));
            }
            cell.extend(p.spans);
            return;
        }
        let text = plain(&p.spans);
        if p.style
            .as_ref()
            .is_some_and(|s| self.styles.contents.contains(s))
        {
            self.contents_skipped += 1;
            return;
        }
        if text.is_empty() {
            return;
        }
        let level = p
            .style
            .as_ref()
            .and_then(|s| self.styles.levels.get(s).copied())
            .or(p.outline.filter(|&o| o < 9).map(|o| (o + 2).min(6)));
        let kind = if let Some(level) = level {
            Kind::Heading(level)
        } else if let Some(marker) = p.num.as_ref().and_then(|n| self.marker(n, p.ilvl)) {
            Kind::Item {
                level: p.ilvl,
                marker,
            }
        } else if self.footnote.is_none() && is_bold_line(&p.spans, &text) {
            // Level fixed once the whole document is read.
            Kind::Heading(0)
        } else {
            Kind::Paragraph
        };
        self.doc.blocks.push(Block {
            line,
            kind,
            spans: p.spans,
        });
    }

    /// The marker Word shows for the next item of list `num` at `ilvl`.
    fn marker(&mut self, num: &str, ilvl: u8) -> Option<Marker> {
        let (abstract_id, levels) = self.numbering.levels(num)?;
        let ilvl = usize::from(ilvl);
        let level = &levels[ilvl];
        if level.format == "bullet" {
            return Some(Marker::Bullet);
        }
        if level.format == "none" {
            return None;
        }
        let counters = self
            .counters
            .entry(abstract_id.to_string())
            .or_insert([0; 9]);
        counters[ilvl] = if counters[ilvl] == 0 {
            levels[ilvl].start.max(1)
        } else {
            counters[ilvl] + 1
        };
        for deeper in counters.iter_mut().skip(ilvl + 1) {
            *deeper = 0;
        }
        let mut label = level.text.clone();
        for (i, l) in levels.iter().enumerate().take(ilvl + 1) {
            let value = counters[i].max(l.start.max(1));
            label = label.replace(&format!("%{}", i + 1), &format_number(value, &l.format));
        }
        let label = label.trim().to_string();
        if let Some(n) = label
            .strip_suffix(['.', ')'])
            .and_then(|d| d.parse::<u32>().ok())
            .filter(|_| level.format == "decimal")
        {
            return Some(Marker::Number(n, label.chars().last().unwrap_or('.')));
        }
        Some(Marker::Label(label))
    }

    fn finish(mut self) -> Document {
        let deepest = self
            .doc
            .blocks
            .iter()
            .filter_map(|b| match b.kind {
                Kind::Heading(l) if l > 1 => Some(l),
                _ => None,
            })
            .max()
            .unwrap_or(1);
        for block in &mut self.doc.blocks {
            if block.kind == Kind::Heading(0) {
                block.kind = Kind::Heading((deepest + 1).min(6));
                for span in &mut block.spans {
                    span.bold = false;
                }
            }
        }
        if self.contents_skipped > 0 {
            self.doc.notes.push(format!(
                "left out the table of contents ({} lines): the site makes its own",
                self.contents_skipped
            ));
        }
        self.doc
    }
}

/// A short paragraph that is bold throughout and does not end a sentence.
fn is_bold_line(spans: &[Span], text: &str) -> bool {
    let visible: Vec<&Span> = spans.iter().filter(|s| !s.text.trim().is_empty()).collect();
    !visible.is_empty()
        && visible.iter().all(|s| s.bold && s.footnote.is_none())
        && text.chars().count() <= 100
        && !text.ends_with(['.', ',', ';'])
}

fn footnotes(
    text: &str,
    styles: &Styles,
    numbering: &Numbering,
    links: &HashMap<String, String>,
) -> Result<Vec<(String, Vec<Span>)>, String> {
    let mut body = Body::new(styles, numbering, links);
    body.footnote = None;
    body.read(text, true)?;
    Ok(body.footnote_parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_word_formats() {
        assert_eq!(format_number(3, "lowerLetter"), "c");
        assert_eq!(format_number(27, "lowerLetter"), "aa");
        assert_eq!(format_number(4, "upperRoman"), "IV");
        assert_eq!(format_number(14, "lowerRoman"), "xiv");
        assert_eq!(format_number(7, "decimal"), "7");
    }

    #[test]
    fn heading_styles_by_name_and_outline() {
        assert_eq!(own_level("Title", Some("Title"), None), Some(1));
        assert_eq!(own_level("Heading2", Some("heading 2"), None), Some(3));
        assert_eq!(own_level("Mine", Some("Section"), Some(0)), Some(2));
        assert_eq!(own_level("Normal", Some("Normal"), None), None);
    }

    #[test]
    fn not_a_zip_is_a_plain_error() {
        let err = read(b"hello").unwrap_err();
        assert!(err.contains("not a zip archive"), "{err}");
    }
}
