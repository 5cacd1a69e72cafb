//! One policy file: its front matter, typed and checked, and its body.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::audiences::{self, AudienceSet};
use crate::config::{SiteConfig, is_valid_id};
use crate::dates::{DateInput, Interval, PolicyDate};
use crate::diagnostics::Diagnostics;
use crate::diagnostics::Kind;
use crate::markdown::html::unsafe_url;
use crate::markdown::{self, Body, TermMatcher};
use crate::suggest;
use crate::tomlfile::TomlSource;

/// The front matter exactly as written; every key is known.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: Option<Spanned<String>>,
    id: Option<Spanned<String>>,
    summary: Option<String>,
    audiences: Option<Vec<Spanned<String>>>,
    category: Option<String>,
    owner: Option<String>,
    approved_by: Option<String>,
    approved: Option<Spanned<DateInput>>,
    review: Option<Spanned<DateInput>>,
    review_every: Option<Spanned<String>>,
    review_reason: Option<Spanned<String>>,
    statutory: Option<Spanned<StatutoryInput>>,
    status: Option<Spanned<String>>,
    replaced_by: Option<Spanned<String>>,
    withdrawn: Option<Spanned<DateInput>>,
    #[serde(default)]
    related: Vec<Spanned<RelatedInput>>,
    #[serde(default)]
    summaries: BTreeMap<Spanned<String>, String>,
    #[serde(default)]
    titles: BTreeMap<Spanned<String>, String>,
    #[serde(default)]
    history: Vec<Spanned<HistoryInput>>,
    #[serde(default)]
    accept: Vec<Spanned<AcceptInput>>,
}

/// An `[[accept]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptInput {
    kind: Spanned<String>,
    text: Option<String>,
    reason: Option<String>,
}

/// A warning the governors accepted on the record, until the next review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    /// The kind of warning accepted.
    pub kind: Kind,
    /// Words of the flagged text (or the warning), so only that one is accepted.
    pub text: Option<String>,
    /// Why, as the governors recorded it.
    pub reason: String,
    /// The line of the `[[accept]]` entry.
    pub line: usize,
}

/// `statutory = true`, `false`, a duty's id or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum StatutoryInput {
    Flag(bool),
    Duty(String),
    Duties(Vec<String>),
}

/// Whether a policy is in force, a draft, or withdrawn.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Lifecycle {
    /// In force (no `status`, or `status = "current"`).
    #[default]
    Current,
    /// Not yet approved: built only with `--drafts` and in `serve`.
    Draft,
    /// No longer in force; its addresses keep a page that says so.
    Withdrawn {
        /// When, if the front matter says.
        date: Option<PolicyDate>,
        /// The id of the policy that replaces it, and the line naming it.
        replaced_by: Option<(String, usize)>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RelatedInput {
    Id(String),
    Link(ExternalLink),
}

/// A related document published elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalLink {
    /// What readers see.
    pub title: String,
    /// Where it is.
    pub url: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryInput {
    date: DateInput,
    summary: String,
}

/// An entry of `related`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Related {
    /// Another policy of this site, by id.
    Policy {
        /// Its id.
        id: String,
        /// The file line that names it.
        line: usize,
    },
    /// A document published elsewhere.
    External(ExternalLink),
}

/// One entry of a policy's version history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// When the change was made.
    pub date: PolicyDate,
    /// What changed.
    pub summary: String,
}

