//! Versions and what changed: archived versions rendered with their banner
//! and kept out of the lists, the changes at each review section by section
//! and for each reader, the feed, the archive checked against the history, and
//! `policyweb approve` recording a review in one step.

mod support;

use support::{Site, broken_links};

/// The fixture: a photographs policy approved three times. 2024 to 2025: a
/// section removed, one moved, a staff-only section added. 2025 to 2026: one
/// section reworded, the staff-only section edited, a section added.
fn versions() -> Site {
    Site::fixture("versions")
}

/// The `data-change` hooks of a page, in order.
fn changes(html: &str) -> Vec<&str> {
    html.split("data-change=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .collect()
}

#[test]
fn each_archived_version_has_its_page_with_a_banner() {
    let site = versions();
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.diagnostics().is_empty(), "{}", run.stderr);
    let old = site.page("policies/photos/versions/2024-06-12/index.html");
    assert!(old.contains(
        "<strong>This is an earlier version.</strong> It was approved on <time datetime=\"2024-06-12\">12 June 2024</time> and replaced on <time datetime=\"2025-06-10\">10 June 2025</time>."
    ), "{old}");
    assert!(old.contains(
        "<a href=\"../../../../policies/photos/index.html\">Read the current policy</a>"
    ));
    assert!(old.contains("Old equipment"), "the old text is shown");
    assert!(old.contains("<meta name=\"robots\" content=\"noindex\">"));
    let middle = site.page("policies/photos/versions/2025-06-10/index.html");
    assert!(middle.contains("replaced on <time datetime=\"2026-06-09\">9 June 2026</time>"));
    // Reachable from the history, absent from the lists and the sitemap.
    let current = site.page("policies/photos/index.html");
    assert!(current.contains(
        "href=\"../../policies/photos/versions/2024-06-12/index.html\">Read this version</a>"
    ));
    for file in [
        "index.html",
        "reviews/index.html",
        "for/parents/index.html",
        "sitemap.xml",
    ] {
        assert!(
            !site.page(file).contains("versions/"),
            "{file} lists an old version"
        );
    }
    assert!(broken_links(&site.root().join("public")).is_empty());
}

#[test]
fn the_changes_page_says_what_changed_section_by_section() {
    let site = versions();
    assert_eq!(site.build(&[]).code, 0);
    let latest = site.page("policies/photos/changes/2026-06-09/index.html");
    assert_eq!(changes(&latest), ["changed", "changed", "added"]);
    assert!(latest.contains(
        "<p class=\"change-summary\">Annual review: consent is now asked for every year.</p>"
    ));
    // A rewritten sentence is shown whole; an edited one word by word.
    assert!(latest.contains("<del><span class=\"visually-hidden\">[removed: </span>Consent lasts until the child leaves.<span class=\"visually-hidden\">]</span></del><ins><span class=\"visually-hidden\">[added: </span>Consent is asked for again at the start of every school year."), "{latest}");
    assert!(latest.contains("Staff must <del><span class=\"visually-hidden\">[removed: </span>not<span class=\"visually-hidden\">]</span></del><ins><span class=\"visually-hidden\">[added: </span>never"));
    let earlier = site.page("policies/photos/changes/2025-06-10/index.html");
    assert_eq!(changes(&earlier), ["moved", "removed", "added"]);
    assert!(earlier.contains("href=\"../../../../policies/photos/versions/2024-06-12/index.html#old-equipment\">Old equipment</a>"));
    let list = site.page("policies/photos/changes/index.html");
    assert_eq!(changes(&list).len(), 6, "both reviews, newest first");
    assert!(
        list.find("Review of 9 June 2026").unwrap() < list.find("Review of 10 June 2025").unwrap()
    );
    let current = site.page("policies/photos/index.html");
    assert!(current.contains("Changed at the last review, on 9 June 2026: <a href=\"../../policies/photos/changes/2026-06-09/index.html\">see what changed</a>"));
}

