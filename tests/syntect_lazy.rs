//! syntect's syntax definitions are loaded only when a page has a code block.
//!
//! The loaded state is global to the process, so this file holds one test,
//! which builds a site without code first and then one with a code block.

use std::fs;
use std::path::Path;

use policyweb::build;
use policyweb::diagnostics::Diagnostics;
use policyweb::markdown::code::syntaxes_loaded;
use policyweb::output::MemorySink;

fn write_site(root: &Path, body: &str) {
    fs::create_dir_all(root.join("policies")).unwrap();
    fs::write(root.join("site.toml"), "school = \"Test School\"\n").unwrap();
    fs::write(
        root.join("policies/visits.md"),
        format!("+++\ntitle = \"Visits\"\n+++\n\n## Planning\n\n{body}\n"),
    )
    .unwrap();
}

fn build_in_memory(root: &Path) -> String {
    let mut d = Diagnostics::new();
    let today = "2026-11-21".parse().unwrap();
    let loaded = build::load(root, today, None, &mut d).expect("the site loads");
    let sink = MemorySink::new();
    build::render_into(&loaded, &sink, &mut d).expect("the site renders");
    let files = sink.into_files();
    String::from_utf8(files["policies/visits/index.html"].clone()).unwrap()
}

#[test]
fn syntaxes_load_only_for_a_site_with_a_code_block() {
    let plain = tempfile::tempdir().unwrap();
    write_site(
        plain.path(),
        "Trips need a risk assessment.\n\n    an indented line\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    );
    build_in_memory(plain.path());
    assert!(
        !syntaxes_loaded(),
        "a site whose only code is unhighlighted must not load syntect"
    );

    let with_code = tempfile::tempdir().unwrap();
    write_site(with_code.path(), "```toml\nrisk = \"low\"\n```");
    let html = build_in_memory(with_code.path());
    assert!(syntaxes_loaded());
    assert!(html.contains("hl-string"), "{html}");
}
