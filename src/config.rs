//! `site.toml`: the school, its audiences, its term dates and its settings.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::contrast::{self, Rgb};
use crate::dates::{MonthDay, TermDates};
use crate::diagnostics::{Diagnostic, Diagnostics, Kind};
use crate::markdown::html;
use crate::source;
use crate::statutory;
use crate::tomlfile::TomlSource;

/// One group of readers: staff, parents, pupils, governors, or the school's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    /// Used in tags (`{audience=staff}`), URLs (`for/staff/`) and HTML hooks.
    pub id: String,
    /// What readers see: "Staff and volunteers".
    pub label: String,
    /// One line about what this view holds for them.
    pub description: String,
    /// Whether this audience's pages use the plainer register for young readers.
    pub plain_language: bool,
    /// Whether its landing page shows the minimum-age table (default: parents and pupils).
    pub show_age_limits: bool,
}

impl Audience {
    fn new(id: &str, label: &str, description: &str) -> Self {
        Self {
            id: id.into(),
            label: label.into(),
            description: description.into(),
            plain_language: id == "pupils",
            show_age_limits: shows_age_limits_by_default(id),
        }
    }
}

/// Whether an audience's landing page shows the age table unless site.toml says otherwise.
fn shows_age_limits_by_default(id: &str) -> bool {
    id == "parents" || id == "pupils"
}

/// The audiences used when site.toml defines none.
pub fn default_audiences() -> Vec<Audience> {
    vec![
        Audience::new(
            "staff",
            "Staff and volunteers",
            "What everyone who works or volunteers at the school must know and do.",
        ),
        Audience::new(
            "parents",
            "Parents and carers",
            "What the school does for your child, and what we ask of you.",
        ),
        Audience::new(
            "pupils",
            "Pupils",
            "How we keep you safe and happy at school, and what you can do.",
        ),
        Audience::new(
            "governors",
            "Governors",
            "What the governing board approves, monitors and reviews.",
        ),
    ]
}

/// The most audiences a site may define (they are kept as bits of a `u64`).
pub const MAX_AUDIENCES: usize = 32;

/// The settings of one site, from its `site.toml`.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The site folder.
    pub root: PathBuf,
    /// The school's name, shown on every page.
    pub school: String,
    /// Where the site is published, always ending in `/`; enables the feed and sitemap.
    pub base_url: Option<String>,
    /// How many days before its due date a review counts as "due soon".
    pub review_warning_days: i64,
    /// How many months old the age-limit data may be before it is stale.
    pub age_data_max_age_months: i64,
    /// Whether policy pages show a public notice when their review is overdue.
    pub show_overdue_notice: bool,
    /// Whether the site has a search page and a search box on every page
    /// (`search = false` turns both off).
    pub search: bool,
    /// How many days a review is listed as a recent change on the home and
    /// audience pages (default 90).
    pub recent_changes_days: i64,
    /// The audiences, in the order the site lists them.
    pub audiences: Vec<Audience>,
    /// When each term and half-term ends.
    pub terms: TermDates,
    /// Raw HTML tags content may use beyond the harmless default ones
    /// (`allow_html = ["iframe"]`); see [`crate::markdown::html`].
    pub allow_html: Vec<String>,
    /// The school's logo and colour, for the header.
    pub branding: Branding,
    /// The school's type and phase and its statutory duties.
    pub statutory: statutory::Settings,
    /// Whether draft policies are built (`build --drafts`, and `serve`); set
    /// by the command, not by site.toml.
    pub drafts: bool,
    /// Warnings found in site.toml (a brand colour too light for its text);
    /// builds and checks report them.
    pub warnings: Diagnostics,
}

/// How the site's header shows the school.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Branding {
    /// The school's logo, a path under the site folder such as `theme/logo.svg`.
    pub logo: Option<String>,
    /// The header's background colour.
    pub brand_colour: Option<Rgb>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    school: Option<String>,
    base_url: Option<Spanned<String>>,
    review_warning_days: Option<Spanned<i64>>,
    age_data_max_age_months: Option<Spanned<i64>>,
    show_overdue_notice: Option<bool>,
    search: Option<bool>,
    recent_changes_days: Option<Spanned<i64>>,
    #[serde(default)]
    audience: Vec<Spanned<RawAudience>>,
    #[serde(default)]
    terms: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    allow_html: Vec<Spanned<String>>,
    logo: Option<Spanned<String>>,
    brand_colour: Option<Spanned<String>>,
    school_type: Option<Spanned<String>>,
    phase: Option<Spanned<String>>,
    #[serde(default)]
    duty: Vec<statutory::RawDuty>,
    #[serde(default)]
    published: Vec<statutory::RawPublished>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudience {
    id: String,
    label: String,
    description: Option<String>,
    plain_language: Option<bool>,
    show_age_limits: Option<bool>,
}

