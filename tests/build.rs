//! `policyweb build`, `check` and `new` end to end: fixture sites built by the
//! real binary, with their HTML, exit codes and error lines checked.

mod support;

use std::fs;

use support::{Site, attributes, broken_links, run_in, tree};

#[test]
fn builds_every_page_of_a_site() {
    let site = Site::fixture("basic");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.diagnostics().is_empty(), "{}", run.stderr);
    assert!(run.stderr.contains("built 2 policies"), "{}", run.stderr);

    let built = tree(&site.root().join("public"));
    for page in [
        "index.html",
        "404.html",
        "reviews/index.html",
        "about/index.html",
        "policies/visitors/index.html",
        "policies/lettings/index.html",
        "for/staff/index.html",
        "for/staff/visitors/index.html",
        "for/staff/lettings/index.html",
        "for/pupils/visitors/index.html",
        "for/governors/lettings/index.html",
        "theme/style.css",
        "theme/policyweb.js",
        ".policyweb",
    ] {
        assert!(
            built.contains_key(std::path::Path::new(page)),
            "missing {page}"
        );
    }
    // Lettings addresses only staff and governors: no other view exists.
    assert!(!built.contains_key(std::path::Path::new("for/parents/lettings/index.html")));
}

#[test]
fn home_page_groups_policies_by_category_with_review_dates() {
    let site = Site::fixture("basic");
    assert_eq!(site.build(&[]).code, 0);
    let home = site.page("index.html");
    assert!(home.contains("<h1>Fixture Primary School policies</h1>"));
    let premises = home.find(">Premises</h3>").expect("Premises heading");
    let safeguarding = home
        .find(">Safeguarding</h3>")
        .expect("Safeguarding heading");
    assert!(premises < safeguarding, "categories sorted by name");
    assert!(home.contains("href=\"policies/visitors/index.html\""));
    assert!(home.contains("Spring 2027, by 31 March 2027"));
    // review_every from approved: 1 September 2026 + 1 year.
    assert!(home.contains("1 September 2027 (every 1 year)"), "{home}");
}

#[test]
fn policy_page_has_metadata_related_history_and_sections() {
    let site = Site::fixture("basic");
    assert_eq!(site.build(&[]).code, 0);
    let page = site.page("policies/visitors/index.html");
    assert!(page.contains("<h1 id=\"pw-title\">Visitors Policy</h1>"));
    for text in [
        // A term by its name, however it was written ("Sum 2025"), and
        // without "by": an approval is not a deadline.
        "<dt>Approved</dt><dd>Summer 2025</dd>",
        "<dt>Approved by</dt><dd>Resources Committee</dd>",
        "<dt>Owner</dt><dd>School Business Manager</dd>",
        "Spring 2027, by 31 March 2027",
    ] {
        assert!(page.contains(text), "missing {text}");
    }
    // A policy the law does not require has no "Statutory" row.
    assert!(!page.contains("<dt>Statutory</dt>"));
    // Related: a policy of the site (relative link) and a document elsewhere.
    assert!(page.contains("<a href=\"../../policies/lettings/index.html\">Lettings Policy</a>"));
    assert!(page.contains("href=\"https://council.example/visitors.pdf\""));
    // History, newest first.
    let added = page.find("Added contractors.").unwrap();
    let first = page.find("First version.").unwrap();
    assert!(added < first);
    // Sections carry the audience hooks; the cross-link is relative.
    assert!(page.contains(
        "<section id=\"staff-duties\" class=\"policy-section\" data-audiences=\"staff\">"
    ));
    assert!(page.contains("href=\"../../policies/lettings/index.html#keys\""));
    // The footnote and its note.
    assert!(page.contains("href=\"#fn-id\""));
    assert!(
        page.contains("<li id=\"fn-id\" value=\"1\"><p>A passport or driving licence.</p></li>")
    );
    // The code block is highlighted with classes, not inline styles.
    assert!(page.contains("<pre class=\"code\" data-lang=\"toml\">"));
    assert!(page.contains("hl-string"));
    // Lettings links back to visitors (body link) as "Referenced by".
    let lettings = site.page("policies/lettings/index.html");
    assert!(lettings.contains("Referenced by"));
    assert!(
        lettings.contains("<a href=\"../../policies/visitors/index.html\">Visitors Policy</a>")
    );
}

