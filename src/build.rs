//! The whole pipeline: load and check a site, render it, and publish it safely.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::{self, SiteConfig};
use crate::data::SiteData;
use crate::diagnostics::Diagnostics;
use crate::manifest::Changes;
use crate::output::{Sink, Staging};
use crate::render::linkcheck::LinkCheck;
use crate::render::{self, Templates, assets};
use crate::serve::cache::{ParseCache, SourceCache};
use crate::site::{Site, Sources, accept, age_claims};
use crate::source::{self, page, policy};

/// A site loaded, checked and ready to render.
pub struct Loaded {
    /// The checked model.
    pub site: Site,
    /// The compiled templates.
    pub templates: Templates,
    /// The theme's files, by path under `theme/`.
    pub assets: BTreeMap<String, Vec<u8>>,
}

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (holding site.toml).
    pub site: PathBuf,
    /// The output folder; default `SITE/public`.
    pub out: Option<PathBuf>,
    /// The day review status is measured against; default today.
    pub today: Option<Date>,
    /// Overrides `base_url` from site.toml.
    pub base_url: Option<String>,
    /// Builds draft policies too (`--drafts`), marked as drafts on every page.
    pub drafts: bool,
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// The output folder, resolved.
    pub out: PathBuf,
    /// How many files were written.
    pub files: usize,
    /// How many policies the site has.
    pub policies: usize,
    /// What differs from the previous build in the output folder.
    pub changes: Changes,
    /// Warnings (a successful build has no errors).
    pub diagnostics: Diagnostics,
}

/// Today's date where the command runs.
pub fn system_today() -> Date {
    jiff::Zoned::now().date()
}

/// Loads and checks the site in `root`, leaving out draft policies. Returns `None` (with the errors in
/// `diagnostics`) when anything is wrong; warnings are added either way.
pub fn load(
    root: &Path,
    today: Date,
    base_url: Option<&str>,
    diagnostics: &mut Diagnostics,
) -> Option<Loaded> {
    load_cached(root, today, base_url, false, None, diagnostics)
}

/// [`load`], taking the parse of each source file from `cache` when the file
/// has not changed since it was parsed, and keeping new parses there. Draft
/// policies are left out unless `drafts`.
pub fn load_cached(
    root: &Path,
    today: Date,
    base_url: Option<&str>,
    drafts: bool,
    cache: Option<&ParseCache>,
    diagnostics: &mut Diagnostics,
) -> Option<Loaded> {
    if let Some(cache) = cache {
        cache.begin(root, base_url);
    }
    let mut config = match SiteConfig::load(root) {
        Ok(config) => {
            diagnostics.extend(config.warnings.clone());
            config
        }
        Err(errors) => {
            diagnostics.extend(errors);
            return None;
        }
    };
    config.drafts = drafts;
    if let Some(url) = base_url {
        match config::base_url(url) {
            Ok(url) => config.base_url = Some(url),
            Err(e) => diagnostics.error(Path::new("--base-url"), None, e),
        }
    }
    let data = SiteData::load(root, diagnostics);
    let glossary = data.glossary.as_ref().and_then(|g| g.matcher());

    let archive_files = source::archive::files(root, diagnostics);
    let archived: BTreeSet<&str> = archive_files.iter().map(|f| f.id.as_str()).collect();
    let policy_files = source::markdown_files(&root.join("policies"), diagnostics);
    let parsed: Vec<(Option<policy::PolicySource>, Diagnostics)> = policy_files
        .par_iter()
        .map(|path| {
            parse_file(path, cache.map(ParseCache::policies), |text, d| {
                let mut policy = policy::parse(path, text, &config, glossary, d)?;
                // The prose is only read for the age claims and references: check them now,
                // file by file, and let it go, so that the model never holds
                // it (for 10,000 policies it would be more than the HTML).
                if let Some(ages) = &data.age_limits {
                    age_claims::check_prose(path, &policy.body.prose, ages, d);
                }
                if let Some(references) = &data.references {
                    references.check_prose(path, &policy.body.prose, d);
                }
                // The search records need each section's text: keep that alone.
                if config.search {
                    policy.search_text = crate::render::search::section_texts(&policy.body);
                }
                // A policy with archived versions keeps it, to say what changed.
                if !archived.contains(policy.id.as_str()) {
                    policy.body.prose = Vec::new();
                }
                Some(policy)
            })
        })
        .collect();
    let mut policies = Vec::with_capacity(parsed.len());
    let mut unreadable = BTreeSet::new();
    for ((p, d), path) in parsed.into_iter().zip(&policy_files) {
        diagnostics.extend(d);
        match p {
            Some(p) => policies.push(p),
            // Links to a policy whose front matter cannot be read are not
            // reported as links to nothing: its own error says what is wrong.
            None => unreadable.extend(path.file_stem().map(|s| s.to_string_lossy().into_owned())),
        }
    }

    let page_files = source::markdown_files(&root.join("pages"), diagnostics);
    let mut pages = Vec::new();
    for path in &page_files {
        let (page, d) = parse_file(path, cache.map(ParseCache::pages), |text, d| {
            page::parse(path, text, &config.allow_html, d)
        });
        diagnostics.extend(d);
        pages.extend(page);
    }
    if let Some(cache) = cache {
        cache.retain(&policy_files, &page_files);
    }

    let archive = archive_files
        .par_iter()
        .map(|file| {
            let mut d = Diagnostics::new();
            let version = guarded(&file.path, &mut d, |d| {
                source::archive::read(file, &config, glossary, d)
            });
            (version, d)
        })
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|(version, d)| {
            diagnostics.extend(d);
            version
        })
        .collect();
    let sources = Sources {
        policies,
        pages,
        unreadable,
        archive,
    };
    let site = Site::assemble(config, sources, data, today, diagnostics);
    let templates = Templates::load(root, diagnostics);
    let assets = assets::collect(root, diagnostics);
    if diagnostics.has_errors() {
        return None;
    }
    Some(Loaded {
        site,
        templates: templates?,
        assets,
    })
}

