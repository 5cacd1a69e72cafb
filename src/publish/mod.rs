//! `policyweb publish`: sends a built site to the school's web host, only the
//! files that differ from what it last published there.
//!
//! The server keeps a manifest beside the site (`.policyweb`, the same format
//! as the output folder's marker). A publish compares the local build's
//! manifest with it, uploads each changed file under a temporary name and
//! renames it into place (so a reader never sees half a page), deletes only
//! files a manifest says policyweb put there, and writes the manifest last.
//! Before the first upload it records everything it may be about to leave on
//! the server (`.policyweb-pending`), so a publish that is interrupted is
//! finished by the next one and never leaves a file that no manifest owns.

mod folder;
mod ftps;
pub mod progress;
mod sftp;
pub mod target;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::manifest::{Entry, Manifest};
use crate::output::MARKER_FILE;
pub use target::{Scheme, Target};

/// The manifest of what was last published, on the server beside the site.
pub const REMOTE_MANIFEST: &str = MARKER_FILE;
/// What a publish in progress may leave on the server; removed when it ends.
pub const REMOTE_PENDING: &str = ".policyweb-pending";

const REMOTE_HEADER: &str = "# This folder was published by policyweb. Files it lists are replaced\n\
# and deleted by the next `policyweb publish`; other files are left alone.\n";

/// A place a site is published to, with paths relative to the site's folder
/// there, `/`-separated.
pub trait Remote {
    /// The bytes of file `path`, or `None` if there is none.
    fn read(&mut self, path: &str) -> io::Result<Option<Vec<u8>>>;
    /// Whether the site's folder is missing or empty.
    fn is_empty(&mut self) -> io::Result<bool>;
    /// Whether anything exists at `path`.
    fn exists(&mut self, path: &str) -> io::Result<bool>;
    /// Stores `bytes` at `path`, creating its folders: written under a
    /// temporary name, then renamed over the old file.
    fn put(&mut self, path: &str, bytes: &[u8]) -> io::Result<()>;
    /// Removes file `path` (no error if it is already gone), then each of its
    /// folders that is left empty.
    fn remove(&mut self, path: &str) -> io::Result<()>;
}

/// What to publish, and where.
#[derive(Debug, Clone)]
pub struct PublishOptions {
    /// The built site (holding policyweb's marker).
    pub from: PathBuf,
    /// Where to.
    pub to: Target,
    /// Only say what would be sent and deleted.
    pub dry_run: bool,
    /// Add an unknown SSH host key to known_hosts instead of refusing it.
    pub accept_new_host_key: bool,
}

/// What a publish sends and deletes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Files to upload, in the order they are sent.
    pub send: Vec<String>,
    /// Files to delete on the server.
    pub delete: Vec<String>,
    /// Files already there as they are here.
    pub unchanged: usize,
    /// The bytes to upload.
    pub bytes: u64,
}

/// What went wrong, in words for the person publishing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishError(pub String);

impl std::fmt::Display for PublishError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PublishError {}

/// Shorthand for a failed publish with `message`.
fn fail<T>(message: impl Into<String>) -> Result<T, PublishError> {
    Err(PublishError(message.into()))
}

/// An I/O error on the server, naming the target and what was being done.
fn remote_error(target: &Target, what: &str, e: &io::Error) -> PublishError {
    PublishError(format!("{}: {what}: {e}", target.display()))
}

/// Whether `path` (from a manifest, which anyone could edit) is a plain
/// relative path of names: no `..`, no leading `/`, nothing empty.
pub fn plain_path(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(['\\', '\n', '\r', '\0'])
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// The manifest of the built site in `dir`.
pub fn local_manifest(dir: &Path) -> Result<Manifest, PublishError> {
    let marker = dir.join(MARKER_FILE);
    let text = match fs::read_to_string(&marker) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return fail(format!(
                "{} is not a site built by policyweb (it has no {MARKER_FILE} file); \
                 build it with `policyweb build`, or leave out --from",
                dir.display()
            ));
        }
        Err(e) => return fail(format!("{}: cannot read: {e}", marker.display())),
    };
    match Manifest::parse(&text) {
        Some(m) if m.files.keys().all(|p| plain_path(p)) => Ok(m),
        _ => fail(format!(
            "{} lists no files (it was built by an older policyweb, or edited); build the site again",
            marker.display()
        )),
    }
}

