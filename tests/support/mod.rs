//! Helpers shared by the integration tests: fixture sites in temporary
//! folders, running the real binary, and reading what it built.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A site in a temporary folder.
pub struct Site {
    /// Keeps the folder alive.
    pub dir: tempfile::TempDir,
}

impl Site {
    /// An empty temporary site with the given files (`path`, `text`).
    pub fn new(files: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let site = Site { dir };
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    /// A copy of `tests/fixtures/NAME`.
    pub fn fixture(name: &str) -> Self {
        let site = Site::new(&[]);
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
            site.root(),
        );
        site
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes (or replaces) a file of the site.
    pub fn write(&self, path: &str, text: &str) {
        let target = self.root().join(path);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, text).unwrap();
    }

    /// Runs `policyweb ARGS` in the site folder.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.root(), args)
    }

    /// `policyweb build . --today 2026-11-21` plus `extra`.
    pub fn build(&self, extra: &[&str]) -> Run {
        let mut args = vec!["build", ".", "--today", "2026-11-21"];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// The text of a built file under `public/`.
    pub fn page(&self, path: &str) -> String {
        let file = self.root().join("public").join(path);
        fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
    }
}

/// What a run of the binary did.
pub struct Run {
    /// Its exit code.
    pub code: i32,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
}

impl Run {
    /// The stderr lines that are errors.
    #[allow(dead_code)]
    pub fn errors(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.contains(": error: "))
            .collect()
    }

    /// The stderr lines that are errors or warnings.
    pub fn diagnostics(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
            .collect()
    }
}

/// Runs the real `policyweb` binary in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_policyweb"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run policyweb");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, by relative path, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The values of `attr="..."` in `html`, in order.
pub fn attributes(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&needle) {
        let after = &rest[start + needle.len()..];
        let end = after.find('"').unwrap_or(after.len());
        values.push(after[..end].replace("&amp;", "&"));
        rest = &after[end..];
    }
    values
}

/// Every relative link in the HTML files under `dir` that does not resolve to a
/// file, or whose `#fragment` is not an id in that file: `(page, href)`.
pub fn broken_links(dir: &Path) -> Vec<(PathBuf, String)> {
    follow_links(dir).1
}

/// Follows every relative link (`href` and `src`) of every HTML page under
/// `dir` on disk: the file must exist inside `dir` and a `#fragment` must be
/// an id in it. Links with a scheme or starting with `/` are not followed.
/// Returns how many links were followed, and the broken ones as `(page, href)`.
pub fn follow_links(dir: &Path) -> (usize, Vec<(PathBuf, String)>) {
    let mut pages: BTreeMap<PathBuf, (Vec<String>, BTreeSet<String>)> = BTreeMap::new();
    for (path, bytes) in tree(dir) {
        if path.extension().is_some_and(|e| e == "html") {
            let html = String::from_utf8_lossy(&bytes);
            let mut links = attributes(&html, "href");
            links.extend(attributes(&html, "src"));
            let ids = attributes(&html, "id").into_iter().collect();
            pages.insert(path, (links, ids));
        }
    }
    let mut followed = 0;
    let mut broken = Vec::new();
    for (page, (links, ids)) in &pages {
        for link in links {
            if link.contains(':') || link.starts_with('/') || link.is_empty() {
                continue;
            }
            let (path, fragment) = match link.split_once('#') {
                Some((path, fragment)) => (path, Some(fragment)),
                None => (link.as_str(), None),
            };
            let target = if path.is_empty() {
                page.clone()
            } else {
                normalise(&page.parent().unwrap_or(Path::new("")).join(path))
            };
            followed += 1;
            let target_file = dir.join(&target);
            if target.starts_with("..") || !target_file.is_file() {
                broken.push((page.clone(), link.clone()));
                continue;
            }
            let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
                continue;
            };
            let target_ids = if &target == page {
                Some(ids)
            } else {
                pages.get(&target).map(|(_, ids)| ids)
            };
            if target_ids.is_some_and(|ids| !ids.contains(fragment)) {
                broken.push((page.clone(), link.clone()));
            }
        }
    }
    (followed, broken)
}

fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A policy file: `title` plus the front-matter lines in `front`, with a
/// shared section and one for parents.
#[allow(dead_code)]
pub fn policy(title: &str, front: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\n{front}+++\n\n## Purpose\n\nWhy this policy exists.\n\n\
         ## For parents {{#parents audience=parents}}\n\nWhat parents can expect.\n"
    )
}

/// A site with `site.toml` text `config` and policies `(id, title, front)`
/// made by [`policy`].
#[allow(dead_code)]
pub fn site_with(config: &str, policies: &[(&str, &str, &str)]) -> Site {
    let site = Site::new(&[("site.toml", config)]);
    for (id, title, front) in policies {
        site.write(&format!("policies/{id}.md"), &policy(title, front));
    }
    site
}
