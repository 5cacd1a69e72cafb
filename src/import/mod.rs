//! `policyweb import`: a school's existing policies (Word, PDF, web pages,
//! text) become draft sources in `SITE/policies/`, with a report of what was
//! found and what the editor must check.
//!
//! Each reader ([`docx`], [`html`], [`text`], and [`convert`] for what other
//! programs read) makes a [`doc::Document`]; [`detect`] finds the front
//! matter, audiences, cross-references and abbreviations in it; [`draft`]
//! writes the source. Nothing below the command imports this module.

pub mod convert;
pub mod detect;
pub mod doc;
pub mod docx;
pub mod draft;
pub mod html;
pub mod text;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Deserialize;

use crate::config::{SiteConfig, is_valid_id};
use crate::data::SiteData;
use crate::diagnostics::Diagnostics;
use crate::markdown::Prose;
use crate::site::age_claims;
use crate::source::{self, policy};

use detect::{Confidence, Context, Detected, Known};
use doc::Document;

/// What to import, and where.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The files (or folders of files) to import.
    pub files: Vec<PathBuf>,
    /// The site folder (holding site.toml).
    pub site: PathBuf,
    /// The id for the draft, when one file is imported.
    pub id: Option<String>,
    /// Replace drafts that already exist.
    pub force: bool,
    /// Print the report and the drafts; write nothing.
    pub dry_run: bool,
}

/// The kinds of file import reads, by extension.
pub const EXTENSIONS: &[&str] = &[
    "docx", "doc", "odt", "rtf", "pdf", "html", "htm", "txt", "md",
];

/// One file imported.
#[derive(Debug)]
pub struct Imported {
    /// Where the draft goes.
    pub path: PathBuf,
    /// The id.
    pub id: String,
    /// The draft's text.
    pub draft: String,
    /// The report's lines for this file.
    pub report: String,
}

