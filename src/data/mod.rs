//! The optional data files of a site (`data/*.toml`).

pub mod age_limits;

use std::path::Path;

use crate::diagnostics::Diagnostics;
use crate::source;

pub use age_limits::{AgeLimits, Platform};

/// Everything in a site's `data/` folder.
#[derive(Debug, Clone, Default)]
pub struct SiteData {
    /// `data/age-limits.toml`, when the site has it.
    pub age_limits: Option<AgeLimits>,
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
        SiteData { age_limits }
    }
}
