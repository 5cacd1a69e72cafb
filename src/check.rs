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
use crate::render::review_order;
use crate::site::{ReviewStatus, Site};

/// Checks the site in `root` as of `today`; exit code 1 on errors (or, with
/// `strict`, on warnings such as overdue reviews).
pub fn run(root: &Path, today: Date, strict: bool) -> ExitCode {
    let mut diagnostics = Diagnostics::new();
    let loaded = build::load(root, today, None, &mut diagnostics);
    if let Some(loaded) = &loaded {
        build::render_into(loaded, &NullSink, &mut diagnostics);
        add_review_warnings(&loaded.site, &mut diagnostics);
        let _ = std::io::stdout().write_all(status_table(&loaded.site).as_bytes());
    }
    report(&diagnostics);
    let failed = diagnostics.has_errors() || (strict && diagnostics.warning_count() > 0);
    eprintln!(
        "policyweb: {}{}",
        diagnostics.summary(),
        if failed { "" } else { "; all good" }
    );
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A warning for each overdue review, at the policy's `review` line.
pub fn add_review_warnings(site: &Site, diagnostics: &mut Diagnostics) {
    for policy in &site.policies {
        if policy.status == ReviewStatus::Overdue
            && let Some(review) = &policy.source.review
        {
            diagnostics.warning(
                &policy.source.path,
                Some(1),
                format!(
                    "review of \"{}\" is overdue: it was due {}",
                    policy.source.title,
                    review.display()
                ),
            );
        }
    }
}

/// The review status of every policy as an aligned text table.
pub fn status_table(site: &Site) -> String {
    let mut policies: Vec<_> = site.policies.iter().collect();
    policies.sort_by(|a, b| review_order(a, b));
    let rows: Vec<[String; 4]> = policies
        .iter()
        .map(|p| {
            [
                p.status.as_str().to_string(),
                p.source
                    .review
                    .as_ref()
                    .map_or("-".into(), |r| dates::iso(r.date)),
                p.id().to_string(),
                p.source.owner.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let header = ["STATUS", "DUE", "POLICY", "OWNER"].map(String::from);
    let widths: Vec<usize> = (0..4)
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
