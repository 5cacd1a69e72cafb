//! `data/age-limits.toml`: platforms and their minimum ages, with when they
//! were last checked and where each age comes from.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::dates::{self, DateInput};
use crate::diagnostics::{Diagnostics, Kind};
use crate::tomlfile::TomlSource;

/// The highest minimum age the data accepts.
pub const MAX_AGE: i64 = 21;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgeLimits {
    checked: Option<Spanned<DateInput>>,
    #[serde(default)]
    platform: Vec<Spanned<RawPlatform>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlatform {
    name: Option<String>,
    min_age: Option<Spanned<toml::Value>>,
    note: Option<String>,
    source: Option<Spanned<String>>,
    #[serde(default)]
    aliases: Vec<String>,
}

/// One platform's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Platform {
    /// The platform's name, e.g. "WhatsApp".
    pub name: String,
    /// The minimum age in its terms for UK users (0 when it has none).
    pub min_age: u8,
    /// Anything parents should know: younger versions, consent rules.
    pub note: Option<String>,
    /// Where the age was checked: an http(s) address.
    pub source: String,
    /// Other names the platform goes by in prose ("Twitter" for X).
    pub aliases: Vec<String>,
    /// The file line of the row.
    #[serde(skip)]
    pub line: usize,
}

impl Platform {
    /// The name and every alias.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// The age data of a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeLimits {
    /// The file it came from.
    pub path: PathBuf,
    /// When the ages were last verified.
    pub checked: Date,
    /// The line of `checked`.
    pub checked_line: usize,
    /// The platforms, sorted by minimum age, then name.
    pub platforms: Vec<Platform>,
}

impl AgeLimits {
    /// The platform with this name or alias (case-insensitive).
    pub fn platform(&self, name: &str) -> Option<&Platform> {
        let name = name.trim();
        self.platforms
            .iter()
            .find(|p| p.names().any(|n| n.eq_ignore_ascii_case(name)))
    }

    /// The last day on which data checked on `checked` is still fresh: exactly
    /// `max_months` months later (clamped to the month's end).
    pub fn fresh_until(&self, max_months: i64) -> Date {
        self.checked
            .checked_add(max_months.months())
            .unwrap_or(Date::MAX)
    }

    /// Whether, on `today`, the ages are older than `max_months` months.
    pub fn is_stale(&self, today: Date, max_months: i64) -> bool {
        today > self.fresh_until(max_months)
    }

    /// Warns when, on `today`, the ages are more than `max_months` months old,
    /// or were checked on a day still to come.
    pub fn check_dates(&self, today: Date, max_months: i64, diagnostics: &mut Diagnostics) {
        let line = Some(self.checked_line);
        if self.is_stale(today, max_months) {
            diagnostics.warning(
                &self.path,
                line,
                Kind::StaleAgeData,
                format!(
                    "the minimum ages were last checked on {}, more than {max_months} months \
                     ago (age_data_max_age_months in site.toml): check each platform's terms, \
                     then update checked",
                    dates::long(self.checked)
                ),
            );
        } else if self.checked > today {
            diagnostics.warning(
                &self.path,
                line,
                Kind::StaleAgeData,
                format!(
                    "checked is {}, which is after today ({}): is the date right?",
                    dates::iso(self.checked),
                    dates::iso(today)
                ),
            );
        }
    }

    /// The most common minimum age above 0 (the lower one on a tie), for
    /// sentences such as "You need to be 13 for most of these apps".
    pub fn typical_age(&self) -> Option<u8> {
        let mut counts: Vec<(u8, usize)> = Vec::new();
        for p in self.platforms.iter().filter(|p| p.min_age > 0) {
            match counts.iter_mut().find(|(age, _)| *age == p.min_age) {
                Some((_, n)) => *n += 1,
                None => counts.push((p.min_age, 1)),
            }
        }
        counts
            .into_iter()
            .max_by(|(a, n), (b, m)| n.cmp(m).then(b.cmp(a)))
            .map(|(age, _)| age)
    }
}

/// Sorts rows by minimum age, then name (case-insensitive).
pub fn sort_rows<P: std::borrow::Borrow<Platform>>(rows: &mut [P]) {
    rows.sort_by(|a, b| {
        let (a, b) = (a.borrow(), b.borrow());
        (a.min_age, a.name.to_lowercase()).cmp(&(b.min_age, b.name.to_lowercase()))
    });
}

