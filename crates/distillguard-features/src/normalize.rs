//! Prompt normalisation: turns prompt text into a token sequence in which the parts that
//! vary between fills of one template (numbers, quoted spans, code bodies, URLs) are
//! masked, so that prompts built from the same template share their frame.
//!
//! Example: `Solve: "Tom has 3 apples" (show steps)` and
//! `Solve: "Ann buys 12 pears" (show steps)` both become `solve Q show steps`.

/// Token emitted (by [`visit_tokens_with_boundaries`]) at the end of a sentence or line.
pub const BOUNDARY: &str = "\u{1}";

/// Masks used in place of variable content.
pub const NUM: &str = "0";
pub const QUOTE: &str = "Q";
pub const CODE: &str = "C";
pub const URL: &str = "U";

/// Upper bound on the bytes of prompt text looked at; templates live in the frame, and
/// logs may carry very long prompts.
pub const MAX_SCAN_BYTES: usize = 8 * 1024;

/// Normalises `text` into lowercase tokens with variable content masked, collected.
///
/// Tokens are runs of letters (Latin or other alphabets, lowercased); digits become
/// [`NUM`]; text between double quotes or backticks becomes one [`QUOTE`]; fenced code
/// blocks become one [`CODE`]; URLs become [`URL`]. CJK characters are one token each.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    visit_tokens(text, |token| out.push(token.to_string()));
    out
}

/// Calls `visit` with each normalised token of `text` in order, without allocating
/// per token (the hot path: every prompt goes through here).
pub fn visit_tokens(text: &str, mut visit: impl FnMut(&str)) {
    visit_tokens_with_boundaries(text, |token| {
        if token != BOUNDARY {
            visit(token)
        }
    })
}

/// What an ASCII byte is to the tokenizer (non-ASCII bytes are [`Class::Wide`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Space and punctuation that only ends a word.
    Gap,
    Lower,
    Upper,
    Digit,
    /// Ends a word and a sentence: `.`, `?`, `!`, `;`, `:`, `[`, `]`, newline.
    Boundary,
    /// `"` and `` ` ``: may open a quoted span or a code fence.
    Quote,
    /// The first byte of a multi-byte character.
    Wide,
}

/// The class of every byte, looked up once per byte on the hot path.
const CLASSES: [Class; 256] = {
    let mut table = [Class::Gap; 256];
    let mut b = 0usize;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte >= 0x80 {
            Class::Wide
        } else if byte.is_ascii_lowercase() {
            Class::Lower
        } else if byte.is_ascii_uppercase() {
            Class::Upper
        } else if byte.is_ascii_digit() {
            Class::Digit
        } else if matches!(byte, b'.' | b'?' | b'!' | b';' | b':' | b'\n' | b'[' | b']') {
            Class::Boundary
        } else if matches!(byte, b'"' | b'`') {
            Class::Quote
        } else {
            Class::Gap
        };
        b += 1;
    }
    table
};

/// Longest quoted span (bytes between the marks) that is masked as one slot.
const MAX_QUOTE_BYTES: usize = 400;

/// Offset in `after` of the closing mark `close` if it starts within
/// [`MAX_QUOTE_BYTES`]; only that prefix is searched.
fn quote_end(after: &str, close: char) -> Option<usize> {
    let mut buf = [0u8; 4];
    let close = close.encode_utf8(&mut buf).as_bytes();
    let window = &after.as_bytes()[..after.len().min(MAX_QUOTE_BYTES + close.len())];
    // UTF-8 is self-synchronising: a byte match of a whole character is that character.
    let found = match close {
        [mark] => memchr::memchr(*mark, window),
        _ => memchr::memmem::find(window, close),
    };
    found.filter(|&end| end <= MAX_QUOTE_BYTES)
}

