//! `policyweb new`: a small site that builds at once, to start from.

use std::fs;
use std::path::Path;

use crate::diagnostics::Diagnostic;

/// The files of a new site, by path.
const FILES: &[(&str, &str)] = &[
    ("site.toml", include_str!("scaffold_files/site.toml")),
    (
        "policies/behaviour.md",
        include_str!("scaffold_files/behaviour.md"),
    ),
    (
        "policies/online-safety.md",
        include_str!("scaffold_files/online-safety.md"),
    ),
    (
        "data/age-limits.toml",
        include_str!("scaffold_files/age-limits.toml"),
    ),
    ("pages/about.md", include_str!("scaffold_files/about.md")),
];

/// Creates a new site in `dir`, which must not exist or be empty.
pub fn create(dir: &Path) -> Result<(), Diagnostic> {
    let error = |message: String| Diagnostic::error(dir, None, message);
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(|e| error(format!("cannot read: {e}")))?;
        if entries.next().is_some() {
            return Err(error(
                "the folder is not empty; `policyweb new` only creates a site in a new or empty folder"
                    .into(),
            ));
        }
    }
    for (path, text) in FILES {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| error(format!("cannot create {}: {e}", parent.display())))?;
        }
        fs::write(&target, text)
            .map_err(|e| error(format!("cannot write {}: {e}", target.display())))?;
    }
    Ok(())
}
