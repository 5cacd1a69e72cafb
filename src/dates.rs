//! The date forms a policy may use: a day, a month, a school term or half-term,
//! and review intervals such as "2 years".
//!
//! A month, term or half-term stands for its last day ("due by"); the string
//! as written is kept for display ("Spring 2027, by 31 March 2027").

use std::fmt;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Deserialize;

/// A month and day, as `[terms]` in site.toml gives a term's end ("03-31").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDay {
    month: i8,
    day: i8,
}

impl MonthDay {
    /// Parses "MM-DD" (e.g. "07-31"); the day must exist in that month in a leap year.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("\"{text}\" is not a month-day such as \"07-31\"");
        let (m, d) = text.trim().split_once('-').ok_or_else(bad)?;
        if m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let month: i8 = m.parse().map_err(|_| bad())?;
        let day: i8 = d.parse().map_err(|_| bad())?;
        // 2024 is a leap year, so 02-29 is accepted (and clamped in other years).
        Date::new(2024, month, day).map_err(|_| bad())?;
        Ok(Self { month, day })
    }

    const fn new(month: i8, day: i8) -> Self {
        Self { month, day }
    }

    /// This month-day in `year`, clamped to the month's last day (02-29 in 2027 is 28 February).
    fn in_year(self, year: i16) -> Option<Date> {
        let first = Date::new(year, self.month, 1).ok()?;
        Date::new(year, self.month, self.day.min(first.days_in_month())).ok()
    }
}

/// The school terms and half-terms that dates can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    /// Autumn term (September to December).
    Autumn,
    /// Spring term (January to Easter).
    Spring,
    /// Summer term (Easter to July).
    Summer,
}

impl Term {
    /// Its name: "Autumn", "Spring" or "Summer".
    pub fn name(self) -> &'static str {
        match self {
            Term::Autumn => "Autumn",
            Term::Spring => "Spring",
            Term::Summer => "Summer",
        }
    }

    fn from_word(word: &str) -> Option<Self> {
        match word.to_ascii_lowercase().as_str() {
            "autumn" | "aut" => Some(Term::Autumn),
            "spring" | "spr" => Some(Term::Spring),
            "summer" | "sum" => Some(Term::Summer),
            _ => None,
        }
    }
}

/// When each term and half-term ends; `[terms]` in site.toml overrides these.
///
/// The defaults follow England's usual pattern: autumn ends 31 December,
/// spring 31 March, summer 31 July; the first half-terms end 31 October,
/// 28 February and 31 May.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermDates {
    /// End of the autumn term.
    pub autumn: MonthDay,
    /// End of the spring term.
    pub spring: MonthDay,
    /// End of the summer term.
    pub summer: MonthDay,
    /// End of autumn 1, autumn 2, spring 1, spring 2, summer 1, summer 2.
    pub halves: [MonthDay; 6],
}

impl Default for TermDates {
    fn default() -> Self {
        Self {
            autumn: MonthDay::new(12, 31),
            spring: MonthDay::new(3, 31),
            summer: MonthDay::new(7, 31),
            halves: [
                MonthDay::new(10, 31),
                MonthDay::new(12, 31),
                MonthDay::new(2, 28),
                MonthDay::new(3, 31),
                MonthDay::new(5, 31),
                MonthDay::new(7, 31),
            ],
        }
    }
}

impl TermDates {
    /// The names `[terms]` accepts, in the order of [`TermDates::set`]'s slots.
    pub const KEYS: [&'static str; 9] = [
        "autumn", "spring", "summer", "autumn1", "autumn2", "spring1", "spring2", "summer1",
        "summer2",
    ];

    /// Sets the end of the term or half-term named `key` (one of [`TermDates::KEYS`]).
    pub fn set(&mut self, key: &str, value: MonthDay) -> bool {
        let slot = match key {
            "autumn" => &mut self.autumn,
            "spring" => &mut self.spring,
            "summer" => &mut self.summer,
            "autumn1" => &mut self.halves[0],
            "autumn2" => &mut self.halves[1],
            "spring1" => &mut self.halves[2],
            "spring2" => &mut self.halves[3],
            "summer1" => &mut self.halves[4],
            "summer2" => &mut self.halves[5],
            _ => return false,
        };
        *slot = value;
        true
    }

