//! Readers over the fixtures in `fixtures/ingest/` and over files generated in a tempdir
//! (compressed, truncated, Parquet, over-long lines).

use std::io::Write;
use std::path::{Path, PathBuf};

use distillguard_ingest::{
    discover, read_accounts, read_exchanges, read_labels, read_releases, Exchange, IngestError,
    IngestEvent, IngestStats, Mapping, ReadOptions, Reject, RejectReason,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/ingest")
        .join(name)
}

/// Everything one read produced.
#[derive(Debug, Default, PartialEq)]
struct Outcome {
    exchanges: Vec<Exchange>,
    rejects: Vec<Reject>,
    stats: IngestStats,
    batch_sizes: Vec<usize>,
    last_progress: Option<(u64, u64)>,
}

fn read(files: &[PathBuf], opts: &ReadOptions) -> Result<Outcome, IngestError> {
    let mut out = Outcome::default();
    let stats = read_exchanges(files, opts, &mut |event| {
        match event {
            IngestEvent::Batch(batch) => {
                out.batch_sizes.push(batch.len());
                out.exchanges.extend(batch);
            }
            IngestEvent::Reject(r) => out.rejects.push(r),
            IngestEvent::Progress {
                bytes_done,
                bytes_total,
            } => {
                if let Some((done, _)) = out.last_progress {
                    assert!(bytes_done >= done, "progress never goes back");
                }
                out.last_progress = Some((bytes_done, bytes_total));
            }
        }
        Ok(())
    })?;
    out.stats = stats;
    Ok(out)
}

fn read_with(files: &[PathBuf], mapping: Option<&str>) -> Outcome {
    let opts = ReadOptions {
        mapping: mapping.map(|m| Mapping::load(m).expect("mapping loads")),
        ..ReadOptions::default()
    };
    read(files, &opts).expect("readable")
}

fn reasons(outcome: &Outcome) -> Vec<(u64, String)> {
    outcome
        .rejects
        .iter()
        .map(|r| (r.line, r.reason.to_string()))
        .collect()
}

