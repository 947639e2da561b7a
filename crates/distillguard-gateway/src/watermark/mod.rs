//! The account-keyed lexical watermark: pure functions, no I/O.
//!
//! **Method.** [`table::GROUPS`] lists sets of interchangeable words ("big/large",
//! "often/frequently", "therefore/thus/hence"). Wherever a word of a group stands in
//! prose, [`mark`] replaces it by the variant that a keyed hash picks:
//! HMAC-SHA256(secret, table version, account id, group, previous word) mod k. The
//! previous word is the context, so the choice varies through a text but is the same
//! every time the same two words meet, which is what a model trained on marked outputs
//! learns and repeats.
//!
//! **Test.** [`verify`] reads a text (or a corpus), collects every *distinct* (group,
//! previous word) context, takes the variant the text uses there (the most frequent one
//! when a context repeats) and counts a hit when it is the keyed choice. Without the
//! mark a hit has probability 1/k per context, independently of the account's key, so
//! the hit count is a sum of independent Bernoulli(1/k) variables; the p-value is the
//! binomial upper tail at the mean rate, which by Hoeffding's 1956 theorem bounds the
//! exact tail from above once hits exceed the expectation by one (conservative).
//! Counting each context once keeps repeated phrases from counting many times.
//!
//! **What is left alone.** Case is kept (`Large`, `LARGE`); punctuation and spacing are
//! untouched; words inside Markdown code (backtick spans and fences) are never changed;
//! a word is a candidate only when whitespace or opening punctuation comes before it and
//! whitespace or closing punctuation after it (so `large-scale`, paths and identifiers
//! stay as they are).
//!
//! **Streaming.** [`StreamMarker`] marks text that arrives in pieces: it holds back a
//! trailing run of letters until the next piece shows where the word ends, so the
//! concatenation of its outputs equals [`mark`] of the concatenated input (tested).

pub mod stats;
pub mod table;

use std::collections::HashMap;

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Fewest bytes a watermark secret may have.
pub const MIN_SECRET_BYTES: usize = 16;

/// The operator's watermark secret.
#[derive(Clone)]
pub struct WatermarkKey {
    secret: Vec<u8>,
}

impl std::fmt::Debug for WatermarkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WatermarkKey(..)")
    }
}

/// Why a secret is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("watermark secret has {0} bytes; at least {MIN_SECRET_BYTES} are needed")]
pub struct WeakSecret(pub usize);

impl WatermarkKey {
    /// A key from secret bytes (a key file's content, surrounding whitespace trimmed).
    pub fn new(secret: &[u8]) -> Result<WatermarkKey, WeakSecret> {
        let trimmed = secret.trim_ascii();
        if trimmed.len() < MIN_SECRET_BYTES {
            return Err(WeakSecret(trimmed.len()));
        }
        Ok(WatermarkKey {
            secret: trimmed.to_vec(),
        })
    }

    /// The keyed chooser for one account.
    pub fn for_account(&self, account_id: &str) -> AccountMark {
        // HMAC accepts keys of any length; this cannot fail.
        let mut mac = match HmacSha256::new_from_slice(&self.secret) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        mac.update(b"distillguard-watermark\0");
        mac.update(&table::TABLE_VERSION.to_le_bytes());
        mac.update(account_id.as_bytes());
        mac.update(b"\0");
        AccountMark { mac }
    }
}

/// Picks the keyed variant for one account.
#[derive(Clone)]
pub struct AccountMark {
    mac: HmacSha256,
}

impl AccountMark {
    /// The variant index the key picks for `group` after `previous_word` (lower case).
    pub fn choice(&self, group: usize, previous_word: &str) -> usize {
        let mut mac = self.mac.clone();
        mac.update(&(group as u32).to_le_bytes());
        mac.update(previous_word.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        let size = table::GROUPS[group].len() as u64;
        (u64::from_le_bytes(first) % size) as usize
    }
}

/// One candidate word seen in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Occurrence {
    group: usize,
    variant: usize,
    previous_word: String,
}

/// The tokenizer both marking and verification walk with, so they see the same
/// candidates. Feed it characters; it calls back on each finished word.
#[derive(Debug, Default, Clone)]
struct Walker {
    in_fence: bool,
    in_inline_code: bool,
    backtick_run: usize,
    previous_char: Option<char>,
    previous_word: String,
    word: String,
    word_starts_clean: bool,
}

