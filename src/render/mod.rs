//! Rendering the site model into pages with tera, one page at a time and in
//! parallel, each written to a [`Sink`] as soon as it is made.

pub mod assets;
pub mod body;
pub mod calendar;
pub mod compliance;
pub mod context;
pub mod feed;
pub mod glossary;
pub mod landing;
pub mod linkcheck;
pub mod search;
pub mod shortcodes;
pub mod sitemap;
pub mod templates;
pub mod timeline;
pub mod tracker;
pub mod versions;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::audiences::AudienceSet;
use crate::dates;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::Body;
use crate::output::Sink;
use crate::site::{self, Site};

use body::{BodyOptions, PageLinks};
use context::{AudienceView, PolicyCard, PolicyView, SiteView};
pub use templates::Templates;

/// One page of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// `index.html`.
    Home,
    /// `policies/<id>/index.html`, by policy index.
    Policy(usize),
    /// `for/<audience>/index.html`: the audience's landing page of cards, by audience index.
    Audience(usize),
    /// `for/<audience>/all/index.html`: every policy's part for the audience
    /// in full, a printable handbook, by audience index.
    Handbook(usize),
    /// `for/<audience>/<id>/index.html`: (audience, policy).
    View(usize, usize),
    /// `<page>/index.html`, by page index.
    Page(usize),
    /// `reviews/index.html`.
    Reviews,
    /// `age-limits/index.html`.
    AgeLimits,
    /// `glossary/index.html`.
    Glossary,
    /// `compliance/index.html`: the statutory checklist.
    Compliance,
    /// `policies/<id>/index.html` of a withdrawn policy, by index in `site.withdrawn`.
    Withdrawn(usize),
    /// `for/<audience>/<id>/index.html` of a withdrawn policy: (audience, withdrawn).
    WithdrawnView(usize, usize),
    /// `policies/<id>/versions/<date>/index.html`: (policy, version).
    Version(usize, usize),
    /// `policies/<id>/changes/index.html`: every review's changes, by policy.
    Changes(usize),
    /// `policies/<id>/changes/<date>/index.html`: (policy, change).
    ChangeAt(usize, usize),
    /// `for/<audience>/<id>/changes/index.html`: (audience, policy).
    ViewChanges(usize, usize),
    /// `search/index.html`: the search form, its results and the A to Z list.
    Search,
    /// `search/index.js`: the records the search page searches.
    SearchIndex,
    /// `404.html`.
    NotFound,
    /// `reviews.ics`: the review due dates as a calendar.
    Calendar,
    /// `feed.xml`: policy updates as an Atom feed (only with a base_url).
    Feed,
    /// `sitemap.xml`: every page's address (only with a base_url).
    Sitemap,
}

impl PageKind {
    /// Whether this is an HTML page that readers (and the sitemap) can visit.
    pub fn is_html(self) -> bool {
        !matches!(
            self,
            PageKind::NotFound
                | PageKind::Calendar
                | PageKind::Feed
                | PageKind::Sitemap
                | PageKind::SearchIndex
        )
    }
}

/// Every page the site has, in a fixed order.
pub fn pages(site: &Site) -> Vec<PageKind> {
    let mut pages = vec![
        PageKind::Home,
        PageKind::Reviews,
        PageKind::NotFound,
        PageKind::Calendar,
    ];
    if site.config.base_url.is_some() {
        pages.extend([PageKind::Feed, PageKind::Sitemap]);
    }
    if site.config.search {
        pages.extend([PageKind::Search, PageKind::SearchIndex]);
    }
    if site.data.age_limits.is_some() {
        pages.push(PageKind::AgeLimits);
    }
    if site.data.glossary.is_some() {
        pages.push(PageKind::Glossary);
    }
    if site.compliance.is_some() {
        pages.push(PageKind::Compliance);
    }
    for (i, w) in site.withdrawn.iter().enumerate() {
        pages.push(PageKind::Withdrawn(i));
        pages.extend(w.views.indices().map(|a| PageKind::WithdrawnView(a, i)));
    }
    pages.extend((0..site.pages.len()).map(PageKind::Page));
    for (i, policy) in site.policies.iter().enumerate() {
        pages.push(PageKind::Policy(i));
        pages.extend(policy.views.indices().map(|a| PageKind::View(a, i)));
        pages.extend((0..policy.versions.len()).map(|v| PageKind::Version(i, v)));
        if !policy.changes.is_empty() {
            pages.push(PageKind::Changes(i));
            pages.extend((0..policy.changes.len()).map(|c| PageKind::ChangeAt(i, c)));
            pages.extend(policy.views.indices().map(|a| PageKind::ViewChanges(a, i)));
        }
    }
    for a in 0..site.config.audiences.len() {
        pages.push(PageKind::Audience(a));
        if has_handbook(site, a) {
            pages.push(PageKind::Handbook(a));
        }
    }
    pages
}