#[test]
fn every_error_is_reported_with_file_and_line_and_nothing_is_written() {
    let site = Site::new(&[
        ("site.toml", "school = \"S\"\n"),
        (
            "policies/a.md",
            "+++\ntitle = \"A\"\nreveiw = \"Spring 2027\"\n+++\n\nText.\n",
        ),
        (
            "policies/b.md",
            "+++\nsummary = \"No title\"\naudiences = [\"staff\"]\n+++\n",
        ),
        (
            "policies/c.md",
            "+++\ntitle = \"C\"\nreview = \"Spring\"\n+++\n",
        ),
        ("policies/d.md", "+++\ntitle = \"D\"\nid = \"same\"\n+++\n"),
        ("policies/e.md", "+++\ntitle = \"E\"\nid = \"same\"\n+++\n"),
        (
            "policies/f.md",
            "+++\ntitle = \"F\"\n+++\n\n## For parents {audience=parnets}\n\nSee [x](policy:nope).\n",
        ),
    ]);
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.errors(),
        [
            "./policies/a.md:3: error: unknown key \"reveiw\"; did you mean \"review\"?",
            "./policies/b.md:1: error: the front matter has no title (add title = \"...\")",
            "./policies/c.md:3: error: review: \"Spring\" names a term but no year; write it like \"Spring 2027\"",
            "./policies/e.md:3: error: policy id \"same\" is already used by ./policies/d.md; each policy needs its own id",
            "./policies/f.md:5: error: unknown audience \"parnets\"; did you mean \"parents\"?",
            "./policies/f.md:7: error: link to unknown policy \"nope\"",
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("6 errors, 4 warnings; nothing was published")
    );
    assert!(!site.root().join("public").exists());
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let site = Site::fixture("basic");
    assert_eq!(site.build(&[]).code, 0);
    let before = tree(&site.root().join("public"));
    site.write(
        "policies/visitors.md",
        "+++\ntitle = \"Visitors\"\nreview = \"Smarch 2027\"\n+++\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("policies/visitors.md:3: error: review:")
    );
    assert_eq!(tree(&site.root().join("public")), before);
    let leftovers: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // The lock file stays: removing a lock file races with the next build.
        .filter(|n| n.contains("policyweb") && !n.ends_with(".policyweb-lock"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_template_error_leaves_the_previous_site_untouched() {
    let site = Site::fixture("basic");
    assert_eq!(site.build(&[]).code, 0);
    let before = tree(&site.root().join("public"));
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ nothing_here.title }}\n{% endblock main %}\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.diagnostics()
            .iter()
            .any(|l| l.starts_with("./templates/page.html:3: error: template error:")),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&site.root().join("public")), before);
}