    fn end(&self, term: Term, half: Option<u8>) -> MonthDay {
        match (term, half) {
            (Term::Autumn, None) => self.autumn,
            (Term::Spring, None) => self.spring,
            (Term::Summer, None) => self.summer,
            (term, Some(h)) => {
                let base = match term {
                    Term::Autumn => 0,
                    Term::Spring => 2,
                    Term::Summer => 4,
                };
                self.halves[base + usize::from(h - 1)]
            }
        }
    }
}

/// How precisely a date was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// A single day: "2026-10-01".
    Day,
    /// A month: "2026-10" or "October 2026"; due by its last day.
    Month,
    /// A term, or a half-term (1 or 2): "Spring 2027", "Sum 1 2027"; due by
    /// its end.
    Term(Term, Option<u8>),
}

/// A date from a policy's front matter: what was written, and the day it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDate {
    /// The text as the school wrote it, trimmed.
    pub written: String,
    /// The day it stands for (the last day of a month or term).
    pub date: Date,
    /// Whether it was a day, a month or a term.
    pub precision: Precision,
}

/// The months' English names, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_from_word(word: &str) -> Option<i8> {
    let lower = word.trim_end_matches('.').to_ascii_lowercase();
    if lower == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| {
            let m = m.to_ascii_lowercase();
            lower == m || (lower.len() == 3 && m.starts_with(&lower))
        })
        .map(|i| i as i8 + 1)
}

fn parse_year(word: &str) -> Option<i16> {
    if word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()) {
        word.parse().ok()
    } else {
        None
    }
}

