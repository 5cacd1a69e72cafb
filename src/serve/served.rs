//! The site the preview serves: the files of the last build that succeeded
//! and the errors of the latest one, replaced whole after each rebuild so
//! that every response comes from one build.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use crate::diagnostics::Diagnostic;

use super::reload::Reload;

/// A built site's files, by path (`policies/x/index.html`).
pub type Files = BTreeMap<String, Arc<[u8]>>;

/// What is served at one moment.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The files of the last build that succeeded (none before the first).
    pub files: Arc<Files>,
    /// The errors of the latest build; empty when it succeeded.
    pub errors: Vec<Diagnostic>,
    /// Counts the changes to what is served; pages reload when it moves on.
    pub generation: u64,
}

/// The current snapshot, and the pages to tell when it changes.
#[derive(Debug, Default)]
pub struct Served {
    current: RwLock<Arc<Snapshot>>,
    reload: Reload,
}

impl Served {
    /// Nothing served yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// What is served now.
    pub fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// The open pages waiting for a reload.
    pub fn reload(&self) -> &Reload {
        &self.reload
    }

    /// Takes a build's outcome: its files when it succeeded (otherwise the
    /// last good files stay), and its errors. When that changes what is
    /// served, swaps it in, tells open pages to reload and returns true.
    pub fn publish(&self, files: Option<Files>, errors: Vec<Diagnostic>) -> bool {
        let old = self.current();
        let files = match files {
            Some(files) if files != *old.files => Arc::new(files),
            _ => Arc::clone(&old.files),
        };
        if Arc::ptr_eq(&files, &old.files) && errors == old.errors && old.generation > 0 {
            return false;
        }
        let generation = old.generation + 1;
        let next = Arc::new(Snapshot {
            files,
            errors,
            generation,
        });
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = next;
        self.reload.broadcast(generation);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn files(text: &str) -> Files {
        Files::from([("index.html".to_string(), Arc::from(text.as_bytes()))])
    }

    #[test]
    fn keeps_the_last_good_files_while_there_are_errors() {
        let served = Served::new();
        assert!(served.publish(Some(files("one")), vec![]));
        assert_eq!(served.current().generation, 1);
        assert!(
            !served.publish(Some(files("one")), vec![]),
            "nothing changed"
        );

        let error = Diagnostic::error(Path::new("a.md"), Some(2), "bad");
        assert!(served.publish(None, vec![error.clone()]));
        let now = served.current();
        assert_eq!((now.generation, now.errors.len()), (2, 1));
        assert_eq!(&*now.files["index.html"], b"one");
        assert!(!served.publish(None, vec![error]), "the same errors");

        assert!(served.publish(Some(files("two")), vec![]));
        let now = served.current();
        assert_eq!((now.generation, now.errors.len()), (3, 0));
        assert_eq!(&*now.files["index.html"], b"two");
    }

    #[test]
    fn a_first_build_that_fails_is_published() {
        let served = Served::new();
        let error = Diagnostic::error(Path::new("site.toml"), None, "bad");
        assert!(served.publish(None, vec![error]));
        assert!(served.current().files.is_empty());
    }
}