/// Above this many policies for one audience, the audience gets no handbook
/// (`for/<audience>/all/`): a trust with thousands of policies would get a
/// page of hundreds of megabytes, too big to build in memory or to read.
pub const HANDBOOK_LIMIT: usize = 100;

/// Whether audience `a` gets a handbook: some policy, and not too many, has a part for them.
pub fn has_handbook(site: &Site, a: usize) -> bool {
    let count = site.policies.iter().filter(|p| p.views.contains(a)).count();
    (1..=HANDBOOK_LIMIT).contains(&count)
}

/// Renders and writes every page and the theme's files; returns how many files were written.
pub fn render_site(
    site: &Site,
    templates: &Templates,
    assets: &BTreeMap<String, Vec<u8>>,
    sink: &dyn Sink,
) -> Result<usize, Diagnostics> {
    let renderer = Renderer::new(site, templates)?;
    let mut pages = pages(site);
    // The pages that gather every policy (the handbooks, the audience
    // landing pages, the home page and the tracker) take longest: start them
    // first, so that no thread is left alone with one at the end.
    pages.sort_by_key(|p| {
        !matches!(
            p,
            PageKind::Handbook(_) | PageKind::Audience(_) | PageKind::Home | PageKind::Reviews
        )
    });
    let mut failures: Vec<Diagnostic> = pages
        .par_iter()
        .filter_map(|&page| {
            let (path, html) = match renderer.render(page) {
                Ok(done) => done,
                Err(d) => return Some(d),
            };
            sink.write(&path, html.as_bytes()).err()
        })
        .collect();
    for (path, bytes) in assets {
        if let Err(d) = sink.write(&format!("theme/{path}"), bytes) {
            failures.push(d);
        }
    }
    if failures.is_empty() {
        Ok(pages.len() + assets.len())
    } else {
        let mut diagnostics = Diagnostics::new();
        for d in failures {
            diagnostics.push(d);
        }
        Err(diagnostics)
    }
}

/// The state shared by every page of one build.
pub struct Renderer<'a> {
    site: &'a Site,
    templates: &'a Templates,
    policy_bodies: Vec<Option<Body>>,
    /// The bodies with plain age tables, for policies that have one and a plain-language reader.
    plain_bodies: Vec<Option<Body>>,
    page_bodies: Vec<Option<Body>>,
    /// The context every page at a given depth starts from (`root`, `site`,
    /// `today`), serialised once per depth rather than once per page.
    base_contexts: Vec<(String, Context)>,
}

/// One policy in an audience's handbook: its part for that reader in full.
#[derive(Serialize)]
struct Entry<'a> {
    #[serde(flatten)]
    card: PolicyCard<'a>,
    /// The title this reader knows the policy by.
    audience_title: &'a str,
    view_url: String,
    audience_summary: Option<&'a str>,
    /// The sections in full.
    body: String,
    footnotes: String,
}