/// Like [`visit_tokens`], but also emits [`BOUNDARY`] at sentence and line ends
/// (`.`, `?`, `!`, `;`, `:`, brackets, newlines, and their CJK forms).
// The macros reset `last_was_num` after every emit; the last reset is never read.
#[allow(unused_assignments)]
pub fn visit_tokens_with_boundaries(text: &str, mut visit: impl FnMut(&str)) {
    let text = truncate_at_char_boundary(text, MAX_SCAN_BYTES);
    let mut word = String::with_capacity(32);
    let mut last_was_num = false;

    macro_rules! flush {
        () => {
            if !word.is_empty() {
                visit(&word);
                word.clear();
                last_was_num = false;
            }
        };
    }
    macro_rules! emit {
        ($tok:expr) => {{
            visit($tok);
            last_was_num = false;
        }};
    }

    // Byte cursor over `text`; ASCII (most prompt text) is classified by a table, other
    // characters are decoded. `pos` is always on a char boundary.
    let bytes = text.as_bytes();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let byte = bytes[pos];
        match CLASSES[usize::from(byte)] {
            Class::Gap => {
                flush!();
                pos += 1;
            }
            Class::Boundary => {
                flush!();
                emit!(BOUNDARY);
                pos += 1;
            }
            // Word after word: a letter run, and while a single space and a letter
            // follow (most word ends), straight on to the next run, without going back
            // through the byte classes (their dispatch mispredicted at every word end).
            Class::Lower | Class::Upper => loop {
                let rest = &bytes[pos..];
                if rest.first() == Some(&b'h')
                    && word.is_empty()
                    && (rest.starts_with(b"http://") || rest.starts_with(b"https://"))
                {
                    let rest = &text[pos..];
                    pos += rest.find(char::is_whitespace).unwrap_or(rest.len());
                    emit!(URL);
                    break;
                }
                // A run of ASCII letters at once (most of any prompt): none of the
                // checks above can fire inside it.
                let (run, upper) = letter_run(rest);
                // A whole lowercase word, ended by ASCII that is not a letter (or the
                // end): visited in place, without copying it into `word`.
                let whole_word = word.is_empty() && rest.get(run).is_none_or(u8::is_ascii);
                if whole_word && !upper {
                    emit!(&text[pos..pos + run]);
                } else {
                    let start = word.len();
                    word.push_str(&text[pos..pos + run]);
                    word[start..].make_ascii_lowercase();
                }
                pos += run;
                match bytes.get(pos..pos + 2) {
                    Some(&[b' ', next]) if next.is_ascii_alphabetic() => {
                        flush!();
                        pos += 1;
                    }
                    _ => break,
                }
            },
            Class::Digit => {
                flush!();
                pos += 1;
                // Collapse a number (with separators) into one mask.
                while pos < bytes.len() && matches!(bytes[pos], b'0'..=b'9' | b'.' | b',') {
                    pos += 1;
                }
                if !last_was_num {
                    visit(NUM);
                    last_was_num = true;
                }
            }
            Class::Quote => {
                if byte == b'`' && bytes[pos..].starts_with(b"```") {
                    flush!();
                    pos += 3;
                    pos = match text[pos..].find("```") {
                        Some(end) => pos + end + 3,
                        None => bytes.len(),
                    };
                    emit!(CODE);
                    continue;
                }
                // Only short-ish spans are slots; a quote mark left open is punctuation.
                if let Some(end) = quote_end(&text[pos + 1..], char::from(byte)) {
                    flush!();
                    emit!(QUOTE);
                    pos += 1 + end + 1;
                    continue;
                }
                flush!();
                pos += 1;
            }
            Class::Wide => {
                let Some(ch) = text[pos..].chars().next() else {
                    break;
                };
                if ch == '\u{201C}' {
                    if let Some(end) = quote_end(&text[pos + ch.len_utf8()..], '\u{201D}') {
                        flush!();
                        emit!(QUOTE);
                        pos += ch.len_utf8() + end + '\u{201D}'.len_utf8();
                        continue;
                    }
                }
                pos += ch.len_utf8();
                if is_cjk(ch) {
                    flush!();
                    let mut buf = [0u8; 4];
                    emit!(ch.encode_utf8(&mut buf));
                } else if ch.is_alphabetic() {
                    word.extend(ch.to_lowercase());
                } else {
                    flush!();
                    if matches!(ch, '\u{3002}' | '\u{FF1F}' | '\u{FF01}') {
                        emit!(BOUNDARY);
                    }
                }
            }
        }
    }
    flush!();
}

