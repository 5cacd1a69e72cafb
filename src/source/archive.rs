//! The archive of approved versions: `archive/<id>/<YYYY-MM-DD>.md`, each a
//! full policy source as the board approved it on that day.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::{policy::PolicySource, site_files};
use crate::config::{SiteConfig, is_valid_id};
use crate::dates;
use crate::diagnostics::{Diagnostics, Kind};
use crate::markdown::TermMatcher;

/// One archived version's file, before it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveFile {
    /// The policy's id: the folder's name.
    pub id: String,
    /// The day it was approved: the file's name.
    pub date: Date,
    /// The file.
    pub path: PathBuf,
}

/// One archived version, read.
#[derive(Debug, Clone)]
pub struct ArchivedVersion {
    /// The day it was approved.
    pub date: Date,
    /// The policy as it was.
    pub source: PolicySource,
}

/// The archive's files, sorted by id and date. A file that is not
/// `archive/<id>/<YYYY-MM-DD>.md` is a warning saying what to rename it to.
pub fn files(root: &Path, diagnostics: &mut Diagnostics) -> Vec<ArchiveFile> {
    let dir = root.join("archive");
    let mut found = Vec::new();
    for path in site_files(&dir, diagnostics) {
        let Ok(relative) = path.strip_prefix(&dir) else {
            continue;
        };
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let [id, name] = parts.as_slice() else {
            diagnostics.warning(
                &path,
                None, Kind::UnreadFile,
                "an archived version goes in archive/<policy id>/<date approved>.md, for example archive/behaviour/2025-06-12.md; this file is not read",
            );
            continue;
        };
        let date = name
            .strip_suffix(".md")
            .and_then(|stem| dates::parse_day(stem).ok());
        match (is_valid_id(id), date) {
            (true, Some(date)) => found.push(ArchiveFile {
                id: id.clone(),
                date,
                path,
            }),
            _ => diagnostics.warning(
                &path,
                None, Kind::UnreadFile,
                format!(
                    "an archived version is named by the day it was approved, in the folder of its policy's id, \
                     such as archive/{}/2025-06-12.md; rename this file so it is read",
                    if is_valid_id(id) { id.as_str() } else { "behaviour" }
                ),
            ),
        }
    }
    found.sort_by(|a, b| (&a.id, a.date).cmp(&(&b.id, b.date)));
    found
}

/// Reads and parses one archived version; its problems name its own file.
pub fn read(
    file: &ArchiveFile,
    config: &SiteConfig,
    glossary: Option<&TermMatcher>,
    diagnostics: &mut Diagnostics,
) -> Option<ArchivedVersion> {
    let text = match super::read(&file.path) {
        Ok(text) => text,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let mut source = super::policy::parse(&file.path, &text, config, glossary, diagnostics)?;
    // Its id is its folder's: an `id` line, or the file name, says otherwise.
    source.id = file.id.clone();
    Some(ArchivedVersion {
        date: file.date,
        source,
    })
}
