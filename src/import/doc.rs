//! What every reader turns a file into: a list of blocks (headings,
//! paragraphs, list items, tables) made of formatted text spans, and how
//! that becomes Markdown in which no source text can become markup.

/// A document as read from a Word, PDF, web or text file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The blocks in reading order.
    pub blocks: Vec<Block>,
    /// Footnotes by their label, in the order they were defined.
    pub footnotes: Vec<(String, Vec<Span>)>,
    /// Pictures the file holds, each with its line and name: listed in the
    /// report, as a draft cannot keep them.
    pub images: Vec<(usize, String)>,
    /// What the reader did that the editor should know about.
    pub notes: Vec<String>,
}

/// One block and the line (or, in a Word file, the paragraph) it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The 1-based line or paragraph number in the original file.
    pub line: usize,
    /// What kind of block it is.
    pub kind: Kind,
    /// Its text.
    pub spans: Vec<Span>,
}

/// The kinds of block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A heading of level 1 (the title) to 6.
    Heading(u8),
    /// A paragraph.
    Paragraph,
    /// A list item at a nesting `level` (0 outermost) with its marker.
    Item {
        /// How deep it is nested.
        level: u8,
        /// Its bullet or number, as the source shows it.
        marker: Marker,
    },
    /// A table: rows of cells; the first row is the header.
    Table(Vec<Vec<Vec<Span>>>),
}

/// A list item's marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marker {
    /// A bullet.
    Bullet,
    /// A number that Markdown can write as a list: `3.` or `3)`.
    Number(u32, char),
    /// Any other label as written: `a)`, `(ii)`, `B.`, `1.2`.
    Label(String),
}

/// A run of text with one formatting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Span {
    /// The text.
    pub text: String,
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
    /// Where it links to.
    pub link: Option<String>,
    /// A footnote reference: the footnote's label (the text is empty).
    pub footnote: Option<String>,
    /// A cross-link to the site's policy with this (valid) id, found by
    /// detection; never read from a file.
    pub policy: Option<String>,
}

impl Span {
    /// Plain text.
    pub fn plain(text: impl Into<String>) -> Self {
        Span {
            text: text.into(),
            ..Span::default()
        }
    }
}

impl Block {
    /// A block of one plain span.
    pub fn plain(line: usize, kind: Kind, text: impl Into<String>) -> Self {
        Block {
            line,
            kind,
            spans: vec![Span::plain(text)],
        }
    }

    /// The block's text without formatting (a table's cells joined by " | ").
    pub fn text(&self) -> String {
        match &self.kind {
            Kind::Table(rows) => rows
                .iter()
                .map(|row| row.iter().map(|c| plain(c)).collect::<Vec<_>>().join(" | "))
                .collect::<Vec<_>>()
                .join("\n"),
            _ => plain(&self.spans),
        }
    }
}

/// The text of `spans` without formatting, spaces squeezed.
pub fn plain(spans: &[Span]) -> String {
    let joined: String = spans.iter().map(|s| s.text.as_str()).collect();
    squeeze(&joined)
}

/// `text` with every run of white space made one space, trimmed.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Characters that start Markdown syntax anywhere in a line.
const INLINE_SPECIAL: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '<', '>', '{', '}', '|', '~', '&', '!', '$', '^',
];

/// `text` escaped so that Markdown shows exactly these characters.
///
/// Every character that could start markup is backslash-escaped, and so are
/// the characters that start a block at the beginning of a line (`#`, `-`,
/// `+`, `=`, `:` and a number followed by `.` or `)`).
pub fn escape(text: &str, at_line_start: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut start = at_line_start;
    let mut digits = false;
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if INLINE_SPECIAL.contains(&c)
            || (start && matches!(c, '#' | '-' | '+' | '=' | ':'))
            || (digits && matches!(c, '.' | ')'))
        {
            out.push('\\');
            start = false;
            digits = false;
        } else if start && c.is_ascii_digit() {
            digits = true;
            start = false;
        } else if !(digits && c.is_ascii_digit()) {
            digits = false;
            start = start && c == ' ';
        }
        out.push(c);
    }
    out
}

/// The spans as one line of Markdown inline text.
pub fn inline(spans: &[Span], at_line_start: bool) -> String {
    let mut out = String::new();
    for span in merged(spans) {
        if let Some(label) = &span.footnote {
            out.push_str(&format!("[^{label}]"));
            continue;
        }
        let text = squeeze_keep_edges(&span.text);
        let core = text.trim();
        if core.is_empty() {
            if !text.is_empty() && !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            continue;
        }
        if text.starts_with(' ') && !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        let mut piece = escape(core, at_line_start && out.is_empty());
        if let Some(id) = &span.policy {
            piece = format!("[{piece}](policy:{id})");
        } else if let Some(url) = span.link.as_deref().filter(|u| is_linkable(u)) {
            piece = format!("[{piece}](<{}>)", url_in_brackets(url));
        }
        let mark = match (span.bold, span.italic) {
            (true, true) => "***",
            (true, false) => "**",
            (false, true) => "*",
            (false, false) => "",
        };
        out.push_str(mark);
        out.push_str(&piece);
        out.push_str(mark);
        if text.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

/// Whether a link from a source may become a link in the draft: web and
/// email addresses only.
pub fn is_linkable(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|s| lower.starts_with(s))
}

/// A URL safe inside `<...>`: spaces and angle brackets percent-encoded.
fn url_in_brackets(url: &str) -> String {
    url.trim()
        .replace(' ', "%20")
        .replace('<', "%3C")
        .replace('>', "%3E")
        .replace('\\', "%5C")
}

/// `text` with runs of white space squeezed to one space, keeping one at
/// either end where there was any.
fn squeeze_keep_edges(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// Neighbouring spans with the same formatting joined into one.
fn merged(spans: &[Span]) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        if let Some(last) = out.last_mut()
            && last.footnote.is_none()
            && span.footnote.is_none()
            && last.bold == span.bold
            && last.italic == span.italic
            && last.link == span.link
            && last.policy == span.policy
        {
            last.text.push_str(&span.text);
            continue;
        }
        out.push(span.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_keeps_markup_as_text() {
        assert_eq!(escape("# 1. a *b* <i>", true), "\\# 1. a \\*b\\* \\<i\\>");
        assert_eq!(escape("- item", true), "\\- item");
        assert_eq!(escape("12) twelve", true), "12\\) twelve");
        assert_eq!(
            escape("::: {audience=staff}", true),
            "\\::: \\{audience=staff\\}"
        );
        assert_eq!(escape("pay £5 - 10.5 each", false), "pay £5 - 10.5 each");
        assert_eq!(
            escape("[x](javascript:alert(1))", false),
            "\\[x\\](javascript:alert(1))"
        );
    }

    #[test]
    fn inline_formats_runs() {
        let spans = vec![
            Span::plain("Read "),
            Span {
                text: "this ".into(),
                bold: true,
                ..Span::default()
            },
            Span {
                text: "site".into(),
                link: Some("https://example.org/a b".into()),
                ..Span::default()
            },
            Span {
                footnote: Some("1".into()),
                ..Span::default()
            },
        ];
        assert_eq!(
            inline(&spans, true),
            "Read **this** [site](<https://example.org/a%20b>)[^1]"
        );
    }

    #[test]
    fn only_web_and_email_links_are_kept() {
        let span = Span {
            text: "x".into(),
            link: Some("javascript:alert(1)".into()),
            ..Span::default()
        };
        assert_eq!(inline(&[span], false), "x");
    }
}
