//! The site-wide link check: every internal link and `#fragment` in the
//! output must lead somewhere, and no page may use an id twice.
//!
//! [`LinkCheck`] sits in front of the real [`Sink`]: as each page is written
//! it scans the page's links and ids (a small scan of the HTML, not a copy of
//! it), checks what the page alone can answer (repeated ids, links to its own
//! `#fragments`, links out of the site), and keeps only what is left: each
//! distinct target linked to, once for the whole site, and each page's ids as
//! 64-bit hashes. Once every file is written [`LinkCheck::finish`] checks the
//! targets. This guards what the Markdown checks cannot see: templates,
//! including a school's own overrides, and hand-written relative URLs.
//!
//! The work kept for the end grows with the number of distinct targets, not
//! with the number of links: a site's thousands of pages share their
//! navigation links, and an audience view links to the same sections as the
//! full policy.

mod resolve;
mod scan;

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::Body;
use crate::output::Sink;
use crate::site::Site;

use resolve::{Resolved, resolve};
use scan::scan;

/// A sink that checks the links and ids of every HTML page written through
/// it, before passing each file on.
pub struct LinkCheck<'a> {
    inner: &'a dyn Sink,
    state: Mutex<State>,
}

/// What the check keeps while pages are being written: for 10,000 policies
/// (44,000 pages, 290,000 distinct targets) a few tens of MiB.
#[derive(Default)]
struct State {
    /// Every path written or linked to, each kept once.
    paths: Paths,
    /// The files written, by path.
    written: HashSet<u32>,
    /// The ids of each HTML page, as sorted hashes (see [`id_hash`]).
    ids: HashMap<u32, Vec<u64>>,
    /// Every distinct target of a link from one page to another (a path and
    /// the hash of a fragment), with its first use.
    targets: HashMap<(u32, Option<u64>), FirstUse>,
    /// What is already known to be wrong, by a key that reports each once.
    problems: HashMap<String, Problem>,
}

/// Paths, each stored once and known by a number.
#[derive(Default)]
struct Paths {
    numbers: HashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

impl Paths {
    fn number(&mut self, path: &str) -> u32 {
        if let Some(&n) = self.numbers.get(path) {
            return n;
        }
        let n = u32::try_from(self.names.len()).expect("fewer than 4 billion paths");
        let name: Arc<str> = Arc::from(path);
        self.names.push(name.clone());
        self.numbers.insert(name, n);
        n
    }

    fn name(&self, n: u32) -> &Arc<str> {
        &self.names[n as usize]
    }
}

/// The first use of a link target (in path order) and how many others there are.
struct FirstUse {
    page: u32,
    line: u32,
    others: u32,
    /// The link as written there.
    href: Box<str>,
}

/// One problem: where it was first seen (in path order), what to say about
/// it, and how many other times it is seen.
struct Problem {
    page: Arc<str>,
    line: usize,
    message: String,
    /// For a broken link, the link as written (to tell where it came from).
    href: Option<Box<str>>,
    others: usize,
}

impl Problem {
    /// Counts `other` in, keeping whichever of the two comes first.
    fn merge(&mut self, other: Problem) {
        self.others += other.others + 1;
        if (&other.page, other.line) < (&self.page, self.line) {
            self.page = other.page;
            self.line = other.line;
            self.message = other.message;
            self.href = other.href;
        }
    }

    fn diagnostic(&self, site: &Site) -> Diagnostic {
        let mut message = self.message.clone();
        let source = source_of(site, &self.page)
            .or_else(|| handbook_source(site, &self.page, self.href.as_deref()?));
        if let Some((source, body)) = source {
            message.push_str(&format!(" (this page is made from {}", source.display()));
            match (self.href.as_deref(), body) {
                (Some(href), Some(body)) if holds_link(body, href) => {
                    message.push_str("; in Markdown, link with policy:ID, page:ID or #section");
                }
                // A link the page's own text does not hold comes from a
                // template: advice about Markdown would send the reader astray.
                (Some(_), Some(_)) => message.push_str(", but the link comes from a template"),
                _ => {}
            }
            message.push(')');
        }
        match self.others {
            0 => {}
            1 => message.push_str("; 1 other page has it too"),
            n => message.push_str(&format!("; {n} other pages have it too")),
        }
        Diagnostic::error(self.page.as_ref(), Some(self.line), message)
    }
}

/// A link from a page to another file: its target, line, and the link as written.
struct Link<'h> {
    path: String,
    fragment: Option<u64>,
    line: usize,
    href: Cow<'h, str>,
}

