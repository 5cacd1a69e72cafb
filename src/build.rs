//! The whole pipeline: load and check a site, render it, and publish it safely.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::data::SiteData;
use crate::diagnostics::Diagnostics;
use crate::output::{DirSink, Sink, Staging};
use crate::render::linkcheck::LinkCheck;
use crate::render::{self, Templates, assets};
use crate::serve::cache::{ParseCache, SourceCache};
use crate::site::{Site, Sources};
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
    /// Warnings (a successful build has no errors).
    pub diagnostics: Diagnostics,
}

/// Today's date where the command runs.
pub fn system_today() -> Date {
    jiff::Zoned::now().date()
}

/// Loads and checks the site in `root`. Returns `None` (with the errors in
/// `diagnostics`) when anything is wrong; warnings are added either way.
pub fn load(
    root: &Path,
    today: Date,
    base_url: Option<&str>,
    diagnostics: &mut Diagnostics,
) -> Option<Loaded> {
    load_cached(root, today, base_url, None, diagnostics)
}

/// [`load`], taking the parse of each source file from `cache` when the file
/// has not changed since it was parsed, and keeping new parses there.
pub fn load_cached(
    root: &Path,
    today: Date,
    base_url: Option<&str>,
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
    if let Some(url) = base_url {
        if url.starts_with("https://") || url.starts_with("http://") {
            let slash = if url.ends_with('/') { "" } else { "/" };
            config.base_url = Some(format!("{url}{slash}"));
        } else {
            diagnostics.error(
                Path::new("--base-url"),
                None,
                format!("\"{url}\" must start with https:// (or http://)"),
            );
        }
    }
    let data = SiteData::load(root, diagnostics);
    let glossary = data.glossary.as_ref().and_then(|g| g.matcher());

    let policy_files = source::markdown_files(&root.join("policies"), diagnostics);
    let parsed: Vec<(Option<policy::PolicySource>, Diagnostics)> = policy_files
        .par_iter()
        .map(|path| {
            parse_file(path, cache.map(ParseCache::policies), |text, d| {
                policy::parse(path, text, &config, glossary, d)
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
            page::parse(path, text, d)
        });
        diagnostics.extend(d);
        pages.extend(page);
    }
    if let Some(cache) = cache {
        cache.retain(&policy_files, &page_files);
    }

    let sources = Sources {
        policies,
        pages,
        unreadable,
    };
    let mut site = Site::assemble(config, sources, data, today, diagnostics);
    release_prose(&mut site);
    let templates = match Templates::load(root) {
        Ok(t) => Some(t),
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    };
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

/// Frees each body's plain-text prose once the site-wide checks that read it
/// (the age claims) have run: rendering never reads it, and for a trust with
/// 10,000 policies it is over 100 MiB of the model.
fn release_prose(site: &mut Site) {
    for policy in &mut site.policies {
        policy.source.body.prose = Vec::new();
    }
}

/// Reads one source file and parses it with `parse`, or takes the parse from
/// `cache` when the file's text has not changed since.
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
        Some(cache) => cache.get_or_parse(path, &text, |d| parse(&text, d)),
        None => {
            let mut d = Diagnostics::new();
            let parsed = parse(&text, &mut d);
            (parsed, d)
        }
    }
}

/// Renders a loaded site into `sink` and checks every link in it, adding any
/// errors to `diagnostics`.
pub fn render_into(
    loaded: &Loaded,
    sink: &dyn Sink,
    diagnostics: &mut Diagnostics,
) -> Option<usize> {
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
}

/// Builds the site: loads, checks, renders into a temporary folder, then swaps
/// it in. On any error the previous output is left as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let today = options.today.unwrap_or_else(system_today);
    let Some(loaded) = load(
        &options.site,
        today,
        options.base_url.as_deref(),
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
    let sink = DirSink::new(staging.dir());
    let Some(files) = render_into(&loaded, &sink, &mut diagnostics) else {
        staging.abandon();
        return Err(diagnostics);
    };
    match staging.commit() {
        Ok(out) => Ok(BuildReport {
            out,
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
