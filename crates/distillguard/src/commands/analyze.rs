//! `distillguard analyze`: read exchange logs, detect, write report.json, report.html and
//! indicators.stix.json, print a one-screen summary.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use distillguard_ingest::{IngestError, IngestEvent, Mapping, ReadOptions};
use distillguard_model::report::Report;
use distillguard_model::{AccountRecord, Exchange, ModelRelease, PartnerIndicator};
use distillguard_scoring::{Config, Engine, RawConfig, ReaderCounts, SideInputs};

/// Find distillation campaigns in API exchange logs.
///
/// Reads exchange records (.jsonl, .jsonl.gz, .jsonl.zst, .parquet; files or folders)
/// as a stream, scores every account against the population, links accounts under
/// common control into clusters and campaigns, and writes into --out:
///   report.json          every account with score, verdict and evidence; clusters; campaigns
///   report.html          one self-contained page to open in a browser
///   indicators.stix.json STIX 2.1 bundle of the campaigns' indicators (no customer ids, no prompt text)
///   rejects.jsonl        records that could not be read, with file, line and reason
///
/// A folder that holds accounts.jsonl or releases.json (as `simulate` writes them) is
/// used for them unless --accounts / --releases say otherwise. Labels are never read.
///
/// Examples:
///   distillguard analyze logs/ --out out/
///   distillguard analyze litellm_spend.jsonl --mapping litellm --out out/
///   distillguard analyze sim/ --out out/ --detector baseline
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Exchange log files or folders.
    #[arg(required = true, value_name = "EVENTS")]
    pub events: Vec<PathBuf>,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Account records (accounts.jsonl): sign-up facts for access-control risk.
    #[arg(long, value_name = "FILE")]
    pub accounts: Option<PathBuf>,
    /// Model releases (releases.json); without it a model's release is its first appearance.
    #[arg(long, value_name = "FILE")]
    pub releases: Option<PathBuf>,
    /// Field mapping for logs with other field names: litellm, helicone, otel-genai, or a TOML file.
    #[arg(long, value_name = "NAME|FILE")]
    pub mapping: Option<String>,
    /// Detection settings (TOML; see docs/CONFIG.md). Defaults need no file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Partner indicators (from `distillguard intel import`) to corroborate findings.
    #[arg(long, value_name = "FILE")]
    pub intel: Option<PathBuf>,
    /// Detector: `full` (default), or `baseline` (per-account volume threshold only).
    #[arg(long, default_value = "full", value_parser = ["full", "baseline"])]
    pub detector: String,
    /// Do not print the summary (files are still written).
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let config = load_config(args.config.as_deref())?;
    let mapping = match args.mapping.as_deref() {
        Some(name) => {
            Some(Mapping::load(name).map_err(|e| super::usage(format!("--mapping: {e}")))?)
        }
        None => None,
    };
    let files =
        distillguard_ingest::discover(&args.events).map_err(|e| super::usage(e.to_string()))?;
    if files.is_empty() {
        return Err(super::usage(format!(
            "no exchange log files (*.jsonl, *.jsonl.gz, *.jsonl.zst, *.parquet) found in {}",
            args.events
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let accounts_path = args
        .accounts
        .clone()
        .or_else(|| beside(&args.events, "accounts.jsonl"));
    let releases_path = args
        .releases
        .clone()
        .or_else(|| beside(&args.events, "releases.json"));
    let records: Vec<AccountRecord> = match &accounts_path {
        Some(path) => {
            let (records, rejects) = distillguard_ingest::read_accounts(path)
                .map_err(|e| super::usage(e.to_string()))?;
            if !rejects.is_empty() {
                eprintln!(
                    "warning: {} account records in {} could not be read (first: {})",
                    rejects.len(),
                    path.display(),
                    rejects[0]
                );
            }
            records
        }
        None => Vec::new(),
    };
    let releases: Vec<ModelRelease> = match &releases_path {
        Some(path) => {
            distillguard_ingest::read_releases(path).map_err(|e| super::usage(e.to_string()))?
        }
        None => Vec::new(),
    };
    let intel: Vec<PartnerIndicator> = match &args.intel {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                super::usage(format!("cannot read --intel {}: {e}", path.display()))
            })?;
            serde_json::from_str(&text).map_err(|e| {
                super::usage(format!(
                    "{} is not a partner indicator list (from `distillguard intel import`): {e}",
                    path.display()
                ))
            })?
        }
        None => Vec::new(),
    };

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating output folder {}", args.out.display()))
        .map_err(|e| super::usage(format!("{e:#}")))?;
    let rejects_path = args.out.join("rejects.jsonl");
    let mut rejects = std::io::BufWriter::new(
        std::fs::File::create(&rejects_path)
            .with_context(|| format!("creating {}", rejects_path.display()))?,
    );

    let mut stages = Stages::new(!args.quiet);
    let progress = Progress::new(!args.quiet && std::io::stderr().is_terminal());
    let opts = ReadOptions {
        mapping,
        ..ReadOptions::default()
    };
    let mut first_rejects: Vec<String> = Vec::new();
    let (engine, stats) = fold_exchanges(
        Engine::new(config.clone()),
        &files,
        &opts,
        &mut |reject| {
            if first_rejects.len() < 3 {
                first_rejects.push(reject.to_string());
            }
            writeln!(rejects, "{}", reject.to_json_line())
        },
        &progress,
    )?;
    rejects
        .flush()
        .with_context(|| format!("writing {}", rejects_path.display()))?;
    progress.finish();
    if stats.exchanges == 0 {
        return Err(super::usage(format!(
            "no valid exchange records in {} file(s) ({} rejected; see {})",
            stats.files,
            stats.rejected,
            rejects_path.display()
        )));
    }

    stages.read(engine.exchanges());
    let side = SideInputs {
        accounts: &records,
        releases: &releases,
        intel: &intel,
    };
    let counts = ReaderCounts {
        rejected: stats.rejected,
        duplicates: stats.duplicates,
    };
    let report = if args.detector == "baseline" {
        engine.finish_baseline(side, counts)
    } else {
        engine
            .finish_with_stages(side, counts, &mut |stage| stages.start(stage.describe()))
            .report
    };
    stages.start("writing the report");
    write_outputs(&report, &args.out)?;
    stages.end();

    if !args.quiet {
        let width = terminal_width();
        print!("{}", distillguard_report::render_summary(&report, width));
        if stats.rejected > 0 {
            println!(
                "{} records rejected (see {}); first: {}",
                stats.rejected,
                rejects_path.display(),
                first_rejects.join(" | ")
            );
        }
        println!(
            "wrote {}/report.json, report.html, indicators.stix.json",
            args.out.display()
        );
    }
    Ok(())
}

