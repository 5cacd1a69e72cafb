//! The statutory checklist page's view: each duty that applies, grouped into
//! the policies the school must have and the information it must publish.

use serde::Serialize;

use crate::dates;
use crate::site::{Compliance, DutyStatus, Site};

use super::context::PolicyCard;

/// One row of the checklist.
#[derive(Debug, Serialize)]
pub struct DutyRowView<'a> {
    /// The duty's id (the `data-duty` hook).
    pub id: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Whether it must also be published on the website (for "must have" rows).
    pub publish: bool,
    /// The `data-status` hook: met, met-elsewhere, missing, overdue, not-applicable.
    pub status: &'static str,
    /// The status in words.
    pub status_label: &'static str,
    /// The policy that meets it, with its review date.
    pub policy: Option<PolicyCard<'a>>,
    /// Where it is published elsewhere on the school's website.
    pub elsewhere: Option<&'a str>,
    /// Why it does not apply, when site.toml says so.
    pub not_applicable: Option<&'a str>,
    /// How often it is reviewed, for readers ("Every year", "Every 3 years").
    pub cycle: String,
    /// Where the duty is set out.
    pub source: &'a str,
    /// Anything a clerk should know about it.
    pub note: Option<&'a str>,
}

/// How many duties are in each status.
#[derive(Debug, Default, Serialize)]
pub struct DutyCounts {
    /// Met by a policy of this site.
    pub met: usize,
    /// Met on another page of the school's website.
    pub met_elsewhere: usize,
    /// Met by nothing.
    pub missing: usize,
    /// Met by a policy that is overdue for review.
    pub overdue: usize,
    /// Not applicable to this school.
    pub not_applicable: usize,
}

/// Everything the checklist page shows.
#[derive(Debug, Serialize)]
pub struct ComplianceView<'a> {
    /// Policies the school must have (whether or not it must also publish them).
    pub have: Vec<DutyRowView<'a>>,
    /// Information the school must publish that need not be a policy.
    pub publish: Vec<DutyRowView<'a>>,
    /// How many duties are in each status.
    pub counts: DutyCounts,
    /// When the list was last checked against its sources, for readers.
    pub checked: String,
    /// The same, `YYYY-MM-DD`.
    pub checked_iso: String,
    /// The day the statuses are measured on, for readers.
    pub today: String,
}

impl<'a> ComplianceView<'a> {
    /// The checklist of `site` as seen from a page whose root is `root`.
    pub fn new(compliance: &'a Compliance, site: &'a Site, root: &str) -> Self {
        let mut view = Self {
            have: Vec::new(),
            publish: Vec::new(),
            counts: DutyCounts::default(),
            checked: dates::long(compliance.checked),
            checked_iso: dates::iso(compliance.checked),
            today: dates::long(site.today),
        };
        for row in &compliance.rows {
            *match row.status {
                DutyStatus::Met => &mut view.counts.met,
                DutyStatus::MetElsewhere => &mut view.counts.met_elsewhere,
                DutyStatus::Missing => &mut view.counts.missing,
                DutyStatus::Overdue => &mut view.counts.overdue,
                DutyStatus::NotApplicable => &mut view.counts.not_applicable,
            } += 1;
            let duty = &row.duty;
            let item = DutyRowView {
                id: &duty.id,
                name: &duty.name,
                publish: duty.publish,
                status: row.status.as_str(),
                status_label: row.status.label(),
                policy: row.policy.map(|i| PolicyCard::new(&site.policies[i], root)),
                elsewhere: row.elsewhere.as_deref(),
                not_applicable: duty.not_applicable.as_deref(),
                cycle: match duty.review_every.trim() {
                    "1 year" | "annually" | "yearly" => "Every year".to_string(),
                    every => format!("Every {every}"),
                },
                source: &duty.source,
                note: duty.note.as_deref(),
            };
            if duty.have {
                view.have.push(item);
            } else {
                view.publish.push(item);
            }
        }
        view
    }
}
