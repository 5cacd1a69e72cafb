//! What changed between two versions of a policy, for readers: which sections
//! were added, removed, moved or changed, and within a changed section which
//! sentences were added and removed (and, where a sentence was only edited,
//! which words).
//!
//! Made with `similar` (patience diff). A sentence counts as edited, and is
//! shown word by word, when at least half of its words survive; below that a
//! word-level diff reads as word salad, so the old sentence is shown as
//! removed and the new one as added. Every comparison is bounded: a section
//! or sentence past the limits below is compared as one unit.

use similar::{Algorithm, ChangeTag, DiffOp, TextDiff, capture_diff_slices};

/// Above this many sentences on either side, a changed section is shown as
/// replaced whole rather than compared sentence by sentence.
const MAX_SENTENCES: usize = 2_000;
/// Above this many bytes, an edited sentence is shown as replaced rather than
/// compared word by word.
const MAX_SENTENCE_BYTES: usize = 2_000;
/// The share of a sentence's words that must survive for it to count as edited.
const EDITED_RATIO: f32 = 0.5;

/// One section as the comparison sees it.
#[derive(Debug, Clone, Copy)]
pub struct SectionText<'a> {
    /// The section's anchor: its identity across versions.
    pub anchor: &'a str,
    /// Its heading, as plain text.
    pub title: &'a str,
    /// Its own text (without its subsections), as plain text.
    pub text: &'a str,
}

/// What happened to one section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionChangeKind {
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
    /// In both, with different text or heading.
    Changed,
    /// In both with the same text, but in another place.
    Moved,
}

impl SectionChangeKind {
    /// The word for templates and hooks: added, removed, changed, moved.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionChangeKind::Added => "added",
            SectionChangeKind::Removed => "removed",
            SectionChangeKind::Changed => "changed",
            SectionChangeKind::Moved => "moved",
        }
    }
}

/// A piece of a changed section's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text in both versions.
    Same(String),
    /// Text only in the newer version.
    Added(String),
    /// Text only in the older version.
    Removed(String),
}

/// One section's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionChange {
    /// What happened.
    pub kind: SectionChangeKind,
    /// Its index among the newer version's sections (`None` when removed).
    pub new: Option<usize>,
    /// Its index among the older version's sections (`None` when added).
    pub old: Option<usize>,
    /// Its heading before, when the heading changed.
    pub old_title: Option<String>,
    /// For a changed section: its text, sentence by sentence, with what was
    /// added and removed. Sentences in both are kept so the change reads in context.
    pub pieces: Vec<Piece>,
}

