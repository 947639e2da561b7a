//! Template fingerprint: hashes of a prompt's normalised frame, so that prompts built
//! from one template collide while different questions do not.
//!
//! Why it matters: harvesting at scale means filling a few templates with many items
//! ("Solve the following problem and show every step: {item}"). After normalisation
//! (see [`crate::normalize`]) the wrapper survives and the item does not, so the frame
//! at the start (`head`) and at the end (`tail`) of the prompt is the template. Items
//! put first and the instruction last collide on `tail`; instruction first on `head`.
//! Short prompts (at most [`FRAME_TOKENS`] tokens) are their own template.
//!
//! Example: `Solve and show every step: "A train leaves at 3pm..."` and
//! `Solve and show every step: "Ann has 12 pears..."` share `head`.

use crate::normalize::{visit_tokens_with_boundaries, BOUNDARY};

/// Tokens hashed at each end of a prompt.
pub const FRAME_TOKENS: usize = 8;

/// Sentences shorter than this (in tokens) are not template sentences.
pub const MIN_SENTENCE_TOKENS: usize = 4;

/// Tokens at the end of a sentence that make its key (greetings and fillers go first in
/// a sentence, so the end is the stable part).
pub const SENTENCE_KEY_TOKENS: usize = 5;

/// Sentence keys kept per prompt (the first ones).
pub const MAX_SENTENCES: usize = 6;

/// The template fingerprint of one prompt. A value of 0 means "no text".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TemplateSketch {
    /// Hash of the first [`FRAME_TOKENS`] normalised tokens.
    pub head: u64,
    /// Hash of the last [`FRAME_TOKENS`] normalised tokens.
    pub tail: u64,
    /// Hash of the whole normalised token sequence (a near-exact template match).
    pub whole: u64,
    /// Number of normalised tokens.
    pub tokens: u32,
    /// Hashes of the last (up to) [`SENTENCE_KEY_TOKENS`] tokens of each sentence of at least
    /// [`MIN_SENTENCE_TOKENS`] tokens, 0 where unused. Paraphrasing a template by
    /// prefixing greetings or reordering sentences keeps these; an instruction
    /// sentence that recurs across prompts is a template part, an item sentence is not.
    pub sentences: [u64; MAX_SENTENCES],
}

impl TemplateSketch {
    pub fn is_empty(&self) -> bool {
        self.tokens == 0
    }
}

/// FNV-style mixing of token hashes in order (order matters for a frame).
fn mix(acc: u64, token_hash: u64) -> u64 {
    (acc ^ token_hash)
        .wrapping_mul(0x0000_0100_0000_01B3)
        .rotate_left(17)
}

const SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// Hash of one normalised token, inlined into the tokenizer's loop (every token of
/// every prompt comes through here). Tokens of up to 16 bytes (nearly all) are read as
/// two little-endian words (overlapping where shorter; together with the length, the
/// reading is one-to-one) and folded by 128-bit multiplication, in the manner of
/// wyhash, the length on its own side of the product (it used to be XORed into the
/// first word, where "bb" and "bbc" read alike); longer ones go to [`crate::hash64`].
/// Stable across runs and platforms.
#[inline(always)]
fn token_hash(token: &[u8]) -> u64 {
    const P0: u64 = 0xa076_1d64_78bd_642f;
    const P1: u64 = 0xe703_7ed1_a0b4_28db;
    let n = token.len();
    let word = |at: usize| {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(&token[at..at + 8]);
        u64::from_le_bytes(buf)
    };
    let half = |at: usize| {
        let mut buf = [0u8; 4];
        buf.copy_from_slice(&token[at..at + 4]);
        u64::from(u32::from_le_bytes(buf))
    };
    let (a, b) = match n {
        0 => (0, 0),
        1..=3 => (
            u64::from(token[0]) << 16 | u64::from(token[n / 2]) << 8 | u64::from(token[n - 1]),
            0,
        ),
        4..=7 => (half(0) << 32 | half(n - 4), 0),
        8..=16 => (word(0), word(n - 8)),
        _ => return crate::hash64(token),
    };
    let fold = |x: u64, y: u64| {
        let product = u128::from(x) * u128::from(y);
        (product as u64) ^ ((product >> 64) as u64)
    };
    fold(a ^ P0, fold(b ^ P1, P0 ^ n as u64))
}

