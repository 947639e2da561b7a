//! A phrase matcher compiled once into a flat table: every occurrence of every phrase
//! (ASCII case ignored), in one pass of one table look-up per byte.
//!
//! Why it exists: every prompt of every exchange is scanned for the phrase lists (see
//! [`crate::signals::lexicon`]), and a general-purpose automaton's overlapping search
//! spent about a sixth of `analyze`'s instructions keeping its search state in memory
//! and checking bounds per byte. This is the same Aho–Corasick construction (a trie,
//! failure links, every transition filled in) laid out for that one loop: bytes map to
//! a few classes, state ids are pre-multiplied row offsets, and the states that end a
//! phrase are numbered last, so "did a phrase end here" is one comparison.
//!
//! Semantics, which the lexicon's tests check against the `aho-corasick` crate: every
//! occurrence is reported, overlapping ones included (standard Aho–Corasick), with its
//! byte span and the index of its phrase; ASCII letters match either case; other bytes
//! (UTF-8 included) match exactly.

/// The compiled phrases. Build once (it is immutable and `Sync`) and share.
#[derive(Debug)]
pub struct PhraseDfa {
    /// Class of each input byte; upper-case ASCII shares its lower-case letter's class.
    classes: [u8; 256],
    /// Classes per state: the row length of `next`.
    stride: usize,
    /// `next[state + class]` is the next state; states are row offsets (index × stride).
    next: Vec<u32>,
    /// States at or past this offset end at least one phrase.
    first_match: u32,
    /// Phrases ending in match state `k` (its offset is `first_match + k × stride`) are
    /// `ends[ends_at[k]..ends_at[k + 1]]`, in ascending phrase order.
    ends_at: Vec<u32>,
    ends: Vec<u32>,
    /// Byte length of each phrase.
    lengths: Vec<u32>,
    /// The longest phrase's length.
    longest: usize,
}

/// An occurrence: byte offsets `start..end` in the text and the phrase's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub start: usize,
    pub end: usize,
    pub phrase: usize,
}

/// Why a phrase list could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// An empty phrase would occur everywhere.
    EmptyPhrase(usize),
    /// More states than a `u32` offset can address.
    TooLarge,
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::EmptyPhrase(index) => write!(f, "phrase {index} is empty"),
            BuildError::TooLarge => f.write_str("the phrase list needs too many states"),
        }
    }
}

impl std::error::Error for BuildError {}