fn opens_word(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c.is_whitespace() || matches!(c, '(' | '[' | '"' | '\'' | '“' | '‘' | '*' | '_'),
    }
}

fn closes_word(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => {
            c.is_whitespace()
                || matches!(
                    c,
                    '.' | ','
                        | ';'
                        | ':'
                        | '!'
                        | '?'
                        | ')'
                        | ']'
                        | '"'
                        | '\''
                        | '”'
                        | '’'
                        | '*'
                        | '_'
                )
        }
    }
}

/// Case pattern of a word, to carry over to its replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Lower,
    Capitalized,
    Upper,
}

fn case_of(word: &str) -> Option<Case> {
    let mut chars = word.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    if first.is_lowercase() && rest.chars().all(char::is_lowercase) {
        Some(Case::Lower)
    } else if first.is_uppercase() && rest.chars().all(char::is_lowercase) {
        Some(Case::Capitalized)
    } else if first.is_uppercase() && !rest.is_empty() && rest.chars().all(char::is_uppercase) {
        Some(Case::Upper)
    } else {
        None
    }
}

fn apply_case(word_lower: &str, case: Case) -> String {
    match case {
        Case::Lower => word_lower.to_string(),
        Case::Upper => word_lower.to_uppercase(),
        Case::Capitalized => {
            let mut chars = word_lower.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        }
    }
}

impl Walker {
    fn settle_backticks(&mut self) {
        if self.backtick_run >= 3 {
            self.in_fence = !self.in_fence;
        } else if self.backtick_run > 0 && !self.in_fence {
            self.in_inline_code = !self.in_inline_code;
        }
        self.backtick_run = 0;
    }

    /// Feeds text; `on_word(walker_state, word, next_char)` returns the word to emit.
    fn feed(
        &mut self,
        text: &str,
        out: &mut String,
        on_word: &mut impl FnMut(Option<Occurrence>, &str) -> Option<String>,
    ) {
        for c in text.chars() {
            if c.is_alphabetic() {
                if self.word.is_empty() {
                    self.settle_backticks();
                    self.word_starts_clean = opens_word(self.previous_char);
                }
                self.word.push(c);
                continue;
            }
            if !self.word.is_empty() {
                self.end_word(Some(c), out, on_word);
            }
            if c == '`' {
                self.backtick_run += 1;
            } else {
                self.settle_backticks();
            }
            out.push(c);
            self.previous_char = Some(c);
        }
    }

    fn finish(
        &mut self,
        out: &mut String,
        on_word: &mut impl FnMut(Option<Occurrence>, &str) -> Option<String>,
    ) {
        if !self.word.is_empty() {
            self.end_word(None, out, on_word);
        }
        self.settle_backticks();
    }

    fn end_word(
        &mut self,
        next: Option<char>,
        out: &mut String,
        on_word: &mut impl FnMut(Option<Occurrence>, &str) -> Option<String>,
    ) {
        let word = std::mem::take(&mut self.word);
        let in_code = self.in_fence || self.in_inline_code;
        let candidate = if !in_code && self.word_starts_clean && closes_word(next) {
            case_of(&word).filter(|_| word.len() <= 16).and_then(|_| {
                table::lookup(&word.to_lowercase()).map(|(group, variant)| Occurrence {
                    group,
                    variant,
                    previous_word: self.previous_word.clone(),
                })
            })
        } else {
            None
        };
        let emitted = on_word(candidate, &word).unwrap_or(word);
        self.previous_word = emitted.to_lowercase();
        self.previous_char = emitted.chars().last();
        out.push_str(&emitted);
    }
}

/// Marks text that arrives in pieces (SSE deltas) for one account.
#[derive(Clone)]
pub struct StreamMarker {
    mark: AccountMark,
    walker: Walker,
}

impl StreamMarker {
    pub fn new(key: &WatermarkKey, account_id: &str) -> StreamMarker {
        StreamMarker {
            mark: key.for_account(account_id),
            walker: Walker::default(),
        }
    }