/// The length of the run of ASCII letters that starts `bytes` (whose first byte is one),
/// and whether any of them is upper case.
///
/// Eight bytes at a time (SWAR): with bit 5 set, a byte is a letter exactly when it
/// lies in `a..=z` and its top bit was clear; both range tests are one addition per
/// word, since no byte can carry into the next. The end of the run is then found with
/// one count of trailing zeros instead of a branch per byte, whose misprediction at
/// every word's end was the tokenizer's largest cost. The last bytes (fewer than
/// eight) go one at a time.
#[inline(always)]
fn letter_run(bytes: &[u8]) -> (usize, bool) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut run = 0usize;
    let mut upper = false;
    while let Some(chunk) = bytes.get(run..).and_then(|rest| rest.first_chunk::<8>()) {
        let x = u64::from_le_bytes(*chunk);
        let folded = (x | (ONES * 0x20)) & !HIGH;
        let from_a = folded + ONES * u64::from(0x80 - b'a');
        let past_z = folded + ONES * u64::from(0x80 - b'z' - 1);
        let letters = from_a & !past_z & !x & HIGH;
        // Bit 5 moved up to bit 7: clear for the upper-case letters.
        let uppers = letters & !(x << 2);
        let others = !letters & HIGH;
        if others == 0 {
            upper |= uppers != 0;
            run += 8;
            continue;
        }
        let within = (others.trailing_zeros() / 8) as usize;
        let in_run = (1u64 << (8 * within)) - 1;
        return (run + within, upper || (uppers & in_run) != 0);
    }
    while let Some(&b) = bytes.get(run) {
        match CLASSES[usize::from(b)] {
            Class::Lower => {}
            Class::Upper => upper = true,
            _ => break,
        }
        run += 1;
    }
    (run, upper)
}

/// True for characters of scripts written without spaces between words.
pub fn is_cjk(ch: char) -> bool {
    matches!(ch as u32,
        0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified
        | 0xAC00..=0xD7AF // Hangul
        | 0xF900..=0xFAFF)
}

