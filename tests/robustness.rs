//! No input can crash policyweb, lose a file, or escape the site: dangerous
//! output folders, killed and failing builds, concurrent builds, links,
//! badly encoded and malformed sources, clashing addresses, hostile values,
//! pathological Markdown and the environment. Each test runs the real binary.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{Run, Site, run_in, tree};
use unicode_normalization::UnicodeNormalization;

const BIN: &str = env!("CARGO_BIN_EXE_policyweb");

/// A minimal policy file.
fn policy(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\nreview = \"Spring 2027\"\n+++\n\n{body}")
}

/// A small working site.
fn small_site() -> Site {
    Site::new(&[
        ("site.toml", "school = \"Robust Primary\"\n"),
        ("policies/alpha.md", &policy("Alpha", "## One\n\nText.\n")),
        ("policies/beta.md", &policy("Beta", "## Two\n\nMore.\n")),
    ])
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Builds leftovers beside `out` (the lock file is meant to stay).
fn leftovers(parent: &Path) -> Vec<String> {
    names(parent)
        .into_iter()
        .filter(|n| n.ends_with(".policyweb-new") || n.ends_with(".policyweb-old"))
        .collect()
}

/// Asserts two built trees are byte for byte the same, naming the files that
/// differ rather than printing their bytes.
#[track_caller]
fn assert_same(
    found: &BTreeMap<PathBuf, Vec<u8>>,
    expected: &BTreeMap<PathBuf, Vec<u8>>,
    what: &str,
) {
    let differ: Vec<&PathBuf> = found
        .keys()
        .chain(expected.keys())
        .filter(|p| found.get(*p) != expected.get(*p))
        .collect();
    assert!(differ.is_empty(), "{what}: these files differ: {differ:?}");
}

fn canonical(path: &Path) -> String {
    path.canonicalize().unwrap().display().to_string()
}

// ---------------------------------------------------------------- publishing

#[test]
fn dangerous_output_folders_are_refused_naming_the_resolved_path() {
    let site = small_site();
    let before = tree(site.root());
    let root = canonical(site.root());
    let parent = canonical(site.root().parent().unwrap());
    let home = tempfile::tempdir().unwrap();
    let link = tempfile::tempdir().unwrap();
    let linked_site = link.path().join("to-site");
    std::os::unix::fs::symlink(site.root(), &linked_site).unwrap();
    let cases: [(&str, String); 6] = [
        (
            ".",
            format!("refusing to build into {root}: it is the site folder"),
        ),
        (
            "..",
            format!("refusing to build into {parent}: it is the site folder or holds it"),
        ),
        (
            "/",
            "refusing to build into /: it is the root of the file system".into(),
        ),
        ("sub/../..", format!("refusing to build into {parent}")),
        (
            home.path().to_str().unwrap(),
            format!(
                "refusing to build into {}: it is your home folder",
                canonical(home.path())
            ),
        ),
        (
            linked_site.to_str().unwrap(),
            format!("refusing to build into {root}: it is the site folder"),
        ),
    ];
    fs::create_dir(site.root().join("sub")).unwrap();
    for (out, expected) in cases {
        let run = Command::new(BIN)
            .args(["build", ".", "--today", "2026-11-21", "--out", out])
            .current_dir(site.root())
            .env("HOME", home.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{out}: {stderr}");
        assert!(stderr.contains(&expected), "{out}: {stderr}");
    }
    fs::remove_dir(site.root().join("sub")).unwrap();
    assert_same(
        &tree(site.root()),
        &before,
        "nothing in the site was touched",
    );
    assert!(names(home.path()).is_empty(), "nothing in the home folder");

    // `--out .` from an unrelated folder is the current folder.
    let elsewhere = tempfile::tempdir().unwrap();
    fs::write(elsewhere.path().join("mine.txt"), "keep").unwrap();
    let run = run_in(
        elsewhere.path(),
        &["build", site.root().to_str().unwrap(), "--out", "."],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(&format!(
            "refusing to build into {}: it is the current folder",
            canonical(elsewhere.path())
        )),
        "{}",
        run.stderr
    );
    assert_eq!(names(elsewhere.path()), ["mine.txt"]);
}

#[test]
fn git_in_the_output_survives_every_rebuild() {
    let site = small_site();
    assert_eq!(site.build(&[]).code, 0);
    let git = site.root().join("public/.git");
    fs::create_dir_all(git.join("refs/heads")).unwrap();
    fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    for _ in 0..2 {
        let run = site.build(&[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            fs::read_to_string(git.join("HEAD")).unwrap(),
            "ref: refs/heads/main\n"
        );
        assert!(git.join("refs/heads").is_dir());
    }
    assert!(
        site.root()
            .join("public/policies/alpha/index.html")
            .is_file()
    );
}

#[test]
fn a_link_in_the_old_output_is_kept_as_a_link_not_followed() {
    let site = small_site();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("canary.txt"), "still here").unwrap();
    assert_eq!(site.build(&[]).code, 0);
    std::os::unix::fs::symlink(outside.path(), site.root().join("public/outside")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("canary.txt"),
        site.root().join("public/policies/canary.txt"),
    )
    .unwrap();
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(outside.path().join("canary.txt")).unwrap(),
        "still here"
    );
    assert_eq!(names(outside.path()), ["canary.txt"]);
    // policyweb did not make the links, so it keeps them, as links.
    for link in ["public/outside", "public/policies/canary.txt"] {
        let meta = fs::symlink_metadata(site.root().join(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link}");
    }
}

/// A site big enough that writing it takes a while: `n` policies, each with
/// a view per audience.
fn big_site(site: &Site, n: usize) {
    let body = "## For staff {audience=staff}\n\nText for staff. ".to_string()
        + &"A sentence of policy text. ".repeat(20)
        + "\n\n## For parents {audience=parents}\n\nText for parents.\n\n## For everyone\n\nShared.\n";
    for i in 0..n {
        site.write(
            &format!("policies/p{i:04}.md"),
            &policy(&format!("Policy number {i}"), &body),
        );
    }
}

#[test]
fn a_build_killed_mid_write_leaves_the_previous_site_and_is_cleaned_up() {
    let site = small_site();
    assert_eq!(site.build(&[]).code, 0);
    let before = tree(&site.root().join("public"));
    big_site(&site, 1500);
    let staging = site.root().join(".public.policyweb-new");
    for wanted_files in [1, 300] {
        let mut child = Command::new(BIN)
            .args(["build", ".", "--today", "2026-11-21"])
            .current_dir(site.root())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        loop {
            let written = walkdir::WalkDir::new(&staging).into_iter().count();
            if written > wanted_files {
                break;
            }
            assert!(
                child.try_wait().unwrap().is_none(),
                "the build finished before it could be killed; make the site bigger"
            );
            assert!(
                start.elapsed() < Duration::from_secs(300),
                "the build never started writing"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap(); // SIGKILL: no cleanup runs.
        child.wait().unwrap();
        assert!(
            staging.is_dir(),
            "killed while writing, so the staging folder is left"
        );
        assert_same(
            &tree(&site.root().join("public")),
            &before,
            "the previous site",
        );
    }
    for i in 0..1500 {
        fs::remove_file(site.root().join(format!("policies/p{i:04}.md"))).unwrap();
    }
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_same(
        &tree(&site.root().join("public")),
        &before,
        "the previous site",
    );
    assert!(
        leftovers(site.root()).is_empty(),
        "{:?}",
        names(site.root())
    );
}

/// Whether this process can write into a folder whose permissions forbid it
/// (root can: chmod does not stop it).
fn chmod_is_ignored() -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = tempfile::tempdir().unwrap();
    fs::set_permissions(probe.path(), fs::Permissions::from_mode(0o555)).unwrap();
    let ignored = fs::write(probe.path().join("probe"), "x").is_ok();
    fs::set_permissions(probe.path(), fs::Permissions::from_mode(0o755)).unwrap();
    ignored
}

/// Runs a build of `site` into `out` with `dir` read-only: by permissions
/// when they bind this process, else (as root) by a read-only bind mount in
/// a private mount namespace. `None` when neither is possible here.
fn build_with_read_only(site: &Path, dir: &Path, out: &Path) -> Option<Run> {
    use std::os::unix::fs::PermissionsExt;
    let args = [
        "build",
        site.to_str()?,
        "--today",
        "2026-11-21",
        "--out",
        out.to_str()?,
    ];
    if !chmod_is_ignored() {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o555)).unwrap();
        let run = run_in(site, &args);
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
        return Some(run);
    }
    let namespaces = Command::new("unshare").args(["-m", "true"]).output();
    if !namespaces.is_ok_and(|o| o.status.success()) {
        return None;
    }
    let script = "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" \"$1\" || exit 99; \
                  shift; exec \"$@\"";
    let output = Command::new("unshare")
        .args(["-m", "sh", "-c", script, "sh", dir.to_str()?, BIN])
        .args(args)
        .current_dir(site)
        .output()
        .ok()?;
    let code = output.status.code().unwrap_or(-1);
    if code == 99 || (code != 1 && code != 0) {
        return None;
    }
    Some(Run {
        code,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

#[test]
fn a_read_only_folder_gives_the_path_and_reason_and_keeps_the_old_site() {
    let site = small_site();
    let holder = tempfile::tempdir().unwrap();
    let dir = holder.path().join("web");
    let out = dir.join("public");
    fs::create_dir(&dir).unwrap();
    let first = run_in(
        site.root(),
        &[
            "build",
            ".",
            "--today",
            "2026-11-21",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = tree(&out);
    site.write("policies/gamma.md", &policy("Gamma", "New.\n"));
    let Some(run) = build_with_read_only(site.root(), &dir, &out) else {
        assert!(
            chmod_is_ignored(),
            "only a privileged run lacks a way to make a folder read-only"
        );
        println!("skipped: running as root, and no mount namespace to make a folder read-only in");
        return;
    };
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = run
        .diagnostics()
        .into_iter()
        .find(|l| l.contains(": error: "))
        .unwrap_or_else(|| panic!("{}", run.stderr))
        .to_string();
    assert!(line.starts_with(&canonical(&dir)), "{line}");
    assert!(
        line.contains("Read-only file system (os error 30)")
            || line.contains("Permission denied (os error 13)"),
        "{line}"
    );
    assert!(run.stderr.contains("nothing was published"));
    assert_same(&tree(&out), &before, "the previous site");
}

#[test]
fn a_full_disk_gives_the_path_and_reason_and_keeps_the_old_site() {
    let site = small_site();
    assert_eq!(site.build(&[]).code, 0);
    let before = tree(&site.root().join("public"));
    site.write(
        "policies/gamma.md",
        &policy("Gamma", &"Long text. ".repeat(2000)),
    );
    // A file-size limit makes every write past 2 KB fail with EFBIG, as a
    // full disk or quota would (SIGXFSZ ignored so that write returns the error).
    let output = Command::new("sh")
        .args([
            "-c",
            "trap '' XFSZ; ulimit -f 4 && exec \"$0\" build . --today 2026-11-21",
            BIN,
        ])
        .current_dir(site.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let staging = canonical(site.root()) + "/.public.policyweb-new/";
    assert!(
        stderr.lines().any(|l| l.starts_with(&staging)
            && l.ends_with("cannot write: File too large (os error 27)")),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was published"));
    assert_same(
        &tree(&site.root().join("public")),
        &before,
        "the previous site",
    );
    assert!(
        leftovers(site.root()).is_empty(),
        "a failed build cleans up after itself"
    );
}

#[test]
fn a_second_build_of_the_same_output_is_turned_away() {
    let site = small_site();
    assert_eq!(site.build(&[]).code, 0);
    let before = tree(&site.root().join("public"));
    let first = policyweb::output::Staging::prepare(&site.root().join("public"), site.root())
        .expect("the first build takes the lock");
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(&format!(
            "another policyweb build is writing to {}; try again when it has finished",
            canonical(&site.root().join("public"))
        )),
        "{}",
        run.stderr
    );
    assert!(
        first.dir().is_dir(),
        "the second build left the first's files alone"
    );
    assert_same(
        &tree(&site.root().join("public")),
        &before,
        "the previous site",
    );
    first.abandon();
    assert_eq!(site.build(&[]).code, 0);
}

#[test]
fn a_deleted_policy_disappears_from_every_output_file() {
    let site = small_site();
    site.write(
        "site.toml",
        "school = \"Robust Primary\"\nbase_url = \"https://example.org/p/\"\n",
    );
    site.write(
        "policies/zebra.md",
        "+++\ntitle = \"Zebra Crossings\"\nid = \"zebra-crossings\"\ncategory = \"Zoology\"\n\
         review = \"2026-12-01\"\napproved = \"2025-12-01\"\n+++\n\n## Stripes {audience=pupils}\n\nLook both ways.\n",
    );
    assert_eq!(site.build(&[]).code, 0);
    let mentions = |needle: &str| -> Vec<PathBuf> {
        tree(&site.root().join("public"))
            .into_iter()
            .filter(|(_, bytes)| {
                String::from_utf8_lossy(bytes)
                    .to_lowercase()
                    .contains(needle)
            })
            .map(|(path, _)| path)
            .collect()
    };
    let found = mentions("zebra");
    assert!(
        found.len() >= 4,
        "the policy is on several pages: {found:?}"
    );
    fs::remove_file(site.root().join("policies/zebra.md")).unwrap();
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mentions("zebra"), Vec::<PathBuf>::new());
    assert_eq!(mentions("zoology"), Vec::<PathBuf>::new());
}

#[test]
fn links_out_of_the_site_loops_and_dangling_links_are_skipped_with_a_warning() {
    use std::os::unix::fs::symlink;
    let site = small_site();
    let outside = tempfile::tempdir().unwrap();
    let secret = "TOP-SECRET-CANARY";
    for name in ["secret.md", "secret.css", "secret.html"] {
        fs::write(outside.path().join(name), policy(secret, secret)).unwrap();
    }
    let root = site.root();
    for dir in ["pages", "templates", "theme"] {
        fs::create_dir_all(root.join(dir)).unwrap();
    }
    let links = [
        ("policies/outside.md", outside.path().join("secret.md")),
        ("policies/folder", outside.path().to_path_buf()),
        ("policies/loop.md", root.join("policies/loop.md")),
        ("policies/dangling.md", root.join("policies/nothing.md")),
        ("pages/outside.md", outside.path().join("secret.md")),
        ("pages/ring-a.md", root.join("pages/ring-b.md")),
        ("pages/ring-b.md", root.join("pages/ring-a.md")),
        ("templates/page.html", outside.path().join("secret.html")),
        ("templates/self", root.join("templates")),
        ("theme/style.css", outside.path().join("secret.css")),
        ("theme/up", root.to_path_buf()),
    ];
    for (path, target) in &links {
        symlink(target, root.join(path)).unwrap();
    }
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings = run.diagnostics();
    assert_eq!(warnings.len(), links.len(), "{warnings:#?}");
    for (path, _) in &links {
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with(&format!("./{path}: warning: skipped a symbolic link"))),
            "{path}: {warnings:#?}"
        );
    }
    assert!(warnings.iter().any(|w| w.contains(
        "policies/outside.md: warning: skipped a symbolic link: it points outside the site"
    )));
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("policies/dangling.md") && w.contains("which does not exist"))
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("policies/loop.md") && w.contains("cannot be followed"))
    );
    for (path, bytes) in tree(&root.join("public")) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(secret),
            "{} holds a file from outside the site",
            path.display()
        );
    }
}

