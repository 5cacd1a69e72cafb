//! The whole pipeline: load and check a site, render it, and publish it safely.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::data::SiteData;
use crate::diagnostics::Diagnostics;
use crate::output::{DirSink, Sink, Staging};
use crate::render::{self, Templates, assets};
use crate::site::Site;
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
    let mut config = match SiteConfig::load(root) {
        Ok(config) => config,
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

    let policy_files = source::markdown_files(&root.join("policies"), diagnostics);
    let parsed: Vec<(Option<policy::PolicySource>, Diagnostics)> = policy_files
        .par_iter()
        .map(|path| {
            let mut d = Diagnostics::new();
            let parsed = match source::read(path) {
                Ok(text) => policy::parse(path, &text, &config, &mut d),
                Err(e) => {
                    d.push(e);
                    None
                }
            };
            (parsed, d)
        })
        .collect();
    let mut policies = Vec::with_capacity(parsed.len());
    for (p, d) in parsed {
        diagnostics.extend(d);
        policies.extend(p);
    }

    let mut pages = Vec::new();
    for path in source::markdown_files(&root.join("pages"), diagnostics) {
        match source::read(&path) {
            Ok(text) => pages.extend(page::parse(&path, &text, diagnostics)),
            Err(e) => diagnostics.push(e),
        }
    }

    let site = Site::assemble(config, policies, pages, data, today, diagnostics);
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

/// Renders a loaded site into `sink`, adding any errors to `diagnostics`.
pub fn render_into(
    loaded: &Loaded,
    sink: &dyn Sink,
    diagnostics: &mut Diagnostics,
) -> Option<usize> {
    match render::render_site(&loaded.site, &loaded.templates, &loaded.assets, sink) {
        Ok(files) => Some(files),
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
