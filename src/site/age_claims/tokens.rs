//! Prose as words, numbers and punctuation marks; its sentences; and whether
//! a sentence is about what a platform requires.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Word,
    Number(u32),
    Punct(char),
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Token<'a> {
    pub(super) kind: Kind,
    pub(super) text: &'a str,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Whether whitespace comes before it.
    pub(super) spaced: bool,
}

impl Token<'_> {
    pub(super) fn is(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(word)
    }

    pub(super) fn is_any(&self, words: &[&str]) -> bool {
        self.kind == Kind::Word && words.iter().any(|w| self.text.eq_ignore_ascii_case(w))
    }

    pub(super) fn is_punct(&self, chars: &str) -> bool {
        matches!(self.kind, Kind::Punct(c) if chars.contains(c))
    }

    pub(super) fn is_number(&self) -> bool {
        matches!(self.kind, Kind::Number(_))
    }

    pub(super) fn is_wordlike(&self) -> bool {
        !matches!(self.kind, Kind::Punct(_))
    }
}

/// Words (letters, or letters then digits), numbers (a run of digits; letters
/// after it start a new word: "13s" is 13 then "s") and single punctuation marks.
pub(super) fn tokenize(text: &str) -> Vec<Token<'_>> {
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
pub(super) fn sentences(tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
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

pub(super) fn requirement_context(tokens: &[Token]) -> bool {
    tokens.iter().any(|t| t.is_any(REQUIREMENT_WORDS))
}
