//! The statutory checklist: for each duty that applies to the school, whether
//! a policy of the site meets it (and is in date), a page elsewhere on the
//! school's website does, or nothing does.

use std::path::Path;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use super::{Policy, ReviewStatus};
use crate::config::SiteConfig;
use crate::dates::{self, PolicyDate};
use crate::diagnostics::{Diagnostics, Kind};
use crate::statutory::Duty;

/// How old the built-in list may be before a build warns that it needs checking.
const LIST_MAX_AGE_MONTHS: i32 = 12;

/// Where the school stands on one duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DutyStatus {
    /// A policy of this site meets it and is not overdue for review.
    Met,
    /// site.toml records where on the school's website it is published.
    MetElsewhere,
    /// Nothing meets it.
    Missing,
    /// The policy that meets it is overdue for review.
    Overdue,
    /// site.toml says it does not apply to this school, and why.
    NotApplicable,
}

impl DutyStatus {
    /// The value of the `data-status` hook.
    pub fn as_str(self) -> &'static str {
        match self {
            DutyStatus::Met => "met",
            DutyStatus::MetElsewhere => "met-elsewhere",
            DutyStatus::Missing => "missing",
            DutyStatus::Overdue => "overdue",
            DutyStatus::NotApplicable => "not-applicable",
        }
    }

    /// What the clerk reads.
    pub fn label(self) -> &'static str {
        match self {
            DutyStatus::Met => "Met",
            DutyStatus::MetElsewhere => "Met elsewhere",
            DutyStatus::Missing => "Missing",
            DutyStatus::Overdue => "Overdue",
            DutyStatus::NotApplicable => "Not applicable",
        }
    }
}

/// One duty and where the school stands on it.
#[derive(Debug, Clone)]
pub struct DutyRow {
    /// The duty.
    pub duty: Duty,
    /// Its status on the build's day.
    pub status: DutyStatus,
    /// The index of the policy that meets it, if one does.
    pub policy: Option<usize>,
    /// Where it is published elsewhere, if site.toml says.
    pub elsewhere: Option<String>,
}

/// The checklist of a school whose site.toml gives its type and phase.
#[derive(Debug, Clone)]
pub struct Compliance {
    /// Every duty that applies, in the list's order.
    pub rows: Vec<DutyRow>,
    /// When the list was last checked against its sources.
    pub checked: Date,
}

impl Compliance {
    /// The checklist for `policies` (sorted by title), or `None` when site.toml
    /// gives no school type. Warns for each missing or overdue duty; a duty
    /// only looks missing because a policy file could not be read (`!all_read`)
    /// is not warned about, as that file's own error says what to fix.
    pub fn of(
        config: &SiteConfig,
        policies: &[Policy],
        all_read: bool,
        today: Date,
        diagnostics: &mut Diagnostics,
    ) -> Option<Self> {
        let settings = &config.statutory;
        settings.school?;
        let site_toml = SiteConfig::path(&config.root);
        let rows: Vec<DutyRow> = settings
            .applicable()
            .map(|duty| row(duty, config, policies))
            .collect();
        for row in rows
            .iter()
            .filter(|r| all_read || r.status != DutyStatus::Missing)
        {
            warn(row, policies, &site_toml, settings.line, diagnostics);
        }
        let checked = settings.list.checked;
        if checked
            .checked_add(LIST_MAX_AGE_MONTHS.months())
            .is_ok_and(|limit| limit < today)
        {
            diagnostics.warning(
                &site_toml,
                Some(settings.line), Kind::StaleDutyList,
                format!(
                    "the built-in list of statutory duties was last checked on {}, more than {LIST_MAX_AGE_MONTHS} months ago; \
                     a newer policyweb may have a newer list",
                    dates::long(checked)
                ),
            );
        }
        Some(Self { rows, checked })
    }
}

/// Where the school stands on `duty`.
fn row(duty: &Duty, config: &SiteConfig, policies: &[Policy]) -> DutyRow {
    let elsewhere = config
        .statutory
        .published
        .iter()
        .find(|p| p.duty == duty.id)
        .map(|p| p.url.clone());
    // The best of the policies that meet it: one in date before one overdue.
    let policy = policies
        .iter()
        .enumerate()
        .filter(|(_, p)| p.source.duties.iter().any(|(id, _)| *id == duty.id))
        .min_by_key(|(_, p)| p.status == ReviewStatus::Overdue)
        .map(|(i, _)| i);
    let status = if duty.not_applicable.is_some() {
        DutyStatus::NotApplicable
    } else if let Some(i) = policy {
        if policies[i].status == ReviewStatus::Overdue {
            DutyStatus::Overdue
        } else {
            DutyStatus::Met
        }
    } else if elsewhere.is_some() {
        DutyStatus::MetElsewhere
    } else {
        DutyStatus::Missing
    };
    DutyRow {
        duty: duty.clone(),
        status,
        policy,
        elsewhere,
    }
}

/// A `[missing-duty]` warning for a duty nothing meets, or whose policy is overdue.
fn warn(
    row: &DutyRow,
    policies: &[Policy],
    site_toml: &Path,
    line: usize,
    diagnostics: &mut Diagnostics,
) {
    let duty = &row.duty;
    match (row.status, row.policy) {
        (DutyStatus::Missing, _) => diagnostics.warning(
            site_toml,
            Some(line), Kind::MissingDuty,
            format!(
                "no policy meets the statutory duty \"{}\" ({}); add statutory = \"{}\" to the policy that does, \
                 or say in site.toml where it is published ([[published]]) or why it does not apply ([[duty]] with not_applicable)",
                duty.id, duty.name, duty.id
            ),
        ),
        (DutyStatus::Overdue, Some(i)) => {
            let source = &policies[i].source;
            diagnostics.warning(
                &source.path,
                source.review_line.or(Some(source.id_line)), Kind::MissingDuty,
                format!(
                    "this policy meets the statutory duty \"{}\" ({}) and its review is overdue: \
                     the duty counts as unmet until the governors review it",
                    duty.id, duty.name
                ),
            );
        }
        _ => {}
    }
}

/// Gives each statutory policy with no review date of its own the usual cycle
/// of the duty it meets, counted from its approval.
pub fn apply_default_cycles(
    config: &SiteConfig,
    policies: &mut [crate::source::policy::PolicySource],
) {
    for policy in policies {
        if policy.review.is_some() {
            continue;
        }
        let Some(approved) = &policy.approved else {
            continue;
        };
        // Of the duties it meets, the one reviewed most often sets the date.
        let Some((duty, line)) = policy
            .duties
            .iter()
            .filter_map(|(id, line)| Some((config.statutory.list.get(id)?, *line)))
            .min_by_key(|(duty, _)| duty.interval.after(approved.date))
        else {
            continue;
        };
        if let Some(due) = duty.interval.after(approved.date) {
            policy.review = Some(PolicyDate::computed(due));
            policy.review_every = Some(duty.review_every.clone());
            policy.review_line = Some(line);
            policy.review_from_duty = true;
        }
    }
}
