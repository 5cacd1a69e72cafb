//! Review tracking end to end: due dates from every date form and from
//! `review_every`, status at the boundaries, the tracker's order and counts,
//! the timeline, `reviews.ics` parsed back by an independent iCalendar parser,
//! the Atom feed parsed back, the sitemap, and `check --strict` exit codes.

mod support;

use std::io::BufReader;
use std::path::Path;

use ical::parser::ical::component::IcalEvent;
use support::{Site, attributes, tree};

/// A policy file: `title` plus the front-matter lines in `front`.
fn policy(title: &str, front: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n{front}+++\n\n## Purpose\n\nWhy this policy exists.\n")
}

/// A site with `site.toml` text `config` and policies `(id, title, front)`.
fn site(config: &str, policies: &[(&str, &str, &str)]) -> Site {
    let site = Site::new(&[("site.toml", config)]);
    for (id, title, front) in policies {
        site.write(&format!("policies/{id}.md"), &policy(title, front));
    }
    site
}

const SCHOOL: &str = "school = \"Larkfield Primary School\"\n";
const WITH_BASE: &str = "school = \"Larkfield Primary School\"\nbase_url = \"https://www.larkfield.example.sch.uk/policies/\"\n";

/// Builds `site` as of `today` and expects success.
fn build_on(site: &Site, today: &str) {
    let run = site.run(&["build", ".", "--today", today]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// The tracker's rows: (data-policy, data-status, data-due), in page order.
fn tracker_rows(site: &Site) -> Vec<(String, String, String)> {
    let html = site.page("reviews/index.html");
    html.split("<tr data-policy=")
        .skip(1)
        .map(|rest| {
            let tag = format!(" data-policy={}", &rest[..rest.find('>').unwrap()]);
            let get = |attr: &str| attributes(&tag, attr).pop().unwrap_or_default();
            (get("data-policy"), get("data-status"), get("data-due"))
        })
        .collect()
}

fn row<'a>(rows: &'a [(String, String, String)], id: &str) -> (&'a str, &'a str) {
    let r = rows
        .iter()
        .find(|r| r.0 == id)
        .unwrap_or_else(|| panic!("no row for {id}: {rows:?}"));
    (r.1.as_str(), r.2.as_str())
}

#[test]
fn status_at_the_boundaries_of_the_warning_window() {
    let site = site(
        "school = \"S\"\nreview_warning_days = 30\n",
        &[
            ("yesterday", "Due Yesterday", "review = \"2026-11-20\"\n"),
            ("today", "Due Today", "review = \"2026-11-21\"\n"),
            (
                "last-day",
                "Last Day of Window",
                "review = \"2026-12-21\"\n",
            ),
            ("after", "Day After Window", "review = \"2026-12-22\"\n"),
            ("none", "No Date", ""),
        ],
    );
    build_on(&site, "2026-11-21");
    let rows = tracker_rows(&site);
    assert_eq!(row(&rows, "yesterday"), ("overdue", "2026-11-20"));
    assert_eq!(row(&rows, "today"), ("due-soon", "2026-11-21"));
    assert_eq!(row(&rows, "last-day"), ("due-soon", "2026-12-21"));
    assert_eq!(row(&rows, "after"), ("current", "2026-12-22"));
    assert_eq!(row(&rows, "none"), ("unknown", ""));

    // One day later, what was due today is overdue.
    build_on(&site, "2026-11-22");
    let rows = tracker_rows(&site);
    assert_eq!(row(&rows, "today").0, "overdue");
    assert_eq!(row(&rows, "after").0, "due-soon");
}

#[test]
fn every_date_form_gives_its_due_date() {
    let cases = [
        ("day", "2027-02-14", "2027-02-14", "14 February 2027"),
        ("toml-day", "2027-02-14", "2027-02-14", "14 February 2027"),
        (
            "month",
            "2027-02",
            "2027-02-28",
            "February 2027, by 28 February 2027",
        ),
        (
            "month-words",
            "February 2028",
            "2028-02-29",
            "February 2028, by 29 February 2028",
        ),
        (
            "term",
            "Spring 2027",
            "2027-03-31",
            "Spring 2027, by 31 March 2027",
        ),
        (
            "term-word",
            "Spring term 2027",
            "2027-03-31",
            "Spring 2027, by 31 March 2027",
        ),
        (
            "term-short",
            "Sum 2027",
            "2027-07-31",
            "Summer 2027, by 31 July 2027",
        ),
        (
            "autumn",
            "Aut 2026",
            "2026-12-31",
            "Autumn 2026, by 31 December 2026",
        ),
        (
            "half",
            "Autumn 1 2027",
            "2027-10-31",
            "Autumn 1 2027, by 31 October 2027",
        ),
        (
            "half-short",
            "Sum 1 2027",
            "2027-05-31",
            "Summer 1 2027, by 31 May 2027",
        ),
        (
            "spring-1-leap",
            "Spring 1 2028",
            "2028-02-28",
            "Spring 1 2028, by 28 February 2028",
        ),
    ];
    let policies: Vec<(String, String)> = cases
        .iter()
        .map(|(id, written, _, _)| {
            let value = if *id == "toml-day" {
                (*written).to_string()
            } else {
                format!("\"{written}\"")
            };
            ((*id).to_string(), format!("review = {value}\n"))
        })
        .collect();
    let list: Vec<(&str, &str, &str)> = policies
        .iter()
        .map(|(id, front)| (id.as_str(), id.as_str(), front.as_str()))
        .collect();
    let site = site(SCHOOL, &list);
    build_on(&site, "2026-11-21");
    let rows = tracker_rows(&site);
    let html = site.page("reviews/index.html");
    for (id, _, due, shown) in cases {
        assert_eq!(row(&rows, id).1, due, "{id}");
        assert!(
            html.contains(&format!("<time datetime=\"{due}\">{shown}</time>")),
            "{id}: {shown}"
        );
    }
}

#[test]
fn terms_in_site_toml_move_term_due_dates() {
    let site = site(
        "school = \"S\"\n[terms]\nspring = \"04-14\"\nautumn1 = \"10-25\"\n",
        &[
            ("spring", "Spring", "review = \"Spring 2027\"\n"),
            ("half", "Half", "review = \"Autumn 1 2027\"\n"),
            ("summer", "Summer", "review = \"Summer 2027\"\n"),
        ],
    );
    build_on(&site, "2026-11-21");
    let rows = tracker_rows(&site);
    assert_eq!(row(&rows, "spring").1, "2027-04-14");
    assert_eq!(row(&rows, "half").1, "2027-10-25");
    assert_eq!(row(&rows, "summer").1, "2027-07-31", "the default stays");
    assert!(
        site.page("policies/spring/index.html")
            .contains("Spring 2027, by 14 April 2027")
    );
}

#[test]
fn review_every_counts_from_approved_across_month_ends_and_leap_years() {
    let cases = [
        ("leap-year", "2024-02-29", "1 year", "2025-02-28"),
        ("leap-to-leap", "2024-02-29", "4 years", "2028-02-29"),
        ("month-end", "2026-01-31", "1 month", "2026-02-28"),
        ("month-end-leap", "2024-01-31", "1 month", "2024-02-29"),
        ("half-year", "2025-08-31", "6 months", "2026-02-28"),
        ("from-term", "Summer 2024", "18 months", "2026-01-31"),
        ("annually", "2025-11-21", "annually", "2026-11-21"),
    ];
    let fronts: Vec<(&str, String)> = cases
        .iter()
        .map(|(id, approved, every, _)| {
            (
                *id,
                format!("approved = \"{approved}\"\nreview_every = \"{every}\"\n"),
            )
        })
        .collect();
    let list: Vec<(&str, &str, &str)> = fronts
        .iter()
        .map(|(id, front)| (*id, *id, front.as_str()))
        .collect();
    let site = site(SCHOOL, &list);
    build_on(&site, "2026-11-21");
    let rows = tracker_rows(&site);
    for (id, _, _, due) in cases {
        assert_eq!(row(&rows, id).1, due, "{id}");
    }
    assert_eq!(row(&rows, "annually").0, "due-soon", "due today");
    assert_eq!(row(&rows, "from-term").0, "overdue");
}

#[test]
fn tracker_lists_overdue_then_due_soon_then_by_due_date() {
    let site = site(
        SCHOOL,
        &[
            ("later", "Later", "review = \"2027-09-01\"\n"),
            ("no-date", "Aardvark Without a Date", ""),
            ("soon-b", "Soon B", "review = \"2026-12-31\"\n"),
            ("soon-a", "Soon A", "review = \"2026-12-31\"\n"),
            ("soonest", "Soonest", "review = \"2026-11-30\"\n"),
            ("very-late", "Very Late", "review = \"2025-01-31\"\n"),
            ("late", "Late", "review = \"2026-10-31\"\n"),
            ("current", "Current", "review = \"2027-03-31\"\n"),
        ],
    );
    build_on(&site, "2026-11-21");
    let order: Vec<String> = tracker_rows(&site).into_iter().map(|r| r.0).collect();
    assert_eq!(
        order,
        [
            "very-late",
            "late",
            "soonest",
            "soon-a",
            "soon-b",
            "current",
            "later",
            "no-date"
        ]
    );
    let html = site.page("reviews/index.html");
    for (status, count) in [
        ("overdue", 2),
        ("due-soon", 3),
        ("current", 2),
        ("unknown", 1),
    ] {
        assert!(
            html.contains(&format!(
                "<li data-status=\"{status}\"><span class=\"review-count\">{count}</span>"
            )),
            "{status}: {count}"
        );
    }
    assert!(
        html.contains("2 policies are overdue for review:"),
        "{html}"
    );
    // Status is in words as well as colour.
    assert!(html.contains("<span class=\"status status-overdue\">Overdue</span>"));
    assert!(html.contains("659 days overdue"), "very-late's distance");
}

#[test]
fn tracker_shows_owner_approval_and_the_term_by_its_name() {
    let site = site(
        SCHOOL,
        &[(
            "online-safety",
            "Online Safety",
            "owner = \"Computing Lead\"\napproved_by = \"Resources Committee\"\n\
             approved = \"Sum 2026\"\nreview = \"Spring 2027\"\n",
        )],
    );
    build_on(&site, "2026-11-21");
    let html = site.page("reviews/index.html");
    let tr = &html[html.find("<tr data-policy=\"online-safety\"").unwrap()..];
    let tr = &tr[..tr.find("</tr>").unwrap()];
    assert!(
        tr.contains("data-status=\"current\" data-due=\"2027-03-31\""),
        "{tr}"
    );
    assert!(tr.contains("<td>Computing Lead</td>"), "{tr}");
    assert!(
        tr.contains("Summer 2026<br><span class=\"approved-by\">by Resources Committee</span>"),
        "{tr}"
    );
    assert!(
        tr.contains("<time datetime=\"2027-03-31\">Spring 2027, by 31 March 2027</time>"),
        "{tr}"
    );
    assert!(tr.contains("Up to date"), "{tr}");
}

#[test]
fn timeline_is_an_accessible_picture_with_the_same_data_in_text() {
    let site = site(
        SCHOOL,
        &[
            ("late", "Late", "review = \"2026-10-31\"\n"),
            ("december", "December Review", "review = \"2026-12-15\"\n"),
            ("october", "Next October", "review = \"2027-10-31\"\n"),
            ("too-far", "Too Far", "review = \"2027-11-01\"\n"),
        ],
    );
    build_on(&site, "2026-11-21");
    let html = site.page("reviews/index.html");
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains("aria-labelledby=\"pw-timeline-title pw-timeline-desc\""));
    assert!(
        svg.contains("<title id=\"pw-timeline-title\">Reviews due in the next 12 months</title>")
    );
    assert!(
        svg.contains(
            "<desc id=\"pw-timeline-desc\">Overdue: 1 review; December 2026: 1 review; \
             October 2027: 1 review. The list after the picture names each policy.</desc>"
        ),
        "{svg}"
    );
    // Drawn at build time: nothing is fetched.
    assert!(
        !svg.replace("http://www.w3.org/2000/svg", "")
            .contains("http")
    );
    assert!(svg.contains("<g class=\"tl-block tl-due-soon\"><title>December Review: due 15 December 2026 (Due soon)</title>"));
    assert!(!svg.contains("Too Far"), "past the twelve months");

    let list = &html[html.find("<dl class=\"timeline-list\"").unwrap()..];
    let list = &list[..list.find("</dl>").unwrap()];
    let terms: Vec<&str> = list
        .split("<dt>")
        .skip(1)
        .map(|s| &s[..s.find("</dt>").unwrap()])
        .collect();
    assert_eq!(terms, ["Overdue", "December 2026", "October 2027"]);
    assert!(
        list.contains("Next October</a>: due <time datetime=\"2027-10-31\">31 October 2027</time>")
    );
    assert!(!list.contains("Too Far"));
    // The table still lists it.
    assert_eq!(row(&tracker_rows(&site), "too-far").0, "current");
}

