//! Statutory duties: the built-in, dated and sourced list of the policies a
//! school in England must have and the information it must publish, and what a
//! site's `site.toml` says about them (school type, phase, changed or added
//! duties, duties met elsewhere on the school's website).
//!
//! A leaf below [`crate::config`]: it reads no files; site.toml's raw tables
//! arrive here already deserialised.

mod list;

use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use crate::dates::Interval;
use crate::diagnostics::Diagnostics;
use crate::suggest;
use crate::tomlfile::TomlSource;

pub use list::builtin;

/// What kind of school it is, which decides the duties that apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchoolType {
    /// Maintained by a local authority (community, foundation, voluntary).
    Maintained,
    /// An academy or free school, in a trust.
    Academy,
    /// An independent school.
    Independent,
}

/// The ages a school teaches, which decides the duties that apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// A nursery school.
    Nursery,
    /// A primary (or infant or junior) school.
    Primary,
    /// A secondary school.
    Secondary,
    /// A school with primary and secondary pupils.
    AllThrough,
    /// A special school.
    Special,
}

impl SchoolType {
    /// The words site.toml uses.
    pub const NAMES: [&'static str; 3] = ["maintained", "academy", "independent"];

    /// The type named `name` in site.toml.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "maintained" => Some(Self::Maintained),
            "academy" => Some(Self::Academy),
            "independent" => Some(Self::Independent),
            _ => None,
        }
    }
}

impl Phase {
    /// The words site.toml uses.
    pub const NAMES: [&'static str; 5] =
        ["nursery", "primary", "secondary", "all-through", "special"];

    /// The phase named `name` in site.toml.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "nursery" => Some(Self::Nursery),
            "primary" => Some(Self::Primary),
            "secondary" => Some(Self::Secondary),
            "all-through" => Some(Self::AllThrough),
            "special" => Some(Self::Special),
            _ => None,
        }
    }
}

/// One duty: a policy the school must have, information it must publish, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duty {
    /// The id a policy names in `statutory = "..."`.
    pub id: String,
    /// What it is called ("Behaviour policy").
    pub name: String,
    /// Whether the school must have it as a policy.
    pub have: bool,
    /// Whether it must be published on the school's website.
    pub publish: bool,
    /// How often it is reviewed, as written ("1 year").
    pub review_every: String,
    /// The same, for counting.
    pub interval: Interval,
    /// Where the duty is set out: an https address.
    pub source: String,
    /// Anything a clerk should know about it.
    pub note: Option<String>,
    /// Why it does not apply to this school, when site.toml says so.
    pub not_applicable: Option<String>,
    /// The school types it applies to (empty: all).
    school_types: Vec<SchoolType>,
    /// The phases it applies to (empty: all).
    phases: Vec<Phase>,
}

impl Duty {
    /// Whether the duty applies to a school of `school_type` and `phase`.
    pub fn applies_to(&self, school_type: SchoolType, phase: Phase) -> bool {
        (self.school_types.is_empty() || self.school_types.contains(&school_type))
            && (self.phases.is_empty() || self.phases.contains(&phase))
    }
}

/// A duty met by information elsewhere on the school's website.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The duty's id.
    pub duty: String,
    /// Where it is published.
    pub url: String,
}

/// The list of duties, with when it was last checked against its sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyList {
    /// When the list was last checked.
    pub checked: Date,
    /// Every duty, in the list's order.
    pub duties: Vec<Duty>,
}

impl DutyList {
    /// The duty with this id.
    pub fn get(&self, id: &str) -> Option<&Duty> {
        self.duties.iter().find(|d| d.id == id)
    }

    /// Every duty's id, for "did you mean" hints and messages.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.duties.iter().map(|d| d.id.as_str())
    }
}

/// What site.toml says about statutory duties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The school's type and phase; `None` when site.toml does not say, and
    /// then no compliance page is made.
    pub school: Option<(SchoolType, Phase)>,
    /// The line of `school_type` in site.toml, for messages about the whole list.
    pub line: usize,
    /// The built-in list with site.toml's changes and additions.
    pub list: DutyList,
    /// Duties met elsewhere on the school's website.
    pub published: Vec<Published>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            school: None,
            line: 1,
            list: builtin().clone(),
            published: Vec::new(),
        }
    }
}

