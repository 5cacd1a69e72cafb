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

use crate::data::AgeLimits;
use crate::dates;
use crate::diagnostics::Diagnostics;
use crate::markdown::Prose;

use super::Site;

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
/// Free pages are not read: they are where a school explains its site (the
/// editing guide quotes a stale age on purpose), not where it states rules.
pub fn check(site: &Site, diagnostics: &mut Diagnostics) {
    let Some(data) = &site.data.age_limits else {
        return;
    };
    for policy in &site.policies {
        check_prose(
            &policy.source.path,
            &policy.source.body.prose,
            data,
            diagnostics,
        );
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
        for (i, claim) in claims.iter().enumerate() {
            let platform = claim.platform;
            let first_for_platform = claims[..i].iter().all(|c| c.platform != platform);
            let agrees = claims
                .iter()
                .any(|c| c.platform == platform && c.age == data.platforms[platform].min_age);
            if first_for_platform && !agrees && out.iter().all(|c| c.platform != platform) {
                out.push(claim.clone());
            }
        }
    }
    out
}

/// Every age stated for a platform in `text`, clause by clause.
pub fn claims_by_clause(text: &str, table_context: bool, data: &AgeLimits) -> Vec<Vec<Claim>> {
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

// ---- tokens ---------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Number(u32),
    Punct(char),
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind,
    text: &'a str,
    start: usize,
    end: usize,
    /// Whether whitespace comes before it.
    spaced: bool,
}

impl Token<'_> {
    fn is(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(word)
    }

    fn is_any(&self, words: &[&str]) -> bool {
        self.kind == Kind::Word && words.iter().any(|w| self.text.eq_ignore_ascii_case(w))
    }

    fn is_punct(&self, chars: &str) -> bool {
        matches!(self.kind, Kind::Punct(c) if chars.contains(c))
    }

    fn is_number(&self) -> bool {
        matches!(self.kind, Kind::Number(_))
    }

    fn is_wordlike(&self) -> bool {
        !matches!(self.kind, Kind::Punct(_))
    }
}

/// Words (letters, or letters then digits), numbers (a run of digits; letters
/// after it start a new word: "13s" is 13 then "s") and single punctuation marks.
fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut spaced = true;
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            spaced = true;
            continue;
        }
        let kind = if c.is_ascii_digit() {
            while chars.next_if(|(_, c)| c.is_ascii_digit()).is_some() {}
            Kind::Number(0)
        } else if c.is_alphanumeric() {
            while chars.next_if(|(_, c)| c.is_alphanumeric()).is_some() {}
            Kind::Word
        } else {
            Kind::Punct(c)
        };
        let end = chars.peek().map_or(text.len(), |(i, _)| *i);
        let piece = &text[start..end];
        let kind = match kind {
            Kind::Number(_) => Kind::Number(piece.parse().unwrap_or(u32::MAX)),
            other => other,
        };
        tokens.push(Token {
            kind,
            text: piece,
            start,
            end,
            spaced,
        });
        spaced = false;
    }
    tokens
}

/// Words before a full stop that do not end a sentence.
const ABBREVIATIONS: &[&str] = &["eg", "ie", "etc", "mr", "mrs", "ms", "dr", "no", "st", "vs"];