#[test]
fn refuses_an_output_folder_it_did_not_make() {
    let site = Site::fixture("basic");
    site.write("elsewhere/notes.txt", "mine");
    let run = site.build(&["--out", "elsewhere"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("policyweb did not make it"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(site.root().join("elsewhere/notes.txt")).unwrap(),
        "mine"
    );

    for out in [".", ".."] {
        let run = site.build(&["--out", out]);
        assert_eq!(run.code, 1, "--out {out}");
        assert!(
            run.stderr.contains("it is the site folder or holds it"),
            "{}",
            run.stderr
        );
    }
    assert!(site.root().join("policies/visitors.md").exists());

    // Its own output is replaced; a file someone added there is kept
    // (tests/output.rs: the pages of a removed policy are not).
    assert_eq!(site.build(&["--out", "built"]).code, 0);
    fs::write(site.root().join("built/added.html"), "mine").unwrap();
    assert_eq!(site.build(&["--out", "built"]).code, 0);
    assert_eq!(
        fs::read_to_string(site.root().join("built/added.html")).unwrap(),
        "mine"
    );
}

#[test]
fn a_site_template_and_theme_file_override_the_defaults() {
    let site = Site::fixture("basic");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}<h1 class=\"custom\">{{ page_title }}</h1>{{ body | safe }}{% endblock main %}\n",
    );
    site.write("theme/style.css", "body { color: black; }\n");
    site.write(
        "theme/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    assert_eq!(site.build(&[]).code, 0);
    assert!(
        site.page("about/index.html")
            .contains("<h1 class=\"custom\">About this site</h1>")
    );
    // Other templates keep the defaults.
    assert!(
        site.page("policies/visitors/index.html")
            .contains("class=\"policy-meta\"")
    );
    assert_eq!(site.page("theme/style.css"), "body { color: black; }\n");
    assert!(site.root().join("public/theme/logo.svg").exists());
    assert!(site.root().join("public/theme/policyweb.js").exists());
}

#[test]
fn the_same_input_gives_byte_identical_output() {
    let site = Site::fixture("basic");
    assert_eq!(site.build(&["--out", "one"]).code, 0);
    assert_eq!(site.build(&["--out", "two"]).code, 0);
    let one = tree(&site.root().join("one"));
    let two = tree(&site.root().join("two"));
    assert!(one.len() > 10);
    assert_eq!(one, two);
}

#[test]
fn every_relative_link_in_the_example_site_resolves() {
    let out = tempfile::tempdir().unwrap();
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let target = out.path().join("site");
    let run = run_in(
        out.path(),
        &[
            "build",
            content.to_str().unwrap(),
            "--out",
            target.to_str().unwrap(),
            "--today",
            "2026-11-21",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.diagnostics().iter().all(|l| !l.contains("error")),
        "{}",
        run.stderr
    );
    let pages = tree(&target);
    assert!(pages.len() > 60, "{} files", pages.len());
    assert_eq!(broken_links(&target), Vec::new());
    // The editing guide's examples are highlighted.
    let guide = fs::read_to_string(target.join("editing-guide/index.html")).unwrap();
    assert!(
        guide.contains("data-lang=\"toml\"") && guide.contains("hl-"),
        "editing guide is not highlighted"
    );
}

#[test]
fn new_makes_a_site_that_builds_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["new", "school"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = run_in(dir.path(), &["build", "school", "--today", "2026-11-21"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.diagnostics().is_empty(), "{}", run.stderr);
    let home = fs::read_to_string(dir.path().join("school/public/index.html")).unwrap();
    assert!(home.contains("Example Primary School"));
    assert_eq!(broken_links(&dir.path().join("school/public")), Vec::new());
    // It refuses to write over an existing site.
    let again = run_in(dir.path(), &["new", "school"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("not empty"));
}

#[test]
fn bad_usage_exits_with_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        run_in(dir.path(), &["build", "--today", "21/11/2026"]).code,
        2
    );
    assert_eq!(run_in(dir.path(), &["frobnicate"]).code, 2);
    let missing = run_in(dir.path(), &["build"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("no site.toml"),
        "{}",
        missing.stderr
    );
}

#[test]
fn check_reports_without_publishing() {
    let site = Site::fixture("basic");
    let run = site.run(&["check", ".", "--today", "2026-11-21"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("visitors"), "{}", run.stdout);
    assert!(!site.root().join("public").exists());
}

#[test]
fn audience_views_hold_only_their_sections() {
    let site = Site::fixture("basic");
    assert_eq!(site.build(&[]).code, 0);
    let pupils = site.page("for/pupils/visitors/index.html");
    let ids = attributes(&pupils, "data-audiences");
    // The pupils' own section first, then the shared one, folded.
    assert_eq!(
        ids,
        ["pupils", "staff parents pupils governors"],
        "{pupils}"
    );
    assert!(pupils.contains("Grown-ups you do not know wear a lanyard."));
    assert!(!pupils.contains("Staff duties"));
    // A link to a section the pupils' view omits goes to the full policy.
    let staff = site.page("for/staff/visitors/index.html");
    assert!(
        staff.contains("href=\"../../../for/staff/lettings/index.html#keys\""),
        "{staff}"
    );
}

#[test]
fn a_broken_policy_does_not_make_links_to_it_errors_too() {
    let site = Site::new(&[
        ("site.toml", "school = \"S\"\n"),
        ("policies/a.md", "+++\ntitle = \"A\nbroken toml\n+++\n"),
        (
            "policies/b.md",
            "+++\ntitle = \"B\"\nrelated = [\"a\"]\n+++\n\nSee [a](policy:a#x).\n",
        ),
    ]);
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    let lines = run.errors();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with("./policies/a.md:3: error: \"broken toml\" has no value"),
        "{}",
        run.stderr
    );
}