#[test]
fn each_reader_sees_only_the_changes_for_them() {
    let site = versions();
    assert_eq!(site.build(&[]).code, 0);
    let parents = site.page("for/parents/photos/changes/index.html");
    let staff = site.page("for/staff/photos/changes/index.html");
    assert!(
        !parents.contains(">Staff devices</a></h3>"),
        "a staff-only change is not shown to parents"
    );
    assert!(staff.contains(">Staff devices</a></h3>"));
    assert_eq!(changes(&parents), ["changed", "added", "moved", "removed"]);
    assert_eq!(changes(&staff).len(), 6);
    // Links from a reader's changes stay in that reader's view.
    assert!(parents.contains("href=\"../../../../for/parents/photos/index.html#consent\""));
    let view = site.page("for/parents/photos/index.html");
    assert!(view.contains(
        "<a href=\"../../../for/parents/photos/changes/index.html\">see what changed</a>"
    ));
}

#[test]
fn nothing_changed_for_a_reader_says_so() {
    let site = versions();
    // A review that only changed the staff-only section.
    site.write(
        "archive/photos/2025-06-10.md",
        &std::fs::read_to_string(site.root().join("policies/photos.md"))
            .unwrap()
            .replace("approved = \"2026-06-09\"", "approved = \"2025-06-10\"")
            .replace(
                "Staff must never keep photographs of pupils on their own phones, even for a day.",
                "Staff must not keep photographs of pupils on their own phones.",
            ),
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let parents = site.page("for/parents/photos/changes/index.html");
    let review = parents.split("Review of 9 June 2026").nth(1).unwrap();
    let review = review.split("<section").next().unwrap();
    assert!(
        review.contains("Nothing changed for you at this review."),
        "{review}"
    );
}

#[test]
fn the_feed_links_each_review_to_its_changes() {
    let site = versions();
    assert_eq!(site.build(&[]).code, 0);
    let feed = site.page("feed.xml");
    let parsed = atom_syndication::Feed::read_from(feed.as_bytes()).expect("valid Atom");
    let links: Vec<&str> = parsed
        .entries()
        .iter()
        .map(|e| e.links()[0].href())
        .collect();
    assert!(
        links.contains(
            &"https://www.ashdown.example.sch.uk/policies/policies/photos/changes/2026-06-09/"
        ),
        "{links:?}"
    );
    assert!(links.contains(
        &"https://www.ashdown.example.sch.uk/policies/policies/photos/changes/2025-06-10/"
    ));
    assert!(
        links.contains(&"https://www.ashdown.example.sch.uk/policies/policies/photos/"),
        "the first version has no changes page"
    );
}

#[test]
fn recent_reviews_are_listed_on_the_home_and_reader_pages() {
    let site = versions();
    let run = site.run(&["build", ".", "--today", "2026-07-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let home = site.page("index.html");
    assert!(home.contains("<h2 id=\"pw-recent\">Recently changed</h2>"));
    assert!(home.contains(
        "href=\"policies/photos/changes/2026-06-09/index.html\">Photographs Policy</a>, reviewed on"
    ));
    assert!(
        site.page("for/parents/index.html")
            .contains("href=\"../../for/parents/photos/changes/index.html\"")
    );
    // Past the 90 days, no longer "recent".
    assert_eq!(site.build(&[]).code, 0);
    assert!(!site.page("index.html").contains("Recently changed"));
}

#[test]
fn the_archive_and_the_history_must_agree() {
    let site = versions();
    let policy = std::fs::read_to_string(site.root().join("policies/photos.md")).unwrap();
    site.write(
        "policies/photos.md",
        &policy.replace(
            "[[history]]\ndate = \"2025-06-10\"\nsummary = \"Staff devices section added.\"\n\n",
            "",
        ),
    );
    site.write(
        "archive/photos/2027-01-01.md",
        "+++\ntitle = \"Photographs Policy\"\n+++\n",
    );
    site.write(
        "archive/photos/June 2023.md",
        "+++\ntitle = \"Photographs Policy\"\n+++\n",
    );
    site.write(
        "archive/phots/2023-01-01.md",
        "+++\ntitle = \"Photographs Policy\"\n+++\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    let lines = run.diagnostics();
    assert!(lines.contains(&"./archive/photos/2027-01-01.md: error: this version is dated 2027-01-01, not before the current version's approval (2026-06-09 in ./policies/photos.md); an archived version must be older than the policy in force"), "{lines:#?}");
    assert!(lines.contains(&"./policies/photos.md:1: warning: ./archive/photos/2025-06-10.md holds the version approved on 10 June 2025, but [[history]] has no entry with date = \"2025-06-10\": add one that says what changed [history]"), "{lines:#?}");
    assert!(lines.iter().any(|l| l.starts_with("./archive/photos/June 2023.md: warning: an archived version is named by the day it was approved") && l.ends_with("[unread-file]")));
    assert!(lines.contains(&"./archive/phots/2023-01-01.md: warning: no policy has the id \"phots\", so this archived version is not published; the folder must be named like the policy's file in policies/ [unread-file]"), "{lines:#?}");
}

#[test]
fn approve_archives_the_old_version_and_updates_the_front_matter() {
    let site = versions();
    let run = site.run(&[
        "approve",
        "photos",
        "--date",
        "2026-09-15",
        "--by",
        "Resources Committee",
        "--summary",
        "Rules for school trips added.",
        "--review",
        "Summer 2027",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let archived =
        std::fs::read_to_string(site.root().join("archive/photos/2026-06-09.md")).unwrap();
    assert!(
        archived.contains("approved = \"2026-06-09\""),
        "the version as it was approved"
    );
    let policy = std::fs::read_to_string(site.root().join("policies/photos.md")).unwrap();
    assert!(policy.contains("approved = \"2026-09-15\"\napproved_by = \"Resources Committee\"\nreview = \"Summer 2027\"\n"), "{policy}");
    assert!(
        policy.contains(
            "[[history]]\ndate = \"2026-09-15\"\nsummary = \"Rules for school trips added.\"\n+++\n"
        ),
        "{policy}"
    );
    assert!(policy.contains("## Sharing online"), "the body is kept");
    let build = site.build(&[]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(build.diagnostics().is_empty(), "{}", build.stderr);
    assert!(
        site.page("policies/photos/versions/2026-06-09/index.html")
            .contains("replaced on <time datetime=\"2026-09-15\">")
    );
    assert!(
        site.page("policies/photos/changes/2026-09-15/index.html")
            .contains("The text did not change at this review.")
    );

    // Mistakes change nothing.
    let again = site.run(&[
        "approve",
        "photos",
        "--date",
        "2026-09-01",
        "--by",
        "X",
        "--summary",
        "Y",
        "--review",
        "2028-01-01",
    ]);
    assert_eq!(again.code, 1);
    assert!(
        again
            .stderr
            .contains("error: the policy was last approved on 2026-09-15; --date must be later"),
        "{}",
        again.stderr
    );
    let no_review = site.run(&[
        "approve",
        "photos",
        "--date",
        "2026-10-01",
        "--by",
        "X",
        "--summary",
        "Y",
    ]);
    assert_eq!(no_review.code, 1);
    assert!(
        no_review
            .stderr
            .contains("give the next review date with --review")
    );
    let unknown = site.run(&[
        "approve",
        "photoes",
        "--date",
        "2026-10-01",
        "--by",
        "X",
        "--summary",
        "Y",
    ]);
    assert!(
        unknown
            .stderr
            .contains("no policy has the id \"photoes\"; did you mean \"photos\"?"),
        "{}",
        unknown.stderr
    );
    assert_eq!(
        std::fs::read_to_string(site.root().join("policies/photos.md")).unwrap(),
        policy
    );
}
