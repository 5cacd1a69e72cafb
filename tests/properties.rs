//! Properties over generated sources: no front matter, Markdown or bytes can
//! make policyweb panic, and the same source always renders to the same
//! bytes. (The fuzz target in fuzz/ explores the same path for longer.)

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use proptest::prelude::*;

use policyweb::config::SiteConfig;
use policyweb::data::SiteData;
use policyweb::diagnostics::Diagnostics;
use policyweb::output::MemorySink;
use policyweb::render::{Templates, render_site};
use policyweb::site::{Site, Sources};
use policyweb::source::{self, page, policy};

/// A policy the generated one may link to.
const OTHER: &str =
    "+++\ntitle = \"Other\"\nid = \"other\"\n+++\n\n## Reporting {audience=staff}\n\nText.\n";

/// The site settings, templates and data (a glossary), made once from files
/// in a temp folder.
static SITE: LazyLock<(SiteConfig, Templates, SiteData)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.toml"),
        "school = \"Prop <School>\"\nbase_url = \"https://example.org/\"\nallow_html = [\"iframe\"]\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(
        dir.path().join("data/glossary.toml"),
        "[[term]]\nterm = \"Designated Safeguarding Lead\"\nabbr = \"DSL\"\ndefinition = \"Leads <on> safety.\"\n\n\
         [[term]]\nterm = \"Heading\"\ndefinition = \"A title & more.\"\n",
    )
    .unwrap();
    let config = SiteConfig::load(dir.path()).unwrap();
    let mut d = Diagnostics::new();
    let templates = Templates::load(dir.path(), &mut d).unwrap();
    let data = SiteData::load(dir.path(), &mut d);
    assert!(!d.has_errors(), "{:?}", d.sorted());
    (config, templates, data)
});

/// Every file a site of the generated policy (and page) renders to, or the
/// diagnostics that stopped it, as text. `reversed` hands the policies to
/// the site in the other order, as another directory listing would.
fn render(
    policy_text: &str,
    page_text: &str,
    reversed: bool,
) -> Result<BTreeMap<String, Vec<u8>>, Vec<String>> {
    let (config, templates, data) = &*SITE;
    let glossary = data.glossary.as_ref().and_then(|g| g.matcher());
    let mut d = Diagnostics::new();
    let mut sources = Sources::default();
    sources.policies.extend(policy::parse(
        Path::new("policies/gen.md"),
        policy_text,
        config,
        glossary,
        &mut d,
    ));
    sources.policies.extend(policy::parse(
        Path::new("policies/other.md"),
        OTHER,
        config,
        glossary,
        &mut d,
    ));
    sources.pages.extend(page::parse(
        Path::new("pages/about.md"),
        page_text,
        &config.allow_html,
        &mut d,
    ));
    if reversed {
        sources.policies.reverse();
    }
    let today = jiff::civil::date(2026, 11, 21);
    let site = Site::assemble(config.clone(), sources, data.clone(), today, &mut d);
    let text = |d: &Diagnostics| d.sorted().iter().map(ToString::to_string).collect();
    if d.has_errors() {
        return Err(text(&d));
    }
    let sink = MemorySink::new();
    render_site(&site, templates, &BTreeMap::new(), &sink).map_err(|d| text(&d))?;
    Ok(sink.into_files())
}

/// Pieces of Markdown that exercise every pass: headings with attributes,
/// lists, quotes, tables, code, footnotes, links, shortcodes and raw HTML.
fn markdown_piece() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "## Heading",
        "# Top",
        "### Sub {audience=staff}",
        "## Tagged {#anchor audience=parents,pupils}",
        "## Bad {#pw-x}",
        "## {audience=all}",
        "- item",
        "  - nested",
        "1. first",
        "> quote",
        ">>>> deep",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "```rust\nfn main() {}\n```",
        "```\nunclosed",
        "    indented code",
        "Text[^a] and[^b]. The DSL and the Designated Safeguarding Lead.",
        "[^a]: A note.",
        "[^b]: Another [^a].",
        "[link](policy:other)",
        "[link](policy:other#reporting)",
        "[bad](policy:nope#x)",
        "[js](javascript:alert(1))",
        "![img](data:text/html,x)",
        "{{ age_limits() }}",
        "{{ unknown(x=1) }}",
        "<details><summary>More</summary>",
        "</details>",
        "<script>alert(1)</script>",
        "<mark>open",
        "</sup>",
        "<!-- comment",
        "-->",
        "<iframe src=\"https://x\" onload=\"y\"></iframe>",
        "<abbr title='a\"b'>A</abbr>",
        "&amp; &lt; &#x27; &bogus;",
        "***",
        "~~strike~~ *em* **strong** `code`",
        "\u{E000}policy:x\u{E001} %EE%80%80root:x%EE%80%81",
        "İı ß ﬁ 👩‍👩‍👧 \u{301}",
        "",
    ])
    .prop_map(str::to_string);
    prop_oneof![4 => fixed, 1 => any::<String>()]
}

