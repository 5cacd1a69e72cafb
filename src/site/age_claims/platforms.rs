//! Platform names and aliases from the data, found in a sentence.

use crate::data::AgeLimits;

use super::tokens::Token;

/// A platform named in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Mention {
    pub(super) platform: usize,
    pub(super) first: usize,
    pub(super) last: usize,
}

/// Every platform named in `tokens`, longest name first where names overlap.
pub(super) fn mentions(tokens: &[Token], data: &AgeLimits) -> Vec<Mention> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::age_claims::tests::data;
    use crate::site::age_claims::tokens::tokenize;

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
