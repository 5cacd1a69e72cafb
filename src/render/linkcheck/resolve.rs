//! Where a link in a page of the output points, from the site's root.

use std::borrow::Cow;

use memchr::{memchr, memrchr};

/// Where a link points, from the site's root.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved<'h> {
    /// Another site, another scheme, or a path from the server's root.
    Unchecked,
    /// Above the site's folder.
    Outside,
    /// A file of the site (`/`-separated, percent-decoded) and a fragment.
    Internal {
        /// The file, like `policies/x/index.html`.
        path: String,
        /// What follows `#`, percent-decoded.
        fragment: Option<Cow<'h, str>>,
    },
}

/// Resolves `href` as written on `page` (a path like `policies/x/index.html`).
pub fn resolve<'h>(page: &str, href: &'h str) -> Resolved<'h> {
    let href = href.trim_ascii();
    if href.is_empty() || href.starts_with('/') || has_scheme(href) {
        return Resolved::Unchecked;
    }
    let (rest, fragment) = match memchr(b'#', href.as_bytes()) {
        Some(at) => (&href[..at], Some(percent_decode(&href[at + 1..]))),
        None => (href, None),
    };
    let path = memchr(b'?', rest.as_bytes()).map_or(rest, |at| &rest[..at]);
    if path.is_empty() {
        return Resolved::Internal {
            path: page.to_string(),
            fragment,
        };
    }
    let mut target = String::with_capacity(page.len() + path.len());
    target.push_str(page.rsplit_once('/').map_or("", |(folder, _)| folder));
    let mut directory = false;
    // Segments are short: a plain loop finds each `/` faster than `split`.
    let mut rest = Some(path);
    while let Some(segments) = rest {
        let (segment, more) = match segments.bytes().position(|b| b == b'/') {
            Some(at) => (&segments[..at], Some(&segments[at + 1..])),
            None => (segments, None),
        };
        rest = more;
        directory = matches!(segment, "" | "." | "..");
        match segment {
            "" | "." => {}
            ".." => {
                if target.is_empty() {
                    return Resolved::Outside;
                }
                target.truncate(memrchr(b'/', target.as_bytes()).unwrap_or(0));
            }
            name => push_segment(&mut target, &percent_decode(name)),
        }
    }
    if directory {
        push_segment(&mut target, "index.html");
    }
    Resolved::Internal {
        path: target,
        fragment,
    }
}

fn push_segment(path: &mut String, segment: &str) {
    if !path.is_empty() {
        path.push('/');
    }
    path.push_str(segment);
}

/// Whether `href` starts with a URL scheme (`https:`, `mailto:` ...).
fn has_scheme(href: &str) -> bool {
    let bytes = href.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    let scheme = bytes
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        .count();
    bytes.get(scheme) == Some(&b':')
}

/// `%XX` escapes decoded (invalid UTF-8 is replaced, never a panic).
fn percent_decode(text: &str) -> Cow<'_, str> {
    if memchr(b'%', text.as_bytes()).is_none() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_links() {
        let internal = |path: &str, fragment: Option<&'static str>| Resolved::Internal {
            path: path.into(),
            fragment: fragment.map(Cow::Borrowed),
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
            ("a%2Fb", internal("policies/x/a/b", None)),
        ];
        for (href, expected) in cases {
            assert_eq!(resolve(page, href), expected, "{href}");
        }
        assert_eq!(resolve("index.html", ".."), Resolved::Outside);
        assert_eq!(resolve("index.html", "a/../"), internal("index.html", None));
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("a%C3%B1o%2"), "año%2");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }
}