/// Whether `text` is an absolute http(s) address with a host and no spaces.
pub fn is_web_address(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    !host.is_empty()
        && host.contains('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !host.starts_with(['.', '-'])
        && !text.contains(|c: char| c.is_whitespace() || c.is_control() || "<>\"`".contains(c))
}

/// Parses the age data in `text`; `None` when it has errors.
pub fn parse(path: &Path, text: &str, diagnostics: &mut Diagnostics) -> Option<AgeLimits> {
    let toml = TomlSource::new(path, text, 1);
    let raw: RawAgeLimits = match toml.parse() {
        Ok(raw) => raw,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let errors_before = diagnostics.error_count();
    let checked = parse_checked(raw.checked, &toml, diagnostics);
    if raw.platform.is_empty() {
        diagnostics.error(
            path,
            Some(1),
            "no platforms: add a [[platform]] with name, min_age and source for each",
        );
    }
    let mut seen: HashMap<String, (String, usize)> = HashMap::new();
    let mut platforms = Vec::new();
    for row in raw.platform {
        let line = toml.line(&row.span());
        let Some(platform) = parse_row(row.into_inner(), line, &toml, diagnostics) else {
            continue;
        };
        let mut duplicate = false;
        for name in platform.names() {
            if let Some((first, first_line)) = seen.get(&name.to_lowercase()) {
                diagnostics.error(
                    path,
                    Some(line),
                    format!(
                        "\"{name}\" is listed twice (first as \"{first}\" on line {first_line})"
                    ),
                );
                duplicate = true;
            }
        }
        for name in platform.names() {
            seen.entry(name.to_lowercase())
                .or_insert_with(|| (platform.name.clone(), line));
        }
        if !duplicate {
            platforms.push(platform);
        }
    }
    sort_rows(&mut platforms);
    match checked {
        Some((checked, checked_line)) if diagnostics.error_count() == errors_before => {
            Some(AgeLimits {
                path: path.to_path_buf(),
                checked,
                checked_line,
                platforms,
            })
        }
        _ => None,
    }
}

/// The `checked` date and its line, or an error.
fn parse_checked(
    checked: Option<Spanned<DateInput>>,
    toml: &TomlSource,
    diagnostics: &mut Diagnostics,
) -> Option<(Date, usize)> {
    let Some(checked) = checked else {
        diagnostics.error(
            toml.path,
            Some(1),
            "add checked = \"YYYY-MM-DD\": the day these ages were last verified",
        );
        return None;
    };
    let line = toml.line(&checked.span());
    match dates::parse_day(&checked.get_ref().text()) {
        Ok(date) => Some((date, line)),
        Err(e) => {
            diagnostics.error(toml.path, Some(line), format!("checked: {e}"));
            None
        }
    }
}

/// One `[[platform]]` row starting on `line`, or errors for each problem in it.
fn parse_row(
    row: RawPlatform,
    line: usize,
    toml: &TomlSource,
    diagnostics: &mut Diagnostics,
) -> Option<Platform> {
    let path = toml.path;
    let Some(name) = clean(row.name) else {
        diagnostics.error(path, Some(line), "a [[platform]] needs a name");
        return None;
    };
    let errors_before = diagnostics.error_count();
    let min_age = match row.min_age {
        None => {
            diagnostics.error(
                path,
                Some(line),
                format!("\"{name}\" needs min_age (0 when it has no minimum age)"),
            );
            None
        }
        Some(age) => match age.get_ref() {
            toml::Value::Integer(n) if (0..=MAX_AGE).contains(n) => u8::try_from(*n).ok(),
            other => {
                diagnostics.error(
                    path,
                    Some(toml.line(&age.span())),
                    format!(
                        "min_age of \"{name}\" must be a whole number from 0 to {MAX_AGE}, not {other}"
                    ),
                );
                None
            }
        },
    };
    let source = match row.source {
        None => {
            diagnostics.error(
                path,
                Some(line),
                format!(
                    "\"{name}\" needs source = \"https://...\": the page of its terms that gives the age"
                ),
            );
            None
        }
        Some(source) if !is_web_address(source.get_ref().trim()) => {
            diagnostics.error(
                path,
                Some(toml.line(&source.span())),
                format!(
                    "source of \"{name}\" must be a web address starting with https://, not \"{}\"",
                    source.get_ref()
                ),
            );
            None
        }
        Some(source) => Some(source.into_inner().trim().to_string()),
    };
    let mut aliases: Vec<String> = Vec::new();
    for alias in row.aliases {
        match clean(Some(alias)) {
            Some(alias) => aliases.push(alias),
            None => diagnostics.error(path, Some(line), format!("an alias of \"{name}\" is empty")),
        }
    }
    if diagnostics.error_count() > errors_before {
        return None;
    }
    Some(Platform {
        name,
        min_age: min_age?,
        note: clean(row.note),
        source: source?,
        aliases,
        line,
    })
}

/// Trimmed text, or `None` when there is none.
fn clean(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const ROW: &str = "source = \"https://example.com/terms\"\n";

    fn run(text: &str) -> (Option<AgeLimits>, Vec<String>) {
        let mut d = Diagnostics::new();
        let data = parse(Path::new("age.toml"), text, &mut d);
        (data, d.sorted().iter().map(ToString::to_string).collect())
    }

    fn good(text: &str) -> AgeLimits {
        let (data, errors) = run(text);
        assert!(errors.is_empty(), "{errors:?}");
        data.unwrap()
    }

    #[test]
    fn sorted_by_age_then_name() {
        let data = good(&format!(
            "checked = \"2026-09-01\"\n[[platform]]\nname = \"b\"\nmin_age = 13\n{ROW}\
             [[platform]]\nname = \"Roblox\"\nmin_age = 0\n{ROW}[[platform]]\nname = \"A\"\nmin_age = 13\n{ROW}"
        ));
        let names: Vec<&str> = data.platforms.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Roblox", "A", "b"]);
        assert_eq!(data.checked, date(2026, 9, 1));
        assert_eq!(data.checked_line, 1);
        assert_eq!(data.platforms[1].line, 10);
    }

    #[test]
    fn each_bad_row_is_an_error_with_its_line() {
        let (data, errors) = run(&format!(
            "checked = \"September 2026\"\n\
             [[platform]]\nmin_age = 13\n{ROW}\
             [[platform]]\nname = \"X\"\nmin_age = 22\n{ROW}\
             [[platform]]\nname = \"Y\"\nmin_age = 12.5\n{ROW}\
             [[platform]]\nname = \"Z\"\nmin_age = 13\n{ROW}\
             [[platform]]\nname = \" z \"\nmin_age = 13\n{ROW}"
        ));
        assert!(data.is_none());
        assert_eq!(
            errors,
            [
                "age.toml:1: error: checked: \"September 2026\" is not a date in the form YYYY-MM-DD",
                "age.toml:2: error: a [[platform]] needs a name",
                "age.toml:7: error: min_age of \"X\" must be a whole number from 0 to 21, not 22",
                "age.toml:11: error: min_age of \"Y\" must be a whole number from 0 to 21, not 12.5",
                "age.toml:17: error: \"z\" is listed twice (first as \"Z\" on line 13)",
            ]
        );
    }

    /// Each case: the file, then the one error it must give.
    #[test]
    fn bad_data_errors_point_at_the_right_line() {
        let cases: &[(&str, &str)] = &[
            (
                "checked = \"2026-02-30\"\n[[platform]]\nname = \"A\"\nmin_age = 13\nsource = \"https://a.com/\"\n",
                "age.toml:1: error: checked:",
            ),
            (
                "# comment\n\nchecked = \"yesterday\"\n[[platform]]\nname = \"A\"\nmin_age = 13\nsource = \"https://a.com/\"\n",
                "age.toml:3: error: checked: \"yesterday\" is not a date",
            ),
            (
                "[[platform]]\nname = \"A\"\nmin_age = 13\nsource = \"https://a.com/\"\n",
                "age.toml:1: error: add checked = \"YYYY-MM-DD\"",
            ),
            (
                "checked = \"2026-01-01\"\n",
                "age.toml:1: error: no platforms",
            ),
            (
                "checked = \"2026-01-01\"\n\n# the first\n[[platform]]\nname = \"\"\nmin_age = 13\nsource = \"https://a.com/\"\n",
                "age.toml:4: error: a [[platform]] needs a name",
            ),
            (
                "checked = \"2026-01-01\"\n[[platform]]\nname = \"A\"\nmin_age = 13\nsource = \"https://a.com/\"\n\n\n[[platform]]\nname = \"B\"\nsource = \"https://b.com/\"\n",
                "age.toml:8: error: \"B\" needs min_age",
            ),
            (
                "checked = \"2026-01-01\"\n[[platform]]\nname = \"A\"\nmin_age = \"13\"\nsource = \"https://a.com/\"\n",
                "age.toml:4: error: min_age of \"A\" must be a whole number from 0 to 21, not \"13\"",
            ),
            (
                "checked = \"2026-01-01\"\n[[platform]]\nname = \"A\"\nmin_age = -1\nsource = \"https://a.com/\"\n",
                "age.toml:4: error: min_age of \"A\" must be a whole number from 0 to 21, not -1",
            ),
            (
                "checked = \"2026-01-01\"\n[[platform]]\nname = \"A\"\nmin_age = 13\n",
                "age.toml:2: error: \"A\" needs source = \"https://...\"",
            ),
            (
                "checked = \"2026-01-01\"\n[[platform]]\nname = \"A\"\nmin_age = 13\nsource = \"www.a.com/terms\"\n",
                "age.toml:5: error: source of \"A\" must be a web address starting with https://, not \"www.a.com/terms\"",
            ),
            (
                "checked = \"2026-01-01\"\n[[platform]]\nname = \"A\"\nmin_age = 13\nsource = \"javascript:alert(1)\"\n",
                "age.toml:5: error: source of \"A\" must be a web address",
            ),
            (
                "checked = \"2026-01-01\"\n[[platform]]\nname = \"A\"\nmin_age = 13\nsourse = \"https://a.com/\"\n",
                "age.toml:5: error: unknown key \"sourse\"; did you mean \"source\"?",
            ),
            (
                "checked = \"2026-01-01\"\n[[platform]]\nname = \"X\"\naliases = [\"Twitter\"]\nmin_age = 13\nsource = \"https://x.com/\"\n[[platform]]\nname = \"twitter\"\nmin_age = 13\nsource = \"https://x.com/\"\n",
                "age.toml:7: error: \"twitter\" is listed twice (first as \"X\" on line 2)",
            ),
            (
                "checked = \"2026-01-01\"\nplatform = [\n  { name = \"A\", min_age = 13, source = \"https://a.com/\" },\n  { name = \"B\", min_age = 99, source = \"https://b.com/\" },\n]\n",
                "age.toml:4: error: min_age of \"B\" must be a whole number from 0 to 21, not 99",
            ),
            (
                "checked = \"2026-01-01\"\nplatform = [\n  { name = \"A\", min_age = 13, source = \"https://a.com/\" },\n  { min_age = 9, source = \"https://b.com/\" },\n]\n",
                "age.toml:4: error: a [[platform]] needs a name",
            ),
        ];
        for (text, expected) in cases {
            let (data, errors) = run(text);
            assert!(data.is_none(), "{text}");
            assert_eq!(errors.len(), 1, "{text}\n{errors:#?}");
            assert!(
                errors[0].starts_with(expected),
                "{text}\nwanted {expected}\ngot    {}",
                errors[0]
            );
        }
    }

    #[test]
    fn a_toml_date_and_optional_fields_are_accepted() {
        let data = good(
            "checked = 2026-09-01\n[[platform]]\nname = \" X \"\naliases = [\"Twitter\"]\n\
             min_age = 13\nnote = \"  \"\nsource = \" https://x.com/en/tos \"\n",
        );
        let x = &data.platforms[0];
        assert_eq!(x.name, "X");
        assert_eq!(x.note, None);
        assert_eq!(x.source, "https://x.com/en/tos");
        assert_eq!(data.platform("twitter").map(|p| p.name.as_str()), Some("X"));
        assert_eq!(data.platform("x").map(|p| p.name.as_str()), Some("X"));
        assert_eq!(data.platform("Y"), None);
    }

    #[test]
    fn web_addresses() {
        for ok in [
            "https://www.whatsapp.com/legal/terms-of-service-eea",
            "http://example.org",
            "https://support.discord.com:443/hc/en-us/articles/360040724612?x=1#y",
        ] {
            assert!(is_web_address(ok), "{ok}");
        }
        for bad in [
            "",
            "www.example.com",
            "ftp://example.com/x",
            "https://",
            "https:///path",
            "https://exa mple.com/",
            "https://localhost/",
            "https://example.com/a b",
            "https://example.com/\"onmouseover=\"x",
            "mailto:dpo@school.sch.uk",
        ] {
            assert!(!is_web_address(bad), "{bad}");
        }
    }

    #[test]
    fn stale_exactly_one_day_after_max_age() {
        let data = good(&format!(
            "checked = \"2025-11-21\"\n[[platform]]\nname = \"A\"\nmin_age = 13\n{ROW}"
        ));
        assert_eq!(data.fresh_until(12), date(2026, 11, 21));
        assert!(!data.is_stale(date(2026, 11, 21), 12));
        assert!(data.is_stale(date(2026, 11, 22), 12));
        assert!(!data.is_stale(date(2025, 11, 21), 0));
        assert!(data.is_stale(date(2025, 11, 22), 0));
        let end_of_month = AgeLimits {
            checked: date(2026, 1, 31),
            ..data
        };
        assert_eq!(end_of_month.fresh_until(1), date(2026, 2, 28));
    }

    #[test]
    fn typical_age_is_the_most_common_nonzero_age() {
        let row = |name: &str, min_age: u8| Platform {
            name: name.into(),
            min_age,
            note: None,
            source: "https://a.com/".into(),
            aliases: Vec::new(),
            line: 1,
        };
        let data = |rows: Vec<Platform>| AgeLimits {
            path: PathBuf::from("a.toml"),
            checked: date(2026, 1, 1),
            checked_line: 1,
            platforms: rows,
        };
        let ages = |rows: Vec<Platform>| data(rows).typical_age();
        assert_eq!(
            ages(vec![
                row("a", 0),
                row("b", 0),
                row("c", 13),
                row("d", 16),
                row("e", 13)
            ]),
            Some(13)
        );
        assert_eq!(ages(vec![row("a", 16), row("b", 13)]), Some(13));
        assert_eq!(ages(vec![row("a", 0)]), None);
    }
}
