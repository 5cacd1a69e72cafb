//! Plain text (.txt, .md, and what `pdftotext` makes of a PDF) into a
//! [`Document`]: structure found from the text alone.
//!
//! Numbered headings (`1.`, `1.1`, `2)`), upper-case lines and short
//! title-case lines become headings; bullets (`-`, `•`, `o`), lettered and
//! Roman clauses (`a)`, `(ii)`, `B.`) become list items, also when a word
//! processor left a blank line between them; hard-wrapped lines are joined;
//! a table of contents (lines ending in page numbers) is left out.

use super::doc::{Block, Document, Kind, Marker, squeeze};

/// Words that stay lower case in a title ("Use of Social Media").
const SMALL_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to",
    "with", "&", "-", "–",
];

/// Reads plain text. `markdown` also reads `#` headings.
pub fn read(text: &str, markdown: bool) -> Document {
    let mut doc = Document::default();
    let mut contents = 0usize;
    let mut in_contents = false;
    // The open block: its line, kind and text so far.
    let mut open: Option<(usize, Kind, String)> = None;
    let flush = |open: &mut Option<(usize, Kind, String)>, doc: &mut Document| {
        if let Some((line, kind, text)) = open.take() {
            let text = squeeze(&text);
            if !text.is_empty() {
                doc.blocks.push(Block::plain(line, kind, text));
            }
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    for (i, raw) in lines.iter().enumerate() {
        let line_no = i + 1;
        let line = raw.replace(['\u{a0}', '\u{c}', '\t'], " ");
        let indent = line.len() - line.trim_start().len();
        let line = line.trim();
        if line.is_empty() {
            flush(&mut open, &mut doc);
            continue;
        }
        let lower = line.to_lowercase();
        if lower == "contents" || lower == "table of contents" {
            flush(&mut open, &mut doc);
            in_contents = true;
            contents += 1;
            continue;
        }
        if is_contents_entry(raw) {
            flush(&mut open, &mut doc);
            contents += 1;
            continue;
        }
        if in_contents && !is_contents_entry(raw) {
            in_contents = false;
        }
        let alone = open.is_none()
            && lines
                .get(i + 1)
                .is_none_or(|next| next.trim().is_empty() || starts_item(next.trim()));
        if markdown && let Some((level, rest)) = hash_heading(line) {
            flush(&mut open, &mut doc);
            doc.blocks
                .push(Block::plain(line_no, Kind::Heading(level), rest));
            continue;
        }
        let before_list = lines[i + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty())
            .is_some_and(starts_item);
        if let Some(level) = heading_level(line, alone, before_list) {
            flush(&mut open, &mut doc);
            doc.blocks
                .push(Block::plain(line_no, Kind::Heading(level), line));
            continue;
        }
        if let Some((marker, rest)) = item(line) {
            flush(&mut open, &mut doc);
            let level = u8::from(indent >= 2 && !matches!(marker, Marker::Bullet) || indent >= 4);
            open = Some((line_no, Kind::Item { level, marker }, rest.to_string()));
            continue;
        }
        // A short first line without a full stop ("Approved by", "Review
        // date" on a cover page) is a line of its own, not the start of a
        // wrapped paragraph.
        let short =
            |l: &str| l.chars().count() <= 60 && !l.ends_with(['.', ',', ';', ':', '!', '?']);
        let previous = i.checked_sub(1).map(|p| lines[p].trim()).unwrap_or("");
        if matches!(&open, Some((_, Kind::Paragraph, text)) if text == previous) && short(previous)
        {
            flush(&mut open, &mut doc);
        }
        match &mut open {
            Some((_, _, text)) => {
                text.push(' ');
                text.push_str(line);
            }
            None => open = Some((line_no, Kind::Paragraph, line.to_string())),
        }
    }
    flush(&mut open, &mut doc);
    if contents > 0 {
        doc.notes.push(format!(
            "left out the table of contents ({contents} lines): the site makes its own"
        ));
    }
    doc
}

/// `## Heading` in a Markdown file.
fn hash_heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    let rest = line[hashes..].strip_prefix(' ')?;
    (1..=6)
        .contains(&hashes)
        .then(|| (hashes as u8, rest.trim().trim_end_matches('#').trim()))
}

/// A line of a table of contents: a title, then dots or a tab, then a page.
fn is_contents_entry(raw: &str) -> bool {
    let trimmed = raw.trim_end();
    let Some(body) = trimmed.strip_suffix(|c: char| c.is_ascii_digit()) else {
        return false;
    };
    let body = body.trim_end_matches(|c: char| c.is_ascii_digit());
    body.ends_with('\t') || body.trim_end().ends_with("...") || body.ends_with(".\t")
}

/// Whether a line starts a list item.
fn starts_item(line: &str) -> bool {
    item(line).is_some()
}

/// The heading level of a line that reads as a heading, if it does.
/// `alone`: the line is a paragraph of its own; `before_list`: the next
/// line with text starts a list item.
fn heading_level(line: &str, alone: bool, before_list: bool) -> Option<u8> {
    let words = line.split_whitespace().count();
    if line.chars().count() > 90 || words == 0 {
        return None;
    }
    let ends_sentence = line.ends_with(['.', ',', ';', '?', '!']) && !line.ends_with("...");
    if let Some((number, rest)) = clause_number(line) {
        let title_like = !rest.is_empty()
            && rest.chars().next().is_some_and(char::is_uppercase)
            && !rest.ends_with(['.', ',', ';'])
            && rest.split_whitespace().count() <= 10;
        if title_like && (alone || is_upper(rest)) {
            let depth = number.matches('.').count() - usize::from(number.ends_with('.'));
            return Some((2 + depth as u8).min(6));
        }
        return None;
    }
    if item(line).is_some() {
        return None;
    }
    // "Review date: October 2026" is a label and its value, not a heading.
    if line.contains(": ") {
        return None;
    }
    if is_upper(line) && words <= 12 && !ends_sentence {
        return Some(2);
    }
    if alone && !ends_sentence && words <= 10 && is_title_case(line) {
        return Some(2);
    }
    // "Information for parents": sentence case, short, no punctuation at
    // all, and not the start of a sentence that a list finishes ("The
    // school encourages pupils to").
    let capital = line.starts_with(|c: char| c.is_uppercase());
    let last = line.rsplit(' ').next().unwrap_or("").to_lowercase();
    let open_ended = SMALL_WORDS.contains(&last.as_str())
        || [
            "will", "must", "should", "can", "may", "be", "are", "is", "that", "who",
        ]
        .contains(&last.as_str());
    if alone
        && !before_list
        && capital
        && !open_ended
        && words <= 8
        && line.ends_with(|c: char| c.is_alphanumeric() || c == ')')
    {
        return Some(2);
    }
    None
}

/// A clause number at the start of a heading: `1.`, `2)`, `1.1`, `3.2.1`.
fn clause_number(line: &str) -> Option<(&str, &str)> {
    let end = line
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ')'))
        .unwrap_or(line.len());
    let number = &line[..end];
    let rest = line[end..].trim_start();
    let valid = number.starts_with(|c: char| c.is_ascii_digit())
        && number.len() <= 12
        && !number.contains("..")
        && (number.ends_with(['.', ')']) || number.contains('.'))
        && line[end..].starts_with(' ');
    valid.then_some((
        number.trim_end_matches(')'),
        rest.trim_start_matches(['-', '–', ' ']),
    ))
}

