//! What templates see: small serializable views of the site model, with every
//! URL already made relative to the page being rendered.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::Audience;
use crate::dates::{self, PolicyDate};
use crate::site::{Policy, Site};
use crate::source::policy::Related;

use super::body::PageLinks;

/// A link: what it says and where it goes.
#[derive(Debug, Serialize)]
pub struct LinkView {
    /// The link text.
    pub title: String,
    /// The URL (relative for internal links).
    pub url: String,
    /// Whether it leaves the site.
    pub external: bool,
}

/// An audience, with the URL of its landing page.
#[derive(Debug, Serialize)]
pub struct AudienceView<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its label.
    pub label: &'a str,
    /// Its one-line description.
    pub description: &'a str,
    /// Whether its pages use the plainer register.
    pub plain_language: bool,
    /// Its landing page.
    pub url: String,
}

impl<'a> AudienceView<'a> {
    /// The view of `audience` from a page whose root is `root`.
    pub fn new(audience: &'a Audience, root: &str) -> Self {
        Self {
            id: &audience.id,
            label: &audience.label,
            description: &audience.description,
            plain_language: audience.plain_language,
            url: format!("{root}for/{}/index.html", audience.id),
        }
    }
}

/// Site-wide values every template gets as `site`.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    /// The school's name.
    pub school: &'a str,
    /// The audiences.
    pub audiences: Vec<AudienceView<'a>>,
    /// The free pages, for the footer.
    pub pages: Vec<LinkView>,
    /// The home page.
    pub home_url: String,
    /// The review tracker.
    pub reviews_url: String,
    /// The age-limits page, when the site has age data.
    pub age_limits_url: Option<String>,
    /// The glossary, when the site has `data/glossary.toml`.
    pub glossary_url: Option<String>,
    /// The search page, unless site.toml says `search = false`.
    pub search_url: Option<String>,
    /// The statutory checklist, when site.toml gives the school's type and phase.
    pub compliance_url: Option<String>,
    /// The accessibility statement, when the site has `pages/accessibility.md`.
    pub accessibility_url: Option<String>,
    /// Whether policy pages say publicly that a review is overdue.
    pub show_overdue_notice: bool,
    /// The school's logo, when site.toml names one.
    pub logo_url: Option<String>,
    /// The header's colour (`#rrggbb`), when site.toml sets one.
    pub brand_colour: Option<String>,
}

impl<'a> SiteView<'a> {
    /// The site as seen from a page whose root is `root`.
    pub fn new(site: &'a Site, root: &str) -> Self {
        Self {
            school: &site.config.school,
            audiences: site
                .config
                .audiences
                .iter()
                .map(|a| AudienceView::new(a, root))
                .collect(),
            pages: site
                .pages
                .iter()
                .map(|p| LinkView {
                    title: p.title.clone(),
                    url: format!("{root}{}/index.html", p.id),
                    external: false,
                })
                .collect(),
            home_url: format!("{root}index.html"),
            reviews_url: format!("{root}reviews/index.html"),
            age_limits_url: site
                .data
                .age_limits
                .as_ref()
                .map(|_| format!("{root}age-limits/index.html")),
            glossary_url: site
                .data
                .glossary
                .as_ref()
                .map(|_| format!("{root}glossary/index.html")),
            search_url: (site.config.search).then(|| format!("{root}search/index.html")),
            compliance_url: site
                .compliance
                .as_ref()
                .map(|_| format!("{root}compliance/index.html")),
            accessibility_url: site
                .pages
                .iter()
                .any(|p| p.id == "accessibility")
                .then(|| format!("{root}accessibility/index.html")),
            show_overdue_notice: site.config.show_overdue_notice,
            logo_url: (site.config.branding.logo.as_ref()).map(|logo| format!("{root}{logo}")),
            brand_colour: site.config.branding.brand_colour.map(|c| c.to_string()),
        }
    }
}

/// A policy as listed on the home page and the tracker.
#[derive(Debug, Serialize)]
pub struct PolicyCard<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its title.
    pub title: &'a str,
    /// Its one-sentence summary.
    pub summary: Option<&'a str>,
    /// Its category.
    pub category: Option<&'a str>,
    /// Who maintains it.
    pub owner: Option<&'a str>,
    /// Who approved it.
    pub approved_by: Option<&'a str>,
    /// When it was approved, for readers: a day, or a month or term by its
    /// name ("Summer 2025": "by" its end would suggest a deadline).
    pub approved: Option<String>,
    /// When its review is due, for readers ("Spring 2027, by 31 March 2027").
    pub review: Option<String>,
    /// The interval the due date was counted with, if any.
    pub review_every: Option<&'a str>,
    /// The due date, `YYYY-MM-DD`.
    pub due: Option<String>,
    /// `overdue`, `due-soon`, `current` or `unknown`.
    pub status: &'static str,
    /// The status in words.
    pub status_label: &'static str,
    /// Whether the law requires it.
    pub statutory: bool,
    /// Whether it is a draft (only in `build --drafts` and `serve`).
    pub draft: bool,
    /// Whether its review date is the duty's usual cycle, as the policy gives none.
    pub review_from_duty: bool,
    /// The full policy.
    pub url: String,
}

