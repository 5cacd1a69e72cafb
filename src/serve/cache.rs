//! Parsed source files kept between the rebuilds of `serve`, by file and
//! content, so that a rebuild parses again only the files that changed.
//!
//! A parse depends on the file's text and on the site's settings (site.toml,
//! the `--base-url` override, and the data files), so an entry is used only
//! when the file's text hashes the same and the settings have not changed
//! since it was made. The whole model is still assembled afresh from these
//! parses on every rebuild: the cache can make a rebuild faster, never stale.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::diagnostics::Diagnostics;
use crate::source::page::PageSource;
use crate::source::policy::PolicySource;

/// The parses of a site's policies and pages.
#[derive(Debug, Default)]
pub struct ParseCache {
    settings: Mutex<Option<u64>>,
    policies: SourceCache<PolicySource>,
    pages: SourceCache<PageSource>,
}

impl ParseCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a load of the site in `root`: forgets every parse made under
    /// other settings. Call it before site.toml is read for the load, so that
    /// a settings file changing during the load can only cause a miss later.
    pub fn begin(&self, root: &Path, base_url: Option<&str>) {
        let now = settings_fingerprint(root, base_url);
        let mut settings = lock(&self.settings);
        if *settings != Some(now) {
            self.policies.clear();
            self.pages.clear();
            *settings = Some(now);
        }
    }

    /// The policies' parses.
    pub fn policies(&self) -> &SourceCache<PolicySource> {
        &self.policies
    }

    /// The pages' parses.
    pub fn pages(&self) -> &SourceCache<PageSource> {
        &self.pages
    }

    /// Drops the parses of files that are no longer in the site.
    pub fn retain(&self, policies: &[PathBuf], pages: &[PathBuf]) {
        self.policies.retain(policies);
        self.pages.retain(pages);
    }

    /// How many files have been parsed (rather than taken from the cache) so far.
    pub fn parsed(&self) -> usize {
        self.policies.parsed.load(Ordering::Relaxed) + self.pages.parsed.load(Ordering::Relaxed)
    }
}

/// The parses of one kind of source file, by path.
#[derive(Debug)]
pub struct SourceCache<T> {
    entries: Mutex<HashMap<PathBuf, Entry<T>>>,
    parsed: AtomicUsize,
}

impl<T> Default for SourceCache<T> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            parsed: AtomicUsize::new(0),
        }
    }
}

#[derive(Debug)]
struct Entry<T> {
    text_hash: u64,
    parsed: Option<T>,
    diagnostics: Diagnostics,
}

impl<T: Clone> SourceCache<T> {
    /// The parse of `path` with contents `text`: the cached one when the text
    /// is unchanged, else `parse`'s (which is then kept).
    pub fn get_or_parse(
        &self,
        path: &Path,
        text: &str,
        parse: impl FnOnce(&mut Diagnostics) -> Option<T>,
    ) -> (Option<T>, Diagnostics) {
        let text_hash = hash(text.as_bytes());
        if let Some(entry) = lock(&self.entries).get(path)
            && entry.text_hash == text_hash
        {
            return (entry.parsed.clone(), entry.diagnostics.clone());
        }
        let mut diagnostics = Diagnostics::new();
        let parsed = parse(&mut diagnostics);
        self.parsed.fetch_add(1, Ordering::Relaxed);
        let entry = Entry {
            text_hash,
            parsed: parsed.clone(),
            diagnostics: diagnostics.clone(),
        };
        lock(&self.entries).insert(path.to_path_buf(), entry);
        (parsed, diagnostics)
    }
}

impl<T> SourceCache<T> {
    fn clear(&self) {
        lock(&self.entries).clear();
    }

    fn retain(&self, paths: &[PathBuf]) {
        lock(&self.entries).retain(|path, _| paths.contains(path));
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn hash(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// A hash of everything besides a file's own text that parsing it depends
/// on: site.toml, the `--base-url` override, and the files in `data/` (read
/// as bytes; a file that cannot be read hashes as its error).
fn settings_fingerprint(root: &Path, base_url: Option<&str>) -> u64 {
    let mut hasher = DefaultHasher::new();
    base_url.hash(&mut hasher);
    let mut files = vec![root.join("site.toml")];
    if let Ok(entries) = fs::read_dir(root.join("data")) {
        files.extend(entries.flatten().map(|e| e.path()));
    }
    files.sort();
    for file in files {
        file.hash(&mut hasher);
        match fs::read(&file) {
            Ok(bytes) => bytes.hash(&mut hasher),
            Err(e) => e.kind().hash(&mut hasher),
        }
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_count(cache: &SourceCache<String>, path: &str, text: &str) -> (String, usize) {
        let before = cache.parsed.load(Ordering::Relaxed);
        let (parsed, _) = cache.get_or_parse(Path::new(path), text, |_| Some(text.to_uppercase()));
        (
            parsed.unwrap_or_default(),
            cache.parsed.load(Ordering::Relaxed) - before,
        )
    }

    #[test]
    fn parses_each_text_once_per_path() {
        let cache = SourceCache::default();
        assert_eq!(parse_count(&cache, "a.md", "one"), ("ONE".into(), 1));
        assert_eq!(parse_count(&cache, "a.md", "one"), ("ONE".into(), 0));
        assert_eq!(parse_count(&cache, "b.md", "one"), ("ONE".into(), 1));
        assert_eq!(parse_count(&cache, "a.md", "two"), ("TWO".into(), 1));
        assert_eq!(parse_count(&cache, "a.md", "two"), ("TWO".into(), 0));
        assert_eq!(parse_count(&cache, "a.md", "one"), ("ONE".into(), 1));
    }

    #[test]
    fn keeps_the_diagnostics_of_a_cached_parse() {
        let cache: SourceCache<String> = SourceCache::default();
        let path = Path::new("bad.md");
        for _ in 0..2 {
            let (parsed, d) = cache.get_or_parse(path, "x", |d| {
                d.error(path, Some(3), "broken");
                None
            });
            assert!(parsed.is_none());
            assert_eq!(d.sorted()[0].to_string(), "bad.md:3: error: broken");
        }
        assert_eq!(cache.parsed.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn forgets_removed_files_and_changed_settings() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("site.toml"), "school = \"A\"\n").unwrap();
        let cache = ParseCache::new();
        let a = root.join("a.md");
        let parse = |text: &str| {
            let before = cache.parsed();
            cache
                .policies
                .get_or_parse(&a, text, |_| None::<PolicySource>);
            cache.parsed() - before
        };
        cache.begin(root, None);
        assert_eq!(parse("x"), 1);
        cache.begin(root, None);
        assert_eq!(parse("x"), 0, "nothing changed");
        fs::write(root.join("site.toml"), "school = \"B\"\n").unwrap();
        cache.begin(root, None);
        assert_eq!(parse("x"), 1, "site.toml changed");
        fs::create_dir(root.join("data")).unwrap();
        fs::write(root.join("data/glossary.toml"), "").unwrap();
        cache.begin(root, None);
        assert_eq!(parse("x"), 1, "a data file appeared");
        cache.begin(root, Some("https://example.org/"));
        assert_eq!(parse("x"), 1, "the base URL changed");
        cache.retain(&[], &[]);
        assert_eq!(parse("x"), 1, "the file had left the site");
    }
}
