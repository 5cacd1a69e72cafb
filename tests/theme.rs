//! The default theme's promises, checked on built fixture sites: the school's
//! logo and colour in the header, the accessibility statement in every footer,
//! icons that assistive technology skips, the audience switcher's fallback
//! links, and nothing fetched from another host. (Browser checks: tests/browser.)

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use walkdir::WalkDir;

const POLICY: &str = r#"+++
title = "Online Safety Policy"
id = "online-safety"
summary = "How we keep children safe online."
audiences = ["staff", "parents", "pupils"]
review = "2020-01-01"

[summaries]
parents = "Talk with your child about what they do online."
+++

## Purpose

Everyone helps keep children safe online. See the [guidance](https://www.example.org/guidance).

## Filtering {audience=staff}

The school filters its network.

## At home {audience=parents}

Set up parental controls.

## Telling someone {audience=pupils}

Tell a grown-up.
"#;

const STATEMENT: &str =
    "+++\ntitle = \"Accessibility statement\"\n+++\n\n## Compliance status\n\nFully compliant.\n";

/// A site in a temporary folder: site.toml's extra lines, one policy, an
/// accessibility statement, and (when `logo` is set) a logo file.
fn site(extra_toml: &str, logo: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("site.toml"),
        format!("school = \"Larchfield School\"\n{extra_toml}"),
    )
    .unwrap();
    fs::create_dir_all(root.join("policies")).unwrap();
    fs::write(root.join("policies/online-safety.md"), POLICY).unwrap();
    fs::create_dir_all(root.join("pages")).unwrap();
    fs::write(root.join("pages/accessibility.md"), STATEMENT).unwrap();
    if let Some(logo) = logo {
        let path = root.join(logo);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(
            path,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"/>",
        )
        .unwrap();
    }
    dir
}

fn build(root: &Path) -> (Output, PathBuf) {
    let out = root.join("public");
    let output = Command::new(env!("CARGO_BIN_EXE_policyweb"))
        .arg("build")
        .arg(root)
        .arg("--out")
        .arg(&out)
        .args(["--today", "2026-11-21"])
        .output()
        .unwrap();
    (output, out)
}

