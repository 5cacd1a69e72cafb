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
        match candidate(&events[i..]) {
            Candidate::Call { len, text, line } => match parse_call(&text) {
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
            },
            Candidate::Formatted { line } => diagnostics.error(
                path,
                Some(line),
                "this shortcode has Markdown formatting in it (*, _, ` or a link), which would \
                 change its arguments: write it without, or put it in backticks to show it as text",
            ),
            Candidate::None => {}
        }
        out.push(events[i].clone());
        i += 1;
    }
    (out, calls)
}

/// What the events at a paragraph's start hold.
enum Candidate {
    /// A paragraph of plain text that starts with `{{`: its length in
    /// events, its text and its line.
    Call {
        len: usize,
        text: String,
        line: usize,
    },
    /// A paragraph that starts with `{{` and ends with `}}` but has
    /// formatting between.
    Formatted { line: usize },
    /// Anything else.
    None,
}

/// Whether `events` starts with a paragraph that is a shortcode call.
fn candidate(events: &[Item<'_>]) -> Candidate {
    let Some((Event::Start(Tag::Paragraph), line)) = events.first() else {
        return Candidate::None;
    };
    let mut text = String::new();
    let mut formatted = false;
    for (n, (event, _)) in events.iter().enumerate().skip(1) {
        match event {
            Event::Text(t) => text.push_str(t),
            Event::SoftBreak => text.push(' '),
            Event::End(TagEnd::Paragraph) => {
                let trimmed = text.trim();
                return match (trimmed.starts_with("{{"), formatted) {
                    (true, false) => Candidate::Call {
                        len: n + 1,
                        text,
                        line: *line,
                    },
                    (true, true) if trimmed.ends_with("}}") => Candidate::Formatted { line: *line },
                    _ => Candidate::None,
                };
            }
            Event::Code(t) if n > 1 => {
                formatted = true;
                text.push_str(t);
            }
            _ if n > 1 => formatted = true,
            _ => return Candidate::None,
        }
    }
    Candidate::None
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

    fn errors(text: &str) -> (crate::markdown::Body, Vec<String>) {
        let mut d = Diagnostics::new();
        let body = crate::markdown::parse(Path::new("p.md"), text, 5, &mut d);
        (body, d.sorted().iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_call_may_wrap_across_lines() {
        let (body, errors) =
            errors("Intro.\n\n{{ age_limits(platforms=[\"WhatsApp\",\n  \"TikTok\"]) }}\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            body.shortcodes,
            [ShortcodeCall {
                name: "age_limits".into(),
                args: "platforms=[\"WhatsApp\", \"TikTok\"]".into(),
                line: 7,
            }]
        );
    }

    #[test]
    fn formatting_inside_a_call_is_an_error_at_its_line() {
        let (body, errors) = errors("Text.\n\n{{ note(text=\"*very* important\") }}\n");
        assert!(body.shortcodes.is_empty());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("p.md:7: error: this shortcode has Markdown formatting"),
            "{errors:?}"
        );
        let (_, errors) = self::errors("{{ a() }} and *b*\n\n*{{ a() }}*\n");
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn a_bad_call_is_an_error_at_its_line() {
        let (_, errors) = errors("\n\n{{ Age-Limits() }}\n\n{{ age_limits( }}\n");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("p.md:7: error: \"Age-Limits\" is not a shortcode name"));
        assert!(errors[1].starts_with("p.md:9: error: the shortcode age_limits( is not closed"));
    }
}
