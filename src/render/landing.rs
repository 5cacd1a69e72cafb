//! An audience's landing page: a short card for each policy that has
//! something for that reader, grouped by category. A card holds the policy's
//! title, the reader's summary and links to the reader's own sections, never
//! their text, so the page grows with the number of policies, not their words.

use serde::Serialize;

use crate::site::{Policy, Site};

/// At most this many section links on one card; the rest are counted.
pub const MAX_SECTION_LINKS: usize = 6;

/// One policy on an audience's landing page.
#[derive(Debug, Serialize)]
pub struct Card<'a> {
    /// The policy's id (the card's anchor).
    pub id: &'a str,
    /// The title this reader knows it by.
    pub title: &'a str,
    /// The reader's summary, else the policy's.
    pub summary: Option<&'a str>,
    /// The reader's view of the policy.
    pub url: String,
    /// Links to the reader's own sections in that view.
    pub sections: Vec<SectionLink<'a>>,
    /// How many more of the reader's sections the view has than are linked.
    pub more: usize,
}

/// A link to one section of a reader's view of a policy.
#[derive(Debug, Serialize)]
pub struct SectionLink<'a> {
    /// The section's title, as plain text.
    pub title: &'a str,
    /// Its place in the view.
    pub url: String,
}

/// The cards of one category.
#[derive(Debug, Serialize)]
pub struct CardGroup<'a> {
    /// The category's name.
    pub name: &'a str,
    /// Its cards, in the site's order of policies (by title).
    pub cards: Vec<Card<'a>>,
}

/// The cards of audience `a`'s landing page (`for/<audience>/index.html`),
/// grouped by category: categories by name, uncategorised last.
pub fn groups(site: &Site, a: usize) -> Vec<CardGroup<'_>> {
    let chosen = site.policies.iter().filter(|p| p.views.contains(a));
    super::context::by_category(chosen)
        .into_iter()
        .map(|(name, policies)| CardGroup {
            name,
            cards: policies.into_iter().map(|p| card(p, a)).collect(),
        })
        .collect()
}

/// Policy `policy`'s card for audience `a`. Links are relative to the landing
/// page, which sits beside the audience's views.
fn card(policy: &Policy, a: usize) -> Card<'_> {
    let s = &policy.source;
    let url = format!("{}/index.html", s.id);
    let own = own_sections(policy, a);
    let more = own.len().saturating_sub(MAX_SECTION_LINKS);
    let sections = own
        .into_iter()
        .take(MAX_SECTION_LINKS)
        .map(|i| {
            let section = &policy.body().sections[i];
            SectionLink {
                title: &section.title_text,
                url: format!("{url}#{}", section.anchor),
            }
        })
        .collect();
    Card {
        id: &s.id,
        title: s.title_for(a),
        summary: s.summary_for(a),
        url,
        sections,
        more,
    }
}

/// The indices of the sections written for audience `a` in particular: those
/// tagged for a narrower set than the policy addresses, without the
/// subsections of one already listed. A policy with none offers its top-level
/// sections instead.
fn own_sections(policy: &Policy, a: usize) -> Vec<usize> {
    let sections = &policy.body().sections;
    let sets = &policy.source.section_audiences;
    let addressed = policy.source.audiences;
    let mut listed = vec![false; sections.len()];
    let mut own = Vec::new();
    for (i, (section, set)) in sections.iter().zip(sets).enumerate() {
        let under_listed = section.parent.is_some_and(|p| listed[p]);
        if set.contains(a) && *set != addressed && !under_listed {
            own.push(i);
            listed[i] = true;
        } else if under_listed {
            listed[i] = true;
        }
    }
    if own.is_empty() {
        own = sections
            .iter()
            .zip(sets)
            .enumerate()
            .filter(|(_, (section, set))| section.parent.is_none() && set.contains(a))
            .map(|(i, _)| i)
            .collect();
    }
    own
}