impl Settings {
    /// The duties that apply to this school, in the list's order (none when
    /// site.toml gives no school type).
    pub fn applicable(&self) -> impl Iterator<Item = &Duty> {
        self.list.duties.iter().filter(move |d| {
            self.school
                .is_some_and(|(school_type, phase)| d.applies_to(school_type, phase))
        })
    }
}

/// A `[[duty]]` table of site.toml: changes a built-in duty, or adds one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDuty {
    id: Spanned<String>,
    name: Option<String>,
    have: Option<bool>,
    publish: Option<bool>,
    review_every: Option<Spanned<String>>,
    source: Option<Spanned<String>>,
    note: Option<String>,
    not_applicable: Option<Spanned<String>>,
}

/// A `[[published]]` table of site.toml.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPublished {
    duty: Spanned<String>,
    url: Spanned<String>,
}

/// site.toml's keys about statutory duties, as written.
#[derive(Debug, Default)]
pub struct RawSettings {
    /// `school_type = "..."`.
    pub school_type: Option<Spanned<String>>,
    /// `phase = "..."`.
    pub phase: Option<Spanned<String>>,
    /// `[[duty]]` tables.
    pub duty: Vec<RawDuty>,
    /// `[[published]]` tables.
    pub published: Vec<RawPublished>,
}

impl Settings {
    /// Checks site.toml's statutory settings against the built-in list,
    /// reporting every problem into `errors`.
    pub fn from_raw(raw: RawSettings, source: &TomlSource, errors: &mut Diagnostics) -> Self {
        let path = source.path;
        let line_of = |s: &Spanned<String>| source.line(&s.span());
        let school_type = raw.school_type.as_ref().and_then(|t| {
            let found = SchoolType::parse(t.get_ref());
            if found.is_none() {
                unknown(
                    path,
                    line_of(t),
                    "school_type",
                    t.get_ref(),
                    &SchoolType::NAMES,
                    errors,
                );
            }
            found
        });
        let phase = raw.phase.as_ref().and_then(|p| {
            let found = Phase::parse(p.get_ref());
            if found.is_none() {
                unknown(
                    path,
                    line_of(p),
                    "phase",
                    p.get_ref(),
                    &Phase::NAMES,
                    errors,
                );
            }
            found
        });
        let line = raw.school_type.as_ref().map_or(1, line_of);
        if raw.school_type.is_some() != raw.phase.is_some() {
            let (missing, example, at) = match &raw.phase {
                None => ("phase", "phase = \"primary\"", line),
                Some(p) => ("school_type", "school_type = \"maintained\"", line_of(p)),
            };
            errors.error(
                path,
                Some(at),
                format!(
                    "the statutory checklist needs both school_type and phase; add {missing} (for example {example})"
                ),
            );
        }
        let mut list = builtin().clone();
        for duty in raw.duty {
            change_or_add(&mut list, duty, source, errors);
        }
        let mut published = Vec::new();
        for p in raw.published {
            let duty_line = line_of(&p.duty);
            if list.get(p.duty.get_ref()).is_none() {
                errors.error(
                    path,
                    Some(duty_line),
                    format!(
                        "[[published]] names unknown duty \"{}\"{}",
                        p.duty.get_ref(),
                        suggest::did_you_mean(p.duty.get_ref(), list.ids())
                    ),
                );
                continue;
            }
            let url_line = line_of(&p.url);
            if !is_web_address(p.url.get_ref()) {
                errors.error(
                    path,
                    Some(url_line),
                    format!(
                        "[[published]] url \"{}\" must be a web address starting with https:// (or http://)",
                        p.url.get_ref()
                    ),
                );
                continue;
            }
            published.push(Published {
                duty: p.duty.into_inner(),
                url: p.url.into_inner(),
            });
        }
        Self {
            school: school_type.zip(phase),
            line,
            list,
            published,
        }
    }
}

