//! The age-limit data end to end: fixture sites built by the real binary,
//! checked for the tables they render, the errors bad data and bad shortcodes
//! give, stale-data warnings at their boundary, and stale ages in prose.

mod support;

use std::path::Path;
use std::process::Command;

use support::Site;

const DATA: &str = "\
checked = \"2026-09-01\"

[[platform]]
name = \"WhatsApp\"
min_age = 13
note = \"Groups share every member's phone number.\"
source = \"https://example.com/whatsapp-terms\"

[[platform]]
name = \"Chatterbox\"
min_age = 16
source = \"https://example.com/chatterbox-terms\"

[[platform]]
name = \"Roblox\"
min_age = 0
source = \"https://example.com/roblox-terms\"

[[platform]]
name = \"TikTok\"
min_age = 13
source = \"https://example.com/tiktok-terms\"

[[platform]]
name = \"X\"
aliases = [\"Twitter\"]
min_age = 13
source = \"https://example.com/x-terms\"
";

/// A site with the age data above and no policies.
fn new_site() -> Site {
    Site::new(&[
        ("site.toml", "school = \"Fernhill Primary School\"\n"),
        ("data/age-limits.toml", DATA),
    ])
}

/// Writes `policies/ID.md` with a title and `body`, which starts on line 4.
fn policy(site: &Site, id: &str, body: &str) {
    site.write(
        &format!("policies/{id}.md"),
        &format!("+++\ntitle = \"Policy {id}\"\nreview = \"Summer 2027\"\n+++\n{body}"),
    );
}

/// `policyweb build . --today TODAY`.
fn build(site: &Site, today: &str) -> support::Run {
    site.run(&["build", ".", "--today", today])
}

/// `policyweb check . --today TODAY` (and `--strict`).
fn check(site: &Site, today: &str, strict: bool) -> support::Run {
    let mut args = vec!["check", ".", "--today", today];
    if strict {
        args.push("--strict");
    }
    site.run(&args)
}

/// The (platform, age) hooks of every age-table row in `html`, in order.
fn rows(html: &str) -> Vec<(String, u8)> {
    html.split("<tr data-platform=\"")
        .skip(1)
        .map(|rest| {
            let (name, rest) = rest.split_once('"').unwrap();
            let age = rest
                .strip_prefix(" data-min-age=\"")
                .and_then(|r| r.split_once('"'))
                .map(|(age, _)| age.parse().unwrap())
                .unwrap();
            (name.to_string(), age)
        })
        .collect()
}

fn row(name: &str, age: u8) -> (String, u8) {
    (name.to_string(), age)
}

fn assert_contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "missing {needle:?} in:\n{haystack}"
    );
}

#[test]
fn a_stale_age_in_prose_is_a_warning_with_its_file_and_line() {
    let site = new_site();
    policy(
        &site,
        "social-media",
        "## Minimum ages\n\
         \n\
         Class groups are popular, but WhatsApp has a requirement of 16 or above.\n\
         \n\
         - Twitter users must be 18 or over.\n",
    );
    let run = build(&site, "2026-11-21");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.diagnostics(),
        [
            "./policies/social-media.md:7: warning: this says the minimum age for WhatsApp is \
             16 (\"16 or above\"), but ./data/age-limits.toml gives 13 (checked 1 September \
             2026); show the ages with {{ age_limits(platforms=[\"WhatsApp\"]) }} instead of \
             typing them [age-claim]",
            "./policies/social-media.md:9: warning: this says the minimum age for Twitter is \
             18 (\"18 or over\"), but ./data/age-limits.toml gives 13 (checked 1 September \
             2026); show the ages with {{ age_limits(platforms=[\"X\"]) }} instead of typing them [age-claim]",
        ]
    );
    let checked = check(&site, "2026-11-21", true);
    assert_eq!(checked.code, 1, "{}", checked.stderr);
    assert_eq!(checked.diagnostics().len(), 2, "{}", checked.stderr);
}