/// A policy as its file says, checked on its own (not yet against other policies).
#[derive(Debug, Clone)]
pub struct PolicySource {
    /// The file.
    pub path: PathBuf,
    /// The id: `id` from the front matter, or the file name.
    pub id: String,
    /// The line that sets the id (1 when it comes from the file name).
    pub id_line: usize,
    /// The title.
    pub title: String,
    /// One sentence about the policy.
    pub summary: Option<String>,
    /// Whom the policy addresses.
    pub audiences: AudienceSet,
    /// The group it is listed under on the home page.
    pub category: Option<String>,
    /// Who maintains it.
    pub owner: Option<String>,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// When it was approved.
    pub approved: Option<PolicyDate>,
    /// When its next review is due (written, or computed from `review_every`).
    pub review: Option<PolicyDate>,
    /// The review interval as written, if the due date was computed from it.
    pub review_every: Option<String>,
    /// The line of the key the due date comes from (`review`, or `review_every`).
    pub review_line: Option<usize>,
    /// Why the policy is never reviewed, when `review = "none"` says so.
    pub no_review: Option<String>,
    /// The line of `approved`, if it is given.
    pub approved_line: Option<usize>,
    /// Warnings accepted on the record (`[[accept]]`).
    pub accepts: Vec<Acceptance>,
    /// Whether the law requires the school to have it.
    pub statutory: bool,
    /// The statutory duties it meets (`statutory = "behaviour"`), each with
    /// the line that names it.
    pub duties: Vec<(String, usize)>,
    /// Whether the review date comes from the duty's usual cycle, because the
    /// front matter gives none (set when the site is assembled).
    pub review_from_duty: bool,
    /// In force, draft or withdrawn.
    pub lifecycle: Lifecycle,
    /// Related policies and documents.
    pub related: Vec<Related>,
    /// Plain-language summaries by audience index.
    pub summaries: Vec<(usize, String)>,
    /// An audience's own title for the policy, by audience index (`[titles]`).
    pub titles: Vec<(usize, String)>,
    /// The version history, newest first.
    pub history: Vec<HistoryEntry>,
    /// The parsed body.
    pub body: Body,
    /// Each section's audiences, parallel to `body.sections`.
    pub section_audiences: Vec<AudienceSet>,
    /// The plain text before the first heading, then of each section, for
    /// the search records; kept by the build (when the site has search)
    /// before it lets the body's prose go.
    pub search_text: Vec<String>,
}

impl PolicySource {
    /// The title audience `a` knows the policy by: its own from `[titles]`, else the title.
    pub fn title_for(&self, a: usize) -> &str {
        self.titles
            .iter()
            .find(|(x, _)| *x == a)
            .map_or(&self.title, |(_, t)| t)
    }

    /// Audience `a`'s summary from `[summaries]`, else the policy's summary.
    pub fn summary_for(&self, a: usize) -> Option<&str> {
        self.summaries
            .iter()
            .find(|(x, _)| *x == a)
            .map(|(_, t)| t.as_str())
            .or(self.summary.as_deref())
    }
}

