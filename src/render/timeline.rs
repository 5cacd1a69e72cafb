//! The review tracker's timeline: the coming twelve months of review due
//! dates (and any overdue reviews) as an inline SVG drawn at build time, with
//! the same data as columns that the template lists as text.
//!
//! The picture has `role="img"` with a title and a description; each review
//! is a block in its month's column, labelled with its day and coloured by
//! status through CSS classes (with plain fills as a fallback).

use std::fmt::Write;

use jiff::ToSpan;
use jiff::civil::Date;
use pulldown_cmark_escape::escape_html;
use serde::Serialize;

use crate::dates;
use crate::site::review::tracker_order;
use crate::site::{Policy, ReviewStatus, Site};

/// How many months the timeline shows, starting with the current one.
pub const MONTHS: i32 = 12;

/// One review on the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// The policy's id.
    pub id: String,
    /// The policy's title.
    pub title: String,
    /// The policy page.
    pub url: String,
    /// The due date, for readers ("31 October 2026").
    pub due: String,
    /// The due date, `YYYY-MM-DD`.
    pub due_iso: String,
    /// `overdue`, `due-soon` or `current`.
    pub status: &'static str,
    /// The status in words.
    pub status_label: &'static str,
    #[serde(skip)]
    date: Date,
}

/// A column of the timeline: the overdue reviews, or one month.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    /// "Overdue" or "December 2026".
    pub label: String,
    /// The month, `YYYY-MM`; `None` for the overdue column.
    pub month: Option<String>,
    /// The reviews in it, by due date.
    pub items: Vec<Item>,
}

/// The timeline: the picture and the data it shows.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    /// The inline `<svg>` element.
    pub svg: String,
    /// The overdue column (when any review is overdue), then one per month.
    pub columns: Vec<Column>,
    /// The first month shown ("November 2026").
    pub from: String,
    /// The last month shown ("October 2027").
    pub to: String,
    /// How many months are shown.
    pub months: i32,
    /// How many reviews are shown, overdue ones included.
    pub count: usize,
}

/// The timeline of `site` as seen from a page whose root is `root`.
pub fn build(site: &Site, root: &str) -> Timeline {
    let first = site.today.first_of_month();
    let months: Vec<Date> = (0..MONTHS)
        .filter_map(|i| first.checked_add(i.months()).ok())
        .collect();
    let mut policies: Vec<&Policy> = site.policies.iter().collect();
    policies.sort_by(|a, b| tracker_order(a, b));
    let items: Vec<Item> = policies.iter().filter_map(|p| item(p, root)).collect();
    let mut columns = Vec::new();
    let overdue: Vec<Item> = items
        .iter()
        .filter(|i| i.status == ReviewStatus::Overdue.as_str())
        .cloned()
        .collect();
    if !overdue.is_empty() {
        columns.push(Column {
            label: "Overdue".into(),
            month: None,
            items: overdue,
        });
    }
    for month in &months {
        columns.push(Column {
            label: month_name(*month),
            month: Some(dates::iso(*month)[..7].to_string()),
            items: items
                .iter()
                .filter(|i| {
                    i.status != ReviewStatus::Overdue.as_str()
                        && (i.date.year(), i.date.month()) == (month.year(), month.month())
                })
                .cloned()
                .collect(),
        });
    }
    let window_end = site
        .today
        .checked_add(site.config.review_warning_days.days())
        .ok();
    let svg = Picture::new(&columns, first, site.today, window_end).draw();
    Timeline {
        svg,
        from: month_name(first),
        to: months.last().map_or_else(String::new, |m| month_name(*m)),
        months: MONTHS,
        count: columns.iter().map(|c| c.items.len()).sum(),
        columns,
    }
}

fn item(policy: &Policy, root: &str) -> Option<Item> {
    let s = &policy.source;
    let date = s.review.as_ref()?.date;
    Some(Item {
        id: s.id.clone(),
        title: s.title.clone(),
        url: format!("{root}policies/{}/index.html", s.id),
        due: dates::long(date),
        due_iso: dates::iso(date),
        status: policy.status.as_str(),
        status_label: policy.status.label(),
        date,
    })
}

/// "December 2026".
fn month_name(month: Date) -> String {
    dates::long(month)
        .split_once(' ')
        .map_or_else(String::new, |(_, rest)| rest.to_string())
}

const PAD: f64 = 8.0;
const COLUMN: f64 = 60.0;
const STEP: f64 = 28.0;
const BLOCK: f64 = 24.0;
const TOP: f64 = 30.0;
const AXIS: f64 = 44.0;

/// The geometry of the picture.
struct Picture<'a> {
    columns: &'a [Column],
    /// The first day of the first month shown.
    start: Date,
    today: Date,
    window_end: Option<Date>,
    /// Index of the first month column (1 when there is an overdue column).
    first_month: usize,
    baseline: f64,
    width: f64,
    height: f64,
}

