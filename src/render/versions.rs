//! The views of a policy's earlier versions and of what changed at each
//! review: the banner of an archived version, the list of reviews, one
//! review's changes section by section, and each reader's own changes.

use serde::Serialize;

use crate::dates;
use crate::site::diff::{Piece, SectionChangeKind};
use crate::site::{Change, Policy, Site};

use super::body::PageLinks;

/// A piece of changed text: `kind` is `same`, `added` or `removed`.
#[derive(Debug, Serialize)]
pub struct PieceView<'a> {
    /// `same`, `added` or `removed`.
    pub kind: &'static str,
    /// The text (escaped by the template).
    pub text: &'a str,
}

/// One section that changed.
#[derive(Debug, Serialize)]
pub struct SectionChangeView<'a> {
    /// `added`, `removed`, `changed` or `moved`.
    pub kind: &'static str,
    /// What readers see: "New section", "Section removed", "Changed", "Moved".
    pub label: &'static str,
    /// The heading.
    pub title: &'a str,
    /// Its heading before, when it was renamed.
    pub old_title: Option<&'a str>,
    /// Where the section is now (in the reader's view when there is one), or
    /// where it was, in the older version, when it was removed.
    pub url: String,
    /// Who it is for, in words.
    pub audiences: String,
    /// For a changed section: its text with what was added and removed.
    pub pieces: Vec<PieceView<'a>>,
    /// For an added or removed section: its paragraphs.
    pub paragraphs: Vec<&'a str>,
}

/// One review's changes.
#[derive(Debug, Serialize)]
pub struct ChangeView<'a> {
    /// The day the newer version was approved, for readers.
    pub date: String,
    /// The same, `YYYY-MM-DD`.
    pub iso: String,
    /// The day the version before was approved, for readers.
    pub from: String,
    /// The school's summary of the review.
    pub summary: Option<&'a str>,
    /// The page of this review's changes.
    pub url: String,
    /// The version before, in full.
    pub from_url: String,
    /// The sections that changed (for the reader, on an audience's page).
    pub sections: Vec<SectionChangeView<'a>>,
}

/// An earlier version's page: when it was approved and replaced.
#[derive(Debug, Serialize)]
pub struct VersionView {
    /// The day it was approved, for readers.
    pub approved: String,
    /// The same, `YYYY-MM-DD`.
    pub approved_iso: String,
    /// The day the next version replaced it, for readers.
    pub replaced: String,
    /// The same, `YYYY-MM-DD`.
    pub replaced_iso: String,
    /// What changed when it was replaced.
    pub changes_url: String,
}

/// The URL of policy `id`'s version approved on `iso`, from the page of `links`.
pub fn version_url(links: &PageLinks, id: &str, iso: &str) -> String {
    format!("{}policies/{id}/versions/{iso}/index.html", links.root)
}

/// The URL of policy `id`'s changes at the review of `iso`.
pub fn change_url(links: &PageLinks, id: &str, iso: &str) -> String {
    format!("{}policies/{id}/changes/{iso}/index.html", links.root)
}

/// The URL of the list of policy `id`'s reviews (for an audience, its own list).
pub fn changes_url(links: &PageLinks, id: &str, audience: Option<&str>) -> String {
    match audience {
        Some(a) => format!("{}for/{a}/{id}/changes/index.html", links.root),
        None => format!("{}policies/{id}/changes/index.html", links.root),
    }
}

