//! `Engine::finish` on a population of realistic size: detectors fitted on the
//! population, per-account findings, threshold calibration (permutation null), the
//! account graph, cluster scores, campaigns and report assembly. Everything `analyze`
//! does after the last exchange is read.
//!
//! The engine is fed simulated traffic (scenario `default`, seed 1) through
//! `observe_batch`, as `analyze` feeds it. Scale 20 by default (about 47,000 accounts
//! and 7 million exchanges; the public scale is 100): set `DG_BENCH_SCALE` for another
//! size. Feeding takes a minute or so before measuring starts; each iteration finishes
//! a clone of the fed engine.
//!
//! Run: `cargo bench -p distillguard-scoring --bench engine`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use distillguard_model::Exchange;
use distillguard_scoring::{Config, Engine, ReaderCounts, SideInputs};
use distillguard_sim::plan::Plan;
use distillguard_sim::traffic::account_traffic;
use rayon::prelude::*;

/// An engine fed scenario `default` at `scale`, in chunks of accounts so memory holds
/// one chunk of exchanges at a time. Returns the engine and its account count.
fn fed_engine(scale: f64) -> (Engine, u64) {
    let scenario = distillguard_sim::load("default")
        .expect("built-in scenario")
        .scaled(scale);
    let seed = 1;
    let plan = Plan::build(&scenario, seed);
    let accounts = plan.len() as u64;
    let mut engine = Engine::new(Config::default());
    let chunk = 2048u64;
    for start in (0..accounts).step_by(chunk as usize) {
        let end = (start + chunk).min(accounts);
        let exchanges: Vec<Exchange> = (start..end)
            .into_par_iter()
            .flat_map_iter(|index| account_traffic(&scenario, &plan, seed, index).1)
            .collect();
        engine.observe_batch(&exchanges);
    }
    eprintln!(
        "engine bench: scale {scale}: {accounts} accounts, {} exchanges",
        engine.exchanges()
    );
    (engine, accounts)
}

fn bench_finish(c: &mut Criterion) {
    let scale = std::env::var("DG_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(20.0);
    let (engine, accounts) = fed_engine(scale);

    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.throughput(Throughput::Elements(accounts));
    group.bench_function("finish", |b| {
        b.iter_batched(
            || engine.clone(),
            |engine| black_box(engine.finish(SideInputs::default(), ReaderCounts::default())),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench_finish);
criterion_main!(benches);