/// Applies one `[[duty]]` table: changes the built-in duty of that id, or adds a new one.
fn change_or_add(list: &mut DutyList, raw: RawDuty, source: &TomlSource, errors: &mut Diagnostics) {
    let path = source.path;
    let id_line = source.line(&raw.id.span());
    let interval = raw.review_every.as_ref().and_then(|every| {
        Interval::parse(every.get_ref())
            .map_err(|e| {
                errors.error(
                    path,
                    Some(source.line(&every.span())),
                    format!("review_every: {e}"),
                )
            })
            .ok()
    });
    let url = raw.source.as_ref().and_then(|url| {
        if is_web_address(url.get_ref()) {
            Some(url.get_ref().clone())
        } else {
            errors.error(
                path,
                Some(source.line(&url.span())),
                format!(
                    "[[duty]] source \"{}\" must be a web address starting with https://",
                    url.get_ref()
                ),
            );
            None
        }
    });
    let not_applicable = raw.not_applicable.map(|reason| {
        if reason.get_ref().trim().is_empty() {
            errors.error(
                path,
                Some(source.line(&reason.span())),
                "not_applicable needs the reason, for example not_applicable = \"We have no uniform.\"",
            );
        }
        reason.into_inner().trim().to_string()
    });
    let id = raw.id.into_inner();
    if let Some(duty) = list.duties.iter_mut().find(|d| d.id == id) {
        if raw.name.is_some() || raw.have.is_some() || raw.publish.is_some() || url.is_some() {
            errors.error(
                path,
                Some(id_line),
                format!(
                    "\"{id}\" is a built-in duty: site.toml may change only its review_every, note and not_applicable (give a new id to add a duty of your own)"
                ),
            );
        }
        if let (Some(every), Some(interval)) = (raw.review_every, interval) {
            duty.review_every = every.into_inner();
            duty.interval = interval;
        }
        duty.note = raw.note.or(duty.note.take());
        duty.not_applicable = not_applicable;
        return;
    }
    let valid = id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid {
        errors.error(
            path,
            Some(id_line),
            format!("duty id \"{id}\" must be lower-case letters, digits and hyphens"),
        );
        return;
    }
    let (Some(name), Some(every), Some(interval), Some(url)) =
        (raw.name, raw.review_every, interval, url)
    else {
        let hint = match suggest::did_you_mean(&id, list.ids()) {
            none if none.is_empty() => "; to add a duty of your own give it name, review_every and source (an https:// address), and have and/or publish = true".to_string(),
            some => some,
        };
        errors.error(
            path,
            Some(id_line),
            format!("\"{id}\" is not a built-in duty{hint}"),
        );
        return;
    };
    let (have, publish) = (raw.have.unwrap_or(false), raw.publish.unwrap_or(false));
    if !have && !publish {
        errors.error(
            path,
            Some(id_line),
            format!("duty \"{id}\" needs have = true (a policy the school must have), publish = true (information it must publish), or both"),
        );
        return;
    }
    list.duties.push(Duty {
        id,
        name,
        have,
        publish,
        review_every: every.into_inner(),
        interval,
        source: url,
        note: raw.note,
        not_applicable,
        school_types: Vec::new(),
        phases: Vec::new(),
    });
}

fn unknown(
    path: &Path,
    line: usize,
    key: &str,
    value: &str,
    known: &[&str],
    errors: &mut Diagnostics,
) {
    errors.error(
        path,
        Some(line),
        format!(
            "{key} \"{value}\" is not one of {}{}",
            known.join(", "),
            suggest::did_you_mean(value, known.iter().copied())
        ),
    );
}

