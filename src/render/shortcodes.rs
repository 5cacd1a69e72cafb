//! Expanding shortcode calls (`{{ age_limits() }}`) with their tera templates.
//!
//! Arguments are written like a TOML inline table's contents
//! (`platforms=["WhatsApp", "TikTok"]`) and reach the template as variables.

use std::path::Path;

use tera::Context;

use crate::diagnostics::Diagnostics;
use crate::markdown::{Body, ShortcodeCall};
use crate::markers::{self, Marker};
use crate::site::Site;

use super::templates::Templates;

/// `body` with its shortcodes rendered in place, or `None` when it has none.
pub fn expand(
    body: &Body,
    path: &Path,
    site: &Site,
    templates: &Templates,
    diagnostics: &mut Diagnostics,
) -> Option<Body> {
    if body.shortcodes.is_empty() {
        return None;
    }
    let rendered: Vec<String> = body
        .shortcodes
        .iter()
        .map(|call| {
            render(call, site, templates).unwrap_or_else(|message| {
                diagnostics.error(path, Some(call.line), message);
                String::new()
            })
        })
        .collect();
    let replace = |html: &str| {
        markers::resolve(html, |marker| match marker {
            Marker::Shortcode(n) => rendered.get(n).cloned().unwrap_or_default(),
            Marker::Policy { id, anchor } => markers::policy(id, anchor),
            Marker::Root(path) => markers::root(path),
        })
        .into_owned()
    };
    let mut expanded = body.clone();
    expanded.intro = replace(&body.intro);
    for section in &mut expanded.sections {
        section.html = replace(&section.html);
    }
    Some(expanded)
}

/// Renders one call, or says what is wrong with it.
fn render(call: &ShortcodeCall, site: &Site, templates: &Templates) -> Result<String, String> {
    let name = &call.name;
    let template = format!("shortcodes/{name}.html");
    if !templates.has(&template) {
        return Err(format!(
            "unknown shortcode \"{name}\" (there is no templates/{template} in the site or built in)"
        ));
    }
    let args: toml::Table = toml::from_str::<toml::Table>(&format!("args = {{ {} }}", call.args))
        .ok()
        .and_then(|mut t| match t.remove("args") {
            Some(toml::Value::Table(args)) => Some(args),
            _ => None,
        })
        .ok_or_else(|| {
            format!(
                "bad arguments to shortcode \"{name}\": write them as name=value, e.g. \
                 platforms=[\"WhatsApp\", \"TikTok\"]"
            )
        })?;
    let mut context = Context::new();
    for (key, value) in &args {
        context.insert(key.clone(), value);
    }
    if name == "age_limits" {
        age_limits_context(&args, site, &mut context)?;
    }
    context.insert("school", &site.config.school);
    context.insert("root", &markers::root(""));
    templates
        .render(&template, &context)
        .map(|html| format!("{}\n", html.trim()))
        .map_err(|d| format!("shortcode \"{name}\": {d}"))
}

/// Checks `age_limits(platforms=[...])` and gives its template the rows to show.
fn age_limits_context(
    args: &toml::Table,
    site: &Site,
    context: &mut Context,
) -> Result<(), String> {
    let Some(data) = &site.data.age_limits else {
        return Err(
            "the age_limits shortcode needs data/age-limits.toml (see the editing guide)".into(),
        );
    };
    if let Some(unknown) = args.keys().find(|k| k.as_str() != "platforms") {
        return Err(format!(
            "age_limits has no argument \"{unknown}\" (it takes platforms=[\"Name\", ...])"
        ));
    }
    let rows: Vec<&crate::data::Platform> = match args.get("platforms") {
        None => data.platforms.iter().collect(),
        Some(toml::Value::Array(names)) => {
            let mut rows = Vec::new();
            for name in names {
                let toml::Value::String(name) = name else {
                    return Err("age_limits platforms must be names in quotes".into());
                };
                match data.platform(name) {
                    Some(row) => rows.push(row),
                    None => {
                        let known: Vec<&str> =
                            data.platforms.iter().map(|p| p.name.as_str()).collect();
                        return Err(format!(
                            "age_limits names \"{name}\", which is not in {} (known: {})",
                            data.path.display(),
                            known.join(", ")
                        ));
                    }
                }
            }
            rows.sort_by(|a, b| {
                (a.min_age, a.name.to_lowercase()).cmp(&(b.min_age, b.name.to_lowercase()))
            });
            rows
        }
        Some(_) => {
            return Err(
                "age_limits platforms must be a list, e.g. platforms=[\"WhatsApp\"]".into(),
            );
        }
    };
    context.insert("platforms", &rows);
    context.insert("checked", &crate::dates::long(data.checked));
    context.insert("checked_iso", &crate::dates::iso(data.checked));
    context.insert("complete", &(rows.len() == data.platforms.len()));
    Ok(())
}