/// Reads one source file and parses it with `parse` (a panic in which is an
/// error naming the file, see [`guarded`]), or takes the parse from `cache`
/// when the file's text has not changed since.
fn parse_file<T: Clone>(
    path: &Path,
    cache: Option<&SourceCache<T>>,
    parse: impl FnOnce(&str, &mut Diagnostics) -> Option<T>,
) -> (Option<T>, Diagnostics) {
    let text = match source::read(path) {
        Ok(text) => text,
        Err(e) => {
            let mut d = Diagnostics::new();
            d.push(e);
            return (None, d);
        }
    };
    match cache {
        Some(cache) => cache.get_or_parse(path, &text, |d| guarded(path, d, |d| parse(&text, d))),
        None => {
            let mut d = Diagnostics::new();
            let parsed = guarded(path, &mut d, |d| parse(&text, d));
            (parsed, d)
        }
    }
}

/// Runs `work` on the file at `path`, turning a panic (a bug in policyweb,
/// never the user's fault) into an error naming the file, so that one file
/// cannot crash the build or leave it half done.
pub fn guarded<T>(
    path: &Path,
    diagnostics: &mut Diagnostics,
    work: impl FnOnce(&mut Diagnostics) -> Option<T>,
) -> Option<T> {
    let mut local = Diagnostics::new();
    let result = panic::catch_unwind(AssertUnwindSafe(|| work(&mut local)));
    diagnostics.extend(local);
    result.unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        diagnostics.error(
            path,
            None,
            format!(
                "policyweb crashed on this file ({what}); this is a bug in policyweb: please report it with the file"
            ),
        );
        None
    })
}

/// Renders a loaded site into `sink` and checks every link in it, adding any
/// errors to `diagnostics`; then sets aside the warnings the site's policies
/// accept (`[[accept]]`), so build, check and serve treat them alike.
pub fn render_into(
    loaded: &Loaded,
    sink: &dyn Sink,
    diagnostics: &mut Diagnostics,
) -> Option<usize> {
    let root = loaded.site.config.root.clone();
    let files = guarded(&root, diagnostics, |diagnostics| {
        let check = LinkCheck::new(sink);
        match render::render_site(&loaded.site, &loaded.templates, &loaded.assets, &check) {
            Ok(files) => {
                let broken = check.finish(&loaded.site);
                let ok = !broken.has_errors();
                diagnostics.extend(broken);
                ok.then_some(files)
            }
            Err(errors) => {
                diagnostics.extend(errors);
                None
            }
        }
    });
    accept::apply(&loaded.site, diagnostics);
    files
}

/// Builds the site: loads, checks, renders into a temporary folder (taking
/// unchanged files from the previous build), then swaps it in. On any error the previous output is left as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let today = options.today.unwrap_or_else(system_today);
    let Some(loaded) = load_cached(
        &options.site,
        today,
        options.base_url.as_deref(),
        options.drafts,
        None,
        &mut diagnostics,
    ) else {
        return Err(diagnostics);
    };
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| options.site.join("public"));
    let staging = match Staging::prepare(&out, &options.site) {
        Ok(staging) => staging,
        Err(d) => {
            diagnostics.push(d);
            return Err(diagnostics);
        }
    };
    let Some(files) = render_into(&loaded, staging.sink(), &mut diagnostics) else {
        staging.abandon();
        return Err(diagnostics);
    };
    match staging.commit() {
        Ok(committed) => Ok(BuildReport {
            out: committed.out,
            changes: committed.changes,
            files,
            policies: loaded.site.policies.len(),
            diagnostics,
        }),
        Err(d) => {
            diagnostics.push(d);
            Err(diagnostics)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Kind;

    #[test]
    fn a_panic_becomes_an_error_naming_the_file() {
        let mut d = Diagnostics::new();
        let kept = guarded(Path::new("a.md"), &mut d, |d| {
            d.warning(
                Path::new("a.md"),
                Some(2),
                Kind::Html,
                "seen before the crash",
            );
            None::<()>
        });
        assert!(kept.is_none());
        let crashed: Option<u8> = guarded(Path::new("policies/b.md"), &mut d, |_| {
            panic!("index out of bounds")
        });
        assert!(crashed.is_none());
        let lines: Vec<String> = d.sorted().iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], "a.md:2: warning: seen before the crash [html]");
        assert!(
            lines[1].starts_with(
                "policies/b.md: error: policyweb crashed on this file (index out of bounds); this is a bug"
            ),
            "{lines:?}"
        );
        assert_eq!(guarded(Path::new("c.md"), &mut d, |_| Some(3)), Some(3));
    }
}
