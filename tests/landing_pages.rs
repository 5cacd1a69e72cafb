//! Audience landing pages stay short at any size: a card per policy, whose
//! size does not grow with the policy's words; the handbook holds the text in
//! full up to HANDBOOK_LIMIT policies, and is not made above it.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use policyweb::build;
use policyweb::diagnostics::Diagnostics;
use policyweb::output::MemorySink;
use policyweb::render::HANDBOOK_LIMIT;

/// A site of `policies` policies, each with `paragraphs` paragraphs of shared
/// text, a section for parents and one for staff, in five categories.
fn site_with(root: &Path, policies: usize, paragraphs: usize) {
    fs::create_dir_all(root.join("policies")).unwrap();
    fs::write(root.join("site.toml"), "school = \"Test School\"\n").unwrap();
    let shared = "Every member of the school community follows this policy. ".repeat(8);
    for i in 0..policies {
        let body: String = (0..paragraphs)
            .map(|p| format!("## Shared part {p}\n\n{shared}\n\n"))
            .collect();
        fs::write(
            root.join(format!("policies/p{i:04}.md")),
            format!(
                "+++\ntitle = \"Policy {i:04}\"\ncategory = \"Group {}\"\n\
                 summary = \"What policy {i} is for, in a sentence or two for every reader of the school's website.\"\n\
                 [summaries]\npupils = \"Be kind.\"\n+++\n\n## Aims\n\nWhy policy {i} exists.\n\n{body}\
                 ## For parents {{#home audience=parents}}\n\nWhat parents of policy {i} do.\n\n\
                 ### Contacts\n\nThe office answers.\n\n## Staff only {{audience=staff}}\n\nStaff rule {i}.\n",
                i % 5
            ),
        )
        .unwrap();
    }
}

fn built(policies: usize, paragraphs: usize) -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    site_with(dir.path(), policies, paragraphs);
    let mut d = Diagnostics::new();
    let today = "2026-11-21".parse().unwrap();
    let loaded = build::load(dir.path(), today, None, &mut d).expect("the site loads");
    let sink = MemorySink::new();
    build::render_into(&loaded, &sink, &mut d).expect("the site renders");
    sink.into_files()
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

#[test]
fn a_landing_page_lists_sections_as_links_not_bodies() {
    let files = built(3, 2);
    let html = &files["for/parents/index.html"];
    assert!(
        !html.contains("What parents of policy 1 do."),
        "no section text"
    );
    assert!(!html.contains("Every member of the school community"));
    // The section for parents in particular, linked into the parents' view;
    // not the subsection, the shared sections or the staff-only one.
    assert!(html.contains(
        "<ul class=\"card-sections\">\n<li><a href=\"p0001/index.html#home\">For parents</a></li>\n</ul>"
    ), "{html}");
    assert!(!html.contains("#contacts\""));
    assert!(!html.contains("#staff-only\""));
    assert_eq!(html.matches("<li class=\"reader-card\"").count(), 3);
    // Grouped by category, categories by name.
    let groups: Vec<usize> = (0..3)
        .map(|g| {
            html.find(&format!(">Group {g}</h2>"))
                .expect("a category heading")
        })
        .collect();
    assert!(groups.windows(2).all(|w| w[0] < w[1]), "{groups:?}");
    // The pupils' card carries their own summary, the staff's the policy's.
    assert!(files["for/pupils/index.html"].contains("<p>Be kind.</p>"));
    assert!(files["for/staff/index.html"].contains("<p>What policy 1 is for,"));
}

#[test]
fn a_landing_page_takes_at_most_about_a_kilobyte_per_policy_whatever_their_length() {
    let small = built(1, 1);
    let short = built(50, 1);
    let long = built(50, 20);
    let per_policy = |files: &BTreeMap<String, String>| {
        (files["for/parents/index.html"].len() - small["for/parents/index.html"].len()) / 49
    };
    assert!(
        per_policy(&short) <= 1024,
        "{} bytes a policy",
        per_policy(&short)
    );
    assert_eq!(
        short["for/parents/index.html"].len(),
        long["for/parents/index.html"].len(),
        "the landing page grew with the policies' words"
    );
    // The handbook holds them in full.
    let handbook = &long["for/parents/all/index.html"];
    assert!(handbook.contains("What parents of policy 7 do."));
    assert!(
        handbook.contains("id=\"p0007--home\""),
        "ids prefixed per policy"
    );
    assert!(
        !handbook.contains("Staff rule 7"),
        "other audiences' sections left out"
    );
    assert_eq!(
        handbook
            .matches("<article class=\"audience-entry\"")
            .count(),
        50
    );
}

#[test]
fn a_site_larger_than_the_limit_has_no_handbook_and_does_not_offer_one() {
    let files = built(HANDBOOK_LIMIT + 1, 0);
    assert!(!files.contains_key("for/parents/all/index.html"));
    let landing = &files["for/parents/index.html"];
    assert!(!landing.contains("all/index.html"));
    assert_eq!(
        landing.matches("<li class=\"reader-card\"").count(),
        HANDBOOK_LIMIT + 1
    );
    let at_limit = built(HANDBOOK_LIMIT, 0);
    assert!(at_limit.contains_key("for/parents/all/index.html"));
}