/// Whether `url` is an http(s) address with a host.
fn is_web_address(url: &str) -> bool {
    url.strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .is_some_and(|rest| {
            !rest.is_empty()
                && !rest.starts_with('/')
                && !rest.contains(|c: char| {
                    c.is_whitespace() || c.is_control() || "\"'<>`\\".contains(c)
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(toml_text: &str) -> (Settings, Vec<String>) {
        #[derive(Deserialize)]
        struct Raw {
            school_type: Option<Spanned<String>>,
            phase: Option<Spanned<String>>,
            #[serde(default)]
            duty: Vec<RawDuty>,
            #[serde(default)]
            published: Vec<RawPublished>,
        }
        let path = Path::new("site.toml");
        let source = TomlSource::new(path, toml_text, 1);
        let raw: Raw = source.parse().unwrap();
        let mut d = Diagnostics::new();
        let s = Settings::from_raw(
            RawSettings {
                school_type: raw.school_type,
                phase: raw.phase,
                duty: raw.duty,
                published: raw.published,
            },
            &source,
            &mut d,
        );
        (s, d.sorted().iter().map(ToString::to_string).collect())
    }

    #[test]
    fn the_builtin_list_reads_and_every_item_is_sourced() {
        let list = builtin();
        assert!(list.duties.len() >= 20);
        for duty in &list.duties {
            assert!(
                duty.source.starts_with("https://www.gov.uk/"),
                "{}",
                duty.id
            );
            assert!(duty.have || duty.publish, "{}", duty.id);
        }
        assert_eq!(
            list.get("equality-objectives").unwrap().review_every,
            "4 years"
        );
        assert_eq!(
            list.get("accessibility-plan").unwrap().review_every,
            "3 years"
        );
    }

    #[test]
    fn duties_follow_school_type_and_phase() {
        let (s, errors) = settings("school_type = \"maintained\"\nphase = \"primary\"\n");
        assert!(errors.is_empty(), "{errors:?}");
        let ids: Vec<&str> = s.applicable().map(|d| d.id.as_str()).collect();
        assert!(ids.contains(&"behaviour") && ids.contains(&"governors-allowances"));
        assert!(
            !ids.contains(&"careers"),
            "careers duties are for secondary phases"
        );
        assert!(
            !ids.contains(&"curriculum"),
            "an independent-school standard"
        );
        let (s, _) = settings("school_type = \"independent\"\nphase = \"secondary\"\n");
        let ids: Vec<&str> = s.applicable().map(|d| d.id.as_str()).collect();
        assert!(ids.contains(&"anti-bullying") && !ids.contains(&"send-report"));
        let (s, _) = settings("");
        assert_eq!(s.applicable().count(), 0, "no school type: no checklist");
    }

    #[test]
    fn site_toml_changes_adds_and_marks_duties() {
        let (s, errors) = settings(
            "school_type = \"maintained\"\nphase = \"primary\"\n\
             [[duty]]\nid = \"uniform\"\nnot_applicable = \"We have no uniform.\"\n\
             [[duty]]\nid = \"behaviour\"\nreview_every = \"2 years\"\n\
             [[duty]]\nid = \"forest-school\"\nname = \"Forest school risk assessment\"\n\
             have = true\nreview_every = \"1 year\"\nsource = \"https://example.org/fs\"\n\
             [[published]]\nduty = \"send-report\"\nurl = \"https://school.example/send\"\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let uniform = s.list.get("uniform").unwrap();
        assert_eq!(
            uniform.not_applicable.as_deref(),
            Some("We have no uniform.")
        );
        assert_eq!(s.list.get("behaviour").unwrap().review_every, "2 years");
        assert!(s.applicable().any(|d| d.id == "forest-school"));
        assert_eq!(s.published[0].url, "https://school.example/send");
    }

    #[test]
    fn mistakes_name_their_line_and_the_fix() {
        let (_, errors) = settings(
            "school_type = \"acadamy\"\nphase = \"primry\"\n\
             [[duty]]\nid = \"behavour\"\n\
             [[published]]\nduty = \"send-reprt\"\nurl = \"www.school.example/send\"\n",
        );
        assert_eq!(
            errors,
            [
                "site.toml:1: error: school_type \"acadamy\" is not one of maintained, academy, independent; did you mean \"academy\"?",
                "site.toml:2: error: phase \"primry\" is not one of nursery, primary, secondary, all-through, special; did you mean \"primary\"?",
                "site.toml:4: error: \"behavour\" is not a built-in duty; did you mean \"behaviour\"?",
                "site.toml:6: error: [[published]] names unknown duty \"send-reprt\"; did you mean \"send-report\"?",
            ]
        );
        let (_, errors) = settings("school_type = \"academy\"\n");
        assert_eq!(
            errors,
            [
                "site.toml:1: error: the statutory checklist needs both school_type and phase; add phase (for example phase = \"primary\")"
            ]
        );
    }
}
