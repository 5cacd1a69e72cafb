//! Sentences cut into clauses, and each age given to the nearest platform.

use super::ages::Age;
use super::platforms::Mention;
use super::tokens::Token;
use super::{Claim, MAX_DISTANCE};

/// Words that start a new clause.
const CLAUSE_WORDS: &[&str] = &[
    "and", "but", "while", "whereas", "although", "though", "however", "except",
];

/// The token ranges of the clauses, joined so that each has ages and platforms
/// where the sentence allows.
pub(super) fn clauses(
    tokens: &[Token],
    ages: &[Age],
    mentions: &[Mention],
) -> Vec<std::ops::Range<usize>> {
    let inside_age = |i: usize| ages.iter().any(|a| a.first <= i && i <= a.last);
    let mut cuts = vec![0];
    for (i, t) in tokens.iter().enumerate() {
        if (t.is_punct(",;") || t.is_any(CLAUSE_WORDS)) && !inside_age(i) && i > 0 {
            cuts.push(i);
        }
    }
    cuts.push(tokens.len());
    let has_age = |r: &std::ops::Range<usize>| ages.iter().any(|a| r.contains(&a.token));
    let has_platform = |r: &std::ops::Range<usize>| mentions.iter().any(|m| r.contains(&m.first));
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    let mut pending: Option<usize> = None;
    for w in cuts.windows(2) {
        let range = pending.take().unwrap_or(w[0])..w[1];
        if !has_age(&range) {
            pending = Some(range.start);
        } else if !has_platform(&range) && !out.is_empty() {
            if let Some(last) = out.last_mut() {
                last.end = range.end;
            }
        } else {
            out.push(range);
        }
    }
    if let Some(start) = pending {
        match out.last_mut() {
            Some(last) => last.end = tokens.len(),
            None => out.push(start..tokens.len()),
        }
    }
    out
}

/// The claims of one clause: each age goes to the nearest platform, or list of
/// platforms, within [`MAX_DISTANCE`] words (the one before it on a tie).
pub(super) fn assign(
    tokens: &[Token],
    text: &str,
    ages: &[Age],
    mentions: &[Mention],
    clause: &std::ops::Range<usize>,
) -> Vec<Claim> {
    let mentions: Vec<&Mention> = mentions
        .iter()
        .filter(|m| clause.contains(&m.first))
        .collect();
    let groups = group_lists(tokens, &mentions);
    // The number of words before each token, to measure distances in words.
    let mut words = Vec::with_capacity(tokens.len());
    let mut count = 0;
    for t in tokens {
        words.push(count);
        count += usize::from(t.is_wordlike());
    }
    let mut claims = Vec::new();
    for age in ages.iter().filter(|a| clause.contains(&a.token)) {
        let distance = |g: &[&Mention]| {
            let (first, last) = (g[0].first, g[g.len() - 1].last);
            if age.token < first {
                (words[first] - words[age.token], 1)
            } else {
                (words[age.token] - words[last], 0)
            }
        };
        let Some(group) = groups
            .iter()
            .filter(|g| distance(g).0 <= MAX_DISTANCE)
            .min_by_key(|g| distance(g))
        else {
            continue;
        };
        let phrase = &text[tokens[age.first].start..tokens[age.last].end];
        for m in group {
            claims.push(Claim {
                platform: m.platform,
                written: text[tokens[m.first].start..tokens[m.last].end].to_string(),
                age: age.value,
                phrase: phrase.to_string(),
            });
        }
    }
    claims
}

/// Mentions joined only by `,` `/` `&` `and` `or` form one list.
fn group_lists<'m>(tokens: &[Token], mentions: &[&'m Mention]) -> Vec<Vec<&'m Mention>> {
    let mut groups: Vec<Vec<&Mention>> = Vec::new();
    for &m in mentions {
        let joins = groups.last().and_then(|g| g.last()).is_some_and(|prev| {
            tokens[prev.last + 1..m.first]
                .iter()
                .all(|t| t.is_punct(",/&") || t.is_any(&["and", "or"]))
        });
        match groups.last_mut() {
            Some(g) if joins => g.push(m),
            _ => groups.push(vec![m]),
        }
    }
    groups
}
