//! `[[accept]]`: warnings the governors accepted on the record. An accepted
//! warning is not printed as a warning and does not fail `check --strict`;
//! `check` lists it with its reason. Each acceptance lasts until the policy's
//! next review date, after which the warning shows again, and an acceptance
//! that matches no warning is itself an `[unused-accept]` warning.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::Site;
use crate::diagnostics::{Diagnostic, Diagnostics, Kind};
use crate::source::policy::Acceptance;

/// Words folded for matching: lower case, runs of spaces as one.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The lines of the policy files whose warnings are matched against
/// flagged words, each file read once however many warnings it has.
#[derive(Default)]
struct Files(HashMap<PathBuf, Vec<String>>);

impl Files {
    /// The block of `path` that starts at `line` (to the next blank line),
    /// folded, where the flagged words of a warning are.
    fn block_at(&mut self, path: &Path, line: usize) -> String {
        let lines = self.0.entry(path.to_path_buf()).or_insert_with(|| {
            fs::read_to_string(path)
                .map(|text| text.lines().map(str::to_string).collect())
                .unwrap_or_default()
        });
        let block: Vec<&str> = lines
            .iter()
            .skip(line.saturating_sub(1))
            .take_while(|l| !l.trim().is_empty())
            .map(String::as_str)
            .collect();
        fold(&block.join(" "))
    }
}

/// Whether `accept` covers warning `d` of the policy file.
fn covers(accept: &Acceptance, d: &Diagnostic, files: &mut Files) -> bool {
    if d.kind != Some(accept.kind) {
        return false;
    }
    let Some(text) = &accept.text else {
        return true;
    };
    let text = fold(text);
    fold(&d.message).contains(&text)
        || d.line
            .is_some_and(|l| files.block_at(&d.path, l).contains(&text))
}

/// Moves the warnings each policy accepts into the accepted list, and warns
/// about acceptances that match nothing. Acceptances of a policy whose review
/// is overdue have expired and accept nothing.
pub fn apply(site: &Site, diagnostics: &mut Diagnostics) {
    let mut used: Vec<Vec<bool>> = site
        .policies
        .iter()
        .map(|p| vec![false; p.source.accepts.len()])
        .collect();
    // Only policies with acceptances can accept anything: index them by file.
    let by_path: HashMap<&Path, usize> = site
        .policies
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.source.accepts.is_empty())
        .map(|(i, p)| (p.source.path.as_path(), i))
        .collect();
    let mut files = Files::default();
    let live = |i: usize| {
        let source = &site.policies[i].source;
        source.review.as_ref().is_none_or(|r| r.date >= site.today)
    };
    diagnostics.accept(|d| {
        let i = *by_path.get(d.path.as_path())?;
        if !live(i) {
            return None;
        }
        let (j, accept) = site.policies[i]
            .source
            .accepts
            .iter()
            .enumerate()
            .find(|(_, a)| covers(a, d, &mut files))?;
        used[i][j] = true;
        Some(accept.reason.clone())
    });
    for (i, policy) in site.policies.iter().enumerate() {
        let source = &policy.source;
        for (j, accept) in source.accepts.iter().enumerate() {
            if used[i][j] {
                continue;
            }
            let message = if live(i) {
                format!(
                    "this [[accept]] of a [{}] warning matches no warning in this policy: \
                     remove it, or check its kind and text",
                    accept.kind
                )
            } else {
                format!(
                    "this [[accept]] of a [{}] warning lapsed when the review fell due: \
                     fix what it accepted, or the governors accept it again at the review",
                    accept.kind
                )
            };
            diagnostics.warning(&source.path, Some(accept.line), Kind::UnusedAccept, message);
        }
    }
}