/// The manifest at `path` on the server, if there is one.
fn remote_manifest(
    remote: &mut dyn Remote,
    target: &Target,
    path: &str,
) -> Result<Option<Manifest>, PublishError> {
    let Some(bytes) = remote
        .read(path)
        .map_err(|e| remote_error(target, &format!("cannot read {path}"), &e))?
    else {
        return Ok(None);
    };
    let manifest = std::str::from_utf8(&bytes).ok().and_then(Manifest::parse);
    match manifest {
        Some(m) if m.files.keys().all(|p| plain_path(p)) => Ok(Some(m)),
        _ => fail(format!(
            "{}: the {path} file there is not a manifest policyweb can read, so policyweb cannot tell \
             its files from anyone else's; ask your web host to restore it, or publish to an empty folder",
            target.display()
        )),
    }
}

/// The order files are sent in: theme files and other assets first, then
/// pages from the deepest folder up, so that a page arrives after the pages
/// and files it links to (the home page last).
fn send_order(path: &str) -> (bool, std::cmp::Reverse<usize>, &str) {
    let page = path.ends_with(".html");
    (page, std::cmp::Reverse(path.matches('/').count()), path)
}

/// What to send and delete to turn the server's `published` site (and
/// whatever an interrupted publish may have left, `pending`) into `local`.
pub fn plan(local: &Manifest, published: Option<&Manifest>, pending: Option<&Manifest>) -> Plan {
    let empty = Manifest::default();
    let published = published.unwrap_or(&empty);
    let mut plan = Plan::default();
    for (path, entry) in &local.files {
        if published.files.get(path) == Some(entry) {
            plan.unchanged += 1;
        } else {
            plan.send.push(path.clone());
            plan.bytes += entry.size;
        }
    }
    plan.send.sort_by(|a, b| send_order(a).cmp(&send_order(b)));
    let mut gone: Vec<String> = published
        .files
        .keys()
        .chain(pending.into_iter().flat_map(|p| p.files.keys()))
        .filter(|path| !local.contains(path))
        .cloned()
        .collect();
    gone.sort();
    gone.dedup();
    plan.delete = gone;
    plan
}

/// Every file in `a` or `b` (the entry of `b` where both list one).
fn union(a: Option<&Manifest>, b: &Manifest) -> Manifest {
    let mut files: BTreeMap<String, Entry> = a.map(|m| m.files.clone()).unwrap_or_default();
    files.extend(b.files.iter().map(|(p, e)| (p.clone(), *e)));
    Manifest { files }
}

/// Reports progress as files are sent.
pub trait Progress {
    /// Called once, before anything is sent: how many files and bytes will be.
    fn start(&mut self, files: usize, bytes: u64);
    /// Called before `path` (of `size` bytes) is sent.
    fn sending(&mut self, path: &str, size: u64);
    /// Called before `path` is deleted.
    fn deleting(&mut self, path: &str);
}

/// Publishes the built site `local_dir` (whose manifest is `local`) to
/// `remote`: the whole protocol, whatever the transport.
pub fn publish_to(
    remote: &mut dyn Remote,
    target: &Target,
    local_dir: &Path,
    local: &Manifest,
    dry_run: bool,
    progress: &mut dyn Progress,
) -> Result<Plan, PublishError> {
    let published = remote_manifest(remote, target, REMOTE_MANIFEST)?;
    let pending = remote_manifest(remote, target, REMOTE_PENDING)?;
    let fresh = published.is_none() && pending.is_none();
    if fresh
        && !remote
            .is_empty()
            .map_err(|e| remote_error(target, "cannot list the folder", &e))?
    {
        return fail(format!(
            "{}: refusing to publish into a folder that is not empty and has no {REMOTE_MANIFEST} file, \
             because policyweb could not tell its files from the ones already there; \
             publish to an empty or new folder (for example add /policies to the address)",
            target.display()
        ));
    }
    let plan = plan(local, published.as_ref(), pending.as_ref());
    // Owned by policyweb on the server: what a manifest there lists.
    let ours = union(published.as_ref(), &pending.clone().unwrap_or_default());
    if !fresh {
        let mut foreign = Vec::new();
        for path in plan.send.iter().filter(|p| !ours.contains(p)) {
            if remote
                .exists(path)
                .map_err(|e| remote_error(target, &format!("cannot look at {path}"), &e))?
            {
                foreign.push(path.as_str());
            }
        }
        if let Some(first) = foreign.first() {
            return fail(format!(
                "{}: refusing to replace {first}{}: policyweb did not put it there (no manifest lists it); \
                 move it away on the server and publish again",
                target.display(),
                match foreign.len() {
                    1 => String::new(),
                    n => format!(" and {} other files", n - 1),
                }
            ));
        }
    }
    if dry_run || (plan.send.is_empty() && plan.delete.is_empty() && pending.is_none()) {
        return Ok(plan);
    }
    let pending_now = union(Some(&ours), local);
    remote
        .put(
            REMOTE_PENDING,
            pending_now.to_text(REMOTE_HEADER).as_bytes(),
        )
        .map_err(|e| remote_error(target, &format!("cannot write {REMOTE_PENDING}"), &e))?;
    send(remote, target, local_dir, local, &plan, progress).map_err(|PublishError(e)| {
        PublishError(format!(
            "{e}; every file there is whole, the old version or the new; run the same command again to finish"
        ))
    })?;
    Ok(plan)
}

