//! Assembling a policy's body for one page: the sections that page shows,
//! nested in `<section>` elements with their audience hooks and labels, and
//! every link marker resolved relative to that page.

use std::collections::HashMap;
use std::fmt::Write;

use pulldown_cmark_escape::escape_html;

use crate::markdown::Body;
use crate::markers::{self, Marker};
use crate::site::{Policy, Site};

/// Where a page is, for resolving links in the HTML it shows.
#[derive(Debug, Clone, Copy)]
pub struct PageLinks<'a> {
    /// The site.
    pub site: &'a Site,
    /// The relative path from the page to the site's root ("", "../", "../../").
    pub root: &'a str,
    /// The audience whose pages this is one of, if any.
    pub audience: Option<usize>,
    /// The policy the page shows, if it shows exactly one.
    pub policy: Option<&'a str>,
    /// The policy whose Markdown is being resolved, for its `#anchor` links
    /// (`None` on a free page, whose anchors are all on the page itself).
    pub document: Option<&'a str>,
}

impl PageLinks<'_> {
    /// The URL of the full policy `id` (and section), from this page.
    pub fn full_policy(&self, id: &str, anchor: Option<&str>) -> String {
        if self.audience.is_none() && self.policy == Some(id) {
            return fragment(anchor);
        }
        url([self.root, "policies/", id, "/index.html"], anchor)
    }

    /// The URL of audience `audience`'s view of policy `id`, from this page.
    pub fn view(&self, audience: usize, id: &str, anchor: Option<&str>) -> String {
        if self.audience == Some(audience) && self.policy == Some(id) {
            return fragment(anchor);
        }
        let audience = &self.site.config.audiences[audience].id;
        url(
            [self.root, "for/", audience, "/", id, "/index.html"],
            anchor,
        )
    }

    /// Where a `policy:` link goes from this page: the reader's own view of
    /// the target when that view shows the section, else the full policy.
    pub fn policy(&self, id: &str, anchor: Option<&str>) -> String {
        if let (Some(audience), Some(target)) = (self.audience, self.site.policy(id))
            && target.views.contains(audience)
            && anchor.is_none_or(|a| target.section_in_view(a, audience))
        {
            return self.view(audience, id, anchor);
        }
        self.full_policy(id, anchor)
    }

    /// `html` with every link marker replaced by a URL relative to this page.
    pub fn resolve(&self, html: &str) -> String {
        markers::resolve(html, |marker| match marker {
            // An empty id is an `#anchor` link within the document itself.
            Marker::Policy { id: "", anchor } => match self.document {
                Some(id) => self.policy(id, anchor),
                None => format!("#{}", anchor.unwrap_or_default()),
            },
            Marker::Policy { id, anchor } => self.policy(id, anchor),
            Marker::Root(path) => format!("{}{path}", self.root),
            Marker::Shortcode(_) => String::new(),
        })
        .into_owned()
    }
}

/// A link to a place on the same page: `#anchor`, or `#` for its top.
fn fragment(anchor: Option<&str>) -> String {
    match anchor {
        Some(a) => format!("#{a}"),
        None => "#".into(),
    }
}

/// The URL made of `parts` and `#anchor`, built without the formatting
/// machinery: pages ask for thousands of these.
fn url<const N: usize>(parts: [&str; N], anchor: Option<&str>) -> String {
    let len = parts.iter().map(|p| p.len()).sum::<usize>() + anchor.map_or(0, |a| a.len() + 1);
    let mut url = String::with_capacity(len);
    for part in parts {
        url.push_str(part);
    }
    if let Some(a) = anchor {
        url.push('#');
        url.push_str(a);
    }
    url
}

/// How to show a policy's body on one page.
#[derive(Debug, Clone, Copy)]
pub struct BodyOptions<'a> {
    /// Show only the sections for this audience (all sections when `None`).
    pub audience: Option<usize>,
    /// How many levels to demote headings (1 on an audience landing page).
    pub level_shift: u8,
    /// Put before every id, so that several policies can share one page.
    pub id_prefix: &'a str,
    /// When set, each top-level section links to its place in the full policy.
    pub full_url: Option<&'a str>,
    /// Show the sections written for `audience` in particular first and fold
    /// the shared ones (and the intro) under "More about this": a
    /// plain-language reader's own view.
    pub own_first: bool,
}

/// The order a page shows a policy's sections in, by index: `first` openly,
/// then `more` folded (empty unless the reader's own sections come first).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReadingOrder {
    /// The sections shown first, in source order.
    pub first: Vec<usize>,
    /// The sections folded under "More about this", in source order.
    pub more: Vec<usize>,
}

/// The reading order of `policy` for `audience` (every section when `None`).
/// With `own_first`, the top-level sections tagged for fewer readers than the
/// policy addresses come first, each with its subsections, and the shared
/// ones after; a policy with no such section keeps its order.
pub fn reading_order(policy: &Policy, audience: Option<usize>, own_first: bool) -> ReadingOrder {
    let sections = &policy.body().sections;
    let sets = &policy.source.section_audiences;
    let shown = |i: usize| audience.is_none_or(|a| sets[i].contains(a));
    let mut roots: Vec<usize> = Vec::with_capacity(sections.len());
    for (i, section) in sections.iter().enumerate() {
        let root = section.parent.map_or(i, |p| roots[p]);
        roots.push(root);
    }
    let addressed = policy.source.audiences;
    let own = |i: usize| own_first && sets[roots[i]] != addressed;
    let (first, more): (Vec<usize>, Vec<usize>) = (0..sections.len())
        .filter(|&i| shown(i))
        .partition(|&i| own(i));
    if first.is_empty() {
        ReadingOrder {
            first: more,
            more: Vec::new(),
        }
    } else {
        ReadingOrder { first, more }
    }
}