/// `url` checked as the address a site is published at, ending in `/`; or
/// what is wrong with it.
pub fn base_url(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        None => Err(format!("\"{url}\" must start with https:// (or http://)")),
        Some(rest)
            if rest.is_empty()
                || rest.starts_with('/')
                || rest.contains(|c: char| {
                    c.is_whitespace() || c.is_control() || "\"'<>`\\?#{}|^".contains(c)
                }) =>
        {
            Err(format!(
                "\"{url}\" is not a plain web address (no spaces, quotes, <, >, ? or #), e.g. https://www.school.sch.uk/policies/"
            ))
        }
        Some(_) if url.ends_with('/') => Ok(url.to_string()),
        Some(_) => Ok(format!("{url}/")),
    }
}

/// Whether `tag` is a lower-case HTML tag name (`iframe`, `h2`, `my-widget`).
fn is_tag_name(tag: &str) -> bool {
    tag.starts_with(|c: char| c.is_ascii_lowercase())
        && tag
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `id` is a safe, lower-case identifier for URLs and tags.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !id.starts_with(['-', '_'])
}

impl SiteConfig {
    /// The settings of a site.toml that names only its school ("S"), for
    /// unit tests that need a configuration but no site folder.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Self {
        Self {
            root: ".".into(),
            school: "S".into(),
            base_url: None,
            review_warning_days: 60,
            age_data_max_age_months: 12,
            show_overdue_notice: true,
            search: true,
            recent_changes_days: 90,
            audiences: default_audiences(),
            terms: TermDates::default(),
            allow_html: Vec::new(),
            branding: Default::default(),
            statutory: Default::default(),
            drafts: false,
            warnings: Diagnostics::new(),
        }
    }

    /// The path of site.toml in `root`.
    pub fn path(root: &Path) -> PathBuf {
        root.join("site.toml")
    }

    /// Reads and checks `root/site.toml`, reporting every problem found.
    pub fn load(root: &Path) -> Result<Self, Diagnostics> {
        let path = Self::path(root);
        let mut errors = Diagnostics::new();
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                errors.error(
                    &path,
                    None,
                    format!(
                        "no site.toml in {}: is this a policyweb site? (`policyweb new {}` makes one)",
                        root.display(),
                        root.display()
                    ),
                );
                return Err(errors);
            }
            Err(e) => {
                errors.error(&path, None, format!("cannot read: {e}"));
                return Err(errors);
            }
        };
        let text = source::decode(&path, &bytes).map_err(|d| {
            errors.push(d);
            errors.clone()
        })?;
        let source = TomlSource::new(&path, &text, 1);
        let raw: RawConfig = source.parse().map_err(|d| {
            let mut all = Diagnostics::new();
            all.push(d);
            all
        })?;
        let config = Self::from_raw(root, raw, &source, &mut errors);
        if errors.has_errors() {
            Err(errors)
        } else {
            Ok(config)
        }
    }

    fn from_raw(
        root: &Path,
        raw: RawConfig,
        source: &TomlSource,
        errors: &mut Diagnostics,
    ) -> Self {
        let path = source.path;
        let school = raw.school.unwrap_or_default().trim().to_string();
        if school.is_empty() {
            errors.error(
                path,
                Some(1),
                "site.toml needs `school = \"Your School Name\"`",
            );
        }
        let base_url = raw.base_url.and_then(|url| {
            let line = source.line(&url.span());
            base_url(url.get_ref())
                .map_err(|e| errors.error(path, Some(line), format!("base_url {e}")))
                .ok()
        });
        let mut number = |value: Option<Spanned<i64>>, name: &str, default: i64, max: i64| {
            let Some(value) = value else { return default };
            let line = source.line(&value.span());
            let n = value.into_inner();
            if (0..=max).contains(&n) {
                n
            } else {
                errors.error(path, Some(line), format!("{name} must be from 0 to {max}"));
                default
            }
        };
        let review_warning_days = number(raw.review_warning_days, "review_warning_days", 60, 366);
        let age_data_max_age_months = number(
            raw.age_data_max_age_months,
            "age_data_max_age_months",
            12,
            120,
        );

        let recent_changes_days = number(raw.recent_changes_days, "recent_changes_days", 90, 3660);
        let audiences = if raw.audience.is_empty() {
            default_audiences()
        } else {
            audiences_from_raw(raw.audience, source, errors)
        };

        let mut terms = TermDates::default();
        for (key, value) in raw.terms {
            let line = source.line(&value.span());
            if !TermDates::KEYS.contains(&key.get_ref().as_str()) {
                errors.error(
                    path,
                    Some(source.line(&key.span())),
                    format!(
                        "unknown term \"{}\" in [terms]{}",
                        key.get_ref(),
                        crate::suggest::hint_or_list(key.get_ref(), TermDates::KEYS)
                    ),
                );
                continue;
            }
            match MonthDay::parse(value.get_ref()) {
                Ok(md) => {
                    terms.set(key.get_ref(), md);
                }
                Err(e) => errors.error(path, Some(line), format!("[terms] {}: {e}", key.get_ref())),
            }
        }

        let allow_html = raw
            .allow_html
            .into_iter()
            .filter_map(|tag| {
                let line = source.line(&tag.span());
                let tag = tag.into_inner();
                let problem = if html::NEVER_ALLOWED.contains(&tag.as_str()) {
                    format!("allow_html may not hold \"{tag}\": policyweb never publishes scripts from content (a template override can add one)")
                } else if !is_tag_name(&tag) {
                    format!("allow_html: \"{tag}\" is not an HTML tag name (write it in lower case without < >, e.g. \"iframe\")")
                } else {
                    return Some(tag);
                };
                errors.error(path, Some(line), problem);
                None
            })
            .collect();
        let statutory = statutory::Settings::from_raw(
            statutory::RawSettings {
                school_type: raw.school_type,
                phase: raw.phase,
                duty: raw.duty,
                published: raw.published,
            },
            source,
            errors,
        );
        let logo = raw
            .logo
            .and_then(|logo| check_logo(root, logo, source, errors));
        let mut warnings = Diagnostics::new();
        let brand_colour = raw
            .brand_colour
            .and_then(|colour| check_brand_colour(colour, source, errors, &mut warnings));

        Self {
            root: root.to_path_buf(),
            school,
            base_url,
            review_warning_days,
            age_data_max_age_months,
            show_overdue_notice: raw.show_overdue_notice.unwrap_or(true),
            search: raw.search.unwrap_or(true),
            recent_changes_days,
            audiences,
            terms,
            allow_html,
            branding: Branding { logo, brand_colour },
            statutory,
            drafts: false,
            warnings,
        }
    }

    /// The audience with this id.
    pub fn audience(&self, id: &str) -> Option<&Audience> {
        self.audiences.iter().find(|a| a.id == id)
    }

    /// The audiences' ids in order (staff, parents, pupils, governors), for messages.
    pub fn audience_ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.audiences.iter().map(|a| a.id.as_str())
    }
}

