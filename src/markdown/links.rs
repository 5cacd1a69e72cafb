//! Cross-links in Markdown: `policy:ID`, `policy:ID#anchor`, `page:ID`,
//! `page:ID#anchor` and `#anchor`, recorded for checking and rewritten to
//! markers that each page resolves relative to itself.

use std::path::Path;

use pulldown_cmark::{Event, Tag};

use super::Item;
use crate::diagnostics::{Diagnostics, Kind};
use crate::markers;

/// A link from a body to a policy (or one of its sections).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyLink {
    /// The id of the policy linked to.
    pub policy: String,
    /// The section's anchor, if any.
    pub anchor: Option<String>,
    /// The file line of the link.
    pub line: usize,
}

/// A link from a body to a free page (or one of its sections).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLink {
    /// The id of the page linked to (its file name without `.md`).
    pub page: String,
    /// The section's anchor, if any.
    pub anchor: Option<String>,
    /// The file line of the link.
    pub line: usize,
}

/// A link to a section of the same document: `[see below](#reporting)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorLink {
    /// The anchor linked to.
    pub anchor: String,
    /// The file line of the link.
    pub line: usize,
}

/// Where a `policy:` or `page:` link points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A policy, or a section of it.
    Policy {
        /// The policy's id.
        id: String,
        /// The section's anchor, if any.
        anchor: Option<String>,
    },
    /// A free page, or a section of it.
    Page {
        /// The page's id.
        id: String,
        /// The section's anchor, if any.
        anchor: Option<String>,
    },
}

impl LinkTarget {
    /// Parses `policy:ID[#anchor]` or `page:ID[#anchor]`: `None` when `url`
    /// has neither scheme, an error message when it has one but is malformed.
    pub fn parse(url: &str) -> Option<Result<LinkTarget, String>> {
        let url = url.trim();
        let (kind, rest) = if let Some(rest) = url.strip_prefix("policy:") {
            ("policy", rest)
        } else {
            ("page", url.strip_prefix("page:")?)
        };
        let (id, anchor) = match rest.split_once('#') {
            Some((id, anchor)) => (id, Some(anchor)),
            None => (rest, None),
        };
        if id.is_empty() || anchor == Some("") || id.contains(['/', '?', ' ']) {
            return Some(Err(format!(
                "\"{url}\" is not a {kind} link; write {kind}:ID or {kind}:ID#section"
            )));
        }
        let (id, anchor) = (id.to_string(), anchor.map(str::to_string));
        Some(Ok(if kind == "policy" {
            LinkTarget::Policy { id, anchor }
        } else {
            LinkTarget::Page { id, anchor }
        }))
    }

    /// The marker that each page resolves to a relative URL.
    pub fn marker(&self) -> String {
        match self {
            LinkTarget::Policy { id, anchor } => markers::policy(id, anchor.as_deref()),
            LinkTarget::Page { id, anchor } => {
                let fragment = anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default();
                markers::root(&format!("{id}/index.html{fragment}"))
            }
        }
    }
}

/// The cross-links found in one body.
#[derive(Debug, Default)]
pub(super) struct Found {
    pub policies: Vec<PolicyLink>,
    pub pages: Vec<PageLink>,
    pub anchors: Vec<AnchorLink>,
}

/// Rewrites cross-link destinations to markers, and drops script URLs.
pub(super) fn rewrite<'a>(
    events: Vec<Item<'a>>,
    path: &Path,
    diagnostics: &mut Diagnostics,
) -> (Vec<Item<'a>>, Found) {
    let mut found = Found::default();
    let events = events
        .into_iter()
        .map(|(event, line)| match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = rewrite_url(&dest_url, line, path, diagnostics, &mut found)
                    .map_or(dest_url, Into::into);
                let tag = Tag::Link {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                };
                (Event::Start(tag), line)
            }
            other => (other, line),
        })
        .collect();
    (events, found)
}

