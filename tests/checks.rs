//! The checks an editor relies on: warning kinds, `check --format json`,
//! did-you-mean hints, plain TOML messages, review dates no one can forget,
//! accepted warnings and stale references to law and guidance.

mod support;

use serde_json::Value;
use support::site_with as site;
use support::{Site, policy};

fn check(site: &Site, extra: &[&str]) -> support::Run {
    let mut args = vec!["check", ".", "--today", "2026-11-21"];
    args.extend_from_slice(extra);
    site.run(&args)
}

#[test]
fn check_json_has_every_diagnostic_policy_and_duty() {
    let site = site(
        "school = \"Larkfield Primary School\"\nschool_type = \"maintained\"\nphase = \"primary\"\n\
         [[published]]\nduty = \"send-report\"\nurl = \"https://www.larkfield.example.sch.uk/send/\"\n",
        &[
            (
                "behaviour",
                "Behaviour Policy",
                "approved = \"2026-09-01\"\nreview = \"2027-09-01\"\nstatutory = \"behaviour\"\nowner = \"Headteacher\"\n",
            ),
            (
                "complaints",
                "Complaints Procedure",
                "approved = \"Spring 2025\"\nreview = \"Spring 2026\"\nstatutory = \"complaints\"\n",
            ),
        ],
    );
    let run = check(&site, &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).expect("check --format json prints JSON");
    assert_eq!(doc["format"], 1);
    assert_eq!(doc["today"], "2026-11-21");

    let diagnostics = doc["diagnostics"].as_array().unwrap();
    assert_eq!(
        doc["summary"]["warnings"].as_u64().unwrap() as usize,
        diagnostics.len()
    );
    assert_eq!(doc["summary"]["errors"], 0);
    let overdue = diagnostics
        .iter()
        .find(|d| d["kind"] == "overdue")
        .expect("the overdue complaints review");
    assert_eq!(overdue["file"], "./policies/complaints.md");
    assert_eq!(overdue["line"], 4);
    assert_eq!(overdue["severity"], "warning");
    assert!(
        overdue["message"]
            .as_str()
            .unwrap()
            .starts_with("review of \"Complaints Procedure\" is")
    );
    assert!(diagnostics.iter().any(|d| d["kind"] == "missing-duty"));

    // Policies in tracker order: the overdue one first.
    let policies = doc["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 2);
    assert_eq!(policies[0]["id"], "complaints");
    assert_eq!(policies[0]["status"], "overdue");
    assert_eq!(policies[0]["review"]["written"], "Spring 2026");
    assert_eq!(policies[0]["review"]["date"], "2026-03-31");
    assert_eq!(policies[1]["id"], "behaviour");
    assert_eq!(policies[1]["status"], "current");
    assert_eq!(policies[1]["owner"], "Headteacher");
    assert_eq!(policies[1]["statutory"], serde_json::json!(["behaviour"]));

    let duties = doc["duties"].as_array().unwrap();
    let duty = |id: &str| {
        duties
            .iter()
            .find(|d| d["id"] == id)
            .unwrap_or_else(|| panic!("duty {id} in {duties:#?}"))
    };
    assert_eq!(duty("behaviour")["status"], "met");
    assert_eq!(duty("behaviour")["policy"], "behaviour");
    assert_eq!(duty("complaints")["status"], "overdue");
    assert_eq!(duty("send-report")["status"], "met-elsewhere");
    assert_eq!(
        duty("send-report")["published_at"],
        "https://www.larkfield.example.sch.uk/send/"
    );
    assert_eq!(duty("health-and-safety")["status"], "missing");
    assert_eq!(duty("health-and-safety")["policy"], Value::Null);
    assert!(
        duty("behaviour")["source"]
            .as_str()
            .unwrap()
            .starts_with("https://www.gov.uk/")
    );

    // The human form prints the table instead, and the same warnings.
    let human = check(&site, &[]);
    assert!(human.stdout.starts_with("STATUS"), "{}", human.stdout);
    assert_eq!(human.diagnostics().len(), diagnostics.len());
}

#[test]
fn check_json_reports_errors_when_the_site_cannot_load() {
    let site = site("school = \"Larkfield\"\nreveiw_warning_days = 3\n", &[]);
    let run = check(&site, &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["summary"]["errors"], 1);
    assert_eq!(doc["diagnostics"][0]["severity"], "error");
    assert_eq!(doc["diagnostics"][0]["kind"], Value::Null);
    assert_eq!(doc["diagnostics"][0]["file"], "./site.toml");
    assert_eq!(doc["policies"], serde_json::json!([]));
    assert_eq!(doc["duties"], Value::Null);
}

#[test]
fn every_warning_ends_with_its_kind() {
    let site = site(
        "school = \"Larkfield\"\n",
        &[(
            "trips",
            "Educational Visits",
            "approved = \"2025-11-01\"\nreview = \"2026-11-01\"\n",
        )],
    );
    site.write(
        "pages/about.md",
        "+++\ntitle = \"About\"\n+++\n\nHello <marquee>there</marquee>.\n",
    );
    let run = check(&site, &[]);
    let lines = run.diagnostics();
    assert!(!lines.is_empty());
    for line in &lines {
        let kind = line
            .rsplit_once(" [")
            .and_then(|(_, k)| k.strip_suffix(']'))
            .unwrap_or_else(|| panic!("no kind at the end of {line}"));
        assert!(
            kind.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{line}"
        );
    }
    assert!(lines.iter().any(|l| l.ends_with("[overdue]")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.ends_with("[html]")), "{lines:#?}");
}

#[test]
fn misspelt_names_get_the_nearest_valid_one_and_only_when_close() {
    let site = site(
        "school = \"Larkfield\"\nreview_warnings_days = 30\n",
        &[(
            "child-protection",
            "Child Protection",
            "review = \"Spring 2027\"\n",
        )],
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.diagnostics(),
        [
            "./site.toml:2: error: unknown key \"review_warnings_days\"; did you mean \"review_warning_days\"?"
        ]
    );

    site.write("site.toml", "school = \"Larkfield\"\n");
    site.write(
        "pages/about.md",
        "+++\ntitle = \"About\"\n+++\n\n## Contact {#contact}\n\n\
         See [the policy](policy:t) and [the other](policy:child-protectoin).\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.diagnostics(),
        [
            "./pages/about.md:7: error: link to unknown policy \"child-protectoin\"; did you mean \
             \"child-protection\"?",
            "./pages/about.md:7: error: link to unknown policy \"t\"",
        ]
    );

    site.write(
        "pages/about.md",
        "+++\ntitle = \"About\"\n+++\n\n## Contact {#contact audiance=parents}\n\nHello.\n",
    );
    site.write(
        "policies/child-protection.md",
        &policy("Child Protection", "review = \"Sprng 2027\"\n"),
    );
    let run = site.build(&[]);
    assert_eq!(
        run.errors(),
        [
            "./pages/about.md:5: error: unknown heading attribute \"audiance\"; did you mean \
             \"audience\"? write it like {#anchor audience=staff}",
            "./policies/child-protection.md:3: error: review: \"Sprng 2027\" is not a date policyweb \
             understands; did you mean \"Spring 2027\"?",
        ]
    );
}

#[test]
fn reviews_no_one_can_forget() {
    let site = site(
        "school = \"Larkfield\"\n",
        &[
            ("trips", "Educational Visits", ""),
            (
                "lettings",
                "Lettings",
                "review = \"none\"\nreview_reason = \"Updated whenever the charges change.\"\n",
            ),
            ("uniform", "Uniform", "review = \"Summer 2027\"\n"),
        ],
    );
    let run = check(&site, &["--strict"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.diagnostics(),
        [
            "./policies/trips.md:1: warning: \"Educational Visits\" has no review date, so no one \
          will be told when it is due: add review = \"Spring 2027\" or review_every = \"1 year\" \
          (or, for a document that is never reviewed, review = \"none\" with review_reason = \
          \"...\") [no-review-date]"
        ]
    );

    site.write(
        "policies/trips.md",
        &policy("Educational Visits", "review = \"none\"\n"),
    );
    site.write(
        "policies/uniform.md",
        &policy(
            "Uniform",
            "approved = \"2026-09-01\"\nreview = \"Summer 2026\"\nreview_reason = \"x\"\n",
        ),
    );
    site.write(
        "policies/lettings.md",
        &policy(
            "Lettings",
            "approved = \"2027-01-10\"\nreview = \"Spring 2028\"\n",
        ),
    );
    let run = check(&site, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.errors(),
        [
            "./policies/lettings.md:3: error: approved is 10 January 2027, which has not happened \
             yet (today is 21 November 2026): give the day the governors approved it, or status = \
             \"draft\" until they do",
            "./policies/trips.md:3: error: review = \"none\" needs a reason on the next line: \
             review_reason = \"Why this document is not reviewed\"",
            "./policies/uniform.md:4: error: the review (Summer 2026, by 31 July 2026) is before the \
             approval (1 September 2026): the next review comes after the policy is approved; check \
             both dates",
            "./policies/uniform.md:5: error: review_reason is only for a document that is never \
             reviewed: write review = \"none\" too, or remove review_reason",
        ]
    );
}

#[test]
fn accepted_warnings_are_on_the_record_until_the_next_review() {
    let site = Site::new(&[
        ("site.toml", "school = \"Larkfield\"\n"),
        (
            "data/age-limits.toml",
            "checked = \"2026-09-01\"\n\n[[platform]]\nname = \"WhatsApp\"\nmin_age = 13\n\
             source = \"https://www.whatsapp.com/legal/terms-of-service-eea\"\n",
        ),
    ]);
    let front = "approved = \"2026-09-01\"\nreview = \"2027-09-01\"\n\
                 [[accept]]\nkind = \"age-claim\"\ntext = \"WhatsApp has a requirement of 16\"\n\
                 reason = \"Approved wording; to be corrected at the next review.\"\n\
                 [[accept]]\nkind = \"html\"\nreason = \"Nothing to accept.\"\n";
    let body = "\n## Apps\n\nWhatsApp has a requirement of 16 for its users.\n\n\
                Pupils should know that WhatsApp is for those aged 16 or over.\n";
    site.write(
        "policies/online.md",
        &format!("+++\ntitle = \"Online Safety\"\n{front}+++\n{body}"),
    );
    let run = check(&site, &["--strict"]);
    // One age claim accepted, the other (other words) still a warning, and
    // the [[accept]] of an html warning matches nothing.
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines = run.diagnostics();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert!(lines[0].starts_with("./policies/online.md:9: warning: this [[accept]] of a [html] warning matches no warning"), "{lines:#?}");
    assert!(lines[0].ends_with("[unused-accept]"));
    assert!(
        lines[1].starts_with(
            "./policies/online.md:18: warning: this says the minimum age for WhatsApp is 16"
        ),
        "{lines:#?}"
    );
    assert!(
        run.stdout
            .contains("ACCEPTED (until each policy's next review)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "./policies/online.md:16: warning: this says the minimum age for WhatsApp is 16"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  reason: Approved wording; to be corrected at the next review.")
    );
    assert!(
        run.stderr.contains("0 errors, 2 warnings (1 accepted)"),
        "{}",
        run.stderr
    );

    let json: Value = serde_json::from_str(&check(&site, &["--format", "json"]).stdout).unwrap();
    assert_eq!(json["summary"]["accepted"], 1);
    assert_eq!(json["accepted"][0]["kind"], "age-claim");
    assert_eq!(json["accepted"][0]["line"], 16);
    assert_eq!(
        json["accepted"][0]["reason"],
        "Approved wording; to be corrected at the next review."
    );

    // With only the accepted claim left and the stray entry gone, --strict is green.
    let front = front.split("[[accept]]\nkind = \"html\"").next().unwrap();
    let body = "\n## Apps\n\nWhatsApp has a requirement of 16 for its users.\n";
    site.write(
        "policies/online.md",
        &format!("+++\ntitle = \"Online Safety\"\n{front}+++\n{body}"),
    );
    let run = check(&site, &["--strict"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.diagnostics().is_empty(), "{}", run.stderr);

    // At the review date the acceptance lapses and the warning is back.
    let run = site.run(&["check", ".", "--today", "2027-09-02", "--strict"]);
    assert_eq!(run.code, 1);
    let kinds: Vec<&str> = run
        .diagnostics()
        .iter()
        .filter_map(|l| l.rsplit_once(" [").map(|(_, k)| k))
        .collect();
    assert!(kinds.contains(&"age-claim]"), "{}", run.stderr);
    assert!(kinds.contains(&"unused-accept]"), "{}", run.stderr);
    assert!(kinds.contains(&"overdue]"), "{}", run.stderr);

    // A misspelt kind, and a missing reason, are errors at their line.
    site.write(
        "policies/online.md",
        "+++\ntitle = \"Online Safety\"\nreview = \"2027-09-01\"\n[[accept]]\nkind = \"age-clam\"\nreason = \"x\"\n[[accept]]\nkind = \"overdue\"\n+++\n\n## A\n\nText.\n",
    );
    let run = check(&site, &[]);
    assert_eq!(
        run.errors(),
        [
            "./policies/online.md:5: error: [[accept]] kind \"age-clam\" is not a kind of warning; did you mean \"age-claim\"?",
            "./policies/online.md:7: error: [[accept]] needs a reason, as the governors recorded it: reason = \"Approved wording; to be corrected at the next review.\"",
        ]
    );
}

#[test]
fn stale_references_to_law_and_guidance_are_warnings_at_their_line() {
    let site = site("school = \"Larkfield\"\n", &[]);
    site.write(
        "policies/data.md",
        "+++\ntitle = \"Data Protection\"\nreview = \"Summer 2027\"\n+++\n\n## Law\n\n\
         We follow the Data Protection Act 1998 and\nKeeping Children Safe in Education 2023.\n\n\
         The Data Protection Act 2018 is current.\n",
    );
    let run = check(&site, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines = run.diagnostics();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert_eq!(
        lines[0],
        "./policies/data.md:8: warning: this cites \"Data Protection Act 1998\", which has been \
         replaced since 25 May 2018 by the Data Protection Act 2018 and the UK GDPR: cite that \
         instead (https://www.legislation.gov.uk/ukpga/2018/12/contents) [stale-reference]"
    );
    assert!(lines[1].starts_with(
        "./policies/data.md:8: warning: this cites \"Keeping Children Safe in Education 2023\""
    ));
    // The list says when it was checked; two years on it is stale itself.
    let later = site.run(&["check", ".", "--today", "2028-12-04"]);
    assert!(
        later.stderr.contains(
            "(built-in) references.toml:6: warning: the list of replaced law and guidance was \
             last checked on 3 December 2026"
        ),
        "{}",
        later.stderr
    );
}

#[test]
fn check_drafts_checks_draft_policies_as_build_drafts_builds_them() {
    let site = site(
        "school = \"Larkfield\"\n",
        &[("uniform", "Uniform", "review = \"Summer 2027\"\n")],
    );
    site.write(
        "policies/imported.md",
        "+++\ntitle = \"Imported\"\nstatus = \"draft\"\n+++\n\n## A\n\nSee [the rules](policy:uniforms).\n",
    );
    let run = check(&site, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("imported"), "{}", run.stdout);
    let run = check(&site, &["--drafts"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.errors(),
        [
            "./policies/imported.md:8: error: link to unknown policy \"uniforms\"; did you mean \"uniform\"?"
        ]
    );
    site.write(
        "policies/imported.md",
        "+++\ntitle = \"Imported\"\nstatus = \"draft\"\n+++\n\n## A\n\nSee [the rules](policy:uniform).\n",
    );
    let run = check(&site, &["--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("imported"), "{}", run.stdout);
}
