//! What an imported document says about itself: its title, summary, dates,
//! who approved and owns it, whether it is statutory, whom each section is
//! for, the other policies it names and the abbreviations it defines. Each
//! finding keeps the line it came from and how sure the guess is.

use std::collections::BTreeSet;

use crate::config::SiteConfig;
use crate::dates::{Interval, PolicyDate};

use super::doc::{Block, Kind};

/// How sure a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    /// A guess: the editor must check it (marked `<!-- check: -->` in the draft).
    Low,
    /// Likely right.
    Medium,
    /// Written as a label says ("Review date: Spring 2027").
    High,
}

impl Confidence {
    /// How the report says it.
    pub fn word(self) -> &'static str {
        match self {
            Confidence::High => "sure",
            Confidence::Medium => "likely",
            Confidence::Low => "a guess; check it",
        }
    }
}

/// One value found, where, and how sure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The value as it goes into the front matter.
    pub value: String,
    /// The line (or Word paragraph) it came from.
    pub line: usize,
    /// The words it was read from.
    pub from: String,
    /// How sure.
    pub confidence: Confidence,
}

/// An audience tag for a heading's section or one paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The index of the block in the document.
    pub block: usize,
    /// The audience ids.
    pub audiences: Vec<String>,
    /// How sure.
    pub confidence: Confidence,
}

/// Another policy the text names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Its name as written ("Equality and Diversity Policy").
    pub title: String,
    /// The first line that names it.
    pub line: usize,
    /// The id of the site's policy of that name, when the site has one.
    pub policy: Option<String>,
    /// A valid id for a `[[document]]` when it does not.
    pub suggested_id: String,
}

/// An abbreviation the text defines: "Designated Safeguarding Lead (DSL)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Abbreviation {
    /// The words.
    pub term: String,
    /// The letters.
    pub abbr: String,
    /// Where it is defined.
    pub line: usize,
}

/// Everything detected in one document.
#[derive(Debug, Clone, Default)]
pub struct Detected {
    /// The title, and the index of the block it came from (left out of the body).
    pub title: Option<(Found, Option<usize>)>,
    /// One sentence about the policy.
    pub summary: Option<Found>,
    /// When it was approved.
    pub approved: Option<Found>,
    /// When it is next reviewed.
    pub review: Option<Found>,
    /// How often it is reviewed ("1 year"), when no date is given.
    pub review_every: Option<Found>,
    /// Who approved it.
    pub approved_by: Option<Found>,
    /// Who owns it.
    pub owner: Option<Found>,
    /// The statutory duty it meets.
    pub statutory: Option<Found>,
    /// Whom the policy addresses (audience ids in site order); empty: all.
    pub audiences: Vec<String>,
    /// Tags on headings.
    pub sections: Vec<Tag>,
    /// Tags on single paragraphs (fenced divs).
    pub blocks: Vec<Tag>,
    /// Other policies named.
    pub references: Vec<Reference>,
    /// Abbreviations defined.
    pub abbreviations: Vec<Abbreviation>,
    /// Terms of data/glossary.toml the text uses, each with its first line.
    pub glossary_terms: Vec<(String, usize)>,
}

/// A policy already on the site: its id and title.
#[derive(Debug, Clone)]
pub struct Known {
    /// The id.
    pub id: String,
    /// The title.
    pub title: String,
}

/// What detection needs from the site.
pub struct Context<'a> {
    /// site.toml.
    pub config: &'a SiteConfig,
    /// The site's policies.
    pub policies: &'a [Known],
    /// Abbreviations and terms already in data/glossary.toml, lower case.
    pub glossary: &'a BTreeSet<String>,
}