/// The new destination for `url`, if it changes.
fn rewrite_url(
    url: &str,
    line: usize,
    path: &Path,
    diagnostics: &mut Diagnostics,
    found: &mut Found,
) -> Option<String> {
    let trimmed = url.trim();
    if LinkTarget::parse(trimmed).is_none()
        && let Err(refusal) = crate::urls::check(url)
    {
        diagnostics.warning(
            path,
            Some(line),
            Kind::UnsafeLink,
            format!("a link was removed: {refusal}"),
        );
        return Some("#".to_string());
    }
    if let Some(anchor) = trimmed.strip_prefix('#')
        && !anchor.is_empty()
    {
        found.anchors.push(AnchorLink {
            anchor: anchor.to_string(),
            line,
        });
        // An empty id stands for the document the link is in.
        return Some(markers::policy("", Some(anchor)));
    }
    let target = match LinkTarget::parse(trimmed)? {
        Ok(target) => target,
        Err(message) => {
            diagnostics.error(path, Some(line), message);
            return Some("#".to_string());
        }
    };
    let marker = target.marker();
    match target {
        LinkTarget::Policy { id, anchor } => found.policies.push(PolicyLink {
            policy: id,
            anchor,
            line,
        }),
        LinkTarget::Page { id, anchor } => found.pages.push(PageLink {
            page: id,
            anchor,
            line,
        }),
    }
    Some(marker)
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostics;
    use crate::markdown::parse;
    use crate::markers::{Marker, resolve};
    use std::path::Path;

    #[test]
    fn policy_links_become_markers_and_are_recorded() {
        let mut d = Diagnostics::new();
        let body = parse(
            Path::new("p.md"),
            "See [online safety](policy:online-safety) and\n[reporting](policy:child-protection#reporting).\n",
            5,
            &mut d,
        );
        assert!(d.is_empty());
        assert_eq!(body.links.len(), 2);
        assert_eq!(body.links[0].policy, "online-safety");
        assert_eq!(body.links[0].line, 5);
        assert_eq!(body.links[1].anchor.as_deref(), Some("reporting"));
        assert_eq!(body.links[1].line, 6);
        let html = resolve(&body.intro, |m| match m {
            Marker::Policy { id, anchor } => format!("{id}/{}", anchor.unwrap_or("")),
            _ => String::new(),
        });
        assert!(html.contains("href=\"online-safety/\""), "{html}");
        assert!(
            html.contains("href=\"child-protection/reporting\""),
            "{html}"
        );
    }

    #[test]
    fn page_and_anchor_links_are_recorded() {
        let mut d = Diagnostics::new();
        let body = parse(
            Path::new("p.md"),
            "[a](page:accessibility) [b](page:about#formats)\n[c](#reporting) [d](page:x/y)\n",
            1,
            &mut d,
        );
        let errors: Vec<String> = d.sorted().iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            ["p.md:2: error: \"page:x/y\" is not a page link; write page:ID or page:ID#section"]
        );
        let pages: Vec<(&str, Option<&str>, usize)> = body
            .page_links
            .iter()
            .map(|l| (l.page.as_str(), l.anchor.as_deref(), l.line))
            .collect();
        assert_eq!(
            pages,
            [("accessibility", None, 1), ("about", Some("formats"), 1)]
        );
        assert_eq!(body.anchor_links[0].anchor, "reporting");
        assert_eq!(body.anchor_links[0].line, 2);
        let html = resolve(&body.intro, |m| match m {
            Marker::Root(path) => format!("ROOT/{path}"),
            Marker::Policy { id: "", anchor } => format!("SELF#{}", anchor.unwrap_or("")),
            _ => String::new(),
        });
        assert!(
            html.contains("href=\"ROOT/accessibility/index.html\""),
            "{html}"
        );
        assert!(
            html.contains("href=\"ROOT/about/index.html#formats\""),
            "{html}"
        );
        assert!(html.contains("href=\"SELF#reporting\""), "{html}");
    }

    #[test]
    fn malformed_and_script_links() {
        let mut d = Diagnostics::new();
        let body = parse(
            Path::new("p.md"),
            "[a](policy:) [b](policy:x#) [c](javascript:alert(1)) [d](https://example.org)\n",
            1,
            &mut d,
        );
        let lines: Vec<String> = d.sorted().iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines.iter().filter(|l| l.contains("error")).count() == 2);
        assert!(
            lines
                .iter()
                .any(|l| l.contains("a link was removed: a javascript: address"))
        );
        assert!(body.intro.contains("href=\"https://example.org\""));
        assert!(!body.intro.contains("javascript"));
    }
}