#[test]
fn prose_that_agrees_or_gives_no_age_is_not_warned_about() {
    let site = new_site();
    policy(
        &site,
        "online-safety",
        "Most social media sites have a minimum age of 13.\n\
         \n\
         WhatsApp has a minimum age of 13, and Chatterbox is for users aged 16 or over.\n\
         \n\
         WhatsApp lowered its minimum age from 16 to 13 in 2024.\n\
         \n\
         Pupils in Year 6 must not use TikTok in school, and 40% of them say they do.\n\
         \n\
         | Platform | Minimum age |\n\
         |---|---|\n\
         | TikTok | 13 |\n\
         | Roblox | none |\n\
         \n\
         Parents should check the apps their child uses.\n",
    );
    let run = build(&site, "2026-11-21");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.diagnostics(), Vec::<&str>::new());
    let checked = check(&site, "2026-11-21", true);
    assert_eq!(checked.code, 0, "{}", checked.stderr);
}

#[test]
fn a_hard_coded_table_with_a_stale_row_is_caught() {
    let site = new_site();
    policy(
        &site,
        "social-media",
        "Published age limits:\n\
         \n\
         | App | Minimum age |\n\
         |---|---|\n\
         | TikTok | 13 |\n\
         | WhatsApp | 16 |\n",
    );
    let run = build(&site, "2026-11-21");
    let lines = run.diagnostics();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with(
            "./policies/social-media.md:10: warning: this says the minimum age for WhatsApp is 16,"
        ),
        "{}",
        lines[0]
    );
}

#[test]
fn the_age_page_shows_every_platform_by_age_then_name() {
    let site = new_site();
    let run = build(&site, "2026-11-21");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.page("age-limits/index.html");
    assert_eq!(
        rows(&html),
        [
            row("Roblox", 0),
            row("TikTok", 13),
            row("WhatsApp", 13),
            row("X", 13),
            row("Chatterbox", 16),
        ]
    );
    assert_contains(&html, "<table class=\"age-limits\">");
    assert_contains(
        &html,
        "last checked on <time datetime=\"2026-09-01\">1 September 2026</time>",
    );
    for source in ["whatsapp", "chatterbox", "roblox", "tiktok", "x"] {
        assert_contains(
            &html,
            &format!("<a href=\"https://example.com/{source}-terms\">"),
        );
    }
    assert_contains(&html, "Groups share every member&#39;s phone number.");
    assert_contains(&html, "25 July 2025");
    assert_contains(&html, "App-store ratings");
    assert!(
        !html.contains("may be out of date"),
        "fresh data is not stale"
    );
    assert!(
        !html.contains("see every platform"),
        "the full table is complete"
    );
}

#[test]
fn parents_and_pupils_landing_pages_show_and_link_the_table() {
    let site = new_site();
    build(&site, "2026-11-21");
    let parents = site.page("for/parents/index.html");
    assert_contains(&parents, "<a href=\"#pw-ages\">");
    assert_contains(&parents, "<a href=\"../../age-limits/index.html\">");
    assert_eq!(rows(&parents).len(), 5);
    assert_contains(&parents, "<table class=\"age-limits\">");
    let pupils = site.page("for/pupils/index.html");
    assert_contains(
        &pupils,
        "You need to be 13 to have your own account on most of these apps. Always ask a grown-up first.",
    );
    assert_contains(&pupils, "<table class=\"age-limits age-limits-plain\">");
    assert_contains(&pupils, "<a href=\"../../age-limits/index.html\">");
    assert_eq!(rows(&pupils).len(), 5);
    assert!(
        !pupils.contains("example.com"),
        "the pupils' table leaves out the sources"
    );
    for other in ["staff", "governors"] {
        let html = site.page(&format!("for/{other}/index.html"));
        assert!(rows(&html).is_empty(), "{other} has no table");
        assert!(!html.contains("pw-ages"), "{other} has no link to it");
    }
}

#[test]
fn show_age_limits_in_site_toml_chooses_the_landing_pages() {
    let site = new_site();
    site.write(
        "site.toml",
        "school = \"Fernhill Primary School\"\n\
         [[audience]]\nid = \"staff\"\nlabel = \"Staff\"\nshow_age_limits = true\n\
         [[audience]]\nid = \"parents\"\nlabel = \"Parents\"\nshow_age_limits = false\n",
    );
    build(&site, "2026-11-21");
    assert_eq!(rows(&site.page("for/staff/index.html")).len(), 5);
    assert!(rows(&site.page("for/parents/index.html")).is_empty());
}

