//! Reading a site's source files: decoding text, splitting front matter from
//! the body, and turning each file into a typed policy or page.
//!
//! Everything here looks at one file at a time (plus site.toml), so files are
//! parsed in parallel and a file's result depends only on its own bytes.

pub mod page;
pub mod policy;

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markers;

/// A source file's text after decoding: UTF-8 without BOM, `\n` line ends.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String, Diagnostic> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Diagnostic::error(
            path,
            None,
            "the file is UTF-16; save it as UTF-8",
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(Diagnostic::error(
            path,
            None,
            format!("the file has a NUL byte at offset {offset}; is it a text file?"),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(
            path,
            None,
            format!(
                "the file is not UTF-8 (invalid byte at offset {}); save it as UTF-8",
                e.valid_up_to()
            ),
        )
    })?;
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    Ok(markers::sanitize(&text).into_owned())
}

/// Reads and decodes a file.
pub fn read(path: &Path) -> Result<String, Diagnostic> {
    let bytes =
        fs::read(path).map_err(|e| Diagnostic::error(path, None, format!("cannot read: {e}")))?;
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
/// Symlinks are not followed out of the folder: a link is refused with a
/// warning naming it, so that a site cannot publish files from elsewhere.
pub fn markdown_files(dir: &Path, diagnostics: &mut Diagnostics) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                diagnostics.warning(&path, None, format!("skipped: {e}"));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if entry.depth() > 0 && is_editor_temp(&name) {
            continue;
        }
        if entry.path_is_symlink() {
            diagnostics.warning(
                entry.path(),
                None,
                "skipped: symbolic links are not followed; copy the file into the site instead",
            );
            continue;
        }
        if entry.file_type().is_file() && name.ends_with(".md") {
            files.push(entry.into_path());
        }
    }
    files
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
    fn decoding_normalises_and_refuses_binary() {
        let p = Path::new("p.md");
        assert_eq!(decode(p, b"\xEF\xBB\xBFa\r\nb\rc").unwrap(), "a\nb\nc");
        assert!(
            decode(p, b"\xFF\xFEa\x00")
                .unwrap_err()
                .message
                .contains("UTF-16")
        );
        assert!(
            decode(p, b"ab\x00c")
                .unwrap_err()
                .message
                .contains("offset 2")
        );
        assert!(
            decode(p, b"caf\xE9")
                .unwrap_err()
                .message
                .contains("offset 3")
        );
    }
}