/// Sketches `prompt`.
pub fn sketch(prompt: &str) -> TemplateSketch {
    let mut head = SEED;
    let mut whole = SEED;
    let mut ring = [0u64; FRAME_TOKENS];
    let mut count: usize = 0;
    let mut sentences = [0u64; MAX_SENTENCES];
    let mut n_sentences = 0usize;
    let mut sentence_ring = [0u64; FRAME_TOKENS];
    let mut sentence_len = 0usize;
    let mut close_sentence = |ring: &[u64; FRAME_TOKENS], len: usize, n: &mut usize| {
        if len >= MIN_SENTENCE_TOKENS && *n < MAX_SENTENCES {
            let take = len.min(SENTENCE_KEY_TOKENS);
            let key = (0..take).fold(SEED ^ 0x5e47, |acc, i| {
                mix(acc, ring[(len - take + i) % FRAME_TOKENS])
            });
            sentences[*n] = key | 1;
            *n += 1;
        }
    };
    visit_tokens_with_boundaries(prompt, |token| {
        if token == BOUNDARY {
            close_sentence(&sentence_ring, sentence_len, &mut n_sentences);
            sentence_len = 0;
            return;
        }
        let h = token_hash(token.as_bytes());
        sentence_ring[sentence_len % FRAME_TOKENS] = h;
        sentence_len += 1;
        if count < FRAME_TOKENS {
            head = mix(head, h);
        }
        whole = mix(whole, h);
        ring[count % FRAME_TOKENS] = h;
        count += 1;
    });
    close_sentence(&sentence_ring, sentence_len, &mut n_sentences);
    if count == 0 {
        return TemplateSketch::default();
    }
    let tail = if count <= FRAME_TOKENS {
        head
    } else {
        (0..FRAME_TOKENS).fold(SEED ^ 0x7a11, |acc, i| {
            mix(acc, ring[(count + i) % FRAME_TOKENS])
        })
    };
    TemplateSketch {
        head: head | 1,
        tail: tail | 1,
        whole: whole | 1,
        tokens: u32::try_from(count).unwrap_or(u32::MAX),
        sentences,
    }
}

/// Fingerprint of a system prompt: the `whole` hash of its sketch, so that fills of one
/// templated system prompt (dates, names, numbers) share it.
///
/// Clients send the same system prompt with every request, often several kilobytes of
/// it (agent frameworks), and tokenising that per exchange would cost more than the
/// rest of the exchange; so each thread remembers the fingerprints of the system prompts
/// it saw last, by a 64-bit hash of the raw text (a direct-mapped table of
/// [`SYSTEM_CACHE_SLOTS`]), and hashes the raw text (several GB/s) instead of tokenising
/// it again. Two different texts with the same raw hash and length would share a
/// fingerprint; at 64 bits that is not expected in any log.
pub fn system_fingerprint(system: &str) -> u64 {
    let key = (crate::hash64(system.as_bytes()), system.len());
    remembered(&SYSTEM_CACHE, key, || sketch(system).whole)
}

/// Slots of each thread's system-prompt fingerprint table.
pub const SYSTEM_CACHE_SLOTS: usize = 256;

/// A thread's direct-mapped table of fingerprints, keyed by a 64-bit hash of what was
/// sent and its length (or count).
type Remembered<const N: usize> = std::cell::RefCell<[Option<((u64, usize), u64)>; N]>;

thread_local! {
    static SYSTEM_CACHE: Remembered<SYSTEM_CACHE_SLOTS> =
        const { std::cell::RefCell::new([None; SYSTEM_CACHE_SLOTS]) };
    static TOOLS_CACHE: Remembered<TOOLS_CACHE_SLOTS> =
        const { std::cell::RefCell::new([None; TOOLS_CACHE_SLOTS]) };
}

/// The fingerprint remembered under `key` in this thread's `table`, or `compute`d and
/// remembered there (in the key's slot, in place of what it held).
fn remembered<const N: usize>(
    table: &'static std::thread::LocalKey<Remembered<N>>,
    key: (u64, usize),
    compute: impl FnOnce() -> u64,
) -> u64 {
    let slot = (key.0 as usize) % N;
    table.with_borrow_mut(|cache| match cache[slot] {
        Some((cached, fingerprint)) if cached == key => fingerprint,
        _ => {
            let fingerprint = compute();
            cache[slot] = Some((key, fingerprint));
            fingerprint
        }
    })
}