#[test]
fn a_shortcode_renders_the_whole_table_or_the_platforms_named() {
    let site = new_site();
    policy(
        &site,
        "online-safety",
        "Every platform:\n\
         \n\
         {{ age_limits() }}\n\
         \n\
         ## For pupils\n\
         \n\
         {{ age_limits(platforms=[\"WhatsApp\", \"Chatterbox\", \"roblox\", \"WhatsApp\"], plain=true) }}\n",
    );
    let run = build(&site, "2026-11-21");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.page("policies/online-safety/index.html");
    let (full, subset) = html.split_once("<section id=\"for-pupils\"").unwrap();
    assert_eq!(rows(full).len(), 5);
    assert_eq!(
        rows(subset),
        [row("Roblox", 0), row("WhatsApp", 13), row("Chatterbox", 16)]
    );
    assert_contains(
        subset,
        "aria-label=\"How old you need to be for Roblox, WhatsApp and Chatterbox\"",
    );
    assert_contains(subset, "<table class=\"age-limits age-limits-plain\">");
    assert!(!html.contains("{{"), "every call is replaced");
}

#[test]
fn a_partial_table_links_to_every_platform() {
    let site = new_site();
    policy(
        &site,
        "online-safety",
        "## Ages\n\n{{ age_limits(platforms=[\"TikTok\", \"WhatsApp\"]) }}\n",
    );
    let run = build(&site, "2026-11-21");
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (page, root) in [
        ("policies/online-safety/index.html", "../../"),
        ("for/parents/online-safety/index.html", "../../../"),
    ] {
        let html = site.page(page);
        assert_eq!(
            rows(&html),
            [row("TikTok", 13), row("WhatsApp", 13)],
            "{page}"
        );
        assert_contains(
            &html,
            &format!(
                "(a selection; <a href=\"{root}age-limits/index.html\">see every platform</a>)"
            ),
        );
    }
}

#[test]
fn a_pupils_view_always_shows_the_plain_table() {
    let site = new_site();
    policy(
        &site,
        "online-safety",
        "## Ages\n\n{{ age_limits(platforms=[\"TikTok\", \"WhatsApp\"]) }}\n",
    );
    let run = build(&site, "2026-11-21");
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in [
        "policies/online-safety/index.html",
        "for/parents/online-safety/index.html",
        "for/parents/all/index.html",
    ] {
        let html = site.page(page);
        assert_contains(&html, "<table class=\"age-limits\">");
        assert_contains(&html, "<th scope=\"col\">Good to know</th>");
    }
    for page in [
        "for/pupils/online-safety/index.html",
        "for/pupils/all/index.html",
    ] {
        let html = site.page(page);
        assert_contains(&html, "<table class=\"age-limits age-limits-plain\">");
        assert!(!html.contains("Good to know"), "{page}");
        assert_eq!(
            rows(&html),
            [row("TikTok", 13), row("WhatsApp", 13)],
            "{page}"
        );
    }
}

/// Builds a site whose age data is `data`, expecting it to fail with exactly `expected`.
fn assert_bad_data(data: &str, expected: &str) {
    let site = new_site();
    site.write("data/age-limits.toml", data);
    let run = build(&site, "2026-11-21");
    assert_eq!(run.code, 1, "{data}\n{}", run.stderr);
    assert_eq!(run.diagnostics(), [expected], "{data}");
    assert_contains(&run.stderr, "nothing was published");
    assert!(!site.root().join("public").exists());
}

