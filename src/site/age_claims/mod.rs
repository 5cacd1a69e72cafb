//! Minimum ages typed into prose ("WhatsApp has a requirement of 16 or
//! above"), found and checked against `data/age-limits.toml`.
//!
//! The matcher reads one block of prose (a paragraph, list item or table row)
//! at a time:
//!
//! 1. It splits the text into words, numbers and punctuation, then into
//!    sentences, and each sentence into clauses (at `,` `;` `and` `but`
//!    `while` ...). A clause with no age is joined to the next one, and one
//!    with an age but no platform to the one before, so that "WhatsApp and
//!    TikTok need you to be 13" stays whole while "Facebook is 13 and WhatsApp
//!    is 16" is two claims.
//! 2. A platform is a name or alias from the data, matched on word
//!    boundaries without regard to case or inner spaces ("Tik Tok"). A name
//!    written only with a leading capital ("Threads", "Discord") must be
//!    capitalised in the prose too, because in lower case it is an ordinary
//!    word; a one- or two-letter name ("X") must match exactly.
//! 3. An age is a number from 1 to 21 in an age-like form: `16+`, `16 or
//!    over`, `at least 16` (these count on their own), or `16`, `aged 16`,
//!    `under 16s`, `16-year-olds`, `16 years old` (these count only in a
//!    sentence about requirements: "minimum", "must", "allowed", "age" ... or
//!    in a table whose header row says so). Numbers that are not ages are left
//!    out: years, `Year 6`, `Key Stage 2`, `40%`, `3 times`, `5.5`, ranges
//!    (`8 to 12`, `9-12`), and app-store ratings (`rated 12+`).
//! 4. Each age belongs to the nearest platform in its clause (or to a list of
//!    platforms such as "WhatsApp, TikTok and Snapchat"), at most
//!    [`MAX_DISTANCE`] words away. A platform whose ages in a clause include
//!    its age in the data agrees ("lowered from 16 to 13"); otherwise the
//!    first age is a claim that disagrees.

use std::path::Path;

use rayon::prelude::*;

use crate::data::AgeLimits;
use crate::dates;
use crate::diagnostics::{Diagnostics, Kind};
use crate::markdown::Prose;

use super::Site;

mod ages;
mod clauses;
mod platforms;
mod tokens;

use ages::{Age, RATING_WORDS, ages};
use clauses::{assign, clauses};
use platforms::mentions;
use tokens::{requirement_context, sentences, tokenize};

/// How many words apart a platform and an age may be and still belong together.
pub const MAX_DISTANCE: usize = 12;

/// An age stated for a platform in some prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The index of the platform in the data.
    pub platform: usize,
    /// The platform's name as the prose writes it.
    pub written: String,
    /// The age the prose gives.
    pub age: u8,
    /// The words that give it ("16 or above").
    pub phrase: String,
}

/// Warns about every age in a policy's prose that disagrees with the data.
///
/// `policyweb build` checks each policy's prose as it parses the file (with
/// [`check_prose`]) and drops it, so that the model never holds it; this
/// checks whatever prose a site was assembled with.
///
/// Free pages are not read: they are where a school explains its site (the
/// editing guide quotes a stale age on purpose), not where it states rules.
pub fn check(site: &Site, diagnostics: &mut Diagnostics) {
    let Some(data) = &site.data.age_limits else {
        return;
    };
    // Each policy is read on its own, so the policies are read in parallel;
    // their warnings are added in the policies' order.
    let found: Vec<Diagnostics> = site
        .policies
        .par_iter()
        .map(|policy| {
            let mut d = Diagnostics::new();
            check_prose(&policy.source.path, &policy.source.body.prose, data, &mut d);
            d
        })
        .collect();
    for d in found {
        diagnostics.extend(d);
    }
}

/// Warns about each disagreeing claim in one file's prose.
pub fn check_prose(path: &Path, prose: &[Prose], data: &AgeLimits, diagnostics: &mut Diagnostics) {
    for block in blocks(prose) {
        for claim in disagreements(&block.text, block.table_context, data) {
            let row = &data.platforms[claim.platform];
            let says = match row.min_age {
                0 => "no minimum age".to_string(),
                n => n.to_string(),
            };
            let age = claim.age.to_string();
            let phrase = if claim.phrase == age {
                String::new()
            } else {
                format!(" (\"{}\")", claim.phrase)
            };
            diagnostics.warning(
                path,
                Some(block.line),
                Kind::AgeClaim,
                format!(
                    "this says the minimum age for {} is {age}{phrase}, but {} gives {says} \
                     (checked {}); show the ages with {{{{ age_limits(platforms=[\"{}\"]) }}}} \
                     instead of typing them",
                    claim.written,
                    data.path.display(),
                    dates::long(data.checked),
                    row.name
                ),
            );
        }
    }
}

