//! Earlier approved versions of each policy, and what changed at each review:
//! the archive checked against the policy's history, and each version
//! compared with the one before it, section by section.

use std::collections::HashMap;

use jiff::civil::Date;

use super::diff::{self, SectionChange, SectionText};
use super::{Policy, ReviewStatus, views_of};
use crate::audiences::AudienceSet;
use crate::dates;
use crate::diagnostics::{Diagnostics, Kind};
use crate::markdown::Body;
use crate::source::archive::ArchivedVersion;

/// An earlier approved version of a policy.
#[derive(Debug, Clone)]
pub struct Version {
    /// The day the board approved it.
    pub date: Date,
    /// The day the next version replaced it.
    pub replaced: Date,
    /// The policy as it was (never checked for overdue review).
    pub policy: Policy,
}

/// What changed at one review: this version against the one before.
#[derive(Debug, Clone)]
pub struct Change {
    /// The day the newer version was approved.
    pub date: Date,
    /// The day the older version had been approved.
    pub from: Date,
    /// The history entry's summary for this review, if there is one.
    pub summary: Option<String>,
    /// Each section that changed, in the newer version's order.
    pub sections: Vec<SectionChange>,
    /// For each entry of `sections`: its heading and anchor, and who it is for
    /// (the newer version's audiences, or the older's for a removed section).
    pub about: Vec<ChangedSection>,
}

/// The heading, anchor and audiences of one changed section.
#[derive(Debug, Clone)]
pub struct ChangedSection {
    /// The heading as plain text.
    pub title: String,
    /// The anchor (in the newer version, or the older for a removed section).
    pub anchor: String,
    /// The section's own text (the newer version's, or the older's when removed).
    pub text: String,
    /// Whom the section is for.
    pub audiences: AudienceSet,
}

/// Attaches each policy's archived versions (the archive sorted by id and
/// date) and works out what changed at each review.
pub fn attach(
    policies: &mut [Policy],
    archive: Vec<ArchivedVersion>,
    today: Date,
    diagnostics: &mut Diagnostics,
) {
    let by_id: HashMap<String, usize> = policies
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id().to_string(), i))
        .collect();
    let mut grouped: Vec<Vec<ArchivedVersion>> = vec![Vec::new(); policies.len()];
    for version in archive {
        if let Some(&i) = by_id.get(&version.source.id) {
            grouped[i].push(version);
        } else {
            diagnostics.warning(
                &version.source.path,
                None,
                Kind::UnreadFile,
                format!(
                    "no policy has the id \"{}\", so this archived version is not published; \
                     the folder must be named like the policy's file in policies/",
                    version.source.id
                ),
            );
        }
    }
    for (policy, versions) in policies.iter_mut().zip(grouped) {
        if !versions.is_empty() {
            attach_one(policy, versions, today, diagnostics);
        }
    }
}