#[test]
fn a_linked_data_file_is_refused() {
    let site = small_site();
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("glossary.toml"),
        "[[term]]\nterm = \"TOP-SECRET-CANARY\"\ndefinition = \"x\"\n",
    )
    .unwrap();
    fs::create_dir(site.root().join("data")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("glossary.toml"),
        site.root().join("data/glossary.toml"),
    )
    .unwrap();
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.diagnostics().iter().any(|l| l.starts_with(
            "./data/glossary.toml: error: refused a symbolic link: it points outside the site"
        )),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("TOP-SECRET-CANARY"));
}

// --------------------------------------------------------------------- input

/// The sources of a site, with each text file's bytes made by `encode`.
fn site_with(encode: impl Fn(&str) -> Vec<u8>) -> Site {
    let files = [
        (
            "site.toml",
            "school = \"Même École\"\nbase_url = \"https://example.org/\"\n",
        ),
        (
            "policies/care.md",
            "+++\ntitle = \"Care – and “quotes”\"\nsummary = \"Ünïcödé.\"\nreview = \"Spring 2027\"\n+++\n\n\
             Intro line one\nstill one, [año](policy:care#año).\n\n## Año {audience=staff}\n\n- a\n- b\n\n```\ncode\n```\n\nHard  \nbreak.\n\n\
             <details>\n<summary>More</summary>\n\nHidden.\n\n</details>",
        ),
        (
            "pages/about.md",
            "+++\ntitle = \"About\"\n+++\n\nText\n\n> quote\n",
        ),
        (
            "data/age-limits.toml",
            "checked = \"2026-09-01\"\n\n[[platform]]\nname = \"App\"\nmin_age = 13\n\
             source = \"https://app.example/terms\"\n",
        ),
    ];
    let site = Site::new(&[]);
    for (path, text) in files {
        let target = site.root().join(path);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, encode(text)).unwrap();
    }
    site
}

