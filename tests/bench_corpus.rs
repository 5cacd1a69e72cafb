//! The benchmark's synthetic corpus: deterministic, and a valid site that
//! exercises every feature the benchmark claims to measure.

#[path = "../benches/corpus/mod.rs"]
#[allow(dead_code)]
mod corpus;

use policyweb::build;
use policyweb::dates::Precision;
use policyweb::diagnostics::Diagnostics;
use policyweb::output::MemorySink;

fn today() -> jiff::civil::Date {
    "2026-11-21".parse().unwrap()
}

#[test]
fn same_size_and_seed_give_byte_identical_files() {
    let a: Vec<(String, String)> = corpus::files(40, 7).collect();
    let b: Vec<(String, String)> = corpus::files(40, 7).collect();
    assert_eq!(a, b);
    let c: Vec<(String, String)> = corpus::files(40, 8).collect();
    assert_ne!(a, c, "the seed changes the text");
    assert_eq!(
        a.iter().filter(|(p, _)| p.starts_with("policies/")).count(),
        40
    );
}

#[test]
fn titles_are_unique_for_a_large_trust() {
    let titles = corpus::titles(12_000, 1);
    let unique: std::collections::BTreeSet<&String> = titles.iter().collect();
    assert_eq!(unique.len(), 12_000);
    assert!(
        titles
            .iter()
            .all(|t| !t.chars().any(|c| c.is_ascii_digit()))
    );
}

#[test]
fn every_policy_has_the_promised_shape() {
    for (path, text) in corpus::files(60, 1).filter(|(p, _)| p.starts_with("policies/")) {
        let body = text.splitn(3, "+++").nth(2).unwrap();
        let words = body.split_whitespace().count();
        assert!((1_500..=3_000).contains(&words), "{path}: {words} words");
        let sections = body.lines().filter(|l| l.starts_with("## ")).count();
        assert!((6..=12).contains(&sections), "{path}: {sections} sections");
        assert!(body.contains("|---|"), "{path}: no table");
        assert!(body.contains("](policy:"), "{path}: no cross-link");
        assert!(
            body.lines()
                .any(|l| l.starts_with("- ") || l.starts_with("1. ")),
            "{path}: no list"
        );
    }
}

#[test]
fn the_corpus_builds_without_errors_and_uses_every_feature() {
    let dir = tempfile::tempdir().unwrap();
    corpus::write(48, 1, dir.path()).unwrap();
    let mut d = Diagnostics::new();
    let loaded = build::load(dir.path(), today(), None, &mut d);
    let errors: Vec<String> = d.sorted().iter().map(ToString::to_string).collect();
    assert!(
        !errors.iter().any(|e| e.contains(": error: ")),
        "{errors:#?}"
    );
    let loaded = loaded.unwrap();
    let site = &loaded.site;
    assert_eq!(site.policies.len(), 48);
    assert!(site.data.age_limits.is_some());
    assert!(
        site.policies
            .iter()
            .any(|p| !p.body().shortcodes.is_empty())
    );
    assert!(
        site.policies
            .iter()
            .any(|p| p.source.review_every.is_some())
    );
    assert!(site.policies.iter().all(|p| !p.body().links.is_empty()));
    assert!(site.policies.iter().any(|p| p.views.indices().count() < 4));
    let forms: std::collections::BTreeSet<String> = site
        .policies
        .iter()
        .filter_map(|p| p.source.review.as_ref())
        .map(|r| match r.precision {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Term(_, None) => "term",
            Precision::Term(_, Some(_)) => "half-term",
        })
        .map(String::from)
        .collect();
    assert_eq!(
        forms.len(),
        4,
        "day, month, term and half-term forms: {forms:?}"
    );

    let sink = MemorySink::new();
    build::render_into(&loaded, &sink, &mut d).unwrap();
    let files = sink.into_files();
    let landing = String::from_utf8(files["for/parents/all/index.html"].clone()).unwrap();
    assert!(landing.contains("data-audiences=\""));
    assert!(files.keys().any(|k| k.starts_with("for/pupils/")));
    let with_ages = files
        .iter()
        .filter(|(path, _)| path.starts_with("policies/"))
        .filter(|(_, html)| String::from_utf8_lossy(html).contains("<table class=\"age-limits\">"))
        .count();
    assert!(with_ages >= 3, "policies show the age table: {with_ages}");
}