#[test]
fn each_kind_of_bad_data_is_an_error_at_its_line() {
    let row = "min_age = 13\nsource = \"https://example.com/a\"\n";
    assert_bad_data(
        &format!("checked = \"2026-09-01\"\n\n[[platform]]\n{row}"),
        "./data/age-limits.toml:3: error: a [[platform]] needs a name",
    );
    assert_bad_data(
        "checked = \"2026-09-01\"\n[[platform]]\nname = \"A\"\nmin_age = 13.5\nsource = \"https://example.com/a\"\n",
        "./data/age-limits.toml:4: error: min_age of \"A\" must be a whole number from 0 to 21, not 13.5",
    );
    assert_bad_data(
        "checked = \"2026-09-01\"\n[[platform]]\nname = \"A\"\nmin_age = 25\nsource = \"https://example.com/a\"\n",
        "./data/age-limits.toml:4: error: min_age of \"A\" must be a whole number from 0 to 21, not 25",
    );
    assert_bad_data(
        &format!(
            "checked = \"2026-09-01\"\n[[platform]]\nname = \"A\"\n{row}[[platform]]\nname = \"a\"\n{row}"
        ),
        "./data/age-limits.toml:6: error: \"a\" is listed twice (first as \"A\" on line 2)",
    );
    assert_bad_data(
        &format!("checked = \"1 Sept\"\n[[platform]]\nname = \"A\"\n{row}"),
        "./data/age-limits.toml:1: error: checked: \"1 Sept\" is not a date in the form YYYY-MM-DD",
    );
    assert_bad_data(
        "checked = \"2026-09-01\"\n[[platform]]\nname = \"A\"\nmin_age = 13\nsource = \"example.com/terms\"\n",
        "./data/age-limits.toml:5: error: source of \"A\" must be a web address starting with https://, not \"example.com/terms\"",
    );
}

#[test]
fn an_unknown_shortcode_or_bad_arguments_are_errors_at_their_line() {
    let site = new_site();
    policy(
        &site,
        "online-safety",
        "Intro.\n\
         \n\
         {{ agelimits() }}\n\
         \n\
         {{ age_limits(platforms=[WhatsApp]) }}\n\
         \n\
         {{ age_limits(platforms=[\"WhatsApp\", \"MySpace\"]) }}\n\
         \n\
         {{ age_limits(platform=[\"WhatsApp\"]) }}\n",
    );
    let run = build(&site, "2026-11-21");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let p = "./policies/online-safety.md";
    assert_eq!(
        run.diagnostics(),
        [
            format!("{p}:7: error: unknown shortcode \"agelimits\"; did you mean \"age_limits\"?"),
            format!(
                "{p}:9: error: bad arguments to shortcode \"age_limits\": write them as \
                 name=value pairs separated by commas, with text in quotes, e.g. \
                 platforms=[\"WhatsApp\", \"TikTok\"]"
            ),
            format!(
                "{p}:11: error: age_limits names \"MySpace\", which is not in \
                 ./data/age-limits.toml (known: Roblox, TikTok, WhatsApp, X, Chatterbox)"
            ),
            format!(
                "{p}:13: error: age_limits has no argument \"platform\"; did you mean \"platforms\"? (it takes \
                 platforms=[\"Name\", ...] and plain=true)"
            ),
        ]
    );
    assert!(!site.root().join("public").exists());
}

#[test]
fn a_school_can_add_its_own_shortcode() {
    let site = new_site();
    site.write(
        "templates/shortcodes/contact_box.html",
        "<aside class=\"contact\"><p>{{ who }} at {{ school }}: {{ phone }}</p></aside>\n",
    );
    policy(
        &site,
        "complaints",
        "Talk to us first.\n\
         \n\
         {{ contact_box(who=\"The office\", phone=\"01632 960 000\") }}\n",
    );
    let run = build(&site, "2026-11-21");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(
        &site.page("policies/complaints/index.html"),
        "<aside class=\"contact\"><p>The office at Fernhill Primary School: 01632 960 000</p></aside>",
    );
}

#[test]
fn an_error_in_a_schools_shortcode_names_the_call_and_the_template() {
    let site = new_site();
    site.write(
        "templates/shortcodes/contact_box.html",
        "<aside>\n{{ who }} {{ nobody.name }}\n</aside>\n",
    );
    policy(&site, "complaints", "\n{{ contact_box(who=\"Office\") }}\n");
    let run = build(&site, "2026-11-21");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines = run.diagnostics();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    let template = Path::new("./templates/shortcodes/contact_box.html");
    assert!(
        lines[0].starts_with("./policies/complaints.md:6: error: shortcode \"contact_box\""),
        "{}",
        lines[0]
    );
    assert_contains(lines[0], &template.display().to_string());
}

