//! Reading a site's source files: decoding text, splitting front matter from
//! the body, and turning each file into a typed policy or page.
//!
//! Everything here looks at one file at a time (plus site.toml), so files are
//! parsed in parallel and a file's result depends only on its own bytes.

pub mod archive;
pub mod page;
pub mod policy;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use unicode_normalization::{IsNormalized, UnicodeNormalization};
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, Kind};
use crate::markers;
use crate::tomlfile::TomlSource;

/// The largest source file policyweb reads (5 MiB: a hundred times a long policy).
pub const MAX_SOURCE_BYTES: u64 = 5 * 1024 * 1024;

/// A source file's text after decoding: UTF-8 without BOM, `\n` line ends,
/// ending with a newline, in Unicode normal form C, so that the same words
/// give the same site (and the same anchors) however an editor saved them.
///
/// Text that is not UTF-8 (Latin-1, UTF-16, a binary file) and control
/// characters that no web page may carry are errors naming the byte offset
/// and line.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String, Diagnostic> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Diagnostic::error(
            path,
            Some(1),
            "the file is UTF-16; save it as UTF-8",
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let line_of = |offset: usize| 1 + memchr::memchr_iter(b'\n', &bytes[..offset]).count();
    if let Some(offset) = memchr::memchr(0, bytes) {
        return Err(Diagnostic::error(
            path,
            Some(line_of(offset)),
            format!(
                "the file has a NUL byte at byte offset {offset}: it is UTF-16 or not a text file; save it as UTF-8 text"
            ),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        Diagnostic::error(
            path,
            Some(line_of(offset)),
            format!(
                "the file is not UTF-8 (byte 0x{:02X} at byte offset {offset}; Latin-1 or Windows-1252 perhaps); save it as UTF-8",
                bytes[offset]
            ),
        )
    })?;
    if let Some(offset) = forbidden_control(bytes) {
        let c = text[offset..].chars().next().unwrap_or_default();
        return Err(Diagnostic::error(
            path,
            Some(line_of(offset)),
            format!(
                "the file has an invisible control character (U+{:04X}) at byte offset {offset}; delete it",
                u32::from(c)
            ),
        ));
    }
    let mut text = if memchr::memchr(b'\r', bytes).is_some() {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    // ASCII is already NFC, and the quick check starts afresh at each ASCII
    // character, so only the text from the first other character is checked.
    if !text.is_ascii()
        && let Some(first) = text.bytes().position(|b| !b.is_ascii())
        && unicode_normalization::is_nfc_quick(text[first..].chars()) != IsNormalized::Yes
    {
        text = text.nfc().collect();
    }
    Ok(match markers::sanitize(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(sanitized) => sanitized,
    })
}

/// C0 control characters other than tab and line ends: no HTML page, feed
/// or calendar may hold them, and editors only leave them by accident.
fn is_forbidden_control(b: u8) -> bool {
    b.is_ascii_control() && !matches!(b, b'\t' | b'\n' | b'\r' | 0x7F)
}

/// The offset of the first forbidden control character in `bytes`. They are
/// ASCII, and no byte of a longer UTF-8 character is, so a scan of bytes
/// finds them; it looks at 64 bytes at a time, which the compiler turns into
/// vector instructions, since almost no file has one.
fn forbidden_control(bytes: &[u8]) -> Option<usize> {
    const CHUNK: usize = 64;
    let chunk = bytes.chunks(CHUNK).position(|chunk| {
        chunk
            .iter()
            .fold(false, |any, &b| any | is_forbidden_control(b))
    })?;
    let start = chunk * CHUNK;
    bytes[start..]
        .iter()
        .position(|&b| is_forbidden_control(b))
        .map(|at| start + at)
}

/// Reads and decodes a source file; a file over [`MAX_SOURCE_BYTES`], a
/// symbolic link, or anything but a regular file, is an error.
pub fn read(path: &Path) -> Result<String, Diagnostic> {
    let cannot = |e: std::io::Error| Diagnostic::error(path, None, format!("cannot read: {e}"));
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Diagnostic::error(
            path,
            None,
            skipped_link(path).replacen("skipped", "refused", 1),
        ));
    }
    let file = fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err(Diagnostic::error(path, None, "is not a regular file"));
    }
    let mut bytes = Vec::new();
    file.take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(Diagnostic::error(
            path,
            None,
            format!(
                "the file is too large ({:.1} MB); policyweb reads files of up to {} MB: split it into smaller policies or pages",
                meta.len().max(bytes.len() as u64) as f64 / 1_048_576.0,
                MAX_SOURCE_BYTES / 1_048_576
            ),
        ));
    }
    decode(path, &bytes)
}

