//! Placeholders left in rendered Markdown for what only a page can decide.
//!
//! A section's HTML is rendered once and reused by every page that shows it
//! (the full policy, each audience view, the audience landing page). Links in
//! it must be relative to the page they land on, so the Markdown stage writes a
//! marker (`\u{E000}policy:online-safety#reporting\u{E001}`) and the render
//! stage replaces each marker for the page at hand.

use std::borrow::Cow;

use memchr::memmem;

/// Opens a marker (a private-use character that source text never keeps).
pub const OPEN: char = '\u{E000}';
/// Closes a marker.
pub const CLOSE: char = '\u{E001}';

/// What a marker stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker<'a> {
    /// A link to a policy, or to a section of it.
    Policy {
        /// The policy's id.
        id: &'a str,
        /// The section's anchor, if any.
        anchor: Option<&'a str>,
    },
    /// A path from the site's root, e.g. `glossary/index.html#dsl`.
    Root(&'a str),
    /// The n-th shortcode call of a policy, replaced by its rendered HTML.
    Shortcode(usize),
}

/// The marker text for a link to policy `id` (and `anchor`).
pub fn policy(id: &str, anchor: Option<&str>) -> String {
    match anchor {
        Some(a) => format!("{OPEN}policy:{id}#{a}{CLOSE}"),
        None => format!("{OPEN}policy:{id}{CLOSE}"),
    }
}

/// The marker text for `path` from the site's root.
pub fn root(path: &str) -> String {
    format!("{OPEN}root:{path}{CLOSE}")
}

/// The marker text for shortcode call `n`.
pub fn shortcode(n: usize) -> String {
    format!("{OPEN}shortcode:{n}{CLOSE}")
}

/// Replaces marker characters in source text, so that no input can forge a marker.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    // Both markers are encoded as EE 80 80 / EE 80 81: look for their common
    // prefix with memchr's fast search first, since almost no text has one.
    if memmem::find(text.as_bytes(), b"\xEE\x80").is_some() && text.contains([OPEN, CLOSE]) {
        Cow::Owned(text.replace([OPEN, CLOSE], "\u{FFFD}"))
    } else {
        Cow::Borrowed(text)
    }
}

fn parse(body: &str) -> Option<Marker<'_>> {
    if let Some(rest) = body.strip_prefix("policy:") {
        let (id, anchor) = match rest.split_once('#') {
            Some((id, anchor)) => (id, Some(anchor)),
            None => (rest, None),
        };
        Some(Marker::Policy { id, anchor })
    } else if let Some(path) = body.strip_prefix("root:") {
        Some(Marker::Root(path))
    } else {
        body.strip_prefix("shortcode:")?
            .parse()
            .ok()
            .map(Marker::Shortcode)
    }
}

/// The markers as pulldown-cmark writes them inside an `href` (percent-encoded).
const OPEN_ENCODED: &str = "%EE%80%80";
const CLOSE_ENCODED: &str = "%EE%80%81";

/// `html` with markers that pulldown-cmark percent-encoded inside an `href`
/// turned back into markers. The Markdown stage does this once per section,
/// so that resolving them for each page finds them in one form only.
pub fn decode(html: &str) -> Cow<'_, str> {
    if memmem::find(html.as_bytes(), OPEN_ENCODED.as_bytes()).is_none() {
        return Cow::Borrowed(html);
    }
    Cow::Owned(
        html.replace(OPEN_ENCODED, &OPEN.to_string())
            .replace(CLOSE_ENCODED, &CLOSE.to_string()),
    )
}

/// Replaces every marker in `html` with what `replace` returns for it.
pub fn resolve<'h>(html: &'h str, mut replace: impl FnMut(Marker<'_>) -> String) -> Cow<'h, str> {
    if let Cow::Owned(decoded) = decode(html) {
        return Cow::Owned(resolve(&decoded, replace).into_owned());
    }
    let open = OPEN.to_string();
    let finder = memmem::Finder::new(open.as_bytes());
    let Some(first) = finder.find(html.as_bytes()) else {
        return Cow::Borrowed(html);
    };
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    out.push_str(&html[..first]);
    let mut rest = &html[first..];
    while let Some(start) = finder.find(rest.as_bytes()) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len_utf8()..];
        match after.find(CLOSE) {
            Some(end) => {
                match parse(&after[..end]) {
                    Some(marker) => out.push_str(&replace(marker)),
                    None => out.push_str(&after[..end]),
                }
                rest = &after[end + CLOSE.len_utf8()..];
            }
            None => {
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_each_kind() {
        let html = format!(
            "<a href=\"{}\">a</a><a href=\"{}\">b</a>{}<a href=\"{}\">c</a>",
            policy("online-safety", Some("reporting")),
            policy("behaviour", None),
            shortcode(3),
            root("glossary/index.html#dsl"),
        );
        let out = resolve(&html, |m| match m {
            Marker::Policy { id, anchor } => format!("P[{id}|{}]", anchor.unwrap_or("-")),
            Marker::Root(path) => format!("../{path}"),
            Marker::Shortcode(n) => format!("S{n}"),
        });
        assert_eq!(
            out,
            "<a href=\"P[online-safety|reporting]\">a</a><a href=\"P[behaviour|-]\">b</a>S3\
             <a href=\"../glossary/index.html#dsl\">c</a>"
        );
    }

    #[test]
    fn percent_encoded_markers_in_hrefs_resolve() {
        let html = format!("<a href=\"{OPEN_ENCODED}policy:x{CLOSE_ENCODED}\">x</a> 100%");
        assert_eq!(
            decode(&html),
            format!("<a href=\"{}\">x</a> 100%", policy("x", None))
        );
        let out = resolve(&html, |_| "../x/".into());
        assert_eq!(out, "<a href=\"../x/\">x</a> 100%");
        assert!(matches!(decode("100% plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn text_without_markers_is_borrowed() {
        assert!(matches!(
            resolve("plain", |_| String::new()),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn source_cannot_forge_a_marker() {
        let forged = format!("x{OPEN}root:evil{CLOSE}y");
        assert_eq!(sanitize(&forged), "x\u{FFFD}root:evil\u{FFFD}y");
    }
}
