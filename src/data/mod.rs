//! The optional data files of a site (`data/*.toml`).

pub mod age_limits;
pub mod glossary;
pub mod references;

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;
use crate::source;

pub use age_limits::{AgeLimits, Platform};
pub use glossary::{Glossary, Term, TermLink};
pub use references::References;

/// Everything in a site's `data/` folder.
#[derive(Debug, Clone, Default)]
pub struct SiteData {
    /// `data/age-limits.toml`, when the site has it.
    pub age_limits: Option<AgeLimits>,
    /// `data/glossary.toml`, when the site has it.
    pub glossary: Option<Glossary>,
    /// Replaced law and guidance: built in, with `data/references.toml`.
    pub references: Option<References>,
}

impl SiteData {
    /// Reads the data files under `root/data`, reporting problems into `diagnostics`.
    pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> SiteData {
        let path = root.join("data").join("age-limits.toml");
        let age_limits = if path.is_file() {
            match source::read(&path) {
                Ok(text) => age_limits::parse(&path, &text, diagnostics),
                Err(d) => {
                    diagnostics.push(d);
                    None
                }
            }
        } else {
            None
        };
        let glossary = read_optional(&root.join("data").join("glossary.toml"), diagnostics)
            .and_then(|(path, text)| glossary::parse(&path, &text, diagnostics));
        let references = References::load(root, diagnostics);
        SiteData {
            age_limits,
            glossary,
            references,
        }
    }
}

/// The text of `path` when the file exists; a read error is reported.
fn read_optional(path: &Path, diagnostics: &mut Diagnostics) -> Option<(PathBuf, String)> {
    if !path.is_file() {
        return None;
    }
    match source::read(path) {
        Ok(text) => Some((path.to_path_buf(), text)),
        Err(d) => {
            diagnostics.push(d);
            None
        }
    }
}
