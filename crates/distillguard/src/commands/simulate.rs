//! `distillguard simulate`: writes a labelled simulation of API traffic to a folder.
//!
//! In: a scenario (built-in name or TOML file), seed, scale, format. Out: the files of
//! `distillguard_sim::generate` (events shards, accounts.jsonl, labels.jsonl,
//! releases.json, populations.json) and a one-paragraph summary on stderr; a progress
//! bar on stderr when it is a terminal.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use distillguard_sim::{Format, Options};

/// Generate labelled API traffic: benign populations and distillation campaigns.
///
/// Writes DIR/events-NNN.jsonl.zst (or events.jsonl with --format jsonl),
/// accounts.jsonl, releases.json, labels.jsonl (with a `population` field) and
/// populations.json (what was generated). The same seed gives byte-identical
/// output, whatever the number of threads.
///
/// Built-in scenarios: default, evasive, lowslow, hard-benign, example (see
/// crates/distillguard-sim/scenarios/example.toml for the commented format).
///
/// Scale: --scale multiplies account counts; per-account behaviour is unchanged.
/// `default` at scale 1 is ~2,100 benign and 240 attack accounts, ~350-390k
/// exchanges over 14 days; --scale 0.05 gives ~20k exchanges and --scale 0.01
/// a few thousand, for tests (every population and campaign keeps at least one
/// account or group). --scale 100 reaches the publicly described size: ~24,000 attacking
/// accounts and ~16 million attack exchanges, plus ~210,000 benign accounts with
/// more benign than attack exchanges (~35M exchanges, tens of GB uncompressed;
/// streamed, memory bounded by accounts).
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Built-in scenario name or path to a scenario TOML file.
    #[arg(long, default_value = "default")]
    pub scenario: String,
    /// Output folder (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Multiplies account and group counts (100 = publicly described size).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Overrides every campaign's filler share (0..1), e.g. to sweep 0 to 0.7.
    #[arg(long)]
    pub filler: Option<f64>,
    /// Event file format: jsonl.zst shards (default) or one plain jsonl.
    #[arg(long, value_enum, default_value_t = EventFormat::Zst)]
    pub format: EventFormat,
    /// Accounts per event shard.
    #[arg(long, default_value_t = 1024)]
    pub accounts_per_shard: usize,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum EventFormat {
    Zst,
    Jsonl,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    if !(args.scale > 0.0 && args.scale.is_finite() && args.scale <= 10_000.0) {
        return Err(super::usage(
            "--scale must be a positive number (at most 10000)",
        ));
    }
    if args.accounts_per_shard == 0 {
        return Err(super::usage("--accounts-per-shard must be > 0"));
    }
    let mut scenario =
        distillguard_sim::load(&args.scenario).map_err(|err| super::usage(err.to_string()))?;
    if let Some(filler) = args.filler {
        scenario = scenario
            .with_filler(filler)
            .map_err(|err| super::usage(err.to_string()))?;
    }
    let scenario = scenario.scaled(args.scale);
    let options = Options {
        seed: args.seed,
        format: match args.format {
            EventFormat::Zst => Format::JsonlZst,
            EventFormat::Jsonl => Format::Jsonl,
        },
        accounts_per_shard: args.accounts_per_shard,
        scale: args.scale,
        ..Options::default()
    };
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} simulating {pos}/{len} accounts [{elapsed_precise}] {wide_bar} eta {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let started = Instant::now();
    let summary = distillguard_sim::generate(&scenario, &args.out, &options, &|done, total| {
        if let Some(bar) = &bar {
            bar.set_length(total);
            bar.set_position(done);
        }
    })
    .with_context(|| format!("simulating {} into {}", scenario.name, args.out.display()))?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "simulated scenario {} (seed {}, scale {}): {} accounts ({} attack in {} campaigns), {} exchanges ({} attack, {} duplicate deliveries) in {:.1}s ({:.0} exchanges/s) -> {}",
        summary.scenario,
        summary.seed,
        args.scale,
        summary.accounts,
        summary.attack_accounts,
        summary.campaigns.len(),
        summary.exchanges,
        summary.attack_exchanges,
        summary.duplicates,
        seconds,
        summary.exchanges as f64 / seconds.max(1e-9),
        args.out.display()
    );
    Ok(())
}