/// The logo path if it names an image file in the site's theme folder.
fn check_logo(
    root: &Path,
    logo: Spanned<String>,
    source: &TomlSource,
    errors: &mut Diagnostics,
) -> Option<String> {
    let line = source.line(&logo.span());
    let logo = logo.into_inner();
    let problem = if !logo.starts_with("theme/")
        || logo
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
    {
        format!(
            "logo \"{logo}\" must be a file in the site's theme/ folder, such as \"theme/logo.svg\""
        )
    } else if !logo
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
    {
        format!(
            "logo \"{logo}\": use only letters, digits, hyphens, underscores and dots in its name"
        )
    } else if !LOGO_EXTENSIONS
        .iter()
        .any(|ext| logo.to_ascii_lowercase().ends_with(ext))
    {
        format!(
            "logo \"{logo}\" must be an image ({})",
            LOGO_EXTENSIONS.join(", ")
        )
    } else if !root.join(&logo).is_file() {
        format!(
            "logo \"{logo}\" does not exist (looked for {})",
            root.join(&logo).display()
        )
    } else {
        return Some(logo);
    };
    errors.error(source.path, Some(line), problem);
    None
}

/// The file endings a logo may have.
const LOGO_EXTENSIONS: &[&str] = &[".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif"];

/// The brand colour if it is a hex colour; a warning when the header's white
/// text would not be readable on it.
fn check_brand_colour(
    colour: Spanned<String>,
    source: &TomlSource,
    errors: &mut Diagnostics,
    warnings: &mut Diagnostics,
) -> Option<Rgb> {
    let line = source.line(&colour.span());
    let text = colour.into_inner();
    let Some(rgb) = Rgb::parse(text.trim()) else {
        errors.error(
            source.path,
            Some(line),
            format!("brand_colour \"{text}\" must be a hex colour such as \"#1d4f91\""),
        );
        return None;
    };
    let ratio = rgb.contrast(Rgb::WHITE);
    if ratio < contrast::AA_TEXT {
        let suggestion = rgb
            .darkened_for(Rgb::WHITE, contrast::AA_TEXT)
            .map(|dark| format!(" (a darker shade such as \"{dark}\" passes)"))
            .unwrap_or_default();
        warnings.warning(
            source.path,
            Some(line), Kind::Contrast,
            format!(
                "brand_colour \"{text}\" has a contrast of {:.2}:1 with the header's white text; \
                 WCAG AA needs at least {}:1, or some readers cannot read the school's name{suggestion}",
                (ratio * 100.0).floor() / 100.0,
                contrast::AA_TEXT
            ),
        );
    }
    Some(rgb)
}

