//! Shortcodes: a paragraph that is only `{{ name(args) }}` becomes a marker,
//! rendered later by the tera template `shortcodes/NAME.html`.

use std::path::Path;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::Item;
use crate::diagnostics::Diagnostics;
use crate::markers;

/// One shortcode call in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortcodeCall {
    /// The shortcode's name, e.g. `age_limits`.
    pub name: String,
    /// The text between the parentheses, e.g. `platforms=["WhatsApp"]`.
    pub args: String,
    /// The file line of the call.
    pub line: usize,
}

/// Parses `{{ name(args) }}`; `None` when the text is not a shortcode at all.
pub fn parse_call(text: &str) -> Option<Result<(String, String), String>> {
    let inner = text.trim().strip_prefix("{{")?.strip_suffix("}}")?.trim();
    let Some((name, rest)) = inner.split_once('(') else {
        return Some(Err(format!(
            "\"{{{{ {inner} }}}}\" is not a shortcode call; write it like {{{{ age_limits() }}}}"
        )));
    };
    let name = name.trim();
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit();
    if !valid {
        return Some(Err(format!(
            "\"{name}\" is not a shortcode name (lower-case letters, digits and _)"
        )));
    }
    let Some(args) = rest.trim_end().strip_suffix(')') else {
        return Some(Err(format!("the shortcode {name}( is not closed with )")));
    };
    Some(Ok((name.to_string(), args.trim().to_string())))
}

/// Replaces each shortcode paragraph with a marker and returns the calls.
pub(super) fn extract<'a>(
    events: Vec<Item<'a>>,
    path: &Path,
    diagnostics: &mut Diagnostics,
) -> (Vec<Item<'a>>, Vec<ShortcodeCall>) {
    let mut out: Vec<Item<'a>> = Vec::with_capacity(events.len());
    let mut calls = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Some((len, text, line)) = plain_paragraph(&events[i..]) {
            match parse_call(&text) {
                Some(Ok((name, args))) => {
                    out.push((
                        Event::Html(format!("{}\n", markers::shortcode(calls.len())).into()),
                        line,
                    ));
                    calls.push(ShortcodeCall { name, args, line });
                    i += len;
                    continue;
                }
                Some(Err(message)) => diagnostics.error(path, Some(line), message),
                None => {}
            }
        }
        out.push(events[i].clone());
        i += 1;
    }
    (out, calls)
}

/// If `events` starts with a paragraph of only text, its length, text and line.
fn plain_paragraph(events: &[Item<'_>]) -> Option<(usize, String, usize)> {
    let (Event::Start(Tag::Paragraph), line) = events.first()? else {
        return None;
    };
    let mut text = String::new();
    for (n, (event, _)) in events.iter().enumerate().skip(1) {
        match event {
            Event::Text(t) => text.push_str(t),
            Event::SoftBreak => text.push(' '),
            Event::End(TagEnd::Paragraph) => {
                return text
                    .trim_start()
                    .starts_with("{{")
                    .then_some((n + 1, text, *line));
            }
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_calls() {
        assert_eq!(
            parse_call("{{ age_limits() }}"),
            Some(Ok(("age_limits".into(), String::new())))
        );
        assert_eq!(
            parse_call("{{age_limits(platforms=[\"WhatsApp\", \"TikTok\"])}}"),
            Some(Ok((
                "age_limits".into(),
                "platforms=[\"WhatsApp\", \"TikTok\"]".into()
            )))
        );
        assert_eq!(parse_call("not a shortcode"), None);
        assert!(matches!(parse_call("{{ Age-Limits() }}"), Some(Err(_))));
        assert!(matches!(parse_call("{{ age_limits( }}"), Some(Err(_))));
        assert!(matches!(parse_call("{{ school }}"), Some(Err(_))));
    }

    #[test]
    fn only_whole_paragraphs_are_shortcodes() {
        let mut d = Diagnostics::new();
        let body = crate::markdown::parse(
            Path::new("p.md"),
            "Text {{ age_limits() }} inline.\n\n{{ age_limits(platforms=[\"WhatsApp\"]) }}\n\n`{{ age_limits() }}`\n",
            1,
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(body.shortcodes.len(), 1);
        assert_eq!(body.shortcodes[0].line, 3);
        assert!(body.intro.contains(&markers::shortcode(0)));
        assert!(body.intro.contains("Text {{ age_limits() }} inline."));
    }
}