#[test]
fn policy_pages_show_the_next_review_and_an_overdue_notice() {
    let files = [
        ("late", "Late Policy", "review = \"2026-10-31\"\n"),
        ("fine", "Fine Policy", "review = \"Summer 2027\"\n"),
    ];
    let site = site(SCHOOL, &files);
    build_on(&site, "2026-11-21");
    let late = site.page("policies/late/index.html");
    assert!(
        late.contains(
            "<dt>Next review</dt><dd><time datetime=\"2026-10-31\">31 October 2026</time>"
        )
    );
    assert!(late.contains("class=\"notice notice-overdue\""), "{late}");
    let fine = site.page("policies/fine/index.html");
    assert!(fine.contains("Summer 2027, by 31 July 2027"));
    assert!(!fine.contains("notice-overdue"));

    // A school can turn the public notice off; the tracker still says so.
    site.write(
        "site.toml",
        &format!("{SCHOOL}show_overdue_notice = false\n"),
    );
    build_on(&site, "2026-11-21");
    let late = site.page("policies/late/index.html");
    assert!(!late.contains("notice-overdue"), "{late}");
    assert!(late.contains("<time datetime=\"2026-10-31\">31 October 2026</time>"));
    let tracker = site.page("reviews/index.html");
    assert!(tracker.contains("class=\"notice notice-overdue\""));
    assert!(tracker.contains("1 policy is overdue for review:"));
}

