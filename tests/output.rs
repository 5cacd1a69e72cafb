//! Incremental output end to end: the real binary rebuilding a fixture site,
//! with what it changed on disk, what it says it changed, and what it refuses.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use support::{Site, tree};

/// Every file under `dir` with its inode and modification time.
fn stamps(dir: &Path) -> BTreeMap<PathBuf, (u64, i64, i64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            let path = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (path, (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

/// A policy that no other policy links to.
const UNIFORM: &str =
    "+++\ntitle = \"Uniform\"\napproved = \"2026-01-01\"\nreview = \"2027-01-01\"\n+++\n\nText.\n";

/// The last stderr line: the build's summary.
fn summary(stderr: &str) -> &str {
    stderr.lines().last().unwrap_or_default()
}

#[test]
fn a_rebuild_with_no_change_touches_no_file_and_says_so() {
    let site = Site::fixture("basic");
    let first = site.build(&[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let public = site.root().join("public");
    let files = tree(&public).len() - 1; // not the marker
    assert!(
        summary(&first.stderr).ends_with(&format!("; 0 files changed, {files} added, 0 removed")),
        "{}",
        first.stderr
    );
    let before = stamps(&public);
    let again = site.build(&["--list-changes"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        summary(&again.stderr).ends_with("; 0 files changed, 0 added, 0 removed"),
        "{}",
        again.stderr
    );
    assert_eq!(again.stdout, "");
    assert_eq!(stamps(&public), before, "same files, same inodes and times");
}

#[test]
fn one_changed_policy_rewrites_only_the_pages_that_show_it() {
    let site = Site::fixture("basic");
    site.write("policies/uniform.md", UNIFORM);
    assert_eq!(site.build(&[]).code, 0);
    let public = site.root().join("public");
    let before = stamps(&public);
    let old = tree(&public);
    let text = fs::read_to_string(site.root().join("policies/visitors.md")).unwrap();
    site.write(
        "policies/visitors.md",
        &text.replace(
            "Visitors show photo ID",
            "Visitors show photo ID at the desk",
        ),
    );
    let run = site.build(&["--list-changes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listed: Vec<&str> = run.stdout.lines().collect();
    assert!(
        listed.contains(&"changed policies/visitors/index.html"),
        "{listed:?}"
    );
    assert!(
        listed.iter().all(|l| l.starts_with("changed ")),
        "{listed:?}"
    );
    assert!(
        !listed
            .iter()
            .any(|l| l.contains("lettings") || l.contains("uniform")),
        "the other policy's pages are untouched: {listed:?}"
    );

    let after = stamps(&public);
    let new = tree(&public);
    let mut rewritten = Vec::new();
    for (path, stamp) in &after {
        if path.as_os_str() == ".policyweb" {
            continue;
        }
        let same_bytes = old.get(path) == new.get(path);
        let same_file = before.get(path) == Some(stamp);
        assert_eq!(same_bytes, same_file, "{}", path.display());
        if !same_file {
            rewritten.push(format!("changed {}", path.display()));
        }
    }
    assert_eq!(
        rewritten, listed,
        "--list-changes names exactly the rewritten files"
    );
    assert!(
        summary(&run.stderr).ends_with(&format!(
            "; {} files changed, 0 added, 0 removed",
            listed.len()
        )),
        "{}",
        run.stderr
    );

    // Removing a policy removes its files and lists them.
    fs::remove_file(site.root().join("policies/uniform.md")).unwrap();
    let run = site.build(&["--list-changes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .lines()
            .any(|l| l == "removed policies/uniform/index.html"),
        "{}",
        run.stdout
    );
    assert!(!public.join("policies/uniform").exists());
}

#[test]
fn the_same_input_gives_the_same_bytes_whatever_was_there_before() {
    let site = Site::fixture("basic");
    assert_eq!(site.build(&["--out", "fresh"]).code, 0);
    // Built over an older build of different content.
    let text = fs::read_to_string(site.root().join("policies/visitors.md")).unwrap();
    site.write(
        "policies/visitors.md",
        &text.replace("Visitors Policy", "Guests"),
    );
    assert_eq!(site.build(&["--out", "rebuilt"]).code, 0);
    site.write("policies/visitors.md", &text);
    assert_eq!(site.build(&["--out", "rebuilt"]).code, 0);
    assert_eq!(
        tree(&site.root().join("rebuilt")),
        tree(&site.root().join("fresh"))
    );
}

#[test]
fn files_someone_added_to_the_output_are_kept() {
    let site = Site::fixture("basic");
    assert_eq!(site.build(&[]).code, 0);
    let public = site.root().join("public");
    fs::write(public.join("policies/visitors/sign-in-sheet.pdf"), "pdf").unwrap();
    fs::create_dir_all(public.join("letters")).unwrap();
    fs::write(public.join("letters/september.html"), "letter").unwrap();
    let run = site.build(&["--list-changes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout, "",
        "someone else's files are not policyweb's changes"
    );
    assert_eq!(
        fs::read_to_string(public.join("policies/visitors/sign-in-sheet.pdf")).unwrap(),
        "pdf"
    );
    assert_eq!(
        fs::read_to_string(public.join("letters/september.html")).unwrap(),
        "letter"
    );

    // One where a new page goes is refused, and the site stays as it was.
    fs::create_dir_all(public.join("policies/uniform")).unwrap();
    fs::write(public.join("policies/uniform/index.html"), "my own page").unwrap();
    site.write("policies/uniform.md", UNIFORM);
    let before = tree(&public);
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "/public/policies/uniform/index.html: error: policyweb did not make this, and the new build has a page at this address"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&public), before);
}

#[test]
fn an_output_folder_among_the_sources_is_refused() {
    let site = Site::fixture("basic");
    for out in ["policies/site", "pages", "."] {
        let run = site.build(&["--out", out]);
        assert_eq!(run.code, 1, "{out}: {}", run.stderr);
        assert!(
            run.stderr.contains("error: refusing to build into "),
            "{out}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("choose another folder with --out"));
    }
    let run = site.build(&["--out", "policies/site"]);
    assert!(
        run.stderr
            .contains("it is inside the site's policies folder, whose files the build reads"),
        "{}",
        run.stderr
    );
    assert!(!site.root().join("policies/site").exists());
    assert!(!site.root().join("public").exists());
}
