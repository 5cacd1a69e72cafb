//! The statutory checklist end to end: duties by school type and phase, each
//! status on `compliance/index.html`, the `[missing-duty]` warnings and
//! `check --strict`, default review cycles, withdrawn policies' pages and their
//! absence everywhere else, and drafts.

mod support;

use support::site_with as site;
use support::{Site, attributes, broken_links};

/// The checklist's rows: (data-duty, data-status), in page order.
fn duty_rows(site: &Site) -> Vec<(String, String)> {
    let html = site.page("compliance/index.html");
    html.split("<tr data-duty=\"")
        .skip(1)
        .map(|rest| {
            let id = rest.split('"').next().unwrap().to_string();
            let status = rest
                .split("data-status=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string();
            (id, status)
        })
        .collect()
}

fn status_of<'a>(rows: &'a [(String, String)], id: &str) -> Option<&'a str> {
    rows.iter().find(|(d, _)| d == id).map(|(_, s)| s.as_str())
}

const MAINTAINED_PRIMARY: &str = "school = \"Larkfield Primary School\"\n\
    school_type = \"maintained\"\nphase = \"primary\"\n\
    [[published]]\nduty = \"send-report\"\nurl = \"https://www.larkfield.example.sch.uk/send/\"\n\
    [[duty]]\nid = \"uniform\"\nnot_applicable = \"Larkfield has no uniform.\"\n";

/// Met, met elsewhere, missing, overdue and not applicable, on one page.
fn maintained_primary() -> Site {
    site(
        MAINTAINED_PRIMARY,
        &[
            (
                "behaviour",
                "Behaviour Policy",
                "approved = \"2026-09-01\"\nreview = \"2027-09-01\"\nstatutory = [\"behaviour\", \"behaviour-principles\"]\n",
            ),
            (
                "complaints",
                "Complaints Procedure",
                "approved = \"2025-01-10\"\nreview = \"2026-01-10\"\nstatutory = \"complaints\"\n",
            ),
            (
                "accessibility",
                "Accessibility Plan",
                "approved = \"2025-09-01\"\nstatutory = \"accessibility-plan\"\n",
            ),
        ],
    )
}

#[test]
fn the_checklist_shows_each_status_with_its_hook() {
    let site = maintained_primary();
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = duty_rows(&site);
    assert_eq!(status_of(&rows, "behaviour"), Some("met"));
    assert_eq!(status_of(&rows, "behaviour-principles"), Some("met"));
    assert_eq!(status_of(&rows, "send-report"), Some("met-elsewhere"));
    assert_eq!(status_of(&rows, "complaints"), Some("overdue"));
    assert_eq!(status_of(&rows, "uniform"), Some("not-applicable"));
    assert_eq!(status_of(&rows, "health-and-safety"), Some("missing"));
    assert_eq!(status_of(&rows, "accessibility-plan"), Some("met"));
    // A maintained primary: no secondary careers duty, no independent-school standard.
    assert_eq!(status_of(&rows, "careers"), None);
    assert_eq!(status_of(&rows, "curriculum"), None);
    let ids: Vec<&str> = rows.iter().map(|(d, _)| d.as_str()).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "each duty has one row");

    let html = site.page("compliance/index.html");
    assert!(html.contains("<h2 id=\"pw-must-have\">Policies the school must have</h2>"));
    assert!(html.contains("<h2 id=\"pw-must-publish\">Information the school must publish</h2>"));
    assert!(html.contains("Larkfield has no uniform."));
    assert!(html.contains("href=\"https://www.larkfield.example.sch.uk/send/\""));
    assert!(html.contains("href=\"../policies/behaviour/index.html\""));
    assert!(html.contains("last checked against the Department for Education"));
    assert!(
        attributes(&html, "href")
            .iter()
            .any(|h| h.starts_with("https://www.gov.uk/")),
        "each row links its source"
    );
    // Linked from the tracker, the governors' page and every footer.
    assert!(
        site.page("reviews/index.html")
            .contains("href=\"../compliance/index.html\"")
    );
    assert!(
        site.page("for/governors/index.html")
            .contains("href=\"../../compliance/index.html\"")
    );
    assert!(
        site.page("index.html")
            .contains("href=\"compliance/index.html\"")
    );
    assert!(broken_links(&site.root().join("public")).is_empty());
}

