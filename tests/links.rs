//! Cross-links end to end: fixture sites built by the real binary, every
//! relative link in the output followed on disk, and every broken reference
//! refused with its file and line.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::{Site, attributes, follow_links};

const TODAY: &str = "2026-11-21";

/// Builds `site`, which must succeed; returns its output folder.
fn built(site: &Site) -> PathBuf {
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
    site.root().join("public")
}

/// Builds `site`, which must fail without publishing; returns stderr.
fn build_fails(site: &Site) -> String {
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "build should fail:\n{}", run.stderr);
    assert!(
        !site.root().join("public/index.html").exists(),
        "a failed build published something"
    );
    run.stderr
}

/// `policyweb check`: (exit code, stderr).
fn check(site: &Site) -> (i32, String) {
    let run = site.run(&["check", ".", "--today", TODAY]);
    (run.code, run.stderr)
}

const SITE_TOML: &str = "school = \"Fernhill Test School\"\n";

const ALPHA: &str = r#"+++
title = "Alpha Policy"
summary = "How the alpha rules work."
related = ["beta", { title = "National guidance", url = "https://example.org/guidance" }]
+++

This policy works with [the beta staff rules](policy:beta#for-staff).

## Shared rules {#shared-rules}

Everyone follows these. Staff read [the staff part](#staff-part), and everyone can read [the beta policy](policy:beta) and [how to contact us](page:about#contact).

## Staff part {#staff-part audience=staff}

Staff follow [the shared beta rules](policy:beta#shared) as well.

## For parents {#for-parents audience=parents}

Parents can read [the parents' part of beta](policy:beta#for-parents).
"#;

const BETA: &str = r#"+++
title = "Beta Policy"
audiences = ["staff", "parents"]
+++

## Shared {#shared}

Shared text.

## For staff {#for-staff audience=staff}

Staff text.

## For parents {#for-parents audience=parents}

Parents' text.
"#;

const GAMMA: &str = r#"+++
title = "Gamma Policy"
related = ["alpha"]
+++

## The DSL's role {#role}

The DSL leads; the dsl is not an abbreviation here; the DSL again. [Ask the DSL](policy:alpha) and `DSL` in code, and <abbr title="already marked">DSL</abbr>.

### Deputies {#deputies}

The Deputy Designated Safeguarding Lead helps the designated safeguarding lead and the DSL.

## Other {#other}

Nothing here but DSLs and XLADO and LADOs.
"#;

const ABOUT: &str = r#"+++
title = "About these policies"
+++

Read the [accessibility statement](page:accessibility) or [the alpha staff part](policy:alpha#staff-part).

## Contact {#contact}

Call the office. Back to [contact](#contact).
"#;

const ACCESSIBILITY: &str = r#"+++
title = "Accessibility statement"
+++

We want everyone to be able to read our policies. See [about](page:about).
"#;

const GLOSSARY: &str = r#"[[term]]
term = "Designated Safeguarding Lead"
abbr = "DSL"
definition = "The member of staff who leads on keeping children safe."
link = "policy:beta#for-staff"

[[term]]
term = "Deputy Designated Safeguarding Lead"
definition = "Stands in for the DSL."

[[term]]
term = "Local Authority Designated Officer"
abbr = "LADO"
definition = "The council officer told about concerns about adults."
link = "page:about#contact"

[[term]]
term = "Annual report"
definition = "What the governors publish each year."
link = "https://example.org/report"
"#;

fn fixture() -> Site {
    Site::new(&[
        ("site.toml", SITE_TOML),
        ("policies/alpha.md", ALPHA),
        ("policies/beta.md", BETA),
        ("policies/gamma.md", GAMMA),
        ("pages/about.md", ABOUT),
        ("pages/accessibility.md", ACCESSIBILITY),
        ("data/glossary.toml", GLOSSARY),
    ])
}

/// Every `href` of the links in `html` whose text is exactly `text`.
fn hrefs_of(html: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for part in html.split("<a ").skip(1) {
        let Some((tag, rest)) = part.split_once('>') else {
            continue;
        };
        if rest.split("</a>").next() == Some(text) {
            found.extend(attributes(&format!(" {tag}"), "href"));
        }
    }
    found
}

fn href_of(html: &str, text: &str) -> String {
    let hrefs = hrefs_of(html, text);
    assert_eq!(hrefs.len(), 1, "links called {text:?}: {hrefs:?}");
    hrefs[0].clone()
}

/// Follows every relative link of every page under `out` on disk (see
/// `support::follow_links`), failing on any broken one; returns how many were followed.
fn follow_every_link(out: &Path) -> usize {
    let (followed, broken) = follow_links(out);
    assert!(followed > 0);
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    followed
}

/// The HTML of the `<section id="ID">` on a page, up to the next section.
fn section<'h>(html: &'h str, id: &str) -> &'h str {
    let start = html
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let rest = &html[start + 1..];
    let end = rest.find("<section").unwrap_or(rest.len());
    &html[start..start + 1 + end]
}

#[test]
fn every_link_on_every_page_type_resolves() {
    let site = fixture();
    let out = built(&site);
    let followed = follow_every_link(&out);
    assert!(followed > 300, "only {followed} links followed");
    for page in [
        "index.html",
        "policies/alpha/index.html",
        "for/parents/alpha/index.html",
        "for/staff/index.html",
        "about/index.html",
        "glossary/index.html",
        "reviews/index.html",
        "404.html",
    ] {
        assert!(out.join(page).is_file(), "{page} missing");
    }
}

#[test]
fn policy_links_from_the_full_policy() {
    let site = fixture();
    built(&site);
    let html = site.page("policies/alpha/index.html");
    let cases = [
        (
            "the beta staff rules",
            "../../policies/beta/index.html#for-staff",
        ),
        ("the staff part", "#staff-part"),
        ("the beta policy", "../../policies/beta/index.html"),
        ("how to contact us", "../../about/index.html#contact"),
        (
            "the shared beta rules",
            "../../policies/beta/index.html#shared",
        ),
    ];
    for (text, href) in cases {
        assert_eq!(href_of(&html, text), href, "{text}");
    }
}

#[test]
fn policy_links_from_an_audience_view_go_to_the_readers_view_or_the_full_policy() {
    let site = fixture();
    built(&site);
    let parents = site.page("for/parents/alpha/index.html");
    let cases = [
        // Beta's parents view leaves out its staff section: the full policy.
        (
            "the beta staff rules",
            "../../../policies/beta/index.html#for-staff",
        ),
        // This view leaves out alpha's staff part: the full policy.
        (
            "the staff part",
            "../../../policies/alpha/index.html#staff-part",
        ),
        ("the beta policy", "../../../for/parents/beta/index.html"),
        (
            "the parents' part of beta",
            "../../../for/parents/beta/index.html#for-parents",
        ),
        ("how to contact us", "../../../about/index.html#contact"),
    ];
    for (text, href) in cases {
        assert_eq!(href_of(&parents, text), href, "parents: {text}");
    }
    assert!(
        hrefs_of(&parents, "the shared beta rules").is_empty(),
        "the staff part is not in the parents' view"
    );
    let staff = site.page("for/staff/alpha/index.html");
    let cases = [
        (
            "the beta staff rules",
            "../../../for/staff/beta/index.html#for-staff",
        ),
        ("the staff part", "#staff-part"),
        (
            "the shared beta rules",
            "../../../for/staff/beta/index.html#shared",
        ),
    ];
    for (text, href) in cases {
        assert_eq!(href_of(&staff, text), href, "staff: {text}");
    }
}

#[test]
fn policy_links_from_an_audience_handbook() {
    let site = fixture();
    built(&site);
    let html = site.page("for/parents/all/index.html");
    let cases = [
        (
            "the beta staff rules",
            "../../../policies/beta/index.html#for-staff",
        ),
        (
            "the staff part",
            "../../../policies/alpha/index.html#staff-part",
        ),
        ("the beta policy", "../../../for/parents/beta/index.html"),
        ("how to contact us", "../../../about/index.html#contact"),
    ];
    for (text, href) in cases {
        assert_eq!(href_of(&html, text), href, "{text}");
    }
    // The landing page shows no section's text, so none of its links.
    assert!(hrefs_of(&site.page("for/parents/index.html"), "the beta policy").is_empty());
}

#[test]
fn page_links_from_free_pages() {
    let site = fixture();
    built(&site);
    let html = site.page("about/index.html");
    assert_eq!(
        href_of(&html, "accessibility statement"),
        "../accessibility/index.html"
    );
    assert_eq!(
        href_of(&html, "the alpha staff part"),
        "../policies/alpha/index.html#staff-part"
    );
    assert_eq!(href_of(&html, "contact"), "#contact");
    let html = site.page("accessibility/index.html");
    assert_eq!(href_of(&html, "about"), "../about/index.html");
}

#[test]
fn related_and_referenced_by_lists() {
    let site = fixture();
    built(&site);
    let alpha = site.page("policies/alpha/index.html");
    let related = &alpha[alpha.find("class=\"related\"").expect("related list")..];
    let related = &related[..related.find("</section>").unwrap()];
    assert_eq!(
        href_of(related, "Beta Policy"),
        "../../policies/beta/index.html"
    );
    assert_eq!(
        href_of(related, "National guidance"),
        "https://example.org/guidance"
    );
    assert!(related.contains("(on another website)"));

    // Gamma refers to alpha by `related` only, and by a body link.
    let backlinks = &alpha[alpha.find("class=\"backlinks\"").expect("backlinks")..];
    let backlinks = &backlinks[..backlinks.find("</section>").unwrap()];
    assert_eq!(
        href_of(backlinks, "Gamma Policy"),
        "../../policies/gamma/index.html"
    );
    assert_eq!(hrefs_of(backlinks, "Beta Policy").len(), 0);

    // Beta is referred to by alpha's body links and its related list.
    let beta = site.page("for/staff/beta/index.html");
    let backlinks = &beta[beta.find("class=\"backlinks\"").expect("backlinks")..];
    assert_eq!(
        href_of(backlinks, "Alpha Policy"),
        "../../../for/staff/alpha/index.html"
    );
    // Nothing refers to gamma.
    assert!(
        !site
            .page("policies/gamma/index.html")
            .contains("class=\"backlinks\"")
    );
}

#[test]
fn every_policy_page_has_a_table_of_contents_with_audiences() {
    let site = fixture();
    built(&site);
    let html = site.page("policies/alpha/index.html");
    let toc = &html[html.find("<nav class=\"toc\"").expect("toc")..];
    let toc = &toc[..toc.find("</nav>").unwrap()];
    assert_eq!(href_of(toc, "Shared rules"), "#shared-rules");
    assert_eq!(href_of(toc, "Staff part"), "#staff-part");
    assert!(toc.contains("(Everyone)"), "{toc}");
    assert!(toc.contains("(Staff and volunteers)"), "{toc}");
    let view = site.page("for/parents/alpha/index.html");
    let toc = &view[view.find("<nav class=\"toc\"").expect("toc")..];
    let toc = &toc[..toc.find("</nav>").unwrap()];
    assert!(hrefs_of(toc, "Staff part").is_empty(), "{toc}");
    assert_eq!(href_of(toc, "For parents"), "#for-parents");
}

fn glossary_links(html: &str) -> Vec<String> {
    html.split("<a class=\"glossary-term\"")
        .skip(1)
        .map(|part| part[..part.find("</a>").unwrap()].to_string())
        .collect()
}

#[test]
fn glossary_marks_the_first_use_in_each_section_only() {
    let site = fixture();
    built(&site);
    let html = site.page("policies/gamma/index.html");
    let dsl = " href=\"../../glossary/index.html#designated-safeguarding-lead\"><abbr title=\"Designated Safeguarding Lead\">DSL</abbr>";

    let role = section(&html, "role");
    assert_eq!(glossary_links(role), [dsl], "{role}");
    assert!(role.contains("<h2>The DSL’s role</h2>") || role.contains("<h2>The DSL's role</h2>"));
    assert!(role.contains("<code>DSL</code>"));
    assert!(role.contains("<abbr title=\"already marked\">DSL</abbr>"));
    assert!(role.contains(">Ask the DSL</a>"));

    let deputies = section(&html, "deputies");
    assert_eq!(
        glossary_links(deputies),
        [
            " href=\"../../glossary/index.html#deputy-designated-safeguarding-lead\">Deputy Designated Safeguarding Lead",
            " href=\"../../glossary/index.html#designated-safeguarding-lead\">designated safeguarding lead",
        ],
        "{deputies}"
    );

    let other = section(&html, "other");
    assert!(glossary_links(other).is_empty(), "{other}");

    // The glossary link resolves from a deeper page too.
    let view = site.page("for/staff/gamma/index.html");
    assert!(view.contains("href=\"../../../glossary/index.html#designated-safeguarding-lead\""));
}

#[test]
fn glossary_page_lists_every_term_alphabetically() {
    let site = fixture();
    built(&site);
    let html = site.page("glossary/index.html");
    let anchors: Vec<String> = attributes(&html, "id")
        .into_iter()
        .filter(|id| !id.starts_with("pw-"))
        .collect();
    assert_eq!(
        anchors,
        [
            "annual-report",
            "deputy-designated-safeguarding-lead",
            "designated-safeguarding-lead",
            "local-authority-designated-officer",
        ]
    );
    assert_eq!(
        href_of(&html, "Beta Policy: For staff"),
        "../policies/beta/index.html#for-staff"
    );
    assert_eq!(
        href_of(&html, "About these policies: Contact"),
        "../about/index.html#contact"
    );
    assert_eq!(
        href_of(&html, "example.org/report"),
        "https://example.org/report"
    );
    assert!(html.contains("<abbr title=\"Local Authority Designated Officer\">LADO</abbr>"));
    // Every page's footer links to it.
    let home = site.page("index.html");
    assert_eq!(href_of(&home, "Glossary"), "glossary/index.html");
}

#[test]
fn glossary_auto_linking_can_be_switched_off() {
    let site = fixture();
    site.write(
        "data/glossary.toml",
        &format!("autolink = false\n\n{GLOSSARY}"),
    );
    built(&site);
    for page in ["policies/gamma/index.html", "for/parents/alpha/index.html"] {
        let html = site.page(page);
        assert!(!html.contains("glossary-term"), "{page}");
    }
    assert!(
        site.page("glossary/index.html")
            .contains("id=\"designated-safeguarding-lead\"")
    );
}

#[test]
fn every_broken_reference_is_an_error_with_its_file_and_line() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "unknown policy",
            "policies/delta.md",
            "+++\ntitle = \"Delta\"\n+++\n\nSee [it](policy:alpah).\n",
            "policies/delta.md:5: error: link to unknown policy \"alpah\"; did you mean \"alpha\"?",
        ),
        (
            "unknown anchor",
            "policies/delta.md",
            "+++\ntitle = \"Delta\"\n+++\n\nIntro.\n\nSee [it](policy:beta#for-pupils).\n",
            "policies/delta.md:7: error: policy \"beta\" has no section \"#for-pupils\" (its sections: shared, for-staff, for-parents)",
        ),
        (
            "unknown related id",
            "policies/delta.md",
            "+++\ntitle = \"Delta\"\nrelated = [\n  \"beta\",\n  \"omega\",\n]\n+++\n",
            "policies/delta.md:5: error: related policy \"omega\" does not exist",
        ),
        (
            "unknown page",
            "policies/delta.md",
            "+++\ntitle = \"Delta\"\n+++\n\n[a](page:contact)\n",
            "policies/delta.md:5: error: link to unknown page \"contact\"",
        ),
        (
            "unknown page section",
            "pages/more.md",
            "+++\ntitle = \"More\"\n+++\n\n[a](page:about#phone)\n",
            "pages/more.md:5: error: page \"about\" has no section \"#phone\" (its sections: contact)",
        ),
        (
            "unknown section of the same file",
            "policies/delta.md",
            "+++\ntitle = \"Delta\"\n+++\n\n## Here\n\n[a](#there)\n",
            "policies/delta.md:7: error: there is no section \"#there\" in this file; did you mean \"#here\"?",
        ),
        (
            "glossary term without a definition",
            "data/glossary.toml",
            "[[term]]\nterm = \"A\"\ndefinition = \"B\"\n\n[[term]]\nterm = \"Safeguarding\"\n",
            "data/glossary.toml:5: error: \"Safeguarding\" needs a definition",
        ),
        (
            "glossary abbreviation twice",
            "data/glossary.toml",
            "[[term]]\nterm = \"A\"\nabbr = \"X\"\ndefinition = \"B\"\n[[term]]\nterm = \"C\"\nabbr = \"X\"\ndefinition = \"D\"\n",
            "data/glossary.toml:5: error: abbreviation \"X\" is used twice (first on line 1)",
        ),
        (
            "glossary link to an unknown section",
            "data/glossary.toml",
            "[[term]]\nterm = \"A\"\ndefinition = \"B\"\nlink = \"policy:beta#nope\"\n",
            "data/glossary.toml:4: error: policy \"beta\" has no section \"#nope\"",
        ),
        (
            "glossary link to an unknown page",
            "data/glossary.toml",
            "[[term]]\nterm = \"A\"\ndefinition = \"B\"\nlink = \"page:abuot\"\n",
            "data/glossary.toml:4: error: link to unknown page \"abuot\"; did you mean \"about\"?",
        ),
        (
            "glossary link that is not a link",
            "data/glossary.toml",
            "[[term]]\nterm = \"A\"\ndefinition = \"B\"\nlink = \"the beta policy\"\n",
            "data/glossary.toml:4: error: link \"the beta policy\" must be policy:ID",
        ),
        (
            "glossary key misspelt",
            "data/glossary.toml",
            "autolink = true\n[[term]]\nterm = \"A\"\ndefinition = \"B\"\nlnk = \"page:about\"\n",
            "data/glossary.toml:5: error: unknown key \"lnk\"; did you mean \"link\"?",
        ),
    ];
    for (name, file, text, expected) in cases {
        let site = fixture();
        site.write(file, text);
        let stderr = build_fails(&site);
        let line = stderr
            .lines()
            .find(|l| l.contains(": error: "))
            .unwrap_or_else(|| panic!("{name}: no error in\n{stderr}"));
        let expected = format!("./{expected}");
        assert!(
            line.starts_with(&expected),
            "{name}:\n  got      {line}\n  expected {expected}"
        );
        assert_eq!(
            stderr.matches(": error: ").count(),
            1,
            "{name}: one error expected\n{stderr}"
        );
        let (code, check_err) = check(&site);
        assert_eq!(code, 1, "{name}: check should fail");
        assert!(check_err.contains(line), "{name}: check says\n{check_err}");
    }
}

#[test]
fn a_template_override_with_a_broken_link_cannot_be_published() {
    let site = fixture();
    let old = built(&site);
    let before = fs::read_to_string(old.join("about/index.html")).unwrap();
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1 id=\"pw-title\">{{ page_title }}</h1>\n\
         <p><a href=\"{{ root }}contact/index.html\">Contact</a></p>\n\
         <p><a href=\"#nowhere\">Jump</a></p>\n<p id=\"twice\">a</p><p id=\"twice\">b</p>\n\
         {{ body | safe }}\n{% endblock main %}\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let stderr = run.stderr;
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 3, "{stderr}");
    let about = Path::new("./pages/about.md");
    let expected = [
        format!(
            "error: link \"../contact/index.html\" leads nowhere: the site has no contact/index.html (this page is made from {}, but the link comes from a template); 1 other page has it too",
            about.display()
        ),
        "error: link \"#nowhere\" leads nowhere: this page has no id \"nowhere\"".to_string(),
        "error: id \"twice\" is used twice on this page (first on line ".to_string(),
    ];
    for (error, expected) in errors.iter().zip(&expected) {
        let (place, message) = error.split_once(": ").unwrap();
        let (page, line) = place.split_once(':').unwrap();
        assert_eq!(page, "about/index.html", "{error}");
        assert!(line.parse::<usize>().unwrap() > 4, "{error}");
        assert!(
            message.starts_with(expected.as_str()),
            "{error}\n  expected {expected}"
        );
    }
    assert!(
        errors[1].ends_with("; 1 other page has it too"),
        "{}",
        errors[1]
    );
    // The previous output is untouched.
    assert_eq!(
        fs::read_to_string(old.join("about/index.html")).unwrap(),
        before
    );
    let (code, check_err) = check(&site);
    assert_eq!(code, 1);
    assert!(check_err.contains(errors[0]), "{check_err}");
}

