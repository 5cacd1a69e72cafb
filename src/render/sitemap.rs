//! `sitemap.xml`: the absolute address of every page, for search engines,
//! written only when the site has a base_url.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

/// Where the sitemap is written.
pub const PATH: &str = "sitemap.xml";

const NAMESPACE: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// The sitemap of the pages at `paths` (output paths such as
/// `policies/x/index.html`), as sorted pretty URLs under `base`.
pub fn xml(base: &str, paths: &[String]) -> String {
    let mut urls: Vec<String> = paths.iter().map(|p| url(base, p)).collect();
    urls.sort();
    urls.dedup();
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let written = write(&mut writer, &urls);
    let mut text = String::from_utf8(writer.into_inner()).unwrap_or_default();
    if written.is_err() {
        // Writing to memory cannot fail; keep the output well-formed regardless.
        text.clear();
    }
    text.push('\n');
    text
}

fn write(writer: &mut Writer<Vec<u8>>, urls: &[String]) -> io::Result<()> {
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("urlset")
        .with_attribute(("xmlns", NAMESPACE))
        .write_inner_content(|w| {
            for url in urls {
                w.create_element("url").write_inner_content(|w| {
                    w.create_element("loc")
                        .write_text_content(BytesText::new(url))?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(())
}

/// The pretty address of the page written at `path`: `index.html` files are
/// named by their folder (`policies/x/index.html` is `BASE/policies/x/`).
pub fn url(base: &str, path: &str) -> String {
    let pretty = match path.strip_suffix("index.html") {
        Some(folder) if folder.is_empty() || folder.ends_with('/') => folder,
        _ => path,
    };
    format!("{base}{pretty}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_urls() {
        let base = "https://x.sch.uk/p/";
        let cases = [
            ("index.html", "https://x.sch.uk/p/"),
            ("policies/a/index.html", "https://x.sch.uk/p/policies/a/"),
            ("for/staff/a/index.html", "https://x.sch.uk/p/for/staff/a/"),
            ("notindex.html", "https://x.sch.uk/p/notindex.html"),
        ];
        for (path, expected) in cases {
            assert_eq!(url(base, path), expected);
        }
    }

    #[test]
    fn escapes_and_sorts() {
        let text = xml(
            "https://x.sch.uk/a&b/",
            &["reviews/index.html".into(), "index.html".into()],
        );
        assert_eq!(
            text,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  \
             <url>\n    <loc>https://x.sch.uk/a&amp;b/</loc>\n  </url>\n  \
             <url>\n    <loc>https://x.sch.uk/a&amp;b/reviews/</loc>\n  </url>\n\
             </urlset>\n"
        );
    }
}