impl<'a> PolicyCard<'a> {
    /// The card of `policy` from a page whose root is `root`.
    pub fn new(policy: &'a Policy, root: &str) -> Self {
        let s = &policy.source;
        Self {
            id: &s.id,
            title: &s.title,
            summary: s.summary.as_deref(),
            category: s.category.as_deref(),
            owner: s.owner.as_deref(),
            approved_by: s.approved_by.as_deref(),
            approved: s.approved.as_ref().map(PolicyDate::name),
            review: s.review.as_ref().map(|d| match &s.review_every {
                Some(every) => format!("{} (every {every})", dates::long(d.date)),
                None => d.display(),
            }),
            review_every: s.review_every.as_deref(),
            due: s.review.as_ref().map(|d| dates::iso(d.date)),
            status: policy.status.as_str(),
            status_label: policy.status.label(),
            statutory: s.statutory,
            draft: s.lifecycle == crate::source::policy::Lifecycle::Draft,
            review_from_duty: s.review_from_duty,
            url: format!("{root}policies/{}/index.html", s.id),
        }
    }
}

/// A category of policies on the home page.
#[derive(Debug, Serialize)]
pub struct CategoryView<'a> {
    /// The category's name.
    pub name: &'a str,
    /// Its policies, by title.
    pub policies: Vec<PolicyCard<'a>>,
}

/// The policies grouped by category, categories by name, uncategorised last.
pub fn categories<'a>(site: &'a Site, root: &str) -> Vec<CategoryView<'a>> {
    by_category(site.policies.iter())
        .into_iter()
        .map(|(name, policies)| CategoryView {
            name,
            policies: policies
                .into_iter()
                .map(|p| PolicyCard::new(p, root))
                .collect(),
        })
        .collect()
}

/// `policies` grouped by category, keeping their order within each group:
/// categories by name, then the uncategorised ones ("Other policies", or
/// "Policies" when no policy has a category).
pub fn by_category<'a>(
    policies: impl Iterator<Item = &'a Policy>,
) -> Vec<(&'a str, Vec<&'a Policy>)> {
    let mut named: BTreeMap<(String, &'a str), Vec<&'a Policy>> = BTreeMap::new();
    let mut other = Vec::new();
    for policy in policies {
        match policy.source.category.as_deref() {
            Some(name) => named
                .entry((name.to_lowercase(), name))
                .or_default()
                .push(policy),
            None => other.push(policy),
        }
    }
    let mut groups: Vec<(&str, Vec<&Policy>)> = named
        .into_iter()
        .map(|((_, name), policies)| (name, policies))
        .collect();
    if !other.is_empty() {
        let name = if groups.is_empty() {
            "Policies"
        } else {
            "Other policies"
        };
        groups.push((name, other));
    }
    groups
}

/// An entry of a policy's table of contents.
#[derive(Debug, Serialize)]
pub struct TocEntry<'a> {
    /// The section's anchor.
    pub anchor: &'a str,
    /// The section's title, as plain text.
    pub title: &'a str,
    /// How deep it is (0 for top-level sections).
    pub depth: u8,
    /// Who it is for, in words ("Everyone", "Staff and volunteers").
    pub audiences: String,
}

/// The contents of `policy` as shown to `audience` (everything when `None`).
pub fn toc<'a>(policy: &'a Policy, site: &Site, audience: Option<usize>) -> Vec<TocEntry<'a>> {
    let everyone = policy.source.audiences;
    policy
        .body()
        .sections
        .iter()
        .zip(&policy.source.section_audiences)
        .filter(|(_, set)| audience.is_none_or(|a| set.contains(a)))
        .map(|(section, set)| TocEntry {
            anchor: &section.anchor,
            title: &section.title_text,
            depth: section.level.saturating_sub(2),
            audiences: if *set == everyone {
                "Everyone".to_string()
            } else {
                set.labels(&site.config)
            },
        })
        .collect()
}

/// One version-history entry.
#[derive(Debug, Serialize)]
pub struct HistoryView<'a> {
    /// The date, for readers.
    pub date: String,
    /// The date, `YYYY-MM-DD`.
    pub iso: String,
    /// What changed.
    pub summary: &'a str,
}

/// The link to what changed at a policy's last review.
#[derive(Debug, Serialize)]
pub struct LastChange {
    /// The changes page (the reader's own, in an audience's view).
    pub url: String,
    /// The day of the review, for readers.
    pub date: String,
}