/// Compares two versions' sections, in the newer version's order, with
/// removed sections placed after the section that preceded them.
pub fn compare(old: &[SectionText], new: &[SectionText]) -> Vec<SectionChange> {
    let old_index: std::collections::HashMap<&str, usize> =
        old.iter().enumerate().map(|(i, s)| (s.anchor, i)).collect();
    let new_anchors: std::collections::HashSet<&str> = new.iter().map(|s| s.anchor).collect();
    // Sections in both, in each order: those off the longest common order moved.
    let old_common: Vec<&str> = old
        .iter()
        .map(|s| s.anchor)
        .filter(|a| new_anchors.contains(a))
        .collect();
    let new_common: Vec<&str> = new
        .iter()
        .map(|s| s.anchor)
        .filter(|a| old_index.contains_key(a))
        .collect();
    let mut in_place = std::collections::HashSet::new();
    for op in capture_diff_slices(Algorithm::Patience, &old_common, &new_common) {
        if let DiffOp::Equal { new_index, len, .. } = op {
            in_place.extend(new_common[new_index..new_index + len].iter().copied());
        }
    }

    let mut changes = Vec::new();
    let mut removed_after: Vec<Vec<usize>> = vec![Vec::new(); new.len() + 1];
    for (i, s) in old.iter().enumerate() {
        if !new_anchors.contains(s.anchor) {
            // After the nearest earlier section that is still there.
            let slot = old[..i]
                .iter()
                .rev()
                .find_map(|p| new.iter().position(|n| n.anchor == p.anchor))
                .map_or(0, |j| j + 1);
            removed_after[slot].push(i);
        }
    }
    let removed = |slot: usize, changes: &mut Vec<SectionChange>| {
        for &i in &removed_after[slot] {
            changes.push(SectionChange {
                kind: SectionChangeKind::Removed,
                new: None,
                old: Some(i),
                old_title: None,
                pieces: Vec::new(),
            });
        }
    };
    removed(0, &mut changes);
    for (j, s) in new.iter().enumerate() {
        match old_index.get(s.anchor) {
            None => changes.push(SectionChange {
                kind: SectionChangeKind::Added,
                new: Some(j),
                old: None,
                old_title: None,
                pieces: Vec::new(),
            }),
            Some(&i) => {
                let before = &old[i];
                let text_changed = before.text != s.text || before.title != s.title;
                let kind = if text_changed {
                    Some(SectionChangeKind::Changed)
                } else if !in_place.contains(s.anchor) {
                    Some(SectionChangeKind::Moved)
                } else {
                    None
                };
                if let Some(kind) = kind {
                    changes.push(SectionChange {
                        kind,
                        new: Some(j),
                        old: Some(i),
                        old_title: (before.title != s.title).then(|| before.title.to_string()),
                        pieces: if kind == SectionChangeKind::Changed {
                            sentences_diff(before.text, s.text)
                        } else {
                            Vec::new()
                        },
                    });
                }
            }
        }
        removed(j + 1, &mut changes);
    }
    changes
}

