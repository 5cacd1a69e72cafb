//! The whole site as one model: policies checked against each other
//! (ids, cross-links, related, glossary links), backlinks, audience views and
//! review status.
//!
//! Every cross-file check happens here and reports every problem with its
//! file and line; nothing is rendered until the model is clean.

pub mod accept;
pub mod age_claims;
pub mod compliance;
pub mod diff;
pub mod review;
pub mod versions;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use jiff::civil::Date;

use crate::audiences::AudienceSet;
use crate::config::SiteConfig;
use crate::data::{SiteData, TermLink};
use crate::diagnostics::{Diagnostics, Kind};
use crate::markdown::{Body, LinkTarget};
use crate::source::page::PageSource;
use crate::source::policy::{Lifecycle, PolicySource, Related};
use crate::suggest;

pub use compliance::{Compliance, DutyStatus};
pub use review::ReviewStatus;
pub use versions::{Change, Version};

/// Folder names the generator itself writes; a free page may not take them.
pub const RESERVED_NAMES: [&str; 10] = [
    "policies",
    "compliance",
    "for",
    "age-limits",
    "reviews",
    "glossary",
    "theme",
    "index",
    "404",
    "feed",
];

/// The folder under `for/<audience>/` that holds that audience's handbook, so
/// no policy may take it as its id.
pub const HANDBOOK_FOLDER: &str = "all";

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
    /// Its earlier approved versions, oldest first.
    pub versions: Vec<Version>,
    /// What changed at each review, newest first.
    pub changes: Vec<Change>,
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
}

/// A withdrawn policy: it leaves every list, but its old addresses keep a
/// page that says so and links its replacement.
#[derive(Debug, Clone)]
pub struct Withdrawn {
    /// What its file says.
    pub source: PolicySource,
    /// The audiences whose views of it had an address.
    pub views: AudienceSet,
}

impl Withdrawn {
    /// When it was withdrawn, if the file says.
    pub fn date(&self) -> Option<&crate::dates::PolicyDate> {
        match &self.source.lifecycle {
            Lifecycle::Withdrawn { date, .. } => date.as_ref(),
            _ => None,
        }
    }

