//! Writing the built site safely: into a temporary folder beside the output,
//! swapped in only when every page was written, and never over a folder that
//! policyweb did not make.
//!
//! A rebuild costs what changed: a file whose bytes equal the previous
//! build's (by the [`Manifest`] in the output's marker file) is hard-linked
//! from the previous build into the staging folder instead of written, so it
//! keeps its modification time and an upload tool sees it unchanged. Files
//! in the output that the manifest does not list are someone else's: each
//! build carries them over into the new output instead of deleting them.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::diagnostics::Diagnostic;
use crate::manifest::{Changes, Entry, Manifest};

/// The file that marks a folder as policyweb's output, and lists its files.
pub const MARKER_FILE: &str = ".policyweb";

const MARKER_TEXT: &str = "# This folder was made by policyweb and is replaced on every build.\n\
# Do not edit its files: edit the site's sources and build again. Files you add\n\
# are kept. Below, each file policyweb wrote: its SHA-256, size and path.\n";

/// Somewhere rendered files go: a folder, memory (for `serve`), or nowhere (for `check`).
pub trait Sink: Sync {
    /// Stores `bytes` at `path` (relative, `/`-separated).
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
}

/// A previous build that a [`DirSink`] takes unchanged files from.
#[derive(Debug)]
pub struct Previous {
    /// Its folder.
    pub dir: PathBuf,
    /// What it wrote.
    pub manifest: Manifest,
    /// When its marker was written: a file of it modified later was edited
    /// by someone since.
    pub finished: SystemTime,
}

/// Writes files under a folder, listing each in a [`Manifest`].
#[derive(Debug)]
pub struct DirSink {
    root: PathBuf,
    /// A previous build to take unchanged files from.
    previous: Option<Previous>,
    written: Mutex<Manifest>,
}

impl DirSink {
    /// A sink writing under `root`, which must exist.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            previous: None,
            written: Mutex::default(),
        }
    }

    /// A sink writing under `root` that hard-links each file whose bytes
    /// equal the one at the same path in the `previous` build, as its
    /// manifest lists it, instead of writing it again.
    pub fn reusing(root: impl Into<PathBuf>, previous: Previous) -> Self {
        Self {
            previous: Some(previous),
            ..Self::new(root)
        }
    }

    /// Every file written so far.
    pub fn manifest(&self) -> Manifest {
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Hard-links the previous build's copy of `relative` to `target` if it
    /// is listed with `entry` and still looks so on disk. `Ok(false)` when
    /// the file must be written instead (changed, new, or the file system
    /// has no hard links).
    fn link_unchanged(
        &self,
        path: &str,
        relative: &Path,
        target: &Path,
        entry: &Entry,
    ) -> io::Result<bool> {
        let Some(previous) = &self.previous else {
            return Ok(false);
        };
        if previous.manifest.files.get(path) != Some(entry) {
            return Ok(false);
        }
        let source = previous.dir.join(relative);
        let untouched = fs::symlink_metadata(&source).is_ok_and(|m| {
            m.file_type().is_file()
                && m.len() == entry.size
                && m.modified().is_ok_and(|t| t <= previous.finished)
        });
        if !untouched {
            return Ok(false);
        }
        match fs::hard_link(&source, target) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
            Err(_) => Ok(false),
        }
    }
}

impl Sink for DirSink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let relative = safe_relative(path).ok_or_else(|| {
            Diagnostic::error(
                path,
                None,
                "refusing to write outside the output folder (a page's address must be a plain relative path)",
            )
        })?;
        let target = self.root.join(relative);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error(parent, "cannot create folder", &e))?;
        }
        // A fresh staging folder holds nothing yet, so a file that exists was
        // written by another page of this build: two sources, one address.
        let twice = |e: io::Error| match e.kind() {
            io::ErrorKind::AlreadyExists => Diagnostic::error(
                path,
                None,
                "two pages of the site would be written to this address",
            ),
            _ => io_error(&target, "cannot write", &e),
        };
        let entry = Entry::of(bytes);
        if !self
            .link_unchanged(path, relative, &target, &entry)
            .map_err(twice)?
        {
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&target)
                .map_err(twice)?;
            file.write_all(bytes)
                .map_err(|e| io_error(&target, "cannot write", &e))?;
        }
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        written.files.insert(path.to_string(), entry);
        Ok(())
    }
}

