//! The tera templates: the defaults embedded in the binary, overridden file by
//! file by the site's own `templates/` folder, compiled once per build.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tera::{Context, ErrorKind, Kwargs, State, Tera, Value};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::source;

/// The default templates, by name.
pub const DEFAULTS: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("policy.html", include_str!("../../templates/policy.html")),
    (
        "audience.html",
        include_str!("../../templates/audience.html"),
    ),
    (
        "handbook.html",
        include_str!("../../templates/handbook.html"),
    ),
    ("page.html", include_str!("../../templates/page.html")),
    ("reviews.html", include_str!("../../templates/reviews.html")),
    (
        "age_limits.html",
        include_str!("../../templates/age_limits.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    (
        "glossary.html",
        include_str!("../../templates/glossary.html"),
    ),
    (
        "compliance.html",
        include_str!("../../templates/compliance.html"),
    ),
    (
        "withdrawn.html",
        include_str!("../../templates/withdrawn.html"),
    ),
    ("version.html", include_str!("../../templates/version.html")),
    ("changes.html", include_str!("../../templates/changes.html")),
    ("search.html", include_str!("../../templates/search.html")),
    (
        "partials/status.html",
        include_str!("../../templates/partials/status.html"),
    ),
    (
        "partials/duty_row.html",
        include_str!("../../templates/partials/duty_row.html"),
    ),
    (
        "partials/recent_changes.html",
        include_str!("../../templates/partials/recent_changes.html"),
    ),
    (
        "partials/icon.html",
        include_str!("../../templates/partials/icon.html"),
    ),
    (
        "partials/policy_list.html",
        include_str!("../../templates/partials/policy_list.html"),
    ),
    (
        "shortcodes/age_limits.html",
        include_str!("../../templates/shortcodes/age_limits.html"),
    ),
];

/// The compiled templates, and where each came from (for error messages).
pub struct Templates {
    tera: Tera,
    origins: BTreeMap<String, PathBuf>,
}

impl Templates {
    /// Compiles the defaults with the site's overrides from `root/templates`;
    /// `None` when a template has errors (reported into `diagnostics`, with
    /// any warnings about skipped files).
    pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> Option<Self> {
        let mut sources: BTreeMap<String, (String, PathBuf)> = DEFAULTS
            .iter()
            .map(|(name, text)| {
                let origin = PathBuf::from(format!("(built-in) templates/{name}"));
                (name.to_string(), (text.to_string(), origin))
            })
            .collect();
        let dir = root.join("templates");
        let errors_before = diagnostics.error_count();
        for path in source::site_files(&dir, diagnostics) {
            let Some(key) = source::name_in(&dir, &path) else {
                continue;
            };
            match source::read(&path) {
                Ok(text) => {
                    sources.insert(key, (text, path));
                }
                Err(d) => diagnostics.push(d),
            }
        }
        if diagnostics.error_count() > errors_before {
            return None;
        }
        let origins: BTreeMap<String, PathBuf> = sources
            .iter()
            .map(|(name, (_, origin))| (name.clone(), origin.clone()))
            .collect();
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        tera.set_escape_fn(escape);
        tera.register_filter("safe", safe);
        let result = tera.add_raw_templates(
            sources
                .iter()
                .map(|(name, (text, _))| (name.as_str(), text.as_str())),
        );
        let templates = Templates { tera, origins };
        match result {
            Ok(()) => Some(templates),
            Err(e) => {
                diagnostics.push(templates.diagnostic(&e, None));
                None
            }
        }
    }

    /// Whether a template with this name exists.
    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// The names of the shortcodes there are (built in and the site's own).
    pub fn shortcodes(&self) -> impl Iterator<Item = &str> {
        self.origins.keys().filter_map(|name| {
            name.strip_prefix("shortcodes/")
                .and_then(|n| n.strip_suffix(".html"))
        })
    }

    /// Renders template `name` into a buffer that starts with room for
    /// `size_hint` bytes (the page's expected size, so that a long page is
    /// not copied again each time its buffer fills).
    pub fn render(
        &self,
        name: &str,
        context: &Context,
        size_hint: usize,
    ) -> Result<String, Diagnostic> {
        let mut out = Vec::with_capacity(size_hint);
        self.tera
            .render_to(name, context, &mut out)
            .map_err(|e| self.diagnostic(&e, Some(name)))?;
        String::from_utf8(out).map_err(|e| self.diagnostic(&e.into(), Some(name)))
    }

