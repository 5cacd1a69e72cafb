//! Watching the site folder: a change to anything the site is built from
//! (site.toml, policies, pages, data, templates, theme) starts one rebuild
//! once the folder has been quiet for [`QUIET`], however many files changed.
//! Editors' temporary and swap files are ignored.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::source::is_editor_temp;

/// How long the folder must be still before a rebuild starts.
pub const QUIET: Duration = Duration::from_millis(100);
/// The longest a rebuild waits for the folder to be still.
const PATIENCE: Duration = Duration::from_secs(1);

/// The folders of a site whose files the build reads.
const SOURCE_FOLDERS: &[&str] = &["policies", "pages", "data", "templates", "theme"];

/// Calls `rebuild` after each burst of changes to the site in `root`, on a
/// thread of its own, for as long as the returned watcher is kept.
pub fn watch(
    root: &Path,
    rebuild: impl FnMut() + Send + 'static,
) -> notify::Result<RecommendedWatcher> {
    let root = root.canonicalize().map_err(notify::Error::io)?;
    let (changes, bursts) = mpsc::channel();
    let filter_root = root.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
        let relevant = match event {
            Ok(event) => {
                changes_content(&event.kind)
                    && event.paths.iter().any(|p| is_source(&filter_root, p))
            }
            // Events may have been lost: rebuild to be sure.
            Err(_) => true,
        };
        if relevant {
            let _ = changes.send(());
        }
    })?;
    watcher.watch(&root, RecursiveMode::Recursive)?;
    thread::Builder::new()
        .name("policyweb-rebuild".into())
        .spawn(move || debounce(&bursts, rebuild))
        .map_err(notify::Error::io)?;
    Ok(watcher)
}

/// Waits for a change, then for the changes to stop (at most [`PATIENCE`]),
/// then rebuilds; changes made during a rebuild start the next one.
fn debounce(changes: &Receiver<()>, mut rebuild: impl FnMut()) {
    while changes.recv().is_ok() {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            match changes.recv_timeout(QUIET) {
                Ok(()) => {}
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        rebuild();
    }
}

/// Whether an event can change a file's contents or existence (the build's
/// own reads raise open and close events, which must not start rebuilds).
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// Whether `path` is something the build reads: site.toml, or a file in a
/// source folder that is not an editor's temporary file.
fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    if is_editor_temp(last) {
        return false;
    }
    if parts.len() == 1 && first == "site.toml" {
        return true;
    }
    SOURCE_FOLDERS.contains(&first.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, RemoveKind, RenameMode};
    use std::sync::mpsc::Sender;

    #[test]
    fn knows_which_files_the_build_reads() {
        let root = Path::new("/site");
        let cases = [
            ("/site/site.toml", true),
            ("/site/policies/online-safety.md", true),
            ("/site/policies", true),
            ("/site/pages/about.md", true),
            ("/site/data/age-limits.toml", true),
            ("/site/templates/partials/status.html", true),
            ("/site/theme/logo.svg", true),
            ("/site/policies/.online-safety.md.swp", false),
            ("/site/policies/online-safety.md~", false),
            ("/site/policies/#online-safety.md#", false),
            ("/site/policies/.#online-safety.md", false),
            ("/site/templates/base.html.tmp", false),
            ("/site/public/index.html", false),
            ("/site/.git/index", false),
            ("/site/README.md", false),
            ("/site/sub/site.toml", false),
            ("/site", false),
            ("/elsewhere/policies/a.md", false),
        ];
        for (path, expected) in cases {
            assert_eq!(is_source(root, Path::new(path)), expected, "{path}");
        }
    }

    #[test]
    fn ignores_reads() {
        let cases = [
            (EventKind::Access(AccessKind::Open(AccessMode::Any)), false),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                false,
            ),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                true,
            ),
            (
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
                false,
            ),
            (EventKind::Modify(ModifyKind::Name(RenameMode::Both)), true),
            (EventKind::Create(CreateKind::File), true),
            (EventKind::Remove(RemoveKind::File), true),
            (EventKind::Any, true),
        ];
        for (kind, expected) in cases {
            assert_eq!(changes_content(&kind), expected, "{kind:?}");
        }
    }

    fn rebuilds_after(bursts: &[usize]) -> usize {
        let (sender, receiver): (Sender<()>, _) = mpsc::channel();
        let (done, rebuilt) = mpsc::channel();
        let worker = thread::spawn(move || debounce(&receiver, || done.send(()).unwrap()));
        for &burst in bursts {
            for _ in 0..burst {
                sender.send(()).unwrap();
            }
            thread::sleep(QUIET * 3);
        }
        drop(sender);
        worker.join().unwrap();
        rebuilt.try_iter().count()
    }

    #[test]
    fn one_rebuild_per_burst_of_changes() {
        assert_eq!(rebuilds_after(&[10]), 1);
        assert_eq!(rebuilds_after(&[3, 1]), 2);
    }
}