#[test]
fn a_hand_written_relative_link_that_breaks_in_a_view_is_caught() {
    let site = fixture();
    // Right from policies/delta/, wrong from for/staff/delta/.
    site.write(
        "policies/delta.md",
        "+++\ntitle = \"Delta\"\n+++\n\n## Rules\n\nSee [about](../../about/index.html).\n",
    );
    let stderr = build_fails(&site);
    // Reported once, at the first reader's page (a handbook), for all eight:
    // each reader's view of the policy and each reader's handbook.
    assert!(stderr.contains("for/governors/all/index.html:"), "{stderr}");
    assert!(stderr.contains("7 other pages have it too"), "{stderr}");
    assert!(
        stderr.contains(
            "link \"../../about/index.html\" leads nowhere: the site has no for/about/index.html"
        ),
        "{stderr}"
    );
    // Written in the Markdown, so the advice is about Markdown links.
    assert!(
        stderr.contains(
            "made from ./policies/delta.md; in Markdown, link with policy:ID, page:ID or #section)"
        ),
        "{stderr}"
    );
}

#[test]
fn the_example_site_has_no_broken_links() {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("site");
    let output = Command::new(env!("CARGO_BIN_EXE_policyweb"))
        .arg("build")
        .arg(&content)
        .arg("--out")
        .arg(&target)
        .args(["--today", TODAY])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    let followed = follow_every_link(&target);
    assert!(followed > 3000, "only {followed} links followed");
    // The glossary covers the terms the policies use, and they are linked.
    let glossary = fs::read_to_string(target.join("glossary/index.html")).unwrap();
    for anchor in [
        "designated-safeguarding-lead",
        "local-authority-designated-officer",
        "uk-general-data-protection-regulation",
        "child-exploitation-and-online-protection",
        "personal-social-health-and-economic-education",
        "senior-leadership-team",
        "special-educational-needs-coordinator",
        "early-years-foundation-stage",
    ] {
        assert!(glossary.contains(&format!("id=\"{anchor}\"")), "{anchor}");
    }
    let child_protection =
        fs::read_to_string(target.join("policies/child-protection/index.html")).unwrap();
    assert!(child_protection.contains("#local-authority-designated-officer\"><abbr title=\"Local Authority Designated Officer\">LADO</abbr>"));
    // The about page's link to the accessibility statement is a page: link.
    let about = fs::read_to_string(target.join("about/index.html")).unwrap();
    assert_eq!(
        href_of(&about, "accessibility statement"),
        "../accessibility/index.html"
    );
}
