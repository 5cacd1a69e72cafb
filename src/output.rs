//! Writing the built site safely: into a temporary folder beside the output,
//! swapped in only when every page was written, and never over a folder that
//! policyweb did not make.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diagnostics::Diagnostic;

/// The file that marks a folder as policyweb's output.
pub const MARKER_FILE: &str = ".policyweb";

const MARKER_TEXT: &str = "This folder was made by policyweb and is replaced on every build.\n\
Do not keep your own files here: edit the site's sources and build again.\n";

/// Somewhere rendered files go: a folder, memory (for `serve`), or nowhere (for `check`).
pub trait Sink: Sync {
    /// Stores `bytes` at `path` (relative, `/`-separated).
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
}

/// Writes files under a folder.
#[derive(Debug)]
pub struct DirSink {
    root: PathBuf,
}

impl DirSink {
    /// A sink writing under `root`, which must exist.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
}

impl Sink for DirSink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let target = self.root.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error(parent, "cannot create folder", &e))?;
        }
        fs::write(&target, bytes).map_err(|e| io_error(&target, "cannot write", &e))
    }
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

/// The fully resolved form of `path`: absolute, with symlinks in the part that
/// exists resolved, so that two spellings of one folder compare equal.
fn resolved(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(real) => {
                let mut full = real;
                for part in rest.iter().rev() {
                    full.push(part);
                }
                return Ok(full);
            }
            Err(_) => match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent;
                }
                _ => return Ok(absolute),
            },
        }
    }
}

/// A build in progress: files go into `staging`, then replace `out`.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    old: PathBuf,
}

impl Staging {
    /// Checks that `out` may be replaced, and creates an empty staging folder beside it.
    pub fn prepare(out: &Path, site: &Path) -> Result<Self, Diagnostic> {
        let refuse = |message: String| Diagnostic::error(out, None, message);
        let out_real =
            resolved(out).map_err(|e| refuse(format!("cannot resolve the output folder: {e}")))?;
        let site_real =
            resolved(site).map_err(|e| refuse(format!("cannot resolve the site folder: {e}")))?;
        if out_real == site_real || site_real.starts_with(&out_real) {
            return Err(refuse(format!(
                "refusing to build into {}: it is the site folder or holds it, and building replaces the whole output folder; choose another --out",
                out_real.display()
            )));
        }
        let is_home = std::env::var_os("HOME")
            .and_then(|h| resolved(Path::new(&h)).ok())
            .is_some_and(|home| home == out_real);
        if out_real.parent().is_none() || is_home {
            return Err(refuse(format!(
                "refusing to build into {}: building replaces the whole output folder",
                out_real.display()
            )));
        }
        match fs::symlink_metadata(&out_real) {
            Ok(meta) if !meta.is_dir() => {
                return Err(refuse(format!(
                    "{} exists and is not a folder",
                    out_real.display()
                )));
            }
            Ok(_) => {
                let mut entries = fs::read_dir(&out_real)
                    .map_err(|e| refuse(format!("cannot read {}: {e}", out_real.display())))?;
                let empty = entries.next().is_none();
                if !empty && !out_real.join(MARKER_FILE).is_file() {
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
        let parent = out_real.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = out_real
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let staging = parent.join(format!(".{name}.policyweb-new"));
        let old = parent.join(format!(".{name}.policyweb-old"));
        fs::create_dir_all(&parent).map_err(|e| io_error(&parent, "cannot create folder", &e))?;
        for leftover in [&staging, &old] {
            if fs::symlink_metadata(leftover).is_ok() {
                fs::remove_dir_all(leftover).map_err(|e| {
                    io_error(leftover, "cannot remove a previous build's leftovers", &e)
                })?;
            }
        }
        fs::create_dir(&staging).map_err(|e| io_error(&staging, "cannot create folder", &e))?;
        fs::write(staging.join(MARKER_FILE), MARKER_TEXT)
            .map_err(|e| io_error(&staging, "cannot write", &e))?;
        Ok(Self {
            out: out_real,
            staging,
            old,
        })
    }

    /// Where files are written until [`Staging::commit`].
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// Replaces the output folder with the staged one.
    pub fn commit(self) -> Result<PathBuf, Diagnostic> {
        let had_old = fs::symlink_metadata(&self.out).is_ok();
        if had_old {
            fs::rename(&self.out, &self.old)
                .map_err(|e| io_error(&self.out, "cannot move the previous build aside", &e))?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.out) {
            if had_old {
                let _ = fs::rename(&self.old, &self.out);
            }
            return Err(io_error(
                &self.out,
                "cannot move the new build into place",
                &e,
            ));
        }
        if had_old {
            fs::remove_dir_all(&self.old)
                .map_err(|e| io_error(&self.old, "cannot remove the previous build", &e))?;
        }
        Ok(self.out.clone())
    }

    /// Throws the staged files away, leaving the output folder as it was.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_the_site_folder_and_its_parents() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir(&site).unwrap();
        for out in [site.clone(), dir.path().to_path_buf(), site.join(".")] {
            let err = Staging::prepare(&out, &site).unwrap_err();
            assert!(err.message.contains("site folder"), "{}", err.message);
        }
    }

    #[test]
    fn refuses_a_foreign_folder_but_replaces_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let out = dir.path().join("out");
        fs::create_dir_all(&site).unwrap();
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("precious.txt"), "mine").unwrap();
        let err = Staging::prepare(&out, &site).unwrap_err();
        assert!(err.message.contains("policyweb did not make it"));
        assert!(out.join("precious.txt").exists());

        fs::remove_file(out.join("precious.txt")).unwrap();
        let staging = Staging::prepare(&out, &site).unwrap();
        DirSink::new(staging.dir())
            .write("a/index.html", b"one")
            .unwrap();
        staging.commit().unwrap();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");

        let staging = Staging::prepare(&out, &site).unwrap();
        DirSink::new(staging.dir())
            .write("b/index.html", b"two")
            .unwrap();
        staging.commit().unwrap();
        assert!(!out.join("a/index.html").exists());
        assert!(out.join(MARKER_FILE).is_file());

        let staging = Staging::prepare(&out, &site).unwrap();
        staging.abandon();
        assert!(out.join("b/index.html").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 2, "only site and out remain");
    }
}
