//! One pass over the prompt for every phrase list: the capability lexicon's weights and
//! whether a chain-of-thought phrase occurs, found by a single automaton
//! ([`crate::phrase_dfa`]).
//!
//! Why it exists: the two lists used to be scanned one after the other, and scanning
//! the prompt twice was a fifth of `analyze`'s time. Here one automaton holds both lists
//! and reports every occurrence of every phrase; from those occurrences this module
//! rebuilds exactly what each list's own scan decided: the capability lexicon counts
//! leftmost-longest, non-overlapping, whole-word occurrences (so "function call" counts
//! once, as tool use, and not also as "function"), and the chain-of-thought list asks
//! only whether any phrase occurs. The lists themselves stay with their signals
//! ([`super::capability`], [`super::cot`]).

use std::sync::OnceLock;

use distillguard_model::Capability;

use crate::phrase_dfa::PhraseDfa;

use super::{capability, cot};

/// What the phrase lists found in one prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LexiconHits {
    /// Summed capability lexicon weight per capability (indexed by `Capability::index`).
    pub weights: [u32; Capability::COUNT],
    /// A chain-of-thought phrase occurs.
    pub elicits_reasoning: bool,
}

fn automaton() -> &'static PhraseDfa {
    static DFA: OnceLock<PhraseDfa> = OnceLock::new();
    DFA.get_or_init(|| {
        // Every occurrence is reported; each list's own selection is rebuilt from them
        // in `scan`.
        PhraseDfa::build(capability::phrases().chain(cot::PHRASES.iter().copied()))
            .expect("static phrase lists build")
    })
}

/// An occurrence of a capability phrase: (start, end, index into the lexicon).
type Occurrence = (u32, u32, u32);

/// Scans `prompt` (its first [`crate::normalize::MAX_SCAN_BYTES`]) once for both lists.
pub fn scan(prompt: &str) -> LexiconHits {
    let mut hits = LexiconHits::default();
    if prompt.is_empty() {
        return hits;
    }
    let text =
        crate::normalize::truncate_at_char_boundary(prompt, crate::normalize::MAX_SCAN_BYTES);
    let lexicon_len = capability::LEXICON.len();
    // One buffer per thread, reused: a fresh vector per prompt was an allocation and a
    // free for every exchange.
    FOUND.with_borrow_mut(|found| {
        found.clear();
        select(text, lexicon_len, found, &mut hits);
    });
    hits
}