fn markdown() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            markdown_piece(),
            prop::sample::select(vec!["\n", "\n\n", " ", ""]),
        ),
        0..24,
    )
    .prop_map(|pieces| pieces.into_iter().map(|(p, sep)| p + sep).collect())
}

/// Front-matter lines: the real keys with valid and invalid values, and noise.
fn front_line() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "summary = \"A <b>summary</b> & \\\"quotes\\\"\"",
        "id = \"gen\"",
        "id = \"Other\"",
        "id = \"other\"",
        "audiences = [\"staff\", \"parents\"]",
        "audiences = [\"parnets\"]",
        "audiences = []",
        "category = \"<script>\"",
        "owner = \"\\u0000\"",
        "approved = \"Summer 2024\"",
        "approved = 2024-06-01",
        "approved = \"Spring\"",
        "review = \"Autumn 1 2026\"",
        "review = \"2026-02-30\"",
        "review_every = \"2 years\"",
        "review_every = \"0 days\"",
        "review_every = \"99999999 years\"",
        "statutory = true",
        "related = [\"other\", { title = \"T\", url = \"https://x\" }]",
        "related = [\"gen\"]",
        "related = [{ title = \"J\", url = \"javascript:x\" }]",
        "[summaries]\nparents = \"Hi\"",
        "[[history]]\ndate = \"2024-01-01\"\nsummary = \"S\"",
        "[[history]]\ndate = \"never\"\nsummary = \"S\"",
        "title = \"Second title\"",
        "unknown = 1",
        "= broken",
        "+++",
    ])
    .prop_map(str::to_string);
    prop_oneof![6 => fixed, 1 => "[ -~]{0,40}"]
}

fn policy_text() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["\"Generated\"", "\"<T> & \\\"q\\\"\"", "\"\"", "3"]),
        prop::collection::vec(front_line(), 0..8),
        markdown(),
    )
        .prop_map(|(title, lines, body)| {
            format!("+++\ntitle = {title}\n{}\n+++\n{body}", lines.join("\n"))
        })
}

/// The tags of a page: each stretch from a `<` to the next `>`. Markup a
/// source wrote as text arrives escaped (`&lt;iframe onload=...&gt;`, say,
/// inside a code span) and is not a tag.
fn tags(html: &str) -> impl Iterator<Item = &str> {
    html.split('<')
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap_or(rest))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_policy_and_page_render_without_panicking_and_in_any_input_order_alike(
        text in policy_text(),
        page_body in markdown(),
    ) {
        let page_text = format!("+++\ntitle = \"Page\"\n+++\n{page_body}");
        let first = render(&text, &page_text, false);
        let second = render(&text, &page_text, true);
        prop_assert_eq!(&first, &second);
        if let Ok(files) = first {
            prop_assert!(files.contains_key("policies/gen/index.html") || files.contains_key("policies/other/index.html"));
        }
    }

    #[test]
    fn any_bytes_decode_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let path = Path::new("policies/bytes.md");
        if let Ok(text) = source::decode(path, &bytes) {
            prop_assert!(!text.contains('\r'));
            prop_assert!(text.is_empty() || text.ends_with('\n'));
            let _ = render(&text, "+++\ntitle = \"P\"\n+++\n", false);
        }
    }

    #[test]
    fn any_markdown_body_renders(body in markdown()) {
        let text = format!("+++\ntitle = \"Body\"\n+++\n{body}");
        let result = render(&text, "+++\ntitle = \"P\"\n+++\n", false);
        if let Ok(files) = result {
            for (path, bytes) in files {
                let html = String::from_utf8_lossy(&bytes);
                prop_assert!(!html.contains("<script>alert"), "{}", path);
                prop_assert!(!tags(&html).any(|tag| tag.contains(" onload=")), "{}", path);
            }
        }
    }
}

/// Found by `any_markdown_body_renders`: a handler written inside a code span
/// is shown as text, and the same handler on an allowed tag is removed.
#[test]
fn a_handler_in_a_code_span_is_text_and_on_an_allowed_tag_is_removed() {
    let text = "+++\ntitle = \"Body\"\n+++\n`a <iframe onload=\"y\"></iframe>`\n\n\
                <iframe src=\"https://x\" onload=\"y\"></iframe>\n";
    let files = render(text, "+++\ntitle = \"P\"\n+++\n", false).unwrap();
    let html = String::from_utf8_lossy(&files["policies/gen/index.html"]);
    assert!(
        html.contains("<code>a &lt;iframe onload=\"y\"&gt;&lt;/iframe&gt;</code>"),
        "{html}"
    );
    assert!(html.contains("<iframe src=\"https://x\""), "{html}");
    assert!(!tags(&html).any(|tag| tag.contains(" onload=")), "{html}");
}