#[test]
fn folder_discovery_skips_side_inputs_and_other_extensions() {
    let files = discover(&[fixture("folder")]).expect("folder exists");
    let names: Vec<String> = files
        .iter()
        .map(|p| {
            p.strip_prefix(fixture("folder"))
                .expect("inside")
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(names, vec!["day1.jsonl", "sub/day2.jsonl"]);
    // A file named directly is read whatever its name.
    let direct = discover(&[fixture("folder/accounts.jsonl")]).expect("exists");
    assert_eq!(direct, vec![fixture("folder/accounts.jsonl")]);
}

#[test]
fn folder_read_counts_and_dedups() {
    let files = discover(&[fixture("folder")]).expect("folder exists");
    let out = read_with(&files, None);
    let ids: Vec<_> = out
        .exchanges
        .iter()
        .map(|e| (e.account_id.as_str(), e.request_id.as_deref()))
        .collect();
    assert_eq!(
        ids,
        vec![
            ("acct-1", Some("r-1")),
            ("acct-2", Some("r-2")),
            ("acct-3", Some("r-3")),
            ("acct-3", None),
        ]
    );
    // The first copy of r-1 counts (the one at 00:00, not the later 00:02 copy).
    assert_eq!(out.exchanges[0].ts, 1_769_904_000_000);
    assert_eq!(out.stats.files, 2);
    assert_eq!(out.stats.lines, 5);
    assert_eq!(out.stats.exchanges, 4);
    assert_eq!(out.stats.duplicates, 1);
    assert_eq!(out.stats.rejected, 0);
    assert_eq!(out.stats.min_ts, Some(1_769_904_000_000));
    assert_eq!(out.stats.max_ts, Some(1_769_990_401_000));
    let total = out.stats.bytes;
    assert_eq!(out.last_progress, Some((total, total)));
}

#[test]
fn every_bad_line_is_a_reject_with_its_line_and_reason() {
    let out = read_with(&[fixture("bad.jsonl")], None);
    let got = reasons(&out);
    let expected_lines = [2, 3, 4, 5, 6, 7, 8, 9, 10, 13];
    assert_eq!(
        got.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        expected_lines,
        "{got:#?}"
    );
    assert!(got[0].1.starts_with("not a JSON record"));
    for (line, reason) in &got[1..4] {
        assert_eq!(reason, "missing ts", "line {line}");
    }
    for (line, reason) in &got[4..7] {
        assert_eq!(reason, "missing account_id", "line {line}");
    }
    assert!(got[7].1.starts_with("field turns:"), "{}", got[7].1);
    assert_eq!(got[8].1, "invalid UTF-8");
    assert!(got[9].1.starts_with("not a JSON record"));
    let accounts: Vec<_> = out
        .exchanges
        .iter()
        .map(|e| e.account_id.as_str())
        .collect();
    assert_eq!(accounts, vec!["ok-1", "ok-4"]);
    assert_eq!(out.stats.lines, 14);
    assert_eq!(out.stats.blank_lines, 1);
    assert_eq!(out.stats.rejected, 10);
    assert_eq!(out.stats.duplicates, 1);
    assert_eq!(out.stats.exchanges, 2);
    assert!(out.rejects.iter().all(|r| r.file == fixture("bad.jsonl")));
    let json: serde_json::Value =
        serde_json::from_str(&out.rejects[1].to_json_line()).expect("reject is JSON");
    assert_eq!(json["line"], 3);
    assert_eq!(json["reason"], "missing ts");
    assert!(json["file"]
        .as_str()
        .is_some_and(|f| f.ends_with("bad.jsonl")));
}

#[test]
fn an_empty_file_is_one_reject() {
    let out = read_with(&[fixture("empty.jsonl")], None);
    assert_eq!(out.exchanges.len(), 0);
    assert_eq!(reasons(&out), vec![(0, "empty file".to_string())]);
    assert_eq!(out.stats.rejected, 1);
}

#[test]
fn unreadable_paths_are_typed_errors_naming_the_path() {
    let missing = fixture("does-not-exist.jsonl");
    let err = read(std::slice::from_ref(&missing), &ReadOptions::default()).expect_err("missing");
    assert!(matches!(err, IngestError::Open { ref path, .. } if *path == missing));
    assert!(err.to_string().contains("does-not-exist.jsonl"));
    let err = discover(std::slice::from_ref(&missing)).expect_err("missing");
    assert_eq!(err.path(), Some(missing.as_path()));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let locked = dir.path().join("locked.jsonl");
        std::fs::write(&locked, "{}\n").expect("write");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        // Root can open anything; the check only means something for other users.
        if std::fs::File::open(&locked).is_err() {
            let err =
                read(std::slice::from_ref(&locked), &ReadOptions::default()).expect_err("denied");
            assert!(matches!(err, IngestError::Open { ref path, .. } if *path == locked));
        }
    }
}

fn canonical_lines(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"ts\":{},\"account_id\":\"acct-{}\",\"request_id\":\"req-{i}\",\"prompt\":\"question number {i}\"}}\n",
                1_769_904_000_000_i64 + i as i64,
                i % 7
            )
        })
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}

fn zstd_bytes(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).expect("zstd")
}

#[test]
fn gzip_and_zstd_read_like_plain_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = canonical_lines(500);
    let plain = dir.path().join("a.jsonl");
    let gz = dir.path().join("b.jsonl.gz");
    let zst = dir.path().join("c.jsonl.zst");
    std::fs::write(&plain, &text).expect("write");
    std::fs::write(&gz, gzip(text.as_bytes())).expect("write");
    std::fs::write(&zst, zstd_bytes(text.as_bytes())).expect("write");
    let files = discover(&[dir.path().to_path_buf()]).expect("dir");
    assert_eq!(files, vec![plain.clone(), gz.clone(), zst.clone()]);
    let reference = read_with(&[plain], None);
    assert_eq!(reference.exchanges.len(), 500);
    for compressed in [gz, zst] {
        let out = read_with(std::slice::from_ref(&compressed), None);
        assert_eq!(
            out.exchanges,
            reference.exchanges,
            "{}",
            compressed.display()
        );
        assert!(out.rejects.is_empty());
    }
    // Together: the second and third copies are all duplicates.
    let all = read_with(&files, None);
    assert_eq!(all.stats.exchanges, 500);
    assert_eq!(all.stats.duplicates, 1000);
}