impl<'a> Renderer<'a> {
    /// Prepares rendering: expands every shortcode, reporting any that fail.
    pub fn new(site: &'a Site, templates: &'a Templates) -> Result<Self, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let policy_bodies = site
            .policies
            .iter()
            .map(|p| {
                let path = &p.source.path;
                shortcodes::expand(p.body(), path, site, templates, false, &mut diagnostics)
            })
            .collect();
        let page_bodies = site
            .pages
            .iter()
            .map(|p| shortcodes::expand(&p.body, &p.path, site, templates, false, &mut diagnostics))
            .collect();
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        // A plain-language reader's pages show every age table in its plain
        // form: the bodies of the policies they read that have an age table.
        let plain_readers = site
            .config
            .audiences
            .iter()
            .enumerate()
            .filter(|(_, a)| a.plain_language)
            .fold(AudienceSet::EMPTY, |mut set, (i, _)| {
                set.insert(i);
                set
            });
        let plain_bodies = site
            .policies
            .iter()
            .map(|p| {
                let read = !p.views.intersection(plain_readers).is_empty();
                let has_table = p.body().shortcodes.iter().any(|c| c.name == "age_limits");
                (read && has_table)
                    .then(|| {
                        let path = &p.source.path;
                        shortcodes::expand(p.body(), path, site, templates, true, &mut diagnostics)
                    })
                    .flatten()
            })
            .collect();
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        let base_contexts = ["", "../", "../../", "../../../", "../../../../"]
            .into_iter()
            .map(|root| (root.to_string(), base_context(site, root)))
            .collect();
        Ok(Self {
            site,
            templates,
            policy_bodies,
            plain_bodies,
            page_bodies,
            base_contexts,
        })
    }

    /// Policy `i`'s body with its shortcodes expanded, for audience `audience`'s
    /// pages (plain age tables for a plain-language reader), or for everyone.
    fn policy_body(&self, i: usize, audience: Option<usize>) -> &Body {
        let plain = audience.is_some_and(|a| self.site.config.audiences[a].plain_language);
        (self.plain_bodies[i].as_ref().filter(|_| plain))
            .or(self.policy_bodies[i].as_ref())
            .unwrap_or_else(|| self.site.policies[i].body())
    }

    /// The output path of `page` and its relative way back to the root.
    pub fn location(&self, page: PageKind) -> (String, String) {
        let site = self.site;
        let audience = |a: usize| &site.config.audiences[a].id;
        match page {
            PageKind::Home => ("index.html".into(), String::new()),
            PageKind::Policy(i) => (
                format!("policies/{}/index.html", site.policies[i].id()),
                "../../".into(),
            ),
            PageKind::Audience(a) => (format!("for/{}/index.html", audience(a)), "../../".into()),
            PageKind::Handbook(a) => (
                format!("for/{}/{}/index.html", audience(a), site::HANDBOOK_FOLDER),
                "../../../".into(),
            ),
            PageKind::View(a, i) => (
                format!("for/{}/{}/index.html", audience(a), site.policies[i].id()),
                "../../../".into(),
            ),
            PageKind::Page(i) => (format!("{}/index.html", site.pages[i].id), "../".into()),
            PageKind::Reviews => ("reviews/index.html".into(), "../".into()),
            PageKind::AgeLimits => ("age-limits/index.html".into(), "../".into()),
            PageKind::Glossary => ("glossary/index.html".into(), "../".into()),
            PageKind::Compliance => ("compliance/index.html".into(), "../".into()),
            PageKind::Withdrawn(i) => (
                format!("policies/{}/index.html", site.withdrawn[i].source.id),
                "../../".into(),
            ),
            PageKind::WithdrawnView(a, i) => (
                format!(
                    "for/{}/{}/index.html",
                    audience(a),
                    site.withdrawn[i].source.id
                ),
                "../../../".into(),
            ),
            PageKind::Version(i, v) => (
                format!(
                    "policies/{}/versions/{}/index.html",
                    site.policies[i].id(),
                    dates::iso(site.policies[i].versions[v].date)
                ),
                "../../../../".into(),
            ),
            PageKind::Changes(i) => (
                format!("policies/{}/changes/index.html", site.policies[i].id()),
                "../../../".into(),
            ),
            PageKind::ChangeAt(i, c) => (
                format!(
                    "policies/{}/changes/{}/index.html",
                    site.policies[i].id(),
                    dates::iso(site.policies[i].changes[c].date)
                ),
                "../../../../".into(),
            ),
            PageKind::ViewChanges(a, i) => (
                format!(
                    "for/{}/{}/changes/index.html",
                    audience(a),
                    site.policies[i].id()
                ),
                "../../../../".into(),
            ),
            // Served for any missing address, so its links cannot be relative;
            // with a base_url they are absolute, without one they work at the root.
            PageKind::NotFound => (
                "404.html".into(),
                site.config.base_url.clone().unwrap_or_default(),
            ),
            PageKind::Search => (search::PAGE_PATH.into(), "../".into()),
            PageKind::SearchIndex => (search::INDEX_PATH.into(), "../".into()),
            PageKind::Calendar => (calendar::PATH.into(), String::new()),
            PageKind::Feed => (feed::PATH.into(), String::new()),
            PageKind::Sitemap => (sitemap::PATH.into(), String::new()),
        }
    }

    /// Renders one page: its output path and HTML.
    pub fn render(&self, page: PageKind) -> Result<(String, String), Diagnostic> {
        let (path, root) = self.location(page);
        let site = self.site;
        let mut links = PageLinks {
            site,
            root: &root,
            audience: None,
            policy: None,
            document: None,
        };
        let mut context = self
            .base_contexts
            .iter()
            .find(|(r, _)| *r == root)
            .map_or_else(|| base_context(site, &root), |(_, c)| c.clone());
        let base_url = site.config.base_url.as_deref().unwrap_or_default();
        // The page's size, roughly: its template's own markup and the HTML it is given.
        let mut size_hint = 16 * 1024;
        let template = match page {
            PageKind::Home => {
                context.insert("page_title", &format!("{} policies", site.config.school));
                context.insert("categories", &context::categories(site, &root));
                context.insert("policy_count", &site.policies.len());
                context.insert(
                    "recent_changes",
                    &versions::recent_changes(site, &root, None),
                );
                "index.html"
            }
            PageKind::Policy(i) | PageKind::View(_, i) => {
                let audience = match page {
                    PageKind::View(a, _) => Some(a),
                    _ => None,
                };
                let policy = &site.policies[i];
                links.audience = audience;
                links.policy = Some(policy.id());
                links.document = Some(policy.id());
                let plain = audience.is_some_and(|a| site.config.audiences[a].plain_language);
                let options = BodyOptions {
                    audience,
                    level_shift: 0,
                    id_prefix: "",
                    full_url: None,
                    own_first: plain,
                };
                let body = links.resolve(&body::sections_html(
                    policy,
                    self.policy_body(i, audience),
                    site,
                    &options,
                ));
                size_hint += body.len();
                context.insert("policy", &PolicyView::new(policy, site, &links));
                context.insert("body", &body);
                context.insert(
                    "footnotes",
                    &links.resolve(&body::footnotes_html(policy, audience, "")),
                );
                // A plain-language reader's view is short and starts with
                // their own sections: no contents list before them.
                let toc = if plain {
                    Vec::new()
                } else {
                    context::toc(policy, site, audience)
                };
                context.insert("toc", &toc);
                let title =
                    audience.map_or(policy.source.title.as_str(), |a| policy.source.title_for(a));
                context.insert("title", title);
                context.insert("page_title", title);
                context.insert("description", &policy.source.summary);
                let mut middle = Vec::new();
                if let Some(a) = audience {
                    let view = AudienceView::new(&site.config.audiences[a], &root);
                    middle.push((view.label, view.url.clone()));
                    context.insert("view", &view);
                    context.insert(
                        "view_summary",
                        &policy
                            .source
                            .summaries
                            .iter()
                            .find(|(x, _)| *x == a)
                            .map(|(_, t)| t),
                    );
                    context.insert("full_url", &links.full_policy(policy.id(), None));
                }
                context.insert("breadcrumbs", &context::crumbs(&root, &middle, title));
                "policy.html"
            }
            PageKind::Audience(a) => {
                let audience = &site.config.audiences[a];
                let groups = landing::groups(site, a);
                size_hint += groups.iter().map(|g| g.cards.len() * 1024).sum::<usize>();
                context.insert("audience", &AudienceView::new(audience, &root));
                context.insert(
                    "recent_changes",
                    &versions::recent_changes(site, &root, Some(a)),
                );
                context.insert("groups", &groups);
                context.insert(
                    "handbook_url",
                    &has_handbook(site, a).then(|| format!("{}/index.html", site::HANDBOOK_FOLDER)),
                );
                context.insert("page_title", &audience.label);
                context.insert("description", &audience.description);
                context.insert("breadcrumbs", &context::crumbs(&root, &[], &audience.label));
                if let Some(data) = site
                    .data
                    .age_limits
                    .as_ref()
                    .filter(|_| audience.show_age_limits)
                {
                    let table = shortcodes::AgeTable::full(data, site, audience.plain_language);
                    context.insert("ages", &table);
                }
                "audience.html"
            }
            PageKind::Handbook(a) => {
                links.audience = Some(a);
                let audience = &site.config.audiences[a];
                let entries = self.handbook_entries(a, &links);
                size_hint += entries
                    .iter()
                    .map(|e| e.body.len() + e.footnotes.len() + 1024)
                    .sum::<usize>();
                let view = AudienceView::new(audience, &root);
                let title = format!("{}: every policy in full", audience.label);
                context.insert(
                    "breadcrumbs",
                    &context::crumbs(&root, &[(view.label, view.url.clone())], "In full"),
                );
                context.insert("audience", &view);
                context.insert("entries", &entries);
                context.insert("page_title", &title);
                "handbook.html"
            }
            PageKind::Page(i) => {
                let page = &site.pages[i];
                let body = self.page_bodies[i].as_ref().unwrap_or(&page.body);
                let html = body::plain_body_html(body);
                context.insert("body", &links.resolve(&html));
                context.insert("page_title", &page.title);
                context.insert("description", &page.summary);
                context.insert("breadcrumbs", &context::crumbs(&root, &[], &page.title));
                "page.html"
            }
            PageKind::Reviews => {
                context.insert("tracker", &tracker::TrackerView::new(site, &root));
                context.insert("page_title", "Policy review tracker");
                context.insert(
                    "breadcrumbs",
                    &context::crumbs(&root, &[], "Review tracker"),
                );
                "reviews.html"
            }
            PageKind::AgeLimits => {
                let Some(data) = &site.data.age_limits else {
                    return Err(Diagnostic::error("data/age-limits.toml", None, "missing"));
                };
                context.insert("ages", &shortcodes::AgeTable::full(data, site, false));
                context.insert("page_title", "Minimum ages for apps and social media");
                context.insert("breadcrumbs", &context::crumbs(&root, &[], "Minimum ages"));
                "age_limits.html"
            }
            PageKind::Glossary => {
                let Some(data) = &site.data.glossary else {
                    return Err(Diagnostic::error("data/glossary.toml", None, "missing"));
                };
                context.insert("letters", &glossary::letters(data, &links));
                context.insert("page_title", "Glossary");
                context.insert("breadcrumbs", &context::crumbs(&root, &[], "Glossary"));
                "glossary.html"
            }
            PageKind::Compliance => {
                let Some(compliance) = &site.compliance else {
                    return Err(Diagnostic::error("site.toml", None, "no school_type"));
                };
                context.insert(
                    "compliance",
                    &compliance::ComplianceView::new(compliance, site, &root),
                );
                context.insert("page_title", "Statutory policies and information");
                context.insert(
                    "breadcrumbs",
                    &context::crumbs(&root, &[], "Statutory checklist"),
                );
                "compliance.html"
            }
            PageKind::Withdrawn(i) | PageKind::WithdrawnView(_, i) => {
                let w = &site.withdrawn[i];
                let replacement = w.replaced_by().and_then(|id| site.policy(id));
                let audience = match page {
                    PageKind::WithdrawnView(a, _) => Some(a),
                    _ => None,
                };
                let replacement_url = replacement.map(|p| match audience {
                    Some(a) if p.views.contains(a) => links.view(a, p.id(), None),
                    _ => links.full_policy(p.id(), None),
                });
                context.insert("page_title", &w.source.title);
                context.insert("withdrawn_title", &w.source.title);
                context.insert("withdrawn_on", &w.date().map(|d| d.name()));
                context.insert("withdrawn_iso", &w.date().map(|d| dates::iso(d.date)));
                context.insert("replacement", &replacement.map(|p| p.source.title.as_str()));
                context.insert("replacement_url", &replacement_url);
                context.insert("breadcrumbs", &context::crumbs(&root, &[], &w.source.title));
                "withdrawn.html"
            }
            PageKind::Version(i, v) => {
                let policy = &site.policies[i];
                let version = &policy.versions[v];
                let old = &version.policy;
                links.policy = Some(policy.id());
                links.document = Some(policy.id());
                let mut errors = Diagnostics::new();
                let expanded = shortcodes::expand(
                    old.body(),
                    &old.source.path,
                    site,
                    self.templates,
                    false,
                    &mut errors,
                );
                if let Some(d) = errors.sorted().into_iter().next() {
                    return Err(d);
                }
                let options = BodyOptions {
                    audience: None,
                    level_shift: 0,
                    id_prefix: "",
                    full_url: None,
                    own_first: false,
                };
                let html = body::sections_html(
                    old,
                    expanded.as_ref().unwrap_or(old.body()),
                    site,
                    &options,
                );
                let body = links.resolve(&html);
                size_hint += body.len();
                context.insert("body", &body);
                context.insert(
                    "footnotes",
                    &links.resolve(&body::footnotes_html(old, None, "")),
                );
                context.insert("policy", &PolicyView::new(old, site, &links));
                let elsewhere = PageLinks {
                    policy: None,
                    ..links
                };
                context.insert("current_url", &elsewhere.full_policy(policy.id(), None));
                let replaced_iso = dates::iso(version.replaced);
                context.insert(
                    "version",
                    &versions::VersionView {
                        approved: dates::long(version.date),
                        approved_iso: dates::iso(version.date),
                        replaced: dates::long(version.replaced),
                        changes_url: versions::change_url(&elsewhere, policy.id(), &replaced_iso),
                        replaced_iso,
                    },
                );
                let label = format!("Version of {}", dates::long(version.date));
                context.insert(
                    "page_title",
                    &format!("{}: {}", old.source.title, label.to_lowercase()),
                );
                context.insert(
                    "breadcrumbs",
                    &context::crumbs(
                        &root,
                        &[(
                            policy.source.title.as_str(),
                            links.full_policy(policy.id(), None),
                        )],
                        &label,
                    ),
                );
                "version.html"
            }
            PageKind::Changes(i) | PageKind::ChangeAt(i, _) | PageKind::ViewChanges(_, i) => {
                let policy = &site.policies[i];
                let (audience, single) = match page {
                    PageKind::ViewChanges(a, _) => (Some(a), None),
                    PageKind::ChangeAt(_, c) => (None, Some(c)),
                    _ => (None, None),
                };
                links.audience = audience;
                let changes: Vec<versions::ChangeView> = match single {
                    Some(c) => vec![versions::ChangeView::new(
                        &policy.changes[c],
                        policy,
                        site,
                        &links,
                        None,
                    )],
                    None => policy
                        .changes
                        .iter()
                        .map(|c| versions::ChangeView::new(c, policy, site, &links, audience))
                        .collect(),
                };
                let heading = match single {
                    Some(c) => format!("What changed on {}", dates::long(policy.changes[c].date)),
                    None => "What changed at each review".to_string(),
                };
                let mut middle = vec![(
                    policy.source.title.as_str(),
                    links.full_policy(policy.id(), None),
                )];
                if let Some(a) = audience {
                    let view = AudienceView::new(&site.config.audiences[a], &root);
                    middle.push((view.label, links.policy(policy.id(), None)));
                    context.insert("view", &view);
                }
                if single.is_some() {
                    middle.push((
                        "What changed",
                        versions::changes_url(&links, policy.id(), None),
                    ));
                }
                context.insert("changes", &changes);
                context.insert("single", &single.is_some());
                context.insert("policy_title", &policy.source.title);
                context.insert("policy_url", &links.policy(policy.id(), None));
                context.insert("heading", &heading);
                context.insert(
                    "all_changes_url",
                    &versions::changes_url(&links, policy.id(), None),
                );
                context.insert(
                    "page_title",
                    &format!("{}: {}", policy.source.title, heading),
                );
                context.insert("breadcrumbs", &context::crumbs(&root, &middle, &heading));
                "changes.html"
            }
            PageKind::NotFound => {
                context.insert("page_title", "Page not found");
                "404.html"
            }
            PageKind::Search => {
                let letters = search::a_to_z(site, &root);
                size_hint += letters.iter().map(|l| l.entries.len() * 160).sum::<usize>();
                context.insert("letters", &letters);
                context.insert("page_title", "Search the policies");
                context.insert("search_page", &true);
                context.insert("breadcrumbs", &context::crumbs(&root, &[], "Search"));
                "search.html"
            }
            PageKind::SearchIndex => return Ok((path, search::index_js(site))),
            // Not HTML: made by their own modules, not by templates.
            PageKind::Calendar => return Ok((path, calendar::ics(site))),
            PageKind::Feed => return Ok((path, feed::atom(site, base_url))),
            PageKind::Sitemap => return Ok((path, sitemap::xml(base_url, &self.sitemap_paths()))),
        };
        let html = self.templates.render(template, &context, size_hint)?;
        Ok((path, html))
    }

    /// The handbook entries of audience `a`: every policy with a view for
    /// them, with the sections that apply in full.
    fn handbook_entries(&self, a: usize, links: &PageLinks) -> Vec<Entry<'a>> {
        let site = self.site;
        site.policies
            .iter()
            .enumerate()
            .filter(|(_, p)| p.views.contains(a))
            .map(|(i, policy)| {
                let (body, footnotes) = self.entry_sections(i, a, links);
                Entry {
                    card: PolicyCard::new(policy, links.root),
                    audience_title: policy.source.title_for(a),
                    view_url: links.view(a, policy.id(), None),
                    audience_summary: policy.source.summary_for(a),
                    body,
                    footnotes,
                }
            })
            .collect()
    }

    /// Policy `i`'s sections and footnotes for audience `a`, in full, with
    /// ids prefixed so that many policies can share the landing page.
    fn entry_sections(&self, i: usize, a: usize, links: &PageLinks) -> (String, String) {
        let site = self.site;
        let policy = &site.policies[i];
        let prefix = format!("{}--", policy.id());
        let full_url = links.full_policy(policy.id(), None);
        let options = BodyOptions {
            audience: Some(a),
            level_shift: 1,
            id_prefix: &prefix,
            full_url: Some(&full_url),
            own_first: false,
        };
        let html = body::sections_html(policy, self.policy_body(i, Some(a)), site, &options);
        let notes = body::footnotes_html(policy, Some(a), &prefix);
        let links = PageLinks {
            document: Some(policy.id()),
            ..*links
        };
        // Citations in the sections and in notes that cite other notes.
        let prefixed = |html: &str| {
            links
                .resolve(html)
                .replace("href=\"#fn-", &format!("href=\"#{prefix}fn-"))
        };
        (prefixed(&html), prefixed(&notes))
    }

    /// The output path of every HTML page, for the sitemap.
    fn sitemap_paths(&self) -> Vec<String> {
        pages(self.site)
            .into_iter()
            .filter(|p| {
                p.is_html()
                    && !matches!(
                        p,
                        PageKind::Withdrawn(_)
                            | PageKind::WithdrawnView(..)
                            | PageKind::Version(..)
                    )
            })
            .map(|p| self.location(p).0)
            .collect()
    }
}

/// What every page whose way back to the root is `root` starts with.
fn base_context(site: &Site, root: &str) -> Context {
    let mut context = Context::new();
    context.insert("root", root);
    context.insert("site", &SiteView::new(site, root));
    context.insert("today", &dates::iso(site.today));
    if site.config.base_url.is_some() {
        context.insert("feed_url", &format!("{root}{}", feed::PATH));
    }
    context
}
