//! `policy:ID` and `policy:ID#anchor` links: recorded for checking, and
//! rewritten to markers that each page resolves relative to itself.

use std::path::Path;

use pulldown_cmark::{Event, Tag};

use super::Item;
use crate::diagnostics::Diagnostics;
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

/// Rewrites `policy:` link destinations to markers, and drops script URLs.
pub(super) fn rewrite<'a>(
    events: Vec<Item<'a>>,
    path: &Path,
    diagnostics: &mut Diagnostics,
) -> (Vec<Item<'a>>, Vec<PolicyLink>) {
    let mut links = Vec::new();
    let events = events
        .into_iter()
        .map(|(event, line)| match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = rewrite_url(&dest_url, line, path, diagnostics, &mut links)
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
    (events, links)
}

/// The new destination for `url`, if it changes.
fn rewrite_url(
    url: &str,
    line: usize,
    path: &Path,
    diagnostics: &mut Diagnostics,
    links: &mut Vec<PolicyLink>,
) -> Option<String> {
    let trimmed = url.trim();
    let scheme = trimmed
        .split_once(':')
        .map(|(s, _)| s.to_ascii_lowercase())
        .unwrap_or_default();
    if scheme == "javascript" || scheme == "vbscript" || scheme == "data" {
        diagnostics.warning(
            path,
            Some(line),
            format!("a {scheme}: link was removed (links may not run code or embed data)"),
        );
        return Some("#".to_string());
    }
    let rest = trimmed.strip_prefix("policy:")?;
    let (id, anchor) = match rest.split_once('#') {
        Some((id, anchor)) => (id, Some(anchor)),
        None => (rest, None),
    };
    if id.is_empty() || anchor == Some("") {
        diagnostics.error(
            path,
            Some(line),
            format!("\"{trimmed}\" is not a policy link; write policy:ID or policy:ID#section"),
        );
        return Some("#".to_string());
    }
    links.push(PolicyLink {
        policy: id.to_string(),
        anchor: anchor.map(str::to_string),
        line,
    });
    Some(markers::policy(id, anchor))
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
                .any(|l| l.contains("javascript: link was removed"))
        );
        assert!(body.intro.contains("href=\"https://example.org\""));
        assert!(!body.intro.contains("javascript"));
    }
}
