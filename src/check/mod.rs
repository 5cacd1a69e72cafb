//! `policyweb check`: every check a build makes, without publishing, and a
//! table of each policy's review status for governors and scheduled jobs.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;

use crate::build;
use crate::cli::report;
use crate::dates;
use crate::diagnostics::Diagnostics;
use crate::output::NullSink;
use crate::site::Site;
use crate::site::review::tracker_order;

mod json;

/// How `check` prints what it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// The review table on standard output, diagnostics on standard error.
    #[default]
    Human,
    /// One JSON document on standard output (docs/check-json.md).
    Json,
}

/// Checks the site in `root` as of `today` and prints what it found in
/// `format`, with draft policies when `drafts`; exit code 1 on errors (or,
/// with `strict`, on warnings such as overdue reviews).
pub fn run(root: &Path, today: Date, strict: bool, format: Format, drafts: bool) -> ExitCode {
    let mut diagnostics = Diagnostics::new();
    let loaded = build::load_cached(root, today, None, drafts, None, &mut diagnostics);
    if let Some(loaded) = &loaded {
        build::render_into(loaded, &NullSink, &mut diagnostics);
    }
    let site = loaded.as_ref().map(|l| &l.site);
    let mut stdout = std::io::stdout().lock();
    match format {
        Format::Human => {
            if let Some(site) = site {
                let _ = stdout.write_all(status_table(site).as_bytes());
            }
            let accepted = diagnostics.accepted();
            if !accepted.is_empty() {
                let _ = writeln!(stdout, "\nACCEPTED (until each policy's next review)");
                for a in &accepted {
                    let _ = writeln!(stdout, "{}\n  reason: {}", a.warning, a.reason);
                }
            }
            report(&diagnostics);
        }
        Format::Json => {
            let _ = stdout.write_all(json::report(site, today, &diagnostics).as_bytes());
        }
    }
    drop(stdout);
    let warned = diagnostics.warning_count() > 0;
    let failed = diagnostics.has_errors() || (strict && warned);
    let note = match (diagnostics.has_errors(), warned, strict) {
        (false, false, _) => "; all good",
        (false, true, true) => "; --strict fails on warnings",
        _ => "",
    };
    eprintln!("policyweb: {}{note}", diagnostics.summary());
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The review status of every policy as an aligned text table, in tracker
/// order: status, due date, policy id, title and owner.
pub fn status_table(site: &Site) -> String {
    let mut policies: Vec<_> = site.policies.iter().collect();
    policies.sort_by(|a, b| tracker_order(a, b));
    let header = ["STATUS", "DUE", "POLICY", "TITLE", "OWNER"].map(String::from);
    let rows: Vec<[String; 5]> = policies
        .iter()
        .map(|p| {
            let s = &p.source;
            [
                p.status.as_str().to_string(),
                s.review.as_ref().map_or("-".into(), |r| dates::iso(r.date)),
                p.id().to_string(),
                s.title.clone(),
                s.owner.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .chain([&header])
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}
