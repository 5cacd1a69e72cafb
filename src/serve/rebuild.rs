//! One build of the preview: the whole site loaded (with the parses of
//! unchanged files taken from the cache), checked and rendered into memory,
//! and timed. A panic in any stage becomes an error message, not a crash.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::build;
use crate::diagnostics::Diagnostics;
use crate::output::MemorySink;

use super::cache::ParseCache;
use super::served::Files;

/// Builds the site again and again, keeping parses between builds.
#[derive(Debug)]
pub struct Rebuilder {
    root: PathBuf,
    today: Option<Date>,
    preview_url: String,
    cache: ParseCache,
}

/// What one build made.
#[derive(Debug)]
pub struct Outcome {
    /// The site's files, when the build succeeded.
    pub files: Option<Files>,
    /// Its errors and warnings.
    pub diagnostics: Diagnostics,
    /// How long it took.
    pub elapsed: Duration,
    /// How many source files it parsed (the others came from the cache).
    pub parsed: usize,
}

impl Rebuilder {
    /// Builds the site in `root` as of `today` (default: the day of each
    /// build), served at `preview_url`.
    pub fn new(root: PathBuf, today: Option<Date>, preview_url: String) -> Self {
        Self {
            root,
            today,
            preview_url,
            cache: ParseCache::new(),
        }
    }

    /// Builds the site once.
    pub fn run(&self) -> Outcome {
        let start = Instant::now();
        let parsed_before = self.cache.parsed();
        let mut diagnostics = Diagnostics::new();
        let built = panic::catch_unwind(AssertUnwindSafe(|| self.build(&mut diagnostics)));
        let files = built.unwrap_or_else(|panic| {
            diagnostics.error(
                &self.root,
                None,
                format!(
                    "policyweb failed while building the site ({}); this is a bug, please report it",
                    panic_message(&*panic)
                ),
            );
            None
        });
        Outcome {
            files,
            diagnostics,
            elapsed: start.elapsed(),
            parsed: self.cache.parsed() - parsed_before,
        }
    }

    fn build(&self, diagnostics: &mut Diagnostics) -> Option<Files> {
        let today = self.today.unwrap_or_else(build::system_today);
        let mut loaded = build::load_cached(
            &self.root,
            today,
            None,
            true,
            Some(&self.cache),
            diagnostics,
        )?;
        // What a base_url makes absolute (the 404 page's links, the feed)
        // must lead to the preview, not to the published site.
        if loaded.site.config.base_url.is_some() {
            loaded.site.config.base_url = Some(self.preview_url.clone());
        }
        let sink = MemorySink::new();
        build::render_into(&loaded, &sink, diagnostics)?;
        let files = sink.into_files().into_iter();
        Some(
            files
                .map(|(name, bytes)| (name, Arc::from(bytes)))
                .collect(),
        )
    }
}

fn panic_message(panic: &dyn Any) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}