#[test]
fn history_renders_as_a_version_history_newest_first() {
    let site = site(
        SCHOOL,
        &[(
            "p",
            "P",
            "[[history]]\ndate = \"2024-06-12\"\nsummary = \"First version.\"\n\
             [[history]]\ndate = 2025-06-11\nsummary = \"Added a section on <trips> & visits.\"\n",
        )],
    );
    build_on(&site, "2026-11-21");
    let html = site.page("policies/p/index.html");
    let history = &html[html.find("<section class=\"history\"").unwrap()..];
    let newer = history
        .find("<time datetime=\"2025-06-11\">11 June 2025</time>")
        .unwrap();
    let older = history
        .find("<time datetime=\"2024-06-12\">12 June 2024</time>")
        .unwrap();
    assert!(newer < older);
    assert!(history.contains("Added a section on &lt;trips&gt; &amp; visits."));
}

// ---- reviews.ics ----

fn property<'a>(event: &'a IcalEvent, name: &str) -> &'a ical::property::Property {
    event
        .properties
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no {name} in {event:?}"))
}

fn value<'a>(event: &'a IcalEvent, name: &str) -> &'a str {
    property(event, name).value.as_deref().unwrap_or_default()
}

fn parse_ics(text: &str) -> Vec<IcalEvent> {
    let calendars: Vec<_> = ical::IcalParser::new(BufReader::new(text.as_bytes()))
        .collect::<Result<_, _>>()
        .expect("reviews.ics parses");
    assert_eq!(calendars.len(), 1);
    calendars.into_iter().next().unwrap().events
}

