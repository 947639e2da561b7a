//! Per-exchange signal extraction on realistic prompts: normalisation, template
//! sketching, the phrase lists (chain-of-thought and capability lexicon, in one pass
//! and, for comparison, as the two separate scans they used to be), the search for the
//! phrases' occurrences alone (by the `aho-corasick` crate and by `phrase_dfa`), the
//! system prompt's fingerprint (sketched per exchange or remembered per thread), and
//! `signals::extract` as a whole (what `Engine::observe_batch` runs on every exchange).
//!
//! Prompts come from the simulator (scenario `default`, seed 1, scale 0.05: about 20k
//! exchanges of benign and attack traffic from the vendored corpora), so lengths and
//! vocabulary are those `analyze` sees in the scale bench.
//!
//! Run: `cargo bench -p distillguard-features --bench signals`. Criterion reports
//! exchanges/s (`Throughput::Elements`) and MB/s of prompt text (`Throughput::Bytes`).

use std::hint::black_box;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use distillguard_features::normalize;
use distillguard_features::phrase_dfa::PhraseDfa;
use distillguard_features::signals::{self, capability, cot, lexicon, template};
use distillguard_model::Exchange;
use distillguard_sim::plan::Plan;
use distillguard_sim::traffic::account_traffic;

/// Simulated exchanges of scenario `default` at `scale`.
fn simulated(scale: f64) -> Vec<Exchange> {
    let scenario = distillguard_sim::load("default")
        .expect("built-in scenario")
        .scaled(scale);
    let seed = 1;
    let plan = Plan::build(&scenario, seed);
    (0..plan.len() as u64)
        .flat_map(|index| account_traffic(&scenario, &plan, seed, index).1)
        .collect()
}

/// The chain-of-thought phrases and the capability lexicon as separate automata, built
/// as they were before the single pass.
fn separate_automata() -> (AhoCorasick, AhoCorasick) {
    let build = |kind: MatchKind, phrases: &[&str]| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(kind)
            .kind(Some(AhoCorasickKind::DFA))
            .build(phrases)
            .expect("phrases build")
    };
    (
        build(MatchKind::LeftmostFirst, cot::PHRASES),
        build(
            MatchKind::LeftmostLongest,
            &capability::phrases().collect::<Vec<_>>(),
        ),
    )
}

fn bench_signals(c: &mut Criterion) {
    let exchanges = simulated(0.05);
    let prompts: Vec<&str> = exchanges
        .iter()
        .map(|e| e.prompt.as_deref().unwrap_or(""))
        .collect();
    let bytes: u64 = prompts.iter().map(|p| p.len() as u64).sum();
    let mut lengths: Vec<usize> = prompts.iter().map(|p| p.len()).collect();
    lengths.sort_unstable();
    eprintln!(
        "signals bench: {} exchanges, median prompt {} bytes, mean {} bytes",
        exchanges.len(),
        lengths.get(lengths.len() / 2).copied().unwrap_or(0),
        bytes / (prompts.len().max(1) as u64)
    );

    let mut group = c.benchmark_group("signals");
    group.sample_size(20);

    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("normalize_tokens", |b| {
        b.iter(|| {
            let mut count = 0usize;
            for prompt in &prompts {
                normalize::visit_tokens(prompt, |_| count += 1);
            }
            black_box(count)
        })
    });
    group.bench_function("template_sketch", |b| {
        b.iter(|| {
            for prompt in &prompts {
                black_box(template::sketch(prompt));
            }
        })
    });
    // The two phrase lists as two separate scans (how they were searched before
    // `signals::lexicon`), next to the one pass that replaced them.
    let (cot_alone, lexicon_alone) = separate_automata();
    group.bench_function("lexicons_two_passes", |b| {
        b.iter(|| {
            let mut found = 0usize;
            for prompt in &prompts {
                let text = normalize::truncate_at_char_boundary(prompt, normalize::MAX_SCAN_BYTES);
                found += usize::from(cot_alone.is_match(text));
                found += lexicon_alone.find_iter(text).count();
            }
            black_box(found)
        })
    });
    // The one pass's search alone: every occurrence of both lists, by the
    // `aho-corasick` crate's DFA and by the flat table `lexicon` uses.
    let all_phrases: Vec<&str> = capability::phrases()
        .chain(cot::PHRASES.iter().copied())
        .collect();
    let crate_dfa = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&all_phrases)
        .expect("phrases build");
    let flat = PhraseDfa::build(all_phrases.iter().copied()).expect("phrases build");
    group.bench_function("occurrences_aho_corasick_dfa", |b| {
        b.iter(|| {
            let mut found = 0usize;
            for prompt in &prompts {
                let text = normalize::truncate_at_char_boundary(prompt, normalize::MAX_SCAN_BYTES);
                found += crate_dfa.find_overlapping_iter(text).count();
            }
            black_box(found)
        })
    });
    group.bench_function("occurrences_phrase_dfa", |b| {
        b.iter(|| {
            let mut found = 0usize;
            for prompt in &prompts {
                let text = normalize::truncate_at_char_boundary(prompt, normalize::MAX_SCAN_BYTES);
                flat.for_each_occurrence(text.as_bytes(), |_| found += 1);
            }
            black_box(found)
        })
    });
    group.bench_function("lexicons_one_pass", |b| {
        b.iter(|| {
            for prompt in &prompts {
                black_box(lexicon::scan(prompt));
            }
        })
    });

    // System prompts as agent frameworks send them: a few kilobytes, the same few on
    // every request. Eight of ~6 KB, built from the simulated prompts; each exchange
    // carries one. Sketching each one again vs `system_fingerprint`'s per-thread table.
    let systems: Vec<String> = (0..8)
        .map(|k| {
            let mut text = format!("You are agent {k}. ");
            for prompt in prompts.iter().skip(k * 40) {
                if text.len() > 6_000 {
                    break;
                }
                text.push_str(prompt);
                text.push('\n');
            }
            text
        })
        .collect();
    let system_of = |i: usize| systems[i % systems.len()].as_str();
    group.throughput(Throughput::Elements(exchanges.len() as u64));
    group.bench_function("system_fp_sketched_each_time", |b| {
        b.iter(|| {
            for i in 0..exchanges.len() {
                black_box(template::sketch(system_of(i)).whole);
            }
        })
    });
    group.bench_function("system_fp_remembered", |b| {
        b.iter(|| {
            for i in 0..exchanges.len() {
                black_box(template::system_fingerprint(system_of(i)));
            }
        })
    });
    group.bench_function("extract_all", |b| {
        b.iter(|| {
            for exchange in &exchanges {
                black_box(signals::extract(exchange));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_signals);
criterion_main!(benches);
