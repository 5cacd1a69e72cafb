//! Review status: whether a policy's next review is overdue, due soon or
//! current, how far off it is, and the order and counts the tracker shows.

use std::cmp::Ordering;

use jiff::Span;
use jiff::civil::Date;
use serde::Serialize;

use super::{Policy, Site};
use crate::dates::{self, PolicyDate, Precision};
use crate::diagnostics::{Diagnostics, Kind};
use crate::source::policy::Lifecycle;

/// Where a policy stands against its review date on a given day.
///
/// The variants are declared in tracker order, so `Ord` puts overdue first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewStatus {
    /// The due date has passed.
    Overdue,
    /// Due today or within the warning window.
    DueSoon,
    /// Due later than the warning window.
    Current,
    /// No review date was given.
    Unknown,
}

impl ReviewStatus {
    /// The status on `today` of a review due on `due`, warning `warning_days` ahead.
    pub fn on(due: Option<Date>, today: Date, warning_days: i64) -> Self {
        let Some(due) = due else {
            return ReviewStatus::Unknown;
        };
        // A window too wide for the calendar reaches past every date.
        let limit = Span::new()
            .try_days(warning_days)
            .ok()
            .and_then(|span| today.checked_add(span).ok());
        if due < today {
            ReviewStatus::Overdue
        } else if limit.is_none_or(|limit| due <= limit) {
            ReviewStatus::DueSoon
        } else {
            ReviewStatus::Current
        }
    }

    /// The value of the `data-status` hook: `overdue`, `due-soon`, `current`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Overdue => "overdue",
            ReviewStatus::DueSoon => "due-soon",
            ReviewStatus::Current => "current",
            ReviewStatus::Unknown => "unknown",
        }
    }

    /// What readers see.
    pub fn label(self) -> &'static str {
        match self {
            ReviewStatus::Overdue => "Overdue",
            ReviewStatus::DueSoon => "Due soon",
            ReviewStatus::Current => "Up to date",
            ReviewStatus::Unknown => "No review date",
        }
    }
}

/// How far a review due on `due` is from `today`, in words:
/// "due today", "due tomorrow", "due in 40 days", "1 day overdue", "21 days overdue".
pub fn distance(due: Date, today: Date) -> String {
    let days = today.until(due).map_or(0, |span| span.get_days());
    let plural = |n: i32| {
        if n == 1 {
            "1 day".to_string()
        } else {
            format!("{n} days")
        }
    };
    match days {
        0 => "due today".into(),
        1 => "due tomorrow".into(),
        n if n > 0 => format!("due in {}", plural(n)),
        n => format!("{} overdue", plural(-n)),
    }
}

/// Tracker order: overdue first, then due soon, then current, then those
/// with no review date; within each, by due date, then title, then id.
pub fn tracker_order(a: &Policy, b: &Policy) -> Ordering {
    let key = |p: &Policy| {
        (
            p.status,
            p.source.review.as_ref().map(|r| r.date),
            p.source.title.to_lowercase(),
        )
    };
    key(a).cmp(&key(b)).then_with(|| a.id().cmp(b.id()))
}

/// How many policies are in each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    /// Overdue for review.
    pub overdue: usize,
    /// Due within the warning window.
    pub due_soon: usize,
    /// Reviewed and not due yet.
    pub current: usize,
    /// With no review date.
    pub unknown: usize,
}

impl StatusCounts {
    /// Counts the statuses of `policies`.
    pub fn of(policies: &[Policy]) -> Self {
        let mut counts = Self::default();
        for policy in policies {
            *match policy.status {
                ReviewStatus::Overdue => &mut counts.overdue,
                ReviewStatus::DueSoon => &mut counts.due_soon,
                ReviewStatus::Current => &mut counts.current,
                ReviewStatus::Unknown => &mut counts.unknown,
            } += 1;
        }
        counts
    }
}

/// Whether `approved` cannot have happened yet on `today`: a day after
/// today, or a month or term that has not begun.
fn approved_in_future(approved: &PolicyDate, today: Date) -> bool {
    let earliest = match approved.precision {
        Precision::Day => approved.date,
        Precision::Month => approved.date.first_of_month(),
        // Terms and half-terms are under four months long.
        Precision::Term(..) => approved
            .date
            .checked_sub(Span::new().months(4))
            .unwrap_or(approved.date),
    };
    earliest > today
}