/// Runs the command: exit 0 when every file was imported, 1 when any could
/// not be, 2 for bad usage.
pub fn run(options: &ImportOptions) -> ExitCode {
    if options.id.is_some() && (options.files.len() != 1 || options.files[0].is_dir()) {
        eprintln!(
            "policyweb: --id names the draft of one file; import the files one at a time to give each an id"
        );
        return ExitCode::from(2);
    }
    if let Some(id) = &options.id
        && !is_valid_id(id)
    {
        eprintln!(
            "policyweb: --id \"{id}\" is not a valid id; use lower-case letters, digits and -, such as --id {}",
            detect::slug(id)
        );
        return ExitCode::from(2);
    }
    let config = match SiteConfig::load(&options.site) {
        Ok(config) => config,
        Err(errors) => {
            crate::cli::report(&errors);
            return ExitCode::from(1);
        }
    };
    let mut failed = 0usize;
    let files = expand(&options.files, &mut failed);
    let site = SiteInfo::load(&options.site);
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut written = 0usize;
    let stdout = std::io::stdout();
    for file in &files {
        let result = import_file(file, options, &config, &site, &mut taken);
        match result {
            Ok(imported) => {
                let mut out = stdout.lock();
                let _ = out.write_all(imported.report.as_bytes());
                if options.dry_run {
                    let _ = writeln!(out, "----- {} -----", imported.path.display());
                    let _ = out.write_all(imported.draft.as_bytes());
                    let _ = writeln!(out, "-----");
                    written += 1;
                } else if let Err(e) = write(&imported.path, imported.draft.as_bytes()) {
                    eprintln!(
                        "{}: error: cannot write the draft: {e}",
                        imported.path.display()
                    );
                    failed += 1;
                } else {
                    written += 1;
                }
            }
            Err(why) => {
                eprintln!("{}: error: {why}", file.display());
                failed += 1;
            }
        }
    }
    let verb = if options.dry_run {
        "would import"
    } else {
        "imported"
    };
    eprintln!(
        "policyweb: {verb} {written} of {} files{}{}",
        written + failed,
        if failed > 0 {
            format!("; {failed} could not be imported (see above)")
        } else {
            String::new()
        },
        if written > 0 && !options.dry_run {
            format!(
                "; the drafts build with `policyweb build {} --drafts` (see docs/import.md for what to check)",
                options.site.display()
            )
        } else {
            String::new()
        }
    );
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The files named, with each folder replaced by the files in it that
/// import reads (sorted, so that runs are repeatable).
fn expand(paths: &[PathBuf], failed: &mut usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .filter(|p| kind(p).is_some() && !is_hidden(p))
                .collect();
            found.sort();
            if found.is_empty() {
                eprintln!(
                    "{}: error: this folder holds no file import reads ({})",
                    path.display(),
                    EXTENSIONS.join(", ")
                );
                *failed += 1;
            }
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    out
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') || n.starts_with("~$") || source::is_editor_temp(n))
}

fn kind(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    EXTENSIONS.iter().find(|e| **e == ext).copied()
}

/// What import needs to know about the site.
#[derive(Debug, Default)]
pub struct SiteInfo {
    /// Its policies.
    pub policies: Vec<Known>,
    /// Terms and abbreviations in data/glossary.toml, lower case.
    pub glossary: BTreeSet<String>,
    /// The site's data files.
    pub data: SiteData,
}

#[derive(Deserialize)]
struct TitleOnly {
    title: Option<String>,
    id: Option<String>,
}

impl SiteInfo {
    /// Reads the site's policies' titles and its data files; anything that
    /// cannot be read is left for `policyweb check` to report.
    pub fn load(root: &Path) -> Self {
        let mut ignored = Diagnostics::new();
        let mut policies = Vec::new();
        for path in source::markdown_files(&root.join("policies"), &mut ignored) {
            let Ok(text) = source::read(&path) else {
                continue;
            };
            let Ok(front) = source::front_matter::<TitleOnly>(&path, &text) else {
                continue;
            };
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            policies.push(Known {
                id: front.front.id.unwrap_or(stem),
                title: front.front.title.unwrap_or_default(),
            });
        }
        let data = SiteData::load(root, &mut ignored);
        let glossary = data
            .glossary
            .iter()
            .flat_map(|g| g.terms.iter())
            .flat_map(|t| {
                [
                    Some(t.term.to_lowercase()),
                    t.abbr.as_ref().map(|a| a.to_lowercase()),
                ]
            })
            .flatten()
            .collect();
        SiteInfo {
            policies,
            glossary,
            data,
        }
    }
}

/// Reads one file into a document, saying how it was read.
pub fn read(path: &Path) -> Result<Document, String> {
    let Some(kind) = kind(path) else {
        return Err(format!(
            "policyweb cannot import this kind of file; it reads {} (save it from Word as .docx)",
            EXTENSIONS.join(", ")
        ));
    };
    let size = fs::metadata(path).map_err(|e| read_error(&e))?.len();
    if size > 64 * 1024 * 1024 {
        return Err("the file is larger than 64 MB, too large to be one policy".into());
    }
    let mut doc = match kind {
        "docx" => docx::read(&fs::read(path).map_err(|e| read_error(&e))?)?,
        "doc" | "odt" | "rtf" => {
            let mut doc = docx::read(&convert::to_docx(path)?)?;
            doc.notes
                .push("converted to .docx with LibreOffice first".into());
            doc
        }
        "pdf" => {
            let mut doc = text::read(&convert::pdf_text(path)?, false);
            doc.notes.push(
                "read with pdftotext: a PDF keeps no styles, so headings and lists were guessed from the text"
                    .into(),
            );
            doc
        }
        "html" | "htm" => html::read(&decode(&fs::read(path).map_err(|e| read_error(&e))?)),
        other => text::read(
            &decode(&fs::read(path).map_err(|e| read_error(&e))?),
            other == "md",
        ),
    };
    if doc.blocks.is_empty() {
        return Err("it holds no text to import (a scanned PDF or picture needs its text typed or recognised first)".into());
    }
    doc.notes.sort();
    Ok(doc)
}

fn read_error(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        "no such file".into()
    } else {
        format!("cannot read it: {e}")
    }
}