/// The glossary's terms and abbreviations the text uses, found in one pass
/// with one automaton (a whole word, any case).
fn glossary_terms(
    blocks: &[Block],
    texts: &[String],
    glossary: &BTreeSet<String>,
) -> Vec<(String, usize)> {
    let terms: Vec<&String> = glossary.iter().collect();
    let Ok(automaton) = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(&terms)
    else {
        return Vec::new();
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (block, text) in blocks.iter().zip(texts) {
        for m in automaton.find_iter(text) {
            let whole = !text[..m.start()].ends_with(char::is_alphanumeric)
                && !text[m.end()..].starts_with(char::is_alphanumeric);
            if whole && seen.insert(m.pattern()) {
                out.push((text[m.range()].to_string(), block.line));
            }
        }
    }
    out
}

/// Reads everything the blocks say about the policy.
pub fn detect(blocks: &[Block], file_stem: &str, context: &Context) -> Detected {
    let mut found = Detected {
        title: title(blocks, file_stem),
        ..Detected::default()
    };
    let texts: Vec<String> = blocks.iter().map(Block::text).collect();
    for (block, text) in blocks.iter().zip(&texts) {
        for line in text.lines() {
            dates_and_people(line, block.line, context.config, &mut found);
        }
    }
    labels_above_values(blocks, &texts, context.config, &mut found);
    found.summary = summary(blocks, &texts);
    found.statutory = statutory(&found, context.config);
    audiences(blocks, &texts, context.config, &mut found);
    let title = found
        .title
        .as_ref()
        .map(|(t, _)| t.value.clone())
        .unwrap_or_default();
    found.references = references(blocks, &texts, &title, context.policies);
    found.abbreviations = abbreviations(blocks, &texts, context.glossary);
    found.glossary_terms = glossary_terms(blocks, &texts, context.glossary);
    found
}

/// The title: the first heading, or the first short line, that names a
/// policy; else the first heading; else the file name.
fn title(blocks: &[Block], file_stem: &str) -> Option<(Found, Option<usize>)> {
    let early = blocks.iter().enumerate().take(8).filter(|(_, b)| {
        let text = b.text();
        !text.is_empty() && text.chars().count() <= 100 && !text.ends_with('.')
    });
    let words = [
        "policy",
        "procedure",
        "statement",
        "guidance",
        "code of conduct",
        "protocol",
    ];
    let mut first_heading = None;
    for (i, block) in early {
        let text = block.text();
        let lower = text.to_lowercase();
        if words.iter().any(|w| lower.contains(w)) && !matches!(block.kind, Kind::Item { .. }) {
            let confidence = match block.kind {
                Kind::Heading(1) => Confidence::High,
                _ => Confidence::Medium,
            };
            return Some((
                found(tidy_title(&text), block.line, &text, confidence),
                Some(i),
            ));
        }
        if first_heading.is_none() && matches!(block.kind, Kind::Heading(_)) {
            first_heading = Some((i, text));
        }
    }
    if let Some((i, text)) = first_heading.filter(|(i, _)| blocks[*i].kind == Kind::Heading(1)) {
        return Some((
            found(tidy_title(&text), blocks[i].line, &text, Confidence::Medium),
            Some(i),
        ));
    }
    let name = file_stem.replace(['_', '-'], " ");
    let name = name.trim();
    (!name.is_empty()).then(|| {
        (
            found(name.to_string(), 1, "the file's name", Confidence::Low),
            None,
        )
    })
}

/// A title in title case when it was written in capitals.
fn tidy_title(text: &str) -> String {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() || !letters.iter().all(|c| c.is_uppercase()) {
        // "Social Media POLICY".
        return text
            .split(' ')
            .map(|w| match w {
                "POLICY" => "Policy",
                "PROCEDURE" => "Procedure",
                "STATEMENT" => "Statement",
                other => other,
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    text.split(' ')
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if i > 0 && ["and", "of", "for", "the", "to", "in", "on"].contains(&lower.as_str()) {
                lower
            } else {
                let mut c = lower.chars();
                c.next()
                    .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn found(value: String, line: usize, from: &str, confidence: Confidence) -> Found {
    let from: String = from.chars().take(120).collect();
    Found {
        value,
        line,
        from,
        confidence,
    }
}

/// Which front-matter key a label sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Approved,
    Review,
    ApprovedBy,
    Owner,
}

/// Labels schools write, lower case, and what they set.
const LABELS: &[(&str, Key)] = &[
    ("date of next review", Key::Review),
    ("next review date", Key::Review),
    ("next review due", Key::Review),
    ("next review", Key::Review),
    ("review date", Key::Review),
    ("date for review", Key::Review),
    ("date of review", Key::Review),
    ("review due", Key::Review),
    ("to be reviewed", Key::Review),
    ("due for review", Key::Review),
    ("review:", Key::Review),
    ("policy approval date", Key::Approved),
    ("date of approval", Key::Approved),
    ("approval date", Key::Approved),
    ("date approved", Key::Approved),
    ("approved by", Key::ApprovedBy),
    ("ratified by", Key::ApprovedBy),
    ("adopted by", Key::ApprovedBy),
    ("agreed by", Key::ApprovedBy),
    ("approved on", Key::Approved),
    ("approved:", Key::Approved),
    ("date ratified", Key::Approved),
    ("date adopted", Key::Approved),
    ("last reviewed", Key::Approved),
    ("ratified", Key::Approved),
    ("adopted", Key::Approved),
    ("approved", Key::Approved),
    ("policy owner", Key::Owner),
    ("owner:", Key::Owner),
    ("responsible person", Key::Owner),
    ("policy lead", Key::Owner),
    ("written by", Key::Owner),
];

/// Dates, approvers and owners in one line of text.
fn dates_and_people(line: &str, line_no: usize, config: &SiteConfig, out: &mut Detected) {
    if line.chars().count() > 240 {
        return;
    }
    // ASCII lower case keeps every byte where it was, so that the places
    // found in `lower` cut `line` at the same characters.
    let lower = line.to_ascii_lowercase();
    // Each label's place, so that "Approved: May 2026  Review: May 2027"
    // gives each label the text up to the next one.
    let mut at: Vec<(usize, usize, Key)> = Vec::new();
    for &(label, key) in LABELS {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(label) {
            let start = from + pos;
            let end = start + label.len();
            let inside = at.iter().any(|&(s, e, _)| start < e && s < end);
            let word_start = start == 0 || !lower.as_bytes()[start - 1].is_ascii_alphabetic();
            if !inside && word_start {
                at.push((start, end, key));
            }
            from = end;
        }
    }
    at.sort();
    for (i, &(_, end, key)) in at.iter().enumerate() {
        let until = at.get(i + 1).map_or(line.len(), |n| n.0);
        let rest = &line[end..until];
        let labelled = rest.trim_start().starts_with([':', '|', '-', '–']);
        let value = rest
            .trim_start()
            .trim_start_matches([':', '|', '-', '–', ' ']);
        let confidence = if labelled {
            Confidence::High
        } else {
            Confidence::Medium
        };
        match key {
            Key::Approved | Key::Review => {
                let Some(date) = first_date(value, config) else {
                    if key == Key::Review {
                        review_every(&lower, line, line_no, out);
                    }
                    continue;
                };
                let slot = if key == Key::Review {
                    &mut out.review
                } else {
                    &mut out.approved
                };
                if slot.as_ref().is_none_or(|f| f.confidence < confidence) {
                    *slot = Some(found(date, line_no, line, confidence));
                }
                // "Approved by the board on 3 May 2026".
            }
            Key::ApprovedBy | Key::Owner => {
                if key == Key::ApprovedBy
                    && out.approved.is_none()
                    && let Some(date) = first_date(value, config)
                {
                    out.approved = Some(found(date, line_no, line, Confidence::Medium));
                }
                let Some(name) = name(value, config) else {
                    continue;
                };
                let slot = if key == Key::Owner {
                    &mut out.owner
                } else {
                    &mut out.approved_by
                };
                if slot.is_none() {
                    *slot = Some(found(name, line_no, line, confidence));
                }
            }
        }
    }
    if at.is_empty() && lower.contains("review") {
        review_every(&lower, line, line_no, out);
    }
}

/// A label alone on its line ("Review date") with its value in the lines
/// below, as a table on a cover page comes out of a word processor: the
/// last date below a review label is the review, an earlier one the last
/// approval.
fn labels_above_values(
    blocks: &[Block],
    texts: &[String],
    config: &SiteConfig,
    out: &mut Detected,
) {
    for (i, text) in texts.iter().enumerate() {
        let lower = text.to_lowercase();
        let lower = lower.trim().trim_end_matches(':').trim();
        let Some(&(_, key)) = LABELS
            .iter()
            .find(|(l, _)| l.trim_end_matches(':') == lower)
        else {
            continue;
        };
        let dates: Vec<(usize, String)> = texts
            .iter()
            .enumerate()
            .skip(i + 1)
            .take(3)
            .map_while(|(j, t)| Some((j, date_value(t.trim(), config)?)))
            .collect();
        let line = |j: usize| blocks[j].line;
        let from = |j: usize| format!("{} … {}", text.trim(), texts[j].trim());
        match (key, dates.as_slice()) {
            (Key::Review, [.., (j, last)]) if out.review.is_none() => {
                let confidence = if dates.len() == 1 {
                    Confidence::Medium
                } else {
                    Confidence::Low
                };
                out.review = Some(found(last.clone(), line(*j), &from(*j), confidence));
                if let [(k, first), _, ..] = dates.as_slice()
                    && out.approved.is_none()
                {
                    out.approved = Some(found(first.clone(), line(*k), &from(*k), Confidence::Low));
                }
            }
            (Key::Approved, [(j, first), ..]) if out.approved.is_none() => {
                out.approved = Some(found(
                    first.clone(),
                    line(*j),
                    &from(*j),
                    Confidence::Medium,
                ));
            }
            _ => {}
        }
    }
}

/// "Reviewed annually", "reviewed every two years".
fn review_every(lower: &str, line: &str, line_no: usize, out: &mut Detected) {
    if out.review_every.is_some() || !lower.contains("review") {
        return;
    }
    let every = [
        ("annually", "1 year"),
        ("every year", "1 year"),
        ("yearly", "1 year"),
        ("each year", "1 year"),
        ("every 12 months", "1 year"),
        ("every two years", "2 years"),
        ("every 2 years", "2 years"),
        ("biennially", "2 years"),
        ("every three years", "3 years"),
        ("every 3 years", "3 years"),
    ];
    if let Some((_, interval)) = every.iter().find(|(w, _)| lower.contains(w))
        && Interval::parse(interval).is_ok()
    {
        out.review_every = Some(found(
            interval.to_string(),
            line_no,
            line,
            Confidence::Medium,
        ));
    }
}

/// The first date policyweb understands in `text`, as written there.
fn first_date(text: &str, config: &SiteConfig) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().take(24).collect();
    for start in 0..words.len() {
        for len in (1..=4).rev() {
            let Some(slice) = words.get(start..start + len) else {
                continue;
            };
            let candidate = slice.join(" ");
            let candidate = candidate.trim_matches(|c: char| !c.is_alphanumeric());
            // A year alone is not a date a school means ("Act 2018").
            if candidate.len() < 6 {
                continue;
            }
            if let Some(date) = date_value(candidate, config) {
                return Some(date);
            }
        }
    }
    None
}

/// A date as the front matter can hold it: as written when policyweb reads
/// that form, else a day-first date (12/03/2026) or an academic year
/// (2026/27, due by 31 August) as a plain day.
fn date_value(text: &str, config: &SiteConfig) -> Option<String> {
    if PolicyDate::parse(text, &config.terms).is_ok() {
        return Some(text.to_string());
    }
    let parts: Vec<&str> = text.split(['/', '.', '-']).collect();
    let numbers: Vec<i16> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let digits: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    let (year, month, day) = match (numbers.as_slice(), digits.as_slice()) {
        ([d, m, y], [1 | 2, 1 | 2, 4]) => (*y, *m, *d),
        ([d, m, y], [1 | 2, 1 | 2, 2]) => (2000 + *y, *m, *d),
        ([first, second], [4, 2]) if (first + 1) % 100 == *second => (first + 1, 8, 31),
        ([first, second], [4, 4]) if first + 1 == *second => (*second, 8, 31),
        _ => return None,
    };
    let date =
        jiff::civil::Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()?;
    Some(crate::dates::iso(date))
}

/// The body named after "approved by": up to a date, a comma or a full stop.
fn name(text: &str, config: &SiteConfig) -> Option<String> {
    let mut words = Vec::new();
    for word in text.split_whitespace() {
        let lower = word.to_lowercase();
        if ["on", "in", "at", "date", "dated"].contains(&lower.as_str())
            || word.starts_with(|c: char| c.is_ascii_digit())
            || PolicyDate::parse(word, &config.terms).is_ok()
        {
            break;
        }
        let end = word.ends_with([',', '.', ';', '|']);
        words.push(word.trim_end_matches([',', '.', ';', '|']));
        if end || words.len() >= 8 {
            break;
        }
    }
    while words
        .first()
        .is_some_and(|w| ["the", "our", "a"].contains(&w.to_lowercase().as_str()))
    {
        words.remove(0);
    }
    let name = words.join(" ");
    (name.chars().any(char::is_uppercase)).then_some(name)
}

/// The first sentence of the first paragraph about the policy's purpose.
fn summary(blocks: &[Block], texts: &[String]) -> Option<Found> {
    let mut purpose_heading = false;
    for (block, text) in blocks.iter().zip(texts) {
        let lower = text.to_lowercase();
        match block.kind {
            Kind::Heading(_) => {
                purpose_heading = ["purpose", "aim", "introduction", "rationale", "scope"]
                    .iter()
                    .any(|w| lower.contains(w));
            }
            Kind::Paragraph => {
                let about = lower.starts_with("this policy")
                    || lower.starts_with("the purpose")
                    || lower.starts_with("the aim");
                if (purpose_heading || about) && text.split_whitespace().count() >= 6 {
                    let sentence = first_sentence(text);
                    let confidence = if about {
                        Confidence::Medium
                    } else {
                        Confidence::Low
                    };
                    return Some(found(sentence, block.line, text, confidence));
                }
            }
            _ => {}
        }
    }
    None
}

fn first_sentence(text: &str) -> String {
    let mut end = text.len();
    for (i, _) in text.match_indices(". ") {
        if i > 20 {
            end = i + 1;
            break;
        }
    }
    let sentence = &text[..end];
    if sentence.chars().count() > 300 {
        let cut: String = sentence.chars().take(297).collect();
        format!("{}…", cut.trim_end())
    } else {
        sentence.to_string()
    }
}

/// The statutory duty whose name the title gives ("Behaviour Policy").
fn statutory(found_: &Detected, config: &SiteConfig) -> Option<Found> {
    let (title, _) = found_.title.as_ref()?;
    let words = significant_words(&title.value);
    if words.is_empty() {
        return None;
    }
    config.statutory.list.duties.iter().find_map(|duty| {
        let duty_words = significant_words(&duty.name);
        (duty.have && !duty_words.is_empty() && duty_words == words).then(|| {
            found(
                duty.id.clone(),
                title.line,
                &format!("the title matches the duty \"{}\"", duty.name),
                Confidence::Medium,
            )
        })
    })
}

fn significant_words(text: &str) -> BTreeSet<String> {
    const IGNORED: &[&str] = &[
        "policy",
        "policies",
        "statement",
        "and",
        "the",
        "of",
        "for",
        "school",
        "school's",
        "our",
        "&",
    ];
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && !IGNORED.contains(&w.as_str()))
        .collect()
}

/// The words that name each audience, for the site's audiences.
fn audience_words(config: &SiteConfig) -> Vec<(String, Vec<&'static str>)> {
    config
        .audiences
        .iter()
        .map(|a| {
            let words: Vec<&'static str> = match a.id.as_str() {
                "staff" => vec!["staff", "teachers", "employees", "colleagues", "adults"],
                "parents" => vec!["parents", "parent", "carers", "carer", "families"],
                "pupils" => vec![
                    "pupils", "pupil", "children", "students", "student", "learners",
                ],
                "governors" => vec!["governors", "trustees", "governing"],
                _ => Vec::new(),
            };
            (a.id.clone(), words)
        })
        .collect()
}

/// The audiences a piece of text names, in site order.
fn named(text: &str, words: &[(String, Vec<&'static str>)], config: &SiteConfig) -> Vec<String> {
    let tokens: BTreeSet<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .collect();
    words
        .iter()
        .filter(|(id, ws)| {
            ws.iter().any(|w| tokens.contains(*w))
                || tokens.contains(id.as_str())
                || config
                    .audience(id)
                    .is_some_and(|a| tokens.contains(&a.label.to_lowercase()))
        })
        .map(|(id, _)| id.clone())
        .collect()
}

/// Whom the policy and each section is for.
fn audiences(blocks: &[Block], texts: &[String], config: &SiteConfig, out: &mut Detected) {
    let words = audience_words(config);
    let all: Vec<String> = config.audiences.iter().map(|a| a.id.clone()).collect();
    // The policy addresses every audience its text names.
    let mut mentioned: BTreeSet<String> = BTreeSet::new();
    for text in texts {
        mentioned.extend(named(text, &words, config));
    }
    let policy: Vec<String> = all
        .iter()
        .filter(|a| mentioned.contains(*a))
        .cloned()
        .collect();
    let policy = if policy.is_empty() || policy.len() == all.len() {
        all.clone()
    } else {
        policy
    };
    // Open sections, innermost last: (level, audiences).
    let mut open: Vec<(u8, Vec<String>)> = Vec::new();
    let title_block = out.title.as_ref().and_then(|(_, i)| *i);
    for (i, (block, text)) in blocks.iter().zip(texts).enumerate() {
        if Some(i) == title_block {
            continue;
        }
        let around = open.last().map_or(&policy, |(_, a)| a).clone();
        match block.kind {
            Kind::Heading(level) => {
                while open.last().is_some_and(|(l, _)| *l >= level) {
                    open.pop();
                }
                let around = open.last().map_or(&policy, |(_, a)| a).clone();
                let names = named(text, &words, config);
                let fits = !names.is_empty()
                    && names.len() < around.len()
                    && names.iter().all(|n| around.contains(n));
                if fits {
                    let confidence = heading_confidence(text, &words);
                    out.sections.push(Tag {
                        block: i,
                        audiences: names.clone(),
                        confidence,
                    });
                    open.push((level, names));
                } else {
                    open.push((level, around));
                }
            }
            Kind::Paragraph => {
                if let Some(names) = subject(text, &words)
                    && names.len() < around.len()
                    && names.iter().all(|n| around.contains(n))
                {
                    out.blocks.push(Tag {
                        block: i,
                        audiences: names,
                        confidence: Confidence::Low,
                    });
                }
            }
            _ => {}
        }
    }
    out.audiences = if policy.len() == all.len() {
        Vec::new()
    } else {
        policy
    };
}

/// How sure a heading's audience is: sure when the heading is about the
/// audience ("Pupils", "Guidance for staff", "Use by parents/carers").
fn heading_confidence(text: &str, words: &[(String, Vec<&'static str>)]) -> Confidence {
    let lower = text.to_lowercase();
    let lower = lower.trim_end_matches([':', '.']).trim();
    let core = lower
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ')' || c == ' ')
        .trim();
    let names_it = |prefix: &str| {
        words.iter().any(|(_, ws)| {
            ws.iter().any(|w| {
                core == *w
                    || lower.ends_with(&format!("{prefix} {w}"))
                    || core.starts_with(&format!("{w} "))
                    || (core.len() <= 3 && core.contains(w))
            })
        })
    };
    let letter_heading = core.len() > 3 && core.as_bytes()[1] == b'.' && core.as_bytes()[2] == b' ';
    let core_words: Vec<&str> = core.split_whitespace().collect();
    let only = core_words.len() <= 2 || letter_heading && core_words.len() <= 3;
    if ["for", "by", "of", "to"].iter().any(|p| names_it(p)) || only {
        Confidence::High
    } else {
        Confidence::Medium
    }
}

/// The audiences a paragraph addresses by its subject: "Staff should…",
/// "Parents and carers must…".
fn subject(text: &str, words: &[(String, Vec<&'static str>)]) -> Option<Vec<String>> {
    const VERBS: &[&str] = &[
        "should", "must", "will", "may", "can", "are", "need", "have",
    ];
    let lower = text.to_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(6)
        .collect();
    let verb = tokens.iter().position(|t| VERBS.contains(t))?;
    if verb == 0 || verb > 4 {
        return None;
    }
    let subject = &tokens[..verb];
    let mut ids = Vec::new();
    for token in subject {
        if ["and", "or", "all", "members", "of", "the"].contains(token) {
            continue;
        }
        let (id, _) = words.iter().find(|(_, ws)| ws.contains(token))?;
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    (!ids.is_empty()).then_some(ids)
}

/// Other policies the text names: capitalised words ending in "Policy",
/// "Procedure" or "Code of Conduct".
fn references(
    blocks: &[Block],
    texts: &[String],
    own_title: &str,
    known: &[Known],
) -> Vec<Reference> {
    let mut out: Vec<Reference> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let own = normal_title(own_title);
    for (block, text) in blocks.iter().zip(texts) {
        if matches!(block.kind, Kind::Heading(1)) {
            continue;
        }
        for title in named_policies(text) {
            let normal = normal_title(&title);
            if normal.is_empty() || normal == own || !seen.insert(normal.clone()) {
                continue;
            }
            let policy = known
                .iter()
                .find(|k| normal_title(&k.title) == normal || k.id == slug(&normal))
                .map(|k| k.id.clone());
            out.push(Reference {
                suggested_id: slug(&title),
                title,
                line: block.line,
                policy,
            });
        }
    }
    out
}

/// The policy names in one text, as written.
pub fn named_policies(text: &str) -> Vec<String> {
    const ENDS: &[&str] = &["Policy", "Procedure", "Procedures", "Policies"];
    const JOINS: &[&str] = &["and", "of", "for", "&", "on", "in"];
    let words: Vec<&str> = text.split(' ').collect();
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let clean = word.trim_end_matches(|c: char| !c.is_alphanumeric());
        let is_end = ENDS.contains(&clean)
            || (clean.eq_ignore_ascii_case("policy")
                && i > 0
                && words[i - 1].starts_with(|c: char| c.is_uppercase()));
        // "Policy Violations" is not the end of a policy's name.
        let longer = !word.ends_with([',', '.', ';', ':', ')'])
            && words
                .get(i + 1)
                .is_some_and(|n| n.starts_with(|c: char| c.is_uppercase()));
        if !is_end || longer {
            continue;
        }
        let mut start = i;
        while start > 0 && i - start < 7 {
            let prev = words[start - 1];
            let capital = prev.starts_with(|c: char| c.is_uppercase())
                && !prev.ends_with([',', '.', ';', ':']);
            if capital || JOINS.contains(&prev) {
                start -= 1;
            } else {
                break;
            }
        }
        while start < i && JOINS.contains(&words[start]) {
            start += 1;
        }
        let lead = words[start].to_lowercase();
        if start == i
            || [
                "this", "the", "our", "a", "any", "each", "every", "all", "that",
            ]
            .contains(&lead.as_str())
                && start + 1 == i
        {
            continue;
        }
        let mut name: Vec<&str> = words[start..=i].to_vec();
        while name.len() > 1
            && ["the", "this", "our", "school's", "schools", "school’s"]
                .contains(&name[0].to_lowercase().as_str())
        {
            name.remove(0);
        }
        let name = name.join(" ");
        let name = name
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .to_string();
        if name.split(' ').count() >= 2 {
            out.push(name);
        }
    }
    out
}

/// A title for comparing: lower case, without "policy" and small words.
fn normal_title(title: &str) -> String {
    significant_words(title)
        .into_iter()
        .filter(|w| !["procedure", "procedures"].contains(&w.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A valid id made from any text: lower case words joined by "-".
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '&' {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            out.push_str("and-");
        } else if !out.is_empty() && !out.ends_with('-') && c != '\'' && c != '’' {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    out.trim_matches('-').to_string()
}

/// Abbreviations defined in the text that the glossary does not have.
fn abbreviations(
    blocks: &[Block],
    texts: &[String],
    glossary: &BTreeSet<String>,
) -> Vec<Abbreviation> {
    let mut out: Vec<Abbreviation> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (block, text) in blocks.iter().zip(texts) {
        // Each "(" with a short run of capitals and a ")" right after it.
        for (open, _) in text.match_indices('(') {
            let after = &text[open + 1..];
            let len = after
                .bytes()
                .take(7)
                .take_while(u8::is_ascii_uppercase)
                .count();
            if !(2..=6).contains(&len) || !after[len..].starts_with(')') {
                continue;
            }
            let abbr = &after[..len];
            if seen.contains(abbr) {
                continue;
            }
            if let Some(term) = expansion(&text[..open], abbr)
                && !glossary.contains(&abbr.to_lowercase())
                && !glossary.contains(&term.to_lowercase())
            {
                seen.insert(abbr.to_string());
                out.push(Abbreviation {
                    term,
                    abbr: abbr.to_string(),
                    line: block.line,
                });
            }
        }
    }
    out
}

/// The words before an abbreviation whose initials spell it.
fn expansion(before: &str, abbr: &str) -> Option<String> {
    // Only the last few words can spell it: at most two for each letter.
    let mut words: Vec<&str> = before
        .split_whitespace()
        .rev()
        .take(abbr.len() * 2 + 2)
        .collect();
    words.reverse();
    let letters: Vec<char> = abbr.chars().collect();
    let mut need = letters.len();
    let mut start = words.len();
    while need > 0 && start > 0 {
        let word = words[start - 1];
        let lower = word.to_lowercase();
        if ["and", "of", "for", "the", "&", "in", "on"].contains(&lower.as_str())
            && need < letters.len()
        {
            start -= 1;
            continue;
        }
        let first = word.chars().next()?;
        if !first.eq_ignore_ascii_case(&letters[need - 1]) || !first.is_uppercase() {
            return None;
        }
        need -= 1;
        start -= 1;
    }
    (need == 0).then(|| words[start..].join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::doc::Kind;

    fn blocks(lines: &[(Kind, &str)]) -> Vec<Block> {
        lines
            .iter()
            .enumerate()
            .map(|(i, (k, t))| Block::plain(i + 1, k.clone(), *t))
            .collect()
    }

    fn run(lines: &[(Kind, &str)]) -> Detected {
        let config = SiteConfig::for_tests();
        let known = vec![Known {
            id: "behaviour".into(),
            title: "Behaviour Policy".into(),
        }];
        let glossary = BTreeSet::from(["lado".to_string(), "early help".to_string()]);
        let context = Context {
            config: &config,
            policies: &known,
            glossary: &glossary,
        };
        detect(&blocks(lines), "file", &context)
    }

    #[test]
    fn dates_in_the_forms_schools_write() {
        let cases = [
            (
                "Policy Approval Date: October 2025",
                Some("October 2025"),
                None,
            ),
            ("Review date: Spring 2027", None, Some("Spring 2027")),
            ("Date of next review: 12/03/2027", None, Some("2027-03-12")),
            (
                "Approved: 3 May 2026   Next review: 2026/27",
                Some("3 May 2026"),
                Some("2027-08-31"),
            ),
            ("Date approved | 12.03.2026", Some("2026-03-12"), None),
            ("Review: Summer term 2027", None, Some("Summer term 2027")),
            (
                "Approved by the Resources Committee on 14 June 2025",
                Some("14 June 2025"),
                None,
            ),
            ("Last reviewed: Sum 2024", Some("Sum 2024"), None),
        ];
        for (text, approved, review) in cases {
            let d = run(&[(Kind::Paragraph, text)]);
            assert_eq!(
                d.approved.as_ref().map(|f| f.value.as_str()),
                approved,
                "{text}"
            );
            assert_eq!(
                d.review.as_ref().map(|f| f.value.as_str()),
                review,
                "{text}"
            );
        }
    }

    #[test]
    fn labels_with_their_values_below() {
        let d = run(&[
            (Kind::Paragraph, "Approved by Resources Committee"),
            (Kind::Paragraph, "Review date"),
            (Kind::Paragraph, "Sum 2024"),
            (Kind::Paragraph, "Spring 2027"),
        ]);
        assert_eq!(d.approved_by.unwrap().value, "Resources Committee");
        assert_eq!(d.review.unwrap().value, "Spring 2027");
        assert_eq!(d.approved.unwrap().value, "Sum 2024");
    }

    #[test]
    fn approvers_owners_and_cycles() {
        let d = run(&[
            (
                Kind::Paragraph,
                "Approved by the Resources Committee on 14 June 2025.",
            ),
            (Kind::Paragraph, "Policy owner: Headteacher"),
            (
                Kind::Paragraph,
                "This policy will be reviewed annually by the governors.",
            ),
        ]);
        assert_eq!(d.approved_by.unwrap().value, "Resources Committee");
        let owner = d.owner.unwrap();
        assert_eq!(
            (owner.value.as_str(), owner.line, owner.confidence),
            ("Headteacher", 2, Confidence::High)
        );
        assert_eq!(d.review_every.unwrap().value, "1 year");
    }

    #[test]
    fn title_summary_and_statutory_duty() {
        let d = run(&[
            (Kind::Paragraph, "Hillside Primary School"),
            (Kind::Heading(2), "BEHAVIOUR POLICY"),
            (Kind::Heading(2), "1. Purpose"),
            (
                Kind::Paragraph,
                "This policy sets out how we help every child to behave well. It applies to all.",
            ),
        ]);
        let (title, index) = d.title.unwrap();
        assert_eq!((title.value.as_str(), index), ("Behaviour Policy", Some(1)));
        assert_eq!(
            d.summary.unwrap().value,
            "This policy sets out how we help every child to behave well."
        );
        assert_eq!(d.statutory.unwrap().value, "behaviour");
    }

    #[test]
    fn sections_and_paragraphs_by_audience() {
        let d = run(&[
            (Kind::Heading(1), "Online Policy"),
            (Kind::Heading(2), "Use by staff"),
            (Kind::Paragraph, "Keep passwords safe."),
            (Kind::Heading(2), "Everyone"),
            (
                Kind::Paragraph,
                "Parents and carers should talk to the class teacher.",
            ),
            (Kind::Paragraph, "Pupils must tell an adult."),
        ]);
        assert_eq!(d.sections.len(), 1);
        assert_eq!(d.sections[0].audiences, ["staff"]);
        assert_eq!(d.sections[0].confidence, Confidence::High);
        let tags: Vec<(usize, Vec<String>)> = d
            .blocks
            .iter()
            .map(|t| (t.block, t.audiences.clone()))
            .collect();
        assert_eq!(
            tags,
            [
                (4, vec!["parents".to_string()]),
                (5, vec!["pupils".to_string()])
            ]
        );
        assert_eq!(d.audiences, ["staff", "parents", "pupils"]);
    }

    #[test]
    fn other_policies_and_abbreviations() {
        let d = run(&[
            (
                Kind::Paragraph,
                "Read this with the school's Behaviour Policy and the Equality and Diversity Policy.",
            ),
            (
                Kind::Paragraph,
                "Tell the Designated Safeguarding Lead (DSL) or the LADO (LADO).",
            ),
        ]);
        let refs: Vec<(&str, Option<&str>)> = d
            .references
            .iter()
            .map(|r| (r.title.as_str(), r.policy.as_deref()))
            .collect();
        assert_eq!(
            refs,
            [
                ("Behaviour Policy", Some("behaviour")),
                ("Equality and Diversity Policy", None)
            ]
        );
        assert_eq!(
            d.references[1].suggested_id,
            "equality-and-diversity-policy"
        );
        assert_eq!(d.abbreviations.len(), 1);
        assert_eq!(d.abbreviations[0].term, "Designated Safeguarding Lead");
    }

    #[test]
    fn slugs_are_valid_ids() {
        assert_eq!(
            slug("Sex & Relationships Policy (2026)"),
            "sex-and-relationships-policy-2026"
        );
        assert!(crate::config::is_valid_id(&slug("  Über—Policy  ")));
    }
}
