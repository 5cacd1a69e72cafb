//! `policyweb approve`: records a review in one step. The policy as it stood
//! is copied into `archive/<id>/<date it was approved>.md`, then its front
//! matter gets the new `approved` date, `approved_by`, the next `review` and a
//! `[[history]]` entry, so the archive and the history cannot drift apart.
//!
//! The front matter is edited with `toml_edit`, which keeps the school's
//! comments, order and layout.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use toml_edit::{DocumentMut, Item, Table, value};

use crate::build;
use crate::dates::{self, PolicyDate, Precision};
use crate::diagnostics::{Diagnostics, Kind};
use crate::source;

/// What to record.
#[derive(Debug, Clone)]
pub struct ApproveOptions {
    /// The site folder.
    pub site: PathBuf,
    /// The policy's id.
    pub policy: String,
    /// The day the board approved the new version.
    pub date: Date,
    /// Who approved it ("Full Governing Body").
    pub by: String,
    /// What changed, for the history and the "what changed" pages.
    pub summary: String,
    /// The next review date, as it should be written; needed when the policy
    /// has `review` rather than `review_every`.
    pub review: Option<String>,
    /// The day the command runs (an approval cannot be in the future).
    pub today: Date,
}

/// What `approve` did.
#[derive(Debug)]
pub struct Approved {
    /// The policy file, updated.
    pub policy: PathBuf,
    /// The archived copy of the version it replaced, if it had been approved before.
    pub archived: Option<PathBuf>,
    /// Anything worth knowing that did not stop it.
    pub warnings: Diagnostics,
}

/// Records the approval, or says (with file and line) why it cannot.
pub fn approve(options: &ApproveOptions) -> Result<Approved, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let Some(loaded) = build::load(&options.site, options.today, None, &mut diagnostics) else {
        return Err(diagnostics);
    };
    let site = &loaded.site;
    let Some(policy) = site.policy(&options.policy) else {
        let known: Vec<&str> = site.policies.iter().map(|p| p.id()).collect();
        diagnostics.error(
            &options.site.join("policies"),
            None,
            format!(
                "no policy has the id \"{}\"{}",
                options.policy,
                crate::suggest::did_you_mean(&options.policy, known.into_iter())
            ),
        );
        return Err(diagnostics);
    };
    let path = policy.source.path.clone();
    let fail = |message: String| {
        let mut d = Diagnostics::new();
        d.error(&path, None, message);
        Err(d)
    };
    if options.date > options.today {
        return fail(format!(
            "--date {} is in the future; record an approval on or after the day the board made it",
            dates::iso(options.date)
        ));
    }
    if options.summary.trim().is_empty() || options.by.trim().is_empty() {
        return fail(
            "--by and --summary need some words: who approved it, and what changed".into(),
        );
    }
    let previous = policy.source.approved.as_ref().map(|a| a.date);
    if previous.is_some_and(|p| p >= options.date) {
        return fail(format!(
            "the policy was last approved on {}; --date must be later",
            dates::iso(previous.unwrap_or(options.date))
        ));
    }
    let uses_every = policy.source.review_every.is_some() && !policy.source.review_from_duty;
    match (&options.review, uses_every) {
        (Some(_), true) => {
            return fail(
                "this policy counts its review with review_every; leave out --review, or remove review_every first".into(),
            );
        }
        (Some(review), false) => {
            if let Err(e) = PolicyDate::parse(review, &site.config.terms) {
                return fail(format!("--review: {e}"));
            }
        }
        (None, false) if policy.source.review.is_some() && !policy.source.review_from_duty => {
            return fail(
                "give the next review date with --review (for example --review \"Summer 2027\")"
                    .into(),
            );
        }
        (None, _) => {}
    }

    let text = source::read(&path).map_err(|d| {
        let mut all = Diagnostics::new();
        all.push(d);
        all
    })?;
    let parts = source::split(&path, &text).map_err(|d| {
        let mut all = Diagnostics::new();
        all.push(d);
        all
    })?;
    let mut doc: DocumentMut = match parts.front_matter.parse() {
        Ok(doc) => doc,
        Err(e) => {
            return fail(format!(
                "the front matter cannot be edited: {}",
                e.message()
            ));
        }
    };
    doc["approved"] = value(dates::iso(options.date));
    doc["approved_by"] = value(options.by.trim());
    if let Some(review) = &options.review {
        doc["review"] = value(review.trim());
    }
    let mut entry = Table::new();
    entry["date"] = value(dates::iso(options.date));
    entry["summary"] = value(options.summary.trim());
    match doc.get_mut("history") {
        Some(Item::ArrayOfTables(history)) => history.push(entry),
        Some(_) => {
            return fail("history must be written as [[history]] tables to be added to".into());
        }
        None => {
            let mut history = toml_edit::ArrayOfTables::new();
            history.push(entry);
            doc["history"] = Item::ArrayOfTables(history);
        }
    }
    let mut front = doc.to_string();
    if !front.ends_with('\n') {
        front.push('\n');
    }
    let updated = format!("+++\n{front}+++\n{}", parts.body);

    // The archive first: if the policy cannot be written, the archive is undone.
    let archived = match policy.source.approved.as_ref() {
        Some(approved) => {
            if approved.precision != Precision::Day {
                diagnostics.warning(
                    &path,
                    None, Kind::VagueDate,
                    format!(
                        "approved was written \"{}\"; the archived copy is dated {}, the last day it stands for",
                        approved.written,
                        dates::iso(approved.date)
                    ),
                );
            }
            let file = options
                .site
                .join("archive")
                .join(policy.id())
                .join(format!("{}.md", dates::iso(approved.date)));
            if let Err(e) = write_new(&file, text.as_bytes()) {
                return fail(format!(
                    "cannot archive the current version as {}: {e}",
                    file.display()
                ));
            }
            Some(file)
        }
        None => None,
    };
    if let Err(e) = replace(&path, updated.as_bytes()) {
        if let Some(file) = &archived {
            let _ = fs::remove_file(file);
        }
        return fail(format!("cannot write the policy: {e}"));
    }
    Ok(Approved {
        policy: path,
        archived,
        warnings: diagnostics,
    })
}

/// Writes a new file, creating its folder; an existing file is never replaced.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Replaces a file through a temporary file beside it, so it is never half written.
fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map_or_else(Default::default, |n| n.to_string_lossy().into_owned());
    let temp = path.with_file_name(format!(".{name}.policyweb-approve"));
    let mut file = fs::File::create(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(&temp, path)
}