/// Parses one policy file's decoded text, marking the glossary's terms when
/// `glossary` is given. Problems go into `diagnostics`; the policy is returned
/// whenever its front matter could be read at all, so that other policies'
/// links to it are still checked (the build fails regardless).
pub fn parse(
    path: &Path,
    text: &str,
    config: &SiteConfig,
    glossary: Option<&TermMatcher>,
    diagnostics: &mut Diagnostics,
) -> Option<PolicySource> {
    let super::Front { front, parts, toml } = match super::front_matter::<FrontMatter>(path, text) {
        Ok(read) => read,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let settings = markdown::Settings {
        glossary,
        allow_html: &config.allow_html,
    };
    let body = markdown::parse_with(path, parts.body, parts.body_line, settings, diagnostics);
    Some(build(path, front, &toml, body, config, diagnostics))
}

fn build(
    path: &Path,
    front: FrontMatter,
    toml: &TomlSource,
    body: Body,
    config: &SiteConfig,
    diagnostics: &mut Diagnostics,
) -> PolicySource {
    let title = match front.title {
        Some(t) if !t.get_ref().trim().is_empty() => t.into_inner().trim().to_string(),
        Some(t) => {
            diagnostics.error(path, Some(toml.line(&t.span())), "the title is empty");
            String::new()
        }
        None => {
            diagnostics.error(
                path,
                Some(1),
                "the front matter has no title (add title = \"...\")",
            );
            String::new()
        }
    };

    let (id, id_line) = policy_id(path, front.id, toml, diagnostics);

    let audiences = match front.audiences {
        None => AudienceSet::all(config.audiences.len()),
        Some(list) => {
            let mut set = AudienceSet::EMPTY;
            for id in list {
                let line = toml.line(&id.span());
                match config.audiences.iter().position(|a| &a.id == id.get_ref()) {
                    Some(i) => set.insert(i),
                    None if id.get_ref() == "all" => {
                        set = AudienceSet::all(config.audiences.len());
                    }
                    None => diagnostics.error(
                        path,
                        Some(line),
                        format!(
                            "unknown audience \"{}\"{}",
                            id.get_ref(),
                            suggest::hint_or_list(id.get_ref(), config.audience_ids())
                        ),
                    ),
                }
            }
            set
        }
    };

    let never = front.review.as_ref().is_some_and(
        |r| matches!(r.get_ref(), DateInput::Text(t) if t.trim().eq_ignore_ascii_case("none")),
    );
    let no_review = match (never, front.review_reason) {
        (true, Some(reason)) if !reason.get_ref().trim().is_empty() => {
            Some(reason.into_inner().trim().to_string())
        }
        (true, _) => {
            diagnostics.error(
                path,
                front.review.as_ref().map(|r| toml.line(&r.span())),
                "review = \"none\" needs a reason on the next line: \
                 review_reason = \"Why this document is not reviewed\"",
            );
            None
        }
        (false, Some(reason)) => {
            diagnostics.error(
                path,
                Some(toml.line(&reason.span())),
                "review_reason is only for a document that is never reviewed: \
                 write review = \"none\" too, or remove review_reason",
            );
            None
        }
        (false, None) => None,
    };
    let mut date = |input: Option<Spanned<DateInput>>, what: &str| {
        let input = input?;
        let line = toml.line(&input.span());
        PolicyDate::parse(&input.get_ref().text(), &config.terms)
            .map_err(|e| diagnostics.error(path, Some(line), format!("{what}: {e}")))
            .ok()
    };
    let approved_line = front.approved.as_ref().map(|a| toml.line(&a.span()));
    let approved = date(front.approved, "approved");
    let review_line = front.review.as_ref().map(|r| toml.line(&r.span()));
    let front_review = if never { None } else { front.review };
    let written_review = date(front_review, "review");
    let every_line = front.review_every.as_ref().map(|e| toml.line(&e.span()));
    let (review, review_every) = match (written_review, front.review_every) {
        (Some(review), None) => (Some(review), None),
        (None, None) => (None, None),
        (Some(review), Some(every)) => {
            diagnostics.error(
                path,
                Some(toml.line(&every.span())),
                "give either review or review_every, not both",
            );
            (Some(review), None)
        }
        (None, Some(every)) => {
            let line = toml.line(&every.span());
            let every = every.into_inner();
            match (Interval::parse(&every), &approved) {
                (Err(e), _) => {
                    diagnostics.error(path, Some(line), format!("review_every: {e}"));
                    (None, None)
                }
                (Ok(_), None) => {
                    diagnostics.error(
                        path,
                        Some(line),
                        "review_every is counted from approved, so the policy needs an approved date",
                    );
                    (None, None)
                }
                (Ok(interval), Some(approved)) => (
                    interval.after(approved.date).map(PolicyDate::computed),
                    Some(every),
                ),
            }
        }
    };

    let (statutory, duties) = statutory(path, front.statutory, toml, config, diagnostics);
    let lifecycle = lifecycle(
        path,
        front.status,
        front.replaced_by,
        front.withdrawn,
        toml,
        config,
        diagnostics,
    );

    let related = front
        .related
        .into_iter()
        .map(|r| {
            let line = toml.line(&r.span());
            match r.into_inner() {
                RelatedInput::Id(id) => Related::Policy { id, line },
                RelatedInput::Link(link) => {
                    if let Err(refusal) = crate::urls::check(&link.url) {
                        diagnostics.error(path, Some(line), unsafe_url(&link.url, &refusal));
                    }
                    Related::External(link)
                }
            }
        })
        .collect();

    let summaries = by_audience(
        "summaries",
        front.summaries,
        toml,
        config,
        path,
        diagnostics,
    );
    let titles = by_audience("titles", front.titles, toml, config, path, diagnostics);

    let mut history = Vec::new();
    for entry in front.history {
        let line = toml.line(&entry.span());
        let entry = entry.into_inner();
        match PolicyDate::parse(&entry.date.text(), &config.terms) {
            Ok(date) => history.push(HistoryEntry {
                date,
                summary: entry.summary.trim().to_string(),
            }),
            Err(e) => diagnostics.error(path, Some(line), format!("history date: {e}")),
        }
    }
    history.sort_by_key(|h| std::cmp::Reverse(h.date.date));

    let accepts = front
        .accept
        .into_iter()
        .filter_map(|entry| {
            let line = toml.line(&entry.span());
            let entry = entry.into_inner();
            let word = entry.kind.get_ref().trim();
            let Some(kind) = Kind::from_word(word) else {
                diagnostics.error(
                    path,
                    Some(toml.line(&entry.kind.span())),
                    format!(
                        "[[accept]] kind \"{word}\" is not a kind of warning{}",
                        suggest::hint_or_list(word, Kind::ALL.map(Kind::as_str))
                    ),
                );
                return None;
            };
            let Some(reason) = entry
                .reason
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
            else {
                diagnostics.error(
                    path,
                    Some(line),
                    "[[accept]] needs a reason, as the governors recorded it: \
                     reason = \"Approved wording; to be corrected at the next review.\"",
                );
                return None;
            };
            let text = entry
                .text
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty());
            Some(Acceptance {
                kind,
                text,
                reason,
                line,
            })
        })
        .collect();

    let section_audiences =
        audiences::resolve(&body.sections, audiences, config, path, diagnostics);

    PolicySource {
        path: path.to_path_buf(),
        id,
        id_line,
        title,
        summary: front.summary.map(|s| s.trim().to_string()),
        audiences,
        category: front.category.map(|s| s.trim().to_string()),
        owner: front.owner,
        approved_by: front.approved_by,
        approved,
        review_line: if review_every.is_some() {
            every_line
        } else {
            review_line
        },
        review,
        review_every,
        no_review,
        approved_line,
        accepts,
        statutory,
        duties,
        review_from_duty: false,
        lifecycle,
        related,
        summaries,
        titles,
        history,
        body,
        section_audiences,
        search_text: Vec::new(),
    }
}