/// The sentences of `text`, each with the space that follows it.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let ends = matches!(b, b'.' | b'?' | b'!' | b'\n')
            && bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace());
        i += 1;
        if ends {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            out.push(&text[start..i]);
            start = i;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The sentence-level comparison of a section's old and new text.
fn sentences_diff(old: &str, new: &str) -> Vec<Piece> {
    let (a, b) = (sentences(old), sentences(new));
    if a.len() > MAX_SENTENCES || b.len() > MAX_SENTENCES {
        return vec![
            Piece::Removed(old.to_string()),
            Piece::Added(new.to_string()),
        ];
    }
    let mut pieces = Vec::new();
    for op in capture_diff_slices(Algorithm::Patience, &a, &b) {
        let (_, old_range, new_range) = op.as_tag_tuple();
        match op {
            DiffOp::Equal { .. } => {
                pieces.extend(b[new_range].iter().map(|s| Piece::Same(s.to_string())))
            }
            DiffOp::Delete { .. } => {
                pieces.extend(a[old_range].iter().map(|s| Piece::Removed(s.to_string())))
            }
            DiffOp::Insert { .. } => {
                pieces.extend(b[new_range].iter().map(|s| Piece::Added(s.to_string())))
            }
            DiffOp::Replace { .. } => {
                let (olds, news) = (&a[old_range], &b[new_range]);
                // Pair the sentences in order; extra ones are removed or added whole.
                for k in 0..olds.len().max(news.len()) {
                    match (olds.get(k), news.get(k)) {
                        (Some(o), Some(n)) => edited_sentence(o, n, &mut pieces),
                        (Some(o), None) => pieces.push(Piece::Removed(o.to_string())),
                        (None, Some(n)) => pieces.push(Piece::Added(n.to_string())),
                        (None, None) => {}
                    }
                }
            }
        }
    }
    merge_neighbours(pieces)
}

/// One sentence replaced by another: word by word when most of it survives,
/// otherwise the old sentence removed and the new one added.
fn edited_sentence(old: &str, new: &str, pieces: &mut Vec<Piece>) {
    if old.len() > MAX_SENTENCE_BYTES || new.len() > MAX_SENTENCE_BYTES {
        pieces.push(Piece::Removed(old.to_string()));
        pieces.push(Piece::Added(new.to_string()));
        return;
    }
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_words(old, new);
    if diff.ratio() < EDITED_RATIO {
        pieces.push(Piece::Removed(old.to_string()));
        pieces.push(Piece::Added(new.to_string()));
        return;
    }
    for change in diff.iter_all_changes() {
        let text = change.value().to_string();
        pieces.push(match change.tag() {
            ChangeTag::Equal => Piece::Same(text),
            ChangeTag::Insert => Piece::Added(text),
            ChangeTag::Delete => Piece::Removed(text),
        });
    }
}

/// Joins neighbouring pieces of the same kind, so the page has one `<ins>`
/// per run of added words, not one per word.
fn merge_neighbours(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match (out.last_mut(), piece) {
            (Some(Piece::Same(a)), Piece::Same(b))
            | (Some(Piece::Added(a)), Piece::Added(b))
            | (Some(Piece::Removed(a)), Piece::Removed(b)) => a.push_str(&b),
            (_, piece) => out.push(piece),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s<'a>(anchor: &'a str, text: &'a str) -> SectionText<'a> {
        SectionText {
            anchor,
            title: anchor,
            text,
        }
    }

    fn kinds(changes: &[SectionChange]) -> Vec<(&'static str, Option<usize>, Option<usize>)> {
        changes
            .iter()
            .map(|c| (c.kind.as_str(), c.old, c.new))
            .collect()
    }

    #[test]
    fn sections_added_removed_moved_and_changed() {
        let old = [s("a", "A."), s("b", "B."), s("c", "C."), s("d", "D.")];
        let new = [
            s("a", "A."),
            s("c", "C."),
            s("d", "D is new."),
            s("b", "B."),
            s("e", "E."),
        ];
        assert_eq!(
            kinds(&compare(&old, &new)),
            [
                ("changed", Some(3), Some(2)),
                ("moved", Some(1), Some(3)),
                ("added", None, Some(4))
            ]
        );
        let new = [s("a", "A."), s("d", "D.")];
        assert_eq!(
            kinds(&compare(&old, &new)),
            [("removed", Some(1), None), ("removed", Some(2), None)]
        );
        assert!(compare(&old, &old).is_empty(), "no change, no rows");
    }

    #[test]
    fn an_edited_sentence_shows_its_words_and_a_rewrite_shows_whole_sentences() {
        let changes = compare(
            &[s(
                "a",
                "Staff must not post photos. Parents may ask questions.",
            )],
            &[s(
                "a",
                "Staff must never post photos. Parents may ask questions.",
            )],
        );
        assert_eq!(
            changes[0].pieces,
            [
                Piece::Same("Staff must ".into()),
                Piece::Removed("not".into()),
                Piece::Added("never".into()),
                Piece::Same(" post photos. Parents may ask questions.".into()),
            ]
        );
        let changes = compare(
            &[s("a", "The office keeps the keys.")],
            &[s("a", "Every visitor signs in at reception.")],
        );
        assert_eq!(
            changes[0].pieces,
            [
                Piece::Removed("The office keeps the keys.".into()),
                Piece::Added("Every visitor signs in at reception.".into()),
            ]
        );
    }

    #[test]
    fn sentences_split_at_stops_and_line_ends() {
        assert_eq!(
            sentences("One. Two? Three!\nFour"),
            ["One. ", "Two? ", "Three!\n", "Four"]
        );
        assert_eq!(
            sentences("See 4.2 and e.g.the list."),
            ["See 4.2 and e.g.the list."]
        );
    }

    #[test]
    fn huge_sections_are_compared_whole() {
        let old: String = (0..3_000).map(|i| format!("Old {i}. ")).collect();
        let new: String = (0..3_000).map(|i| format!("New {i}. ")).collect();
        let changes = compare(&[s("a", &old)], &[s("a", &new)]);
        assert_eq!(changes[0].pieces.len(), 2);
    }
}
