//! Audience landing pages: sections in full for a school-sized site, and a
//! bounded list of links once a site has more than FULL_LANDING_LIMIT policies.

use std::fs;
use std::path::Path;

use policyweb::build;
use policyweb::diagnostics::Diagnostics;
use policyweb::output::MemorySink;
use policyweb::render::FULL_LANDING_LIMIT;

fn site_with(root: &Path, policies: usize) {
    fs::create_dir_all(root.join("policies")).unwrap();
    fs::write(root.join("site.toml"), "school = \"Test School\"\n").unwrap();
    for i in 0..policies {
        fs::write(
            root.join(format!("policies/p{i:04}.md")),
            format!(
                "+++\ntitle = \"Policy {i:04}\"\n+++\n\n## Aims\n\nWhy policy {i} exists.\n\n\
                 ## For parents {{#home audience=parents}}\n\nWhat parents of policy {i} do.\n\n\
                 ### Contacts\n\nThe office answers.\n\n## Staff only {{audience=staff}}\n\nStaff rule {i}.\n"
            ),
        )
        .unwrap();
    }
}

fn parents_page(policies: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    site_with(dir.path(), policies);
    let mut d = Diagnostics::new();
    let today = "2026-11-21".parse().unwrap();
    let loaded = build::load(dir.path(), today, None, &mut d).expect("the site loads");
    let sink = MemorySink::new();
    build::render_into(&loaded, &sink, &mut d).expect("the site renders");
    String::from_utf8(sink.into_files()["for/parents/index.html"].clone()).unwrap()
}

#[test]
fn a_school_sized_site_shows_each_section_in_full() {
    let html = parents_page(FULL_LANDING_LIMIT);
    assert!(
        html.contains("What parents of policy 7 do."),
        "section text inlined"
    );
    assert!(
        html.contains("id=\"p0007--home\""),
        "ids prefixed per policy"
    );
    assert!(
        !html.contains("Staff rule 7"),
        "other audiences' sections left out"
    );
    assert!(!html.contains("class=\"entry-sections\""));
    assert!(!html.contains("class=\"landing-note\""));
}

#[test]
fn a_larger_site_lists_each_policys_sections_as_links() {
    let n = FULL_LANDING_LIMIT + 1;
    let html = parents_page(n);
    assert!(
        !html.contains("What parents of policy 7 do."),
        "no section text"
    );
    assert!(html.contains(&format!(
        "<p class=\"landing-note\">{n} policies have a part for parents and carers."
    )));
    // Top-level sections for parents, linked into the parents' view; the
    // subsection and the staff-only section are not listed.
    assert!(html.contains(
        "<ul class=\"entry-sections\">\n<li><a href=\"../../for/parents/p0007/index.html#aims\">Aims</a></li>\n\
         <li><a href=\"../../for/parents/p0007/index.html#home\">For parents</a></li>\n</ul>"
    ), "{}", &html[..html.len().min(4000)]);
    assert!(!html.contains("#contacts\""));
    assert!(!html.contains("#staff-only\""));
    assert_eq!(html.matches("<article class=\"audience-entry\"").count(), n);
}