/// Reads `files` and folds every exchange into `engine`. Reading and parsing run on one
/// side of a bounded channel, signal extraction and folding on the other, so both cores
/// stay busy; memory stays bounded by the channel. Rejected records go to `on_reject`.
fn fold_exchanges(
    mut engine: Engine,
    files: &[PathBuf],
    opts: &ReadOptions,
    on_reject: &mut dyn FnMut(&distillguard_ingest::Reject) -> std::io::Result<()>,
    progress: &Progress,
) -> anyhow::Result<(Engine, distillguard_ingest::IngestStats)> {
    use std::sync::atomic::{AtomicU64, Ordering};
    let folded = AtomicU64::new(0);
    std::thread::scope(|scope| {
        let (batch_tx, batch_rx) = std::sync::mpsc::sync_channel::<Vec<Exchange>>(2);
        let folded = &folded;
        let folder = scope.spawn(move || {
            engine.observe_batches(batch_rx, |n| {
                folded.fetch_add(n as u64, Ordering::Relaxed);
            });
            engine
        });
        let read = distillguard_ingest::read_exchanges(files, opts, &mut |event| {
            match event {
                IngestEvent::Batch(batch) => {
                    // The folder only stops early if it panicked; join reports that.
                    let _ = batch_tx.send(batch);
                }
                IngestEvent::Reject(reject) => on_reject(&reject)?,
                IngestEvent::Progress {
                    bytes_done,
                    bytes_total,
                } => progress.update(bytes_done, bytes_total, folded.load(Ordering::Relaxed)),
            }
            Ok(())
        });
        drop(batch_tx);
        let engine = folder
            .join()
            .map_err(|_| anyhow::anyhow!("the detection engine thread panicked"))?;
        let stats = read.map_err(|e| match e {
            IngestError::Open { .. } | IngestError::Read { .. } => super::usage(e.to_string()),
            other => anyhow::Error::new(other).context("reading exchange logs"),
        })?;
        Ok((engine, stats))
    })
}

