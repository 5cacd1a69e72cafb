//! Expanding shortcode calls (`{{ age_limits() }}`) with their tera templates,
//! and the age table that `age_limits` and the built-in pages show.
//!
//! Arguments are written like a TOML inline table's contents
//! (`platforms=["WhatsApp", "TikTok"]`) and reach the template as variables.

use std::path::Path;

use serde::Serialize;
use tera::Context;

use crate::data::{AgeLimits, Platform, age_limits};
use crate::dates;
use crate::diagnostics::Diagnostics;
use crate::markdown::{Body, ShortcodeCall};
use crate::markers::{self, Marker};
use crate::site::Site;

use super::templates::Templates;

/// `body` with its shortcodes rendered in place, or `None` when it has none.
/// With `plain`, every age table is the plain one, whatever the call says
/// (for the pages of a plain-language audience such as pupils).
pub fn expand(
    body: &Body,
    path: &Path,
    site: &Site,
    templates: &Templates,
    plain: bool,
    diagnostics: &mut Diagnostics,
) -> Option<Body> {
    if body.shortcodes.is_empty() {
        return None;
    }
    let rendered: Vec<String> = body
        .shortcodes
        .iter()
        .map(|call| {
            render(call, site, templates, plain).unwrap_or_else(|message| {
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
fn render(
    call: &ShortcodeCall,
    site: &Site,
    templates: &Templates,
    plain: bool,
) -> Result<String, String> {
    let name = &call.name;
    let template = format!("shortcodes/{name}.html");
    if !templates.has(&template) {
        if let Some(near) = crate::suggest::closest(name, templates.shortcodes()) {
            return Err(format!(
                "unknown shortcode \"{name}\"; did you mean \"{near}\"?"
            ));
        }
        return Err(format!(
            "unknown shortcode \"{name}\": there is no templates/{template} in the site, \
             and policyweb has none built in"
        ));
    }
    let args = parse_args(name, &call.args)?;
    let mut context = Context::new();
    for (key, value) in &args {
        context.insert(key.clone(), value);
    }
    if name == "age_limits" {
        let table = age_limits_args(&args, site, plain)?;
        context.insert("ages", &table);
    }
    context.insert("school", &site.config.school);
    context.insert("root", &markers::root(""));
    templates
        .render(&template, &context, 4096)
        .map(|html| format!("{}\n", html.trim()))
        .map_err(|d| {
            let at = d.line.map(|l| format!(":{l}")).unwrap_or_default();
            let message = d.message.trim_start_matches("template error: ");
            format!(
                "shortcode \"{name}\" failed in {}{at}: {message}",
                d.path.display()
            )
        })
}

/// The arguments of a call: `name=value` pairs, values in TOML syntax.
fn parse_args(name: &str, args: &str) -> Result<toml::Table, String> {
    let bad = || {
        format!(
            "bad arguments to shortcode \"{name}\": write them as name=value pairs separated \
             by commas, with text in quotes, e.g. platforms=[\"WhatsApp\", \"TikTok\"]"
        )
    };
    if args.contains('\n') {
        return Err(bad());
    }
    let mut table: toml::Table =
        toml::from_str(&format!("args = {{ {args} }}")).map_err(|_| bad())?;
    match (table.len(), table.remove("args")) {
        (1, Some(toml::Value::Table(args))) => Ok(args),
        _ => Err(bad()),
    }
}

/// Checks `age_limits(platforms=[...], plain=true)` and makes its table
/// (always the plain one when `force_plain`).
fn age_limits_args<'a>(
    args: &toml::Table,
    site: &'a Site,
    force_plain: bool,
) -> Result<AgeTable<'a>, String> {
    let Some(data) = &site.data.age_limits else {
        return Err(
            "the age_limits shortcode needs data/age-limits.toml (see the editing guide)".into(),
        );
    };
    if let Some(unknown) = args
        .keys()
        .find(|k| !["platforms", "plain"].contains(&k.as_str()))
    {
        let hint = crate::suggest::did_you_mean(unknown, ["platforms", "plain"]);
        return Err(format!(
            "age_limits has no argument \"{unknown}\"{hint} (it takes platforms=[\"Name\", ...] and plain=true)"
        ));
    }
    let plain = match args.get("plain") {
        _ if force_plain => true,
        None => false,
        Some(toml::Value::Boolean(b)) => *b,
        Some(_) => return Err("age_limits plain must be true or false".into()),
    };
    let rows = match args.get("platforms") {
        None => data.platforms.iter().collect(),
        Some(toml::Value::Array(names)) => chosen_rows(names, data)?,
        Some(_) => {
            return Err(
                "age_limits platforms must be a list, e.g. platforms=[\"WhatsApp\"]".into(),
            );
        }
    };
    Ok(AgeTable::new(data, rows, site, plain))
}

/// The rows named in `platforms=[...]`, in table order, each once.
fn chosen_rows<'a>(
    names: &[toml::Value],
    data: &'a AgeLimits,
) -> Result<Vec<&'a Platform>, String> {
    if names.is_empty() {
        return Err("age_limits platforms is empty: name at least one, or leave it out to show every platform".into());
    }
    let mut rows: Vec<&Platform> = Vec::new();
    for name in names {
        let toml::Value::String(name) = name else {
            return Err(format!(
                "age_limits platforms must be names in quotes, not {name}"
            ));
        };
        let Some(row) = data.platform(name) else {
            let known: Vec<&str> = data.platforms.iter().map(|p| p.name.as_str()).collect();
            return Err(format!(
                "age_limits names \"{name}\", which is not in {}{}",
                data.path.display(),
                crate::suggest::hint_or_list(name, known)
            ));
        };
        if !rows.iter().any(|r| std::ptr::eq(*r, row)) {
            rows.push(row);
        }
    }
    age_limits::sort_rows(&mut rows);
    Ok(rows)
}

/// What the age-table template (`shortcodes/age_limits.html`) sees as `ages`.
#[derive(Debug, Serialize)]
pub struct AgeTable<'a> {
    /// The rows to show, by age then name.
    pub platforms: Vec<&'a Platform>,
    /// Whether every platform in the data is shown.
    pub complete: bool,
    /// Worded for children: fewer columns, plainer words.
    pub plain: bool,
    /// When the ages were checked, for readers ("1 November 2026").
    pub checked: String,
    /// The same, `YYYY-MM-DD`.
    pub checked_iso: String,
    /// Whether the check is older than `age_data_max_age_months` on the build's day.
    pub stale: bool,
    /// `age_data_max_age_months` from site.toml.
    pub max_age_months: i64,
    /// The most common minimum age among all platforms, if any has one.
    pub typical_age: Option<u8>,
    /// The accessible name of the table's scrolling box.
    pub label: String,
}

