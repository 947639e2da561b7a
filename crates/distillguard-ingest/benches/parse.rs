//! Ingest throughput: the canonical line parser, a mapped parser, and the whole
//! streaming reader over a file (plain and zstd), with realistic records (~600-byte
//! prompts, ~1 KB lines).
//!
//! Run: `cargo bench -p distillguard-ingest --bench parse`. Criterion reports MB/s
//! (`Throughput::Bytes`) and records/s (`Throughput::Elements`).

use std::hint::black_box;
use std::io::Write;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use distillguard_ingest::{parse_line, read_exchanges, IngestEvent, Mapping, ReadOptions};

const WORDS: &[&str] = &[
    "explain",
    "the",
    "proof",
    "of",
    "step",
    "by",
    "theorem",
    "function",
    "return",
    "value",
    "please",
    "write",
    "python",
    "code",
    "that",
    "sorts",
    "list",
    "reasoning",
    "carefully",
    "answer",
    "translate",
    "into",
    "french",
    "summarise",
    "paragraph",
    "below",
    "data",
];

/// A deterministic pseudo-random prompt of about `len` bytes.
fn prompt(seed: u64, len: usize) -> String {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = String::with_capacity(len + 16);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.push_str(WORDS[(state % WORDS.len() as u64) as usize]);
        out.push(' ');
    }
    out
}

fn canonical_line(i: u64) -> String {
    format!(
        concat!(
            "{{\"ts\":\"2026-02-01T{:02}:{:02}:{:02}.{:03}Z\",\"account_id\":\"acct-{}\",",
            "\"request_id\":\"req-{:016x}\",\"org_id\":\"org-{}\",\"api_key_id\":\"key-{}\",",
            "\"ip\":\"203.0.{}.{}\",\"asn\":64500,\"country\":\"DE\",",
            "\"user_agent\":\"anthropic-python/0.40.0\",\"model\":\"m-large\",\"endpoint\":\"messages\",",
            "\"prompt\":\"{}\",\"turns\":3,\"input_tokens\":{},\"output_tokens\":{},",
            "\"max_tokens\":4096,\"thinking\":false,\"stream\":true,\"status\":200,\"latency_ms\":{}}}"
        ),
        (i / 3600) % 24,
        (i / 60) % 60,
        i % 60,
        i % 1000,
        i % 5000,
        i.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        i % 300,
        i % 9000,
        (i / 256) % 256,
        i % 256,
        prompt(i, 600),
        100 + i % 900,
        200 + i % 3000,
        300 + i % 5000,
    )
}

fn litellm_line(i: u64) -> String {
    format!(
        concat!(
            "{{\"request_id\":\"chatcmpl-{:x}\",\"call_type\":\"acompletion\",\"api_key\":\"k{}\",",
            "\"spend\":0.0004,\"total_tokens\":57,\"prompt_tokens\":21,\"completion_tokens\":36,",
            "\"startTime\":\"2026-02-01T10:00:00.120000Z\",\"endTime\":\"2026-02-01T10:00:01.870000Z\",",
            "\"model\":\"claude\",\"model_group\":\"claude\",\"user\":\"u{}\",",
            "\"metadata\":{{\"user_api_key_user_id\":\"u{}\",\"user_api_key_org_id\":\"o1\"}},",
            "\"requester_ip_address\":\"198.51.100.23\",",
            "\"messages\":[{{\"role\":\"system\",\"content\":\"be careful\"}},{{\"role\":\"user\",\"content\":\"{}\"}}],",
            "\"status\":\"success\"}}"
        ),
        i,
        i % 100,
        i % 5000,
        i % 5000,
        prompt(i, 600)
    )
}

fn bench_parse_line(c: &mut Criterion) {
    let lines: Vec<String> = (0..2000).map(canonical_line).collect();
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let mut group = c.benchmark_group("parse_line/canonical");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("bytes", |b| {
        b.iter(|| {
            for line in &lines {
                black_box(parse_line(black_box(line.as_bytes()), None));
            }
        })
    });
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.bench_function("records", |b| {
        b.iter(|| {
            for line in &lines {
                black_box(parse_line(black_box(line.as_bytes()), None));
            }
        })
    });
    group.finish();

    let mapping = Mapping::builtin("litellm").expect("built-in mapping");
    let lines: Vec<String> = (0..2000).map(litellm_line).collect();
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let mut group = c.benchmark_group("parse_line/litellm");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("bytes", |b| {
        b.iter(|| {
            for line in &lines {
                black_box(parse_line(black_box(line.as_bytes()), Some(&mapping)));
            }
        })
    });
    group.finish();
}

fn bench_read_file(c: &mut Criterion) {
    const RECORDS: u64 = 100_000;
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = dir.path().join("bench.jsonl");
    let zst = dir.path().join("bench.jsonl.zst");
    {
        let mut text = Vec::new();
        for i in 0..RECORDS {
            text.extend_from_slice(canonical_line(i).as_bytes());
            text.push(b'\n');
        }
        std::fs::write(&plain, &text).expect("write");
        let mut enc =
            zstd::Encoder::new(std::fs::File::create(&zst).expect("create"), 3).expect("zstd");
        enc.write_all(&text).expect("zstd");
        enc.finish().expect("zstd");
    }
    let size = std::fs::metadata(&plain).expect("meta").len();
    let opts = ReadOptions::default();
    let mut group = c.benchmark_group("read_exchanges");
    group.sample_size(10);
    for (name, path) in [("plain", &plain), ("zstd", &zst)] {
        for (unit, throughput) in [
            ("bytes", Throughput::Bytes(size)),
            ("records", Throughput::Elements(RECORDS)),
        ] {
            group.throughput(throughput);
            group.bench_function(format!("{name}/{unit}"), |b| {
                b.iter(|| {
                    let mut n = 0usize;
                    let stats = read_exchanges(std::slice::from_ref(path), &opts, &mut |ev| {
                        if let IngestEvent::Batch(batch) = ev {
                            n += batch.len();
                        }
                        Ok(())
                    })
                    .expect("readable");
                    assert_eq!(stats.exchanges, RECORDS);
                    black_box(n)
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_parse_line, bench_read_file);
criterion_main!(benches);
