//! The account graph on a population of realistic size: key extraction and candidate
//! pairs, pair verification (`build`), connected components and community refinement
//! (`connected_clusters` + `refine`), and attaching unlinked accounts to clusters'
//! pools (`attach`, measured without the `build` it needs before each run), as
//! `Engine::finish` runs them.
//!
//! The population is the fingerprints of simulated traffic (scenario `default`, seed 1)
//! folded by a `Collector`, as `analyze` builds it. Scale 20 by default (about 47,000
//! accounts and 7 million exchanges; the public scale is 100): set `DG_BENCH_SCALE` for
//! another size. Building the population takes a minute or so before measuring starts.
//!
//! Run: `cargo bench -p distillguard-graph --bench graph`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use distillguard_features::fingerprint::{AccountFingerprint, Collector};
use distillguard_features::signals;
use distillguard_graph::GraphConfig;
use distillguard_model::Exchange;
use distillguard_sim::plan::Plan;
use distillguard_sim::traffic::account_traffic;
use rayon::prelude::*;

/// Fingerprints of scenario `default` at `scale`, generated and folded in chunks of
/// accounts so memory holds one chunk of exchanges at a time.
fn population(scale: f64) -> Vec<AccountFingerprint> {
    let scenario = distillguard_sim::load("default")
        .expect("built-in scenario")
        .scaled(scale);
    let seed = 1;
    let plan = Plan::build(&scenario, seed);
    let accounts = plan.len() as u64;
    let mut collector = Collector::new();
    let mut exchanges_total = 0u64;
    let chunk = 2048u64;
    for start in (0..accounts).step_by(chunk as usize) {
        let end = (start + chunk).min(accounts);
        let exchanges: Vec<Exchange> = (start..end)
            .into_par_iter()
            .flat_map_iter(|index| account_traffic(&scenario, &plan, seed, index).1)
            .collect();
        let sigs: Vec<_> = exchanges.par_iter().map(signals::extract).collect();
        for (exchange, sig) in exchanges.iter().zip(&sigs) {
            collector.observe(exchange, sig);
        }
        exchanges_total += exchanges.len() as u64;
    }
    let population = collector.finish(&[]);
    eprintln!(
        "graph bench: scale {scale}: {} accounts, {exchanges_total} exchanges",
        population.accounts.len()
    );
    population.accounts
}

fn bench_graph(c: &mut Criterion) {
    let scale = std::env::var("DG_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(20.0);
    let accounts = population(scale);
    let config = GraphConfig::default();
    let graph = distillguard_graph::build(&accounts, &config);
    eprintln!(
        "graph bench: {} candidate pairs, {} edges",
        graph.candidate_pairs,
        graph.edges.len()
    );

    let mut group = c.benchmark_group("graph");
    group.sample_size(10);
    group.throughput(Throughput::Elements(accounts.len() as u64));
    group.bench_function("build", |b| {
        b.iter(|| black_box(distillguard_graph::build(&accounts, &config)))
    });
    group.bench_function("connected_clusters_and_refine", |b| {
        b.iter(|| {
            let components =
                distillguard_graph::connected_clusters(accounts.len(), &graph.edges, 2);
            black_box(distillguard_graph::refine(components, &graph.edges, &|e| {
                e.evidence.weight()
            }))
        })
    });
    let clusters = |graph: &distillguard_graph::AccountGraph| {
        let components = distillguard_graph::connected_clusters(accounts.len(), &graph.edges, 2);
        distillguard_graph::refine(components, &graph.edges, &|e| e.evidence.weight())
    };
    group.bench_function("attach", |b| {
        b.iter_batched(
            || {
                let graph = distillguard_graph::build(&accounts, &config);
                let found = clusters(&graph);
                (graph, found)
            },
            |(mut graph, found)| {
                black_box(distillguard_graph::attach(
                    &mut graph,
                    &found,
                    config.edge_threshold,
                ))
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench_graph);
criterion_main!(benches);