#[test]
fn decomposed_accents_bom_crlf_mixed_line_ends_and_no_final_newline_give_the_same_site() {
    let clean = site_with(|t| {
        let mut t = t.to_string();
        if !t.ends_with('\n') {
            t.push('\n');
        }
        t.into_bytes()
    });
    let run = clean.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = tree(&clean.root().join("public"));
    let variants: [fn(&str) -> Vec<u8>; 5] = [
        |t| t.nfd().collect::<String>().into_bytes(),
        |t| [b"\xEF\xBB\xBF", t.as_bytes()].concat(),
        |t| t.replace('\n', "\r\n").into_bytes(),
        |t| {
            let mut out = String::new();
            for (i, line) in t.split('\n').enumerate() {
                if i > 0 {
                    // Never a lone CR before an LF: that pair is a CRLF by any reading.
                    out.push_str(["\r\n", "\n", "\r"][i % 3]);
                }
                out.push_str(line);
            }
            out.into_bytes()
        },
        |t| {
            [
                b"\xEF\xBB\xBF",
                t.trim_end().replace('\n', "\r\n").as_bytes(),
            ]
            .concat()
        },
    ];
    for (i, encode) in variants.into_iter().enumerate() {
        let site = site_with(encode);
        let run = site.build(&[]);
        assert_eq!(run.code, 0, "variant {i}: {}", run.stderr);
        assert_same(
            &tree(&site.root().join("public")),
            &expected,
            &format!("variant {i}"),
        );
    }
}