thread_local! {
    static FOUND: std::cell::RefCell<Vec<Occurrence>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Collects every occurrence in `text` into `found` and adds the selected ones to `hits`.
fn select(text: &str, lexicon_len: usize, found: &mut Vec<Occurrence>, hits: &mut LexiconHits) {
    automaton().for_each_occurrence(text.as_bytes(), |occurrence| {
        if occurrence.phrase >= lexicon_len {
            hits.elicits_reasoning = true;
            return;
        }
        // The text is at most MAX_SCAN_BYTES long, so offsets fit in u32.
        found.push((
            occurrence.start as u32,
            occurrence.end as u32,
            occurrence.phrase as u32,
        ));
    });
    // Leftmost-longest, non-overlapping: earliest start first, the longest there, then
    // on from its end (the first listed phrase among equal ones). This is the selection
    // a leftmost-longest scan makes.
    found.sort_unstable_by_key(|&(start, end, pattern)| (start, std::cmp::Reverse(end), pattern));
    let bytes = text.as_bytes();
    let mut cursor = 0u32;
    for &(start, end, pattern) in found.iter() {
        if start < cursor {
            continue;
        }
        cursor = end;
        let (phrase, capability, weight) = capability::LEXICON[pattern as usize];
        if phrase.is_ascii() && !is_whole_word(bytes, start as usize, end as usize, phrase) {
            continue;
        }
        hits.weights[capability.index()] += u32::from(weight);
    }
}

/// The occurrence is not part of a longer word (for the ends of the phrase that are
/// word characters): "code" in "barcode" is not the word "code".
fn is_whole_word(bytes: &[u8], start: usize, end: usize, phrase: &str) -> bool {
    let word_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let phrase_starts_word = phrase.bytes().next().is_some_and(word_char);
    let phrase_ends_word = phrase.bytes().last().is_some_and(word_char);
    let before_ok = !phrase_starts_word || start == 0 || !word_char(bytes[start - 1]);
    let after_ok = !phrase_ends_word || end >= bytes.len() || !word_char(bytes[end]);
    before_ok && after_ok
}

#[cfg(test)]
mod tests {
    //! The single pass must decide exactly what the two separate scans decided: the
    //! references below are those scans (leftmost-longest for the lexicon, any match for
    //! the chain-of-thought phrases), run on hand-made overlaps, simulated prompts and
    //! random text built from the phrases themselves.

    use super::*;
    use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
    use proptest::prelude::*;

    fn reference_weights(prompt: &str) -> [u32; Capability::COUNT] {
        static AC: OnceLock<AhoCorasick> = OnceLock::new();
        let ac = AC.get_or_init(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(capability::phrases())
                .expect("lexicon builds")
        });
        let text =
            crate::normalize::truncate_at_char_boundary(prompt, crate::normalize::MAX_SCAN_BYTES);
        let mut weights = [0u32; Capability::COUNT];
        for found in ac.find_iter(text) {
            let (phrase, capability, weight) = capability::LEXICON[found.pattern().as_usize()];
            if phrase.is_ascii()
                && !is_whole_word(text.as_bytes(), found.start(), found.end(), phrase)
            {
                continue;
            }
            weights[capability.index()] += u32::from(weight);
        }
        weights
    }

    fn reference_cot(prompt: &str) -> bool {
        static AC: OnceLock<AhoCorasick> = OnceLock::new();
        let ac = AC.get_or_init(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .build(cot::PHRASES)
                .expect("phrases build")
        });
        let text =
            crate::normalize::truncate_at_char_boundary(prompt, crate::normalize::MAX_SCAN_BYTES);
        ac.is_match(text)
    }

    fn assert_same(prompt: &str) {
        let hits = scan(prompt);
        assert_eq!(
            hits.weights,
            reference_weights(prompt),
            "capability weights differ on {prompt:?}"
        );
        assert_eq!(
            hits.elicits_reasoning,
            reference_cot(prompt),
            "chain-of-thought differs on {prompt:?}"
        );
    }

    #[test]
    fn overlapping_phrases_count_as_the_separate_scans_counted_them() {
        // Each case has phrases inside or overlapping other phrases, of both lists.
        for prompt in [
            "Make a function call to the weather tool",
            "maths and mathematics and math",
            "protests, protest; tools, tool",
            "debug the bug in the compiler, then compile",
            "请给出详细推理过程和数学证明",
            "推理过程",
            "the aftermath of the barcode scanner",
            "Let's think step by step about the equation",
            "show your work: how many apples? how much?",
            "def f(): return import",
            "```python\nprint(1)\n```",
            "TL;DR the dataset columns",
            "",
        ] {
            assert_same(prompt);
        }
        // And the pass really finds things (the references are not both empty).
        let hits = scan("Make a function call to the weather tool");
        assert_eq!(hits.weights[Capability::ToolUse.index()], 3 + 2);
        assert_eq!(hits.weights[Capability::Coding.index()], 0);
        assert!(scan("请给出详细推理过程").elicits_reasoning);
    }

    #[test]
    fn simulated_prompts_get_the_same_decisions() {
        let scenario = distillguard_sim::load("default")
            .expect("built-in scenario")
            .scaled(0.002);
        let plan = distillguard_sim::plan::Plan::build(&scenario, 5);
        let mut checked = 0;
        let mut with_cot = 0;
        for index in 0..plan.len() as u64 {
            for exchange in distillguard_sim::traffic::account_traffic(&scenario, &plan, 5, index).1
            {
                let prompt = exchange.prompt.as_deref().unwrap_or("");
                assert_same(prompt);
                checked += 1;
                with_cot += usize::from(reference_cot(prompt));
            }
        }
        assert!(checked > 100, "only {checked} prompts checked");
        assert!(with_cot > 0, "no chain-of-thought prompt among {checked}");
    }

    fn phrase_soup() -> impl Strategy<Value = String> {
        let pieces: Vec<&'static str> = capability::phrases()
            .chain(cot::PHRASES.iter().copied())
            .chain([" ", "", "s", "_", "x", "-", ".", "过程", "e"])
            .collect();
        prop::collection::vec(prop::sample::select(pieces), 0..24).prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn random_phrase_soup_gets_the_same_decisions(prompt in phrase_soup(), upper in any::<bool>()) {
            let prompt = if upper { prompt.to_uppercase() } else { prompt };
            let hits = scan(&prompt);
            prop_assert_eq!(hits.weights, reference_weights(&prompt));
            prop_assert_eq!(hits.elicits_reasoning, reference_cot(&prompt));
        }
    }
}