impl<'a> ChangeView<'a> {
    /// The view of `change` of `policy`, showing only the sections for
    /// `audience` when it is given.
    pub fn new(
        change: &'a Change,
        policy: &'a Policy,
        site: &'a Site,
        links: &PageLinks,
        audience: Option<usize>,
    ) -> Self {
        let id = policy.id();
        let iso = dates::iso(change.date);
        let from_iso = dates::iso(change.from);
        let everyone = crate::audiences::AudienceSet::all(site.config.audiences.len());
        let sections = change
            .sections
            .iter()
            .zip(&change.about)
            .filter(|(_, about)| audience.is_none_or(|a| about.audiences.contains(a)))
            .map(|(c, about)| {
                let url = match c.kind {
                    SectionChangeKind::Removed => {
                        format!("{}#{}", version_url(links, id, &from_iso), about.anchor)
                    }
                    _ => links.policy(id, Some(&about.anchor)),
                };
                SectionChangeView {
                    kind: c.kind.as_str(),
                    label: match c.kind {
                        SectionChangeKind::Added => "New section",
                        SectionChangeKind::Removed => "Section removed",
                        SectionChangeKind::Changed => "Changed",
                        SectionChangeKind::Moved => "Moved to another place in the policy",
                    },
                    title: &about.title,
                    old_title: c.old_title.as_deref(),
                    url,
                    audiences: if about.audiences == everyone {
                        "Everyone".to_string()
                    } else {
                        about
                            .audiences
                            .indices()
                            .map(|i| site.config.audiences[i].label.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                    pieces: c
                        .pieces
                        .iter()
                        .map(|p| match p {
                            Piece::Same(t) => PieceView {
                                kind: "same",
                                text: t,
                            },
                            Piece::Added(t) => PieceView {
                                kind: "added",
                                text: t,
                            },
                            Piece::Removed(t) => PieceView {
                                kind: "removed",
                                text: t,
                            },
                        })
                        .collect(),
                    paragraphs: match c.kind {
                        SectionChangeKind::Added | SectionChangeKind::Removed => about
                            .text
                            .lines()
                            .filter(|l| !l.trim().is_empty())
                            .collect(),
                        _ => Vec::new(),
                    },
                }
            })
            .collect();
        Self {
            date: dates::long(change.date),
            from: dates::long(change.from),
            summary: change.summary.as_deref(),
            url: change_url(links, id, &iso),
            from_url: version_url(links, id, &from_iso),
            iso,
            sections,
        }
    }
}

/// One entry of a policy's history, with its version's page when it has one.
#[derive(Debug, Serialize)]
pub struct VersionLink {
    /// `YYYY-MM-DD`.
    pub iso: String,
    /// The version's page.
    pub url: String,
    /// What changed at that review.
    pub changes_url: Option<String>,
}

/// Every archived version of `policy` and the current one's changes, by date.
pub fn version_links(policy: &Policy, links: &PageLinks) -> Vec<VersionLink> {
    let id = policy.id();
    let changed = |iso: &str| {
        policy
            .changes
            .iter()
            .any(|c| dates::iso(c.date) == iso)
            .then(|| change_url(links, id, iso))
    };
    policy
        .versions
        .iter()
        .map(|v| {
            let iso = dates::iso(v.date);
            VersionLink {
                url: version_url(links, id, &iso),
                changes_url: changed(&iso),
                iso,
            }
        })
        .collect()
}

/// A review in the last few days, for the home page and the audience pages.
#[derive(Debug, Serialize)]
pub struct RecentChange<'a> {
    /// The policy's title.
    pub title: &'a str,
    /// The day of the review, for readers.
    pub date: String,
    /// The same, `YYYY-MM-DD`.
    pub iso: String,
    /// The school's summary of the review.
    pub summary: Option<&'a str>,
    /// What changed (for the reader, on an audience's page).
    pub url: String,
}

/// The reviews of the last `site.config.recent_changes_days` days, newest
/// first; for `audience`, only those that changed a section for them.
pub fn recent_changes<'a>(
    site: &'a Site,
    root: &str,
    audience: Option<usize>,
) -> Vec<RecentChange<'a>> {
    let days = site.config.recent_changes_days;
    let since = site
        .today
        .checked_sub(jiff::Span::new().days(days))
        .unwrap_or(site.today);
    let mut recent: Vec<RecentChange> = Vec::new();
    for policy in &site.policies {
        for change in &policy.changes {
            if change.date < since || change.date > site.today {
                continue;
            }
            let for_reader =
                audience.is_none_or(|a| change.about.iter().any(|s| s.audiences.contains(a)));
            if !for_reader {
                continue;
            }
            let iso = dates::iso(change.date);
            let url = match audience {
                Some(a) => format!(
                    "{root}for/{}/{}/changes/index.html",
                    site.config.audiences[a].id,
                    policy.id()
                ),
                None => format!("{root}policies/{}/changes/{iso}/index.html", policy.id()),
            };
            recent.push(RecentChange {
                title: &policy.source.title,
                date: dates::long(change.date),
                iso,
                summary: change.summary.as_deref(),
                url,
            });
        }
    }
    recent.sort_by(|a, b| b.iso.cmp(&a.iso).then_with(|| a.title.cmp(b.title)));
    recent
}