/// What one page leaves for the end of the build.
struct PageRecord<'h> {
    ids: Vec<u64>,
    /// The page's links to other files.
    links: Vec<Link<'h>>,
    /// Problems found on the page alone: (key, line, message, the link as
    /// written if it is a link).
    problems: Vec<(String, usize, String, Option<Box<str>>)>,
}

impl<'h> PageRecord<'h> {
    /// Scans the page at `page` and checks what it can answer on its own.
    fn new(page: &str, html: &'h str) -> Self {
        let scan = scan(html);
        let mut problems = Vec::new();
        let mut first: HashMap<&str, usize> = HashMap::with_capacity(scan.ids.len());
        for ((id, line), &name) in scan.ids.iter().zip(&scan.names) {
            if name {
                continue;
            }
            if let Some(&at) = first.get(id.as_ref()) {
                let message =
                    format!("id \"{id}\" is used twice on this page (first on line {at})");
                problems.push((format!("id\u{0}{id}"), *line, message, None));
            } else {
                first.insert(id, *line);
            }
        }
        let mut ids: Vec<u64> = scan.ids.iter().map(|(id, _)| id_hash(id)).collect();
        ids.sort_unstable();
        ids.dedup();

        let folder_of_page = page.strip_suffix("/index.html");
        let mut seen: HashSet<&str> = HashSet::with_capacity(scan.links.len());
        let mut links = Vec::new();
        for (href, line) in &scan.links {
            if !seen.insert(href.as_ref()) {
                continue;
            }
            let (path, fragment) = match resolve(page, href) {
                Resolved::Unchecked => continue,
                Resolved::Outside => {
                    let message = format!(
                        "link \"{href}\" leads nowhere: it climbs out of the site's folder"
                    );
                    let key = "link\u{0}\u{0}outside".to_string();
                    problems.push((key, *line, message, Some(href.as_ref().into())));
                    continue;
                }
                Resolved::Internal { path, fragment } => (path, checked_fragment(fragment)),
            };
            if path == page || folder_of_page == Some(path.as_str()) {
                if let Some(fragment) = fragment
                    && ids.binary_search(&id_hash(&fragment)).is_err()
                {
                    let reason = format!("this page has no id \"{fragment}\"");
                    let message = format!("link \"{href}\" leads nowhere: {reason}");
                    let key = format!("link\u{0}#{fragment}\u{0}{reason}");
                    problems.push((key, *line, message, Some(href.as_ref().into())));
                }
                continue;
            }
            links.push(Link {
                path,
                fragment: fragment.map(|f| id_hash(&f)),
                line: *line,
                href: href.clone(),
            });
        }
        Self {
            ids,
            links,
            problems,
        }
    }
}

/// The fragment a link asks the target page to have, if any: none, an empty
/// one and `#top` (the top of any page) ask for nothing.
fn checked_fragment(fragment: Option<Cow<'_, str>>) -> Option<Cow<'_, str>> {
    fragment.filter(|f| !f.is_empty() && f != "top")
}

impl<'a> LinkCheck<'a> {
    /// Checks what is written to `inner`.
    pub fn new(inner: &'a dyn Sink) -> Self {
        Self {
            inner,
            state: Mutex::new(State::default()),
        }
    }

    /// Checks every link of every page written, reporting each broken target
    /// once (with how many other pages share it) as an error at the first
    /// page and line that has it, naming the page's source file when known.
    pub fn finish(self, site: &Site) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        for problem in self.problems() {
            diagnostics.push(problem.diagnostic(site));
        }
        diagnostics
    }

    /// Every problem found, in a fixed order.
    fn problems(self) -> Vec<Problem> {
        let mut state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        let targets = std::mem::take(&mut state.targets);
        for ((path, fragment), first) in targets {
            let page = state.paths.name(first.page).clone();
            if let Some((key, reason)) = state.broken(path, fragment, &page, &first.href) {
                let problem = Problem {
                    page,
                    line: first.line as usize,
                    message: format!("link \"{}\" leads nowhere: {reason}", first.href),
                    href: Some(first.href),
                    others: first.others as usize,
                };
                add(&mut state.problems, key, problem);
            }
        }
        let mut problems: Vec<(String, Problem)> = state.problems.into_iter().collect();
        problems.sort_by(|a, b| a.0.cmp(&b.0));
        problems.into_iter().map(|(_, problem)| problem).collect()
    }
}

