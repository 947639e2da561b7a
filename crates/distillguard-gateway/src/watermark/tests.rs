use super::*;

fn key() -> WatermarkKey {
    WatermarkKey::new(b"test-secret-0123456789abcdef").expect("long enough")
}

/// Deterministic prose with table words in varied contexts (xorshift, no deps).
fn prose(words: usize, seed: u64) -> String {
    let subjects = [
        "The team",
        "This approach",
        "A model",
        "Our system",
        "The result",
        "Each user",
    ];
    let fillers = [
        "the", "a", "it", "we", "this", "that", "and", "then", "so", "now", "data", "code", "plan",
        "work", "value", "test", "report", "network", "query", "answer",
    ];
    let candidates: Vec<&str> = table::GROUPS.iter().map(|g| g[0]).collect();
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = String::new();
    let mut count = 0;
    while count < words {
        out.push_str(subjects[(next() % subjects.len() as u64) as usize]);
        for _ in 0..(6 + next() % 8) {
            out.push(' ');
            let pick = next();
            let word = if pick % 4 == 0 {
                candidates[(pick / 4 % candidates.len() as u64) as usize]
            } else {
                fillers[(pick / 4 % fillers.len() as u64) as usize]
            };
            out.push_str(word);
            count += 1;
        }
        out.push_str(if next() % 3 == 0 { ", " } else { ". " });
        count += 1;
    }
    out
}

#[test]
fn marked_text_verifies_strongly() {
    let text = prose(3000, 1);
    let marked = mark(&key(), "acct-a", &text);
    let result = verify(&key(), "acct-a", &marked);
    assert!(result.opportunities > 100, "{result:?}");
    assert_eq!(result.hits, result.opportunities, "{result:?}");
    assert!(result.p_value < 1e-6, "{result:?}");
}

#[test]
fn unmarked_and_other_accounts_text_do_not_verify() {
    for seed in 1..6 {
        let text = prose(3000, seed);
        let plain = verify(&key(), "acct-a", &text);
        assert!(plain.p_value > 0.01, "plain seed {seed}: {plain:?}");
        let other = mark(&key(), "acct-b", &text);
        let cross = verify(&key(), "acct-a", &other);
        assert!(cross.p_value > 0.01, "other account seed {seed}: {cross:?}");
    }
}

#[test]
fn another_secret_does_not_verify() {
    let marked = mark(&key(), "acct-a", &prose(3000, 2));
    let other_key = WatermarkKey::new(b"another-secret-0123456789").expect("long enough");
    assert!(verify(&other_key, "acct-a", &marked).p_value > 0.01);
}

#[test]
fn keeps_case_punctuation_and_code() {
    let key = key();
    // Find an account whose choice after "a" for big/large is "large".
    let account = (0..100)
        .map(|i| format!("acct-{i}"))
        .find(|a| key.for_account(a).choice(0, "a") == 1)
        .expect("some account picks large");
    let text = "A big deal, a BIG one. Big! a big-scale `a big` run:\n```\na big\n```\n(a big)";
    let out = mark(&key, &account, text);
    assert!(out.starts_with("A large deal, a LARGE one."), "{out}");
    assert!(out.contains("a big-scale"), "{out}");
    assert!(out.contains("`a big`"), "{out}");
    assert!(out.contains("```\na big\n```"), "{out}");
    assert!(out.ends_with("(a large)"), "{out}");
    // Only word characters changed: the non-letters are the same sequence.
    let strip = |s: &str| s.chars().filter(|c| !c.is_alphabetic()).collect::<String>();
    assert_eq!(strip(&out), strip(text));
}

#[test]
fn marking_is_idempotent() {
    let once = mark(&key(), "acct-a", &prose(500, 3));
    assert_eq!(mark(&key(), "acct-a", &once), once);
}

#[test]
fn corpus_of_paraphrased_outputs_inherits_the_mark() {
    // A "student" that keeps the marked choice 80% of the time, over many short texts.
    let key = key();
    let mut evidence = Evidence::default();
    for seed in 0..200 {
        let marked = mark(&key, "acct-a", &prose(60, seed + 100));
        let text = if seed % 5 == 0 {
            prose(60, seed + 100)
        } else {
            marked
        };
        evidence.add_text(&text);
    }
    let result = evidence.evaluate(&key, "acct-a");
    assert!(result.p_value < 1e-6, "{result:?}");
    assert!(evidence.evaluate(&key, "acct-b").p_value > 0.01);
}

#[test]
fn weak_secret_is_refused() {
    assert_eq!(WatermarkKey::new(b"  short \n").err(), Some(WeakSecret(5)));
}

proptest::proptest! {
    #[test]
    fn streaming_equals_whole_text(seed in 0u64..1000, cuts in proptest::collection::vec(0usize..400, 0..12)) {
        let text = format!("{} `code big` ```\nbig\n``` Große big Ünïcode large.", prose(60, seed));
        let whole = mark(&key(), "acct-s", &text);
        let mut bounds: Vec<usize> = cuts.into_iter().filter(|c| *c < text.len() && text.is_char_boundary(*c)).collect();
        bounds.sort_unstable();
        let mut marker = StreamMarker::new(&key(), "acct-s");
        let mut streamed = String::new();
        let mut start = 0;
        for end in bounds {
            streamed.push_str(&marker.push(&text[start..end]));
            start = end;
        }
        streamed.push_str(&marker.push(&text[start..]));
        streamed.push_str(&marker.finish());
        proptest::prop_assert_eq!(streamed, whole);
    }
}