fn built(root: &Path) -> PathBuf {
    let (output, out) = build(root);
    assert!(
        output.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// Every HTML page of a built site, as (path relative to the site, text).
fn pages(out: &Path) -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = WalkDir::new(out)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    assert!(pages.len() > 5, "too few pages: {}", pages.len());
    pages.sort();
    pages
}

/// The relative way from a page at `rel` back to the site's root.
fn root_of(rel: &str) -> String {
    "../".repeat(rel.matches('/').count())
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn logo_and_brand_colour_appear_in_every_header() {
    let dir = site(
        "logo = \"theme/images/crest.svg\"\nbrand_colour = \"#0B3D2E\"\n",
        Some("theme/images/crest.svg"),
    );
    let out = built(dir.path());
    assert!(
        out.join("theme/images/crest.svg").is_file(),
        "the logo is published"
    );
    for (rel, html) in pages(&out).iter().filter(|(rel, _)| rel != "404.html") {
        let root = root_of(rel);
        assert!(
            html.contains(&format!(
                "<a class=\"site-name\" href=\"{root}index.html\"><img class=\"site-logo\" src=\"{root}theme/images/crest.svg\" alt=\"\">"
            )),
            "{rel}: no logo in the header link"
        );
        assert!(
            html.contains("<style>:root { --brand: #0b3d2e; }</style>"),
            "{rel}"
        );
        assert!(
            html.contains("<meta name=\"theme-color\" content=\"#0b3d2e\">"),
            "{rel}"
        );
        assert!(
            html.contains(&format!(
                "<link rel=\"icon\" href=\"{root}theme/images/crest.svg\">"
            )),
            "{rel}"
        );
    }
}

#[test]
fn without_branding_the_header_has_the_name_only_and_the_default_icon() {
    let dir = site("", None);
    let out = built(dir.path());
    assert!(out.join("theme/favicon.svg").is_file());
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!home.contains("site-logo"));
    assert!(!home.contains("<style>"));
    assert!(!home.contains("theme-color"));
    assert!(home.contains("<link rel=\"icon\" href=\"theme/favicon.svg\">"));
    assert!(home.contains("<span class=\"site-school\">Larchfield School</span>"));
}

#[test]
fn light_brand_colour_builds_with_a_warning_naming_site_toml_and_line() {
    let dir = site("\nbrand_colour = \"#4a90d9\"\n", None);
    let (output, out) = build(dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    let line = err
        .lines()
        .find(|l| l.contains("brand_colour"))
        .unwrap_or_else(|| panic!("no warning in: {err}"));
    assert!(
        line.ends_with(
            "site.toml:3: warning: brand_colour \"#4a90d9\" has a contrast of 3.34:1 with the \
             header's white text; WCAG AA needs at least 4.5:1, or some readers cannot read \
             the school's name (a darker shade such as \"#3e78b6\" passes) [contrast]"
        ),
        "{line}"
    );
    assert!(out.join("index.html").is_file());
}

#[test]
fn check_strict_fails_on_a_light_brand_colour() {
    let dir = site("brand_colour = \"#ffcc00\"\n", None);
    let output = Command::new(env!("CARGO_BIN_EXE_policyweb"))
        .arg("check")
        .arg(dir.path())
        .args(["--today", "2026-11-21", "--strict"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("site.toml:2: warning: brand_colour \"#ffcc00\""));
}

#[test]
fn bad_logo_and_colour_are_errors_and_nothing_is_published() {
    let dir = site(
        "logo = \"theme/crest.svg\"\nbrand_colour = \"navy\"\n",
        None,
    );
    let (output, out) = build(dir.path());
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("site.toml:2: error: logo \"theme/crest.svg\" does not exist"),
        "{err}"
    );
    assert!(
        err.contains(
            "site.toml:3: error: brand_colour \"navy\" must be a hex colour such as \"#1d4f91\""
        ),
        "{err}"
    );
    assert!(!out.exists(), "a failed build publishes nothing");
}

#[test]
fn every_page_has_a_skip_link_and_the_accessibility_statement_in_its_footer() {
    let dir = site("", None);
    let out = built(dir.path());
    for (rel, html) in pages(&out).iter().filter(|(rel, _)| rel != "404.html") {
        let root = root_of(rel);
        assert!(
            html.contains("<a class=\"skip-link\" href=\"#pw-main\">Skip to main content</a>")
                && html.contains("<main id=\"pw-main\""),
            "{rel}: skip link"
        );
        let footer = &html[html
            .find("<footer")
            .unwrap_or_else(|| panic!("{rel}: no footer"))..];
        let link = format!(
            "<a class=\"footer-access-link\" href=\"{root}accessibility/index.html\">Accessibility statement</a>"
        );
        assert!(footer.contains(&link), "{rel}: {footer}");
        assert_eq!(
            footer.matches("accessibility/index.html").count(),
            1,
            "{rel}: the statement is linked once, prominently"
        );
    }
}

#[test]
fn without_a_statement_the_footer_offers_no_broken_link() {
    let dir = site("", None);
    fs::remove_file(dir.path().join("pages/accessibility.md")).unwrap();
    let out = built(dir.path());
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!home.contains("footer-access"));
    assert!(!home.contains("accessibility/index.html"));
}

#[test]
fn icons_are_decorative_beside_visible_text_and_pictures_are_named() {
    let dir = site("", None);
    let out = built(dir.path());
    for (rel, html) in pages(&out) {
        for svg in html.split("<svg").skip(1) {
            let tag = &svg[..svg.find('>').unwrap()];
            // Decorative, or a picture with a text alternative (the review timeline).
            let decorative = tag.contains("aria-hidden=\"true\"");
            let named = tag.contains("role=\"img\"")
                && (tag.contains("aria-labelledby=\"") || tag.contains("aria-label=\""));
            assert!(decorative || named, "{rel}: <svg{tag}>");
        }
    }
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    for (id, text) in [
        ("staff", "I am a member of staff or a volunteer"),
        ("parents", "I am a parent or carer"),
        ("pupils", "I am a pupil"),
        ("governors", "I am a governor"),
    ] {
        let card = home
            .split(&format!(
                "<a class=\"audience-card audience-{id}\" href=\"for/{id}/index.html\">"
            ))
            .nth(1)
            .unwrap_or_else(|| panic!("no card for {id}"));
        let card = &card[..card.find("</a>").unwrap()];
        assert!(
            card.contains(&format!("class=\"icon icon-{id}\"")),
            "{id}: {card}"
        );
        assert!(
            card.contains(&format!(
                "<span class=\"audience-card-title\">{text}</span>"
            )),
            "{id}"
        );
    }
    // The review status badge says its status in words, next to its icon.
    assert!(home.contains("<span class=\"status status-overdue\"><svg class=\"status-icon\""));
    assert!(home.contains("</svg>Overdue</span>"));
}

#[test]
fn audience_switcher_is_links_to_the_filtered_pages_until_javascript_runs() {
    let dir = site("", None);
    let out = built(dir.path());
    let policy = fs::read_to_string(out.join("policies/online-safety/index.html")).unwrap();
    let nav = &policy[policy
        .find("<nav class=\"audience-switcher\"")
        .expect("a switcher")..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    for id in ["staff", "parents", "pupils"] {
        let link =
            format!("href=\"../../for/{id}/online-safety/index.html\" data-audience=\"{id}\"");
        assert!(nav.contains(&link), "{nav}");
        assert!(
            out.join(format!("for/{id}/online-safety/index.html"))
                .is_file()
        );
    }
    assert!(
        !nav.contains("governors"),
        "governors are not addressed: {nav}"
    );
    assert!(
        policy.contains(
            "<section id=\"filtering\" class=\"policy-section\" data-audiences=\"staff\">"
        )
    );
    // The summaries carry the audience the script filters them by.
    assert!(policy.contains("<div class=\"summary\" data-audience=\"parents\">"));
    // A filtered page has no switcher, and says whose view it is.
    let view = fs::read_to_string(out.join("for/parents/online-safety/index.html")).unwrap();
    assert!(!view.contains("audience-switcher"));
    assert!(
        view.contains("This is the part of the policy for <strong>Parents and carers</strong>.")
    );
}

#[test]
fn nothing_is_fetched_from_another_host() {
    let dir = site("", None);
    let out = built(dir.path());
    for (rel, html) in pages(&out).iter().filter(|(rel, _)| rel != "404.html") {
        for attr in [
            "src=\"",
            "<link rel=\"stylesheet\" href=\"",
            "<link rel=\"icon\" href=\"",
        ] {
            for value in html.split(attr).skip(1) {
                assert!(
                    !value.starts_with("http") && !value.starts_with("//"),
                    "{rel}: {attr}{}",
                    &value[..value.find('"').unwrap()]
                );
            }
        }
    }
    let css = fs::read_to_string(out.join("theme/style.css")).unwrap();
    assert!(
        !css.contains("@import") && !css.contains("url("),
        "the stylesheet loads nothing"
    );
    assert!(!css.contains("@font-face"), "no web fonts");
    let js = fs::read_to_string(out.join("theme/policyweb.js")).unwrap();
    for call in ["fetch(", "XMLHttpRequest", "import(", "http"] {
        assert!(!js.contains(call), "the script fetches nothing: {call}");
    }
}