/// `path` as a relative path of plain names, or `None` if it is empty,
/// absolute, or climbs with `..`.
fn safe_relative(path: &str) -> Option<&Path> {
    let p = Path::new(path);
    let plain = !path.is_empty()
        && !path.contains(['\\', '\n', '\r'])
        && p.components().all(|c| matches!(c, Component::Normal(_)));
    plain.then_some(p)
}

/// Keeps files in memory, by path.
#[derive(Debug, Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything written, by path.
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// Discards everything (for `check`, which renders only to find errors).
#[derive(Debug, Default)]
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, _path: &str, _bytes: &[u8]) -> Result<(), Diagnostic> {
        Ok(())
    }
}

fn io_error(path: &Path, what: &str, error: &io::Error) -> Diagnostic {
    Diagnostic::error(path, None, format!("{what}: {error}"))
}

/// The fully resolved form of `path`: absolute, with every symlink and `..`
/// resolved as the system would, so that two spellings of one folder compare
/// equal. Parts that do not exist yet are kept as written; a `..` after one
/// of them cannot be judged, so it is an error.
fn resolved(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut real = PathBuf::new();
    let mut missing = false;
    for part in absolute.components() {
        match part {
            Component::Prefix(_) | Component::RootDir => real.push(part.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir if missing => {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!(
                        "{} does not exist, so \"..\" after it has no meaning",
                        real.display()
                    ),
                ));
            }
            Component::ParentDir => {
                real.pop();
            }
            Component::Normal(name) => {
                real.push(name);
                if !missing {
                    match real.canonicalize() {
                        Ok(canonical) => real = canonical,
                        Err(_) => missing = true,
                    }
                }
            }
        }
    }
    Ok(real)
}

/// Names at the top of an output folder whose marker lists no files (a
/// build by a policyweb older than manifests) that are carried over into the
/// new build: a `.git` folder (or file) someone put there to publish with git.
/// With a manifest, everything it does not list is carried over.
pub const KEPT_NAMES: [&str; 1] = [".git"];

/// The folders in a site that hold its sources: an output folder inside one
/// would be read back as sources by the next build.
const SOURCE_FOLDERS: [&str; 6] = ["policies", "pages", "archive", "data", "templates", "theme"];

/// A build in progress: files go into `staging`, then replace `out`.
///
/// While it exists it holds a lock on a file beside the output folder, so a
/// second build (or anything else using `Staging`) writing to the same folder
/// is turned away instead of mixing two trees.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    sink: DirSink,
    /// What the build in `out` wrote, when its marker lists it.
    previous: Option<Manifest>,
    _lock: fs::File,
}

/// What a committed build did to the output folder.
#[derive(Debug)]
pub struct Committed {
    /// The output folder, resolved.
    pub out: PathBuf,
    /// What differs from the previous build there.
    pub changes: Changes,
}

/// The folders beside `out` that a build uses: (staging, old, lock file).
fn siblings(out: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let parent = out.parent().unwrap_or(Path::new("/"));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    (
        parent.join(format!(".{name}.policyweb-new")),
        parent.join(format!(".{name}.policyweb-old")),
        parent.join(format!(".{name}.policyweb-lock")),
    )
}

/// Why `out` may not be an output folder at all. Every path is resolved;
/// `cwd` is the current folder and `home` the user's home folder, if known.
fn refusal(out: &Path, site: &Path, cwd: Option<&Path>, home: Option<&Path>) -> Option<String> {
    let holds = |other: Option<&Path>| other.is_some_and(|o| o.starts_with(out));
    let why = if out.parent().is_none() {
        "it is the root of the file system"
    } else if holds(Some(site)) {
        "it is the site folder or holds it"
    } else if holds(cwd) {
        "it is the current folder or holds it"
    } else if holds(home) {
        "it is your home folder or holds it"
    } else {
        let inside = SOURCE_FOLDERS
            .iter()
            .find(|name| out.starts_with(site.join(name)))?;
        return Some(format!(
            "it is inside the site's {inside} folder, whose files the build reads"
        ));
    };
    Some(why.to_string())
}