/// A plain-language summary for one audience.
#[derive(Debug, Serialize)]
pub struct SummaryView<'a> {
    /// The audience's id.
    pub audience: &'a str,
    /// The audience's label.
    pub label: &'a str,
    /// The summary.
    pub text: &'a str,
}

/// A link to one audience's view of a policy.
#[derive(Debug, Serialize)]
pub struct ViewLink<'a> {
    /// The audience's id.
    pub id: &'a str,
    /// The audience's label.
    pub label: &'a str,
    /// The view.
    pub url: String,
}

/// Everything a policy page shows beyond its body.
#[derive(Debug, Serialize)]
pub struct PolicyView<'a> {
    /// The card fields: title, dates, status.
    #[serde(flatten)]
    pub card: PolicyCard<'a>,
    /// Related policies and documents.
    pub related: Vec<LinkView>,
    /// Policies that relate to or link to this one.
    pub backlinks: Vec<LinkView>,
    /// The version history, newest first.
    pub history: Vec<HistoryView<'a>>,
    /// The audiences' views of this policy.
    pub views: Vec<ViewLink<'a>>,
    /// The plain-language summaries.
    pub summaries: Vec<SummaryView<'a>>,
    /// The statutory duties it meets, by name ("Behaviour policy").
    pub duties: Vec<&'a str>,
    /// What changed at the last review, for this page's reader, and its date.
    pub last_change: Option<LastChange>,
    /// The archived versions, each with its page.
    pub versions: Vec<super::versions::VersionLink>,
}

impl<'a> PolicyView<'a> {
    /// The view of `policy` from the page `links` describes.
    pub fn new(policy: &'a Policy, site: &'a Site, links: &PageLinks) -> Self {
        let s = &policy.source;
        let mut card = PolicyCard::new(policy, links.root);
        card.url = links.full_policy(&s.id, None);
        let related = s
            .related
            .iter()
            .filter_map(|r| match r {
                Related::Policy { id, .. } => site.policy(id).map(|p| LinkView {
                    title: p.source.title.clone(),
                    url: links.policy(id, None),
                    external: false,
                }),
                Related::External(link) => Some(LinkView {
                    title: link.title.clone(),
                    url: link.url.clone(),
                    external: true,
                }),
            })
            .collect();
        let backlinks = policy
            .backlinks
            .iter()
            .map(|&i| {
                let p = &site.policies[i];
                LinkView {
                    title: p.source.title.clone(),
                    url: links.policy(p.id(), None),
                    external: false,
                }
            })
            .collect();
        let history = s
            .history
            .iter()
            .map(|h| HistoryView {
                date: dates::long(h.date.date),
                iso: dates::iso(h.date.date),
                summary: &h.summary,
            })
            .collect();
        let views = policy
            .views
            .indices()
            .map(|i| {
                let a = &site.config.audiences[i];
                ViewLink {
                    id: &a.id,
                    label: &a.label,
                    url: links.view(i, &s.id, None),
                }
            })
            .collect();
        let summaries = s
            .summaries
            .iter()
            .map(|(i, text)| {
                let a = &site.config.audiences[*i];
                SummaryView {
                    audience: &a.id,
                    label: &a.label,
                    text,
                }
            })
            .collect();
        let duties = s
            .duties
            .iter()
            .filter_map(|(id, _)| site.config.statutory.list.get(id).map(|d| d.name.as_str()))
            .collect();
        let last_change = policy.changes.first().map(|c| {
            let audience = links.audience.map(|a| site.config.audiences[a].id.as_str());
            let url = match audience {
                Some(_) => super::versions::changes_url(links, &s.id, audience),
                None => super::versions::change_url(links, &s.id, &dates::iso(c.date)),
            };
            LastChange {
                url,
                date: dates::long(c.date),
            }
        });
        Self {
            card,
            related,
            backlinks,
            history,
            views,
            duties,
            last_change,
            versions: super::versions::version_links(policy, links),
            summaries,
        }
    }
}

/// A breadcrumb: a page above this one.
#[derive(Debug, Serialize)]
pub struct Crumb {
    /// The page's title.
    pub title: String,
    /// Its URL; `None` for the current page.
    pub url: Option<String>,
}

/// The breadcrumb trail from the home page to a page titled `title`.
pub fn crumbs(root: &str, middle: &[(&str, String)], title: &str) -> Vec<Crumb> {
    let mut trail = vec![Crumb {
        title: "Policies".into(),
        url: Some(format!("{root}index.html")),
    }];
    trail.extend(middle.iter().map(|(t, url)| Crumb {
        title: (*t).to_string(),
        url: Some(url.clone()),
    }));
    trail.push(Crumb {
        title: title.to_string(),
        url: None,
    });
    trail
}