    /// Turns a tera error into a diagnostic naming the template file and line.
    fn diagnostic(&self, error: &tera::Error, rendering: Option<&str>) -> Diagnostic {
        let origin = |name: &str| {
            self.origins
                .get(name)
                .cloned()
                .unwrap_or_else(|| PathBuf::from(format!("templates/{name}")))
        };
        match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let name = if report.filename().is_empty() {
                    rendering.unwrap_or("")
                } else {
                    report.filename()
                };
                Diagnostic::error(
                    origin(name),
                    Some(report.span().start_line),
                    format!("template error: {}", report.message()),
                )
            }
            other => Diagnostic::error(
                rendering.map_or_else(|| PathBuf::from("templates"), origin),
                None,
                format!("template error: {other}"),
            ),
        }
    }
}

/// tera's `safe` filter without its copy: a string is marked safe as it is.
/// tera shares long strings, so this is a reference count, where the
/// built-in copied a policy's whole body again on every page.
fn safe(value: &Value, _: Kwargs, _: &State) -> Value {
    if value.as_str().is_some() {
        value.clone().mark_safe()
    } else {
        Value::safe_string(&value.to_string())
    }
}

/// Escapes HTML exactly as tera's default does (`&`, `<`, `>`, `"`, `'`), but
/// writes each run of plain text at once: tera's own writes byte by byte, and
/// was the largest single cost of rendering a page.
fn escape(input: &str, out: &mut dyn Write) -> io::Result<()> {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, byte) in bytes.iter().enumerate() {
        let entity: &[u8] = match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(entity)?;
        start = i + 1;
    }
    out.write_all(&bytes[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_matches_teras_default() {
        for input in [
            "",
            "plain text",
            "<b>Tom & Jerry's \"show\"</b>",
            "&&",
            "ends with <",
            "> starts",
            "café – naïve ✓ 'quoted'",
        ] {
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            escape(input, &mut ours).unwrap();
            tera::escape_html(input, &mut theirs).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap(),
                "{input}"
            );
        }
    }

    /// A site folder whose `templates/page.html` overrides the built-in one.
    fn site_overriding_page(text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/page.html"), text).unwrap();
        dir
    }

    #[test]
    fn safe_passes_strings_through_unescaped_and_other_values_as_text() {
        let dir = site_overriding_page(
            "{{ short | safe }}|{{ long | safe }}|{{ n | safe }}|{{ list | safe }}|{{ plain }}",
        );
        let mut d = Diagnostics::new();
        let templates = Templates::load(dir.path(), &mut d).unwrap_or_else(|| panic!("{d:?}"));
        let mut context = Context::new();
        context.insert("short", "<b>x</b>");
        context.insert("long", "<p>A paragraph longer than tera keeps inline.</p>");
        context.insert("n", &3);
        context.insert("list", &["<a>"]);
        context.insert("plain", "<i>");
        assert_eq!(
            templates.render("page.html", &context, 0).unwrap(),
            "<b>x</b>|<p>A paragraph longer than tera keeps inline.</p>|3|[\"<a>\"]|&lt;i&gt;\n"
        );
    }

    #[test]
    fn defaults_compile() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = Diagnostics::new();
        let templates = Templates::load(dir.path(), &mut d).unwrap_or_else(|| panic!("{d:?}"));
        assert!(templates.has("policy.html"));
    }

    #[test]
    fn a_site_override_with_a_syntax_error_names_its_file_and_line() {
        let dir = site_overriding_page(
            "{% extends \"base.html\" %}\n{% block main %}\n{{ page.title \n{% endblock %}\n",
        );
        let mut d = Diagnostics::new();
        assert!(Templates::load(dir.path(), &mut d).is_none());
        let errors = d.sorted();
        assert_eq!(errors.len(), 1);
        let e = &errors[0];
        assert!(e.path.ends_with("templates/page.html"), "{e}");
        assert!(e.line.is_some_and(|l| l >= 3), "{e}");
        assert!(e.message.starts_with("template error:"), "{e}");
    }
}