/// The token ranges of the sentences.
fn sentences(tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        let ends = t.is_punct(".!?")
            && tokens.get(i + 1).is_none_or(|next| next.spaced)
            && !(t.is_punct(".")
                && i > 0
                && (tokens[i - 1].is_any(ABBREVIATIONS)
                    || (tokens[i - 1].kind == Kind::Word
                        && tokens[i - 1].text.chars().count() == 1)));
        if ends {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

/// Words that make a sentence about what a platform requires.
const REQUIREMENT_WORDS: &[&str] = &[
    "age",
    "ages",
    "minimum",
    "min",
    "limit",
    "limits",
    "requirement",
    "requirements",
    "require",
    "requires",
    "required",
    "must",
    "need",
    "needs",
    "needed",
    "allowed",
    "allow",
    "allows",
    "permitted",
    "permit",
    "permits",
    "eligible",
    "enough",
    "terms",
    "restricted",
    "restriction",
    "restrictions",
    "register",
];

fn requirement_context(tokens: &[Token]) -> bool {
    tokens.iter().any(|t| t.is_any(REQUIREMENT_WORDS))
}

// ---- ages -----------------------------------------------------------------

/// An age-like number in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Age {
    /// The number's token.
    token: usize,
    value: u8,
    /// Whether its form alone makes it a minimum age (`16+`, `16 or over`, `at least 16`).
    strong: bool,
    /// The tokens of the phrase ("aged 16 or over").
    first: usize,
    last: usize,
}

/// Words before a number that make it something other than an age.
const NOT_AGE_BEFORE: &[&str] = &[
    "year",
    "years",
    "yr",
    "stage",
    "stages",
    "ks",
    "section",
    "sections",
    "part",
    "step",
    "steps",
    "page",
    "pages",
    "chapter",
    "paragraph",
    "para",
    "appendix",
    "annex",
    "level",
    "grade",
    "class",
    "room",
    "no",
    "number",
    "item",
    "phase",
    "rule",
    "rules",
    "point",
    "question",
    "table",
    "figure",
    "schedule",
    "article",
    "top",
    "day",
    "week",
    "term",
    "autumn",
    "spring",
    "summer",
    "tier",
    "version",
    "option",
    "clause",
    "unit",
    "lesson",
    "group",
    "box",
    "session",
];

/// Words of a sentence about app-store ratings, whose numbers are not the ages in the terms.
const RATING_WORDS: &[&str] = &[
    "rated", "rates", "rating", "ratings", "pegi", "esrb", "store", "stores",
];

/// Words that may follow an age ("13 in the UK", "16 or over", "13 to use it").
const AFTER_AGE: &[&str] = &[
    "or",
    "and",
    "to",
    "in",
    "for",
    "if",
    "with",
    "without",
    "unless",
    "but",
    "as",
    "on",
    "at",
    "is",
    "are",
    "was",
    "were",
    "be",
    "before",
    "after",
    "so",
    "when",
    "which",
    "who",
    "by",
    "from",
    "under",
    "over",
    "above",
    "up",
    "upwards",
    "than",
    "then",
    "can",
    "cannot",
    "may",
    "must",
    "will",
    "should",
    "could",
    "would",
    "only",
    "even",
    "yet",
    "now",
    "because",
    "since",
    "too",
    "also",
    "already",
    "instead",
    "where",
    "while",
    "whereas",
    "although",
    "though",
    "however",
    "until",
    "not",
    "plus",
    "here",
    "there",
    "worldwide",
    "anywhere",
];

/// Words after "16 or" / "16 and" that make a minimum: "16 or over".
const OR_OVER: &[&str] = &["over", "above", "older", "up", "upwards", "more"];

fn ages(tokens: &[Token]) -> Vec<Age> {
    (0..tokens.len())
        .filter_map(|i| age_at(tokens, i))
        .collect()
}

/// The age whose number is token `i`, if it is one.
fn age_at(tokens: &[Token], i: usize) -> Option<Age> {
    let t = &tokens[i];
    let Kind::Number(n) = t.kind else {
        return None;
    };
    if t.text.starts_with('0') || !(1..=21).contains(&n) || !plain_number(tokens, i) {
        return None;
    }
    let before = |k: usize| i.checked_sub(k).map(|j| &tokens[j]);
    if before(1).is_some_and(|b| b.is_any(NOT_AGE_BEFORE) || b.is_punct("£$€#")) {
        return None;
    }
    if in_range(tokens, i) {
        return None;
    }
    let (strong_after, last) = after_age(tokens, i)?;
    let (first, strong_before) = qualifier(tokens, i);
    let strong = strong_after || strong_before;
    Some(Age {
        token: i,
        value: u8::try_from(n).ok()?,
        strong,
        first,
        last,
    })
}

/// The words before number `i` that belong to its phrase ("aged", "at
/// least", "younger than", "under-"): the phrase's first token, and whether
/// they make it a minimum on their own.
fn qualifier(tokens: &[Token], i: usize) -> (usize, bool) {
    const ONE: &[&str] = &["aged", "age", "ages", "over", "under", "below"];
    const TWO: &[(&str, &str, bool)] = &[
        ("at", "least", true),
        ("younger", "than", false),
        ("older", "than", false),
        ("over", "-", false),
        ("under", "-", false),
    ];
    let word = |k: usize, w: &str| {
        i.checked_sub(k)
            .is_some_and(|j| tokens[j].text.eq_ignore_ascii_case(w))
    };
    if i >= 1 && tokens[i - 1].is_any(ONE) {
        return (i - 1, false);
    }
    TWO.iter()
        .find(|(a, b, _)| word(2, a) && word(1, b))
        .map_or((i, false), |&(_, _, strong)| (i - 2, strong))
}

/// Whether number `i` stands alone: not part of `5.5`, `10,000`, `3:30` or `1/3`.
fn plain_number(tokens: &[Token], i: usize) -> bool {
    let joined = |a: usize, b: usize| {
        let (a, b) = (&tokens[a], &tokens[b]);
        a.end == b.start
    };
    let glued_number = |punct: usize, number: usize| {
        tokens[punct].is_punct(".,:/")
            && tokens[number].is_number()
            && joined(punct.min(number), punct.max(number))
    };
    let before = i >= 2 && joined(i - 1, i) && glued_number(i - 1, i - 2);
    let after = i + 2 < tokens.len() && joined(i, i + 1) && glued_number(i + 1, i + 2);
    !before && !after
}

/// Whether number `i` is an end of a range or ratio: `8 to 12`, `9-12`,
/// `between 8 and 12`, `13 or 14`, `1 in 5`.
fn in_range(tokens: &[Token], i: usize) -> bool {
    let link = |t: &Token| t.is_any(&["to", "and", "or", "in"]) || t.is_punct("-–—");
    let next_is_range =
        tokens.get(i + 1).is_some_and(link) && tokens.get(i + 2).is_some_and(Token::is_number);
    let prev_is_range = i >= 2 && link(&tokens[i - 1]) && tokens[i - 2].is_number();
    let between = i >= 1 && tokens[i - 1].is("between");
    next_is_range || prev_is_range || between
}

/// What follows number `i`: whether it makes the age strong, and the last
/// token of the phrase; `None` when what follows makes it no age at all.
fn after_age(tokens: &[Token], i: usize) -> Option<(bool, usize)> {
    let at = |k: usize| tokens.get(i + k);
    let Some(next) = at(1) else {
        return Some((false, i));
    };
    match next.kind {
        Kind::Punct('+') => Some((true, i + 1)),
        Kind::Punct('%') => None,
        Kind::Punct('-' | '–') if !next.spaced => {
            if at(2).is_some_and(|t| t.is("plus")) {
                Some((true, i + 2))
            } else if at(2).is_some_and(|t| t.is("year")) {
                let olds = at(3).is_some_and(|t| t.is_punct("-"))
                    && at(4).is_some_and(|t| t.is_any(&["old", "olds"]));
                Some((false, if olds { i + 4 } else { i + 2 }))
            } else {
                None
            }
        }
        Kind::Punct(_) => Some((false, i)),
        Kind::Number(_) => None,
        Kind::Word if !next.spaced => {
            if next.is("s") {
                Some((false, i + 1))
            } else if next.is_any(&["th", "st", "nd", "rd"])
                && at(2).is_some_and(|t| t.is("birthday"))
            {
                Some((false, i + 2))
            } else {
                None
            }
        }
        Kind::Word => {
            if next.is_any(&["or", "and"]) && at(2).is_some_and(|t| t.is_any(OR_OVER)) {
                Some((true, i + 2))
            } else if next.is("plus") {
                Some((true, i + 1))
            } else if next.is_any(&["years", "year", "yrs", "yr"]) {
                years_old(tokens, i)
            } else if next.is_any(AFTER_AGE) {
                Some((false, i))
            } else {
                None
            }
        }
    }
}

/// After "16 years": an age in "16 years old", "16 year olds", "16 years of
/// age" or "16 years and over"; a length of time otherwise.
fn years_old(tokens: &[Token], i: usize) -> Option<(bool, usize)> {
    let at = |k: usize| tokens.get(i + k);
    if at(2).is_some_and(|t| t.is_any(&["old", "olds"])) {
        Some((false, i + 2))
    } else if at(2).is_some_and(|t| t.is("of")) && at(3).is_some_and(|t| t.is("age")) {
        Some((false, i + 3))
    } else if at(2).is_some_and(|t| t.is_any(&["or", "and"]))
        && at(3).is_some_and(|t| t.is_any(OR_OVER))
    {
        Some((true, i + 3))
    } else {
        None
    }
}

// ---- platforms --------------------------------------------------------------

/// A platform named in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mention {
    platform: usize,
    first: usize,
    last: usize,
}