/// Uploads and deletes what `plan` says, then writes the manifest.
fn send(
    remote: &mut dyn Remote,
    target: &Target,
    local_dir: &Path,
    local: &Manifest,
    plan: &Plan,
    progress: &mut dyn Progress,
) -> Result<(), PublishError> {
    progress.start(plan.send.len(), plan.bytes);
    for path in &plan.send {
        let entry = local.files[path];
        progress.sending(path, entry.size);
        let file = local_dir.join(path);
        let bytes = fs::read(&file)
            .map_err(|e| PublishError(format!("{}: cannot read: {e}", file.display())))?;
        if Entry::of(&bytes) != entry {
            return fail(format!(
                "{}: changed since the site was built (it no longer matches {MARKER_FILE}); \
                 build again, then publish",
                file.display()
            ));
        }
        remote
            .put(path, &bytes)
            .map_err(|e| remote_error(target, &format!("cannot upload {path}"), &e))?;
    }
    for path in &plan.delete {
        progress.deleting(path);
        remote
            .remove(path)
            .map_err(|e| remote_error(target, &format!("cannot delete {path}"), &e))?;
    }
    remote
        .put(REMOTE_MANIFEST, local.to_text(REMOTE_HEADER).as_bytes())
        .map_err(|e| remote_error(target, &format!("cannot write {REMOTE_MANIFEST}"), &e))?;
    remote
        .remove(REMOTE_PENDING)
        .map_err(|e| remote_error(target, &format!("cannot delete {REMOTE_PENDING}"), &e))
}

/// Connects to `options.to` and publishes the built site in `options.from`.
pub fn publish(
    options: &PublishOptions,
    progress: &mut dyn Progress,
) -> Result<Plan, PublishError> {
    let local = local_manifest(&options.from)?;
    let mut remote = connect(options)?;
    publish_to(
        remote.as_mut(),
        &options.to,
        &options.from,
        &local,
        options.dry_run,
        progress,
    )
}

/// Opens the connection `options.to` names.
fn connect(options: &PublishOptions) -> Result<Box<dyn Remote>, PublishError> {
    let target = &options.to;
    Ok(match target.scheme {
        Scheme::Folder => Box::new(folder::FolderRemote::new(PathBuf::from(&target.path))),
        Scheme::Sftp => Box::new(sftp::SftpRemote::connect(
            target,
            options.accept_new_host_key,
        )?),
        Scheme::Ftps | Scheme::Ftp => ftps::connect(target)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(files: &[(&str, &str)]) -> Manifest {
        Manifest {
            files: files
                .iter()
                .map(|(p, t)| (p.to_string(), Entry::of(t.as_bytes())))
                .collect(),
        }
    }

    #[test]
    fn plain_paths_only() {
        for good in ["index.html", "a/b/c.css", ".policyweb-x", "a b/c"] {
            assert!(plain_path(good), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./x",
            "a/",
            "a\\b",
            "a\nb",
        ] {
            assert!(!plain_path(bad), "{bad}");
        }
    }

    #[test]
    fn the_plan_sends_assets_first_pages_deepest_first_and_deletes_what_manifests_list() {
        let local = manifest(&[
            ("index.html", "home"),
            ("policies/a/index.html", "a2"),
            ("for/staff/a/index.html", "s"),
            ("theme/style.css", "css"),
            ("same.html", "same"),
        ]);
        let published = manifest(&[
            ("same.html", "same"),
            ("policies/a/index.html", "a1"),
            ("old.html", "o"),
        ]);
        let pending = manifest(&[("half.html", "h"), ("same.html", "same")]);
        let plan = plan(&local, Some(&published), Some(&pending));
        assert_eq!(
            plan.send,
            [
                "theme/style.css",
                "for/staff/a/index.html",
                "policies/a/index.html",
                "index.html"
            ]
        );
        assert_eq!(plan.delete, ["half.html", "old.html"]);
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.bytes, 4 + 2 + 1 + 3);
        let first = super::plan(&local, None, None);
        assert_eq!((first.send.len(), first.delete.len()), (5, 0));
    }
}
