//! Properties that must always hold: the line parser never panics, and what a read
//! produces does not depend on block size, batch size or compression.

use std::io::Write;
use std::path::PathBuf;

use distillguard_ingest::{
    parse_line, read_exchanges, Exchange, IngestEvent, IngestStats, Mapping, ReadOptions, Reject,
};
use proptest::prelude::*;

fn mappings() -> Vec<Mapping> {
    ["litellm", "helicone", "otel-genai"]
        .iter()
        .map(|n| Mapping::builtin(n).expect("built-in"))
        .collect()
}

/// Fragments that make arbitrary bytes look like records often enough to go deep.
fn jsonish() -> impl Strategy<Value = Vec<u8>> {
    let fragment = prop_oneof![
        Just(b"{".to_vec()),
        Just(b"}".to_vec()),
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b",".to_vec()),
        Just(b":".to_vec()),
        Just(b"\"ts\":".to_vec()),
        Just(b"\"account_id\":".to_vec()),
        Just(b"\"turns\":".to_vec()),
        Just(b"\"ip\":".to_vec()),
        Just(b"\"messages\":".to_vec()),
        Just(b"\"resourceSpans\":".to_vec()),
        Just(b"\"attributes\":".to_vec()),
        Just(b"\"startTime\":".to_vec()),
        Just(b"\"key\":\"enduser.id\"".to_vec()),
        Just(b"{\"intValue\":\"12\"}".to_vec()),
        Just(b"\"2026-02-01T00:00:00Z\"".to_vec()),
        Just(b"\"[{\\\"role\\\":\\\"user\\\"}]\"".to_vec()),
        Just(b"1769904000000".to_vec()),
        Just(b"-1".to_vec()),
        Just(b"1e400".to_vec()),
        Just(b"null".to_vec()),
        Just(b"\"x\"".to_vec()),
        Just(b"\xff".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..4),
    ];
    proptest::collection::vec(fragment, 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn parse_line_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_line(&bytes, None);
        for mapping in mappings() {
            let _ = parse_line(&bytes, Some(&mapping));
        }
    }

    #[test]
    fn parse_line_never_panics_on_jsonish(bytes in jsonish()) {
        let _ = parse_line(&bytes, None);
        for mapping in mappings() {
            let _ = parse_line(&bytes, Some(&mapping));
        }
    }
}

/// A line of a generated log.
#[derive(Debug, Clone)]
enum Line {
    Record {
        id: Option<u8>,
        account: u8,
        ts: i64,
    },
    Garbage,
    Blank,
    Long(usize),
    WrongType,
}

fn line_strategy() -> impl Strategy<Value = Line> {
    prop_oneof![
        6 => (proptest::option::of(0u8..30), 0u8..5, 0i64..1_000_000)
            .prop_map(|(id, account, ts)| Line::Record { id, account, ts }),
        1 => Just(Line::Garbage),
        1 => Just(Line::Blank),
        1 => (0usize..700).prop_map(Line::Long),
        1 => Just(Line::WrongType),
    ]
}

fn render(lines: &[Line], final_newline: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match line {
            Line::Record { id, account, ts } => {
                let id = id.map_or(String::new(), |id| format!(",\"request_id\":\"r{id}\""));
                out.extend_from_slice(
                    format!("{{\"ts\":{ts},\"account_id\":\"a{account}\"{id}}}").as_bytes(),
                );
            }
            Line::Garbage => out.extend_from_slice(b"{oops"),
            Line::Blank => out.extend_from_slice(b"  "),
            Line::Long(n) => out.extend_from_slice(
                format!("{{\"ts\":1,\"account_id\":\"{}\"}}", "y".repeat(*n)).as_bytes(),
            ),
            Line::WrongType => {
                out.extend_from_slice(b"{\"ts\":1,\"account_id\":\"a\",\"tools\":[]}")
            }
        }
        if i + 1 < lines.len() || final_newline {
            out.push(b'\n');
        }
    }
    out
}

type Everything = (Vec<Exchange>, Vec<Reject>, IngestStats);