impl State {
    /// Takes in what the page numbered `number` left for the end.
    fn add(&mut self, number: u32, record: PageRecord) {
        let name = self.paths.name(number).clone();
        let page: &str = &name;
        for (key, line, message, href) in record.problems {
            let problem = Problem {
                page: name.clone(),
                line,
                message,
                href,
                others: 0,
            };
            add(&mut self.problems, key, problem);
        }
        // The links are the bulk of the work: a link as written is only
        // copied when it is the first use of its target seen so far.
        let line_of = |line: usize| u32::try_from(line).unwrap_or(u32::MAX);
        for link in record.links {
            let path = self.paths.number(&link.path);
            let line = line_of(link.line);
            match self.targets.entry((path, link.fragment)) {
                Entry::Vacant(e) => {
                    e.insert(FirstUse {
                        page: number,
                        line,
                        others: 0,
                        href: link.href.into(),
                    });
                }
                Entry::Occupied(mut e) => {
                    let first = e.get_mut();
                    first.others += 1;
                    let earlier = (page, line) < (&**self.paths.name(first.page), first.line);
                    if earlier {
                        first.page = number;
                        first.line = line;
                        first.href = link.href.into();
                    }
                }
            }
        }
        self.ids.insert(number, record.ids);
    }

    /// What is wrong with a link from `page` (written `href`) to the file
    /// numbered `path` and the fragment hashed `fragment`, if anything: a
    /// key to report it once, and why.
    fn broken(
        &self,
        path: u32,
        fragment: Option<u64>,
        page: &str,
        href: &str,
    ) -> Option<(String, String)> {
        let name = self.paths.name(path);
        let index = || {
            self.paths
                .numbers
                .get(format!("{name}/index.html").as_str())
                .copied()
        };
        let target = if self.written.contains(&path) {
            path
        } else if let Some(n) = index().filter(|n| self.written.contains(n)) {
            n
        } else {
            let reason = format!("the site has no {name}");
            return Some((format!("link\u{0}{name}\u{0}{reason}"), reason));
        };
        let ids = self.ids.get(&target)?;
        if ids.binary_search(&fragment?).is_ok() {
            return None;
        }
        // Rare: the fragment itself is only needed to say what is missing.
        let fragment = match resolve(page, href) {
            Resolved::Internal { fragment, .. } => checked_fragment(fragment)?.into_owned(),
            _ => return None,
        };
        let target = self.paths.name(target);
        let reason = format!("{target} has no id \"{fragment}\"");
        Some((format!("link\u{0}{target}#{fragment}\u{0}{reason}"), reason))
    }
}

/// Adds `problem` under `key`, merging it with one already there.
fn add(map: &mut HashMap<String, Problem>, key: String, problem: Problem) {
    match map.entry(key) {
        Entry::Vacant(e) => {
            e.insert(problem);
        }
        Entry::Occupied(mut e) => e.get_mut().merge(problem),
    }
}

/// The hash an id is kept as: the same for every build (std's SipHash with
/// fixed keys), and 64 bits, so that two different ids of a site sharing a
/// hash (which could only let a link to a missing id pass) is about as
/// likely as one in 10^8 for a trust's 750,000 ids.
fn id_hash(id: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    id.hash(&mut hasher);
    hasher.finish()
}

impl Sink for LinkCheck<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.inner.write(path, bytes)?;
        // `from_utf8_lossy` is much slower than `from_utf8` on valid text.
        let html = path
            .ends_with(".html")
            .then(|| match std::str::from_utf8(bytes) {
                Ok(html) => Cow::Borrowed(html),
                Err(_) => String::from_utf8_lossy(bytes),
            });
        let record = html.as_deref().map(|html| PageRecord::new(path, html));
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let number = state.paths.number(path);
        state.written.insert(number);
        if let Some(record) = record {
            state.add(number, record);
        }
        Ok(())
    }
}

/// The file a page is made from (a policy, a free page or a data file),
/// and its Markdown body if it has one.
fn source_of<'s>(site: &'s Site, page: &str) -> Option<(&'s Path, Option<&'s Body>)> {
    let parts: Vec<&str> = page.split('/').collect();
    match parts.as_slice() {
        ["policies", id, "index.html"] | ["for", _, id, "index.html"] => site
            .policy(id)
            .map(|p| (p.source.path.as_path(), Some(p.body()))),
        ["glossary", "index.html"] => site
            .data
            .glossary
            .as_ref()
            .map(|g| (g.path.as_path(), None)),
        ["age-limits", "index.html"] => site
            .data
            .age_limits
            .as_ref()
            .map(|a| (a.path.as_path(), None)),
        [id, "index.html"] => site.page(id).map(|p| (p.path.as_path(), Some(&p.body))),
        _ => None,
    }
}