/// Fingerprint of a tool schema: the sorted, de-duplicated tool names.
///
/// The hash of the names joined by U+001F, streamed so that no joined string is built
/// (agentic traffic sends a tool list with every request); schemas of up to
/// [`STACK_TOOLS`] names are sorted on the stack.
///
/// A client sends the same list, in the same order, with every request, and sorting
/// the names (string comparisons) cost more than hashing them; so, as for system
/// prompts, each thread remembers the fingerprints of the lists it saw last
/// ([`TOOLS_CACHE_SLOTS`] slots), keyed by a hash of the names in the order sent and
/// their count. Two different lists with the same 64-bit key would share a
/// fingerprint; that is not expected in any log.
pub fn tools_fingerprint(tool_names: &[String]) -> Option<u64> {
    if tool_names.is_empty() {
        return None;
    }
    let raw = tool_names.iter().fold(SEED ^ 0x7001, |acc, name| {
        mix(acc, crate::hash64(name.as_bytes()))
    });
    let key = (raw, tool_names.len());
    Some(remembered(&TOOLS_CACHE, key, || {
        sorted_tools_fingerprint(tool_names)
    }))
}

/// Slots of each thread's tool-list fingerprint table.
pub const TOOLS_CACHE_SLOTS: usize = 64;

/// [`tools_fingerprint`] computed: the names sorted, de-duplicated and hashed. `tool_names`
/// must not be empty.
fn sorted_tools_fingerprint(tool_names: &[String]) -> u64 {
    let mut on_stack = [""; STACK_TOOLS];
    let mut on_heap = Vec::new();
    let names: &mut [&str] = if tool_names.len() <= STACK_TOOLS {
        let names = &mut on_stack[..tool_names.len()];
        for (slot, name) in names.iter_mut().zip(tool_names) {
            *slot = name.as_str();
        }
        names
    } else {
        on_heap.extend(tool_names.iter().map(String::as_str));
        &mut on_heap
    };
    names.sort_unstable();
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    let mut previous: Option<&str> = None;
    for &name in names.iter() {
        match previous {
            Some(last) if last == name => continue,
            Some(_) => hasher.update("\u{1f}".as_bytes()),
            None => {}
        }
        hasher.update(name.as_bytes());
        previous = Some(name);
    }
    hasher.digest() | 1
}