#[test]
fn truncated_compressed_streams_keep_what_was_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Incompressible-ish text so that the cut lands well inside the data.
    // Enough for several zstd blocks (128 KiB each): zstd decodes whole blocks only.
    let text: String = (0..20_000)
        .map(|i| {
            format!(
                "{{\"ts\":{},\"account_id\":\"a{}\",\"request_id\":\"{:x}\"}}\n",
                1_769_904_000_000_i64 + i,
                i,
                (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            )
        })
        .collect();
    for (name, compressed) in [
        ("cut.jsonl.gz", gzip(text.as_bytes())),
        ("cut.jsonl.zst", zstd_bytes(text.as_bytes())),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &compressed[..compressed.len() / 2]).expect("write");
        let opts = ReadOptions {
            block_bytes: 4096,
            ..ReadOptions::default()
        };
        let out =
            read(std::slice::from_ref(&path), &opts).expect("truncation is data, not an error");
        assert_eq!(out.rejects.len(), 1, "{name}: {:?}", out.rejects);
        let reject = &out.rejects[0];
        assert!(
            matches!(reject.reason, RejectReason::Truncated(_)),
            "{name}: {reject}"
        );
        let kept = out.exchanges.len() as u64;
        assert!(kept > 0 && kept < 20_000, "{name}: kept {kept}: {reject}");
        // The reject names the first line that was not read whole.
        assert_eq!(reject.line, kept + 1, "{name}");
        assert!(reject.to_string().contains(name));
    }
}

#[test]
fn over_long_lines_are_rejected_whatever_the_block_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("long.jsonl");
    let long_prompt = "x".repeat(5000);
    let text = format!(
        "{{\"ts\":1,\"account_id\":\"a\"}}\n{{\"ts\":2,\"account_id\":\"b\",\"prompt\":\"{long_prompt}\"}}\n{{\"ts\":3,\"account_id\":\"c\"}}\n{{\"ts\":4,\"account_id\":\"d\",\"prompt\":\"{long_prompt}\"}}"
    );
    std::fs::write(&path, text).expect("write");
    let mut outcomes = Vec::new();
    for block_bytes in [16, 100, 1000, 4096, 1 << 20] {
        let opts = ReadOptions {
            max_line_bytes: 1000,
            block_bytes,
            ..ReadOptions::default()
        };
        let out = read(std::slice::from_ref(&path), &opts).expect("readable");
        assert_eq!(
            reasons(&out),
            vec![
                (2, "line longer than 1000 bytes".to_string()),
                (4, "line longer than 1000 bytes".to_string())
            ],
            "block {block_bytes}"
        );
        assert_eq!(out.stats.lines, 4);
        outcomes.push((out.exchanges, out.stats));
    }
    assert!(outcomes.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn batches_have_the_requested_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("n.jsonl");
    std::fs::write(&path, canonical_lines(25)).expect("write");
    let opts = ReadOptions {
        batch_size: 10,
        block_bytes: 64,
        ..ReadOptions::default()
    };
    let out = read(&[path], &opts).expect("readable");
    assert_eq!(out.batch_sizes, vec![10, 10, 5]);
}

#[test]
fn a_failing_sink_stops_the_read() {
    let files = vec![fixture("bad.jsonl")];
    let err = read_exchanges(&files, &ReadOptions::default(), &mut |event| match event {
        IngestEvent::Reject(_) => Err("disk full".into()),
        _ => Ok(()),
    })
    .expect_err("sink error surfaces");
    assert!(matches!(err, IngestError::Sink(_)));
    assert!(err.to_string().contains("disk full"));
}

