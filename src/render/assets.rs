//! The theme's static files: the defaults embedded in the binary, overridden
//! or added to, file by file, by the site's own `theme/` folder.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostics::Diagnostics;
use crate::source;

/// The default theme files, by path under `theme/`.
pub const DEFAULTS: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../theme/style.css")),
    ("policyweb.js", include_bytes!("../../theme/policyweb.js")),
    ("favicon.svg", include_bytes!("../../theme/favicon.svg")),
    ("search.js", include_bytes!("../../theme/search.js")),
    ("minisearch.js", include_bytes!("../../theme/minisearch.js")),
];

/// Every theme file to publish, by path under `theme/`: the defaults, then
/// the site's own files (which replace defaults of the same name).
pub fn collect(root: &Path, diagnostics: &mut Diagnostics) -> BTreeMap<String, Vec<u8>> {
    let mut files: BTreeMap<String, Vec<u8>> = DEFAULTS
        .iter()
        .map(|(path, bytes)| (path.to_string(), bytes.to_vec()))
        .collect();
    let dir = root.join("theme");
    for path in source::site_files(&dir, diagnostics) {
        let Some(key) = source::name_in(&dir, &path) else {
            continue;
        };
        match std::fs::read(&path) {
            Ok(bytes) => {
                files.insert(key, bytes);
            }
            Err(e) => diagnostics.error(&path, None, format!("cannot read: {e}")),
        }
    }
    files
}
