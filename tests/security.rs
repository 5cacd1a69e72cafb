//! Attacks from every place a source can write: each builds a site of its
//! own and parses every page it publishes with html5ever (the HTML5
//! tokenizer a browser uses) to check that no script element came from
//! content, no element carries an event handler, no URL attribute holds a
//! script or data address, no control character is published and no
//! marker was forged; and that the build said what it removed.

mod support;

use std::cell::RefCell;
use std::path::Path;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, StartTag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer,
    TokenizerOpts,
};
use policyweb::urls;
use support::{Site, tree};

/// The site's own script, the only one a page may load.
/// The scripts policyweb itself loads: the theme's on every page, and the
/// search page's engine, records (beside it) and own script.
const OWN_SCRIPTS: &[&str] = &[
    "theme/policyweb.js",
    "theme/minisearch.js",
    "theme/search.js",
];

/// What the tokenizer found wrong in one page.
#[derive(Default)]
struct Audit {
    problems: RefCell<Vec<String>>,
}

/// Whether `src` is one of policyweb's own scripts.
fn own_script(src: &str) -> bool {
    src == "index.js" || OWN_SCRIPTS.iter().any(|own| src.ends_with(own))
}

impl TokenSink for Audit {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let mut problems = self.problems.borrow_mut();
        match token {
            TagToken(tag) if tag.kind == StartTag => {
                let name = tag.name.to_string();
                if name == "script"
                    && !tag
                        .attrs
                        .iter()
                        .any(|a| &*a.name.local == "src" && own_script(&a.value))
                {
                    problems.push(format!("line {line}: a script element"));
                }
                for attribute in &tag.attrs {
                    let key = attribute.name.local.to_string();
                    let value = attribute.value.to_string();
                    if key.starts_with("on") {
                        problems.push(format!("line {line}: <{name} {key}=…>"));
                    }
                    let urls: Vec<&str> = if key.ends_with("srcset") {
                        urls::srcset_urls(&value).collect()
                    } else if matches!(
                        key.as_str(),
                        "href" | "src" | "action" | "formaction" | "poster" | "data" | "cite"
                    ) {
                        vec![value.as_str()]
                    } else {
                        vec![]
                    };
                    for url in urls {
                        // The site's own calendar subscription.
                        let own = url.starts_with("webcal://example.org/");
                        if !urls::is_safe(url) && !own {
                            problems.push(format!("line {line}: <{name} {key}={url:?}>"));
                        }
                    }
                    if forbidden(&value) {
                        problems.push(format!("line {line}: <{name} {key}={value:?}>"));
                    }
                }
            }
            CharacterTokens(text) if forbidden(&text) => {
                problems.push(format!("line {line}: text {:?}", &*text));
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Whether `text` holds a control character no output may hold, or a marker character.
fn forbidden(text: &str) -> bool {
    urls::first_forbidden_control(text).is_some() || text.contains(['\u{E000}', '\u{E001}'])
}

/// What is wrong with the page `html`.
fn audit(html: &str) -> Vec<String> {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(html));
    let tokenizer = Tokenizer::new(Audit::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.problems.into_inner()
}

/// Every problem in every file the site published.
fn audit_site(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let public = root.join("public");
    if !public.exists() {
        return problems;
    }
    for (path, bytes) in tree(&public) {
        let text = String::from_utf8_lossy(&bytes);
        let name = path.display().to_string();
        if name.ends_with(".html") {
            problems.extend(audit(&text).into_iter().map(|p| format!("{name}: {p}")));
        } else if forbidden(&text) {
            problems.push(format!("{name}: a control or marker character"));
        }
    }
    problems
}

const SITE_TOML: &str = "school = \"Attack Academy\"\nbase_url = \"https://example.org/\"\n\
     allow_html = [\"iframe\", \"a\", \"img\", \"video\", \"form\", \"button\", \"object\", \"svg\", \"input\"]\n";

/// A policy with `front` extra front matter and `body`.
fn policy(front: &str, body: &str) -> String {
    format!("+++\ntitle = \"Target\"\nid = \"target\"\n{front}+++\n\n## Section\n\n{body}\n")
}

/// Builds a one-policy site; returns its exit code, diagnostics and the problems found.
fn attack(front: &str, body: &str) -> (i32, String, Vec<String>) {
    let site = Site::new(&[
        ("site.toml", SITE_TOML),
        ("policies/target.md", &policy(front, body)),
    ]);
    let run = site.build(&[]);
    let problems = audit_site(site.root());
    (run.code, run.stderr, problems)
}

/// Attacks in the body: (input, words the build must say).
const BODY_ATTACKS: &[(&str, &str)] = &[
    ("<script>alert(1)</script>", "<script> is shown as text"),
    (
        "<img src=https://example.org/x.png onerror=alert(1)>",
        "removed onerror",
    ),
    ("[a](javascript:alert(1))", "a javascript: address"),
    ("[a](JaVaScRiPt:alert(1))", "a javascript: address"),
    ("[a](java&#x09;script:alert(1))", "a javascript: address"),
    ("[a](&#x6A;avascript:alert(1))", "a javascript: address"),
    ("[a](<java\tscript:alert(1)>)", ""),
    ("[a](vbscript:msgbox(1))", "a vbscript: address"),
    ("[a](data:text/html,x)", "a data: address"),
    ("[a]\n\n[a]: javascript:alert(1)", "a javascript: address"),
    ("![i](javascript:alert(1))", "image with a script"),
    (
        "<a href=\"&#x00000006A;avascript:alert(1)\">a</a>",
        "removed href",
    ),
    (
        "<a href=\"&#00000000106;avascript:alert(1)\">a</a>",
        "removed href",
    ),
    (
        "<a href=\"jav&NewLine;ascript:alert(1)\">a</a>",
        "removed href",
    ),
    (
        "<a href=\"&#x6a&#x61vascript:alert(1)\">a</a>",
        "removed href",
    ),
    ("<a href=\"&#1;javascript:alert(1)\">a</a>", "removed href"),
    ("<a href=\"java&#1;script:alert(1)\">a</a>", "removed href"),
    (
        "<a href=\"&#x20;&#x0;javascript:alert(1)\">a</a>",
        "removed href",
    ),
    ("<a href=\"data&colon;text/html,x\">a</a>", "removed href"),
    ("<a href=javascript:alert(1)>a</a>", "removed href"),
    (
        "<img srcset=\"a.png 1x, javascript:alert(1) 2x\">",
        "removed srcset",
    ),
    (
        "<video poster=\"javascript:alert(1)\"></video>",
        "removed poster",
    ),
    (
        "<form action=\"javascript:alert(1)\"><button formaction=\"JAVASCRIPT:x\">b</button></form>",
        "removed action",
    ),
    (
        "<object data=\"data:text/html,x\"></object>",
        "removed data",
    ),
    (
        "<svg><a xlink:href=\"javascript:alert(1)\">s</a></svg>",
        "removed xlink:href",
    ),
    (
        "<iframe src=\"java&Tab;script&colon;alert(1)\"></iframe>",
        "removed src",
    ),
    (
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "removed srcdoc",
    ),
    ("<input onfocus=alert(1) autofocus>", "removed onfocus"),
    // Marker forgery, in every form a marker could arrive.
    ("Forged &#xE000;root:../../evil&#xE001; text", ""),
    ("[x](%EE%80%80root:../../evil%EE%80%81)", ""),
    ("[x](%ee%80%80shortcode:0%ee%80%81)", ""),
    (
        "[x](https://example.org \"&#xE000;shortcode:0&#xE001;\")",
        "",
    ),
    ("<abbr title=\"&#xE000;shortcode:0&#xE001;\">x</abbr>", ""),
    ("<details>%EE%80%80root:x%EE%80%81</details>", ""),
    // Control characters through character references.
    ("Bell &#7; here", "control character (U+0007)"),
    (
        "<abbr title=\"a&#1;b\">x</abbr>",
        "control character (U+0001)",
    ),
    ("`code &#27;` and &#x7F; and &#x85;", ""),
    // Breakouts from headings, ids, titles and alt text.
    ("### A \" onmouseover=\"alert(1) {.x\"onclick=\"y}", ""),
    (
        "![\" onerror=\"alert(1)](https://example.org/a.png \"\\\" onload=\\\"x\")",
        "",
    ),
    ("[t](https://example.org \"\\\" onclick=\\\"x\")", ""),
];

#[test]
fn no_body_attack_publishes_script_or_a_forged_marker() {
    let mut failures = Vec::new();
    for (body, said) in BODY_ATTACKS {
        let (code, stderr, problems) = attack("", body);
        if !problems.is_empty() {
            failures.push(format!("{body:?} published: {problems:#?}"));
        }
        if !said.is_empty() && !stderr.contains(said) {
            failures.push(format!(
                "{body:?}: the build did not say {said:?}:\n{stderr}"
            ));
        }
        if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
            failures.push(format!("{body:?} panicked:\n{stderr}"));
        }
        // A forged marker that survives as text in an address is a link to
        // nowhere, which the link check refuses: nothing is published.
        let refused = stderr.contains("leads nowhere") && stderr.contains("%EF%BF%BD");
        if code != 0 && !refused {
            failures.push(format!(
                "{body:?}: exit code {code} (nothing published to check):\n{stderr}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn forged_markers_leave_no_link_or_path() {
    for body in [
        "[x](%EE%80%80root:../../evil%EE%80%81)",
        "Forged &#xE000;root:../../evil&#xE001; text",
        "<details>%EE%80%80root:../../evil%EE%80%81</details>",
    ] {
        let site = Site::new(&[
            ("site.toml", SITE_TOML),
            ("policies/target.md", &policy("", body)),
        ]);
        let run = site.build(&[]);
        if run.code == 0 {
            let page = site.page("policies/target/index.html");
            assert!(
                page.contains("\u{FFFD}root:../../evil")
                    || page.contains("%EF%BF%BDroot:../../evil"),
                "{body}: {page}"
            );
            assert!(
                !page.contains("evil\""),
                "{body}: a forged marker became a link"
            );
        } else {
            // The marker's bytes were replaced, so the link is to a file
            // of that odd name beside the page, which does not exist.
            assert!(
                run.stderr
                    .contains("link \"%EF%BF%BDroot:../../evil%EF%BF%BD\" leads nowhere"),
                "{body}: {}",
                run.stderr
            );
        }
    }
}

#[test]
fn unsafe_related_links_are_errors_however_spelled() {
    for url in [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\\tscript:alert(1)",
        "\\u0001javascript:alert(1)",
        "vbscript:x",
        "data:text/html,x",
        "file:///etc/passwd",
    ] {
        let front = format!("related = [{{ title = \"LA\", url = \"{url}\" }}]\n");
        let (code, stderr, problems) = attack(&front, "Text.");
        assert_eq!(code, 1, "{url}: {stderr}");
        assert!(
            stderr.contains("policies/target.md:4: error:"),
            "{url}: {stderr}"
        );
        assert!(problems.is_empty(), "{url}: {problems:?}");
    }
    let (code, stderr, _) = attack(
        "related = [{ title = \"LA\", url = \"https://la.example/x\" }]\n",
        "Text.",
    );
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn toml_escapes_for_control_and_marker_characters_are_errors_at_their_line() {
    for (front, word) in [
        ("summary = \"a\\u0007b\"\n", "U+0007"),
        ("summary = \"a\\rb\"\n", "U+000D"),
        ("summary = \"\\uE000root:x\\uE001\"\n", "U+E000"),
    ] {
        let (code, stderr, problems) = attack(front, "Text.");
        assert_eq!(code, 1, "{front}: {stderr}");
        assert!(
            stderr.contains("policies/target.md:4: error:") && stderr.contains(word),
            "{front}: {stderr}"
        );
        assert!(problems.is_empty(), "{front}: {problems:?}");
    }
    let site = Site::new(&[
        (
            "site.toml",
            "school = \"A\\u0001cademy\"\nbase_url = \"https://example.org/\"\n",
        ),
        ("policies/target.md", &policy("", "Text.")),
    ]);
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("site.toml:1: error:") && run.stderr.contains("U+0001"),
        "{}",
        run.stderr
    );
}

#[test]
fn control_characters_from_references_are_replaced_and_reported() {
    let site = Site::new(&[
        ("site.toml", SITE_TOML),
        (
            "policies/target.md",
            &policy("", "Bell &#7; here.\n\nAnd &#x1B;[31m there."),
        ),
    ]);
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("policies/target.md:8: warning: an invisible control character (U+0007)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("policies/target.md:10: warning"),
        "{}",
        run.stderr
    );
    let page = site.page("policies/target/index.html");
    assert!(page.contains("Bell \u{FFFD} here."), "{page}");
    assert!(audit_site(site.root()).is_empty());
}

#[test]
fn footnotes_citing_footnotes_build_and_link_on_every_view() {
    let body = "Claim.[^a] Other.[^a.b] And.[^a-b]\n\n\
                ## Staff only {audience=staff}\n\nStaff claim.[^c]\n\n\
                [^a]: See also[^b].\n[^b]: And back to[^a].\n[^a.b]: Dotted.\n[^a-b]: Hyphened.\n\
                [^c]: Staff note, citing[^d].\n[^d]: Deeper.\n";
    let site = Site::new(&[
        ("site.toml", SITE_TOML),
        ("policies/target.md", &policy("", body)),
    ]);
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.page("policies/target/index.html");
    for id in ["fn-a", "fn-b", "fn-ab", "fn-a-b", "fn-c", "fn-d"] {
        assert!(page.contains(&format!("id=\"{id}\"")), "{id}: {page}");
        assert!(page.contains(&format!("href=\"#{id}\"")), "{id}: {page}");
    }
    let parents = site.page("for/parents/target/index.html");
    assert!(
        !parents.contains("id=\"fn-d\""),
        "a note of a staff-only note: {parents}"
    );
    assert!(support::broken_links(&site.root().join("public")).is_empty());
}