fn write_parquet(path: &Path, ts_as_text: bool) {
    use std::sync::Arc;

    use arrow::array::{
        ArrayRef, Float64Array, Int64Array, ListBuilder, StringArray, StringBuilder,
    };
    use arrow::record_batch::RecordBatch;
    use parquet::arrow::ArrowWriter;

    let ts: ArrayRef = if ts_as_text {
        Arc::new(StringArray::from(vec![
            Some("2026-02-01T00:00:00Z"),
            Some("2026-02-01T00:00:01Z"),
            None,
        ]))
    } else {
        Arc::new(Int64Array::from(vec![
            Some(1_769_904_000_000),
            Some(1_769_904_001_000),
            None,
        ]))
    };
    let account: ArrayRef = Arc::new(StringArray::from(vec![Some("p1"), Some("p2"), Some("p3")]));
    let request: ArrayRef = Arc::new(StringArray::from(vec![Some("x1"), None, Some("x3")]));
    let tokens: ArrayRef = Arc::new(Int64Array::from(vec![Some(10), None, Some(30)]));
    let spend: ArrayRef = Arc::new(Float64Array::from(vec![0.5, 0.25, 0.0]));
    let mut names = ListBuilder::new(StringBuilder::new());
    names.values().append_value("search");
    names.values().append_value("calc");
    names.append(true);
    names.append(false);
    names.append(true);
    let names: ArrayRef = Arc::new(names.finish());
    let batch = RecordBatch::try_from_iter(vec![
        ("ts", ts),
        ("account_id", account),
        ("request_id", request),
        ("input_tokens", tokens),
        ("spend", spend),
        ("tool_names", names),
    ])
    .expect("batch");
    let file = std::fs::File::create(path).expect("create");
    let mut writer = ArrowWriter::try_new(file, batch.schema(), None).expect("writer");
    writer.write(&batch).expect("write");
    writer.close().expect("close");
}

#[test]
fn parquet_with_canonical_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    for ts_as_text in [false, true] {
        let path = dir.path().join(format!("rows-{ts_as_text}.parquet"));
        write_parquet(&path, ts_as_text);
        let out = read_with(std::slice::from_ref(&path), None);
        assert_eq!(out.exchanges.len(), 2, "{:?}", out.rejects);
        let first = &out.exchanges[0];
        assert_eq!(first.ts, 1_769_904_000_000);
        assert_eq!(first.account_id, "p1");
        assert_eq!(first.request_id.as_deref(), Some("x1"));
        assert_eq!(first.input_tokens, Some(10));
        assert_eq!(first.tool_names, vec!["search", "calc"]);
        assert_eq!(first.extra.get("spend"), Some(&serde_json::json!(0.5)));
        assert_eq!(out.exchanges[1].ts, 1_769_904_001_000);
        assert_eq!(reasons(&out), vec![(3, "missing ts".to_string())]);
        assert_eq!(out.stats.lines, 3);
    }
    let not_parquet = dir.path().join("junk.parquet");
    std::fs::write(&not_parquet, "this is not parquet").expect("write");
    let out = read_with(&[not_parquet], None);
    assert_eq!(out.rejects.len(), 1);
    assert!(matches!(out.rejects[0].reason, RejectReason::Truncated(_)));
}

#[test]
fn litellm_spend_logs() {
    let out = read_with(&[fixture("litellm.jsonl")], Some("litellm"));
    assert!(out.rejects.is_empty(), "{:?}", out.rejects);
    assert_eq!(out.exchanges.len(), 3);
    let chat = &out.exchanges[0];
    assert_eq!(chat.ts, 1_769_940_000_120);
    assert_eq!(chat.account_id, "user-1842");
    assert_eq!(chat.request_id.as_deref(), Some("chatcmpl-7f3a1c9e"));
    assert_eq!(chat.org_id.as_deref(), Some("org-77"));
    assert_eq!(chat.ip, Some("198.51.100.23".parse().expect("ip")));
    assert_eq!(chat.user_agent.as_deref(), Some("OpenAI/Python 1.51.0"));
    assert_eq!(chat.model.as_deref(), Some("claude-sonnet"));
    assert_eq!(chat.endpoint.as_deref(), Some("chat.completions"));
    assert_eq!(chat.prompt.as_deref(), Some("Solve step by step: 17*23"));
    assert_eq!(chat.system.as_deref(), Some("You are a careful grader."));
    assert_eq!(chat.turns, Some(2));
    assert_eq!(chat.input_tokens, Some(21));
    assert_eq!(chat.output_tokens, Some(36));
    assert_eq!(chat.max_tokens, Some(1024));
    assert_eq!(chat.tools, Some(1));
    assert_eq!(chat.tool_names, vec!["calculator"]);
    assert_eq!(chat.stream, Some(false));
    assert_eq!(chat.status, Some(200));
    assert_eq!(chat.latency_ms, Some(1750));
    assert_eq!(chat.extra.get("spend"), Some(&serde_json::json!(0.00042)));
    // metadata stored as JSON text; naive timestamps; a failed call.
    let embed = &out.exchanges[1];
    assert_eq!(embed.account_id, "user-77");
    assert_eq!(embed.endpoint.as_deref(), Some("embeddings"));
    assert_eq!(embed.prompt.as_deref(), Some("embed me"));
    assert_eq!(embed.turns, Some(0));
    assert_eq!(embed.status, Some(500));
    assert_eq!(embed.latency_ms, Some(250));
    assert_eq!(embed.ip, Some("2001:db8::5".parse().expect("ip")));
    assert_eq!(embed.model.as_deref(), Some("text-embedding-3-small"));
    // No user anywhere: the key stands in for the account.
    assert_eq!(out.exchanges[2].account_id, "1c0f");
}

