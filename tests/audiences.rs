//! Per-audience views: which sections each reader sees, the HTML hooks, the
//! landing pages, and every way a tag can be wrong.

mod support;

use support::{Site, attributes, broken_links, tree};

const POLICY: &str = "+++
title = \"Trips Policy\"
summary = \"How we plan and run school trips.\"
approved = \"2026-09-01\"
review = \"Summer 2027\"

[summaries]
parents = \"We ask your permission before every trip.\"
pupils = \"Stay with your group and listen to the grown-ups.\"
+++

We love trips.

## Why we go {#why}

Everyone learns outside the classroom.

### Planning

Inherits everyone.

## Staff duties {#staff audience=staff,governors}

### Risk assessment

Inherits staff and governors.

### Governor approval {#approval audience=governors}

Narrowed to governors.

## Permission {#permission audience=parents}

Sign the form. See [staff duties](policy:trips#staff) and [why](policy:trips#why).

## On the trip {#on-the-trip audience=pupils}

Wear your hat.

## Everyone again {audience=all}

Back to everyone.
";

fn headings(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for level in 2..=4 {
        let open = format!("<h{level}>");
        let close = format!("</h{level}>");
        let mut rest = html;
        while let Some(start) = rest.find(&open) {
            let after = &rest[start + open.len()..];
            let end = after.find(&close).unwrap();
            out.push((html.len() - rest.len() + start, after[..end].to_string()));
            rest = &after[end..];
        }
    }
    out.sort();
    out.into_iter().map(|(_, t)| t).collect()
}

fn body(html: &str) -> &str {
    let start = html
        .find("<div class=\"policy-body\">")
        .expect("policy body");
    // The body ends where the notes, related lists or history begin.
    let rest = &html[start..];
    let end = ["<section class=\"", "</article>"]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
        .unwrap()
        + start;
    &html[start..end]
}

fn trips() -> Site {
    let site = Site::new(&[
        ("site.toml", "school = \"S\"\n"),
        ("policies/trips.md", POLICY),
    ]);
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

#[test]
fn full_policy_marks_every_section_with_its_audiences() {
    let site = trips();
    let page = site.page("policies/trips/index.html");
    assert_eq!(
        attributes(body(&page), "data-audiences"),
        [
            "staff parents pupils governors",
            "staff parents pupils governors",
            "staff governors",
            "staff governors",
            "governors",
            "parents",
            "pupils",
            "staff parents pupils governors",
        ]
    );
    assert!(page.contains("<p class=\"audience-label\">For: Staff and volunteers, Governors</p>"));
    assert!(page.contains("<p class=\"audience-label\">For everyone</p>"));
    // The switcher offers every view, as plain links that work without JavaScript.
    for a in ["staff", "parents", "pupils", "governors"] {
        assert!(
            page.contains(&format!(
                "href=\"../../for/{a}/trips/index.html\" data-audience=\"{a}\""
            )),
            "switcher link for {a}"
        );
    }
}

#[test]
fn each_view_holds_exactly_the_sections_for_its_reader() {
    let site = trips();
    let cases = [
        (
            "staff",
            vec![
                "Why we go",
                "Planning",
                "Staff duties",
                "Risk assessment",
                "Everyone again",
            ],
        ),
        (
            "governors",
            vec![
                "Why we go",
                "Planning",
                "Staff duties",
                "Risk assessment",
                "Governor approval",
                "Everyone again",
            ],
        ),
        (
            "parents",
            vec!["Why we go", "Planning", "Permission", "Everyone again"],
        ),
        // Pupils read their own section first, then the shared ones.
        (
            "pupils",
            vec!["On the trip", "Why we go", "Planning", "Everyone again"],
        ),
    ];
    for (audience, expected) in cases {
        let page = site.page(&format!("for/{audience}/trips/index.html"));
        assert_eq!(headings(body(&page)), expected, "{audience}");
        assert_eq!(
            page.contains("This is the part of the policy for"),
            audience != "pupils",
            "{audience}"
        );
        assert!(
            page.contains("href=\"../../../policies/trips/index.html\""),
            "{audience}: link to the full text"
        );
    }
    // In the parents' view, the link to the staff section (not in their view)
    // goes to the full policy, and the link to a shared section stays in view.
    let parents = site.page("for/parents/trips/index.html");
    assert!(parents.contains("href=\"../../../policies/trips/index.html#staff\""));
    assert!(parents.contains("href=\"#why\""));
}

#[test]
fn pupils_view_leads_with_their_summary_and_drops_the_metadata() {
    let site = trips();
    let pupils = site.page("for/pupils/trips/index.html");
    assert!(pupils.contains("class=\"page policy view view-pupils plain\""));
    let summary = pupils.find("Stay with your group").unwrap();
    let own = pupils.find("<h2>On the trip</h2>").unwrap();
    let fold = pupils
        .find("<details class=\"more-about\">\n<summary>More about this</summary>")
        .expect("the shared sections are folded");
    let shared = pupils.find("<h2>Why we go</h2>").unwrap();
    assert!(summary < own && own < fold && fold < shared);
    // The intro is shared prose too: folded.
    assert!(fold < pupils.find("We love trips.").unwrap());
    assert!(!pupils.contains("class=\"policy-meta\""));
    assert!(!pupils.contains("Version history"));
    assert!(
        !pupils.contains("class=\"toc\""),
        "no contents before their rules"
    );
    // Other readers' views keep the source order, unfolded.
    assert!(
        !site
            .page("for/parents/trips/index.html")
            .contains("<details")
    );
    let parents = site.page("for/parents/trips/index.html");
    assert!(parents.contains("class=\"policy-meta\""));
    // On a reader's own view only a section narrower than everyone says
    // whom it is for; "For everyone" on every section would be noise.
    assert!(!pupils.contains("For everyone"), "{pupils}");
    assert!(
        pupils.contains("<p class=\"audience-label\">For: Pupils</p>"),
        "{pupils}"
    );
    assert!(
        site.page("policies/trips/index.html")
            .contains("For everyone")
    );
}

#[test]
fn landing_page_lists_each_policy_with_links_to_the_readers_own_sections() {
    let site = Site::new(&[
        ("site.toml", "school = \"S\"\n"),
        ("policies/trips.md", POLICY),
        (
            "policies/staffroom.md",
            "+++\ntitle = \"Staffroom Rules\"\naudiences = [\"staff\"]\n+++\n\n## Kettle\n\nDescale it.\n",
        ),
    ]);
    assert_eq!(site.build(&[]).code, 0);
    let parents = site.page("for/parents/index.html");
    // A card: the title linking to the reader's view, their summary, and
    // their own sections as links into that view, never the sections' text.
    assert!(parents.contains("<h3><a href=\"trips/index.html\">Trips Policy</a></h3>"));
    assert!(parents.contains("<p>We ask your permission before every trip.</p>"));
    assert!(parents.contains(
        "<ul class=\"card-sections\">\n<li><a href=\"trips/index.html#permission\">Permission</a></li>\n</ul>"
    ));
    assert!(
        !parents.contains("Sign the form."),
        "a section's text on the landing page"
    );
    assert!(!parents.contains("Everyone learns outside the classroom."));
    assert!(
        !parents.contains("data-audiences"),
        "sections in full on the landing page"
    );
    assert!(
        !parents.contains("Staffroom Rules"),
        "a staff-only policy is listed for parents"
    );
    assert!(
        parents.contains("<a href=\"all/index.html\">"),
        "the handbook is linked"
    );
    let staff = site.page("for/staff/index.html");
    // A policy with no section for staff in particular offers its sections.
    assert!(staff.contains("<li><a href=\"staffroom/index.html#kettle\">Kettle</a></li>"));
    assert!(!staff.contains("Descale it."));
    let home = site.page("index.html");
    assert!(home.contains("I am a parent or carer"));
    assert!(home.contains("href=\"for/pupils/index.html\""));
    assert_eq!(broken_links(&site.root().join("public")), Vec::new());
}

#[test]
fn the_handbook_gathers_every_policy_for_that_reader_in_full() {
    let site = Site::new(&[
        ("site.toml", "school = \"S\"\n"),
        ("policies/trips.md", POLICY),
        (
            "policies/staffroom.md",
            "+++\ntitle = \"Staffroom Rules\"\naudiences = [\"staff\"]\n+++\n\n## Kettle\n\nDescale it.\n",
        ),
    ]);
    assert_eq!(site.build(&[]).code, 0);
    let parents = site.page("for/parents/all/index.html");
    assert!(parents.contains("We ask your permission before every trip."));
    assert!(parents.contains("Sign the form."));
    assert!(parents.contains("Everyone learns outside the classroom."));
    assert!(
        !parents.contains("Inherits staff and governors."),
        "staff-only text leaked"
    );
    assert!(!parents.contains("Staffroom Rules"));
    // Sections link back to their place in the full policy.
    assert!(parents.contains("href=\"../../../policies/trips/index.html#permission\""));
    // Ids are prefixed so that several policies can share the page.
    assert!(parents.contains("<section id=\"trips--permission\""));
    assert!(
        parents.contains("href=\"../../../for/parents/index.html\""),
        "back to the landing page"
    );
    let staff = site.page("for/staff/all/index.html");
    assert!(staff.contains("Descale it."));
    assert_eq!(broken_links(&site.root().join("public")), Vec::new());
}

#[test]
fn a_policy_may_not_take_the_handbooks_folder_as_its_id() {
    let site = Site::new(&[
        ("site.toml", "school = \"S\"\n"),
        (
            "policies/all.md",
            "+++\ntitle = \"All\"\n+++\n\n## A\n\nText.\n",
        ),
    ]);
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("policies/all.md:1: error: a policy may not have the id \"all\""),
        "{}",
        run.stderr
    );
}

#[test]
fn a_custom_audience_from_site_toml_gets_its_own_views() {
    let site = Site::new(&[
        (
            "site.toml",
            "school = \"S\"\n[[audience]]\nid = \"staff\"\nlabel = \"Staff\"\n\
             [[audience]]\nid = \"volunteers\"\nlabel = \"Volunteers\"\ndescription = \"Helpers.\"\n",
        ),
        (
            "policies/helping.md",
            "+++\ntitle = \"Helping\"\n+++\n\n## All\n\nHi.\n\n## Volunteers only {audience=volunteers}\n\nSign in.\n",
        ),
    ]);
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let view = site.page("for/volunteers/helping/index.html");
    assert_eq!(headings(body(&view)), ["All", "Volunteers only"]);
    assert!(view.contains("data-audiences=\"volunteers\""));
    assert!(site.page("for/volunteers/index.html").contains("Helpers."));
    assert!(!site.root().join("public/for/parents").exists());
}

#[test]
fn a_view_with_nothing_for_its_reader_is_omitted_and_never_linked() {
    let site = Site::new(&[
        ("site.toml", "school = \"S\"\n"),
        (
            "policies/payroll.md",
            "+++\ntitle = \"Payroll\"\naudiences = [\"staff\", \"governors\"]\n+++\n\n## Pay {audience=staff}\n\nMonthly.\n",
        ),
        (
            "policies/other.md",
            "+++\ntitle = \"Other\"\n+++\n\n## Governance {audience=governors}\n\nSee [pay](policy:payroll#pay).\n",
        ),
    ]);
    assert_eq!(site.build(&[]).code, 0);
    let built = tree(&site.root().join("public"));
    let views: Vec<String> = built
        .keys()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| p.contains("/payroll/"))
        .collect();
    assert_eq!(
        views,
        [
            "for/staff/payroll/index.html",
            "policies/payroll/index.html"
        ]
    );
    for (path, bytes) in &built {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("for/governors/payroll"),
            "{} links to the omitted view",
            path.display()
        );
    }
    // The governors' view of "other" links to the full payroll policy instead.
    let other = site.page("for/governors/other/index.html");
    assert!(other.contains("href=\"../../../policies/payroll/index.html#pay\""));
    assert_eq!(broken_links(&site.root().join("public")), Vec::new());
}

