//! Age-like numbers in a sentence ("16 or above", "aged 16", "under-13s"),
//! and the numbers that only look like ages (years, Year 6, 40%, 8 to 12).

use super::tokens::{Kind, Token};

/// An age-like number in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Age {
    /// The number's token.
    pub(super) token: usize,
    pub(super) value: u8,
    /// Whether its form alone makes it a minimum age (`16+`, `16 or over`, `at least 16`).
    pub(super) strong: bool,
    /// The tokens of the phrase ("aged 16 or over").
    pub(super) first: usize,
    pub(super) last: usize,
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
pub(super) const RATING_WORDS: &[&str] = &[
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

pub(super) fn ages(tokens: &[Token]) -> Vec<Age> {
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