/// Every platform named in `tokens`, longest name first where names overlap.
fn mentions(tokens: &[Token], data: &AgeLimits) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let best = data
            .platforms
            .iter()
            .enumerate()
            .flat_map(|(p, row)| row.names().map(move |name| (p, name)))
            .filter_map(|(p, name)| match_name(tokens, i, name).map(|last| (p, last)))
            .max_by_key(|&(p, last)| (last, std::cmp::Reverse(p)));
        match best {
            Some((platform, last)) => {
                out.push(Mention {
                    platform,
                    first: i,
                    last,
                });
                i = last + 1;
            }
            None => i += 1,
        }
    }
    out
}

/// If `name` is written at token `i`, the last token it covers.
fn match_name(tokens: &[Token], i: usize, name: &str) -> Option<usize> {
    let key: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if key.is_empty() || !tokens[i].is_wordlike() {
        return None;
    }
    let mut written = String::new();
    let mut last = i;
    loop {
        let t = &tokens[last];
        written.extend(t.text.chars().flat_map(char::to_lowercase));
        if written == key {
            break;
        }
        // The next piece must be the next word, after a space or hyphen.
        let next = last + 1;
        let hyphen = tokens
            .get(next)
            .is_some_and(|h| h.is_punct("-") && !h.spaced);
        let after = if hyphen { next + 1 } else { next };
        if !key.starts_with(&written)
            || !tokens.get(after).is_some_and(Token::is_wordlike)
            || (hyphen && tokens[after].spaced)
        {
            return None;
        }
        last = after;
    }
    let glued = |j: usize| !tokens[j].spaced;
    // A word must end where the name ends: "Facebooks" is not "Facebook".
    let ends_word = tokens
        .get(last + 1)
        .is_none_or(|t| !t.is_wordlike() || t.spaced);
    let starts_word = i == 0 || tokens[i].spaced || !tokens[i - 1].is_wordlike();
    if !ends_word || !starts_word {
        return None;
    }
    let pieces: Vec<&Token> = tokens[i..=last]
        .iter()
        .filter(|t| t.is_wordlike())
        .collect();
    let first_char = |t: &Token| t.text.chars().next().unwrap_or(' ');
    if key.chars().count() <= 2 {
        // "X": exact case, and not part of a hyphenated word ("X-Box").
        let hyphenated = tokens
            .get(last + 1)
            .is_some_and(|t| t.is_punct("-") && !t.spaced)
            || (i > 0 && tokens[i - 1].is_punct("-") && glued(i));
        return (pieces.len() == 1 && pieces[0].text == name.trim() && !hyphenated).then_some(last);
    }
    let name_has_inner_capital = name.chars().skip(1).any(char::is_uppercase);
    if pieces.len() > 1 && !pieces.iter().all(|t| first_char(t).is_uppercase()) {
        // "Tik Tok" is TikTok, but "be real" is not BeReal.
        return None;
    }
    if !name_has_inner_capital
        && first_char(pieces[0]).is_lowercase()
        && name.chars().any(char::is_uppercase)
    {
        // "threads" and "discord" are ordinary words; "Threads" is the app.
        return None;
    }
    Some(last)
}

// ---- clauses and assignment ----------------------------------------------------

/// Words that start a new clause.
const CLAUSE_WORDS: &[&str] = &[
    "and", "but", "while", "whereas", "although", "though", "however", "except",
];

/// The token ranges of the clauses, joined so that each has ages and platforms
/// where the sentence allows.
fn clauses(tokens: &[Token], ages: &[Age], mentions: &[Mention]) -> Vec<std::ops::Range<usize>> {
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
fn assign(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Platform;
    use jiff::civil::date;
    use std::path::PathBuf;

    fn data() -> AgeLimits {
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
              {{ age_limits(platforms=[\"WhatsApp\"]) }} instead of typing them"
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
    fn longest_name_wins_and_words_must_be_whole() {
        let data = data();
        let tokens = tokenize("YouTube Kids, YouTube, Facebooks, FaceBook-style and Tik-Tok");
        let named: Vec<&str> = mentions(&tokens, &data)
            .iter()
            .map(|m| data.platforms[m.platform].name.as_str())
            .collect();
        assert_eq!(named, ["YouTube Kids", "YouTube", "Facebook", "TikTok"]);
    }
}