/// A `[summaries]` or `[titles]` table as (audience index, text), by audience.
fn by_audience(
    table: &str,
    entries: BTreeMap<Spanned<String>, String>,
    toml: &TomlSource,
    config: &SiteConfig,
    path: &Path,
    diagnostics: &mut Diagnostics,
) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (key, text) in entries {
        match config.audiences.iter().position(|a| &a.id == key.get_ref()) {
            Some(i) => found.push((i, text.trim().to_string())),
            None => diagnostics.error(
                path,
                Some(toml.line(&key.span())),
                format!(
                    "[{table}] names unknown audience \"{}\"{}",
                    key.get_ref(),
                    suggest::hint_or_list(key.get_ref(), config.audience_ids())
                ),
            ),
        }
    }
    found.sort_by_key(|(i, _)| *i);
    found
}

/// Whether the policy is statutory, and the duties it names.
fn statutory(
    path: &Path,
    input: Option<Spanned<StatutoryInput>>,
    toml: &TomlSource,
    config: &SiteConfig,
    diagnostics: &mut Diagnostics,
) -> (bool, Vec<(String, usize)>) {
    let Some(input) = input else {
        return (false, Vec::new());
    };
    let line = toml.line(&input.span());
    let ids = match input.into_inner() {
        StatutoryInput::Flag(flag) => return (flag, Vec::new()),
        StatutoryInput::Duty(id) => vec![id],
        StatutoryInput::Duties(ids) => ids,
    };
    let list = &config.statutory.list;
    let mut duties = Vec::new();
    for id in ids {
        if list.get(&id).is_some() {
            duties.push((id, line));
            continue;
        }
        let hint = match suggest::did_you_mean(&id, list.ids()) {
            none if none.is_empty() => format!(
                " (the duties: {}; or write statutory = true)",
                list.ids().collect::<Vec<_>>().join(", ")
            ),
            some => some,
        };
        diagnostics.error(
            path,
            Some(line),
            format!("statutory names unknown duty \"{id}\"{hint}"),
        );
    }
    (true, duties)
}