/// The longest prefix of `text` of at most `max` bytes that ends on a char boundary.
pub fn truncate_at_char_boundary(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_of_one_template_normalise_alike() {
        let a = tokens(r#"Solve: "Tom has 3 apples" (show steps)"#);
        let b = tokens(r#"Solve: "Ann buys 12 pears" (show steps)"#);
        assert_eq!(a, b);
        assert_eq!(a, vec!["solve", "Q", "show", "steps"]);
    }

    #[test]
    fn masks_numbers_code_and_urls() {
        let t = tokens("Fix this ```fn main() {}``` see https://x.y/z in 2 or 3.5 hours");
        assert_eq!(
            t,
            vec!["fix", "this", "C", "see", "U", "in", "0", "or", "0", "hours"]
        );
    }

    #[test]
    fn different_questions_differ() {
        assert_ne!(
            tokens("What is the capital of France?"),
            tokens("How do I bake bread?")
        );
    }

    #[test]
    fn quoted_spans_up_to_the_limit_are_slots_and_longer_ones_are_text() {
        for (open, close) in [("\"", "\""), ("`", "`"), ("\u{201C}", "\u{201D}")] {
            for len in [MAX_QUOTE_BYTES - 1, MAX_QUOTE_BYTES, MAX_QUOTE_BYTES + 1] {
                let text = format!("say {open}{}{close} now", "a".repeat(len));
                let mut fast = Vec::new();
                visit_tokens_with_boundaries(&text, |t| fast.push(t.to_string()));
                let mut slow = Vec::new();
                reference_visit(&text, |t| slow.push(t.to_string()));
                assert_eq!(fast, slow, "{open} {len}");
                let masked = fast.iter().any(|t| t == QUOTE);
                assert_eq!(masked, len <= MAX_QUOTE_BYTES, "{open} {len}: {fast:?}");
            }
        }
    }

    #[test]
    fn cjk_is_tokenised_per_character() {
        assert_eq!(tokens("请逐步思考"), vec!["请", "逐", "步", "思", "考"]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,300}") {
            let _ = tokens(&s);
        }

        #[test]
        fn letter_run_matches_a_byte_loop(
            first in proptest::sample::select(b"aZmQz".to_vec()),
            rest in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(b"azAZ@[`{ 09\x7f".to_vec()),
                    proptest::num::u8::ANY,
                ],
                0..40,
            ),
        ) {
            let mut bytes = vec![first];
            bytes.extend(rest);
            let run = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
            let upper = bytes[..run].iter().any(u8::is_ascii_uppercase);
            proptest::prop_assert_eq!(letter_run(&bytes), (run, upper));
        }

        #[test]
        fn byte_cursor_matches_reference(s in "([a-zA-Z0-9 _İß.,;:!?\"`\n\\[\\]h/\u{201C}\u{201D}é请。]|https://|```){0,80}") {
            let mut fast = Vec::new();
            visit_tokens_with_boundaries(&s, |t| fast.push(t.to_string()));
            let mut slow = Vec::new();
            reference_visit(&s, |t| slow.push(t.to_string()));
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    /// The first, char-by-char version of the tokenizer: the byte-cursor rewrite must
    /// give exactly the same tokens.
    #[allow(unused_assignments)]
    fn reference_visit(text: &str, mut visit: impl FnMut(&str)) {
        let text = truncate_at_char_boundary(text, MAX_SCAN_BYTES);
        let mut rest = text;
        let mut word = String::with_capacity(32);
        let mut last_was_num = false;

        macro_rules! flush {
            () => {
                if !word.is_empty() {
                    visit(&word);
                    word.clear();
                    last_was_num = false;
                }
            };
        }
        macro_rules! emit {
            ($tok:expr) => {{
                visit($tok);
                last_was_num = false;
            }};
        }

        while let Some(ch) = rest.chars().next() {
            if ch == '`' && rest.starts_with("```") {
                flush!();
                let after = &rest[3..];
                rest = match after.find("```") {
                    Some(end) => &after[end + 3..],
                    None => "",
                };
                emit!(CODE);
                continue;
            }
            if ch == 'h'
                && (rest.starts_with("http://") || rest.starts_with("https://"))
                && word.is_empty()
            {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                rest = &rest[end..];
                emit!(URL);
                continue;
            }
            if ch == '"' || ch == '`' || ch == '\u{201C}' {
                let close = if ch == '\u{201C}' { '\u{201D}' } else { ch };
                let after = &rest[ch.len_utf8()..];
                // Only short-ish spans are slots; a quote mark left open is punctuation.
                if let Some(end) = after.find(close).filter(|&end| end <= 400) {
                    flush!();
                    emit!(QUOTE);
                    rest = &after[end + close.len_utf8()..];
                    continue;
                }
            }
            rest = &rest[ch.len_utf8()..];
            if ch.is_ascii_digit() {
                flush!();
                // Collapse a number (with separators) into one mask.
                let end = rest
                    .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
                    .unwrap_or(rest.len());
                rest = &rest[end..];
                if !last_was_num {
                    visit(NUM);
                    last_was_num = true;
                }
            } else if is_cjk(ch) {
                flush!();
                let mut buf = [0u8; 4];
                emit!(ch.encode_utf8(&mut buf));
            } else if ch.is_alphabetic() {
                if ch.is_ascii() {
                    word.push(ch.to_ascii_lowercase());
                } else {
                    word.extend(ch.to_lowercase());
                }
            } else {
                flush!();
                if matches!(
                    ch,
                    '.' | '?'
                        | '!'
                        | ';'
                        | ':'
                        | '\n'
                        | '['
                        | ']'
                        | '\u{3002}'
                        | '\u{FF1F}'
                        | '\u{FF01}'
                ) {
                    emit!(BOUNDARY);
                }
            }
        }
        flush!();
    }
}