fn audiences_from_raw(
    raw: Vec<Spanned<RawAudience>>,
    source: &TomlSource,
    errors: &mut Diagnostics,
) -> Vec<Audience> {
    let mut audiences: Vec<Audience> = Vec::new();
    for spanned in raw {
        let line = source.line(&spanned.span());
        let a = spanned.into_inner();
        let problem = if !is_valid_id(&a.id) {
            Some(format!(
                "audience id \"{}\" must be lower-case letters, digits and hyphens",
                a.id
            ))
        } else if a.id == "all" {
            Some("\"all\" is reserved (it means every audience); choose another id".into())
        } else if audiences.iter().any(|b| b.id == a.id) {
            Some(format!("audience \"{}\" is defined twice", a.id))
        } else if a.label.trim().is_empty() {
            Some(format!("audience \"{}\" needs a label", a.id))
        } else if audiences.len() == MAX_AUDIENCES {
            Some(format!(
                "a site may define at most {MAX_AUDIENCES} audiences"
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            errors.push(Diagnostic::error(source.path, Some(line), message));
            continue;
        }
        let plain_language = a.plain_language.unwrap_or(a.id == "pupils");
        let show_age_limits = a
            .show_age_limits
            .unwrap_or_else(|| shows_age_limits_by_default(&a.id));
        audiences.push(Audience {
            show_age_limits,
            description: a.description.unwrap_or_default(),
            plain_language,
            id: a.id,
            label: a.label.trim().to_string(),
        });
    }
    audiences
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<SiteConfig, Vec<String>> {
        load_with_logo(text, None)
    }

    #[test]
    fn minimal_site_gets_defaults() {
        let config = load("school = \"Hollybrook\"\n").unwrap();
        assert_eq!(config.school, "Hollybrook");
        assert_eq!(config.review_warning_days, 60);
        assert_eq!(config.age_data_max_age_months, 12);
        assert_eq!(
            config.audience_ids().collect::<Vec<_>>(),
            ["staff", "parents", "pupils", "governors"]
        );
        assert!(config.audience("pupils").unwrap().plain_language);
        let ages: Vec<bool> = config.audiences.iter().map(|a| a.show_age_limits).collect();
        assert_eq!(ages, [false, true, true, false]);
        assert_eq!(config.base_url, None);
    }

    #[test]
    fn custom_audiences_and_terms() {
        let config = load(
            "school = \"X\"\nbase_url = \"https://x.sch.uk/p\"\n\
             [[audience]]\nid = \"volunteers\"\nlabel = \"Volunteers\"\n\
             [terms]\nspring = \"04-04\"\n",
        )
        .unwrap();
        assert_eq!(config.audience_ids().collect::<Vec<_>>(), ["volunteers"]);
        assert!(!config.audiences[0].show_age_limits);
        assert_eq!(config.base_url.as_deref(), Some("https://x.sch.uk/p/"));
        assert_eq!(config.terms.spring, MonthDay::parse("04-04").unwrap());
    }

    #[test]
    fn show_age_limits_defaults_to_parents_and_pupils_and_can_be_set() {
        let config = load(
            "school = \"X\"\n\
             [[audience]]\nid = \"parents\"\nlabel = \"P\"\nshow_age_limits = false\n\
             [[audience]]\nid = \"pupils\"\nlabel = \"C\"\n\
             [[audience]]\nid = \"carers\"\nlabel = \"K\"\nshow_age_limits = true\n",
        )
        .unwrap();
        let ages: Vec<bool> = config.audiences.iter().map(|a| a.show_age_limits).collect();
        assert_eq!(ages, [false, true, true]);
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let errors = load(
            "school = \"X\"\nreview_warning_days = -1\n\
             [[audience]]\nid = \"Staff\"\nlabel = \"S\"\n\
             [[audience]]\nid = \"all\"\nlabel = \"A\"\n\
             [terms]\nwinter = \"01-01\"\nspring = \"02-30\"\n",
        )
        .unwrap_err();
        assert_eq!(errors.len(), 5, "{errors:#?}");
        assert!(errors[0].starts_with("2: review_warning_days"));
        assert!(
            errors[1].starts_with("3: audience id \"Staff\""),
            "{errors:#?}"
        );
        assert!(
            errors[2].starts_with("6: \"all\" is reserved"),
            "{errors:#?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("10: unknown term \"winter\""))
        );
        assert!(errors.iter().any(|e| e.starts_with("11: [terms] spring")));
    }

    #[test]
    fn misspelt_key_is_an_error() {
        let errors = load("school = \"X\"\nreview_warnings_days = 30\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with(
            "2: unknown key \"review_warnings_days\"; did you mean \"review_warning_days\"?"
        ));
    }

    fn load_with_logo(text: &str, logo_file: Option<&str>) -> Result<SiteConfig, Vec<String>> {
        let dir = tempfile::tempdir().unwrap();
        if let Some(file) = logo_file {
            let path = dir.path().join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
        }
        fs::write(dir.path().join("site.toml"), text).unwrap();
        SiteConfig::load(dir.path()).map_err(|d| {
            d.sorted()
                .iter()
                .map(|d| format!("{}: {}", d.line.unwrap_or(0), d.message))
                .collect()
        })
    }

    #[test]
    fn logo_in_the_theme_folder_is_accepted() {
        let config = load_with_logo(
            "school = \"X\"\nlogo = \"theme/crest-2024.svg\"\n",
            Some("theme/crest-2024.svg"),
        )
        .unwrap();
        assert_eq!(
            config.branding.logo.as_deref(),
            Some("theme/crest-2024.svg")
        );
    }

    #[test]
    fn bad_logos_are_errors_on_their_line() {
        for (logo, file, expected) in [
            (
                "logo.svg",
                Some("logo.svg"),
                "must be a file in the site's theme/ folder",
            ),
            (
                "theme/../logo.svg",
                Some("logo.svg"),
                "must be a file in the site's theme/ folder",
            ),
            (
                "/theme/logo.svg",
                None,
                "must be a file in the site's theme/ folder",
            ),
            (
                "theme//logo.svg",
                None,
                "must be a file in the site's theme/ folder",
            ),
            (
                "theme/our logo.svg",
                Some("theme/our logo.svg"),
                "use only letters",
            ),
            (
                "theme/logo.pdf",
                Some("theme/logo.pdf"),
                "must be an image (.svg, .png",
            ),
            ("theme/logo.svg", None, "does not exist (looked for "),
            (
                "theme/images",
                Some("theme/images/a.svg"),
                "must be an image",
            ),
        ] {
            let text = format!("school = \"X\"\n\nlogo = \"{logo}\"\n");
            let errors = load_with_logo(&text, file).unwrap_err();
            assert_eq!(errors.len(), 1, "{logo}: {errors:?}");
            assert!(
                errors[0].starts_with(&format!("3: logo \"{logo}\""))
                    && errors[0].contains(expected),
                "{logo}: {errors:?}"
            );
        }
    }

    #[test]
    fn brand_colour_is_parsed_and_a_readable_one_gives_no_warning() {
        let config = load("school = \"X\"\nbrand_colour = \"#0B3D2E\"\n").unwrap();
        assert_eq!(config.branding.brand_colour.unwrap().to_string(), "#0b3d2e");
        assert!(config.warnings.is_empty(), "{:?}", config.warnings.sorted());
        let config = load("school = \"X\"\n").unwrap();
        assert_eq!(config.branding.brand_colour, None);
        assert!(config.warnings.is_empty());
    }

    #[test]
    fn brand_colour_that_is_not_hex_is_an_error_on_its_line() {
        for colour in ["blue", "1d4f91", "#1d4f9", "rgb(0,0,0)"] {
            let errors =
                load(&format!("school = \"X\"\nbrand_colour = \"{colour}\"\n")).unwrap_err();
            assert_eq!(
                errors,
                [format!(
                    "2: brand_colour \"{colour}\" must be a hex colour such as \"#1d4f91\""
                )]
            );
        }
    }

    #[test]
    fn light_brand_colour_warns_with_its_line_ratio_and_a_darker_shade() {
        let config = load("school = \"X\"\n# our blue\nbrand_colour = \"#4a90d9\"\n").unwrap();
        let warnings = config.warnings.sorted();
        assert_eq!(warnings.len(), 1);
        let w = &warnings[0];
        assert!(!w.is_error());
        assert_eq!(w.line, Some(3));
        assert!(
            w.message.starts_with(
                "brand_colour \"#4a90d9\" has a contrast of 3.34:1 with the header's white text; \
                 WCAG AA needs at least 4.5:1"
            ),
            "{}",
            w.message
        );
        let suggested = w.message.split('"').nth(3).unwrap();
        let rgb = Rgb::parse(suggested).unwrap();
        assert!(rgb.contrast(Rgb::WHITE) >= contrast::AA_TEXT, "{suggested}");
        // Just below the threshold still warns; just above does not.
        assert_eq!(
            load("school = \"X\"\nbrand_colour = \"#777777\"\n")
                .unwrap()
                .warnings
                .warning_count(),
            1
        );
        assert!(
            load("school = \"X\"\nbrand_colour = \"#767676\"\n")
                .unwrap()
                .warnings
                .is_empty()
        );
    }

    #[test]
    fn base_urls_are_plain_web_addresses() {
        assert_eq!(
            base_url("https://x.sch.uk/p").unwrap(),
            "https://x.sch.uk/p/"
        );
        assert_eq!(base_url("http://x.sch.uk/").unwrap(), "http://x.sch.uk/");
        for bad in [
            "ftp://x",
            "https://",
            "https:///x",
            "https://x/?q=<script>",
            "https://x/\"a\"",
            "https://x y/",
            "https://x/#top",
            "javascript:alert(1)//https://",
        ] {
            assert!(base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn allow_html_takes_tag_names_but_never_script() {
        let config = load("school = \"X\"\nallow_html = [\"iframe\", \"video\"]\n").unwrap();
        assert_eq!(config.allow_html, ["iframe", "video"]);
        assert!(load("school = \"X\"\n").unwrap().allow_html.is_empty());
        let errors =
            load("school = \"X\"\nallow_html = [\n  \"script\",\n  \"<div>\",\n  \"IFRAME\",\n]\n")
                .unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:#?}");
        assert!(errors[0].starts_with("3: allow_html may not hold \"script\""));
        assert!(errors[1].starts_with("4: allow_html: \"<div>\" is not an HTML tag name"));
        assert!(errors[2].starts_with("5: allow_html: \"IFRAME\""));
    }

    #[test]
    fn a_site_toml_saved_oddly_still_loads_or_names_its_problem() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.toml");
        fs::write(
            &path,
            b"\xEF\xBB\xBFschool = \"X\"\r\nreview_warning_days = 30",
        )
        .unwrap();
        assert_eq!(
            SiteConfig::load(dir.path()).unwrap().review_warning_days,
            30
        );
        fs::write(&path, b"school = \"Caf\xE9\"\n").unwrap();
        let err = SiteConfig::load(dir.path()).unwrap_err().sorted();
        assert!(err[0].to_string().ends_with("site.toml:1: error: the file is not UTF-8 (byte 0xE9 at byte offset 13; Latin-1 or Windows-1252 perhaps); save it as UTF-8"), "{}", err[0]);
    }

    #[test]
    fn missing_file_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let err = SiteConfig::load(dir.path()).unwrap_err();
        assert!(err.sorted()[0].message.contains("policyweb new"));
    }
}