/// One paragraph, list item or table row, ready to be read for claims.
#[derive(Debug, PartialEq, Eq)]
struct Block {
    line: usize,
    text: String,
    /// A table row whose header row talks about ages.
    table_context: bool,
}

/// Groups prose into blocks: table cells on one line become one row, and the
/// first row of a table (its header) decides whether bare numbers are ages.
fn blocks(prose: &[Prose]) -> Vec<Block> {
    let mut groups: Vec<(usize, Vec<&str>)> = Vec::new();
    for p in prose {
        match groups.last_mut() {
            Some((line, cells)) if *line == p.line => cells.push(&p.text),
            _ => groups.push((p.line, vec![&p.text])),
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    let mut table: Option<Table> = None;
    for (line, cells) in groups {
        let text = cells.join(" | ");
        let table_context = if cells.len() < 2 {
            table = None;
            false
        } else {
            let context = match table {
                Some(t) if t.continues(cells.len(), line) => t.context,
                _ => requirement_context(&tokenize(&text)),
            };
            table = Some(Table {
                cells: cells.len(),
                line,
                header: table.is_none_or(|t| !t.continues(cells.len(), line)),
                context,
            });
            context
        };
        out.push(Block {
            line,
            text,
            table_context,
        });
    }
    out
}

/// The table a row belongs to, as far as the rows seen so far tell.
#[derive(Debug, Clone, Copy)]
struct Table {
    /// How many cells its rows have.
    cells: usize,
    /// The line of the last row seen.
    line: usize,
    /// Whether that row is the header (the delimiter row follows it).
    header: bool,
    /// Whether the header talks about ages.
    context: bool,
}

impl Table {
    /// Whether a row of `cells` cells on `line` is the next row of this table.
    fn continues(&self, cells: usize, line: usize) -> bool {
        let next = if self.header {
            self.line + 2
        } else {
            self.line + 1
        };
        cells == self.cells && line == next
    }
}

/// The claims in `text` that disagree with the data, at most one per platform.
pub fn disagreements(text: &str, table_context: bool, data: &AgeLimits) -> Vec<Claim> {
    let mut out: Vec<Claim> = Vec::new();
    for claims in claims_by_clause(text, table_context, data) {
        for claim in &claims {
            let platform = claim.platform;
            let agrees = claims
                .iter()
                .any(|c| c.platform == platform && c.age == data.platforms[platform].min_age);
            if !agrees && out.iter().all(|c| c.platform != platform) {
                out.push(claim.clone());
            }
        }
    }
    out
}

/// Every age stated for a platform in `text`, clause by clause.
pub fn claims_by_clause(text: &str, table_context: bool, data: &AgeLimits) -> Vec<Vec<Claim>> {
    // Every age is a run of ASCII digits: most prose has none, and skipping
    // it here keeps this check from being the slowest step of a large build.
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let tokens = tokenize(text);
    let mut out = Vec::new();
    for sentence in sentences(&tokens) {
        let tokens = &tokens[sentence.clone()];
        if tokens.iter().any(|t| t.is_any(RATING_WORDS)) {
            // App-store ratings ("12+") are not the ages in the terms.
            continue;
        }
        let context = table_context || requirement_context(tokens);
        let ages: Vec<Age> = ages(tokens)
            .into_iter()
            .filter(|a| a.strong || context)
            .collect();
        if ages.is_empty() {
            continue;
        }
        let mentions = mentions(tokens, data);
        if mentions.is_empty() {
            continue;
        }
        for clause in clauses(tokens, &ages, &mentions) {
            let claims = assign(tokens, text, &ages, &mentions, &clause);
            if !claims.is_empty() {
                out.push(claims);
            }
        }
    }
    out
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::data::Platform;
    use jiff::civil::date;
    use std::path::PathBuf;

    pub(crate) fn data() -> AgeLimits {
        let row = |name: &str, min_age: u8, aliases: &[&str]| Platform {
            name: name.into(),
            min_age,
            note: None,
            source: "https://example.com/".into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            line: 1,
        };
        AgeLimits {
            path: PathBuf::from("data/age-limits.toml"),
            checked: date(2026, 9, 1),
            checked_line: 1,
            platforms: vec![
                row("Roblox", 0, &[]),
                row("Discord", 13, &[]),
                row("Facebook", 13, &[]),
                row("Threads", 13, &[]),
                row("TikTok", 13, &[]),
                row("WhatsApp", 13, &[]),
                row("X", 13, &["Twitter"]),
                row("YouTube", 13, &[]),
                row("YouTube Kids", 0, &[]),
                row("Chatterbox", 16, &[]),
                row("BeReal", 13, &[]),
            ],
        }
    }

    /// The disagreements in `text` as "Platform=age (phrase)".
    fn found(text: &str) -> Vec<String> {
        let data = data();
        disagreements(text, false, &data)
            .iter()
            .map(|c| {
                format!(
                    "{}={} ({})",
                    data.platforms[c.platform].name, c.age, c.phrase
                )
            })
            .collect()
    }

    #[test]
    fn stale_claims_are_found() {
        let cases: &[(&str, &[&str])] = &[
            (
                "WhatsApp has a requirement of 16 or above.",
                &["WhatsApp=16 (16 or above)"],
            ),
            ("You must be 16 to use WhatsApp.", &["WhatsApp=16 (16)"]),
            ("WhatsApp is 16+.", &["WhatsApp=16 (16+)"]),
            ("WhatsApp is 16 plus", &["WhatsApp=16 (16 plus)"]),
            (
                "Users of WhatsApp must be aged 16 or over.",
                &["WhatsApp=16 (aged 16 or over)"],
            ),
            (
                "Children under 16 are not allowed on WhatsApp.",
                &["WhatsApp=16 (under 16)"],
            ),
            (
                "WhatsApp is not allowed for under-16s.",
                &["WhatsApp=16 (under-16s)"],
            ),
            (
                "The minimum age for WhatsApp is 16 years old.",
                &["WhatsApp=16 (16 years old)"],
            ),
            (
                "WhatsApp requires users to be 16 years of age",
                &["WhatsApp=16 (16 years of age)"],
            ),
            (
                "WhatsApp needs you to be at least 16",
                &["WhatsApp=16 (at least 16)"],
            ),
            (
                "WhatsApp is only for 16-year-olds and over: it needs consent.",
                &["WhatsApp=16 (16-year-olds)"],
            ),
            ("WHATSAPP: minimum age 16", &["WhatsApp=16 (age 16)"]),
            ("whatsapp requires 16", &["WhatsApp=16 (16)"]),
            ("Tik Tok has an age limit of 16.", &["TikTok=16 (16)"]),
            ("Twitter requires users to be 18.", &["X=18 (18)"]),
            ("On X you must be 18 or over.", &["X=18 (18 or over)"]),
            (
                "WhatsApp's minimum age is 16, while Facebook's is 13.",
                &["WhatsApp=16 (16)"],
            ),
            (
                "Facebook's minimum age is 13 and WhatsApp's is 16.",
                &["WhatsApp=16 (16)"],
            ),
            (
                "Facebook needs 13, WhatsApp 16 and TikTok 13.",
                &["WhatsApp=16 (16)"],
            ),
            (
                "WhatsApp and TikTok both require users to be 16.",
                &["TikTok=16 (16)", "WhatsApp=16 (16)"],
            ),
            (
                "Most sites, including Facebook, WhatsApp and TikTok, have a minimum age of 14.",
                &["Facebook=14 (14)", "TikTok=14 (14)", "WhatsApp=14 (14)"],
            ),
            ("Roblox is for players aged 13+.", &["Roblox=13 (aged 13+)"]),
            (
                "Chatterbox requires 13-year-olds to ask a parent.",
                &["Chatterbox=13 (13-year-olds)"],
            ),
            (
                "You need to be 16 for WhatsApp. Facebook is fine at 13.",
                &["WhatsApp=16 (16)"],
            ),
            (
                "From your 16th birthday you are allowed on WhatsApp.",
                &["WhatsApp=16 (16th birthday)"],
            ),
            (
                "Discord (e.g. for gaming) requires users to be 16.",
                &["Discord=16 (16)"],
            ),
        ];
        for (text, expected) in cases {
            let mut got = found(text);
            got.sort();
            assert_eq!(&got, expected, "{text}");
        }
    }

    #[test]
    fn agreeing_or_ageless_prose_is_left_alone() {
        let cases = [
            "WhatsApp has a minimum age of 13.",
            "WhatsApp lowered its minimum age from 16 to 13 in 2024.",
            "WhatsApp lowered its age limit to 13 in April 2024, from 16.",
            "WhatsApp used to require 16 but now requires 13.",
            "Discord requires users to be 13 in the UK, but 16 in Germany.",
            "Most social media sites have a minimum age requirement of 13 years.",
            "Most social media platforms have a minimum age of 16 in some countries.",
            "Class WhatsApp groups must follow the rules in section 4.",
            "Pupils in Year 6 must not use WhatsApp in school.",
            "Children in Key Stage 2 may not bring phones; WhatsApp is not allowed.",
            "In 2024, 40% of 8 to 12 year olds used TikTok.",
            "13% of children must be supervised on TikTok.",
            "About 1 in 5 children aged 8 use TikTok, Ofcom found.",
            "Children aged 4 to 12 can use YouTube Kids.",
            "YouTube Kids is meant for children under 13.",
            "Apple's App Store rates TikTok 12+ and Discord 17+, which differs from their terms.",
            "TikTok is rated 12+ in the app store.",
            "We post on Facebook 3 times a week and must keep to the schedule.",
            "Delete WhatsApp messages after 30 days, as the rules require.",
            "WhatsApp groups must not have more than 10 parents in them.",
            "Staff must not join message threads with pupils under 16.",
            "There was discord between 2 pupils who must be separated.",
            "Call 01632 960 418 if you need help with WhatsApp.",
            "The X-Box 360 must be 12 inches from the wall.",
            "Facebook posts need 2 approvals.",
            "WhatsApp is used by many families.",
            "We expect parents using WhatsApp to be kind. Children must be 16 to drive a moped.",
            "Lessons last 1.5 hours and WhatsApp must not be used.",
            "Meet at 3:30, and bring WhatsApp details as required.",
            "Be real: 16 pupils must be kind.",
            "Roblox has no minimum age, but chat needs an age check.",
            "Facebooks of 16 pages must be allowed.",
            "Our policy was approved in 2024 and reviewed at 16 of our WhatsApp groups.",
        ];
        for text in cases {
            assert_eq!(found(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn numbers_far_from_the_platform_are_not_its_age() {
        assert_eq!(
            found(
                "WhatsApp is one of many messaging services that families use at home and at school, \
                 and some of them are for users aged 16 or over."
            ),
            Vec::<String>::new()
        );
    }

    #[test]
    fn table_rows_use_their_header() {
        let prose = |line: usize, text: &str| Prose {
            line,
            text: text.into(),
        };
        let table = [
            prose(3, "Published age limits, correct as of 2023."),
            prose(5, "Platform"),
            prose(5, "Minimum age"),
            prose(7, "WhatsApp"),
            prose(7, "16"),
            prose(8, "TikTok"),
            prose(8, "13"),
            prose(10, "App"),
            prose(10, "Hours a week"),
            prose(12, "WhatsApp"),
            prose(12, "5"),
        ];
        let blocks = blocks(&table);
        let summary: Vec<(usize, &str, bool)> = blocks
            .iter()
            .map(|b| (b.line, b.text.as_str(), b.table_context))
            .collect();
        assert_eq!(
            summary,
            [
                (3, "Published age limits, correct as of 2023.", false),
                (5, "Platform | Minimum age", true),
                (7, "WhatsApp | 16", true),
                (8, "TikTok | 13", true),
                (10, "App | Hours a week", false),
                (12, "WhatsApp | 5", false),
            ]
        );
        let mut d = Diagnostics::new();
        check_prose(Path::new("p.md"), &table, &data(), &mut d);
        let lines: Vec<String> = d.sorted().iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "p.md:7: warning: this says the minimum age for WhatsApp is 16, but \
              data/age-limits.toml gives 13 (checked 1 September 2026); show the ages with \
              {{ age_limits(platforms=[\"WhatsApp\"]) }} instead of typing them [age-claim]"
            ]
        );
    }

    #[test]
    fn a_platform_with_no_minimum_is_worded_so() {
        let mut d = Diagnostics::new();
        let prose = [Prose {
            line: 4,
            text: "Roblox players must be 13 or over.".into(),
        }];
        check_prose(Path::new("p.md"), &prose, &data(), &mut d);
        let message = &d.sorted()[0].message;
        assert!(message.contains("gives no minimum age"), "{message}");
    }

    #[test]
    fn odd_text_never_panics() {
        let data = data();
        let pieces = [
            "",
            " ",
            "WhatsApp",
            "16",
            "16+",
            "-",
            "–",
            "|",
            ".",
            "e.g.",
            "Tik",
            "Tok",
            "under-",
            "13s",
            "13th",
            "years",
            "old",
            "é",
            "١٣",
            "X",
            "Twitter",
            "at least",
            "ﬁ",
            ",",
            "and",
            "9999999999999",
            "0",
            "must",
        ];
        let mut seed = 7u32;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(seed % 9) {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                text.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
                if seed.is_multiple_of(3) {
                    text.push(' ');
                }
            }
            let _ = disagreements(&text, seed.is_multiple_of(2), &data);
        }
    }
}
