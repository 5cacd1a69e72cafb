//! Fenced code blocks, highlighted with syntect into CSS classes.
//!
//! The syntax definitions are loaded the first time a page has a code block,
//! and only then; the theme's `syntax.css` colours the `hl-` classes, so that
//! highlighting follows light and dark mode and keeps its contrast.

use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use pulldown_cmark_escape::escape_html;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxDefinition, SyntaxReference, SyntaxSet, SyntaxSetBuilder};
use syntect::util::LinesWithEndings;

use super::Item;

/// The syntax definitions, loaded by the first code block.
static SYNTAXES: OnceLock<Syntaxes> = OnceLock::new();

/// syntect's default syntaxes, and TOML (which they lack and policy sites
/// use most) in a set of its own: adding it to the defaults would make
/// syntect serialise and compress every default syntax again, which took
/// most of the example site's build.
struct Syntaxes {
    defaults: SyntaxSet,
    toml: SyntaxSet,
}

impl Syntaxes {
    /// The syntax for a code block's language, and the set it belongs to.
    fn find(&self, lang: &str) -> Option<(&SyntaxSet, &SyntaxReference)> {
        [&self.toml, &self.defaults]
            .into_iter()
            .find_map(|set| set.find_syntax_by_token(lang).map(|syntax| (set, syntax)))
    }
}

fn syntaxes() -> &'static Syntaxes {
    SYNTAXES.get_or_init(|| {
        let mut toml = SyntaxSetBuilder::new();
        if let Ok(syntax) =
            SyntaxDefinition::load_from_str(include_str!("toml.sublime-syntax"), true, None)
        {
            toml.add(syntax);
        }
        Syntaxes {
            defaults: SyntaxSet::load_defaults_newlines(),
            toml: toml.build(),
        }
    })
}

/// Whether this process has loaded the syntax definitions (it does so only
/// for a page with a code block in a known language; loading takes tens of
/// milliseconds and several MiB).
pub fn syntaxes_loaded() -> bool {
    SYNTAXES.get().is_some()
}

/// Replaces each code block's events with one HTML event; returns whether there were any.
pub(super) fn highlight_blocks(events: Vec<Item<'_>>) -> (Vec<Item<'_>>, bool) {
    let mut out = Vec::with_capacity(events.len());
    let mut block: Option<(String, String, usize)> = None;
    let mut found = false;
    for (event, line) in events {
        match (&mut block, event) {
            (None, Event::Start(Tag::CodeBlock(kind))) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                block = Some((lang, String::new(), line));
            }
            (Some((_, code, _)), Event::Text(text)) => code.push_str(&text),
            (Some(_), Event::End(TagEnd::CodeBlock)) => {
                if let Some((lang, code, line)) = block.take() {
                    found = true;
                    out.push((Event::Html(render(&code, &lang).into()), line));
                }
            }
            (Some(_), _) => {}
            (None, event) => out.push((event, line)),
        }
    }
    (out, found)
}

/// One highlighted block: `<pre class="code" data-lang="toml"><code>…</code></pre>`.
pub fn render(code: &str, lang: &str) -> String {
    let mut html = String::with_capacity(code.len() * 2);
    let lang = lang.trim().to_ascii_lowercase();
    if lang.is_empty() {
        html.push_str("<pre class=\"code\"><code>");
    } else {
        html.push_str("<pre class=\"code\" data-lang=\"");
        let _ = escape_html(&mut html, &lang);
        html.push_str("\"><code>");
    }
    match highlighted(code, &lang) {
        Some(inner) => html.push_str(&inner),
        None => {
            let _ = escape_html(&mut html, code);
        }
    }
    html.push_str("</code></pre>\n");
    html
}

fn highlighted(code: &str, lang: &str) -> Option<String> {
    if lang.is_empty() || lang == "text" || lang == "plain" {
        return None;
    }
    let (syntaxes, syntax) = syntaxes().find(lang)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        syntaxes,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_markdown_are_highlighted() {
        let toml = render("title = \"Behaviour\" # required\n", "toml");
        assert!(toml.contains("data-lang=\"toml\""));
        assert!(toml.contains("hl-string"), "{toml}");
        assert!(toml.contains("hl-comment"), "{toml}");
        let md = render("## Heading {audience=staff}\n", "markdown");
        assert!(md.contains("hl-heading"), "{md}");
        let sh = render("policyweb build content\n", "sh");
        assert!(sh.contains("hl-source"), "{sh}");
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let html = render("<script>alert(1)</script>\n", "nosuchlang");
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("hl-"));
    }
}