/// Whether `dir` is empty or holds policyweb's marker.
fn made_by_policyweb(dir: &Path) -> io::Result<bool> {
    Ok(fs::read_dir(dir)?.next().is_none() || dir.join(MARKER_FILE).is_file())
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// The manifest in the marker of folder `dir`, if it has one.
fn read_manifest(dir: &Path) -> Option<Manifest> {
    let text = fs::read_to_string(dir.join(MARKER_FILE)).ok()?;
    Manifest::parse(&text)
}

impl Staging {
    /// Checks that `out` may be replaced, takes the output lock, cleans up
    /// after a build that was killed, and creates an empty staging folder
    /// beside `out`.
    pub fn prepare(out: &Path, site: &Path) -> Result<Self, Diagnostic> {
        let refuse = |message: String| Diagnostic::error(out, None, message);
        let out_real =
            resolved(out).map_err(|e| refuse(format!("cannot resolve the output folder: {e}")))?;
        let site_real =
            resolved(site).map_err(|e| refuse(format!("cannot resolve the site folder: {e}")))?;
        let cwd = resolved(Path::new(".")).ok();
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .and_then(|h| resolved(Path::new(&h)).ok());
        if let Some(why) = refusal(&out_real, &site_real, cwd.as_deref(), home.as_deref()) {
            return Err(refuse(format!(
                "refusing to build into {}: {why}, and building replaces the whole output folder; choose another folder with --out",
                out_real.display()
            )));
        }
        let (staging, old, lock_path) = siblings(&out_real);
        let parent = out_real.parent().unwrap_or(Path::new("/"));
        fs::create_dir_all(parent).map_err(|e| io_error(parent, "cannot create folder", &e))?;
        let lock = lock(&lock_path, &out_real)?;
        recover(&out_real, &old)?;
        match fs::symlink_metadata(&out_real) {
            Ok(meta) if !meta.is_dir() => {
                return Err(refuse(format!(
                    "{} exists and is not a folder",
                    out_real.display()
                )));
            }
            Ok(_) => {
                let ours = made_by_policyweb(&out_real)
                    .map_err(|e| refuse(format!("cannot read {}: {e}", out_real.display())))?;
                if !ours {
                    return Err(refuse(format!(
                        "refusing to replace {}: it is not empty and policyweb did not make it (no {MARKER_FILE} file); \
                         choose an empty or new folder with --out",
                        out_real.display()
                    )));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(refuse(format!("cannot use {}: {e}", out_real.display()))),
        }
        for leftover in [&staging, &old] {
            remove_leftover(leftover, &out_real)?;
        }
        fs::create_dir(&staging).map_err(|e| io_error(&staging, "cannot create folder", &e))?;
        fs::write(staging.join(MARKER_FILE), MARKER_TEXT)
            .map_err(|e| io_error(&staging.join(MARKER_FILE), "cannot write", &e))?;
        let previous = read_manifest(&out_real);
        let finished = fs::metadata(out_real.join(MARKER_FILE)).and_then(|m| m.modified());
        let sink = match (&previous, finished) {
            (Some(manifest), Ok(finished)) => DirSink::reusing(
                &staging,
                Previous {
                    dir: out_real.clone(),
                    manifest: manifest.clone(),
                    finished,
                },
            ),
            _ => DirSink::new(&staging),
        };
        Ok(Self {
            out: out_real,
            staging,
            old,
            sink,
            previous,
            _lock: lock,
        })
    }

    /// Where files are written until [`Staging::commit`].
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// The sink that writes into the staging folder, taking unchanged files
    /// from the previous build.
    pub fn sink(&self) -> &DirSink {
        &self.sink
    }

    /// Writes the marker with the manifest of everything written, and
    /// replaces the output folder with the staged one, carrying over every
    /// file of the previous output that policyweb did not make.
    pub fn commit(self) -> Result<Committed, Diagnostic> {
        let manifest = self.sink.manifest();
        if let Err(e) = self.write_marker(&manifest) {
            let _ = fs::remove_dir_all(&self.staging);
            return Err(e);
        }
        let had_old = exists(&self.out);
        let foreign = match had_old {
            true => foreign(&self.out, self.previous.as_ref(), &manifest),
            false => Ok(Vec::new()),
        };
        let clash = |path: &Path| path.to_str().is_some_and(|p| manifest.overlaps(p));
        let foreign = match foreign {
            Ok(foreign) => match foreign.iter().find(|f| clash(f)) {
                None => foreign,
                Some(f) => {
                    let _ = fs::remove_dir_all(&self.staging);
                    return Err(Diagnostic::error(
                        self.out.join(f),
                        None,
                        "policyweb did not make this, and the new build has a page at this address; \
                         move it out of the output folder and build again",
                    ));
                }
            },
            Err(e) => {
                let _ = fs::remove_dir_all(&self.staging);
                return Err(io_error(&self.out, "cannot read the previous build", &e));
            }
        };
        if had_old && let Err(e) = fs::rename(&self.out, &self.old) {
            let _ = fs::remove_dir_all(&self.staging);
            return Err(io_error(
                &self.out,
                "cannot move the previous build aside",
                &e,
            ));
        }
        if let Err(e) = fs::rename(&self.staging, &self.out) {
            if had_old {
                let _ = fs::rename(&self.old, &self.out);
            }
            let _ = fs::remove_dir_all(&self.staging);
            return Err(io_error(
                &self.out,
                "cannot move the new build into place",
                &e,
            ));
        }
        if had_old {
            carry_over(&self.old, &self.out, &foreign)?;
            // A folder that cannot be removed now is removed by the next build.
            let _ = fs::remove_dir_all(&self.old);
        }
        Ok(Committed {
            changes: Changes::between(self.previous.as_ref(), &manifest),
            out: self.out,
        })
    }

    /// Writes the marker listing `manifest` into the staging folder, or
    /// hard-links the previous build's when it says the same.
    fn write_marker(&self, manifest: &Manifest) -> Result<(), Diagnostic> {
        let marker = self.staging.join(MARKER_FILE);
        let text = manifest.to_text(MARKER_TEXT);
        let previous = self.out.join(MARKER_FILE);
        if fs::read(&previous).is_ok_and(|old| old == text.as_bytes())
            && fs::remove_file(&marker).is_ok()
            && fs::hard_link(&previous, &marker).is_ok()
        {
            return Ok(());
        }
        let _ = fs::remove_file(&marker);
        fs::write(&marker, text).map_err(|e| io_error(&marker, "cannot write", &e))
    }

    /// Throws the staged files away, leaving the output folder as it was.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
}

/// Takes the lock of output folder `out` (held until the file is closed).
fn lock(path: &Path, out: &Path) -> Result<fs::File, Diagnostic> {
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| io_error(path, "cannot create the lock file", &e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(Diagnostic::error(
            out,
            None,
            format!(
                "another policyweb build is writing to {}; try again when it has finished",
                out.display()
            ),
        )),
        Err(fs::TryLockError::Error(e)) => Err(io_error(path, "cannot lock", &e)),
    }
}

/// Puts the previous build back if a build was killed between moving it
/// aside and moving the new one in.
fn recover(out: &Path, old: &Path) -> Result<(), Diagnostic> {
    if !exists(out) && old.join(MARKER_FILE).is_file() {
        fs::rename(old, out).map_err(|e| io_error(old, "cannot restore the previous build", &e))?;
    }
    Ok(())
}

/// The entries of built folder `dir` that policyweb did not make, relative to
/// it: with `made` (its manifest), every file it does not list and every
/// folder holding none it or `next` (the build that replaces it) lists;
/// without, the [`KEPT_NAMES`] there.
fn foreign(dir: &Path, made: Option<&Manifest>, next: &Manifest) -> io::Result<Vec<PathBuf>> {
    let Some(made) = made else {
        return Ok(KEPT_NAMES
            .iter()
            .map(PathBuf::from)
            .filter(|name| exists(&dir.join(name)))
            .collect());
    };
    let mut found = Vec::new();
    let mut folders = vec![String::new()];
    while let Some(folder) = folders.pop() {
        let mut entries = fs::read_dir(dir.join(&folder))?.collect::<io::Result<Vec<_>>>()?;
        entries.sort_by_key(fs::DirEntry::file_name);
        for entry in entries {
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                // policyweb writes only UTF-8 names.
                found.push(Path::new(&folder).join(entry.file_name()));
                continue;
            };
            let path = match folder.is_empty() {
                true => name.to_string(),
                false => format!("{folder}/{name}"),
            };
            let kind = entry.file_type()?;
            if path == MARKER_FILE || (kind.is_file() && made.contains(&path)) {
                continue;
            }
            if kind.is_dir() && (made.has_files_under(&path) || next.has_files_under(&path)) {
                folders.push(path);
            } else {
                found.push(PathBuf::from(path));
            }
        }
    }
    Ok(found)
}

/// Moves each of `names` (relative paths) from `from` into `to`, unless `to`
/// has its own, in which case it stays in `from`.
fn carry_over(from: &Path, to: &Path, names: &[PathBuf]) -> Result<(), Diagnostic> {
    for name in names {
        let (source, target) = (from.join(name), to.join(name));
        if exists(&source) && !exists(&target) {
            let moved = match target.parent() {
                Some(parent) => fs::create_dir_all(parent),
                None => Ok(()),
            }
            .and_then(|()| fs::rename(&source, &target));
            moved.map_err(|e| {
                io_error(
                    &source,
                    &format!(
                        "cannot move {} into the new build (policyweb did not make it, so it is kept)",
                        name.display()
                    ),
                    &e,
                )
            })?;
        }
    }
    Ok(())
}

/// Removes a staging or old folder left by a build that was killed, after
/// carrying over anything in it that policyweb did not make. Refuses a
/// folder policyweb did not make.
fn remove_leftover(leftover: &Path, out: &Path) -> Result<(), Diagnostic> {
    let Ok(meta) = fs::symlink_metadata(leftover) else {
        return Ok(());
    };
    if !meta.is_dir() || !made_by_policyweb(leftover).unwrap_or(false) {
        return Err(Diagnostic::error(
            leftover,
            None,
            "is in the way of the build and policyweb did not make it; move it elsewhere",
        ));
    }
    let next = read_manifest(out).unwrap_or_default();
    let foreign = foreign(leftover, read_manifest(leftover).as_ref(), &next)
        .map_err(|e| io_error(leftover, "cannot read a previous build's leftovers", &e))?;
    if exists(out) {
        carry_over(leftover, out, &foreign)?;
    }
    if let Some(kept) = foreign.iter().find(|n| exists(&leftover.join(n))) {
        return Err(Diagnostic::error(
            leftover,
            None,
            format!(
                "holds {} left by a build that was stopped, and {} has one too; move one of them yourself",
                kept.display(),
                out.display()
            ),
        ));
    }
    fs::remove_dir_all(leftover)
        .map_err(|e| io_error(leftover, "cannot remove a previous build's leftovers", &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site folder and an output folder beside it, in a fresh temp folder.
    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir(&site).unwrap();
        let out = dir.path().join("out");
        (dir, site, out)
    }

    fn publish(out: &Path, site: &Path, files: &[(&str, &str)]) -> PathBuf {
        let staging = Staging::prepare(out, site).unwrap();
        for (path, text) in files {
            staging.sink().write(path, text.as_bytes()).unwrap();
        }
        staging.commit().unwrap().out
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn dangerous_output_folders_are_refused() {
        let p = Path::new;
        let cases = [
            ("/", "/s", None, None, Some("root of the file system")),
            ("/a/s", "/a/s", None, None, Some("site folder")),
            ("/a", "/a/s", None, None, Some("site folder")),
            ("/a/w", "/a/s", Some("/a/w"), None, Some("current folder")),
            ("/a", "/b/s", Some("/a/w"), None, Some("current folder")),
            ("/h", "/b/s", Some("/b"), Some("/h"), Some("home folder")),
            ("/home", "/b/s", None, Some("/home/me"), Some("home folder")),
            ("/a/s/public", "/a/s", Some("/a/s"), Some("/h"), None),
            ("/a/out", "/a/s", Some("/a"), Some("/a"), None),
            (
                "/a/s/policies/out",
                "/a/s",
                None,
                None,
                Some("inside the site's policies folder"),
            ),
            (
                "/a/s/theme",
                "/a/s",
                None,
                None,
                Some("inside the site's theme folder"),
            ),
            ("/a/s/themes", "/a/s", None, None, None),
        ];
        for (out, site, cwd, home, expected) in cases {
            let why = refusal(p(out), p(site), cwd.map(p), home.map(p));
            match (why, expected) {
                (Some(why), Some(text)) => assert!(why.contains(text), "{out}: {why}"),
                (None, None) => {}
                other => panic!("{out}: {other:?}"),
            }
        }
    }

    #[test]
    fn refusals_name_the_resolved_path_and_touch_nothing() {
        let (dir, site, _) = setup();
        fs::write(site.join("site.toml"), "x").unwrap();
        fs::create_dir(site.join("sub")).unwrap();
        for out in [
            site.clone(),
            dir.path().to_path_buf(),
            site.join("."),
            site.join("sub/.."),
        ] {
            let err = Staging::prepare(&out, &site).unwrap_err();
            let real = site.canonicalize().unwrap();
            assert!(err.message.contains("site folder"), "{}", err.message);
            assert!(
                err.message.contains(&real.display().to_string())
                    || err
                        .message
                        .contains(&real.parent().unwrap().display().to_string()),
                "{}",
                err.message
            );
        }
        let err = Staging::prepare(Path::new("."), &site).unwrap_err();
        assert!(err.message.contains("current folder"), "{}", err.message);
        let err = Staging::prepare(Path::new("/"), &site).unwrap_err();
        assert!(
            err.message
                .contains("refusing to build into /: it is the root"),
            "{}",
            err.message
        );
        assert_eq!(names(dir.path()), ["site"]);
        assert_eq!(names(&site), ["site.toml", "sub"]);
        let err = Staging::prepare(&site.join("nothing/../.."), &site).unwrap_err();
        assert!(err.message.contains("has no meaning"), "{}", err.message);
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_output_folder_is_judged_by_its_real_path() {
        let (dir, site, _) = setup();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&site, &link).unwrap();
        let err = Staging::prepare(&link, &site).unwrap_err();
        let real = site.canonicalize().unwrap();
        assert!(
            err.message.starts_with(&format!(
                "refusing to build into {}: it is the site folder",
                real.display()
            )),
            "{}",
            err.message
        );

        let real_out = dir.path().join("real-out");
        fs::create_dir(&real_out).unwrap();
        let link = dir.path().join("out-link");
        std::os::unix::fs::symlink(&real_out, &link).unwrap();
        publish(&link, &site, &[("index.html", "new")]);
        assert_eq!(fs::read_to_string(link.join("index.html")).unwrap(), "new");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn refuses_a_foreign_folder_but_replaces_its_own() {
        let (dir, site, out) = setup();
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("precious.txt"), "mine").unwrap();
        let err = Staging::prepare(&out, &site).unwrap_err();
        assert!(err.message.contains("policyweb did not make it"));
        assert!(out.join("precious.txt").exists());

        fs::remove_file(out.join("precious.txt")).unwrap();
        publish(&out, &site, &[("a/index.html", "one")]);
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");

        publish(&out, &site, &[("b/index.html", "two")]);
        assert!(!out.join("a/index.html").exists());
        assert!(out.join(MARKER_FILE).is_file());

        let staging = Staging::prepare(&out, &site).unwrap();
        staging.abandon();
        assert!(out.join("b/index.html").exists());
        assert_eq!(names(dir.path()), [".out.policyweb-lock", "out", "site"]);
    }

    #[test]
    fn git_in_the_output_is_carried_into_each_build() {
        let (_dir, site, out) = setup();
        publish(&out, &site, &[("index.html", "one")]);
        fs::create_dir_all(out.join(".git/objects")).unwrap();
        fs::write(out.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
        publish(&out, &site, &[("index.html", "two")]);
        assert_eq!(
            fs::read_to_string(out.join(".git/HEAD")).unwrap(),
            "ref: refs/heads/main\n"
        );
        assert!(out.join(".git/objects").is_dir());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");

        fs::remove_dir_all(out.join(".git")).unwrap();
        fs::write(out.join(".git"), "gitdir: ../repo/.git/worktrees/out\n").unwrap();
        publish(&out, &site, &[("index.html", "three")]);
        assert_eq!(
            fs::read_to_string(out.join(".git")).unwrap(),
            "gitdir: ../repo/.git/worktrees/out\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_in_the_old_output_are_kept_as_links_not_followed() {
        let (dir, site, out) = setup();
        let elsewhere = dir.path().join("elsewhere");
        fs::create_dir(&elsewhere).unwrap();
        fs::write(elsewhere.join("canary.txt"), "alive").unwrap();
        publish(&out, &site, &[("index.html", "one")]);
        std::os::unix::fs::symlink(&elsewhere, out.join("linked-folder")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("canary.txt"), out.join("linked-file")).unwrap();
        publish(&out, &site, &[("index.html", "two")]);
        assert_eq!(names(&elsewhere), ["canary.txt"]);
        assert_eq!(
            fs::read_to_string(elsewhere.join("canary.txt")).unwrap(),
            "alive"
        );
        for link in ["linked-folder", "linked-file"] {
            let meta = fs::symlink_metadata(out.join(link)).unwrap();
            assert!(meta.file_type().is_symlink(), "{link}");
        }

        // A link put where policyweb writes a page is not replaced either.
        fs::remove_file(out.join("index.html")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("canary.txt"), out.join("index.html")).unwrap();
        let staging = Staging::prepare(&out, &site).unwrap();
        staging.sink().write("index.html", b"three").unwrap();
        let err = staging.commit().unwrap_err();
        assert!(
            err.to_string().ends_with(
                "out/index.html: error: policyweb did not make this, and the new build has a page at this address; \
                 move it out of the output folder and build again"
            ),
            "{err}"
        );
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "alive");
        assert_eq!(
            names(dir.path()),
            [".out.policyweb-lock", "elsewhere", "out", "site"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_the_previous_builds_own_and_changes_are_counted() {
        use std::os::unix::fs::MetadataExt;
        let (_dir, site, out) = setup();
        let first = [("a/index.html", "a"), ("b/index.html", "b"), ("c.css", "c")];
        publish(&out, &site, &first);
        let before = |p: &str| fs::metadata(out.join(p)).unwrap();
        let (a, b) = (before("a/index.html"), before("b/index.html"));
        let marker = fs::read(out.join(MARKER_FILE)).unwrap();

        let staging = Staging::prepare(&out, &site).unwrap();
        for (path, text) in [("a/index.html", "a"), ("b/index.html", "B!"), ("d.js", "d")] {
            staging.sink().write(path, text.as_bytes()).unwrap();
        }
        let committed = staging.commit().unwrap();
        let changes = &committed.changes;
        assert_eq!(changes.summary(), "1 file changed, 1 added, 1 removed");
        assert_eq!(
            (changes.changed.clone(), changes.unchanged),
            (vec!["b/index.html".to_string()], 1)
        );
        let after = fs::metadata(out.join("a/index.html")).unwrap();
        assert_eq!(
            (after.ino(), after.mtime_nsec(), after.mtime()),
            (a.ino(), a.mtime_nsec(), a.mtime())
        );
        assert_ne!(
            fs::metadata(out.join("b/index.html")).unwrap().ino(),
            b.ino()
        );
        assert_eq!(fs::read_to_string(out.join("b/index.html")).unwrap(), "B!");
        assert!(!exists(&out.join("c.css")));

        // The same files again give the same marker, byte for byte.
        publish(&out, &site, &first);
        assert_eq!(fs::read(out.join(MARKER_FILE)).unwrap(), marker);
        let manifest = read_manifest(&out).unwrap();
        assert_eq!(
            manifest.files.keys().collect::<Vec<_>>(),
            ["a/index.html", "b/index.html", "c.css"]
        );

        // A built file edited by hand is written again, not linked, even
        // when the edit keeps its size.
        for edit in ["edited", "C"] {
            std::thread::sleep(std::time::Duration::from_millis(20));
            fs::write(out.join("c.css"), edit).unwrap();
            let edited = before("c.css").ino();
            publish(&out, &site, &first);
            assert_eq!(fs::read_to_string(out.join("c.css")).unwrap(), "c");
            assert_ne!(before("c.css").ino(), edited, "{edit}");
        }
    }

    #[test]
    fn files_policyweb_did_not_make_are_carried_into_each_build() {
        let (dir, site, out) = setup();
        publish(&out, &site, &[("a/index.html", "a"), ("index.html", "i")]);
        fs::write(out.join("a/notes.txt"), "mine").unwrap();
        fs::create_dir_all(out.join("downloads/2026")).unwrap();
        fs::write(out.join("downloads/2026/letter.pdf"), "pdf").unwrap();
        publish(&out, &site, &[("index.html", "i2")]);
        assert_eq!(fs::read_to_string(out.join("a/notes.txt")).unwrap(), "mine");
        assert_eq!(
            fs::read_to_string(out.join("downloads/2026/letter.pdf")).unwrap(),
            "pdf"
        );
        assert!(!exists(&out.join("a/index.html")));
        publish(&out, &site, &[("a/index.html", "a"), ("index.html", "i")]);
        assert_eq!(fs::read_to_string(out.join("a/notes.txt")).unwrap(), "mine");

        // A page beside someone's folder is fine; a page where someone's
        // file stands is refused, and nothing moves.
        publish(
            &out,
            &site,
            &[("downloads/index.html", "d"), ("index.html", "i")],
        );
        assert_eq!(
            fs::read_to_string(out.join("downloads/2026/letter.pdf")).unwrap(),
            "pdf"
        );
        let staging = Staging::prepare(&out, &site).unwrap();
        staging.sink().write("a/notes.txt", b"x").unwrap();
        let err = staging.commit().unwrap_err();
        assert!(
            err.to_string()
                .contains("out/a/notes.txt: error: policyweb did not make this"),
            "{err}"
        );
        assert_eq!(
            fs::read_to_string(out.join("downloads/2026/letter.pdf")).unwrap(),
            "pdf"
        );
        assert_eq!(fs::read_to_string(out.join("a/notes.txt")).unwrap(), "mine");
        assert_eq!(
            fs::read_to_string(out.join("downloads/index.html")).unwrap(),
            "d"
        );
        assert_eq!(names(dir.path()), [".out.policyweb-lock", "out", "site"]);
    }

    #[test]
    fn an_output_without_a_manifest_is_written_in_full_keeping_git() {
        let (_dir, site, out) = setup();
        fs::create_dir_all(out.join(".git")).unwrap();
        fs::write(
            out.join(MARKER_FILE),
            "This folder was made by policyweb.\n",
        )
        .unwrap();
        fs::write(out.join("old.html"), "old").unwrap();
        let staging = Staging::prepare(&out, &site).unwrap();
        staging.sink().write("index.html", b"new").unwrap();
        let committed = staging.commit().unwrap();
        assert_eq!(
            committed.changes.summary(),
            "0 files changed, 1 added, 0 removed"
        );
        assert_eq!(names(&out), [".git", MARKER_FILE, "index.html"]);
    }

    #[test]
    fn a_second_build_is_refused_while_the_first_holds_the_lock() {
        let (_dir, site, out) = setup();
        publish(&out, &site, &[("index.html", "one")]);
        let first = Staging::prepare(&out, &site).unwrap();
        let err = Staging::prepare(&out, &site).unwrap_err();
        assert_eq!(
            err.message,
            format!(
                "another policyweb build is writing to {}; try again when it has finished",
                out.canonicalize().unwrap().display()
            )
        );
        assert!(
            first.dir().is_dir(),
            "the second build left the first's staging alone"
        );
        first.commit().unwrap();
        publish(&out, &site, &[("index.html", "two")]);
    }

    #[test]
    fn leftovers_of_a_killed_build_are_cleaned_up_or_restored() {
        let (dir, site, out) = setup();
        publish(&out, &site, &[("index.html", "one")]);
        let (staging, old, _) = siblings(&out.canonicalize().unwrap());

        // Killed while writing: a half-written staging folder.
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join(MARKER_FILE), MARKER_TEXT).unwrap();
        fs::write(staging.join("half.html"), "<p").unwrap();
        // Killed between the two renames: the previous site is aside, with its .git.
        fs::rename(&out, &old).unwrap();
        fs::create_dir(old.join(".git")).unwrap();
        publish(&out, &site, &[("index.html", "two")]);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(out.join(".git").is_dir());
        assert_eq!(names(dir.path()), [".out.policyweb-lock", "out", "site"]);

        // Killed after the swap, before .git moved across.
        fs::create_dir(&old).unwrap();
        fs::write(old.join(MARKER_FILE), MARKER_TEXT).unwrap();
        fs::rename(out.join(".git"), old.join(".git")).unwrap();
        publish(&out, &site, &[("index.html", "three")]);
        assert!(out.join(".git").is_dir());
        assert!(!exists(&old));
    }

    #[test]
    fn a_foreign_file_in_the_staging_place_is_not_deleted() {
        let (_dir, site, out) = setup();
        let (staging, _, _) = siblings(&resolved(&out).unwrap());
        fs::write(&staging, "someone's notes").unwrap();
        let err = Staging::prepare(&out, &site).unwrap_err();
        assert!(
            err.to_string()
                .contains("policyweb-new: error: is in the way"),
            "{err}"
        );
        assert_eq!(fs::read_to_string(&staging).unwrap(), "someone's notes");
    }

    #[test]
    fn the_dir_sink_stays_inside_and_refuses_two_pages_at_one_address() {
        let dir = tempfile::tempdir().unwrap();
        let sink = DirSink::new(dir.path().join("root"));
        for bad in ["", "/etc/x", "../x", "a/../../x", "a\\..\\x", "./x"] {
            let err = sink.write(bad, b"x").unwrap_err();
            assert!(
                err.message.starts_with("refusing to write outside"),
                "{bad}"
            );
        }
        sink.write("a/b.html", b"1").unwrap();
        let err = sink.write("a/b.html", b"2").unwrap_err();
        assert_eq!(
            err.to_string(),
            "a/b.html: error: two pages of the site would be written to this address"
        );
        assert_eq!(fs::read(dir.path().join("root/a/b.html")).unwrap(), b"1");
        assert_eq!(names(dir.path()), ["root"]);
    }
}