/// The policy's `status`, with `replaced_by` and `withdrawn`.
fn lifecycle(
    path: &Path,
    status: Option<Spanned<String>>,
    replaced_by: Option<Spanned<String>>,
    withdrawn: Option<Spanned<DateInput>>,
    toml: &TomlSource,
    config: &SiteConfig,
    diagnostics: &mut Diagnostics,
) -> Lifecycle {
    const STATUSES: [&str; 3] = ["current", "draft", "withdrawn"];
    let status_line = status.as_ref().map(|s| toml.line(&s.span()));
    let lifecycle = match status.as_ref().map(|s| s.get_ref().as_str()) {
        None | Some("current") => Lifecycle::Current,
        Some("draft") => Lifecycle::Draft,
        Some("withdrawn") => Lifecycle::Withdrawn {
            date: withdrawn.as_ref().and_then(|w| {
                PolicyDate::parse(&w.get_ref().text(), &config.terms)
                    .map_err(|e| {
                        diagnostics.error(
                            path,
                            Some(toml.line(&w.span())),
                            format!("withdrawn: {e}"),
                        )
                    })
                    .ok()
            }),
            replaced_by: replaced_by
                .as_ref()
                .map(|r| (r.get_ref().clone(), toml.line(&r.span()))),
        },
        Some(other) => {
            diagnostics.error(
                path,
                status_line,
                format!(
                    "status \"{other}\" is not one of {}{}",
                    STATUSES.join(", "),
                    suggest::did_you_mean(other, STATUSES.into_iter())
                ),
            );
            Lifecycle::Current
        }
    };
    if !matches!(lifecycle, Lifecycle::Withdrawn { .. }) {
        for (key, line) in [
            ("replaced_by", replaced_by.map(|r| toml.line(&r.span()))),
            ("withdrawn", withdrawn.map(|w| toml.line(&w.span()))),
        ] {
            if let Some(line) = line {
                diagnostics.error(
                    path,
                    Some(line),
                    format!("{key} is only for a withdrawn policy: add status = \"withdrawn\" or remove {key}"),
                );
            }
        }
    }
    lifecycle
}

