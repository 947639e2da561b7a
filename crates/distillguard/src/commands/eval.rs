//! `distillguard eval`: scores a `report.json` against ground-truth `labels.jsonl`.
//!
//! In: the report written by `analyze` and the labels (from the simulator or an
//! investigation). Out: a table on the terminal and, with `--json`, the metrics as
//! JSON (to a file, or to standard output with `-`, in which case the table goes to
//! standard error). The numbers come from the `distillguard-eval` crate; this file only
//! reads files and reports what could not be read (exit status 2, naming the file).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use distillguard_model::report::Report;
use distillguard_model::Label;

/// Score a report against ground-truth labels.
///
/// Prints precision, recall, F1, ROC AUC, the benign false-positive rate (overall and
/// per benign population), attack-exchange recall, per-campaign recall and the
/// agreement of clusters with the labelled campaigns (adjusted Rand index).
#[derive(clap::Args)]
pub struct Args {
    /// The `report.json` written by `distillguard analyze`.
    #[arg(long, value_name = "FILE")]
    pub report: PathBuf,
    /// Ground truth, one JSON object per line:
    /// {"account_id": "...", "label": "attack"|"benign", "campaign": "name"|null}.
    #[arg(long, value_name = "FILE")]
    pub labels: PathBuf,
    /// Also write the metrics as JSON to FILE (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let report = read_report(&args.report)?;
    let labels = read_labels(&args.labels)?;

    let metrics = distillguard_eval::evaluate(&report, &labels);
    let table = distillguard_eval::render_table(&metrics);
    let json = serde_json::to_string_pretty(&metrics).context("serialising the metrics")?;

    match args.json.as_deref() {
        Some(path) if path == Path::new("-") => {
            eprint!("{table}");
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{json}").context("writing the metrics to standard output")?;
        }
        Some(path) => {
            std::fs::write(path, format!("{json}\n"))
                .with_context(|| format!("writing the metrics to {}", path.display()))?;
            print!("{table}");
        }
        None => print!("{table}"),
    }
    Ok(())
}

fn read_report(path: &Path) -> anyhow::Result<Report> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| super::usage(format!("cannot read report {}: {err}", path.display())))?;
    serde_json::from_str(&text).map_err(|err| {
        super::usage(format!(
            "{} is not a distillguard report.json: {err}",
            path.display()
        ))
    })
}

/// Reads `labels.jsonl`: one label per line, blank lines skipped. A line that is not a
/// label makes the whole file unusable (ground truth with holes would skew every
/// metric), and the error names the file and line.
fn read_labels(path: &Path) -> anyhow::Result<Vec<Label>> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| super::usage(format!("cannot read labels {}: {err}", path.display())))?;
    let mut labels = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let label: Label = serde_json::from_str(line).map_err(|err| {
            super::usage(format!(
                "{}:{}: not a label ({{\"account_id\": ..., \"label\": \"attack\"|\"benign\", \"campaign\": ...}}): {err}",
                path.display(),
                index + 1
            ))
        })?;
        labels.push(label);
    }
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write temp file");
        path
    }

    const REPORT: &str = r#"{"version":1,
        "input":{"exchanges":3,"accounts":2,"rejected":0,"duplicates":0,"from":null,"to":null},
        "accounts":[
          {"account_id":"a","score":0.9,"verdict":"attack","cluster":null,"exchanges":2,"evidence":[]},
          {"account_id":"b","score":0.1,"verdict":"benign","cluster":null,"exchanges":1,"evidence":[]}],
        "clusters":[],"campaigns":[]}"#;

    #[test]
    fn scores_files_and_writes_json() {
        let dir = tempfile::tempdir().expect("temp dir");
        let report = write(dir.path(), "report.json", REPORT);
        let labels = write(
            dir.path(),
            "labels.jsonl",
            "{\"account_id\":\"a\",\"label\":\"attack\",\"campaign\":\"x\"}\n\n{\"account_id\":\"b\",\"label\":\"benign\",\"campaign\":null}\n",
        );
        let json = dir.path().join("metrics.json");
        run(Args {
            report,
            labels,
            json: Some(json.clone()),
        })
        .expect("eval runs");
        let metrics: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(json).expect("json written"))
                .expect("valid json");
        assert_eq!(metrics["precision"], serde_json::json!(1.0));
        assert_eq!(metrics["roc_auc"], serde_json::json!(1.0));
        assert_eq!(metrics["counts"]["labelled"], serde_json::json!(2));
    }

    #[test]
    fn unreadable_or_invalid_inputs_exit_2_naming_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let report = write(dir.path(), "report.json", REPORT);
        let good_labels = write(dir.path(), "labels.jsonl", "");
        let bad_labels = write(
            dir.path(),
            "bad-labels.jsonl",
            "{\"account_id\":\"a\",\"label\":\"attack\"}\n{\"account_id\":\"b\",\"label\":\"maybe\"}\n",
        );
        let bad_report = write(dir.path(), "broken.json", "{\"version\":1}");

        let cases = [
            (
                dir.path().join("missing.json"),
                good_labels.clone(),
                "missing.json",
            ),
            (bad_report, good_labels, "broken.json"),
            (report.clone(), bad_labels, "bad-labels.jsonl:2"),
            (report, dir.path().join("nope.jsonl"), "nope.jsonl"),
        ];
        for (report, labels, needle) in cases {
            let err = run(Args {
                report,
                labels,
                json: None,
            })
            .expect_err("input is unusable");
            assert_eq!(super::super::exit_code(&err), 2, "{err:#}");
            assert!(
                format!("{err:#}").contains(needle),
                "{err:#} lacks {needle}"
            );
        }
    }
}
