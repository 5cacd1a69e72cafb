//! A free page (`pages/*.md`): an accessibility statement, an editing guide.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::config::is_valid_id;
use crate::diagnostics::Diagnostics;
use crate::markdown::{self, Body};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: Option<Spanned<String>>,
    summary: Option<String>,
}

/// A free page as its file says.
#[derive(Debug, Clone)]
pub struct PageSource {
    /// The file.
    pub path: PathBuf,
    /// The page's folder name in the output: the file name without `.md`.
    pub id: String,
    /// The title.
    pub title: String,
    /// One sentence about the page.
    pub summary: Option<String>,
    /// The parsed body.
    pub body: Body,
}

/// Parses one page file, keeping the raw HTML tags in `allow_html` beyond the
/// default ones; `None` when it has errors.
pub fn parse(
    path: &Path,
    text: &str,
    allow_html: &[String],
    diagnostics: &mut Diagnostics,
) -> Option<PageSource> {
    let super::Front { front, parts, .. } = match super::front_matter::<FrontMatter>(path, text) {
        Ok(read) => read,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let errors_before = diagnostics.error_count();
    let title = match front.title {
        Some(t) if !t.get_ref().trim().is_empty() => t.into_inner().trim().to_string(),
        _ => {
            diagnostics.error(
                path,
                Some(1),
                "the front matter has no title (add title = \"...\")",
            );
            String::new()
        }
    };
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !is_valid_id(&id) {
        diagnostics.error(
            path,
            Some(1),
            format!(
                "the file name \"{id}\" cannot be a page's address (lower-case letters, digits and hyphens)"
            ),
        );
    }
    let settings = markdown::Settings {
        allow_html,
        ..Default::default()
    };
    let body = markdown::parse_with(path, parts.body, parts.body_line, settings, diagnostics);
    (diagnostics.error_count() == errors_before).then(|| PageSource {
        path: path.to_path_buf(),
        id,
        title,
        summary: front.summary.map(|s| s.trim().to_string()),
        body,
    })
}