/// The policy's id and its line: `id = "..."`, or the file name.
fn policy_id(
    path: &Path,
    id: Option<Spanned<String>>,
    toml: &TomlSource,
    diagnostics: &mut Diagnostics,
) -> (String, usize) {
    let (id, line, from_name) = match id {
        Some(id) => {
            let line = toml.line(&id.span());
            (id.into_inner(), line, false)
        }
        None => {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            (stem, 1, true)
        }
    };
    if !is_valid_id(&id) {
        let message = if from_name {
            format!(
                "the file name \"{id}\" is not a valid policy id (lower-case letters, digits and \
                 hyphens); rename the file or set id = \"...\""
            )
        } else {
            format!("id \"{id}\" must be lower-case letters, digits and hyphens")
        };
        diagnostics.error(path, Some(line), message);
    }
    (id, line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, text: &str) -> (Option<PolicySource>, Vec<String>) {
        let mut d = Diagnostics::new();
        let p = parse(
            Path::new(name),
            text,
            &SiteConfig::for_tests(),
            None,
            &mut d,
        );
        (p, d.sorted().iter().map(ToString::to_string).collect())
    }

    #[test]
    fn full_front_matter() {
        let (p, errors) = run(
            "social-media.md",
            "+++\ntitle = \"Social Media\"\nsummary = \"S\"\naudiences = [\"staff\", \"parents\"]\n\
             approved = \"Summer 2024\"\nreview_every = \"2 years\"\nstatutory = true\n\
             related = [\"online-safety\", { title = \"LA\", url = \"https://la.example\" }]\n\
             [summaries]\nparents = \"Be kind.\"\n\
             [[history]]\ndate = \"2024-06-12\"\nsummary = \"First.\"\n\
             [[history]]\ndate = 2025-06-12\nsummary = \"Second.\"\n+++\n\n## A {audience=parents}\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let p = p.unwrap();
        assert_eq!(p.id, "social-media");
        assert_eq!(p.review.as_ref().unwrap().written, "2026-07-31");
        assert_eq!(p.review_every.as_deref(), Some("2 years"));
        assert_eq!(p.review_line, Some(6), "the review_every line");
        assert!(p.statutory);
        assert_eq!(p.related.len(), 2);
        assert_eq!(p.summaries, [(1, "Be kind.".to_string())]);
        assert_eq!(p.history[0].summary, "Second.");
        assert_eq!(p.section_audiences.len(), 1);
    }

    #[test]
    fn every_front_matter_error_has_its_line() {
        let (_, errors) = run(
            "x.md",
            "+++\ntitle = \"X\"\napproved = \"Spring\"\nreview = \"2026-02-30\"\n\
             audiences = [\"staff\", \"parnets\"]\n[summaries]\npupil = \"hi\"\n+++\n",
        );
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(
            errors[0].starts_with("x.md:3: error: approved: \"Spring\" names a term but no year")
        );
        assert!(errors[1].starts_with("x.md:4: error: review: \"2026-02-30\" is not a real date"));
        assert!(errors[2].starts_with("x.md:5: error: unknown audience \"parnets\""));
        assert!(
            errors[3].starts_with("x.md:7: error: [summaries] names unknown audience \"pupil\"")
        );
    }

    #[test]
    fn misspelt_key_names_the_line() {
        let (_, errors) = run(
            "x.md",
            "+++\ntitle = \"X\"\nreveiw = \"Spring 2027\"\n+++\n",
        );
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0]
                .starts_with("x.md:3: error: unknown key \"reveiw\"; did you mean \"review\"?"),
            "{errors:?}"
        );
    }

    #[test]
    fn missing_title_and_bad_file_name() {
        let (_, errors) = run("Bad Name.md", "+++\nsummary = \"S\"\n+++\n");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors.iter().any(|e| e
                == "Bad Name.md:1: error: the front matter has no title (add title = \"...\")")
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("is not a valid policy id"))
        );
    }

    #[test]
    fn review_line_is_the_line_of_the_review_key() {
        let (p, errors) = run(
            "x.md",
            "+++\ntitle = \"X\"\napproved = \"Sum 2024\"\n\nreview = \"Spring 2027\"\n+++\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(p.unwrap().review_line, Some(5));
        let (p, _) = run("x.md", "+++\ntitle = \"X\"\n+++\n");
        assert_eq!(p.unwrap().review_line, None);
    }

    #[test]
    fn review_every_needs_approved_and_excludes_review() {
        let (_, errors) = run(
            "x.md",
            "+++\ntitle = \"X\"\nreview_every = \"1 year\"\n+++\n",
        );
        assert!(errors[0].starts_with("x.md:3: error: review_every is counted from approved"));
        let (_, errors) = run(
            "x.md",
            "+++\ntitle = \"X\"\nreview = \"Spring 2027\"\nreview_every = \"1 year\"\n+++\n",
        );
        assert!(errors[0].starts_with("x.md:4: error: give either review or review_every"));
    }
}