fn parse_number<T: std::str::FromStr>(word: &str, len: usize) -> Option<T> {
    (word.len() == len && word.bytes().all(|b| b.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
}

/// Parses "2026-10-01" or "2026-10".
fn parse_iso(text: &str) -> Option<Result<(Date, Precision), String>> {
    let parts: Vec<&str> = text.split('-').collect();
    let year = parse_year(parts.first()?)?;
    let month: i8 = parse_number(parts.get(1)?, 2)?;
    let result = match parts.len() {
        2 => Date::new(year, month, 1)
            .map(|d| (d.last_of_month(), Precision::Month))
            .map_err(|_| format!("\"{text}\" is not a real month")),
        3 => {
            let day: i8 = parse_number(parts[2], 2)?;
            Date::new(year, month, day)
                .map(|d| (d, Precision::Day))
                .map_err(|_| format!("\"{text}\" is not a real date"))
        }
        _ => return None,
    };
    Some(result)
}

/// Parses the word forms: "October 2026", "1 October 2026", "Spring 2027",
/// "Spring term 2027", "Spr 2027", "Autumn 1 2026", "Sum 1 2027".
fn parse_words(text: &str, terms: &TermDates) -> Result<(Date, Precision), String> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let Some((last, rest)) = words.split_last() else {
        return Err("the date is empty".into());
    };
    let Some(year) = parse_year(last) else {
        if rest.is_empty() && Term::from_word(last).is_some()
            || words.iter().any(|w| Term::from_word(w).is_some())
        {
            return Err(format!(
                "\"{text}\" names a term but no year; write it like \"Spring 2027\""
            ));
        }
        return Err(unknown_form(text));
    };
    match rest {
        [month] if month_from_word(month).is_some() => {
            let month = month_from_word(month).unwrap_or(1);
            Date::new(year, month, 1)
                .map(|d| (d.last_of_month(), Precision::Month))
                .map_err(|_| unknown_form(text))
        }
        [day, month] if month_from_word(month).is_some() => {
            let day = day
                .trim_end_matches(|c: char| c.is_ascii_alphabetic())
                .parse::<i8>()
                .map_err(|_| unknown_form(text))?;
            let month = month_from_word(month).unwrap_or(1);
            Date::new(year, month, day)
                .map(|d| (d, Precision::Day))
                .map_err(|_| format!("\"{text}\" is not a real date"))
        }
        [term, tail @ ..] if Term::from_word(term).is_some() => {
            let term = Term::from_word(term).unwrap_or(Term::Autumn);
            let tail: Vec<String> = tail.iter().map(|w| w.to_ascii_lowercase()).collect();
            let half = match tail.iter().map(String::as_str).collect::<Vec<_>>()[..] {
                [] | ["term"] => None,
                ["1"] | ["term", "1"] | ["half-term", "1"] => Some(1),
                ["2"] | ["term", "2"] | ["half-term", "2"] => Some(2),
                _ => {
                    return Err(format!(
                        "\"{text}\" is not a term; write it like \"Spring 2027\" or \"Spring 2 2027\""
                    ));
                }
            };
            terms
                .end(term, half)
                .in_year(year)
                .map(|d| (d, Precision::Term(term, half)))
                .ok_or_else(|| unknown_form(text))
        }
        _ => Err(unknown_form(text)),
    }
}

fn unknown_form(text: &str) -> String {
    if let Some(meant) = near_miss(text) {
        return format!(
            "\"{text}\" is not a date policyweb understands; did you mean \"{meant}\"?"
        );
    }
    format!(
        "\"{text}\" is not a date policyweb understands; use a day (2026-10-01), a month \
         (2026-10 or October 2026), a term (Spring 2027, Spr 2027) or a half-term (Autumn 1 2026)"
    )
}

/// `text` with a misspelt term or month name ("Sprng 2027") put right.
fn near_miss(text: &str) -> Option<String> {
    let names = ["Autumn", "Spring", "Summer"].into_iter().chain(MONTHS);
    let word = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .find(|w| {
            w.len() > 2
                && w.chars().all(|c| c.is_ascii_alphabetic())
                && Term::from_word(w).is_none()
                && month_from_word(w).is_none()
                && !w.eq_ignore_ascii_case("term")
        })?;
    let near = crate::suggest::closest(word, names)?;
    Some(text.replacen(word, near, 1))
}

impl PolicyDate {
    /// Parses any accepted form, using `terms` for the end of terms and half-terms.
    pub fn parse(text: &str, terms: &TermDates) -> Result<Self, String> {
        let written = text.trim();
        if written.is_empty() {
            return Err("the date is empty".into());
        }
        let (date, precision) = match parse_iso(written) {
            Some(result) => result?,
            None => parse_words(written, terms)?,
        };
        Ok(Self {
            written: written.to_string(),
            date,
            precision,
        })
    }

    /// A day that was computed rather than written (e.g. approved + review interval).
    pub fn computed(date: Date) -> Self {
        Self {
            written: iso(date),
            date,
            precision: Precision::Day,
        }
    }

    /// Its name, however it was written: "1 October 2026", "October 2026"
    /// (for `2026-10` or `Oct 2026`), "Spring 2027" (for `Spr 2027` or
    /// `Spring term 2027`), "Summer 1 2027" (for `Sum 1 2027`).
    pub fn name(&self) -> String {
        let year = self.date.year();
        match self.precision {
            Precision::Day => long(self.date),
            Precision::Month => {
                let month = MONTHS[usize::from(self.date.month().unsigned_abs()) - 1];
                format!("{month} {year}")
            }
            Precision::Term(term, None) => format!("{} {year}", term.name()),
            Precision::Term(term, Some(half)) => format!("{} {half} {year}", term.name()),
        }
    }

    /// How a reader sees it as a deadline: "1 October 2026", or a month or
    /// term with its last day ("Spring 2027, by 31 March 2027").
    pub fn display(&self) -> String {
        match self.precision {
            Precision::Day => long(self.date),
            Precision::Month | Precision::Term(..) => {
                format!("{}, by {}", self.name(), long(self.date))
            }
        }
    }
}

impl fmt::Display for PolicyDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// "2026-10-01".
pub fn iso(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// "1 October 2026".
pub fn long(date: Date) -> String {
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[usize::try_from(date.month() - 1).unwrap_or(0)],
        date.year()
    )
}

/// Parses a strict `YYYY-MM-DD` day (for `--today` and data files).
pub fn parse_day(text: &str) -> Result<Date, String> {
    match parse_iso(text.trim()) {
        Some(Ok((date, Precision::Day))) => Ok(date),
        Some(Err(e)) => Err(e),
        _ => Err(format!("\"{text}\" is not a date in the form YYYY-MM-DD")),
    }
}

/// A review interval such as "1 year", "2 years" or "18 months".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    months: i32,
}