/// A file split into its TOML front matter and Markdown body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts<'a> {
    /// The TOML between the `+++` lines (starts on line 2).
    pub front_matter: &'a str,
    /// The Markdown after the closing `+++`.
    pub body: &'a str,
    /// The file line the body starts on.
    pub body_line: usize,
}

/// A source file split, with its front matter read.
pub struct Front<'t, F> {
    /// The front matter, typed.
    pub front: F,
    /// Where the body is.
    pub parts: Parts<'t>,
    /// The front matter's text, to find the line of each key.
    pub toml: TomlSource<'t>,
}

/// Splits decoded text and reads its front matter as `F`.
pub fn front_matter<'t, F: DeserializeOwned>(
    path: &'t Path,
    text: &'t str,
) -> Result<Front<'t, F>, Diagnostic> {
    let parts = split(path, text)?;
    let toml = TomlSource::new(path, parts.front_matter, 2);
    let front = toml.parse()?;
    Ok(Front { front, parts, toml })
}

/// Splits decoded text at its `+++` front matter lines.
pub fn split<'t>(path: &Path, text: &'t str) -> Result<Parts<'t>, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error(
            path,
            Some(1),
            "the file is empty; it must start with front matter between +++ lines (title = \"...\")",
        ));
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "+++" {
        let later = text
            .lines()
            .position(|l| l.trim_end() == "+++")
            .map(|i| i + 1);
        let message = match later {
            Some(line) => format!(
                "front matter must start on line 1, but the first +++ is on line {line}"
            ),
            None => "no front matter: the file must start with a +++ line, then title = \"...\", then +++"
                .to_string(),
        };
        return Err(Diagnostic::error(path, Some(later.unwrap_or(1)), message));
    }
    let start = first.len();
    let mut offset = start;
    for (n, line) in lines.enumerate() {
        if line.trim_end() == "+++" {
            return Ok(Parts {
                front_matter: &text[start..offset],
                body: &text[offset + line.len()..],
                body_line: n + 3,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        path,
        Some(1),
        "the front matter opened with +++ on line 1 is never closed with a +++ line",
    ))
}

/// Whether a file name looks like an editor's temporary or backup file.
pub fn is_editor_temp(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('~')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with('#')
}

/// The `.md` files under `dir`, sorted by path; a missing folder has none.
///
/// Symbolic links are never followed (see [`site_files`]). Two files whose
/// names differ only in case or Unicode form would be published at the same
/// address, so they are an error naming both.
pub fn markdown_files(dir: &Path, diagnostics: &mut Diagnostics) -> Vec<PathBuf> {
    let files: Vec<PathBuf> = site_files(dir, diagnostics)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    let mut seen: BTreeMap<String, &PathBuf> = BTreeMap::new();
    for path in &files {
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        let key: String = stem.nfc().flat_map(char::to_lowercase).collect();
        if let Some(first) = seen.insert(key, path) {
            diagnostics.error(
                path,
                Some(1),
                format!(
                    "this file and {} would be published at the same address (their names differ only in upper/lower case or in how accents are encoded); rename or merge one",
                    first.display()
                ),
            );
        }
    }
    files
}

/// Every regular file under `dir` (a site's `policies/`, `pages/`,
/// `templates/` or `theme/`), sorted by path; a missing folder has none.
///
/// Hidden files and folders and editor backups are left out. Symbolic links
/// are not followed, so that a site cannot publish files from elsewhere on the
/// machine and a link loop cannot make the walk go on for ever: each is
/// skipped with a warning naming it and saying where it points (outside the
/// site, nowhere, or round in a loop).
pub fn site_files(dir: &Path, diagnostics: &mut Diagnostics) -> Vec<PathBuf> {
    let Ok(meta) = fs::symlink_metadata(dir) else {
        return Vec::new();
    };
    if meta.file_type().is_symlink() {
        diagnostics.warning(dir, None, Kind::UnreadFile, skipped_link(dir));
        return Vec::new();
    }
    if !meta.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    let walk = WalkDir::new(dir)
        .follow_links(false)
        .follow_root_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_editor_temp(&e.file_name().to_string_lossy()));
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                diagnostics.warning(&path, None, Kind::UnreadFile, format!("skipped: {e}"));
                continue;
            }
        };
        if entry.path_is_symlink() {
            diagnostics.warning(
                entry.path(),
                None,
                Kind::UnreadFile,
                skipped_link(entry.path()),
            );
        } else if entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    files
}