impl<'a> Picture<'a> {
    fn new(columns: &'a [Column], start: Date, today: Date, window_end: Option<Date>) -> Self {
        let rows = columns
            .iter()
            .map(|c| c.items.len())
            .max()
            .unwrap_or(0)
            .max(1);
        let baseline = TOP + STEP * rows as f64;
        Self {
            columns,
            start,
            today,
            window_end,
            first_month: usize::from(columns.first().is_some_and(|c| c.month.is_none())),
            baseline,
            width: PAD * 2.0 + COLUMN * columns.len() as f64,
            height: baseline + AXIS,
        }
    }

    fn draw(&self) -> String {
        let mut svg = String::new();
        let _ = write!(
            svg,
            "<svg class=\"timeline-chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
             aria-labelledby=\"pw-timeline-title pw-timeline-desc\" viewBox=\"0 0 {w} {h}\" \
             width=\"{w}\" height=\"{h}\" font-size=\"12\">\n<title id=\"pw-timeline-title\">\
             Reviews due in the next {MONTHS} months</title>\n<desc id=\"pw-timeline-desc\">",
            w = self.width,
            h = self.height,
        );
        let _ = escape_html(&mut svg, &self.description());
        svg.push_str("</desc>\n");
        self.draw_window(&mut svg);
        self.draw_grid(&mut svg);
        for (i, column) in self.columns.iter().enumerate() {
            self.draw_column(&mut svg, i, column);
        }
        self.draw_today(&mut svg);
        svg.push_str("</svg>");
        svg
    }

    /// The picture in one paragraph, for those who cannot see it.
    fn description(&self) -> String {
        let counts: Vec<String> = self
            .columns
            .iter()
            .filter(|c| !c.items.is_empty())
            .map(|c| {
                let n = c.items.len();
                let reviews = if n == 1 { "review" } else { "reviews" };
                format!("{}: {n} {reviews}", c.label)
            })
            .collect();
        if counts.is_empty() {
            format!("No reviews are due in the next {MONTHS} months.")
        } else {
            format!(
                "{}. The list after the picture names each policy.",
                counts.join("; ")
            )
        }
    }

    fn column_x(&self, i: usize) -> f64 {
        PAD + COLUMN * i as f64
    }

    /// Where `date` falls across the month columns; `end_of_day` puts it at
    /// the day's right edge. `None` before the first month; clamped after the last.
    fn date_x(&self, date: Date, end_of_day: bool) -> Option<f64> {
        let start = self.start;
        if date < start {
            return None;
        }
        let months =
            i32::from(date.year() - start.year()) * 12 + i32::from(date.month() - start.month());
        let months_shown = self.columns.len() - self.first_month;
        if months as usize >= months_shown {
            return Some(self.column_x(self.columns.len()));
        }
        let day = f64::from(date.day()) - if end_of_day { 0.0 } else { 1.0 };
        let fraction = day / f64::from(date.days_in_month());
        Some(self.column_x(self.first_month + months as usize) + COLUMN * fraction)
    }

    /// The due-soon window, shaded from today to its last day.
    fn draw_window(&self, svg: &mut String) {
        let (Some(from), Some(to)) = (
            self.date_x(self.today, false),
            self.window_end.and_then(|end| self.date_x(end, true)),
        ) else {
            return;
        };
        let _ = writeln!(
            svg,
            "<rect class=\"tl-window\" x=\"{from:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#fff4d6\"/>",
            (to - from).max(0.0),
            self.baseline - TOP,
        );
    }

    /// Column boundaries and the axis.
    fn draw_grid(&self, svg: &mut String) {
        for i in 0..=self.columns.len() {
            let x = self.column_x(i);
            let class = if i == self.first_month && self.first_month > 0 {
                "tl-grid tl-divider"
            } else {
                "tl-grid"
            };
            let _ = writeln!(
                svg,
                "<line class=\"{class}\" x1=\"{x}\" y1=\"{TOP}\" x2=\"{x}\" y2=\"{}\" stroke=\"#c9d0d9\"/>",
                self.baseline,
            );
        }
        let _ = writeln!(
            svg,
            "<line class=\"tl-axis\" x1=\"{PAD}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"#4a5360\"/>",
            self.width - PAD,
            b = self.baseline,
        );
    }

