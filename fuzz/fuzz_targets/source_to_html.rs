//! Fuzzes the whole path from a policy file's bytes to published HTML:
//! decode → split and parse (front matter, Markdown, raw HTML, audiences) →
//! assemble the site (with a second, fixed policy to link to) → render every
//! page into memory. Any panic is a bug; errors in the input are fine.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use policyweb::config::SiteConfig;
use policyweb::data::SiteData;
use policyweb::diagnostics::Diagnostics;
use policyweb::output::MemorySink;
use policyweb::render::{Templates, render_site};
use policyweb::site::{Site, Sources};
use policyweb::source::{self, policy};

/// A policy the fuzzed one can link to, relate to and collide with.
const OTHER: &str = "+++\ntitle = \"Other policy\"\nid = \"other\"\naudiences = [\"staff\", \"parents\"]\n\
review = \"Spring 2027\"\n+++\n\n## Reporting {audience=staff}\n\nTell the DSL.[^n]\n\n[^n]: A note.\n";

/// The site settings, templates and data (a glossary), made once from files
/// in a temp folder.
static SITE: LazyLock<(SiteConfig, Templates, SiteData)> = LazyLock::new(|| {
    let root: PathBuf = std::env::temp_dir().join(format!("policyweb-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("temp folder");
    std::fs::write(
        root.join("site.toml"),
        "school = \"Fuzz <Primary> & \\\"Nursery\\\"\"\nbase_url = \"https://example.org/policies/\"\nallow_html = [\"iframe\"]\n",
    )
    .expect("site.toml");
    std::fs::create_dir_all(root.join("data")).expect("data folder");
    std::fs::write(
        root.join("data/glossary.toml"),
        "[[term]]\nterm = \"Designated Safeguarding Lead\"\nabbr = \"DSL\"\ndefinition = \"Leads <on> safety.\"\n",
    )
    .expect("glossary.toml");
    let config = SiteConfig::load(&root).unwrap_or_else(|d| panic!("{:?}", d.sorted()));
    let mut d = Diagnostics::new();
    let templates = Templates::load(&root, &mut d).expect("default templates");
    let data = SiteData::load(&root, &mut d);
    (config, templates, data)
});

fuzz_target!(|data: &[u8]| {
    let (config, templates, site_data) = &*SITE;
    let glossary = site_data.glossary.as_ref().and_then(|g| g.matcher());
    let path = Path::new("policies/fuzz.md");
    let mut d = Diagnostics::new();
    let Ok(text) = source::decode(path, data) else {
        return;
    };
    let mut policies = Vec::new();
    policies.extend(policy::parse(path, &text, config, glossary, &mut d));
    policies.extend(policy::parse(
        Path::new("policies/other.md"),
        OTHER,
        config,
        glossary,
        &mut d,
    ));
    let today = jiff::civil::date(2026, 11, 21);
    let sources = Sources {
        policies,
        ..Sources::default()
    };
    let site = Site::assemble(config.clone(), sources, site_data.clone(), today, &mut d);
    if d.has_errors() {
        return;
    }
    let sink = MemorySink::new();
    let _ = render_site(&site, templates, &Default::default(), &sink);
});