fn calendar_site(config: &str) -> Site {
    site(
        config,
        &[
            (
                "social-media",
                "Social Media; Staff, Parents",
                "approved = \"October 2025\"\napproved_by = \"Resources Committee\"\n\
                 review = \"October 2026\"\ncategory = \"IT\"\n",
            ),
            (
                "behaviour",
                "Behaviour",
                "approved = \"2026-07-08\"\nreview_every = \"1 year\"\n",
            ),
            ("complaints", "Complaints", "review = \"Spring 2 2027\"\n"),
            ("no-date", "No Date", ""),
        ],
    )
}

#[test]
fn calendar_has_one_all_day_event_per_due_date() {
    let site = calendar_site(WITH_BASE);
    build_on(&site, "2026-11-21");
    let text = site.page("reviews.ics");
    assert!(
        text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"),
        "{text}"
    );
    assert!(
        text.lines().all(|l| l.len() <= 76),
        "lines are folded at 75 octets"
    );
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "CRLF"
    );

    let events = parse_ics(&text);
    let found: Vec<(&str, &str, &str, &str)> = events
        .iter()
        .map(|e| {
            let start = property(e, "DTSTART");
            assert_eq!(
                start.params,
                Some(vec![("VALUE".to_string(), vec!["DATE".to_string()])]),
                "all-day"
            );
            assert!(value(e, "DTSTAMP").ends_with("T000000Z"));
            (
                value(e, "UID"),
                value(e, "DTSTART"),
                value(e, "DTEND"),
                value(e, "SUMMARY"),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "social-media-review-20261031@www.larkfield.example.sch.uk",
                "20261031",
                "20261101",
                "Review due: Social Media\\; Staff\\, Parents",
            ),
            (
                "complaints-review-20270331@www.larkfield.example.sch.uk",
                "20270331",
                "20270401",
                "Review due: Complaints",
            ),
            (
                "behaviour-review-20270708@www.larkfield.example.sch.uk",
                "20270708",
                "20270709",
                "Review due: Behaviour",
            ),
        ]
    );
    let social = &events[0];
    assert_eq!(
        value(social, "DTSTAMP"),
        "20251031T000000Z",
        "from approved"
    );
    assert_eq!(
        value(social, "URL"),
        "https://www.larkfield.example.sch.uk/policies/policies/social-media/"
    );
    assert!(
        value(social, "DESCRIPTION").starts_with("Review due October 2026\\, by 31 October 2026.")
    );
    assert_eq!(
        value(&events[1], "DTSTAMP"),
        "20270331T000000Z",
        "no approval: the due date"
    );

    // The tracker links to it, and offers a subscription.
    let tracker = site.page("reviews/index.html");
    assert!(tracker.contains("href=\"../reviews.ics\""));
    assert!(
        tracker.contains("href=\"webcal://www.larkfield.example.sch.uk/policies/reviews.ics\"")
    );
}