impl<'a> AgeTable<'a> {
    /// The table of `rows` from `data`, as of the site's build day.
    pub fn new(data: &AgeLimits, rows: Vec<&'a Platform>, site: &Site, plain: bool) -> Self {
        let months = site.config.age_data_max_age_months;
        let complete = rows.len() == data.platforms.len();
        let start = if plain {
            "How old you need to be for"
        } else {
            "Minimum ages for"
        };
        let label = if complete {
            let all = if plain {
                "each app"
            } else {
                "apps and social media"
            };
            format!("{start} {all}")
        } else {
            let names: Vec<&str> = rows.iter().map(|p| p.name.as_str()).collect();
            format!("{start} {}", list_in_words(&names))
        };
        Self {
            platforms: rows,
            complete,
            plain,
            checked: dates::long(data.checked),
            checked_iso: dates::iso(data.checked),
            stale: data.is_stale(site.today, months),
            max_age_months: months,
            typical_age: data.typical_age(),
            label,
        }
    }

    /// Every platform of `data`.
    pub fn full(data: &'a AgeLimits, site: &Site, plain: bool) -> Self {
        Self::new(data, data.platforms.iter().collect(), site, plain)
    }
}

/// "A", "A and B", "A, B and C".
fn list_in_words(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_parse_as_toml_pairs() {
        let ok = parse_args("x", "platforms=[\"WhatsApp\", \"TikTok\"], plain = true").unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok["plain"], toml::Value::Boolean(true));
        assert!(parse_args("x", "").unwrap().is_empty());
        for bad in [
            "platforms=[WhatsApp]",
            "platforms=",
            "\"WhatsApp\"",
            "a = 1 }\n[b]\nc = 2\nd = { e = 3",
            "a = 1 } \nb = { c = 2",
            "a = 1, a = 2",
        ] {
            assert!(parse_args("x", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lists_read_as_words() {
        assert_eq!(list_in_words(&["A"]), "A");
        assert_eq!(list_in_words(&["A", "B"]), "A and B");
        assert_eq!(list_in_words(&["A", "B", "C"]), "A, B and C");
    }
}