impl Interval {
    /// Parses "N year(s)", "N month(s)", "annually" or "yearly".
    pub fn parse(text: &str) -> Result<Self, String> {
        let lower = text.trim().to_ascii_lowercase();
        let bad = || {
            format!(
                "\"{text}\" is not an interval; write it like \"1 year\", \"2 years\" or \"6 months\""
            )
        };
        if lower == "annually" || lower == "yearly" {
            return Ok(Self { months: 12 });
        }
        let mut words = lower.split_whitespace();
        let (Some(n), Some(unit), None) = (words.next(), words.next(), words.next()) else {
            return Err(bad());
        };
        let n: i32 = n.parse().map_err(|_| bad())?;
        let months = match unit {
            "year" | "years" => n.checked_mul(12),
            "month" | "months" => Some(n),
            _ => None,
        }
        .ok_or_else(bad)?;
        if !(1..=120).contains(&months) {
            return Err(format!(
                "\"{text}\" is out of range; an interval is from 1 month to 10 years"
            ));
        }
        Ok(Self { months })
    }

    /// `date` plus this interval; a day that does not exist in the target month
    /// becomes that month's last day (31 January + 1 month = 28 or 29 February).
    pub fn after(self, date: Date) -> Option<Date> {
        date.checked_add(self.months.months()).ok()
    }
}

/// A date as it appears in TOML: a quoted string, or an unquoted TOML date.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum DateInput {
    /// `approved = "Summer 2024"`.
    Text(String),
    /// `approved = 2024-06-12`.
    Toml(toml::value::Datetime),
}