/// Tool schemas of up to this many names are fingerprinted without allocating.
const STACK_TOOLS: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_of_one_template_collide_on_head() {
        let a = sketch(
            r#"Solve the following problem and show every step of your work: "A train leaves at 3pm and travels 60 miles per hour toward a city 180 miles away""#,
        );
        let b = sketch("Solve the following problem and show every step of your work: Ann has 12 pears and gives away a third of them to each of her 2 friends; how many remain for her?");
        assert_eq!(a.head, b.head);
        assert_ne!(a.tail, b.tail);
    }

    #[test]
    fn instruction_last_collides_on_tail() {
        let a = sketch("A farmer has 17 sheep and all but 9 run away. How many are left? Think step by step and give every intermediate result.");
        let b = sketch("If a bat and a ball cost 1.10 in total and the bat costs 1.00 more than the ball, what does the ball cost? Think step by step and give every intermediate result.");
        assert_eq!(a.tail, b.tail);
        assert_ne!(a.head, b.head);
    }

    #[test]
    fn different_questions_do_not_collide() {
        let a = sketch("What is the best way to learn the guitar as an adult beginner?");
        let b = sketch("Can you recommend a good book about the history of Rome?");
        assert_ne!(a.head, b.head);
        assert_ne!(a.tail, b.tail);
        assert_ne!(a.whole, b.whole);
    }

    #[test]
    fn instruction_sentences_survive_greetings_and_items() {
        let a = sketch("hey, consider the following question carefully. Was the sable depicted in comics? [INSTRUCTION] Explain your reasoning exhaustively, as if teaching.");
        let b = sketch("Consider the following question carefully. How many legs do 3 spiders have? [INSTRUCTION] Explain your reasoning exhaustively, as if teaching.");
        let shared = a
            .sentences
            .iter()
            .filter(|s| **s != 0 && b.sentences.contains(s))
            .count();
        assert_eq!(shared, 2, "{a:?} {b:?}");
        let c = sketch("What is the best way to learn the guitar as an adult beginner?");
        assert!(c
            .sentences
            .iter()
            .all(|s| *s == 0 || !a.sentences.contains(s)));
    }

    #[test]
    fn short_tokens_hash_apart() {
        // Every token of up to three letters from a small alphabet, and prefixes of
        // longer ones: no two share a hash (the length once collided with the bytes:
        // "bb" and "bbc" hashed alike).
        let alphabet = b"abcxyz_";
        let mut tokens: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..3 {
            let longer: Vec<Vec<u8>> = tokens
                .iter()
                .flat_map(|t| {
                    alphabet.iter().map(move |&c| {
                        let mut t = t.clone();
                        t.push(c);
                        t
                    })
                })
                .collect();
            tokens.extend(longer);
        }
        let word = b"abcdefghijklmnopq";
        tokens.extend((4..=word.len()).map(|n| word[..n].to_vec()));
        tokens.sort();
        tokens.dedup();
        let hashes: std::collections::HashSet<u64> = tokens.iter().map(|t| token_hash(t)).collect();
        assert_eq!(hashes.len(), tokens.len());
        assert_ne!(token_hash(b"bb"), token_hash(b"bbc"));
    }

    #[test]
    fn empty_prompt_is_empty() {
        assert!(sketch("").is_empty());
        assert!(sketch("  ... ").is_empty());
    }

    #[test]
    fn tool_schema_ignores_order() {
        let a = tools_fingerprint(&["b".into(), "a".into()]);
        let b = tools_fingerprint(&["a".into(), "b".into(), "a".into()]);
        assert_eq!(a, b);
        assert_eq!(tools_fingerprint(&[]), None);
    }

    #[test]
    fn system_fingerprint_is_the_sketch_whole_hash_cached_or_not() {
        // More distinct texts than slots, each asked for three times in different
        // orders, so that hits, misses and evictions all happen.
        // Each text names its team in letters, so every text has its own fingerprint.
        let letters = |i: usize| -> String {
            i.to_string()
                .bytes()
                .map(|digit| char::from(b'a' + (digit - b'0')))
                .collect()
        };
        let texts: Vec<String> = (0..3 * SYSTEM_CACHE_SLOTS)
            .map(|i| format!("You are an agent of team {}. Use tools wisely.", letters(i)))
            .collect();
        let distinct: std::collections::HashSet<u64> =
            texts.iter().map(|t| sketch(t).whole).collect();
        assert_eq!(distinct.len(), texts.len());
        for round in 0..3 {
            for i in 0..texts.len() {
                let text = &texts[(i * (round + 1)) % texts.len()];
                assert_eq!(system_fingerprint(text), sketch(text).whole, "{text:?}");
            }
        }
        // Fills of one template share the fingerprint; different templates do not.
        assert_eq!(
            system_fingerprint("Today is 2026-12-03. You are agent 7."),
            system_fingerprint("Today is 2026-11-30. You are agent 12.")
        );
        assert_ne!(
            system_fingerprint("You are a helpful assistant."),
            system_fingerprint("You are a terse code reviewer.")
        );
    }

    #[test]
    fn tool_schema_fingerprint_is_the_same_cached_or_not() {
        // More distinct lists than slots, each asked for three times, in rounds that
        // visit them in different orders and send each list's names in a different
        // order, so that hits, misses and evictions all happen.
        let lists: Vec<Vec<String>> = (0..3 * TOOLS_CACHE_SLOTS)
            .map(|i| {
                (0..1 + i % 5)
                    .map(|j| format!("tool_{}_{j}", i % 97))
                    .collect()
            })
            .collect();
        let distinct: std::collections::HashSet<Option<u64>> =
            lists.iter().map(|l| joined_fingerprint(l)).collect();
        assert_eq!(distinct.len(), lists.len());
        for round in 0..3 {
            for i in 0..lists.len() {
                let mut names = lists[(i * (round + 1)) % lists.len()].clone();
                let turn = round % names.len();
                names.rotate_left(turn);
                assert_eq!(
                    tools_fingerprint(&names),
                    joined_fingerprint(&names),
                    "{names:?}"
                );
            }
        }
    }

    /// The fingerprint as it was first defined: the hash of the sorted, de-duplicated
    /// names joined by U+001F (fingerprints are compared across runs, so it must not move).
    fn joined_fingerprint(tool_names: &[String]) -> Option<u64> {
        if tool_names.is_empty() {
            return None;
        }
        let mut names: Vec<&str> = tool_names.iter().map(String::as_str).collect();
        names.sort_unstable();
        names.dedup();
        Some(crate::hash64(names.join("\u{1f}").as_bytes()) | 1)
    }

    proptest::proptest! {
        #[test]
        fn tool_schema_hash_is_the_joined_names_hash(
            names in proptest::collection::vec("[a-c_]{0,3}|[a-z_]{4,90}", 0..40)
        ) {
            proptest::prop_assert_eq!(tools_fingerprint(&names), joined_fingerprint(&names));
        }
    }
}