/// On an audience's handbook, which gathers many policies: the first policy
/// whose Markdown holds the link `href`.
fn handbook_source<'s>(
    site: &'s Site,
    page: &str,
    href: &str,
) -> Option<(&'s Path, Option<&'s Body>)> {
    let parts: Vec<&str> = page.split('/').collect();
    let ["for", _, crate::site::HANDBOOK_FOLDER, "index.html"] = parts.as_slice() else {
        return None;
    };
    site.policies
        .iter()
        .find(|p| holds_link(p.body(), href))
        .map(|p| (p.source.path.as_path(), Some(p.body())))
}

/// Whether `body`'s HTML holds the link `href` (as the scan decoded it),
/// that is, whether the link was written in the Markdown. Hand-written links
/// are kept as written in the section HTML, with `&` escaped.
fn holds_link(body: &Body, href: &str) -> bool {
    let escaped = href.replace('&', "&amp;");
    std::iter::once(&body.intro)
        .chain(body.sections.iter().map(|s| &s.html))
        .any(|html| html.contains(&escaped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::NullSink;

    /// Writes `pages` through a link check in the given order; the problems
    /// as (page, line, message, others).
    fn problems(pages: &[(&str, &str)]) -> Vec<(String, usize, String, usize)> {
        let sink = NullSink;
        let check = LinkCheck::new(&sink);
        for (path, html) in pages {
            check.write(path, html.as_bytes()).unwrap();
        }
        check
            .problems()
            .into_iter()
            .map(|p| (p.page.to_string(), p.line, p.message, p.others))
            .collect()
    }

    #[test]
    fn checks_links_between_pages_whatever_order_they_are_written_in() {
        let pages = [
            (
                "index.html",
                "<a href=\"a/\">a</a>\n<a href=\"a/#x\">x</a>\n<a href=\"a/index.html#gone\">g</a>",
            ),
            (
                "a/index.html",
                "<h2 id=\"x\">X</h2>\n<a href=\"../b/#gone\">b</a>\n<a href=\"../index.html#top\">t</a>",
            ),
            (
                "b/index.html",
                "<p id=\"y\">\n<a href=\"../a/index.html#gone\">a</a>\n<a href=\"../../up.html\">up</a>",
            ),
            ("style.css", "p { }"),
            (
                "c/index.html",
                "<link href=\"../style.css\">\n<img src=\"../missing.png\" alt=\"\">\n<a href=\"#y\">y</a>",
            ),
        ];
        let expected = vec![
            (
                "c/index.html".to_string(),
                3,
                "link \"#y\" leads nowhere: this page has no id \"y\"".to_string(),
                0,
            ),
            (
                "b/index.html".to_string(),
                3,
                "link \"../../up.html\" leads nowhere: it climbs out of the site's folder"
                    .to_string(),
                0,
            ),
            (
                "a/index.html".to_string(),
                2,
                "link \"../b/#gone\" leads nowhere: b/index.html has no id \"gone\"".to_string(),
                0,
            ),
            (
                "b/index.html".to_string(),
                2,
                "link \"../a/index.html#gone\" leads nowhere: a/index.html has no id \"gone\""
                    .to_string(),
                1,
            ),
            (
                "c/index.html".to_string(),
                2,
                "link \"../missing.png\" leads nowhere: the site has no missing.png".to_string(),
                0,
            ),
        ];
        let mut sorted = expected.clone();
        sorted.sort_by(|a, b| a.2.cmp(&b.2));
        let mut found = problems(&pages);
        found.sort_by(|a, b| a.2.cmp(&b.2));
        assert_eq!(found, sorted);
        // The same problems, first pages and counts, in the same order, when
        // the pages are written in the opposite order (as threads may).
        let reversed: Vec<(&str, &str)> = pages.iter().rev().copied().collect();
        assert_eq!(problems(&reversed), problems(&pages));
    }

    #[test]
    fn reports_repeated_ids_but_not_repeated_anchor_names() {
        let found = problems(&[(
            "index.html",
            "<p id=\"a\">\n<a name=\"a\"></a>\n<p id=\"a\">\n<p id=\"b\">",
        )]);
        assert_eq!(
            found,
            [(
                "index.html".to_string(),
                3,
                "id \"a\" is used twice on this page (first on line 1)".to_string(),
                0
            )]
        );
    }
}