impl DateInput {
    /// The text to parse.
    pub fn text(&self) -> String {
        match self {
            DateInput::Text(s) => s.clone(),
            DateInput::Toml(d) => d.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn parse(text: &str) -> Result<PolicyDate, String> {
        PolicyDate::parse(text, &TermDates::default())
    }

    #[test]
    fn every_accepted_form() {
        let cases = [
            ("2026-10-01", date(2026, 10, 1), "1 October 2026"),
            ("2026-10", date(2026, 10, 31), "October 2026"),
            ("2027-02", date(2027, 2, 28), "February 2027"),
            ("2028-02", date(2028, 2, 29), "February 2028"),
            ("October 2026", date(2026, 10, 31), "October 2026"),
            ("oct 2026", date(2026, 10, 31), "October 2026"),
            ("Sept 2026", date(2026, 9, 30), "September 2026"),
            ("1 October 2026", date(2026, 10, 1), "1 October 2026"),
            ("12th June 2024", date(2024, 6, 12), "12 June 2024"),
            ("Spring 2027", date(2027, 3, 31), "Spring 2027"),
            ("Spring term 2027", date(2027, 3, 31), "Spring 2027"),
            ("Spr 2027", date(2027, 3, 31), "Spring 2027"),
            ("Sum 2024", date(2024, 7, 31), "Summer 2024"),
            ("Summer 2024", date(2024, 7, 31), "Summer 2024"),
            ("Aut 2026", date(2026, 12, 31), "Autumn 2026"),
            ("autumn 2026", date(2026, 12, 31), "Autumn 2026"),
            ("Autumn 1 2026", date(2026, 10, 31), "Autumn 1 2026"),
            ("Autumn 2 2026", date(2026, 12, 31), "Autumn 2 2026"),
            ("Spring 1 2027", date(2027, 2, 28), "Spring 1 2027"),
            ("Spring 2 2027", date(2027, 3, 31), "Spring 2 2027"),
            ("Sum 1 2027", date(2027, 5, 31), "Summer 1 2027"),
            ("Summer term 2 2027", date(2027, 7, 31), "Summer 2 2027"),
            ("  Spring 2027  ", date(2027, 3, 31), "Spring 2027"),
        ];
        for (text, expected, name) in cases {
            let parsed = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(parsed.date, expected, "{text}");
            assert_eq!(parsed.name(), name, "{text}");
            assert_eq!(parsed.written, text.trim());
        }
    }

    #[test]
    fn errors_name_the_problem() {
        let cases = [
            ("", "empty"),
            ("Spring", "no year"),
            ("Spring term", "no year"),
            ("2026-13-01", "not a real date"),
            ("2026-02-30", "not a real date"),
            ("2026-13", "not a real month"),
            ("next year", "not a date policyweb understands"),
            ("Spring 3 2027", "not a term"),
            ("Winter 2027", "not a date policyweb understands"),
            ("31/03/2027", "not a date policyweb understands"),
            ("30 February 2027", "not a real date"),
        ];
        for (text, expected) in cases {
            let err = parse(text).expect_err(text);
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn term_overrides_apply() {
        let mut terms = TermDates::default();
        assert!(terms.set("spring", MonthDay::parse("04-04").unwrap()));
        assert!(terms.set("summer1", MonthDay::parse("05-23").unwrap()));
        assert!(!terms.set("winter", MonthDay::parse("01-01").unwrap()));
        let spring = PolicyDate::parse("Spr 2027", &terms).unwrap();
        assert_eq!(spring.date, date(2027, 4, 4));
        let half = PolicyDate::parse("Sum 1 2027", &terms).unwrap();
        assert_eq!(half.date, date(2027, 5, 23));
    }

    #[test]
    fn leap_day_term_end_is_clamped() {
        let mut terms = TermDates::default();
        terms.set("spring1", MonthDay::parse("02-29").unwrap());
        assert_eq!(
            PolicyDate::parse("Spring 1 2027", &terms).unwrap().date,
            date(2027, 2, 28)
        );
        assert_eq!(
            PolicyDate::parse("Spring 1 2028", &terms).unwrap().date,
            date(2028, 2, 29)
        );
    }

    #[test]
    fn month_day_rejects_nonsense() {
        for bad in ["13-01", "02-30", "7-31", "0731", "aa-bb", ""] {
            assert!(MonthDay::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn displays_term_with_its_end() {
        assert_eq!(
            parse("Spring 2027").unwrap().display(),
            "Spring 2027, by 31 March 2027"
        );
        assert_eq!(parse("2026-10-01").unwrap().display(), "1 October 2026");
        // A month reads the same however it was written.
        for month in ["October 2026", "Oct 2026", "2026-10", "october 2026"] {
            assert_eq!(
                parse(month).unwrap().display(),
                "October 2026, by 31 October 2026",
                "{month}"
            );
        }
    }

    #[test]
    fn intervals_cross_month_ends_and_leap_years() {
        let cases = [
            ("1 year", date(2024, 2, 29), date(2025, 2, 28)),
            ("4 years", date(2024, 2, 29), date(2028, 2, 29)),
            ("1 month", date(2026, 1, 31), date(2026, 2, 28)),
            ("1 month", date(2028, 1, 31), date(2028, 2, 29)),
            ("6 months", date(2026, 8, 31), date(2027, 2, 28)),
            ("18 months", date(2025, 9, 10), date(2027, 3, 10)),
            ("2 years", date(2025, 9, 10), date(2027, 9, 10)),
            ("annually", date(2026, 7, 31), date(2027, 7, 31)),
        ];
        for (text, from, expected) in cases {
            let interval = Interval::parse(text).unwrap();
            assert_eq!(interval.after(from), Some(expected), "{text} after {from}");
        }
    }

    #[test]
    fn interval_errors() {
        for bad in [
            "",
            "1",
            "year",
            "two years",
            "1 fortnight",
            "0 months",
            "11 years",
        ] {
            assert!(Interval::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn strict_day_for_today() {
        assert_eq!(parse_day("2026-11-21").unwrap(), date(2026, 11, 21));
        assert!(parse_day("2026-11").is_err());
        assert!(parse_day("November 2026").is_err());
    }

    #[test]
    fn a_misspelt_term_or_month_gets_a_suggestion() {
        let terms = TermDates::default();
        assert_eq!(
            PolicyDate::parse("Sprng 2027", &terms).unwrap_err(),
            "\"Sprng 2027\" is not a date policyweb understands; did you mean \"Spring 2027\"?"
        );
        assert_eq!(
            PolicyDate::parse("Febuary 2027", &terms).unwrap_err(),
            "\"Febuary 2027\" is not a date policyweb understands; did you mean \"February 2027\"?"
        );
        assert!(
            PolicyDate::parse("Whenever 2027", &terms)
                .unwrap_err()
                .contains("use a day")
        );
    }
}