impl PhraseDfa {
    /// Compiles `phrases` (phrase `i` is reported as index `i`).
    pub fn build<'a>(phrases: impl IntoIterator<Item = &'a str>) -> Result<PhraseDfa, BuildError> {
        let phrases: Vec<Vec<u8>> = phrases
            .into_iter()
            .map(|p| p.bytes().map(|b| b.to_ascii_lowercase()).collect())
            .collect();
        if let Some(index) = phrases.iter().position(Vec::is_empty) {
            return Err(BuildError::EmptyPhrase(index));
        }

        // Byte classes: one per distinct (lower-cased) byte the phrases use, 0 for the rest.
        let mut classes = [0u8; 256];
        let mut n_classes = 1usize;
        for &byte in phrases.iter().flatten() {
            if classes[usize::from(byte)] == 0 {
                // Lower-cased bytes are at most 230 distinct, so classes fit in a u8.
                classes[usize::from(byte)] =
                    u8::try_from(n_classes).map_err(|_| BuildError::TooLarge)?;
                n_classes += 1;
            }
        }
        for upper in b'A'..=b'Z' {
            classes[usize::from(upper)] = classes[usize::from(upper.to_ascii_lowercase())];
        }

        // The trie, with rows of child states per class (0: none; the root is state 0
        // and is never anyone's child).
        let mut children: Vec<Vec<u32>> = vec![vec![0; n_classes]];
        let mut own: Vec<Vec<u32>> = vec![Vec::new()];
        for (index, phrase) in phrases.iter().enumerate() {
            let mut state = 0usize;
            for &byte in phrase {
                let class = usize::from(classes[usize::from(byte)]);
                let child = children[state][class];
                state = if child == 0 {
                    let new = u32::try_from(children.len()).map_err(|_| BuildError::TooLarge)?;
                    children.push(vec![0; n_classes]);
                    own.push(Vec::new());
                    children[state][class] = new;
                    new as usize
                } else {
                    child as usize
                };
            }
            own[state].push(index as u32);
        }

        // Breadth-first: failure links, full transitions and output sets (a state's own
        // phrases and those of its failure state).
        let n_states = children.len();
        let mut next: Vec<Vec<u32>> = vec![vec![0; n_classes]; n_states];
        let mut outputs: Vec<Vec<u32>> = vec![Vec::new(); n_states];
        let mut fail = vec![0u32; n_states];
        let mut queue = std::collections::VecDeque::new();
        for class in 0..n_classes {
            let child = children[0][class];
            next[0][class] = child;
            if child != 0 {
                queue.push_back(child as usize);
            }
        }
        while let Some(state) = queue.pop_front() {
            let mut out = own[state].clone();
            out.extend_from_slice(&outputs[fail[state] as usize]);
            out.sort_unstable();
            outputs[state] = out;
            for class in 0..n_classes {
                let child = children[state][class];
                let via_fail = next[fail[state] as usize][class];
                if child == 0 {
                    next[state][class] = via_fail;
                } else {
                    next[state][class] = child;
                    fail[child as usize] = via_fail;
                    queue.push_back(child as usize);
                }
            }
        }

        // Number match states last, then lay the rows out flat with pre-multiplied ids.
        let mut order: Vec<usize> = (0..n_states).filter(|&s| outputs[s].is_empty()).collect();
        let n_plain = order.len();
        order.extend((0..n_states).filter(|&s| !outputs[s].is_empty()));
        let mut rank = vec![0u32; n_states];
        for (position, &state) in order.iter().enumerate() {
            rank[state] = u32::try_from(position * n_classes).map_err(|_| BuildError::TooLarge)?;
        }
        // Every row offset plus a class must fit in a state id too.
        u32::try_from(n_states * n_classes).map_err(|_| BuildError::TooLarge)?;
        let mut flat = Vec::with_capacity(n_states * n_classes);
        let mut ends_at = vec![0u32];
        let mut ends = Vec::new();
        for &state in &order {
            flat.extend(next[state].iter().map(|&target| rank[target as usize]));
            if !outputs[state].is_empty() {
                ends.extend_from_slice(&outputs[state]);
                ends_at.push(ends.len() as u32);
            }
        }
        Ok(PhraseDfa {
            classes,
            stride: n_classes,
            next: flat,
            first_match: (n_plain * n_classes) as u32,
            ends_at,
            ends,
            lengths: phrases.iter().map(|p| p.len() as u32).collect(),
            longest: phrases.iter().map(Vec::len).max().unwrap_or(0),
        })
    }

    /// Calls `found` for every occurrence in `text`, each once, in no particular order.
    ///
    /// One walk through the table is a chain of dependent loads (each state is needed
    /// to look up the next), so a long text is cut into lanes walked side by side,
    /// whose loads overlap in time. A lane after the first starts `longest - 1` bytes
    /// before its share (so it sees every phrase that ends in its share whole) and
    /// reports only the phrases that end in its share.
    #[inline]
    pub fn for_each_occurrence(&self, text: &[u8], mut found: impl FnMut(Occurrence)) {
        // A lane's overlap is at most a quarter of its share; more than four lanes ran
        // slower (the states no longer fit in registers).
        let lane_min = 4 * self.longest.max(16);
        if text.len() >= 4 * lane_min {
            self.walk_lanes::<4>(text, &mut found);
        } else if text.len() >= 2 * lane_min {
            self.walk_lanes::<2>(text, &mut found);
        } else {
            self.walk_lanes::<1>(text, &mut found);
        }
    }

    /// Walks `LANES` lanes of `text` side by side (see [`Self::for_each_occurrence`]).
    #[inline(always)]
    fn walk_lanes<const LANES: usize>(&self, text: &[u8], found: &mut impl FnMut(Occurrence)) {
        // The table in locals: the loop then keeps them in registers instead of
        // reloading them after every call of `found`.
        let classes = &self.classes;
        let next = self.next.as_slice();
        let first_match = self.first_match;
        let share = text.len() / LANES;
        let overlap = self.longest.saturating_sub(1);
        // Lane `j` reports what ends in its share, `shares[j]..shares[j + 1]`, and
        // starts walking at `starts[j]`.
        let mut shares = [0usize; LANES];
        let mut starts = [0usize; LANES];
        for j in 1..LANES {
            shares[j] = j * share;
            starts[j] = shares[j].saturating_sub(overlap);
        }
        // One byte of lane `j` at offset `at`: the next state, and what ends there if
        // it ends in the lane's share.
        let mut step = |j: usize, state: u32, at: usize| {
            let state = next[state as usize + usize::from(classes[usize::from(text[at])])];
            if state >= first_match && at >= shares[j] {
                self.report(state, at + 1, found);
            }
            state
        };
        let mut states = [0u32; LANES];
        // Every lane but the last walks `share + (its overlap)` bytes; walk the
        // shortest length in lock step, then finish each lane alone.
        let lockstep = share;
        for i in 0..lockstep {
            for j in 0..LANES {
                states[j] = step(j, states[j], starts[j] + i);
            }
        }
        for j in 0..LANES {
            let end = if j + 1 < LANES {
                shares[j + 1]
            } else {
                text.len()
            };
            for at in starts[j] + lockstep..end {
                states[j] = step(j, states[j], at);
            }
        }
    }

    /// Reports the phrases that match state `state` ends, at byte offset `end`.
    #[cold]
    #[inline(never)]
    fn report(&self, state: u32, end: usize, found: &mut impl FnMut(Occurrence)) {
        let k = ((state - self.first_match) as usize) / self.stride;
        let (from, to) = (self.ends_at[k] as usize, self.ends_at[k + 1] as usize);
        for &phrase in &self.ends[from..to] {
            found(Occurrence {
                start: end - self.lengths[phrase as usize] as usize,
                end,
                phrase: phrase as usize,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    //! Checked against the `aho-corasick` crate's overlapping search (standard
    //! semantics, ASCII case ignored), which reports the same set of occurrences.

    use super::*;
    use aho_corasick::{AhoCorasickBuilder, MatchKind};
    use proptest::prelude::*;

    fn ours(phrases: &[&str], text: &str) -> Vec<(usize, usize, usize)> {
        let dfa = PhraseDfa::build(phrases.iter().copied()).expect("builds");
        let mut all = Vec::new();
        dfa.for_each_occurrence(text.as_bytes(), |o| all.push((o.start, o.end, o.phrase)));
        all.sort_unstable();
        all
    }

    fn reference(phrases: &[&str], text: &str) -> Vec<(usize, usize, usize)> {
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(phrases)
            .expect("builds");
        let mut all: Vec<_> = ac
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        all.sort_unstable();
        all
    }

    #[test]
    fn finds_overlapping_and_nested_phrases_in_any_case() {
        let phrases = ["he", "she", "his", "hers", "step by step", "推理", "Step"];
        let text = "USHERS said: sHe thinks step BY step about 推理过程";
        let found = ours(&phrases, text);
        assert_eq!(found, reference(&phrases, text));
        // "ushers" holds "she", "he" and "hers"; "step by step" holds "step" twice.
        assert!(found.contains(&(1, 4, 1)));
        assert!(found.contains(&(2, 4, 0)));
        assert!(found.contains(&(2, 6, 3)));
        assert_eq!(found.iter().filter(|o| o.2 == 6).count(), 2);
        assert!(found.iter().any(|o| o.2 == 5));
    }

    #[test]
    fn empty_text_and_no_phrase_find_nothing() {
        assert!(ours(&["abc"], "").is_empty());
        assert!(ours(&["abc"], "xyz ab bc").is_empty());
        assert_eq!(
            PhraseDfa::build(["a", ""]).map(|_| ()),
            Err(BuildError::EmptyPhrase(1))
        );
    }

    #[test]
    fn a_phrase_listed_twice_is_reported_under_both_indices() {
        assert_eq!(ours(&["ab", "AB"], "xab"), vec![(1, 3, 0), (1, 3, 1)]);
        assert_eq!(reference(&["ab", "AB"], "xab"), vec![(1, 3, 0), (1, 3, 1)]);
    }

    proptest! {
        #[test]
        fn same_occurrences_as_the_reference(
            phrases in prop::collection::vec("[abAB é-]{1,5}", 1..12),
            text in "[abcAB é-]{0,60}",
        ) {
            let phrases: Vec<&str> = phrases.iter().map(String::as_str).collect();
            prop_assert_eq!(ours(&phrases, &text), reference(&phrases, &text));
        }

        /// Texts long enough to be walked in two and four lanes: occurrences across
        /// the lanes' boundaries are found once, none twice.
        #[test]
        fn same_occurrences_as_the_reference_in_lanes(
            phrases in prop::collection::vec("[abAB é-]{1,24}", 1..12),
            text in "[abcAB é-]{60,900}",
        ) {
            let phrases: Vec<&str> = phrases.iter().map(String::as_str).collect();
            prop_assert_eq!(ours(&phrases, &text), reference(&phrases, &text));
        }
    }
}
