//! The whole site as one model: policies checked against each other
//! (ids, cross-links, related), backlinks, audience views and review status.
//!
//! Every cross-file check happens here and reports every problem with its
//! file and line; nothing is rendered until the model is clean.

pub mod review;

use std::collections::{BTreeSet, HashMap};

use jiff::civil::Date;

use crate::audiences::AudienceSet;
use crate::config::SiteConfig;
use crate::data::SiteData;
use crate::diagnostics::Diagnostics;
use crate::markdown::html::{is_safe_url, unsafe_url};
use crate::markdown::{Body, PolicyLink};
use crate::source::page::PageSource;
use crate::source::policy::{PolicySource, Related};

pub use review::ReviewStatus;

/// Folder names the generator itself writes; a free page may not take them.
pub const RESERVED_NAMES: [&str; 9] = [
    "policies",
    "for",
    "age-limits",
    "reviews",
    "glossary",
    "theme",
    "index",
    "404",
    "feed",
];

/// A policy in the site: its source plus what the whole site tells about it.
#[derive(Debug, Clone)]
pub struct Policy {
    /// What its file says.
    pub source: PolicySource,
    /// Its review status on the build's day.
    pub status: ReviewStatus,
    /// The audiences with a filtered view of it (those some section is for).
    pub views: AudienceSet,
    /// Indices of the policies that relate to it or link to it, by title.
    pub backlinks: Vec<usize>,
}

impl Policy {
    /// The policy's id.
    pub fn id(&self) -> &str {
        &self.source.id
    }

    /// The policy's body.
    pub fn body(&self) -> &Body {
        &self.source.body
    }

    /// Whether the section with `anchor` appears in `audience`'s view.
    pub fn section_in_view(&self, anchor: &str, audience: usize) -> bool {
        self.source
            .body
            .sections
            .iter()
            .zip(&self.source.section_audiences)
            .any(|(s, set)| s.anchor == anchor && set.contains(audience))
    }

    /// Whether the policy has a section with `anchor`.
    pub fn has_anchor(&self, anchor: &str) -> bool {
        self.source.body.sections.iter().any(|s| s.anchor == anchor)
    }
}

/// Everything read from a site's source files, before checking across files.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The policies whose front matter could be read.
    pub policies: Vec<PolicySource>,
    /// The free pages.
    pub pages: Vec<PageSource>,
    /// File names (without `.md`) of policies that could not be read at all;
    /// links to them are not reported again.
    pub unreadable: BTreeSet<String>,
}

/// The checked model of a whole site.
#[derive(Debug, Clone)]
pub struct Site {
    /// site.toml.
    pub config: SiteConfig,
    /// The day review status is measured against.
    pub today: Date,
    /// Every policy, sorted by title, then id.
    pub policies: Vec<Policy>,
    /// Every free page, sorted by id.
    pub pages: Vec<PageSource>,
    /// The data files.
    pub data: SiteData,
    by_id: HashMap<String, usize>,
    unreadable: BTreeSet<String>,
}

impl Site {
    /// Puts the parsed sources together and checks them against each other.
    pub fn assemble(
        config: SiteConfig,
        sources: Sources,
        data: SiteData,
        today: Date,
        diagnostics: &mut Diagnostics,
    ) -> Site {
        let Sources {
            policies: mut sources,
            mut pages,
            unreadable,
        } = sources;
        sources.sort_by(|a, b| {
            (a.title.to_lowercase(), &a.id, &a.path).cmp(&(b.title.to_lowercase(), &b.id, &b.path))
        });
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut policies: Vec<Policy> = Vec::with_capacity(sources.len());
        for source in sources {
            if let Some(&first) = by_id.get(&source.id) {
                let first: &Policy = &policies[first];
                diagnostics.error(
                    &source.path,
                    Some(source.id_line),
                    format!(
                        "policy id \"{}\" is already used by {}; each policy needs its own id",
                        source.id,
                        first.source.path.display()
                    ),
                );
                continue;
            }
            by_id.insert(source.id.clone(), policies.len());
            let due = source.review.as_ref().map(|r| r.date);
            let views = source
                .section_audiences
                .iter()
                .fold(AudienceSet::EMPTY, |acc, set| {
                    let mut acc = acc;
                    for i in set.indices() {
                        acc.insert(i);
                    }
                    acc
                });
            policies.push(Policy {
                status: ReviewStatus::on(due, today, config.review_warning_days),
                views,
                backlinks: Vec::new(),
                source,
            });
        }
        pages.sort_by(|a, b| a.id.cmp(&b.id));
        let mut site = Site {
            config,
            today,
            policies,
            pages,
            data,
            by_id,
            unreadable,
        };
        site.check_pages(diagnostics);
        site.link_policies(diagnostics);
        site.check_data_urls(diagnostics);
        site
    }

    /// Data files' links may not run code or embed data.
    fn check_data_urls(&self, diagnostics: &mut Diagnostics) {
        let Some(ages) = &self.data.age_limits else {
            return;
        };
        for platform in &ages.platforms {
            if let Some(url) = platform.source.as_deref().filter(|u| !is_safe_url(u)) {
                diagnostics.error(&ages.path, Some(platform.line), unsafe_url(url));
            }
        }
    }