    /// The id of the policy that replaces it, if any.
    pub fn replaced_by(&self) -> Option<&str> {
        match &self.source.lifecycle {
            Lifecycle::Withdrawn { replaced_by, .. } => {
                replaced_by.as_ref().map(|(id, _)| id.as_str())
            }
            _ => None,
        }
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
    /// The archive's approved versions, sorted by id and date.
    pub archive: Vec<crate::source::archive::ArchivedVersion>,
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
    /// Withdrawn policies, sorted by id.
    pub withdrawn: Vec<Withdrawn>,
    /// The statutory checklist, when site.toml gives the school's type and phase.
    pub compliance: Option<Compliance>,
    by_id: HashMap<String, usize>,
    unreadable: BTreeSet<String>,
    /// Ids of draft policies left out of this build.
    drafts: BTreeSet<String>,
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
            archive,
        } = sources;
        let mut drafts = BTreeSet::new();
        let mut withdrawn = Vec::new();
        sources.retain(|s| match s.lifecycle {
            Lifecycle::Current => true,
            Lifecycle::Draft if config.drafts => true,
            Lifecycle::Draft => {
                drafts.insert(s.id.clone());
                false
            }
            Lifecycle::Withdrawn { .. } => {
                withdrawn.push(Withdrawn {
                    views: views_of(s),
                    source: s.clone(),
                });
                false
            }
        });
        withdrawn
            .sort_by(|a, b| (&a.source.id, &a.source.path).cmp(&(&b.source.id, &b.source.path)));
        compliance::apply_default_cycles(&config, &mut sources);
        sources.sort_by(|a, b| {
            (a.title.to_lowercase(), &a.id, &a.path).cmp(&(b.title.to_lowercase(), &b.id, &b.path))
        });
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut policies: Vec<Policy> = Vec::with_capacity(sources.len());
        for source in sources {
            if source.id == HANDBOOK_FOLDER {
                diagnostics.error(
                    &source.path,
                    Some(source.id_line),
                    format!(
                        "a policy may not have the id \"{HANDBOOK_FOLDER}\": each reader's handbook \
                         is at for/<audience>/{HANDBOOK_FOLDER}/; set `id` to another name"
                    ),
                );
                continue;
            }
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
            let views = views_of(&source);
            policies.push(Policy {
                status: ReviewStatus::on(due, today, config.review_warning_days),
                views,
                backlinks: Vec::new(),
                versions: Vec::new(),
                changes: Vec::new(),
                source,
            });
        }
        pages.sort_by(|a, b| a.id.cmp(&b.id));
        versions::attach(&mut policies, archive, today, diagnostics);
        let all_read = unreadable.is_empty();
        let compliance = Compliance::of(&config, &policies, all_read, today, diagnostics);
        let mut site = Site {
            config,
            today,
            policies,
            pages,
            data,
            withdrawn,
            compliance,
            by_id,
            unreadable,
            drafts,
        };
        site.check_withdrawn(diagnostics);
        site.check_pages(diagnostics);
        site.link_policies(diagnostics);
        site.check_glossary(diagnostics);
        site.check_age_data(diagnostics);
        site.check_plain_summaries(diagnostics);
        review::review_warnings(&site, diagnostics);
        site
    }

    /// The policy with this id.
    pub fn policy(&self, id: &str) -> Option<&Policy> {
        self.by_id.get(id).map(|&i| &self.policies[i])
    }

    /// The index of the policy with this id.
    pub fn policy_index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The withdrawn policy with this id.
    pub fn withdrawn(&self, id: &str) -> Option<&Withdrawn> {
        self.withdrawn
            .binary_search_by(|w| w.source.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.withdrawn[i])
    }

    /// Checks each withdrawn policy's id and replacement.
    fn check_withdrawn(&self, diagnostics: &mut Diagnostics) {
        for (i, w) in self.withdrawn.iter().enumerate() {
            let source = &w.source;
            let clash = self
                .policy(&source.id)
                .map(|p| p.source.path.display().to_string())
                .or_else(|| {
                    self.withdrawn[..i]
                        .iter()
                        .find(|o| o.source.id == source.id)
                        .map(|o| o.source.path.display().to_string())
                });
            if let Some(other) = clash {
                diagnostics.error(
                    &source.path,
                    Some(source.id_line),
                    format!(
                        "policy id \"{}\" is already used by {other}; each policy needs its own id",
                        source.id
                    ),
                );
            }
            if let Lifecycle::Withdrawn {
                replaced_by: Some((id, line)),
                ..
            } = &source.lifecycle
                && self.policy(id).is_none()
            {
                let why = if self.withdrawn(id).is_some() {
                    " is withdrawn too: name the policy that is in force now".to_string()
                } else {
                    format!(" does not exist{}", self.suggest_policy(id))
                };
                diagnostics.error(
                    &source.path,
                    Some(*line),
                    format!("replaced_by: policy \"{id}\"{why}"),
                );
            }
        }
    }

    /// The free page with this id.
    pub fn page(&self, id: &str) -> Option<&PageSource> {
        self.pages
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.pages[i])
    }

    /// Warns when the age data is stale and where prose disagrees with it.
    /// Warns about each policy for a plain-language audience (pupils) that has
    /// a summary but none written for them: their view and their landing page
    /// would show them the adult summary.
    fn check_plain_summaries(&self, diagnostics: &mut Diagnostics) {
        for policy in &self.policies {
            let s = &policy.source;
            if s.summary.is_none() {
                continue;
            }
            for i in s.audiences.indices() {
                let audience = &self.config.audiences[i];
                if audience.plain_language && !s.summaries.iter().any(|(x, _)| *x == i) {
                    diagnostics.warning(
                        &s.path,
                        Some(1),
                        Kind::NoPupilSummary,
                        format!(
                            "this policy is for {label} but has no summary written for them, so \
                             {label} would be shown the adult summary; add `{id} = \"...\"` \
                             under [summaries]",
                            label = audience.label.to_lowercase(),
                            id = audience.id
                        ),
                    );
                }
            }
        }
    }

    fn check_age_data(&self, diagnostics: &mut Diagnostics) {
        if let Some(references) = &self.data.references {
            references.check_dates(self.today, self.config.age_data_max_age_months, diagnostics);
        }
        if let Some(data) = &self.data.age_limits {
            data.check_dates(self.today, self.config.age_data_max_age_months, diagnostics);
            age_claims::check(self, diagnostics);
        }
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
            self.check_links(&page.path, &page.body, diagnostics);
        }
    }

    /// Checks every cross-link and `related` id, and records backlinks.
    fn link_policies(&mut self, diagnostics: &mut Diagnostics) {
        let mut backlinks: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); self.policies.len()];
        for (from, policy) in self.policies.iter().enumerate() {
            let source = &policy.source;
            self.check_links(&source.path, &source.body, diagnostics);
            // An archived version's links are published too, on its own page.
            for v in &policy.versions {
                self.check_links(&v.policy.source.path, v.policy.body(), diagnostics);
            }
            let linked = source.body.links.iter().map(|l| l.policy.as_str());
            let related = source.related.iter().filter_map(|r| match r {
                Related::Policy { id, line } => {
                    if id == &source.id {
                        diagnostics.error(
                            &source.path,
                            Some(*line),
                            "a policy cannot be related to itself",
                        );
                    } else if let Some(w) = self.withdrawn(id) {
                        diagnostics.warning(
                            &source.path,
                            Some(*line), Kind::WithdrawnLink,
                            withdrawn_message(w, "related policy"),
                        );
                    } else if self.drafts.contains(id) {
                        diagnostics.error(
                            &source.path,
                            Some(*line),
                            format!(
                                "related policy \"{id}\" is a draft and so not published; \
                                 remove it from related until it is approved, or build with --drafts to preview both"
                            ),
                        );
                    } else if !self.by_id.contains_key(id) && !self.unreadable.contains(id) {
                        diagnostics.error(
                            &source.path,
                            Some(*line),
                            format!(
                                "related policy \"{id}\" does not exist{}",
                                self.suggest_policy(id)
                            ),
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

    /// Checks the `policy:`, `page:` and `#anchor` links of one body.
    fn check_links(&self, path: &Path, body: &Body, diagnostics: &mut Diagnostics) {
        for link in &body.links {
            let target = LinkTarget::Policy {
                id: link.policy.clone(),
                anchor: link.anchor.clone(),
            };
            self.check_target(path, link.line, &target, diagnostics);
        }
        for link in &body.page_links {
            let target = LinkTarget::Page {
                id: link.page.clone(),
                anchor: link.anchor.clone(),
            };
            self.check_target(path, link.line, &target, diagnostics);
        }
        for link in &body.anchor_links {
            let anchor = link.anchor.as_str();
            let footnote = body.footnotes.iter().any(|f| f.anchor == anchor);
            if !footnote && !body.sections.iter().any(|s| s.anchor == anchor) {
                diagnostics.error(
                    path,
                    Some(link.line),
                    format!(
                        "there is no section \"#{anchor}\" in this file{}",
                        section_hint(body, anchor)
                    ),
                );
            }
        }
    }

    /// Checks that a `policy:` or `page:` link (at `path:line`) has a target.
    fn check_target(
        &self,
        path: &Path,
        line: usize,
        target: &LinkTarget,
        diagnostics: &mut Diagnostics,
    ) {
        let (kind, id, anchor, body) = match target {
            LinkTarget::Policy { id, anchor } => {
                ("policy", id, anchor, self.policy(id).map(Policy::body))
            }
            LinkTarget::Page { id, anchor } => ("page", id, anchor, self.page(id).map(|p| &p.body)),
        };
        let Some(body) = body else {
            if matches!(target, LinkTarget::Policy { .. }) {
                if self.unreadable.contains(id) {
                    // That policy's own error says what is wrong with it.
                    return;
                }
                if let Some(w) = self.withdrawn(id) {
                    // Its address still has a page, but not its sections.
                    match anchor {
                        None => diagnostics.warning(path, Some(line), Kind::WithdrawnLink, withdrawn_message(w, "link to policy")),
                        Some(anchor) => diagnostics.error(
                            path,
                            Some(line),
                            format!(
                                "link to \"#{anchor}\" of policy \"{id}\", which is withdrawn and has no sections any more{}",
                                w.replaced_by()
                                    .filter(|r| self.policy(r).is_some())
                                    .map(|r| format!("; link to policy:{r} instead"))
                                    .unwrap_or_default()
                            ),
                        ),
                    }
                    return;
                }
                if self.drafts.contains(id) {
                    diagnostics.error(
                        path,
                        Some(line),
                        format!(
                            "link to policy \"{id}\", which is a draft and so not published; \
                             remove the link until it is approved, or build with --drafts to preview both"
                        ),
                    );
                    return;
                }
            }
            let hint = match target {
                LinkTarget::Policy { .. } => self.suggest_policy(id),
                LinkTarget::Page { .. } => {
                    match suggest::closest(id, self.pages.iter().map(|p| p.id.as_str())) {
                        Some(near) => format!("; did you mean \"{near}\"?"),
                        None => "; a page:ID link names a file in pages/ without .md".to_string(),
                    }
                }
            };
            diagnostics.error(
                path,
                Some(line),
                format!("link to unknown {kind} \"{id}\"{hint}"),
            );
            return;
        };
        if let Some(anchor) = anchor
            && !body.sections.iter().any(|s| &s.anchor == anchor)
        {
            diagnostics.error(
                path,
                Some(line),
                format!(
                    "{kind} \"{id}\" has no section \"#{anchor}\"{}",
                    section_hint(body, anchor)
                ),
            );
        }
    }

    /// Checks the links of the glossary's terms.
    fn check_glossary(&self, diagnostics: &mut Diagnostics) {
        let Some(glossary) = &self.data.glossary else {
            return;
        };
        for term in &glossary.terms {
            if let Some(TermLink::Internal(target)) = &term.link {
                self.check_target(&glossary.path, term.link_line, target, diagnostics);
            }
        }
    }

    /// `; did you mean "x"?` when a policy id is close to `id`.
    fn suggest_policy(&self, id: &str) -> String {
        suggest::did_you_mean(id, self.by_id.keys().map(String::as_str))
    }
}

/// The audiences with a view of a policy: those some section is for.
fn views_of(source: &PolicySource) -> AudienceSet {
    let mut views = AudienceSet::EMPTY;
    for set in &source.section_audiences {
        for i in set.indices() {
            views.insert(i);
        }
    }
    views
}

/// "... \"x\" is withdrawn; ..." with what to link instead.
fn withdrawn_message(w: &Withdrawn, what: &str) -> String {
    let instead = match w.replaced_by() {
        Some(r) => format!("link to its replacement instead: policy:{r}"),
        None => "remove the link, or name a policy that is in force".to_string(),
    };
    format!("{what} \"{}\" is withdrawn; {instead}", w.source.id)
}

/// `; did you mean "#x"?` when a section's anchor is close to `anchor`,
/// else the list of anchors there are, for error messages.
fn section_hint(body: &Body, anchor: &str) -> String {
    let anchors = body.sections.iter().map(|s| s.anchor.as_str());
    if let Some(near) = suggest::closest(anchor, anchors.clone()) {
        return format!("; did you mean \"#{near}\"?");
    }
    let anchors: Vec<&str> = anchors.collect();
    if anchors.is_empty() {
        " (it has no sections)".to_string()
    } else {
        format!(" (its sections: {})", anchors.join(", "))
    }
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
                    crate::source::policy::parse(
                        std::path::Path::new(name),
                        &text,
                        &config,
                        None,
                        &mut d,
                    )
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
}
