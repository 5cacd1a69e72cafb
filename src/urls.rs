//! The one place that decides whether an address may be published in a page.
//!
//! A browser decodes character references in an attribute (`&#x00006A;`,
//! `&Tab;`, `&colon`…), then drops tabs and line breaks anywhere in a URL and
//! control characters and spaces at its ends, before it reads the scheme. So
//! an address is judged on what the browser will read, not on what was
//! typed: [`decode_attribute`] and [`decode_text`] decode with html5ever's
//! tokenizer (the HTML5 parser itself, not an imitation of it), and [`check`]
//! reads the scheme the way the URL standard does. Only `http`, `https`,
//! `mailto`, `tel` and relative addresses pass; everything else
//! (`javascript:`, `vbscript:`, `data:`, `file:`…) is refused, however it is
//! spelled.

use std::cell::RefCell;
use std::fmt;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, NullCharacterToken, TagToken, Token, TokenSink, TokenSinkResult,
    Tokenizer, TokenizerOpts,
};

/// The schemes a published address may have (besides none: a relative address).
pub const ALLOWED_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// Why an address may not be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It has a scheme other than [`ALLOWED_SCHEMES`] (lower case, as the browser reads it).
    Scheme(String),
    /// It holds a control character or a character reference that decodes to
    /// none (U+FFFD), so what a browser makes of it cannot be known.
    Undecodable,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Scheme(scheme) => write!(
                f,
                "a {scheme}: address may not be published (only http, https, mailto, tel and addresses within the site; {scheme}: could run code or embed data)"
            ),
            Refusal::Undecodable => f.write_str(
                "the address holds an invisible control character or a character reference that stands for no character",
            ),
        }
    }
}

/// Whether `c` may never be published: C0 controls other than tab and line
/// feed, a carriage return, DEL and the C1 controls. (A carriage return
/// before a line feed is a line end: see [`first_forbidden_control`].)
pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n')
}

/// The first character of `text` that no output may hold: a control
/// character by [`is_forbidden_control`], except a carriage return that ends
/// a line before a line feed.
pub fn first_forbidden_control(text: &str) -> Option<char> {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_forbidden_control(c) && !(c == '\r' && chars.peek() == Some(&'\n')) {
            return Some(c);
        }
    }
    None
}

/// Judges `url` as a browser reads it (character references already decoded).
pub fn check(url: &str) -> Result<(), Refusal> {
    // The URL standard strips C0 controls and spaces at both ends, and tabs
    // and line breaks everywhere, before it looks for a scheme.
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let squeezed: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if squeezed.contains(is_forbidden_control) || squeezed.contains('\u{FFFD}') {
        return Err(Refusal::Undecodable);
    }
    match scheme(&squeezed) {
        Some(scheme) if !ALLOWED_SCHEMES.contains(&scheme.as_str()) => Err(Refusal::Scheme(scheme)),
        _ => Ok(()),
    }
}

/// Whether `url` passes [`check`].
pub fn is_safe(url: &str) -> bool {
    check(url).is_ok()
}

/// The scheme of `url` in lower case, if it has one: a letter, then letters,
/// digits, `+`, `-` or `.`, then `:`.
fn scheme(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    (chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

/// Each URL of a `srcset` value (`a.png 1x, b.png 2x`).
pub fn srcset_urls(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(',')
        .filter_map(|candidate| candidate.split_ascii_whitespace().next())
}

/// Collects what the tokenizer makes of the one tag or text it is given.
#[derive(Default)]
struct Collect {
    text: RefCell<String>,
    attribute: RefCell<Option<String>>,
}

impl TokenSink for Collect {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            CharacterTokens(text) => self.text.borrow_mut().push_str(&text),
            NullCharacterToken => self.text.borrow_mut().push('\0'),
            TagToken(tag) => {
                *self.attribute.borrow_mut() = tag.attrs.first().map(|a| a.value.to_string());
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn tokenize(html: String) -> Collect {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(html));
    let tokenizer = Tokenizer::new(Collect::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink
}

/// An attribute's value (as written between its quotes, or unquoted) with
/// its character references decoded exactly as an HTML5 parser decodes them.
pub fn decode_attribute(raw: &str) -> String {
    if !raw.contains('&') && !raw.contains('\0') {
        return raw.to_string();
    }
    // The value is handed to the tokenizer in quotes that it cannot hold.
    let quote = if raw.contains('"') { '\'' } else { '"' };
    tokenize(format!("<a v={quote}{raw}{quote}>"))
        .attribute
        .into_inner()
        .unwrap_or_default()
}

/// Text between tags (holding no `<`) with its character references decoded
/// exactly as an HTML5 parser decodes them.
pub fn decode_text(raw: &str) -> String {
    if !raw.contains('&') && !raw.contains('\0') {
        return raw.to_string();
    }
    tokenize(raw.replace('<', "&lt;")).text.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_decode_as_the_html5_parser_decodes_them() {
        for (raw, decoded) in [
            ("&#x00000006A;avascript:x", "javascript:x"),
            ("&#00000000106;avascript:x", "javascript:x"),
            ("&#106avascript&colon;x", "javascript:x"),
            ("java&Tab;script&#58x", "java\tscript:x"),
            ("jav&NewLine;ascript:x", "jav\nascript:x"),
            ("&#x6a&#x61vascript:x", "javascript:x"),
            ("a?b=1&amp;c=2&d", "a?b=1&c=2&d"),
            // In an attribute a legacy name followed by `=` is not decoded.
            ("?x=1&copy=2", "?x=1&copy=2"),
            ("&#x80;", "\u{20AC}"),
            ("&#0;&#xD800;&#x110000;", "\u{FFFD}\u{FFFD}\u{FFFD}"),
            ("&#xFFFFFFFFF;&#;&", "\u{FFFD}&#;&"),
            ("say \"hi\"", "say \"hi\""),
        ] {
            assert_eq!(decode_attribute(raw), decoded, "{raw}");
        }
        assert_eq!(decode_text("a &copy b &lt; &#1;"), "a \u{A9} b < \u{1}");
    }

    #[test]
    fn only_web_mail_and_phone_schemes_pass() {
        for url in [
            "https://x.example/a",
            "http://x",
            "mailto:head@school.example",
            "tel:+441234",
            "../x.html",
            "#a",
            "//cdn.example/x",
            "javascripts/x.js",
            "?q=javascript:x",
            "java%09script:x",
        ] {
            assert_eq!(check(url), Ok(()), "{url}");
        }
        for (url, scheme) in [
            ("javascript:x", "javascript"),
            (" JaVaScRiPt:x", "javascript"),
            ("\u{1}\u{20}javascript:x", "javascript"),
            ("java\tscript:x", "javascript"),
            ("jav\r\nascript:x", "javascript"),
            ("vbscript:x", "vbscript"),
            ("DATA:text/html,x", "data"),
            ("file:///etc/passwd", "file"),
        ] {
            assert_eq!(check(url), Err(Refusal::Scheme(scheme.into())), "{url:?}");
        }
        for url in ["java\u{1}script:x", "a\u{FFFD}b", "x\u{85}"] {
            assert_eq!(check(url), Err(Refusal::Undecodable), "{url:?}");
        }
    }

    #[test]
    fn every_candidate_of_a_srcset() {
        assert_eq!(
            srcset_urls("a.png 1x, javascript:x 2x,b.png").collect::<Vec<_>>(),
            ["a.png", "javascript:x", "b.png"]
        );
    }
}