/// The `/`-separated name of `path` inside `dir` (`partials/status.html`),
/// as templates and theme files are known by; `None` when it is not inside.
pub fn name_in(dir: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(dir).ok()?;
    Some(
        relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// The warning for a symbolic link at `path`, saying where it leads.
fn skipped_link(path: &Path) -> String {
    let site = path
        .ancestors()
        .find(|a| a.join("site.toml").is_file())
        .and_then(|a| a.canonicalize().ok());
    let target = fs::read_link(path)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    let where_to = match path.canonicalize() {
        Ok(real) if site.as_ref().is_some_and(|s| real.starts_with(s)) => {
            format!("it points to {}", real.display())
        }
        Ok(real) => format!("it points outside the site, to {}", real.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            format!("it points to {target}, which does not exist")
        }
        Err(e) => format!("it cannot be followed ({e})"),
    };
    format!(
        "skipped a symbolic link: {where_to}; policyweb does not follow links, so copy the file or folder into the site instead"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_err(text: &str) -> String {
        split(Path::new("p.md"), text).unwrap_err().to_string()
    }

    #[test]
    fn splits_at_the_plus_lines() {
        let parts = split(Path::new("p.md"), "+++\ntitle = \"A\"\n+++\n\nBody\n").unwrap();
        assert_eq!(parts.front_matter, "title = \"A\"\n");
        assert_eq!(parts.body, "\nBody\n");
        assert_eq!(parts.body_line, 4);
    }

    #[test]
    fn each_malformed_file_has_one_clear_error() {
        assert!(split_err("").starts_with("p.md:1: error: the file is empty"));
        assert!(split_err("  \n\n").starts_with("p.md:1: error: the file is empty"));
        assert!(split_err("+++\n").contains("never closed"));
        assert!(split_err("+++").contains("never closed"));
        assert!(split_err("+++\ntitle = \"A\"\n").contains("never closed"));
        assert_eq!(
            split_err("Intro\n+++\ntitle = \"A\"\n+++\n"),
            "p.md:2: error: front matter must start on line 1, but the first +++ is on line 2"
        );
        assert!(split_err("# Just markdown\n").starts_with("p.md:1: error: no front matter"));
    }

    #[test]
    fn decoding_normalises_line_ends_bom_and_the_last_newline() {
        let p = Path::new("p.md");
        let clean = "+++\ntitle = \"A\"\n+++\nBody\n";
        for bytes in [
            &b"+++\ntitle = \"A\"\n+++\nBody\n"[..],
            b"\xEF\xBB\xBF+++\ntitle = \"A\"\n+++\nBody\n",
            b"+++\r\ntitle = \"A\"\r\n+++\r\nBody\r\n",
            b"+++\r\ntitle = \"A\"\n+++\rBody",
            b"+++\ntitle = \"A\"\n+++\nBody",
        ] {
            assert_eq!(decode(p, bytes).unwrap(), clean, "{bytes:?}");
        }
        assert_eq!(decode(p, b"").unwrap(), "");
        assert_eq!(
            decode(p, "## An\u{303}o\n".as_bytes()).unwrap(),
            "## A\u{f1}o\n",
            "decomposed accents are composed"
        );
    }

    #[test]
    fn undecodable_bytes_name_their_offset_and_line() {
        let p = Path::new("p.md");
        let cases: [(&[u8], &str); 6] = [
            (b"\xFF\xFEa\x00", "p.md:1: error: the file is UTF-16"),
            (b"\xFE\xFF\x00a", "p.md:1: error: the file is UTF-16"),
            (
                b"ab\nc\x00d",
                "p.md:2: error: the file has a NUL byte at byte offset 4",
            ),
            (
                b"+++\ntitle = \"Caf\xE9\"\n",
                "p.md:2: error: the file is not UTF-8 (byte 0xE9 at byte offset 16",
            ),
            (
                b"a\n\nb\x1Bc",
                "p.md:3: error: the file has an invisible control character (U+001B) at byte offset 4",
            ),
            (
                b"\xEF\xBB\xBFx\x0C",
                "p.md:1: error: the file has an invisible control character (U+000C) at byte offset 1",
            ),
        ];
        for (bytes, expected) in cases {
            let err = decode(p, bytes).unwrap_err().to_string();
            assert!(err.starts_with(expected), "{err}\nexpected: {expected}");
        }
    }

    #[test]
    fn reading_refuses_oversized_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.md");
        let mut text = "+++\ntitle = \"Big\"\n+++\n".to_string();
        text.push_str(&"A line of a very long policy.\n".repeat(200_000));
        fs::write(&path, &text).unwrap();
        let err = read(&path).unwrap_err();
        assert!(err.message.contains("too large (5.7 MB)"), "{err}");
        assert!(err.message.contains("up to 5 MB"), "{err}");
        fs::write(&path, &text[..4_000_000]).unwrap();
        assert!(read(&path).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn reading_refuses_links_and_special_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("secret.toml"), "x = 1").unwrap();
        let link = dir.path().join("linked.toml");
        std::os::unix::fs::symlink(dir.path().join("secret.toml"), &link).unwrap();
        let err = read(&link).unwrap_err();
        assert!(
            err.message
                .starts_with("refused a symbolic link: it points"),
            "{err}"
        );
        let err = read(dir.path()).unwrap_err();
        assert_eq!(err.message, "is not a regular file");
    }

    #[test]
    fn names_differing_only_in_case_or_unicode_form_clash() {
        let dir = tempfile::tempdir().unwrap();
        let policies = dir.path().join("policies");
        fs::create_dir(&policies).unwrap();
        for name in [
            "Behaviour.md",
            "behaviour.md",
            "caf\u{e9}.md",
            "cafe\u{301}.md",
            "other.md",
        ] {
            fs::write(policies.join(name), "x").unwrap();
        }
        let mut d = Diagnostics::new();
        let files = markdown_files(&policies, &mut d);
        assert_eq!(files.len(), 5);
        let errors: Vec<String> = d.sorted().iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert!(
            errors[0].contains("behaviour.md:1: error: this file and "),
            "{errors:#?}"
        );
        assert!(errors[0].contains("Behaviour.md would be published at the same address"));
        assert!(errors[1].contains(".md would be published at the same address"));
    }

    #[cfg(unix)]
    #[test]
    fn links_are_skipped_with_where_they_point() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        let site = dir.path().join("site");
        let policies = site.join("policies");
        fs::create_dir_all(&outside).unwrap();
        fs::create_dir_all(&policies).unwrap();
        fs::write(site.join("site.toml"), "school = \"S\"\n").unwrap();
        fs::write(outside.join("secret.md"), "secret").unwrap();
        fs::write(policies.join("real.md"), "x").unwrap();
        symlink(outside.join("secret.md"), policies.join("a-outside.md")).unwrap();
        symlink(&outside, policies.join("b-folder")).unwrap();
        symlink(policies.join("c-loop.md"), policies.join("c-loop.md")).unwrap();
        symlink(policies.join("gone.md"), policies.join("d-dangling.md")).unwrap();
        symlink(policies.join("real.md"), policies.join("e-inside.md")).unwrap();
        symlink(&policies, policies.join("f-self")).unwrap();
        let mut d = Diagnostics::new();
        let files = markdown_files(&policies, &mut d);
        assert_eq!(files, [policies.join("real.md")]);
        let warnings: Vec<String> = d.sorted().iter().map(ToString::to_string).collect();
        assert_eq!(warnings.len(), 6, "{warnings:#?}");
        let expect = [
            ("a-outside.md", "it points outside the site, to"),
            ("b-folder", "it points outside the site, to"),
            ("c-loop.md", "it cannot be followed"),
            ("d-dangling.md", "gone.md, which does not exist"),
            ("e-inside.md", "it points to"),
            ("f-self", "it points to"),
        ];
        for (w, (name, text)) in warnings.iter().zip(expect) {
            assert!(
                w.contains(&format!("{name}: warning: skipped a symbolic link")),
                "{w}"
            );
            assert!(w.contains(text), "{w}");
        }

        let linked = site.join("pages");
        symlink(&outside, &linked).unwrap();
        let mut d = Diagnostics::new();
        assert!(site_files(&linked, &mut d).is_empty());
        assert!(
            d.sorted()[0]
                .to_string()
                .contains("pages: warning: skipped a symbolic link: it points outside the site")
        );
    }

    #[test]
    fn hidden_folders_and_backups_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            ".git/config.md",
            "a.md~",
            "#b.md#",
            "sub/c.md",
            ".d.md",
            "e.md",
        ] {
            let path = dir.path().join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "x").unwrap();
        }
        let mut d = Diagnostics::new();
        let files = site_files(dir.path(), &mut d);
        assert_eq!(
            files,
            [dir.path().join("e.md"), dir.path().join("sub/c.md")]
        );
    }
}
