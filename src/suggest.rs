//! "Did you mean ...?": the nearest valid name to a misspelt one, for every
//! closed set a message names (keys, audiences, ids, anchors, shortcodes,
//! platforms, terms). One rule everywhere, so hints are predictable.

/// How alike two names must be (0 to 1, by strsim's normalised
/// Damerau-Levenshtein distance) before one is suggested for the other:
/// close enough for a slip of the keyboard, never "t" for "child-protection".
const MIN_SIMILARITY: f64 = 0.7;

/// The name in `known` nearest to `value`, if it is close enough to be what
/// was meant. Case is ignored when comparing; ties go to the name first in
/// alphabetical order, so the hint never depends on the order of `known`.
pub fn closest<'k>(value: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    let written = value.trim();
    let lower = written.to_lowercase();
    if lower.is_empty() {
        return None;
    }
    known
        .into_iter()
        .filter(|k| *k != written)
        .map(|k| {
            let score = strsim::normalized_damerau_levenshtein(&lower, &k.to_lowercase());
            (score, k)
        })
        .filter(|(score, _)| *score >= MIN_SIMILARITY)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, k)| k)
}

/// `; did you mean "x"?` when one of `known` is close to `value`, else nothing.
pub fn did_you_mean<'k>(value: &str, known: impl IntoIterator<Item = &'k str>) -> String {
    closest(value, known)
        .map(|k| format!("; did you mean \"{k}\"?"))
        .unwrap_or_default()
}

/// `; did you mean "x"?` when one of `known` is close to `value`, else
/// ` (known: a, b, c)`: for small sets, where listing them all helps.
pub fn hint_or_list<'k>(value: &str, known: impl IntoIterator<Item = &'k str>) -> String {
    let known: Vec<&str> = known.into_iter().collect();
    match closest(value, known.iter().copied()) {
        Some(near) => format!("; did you mean \"{near}\"?"),
        None if known.is_empty() => String::new(),
        None => format!(" (known: {})", known.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_only_when_close() {
        assert_eq!(
            did_you_mean("behavour", ["behaviour", "rse"]),
            "; did you mean \"behaviour\"?"
        );
        assert_eq!(did_you_mean("t", ["child-protection", "t2"]), "");
        assert_eq!(
            did_you_mean("uniforms", ["rse", "uniform"]),
            "; did you mean \"uniform\"?"
        );
        assert_eq!(
            closest("reveiw", ["review", "review_every", "title"]),
            Some("review")
        );
        assert_eq!(closest("Staff", ["staff", "parents"]), Some("staff"));
        assert_eq!(
            closest("Sprng", ["Spring", "Summer", "Autumn"]),
            Some("Spring")
        );
        assert_eq!(closest("", ["a"]), None);
        assert_eq!(closest("xyz", ["policies"]), None);
    }

    #[test]
    fn lists_a_small_set_when_nothing_is_close() {
        assert_eq!(
            hint_or_list("parnets", ["staff", "parents"]),
            "; did you mean \"parents\"?"
        );
        assert_eq!(
            hint_or_list("everyone", ["staff", "parents"]),
            " (known: staff, parents)"
        );
    }

    #[test]
    fn ties_do_not_depend_on_order() {
        assert_eq!(closest("ab", ["ac", "aa"]), closest("ab", ["aa", "ac"]));
    }
}
