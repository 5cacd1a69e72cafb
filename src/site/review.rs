//! Review status: whether a policy's next review is overdue, due soon or current.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

/// Where a policy stands against its review date on a given day.
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
        if due < today {
            ReviewStatus::Overdue
        } else if today
            .checked_add(warning_days.days())
            .is_ok_and(|limit| due <= limit)
        {
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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn boundaries() {
        let today = date(2026, 11, 21);
        let cases = [
            (None, ReviewStatus::Unknown),
            (Some(date(2026, 11, 20)), ReviewStatus::Overdue),
            (Some(date(2026, 11, 21)), ReviewStatus::DueSoon),
            (Some(date(2027, 1, 20)), ReviewStatus::DueSoon),
            (Some(date(2027, 1, 21)), ReviewStatus::Current),
        ];
        for (due, expected) in cases {
            assert_eq!(ReviewStatus::on(due, today, 60), expected, "{due:?}");
        }
        assert_eq!(
            ReviewStatus::on(Some(today), today, 0),
            ReviewStatus::DueSoon
        );
    }
}