/// The review checks of every policy in force (a draft's dates are still
/// provisional): an approval dated in the future, or a review before the
/// approval, is an error; a policy with no review date (and no `review =
/// "none"` with its reason) is a `[no-review-date]` warning; an overdue
/// review is an `[overdue]` warning at the line of its `review` (or
/// `review_every`) key, so an editor can jump straight to it.
pub fn review_warnings(site: &Site, diagnostics: &mut Diagnostics) {
    for policy in &site.policies {
        let source = &policy.source;
        let in_force = source.lifecycle == Lifecycle::Current;
        if let (Some(approved), Some(review)) = (&source.approved, &source.review)
            && in_force
            && review.date < approved.date
        {
            diagnostics.error(
                &source.path,
                source.review_line,
                format!(
                    "the review ({}) is before the approval ({}): the next review comes after \
                     the policy is approved; check both dates",
                    review.display(),
                    approved.display()
                ),
            );
        }
        if let Some(approved) = &source.approved
            && in_force
            && approved_in_future(approved, site.today)
        {
            diagnostics.error(
                &source.path,
                source.approved_line,
                format!(
                    "approved is {}, which has not happened yet (today is {}): give the day \
                     the governors approved it, or status = \"draft\" until they do",
                    approved.display(),
                    dates::long(site.today)
                ),
            );
        }
        let Some(review) = &source.review else {
            if source.no_review.is_none() && in_force {
                diagnostics.warning(
                    &source.path,
                    Some(source.id_line),
                    Kind::NoReviewDate,
                    format!(
                        "\"{}\" has no review date, so no one will be told when it is due: add \
                         review = \"Spring 2027\" or review_every = \"1 year\" (or, for a \
                         document that is never reviewed, review = \"none\" with \
                         review_reason = \"...\")",
                        source.title
                    ),
                );
            }
            continue;
        };
        if policy.status != ReviewStatus::Overdue {
            continue;
        }
        let due = match &source.review_every {
            Some(every) => format!("{} (every {every} from approval)", dates::long(review.date)),
            None => review.display(),
        };
        diagnostics.warning(
            &source.path,
            source.review_line,
            Kind::Overdue,
            format!(
                "review of \"{}\" is {} (due {due}); after the governors review it, \
                 update approved and the next review date",
                source.title,
                distance(review.date, site.today)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn boundaries() {
        let today = date(2026, 11, 21);
        let cases = [
            (None, 60, ReviewStatus::Unknown),
            (Some(date(2026, 11, 20)), 60, ReviewStatus::Overdue),
            (Some(date(2025, 11, 21)), 60, ReviewStatus::Overdue),
            (Some(date(2026, 11, 21)), 60, ReviewStatus::DueSoon),
            (Some(date(2027, 1, 20)), 60, ReviewStatus::DueSoon),
            (Some(date(2027, 1, 21)), 60, ReviewStatus::Current),
            (Some(date(2026, 11, 21)), 0, ReviewStatus::DueSoon),
            (Some(date(2026, 11, 22)), 0, ReviewStatus::Current),
            (Some(date(2026, 11, 22)), 1, ReviewStatus::DueSoon),
            (Some(date(2026, 11, 23)), 1, ReviewStatus::Current),
            // A window past the calendar's end counts everything after today as due soon.
            (Some(date(9999, 12, 31)), i64::MAX, ReviewStatus::DueSoon),
            (Some(date(2026, 11, 21)), -5, ReviewStatus::Current),
        ];
        for (due, days, expected) in cases {
            assert_eq!(
                ReviewStatus::on(due, today, days),
                expected,
                "{due:?} with {days} days"
            );
        }
    }

    #[test]
    fn leap_day_boundaries() {
        // 2028 is a leap year: 29 February sits between the 28th and 1 March.
        let today = date(2028, 2, 28);
        let cases = [
            (date(2028, 2, 27), ReviewStatus::Overdue),
            (date(2028, 2, 28), ReviewStatus::DueSoon),
            (date(2028, 2, 29), ReviewStatus::DueSoon),
            (date(2028, 3, 1), ReviewStatus::Current),
        ];
        for (due, expected) in cases {
            assert_eq!(ReviewStatus::on(Some(due), today, 1), expected, "{due}");
        }
    }

    #[test]
    fn distances_in_words() {
        let today = date(2026, 11, 21);
        let cases = [
            (date(2026, 11, 21), "due today"),
            (date(2026, 11, 22), "due tomorrow"),
            (date(2026, 12, 31), "due in 40 days"),
            (date(2026, 11, 20), "1 day overdue"),
            (date(2026, 10, 31), "21 days overdue"),
            (date(2024, 11, 21), "730 days overdue"),
        ];
        for (due, expected) in cases {
            assert_eq!(distance(due, today), expected, "{due}");
        }
    }

    #[test]
    fn labels_and_hooks_are_distinct() {
        let all = [
            ReviewStatus::Overdue,
            ReviewStatus::DueSoon,
            ReviewStatus::Current,
            ReviewStatus::Unknown,
        ];
        let hooks: Vec<&str> = all.iter().map(|s| s.as_str()).collect();
        assert_eq!(hooks, ["overdue", "due-soon", "current", "unknown"]);
        let mut sorted = all;
        sorted.sort();
        assert_eq!(sorted, all, "Ord is tracker order");
        let mut labels: Vec<&str> = all.iter().map(|s| s.label()).collect();
        labels.dedup();
        assert_eq!(labels.len(), 4);
    }
}