#[test]
fn missing_and_overdue_duties_warn_and_fail_strict() {
    let site = maintained_primary();
    let run = site.run(&["check", ".", "--today", "2026-11-21"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings = run.diagnostics();
    assert!(warnings.contains(
        &"./site.toml:2: warning: no policy meets the statutory duty \"health-and-safety\" (Health and safety policy); \
          add statutory = \"health-and-safety\" to the policy that does, or say in site.toml where it is published \
          ([[published]]) or why it does not apply ([[duty]] with not_applicable) [missing-duty]"
    ), "{warnings:#?}");
    assert!(warnings.iter().any(|w| w.starts_with("./policies/complaints.md:4: warning: this policy meets the statutory duty \"complaints\"")
        && w.ends_with("[missing-duty]")), "{warnings:#?}");
    assert!(
        !warnings
            .iter()
            .any(|w| w.contains("\"uniform\"") || w.contains("\"send-report\""))
    );
    let strict = site.run(&["check", ".", "--strict", "--today", "2026-11-21"]);
    assert_eq!(strict.code, 1);
}

#[test]
fn a_statutory_policy_without_a_review_date_gets_its_duty_cycle() {
    let site = maintained_primary();
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The accessibility plan covers three years: approved 1 September 2025, due 1 September 2028.
    let rows = site.page("reviews/index.html");
    assert!(
        rows.contains(
            "data-policy=\"accessibility\" data-status=\"current\" data-due=\"2028-09-01\""
        ),
        "{rows}"
    );
    let page = site.page("policies/accessibility/index.html");
    assert!(page.contains("Yes: Accessibility plan"));
    assert!(page.contains("follows the usual cycle for this duty (every 3 years)"));
}

#[test]
fn a_site_without_a_school_type_has_no_checklist() {
    let site = site(
        "school = \"Larkfield Primary School\"\n",
        &[(
            "behaviour",
            "Behaviour Policy",
            "statutory = \"behaviour\"\n",
        )],
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site.root().join("public/compliance").exists());
    assert!(!run.stderr.contains("[missing-duty]"));
    assert!(!site.page("index.html").contains("compliance/"));
}

#[test]
fn each_school_type_has_its_own_duties() {
    let rows = |school_type: &str, phase: &str| {
        let site = site(
            &format!("school = \"S\"\nschool_type = \"{school_type}\"\nphase = \"{phase}\"\n"),
            &[],
        );
        let run = site.build(&[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        duty_rows(&site)
    };
    let academy = rows("academy", "secondary");
    assert_eq!(status_of(&academy, "careers"), Some("missing"));
    assert_eq!(
        status_of(&academy, "governors-allowances"),
        None,
        "maintained schools only"
    );
    let independent = rows("independent", "primary");
    assert_eq!(status_of(&independent, "anti-bullying"), Some("missing"));
    assert_eq!(status_of(&independent, "send-report"), None);
    let nursery = rows("maintained", "nursery");
    assert_eq!(status_of(&nursery, "pupil-premium"), None);
    assert_eq!(status_of(&nursery, "child-protection"), Some("missing"));
}

#[test]
fn a_misspelt_duty_is_an_error_with_a_suggestion() {
    let site = site(
        MAINTAINED_PRIMARY,
        &[(
            "behaviour",
            "Behaviour Policy",
            "statutory = \"behavour\"\n",
        )],
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    let errors: Vec<&str> = run
        .diagnostics()
        .into_iter()
        .filter(|d| d.contains(": error: "))
        .collect();
    assert_eq!(
        errors,
        [
            "./policies/behaviour.md:3: error: statutory names unknown duty \"behavour\"; did you mean \"behaviour\"?"
        ]
    );
    assert!(!site.root().join("public").exists(), "nothing is published");
}

#[test]
fn a_withdrawn_policy_keeps_a_page_at_its_old_addresses_and_leaves_every_list() {
    let site = site(
        "school = \"Larkfield Primary School\"\nbase_url = \"https://www.larkfield.example.sch.uk/policies/\"\n",
        &[
            (
                "e-safety",
                "E-Safety Policy",
                "status = \"withdrawn\"\nwithdrawn = \"2026-09-01\"\nreplaced_by = \"online-safety\"\nreview = \"2026-01-01\"\n",
            ),
            (
                "online-safety",
                "Online Safety Policy",
                "review = \"2027-09-01\"\napproved = \"2026-09-01\"\n",
            ),
        ],
    );
    site.write(
        "pages/about.md",
        "+++\ntitle = \"About\"\n+++\n\nSee the [old policy](policy:e-safety).\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.diagnostics(),
        [
            "./pages/about.md:5: warning: link to policy \"e-safety\" is withdrawn; link to its replacement instead: policy:online-safety [withdrawn-link]"
        ]
    );
    let page = site.page("policies/e-safety/index.html");
    assert!(
        page.contains(
            "This policy has been withdrawn (<time datetime=\"2026-09-01\">1 September 2026</time>)"
        ),
        "{page}"
    );
    assert!(page.contains("replaced by the <a href=\"../../policies/online-safety/index.html\">Online Safety Policy</a>"));
    let view = site.page("for/parents/e-safety/index.html");
    assert!(
        view.contains("href=\"../../../for/parents/online-safety/index.html\""),
        "{view}"
    );
    // Gone from every list: home, tracker, audience pages, feed, sitemap, calendar.
    for file in [
        "index.html",
        "reviews/index.html",
        "for/parents/index.html",
        "feed.xml",
        "sitemap.xml",
        "reviews.ics",
    ] {
        assert!(
            !site.page(file).contains("E-Safety"),
            "{file} lists the withdrawn policy"
        );
        assert!(
            !site.page(file).contains("policies/e-safety/"),
            "{file} links the withdrawn policy"
        );
    }
    // No overdue warning for a withdrawn policy.
    assert!(!run.stderr.contains("overdue"));
    assert!(broken_links(&site.root().join("public")).is_empty());
}

#[test]
fn withdrawn_mistakes_are_errors_at_their_line() {
    let site = site(
        "school = \"S\"\n",
        &[
            (
                "old",
                "Old Policy",
                "status = \"withdrawn\"\nreplaced_by = \"new-polcy\"\n",
            ),
            ("new-policy", "New Policy", "replaced_by = \"old\"\n"),
            ("odd", "Odd Policy", "status = \"witdrawn\"\n"),
        ],
    );
    site.write(
        "pages/about.md",
        "+++\ntitle = \"About\"\n+++\n\nSee [a part](policy:old#purpose).\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.errors(),
        [
            "./pages/about.md:5: error: link to \"#purpose\" of policy \"old\", which is withdrawn and has no sections any more",
            "./policies/new-policy.md:3: error: replaced_by is only for a withdrawn policy: add status = \"withdrawn\" or remove replaced_by",
            "./policies/odd.md:3: error: status \"witdrawn\" is not one of current, draft, withdrawn; did you mean \"withdrawn\"?",
            "./policies/old.md:4: error: replaced_by: policy \"new-polcy\" does not exist; did you mean \"new-policy\"?",
        ]
    );
}

#[test]
fn drafts_are_built_only_with_drafts_and_marked_on_every_page() {
    let site = site(
        "school = \"S\"\n",
        &[
            ("behaviour", "Behaviour Policy", "review = \"2027-09-01\"\n"),
            ("uniform", "Uniform Policy", "status = \"draft\"\n"),
        ],
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site.root().join("public/policies/uniform").exists());
    assert!(!site.page("index.html").contains("Uniform Policy"));

    let run = site.build(&["--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.page("policies/uniform/index.html");
    assert!(page.contains("<strong>Draft.</strong> This policy has not been approved yet"));
    assert!(
        site.page("for/parents/uniform/index.html")
            .contains("<strong>Draft.</strong>")
    );
    assert!(
        site.page("index.html")
            .contains("<span class=\"tag tag-draft\">Draft</span>")
    );
    assert!(
        !site
            .page("policies/behaviour/index.html")
            .contains("<strong>Draft.</strong>")
    );
}

#[test]
fn a_link_to_a_draft_left_out_says_why() {
    let site = site(
        "school = \"S\"\n",
        &[
            ("behaviour", "Behaviour Policy", "related = [\"uniform\"]\n"),
            ("uniform", "Uniform Policy", "status = \"draft\"\n"),
        ],
    );
    site.write(
        "pages/about.md",
        "+++\ntitle = \"About\"\n+++\n\nSee the [uniform policy](policy:uniform).\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert!(run.diagnostics().contains(
        &"./pages/about.md:5: error: link to policy \"uniform\", which is a draft and so not published; remove the link until it is approved, or build with --drafts to preview both"
    ), "{:#?}", run.diagnostics());
    assert_eq!(site.build(&["--drafts"]).code, 0);
}
