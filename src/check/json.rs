//! `check --format json`: every diagnostic, every policy's review status and
//! every statutory duty as one JSON document, for dashboards and scripts.
//! The schema is documented in docs/check-json.md; fields are only ever added.

use serde::Serialize;

use crate::dates::{self, PolicyDate};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::site::Site;
use crate::site::review::tracker_order;

/// The version of the document's shape, raised only if a field changes meaning.
const FORMAT: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    format: u32,
    today: String,
    summary: Summary,
    diagnostics: Vec<DiagnosticJson>,
    accepted: Vec<AcceptedJson>,
    policies: Vec<PolicyJson<'a>>,
    duties: Option<Vec<DutyJson<'a>>>,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    accepted: usize,
}

#[derive(Serialize)]
struct DiagnosticJson {
    file: String,
    line: Option<usize>,
    severity: &'static str,
    kind: Option<&'static str>,
    message: String,
}

#[derive(Serialize)]
struct AcceptedJson {
    #[serde(flatten)]
    warning: DiagnosticJson,
    reason: String,
}

#[derive(Serialize)]
struct DateJson<'a> {
    date: String,
    written: &'a str,
}

#[derive(Serialize)]
struct PolicyJson<'a> {
    id: &'a str,
    title: &'a str,
    status: &'static str,
    approved: Option<DateJson<'a>>,
    review: Option<DateJson<'a>>,
    owner: Option<&'a str>,
    statutory: Vec<&'a str>,
}

#[derive(Serialize)]
struct DutyJson<'a> {
    id: &'a str,
    name: &'a str,
    status: &'static str,
    policy: Option<&'a str>,
    published_at: Option<&'a str>,
    not_applicable: Option<&'a str>,
    review_every: &'a str,
    source: &'a str,
}

fn date(d: &PolicyDate) -> DateJson<'_> {
    DateJson {
        date: dates::iso(d.date),
        written: &d.written,
    }
}

fn diagnostic(d: &Diagnostic) -> DiagnosticJson {
    DiagnosticJson {
        file: d.path.display().to_string(),
        line: d.line,
        severity: match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        kind: d.kind.map(|k| k.as_str()),
        message: d.message.clone(),
    }
}

/// The JSON document for a check of `site` (absent when the site could not
/// be loaded) with its `diagnostics`, followed by a newline.
pub fn report(site: Option<&Site>, today: jiff::civil::Date, diagnostics: &Diagnostics) -> String {
    let mut policies: Vec<_> = site
        .map(|s| s.policies.iter().collect())
        .unwrap_or_default();
    policies.sort_by(|a, b| tracker_order(a, b));
    let policies = policies
        .into_iter()
        .map(|p| PolicyJson {
            id: p.id(),
            title: &p.source.title,
            status: p.status.as_str(),
            approved: p.source.approved.as_ref().map(date),
            review: p.source.review.as_ref().map(date),
            owner: p.source.owner.as_deref(),
            statutory: p.source.duties.iter().map(|(id, _)| id.as_str()).collect(),
        })
        .collect();
    let duties = site
        .and_then(|s| s.compliance.as_ref().map(|c| (s, c)))
        .map(|(site, c)| {
            c.rows
                .iter()
                .map(|row| DutyJson {
                    id: &row.duty.id,
                    name: &row.duty.name,
                    status: row.status.as_str(),
                    policy: row.policy.map(|i| site.policies[i].id()),
                    published_at: row.elsewhere.as_deref(),
                    not_applicable: row.duty.not_applicable.as_deref(),
                    review_every: &row.duty.review_every,
                    source: &row.duty.source,
                })
                .collect()
        });
    let report = Report {
        format: FORMAT,
        today: dates::iso(today),
        summary: Summary {
            errors: diagnostics.error_count(),
            warnings: diagnostics.warning_count(),
            accepted: diagnostics.accepted().len(),
        },
        diagnostics: diagnostics.sorted().iter().map(diagnostic).collect(),
        accepted: diagnostics
            .accepted()
            .into_iter()
            .map(|a| AcceptedJson {
                warning: diagnostic(&a.warning),
                reason: a.reason,
            })
            .collect(),
        policies,
        duties,
    };
    let mut out = serde_json::to_string_pretty(&report).expect("the report is plain data");
    out.push('\n');
    out
}