#[test]
fn tagging_mistakes_are_errors_with_file_and_line() {
    let site = Site::new(&[
        ("site.toml", "school = \"S\"\n"),
        (
            "policies/p.md",
            "+++\ntitle = \"P\"\naudiences = [\"staff\", \"parents\"]\n+++\n\n\
             ## A {audience=parnets}\n\n## B {audience=pupils}\n\n## C {audience=staff}\n\n\
             ### D {audience=parents}\n\n## E {audiance=staff}\n",
        ),
    ]);
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    let lines = run.errors();
    assert_eq!(lines.len(), 4, "{}", run.stderr);
    assert_eq!(
        lines[0],
        "./policies/p.md:6: error: unknown audience \"parnets\"; did you mean \"parents\"?"
    );
    assert!(lines[1].starts_with("./policies/p.md:8: error: section \"B\" is tagged for \"pupils\", but the policy's audiences are \"staff\", \"parents\""));
    assert!(lines[2].starts_with("./policies/p.md:12: error: section \"D\" is for \"parents\", but it sits inside \"C\" (line 10)"));
    assert!(
        lines[3].starts_with("./policies/p.md:14: error: unknown heading attribute \"audiance\"")
    );
    assert!(!site.root().join("public").exists());
}

#[test]
fn a_policy_for_pupils_without_their_summary_is_a_warning_naming_the_file() {
    let site = Site::new(&[
        ("site.toml", "school = \"S\"\n"),
        (
            "policies/lunch.md",
            "+++\ntitle = \"Lunch Policy\"\nsummary = \"How we manage the midday meal service.\"\n+++\n\n## Food\n\nHot meals.\n",
        ),
        (
            "policies/staffroom.md",
            "+++\ntitle = \"Staffroom Rules\"\naudiences = [\"staff\"]\n+++\n\n## Kettle\n\nDescale it.\n",
        ),
    ]);
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("[no-pupil-summary]"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert!(
        warnings[0].contains(
            "policies/lunch.md:1: warning: this policy is for pupils but has no summary written for them"
        ),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].contains("add `pupils = \"...\"` under [summaries]"));
}