#[test]
fn calendar_is_the_same_on_every_build_and_every_day() {
    let site = calendar_site(WITH_BASE);
    build_on(&site, "2026-11-21");
    let first = site.page("reviews.ics");
    build_on(&site, "2026-11-21");
    assert_eq!(site.page("reviews.ics"), first);
    // Nothing in it depends on the day of the build, so subscribers see no churn.
    build_on(&site, "2027-06-30");
    assert_eq!(site.page("reviews.ics"), first);
}

#[test]
fn calendar_uids_without_a_base_url_come_from_the_school() {
    let site = calendar_site(SCHOOL);
    build_on(&site, "2026-11-21");
    let events = parse_ics(&site.page("reviews.ics"));
    let uids: Vec<&str> = events.iter().map(|e| value(e, "UID")).collect();
    assert_eq!(
        uids,
        [
            "social-media-review-20261031@larkfield-primary-school.policyweb",
            "complaints-review-20270331@larkfield-primary-school.policyweb",
            "behaviour-review-20270708@larkfield-primary-school.policyweb",
        ]
    );
    assert!(
        events
            .iter()
            .all(|e| e.properties.iter().all(|p| p.name != "URL"))
    );
}

// ---- feed.xml and sitemap.xml ----

#[test]
fn feed_lists_history_and_approvals_newest_first() {
    let site = site(
        WITH_BASE,
        &[
            (
                "trips",
                "Trips & \\\"Visits\\\" <Off-site>",
                "approved = \"2026-03-18\"\napproved_by = \"Full Governing Board\"\n\
                 review = \"Spring 2027\"\n\
                 [[history]]\ndate = \"2025-03-19\"\nsummary = \"Added <residentials> & costs.\"\n\
                 [[history]]\ndate = \"2026-03-18\"\nsummary = \"Annual review.\"\n",
            ),
            (
                "uniform",
                "Uniform",
                "approved = \"Summer 2025\"\nreview = \"Summer 2027\"\n",
            ),
            (
                "lettings",
                "Lettings",
                "[[history]]\ndate = \"2026-01-05\"\nsummary = \"New hire charges.\"\n",
            ),
        ],
    );
    build_on(&site, "2026-11-21");
    let xml = site.page("feed.xml");
    let feed = atom_syndication::Feed::read_from(BufReader::new(xml.as_bytes()))
        .expect("feed.xml is valid Atom");
    assert_eq!(feed.title.value, "Larkfield Primary School: policy updates");
    assert_eq!(
        feed.id,
        "https://www.larkfield.example.sch.uk/policies/feed.xml"
    );
    assert_eq!(feed.updated.to_rfc3339(), "2026-03-18T00:00:00+00:00");
    let entries: Vec<(&str, String, &str)> = feed
        .entries
        .iter()
        .map(|e| {
            (
                e.title.value.as_str(),
                e.updated.date_naive().to_string(),
                e.id.as_str(),
            )
        })
        .collect();
    let base = "https://www.larkfield.example.sch.uk/policies/policies";
    assert_eq!(
        entries,
        [
            (
                "Trips & \"Visits\" <Off-site> approved",
                "2026-03-18".to_string(),
                format!("{base}/trips/#history-2026-03-18").as_str()
            ),
            (
                "Lettings updated",
                "2026-01-05".to_string(),
                format!("{base}/lettings/#history-2026-01-05").as_str()
            ),
            (
                "Uniform approved",
                "2025-07-31".to_string(),
                format!("{base}/uniform/#approved-2025-07-31").as_str()
            ),
            (
                "Trips & \"Visits\" <Off-site> updated",
                "2025-03-19".to_string(),
                format!("{base}/trips/#history-2025-03-19").as_str()
            ),
        ]
    );
    let first = &feed.entries[0];
    assert_eq!(
        first.summary.as_ref().unwrap().value,
        "Annual review. Approved 18 March 2026 by Full Governing Board. \
         Next review due Spring 2027, by 31 March 2027."
    );
    assert_eq!(first.links[0].href, format!("{base}/trips/"));
    assert_eq!(
        feed.entries[3].summary.as_ref().unwrap().value,
        "Added <residentials> & costs."
    );
    // The raw XML escapes what it must.
    assert!(
        xml.contains("Trips &amp; &quot;Visits&quot; &lt;Off-site&gt; approved"),
        "{xml}"
    );
    // The tracker, its timeline and the calendar escape the same title.
    let tracker = site.page("reviews/index.html");
    let escaped = "Trips &amp; &quot;Visits&quot; &lt;Off-site&gt;";
    assert!(
        tracker.contains(&format!("<title>{escaped}: due 31 March 2027")),
        "{tracker}"
    );
    assert!(
        tracker.contains(&format!("/index.html\">{escaped}</a></th>")),
        "{tracker}"
    );
    let events = parse_ics(&site.page("reviews.ics"));
    assert!(
        events
            .iter()
            .any(|e| value(e, "SUMMARY") == "Review due: Trips & \"Visits\" <Off-site>")
    );
    // Pages point feed readers at it.
    assert!(site.page("index.html").contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Larkfield Primary School: policy updates\" href=\"feed.xml\">"
    ));
}