/// A site whose data was checked on 21 November 2025.
fn checked_a_year_ago(site_toml_extra: &str) -> Site {
    let site = new_site();
    site.write(
        "data/age-limits.toml",
        &DATA.replace("2026-09-01", "2025-11-21"),
    );
    site.write(
        "site.toml",
        &format!("school = \"Fernhill Primary School\"\n{site_toml_extra}"),
    );
    policy(
        &site,
        "online-safety",
        "{{ age_limits(platforms=[\"TikTok\"]) }}\n",
    );
    site
}

const STALE: &str = "./data/age-limits.toml:1: warning: the minimum ages were last checked \
                     on 21 November 2025, more than 12 months ago (age_data_max_age_months in \
                     site.toml): check each platform's terms, then update checked [stale-age-data]";

#[test]
fn ages_checked_exactly_the_maximum_age_ago_are_not_stale() {
    let site = checked_a_year_ago("");
    let run = build(&site, "2026-11-21");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.diagnostics(), Vec::<&str>::new());
    for page in [
        "age-limits/index.html",
        "policies/online-safety/index.html",
        "for/parents/index.html",
        "for/pupils/index.html",
    ] {
        let html = site.page(page);
        assert_contains(&html, "21 November 2025");
        assert!(!html.contains("age-limits-stale"), "{page}");
    }
    let checked = check(&site, "2026-11-21", true);
    assert_eq!(checked.code, 0, "{}", checked.stderr);
}

#[test]
fn one_day_later_they_are_stale_everywhere() {
    let site = checked_a_year_ago("");
    let run = build(&site, "2026-11-22");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.diagnostics(), [STALE]);
    for page in [
        "age-limits/index.html",
        "policies/online-safety/index.html",
        "for/parents/index.html",
    ] {
        assert_contains(
            &site.page(page),
            "<p class=\"notice age-limits-stale\"><strong>These ages may be out of date.</strong> \
             They were last checked on <time datetime=\"2025-11-21\">21 November 2025</time>, \
             more than 12 months ago.",
        );
    }
    assert_contains(
        &site.page("for/pupils/index.html"),
        "They may have changed since then, so ask a grown-up to check.",
    );
    let lenient = check(&site, "2026-11-22", false);
    assert_eq!(lenient.code, 0, "{}", lenient.stderr);
    assert_eq!(lenient.diagnostics(), [STALE]);
    let strict = check(&site, "2026-11-22", true);
    assert_eq!(strict.code, 1, "{}", strict.stderr);
}

#[test]
fn age_data_max_age_months_moves_the_boundary() {
    let site = checked_a_year_ago("age_data_max_age_months = 6\n");
    let fresh = check(&site, "2026-05-21", true);
    assert_eq!(fresh.code, 0, "{}", fresh.stderr);
    let stale = check(&site, "2026-05-22", true);
    assert_eq!(stale.code, 1, "{}", stale.stderr);
    assert_eq!(
        stale.diagnostics(),
        [STALE.replace("more than 12 months", "more than 6 months")]
    );
}

#[test]
fn the_example_site_builds_without_age_warnings() {
    let out = tempfile::tempdir().unwrap();
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let output = Command::new(env!("CARGO_BIN_EXE_policyweb"))
        .args(["build", "--today", "2026-11-21", "--out"])
        .arg(out.path().join("public"))
        .arg(&content)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("age-limits.toml"), "{stderr}");
    assert!(!stderr.contains("minimum age"), "{stderr}");
    let html = std::fs::read_to_string(out.path().join("public/age-limits/index.html")).unwrap();
    let ages = rows(&html);
    assert!(ages.len() >= 10, "{ages:?}");
    assert!(ages.contains(&row("WhatsApp", 13)));
    assert!(html.matches("<a href=\"https://").count() >= ages.len());
}
