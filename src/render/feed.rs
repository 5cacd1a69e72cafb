//! `feed.xml`: an Atom feed of policy updates (each `[[history]]` entry and
//! each approval), newest first, written only when the site has a base_url.
//!
//! Dates come from the policies, never the clock; ids are absolute URLs of the
//! policy page with a fragment naming the update, so they stay the same on
//! every build.

use std::collections::BTreeMap;

use atom_syndication::{
    Category, Entry, Feed, FixedDateTime, Generator, Link, Person, Text, WriteConfig,
};
use jiff::ToSpan;
use jiff::civil::Date;

use crate::dates::{self, PolicyDate, Precision};
use crate::site::{Policy, Site};

/// Where the feed is written.
pub const PATH: &str = "feed.xml";

/// One update to one policy.
#[derive(Debug, Clone)]
pub struct Update<'a> {
    /// The day of the update.
    pub date: Date,
    /// The policy.
    pub policy: &'a Policy,
    /// Whether this was an approval (possibly with a history entry of the same day).
    pub approval: bool,
    /// What changed, in the school's words.
    pub summary: String,
    /// The fragment that makes the entry's id unique: `history-2026-03-18`, `approved-2026-03-18`.
    pub fragment: String,
}

/// Every update of every policy, newest first (then by policy title and id).
///
/// The newest history entry within the approval's day, month or term is that
/// approval: one entry, not two.
pub fn updates(site: &Site) -> Vec<Update<'_>> {
    let mut all = Vec::new();
    for policy in &site.policies {
        all.extend(policy_updates(policy));
    }
    all.sort_by(|a, b| {
        (b.date, &a.policy.source.title, a.policy.id(), &a.fragment).cmp(&(
            a.date,
            &b.policy.source.title,
            b.policy.id(),
            &b.fragment,
        ))
    });
    all
}

fn policy_updates(policy: &Policy) -> Vec<Update<'_>> {
    let s = &policy.source;
    let mut seen: BTreeMap<Date, usize> = BTreeMap::new();
    // History is newest first, so the first entry in the period is the approval.
    let approval = s.approved.as_ref().and_then(|a| {
        let start = period_start(a);
        s.history
            .iter()
            .position(|h| start <= h.date.date && h.date.date <= a.date)
    });
    let mut updates: Vec<Update> = s
        .history
        .iter()
        .enumerate()
        .rev()
        .map(|(i, h)| {
            let n = seen.entry(h.date.date).or_insert(0);
            *n += 1;
            let suffix = if *n > 1 {
                format!("-{n}")
            } else {
                String::new()
            };
            Update {
                date: h.date.date,
                policy,
                approval: approval == Some(i),
                summary: h.summary.clone(),
                fragment: format!("history-{}{suffix}", dates::iso(h.date.date)),
            }
        })
        .collect();
    if let (Some(approved), None) = (&s.approved, approval) {
        updates.push(Update {
            date: approved.date,
            policy,
            approval: true,
            summary: String::new(),
            fragment: format!("approved-{}", dates::iso(approved.date)),
        });
    }
    updates
}

/// The first day an approval written as `date` may have happened: the day
/// itself, the first of the month, or (for a term, which lasts at most four
/// months) four months before the term's end.
fn period_start(date: &PolicyDate) -> Date {
    match date.precision {
        Precision::Day => date.date,
        Precision::Month => date.date.first_of_month(),
        Precision::Term(..) => date
            .date
            .checked_sub(4.months())
            .and_then(|d| d.tomorrow())
            .unwrap_or(date.date),
    }
}

/// The Atom feed, with absolute links under the site's base_url.
pub fn atom(site: &Site, base: &str) -> String {
    let school = &site.config.school;
    let updates = updates(site);
    let updated = updates.first().map_or(site.today, |u| u.date);
    let feed = Feed {
        title: Text::plain(format!("{school}: policy updates")),
        subtitle: Some(Text::plain(format!(
            "New and reviewed versions of {school}'s policies, newest first."
        ))),
        id: format!("{base}{PATH}"),
        updated: midnight(updated),
        authors: vec![Person {
            name: school.clone(),
            uri: Some(base.to_string()),
            ..Person::default()
        }],
        generator: Some(Generator {
            value: "policyweb".into(),
            ..Generator::default()
        }),
        links: vec![
            link(format!("{base}{PATH}"), "self", "application/atom+xml"),
            link(base.to_string(), "alternate", "text/html"),
        ],
        lang: Some("en-GB".into()),
        entries: updates.iter().map(|u| entry(u, base)).collect(),
        ..Feed::default()
    };
    let config = WriteConfig {
        write_document_declaration: true,
        indent_size: Some(2),
    };
    let bytes = feed
        .write_with_config(Vec::new(), config)
        .unwrap_or_default();
    let mut text = String::from_utf8(bytes).unwrap_or_default();
    text.push('\n');
    text
}

fn entry(update: &Update, base: &str) -> Entry {
    let s = &update.policy.source;
    // A review whose changes have a page links there: readers see what changed.
    let page = format!("{base}policies/{}/", s.id);
    let url = if update.policy.changes.iter().any(|c| c.date == update.date) {
        format!("{page}changes/{}/", dates::iso(update.date))
    } else {
        page.clone()
    };
    let verb = if update.approval {
        "approved"
    } else {
        "updated"
    };
    Entry {
        title: Text::plain(format!("{} {verb}", s.title)),
        id: format!("{page}#{}", update.fragment),
        updated: midnight(update.date),
        summary: Some(Text::plain(summary(update))),
        links: vec![link(url, "alternate", "text/html")],
        categories: s
            .category
            .iter()
            .map(|c| Category {
                term: c.clone(),
                ..Category::default()
            })
            .collect(),
        ..Entry::default()
    }
}

/// The entry's text: what changed, who approved it, when the next review is due.
fn summary(update: &Update) -> String {
    let s = &update.policy.source;
    let mut parts = Vec::new();
    if !update.summary.is_empty() {
        parts.push(update.summary.clone());
    }
    if update.approval {
        let when = s.approved.as_ref().map_or(String::new(), PolicyDate::name);
        parts.push(match &s.approved_by {
            Some(by) => format!("Approved {when} by {by}."),
            None => format!("Approved {when}."),
        });
        if let Some(review) = &s.review {
            parts.push(format!("Next review due {}.", review.display()));
        }
    }
    parts.join(" ")
}

fn link(href: String, rel: &str, mime: &str) -> Link {
    Link {
        href,
        rel: rel.into(),
        mime_type: Some(mime.into()),
        ..Link::default()
    }
}

/// Midnight UTC at the start of `date`.
fn midnight(date: Date) -> FixedDateTime {
    super::calendar::chrono_date(date)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .fixed_offset()
}