    fn draw_column(&self, svg: &mut String, i: usize, column: &Column) {
        let x = self.column_x(i);
        let middle = x + COLUMN / 2.0;
        let label_y = self.baseline + 18.0;
        let (short, year) = match &column.month {
            None => ("Overdue".to_string(), None),
            Some(month) => {
                let (year, _) = month.split_once('-').unwrap_or_default();
                let is_first = i == self.first_month;
                let name = column.label.get(..3).unwrap_or_default().to_string();
                (name, (is_first || month.ends_with("-01")).then_some(year))
            }
        };
        let _ = writeln!(
            svg,
            "<text class=\"tl-label\" x=\"{middle}\" y=\"{label_y}\" text-anchor=\"middle\">{short}</text>"
        );
        if let Some(year) = year {
            let _ = writeln!(
                svg,
                "<text class=\"tl-label tl-year\" x=\"{middle}\" y=\"{}\" text-anchor=\"middle\">{year}</text>",
                label_y + 16.0
            );
        }
        for (k, item) in column.items.iter().enumerate() {
            let y = self.baseline - STEP * (k + 1) as f64 + (STEP - BLOCK) / 2.0;
            let text = if column.month.is_none() {
                format!(
                    "{} {}",
                    item.date.day(),
                    month_name(item.date).get(..3).unwrap_or_default()
                )
            } else {
                item.date.day().to_string()
            };
            let (fill, ink) = fallback_colours(item.status);
            let _ = write!(svg, "<g class=\"tl-block tl-{}\"><title>", item.status);
            let _ = escape_html(
                &mut *svg,
                &format!("{}: due {} ({})", item.title, item.due, item.status_label),
            );
            let _ = writeln!(
                svg,
                "</title><rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{BLOCK}\" rx=\"4\" \
                 fill=\"{fill}\" stroke=\"{ink}\"/><text x=\"{middle}\" y=\"{:.1}\" \
                 text-anchor=\"middle\" fill=\"{ink}\">{}</text></g>",
                x + 5.0,
                COLUMN - 10.0,
                y + BLOCK / 2.0 + 4.0,
                text,
            );
        }
    }

    /// A dashed line at the start of today, labelled.
    fn draw_today(&self, svg: &mut String) {
        let Some(x) = self.date_x(self.today, false) else {
            return;
        };
        let _ = writeln!(
            svg,
            "<line class=\"tl-today\" x1=\"{x:.1}\" y1=\"{}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#1b1f24\" stroke-dasharray=\"4 3\"/>\n\
             <text class=\"tl-label tl-today-label\" x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">Today</text>",
            TOP - 8.0,
            self.baseline,
            TOP - 12.0,
        );
    }
}

/// Fills for readers whose page lost the stylesheet (the CSS overrides them).
fn fallback_colours(status: &str) -> (&'static str, &'static str) {
    match status {
        "overdue" => ("#fde8e8", "#8a1c1c"),
        "due-soon" => ("#fff4d6", "#6b4a00"),
        _ => ("#e3f4e8", "#1d5e33"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn month(label: &str, iso: &str) -> Column {
        Column {
            label: label.into(),
            month: Some(iso.into()),
            items: Vec::new(),
        }
    }

    fn columns(overdue: bool) -> Vec<Column> {
        let mut columns = Vec::new();
        if overdue {
            columns.push(Column {
                label: "Overdue".into(),
                month: None,
                items: Vec::new(),
            });
        }
        let start = date(2026, 11, 1);
        for i in 0..MONTHS {
            let m = start.checked_add(i.months()).unwrap();
            columns.push(month(&month_name(m), &dates::iso(m)[..7]));
        }
        columns
    }

    #[test]
    fn dates_fall_within_their_month_columns() {
        let columns = columns(true);
        let picture = Picture::new(&columns, date(2026, 11, 1), date(2026, 11, 21), None);
        let first = PAD + COLUMN; // after the overdue column
        let cases = [
            (date(2026, 10, 31), false, None),
            (date(2026, 11, 1), false, Some(first)),
            (date(2026, 11, 30), true, Some(first + COLUMN)),
            (date(2026, 12, 1), false, Some(first + COLUMN)),
            (date(2027, 2, 28), true, Some(first + 4.0 * COLUMN)),
            (date(2027, 10, 31), true, Some(first + 12.0 * COLUMN)),
            (date(2028, 6, 1), false, Some(first + 12.0 * COLUMN)),
        ];
        for (day, end_of_day, expected) in cases {
            assert_eq!(picture.date_x(day, end_of_day), expected, "{day}");
        }
    }

    #[test]
    fn an_empty_timeline_says_so() {
        let columns = columns(false);
        let picture = Picture::new(&columns, date(2026, 11, 1), date(2026, 11, 21), None);
        assert_eq!(
            picture.description(),
            "No reviews are due in the next 12 months."
        );
        let svg = picture.draw();
        assert!(svg.starts_with("<svg class=\"timeline-chart\""));
        assert!(svg.contains(&format!("height=\"{}\"", TOP + STEP + AXIS)));
        assert!(!svg.contains("Overdue"));
        assert!(svg.contains(">Nov</text>") && svg.contains(">Oct</text>"));
        assert_eq!(
            svg.matches(">2027</text>").count(),
            1,
            "the year under January"
        );
    }

    #[test]
    fn month_names() {
        assert_eq!(month_name(date(2027, 1, 1)), "January 2027");
        assert_eq!(month_name(date(2026, 12, 31)), "December 2026");
    }
}