#[test]
fn an_audience_may_know_a_policy_by_its_own_title() {
    let site = Site::new(&[
        ("site.toml", "school = \"S\"\n"),
        (
            "policies/trips.md",
            &POLICY.replacen(
                "[summaries]",
                "[titles]\npupils = \"Going on a trip\"\n\n[summaries]",
                1,
            ),
        ),
    ]);
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pupils = site.page("for/pupils/index.html");
    assert!(pupils.contains("<h3><a href=\"trips/index.html\">Going on a trip</a></h3>"));
    assert!(
        site.page("for/pupils/all/index.html")
            .contains(">Going on a trip</h2>")
    );
    let view = site.page("for/pupils/trips/index.html");
    assert!(view.contains("<h1 id=\"pw-title\">Going on a trip</h1>"));
    assert!(view.contains("<title>Going on a trip | S</title>"));
    assert!(
        site.page("policies/trips/index.html")
            .contains("<h1 id=\"pw-title\">Trips Policy</h1>")
    );
    assert!(
        site.page("for/parents/index.html")
            .contains(">Trips Policy</a></h3>")
    );
    let bad = Site::new(&[
        ("site.toml", "school = \"S\"\n"),
        (
            "policies/trips.md",
            &POLICY.replacen(
                "[summaries]",
                "[titles]\npupil = \"Trips\"\n\n[summaries]",
                1,
            ),
        ),
    ]);
    let run = bad.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("error: [titles] names unknown audience \"pupil\""),
        "{}",
        run.stderr
    );
}

