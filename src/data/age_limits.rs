//! `data/age-limits.toml`: platforms and their minimum ages, with when they
//! were last checked and where each age comes from.

use std::collections::HashMap;
use std::path::Path;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::dates::{self, DateInput};
use crate::diagnostics::Diagnostics;
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
    source: Option<String>,
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
    /// Where the age was checked.
    pub source: Option<String>,
    /// The file line of the row.
    #[serde(skip)]
    pub line: usize,
}

/// The age data of a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeLimits {
    /// The file it came from.
    pub path: std::path::PathBuf,
    /// When the ages were last verified.
    pub checked: Date,
    /// The line of `checked`.
    pub checked_line: usize,
    /// The platforms, sorted by minimum age, then name.
    pub platforms: Vec<Platform>,
}

impl AgeLimits {
    /// The platform with this name (case-insensitive).
    pub fn platform(&self, name: &str) -> Option<&Platform> {
        self.platforms
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }
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
    let (checked, checked_line) = match raw.checked {
        Some(checked) => {
            let line = toml.line(&checked.span());
            match dates::parse_day(&checked.get_ref().text()) {
                Ok(date) => (Some(date), line),
                Err(e) => {
                    diagnostics.error(path, Some(line), format!("checked: {e}"));
                    (None, line)
                }
            }
        }
        None => {
            diagnostics.error(
                path,
                Some(1),
                "add checked = \"YYYY-MM-DD\": the day these ages were last verified",
            );
            (None, 1)
        }
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut platforms = Vec::new();
    for row in raw.platform {
        let line = toml.line(&row.span());
        let row = row.into_inner();
        let Some(name) = row
            .name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
        else {
            diagnostics.error(path, Some(line), "a [[platform]] needs a name");
            continue;
        };
        if let Some(first) = seen.insert(name.to_lowercase(), line) {
            diagnostics.error(
                path,
                Some(line),
                format!("\"{name}\" is listed twice (first on line {first})"),
            );
            continue;
        }
        let Some(age) = row.min_age else {
            diagnostics.error(path, Some(line), format!("\"{name}\" needs min_age"));
            continue;
        };
        let age_line = toml.line(&age.span());
        let min_age = match age.get_ref() {
            toml::Value::Integer(n) if (0..=MAX_AGE).contains(n) => *n as u8,
            other => {
                diagnostics.error(
                    path,
                    Some(age_line),
                    format!(
                        "min_age of \"{name}\" must be a whole number from 0 to {MAX_AGE}, not {other}"
                    ),
                );
                continue;
            }
        };
        platforms.push(Platform {
            name,
            min_age,
            note: row.note.map(|n| n.trim().to_string()),
            source: row.source,
            line,
        });
    }
    platforms.sort_by(|a, b| {
        (a.min_age, a.name.to_lowercase()).cmp(&(b.min_age, b.name.to_lowercase()))
    });
    match checked {
        Some(checked) if diagnostics.error_count() == errors_before => Some(AgeLimits {
            path: path.to_path_buf(),
            checked,
            checked_line,
            platforms,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Option<AgeLimits>, Vec<String>) {
        let mut d = Diagnostics::new();
        let data = parse(Path::new("age.toml"), text, &mut d);
        (data, d.sorted().iter().map(ToString::to_string).collect())
    }

    #[test]
    fn sorted_by_age_then_name() {
        let (data, errors) = run(
            "checked = \"2026-09-01\"\n[[platform]]\nname = \"b\"\nmin_age = 13\n\
             [[platform]]\nname = \"Roblox\"\nmin_age = 0\n[[platform]]\nname = \"A\"\nmin_age = 13\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let data = data.unwrap();
        let names: Vec<&str> = data.platforms.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Roblox", "A", "b"]);
    }

    #[test]
    fn each_bad_row_is_an_error_with_its_line() {
        let (data, errors) = run("checked = \"September 2026\"\n\
             [[platform]]\nmin_age = 13\n\
             [[platform]]\nname = \"X\"\nmin_age = 22\n\
             [[platform]]\nname = \"Y\"\nmin_age = 12.5\n\
             [[platform]]\nname = \"Z\"\nmin_age = 13\n\
             [[platform]]\nname = \"z\"\nmin_age = 13\n");
        assert!(data.is_none());
        assert_eq!(errors.len(), 5, "{errors:?}");
        assert!(errors[0].starts_with("age.toml:1: error: checked:"));
        assert!(errors[1].starts_with("age.toml:2: error: a [[platform]] needs a name"));
        assert!(errors[2].starts_with(
            "age.toml:6: error: min_age of \"X\" must be a whole number from 0 to 21"
        ));
        assert!(errors[3].starts_with("age.toml:9: error: min_age of \"Y\""));
        assert!(
            errors[4].starts_with("age.toml:13: error: \"z\" is listed twice (first on line 10)")
        );
    }
}
