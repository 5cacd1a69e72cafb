//! Site-wide search: the records file holds each section with its audiences
//! and escaped text, the search page lists every heading and glossary term
//! from A to Z, every page's header has a search box, and `search = false`
//! turns it all off.

mod support;

use serde_json::Value;
use support::Site;

const POLICY: &str = "+++
title = \"Trips Policy\"
category = \"School life\"
summary = \"How we plan trips.\"
approved = \"2026-09-01\"
review = \"Summer 2027\"
+++

We love trips.

## Photographs on trips {#photos}

We take photos of pupils only with permission.

## Staff duties {#staff audience=staff}

The DSL is told about every overnight trip.

## Hostile text {#hostile}

Quote \" backslash \\\\ and `</script><script>alert(1)</script>` and \u{2028}.
";

const GLOSSARY: &str = "[[term]]
term = \"Designated Safeguarding Lead\"
abbr = \"DSL\"
definition = \"The senior member of staff who leads on safeguarding.\"
";

fn site(extra_toml: &str) -> Site {
    let site = Site::new(&[
        ("site.toml", &format!("school = \"S\"\n{extra_toml}")),
        ("policies/trips.md", POLICY),
        ("data/glossary.toml", GLOSSARY),
        (
            "pages/about.md",
            "+++\ntitle = \"About us\"\n+++\n\n## Our values\n\nKindness.\n",
        ),
    ]);
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

/// The records file's data, as a browser's script would assign it.
fn index(site: &Site) -> Value {
    let js = site.page("search/index.js");
    let json = js
        .strip_prefix("window.policywebSearch = ")
        .and_then(|s| s.strip_suffix(";\n"))
        .unwrap_or_else(|| panic!("not one assignment: {js}"));
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn record<'a>(index: &'a Value, heading: &str) -> &'a Value {
    index["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["heading"] == heading)
        .unwrap_or_else(|| panic!("no record {heading:?}"))
}

#[test]
fn the_records_hold_each_section_with_its_audiences() {
    let site = site("");
    let index = index(&site);
    let photos = record(&index, "Photographs on trips");
    assert_eq!(photos["policy"], "trips");
    assert_eq!(photos["title"], "Trips Policy");
    assert_eq!(photos["category"], "School life");
    assert_eq!(photos["url"], "policies/trips/index.html#photos");
    assert_eq!(photos["anchor"], "photos");
    assert_eq!(
        photos["text"],
        "We take photos of pupils only with permission."
    );
    let everyone: Vec<&str> = photos["audiences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(everyone, ["staff", "parents", "pupils", "governors"]);
    // The staff-only section is marked for staff only, so a parents' search drops it.
    let staff = record(&index, "Staff duties");
    assert_eq!(staff["audiences"], serde_json::json!(["staff"]));
    assert_eq!(staff["text"], "The DSL is told about every overnight trip.");
    // The text before the first heading, with the summary, and the free page.
    let intro = record(&index, "Trips Policy");
    assert_eq!(intro["text"], "How we plan trips. We love trips.");
    let values = record(&index, "Our values");
    assert_eq!(values["url"], "about/index.html#our-values");
    assert!(values.get("policy").is_none());
    // The glossary's pairs, for abbreviations both ways.
    assert_eq!(
        index["abbreviations"],
        serde_json::json!([["DSL", "Designated Safeguarding Lead"]])
    );
    assert_eq!(index["categories"], serde_json::json!(["School life"]));
}

#[test]
fn hostile_text_stays_text_in_the_records() {
    let site = site("");
    let js = site.page("search/index.js");
    assert!(!js.contains('<'), "{js}");
    assert!(!js.contains('\u{2028}'), "{js}");
    let index = index(&site);
    let hostile = record(&index, "Hostile text");
    assert_eq!(
        hostile["text"],
        "Quote \" backslash \\ and </script><script>alert(1)</script> and \u{2028}."
    );
}

#[test]
fn the_search_page_lists_every_heading_and_term_from_a_to_z() {
    let site = site("");
    let page = site.page("search/index.html");
    assert!(page.contains("<form class=\"search-form\" role=\"search\""));
    assert!(page.contains("<label for=\"pw-search-q\">"));
    assert!(page.contains("<input type=\"search\" id=\"pw-search-q\" name=\"q\""));
    assert!(page.contains("aria-live=\"polite\""));
    assert!(page.contains("<option value=\"parents\">Parents and carers</option>"));
    // Without JavaScript: the A to Z list, in order, and where to browse.
    let entries = [
        "<a href=\"../glossary/index.html#designated-safeguarding-lead\">Designated Safeguarding Lead</a> <span class=\"az-place\">Glossary</span>",
        "<a href=\"../glossary/index.html#designated-safeguarding-lead\">DSL</a> <span class=\"az-place\">Glossary</span>",
        "<a href=\"../policies/trips/index.html#hostile\">Hostile text</a> <span class=\"az-place\">Trips Policy</span>",
        "<a href=\"../about/index.html#our-values\">Our values</a> <span class=\"az-place\">About us</span>",
        "<a href=\"../policies/trips/index.html#photos\">Photographs on trips</a>",
        "<a href=\"../policies/trips/index.html#staff\">Staff duties</a>",
    ];
    let mut at = 0;
    for entry in entries {
        let found = page[at..]
            .find(entry)
            .unwrap_or_else(|| panic!("{entry} not after byte {at}"));
        at += found + entry.len();
    }
    assert!(page.contains("<h3 id=\"pw-az-d\">D</h3>"));
    assert!(page.contains("browse <a href=\"../index.html\">all policies</a>"));
    assert!(page.contains("<a href=\"../for/parents/index.html\">parents and carers</a>"));
    // Its scripts load here only.
    assert!(page.contains("<script src=\"index.js\" defer></script>"));
    assert!(!site.page("index.html").contains("minisearch"));
}

#[test]
fn every_page_has_a_search_box_that_knows_its_audience() {
    let site = site("");
    let home = site.page("index.html");
    assert!(home.contains(
        "<form class=\"site-search\" role=\"search\" aria-label=\"Site\" action=\"search/index.html\" method=\"get\">"
    ));
    let view = site.page("for/parents/trips/index.html");
    assert!(view.contains("action=\"../../../search/index.html\""));
    assert!(view.contains("<input type=\"hidden\" name=\"audience\" value=\"parents\">"));
    let landing = site.page("for/staff/index.html");
    assert!(landing.contains("<input type=\"hidden\" name=\"audience\" value=\"staff\">"));
    assert!(!home.contains("name=\"audience\""));
    // The search page has its own form, not a second one in the header.
    assert!(
        !site
            .page("search/index.html")
            .contains("class=\"site-search\"")
    );
}

#[test]
fn search_false_turns_it_off() {
    let site = site("search = false\n");
    assert!(!site.root().join("public/search").exists());
    assert!(!site.page("index.html").contains("site-search"));
}