#[test]
fn text_that_is_not_utf8_is_an_error_naming_file_line_and_offset() {
    let site = small_site();
    let utf16: Vec<u8> = "+++\ntitle = \"U\"\n+++\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let cases: [(&str, Vec<u8>); 4] = [
        ("latin1", b"+++\ntitle = \"Caf\xE9\"\n+++\n".to_vec()),
        ("utf16", [&[0xFF, 0xFE][..], &utf16].concat()),
        ("utf16-no-bom", utf16.clone()),
        ("nul", b"+++\ntitle = \"N\"\n+++\n\nText\x00more\n".to_vec()),
    ];
    for (name, bytes) in &cases {
        fs::write(site.root().join(format!("policies/{name}.md")), bytes).unwrap();
    }
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.diagnostics(),
        [
            "./policies/latin1.md:2: error: the file is not UTF-8 (byte 0xE9 at byte offset 16; Latin-1 or Windows-1252 perhaps); save it as UTF-8",
            "./policies/nul.md:5: error: the file has a NUL byte at byte offset 25: it is UTF-16 or not a text file; save it as UTF-8 text",
            "./policies/utf16-no-bom.md:1: error: the file has a NUL byte at byte offset 1: it is UTF-16 or not a text file; save it as UTF-8 text",
            "./policies/utf16.md:1: error: the file is UTF-16; save it as UTF-8",
        ],
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"));
}

