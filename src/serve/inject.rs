//! What the preview adds to each HTML page it serves (never to a built
//! site): the script that reloads the page after a rebuild, and, while the
//! latest edit has errors, an overlay listing them.

use pulldown_cmark_escape::escape_html;

use crate::diagnostics::Diagnostic;

/// The reserved folder for the preview's own files; no site file is served from it.
pub const RESERVED: &str = "/__policyweb/";
/// Where the reload script is served.
pub const SCRIPT_PATH: &str = "/__policyweb/preview.js";
/// Where the overlay's stylesheet is served.
pub const STYLE_PATH: &str = "/__policyweb/preview.css";
/// The reload script.
pub const SCRIPT: &str = include_str!("preview.js");
/// The overlay's stylesheet.
pub const STYLE: &str = include_str!("preview.css");

/// `html` with the reload script (which knows the `generation` it was
/// served from) and, when there are `errors`, the overlay that shows them.
pub fn page(html: &[u8], generation: u64, errors: &[Diagnostic]) -> Vec<u8> {
    let script = script_tag(generation);
    let script_at = rfind_ci(html, b"</body").unwrap_or(html.len());
    let overlay_at = body_start(html)
        .filter(|&at| at <= script_at)
        .unwrap_or(script_at);
    let mut out = Vec::with_capacity(html.len() + script.len() + 1024);
    out.extend_from_slice(&html[..overlay_at]);
    if !errors.is_empty() {
        out.extend_from_slice(overlay(errors, LAST_GOOD).as_bytes());
    }
    out.extend_from_slice(&html[overlay_at..script_at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[script_at..]);
    out
}

/// Just after the `<body ...>` tag.
fn body_start(html: &[u8]) -> Option<usize> {
    let start = find_ci(html, b"<body")?;
    let end = html[start..].iter().position(|&b| b == b'>')?;
    Some(start + end + 1)
}

/// The page served for every address while the site has never built.
pub fn error_page(generation: u64, errors: &[Diagnostic]) -> Vec<u8> {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Preview: the site has errors</title>\n</head>\n<body>\n{}\
         <main id=\"pw-main\" tabindex=\"-1\">\n<h1>The site has not built yet</h1>\n\
         <p>Fix the errors listed and save: this page reloads by itself.</p>\n</main>\n{}</body>\n</html>\n",
        overlay(errors, NEVER_BUILT),
        script_tag(generation)
    )
    .into_bytes()
}

const LAST_GOOD: &str = "This preview still shows the last version of the site that built. \
     Fix the errors and save: the page reloads by itself.";
const NEVER_BUILT: &str = "There is nothing to show until they are fixed.";

fn script_tag(generation: u64) -> String {
    format!("<script src=\"{SCRIPT_PATH}\" data-generation=\"{generation}\"></script>\n")
}

fn overlay(errors: &[Diagnostic], note: &str) -> String {
    let count = match errors.len() {
        1 => "1 error".to_string(),
        n => format!("{n} errors"),
    };
    let mut html = format!(
        "<link rel=\"stylesheet\" href=\"{STYLE_PATH}\">\n\
         <div id=\"pw-preview-errors\" class=\"pw-preview-errors\" role=\"alert\" tabindex=\"-1\" \
         aria-labelledby=\"pw-preview-errors-title\">\n\
         <h2 id=\"pw-preview-errors-title\">The site has {count}</h2>\n<p>{note}</p>\n<ul>\n"
    );
    for error in errors {
        let place = match error.line {
            Some(line) => format!("{}:{line}", error.path.display()),
            None => error.path.display().to_string(),
        };
        html.push_str("<li><code>");
        let _ = escape_html(&mut html, &place);
        html.push_str("</code>: ");
        let _ = escape_html(&mut html, &error.message);
        html.push_str("</li>\n");
    }
    html.push_str(
        "</ul>\n<p><button type=\"button\" data-pw-dismiss>Dismiss</button> \
         (or press Escape)</p>\n</div>\n",
    );
    html
}

fn find_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

fn rfind_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn adds_the_script_before_the_body_ends() {
        let html = b"<html><body class=\"page\"><p>Hi</p></BODY></html>";
        assert_eq!(
            text(page(html, 7, &[])),
            "<html><body class=\"page\"><p>Hi</p>\
             <script src=\"/__policyweb/preview.js\" data-generation=\"7\"></script>\n</BODY></html>"
        );
        let bare = text(page(b"<p>Hi</p>", 1, &[]));
        assert!(bare.starts_with("<p>Hi</p><script"), "{bare}");
        let errors = [Diagnostic::error(Path::new("a.md"), Some(1), "x")];
        let bodyless = text(page(b"<!DOCTYPE html><p>Hi</p>", 1, &errors));
        assert!(
            bodyless.starts_with("<!DOCTYPE html><p>Hi</p><link"),
            "{bodyless}"
        );
    }

    #[test]
    fn shows_errors_escaped_at_the_top_of_the_body() {
        let errors = [
            Diagnostic::error(Path::new("policies/a.md"), Some(14), "unknown <b> & \"x\""),
            Diagnostic::error(Path::new("site.toml"), None, "broken"),
        ];
        let out = text(page(b"<body>\n<main>M</main>\n</body>", 3, &errors));
        let overlay = out.find("role=\"alert\"").unwrap();
        assert!(overlay < out.find("<main>").unwrap());
        assert!(out.contains("The site has 2 errors"));
        assert!(
            out.contains(
                "<li><code>policies/a.md:14</code>: unknown &lt;b&gt; &amp; &quot;x&quot;</li>"
            ),
            "{out}"
        );
        assert!(out.contains("<li><code>site.toml</code>: broken</li>"));
        assert!(out.contains("<button type=\"button\" data-pw-dismiss>Dismiss</button>"));
        assert!(out.find("data-generation").unwrap() > out.find("</main>").unwrap());
    }

    #[test]
    fn the_never_built_page_lists_the_errors() {
        let errors = [Diagnostic::error(Path::new("site.toml"), Some(2), "bad")];
        let out = text(error_page(5, &errors));
        assert!(out.contains("<code>site.toml:2</code>: bad"));
        assert!(out.contains("data-generation=\"5\""));
        assert!(out.contains("There is nothing to show"));
    }
}