fn read_all(files: &[PathBuf], opts: &ReadOptions) -> Everything {
    let mut exchanges = Vec::new();
    let mut rejects = Vec::new();
    let stats = read_exchanges(files, opts, &mut |event| {
        match event {
            IngestEvent::Batch(batch) => {
                assert!(batch.len() <= opts.batch_size.max(1));
                exchanges.extend(batch);
            }
            IngestEvent::Reject(r) => rejects.push(r),
            IngestEvent::Progress { .. } => {}
        }
        Ok(())
    })
    .expect("readable");
    (exchanges, rejects, stats)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn output_does_not_depend_on_block_batch_or_compression(
        lines in proptest::collection::vec(line_strategy(), 0..80),
        final_newline in any::<bool>(),
        block_bytes in 1usize..600,
        batch_size in 1usize..40,
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let plain = dir.path().join("log.jsonl");
        let bytes = render(&lines, final_newline);
        std::fs::write(&plain, &bytes).expect("write");
        let gz = dir.path().join("log.jsonl.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&bytes).expect("gzip");
        std::fs::write(&gz, enc.finish().expect("gzip")).expect("write");

        let reference_opts = ReadOptions { max_line_bytes: 400, ..ReadOptions::default() };
        let reference = read_all(std::slice::from_ref(&plain), &reference_opts);
        let opts = ReadOptions { max_line_bytes: 400, block_bytes, batch_size, ..ReadOptions::default() };
        let small = read_all(std::slice::from_ref(&plain), &opts);
        prop_assert_eq!(&small, &reference);

        let (gz_exchanges, gz_rejects, gz_stats) = read_all(std::slice::from_ref(&gz), &opts);
        prop_assert_eq!(&gz_exchanges, &reference.0);
        let reasons = |rs: &[Reject]| rs.iter().map(|r| (r.line, r.reason.clone())).collect::<Vec<_>>();
        prop_assert_eq!(reasons(&gz_rejects), reasons(&reference.1));
        prop_assert_eq!(gz_stats.exchanges, reference.2.exchanges);
        prop_assert_eq!(gz_stats.lines, reference.2.lines);

        // Counts add up: every non-blank line is an exchange, a duplicate or a reject.
        let (_, _, stats) = &reference;
        if !lines.is_empty() && !lines.iter().all(|l| matches!(l, Line::Blank)) {
            prop_assert_eq!(stats.lines - stats.blank_lines, stats.exchanges + stats.duplicates + stats.rejected);
        }
        // Duplicates: one exchange per distinct request id among valid records.
        let mut seen = std::collections::HashSet::new();
        let expected: usize = lines.iter().filter(|l| match l {
            Line::Record { id: Some(id), .. } => seen.insert(*id),
            Line::Record { id: None, .. } => true,
            // `{"ts":1,"account_id":""}` is 24 bytes around the n filler bytes.
            // (an empty account id is a reject).
            Line::Long(n) => *n >= 1 && *n + 24 <= 400,
            _ => false,
        }).count();
        prop_assert_eq!(reference.0.len(), expected);
    }

    #[test]
    fn fast_path_and_value_path_agree(
        ts in prop_oneof![(0i64..4_000_000_000_000).prop_map(serde_json::Value::from),
                          Just(serde_json::json!("2026-02-01T00:00:00.123Z"))],
        account in "[a-z0-9-]{1,12}",
        prompt in proptest::option::of(".{0,40}"),
        turns in proptest::option::of(0u32..1000),
        ip in proptest::option::of(prop_oneof![Just("10.0.0.1"), Just("::1"), Just("nonsense")]),
        tool_names in proptest::collection::vec("[a-z]{1,6}", 0..3),
        extra in proptest::option::of("[a-z]{1,6}"),
    ) {
        let mut record = serde_json::json!({"ts": ts, "account_id": account});
        if let Some(p) = prompt { record["prompt"] = p.into(); }
        if let Some(t) = turns { record["turns"] = t.into(); }
        if let Some(ip) = ip { record["ip"] = ip.into(); }
        if !tool_names.is_empty() { record["tool_names"] = tool_names.into(); }
        if let Some(e) = extra { record["x_extra"] = serde_json::json!({"k": e}); }
        let text = record.to_string();
        let fast = parse_line(text.as_bytes(), None);
        let slow = Mapping::canonical().records_from_value(&record);
        prop_assert_eq!(fast, slow);
    }
}