#[test]
fn malformed_front_matter_gives_one_error_each_with_file_and_line() {
    let site = small_site();
    for (name, text) in [
        ("empty", ""),
        ("blank", "\n\n  \n"),
        ("only-plus", "+++"),
        ("only-plus-line", "+++\n"),
        ("unclosed", "+++\ntitle = \"U\"\n\nBody text.\n"),
        ("late", "Some words first.\n\n+++\ntitle = \"L\"\n+++\n"),
        ("none", "# Just Markdown\n"),
    ] {
        site.write(&format!("policies/{name}.md"), text);
    }
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.diagnostics(),
        [
            "./policies/blank.md:1: error: the file is empty; it must start with front matter between +++ lines (title = \"...\")",
            "./policies/empty.md:1: error: the file is empty; it must start with front matter between +++ lines (title = \"...\")",
            "./policies/late.md:3: error: front matter must start on line 1, but the first +++ is on line 3",
            "./policies/none.md:1: error: no front matter: the file must start with a +++ line, then title = \"...\", then +++",
            "./policies/only-plus-line.md:1: error: the front matter opened with +++ on line 1 is never closed with a +++ line",
            "./policies/only-plus.md:1: error: the front matter opened with +++ on line 1 is never closed with a +++ line",
            "./policies/unclosed.md:1: error: the front matter opened with +++ on line 1 is never closed with a +++ line",
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn two_sources_for_one_address_are_errors_naming_both_files() {
    let site = small_site();
    site.write("policies/behaviour.md", &policy("Behaviour", "Text.\n"));
    site.write(
        "policies/Behaviour.md",
        &policy("Behaviour again", "Text.\n"),
    );
    site.write("policies/caf\u{e9}.md", &policy("Café one", "Text.\n"));
    site.write("policies/cafe\u{301}.md", &policy("Café two", "Text.\n"));
    site.write(
        "policies/other.md",
        "+++\ntitle = \"Other\"\nid = \"alpha\"\n+++\n",
    );
    site.write(
        "policies/climb.md",
        "+++\ntitle = \"Climb\"\nid = \"../../etc\"\n+++\n",
    );
    site.write(
        "policies/slash.md",
        "+++\ntitle = \"Slash\"\nid = \"policies/alpha\"\n+++\n",
    );
    site.write("pages/About.md", "+++\ntitle = \"About\"\n+++\n");
    site.write("pages/about.md", "+++\ntitle = \"About\"\n+++\n");
    site.write("pages/reviews.md", "+++\ntitle = \"Reviews\"\n+++\n");
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    let errors = run.diagnostics();
    let has = |start: &str, text: &str| {
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with(start) && e.contains(text)),
            "{start} … {text}\n{errors:#?}"
        );
    };
    has(
        "./policies/behaviour.md:1: error: this file and ./policies/Behaviour.md would be published at the same address",
        "differ only in upper/lower case",
    );
    has(
        "./policies/caf\u{e9}.md:1: error: this file and ./policies/cafe\u{301}.md would be published at the same address",
        "how accents are encoded",
    );
    has(
        "./policies/other.md:3: error: policy id \"alpha\" is already used by ./policies/alpha.md",
        "",
    );
    has(
        "./pages/about.md:1: error: this file and ./pages/About.md",
        "same address",
    );
    has(
        "./pages/reviews.md:1: error: a page may not be called \"reviews\"",
        "",
    );
    assert!(!site.root().join("public").exists());
}