#[test]
fn helicone_export() {
    let out = read_with(&[fixture("helicone.jsonl")], Some("helicone"));
    assert_eq!(out.exchanges.len(), 2);
    let first = &out.exchanges[0];
    assert_eq!(first.ts, 1_769_943_600_000);
    assert_eq!(first.account_id, "cust-311");
    assert_eq!(first.org_id.as_deref(), Some("org-5"));
    assert_eq!(first.ip, Some("192.0.2.44".parse().expect("ip")));
    assert_eq!(first.country.as_deref(), Some("US"));
    assert_eq!(first.model.as_deref(), Some("gpt-4o"));
    assert_eq!(first.endpoint.as_deref(), Some("chat.completions"));
    assert_eq!(first.prompt.as_deref(), Some("Describe this chart."));
    assert_eq!(first.system.as_deref(), Some("Answer briefly."));
    assert_eq!(first.images, Some(1));
    assert_eq!(first.turns, Some(2));
    assert_eq!(first.input_tokens, Some(60));
    assert_eq!(first.output_tokens, Some(200));
    assert_eq!(first.max_tokens, Some(512));
    assert_eq!(first.thinking, Some(true));
    assert_eq!(first.logprobs, Some(5));
    assert_eq!(first.stream, Some(true));
    assert_eq!(first.status, Some(200));
    assert_eq!(first.latency_ms, Some(2100));
    let second = &out.exchanges[1];
    assert_eq!(second.account_id, "owner-1");
    assert_eq!(second.ts, 1_769_943_660_000);
    assert_eq!(second.endpoint.as_deref(), Some("messages"));
    assert_eq!(second.system.as_deref(), Some("You are terse."));
    assert_eq!(second.tool_names, vec!["lookup"]);
    assert_eq!(second.status, Some(429));
    assert_eq!(second.input_tokens, None);
    assert_eq!(
        reasons(&out),
        vec![(
            3,
            "field input_tokens: expected a non-negative integer, got \"many\"".to_string()
        )]
    );
}

#[test]
fn otel_genai_spans_one_document_per_line() {
    let out = read_with(&[fixture("otel-genai.jsonl")], Some("otel-genai"));
    // Line 2's second span has no user anywhere: rejected, the rest kept.
    assert_eq!(reasons(&out), vec![(2, "missing account_id".to_string())]);
    assert_eq!(out.exchanges.len(), 3);
    let chat = &out.exchanges[0];
    assert_eq!(chat.ts, 1_769_940_000_000);
    assert_eq!(chat.account_id, "user-a");
    assert_eq!(chat.request_id.as_deref(), Some("eee19b7ec3c1b174"));
    assert_eq!(chat.model.as_deref(), Some("gpt-4o"));
    assert_eq!(chat.endpoint.as_deref(), Some("chat.completions"));
    assert_eq!(chat.input_tokens, Some(97));
    assert_eq!(chat.output_tokens, Some(512));
    assert_eq!(chat.max_tokens, Some(800));
    assert_eq!(chat.ip, Some("203.0.113.9".parse().expect("ip")));
    assert_eq!(chat.prompt.as_deref(), Some("Translate: bonjour"));
    assert_eq!(chat.turns, Some(1));
    assert_eq!(chat.latency_ms, Some(1500));
    assert_eq!(
        chat.extra.get("service"),
        Some(&serde_json::json!("chat-api"))
    );
    // The embeddings span has no enduser.id of its own: the resource's is used.
    let embed = &out.exchanges[1];
    assert_eq!(embed.account_id, "tenant-5");
    assert_eq!(embed.endpoint.as_deref(), Some("embeddings"));
    assert_eq!(out.exchanges[2].account_id, "user-b");
    assert_eq!(
        out.exchanges[2].extra.get("service"),
        Some(&serde_json::json!("batch-worker"))
    );
}

