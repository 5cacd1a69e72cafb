//! The review tracker page's view: every policy in tracker order with its
//! review status, the count of each status, the timeline, and the calendar.

use serde::Serialize;

use crate::dates::{self, PolicyDate};
use crate::site::review::{self, StatusCounts, tracker_order};
use crate::site::{Policy, Site};

use super::calendar;
use super::context::PolicyCard;
use super::timeline::{self, Timeline};

/// One row of the tracker.
#[derive(Debug, Serialize)]
pub struct TrackerRow<'a> {
    /// The card fields: title, owner, approved_by, review, due, status.
    #[serde(flatten)]
    pub card: PolicyCard<'a>,
    /// When it was approved, as written for a month or term ("Summer 2024"),
    /// in full for a day ("3 December 2025").
    pub approved_on: Option<String>,
    /// How far off the review is ("due in 40 days", "21 days overdue").
    pub when: Option<String>,
}

/// Everything the tracker page shows.
#[derive(Debug, Serialize)]
pub struct TrackerView<'a> {
    /// Every policy: overdue first, then due soon, then by due date.
    pub rows: Vec<TrackerRow<'a>>,
    /// How many policies are in each status.
    pub counts: StatusCounts,
    /// The coming months' due dates as a picture and as text.
    pub timeline: Timeline,
    /// The "due soon" window, in days.
    pub warning_days: i64,
    /// The day status is measured on, for readers.
    pub today: String,
    /// The calendar file, relative to the page.
    pub calendar_url: String,
    /// The calendar's published address, when the site has a base_url.
    pub calendar_address: Option<String>,
    /// The same address for calendar apps (`webcal://`), when the site has a base_url.
    pub subscribe_url: Option<String>,
}

impl<'a> TrackerView<'a> {
    /// The tracker of `site` as seen from a page whose root is `root`.
    pub fn new(site: &'a Site, root: &str) -> Self {
        let mut policies: Vec<&Policy> = site.policies.iter().collect();
        policies.sort_by(|a, b| tracker_order(a, b));
        let rows = policies.into_iter().map(|p| row(p, site, root)).collect();
        let calendar_address = site
            .config
            .base_url
            .as_ref()
            .map(|base| format!("{base}{}", calendar::PATH));
        Self {
            rows,
            counts: StatusCounts::of(&site.policies),
            timeline: timeline::build(site, root),
            warning_days: site.config.review_warning_days,
            today: dates::long(site.today),
            calendar_url: format!("{root}{}", calendar::PATH),
            subscribe_url: calendar_address.as_deref().and_then(webcal),
            calendar_address,
        }
    }
}

fn row<'a>(policy: &'a Policy, site: &Site, root: &str) -> TrackerRow<'a> {
    let s = &policy.source;
    TrackerRow {
        card: PolicyCard::new(policy, root),
        approved_on: s.approved.as_ref().map(PolicyDate::name),
        when: s
            .review
            .as_ref()
            .map(|r| review::distance(r.date, site.today)),
    }
}

/// `https://x/reviews.ics` as `webcal://x/reviews.ics`, which calendar apps
/// open as a subscription.
fn webcal(url: &str) -> Option<String> {
    url.strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .map(|rest| format!("webcal://{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webcal_addresses() {
        assert_eq!(
            webcal("https://x.sch.uk/p/reviews.ics").as_deref(),
            Some("webcal://x.sch.uk/p/reviews.ics")
        );
        assert_eq!(
            webcal("http://x/reviews.ics").as_deref(),
            Some("webcal://x/reviews.ics")
        );
        assert_eq!(webcal("ftp://x"), None);
    }
}