/// Every `<...>` tag in `html`, as written.
fn tags(html: &str) -> Vec<&str> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let after = &rest[start..];
        let end = after.find('>').map_or(after.len(), |e| e + 1);
        tags.push(&after[..end]);
        rest = &after[end..];
    }
    tags
}

/// Checks one start tag: a name, then `name` or `name="value"` attributes,
/// none of them an event handler or a style, no URL that runs script.
fn check_tag(tag: &str) -> Result<(), String> {
    if tag.starts_with("</") || tag.starts_with("<!") || tag.starts_with("<?") {
        return Ok(());
    }
    let inner = tag
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .ok_or("unterminated")?;
    let inner = inner.strip_suffix('/').unwrap_or(inner).trim_end();
    let (name, mut rest) = inner.split_at(inner.find(' ').unwrap_or(inner.len()));
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == ':') {
        return Err(format!("bad tag name {name:?}"));
    }
    while !rest.is_empty() {
        rest = rest
            .strip_prefix(' ')
            .ok_or("attributes must be separated by one space")?;
        let end = rest.find([' ', '=']).unwrap_or(rest.len());
        let attribute = &rest[..end];
        if attribute.is_empty()
            || !attribute
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':')
        {
            return Err(format!("bad attribute name {attribute:?}"));
        }
        if attribute.starts_with("on") || attribute == "style" || attribute == "srcdoc" {
            return Err(format!("unsafe attribute {attribute}"));
        }
        rest = &rest[end..];
        if let Some(value) = rest.strip_prefix("=\"") {
            let close = value.find('"').ok_or("unclosed value")?;
            let text = &value[..close];
            if text.contains('<') || text.contains('>') {
                return Err(format!("unescaped < or > in {attribute}"));
            }
            let lower = text.to_ascii_lowercase();
            if lower.trim_start().starts_with("javascript:")
                || lower.trim_start().starts_with("data:")
            {
                return Err(format!("script URL in {attribute}"));
            }
            rest = &value[close + 1..];
        }
    }
    Ok(())
}

/// Checks an iCalendar file: every line is a property (`NAME[;params]:value`)
/// or a folded continuation, and values never start lines of their own.
fn check_calendar(text: &str) -> Result<(), String> {
    let mut events = 0;
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        if line.starts_with(' ') {
            continue;
        }
        let name_end = line
            .find([':', ';'])
            .ok_or(format!("not a property: {line:?}"))?;
        let name = &line[..name_end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_uppercase() || c == '-') {
            return Err(format!("not a property: {line:?}"));
        }
        if name.starts_with("X-INJECTED") {
            return Err(format!("a value started a line: {line:?}"));
        }
        events += usize::from(line == "BEGIN:VEVENT");
    }
    if text.contains('\n') && !text.contains("\r\n") {
        return Err("lines must end in CRLF".into());
    }
    (events == 2)
        .then_some(())
        .ok_or(format!("{events} events instead of 2"))
}