fn attach_one(
    policy: &mut Policy,
    versions: Vec<ArchivedVersion>,
    today: Date,
    diagnostics: &mut Diagnostics,
) {
    let source = &policy.source;
    let Some(approved) = source.approved.as_ref().map(|a| a.date) else {
        diagnostics.error(
            &source.path,
            Some(1),
            format!(
                "this policy has archived versions in archive/{}/, so it needs approved = \"YYYY-MM-DD\": the day the board approved this version",
                source.id
            ),
        );
        return;
    };
    let mut kept: Vec<ArchivedVersion> = Vec::new();
    for v in versions {
        if v.date >= approved {
            diagnostics.error(
                &v.source.path,
                None,
                format!(
                    "this version is dated {}, not before the current version's approval ({} in {}); \
                     an archived version must be older than the policy in force",
                    dates::iso(v.date),
                    dates::iso(approved),
                    source.path.display()
                ),
            );
            continue;
        }
        match source
            .history
            .iter()
            .find(|h| h.date.date == v.date)
        {
            None => diagnostics.warning(
                &source.path,
                Some(1), Kind::History,
                format!(
                    "{} holds the version approved on {}, but [[history]] has no entry with date = \"{}\": add one that says what changed",
                    v.source.path.display(),
                    dates::long(v.date),
                    dates::iso(v.date)
                ),
            ),
            Some(h) if h.summary.is_empty() => diagnostics.warning(
                &source.path,
                Some(1), Kind::History,
                format!(
                    "the [[history]] entry dated {} has an empty summary: say in a sentence what changed at that review",
                    dates::iso(v.date)
                ),
            ),
            Some(_) => {}
        }
        kept.push(v);
    }
    let texts = |body: &Body| section_texts(body);
    let mut chain: Vec<(Date, Vec<String>, &Body, &[AudienceSet])> = kept
        .iter()
        .map(|v| {
            (
                v.date,
                texts(&v.source.body),
                &v.source.body,
                v.source.section_audiences.as_slice(),
            )
        })
        .collect();
    chain.push((
        approved,
        texts(&source.body),
        &source.body,
        &source.section_audiences,
    ));
    let summary_on = |date: Date| {
        source
            .history
            .iter()
            .find(|h| h.date.date == date)
            .map(|h| h.summary.clone())
            .filter(|s| !s.is_empty())
    };
    let mut changes: Vec<Change> = chain
        .windows(2)
        .map(|pair| {
            let (from, old_texts, old_body, old_aud) = &pair[0];
            let (date, new_texts, new_body, new_aud) = &pair[1];
            change(
                *from,
                *date,
                (old_body, old_texts, old_aud),
                (new_body, new_texts, new_aud),
                summary_on(*date),
            )
        })
        .collect();
    changes.reverse();
    let replaced: Vec<Date> = chain.iter().skip(1).map(|c| c.0).collect();
    let versions = kept
        .into_iter()
        .zip(replaced)
        .map(|(v, replaced)| Version {
            date: v.date,
            replaced,
            policy: Policy {
                status: ReviewStatus::on(None, today, 0),
                views: views_of(&v.source),
                backlinks: Vec::new(),
                versions: Vec::new(),
                changes: Vec::new(),
                source: v.source,
            },
        })
        .collect();
    policy.versions = versions;
    policy.changes = changes;
}

type Side<'a> = (&'a Body, &'a Vec<String>, &'a [AudienceSet]);

fn change(from: Date, date: Date, old: Side, new: Side, summary: Option<String>) -> Change {
    let (old_sides, new_sides) = (sides(old), sides(new));
    let sections = diff::compare(&old_sides, &new_sides);
    let about = sections
        .iter()
        .map(|c| {
            let (body, texts, audiences) = match c.new {
                Some(_) => new,
                None => old,
            };
            let i = c.new.or(c.old).unwrap_or_default();
            ChangedSection {
                title: body.sections[i].title_text.clone(),
                anchor: body.sections[i].anchor.clone(),
                text: texts[i].clone(),
                audiences: audiences[i],
            }
        })
        .collect();
    Change {
        date,
        from,
        summary,
        sections,
        about,
    }
}

/// The sections of one side as the comparison sees them.
fn sides<'a>((body, texts, _): Side<'a>) -> Vec<SectionText<'a>> {
    body.sections
        .iter()
        .zip(texts.iter())
        .map(|(s, text)| SectionText {
            anchor: &s.anchor,
            title: &s.title_text,
            text,
        })
        .collect()
}

/// Each section's own text, as plain text: the paragraphs, list items and
/// table cells between its heading and the next heading, one per line.
pub fn section_texts(body: &Body) -> Vec<String> {
    let mut texts = vec![String::new(); body.sections.len()];
    let mut s = 0;
    for block in &body.prose {
        // Sections are in file order, and so is prose: one pass over both.
        while s + 1 < body.sections.len() && body.sections[s + 1].line <= block.line {
            s += 1;
        }
        if body
            .sections
            .get(s)
            .is_some_and(|sec| sec.line <= block.line)
        {
            let text = &mut texts[s];
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(block.text.trim());
        }
    }
    texts
}