/// Writes report.json, report.html and indicators.stix.json into `out`.
pub fn write_outputs(report: &Report, out: &Path) -> anyhow::Result<()> {
    let write = |name: &str, text: String| -> anyhow::Result<()> {
        let path = out.join(name);
        let tmp = out.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
        Ok(())
    };
    write("report.json", distillguard_report::to_json(report))?;
    write("report.html", distillguard_report::render_html(report))?;
    let now = report.input.to.unwrap_or(0);
    let bundle = distillguard_sharing::export_bundle(
        report,
        &distillguard_sharing::ExportOptions::default(),
        now,
    );
    write(
        "indicators.stix.json",
        serde_json::to_string_pretty(&bundle).context("serialising the STIX bundle")?,
    )?;
    Ok(())
}

/// Reads and validates a config file (or the defaults).
pub fn load_config(path: Option<&Path>) -> anyhow::Result<Config> {
    let raw = match path {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                super::usage(format!("cannot read --config {}: {e}", path.display()))
            })?;
            RawConfig::from_toml(&text)
                .map_err(|e| super::usage(format!("{}: {e}", path.display())))?
        }
        None => RawConfig::default(),
    };
    raw.validate().map_err(|e| super::usage(format!("{e}")))
}

/// `name` inside the only input folder, if it is there.
fn beside(inputs: &[PathBuf], name: &str) -> Option<PathBuf> {
    let dirs: Vec<&PathBuf> = inputs.iter().filter(|p| p.is_dir()).collect();
    if dirs.len() != 1 {
        return None;
    }
    let path = dirs[0].join(name);
    path.is_file().then_some(path)
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

/// One line on stderr for the read and one per stage after it, with the seconds each
/// took, so a long run is never silent (nothing with --quiet).
struct Stages {
    enabled: bool,
    clock: std::time::Instant,
    running: Option<&'static str>,
}

impl Stages {
    /// Starts timing the read.
    fn new(enabled: bool) -> Stages {
        Stages {
            enabled,
            clock: std::time::Instant::now(),
            running: None,
        }
    }

    /// Reports the read.
    fn read(&mut self, exchanges: u64) {
        if self.enabled {
            let seconds = self.clock.elapsed().as_secs_f64();
            eprintln!("read {exchanges} exchanges in {seconds:.1} s");
        }
        self.clock = std::time::Instant::now();
    }

    /// Ends the running stage, if any, and starts `stage`.
    fn start(&mut self, stage: &'static str) {
        self.end();
        self.running = Some(stage);
        self.clock = std::time::Instant::now();
    }

    /// Ends the running stage, reporting its seconds.
    fn end(&mut self) {
        if let Some(stage) = self.running.take() {
            if self.enabled {
                let seconds = self.clock.elapsed().as_secs_f64();
                eprintln!("  {stage}: {seconds:.2} s");
            }
        }
    }
}

/// A progress bar on a terminal; nothing otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(enabled: bool) -> Progress {
        let bar = enabled.then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} reading [{bar:30}] {bytes}/{total_bytes} {msg} ({eta} left)",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar
        });
        Progress { bar }
    }

    fn update(&self, done: u64, total: u64, exchanges: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
            bar.set_position(done);
            bar.set_message(format!("{exchanges} exchanges"));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
