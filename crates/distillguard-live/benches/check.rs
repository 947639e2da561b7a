//! The `/v1/check` hot path: one decision lookup among many accounts, in process.
//! Target: well under 1 ms at p99 (the HTTP route adds parsing and serialising).

use criterion::{criterion_group, criterion_main, Criterion};
use distillguard_live::decisions::DecisionTable;
use distillguard_model::check::{Action, CheckResponse};
use std::collections::HashMap;
use std::hint::black_box;

fn table(accounts: usize) -> DecisionTable {
    let mut map = HashMap::with_capacity(accounts);
    for i in 0..accounts {
        let id = format!("acct-{i:08}");
        let mut response = CheckResponse::allow(&id);
        if i % 50 == 0 {
            response.action = Action::Block;
            response.reasons = vec![
                "harvest_distinct: 4,210 distinct target outputs, 38x the median".into(),
                "cot_share: asks for reasoning in 92% of target requests".into(),
            ];
        }
        map.insert(id, response);
    }
    let table = DecisionTable::default();
    table.publish(map);
    table
}

fn bench_check(c: &mut Criterion) {
    let table = table(200_000);
    let ids: Vec<String> = (0..1024).map(|i| format!("acct-{:08}", i * 97)).collect();
    let mut i = 0usize;
    c.bench_function("check_200k_accounts", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            black_box(table.check(black_box(&ids[i])))
        })
    });
}

criterion_group!(benches, bench_check);
criterion_main!(benches);
