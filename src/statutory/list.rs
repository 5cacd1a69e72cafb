//! The built-in list of duties (`duties.toml`, embedded in the binary), read once.

use std::sync::LazyLock;

use serde::Deserialize;

use super::{Duty, DutyList, Phase, SchoolType};
use crate::dates::{self, Interval};

/// The list as it stands in `duties.toml`.
const TEXT: &str = include_str!("duties.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    checked: String,
    duty: Vec<RawDuty>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDuty {
    id: String,
    name: String,
    have: bool,
    publish: bool,
    review_every: String,
    #[serde(default)]
    school_types: Vec<String>,
    #[serde(default)]
    phases: Vec<String>,
    source: String,
    note: Option<String>,
}

static BUILTIN: LazyLock<DutyList> = LazyLock::new(|| read(TEXT));

/// The built-in list of statutory duties for schools in England.
pub fn builtin() -> &'static DutyList {
    &BUILTIN
}

/// Reads the list. It is part of the program, so a mistake in it is a bug
/// that the unit tests catch, not a user's error.
fn read(text: &str) -> DutyList {
    let raw: RawList = toml::from_str(text).expect("duties.toml is valid");
    let duties = raw
        .duty
        .into_iter()
        .map(|d| Duty {
            interval: Interval::parse(&d.review_every).expect("duties.toml: review_every"),
            school_types: d
                .school_types
                .iter()
                .map(|t| SchoolType::parse(t).expect("duties.toml: school_types"))
                .collect(),
            phases: d
                .phases
                .iter()
                .map(|p| Phase::parse(p).expect("duties.toml: phases"))
                .collect(),
            id: d.id,
            name: d.name,
            have: d.have,
            publish: d.publish,
            review_every: d.review_every,
            source: d.source,
            note: d.note,
            not_applicable: None,
        })
        .collect();
    DutyList {
        checked: dates::parse_day(&raw.checked).expect("duties.toml: checked"),
        duties,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_valid() {
        let list = read(TEXT);
        let mut ids: Vec<&str> = list.ids().collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate ids in duties.toml");
        for id in ids {
            assert!(
                id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{id}"
            );
        }
    }
}