/// The sections of `policy` that the page shows, as HTML; `body` is the
/// policy's body with its shortcodes expanded.
pub fn sections_html(policy: &Policy, body: &Body, site: &Site, options: &BodyOptions) -> String {
    let mut html = String::with_capacity(
        body.intro.len()
            + body
                .sections
                .iter()
                .map(|s| s.html.len() + 200)
                .sum::<usize>(),
    );
    let order = reading_order(policy, options.audience, options.own_first);
    let intro = |html: &mut String| {
        if !body.intro.trim().is_empty() {
            html.push_str("<div class=\"intro\">\n");
            html.push_str(&body.intro);
            html.push_str("</div>\n");
        }
    };
    if order.more.is_empty() {
        intro(&mut html);
        push_sections(&mut html, policy, body, site, options, &order.first);
    } else {
        push_sections(&mut html, policy, body, site, options, &order.first);
        html.push_str("<details class=\"more-about\">\n<summary>More about this</summary>\n");
        intro(&mut html);
        push_sections(&mut html, policy, body, site, options, &order.more);
        html.push_str("</details>\n");
    }
    html
}

/// Writes the sections `shown` (whole subtrees, in order), nested in
/// `<section>` elements with their audience hooks and labels.
fn push_sections(
    html: &mut String,
    policy: &Policy,
    body: &Body,
    site: &Site,
    options: &BodyOptions,
    shown: &[usize],
) {
    let config = &site.config;
    // A section for everyone the policy addresses says nothing about whom it
    // is for on a reader's own view, and "For everyone" on the full policy.
    let addressed = policy.source.audiences;
    let mut open: Vec<u8> = Vec::new();
    let sets = &policy.source.section_audiences;
    for &i in shown {
        let (section, set) = (&body.sections[i], &sets[i]);
        while open.last().is_some_and(|&level| level >= section.level) {
            open.pop();
            html.push_str("</section>\n");
        }
        open.push(section.level);
        let level = (section.level + options.level_shift).min(6);
        let ids = set.ids(config);
        let _ = write!(
            html,
            "<section id=\"{}{}\" class=\"policy-section\" data-audiences=\"{ids}\">\n<h{level}>{}</h{level}>\n",
            options.id_prefix, section.anchor, section.title_html
        );
        let label = options.audience.is_none() || *set != addressed;
        let full = options.full_url.filter(|_| section.parent.is_none());
        if label || full.is_some() {
            html.push_str("<p class=\"audience-label\">");
        }
        if label && *set == addressed {
            html.push_str("For everyone");
        } else if label {
            html.push_str("For: ");
            let _ = escape_html(&mut *html, &set.labels(config));
        }
        if let Some(full) = full {
            let _ = write!(
                html,
                "{}<a href=\"{full}#{}\">In the full policy<span class=\"visually-hidden\">: ",
                if label { " · " } else { "" },
                section.anchor
            );
            let _ = escape_html(&mut *html, &section.title_text);
            html.push_str("</span></a>");
        }
        if label || full.is_some() {
            html.push_str("</p>\n");
        }
        html.push_str(&section.html);
    }
    for _ in open {
        html.push_str("</section>\n");
    }
}

/// The footnotes cited by the sections a page shows, as an ordered list.
pub fn footnotes_html(policy: &Policy, audience: Option<usize>, id_prefix: &str) -> String {
    let body = policy.body();
    if body.footnotes.is_empty() {
        return String::new();
    }
    // Each label cited by a section: whether a section this page shows cites
    // it. A label no section cites is cited only by the intro, which every
    // page shows. One pass over the citations, not one per note.
    let mut shown: HashMap<&str, bool> = HashMap::new();
    for (section, set) in body.sections.iter().zip(&policy.source.section_audiences) {
        let visible = audience.is_none_or(|a| set.contains(a));
        for name in &section.footnotes {
            *shown.entry(name.as_str()).or_default() |= visible;
        }
    }
    let cited_by_shown = |name: &str| shown.get(name).copied().unwrap_or(true);
    let mut html = String::new();
    for note in &body.footnotes {
        if cited_by_shown(&note.name) {
            let _ = writeln!(
                html,
                "<li id=\"{id_prefix}{}\" value=\"{}\">{}</li>",
                note.anchor,
                note.number,
                note.html.trim_end()
            );
        }
    }
    if html.is_empty() {
        html
    } else {
        format!("<ol class=\"footnote-list\">\n{html}</ol>\n")
    }
}

/// A free page's body: its intro and sections as plain headings with anchors.
pub fn plain_body_html(body: &Body) -> String {
    let mut html = body.intro.clone();
    for section in &body.sections {
        let _ = writeln!(
            html,
            "<h{level} id=\"{}\">{}</h{level}>",
            section.anchor,
            section.title_html,
            level = section.level
        );
        html.push_str(&section.html);
    }
    if !body.footnotes.is_empty() {
        html.push_str("<ol class=\"footnote-list\">\n");
        for note in &body.footnotes {
            let _ = writeln!(
                html,
                "<li id=\"{}\" value=\"{}\">{}</li>",
                note.anchor,
                note.number,
                note.html.trim_end()
            );
        }
        html.push_str("</ol>\n");
    }
    html
}