#[test]
fn hostile_values_are_escaped_everywhere_they_land() {
    let site = Site::fixture("hostile");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = tree(&site.root().join("public"));
    assert!(out.len() > 10);
    // The theme's script on every page; the search page also loads the
    // search engine, its records beside it and its own script.
    let theme_script = |tag: &str| {
        tag.starts_with("<script src=\"")
            && [
                "theme/policyweb.js",
                "theme/minisearch.js",
                "theme/search.js",
            ]
            .iter()
            .any(|file| tag.ends_with(&format!("{file}\" defer>")))
            || tag == "<script src=\"index.js\" defer>"
    };
    for (path, bytes) in &out {
        let text = String::from_utf8_lossy(bytes);
        let name = path.display();
        let kind = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if kind == "html" || kind == "xml" || kind == "svg" {
            for tag in tags(&text) {
                if tag.to_ascii_lowercase().starts_with("<script") {
                    assert!(theme_script(tag), "{name}: {tag}");
                }
                if let Err(e) = check_tag(tag) {
                    panic!("{name}: {e} in {tag}");
                }
            }
        } else if kind == "ics" {
            // Plain text, where `<script>` is only words: what matters is
            // that no value can start a line of its own.
            check_calendar(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        } else if kind != "css" && kind != "js" {
            assert!(!text.to_ascii_lowercase().contains("<script"), "{name}");
        }
    }
    let policy =
        String::from_utf8_lossy(&out[Path::new("policies/hostile/index.html")]).into_owned();
    for expected in [
        "<title>Hostile &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &quot;policy&quot; &amp; co \
         | St &lt;script&gt;alert(&#39;school&#39;)&lt;/script&gt; &amp; &quot;Quoted&quot; Primary</title>",
        "<meta name=\"description\" content=\"A summary&quot; onmouseover=&quot;alert(&#39;summary&#39;) \
         &lt;script&gt;alert(&#39;s2&#39;)&lt;/script&gt;\">",
        "<p>Intro with &lt;script&gt;alert('inline')&lt;/script&gt; and \
         &lt;b onclick=&quot;alert(&#39;b&#39;)&quot;&gt;bold&lt;/b&gt;.</p>",
        "&lt;script&gt;\nalert('block');\n&lt;/script&gt;",
        "<iframe src=\"https://forms.example/form\" title=\"Form\"></iframe>",
        "<iframe></iframe>",
        "<p><abbr title=\"x&quot; onmouseover=&quot;alert(&#39;abbr&#39;)\">DSL</abbr></p>",
        "<section id=\"safe-anchor\"",
        "<h2>&lt;img src=x onerror=alert('heading2')&gt; second</h2>",
        "alt=\"alt&quot; onerror=&quot;alert(&#39;alt&#39;)\"",
        "<dd>&lt;img src=x onerror=alert(&#39;approver&#39;)&gt;</dd>",
    ] {
        assert!(policy.contains(expected), "missing {expected}\n{policy}");
    }
    let warnings = run.diagnostics();
    for expected in [
        "./pages/about.md:6: warning: raw HTML <svg> is shown as text",
        "./policies/hostile.md:19: warning: raw HTML <b> is shown as text",
        "./policies/hostile.md:19: warning: raw HTML <script> is shown as text",
        "./policies/hostile.md:21: warning: raw HTML <script> is shown as text",
        "./policies/hostile.md:25: warning: raw HTML <div> is shown as text",
        "./policies/hostile.md:27: warning: removed onload from <iframe>",
        "./policies/hostile.md:29: warning: removed src from <iframe>",
        "./policies/hostile.md:31: warning: removed onclick from <abbr>",
        "./policies/hostile.md:33: warning: raw HTML <script> is shown as text",
        "./policies/hostile.md:35: warning: a link was removed: a javascript: address",
        "./policies/hostile.md:37: warning: an image with a script or data: address was removed",
        "./policies/hostile.md:48: warning: raw HTML <script> is shown as text",
    ] {
        assert!(
            warnings.iter().any(|w| w.starts_with(expected)),
            "{expected}\n{warnings:#?}"
        );
    }
    assert_eq!(warnings.len(), 12, "{warnings:#?}");
}

#[test]
fn script_addresses_in_front_matter_and_data_are_errors() {
    let site = small_site();
    site.write(
        "policies/gamma.md",
        "+++\ntitle = \"Gamma\"\nrelated = [\n  { title = \"x\", url = \"javascript:alert(1)\" },\n]\n+++\n",
    );
    site.write(
        "data/age-limits.toml",
        "checked = \"2026-09-01\"\n\n[[platform]]\nname = \"A\"\nmin_age = 13\nsource = \" data:text/html,x\"\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.errors(),
        [
            "./data/age-limits.toml:6: error: source of \"A\" must be a web address starting with https://, not \" data:text/html,x\"",
            "./policies/gamma.md:4: error: \"javascript:alert(1)\": a javascript: address may not be published (only http, https, mailto, tel and addresses within the site; javascript: could run code or embed data); give the https:// address",
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn hostile_heading_attributes_are_errors() {
    let site = small_site();
    site.write(
        "policies/gamma.md",
        &policy(
            "Gamma",
            "## One {#x\"onclick=y}\n\n## Two {.cls onmouseover=z}\n\n## Three {#pw-main}\n",
        ),
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.diagnostics(),
        [
            "./policies/gamma.md:6: error: anchor \"#x\"onclick=y\" may hold only letters, digits, - and _, and may not start with pw- or fn-",
            "./policies/gamma.md:8: error: unknown heading attribute \"onmouseover\" (only {#anchor audience=...} is understood)",
            "./policies/gamma.md:10: error: anchor \"#pw-main\" may hold only letters, digits, - and _, and may not start with pw- or fn-",
        ],
        "{}",
        run.stderr
    );
}

/// Builds a site whose one policy has `body`, returning the run and how long it took.
fn timed_build(body: &str) -> (Run, Duration) {
    let site = Site::new(&[
        ("site.toml", "school = \"P\"\n"),
        ("policies/p.md", &policy("P", body)),
    ]);
    let start = Instant::now();
    let run = site.build(&[]);
    (run, start.elapsed())
}

#[test]
fn pathological_markdown_finishes_in_bounded_time() {
    let cases: [(&str, String); 7] = [
        ("100,000 nested quotes", ">".repeat(100_000) + " deep\n"),
        ("100,000 nested lists", "- ".repeat(100_000) + "x\n"),
        (
            "100,000 nested ordered lists",
            "1. ".repeat(100_000) + "x\n",
        ),
        (
            "10,000 footnotes",
            (0..10_000)
                .map(|i| format!("Text[^n{i}].\n"))
                .collect::<String>()
                + "\n"
                + &(0..10_000)
                    .map(|i| format!("[^n{i}]: Note {i}.\n"))
                    .collect::<String>(),
        ),
        ("100,000 open brackets", "[".repeat(100_000) + "\n"),
        ("100,000 open tags", "<details>".repeat(100_000) + "\n"),
        ("50,000 open emphasis", "*a ".repeat(50_000) + "\n"),
    ];
    for (name, body) in cases {
        let (run, took) = timed_build(&body);
        println!("{name}: exit {} in {:.2} s", run.code, took.as_secs_f64());
        assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
        assert!(run.code == 0 || run.code == 1, "{name}: {}", run.stderr);
        assert!(took < Duration::from_secs(60), "{name} took {took:?}");
    }
    let (run, took) =
        timed_build(&"A line of a very long policy, repeated many times.\n".repeat(420_000));
    println!(
        "a 21 MB policy: exit {} in {:.2} s",
        run.code,
        took.as_secs_f64()
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("./policies/p.md: error: the file is too large (20.4 MB); policyweb reads files of up to 5 MB"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_environment_and_file_order_change_nothing() {
    let files: Vec<(String, String)> = (0..12)
        .map(|i| {
            // Pairs of policies share a title, so ties are broken by id.
            let title = format!("Shared title {}", i / 2);
            (
                format!("policies/p{i:02}.md"),
                format!(
                    "+++\ntitle = \"{title}\"\ncategory = \"{}\"\nreview = \"2026-{:02}-01\"\n+++\n\n## İstanbul ı i {{audience=staff}}\n\nText {i}.\n",
                    ["Safety", "safety", "Premises"][i % 3],
                    1 + i % 4
                ),
            )
        })
        .collect();
    let build = |reverse: bool, env: &[(&str, &str)]| {
        let site = Site::new(&[(
            "site.toml",
            "school = \"Env\"\nbase_url = \"https://example.org/\"\n",
        )]);
        let mut order: Vec<&(String, String)> = files.iter().collect();
        if reverse {
            order.reverse();
        }
        for (path, text) in order {
            site.write(path, text);
            std::thread::sleep(Duration::from_millis(2));
        }
        let output = Command::new(BIN)
            .args(["build", ".", "--today", "2026-11-21"])
            .current_dir(site.root())
            .env_clear()
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        tree(&site.root().join("public"))
    };
    let first = build(false, &[("TZ", "UTC"), ("LANG", "C"), ("LC_ALL", "C")]);
    let second = build(
        true,
        &[
            ("TZ", "Pacific/Kiritimati"),
            ("LANG", "tr_TR.UTF-8"),
            ("LC_ALL", "tr_TR.UTF-8"),
        ],
    );
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(second[path] == *bytes, "{} differs", path.display());
    }
}