/// Text in UTF-8 (with or without a byte-order mark), UTF-16 with a mark,
/// or else Windows-1252 as older Windows programs save it.
pub fn decode(bytes: &[u8]) -> String {
    let utf16 = |big: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if big {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    let text = if bytes.starts_with(&[0xFF, 0xFE]) {
        utf16(false)
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        utf16(true)
    } else {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
        }
    };
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// One Windows-1252 byte as a character.
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Imports one file: reads it, detects, writes the draft's text and report.
pub fn import_file(
    file: &Path,
    options: &ImportOptions,
    config: &SiteConfig,
    site: &SiteInfo,
    taken: &mut BTreeSet<String>,
) -> Result<Imported, String> {
    let doc = read(file)?;
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("policy");
    let context = Context {
        config,
        policies: &site.policies,
        glossary: &site.glossary,
    };
    let found = detect::detect(&doc.blocks, stem, &context);
    let id = match &options.id {
        Some(id) => id.clone(),
        None => {
            let title = found.title.as_ref().map_or(stem, |(t, _)| t.value.as_str());
            let base = match detect::slug(&title.to_lowercase().replace(" policy", "")) {
                s if s.is_empty() => "policy".to_string(),
                s => s,
            };
            let mut id = base.clone();
            let mut n = 2;
            while taken.contains(&id) {
                id = format!("{base}-{n}");
                n += 1;
            }
            id
        }
    };
    let path = options.site.join("policies").join(format!("{id}.md"));
    if path.exists() && !options.force {
        return Err(format!(
            "{} already exists; give this file another id with --id, or add --force to replace it",
            path.display()
        ));
    }
    taken.insert(id.clone());
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("the file");
    let draft = draft::render(&doc, &found, name);
    // The draft must read as a policy; a problem here is policyweb's own.
    let mut diagnostics = Diagnostics::new();
    let mut draft_config = config.clone();
    draft_config.drafts = true;
    let checked = policy::parse(&path, &draft, &draft_config, None, &mut diagnostics);
    if checked.is_none() || diagnostics.has_errors() {
        let errors: Vec<String> = diagnostics
            .sorted()
            .iter()
            .map(ToString::to_string)
            .collect();
        return Err(format!(
            "the draft made from it does not read as a policy, which is a bug in policyweb import; please report it: {}",
            errors.join("; ")
        ));
    }
    let report = report(file, &path, &doc, &found, site);
    Ok(Imported {
        path,
        id,
        draft,
        report,
    })
}

/// The report for one file: one line per finding, with its line and how sure.
fn report(file: &Path, out: &Path, doc: &Document, found: &Detected, site: &SiteInfo) -> String {
    let f = file.display();
    let mut r = String::new();
    let _ = writeln!(r, "{f}: draft {}", out.display());
    let line = |r: &mut String, key: &str, value: Option<&detect::Found>| match value {
        Some(v) => {
            let _ = writeln!(
                r,
                "{f}:{}: {key} = \"{}\" ({}) from \"{}\"",
                v.line,
                v.value,
                v.confidence.word(),
                v.from
            );
        }
        None => {
            let _ = writeln!(r, "{f}: {key}: not found; add it by hand");
        }
    };
    line(&mut r, "title", found.title.as_ref().map(|(t, _)| t));
    line(&mut r, "summary", found.summary.as_ref());
    line(&mut r, "approved", found.approved.as_ref());
    if found.review.is_some() || found.review_every.is_none() {
        line(&mut r, "review", found.review.as_ref());
    } else {
        line(&mut r, "review_every", found.review_every.as_ref());
    }
    line(&mut r, "approved_by", found.approved_by.as_ref());
    line(&mut r, "owner", found.owner.as_ref());
    if let Some(s) = &found.statutory {
        let _ = writeln!(
            r,
            "{f}:{}: statutory = \"{}\" ({}) because {}",
            s.line,
            s.value,
            s.confidence.word(),
            s.from
        );
    }
    if found.audiences.is_empty() {
        let _ = writeln!(
            r,
            "{f}: audiences: every audience (the text names them all, or none)"
        );
    } else {
        let _ = writeln!(
            r,
            "{f}: audiences = [{}] (likely): the audiences its text names",
            found.audiences.join(", ")
        );
    }
    for tag in &found.sections {
        let block = &doc.blocks[tag.block];
        let _ = writeln!(
            r,
            "{f}:{}: section \"{}\" is for {} ({})",
            block.line,
            block.text(),
            tag.audiences.join(", "),
            tag.confidence.word()
        );
    }
    for tag in &found.blocks {
        let block = &doc.blocks[tag.block];
        let words: String = block
            .text()
            .split_whitespace()
            .take(8)
            .collect::<Vec<_>>()
            .join(" ");
        let _ = writeln!(
            r,
            "{f}:{}: paragraph \"{words}…\" is for {} ({})",
            block.line,
            tag.audiences.join(", "),
            tag.confidence.word()
        );
    }
    if let Some(ages) = &site.data.age_limits {
        let prose: Vec<Prose> = doc
            .blocks
            .iter()
            .flat_map(|b| match &b.kind {
                doc::Kind::Table(rows) => rows
                    .iter()
                    .flat_map(|row| {
                        row.iter().map(|c| Prose {
                            line: b.line,
                            text: doc::plain(c),
                        })
                    })
                    .collect::<Vec<_>>(),
                _ => vec![Prose {
                    line: b.line,
                    text: b.text(),
                }],
            })
            .collect();
        let mut diagnostics = Diagnostics::new();
        age_claims::check_prose(file, &prose, ages, &mut diagnostics);
        for d in diagnostics.sorted() {
            let _ = writeln!(r, "{d}");
        }
    }
    let mut documents = Vec::new();
    for reference in &found.references {
        match &reference.policy {
            Some(id) => {
                let _ = writeln!(
                    r,
                    "{f}:{}: \"{}\" is linked to the site's policy {id}",
                    reference.line, reference.title
                );
            }
            None => {
                let _ = writeln!(
                    r,
                    "{f}:{}: \"{}\" is not on this site: import it too, or add it to site.toml as a [[document]] (suggested below)",
                    reference.line, reference.title
                );
                documents.push(reference);
            }
        }
    }
    for abbr in &found.abbreviations {
        let _ = writeln!(
            r,
            "{f}:{}: defines \"{}\" ({}): add it to data/glossary.toml (suggested below)",
            abbr.line, abbr.term, abbr.abbr
        );
    }
    if !found.glossary_terms.is_empty() {
        let terms: Vec<String> = found
            .glossary_terms
            .iter()
            .map(|(t, l)| format!("{t} (line {l})"))
            .collect();
        let _ = writeln!(
            r,
            "{f}: uses the glossary's {}: the site links them to their definitions",
            terms.join(", ")
        );
    }
    for (line, name) in &doc.images {
        let _ = writeln!(
            r,
            "{f}:{line}: a picture ({name}) was not imported: add it by hand if it matters"
        );
    }
    for note in &doc.notes {
        let _ = writeln!(r, "{f}: {note}");
    }
    let checks = found
        .sections
        .iter()
        .filter(|t| t.confidence < Confidence::High)
        .count()
        + found.blocks.len();
    if checks > 0 {
        let _ = writeln!(
            r,
            "{f}: {checks} audience tags are marked <!-- check: --> in the draft: keep or remove each"
        );
    }
    if !documents.is_empty() {
        let _ = writeln!(r, "# suggested for site.toml:");
        for d in documents {
            let _ = writeln!(
                r,
                "[[document]]\nid = {}\ntitle = {}\nnote = \"Ask the school office for a copy.\"",
                toml::Value::String(d.suggested_id.clone()),
                toml::Value::String(d.title.clone())
            );
        }
    }
    if !found.abbreviations.is_empty() {
        let _ = writeln!(r, "# suggested for data/glossary.toml:");
        for a in &found.abbreviations {
            let _ = writeln!(
                r,
                "[[term]]\nterm = {}\nabbr = {}\ndefinition = \"WRITE WHAT IT MEANS\"",
                toml::Value::String(a.term.clone()),
                toml::Value::String(a.abbr.clone())
            );
        }
    }
    r
}

/// Writes the draft through a temporary file beside it, so that it is
/// never half written.
fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let name = path
        .file_name()
        .map_or_else(Default::default, |n| n.to_string_lossy().into_owned());
    let temp = path.with_file_name(format!(".{name}.policyweb-import"));
    let mut file = fs::File::create(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(&temp, path)
}
