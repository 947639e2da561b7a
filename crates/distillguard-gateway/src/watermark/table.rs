//! The table of interchangeable words the watermark chooses among.
//!
//! Each group lists words that can replace one another in running prose without
//! changing what a sentence says or breaking its grammar. Rules the table keeps (a test
//! checks the mechanical ones):
//! - every word is lower case ASCII and appears in one group only;
//! - words of a group start with the same kind of sound, so a preceding `a`/`an` stays
//!   right (`a big` / `a large`, never `an issue` / `a problem`);
//! - no word with a common sense the others lack (`start` is also a noun, `while` in
//!   "a while", `use` in "the use of": left out).
//!
//! Adding or reordering groups changes every account's mark: the table is versioned by
//! [`TABLE_VERSION`], which goes into the keyed hash.

/// Bumped whenever [`GROUPS`] changes.
pub const TABLE_VERSION: u32 = 1;

/// Groups of interchangeable words (2 or 3 per group).
pub const GROUPS: &[&[&str]] = &[
    &["big", "large"],
    &["also", "additionally"],
    &["often", "frequently"],
    &["usually", "typically"],
    &["maybe", "perhaps"],
    &["quickly", "rapidly"],
    &["main", "primary"],
    &["mainly", "primarily"],
    &["simple", "straightforward"],
    &["buy", "purchase"],
    &["choose", "select"],
    &["choosing", "selecting"],
    &["explain", "describe"],
    &["explains", "describes"],
    &["allow", "permit"],
    &["allows", "permits"],
    &["happen", "occur"],
    &["happens", "occurs"],
    &["happened", "occurred"],
    &["therefore", "thus", "hence"],
    &["furthermore", "moreover"],
    &["toward", "towards"],
    &["among", "amongst"],
    &["nearly", "almost"],
    &["smart", "clever"],
    &["huge", "massive"],
    &["needed", "required"],
    &["correctly", "properly"],
    &["completely", "fully", "totally"],
    &["crucial", "vital"],
    &["helpful", "useful"],
    &["recommend", "suggest"],
    &["recommends", "suggests"],
    &["rarely", "seldom"],
    &["significant", "substantial"],
    &["basic", "fundamental"],
    &["specific", "particular"],
    &["obviously", "clearly"],
    &["essentially", "basically"],
    &["modify", "alter"],
    &["verify", "confirm"],
    &["quick", "rapid"],
    &["afterward", "afterwards"],
    &["tiny", "minuscule"],
    &["difficult", "hard"],
];

fn index() -> &'static std::collections::HashMap<&'static str, (usize, usize)> {
    static INDEX: std::sync::OnceLock<std::collections::HashMap<&'static str, (usize, usize)>> =
        std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = std::collections::HashMap::new();
        for (group, words) in GROUPS.iter().enumerate() {
            for (variant, word) in words.iter().enumerate() {
                index.insert(*word, (group, variant));
            }
        }
        index
    })
}

/// Longest word in the table (longer words are not looked up).
const MAX_WORD_LEN: usize = 16;

/// Where a word sits in the table: group index and variant index.
pub fn lookup(word_lower: &str) -> Option<(usize, usize)> {
    if word_lower.len() > MAX_WORD_LEN {
        return None;
    }
    index().get(word_lower).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn words_are_lower_case_unique_and_groups_small() {
        let mut seen = HashSet::new();
        for group in GROUPS {
            assert!((2..=3).contains(&group.len()), "{group:?}");
            assert!(group.iter().all(|w| w.len() <= MAX_WORD_LEN), "{group:?}");
            for word in *group {
                assert!(word.chars().all(|c| c.is_ascii_lowercase()), "{word}");
                assert!(seen.insert(*word), "{word} appears twice");
            }
        }
    }

    #[test]
    fn articles_stay_right() {
        let vowel = |w: &str| w.starts_with(['a', 'e', 'i', 'o', 'u']);
        for group in GROUPS {
            // Adverbs and verbs rarely follow an article; nouns and adjectives must agree.
            let first = vowel(group[0]);
            let mixed = group.iter().any(|w| vowel(w) != first);
            let exempt = group.iter().all(|w| w.ends_with("ly") || w.ends_with('s'))
                || [
                    "also",
                    "allow",
                    "happen",
                    "happened",
                    "among",
                    "afterward",
                    "alter",
                    "explain",
                    "often",
                    "useful",
                    "almost",
                ]
                .iter()
                .any(|w| group.contains(w));
            assert!(!mixed || exempt, "{group:?} mixes a/an");
        }
    }
}
