//! End to end through the real binary: simulate → analyze → eval, and the exit-status
//! contract (0 success, 2 unusable arguments or unreadable input).
//!
//! Quality floors are set a little below what was measured on these seeds (issue 3:
//! "end-to-end simulate → analyze → eval with thresholds set a little below measured");
//! they guard against regressions, they are not the targets.

use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_distillguard"))
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "failed: {:?}\nstdout: {}\nstderr: {}",
        cmd,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn metrics(dir: &Path, scenario: &str, seed: u64, scale: &str) -> serde_json::Value {
    let sim = dir.join("sim");
    let out = dir.join("out");
    run_ok(
        bin()
            .args([
                "simulate",
                "--scenario",
                scenario,
                "--seed",
                &seed.to_string(),
                "--scale",
                scale,
                "--out",
            ])
            .arg(&sim),
    );
    run_ok(
        bin()
            .arg("analyze")
            .arg(&sim)
            .arg("--out")
            .arg(&out)
            .arg("--quiet"),
    );
    for file in [
        "report.json",
        "report.html",
        "indicators.stix.json",
        "rejects.jsonl",
    ] {
        assert!(out.join(file).is_file(), "{file} written");
    }
    let json = run_ok(
        bin()
            .arg("eval")
            .arg("--report")
            .arg(out.join("report.json"))
            .arg("--labels")
            .arg(sim.join("labels.jsonl"))
            .args(["--json", "-"]),
    );
    serde_json::from_str(&json).expect("eval prints JSON")
}

fn num(m: &serde_json::Value, key: &str) -> f64 {
    m[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {m}"))
}

/// Every benign population (hard ones included) without an `attack` verdict.
fn assert_no_benign_population_flagged(m: &serde_json::Value) {
    for pop in m["populations"].as_array().expect("populations") {
        assert_eq!(
            pop["flagged"].as_u64(),
            Some(0),
            "population flagged: {pop}"
        );
    }
}

#[test]
fn default_scenario_is_caught_without_false_positives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let m = metrics(dir.path(), "default", 5, "0.2");
    assert!(num(&m, "f1") >= 0.95, "{m}");
    assert!(num(&m, "benign_false_positive_rate") <= 0.005, "{m}");
    assert!(num(&m, "attack_exchange_recall") >= 0.97, "{m}");
    assert!(num(&m, "roc_auc") >= 0.97, "{m}");
    assert_no_benign_population_flagged(&m);
}

#[test]
fn evasive_scenario_keeps_benign_accounts_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    let m = metrics(dir.path(), "evasive", 6, "0.2");
    assert!(num(&m, "benign_false_positive_rate") <= 0.005, "{m}");
    // Measured 1.0 and 1.0 (0.84 and 0.97 while shared addresses counted per day).
    assert!(num(&m, "recall") >= 0.95, "{m}");
    assert!(num(&m, "attack_exchange_recall") >= 0.97, "{m}");
}

#[test]
fn lowslow_campaigns_are_linked_through_the_exits_they_share_over_a_week() {
    let dir = tempfile::tempdir().expect("tempdir");
    let m = metrics(dir.path(), "lowslow", 7, "0.2");
    assert!(num(&m, "benign_false_positive_rate") <= 0.005, "{m}");
    // Measured 0.80 and 0.90 (0.63 and 0.79 while shared addresses counted per day:
    // two accounts of one slow cluster seldom use one exit on the same day).
    assert!(num(&m, "recall") >= 0.75, "{m}");
    assert!(num(&m, "attack_exchange_recall") >= 0.85, "{m}");
    assert_no_benign_population_flagged(&m);
}

#[test]
fn baseline_detector_runs_on_the_same_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sim = dir.path().join("sim");
    let out = dir.path().join("out");
    run_ok(
        bin()
            .args([
                "simulate", "--seed", "2", "--scale", "0.05", "--format", "jsonl", "--out",
            ])
            .arg(&sim),
    );
    run_ok(bin().arg("analyze").arg(&sim).arg("--out").arg(&out).args([
        "--detector",
        "baseline",
        "--quiet",
    ]));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("report"))
            .expect("json");
    assert_eq!(report["settings"]["detector"], "baseline-volume");
    assert!(report["clusters"].as_array().is_some_and(|c| c.is_empty()));
}

#[test]
fn unreadable_input_exits_2_and_names_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .args(["analyze", "/definitely/not/here.jsonl", "--out"])
        .arg(dir.path().join("o"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/definitely/not/here.jsonl"));
}

#[test]
fn bad_config_exits_2_with_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let events = dir.path().join("e.jsonl");
    std::fs::write(&events, "{\"ts\": 1, \"account_id\": \"a\"}\n").expect("write");
    let config = dir.path().join("c.toml");
    std::fs::write(&config, "version = 1\n[scoring]\ntarget_fp = 0.1\n").expect("write");
    let out = bin()
        .arg("analyze")
        .arg(&events)
        .arg("--config")
        .arg(&config)
        .arg("--out")
        .arg(dir.path().join("o"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("target_fp"));
}

#[test]
fn bad_lines_are_rejected_and_the_rest_is_analysed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let events = dir.path().join("e.jsonl");
    std::fs::write(
        &events,
        "{\"ts\": 1, \"account_id\": \"a\", \"prompt\": \"hi\"}\nnot json\n{\"account_id\": \"b\"}\n{\"ts\": 2, \"account_id\": \"c\"}\n",
    )
    .expect("write");
    let out_dir = dir.path().join("o");
    run_ok(
        bin()
            .arg("analyze")
            .arg(&events)
            .arg("--out")
            .arg(&out_dir)
            .arg("--quiet"),
    );
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out_dir.join("report.json")).expect("report"),
    )
    .expect("json");
    assert_eq!(report["input"]["exchanges"], 2);
    assert_eq!(report["input"]["rejected"], 2);
    let rejects = std::fs::read_to_string(out_dir.join("rejects.jsonl")).expect("rejects");
    assert_eq!(rejects.lines().count(), 2);
    assert!(rejects.contains("\"line\":2"), "{rejects}");
}

#[test]
fn analyze_reports_the_read_and_each_stage_after_it_unless_quiet() {
    let dir = tempfile::tempdir().expect("tempdir");
    let events = dir.path().join("e.jsonl");
    std::fs::write(
        &events,
        "{\"ts\": 1, \"account_id\": \"a\", \"prompt\": \"hi\"}\n{\"ts\": 2, \"account_id\": \"b\", \"prompt\": \"hello\"}\n",
    )
    .expect("write");
    let out = bin()
        .arg("analyze")
        .arg(&events)
        .arg("--out")
        .arg(dir.path().join("o"))
        .output()
        .expect("run");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("read 2 exchanges in "), "{stderr}");
    for stage in ["linking accounts: ", "writing the report: "] {
        assert!(stderr.contains(stage), "no {stage:?} in {stderr}");
    }
    let quiet = bin()
        .arg("analyze")
        .arg(&events)
        .arg("--out")
        .arg(dir.path().join("q"))
        .arg("--quiet")
        .output()
        .expect("run");
    assert!(quiet.status.success());
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
}