    /// The policy with this id.
    pub fn policy(&self, id: &str) -> Option<&Policy> {
        self.by_id.get(id).map(|&i| &self.policies[i])
    }

    /// The index of the policy with this id.
    pub fn policy_index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    fn check_pages(&self, diagnostics: &mut Diagnostics) {
        let mut seen: HashMap<&str, &PageSource> = HashMap::new();
        for page in &self.pages {
            if RESERVED_NAMES.contains(&page.id.as_str()) {
                diagnostics.error(
                    &page.path,
                    Some(1),
                    format!(
                        "a page may not be called \"{}\": policyweb writes that folder itself; rename the file",
                        page.id
                    ),
                );
            }
            if let Some(first) = seen.insert(&page.id, page) {
                diagnostics.error(
                    &page.path,
                    Some(1),
                    format!("page \"{}\" is also {}", page.id, first.path.display()),
                );
            }
            self.check_links(&page.path, &page.body.links, diagnostics);
        }
    }

    /// Checks every `policy:` link and `related` id, and records backlinks.
    fn link_policies(&mut self, diagnostics: &mut Diagnostics) {
        let mut backlinks: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); self.policies.len()];
        for (from, policy) in self.policies.iter().enumerate() {
            let source = &policy.source;
            self.check_links(&source.path, &source.body.links, diagnostics);
            let linked = source.body.links.iter().map(|l| l.policy.as_str());
            let related = source.related.iter().filter_map(|r| match r {
                Related::Policy { id, line } => {
                    if id == &source.id {
                        diagnostics.error(
                            &source.path,
                            Some(*line),
                            "a policy cannot be related to itself",
                        );
                    } else if !self.by_id.contains_key(id) && !self.unreadable.contains(id) {
                        diagnostics.error(
                            &source.path,
                            Some(*line),
                            format!("related policy \"{id}\" does not exist{}", self.suggest(id)),
                        );
                    }
                    Some(id.as_str())
                }
                Related::External(_) => None,
            });
            for id in linked.chain(related) {
                if let Some(&to) = self.by_id.get(id)
                    && to != from
                {
                    backlinks[to].insert(from);
                }
            }
        }
        for (policy, from) in self.policies.iter_mut().zip(backlinks) {
            // Policies are sorted by title, so index order is title order.
            policy.backlinks = from.into_iter().collect();
        }
    }

    fn check_links(
        &self,
        path: &std::path::Path,
        links: &[PolicyLink],
        diagnostics: &mut Diagnostics,
    ) {
        for link in links {
            let Some(target) = self.policy(&link.policy) else {
                if self.unreadable.contains(&link.policy) {
                    continue;
                }
                diagnostics.error(
                    path,
                    Some(link.line),
                    format!(
                        "link to unknown policy \"{}\"{}",
                        link.policy,
                        self.suggest(&link.policy)
                    ),
                );
                continue;
            };
            if let Some(anchor) = &link.anchor
                && !target.has_anchor(anchor)
            {
                let known: Vec<&str> = target
                    .body()
                    .sections
                    .iter()
                    .map(|s| s.anchor.as_str())
                    .collect();
                diagnostics.error(
                    path,
                    Some(link.line),
                    format!(
                        "policy \"{}\" has no section \"#{anchor}\" (its sections: {})",
                        link.policy,
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                );
            }
        }
    }

    /// " (did you mean \"x\"?)" when a known id is close to `id`.
    fn suggest(&self, id: &str) -> String {
        let mut ids: Vec<&String> = self.by_id.keys().collect();
        ids.sort();
        ids.into_iter()
            .find(|known| {
                known.contains(id) || id.contains(known.as_str()) || edit_distance(known, id) <= 2
            })
            .map(|known| format!(" (did you mean \"{known}\"?)"))
            .unwrap_or_default()
    }
}

/// Levenshtein distance, for "did you mean" hints on short ids.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(prev + usize::from(ca != *cb));
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_are_ordered_by_title_then_id_whatever_order_they_were_read_in() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.toml"), "school = \"S\"\n").unwrap();
        let config = SiteConfig::load(dir.path()).unwrap();
        let files = [
            ("b.md", "Same title"),
            ("a.md", "same title"),
            ("c.md", "Another"),
            ("d.md", "Zed"),
        ];
        let order = |reverse: bool| {
            let mut d = Diagnostics::new();
            let mut policies: Vec<PolicySource> = files
                .iter()
                .filter_map(|(name, title)| {
                    let text = format!("+++\ntitle = \"{title}\"\n+++\n");
                    crate::source::policy::parse(std::path::Path::new(name), &text, &config, &mut d)
                })
                .collect();
            if reverse {
                policies.reverse();
            }
            let sources = Sources {
                policies,
                ..Sources::default()
            };
            let today = jiff::civil::date(2026, 1, 1);
            let site = Site::assemble(config.clone(), sources, SiteData::default(), today, &mut d);
            assert!(!d.has_errors(), "{:?}", d.sorted());
            site.policies
                .iter()
                .map(|p| p.id().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(order(false), ["c", "a", "b", "d"]);
        assert_eq!(order(true), ["c", "a", "b", "d"]);
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("online-safety", "online-safty"), 1);
        assert_eq!(edit_distance("a", "abc"), 2);
        assert_eq!(edit_distance("", ""), 0);
    }
}
