//! `distillguard demo`: the whole job on an embedded default, with nothing to install:
//! simulate labelled traffic from a built-in scenario, analyse it as if it were a real
//! log (labels are not read), then score the report against the labels.

use std::path::PathBuf;

/// Simulate a built-in scenario, analyse it, and score the result.
///
/// Writes into --out:
///   sim/                  the simulated logs (events, accounts, releases, labels)
///   report.json, report.html, indicators.stix.json, rejects.jsonl   (as `analyze`)
///   eval.json             precision, recall, F1, AUC, false positives per population...
/// Then open OUT/report.html in a browser.
///
/// Examples:
///   distillguard demo --out out/
///   distillguard demo --out out/ --scenario evasive --seed 7
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Output folder (created if missing).
    #[arg(long, default_value = "distillguard-demo")]
    pub out: PathBuf,
    /// Built-in scenario (default, evasive, lowslow, hard-benign) or a scenario TOML file.
    #[arg(long, default_value = "default")]
    pub scenario: String,
    /// Random seed of the simulation.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Size multiplier of the simulation (1 ≈ 350k exchanges, 2,350 accounts).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let sim = args.out.join("sim");
    eprintln!(
        "1/3 simulating scenario '{}' into {}",
        args.scenario,
        sim.display()
    );
    super::simulate::run(super::simulate::Args {
        scenario: args.scenario.clone(),
        out: sim.clone(),
        seed: args.seed,
        scale: args.scale,
        filler: None,
        format: super::simulate::EventFormat::Zst,
        accounts_per_shard: 1024,
    })?;
    eprintln!("2/3 analysing {} (labels are not read)", sim.display());
    super::analyze::run(super::analyze::Args {
        events: vec![sim.clone()],
        out: args.out.clone(),
        accounts: None,
        releases: None,
        mapping: None,
        config: None,
        intel: None,
        detector: "full".into(),
        quiet: false,
    })?;
    eprintln!("3/3 scoring the report against the simulation's labels");
    super::eval::run(super::eval::Args {
        report: args.out.join("report.json"),
        labels: sim.join("labels.jsonl"),
        json: Some(args.out.join("eval.json")),
    })?;
    println!(
        "open {} in a browser",
        args.out.join("report.html").display()
    );
    Ok(())
}