#[test]
fn sitemap_lists_every_page_at_its_pretty_address() {
    let site = Site::fixture("basic");
    let run = site.build(&["--base-url", "https://fixture.example.sch.uk/p"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let xml = site.page("sitemap.xml");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    let listed: Vec<String> = xml
        .split("<loc>")
        .skip(1)
        .map(|s| s[..s.find("</loc>").unwrap()].to_string())
        .collect();
    let mut expected: Vec<String> = tree(&site.root().join("public"))
        .into_keys()
        .filter(|p| p.extension().is_some_and(|e| e == "html") && p != Path::new("404.html"))
        .map(|p| {
            let path = p.to_string_lossy().replace('\\', "/");
            format!(
                "https://fixture.example.sch.uk/p/{}",
                path.strip_suffix("index.html").unwrap()
            )
        })
        .collect();
    expected.sort();
    assert_eq!(listed, expected);
    assert!(listed.contains(&"https://fixture.example.sch.uk/p/policies/visitors/".to_string()));
    assert!(listed.contains(&"https://fixture.example.sch.uk/p/for/pupils/visitors/".to_string()));
    assert!(listed.len() > 10, "{listed:?}");
}

#[test]
fn no_feed_or_sitemap_without_a_base_url() {
    let site = Site::fixture("basic");
    assert_eq!(site.build(&[]).code, 0);
    let public = site.root().join("public");
    assert!(
        public.join("reviews.ics").is_file(),
        "the calendar needs no base_url"
    );
    assert!(!public.join("feed.xml").exists());
    assert!(!public.join("sitemap.xml").exists());
    assert!(!site.page("index.html").contains("application/atom+xml"));
}

#[test]
fn review_files_are_byte_identical_across_builds() {
    let site = Site::fixture("basic");
    let args = ["--base-url", "https://fixture.example.sch.uk/"];
    assert_eq!(site.build(&args).code, 0);
    let first = tree(&site.root().join("public"));
    assert_eq!(site.build(&args).code, 0);
    let second = tree(&site.root().join("public"));
    for file in [
        "reviews/index.html",
        "reviews.ics",
        "feed.xml",
        "sitemap.xml",
    ] {
        let file = Path::new(file);
        assert!(first.contains_key(file), "{}", file.display());
        assert_eq!(first.get(file), second.get(file), "{}", file.display());
    }
}

// ---- policyweb check ----

fn check_site() -> Site {
    site(
        SCHOOL,
        &[
            (
                "trips",
                "Educational Visits",
                "owner = \"Deputy Head\"\napproved = \"2025-11-21\"\nreview = \"2026-11-21\"\n",
            ),
            (
                "uniform",
                "Uniform",
                "approved = \"2025-11-10\"\n\nreview_every = \"1 year\"\n",
            ),
            (
                "lettings",
                "Lettings",
                "review = \"none\"\nreview_reason = \"Updated whenever the charges change.\"\n",
            ),
        ],
    )
}

#[test]
fn check_strict_passes_until_the_day_a_review_is_overdue() {
    let site = check_site();
    let run = site.run(&["check", ".", "--today", "2026-11-09", "--strict"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.diagnostics().is_empty(), "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with("policyweb: 0 errors, 0 warnings; all good\n"),
        "{}",
        run.stderr
    );

    // Uniform (approved 10 November 2025, every year) is due on 10 November 2026.
    let run = site.run(&["check", ".", "--today", "2026-11-10", "--strict"]);
    assert_eq!(run.code, 0, "due today is not overdue: {}", run.stderr);
    let run = site.run(&["check", ".", "--today", "2026-11-11", "--strict"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.diagnostics(),
        [
            "./policies/uniform.md:5: warning: review of \"Uniform\" is 1 day overdue \
          (due 10 November 2026 (every 1 year from approval)); after the governors review it, \
          update approved and the next review date [overdue]"
        ]
    );
    assert!(
        run.stderr.contains("--strict fails on warnings"),
        "{}",
        run.stderr
    );
}

#[test]
fn plain_check_warns_at_the_review_line_and_succeeds() {
    let site = check_site();
    let run = site.run(&["check", ".", "--today", "2026-11-22"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.diagnostics(),
        [
            "./policies/trips.md:5: warning: review of \"Educational Visits\" is 1 day overdue \
             (due 21 November 2026); after the governors review it, update approved and the next review date [overdue]",
            "./policies/uniform.md:5: warning: review of \"Uniform\" is 12 days overdue \
             (due 10 November 2026 (every 1 year from approval)); after the governors review it, \
             update approved and the next review date [overdue]",
        ]
    );
    assert!(
        run.stderr.ends_with("policyweb: 0 errors, 2 warnings\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_prints_a_status_table_in_tracker_order() {
    let site = check_site();
    let run = site.run(&["check", ".", "--today", "2026-11-15"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "STATUS    DUE         POLICY    TITLE               OWNER\n\
         overdue   2026-11-10  uniform   Uniform             -\n\
         due-soon  2026-11-21  trips     Educational Visits  Deputy Head\n\
         unknown   -           lettings  Lettings            -\n"
    );
    assert!(
        !run.stdout.contains("warning"),
        "diagnostics stay on stderr"
    );
}

#[test]
fn a_site_without_review_dates_has_a_plain_tracker_and_an_empty_calendar() {
    let site = site(
        SCHOOL,
        &[("a", "A", ""), ("b", "B", "approved = \"2026-01-10\"\n")],
    );
    build_on(&site, "2026-11-21");
    let html = site.page("reviews/index.html");
    assert!(html.contains("<li data-status=\"unknown\"><span class=\"review-count\">2</span>"));
    assert!(html.contains("No reviews are due in the next 12 months."));
    assert!(html.contains("<p>No reviews are due in these months.</p>"));
    assert!(!html.contains("notice-overdue"));
    assert_eq!(
        tracker_rows(&site),
        [
            ("a".to_string(), "unknown".to_string(), String::new()),
            ("b".to_string(), "unknown".to_string(), String::new()),
        ]
    );
    assert!(parse_ics(&site.page("reviews.ics")).is_empty());
}