#[test]
fn otel_genai_whole_document_per_file() {
    let out = read_with(&[fixture("otel-genai.json")], Some("otel-genai"));
    assert!(out.rejects.is_empty(), "{:?}", out.rejects);
    let got: Vec<_> = out
        .exchanges
        .iter()
        .map(|e| (e.account_id.as_str(), e.request_id.as_deref(), e.latency_ms))
        .collect();
    assert_eq!(
        got,
        vec![
            ("tenant-7", Some("ccc1"), Some(750)),
            ("tenant-7", Some("ccc2"), None)
        ]
    );
}

#[test]
fn mapped_lines_that_are_not_the_format_are_rejected() {
    let out = read_with(&[fixture("folder/day1.jsonl")], Some("otel-genai"));
    assert_eq!(out.exchanges.len(), 0);
    assert_eq!(out.rejects.len(), 3);
    assert!(out.rejects[0].reason.to_string().contains("resourceSpans"));
}

#[test]
fn a_mapping_file_by_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("mine.toml");
    std::fs::write(
        &config,
        "version = 1\n[fields]\nts = { path = \"when\", time = \"s\" }\naccount_id = \"who\"\n",
    )
    .expect("write");
    let log = dir.path().join("x.jsonl");
    std::fs::write(&log, "{\"when\": 1769904000, \"who\": \"w\"}\n").expect("write");
    let out = read_with(&[log], Some(config.to_str().expect("utf-8 path")));
    assert_eq!(out.exchanges, vec![Exchange::new(1_769_904_000_000, "w")]);
    let err = Mapping::load("/nonexistent/mapping.toml").expect_err("missing");
    assert!(matches!(err, IngestError::Open { .. }));
}

#[test]
fn accounts_labels_and_releases() {
    let (accounts, rejects) = read_accounts(&fixture("folder/accounts.jsonl")).expect("readable");
    assert_eq!(accounts.len(), 2);
    assert_eq!(accounts[0].account_type.as_deref(), Some("education"));
    assert_eq!(accounts[0].created, Some(1_768_867_200_000));
    assert_eq!(accounts[1].created, Some(1_768_000_000_000));
    let lines: Vec<_> = rejects.iter().map(|r| (r.line, r.reason.clone())).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], (3, RejectReason::Missing("account_id")));
    assert!(matches!(lines[1], (4, RejectReason::NotJson(_))));
    assert_eq!(lines[2], (5, RejectReason::Missing("account_id")));

    let (labels, rejects) = read_labels(&fixture("folder/labels.jsonl")).expect("readable");
    assert_eq!(labels.len(), 2);
    assert_eq!(labels[0].campaign.as_deref(), Some("c1"));
    assert_eq!(labels[1].population.as_deref(), Some("individual"));
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0].line, 3);

    let releases = read_releases(&fixture("folder/releases.json")).expect("readable");
    assert_eq!(releases.len(), 2);
    assert_eq!(releases[0].released, 1_768_435_200_000);
    assert_eq!(releases[1].released, 1_767_225_600_000);
    let err = read_releases(&fixture("folder/labels.jsonl")).expect_err("not an array");
    assert!(matches!(err, IngestError::SideInput { .. }));
    assert!(matches!(
        read_accounts(&fixture("nope.jsonl")),
        Err(IngestError::Open { .. })
    ));
}