#[test]
fn a_pupils_view_has_no_governance_clutter() {
    let overdue = POLICY
        .replacen("approved = \"2026-09-01\"", "approved = \"2024-09-01\"", 1)
        .replacen(
            "review = \"Summer 2027\"",
            "review = \"Summer 2025\"\nstatutory = true",
            1,
        );
    let site = Site::new(&[
        ("site.toml", "school = \"S\"\n"),
        ("policies/trips.md", &overdue),
    ]);
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let parents = site.page("for/parents/trips/index.html");
    assert!(parents.contains("class=\"notice notice-overdue\""));
    assert!(parents.contains("<dt>Statutory</dt>"));
    let pupils = site.page("for/pupils/trips/index.html");
    assert!(!pupils.contains("overdue"), "{pupils}");
    assert!(!pupils.contains("class=\"policy-meta\""));
    assert!(!pupils.contains("Statutory"));
    assert!(!pupils.contains("Approved"));
    // The whole policy stays one link away.
    assert!(pupils.contains(
        "<a href=\"../../../policies/trips/index.html\">The whole Trips Policy, for grown-ups</a>"
    ));
}

#[test]
fn labels_say_only_what_helps_when_a_policy_addresses_some_readers() {
    let site = Site::new(&[
        ("site.toml", "school = \"S\"\n"),
        (
            "policies/pay.md",
            "+++\ntitle = \"Pay\"\naudiences = [\"staff\", \"governors\"]\n+++\n\n\
             ## Scales\n\nThe scales.\n\n## Appeals {audience=governors}\n\nThe panel.\n",
        ),
    ]);
    assert_eq!(site.build(&[]).code, 0);
    let full = site.page("policies/pay/index.html");
    assert!(full.contains("<h2>Scales</h2>\n<p class=\"audience-label\">For everyone</p>"));
    assert!(full.contains("<h2>Appeals</h2>\n<p class=\"audience-label\">For: Governors</p>"));
    let staff = site.page("for/staff/pay/index.html");
    assert!(!staff.contains("audience-label"), "{staff}");
}
