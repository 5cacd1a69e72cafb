//! Which audiences each section of a policy is for.
//!
//! A policy addresses some audiences (default: all of the site's). A heading's
//! `{audience=...}` tag sets its section's audiences; untagged top-level
//! sections are for everyone the policy addresses, untagged subsections
//! inherit their section's, and `all` means everyone the policy addresses.
//! Every way a tag can disagree with the site or the policy is an error, so a
//! typo cannot hide a rule from the people it is for.

use std::path::Path;

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostics;
use crate::markdown::Section;

/// A set of the site's audiences, by their index in `SiteConfig::audiences`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct AudienceSet(u64);

impl AudienceSet {
    /// The empty set.
    pub const EMPTY: AudienceSet = AudienceSet(0);

    /// Every audience of a site with `count` audiences.
    pub fn all(count: usize) -> Self {
        if count >= 64 {
            Self(u64::MAX)
        } else {
            Self((1u64 << count) - 1)
        }
    }

    /// The set holding only audience `index`.
    pub fn single(index: usize) -> Self {
        Self(1u64 << index)
    }

    /// Whether audience `index` is in the set.
    pub fn contains(self, index: usize) -> bool {
        index < 64 && self.0 & (1u64 << index) != 0
    }

    /// Adds audience `index`.
    pub fn insert(&mut self, index: usize) {
        self.0 |= 1u64 << index;
    }

    /// Whether every audience in `self` is in `other`.
    pub fn is_subset(self, other: AudienceSet) -> bool {
        self.0 & !other.0 == 0
    }

    /// The audiences in both.
    pub fn intersection(self, other: AudienceSet) -> AudienceSet {
        AudienceSet(self.0 & other.0)
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The indices in the set, in order.
    pub fn indices(self) -> impl Iterator<Item = usize> {
        (0..64).filter(move |&i| self.contains(i))
    }

    /// The audience ids, space-separated (for `data-audiences`).
    pub fn ids(self, config: &SiteConfig) -> String {
        self.indices()
            .filter_map(|i| config.audiences.get(i))
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The audience labels, comma-separated, for readers.
    pub fn labels(self, config: &SiteConfig) -> String {
        self.indices()
            .filter_map(|i| config.audiences.get(i))
            .map(|a| a.label.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Works out each section's audiences; `addressed` is the policy's own set.
pub fn resolve(
    sections: &[Section],
    addressed: AudienceSet,
    config: &SiteConfig,
    path: &Path,
    diagnostics: &mut Diagnostics,
) -> Vec<AudienceSet> {
    let mut sets: Vec<AudienceSet> = Vec::with_capacity(sections.len());
    for section in sections {
        let inherited = section.parent.map_or(addressed, |p| sets[p]);
        let Some(tag) = &section.tag else {
            sets.push(inherited);
            continue;
        };
        let mut set = AudienceSet::EMPTY;
        for id in &tag.ids {
            if id == "all" {
                set = AudienceSet(set.0 | addressed.0);
                continue;
            }
            match config.audiences.iter().position(|a| &a.id == id) {
                None => diagnostics.error(
                    path,
                    Some(tag.line),
                    format!(
                        "unknown audience \"{id}\"{}",
                        crate::suggest::hint_or_list(id, config.audience_ids())
                    ),
                ),
                Some(i) if !addressed.contains(i) => diagnostics.error(
                    path,
                    Some(tag.line),
                    format!(
                        "section \"{}\" is tagged for \"{id}\", but the policy's audiences are {}; \
                         add \"{id}\" to `audiences` or fix the tag",
                        section.title_text,
                        quoted_ids(addressed, config)
                    ),
                ),
                Some(i) => set.insert(i),
            }
        }
        if let Some(parent) = section.parent
            && !set.is_subset(sets[parent])
        {
            diagnostics.error(
                path,
                Some(tag.line),
                format!(
                    "section \"{}\" is for {}, but it sits inside \"{}\" (line {}), which is for {} only; \
                     a subsection can only narrow its section's audiences",
                    section.title_text,
                    quoted_ids(set, config),
                    sections[parent].title_text,
                    sections[parent].line,
                    quoted_ids(sets[parent], config)
                ),
            );
            set = set.intersection(sets[parent]);
        }
        sets.push(set);
    }
    sets
}

fn quoted_ids(set: AudienceSet, config: &SiteConfig) -> String {
    let ids: Vec<String> = set
        .ids(config)
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(|s| format!("\"{s}\""))
        .collect();
    if ids.is_empty() {
        "nobody".to_string()
    } else {
        ids.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::parse;

    fn resolve_text(text: &str, addressed: AudienceSet) -> (Vec<String>, Vec<String>) {
        let config = SiteConfig::for_tests();
        let mut d = Diagnostics::new();
        let body = parse(Path::new("p.md"), text, 1, &mut d);
        let sets = resolve(
            &body.sections,
            addressed,
            &config,
            Path::new("p.md"),
            &mut d,
        );
        (
            sets.iter().map(|s| s.ids(&config)).collect(),
            d.sorted().iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn inheritance_all_and_narrowing() {
        let all = AudienceSet::all(4);
        let (sets, errors) = resolve_text(
            "## Everyone\n\n### Sub\n\n## Staff {audience=staff,governors}\n\n### Inherits\n\n\
             ### Narrow {audience=governors}\n\n## Back {audience=all}\n",
            all,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            sets,
            [
                "staff parents pupils governors",
                "staff parents pupils governors",
                "staff governors",
                "staff governors",
                "governors",
                "staff parents pupils governors",
            ]
        );
    }

    #[test]
    fn all_means_what_the_policy_addresses() {
        let mut addressed = AudienceSet::single(0);
        addressed.insert(1);
        let (sets, errors) = resolve_text("## A {audience=all}\n\n## B\n", addressed);
        assert!(errors.is_empty());
        assert_eq!(sets, ["staff parents", "staff parents"]);
    }

    #[test]
    fn typos_and_disagreements_are_errors() {
        let (_, errors) = resolve_text(
            "## A {audience=parnets}\n\n## B {audience=pupils}\n\n## C {audience=staff}\n\n### D {audience=parents}\n",
            {
                let mut s = AudienceSet::single(0);
                s.insert(1);
                s
            },
        );
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert_eq!(
            errors[0],
            "p.md:1: error: unknown audience \"parnets\"; did you mean \"parents\"?"
        );
        assert!(errors[1].starts_with("p.md:3: error: section \"B\" is tagged for \"pupils\""));
        assert!(errors[2].starts_with(
            "p.md:7: error: section \"D\" is for \"parents\", but it sits inside \"C\" (line 5)"
        ));
    }
}
