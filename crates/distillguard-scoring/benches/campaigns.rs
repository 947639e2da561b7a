//! `campaigns::group` at the public scale: 1,450 attack clusters from three campaigns
//! (772, 529 and 150 clusters, as `analyze` finds at `--scale 100`), each cluster holding
//! 40 templates of its campaign's 60, the first two campaigns sharing 20 templates and
//! similar target mixes, so that some pairs across them pass the playbook test by chance
//! (the case that chained campaigns under single linkage).
//!
//! Run: `cargo bench -p distillguard-scoring --bench campaigns`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use distillguard_model::Capability;
use distillguard_scoring::campaigns::{self, ClusterIndicators};

/// A small deterministic generator (xorshift), so the input is the same every run.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn clusters() -> Vec<ClusterIndicators> {
    let mut rng = Xorshift(0x9e37_79b9_7f4a_7c15);
    // Campaign template pools: 0..60, 40..100 (20 shared with the first), 200..260.
    // Per campaign: clusters, first template of its pool, target mix.
    type Campaign = (u32, u64, [(Capability, f64); 2]);
    let campaigns: [Campaign; 3] = [
        (
            772,
            0,
            [(Capability::Coding, 45.0), (Capability::ToolUse, 55.0)],
        ),
        (
            529,
            40,
            [(Capability::Coding, 35.0), (Capability::ToolUse, 45.0)],
        ),
        (
            150,
            200,
            [
                (Capability::Reasoning, 65.0),
                (Capability::SensitiveRewrite, 35.0),
            ],
        ),
    ];
    let mut out = Vec::new();
    for (count, base, mix) in campaigns {
        for _ in 0..count {
            let mut c = ClusterIndicators::default();
            while c.templates.len() < 40 {
                c.templates.insert(base + rng.next() % 60);
            }
            for (capability, share) in mix {
                let noise = (rng.next() % 20) as f64;
                c.targets[capability.index()] = share * 10.0 + noise;
            }
            out.push(c);
        }
    }
    out
}

fn bench_group(c: &mut Criterion) {
    let input = clusters();
    let campaigns = campaigns::group(&input);
    eprintln!(
        "campaigns bench: {} clusters -> {} campaigns",
        input.len(),
        campaigns.len()
    );
    let mut group = c.benchmark_group("campaigns");
    group.sample_size(10);
    group.throughput(Throughput::Elements(input.len() as u64));
    group.bench_function("group", |b| b.iter(|| campaigns::group(black_box(&input))));
    group.finish();
}

criterion_group!(benches, bench_group);
criterion_main!(benches);