    fn replace(mark: &AccountMark) -> impl FnMut(Option<Occurrence>, &str) -> Option<String> + '_ {
        move |occurrence, word| {
            let occurrence = occurrence?;
            let chosen = mark.choice(occurrence.group, &occurrence.previous_word);
            if chosen == occurrence.variant {
                return None;
            }
            let case = case_of(word)?;
            Some(apply_case(table::GROUPS[occurrence.group][chosen], case))
        }
    }

    /// Marks the next piece; may hold back a trailing partial word.
    pub fn push(&mut self, piece: &str) -> String {
        let mut out = String::with_capacity(piece.len());
        self.walker
            .feed(piece, &mut out, &mut Self::replace(&self.mark));
        out
    }

    /// Ends the text: returns what was held back, marked.
    pub fn finish(&mut self) -> String {
        let mut out = String::new();
        self.walker.finish(&mut out, &mut Self::replace(&self.mark));
        out
    }

    /// True while a partial word is held back.
    pub fn is_holding(&self) -> bool {
        !self.walker.word.is_empty()
    }
}

/// Marks a whole text for an account.
pub fn mark(key: &WatermarkKey, account_id: &str, text: &str) -> String {
    let mut marker = StreamMarker::new(key, account_id);
    let mut out = marker.push(text);
    out.push_str(&marker.finish());
    out
}

/// Collects the candidate words of texts, for [`Evidence::evaluate`].
#[derive(Debug, Default, Clone)]
pub struct Evidence {
    /// (group, previous word) → how often each variant was used there.
    contexts: HashMap<(usize, String), [u32; 3]>,
    occurrences: u64,
    texts: u64,
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    pub texts: u64,
    /// Candidate words seen, repeats included.
    pub occurrences: u64,
    /// Distinct (group, previous word) contexts: the independent trials.
    pub opportunities: u64,
    /// Contexts where the text's variant is the keyed choice.
    pub hits: u64,
    /// Hits expected without the mark (sum of 1/k).
    pub expected: f64,
    /// One-sided p-value (conservative upper bound; see the module doc).
    pub p_value: f64,
}

impl Verification {
    /// The hit rate, or 0 with no opportunities.
    pub fn hit_rate(&self) -> f64 {
        if self.opportunities == 0 {
            0.0
        } else {
            self.hits as f64 / self.opportunities as f64
        }
    }
}

impl Evidence {
    /// Adds one text (each text's first word has no previous word).
    pub fn add_text(&mut self, text: &str) {
        let mut walker = Walker::default();
        let mut sink = String::new();
        let mut seen = Vec::new();
        let mut collect = |occurrence: Option<Occurrence>, _: &str| {
            if let Some(occurrence) = occurrence {
                seen.push(occurrence);
            }
            None
        };
        walker.feed(text, &mut sink, &mut collect);
        walker.finish(&mut sink, &mut collect);
        self.texts += 1;
        for occurrence in seen {
            self.occurrences += 1;
            let counts = self
                .contexts
                .entry((occurrence.group, occurrence.previous_word))
                .or_insert([0; 3]);
            counts[occurrence.variant] += 1;
        }
    }

    /// Tests the collected texts against one account's mark.
    pub fn evaluate(&self, key: &WatermarkKey, account_id: &str) -> Verification {
        let mark = key.for_account(account_id);
        let mut hits = 0u64;
        let mut expected = 0.0f64;
        for ((group, previous_word), counts) in &self.contexts {
            let size = table::GROUPS[*group].len();
            // Most used variant; ties go to the lowest index (independent of the key).
            let mut used = 0;
            for variant in 1..size {
                if counts[variant] > counts[used] {
                    used = variant;
                }
            }
            if mark.choice(*group, previous_word) == used {
                hits += 1;
            }
            expected += 1.0 / size as f64;
        }
        let opportunities = self.contexts.len() as u64;
        let rate = if opportunities == 0 {
            0.5
        } else {
            expected / opportunities as f64
        };
        Verification {
            texts: self.texts,
            occurrences: self.occurrences,
            opportunities,
            hits,
            expected,
            p_value: stats::binomial_upper_tail(opportunities, hits, rate),
        }
    }
}

/// Tests one text against one account's mark.
pub fn verify(key: &WatermarkKey, account_id: &str, text: &str) -> Verification {
    let mut evidence = Evidence::default();
    evidence.add_text(text);
    evidence.evaluate(key, account_id)
}

#[cfg(test)]
mod tests;
