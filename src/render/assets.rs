//! The theme's static files: the defaults embedded in the binary, overridden
//! or added to, file by file, by the site's own `theme/` folder.

use std::collections::BTreeMap;
use std::path::Path;

use walkdir::WalkDir;

use crate::diagnostics::Diagnostics;
use crate::source;

/// The default theme files, by path under `theme/`.
pub const DEFAULTS: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../theme/style.css")),
    ("policyweb.js", include_bytes!("../../theme/policyweb.js")),
    ("favicon.svg", include_bytes!("../../theme/favicon.svg")),
];

/// Every theme file to publish, by path under `theme/`: the defaults, then
/// the site's own files (which replace defaults of the same name).
pub fn collect(root: &Path, diagnostics: &mut Diagnostics) -> BTreeMap<String, Vec<u8>> {
    let mut files: BTreeMap<String, Vec<u8>> = DEFAULTS
        .iter()
        .map(|(path, bytes)| (path.to_string(), bytes.to_vec()))
        .collect();
    let dir = root.join("theme");
    if !dir.is_dir() {
        return files;
    }
    for entry in WalkDir::new(&dir).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                diagnostics.warning(e.path().unwrap_or(&dir), None, format!("skipped: {e}"));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if entry.depth() == 0 || source::is_editor_temp(&name) {
            continue;
        }
        if entry.path_is_symlink() {
            diagnostics.warning(
                entry.path(),
                None,
                "skipped: symbolic links are not followed; copy the file into the theme instead",
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(&dir) else {
            continue;
        };
        let key = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        match std::fs::read(entry.path()) {
            Ok(bytes) => {
                files.insert(key, bytes);
            }
            Err(e) => diagnostics.error(entry.path(), None, format!("cannot read: {e}")),
        }
    }
    files
}