fn is_upper(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase())
}

fn is_title_case(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let capital = |w: &str| {
        w.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    };
    if !capital(first) {
        return false;
    }
    let rest: Vec<&str> = words.collect();
    let lower = rest
        .iter()
        .filter(|w| !capital(w) && !SMALL_WORDS.contains(&w.to_lowercase().as_str()))
        .count();
    // "Review and Modification", "Use of School Devices"; a short sentence
    // has most of its words in lower case.
    lower * 3 <= rest.len()
        && text
            .trim_end_matches(':')
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == ')')
}

/// A list item's marker and its text: bullets, numbers, letters, numerals.
pub fn item(line: &str) -> Option<(Marker, &str)> {
    for bullet in [
        "- ",
        "• ",
        "* ",
        "– ",
        "▪ ",
        "· ",
        "o ",
        "\u{f0b7} ",
        "➢ ",
        "✓ ",
    ] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return (!rest.trim().is_empty()).then_some((Marker::Bullet, rest.trim()));
        }
    }
    let (label, rest) = line.split_once(' ')?;
    let rest = rest.trim();
    if rest.is_empty() {
        return None;
    }
    let inner = label.trim_start_matches('(');
    let close = inner.chars().last()?;
    if !matches!(close, '.' | ')') {
        return None;
    }
    let core = &inner[..inner.len() - 1];
    if label.starts_with('(') && close != ')' {
        return None;
    }
    if !core.is_empty() && core.bytes().all(|b| b.is_ascii_digit()) && core.len() <= 3 {
        let n = core.parse().ok()?;
        return Some((Marker::Number(n, close), rest));
    }
    let roman = !core.is_empty()
        && core.len() <= 5
        && (core.bytes().all(|b| b"ivxl".contains(&b))
            || core.bytes().all(|b| b"IVXL".contains(&b)));
    let letter = core.len() == 1 && core.bytes().all(|b| b.is_ascii_alphabetic());
    (roman || letter).then(|| (Marker::Label(label.to_string()), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        read(text, false)
            .blocks
            .into_iter()
            .map(|b| {
                let t = b.text();
                (b.kind, t)
            })
            .collect()
    }

    #[test]
    fn numbered_upper_and_title_case_headings() {
        let got = kinds(
            "WELLBEING POLICY\n\n1. Purpose\n\nWe care for everyone.\n\n1.1 Who it covers\n\n\
             Staff and pupils.\n\nReview and Monitoring\n\nWe review it yearly.\n",
        );
        let headings: Vec<(u8, &str)> = got
            .iter()
            .filter_map(|(k, t)| match k {
                Kind::Heading(l) => Some((*l, t.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(
            headings,
            [
                (2, "WELLBEING POLICY"),
                (2, "1. Purpose"),
                (3, "1.1 Who it covers"),
                (2, "Review and Monitoring")
            ]
        );
    }

    #[test]
    fn items_separated_by_blank_lines_and_wrapped() {
        let got = kinds(
            "Pupils must:\n\n- be kind\n  to others\n\n- tell an adult\n\na) first\n(ii) second\n",
        );
        assert_eq!(
            got[1],
            (
                Kind::Item {
                    level: 0,
                    marker: Marker::Bullet
                },
                "be kind to others".into()
            )
        );
        assert_eq!(got[2].1, "tell an adult");
        assert_eq!(
            got[3].0,
            Kind::Item {
                level: 0,
                marker: Marker::Label("a)".into())
            }
        );
        assert_eq!(
            got[4].0,
            Kind::Item {
                level: 0,
                marker: Marker::Label("(ii)".into())
            }
        );
    }

    #[test]
    fn sentence_case_headings_but_not_labels_or_list_openers() {
        let got = kinds(
            "Information for parents\n\nText here.\n\nReview date: October 2026\n\n\
             The school encourages pupils to\n\n- be kind\n",
        );
        assert_eq!(got[0].0, Kind::Heading(2));
        assert_eq!(
            got[2],
            (Kind::Paragraph, "Review date: October 2026".into())
        );
        assert_eq!(got[3].0, Kind::Paragraph);
    }

    #[test]
    fn sentences_stay_paragraphs() {
        let got =
            kinds("Thank you for reading this.\n\nStaff should be careful online\nat all times.\n");
        assert!(got.iter().all(|(k, _)| *k == Kind::Paragraph), "{got:?}");
    }

    #[test]
    fn contents_are_left_out() {
        let doc = read(
            "Contents\n\n1. Purpose:\t2\n2. Scope.....\t3\n\n1. Purpose\n\nText.\n",
            false,
        );
        assert_eq!(doc.blocks.len(), 2);
        assert!(doc.notes[0].contains("3 lines"), "{:?}", doc.notes);
    }
}
