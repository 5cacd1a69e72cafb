//! The list of every file policyweb wrote into a built site, with each one's
//! SHA-256 and size: kept in the output folder's marker file, and on a server
//! beside a published site. It is how a rebuild knows which files did not
//! change, and how a build or a publish knows which files are its own to
//! replace or delete (anything not listed is someone else's and is left alone).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// The line that marks a marker file as holding a manifest (format 1).
const FORMAT_LINE: &str = "# policyweb manifest 1";

/// One file's content, as far as comparing goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The SHA-256 of the file's bytes.
    pub hash: [u8; 32],
    /// The file's length in bytes.
    pub size: u64,
}

impl Entry {
    /// The entry for a file holding `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self {
            hash: Sha256::digest(bytes).into(),
            size: bytes.len() as u64,
        }
    }
}

/// Every file of a built site by its relative, `/`-separated path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// The files, sorted by path.
    pub files: BTreeMap<String, Entry>,
}

impl Manifest {
    /// Whether `path` is a file listed here.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Whether some listed file lies inside folder `dir`.
    pub fn has_files_under(&self, dir: &str) -> bool {
        let prefix = format!("{dir}/");
        self.files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(path, _)| path.starts_with(&prefix))
    }

    /// Whether `path`, or a folder it would lie in, or a file inside it, is listed:
    /// that is, whether something else could stand at `path` beside this site.
    pub fn overlaps(&self, path: &str) -> bool {
        self.contains(path)
            || self.has_files_under(path)
            || path
                .match_indices('/')
                .any(|(i, _)| self.contains(&path[..i]))
    }

    /// The manifest as text, after `header` (lines that start with `#`): one
    /// line per file, its SHA-256 in hex, its size, and its path, sorted by
    /// path, so that the same files always give the same bytes.
    pub fn to_text(&self, header: &str) -> String {
        let mut text = String::with_capacity(header.len() + 100 * self.files.len());
        text.push_str(header);
        text.push_str(FORMAT_LINE);
        text.push('\n');
        for (path, entry) in &self.files {
            for byte in entry.hash {
                let _ = write!(text, "{byte:02x}");
            }
            let _ = writeln!(text, " {} {path}", entry.size);
        }
        text
    }

    /// Reads what [`Manifest::to_text`] wrote. `None` when the text holds no
    /// manifest (a marker from before manifests, or a half-written staging
    /// folder's) or any line of it is not one.
    pub fn parse(text: &str) -> Option<Self> {
        let mut lines = text.lines();
        lines.by_ref().find(|line| *line == FORMAT_LINE)?;
        let mut files = BTreeMap::new();
        for line in lines {
            let (hash, rest) = line.split_once(' ')?;
            let (size, path) = rest.split_once(' ')?;
            if hash.len() != 64 || path.is_empty() {
                return None;
            }
            let mut bytes = [0; 32];
            for (i, byte) in bytes.iter_mut().enumerate() {
                *byte = u8::from_str_radix(hash.get(2 * i..2 * i + 2)?, 16).ok()?;
            }
            let entry = Entry {
                hash: bytes,
                size: size.parse().ok()?,
            };
            files.insert(path.to_string(), entry);
        }
        Some(Self { files })
    }
}

/// What differs between two builds of a site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Files in both whose content differs.
    pub changed: Vec<String>,
    /// Files only in the new build.
    pub added: Vec<String>,
    /// Files only in the previous build.
    pub removed: Vec<String>,
    /// How many files are the same in both.
    pub unchanged: usize,
}

impl Changes {
    /// What changed from `old` (nothing, for a first build) to `new`.
    pub fn between(old: Option<&Manifest>, new: &Manifest) -> Self {
        let empty = Manifest::default();
        let old = old.unwrap_or(&empty);
        let mut changes = Self::default();
        for (path, entry) in &new.files {
            match old.files.get(path) {
                None => changes.added.push(path.clone()),
                Some(before) if before != entry => changes.changed.push(path.clone()),
                Some(_) => changes.unchanged += 1,
            }
        }
        changes.removed = old
            .files
            .keys()
            .filter(|path| !new.contains(path))
            .cloned()
            .collect();
        changes
    }

    /// Whether the two builds are the same.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }

    /// "3 files changed, 1 added, 0 removed".
    pub fn summary(&self) -> String {
        let files = if self.changed.len() == 1 {
            "file"
        } else {
            "files"
        };
        format!(
            "{} {files} changed, {} added, {} removed",
            self.changed.len(),
            self.added.len(),
            self.removed.len()
        )
    }

    /// One line per changed, added and removed file: "changed PATH" and so on.
    pub fn lines(&self) -> impl Iterator<Item = String> + '_ {
        fn kind<'a>(word: &'a str, paths: &'a [String]) -> impl Iterator<Item = String> + 'a {
            paths.iter().map(move |p| format!("{word} {p}"))
        }
        kind("changed", &self.changed)
            .chain(kind("added", &self.added))
            .chain(kind("removed", &self.removed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(files: &[(&str, &str)]) -> Manifest {
        Manifest {
            files: files
                .iter()
                .map(|(p, text)| (p.to_string(), Entry::of(text.as_bytes())))
                .collect(),
        }
    }

    #[test]
    fn text_round_trips_and_is_sorted() {
        let m = manifest(&[("b/index.html", "b"), ("a b.css", ""), ("a/x.html", "x")]);
        let text = m.to_text("# made by policyweb\n");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[..2], ["# made by policyweb", FORMAT_LINE]);
        assert_eq!(
            lines[2],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0 a b.css"
        );
        assert!(lines[3].ends_with(" 1 a/x.html") && lines[4].ends_with(" b/index.html"));
        assert_eq!(Manifest::parse(&text), Some(m));
    }

    #[test]
    fn text_that_is_not_a_manifest_gives_none() {
        for text in [
            "This folder was made by policyweb.\n",
            "# policyweb manifest 1\nabc 1 x\n",
            "# policyweb manifest 1\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 x a\n",
            "# policyweb manifest 1\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0\n",
        ] {
            assert_eq!(Manifest::parse(text), None, "{text}");
        }
        assert_eq!(
            Manifest::parse("# policyweb manifest 1\n"),
            Some(Manifest::default())
        );
    }

    #[test]
    fn overlaps_sees_the_path_its_folders_and_its_contents() {
        let m = manifest(&[("policies/a/index.html", ""), ("index.html", "")]);
        for (path, expected) in [
            ("index.html", true),
            ("policies", true),
            ("policies/a", true),
            ("policies/a/index.html/x", true),
            ("index.html/x", true),
            ("policies/b", false),
            ("polic", false),
            ("policies-old/a", false),
            ("notes.txt", false),
        ] {
            assert_eq!(m.overlaps(path), expected, "{path}");
        }
    }

    #[test]
    fn changes_count_changed_added_removed_and_unchanged() {
        let old = manifest(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let new = manifest(&[("a", "1"), ("b", "two"), ("d", "4")]);
        let changes = Changes::between(Some(&old), &new);
        assert_eq!(changes.changed, ["b"]);
        assert_eq!(changes.added, ["d"]);
        assert_eq!(changes.removed, ["c"]);
        assert_eq!(changes.unchanged, 1);
        assert_eq!(changes.summary(), "1 file changed, 1 added, 1 removed");
        assert_eq!(
            changes.lines().collect::<Vec<_>>(),
            ["changed b", "added d", "removed c"]
        );
        let first = Changes::between(None, &new);
        assert_eq!(first.added.len(), 3);
        assert!(Changes::between(Some(&new), &new).is_empty());
    }
}
