//! `reviews.ics`: every policy's review due date as an all-day event in an
//! iCalendar file (RFC 5545) that governors can subscribe to.
//!
//! The file is deterministic: events are sorted, each UID is made from the
//! policy id, the due date and the site's host (or school), and DTSTAMP comes
//! from the policy's approval (or due) date, never from the clock.

use chrono::{NaiveDate, TimeDelta};
use icalendar::{Calendar, Class, Component, Event, EventLike, Property};
use jiff::civil::Date;

use crate::config::is_valid_id;
use crate::dates::{self, PolicyDate};
use crate::site::{Policy, Site};

/// Where the calendar is written.
pub const PATH: &str = "reviews.ics";

/// The iCalendar file of every review due date.
pub fn ics(site: &Site) -> String {
    let mut calendar = Calendar::empty();
    for (key, value) in [
        ("VERSION", "2.0"),
        ("PRODID", "-//policyweb//Policy review dates//EN"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
    ] {
        calendar.append_property(Property::new(key, value));
    }
    calendar
        .name(&format!("{}: policy reviews", site.config.school))
        .description(&format!(
            "When each of {}'s policies is due for review by the governors.",
            site.config.school
        ))
        .ttl(&TimeDelta::days(1));
    let mut due: Vec<&Policy> = site
        .policies
        .iter()
        .filter(|p| p.source.review.is_some())
        .collect();
    due.sort_by_key(|p| (p.source.review.as_ref().map(|r| r.date), p.id()));
    let domain = uid_domain(site);
    for policy in due {
        calendar.push(event(site, policy, &domain));
    }
    calendar.done().to_string()
}

/// The event of one policy's review; the policy must have a review date.
fn event(site: &Site, policy: &Policy, domain: &str) -> Event {
    let s = &policy.source;
    let due = s.review.as_ref().map_or(site.today, |r| r.date);
    let stamp = s.approved.as_ref().map_or(due, |a| a.date);
    let mut event = Event::new();
    event
        .uid(&uid(policy.id(), due, domain))
        .add_property("DTSTAMP", format!("{}T000000Z", compact(stamp)))
        .starts(chrono_date(due))
        .ends(chrono_date(due.tomorrow().unwrap_or(due)))
        .summary(&format!("Review due: {}", s.title))
        .description(&description(policy))
        .class(Class::Public)
        .add_property("TRANSP", "TRANSPARENT");
    if let Some(base) = &site.config.base_url {
        event.url(&format!("{base}policies/{}/", s.id));
    }
    if let Some(category) = &s.category {
        event.categories([category.as_str()]);
    }
    event.done()
}

/// What the event says: the review due, who owns the policy, when it was approved.
fn description(policy: &Policy) -> String {
    let s = &policy.source;
    let mut lines = Vec::new();
    if let Some(review) = &s.review {
        lines.push(match &s.review_every {
            Some(every) => format!("Review due {} (every {every}).", dates::long(review.date)),
            None => format!("Review due {}.", review.display()),
        });
    }
    if let Some(owner) = &s.owner {
        lines.push(format!("Owner: {owner}."));
    }
    match (s.approved.as_ref().map(PolicyDate::name), &s.approved_by) {
        (Some(date), Some(by)) => lines.push(format!("Last approved {date} by {by}.")),
        (Some(date), None) => lines.push(format!("Last approved {date}.")),
        (None, Some(by)) => lines.push(format!("Approved by {by}.")),
        (None, None) => {}
    }
    lines.join("\n")
}

/// A UID that stays the same on every build: `ID-review-YYYYMMDD@DOMAIN`.
///
/// The due date is part of it, so the next review after this one is a new
/// event rather than a moved one (calendar clients keep both correct).
pub fn uid(id: &str, due: Date, domain: &str) -> String {
    format!("{id}-review-{}@{domain}", compact(due))
}

/// The part of each UID after `@`: the base_url's host, or (without one) the
/// school's name as an id, so that two schools' calendars never clash.
fn uid_domain(site: &Site) -> String {
    if let Some(host) = site.config.base_url.as_deref().and_then(host) {
        return host.to_string();
    }
    let slug = site
        .config
        .school
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if is_valid_id(&slug) {
        format!("{slug}.policyweb")
    } else {
        "policyweb".into()
    }
}

/// The host of an `http(s)://` URL, without any user or port.
pub fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host.split(':').next()?,
    };
    (!host.is_empty()).then_some(host)
}

/// "20261031".
fn compact(date: Date) -> String {
    dates::iso(date).replace('-', "")
}

/// The same day as a chrono date, which the calendar and feed crates use.
pub fn chrono_date(date: Date) -> NaiveDate {
    NaiveDate::from_ymd_opt(
        i32::from(date.year()),
        u32::try_from(date.month()).unwrap_or(1),
        u32::try_from(date.day()).unwrap_or(1),
    )
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn hosts_of_urls() {
        let cases = [
            ("https://www.x.sch.uk/policies/", Some("www.x.sch.uk")),
            ("http://x.sch.uk", Some("x.sch.uk")),
            ("https://x.sch.uk:8443/p/", Some("x.sch.uk")),
            ("https://user@x.sch.uk/", Some("x.sch.uk")),
            ("https://[::1]:8000/", Some("::1")),
            ("https:///nothing", None),
            ("no scheme", None),
        ];
        for (url, expected) in cases {
            assert_eq!(host(url), expected, "{url}");
        }
    }

    #[test]
    fn uids_are_made_from_id_date_and_domain() {
        assert_eq!(
            uid("social-media", date(2026, 10, 31), "www.x.sch.uk"),
            "social-media-review-20261031@www.x.sch.uk"
        );
    }

    #[test]
    fn chrono_dates_match_jiff_dates() {
        assert_eq!(
            chrono_date(date(2028, 2, 29)),
            NaiveDate::from_ymd_opt(2028, 2, 29).unwrap()
        );
    }
}
